"""ECR account settings (``aws_ecr_account_setting``), each value checked against its name,
which provider 5.100 does not do (it accepts ``BASIC_SCAN_TYPE_VERSION = "V2"``).
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html"""

from __future__ import annotations

import enum
from typing import Any, Dict, Optional, Type, Union

from .._framework import aws
from ..addresses import account_setting_address_id, pin_address
from ..checks import check_choice
from ..enums import AccountSettingName, BasicScanTypeVersion, BlobMounting, RegistryPolicyScope
from ..errors import ValidationError
from ..framework import needs_aws_provider_6
from ..providers import require_aws_provider_minor
from ..tokens import is_token
from .membership import OwnerCore

DEFAULT_BASIC_SCAN_TYPE_VERSION = BasicScanTypeVersion.AWS_NATIVE

_NAMES = tuple(member.value for member in AccountSettingName)
_VALUES: Dict[AccountSettingName, Type[enum.Enum]] = {
    AccountSettingName.BASIC_SCAN_TYPE_VERSION: BasicScanTypeVersion,
    AccountSettingName.REGISTRY_POLICY_SCOPE: RegistryPolicyScope,
    AccountSettingName.BLOB_MOUNTING: BlobMounting,
}
#: The provider 6 minor that accepts ``BLOB_MOUNTING`` (its changelog).
BLOB_MOUNTING_MINOR = 29


def account_setting(
    name: Union[str, AccountSettingName],
    value: Union[str, BasicScanTypeVersion, RegistryPolicyScope],
) -> Dict[str, str]:
    """The arguments of one ``aws_ecr_account_setting``, ``{"name": ..., "value": ...}``, the
    value a member (or exact string) of the name's enum."""
    checked_name = check_choice("name", name, AccountSettingName)
    if checked_name not in _NAMES:
        raise ValidationError(
            "name", name, " or ".join(map(repr, _NAMES)), problem="is a token, not a known name"
        )
    values = _VALUES[AccountSettingName(checked_name)]
    return {"name": checked_name, "value": check_choice("value", value, values)}


# https://aws.amazon.com/about-aws/whats-new/2024/10/amazon-ecr-basic-scanning-aws-native-technology/
# and https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html:
# AWS ended support for the Clair engine on 1 October 2025.
CLAIR_ENDED = "AWS ended its support on 1 October 2025"


def check_basic_scan_type_version(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    checked = check_choice(parameter, value, BasicScanTypeVersion)
    if checked == BasicScanTypeVersion.CLAIR.value:
        raise ValidationError(
            parameter, value, "'AWS_NATIVE', or None",
            problem=f"selects the Clair engine, for which {CLAIR_ENDED}",
        )
    if is_token(checked):
        raise ValidationError(
            parameter, value, "'AWS_NATIVE' or None, known at synth",
            problem="is an unresolved token",
        )
    return checked


def check_blob_mounting(parameter: str, value: Any) -> Optional[str]:
    """``ENABLED``, ``DISABLED`` or None, known at synth; only on a 6.x line.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutAccountSetting.html"""
    if value is None:
        return None
    checked = check_choice(parameter, value, BlobMounting)
    refusal = needs_aws_provider_6("the BLOB_MOUNTING account setting")
    if refusal is not None:
        raise ValidationError(parameter, value, "None", problem=refusal)
    if is_token(checked):
        raise ValidationError(
            parameter, value, "'ENABLED', 'DISABLED' or None, known at synth",
            problem="is an unresolved token",
        )
    return checked


def check_registry_policy_scope(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    checked = check_choice(parameter, value, RegistryPolicyScope)
    if is_token(checked):
        raise ValidationError(
            parameter, value, "'V1', 'V2' or None, known at synth (the registry policy is "
            "checked against it)", problem="is an unresolved token",
        )
    return checked


class AccountSettings:
    """The account settings one registry owner writes."""

    def __init__(self, owner: OwnerCore) -> None:
        self._owner = owner
        #: ``{name: value}`` of every setting written.
        self.values: Dict[str, str] = {}

    def add(self, name: AccountSettingName, value: str) -> None:
        owner = self._owner
        if owner.configured_elsewhere:
            return
        arguments = account_setting(name, value)
        resource = aws.EcrAccountSetting(
            owner, f"account_setting_{name.value.lower()}", **arguments, provider=owner.provider
        )
        pin_address(
            owner.stack_state.stack, resource, "aws_ecr_account_setting",
            account_setting_address_id(name.value, owner.alias), in_release_0_1_0=False,
        )
        self.values[name.value] = arguments["value"]
        if name is AccountSettingName.BLOB_MOUNTING:
            require_aws_provider_minor(owner.stack_state.stack, BLOB_MOUNTING_MINOR)

    @property
    def registry_policy_scope(self) -> Optional[RegistryPolicyScope]:
        scope = self.values.get(AccountSettingName.REGISTRY_POLICY_SCOPE.value)
        return RegistryPolicyScope(scope) if scope is not None else None
