"""``python -m cdktf_aws_ecr.adopt`` as a user runs it: a fresh interpreter against a local
endpoint (a moto server of this module's own), reading what boto3 created.

Each test reads GIVEN / WHEN / THEN. What the generated code does to a registry under
``terraform plan`` and ``apply`` is in ``tests/e2e/test_adoption.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import boto3
import pytest

from devtools.local_aws import LocalAws

REPO_ROOT = Path(__file__).resolve().parents[1]
REGION = "eu-west-2"
#: The jsii runtime and the packages built on it: none may load for the generator.
JSII_PACKAGES = {"jsii", "cdktf", "constructs", "cdktf_cdktf_provider_aws"}
NAMES = ("alpha/api", "alpha/web", "beta/job")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    with LocalAws(log_path=tmp_path_factory.mktemp("adopt-moto") / "moto.log") as server:
        ecr = boto3.client("ecr", endpoint_url=server.url, region_name=REGION,
                           aws_access_key_id="test", aws_secret_access_key="test")
        for name in NAMES:
            ecr.create_repository(repositoryName=name, imageTagMutability="MUTABLE")
        ecr.put_lifecycle_policy(repositoryName="alpha/api", lifecyclePolicyText=json.dumps({"rules": [
            {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                              "countNumber": 50}, "action": {"type": "expire"}}]}))
        # A number the library's checks would hand to jsii, were it not caught first.
        ecr.put_lifecycle_policy(repositoryName="beta/job", lifecyclePolicyText=json.dumps({"rules": [
            {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                              "countNumber": 5.0}, "action": {"type": "expire"}}]}))
        yield server


def run(endpoint: LocalAws, *args: str, importtime: bool = False,
        env: Dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, *(["-X", "importtime"] if importtime else []),
               "-m", "cdktf_aws_ecr.adopt", *args]
    environ = {**endpoint.environ(REGION), "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}",
               **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, env=environ, cwd=REPO_ROOT,
                          timeout=300)


def imported(stderr: str) -> set:
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_help_starts_no_jsii(endpoint: LocalAws) -> None:
    result = run(endpoint, "--help", importtime=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m cdktf_aws_ecr.adopt ")
    assert imported(result.stderr) & JSII_PACKAGES == set()


def test_a_run_writes_the_module_says_the_changes_and_starts_no_jsii(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    # WHEN the generator reads the registry (AWS_ENDPOINT_URL points at the local endpoint)
    report = tmp_path / "report.json"
    result = run(endpoint, "--report", str(report), importtime=True)
    # THEN it succeeds without the jsii runtime, and prints a module that compiles
    assert result.returncode == 0, result.stderr
    assert imported(result.stderr) & JSII_PACKAGES == set()
    compile(result.stdout, "adopted.py", "exec")
    for name in NAMES:
        assert f'repositories["{name}"] = ecr.Repository(' in result.stdout
    # AND stderr shows progress, then what the first apply changes
    lines = [line for line in result.stderr.splitlines() if line.startswith("adopt: ")]
    assert lines[0] == f"adopt: 3 repositories to read in 123456789012/{REGION}"
    assert "adopt: read 3/3 repositories" in "\n".join(lines)
    assert "adopt: the first apply changes (7):" in lines
    assert "beta/job: its lifecycle policy stays as it is, managed by nothing: the library " \
           "refuses it: 5.0 is not written as a whole number" in result.stderr
    assert "  alpha/web: image_tag_mutability MUTABLE -> IMMUTABLE: pushing a tag that exists " \
           "fails from then on" in result.stderr
    # AND the report lists the same changes, by resource and action
    changes: List[Dict[str, Any]] = json.loads(report.read_text())["changes"]
    assert sorted((c["subject"], c["resource"], c["action"]) for c in changes) == sorted(
        [(name, "aws_ecr_repository", "update") for name in NAMES] * 2
        + [("alpha/web", "aws_ecr_lifecycle_policy", "create")]
    )


def test_prefixes_and_output_file(endpoint: LocalAws, tmp_path: Path) -> None:
    output = tmp_path / "adopted.py"
    result = run(endpoint, "--prefix", "alpha/", "--as-is", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    source = output.read_text()
    assert '"alpha/api"' in source and '"alpha/web"' in source and '"beta/job"' not in source
    assert "adopt: the first apply changes nothing: it only imports" in result.stderr


@pytest.fixture
def refusing_endpoint() -> Iterator[str]:
    """An endpoint that answers every call with HTTP 501 (which boto3 does not retry)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_what_it_cannot_read_fails_clearly(endpoint: LocalAws, refusing_endpoint: str) -> None:
    for args, env, message in (
        ((), {"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_CONFIG_FILE": os.devnull},
         "adopt: no region: pass --region, or set AWS_DEFAULT_REGION\n"),
        (("--region", REGION), {"AWS_ENDPOINT_URL": refusing_endpoint},
         f"adopt: cannot read the registry in {REGION}: An error occurred (501) when calling "
         "the DescribeRegistry operation"),
    ):
        result = run(endpoint, *args, env=env)
        assert result.returncode == 1
        assert result.stderr.startswith(message), result.stderr
        assert result.stdout == ""


def test_without_boto3_it_says_which_extra_to_install(endpoint: LocalAws) -> None:
    script = ("import sys; sys.modules['boto3'] = None\n"
              "from cdktf_aws_ecr.adopt.cli import main\n"
              "sys.exit(main(['--region', 'eu-west-2']))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "lib")}, timeout=60)
    assert result.returncode == 1
    assert "pip install 'cdktf-aws-ecr[preview]'" in result.stderr


@pytest.mark.long_running
def test_a_thousand_repositories_in_one_run(tmp_path: Path) -> None:
    # GIVEN a registry of 1,000 repositories with policies and tags (devtools.bench_adopt's)
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    from devtools.bench_adopt import REGION as FLEET_REGION, make_registry

    with LocalAws(log_path=tmp_path / "moto.log") as server:
        make_registry(server, 1000)
        # WHEN the generator reads it
        output = tmp_path / "adopted.py"
        result = subprocess.run(
            [sys.executable, "-m", "cdktf_aws_ecr.adopt", "--output", str(output)],
            capture_output=True, text=True, timeout=900, cwd=REPO_ROOT,
            env={**server.environ(FLEET_REGION), "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}"},
        )
    # THEN it adopts every one, reporting progress in tenths on stderr
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("adopt: read ")]
    assert [line.split()[2] for line in progress] == [f"{n}/1000" for n in range(100, 1001, 100)]
    assert f"adopt: 1000 repositories of 123456789012 in {FLEET_REGION} adopted" in result.stderr
    source = output.read_text()
    assert source.count("= ecr.Repository(") == 1000
    # AND the module synthesizes: 1,000 repositories, each imported with its two policies
    namespace: Dict[str, Any] = {}
    exec(compile(source, "adopted.py", "exec"), namespace)
    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "fleet")
    AwsProvider(stack, "aws", region=FLEET_REGION)
    assert len(namespace["declare_registry"](stack)) == 1000
    app.synth()
    synthesized = json.loads((tmp_path / "out" / "stacks" / "fleet" / "cdk.tf.json").read_text())
    assert len(synthesized["import"]) == 3000
