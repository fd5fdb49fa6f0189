"""Shared fixtures.

The provider bindings are imported once per test process, lean, because
``cdktf_aws_ecr`` is imported here before anything else touches them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Sequence, Tuple

from devtools import terraform as tf  # noqa: E402

# Before any jsii import: the jsii node process copies the environment when it
# starts, and Testing.to_be_valid_terraform runs terraform from there.
os.environ.update(tf.environ())

import pytest  # noqa: E402

import cdktf_aws_ecr  # noqa: E402  (first: lean start of the provider bindings)
from cdktf_aws_ecr.framework import LINE  # noqa: E402
from tests import framework_alias  # noqa: E402

framework_alias.install()  # on the cdktn line, `from cdktf import ...` loads cdktn's modules

from cdktf import App, TerraformStack, Testing  # noqa: E402
from cdktf_cdktf_provider_aws.provider import AwsProvider  # noqa: E402

from devtools.local_aws import LocalAws  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The AWS provider constraint the library writes on the line under test (its bindings' major).
AWS_CONSTRAINT = {5: "~> 5.0", 6: "~> 6.0"}[LINE.aws_provider_major]
REGION = "us-east-1"
ACCOUNT = "123456789012"


def synth_json(stack: TerraformStack) -> Dict[str, Any]:
    """The stack's synthesized Terraform JSON, parsed."""
    return json.loads(Testing.synth(stack))


def synth_error(stack: TerraformStack) -> "cdktf_aws_ecr.ValidationError":
    """The ValidationError that synthesizing ``stack`` raises (fails if it synthesizes)."""
    with pytest.raises(cdktf_aws_ecr.ValidationError) as caught:
        Testing.synth(stack)
    return caught.value


def stack_on_disk(outdir: Path, name: str) -> Tuple[App, TerraformStack]:
    """An app synthesizing into ``outdir`` and a stack of it with a us-east-1 AwsProvider;
    after ``app.synth()`` the stack is in ``outdir / "stacks" / name``."""
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, name)
    AwsProvider(stack, "aws", region=REGION)
    return app, stack


def plans(
    directory: Path, env: Dict[str, str], variable_sets: Sequence[Mapping[str, str]]
) -> List[subprocess.CompletedProcess]:
    """``terraform plan`` of an initialised ``directory`` once per set of ``-var`` values,
    in parallel (no lock, no refresh: nothing is read back)."""

    def plan(variables: Mapping[str, str]) -> subprocess.CompletedProcess:
        arguments = ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"]
        for name, value in variables.items():
            arguments += ["-var", f"{name}={value}"]
        return tf.run(arguments, directory, env, check=False)

    with ThreadPoolExecutor(len(variable_sets)) as pool:
        return list(pool.map(plan, variable_sets))


def resources_of(synth: Dict[str, Any], resource_type: str) -> Dict[str, Any]:
    return synth.get("resource", {}).get(resource_type, {})


def only(resources: Dict[str, Any]) -> Any:
    assert len(resources) == 1, f"expected exactly one, got {list(resources)}"
    return next(iter(resources.values()))


@pytest.fixture
def app() -> App:
    return Testing.app()


@pytest.fixture
def make_stack(app: App) -> Callable[..., TerraformStack]:
    """Build a stack holding only an AwsProvider (region us-east-1 by default)."""
    counter = iter(range(1_000_000))

    def make(name: str = "", region: str = REGION, **provider: Any) -> TerraformStack:
        stack = TerraformStack(app, name or f"stack{next(counter)}")
        AwsProvider(stack, "aws", region=region, **provider)
        return stack

    return make


@pytest.fixture
def stack(make_stack: Callable[..., TerraformStack]) -> TerraformStack:
    return make_stack()


@pytest.fixture(scope="session")
def terraform_available() -> str:
    path = shutil.which("terraform")
    if path is None:
        pytest.fail("terraform is not on PATH; the suite needs the real CLI")
    return path


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAws]:
    """One moto server on 127.0.0.1 for the whole session."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with LocalAws(log_path=log) as server:
        yield server
