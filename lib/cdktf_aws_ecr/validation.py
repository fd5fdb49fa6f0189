"""Input checks, each returning the normalised value or raising :class:`ValidationError`.

Format checks see one value and run when a construct is built. Checks that
depend on the registry's region or the provider's default tags
(:func:`check_kms_key_region`, :func:`check_principal_partitions`,
:func:`check_tag_total`) run at synth, once the whole tree, providers
included, exists.

Values that are unresolved cdktf tokens (``KmsKey(...).arn``, a
``TerraformVariable``, ``Fn.merge(...)``) are only known at apply; format
checks skip them, and the construct moves the checks that matter into
Terraform conditions. A value is asked whether it is a token only after it
failed a check, which keeps valid input free of round trips to the jsii
process.
"""

from __future__ import annotations

import enum
import math
import re
from typing import (
    AbstractSet,
    Any,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from .errors import ValidationError

Number = Union[int, float]
E = TypeVar("E", bound=enum.Enum)

# The seed module's repository name pattern: lowercase path segments joined by '/'.
REPOSITORY_NAME_PATTERN = r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
REPOSITORY_NAME_LENGTH = (2, 256)
# ECR stores countNumber as a 32-bit integer.
MAX_COUNT = 2**31 - 1
# Tag limits of ECR: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Tag.html
# gives keys 1-128 and values 0-256 characters and, unlike services such as ECS, no
# character pattern; the 50-tag limit and the reserved "aws:" key prefix are AWS-wide
# (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions).
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
RESERVED_TAG_PREFIX = "aws:"
# A Docker tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a prefix is any non-empty start of one.
TAG_PREFIX_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
PARTITION_PATTERN = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?"
KMS_KEY_ARN_PATTERN = (
    rf"arn:{PARTITION_PATTERN}:kms:[a-z]{{2}}(?:-[a-z]+)+-\d:\d{{12}}:"
    r"key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
)
# IAM names: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MAX_IAM_NAME_LENGTH = 64
_IAM_NAME_CHARACTERS = r"\w+=,.@-"
_IAM_NAME = rf"[{_IAM_NAME_CHARACTERS}]{{1,{MAX_IAM_NAME_LENGTH}}}"
PRINCIPAL_PATTERN = (
    r"\d{12}"
    rf"|arn:{PARTITION_PATTERN}:iam::\d{{12}}:(?:root|(?:role|user)/(?:[{_IAM_NAME_CHARACTERS}]+/)*{_IAM_NAME})"
    rf"|arn:{PARTITION_PATTERN}:sts::\d{{12}}:(?:assumed-role/{_IAM_NAME}/[{_IAM_NAME_CHARACTERS}]{{2,64}}"
    rf"|federated-user/[{_IAM_NAME_CHARACTERS}]{{2,32}})"
)

_REPOSITORY_NAME = re.compile(REPOSITORY_NAME_PATTERN, re.ASCII)
TAG_PREFIX_RE = re.compile(TAG_PREFIX_PATTERN, re.ASCII)
_KMS_KEY_ARN = re.compile(KMS_KEY_ARN_PATTERN, re.ASCII)
_KMS_ALIAS = re.compile(rf"(?:arn:{PARTITION_PATTERN}:kms:[^:]*:\d{{12}}:)?alias/.*", re.ASCII)
PRINCIPAL_RE = re.compile(PRINCIPAL_PATTERN, re.ASCII)
_PARTITION_RE = re.compile(PARTITION_PATTERN, re.ASCII)
_ARN_FIELDS = re.compile(r"arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)", re.DOTALL)
_IAM_NAME_CHARACTER = re.compile(rf"[{_IAM_NAME_CHARACTERS}]", re.ASCII)

PRINCIPALS_ALLOWED = (
    "IAM principal ARNs (arn:<partition>:iam::<account>:root|role/...|user/..., "
    "arn:<partition>:sts::<account>:assumed-role/...|federated-user/...) or 12-digit "
    "account IDs; no '*' or other wildcards"
)


# Every cdktf token encodes as text holding this marker ("${TfToken[TOKEN.1]}", or
# "#{...}" in lists and "&{...}" as map keys), except numbers and objects.
_TOKEN_MARKER = "TfToken["


def _may_hold_token(value: Any) -> bool:
    """False when ``value`` certainly holds no token: a check without a jsii round trip."""
    if isinstance(value, str):
        return _TOKEN_MARKER in value
    if isinstance(value, float):
        return True  # a number token is a float only jsii can recognise
    if isinstance(value, (list, tuple)):
        return any(_may_hold_token(item) for item in value)
    if isinstance(value, Mapping):
        return any(_may_hold_token(k) or _may_hold_token(v) for k, v in value.items())
    # Object tokens (IResolvable) live in the jsii kernel; other Python objects never are tokens.
    return hasattr(value, "__jsii_ref__")


def is_token(value: Any) -> bool:
    """True for an unresolved cdktf token (string, number, list, map or object) of this app.

    Text, numbers or maps that only look like tokens (``${TfToken[TOKEN.n]}``
    with no such token) are not: cdktf would fail on them at synth with a bare
    RuntimeError. NaN and infinities are never tokens (jsii cannot pass them).
    """
    from cdktf import Token, Tokenization

    if isinstance(value, float) and not math.isfinite(value):
        return False
    if not _may_hold_token(value):
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
        elif isinstance(value, Mapping):
            Tokenization.reverse_map(value)
    except RuntimeError:  # jsii: "Unrecognized Token Key" / "unknown number Token"
        return False
    return True


def forged_token(texts: Iterable[Any]) -> Optional[str]:
    """The first of ``texts`` that looks like a cdktf token but is none of this app's, or None.

    cdktf would fail on such text at synth with a bare RuntimeError ("Unrecognized
    Token Key"), so checks refuse it with :data:`FORGED_TOKEN_PROBLEM` instead.
    An element of a list token (``"#{TfToken[...]}"``) counts as this app's.
    """
    for text in texts:
        if not isinstance(text, str) or not _may_hold_token(text) or is_token(text):
            continue
        if text.startswith("#{") and is_token([text]):
            continue
        return text
    return None


def forged_token_problem(text: str) -> str:
    """The ``problem`` of a :class:`ValidationError` for :func:`forged_token`'s finding."""
    return f"holds {text!r}, which looks like a cdktf token but is none of this app's"


def is_map_token(value: Any) -> bool:
    """True for a whole map that is a token (``TerraformLocal(...).as_string_map``),
    as opposed to a plain mapping whose keys or values are tokens."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and key.startswith("&{") and is_token(dict(value))


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
_PRINCIPAL_RESOURCE_TYPES = ("root", "role/", "user/", "assumed-role/", "federated-user/")


def partition_of(region: str) -> str:
    """The AWS partition of a region, e.g. ``cn-north-1`` -> ``aws-cn``."""
    for prefix, partition in _REGION_PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


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


# AWS allows this tag key, but the jsii kernel refuses it as a map key (it
# would reach JavaScript's prototype), so it could never get to Terraform.
JSII_RESERVED_KEY = "__proto__"
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
    from cdktf import Token

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


def literal_text(text: str) -> str:
    """``text`` as Terraform JSON must spell it to mean exactly ``text``.

    Terraform reads ``${`` and ``%{`` in a JSON string as the start of an
    expression or directive (an IAM policy variable such as
    ``${aws:username}`` too); doubling the first character makes it literal.
    Tokens in the text are left as they are: their ``${`` is meant.
    """
    if _TOKEN_MARKER not in text:
        return _escape_template(text)
    # re.split with a group keeps the tokens, at the odd positions.
    parts = _STRING_TOKEN.split(text)
    return "".join(part if i % 2 else _escape_template(part) for i, part in enumerate(parts))


def literal_in_expression(text: str) -> str:
    """``text`` as a string literal of an expression cdktf builds (``Fn.jsonencode``,
    ``Fn.concat``) must spell it to mean exactly ``text``.

    cdktf escapes ``${`` in such literals itself, but not ``%{``, which
    Terraform still reads as a template directive there.
    """
    return text.replace("%{", "%%{")


# A string token as cdktf encodes it ("${TfToken[TOKEN.1]}"); list and map tokens
# ("#{...}", "&{...}") are never part of a longer text.
_STRING_TOKEN = re.compile(r"(\$\{TfToken\[[^\]]*\]\})")


def _escape_template(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


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
