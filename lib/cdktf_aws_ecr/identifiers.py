"""AWS identifiers that the registry-wide settings share: regions, accounts, IAM role ARNs.

Each check returns the value or raises :class:`ValidationError`, like
:mod:`cdktf_aws_ecr.validation`. A value that fails a check is asked whether it
is an unresolved cdktf token, and passes if it is: an account ID from
``DataAwsCallerIdentity`` or a role ARN created in the same stack cannot be
inspected before apply.
"""

from __future__ import annotations

import re
from typing import Any, Optional, TypeGuard

from .errors import ValidationError
from .validation import type_name, is_token, partition_of

# Provider 5.100 validates `region` with this shape: it accepted "us-east-10"
# and refused "eusc-de-east-1" and "US-east-1" in `terraform validate`.
REGION_PATTERN = r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}"
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationDestination.html
# (registryId: [0-9]{12})
ACCOUNT_ID_PATTERN = r"\d{12}"
_PARTITION = r"aws(?:-[a-z]+)*"
_IAM_NAME = r"[\w+=,.@-]{1,64}"
ROLE_ARN_PATTERN = (
    rf"arn:({_PARTITION}):iam::(\d{{12}}):role/(?:[\w+=,.@-]+/)*{_IAM_NAME}"
)

_REGION = re.compile(REGION_PATTERN, re.ASCII)
_ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN, re.ASCII)
_ROLE_ARN = re.compile(ROLE_ARN_PATTERN, re.ASCII)

REGION_ALLOWED = "an AWS region code such as 'eu-west-1' (lowercase), or a token"
ACCOUNT_ALLOWED = "a 12-digit AWS account ID, or a token"


def _type_problem(value: Any) -> str:
    return f"is {type_name(value)}, not a str"


def check_region(parameter: str, value: Any) -> str:
    if type(value) is not str:
        raise ValidationError(parameter, value, REGION_ALLOWED, problem=_type_problem(value))
    if _REGION.fullmatch(value) or is_token(value):
        return value
    raise ValidationError(parameter, value, REGION_ALLOWED, problem="is not an AWS region code")


def check_account_id(parameter: str, value: Any) -> str:
    if type(value) is not str:
        raise ValidationError(parameter, value, ACCOUNT_ALLOWED, problem=_type_problem(value))
    if _ACCOUNT_ID.fullmatch(value) or is_token(value):
        return value
    raise ValidationError(
        parameter, value, ACCOUNT_ALLOWED, problem="is not a 12-digit account ID"
    )


def is_literal(value: Optional[str]) -> TypeGuard[str]:
    """Whether ``value`` is known text that checks can compare (not None, not a token).

    Only called on values that already passed a check, where a token is the
    only text that does not match the plain pattern.
    """
    return value is not None and "${" not in value and not value.startswith("#{")


def check_role_arn(
    parameter: str,
    value: Any,
    *,
    region: Optional[str] = None,
    account_id: Optional[str] = None,
    purpose: str,
) -> str:
    """An IAM role ARN in ``account_id``'s account and ``region``'s partition (when known).

    ``purpose`` completes "the role ECR assumes to ...", for the message.
    """
    allowed = (
        f"the ARN of the IAM role ECR assumes to {purpose} "
        "(arn:<partition>:iam::<account>:role/<name>)"
        + (f" in the registry's account {account_id}" if is_literal(account_id) else "")
        + ", or a token"
    )
    if type(value) is not str:
        raise ValidationError(parameter, value, allowed, problem=_type_problem(value))
    match = _ROLE_ARN.fullmatch(value)
    if match is None:
        if is_token(value):
            return value
        raise ValidationError(parameter, value, allowed, problem="is not an IAM role ARN")
    partition, role_account = match.group(1), match.group(2)
    if is_literal(region) and partition != partition_of(region):
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"is in partition {partition}, and the registry's region {region} is in "
            f"partition {partition_of(region)}",
        )
    if is_literal(account_id) and role_account != account_id:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"is in account {role_account}; ECR only assumes a role of the "
            "registry's own account",
        )
    return value
