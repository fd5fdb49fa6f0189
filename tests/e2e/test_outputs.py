"""Check 5: the outputs ``cdktf deploy`` reports match what the endpoint reports."""

from __future__ import annotations

import pytest

from stacks.environment_stack import REPOSITORY_OUTPUTS

from .conftest import Deployment

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

#: Output attribute -> the field of ecr.describe_repositories that must equal it.
DESCRIBED_AS = {
    "repository_url": "repositoryUri",
    "arn": "repositoryArn",
    "name": "repositoryName",
    "id": "repositoryName",
    "registry_id": "registryId",
}


def test_every_repository_output_matches_describe_repositories(deployment: Deployment) -> None:
    assert sorted(DESCRIBED_AS) == sorted(REPOSITORY_OUTPUTS)
    ecr = deployment.client("ecr")
    described = {r["repositoryName"]: r for r in ecr.describe_repositories()["repositories"]}
    seen = []
    for stack, synth in deployment.synth.items():
        outputs = deployment.outputs[stack]
        for key, body in synth["resource"]["aws_ecr_repository"].items():
            construct = body["//"]["metadata"]["path"].split("/")[-2]  # <stack>/<construct>/repository
            name = outputs[f"{construct}_name"]
            assert name in described, f"{stack}: output name {name!r} is not a repository"
            for attribute, field in DESCRIBED_AS.items():
                assert outputs[f"{construct}_{attribute}"] == described[name][field], (stack, construct, attribute)
            seen.append(name)
        expected = {f"{c}_{a}" for c in (b["//"]["metadata"]["path"].split("/")[-2]
                                          for b in synth["resource"]["aws_ecr_repository"].values())
                    for a in REPOSITORY_OUTPUTS}
        assert set(outputs) == expected, stack
    assert sorted(seen) == sorted(described), "every repository is reported by exactly one output set"


def test_outputs_in_state_match_what_cdktf_printed(deployment: Deployment) -> None:
    """``terraform output`` (the state) agrees with ``cdktf deploy --outputs-file``."""
    import json

    for stack in deployment.stacks:
        result = deployment.terraform(stack, "output", "-json", "-no-color")
        assert result.returncode == 0, result.stderr
        state_outputs = {k: v["value"] for k, v in json.loads(result.stdout).items()}
        assert state_outputs == deployment.outputs[stack], stack
