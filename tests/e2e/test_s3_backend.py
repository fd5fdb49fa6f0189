"""The real-account path: state in S3 (ECR_STATE_BUCKET), one key per
environment, S3 native locking. Exercised against the emulated S3 of the same
local endpoint, in another region so it does not touch the shared deployment.

The one local-only setting is ``use_path_style`` at ``terraform init``:
moto serves buckets by path, AWS by host name.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cdktf import App

from devtools import rehearse
from devtools.local_aws import ACCOUNT_ID, LocalAws
from stacks import ENVIRONMENTS, DeploySettings, build_app

from .conftest import aws_client, plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

BUCKET = "e2e-terraform-state"
REGION = "us-west-2"  # not the shared deployment's region: its own registry


def test_state_in_s3_with_one_key_per_environment_and_native_locking(
    e2e_endpoint: LocalAws, tmp_path: Path
) -> None:
    s3 = aws_client(e2e_endpoint, "s3")
    s3.create_bucket(Bucket=BUCKET)
    settings = DeploySettings(region=REGION, account_id=ACCOUNT_ID, state_bucket=BUCKET, state_region="us-east-1")
    app = App(outdir=str(tmp_path / "out"))
    build_app(app, settings, [e for e in ENVIRONMENTS if e.name == "dev"])
    app.synth()
    workdir = tmp_path / "out" / "stacks" / "dev"
    backend = json.loads((workdir / "cdk.tf.json").read_text())["terraform"]["backend"]
    key = "ecr-guardrails/dev/terraform.tfstate"
    assert backend == {"s3": {"bucket": BUCKET, "key": key, "region": "us-east-1", "encrypt": True, "use_lockfile": True}}

    env = rehearse.rehearsal_environ(tmp_path / "unused", e2e_endpoint)
    init = terraform(workdir, ["init", "-input=false", "-no-color", "-backend-config=use_path_style=true"], env)
    assert init.returncode == 0, init.stderr
    applied = terraform(workdir, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
    assert applied.returncode == 0, applied.stderr

    objects = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))
    assert objects == [key], "state must be exactly one object, under the environment's key, with no stale lock"
    state = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert {r["type"] for r in state["resources"]} >= {"aws_ecr_repository", "aws_ecr_lifecycle_policy"}
    assert not list((workdir).glob("*.tfstate")), "no local state next to the stack"
    assert s3.head_object(Bucket=BUCKET, Key=key)["ServerSideEncryption"] in ("AES256", "aws:kms")

    # Native locking: while another run holds the lock object, terraform waits for it and gives up.
    s3.put_object(Bucket=BUCKET, Key=f"{key}.tflock", Body=json.dumps({"ID": "held-by-test", "Operation": "OperationTypeApply", "Who": "e2e"}))
    locked = terraform(workdir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], env)
    assert locked.returncode == 1 and "Error acquiring the state lock" in locked.stderr, locked.stderr
    s3.delete_object(Bucket=BUCKET, Key=f"{key}.tflock")
    assert plan(workdir, env).returncode == 0
