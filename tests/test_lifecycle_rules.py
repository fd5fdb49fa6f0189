"""Typed lifecycle rules, the policy they assemble into, and the whole-policy check.

Each refusal asserts the ValidationError's ``parameter`` and a fragment of its
message. The AWS pages behind each rule are cited in ``cdktf_aws_ecr.lifecycle.policy_check``
next to the check.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List

import pytest
from cdktf import Fn, Token

from cdktf_aws_ecr import json_text
from cdktf_aws_ecr.errors import ValidationError
from cdktf_aws_ecr.facts import MAX_LIFECYCLE_RULES
from cdktf_aws_ecr.json_text import compact_json as lifecycle_policy_json
from cdktf_aws_ecr.lifecycle.policy_check import check_lifecycle_policy
from cdktf_aws_ecr.lifecycle.rules import (
    PROTECT_COUNT,
    LifecycleRule,
    TagStatus,
    assemble_lifecycle_policy,
)
from cdktf_aws_ecr.lifecycle.simulator import tag_pattern_matches

# --------------------------------------------------------------------------- helpers


def rule(priority: int, status: str = "tagged", count: int = 1, **selection: Any) -> Dict[str, Any]:
    """A rule dict; tagged rules get ``tagPrefixList: ["v"]`` unless a list is given."""
    body: Dict[str, Any] = {"tagStatus": status, "countType": "imageCountMoreThan", "countNumber": count}
    if status == "tagged" and "tagPrefixList" not in selection and "tagPatternList" not in selection:
        body["tagPrefixList"] = ["v"]
    body.update(selection)
    return {"rulePriority": priority, "selection": body, "action": {"type": "expire"}}


def policy(*rules: Dict[str, Any]) -> Dict[str, Any]:
    return {"rules": list(rules)}


def refused(call: Any, parameter: str, *fragments: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    error = caught.value
    assert error.parameter == parameter, str(error)
    for fragment in fragments:
        assert fragment in str(error), str(error)
    return error


def check_refuses(document: Any, parameter: str, *fragments: str) -> ValidationError:
    return refused(lambda: check_lifecycle_policy(document), parameter, *fragments)


def rule_refuses(parameter: str, *fragments: str, **fields: Any) -> ValidationError:
    return refused(lambda: LifecycleRule(**fields), parameter, *fragments)


def assemble_refuses(parameter: str, *fragments: str, **arguments: Any) -> ValidationError:
    return refused(lambda: assemble_lifecycle_policy(**arguments), parameter, *fragments)


# --------------------------------------------------------------------------- LifecycleRule


def test_a_list_implies_tagged_and_no_list_implies_any_as_in_the_aws_cdk() -> None:
    # GIVEN rules without tag_status
    # WHEN they are made
    tagged = LifecycleRule(tag_pattern_list=["v*"], max_image_count=30)
    prefixed = LifecycleRule(tag_prefix_list=["sha-"], max_image_count=5)
    anything = LifecycleRule(max_image_count=500)
    # THEN a list means TAGGED, no list ANY
    assert tagged.tag_status is TagStatus.TAGGED
    assert prefixed.tag_status is TagStatus.TAGGED
    assert anything.tag_status is TagStatus.ANY


def test_fields_are_normalised_so_rules_compare_and_hash_by_value() -> None:
    # GIVEN the same rule spelled with a string status and a list, and with the enum and a tuple
    spelled = LifecycleRule(tag_status="tagged", tag_pattern_list=["v*", "*-rc*"], max_image_count=3)
    typed = LifecycleRule(tag_status=TagStatus.TAGGED, tag_pattern_list=("v*", "*-rc*"), max_image_count=3)
    # THEN they are equal, hash alike, and hold a TagStatus and tuples
    assert spelled == typed and hash(spelled) == hash(typed)
    assert spelled.tag_status is TagStatus.TAGGED
    assert spelled.tag_pattern_list == ("v*", "*-rc*")


def test_a_count_rule_renders_aws_camel_case_keys() -> None:
    # GIVEN a count rule with a description
    typed = LifecycleRule(tag_prefix_list=["sha-"], max_image_count=50, description="CI builds")
    # WHEN it is rendered at priority 7
    # THEN it is exactly AWS's rule shape, without countUnit
    assert typed.as_policy_rule(7) == {
        "rulePriority": 7,
        "description": "CI builds",
        "selection": {
            "tagStatus": "tagged",
            "tagPrefixList": ["sha-"],
            "countType": "imageCountMoreThan",
            "countNumber": 50,
        },
        "action": {"type": "expire"},
    }


def test_an_age_rule_renders_days_and_leaves_out_the_absent_description() -> None:
    typed = LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14)
    assert typed.as_policy_rule(1) == {
        "rulePriority": 1,
        "selection": {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": 14,
        },
        "action": {"type": "expire"},
    }


def test_unresolved_tokens_skip_the_format_checks() -> None:
    # GIVEN a pattern, a count and a description only known at apply
    pattern = Token.as_string(Fn.lower("V*"))
    count = Token.as_number(Fn.parseint("30", 10))
    # WHEN a rule is made of them
    typed = LifecycleRule(tag_pattern_list=[pattern], max_image_count=count)
    # THEN they are kept as they are, for Terraform to resolve
    assert typed.as_policy_rule(1)["selection"]["tagPatternList"] == [pattern]
    assert typed.as_policy_rule(1)["selection"]["countNumber"] == count


@pytest.mark.parametrize(
    "fields, parameter, fragment",
    [
        ({"max_image_count": 3, "max_image_age_days": 7}, "max_image_count", "is given together with max_image_age_days=7"),
        ({"max_days_since_pull": 30, "max_days_in_archive": 90}, "max_days_since_pull", "is given together with max_days_in_archive=90"),
        ({}, "max_image_count", "max_days_in_archive are all None"),
    ],
)
def test_exactly_one_count(fields: Dict[str, Any], parameter: str, fragment: str) -> None:
    rule_refuses(
        parameter,
        fragment,
        "exactly one of max_image_count, max_image_age_days, max_days_since_pull, max_days_in_archive",
        **fields,
    )


@pytest.mark.parametrize(
    "name, value, fragment",
    [
        ("max_image_count", 0, "is out of range"),
        ("max_image_count", 2**31, "is out of range"),
        ("max_image_count", True, "is a bool"),
        ("max_image_count", 2.5, "is a float"),
        ("max_image_age_days", 0, "is out of range"),
        ("max_image_age_days", "14", "is a str"),
    ],
)
def test_counts_and_days_are_whole_numbers_from_1_to_2_31_minus_1(
    name: str, value: Any, fragment: str
) -> None:
    rule_refuses(name, fragment, "a whole number from 1 to 2147483647", **{name: value})


def test_not_both_lists() -> None:
    rule_refuses(
        "tag_pattern_list",
        "together with tag_prefix_list=['v']",
        tag_prefix_list=["v"],
        tag_pattern_list=["v*"],
        max_image_count=1,
    )


def test_tagged_needs_a_list() -> None:
    rule_refuses(
        "tag_status",
        "needs tag_prefix_list or tag_pattern_list",
        tag_status=TagStatus.TAGGED,
        max_image_count=1,
    )


@pytest.mark.parametrize(
    "status, lists, parameter",
    [
        (TagStatus.UNTAGGED, {"tag_prefix_list": ["v"]}, "tag_prefix_list"),
        (TagStatus.ANY, {"tag_pattern_list": ["v*"]}, "tag_pattern_list"),
    ],
)
def test_untagged_and_any_take_no_list(
    status: TagStatus, lists: Dict[str, Any], parameter: str
) -> None:
    rule_refuses(
        parameter,
        f"is given with tag_status='{status.value}'",
        "no tag list unless tag_status is TAGGED",
        tag_status=status,
        max_image_count=1,
        **lists,
    )


@pytest.mark.parametrize(
    "patterns, fragment",
    [
        (["*a*b*c*d*"], "holds '*a*b*c*d*', with 5 '*'"),
        (["v 1"], "holds an invalid pattern 'v 1'"),
        (["-rc*"], "holds an invalid pattern '-rc*'"),
        (["x" * 129], "holds an invalid pattern"),
        ([], "is empty"),
        (["v*", "v*"], "repeats ['v*']"),
        ("v*", "is a str, not a list"),
        ([7], "holds an int: 7"),
    ],
)
def test_tag_pattern_syntax(patterns: Any, fragment: str) -> None:
    rule_refuses("tag_pattern_list", fragment, tag_pattern_list=patterns, max_image_count=1)


def test_four_wildcards_are_allowed() -> None:
    # GIVEN AWS's own valid example of four '*' (LifecyclePolicies.html)
    typed = LifecycleRule(tag_pattern_list=["*test*1*2*3", "test*1*2*3*"], max_image_count=1)
    assert typed.tag_pattern_list == ("*test*1*2*3", "test*1*2*3*")


@pytest.mark.parametrize(
    "prefixes, fragment",
    [
        (["v*"], "holds 'v*', and a prefix never matches '*'"),
        ([".v"], "holds an invalid prefix '.v'"),
        ([], "is empty"),
        (["v", "v"], "repeats ['v']"),
    ],
)
def test_tag_prefix_syntax(prefixes: List[str], fragment: str) -> None:
    rule_refuses("tag_prefix_list", fragment, tag_prefix_list=prefixes, max_image_count=1)


def test_tag_status_is_exact() -> None:
    rule_refuses("tag_status", "'tagged' or 'untagged' or 'any'", tag_status="TAGGED", max_image_count=1)


@pytest.mark.parametrize("priority, fragment", [(0, "is out of range"), ("1", "is a str")])
def test_rule_priority_is_a_positive_whole_number(priority: Any, fragment: str) -> None:
    rule_refuses("rule_priority", fragment, rule_priority=priority, max_image_count=1)


def test_rule_priority_must_be_known_at_synth() -> None:
    token = Token.as_number(Fn.parseint("3", 10))
    rule_refuses("rule_priority", "is an unresolved token", rule_priority=token, max_image_count=1)


def test_description_is_a_string() -> None:
    rule_refuses("description", "is an int", description=5, max_image_count=1)


@pytest.mark.parametrize("description", ["${TfToken[TOKEN.99999]}", "keep ${TfToken[TOKEN.99999]} releases"])
def test_a_description_that_looks_like_a_token_of_no_app_is_refused(description: str) -> None:
    # GIVEN text shaped like a cdktf token that no app made  THEN the rule is refused when
    # made, rather than synth failing later with cdktf's bare RuntimeError
    rule_refuses(
        "description",
        f"description={description!r} holds {description!r}, which looks like a cdktf token but "
        "is none of this app's; allowed: a string or None",
        description=description,
        max_image_count=1,
    )


# --------------------------------------------------------------------------- assembly


def test_the_issue_example_assembles_protect_rules_first_then_in_order_and_any_last() -> None:
    # GIVEN the issue's rules and protected tags
    rules = [
        LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14),
        LifecycleRule(tag_pattern_list=["v*"], max_image_count=30),
        LifecycleRule(tag_status=TagStatus.ANY, max_image_count=500),
        LifecycleRule(tag_prefix_list=["sha-"], max_image_count=50, description="CI builds"),
    ]
    # WHEN they are assembled
    document = assemble_lifecycle_policy(rules, protected_tags=["prod-*", "release-*"])
    # THEN one protect rule per pattern comes first, then the rules in order, ANY last
    protect = lambda priority, pattern: {  # noqa: E731
        "rulePriority": priority,
        "description": f"Never expire images tagged {pattern}",
        "selection": {
            "tagStatus": "tagged",
            "tagPatternList": [pattern],
            "countType": "imageCountMoreThan",
            "countNumber": 999999,
        },
        "action": {"type": "expire"},
    }
    assert document == {
        "rules": [
            protect(1, "prod-*"),
            protect(2, "release-*"),
            {
                "rulePriority": 3,
                "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 4,
                "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "countType": "imageCountMoreThan", "countNumber": 30},
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 5,
                "description": "CI builds",
                "selection": {"tagStatus": "tagged", "tagPrefixList": ["sha-"], "countType": "imageCountMoreThan", "countNumber": 50},
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 6,
                "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 500},
                "action": {"type": "expire"},
            },
        ]
    }
    assert PROTECT_COUNT == 999_999


def test_the_serialiser_is_the_one_the_seed_policy_uses() -> None:
    # GIVEN an assembled policy
    document = assemble_lifecycle_policy([LifecycleRule(tag_status="untagged", max_image_count=1)])
    # THEN it is serialised by json_text.compact_json itself: sorted keys, no spaces
    assert lifecycle_policy_json is json_text.compact_json
    assert lifecycle_policy_json(document) == (
        '{"rules":[{"action":{"type":"expire"},"rulePriority":1,"selection":'
        '{"countNumber":1,"countType":"imageCountMoreThan","tagStatus":"untagged"}}]}'
    )


def test_explicit_priorities_are_kept_and_the_others_follow_the_highest() -> None:
    # GIVEN explicit priorities 10 and 5, an automatic rule and an ANY rule
    rules = [
        LifecycleRule(tag_prefix_list=["a"], max_image_count=1, rule_priority=10),
        LifecycleRule(tag_prefix_list=["b"], max_image_count=1),
        LifecycleRule(max_image_count=9),
        LifecycleRule(tag_prefix_list=["c"], max_image_count=1, rule_priority=5),
    ]
    # WHEN assembled
    document = assemble_lifecycle_policy(rules)
    # THEN (as in the AWS CDK) explicit rules first, then 11, then ANY at 12
    assert [(r["rulePriority"], r["selection"].get("tagPrefixList")) for r in document["rules"]] == [
        (10, ["a"]),
        (5, ["c"]),
        (11, ["b"]),
        (12, None),
    ]


def test_an_explicit_any_priority_is_kept_when_every_rule_is_explicit() -> None:
    rules = [
        LifecycleRule(max_image_count=9, rule_priority=20),
        LifecycleRule(tag_prefix_list=["b"], max_image_count=1, rule_priority=3),
    ]
    document = assemble_lifecycle_policy(rules, protected_tags=["prod"])
    assert [r["rulePriority"] for r in document["rules"]] == [1, 3, 20]


def test_protected_tags_alone_make_a_policy_that_expires_nothing() -> None:
    document = assemble_lifecycle_policy(protected_tags=["latest"])
    assert document["rules"][0]["selection"]["tagPatternList"] == ["latest"]
    assert len(document["rules"]) == 1


def test_an_any_rule_with_a_priority_cannot_be_mixed_with_automatic_numbering() -> None:
    assemble_refuses(
        "lifecycle_rules[1].rule_priority",
        "is set on the ANY rule, and lifecycle_rules[0] has no rule_priority",
        lifecycle_rules=[
            LifecycleRule(tag_prefix_list=["b"], max_image_count=1),
            LifecycleRule(max_image_count=9, rule_priority=50),
        ],
    )


def test_explicit_priorities_must_leave_room_for_protected_tags() -> None:
    assemble_refuses(
        "lifecycle_rules[0].rule_priority",
        "is not above the priorities 1 to 2 that protected_tags take",
        lifecycle_rules=[LifecycleRule(tag_prefix_list=["b"], max_image_count=1, rule_priority=2)],
        protected_tags=["prod-*", "stage-*"],
    )


def test_duplicate_explicit_priorities_name_the_typed_rule() -> None:
    assemble_refuses(
        "lifecycle_rules[1].rule_priority",
        "is also the priority of lifecycle_rules[0]",
        lifecycle_rules=[
            LifecycleRule(tag_prefix_list=["a"], max_image_count=1, rule_priority=4),
            LifecycleRule(tag_prefix_list=["b"], max_image_count=1, rule_priority=4),
        ],
    )


def test_an_explicit_any_rule_below_another_rule_is_refused() -> None:
    assemble_refuses(
        "lifecycle_rules[0].rule_priority",
        "is below 9, the priority of lifecycle_rules[1]",
        lifecycle_rules=[
            LifecycleRule(max_image_count=9, rule_priority=2),
            LifecycleRule(tag_prefix_list=["b"], max_image_count=1, rule_priority=9),
        ],
    )


@pytest.mark.parametrize("status", [TagStatus.ANY, TagStatus.UNTAGGED])
def test_a_second_any_or_untagged_rule_is_refused(status: TagStatus) -> None:
    assemble_refuses(
        "lifecycle_rules[1].tag_status",
        f"makes a second '{status.value}' rule, after lifecycle_rules[0]",
        lifecycle_rules=[
            LifecycleRule(tag_status=status, max_image_count=1),
            LifecycleRule(tag_status=status, max_image_age_days=3),
        ],
    )


def test_a_rule_that_selects_a_protected_pattern_is_refused() -> None:
    assemble_refuses(
        "lifecycle_rules[0].tag_pattern_list",
        "selects the same tags as protected_tags[0]",
        lifecycle_rules=[LifecycleRule(tag_pattern_list=["prod-*"], max_image_count=3)],
        protected_tags=["prod-*"],
    )


def test_too_many_rules_counting_protect_rules() -> None:
    # GIVEN one protected tag and 50 rules: 51 in the policy
    rules = [LifecycleRule(tag_prefix_list=[f"p{i}"], max_image_count=1) for i in range(MAX_LIFECYCLE_RULES)]
    assemble_refuses("lifecycle_rules", "has 51 rules", lifecycle_rules=rules, protected_tags=["prod"])


def test_a_policy_text_over_30720_characters_is_refused() -> None:
    rules = [LifecycleRule(tag_prefix_list=["v"], max_image_count=1, description="x" * 31000)]
    assemble_refuses("lifecycle_rules", "characters long", "100 to 30720 characters", lifecycle_rules=rules)


def test_nothing_to_assemble_is_refused() -> None:
    assemble_refuses("lifecycle_rules", "is empty, and so is protected_tags", lifecycle_rules=[])


def test_only_lifecycle_rules_are_accepted() -> None:
    assemble_refuses(
        "lifecycle_rules[1]",
        "is a dict",
        lifecycle_rules=[LifecycleRule(max_image_count=1), {"tagStatus": "any"}],
    )


@pytest.mark.parametrize(
    "protected, fragment",
    [
        (["prod*", "prod*"], "repeats ['prod*']"),
        (["*a*b*c*d*"], "with 5 '*'"),
        (["prod env"], "holds an invalid pattern 'prod env'"),
        ("prod", "is a str, not a list"),
    ],
)
def test_protected_tags_are_tag_patterns(protected: Any, fragment: str) -> None:
    assemble_refuses(
        "protected_tags",
        fragment,
        lifecycle_rules=[LifecycleRule(max_image_count=1)],
        protected_tags=protected,
    )


def test_protected_tags_must_be_known_at_synth() -> None:
    tags = Token.as_list(Fn.split(",", "a,b"))
    assemble_refuses(
        "protected_tags",
        "each pattern needs its own rule",
        lifecycle_rules=[LifecycleRule(max_image_count=1)],
        protected_tags=tags,
    )


# --------------------------------------------------------------------------- tag patterns


@pytest.mark.parametrize(
    "pattern, tag, expected",
    [
        ("prod*", "prod", True),  # '*' matches zero characters
        ("prod*", "production-team1", True),
        ("*prod*", "repo-production", True),
        ("prod*", "Prod", False),  # case-sensitive
        ("prod", "prod1", False),  # no '*': the whole tag
        ("v*.*", "v1.2", True),
        ("v*.*", "v12", False),  # '.' is literal
        ("*test*1*2*3", "my-test-1-2-3", True),
    ],
)
def test_tag_pattern_matching(pattern: str, tag: str, expected: bool) -> None:
    assert tag_pattern_matches(pattern, tag) is expected


# --------------------------------------------------------------------------- check_lifecycle_policy: accepted


def test_the_aws_template_shapes_pass() -> None:
    # GIVEN the "all images" Example B policy of lifecycle_policy_examples.html
    document = policy(
        rule(1, tagPatternList=["alpha*"]),
        {"rulePriority": 2, "description": "Rule 2", "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}},
        rule(3, "any"),
    )
    # THEN both its text (with whitespace) and its mapping pass
    check_lifecycle_policy(json.dumps(document, indent=4))
    check_lifecycle_policy(document)


def test_priorities_need_not_be_consecutive_and_subsets_of_prefixes_are_distinct() -> None:
    # lifecycle_policy_parameters.html: "Values don't need to be sequential"
    check_lifecycle_policy(policy(rule(10, tagPrefixList=["prod"]), rule(40, tagPrefixList=["prod", "beta"])))


def test_enum_members_and_tokens_in_a_mapping_pass() -> None:
    count = Token.as_number(Fn.parseint("30", 10))
    check_lifecycle_policy(policy(rule(1, TagStatus.ANY, count=count)))


# --------------------------------------------------------------------------- check_lifecycle_policy: refused


def test_text_that_is_not_json() -> None:
    check_refuses("{" + " " * 120, "lifecycle_policy", "is not valid JSON")


def test_nan_is_not_json() -> None:
    text = json.dumps(policy(rule(1))).replace('"countNumber": 1', '"countNumber": NaN')
    check_refuses(text, "lifecycle_policy", "is not valid JSON", "NaN is not JSON")


def test_a_policy_of_another_type() -> None:
    check_refuses(42, "lifecycle_policy", "is an int", "a JSON string or a mapping")


def test_a_policy_under_100_characters() -> None:
    # API_PutLifecyclePolicy.html: lifecyclePolicyText is at least 100 characters
    check_refuses({"rules": []}, "lifecycle_policy", "is 12 characters long", "100 to 30720")


def test_a_policy_over_30720_characters() -> None:
    long = rule(1)
    long["description"] = "d" * 30720
    check_refuses(policy(long), "lifecycle_policy", "characters long", "100 to 30720")


def test_the_length_of_a_mapping_is_measured_as_jsonencode_writes_it() -> None:
    # GIVEN a mapping exactly 30,720 characters long once serialised, and one character more
    base = rule(1)
    base["description"] = ""
    padding = 30720 - len(json_text.compact_json(policy(base)))
    base["description"] = "d" * padding
    check_lifecycle_policy(policy(base))
    base["description"] += "d"
    check_refuses(policy(base), "lifecycle_policy", "is 30721 characters long")


def test_a_mapping_that_is_not_json() -> None:
    check_refuses({"rules": [datetime(2026, 1, 1)]}, "lifecycle_policy", "cannot be serialised to JSON")


def test_a_top_level_that_is_not_an_object() -> None:
    check_refuses(json.dumps([rule(1)]), "lifecycle_policy", "is a list")


def test_an_unknown_top_level_key() -> None:
    check_refuses({"rules": [rule(1)], "version": "2012-10-17"}, "version", "is not a key ECR knows here")


def test_rules_missing() -> None:
    check_refuses("{" + " " * 100 + "}", "rules", "is missing")


def test_rules_not_a_list() -> None:
    check_refuses({"rules": {"first": rule(1), "padding": "p" * 100}}, "rules", "is a dict")


def test_rules_empty() -> None:
    check_refuses('{"rules": []}' + " " * 100, "rules", "is empty")


def test_more_than_50_rules() -> None:
    # service-quotas.html: "Rules per lifecycle policy" is 50
    rules = [rule(i + 1, tagPrefixList=[f"p{i}"]) for i in range(51)]
    check_refuses(policy(*rules), "rules", "has 51 rules", "1 to 50 rules")


def test_a_rule_that_is_not_an_object() -> None:
    check_refuses(policy(rule(1), "p" * 100), "rules[1]", "is a str")


def test_an_unknown_rule_key() -> None:
    bad = rule(1)
    bad["priority"] = 2
    check_refuses(policy(bad), "rules[0].priority", "is not a key ECR knows here")


@pytest.mark.parametrize(
    "where, parameter",
    [
        (lambda r: r.__setitem__("description", None), "rules[0].description"),
        (lambda r: r["selection"].__setitem__("tagPatternList", None), "rules[0].selection.tagPatternList"),
    ],
)
def test_a_null_field(where: Any, parameter: str) -> None:
    # cloudposse/terraform-aws-ecr#158: ECR rejects a null field
    bad = rule(1)
    where(bad)
    check_refuses(policy(bad), parameter, "=None is null", "the key left out, or a value")


@pytest.mark.parametrize(
    "remove, parameter",
    [
        (("rulePriority",), "rules[0].rulePriority"),
        (("selection", "countType"), "rules[0].selection.countType"),
        (("action", "type"), "rules[0].action.type"),
    ],
)
def test_a_required_field_missing(remove: Any, parameter: str) -> None:
    bad = rule(1)
    bad["description"] = "padding " * 10
    container = bad
    for key in remove[:-1]:
        container = container[key]
    del container[remove[-1]]
    check_refuses(policy(bad), parameter, "=(absent) is missing", f"{remove[-1]} is required")


@pytest.mark.parametrize(
    "priority, fragment",
    [(0, "is out of range"), (-1, "is out of range"), ("1", "is a str"), (1.5, "is a float"), (True, "is a bool")],
)
def test_rule_priority_is_a_positive_integer(priority: Any, fragment: str) -> None:
    check_refuses(policy(rule(priority)), "rules[0].rulePriority", fragment, "a whole number from 1")


def test_a_description_that_is_not_a_string() -> None:
    bad = rule(1)
    bad["description"] = ["x"]
    check_refuses(policy(bad), "rules[0].description", "is a list")


def test_an_unknown_selection_key() -> None:
    check_refuses(policy(rule(1, tagSuffixList=["-rc"])), "rules[0].selection.tagSuffixList", "is not a key")


@pytest.mark.parametrize("status", ["TAGGED", "all", ""])
def test_an_unknown_tag_status(status: str) -> None:
    check_refuses(
        policy(rule(1, status, tagPrefixList=["v"])),
        "rules[0].selection.tagStatus",
        "'tagged' or 'untagged' or 'any' (exact, case-sensitive)",
    )


def test_both_tag_lists_in_one_rule() -> None:
    check_refuses(
        policy(rule(1, tagPrefixList=["v"], tagPatternList=["v*"])),
        "rules[0].selection.tagPatternList",
        "is given together with tagPrefixList",
    )


def test_tagged_without_a_list() -> None:
    bad = rule(1)
    del bad["selection"]["tagPrefixList"]
    check_refuses(policy(bad), "rules[0].selection.tagStatus", "has neither tagPrefixList nor tagPatternList")


@pytest.mark.parametrize(
    "status, key", [("untagged", "tagPrefixList"), ("any", "tagPatternList"), ("untagged", "tagPatternList")]
)
def test_untagged_and_any_with_a_list(status: str, key: str) -> None:
    check_refuses(
        policy(rule(1, status, **{key: ["v"]})),
        f"rules[0].selection.{key}",
        f"is given with tagStatus '{status}'",
    )


@pytest.mark.parametrize(
    "value, fragment",
    [("v", "is a str"), ([], "is empty"), ([""], "holds ''"), ([5], "holds 5")],
)
def test_a_malformed_tag_list(value: Any, fragment: str) -> None:
    check_refuses(policy(rule(1, tagPrefixList=value)), "rules[0].selection.tagPrefixList", fragment)


def test_more_than_four_wildcards_in_a_pattern() -> None:
    # LifecyclePolicies.html: ["test*1*2*3*4*5*6"] is invalid
    check_refuses(
        policy(rule(1, tagPatternList=["test*1*2*3*4*5*6"])),
        "rules[0].selection.tagPatternList",
        "holds 'test*1*2*3*4*5*6', with 6 '*'",
    )


def test_an_unknown_count_type() -> None:
    check_refuses(
        policy(rule(1, countType="imageCountLessThan")),
        "rules[0].selection.countType",
        "'imageCountMoreThan' or 'sinceImagePushed'",
    )


def test_a_count_unit_with_image_count_more_than() -> None:
    check_refuses(
        policy(rule(1, countUnit="days")),
        "rules[0].selection.countUnit",
        "is given with countType 'imageCountMoreThan'",
    )


@pytest.mark.parametrize("unit, fragment", [(None, "is missing"), ("hours", "is not 'days'")])
def test_since_image_pushed_needs_days(unit: Any, fragment: str) -> None:
    extra = {} if unit is None else {"countUnit": unit}
    check_refuses(
        policy(rule(1, countType="sinceImagePushed", **extra)), "rules[0].selection.countUnit", fragment
    )


@pytest.mark.parametrize("number, fragment", [(0, "is out of range"), (1.5, "is a float"), ("5", "is a str")])
def test_count_number_is_a_positive_integer(number: Any, fragment: str) -> None:
    check_refuses(policy(rule(1, count=number)), "rules[0].selection.countNumber", fragment)


@pytest.mark.parametrize(
    "action, parameter, fragment",
    [
        ("expire", "rules[0].action", "is a str"),
        ({"type": "expire", "when": "now"}, "rules[0].action.when", "is not a key ECR knows here"),
        ({"type": "delete"}, "rules[0].action.type", "is not an action ECR knows"),
    ],
)
def test_a_malformed_action(action: Any, parameter: str, fragment: str) -> None:
    bad = rule(1)
    bad["action"] = action
    bad["description"] = "padding " * 10
    check_refuses(policy(bad), parameter, fragment)


def test_duplicate_priorities() -> None:
    check_refuses(
        policy(rule(3, tagPrefixList=["a"]), rule(3, tagPrefixList=["b"])),
        "rules[1].rulePriority",
        "is also the priority of rules[0]",
    )


def test_two_any_rules() -> None:
    check_refuses(
        policy(rule(1, "any"), rule(2, "any", count=5)),
        "rules[1].selection.tagStatus",
        "makes a second 'any' rule, after rules[0]",
    )


def test_an_any_rule_that_is_not_the_highest_priority() -> None:
    check_refuses(
        policy(rule(2, "any"), rule(3, tagPrefixList=["a"])),
        "rules[0].rulePriority",
        "is below 3, the priority of rules[1]",
    )


def test_two_untagged_rules() -> None:
    check_refuses(
        policy(rule(1, "untagged"), rule(2, "untagged", count=5)),
        "rules[1].selection.tagStatus",
        "makes a second 'untagged' rule, after rules[0]",
    )


@pytest.mark.parametrize(
    "first, second, key",
    [
        ({"tagPrefixList": ["a", "b"]}, {"tagPrefixList": ["b", "a"]}, "tagPrefixList"),
        ({"tagPatternList": ["a*"]}, {"tagPatternList": ["a*"]}, "tagPatternList"),
        ({"tagPrefixList": ["a"]}, {"tagPatternList": ["a*"]}, "tagPatternList"),
    ],
)
def test_the_same_tag_filter_twice(first: Dict[str, Any], second: Dict[str, Any], key: str) -> None:
    # LifecyclePolicies.html: the rules "must contain a unique set of prefixes"
    check_refuses(
        policy(rule(1, **first), rule(2, count=4, **second)),
        f"rules[1].selection.{key}",
        "selects the same tags as rules[0]",
    )


# --------------------------------------------------------------------------- archive storage class


def archive_rule(
    priority: int,
    count_type: str,
    count: int,
    action: Dict[str, Any],
    status: str = "any",
    **selection: Any,
) -> Dict[str, Any]:
    body: Dict[str, Any] = {"tagStatus": status, "countType": count_type, "countUnit": "days", "countNumber": count}
    body.update(selection)
    return {"rulePriority": priority, "selection": body, "action": action}


TRANSITION = {"type": "transition", "targetStorageClass": "archive"}
EXPIRE = {"type": "expire"}


@pytest.mark.parametrize(
    "document",
    [
        # lifecycle_policy_examples.html, "Filtering on last pulled time"
        policy(archive_rule(1, "sinceImagePulled", 90, TRANSITION)),
        # "Filtering on archive transition time"
        policy(archive_rule(1, "sinceImageTransitioned", 365, EXPIRE, storageClass="archive")),
        # "Archiving images older than a specified number of days"
        policy(archive_rule(1, "sinceImagePushed", 30, TRANSITION, "tagged", tagPatternList=["prod*"])),
        # "Combining archive and expire rules": one 'any' rule per storage class
        policy(
            archive_rule(1, "sinceImagePushed", 30, TRANSITION),
            archive_rule(2, "sinceImageTransitioned", 365, EXPIRE, storageClass="archive"),
        ),
    ],
)
def test_the_archive_examples_pass(document: Dict[str, Any]) -> None:
    check_lifecycle_policy(document)


def test_one_filter_may_serve_both_storage_classes() -> None:
    check_lifecycle_policy(
        policy(
            archive_rule(1, "sinceImagePushed", 30, TRANSITION, "tagged", tagPatternList=["prod*"]),
            archive_rule(2, "sinceImageTransitioned", 90, EXPIRE, "tagged", tagPatternList=["prod*"], storageClass="archive"),
        )
    )


@pytest.mark.parametrize(
    "bad, parameter, fragment",
    [
        (archive_rule(1, "sinceImagePushed", 30, EXPIRE, storageClass="glacier"),
         "rules[0].selection.storageClass", "is not 'standard'"),
        (rule(1, "any", storageClass="archive"), "rules[0].selection.storageClass", "is not 'standard'"),
        (archive_rule(1, "sinceImageTransitioned", 365, EXPIRE), "rules[0].selection.storageClass", "is missing"),
        (archive_rule(1, "sinceImageTransitioned", 89, EXPIRE, storageClass="archive"),
         "rules[0].selection.countNumber", "is under ECR's 90-day minimum storage in archive"),
        (archive_rule(1, "sinceImagePulled", 90, EXPIRE), "rules[0].action.type", "is not 'transition'"),
        (archive_rule(1, "sinceImageTransitioned", 365, TRANSITION, storageClass="archive"),
         "rules[0].action.type", "is not 'expire'"),
        (archive_rule(1, "sinceImagePushed", 30, {"type": "transition"}),
         "rules[0].action.targetStorageClass", "is missing"),
        (archive_rule(1, "sinceImagePushed", 30, {"type": "transition", "targetStorageClass": "standard"}),
         "rules[0].action.targetStorageClass", "is not 'archive'"),
        (archive_rule(1, "sinceImagePushed", 30, {"type": "expire", "targetStorageClass": "archive"}),
         "rules[0].action.targetStorageClass", "is given with action type 'expire'"),
        (archive_rule(1, "sinceImagePushed", 30, {"type": "archive"}), "rules[0].action.type", "'expire' or 'transition'"),
    ],
)
def test_archive_rules_ecr_rejects(bad: Dict[str, Any], parameter: str, fragment: str) -> None:
    bad.setdefault("description", "padding " * 10)
    check_refuses(policy(bad), parameter, fragment)


def test_since_image_pulled_needs_days() -> None:
    bad = archive_rule(1, "sinceImagePulled", 90, TRANSITION)
    del bad["selection"]["countUnit"]
    check_refuses(policy(bad), "rules[0].selection.countUnit", "is missing", "'days' with countType 'sinceImagePulled'")


def test_two_any_rules_in_the_archive_class() -> None:
    check_refuses(
        policy(
            archive_rule(1, "sinceImageTransitioned", 365, EXPIRE, storageClass="archive"),
            archive_rule(2, "sinceImageTransitioned", 400, EXPIRE, storageClass="archive"),
        ),
        "rules[1].selection.tagStatus",
        "makes a second 'any' rule, after rules[0]",
        "for the 'archive' storage class",
    )


def test_an_archive_any_rule_below_another_archive_rule() -> None:
    check_refuses(
        policy(
            archive_rule(1, "sinceImageTransitioned", 365, EXPIRE, storageClass="archive"),
            archive_rule(2, "sinceImageTransitioned", 90, EXPIRE, "untagged", storageClass="archive"),
        ),
        "rules[0].rulePriority",
        "is below 2, the priority of rules[1]",
    )


def test_the_same_filter_twice_in_one_storage_class() -> None:
    check_refuses(
        policy(
            archive_rule(1, "sinceImagePushed", 30, TRANSITION, "tagged", tagPatternList=["prod*"]),
            archive_rule(2, "sinceImagePushed", 60, EXPIRE, "tagged", tagPrefixList=["prod"]),
        ),
        "rules[1].selection.tagPrefixList",
        "selects the same tags as rules[0]",
    )
