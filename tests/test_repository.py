"""What Repository synthesizes, input by input, asserted on the Terraform JSON.

Every test builds one fresh stack (conftest's ``stack`` / ``make_stack``),
reads GIVEN / WHEN / THEN, and asserts on ``Testing.synth`` output. Two tests
run the real ``terraform validate`` (offline, through the provider mirror that
conftest configures); two more ask ``terraform console`` how Terraform itself
serialises the lifecycle policy.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

import pytest
from cdktf import TerraformOutput, TerraformStack, TerraformVariable, Testing, Token
from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from conftest import ACCOUNT, AWS_CONSTRAINT, only, resources_of, synth_json

from cdktf_aws_ecr import (
    PULL_ACTIONS,
    PUSH_ACTIONS,
    Adopt,
    EncryptionType,
    ImageTagMutability,
    LifecycleRule,
    Repository,
    ScanFrequency,
    TagStatus,
)
from devtools import terraform as tf

KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CI_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci-build"
ECS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecs-task-execution"

# The actions, written out here rather than imported, so a change in the library shows up.
EXPECTED_PULL_ACTIONS = [
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "ecr:BatchCheckLayerAvailability",
]
EXPECTED_PUSH_ACTIONS = EXPECTED_PULL_ACTIONS + [
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
]


def expected_lifecycle(days: int, count: int, prefixes: Sequence[str]) -> Dict[str, Any]:
    """The seed module's two lifecycle rules, written out by hand."""
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images older than {days} days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": days,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep only the most recent {count} tagged images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPrefixList": list(prefixes),
                    "countType": "imageCountMoreThan",
                    "countNumber": count,
                },
                "action": {"type": "expire"},
            },
        ]
    }


def key_of(synth: Dict[str, Any], resource_type: str) -> str:
    (key,) = resources_of(synth, resource_type)
    return key


def repository_block(stack: TerraformStack) -> Dict[str, Any]:
    return only(resources_of(synth_json(stack), "aws_ecr_repository"))


def terraform_console(directory: Path, expression: str, *args: str) -> str:
    """Evaluate ``expression`` with the real terraform CLI; return its raw string value."""
    result = subprocess.run(
        [tf.terraform_binary(), "console", *args],
        input=f"jsonencode({expression})\n",
        cwd=directory,
        env=tf.environ(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # console prints the HCL string literal of jsonencode(<string>), i.e. a JSON string of a JSON string.
    return json.loads(json.loads(result.stdout.strip()))


# --------------------------------------------------------------------------- defaults


def test_defaults_synthesize_exactly_the_seed_resources(stack: TerraformStack) -> None:
    # GIVEN a stack with only an AwsProvider  WHEN one Repository is added with just a name
    repo = Repository(stack, "repo", name="accounts-service")
    synth = synth_json(stack)

    # THEN the repository has the seed's defaults, attribute for attribute, and is retained:
    # no plan may destroy or replace it unless the user opts in
    assert only(resources_of(synth, "aws_ecr_repository")) == {
        "name": "accounts-service",
        "image_tag_mutability": "IMMUTABLE",
        "force_delete": False,
        "image_scanning_configuration": {"scan_on_push": True},
        "encryption_configuration": [{"encryption_type": "AES256"}],
        "tags": {},
        "lifecycle": {"prevent_destroy": True},
    }
    # AND a lifecycle policy with 14 days / 30 images / ["v"]
    policy = only(resources_of(synth, "aws_ecr_lifecycle_policy"))
    assert json.loads(policy["policy"]) == expected_lifecycle(14, 30, ["v"])
    # AND nothing else: no policy document, no repository policy, no scanning configuration
    assert set(synth["resource"]) == {"aws_ecr_repository", "aws_ecr_lifecycle_policy"}
    assert "data" not in synth
    assert repo.policy_document is None and repo.repository_policy is None
    assert isinstance(repo.repository, EcrRepository)
    assert isinstance(repo.lifecycle_policy, EcrLifecyclePolicy)
    # AND the cdktf matcher agrees
    assert Testing.to_have_resource_with_properties(
        Testing.synth(stack),
        EcrRepository.TF_RESOURCE_TYPE,
        {"name": "accounts-service", "image_tag_mutability": "IMMUTABLE", "tags": {}},
    )


# --------------------------------------------------------------------------- one input at a time


@pytest.mark.parametrize(
    "value, expected",
    [
        (ImageTagMutability.MUTABLE, "MUTABLE"),
        (ImageTagMutability.IMMUTABLE, "IMMUTABLE"),
        ("MUTABLE", "MUTABLE"),
        ("IMMUTABLE", "IMMUTABLE"),
    ],
)
def test_image_tag_mutability(stack: TerraformStack, value: Any, expected: str) -> None:
    Repository(stack, "repo", name="svc", image_tag_mutability=value)
    assert repository_block(stack)["image_tag_mutability"] == expected
    assert Testing.to_have_resource_with_properties(
        Testing.synth(stack), EcrRepository.TF_RESOURCE_TYPE, {"image_tag_mutability": expected}
    )


@pytest.mark.parametrize("scan_on_push", [True, False])
def test_scan_on_push(stack: TerraformStack, scan_on_push: bool) -> None:
    Repository(stack, "repo", name="svc", scan_on_push=scan_on_push)
    assert repository_block(stack)["image_scanning_configuration"] == {"scan_on_push": scan_on_push}


@pytest.mark.parametrize(
    "frequency, expected",
    [
        (None, "CONTINUOUS_SCAN"),  # the default
        (ScanFrequency.CONTINUOUS_SCAN, "CONTINUOUS_SCAN"),
        (ScanFrequency.SCAN_ON_PUSH, "SCAN_ON_PUSH"),
        ("CONTINUOUS_SCAN", "CONTINUOUS_SCAN"),
        ("SCAN_ON_PUSH", "SCAN_ON_PUSH"),
    ],
)
def test_enhanced_scanning_and_frequency(stack: TerraformStack, frequency: Any, expected: str) -> None:
    # GIVEN enhanced scanning with a frequency (or the default)
    extra = {} if frequency is None else {"enhanced_scan_frequency": frequency}
    Repository(stack, "repo", name="svc", enhanced_scanning=True, scan_on_push=False, **extra)
    # THEN the registry configuration has exactly one rule of that frequency for this name
    configuration = only(resources_of(synth_json(stack), "aws_ecr_registry_scanning_configuration"))
    assert configuration == {
        "scan_type": "ENHANCED",
        "rule": [
            {
                "scan_frequency": expected,
                "repository_filter": [{"filter": "svc*", "filter_type": "WILDCARD"}],
            }
        ],
    }


@pytest.mark.parametrize("frequency", ["SCAN_ON_PUSH", ScanFrequency.CONTINUOUS_SCAN])
def test_frequency_without_enhanced_scanning_writes_no_configuration(stack: TerraformStack, frequency: Any) -> None:
    Repository(stack, "repo", name="svc", enhanced_scan_frequency=frequency)
    assert resources_of(synth_json(stack), "aws_ecr_registry_scanning_configuration") == {}


@pytest.mark.parametrize(
    "inputs, expected",
    [
        ({}, {"encryption_type": "AES256"}),
        ({"encryption_type": "AES256"}, {"encryption_type": "AES256"}),
        ({"encryption_type": EncryptionType.AES256}, {"encryption_type": "AES256"}),
        # KMS without a key: the AWS-managed aws/ecr key, no kms_key attribute at all
        ({"encryption_type": "KMS"}, {"encryption_type": "KMS"}),
        ({"encryption_type": EncryptionType.KMS}, {"encryption_type": "KMS"}),
        # a key ARN forces KMS, whatever encryption_type says
        ({"kms_key_arn": KEY_ARN}, {"encryption_type": "KMS", "kms_key": KEY_ARN}),
        ({"kms_key_arn": KEY_ARN, "encryption_type": "AES256"}, {"encryption_type": "KMS", "kms_key": KEY_ARN}),
        ({"kms_key_arn": KEY_ARN, "encryption_type": EncryptionType.KMS}, {"encryption_type": "KMS", "kms_key": KEY_ARN}),
        ({"kms_key_arn": None, "encryption_type": "KMS"}, {"encryption_type": "KMS"}),
    ],
)
def test_encryption(stack: TerraformStack, inputs: Dict[str, Any], expected: Dict[str, str]) -> None:
    Repository(stack, "repo", name="svc", **inputs)
    assert repository_block(stack)["encryption_configuration"] == [expected]


@pytest.mark.parametrize("force_delete", [True, False])
def test_force_delete(stack: TerraformStack, force_delete: bool) -> None:
    Repository(stack, "repo", name="svc", force_delete=force_delete)
    assert repository_block(stack)["force_delete"] is force_delete


@pytest.mark.parametrize(
    "inputs, protected",
    [
        ({}, True),  # retained by default
        ({"prevent_destroy": True}, True),
        ({"prevent_destroy": True, "force_delete": True}, True),
        ({"force_delete": True}, False),  # force_delete=True is the opt-in
        ({"force_delete": True, "prevent_destroy": False}, False),
        ({"prevent_destroy": False}, False),
    ],
)
def test_prevent_destroy_sets_terraform_lifecycle(
    stack: TerraformStack, inputs: Dict[str, Any], protected: bool
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Repository(stack, "repo", name="svc", **inputs)
    repository = only(resources_of(synth_json(stack), "aws_ecr_repository"))
    if protected:
        assert repository["lifecycle"] == {"prevent_destroy": True}
    else:
        assert "lifecycle" not in repository


@pytest.mark.parametrize(
    "tags",
    [
        {"Environment": "prod", "Team": "payments", "ManagedBy": "terraform"},
        {"cost-center": "", "owner": "team@example.com"},
    ],
)
def test_tags(stack: TerraformStack, tags: Dict[str, str]) -> None:
    Repository(stack, "repo", name="svc", tags=tags)
    assert repository_block(stack)["tags"] == tags


def test_tags_are_copied_not_shared(stack: TerraformStack) -> None:
    # GIVEN a tags dict that the caller changes after construction
    tags = {"Team": "payments"}
    Repository(stack, "repo", name="svc", tags=tags)
    tags["Later"] = "x"
    # THEN the repository keeps what it was given
    assert repository_block(stack)["tags"] == {"Team": "payments"}


def test_lifecycle_policy_can_be_disabled(stack: TerraformStack) -> None:
    repo = Repository(stack, "repo", name="svc", enable_lifecycle_policy=False)
    synth = synth_json(stack)
    assert resources_of(synth, "aws_ecr_lifecycle_policy") == {}
    assert set(synth["resource"]) == {"aws_ecr_repository"}
    assert repo.lifecycle_policy is None


# --------------------------------------------------------------------------- lifecycle policy JSON

DEFAULT_POLICY_TEXT = (
    '{"rules":[{"action":{"type":"expire"},"description":"Expire untagged images older than 14 days",'
    '"rulePriority":1,"selection":{"countNumber":14,"countType":"sinceImagePushed","countUnit":"days",'
    '"tagStatus":"untagged"}},{"action":{"type":"expire"},"description":"Keep only the most recent 30 '
    'tagged images","rulePriority":2,"selection":{"countNumber":30,"countType":"imageCountMoreThan",'
    '"tagPrefixList":["v"],"tagStatus":"tagged"}}]}'
)


@pytest.mark.parametrize(
    "days, count, prefixes",
    [
        (14, 30, ["v"]),
        (7, 20, ["v", "sha-"]),
        (1, 2**31 - 1, ["release-", "v", "1.2"]),
        (365, 1, ("rc",)),
    ],
)
def test_full_lifecycle_policy(stack: TerraformStack, days: int, count: int, prefixes: Sequence[str]) -> None:
    # GIVEN lifecycle inputs
    Repository(
        stack, "repo", name="svc",
        untagged_image_expiry_days=days, max_tagged_image_count=count, lifecycle_tag_prefix_list=prefixes,
    )
    synth = synth_json(stack)
    resource = only(resources_of(synth, "aws_ecr_lifecycle_policy"))
    # THEN it is attached to the repository by reference
    assert resource["repository"] == f"${{aws_ecr_repository.{key_of(synth, 'aws_ecr_repository')}.name}}"
    # AND its whole document is the seed's two rules
    assert json.loads(resource["policy"]) == expected_lifecycle(days, count, prefixes)
    # AND it is serialised like Terraform's jsonencode: sorted keys, no whitespace
    assert resource["policy"] == json.dumps(
        expected_lifecycle(days, count, prefixes), sort_keys=True, separators=(",", ":")
    )
    assert len(resource["policy"]) >= 100  # ECR refuses shorter policies


def test_default_lifecycle_policy_text_is_exact(stack: TerraformStack) -> None:
    Repository(stack, "repo", name="svc")
    assert only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"] == DEFAULT_POLICY_TEXT


def test_lifecycle_rules_replace_the_seed_rules(stack: TerraformStack) -> None:
    # GIVEN typed rules: untagged by age, tagged by pattern, a described prefix rule
    Repository(stack, "repo", name="svc", lifecycle_rules=[
        LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=5),
        LifecycleRule(tag_pattern_list=["v*"], max_image_count=12),
        LifecycleRule(tag_prefix_list=["sha-"], max_image_count=40, description="CI builds"),
    ])
    # THEN the policy holds exactly those rules, numbered in order, and none of the seed's
    assert only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"] == (
        '{"rules":[{"action":{"type":"expire"},"rulePriority":1,"selection":{"countNumber":5,'
        '"countType":"sinceImagePushed","countUnit":"days","tagStatus":"untagged"}},'
        '{"action":{"type":"expire"},"rulePriority":2,"selection":{"countNumber":12,'
        '"countType":"imageCountMoreThan","tagPatternList":["v*"],"tagStatus":"tagged"}},'
        '{"action":{"type":"expire"},"description":"CI builds","rulePriority":3,"selection":'
        '{"countNumber":40,"countType":"imageCountMoreThan","tagPrefixList":["sha-"],"tagStatus":"tagged"}}]}'
    )


def test_protected_tags_come_before_the_seed_rules(stack: TerraformStack) -> None:
    # GIVEN only protected tags besides the seed's defaults
    Repository(stack, "repo", name="svc", protected_tags=["prod-*", "stable"])
    policy = json.loads(only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"])
    # THEN one never-expiring rule per pattern comes first, then the seed's two rules
    protect = [
        {
            "rulePriority": priority,
            "description": f"Never expire images tagged {pattern}",
            "selection": {"tagStatus": "tagged", "tagPatternList": [pattern],
                          "countType": "imageCountMoreThan", "countNumber": 999999},
            "action": {"type": "expire"},
        }
        for priority, pattern in ((1, "prod-*"), (2, "stable"))
    ]
    seed = expected_lifecycle(14, 30, ["v"])["rules"]
    assert policy == {"rules": protect + [{**seed[0], "rulePriority": 3}, {**seed[1], "rulePriority": 4}]}


@pytest.mark.terraform
def test_lifecycle_policy_text_matches_terraform_jsonencode(
    stack: TerraformStack, tmp_path: Path, terraform_available: str
) -> None:
    # GIVEN a synthesized policy
    Repository(stack, "repo", name="svc", untagged_image_expiry_days=7, max_tagged_image_count=20,
               lifecycle_tag_prefix_list=["v", "sha-"])
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    (tmp_path / "policy.json").write_text(policy)
    # WHEN Terraform itself re-encodes the same document
    reencoded = terraform_console(tmp_path, 'jsonencode(jsondecode(file("policy.json")))')
    # THEN the text is byte for byte what the library wrote (so plans show no diff against the seed)
    assert reencoded == policy


# --------------------------------------------------------------------------- repository policy


def _policy_document(synth: Dict[str, Any]) -> Dict[str, Any]:
    return only(synth["data"]["aws_iam_policy_document"])


@pytest.mark.parametrize(
    "pull, push",
    [
        ([ECS_ROLE], []),
        ([], [CI_ROLE]),
        ([ECS_ROLE, ACCOUNT], [CI_ROLE]),
        ((ECS_ROLE,), (CI_ROLE, f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-build/run-1")),
    ],
)
def test_repository_policy_statements(stack: TerraformStack, pull: Sequence[str], push: Sequence[str]) -> None:
    # GIVEN pull and/or push principals
    repo = Repository(stack, "repo", name="svc", pull_principal_arns=pull, push_principal_arns=push)
    synth = synth_json(stack)

    # THEN the document holds exactly one statement per non-empty list, pull first
    expected: List[Dict[str, Any]] = []
    if pull:
        expected.append({"sid": "AllowPull", "effect": "Allow", "actions": EXPECTED_PULL_ACTIONS,
                         "principals": [{"type": "AWS", "identifiers": list(pull)}]})
    if push:
        expected.append({"sid": "AllowPush", "effect": "Allow", "actions": EXPECTED_PUSH_ACTIONS,
                         "principals": [{"type": "AWS", "identifiers": list(push)}]})
    assert _policy_document(synth) == {"statement": expected}
    # AND the repository policy attaches the document's rendered JSON to this repository
    document_key = key_of({"resource": synth["data"]}, "aws_iam_policy_document")
    repository_key = key_of(synth, "aws_ecr_repository")
    assert only(resources_of(synth, "aws_ecr_repository_policy")) == {
        "repository": f"${{aws_ecr_repository.{repository_key}.name}}",
        "policy": f"${{data.aws_iam_policy_document.{document_key}.json}}",
        "lifecycle": {"replace_triggered_by": [f"aws_ecr_repository.{repository_key}.arn"]},
    }
    assert repo.repository_policy is not None and repo.policy_document is not None


def test_action_lists_are_exact_and_ordered() -> None:
    # The exported constants are the ones the statements use: 3 pull actions, 7 push actions.
    assert list(PULL_ACTIONS) == EXPECTED_PULL_ACTIONS
    assert list(PUSH_ACTIONS) == EXPECTED_PUSH_ACTIONS
    assert len(set(PUSH_ACTIONS)) == 7


@pytest.mark.parametrize("pull, push", [([], []), ((), ())])
def test_no_principals_means_no_policy(stack: TerraformStack, pull: Sequence[str], push: Sequence[str]) -> None:
    repo = Repository(stack, "repo", name="svc", pull_principal_arns=pull, push_principal_arns=push)
    synth = synth_json(stack)
    assert "data" not in synth
    assert resources_of(synth, "aws_ecr_repository_policy") == {}
    assert repo.policy_document is None and repo.repository_policy is None


# --------------------------------------------------------------------------- outputs


def test_outputs_resolve_to_repository_attributes(stack: TerraformStack) -> None:
    # GIVEN the five outputs of the seed module, exported as stack outputs
    repo = Repository(stack, "repo", name="svc")
    for attribute in ("id", "name", "arn", "repository_url", "registry_id"):
        TerraformOutput(stack, attribute, value=getattr(repo, attribute))
    synth = synth_json(stack)
    key = key_of(synth, "aws_ecr_repository")
    # THEN each one is a reference to the aws_ecr_repository attribute of the same name
    assert synth["output"] == {
        attribute: {"value": f"${{aws_ecr_repository.{key}.{attribute}}}"}
        for attribute in ("id", "name", "arn", "repository_url", "registry_id")
    }


def test_outputs_feed_downstream_resources(stack: TerraformStack) -> None:
    # GIVEN an image reference built from repository_url (as in the seed's ECS example)
    repo = Repository(stack, "repo", name="svc")
    TerraformOutput(stack, "image", value=f"{repo.repository_url}:v1.4.2")
    synth = synth_json(stack)
    key = key_of(synth, "aws_ecr_repository")
    assert synth["output"]["image"]["value"] == f"${{aws_ecr_repository.{key}.repository_url}}:v1.4.2"


# --------------------------------------------------------------------------- tokens


def test_kms_key_and_principal_roles_from_the_same_stack(stack: TerraformStack) -> None:
    # GIVEN a KMS key and two IAM roles created in the same stack (the seed's usage example)
    key = KmsKey(stack, "ecr_key", enable_key_rotation=True)
    ci = IamRole(stack, "ci_build", assume_role_policy="{}")
    ecs = IamRole(stack, "ecs_task_execution", assume_role_policy="{}")
    # WHEN their ARNs, still unresolved tokens, are passed in
    Repository(stack, "repo", name="accounts-service", kms_key_arn=key.arn,
               push_principal_arns=[ci.arn], pull_principal_arns=[ecs.arn])
    synth = synth_json(stack)
    # THEN they become Terraform references
    assert only(resources_of(synth, "aws_ecr_repository"))["encryption_configuration"] == [
        {"encryption_type": "KMS", "kms_key": "${aws_kms_key.ecr_key.arn}"}
    ]
    statements = {s["sid"]: s["principals"] for s in _policy_document(synth)["statement"]}
    assert statements == {
        "AllowPull": [{"type": "AWS", "identifiers": ["${aws_iam_role.ecs_task_execution.arn}"]}],
        "AllowPush": [{"type": "AWS", "identifiers": ["${aws_iam_role.ci_build.arn}"]}],
    }


def test_partial_token_strings_are_accepted(stack: TerraformStack) -> None:
    # GIVEN principals and a key ARN assembled from a variable
    account = TerraformVariable(stack, "account", type="string")
    principal = f"arn:aws:iam::{account.string_value}:role/ci"
    key = f"arn:aws:kms:us-east-1:{account.string_value}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    Repository(stack, "repo", name="svc", push_principal_arns=[principal], kms_key_arn=key)
    synth = synth_json(stack)
    assert _policy_document(synth)["statement"][0]["principals"][0]["identifiers"] == [
        "arn:aws:iam::${var.account}:role/ci"
    ]
    assert only(resources_of(synth, "aws_ecr_repository"))["encryption_configuration"][0]["kms_key"] == (
        "arn:aws:kms:us-east-1:${var.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )


def _token_stack(stack: TerraformStack) -> Repository:
    days = TerraformVariable(stack, "days", type="number")
    keep = TerraformVariable(stack, "keep", type="number")
    prefixes = TerraformVariable(stack, "prefixes", type="list(string)")
    name = TerraformVariable(stack, "repository_name", type="string")
    return Repository(
        stack, "repo",
        name=name.string_value,
        untagged_image_expiry_days=Token.as_number(days.value),
        max_tagged_image_count=keep.number_value,
        lifecycle_tag_prefix_list=prefixes.list_value,
    )


def test_token_counts_and_name_produce_a_jsonencode_policy(stack: TerraformStack) -> None:
    # GIVEN counts, prefixes and name that are only known at apply time
    _token_stack(stack)
    synth = synth_json(stack)
    # THEN the name is a variable reference
    assert only(resources_of(synth, "aws_ecr_repository"))["name"] == "${var.repository_name}"
    # AND Terraform builds the lifecycle JSON with jsonencode over the variables
    policy = only(resources_of(synth, "aws_ecr_lifecycle_policy"))["policy"]
    assert policy.startswith("${jsonencode(") and policy.endswith(")}")
    for fragment in ('"countNumber" = var.days', '"countNumber" = var.keep', '"tagPrefixList" = var.prefixes',
                     '"description" = "Expire untagged images older than ${var.days} days"',
                     '"description" = "Keep only the most recent ${var.keep} tagged images"'):
        assert fragment in policy


@pytest.mark.terraform
def test_token_policy_evaluates_to_the_static_policy(
    stack: TerraformStack, tmp_path: Path, terraform_available: str
) -> None:
    # GIVEN the jsonencode expression synthesized from tokens
    _token_stack(stack)
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    (tmp_path / "main.tf.json").write_text(json.dumps({
        "variable": {"days": {"type": "number"}, "keep": {"type": "number"},
                     "prefixes": {"type": "list(string)"}},
        "locals": {"policy": policy},
    }))
    # WHEN Terraform evaluates it with 7 / 20 / ["v", "sha-"]
    text = terraform_console(tmp_path, "local.policy", "-var", "days=7", "-var", "keep=20",
                             "-var", 'prefixes=["v","sha-"]')
    # THEN it is exactly the document the static path writes for the same values
    assert json.loads(text) == expected_lifecycle(7, 20, ["v", "sha-"])
    assert text == json.dumps(expected_lifecycle(7, 20, ["v", "sha-"]), sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- terraform block, validate


def test_terraform_constraints(stack: TerraformStack) -> None:
    Repository(stack, "one", name="one")
    Repository(stack, "two", name="two")
    terraform = synth_json(stack)["terraform"]
    assert terraform["required_providers"] == {"aws": {"source": "hashicorp/aws", "version": AWS_CONSTRAINT}}
    assert terraform["required_version"] == ">= 1.5.0"


@pytest.mark.terraform
def test_minimal_stack_is_valid_terraform(stack: TerraformStack, terraform_available: str) -> None:
    # GIVEN a stack with only an AwsProvider and one Repository
    Repository(stack, "repo", name="svc")
    # THEN terraform init (offline mirror) + validate accept it
    assert Testing.to_be_valid_terraform(Testing.full_synth(stack))


@pytest.mark.terraform
def test_seed_usage_example_and_token_inputs_are_valid_terraform(
    stack: TerraformStack, terraform_available: str
) -> None:
    # GIVEN the seed's usage example: in-stack KMS key and roles, enhanced scanning, policy, tags
    key = KmsKey(stack, "ecr", enable_key_rotation=True)
    ci = IamRole(stack, "ci_build", assume_role_policy="{}")
    ecs = IamRole(stack, "ecs_task_execution", assume_role_policy="{}")
    Repository(
        stack, "accounts",
        name="accounts-service",
        image_tag_mutability="IMMUTABLE",
        scan_on_push=True,
        enhanced_scanning=True,
        kms_key_arn=key.arn,
        enable_lifecycle_policy=True,
        untagged_image_expiry_days=7,
        max_tagged_image_count=20,
        lifecycle_tag_prefix_list=["v", "sha-"],
        push_principal_arns=[ci.arn],
        pull_principal_arns=[ecs.arn],
        tags={"Environment": "prod", "Team": "payments", "ManagedBy": "terraform"},
    )
    # AND a repository whose name and lifecycle numbers are variables (jsonencode path)
    _token_stack(stack)
    synth = synth_json(stack)
    assert set(synth["resource"]) == {
        "aws_kms_key", "aws_iam_role", "aws_ecr_repository", "aws_ecr_lifecycle_policy",
        "aws_ecr_repository_policy", "aws_ecr_registry_scanning_configuration",
    }
    # THEN terraform validate accepts the whole stack
    assert Testing.to_be_valid_terraform(Testing.full_synth(stack))


def test_provider_is_used_by_every_resource(stack: TerraformStack) -> None:
    # GIVEN an aliased provider for a second region in the same stack
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    europe = AwsProvider(stack, "eu", region="eu-west-1", alias="eu")
    # WHEN a repository with every optional resource uses it
    Repository(stack, "repo", name="svc", provider=europe, enhanced_scanning=True,
               pull_principal_arns=[ECS_ROLE])
    synth = synth_json(stack)
    # THEN each resource, the policy document and the scanning configuration name that provider
    emitted = [
        body for group in (synth["resource"], synth["data"]) for bodies in group.values()
        for body in bodies.values()
    ]
    assert len(emitted) == 5
    assert all(body["provider"] == "aws.eu" for body in emitted)


def test_replicate_to_reaches_the_registrys_replication_configuration(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN a repository that asks for a copy in two registries (test_registry_replication
    # covers the merging)
    from cdktf_aws_ecr import ReplicationDestination

    stack = make_stack(allowed_account_ids=[ACCOUNT])
    Repository(stack, "repo", name="svc", replicate_to=[
        ReplicationDestination(region="us-west-2"),
        ReplicationDestination(region="eu-west-1", account_id="444455556666"),
    ])
    # THEN its name is the filter of one rule to both, in the registry's configuration
    configuration = only(resources_of(synth_json(stack), "aws_ecr_replication_configuration"))
    assert configuration == {"replication_configuration": {"rule": [{
        "destination": [{"region": "eu-west-1", "registry_id": "444455556666"},
                        {"region": "us-west-2", "registry_id": ACCOUNT}],
        "repository_filter": [{"filter": "svc", "filter_type": "PREFIX_MATCH"}],
    }]}}


def test_adopt_writes_import_blocks_at_the_repository_s_addresses(stack: TerraformStack) -> None:
    # GIVEN a repository said to exist with its lifecycle policy (more in test_adoption.py)
    Repository(stack, "api", name="payments/api",
               adopt=Adopt(lifecycle_policy=True, repository_policy=False))
    # THEN both are imported by name at the addresses they are declared at
    assert synth_json(stack)["import"] == [
        {"to": "aws_ecr_repository.payments--api", "id": "payments/api"},
        {"to": "aws_ecr_lifecycle_policy.payments--api", "id": "payments/api"},
    ]


def test_lifecycle_policy_json_is_the_lifecycle_policy(stack: TerraformStack) -> None:
    policy = {"rules": [{"rulePriority": 7, "selection": {
        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 40},
        "action": {"type": "expire"}}]}
    Repository(stack, "api", name="payments/api", lifecycle_policy_json=json.dumps(policy, indent=2))
    written = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    assert json.loads(written) == policy


# --------------------------------------------------------------------------- coverage of the signature

#: Inputs whose synthesized attribute this file asserts (test names in brackets).
def test_image_tag_mutability_exclusion_filters_are_absent_by_default(stack: TerraformStack) -> None:
    # Their synthesis (6.x lines) and refusal (5.x line) are in test_aws_provider6.py; by
    # default the argument is not written, so line 1's bindings (which lack it) are unaffected.
    Repository(stack, "api", name="team/api")
    repository = only(resources_of(synth_json(stack), "aws_ecr_repository"))
    assert "image_tag_mutability_exclusion_filter" not in repository


INPUTS_ASSERTED = {
    "name": "defaults, token_counts_and_name",
    "image_tag_mutability": "image_tag_mutability",
    "image_tag_mutability_exclusion_filters": "image_tag_mutability_exclusion_filters",
    "scan_on_push": "scan_on_push",
    "enhanced_scanning": "enhanced_scanning_and_frequency",
    "enhanced_scan_frequency": "enhanced_scanning_and_frequency",
    "encryption_type": "encryption",
    "kms_key_arn": "encryption, kms_key_and_principal_roles_from_the_same_stack",
    "force_delete": "force_delete",
    "enable_lifecycle_policy": "lifecycle_policy_can_be_disabled",
    "untagged_image_expiry_days": "full_lifecycle_policy",
    "max_tagged_image_count": "full_lifecycle_policy",
    "lifecycle_tag_prefix_list": "full_lifecycle_policy",
    "lifecycle_rules": "lifecycle_rules_replace_the_seed_rules",
    "protected_tags": "protected_tags_come_before_the_seed_rules",
    "pull_principal_arns": "repository_policy_statements",
    "push_principal_arns": "repository_policy_statements",
    "tags": "tags",
    "prevent_destroy": "prevent_destroy_sets_terraform_lifecycle",
    "provider": "provider_is_used_by_every_resource",
    "replicate_to": "replicate_to_reaches_the_registrys_replication_configuration",
    "lifecycle_policy_json": "lifecycle_policy_json_is_the_lifecycle_policy",
    "adopt": "adopt_writes_import_blocks",
}


def test_every_keyword_argument_has_an_attribute_test() -> None:
    # A new Repository input fails here until a test above asserts what it synthesizes.
    import inspect

    parameters = inspect.signature(Repository.__init__).parameters
    keywords = [p for p, spec in parameters.items() if spec.kind is inspect.Parameter.KEYWORD_ONLY]
    assert sorted(keywords) == sorted(INPUTS_ASSERTED)
    tests = {n[len("test_"):] for n in globals() if n.startswith("test_")}
    for covered_by in INPUTS_ASSERTED.values():
        for name in covered_by.split(", "):
            assert any(t.startswith(name) for t in tests), name
