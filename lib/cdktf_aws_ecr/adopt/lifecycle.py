"""A live lifecycle policy as the library declares it: the seed module's keywords when it is
their policy, typed rules when they give the same policy, else the policy as written.

"The same" is what the provider compares (:mod:`.equivalence`): a lifecycle policy whose
text differs is replaced, so only an equivalent declaration adopts it without a change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from ..errors import ValidationError
from ..lifecycle.policy_check import check_lifecycle_policy
from ..lifecycle.rules import (
    LifecycleAction,
    LifecycleRule,
    assemble_lifecycle_policy,
    seed_lifecycle_rules,
)
from .equivalence import lifecycle_policies_equivalent

#: ``Repository``'s defaults for the seed's lifecycle keywords (``RepositoryProps``; its
#: module binds the provider, so they are restated here and held to it by a test).
SEED_DEFAULTS: Dict[str, Any] = {
    "untagged_image_expiry_days": 14,
    "max_tagged_image_count": 30,
    "lifecycle_tag_prefix_list": ("v",),
}

_COUNT_FIELDS = {
    "imageCountMoreThan": "max_image_count",
    "sinceImagePushed": "max_image_age_days",
    "sinceImagePulled": "max_days_since_pull",
    "sinceImageTransitioned": "max_days_in_archive",
}


def default_policy() -> Dict[str, Any]:
    """The policy a repository gets when it declares no lifecycle rules."""
    rules = seed_lifecycle_rules(
        SEED_DEFAULTS["untagged_image_expiry_days"],
        SEED_DEFAULTS["max_tagged_image_count"],
        SEED_DEFAULTS["lifecycle_tag_prefix_list"],
    )
    return assemble_lifecycle_policy(rules)


DEFAULT_POLICY_TEXT = (
    "the library's default lifecycle policy (untagged images expire 14 days after push; of "
    "the images tagged v..., only the newest 30 are kept)"
)


@dataclass
class LifecycleCode:
    """How a repository declares its live lifecycle policy; exactly one field is set,
    or none when the library cannot take it over (``refused`` says why)."""

    seed_keywords: Dict[str, Any] = field(default_factory=dict)
    rules: List[LifecycleRule] = field(default_factory=list)
    document: Optional[Dict[str, Any]] = None
    refused: Optional[str] = None


def _typed(rule: Mapping[str, Any]) -> LifecycleRule:
    selection = rule["selection"]
    count_field = _COUNT_FIELDS[selection["countType"]]
    action = rule["action"]["type"]
    return LifecycleRule(
        tag_status=selection["tagStatus"],
        tag_prefix_list=selection.get("tagPrefixList"),
        tag_pattern_list=selection.get("tagPatternList"),
        action=LifecycleAction.ARCHIVE if action == "transition" else LifecycleAction.EXPIRE,
        rule_priority=rule["rulePriority"],
        description=rule.get("description"),
        **{count_field: selection["countNumber"]},
    )


def _as_seed(rules: List[LifecycleRule], live: Any) -> Optional[Dict[str, Any]]:
    """The seed keywords whose two rules make exactly ``live``, or None."""
    if len(rules) != 2:
        return None
    untagged, tagged = sorted(rules, key=lambda r: r.rule_priority or 0)
    if untagged.max_image_age_days is None or tagged.max_image_count is None:
        return None
    prefixes = tagged.tag_prefix_list
    if not prefixes or len(prefixes) > 1:
        # Several prefixes would warn that they mean AND (LifecycleTagPrefixListWarning) at
        # every synth; typed rules write the same policy without it.
        return None
    try:
        seed = seed_lifecycle_rules(untagged.max_image_age_days, tagged.max_image_count, prefixes)
        document = assemble_lifecycle_policy(seed)
    except ValidationError:
        return None
    if not lifecycle_policies_equivalent(document, live):
        return None
    return {
        "untagged_image_expiry_days": untagged.max_image_age_days,
        "max_tagged_image_count": tagged.max_image_count,
        "lifecycle_tag_prefix_list": list(prefixes),
    }


def _fractions(text: str) -> List[str]:
    """The numbers of ``text`` written with a fraction or exponent (``5.0``)."""
    found: List[str] = []
    json.loads(text, parse_float=lambda number: found.append(number))
    return found


def declared_lifecycle_policy(text: str) -> LifecycleCode:
    """How to declare the live policy ``text`` so that the plan sees no difference."""
    try:
        fractions = _fractions(text)
    except ValueError as error:
        return LifecycleCode(refused=f"it is not JSON ({error})")
    if fractions:
        # The library's checks would ask jsii whether such a number is a token.
        return LifecycleCode(refused=f"the library refuses it: {fractions[0]} is not written "
                             "as a whole number")
    try:
        check_lifecycle_policy(text)
    except ValidationError as error:
        return LifecycleCode(refused=f"the library refuses it: {error}")
    live = json.loads(text)
    try:
        rules = [_typed(rule) for rule in live["rules"]]
        typed: Optional[Dict[str, Any]] = assemble_lifecycle_policy(rules)
    except (ValidationError, KeyError):
        rules, typed = [], None
    if rules:
        seed = _as_seed(rules, live)
        if seed is not None:
            return LifecycleCode(seed_keywords=seed)
    if typed is not None and lifecycle_policies_equivalent(typed, live):
        return LifecycleCode(rules=rules)
    return LifecycleCode(document=live)
