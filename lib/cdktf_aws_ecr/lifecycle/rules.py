"""Typed lifecycle rules: :class:`LifecycleRule`, checked when made, and
:func:`assemble_lifecycle_policy`, which numbers them the way the AWS CDK does,
adds the rules that keep ``protected_tags``, and checks the whole policy."""

from __future__ import annotations

import enum
import inspect
import typing
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..checks import check_choice, check_count, check_tag_prefixes, string_list, type_name
from ..errors import ValidationError
from ..facts import MAX_COUNT, MAX_TAG_PATTERN_WILDCARDS, MIN_ARCHIVE_DAYS
from ..inputs import InputSpec, specs_text, type_text
from ..json_text import compact_json
from ..tokens import forged_token, forged_token_problem, is_token
from .policy_check import (
    ARCHIVE,
    DAYS,
    EXPIRE,
    TAG_PATTERN_RE,
    TAG_STATUSES,
    TRANSITION,
    TagStatus,
    check_document,
    wildcard_problem,
)

#: The count (or days in archive) of a rule made for a protected tag. ECR has no "keep"
#: action, so a protecting rule *expires* beyond a count no repository reaches (ECR's
#: default quota is 100,000 images): the cloudposse module's ``protected_tags_keep_count``
#: default, which its tests apply to real ECR.
PROTECT_COUNT = 999_999


class LifecycleAction(str, enum.Enum):
    """What a lifecycle rule does to the images beyond its count or age."""

    EXPIRE = "expire"
    """Delete them (ECR's ``expire`` action)."""
    ARCHIVE = "archive"
    """Move them to the archive storage class (ECR's ``transition`` action with
    ``targetStorageClass: archive``): they can no longer be pulled until they are
    restored, cost less to store, and stay there at least 90 days."""


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
    """Distinct tag patterns (at most 4 ``*`` each), or a list token as it is."""
    allowed = TAG_PATTERNS_ALLOWED
    items = string_list(parameter, value, allowed)
    if items is None:
        return tuple(value)
    if not items:
        raise ValidationError(parameter, value, allowed, problem="is empty")
    for item in items:
        if TAG_PATTERN_RE.fullmatch(item):
            problem = wildcard_problem(item)
            if problem is not None:
                raise ValidationError(parameter, value, allowed, problem=problem)
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


def _doc(*, description: str, allowed: str, default: str = "None") -> Dict[str, _FieldDoc]:
    """A field's documentation, for ``help(LifecycleRule)`` and the field table of docs/reference.md."""
    return {"doc": _FieldDoc(description, allowed, default)}


@dataclass(frozen=True, kw_only=True)
class LifecycleRule:
    """One rule of an ECR lifecycle policy, checked when it is made.

    Named like the AWS CDK's ``aws_ecr.LifecycleRule``, with the same defaults::

        LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14)
        LifecycleRule(tag_pattern_list=["v*"], max_image_count=30)  # TAGGED
        LifecycleRule(tag_status=TagStatus.ANY, max_image_count=500)

    A bad field raises :class:`ValidationError` naming it. Lists are stored as tuples and
    ``tag_status`` as a :class:`TagStatus`, so rules compare and hash by value."""

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
    ))
    tag_pattern_list: Optional[Sequence[str]] = field(default=None, metadata=_doc(
        description="Tag patterns where `*` matches any run of characters, e.g. `[\"v*\"]` or "
        "`[\"*-rc*\"]`; a pattern without `*` matches that exact tag. Several entries mean "
        "AND, as for prefixes.",
        allowed=f"distinct patterns of 1-128 characters of letters, digits, `_ . - *`, not "
        f"starting with `.` or `-`, at most {MAX_TAG_PATTERN_WILDCARDS} `*` each; or tokens; "
        "not with `tag_prefix_list`",
    ))
    max_image_count: Optional[int] = field(default=None, metadata=_doc(
        description="Keep the newest this many selected images (by push time) and expire (or "
        "archive) the rest (`imageCountMoreThan`).",
        allowed=f"1 to {MAX_COUNT}, or a number token; {_ONE_COUNT}",
    ))
    max_image_age_days: Optional[int] = field(default=None, metadata=_doc(
        description="Expire (or archive) selected images pushed more than this many days ago "
        "(`sinceImagePushed`).",
        allowed=f"1 to {MAX_COUNT}, or a number token; {_ONE_COUNT}",
    ))
    max_days_since_pull: Optional[int] = field(default=None, metadata=_doc(
        description="Archive selected images last pulled more than this many days ago, or "
        "pushed (or restored) that long ago if never pulled since (`sinceImagePulled`). ECR "
        "only archives by this count, so the action is `ARCHIVE`.",
        allowed=f"1 to {MAX_COUNT}, or a number token; {_ONE_COUNT}",
    ))
    max_days_in_archive: Optional[int] = field(default=None, metadata=_doc(
        description="Expire *archived* images that have been in archive storage more than this "
        "many days (`storageClass: archive`, `sinceImageTransitioned`). Such a rule looks only "
        "at archived images; every other rule only at active ones.",
        allowed=f"{MIN_ARCHIVE_DAYS} (ECR's minimum archive storage) to {MAX_COUNT}, or a "
        f"number token; {_ONE_COUNT}",
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
        implied = LifecycleAction.EXPIRE
        if count_field == "max_days_since_pull":
            implied = LifecycleAction.ARCHIVE
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
        if value not in TAG_STATUSES:
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
            selection["storageClass"] = ARCHIVE
        selection["countType"] = count_type
        if count_type != "imageCountMoreThan":
            selection["countUnit"] = DAYS
        selection["countNumber"] = getattr(self, count_field)
        rule: Dict[str, Any] = {"rulePriority": rule_priority}
        if self.description is not None:
            rule["description"] = self.description
        rule["selection"] = selection
        rule["action"] = (
            {"type": TRANSITION, "targetStorageClass": ARCHIVE}
            if self.action is LifecycleAction.ARCHIVE
            else {"type": EXPIRE}
        )
        return rule

    @property
    def selects_archived(self) -> bool:
        """Whether the rule looks at archived images (and only at those)."""
        return self.max_days_in_archive is not None


def lifecycle_rule_fields() -> Tuple[InputSpec, ...]:
    """The fields of :class:`LifecycleRule`, in order, as docs/reference.md shows them."""
    hints = typing.get_type_hints(LifecycleRule)
    specs = []
    for item in fields(LifecycleRule):
        doc: _FieldDoc = item.metadata["doc"]
        hint = type_text(hints[item.name])
        specs.append(InputSpec(item.name, hint, doc.default, doc.allowed, doc.description))
    return tuple(specs)


LifecycleRule.__doc__ = "\n\n".join(
    [inspect.cleandoc(LifecycleRule.__doc__ or ""), specs_text("Fields:", lifecycle_rule_fields())]
)


def _protect_rule(pattern: str, rule_priority: int, archived: bool) -> Dict[str, Any]:
    """A rule that claims the images tagged ``pattern`` (so no lower rule of its storage class
    acts on them) and expires beyond :data:`PROTECT_COUNT` images, or days in archive."""
    return LifecycleRule(
        tag_pattern_list=[pattern],
        max_image_count=None if archived else PROTECT_COUNT,
        max_days_in_archive=PROTECT_COUNT if archived else None,
        description=f"Never expire {'archived ' if archived else ''}images tagged {pattern}",
    ).as_policy_rule(rule_priority)


def assemble_lifecycle_policy(
    lifecycle_rules: Sequence[LifecycleRule] = (),
    protected_tags: Sequence[str] = (),
) -> Dict[str, Any]:
    """The whole policy document (AWS's camelCase keys) for typed rules, checked as
    :func:`check_lifecycle_policy` checks it; errors name ``lifecycle_rules[i].<field>`` or
    ``protected_tags[j]``.

    Priorities, as in the AWS CDK: explicit ``rule_priority`` values are kept; the other
    rules follow the highest explicit one, in the order given; the ``ANY`` rule comes last.

    Each of ``protected_tags`` (tag patterns) gets its own rule (several entries in one
    list would mean AND), at priorities 1, 2, ... ahead of ``lifecycle_rules``: ECR never
    lets a lower rule act on an image a higher rule's filter matched. With a rule for
    archived images, each pattern gets a second rule for the archive storage class.
    Protected images still take places in a lower rule's ``imageCountMoreThan`` window."""
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

    check_document(
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
    """The seed module's two rules, typed (expire untagged images by age, keep the newest
    images whose tags match *every* prefix), which assemble into exactly the seed's policy.
    ``render`` writes the counts, which may be tokens, into the descriptions."""
    return (
        LifecycleRule(
            tag_status=TagStatus.UNTAGGED,
            max_image_age_days=untagged_image_expiry_days,
            description="Expire untagged images older than "
            f"{render(untagged_image_expiry_days)} days",
        ),
        LifecycleRule(
            tag_prefix_list=tag_prefixes,
            max_image_count=max_tagged_image_count,
            description=f"Keep only the most recent {render(max_tagged_image_count)} tagged images",
        ),
    )
