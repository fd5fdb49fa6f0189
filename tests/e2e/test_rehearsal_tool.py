"""The rehearsal's own machinery (devtools/rehearse.py), beyond the deploys the
other e2e tests run through it: the endpoint keeps its resources across a
stop, never outlives its user, and the destroy lifts protection only in the
rehearsal's own copy of the stacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from devtools import rehearse
from devtools.local_aws import ACCOUNT_ID

from .conftest import MANIFEST, Deployment, aws_client

pytestmark = [pytest.mark.e2e]



def test_endpoint_resources_survive_a_stop_and_start(tmp_path: Path) -> None:
    snapshot = tmp_path / "endpoint.pickle"
    first = rehearse.RehearsalEndpoint(snapshot, tmp_path / "endpoint.log").start()
    try:
        kms, ecr, iam = (aws_client(first, s) for s in ("kms", "ecr", "iam"))
        key = kms.create_key(Description="rehearsal")["KeyMetadata"]["Arn"]
        ecr.create_repository(
            repositoryName="prod/api",
            encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
            tags=[{"Key": "Team", "Value": "web"}],
        )
        digest = ecr.put_image(repositoryName="prod/api", imageManifest=MANIFEST, imageTag="v1")["image"][
            "imageId"
        ]["imageDigest"]
        ecr.put_registry_scanning_configuration(
            scanType="ENHANCED",
            rules=[{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "prod/api", "filterType": "WILDCARD"}]}],
        )
        role_id = iam.create_role(RoleName="ci", AssumeRolePolicyDocument="{}")["Role"]["RoleId"]
    finally:
        first.stop()
    assert first.process.returncode == 0 and snapshot.stat().st_size > 0

    second = rehearse.RehearsalEndpoint(snapshot, tmp_path / "endpoint.log").start()
    try:
        # A new server process (the OS may hand out the same free port again).
        assert second.process.pid != first.process.pid
        kms, ecr, iam = (aws_client(second, s) for s in ("kms", "ecr", "iam"))
        assert kms.describe_key(KeyId=key)["KeyMetadata"]["Description"] == "rehearsal"
        repository = ecr.describe_repositories(repositoryNames=["prod/api"])["repositories"][0]
        assert repository["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": key}
        assert repository["registryId"] == ACCOUNT_ID
        images = ecr.describe_images(repositoryName="prod/api")["imageDetails"]
        assert [(i["imageDigest"], i["imageTags"]) for i in images] == [(digest, ["v1"])]
        rules = ecr.get_registry_scanning_configuration()["scanningConfiguration"]["rules"]
        assert rules[0]["repositoryFilters"][0]["filter"] == "prod/api"
        assert iam.get_role(RoleName="ci")["Role"]["RoleId"] == role_id
        # And the restored models still work: encrypt with the restored key.
        assert kms.encrypt(KeyId=key, Plaintext=b"x")["KeyId"] == key
    finally:
        second.stop()


def test_endpoint_does_not_outlive_a_killed_rehearsal(tmp_path: Path) -> None:
    """If the rehearsal itself is SIGKILLed, its endpoint saves and exits on its own."""
    snapshot = tmp_path / "endpoint.pickle"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from devtools.rehearse import RehearsalEndpoint\n"
        f"e = RehearsalEndpoint(Path({str(snapshot)!r}), Path({str(tmp_path / 'endpoint.log')!r})).start()\n"
        "print(e.process.pid, flush=True)\n"
        "os._exit(9)\n"  # no finally, no stop(): like SIGKILL
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=rehearse.REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 9, result.stderr
    pid = int(result.stdout.split()[0])
    try:
        psutil.Process(pid).wait(timeout=20)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        psutil.Process(pid).kill()
        pytest.fail("the endpoint outlived the rehearsal that started it")
    assert snapshot.exists(), "the endpoint did not save its resources before exiting"


def test_destroy_lifts_prevent_destroy_only_in_its_own_copy(deployment: Deployment, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(deployment.outdir, copy, ignore=shutil.ignore_patterns(".terraform", "*.tfplan"))
    lifted = rehearse.lift_prevent_destroy(copy, deployment.stacks)
    protected = [
        f"{stack}: aws_ecr_repository.{key}"
        for stack, synth in deployment.synth.items()
        for key, body in synth["resource"].get("aws_ecr_repository", {}).items()
        if body.get("lifecycle", {}).get("prevent_destroy")
    ]
    assert protected and sorted(lifted) == sorted(protected)
    for stack in deployment.stacks:
        config = json.loads((copy / "stacks" / stack / "cdk.tf.json").read_text())
        for body in config["resource"].get("aws_ecr_repository", {}).values():
            assert body.get("lifecycle", {}).get("prevent_destroy") in (None, False)
        original = json.loads((deployment.stack_dir(stack) / "cdk.tf.json").read_text())
        assert original == deployment.synth[stack], "the deployed stack's own JSON was changed"


def test_cdktf_output_is_cleaned_and_errors_are_attributed() -> None:
    raw = [
        "\x1b[2K\x1b[1A\x1b[2K\x1b[G⠧  Processing\n",
        "1 Stack deploying     2 Stacks done     0 Stacks waiting\n",
        "dev  aws_ecr_repository.a (a/repository): Creating...\n",
        "prod  ╷\n",
        "      │ Error: creating ECR Repository (prod/api): RepositoryAlreadyExistsException\n",
        "      │   with aws_ecr_repository.api,\n",
        "dev  Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n",
    ]
    lines = [line for line in map(rehearse.clean_line, raw) if line is not None]
    assert lines[0].startswith("dev  aws_ecr_repository.a") and len(lines) == 5
    run = rehearse.CdktfRun(command=["cdktf"], returncode=1, lines=lines)
    attribute = rehearse.StackAttribution(["dev", "prod"])
    for line in lines:
        stack, text = attribute(line)
        if stack is not None:
            run.by_stack.setdefault(stack, []).append(text)
    assert run.by_stack["dev"][0] == "aws_ecr_repository.a (a/repository): Creating..."
    errors = run.stack_errors(["dev", "prod"])
    assert list(errors) == ["prod"]
    assert errors["prod"][0] == "│ Error: creating ECR Repository (prod/api): RepositoryAlreadyExistsException"
    assert errors["prod"][1] == "│   with aws_ecr_repository.api,"
