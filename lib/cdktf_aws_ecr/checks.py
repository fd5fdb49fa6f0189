"""Input checks, each returning the normalised value or raising :class:`ValidationError`.
Unresolved tokens pass a format check; constructs move what matters into Terraform."""

from __future__ import annotations

import enum
import re
from typing import AbstractSet, Any, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from .errors import ValidationError
from .facts import (
    ACCOUNT_ID_PATTERN,
    IAM_NAME_CHARACTERS,
    JSII_RESERVED_KEY,
    KMS_ALIAS_PATTERN,
    KMS_KEY_ARN_PATTERN,
    MAX_COUNT,
    MAX_IAM_NAME_LENGTH,
    MAX_IAM_PATH_LENGTH,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS,
    PARTITION_PATTERN,
    PRINCIPAL_PATTERN,
    REGION_PATTERN,
    REPOSITORY_NAME_LENGTH,
    REPOSITORY_NAME_PATTERN,
    RESERVED_TAG_PREFIX,
    ROLE_ARN_PATTERN,
    TAG_PREFIX_PATTERN,
    partition_of,
)
from .tokens import (
    forged_token,
    forged_token_problem,
    is_literal,
    is_map_token,
    is_token,
    literal_text,
)

Number = Union[int, float]
E = TypeVar("E", bound=enum.Enum)
_REPOSITORY_NAME = re.compile(REPOSITORY_NAME_PATTERN, re.ASCII)
TAG_PREFIX_RE = re.compile(TAG_PREFIX_PATTERN, re.ASCII)
_KMS_KEY_ARN = re.compile(KMS_KEY_ARN_PATTERN, re.ASCII)
_KMS_ALIAS = re.compile(KMS_ALIAS_PATTERN, re.ASCII)
PRINCIPAL_RE = re.compile(PRINCIPAL_PATTERN, re.ASCII)
_PARTITION_RE = re.compile(PARTITION_PATTERN, re.ASCII)
_ARN_FIELDS = re.compile(r"arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)", re.DOTALL)
_IAM_NAME_CHARACTER = re.compile(rf"[{IAM_NAME_CHARACTERS}]", re.ASCII)
_REGION = re.compile(REGION_PATTERN, re.ASCII)
_ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN, re.ASCII)
_ROLE_ARN = re.compile(ROLE_ARN_PATTERN, re.ASCII)
REGION_ALLOWED = "an AWS region code such as 'eu-west-1' (lowercase), or a token"
ACCOUNT_ALLOWED = "a 12-digit AWS account ID, or a token"


PRINCIPALS_ALLOWED = (
    "IAM principal ARNs (arn:<partition>:iam::<account>:root|role/...|user/..., "
    "arn:<partition>:sts::<account>:assumed-role/...|federated-user/...) or 12-digit "
    "account IDs; no '*' or other wildcards"
)


def type_name(value: Any) -> str:
    """The value's type with its article: "an int", "a str", "a NoneType"."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def check_bool(parameter: str, value: Any) -> Any:
    """``True``/``False``, or a boolean token (``TerraformVariable(type="bool").boolean_value``)."""
    if type(value) is bool:
        return value
    if not isinstance(value, (str, int, float, bytes)) and value is not None and is_token(value):
        return value
    raise ValidationError(
        parameter,
        value,
        "True or False, or a boolean token",
        problem=f"is {type_name(value)}, not a bool",
    )


def check_plain_bool(parameter: str, value: Any, why_plain: str) -> bool:
    """``True``/``False`` only: a token is refused, for the reason ``why_plain``."""
    if type(value) is bool:
        return value
    if value is not None and not isinstance(value, (str, int, float, bytes)) and is_token(value):
        raise ValidationError(
            parameter,
            value,
            f"True or False as a plain value: {why_plain}",
            problem="is an unresolved token",
        )
    raise ValidationError(
        parameter, value, "True or False", problem=f"is {type_name(value)}, not a bool"
    )


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


def check_text(
    parameter: str,
    value: Any,
    pattern: "re.Pattern[str]",
    length: Tuple[int, int],
    allowed: str,
    what: str,
) -> str:
    """A string of ``length`` characters matching ``pattern`` (or a string token)."""
    if type(value) is not str:
        raise ValidationError(parameter, value, allowed, problem=f"is {type_name(value)}")
    low, high = length
    if low <= len(value) <= high and pattern.fullmatch(value):
        return value
    if is_token(value):
        return value
    problem = (
        f"has {len(value)} characters" if not low <= len(value) <= high else f"is not a valid {what}"
    )
    raise ValidationError(parameter, value, allowed, problem=problem)


def check_name(parameter: str, value: Any) -> str:
    low, high = REPOSITORY_NAME_LENGTH
    allowed = (
        f"{low}-{high} characters of lowercase letters, digits and . _ - separators, "
        "with '/' between namespace segments, matching "
        f"^{REPOSITORY_NAME_PATTERN}$"
    )
    return check_text(parameter, value, _REPOSITORY_NAME, REPOSITORY_NAME_LENGTH, allowed, "repository name")


def check_count(parameter: str, value: Any, minimum: int = 1) -> Number:
    """A whole number in [minimum, 2**31-1], or a number token; a bool is not a number here."""
    allowed = f"a whole number from {minimum} to {MAX_COUNT}, or a number token"
    if type(value) is int:
        if minimum <= value <= MAX_COUNT:
            return value
        raise ValidationError(parameter, value, allowed, problem="is out of range")
    if type(value) is float and is_token(value):
        return value
    raise ValidationError(parameter, value, allowed, problem=f"is {type_name(value)}")


def string_list(parameter: str, value: Any, allowed: str) -> Optional[List[str]]:
    """The list's items, or None when the whole list is an unresolved token."""
    if isinstance(value, str) and is_token(value):
        # cdktf's Fn.concat, Fn.flatten... return a list as a string token.
        raise ValidationError(
            parameter, value, allowed,
            problem="is a string token, not a list; a list built by a Terraform function "
            "(Fn.concat, Fn.flatten...) is passed as Token.as_list(...)",
        )
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValidationError(
            parameter, value, allowed, problem=f"is {type_name(value)}, not a list"
        )
    items = list(value)
    if len(items) == 1 and isinstance(items[0], str) and items[0].startswith("#{"):
        if is_token(items):
            return None
    for item in items:
        if type(item) is not str:
            raise ValidationError(
                parameter, value, allowed, problem=f"holds {type_name(item)}: {item!r}"
            )
    duplicates = sorted({item for item in items if items.count(item) > 1})
    if duplicates:
        raise ValidationError(parameter, value, allowed, problem=f"repeats {duplicates!r}")
    return items


TAG_PREFIXES_ALLOWED = (
    "a list of distinct Docker tag prefixes, each 1-128 characters of letters, digits, "
    "_ . - not starting with . or -, or a list token"
)


def check_tag_prefixes(parameter: str, value: Any) -> Sequence[str]:
    items = string_list(parameter, value, TAG_PREFIXES_ALLOWED)
    if items is None:
        return list(value)
    for item in items:
        if not TAG_PREFIX_RE.fullmatch(item) and not is_token(item):
            raise ValidationError(
                parameter, value, TAG_PREFIXES_ALLOWED, problem=f"holds an invalid prefix {item!r}"
            )
    return items


_PRINCIPAL_RESOURCE_TYPES = ("root", "role/", "user/", "assumed-role/", "federated-user/")


def _iam_name_problem(kind: str, name: str) -> Optional[str]:
    if len(name) > MAX_IAM_NAME_LENGTH:
        return f"its {kind} name {name!r} has {len(name)} characters, and IAM allows at most {MAX_IAM_NAME_LENGTH}"
    for character in name:
        if not _IAM_NAME_CHARACTER.fullmatch(character):
            return (
                f"its {kind} name {name!r} holds the character {character!r}, and IAM names "
                "allow only letters, digits and + = , . @ _ -"
            )
    return None


def _principal_problem(item: str) -> str:
    """Why ``item`` is not a principal this library accepts, as specifically as can be said."""
    if "*" in item or "?" in item:
        return f"holds the wildcard principal {item!r}, which would grant access beyond least privilege"
    base = f"holds {item!r}, which is not an IAM principal ARN or account ID"
    if item != item.strip():
        return f"{base}: it has leading or trailing whitespace"
    if item.isdigit():
        return f"{base}: an account ID has 12 digits, not {len(item)}"
    fields = _ARN_FIELDS.fullmatch(item)
    if fields is None:
        return base
    partition, service, region, account, resource = fields.groups()
    if not _PARTITION_RE.fullmatch(partition):
        return f"{base}: {partition!r} is not an AWS partition"
    if service not in ("iam", "sts"):
        return f"{base}: it names the service {service!r}, and principals are iam or sts ARNs"
    if region:
        return f"{base}: IAM ARNs have no region, and it has {region!r}"
    if not (len(account) == 12 and account.isdigit()):
        return f"{base}: the account {account!r} is not 12 digits"
    kind = next((k for k in _PRINCIPAL_RESOURCE_TYPES if resource.startswith(k)), None)
    if kind is None:
        return (
            f"{base}: {resource.split('/')[0]!r} cannot be a principal; "
            "allowed are root, role/, user/, assumed-role/ and federated-user/"
        )
    name = resource[len(kind):].rsplit("/", 1)[-1] if kind in ("role/", "user/") else ""
    problem = _iam_name_problem(kind.rstrip("/"), name) if name else None
    if problem:
        return f"{base}: {problem}"
    return f"{base}: {resource!r} is not a valid {kind.rstrip('/')} reference"


def check_principals(parameter: str, value: Any) -> Sequence[str]:
    """IAM principal ARNs or account IDs (tokens pass); wildcards never."""
    items = string_list(parameter, value, PRINCIPALS_ALLOWED)
    if items is None:
        return list(value)
    for item in items:
        if PRINCIPAL_RE.fullmatch(item):
            path = item.split(":", 5)[-1].partition("/")[2].rpartition("/")[0]
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
        raise ValidationError(parameter, value, PRINCIPALS_ALLOWED, problem=_principal_problem(item))
    return items


def check_principal_partitions(parameter: str, principals: Sequence[str], region: str) -> None:
    """Every plain principal ARN is in the partition of the registry's ``region``."""
    partition = partition_of(region)
    for item in principals:
        if not PRINCIPAL_RE.fullmatch(item) or ":" not in item:
            continue  # a token or an account ID
        principal_partition = item.split(":")[1]
        if principal_partition != partition:
            raise ValidationError(
                parameter,
                principals,
                PRINCIPALS_ALLOWED + f", in partition {partition}",
                problem=f"holds {item!r}, from partition {principal_partition}, and the "
                f"repository's region {region} is in partition {partition}",
            )


KMS_KEY_ALLOWED = (
    "None, or the ARN of a KMS key (arn:<partition>:kms:<region>:<account>:key/<key-id>) "
    "in the repository's region, or a token"
)


def check_kms_key_arn(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if type(value) is not str:
        raise ValidationError(parameter, value, KMS_KEY_ALLOWED, problem=f"is {type_name(value)}")
    if _KMS_KEY_ARN.fullmatch(value) or is_token(value):
        return value
    problem = (
        "is a KMS alias; ECR stores the key ARN, so an alias would replace the repository "
        "on every plan"
        if _KMS_ALIAS.fullmatch(value)
        else "is not a KMS key ARN"
    )
    raise ValidationError(parameter, value, KMS_KEY_ALLOWED, problem=problem)


def kms_key_allowed_in(region: str) -> str:
    """:data:`KMS_KEY_ALLOWED`, naming the repository's ``region``."""
    return KMS_KEY_ALLOWED.replace("the repository's region", f"the repository's region {region}")


def check_kms_key_region(parameter: str, key: Optional[str], region: str) -> None:
    """ECR encrypts with a key of its own region and partition."""
    if key is None or not _KMS_KEY_ARN.fullmatch(key):
        return
    allowed = kms_key_allowed_in(region)
    _, key_partition, _, key_region = key.split(":")[:4]
    if key_region != region:
        raise ValidationError(
            parameter,
            key,
            allowed,
            problem=f"is in {key_region}, and ECR needs a key in its own region {region}",
        )
    if key_partition != partition_of(region):
        raise ValidationError(
            parameter,
            key,
            allowed,
            problem=f"is in partition {key_partition}, and region {region} is in "
            f"partition {partition_of(region)}",
        )


TAGS_ALLOWED = (
    f"a mapping of at most {MAX_TAGS} tags counting the provider's default_tags, or a map "
    f"token; keys 1-{MAX_TAG_KEY_LENGTH} and values 0-{MAX_TAG_VALUE_LENGTH} characters "
    f"representable in UTF-8; keys must not start with {RESERVED_TAG_PREFIX!r} "
    f"(any case) nor be {JSII_RESERVED_KEY!r}"
)


def _text_problem(text: str, low: int, high: int) -> Optional[str]:
    """Why ``text`` cannot be a tag key or value, or None."""
    if not low <= len(text) <= high:
        return f"({len(text)} characters)"
    for position, character in enumerate(text):
        if 0xD800 <= ord(character) <= 0xDFFF:
            return (
                f"(it holds the unpaired surrogate {character!r} at position {position}, "
                "which UTF-8 cannot represent)"
            )
    return None


def check_tags(parameter: str, value: Any) -> Mapping[str, str]:
    """Tags of one resource, on their own; :func:`check_tag_total` adds the provider's."""
    from ._framework import Token

    if is_map_token(value):
        return value
    if isinstance(value, str) and is_token(value):
        return Token.as_string_map(value)  # e.g. Fn.merge([...])
    if not isinstance(value, Mapping):
        raise ValidationError(
            parameter, value, TAGS_ALLOWED, problem=f"is {type_name(value)}, not a mapping"
        )
    if len(value) > MAX_TAGS:
        raise ValidationError(parameter, value, TAGS_ALLOWED, problem=f"has {len(value)} tags")
    for key, text in value.items():
        if type(key) is not str or type(text) is not str:
            raise ValidationError(
                parameter, value, TAGS_ALLOWED, problem=f"holds a non-string entry {key!r}: {text!r}"
            )
        forged = forged_token((key, text))
        if forged is not None:
            raise ValidationError(parameter, value, TAGS_ALLOWED, problem=forged_token_problem(forged))
        if key.lower().startswith(RESERVED_TAG_PREFIX):
            raise ValidationError(
                parameter, value, TAGS_ALLOWED, problem=f"uses the reserved key {key!r}"
            )
        if key == JSII_RESERVED_KEY:
            raise ValidationError(
                parameter, value, TAGS_ALLOWED,
                problem=f"uses the key {key!r}, which cdktf's jsii bridge cannot pass to the provider",
            )
        # A token key skips only the key check: its value is still checked.
        key_problem = _text_problem(key, 1, MAX_TAG_KEY_LENGTH)
        if key_problem and not is_token(key):
            raise ValidationError(
                parameter, value, TAGS_ALLOWED, problem=f"has an invalid key {key!r} {key_problem}"
            )
        value_problem = _text_problem(text, 0, MAX_TAG_VALUE_LENGTH)
        if value_problem and not is_token(text):
            raise ValidationError(
                parameter,
                value,
                TAGS_ALLOWED,
                problem=f"has an invalid value for {key!r}: {text!r} {value_problem}",
            )
    return {literal_text(key): literal_text(text) for key, text in value.items()}


def check_tag_total(
    parameter: str, tags: Mapping[str, str], default_tag_keys: AbstractSet[str]
) -> None:
    """AWS counts the provider's ``default_tags`` in each resource's 50 tags."""
    if is_map_token(tags) or not isinstance(tags, Mapping):
        return
    merged = len(set(tags) | set(default_tag_keys))
    if merged > MAX_TAGS:
        raise ValidationError(
            parameter,
            tags,
            TAGS_ALLOWED,
            problem=f"has {len(tags)} tags, {merged} together with the provider's default_tags",
        )


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


def check_role_arn(
    parameter: str,
    value: Any,
    *,
    region: Optional[str] = None,
    account_id: Optional[str] = None,
    purpose: str,
) -> str:
    """An IAM role ARN in ``account_id``'s account and ``region``'s partition (when known).

    ``purpose`` completes "the role ECR assumes to ...", for the message."""
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
