"""Archive storage in typed lifecycle rules: the rules, the policy they assemble
into, protected tags in both storage classes, the preview, and Repository.

ECR's archive storage class (``transition`` to ``archive``, ``sinceImagePulled``,
``sinceImageTransitioned`` with its 90-day minimum) is accepted by provider
5.100 as policy JSON, but the local endpoint refuses it at apply, so these
tests go as far as synth, the whole-policy check, the preview, ``terraform
validate`` and ``terraform plan``. The raw-JSON checks of archive rules are in
``test_lifecycle_rules.py``. Each test reads GIVEN / WHEN / THEN.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Dict

import pytest
from cdktf import Fn, TerraformStack, TerraformVariable, Token
from conftest import only, plans, resources_of, stack_on_disk, synth_json

from cdktf_aws_ecr import (
    LifecycleAction,
    LifecycleRule,
    Repository,
    TagStatus,
    ValidationError,
    preview_lifecycle,
)
from cdktf_aws_ecr.lifecycle.rules import PROTECT_COUNT, assemble_lifecycle_policy
from cdktf_aws_ecr.lifecycle.simulator import Verdict
from devtools import terraform as tf

TRANSITION = {"type": "transition", "targetStorageClass": "archive"}
EXPIRE = {"type": "expire"}

ARCHIVE_OLD_RELEASES = LifecycleRule(
    tag_pattern_list=["v*"], max_image_count=10, action=LifecycleAction.ARCHIVE
)
ARCHIVE_UNPULLED = LifecycleRule(tag_status=TagStatus.ANY, max_days_since_pull=180)
EXPIRE_ARCHIVED = LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=365)


def refused(parameter: str, *fragments: str, **fields: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        LifecycleRule(**fields)
    assert caught.value.parameter == parameter, str(caught.value)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    return caught.value


# --------------------------------------------------------------------------- one rule


def test_archive_instead_of_expire_renders_a_transition_to_archive() -> None:
    assert ARCHIVE_OLD_RELEASES.as_policy_rule(3) == {
        "rulePriority": 3,
        "selection": {"tagStatus": "tagged", "tagPatternList": ["v*"],
                      "countType": "imageCountMoreThan", "countNumber": 10},
        "action": TRANSITION,
    }


def test_days_since_pull_archives_and_is_counted_in_days() -> None:
    # GIVEN only a days-since-pull count  THEN the action ARCHIVE is implied (ECR has no other)
    assert ARCHIVE_UNPULLED.action is LifecycleAction.ARCHIVE
    assert ARCHIVE_UNPULLED.as_policy_rule(2) == {
        "rulePriority": 2,
        "selection": {"tagStatus": "any", "countType": "sinceImagePulled",
                      "countUnit": "days", "countNumber": 180},
        "action": TRANSITION,
    }


def test_days_in_archive_selects_archived_images_and_expires_them() -> None:
    assert EXPIRE_ARCHIVED.action is LifecycleAction.EXPIRE
    assert EXPIRE_ARCHIVED.as_policy_rule(4) == {
        "rulePriority": 4,
        "selection": {"tagStatus": "any", "storageClass": "archive",
                      "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365},
        "action": EXPIRE,
    }


def test_the_action_may_be_given_as_its_string_and_the_repr_shows_it() -> None:
    rule = LifecycleRule(tag_prefix_list=["sha-"], max_image_age_days=30, action="archive")
    assert rule.action is LifecycleAction.ARCHIVE
    assert rule == LifecycleRule(tag_prefix_list=["sha-"], max_image_age_days=30, action=LifecycleAction.ARCHIVE)
    assert repr(rule) == ("LifecycleRule(tag_status=TagStatus.TAGGED, tag_prefix_list=['sha-'], "
                          "max_image_age_days=30, action=LifecycleAction.ARCHIVE)")
    # an expiring rule's repr stays as it was written
    assert repr(LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=7)) == (
        "LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=7)")


def test_fewer_than_90_days_in_archive_is_refused() -> None:
    # archive-image.html: archived images have a minimum storage duration of 90 days
    refused("max_days_in_archive", "is out of range", "a whole number from 90 to 2147483647",
            tag_status=TagStatus.ANY, max_days_in_archive=89)
    assert LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=90).max_days_in_archive == 90


@pytest.mark.parametrize(
    "fields, fragment",
    [
        ({"max_days_since_pull": 30, "action": LifecycleAction.EXPIRE},
         "is EXPIRE, and ECR archives by sinceImagePulled"),
        ({"max_days_in_archive": 365, "action": "archive"},
         "is ARCHIVE, and ECR only expires by sinceImageTransitioned"),
        ({"max_image_count": 5, "action": "transition"}, "'expire' or 'archive'"),
        ({"max_image_count": 5, "action": Token.as_string(Fn.lower("ARCHIVE"))}, "is an unresolved token"),
    ],
)
def test_an_action_ecr_cannot_take_is_refused(fields: Dict[str, Any], fragment: str) -> None:
    refused("action", fragment, tag_status=TagStatus.ANY, **fields)


# --------------------------------------------------------------------------- the policy


def test_protected_tags_guard_archived_images_only_when_a_rule_expires_them() -> None:
    # GIVEN a protected pattern and rules that archive, but none that expires archived images
    without = assemble_lifecycle_policy([ARCHIVE_OLD_RELEASES, ARCHIVE_UNPULLED], ["prod-*"])
    # THEN one protecting rule, as before: it keeps prod-* images from being archived too
    assert [rule["description"] for rule in without["rules"] if "description" in rule] == [
        "Never expire images tagged prod-*"]
    # GIVEN also a rule that expires archived images
    document = assemble_lifecycle_policy(
        [ARCHIVE_OLD_RELEASES, ARCHIVE_UNPULLED, EXPIRE_ARCHIVED], ["prod-*", "release-*"])
    # THEN each pattern is protected in the archive storage class too, ahead of every other rule
    assert document["rules"][:4] == [
        {"rulePriority": 1, "description": "Never expire images tagged prod-*",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["prod-*"],
                       "countType": "imageCountMoreThan", "countNumber": PROTECT_COUNT},
         "action": EXPIRE},
        {"rulePriority": 2, "description": "Never expire images tagged release-*",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["release-*"],
                       "countType": "imageCountMoreThan", "countNumber": PROTECT_COUNT},
         "action": EXPIRE},
        {"rulePriority": 3, "description": "Never expire archived images tagged prod-*",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["prod-*"], "storageClass": "archive",
                       "countType": "sinceImageTransitioned", "countUnit": "days",
                       "countNumber": PROTECT_COUNT},
         "action": EXPIRE},
        {"rulePriority": 4, "description": "Never expire archived images tagged release-*",
         "selection": {"tagStatus": "tagged", "tagPatternList": ["release-*"], "storageClass": "archive",
                       "countType": "sinceImageTransitioned", "countUnit": "days",
                       "countNumber": PROTECT_COUNT},
         "action": EXPIRE},
    ]
    # AND the 'any' rule of each storage class comes last, in the order given
    assert [(rule["rulePriority"], rule["selection"]["countType"]) for rule in document["rules"][4:]] == [
        (5, "imageCountMoreThan"), (6, "sinceImagePulled"), (7, "sinceImageTransitioned")]


def test_explicit_priorities_must_leave_room_for_both_classes_of_protect_rules() -> None:
    with pytest.raises(ValidationError) as caught:
        assemble_lifecycle_policy(
            [LifecycleRule(tag_prefix_list=["sha-"], max_image_count=5, rule_priority=2), EXPIRE_ARCHIVED],
            ["prod-*"],
        )
    assert caught.value.parameter == "lifecycle_rules[0].rule_priority"
    assert "is not above the priorities 1 to 2 that protected_tags take" in str(caught.value)


def test_two_rules_that_archive_every_active_image_are_refused_naming_the_typed_field() -> None:
    # LifecyclePolicies.html: one 'any' rule per storage class
    with pytest.raises(ValidationError) as caught:
        assemble_lifecycle_policy([ARCHIVE_UNPULLED, LifecycleRule(max_image_count=100)])
    assert caught.value.parameter == "lifecycle_rules[1].tag_status"
    assert "makes a second 'any' rule" in str(caught.value)


@pytest.mark.parametrize("explicit", [0, 1])
def test_an_any_rule_per_storage_class_may_have_one_explicit_priority(explicit: int) -> None:
    # GIVEN an ANY rule in each storage class, one of them with an explicit priority
    rules = [LifecycleRule(tag_status=TagStatus.ANY, max_days_since_pull=30),
             LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=100)]
    rules[explicit] = dataclasses.replace(rules[explicit], rule_priority=5)
    # THEN the other one is numbered after it, and the policy is one ECR accepts
    priorities = [rule["rulePriority"] for rule in assemble_lifecycle_policy(rules)["rules"]]
    assert sorted(priorities) == [5, 6]
    assert priorities[explicit] == 5


def test_an_explicit_any_priority_only_needs_its_own_storage_class_explicit() -> None:
    # GIVEN an active-image rule numbered automatically and an explicit archive ANY rule
    document = assemble_lifecycle_policy([
        LifecycleRule(tag_prefix_list=["sha-"], max_image_count=5),
        LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=365, rule_priority=10),
    ])
    # THEN the automatic rule follows it (the archive class's ANY rule is last in its class)
    assert [rule["rulePriority"] for rule in document["rules"]] == [11, 10]
    # BUT an automatic rule of the same storage class as an explicit ANY rule is still refused
    with pytest.raises(ValidationError) as caught:
        assemble_lifecycle_policy([
            LifecycleRule(tag_prefix_list=["sha-"], max_days_in_archive=90),
            LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=365, rule_priority=10),
        ])
    assert caught.value.parameter == "lifecycle_rules[1].rule_priority"
    assert "lifecycle_rules[0] has no rule_priority" in str(caught.value)


def test_one_tag_filter_may_archive_and_then_expire() -> None:
    # GIVEN the same filter for active images (archive) and for archived images (expire)
    document = assemble_lifecycle_policy([
        LifecycleRule(tag_prefix_list=["sha-"], max_image_age_days=30, action=LifecycleAction.ARCHIVE),
        LifecycleRule(tag_prefix_list=["sha-"], max_days_in_archive=90),
    ])
    # THEN both rules stand: filters are unique per storage class
    assert [rule["action"] for rule in document["rules"]] == [TRANSITION, EXPIRE]


def test_the_preview_archives_and_expires_as_the_typed_rules_say() -> None:
    # GIVEN a policy that archives images not pulled for 180 days and deletes those
    # archived for a year, with prod-* protected
    document = assemble_lifecycle_policy([ARCHIVE_UNPULLED, EXPIRE_ARCHIVED], ["prod-*"])
    now = "2026-12-01T00:00:00Z"
    images = [
        {"digest": "sha256:fresh", "tags": ["v3"], "pushed_at": "2026-11-20T00:00:00Z"},
        {"digest": "sha256:stale", "tags": ["v1"], "pushed_at": "2025-01-01T00:00:00Z",
         "last_pulled_at": "2026-03-01T00:00:00Z"},
        {"digest": "sha256:deployed", "tags": ["v2", "prod-1"], "pushed_at": "2025-01-01T00:00:00Z"},
        {"digest": "sha256:long-archived", "tags": ["v0"], "pushed_at": "2024-01-01T00:00:00Z",
         "storage_class": "archive", "last_archived_at": "2025-06-01T00:00:00Z"},
        {"digest": "sha256:archived-deployed", "tags": ["prod-0"], "pushed_at": "2024-01-01T00:00:00Z",
         "storage_class": "archive", "last_archived_at": "2025-06-01T00:00:00Z"},
    ]
    preview = preview_lifecycle(document, images, now=now)
    verdicts = {image.digest: (image.verdict, image.rule_priority) for image in preview.images}
    # THEN the unpulled image is archived by rule 3, the one a year in archive expires by rule 4,
    # and protected images are kept, active or archived, by their protecting rules
    assert verdicts == {
        "sha256:fresh": (Verdict.KEEP, 3),
        "sha256:stale": (Verdict.ARCHIVE, 3),
        "sha256:deployed": (Verdict.KEEP, 1),
        "sha256:long-archived": (Verdict.EXPIRE, 4),
        "sha256:archived-deployed": (Verdict.KEEP, 2),
    }


# --------------------------------------------------------------------------- Repository


def test_a_repository_with_archive_rules_synthesizes_them_after_its_protected_tags(
    stack: TerraformStack,
) -> None:
    repository = Repository(stack, "api", name="payments/api", protected_tags=["prod-*"],
                            lifecycle_rules=[ARCHIVE_UNPULLED])
    repository.add_lifecycle_rule(EXPIRE_ARCHIVED)
    policy = json.loads(only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"])
    assert [(rule["rulePriority"], rule["selection"].get("storageClass", "standard"), rule["action"]["type"])
            for rule in policy["rules"]] == [
        (1, "standard", "expire"), (2, "archive", "expire"), (3, "standard", "transition"), (4, "archive", "expire")]


def test_a_token_for_days_in_archive_is_checked_from_90_by_terraform(stack: TerraformStack) -> None:
    days = TerraformVariable(stack, "days", type="number").number_value
    Repository(stack, "api", name="payments/api",
               lifecycle_rules=[LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=days)])
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))
    assert policy["lifecycle"]["precondition"] == [{
        "condition": "${(((var.days >= 90) && (var.days <= 2147483647)) && (floor(var.days) == var.days))}",
        "error_message": f"cdktf_aws_ecr: Repository '{stack.node.path}/api': "
                         "lifecycle_rules[0].max_days_in_archive is not allowed; "
                         "allowed: a whole number from 90 to 2147483647",
    }]


@pytest.mark.terraform
@pytest.mark.e2e
def test_archive_rules_validate_and_plan_and_a_short_archive_stops_the_plan(
    local_aws: Any, tmp_path: Path
) -> None:
    # GIVEN a repository whose rules archive and expire, the days in archive a variable
    app, stack = stack_on_disk(tmp_path, "archive")
    days = TerraformVariable(stack, "days", type="number").number_value
    Repository(stack, "api", name="payments/api", protected_tags=["prod-*"], lifecycle_rules=[
        ARCHIVE_UNPULLED, LifecycleRule(tag_status=TagStatus.ANY, max_days_in_archive=days)])
    app.synth()
    directory = tmp_path / "stacks" / "archive"
    env = local_aws.environ()
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    # THEN terraform validates it
    assert json.loads(tf.run(["validate", "-json", "-no-color"], directory, env).stdout)["valid"]
    # AND plans it with 365 days, but stops on 30, before ECR would refuse it at apply
    fine, short = plans(directory, env, [{"days": "365"}, {"days": "30"}])
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert '\\"targetStorageClass\\":\\"archive\\"' in fine.stdout or "targetStorageClass" in fine.stdout
    output = " ".join((short.stdout + short.stderr).split())
    assert short.returncode == 1, output[-2000:]
    assert ("cdktf_aws_ecr: Repository 'archive/api': lifecycle_rules[1].max_days_in_archive "
            "is not allowed") in output, output[-2000:]
