"""A registry's policy: who may replicate into the registry, and which organization may fill
its pull-through caches (statements with resources, under the rules of repository policies).
https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from .._framework import aws
from .._state import lazy_string
from ..addresses import REGISTRY_POLICY_ID, pin_address, with_alias
from ..checks import check_account_id, check_region, type_name
from ..enums import RegistryPolicyScope
from ..errors import ValidationError, located
from ..facts import (
    ORGANIZATION_ID_PATTERN,
    PRINCIPAL_ORG_ID,
    PRINCIPAL_ORG_ID_TEST,
    PULL_THROUGH_CACHE_ACTIONS,
    REPLICATION_ACTIONS,
    REPOSITORY_ARN_PATTERN,
    V1_REGISTRY_POLICY_ACTIONS,
    partition_of,
)
from ..json_text import compact_json
from ..policy.statement import Condition, PolicyStatement, policy_document
from ..tokens import is_literal, is_token
from .account_settings import AccountSettings
from .membership import OwnerCore

_ORGANIZATION_ID = re.compile(ORGANIZATION_ID_PATTERN, re.ASCII)
_ACTION = re.compile(r"ecr:[A-Za-z]+", re.ASCII)
_RESOURCE = re.compile(REPOSITORY_ARN_PATTERN, re.ASCII)


def registry_policy_statement(
    *,
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str],
    principals: Mapping[str, Sequence[str]],
    conditions: Sequence[Condition] = (),
) -> PolicyStatement:
    """An ``Allow`` statement of a registry policy: a :class:`PolicyStatement` whose
    actions are ``ecr:`` actions without wildcards and whose resources are repository ARNs
    (``arn:<partition>:ecr:<region>:<account>:repository/<name or prefix*>``) or tokens."""
    statement = PolicyStatement(
        sid=sid, actions=actions, resources=resources, principals=principals, conditions=conditions
    )
    for name, values, pattern, allowed in (
        ("actions", statement.actions, _ACTION, "ecr: actions without wildcards, e.g. "
         "'ecr:ReplicateImage'"),
        ("resources", statement.resources, _RESOURCE, "ECR repository ARNs, or tokens"),
    ):
        if not values:
            raise ValidationError(name, list(values), "a non-empty list of " + allowed)
        for value in values:
            if not (pattern.fullmatch(value) or is_token(value)):
                raise ValidationError(
                    name, list(values), "a non-empty list of " + allowed, problem=f"holds {value!r}"
                )
    return statement


def repository_arn(partition: str, region: str, account_id: str, repository: str) -> str:
    return f"arn:{partition}:ecr:{region}:{account_id}:repository/{repository}"


def _partition(parameter: str, region: str, partition: Optional[str]) -> str:
    if partition is not None:
        return partition
    if is_literal(region):
        return partition_of(region)
    raise ValidationError(
        parameter,
        region,
        "a literal region, or an explicit partition (e.g. 'aws') when the region is a token",
        problem="is a token, so the ARN partition is unknown",
    )


def replication_source_statement(
    source_account_id: str,
    destination_region: str,
    destination_account_id: str,
    *,
    partition: Optional[str] = None,
    sid: Optional[str] = None,
) -> PolicyStatement:
    """The *destination* registry's statement letting ``source_account_id`` (its root)
    replicate into it, creating repositories (``partition``: that of the region by default).
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html
    """
    check_account_id("source_account_id", source_account_id)
    check_region("destination_region", destination_region)
    check_account_id("destination_account_id", destination_account_id)
    arn_partition = _partition("destination_region", destination_region, partition)
    return registry_policy_statement(
        sid=sid
        or (
            f"AllowReplicationFrom{source_account_id}"
            if is_literal(source_account_id)
            else "AllowReplicationFromSourceRegistry"
        ),
        actions=REPLICATION_ACTIONS,
        resources=(
            repository_arn(arn_partition, destination_region, destination_account_id, "*"),
        ),
        principals={"AWS": [f"arn:{arn_partition}:iam::{source_account_id}:root"]},
    )


def organization_pull_through_cache_statement(
    organization_id: str,
    *,
    region: str,
    account_id: str,
    ecr_repository_prefixes: Sequence[str],
    partition: Optional[str] = None,
    sid: str = "AllowOrganizationPullThroughCache",
) -> PolicyStatement:
    """Let every principal of an organization (principal ``*`` limited by
    ``aws:PrincipalOrgID``) fill the pull-through caches of ``ecr_repository_prefixes``.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html"""
    _check_organization_id(organization_id)
    check_region("region", region)
    check_account_id("account_id", account_id)
    arn_partition = _partition("region", region, partition)
    if isinstance(ecr_repository_prefixes, (str, bytes)) or not ecr_repository_prefixes:
        raise ValidationError(
            "ecr_repository_prefixes",
            ecr_repository_prefixes,
            "a non-empty list of pull-through cache rule prefixes",
        )
    patterns = {
        "*" if prefix == "ROOT" else prefix.rstrip("/") + "/*"
        for prefix in ecr_repository_prefixes
    }
    if "*" in patterns:
        patterns = {"*"}
    return registry_policy_statement(
        sid=sid,
        actions=PULL_THROUGH_CACHE_ACTIONS,
        resources=[repository_arn(arn_partition, region, account_id, p) for p in sorted(patterns)],
        principals={"*": ["*"]},
        conditions=[Condition(PRINCIPAL_ORG_ID_TEST, PRINCIPAL_ORG_ID, [organization_id])],
    )


def _check_organization_id(organization_id: Any) -> None:
    if type(organization_id) is not str or not (
        _ORGANIZATION_ID.fullmatch(organization_id) or is_token(organization_id)
    ):
        raise ValidationError(
            "organization_id", organization_id,
            f"an AWS Organizations ID matching ^{ORGANIZATION_ID_PATTERN}$, or a token",
        )


def registry_policy_json(
    statements: Sequence[PolicyStatement],
    scope: Optional[RegistryPolicyScope] = None,
) -> str:
    """The registry policy text (statements sorted by Sid, values as lists, compact, keys
    sorted), checked against the registry's ``REGISTRY_POLICY_SCOPE`` when it is given."""
    allowed = "a non-empty list of registry policy statements (PolicyStatement with resources)"
    if isinstance(statements, (str, bytes)) or not statements:
        raise ValidationError("statements", statements, allowed)
    for statement in statements:
        if not isinstance(statement, PolicyStatement) or not statement.resources:
            problem = (
                f"holds the statement {statement.sid!r}, which has no resources"
                if isinstance(statement, PolicyStatement)
                else f"holds {type_name(statement)}"
            )
            raise ValidationError("statements", statements, allowed, problem=problem)
    sids = [s.sid for s in statements]
    repeated = sorted({sid for sid in sids if sids.count(sid) > 1})
    if repeated:
        raise ValidationError(
            "statements", sids, "statements with distinct Sids", problem=f"repeat {repeated}"
        )
    if scope is not None and RegistryPolicyScope(scope) is RegistryPolicyScope.V1:
        extra = sorted({a for s in statements for a in s.actions} - V1_REGISTRY_POLICY_ACTIONS)
        if extra:
            raise ValidationError(
                "statements",
                extra,
                f"under REGISTRY_POLICY_SCOPE V1, only {sorted(V1_REGISTRY_POLICY_ACTIONS)}",
                problem="are actions ECR does not accept in a V1 registry policy",
            )
    ordered = sorted(statements, key=lambda s: s.sid)
    return compact_json(policy_document(ordered, single_values_as_strings=False))


class RegistryPolicy:
    """The registry-policy part of one registry owner."""

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
        _check_organization_id(organization_id)
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

    def statements(self) -> Tuple[PolicyStatement, ...]:
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
        statements: Dict[str, PolicyStatement] = {}
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
