"""Registry policy statements: who may replicate into, or pull through, a registry.

A registry has one ``aws_ecr_registry_policy``; its statements, from every feature that
needs one, are :class:`~cdktf_aws_ecr.policy.statement.PolicyStatement` with resources
(the same rules as repository policies), rendered together by :func:`registry_policy_json`.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
"""

from __future__ import annotations

import re
from typing import Mapping, Optional, Sequence

from .account_settings import RegistryPolicyScope
from .checks import check_account_id, check_region, type_name
from .errors import ValidationError
from .facts import (
    ORGANIZATION_ID_PATTERN,
    PRINCIPAL_ORG_ID,
    PRINCIPAL_ORG_ID_TEST,
    PULL_THROUGH_CACHE_ACTIONS,
    REPLICATION_ACTIONS,
    REPOSITORY_ARN_PATTERN,
    V1_REGISTRY_POLICY_ACTIONS,
    partition_of,
)
from .json_text import compact_json
from .policy.statement import Condition, PolicyStatement, policy_document
from .tokens import is_literal, is_token

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
    """Let ``source_account_id`` replicate into the destination registry, creating repositories.

    The statement belongs in the *destination* registry's policy: principal
    the source account's root (any of its principals), actions
    ``ecr:CreateRepository`` and ``ecr:ReplicateImage``, every repository.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html

    :param partition: ARN partition. Default: the destination region's.
    :param sid: Default: ``AllowReplicationFrom<source account>``
        (``AllowReplicationFromSourceRegistry`` when the account is a token).
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
    """Let every principal of an organization fill this registry's pull-through caches.

    Principal ``*`` limited by ``aws:PrincipalOrgID``; actions
    ``ecr:BatchImportUpstreamImage`` (fetch the upstream image) and
    ``ecr:CreateRepository`` (create the cache repository on first pull).
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html

    :param ecr_repository_prefixes: The rules' ``ecr_repository_prefix``
        values; the resources are ``repository/<prefix>/*`` (every repository
        for ``ROOT``).
    """
    allowed_id = f"an AWS Organizations ID matching ^{ORGANIZATION_ID_PATTERN}$, or a token"
    if type(organization_id) is not str or not (
        _ORGANIZATION_ID.fullmatch(organization_id) or is_token(organization_id)
    ):
        raise ValidationError("organization_id", organization_id, allowed_id)
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


def registry_policy_json(
    statements: Sequence[PolicyStatement],
    scope: Optional[RegistryPolicyScope] = None,
) -> str:
    """The registry policy text: statements sorted by Sid, values as lists in the order
    given (the builders above give them sorted), compact, keys sorted.

    :param scope: The registry's ``REGISTRY_POLICY_SCOPE``. Under ``V1`` only
        ``ecr:ReplicateImage``, ``ecr:BatchImportUpstreamImage`` and
        ``ecr:CreateRepository`` are allowed. Default: None, not checked.
    """
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
