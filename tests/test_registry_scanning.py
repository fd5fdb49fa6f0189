"""Registry scanning consolidation: one aws_ecr_registry_scanning_configuration per registry.

GIVEN / WHEN / THEN, one fresh app per test (conftest's ``app`` via
``make_stack``). Refusals must raise ``ValidationError`` naming the parameter
and leave every stack involved exactly as it was.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence, Tuple

import pytest
from cdktf import TerraformStack, TerraformVariable, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import RegistryLocation, RegistryScanning, Repository, ValidationError
from conftest import ACCOUNT, only, resources_of, synth_json

CONFIG = "aws_ecr_registry_scanning_configuration"
OTHER_ACCOUNT = "210987654321"
MakeStack = Callable[..., TerraformStack]

ONE_OWNER_ALLOWED = [
    "one registry scanning owner per account and region",
    "RegistryScanning.of(<owner stack>).include(<other stack>)",
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
    # THEN exactly the seed's configuration: one rule, one WILDCARD filter equal to the name
    assert configuration(stack) == {
        "scan_type": "ENHANCED",
        "rule": [rule("CONTINUOUS_SCAN", "accounts-service")],
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

    # THEN the stack holds one configuration with one rule per frequency, in creation order,
    # the basic scan-on-push repos moved into the enhanced SCAN_ON_PUSH rule, "scratch" in none
    assert only(resources_of(synth, CONFIG)) == {
        "scan_type": "ENHANCED",
        "rule": [
            rule("CONTINUOUS_SCAN", "payments/api", "payments/worker"),
            rule("SCAN_ON_PUSH", "early", "payments/web", "late"),
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
    assert names_in_rules(stack) == {"SCAN_ON_PUSH": ["a-svc"]}


def test_only_continuous_rule_when_no_repository_scans_on_push(stack: TerraformStack) -> None:
    Repository(stack, "a", name="a-svc", enhanced_scanning=True, scan_on_push=False)
    Repository(stack, "b", name="b-svc", enhanced_scanning=True, scan_on_push=True)
    Repository(stack, "c", name="c-svc", scan_on_push=False)
    assert names_in_rules(stack) == {"CONTINUOUS_SCAN": ["a-svc", "b-svc"]}


def test_token_name_becomes_a_filter_reference(stack: TerraformStack) -> None:
    name = TerraformVariable(stack, "repository_name", type="string")
    Repository(stack, "repo", name=name.string_value, enhanced_scanning=True)
    assert names_in_rules(stack) == {"CONTINUOUS_SCAN": ["${var.repository_name}"]}


# --------------------------------------------------------------------------- AWS limits


def _many(stack: TerraformStack, count: int, prefix: str, **inputs: Any) -> None:
    for i in range(count):
        Repository(stack, f"{prefix}{i}", name=f"{prefix}-{i:03d}", enable_lifecycle_policy=False, **inputs)


def test_hundred_and_first_continuous_filter_is_refused(stack: TerraformStack) -> None:
    # GIVEN 100 enhanced repositories: the AWS maximum for one rule
    _many(stack, 100, "c", enhanced_scanning=True, scan_on_push=False)
    assert len(names_in_rules(stack)["CONTINUOUS_SCAN"]) == 100
    # WHEN a 101st asks for the same rule  THEN it is refused, naming the parameter and the limit
    assert_refused(
        lambda: Repository(stack, "extra", name="extra", enhanced_scanning=True),
        [stack], "enhanced_scanning",
        ["would put 101 filters in the CONTINUOUS_SCAN rule", "at most 100 repository filters per registry scanning rule",
         f"Repository '{stack.node.path}/extra'"],
    )
    # AND repositories that need no rule are still fine
    Repository(stack, "quiet", name="quiet", scan_on_push=False)
    # AND the other frequency still has room
    Repository(stack, "push", name="push", enhanced_scanning=True, enhanced_scan_frequency="SCAN_ON_PUSH")
    assert names_in_rules(stack)["SCAN_ON_PUSH"] == ["push"]


def test_hundred_and_first_scan_on_push_filter_is_refused(stack: TerraformStack) -> None:
    # GIVEN an ENHANCED registry and 100 basic scan-on-push repositories (moved into SCAN_ON_PUSH)
    Repository(stack, "enhanced", name="enhanced", enhanced_scanning=True, scan_on_push=False)
    _many(stack, 100, "p", scan_on_push=True)
    assert len(names_in_rules(stack)["SCAN_ON_PUSH"]) == 100
    # WHEN one more basic scan-on-push repository is added  THEN it is refused, naming scan_on_push
    assert_refused(
        lambda: Repository(stack, "extra", name="extra", scan_on_push=True),
        [stack], "scan_on_push",
        ["would put 101 filters in the SCAN_ON_PUSH rule", "at most 100 repository filters"],
    )


def test_enhanced_repository_that_would_overflow_the_scan_on_push_rule_is_refused(stack: TerraformStack) -> None:
    # GIVEN 101 basic scan-on-push repositories in a BASIC registry (no limit applies yet)
    _many(stack, 101, "p", scan_on_push=True)
    assert resources_of(synth_json(stack), CONFIG) == {}
    # WHEN a repository turns enhanced scanning on, which would move all of them into SCAN_ON_PUSH
    # THEN it is refused, although its own rule (CONTINUOUS_SCAN) would hold only itself
    assert_refused(
        lambda: Repository(stack, "enhanced", name="enhanced", enhanced_scanning=True),
        [stack], "enhanced_scanning",
        ["would put 101 filters in the SCAN_ON_PUSH rule"],
    )


# --------------------------------------------------------------------------- several stacks, one app


def test_two_stacks_in_one_region_with_enhanced_scanning_are_refused(make_stack: MakeStack) -> None:
    # GIVEN two stacks whose providers may reach the same registry (same region, account unknown)
    first, second = make_stack("first"), make_stack("second")
    Repository(first, "repo", name="first-svc", enhanced_scanning=True)
    # WHEN the second stack also turns enhanced scanning on
    # THEN it fails at synth time, naming both stacks, the location and the fix; nothing is added
    assert_refused(
        lambda: Repository(second, "repo", name="second-svc", enhanced_scanning=True),
        [first, second], "enhanced_scanning",
        ["Repository 'second/repo'", "makes stacks 'second'", "and 'first'",
         "the credentials' account, region us-east-1",
         "both would write its scanning configuration", *ONE_OWNER_ALLOWED],
    )
    assert second.node.try_find_child(RegistryScanning.DEFAULT_ID) is None


def test_enhanced_scanning_next_to_a_stack_relying_on_basic_scanning_is_refused(make_stack: MakeStack) -> None:
    # GIVEN a stack whose repository relies on basic scan-on-push
    basic, enhanced = make_stack("basic"), make_stack("enhanced")
    Repository(basic, "repo", name="basic-svc", scan_on_push=True)
    # WHEN another stack in the same region turns enhanced scanning on
    # THEN it is refused: ENHANCED would silently stop the first stack's basic scans
    assert_refused(
        lambda: Repository(enhanced, "repo", name="enhanced-svc", enhanced_scanning=True),
        [basic, enhanced], "enhanced_scanning",
        ["enhanced scanning here would switch off the basic scan-on-push that repositories of 'basic' rely on"],
    )


def test_basic_scanning_next_to_an_enhanced_stack_is_refused(make_stack: MakeStack) -> None:
    enhanced, basic = make_stack("enhanced"), make_stack("basic")
    Repository(enhanced, "repo", name="enhanced-svc", enhanced_scanning=True)
    assert_refused(
        lambda: Repository(basic, "repo", name="basic-svc", scan_on_push=True),
        [enhanced, basic], "scan_on_push",
        ["enhanced scanning in 'enhanced' would switch off the basic scan-on-push that repositories here rely on"],
    )


def test_unscanned_repository_next_to_an_enhanced_stack_is_fine(make_stack: MakeStack) -> None:
    enhanced, quiet = make_stack("enhanced"), make_stack("quiet")
    Repository(enhanced, "repo", name="enhanced-svc", enhanced_scanning=True)
    Repository(quiet, "repo", name="quiet-svc", scan_on_push=False)
    assert names_in_rules(enhanced) == {"CONTINUOUS_SCAN": ["enhanced-svc"]}
    assert resources_of(synth_json(quiet), CONFIG) == {}


def test_after_a_refusal_the_recommended_include_works(make_stack: MakeStack) -> None:
    # GIVEN a refused repository in a second stack of the same region
    first, second = make_stack("first"), make_stack("second")
    Repository(first, "repo", name="first-svc", enhanced_scanning=True)
    with pytest.raises(ValidationError):
        Repository(second, "repo", name="second-svc", enhanced_scanning=True)
    # WHEN the fix the message recommends is applied
    RegistryScanning.of(first).include(second)
    Repository(second, "repo", name="second-svc", enhanced_scanning=True)
    # THEN the first stack's configuration covers both, and the second writes none
    assert names_in_rules(first) == {"CONTINUOUS_SCAN": ["first-svc", "second-svc"]}
    assert resources_of(synth_json(second), CONFIG) == {}


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
    assert names_in_rules(first) == {"CONTINUOUS_SCAN": ["svc"]}
    assert names_in_rules(second) == {"SCAN_ON_PUSH": ["svc", "basic"]}


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
    # THEN the second enhanced stack is refused, showing what is known about each location
    assert_refused(
        lambda: Repository(second, "repo", name="two", enhanced_scanning=True),
        [first, second], "enhanced_scanning", ["of what may be one registry", shown, *ONE_OWNER_ALLOWED],
    )


# --------------------------------------------------------------------------- include()


def test_included_stack_reports_to_the_owner(make_stack: MakeStack) -> None:
    # GIVEN an owner created explicitly in "shared" and two environment stacks included in it
    shared, dev, prod = make_stack("shared"), make_stack("dev"), make_stack("prod")
    owner = RegistryScanning(shared)
    owner.include(dev)
    owner.include(prod)
    # WHEN only the included stacks hold repositories
    Repository(dev, "api", name="dev/api", scan_on_push=True)
    Repository(prod, "api", name="prod/api", enhanced_scanning=True)
    Repository(prod, "web", name="prod/web", enhanced_scanning=True, enhanced_scan_frequency="SCAN_ON_PUSH")
    Repository(dev, "tmp", name="dev/tmp", scan_on_push=False)
    # THEN the owner's stack writes the one configuration, with every stack's repositories
    assert configuration(shared) == {
        "scan_type": "ENHANCED",
        "rule": [rule("CONTINUOUS_SCAN", "prod/api"), rule("SCAN_ON_PUSH", "dev/api", "prod/web")],
    }
    # AND the included stacks write none
    assert resources_of(synth_json(dev), CONFIG) == {}
    assert resources_of(synth_json(prod), CONFIG) == {}
    assert RegistryScanning.of(prod) is owner and RegistryScanning.of(dev) is owner
    # AND the owner's stack, which has no repository, still pins the provider and Terraform versions
    terraform = synth_json(shared)["terraform"]
    assert terraform["required_providers"]["aws"] == {"source": "hashicorp/aws", "version": "~> 5.0"}
    assert terraform["required_version"] == ">= 1.5.0"


def test_include_from_an_implicit_owner(make_stack: MakeStack) -> None:
    # GIVEN a stack whose first repository created the owner implicitly
    prod, stage = make_stack("prod"), make_stack("stage")
    Repository(prod, "api", name="prod/api", enhanced_scanning=True)
    RegistryScanning.of(prod).include(stage)
    Repository(stage, "api", name="stage/api")
    assert names_in_rules(prod) == {"CONTINUOUS_SCAN": ["prod/api"], "SCAN_ON_PUSH": ["stage/api"]}
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


def test_token_name_in_an_included_stack_is_refused(make_stack: MakeStack) -> None:
    prod, stage = make_stack("prod"), make_stack("stage")
    RegistryScanning(prod).include(stage)
    name = TerraformVariable(stage, "repository_name", type="string")
    assert_refused(
        lambda: Repository(stage, "api", name=name.string_value),
        [prod, stage], "name",
        ["is an unresolved token", "a plain string", "stack 'prod'", "cross-stack reference"],
    )


def test_include_after_the_stack_has_repositories_is_refused(make_stack: MakeStack) -> None:
    prod, stage = make_stack("prod"), make_stack("stage")
    owner = RegistryScanning(prod)
    Repository(stage, "api", name="stage/api")
    assert_refused(
        lambda: owner.include(stage), [prod, stage], "stack",
        ["stack='stage' already reports to RegistryScanning 'stage/EcrRegistryScanning'",
         "include it before adding repositories to it", "RegistryScanning 'prod/EcrRegistryScanning'"],
    )


def test_include_twice_or_of_the_owners_own_stack_is_refused(make_stack: MakeStack) -> None:
    prod, stage = make_stack("prod"), make_stack("stage")
    owner = RegistryScanning(prod)
    owner.include(stage)
    for target in (stage, prod):
        assert_refused(lambda: owner.include(target), [prod, stage], "stack",
                       ["already reports to RegistryScanning 'prod/EcrRegistryScanning'"])


def test_include_of_a_stack_in_another_region_is_refused(make_stack: MakeStack) -> None:
    prod, europe = make_stack("prod"), make_stack("europe", region="eu-west-1")
    owner = RegistryScanning(prod)
    assert_refused(
        lambda: owner.include(europe), [prod, europe], "stack",
        ["stack='europe' deploys to the credentials' account, region eu-west-1",
         "a stack that deploys to this owner's registry (the credentials' account, region us-east-1)"],
    )
    # AND the refused stack still owns its own registry settings
    Repository(europe, "api", name="api", enhanced_scanning=True)
    assert names_in_rules(europe) == {"CONTINUOUS_SCAN": ["api"]}


def test_include_of_a_stack_in_another_account_is_refused(make_stack: MakeStack) -> None:
    prod = make_stack("prod", allowed_account_ids=[ACCOUNT])
    other = make_stack("other", allowed_account_ids=[OTHER_ACCOUNT])
    assert_refused(lambda: RegistryScanning(prod).include(other), [other], "stack",
                   [f"deploys to account {OTHER_ACCOUNT}, region us-east-1"])


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


def test_owner_created_after_the_first_repository_is_refused(stack: TerraformStack) -> None:
    Repository(stack, "repo", name="svc")
    assert_refused(
        lambda: RegistryScanning(stack, "Explicit"), [stack], "scope",
        [f"already reports to RegistryScanning '{stack.node.path}/EcrRegistryScanning'",
         "create RegistryScanning before the stack's first Repository"],
    )


def test_explicit_location_overrides_an_unknown_provider(make_stack: MakeStack) -> None:
    # GIVEN two stacks whose providers say nothing, but whose owners state distinct accounts
    first, second = make_stack("first", region=None), make_stack("second", region=None)
    RegistryScanning(first, account_id=ACCOUNT, region="us-east-1")
    RegistryScanning(second, account_id=OTHER_ACCOUNT, region="us-east-1")
    # WHEN both turn enhanced scanning on  THEN both may own their (different) registries
    Repository(first, "repo", name="svc", enhanced_scanning=True)
    Repository(second, "repo", name="svc", enhanced_scanning=True)
    assert names_in_rules(first) == names_in_rules(second) == {"CONTINUOUS_SCAN": ["svc"]}


def test_owner_location_defaults_to_the_provider(make_stack: MakeStack) -> None:
    pinned = make_stack("pinned", region="eu-central-1", allowed_account_ids=[ACCOUNT])
    unknown = make_stack("unknown", region=None)
    assert RegistryScanning.of(pinned).location == RegistryLocation(ACCOUNT, "eu-central-1")
    assert RegistryScanning.of(unknown).location == RegistryLocation(None, None)
    assert str(RegistryScanning.of(unknown).location) == "the credentials' account, the provider's default region"
