"""ECR account settings: ``aws_ecr_account_setting``, one value per name, account and region.

Provider 5.100 accepts exactly two names and the four values of both sets,
without checking that a value belongs to its name (``terraform validate``
accepts ``BASIC_SCAN_TYPE_VERSION = "V2"``); :func:`account_setting` does.
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html
"""

from __future__ import annotations

import enum
from typing import Dict, Type, Union

from .checks import check_choice
from .errors import ValidationError


class AccountSettingName(str, enum.Enum):
    """The account settings provider 5.100 manages."""

    BASIC_SCAN_TYPE_VERSION = "BASIC_SCAN_TYPE_VERSION"
    REGISTRY_POLICY_SCOPE = "REGISTRY_POLICY_SCOPE"


class BasicScanTypeVersion(str, enum.Enum):
    """Which engine runs *basic* scanning (registries with ``scan_type`` BASIC).

    https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html

    * ``AWS_NATIVE``: AWS native technology, recommended; every new registry
      uses it by default.
    * ``CLAIR``: the previous engine, built on the open-source Clair project.
      AWS deprecated it and ended its support on 1 October 2025 (2 February
      2026 in the China regions), so it is here only to read or replace an
      old setting.

    Default: ``AWS_NATIVE``.
    """

    AWS_NATIVE = "AWS_NATIVE"
    CLAIR = "CLAIR"


class RegistryPolicyScope(str, enum.Enum):
    """Which actions the registry policy governs.

    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html

    * ``V2``: the registry policy may grant any ECR action and ECR enforces it
      on every ECR request. New registries use it.
    * ``V1``: ECR enforces only ``ecr:ReplicateImage``,
      ``ecr:BatchImportUpstreamImage`` and ``ecr:CreateRepository`` at the
      registry level (cross-account replication and pull-through cache).

    Default: ``V2``.
    """

    V1 = "V1"
    V2 = "V2"


DEFAULT_BASIC_SCAN_TYPE_VERSION = BasicScanTypeVersion.AWS_NATIVE

_NAMES = tuple(member.value for member in AccountSettingName)
_VALUES: Dict[AccountSettingName, Type[enum.Enum]] = {
    AccountSettingName.BASIC_SCAN_TYPE_VERSION: BasicScanTypeVersion,
    AccountSettingName.REGISTRY_POLICY_SCOPE: RegistryPolicyScope,
}


def account_setting(
    name: Union[str, AccountSettingName],
    value: Union[str, BasicScanTypeVersion, RegistryPolicyScope],
) -> Dict[str, str]:
    """The arguments of one ``aws_ecr_account_setting``: ``{"name": ..., "value": ...}``.

    :param name: ``BASIC_SCAN_TYPE_VERSION`` or ``REGISTRY_POLICY_SCOPE``
        (exact, or :class:`AccountSettingName`).
    :param value: A :class:`BasicScanTypeVersion` for the first, a
        :class:`RegistryPolicyScope` for the second (member or exact string).
    """
    checked_name = check_choice("name", name, AccountSettingName)
    if checked_name not in _NAMES:
        raise ValidationError(
            "name", name, " or ".join(map(repr, _NAMES)), problem="is a token, not a known name"
        )
    values = _VALUES[AccountSettingName(checked_name)]
    return {"name": checked_name, "value": check_choice("value", value, values)}
