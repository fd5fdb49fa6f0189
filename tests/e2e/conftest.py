"""End-to-end fixtures: the example app applied to ONE emulated account and region.

One deployment is shared by the whole e2e session (``deployment``): the app is
synthesized in-process (the jsii bindings are already loaded by the top-level
conftest), every stack is initialised, and all of them are deployed together
through the real ``cdktf deploy`` CLI, exactly as ``make deploy-local`` does,
against a moto server on 127.0.0.1. dev, stage and prod share account
123456789012 and region us-east-1, so prod owns the registry's scanning
settings for all three.

Tests that change the deployment restore it before they return; the fault
tests use their own endpoint and state.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

import pytest
from cdktf import App

from devtools import rehearse, terraform as tf
from devtools.local_aws import ACCOUNT_ID, LocalAws
from stacks import ENVIRONMENTS, DeploySettings, EnvironmentConfig, build_app

REGION = rehearse.REGION
# The shared endpoint holds one registry per region, and a registry has one scanning and
# one replication configuration: each module that writes registry settings there uses
# regions of its own. us-east-1: the example app (this module); eu-central-1:
# test_refactors; ca-central-1: test_grants_applied; eu-north-1, eu-west-3:
# test_registry_settings; ap-south-1, sa-east-1, eu-south-1, ap-northeast-1:
# test_fleet_scanning; us-west-2: test_s3_backend; ap-southeast-2: test_properties;
# ap-northeast-2, ap-southeast-1, ap-northeast-3: test_plan_review; eu-west-2,
# ap-southeast-4, ap-south-2 (and ap-east-1 as a replication destination): test_adoption.
#: The smallest image manifest ECR accepts: a config blob and no layers.
MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:" + hashlib.sha256(b"{}").hexdigest(),
        },
        "layers": [],
    }
)


def synthesize(
    outdir: Path,
    state_dir: Path,
    environments: Iterable[EnvironmentConfig] = ENVIRONMENTS,
) -> Dict[str, Dict[str, Any]]:
    """Synthesize the example app (one account, one region) into ``outdir``;
    return each stack's Terraform JSON."""
    app = App(outdir=str(outdir))
    settings = DeploySettings(region=REGION, account_id=ACCOUNT_ID, state_dir=str(state_dir))
    build_app(app, settings, tuple(environments))
    app.synth()
    return {
        name: json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text())
        for name in rehearse.stack_names(outdir)
    }


@dataclass
class Plan:
    returncode: int
    stdout: str
    stderr: str
    json: Optional[Dict[str, Any]] = None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def actions(self, resource_type: str) -> Dict[str, List[str]]:
        """Planned actions of each managed resource of ``resource_type``, by address."""
        assert self.json is not None, "plan JSON was not requested"
        return {
            change["address"]: change["change"]["actions"]
            for change in self.json.get("resource_changes", [])
            if change["type"] == resource_type and change["mode"] == "managed"
        }

    def all_actions(self) -> Dict[str, List[str]]:
        assert self.json is not None, "plan JSON was not requested"
        return {
            change["address"]: change["change"]["actions"]
            for change in self.json.get("resource_changes", [])
            if change["mode"] == "managed"
        }


def terraform(
    workdir: Path, args: Sequence[str], env: Mapping[str, str], timeout: float = 300
) -> subprocess.CompletedProcess:
    return tf.run(args, workdir, env, check=False, timeout=timeout)


def plan(
    workdir: Path,
    env: Mapping[str, str],
    *extra: str,
    with_json: bool = False,
) -> Plan:
    """``terraform plan -detailed-exitcode`` (0 = no changes, 2 = changes, 1 = error).

    ``-lock=false``: plans only read the state, so several may run at once.
    """
    plan_file = workdir / f"e2e-{uuid.uuid4().hex}.tfplan"
    args = ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", *extra]
    if with_json:
        args.append(f"-out={plan_file}")
    result = terraform(workdir, args, env)
    parsed = None
    try:
        if with_json and result.returncode in (0, 2):
            shown = terraform(workdir, ["show", "-json", "-no-color", str(plan_file)], env)
            assert shown.returncode == 0, shown.stderr
            parsed = json.loads(shown.stdout)
    finally:
        if plan_file.exists():
            plan_file.unlink()
    return Plan(result.returncode, result.stdout, result.stderr, parsed)


def parallel(calls: Mapping[str, Callable[[], Any]]) -> Dict[str, Any]:
    """Run independent calls (terraform commands) at once; results by key."""
    with ThreadPoolExecutor(max_workers=max(1, len(calls))) as pool:
        futures = {key: pool.submit(call) for key, call in calls.items()}
        return {key: future.result() for key, future in futures.items()}


def repository_addresses(synth: Mapping[str, Any]) -> Dict[str, str]:
    """``{repository name: terraform address}`` of a synthesized stack."""
    return {
        body["name"]: f"aws_ecr_repository.{key}"
        for key, body in synth.get("resource", {}).get("aws_ecr_repository", {}).items()
    }


def state_resources(state_file: Path) -> Dict[str, List[Dict[str, Any]]]:
    """Managed resources recorded in a local state file: ``{address: [instances]}``."""
    if not state_file.exists() or not state_file.read_text().strip():
        return {}
    state = json.loads(state_file.read_text())
    return {
        f"{r['type']}.{r['name']}": r["instances"]
        for r in state.get("resources", [])
        if r["mode"] == "managed"
    }


@dataclass
class Deployment:
    """A synthesized app deployed to a local endpoint."""

    endpoint: LocalAws
    outdir: Path
    state_dir: Path
    env: Dict[str, str]
    synth: Dict[str, Dict[str, Any]]
    outputs: Dict[str, Dict[str, str]] = field(default_factory=dict)
    timings: Dict[str, float] = field(default_factory=dict)

    @property
    def stacks(self) -> List[str]:
        return list(self.synth)

    def stack_dir(self, stack: str) -> Path:
        return self.outdir / "stacks" / stack

    def state_file(self, stack: str) -> Path:
        return self.state_dir / f"terraform.{stack}.tfstate"

    def client(self, service: str):
        return aws_client(self.endpoint, service)

    def plan(self, stack: str, *extra: str, with_json: bool = False) -> Plan:
        return plan(self.stack_dir(stack), self.env, *extra, with_json=with_json)

    def terraform(self, stack: str, *args: str) -> subprocess.CompletedProcess:
        return terraform(self.stack_dir(stack), args, self.env)


def aws_client(endpoint: LocalAws, service: str):
    import boto3

    return boto3.client(
        service,
        endpoint_url=endpoint.url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def deploy(
    endpoint: LocalAws,
    root: Path,
    environments: Iterable[EnvironmentConfig] = ENVIRONMENTS,
) -> Deployment:
    """Synthesize under ``root`` and deploy every stack with ``cdktf deploy``."""
    timings: Dict[str, float] = {}
    start = time.monotonic()
    outdir, state_dir = root / "cdktf.out", root / "state"
    state_dir.mkdir(parents=True, exist_ok=True)
    synth = synthesize(outdir, state_dir, environments)
    timings["synth"] = time.monotonic() - start
    env = rehearse.rehearsal_environ(state_dir, endpoint)
    deployment = Deployment(endpoint, outdir, state_dir, env, synth, timings=timings)
    start = time.monotonic()
    rehearse.init_stacks(outdir, deployment.stacks, env)
    timings["init"] = time.monotonic() - start
    start = time.monotonic()
    deployment.outputs = rehearse.deploy_stacks(outdir, deployment.stacks, env, root / "outputs.json")
    timings["cdktf deploy"] = time.monotonic() - start
    return deployment


@pytest.fixture(scope="session")
def e2e_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    """A moto server of its own: nothing else in the session touches its account."""
    log = tmp_path_factory.mktemp("e2e-moto") / "moto.log"
    with LocalAws(log_path=log) as server:
        yield server


@pytest.fixture(scope="session")
def deployment(
    e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory
) -> Deployment:
    """dev, stage and prod, deployed together to one account and region."""
    return deploy(e2e_endpoint, tmp_path_factory.mktemp("e2e-deployment"))
