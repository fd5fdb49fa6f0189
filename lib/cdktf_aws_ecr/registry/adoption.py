"""The adoption part of a registry owner: ``import`` blocks for the registry-wide settings
that exist in AWS already (:meth:`~cdktf_aws_ecr.Registry.adopt`)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, List, Optional, Protocol, Sequence, Tuple

from .._state import add_synth_check
from ..addresses import account_setting_address_id, declare_imports
from ..adoption import AdoptionWarning
from ..checks import string_list, type_name
from ..errors import ValidationError
from ..tokens import is_literal
from .membership import OwnerCore
from .prefixes import normalized_prefix

_PREFIXES_ALLOWED = "a list of distinct prefixes of this owner's pull-through caches or templates"


class AdoptingOwner(OwnerCore, Protocol):
    """The parts of a :class:`~cdktf_aws_ecr.Registry` whose resources may be adopted."""

    _scanning: Any
    _replication: Any
    _registry_policy: Any
    _account_settings: Any
    _caches: Any
    _templates: Any


def _address(resource: Any) -> str:
    return f"{resource.terraform_resource_type}.{resource.friendly_unique_id}"


class RegistryAdoption:
    """What one owner says exists in AWS, and the import blocks that follow from it.

    The scanning configuration and the account settings exist in every registry
    (GetRegistryScanningConfiguration and GetAccountSetting answer with the defaults,
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRegistryScanningConfiguration.html),
    so they are imported whenever the owner writes them; the replication configuration
    exists once it has a rule (provider 5.x reads one without rules as none), the
    registry policy once it is set, caches and templates per prefix.
    """

    def __init__(
        self,
        owner: AdoptingOwner,
        replication: bool,
        registry_policy: bool,
        pull_through_caches: Sequence[str],
        creation_templates: Sequence[str],
    ) -> None:
        owner.refuse_elsewhere("adopt", True)
        for parameter, value in (
            ("replication", replication), ("registry_policy", registry_policy)
        ):
            if type(value) is not bool:
                raise ValidationError(
                    parameter, value, "True or False: whether it exists in AWS",
                    problem=f"is {type_name(value)}",
                )
        self._owner = owner
        self._replication = replication
        self._registry_policy = registry_policy
        self._caches = self._prefixes("pull_through_caches", pull_through_caches)
        self._templates = self._prefixes("creation_templates", creation_templates)
        declare_imports(owner.stack_state.stack, self._blocks)
        add_synth_check(owner.stack_state, self._check)

    @staticmethod
    def _prefixes(parameter: str, value: Any) -> Dict[str, str]:
        items = string_list(parameter, value, _PREFIXES_ALLOWED)
        if items is None:
            raise ValidationError(parameter, value, _PREFIXES_ALLOWED, problem="is a token")
        return {normalized_prefix(prefix): prefix for prefix in items}

    def _adopted(self) -> Iterator[Tuple[str, Optional[str], str, bool]]:
        """``(what, address, import id, whether the id is the account)`` of each setting
        said to exist; the address is None when the owner writes no such setting."""
        owner = self._owner
        account = owner.location.account_id or ""
        if owner._scanning.configuration is not None:  # it exists in every registry
            yield "scanning configuration", _address(owner._scanning.configuration), account, True
        for what, resource, exists in (
            ("replication configuration", owner._replication.configuration, self._replication),
            ("registry policy", owner._registry_policy.resource, self._registry_policy),
        ):
            if exists:
                yield what, _address(resource) if resource is not None else None, account, True
        for name in owner._account_settings.values:
            address = f"aws_ecr_account_setting.{account_setting_address_id(name, owner.alias)}"
            yield f"account setting {name}", address, name, False
        for kind, declared, prefixes, attribute in (
            ("pull-through cache", owner._caches.by_prefix, self._caches, "rule"),
            ("creation template", owner._templates.by_prefix, self._templates, "template"),
        ):
            for key, prefix in prefixes.items():
                construct = declared.get(key)
                if construct is None:
                    yield f"{kind} {prefix!r}", None, prefix, False
                else:
                    yield f"{kind} {prefix!r}", _address(getattr(construct, attribute)), (
                        construct.prefix
                    ), False

    def _blocks(self) -> List[Tuple[str, str]]:
        return [(address, id) for _, address, id, _ in self._adopted() if address is not None]

    def _check(self) -> None:
        owner = self._owner
        for what, address, _, by_account in self._adopted():
            if address is None:
                warnings.warn(
                    f"{owner.label}: adopt says the {what} exists, and this owner "
                    "writes none: it stays in AWS as it is, managed by nothing.",
                    AdoptionWarning,
                    stacklevel=2,
                )
            elif by_account and not is_literal(owner.location.account_id):
                raise ValidationError(
                    "adopt", True, "a registry whose account is known at synth: pin it with "
                    "AwsProvider(allowed_account_ids=[...]) or Registry(account_id=...)",
                    problem=f"imports the registry's {what}, whose import ID is the account ID",
                    where=owner.label,
                )
