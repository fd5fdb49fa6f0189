"""preview_lifecycle against AWS's worked examples, and the edge cases around them.

The examples are transcribed from "Examples of lifecycle policies in Amazon
ECR", https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html
(each test names its section). "Pushed: N days ago" becomes ``NOW - N days``.
The page first wrote its examples with ``tagPrefixList`` and now writes them
with ``tagPatternList``; both versions are checked where it had both.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Sequence

import pytest
from cdktf import Fn, Token
from hypothesis import given, settings, strategies as st

from cdktf_aws_ecr.errors import ValidationError
from cdktf_aws_ecr.lifecycle.rules import LifecycleRule, TagStatus, assemble_lifecycle_policy
from cdktf_aws_ecr.lifecycle.simulator import (
    ImageVerdict,
    Verdict,
    preview_lifecycle,
    tag_pattern_matches,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def image(digest: str, tags: Sequence[str], pushed_at: Any) -> Dict[str, Any]:
    return {"digest": digest, "tags": list(tags), "pushed_at": pushed_at}


def rule(
    priority: int,
    status: str,
    count: int,
    count_type: str = "imageCountMoreThan",
    **lists: List[str],
) -> Dict[str, Any]:
    selection: Dict[str, Any] = {"tagStatus": status, **lists, "countType": count_type, "countNumber": count}
    if count_type == "sinceImagePushed":
        selection["countUnit"] = "days"
    return {
        "rulePriority": priority,
        "description": f"Rule {priority}",
        "selection": selection,
        "action": {"type": "expire"},
    }


def policy(*rules: Dict[str, Any]) -> Dict[str, Any]:
    return {"rules": list(rules)}


def tag_list(kind: str, *stems: str) -> Dict[str, List[str]]:
    """The page's filter in either form: prefixes ``stem`` or patterns ``stem*``."""
    if kind == "prefix":
        return {"tagPrefixList": list(stems)}
    return {"tagPatternList": [f"{stem}*" for stem in stems]}


BOTH_FORMS = pytest.mark.parametrize("kind", ["prefix", "pattern"])


# --------------------------------------------------------------------------- AWS examples


def test_filtering_on_image_age() -> None:
    """Section "Filtering on image age": expire images tagged prod* older than 14 days.

    The page gives the policy and its intent but no images; these illustrate it.
    """
    # GIVEN the page's policy and prod/dev images either side of 14 days
    document = policy(rule(1, "tagged", 14, "sinceImagePushed", tagPatternList=["prod*"]))
    images = [
        image("old-prod", ["prod"], days_ago(15)),
        image("new-prod", ["production-2"], days_ago(13)),
        image("old-dev", ["dev-1"], days_ago(30)),
        image("old-untagged", [], days_ago(30)),
    ]
    # WHEN previewed
    preview = preview_lifecycle(document, images, NOW)
    # THEN only the prod image older than 14 days expires
    assert preview.expired == {"old-prod": 1}
    assert preview.kept == {"new-prod": 1, "old-dev": None, "old-untagged": None}


def test_filtering_on_image_count() -> None:
    """Section "Filtering on image count": keep only one untagged image, expire all others."""
    document = policy(rule(1, "untagged", 1))
    images = [
        image("u1", [], days_ago(3)),
        image("u2", [], days_ago(2)),
        image("u3", [], days_ago(1)),
        image("t1", ["v1"], days_ago(9)),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"u1": 1, "u2": 1}
    assert preview.kept == {"u3": 1, "t1": None}


MULTIPLE_RULES_IMAGES = [
    image("A", ["beta-1", "prod-1"], days_ago(10)),
    image("B", ["beta-2", "prod-2"], days_ago(9)),
    image("C", ["beta-3"], days_ago(8)),
]


@BOTH_FORMS
def test_filtering_on_multiple_rules_example_a(kind: str) -> None:
    """Section "Filtering on multiple rules", Example A. Result: Image A is expired.

    Rule 2 would mark A and B, but both were seen by rule 1, which keeps B.
    """
    document = policy(
        rule(1, "tagged", 1, **tag_list(kind, "prod")),
        rule(2, "tagged", 1, **tag_list(kind, "beta")),
    )
    preview = preview_lifecycle(document, MULTIPLE_RULES_IMAGES, NOW)
    assert preview.expired == {"A": 1}
    assert preview.kept == {"C": 2, "B": 1}


@BOTH_FORMS
def test_filtering_on_multiple_rules_example_b(kind: str) -> None:
    """Section "Filtering on multiple rules", Example B (priorities swapped).
    Result: Images A and B are expired; rule 2 sees nothing new."""
    document = policy(
        rule(1, "tagged", 1, **tag_list(kind, "beta")),
        rule(2, "tagged", 1, **tag_list(kind, "prod")),
    )
    preview = preview_lifecycle(document, MULTIPLE_RULES_IMAGES, NOW)
    assert preview.expired == {"A": 1, "B": 1}
    assert preview.kept == {"C": 1}


@BOTH_FORMS
def test_filtering_on_multiple_tags_in_a_single_rule_example_a(kind: str) -> None:
    """Section "Filtering on multiple tags in a single rule", Example A: the rule
    sees only C and F (both lists must match) and expires C, older than 5 days."""
    document = policy(rule(1, "tagged", 5, "sinceImagePushed", **tag_list(kind, "alpha", "beta")))
    images = [
        image("A", ["alpha-1"], days_ago(12)),
        image("B", ["beta-1"], days_ago(11)),
        image("C", ["alpha-2", "beta-2"], days_ago(10)),
        image("D", ["alpha-3"], days_ago(4)),
        image("E", ["beta-3"], days_ago(3)),
        image("F", ["alpha-4", "beta-4"], days_ago(2)),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"C": 1}
    assert preview.kept == {"F": 1, "E": None, "D": None, "B": None, "A": None}


@BOTH_FORMS
def test_filtering_on_multiple_tags_in_a_single_rule_example_b(kind: str) -> None:
    """Section "Filtering on multiple tags in a single rule", Example B: tags are
    not exclusive. Result: Images A and B are expired."""
    document = policy(rule(1, "tagged", 1, **tag_list(kind, "alpha", "beta")))
    images = [
        image("A", ["alpha-1", "beta-1", "gamma-1"], days_ago(10)),
        image("B", ["alpha-2", "beta-2"], days_ago(9)),
        image("C", ["alpha-3", "beta-3", "gamma-2"], days_ago(8)),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"A": 1, "B": 1}
    assert preview.kept == {"C": 1}


def test_filtering_on_all_images_example_a() -> None:
    """Section "Filtering on all images", Example A: an any rule keeping one image.
    Result: Images A, B, and C are expired."""
    document = policy(rule(1, "any", 1))
    images = [
        image("A", ["alpha-1"], days_ago(4)),
        image("B", ["beta-1"], days_ago(3)),
        image("C", [], days_ago(2)),
        image("D", ["alpha-2"], days_ago(1)),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"A": 1, "B": 1, "C": 1}
    assert preview.kept == {"D": 1}


ALL_RULE_TYPES_POLICY = policy(
    rule(1, "tagged", 1, tagPatternList=["alpha*"]),
    rule(2, "untagged", 1, "sinceImagePushed"),
    rule(3, "any", 1),
)


def all_rule_types_images(d_pushed: datetime, e_pushed: datetime) -> List[Dict[str, Any]]:
    return [
        image("A", ["alpha-1", "beta-1"], days_ago(4)),
        image("B", [], days_ago(3)),
        image("C", ["alpha-2"], days_ago(2)),
        image("D", ["git hash"], d_pushed),
        image("E", [], e_pushed),
    ]


def test_filtering_on_all_images_example_b_tagged_and_untagged_in_one_policy() -> None:
    """Section "Filtering on all images", Example B: tagged, untagged and any rules
    in one policy. Result: Images A, B, and D are expired.

    The page lists D and E both as "Pushed: 1 day ago". Its outcome needs E
    newer than D (rule 3 keeps the newest image, E, and expires D) and E not
    older than one day (rule 2 keeps it), so D is 25 hours old and E 23.
    """
    # GIVEN the page's policy and images
    images = all_rule_types_images(NOW - timedelta(hours=25), NOW - timedelta(hours=23))
    # WHEN previewed
    preview = preview_lifecycle(ALL_RULE_TYPES_POLICY, images, NOW)
    # THEN A by rule 1, B by rule 2, D by rule 3; rule 3 cannot expire A, B, C or E
    assert preview.expired == {"A": 1, "B": 2, "D": 3}
    assert preview.kept == {"E": 2, "C": 1}
    # AND each verdict says why, newest first
    assert preview.images == (
        ImageVerdict("E", (), NOW - timedelta(hours=23), Verdict.KEEP, 2,
                     "pushed 1.0 days before now; rule 2 expires images pushed more than 1 day before"),
        ImageVerdict("D", ("git hash",), NOW - timedelta(hours=25), Verdict.EXPIRE, 3,
                     "number 2 of the 5 images rule 3 selects, newest first; it keeps 1"),
        ImageVerdict("C", ("alpha-2",), days_ago(2), Verdict.KEEP, 1,
                     "number 1 of the 2 images rule 1 selects, newest first; it keeps 1"),
        ImageVerdict("B", (), days_ago(3), Verdict.EXPIRE, 2,
                     "pushed 3.0 days before now; rule 2 expires images pushed more than 1 day before"),
        ImageVerdict("A", ("alpha-1", "beta-1"), days_ago(4), Verdict.EXPIRE, 1,
                     "number 2 of the 2 images rule 1 selects, newest first; it keeps 1"),
    )


# --------------------------------------------------------------------------- edge cases


def test_a_tie_at_a_window_boundary_is_flagged_and_broken_by_digest() -> None:
    # GIVEN all-images Example B with D and E pushed at the very same instant
    same = NOW - timedelta(hours=23)
    preview = preview_lifecycle(ALL_RULE_TYPES_POLICY, all_rule_types_images(same, same), NOW)
    # THEN the larger digest ranks newer, so rule 3 keeps E's place and expires D,
    # and D's verdict says ECR's order is undocumented
    verdicts = {v.digest: v for v in preview.images}
    assert preview.expired == {"A": 1, "B": 2, "D": 3}
    assert verdicts["D"].tie is True
    assert "ECR does not document which of them it keeps" in verdicts["D"].reason
    assert [v.digest for v in preview.images if v.tie] == ["D"]  # E is decided by rule 2


def test_the_result_does_not_depend_on_the_order_of_the_images() -> None:
    images = all_rule_types_images(NOW, NOW) + [image("F", ["alpha-9"], NOW)]
    shuffled = list(images)
    random.Random(7).shuffle(shuffled)
    assert preview_lifecycle(ALL_RULE_TYPES_POLICY, images, NOW) == preview_lifecycle(
        ALL_RULE_TYPES_POLICY, shuffled, NOW
    )


def test_a_multi_entry_list_is_and_and_different_tags_may_satisfy_different_entries() -> None:
    # GIVEN the seed-style prefix list ["v", "sha-"] that issue 9 is about
    document = policy(rule(1, "tagged", 1, tagPrefixList=["v", "sha-"]))
    images = [
        image("only-v", ["v1.0"], days_ago(5)),
        image("only-sha", ["sha-abc"], days_ago(4)),
        image("both-old", ["v1.1", "sha-def"], days_ago(3)),
        image("both-new", ["sha-123", "v1.2"], days_ago(2)),
    ]
    # THEN only images carrying both a v… and a sha-… tag are selected
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"both-old": 1}
    assert preview.kept == {"both-new": 1, "only-sha": None, "only-v": None}


def test_one_tag_may_satisfy_several_pattern_entries() -> None:
    document = policy(rule(1, "tagged", 1, tagPatternList=["*sha*", "*v*"]))
    images = [image("one-tag", ["v-sha-1"], days_ago(2)), image("newer", ["v-sha-2"], days_ago(1))]
    assert preview_lifecycle(document, images, NOW).expired == {"one-tag": 1}


def test_prefixes_are_literal() -> None:
    # GIVEN raw prefixes that look like patterns: ECR treats them literally
    document = policy(rule(1, "tagged", 1, tagPrefixList=["v*"]))
    images = [image("a", ["v1"], days_ago(2)), image("b", ["v2"], days_ago(1)), image("c", ["v*x"], days_ago(3))]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {}
    assert preview.kept == {"b": None, "a": None, "c": 1}


def test_a_pattern_star_matches_zero_characters_and_matching_is_case_sensitive() -> None:
    document = policy(rule(1, "tagged", 1, "sinceImagePushed", tagPatternList=["prod*"]))
    images = [image("exact", ["prod"], days_ago(2)), image("upper", ["Prod-1"], days_ago(2))]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"exact": 1}
    assert preview.kept == {"upper": None}


def test_protected_images_count_in_lower_windows_but_never_expire() -> None:
    # GIVEN prod-* protected and "keep the newest 2 v* images"
    document = assemble_lifecycle_policy(
        [LifecycleRule(tag_pattern_list=["v*"], max_image_count=2)], protected_tags=["prod-*"]
    )
    images = [
        image("v4-prod", ["v4", "prod-eu"], days_ago(1)),
        image("v3", ["v3"], days_ago(2)),
        image("v2", ["v2"], days_ago(3)),
        image("v1-prod", ["v1", "prod-us"], days_ago(400)),
    ]
    # WHEN previewed
    preview = preview_lifecycle(document, images, NOW)
    # THEN v4-prod takes one of the 2 places, so only one unprotected v* image stays,
    # and the old protected v1-prod, beyond the window, is kept by its protect rule
    assert preview.expired == {"v2": 2}
    assert preview.kept == {"v4-prod": 1, "v3": 2, "v1-prod": 1}


def test_age_is_compared_with_now_strictly() -> None:
    document = policy(rule(1, "untagged", 14, "sinceImagePushed"))
    images = [
        image("exactly-14-days", [], days_ago(14)),
        image("a-second-more", [], days_ago(14) - timedelta(seconds=1)),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"a-second-more": 1}


def test_a_later_now_looks_ahead() -> None:
    document = policy(rule(1, "untagged", 14, "sinceImagePushed"))
    images = [image("u", [], days_ago(10))]
    assert preview_lifecycle(document, images, NOW).expired == {}
    assert preview_lifecycle(document, images, NOW + timedelta(days=5)).expired == {"u": 1}


def test_now_defaults_to_the_current_utc_time() -> None:
    document = policy(rule(1, "untagged", 14, "sinceImagePushed"))
    before = datetime.now(timezone.utc)
    preview = preview_lifecycle(document, [image("old", [], "2000-01-01T00:00:00Z")])
    assert preview.expired == {"old": 1}
    assert before <= preview.now <= datetime.now(timezone.utc)


@pytest.mark.parametrize(
    "pushed_at",
    [
        "2026-11-01T00:00:00Z",
        "2026-11-01T02:00:00+02:00",
        "2026-11-01T00:00:00",  # no offset: UTC
        datetime(2026, 11, 1),  # naive: UTC
        datetime(2026, 10, 31, 19, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_push_times_are_read_as_utc(pushed_at: Any) -> None:
    preview = preview_lifecycle(policy(rule(1, "any", 5)), [image("x", ["a"], pushed_at)], NOW)
    assert preview.images[0].pushed_at == datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_a_policy_string_is_accepted() -> None:
    import json

    preview = preview_lifecycle(json.dumps(policy(rule(1, "any", 1))), MULTIPLE_RULES_IMAGES, NOW)
    assert preview.expired == {"A": 1, "B": 1}


def test_an_invalid_policy_is_refused_before_any_preview() -> None:
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "any", 1), rule(2, "any", 2)), MULTIPLE_RULES_IMAGES, NOW)
    assert caught.value.parameter == "rules[1].selection.tagStatus"


def test_a_policy_with_an_unresolved_token_cannot_be_previewed() -> None:
    count = Token.as_number(Fn.parseint("3", 10))
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "any", count)), MULTIPLE_RULES_IMAGES, NOW)
    assert caught.value.parameter == "rules[0].selection.countNumber"
    assert "is an unresolved token" in str(caught.value)


@pytest.mark.parametrize(
    "lists",
    [
        {"tagPatternList": [Token.as_string(Fn.lower("V*"))]},
        {"tagPrefixList": Token.as_list(Fn.split(",", "v,w"))},
    ],
)
def test_a_tag_list_with_an_unresolved_token_cannot_be_previewed(lists: Dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "tagged", 1, **lists)), MULTIPLE_RULES_IMAGES, NOW)
    assert caught.value.parameter == f"rules[0].selection.{next(iter(lists))}"
    assert "holds an unresolved token" in str(caught.value)


def test_tags_that_only_look_odd_are_previewed_as_written() -> None:
    # GIVEN a literal prefix no Docker tag has (AWS's own example tag "git hash" has a space)
    preview = preview_lifecycle(
        policy(rule(1, "tagged", 1, tagPrefixList=["git "])), [image("d", ["git hash"], days_ago(1))], NOW
    )
    assert preview.kept == {"d": 1}


@pytest.mark.parametrize(
    "images, parameter, fragment",
    [
        ({"digest": "a"}, "images", "is a dict"),
        (["sha256:1"], "images[0]", "is a str"),
        ([{"tags": [], "pushed_at": NOW}], "images[0].digest", "a non-empty string"),
        ([image("a", [], NOW), image("a", ["v"], NOW)], "images[1].digest", "repeats images[0]"),
        ([{"digest": "a", "tags": "v1", "pushed_at": NOW}], "images[0].tags", "a list of tag strings"),
        ([image("a", [1], NOW)], "images[0].tags", "a list of tag strings"),
        ([{"digest": "a", "tags": []}], "images[0].pushed_at", "is missing"),
        ([image("a", [], "yesterday")], "images[0].pushed_at", "is not an ISO-8601 date and time"),
        ([image("a", [], True)], "images[0].pushed_at", "is a bool"),
        ([image("a", [], 1e20)], "images[0].pushed_at", "is out of range"),
    ],
)
def test_malformed_images_are_refused(images: Any, parameter: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "any", 1)), images, NOW)
    assert caught.value.parameter == parameter
    assert fragment in str(caught.value)


def test_a_bad_now_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "any", 1)), [], "soon")
    assert caught.value.parameter == "now"


# --------------------------------------------------------------------------- properties

TAGS = ["prod-eu", "prod-us", "v1", "v2", "v3", "sha-a", "sha-b", "latest"]
RULE_MENU = [
    LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=3),
    LifecycleRule(tag_pattern_list=["v*"], max_image_count=1),
    LifecycleRule(tag_prefix_list=["sha-"], max_image_age_days=1),
    LifecycleRule(tag_pattern_list=["v*", "sha-*"], max_image_count=1),
    LifecycleRule(tag_pattern_list=["*"], max_image_count=2),
    LifecycleRule(tag_status=TagStatus.ANY, max_image_count=1),
]
images_strategy = st.lists(
    st.tuples(st.sets(st.sampled_from(TAGS), max_size=3), st.integers(min_value=0, max_value=20)),
    max_size=12,
).map(
    lambda items: [
        image(f"sha256:{index:04d}", sorted(tags), days_ago(age)) for index, (tags, age) in enumerate(items)
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    images=images_strategy,
    rules=st.lists(st.sampled_from(RULE_MENU), min_size=1, max_size=5, unique=True),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_a_protected_tag_never_expires_and_order_never_matters(
    images: List[Dict[str, Any]], rules: List[LifecycleRule], seed: int
) -> None:
    # GIVEN any mix of rules behind protected prod-* and latest
    document = assemble_lifecycle_policy(rules, protected_tags=["prod-*", "latest"])
    # WHEN previewed, in any order of images
    preview = preview_lifecycle(document, images, NOW)
    shuffled = list(images)
    random.Random(seed).shuffle(shuffled)
    # THEN no image with a protected tag expires, every image has one verdict,
    # and the order of the input changes nothing
    for verdict in preview.images:
        if any(tag_pattern_matches(p, t) for p in ("prod-*", "latest") for t in verdict.tags):
            assert verdict.verdict is Verdict.KEEP and verdict.rule_priority in (1, 2)
    assert len(preview.expired) + len(preview.kept) == len(images)
    assert {*preview.expired, *preview.kept} == {i["digest"] for i in images}
    assert preview_lifecycle(document, shuffled, NOW) == preview


def _reference(document: Mapping[str, Any], images: List[Dict[str, Any]]) -> Dict[str, int]:
    """A second reading of the evaluation rules, written as AWS words them:
    every rule marks images independently, then marks are applied by priority,
    and an image "seen" by a higher rule's filter is skipped."""

    def selects(selection: Mapping[str, Any], tags: Sequence[str]) -> bool:
        status = selection["tagStatus"]
        if status == "any":
            return True
        if status == "untagged":
            return not tags
        if "tagPrefixList" in selection:
            return bool(tags) and all(any(t.startswith(p) for t in tags) for p in selection["tagPrefixList"])
        return bool(tags) and all(
            any(tag_pattern_matches(p, t) for t in tags) for p in selection["tagPatternList"]
        )

    marks: List[tuple[int, set[str], set[str]]] = []
    for entry in document["rules"]:
        selection = entry["selection"]
        seen = [i for i in images if selects(selection, i["tags"])]
        if selection["countType"] == "imageCountMoreThan":
            seen.sort(key=lambda i: (i["pushed_at"], i["digest"]), reverse=True)
            marked = {i["digest"] for i in seen[selection["countNumber"]:]}
        else:
            limit = NOW - timedelta(days=selection["countNumber"])
            marked = {i["digest"] for i in seen if i["pushed_at"] < limit}
        marks.append((entry["rulePriority"], {i["digest"] for i in seen}, marked))
    expired: Dict[str, int] = {}
    seen_before: set[str] = set()
    for priority, seen_digests, marked in sorted(marks, key=lambda m: m[0]):
        for digest in marked - seen_before:
            expired[digest] = priority
        seen_before |= seen_digests
    return expired


@settings(max_examples=150, deadline=None)
@given(images=images_strategy, rules=st.lists(st.sampled_from(RULE_MENU), min_size=1, max_size=6, unique=True))
def test_the_preview_agrees_with_a_literal_reading_of_the_evaluation_rules(
    images: List[Dict[str, Any]], rules: List[LifecycleRule]
) -> None:
    document = assemble_lifecycle_policy(rules, protected_tags=["latest"])
    assert preview_lifecycle(document, images, NOW).expired == _reference(document, images)


def test_an_image_no_rule_selects_is_kept_without_a_rule() -> None:
    preview = preview_lifecycle(policy(rule(1, "untagged", 1)), [image("t", ["v1"], days_ago(99))], NOW)
    assert preview.images == (
        ImageVerdict("t", ("v1",), days_ago(99), Verdict.KEEP, None, "no rule selects it"),
    )


def test_no_images_give_an_empty_preview() -> None:
    preview = preview_lifecycle(policy(rule(1, "any", 1)), [], NOW)
    assert preview.images == () and preview.expired == {} and preview.kept == {}


# --------------------------------------------------------------------------- archive storage class
# The page's archive sections give policies but no images; the images here
# illustrate each policy's stated intent. The local endpoint refuses archive
# policies, so they are checked and previewed only.

TRANSITION = {"type": "transition", "targetStorageClass": "archive"}


def since(priority: int, count_type: str, days: int, action: Dict[str, Any], status: str = "any", **extra: Any) -> Dict[str, Any]:
    selection = {"tagStatus": status, **extra, "countType": count_type, "countUnit": "days", "countNumber": days}
    return {"rulePriority": priority, "selection": selection, "action": action}


def archived(digest: str, tags: Sequence[str], pushed_days: float, archived_days: float) -> Dict[str, Any]:
    return {**image(digest, tags, days_ago(pushed_days)), "storage_class": "archive", "last_archived_at": days_ago(archived_days)}


def test_filtering_on_last_pulled_time() -> None:
    """Section "Filtering on last pulled time": archive images not pulled in 90 days.
    Never pulled means since the push; restored and not pulled since means since the restore."""
    document = policy(since(1, "sinceImagePulled", 90, TRANSITION))
    images = [
        {**image("pulled-long-ago", ["a"], days_ago(300)), "last_pulled_at": days_ago(100)},
        {**image("pulled-lately", ["b"], days_ago(300)), "last_pulled_at": days_ago(10)},
        image("never-pulled-old", [], days_ago(120)),
        image("never-pulled-new", [], days_ago(30)),
        {**image("restored", ["c"], days_ago(400)), "last_pulled_at": days_ago(200), "last_activated_at": days_ago(5)},
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.archived == {"pulled-long-ago": 1, "never-pulled-old": 1}
    assert preview.expired == {}
    assert preview.kept == {"restored": 1, "never-pulled-new": 1, "pulled-lately": 1}
    reasons = {v.digest: v.reason for v in preview.images}
    assert reasons["restored"] == (
        "restored 5.0 days before now; rule 1 archives images restored more than 90 days before"
    )
    assert reasons["pulled-long-ago"] == (
        "last pulled 100.0 days before now; rule 1 archives images last pulled more than 90 days before"
    )


def test_filtering_on_archive_transition_time() -> None:
    """Section "Filtering on archive transition time": expire images archived more than 365 days."""
    document = policy(since(1, "sinceImageTransitioned", 365, {"type": "expire"}, storageClass="archive"))
    images = [
        archived("archived-long-ago", ["v1"], 900, 400),
        archived("archived-lately", ["v2"], 900, 100),
        image("standard-old", ["v0"], days_ago(1000)),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.expired == {"archived-long-ago": 1}
    assert preview.kept == {"archived-lately": 1, "standard-old": None}
    assert {v.digest: v.storage_class for v in preview.images} == {
        "archived-long-ago": "archive",
        "archived-lately": "archive",
        "standard-old": "standard",
    }


def test_archiving_images_older_than_a_specified_number_of_days() -> None:
    """Section "Archive examples": archive images tagged prod* older than 30 days."""
    document = policy(since(1, "sinceImagePushed", 30, TRANSITION, "tagged", tagPatternList=["prod*"]))
    images = [image("old-prod", ["prod-1"], days_ago(31)), image("new-prod", ["prod-2"], days_ago(29)), image("old-dev", ["dev"], days_ago(90))]
    preview = preview_lifecycle(document, images, NOW)
    assert (preview.archived, preview.expired) == ({"old-prod": 1}, {})


def test_combining_archive_and_expire_rules() -> None:
    """Section "Combining archive and expire rules": archive after 30 days, then
    expire after 365 days in archive; each any rule sees only its storage class."""
    document = policy(
        since(1, "sinceImagePushed", 30, TRANSITION),
        since(2, "sinceImageTransitioned", 365, {"type": "expire"}, storageClass="archive"),
    )
    images = [
        image("standard-40-days", ["v4"], days_ago(40)),
        image("standard-10-days", [], days_ago(10)),
        archived("archived-400-days", ["v1"], 800, 400),
        archived("archived-100-days", ["v2"], 800, 100),
    ]
    preview = preview_lifecycle(document, images, NOW)
    assert preview.archived == {"standard-40-days": 1}
    assert preview.expired == {"archived-400-days": 2}
    assert preview.kept == {"standard-10-days": 1, "archived-100-days": 2}


def test_a_restored_image_ranks_by_its_restore_time_in_a_count_window() -> None:
    # LifecyclePolicies.html: last_activated_at is used instead of pushed_at_time
    document = policy(rule(1, "any", 1))
    images = [image("new", ["a"], days_ago(2)), {**image("restored", ["b"], days_ago(500)), "last_activated_at": days_ago(1)}]
    assert preview_lifecycle(document, images, NOW).expired == {"new": 1}


@pytest.mark.parametrize(
    "item, parameter, fragment",
    [
        ({**image("a", [], NOW), "storage_class": "glacier"}, "images[0].storage_class", "'standard' or 'archive'"),
        ({**image("a", [], NOW), "storage_class": "archive"}, "images[0].last_archived_at", "is missing"),
        ({**image("a", [], NOW), "last_pulled_at": "recently"}, "images[0].last_pulled_at", "is not an ISO-8601"),
    ],
)
def test_malformed_archive_fields_are_refused(item: Dict[str, Any], parameter: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "any", 1)), [item], NOW)
    assert caught.value.parameter == parameter
    assert fragment in str(caught.value)


# --------------------------------------------------------------------------- image indexes

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def buildx_images() -> List[Dict[str, Any]]:
    """A tagged multi-arch image as buildx pushes it (an index and its two untagged platform
    manifests), an older tagged index with its own, and one untagged orphan."""
    return [
        {**image("idx-v2", ["v2"], days_ago(1)), "media_type": OCI_INDEX, "references": ["amd-v2", "arm-v2"]},
        {**image("amd-v2", [], days_ago(1)), "media_type": OCI_MANIFEST},
        {**image("arm-v2", [], days_ago(1)), "media_type": OCI_MANIFEST},
        {**image("idx-v1", ["v1"], days_ago(40)), "media_type": OCI_INDEX, "references": ["amd-v1", "arm-v1"]},
        {**image("amd-v1", [], days_ago(40)), "media_type": OCI_MANIFEST},
        {**image("arm-v1", [], days_ago(40)), "media_type": OCI_MANIFEST},
        {**image("orphan", [], days_ago(30)), "media_type": OCI_MANIFEST},
    ]


def test_platform_manifests_of_an_image_index_are_kept_while_it_exists() -> None:
    # GIVEN untagged images expiring after 7 days, and tagged ones beyond the newest 1
    rules = policy(
        rule(1, "untagged", 7, "sinceImagePushed"),
        rule(2, "tagged", 1, tagPatternList=["v*"]),
    )
    preview = preview_lifecycle(rules, buildx_images(), NOW)
    # THEN only the orphan and the old index expire: the platform manifests an index
    # references stay while it exists (LifecyclePolicies.html), v1's until a later evaluation
    assert preview.expired == {"orphan": 1, "idx-v1": 2}
    verdicts = {v.digest: v for v in preview.images}
    for digest in ("amd-v1", "arm-v1"):
        assert verdicts[digest].verdict is Verdict.KEEP and verdicts[digest].rule_priority == 1
        assert "image index idx-v1 references it" in verdicts[digest].reason
        assert "the index expires in this evaluation" in verdicts[digest].reason
    assert "the index expires" not in verdicts["amd-v2"].reason


def test_an_image_index_whose_references_are_unknown_is_refused() -> None:
    images = buildx_images()
    del images[0]["references"]
    with pytest.raises(ValidationError) as caught:
        preview_lifecycle(policy(rule(1, "untagged", 7, "sinceImagePushed")), images, NOW)
    assert caught.value.parameter == "images[0].references"
    assert f"is missing for an image index ({OCI_INDEX})" in str(caught.value)
    assert "no --images" in str(caught.value)


@pytest.mark.parametrize("pushed_at", [days_ago(3).timestamp(), int(days_ago(3).timestamp())])
def test_an_epoch_pushed_at_is_accepted(pushed_at: Any) -> None:
    preview = preview_lifecycle(
        policy(rule(1, "untagged", 2, "sinceImagePushed")), [image("u", [], pushed_at)], NOW
    )
    assert preview.expired == {"u": 1}
    assert preview.images[0].pushed_at == days_ago(3)
