"""Who may use a repository: grantees, the policy statements they become, and the policy's limits.

This module is pure: it validates grantees and statements, merges grants into
the blocks of an ``aws_iam_policy_document`` data source, and checks the
repository policy against ECR's size limit. The :class:`~cdktf_aws_ecr.Repository`
construct turns its output into Terraform.

Grantees (:func:`classify_grantee`):

* an IAM principal ARN or a 12-digit account ID, in this or another account;
* anything with an ``.arn`` (a cdktf ``IamRole`` or ``IamUser``, from any stack);
* :class:`ServicePrincipal`: an AWS service acting for one of your resources,
  always limited by ``aws:SourceArn`` and/or ``aws:SourceAccount``;
* :class:`OrganizationPrincipal`: principal ``*`` limited by ``aws:PrincipalOrgID``
  (and ``aws:PrincipalOrgPaths``). It is the only grantee that yields ``*``.

Statements (:meth:`RepositoryPolicyDocument.render`), in this order:

1. ``AllowPull`` (3 actions) and ``AllowPush`` (7 actions) hold every IAM
   principal, exactly as the seed module writes them. Pull-push grants the
   same 7 actions as push, so it joins ``AllowPush``. With only the seed's
   principal lists the output is the seed's, byte for byte.
2. One statement per access level for all organization grants
   (``AllowPullOrganization``), and per access level, service and condition
   shape for service grants (``AllowPullLambdaBySourceArn``,
   ``...BySourceAccount``, ``...BySourceArnAndAccount``), sorted by Sid.
   Grants are merged only where the merged statement allows exactly what the
   separate ones would (see :class:`RepositoryPolicyDocument`).
3. Statements given to :meth:`RepositoryPolicyDocument.add_statement`, in the
   order given, under the Sids their authors chose.

Generated Sids name what a statement grants, never the order of the calls
that made it, so making the same grants in another order synthesizes the same
document. Terraform treats a block's ``actions``, ``identifiers`` and
``values`` as sets, so their order never changes the policy text either; the
library still sorts what grants add (seed lists keep their order, for parity).

The policy text must fit ECR's 10,240 characters. :meth:`RepositoryPolicyDocument.render`
measures it as the provider sends it (compact JSON); values only known at apply
count as empty there, so it refuses only a policy that cannot fit, and
:data:`POLICY_SIZE_GUARD_CONDITION` lets Terraform check the rest. Likewise a
principal only known at apply is checked for wildcards by
:data:`WILDCARD_GUARD_CONDITION`.

A wildcard principal (``*`` as the whole principal or an ``AWS`` identifier)
reaches an ``Allow`` statement only together with an organization condition;
partial wildcards (``arn:aws:iam::*:root``) are refused everywhere, as IAM does
not support them. ``Deny`` statements may name ``*``: a Deny only takes access
away, and AWS documents ``Deny`` + ``*`` + a condition as the replacement for
``NotPrincipal``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import (
    Annotated,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from .checks import PRINCIPAL_RE, PRINCIPALS_ALLOWED, check_principals, string_list, type_name
from .errors import ValidationError
from .facts import PULL_ACTIONS, PULL_STATEMENT_SID, PUSH_ACTIONS, PUSH_STATEMENT_SID, partition_of
from .inputs import Input
from .json_text import go_json
from .tokens import (
    forged_token,
    forged_token_problem,
    is_token,
    literal_in_expression,
    literal_text,
)

# ---------------------------------------------------------------------------- AWS facts

#: ECR refuses a repository policy longer than this (SetRepositoryPolicy
#: ``policyText``: "Maximum length of 10240"),
#: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
MAX_REPOSITORY_POLICY_LENGTH = 10240
POLICY_VERSION = "2012-10-17"

#: A repository policy does not let a principal log in to the registry: "Amazon ECR
#: requires that users have permission to make calls to the ecr:GetAuthorizationToken
#: API through an IAM policy", on resource "*",
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html and
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html
REGISTRY_LOGIN_ACTION = "ecr:GetAuthorizationToken"

# The ID formats of AWS Organizations: organization o-<10-32>, root r-<4-32>, OU
# ou-<4-32>-<8-32>, all lowercase letters and digits,
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Parent.html
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
ORGANIZATION_ID_PATTERN = r"o-[a-z0-9]{10,32}"
_ROOT_ID = r"r-[0-9a-z]{4,32}"
_OU_ID = r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}"
#: An aws:PrincipalOrgPaths value: ``<org>/<root>/<ou>/.../`` names the accounts
#: directly in that root or OU; a trailing ``*`` adds every OU below it; ``<org>/*``
#: is the whole organization. The organization ID comes first because "OU IDs and
#: root IDs are unique only within an organization",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
ORGANIZATION_PATH_PATTERN = rf"({ORGANIZATION_ID_PATTERN})/(?:\*|{_ROOT_ID}/(?:{_OU_ID}/)*\*?)"

#: "The identifier for a service principal includes the service name, and is usually
#: in the following format: service-name.amazonaws.com",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
SERVICE_PRINCIPAL_PATTERN = (
    r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*\.amazonaws\.com(?:\.cn)?"
)

ACCOUNT_ID_PATTERN = r"\d{12}"
# Only the partition's equality with the repository's is checked (at render, where
# the region is known), so its syntax here is loose.
_SOURCE_ARN_PATTERN = (
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9*?-]*):"
    r"(?P<account>\d{12})?:(?P<resource>\S+)"
)
#: "The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z),
#: and numbers (0-9)",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
SID_PATTERN = r"[A-Za-z0-9]+"
_ACTION_PATTERN = r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+"

_ORGANIZATION_ID = re.compile(ORGANIZATION_ID_PATTERN, re.ASCII)
_ORGANIZATION_PATH = re.compile(ORGANIZATION_PATH_PATTERN, re.ASCII)
_SERVICE_PRINCIPAL = re.compile(SERVICE_PRINCIPAL_PATTERN, re.ASCII)
_ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN, re.ASCII)
_SOURCE_ARN = re.compile(_SOURCE_ARN_PATTERN, re.ASCII)
_SID = re.compile(SID_PATTERN, re.ASCII)
_ACTION = re.compile(_ACTION_PATTERN, re.ASCII)
_CONDITION_TEST = re.compile(r"[A-Za-z]+(?::[A-Za-z]+)?", re.ASCII)
_CONDITION_KEY = re.compile(r"[A-Za-z0-9:/_.@-]+", re.ASCII)

# "Condition key names are not case-sensitive", so keys are compared lowercased;
# operators count as a limit only spelled exactly as IAM documents them,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
PRINCIPAL_ORG_ID = "aws:PrincipalOrgID"
PRINCIPAL_ORG_PATHS = "aws:PrincipalOrgPaths"
SOURCE_ARN = "aws:SourceArn"
SOURCE_ACCOUNT = "aws:SourceAccount"
#: aws:SourceArn "works with ARN operators and string operators"; ArnLike matches
#: each of the ARN's six colon-delimited fields separately, so a ``*`` in a source
#: ARN never spans into the account field (with StringLike, which Lambda's guide
#: shows for ``arn:aws:lambda:<region>:<account>:function:*``, a ``*`` before the
#: account could),
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
SOURCE_ARN_TEST = "ArnLike"
#: aws:SourceAccount "works with string operators"; an account ID is exact.
SOURCE_ACCOUNT_TEST = "StringEquals"
#: aws:PrincipalOrgID is single-valued: StringEquals, as in AWS's example.
PRINCIPAL_ORG_ID_TEST = "StringEquals"
#: aws:PrincipalOrgPaths is multivalued, and "When you include a wildcard, you must
#: use the StringLike condition operator" (AWS's examples use ForAnyValue:StringLike).
PRINCIPAL_ORG_PATHS_TEST = "ForAnyValue:StringLike"

# Conditions that confine a wildcard principal to an organization. Negated
# operators, ...IfExists and ForAllValues are true for a principal in no
# organization (the key is then absent), so they confine nothing.
_ORGANIZATION_LIMITS = frozenset(
    {
        ("StringEquals", PRINCIPAL_ORG_ID.lower()),
        ("ForAnyValue:StringEquals", PRINCIPAL_ORG_PATHS.lower()),
        ("ForAnyValue:StringLike", PRINCIPAL_ORG_PATHS.lower()),
    }
)
# Conditions that confine a service principal to your resources (the same
# reasoning: positive operators only).
_SOURCE_LIMITS = frozenset(
    {
        ("ArnEquals", SOURCE_ARN.lower()),
        ("ArnLike", SOURCE_ARN.lower()),
        ("StringEquals", SOURCE_ARN.lower()),
        ("StringLike", SOURCE_ARN.lower()),
        ("StringEquals", SOURCE_ACCOUNT.lower()),
        ("StringLike", SOURCE_ACCOUNT.lower()),
    }
)

#: Terraform checks this on the policy document when some principal is only known at
#: apply time (a token): outside Deny statements and statements confined to an
#: organization, no identifier may hold a wildcard.
WILDCARD_GUARD_CONDITION = (
    '${alltrue([for s in self.statement : s.effect == "Deny" || anytrue([for c in s.condition : '
    "contains(["
    + ", ".join(f'"{test}|{key}"' for test, key in sorted(_ORGANIZATION_LIMITS))
    + '], format("%s|%s", c.test, lower(c.variable)))]) || alltrue(flatten([for p in s.principals : '
    '[for i in p.identifiers : !strcontains(i, "*") && !strcontains(i, "?")]]))])}'
)
WILDCARD_GUARD_MESSAGE = (
    "cdktf_aws_ecr: a repository policy principal resolved to a wildcard ('*' or '?') in an "
    "Allow statement without an aws:PrincipalOrgID or aws:PrincipalOrgPaths condition; "
    "grant named IAM principals, account IDs or an OrganizationPrincipal."
)


def _is_source_condition(variable: str) -> str:
    """HCL: condition ``c`` is one of :data:`_SOURCE_LIMITS` on ``variable``."""
    keys = ", ".join(f'"{t}|{k}"' for t, k in sorted(_SOURCE_LIMITS) if k == variable.lower())
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

#: The identity policy that lets a role or user log in to the registry (compact JSON).
REGISTRY_LOGIN_POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"AllowRegistryLogin","Effect":"Allow",'
    f'"Action":"{REGISTRY_LOGIN_ACTION}","Resource":"*"}}]}}'
)


# ---------------------------------------------------------------------------- enums


class Access(str, enum.Enum):
    """What a grant allows on the repository."""

    #: The seed's 3 read actions (:data:`~cdktf_aws_ecr.PULL_ACTIONS`).
    PULL = "PULL"
    #: The seed's 7 actions (:data:`~cdktf_aws_ecr.PUSH_ACTIONS`): read and upload.
    PUSH = "PUSH"
    #: The same 7 actions as ``PUSH``, which already include the read actions.
    PULL_PUSH = "PULL_PUSH"

    @property
    def actions(self) -> Tuple[str, ...]:
        return PULL_ACTIONS if self is Access.PULL else PUSH_ACTIONS

    @property
    def _verb(self) -> str:
        return "Pull" if self is Access.PULL else "Push"


class Effect(str, enum.Enum):
    """A statement's ``Effect`` (exact, case-sensitive in IAM)."""

    ALLOW = "Allow"
    DENY = "Deny"


class IdentityType(str, enum.Enum):
    """An IAM identity this app manages, which can carry the registry-login policy."""

    ROLE = "aws_iam_role"
    USER = "aws_iam_user"


# ---------------------------------------------------------------------------- values


@dataclass(frozen=True)
class _ListToken:
    """A whole list known only at apply time (cdktf encodes it as one element)."""

    encoded: str

    def as_list(self) -> List[str]:
        return [self.encoded]


_Value = Union[str, _ListToken]
_Values = Tuple[_Value, ...]


def _values(parameter: str, value: Any, allowed: str, *, empty_ok: bool = False) -> _Values:
    """The items of a list of strings (a list token stays whole); duplicates refused."""
    items = string_list(parameter, value, allowed)
    if items is None:
        return (_ListToken(list(value)[0]),)
    if not items and not empty_ok:
        raise ValidationError(parameter, value, allowed, problem="is empty")
    return tuple(items)


def _wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _sort_key(value: _Value) -> Tuple[int, str]:
    if isinstance(value, _ListToken):
        return (3, value.encoded)
    return (2 if "${" in value else 0, value)


def _union(groups: Iterable[_Values]) -> _Values:
    merged: Dict[_Value, None] = {}
    for group in groups:
        merged.update(dict.fromkeys(group))
    return tuple(sorted(merged, key=_sort_key))


# ---------------------------------------------------------------------------- checks


def _wildcard_account(arn: str) -> bool:
    fields = arn.split(":")
    return len(fields) >= 5 and fields[0] == "arn" and _wildcard(fields[4])


def _wildcard_account_problem(arn: str) -> str:
    return (
        f"holds {arn!r}, whose account field is a wildcard: it names resources in every "
        "AWS account, which is the confused deputy problem the condition exists to stop"
    )


def _source_arn_problem(arn: str) -> Optional[str]:
    if _wildcard_account(arn):
        return _wildcard_account_problem(arn)
    if _SOURCE_ARN.fullmatch(arn):
        return None
    return (
        f"holds {arn!r}, which is not an ARN "
        "(arn:<partition>:<service>:<region>:<account>:<resource>)"
    )


def _account_problem(account: str) -> Optional[str]:
    if _ACCOUNT_ID.fullmatch(account):
        return None
    return f"holds {account!r}, which is not a 12-digit account ID"


def _org_id_problem(org_id: str) -> Optional[str]:
    if _ORGANIZATION_ID.fullmatch(org_id):
        return None
    return f"{org_id!r} is not an organization ID"


def _org_path_problem(path: str, org_id: Optional[str]) -> Optional[str]:
    """Why ``path`` is not an aws:PrincipalOrgPaths value of organization ``org_id``."""
    if "?" in path or "*" in path[:-1]:
        return f"holds {path!r}: a wildcard may only end a path"
    if len(path) > 1 and path.endswith("*") and not path.endswith("/*"):
        return (
            f"holds {path!r}: a wildcard right after an ID also matches other OUs whose ID "
            "starts the same; end the path with '/*' for an OU and every OU below it"
        )
    match = _ORGANIZATION_PATH.fullmatch(path)
    if match is None:
        return (
            f"holds {path!r}, which is not an organization path "
            "(o-<org>/r-<root>/ou-<ou>/.../, optionally ending in '*', or o-<org>/*)"
        )
    if org_id is not None and _ORGANIZATION_ID.fullmatch(org_id) and match.group(1) != org_id:
        return f"holds {path!r}, a path in organization {match.group(1)}, not in {org_id}"
    return None


def _check_each(
    parameter: str,
    value: Any,
    allowed: str,
    items: _Values,
    problem_of: Callable[[str], Optional[str]],
) -> None:
    """Raise for the first item that :func:`_passes` would refuse, naming its problem."""
    for item in items:
        if isinstance(item, _ListToken):
            continue
        problem = problem_of(item)
        if problem is not None and not _passes((item,), problem_of):
            raise ValidationError(parameter, value, allowed, problem=problem)


# ---------------------------------------------------------------------------- grantees

_SOURCE_ARNS_ALLOWED = (
    "ARNs of the resources the service acts for (arn:<partition>:<service>:<region>:"
    "<account>:<resource>, wildcards allowed except in the account), or tokens"
)
_SOURCE_ACCOUNTS_ALLOWED = "12-digit account IDs, or tokens"
_SERVICE_ALLOWED = (
    "a service principal such as 'lambda.amazonaws.com' (service-name.amazonaws.com), "
    "as a plain string"
)


@dataclass(frozen=True)
class ServicePrincipal:
    """An AWS service, such as Lambda, acting for your resources.

    Lambda pulls a function's container image as ``lambda.amazonaws.com``, and
    pulls it again later to re-optimize an inactive function, so the function's
    repository must allow that service principal
    (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions).
    A service principal acts for every AWS customer, so a statement naming it
    is always limited to your resources by ``aws:SourceArn`` (``ArnLike``)
    and/or ``aws:SourceAccount`` (``StringEquals``); without them, a function in
    any account could pull these images: the confused deputy problem
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
    With both, a request must match both.

    Example::

        ServicePrincipal("lambda.amazonaws.com",
                         source_arns=["arn:aws:lambda:eu-west-1:111122223333:function:api"])
    """

    #: The service principal, ``service-name.amazonaws.com``. A plain string: it
    #: names the statement. Wildcards are refused. Default: none (required).
    service: str
    #: ARNs of the resources the service may act for, e.g. a Lambda function ARN.
    #: ``*``/``?`` are allowed in the region and resource (``...:function:api-*``),
    #: never in the account. An ARN without an account (an S3 bucket) needs
    #: ``source_accounts`` too. Tokens pass (``LambdaFunction.arn``).
    #: Default: none, and then ``source_accounts`` is required.
    source_arns: Sequence[str] = ()
    #: 12-digit IDs of the accounts whose resources the service may act for; with
    #: ``source_arns``, each ARN's account must be among them.
    #: Default: none, and then ``source_arns`` is required.
    source_accounts: Sequence[str] = ()
    _arns: _Values = field(init=False, repr=False, compare=False)
    _accounts: _Values = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        service = self.service
        if type(service) is not str:
            raise ValidationError(
                "service", service, _SERVICE_ALLOWED, problem=f"is {type_name(service)}"
            )
        if not _SERVICE_PRINCIPAL.fullmatch(service):
            problem = (
                "is a wildcard, which would name every service"
                if _wildcard(service)
                else (
                    "is an unresolved token; the service names the statement"
                    if is_token(service)
                    else "is not a service principal"
                )
            )
            raise ValidationError("service", service, _SERVICE_ALLOWED, problem=problem)
        arns = _values("source_arns", self.source_arns, _SOURCE_ARNS_ALLOWED, empty_ok=True)
        accounts = _values(
            "source_accounts", self.source_accounts, _SOURCE_ACCOUNTS_ALLOWED, empty_ok=True
        )
        _check_each(
            "source_arns", self.source_arns, _SOURCE_ARNS_ALLOWED, arns, _source_arn_problem
        )
        _check_each(
            "source_accounts",
            self.source_accounts,
            _SOURCE_ACCOUNTS_ALLOWED,
            accounts,
            _account_problem,
        )
        if not arns and not accounts:
            raise ValidationError(
                "source_arns",
                self.source_arns,
                _SOURCE_ARNS_ALLOWED + "; at least one source ARN or source account",
                problem=f"and source_accounts are both empty: without an aws:SourceArn or "
                f"aws:SourceAccount condition, {service} acting for a resource in any AWS "
                "account (a function in someone else's account) could use this repository "
                "(the confused deputy problem)",
            )
        literal_accounts = {a for a in accounts if isinstance(a, str) and _ACCOUNT_ID.fullmatch(a)}
        all_literal = len(literal_accounts) == len(accounts)
        for arn in arns:
            match = _SOURCE_ARN.fullmatch(arn) if isinstance(arn, str) else None
            if match is None:
                continue
            account = match.group("account")
            if account is None and not accounts:
                raise ValidationError(
                    "source_arns",
                    self.source_arns,
                    _SOURCE_ARNS_ALLOWED,
                    problem=f"holds {arn!r}, which names no account: give its owner in "
                    "source_accounts too",
                )
            if account is not None and accounts and all_literal and account not in literal_accounts:
                raise ValidationError(
                    "source_arns",
                    self.source_arns,
                    _SOURCE_ARNS_ALLOWED + ", each in one of source_accounts",
                    problem=f"holds {arn!r}, of account {account}, which is not in "
                    f"source_accounts {sorted(literal_accounts)}: both conditions must match, "
                    "so the grant would never apply",
                )
        object.__setattr__(self, "source_arns", tuple(self.source_arns))
        object.__setattr__(self, "source_accounts", tuple(self.source_accounts))
        object.__setattr__(self, "_arns", arns)
        object.__setattr__(self, "_accounts", accounts)

    @property
    def _label(self) -> str:
        """``lambda.amazonaws.com`` -> ``Lambda``; ``ecs-tasks...`` -> ``EcsTasks``."""
        host = self.service.split(".amazonaws.com")[0]
        return "".join(part.capitalize() for part in re.split(r"[.-]", host))


_ORG_ID_ALLOWED = "an organization ID, o- followed by 10-32 lowercase letters or digits, or a token"
_OU_PATHS_ALLOWED = (
    "organization paths in this organization: '<org>/<root>/<ou>/.../' for the accounts "
    "directly in that root or OU, ending in '/*' to include every OU below it, or "
    "'<org>/*'; or tokens"
)


@dataclass(frozen=True)
class OrganizationPrincipal:
    """Every principal in an AWS organization, or in some of its OUs.

    The statement names principal ``*`` and is limited by ``aws:PrincipalOrgID``
    (``StringEquals``) and, when ``ou_paths`` are given, ``aws:PrincipalOrgPaths``
    (``ForAnyValue:StringLike``), as AWS documents
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid).
    It is the only grantee that puts ``*`` in a repository policy.

    Example::

        OrganizationPrincipal("o-a1b2c3d4e5",
                              ou_paths=["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"])
    """

    #: The organization ID, ``o-`` followed by 10-32 lowercase letters or digits
    #: (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html),
    #: or a token (``DataAwsOrganizationsOrganization.id``). Default: none (required).
    org_id: str
    #: Paths of organizational units in this organization, each starting with
    #: ``org_id``: ``o-…/r-…/ou-…/`` for the accounts directly in that OU,
    #: ``o-…/r-…/ou-…/*`` for the OU and every OU below it. ``*`` and ``?`` are
    #: refused anywhere else (``…/ou-ab12-1111*`` would also match sibling OUs).
    #: Default: none, the whole organization.
    ou_paths: Sequence[str] = ()
    _paths: _Values = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        org_id = self.org_id
        if type(org_id) is not str:
            raise ValidationError(
                "org_id", org_id, _ORG_ID_ALLOWED, problem=f"is {type_name(org_id)}"
            )
        problem = _org_id_problem(org_id)
        if problem is not None and (_wildcard(org_id) or not is_token(org_id)):
            raise ValidationError(
                "org_id", org_id, _ORG_ID_ALLOWED, problem="is not an organization ID"
            )
        paths = _values("ou_paths", self.ou_paths, _OU_PATHS_ALLOWED, empty_ok=True)
        _check_each(
            "ou_paths",
            self.ou_paths,
            _OU_PATHS_ALLOWED,
            paths,
            lambda path: _org_path_problem(path, org_id),
        )
        object.__setattr__(self, "ou_paths", tuple(self.ou_paths))
        object.__setattr__(self, "_paths", paths)


# ---------------------------------------------------------------------------- statements

_STATEMENT_PRINCIPALS_ALLOWED = (
    "a mapping of principal type to identifiers: 'AWS' (IAM principal ARNs or account IDs; "
    "'*' only in Deny statements or with an organization condition), 'Service' "
    "(service-name.amazonaws.com), or '*': ['*'] (the same rules as 'AWS': '*')"
)
_ORGANIZATION_CONDITION = (
    f"a {PRINCIPAL_ORG_ID_TEST} {PRINCIPAL_ORG_ID} condition on organization IDs, or a "
    f"ForAnyValue:StringEquals / ForAnyValue:StringLike {PRINCIPAL_ORG_PATHS} condition on "
    "organization paths"
)
_SOURCE_CONDITION = (
    f"an ArnLike/ArnEquals/StringLike/StringEquals {SOURCE_ARN} condition on ARNs naming an "
    f"account, or a StringEquals/StringLike {SOURCE_ACCOUNT} condition on account IDs"
)


@dataclass(frozen=True)
class Condition:
    """One ``Condition`` entry: ``{test: {variable: values}}``.

    Example: ``Condition("StringEquals", "aws:PrincipalOrgID", ["o-a1b2c3d4e5"])``.
    """

    #: The condition operator, exactly as IAM spells it (``StringEquals``,
    #: ``ForAnyValue:StringLike``, ``ArnLike``...). A plain string. Default: none (required).
    test: str
    #: The condition key (``aws:PrincipalOrgID``); IAM ignores its case. A plain string.
    #: Default: none (required).
    variable: str
    #: The values to compare with, at least one; any one may match. Tokens pass.
    #: Default: none (required).
    values: Sequence[str]
    _parsed: _Values = field(init=False, repr=False, compare=False)

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
        values = _values("condition.values", self.values, allowed)
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


def _passes(values: _Values, problem_of: Callable[[str], Optional[str]]) -> bool:
    """Every value is well-formed, or only known at apply time without a literal wildcard."""
    for value in values:
        if isinstance(value, _ListToken):
            continue
        problem = problem_of(value)
        if problem is not None and ("wildcard" in problem or not is_token(value)):
            return False
    return True


def _confines_to_organization(condition: Condition) -> bool:
    if condition._key not in _ORGANIZATION_LIMITS:
        return False
    if condition._key[1] == PRINCIPAL_ORG_ID.lower():
        # StringEquals is exact, so even a token cannot widen it.
        return _passes(condition._parsed, _org_id_problem)
    # Paths are patterns: each must be a literal path anchored at an organization ID.
    return all(isinstance(v, str) and _org_path_problem(v, None) is None for v in condition._parsed)


def _confines_to_sources(conditions: Sequence[Condition]) -> bool:
    limits = [c for c in conditions if c._key in _SOURCE_LIMITS]
    if any(
        c._key[1] == SOURCE_ACCOUNT.lower() and _passes(c._parsed, _account_problem) for c in limits
    ):
        return True
    # Without an account condition, every source ARN must name its account.
    return any(
        c._key[1] == SOURCE_ARN.lower()
        and _passes(c._parsed, _source_arn_problem)
        and not any(
            isinstance(v, str) and (m := _SOURCE_ARN.fullmatch(v)) and m.group("account") is None
            for v in c._parsed
        )
        for c in limits
    )


def _check_source_arn_accounts(conditions: Sequence[Condition]) -> None:
    """No source ARN of an Allow statement for a service names every account, even
    beside an aws:SourceAccount condition (as for :class:`ServicePrincipal`, and as
    :data:`SOURCE_GUARD_CONDITION` checks the values only known at apply)."""
    for condition in conditions:
        if condition._key not in _SOURCE_LIMITS or condition._key[1] != SOURCE_ARN.lower():
            continue
        for value in condition._parsed:
            if isinstance(value, str) and _wildcard_account(value):
                raise ValidationError(
                    "conditions",
                    list(conditions),
                    f"{SOURCE_ARN} values naming an account: wildcards only in the region "
                    "and resource",
                    problem=_wildcard_account_problem(value),
                )


@dataclass(frozen=True, kw_only=True)
class PolicyStatement:
    """A statement for :meth:`Repository.add_to_resource_policy`, the escape hatch.

    It is checked when built. In an ``Allow`` statement a ``*`` principal
    needs an organization condition (``aws:PrincipalOrgID`` with
    ``StringEquals``, or ``aws:PrincipalOrgPaths`` with ``ForAnyValue:StringEquals``
    or ``ForAnyValue:StringLike``), and a ``Service`` principal needs an
    ``aws:SourceArn`` or ``aws:SourceAccount`` condition, as for
    :class:`OrganizationPrincipal` and :class:`ServicePrincipal`. A ``Deny``
    statement may name ``*``. Partial wildcards (``arn:aws:iam::*:root``) are
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

    #: The statement ID, unique in the repository policy: ASCII letters and digits
    #: (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html).
    #: Default: none (required).
    sid: str
    #: Principal type to identifiers: ``"AWS"`` (IAM principal ARNs, account IDs),
    #: ``"Service"`` (service principals) or ``"*"`` (with ``["*"]``). Default: none (required).
    principals: Mapping[str, Sequence[str]]
    #: IAM actions such as ``ecr:BatchGetImage``, at least one. Tokens pass.
    #: Default: none (required).
    actions: Sequence[str]
    #: ``Allow`` or ``Deny``. Default: ``Effect.ALLOW``.
    effect: Union[str, Effect] = Effect.ALLOW
    #: Conditions, all of which must hold; at most one per operator and key.
    #: Default: none.
    conditions: Sequence[Condition] = ()
    _parsed_actions: _Values = field(init=False, repr=False, compare=False)
    _parsed_principals: Tuple[Tuple[str, _Values], ...] = field(
        init=False, repr=False, compare=False
    )

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
        actions = _values(
            "actions", self.actions, "a non-empty list of IAM actions such as 'ecr:BatchGetImage'"
        )
        _check_each(
            "actions",
            self.actions,
            "IAM actions such as 'ecr:BatchGetImage'",
            actions,
            lambda a: None if _ACTION.fullmatch(a) else f"holds {a!r}, which is not an IAM action",
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
        principals = self._check_principals(effect, conditions)
        object.__setattr__(self, "effect", effect)
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "conditions", conditions)
        object.__setattr__(
            self, "principals", MappingProxyType({kind: tuple(ids) for kind, ids in principals})
        )
        object.__setattr__(self, "_parsed_actions", actions)
        object.__setattr__(self, "_parsed_principals", principals)

    def _check_principals(
        self, effect: Effect, conditions: Tuple[Condition, ...]
    ) -> Tuple[Tuple[str, _Values], ...]:
        given = self.principals
        if not isinstance(given, Mapping) or not given:
            raise ValidationError(
                "principals",
                given,
                _STATEMENT_PRINCIPALS_ALLOWED,
                problem=f"is {type_name(given)}" if not isinstance(given, Mapping) else "is empty",
            )
        principals: List[Tuple[str, _Values]] = []
        wildcard = False
        for kind, identifiers in given.items():
            parameter = f"principals[{kind!r}]"
            items = _values(parameter, identifiers, _STATEMENT_PRINCIPALS_ALLOWED)
            if kind == "*":
                if items != ("*",):
                    raise ValidationError(parameter, identifiers, "['*']", problem="is not ['*']")
                wildcard = True
            elif kind == "AWS":
                for item in items:
                    if isinstance(item, str) and _wildcard(item) and item != "*":
                        raise ValidationError(
                            parameter,
                            identifiers,
                            _STATEMENT_PRINCIPALS_ALLOWED,
                            problem=f"holds {item!r}: IAM does not support wildcards in part "
                            "of a principal ('*' alone needs an organization condition or a Deny)",
                        )
                wildcard = wildcard or "*" in items
                named = [item for item in items if item != "*"]
                if named and not isinstance(named[0], _ListToken):
                    check_principals(parameter, named)
            elif kind == "Service":
                _check_each(
                    parameter,
                    identifiers,
                    _SERVICE_ALLOWED,
                    items,
                    lambda s: (
                        None
                        if _SERVICE_PRINCIPAL.fullmatch(s)
                        else (
                            f"holds {s!r}, a wildcard service principal"
                            if _wildcard(s)
                            else f"holds {s!r}, which is not a service principal"
                        )
                    ),
                )
                if effect is Effect.ALLOW and not _confines_to_sources(conditions):
                    raise ValidationError(
                        parameter,
                        identifiers,
                        f"a Service principal in an Allow statement with {_SOURCE_CONDITION}",
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
        if (
            wildcard
            and effect is Effect.ALLOW
            and not any(_confines_to_organization(c) for c in conditions)
        ):
            near = [
                c
                for c in conditions
                if c._key[1] in (PRINCIPAL_ORG_ID.lower(), PRINCIPAL_ORG_PATHS.lower())
            ]
            problem = (
                "names '*' in an Allow statement without an organization condition: the "
                "repository would be public"
                if not near
                else f"names '*' in an Allow statement whose {near[0].test} {near[0].variable} "
                "condition does not confine it to an organization (negated, ...IfExists and "
                "ForAllValues operators hold for principals outside any organization, and "
                "values must be organization IDs or paths)"
            )
            raise ValidationError(
                "principals",
                dict(given),
                f"'*' only with {_ORGANIZATION_CONDITION}",
                problem=problem,
            )
        return tuple(principals)


def statement_from_provider(statement: Any, parameter: str = "statement") -> PolicyStatement:
    """A :class:`PolicyStatement` from the provider's ``DataAwsIamPolicyDocumentStatement``.

    The struct is read field by field; the fields a repository policy of this
    library cannot carry (``not_principals``, ``not_actions``, ``resources``,
    ``not_resources``) are refused rather than dropped.
    """
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
    blocks = getattr(statement, "principals", None) or []
    if not isinstance(blocks, (list, tuple)):
        raise ValidationError(
            f"{parameter}.principals",
            blocks,
            "a list of principal blocks, not a token",
            problem=f"is {type_name(blocks)}",
        )
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
    conditions = getattr(statement, "condition", None) or []
    if not isinstance(conditions, (list, tuple)):
        raise ValidationError(
            f"{parameter}.condition",
            conditions,
            "a list of condition blocks, not a token",
            problem=f"is {type_name(conditions)}",
        )
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


# ---------------------------------------------------------------------------- grantees

GRANTEES_ALLOWED = (
    "an IAM principal ARN or 12-digit account ID, an IamRole or IamUser (anything with an "
    ".arn), a ServicePrincipal or an OrganizationPrincipal"
)


@dataclass(frozen=True)
class Grantee:
    """A grantee, classified by :func:`classify_grantee`."""

    #: The principal ARN or account ID (a token for a construct), or the
    #: :class:`ServicePrincipal` / :class:`OrganizationPrincipal` given.
    #: Default: none (required).
    principal: Union[str, ServicePrincipal, OrganizationPrincipal]
    #: The construct the ARN came from, if any. Default: None.
    identity: Optional[Any] = None
    #: Set when ``identity`` is an IAM role or user this app manages (a resource,
    #: not a data source): it can carry the registry-login identity policy.
    #: Default: None.
    identity_type: Optional[IdentityType] = None


def classify_grantee(grantee: Any, parameter: str = "grantee") -> Grantee:
    """What ``grantee`` is, checked; raises :class:`ValidationError` otherwise."""
    if isinstance(grantee, (ServicePrincipal, OrganizationPrincipal)):
        return Grantee(grantee)
    if isinstance(grantee, str):
        if _wildcard(grantee):
            raise ValidationError(
                parameter,
                grantee,
                GRANTEES_ALLOWED,
                problem="is a wildcard principal; to grant a whole organization, use "
                "OrganizationPrincipal",
            )
        try:
            check_principals(parameter, [grantee])
        except ValidationError as error:
            problem = error.problem
            prefix = f"holds {grantee!r}, which "
            if problem.startswith(prefix):
                problem = problem[len(prefix) :]
            if grantee.startswith("arn:") and ":lambda:" in grantee:
                problem = (
                    "is a Lambda function ARN; Lambda pulls as the service: grant "
                    f"ServicePrincipal('lambda.amazonaws.com', source_arns=[{grantee!r}])"
                )
            raise ValidationError(parameter, grantee, GRANTEES_ALLOWED, problem=problem) from None
        return Grantee(grantee)
    resource_type = getattr(grantee, "terraform_resource_type", None)
    arn = getattr(grantee, "arn", None)
    if resource_type is not None and resource_type not in {t.value for t in IdentityType}:
        hint = (
            "; a Lambda function pulls as the service: grant "
            "ServicePrincipal('lambda.amazonaws.com', source_arns=[function.arn])"
            if resource_type == "aws_lambda_function"
            else ""
        )
        raise ValidationError(
            parameter,
            grantee,
            GRANTEES_ALLOWED,
            problem=f"is a {resource_type}, which is not an IAM principal{hint}",
        )
    if not isinstance(arn, str):
        raise ValidationError(
            parameter,
            grantee,
            GRANTEES_ALLOWED,
            problem=f"is {type_name(grantee)}"
            + (" whose .arn is not a string" if arn is not None else ""),
        )
    if _wildcard(arn):
        raise ValidationError(
            parameter, grantee, GRANTEES_ALLOWED, problem=f"has the wildcard .arn {arn!r}"
        )
    check_principals(parameter, [arn])
    identity_type = None
    if resource_type is not None and not _is_data_source(grantee):
        identity_type = IdentityType(resource_type)
    return Grantee(arn, identity=grantee, identity_type=identity_type)


def _is_data_source(construct: Any) -> bool:
    from ._framework import TerraformDataSource

    return isinstance(construct, TerraformDataSource)


def _construct_path(construct: Any) -> Optional[str]:
    node = getattr(construct, "node", None)
    path = getattr(node, "path", None)
    return path if isinstance(path, str) else None


# ---------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class _Statement:
    sid: str
    effect: str
    actions: _Values
    principals: Tuple[Tuple[str, _Values], ...]
    conditions: Tuple[Tuple[str, str, _Values], ...] = ()
    # Where a custom statement came from, for error messages.
    origin: Optional[str] = None


class RepositoryPolicyDocument:
    """The statements of one repository policy, accumulated from grants in any order.

    ``render()`` returns them as ``aws_iam_policy_document`` statement blocks, in
    the order and under the Sids this module's docstring describes. Grants merge
    only where one statement allows exactly what the separate ones would:

    * IAM principals of one access level share ``AllowPull`` / ``AllowPush``;
    * service grants of one service and access level merge by shape. The values
      of one condition key are alternatives, so grants by ARN share one
      ``aws:SourceArn`` list and grants by account one ``aws:SourceAccount``
      list. Grants with both merge when their accounts are the same (``(A1 and
      C) or (A2 and C)`` is ``(A1 or A2) and C``); other account sets get
      numbered statements, ordered by their accounts;
    * organization grants of one access level share one statement. Every OU
      path starts with its own organization's ID, so ``aws:PrincipalOrgID`` in
      all the organizations and ``aws:PrincipalOrgPaths`` in all the paths
      allows exactly the union; a whole organization joins the paths as
      ``<org>/*``.

    Granting the same principal again changes nothing.
    """

    def __init__(self) -> None:
        self._seed: Dict[str, Dict[_Value, None]] = {"Pull": {}, "Push": {}}
        # Granted IAM principals: value -> sort key (a construct's path, where known,
        # because a token's text depends on when its .arn was read).
        self._granted: Dict[str, Dict[_Value, Tuple[int, str]]] = {"Pull": {}, "Push": {}}
        # The ARN read from each construct, which is kept so its id stays its own.
        self._arn_of: Dict[int, Tuple[Any, str]] = {}
        self._services: Dict[Tuple[str, str], Dict[ServicePrincipal, None]] = {}
        self._organizations: Dict[str, Dict[OrganizationPrincipal, None]] = {"Pull": {}, "Push": {}}
        self._custom: List[PolicyStatement] = []

    # -- input

    def add_principal_arns(self, access: Access, principals: Sequence[str], parameter: str) -> None:
        """The seed's ``pull_principal_arns`` / ``push_principal_arns``, in their order."""
        items = _values(parameter, principals, PRINCIPALS_ALLOWED, empty_ok=True)
        for item in items:
            if isinstance(item, str) and _wildcard(item):
                raise ValidationError(
                    parameter,
                    principals,
                    PRINCIPALS_ALLOWED,
                    problem=f"holds the wildcard principal {item!r}, which would grant access "
                    "beyond least privilege",
                )
        if items and not isinstance(items[0], _ListToken):
            check_principals(parameter, list(items))
        self._seed[access._verb].update(dict.fromkeys(items))

    def grant(self, access: Access, grantee: Any, parameter: str = "grantee") -> Grantee:
        """Allow ``grantee`` the actions of ``access``; returns it classified.

        Granting the same principal again changes nothing.
        """
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
                key = (1, path) if path is not None else _sort_key(principal)
            else:
                key = _sort_key(principal)
            self._granted[verb].setdefault(principal, key)
        return classified

    def add_statement(self, statement: Any, parameter: str = "statement") -> PolicyStatement:
        """Add a :class:`PolicyStatement` or the provider's ``DataAwsIamPolicyDocumentStatement``."""
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
        self._custom.append(checked)
        return checked

    # -- output

    @property
    def is_empty(self) -> bool:
        return not self._statements()

    @property
    def needs_wildcard_guard(self) -> bool:
        """True when some principal of an Allow statement without an organization
        condition is only known at apply time; see :data:`WILDCARD_GUARD_CONDITION`."""
        for statement in self._statements():
            if statement.effect != Effect.ALLOW.value or any(
                (test, variable.lower()) in _ORGANIZATION_LIMITS
                for test, variable, _ in statement.conditions
            ):
                continue
            for kind, identifiers in statement.principals:
                pattern = _SERVICE_PRINCIPAL if kind == "Service" else PRINCIPAL_RE
                if any(isinstance(i, _ListToken) or not pattern.fullmatch(i) for i in identifiers):
                    return True
        return False

    @property
    def needs_source_guard(self) -> bool:
        """True when some aws:SourceArn or aws:SourceAccount value of a service
        principal's Allow statement is only known at apply time; see
        :data:`SOURCE_GUARD_CONDITION`."""
        for statement in self._statements():
            if statement.effect != Effect.ALLOW.value or all(
                kind != "Service" for kind, _ in statement.principals
            ):
                continue
            for test, variable, values in statement.conditions:
                if (test, variable.lower()) in _SOURCE_LIMITS and any(
                    isinstance(v, _ListToken) or is_token(v) for v in values
                ):
                    return True
        return False

    def render(self, region: Optional[str] = None) -> List[Dict[str, Any]]:
        """The statement blocks, checked (see :meth:`check`). Raises :class:`ValidationError`."""
        self.check(region)
        return self.blocks()

    def check(self, region: Optional[str] = None) -> None:
        """Check the policy as a whole: unique Sids, ARNs in ``region``'s partition
        (when known) and ECR's size limit. Raises :class:`ValidationError`."""
        statements = self._statements()
        seen: Dict[str, _Statement] = {}
        for statement in statements:
            if statement.sid in seen:
                raise ValidationError(
                    statement.origin or "statement.sid",
                    statement.sid,
                    "a Sid no other statement of the repository policy uses (generated: "
                    + ", ".join(s.sid for s in statements if s.origin is None)
                    + ")",
                    problem="is used twice",
                )
            seen[statement.sid] = statement
        if region:
            self._check_partitions(statements, partition_of(region), region)
        length = _json_length(_iam_policy(statements, lower_bound=True))
        if length > MAX_REPOSITORY_POLICY_LENGTH:
            exact = _iam_policy(statements, lower_bound=False) == _iam_policy(
                statements, lower_bound=True
            )
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
        return [_block(statement) for statement in self._statements()]

    def guards(self) -> List[Tuple[str, str]]:
        """``(condition, error_message)`` of the postconditions its ``aws_iam_policy_document``
        needs: Terraform checks, before any policy is written, what only it can know (a
        principal that is a token may resolve to a wildcard, a service's source ARN or
        account that is a token to every account; values only known at apply may make the
        policy too long). They only ever become needed as statements are added."""
        guards = []
        if self.needs_wildcard_guard:
            guards.append((WILDCARD_GUARD_CONDITION, WILDCARD_GUARD_MESSAGE))
        if self.needs_source_guard:
            guards.append((SOURCE_GUARD_CONDITION, SOURCE_GUARD_MESSAGE))
        if self.policy_json() is None:
            guards.append((POLICY_SIZE_GUARD_CONDITION, POLICY_SIZE_GUARD_MESSAGE))
        return guards

    def policy_json(self) -> Optional[str]:
        """The policy text ECR receives (compact, as the provider sends it), or None
        while some value is only known at apply time."""
        statements = self._statements()
        document = _iam_policy(statements, lower_bound=False)
        if document != _iam_policy(statements, lower_bound=True):
            return None
        return go_json(document)

    # -- internals

    def _statements(self) -> List[_Statement]:
        fixed: List[_Statement] = []
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
                fixed.append(_Statement(sid, Effect.ALLOW.value, actions, (("AWS", identifiers),)))
        generated = self._organization_statements() + self._service_statements()
        generated.sort(key=lambda s: s.sid)
        custom = [
            _Statement(
                s.sid,
                Effect(s.effect).value,
                s._parsed_actions,
                s._parsed_principals,
                tuple((c.test, c.variable, c._parsed) for c in s.conditions),
                origin="statement.sid",
            )
            for s in self._custom
        ]
        return fixed + generated + custom

    def _organization_statements(self) -> List[_Statement]:
        statements = []
        for verb, grants in self._organizations.items():
            if not grants:
                continue
            whole = {g.org_id for g in grants if not g._paths}
            partial = [g for g in grants if g._paths and g.org_id not in whole]
            conditions: List[Tuple[str, str, _Values]] = [
                (PRINCIPAL_ORG_ID_TEST, PRINCIPAL_ORG_ID, _union([(g.org_id,) for g in grants]))
            ]
            if partial:
                # One statement allows exactly what the grants allow because every path
                # starts with its own organization's ID: a whole organization joins as <org>/*.
                paths = _union([g._paths for g in partial] + [(f"{org}/*",) for org in whole])
                conditions.append((PRINCIPAL_ORG_PATHS_TEST, PRINCIPAL_ORG_PATHS, paths))
            statements.append(
                _Statement(
                    f"Allow{verb}Organization",
                    Effect.ALLOW.value,
                    PULL_ACTIONS if verb == "Pull" else PUSH_ACTIONS,
                    (("*", ("*",)),),
                    tuple(conditions),
                )
            )
        return statements

    def _service_statements(self) -> List[_Statement]:
        statements = []
        for (verb, service), grants in self._services.items():
            actions = PULL_ACTIONS if verb == "Pull" else PUSH_ACTIONS
            label = f"Allow{verb}{next(iter(grants))._label}"
            # Grants of one shape merge exactly: values of one key are alternatives,
            # and grants with both keys merge when their accounts are the same.
            by_arn = [g._arns for g in grants if g._arns and not g._accounts]
            by_account = [g._accounts for g in grants if g._accounts and not g._arns]
            both: Dict[FrozenSet[_Value], List[_Values]] = {}
            for g in grants:
                if g._arns and g._accounts:
                    both.setdefault(frozenset(g._accounts), []).append(g._arns)
            principal = (("Service", (service,)),)
            if by_arn:
                statements.append(
                    _Statement(
                        f"{label}BySourceArn",
                        Effect.ALLOW.value,
                        actions,
                        principal,
                        ((SOURCE_ARN_TEST, SOURCE_ARN, _union(by_arn)),),
                    )
                )
            if by_account:
                statements.append(
                    _Statement(
                        f"{label}BySourceAccount",
                        Effect.ALLOW.value,
                        actions,
                        principal,
                        ((SOURCE_ACCOUNT_TEST, SOURCE_ACCOUNT, _union(by_account)),),
                    )
                )
            groups = sorted(both.items(), key=lambda item: sorted(map(_sort_key, item[0])))
            for number, (accounts, arns) in enumerate(groups, start=1):
                statements.append(
                    _Statement(
                        f"{label}BySourceArnAndAccount{number if number > 1 else ''}",
                        Effect.ALLOW.value,
                        actions,
                        principal,
                        (
                            (SOURCE_ARN_TEST, SOURCE_ARN, _union(arns)),
                            (SOURCE_ACCOUNT_TEST, SOURCE_ACCOUNT, _union([tuple(accounts)])),
                        ),
                    )
                )
        return statements

    @staticmethod
    def _check_partitions(statements: Sequence[_Statement], partition: str, region: str) -> None:
        for statement in statements:
            values = [v for _, ids in statement.principals for v in ids]
            values += [
                v
                for _, variable, vs in statement.conditions
                if variable.lower() == SOURCE_ARN.lower()
                for v in vs
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


def _block(statement: _Statement) -> Dict[str, Any]:
    """The statement as a data source block.

    Its strings go into Terraform JSON, where ``${`` and ``%{`` start an
    expression, so :func:`_as_list` escapes the literal text of the lists
    (an IAM policy variable such as ``${aws:ResourceTag/team}`` in a
    condition's values then reaches the policy as written). The Sid, effect,
    principal type, operator and condition key are checked against patterns
    without ``$`` or ``%``, so they need no escape.
    """
    block: Dict[str, Any] = {
        "sid": statement.sid,
        "effect": statement.effect,
        "actions": _as_list(statement.actions),
        "principals": [
            {"type": kind, "identifiers": _as_list(identifiers)}
            for kind, identifiers in statement.principals
        ],
    }
    if statement.conditions:
        block["condition"] = [
            {"test": test, "variable": variable, "values": _as_list(values)}
            for test, variable, values in statement.conditions
        ]
    return block


def _as_list(values: _Values) -> Any:
    """A list for the provider, its literal text escaped: a list token stays whole, or
    is joined with ``concat`` (in whose literals cdktf escapes ``${`` itself)."""
    if not any(isinstance(v, _ListToken) for v in values):
        return [literal_text(v) for v in values]  # type: ignore[arg-type]  # all str
    if len(values) == 1:
        return values[0].as_list()  # type: ignore[union-attr]  # a _ListToken
    from ._framework import Fn, Token

    parts: List[List[str]] = []
    literals: List[str] = []
    for value in values:
        if isinstance(value, _ListToken):
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


# ---------------------------------------------------------------------------- size


def _literal_text(value: str) -> str:
    """``value`` without the parts only known at apply time."""
    if "${" not in value or not is_token(value):
        return value
    from ._framework import Token, Tokenization

    for token in Tokenization.reverse_string(value).tokens:
        value = value.replace(Token.as_string(token), "")
    return value


def _one_or_list(values: List[str]) -> Union[str, List[str]]:
    return values[0] if len(values) == 1 else values


def _iam_policy(statements: Sequence[_Statement], *, lower_bound: bool) -> Dict[str, Any]:
    """The policy as the provider renders it; with ``lower_bound``, values only known at
    apply time count as empty (a list token as no items), so its length is a floor."""

    def strings(values: _Values) -> List[str]:
        if lower_bound:
            return [_literal_text(v) for v in values if isinstance(v, str)]
        return [v.encoded if isinstance(v, _ListToken) else v for v in values]

    rendered = []
    for statement in statements:
        out: Dict[str, Any] = {
            "Sid": statement.sid,
            "Effect": statement.effect,
            "Action": _one_or_list(strings(statement.actions)),
        }
        kinds: Dict[str, List[str]] = {}
        for kind, identifiers in statement.principals:
            kinds.setdefault(kind, []).extend(strings(identifiers))
        out["Principal"] = (
            "*" if list(kinds) == ["*"] else {k: _one_or_list(v) for k, v in kinds.items()}
        )
        if statement.conditions:
            tests: Dict[str, Dict[str, Any]] = {}
            for test, variable, values in statement.conditions:
                tests.setdefault(test, {})[variable] = _one_or_list(strings(values))
            out["Condition"] = tests
        rendered.append(out)
    return {"Version": POLICY_VERSION, "Statement": rendered}


def _json_length(value: Any) -> int:
    return len(go_json(value))


#: The seed module's two principal inputs, shared by every construct that writes a
#: repository policy (Repository, RepositoryCreationTemplate).
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
