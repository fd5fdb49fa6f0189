"""Who a repository may be granted to, checked (:func:`classify_grantee`): IAM principals,
AWS services acting for your resources, and organizations."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Tuple, Union

from ..checks import check_principals, type_name
from ..errors import ValidationError
from ..facts import PULL_ACTIONS, PUSH_ACTIONS
from ..tokens import is_token
from .statement import SERVICE_ALLOWED as _SERVICE_ALLOWED
from .values import (
    ACCOUNT_ID,
    SERVICE_PRINCIPAL,
    SOURCE_ARN_RE,
    Values,
    account_problem,
    check_each,
    is_wildcard,
    org_id_problem,
    org_path_problem,
    parse_values,
    source_arn_problem,
)


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


class IdentityType(str, enum.Enum):
    """An IAM identity this app manages, which can carry the registry-login policy."""

    ROLE = "aws_iam_role"
    USER = "aws_iam_user"


_SOURCE_ARNS_ALLOWED = (
    "ARNs of the resources the service acts for (arn:<partition>:<service>:<region>:"
    "<account>:<resource>, wildcards allowed except in the account), or tokens"
)
_SOURCE_ACCOUNTS_ALLOWED = "12-digit account IDs, or tokens"


@dataclass(frozen=True)
class ServicePrincipal:
    """An AWS service, such as Lambda, acting for your resources.

    Lambda pulls a function's image as ``lambda.amazonaws.com``
    (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html#configuration-images-permissions).
    A service acts for every AWS customer, so its statement is limited to your resources by
    ``aws:SourceArn`` (``ArnLike``) and/or ``aws:SourceAccount`` (``StringEquals``), both
    when both are given, against the confused deputy problem
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).

    Example::

        ServicePrincipal("lambda.amazonaws.com",
                         source_arns=["arn:aws:lambda:eu-west-1:111122223333:function:api"])
    """

    #: ``service-name.amazonaws.com``, a plain string (it names the statement), no wildcard.
    service: str
    #: ARNs of the resources the service may act for; ``*``/``?`` only in the region and
    #: resource. An ARN without an account needs ``source_accounts`` too. Tokens pass.
    source_arns: Sequence[str] = ()
    #: 12-digit IDs of the accounts whose resources the service may act for; with
    #: ``source_arns``, each ARN's account must be among them. One of the two is required.
    source_accounts: Sequence[str] = ()
    _arns: Values = field(init=False, repr=False, compare=False)
    _accounts: Values = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        service = self.service
        if type(service) is not str:
            raise ValidationError(
                "service", service, _SERVICE_ALLOWED, problem=f"is {type_name(service)}"
            )
        if not SERVICE_PRINCIPAL.fullmatch(service):
            problem = (
                "is a wildcard, which would name every service"
                if is_wildcard(service)
                else (
                    "is an unresolved token; the service names the statement"
                    if is_token(service)
                    else "is not a service principal"
                )
            )
            raise ValidationError("service", service, _SERVICE_ALLOWED, problem=problem)
        arns = parse_values("source_arns", self.source_arns, _SOURCE_ARNS_ALLOWED, empty_ok=True)
        accounts = parse_values(
            "source_accounts", self.source_accounts, _SOURCE_ACCOUNTS_ALLOWED, empty_ok=True
        )
        check_each("source_arns", self.source_arns, _SOURCE_ARNS_ALLOWED, arns, source_arn_problem)
        check_each(
            "source_accounts",
            self.source_accounts,
            _SOURCE_ACCOUNTS_ALLOWED,
            accounts,
            account_problem,
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
        literal_accounts = {a for a in accounts if isinstance(a, str) and ACCOUNT_ID.fullmatch(a)}
        all_literal = len(literal_accounts) == len(accounts)
        for arn in arns:
            match = SOURCE_ARN_RE.fullmatch(arn) if isinstance(arn, str) else None
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
    """Every principal in an AWS organization, or in some of its OUs: principal ``*`` limited
    by ``aws:PrincipalOrgID`` and, with ``ou_paths``, ``aws:PrincipalOrgPaths``
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid).

    Example::

        OrganizationPrincipal("o-a1b2c3d4e5",
                              ou_paths=["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"])
    """

    #: The organization ID (``o-`` and 10-32 lowercase letters or digits), or a token.
    org_id: str
    #: OU paths in this organization: ``o-…/r-…/ou-…/`` for the accounts directly in that
    #: OU, ``o-…/r-…/ou-…/*`` for every OU below it too; a wildcard anywhere else would also
    #: match sibling OUs. None: the whole organization.
    ou_paths: Sequence[str] = ()
    _paths: Values = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        org_id = self.org_id
        if type(org_id) is not str:
            raise ValidationError(
                "org_id", org_id, _ORG_ID_ALLOWED, problem=f"is {type_name(org_id)}"
            )
        problem = org_id_problem(org_id)
        if problem is not None and (is_wildcard(org_id) or not is_token(org_id)):
            raise ValidationError(
                "org_id", org_id, _ORG_ID_ALLOWED, problem="is not an organization ID"
            )
        paths = parse_values("ou_paths", self.ou_paths, _OU_PATHS_ALLOWED, empty_ok=True)
        check_each(
            "ou_paths",
            self.ou_paths,
            _OU_PATHS_ALLOWED,
            paths,
            lambda path: org_path_problem(path, org_id),
        )
        object.__setattr__(self, "ou_paths", tuple(self.ou_paths))
        object.__setattr__(self, "_paths", paths)


GRANTEES_ALLOWED = (
    "an IAM principal ARN or 12-digit account ID, an IamRole or IamUser (anything with an "
    ".arn), a ServicePrincipal or an OrganizationPrincipal"
)


@dataclass(frozen=True)
class Grantee:
    """A grantee, classified by :func:`classify_grantee`."""

    #: The principal ARN or account ID (a token for a construct), or the
    #: :class:`ServicePrincipal` / :class:`OrganizationPrincipal` given.
    principal: Union[str, ServicePrincipal, OrganizationPrincipal]
    #: The construct the ARN came from, if any.
    identity: Optional[Any] = None
    #: Set when ``identity`` is a role or user resource of this app, which can carry the
    #: registry-login policy.
    identity_type: Optional[IdentityType] = None


def classify_grantee(grantee: Any, parameter: str = "grantee") -> Grantee:
    """What ``grantee`` is, checked; raises :class:`ValidationError` otherwise."""
    if isinstance(grantee, (ServicePrincipal, OrganizationPrincipal)):
        return Grantee(grantee)
    if isinstance(grantee, str):
        if is_wildcard(grantee):
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
    if is_wildcard(arn):
        raise ValidationError(
            parameter, grantee, GRANTEES_ALLOWED, problem=f"has the wildcard .arn {arn!r}"
        )
    check_principals(parameter, [arn])
    identity_type = None
    if resource_type is not None and not _is_data_source(grantee):
        identity_type = IdentityType(resource_type)
    return Grantee(arn, identity=grantee, identity_type=identity_type)


def _is_data_source(construct: Any) -> bool:
    from .._framework import TerraformDataSource

    return isinstance(construct, TerraformDataSource)
