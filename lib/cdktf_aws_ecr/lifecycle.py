"""Typed lifecycle rules, the whole-policy check, and a preview of what a policy expires.

Three layers, all pure Python (no cdktf or provider import; a value is asked
whether it is an unresolved cdktf token only after it failed a plain check,
through :func:`cdktf_aws_ecr.validation.is_token`, which imports cdktf then):

* :class:`LifecycleRule` and :func:`assemble_lifecycle_policy` build a policy
  from typed rules and ``protected_tags``, numbered the way the AWS CDK numbers
  them.
* :func:`check_lifecycle_policy` refuses, with :class:`ValidationError`,
  every policy that ECR's ``PutLifecyclePolicy`` would reject.
* :func:`preview_lifecycle` applies ECR's documented evaluation rules to a
  list of images and says, for each image, whether it would expire (or move
  to archive storage) and which rule decides it.

AWS pages this module follows (cited next to each check):

* Evaluation rules: https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
* Properties: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
* Examples: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
* API limits: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
* Quotas: https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
"""

from __future__ import annotations

import enum
import functools
import inspect
import json
import re
import typing
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta, timezone
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from .checks import check_choice, check_count, check_tag_prefixes, string_list, type_name
from .errors import ValidationError
from .facts import MAX_COUNT, MAX_LIFECYCLE_POLICY_LENGTH
from .inputs import InputSpec, specs_text, type_text
from .json_text import compact_json
from .tokens import forged_token, forged_token_problem, is_token

__all__ = [
    "ImageVerdict",
    "LifecycleAction",
    "LifecyclePreview",
    "LifecycleRule",
    "MAX_LIFECYCLE_RULES",
    "MAX_TAG_PATTERN_WILDCARDS",
    "MIN_ARCHIVE_DAYS",
    "MIN_LIFECYCLE_POLICY_LENGTH",
    "PROTECT_COUNT",
    "PROTECTED_TAGS_ALLOWED",
    "SEED_LIFECYCLE_KEYWORDS",
    "TAG_PATTERN_PATTERN",
    "TagStatus",
    "Verdict",
    "assemble_lifecycle_policy",
    "check_lifecycle_policy",
    "check_lifecycle_rules",
    "check_protected_tags",
    "compact_json",
    "lifecycle_rule_fields",
    "preview_lifecycle",
    "seed_lifecycle_rules",
    "tag_pattern_matches",
]

#: PutLifecyclePolicy: ``lifecyclePolicyText`` is 100 to 30,720 characters.
MIN_LIFECYCLE_POLICY_LENGTH = 100
#: Service quota "Rules per lifecycle policy" (not adjustable).
MAX_LIFECYCLE_RULES = 50
#: "There is a maximum limit of four wildcards (*) per string."
MAX_TAG_PATTERN_WILDCARDS = 4
#: The ``imageCountMoreThan`` of a rule made for a protected tag. ECR has no
#: "keep" action, so a protecting rule *expires* beyond a count no repository
#: reaches: the cloudposse module's ``protected_tags_keep_count`` default, which
#: its tests apply to real ECR. ECR's default quota is 100,000 images per
#: repository, so a protected image would only become expirable once a single
#: pattern matched more than 999,999 images. Archived images are protected
#: the same way, for 999,999 days (2,700 years) in archive.
PROTECT_COUNT = 999_999

# A tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a pattern is one with '*' for any run.
TAG_PATTERN_PATTERN = r"[A-Za-z0-9_*][A-Za-z0-9_.*-]{0,127}"
_TAG_PATTERN_RE = re.compile(TAG_PATTERN_PATTERN, re.ASCII)

_TAG_STATUSES = ("tagged", "untagged", "any")
_COUNT_TYPES = (
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
)
_DAYS = "days"
_EXPIRE = "expire"
_TRANSITION = "transition"
_STANDARD = "standard"
_ARCHIVE = "archive"
_STORAGE_CLASSES = (_STANDARD, _ARCHIVE)
#: "Images must be in archive storage for a minimum of 90 days before deletion."
MIN_ARCHIVE_DAYS = 90
_POLICY_KEYS = frozenset({"rules"})
_RULE_KEYS = frozenset({"rulePriority", "description", "selection", "action"})
_RULE_REQUIRED = ("rulePriority", "selection", "action")
_SELECTION_KEYS = frozenset(
    {
        "tagStatus",
        "tagPrefixList",
        "tagPatternList",
        "storageClass",
        "countType",
        "countUnit",
        "countNumber",
    }
)
_SELECTION_REQUIRED = ("tagStatus", "countType", "countNumber")
_ACTION_KEYS = frozenset({"type", "targetStorageClass"})


class TagStatus(str, enum.Enum):
    """Which images a lifecycle rule looks at, by whether they carry tags."""

    TAGGED = "tagged"
    """Images with at least one tag that matches the rule's prefix or pattern list."""
    UNTAGGED = "untagged"
    """Images without any tag. At most one rule of a policy may select them."""
    ANY = "any"
    """Every image. At most one such rule, and it must have the highest priority."""


class LifecycleAction(str, enum.Enum):
    """What a lifecycle rule does to the images beyond its count or age."""

    EXPIRE = "expire"
    """Delete them (ECR's ``expire`` action)."""
    ARCHIVE = "archive"
    """Move them to the archive storage class (ECR's ``transition`` action with
    ``targetStorageClass: archive``): they can no longer be pulled until they are
    restored, cost less to store, and stay there at least 90 days."""


# --------------------------------------------------------------------------- tag matching


@functools.lru_cache(maxsize=1024)
def _pattern_re(pattern: str) -> "re.Pattern[str]":
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def tag_pattern_matches(pattern: str, tag: str) -> bool:
    """Whether ``tag`` matches a ``tagPatternList`` entry.

    ``*`` matches any run of characters, including none; everything else is
    literal and the whole tag must match: ``prod*`` matches ``prod`` and
    ``production``, ``*prod*`` matches ``repo-prod-1`` (LifecyclePolicies.html).
    """
    return _pattern_re(pattern).fullmatch(tag) is not None


def _selects_tags(
    status: str, prefixes: Sequence[str], patterns: Sequence[str], tags: Sequence[str]
) -> bool:
    """Whether a rule's tag filter selects an image with these tags.

    A list with several entries is AND: each entry must be matched by some tag
    of the image, and different tags may satisfy different entries
    (LifecyclePolicies.html: "an image is successfully matched if all of the
    tags in the tagPatternList or tagPrefixList value are matched against any
    of the image's tags"; examples page, "Filtering on multiple tags in a
    single rule").
    """
    if status == TagStatus.ANY.value:
        return True
    if status == TagStatus.UNTAGGED.value:
        return not tags
    if not tags:
        return False
    if prefixes:
        return all(any(tag.startswith(prefix) for tag in tags) for prefix in prefixes)
    return all(any(tag_pattern_matches(pattern, tag) for tag in tags) for pattern in patterns)


# --------------------------------------------------------------------------- typed rules


TAG_PATTERNS_ALLOWED = (
    "a non-empty list of distinct tag patterns, each 1-128 characters of letters, digits, "
    f"_ . - and *, not starting with . or -, with at most {MAX_TAG_PATTERN_WILDCARDS} '*' "
    "(* matches any run of characters)"
)


#: What ``protected_tags`` (of a repository or a creation template) may hold, as documented.
PROTECTED_TAGS_ALLOWED = (
    "distinct tag patterns of 1-128 letters, digits, `_ . - *` (`*` matches any run, "
    "at most 4; no `*` means that exact tag); not a token"
)


def _check_tag_patterns(parameter: str, value: Any) -> Tuple[str, ...]:
    """Distinct tag patterns: Docker tag characters plus ``*``, at most 4 ``*`` each.
    A list that is itself an unresolved token is kept as it is."""
    allowed = TAG_PATTERNS_ALLOWED
    items = string_list(parameter, value, allowed)
    if items is None:
        return tuple(value)
    if not items:
        raise ValidationError(parameter, value, allowed, problem="is empty")
    for item in items:
        if _TAG_PATTERN_RE.fullmatch(item):
            # LifecyclePolicies.html: "a maximum limit of four wildcards (*) per string".
            if item.count("*") > MAX_TAG_PATTERN_WILDCARDS:
                raise ValidationError(
                    parameter,
                    value,
                    allowed,
                    problem=f"holds {item!r}, with {item.count('*')} '*'",
                )
        elif not is_token(item):
            raise ValidationError(
                parameter, value, allowed, problem=f"holds an invalid pattern {item!r}"
            )
    return tuple(items)


def _check_prefixes(parameter: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        if len(value) == 0:
            raise ValidationError(
                parameter,
                value,
                "a non-empty list of distinct Docker tag prefixes",
                problem="is empty",
            )
        starred = [item for item in value if isinstance(item, str) and "*" in item]
        if starred:
            # A prefix is literal, so '*' in it can never match a Docker tag.
            raise ValidationError(
                parameter,
                value,
                "literal Docker tag prefixes; for wildcards use tag_pattern_list",
                problem=f"holds {starred[0]!r}, and a prefix never matches '*'",
            )
    return tuple(check_tag_prefixes(parameter, value))


@dataclass(frozen=True)
class _FieldDoc:
    description: str
    allowed: str
    default: str
    """What the default means (the Python default is None for every field)."""


#: The count fields of :class:`LifecycleRule`, with ECR's countType for each.
_COUNT_FIELDS = {
    "max_image_count": "imageCountMoreThan",
    "max_image_age_days": "sinceImagePushed",
    "max_days_since_pull": "sinceImagePulled",
    "max_days_in_archive": "sinceImageTransitioned",
}
_ONE_COUNT = "exactly one of " + ", ".join(f"`{name}`" for name in _COUNT_FIELDS)


def _doc(*, description: str, allowed: str, default: str) -> Dict[str, _FieldDoc]:
    """A field's documentation, kept in its metadata: ``help(LifecycleRule)`` and
    README's field table (:func:`lifecycle_rule_fields`) are generated from it."""
    return {"doc": _FieldDoc(description, allowed, default)}


@dataclass(frozen=True, kw_only=True)
class LifecycleRule:
    """One rule of an ECR lifecycle policy, checked when it is made.

    Named like the AWS CDK's ``aws_ecr.LifecycleRule``, and with the same
    defaults, so code written against the CDK reads (and means) the same::

        LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14)
        LifecycleRule(tag_pattern_list=["v*"], max_image_count=30)  # TAGGED
        LifecycleRule(tag_status=TagStatus.ANY, max_image_count=500)

    A bad field raises :class:`ValidationError` whose ``parameter`` is the
    field's name. Lists are stored as tuples and ``tag_status`` as a
    :class:`TagStatus`, so rules compare and hash by value.
    """

    tag_status: Optional[TagStatus] = field(default=None, metadata=_doc(
        description="Which images the rule selects: `TAGGED` (those with a tag matching "
        "`tag_prefix_list` or `tag_pattern_list`), `UNTAGGED` or `ANY`.",
        allowed="a `TagStatus` member or its AWS string (`tagged`, `untagged`, `any`); "
        "`TAGGED` needs a list, `UNTAGGED` and `ANY` take none",
        default="`TAGGED` when a list is given, else `ANY` (as in the AWS CDK)",
    ))
    tag_prefix_list: Optional[Sequence[str]] = field(default=None, metadata=_doc(
        description="Literal tag prefixes, e.g. `[\"v\", \"release-\"]`. Several entries mean "
        "AND: the rule selects only images that carry a tag for *every* prefix. For \"any of "
        "these\", make one rule per prefix.",
        allowed="distinct Docker tag prefixes (1-128 characters of letters, digits, `_ . -`, not "
        "starting with `.` or `-`), no `*`; or a list token; not with `tag_pattern_list`",
        default="None",
    ))
    tag_pattern_list: Optional[Sequence[str]] = field(default=None, metadata=_doc(
        description="Tag patterns where `*` matches any run of characters, e.g. `[\"v*\"]` or "
        "`[\"*-rc*\"]`; a pattern without `*` matches that exact tag. Several entries mean "
        "AND, as for prefixes.",
        allowed=f"distinct patterns of 1-128 characters of letters, digits, `_ . - *`, not "
        f"starting with `.` or `-`, at most {MAX_TAG_PATTERN_WILDCARDS} `*` each; or tokens; "
        "not with `tag_prefix_list`",
        default="None",
    ))
    max_image_count: Optional[int] = field(default=None, metadata=_doc(
        description="Keep the newest this many selected images (by push time) and expire (or "
        "archive) the rest (`imageCountMoreThan`).",
        allowed=f"1 to {MAX_COUNT}, or a number token; {_ONE_COUNT}",
        default="None",
    ))
    max_image_age_days: Optional[int] = field(default=None, metadata=_doc(
        description="Expire (or archive) selected images pushed more than this many days ago "
        "(`sinceImagePushed`).",
        allowed=f"1 to {MAX_COUNT}, or a number token; {_ONE_COUNT}",
        default="None",
    ))
    max_days_since_pull: Optional[int] = field(default=None, metadata=_doc(
        description="Archive selected images last pulled more than this many days ago, or "
        "pushed (or restored) that long ago if never pulled since (`sinceImagePulled`). ECR "
        "only archives by this count, so the action is `ARCHIVE`.",
        allowed=f"1 to {MAX_COUNT}, or a number token; {_ONE_COUNT}",
        default="None",
    ))
    max_days_in_archive: Optional[int] = field(default=None, metadata=_doc(
        description="Expire *archived* images that have been in archive storage more than this "
        "many days (`storageClass: archive`, `sinceImageTransitioned`). Such a rule looks only "
        "at archived images; every other rule only at active ones.",
        allowed=f"{MIN_ARCHIVE_DAYS} (ECR's minimum archive storage) to {MAX_COUNT}, or a "
        f"number token; {_ONE_COUNT}",
        default="None",
    ))
    action: Optional[LifecycleAction] = field(default=None, metadata=_doc(
        description="`EXPIRE` deletes the images beyond the count or age; `ARCHIVE` moves them "
        "to archive storage instead.",
        allowed="a `LifecycleAction` member or `expire`/`archive`, known at synth; `ARCHIVE` "
        "not with `max_days_in_archive`, `EXPIRE` not with `max_days_since_pull`",
        default="`ARCHIVE` with `max_days_since_pull`, else `EXPIRE`",
    ))
    rule_priority: Optional[int] = field(default=None, metadata=_doc(
        description="ECR applies rules from the lowest number up; numbers are unique and need "
        "not be consecutive.",
        allowed=f"1 to {MAX_COUNT}, known at synth, above the priorities `protected_tags` take",
        default="numbered automatically after the highest explicit priority, in the order "
        "given; the `ANY` rule last",
    ))
    description: Optional[str] = field(default=None, metadata=_doc(
        description="Shown in the ECR console next to the rule.",
        allowed="a string",
        default="None (no description)",
    ))

    def __post_init__(self) -> None:
        prefixes = (
            None
            if self.tag_prefix_list is None
            else _check_prefixes("tag_prefix_list", self.tag_prefix_list)
        )
        patterns = (
            None
            if self.tag_pattern_list is None
            else _check_tag_patterns("tag_pattern_list", self.tag_pattern_list)
        )
        if prefixes is not None and patterns is not None:
            # LifecyclePolicies.html: "either tagPatternList or tagPrefixList, but not both".
            raise ValidationError(
                "tag_pattern_list",
                self.tag_pattern_list,
                "at most one of tag_prefix_list and tag_pattern_list",
                problem=f"is given together with tag_prefix_list={self.tag_prefix_list!r}",
            )
        has_list = prefixes is not None or patterns is not None
        status = self._status(has_list)
        if status is TagStatus.TAGGED and not has_list:
            # lifecycle_policy_parameters.html: tagged needs tagPrefixList or tagPatternList.
            raise ValidationError(
                "tag_status",
                self.tag_status,
                "TAGGED with tag_prefix_list or tag_pattern_list, or UNTAGGED or ANY",
                problem="needs tag_prefix_list or tag_pattern_list",
            )
        if status is not TagStatus.TAGGED and has_list:
            # lifecycle_policy_parameters.html: untagged (and any) must omit both lists.
            name = "tag_prefix_list" if prefixes is not None else "tag_pattern_list"
            raise ValidationError(
                name,
                self.tag_prefix_list if prefixes is not None else self.tag_pattern_list,
                "no tag list unless tag_status is TAGGED",
                problem=f"is given with tag_status={status.value!r}",
            )
        counts = [name for name in _COUNT_FIELDS if getattr(self, name) is not None]
        if len(counts) != 1:
            names = list(_COUNT_FIELDS)
            raise ValidationError(
                counts[0] if counts else names[0],
                getattr(self, counts[0]) if counts else None,
                _ONE_COUNT.replace("`", ""),
                problem=(
                    "is given together with "
                    + ", ".join(f"{name}={getattr(self, name)!r}" for name in counts[1:])
                    if counts
                    else f"and {', '.join(names[1:])} are all None"
                ),
            )
        count_field = counts[0]
        # lifecycle_policy_parameters.html: countNumber is a positive integer;
        # archive-image.html: archived images have a minimum storage duration of 90 days.
        check_count(
            count_field,
            getattr(self, count_field),
            MIN_ARCHIVE_DAYS if count_field == "max_days_in_archive" else 1,
        )
        action = self._action(count_field)
        if self.rule_priority is not None:
            priority = check_count("rule_priority", self.rule_priority, 1)
            if not isinstance(priority, int):
                raise ValidationError(
                    "rule_priority",
                    priority,
                    f"a whole number from 1 to {MAX_COUNT}, known at synth",
                    problem="is an unresolved token, and the rules' order depends on it",
                )
        if self.description is not None:
            if not isinstance(self.description, str):
                raise ValidationError(
                    "description",
                    self.description,
                    "a string or None",
                    problem=f"is {type_name(self.description)}",
                )
            forged = forged_token([self.description])
            if forged is not None:
                raise ValidationError(
                    "description",
                    self.description,
                    "a string or None",
                    problem=forged_token_problem(forged),
                )
        object.__setattr__(self, "tag_status", status)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "tag_prefix_list", prefixes)
        object.__setattr__(self, "tag_pattern_list", patterns)

    def __repr__(self) -> str:
        """Only the fields that are set, as they would be written (errors show rules)."""
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or value is LifecycleAction.EXPIRE:
                continue
            if isinstance(value, enum.Enum):
                text = f"{type(value).__name__}.{value.name}"
            elif isinstance(value, tuple):
                text = repr(list(value))
            else:
                text = repr(value)
            shown.append(f"{item.name}={text}")
        return f"LifecycleRule({', '.join(shown)})"

    @property
    def count_field(self) -> str:
        """The name of the one count field that is set (``max_image_count``, ...)."""
        return next(name for name in _COUNT_FIELDS if getattr(self, name) is not None)

    def _action(self, count_field: str) -> LifecycleAction:
        implied = (
            LifecycleAction.ARCHIVE if count_field == "max_days_since_pull" else LifecycleAction.EXPIRE
        )
        if self.action is None:
            return implied
        value = check_choice("action", self.action, LifecycleAction)
        if value not in {member.value for member in LifecycleAction}:
            raise ValidationError(
                "action",
                self.action,
                "a LifecycleAction member or 'expire' or 'archive', known at synth",
                problem="is an unresolved token, and the policy's shape depends on it",
            )
        action = LifecycleAction(value)
        # lifecycle_policy_examples.html: sinceImagePulled "must be used with the transition
        # action"; sinceImageTransitioned "must be used with the expire action".
        if count_field in ("max_days_since_pull", "max_days_in_archive") and action is not implied:
            verb = "archives" if implied is LifecycleAction.ARCHIVE else "only expires"
            raise ValidationError(
                "action",
                self.action,
                f"{implied.name} (or None) with {count_field}",
                problem=f"is {action.name}, and ECR {verb} by {_COUNT_FIELDS[count_field]}",
            )
        return action

    def _status(self, has_list: bool) -> TagStatus:
        if self.tag_status is None:
            return TagStatus.TAGGED if has_list else TagStatus.ANY
        value = check_choice("tag_status", self.tag_status, TagStatus)
        if value not in _TAG_STATUSES:
            raise ValidationError(
                "tag_status",
                self.tag_status,
                "a TagStatus member or 'tagged', 'untagged' or 'any'",
                problem="is an unresolved token, and the rules' order depends on it",
            )
        return TagStatus(value)

    def as_policy_rule(self, rule_priority: int) -> Dict[str, Any]:
        """This rule as one entry of the policy's ``rules``, with AWS's camelCase keys."""
        status = TagStatus(self.tag_status)
        selection: Dict[str, Any] = {"tagStatus": status.value}
        if self.tag_prefix_list is not None:
            selection["tagPrefixList"] = list(self.tag_prefix_list)
        if self.tag_pattern_list is not None:
            selection["tagPatternList"] = list(self.tag_pattern_list)
        count_field = self.count_field
        count_type = _COUNT_FIELDS[count_field]
        if count_type == "sinceImageTransitioned":
            selection["storageClass"] = _ARCHIVE
        selection["countType"] = count_type
        if count_type != "imageCountMoreThan":
            selection["countUnit"] = _DAYS
        selection["countNumber"] = getattr(self, count_field)
        rule: Dict[str, Any] = {"rulePriority": rule_priority}
        if self.description is not None:
            rule["description"] = self.description
        rule["selection"] = selection
        rule["action"] = (
            {"type": _TRANSITION, "targetStorageClass": _ARCHIVE}
            if self.action is LifecycleAction.ARCHIVE
            else {"type": _EXPIRE}
        )
        return rule

    @property
    def selects_archived(self) -> bool:
        """Whether the rule looks at archived images (and only at those)."""
        return self.max_days_in_archive is not None


def lifecycle_rule_fields() -> Tuple[InputSpec, ...]:
    """The fields of :class:`LifecycleRule`, in order, as README's table shows them."""
    hints = typing.get_type_hints(LifecycleRule)
    specs = []
    for item in fields(LifecycleRule):
        doc: _FieldDoc = item.metadata["doc"]
        specs.append(
            InputSpec(item.name, type_text(hints[item.name]), doc.default, doc.allowed, doc.description)
        )
    return tuple(specs)


LifecycleRule.__doc__ = "\n\n".join(
    [inspect.cleandoc(LifecycleRule.__doc__ or ""), specs_text("Fields:", lifecycle_rule_fields())]
)


def _protect_rule(pattern: str, rule_priority: int, archived: bool) -> Dict[str, Any]:
    """A rule that claims the images tagged ``pattern`` and never expires them.

    ECR has no "keep" action. An image matched by a rule's tag filter cannot
    be expired (or archived) by any rule of lower priority that selects the
    same storage class (LifecyclePolicies.html), so an ``expire`` rule whose
    count is never exceeded keeps its images safe: beyond :data:`PROTECT_COUNT`
    images for active ones, after :data:`PROTECT_COUNT` days in archive for
    archived ones (the only count type ECR has for the archive class).
    """
    selection: Dict[str, Any] = {"tagStatus": TagStatus.TAGGED.value, "tagPatternList": [pattern]}
    if archived:
        selection.update(
            storageClass=_ARCHIVE, countType="sinceImageTransitioned", countUnit=_DAYS
        )
    else:
        selection["countType"] = "imageCountMoreThan"
    selection["countNumber"] = PROTECT_COUNT
    return {
        "rulePriority": rule_priority,
        "description": f"Never expire {'archived ' if archived else ''}images tagged {pattern}",
        "selection": selection,
        "action": {"type": _EXPIRE},
    }


def assemble_lifecycle_policy(
    lifecycle_rules: Sequence[LifecycleRule] = (),
    protected_tags: Sequence[str] = (),
) -> Dict[str, Any]:
    """The whole policy document (AWS's camelCase keys) for typed rules.

    Serialise it with :func:`compact_json` (Terraform ``jsonencode``'s
    form). The result has passed :func:`check_lifecycle_policy`; its errors
    name ``lifecycle_rules[i].<field>`` or ``protected_tags[j]``.

    Priorities, as in the AWS CDK: explicit ``rule_priority`` values are kept;
    the other rules follow the highest explicit one, in the order given; the
    ``ANY`` rule comes last.

    ``protected_tags`` are tag patterns (``*`` matches any run; no ``*`` means
    that exact tag) whose images never expire. Each pattern gets its own rule,
    at priorities 1, 2, ... ahead of every rule in ``lifecycle_rules`` (whose
    explicit priorities must therefore be higher): one rule per pattern, because
    several entries in one list would mean AND, and each pattern must protect on
    its own. Such a rule selects the images with ``tagPatternList: [pattern]``
    and "expires" beyond :data:`PROTECT_COUNT` images, which never happens, and
    ECR never lets a lower rule expire (or archive) an image that a higher
    rule's tag filter matched. When a rule expires archived images
    (``max_days_in_archive``), each pattern gets a second rule, for the archive
    storage class, so that an image archived before its tag was protected is
    not deleted from archive either.

    Protected images still *count*: a lower rule's ``imageCountMoreThan``
    window ranks every image it selects, including protected ones, and only
    expires the unprotected images beyond the window. With ``prod-*`` protected
    and ``LifecycleRule(tag_pattern_list=["v*"], max_image_count=10)``, an image
    tagged both ``v1.2`` and ``prod-eu`` takes one of the 10 places, so 9
    unprotected ``v*`` images are kept besides it.
    """
    rules = list(check_lifecycle_rules("lifecycle_rules", lifecycle_rules))
    patterns = check_protected_tags("protected_tags", protected_tags)
    classes = (False, True) if any(rule.selects_archived for rule in rules) else (False,)
    protect_rules = [
        (j, pattern, archived) for archived in classes for j, pattern in enumerate(patterns)
    ]
    protected = len(protect_rules)
    if not rules and not protected:
        raise ValidationError(
            "lifecycle_rules",
            lifecycle_rules,
            "at least one LifecycleRule or protected tag",
            problem="is empty, and so is protected_tags",
        )

    for index, rule in enumerate(rules):
        if rule.rule_priority is not None and rule.rule_priority <= protected:
            raise ValidationError(
                f"lifecycle_rules[{index}].rule_priority",
                rule.rule_priority,
                f"a priority above {protected}",
                problem=f"is not above the priorities 1 to {protected} that protected_tags take",
            )
    numbered = [(i, r) for i, r in enumerate(rules) if r.tag_status is not TagStatus.ANY]
    explicit = [(i, r) for i, r in numbered if r.rule_priority is not None]
    automatic = [(i, r) for i, r in numbered if r.rule_priority is None]
    last = [(i, r) for i, r in enumerate(rules) if r.tag_status is TagStatus.ANY]
    for index, rule in last:
        # The ANY rule must come last among the rules of its storage class; automatic
        # numbers could land above an explicit one.
        same_class = [i for i, r in automatic if r.selects_archived == rule.selects_archived]
        if rule.rule_priority is not None and same_class:
            raise ValidationError(
                f"lifecycle_rules[{index}].rule_priority",
                rule.rule_priority,
                "None on the ANY rule while other rules of its storage class are numbered "
                "automatically",
                problem=f"is set on the ANY rule, and lifecycle_rules[{same_class[0]}] "
                "has no rule_priority",
            )
    next_priority = max([protected] + [r.rule_priority or 0 for r in rules]) + 1
    document_rules: List[Dict[str, Any]] = [
        _protect_rule(pattern, number, archived)
        for number, (_, pattern, archived) in enumerate(protect_rules, start=1)
    ]
    origins: List[Tuple[str, Optional[LifecycleRule]]] = [
        (f"protected_tags[{j}]", None) for j, _, _ in protect_rules
    ]
    for index, rule in explicit + automatic + last:
        priority = rule.rule_priority
        if priority is None:
            priority, next_priority = next_priority, next_priority + 1
        document_rules.append(rule.as_policy_rule(priority))
        origins.append((f"lifecycle_rules[{index}]", rule))
    document: Dict[str, Any] = {"rules": document_rules}

    def name(index: int, path: str) -> str:
        label, rule = origins[index]
        if rule is None or not path:
            return label
        if path in ("selection.countNumber", "selection.countType", "selection.storageClass"):
            typed = rule.count_field
        else:
            typed = _TYPED_FIELDS.get(path, path)
        return f"{label}.{typed}"

    _check_document(
        document, len(compact_json(document)), name, "lifecycle_rules", "lifecycle_rules"
    )
    return document


_TYPED_FIELDS = {
    "rulePriority": "rule_priority",
    "description": "description",
    "selection.tagStatus": "tag_status",
    "selection.tagPrefixList": "tag_prefix_list",
    "selection.tagPatternList": "tag_pattern_list",
    "action.type": "action",
}


def check_lifecycle_rules(parameter: str, value: Any) -> Tuple[LifecycleRule, ...]:
    """A list of :class:`LifecycleRule` (each checked when it was made), as a tuple."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValidationError(
            parameter, value, "a list of LifecycleRule", problem=f"is {type_name(value)}"
        )
    for index, rule in enumerate(value):
        if not isinstance(rule, LifecycleRule):
            raise ValidationError(
                f"{parameter}[{index}]", rule, "a LifecycleRule", problem=f"is {type_name(rule)}"
            )
    return tuple(value)


def check_protected_tags(parameter: str, value: Any) -> Tuple[str, ...]:
    """Distinct tag patterns known at synth (each becomes a rule of its own)."""
    items = string_list(parameter, value, TAG_PATTERNS_ALLOWED)
    if items is None:
        raise ValidationError(
            parameter,
            value,
            "a list known at synth",
            problem="is an unresolved token list, and each pattern needs its own rule",
        )
    return _check_tag_patterns(parameter, items) if items else ()


#: The seed module's lifecycle keywords of ``Repository``, which make its two rules.
SEED_LIFECYCLE_KEYWORDS = (
    "untagged_image_expiry_days",
    "max_tagged_image_count",
    "lifecycle_tag_prefix_list",
)


def seed_lifecycle_rules(
    untagged_image_expiry_days: int,
    max_tagged_image_count: int,
    tag_prefixes: Sequence[str],
    render: Callable[[int], str] = str,
) -> Tuple[LifecycleRule, LifecycleRule]:
    """The seed module's two rules, typed: expire untagged images by age, then
    keep the newest images whose tags match *every* prefix.

    Numbered automatically, they get priorities 1 and 2 (after any protected
    tags), and :func:`assemble_lifecycle_policy` writes exactly the seed's
    policy for them. The counts and prefixes may be tokens; ``render`` writes
    the numbers into the descriptions (a number token as its string token, for
    Terraform's ``jsonencode``).
    """
    return (
        LifecycleRule(
            tag_status=TagStatus.UNTAGGED,
            max_image_age_days=untagged_image_expiry_days,
            description=f"Expire untagged images older than {render(untagged_image_expiry_days)} days",
        ),
        LifecycleRule(
            tag_prefix_list=tag_prefixes,
            max_image_count=max_tagged_image_count,
            description=f"Keep only the most recent {render(max_tagged_image_count)} tagged images",
        ),
    )


# --------------------------------------------------------------------------- whole-policy check


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


_ABSENT = _Absent()

#: (index of a rule in ``rules``, AWS path inside the rule or "") -> parameter name.
Namer = Callable[[int, str], str]


def _raw_name(index: int, path: str) -> str:
    return f"rules[{index}]" + (f".{path}" if path else "")


def _load(policy: Any) -> Tuple[Any, int]:
    """The parsed document and the length of the text ECR would receive."""
    if isinstance(policy, str):
        try:
            document = json.loads(policy, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ValidationError(
                "lifecycle_policy",
                policy,
                "a JSON lifecycle policy document",
                problem=f"is not valid JSON ({error})",
            ) from None
        # The text is sent as it is, so its own length is what ECR measures.
        return document, len(policy)
    if isinstance(policy, Mapping):
        try:
            text = compact_json(dict(policy))
        except (TypeError, ValueError) as error:
            raise ValidationError(
                "lifecycle_policy",
                policy,
                "a mapping of JSON values (dict, list, str, int, bool)",
                problem=f"cannot be serialised to JSON ({error})",
            ) from None
        return policy, len(text)
    raise ValidationError(
        "lifecycle_policy",
        policy,
        "a JSON string or a mapping",
        problem=f"is {type_name(policy)}",
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def check_lifecycle_policy(policy: Union[str, Mapping[str, Any]]) -> None:
    """Raise :class:`ValidationError` for anything ECR's ``PutLifecyclePolicy`` rejects.

    ``policy`` is the JSON text, or the document as a mapping; a mapping is
    measured in the form :func:`compact_json` gives it (Terraform's
    ``jsonencode``), a string as it is. Errors name the place, such as
    ``lifecycle_policy``, ``rules`` or ``rules[2].selection.tagStatus``
    (``rules[i]`` counts from 0 in the document's order).

    The archive storage class is covered: ``transition`` actions to
    ``archive``, ``storageClass``, ``sinceImagePulled`` (transition only) and
    ``sinceImageTransitioned`` (expire only, at least 90 days). Values that are
    unresolved cdktf tokens pass the checks that need their value.
    """
    document, length = _load(policy)
    _check_document(document, length, _raw_name, "lifecycle_policy", "rules")


def _fail(parameter: str, value: Any, allowed: str, problem: str) -> ValidationError:
    return ValidationError(parameter, value, allowed, problem=problem)


def _check_object(
    parameter: str,
    value: Any,
    keys: frozenset[str],
    required: Sequence[str],
    child: Callable[[str], str],
) -> Mapping[str, Any]:
    allowed = f"a JSON object with the keys {', '.join(sorted(keys))}"
    if not isinstance(value, Mapping):
        raise _fail(parameter, value, allowed, f"is {type_name(value)}")
    for key in value:
        if key not in keys:
            raise _fail(child(str(key)), value[key], allowed, "is not a key ECR knows here")
        if value[key] is None:
            # ECR's schema refuses null: a null field fails with "instance failed to
            # match exactly one schema" (cloudposse/terraform-aws-ecr issue #158).
            raise _fail(child(key), None, "the key left out, or a value", "is null")
    for key in required:
        if key not in value:
            raise _fail(child(key), _ABSENT, f"{allowed}; {key} is required", "is missing")
    return value


def _check_document(
    document: Any, length: int, name: Namer, policy_name: str, rules_name: str
) -> List[_Rule]:
    """Every rule checked, in the document's order; ``policy_name`` and
    ``rules_name`` name the whole policy and its rule list in errors."""
    # API_PutLifecyclePolicy.html: lifecyclePolicyText is 100 to 30,720 characters.
    if not MIN_LIFECYCLE_POLICY_LENGTH <= length <= MAX_LIFECYCLE_POLICY_LENGTH:
        raise _fail(
            policy_name,
            document,
            f"a policy text of {MIN_LIFECYCLE_POLICY_LENGTH} to "
            f"{MAX_LIFECYCLE_POLICY_LENGTH} characters",
            f"is {length} characters long",
        )
    top = _check_object(
        policy_name, document, _POLICY_KEYS, ("rules",), lambda key: key
    )
    rules = top["rules"]
    allowed_rules = f"a list of 1 to {MAX_LIFECYCLE_RULES} rules"
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence):
        raise _fail(rules_name, rules, allowed_rules, f"is {type_name(rules)}")
    if not rules:
        raise _fail(rules_name, rules, allowed_rules, "is empty")
    # service-quotas.html: "Rules per lifecycle policy" is 50, not adjustable.
    if len(rules) > MAX_LIFECYCLE_RULES:
        raise _fail(rules_name, f"{len(rules)} rules", allowed_rules, f"has {len(rules)} rules")
    checked = [_check_rule(index, rule, name) for index, rule in enumerate(rules)]
    _check_across_rules(checked, name)
    return checked


@dataclass(frozen=True)
class _Rule:
    """One rule of a checked policy, in the document's order."""

    index: int
    priority: Any
    status: Any
    prefixes: Optional[Tuple[Any, ...]]
    patterns: Optional[Tuple[Any, ...]]
    count_type: str
    count_number: Any
    storage_class: str
    action: str


def _check_rule(index: int, rule: Any, name: Namer) -> _Rule:
    def here(path: str) -> str:
        return name(index, path)

    _check_object(here(""), rule, _RULE_KEYS, _RULE_REQUIRED, here)
    # lifecycle_policy_parameters.html: rulePriority is a unique integer; 0 is not accepted.
    priority = check_count(here("rulePriority"), rule["rulePriority"], 1)
    if "description" in rule and not isinstance(rule["description"], str):
        raise _fail(
            here("description"),
            rule["description"],
            "a string",
            f"is {type_name(rule['description'])}",
        )
    selection = _check_object(
        here("selection"),
        rule["selection"],
        _SELECTION_KEYS,
        _SELECTION_REQUIRED,
        lambda key: here(f"selection.{key}"),
    )
    status = check_choice(here("selection.tagStatus"), selection["tagStatus"], TagStatus)
    prefixes = _check_tag_list(here("selection.tagPrefixList"), selection.get("tagPrefixList"))
    patterns = _check_tag_list(here("selection.tagPatternList"), selection.get("tagPatternList"))
    if prefixes is not None and patterns is not None:
        # LifecyclePolicies.html: "either tagPatternList or tagPrefixList, but not both".
        raise _fail(
            here("selection.tagPatternList"),
            selection["tagPatternList"],
            "at most one of tagPrefixList and tagPatternList in a rule",
            "is given together with tagPrefixList",
        )
    if status == TagStatus.TAGGED.value and prefixes is None and patterns is None:
        # lifecycle_policy_parameters.html: "If you specify tagged, then you must also
        # specify a tagPrefixList value or a tagPatternList value."
        raise _fail(
            here("selection.tagStatus"),
            status,
            "'tagged' with a tagPrefixList or tagPatternList, or 'untagged' or 'any'",
            "has neither tagPrefixList nor tagPatternList",
        )
    if status in (TagStatus.UNTAGGED.value, TagStatus.ANY.value) and (
        prefixes is not None or patterns is not None
    ):
        # LifecyclePolicies.html: the lists "may only used if the tagStatus is tagged".
        key = "tagPrefixList" if prefixes is not None else "tagPatternList"
        raise _fail(
            here(f"selection.{key}"),
            selection[key],
            "no tag list unless tagStatus is 'tagged'",
            f"is given with tagStatus {status!r}",
        )
    for pattern in patterns or ():
        # LifecyclePolicies.html: "a maximum limit of four wildcards (*) per string".
        if isinstance(pattern, str) and pattern.count("*") > MAX_TAG_PATTERN_WILDCARDS:
            raise _fail(
                here("selection.tagPatternList"),
                selection["tagPatternList"],
                f"patterns with at most {MAX_TAG_PATTERN_WILDCARDS} '*' each",
                f"holds {pattern!r}, with {pattern.count('*')} '*'",
            )
    count_type = selection["countType"]
    if count_type not in _COUNT_TYPES:
        raise _fail(
            here("selection.countType"),
            count_type,
            " or ".join(repr(value) for value in _COUNT_TYPES),
            "is not a count type ECR knows",
        )
    # lifecycle_policy_parameters.html: countUnit "days" is required with the since*
    # count types, and "an error will occur if you specify a count unit when countType
    # is any other value".
    if count_type == "imageCountMoreThan" and "countUnit" in selection:
        raise _fail(
            here("selection.countUnit"),
            selection["countUnit"],
            "no countUnit with countType 'imageCountMoreThan'",
            "is given with countType 'imageCountMoreThan'",
        )
    if count_type != "imageCountMoreThan" and selection.get("countUnit", _ABSENT) != _DAYS:
        raise _fail(
            here("selection.countUnit"),
            selection.get("countUnit", _ABSENT),
            f"'days' with countType {count_type!r}",
            "is missing" if "countUnit" not in selection else "is not 'days'",
        )
    # lifecycle_policy_parameters.html: countNumber is a positive integer (0 is not accepted).
    count_number = check_count(here("selection.countNumber"), selection["countNumber"], 1)
    storage_class = selection.get("storageClass", _STANDARD)
    # lifecycle_policy_parameters.html: storageClass is required, and only 'archive', with
    # sinceImageTransitioned; with the other count types the only supported value is 'standard'.
    wanted_class = _ARCHIVE if count_type == "sinceImageTransitioned" else _STANDARD
    if storage_class != wanted_class:
        raise _fail(
            here("selection.storageClass"),
            selection.get("storageClass", _ABSENT),
            f"{wanted_class!r} with countType {count_type!r}",
            "is missing" if "storageClass" not in selection else f"is not {wanted_class!r}",
        )
    # lifecycle_policy_examples.html: "You cannot configure lifecycle policies that delete
    # images that have been in archive for less than 90 days."
    if (
        count_type == "sinceImageTransitioned"
        and isinstance(count_number, int)
        and count_number < MIN_ARCHIVE_DAYS
    ):
        raise _fail(
            here("selection.countNumber"),
            count_number,
            f"at least {MIN_ARCHIVE_DAYS} days with countType 'sinceImageTransitioned'",
            f"is under ECR's {MIN_ARCHIVE_DAYS}-day minimum storage in archive",
        )
    action = _check_object(
        here("action"), rule["action"], _ACTION_KEYS, ("type",), lambda key: here(f"action.{key}")
    )
    kind = action["type"]
    # lifecycle_policy_parameters.html: the type is 'expire' or 'transition';
    # targetStorageClass, only 'archive', is required with (and only with) 'transition'.
    if kind not in (_EXPIRE, _TRANSITION):
        raise _fail(here("action.type"), kind, "'expire' or 'transition'", "is not an action ECR knows")
    if kind == _TRANSITION and action.get("targetStorageClass", _ABSENT) != _ARCHIVE:
        raise _fail(
            here("action.targetStorageClass"),
            action.get("targetStorageClass", _ABSENT),
            "'archive' with action type 'transition'",
            "is missing" if "targetStorageClass" not in action else "is not 'archive'",
        )
    if kind == _EXPIRE and "targetStorageClass" in action:
        raise _fail(
            here("action.targetStorageClass"),
            action["targetStorageClass"],
            "no targetStorageClass with action type 'expire'",
            "is given with action type 'expire'",
        )
    # lifecycle_policy_examples.html: sinceImagePulled "must be used with the transition
    # action"; sinceImageTransitioned "must be used with the expire action".
    wanted_kind = {"sinceImagePulled": _TRANSITION, "sinceImageTransitioned": _EXPIRE}.get(count_type)
    if wanted_kind is not None and kind != wanted_kind:
        raise _fail(
            here("action.type"),
            kind,
            f"{wanted_kind!r} with countType {count_type!r}",
            f"is not {wanted_kind!r}",
        )
    return _Rule(
        index, priority, status, prefixes, patterns, count_type, count_number, storage_class, kind
    )


def _check_tag_list(parameter: str, value: Any) -> Optional[Tuple[Any, ...]]:
    """The entries of a tagPrefixList/tagPatternList, None when absent."""
    if value is None:
        return None
    allowed = "a non-empty list of non-empty strings"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise _fail(parameter, value, allowed, f"is {type_name(value)}")
    items = tuple(value)
    if not items:
        raise _fail(parameter, value, allowed, "is empty")
    for item in items:
        if not isinstance(item, str) or not item:
            raise _fail(parameter, value, allowed, f"holds {item!r}")
    return items


def _filter_key(rule: _Rule) -> Optional[frozenset[str]]:
    """What a tagged rule selects, as a set of patterns; None for other rules."""
    if rule.prefixes is not None:
        if any("*" in prefix for prefix in rule.prefixes):
            return frozenset(f"prefix:{prefix}" for prefix in rule.prefixes)
        return frozenset(f"{prefix}*" for prefix in rule.prefixes)
    if rule.patterns is not None:
        return frozenset(rule.patterns)
    return None


def _check_across_rules(rules: Sequence[_Rule], name: Namer) -> None:
    seen_priorities: Dict[int, _Rule] = {}
    for rule in rules:
        if isinstance(rule.priority, int):
            earlier = seen_priorities.get(rule.priority)
            if earlier is not None:
                # lifecycle_policy_parameters.html: "you must give them each a unique value".
                raise _fail(
                    name(rule.index, "rulePriority"),
                    rule.priority,
                    "a priority unique in the policy",
                    f"is also the priority of {name(earlier.index, '')}",
                )
            seen_priorities[rule.priority] = rule
    # LifecyclePolicies.html scopes the other rules to "all rules selecting a specific
    # storage class"; the examples page's archive policy has one 'any' rule per class.
    for storage_class in _STORAGE_CLASSES:
        _check_one_storage_class([r for r in rules if r.storage_class == storage_class], name)


def _check_one_storage_class(rules: Sequence[_Rule], name: Namer) -> None:
    firsts: Dict[str, _Rule] = {}
    for rule in rules:
        if rule.status in (TagStatus.ANY.value, TagStatus.UNTAGGED.value):
            earlier = firsts.get(rule.status)
            if earlier is not None:
                # lifecycle_policy_parameters.html: the 'any' rule must have the highest
                # rulePriority, so there is one; LifecyclePolicies.html: "Only one rule
                # selecting a specific storage class is allowed to select untagged images."
                raise _fail(
                    name(rule.index, "selection.tagStatus"),
                    rule.status,
                    f"at most one {rule.status!r} rule for the {rule.storage_class!r} storage class",
                    f"makes a second {rule.status!r} rule, after {name(earlier.index, '')}",
                )
            firsts[rule.status] = rule
    any_rule = firsts.get(TagStatus.ANY.value)
    if any_rule is not None and isinstance(any_rule.priority, int):
        above = [r for r in rules if isinstance(r.priority, int) and r.priority > any_rule.priority]
        if above:
            # lifecycle_policy_parameters.html: "A rule with a tagStatus value of any must
            # have the highest value for rulePriority and be evaluated last."
            raise _fail(
                name(any_rule.index, "rulePriority"),
                any_rule.priority,
                f"the highest priority of the {any_rule.storage_class!r} storage class's "
                "rules, for its 'any' rule",
                f"is below {above[0].priority}, the priority of {name(above[0].index, '')}",
            )
    filters: Dict[frozenset[str], _Rule] = {}
    for rule in rules:
        key = _filter_key(rule)
        if key is None:
            continue
        earlier = filters.get(key)
        if earlier is not None:
            # LifecyclePolicies.html: "The set of all rules selecting a specific storage
            # class must contain a unique set of prefixes." Two rules with one filter also
            # leave the lower one nothing to act on.
            path = "selection.tagPrefixList" if rule.prefixes is not None else "selection.tagPatternList"
            raise _fail(
                name(rule.index, path),
                list(rule.prefixes if rule.prefixes is not None else rule.patterns or ()),
                "a tag filter unique across the rules of a storage class",
                f"selects the same tags as {name(earlier.index, '')}",
            )
        filters[key] = rule


# --------------------------------------------------------------------------- preview


class Verdict(str, enum.Enum):
    """What a lifecycle policy does to an image."""

    EXPIRE = "expire"
    ARCHIVE = "archive"
    """Moved to the archive storage class by a ``transition`` rule."""
    KEEP = "keep"


@dataclass(frozen=True)
class ImageVerdict:
    """The fate of one image under a policy, with the rule that decides it."""

    digest: str
    tags: Tuple[str, ...]
    pushed_at: datetime
    verdict: Verdict
    rule_priority: Optional[int]
    """The rule that expires or archives the image, or that selected it first
    (and so keeps it from every lower rule); None when no rule selects it."""
    reason: str
    tie: bool = False
    """True when a count window's boundary falls between images pushed at the
    same instant: ECR does not document which of them it keeps."""
    storage_class: str = _STANDARD
    """``standard``, or ``archive`` for an archived image."""


@dataclass(frozen=True)
class LifecyclePreview:
    """What a policy would do to a set of images, at ``now``.

    ECR acts up to 24 hours after an image meets a rule's criteria
    (LifecyclePolicies.html), so this is a forecast, not a schedule. Images
    that a manifest list references are shown as a policy decides them,
    although ECR waits for the list to go first.
    """

    now: datetime
    images: Tuple[ImageVerdict, ...]
    """Every image, newest first (by push time, or the time it was restored
    from archive, then by digest)."""

    def _by(self, verdict: Verdict) -> Mapping[str, Optional[int]]:
        return {image.digest: image.rule_priority for image in self.images if image.verdict is verdict}

    @property
    def expired(self) -> Mapping[str, int]:
        """Digest -> ``rulePriority`` of the rule that expires the image."""
        return {digest: priority for digest, priority in self._by(Verdict.EXPIRE).items() if priority}

    @property
    def archived(self) -> Mapping[str, int]:
        """Digest -> ``rulePriority`` of the rule that moves the image to archive."""
        return {digest: priority for digest, priority in self._by(Verdict.ARCHIVE).items() if priority}

    @property
    def kept(self) -> Mapping[str, Optional[int]]:
        """Digest -> ``rulePriority`` of the rule that selected (and keeps) the
        image, or None when no rule selects it."""
        return self._by(Verdict.KEEP)


@dataclass(frozen=True)
class _Image:
    digest: str
    tags: Tuple[str, ...]
    pushed_at: datetime
    storage_class: str
    last_pulled_at: Optional[datetime]
    last_archived_at: Optional[datetime]
    last_activated_at: Optional[datetime]

    @property
    def active_since(self) -> datetime:
        """LifecyclePolicies.html: for an image restored from archive,
        "last_activated_at is used instead of pushed_at_time"."""
        return self.last_activated_at or self.pushed_at

    def reference(self, count_type: str) -> Tuple[str, datetime]:
        """What a ``since*`` count type measures, and from when."""
        if count_type == "sinceImageTransitioned" and self.last_archived_at is not None:
            return "archived", self.last_archived_at
        if count_type == "sinceImagePulled":
            # LifecyclePolicies.html: last_recorded_pulltime; pushed_at_time if never
            # pulled; last_activated_at if never pulled since it was restored.
            if self.last_pulled_at is not None and (
                self.last_activated_at is None or self.last_pulled_at >= self.last_activated_at
            ):
                return "last pulled", self.last_pulled_at
        if self.last_activated_at is not None:
            return "restored", self.last_activated_at
        return "pushed", self.pushed_at


def _as_utc(parameter: str, value: Any) -> datetime:
    allowed = "a datetime or an ISO-8601 string such as '2026-11-25T10:00:00Z' (UTC if no offset)"
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _fail(parameter, value, allowed, "is not an ISO-8601 date and time") from None
    if not isinstance(moment, datetime):
        raise _fail(parameter, value, allowed, f"is {type_name(value)}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _optional_time(item: Mapping[str, Any], key: str, where: str) -> Optional[datetime]:
    value = item.get(key)
    return None if value is None else _as_utc(f"{where}.{key}", value)


def _images(images: Iterable[Mapping[str, Any]]) -> List[_Image]:
    if isinstance(images, (str, bytes, Mapping)) or not isinstance(images, Iterable):
        raise _fail(
            "images",
            images,
            "an iterable of mappings with digest, tags and pushed_at",
            f"is {type_name(images)}",
        )
    parsed: List[_Image] = []
    seen: Dict[str, int] = {}
    for index, item in enumerate(images):
        where = f"images[{index}]"
        if not isinstance(item, Mapping):
            raise _fail(
                where, item, "a mapping with digest, tags and pushed_at", f"is {type_name(item)}"
            )
        digest = item.get("digest")
        if not isinstance(digest, str) or not digest:
            raise _fail(f"{where}.digest", digest, "a non-empty string", "is not one")
        if digest in seen:
            raise _fail(
                f"{where}.digest", digest, "a digest unique in images", f"repeats images[{seen[digest]}]"
            )
        seen[digest] = index
        tags = item.get("tags") or ()
        if isinstance(tags, (str, bytes)) or not isinstance(tags, Sequence) or not all(
            isinstance(tag, str) for tag in tags
        ):
            raise _fail(
                f"{where}.tags", tags, "a list of tag strings (empty when untagged)", "is not one"
            )
        if "pushed_at" not in item:
            raise _fail(f"{where}.pushed_at", _ABSENT, "a datetime or ISO-8601 string", "is missing")
        storage_class = item.get("storage_class", _STANDARD)
        if storage_class not in _STORAGE_CLASSES:
            raise _fail(
                f"{where}.storage_class", storage_class, "'standard' or 'archive'", "is neither"
            )
        archived_at = _optional_time(item, "last_archived_at", where)
        if storage_class == _ARCHIVE and archived_at is None:
            raise _fail(
                f"{where}.last_archived_at",
                _ABSENT,
                "the time an archived image was archived",
                "is missing",
            )
        parsed.append(
            _Image(
                digest,
                tuple(tags),
                _as_utc(f"{where}.pushed_at", item["pushed_at"]),
                storage_class,
                _optional_time(item, "last_pulled_at", where),
                archived_at,
                _optional_time(item, "last_activated_at", where),
            )
        )
    return parsed


def _concrete(rule: _Rule, name: Namer) -> None:
    """A preview needs values; a token is only known at apply."""
    for path, value in (
        ("rulePriority", rule.priority),
        ("selection.countNumber", rule.count_number),
        ("selection.tagStatus", rule.status),
    ):
        if isinstance(value, float) or (
            path == "selection.tagStatus" and value not in _TAG_STATUSES
        ):
            raise _fail(
                name(rule.index, path), value, "a value known at synth", "is an unresolved token"
            )
    for path, entries in (
        ("selection.tagPrefixList", rule.prefixes),
        ("selection.tagPatternList", rule.patterns),
    ):
        odd = [entry for entry in entries or () if not _TAG_PATTERN_RE.fullmatch(entry)]
        if odd and (is_token(list(odd)) or any(is_token(entry) for entry in odd)):
            raise _fail(
                name(rule.index, path),
                list(entries or ()),
                "tags known at synth",
                "holds an unresolved token",
            )


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f}"


def preview_lifecycle(
    policy: Union[str, Mapping[str, Any]],
    images: Iterable[Mapping[str, Any]],
    now: Union[datetime, str, None] = None,
) -> LifecyclePreview:
    """Which images ``policy`` would expire (or archive), and which rule decides each.

    ``images`` are mappings with ``digest`` (unique), ``tags`` (a list; empty
    or absent means untagged) and ``pushed_at`` (a datetime or an ISO-8601
    string; without an offset it is UTC). For policies with archive rules they
    may also hold ``storage_class`` (``"standard"``, the default, or
    ``"archive"``), ``last_pulled_at``, ``last_archived_at`` (required for an
    archived image) and ``last_activated_at`` (when it was restored). ``now``
    (a datetime or an ISO-8601 string) defaults to the current UTC time; a
    later ``now`` looks ahead.

    The policy is first checked with :func:`check_lifecycle_policy`. Then
    ECR's evaluation rules (LifecyclePolicies.html) are applied:

    * rules are applied in ascending ``rulePriority``, and each image is
      decided by exactly one rule or none: the first rule whose tag filter
      (and storage class) selects it. A lower rule can never expire it, even
      when that first rule keeps it;
    * a lower rule still *sees* the images that higher rules decided:
      ``imageCountMoreThan`` ranks all the images it selects, newest first,
      and acts on those beyond the count that no higher rule selected;
    * ``sinceImagePushed`` acts on images pushed (or restored) more than
      ``countNumber`` days (of 24 hours) before ``now``; ``sinceImagePulled``
      measures from the last pull (else the push or restore),
      ``sinceImageTransitioned`` from the archiving;
    * a multi-entry tag list is AND; prefixes are literal; in patterns ``*``
      matches any run of characters.

    Images pushed at the same instant are ranked by digest; when a count
    window's boundary splits such images, their verdicts say ``tie=True``.
    """
    document, length = _load(policy)
    checked = _check_document(document, length, _raw_name, "lifecycle_policy", "rules")
    for rule in checked:
        _concrete(rule, _raw_name)
    rules = sorted(checked, key=lambda rule: int(rule.priority))
    moment = _as_utc("now", now) if now is not None else datetime.now(timezone.utc)
    newest_first = sorted(
        _images(images), key=lambda image: (image.active_since, image.digest), reverse=True
    )

    decided: Dict[str, ImageVerdict] = {}
    for rule in rules:
        selected = [
            image
            for image in newest_first
            if image.storage_class == rule.storage_class
            and _selects_tags(rule.status, rule.prefixes or (), rule.patterns or (), image.tags)
        ]
        count = int(rule.count_number)
        acts = Verdict.ARCHIVE if rule.action == _TRANSITION else Verdict.EXPIRE
        verb = "archives" if acts is Verdict.ARCHIVE else "expires"
        tied_at: Optional[datetime] = None
        if rule.count_type == "imageCountMoreThan" and len(selected) > count:
            if selected[count - 1].active_since == selected[count].active_since:
                tied_at = selected[count].active_since
        for rank, image in enumerate(selected, start=1):
            if image.digest in decided:
                continue
            if rule.count_type == "imageCountMoreThan":
                act = rank > count
                reason = (
                    f"number {rank} of the {len(selected)} images rule {rule.priority} selects, "
                    f"newest first; it keeps {count}"
                )
            else:
                event, since = image.reference(rule.count_type)
                age = moment - since
                act = age > timedelta(days=count)
                reason = (
                    f"{event} {_days(age)} days before now; rule {rule.priority} {verb} "
                    f"images {event} more than {count} day{'s' if count != 1 else ''} before"
                )
            tie = tied_at is not None and image.active_since == tied_at
            if tie:
                reason += (
                    "; pushed at the same instant as an image on the other side of the "
                    "window, and ECR does not document which of them it keeps"
                )
            decided[image.digest] = ImageVerdict(
                image.digest,
                image.tags,
                image.pushed_at,
                acts if act else Verdict.KEEP,
                int(rule.priority),
                reason,
                tie,
                image.storage_class,
            )
    verdicts = tuple(
        decided.get(image.digest)
        or ImageVerdict(
            image.digest,
            image.tags,
            image.pushed_at,
            Verdict.KEEP,
            None,
            "no rule selects it",
            storage_class=image.storage_class,
        )
        for image in newest_first
    )
    return LifecyclePreview(now=moment, images=verdicts)
