"""Input checks that run at construction time, before anything reaches AWS.

Each check returns the normalised value or raises :class:`ValidationError`
naming the parameter, the value and what is allowed. Values that are
unresolved cdktf tokens (for example ``aws_kms_key.arn`` of a key created in
the same stack) cannot be inspected until apply, so format checks skip them.
A value is asked whether it is a token only after it failed a check, which
keeps valid input free of round trips to the jsii process.
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
from typing import AbstractSet, Any, List, Mapping, Optional, Sequence, Type, TypeVar, Union

from .errors import ValidationError

Number = Union[int, float]
E = TypeVar("E", bound=enum.Enum)

# The seed module's repository name pattern: lowercase path segments joined by '/'.
REPOSITORY_NAME_PATTERN = r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
REPOSITORY_NAME_LENGTH = (2, 256)
# ECR stores countNumber as a 32-bit integer.
MAX_COUNT = 2**31 - 1
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
# A Docker tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a prefix is any non-empty start of one.
TAG_PREFIX_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_PARTITION = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?"
KMS_KEY_ARN_PATTERN = (
    rf"arn:{_PARTITION}:kms:[a-z]{{2}}(?:-[a-z]+)+-\d:\d{{12}}:"
    r"key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
)
_IAM_NAME = r"[\w+=,.@-]{1,64}"
PRINCIPAL_PATTERN = (
    r"\d{12}"
    rf"|arn:{_PARTITION}:iam::\d{{12}}:(?:root|(?:role|user)/(?:[\w+=,.@-]+/)*{_IAM_NAME})"
    rf"|arn:{_PARTITION}:sts::\d{{12}}:(?:assumed-role/{_IAM_NAME}/[\w+=,.@-]{{2,64}}"
    rf"|federated-user/[\w+=,.@-]{{2,32}})"
)

_REPOSITORY_NAME = re.compile(REPOSITORY_NAME_PATTERN, re.ASCII)
TAG_PREFIX_RE = re.compile(TAG_PREFIX_PATTERN, re.ASCII)
_KMS_KEY_ARN = re.compile(KMS_KEY_ARN_PATTERN, re.ASCII)
_KMS_ALIAS = re.compile(rf"(?:arn:{_PARTITION}:kms:[^:]*:\d{{12}}:)?alias/.*", re.ASCII)
PRINCIPAL_RE = re.compile(PRINCIPAL_PATTERN, re.ASCII)
_TAG_PUNCTUATION = frozenset(" _.:/=+-@")

PRINCIPALS_ALLOWED = (
    "IAM principal ARNs (arn:<partition>:iam::<account>:root|role/...|user/..., "
    "arn:<partition>:sts::<account>:assumed-role/...|federated-user/...) or 12-digit "
    "account IDs; no '*' or other wildcards"
)


def is_token(value: Any) -> bool:
    """True for an unresolved cdktf token (string, number, list or map) of this app.

    Text or numbers that only look like tokens (``${TfToken[TOKEN.n]}`` with no
    such token) are not: cdktf would fail on them at synth with a bare
    RuntimeError. NaN and infinities are never tokens (jsii cannot pass them).
    """
    from cdktf import Token, Tokenization

    if isinstance(value, float) and not math.isfinite(value):
        return False
    if not Token.is_unresolved(value):
        return False
    try:
        if isinstance(value, str):
            Tokenization.reverse_string(value)
        elif isinstance(value, list):
            Tokenization.reverse_list(value)
        elif isinstance(value, float):
            Tokenization.reverse_number(value)
    except RuntimeError:  # jsii: "Unrecognized Token Key" / "unknown number Token"
        return False
    return True


def _type_name(value: Any) -> str:
    """The value's type with its article: "an int", "a str", "a NoneType"."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def check_bool(parameter: str, value: Any) -> bool:
    if type(value) is not bool:
        raise ValidationError(
            parameter, value, "True or False", problem=f"is {_type_name(value)}, not a bool"
        )
    return value


def check_choice(parameter: str, value: Any, choices: Type[E]) -> str:
    """An enum member or its exact string value; unresolved tokens pass."""
    if isinstance(value, choices):
        return str(value.value)
    allowed_values = [str(member.value) for member in choices]
    if type(value) is str and value in allowed_values:
        return value
    if isinstance(value, str) and not isinstance(value, enum.Enum) and is_token(value):
        return value
    raise ValidationError(
        parameter,
        value,
        " or ".join(repr(v) for v in allowed_values)
        + f" (exact, case-sensitive), or {choices.__name__} members",
    )


def check_name(parameter: str, value: Any) -> str:
    low, high = REPOSITORY_NAME_LENGTH
    allowed = (
        f"{low}-{high} characters of lowercase letters, digits and . _ - separators, "
        "with '/' between namespace segments, matching "
        f"^{REPOSITORY_NAME_PATTERN}$"
    )
    if type(value) is not str:
        raise ValidationError(parameter, value, allowed, problem=f"is {_type_name(value)}")
    if low <= len(value) <= high and _REPOSITORY_NAME.fullmatch(value):
        return value
    if is_token(value):
        return value
    problem = (
        f"has {len(value)} characters"
        if not low <= len(value) <= high
        else "is not a valid repository name"
    )
    raise ValidationError(parameter, value, allowed, problem=problem)


def check_count(parameter: str, value: Any, minimum: int) -> Number:
    """A whole number in [minimum, 2**31-1]; a bool is not a number here."""
    allowed = f"a whole number from {minimum} to {MAX_COUNT}"
    if type(value) is int:
        if minimum <= value <= MAX_COUNT:
            return value
        raise ValidationError(parameter, value, allowed, problem="is out of range")
    if type(value) is float and is_token(value):
        return value
    raise ValidationError(parameter, value, allowed, problem=f"is {_type_name(value)}")


def _string_list(parameter: str, value: Any, allowed: str) -> Optional[List[str]]:
    """The list's items, or None when the whole list is an unresolved token."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValidationError(
            parameter, value, allowed, problem=f"is {_type_name(value)}, not a list"
        )
    items = list(value)
    if len(items) == 1 and isinstance(items[0], str) and items[0].startswith("#{"):
        if is_token(items):
            return None
    for item in items:
        if type(item) is not str:
            raise ValidationError(
                parameter, value, allowed, problem=f"holds {_type_name(item)}: {item!r}"
            )
    duplicates = sorted({item for item in items if items.count(item) > 1})
    if duplicates:
        raise ValidationError(parameter, value, allowed, problem=f"repeats {duplicates!r}")
    return items


def check_tag_prefixes(parameter: str, value: Any, required: bool) -> Sequence[str]:
    allowed = (
        "a list of distinct Docker tag prefixes, each 1-128 characters of letters, digits, "
        "_ . - not starting with . or -"
        + ("; at least one while the lifecycle policy is enabled" if required else "")
    )
    items = _string_list(parameter, value, allowed)
    if items is None:
        return list(value)
    if required and not items:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem="is empty, and ECR rejects a 'tagged' lifecycle rule without prefixes",
        )
    for item in items:
        if not TAG_PREFIX_RE.fullmatch(item) and not is_token(item):
            raise ValidationError(
                parameter, value, allowed, problem=f"holds an invalid prefix {item!r}"
            )
    return items


# Region name prefix -> AWS partition; every other region is in "aws".
_REGION_PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
    ("eusc-", "aws-eusc"),
)
#: IAM limits a role or user path ("/" ... "/") to 512 characters.
MAX_IAM_PATH_LENGTH = 512


def partition_of(region: str) -> str:
    """The AWS partition of a region, e.g. ``cn-north-1`` -> ``aws-cn``."""
    for prefix, partition in _REGION_PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


def check_principals(parameter: str, value: Any, region: Optional[str] = None) -> Sequence[str]:
    items = _string_list(parameter, value, PRINCIPALS_ALLOWED)
    if items is None:
        return list(value)
    partition = partition_of(region) if region else None
    for item in items:
        if PRINCIPAL_RE.fullmatch(item):
            fields = item.split(":", 5)
            if len(fields) < 6:
                continue  # an account ID
            if partition and fields[1] != partition:
                raise ValidationError(
                    parameter,
                    value,
                    PRINCIPALS_ALLOWED,
                    problem=f"holds {item!r}, from partition {fields[1]}, and the repository's "
                    f"region {region} is in partition {partition}",
                )
            path = fields[5].partition("/")[2].rpartition("/")[0]
            if len(path) + 2 > MAX_IAM_PATH_LENGTH:
                raise ValidationError(
                    parameter,
                    value,
                    PRINCIPALS_ALLOWED,
                    problem=f"holds {item[:60]!r}..., whose IAM path is longer than "
                    f"{MAX_IAM_PATH_LENGTH} characters",
                )
            continue
        if is_token(item):
            continue
        problem = (
            f"holds the wildcard principal {item!r}, which would grant access beyond least privilege"
            if "*" in item or "?" in item
            else f"holds {item!r}, which is not an IAM principal ARN or account ID"
        )
        raise ValidationError(parameter, value, PRINCIPALS_ALLOWED, problem=problem)
    return items


def check_kms_key_arn(
    parameter: str, value: Any, region: Optional[str] = None
) -> Optional[str]:
    allowed = (
        "None, or the ARN of a KMS key (arn:<partition>:kms:<region>:<account>:key/<key-id>)"
        + (f" in the repository's region {region}" if region else "")
    )
    if value is None:
        return None
    if type(value) is not str:
        raise ValidationError(parameter, value, allowed, problem=f"is {_type_name(value)}")
    if _KMS_KEY_ARN.fullmatch(value):
        key_partition, key_region = value.split(":")[1], value.split(":")[3]
        if region and key_region != region:
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"is in {key_region}, and ECR needs a key in its own region",
            )
        if region and key_partition != partition_of(region):
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"is in partition {key_partition}, and region {region} is in "
                f"partition {partition_of(region)}",
            )
        return value
    if is_token(value):
        return value
    problem = (
        "is a KMS alias; ECR stores the key ARN, so an alias would replace the repository "
        "on every plan"
        if _KMS_ALIAS.fullmatch(value)
        else "is not a KMS key ARN"
    )
    raise ValidationError(parameter, value, allowed, problem=problem)


# AWS allows this tag key, but the jsii kernel refuses it as a map key (it
# would reach JavaScript's prototype), so it could never get to Terraform.
JSII_RESERVED_KEY = "__proto__"


def _valid_tag_text(text: str) -> bool:
    return all(
        ch in _TAG_PUNCTUATION or unicodedata.category(ch)[0] in "LZN" for ch in text
    )


def check_tags(
    parameter: str, value: Any, default_tag_keys: AbstractSet[str] = frozenset()
) -> Mapping[str, str]:
    """Tags of one resource. ``default_tag_keys`` are the provider's ``default_tags``,
    which AWS counts towards the same 50-tag limit."""
    allowed = (
        f"a mapping of at most {MAX_TAGS} tags; keys 1-{MAX_TAG_KEY_LENGTH} and values "
        f"0-{MAX_TAG_VALUE_LENGTH} characters of letters, digits, spaces and _ . : / = + - @; "
        f"keys must not start with 'aws:' nor be {JSII_RESERVED_KEY!r}"
    )
    if not isinstance(value, Mapping):
        raise ValidationError(
            parameter, value, allowed, problem=f"is {_type_name(value)}, not a mapping"
        )
    if len(value) > MAX_TAGS:
        raise ValidationError(parameter, value, allowed, problem=f"has {len(value)} tags")
    merged = len(set(value) | set(default_tag_keys))
    if merged > MAX_TAGS:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"has {len(value)} tags, {merged} together with the provider's default_tags",
        )
    for key, text in value.items():
        if type(key) is not str or type(text) is not str:
            raise ValidationError(
                parameter, value, allowed, problem=f"holds a non-string entry {key!r}: {text!r}"
            )
        if key.lower().startswith("aws:"):
            raise ValidationError(
                parameter, value, allowed, problem=f"uses the reserved key {key!r}"
            )
        if key == JSII_RESERVED_KEY:
            raise ValidationError(
                parameter, value, allowed,
                problem=f"uses the key {key!r}, which cdktf's jsii bridge cannot pass to the provider",
            )
        # A token key skips only the key check: its value is still checked.
        if (
            not 1 <= len(key) <= MAX_TAG_KEY_LENGTH or not _valid_tag_text(key)
        ) and not is_token(key):
            raise ValidationError(
                parameter, value, allowed, problem=f"has an invalid key {key!r} ({len(key)} characters)"
            )
        if (
            len(text) > MAX_TAG_VALUE_LENGTH or not _valid_tag_text(text)
        ) and not is_token(text):
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"has an invalid value for {key!r}: {text!r} ({len(text)} characters)",
            )
    return dict(value)
