"""Terraform preconditions for repository inputs given as tokens: the checks that need a
value move into the plan, with this library's message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Mapping, Optional, Sequence

from ._framework import Fn, Op, Precondition, Token
from .checks import KMS_KEY_ALLOWED, TAG_PREFIXES_ALLOWED, TAGS_ALLOWED
from .facts import (
    MAX_COUNT,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_PATTERN_WILDCARDS,
    MAX_TAG_VALUE_LENGTH,
    MIN_ARCHIVE_DAYS,
    REPOSITORY_NAME_LENGTH,
    REPOSITORY_NAME_PATTERN,
    RESERVED_TAG_PREFIX,
    TAG_PATTERN_PATTERN,
    TAG_PREFIX_PATTERN,
)
from .lifecycle.rules import TAG_PATTERNS_ALLOWED, LifecycleRule
from .tokens import is_map_token, is_token


class TokenChecks:
    """Terraform preconditions for inputs that are tokens, with this library's messages."""

    def __init__(self, where: str) -> None:
        self._where = where
        self.repository: List[Precondition] = []
        self.lifecycle_policy: List[Precondition] = []
        self.repository_policy: List[Precondition] = []

    def add(self, into: List[Precondition], parameter: str, condition: Any, allowed: str) -> None:
        into.append(
            Precondition(
                condition=condition,
                error_message=f"cdktf_aws_ecr: {self._where}: {parameter} is not allowed; "
                f"allowed: {allowed}",
            )
        )

    def collect(
        self, settings: Mapping[str, Any], tag_total: Callable[[str], str], nullable_key: bool
    ) -> None:
        """``nullable_key``: the KMS key token may be null (a variable), which means the
        default encryption."""
        name = settings["name"]
        if is_token(name):
            low, high = REPOSITORY_NAME_LENGTH
            self.add(
                self.repository, "name",
                Op.and_(
                    Fn.can(Fn.regex(f"^(?:{REPOSITORY_NAME_PATTERN})$", name)),
                    Op.and_(Op.gte(Fn.length_of(name), low), Op.lte(Fn.length_of(name), high)),
                ),
                f"{low}-{high} characters matching ^{REPOSITORY_NAME_PATTERN}$",
            )
        key = settings["kms_key_arn"]
        if key is not None and is_token(key):
            condition = Fn.can(Fn.regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/", key))
            allowed = KMS_KEY_ALLOWED
            if nullable_key:
                # null is the default encryption (see Repository); "None" is Python's word.
                condition = Op.or_(Op.eq(key, Token.null_value()), condition)
                allowed = allowed.replace("None", "null")
            self.add(self.repository, "kms_key_arn", condition, allowed)
        tags = settings["tags"]
        if is_map_token(tags):
            # A for expression has no cdktf builder; cdktf resolves the token inside it.
            whole = Token.as_string(Fn.merge([tags]))
            self.add(
                self.repository, "tags",
                f"${{alltrue([for k, v in {whole} : length(k) >= 1 && "
                f"length(k) <= {MAX_TAG_KEY_LENGTH} && length(v) <= {MAX_TAG_VALUE_LENGTH} && "
                f'!startswith(lower(k), "{RESERVED_TAG_PREFIX}")]) && {tag_total(whole)}}}',
                TAGS_ALLOWED,
            )
        else:
            for key, text in tags.items():
                if is_token(key):
                    self.add(
                        self.repository, "tags",
                        Op.and_(
                            Op.and_(
                                Op.gte(Fn.length_of(key), 1),
                                Op.lte(Fn.length_of(key), MAX_TAG_KEY_LENGTH),
                            ),
                            Op.not_(Fn.startswith(Fn.lower(key), RESERVED_TAG_PREFIX)),
                        ),
                        TAGS_ALLOWED,
                    )
                if is_token(text):
                    self.add(
                        self.repository, "tags",
                        Op.lte(Fn.length_of(text), MAX_TAG_VALUE_LENGTH),
                        TAGS_ALLOWED,
                    )
        if settings["enable_lifecycle_policy"] is not False:
            for parameter in ("untagged_image_expiry_days", "max_tagged_image_count"):
                number = settings[parameter]
                if isinstance(number, float):
                    self._count(self.lifecycle_policy, parameter, number)
            prefixes = settings["lifecycle_tag_prefix_list"]
            if is_token(prefixes):
                self._non_empty(self.lifecycle_policy, "lifecycle_tag_prefix_list", prefixes,
                                _TAG_PREFIX_CHECK.allowed)

    def typed_rules(
        self, rules: Sequence[LifecycleRule], given: int, protected: Sequence[str]
    ) -> List[Precondition]:
        """The checks of the tokens in typed rules (the first ``given`` from ``lifecycle_rules``,
        the others added) and protected tags, which ECR would refuse at apply, after the
        repository exists."""
        checks: List[Precondition] = []
        for index, pattern in enumerate(protected):
            self._tag_items(checks, f"protected_tags[{index}]", [pattern], _TAG_PATTERN_CHECK)
        for index, rule in enumerate(rules):
            # "lifecycle_rules[0].max_image_count", "rule.max_image_count (add_lifecycle_rule call 2)"
            label, call = (
                (f"lifecycle_rules[{index}]", "")
                if index < given
                else ("rule", f" (add_lifecycle_rule call {index - given + 1})")
            )
            number = getattr(rule, rule.count_field)
            if isinstance(number, float):
                minimum = MIN_ARCHIVE_DAYS if rule.selects_archived else 1
                self._count(checks, f"{label}.{rule.count_field}{call}", number, minimum)
            for field, check in (
                ("tag_prefix_list", _TAG_PREFIX_CHECK),
                ("tag_pattern_list", _TAG_PATTERN_CHECK),
            ):
                items = getattr(rule, field)
                if items is None:
                    continue
                if is_token(list(items)):
                    self._non_empty(checks, f"{label}.{field}{call}", list(items), check.allowed)
                else:
                    self._tag_items(checks, f"{label}.{field}{call}", items, check)
        return checks

    def _count(
        self, into: List[Precondition], parameter: str, number: float, minimum: int = 1
    ) -> None:
        """A number token is a whole number from ``minimum`` to 2**31-1, as ECR's countNumber."""
        self.add(
            into, parameter,
            Op.and_(
                Op.and_(Op.gte(number, minimum), Op.lte(number, MAX_COUNT)),
                Op.eq(Fn.floor(number), number),
            ),
            f"a whole number from {minimum} to {MAX_COUNT}",
        )

    def _non_empty(
        self, into: List[Precondition], parameter: str, items: List[str], allowed: str
    ) -> None:
        """A list token holds at least one tag prefix or pattern: ECR refuses an empty one."""
        self.add(into, parameter, Op.gte(Fn.length_of(items), 1), allowed)

    def _tag_items(
        self, into: List[Precondition], parameter: str, items: Sequence[str], check: "TagCheck"
    ) -> None:
        for item in items:
            if is_token(item):
                self.add(into, parameter, check.condition(item), check.allowed)


@dataclass(frozen=True)
class TagCheck:
    """How Terraform checks a tag prefix or pattern that is a token."""

    pattern: str
    max_wildcards: Optional[int]
    #: What a list of them may hold (a list token must not be empty).
    allowed: str

    def condition(self, item: str) -> Any:
        matches = Fn.can(Fn.regex(f"^(?:{self.pattern})$", item))
        if self.max_wildcards is None:
            return matches
        return Op.and_(matches, Op.lte(Fn.length_of(Fn.regexall("[*]", item)), self.max_wildcards))


_TAG_PREFIX_CHECK = TagCheck(TAG_PREFIX_PATTERN, None, TAG_PREFIXES_ALLOWED + "; at least one")
# LifecyclePolicies.html: "a maximum limit of four wildcards (*) per string".
_TAG_PATTERN_CHECK = TagCheck(TAG_PATTERN_PATTERN, MAX_TAG_PATTERN_WILDCARDS, TAG_PATTERNS_ALLOWED)
