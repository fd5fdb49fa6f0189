"""Pull-through caches and repository creation templates, through the registry owner.

GIVEN / WHEN / THEN. The local endpoint cannot create these (nor account
settings), so besides the synthesized output they are checked by
``terraform validate`` and by a ``terraform plan`` that makes no API call:
its provider points at a closed port.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
from cdktf import App, LocalBackend, TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, resources_of, synth_json
from test_registry_scanning import assert_refused, assert_synth_refused

from cdktf_aws_ecr import (
    PULL_ACTIONS,
    PUSH_ACTIONS,
    LifecycleRule,
    Registry,
    ReplicationDestination as D,
    Repository,
    TagStatus,
    Upstream,
)
from cdktf_aws_ecr.framework import LINE
from cdktf_aws_ecr.json_text import compact_json as lifecycle_policy_json
from cdktf_aws_ecr.lifecycle.rules import assemble_lifecycle_policy
from cdktf_aws_ecr.registry.creation_template import DEFAULT_TEMPLATE_LIFECYCLE_RULES
from devtools import terraform as tf

CACHE = "aws_ecr_pull_through_cache_rule"
TEMPLATE = "aws_ecr_repository_creation_template"
SCANNING = "aws_ecr_registry_scanning_configuration"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-templates"
MakeStack = Callable[..., TerraformStack]
DEFAULT_LIFECYCLE = lifecycle_policy_json(assemble_lifecycle_policy(DEFAULT_TEMPLATE_LIFECYCLE_RULES))


@pytest.fixture
def pinned(make_stack: MakeStack) -> TerraformStack:
    return make_stack(allowed_account_ids=[ACCOUNT])


def templates(stack: TerraformStack) -> Dict[str, Any]:
    return resources_of(synth_json(stack), TEMPLATE)


# --------------------------------------------------------------------------- pull-through cache


def test_a_cache_of_ecr_public_with_its_guardrails(pinned: TerraformStack) -> None:
    # GIVEN an owner that caches Amazon ECR Public
    owner = Registry(pinned)
    cache = owner.add_pull_through_cache("ecr-public", Upstream.ecr_public())
    synth = synth_json(pinned)
    # THEN one rule, named for its prefix
    assert resources_of(synth, CACHE) == {
        "pull_through_cache_ecr-public": {"ecr_repository_prefix": "ecr-public",
                                          "upstream_registry_url": "public.ecr.aws"}
    }
    # AND its repositories get a PULL_THROUGH_CACHE template: mutable tags (ECR refreshes
    # cached tags), the default lifecycle policy, and AES256 while the owner has no key
    assert resources_of(synth, TEMPLATE) == {
        "creation_template_ecr-public": {
            "prefix": "ecr-public",
            "applied_for": ["PULL_THROUGH_CACHE"],
            "description": "Guardrails of the pull-through cache of public.ecr.aws (cdktf_aws_ecr)",
            "image_tag_mutability": "MUTABLE",
            "encryption_configuration": [{"encryption_type": "AES256"}],
            "lifecycle_policy": DEFAULT_LIFECYCLE,
        }
    }
    # AND they are scanned on push through the namespace rule ecr-public/*
    assert resources_of(synth, SCANNING)["registry_scanning"] == {
        "scan_type": "ENHANCED",
        "rule": [{"scan_frequency": "SCAN_ON_PUSH",
                  "repository_filter": [{"filter": "ecr-public/*", "filter_type": "WILDCARD"}]}],
    }
    assert owner.pull_through_caches == (cache,) and cache.template is owner.creation_templates[0]
    assert cache.upstream == Upstream.ecr_public()


def test_the_owners_key_reaches_the_caches_template_with_the_role_aws_requires(pinned: TerraformStack) -> None:
    owner = Registry(pinned, kms_key_arn=KEY)
    owner.add_pull_through_cache("quay", "quay.io")
    synth = synth_json(pinned)
    template = resources_of(synth, TEMPLATE)["creation_template_quay"]
    assert template["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": KEY}]
    assert template["custom_role_arn"] == "${aws_iam_role.creation_template_role.arn}"
    role = resources_of(synth, "aws_iam_role")["creation_template_role"]
    assert json.loads(role["assume_role_policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecr.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }
    role_policy = resources_of(synth, "aws_iam_role_policy")["creation_template_role"]
    assert role_policy["role"] == "${aws_iam_role.creation_template_role.id}"
    assert json.loads(role_policy["policy"])["Statement"] == [
        {"Effect": "Allow", "Action": ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"],
         "Resource": [KEY]},
    ]


def test_docker_hub_needs_its_secret(pinned: TerraformStack) -> None:
    owner = Registry(pinned)
    assert_refused(lambda: owner.add_pull_through_cache("docker-hub", Upstream.docker_hub()), [pinned],
                   "credential_secret", ["is missing", "which docker-hub requires"])
    owner.add_pull_through_cache("docker-hub", Upstream.docker_hub(), credential_secret=SECRET,
                                 scan_frequency=None, creation_template=False)
    synth = synth_json(pinned)
    assert resources_of(synth, CACHE)["pull_through_cache_docker-hub"] == {
        "ecr_repository_prefix": "docker-hub",
        "upstream_registry_url": "registry-1.docker.io",
        "credential_arn": SECRET,
    }
    # AND with both guardrails switched off, neither a template nor a scanning rule
    assert resources_of(synth, TEMPLATE) == {} and resources_of(synth, SCANNING) == {}


@pytest.mark.parametrize(
    "prefix, upstream, options, parameter, fragment",
    [
        ("Docker", Upstream.ecr_public(), {}, "prefix", "is not a valid repository prefix"),
        ("d", Upstream.ecr_public(), {}, "prefix", "has 1 characters"),
        ("ok", "registry.example.com", {}, "upstream", "is not a supported upstream registry URL"),
        ("ok", 42, {}, "upstream", "is an int"),
        ("hub", Upstream.docker_hub(), {"credential_secret": SECRET.replace("ecr-pullthroughcache/", "hub/")},
         "credential_secret", "ECR only uses secrets whose name begins with 'ecr-pullthroughcache/'"),
        ("hub", Upstream.docker_hub(), {"credential_secret": "ecr-pullthroughcache/docker-hub"},
         "credential_secret", "is a secret name; pass the secret's ARN"),
        ("ok", Upstream.ecr_public(), {"credential_secret": SECRET}, "credential_secret",
         "None for ecr-public, which needs no credentials"),
        ("ok", Upstream.ecr_public(), {"scan_frequency": "DAILY"}, "scan_frequency", "is not allowed"),
        ("ok", Upstream.ecr_public(), {"creation_template": "yes"}, "creation_template", "True or False"),
    ],
)
def test_bad_caches_are_refused_when_declared(
    pinned: TerraformStack, prefix: str, upstream: Any, options: Dict[str, Any], parameter: str, fragment: str
) -> None:
    owner = Registry(pinned)
    assert_refused(lambda: owner.add_pull_through_cache(prefix, upstream, **options), [pinned], parameter,
                   [f"Registry '{pinned.node.path}/EcrRegistryScanning': pull-through cache", fragment])
    assert owner.pull_through_caches == ()


def test_the_secret_must_be_in_the_registrys_region_and_account(make_stack: MakeStack) -> None:
    # GIVEN the secret's region and account, checked against the provider at synth
    europe = make_stack("europe", region="eu-west-1", allowed_account_ids=[ACCOUNT])
    Registry(europe).add_pull_through_cache("hub", Upstream.docker_hub(), credential_secret=SECRET)
    assert_synth_refused(europe, "credential_secret", ["is in region us-east-1; the secret must be in the "
                                                        "rule's region eu-west-1"])
    other = make_stack("other", allowed_account_ids=["444455556666"])
    Registry(other).add_pull_through_cache("hub", Upstream.docker_hub(), credential_secret=SECRET)
    assert_synth_refused(other, "credential_secret", [f"is in account {ACCOUNT}; the secret must be in the "
                                                       "rule's account 444455556666"])


def test_a_cache_whose_scanning_rule_cannot_be_added_is_refused_whole(pinned: TerraformStack) -> None:
    # GIVEN an owner whose SCAN_ON_PUSH rule holds AWS's 100 filters already
    owner = Registry(pinned)
    for i in range(100):
        owner.add_rule(f"team{i}/*", "SCAN_ON_PUSH")
    # THEN a cache that would add its namespace there is refused before anything is built
    assert_refused(lambda: owner.add_pull_through_cache("quay", Upstream.quay()), [pinned], "filter",
                   ["at most 100 rules per frequency (AWS limit)"])
    assert owner.pull_through_caches == () and owner.creation_templates == ()
    # AND with continuous scanning, or none, it is fine
    owner.add_pull_through_cache("quay", Upstream.quay(), scan_frequency="CONTINUOUS_SCAN")
    assert owner.namespace_rules[-1] == ("quay/*", "CONTINUOUS_SCAN")


def test_one_cache_per_prefix(pinned: TerraformStack) -> None:
    owner = Registry(pinned)
    owner.add_pull_through_cache("quay", Upstream.quay())
    assert_refused(lambda: owner.add_pull_through_cache("quay/", Upstream.kubernetes()), [pinned],
                   "prefix", ["has one already"])


def test_a_registry_holds_at_most_50_caches(pinned: TerraformStack) -> None:
    # AWS's limit, not adjustable
    owner = Registry(pinned)
    for i in range(50):
        owner.add_pull_through_cache(f"cache{i:02d}", Upstream.quay(), scan_frequency=None)
    assert_refused(lambda: owner.add_pull_through_cache("cache50", Upstream.quay(), scan_frequency=None),
                   [pinned], "prefix", ["at most 50 pull-through cache rules per registry", "would be rule 51"])


def test_a_root_cache_is_templated_and_scanned_as_root(pinned: TerraformStack) -> None:
    Registry(pinned).add_pull_through_cache("ROOT", Upstream.ecr_public())
    synth = synth_json(pinned)
    assert resources_of(synth, TEMPLATE)["creation_template_ROOT"]["prefix"] == "ROOT"
    assert resources_of(synth, SCANNING)["registry_scanning"]["rule"][0]["repository_filter"] == [
        {"filter": "*", "filter_type": "WILDCARD"}]


@pytest.mark.parametrize("declared_first", [True, False])
def test_a_declared_template_replaces_the_caches_own(pinned: TerraformStack, declared_first: bool) -> None:
    owner = Registry(pinned)

    def declare() -> None:
        owner.add_creation_template("ecr-public", ["PULL_THROUGH_CACHE"], image_tag_mutability="IMMUTABLE",
                                    lifecycle_rules=[LifecycleRule(tag_status=TagStatus.ANY, max_image_count=5)])

    if declared_first:
        declare()
    cache = owner.add_pull_through_cache("ecr-public", Upstream.ecr_public())
    if not declared_first:
        declare()
    (template,) = templates(pinned).values()
    assert template["image_tag_mutability"] == "IMMUTABLE" and "description" not in template
    assert cache.template is owner.template_for("ecr-public") and not cache.template.added_by_owner


def test_a_cache_needs_a_template_that_serves_it(pinned: TerraformStack) -> None:
    owner = Registry(pinned)
    owner.add_creation_template("mirror", ["REPLICATION"])
    assert_refused(lambda: owner.add_pull_through_cache("mirror", Upstream.quay()), [pinned],
                   "creation_template", ["finds the prefix's template 'mirror', which applies only for "
                                         "['REPLICATION']"])
    owner.add_pull_through_cache("quay", Upstream.quay())
    assert_refused(lambda: owner.add_creation_template("quay", ["REPLICATION"]), [pinned], "applied_for",
                   ["leaves that cache's repositories without guardrails"])


# --------------------------------------------------------------------------- creation templates


def test_a_template_takes_the_guardrails_of_a_repository(pinned: TerraformStack) -> None:
    # GIVEN a template with every guardrail input
    rules = [LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=3),
             LifecycleRule(tag_pattern_list=["v*"], max_image_count=10)]
    Registry(pinned).add_creation_template(
        "team/",
        ["REPLICATION", "PULL_THROUGH_CACHE"],
        description="Team repositories created by ECR",
        image_tag_mutability="IMMUTABLE",
        kms_key_arn=KEY,
        lifecycle_rules=rules,
        protected_tags=["release-*"],
        pull_principal_arns=[f"arn:aws:iam::{ACCOUNT}:role/reader"],
        push_principal_arns=[ACCOUNT],
        tags={"Team": "platform"},
        custom_role_arn=ROLE,
    )
    synth = synth_json(pinned)
    # THEN the resource holds each of them, named for the prefix ("team/" and "team" are one)
    assert resources_of(synth, TEMPLATE) == {
        "creation_template_team": {
            "prefix": "team/",
            "applied_for": ["PULL_THROUGH_CACHE", "REPLICATION"],
            "description": "Team repositories created by ECR",
            "image_tag_mutability": "IMMUTABLE",
            "encryption_configuration": [{"encryption_type": "KMS", "kms_key": KEY}],
            # the same code as a repository's typed lifecycle rules
            "lifecycle_policy": lifecycle_policy_json(assemble_lifecycle_policy(rules, ["release-*"])),
            "repository_policy": "${data.aws_iam_policy_document.creation_template_team.json}",
            "resource_tags": {"Team": "platform"},
            "custom_role_arn": ROLE,
        }
    }
    # AND its repository policy has a repository's statements and actions
    assert synth["data"]["aws_iam_policy_document"]["creation_template_team"]["statement"] == [
        {"sid": "AllowPull", "effect": "Allow", "actions": list(PULL_ACTIONS),
         "principals": [{"type": "AWS", "identifiers": [f"arn:aws:iam::{ACCOUNT}:role/reader"]}]},
        {"sid": "AllowPush", "effect": "Allow", "actions": list(PUSH_ACTIONS),
         "principals": [{"type": "AWS", "identifiers": [ACCOUNT]}]},
    ]
    # AND a role given is used: none is created
    assert resources_of(synth, "aws_iam_role") == {}


def test_tags_alone_get_the_owners_role_and_no_rules_mean_no_lifecycle_policy(pinned: TerraformStack) -> None:
    Registry(pinned).add_creation_template("team", ["REPLICATION"], tags={"Team": "a"}, lifecycle_rules=())
    synth = synth_json(pinned)
    template = resources_of(synth, TEMPLATE)["creation_template_team"]
    assert "lifecycle_policy" not in template
    assert template["custom_role_arn"] == "${aws_iam_role.creation_template_role.arn}"
    # A role for tags only may not use any key
    policy = json.loads(resources_of(synth, "aws_iam_role_policy")["creation_template_role"]["policy"])
    assert [s["Action"] for s in policy["Statement"]] == [
        ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"]]


@pytest.mark.parametrize(
    "prefix, applied_for, options, parameter, fragment",
    [
        pytest.param("team", ["CREATE_ON_PUSH"], {}, "applied_for", "exists only in AWS provider 6.x",
                     marks=pytest.mark.skipif(LINE.aws_provider_major == 6, reason="6.x accepts it")),
        ("team", [], {}, "applied_for", "is not a non-empty list"),
        ("Team", ["REPLICATION"], {}, "prefix", "is not a valid repository prefix"),
        ("team", ["REPLICATION"], {"description": "x" * 256}, "description", "at most 255 characters"),
        ("team", ["REPLICATION"], {"pull_principal_arns": ["*"]}, "pull_principal_arns", "'*'"),
        ("team", ["REPLICATION"], {"lifecycle_rules": ["expire everything"]}, "lifecycle_rules[0]",
         "is a str; allowed: a LifecycleRule"),
        ("team", ["REPLICATION"], {"lifecycle_rules": [LifecycleRule(max_image_count=5, rule_priority=1)],
                                   "protected_tags": ["prod-*"]},
         "lifecycle_rules[0].rule_priority", "is not above the priorities 1 to 1"),
        ("team", ["REPLICATION"], {"custom_role_arn": "ecr-templates"}, "custom_role_arn",
         "is not an IAM role ARN"),
        ("team", ["REPLICATION"], {"image_tag_mutability": "immutable"}, "image_tag_mutability",
         "is not allowed"),
    ],
)
def test_bad_templates_are_refused_when_declared(
    pinned: TerraformStack, prefix: str, applied_for: Any, options: Dict[str, Any], parameter: str,
    fragment: str,
) -> None:
    owner = Registry(pinned)
    assert_refused(lambda: owner.add_creation_template(prefix, applied_for, **options), [pinned],
                   parameter, [f"Registry '{pinned.node.path}/EcrRegistryScanning': creation template",
                               fragment])
    assert owner.creation_templates == ()


def test_a_templates_policy_has_a_repositorys_guards_and_partition_check(make_stack: MakeStack) -> None:
    # GIVEN a template granting pull to a role of the same stack (a token)
    from cdktf_cdktf_provider_aws.iam_role import IamRole

    from cdktf_aws_ecr.policy.repository_policy import (
        POLICY_SIZE_GUARD_CONDITION,
        WILDCARD_GUARD_CONDITION,
    )

    stack = make_stack(allowed_account_ids=[ACCOUNT])
    reader = IamRole(stack, "reader", assume_role_policy="{}")
    Registry(stack).add_creation_template("team", ["REPLICATION"], pull_principal_arns=[reader.arn])
    document = synth_json(stack)["data"]["aws_iam_policy_document"]["creation_template_team"]
    # THEN Terraform refuses a wildcard, or a policy too long for ECR, before it is written,
    # as for a repository
    assert [c["condition"] for c in document["lifecycle"]["postcondition"]] == [
        WILDCARD_GUARD_CONDITION, POLICY_SIZE_GUARD_CONDITION]
    # AND a principal of another partition is refused at synth
    china = make_stack("china", region="cn-north-1")
    Registry(china).add_creation_template("team", ["REPLICATION"],
                                          pull_principal_arns=[f"arn:aws:iam::{ACCOUNT}:role/reader"])
    assert_synth_refused(china, "statement 'AllowPull'", ["is in partition aws", "partition aws-cn"])


def test_one_template_per_prefix(pinned: TerraformStack) -> None:
    owner = Registry(pinned)
    owner.add_creation_template("team", ["REPLICATION"])
    assert_refused(lambda: owner.add_creation_template("team/", ["PULL_THROUGH_CACHE"]), [pinned],
                   "prefix", ["has one already"])


def test_a_templates_key_and_role_are_checked_against_the_registry(make_stack: MakeStack) -> None:
    europe = make_stack("europe", region="eu-west-1", allowed_account_ids=[ACCOUNT])
    Registry(europe).add_creation_template("team", ["REPLICATION"], kms_key_arn=KEY.replace(REGION, "eu-west-1"),
                                           custom_role_arn=ROLE.replace(ACCOUNT, "444455556666"))
    assert_synth_refused(europe, "custom_role_arn", ["is in account 444455556666; ECR only assumes a role of "
                                                      "the registry's own account"])
    other = make_stack("other", region="eu-central-1", allowed_account_ids=[ACCOUNT])
    Registry(other).add_creation_template("team", ["REPLICATION"], kms_key_arn=KEY)
    assert_synth_refused(other, "kms_key_arn", ["is in us-east-1"])


def test_addresses_follow_the_settings_not_the_construct_tree() -> None:
    # GIVEN the same settings declared by owners with different ids and call orders
    def build(owner_id: str, reverse: bool) -> Dict[str, Any]:
        stack = TerraformStack(Testing.app(), "registry")
        AwsProvider(stack, "aws", region=REGION, allowed_account_ids=[ACCOUNT])
        owner = Registry(stack, owner_id, kms_key_arn=KEY, registry_policy_scope="V2")
        steps = [
            lambda: owner.add_pull_through_cache("ecr-public", Upstream.ecr_public()),
            lambda: owner.add_creation_template("team", ["REPLICATION"], tags={"Team": "a"}),
            lambda: owner.allow_replication_from("777788889999"),
            lambda: owner.replicate(["team/"], [D("us-west-2")]),
        ]
        for step in reversed(steps) if reverse else steps:
            step()
        synth = synth_json(stack)
        return {kind: bodies for kind, bodies in synth["resource"].items()}

    # THEN every resource has the same address and body: renaming the owner moves nothing
    assert build("Registry", reverse=False) == build("PlatformRegistry", reverse=True)


# --------------------------------------------------------------------------- Terraform


def _offline_stack(outdir: Path) -> App:
    """Every registry setting in one stack, with a provider that needs no API call to plan."""
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "registry")
    AwsProvider(stack, "aws", region=REGION, access_key="test", secret_key="test",
                skip_credentials_validation=True, skip_requesting_account_id=True,
                skip_metadata_api_check="true")
    LocalBackend(stack, path=str(outdir / "terraform.tfstate"))
    owner = Registry(stack, account_id=ACCOUNT, kms_key_arn=KEY, registry_policy_scope="V2")
    owner.add_pull_through_cache("docker-hub", Upstream.docker_hub(), credential_secret=SECRET)
    owner.add_pull_through_cache("ecr-public", Upstream.ecr_public())
    owner.add_creation_template("team", ["REPLICATION"], tags={"Team": "platform"},
                                pull_principal_arns=[f"arn:aws:iam::{ACCOUNT}:role/reader"])
    owner.allow_replication_from("777788889999")
    owner.allow_pull_through_cache_for_organization("o-abcdefghij")
    # Three destination sets: three replication rules (the local endpoint accepts one)
    for i, region in enumerate(["us-west-2", "eu-west-1", "eu-central-1"]):
        Repository(stack, f"svc{i}", name=f"team/svc{i}", replicate_to=[D(region)])
    owner.replicate(["shared/"], [D("us-west-2"), D("eu-west-1", "444455556666")])
    app.synth()
    return app


@pytest.mark.terraform
def test_every_setting_validates_and_plans_without_an_api_call(tmp_path: Path, terraform_available: str) -> None:
    # GIVEN every registry setting, and replication merged into four rules
    _offline_stack(tmp_path)
    directory = tmp_path / "stacks" / "registry"
    synth = json.loads((directory / "cdk.tf.json").read_text())
    assert len(synth["resource"]["aws_ecr_replication_configuration"]["registry_replication"]
               ["replication_configuration"]["rule"]) == 4
    # WHEN terraform validates and plans it against an endpoint where nothing listens
    env = dict(os.environ, AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_EC2_METADATA_DISABLED="true")
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    validated = tf.run(["validate", "-no-color"], directory, env, check=False)
    planned = tf.run(["plan", "-input=false", "-no-color", "-lock=false", "-out=plan"], directory, env,
                     check=False)
    # THEN both succeed: the plan of these resources needs no AWS API
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert planned.returncode == 0, planned.stdout + planned.stderr
    shown = json.loads(tf.run(["show", "-json", "plan"], directory, env).stdout)
    created = sorted(c["address"] for c in shown["resource_changes"] if c["change"]["actions"] == ["create"])
    assert created == sorted([
        "aws_ecr_account_setting.account_setting_basic_scan_type_version",
        "aws_ecr_account_setting.account_setting_registry_policy_scope",
        "aws_ecr_pull_through_cache_rule.pull_through_cache_docker-hub",
        "aws_ecr_pull_through_cache_rule.pull_through_cache_ecr-public",
        "aws_ecr_registry_policy.registry_policy",
        "aws_ecr_registry_scanning_configuration.registry_scanning",
        "aws_ecr_replication_configuration.registry_replication",
        "aws_ecr_repository_creation_template.creation_template_docker-hub",
        "aws_ecr_repository_creation_template.creation_template_ecr-public",
        "aws_ecr_repository_creation_template.creation_template_team",
        "aws_iam_role.creation_template_role",
        "aws_iam_role_policy.creation_template_role",
        *(f"aws_ecr_{kind}.team--svc{i}" for i in range(3) for kind in ("repository", "lifecycle_policy")),
    ])


@pytest.mark.terraform
def test_the_example_app_with_every_registry_setting_validates(tmp_path: Path, terraform_available: str) -> None:
    from stacks import DeploySettings, build_app

    app = App(outdir=str(tmp_path))
    build_app(app, DeploySettings(state_dir=str(tmp_path / "state"), full_registry=True))
    app.synth()
    assert Testing.to_be_valid_terraform(str(tmp_path))


def test_a_templates_principal_list_variable_set_to_empty_writes_no_policy(pinned: TerraformStack) -> None:
    from cdktf import TerraformVariable

    # GIVEN a creation template whose only principals are a list variable
    pullers = TerraformVariable(pinned, "pullers", type="list(string)", default=[])
    Registry(pinned).add_creation_template("prod", ["REPLICATION"], pull_principal_arns=pullers.list_value)
    template = templates(pinned)["creation_template_prod"]
    # THEN Terraform writes its repository policy only when the list is not empty
    assert template["repository_policy"] == (
        "${(length(var.pullers) >= 1) ? data.aws_iam_policy_document.creation_template_prod.json : null}"
    )
