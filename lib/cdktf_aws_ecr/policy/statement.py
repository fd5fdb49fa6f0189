"""The one model of an IAM policy statement (:class:`PolicyStatement`, for repository
policies, the registry policy and the login policy), the rules of what it may allow, and
its one renderer (:func:`policy_document`, :func:`data_source_block`, :func:`ecr_policy_text`)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..checks import check_principals, type_name
from ..errors import ValidationError
from ..facts import (
    ACTION_PATTERN,
    POLICY_VERSION,
    PRINCIPAL_ACCOUNT,
    PRINCIPAL_ORG_ID,
    PRINCIPAL_ORG_PATHS,
    SID_PATTERN,
    SOURCE_ACCOUNT,
    SOURCE_ARN,
)
from ..json_text import go_json
from ..tokens import (
    forged_token,
    forged_token_problem,
    is_token,
    literal_in_expression,
    literal_text,
)
from .values import (
    ACCOUNT_ID,
    ORGANIZATION_ID,
    SERVICE_PRINCIPAL,
    SOURCE_ARN_RE,
    ListToken,
    Values,
    account_problem,
    check_each,
    is_wildcard,
    org_id_problem,
    org_path_problem,
    parse_values,
    passes,
    public_values,
    source_arn_problem,
    wildcard_account,
    wildcard_account_problem,
)

_SID = re.compile(SID_PATTERN, re.ASCII)
_ACTION = re.compile(ACTION_PATTERN, re.ASCII)
_RESOURCE = re.compile(r"\*|arn:[^:\s]+:[^:\s]*:[^:\s]*:[^:\s]*:\S+", re.ASCII)
_CONDITION_TEST = re.compile(r"[A-Za-z]+(?::[A-Za-z]+)?", re.ASCII)
_CONDITION_KEY = re.compile(r"[A-Za-z0-9:/_.@-]+", re.ASCII)


class Effect(str, enum.Enum):
    """A statement's ``Effect`` (exact, case-sensitive in IAM)."""

    ALLOW = "Allow"
    DENY = "Deny"


# The conditions that confine a '*' principal to an organization, in every policy.
# Positive operators only: negated ones, ...IfExists and ForAllValues hold for a principal
# in no organization (the key is then absent), so they confine nothing. aws:PrincipalOrgID
# is single-valued: StringEquals, or StringLike on literal IDs (an ID holds no wildcard, so
# StringLike then matches exactly what StringEquals does). aws:PrincipalOrgPaths is
# multivalued: ForAnyValue on literal paths, each anchored at an organization ID,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
# aws:PrincipalAccount (single-valued, see facts.PRINCIPAL_ACCOUNT) on account IDs confines
# '*' as tightly as an account list, under the same operators as aws:PrincipalOrgID.
ORGANIZATION_LIMITS = frozenset({
    ("StringEquals", PRINCIPAL_ORG_ID.lower()), ("StringLike", PRINCIPAL_ORG_ID.lower()),
    ("ForAnyValue:StringEquals", PRINCIPAL_ORG_PATHS.lower()),
    ("ForAnyValue:StringLike", PRINCIPAL_ORG_PATHS.lower()),
    ("StringEquals", PRINCIPAL_ACCOUNT.lower()), ("StringLike", PRINCIPAL_ACCOUNT.lower()),
})
# The conditions that confine a service principal to your resources (positive operators
# only, for the same reason), against the confused deputy problem,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
SOURCE_LIMITS = frozenset(
    {(test, SOURCE_ARN.lower()) for test in ("ArnEquals", "ArnLike", "StringEquals", "StringLike")}
    | {(test, SOURCE_ACCOUNT.lower()) for test in ("StringEquals", "StringLike")}
)
ORGANIZATION_CONDITION = (
    f"a StringEquals or StringLike {PRINCIPAL_ORG_ID} condition on organization IDs (o-...; "
    f"StringEquals also on tokens), or a ForAnyValue:StringEquals / ForAnyValue:StringLike "
    f"{PRINCIPAL_ORG_PATHS} condition on organization paths (o-.../...), or a StringEquals "
    f"or StringLike {PRINCIPAL_ACCOUNT} condition on 12-digit account IDs (StringEquals also "
    "on tokens)"
)
SOURCE_CONDITION = (
    f"an ArnLike/ArnEquals/StringLike/StringEquals {SOURCE_ARN} condition on ARNs naming an "
    f"account, or a StringEquals/StringLike {SOURCE_ACCOUNT} condition on account IDs"
)


def confines_to_organization(condition: Condition) -> bool:
    """Whether ``condition`` lets in only principals of the organizations it names."""
    if condition._key not in ORGANIZATION_LIMITS:
        return False
    test, key = condition._key
    if key == PRINCIPAL_ACCOUNT.lower():
        if test == "StringEquals":
            return passes(condition._parsed, account_problem)
        return all(isinstance(v, str) and ACCOUNT_ID.fullmatch(v) for v in condition._parsed)
    if key == PRINCIPAL_ORG_ID.lower() and test == "StringEquals":
        # Exact, so even a token cannot widen it.
        return passes(condition._parsed, org_id_problem)
    if key == PRINCIPAL_ORG_ID.lower():
        return all(isinstance(v, str) and ORGANIZATION_ID.fullmatch(v) for v in condition._parsed)
    # Paths are patterns: each must be a literal path anchored at an organization ID.
    return all(isinstance(v, str) and org_path_problem(v, None) is None for v in condition._parsed)


def confines_to_sources(conditions: Sequence[Condition]) -> bool:
    """Whether ``conditions`` limit a service principal to named accounts' resources."""
    limits = [c for c in conditions if c._key in SOURCE_LIMITS]
    if any(
        c._key[1] == SOURCE_ACCOUNT.lower() and passes(c._parsed, account_problem) for c in limits
    ):
        return True
    # Without an account condition, every source ARN must name its account.
    return any(
        c._key[1] == SOURCE_ARN.lower()
        and passes(c._parsed, source_arn_problem)
        and not any(
            isinstance(v, str) and (m := SOURCE_ARN_RE.fullmatch(v)) and m.group("account") is None
            for v in c._parsed
        )
        for c in limits
    )


def _check_source_arn_accounts(conditions: Sequence[Condition]) -> None:
    """No source ARN of an Allow statement for a service names every account, even
    beside an aws:SourceAccount condition (as for a ``ServicePrincipal``, and as the
    repository policy's source guard checks the values only known at apply)."""
    for condition in conditions:
        if condition._key not in SOURCE_LIMITS or condition._key[1] != SOURCE_ARN.lower():
            continue
        for value in condition._parsed:
            if isinstance(value, str) and wildcard_account(value):
                raise ValidationError(
                    "conditions",
                    list(conditions),
                    f"{SOURCE_ARN} values naming an account: wildcards only in the region "
                    "and resource",
                    problem=wildcard_account_problem(value),
                )


SERVICE_ALLOWED = (
    "a service principal such as 'lambda.amazonaws.com' (service-name.amazonaws.com), "
    "as a plain string"
)
_STATEMENT_PRINCIPALS_ALLOWED = (
    "a mapping of principal type to identifiers: 'AWS' (IAM principal ARNs or account IDs; "
    "'*' only in Deny statements or with an organization condition), 'Service' "
    "(service-name.amazonaws.com), or '*': ['*'] (the same rules as 'AWS': '*')"
)


def _service_problem(service: str) -> Optional[str]:
    if SERVICE_PRINCIPAL.fullmatch(service):
        return None
    if is_wildcard(service):
        return f"holds {service!r}, a wildcard service principal"
    return f"holds {service!r}, which is not a service principal"


@dataclass(frozen=True)
class Condition:
    """One ``Condition`` entry: ``{test: {variable: values}}``.

    Example: ``Condition("StringEquals", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"])``."""

    #: The condition operator, as IAM spells it (``StringEquals``, ``ArnLike``...).
    test: str
    #: The condition key (``aws:PrincipalOrgID``); IAM ignores its case.
    variable: str
    #: The values to compare with, at least one; any one may match. Tokens pass.
    values: Sequence[str]
    _parsed: Values = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, text, pattern in (
            ("test", self.test, _CONDITION_TEST),
            ("variable", self.variable, _CONDITION_KEY),
        ):
            if type(text) is not str or not pattern.fullmatch(text):
                raise ValidationError(
                    f"condition.{name}",
                    text,
                    (
                        "a plain string such as 'StringEquals'"
                        if name == "test"
                        else "a plain condition key such as 'aws:PrincipalOrgID'"
                    ),
                    problem=f"is {type_name(text)}" if type(text) is not str else "is not allowed",
                )
        allowed = "a non-empty list of strings, or tokens"
        values = parse_values("condition.values", self.values, allowed)
        forged = forged_token(values)
        if forged is not None:
            raise ValidationError(
                "condition.values", self.values, allowed, problem=forged_token_problem(forged)
            )
        object.__setattr__(self, "values", tuple(self.values))
        object.__setattr__(self, "_parsed", values)

    @property
    def _key(self) -> Tuple[str, str]:
        return (self.test, self.variable.lower())


Principals = Tuple[Tuple[str, Values], ...]


@dataclass(frozen=True, kw_only=True)
class PolicyStatement:
    """A statement of an IAM policy: of a repository policy
    (:meth:`Repository.add_to_resource_policy`), of the registry policy (with ``resources``)
    or of an identity policy (without ``principals``), checked when built.

    In an ``Allow`` statement a ``*`` principal stands alone and needs an organization
    condition, and a ``Service`` principal an ``aws:SourceArn`` or ``aws:SourceAccount``
    condition (as :class:`OrganizationPrincipal` and :class:`ServicePrincipal` write them);
    a ``Deny`` statement may name ``*``. Partial wildcards (``arn:aws:iam::*:root``) are
    refused: IAM does not support them
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).

    Example::

        PolicyStatement(
            sid="DenyPushOutsideOrg",
            effect=Effect.DENY,
            principals={"*": ["*"]},
            actions=["ecr:PutImage"],
            conditions=[Condition("StringNotEquals", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"])],
        )
    """

    #: The statement ID, unique in the policy: ASCII letters and digits.
    sid: str
    #: Principal type to identifiers: ``"AWS"`` (IAM principal ARNs, account IDs),
    #: ``"Service"`` or ``"*"`` (with ``["*"]``). None: a statement of an identity policy.
    principals: Optional[Mapping[str, Sequence[str]]] = None
    #: IAM actions such as ``ecr:BatchGetImage``, at least one. Tokens pass.
    actions: Sequence[str]
    effect: Union[str, Effect] = Effect.ALLOW
    #: Conditions, all of which must hold; at most one per operator and key.
    conditions: Sequence[Condition] = ()
    #: ARNs or ``"*"``, for registry and identity policies (a repository policy's resource
    #: is the repository).
    resources: Sequence[str] = ()
    _parsed_actions: Values = field(init=False, repr=False, compare=False)
    _parsed_principals: Optional[Principals] = field(init=False, repr=False, compare=False)
    _parsed_resources: Values = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sid = self.sid
        if type(sid) is not str or not _SID.fullmatch(sid):
            raise ValidationError(
                "sid",
                sid,
                "ASCII letters and digits, as a plain string",
                problem=f"is {type_name(sid)}" if type(sid) is not str else "is not allowed",
            )
        effect = self.effect
        if not isinstance(effect, Effect):
            if type(effect) is not str or effect not in (Effect.ALLOW.value, Effect.DENY.value):
                raise ValidationError(
                    "effect", effect, "'Allow' or 'Deny' (exact, case-sensitive), or Effect members"
                )
            effect = Effect(effect)
        actions = parse_values(
            "actions", self.actions, "a non-empty list of IAM actions such as 'ecr:BatchGetImage'"
        )
        check_each(
            "actions",
            self.actions,
            "IAM actions such as 'ecr:BatchGetImage'",
            actions,
            lambda a: None if _ACTION.fullmatch(a) else f"holds {a!r}, which is not an IAM action",
        )
        resources = parse_values(
            "resources", self.resources, "a list of ARNs or '*', or tokens", empty_ok=True
        )
        check_each(
            "resources",
            self.resources,
            "ARNs or '*', or tokens",
            resources,
            lambda r: None if _RESOURCE.fullmatch(r) else f"holds {r!r}, which is not an ARN",
        )
        conditions = tuple(self.conditions)
        for condition in conditions:
            if not isinstance(condition, Condition):
                raise ValidationError(
                    "conditions",
                    self.conditions,
                    "a list of Condition",
                    problem=f"holds {type_name(condition)}",
                )
        keys = [c._key for c in conditions]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValidationError(
                "conditions",
                self.conditions,
                "at most one Condition per operator and key",
                problem=f"repeats {[f'{t} {v}' for t, v in repeated]}: merge their values",
            )
        principals = None
        if self.principals is not None:
            principals = self._check_principals(effect, conditions)
            object.__setattr__(
                self,
                "principals",
                MappingProxyType({kind: tuple(ids) for kind, ids in self.principals.items()}),
            )
        object.__setattr__(self, "effect", effect)
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "conditions", conditions)
        object.__setattr__(self, "resources", tuple(self.resources))
        object.__setattr__(self, "_parsed_actions", actions)
        object.__setattr__(self, "_parsed_principals", principals)
        object.__setattr__(self, "_parsed_resources", resources)

    def document(self, *, single_values_as_strings: bool = False) -> Dict[str, Any]:
        """The statement as IAM JSON."""
        return statement_json(self, single_values_as_strings=single_values_as_strings)

    def _check_principals(self, effect: Effect, conditions: Tuple[Condition, ...]) -> Principals:
        given = self.principals
        if not isinstance(given, Mapping) or not given:
            raise ValidationError(
                "principals",
                given,
                _STATEMENT_PRINCIPALS_ALLOWED,
                problem=f"is {type_name(given)}"
                if not isinstance(given, Mapping)
                else "is empty",
            )
        principals: List[Tuple[str, Values]] = []
        for kind, identifiers in given.items():
            parameter = f"principals[{kind!r}]"
            items = parse_values(parameter, identifiers, _STATEMENT_PRINCIPALS_ALLOWED)
            if kind == "*":
                if items != ("*",):
                    raise ValidationError(parameter, identifiers, "['*']", problem="is not ['*']")
            elif kind == "AWS":
                for item in items:
                    if isinstance(item, str) and is_wildcard(item) and item != "*":
                        raise ValidationError(
                            parameter,
                            identifiers,
                            _STATEMENT_PRINCIPALS_ALLOWED,
                            problem=f"holds {item!r}: IAM does not support wildcards in part "
                            "of a principal ('*' alone needs an organization condition or a Deny)",
                        )
                named = [item for item in items if item != "*"]
                if named and not isinstance(named[0], ListToken):
                    check_principals(parameter, named)
            elif kind == "Service":
                check_each(parameter, identifiers, SERVICE_ALLOWED, items, _service_problem)
                if effect is Effect.ALLOW and not confines_to_sources(conditions):
                    raise ValidationError(
                        parameter,
                        identifiers,
                        f"a Service principal in an Allow statement with {SOURCE_CONDITION}",
                        problem="has no condition limiting it to your resources: the service "
                        "acting for any AWS account could use this repository (the confused "
                        "deputy problem)",
                    )
                if effect is Effect.ALLOW:
                    _check_source_arn_accounts(conditions)
            else:
                raise ValidationError(
                    "principals",
                    dict(given),
                    _STATEMENT_PRINCIPALS_ALLOWED,
                    problem=f"has the principal type {kind!r} (types are exact, case-sensitive)",
                )
            principals.append((kind, items))
        if effect is Effect.ALLOW:
            self._check_wildcard(principals, conditions)
        return tuple(principals)

    def _check_wildcard(
        self, principals: List[Tuple[str, Values]], conditions: Tuple[Condition, ...]
    ) -> None:
        """An Allow statement names '*' only alone, confined to an organization."""
        items = [item for _, values in principals for item in values]
        if "*" not in items:
            return
        given = dict(self.principals or {})
        allowed = f"'*' alone, only with {ORGANIZATION_CONDITION}"
        if not any(confines_to_organization(c) for c in conditions):
            near = [
                c
                for c in conditions
                if c._key[1]
                in (PRINCIPAL_ORG_ID.lower(), PRINCIPAL_ORG_PATHS.lower(), PRINCIPAL_ACCOUNT.lower())
            ]
            subject = "the repositories it names" if self.resources else "the repository"
            problem = (
                "names '*' in an Allow statement without an organization or account condition: "
                f"{subject} would be public"
                if not near
                else f"names '*' in an Allow statement whose {near[0].test} {near[0].variable} "
                "condition does not confine it to an organization or account (negated, ...IfExists and "
                "ForAllValues operators hold for principals outside any organization, and "
                "values must be organization IDs or paths)"
            )
            raise ValidationError("principals", given, allowed, problem=problem)
        if any(item != "*" for item in items):
            # The organization condition would limit the named principals too.
            raise ValidationError(
                "principals", given, allowed, problem="mixes '*' with other principals"
            )


def _frozen(cls: Any, **fields: Any) -> Any:
    """An instance of the frozen dataclass ``cls`` holding ``fields``, unchecked."""
    instance = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(instance, name, value)
    return instance


def assembled_statement(
    sid: str,
    actions: Values,
    principals: Principals,
    conditions: Iterable[Tuple[str, str, Values]] = (),
) -> PolicyStatement:
    """An Allow statement of values checked already (by the grantees that generate it),
    built without checking them again."""
    statement: PolicyStatement = _frozen(
        PolicyStatement,
        sid=sid,
        principals=MappingProxyType({kind: public_values(ids) for kind, ids in principals}),
        actions=public_values(actions),
        effect=Effect.ALLOW,
        conditions=tuple(
            _frozen(Condition, test=t, variable=v, values=public_values(vs), _parsed=vs)
            for t, v, vs in conditions
        ),
        resources=(),
        _parsed_actions=actions,
        _parsed_principals=principals,
        _parsed_resources=(),
    )
    return statement


def _literal_text(value: str) -> str:
    """``value`` without the parts only known at apply time."""
    if "${" not in value or not is_token(value):
        return value
    from .._framework import Token, Tokenization

    for token in Tokenization.reverse_string(value).tokens:
        value = value.replace(Token.as_string(token), "")
    return value


def statement_json(
    statement: PolicyStatement, *, single_values_as_strings: bool, lower_bound: bool = False
) -> Dict[str, Any]:
    """One statement as IAM JSON; see :func:`policy_document`."""

    def written(values: Values) -> Union[str, List[str]]:
        if lower_bound:
            strings = [_literal_text(v) for v in values if isinstance(v, str)]
        else:
            strings = list(public_values(values))
        return strings[0] if single_values_as_strings and len(strings) == 1 else strings

    # IAM's element order: the login policy's text is written without sorting its keys.
    out: Dict[str, Any] = {"Sid": statement.sid, "Effect": Effect(statement.effect).value}
    if statement._parsed_principals is not None:
        kinds = [kind for kind, _ in statement._parsed_principals]
        out["Principal"] = (
            "*"
            if kinds == ["*"]
            else {kind: written(ids) for kind, ids in statement._parsed_principals}
        )
    out["Action"] = written(statement._parsed_actions)
    if statement._parsed_resources:
        out["Resource"] = written(statement._parsed_resources)
    if statement.conditions:
        tests: Dict[str, Dict[str, Any]] = {}
        for condition in statement.conditions:
            tests.setdefault(condition.test, {})[condition.variable] = written(condition._parsed)
        out["Condition"] = tests
    return out


def policy_document(
    statements: Sequence[PolicyStatement],
    *,
    single_values_as_strings: bool,
    lower_bound: bool = False,
) -> Dict[str, Any]:
    """The policy as IAM JSON, statements and values in the order given.

    ``single_values_as_strings`` writes a one-item list as its item, as the provider's
    ``aws_iam_policy_document`` does. With ``lower_bound``, values only known at apply
    count as empty, so the document's length is a floor."""
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            statement_json(
                s, single_values_as_strings=single_values_as_strings, lower_bound=lower_bound
            )
            for s in statements
        ],
    }


def ecr_policy_text(statements: Sequence[PolicyStatement]) -> Optional[str]:
    """The text ECR receives for a repository policy (compact, as the provider sends it),
    or None while some value is only known at apply time."""
    document = policy_document(statements, single_values_as_strings=True)
    if document != policy_document(statements, single_values_as_strings=True, lower_bound=True):
        return None
    return go_json(document)


def ecr_policy_length(statements: Sequence[PolicyStatement]) -> int:
    """At least how long :func:`ecr_policy_text` is (exact when it is known)."""
    return len(
        go_json(policy_document(statements, single_values_as_strings=True, lower_bound=True))
    )


def data_source_block(statement: PolicyStatement) -> Dict[str, Any]:
    """The statement as an ``aws_iam_policy_document`` statement block.

    In Terraform JSON ``${`` and ``%{`` start an expression, so the lists' literal text is
    escaped (a policy variable such as ``${aws:ResourceTag/team}`` reaches the policy as
    written); the other fields' patterns allow neither ``$`` nor ``%``."""
    block: Dict[str, Any] = {
        "sid": statement.sid,
        "effect": Effect(statement.effect).value,
        "actions": _as_list(statement._parsed_actions),
    }
    if statement._parsed_principals is not None:
        block["principals"] = [
            {"type": kind, "identifiers": _as_list(identifiers)}
            for kind, identifiers in statement._parsed_principals
        ]
    if statement._parsed_resources:
        block["resources"] = _as_list(statement._parsed_resources)
    if statement.conditions:
        block["condition"] = [
            {"test": c.test, "variable": c.variable, "values": _as_list(c._parsed)}
            for c in statement.conditions
        ]
    return block


def _as_list(values: Values) -> Any:
    """A list for the provider, its literal text escaped: a list token stays whole, or
    is joined with ``concat`` (in whose literals cdktf escapes ``${`` itself)."""
    if not any(isinstance(v, ListToken) for v in values):
        return [literal_text(v) for v in values]  # type: ignore[arg-type]  # all str
    if len(values) == 1:
        return values[0].as_list()  # type: ignore[union-attr]  # a ListToken
    from .._framework import Fn, Token

    parts: List[List[str]] = []
    literals: List[str] = []
    for value in values:
        if isinstance(value, ListToken):
            if literals:
                parts.append(literals)
                literals = []
            parts.append(value.as_list())
        else:
            literals.append(literal_in_expression(value))
    if literals:
        parts.append(literals)
    # Fn.concat gives a string token; the provider's struct wants a list.
    return Token.as_list(Fn.concat(parts))
