"""Check 6: a deploy interrupted mid-apply converges when it is run again.

The endpoint here is a moto server inside the test process, so a fault can be
injected at an exact point of the apply: when terraform's request for a given
ECR operation reaches the endpoint, terraform (its whole process group,
provider included) is killed with SIGKILL, like a CI runner that dies.

* half-configured: dev is killed when it starts attaching its first lifecycle
  policy, before the endpoint applies it. Its repositories exist, and at
  least one has no lifecycle policy.
* orphaned: prod is killed while its first CreateRepository call is in flight,
  after the endpoint created the repository and before terraform heard back.
  Terraform records a resource only once its create call returns, so that
  repository exists but is in no state, and a plain re-run fails on it
  ("already exists"). The rehearsal's re-run adopts it (terraform import) first.

Afterwards the re-run (the real ``cdktf deploy``, as ``make deploy-local`` runs
it after an interrupted deploy) must leave exactly the intended state: every
repository once, fully configured, one KMS key, every resource recorded once,
and an empty next plan.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Optional

import psutil
import pytest
from test_scanning_scale import scanned_as

from devtools import rehearse, terraform as tf
from devtools.local_aws import LocalAws, free_port

from .conftest import (
    aws_client,
    parallel,
    plan,
    repository_addresses,
    state_resources,
    synthesize,
)

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


class KillSwitch:
    """Kills a process group from inside an endpoint operation, once."""

    def __init__(self) -> None:
        self.pgid: Optional[int] = None
        self.operation: Optional[str] = None
        self.fired = threading.Event()

    def wrap(self, name: str, original: Callable[..., Any], apply_first: bool) -> Callable[..., Any]:
        switch = self

        def operation(backend, *args, **kwargs):
            if switch.operation != name or switch.fired.is_set() or switch.pgid is None:
                return original(backend, *args, **kwargs)
            result = original(backend, *args, **kwargs) if apply_first else None
            switch.fired.set()
            os.killpg(switch.pgid, signal.SIGKILL)
            if not apply_first:
                raise ConnectionAbortedError(f"{name}: the client was killed before it was applied")
            return result

        return operation


@pytest.fixture
def fault_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple]:
    """An in-process moto server whose ECR operations can kill their caller."""
    from moto.ecr.models import ECRBackend
    from moto.server import ThreadedMotoServer

    switch = KillSwitch()
    monkeypatch.setattr(
        ECRBackend, "create_repository", switch.wrap("create_repository", ECRBackend.create_repository, True)
    )
    monkeypatch.setattr(
        ECRBackend, "put_lifecycle_policy", switch.wrap("put_lifecycle_policy", ECRBackend.put_lifecycle_policy, False)
    )
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = LocalAws(port=port)
    _reset(endpoint)
    try:
        yield endpoint, switch
    finally:
        _reset(endpoint)
        server.stop()


def _reset(endpoint: LocalAws) -> None:
    request = urllib.request.Request(f"{endpoint.url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def interrupted_apply(workdir: Path, env: Dict[str, str], switch: KillSwitch, operation: str) -> str:
    """``terraform apply`` that the endpoint kills at ``operation``; its output."""
    switch.operation = operation
    switch.fired.clear()
    process = subprocess.Popen(
        [tf.terraform_binary(), "apply", "-input=false", "-no-color", "-auto-approve"],
        cwd=workdir,
        env=tf.environ(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    switch.pgid = process.pid
    try:
        output, _ = process.communicate(timeout=180)
    finally:
        switch.pgid = None
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert switch.fired.is_set(), f"the apply never reached {operation}:\n{output}"
    assert process.returncode == -signal.SIGKILL, f"terraform was not killed:\n{output}"
    assert "Apply complete" not in output
    return output


def _no_terraform_left() -> None:
    children = psutil.Process().children(recursive=True)
    left = []
    for process in children:
        try:
            command = " ".join(process.cmdline())
        except psutil.Error:
            continue
        if "terraform" in process.name() or "cdktf-cli" in command or "/cdktf " in command:
            left.append(process)
    assert not left, f"processes left behind: {[(p.pid, p.name()) for p in left]}"


def test_interrupted_deploys_converge_when_run_again(fault_endpoint, tmp_path: Path) -> None:
    endpoint, switch = fault_endpoint
    state_dir = tmp_path / "state"
    outdir = tmp_path / "cdktf.out"
    synth = synthesize(outdir, state_dir)
    env = rehearse.rehearsal_environ(state_dir, endpoint)
    stacks = ["dev", "prod"]
    rehearse.init_stacks(outdir, stacks, env)
    ecr = aws_client(endpoint, "ecr")
    state_file = {s: state_dir / f"terraform.{s}.tfstate" for s in stacks}

    # -- half-configured: dev dies while attaching its first lifecycle policy.
    interrupted_apply(outdir / "stacks" / "dev", env, switch, "put_lifecycle_policy")
    dev_names = sorted(repository_addresses(synth["dev"]))
    assert sorted(r["repositoryName"] for r in ecr.describe_repositories()["repositories"]) == dev_names
    bare = [name for name in dev_names if not _has_lifecycle_policy(ecr, name)]
    assert bare, "the kill left no repository without its lifecycle policy; the scenario did not happen"

    # -- orphaned: prod dies inside CreateRepository, after the endpoint made the repository.
    interrupted_apply(outdir / "stacks" / "prod", env, switch, "create_repository")
    prod_addresses = repository_addresses(synth["prod"])
    recorded = state_resources(state_file["prod"])
    orphans = [n for n, a in prod_addresses.items() if a not in recorded and _exists(ecr, n)]
    assert orphans, "the kill did not leave an unrecorded repository; the scenario did not happen"
    assert "aws_kms_key.ecr_key" in recorded, "the key was created before any repository"

    # A plain re-run fails on the orphan, and says which stack and why.
    with pytest.raises(rehearse.RehearsalError) as failed:
        rehearse.deploy_stacks(outdir, ["prod"], env, tmp_path / "outputs.json")
    assert "failed in stack(s): prod" in str(failed.value)
    assert "RepositoryAlreadyExistsException" in str(failed.value)
    _no_terraform_left()

    # -- the re-run the rehearsal does after an interrupted deploy.
    outputs = rehearse.deploy_stacks(outdir, stacks, env, tmp_path / "outputs.json", adopt=True)
    _no_terraform_left()

    # Exactly the intended state.
    expected_names = sorted(n for s in stacks for n in repository_addresses(synth[s]))
    described = ecr.describe_repositories()["repositories"]
    assert sorted(r["repositoryName"] for r in described) == expected_names, "duplicate or orphaned repository"
    kms = aws_client(endpoint, "kms")
    customer_keys = [
        k["KeyId"] for k in kms.list_keys()["Keys"]
        if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    ]
    prod_key = kms.describe_key(KeyId="alias/prod-ecr")["KeyMetadata"]
    assert customer_keys == [prod_key["KeyId"]], "duplicate KMS key"
    for repository in described:
        name = repository["repositoryName"]
        ecr.get_lifecycle_policy(repositoryName=name)  # raises if missing
        if name.startswith("prod/"):
            assert repository["encryptionConfiguration"]["kmsKey"] == prod_key["Arn"]
            assert "AllowPush" in ecr.get_repository_policy(repositoryName=name)["policyText"]
    reported = sorted(v for s in stacks for k, v in outputs[s].items() if k.endswith("_name"))
    assert reported == expected_names
    scanning = ecr.get_registry_scanning_configuration()["scanningConfiguration"]
    rules = [
        {"scan_frequency": r["scanFrequency"], "repository_filter": [{"filter": f["filter"]} for f in r["repositoryFilters"]]}
        for r in scanning["rules"]
    ]
    # prod writes the registry's one configuration, covering every environment of the app.
    for name in (n for s in synth for n in repository_addresses(synth[s])):
        assert scanned_as(rules, name) is not None, name

    # Every declared resource recorded exactly once, nothing else.
    for stack in stacks:
        declared = {f"{rtype}.{name}" for rtype, items in synth[stack]["resource"].items() for name in items}
        recorded = state_resources(state_file[stack])
        assert set(recorded) == declared, stack
        assert all(len(instances) == 1 for instances in recorded.values()), stack

    # No KMS key outside the state; and a key that is would be reported.
    assert rehearse.unrecorded_keys(env, state_file.values()) == []
    stray = kms.create_key(Description="left by an interrupted CreateKey")["KeyMetadata"]["KeyId"]
    assert rehearse.unrecorded_keys(env, state_file.values()) == [stray]
    kms.schedule_key_deletion(KeyId=stray, PendingWindowInDays=7)

    plans = parallel({s: (lambda s=s: plan(outdir / "stacks" / s, env)) for s in stacks})
    for stack, result in plans.items():
        assert result.returncode == 0, f"{stack} did not converge:\n{result.output}"


def _exists(ecr, name: str) -> bool:
    try:
        ecr.describe_repositories(repositoryNames=[name])
    except ecr.exceptions.RepositoryNotFoundException:
        return False
    return True


def _has_lifecycle_policy(ecr, name: str) -> bool:
    try:
        ecr.get_lifecycle_policy(repositoryName=name)
    except ecr.exceptions.LifecyclePolicyNotFoundException:
        return False
    return True
