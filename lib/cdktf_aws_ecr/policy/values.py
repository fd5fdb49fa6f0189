"""The values statements hold (strings that may be tokens; a whole list token is one
:class:`ListToken`), and the checks of the IDs, ARNs and organization paths among them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple, Union

from ..checks import string_list
from ..errors import ValidationError
from ..facts import (
    ACCOUNT_ID_PATTERN,
    ORGANIZATION_ID_PATTERN,
    ORGANIZATION_PATH_PATTERN,
    SERVICE_PRINCIPAL_PATTERN,
    SOURCE_ARN_PATTERN,
)
from ..tokens import is_token

ORGANIZATION_ID = re.compile(ORGANIZATION_ID_PATTERN, re.ASCII)
ORGANIZATION_PATH = re.compile(ORGANIZATION_PATH_PATTERN, re.ASCII)
SERVICE_PRINCIPAL = re.compile(SERVICE_PRINCIPAL_PATTERN, re.ASCII)
ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN, re.ASCII)
SOURCE_ARN_RE = re.compile(SOURCE_ARN_PATTERN, re.ASCII)


@dataclass(frozen=True)
class ListToken:
    """A whole list known only at apply time (cdktf encodes it as one element)."""

    encoded: str

    def as_list(self) -> List[str]:
        return [self.encoded]


Value = Union[str, ListToken]
Values = Tuple[Value, ...]


def parse_values(parameter: str, value: Any, allowed: str, *, empty_ok: bool = False) -> Values:
    """The items of a list of strings (a list token stays whole); duplicates refused."""
    items = string_list(parameter, value, allowed)
    if items is None:
        return (ListToken(list(value)[0]),)
    if not items and not empty_ok:
        raise ValidationError(parameter, value, allowed, problem="is empty")
    return tuple(items)


def public_values(values: Values) -> Tuple[str, ...]:
    return tuple(v.encoded if isinstance(v, ListToken) else v for v in values)


def is_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def value_sort_key(value: Value) -> Tuple[int, str]:
    if isinstance(value, ListToken):
        return (3, value.encoded)
    return (2 if "${" in value else 0, value)


def wildcard_account(arn: str) -> bool:
    fields = arn.split(":")
    return len(fields) >= 5 and fields[0] == "arn" and is_wildcard(fields[4])


def wildcard_account_problem(arn: str) -> str:
    return (
        f"holds {arn!r}, whose account field is a wildcard: it names resources in every "
        "AWS account, which is the confused deputy problem the condition exists to stop"
    )


def source_arn_problem(arn: str) -> Optional[str]:
    if wildcard_account(arn):
        return wildcard_account_problem(arn)
    if SOURCE_ARN_RE.fullmatch(arn):
        return None
    return (
        f"holds {arn!r}, which is not an ARN "
        "(arn:<partition>:<service>:<region>:<account>:<resource>)"
    )


def account_problem(account: str) -> Optional[str]:
    if ACCOUNT_ID.fullmatch(account):
        return None
    return f"holds {account!r}, which is not a 12-digit account ID"


def org_id_problem(org_id: str) -> Optional[str]:
    if ORGANIZATION_ID.fullmatch(org_id):
        return None
    return f"{org_id!r} is not an organization ID"


def org_path_problem(path: str, org_id: Optional[str]) -> Optional[str]:
    """Why ``path`` is not an aws:PrincipalOrgPaths value of organization ``org_id``."""
    if "?" in path or "*" in path[:-1]:
        return f"holds {path!r}: a wildcard may only end a path"
    if len(path) > 1 and path.endswith("*") and not path.endswith("/*"):
        return (
            f"holds {path!r}: a wildcard right after an ID also matches other OUs whose ID "
            "starts the same; end the path with '/*' for an OU and every OU below it"
        )
    match = ORGANIZATION_PATH.fullmatch(path)
    if match is None:
        return (
            f"holds {path!r}, which is not an organization path "
            "(o-<org>/r-<root>/ou-<ou>/.../, optionally ending in '*', or o-<org>/*)"
        )
    if org_id is not None and ORGANIZATION_ID.fullmatch(org_id) and match.group(1) != org_id:
        return f"holds {path!r}, a path in organization {match.group(1)}, not in {org_id}"
    return None


def passes(values: Values, problem_of: Callable[[str], Optional[str]]) -> bool:
    """Every value is well-formed, or only known at apply time without a literal wildcard."""
    for value in values:
        if isinstance(value, ListToken):
            continue
        problem = problem_of(value)
        if problem is not None and ("wildcard" in problem or not is_token(value)):
            return False
    return True


def check_each(
    parameter: str,
    value: Any,
    allowed: str,
    items: Values,
    problem_of: Callable[[str], Optional[str]],
) -> None:
    """Raise for the first item that :func:`passes` would refuse, naming its problem."""
    for item in items:
        if isinstance(item, ListToken):
            continue
        problem = problem_of(item)
        if problem is not None and not passes((item,), problem_of):
            raise ValidationError(parameter, value, allowed, problem=problem)
