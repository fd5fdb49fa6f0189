"""The registry owner's single-per-registry settings, through the constructs: replication,
the registry policy and account settings, and the one-owner rule for each.

GIVEN / WHEN / THEN, one fresh app per test (conftest's ``make_stack``).
Construction refusals leave every stack as it was; refusals that need the
complete tree (providers, other stacks) come from synth.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, resources_of, synth_json
from test_registry_scanning import assert_refused, assert_synth_refused

from cdktf_aws_ecr import (
    Registry,
    RegistryScanning,
    ReplicationCoverageWarning,
    ReplicationDestination as D,
    Repository,
    Upstream,
    ValidationError,
)

REPLICATION = "aws_ecr_replication_configuration"
POLICY = "aws_ecr_registry_policy"
SETTING = "aws_ecr_account_setting"
TEMPLATE = "aws_ecr_repository_creation_template"
OTHER = "444455556666"
SOURCE = "777788889999"
MakeStack = Callable[..., TerraformStack]


def rule(destinations: List[Dict[str, str]], *filters: str) -> Dict[str, Any]:
    block: Dict[str, Any] = {"destination": destinations}
    if filters:
        block["repository_filter"] = [{"filter": f, "filter_type": "PREFIX_MATCH"} for f in filters]
    return block


def to(region: str, account: str = ACCOUNT) -> Dict[str, str]:
    return {"region": region, "registry_id": account}


def replication(stack: TerraformStack) -> List[Dict[str, Any]]:
    """The rules of the stack's single replication configuration."""
    resources = resources_of(synth_json(stack), REPLICATION)
    assert list(resources) == ["registry_replication"]
    rules: List[Dict[str, Any]] = resources["registry_replication"]["replication_configuration"]["rule"]
    return rules


def policy(stack: TerraformStack) -> Dict[str, Any]:
    resources = resources_of(synth_json(stack), POLICY)
    assert list(resources) == ["registry_policy"]
    document: Dict[str, Any] = json.loads(resources["registry_policy"]["policy"])
    return document


def pinned(make_stack: MakeStack, name: str = "", region: str = "us-east-1",
           account: str = ACCOUNT) -> TerraformStack:
    return make_stack(name, region=region, allowed_account_ids=[account])


# --------------------------------------------------------------------------- the owner's names


def test_registry_scanning_is_the_former_name_with_its_former_behaviour(make_stack: MakeStack) -> None:
    # GIVEN one stack with a Registry and one with a RegistryScanning, each explicit
    new, old = make_stack("new"), make_stack("old", region="eu-west-1")
    registry, scanning = Registry(new), RegistryScanning(old)
    # THEN both are owners with the same id; only the new name manages BASIC_SCAN_TYPE_VERSION
    assert isinstance(scanning, Registry)
    assert RegistryScanning.DEFAULT_ID == Registry.DEFAULT_ID == "EcrRegistryScanning"
    assert resources_of(synth_json(new), SETTING) == {
        "account_setting_basic_scan_type_version": {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"}
    }
    assert resources_of(synth_json(old), SETTING) == {}
    assert (registry.account_settings, scanning.account_settings) == (
        {"BASIC_SCAN_TYPE_VERSION": "AWS_NATIVE"}, {}
    )


def test_the_owner_a_repository_creates_writes_no_account_setting(stack: TerraformStack) -> None:
    Repository(stack, "api", name="api")
    assert resources_of(synth_json(stack), SETTING) == {}
    assert Registry.of(stack).explicit is False


def test_account_settings_are_owner_options(make_stack: MakeStack) -> None:
    # GIVEN an owner on an aliased provider with both settings
    stack = make_stack()
    europe = AwsProvider(stack, "eu", region="eu-west-1", alias="eu")
    Registry(stack, "Europe", provider=europe, basic_scan_type_version=None, registry_policy_scope="V1")
    Registry(stack, registry_policy_scope="V2")
    # THEN each is one aws_ecr_account_setting, named for the setting and the alias
    assert resources_of(synth_json(stack), SETTING) == {
        "account_setting_registry_policy_scope___eu": {
            "name": "REGISTRY_POLICY_SCOPE", "value": "V1", "provider": "aws.eu"},
        "account_setting_basic_scan_type_version": {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"},
        "account_setting_registry_policy_scope": {"name": "REGISTRY_POLICY_SCOPE", "value": "V2"},
    }


@pytest.mark.parametrize(
    "arguments, parameter, fragment",
    [
        ({"basic_scan_type_version": "CLAIR"}, "basic_scan_type_version",
         "selects the Clair engine, for which AWS ended its support on 1 October 2025"),
        ({"basic_scan_type_version": "aws_native"}, "basic_scan_type_version", "is not allowed"),
        ({"basic_scan_type_version": "V2"}, "basic_scan_type_version", "is not allowed"),
        ({"registry_policy_scope": "AWS_NATIVE"}, "registry_policy_scope", "is not allowed"),
        ({"kms_key_arn": "arn:aws:kms:us-east-1:123456789012:alias/ecr"}, "kms_key_arn", "is a KMS alias"),
    ],
)
def test_bad_owner_settings_are_refused(
    stack: TerraformStack, arguments: Dict[str, Any], parameter: str, fragment: str
) -> None:
    assert_refused(lambda: Registry(stack, **arguments), [stack], parameter,
                   [f"Registry '{stack.node.path}/EcrRegistryScanning'", fragment])


def test_the_owners_key_must_be_in_its_region(make_stack: MakeStack) -> None:
    stack = make_stack()
    Registry(stack, kms_key_arn=f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")
    assert_synth_refused(stack, "kms_key_arn", ["is in eu-west-1, and ECR needs a key in its own region us-east-1"])


# --------------------------------------------------------------------------- replication


def test_replicate_to_merges_into_the_registrys_one_configuration(make_stack: MakeStack) -> None:
    # GIVEN a pinned registry whose repositories ask for replication, two with the same destinations
    stack = pinned(make_stack)
    Repository(stack, "api", name="prod/api", replicate_to=[D("us-west-2")])
    Repository(stack, "web", name="prod/web", replicate_to=[D("us-west-2")])
    Repository(stack, "audit", name="audit", replicate_to=[D("eu-west-1", OTHER), D("us-west-2")])
    Repository(stack, "tmp", name="tmp")
    # THEN one configuration: identical destination sets share a rule, names are PREFIX_MATCH filters
    assert replication(stack) == [
        rule([to("eu-west-1", OTHER), to("us-west-2")], "audit"),
        rule([to("us-west-2")], "prod/api", "prod/web"),
    ]
    assert Registry.of(stack).replication_over_covered == ()


def test_registry_rules_come_first_and_cover_the_repositories_they_match(make_stack: MakeStack) -> None:
    # GIVEN a platform rule for prod/, and repositories asking for what it gives, and more
    stack = pinned(make_stack)
    owner = Registry(stack)
    assert owner.replicate(["prod/"], [D("us-west-2")]) is owner
    Repository(stack, "api", name="prod/api", replicate_to=[D("us-west-2")])
    Repository(stack, "web", name="prod/web", replicate_to=[D("us-west-2"), D("eu-west-1")])
    # THEN the rule is kept verbatim, first; only what it does not give is added
    assert replication(stack) == [
        rule([to("us-west-2")], "prod/"),
        rule([to("eu-west-1")], "prod/web"),
    ]
    assert [(r.prefixes, r.destinations) for r in owner.replication_rules] == [(("prod/",), (D("us-west-2"),))]


def test_an_unpinned_registry_names_its_account_through_the_caller_identity(stack: TerraformStack) -> None:
    Repository(stack, "api", name="api", replicate_to=[D("us-west-2")])
    synth = synth_json(stack)
    assert synth["data"]["aws_caller_identity"] == {"registry_account": {}}
    (only_rule,) = replication(stack)
    assert only_rule == rule([to("us-west-2", "${data.aws_caller_identity.registry_account.account_id}")], "api")


def test_two_stacks_of_one_registry_replicate_through_one_configuration(make_stack: MakeStack) -> None:
    # GIVEN prod owns the registry and includes dev; both ask for replication
    prod, dev = pinned(make_stack, "prod"), pinned(make_stack, "dev")
    Registry(prod).include(dev)
    Repository(dev, "api", name="dev/api", replicate_to=[D("us-west-2")])
    Repository(prod, "api", name="prod/api", replicate_to=[D("us-west-2")])
    Repository(prod, "db", name="prod/db", replicate_to=[D("eu-west-1")])
    # THEN prod's stack holds the one merged configuration and dev's none
    assert replication(prod) == [
        rule([to("eu-west-1")], "prod/db"),
        rule([to("us-west-2")], "dev/api", "prod/api"),
    ]
    assert resources_of(synth_json(dev), REPLICATION) == {}


def test_two_owners_of_what_may_be_one_registry_may_not_both_replicate(make_stack: MakeStack) -> None:
    first, second = make_stack("first"), make_stack("second")
    Repository(first, "api", name="first/api", replicate_to=[D("us-west-2")])
    Registry(second).replicate([], [D("eu-west-1")])
    assert_synth_refused(
        second, "prefixes",
        ["Registry 'second/EcrRegistryScanning'", "makes stack 'second'", "and stack 'first'",
         "both would write its replication configuration",
         "one registry owner per account and region", "Registry.of(<owner stack>).include(<other stack>)"],
    )


def test_replicating_to_the_source_registry_itself_names_the_repository(make_stack: MakeStack) -> None:
    stack = pinned(make_stack)
    Repository(stack, "ok", name="ok", replicate_to=[D("us-west-2")])
    Repository(stack, "loop", name="loop", replicate_to=[D("us-east-1")])
    assert_synth_refused(
        stack, "replicate_to",
        [f"Repository '{stack.node.path}/loop'", f"is the source registry itself ({ACCOUNT}/us-east-1)"],
    )


def test_replicating_across_partitions_is_refused(make_stack: MakeStack) -> None:
    stack = pinned(make_stack)
    Repository(stack, "api", name="api", replicate_to=[D("cn-north-1")])
    assert_synth_refused(stack, "replicate_to", ["is in partition aws-cn", "source region us-east-1"])


@pytest.mark.parametrize(
    "value, problem",
    [
        ("us-west-2", "is not a list"),
        (["us-west-2"], "holds a str: 'us-west-2'"),
        ([D("us-west-2"), D("us-west-2")], "repeats"),
        ([D(f"us-west-{i}") for i in range(1, 27)], "has 26"),
    ],
)
def test_bad_replicate_to_is_refused_when_the_repository_is_built(
    stack: TerraformStack, value: Any, problem: str
) -> None:
    assert_refused(lambda: Repository(stack, "api", name="api", replicate_to=value), [stack],
                   "replicate_to", [f"Repository '{stack.node.path}/api'", problem])


def test_bad_replication_rules_are_refused_when_declared(stack: TerraformStack) -> None:
    owner = Registry(stack)
    assert_refused(lambda: owner.replicate(["Prod/"], [D("us-west-2")]), [stack], "prefixes",
                   ["is not a valid filter"])
    assert_refused(lambda: owner.replicate([], []), [stack], "destinations", ["has 0"])
    for i in range(10):
        owner.replicate([f"team{i}/"], [D("us-west-2")])
    assert_refused(lambda: owner.replicate(["team10/"], [D("us-west-2")]), [stack], "prefixes",
                   ["at most 10 replication rules per registry (AWS limit)", "would be rule 11"])
    assert len(owner.replication_rules) == 10


def test_more_than_25_destinations_are_refused_at_synth(make_stack: MakeStack) -> None:
    stack = pinned(make_stack)
    for i in range(26):
        Repository(stack, f"r{i}", name=f"r{i:02d}", replicate_to=[D("us-west-2", f"{i:012d}")])
    assert_synth_refused(stack, "replicate_to", ["at most 25 unique destinations", "would make 26"])


def test_names_that_cannot_fit_aws_limits_are_refused_naming_the_cause(make_stack: MakeStack) -> None:
    # GIVEN 11 destination sets (one rule each) whose names share no prefix to merge them by
    stack = pinned(make_stack)
    for i in range(11):
        Repository(stack, f"r{i}", name=f"{'abcdefghijk'[i]}x", replicate_to=[D("us-west-2", f"{i:012d}")])
    assert_synth_refused(stack, "replicate_to", [
        "at most 10 replication rules of at most 100 filters per registry (AWS limits)",
        "they need 11 rules and 10 are left", "cannot be written as one replication configuration"])


def test_a_filter_that_also_matches_another_repository_is_reported(make_stack: MakeStack) -> None:
    # GIVEN "api" replicates, and "api-internal" (which "api" prefix-matches) does not
    stack = pinned(make_stack)
    Repository(stack, "api", name="api", replicate_to=[D("us-west-2")])
    Repository(stack, "internal", name="api-internal")
    # WHEN synthesized THEN a warning names it, and the owner's attribute lists it
    with pytest.warns(ReplicationCoverageWarning, match=r"api-internal -> 123456789012/us-west-2 \(filter api\)"):
        assert replication(stack) == [rule([to("us-west-2")], "api")]
    (over,) = Registry.of(stack).replication_over_covered
    assert (over.repository, over.filters) == ("api-internal", ("api",))


def test_a_registry_managed_elsewhere_writes_no_replication(stack: TerraformStack) -> None:
    team = Registry.managed_elsewhere(stack)
    Repository(stack, "api", name="payments/api", replicate_to=[D("us-west-2")])
    assert resources_of(synth_json(stack), REPLICATION) == {}
    assert [r.filters for r in team.replication_plan().rules] == [("payments/api",)]
    assert_refused(lambda: team.replicate([], [D("us-west-2")]), [stack], "prefixes",
                   ["is declared on an owner managed elsewhere"])
    assert_refused(lambda: team.add_pull_through_cache("ecr-public", Upstream.ecr_public()), [stack],
                   "prefix", ["is declared on an owner managed elsewhere"])


def test_an_owner_created_after_the_repositories_takes_their_replication(make_stack: MakeStack) -> None:
    stack = pinned(make_stack)
    Repository(stack, "api", name="api", replicate_to=[D("us-west-2")])
    Registry(stack, "Explicit")
    assert replication(stack) == [rule([to("us-west-2")], "api")]
    assert stack.node.try_find_child(Registry.DEFAULT_ID) is None


# --------------------------------------------------------------------------- destinations owned in the app


def test_a_destination_registry_of_the_app_grants_the_source_and_templates_the_replicas(
    make_stack: MakeStack,
) -> None:
    # GIVEN a source registry and a DR registry of another account, both owned in this app
    source, recovery = pinned(make_stack, "source"), pinned(make_stack, "recovery", "eu-west-1", OTHER)
    Registry(recovery, basic_scan_type_version=None)
    Repository(source, "api", name="prod/api", replicate_to=[D("eu-west-1", OTHER)])
    # THEN the source replicates there, and the destination's policy allows exactly that account
    assert replication(source) == [rule([to("eu-west-1", OTHER)], "prod/api")]
    assert policy(recovery) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": f"AllowReplicationFrom{ACCOUNT}",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": [f"arn:aws:ecr:eu-west-1:{OTHER}:repository/*"],
        }],
    }
    # AND the replicas get the guardrails of a ROOT REPLICATION creation template there
    template = resources_of(synth_json(recovery), TEMPLATE)["creation_template_ROOT"]
    assert {k: template[k] for k in ("prefix", "applied_for", "image_tag_mutability",
                                     "encryption_configuration")} == {
        "prefix": "ROOT", "applied_for": ["REPLICATION"], "image_tag_mutability": "IMMUTABLE",
        "encryption_configuration": [{"encryption_type": "AES256"}],
    }
    assert json.loads(template["lifecycle_policy"])["rules"][1]["selection"] == {
        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 30}
    # AND the source needs no policy of its own
    assert resources_of(synth_json(source), POLICY) == {}


def test_a_same_account_destination_needs_no_policy_but_gets_the_template(make_stack: MakeStack) -> None:
    source, replica = pinned(make_stack, "source"), pinned(make_stack, "replica", "us-west-2")
    key = f"arn:aws:kms:us-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    Registry(replica, kms_key_arn=key)
    Repository(source, "api", name="api", replicate_to=[D("us-west-2")])
    synth = synth_json(replica)
    assert resources_of(synth, POLICY) == {}
    template = resources_of(synth, TEMPLATE)["creation_template_ROOT"]
    assert template["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": key}]
    assert template["custom_role_arn"] == "${aws_iam_role.creation_template_role.arn}"


def test_a_declared_replication_template_replaces_the_owners(make_stack: MakeStack) -> None:
    source, replica = pinned(make_stack, "source"), pinned(make_stack, "replica", "us-west-2")
    Registry(replica).add_creation_template("prod", ["REPLICATION"], image_tag_mutability="MUTABLE")
    Repository(source, "api", name="prod/api", replicate_to=[D("us-west-2")])
    assert list(resources_of(synth_json(replica), TEMPLATE)) == ["creation_template_prod"]


def test_a_destination_may_leave_its_replicas_to_ecrs_defaults(make_stack: MakeStack) -> None:
    source, replica = pinned(make_stack, "source"), pinned(make_stack, "replica", "us-west-2")
    Registry(replica, replica_template=False)
    Repository(source, "api", name="api", replicate_to=[D("us-west-2")])
    assert resources_of(synth_json(replica), TEMPLATE) == {}


def test_a_source_of_unknown_account_cannot_be_granted(make_stack: MakeStack) -> None:
    source, recovery = make_stack("source"), pinned(make_stack, "recovery", "eu-west-1", OTHER)
    Registry(recovery)
    Repository(source, "api", name="api", replicate_to=[D("eu-west-1", OTHER)])
    assert_synth_refused(source, "account_id", [
        "is unknown, and Registry 'recovery/EcrRegistryScanning' must grant it replication into "
        f"registry {OTHER}/eu-west-1", "AwsProvider(allowed_account_ids=[...])"])


# --------------------------------------------------------------------------- registry policy


def test_allowed_sources_and_organizations_make_one_registry_policy(make_stack: MakeStack) -> None:
    stack = pinned(make_stack)
    owner = Registry(stack, registry_policy_scope="V1")
    owner.add_pull_through_cache("ecr-public", Upstream.ecr_public())
    assert owner.allow_replication_from(SOURCE) is owner
    owner.allow_pull_through_cache_for_organization("o-abcdefghij")
    assert policy(stack)["Statement"] == [
        {
            "Sid": "AllowOrganizationPullThroughCache",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
            "Resource": [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/ecr-public/*"],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij"]}},
        },
        {
            "Sid": f"AllowReplicationFrom{SOURCE}",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{SOURCE}:root"]},
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
            "Resource": [f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/*"],
        },
    ]


def test_registry_policy_refusals(make_stack: MakeStack) -> None:
    stack = pinned(make_stack)
    owner = Registry(stack)
    assert_refused(lambda: owner.allow_replication_from("1234"), [stack], "account_id",
                   ["is not a 12-digit account ID"])
    assert_refused(lambda: owner.allow_pull_through_cache_for_organization("*"), [stack],
                   "organization_id", ["an AWS Organizations ID matching ^o-[a-z0-9]{10,32}$"])
    owner.allow_replication_from(SOURCE)
    assert_refused(lambda: owner.allow_replication_from(SOURCE), [stack], "account_id",
                   ["is allowed already"])
    # An organization may fill only caches that exist
    owner.allow_pull_through_cache_for_organization("o-abcdefghij")
    assert_synth_refused(stack, "organization_id", ["the registry has no pull-through cache"])


def test_two_owners_of_what_may_be_one_registry_may_not_both_write_its_policy(make_stack: MakeStack) -> None:
    first, second = make_stack("first"), make_stack("second")
    Registry(first, basic_scan_type_version=None).allow_replication_from(SOURCE)
    Registry(second, basic_scan_type_version=None).allow_replication_from(OTHER)
    assert_synth_refused(first, "registry_policy", ["both would write its registry policy"])


def test_two_owners_of_what_may_be_one_registry_may_not_both_write_an_account_setting(
    make_stack: MakeStack,
) -> None:
    first, second = make_stack("first"), make_stack("second")
    Registry(first)
    Registry(second)
    assert_synth_refused(second, "basic_scan_type_version", [
        "both would write its account setting BASIC_SCAN_TYPE_VERSION", "'AWS_NATIVE'"])
    # AND pinned distinct accounts are distinct registries
    third, fourth = pinned(make_stack, "third", "eu-west-1"), pinned(make_stack, "fourth", "eu-west-1", OTHER)
    Registry(third)
    Registry(fourth)
    assert list(resources_of(synth_json(third), SETTING)) == ["account_setting_basic_scan_type_version"]


def test_settings_declared_on_an_implicit_owner_make_it_the_stacks_owner(stack: TerraformStack) -> None:
    Repository(stack, "api", name="api")
    Registry.of(stack).allow_replication_from(SOURCE)
    assert_refused(lambda: Registry(stack, "Explicit"), [stack], "scope",
                   [f"already reports to Registry '{stack.node.path}/EcrRegistryScanning'"])


def test_a_validation_error_in_a_lazy_value_reaches_app_synth(tmp_path: Any) -> None:
    # GIVEN an app whose registry policy can only be rendered at synth, and fails there
    from cdktf import App

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "registry")
    AwsProvider(stack, "aws", region="us-east-1", allowed_account_ids=[ACCOUNT])
    Registry(stack).allow_pull_through_cache_for_organization("o-abcdefghij")
    # WHEN the whole app is synthesized (cdktf prepares the stack before the checks run)
    with pytest.raises(ValidationError) as caught:
        app.synth()
    # THEN the library's error arrives as itself
    assert caught.value.parameter == "organization_id"


# --------------------------------------------------------------------------- the source itself, at plan

ITSELF = "a replication destination is the source registry itself"


def _guard(stack: TerraformStack) -> List[Dict[str, str]]:
    configuration = resources_of(synth_json(stack), "aws_ecr_replication_configuration")
    return next(iter(configuration.values())).get("lifecycle", {}).get("precondition", [])


def test_a_destination_that_may_be_the_source_is_guarded_at_plan(make_stack: Callable[..., TerraformStack]) -> None:
    from cdktf import TerraformVariable

    # GIVEN a source whose account is not pinned, replicating to an account in its own region,
    # and a destination region given as a variable
    stack = make_stack()
    region = TerraformVariable(stack, "dr_region", type="string").string_value
    Repository(stack, "api", name="api", replicate_to=[D("us-east-1", account_id=ACCOUNT)])
    Repository(stack, "web", name="web", replicate_to=[D(region)])
    Repository(stack, "job", name="job", replicate_to=[D("us-west-2")])
    # THEN Terraform checks both at plan, and not the one in another region
    (guard,) = _guard(stack)
    caller = "data.aws_caller_identity.registry_account.account_id"
    assert guard["condition"] == (
        f'${{(!((var.dr_region == "us-east-1") && ({caller} == {caller})) && '
        f'!(("us-east-1" == "us-east-1") && ("{ACCOUNT}" == {caller})))}}'
    )
    assert ITSELF in guard["error_message"]


def test_destinations_known_at_synth_carry_no_guard(make_stack: Callable[..., TerraformStack]) -> None:
    stack = make_stack(allowed_account_ids=[ACCOUNT])
    Repository(stack, "api", name="api", replicate_to=[D("us-west-2"), D("us-east-1", account_id="210987654321")])
    assert _guard(stack) == []


@pytest.mark.terraform
@pytest.mark.e2e
def test_the_guard_stops_a_plan_replicating_into_itself(local_aws: Any, tmp_path: Any) -> None:
    from cdktf import TerraformVariable

    from conftest import plans, stack_on_disk
    from devtools import terraform as tf

    # GIVEN a destination region given as a variable, in a stack whose account is not pinned
    app, stack = stack_on_disk(tmp_path, "itself")
    region = TerraformVariable(stack, "dr_region", type="string").string_value
    Repository(stack, "api", name="api", replicate_to=[D(region)])
    app.synth()
    directory = tmp_path / "stacks" / "itself"
    env = local_aws.environ()
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    # WHEN terraform plans with another region and with the source's own
    other, itself = plans(directory, env, [{"dr_region": "us-west-2"}, {"dr_region": "us-east-1"}])
    # THEN the first plans, the second stops before anything changes, with our message
    assert other.returncode == 0 or other.returncode == 2, other.stdout + other.stderr
    output = " ".join((itself.stdout + itself.stderr).split())
    assert itself.returncode == 1 and ITSELF in output, output[-2000:]
