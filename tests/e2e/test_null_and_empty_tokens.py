"""Null and empty variables behave as the seed module did, applied to the local endpoint.

A nullable ``kms_key_arn`` variable set to null gives the default encryption (AES256), and a
principal-list variable set to ``[]`` writes no statement (with no other statement, no policy):
Terraform decides at plan (a conditional ``encryption_type``, a dynamic statement, a counted
policy). Then the same stack with the list given one account writes the statement; each apply
is followed by an empty plan.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack, TerraformVariable
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import Repository
from devtools.local_aws import ACCOUNT_ID, LocalAws

from .conftest import plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REGION = "eu-north-1"
NAME = "tokens/api"


def _synth(outdir: Path, state_dir: Path) -> None:
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "tokens")
    AwsProvider(stack, "aws", region=REGION)
    LocalBackend(stack, path=str(state_dir / "tokens.tfstate"))
    key = TerraformVariable(stack, "kms_key_arn", type="string", nullable=True, default=None)
    pull = TerraformVariable(stack, "pull", type="list(string)", default=[])
    Repository(stack, "api", name=NAME, kms_key_arn=key.string_value, pull_principal_arns=pull.list_value,
               force_delete=True, prevent_destroy=False)
    app.synth()


@pytest.fixture(scope="module")
def applied(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    root = tmp_path_factory.mktemp("tokens")
    outdir = root / "cdktf.out"
    _synth(outdir, root)
    env = e2e_endpoint.environ(REGION)
    directory = outdir / "stacks" / "tokens"
    result = terraform(directory, ["init", "-input=false", "-no-color"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    ecr = boto3.client("ecr", region_name=REGION, endpoint_url=e2e_endpoint.url,
                       aws_access_key_id="test", aws_secret_access_key="test")

    def policy() -> Any:
        try:
            return json.loads(ecr.get_repository_policy(repositoryName=NAME)["policyText"])
        except ecr.exceptions.RepositoryPolicyNotFoundException:
            return None

    rounds: List[Dict[str, Any]] = []
    for pull in ("[]", json.dumps([ACCOUNT_ID])):
        # A null can only be given in a variables file (-var kms_key_arn=null is the text "null").
        values = root / "values.tfvars.json"
        values.write_text(json.dumps({"kms_key_arn": None, "pull": json.loads(pull)}))
        variables = [f"-var-file={values}"]
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve", *variables], env)
        rounds.append({
            "apply": result,
            "encryption": ecr.describe_repositories(repositoryNames=[NAME])["repositories"][0][
                "encryptionConfiguration"] if result.returncode == 0 else None,
            "policy": policy() if result.returncode == 0 else None,
            "next plan": plan(directory, env, *variables),
        })
    yield {"rounds": rounds}
    terraform(directory, ["destroy", "-input=false", "-no-color", "-auto-approve"], env)


def test_null_key_and_empty_list_apply_as_the_seed(applied: Dict[str, Any]) -> None:
    empty = applied["rounds"][0]
    assert empty["apply"].returncode == 0, empty["apply"].stdout + empty["apply"].stderr
    # THEN the default encryption, and no repository policy at all
    assert empty["encryption"] == {"encryptionType": "AES256"}
    assert empty["policy"] is None


def test_a_non_empty_list_writes_its_statement(applied: Dict[str, Any]) -> None:
    given = applied["rounds"][1]
    assert given["apply"].returncode == 0, given["apply"].stdout + given["apply"].stderr
    (statement,) = given["policy"]["Statement"]
    assert statement["Sid"] == "AllowPull" and statement["Principal"] == {"AWS": ACCOUNT_ID}


def test_every_plan_after_an_apply_is_empty(applied: Dict[str, Any]) -> None:
    for number, applied_round in enumerate(applied["rounds"], 1):
        result = applied_round["next plan"]
        assert result.returncode == 0, (number, result.stdout + result.stderr)
