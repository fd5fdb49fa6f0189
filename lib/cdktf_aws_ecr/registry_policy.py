"""Registry policy statements: who may replicate into, or pull through, a registry.

A registry has one ``aws_ecr_registry_policy``, so its statements are
collected from every feature that needs one and rendered together by
:func:`registry_policy_json`:

* :func:`replication_source_statement`: a source account may replicate into
  this registry (cross-account replication);
* :func:`organization_pull_through_cache_statement`: every principal of an AWS
  Organization may fill this registry's pull-through caches.

A ``*`` principal is refused unless the statement limits it to an
organization with ``aws:PrincipalOrgID`` or ``aws:PrincipalOrgPaths``.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .checks import check_account_id, check_principals, check_region
from .enums import RegistryPolicyScope
from .errors import ValidationError
from .facts import partition_of
from .json_text import compact_json
from .tokens import is_literal, is_token

POLICY_VERSION = "2012-10-17"
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html#replication-policy-clarification
REPLICATION_ACTIONS: Tuple[str, ...] = ("ecr:CreateRepository", "ecr:ReplicateImage")
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html: both
# can be granted by the registry policy (CreatePullThroughCacheRule cannot).
PULL_THROUGH_CACHE_ACTIONS: Tuple[str, ...] = (
    "ecr:BatchImportUpstreamImage",
    "ecr:CreateRepository",
)
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html:
# under scope V1, ECR enforces only these three at the registry level.
V1_ACTIONS = frozenset(
    {"ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}
)
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
ORGANIZATION_KEYS = ("aws:principalorgid", "aws:principalorgpaths")
_POSITIVE_OPERATORS = frozenset(
    {"stringequals", "stringlike", "foranyvalue:stringequals", "foranyvalue:stringlike"}
)
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
ORGANIZATION_ID_PATTERN = r"o-[a-z0-9]{10,32}"
_ORGANIZATION_ID = re.compile(ORGANIZATION_ID_PATTERN, re.ASCII)
_SID = re.compile(r"[A-Za-z0-9]+", re.ASCII)
_ACTION = re.compile(r"ecr:[A-Za-z]+", re.ASCII)
_RESOURCE = re.compile(r"arn:aws(?:-[a-z]+)*:ecr:[a-z0-9-]+:\d{12}:repository/\S+", re.ASCII)

WILDCARD = "*"
WILDCARD_ALLOWED = (
    f"'{WILDCARD}' only together with a condition that limits it to an organization: "
    "StringEquals/StringLike on aws:PrincipalOrgID (o-...) or "
    "ForAnyValue:StringLike on aws:PrincipalOrgPaths (o-.../...)"
)

Condition = Tuple[str, str, Tuple[str, ...]]


def _organization_value(key: str, value: Any) -> bool:
    if type(value) is not str:
        return False
    if key == "aws:principalorgid":
        valid = _ORGANIZATION_ID.fullmatch(value) is not None
    else:
        head, _, rest = value.partition("/")
        valid = _ORGANIZATION_ID.fullmatch(head) is not None and bool(rest)
    return valid or is_token(value)


def limits_to_organization(conditions: Iterable[Condition]) -> bool:
    """Whether one condition matches the principal's organization (ID or OU path)."""
    for operator, key, values in conditions:
        if (
            operator.lower() in _POSITIVE_OPERATORS
            and key.lower() in ORGANIZATION_KEYS
            and values
            and all(_organization_value(key.lower(), v) for v in values)
        ):
            return True
    return False


@dataclass(frozen=True)
class RegistryPolicyStatement:
    """One ``Allow`` statement of a registry policy.

    :param sid: Statement ID, letters and digits, unique within the policy.
    :param actions: ``ecr:`` actions, no wildcards.
    :param resources: Repository ARNs (``arn:<partition>:ecr:<region>:<account>:repository/<name or prefix*>``).
    :param principals: IAM principal ARNs or 12-digit account IDs, or the
        single value ``"*"`` when ``conditions`` limit it to an organization.
    :param conditions: ``(operator, key, values)`` triples, e.g.
        ``("StringEquals", "aws:PrincipalOrgID", ("o-abcdefghij",))``. Default: none.
    """

    sid: str
    actions: Sequence[str]
    resources: Sequence[str]
    principals: Sequence[str]
    conditions: Sequence[Condition] = ()

    def __post_init__(self) -> None:
        if type(self.sid) is not str or not _SID.fullmatch(self.sid):
            raise ValidationError("sid", self.sid, "letters and digits only (IAM Sid)")
        for name, pattern, allowed in (
            ("actions", _ACTION, "ecr: actions without wildcards, e.g. 'ecr:ReplicateImage'"),
            ("resources", _RESOURCE, "ECR repository ARNs, or tokens"),
        ):
            values = getattr(self, name)
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
                raise ValidationError(name, values, "a non-empty list of " + allowed)
            for value in values:
                if type(value) is not str or not (pattern.fullmatch(value) or is_token(value)):
                    raise ValidationError(
                        name, values, "a non-empty list of " + allowed, problem=f"holds {value!r}"
                    )
            object.__setattr__(self, name, tuple(values))
        conditions = []
        for condition in self.conditions:
            operator, key, values = condition
            if (
                type(operator) is not str
                or type(key) is not str
                or isinstance(values, (str, bytes))
                or not isinstance(values, Sequence)
                or not values
                or not all(type(v) is str for v in values)
            ):
                raise ValidationError(
                    "conditions",
                    self.conditions,
                    "(operator, key, [values...]) triples of strings, e.g. "
                    "('StringEquals', 'aws:PrincipalOrgID', ['o-abcdefghij'])",
                    problem=f"holds {condition!r}",
                )
            conditions.append((operator, key, tuple(values)))
        object.__setattr__(self, "conditions", tuple(conditions))
        principals = self.principals
        if isinstance(principals, (str, bytes)) or not isinstance(principals, Sequence):
            raise ValidationError("principals", principals, "a list of principals")
        if WILDCARD in principals:
            if list(principals) != [WILDCARD] or not limits_to_organization(conditions):
                # A "*" principal without an organization condition opens the
                # registry to every AWS account.
                raise ValidationError(
                    "principals",
                    principals,
                    WILDCARD_ALLOWED,
                    problem="grants '*' without limiting it to an organization"
                    if list(principals) == [WILDCARD]
                    else "mixes '*' with other principals",
                )
        elif not principals:
            raise ValidationError("principals", principals, "at least one principal")
        else:
            check_principals("principals", principals)
        object.__setattr__(self, "principals", tuple(principals))

    def document(self) -> Dict[str, Any]:
        """The statement as IAM JSON, lists sorted."""
        statement: Dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Principal": WILDCARD
            if self.principals == (WILDCARD,)
            else {"AWS": sorted(self.principals)},
            "Action": sorted(self.actions),
            "Resource": sorted(self.resources),
        }
        if self.conditions:
            condition: Dict[str, Dict[str, List[str]]] = {}
            for operator, key, values in self.conditions:
                condition.setdefault(operator, {})[key] = sorted(values)
            statement["Condition"] = condition
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
) -> RegistryPolicyStatement:
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
    return RegistryPolicyStatement(
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
        principals=(f"arn:{arn_partition}:iam::{source_account_id}:root",),
    )


def organization_pull_through_cache_statement(
    organization_id: str,
    *,
    region: str,
    account_id: str,
    ecr_repository_prefixes: Sequence[str],
    partition: Optional[str] = None,
    sid: str = "AllowOrganizationPullThroughCache",
) -> RegistryPolicyStatement:
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
    return RegistryPolicyStatement(
        sid=sid,
        actions=PULL_THROUGH_CACHE_ACTIONS,
        resources=tuple(
            repository_arn(arn_partition, region, account_id, p) for p in sorted(patterns)
        ),
        principals=(WILDCARD,),
        conditions=(("StringEquals", "aws:PrincipalOrgID", (organization_id,)),),
    )


def registry_policy_json(
    statements: Sequence[RegistryPolicyStatement],
    scope: Optional[RegistryPolicyScope] = None,
) -> str:
    """The registry policy text: statements sorted by Sid, compact, keys sorted.

    :param scope: The registry's ``REGISTRY_POLICY_SCOPE``. Under ``V1`` only
        ``ecr:ReplicateImage``, ``ecr:BatchImportUpstreamImage`` and
        ``ecr:CreateRepository`` are allowed. Default: None, not checked.
    """
    if isinstance(statements, (str, bytes)) or not statements or not all(
        isinstance(s, RegistryPolicyStatement) for s in statements
    ):
        raise ValidationError(
            "statements", statements, "a non-empty list of RegistryPolicyStatement"
        )
    sids = [s.sid for s in statements]
    repeated = sorted({sid for sid in sids if sids.count(sid) > 1})
    if repeated:
        raise ValidationError(
            "statements", sids, "statements with distinct Sids", problem=f"repeat {repeated}"
        )
    if scope is not None and RegistryPolicyScope(scope) is RegistryPolicyScope.V1:
        extra = sorted({a for s in statements for a in s.actions} - V1_ACTIONS)
        if extra:
            raise ValidationError(
                "statements",
                extra,
                f"under REGISTRY_POLICY_SCOPE V1, only {sorted(V1_ACTIONS)}",
                problem="are actions ECR does not accept in a V1 registry policy",
            )
    return compact_json(
        {
            "Version": POLICY_VERSION,
            "Statement": [s.document() for s in sorted(statements, key=lambda s: s.sid)],
        }
    )
