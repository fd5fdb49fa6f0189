"""Replication and the registry policy, applied to the local endpoint and read back.

One app of three stacks, each with its own state, in two regions of their
own on the shared endpoint: ``prod`` owns a registry that ``dev`` reports to,
and both replicate into ``recovery``, a registry of another account owned by
the same app. The endpoint emulates a single account; the source owner states
another one (``account_id=``), as a stack deployed with a second account's
credentials would, so the destination's registry policy must grant it.
The endpoint cannot create creation templates, so ``recovery`` opts out of
the replicas' template (``replica_template=False``; synth tests cover it).

Read back with boto3 (``describe_registry``, ``get_registry_policy``); each
second plan is empty. The endpoint accepts one replication rule, so both
stacks' requests share one destination here; several rules are checked by
``terraform validate`` (``tests/test_registry_caches.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import Registry, ReplicationDestination, Repository
from devtools.local_aws import ACCOUNT_ID, LocalAws

from .conftest import Plan, plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

SOURCE_REGION = "eu-north-1"
RECOVERY_REGION = "eu-west-3"
SOURCE_ACCOUNT = "111122223333"
STACKS = ("recovery", "dev", "prod")


def _synth(root: Path, step: int, with_web: bool) -> Path:
    """The app; ``with_web`` adds a third repository that asks for replication."""
    outdir = root / f"step{step}"
    app = App(outdir=str(outdir))
    stacks: Dict[str, TerraformStack] = {}
    for name in STACKS:
        stack = stacks[name] = TerraformStack(app, name)
        region = RECOVERY_REGION if name == "recovery" else SOURCE_REGION
        AwsProvider(stack, "aws", region=region,
                    allowed_account_ids=[ACCOUNT_ID] if name == "recovery" else None)
        LocalBackend(stack, path=str(root / f"{name}.tfstate"))
    Registry(stacks["recovery"], basic_scan_type_version=None, replica_template=False)
    owner = Registry(stacks["prod"], account_id=SOURCE_ACCOUNT, basic_scan_type_version=None)
    owner.include(stacks["dev"])
    to_recovery = [ReplicationDestination(region=RECOVERY_REGION, account_id=ACCOUNT_ID)]
    Repository(stacks["prod"], "api", name="prod/api", replicate_to=to_recovery)
    Repository(stacks["dev"], "api", name="dev/api", replicate_to=to_recovery)
    if with_web:
        Repository(stacks["prod"], "web", name="prod/web", replicate_to=to_recovery)
    app.synth()
    return outdir


def _changes(result: Plan) -> Dict[str, List[str]]:
    assert result.returncode in (0, 2), result.output
    assert result.json is not None
    return {
        change["address"]: change["change"]["actions"]
        for change in result.json.get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    }


@pytest.fixture(scope="module")
def applied(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """The app applied (recovery first, as its policy must exist before images arrive),
    then changed to replicate one more repository, and applied again."""
    root = tmp_path_factory.mktemp("registry-settings")
    env = e2e_endpoint.environ(SOURCE_REGION)

    def apply(outdir: Path, stack: str) -> None:
        directory = outdir / "stacks" / stack
        terraform(directory, ["init", "-input=false", "-no-color"], env)
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
        assert result.returncode == 0, result.stdout + result.stderr

    def clients(region: str) -> Any:
        return boto3.client("ecr", region_name=region, endpoint_url=e2e_endpoint.url,
                            aws_access_key_id="test", aws_secret_access_key="test")

    first = _synth(root, 1, with_web=False)
    for stack in STACKS:
        apply(first, stack)
    result: Dict[str, Any] = {
        "first": first,
        "replication": clients(SOURCE_REGION).describe_registry()["replicationConfiguration"],
        "policy": json.loads(clients(RECOVERY_REGION).get_registry_policy()["policyText"]),
        "second plans": {s: plan(first / "stacks" / s, env) for s in STACKS},
    }
    second = _synth(root, 2, with_web=True)
    for stack in STACKS:
        terraform(second / "stacks" / stack, ["init", "-input=false", "-no-color"], env)
    result["change"] = plan(second / "stacks" / "prod", env, with_json=True)
    apply(second, "prod")
    result["changed replication"] = clients(SOURCE_REGION).describe_registry()["replicationConfiguration"]
    result["plans after the change"] = {s: plan(second / "stacks" / s, env) for s in STACKS}
    return result


def _rule(*names: str) -> Dict[str, Any]:
    return {
        "destinations": [{"region": RECOVERY_REGION, "registryId": ACCOUNT_ID}],
        "repositoryFilters": [{"filter": n, "filterType": "PREFIX_MATCH"} for n in names],
    }


def test_both_stacks_replicate_through_the_owners_one_configuration(applied: Dict[str, Any]) -> None:
    assert applied["replication"] == {"rules": [_rule("dev/api", "prod/api")]}
    synths = {s: json.loads((applied["first"] / "stacks" / s / "cdk.tf.json").read_text()) for s in STACKS}
    assert [s for s in STACKS if "aws_ecr_replication_configuration" in synths[s]["resource"]] == ["prod"]


def test_the_destination_registry_policy_grants_the_source_account(applied: Dict[str, Any]) -> None:
    assert applied["policy"] == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": f"AllowReplicationFrom{SOURCE_ACCOUNT}",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{SOURCE_ACCOUNT}:root"]},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": [f"arn:aws:ecr:{RECOVERY_REGION}:{ACCOUNT_ID}:repository/*"],
        }],
    }


def test_the_second_plan_of_every_stack_is_empty(applied: Dict[str, Any]) -> None:
    for plans in ("second plans", "plans after the change"):
        for stack, result in applied[plans].items():
            assert result.returncode == 0, (plans, stack, result.output)


def test_a_repository_that_starts_replicating_updates_the_configuration_in_place(
    applied: Dict[str, Any]
) -> None:
    assert _changes(applied["change"]) == {
        "aws_ecr_repository.prod--web": ["create"],
        "aws_ecr_lifecycle_policy.prod--web": ["create"],
        "aws_ecr_replication_configuration.registry_replication": ["update"],
    }
    assert applied["changed replication"] == {"rules": [_rule("dev/api", "prod/api", "prod/web")]}
