"""Plan parity with the seed HCL module.

For the seed's own usage example and for every combination of the inputs that
change *what* is emitted (KMS key or not x encryption type x lifecycle on/off
x pull principals x push principals x enhanced scanning off/on-push/continuous
= 96 cases), with the pass-through inputs varied across cases, the real
``terraform plan`` of our synthesized stack must show the same ECR resources
with the same attribute values as a plan of the seed module with the same
inputs, against the same local AWS endpoint.

The one intended difference is the registry scanning configuration: the seed
declares one per enhanced repository (which overwrite each other at apply);
we declare one per registry holding the same (frequency, repository) pairs, plus
a SCAN_ON_PUSH filter for each repository that asked for ``scan_on_push``; and each
repository's filter is its name as a prefix (``name*``), where the seed's bare name
also matched every repository whose name contains it.
"""

from __future__ import annotations

import copy
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import Repository
from devtools import seed, terraform as tf

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.e2e,
    # The seed's force_delete=True and multi-prefix cases draw these; parity is about the
    # planned values.
    pytest.mark.filterwarnings("ignore::cdktf_aws_ecr.DestroyableRepositoryWarning"),
    pytest.mark.filterwarnings("ignore::cdktf_aws_ecr.LifecycleTagPrefixListWarning"),
]

REGION = "us-east-1"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::123456789012:role/ci-build"
OTHER_ROLE = "arn:aws:iam::123456789012:role/service/ecs-task-execution"
ACCOUNT = "210987654321"
ASSUME_ROLE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)

# Inputs whose value decides which resources and blocks are emitted: every combination.
STRUCTURAL = {
    "kms_key_arn": [None, KEY_ARN],
    "encryption_type": ["AES256", "KMS"],
    "enable_lifecycle_policy": [True, False],
    "pull_principal_arns": [[], [OTHER_ROLE, ACCOUNT]],
    "push_principal_arns": [[], [ROLE]],
    "enhanced": [None, "SCAN_ON_PUSH", "CONTINUOUS_SCAN"],
}
# Inputs passed straight through: each value used in turn across the cases.
PASS_THROUGH = {
    "image_tag_mutability": ["IMMUTABLE", "MUTABLE"],
    "scan_on_push": [True, False, True],
    "force_delete": [False, True, False],
    "untagged_image_expiry_days": [14, 1, 365, 7],
    "max_tagged_image_count": [30, 1, 1000],
    "lifecycle_tag_prefix_list": [["v"], ["v", "sha-"], ["release-", "v", "hotfix_"]],
    "tags": [{}, {"Team": "payments"}, {"Environment": "prod", "Cost Center": "42/a:b=c+d-e@f"}],
}


def _cases() -> List[Dict[str, Any]]:
    cases = []
    for index, combo in enumerate(itertools.product(*STRUCTURAL.values())):
        inputs = dict(zip(STRUCTURAL, combo))
        enhanced = inputs.pop("enhanced")
        inputs["enhanced_scanning"] = enhanced is not None
        inputs["enhanced_scan_frequency"] = enhanced or ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"][index % 2]
        for name, values in PASS_THROUGH.items():
            inputs[name] = values[index % len(values)]
        inputs["name"] = f"parity/case-{index:03d}"
        cases.append(inputs)
    return cases


CASES = _cases()
# The seed's usage example, with its KMS key and IAM roles created alongside.
USAGE = {
    "name": "accounts-service",
    "image_tag_mutability": "IMMUTABLE",
    "scan_on_push": True,
    "enhanced_scanning": True,
    "enable_lifecycle_policy": True,
    "untagged_image_expiry_days": 7,
    "max_tagged_image_count": 20,
    "lifecycle_tag_prefix_list": ["v", "sha-"],
    "tags": {"Environment": "prod", "Team": "payments", "ManagedBy": "terraform"},
}
USAGE_REFERENCES = {
    "kms_key_arn": "aws_kms_key.ecr.arn",
    "push_principal_arns": ["aws_iam_role.ci_build.arn"],
    "pull_principal_arns": ["aws_iam_role.ecs_task_execution.arn"],
}


def _seed_root(directory: Path) -> None:
    seed.write_module(directory / "seed")
    modules = {f"case_{i:03d}": {"source": "./seed", **case} for i, case in enumerate(CASES)}
    modules["usage"] = {
        "source": "./seed",
        **USAGE,
        "kms_key_arn": "${aws_kms_key.ecr.arn}",
        "push_principal_arns": ["${aws_iam_role.ci_build.arn}"],
        "pull_principal_arns": ["${aws_iam_role.ecs_task_execution.arn}"],
    }
    root = {
        "provider": {"aws": {"region": REGION}},
        "resource": {
            "aws_kms_key": {"ecr": {"enable_key_rotation": True}},
            "aws_iam_role": {
                "ci_build": {"name": "ci-build", "assume_role_policy": ASSUME_ROLE},
                "ecs_task_execution": {"name": "ecs-task-execution", "assume_role_policy": ASSUME_ROLE},
            },
        },
        "module": modules,
    }
    (directory / "main.tf.json").write_text(json.dumps(root, indent=2))


def _our_stack(outdir: Path) -> Path:
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "parity")
    AwsProvider(stack, "aws", region=REGION)
    for i, case in enumerate(CASES):
        Repository(stack, f"case_{i:03d}", **case)
    key = KmsKey(stack, "ecr", enable_key_rotation=True)
    ci_build = IamRole(stack, "ci_build", name="ci-build", assume_role_policy=ASSUME_ROLE)
    task_execution = IamRole(
        stack, "ecs_task_execution", name="ecs-task-execution", assume_role_policy=ASSUME_ROLE
    )
    Repository(
        stack,
        "usage",
        **USAGE,
        kms_key_arn=key.arn,
        push_principal_arns=[ci_build.arn],
        pull_principal_arns=[task_execution.arn],
    )
    app.synth()
    return outdir / "stacks" / "parity"


def _plan(directory: Path, env: Dict[str, str]) -> List[Dict[str, Any]]:
    tf.run(["init", "-input=false", "-no-color"], cwd=directory, env=env)
    tf.run(["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.bin"], cwd=directory, env=env)
    shown = tf.run(["show", "-json", "plan.bin"], cwd=directory, env=env)
    return json.loads(shown.stdout)["resource_changes"]


@pytest.fixture(scope="module")
def plans(local_aws, tmp_path_factory) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    if seed.seed_document() is None:
        pytest.skip(
            f"seed module document not found; set {seed.SEED_ENV} to "
            "terraform-module-aws-ecr.txt to run the parity check"
        )
    seed_dir = tmp_path_factory.mktemp("seed-root")
    _seed_root(seed_dir)
    ours_dir = _our_stack(tmp_path_factory.mktemp("ours"))
    env = local_aws.environ(REGION)
    with ThreadPoolExecutor(2) as pool:
        seed_plan, our_plan = pool.map(lambda d: _plan(d, env), (seed_dir, ours_dir))
    return seed_plan, our_plan


def _by_key(changes: List[Dict[str, Any]], resource_type: str) -> Dict[str, Dict[str, Any]]:
    """Planned resources of one type, keyed by repository name."""
    key = "name" if resource_type == "aws_ecr_repository" else "repository"
    found: Dict[str, Dict[str, Any]] = {}
    for change in changes:
        if change["type"] == resource_type and change["mode"] == "managed":
            assert change["change"]["actions"] == ["create"], change["address"]
            after = change["change"]["after"]
            assert after[key] not in found, f"two {resource_type} for {after[key]}"
            found[after[key]] = {
                "after": after,
                "after_unknown": change["change"]["after_unknown"],
            }
    return found


ALL_NAMES = [case["name"] for case in CASES] + [USAGE["name"]]


def _unknown_paths(tree: Any, path: Tuple[Any, ...] = ()) -> List[Tuple[Any, ...]]:
    if tree is True:
        return [path]
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    return [found for key, child in items for found in _unknown_paths(child, path + (key,))]


def _at(tree: Any, path: Tuple[Any, ...]) -> Any:
    for step in path:
        try:
            tree = tree[step]
        except (KeyError, IndexError, TypeError):
            return None
    return tree


def _refinements(seed: Dict[str, Any], ours: Dict[str, Any]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Values our plan knows where the seed's plan says "known after apply".

    Returns the seed entry with those values filled in from ours, and the
    filled-in values by path, so that a test can check each one is what the
    seed computes at apply time.
    """
    seed = copy.deepcopy(seed)
    filled: Dict[str, Any] = {}
    for path in _unknown_paths(seed["after_unknown"]):
        if _at(ours["after_unknown"], path) is True:
            continue
        value = _at(ours["after"], path)
        _at(seed["after"], path[:-1])[path[-1]] = value
        del _at(seed["after_unknown"], path[:-1])[path[-1]]
        filled["/".join(map(str, path))] = value
    return seed, filled


@pytest.mark.parametrize(
    "resource_type", ["aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy"]
)
def test_each_repository_resource_plans_exactly_as_the_seed(plans, resource_type: str) -> None:
    seed_plan, our_plan = plans
    seed_resources = _by_key(seed_plan, resource_type)
    our_resources = _by_key(our_plan, resource_type)
    assert sorted(our_resources) == sorted(seed_resources)
    if resource_type == "aws_ecr_repository":
        assert sorted(our_resources) == sorted(ALL_NAMES)
    differences, refined = {}, {}
    for name, seed_entry in seed_resources.items():
        seed_entry, filled = _refinements(seed_entry, our_resources[name])
        if filled:
            refined[name] = filled
        if seed_entry != our_resources[name]:
            differences[name] = (seed_entry, our_resources[name])
    assert differences == {}
    # The seed derives the encryption type from `kms_key_arn != null`, which
    # Terraform cannot evaluate while the key ARN is unknown; it is "KMS" once
    # the key exists, and we know that already at plan time.
    expected_refinements = (
        {USAGE["name"]: {"encryption_configuration/0/encryption_type": "KMS"}}
        if resource_type == "aws_ecr_repository"
        else {}
    )
    assert refined == expected_refinements


def test_conditional_resources_appear_under_the_seeds_conditions(plans) -> None:
    _, our_plan = plans
    lifecycle = _by_key(our_plan, "aws_ecr_lifecycle_policy")
    policy = _by_key(our_plan, "aws_ecr_repository_policy")
    for case in CASES:
        assert (case["name"] in lifecycle) == case["enable_lifecycle_policy"]
        has_principals = bool(case["pull_principal_arns"] or case["push_principal_arns"])
        assert (case["name"] in policy) == has_principals


def _scanning_pairs(changes: List[Dict[str, Any]]) -> Tuple[int, set]:
    configurations = [
        c for c in changes if c["type"] == "aws_ecr_registry_scanning_configuration"
    ]
    pairs = set()
    for configuration in configurations:
        after = configuration["change"]["after"]
        assert after["scan_type"] == "ENHANCED"
        for rule in after["rule"]:
            for repository_filter in rule["repository_filter"]:
                assert repository_filter["filter_type"] == "WILDCARD"
                pairs.add((rule["scan_frequency"], repository_filter["filter"]))
    return len(configurations), pairs


def test_registry_scanning_holds_the_seeds_rules_in_one_configuration(plans) -> None:
    seed_plan, our_plan = plans
    seed_count, seed_pairs = _scanning_pairs(seed_plan)
    our_count, our_pairs = _scanning_pairs(our_plan)
    enhanced = [c for c in CASES if c["enhanced_scanning"]] + [USAGE]
    assert seed_count == len(enhanced)  # the seed's bug: one per enhanced repository
    assert our_count == 1
    kept_scanning = {
        ("SCAN_ON_PUSH", c["name"]) for c in CASES if c["scan_on_push"] and not c["enhanced_scanning"]
    }
    assert our_pairs == {(frequency, name + "*") for frequency, name in seed_pairs | kept_scanning}
    assert not seed_pairs & kept_scanning
