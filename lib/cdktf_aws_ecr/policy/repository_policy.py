"""A repository policy: grants merged into statements, checked against ECR's limits, and
written into an ``aws_iam_policy_document`` with the Terraform guards it needs."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from ..checks import PRINCIPAL_RE, PRINCIPALS_ALLOWED, check_principals, type_name
from ..errors import ValidationError
from ..facts import (
    MAX_REPOSITORY_POLICY_LENGTH,
    PRINCIPAL_ORG_ID,
    PRINCIPAL_ORG_ID_TEST,
    PRINCIPAL_ORG_PATHS,
    PRINCIPAL_ORG_PATHS_TEST,
    PULL_ACTIONS,
    PULL_STATEMENT_SID,
    PUSH_ACTIONS,
    PUSH_STATEMENT_SID,
    SOURCE_ACCOUNT,
    SOURCE_ACCOUNT_TEST,
    SOURCE_ARN,
    SOURCE_ARN_TEST,
    partition_of,
)
from ..inputs import Input
from ..tokens import is_token
from .grantees import Access, Grantee, OrganizationPrincipal, ServicePrincipal, classify_grantee
from .statement import (
    SOURCE_LIMITS,
    Condition,
    Effect,
    PolicyStatement,
    Principals,
    assembled_statement,
    data_source_block,
    ecr_policy_length,
    ecr_policy_text,
)
from .values import (
    SERVICE_PRINCIPAL,
    ListToken,
    Value,
    Values,
    is_wildcard,
    parse_values,
    value_sort_key,
)

# The organization conditions the wildcard guard lets through. StringLike on
# aws:PrincipalOrgID confines as tightly (with the literal IDs checked at synth), but the
# guard's text stays as released: a principal known only at apply in such a statement is
# checked as if it were not confined (stricter, never looser).
_GUARD_ORGANIZATION_LIMITS = (
    ("ForAnyValue:StringEquals", PRINCIPAL_ORG_PATHS.lower()),
    ("ForAnyValue:StringLike", PRINCIPAL_ORG_PATHS.lower()),
    ("StringEquals", PRINCIPAL_ORG_ID.lower()),
)
#: Terraform checks this on the policy document when some principal is only known at
#: apply time (a token): outside Deny statements and statements confined to an
#: organization, no identifier may hold a wildcard.
#: The document's statements where some are dynamic: none (null) when none is written.
_STATEMENTS = "(self.statement == null ? [] : self.statement)"
WILDCARD_GUARD_CONDITION = (
    '${alltrue([for s in self.statement : s.effect == "Deny" || anytrue([for c in s.condition : '
    "contains(["
    + ", ".join(f'"{test}|{key}"' for test, key in _GUARD_ORGANIZATION_LIMITS)
    + '], format("%s|%s", c.test, lower(c.variable)))]) || '
    'alltrue(flatten([for p in s.principals : [for i in p.identifiers : '
    '!strcontains(i, "*") && !strcontains(i, "?")]]))])}'
)
WILDCARD_GUARD_MESSAGE = (
    "cdktf_aws_ecr: a repository policy principal resolved to a wildcard ('*' or '?') in an "
    "Allow statement without an aws:PrincipalOrgID or aws:PrincipalOrgPaths condition; "
    "grant named IAM principals, account IDs or an OrganizationPrincipal."
)


def _is_source_condition(variable: str) -> str:
    """HCL: condition ``c`` is one of the source limits on ``variable``."""
    keys = ", ".join(f'"{t}|{k}"' for t, k in sorted(SOURCE_LIMITS) if k == variable.lower())
    return f'contains([{keys}], format("%s|%s", c.test, lower(c.variable)))'


# An ARN's account field (the fifth) holding a wildcard; an ARN naming a 12-digit account.
_HCL_WILDCARD_ACCOUNT = 'can(regex("^arn:[^:]*:[^:]*:[^:]*:[^:]*[*?]", v))'
_HCL_NAMED_ACCOUNT = 'can(regex("^arn:[^:]*:[^:]*:[^:]*:[0-9]{12}:", v))'
_HCL_ACCOUNT_ID = 'can(regex("^[0-9]{12}$", v))'
#: Terraform checks this on the policy document when a source ARN or account of a
#: service principal's Allow statement is only known at apply time (a token). It
#: repeats the checks made at synth on plain values: no source ARN has a wildcard
#: in its account field, and the statement is confined to named accounts, by an
#: aws:SourceAccount condition on 12-digit account IDs or an aws:SourceArn
#: condition whose every ARN names a 12-digit account.
SOURCE_GUARD_CONDITION = (
    '${alltrue([for s in self.statement : s.effect == "Deny" || '
    '!anytrue([for p in s.principals : p.type == "Service"]) || ('
    f"!anytrue(flatten([for c in s.condition : [for v in c.values : {_HCL_WILDCARD_ACCOUNT}] "
    f"if {_is_source_condition(SOURCE_ARN)}])) && "
    f"anytrue([for c in s.condition : ({_is_source_condition(SOURCE_ACCOUNT)} && "
    f"alltrue([for v in c.values : {_HCL_ACCOUNT_ID}])) || ({_is_source_condition(SOURCE_ARN)} "
    f"&& alltrue([for v in c.values : {_HCL_NAMED_ACCOUNT}]))]))])}}"
)
SOURCE_GUARD_MESSAGE = (
    "cdktf_aws_ecr: a repository policy statement for a service principal has an "
    "aws:SourceArn or aws:SourceAccount value that resolved to a wildcard or to no account, "
    "so the service acting for any AWS account could use the repository (the confused "
    "deputy problem); give source ARNs that name a 12-digit account (wildcards only in the "
    "region and resource), or 12-digit source accounts."
)
#: Terraform checks this when the policy's length is only known at apply time. The
#: provider sends the document compacted (``structure.NormalizeJsonString`` in
#: ``aws_ecr_repository_policy``), which is what ``minified_json`` holds.
POLICY_SIZE_GUARD_CONDITION = f"${{length(self.minified_json) <= {MAX_REPOSITORY_POLICY_LENGTH}}}"
POLICY_SIZE_GUARD_MESSAGE = (
    f"cdktf_aws_ecr: the repository policy is longer than ECR's limit of "
    f"{MAX_REPOSITORY_POLICY_LENGTH} characters; grant fewer principals, whole accounts "
    "or an OrganizationPrincipal."
)


def statement_from_provider(statement: Any, parameter: str = "statement") -> PolicyStatement:
    """A :class:`PolicyStatement` from the provider's ``DataAwsIamPolicyDocumentStatement``;
    the fields a repository policy here cannot carry are refused rather than dropped."""
    for name in ("not_principals", "not_actions", "resources", "not_resources"):
        if getattr(statement, name, None):
            raise ValidationError(
                f"{parameter}.{name}",
                getattr(statement, name),
                "none: use principals, actions and conditions",
                problem="is set, and repository policy statements here carry no "
                + (
                    "NotPrincipal (Allow with NotPrincipal grants everyone else)"
                    if name == "not_principals"
                    else "NotAction" if name == "not_actions" else "Resource (it is the repository)"
                ),
            )
    blocks = _blocks(statement, "principals", "principal", parameter)
    principals: Dict[str, List[str]] = {}
    for block in blocks:
        identifiers = getattr(block, "identifiers", None)
        if not isinstance(identifiers, (list, tuple)):
            raise ValidationError(
                f"{parameter}.principals",
                blocks,
                "principal blocks with a list of identifiers",
                problem=f"has identifiers that are {type_name(identifiers)}",
            )
        principals.setdefault(str(getattr(block, "type", None)), []).extend(identifiers)
    conditions = _blocks(statement, "condition", "condition", parameter)
    # Any: the struct's fields are checked by PolicyStatement and Condition.
    sid: Any = getattr(statement, "sid", None)
    effect: Any = getattr(statement, "effect", None) or Effect.ALLOW
    actions: Any = getattr(statement, "actions", None) or []
    parsed: List[Condition] = []
    for block in conditions:
        test: Any = getattr(block, "test", None)
        variable: Any = getattr(block, "variable", None)
        values: Any = getattr(block, "values", None)
        parsed.append(Condition(test, variable, values))
    return PolicyStatement(
        sid=sid, effect=effect, principals=principals, actions=actions, conditions=parsed
    )


def _blocks(statement: Any, field: str, kind: str, parameter: str) -> Sequence[Any]:
    blocks = getattr(statement, field, None) or []
    if not isinstance(blocks, (list, tuple)):
        raise ValidationError(
            f"{parameter}.{field}", blocks, f"a list of {kind} blocks, not a token",
            problem=f"is {type_name(blocks)}",
        )
    return blocks


def _union(groups: Iterable[Values]) -> Values:
    merged: Dict[Value, None] = {}
    for group in groups:
        merged.update(dict.fromkeys(group))
    return tuple(sorted(merged, key=value_sort_key))


def _construct_path(construct: Any) -> Optional[str]:
    node = getattr(construct, "node", None)
    path = getattr(node, "path", None)
    return path if isinstance(path, str) else None


class RepositoryPolicyDocument:
    """The statements of one repository policy, accumulated from grants in any order.

    In order: ``AllowPull`` / ``AllowPush`` with every IAM principal (the seed module's,
    byte for byte); the organization and service statements, sorted by Sid; then the
    statements added, in order. Generated Sids name what a statement grants, so the same
    grants in any order give the same policy. Grants merge only where one statement allows
    exactly what the separate ones would (values of one condition key are alternatives;
    every OU path starts with its organization's ID). The text must fit ECR's 10,240
    characters as the provider sends it; :data:`POLICY_SIZE_GUARD_CONDITION` checks what
    is only known at apply."""

    def __init__(self) -> None:
        self._seed: Dict[str, Dict[Value, None]] = {"Pull": {}, "Push": {}}
        # Granted IAM principals: value -> sort key (a construct's path, where known,
        # because a token's text depends on when its .arn was read).
        self._granted: Dict[str, Dict[Value, Tuple[int, str]]] = {"Pull": {}, "Push": {}}
        # The ARN read from each construct, which is kept so its id stays its own.
        self._arn_of: Dict[int, Tuple[Any, str]] = {}
        self._services: Dict[Tuple[str, str], Dict[ServicePrincipal, None]] = {}
        self._organizations: Dict[str, Dict[OrganizationPrincipal, None]] = {"Pull": {}, "Push": {}}
        self._custom: List[PolicyStatement] = []

    def add_principal_arns(self, access: Access, principals: Sequence[str], parameter: str) -> None:
        """The seed's ``pull_principal_arns`` / ``push_principal_arns``, in their order."""
        items = parse_values(parameter, principals, PRINCIPALS_ALLOWED, empty_ok=True)
        for item in items:
            if isinstance(item, str) and is_wildcard(item):
                raise ValidationError(
                    parameter,
                    principals,
                    PRINCIPALS_ALLOWED,
                    problem=f"holds the wildcard principal {item!r}, which would grant access "
                    "beyond least privilege",
                )
        if items and not isinstance(items[0], ListToken):
            check_principals(parameter, list(items))
        self._seed[access._verb].update(dict.fromkeys(items))

    def grant(self, access: Access, grantee: Any, parameter: str = "grantee") -> Grantee:
        """Allow ``grantee`` the actions of ``access`` (again: no change); return it classified."""
        if not isinstance(access, Access):
            raise ValidationError("access", access, "an Access member")
        classified = classify_grantee(grantee, parameter)
        principal = classified.principal
        verb = access._verb
        if isinstance(principal, ServicePrincipal):
            self._services.setdefault((verb, principal.service), {})[principal] = None
        elif isinstance(principal, OrganizationPrincipal):
            self._organizations[verb][principal] = None
        else:
            identity = classified.identity
            if identity is not None:
                # Each read of .arn is a new token: keep the first, so a construct
                # granted twice is one identifier.
                principal = self._arn_of.setdefault(id(identity), (identity, principal))[1]
                classified = Grantee(principal, identity, classified.identity_type)
                path = _construct_path(identity)
                key = (1, path) if path is not None else value_sort_key(principal)
            else:
                key = value_sort_key(principal)
            self._granted[verb].setdefault(principal, key)
        return classified

    def add_statement(self, statement: Any, parameter: str = "statement") -> PolicyStatement:
        """Add a :class:`PolicyStatement` (with principals, without resources) or the
        provider's ``DataAwsIamPolicyDocumentStatement``."""
        if isinstance(statement, PolicyStatement):
            checked = statement
        elif hasattr(statement, "principals") and hasattr(statement, "actions"):
            checked = statement_from_provider(statement, parameter)
        else:
            raise ValidationError(
                parameter,
                statement,
                "a PolicyStatement or a DataAwsIamPolicyDocumentStatement",
                problem=f"is {type_name(statement)}",
            )
        allowed = (
            "principals, and no resources: a repository policy statement names who it "
            "allows or denies, and its resource is the repository"
        )
        if checked.principals is None:
            raise ValidationError(
                f"{parameter}.principals", None, allowed, problem="is not given"
            )
        if checked.resources:
            raise ValidationError(
                f"{parameter}.resources", checked.resources, allowed, problem="is given"
            )
        self._custom.append(checked)
        return checked

    @property
    def is_empty(self) -> bool:
        return not self._statements()

    @property
    def needs_wildcard_guard(self) -> bool:
        """True when some principal of an Allow statement without an organization
        condition is only known at apply time; see :data:`WILDCARD_GUARD_CONDITION`."""
        for statement in self._statements():
            if statement.effect is not Effect.ALLOW or any(
                c._key in _GUARD_ORGANIZATION_LIMITS for c in statement.conditions
            ):
                continue
            for kind, identifiers in statement._parsed_principals or ():
                pattern = SERVICE_PRINCIPAL if kind == "Service" else PRINCIPAL_RE
                if any(isinstance(i, ListToken) or not pattern.fullmatch(i) for i in identifiers):
                    return True
        return False

    @property
    def needs_source_guard(self) -> bool:
        """True when some aws:SourceArn or aws:SourceAccount value of a service
        principal's Allow statement is only known at apply time; see
        :data:`SOURCE_GUARD_CONDITION`."""
        for statement in self._statements():
            if statement.effect is not Effect.ALLOW or all(
                kind != "Service" for kind, _ in statement._parsed_principals or ()
            ):
                continue
            for condition in statement.conditions:
                if condition._key in SOURCE_LIMITS and any(
                    isinstance(v, ListToken) or is_token(v) for v in condition._parsed
                ):
                    return True
        return False

    def presence(self) -> List[Optional[str]]:
        """For each statement of :meth:`blocks`: None when it is always written, or the list
        token it names as its only principals, which drops it when empty (as the seed wrote no
        statement for an empty principal list; IAM refuses a statement without principals)."""
        presence: List[Optional[str]] = []
        for statement in self._statements():
            principals = statement._parsed_principals or ()
            only = principals[0][1] if len(principals) == 1 and len(principals[0][1]) == 1 else ()
            token = only[0] if only and isinstance(only[0], ListToken) else None
            presence.append(token.encoded if token is not None else None)
        return presence

    def render(self, region: Optional[str] = None) -> List[Dict[str, Any]]:
        """The statement blocks, checked (see :meth:`check`). Raises :class:`ValidationError`."""
        self.check(region)
        return self.blocks()

    @property
    def custom_statements(self) -> Tuple[PolicyStatement, ...]:
        """The statements added with :meth:`add_statement`, in order."""
        return tuple(self._custom)

    def check(self, region: Optional[str] = None) -> None:
        """Check the policy as a whole: unique Sids, ARNs in ``region``'s partition
        (when known) and ECR's size limit. Raises :class:`ValidationError`."""
        statements = self._statements()
        custom = {id(s) for s in self._custom}
        seen: Dict[str, PolicyStatement] = {}
        for statement in statements:
            if statement.sid in seen:
                raise ValidationError(
                    "statement.sid",
                    statement.sid,
                    "a Sid no other statement of the repository policy uses (generated: "
                    + ", ".join(s.sid for s in statements if id(s) not in custom)
                    + ")",
                    problem="is used twice",
                )
            seen[statement.sid] = statement
        if region:
            self._check_partitions(statements, partition_of(region), region)
        length = ecr_policy_length(statements)
        if length > MAX_REPOSITORY_POLICY_LENGTH:
            exact = ecr_policy_text(statements) is not None
            raise ValidationError(
                "repository_policy",
                f"{length} characters" if exact else f"at least {length} characters",
                f"at most {MAX_REPOSITORY_POLICY_LENGTH} characters of policy text (ECR's "
                "limit); grant fewer principals, whole accounts or an OrganizationPrincipal",
                problem=f"is too long for ECR ({len(statements)} statements)",
            )

    def blocks(self) -> List[Dict[str, Any]]:
        """The statement blocks as they stand, unchecked: what the repository policy's
        data source synthesizes, while :meth:`check` runs in the synth-time checks."""
        return [data_source_block(statement) for statement in self._statements()]

    def guards(self) -> List[Tuple[str, str]]:
        """``(condition, error_message)`` of the postconditions its data source needs:
        Terraform checks what only it can know (tokens that resolve to wildcards or to every
        account, or make the policy too long) before any policy is written."""
        guards = []
        if self.needs_wildcard_guard:
            guards.append((WILDCARD_GUARD_CONDITION, WILDCARD_GUARD_MESSAGE))
        if self.needs_source_guard:
            guards.append((SOURCE_GUARD_CONDITION, SOURCE_GUARD_MESSAGE))
        if self.policy_json() is None:
            guards.append((POLICY_SIZE_GUARD_CONDITION, POLICY_SIZE_GUARD_MESSAGE))
        if any(p is not None for p in self.presence()):
            guards = [(c.replace("self.statement :", f"{_STATEMENTS} :"), m) for c, m in guards]
        return guards

    def policy_json(self) -> Optional[str]:
        """The policy text ECR receives (compact, as the provider sends it), or None
        while some value is only known at apply time."""
        return ecr_policy_text(self._statements())

    def _statements(self) -> List[PolicyStatement]:
        fixed: List[PolicyStatement] = []
        for verb, sid, actions in (
            ("Pull", PULL_STATEMENT_SID, PULL_ACTIONS),
            ("Push", PUSH_STATEMENT_SID, PUSH_ACTIONS),
        ):
            seed = self._seed[verb]
            granted = sorted(
                (k for k in self._granted[verb] if k not in seed),
                key=self._granted[verb].__getitem__,
            )
            identifiers = (*seed, *granted)
            if identifiers:
                fixed.append(assembled_statement(sid, actions, (("AWS", identifiers),)))
        generated = self._organization_statements() + self._service_statements()
        generated.sort(key=lambda s: s.sid)
        return fixed + generated + self._custom

    def _organization_statements(self) -> List[PolicyStatement]:
        statements = []
        for verb, grants in self._organizations.items():
            if not grants:
                continue
            whole = {g.org_id for g in grants if not g._paths}
            partial = [g for g in grants if g._paths and g.org_id not in whole]
            conditions: List[Tuple[str, str, Values]] = [
                (PRINCIPAL_ORG_ID_TEST, PRINCIPAL_ORG_ID, _union([(g.org_id,) for g in grants]))
            ]
            if partial:
                # One statement allows exactly what the grants allow because every path
                # starts with its own organization's ID: a whole organization joins as <org>/*.
                paths = _union([g._paths for g in partial] + [(f"{org}/*",) for org in whole])
                conditions.append((PRINCIPAL_ORG_PATHS_TEST, PRINCIPAL_ORG_PATHS, paths))
            actions = PULL_ACTIONS if verb == "Pull" else PUSH_ACTIONS
            sid = f"Allow{verb}Organization"
            statements.append(assembled_statement(sid, actions, (("*", ("*",)),), conditions))
        return statements

    def _service_statements(self) -> List[PolicyStatement]:
        statements = []
        for (verb, service), grants in self._services.items():
            actions = PULL_ACTIONS if verb == "Pull" else PUSH_ACTIONS
            label = f"Allow{verb}{next(iter(grants))._label}"
            # Grants of one shape merge exactly: values of one key are alternatives,
            # and grants with both keys merge when their accounts are the same.
            by_arn = [g._arns for g in grants if g._arns and not g._accounts]
            by_account = [g._accounts for g in grants if g._accounts and not g._arns]
            both: Dict[FrozenSet[Value], List[Values]] = {}
            for g in grants:
                if g._arns and g._accounts:
                    both.setdefault(frozenset(g._accounts), []).append(g._arns)
            shapes: List[Tuple[str, Tuple[Tuple[str, str, Values], ...]]] = []
            if by_arn:
                shapes.append(("BySourceArn", ((SOURCE_ARN_TEST, SOURCE_ARN, _union(by_arn)),)))
            if by_account:
                condition = (SOURCE_ACCOUNT_TEST, SOURCE_ACCOUNT, _union(by_account))
                shapes.append(("BySourceAccount", (condition,)))
            groups = sorted(both.items(), key=lambda item: sorted(map(value_sort_key, item[0])))
            for number, (accounts, arns) in enumerate(groups, start=1):
                shapes.append((
                    f"BySourceArnAndAccount{number if number > 1 else ''}",
                    (
                        (SOURCE_ARN_TEST, SOURCE_ARN, _union(arns)),
                        (SOURCE_ACCOUNT_TEST, SOURCE_ACCOUNT, _union([tuple(accounts)])),
                    ),
                ))
            principal: Principals = (("Service", (service,)),)
            statements += [
                assembled_statement(label + suffix, actions, principal, conditions)
                for suffix, conditions in shapes
            ]
        return statements

    @staticmethod
    def _check_partitions(
        statements: Sequence[PolicyStatement], partition: str, region: str
    ) -> None:
        for statement in statements:
            values = [v for _, ids in statement._parsed_principals or () for v in ids]
            values += [
                v
                for c in statement.conditions
                if c.variable.lower() == SOURCE_ARN.lower()
                for v in c._parsed
            ]
            for value in values:
                if (
                    isinstance(value, str)
                    and value.startswith("arn:")
                    and "${" not in value.split(":")[1]
                ):
                    arn_partition = value.split(":")[1]
                    if arn_partition != partition:
                        raise ValidationError(
                            f"statement {statement.sid!r}",
                            value,
                            f"ARNs in partition {partition}",
                            problem=f"is in partition {arn_partition}, and the repository's "
                            f"region {region} is in partition {partition}",
                        )


_DYNAMIC = "_cdktf_aws_ecr_dynamic_statements"


def written_condition(document: RepositoryPolicyDocument) -> Optional[Any]:
    """None when some statement of ``document`` is always written; otherwise the Terraform
    condition under which any is (some of its principal list tokens is not empty): without
    it, as in the seed, there is no policy to write."""
    from .._framework import Fn, Op

    presence = document.presence()
    if any(p is None for p in presence):
        return None
    conditions = [Op.gte(Fn.length_of([p]), 1) for p in presence]
    return functools.reduce(Op.or_, conditions) if conditions else None


def write_policy_document(data_source: Any, document: RepositoryPolicyDocument) -> None:
    """Write ``document``'s statements and guards into ``data_source``; call it again after
    every change. An override keeps the blocks intact (plain nested dicts given to the struct
    are not) in one jsii round trip, where a lazy value costs four."""
    from .._framework import Fn, Op, Postcondition, TerraformResourceLifecycle

    blocks, presence = document.blocks(), document.presence()
    data_source.add_override("statement", [b for b, p in zip(blocks, presence) if p is None])
    conditional = [
        {"for_each": Fn.conditional(Op.gte(Fn.length_of([p]), 1), [1], []), "content": b}
        for b, p in zip(blocks, presence)
        if p is not None
    ]
    if conditional or getattr(data_source, _DYNAMIC, False):
        # Terraform decides at plan whether each is written (an empty list: not written).
        data_source.add_override("dynamic", {"statement": conditional})
        setattr(data_source, _DYNAMIC, True)
    guards = document.guards()
    if guards:
        data_source.lifecycle = TerraformResourceLifecycle(postcondition=[
            Postcondition(condition=condition, error_message=message)
            for condition, message in guards
        ])


#: The seed module's two principal inputs, of Repository and RepositoryCreationTemplate.
PullPrincipalArns = Annotated[Sequence[str], Input(
    description="Principals allowed to pull (3 read actions).",
    allowed="IAM principal ARNs or 12-digit account IDs, no `*`; or tokens",
    check=check_principals,
    default=(),
)]
PushPrincipalArns = Annotated[Sequence[str], Input(
    description="Principals allowed to push (the 3 read actions plus 4 upload actions).",
    allowed="IAM principal ARNs or 12-digit account IDs, no `*`; or tokens",
    check=check_principals,
    default=(),
)]
