"""The whole-policy check: everything ECR's ``PutLifecyclePolicy`` rejects, as
:class:`ValidationError`; its parsed rules feed the simulator."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..checks import check_choice, check_count, type_name
from ..errors import ValidationError
from ..facts import (
    MAX_LIFECYCLE_POLICY_LENGTH,
    MAX_LIFECYCLE_RULES,
    MAX_TAG_PATTERN_WILDCARDS,
    MIN_ARCHIVE_DAYS,
    MIN_LIFECYCLE_POLICY_LENGTH,
    TAG_PATTERN_PATTERN,
)
from ..json_text import compact_json

# The checks cite these AWS pages by file name:
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html (evaluation rules)
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html


class TagStatus(str, enum.Enum):
    """Which images a lifecycle rule looks at, by whether they carry tags."""

    TAGGED = "tagged"
    """Images with at least one tag that matches the rule's prefix or pattern list."""
    UNTAGGED = "untagged"
    """Images without any tag. At most one rule of a policy may select them."""
    ANY = "any"
    """Every image. At most one such rule, and it must have the highest priority."""


TAG_STATUSES = tuple(status.value for status in TagStatus)
COUNT_TYPES = (
    "imageCountMoreThan", "sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned"
)
DAYS = "days"
EXPIRE = "expire"
TRANSITION = "transition"
STANDARD = "standard"
ARCHIVE = "archive"
STORAGE_CLASSES = (STANDARD, ARCHIVE)
_POLICY_KEYS = frozenset({"rules"})
_RULE_KEYS = frozenset({"rulePriority", "description", "selection", "action"})
_RULE_REQUIRED = ("rulePriority", "selection", "action")
_SELECTION_KEYS = frozenset({
    "tagStatus", "tagPrefixList", "tagPatternList", "storageClass", "countType", "countUnit",
    "countNumber",
})
_SELECTION_REQUIRED = ("tagStatus", "countType", "countNumber")
_ACTION_KEYS = frozenset({"type", "targetStorageClass"})

TAG_PATTERN_RE = re.compile(TAG_PATTERN_PATTERN, re.ASCII)


def wildcard_problem(pattern: Any) -> Optional[str]:
    """Why a tag pattern has too many ``*``, or None."""
    # LifecyclePolicies.html: "a maximum limit of four wildcards (*) per string".
    if isinstance(pattern, str) and pattern.count("*") > MAX_TAG_PATTERN_WILDCARDS:
        return f"holds {pattern!r}, with {pattern.count('*')} '*'"
    return None


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()

#: (index of a rule in ``rules``, AWS path inside the rule or "") -> parameter name.
Namer = Callable[[int, str], str]


def rule_path(index: int, path: str) -> str:
    """The name of a field of a policy document's rule, e.g. ``rules[2].selection.tagStatus``."""
    return f"rules[{index}]" + (f".{path}" if path else "")


def fail(parameter: str, value: Any, allowed: str, problem: str) -> ValidationError:
    return ValidationError(parameter, value, allowed, problem=problem)


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
    """Raise :class:`ValidationError` for anything ECR's ``PutLifecyclePolicy`` rejects,
    archive rules included.

    ``policy`` is the JSON text (measured as it is), or the document as a mapping (measured
    as Terraform's ``jsonencode`` writes it). Errors name the place, such as
    ``rules[2].selection.tagStatus`` (counting from 0). Unresolved tokens pass the checks
    that need their value."""
    checked_rules(policy)


def checked_rules(policy: Union[str, Mapping[str, Any]]) -> List[CheckedRule]:
    """The rules of a policy that passes :func:`check_lifecycle_policy`, in the document's order."""
    document, length = _load(policy)
    return check_document(document, length, rule_path, "lifecycle_policy", "rules")


def _check_object(
    parameter: str,
    value: Any,
    keys: frozenset[str],
    required: Sequence[str],
    child: Callable[[str], str],
) -> Mapping[str, Any]:
    allowed = f"a JSON object with the keys {', '.join(sorted(keys))}"
    if not isinstance(value, Mapping):
        raise fail(parameter, value, allowed, f"is {type_name(value)}")
    for key in value:
        if key not in keys:
            raise fail(child(str(key)), value[key], allowed, "is not a key ECR knows here")
        if value[key] is None:
            # ECR's schema refuses null: a null field fails with "instance failed to
            # match exactly one schema" (cloudposse/terraform-aws-ecr issue #158).
            raise fail(child(key), None, "the key left out, or a value", "is null")
    for key in required:
        if key not in value:
            raise fail(child(key), ABSENT, f"{allowed}; {key} is required", "is missing")
    return value


def check_document(
    document: Any, length: int, name: Namer, policy_name: str, rules_name: str
) -> List[CheckedRule]:
    """Every rule checked, in the document's order; ``policy_name`` and
    ``rules_name`` name the whole policy and its rule list in errors."""
    # API_PutLifecyclePolicy.html: lifecyclePolicyText is 100 to 30,720 characters.
    if not MIN_LIFECYCLE_POLICY_LENGTH <= length <= MAX_LIFECYCLE_POLICY_LENGTH:
        raise fail(
            policy_name,
            document,
            f"a policy text of {MIN_LIFECYCLE_POLICY_LENGTH} to "
            f"{MAX_LIFECYCLE_POLICY_LENGTH} characters",
            f"is {length} characters long",
        )
    top = _check_object(policy_name, document, _POLICY_KEYS, ("rules",), lambda key: key)
    rules = top["rules"]
    allowed_rules = f"a list of 1 to {MAX_LIFECYCLE_RULES} rules"
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence):
        raise fail(rules_name, rules, allowed_rules, f"is {type_name(rules)}")
    if not rules:
        raise fail(rules_name, rules, allowed_rules, "is empty")
    # service-quotas.html: "Rules per lifecycle policy" is 50, not adjustable.
    if len(rules) > MAX_LIFECYCLE_RULES:
        raise fail(rules_name, f"{len(rules)} rules", allowed_rules, f"has {len(rules)} rules")
    checked = [_check_rule(index, rule, name) for index, rule in enumerate(rules)]
    _check_across_rules(checked, name)
    return checked


@dataclass(frozen=True)
class CheckedRule:
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


def _check_rule(index: int, rule: Any, name: Namer) -> CheckedRule:
    def here(path: str) -> str:
        return name(index, path)

    _check_object(here(""), rule, _RULE_KEYS, _RULE_REQUIRED, here)
    # lifecycle_policy_parameters.html: rulePriority is a unique integer; 0 is not accepted.
    priority = check_count(here("rulePriority"), rule["rulePriority"], 1)
    if "description" in rule and not isinstance(rule["description"], str):
        raise fail(
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
        raise fail(
            here("selection.tagPatternList"),
            selection["tagPatternList"],
            "at most one of tagPrefixList and tagPatternList in a rule",
            "is given together with tagPrefixList",
        )
    if status == TagStatus.TAGGED.value and prefixes is None and patterns is None:
        # lifecycle_policy_parameters.html: "If you specify tagged, then you must also
        # specify a tagPrefixList value or a tagPatternList value."
        raise fail(
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
        raise fail(
            here(f"selection.{key}"),
            selection[key],
            "no tag list unless tagStatus is 'tagged'",
            f"is given with tagStatus {status!r}",
        )
    for pattern in patterns or ():
        problem = wildcard_problem(pattern)
        if problem is not None:
            raise fail(
                here("selection.tagPatternList"),
                selection["tagPatternList"],
                f"patterns with at most {MAX_TAG_PATTERN_WILDCARDS} '*' each",
                problem,
            )
    count_type = selection["countType"]
    if count_type not in COUNT_TYPES:
        raise fail(
            here("selection.countType"),
            count_type,
            " or ".join(repr(value) for value in COUNT_TYPES),
            "is not a count type ECR knows",
        )
    # lifecycle_policy_parameters.html: countUnit "days" is required with the since*
    # count types, and "an error will occur if you specify a count unit when countType
    # is any other value".
    if count_type == "imageCountMoreThan" and "countUnit" in selection:
        raise fail(
            here("selection.countUnit"),
            selection["countUnit"],
            "no countUnit with countType 'imageCountMoreThan'",
            "is given with countType 'imageCountMoreThan'",
        )
    if count_type != "imageCountMoreThan" and selection.get("countUnit", ABSENT) != DAYS:
        raise fail(
            here("selection.countUnit"),
            selection.get("countUnit", ABSENT),
            f"'days' with countType {count_type!r}",
            "is missing" if "countUnit" not in selection else "is not 'days'",
        )
    # lifecycle_policy_parameters.html: countNumber is a positive integer (0 is not accepted).
    count_number = check_count(here("selection.countNumber"), selection["countNumber"], 1)
    storage_class = selection.get("storageClass", STANDARD)
    # lifecycle_policy_parameters.html: storageClass is required, and only 'archive', with
    # sinceImageTransitioned; with the other count types the only supported value is 'standard'.
    wanted_class = ARCHIVE if count_type == "sinceImageTransitioned" else STANDARD
    if storage_class != wanted_class:
        raise fail(
            here("selection.storageClass"),
            selection.get("storageClass", ABSENT),
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
        raise fail(
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
    if kind not in (EXPIRE, TRANSITION):
        raise fail(
            here("action.type"), kind, "'expire' or 'transition'", "is not an action ECR knows"
        )
    if kind == TRANSITION and action.get("targetStorageClass", ABSENT) != ARCHIVE:
        raise fail(
            here("action.targetStorageClass"),
            action.get("targetStorageClass", ABSENT),
            "'archive' with action type 'transition'",
            "is missing" if "targetStorageClass" not in action else "is not 'archive'",
        )
    if kind == EXPIRE and "targetStorageClass" in action:
        raise fail(
            here("action.targetStorageClass"),
            action["targetStorageClass"],
            "no targetStorageClass with action type 'expire'",
            "is given with action type 'expire'",
        )
    # lifecycle_policy_examples.html: sinceImagePulled "must be used with the transition
    # action"; sinceImageTransitioned "must be used with the expire action".
    wanted_kind = {"sinceImagePulled": TRANSITION, "sinceImageTransitioned": EXPIRE}.get(count_type)
    if wanted_kind is not None and kind != wanted_kind:
        raise fail(
            here("action.type"),
            kind,
            f"{wanted_kind!r} with countType {count_type!r}",
            f"is not {wanted_kind!r}",
        )
    return CheckedRule(
        index, priority, status, prefixes, patterns, count_type, count_number, storage_class, kind
    )


def _check_tag_list(parameter: str, value: Any) -> Optional[Tuple[Any, ...]]:
    """The entries of a tagPrefixList/tagPatternList, None when absent."""
    if value is None:
        return None
    allowed = "a non-empty list of non-empty strings"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise fail(parameter, value, allowed, f"is {type_name(value)}")
    items = tuple(value)
    if not items:
        raise fail(parameter, value, allowed, "is empty")
    for item in items:
        if not isinstance(item, str) or not item:
            raise fail(parameter, value, allowed, f"holds {item!r}")
    return items


def _filter_key(rule: CheckedRule) -> Optional[frozenset[str]]:
    """What a tagged rule selects, as a set of patterns; None for other rules."""
    if rule.prefixes is not None:
        if any("*" in prefix for prefix in rule.prefixes):
            return frozenset(f"prefix:{prefix}" for prefix in rule.prefixes)
        return frozenset(f"{prefix}*" for prefix in rule.prefixes)
    if rule.patterns is not None:
        return frozenset(rule.patterns)
    return None


def _check_across_rules(rules: Sequence[CheckedRule], name: Namer) -> None:
    seen_priorities: Dict[int, CheckedRule] = {}
    for rule in rules:
        if isinstance(rule.priority, int):
            earlier = seen_priorities.get(rule.priority)
            if earlier is not None:
                # lifecycle_policy_parameters.html: "you must give them each a unique value".
                raise fail(
                    name(rule.index, "rulePriority"),
                    rule.priority,
                    "a priority unique in the policy",
                    f"is also the priority of {name(earlier.index, '')}",
                )
            seen_priorities[rule.priority] = rule
    # LifecyclePolicies.html scopes the other rules to "all rules selecting a specific
    # storage class"; the examples page's archive policy has one 'any' rule per class.
    for storage_class in STORAGE_CLASSES:
        _check_one_storage_class([r for r in rules if r.storage_class == storage_class], name)


def _check_one_storage_class(rules: Sequence[CheckedRule], name: Namer) -> None:
    firsts: Dict[str, CheckedRule] = {}
    for rule in rules:
        if rule.status in (TagStatus.ANY.value, TagStatus.UNTAGGED.value):
            earlier = firsts.get(rule.status)
            if earlier is not None:
                # lifecycle_policy_parameters.html: the 'any' rule must have the highest
                # rulePriority, so there is one; LifecyclePolicies.html: "Only one rule
                # selecting a specific storage class is allowed to select untagged images."
                raise fail(
                    name(rule.index, "selection.tagStatus"),
                    rule.status,
                    f"at most one {rule.status!r} rule for the {rule.storage_class!r} "
                    "storage class",
                    f"makes a second {rule.status!r} rule, after {name(earlier.index, '')}",
                )
            firsts[rule.status] = rule
    any_rule = firsts.get(TagStatus.ANY.value)
    if any_rule is not None and isinstance(any_rule.priority, int):
        above = [r for r in rules if isinstance(r.priority, int) and r.priority > any_rule.priority]
        if above:
            # lifecycle_policy_parameters.html: "A rule with a tagStatus value of any must
            # have the highest value for rulePriority and be evaluated last."
            raise fail(
                name(any_rule.index, "rulePriority"),
                any_rule.priority,
                f"the highest priority of the {any_rule.storage_class!r} storage class's "
                "rules, for its 'any' rule",
                f"is below {above[0].priority}, the priority of {name(above[0].index, '')}",
            )
    filters: Dict[frozenset[str], CheckedRule] = {}
    for rule in rules:
        key = _filter_key(rule)
        if key is None:
            continue
        earlier = filters.get(key)
        if earlier is not None:
            # LifecyclePolicies.html: "The set of all rules selecting a specific storage
            # class must contain a unique set of prefixes." Two rules with one filter also
            # leave the lower one nothing to act on.
            which = "tagPrefixList" if rule.prefixes is not None else "tagPatternList"
            raise fail(
                name(rule.index, f"selection.{which}"),
                list(rule.prefixes if rule.prefixes is not None else rule.patterns or ()),
                "a tag filter unique across the rules of a storage class",
                f"selects the same tags as {name(earlier.index, '')}",
            )
        filters[key] = rule
