"""Grants of every grantee kind, applied to the local endpoint and read back through boto3.

Two stacks, as a platform team splits them: ``identities`` holds a CI role,
``registry`` holds a repository and a task role of its own. The repository
grants an IAM role ARN, an account ID, a Lambda function (service principal
with ``aws:SourceArn``), an organization unit tree, the task role of its own
stack and the CI role of the other stack (through cdktf's cross-stack
reference), plus a statement of its own. Both stacks are applied with the real
``terraform``; the repository policy ECR holds is read back and compared with
the JSON each grant is documented to produce, and the next plan is empty.

moto stores the repository policy and the roles' inline policies as given; it
does not check that principals exist (AWS refuses a policy naming one that does
not yet: "Invalid repository policy") nor evaluate them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import (
    Condition,
    OrganizationPrincipal,
    PolicyStatement,
    Repository,
    ServicePrincipal,
    require_provider_versions,
)
from devtools.local_aws import ACCOUNT_ID, LocalAws

from .conftest import Plan, plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

#: A region of its own, so the example app's registry is untouched.
REGION = "ca-central-1"
NAME = "grants/api"
OTHER_ACCOUNT = "210987654321"
DEPLOYER = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:grants-thumbnailer"
ORG = "o-a1b2c3d4e5"
OU_TREE = f"{ORG}/r-ab12/ou-ab12-22222222/*"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})

PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PUSH = sorted(PULL + ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"])


def _role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"


def _synth(outdir: Path, state_dir: Path) -> None:
    app = App(outdir=str(outdir))
    identities, registry = TerraformStack(app, "identities"), TerraformStack(app, "registry")
    for stack in (identities, registry):
        AwsProvider(stack, "aws", region=REGION)
        LocalBackend(stack, path=str(state_dir / f"{stack.node.id}.tfstate"))
    require_provider_versions(identities)  # it holds no repository
    ci = IamRole(identities, "ci", name="grants-ci", assume_role_policy=TRUST)
    task = IamRole(registry, "task", name="grants-task", assume_role_policy=TRUST)
    repository = Repository(registry, "api", name=NAME, force_delete=True, prevent_destroy=False)
    repository.grant_pull(DEPLOYER)
    repository.grant_push(OTHER_ACCOUNT)
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION]))
    repository.grant_pull(OrganizationPrincipal(ORG, ou_paths=[OU_TREE]))
    repository.grant_pull(task)
    repository.grant_push(ci)
    repository.add_to_resource_policy(
        PolicyStatement(sid="DenyPlainHttp", effect="Deny", principals={"*": ["*"]}, actions=["ecr:*"],
                        conditions=[Condition("Bool", "aws:SecureTransport", ["false"])])
    )
    app.synth()


def _sorted_lists(value: Any) -> Any:
    """The policy with every list sorted: Terraform orders set members its own way."""
    if isinstance(value, dict):
        return {k: _sorted_lists(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted_lists(v) for v in value), key=json.dumps)
    return value


@pytest.fixture(scope="module")
def applied(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    root = tmp_path_factory.mktemp("grants")
    outdir = root / "cdktf.out"
    _synth(outdir, root)
    env = e2e_endpoint.environ(REGION)
    for stack in ("identities", "registry"):  # the order cdktf deploys them in: registry reads identities' state
        directory = outdir / "stacks" / stack
        result = terraform(directory, ["init", "-input=false", "-no-color"], env)
        assert result.returncode == 0, result.stdout + result.stderr
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
        assert result.returncode == 0, result.stdout + result.stderr

    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=e2e_endpoint.url,
                            aws_access_key_id="test", aws_secret_access_key="test")

    iam = client("iam")
    yield {
        "policy": json.loads(client("ecr").get_repository_policy(repositoryName=NAME)["policyText"]),
        "inline": {role: iam.list_role_policies(RoleName=role)["PolicyNames"]
                   for role in ("grants-ci", "grants-task")},
        "login": iam.get_role_policy(RoleName="grants-task", PolicyName="ecr-registry-login")["PolicyDocument"],
        "next plans": {stack: plan(outdir / "stacks" / stack, env) for stack in ("identities", "registry")},
    }
    for stack in ("registry", "identities"):
        terraform(outdir / "stacks" / stack, ["destroy", "-input=false", "-no-color", "-auto-approve"], env)


def test_the_repository_policy_holds_every_grant_as_documented(applied: Dict[str, Any]) -> None:
    statements = {s["Sid"]: s for s in applied["policy"]["Statement"]}
    assert applied["policy"]["Version"] == "2012-10-17"
    assert _sorted_lists(statements) == _sorted_lists({
        # IAM principals: a role ARN of another account, and this stack's task role
        "AllowPull": {"Sid": "AllowPull", "Effect": "Allow", "Action": PULL,
                      "Principal": {"AWS": [DEPLOYER, _role_arn("grants-task")]}},
        # an account, and the other stack's CI role, resolved through its state
        "AllowPush": {"Sid": "AllowPush", "Effect": "Allow", "Action": PUSH,
                      "Principal": {"AWS": [OTHER_ACCOUNT, _role_arn("grants-ci")]}},
        "AllowPullLambdaBySourceArn": {
            "Sid": "AllowPullLambdaBySourceArn", "Effect": "Allow", "Action": PULL,
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Condition": {"ArnLike": {"aws:SourceArn": FUNCTION}},
        },
        "AllowPullOrganization": {
            "Sid": "AllowPullOrganization", "Effect": "Allow", "Action": PULL, "Principal": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG},
                          "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": OU_TREE}},
        },
        "DenyPlainHttp": {"Sid": "DenyPlainHttp", "Effect": "Deny", "Action": "ecr:*", "Principal": "*",
                          "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    })


def test_only_the_same_stack_role_got_the_login_policy(applied: Dict[str, Any]) -> None:
    assert applied["inline"] == {"grants-ci": [], "grants-task": ["ecr-registry-login"]}
    login = applied["login"]
    login = json.loads(login) if isinstance(login, str) else login
    assert login["Statement"] == [
        {"Sid": "AllowRegistryLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    ]


def test_the_next_plan_of_both_stacks_is_empty(applied: Dict[str, Any]) -> None:
    for stack, result in applied["next plans"].items():
        assert isinstance(result, Plan) and result.returncode == 0, (stack, result.output)
