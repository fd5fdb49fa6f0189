"""Every bad input of Repository fails with one clear error, never at apply.

Each test reads GIVEN / WHEN / THEN. A value that is bad on its own is refused
when the construct is built: ``cdktf_aws_ecr.ValidationError`` (a
``ValueError``) whose message names the construct, the parameter, the rejected
value and what is allowed, leaving nothing behind (no child construct, no new
synthesized resource, the same id and name still free). A value that is bad
only for its provider (a KMS key of another region, a principal of another
partition, too many tags with the provider's default tags) is refused at synth
with the same kind of error, whenever the provider was created.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple

import pytest
from cdktf import TerraformStack, TerraformVariable
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, only, resources_of, synth_error, synth_json
from constructs import Construct

from cdktf_aws_ecr import (
    EncryptionType,
    ImageTagMutability,
    Repository,
    ScanFrequency,
    ValidationError,
)

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID}"
ECR_LIFECYCLE_POLICY_LIMIT = 30720


# --------------------------------------------------------------------------- helpers


def _a(value: Any) -> str:
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _tree(stack: TerraformStack) -> Tuple[List[str], Dict[str, Any]]:
    return [c.node.id for c in stack.node.children], synth_json(stack)


def assert_rejected(
    stack: TerraformStack,
    parameter: str,
    value: Any,
    allowed: Iterable[str],
    *,
    problem: str = "",
    construct_id: str = "repo",
    scope: Construct | None = None,
    **inputs: Any,
) -> ValidationError:
    """Build ``Repository(scope or stack, construct_id, **inputs)`` and check the refusal.

    THEN: a ValidationError (a ValueError) that names the construct path, the
    parameter, the value and every fragment of ``allowed``; and the tree and the
    synthesized JSON are exactly as before.
    """
    scope = scope or stack
    children_before, synth_before = _tree(stack)
    scope_children_before = [c.node.id for c in scope.node.children]
    inputs.setdefault("name", "svc")

    with pytest.raises(ValidationError) as caught:
        Repository(scope, construct_id, **inputs)

    error = caught.value
    message = str(error)
    assert isinstance(error, ValueError)
    assert error.parameter == parameter
    assert message.startswith(f"Repository '{scope.node.path}/{construct_id}': "), message
    assert f" {parameter}=" in f" {message.split(': ', 1)[1]}", message
    shown = repr(value)
    assert (shown if len(shown) <= 160 else shown[:157] + "...") in message, message
    assert "; allowed: " in message, message
    for fragment in allowed:
        assert fragment in message.split("; allowed: ", 1)[1], (fragment, message)
    if problem:
        assert problem in message, message
    # Nothing half-built.
    assert scope.node.try_find_child(construct_id) is None
    assert [c.node.id for c in scope.node.children] == scope_children_before
    assert _tree(stack) == (children_before, synth_before)
    return error


def assert_accepted(stack: TerraformStack, construct_id: str = "repo", **inputs: Any) -> Dict[str, Any]:
    """Build the repository and return its synthesized aws_ecr_repository block."""
    inputs.setdefault("name", "svc")
    Repository(stack, construct_id, **inputs)
    synth = synth_json(stack)
    repositories = resources_of(synth, "aws_ecr_repository")
    return next(v for v in repositories.values() if v["name"] == inputs["name"])


# --------------------------------------------------------------------------- error type


def test_validation_error_is_a_value_error_with_structured_fields(stack: TerraformStack) -> None:
    # GIVEN a stack  WHEN a repository gets an upper-case name
    error = assert_rejected(stack, "name", "Payments", ["lowercase"], name="Payments")
    # THEN the facts are also attributes, for programs
    assert issubclass(ValidationError, ValueError)
    assert error.value == "Payments"
    assert error.where == f"Repository '{stack.node.path}/repo'"
    assert "lowercase" in error.allowed
    assert error.problem == "is not a valid repository name"


def test_error_names_the_nested_construct_path(stack: TerraformStack) -> None:
    # GIVEN a repository placed under a grouping construct
    group = Construct(stack, "team")
    # WHEN its input is bad  THEN the message names the full construct path
    assert_rejected(stack, "image_tag_mutability", "immutable", ["'IMMUTABLE'"],
                    scope=group, image_tag_mutability="immutable")


# --------------------------------------------------------------------------- name

NAME_ALLOWED = ["2-256 characters", "lowercase", "^[a-z0-9]+"]


@pytest.mark.parametrize(
    "name, problem",
    [
        ("a", "has 1 characters"),
        ("a" * 257, "has 257 characters"),
        ("", "has 0 characters"),
        ("Payments", "is not a valid repository name"),
        ("payments/Api", "is not a valid repository name"),
        ("a--b", "is not a valid repository name"),
        ("a..b", "is not a valid repository name"),
        ("a_-b", "is not a valid repository name"),
        ("-ab", "is not a valid repository name"),
        ("ab-", "is not a valid repository name"),
        ("ab.", "is not a valid repository name"),
        ("/ab", "is not a valid repository name"),
        ("ab/", "is not a valid repository name"),
        ("a//b", "is not a valid repository name"),
        ("a/-b", "is not a valid repository name"),
        ("a b", "is not a valid repository name"),
        ("a:b", "is not a valid repository name"),
        ("a*", "is not a valid repository name"),
        ("caf\u00e9", "is not a valid repository name"),
        ("ab\n", "is not a valid repository name"),
    ],
)
def test_bad_name_is_rejected(stack: TerraformStack, name: str, problem: str) -> None:
    assert_rejected(stack, "name", name, NAME_ALLOWED, problem=problem, name=name)


@pytest.mark.parametrize("name", [None, 12, b"svc", ["svc"]])
def test_non_string_name_is_rejected(stack: TerraformStack, name: Any) -> None:
    assert_rejected(stack, "name", name, NAME_ALLOWED, problem=f"is {_a(name)}", name=name)


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 256, "payments/accounts-service", "a.b_c-d/e0/f", "0/1", ("ab/" * 85) + "x"],
)
def test_valid_name_is_accepted(stack: TerraformStack, name: str) -> None:
    assert len(name) <= 256
    assert assert_accepted(stack, name=name)["name"] == name


# --------------------------------------------------------------------------- enumerations

ENUM_CASES = [
    ("image_tag_mutability", ["'MUTABLE' or 'IMMUTABLE'", "case-sensitive", "ImageTagMutability"],
     ["immutable", "Immutable", "IMMUTABLE ", "MUTABLE_", "", None, 1, True,
      ScanFrequency.SCAN_ON_PUSH, EncryptionType.KMS]),
    ("enhanced_scan_frequency", ["'SCAN_ON_PUSH' or 'CONTINUOUS_SCAN'", "case-sensitive", "ScanFrequency"],
     ["continuous_scan", "Scan_On_Push", "CONTINUOUS", "MANUAL", "", None, 0,
      ImageTagMutability.IMMUTABLE]),
    ("encryption_type", ["'AES256' or 'KMS'", "case-sensitive", "EncryptionType"],
     ["aes256", "kms", "KMS ", "SSE-KMS", "", None, 256, ImageTagMutability.MUTABLE]),
]


@pytest.mark.parametrize(
    "parameter, allowed, value",
    [(p, a, v) for p, a, values in ENUM_CASES for v in values],
)
def test_enum_value_outside_the_set_is_rejected(
    stack: TerraformStack, parameter: str, allowed: List[str], value: Any
) -> None:
    # GIVEN a value that is not exactly one of the AWS strings (or a member of the right enum)
    # WHEN it is passed  THEN it is refused with the exact allowed values
    assert_rejected(stack, parameter, value, allowed, problem="is not allowed", **{parameter: value})


# --------------------------------------------------------------------------- booleans

BOOLS = ["scan_on_push", "enhanced_scanning", "force_delete", "enable_lifecycle_policy", "prevent_destroy"]


@pytest.mark.parametrize(
    "parameter, value",
    # None is prevent_destroy's own default: protected unless force_delete=True.
    [(p, v) for p in BOOLS for v in (1, 0, "true", "False", None, 1.0)
     if not (p == "prevent_destroy" and v is None)],
)
def test_bool_given_as_another_type_is_rejected(stack: TerraformStack, parameter: str, value: Any) -> None:
    assert_rejected(stack, parameter, value, ["True or False"],
                    problem=f"is {_a(value)}, not a bool", **{parameter: value})


# --------------------------------------------------------------------------- counts

COUNTS = ["untagged_image_expiry_days", "max_tagged_image_count"]


@pytest.mark.parametrize("parameter", COUNTS)
@pytest.mark.parametrize(
    "value, problem",
    [
        (0, "is out of range"),
        (-1, "is out of range"),
        (2**31, "is out of range"),
        (10**30, "is out of range"),
        (True, "is a bool"),
        (False, "is a bool"),
        (1.5, "is a float"),
        (14.0, "is a float"),
        ("14", "is a str"),
        (None, "is a NoneType"),
    ],
)
def test_bad_count_is_rejected(stack: TerraformStack, parameter: str, value: Any, problem: str) -> None:
    assert_rejected(stack, parameter, value, ["a whole number from 1 to 2147483647"],
                    problem=problem, **{parameter: value})


@pytest.mark.parametrize("parameter", COUNTS)
@pytest.mark.parametrize("value", [1, 2**31 - 1])
def test_count_bounds_are_accepted(stack: TerraformStack, parameter: str, value: int) -> None:
    Repository(stack, "repo", name="svc", **{parameter: value})
    policy = json.loads(only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"])
    rule = 0 if parameter == "untagged_image_expiry_days" else 1
    assert policy["rules"][rule]["selection"]["countNumber"] == value


# --------------------------------------------------------------------------- lifecycle prefixes

PREFIX_ALLOWED = ["distinct Docker tag prefixes", "1-128 characters"]


@pytest.mark.parametrize(
    "prefixes, problem",
    [
        ([], "is empty, and ECR rejects a 'tagged' lifecycle rule without prefixes"),
        ((), "is empty"),
        ([""], "holds an invalid prefix ''"),
        (["v", ""], "holds an invalid prefix ''"),
        (["-v"], "holds an invalid prefix '-v'"),
        ([".v"], "holds an invalid prefix '.v'"),
        (["v*"], "holds an invalid prefix 'v*'"),
        (["v/1"], "holds an invalid prefix 'v/1'"),
        (["v 1"], "holds an invalid prefix 'v 1'"),
        (["a" * 129], "holds an invalid prefix"),
        (["v", "sha-", "v"], "repeats ['v']"),
        ("v", "is a str, not a list"),
        (None, "is a NoneType, not a list"),
        ({"v": 1}, "not a list"),
        ([1], "holds an int: 1"),
        ([None], "holds a NoneType: None"),
    ],
)
def test_bad_tag_prefix_list_is_rejected_while_lifecycle_is_on(
    stack: TerraformStack, prefixes: Any, problem: str
) -> None:
    empty = isinstance(prefixes, (list, tuple)) and not prefixes
    allowed = PREFIX_ALLOWED + (["at least one while the lifecycle policy is enabled"] if empty else [])
    assert_rejected(stack, "lifecycle_tag_prefix_list", prefixes, allowed, problem=problem,
                    lifecycle_tag_prefix_list=prefixes)


def test_empty_prefix_list_is_accepted_when_lifecycle_is_off(stack: TerraformStack) -> None:
    # GIVEN no lifecycle policy  WHEN the prefix list is empty  THEN nothing is refused or emitted
    assert_accepted(stack, enable_lifecycle_policy=False, lifecycle_tag_prefix_list=[])
    assert resources_of(synth_json(stack), "aws_ecr_lifecycle_policy") == {}


@pytest.mark.parametrize("prefixes", [["v"], ["v", "release-", "sha-", "_x", "1.2"], ["a" * 128]])
def test_valid_tag_prefixes_are_accepted(stack: TerraformStack, prefixes: List[str]) -> None:
    Repository(stack, "repo", name="svc", lifecycle_tag_prefix_list=prefixes)
    policy = json.loads(only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"])
    assert policy["rules"][1]["selection"]["tagPrefixList"] == prefixes


def _expected_policy_length(prefixes: Sequence[str]) -> int:
    """Length of the lifecycle policy as Terraform's jsonencode writes it, derived by hand."""
    rules = {
        "rules": [
            {"action": {"type": "expire"},
             "description": "Expire untagged images older than 14 days", "rulePriority": 1,
             "selection": {"countNumber": 14, "countType": "sinceImagePushed",
                           "countUnit": "days", "tagStatus": "untagged"}},
            {"action": {"type": "expire"},
             "description": "Keep only the most recent 30 tagged images", "rulePriority": 2,
             "selection": {"countNumber": 30, "countType": "imageCountMoreThan",
                           "tagPrefixList": list(prefixes), "tagStatus": "tagged"}},
        ]
    }
    return len(json.dumps(rules, separators=(",", ":")))


def test_lifecycle_policy_longer_than_ecr_limit_is_rejected(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN the largest set of 128-character prefixes whose policy still fits in 30720 characters
    def prefixes(n: int) -> List[str]:
        return [f"p{i:04d}".ljust(128, "x") for i in range(n)]

    fits = max(n for n in range(400) if _expected_policy_length(prefixes(n)) <= ECR_LIFECYCLE_POLICY_LIMIT)
    stack = make_stack()
    # WHEN one more prefix is added  THEN the repository is refused, naming the prefix list
    error = assert_rejected(
        stack, "lifecycle_tag_prefix_list", prefixes(fits + 1),
        ["a policy text of 100 to 30720 characters"],
        problem=f"makes a policy that is {_expected_policy_length(prefixes(fits + 1))} characters long",
        lifecycle_tag_prefix_list=prefixes(fits + 1),
    )
    assert error.parameter == "lifecycle_tag_prefix_list"
    # AND the list at the limit is accepted, with a policy within the limit
    Repository(stack, "repo", name="svc", lifecycle_tag_prefix_list=prefixes(fits))
    policy = only(resources_of(synth_json(stack), "aws_ecr_lifecycle_policy"))["policy"]
    assert len(policy) == _expected_policy_length(prefixes(fits)) <= ECR_LIFECYCLE_POLICY_LIMIT


# --------------------------------------------------------------------------- principals

PRINCIPAL_ALLOWED = ["IAM principal ARNs", "12-digit account IDs", "no '*' or other wildcards"]
PRINCIPAL_PARAMETERS = ["pull_principal_arns", "push_principal_arns"]


@pytest.mark.parametrize("parameter", PRINCIPAL_PARAMETERS)
@pytest.mark.parametrize(
    "principal, problem",
    [
        ("*", "holds the wildcard principal '*'"),
        ("arn:aws:iam::*:root", "holds the wildcard principal 'arn:aws:iam::*:root'"),
        (f"arn:aws:iam::{ACCOUNT}:role/ci-*", "wildcard principal"),
        (f"arn:aws:iam::{ACCOUNT}:role/ci-?", "wildcard principal"),
        (f"arn:aws:iam::{ACCOUNT}:*", "wildcard principal"),
        ("ecs-tasks.amazonaws.com", "holds 'ecs-tasks.amazonaws.com', which is not an IAM principal ARN"),
        ("garbage", "which is not an IAM principal ARN or account ID"),
        ("", "which is not an IAM principal ARN or account ID"),
        ("12345678901", "not an IAM principal ARN"),
        ("1234567890123", "not an IAM principal ARN"),
        (f"arn:aws:iam::{ACCOUNT}:group/devs", "not an IAM principal ARN"),
        (f"arn:aws:iam::{ACCOUNT}:role/", "not an IAM principal ARN"),
        ("arn:aws:s3:::bucket", "not an IAM principal ARN"),
        (f"arn:azure:iam::{ACCOUNT}:root", "not an IAM principal ARN"),
        (f" arn:aws:iam::{ACCOUNT}:root", "not an IAM principal ARN"),
    ],
)
def test_bad_principal_is_rejected(stack: TerraformStack, parameter: str, principal: str, problem: str) -> None:
    value = [f"arn:aws:iam::{ACCOUNT}:role/ok", principal]
    assert_rejected(stack, parameter, value, PRINCIPAL_ALLOWED, problem=problem, **{parameter: value})


@pytest.mark.parametrize("parameter", PRINCIPAL_PARAMETERS)
@pytest.mark.parametrize(
    "value, problem",
    [
        ([ACCOUNT, ACCOUNT], f"repeats ['{ACCOUNT}']"),
        (f"arn:aws:iam::{ACCOUNT}:root", "is a str, not a list"),
        ([None], "holds a NoneType"),
        (None, "not a list"),
    ],
)
def test_bad_principal_list_is_rejected(stack: TerraformStack, parameter: str, value: Any, problem: str) -> None:
    assert_rejected(stack, parameter, value, PRINCIPAL_ALLOWED, problem=problem, **{parameter: value})


GOOD_PRINCIPALS = [
    ACCOUNT,
    f"arn:aws:iam::{ACCOUNT}:root",
    f"arn:aws:iam::{ACCOUNT}:role/ci-build",
    f"arn:aws:iam::{ACCOUNT}:role/service-role/deep/path/ecs_task+exec=1,a.b@c-d",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-build/session-1",
    f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
]
# Principals of other partitions, each with a region of that partition.
PARTITION_PRINCIPALS = [
    ("cn-north-1", f"arn:aws-cn:iam::{ACCOUNT}:role/ci"),
    ("us-gov-west-1", f"arn:aws-us-gov:iam::{ACCOUNT}:user/alice"),
    ("us-iso-east-1", f"arn:aws-iso:iam::{ACCOUNT}:root"),
    ("us-isob-east-1", f"arn:aws-iso-b:iam::{ACCOUNT}:root"),
]


@pytest.mark.parametrize("parameter", PRINCIPAL_PARAMETERS)
def test_every_kind_of_iam_principal_is_accepted(stack: TerraformStack, parameter: str) -> None:
    # GIVEN accounts, roles (with paths), users, roots, sessions, federated users, other partitions
    Repository(stack, "repo", name="svc", **{parameter: GOOD_PRINCIPALS})
    # THEN they all reach the policy statement unchanged and in order
    statement = only(synth_json(stack)["data"]["aws_iam_policy_document"])["statement"]
    assert [s["principals"] for s in statement] == [[{"type": "AWS", "identifiers": GOOD_PRINCIPALS}]]


@pytest.mark.parametrize("region, principal", PARTITION_PRINCIPALS)
def test_principals_of_the_regions_partition_are_accepted(
    make_stack: Callable[..., TerraformStack], region: str, principal: str
) -> None:
    stack = make_stack(region=region)
    Repository(stack, "repo", name="svc", pull_principal_arns=[principal, ACCOUNT])
    statement = only(synth_json(stack)["data"]["aws_iam_policy_document"])["statement"]
    assert statement[0]["principals"] == [{"type": "AWS", "identifiers": [principal, ACCOUNT]}]


@pytest.mark.parametrize("region, principal", PARTITION_PRINCIPALS)
def test_principals_of_another_partition_are_rejected_at_synth(
    stack: TerraformStack, region: str, principal: str
) -> None:
    # GIVEN a us-east-1 stack (partition aws) WHEN a principal of another partition is granted
    Repository(stack, "repo", name="svc", push_principal_arns=[principal])
    # THEN synth fails, naming the construct, the parameter, the principal and both partitions
    error = synth_error(stack)
    message = str(error)
    assert error.parameter == "push_principal_arns"
    assert message.startswith(f"Repository '{stack.node.path}/repo': push_principal_arns=")
    assert principal in message and "region us-east-1 is in partition aws" in message


def test_principal_partition_is_checked_against_a_provider_created_later(app) -> None:
    # GIVEN a repository created before its stack's provider, which is in another partition
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    stack = TerraformStack(app, "late")
    Repository(stack, "repo", name="svc", pull_principal_arns=[f"arn:aws:iam::{ACCOUNT}:role/ci"])
    AwsProvider(stack, "aws", region="cn-north-1")
    # THEN synth still refuses the principal of partition aws
    error = synth_error(stack)
    assert error.parameter == "pull_principal_arns"
    assert "region cn-north-1 is in partition aws-cn" in str(error)


# --------------------------------------------------------------------------- KMS key

KMS_ALLOWED = ["ARN of a KMS key", "arn:<partition>:kms:<region>:<account>:key/<key-id>"]
ALIAS_PROBLEM = "is a KMS alias; ECR stores the key ARN, so an alias would replace the repository"


@pytest.mark.parametrize(
    "kms_key_arn, problem",
    [
        ("alias/ecr", ALIAS_PROBLEM),
        ("alias/aws/ecr", ALIAS_PROBLEM),
        (f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/ecr", ALIAS_PROBLEM),
        (KEY_ID, "is not a KMS key ARN"),
        (f"key/{KEY_ID}", "is not a KMS key ARN"),
        ("", "is not a KMS key ARN"),
        (f"arn:aws:kms:us-east-1:{ACCOUNT}:key/not-a-key-id", "is not a KMS key ARN"),
        (f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{KEY_ID.upper()}", "is not a KMS key ARN"),
        (f"arn:aws:kms:us-east-1:12345:key/{KEY_ID}", "is not a KMS key ARN"),
        (f"arn:aws:s3:us-east-1:{ACCOUNT}:key/{KEY_ID}", "is not a KMS key ARN"),
        (f"arn:aws:kms:us-east-1:{ACCOUNT}:key/mrk-123", "is not a KMS key ARN"),
        (KEY_ARN + " ", "is not a KMS key ARN"),
        (123, "is an int"),
        ([KEY_ARN], "is a list"),
        (b"arn", "is a bytes"),
    ],
)
def test_bad_kms_key_is_rejected(stack: TerraformStack, kms_key_arn: Any, problem: str) -> None:
    assert_rejected(stack, "kms_key_arn", kms_key_arn, KMS_ALLOWED + ["in the repository's region"],
                    problem=problem, kms_key_arn=kms_key_arn)


def test_kms_key_in_another_region_than_the_provider_is_rejected_at_synth(stack: TerraformStack) -> None:
    # GIVEN a provider in us-east-1  WHEN the key lives in eu-west-1
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KEY_ID}"
    Repository(stack, "repo", name="svc", kms_key_arn=key)
    # THEN ECR could not use it, and synth says so, naming the parameter
    error = synth_error(stack)
    assert error.parameter == "kms_key_arn" and error.value == key
    assert str(error) == (
        f"Repository '{stack.node.path}/repo': kms_key_arn={key!r} is in eu-west-1, and ECR needs "
        "a key in its own region us-east-1; allowed: None, or the ARN of a KMS key "
        "(arn:<partition>:kms:<region>:<account>:key/<key-id>) in the repository's region "
        "us-east-1, or a token"
    )


def test_a_kms_key_made_by_another_regions_provider_is_rejected_at_synth(app) -> None:
    # GIVEN a stack whose default provider is in us-east-1 and an aliased one in eu-west-1,
    # and a key made (in a nested construct) by the eu-west-1 provider
    stack = TerraformStack(app, "global")
    AwsProvider(stack, "aws", region="us-east-1")
    europe = AwsProvider(stack, "eu", region="eu-west-1", alias="eu")
    key = KmsKey(Construct(stack, "keys"), "ecr", provider=europe)
    # WHEN a repository on the eu-west-1 provider uses it  THEN that is fine
    Repository(stack, "eu_api", name="api", provider=europe, kms_key_arn=key.arn)
    synth_json(stack)
    # WHEN a repository on the default provider uses it too
    Repository(stack, "us_api", name="api", kms_key_arn=key.arn)
    # THEN synth refuses it: the key's ARN is only known at apply, but its region is known now
    error = synth_error(stack)
    address = f"aws_kms_key.{stack.get_logical_id(key)}"
    assert (error.parameter, error.value) == ("kms_key_arn", f"${{{address}.arn}}")
    assert str(error) == (
        f"Repository 'global/us_api': kms_key_arn='${{{address}.arn}}' is the ARN of the KMS key "
        "'global/keys/ecr', whose provider is in eu-west-1, and ECR needs a key in its own region "
        "us-east-1; allowed: None, or the ARN of a KMS key "
        "(arn:<partition>:kms:<region>:<account>:key/<key-id>) in the repository's region "
        "us-east-1, or a token"
    )


def test_a_kms_key_construct_is_not_judged_when_its_region_is_unknown_or_it_is_ambiguous(app) -> None:
    # GIVEN a repository in us-east-1 using a key whose provider's region is left to the
    # environment
    unknown = TerraformStack(app, "unknown")
    AwsProvider(unknown, "aws")
    ours = TerraformStack(app, "ours")
    AwsProvider(ours, "aws", region="us-east-1")
    Repository(ours, "unknown_key", name="unknown-key", kms_key_arn=KmsKey(unknown, "unknown_key").arn)
    # AND one using a key of eu-west-1 whose address (aws_kms_key.key) a key of its own stack has too
    elsewhere = TerraformStack(app, "elsewhere")
    AwsProvider(elsewhere, "aws", region="eu-west-1")
    KmsKey(ours, "key")
    Repository(ours, "ambiguous_key", name="ambiguous-key", kms_key_arn=KmsKey(elsewhere, "key").arn)
    # THEN neither is refused at synth: only a key of a known region that is certainly the one
    # the ARN names is judged (Terraform's precondition still checks the ARN's form)
    repositories = resources_of(synth_json(ours), "aws_ecr_repository")
    assert sorted(r["name"] for r in repositories.values()) == ["ambiguous-key", "unknown-key"]


def test_kms_key_region_is_not_checked_when_the_provider_region_is_unknown(
    make_stack: Callable[..., TerraformStack],
) -> None:
    # GIVEN a provider whose region is left to the environment
    stack = make_stack(region=None)
    key = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KEY_ID}"
    # WHEN the key is in some region  THEN it is accepted
    encryption = assert_accepted(stack, kms_key_arn=key)["encryption_configuration"]
    assert encryption == [{"encryption_type": "KMS", "kms_key": key}]


@pytest.mark.parametrize(
    "region, key",
    [
        ("us-east-1", KEY_ARN),
        ("us-east-1", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"),
        ("cn-north-1", f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/{KEY_ID}"),
        ("us-gov-west-1", f"arn:aws-us-gov:kms:us-gov-west-1:{ACCOUNT}:key/{KEY_ID}"),
        ("us-iso-east-1", f"arn:aws-iso:kms:us-iso-east-1:{ACCOUNT}:key/{KEY_ID}"),
        ("eu-central-2", f"arn:aws:kms:eu-central-2:{ACCOUNT}:key/{KEY_ID}"),
    ],
)
def test_kms_key_arn_in_the_provider_region_is_accepted(
    make_stack: Callable[..., TerraformStack], region: str, key: str
) -> None:
    stack = make_stack(region=region)
    encryption = assert_accepted(stack, kms_key_arn=key)["encryption_configuration"]
    assert encryption == [{"encryption_type": "KMS", "kms_key": key}]


# --------------------------------------------------------------------------- tags

TAGS_ALLOWED = ["at most 50 tags", "keys 1-128", "values 0-256", "must not start with 'aws:' (any case) nor be '__proto__'"]


@pytest.mark.parametrize(
    "tags, problem",
    [
        ({f"k{i}": "v" for i in range(51)}, "has 51 tags"),
        ({"k" * 129: "v"}, f"has an invalid key '{'k' * 129}' (129 characters)"),
        ({"": "v"}, "has an invalid key '' (0 characters)"),
        ({"team": "v" * 257}, f"has an invalid value for 'team': '{'v' * 257}' (257 characters)"),
        ({"aws:createdBy": "me"}, "uses the reserved key 'aws:createdBy'"),
        ({"AWS:x": "me"}, "uses the reserved key 'AWS:x'"),
        ({"Aws:Name": "me"}, "uses the reserved key 'Aws:Name'"),
        ({"__proto__": "x"}, "uses the key '__proto__', which cdktf's jsii bridge cannot pass to the provider"),
        ({"team\ud800": "x"}, "has an invalid key 'team\\ud800' (it holds the unpaired surrogate '\\ud800' at position 4"),
        ({"team": "a\udfffb"}, "has an invalid value for 'team': 'a\\udfffb' (it holds the unpaired surrogate"),
        ({"team": 1}, "holds a non-string entry 'team': 1"),
        ({"team": None}, "holds a non-string entry 'team': None"),
        ({"team": True}, "holds a non-string entry"),
        ({1: "x"}, "holds a non-string entry 1: 'x'"),
        ([("team", "payments")], "is a list, not a mapping"),
        (None, "is a NoneType, not a mapping"),
    ],
)
def test_bad_tags_are_rejected(stack: TerraformStack, tags: Any, problem: str) -> None:
    assert_rejected(stack, "tags", tags, TAGS_ALLOWED, problem=problem, tags=tags)


def test_any_text_ecr_documents_as_valid_is_accepted(stack: TerraformStack) -> None:
    # GIVEN tag text that only the AWS-wide naming advice discourages: ECR's Tag type limits
    # keys and values by length alone (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Tag.html)
    tags = {"Department": "R&D", "Owners": "a,b", "Ticket": "#1234", "Service": "api (v2)",
            "Owner": "O'Brien", "team!": "x", "multi\nline": "a\tb", "emoji": "\U0001F680"}
    # THEN they are written unchanged
    assert assert_accepted(stack, tags=tags)["tags"] == tags


def test_tags_at_the_limits_are_accepted(stack: TerraformStack) -> None:
    # GIVEN 50 tags, a 128-character key, a 256-character value, an empty value, unicode text
    tags = {f"k{i}": "v" for i in range(46)}
    tags.update({"k" * 128: "v" * 256, "empty": "", "\u00c9quipe": "donn\u00e9es", "a _.:/=+-@b": "x y_.:/=+-@"})
    assert len(tags) == 50
    # THEN they are written unchanged
    assert assert_accepted(stack, tags=tags)["tags"] == tags


# --------------------------------------------------------------------------- construct id, names


def test_duplicate_construct_id_is_rejected(stack: TerraformStack) -> None:
    # GIVEN a repository with id "repo"
    Repository(stack, "repo", name="first")
    before = synth_json(stack)
    # WHEN another one uses the same id
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="second")
    # THEN it is refused, and the first one is untouched
    message = str(caught.value)
    assert caught.value.parameter == "id"
    assert message == (
        f"Repository '{stack.node.path}/repo': id='repo' is taken; "
        f"allowed: an id not yet used in '{stack.node.path}'"
    )
    assert synth_json(stack) == before
    assert [c.node.id for c in stack.node.children].count("repo") == 1


def test_the_same_repository_built_twice_is_refused_for_its_id(stack: TerraformStack) -> None:
    # GIVEN a repository  WHEN the same one is built again (same id, same name)
    Repository(stack, "repo", name="first")
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="first")
    # THEN the id is what is refused, not the name it shares with itself
    assert caught.value.parameter == "id"
    assert "id='repo' is taken" in str(caught.value)


def test_an_id_another_construct_took_is_refused(stack: TerraformStack) -> None:
    Construct(stack, "repo")
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="first")
    assert caught.value.parameter == "id"
    assert [c.node.id for c in stack.node.children].count("repo") == 1


@pytest.mark.parametrize("construct_id", ["", None, 7])
def test_empty_or_non_string_construct_id_is_rejected(stack: TerraformStack, construct_id: Any) -> None:
    children = [c.node.id for c in stack.node.children]
    with pytest.raises(ValidationError) as caught:
        Repository(stack, construct_id, name="svc")
    assert caught.value.parameter == "id"
    assert f"id={construct_id!r} is not allowed; allowed: a non-empty string" in str(caught.value)
    assert [c.node.id for c in stack.node.children] == children


def test_duplicate_repository_name_in_one_registry_is_rejected(stack: TerraformStack) -> None:
    # GIVEN a repository named "svc"
    Repository(stack, "first", name="svc")
    # WHEN a second construct asks for the same name in the same registry
    # THEN it is refused, naming the first construct
    assert_rejected(
        stack, "name", "svc", ["a name not used by another repository of the same registry"],
        problem=f"is already used by Repository '{stack.node.path}/first', declared before it",
        construct_id="second", name="svc",
    )


# --------------------------------------------------------------------------- first error wins, nothing kept


def test_failed_construction_leaves_id_and_name_free(stack: TerraformStack) -> None:
    # GIVEN a failed construction
    assert_rejected(stack, "tags", {"aws:x": "y"}, TAGS_ALLOWED, name="svc", tags={"aws:x": "y"})
    # WHEN the same id and name are used with good input  THEN that works
    assert assert_accepted(stack, name="svc")["name"] == "svc"
    assert len(resources_of(synth_json(stack), "aws_ecr_repository")) == 1


# --------------------------------------------------------------------------- unresolved tokens skip format checks


def test_token_values_skip_format_checks(stack: TerraformStack) -> None:
    # GIVEN inputs that are only known at apply time
    variables = {
        n: TerraformVariable(stack, n, type=t)
        for n, t in [("mutability", "string"), ("encryption", "string"), ("frequency", "string"),
                     ("owner", "string"), ("pullers", "list(string)")]
    }
    # WHEN they are passed where plain values would be checked
    repository = assert_accepted(
        stack,
        image_tag_mutability=variables["mutability"].string_value,
        encryption_type=variables["encryption"].string_value,
        enhanced_scan_frequency=variables["frequency"].string_value,  # unused: enhanced scanning is off
        tags={"Owner": variables["owner"].string_value, variables["owner"].string_value: "x"},
        pull_principal_arns=variables["pullers"].list_value,
    )
    # THEN they become Terraform references
    assert repository["image_tag_mutability"] == "${var.mutability}"
    assert repository["encryption_configuration"] == [{"encryption_type": "${var.encryption}"}]
    assert repository["tags"] == {"Owner": "${var.owner}", "${var.owner}": "x"}
    # AND the statement of a list token alone is written only when the list is not empty
    document = only(synth_json(stack)["data"]["aws_iam_policy_document"])
    (dynamic,) = document["dynamic"]["statement"]
    assert dynamic["for_each"] == "${(length(var.pullers) >= 1) ? [1] : []}"
    assert dynamic["content"]["principals"] == [{"type": "AWS", "identifiers": "${var.pullers}"}]


def test_token_scan_frequency_with_enhanced_scanning_is_rejected(stack: TerraformStack) -> None:
    # GIVEN a frequency known only at apply time  WHEN enhanced scanning is on
    frequency = TerraformVariable(stack, "frequency", type="string").string_value
    # THEN it is refused: the registry rules are grouped by frequency at synth time, and a
    # token would silently leave the repository out of an ENHANCED registry
    assert_rejected(
        stack, "enhanced_scan_frequency", frequency,
        ["'SCAN_ON_PUSH' or 'CONTINUOUS_SCAN' as a plain value while enhanced_scanning is on"],
        problem="is an unresolved token", enhanced_scanning=True, enhanced_scan_frequency=frequency,
    )
    assert resources_of(synth_json(stack), "aws_ecr_registry_scanning_configuration") == {}


def test_token_tag_key_does_not_exempt_its_value(stack: TerraformStack) -> None:
    # GIVEN a tag whose key is a token  WHEN its value is invalid  THEN the value is still refused
    key = TerraformVariable(stack, "tag_key", type="string").string_value
    tags = {key: "v" * 257}
    assert_rejected(stack, "tags", tags, TAGS_ALLOWED, problem="has an invalid value for", tags=tags)


def test_literal_template_syntax_beside_a_token_in_a_tag_is_escaped(stack: TerraformStack) -> None:
    # GIVEN a tag value of an IAM policy variable's syntax followed by a token
    owner = TerraformVariable(stack, "owner", type="string").string_value
    repository = assert_accepted(stack, tags={"Owner": "${aws:username}/%{x}/" + owner})
    # THEN only the literal part is escaped; the token stays a reference
    assert repository["tags"] == {"Owner": "$${aws:username}/%%{x}/${var.owner}"}


def test_a_repository_outside_any_stack_is_rejected(app) -> None:
    loose = Construct(app, "loose")
    for scope, problem in ((app, "is not in any stack"), (loose, "is not in any stack"), (None, "is a NoneType")):
        with pytest.raises(ValidationError) as error:
            Repository(scope, "api", name="api")
        assert error.value.parameter == "scope"
        assert problem in str(error.value)
        assert "allowed: a construct inside a cdktf TerraformStack" in str(error.value)
    assert loose.node.try_find_child("api") is None


def test_tags_count_together_with_the_providers_default_tags(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN a provider with 3 default tags, one of which the repository overrides
    from cdktf_cdktf_provider_aws.provider import AwsProviderDefaultTags

    stack = make_stack(
        default_tags=[AwsProviderDefaultTags(tags={"Environment": "prod", "Owner": "x", "Team": "y"})]
    )
    fits = {f"k{i}": "v" for i in range(47)} | {"Team": "payments"}  # 48 + Environment + Owner = 50
    Repository(stack, "fits", name="fits", tags=fits)
    synth_json(stack)
    # WHEN one more tag would make 51 on the resource
    Repository(stack, "over", name="over", tags=fits | {"extra": "1"})
    # THEN synth says so, naming tags and the repository
    error = synth_error(stack)
    assert error.parameter == "tags"
    assert f"Repository '{stack.node.path}/over'" in str(error)
    assert "has 49 tags, 51 together with the provider's default_tags" in str(error)


# --------------------------------------------------------------------------- null and empty tokens
# Applied and planned against the local endpoint in tests/e2e/test_null_and_empty_tokens.py.


def test_a_nullable_key_variable_lets_terraform_choose_the_default_encryption(stack: TerraformStack) -> None:
    # GIVEN a KMS key variable that may be null, and a key resource's ARN (never null)
    key = TerraformVariable(stack, "key", type="string", nullable=True, default=None)
    variable = assert_accepted(stack, kms_key_arn=key.string_value, encryption_type="AES256")
    # THEN Terraform picks the encryption: the default one when the variable is null
    assert variable["encryption_configuration"] == [
        {"encryption_type": '${(var.key == null) ? "AES256" : "KMS"}', "kms_key": "${var.key}"}
    ]
    # AND its check lets null through, and its message says null, never Python's None
    (check,) = variable["lifecycle"]["precondition"]
    assert check["condition"].startswith("${((var.key == null) || can(regex(")
    assert "allowed: null, or the ARN of a KMS key" in check["error_message"]
    assert "None" not in check["error_message"]
    resource_key = KmsKey(stack, "k")
    by_resource = assert_accepted(stack, "other", name="other", kms_key_arn=resource_key.arn)
    assert by_resource["encryption_configuration"] == [
        {"encryption_type": "KMS", "kms_key": "${aws_kms_key.k.arn}"}
    ]


def test_an_empty_principal_list_variable_writes_no_statement_and_no_policy(stack: TerraformStack) -> None:
    # GIVEN the seed's two principal lists as variables, and nothing else in the policy
    pull = TerraformVariable(stack, "pull", type="list(string)", default=[])
    push = TerraformVariable(stack, "push", type="list(string)", default=[])
    assert_accepted(stack, pull_principal_arns=pull.list_value, push_principal_arns=push.list_value)
    synth = synth_json(stack)
    # THEN each statement is written only when its list is not empty
    document = only(synth["data"]["aws_iam_policy_document"])
    assert document["statement"] == []
    assert [d["for_each"] for d in document["dynamic"]["statement"]] == [
        "${(length(var.pull) >= 1) ? [1] : []}", "${(length(var.push) >= 1) ? [1] : []}"
    ]
    # AND the policy exists only when one of them is (no precondition refuses an empty list)
    policy = only(resources_of(synth, "aws_ecr_repository_policy"))
    assert policy["count"] == "${((length(var.pull) >= 1) || (length(var.push) >= 1)) ? 1 : 0}"
    assert "precondition" not in policy["lifecycle"]
    # AND its guards read no statement as none
    assert "(self.statement == null ? [] : self.statement)" in (
        document["lifecycle"]["postcondition"][0]["condition"]
    )


def test_a_list_variable_next_to_a_grant_is_always_written(stack: TerraformStack) -> None:
    pull = TerraformVariable(stack, "pull", type="list(string)", default=[])
    Repository(stack, "repo", name="svc", pull_principal_arns=pull.list_value).grant_pull(ACCOUNT)
    synth = synth_json(stack)
    assert "count" not in only(resources_of(synth, "aws_ecr_repository_policy"))
    # (a dynamic statement written before the grant is left as none: terraform validate takes it)
    assert only(synth["data"]["aws_iam_policy_document"]).get("dynamic", {}).get("statement", []) == []


def test_a_principal_list_built_by_fn_concat_says_to_use_token_as_list(stack: TerraformStack) -> None:
    from cdktf import Fn, Token

    pullers = TerraformVariable(stack, "pullers", type="list(string)")
    built = Fn.concat([pullers.list_value, [ACCOUNT]])  # a list, as a string token
    # WHEN it is passed as it is  THEN the message says what to do, not only "a str"
    assert_rejected(
        stack, "pull_principal_arns", built, ["IAM principal ARNs"],
        problem="is a string token, not a list; a list built by a Terraform function "
        "(Fn.concat, Fn.flatten...) is passed as Token.as_list(...)",
        pull_principal_arns=built,
    )
    # AND as Token.as_list it is accepted
    assert_accepted(stack, "other", name="other", pull_principal_arns=Token.as_list(built))
