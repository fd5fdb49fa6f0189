"""Repository's typed lifecycle rules, protected tags and add_lifecycle_rule.

What reaches the synthesized policy (exact JSON), how rules are numbered
whatever the order of the calls, which combinations with the seed's keywords
mean what or are refused, the warning for a seed prefix list that means AND,
and tokens. Each test reads GIVEN / WHEN / THEN. The rules themselves and the
whole-policy check are tested in ``test_lifecycle_rules.py``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Dict, List

import pytest
from cdktf import TerraformStack, TerraformVariable
from conftest import only, plans, resources_of, stack_on_disk, synth_json
from test_repository import expected_lifecycle, terraform_console
from test_validation import assert_rejected

from cdktf_aws_ecr import (
    LifecycleRule,
    LifecycleTagPrefixListWarning,
    Repository,
    TagStatus,
    ValidationError,
    check_lifecycle_policy,
    preview_lifecycle,
)
from cdktf_aws_ecr.lifecycle.preview import find_lifecycle_policy
from devtools import terraform as tf

UNTAGGED_14 = LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14)
RELEASES_30 = LifecycleRule(tag_pattern_list=["v*"], max_image_count=30)
ANY_500 = LifecycleRule(tag_status=TagStatus.ANY, max_image_count=500)
CI_BUILDS_50 = LifecycleRule(tag_prefix_list=["sha-"], max_image_count=50, description="CI builds")


def policies(stack: TerraformStack) -> Dict[str, str]:
    """The synthesized lifecycle policy text of each repository, by repository name."""
    synth = synth_json(stack)
    names = {key: body["name"] for key, body in resources_of(synth, "aws_ecr_repository").items()}
    return {names[key]: body["policy"] for key, body in resources_of(synth, "aws_ecr_lifecycle_policy").items()}


def policy_of(stack: TerraformStack) -> Dict[str, Any]:
    return json.loads(only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"])


def protect(priority: int, pattern: str) -> Dict[str, Any]:
    return {
        "rulePriority": priority,
        "description": f"Never expire images tagged {pattern}",
        "selection": {"tagStatus": "tagged", "tagPatternList": [pattern],
                      "countType": "imageCountMoreThan", "countNumber": 999999},
        "action": {"type": "expire"},
    }


def refused_at_add(repository: Repository, rule: Any, parameter: str, *fragments: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        repository.add_lifecycle_rule(rule)
    error = caught.value
    assert error.parameter == parameter, str(error)
    assert str(error).startswith(f"Repository '{repository.node.path}': {parameter}="), str(error)
    for fragment in fragments:
        assert fragment in str(error), str(error)
    return error


# --------------------------------------------------------------------------- what is synthesized


def test_the_issue_example_synthesizes_protect_rules_first_then_in_order_and_any_last(
    stack: TerraformStack,
) -> None:
    # GIVEN the issue's repository, and a rule added after construction
    repository = Repository(stack, "api", name="payments/api",
                            lifecycle_rules=[UNTAGGED_14, RELEASES_30, ANY_500],
                            protected_tags=["prod-*", "release-*"])
    repository.add_lifecycle_rule(CI_BUILDS_50)
    # THEN the synthesized policy protects first, keeps the order given (then added), ANY last
    assert policy_of(stack) == {
        "rules": [
            protect(1, "prod-*"),
            protect(2, "release-*"),
            {"rulePriority": 3,
             "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                           "countNumber": 14},
             "action": {"type": "expire"}},
            {"rulePriority": 4,
             "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "countType": "imageCountMoreThan",
                           "countNumber": 30},
             "action": {"type": "expire"}},
            {"rulePriority": 5, "description": "CI builds",
             "selection": {"tagStatus": "tagged", "tagPrefixList": ["sha-"], "countType": "imageCountMoreThan",
                           "countNumber": 50},
             "action": {"type": "expire"}},
            {"rulePriority": 6,
             "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 500},
             "action": {"type": "expire"}},
        ]
    }
    # AND ECR's rules accept it as a whole
    check_lifecycle_policy(only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"])


def test_explicit_priorities_are_kept_and_the_others_follow(stack: TerraformStack) -> None:
    # GIVEN a rule with priority 10 given after one without, and an ANY rule first
    Repository(stack, "api", name="payments/api", lifecycle_rules=[
        ANY_500,
        RELEASES_30,
        LifecycleRule(tag_prefix_list=["rc-"], max_image_count=3, rule_priority=10),
    ])
    # THEN 10 is kept, the others follow it in order, and ANY is last
    rules = policy_of(stack)["rules"]
    assert [(r["rulePriority"], r["selection"]["tagStatus"], r["selection"].get("tagPatternList"),
             r["selection"].get("tagPrefixList")) for r in rules] == [
        (10, "tagged", None, ["rc-"]),
        (11, "tagged", ["v*"], None),
        (12, "any", None, None),
    ]


def test_add_lifecycle_rule_gives_the_same_policy_whatever_the_order_of_the_calls(
    stack: TerraformStack,
) -> None:
    # GIVEN the same rules given at construction, and added one by one, ANY first,
    # with another repository created between the calls
    Repository(stack, "given", name="given", lifecycle_rules=[UNTAGGED_14, RELEASES_30, CI_BUILDS_50, ANY_500],
               protected_tags=["prod-*"])
    added = Repository(stack, "added", name="added", protected_tags=["prod-*"])
    added.add_lifecycle_rule(ANY_500)
    added.add_lifecycle_rule(UNTAGGED_14)
    Repository(stack, "other", name="other")
    added.add_lifecycle_rule(RELEASES_30)
    mixed = Repository(stack, "mixed", name="mixed", lifecycle_rules=[ANY_500, UNTAGGED_14],
                       protected_tags=["prod-*"])
    mixed.add_lifecycle_rule(RELEASES_30)
    for repository in (added, mixed):
        repository.add_lifecycle_rule(CI_BUILDS_50)
    # THEN all three policies are the same text
    texts = policies(stack)
    assert texts["given"] == texts["added"] == texts["mixed"]
    assert [rule["rulePriority"] for rule in json.loads(texts["given"])["rules"]] == [1, 2, 3, 4, 5]


def test_a_rule_added_to_a_default_repository_replaces_the_seed_rules(stack: TerraformStack) -> None:
    # GIVEN a repository built with the seed's defaults
    repository = Repository(stack, "api", name="payments/api")
    assert policy_of(stack) == expected_lifecycle(14, 30, ["v"])
    # WHEN a typed rule is added
    repository.add_lifecycle_rule(RELEASES_30)
    # THEN the policy holds that rule only
    assert policy_of(stack) == {"rules": [
        {"rulePriority": 1,
         "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"], "countType": "imageCountMoreThan",
                       "countNumber": 30},
         "action": {"type": "expire"}},
    ]}


def test_protected_tags_combine_with_explicit_seed_keywords(stack: TerraformStack) -> None:
    # GIVEN seed keywords passed explicitly and a protected tag
    Repository(stack, "api", name="payments/api", untagged_image_expiry_days=7, max_tagged_image_count=20,
               lifecycle_tag_prefix_list=["release-"], protected_tags=["release-lts*"])
    # THEN the seed's two rules follow the protecting rule
    seed = expected_lifecycle(7, 20, ["release-"])["rules"]
    assert policy_of(stack) == {
        "rules": [protect(1, "release-lts*"), {**seed[0], "rulePriority": 2}, {**seed[1], "rulePriority": 3}]
    }


def test_a_protected_image_is_kept_while_it_counts_in_the_window(stack: TerraformStack) -> None:
    # GIVEN prod-* protected and the newest 2 v* images kept
    Repository(stack, "api", name="payments/api", protected_tags=["prod-*"],
               lifecycle_rules=[LifecycleRule(tag_pattern_list=["v*"], max_image_count=2)])
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    images = [
        {"digest": "sha256:4", "tags": ["v4", "prod-eu"], "pushed_at": "2026-11-04T00:00:00Z"},
        {"digest": "sha256:3", "tags": ["v3"], "pushed_at": "2026-11-03T00:00:00Z"},
        {"digest": "sha256:2", "tags": ["v2"], "pushed_at": "2026-11-02T00:00:00Z"},
        {"digest": "sha256:1", "tags": ["v1", "prod-us"], "pushed_at": "2026-11-01T00:00:00Z"},
    ]
    # WHEN the synthesized policy is previewed
    preview = preview_lifecycle(policy, images, now="2026-11-05T00:00:00Z")
    # THEN the protected v4 takes one of the two places, so v2 expires; the old protected v1 stays
    assert preview.expired == {"sha256:2": 2}
    assert preview.kept == {"sha256:4": 1, "sha256:3": 2, "sha256:1": 1}


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "keyword, value",
    [("untagged_image_expiry_days", 7), ("max_tagged_image_count", 30), ("lifecycle_tag_prefix_list", ["v"])],
)
def test_lifecycle_rules_with_an_explicit_seed_keyword_are_refused(
    stack: TerraformStack, keyword: str, value: Any
) -> None:
    # GIVEN typed rules  WHEN a seed lifecycle keyword is also passed (even with its default value)
    # THEN the repository is refused, naming both
    assert_rejected(
        stack, "lifecycle_rules", [RELEASES_30],
        ["either lifecycle_rules or the seed's lifecycle keywords", "lifecycle_rules replace the seed's two rules"],
        problem=f"is given together with {keyword}={value!r}",
        lifecycle_rules=[RELEASES_30], **{keyword: value},
    )


@pytest.mark.parametrize("parameter, value", [("lifecycle_rules", [RELEASES_30]), ("protected_tags", ["prod-*"])])
def test_rules_or_protected_tags_without_a_lifecycle_policy_are_refused(
    stack: TerraformStack, parameter: str, value: List[Any]
) -> None:
    assert_rejected(
        stack, parameter, value, ["nothing while enable_lifecycle_policy is False"],
        problem="is given with enable_lifecycle_policy=False, which attaches no lifecycle policy",
        enable_lifecycle_policy=False, **{parameter: value},
    )


@pytest.mark.parametrize(
    "inputs, parameter, problem",
    [
        ({"lifecycle_rules": [RELEASES_30, "v*"]}, "lifecycle_rules[1]", "is a str"),
        ({"lifecycle_rules": RELEASES_30}, "lifecycle_rules", "is a LifecycleRule"),
        ({"lifecycle_rules": [LifecycleRule(max_image_count=1, rule_priority=3),
                              LifecycleRule(tag_prefix_list=["a"], max_image_count=1, rule_priority=3)]},
         "lifecycle_rules[0].rule_priority", "is also the priority of lifecycle_rules[1]"),
        ({"lifecycle_rules": [UNTAGGED_14, LifecycleRule(tag_status="untagged", max_image_count=5)]},
         "lifecycle_rules[1].tag_status", "makes a second 'untagged' rule, after lifecycle_rules[0]"),
        ({"lifecycle_rules": [LifecycleRule(tag_pattern_list=["v*"], max_image_count=1, rule_priority=1)],
          "protected_tags": ["prod-*"]},
         "lifecycle_rules[0].rule_priority", "is not above the priorities 1 to 1 that protected_tags take"),
        ({"lifecycle_rules": [LifecycleRule(tag_pattern_list=["prod-*"], max_image_count=3)],
          "protected_tags": ["prod-*"]},
         "lifecycle_rules[0].tag_pattern_list", "selects the same tags as protected_tags[0]"),
        ({"protected_tags": ["prod env"]}, "protected_tags", "holds an invalid pattern 'prod env'"),
        ({"lifecycle_rules": [LifecycleRule(tag_prefix_list=["v"], max_image_count=1, description="x" * 31_000)]},
         "lifecycle_rules", "makes a policy that is 31"),
    ],
)
def test_a_bad_policy_names_the_rule_and_field(
    stack: TerraformStack, inputs: Dict[str, Any], parameter: str, problem: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="svc", **inputs)
    assert caught.value.parameter == parameter, str(caught.value)
    assert problem in str(caught.value)
    # AND nothing is left behind
    assert stack.node.try_find_child("repo") is None


def test_a_seed_rule_that_a_protected_tag_shadows_names_the_prefix_list(stack: TerraformStack) -> None:
    # GIVEN the seed's default prefix ["v"]  WHEN "v*" is protected, which leaves rule 2 nothing
    # THEN the refusal names the seed keyword behind that rule
    assert_rejected(
        stack, "lifecycle_tag_prefix_list", ["v"], ["a tag filter unique across the rules"],
        problem="selects the same tags as protected_tags[0]", protected_tags=["v*"],
    )


def test_too_many_protected_tags_for_the_seed_rules_names_protected_tags(stack: TerraformStack) -> None:
    # GIVEN 49 protected tags and the seed's two rules: 51 rules
    tags = [f"keep{i}" for i in range(49)]
    assert_rejected(stack, "protected_tags", tags, ["a list of 1 to 50 rules"],
                    problem="makes a policy that has 51 rules", protected_tags=tags)


def test_too_many_protected_tags_for_typed_rules_names_protected_tags(stack: TerraformStack) -> None:
    # GIVEN one typed rule and 50 protected tags: 51 rules, the protected tags' doing
    tags = [f"keep{i}" for i in range(50)]
    assert_rejected(stack, "protected_tags", tags, ["a list of 1 to 50 rules"],
                    problem="makes a policy that has 51 rules", protected_tags=tags,
                    lifecycle_rules=[UNTAGGED_14])
    # AND 51 typed rules are too many on their own, so they are blamed, protected tags or not
    rules = [LifecycleRule(tag_prefix_list=[f"p{i}"], max_image_count=1) for i in range(51)]
    assert_rejected(stack, "lifecycle_rules", rules, ["a list of 1 to 50 rules"],
                    problem="makes a policy that has 52 rules", protected_tags=["keep"],
                    lifecycle_rules=rules)


def test_a_rule_ecr_would_reject_fails_at_add_lifecycle_rule_and_is_not_added(stack: TerraformStack) -> None:
    # GIVEN a repository with prod-* protected and an untagged rule
    repository = Repository(stack, "api", name="payments/api", protected_tags=["prod-*"],
                            lifecycle_rules=[UNTAGGED_14])
    before = policies(stack)
    # WHEN rules that break the whole policy are added  THEN each call fails, naming `rule`
    refused_at_add(repository, LifecycleRule(tag_pattern_list=["prod-*"], max_image_count=3),
                   "rule.tag_pattern_list", "selects the same tags as protected_tags[0]")
    refused_at_add(repository, LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_count=3),
                   "rule.tag_status", "makes a second 'untagged' rule, after lifecycle_rules[0]")
    refused_at_add(repository, LifecycleRule(tag_prefix_list=["v"], max_image_count=1, rule_priority=1),
                   "rule.rule_priority", "is not above the priorities 1 to 1 that protected_tags take")
    long = LifecycleRule(tag_prefix_list=["v"], max_image_count=1, description="x" * 31_000)
    refused_at_add(repository, long, "rule", "makes a policy that is 31", "100 to 30720 characters")
    refused_at_add(repository, {"tagStatus": "any"}, "rule", "is a dict", "allowed: a LifecycleRule")
    # AND none of them was added
    assert policies(stack) == before


def test_add_lifecycle_rule_is_refused_after_seed_keywords_or_without_a_policy(stack: TerraformStack) -> None:
    seeded = Repository(stack, "seeded", name="seeded", max_tagged_image_count=20)
    refused_at_add(seeded, RELEASES_30, "rule", "is added to a repository built with max_tagged_image_count=20",
                   "typed rules only on a repository built without the seed's lifecycle keywords")
    bare = Repository(stack, "bare", name="bare", enable_lifecycle_policy=False)
    refused_at_add(bare, RELEASES_30, "rule",
                   "is added to a repository built with enable_lifecycle_policy=False")
    assert resources_of(synth_json(stack), "aws_ecr_lifecycle_policy").keys() == {"seeded"}


# --------------------------------------------------------------------------- the seed warning


def _warnings_of(build: Any) -> List[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build()
    return [w for w in caught if issubclass(w.category, LifecycleTagPrefixListWarning)]


def test_a_seed_prefix_list_of_several_entries_warns_that_it_means_and(stack: TerraformStack) -> None:
    # GIVEN the seed keywords with two prefixes
    caught = _warnings_of(lambda: Repository(
        stack, "api", name="payments/api", untagged_image_expiry_days=7, max_tagged_image_count=20,
        lifecycle_tag_prefix_list=["v", "sha-"],
    ))
    # THEN one warning says the list means AND and shows the typed rules that mean OR
    (warning,) = caught
    assert str(warning.message) == (
        f"Repository '{stack.node.path}/api': lifecycle_tag_prefix_list=['v', 'sha-'] selects only "
        "images that carry a tag for EVERY prefix (ECR's tagPrefixList means AND); images tagged "
        "with only some of them are never expired by max_tagged_image_count. For images with a tag "
        "of ANY of these prefixes, pass lifecycle_rules=[LifecycleRule(tag_status=TagStatus.UNTAGGED, "
        "max_image_age_days=7)] + [LifecycleRule(tag_prefix_list=[prefix], max_image_count=20) for "
        "prefix in ['v', 'sha-']] instead of the seed's lifecycle keywords (each prefix then keeps "
        "its own newest 20)."
    )
    assert warning.filename == __file__  # it points at the caller's line
    # AND the policy is still the seed's, unchanged
    assert policy_of(stack) == expected_lifecycle(7, 20, ["v", "sha-"])


def test_the_suggested_typed_rules_mean_any_of_the_prefixes(stack: TerraformStack) -> None:
    # GIVEN a seed prefix list of two, and the typed rules its warning suggests, as written there
    with pytest.warns(LifecycleTagPrefixListWarning) as caught:
        Repository(stack, "seed", name="seed", lifecycle_tag_prefix_list=["v", "sha-"], max_tagged_image_count=1)
    suggested = str(caught[0].message).split("lifecycle_rules=", 1)[1].split(" instead of", 1)[0]
    rules = eval(suggested, {"LifecycleRule": LifecycleRule, "TagStatus": TagStatus})
    Repository(stack, "typed", name="typed", lifecycle_rules=rules)
    images = [
        {"digest": f"sha256:{n}", "tags": [tag], "pushed_at": f"2026-11-0{n}T00:00:00Z"}
        for n, tag in enumerate(["v1", "v2", "sha-1", "sha-2"], start=1)
    ]
    texts = policies(stack)
    # WHEN both are previewed  THEN the seed's expires nothing, the typed one the older of each family
    assert preview_lifecycle(texts["seed"], images, "2026-11-10T00:00:00Z").expired == {}
    assert preview_lifecycle(texts["typed"], images, "2026-11-10T00:00:00Z").expired == {
        "sha256:1": 2, "sha256:3": 3,
    }


@pytest.mark.parametrize(
    "inputs",
    [
        {},
        {"lifecycle_tag_prefix_list": ["release-"]},
        {"lifecycle_tag_prefix_list": ["v", "sha-"], "enable_lifecycle_policy": False},
        {"lifecycle_rules": [LifecycleRule(tag_prefix_list=["v", "sha-"], max_image_count=3)]},
    ],
)
def test_no_warning_for_one_prefix_no_policy_or_typed_rules(stack: TerraformStack, inputs: Dict[str, Any]) -> None:
    assert _warnings_of(lambda: Repository(stack, "api", name="payments/api", **inputs)) == []


def test_no_warning_for_a_prefix_list_token(stack: TerraformStack) -> None:
    prefixes = TerraformVariable(stack, "prefixes", type="list(string)")
    assert _warnings_of(lambda: Repository(stack, "api", name="payments/api",
                                           lifecycle_tag_prefix_list=prefixes.list_value)) == []


# --------------------------------------------------------------------------- tokens and escapes


def _keep_variable_stack(stack: TerraformStack) -> None:
    keep = TerraformVariable(stack, "keep", type="number")
    prefixes = TerraformVariable(stack, "prefixes", type="list(string)")
    repository = Repository(stack, "api", name="payments/api", protected_tags=["prod-*"],
                            lifecycle_rules=[LifecycleRule(tag_pattern_list=["v*"], max_image_count=keep.number_value)])
    repository.add_lifecycle_rule(LifecycleRule(tag_prefix_list=prefixes.list_value, max_image_count=5))


def test_token_counts_and_lists_in_typed_rules_produce_a_jsonencode_policy(stack: TerraformStack) -> None:
    # GIVEN a count and a prefix list only known at apply
    _keep_variable_stack(stack)
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    # THEN Terraform builds the JSON, with the protected rule first
    assert policy.startswith('${jsonencode({"rules" = [{"rulePriority" = 1, "description" = '
                             '"Never expire images tagged prod-*"')
    assert '"countNumber" = var.keep' in policy and '"tagPrefixList" = var.prefixes' in policy


def test_tokens_of_typed_rules_and_protected_tags_get_terraform_preconditions(stack: TerraformStack) -> None:
    # GIVEN a count, a prefix list, a protected pattern and days only known at apply, in
    # lifecycle_rules, protected_tags and rules added later
    keep = TerraformVariable(stack, "keep", type="number").number_value
    prefixes = TerraformVariable(stack, "prefixes", type="list(string)").list_value
    pattern = TerraformVariable(stack, "pattern", type="string").string_value
    days = TerraformVariable(stack, "days", type="number").number_value
    repository = Repository(stack, "api", name="payments/api", protected_tags=["prod-*", pattern],
                            lifecycle_rules=[LifecycleRule(tag_pattern_list=["v*"], max_image_count=keep)])
    repository.add_lifecycle_rule(LifecycleRule(tag_prefix_list=prefixes, max_image_count=5))
    repository.add_lifecycle_rule(LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=days))
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))
    # THEN each gets the check the seed keywords get, in this library's words, before ECR sees it
    where = f"cdktf_aws_ecr: Repository '{stack.node.path}/api'"
    whole = "allowed: a whole number from 1 to 2147483647"
    assert policy["lifecycle"]["precondition"] == [
        {"condition": '${(can(regex("^(?:[A-Za-z0-9_*][A-Za-z0-9_.*-]{0,127})$", var.pattern)) && '
                      '(length(regexall("[*]", var.pattern)) <= 4))}',
         "error_message": f"{where}: protected_tags[1] is not allowed; allowed: a non-empty list of "
                          "distinct tag patterns, each 1-128 characters of letters, digits, _ . - and *, "
                          "not starting with . or -, with at most 4 '*' (* matches any run of characters)"},
        {"condition": "${(((var.keep >= 1) && (var.keep <= 2147483647)) && (floor(var.keep) == var.keep))}",
         "error_message": f"{where}: lifecycle_rules[0].max_image_count is not allowed; {whole}"},
        {"condition": "${(length(var.prefixes) >= 1)}",
         "error_message": f"{where}: rule.tag_prefix_list (add_lifecycle_rule call 1) is not allowed; "
                          "allowed: a list of distinct Docker tag prefixes, each 1-128 characters of "
                          "letters, digits, _ . - not starting with . or -, or a list token; at least one"},
        {"condition": "${(((var.days >= 1) && (var.days <= 2147483647)) && (floor(var.days) == var.days))}",
         "error_message": f"{where}: rule.max_image_age_days (add_lifecycle_rule call 2) is not allowed; {whole}"},
    ]
    assert policy["lifecycle"]["replace_triggered_by"] == ["aws_ecr_repository.payments--api.arn"]


def test_plain_typed_rules_get_no_preconditions(stack: TerraformStack) -> None:
    # GIVEN typed rules and protected tags of plain values, and a plain rule added later
    repository = Repository(stack, "api", name="payments/api", protected_tags=["prod-*"],
                            lifecycle_rules=[RELEASES_30])
    repository.add_lifecycle_rule(UNTAGGED_14)
    # THEN the lifecycle policy only follows the repository's replacement
    assert only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["lifecycle"] == {
        "replace_triggered_by": ["aws_ecr_repository.payments--api.arn"]
    }


@pytest.mark.terraform
@pytest.mark.e2e
def test_token_counts_and_lists_ecr_would_refuse_stop_the_plan_with_our_message(
    local_aws: Any, tmp_path: Path
) -> None:
    # GIVEN typed rules and a protected tag whose count, list and pattern are variables
    app, stack = stack_on_disk(tmp_path, "rules")
    keep = TerraformVariable(stack, "keep", type="number").number_value
    patterns = TerraformVariable(stack, "patterns", type="list(string)").list_value
    protected = TerraformVariable(stack, "protected", type="string").string_value
    Repository(stack, "api", name="payments/api", protected_tags=[protected], lifecycle_rules=[
        LifecycleRule(tag_pattern_list=patterns, max_image_count=keep),
        LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=keep),
    ])
    app.synth()
    directory = tmp_path / "stacks" / "rules"
    env = local_aws.environ()
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    good = {"keep": "3", "patterns": '["v*"]', "protected": "prod-*"}
    bad = [
        ("keep", "0", "lifecycle_rules[0].max_image_count"),
        ("keep", "2.5", "lifecycle_rules[1].max_image_age_days"),
        ("patterns", "[]", "lifecycle_rules[0].tag_pattern_list"),
        ("protected", "", "protected_tags[0]"),
        ("protected", "a*b*c*d*e*", "protected_tags[0]"),
    ]
    fine, *refused = plans(directory, env, [good] + [{**good, name: value} for name, value, _ in bad])
    # WHEN the values are ones ECR accepts  THEN the plan succeeds
    assert fine.returncode == 0, fine.stdout + fine.stderr
    # WHEN one is a value ECR would refuse at apply, after creating the repository
    # THEN the plan stops first, naming the input
    for (name, value, parameter), result in zip(bad, refused):
        output = " ".join((result.stdout + result.stderr).split())
        assert result.returncode == 1, (name, value, output[-2000:])
        assert f"cdktf_aws_ecr: Repository 'rules/api': {parameter} is not allowed" in output, (
            name, value, output[-2000:])


@pytest.mark.terraform
def test_terraform_syntax_in_a_description_reaches_ecr_literally_when_terraform_builds_the_policy(
    stack: TerraformStack, tmp_path: Path, terraform_available: str
) -> None:
    # GIVEN a description holding Terraform's interpolation and directive syntax, in a rule
    # whose count is a variable, so Terraform builds the policy with jsonencode
    keep = TerraformVariable(stack, "keep", type="number").number_value
    description = "CI builds of ${branch} and %{if x}"
    Repository(stack, "api", name="payments/api", lifecycle_rules=[
        LifecycleRule(tag_prefix_list=["sha-"], max_image_count=keep, description=description)])
    written = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    # THEN both are escaped in the expression's string ...
    assert '"description" = "CI builds of $${branch} and %%{if x}"' in written
    (tmp_path / "main.tf.json").write_text(json.dumps({
        "variable": {"keep": {"type": "number"}}, "locals": {"policy": written}}))
    # ... so Terraform sends the description as written
    text = terraform_console(tmp_path, "local.policy", "-var", "keep=5")
    assert json.loads(text)["rules"][0] == {
        "rulePriority": 1, "description": description, "action": {"type": "expire"},
        "selection": {"tagStatus": "tagged", "tagPrefixList": ["sha-"],
                      "countType": "imageCountMoreThan", "countNumber": 5},
    }


@pytest.mark.terraform
def test_a_token_policy_evaluates_to_the_static_policy(
    make_stack: Any, tmp_path: Path, terraform_available: str
) -> None:
    # GIVEN the jsonencode expression, and the same rules written with plain values
    tokens, plain = make_stack(), make_stack()
    _keep_variable_stack(tokens)
    expression = only(resources_of(synth_json(tokens), "aws_ecr_lifecycle_policy"))["policy"]
    repository = Repository(plain, "api", name="payments/api-plain", protected_tags=["prod-*"],
                            lifecycle_rules=[LifecycleRule(tag_pattern_list=["v*"], max_image_count=12)])
    repository.add_lifecycle_rule(LifecycleRule(tag_prefix_list=["sha-"], max_image_count=5))
    static = only(resources_of(synth_json(plain), "aws_ecr_lifecycle_policy"))["policy"]
    (tmp_path / "main.tf.json").write_text(json.dumps({
        "variable": {"keep": {"type": "number"}, "prefixes": {"type": "list(string)"}},
        "locals": {"policy": expression},
    }))
    # WHEN Terraform evaluates it with keep=12, prefixes=["sha-"]
    text = terraform_console(tmp_path, "local.policy", "-var", "keep=12", "-var", 'prefixes=["sha-"]')
    # THEN it is byte for byte the static policy
    assert text == static


@pytest.mark.terraform
def test_terraform_syntax_in_a_description_reaches_ecr_literally(
    stack: TerraformStack, tmp_path: Path, terraform_available: str
) -> None:
    # GIVEN a description holding Terraform's interpolation and directive syntax
    description = "CI builds of ${branch} and %{if x}"
    Repository(stack, "api", name="payments/api",
               lifecycle_rules=[LifecycleRule(tag_prefix_list=["sha-"], max_image_count=5, description=description)])
    synth = synth_json(stack)
    written = only(resources_of(synth, "aws_ecr_lifecycle_policy"))["policy"]
    # THEN it is escaped for Terraform ...
    assert "$${branch}" in written and "%%{if x}" in written
    (tmp_path / "main.tf.json").write_text(json.dumps({"locals": {"policy": written}}))
    # ... so Terraform sends the description as written
    text = terraform_console(tmp_path, "local.policy")
    assert json.loads(text)["rules"][0]["description"] == description
    # AND the preview command reads it back the same way
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "cdk.tf.json").write_text(json.dumps(synth))
    assert find_lifecycle_policy(tmp_path / "stack", "payments/api").policy == text
