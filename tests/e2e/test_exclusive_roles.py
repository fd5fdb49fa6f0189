"""Grants to roles whose inline policies Terraform manages exclusively, applied three times
to the local endpoint: the registry-login policy stays, and every plan after the first apply
is empty.

A role declared with ``inline_policy`` blocks, or named by an ``aws_iam_role_policies_exclusive``,
has Terraform delete every inline policy it does not list. The library's login policy (an
``aws_iam_role_policy``) was deleted by one apply and created again by the next: ECS tasks
could not log in after every other deploy. Now the library lists it where the exclusive
management reads it (an ``inline_policy`` block of the role, or a name of the exclusive
resource's ``policy_names``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.iam_role import IamRole, IamRoleInlinePolicy
from cdktf_cdktf_provider_aws.iam_role_policies_exclusive import IamRolePoliciesExclusive
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import Repository
from devtools.local_aws import LocalAws

from .conftest import plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REGION = "ap-south-1"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
READ_LOGS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]})
ROLES = ("exclusive-inline", "exclusive-list")


def _synth(outdir: Path, state_dir: Path) -> None:
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "roles")
    AwsProvider(stack, "aws", region=REGION)
    LocalBackend(stack, path=str(state_dir / "roles.tfstate"))
    # A role that declares its inline policies as blocks (exclusive by the provider's rule)
    inline = IamRole(stack, "inline", name=ROLES[0], assume_role_policy=TRUST,
                     inline_policy=[IamRoleInlinePolicy(name="logs", policy=READ_LOGS)])
    # A role whose inline policies an aws_iam_role_policies_exclusive lists
    listed = IamRole(stack, "listed", name=ROLES[1], assume_role_policy=TRUST)
    logs = IamRolePolicy(stack, "listed_logs", role=listed.name, name="logs", policy=READ_LOGS)
    # By reference, as the provider's docs do: the list must wait for the policies it lists.
    IamRolePoliciesExclusive(stack, "listed_exclusive", role_name=listed.name,
                             policy_names=[logs.name])
    repository = Repository(stack, "api", name="exclusive/api", force_delete=True, prevent_destroy=False)
    repository.grant_pull(inline)
    repository.grant_pull(listed)
    app.synth()


@pytest.fixture(scope="module")
def applied(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    root = tmp_path_factory.mktemp("exclusive")
    outdir = root / "cdktf.out"
    _synth(outdir, root)
    env = e2e_endpoint.environ(REGION)
    directory = outdir / "stacks" / "roles"
    result = terraform(directory, ["init", "-input=false", "-no-color"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    iam = boto3.client("iam", region_name=REGION, endpoint_url=e2e_endpoint.url,
                       aws_access_key_id="test", aws_secret_access_key="test")
    rounds: List[Dict[str, Any]] = []
    for _ in range(3):
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
        assert result.returncode == 0, result.stdout + result.stderr
        rounds.append({
            "inline": {role: sorted(iam.list_role_policies(RoleName=role)["PolicyNames"]) for role in ROLES},
            "next plan": plan(directory, env),
        })
    yield {"rounds": rounds}
    terraform(directory, ["destroy", "-input=false", "-no-color", "-auto-approve"], env)


def test_the_login_policy_stays_after_every_apply(applied: Dict[str, Any]) -> None:
    for number, applied_round in enumerate(applied["rounds"], 1):
        assert applied_round["inline"] == {role: ["ecr-registry-login", "logs"] for role in ROLES}, number


def test_every_plan_after_an_apply_is_empty(applied: Dict[str, Any]) -> None:
    for number, applied_round in enumerate(applied["rounds"], 1):
        result = applied_round["next plan"]
        assert result.returncode == 0, (number, result.stdout + result.stderr)
