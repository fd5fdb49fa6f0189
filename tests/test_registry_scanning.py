"""Registry scanning consolidation: one aws_ecr_registry_scanning_configuration per registry.

GIVEN / WHEN / THEN, one fresh app per test (conftest's ``app`` via
``make_stack``). Refusals raise ``ValidationError`` naming the parameter: at
construction (leaving every stack involved exactly as it was) for a bad value,
and at synth for what needs the complete tree (providers, other stacks), so
the order of calls never matters.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Callable, Dict, List, Sequence, Tuple

import pytest
from cdktf import TerraformStack, TerraformVariable, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, AWS_CONSTRAINT, only, resources_of, synth_error, synth_json
from constructs import Construct

from cdktf_aws_ecr import (
    Registry,
    RegistryLocation,
    RegistryScanning,
    RemovedRepository,
    Repository,
    ScanFrequency,
    ScanningCoverageWarning,
    ScanningLossWarning,
    UndeclaredRepositories,
    ValidationError,
)

CONFIG = "aws_ecr_registry_scanning_configuration"
OTHER_ACCOUNT = "210987654321"
MakeStack = Callable[..., TerraformStack]

ONE_OWNER_ALLOWED = [
    "one registry owner per account and region",
    "Registry.of(<owner stack>).include(<other stack>)",
    "AwsProvider(allowed_account_ids=[...], region=...)",
]


def rule(frequency: str, *names: str) -> Dict[str, Any]:
    return {
        "scan_frequency": frequency,
        "repository_filter": [{"filter": n, "filter_type": "WILDCARD"} for n in names],
    }


def configuration(stack: TerraformStack) -> Dict[str, Any]:
    """The stack's single scanning configuration (fails if there are 0 or 2+)."""
    return only(resources_of(synth_json(stack), CONFIG))


def snapshot(*stacks: TerraformStack) -> List[Tuple[List[str], Dict[str, Any]]]:
    return [([c.node.id for c in s.node.children], synth_json(s)) for s in stacks]


def assert_refused(
    build: Callable[[], Any],
    stacks: Sequence[TerraformStack],
    parameter: str,
    fragments: Sequence[str],
) -> ValidationError:
    """``build()`` raises a ValidationError for ``parameter`` with every fragment, changing nothing."""
    before = snapshot(*stacks)
    with pytest.raises(ValidationError) as caught:
        build()
    error = caught.value
    message = str(error)
    assert isinstance(error, ValueError)
    assert error.parameter == parameter, message
    assert f"{parameter}=" in message, message
    assert "; allowed: " in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert snapshot(*stacks) == before
    return error


def assert_synth_refused(
    stack: TerraformStack, parameter: str, fragments: Sequence[str]
) -> ValidationError:
    """Synthesizing ``stack`` raises a ValidationError for ``parameter`` with every fragment."""
    error = synth_error(stack)
    message = str(error)
    assert error.parameter == parameter, message
    assert f"{parameter}=" in message and "; allowed: " in message, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return error


def names_in_rules(stack: TerraformStack) -> Dict[str, List[str]]:
    return {
        r["scan_frequency"]: [f["filter"] for f in r["repository_filter"]]
        for r in configuration(stack)["rule"]
    }


# --------------------------------------------------------------------------- one stack


def test_no_configuration_while_nothing_is_enhanced(stack: TerraformStack) -> None:
    # GIVEN repositories with and without basic scan-on-push, none enhanced
    Repository(stack, "a", name="a-svc", scan_on_push=True)
    Repository(stack, "b", name="b-svc", scan_on_push=False)
    Repository(stack, "c", name="c-svc", enhanced_scan_frequency="SCAN_ON_PUSH")
    # THEN the registry keeps its default BASIC scanning: no configuration at all
    synth = synth_json(stack)
    assert resources_of(synth, CONFIG) == {}
    assert RegistryScanning.of(stack).configuration is None
    assert RegistryScanning.of(stack).enhanced is False


def test_single_enhanced_repository_gives_the_seed_shape(stack: TerraformStack) -> None:
    # GIVEN one repository with enhanced scanning (scan_on_push left at its default True)
    Repository(stack, "repo", name="accounts-service", enhanced_scanning=True)
    # THEN the seed's configuration: one rule, one WILDCARD filter, the name as a prefix (the
    # seed's bare name also matched every repository whose name contains it)
    assert configuration(stack) == {
        "scan_type": "ENHANCED",
        "rule": [rule("CONTINUOUS_SCAN", "accounts-service*")],
    }
    assert RegistryScanning.of(stack).enhanced is True


def test_several_repositories_share_one_configuration_grouped_by_frequency(stack: TerraformStack) -> None:
    # GIVEN, in one stack: a basic scan-on-push repo created BEFORE any enhanced one,
    Repository(stack, "early", name="early", scan_on_push=True)
    # continuous and on-push enhanced repos, and one that wants no scanning at all
    Repository(stack, "api", name="payments/api", enhanced_scanning=True, enhanced_scan_frequency="CONTINUOUS_SCAN")
    Repository(stack, "web", name="payments/web", enhanced_scanning=True, enhanced_scan_frequency="SCAN_ON_PUSH")
    Repository(stack, "off", name="scratch", scan_on_push=False)
    Repository(stack, "worker", name="payments/worker", enhanced_scanning=True)
    Repository(stack, "late", name="late", scan_on_push=True)
    synth = synth_json(stack)

    # THEN the stack holds one configuration with one rule per frequency, filters sorted
    # (so reordering code changes nothing), the basic scan-on-push repos moved into the
    # enhanced SCAN_ON_PUSH rule, "scratch" in none
    assert only(resources_of(synth, CONFIG)) == {
        "scan_type": "ENHANCED",
        "rule": [
            rule("CONTINUOUS_SCAN", "payments/api*", "payments/worker*"),
            rule("SCAN_ON_PUSH", "early*", "late*", "payments/web*"),
        ],
    }
    # AND each repository still carries its own scan_on_push setting
    repositories = {r["name"]: r for r in resources_of(synth, "aws_ecr_repository").values()}
    assert repositories["early"]["image_scanning_configuration"] == {"scan_on_push": True}
    assert repositories["scratch"]["image_scanning_configuration"] == {"scan_on_push": False}


def test_enhanced_repository_without_scan_on_push_is_still_in_its_rule(stack: TerraformStack) -> None:
    Repository(stack, "a", name="a-svc", enhanced_scanning=True, scan_on_push=False,
               enhanced_scan_frequency="SCAN_ON_PUSH")
    Repository(stack, "b", name="b-svc", scan_on_push=False)
    assert names_in_rules(stack) == {"SCAN_ON_PUSH": ["a-svc*"]}


def test_only_continuous_rule_when_no_repository_scans_on_push(stack: TerraformStack) -> None:
    Repository(stack, "a", name="a-svc", enhanced_scanning=True, scan_on_push=False)
    Repository(stack, "b", name="b-svc", enhanced_scanning=True, scan_on_push=True)
    Repository(stack, "c", name="c-svc", scan_on_push=False)
    assert names_in_rules(stack) == {"CONTINUOUS_SCAN": ["a-svc*", "b-svc*"]}


def test_token_name_becomes_a_filter_reference(stack: TerraformStack) -> None:
    name = TerraformVariable(stack, "repository_name", type="string")
    Repository(stack, "repo", name=name.string_value, enhanced_scanning=True)
    assert names_in_rules(stack) == {"CONTINUOUS_SCAN": ["${var.repository_name}"]}


# --------------------------------------------------------------------------- AWS limits


def _many(stack: TerraformStack, count: int, prefix: str, **inputs: Any) -> None:
    for i in range(count):
        Repository(stack, f"{prefix}{i}", name=f"{prefix}-{i:03d}", enable_lifecycle_policy=False, **inputs)


def test_past_a_hundred_filters_the_rule_is_compacted_and_the_compaction_reported(
    stack: TerraformStack,
) -> None:
    # GIVEN 101 continuous repositories in one namespace, next to an unscanned one elsewhere
    _many(stack, 101, "c", enhanced_scanning=True, scan_on_push=False)
    Repository(stack, "quiet", name="quiet", scan_on_push=False)
    # WHEN the stack is synthesized
    with pytest.warns(ScanningCoverageWarning, match=r"wildcard filters \['c-\*'\]") as warned:
        rules = names_in_rules(stack)
    # THEN one wildcard covers them all (AWS allows 100 filters per rule), and nothing else
    assert rules == {"CONTINUOUS_SCAN": ["c-*"]}
    assert "also cover repositories this app does not manage" in str(warned[0].message)
    owner = RegistryScanning.of(stack)
    assert owner.over_covered == ()
    assert owner.wildcard_filters == ((ScanFrequency.CONTINUOUS_SCAN, "c-*"),)


def _interleaved(stack: TerraformStack) -> None:
    """An ENHANCED registry with 101 scan-on-push repositories p-000..p-100, each next to an
    unscanned p-NNN-x: any filter covering two of the former covers two of the latter."""
    Repository(stack, "enhanced", name="enhanced", enhanced_scanning=True, scan_on_push=False)
    _many(stack, 101, "p", scan_on_push=True)
    for i in range(101):
        Repository(stack, f"x{i}", name=f"p-{i:03d}-x", scan_on_push=False, enable_lifecycle_policy=False)


def test_compaction_that_scans_other_repositories_names_them(stack: TerraformStack) -> None:
    # GIVEN repositories that no 100 exact filters can cover alone
    _interleaved(stack)
    with pytest.warns(ScanningCoverageWarning, match=r"scan \d+ repositories of the app more than they "
                      r"asked: repository 'p-\d{3}-x' asked for no scanning") as warned:
        rules = names_in_rules(stack)
    # THEN within AWS's limit every requester is covered, and exactly the unscanned
    # repositories the filters reach (by AWS's matching, checked here independently) are reported
    assert rules["CONTINUOUS_SCAN"] == ["enhanced*"]
    assert len(rules["SCAN_ON_PUSH"]) <= 100

    def matches(filter: str, name: str) -> bool:
        return bool(re.fullmatch(".*".join(map(re.escape, filter.split("*"))), name)) if "*" in filter \
            else filter in name

    for i in range(101):
        assert any(matches(f, f"p-{i:03d}") for f in rules["SCAN_ON_PUSH"])
    reached = {f"p-{i:03d}-x" for i in range(101) if any(matches(f, f"p-{i:03d}-x") for f in rules["SCAN_ON_PUSH"])}
    over = RegistryScanning.of(stack).over_covered
    assert reached and {o.repository for o in over} == reached
    assert all(o.frequency is ScanFrequency.SCAN_ON_PUSH and not o.namespace_rule for o in over)
    assert f"scan {len(reached)} repositories of the app more than they asked" in str(warned[0].message)


def test_over_coverage_can_be_refused_naming_the_cause(stack: TerraformStack) -> None:
    # GIVEN an owner that forbids over-coverage, and the same repositories
    RegistryScanning(stack, allow_over_coverage=False)
    _interleaved(stack)
    # THEN synth refuses, naming the limit, the count and the way out
    assert_synth_refused(
        stack, "allow_over_coverage",
        ["SCAN_ON_PUSH", "100", "add_rule", f"RegistryScanning '{stack.node.path}/EcrRegistryScanning'"],
    )


def test_namespace_rules_cover_repositories_without_filters_of_their_own(stack: TerraformStack) -> None:
    # GIVEN a platform team's namespace rules
    owner = RegistryScanning(stack)
    assert owner.add_rule("*", ScanFrequency.SCAN_ON_PUSH) is owner
    owner.add_rule("payments/*", "CONTINUOUS_SCAN")
    # WHEN repositories ask for what the rules already give, and one asks for more
    Repository(stack, "api", name="payments/api", enhanced_scanning=True)
    Repository(stack, "web", name="web", scan_on_push=True)
    Repository(stack, "audit", name="audit", enhanced_scanning=True)
    # THEN the rules are kept verbatim, and only "audit" needs a filter of its own
    assert names_in_rules(stack) == {
        "CONTINUOUS_SCAN": ["audit*", "payments/*"],
        "SCAN_ON_PUSH": ["*"],
    }
    assert owner.namespace_rules == (("*", ScanFrequency.SCAN_ON_PUSH),
                                     ("payments/*", ScanFrequency.CONTINUOUS_SCAN))


def test_namespace_rules_alone_make_the_registry_enhanced(stack: TerraformStack) -> None:
    RegistryScanning(stack).add_rule("team-*", ScanFrequency.SCAN_ON_PUSH)
    assert configuration(stack) == {"scan_type": "ENHANCED", "rule": [rule("SCAN_ON_PUSH", "team-*")]}


@pytest.mark.parametrize(
    "filter, frequency, parameter, problem",
    [
        ("Payments/*", "SCAN_ON_PUSH", "filter", "is not a valid repository filter"),
        ("a//b", "SCAN_ON_PUSH", "filter", "is not a valid repository filter"),
        ("", "SCAN_ON_PUSH", "filter", "has 0 characters"),
        ("x" * 256, "SCAN_ON_PUSH", "filter", "has 256 characters"),
        ("ok/*", "DAILY", "frequency", "is not allowed"),
        (3, "SCAN_ON_PUSH", "filter", "is an int"),
    ],
)
def test_bad_namespace_rules_are_refused(
    stack: TerraformStack, filter: Any, frequency: Any, parameter: str, problem: str
) -> None:
    owner = RegistryScanning(stack)
    with pytest.raises(ValidationError) as caught:
        owner.add_rule(filter, frequency)
    assert caught.value.parameter == parameter and problem in str(caught.value)
    assert owner.namespace_rules == ()


def test_a_namespace_rule_twice_is_refused(stack: TerraformStack) -> None:
    owner = RegistryScanning(stack).add_rule("dev/*", "SCAN_ON_PUSH")
    with pytest.raises(ValidationError, match="is already a SCAN_ON_PUSH rule"):
        owner.add_rule("dev/*", ScanFrequency.SCAN_ON_PUSH)


# --------------------------------------------------------------------------- several stacks, one app


def test_two_stacks_in_one_region_with_enhanced_scanning_are_refused(make_stack: MakeStack) -> None:
    # GIVEN two stacks whose providers may reach the same registry (same region, account unknown)
    first, second = make_stack("first"), make_stack("second")
    Repository(first, "repo", name="first-svc", enhanced_scanning=True)
    # WHEN the second stack also turns enhanced scanning on
    Repository(second, "repo", name="second-svc", enhanced_scanning=True)
    # THEN synth of either stack fails, naming both stacks, the location and the fix
    for stack, other in ((second, first), (first, second)):
        assert_synth_refused(
            stack, "enhanced_scanning",
            [f"Repository '{stack.node.path}/repo'", f"makes stack '{stack.node.path}'",
             f"and stack '{other.node.path}'", "the credentials' account, region us-east-1",
             "both would write its scanning configuration", *ONE_OWNER_ALLOWED],
        )


def test_enhanced_scanning_next_to_a_stack_relying_on_basic_scanning_is_refused(make_stack: MakeStack) -> None:
    # GIVEN a stack whose repository relies on basic scan-on-push
    basic, enhanced = make_stack("basic"), make_stack("enhanced")
    Repository(basic, "repo", name="basic-svc", scan_on_push=True)
    # WHEN another stack in the same region turns enhanced scanning on
    Repository(enhanced, "repo", name="enhanced-svc", enhanced_scanning=True)
    # THEN it is refused: ENHANCED would silently stop the first stack's basic scans
    assert_synth_refused(
        enhanced, "enhanced_scanning",
        ["enhanced scanning here would switch off the basic scan-on-push that repositories of 'basic' rely on"],
    )
    assert_synth_refused(
        basic, "scan_on_push",
        ["enhanced scanning in 'enhanced' would switch off the basic scan-on-push that repositories here rely on"],
    )


def test_unscanned_repository_next_to_an_enhanced_stack_is_fine(make_stack: MakeStack) -> None:
    enhanced, quiet = make_stack("enhanced"), make_stack("quiet")
    Repository(enhanced, "repo", name="enhanced-svc", enhanced_scanning=True)
    Repository(quiet, "repo", name="quiet-svc", scan_on_push=False)
    assert names_in_rules(enhanced) == {"CONTINUOUS_SCAN": ["enhanced-svc*"]}
    assert resources_of(synth_json(quiet), CONFIG) == {}


def test_after_a_refusal_the_recommended_include_works_after_the_fact(make_stack: MakeStack) -> None:
    # GIVEN a refused app: two stacks of one region both asking for enhanced scanning
    first, second = make_stack("first"), make_stack("second")
    Repository(first, "repo", name="first-svc", enhanced_scanning=True)
    Repository(second, "repo", name="second/svc", enhanced_scanning=True)
    synth_error(second)
    # WHEN the fix the message recommends is applied, after the repositories exist
    RegistryScanning.of(first).include(second)
    RegistryScanning.of(first).add_rule("second/*", "CONTINUOUS_SCAN")
    # THEN the first stack's configuration covers both, and the second writes none
    assert names_in_rules(first) == {"CONTINUOUS_SCAN": ["first-svc*", "second/*"]}
    assert resources_of(synth_json(second), CONFIG) == {}
    assert second.node.try_find_child(RegistryScanning.DEFAULT_ID) is None


@pytest.mark.parametrize(
    "first_provider, second_provider",
    [
        ({"region": "us-east-1"}, {"region": "eu-west-1"}),
        ({"region": "us-east-1", "allowed_account_ids": [ACCOUNT]},
         {"region": "us-east-1", "allowed_account_ids": [OTHER_ACCOUNT]}),
    ],
    ids=["different-regions", "pinned-different-accounts"],
)
def test_stacks_of_distinct_registries_each_own_their_configuration(
    make_stack: MakeStack, first_provider: Dict[str, Any], second_provider: Dict[str, Any]
) -> None:
    # GIVEN two stacks that provably deploy to different registries
    first, second = make_stack("first", **first_provider), make_stack("second", **second_provider)
    # WHEN both turn enhanced scanning on (and one also has a basic scan-on-push repo)
    Repository(first, "repo", name="svc", enhanced_scanning=True)
    Repository(second, "repo", name="svc", enhanced_scanning=True, enhanced_scan_frequency="SCAN_ON_PUSH")
    Repository(second, "basic", name="basic", scan_on_push=True)
    # THEN each writes its own configuration with its own repositories (the same name is fine)
    assert names_in_rules(first) == {"CONTINUOUS_SCAN": ["svc*"]}
    assert names_in_rules(second) == {"SCAN_ON_PUSH": ["basic*", "svc*"]}


@pytest.mark.parametrize(
    "first_provider, second_provider, shown",
    [
        ({"region": "us-east-1", "allowed_account_ids": [ACCOUNT]}, {"region": "us-east-1"},
         f"account {ACCOUNT}, region us-east-1"),
        ({"region": "us-east-1"}, {"region": None}, "the credentials' account, the provider's default region"),
        ({"region": "us-east-1", "allowed_account_ids": [ACCOUNT, OTHER_ACCOUNT]},
         {"region": "us-east-1", "allowed_account_ids": [OTHER_ACCOUNT]}, f"account {OTHER_ACCOUNT}"),
    ],
    ids=["one-account-unknown", "one-region-unknown", "several-allowed-accounts"],
)
def test_stacks_that_may_share_a_registry_are_refused(
    make_stack: MakeStack, first_provider: Dict[str, Any], second_provider: Dict[str, Any], shown: str
) -> None:
    # GIVEN two stacks where an unknown (or not single) account or region may coincide
    first, second = make_stack("first", **first_provider), make_stack("second", **second_provider)
    Repository(first, "repo", name="one", enhanced_scanning=True)
    Repository(second, "repo", name="two", enhanced_scanning=True)
    # THEN the app is refused at synth, showing what is known about each location
    assert_synth_refused(
        second, "enhanced_scanning", ["of what may be one registry", shown, *ONE_OWNER_ALLOWED]
    )


# --------------------------------------------------------------------------- include()


def test_included_stack_reports_to_the_owner(make_stack: MakeStack) -> None:
    # GIVEN an owner created explicitly in "shared" and two environment stacks included in it
    shared, dev, prod = make_stack("shared"), make_stack("dev"), make_stack("prod")
    owner = RegistryScanning(shared)
    owner.include(dev)
    owner.include(prod)
    owner.add_rule("dev/*", "SCAN_ON_PUSH").add_rule("prod/*", "SCAN_ON_PUSH")
    owner.add_rule("prod/api*", "CONTINUOUS_SCAN")
    # WHEN only the included stacks hold repositories
    Repository(dev, "api", name="dev/api", scan_on_push=True)
    Repository(prod, "api", name="prod/api", enhanced_scanning=True)
    Repository(prod, "web", name="prod/web", enhanced_scanning=True, enhanced_scan_frequency="SCAN_ON_PUSH")
    Repository(dev, "tmp", name="dev/tmp", scan_on_push=False)
    # THEN the owner's stack writes the one configuration, with every stack's repositories
    assert configuration(shared) == {
        "scan_type": "ENHANCED",
        "rule": [rule("CONTINUOUS_SCAN", "prod/api*"), rule("SCAN_ON_PUSH", "dev/*", "prod/*")],
    }
    # AND the included stacks write none
    assert resources_of(synth_json(dev), CONFIG) == {}
    assert resources_of(synth_json(prod), CONFIG) == {}
    assert RegistryScanning.of(prod) is owner and RegistryScanning.of(dev) is owner
    # AND the owner's stack, which has no repository, still pins the provider and Terraform versions
    terraform = synth_json(shared)["terraform"]
    assert terraform["required_providers"]["aws"] == {"source": "hashicorp/aws", "version": AWS_CONSTRAINT}
    assert terraform["required_version"] == ">= 1.5.0"


def test_include_from_an_implicit_owner(make_stack: MakeStack) -> None:
    # GIVEN a stack whose first repository created the owner implicitly
    prod, stage = make_stack("prod"), make_stack("stage")
    Repository(prod, "api", name="prod/api", enhanced_scanning=True)
    RegistryScanning.of(prod).include(stage)
    RegistryScanning.of(prod).add_rule("stage/*", "SCAN_ON_PUSH")
    Repository(stage, "api", name="stage/api")
    assert names_in_rules(prod) == {"CONTINUOUS_SCAN": ["prod/api*"], "SCAN_ON_PUSH": ["stage/*"]}
    assert resources_of(synth_json(stage), CONFIG) == {}


def test_repository_name_is_unique_across_included_stacks(make_stack: MakeStack) -> None:
    prod, stage = make_stack("prod"), make_stack("stage")
    RegistryScanning(prod).include(stage)
    Repository(prod, "api", name="api")
    assert_refused(
        lambda: Repository(stage, "api", name="api"),
        [prod, stage], "name",
        ["is already used by Repository 'prod/api'", "a name not used by another repository of the same registry"],
    )


def test_repository_name_is_unique_when_the_stacks_are_joined_later(make_stack: MakeStack) -> None:
    # GIVEN two stacks of one region holding the same name, joined by include() afterwards
    prod, stage = make_stack("prod"), make_stack("stage")
    Repository(prod, "api", name="api")
    Repository(stage, "api", name="api")
    RegistryScanning.of(prod).include(stage)
    # THEN synth refuses the second, naming the first
    assert_synth_refused(prod, "name", ["Repository 'stage/api'", "is already used by Repository 'prod/api'"])


def test_token_name_in_an_included_stack_is_refused(make_stack: MakeStack) -> None:
    prod, stage = make_stack("prod"), make_stack("stage")
    RegistryScanning(prod).include(stage)
    name = TerraformVariable(stage, "repository_name", type="string")
    Repository(stage, "api", name=name.string_value)
    assert_synth_refused(
        prod, "name", ["is an unresolved token", "a plain string", "stack 'prod'", "cross-stack reference"],
    )


def test_include_after_the_stack_has_repositories(make_stack: MakeStack) -> None:
    # GIVEN a stack whose repositories already created their own (implicit) owner
    prod, stage = make_stack("prod"), make_stack("stage")
    owner = RegistryScanning(prod)
    Repository(stage, "api", name="stage/api", enhanced_scanning=True)
    Repository(prod, "api", name="prod/api")
    # WHEN the stack is included afterwards (with its namespace covered)
    owner.include(stage)
    owner.add_rule("stage/*", "CONTINUOUS_SCAN")
    # THEN the implicit owner is gone with its configuration, and the owner covers both stacks
    assert stage.node.try_find_child(RegistryScanning.DEFAULT_ID) is None
    assert resources_of(synth_json(stage), CONFIG) == {}
    assert names_in_rules(prod) == {"CONTINUOUS_SCAN": ["stage/*"], "SCAN_ON_PUSH": ["prod/api*"]}
    assert RegistryScanning.of(stage) is owner


def test_an_included_stack_must_be_covered_by_namespace_rules(make_stack: MakeStack) -> None:
    # GIVEN prod owns an ENHANCED registry and includes dev
    prod, dev = make_stack("prod"), make_stack("dev")
    RegistryScanning(prod).include(dev)
    Repository(prod, "api", name="prod/api", enhanced_scanning=True)
    # WHEN dev adds a repository that asks for scanning and no namespace rule covers it
    Repository(dev, "billing", name="dev/billing")
    # THEN synth refuses: deploying dev alone would leave it unscanned until prod deploys
    assert_synth_refused(
        prod, "name",
        ["Repository 'dev/billing'", "asks for scanning (BASIC_SCAN_ON_PUSH) in an ENHANCED registry",
         "deploying 'dev' alone would leave it unscanned",
         ".add_rule('dev/*', ScanFrequency.SCAN_ON_PUSH)"],
    )
    # AND a repository that asks for no scanning needs no rule
    other_prod, other_dev = make_stack("prod2", region="eu-west-1"), make_stack("dev2", region="eu-west-1")
    RegistryScanning(other_prod).include(other_dev)
    Repository(other_prod, "api", name="prod/api", enhanced_scanning=True)
    Repository(other_dev, "tmp", name="dev/tmp", scan_on_push=False)
    assert names_in_rules(other_prod) == {"CONTINUOUS_SCAN": ["prod/api*"]}


def test_include_twice_or_of_the_owners_own_stack_is_refused(make_stack: MakeStack) -> None:
    prod, stage = make_stack("prod"), make_stack("stage")
    owner = RegistryScanning(prod)
    owner.include(stage)
    for target in (stage, prod):
        assert_refused(lambda: owner.include(target), [prod, stage], "stack",
                       ["already reports to RegistryScanning 'prod/EcrRegistryScanning'"])


def test_include_of_a_stack_in_another_region_is_refused(make_stack: MakeStack) -> None:
    prod, europe = make_stack("prod"), make_stack("europe", region="eu-west-1")
    RegistryScanning(prod).include(europe)
    assert_synth_refused(
        prod, "stack",
        ["stack='europe' deploys to the credentials' account, region eu-west-1",
         "a stack that deploys to this owner's registry (the credentials' account, region us-east-1)"],
    )


def test_include_of_a_stack_whose_provider_is_created_later_is_checked(app) -> None:
    # GIVEN an include() of a stack that has no provider yet
    prod = TerraformStack(app, "prod")
    AwsProvider(prod, "aws", region="us-east-1")
    europe = TerraformStack(app, "europe")
    RegistryScanning(prod).include(europe)
    Repository(europe, "api", name="api")
    # WHEN its provider is created afterwards, in a helper construct, in another region
    helper = Construct(europe, "platform")
    AwsProvider(helper, "aws", region="eu-west-1")
    # THEN synth still finds it and refuses the include
    assert_synth_refused(prod, "stack", ["deploys to the credentials' account, region eu-west-1"])


def test_include_of_a_stack_in_another_account_is_refused(make_stack: MakeStack) -> None:
    prod = make_stack("prod", allowed_account_ids=[ACCOUNT])
    other = make_stack("other", allowed_account_ids=[OTHER_ACCOUNT])
    RegistryScanning(prod).include(other)
    assert_synth_refused(prod, "stack", [f"deploys to account {OTHER_ACCOUNT}, region us-east-1"])


def test_include_of_a_stack_of_another_app_is_refused(make_stack: MakeStack) -> None:
    prod = make_stack("prod")
    foreign = TerraformStack(Testing.app(), "foreign")
    AwsProvider(foreign, "aws", region="us-east-1")
    assert_refused(lambda: RegistryScanning(prod).include(foreign), [foreign], "stack",
                   ["belongs to another app", "a stack of the same app"])


# --------------------------------------------------------------------------- explicit owner arguments


@pytest.mark.parametrize(
    "arguments, parameter, allowed",
    [
        ({"account_id": "12345"}, "account_id", "None or a 12-digit AWS account ID"),
        ({"account_id": "12345678901a"}, "account_id", "None or a 12-digit AWS account ID"),
        ({"account_id": int(ACCOUNT)}, "account_id", "None or a 12-digit AWS account ID"),
        ({"account_id": ""}, "account_id", "None or a 12-digit AWS account ID"),
        ({"region": "US-EAST-1"}, "region", "None or an AWS region code such as 'eu-west-1'"),
        ({"region": "useast1"}, "region", "None or an AWS region code"),
        ({"region": ""}, "region", "None or an AWS region code"),
        ({"region": 1}, "region", "None or an AWS region code"),
    ],
)
def test_bad_owner_arguments_are_refused(
    stack: TerraformStack, arguments: Dict[str, Any], parameter: str, allowed: str
) -> None:
    value = arguments[parameter]
    error = assert_refused(
        lambda: RegistryScanning(stack, **arguments), [stack], parameter,
        [f"RegistryScanning '{stack.node.path}/EcrRegistryScanning': {parameter}={value!r} is not allowed",
         allowed],
    )
    assert error.value == value
    # AND the stack can still get its owner afterwards
    assert RegistryScanning(stack, account_id=ACCOUNT, region="us-east-1").location == RegistryLocation(
        ACCOUNT, "us-east-1"
    )


def test_owner_created_after_the_first_repository_takes_over(stack: TerraformStack) -> None:
    # GIVEN a repository whose stack got an implicit owner
    Repository(stack, "repo", name="svc", enhanced_scanning=True)
    # WHEN the owner is created explicitly afterwards
    owner = RegistryScanning(stack, "Explicit", account_id=ACCOUNT)
    # THEN it replaces the implicit one, with its repositories
    assert RegistryScanning.of(stack) is owner
    assert stack.node.try_find_child(RegistryScanning.DEFAULT_ID) is None
    assert list(resources_of(synth_json(stack), CONFIG)) == ["registry_scanning"]
    assert names_in_rules(stack) == {"CONTINUOUS_SCAN": ["svc*"]}


def test_a_second_explicit_owner_for_one_stack_is_refused(stack: TerraformStack) -> None:
    RegistryScanning(stack)
    assert_refused(
        lambda: RegistryScanning(stack, "Second"), [stack], "scope",
        [f"already reports to RegistryScanning '{stack.node.path}/EcrRegistryScanning'",
         "a stack (and provider) with no explicit registry owner yet"],
    )


@pytest.mark.parametrize(
    "arguments, parameter, known",
    [({"region": "eu-west-1"}, "region", "us-east-1"),
     ({"account_id": OTHER_ACCOUNT}, "account_id", ACCOUNT)],
)
def test_owner_arguments_that_contradict_the_provider_are_refused(
    make_stack: MakeStack, arguments: Dict[str, Any], parameter: str, known: str
) -> None:
    stack = make_stack(allowed_account_ids=[ACCOUNT])
    RegistryScanning(stack, **arguments)
    assert_synth_refused(
        stack, parameter,
        [f"contradicts its provider, which deploys to {known}", f"None or {known!r}"],
    )


def test_explicit_location_overrides_an_unknown_provider(make_stack: MakeStack) -> None:
    # GIVEN two stacks whose providers say nothing, but whose owners state distinct accounts
    first, second = make_stack("first", region=None), make_stack("second", region=None)
    RegistryScanning(first, account_id=ACCOUNT, region="us-east-1")
    RegistryScanning(second, account_id=OTHER_ACCOUNT, region="us-east-1")
    # WHEN both turn enhanced scanning on  THEN both may own their (different) registries
    Repository(first, "repo", name="svc", enhanced_scanning=True)
    Repository(second, "repo", name="svc", enhanced_scanning=True)
    assert names_in_rules(first) == names_in_rules(second) == {"CONTINUOUS_SCAN": ["svc*"]}


def test_owner_location_defaults_to_the_provider(make_stack: MakeStack) -> None:
    pinned = make_stack("pinned", region="eu-central-1", allowed_account_ids=[ACCOUNT])
    unknown = make_stack("unknown", region=None)
    assert RegistryScanning.of(pinned).location == RegistryLocation(ACCOUNT, "eu-central-1")
    assert RegistryScanning.of(unknown).location == RegistryLocation(None, None)
    assert str(RegistryScanning.of(unknown).location) == "the credentials' account, the provider's default region"


def test_an_explicit_owner_with_the_default_id_after_repositories_takes_over(stack: TerraformStack) -> None:
    # GIVEN a repository, whose stack got an implicit owner with the default id
    Repository(stack, "api", name="prod/api", enhanced_scanning=True)
    # WHEN the owner docs/registry.md shows is created afterwards, with that same default id
    owner = RegistryScanning(stack, account_id=ACCOUNT, region="us-east-1")
    # THEN it takes over: one owner, one configuration
    assert RegistryScanning.of(stack) is owner and owner.explicit
    assert names_in_rules(stack) == {"CONTINUOUS_SCAN": ["prod/api*"]}


def test_an_exact_filter_with_a_wildcard_draws_no_coverage_warning(stack: TerraformStack) -> None:
    # GIVEN a name that is part of another repository's name: its exact filter needs a '*'
    Repository(stack, "api", name="payments/api", enhanced_scanning=True)
    Repository(stack, "admin", name="payments/api-admin")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScanningCoverageWarning)
        rules = names_in_rules(stack)
    # THEN nothing was compacted or over-covered, so nothing is reported
    assert rules == {"CONTINUOUS_SCAN": ["payments/ap*i"], "SCAN_ON_PUSH": ["payments/api-admin*"]}
    assert RegistryScanning.of(stack).over_covered == ()


def test_a_stack_managed_elsewhere_cannot_share_a_registry_this_app_configures(make_stack: MakeStack) -> None:
    # GIVEN prod configures a registry, and team declares the same registry managed elsewhere
    prod = make_stack("prod", allowed_account_ids=[ACCOUNT])
    team = make_stack("team", allowed_account_ids=[ACCOUNT])
    RegistryScanning.managed_elsewhere(team)
    Repository(team, "basic", name="team/basic")
    Repository(prod, "api", name="prod/api", enhanced_scanning=True)
    # THEN synth refuses: neither would cover team's repositories
    assert_synth_refused(
        team, "configured_elsewhere",
        ["declares the registry of stack 'team'", "but stack 'prod'", "covered by neither",
         "include the stack instead"],
    )


def test_stacks_that_stop_configuring_their_registry_forget_its_settings(make_stack: MakeStack) -> None:
    # GIVEN dev included in prod's owner, and team managed elsewhere
    prod, dev, team = make_stack("prod"), make_stack("dev"), make_stack("team", region="eu-west-1")
    RegistryScanning(prod).include(dev)
    RegistryScanning.managed_elsewhere(team)
    Repository(dev, "api", name="dev/api", scan_on_push=False)
    Repository(team, "api", name="team/api", scan_on_push=False)
    # THEN both forget (never destroy) the registry settings they may have written before
    forgotten = [
        {"from": f"{kind}.{name}", "lifecycle": {"destroy": False}}
        for kind, name in (("aws_ecr_registry_scanning_configuration", "registry_scanning"),
                           ("aws_ecr_replication_configuration", "registry_replication"),
                           ("aws_ecr_registry_policy", "registry_policy"))
    ]
    for stack in (dev, team):
        synth = synth_json(stack)
        assert synth["removed"] == forgotten
        assert synth["terraform"]["required_version"] == ">= 1.7.0"
    assert "removed" not in synth_json(prod)


def test_owners_sharing_a_stack_are_named_with_their_providers(app) -> None:
    stack = TerraformStack(app, "s")
    AwsProvider(stack, "aws", region="us-east-1")
    other = AwsProvider(stack, "second", region="us-east-1", alias="b")
    Repository(stack, "a", name="svc-a", enhanced_scanning=True)
    Repository(stack, "b", name="svc-b", enhanced_scanning=True, provider=other)
    assert_synth_refused(stack, "enhanced_scanning", ["stack 's' (the credentials' account",
                                                      "stack 's' (provider aws.b,"])


# --------------------------------------------------------------------------- who loses scanning


def synth_warnings(stack: TerraformStack) -> List[str]:
    """The ScanningLossWarning messages of synthesizing ``stack``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Testing.synth(stack)
    return [str(w.message) for w in caught if issubclass(w.category, ScanningLossWarning)]


def test_an_undecided_enhanced_owner_names_who_loses_scanning(make_stack: MakeStack) -> None:
    stack = make_stack()
    # GIVEN one repository asking for continuous scanning, one for none, and no decision
    Repository(stack, "api", name="payments/api", enhanced_scanning=True)
    Repository(stack, "tmp", name="scratch", scan_on_push=False)
    # THEN synth warns once: the registry turns ENHANCED, and everything else goes unscanned
    (message,) = synth_warnings(stack)
    assert "turns ENHANCED" in message
    assert "a repository that no filter matches is not scanned at all" in message
    assert ("every repository of the registry this app does not declare, except those "
            "matching the filters 'payments/api*'") in message
    assert "of this app's, 'scratch' (they ask for none)" in message
    assert "undeclared_repositories=" in message and "UndeclaredRepositories.UNSCANNED" in message
    # AND a BASIC registry (nothing enhanced) warns nothing
    other = make_stack("basic", region="eu-west-1")
    Repository(other, "web", name="web")
    assert synth_warnings(other) == []


@pytest.mark.parametrize(
    ("decision", "rules"),
    [
        (UndeclaredRepositories.SCAN_ON_PUSH, {"CONTINUOUS_SCAN": ["api*"], "SCAN_ON_PUSH": ["*"]}),
        ("CONTINUOUS_SCAN", {"CONTINUOUS_SCAN": ["*"]}),
        (UndeclaredRepositories.UNSCANNED, {"CONTINUOUS_SCAN": ["api*"]}),
    ],
)
def test_a_decided_owner_writes_its_decision_and_warns_nothing(
    stack: TerraformStack, decision: Any, rules: Dict[str, List[str]]
) -> None:
    owner = Registry(stack, undeclared_repositories=decision)
    Repository(stack, "api", name="api", enhanced_scanning=True)
    assert names_in_rules(stack) == rules
    assert synth_warnings(stack) == []
    # The '*' rule counts as a namespace rule: on-push requests need no filter of their own.
    assert owner.plan().coverage == {"api": ScanFrequency.CONTINUOUS_SCAN}


def test_a_decision_alone_does_not_make_the_registry_enhanced(stack: TerraformStack) -> None:
    Registry(stack, undeclared_repositories="SCAN_ON_PUSH")
    Repository(stack, "web", name="web", scan_on_push=True)
    assert resources_of(synth_json(stack), CONFIG) == {}


def test_a_star_namespace_rule_is_a_decision(stack: TerraformStack) -> None:
    Registry(stack).add_rule("*", ScanFrequency.SCAN_ON_PUSH)
    Repository(stack, "api", name="api", enhanced_scanning=True)
    assert synth_warnings(stack) == []


def test_undeclared_repositories_refused(make_stack: MakeStack) -> None:
    stack = make_stack()
    assert_refused(
        lambda: Registry(stack, undeclared_repositories="ALL"), [stack],
        "undeclared_repositories", ["'SCAN_ON_PUSH' or 'CONTINUOUS_SCAN' or 'UNSCANNED'"],
    )
    assert_refused(
        lambda: Registry(stack, configured_elsewhere=True, undeclared_repositories="UNSCANNED"),
        [stack], "undeclared_repositories", ["is declared on an owner managed elsewhere"],
    )
    variable = TerraformVariable(stack, "choice", type="string")
    assert_refused(
        lambda: Registry(stack, undeclared_repositories=variable.string_value), [stack],
        "undeclared_repositories", ["is an unresolved token"],
    )


def test_requests_dropped_by_managed_elsewhere_warn(stack: TerraformStack) -> None:
    Registry.managed_elsewhere(stack)
    Repository(stack, "api", name="payments/api", enhanced_scanning=True)
    Repository(stack, "web", name="web")  # basic scan on push: its own setting, not dropped
    (message,) = synth_warnings(stack)
    assert "is managed elsewhere, so this app writes no scanning configuration" in message
    assert "'payments/api' (CONTINUOUS_SCAN)" in message and "'web'" not in message
    assert "{'CONTINUOUS_SCAN': ['payments/api*']" in message
    assert resources_of(synth_json(stack), CONFIG) == {}


def test_retiring_a_repository_of_an_enhanced_registry_warns(make_stack: MakeStack) -> None:
    # GIVEN an ENHANCED registry, decided to leave undeclared repositories unscanned
    stack = make_stack()
    Registry(stack, undeclared_repositories="UNSCANNED")
    Repository(stack, "api", name="payments/api", enhanced_scanning=True)
    # WHEN a repository is retired (kept in AWS, forgotten by the state)
    RemovedRepository(stack, "old", name="legacy/worker")
    # THEN synth says it is no longer scanned
    (message,) = synth_warnings(stack)
    assert "RemovedRepository" in message and "repository 'legacy/worker' stays in AWS" in message
    assert "not scanned at all" in message
    # AND a namespace rule that still covers it keeps it scanned: no warning
    covered = make_stack(region="eu-west-1")
    Registry(covered, undeclared_repositories="UNSCANNED").add_rule("legacy/*", "SCAN_ON_PUSH")
    Repository(covered, "api", name="payments/api", enhanced_scanning=True)
    RemovedRepository(covered, "old", name="legacy/worker")
    assert synth_warnings(covered) == []


def test_a_continuous_member_request_under_an_on_push_namespace_rule_is_refused(
    make_stack: MakeStack,
) -> None:
    # GIVEN prod owns the registry and covers dev with a scan-on-push namespace rule
    prod, dev = make_stack("prod"), make_stack("dev")
    RegistryScanning(prod).include(dev)
    RegistryScanning.of(prod).add_rule("dev/*", ScanFrequency.SCAN_ON_PUSH)
    # WHEN dev asks for continuous scanning
    Repository(dev, "api", name="dev/api", enhanced_scanning=True, enhanced_scan_frequency="CONTINUOUS_SCAN")
    # THEN deploying dev alone would scan it on push only: refused, naming the frequency
    assert_synth_refused(
        prod, "name",
        ["Repository 'dev/api'", "asks for scanning (CONTINUOUS_SCAN)",
         "would leave it scanned on push only, not continuously",
         ".add_rule('dev/*', ScanFrequency.CONTINUOUS_SCAN)"],
    )


def test_a_duplicate_name_is_blamed_on_the_repository_declared_later(make_stack: MakeStack) -> None:
    # GIVEN two stacks of one registry (one account, one region), each with a repository "api",
    # the first declared in "prod"
    prod = make_stack("prod", allowed_account_ids=["123456789012"])
    stage = make_stack("stage", allowed_account_ids=["123456789012"])
    Repository(prod, "api", name="api")
    Repository(stage, "api", name="api")
    # WHEN either stack is synthesized  THEN the later one is refused, naming the first
    for stack in (prod, stage):
        with pytest.raises(ValidationError) as caught:
            Testing.synth(stack)
        assert caught.value.where == "Repository 'stage/api'"
        assert caught.value.problem == "is already used by Repository 'prod/api', declared before it"
