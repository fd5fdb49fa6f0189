"""Registry scanning against the local endpoint: partial deploys, registries shared
across apps and states, and a thousand repositories.

Each scenario uses a region of its own on the shared endpoint, so registries
(one configuration per account and region) never meet. Coverage is judged
with the independent matcher of ``tests/test_scanning_scale.py`` on the
configuration read back through boto3.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from test_scanning_scale import build, fleet, scanned_as

from cdktf_aws_ecr import RegistryScanning, Repository, ScanFrequency, ScanningCoverageWarning
from devtools.local_aws import LocalAws

from .conftest import Plan, plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]


class Registry:
    """Stacks deployed to one region of the endpoint, each with its own state."""

    def __init__(self, endpoint: LocalAws, root: Path, region: str) -> None:
        self.root, self.region = root, region
        self.env = endpoint.environ(region)
        self.ecr = boto3.client("ecr", region_name=region, endpoint_url=endpoint.url,
                                aws_access_key_id="test", aws_secret_access_key="test")
        self.synths = 0

    def synth(self, build_app: Callable[[App, Callable[[TerraformStack], None]], None]) -> Path:
        """Synthesize an app built by ``build_app(app, prepare)``; ``prepare(stack)`` gives a
        stack its provider and state file. Returns the app's outdir."""
        self.synths += 1
        outdir = self.root / f"synth{self.synths}"
        app = App(outdir=str(outdir))

        def prepare(stack: TerraformStack) -> None:
            AwsProvider(stack, "aws", region=self.region)
            LocalBackend(stack, path=str(self.root / f"{stack.node.id}.tfstate"))

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ScanningCoverageWarning)
            build_app(app, prepare)
            app.synth()
        return outdir

    def apply(self, outdir: Path, stack: str) -> None:
        directory = outdir / "stacks" / stack
        terraform(directory, ["init", "-input=false", "-no-color"], self.env)
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], self.env)
        assert result.returncode == 0, result.stdout + result.stderr

    def plan(self, outdir: Path, stack: str) -> Plan:
        directory = outdir / "stacks" / stack
        terraform(directory, ["init", "-input=false", "-no-color"], self.env)
        return plan(directory, self.env, with_json=True)

    def rules(self) -> List[Dict[str, Any]]:
        """The registry's scanning rules, read back, in the Terraform JSON shape."""
        configuration = self.ecr.get_registry_scanning_configuration()["scanningConfiguration"]
        return [
            {"scan_frequency": rule["scanFrequency"],
             "repository_filter": [{"filter": f["filter"]} for f in rule["repositoryFilters"]]}
            for rule in configuration["rules"]
        ]


def _changes(result: Plan) -> Dict[str, List[str]]:
    assert result.json is not None
    return {
        change["address"]: change["change"]["actions"]
        for change in result.json.get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    }


def test_a_member_stack_deployed_alone_never_leaves_a_new_repository_unscanned(
    e2e_endpoint: LocalAws, tmp_path: Path
) -> None:
    registry = Registry(e2e_endpoint, tmp_path, "ap-south-1")

    def app(with_billing: bool) -> Callable[[App, Callable[[TerraformStack], None]], None]:
        def build_app(app: App, prepare: Callable[[TerraformStack], None]) -> None:
            prod, dev = TerraformStack(app, "prod"), TerraformStack(app, "dev")
            prepare(prod)
            prepare(dev)
            owner = RegistryScanning(prod)
            owner.include(dev)
            owner.add_rule("dev/*", ScanFrequency.SCAN_ON_PUSH)
            Repository(prod, "api", name="prod/api", enhanced_scanning=True)
            Repository(dev, "api", name="dev/api")
            if with_billing:
                Repository(dev, "billing", name="dev/billing")
        return build_app

    # GIVEN prod (owner, ENHANCED) and dev (included) deployed, prod first
    first = registry.synth(app(with_billing=False))
    registry.apply(first, "prod")
    registry.apply(first, "dev")
    # WHEN dev adds a repository and only dev is deployed
    second = registry.synth(app(with_billing=True))
    dev_plan = registry.plan(second, "dev")
    assert _changes(dev_plan) == {
        "aws_ecr_repository.dev--billing": ["create"],
        "aws_ecr_lifecycle_policy.dev--billing": ["create"],
    }
    registry.apply(second, "dev")
    # THEN the registry, untouched, already scans it on push (through the "dev/*" rule)
    rules = registry.rules()
    assert scanned_as(rules, "dev/billing") == "SCAN_ON_PUSH"
    assert scanned_as(rules, "prod/api") == "CONTINUOUS_SCAN"
    # AND prod has nothing to change for it
    prod_plan = registry.plan(second, "prod")
    assert prod_plan.returncode == 0, prod_plan.output


def test_a_platform_registry_covers_team_stacks_in_other_states(
    e2e_endpoint: LocalAws, tmp_path: Path
) -> None:
    registry = Registry(e2e_endpoint, tmp_path, "sa-east-1")

    def platform(app: App, prepare: Callable[[TerraformStack], None]) -> None:
        stack = TerraformStack(app, "registry")
        prepare(stack)
        RegistryScanning(stack).add_rule("*", "SCAN_ON_PUSH").add_rule("payments/*", "CONTINUOUS_SCAN")

    def team(app: App, prepare: Callable[[TerraformStack], None]) -> None:
        stack = TerraformStack(app, "payments")
        prepare(stack)
        RegistryScanning.managed_elsewhere(stack)
        build(stack, {"payments/api": (True, "CONTINUOUS_SCAN"), "tools/lint": (True, None)})

    # GIVEN the platform team's registry stack, deployed from its own app and state
    registry.apply(registry.synth(platform), "registry")
    # WHEN a team deploys its repositories from another app and state
    team_app = registry.synth(team)
    team_plan = registry.plan(team_app, "payments")
    assert not any("registry_scanning" in address for address in _changes(team_plan))
    registry.apply(team_app, "payments")
    # THEN the platform's rules cover them, and neither state wants to change anything
    rules = registry.rules()
    assert scanned_as(rules, "payments/api") == "CONTINUOUS_SCAN"
    assert scanned_as(rules, "tools/lint") == "SCAN_ON_PUSH"
    assert registry.plan(team_app, "payments").returncode == 0
    assert registry.plan(registry.synth(platform), "registry").returncode == 0


def test_handing_registry_ownership_over_never_resets_the_registry_to_basic(
    e2e_endpoint: LocalAws, tmp_path: Path
) -> None:
    registry = Registry(e2e_endpoint, tmp_path, "eu-south-1")

    def app(step: int) -> Callable[[App, Callable[[TerraformStack], None]], None]:
        def build_app(app: App, prepare: Callable[[TerraformStack], None]) -> None:
            dev = TerraformStack(app, "dev")
            prepare(dev)
            Repository(dev, "api", name="dev/api", enhanced_scanning=True)
            if step == 2:  # prod arrives, owns the registry and includes dev
                prod = TerraformStack(app, "prod")
                prepare(prod)
                Repository(prod, "api", name="prod/api", enhanced_scanning=True)
                RegistryScanning(prod, "Scanning").include(dev)
                RegistryScanning.of(prod).add_rule("dev/*", ScanFrequency.CONTINUOUS_SCAN)
        return build_app

    # GIVEN dev deployed alone: its own (implicit) owner wrote the scanning configuration
    registry.apply(registry.synth(app(1)), "dev")
    assert scanned_as(registry.rules(), "dev/api") == "CONTINUOUS_SCAN"
    # WHEN prod takes the registry over and deploys first, then dev deploys
    second = registry.synth(app(2))
    dev_plan = registry.plan(second, "dev")
    # THEN dev's state forgets the configuration instead of deleting it (a delete sets the
    # registry to BASIC for everyone), and prod's configuration stays in force
    assert _changes(dev_plan) == {"aws_ecr_registry_scanning_configuration.registry_scanning": ["forget"]}
    registry.apply(second, "prod")
    registry.apply(second, "dev")
    rules = registry.rules()
    assert scanned_as(rules, "prod/api") == scanned_as(rules, "dev/api") == "CONTINUOUS_SCAN"
    assert registry.plan(second, "prod").returncode == 0


_ALREADY_EXISTS = re.compile(r"creating ECR Repository \(([^)]+)\).*RepositoryAlreadyExistsException")


@pytest.mark.long_running
def test_a_thousand_repositories_apply_and_the_second_plan_is_empty(
    e2e_endpoint: LocalAws, tmp_path: Path
) -> None:
    registry = Registry(e2e_endpoint, tmp_path, "ap-northeast-1")
    requests = fleet(1000, namespaced=True)

    def app(app: App, prepare: Callable[[TerraformStack], None]) -> None:
        stack = TerraformStack(app, "fleet")
        prepare(stack)
        build(stack, requests)

    outdir = registry.synth(app)
    directory = outdir / "stacks" / "fleet"
    terraform(directory, ["init", "-input=false", "-no-color"], registry.env)
    result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], registry.env)
    for _ in range(4):
        if result.returncode == 0:
            break
        # moto's development web server sometimes drops a kept-alive connection after it has
        # created a repository; the SDK then retries, and the retry is told the repository
        # exists. Adopt exactly those, then apply the rest: AWS does not do this.
        doubled = sorted(set(_ALREADY_EXISTS.findall(" ".join(result.stderr.split()))))
        assert doubled and len(doubled) < 20, result.stderr[-3000:]
        for name in doubled:
            address = f"aws_ecr_repository.{name.replace('/', '--')}"
            terraform(directory, ["import", "-input=false", "-no-color", address, name], registry.env)
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], registry.env)
    assert result.returncode == 0, result.stderr[-3000:]
    second = plan(directory, registry.env)
    assert second.returncode == 0, second.output[-3000:]
    names = {
        r["repositoryName"]
        for page in registry.ecr.get_paginator("describe_repositories").paginate()
        for r in page["repositories"]
    }
    assert names == set(requests)
    rules = registry.rules()
    for name, (scan_on_push, frequency) in requests.items():
        if frequency == "CONTINUOUS_SCAN":
            assert scanned_as(rules, name) == "CONTINUOUS_SCAN", name
        elif frequency or scan_on_push:
            assert scanned_as(rules, name) is not None, name
