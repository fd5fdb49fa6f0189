"""The example app: one stack per environment, each with its own settings and state."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest
from cdktf import App, Testing
from conftest import AWS_CONSTRAINT, REPO_ROOT, only, resources_of

from cdktf_aws_ecr import (
    PULL_ACTIONS,
    PUSH_ACTIONS,
    LifecycleRule,
    TagStatus,
    ValidationError,
    preview_lifecycle,
)
from cdktf_aws_ecr.lifecycle.simulator import tag_pattern_matches
from stacks import ENVIRONMENTS, DeploySettings, build_app
from stacks.environments import registry_groups

ENVIRONMENT_NAMES = ["dev", "prod", "stage"]


def synth_app(settings: DeploySettings) -> Dict[str, Dict[str, Any]]:
    app = Testing.app()
    stacks = build_app(app, settings)
    return {name: json.loads(Testing.synth(stack)) for name, stack in stacks.items()}


@pytest.fixture(scope="module")
def default_app() -> Dict[str, Dict[str, Any]]:
    return synth_app(DeploySettings(state_dir="/var/lib/ecr-state"))


@pytest.fixture(scope="module")
def shared_registry_app() -> Dict[str, Dict[str, Any]]:
    return synth_app(DeploySettings(region="us-east-1", account_id="123456789012", state_dir="/s"))


def repositories(synth: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {r["name"]: r for r in resources_of(synth, "aws_ecr_repository").values()}


def test_each_environment_has_its_own_region_default_tags_and_state(default_app) -> None:
    assert sorted(default_app) == ENVIRONMENT_NAMES
    regions = {name: synth["provider"]["aws"][0]["region"] for name, synth in default_app.items()}
    assert regions == {"dev": "us-east-2", "stage": "us-west-2", "prod": "us-east-1"}
    for name, synth in default_app.items():
        tags = synth["provider"]["aws"][0]["default_tags"][0]["tags"]
        assert tags == {"Environment": name, "ManagedBy": "cdktf", "Project": "ecr-guardrails"}
        assert synth["terraform"]["backend"] == {
            "local": {"path": f"/var/lib/ecr-state/terraform.{name}.tfstate"}
        }
        assert synth["terraform"]["required_providers"]["aws"] == {
            "source": "hashicorp/aws",
            "version": AWS_CONSTRAINT,
        }
        assert synth["terraform"]["required_version"] == ">= 1.5.0"


def test_s3_backend_is_switched_on_by_configuration() -> None:
    settings = DeploySettings.from_environ(
        {"ECR_STATE_BUCKET": "acme-tf-state", "ECR_STATE_REGION": "eu-central-1"}
    )
    backends = {name: synth["terraform"]["backend"] for name, synth in synth_app(settings).items()}
    for name, backend in backends.items():
        assert backend == {
            "s3": {
                "bucket": "acme-tf-state",
                "key": f"ecr-guardrails/{name}/terraform.tfstate",
                "region": "eu-central-1",
                "encrypt": True,
                "use_lockfile": True,
            }
        }


def test_settings_come_from_the_environment() -> None:
    settings = DeploySettings.from_environ(
        {"ECR_REGION": "eu-west-1", "ECR_ACCOUNT_ID": "111122223333", "ECR_STATE_DIR": "state"}
    )
    assert settings.region == "eu-west-1" and settings.account_id == "111122223333"
    assert settings.state_dir == os.path.abspath("state")
    assert DeploySettings.from_environ({}).state_bucket is None


@pytest.mark.parametrize(
    "value, full", [(None, False), ("", False), ("0", False), ("off", False), ("1", True), ("TRUE", True),
                    ("yes", True), ("on", True)],
)
def test_the_full_registry_is_a_switch_that_is_off_by_default(value, full) -> None:
    environ = {} if value is None else {"ECR_FULL_REGISTRY": value}
    assert DeploySettings.from_environ(environ).full_registry is full


def test_the_rehearsal_leaves_the_full_registry_off(tmp_path: Path) -> None:
    from devtools import rehearse

    env = rehearse.rehearsal_environ(tmp_path, base={"ECR_FULL_REGISTRY": "1", "PATH": os.environ["PATH"]})
    assert "ECR_FULL_REGISTRY" not in env
    assert DeploySettings.from_environ(env).full_registry is False


def test_a_full_registry_switch_that_is_neither_on_nor_off_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        DeploySettings.from_environ({"ECR_FULL_REGISTRY": "maybe"})
    assert error.value.parameter == "ECR_FULL_REGISTRY"
    assert "one of 1, true, yes, on, 0, false, no, off (any case), or unset" in str(error.value)


def _replication_rules(synth: Dict[str, Any]) -> Any:
    configuration = only(resources_of(synth, "aws_ecr_replication_configuration"))
    return configuration["replication_configuration"]["rule"]


def test_prod_replicates_to_a_second_region_in_one_rule(default_app, shared_registry_app) -> None:
    # GIVEN the default app (accounts unpinned) and the rehearsal's (one pinned account)
    for synth, account in ((default_app["prod"], "${data.aws_caller_identity.registry_account.account_id}"),
                           (shared_registry_app["prod"], "123456789012")):
        # THEN prod's two repositories replicate to us-west-1 through one rule (the local
        # endpoint accepts no more), and nothing the local endpoint cannot create is there
        assert _replication_rules(synth) == [{
            "destination": [{"region": "us-west-1", "registry_id": account}],
            "repository_filter": [{"filter": "prod/accounts-service", "filter_type": "PREFIX_MATCH"},
                                  {"filter": "prod/web-frontend", "filter_type": "PREFIX_MATCH"}],
        }]
        for kind in ("aws_ecr_account_setting", "aws_ecr_pull_through_cache_rule",
                     "aws_ecr_repository_creation_template", "aws_ecr_registry_policy"):
            assert kind not in synth["resource"], kind
    for synth in (default_app["dev"], default_app["stage"], shared_registry_app["dev"]):
        assert "aws_ecr_replication_configuration" not in synth["resource"]
    assert DeploySettings.from_environ({"ECR_REPLICA_REGION": "eu-west-1"}).apply(ENVIRONMENTS[2]).replica_region \
        == "eu-west-1"
    assert DeploySettings(replica_region="eu-west-1").apply(ENVIRONMENTS[0]).replica_region is None


def test_the_full_registry_adds_what_the_local_endpoint_cannot_create() -> None:
    # GIVEN the app with ECR_FULL_REGISTRY on
    app = synth_app(DeploySettings(state_dir="/s", full_registry=True))
    prod = app["prod"]
    # THEN every registry owner writes the basic scan engine (prod for two registries)
    for name in ("dev", "stage"):
        assert resources_of(app[name], "aws_ecr_account_setting") == {
            "account_setting_basic_scan_type_version": {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"}}
    assert sorted(resources_of(prod, "aws_ecr_account_setting")) == [
        "account_setting_basic_scan_type_version", "account_setting_basic_scan_type_version___replica"]
    # AND prod caches ECR Public, with a template that uses prod's key, and scans it on push
    assert resources_of(prod, "aws_ecr_pull_through_cache_rule") == {
        "pull_through_cache_ecr-public": {"ecr_repository_prefix": "ecr-public",
                                          "upstream_registry_url": "public.ecr.aws"}}
    templates = resources_of(prod, "aws_ecr_repository_creation_template")
    cache = templates["creation_template_ecr-public"]
    assert (cache["applied_for"], cache["image_tag_mutability"], cache["encryption_configuration"]) == (
        ["PULL_THROUGH_CACHE"], "MUTABLE", [{"encryption_type": "KMS", "kms_key": "${aws_kms_key.ecr_key.arn}"}])
    assert {"filter": "ecr-public/*", "filter_type": "WILDCARD"} in [
        f for r in only(resources_of(prod, "aws_ecr_registry_scanning_configuration"))["rule"]
        for f in r["repository_filter"]]
    # AND the replicas' registry (us-west-1, through an aliased provider) gives them guardrails
    replicas = templates["creation_template_ROOT___replica"]
    assert (replicas["applied_for"], replicas["image_tag_mutability"], replicas["provider"],
            replicas["encryption_configuration"]) == (
        ["REPLICATION"], "IMMUTABLE", "aws.replica",
        [{"encryption_type": "KMS", "kms_key": "${aws_kms_key.replica_ecr_key.arn}"}])
    assert resources_of(prod, "aws_kms_key")["replica_ecr_key"]["provider"] == "aws.replica"


def test_dev_allows_mutable_tags_and_force_delete(default_app) -> None:
    for repository in repositories(default_app["dev"]).values():
        assert repository["image_tag_mutability"] == "MUTABLE"
        assert repository["force_delete"] is True
        assert "lifecycle" not in repository


def test_prod_is_immutable_encrypted_with_its_own_rotating_key_and_protected(default_app) -> None:
    prod = default_app["prod"]
    key_id, key = next(iter(resources_of(prod, "aws_kms_key").items()))
    assert key["enable_key_rotation"] is True
    assert sorted(repositories(prod)) == ["prod/accounts-service", "prod/web-frontend"]
    for repository in repositories(prod).values():
        assert repository["image_tag_mutability"] == "IMMUTABLE"
        assert repository["force_delete"] is False
        assert repository["encryption_configuration"] == [
            {"encryption_type": "KMS", "kms_key": f"${{aws_kms_key.{key_id}.arn}}"}
        ]
        assert repository["lifecycle"]["prevent_destroy"] is True
        # The key is created in the same stack, so Terraform checks it is a key ARN at plan.
        (key_check,) = repository["lifecycle"]["precondition"]
        assert key_check["condition"] == (
            f'${{can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{{12}}:key/", aws_kms_key.{key_id}.arn))}}'
        )
        assert key_check["error_message"].startswith("cdktf_aws_ecr: Repository 'prod/")


def test_prod_ci_role_may_push_task_execution_role_and_lambda_may_only_pull(default_app) -> None:
    prod = default_app["prod"]
    roles = resources_of(prod, "aws_iam_role")
    role_ids = {role["name"]: role_id for role_id, role in roles.items()}
    assert sorted(role_ids) == ["prod-ci-image-push", "prod-ecs-task-execution"]
    (function,) = next(e for e in ENVIRONMENTS if e.name == "prod").image_functions
    documents = prod["data"]["aws_iam_policy_document"].values()
    assert len(documents) == 2
    for document in documents:
        # grant_push(ci_role), grant_pull(task_execution_role) and the Lambda function's
        # pull grant, in the library's order: the IAM statements, then the service's.
        assert document["statement"] == [
            {
                "sid": "AllowPull",
                "effect": "Allow",
                "actions": list(PULL_ACTIONS),
                "principals": [
                    {
                        "type": "AWS",
                        "identifiers": [f"${{aws_iam_role.{role_ids['prod-ecs-task-execution']}.arn}}"],
                    }
                ],
            },
            {
                "sid": "AllowPush",
                "effect": "Allow",
                "actions": list(PUSH_ACTIONS),
                "principals": [
                    {"type": "AWS", "identifiers": [f"${{aws_iam_role.{role_ids['prod-ci-image-push']}.arn}}"]}
                ],
            },
            {
                "sid": "AllowPullLambdaBySourceArn",
                "effect": "Allow",
                "actions": list(PULL_ACTIONS),
                "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
                "condition": [{"test": "ArnLike", "variable": "aws:SourceArn", "values": [function]}],
            },
        ]


def test_prod_roles_log_in_through_the_librarys_policy_which_takes_over_the_old_one(default_app) -> None:
    prod = default_app["prod"]
    # GIVEN two repositories that each grant both roles
    assert len(resources_of(prod, "aws_ecr_repository")) == 2
    # THEN each role has exactly one registry-login inline policy, named as before
    policies = resources_of(prod, "aws_iam_role_policy")
    login = {"Version": "2012-10-17", "Statement": [{"Sid": "AllowRegistryLogin", "Effect": "Allow",
                                                     "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]}
    assert {key: (p["role"], p["name"], json.loads(p["policy"])) for key, p in policies.items()} == {
        "ci_build_role_registry_login": ("${aws_iam_role.ci_build_role.name}", "ecr-registry-login", login),
        "ecs_task_execution_role_registry_login": (
            "${aws_iam_role.ecs_task_execution_role.name}", "ecr-registry-login", login
        ),
    }
    # AND the hand-written policies of earlier releases move into them (an in-place update)
    moves = {m["from"]: m["to"] for m in prod["moved"] if m["from"].startswith("aws_iam_role_policy.")}
    assert moves == {
        "aws_iam_role_policy.ci_build_registry_login": "aws_iam_role_policy.ci_build_role_registry_login",
        "aws_iam_role_policy.ecs_task_execution_registry_login": (
            "aws_iam_role_policy.ecs_task_execution_role_registry_login"
        ),
    }
    # AND dev and stage, which have no roles, have no identity policies
    assert all("aws_iam_role_policy" not in default_app[name].get("resource", {}) for name in ("dev", "stage"))


def test_every_repository_exposes_the_five_outputs(default_app) -> None:
    for synth in default_app.values():
        outputs = synth["output"]
        assert len(outputs) == 5 * 2
        environment = synth["provider"]["aws"][0]["default_tags"][0]["tags"]["Environment"]
        for key, service in (("accounts_service", "accounts-service"), ("web_frontend", "web-frontend")):
            # The address follows the repository name (see cdktf_aws_ecr.addresses).
            repository_id = f"{environment}--{service}"
            assert resources_of(synth, "aws_ecr_repository")[repository_id]["name"] == f"{environment}/{service}"
            for attribute in ("id", "name", "arn", "repository_url", "registry_id"):
                assert outputs[f"{key}_{attribute}"]["value"] == (
                    f"${{aws_ecr_repository.{repository_id}.{attribute}}}"
                )


def test_each_region_owns_its_registry_scanning(default_app) -> None:
    assert "aws_ecr_registry_scanning_configuration" not in default_app["dev"]["resource"]
    assert "aws_ecr_registry_scanning_configuration" not in default_app["stage"]["resource"]
    configuration = only(resources_of(default_app["prod"], "aws_ecr_registry_scanning_configuration"))
    assert configuration["scan_type"] == "ENHANCED"
    assert configuration["rule"] == [
        {
            "scan_frequency": "CONTINUOUS_SCAN",
            "repository_filter": [
                {"filter": "prod/accounts-service*", "filter_type": "WILDCARD"},
                {"filter": "prod/web-frontend*", "filter_type": "WILDCARD"},
            ],
        }
    ]


def test_environments_sharing_a_registry_have_one_owner_that_keeps_their_scanning(
    shared_registry_app,
) -> None:
    for name in ("dev", "stage"):
        synth = shared_registry_app[name]
        assert "aws_ecr_registry_scanning_configuration" not in synth["resource"]
        assert synth["provider"]["aws"][0]["allowed_account_ids"] == ["123456789012"]
    configuration = only(
        resources_of(shared_registry_app["prod"], "aws_ecr_registry_scanning_configuration")
    )
    rules = {r["scan_frequency"]: [f["filter"] for f in r["repository_filter"]] for r in configuration["rule"]}
    assert rules == {
        "CONTINUOUS_SCAN": ["prod/accounts-service*", "prod/web-frontend*"],
        # dev and stage asked for scan_on_push; ENHANCED would otherwise switch it off. Their
        # namespaces are rules, so a repository they add is scanned even if deployed before prod.
        "SCAN_ON_PUSH": ["dev/*", "stage/*"],
    }


@pytest.mark.parametrize("owners", [(), ("dev", "prod")])
def test_a_shared_registry_needs_exactly_one_owner(owners) -> None:
    from dataclasses import replace

    environments = tuple(
        replace(e, region="eu-west-1", registry_owner=e.name in owners) for e in ENVIRONMENTS
    )
    with pytest.raises(ValidationError) as error:
        registry_groups(environments)
    assert error.value.parameter == "registry_owner"
    assert f"marks {len(owners)} owners among environments [dev, prod, stage]" in str(error.value)
    assert "exactly one environment with registry_owner=True" in str(error.value)


def test_pinned_distinct_accounts_do_not_share_a_registry() -> None:
    from dataclasses import replace

    environments = tuple(
        replace(e, region="eu-west-1", account_id=f"{i}" * 12) for i, e in enumerate(ENVIRONMENTS, 1)
    )
    assert sorted(registry_groups(environments)) == ENVIRONMENT_NAMES


@pytest.mark.terraform
def test_every_stack_of_the_app_is_valid_terraform(tmp_path: Path) -> None:
    app = App(outdir=str(tmp_path))
    build_app(app, DeploySettings(state_dir=str(tmp_path / "state")))
    app.synth()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == ENVIRONMENT_NAMES
    assert Testing.to_be_valid_terraform(str(tmp_path))


@pytest.mark.slow
def test_cdktf_cli_synth_writes_one_stack_per_environment_with_the_lean_start(tmp_path: Path) -> None:
    cdktf = REPO_ROOT / "node_modules" / ".bin" / "cdktf"
    assert cdktf.exists(), "run `make setup` (npm ci) first"
    env = {
        **os.environ,
        "CDKTF_AWS_ECR_REQUIRE_LEAN": "1",  # synth fails if the bindings would start the slow way
        "ECR_STATE_DIR": str(tmp_path / "state"),
        "CI": "1",
    }
    result = subprocess.run(
        [str(cdktf), "synth", "--output", str(tmp_path / "out")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stacks = sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir())
    assert stacks == ENVIRONMENT_NAMES
    for name in stacks:
        synth = json.loads((tmp_path / "out" / "stacks" / name / "cdk.tf.json").read_text())
        assert synth["terraform"]["backend"]["local"]["path"] == str(
            tmp_path / "state" / f"terraform.{name}.tfstate"
        )


# --------------------------------------------------------------------------- lifecycle policies

PREVIEW_NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _tag(entry: str, number: int) -> str:
    """A tag that a tag-list entry matches: a pattern's '*' filled in, or a prefix extended."""
    return entry.replace("*", str(number)) if "*" in entry else f"{entry}{number}"


def synthetic_images(rules: Sequence[LifecycleRule], protected: Sequence[str]) -> List[Dict[str, Any]]:
    """Images for an environment's rules: two untagged (one each side of the age limit) and,
    per count rule, its keep count plus 2 + len(protected) images, newest first. The
    protected patterns are put on images beyond a window: pattern j on image N+1+j of
    the j-th count rule (cycling), so without protection they would expire."""
    images: List[Dict[str, Any]] = []
    count_rules = [rule for rule in rules if rule.max_image_count is not None]
    for rule in rules:
        if rule.tag_status is TagStatus.UNTAGGED:
            for days in (rule.max_image_age_days - 1, rule.max_image_age_days + 1):
                images.append({"digest": f"untagged-{days}d", "tags": [],
                               "pushed_at": PREVIEW_NOW - timedelta(days=days)})
    for family, rule in enumerate(count_rules):
        (entry,) = rule.tag_prefix_list or rule.tag_pattern_list
        for rank in range(1, rule.max_image_count + 3 + len(protected)):
            tags = [_tag(entry, rank)]
            for j, pattern in enumerate(protected):
                if j % len(count_rules) == family and rank == rule.max_image_count + 1 + j:
                    tags.append(_tag(pattern, rank) if "*" in pattern else pattern)
            images.append({"digest": f"{entry.strip('*')}-{rank}", "tags": tags,
                           "pushed_at": PREVIEW_NOW - timedelta(hours=family * 1000 + rank)})
    return images


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=[e.name for e in ENVIRONMENTS])
def test_the_example_policies_expire_images_beyond_their_keep_counts_and_never_a_protected_tag(
    default_app, environment
) -> None:
    """The example stacks' policies, previewed on a synthetic image list, expire tagged
    images beyond their keep counts and never expire a protected tag."""
    rules = environment.repository_defaults["lifecycle_rules"]
    protected = environment.repository_defaults["protected_tags"]
    images = synthetic_images(rules, protected)
    # Expected without the policy's help: a count rule's images beyond its keep count
    # expire unless protected; untagged images older than the limit expire.
    protected_digests = {
        image["digest"] for image in images
        if any(tag_pattern_matches(pattern, tag) for pattern in protected for tag in image["tags"])
    }
    (age_limit,) = [rule.max_image_age_days for rule in rules if rule.tag_status is TagStatus.UNTAGGED]
    expected = {f"untagged-{age_limit + 1}d"}
    for rule in rules:
        if rule.max_image_count is not None:
            (entry,) = rule.tag_prefix_list or rule.tag_pattern_list
            expected |= {f"{entry.strip('*')}-{rank}"
                         for rank in range(rule.max_image_count + 1, rule.max_image_count + 3 + len(protected))}
    expected -= protected_digests
    assert protected_digests and len(expected) >= 3  # the list exercises both sides
    policies = [body["policy"] for body in resources_of(default_app[environment.name], "aws_ecr_lifecycle_policy").values()]
    assert len(policies) == len(environment.repositories)
    for policy in policies:
        # WHEN the synthesized policy is previewed
        preview = preview_lifecycle(policy, images, now=PREVIEW_NOW)
        # THEN exactly the images beyond their windows (and the old untagged one) expire
        assert set(preview.expired) == expected
        # AND every protected image is kept by its protecting rule, ahead of all others
        for digest in protected_digests:
            assert 1 <= preview.kept[digest] <= len(protected), digest


def test_the_lifecycle_guide_shows_the_preview_of_prods_synthesized_policy(default_app) -> None:
    # GIVEN prod's synthesized policy and the image list of docs/lifecycle.md
    from devtools import docs

    policy = resources_of(default_app["prod"], "aws_ecr_lifecycle_policy")["prod--accounts-service"]["policy"]
    images = json.loads((REPO_ROOT / docs.PREVIEW_IMAGES).read_text())
    preview = preview_lifecycle(policy, images, now=docs.PREVIEW_NOW)
    # THEN two releases beyond the window of 30 and the untagged image older than 14 days expire
    tags = {image["digest"]: image["tags"] for image in images}
    assert sorted(tags[digest][0] if tags[digest] else "<untagged>" for digest in preview.expired) == [
        "<untagged>", "v2.1.0", "v2.3.0",
    ]
    # AND docs/lifecycle.md shows this very preview, as the command prints it
    guide = docs.LOCATIONS["prod-lifecycle-preview"].read_text(encoding="utf-8")
    assert docs.prod_lifecycle_preview() in guide
    assert "3 of 35 images would expire" in guide
