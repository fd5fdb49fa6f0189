"""Registry scanning at fleet scale, through the constructs: hundreds to thousands of
repositories in one registry, several stacks, other apps, partial deploys.

Coverage is verified with a matcher written here from AWS's documented rules
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html),
independently of the library's: a filter without ``*`` matches names that
contain it, one with ``*`` matches whole names; a repository matched by both
rules is scanned continuously; under ENHANCED a repository matched by no rule
is not scanned.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from cdktf import App, TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import only, resources_of, synth_json

from cdktf_aws_ecr import RegistryScanning, Repository, ScanFrequency, ScanningCoverageWarning

CONFIG = "aws_ecr_registry_scanning_configuration"
FILTER_SYNTAX = re.compile(r"[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*")
#: A repository's request: (scan_on_push, enhanced frequency or None).
Request = Tuple[bool, Optional[str]]


def aws_matches(filter: str, name: str) -> bool:
    if "*" not in filter:
        return filter in name
    return re.fullmatch(".*".join(re.escape(part) for part in filter.split("*")), name) is not None


def scanned_as(rules: List[Dict[str, Any]], name: str) -> Optional[str]:
    """How AWS scans ``name`` under these rules: CONTINUOUS_SCAN wins over SCAN_ON_PUSH."""
    frequencies = {
        rule["scan_frequency"]
        for rule in rules
        if any(aws_matches(f["filter"], name) for f in rule["repository_filter"])
    }
    for frequency in ("CONTINUOUS_SCAN", "SCAN_ON_PUSH"):
        if frequency in frequencies:
            return frequency
    return None


def assert_every_requester_is_covered(rules: List[Dict[str, Any]], requests: Dict[str, Request]) -> None:
    assert 1 <= len(rules) <= 2
    for rule in rules:
        assert 1 <= len(rule["repository_filter"]) <= 100, rule["scan_frequency"]
        for f in rule["repository_filter"]:
            assert f["filter_type"] == "WILDCARD" and FILTER_SYNTAX.fullmatch(f["filter"]), f
    for name, (scan_on_push, frequency) in requests.items():
        got = scanned_as(rules, name)
        if frequency == "CONTINUOUS_SCAN":
            assert got == "CONTINUOUS_SCAN", name
        elif frequency == "SCAN_ON_PUSH" or scan_on_push:
            assert got in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN"), name


def fleet(count: int, namespaced: bool) -> Dict[str, Request]:
    """A mix: a third without scan_on_push, a tenth enhanced (half of those on push)."""
    requests: Dict[str, Request] = {}
    for i in range(count):
        name = f"team{i % 40:02d}/svc-{i:05d}" if namespaced else f"svc-{i:05d}"
        enhanced = "SCAN_ON_PUSH" if i % 20 == 0 else "CONTINUOUS_SCAN" if i % 10 == 0 else None
        requests[name] = (i % 3 != 0, enhanced)
    return requests


def build(stack: TerraformStack, requests: Dict[str, Request]) -> None:
    for i, (name, (scan_on_push, frequency)) in enumerate(requests.items()):
        Repository(stack, f"r{i}", name=name, scan_on_push=scan_on_push,
                   enhanced_scanning=frequency is not None,
                   enhanced_scan_frequency=frequency or "CONTINUOUS_SCAN",
                   enable_lifecycle_policy=False)


def rules_of(stack: TerraformStack) -> List[Dict[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScanningCoverageWarning)
        return only(resources_of(synth_json(stack), CONFIG))["rule"]


@pytest.mark.parametrize(
    "count, namespaced",
    [(1000, True), (1000, False),
     pytest.param(5000, True, marks=pytest.mark.long_running)],  # ~30 s of construct building
    ids=["1000-namespaced", "1000-flat", "5000-namespaced"],
)
def test_a_fleet_synthesizes_within_aws_limits_and_every_requester_is_covered(
    stack: TerraformStack, count: int, namespaced: bool
) -> None:
    requests = fleet(count, namespaced)
    build(stack, requests)
    rules = rules_of(stack)
    assert_every_requester_is_covered(rules, requests)
    # AND what the owner reports as over-covered is what AWS's matching says
    owner = RegistryScanning.of(stack)
    expected = {
        name for name, (push, frequency) in requests.items()
        if (got := scanned_as(rules, name)) is not None
        and (frequency is None and not push or frequency != "CONTINUOUS_SCAN" and got == "CONTINUOUS_SCAN")
    }
    assert {o.repository for o in owner.over_covered} == expected


def test_three_environments_of_sixty_services_in_one_registry(app: App) -> None:
    # GIVEN prod owns one registry shared with dev and stage, 60 services each, prod enhanced
    stacks = {}
    for environment in ("dev", "stage", "prod"):
        stacks[environment] = TerraformStack(app, environment)
        AwsProvider(stacks[environment], "aws", region="us-east-1", allowed_account_ids=["123456789012"])
    owner = RegistryScanning(stacks["prod"])
    for member in ("dev", "stage"):
        owner.include(stacks[member])
        owner.add_rule(f"{member}/*", ScanFrequency.SCAN_ON_PUSH)
    requests: Dict[str, Request] = {}
    for environment, stack in stacks.items():
        for i in range(60):
            name = f"{environment}/service-{i:02d}"
            requests[name] = (True, "CONTINUOUS_SCAN" if environment == "prod" else None)
            Repository(stack, f"s{i}", name=name, enhanced_scanning=environment == "prod",
                       enable_lifecycle_policy=False)
    # THEN one configuration covers all 180 within AWS's limits, with no over-coverage
    rules = rules_of(stacks["prod"])
    assert_every_requester_is_covered(rules, requests)
    assert {r["scan_frequency"]: len(r["repository_filter"]) for r in rules} == {
        "CONTINUOUS_SCAN": 60, "SCAN_ON_PUSH": 2}
    assert owner.over_covered == ()


def test_five_hundred_repositories_fifty_enhanced(stack: TerraformStack) -> None:
    requests = {f"app-{i:03d}": (True, "CONTINUOUS_SCAN" if i % 10 == 0 else None) for i in range(500)}
    build(stack, requests)
    rules = rules_of(stack)
    assert_every_requester_is_covered(rules, requests)
    assert RegistryScanning.of(stack).over_covered == ()


@pytest.mark.terraform
def test_a_thousand_repositories_pass_terraform_validate(stack: TerraformStack, terraform_available: str) -> None:
    build(stack, fleet(1000, namespaced=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScanningCoverageWarning)
        assert Testing.to_be_valid_terraform(Testing.full_synth(stack))


# --------------------------------------------------------------------------- other apps and states


def test_a_registry_managed_elsewhere_gets_no_configuration_from_this_app(app: App) -> None:
    # GIVEN a team stack whose registry's scanning belongs to the platform team's app
    team = TerraformStack(app, "team")
    AwsProvider(team, "aws", region="us-east-1")
    owner = RegistryScanning.managed_elsewhere(team)
    # WHEN its repositories ask for enhanced and basic scanning
    Repository(team, "api", name="payments/api", enhanced_scanning=True)
    Repository(team, "web", name="payments/web")
    # THEN the stack writes no configuration, and the owner shows what the platform must cover
    assert resources_of(synth_json(team), CONFIG) == {}
    assert owner.configuration is None and owner.configured_elsewhere
    assert dict(owner.plan().rules) == {
        ScanFrequency.CONTINUOUS_SCAN: ("payments/api*",), ScanFrequency.SCAN_ON_PUSH: ("payments/web*",)}
    # AND it cannot declare the platform's rules
    with pytest.raises(Exception, match="is declared on an owner managed elsewhere"):
        owner.add_rule("payments/*", "SCAN_ON_PUSH")


def test_a_platform_registry_stack_covers_team_stacks_of_other_apps(tmp_path: Path) -> None:
    # GIVEN the platform team's app: a registry stack with namespace rules, and no repository
    platform_app = App(outdir=str(tmp_path / "platform"))
    platform = TerraformStack(platform_app, "registry")
    AwsProvider(platform, "aws", region="us-east-1")
    RegistryScanning(platform).add_rule("*", "SCAN_ON_PUSH").add_rule("payments/*", "CONTINUOUS_SCAN")
    # AND a team's app, in another state, relying on it
    team_app = App(outdir=str(tmp_path / "team"))
    team = TerraformStack(team_app, "payments")
    AwsProvider(team, "aws", region="us-east-1")
    RegistryScanning.managed_elsewhere(team)
    requests = {"payments/api": (True, "CONTINUOUS_SCAN"), "payments/web": (True, None),
                "tools/lint": (True, None)}
    build(team, requests)
    # THEN only the platform writes the configuration, and it covers every team repository
    rules = only(resources_of(synth_json(platform), CONFIG))["rule"]
    assert resources_of(synth_json(team), CONFIG) == {}
    assert_every_requester_is_covered(rules, requests)
