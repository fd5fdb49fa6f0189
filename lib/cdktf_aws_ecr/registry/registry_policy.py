"""A registry's policy (``aws_ecr_registry_policy``): who may replicate into the registry,
and which organization may fill its pull-through caches."""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from .._framework import aws
from .._state import lazy_string
from ..addresses import REGISTRY_POLICY_ID, pin_address, with_alias
from ..checks import check_account_id
from ..errors import ValidationError, located
from ..facts import ORGANIZATION_ID_PATTERN
from ..registry_policy import (
    RegistryPolicyStatement,
    organization_pull_through_cache_statement,
    registry_policy_json,
    replication_source_statement,
)
from ..tokens import is_token
from .account_settings import AccountSettings
from .membership import OwnerCore

_ORGANIZATION_ID = re.compile(ORGANIZATION_ID_PATTERN, re.ASCII)


class RegistryPolicy:
    """The registry-policy part of one registry owner.

    ``incoming_sources()``: the accounts of the app's registries that replicate
    into this one from another account; ``cache_prefixes()``: the prefixes of
    the owner's pull-through caches.
    """

    def __init__(
        self,
        owner: OwnerCore,
        settings: AccountSettings,
        incoming_sources: Callable[[], List[str]],
        cache_prefixes: Callable[[], List[str]],
    ) -> None:
        self._owner = owner
        self._settings = settings
        self._incoming_sources = incoming_sources
        self._cache_prefixes = cache_prefixes
        self.replication_sources: List[str] = []
        self.organizations: List[str] = []
        self.resource: Optional[Any] = None

    def allow_replication_from(self, account_id: str) -> None:
        check_account_id("account_id", account_id)
        self._owner.refuse_elsewhere("account_id", account_id)
        if account_id in self.replication_sources:
            raise ValidationError(
                "account_id", account_id, "an account not yet allowed to replicate here",
                problem="is allowed already",
            )
        self.replication_sources.append(account_id)
        self.ensure()

    def allow_pull_through_cache_for_organization(self, organization_id: str) -> None:
        if type(organization_id) is not str or not (
            _ORGANIZATION_ID.fullmatch(organization_id) or is_token(organization_id)
        ):
            raise ValidationError(
                "organization_id", organization_id,
                f"an AWS Organizations ID matching ^{ORGANIZATION_ID_PATTERN}$, or a token",
            )
        self._owner.refuse_elsewhere("organization_id", organization_id)
        if organization_id in self.organizations:
            raise ValidationError(
                "organization_id", organization_id, "an organization not yet allowed",
                problem="is allowed already",
            )
        self.organizations.append(organization_id)
        self.ensure()

    def ensure(self) -> None:
        """Write the policy resource, once."""
        if self.resource is not None:
            return
        owner = self._owner
        self.resource = aws.EcrRegistryPolicy(
            owner, "registry_policy", policy=lazy_string(self.json), provider=owner.provider,
        )
        pin_address(
            owner.stack_state.stack, self.resource, "aws_ecr_registry_policy",
            with_alias(REGISTRY_POLICY_ID, owner.alias), in_release_0_1_0=False,
        )
        if owner.location.account_id is None:
            owner.registry_account()

    def writes(self) -> bool:
        return not self._owner.configured_elsewhere and bool(
            self.replication_sources or self.organizations or self._incoming_sources()
        )

    def statements(self) -> Tuple[RegistryPolicyStatement, ...]:
        """The statements of this registry's policy, sorted by Sid."""
        owner = self._owner
        location = owner.location
        if location.region is None:
            raise ValidationError(
                "region", None, "the registry's region, known at synth: give its provider a "
                "region or pass region=", problem="is unknown, and the registry policy names "
                "repository ARNs in it", where=owner.label,
            )
        account = owner.registry_account()
        statements: Dict[str, RegistryPolicyStatement] = {}
        for source_account in self.replication_sources + self._incoming_sources():
            statement = replication_source_statement(source_account, location.region, account)
            statements.setdefault(statement.sid, statement)
        prefixes = self._cache_prefixes()
        for number, organization in enumerate(self.organizations, start=1):
            if not prefixes:
                raise ValidationError(
                    "organization_id", organization, "an organization allowed to fill this "
                    "registry's pull-through caches, of which there is at least one "
                    "(add_pull_through_cache)", problem="is allowed, and the registry has no "
                    "pull-through cache", where=owner.label,
                )
            statement = organization_pull_through_cache_statement(
                organization, region=location.region, account_id=account,
                ecr_repository_prefixes=prefixes,
                sid="AllowOrganizationPullThroughCache" + (str(number) if number > 1 else ""),
            )
            statements[statement.sid] = statement
        return tuple(statements[sid] for sid in sorted(statements))

    def json(self) -> str:
        """The policy text, checked against ``REGISTRY_POLICY_SCOPE`` when it is set."""
        with located(self._owner.label):
            return registry_policy_json(self.statements(), self._settings.registry_policy_scope)

    def written(self) -> Dict[str, Tuple[str, Any]]:
        """What the one-owner check compares: ``{what: (parameter, value)}``."""
        if not self.writes():
            return {}
        return {"registry policy": (
            "registry_policy", self.replication_sources or self.organizations
            or "replication sources",
        )}
