"""Inputs that real code passes: tokens, per-resource providers, any call order.

Each test builds what a platform team writes (variables and locals for shared
tags, an aliased provider for a second region, providers created late or in a
helper construct, several stacks) and reads GIVEN / WHEN / THEN. Tests marked
``terraform`` run the real ``terraform validate`` or ``plan``; the plans run
against the local AWS endpoint.
"""

from __future__ import annotations

import inspect
import json
import pydoc
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict

import pytest
from cdktf import App, Fn, TerraformLocal, TerraformStack, TerraformVariable, Testing, Token
from cdktf_cdktf_provider_aws.ecs_task_definition import EcsTaskDefinition
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from conftest import ACCOUNT, AWS_CONSTRAINT, only, resources_of, synth_error, synth_json
from constructs import Construct

import cdktf_aws_ecr
from cdktf_aws_ecr import RegistryScanning, Repository, ValidationError
from devtools import terraform as tf
from devtools.reference import INPUTS

OTHER_ACCOUNT = "210987654321"
EU_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
US_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CONFIG = "aws_ecr_registry_scanning_configuration"


def repository_of(synth: Dict[str, Any], name: str) -> Dict[str, Any]:
    (found,) = [r for r in resources_of(synth, "aws_ecr_repository").values() if r["name"] == name]
    return found


# --------------------------------------------------------------------------- one definition


def test_help_shows_every_argument_with_its_default_and_allowed_values() -> None:
    # GIVEN the documentation a user reads
    text = pydoc.render_doc(Repository, renderer=pydoc.plaintext)
    # THEN every input is there with its type, default, description and allowed values
    for spec in INPUTS:
        assert f"{spec.name} ({spec.type}, default {spec.default})" in text, spec.name
        assert spec.description.replace("`", "")[:60] in text, spec.name
        assert f"Allowed: {spec.allowed.replace('`', '')}." in text, spec.name
    # AND the signature lists each keyword with its default, after scope and id
    parameters = inspect.signature(Repository).parameters
    assert list(parameters)[:2] == ["scope", "id"]
    assert [p for p in parameters][2:] == [spec.name for spec in INPUTS]
    assert parameters["image_tag_mutability"].default == "IMMUTABLE"
    assert parameters["name"].default is inspect.Parameter.empty


def test_unknown_or_missing_keywords_are_type_errors_like_python(stack: TerraformStack) -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'nmae'; did you mean 'name'"):
        Repository(stack, "repo", nmae="svc")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing required keyword argument 'name'"):
        Repository(stack, "repo")  # type: ignore[call-arg]
    assert stack.node.try_find_child("repo") is None


# --------------------------------------------------------------------------- tokens


def _shared_tag_sources(stack: TerraformStack) -> Dict[str, Any]:
    variable = TerraformVariable(stack, "shared_tags", type="map(string)")
    local = TerraformLocal(stack, "common", {"Team": "payments", "CostCenter": "42"})
    return {
        "variable": (Token.as_string_map(variable.value), "${var.shared_tags}"),
        "local": (local.as_string_map, "${local.common}"),
        "merge": (Fn.merge([local.as_string_map, {"Service": "api"}]),
                  '${merge(local.common, {"Service" = "api"})}'),
    }


@pytest.mark.parametrize("source", ["variable", "local", "merge"])
def test_a_whole_tag_map_may_be_a_token(stack: TerraformStack, source: str) -> None:
    # GIVEN the common "shared tags" patterns: a map variable, a local, Fn.merge
    tags, expression = _shared_tag_sources(stack)[source]
    # WHEN one is passed as tags
    Repository(stack, "repo", name="svc", tags=tags)
    repository = repository_of(synth_json(stack), "svc")
    # THEN it reaches the repository as a Terraform expression
    assert repository["tags"] == expression
    # AND Terraform checks at plan what could not be checked at synth, with our message
    (check,) = repository["lifecycle"]["precondition"]
    inner = expression[2:-1]
    assert check["condition"] == (
        f"${{alltrue([for k, v in merge({inner}) : length(k) >= 1 && length(k) <= 128 && "
        f'length(v) <= 256 && !startswith(lower(k), "aws:")]) && '
        f"length(setunion(keys(merge({inner})), [])) <= 50}}"
    )
    assert check["error_message"].startswith(f"cdktf_aws_ecr: Repository '{stack.node.path}/repo': tags")


def test_boolean_and_number_variables_are_accepted(stack: TerraformStack) -> None:
    # GIVEN booleans and a number that come from variables
    flags = {n: TerraformVariable(stack, n, type="bool").boolean_value
             for n in ("force_delete", "scan_on_push", "enable_lifecycle_policy")}
    keep = TerraformVariable(stack, "keep", type="number").number_value
    Repository(stack, "repo", name="svc", max_tagged_image_count=keep, **flags)
    synth = synth_json(stack)
    repository = repository_of(synth, "svc")
    # THEN they become references, and the lifecycle policy exists only when the flag is true
    assert repository["force_delete"] == "${var.force_delete}"
    assert repository["image_scanning_configuration"] == {"scan_on_push": "${var.scan_on_push}"}
    policy = only(resources_of(synth, "aws_ecr_lifecycle_policy"))
    assert policy["count"] == "${var.enable_lifecycle_policy ? 1 : 0}"
    assert '"countNumber" = var.keep' in policy["policy"]


def test_a_token_scan_on_push_stays_covered_in_an_enhanced_registry(stack: TerraformStack) -> None:
    # GIVEN an ENHANCED registry and a repository whose scan_on_push is a variable
    Repository(stack, "enhanced", name="enhanced", enhanced_scanning=True, scan_on_push=False)
    Repository(stack, "maybe", name="maybe",
               scan_on_push=TerraformVariable(stack, "scan", type="bool").boolean_value)
    # THEN it is put in the SCAN_ON_PUSH rule: if the variable is true it would otherwise be unscanned
    rules = only(resources_of(synth_json(stack), CONFIG))["rule"]
    assert {r["scan_frequency"]: [f["filter"] for f in r["repository_filter"]] for r in rules} == {
        "CONTINUOUS_SCAN": ["enhanced*"], "SCAN_ON_PUSH": ["maybe*"]
    }


@pytest.mark.parametrize(
    "parameter, reason",
    [("enhanced_scanning", "the registry's scanning configuration is laid out at synth"),
     ("prevent_destroy", "Terraform's lifecycle.prevent_destroy must be a literal")],
)
def test_booleans_that_shape_the_plan_refuse_tokens_saying_why(
    stack: TerraformStack, parameter: str, reason: str
) -> None:
    flag = TerraformVariable(stack, "flag", type="bool").boolean_value
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="svc", **{parameter: flag})
    assert caught.value.parameter == parameter
    assert f"is an unresolved token; allowed: True or False as a plain value: {reason}" in str(caught.value)
    assert stack.node.try_find_child("repo") is None


@pytest.mark.parametrize(
    "inputs, parameter",
    [
        ({"name": "${TfToken[TOKEN.99999]}"}, "name"),
        ({"tags": {"&{TfToken[TOKEN.99999]}": "String Map Token Value"}}, "tags"),
        ({"kms_key_arn": "${TfToken[TOKEN.99999]}"}, "kms_key_arn"),
        ({"pull_principal_arns": ["#{TfToken[TOKEN.99999]}"]}, "pull_principal_arns"),
        ({"force_delete": "${TfToken[TOKEN.99999]}"}, "force_delete"),
    ],
)
def test_forged_tokens_are_refused(stack: TerraformStack, inputs: Dict[str, Any], parameter: str) -> None:
    inputs.setdefault("name", "svc")
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", **inputs)
    assert caught.value.parameter == parameter


@pytest.mark.terraform
def test_token_inputs_pass_terraform_validate(stack: TerraformStack, terraform_available: str) -> None:
    # GIVEN every kind of token a stack passes, in one stack
    sources = _shared_tag_sources(stack)
    name = TerraformVariable(stack, "repository_name", type="string").string_value
    key = TerraformVariable(stack, "key", type="string").string_value
    pullers = TerraformVariable(stack, "pullers", type="list(string)").list_value
    prefixes = TerraformVariable(stack, "prefixes", type="list(string)").list_value
    flag = TerraformVariable(stack, "flag", type="bool").boolean_value
    days = TerraformVariable(stack, "days", type="number").number_value
    Repository(stack, "tokens", name=name, kms_key_arn=key, pull_principal_arns=pullers,
               lifecycle_tag_prefix_list=prefixes, force_delete=flag, enable_lifecycle_policy=flag,
               untagged_image_expiry_days=days, tags=sources["merge"][0])
    Repository(stack, "local_tags", name="svc", tags=sources["local"][0], scan_on_push=flag)
    Repository(stack, "variable_tags", name="other", tags={"Owner": key, key: "x"})
    # THEN terraform init (offline) and validate accept it
    assert Testing.to_be_valid_terraform(Testing.full_synth(stack))


def _plan(directory: Path, env: Dict[str, str], *variables: str) -> subprocess.CompletedProcess:
    args = ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"]
    for assignment in variables:
        args += ["-var", assignment]
    return tf.run(args, directory, env, check=False)


@pytest.mark.terraform
@pytest.mark.e2e
def test_checks_moved_to_terraform_stop_the_plan_with_our_message(local_aws, tmp_path: Path) -> None:
    # GIVEN a stack whose tags, name and counts are variables
    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "tokens")
    AwsProvider(stack, "aws", region="us-east-1",
                default_tags=[AwsProviderDefaultTags(tags={"Environment": "dev"})])
    tags = TerraformVariable(stack, "tags", type="map(string)")
    name = TerraformVariable(stack, "repository_name", type="string")
    days = TerraformVariable(stack, "days", type="number")
    Repository(stack, "repo", name=name.string_value, tags=Token.as_string_map(tags.value),
               untagged_image_expiry_days=days.number_value)
    app.synth()
    directory = tmp_path / "stacks" / "tokens"
    env = local_aws.environ()
    good = ['tags={"Team"="payments","Cost Center"="R&D, #42"}', "repository_name=svc", "days=7"]
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    # WHEN the values are fine  THEN the plan succeeds
    assert _plan(directory, env, *good).returncode == 0
    # WHEN a value is one AWS would reject at apply  THEN the plan stops, naming the input
    cases = [
        ('tags={"aws:reserved"="x"}', "tags"),
        ("tags=" + json.dumps({f"k{i}": "v" for i in range(50)}).replace(":", "="), "tags"),
        ("repository_name=Not_Valid", "name"),
        ("days=0", "untagged_image_expiry_days"),
    ]

    def planned(bad: str) -> subprocess.CompletedProcess:
        values = [v for v in good if not v.startswith(bad.split("=")[0] + "=")] + [bad]
        return _plan(directory, env, *values)

    with ThreadPoolExecutor(len(cases)) as pool:
        results = list(pool.map(planned, [bad for bad, _ in cases]))
    for (bad, parameter), result in zip(cases, results):
        assert result.returncode == 1, (bad, result.stdout)
        output = " ".join((result.stdout + result.stderr).split())
        assert f"cdktf_aws_ecr: Repository 'tokens/repo': {parameter} is not allowed" in output, (bad, output)


# --------------------------------------------------------------------------- provider=


def _two_region_stack(app: App) -> TerraformStack:
    stack = TerraformStack(app, "global")
    AwsProvider(stack, "aws", region="us-east-1")
    europe = AwsProvider(stack, "eu", region="eu-west-1", alias="eu")
    Repository(stack, "us_api", name="api", enhanced_scanning=True)
    Repository(stack, "us_web", name="web", scan_on_push=True)
    Repository(stack, "eu_api", name="api", enhanced_scanning=True, provider=europe,
               enhanced_scan_frequency="SCAN_ON_PUSH", kms_key_arn=EU_KEY)
    return stack


def test_two_regions_in_one_stack_get_one_scanning_configuration_each(app: App) -> None:
    # GIVEN a default us-east-1 provider and an aliased eu-west-1 one, enhanced repositories in both
    stack = _two_region_stack(app)
    synth = synth_json(stack)
    # THEN each region has its own configuration, on its own provider, with only its repositories
    configurations = sorted(resources_of(synth, CONFIG).values(), key=lambda c: c.get("provider", ""))
    assert configurations == [
        {"scan_type": "ENHANCED", "rule": [
            {"scan_frequency": "CONTINUOUS_SCAN", "repository_filter": [{"filter": "api*", "filter_type": "WILDCARD"}]},
            {"scan_frequency": "SCAN_ON_PUSH", "repository_filter": [{"filter": "web*", "filter_type": "WILDCARD"}]},
        ]},
        {"scan_type": "ENHANCED", "provider": "aws.eu", "rule": [
            {"scan_frequency": "SCAN_ON_PUSH", "repository_filter": [{"filter": "api*", "filter_type": "WILDCARD"}]},
        ]},
    ]
    # AND the same name in the two regions is fine; the eu repository is on the eu provider
    europe = [r for r in resources_of(synth, "aws_ecr_repository").values() if r.get("provider") == "aws.eu"]
    assert [r["name"] for r in europe] == ["api"]
    # AND the eu key was checked against eu-west-1, not the default provider's region
    assert europe[0]["encryption_configuration"] == [{"encryption_type": "KMS", "kms_key": EU_KEY}]
    assert RegistryScanning.of(stack).location.region == "us-east-1"


def test_region_checks_use_the_repositorys_provider(app: App) -> None:
    # GIVEN a repository on the eu provider  WHEN its key is in the default provider's region
    stack = TerraformStack(app, "global")
    AwsProvider(stack, "aws", region="us-east-1")
    europe = AwsProvider(stack, "eu", region="eu-west-1", alias="eu")
    Repository(stack, "eu_api", name="api", provider=europe, kms_key_arn=US_KEY)
    # THEN synth refuses it, naming eu-west-1
    error = synth_error(stack)
    assert error.parameter == "kms_key_arn"
    assert "is in us-east-1, and ECR needs a key in its own region eu-west-1" in str(error)


@pytest.mark.terraform
@pytest.mark.e2e
def test_two_regions_plan_against_the_local_endpoint_with_the_right_provider(
    local_aws, tmp_path: Path
) -> None:
    # GIVEN the two-region stack synthesized to disk
    app = App(outdir=str(tmp_path))
    _two_region_stack(app)
    app.synth()
    directory = tmp_path / "stacks" / "global"
    env = local_aws.environ()
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    tf.run(["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.bin"], directory, env)
    shown = json.loads(tf.run(["show", "-json", "plan.bin"], directory, env).stdout)
    # THEN every planned resource is bound to the provider of its region
    bound = {
        r["address"]: r.get("provider_config_key")
        for r in shown["configuration"]["root_module"]["resources"]
        if r["mode"] == "managed"
    }
    names = {
        c["address"]: c["change"]["after"].get("name") or c["change"]["after"].get("repository")
        for c in shown["resource_changes"]
    }
    eu = {a for a, key in bound.items() if key == "aws.eu"}
    assert len(eu) == 3  # repository, lifecycle policy, scanning configuration
    assert len(bound) - len(eu) == 5  # two repositories, two lifecycle policies, one configuration
    assert all(key in ("aws", "aws.eu") for key in bound.values())
    assert {names[a] for a in eu if names[a]} == {"api"}


def test_a_provider_of_another_stack_or_type_is_refused(app: App) -> None:
    first, second = TerraformStack(app, "first"), TerraformStack(app, "second")
    AwsProvider(first, "aws", region="us-east-1")
    foreign = AwsProvider(second, "aws", region="us-east-1")
    for provider, problem in ((foreign, "belongs to stack 'second'"), ("aws.eu", "is a str")):
        with pytest.raises(ValidationError) as caught:
            Repository(first, "repo", name="svc", provider=provider)
        assert caught.value.parameter == "provider"
        assert problem in str(caught.value)
    assert first.node.try_find_child("repo") is None


# --------------------------------------------------------------------------- call order


def test_a_repository_created_before_its_provider_is_still_checked(app: App) -> None:
    # GIVEN repositories created before the stack's provider (55 tags with the default tags;
    # a key of another region)
    stack = TerraformStack(app, "early")
    Repository(stack, "tagged", name="tagged", tags={f"k{i}": "v" for i in range(45)})
    AwsProvider(stack, "aws", region="us-east-1",
                default_tags=[AwsProviderDefaultTags(tags={f"d{i}": "v" for i in range(10)})])
    # THEN synth counts the provider's default tags
    error = synth_error(stack)
    assert (error.parameter, error.problem) == ("tags", "has 45 tags, 55 together with the provider's default_tags")
    # AND the same goes for the region of a KMS key
    stack2 = TerraformStack(app, "early_key")
    Repository(stack2, "keyed", name="keyed", kms_key_arn=EU_KEY)
    AwsProvider(stack2, "aws", region="us-east-1")
    assert synth_error(stack2).parameter == "kms_key_arn"


def test_a_provider_inside_a_helper_construct_is_found(app: App) -> None:
    # GIVEN two stacks whose providers live in a helper construct, in different regions
    stacks = []
    for name, region in (("use1", "us-east-1"), ("euw1", "eu-west-1")):
        stack = TerraformStack(app, name)
        AwsProvider(Construct(stack, "platform"), "aws", region=region)
        Repository(stack, "api", name="api", enhanced_scanning=True)
        stacks.append(stack)
    # THEN they are distinct registries: each writes its own configuration
    for stack in stacks:
        assert len(resources_of(synth_json(stack), CONFIG)) == 1
    assert RegistryScanning.of(stacks[1]).location.region == "eu-west-1"


# --------------------------------------------------------------------------- consistency


@pytest.mark.parametrize(
    "first, second, refused",
    [
        ({"region": "us-east-1", "allowed_account_ids": [ACCOUNT]},
         {"region": "us-east-1", "allowed_account_ids": [ACCOUNT]}, True),
        ({"region": "us-east-1"}, {"region": "us-east-1", "allowed_account_ids": [ACCOUNT]}, True),
        ({"region": "us-east-1"}, {"region": "us-east-1"}, True),
        ({"region": "us-east-1"}, {"region": "eu-west-1"}, False),
        ({"region": "us-east-1", "allowed_account_ids": [ACCOUNT]},
         {"region": "us-east-1", "allowed_account_ids": [OTHER_ACCOUNT]}, False),
    ],
    ids=["same-pinned-account", "one-unpinned", "both-unpinned", "other-region", "other-account"],
)
def test_one_name_twice_in_one_registry_across_stacks_is_refused_at_synth(
    app: App, first: Dict[str, Any], second: Dict[str, Any], refused: bool
) -> None:
    stacks = []
    for stack_name, provider in (("first", first), ("second", second)):
        stack = TerraformStack(app, stack_name)
        AwsProvider(stack, "aws", **provider)
        Repository(stack, "api", name="payments/api")
        stacks.append(stack)
    if not refused:
        for stack in stacks:
            synth_json(stack)
        return
    error = synth_error(stacks[1])
    assert error.parameter == "name"
    assert "is already used by Repository 'first/api'" in str(error)
    assert str(error).startswith("Repository 'second/api': name='payments/api'")


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize(
    "principal, problem",
    [
        (f"arn:aws:iam::{ACCOUNT}:role/{'r' * 70}",
         f"its role name '{'r' * 70}' has 70 characters, and IAM allows at most 64"),
        (f"arn:aws:iam::{ACCOUNT}:role/ci/build#1",
         "its role name 'build#1' holds the character '#', and IAM names allow only letters, digits"),
        (f"arn:aws:iam::{ACCOUNT}:group/devs", "'group' cannot be a principal"),
        (f"arn:aws:iam:us-east-1:{ACCOUNT}:role/ci", "IAM ARNs have no region, and it has 'us-east-1'"),
        ("arn:aws:iam::1234:role/ci", "the account '1234' is not 12 digits"),
        ("arn:aws:s3:::bucket", "it names the service 's3'"),
        ("12345678901", "an account ID has 12 digits, not 11"),
        (f" {ACCOUNT}", "it has leading or trailing whitespace"),
    ],
)
def test_principal_errors_say_what_is_wrong(stack: TerraformStack, principal: str, problem: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="svc", push_principal_arns=[principal])
    assert caught.value.parameter == "push_principal_arns"
    assert problem in str(caught.value)


# --------------------------------------------------------------------------- stacks without a repository


def test_a_stack_without_a_repository_gets_the_same_constraints_in_one_call(app: App) -> None:
    # GIVEN a stack that only holds an ECS task definition using a repository's URL
    repositories = TerraformStack(app, "registry")
    AwsProvider(repositories, "aws", region="us-east-1")
    Repository(repositories, "api", name="api")
    services = TerraformStack(app, "services")
    AwsProvider(services, "aws", region="us-east-1")
    EcsTaskDefinition(services, "api", family="api", container_definitions="[]")
    # the bindings pin the exact provider they were generated from (5.99.1 for 19.65)
    assert re.fullmatch(r"\d+\.\d+\.\d+", synth_json(services)["terraform"]["required_providers"]["aws"]["version"])
    # WHEN it calls the documented helper
    cdktf_aws_ecr.require_provider_versions(services)
    # THEN it declares what a repository's stack declares
    expected = synth_json(repositories)["terraform"]
    got = synth_json(services)["terraform"]
    assert got["required_providers"]["aws"] == expected["required_providers"]["aws"] == {
        "source": "hashicorp/aws", "version": AWS_CONSTRAINT}
    assert got["required_version"] == expected["required_version"] == ">= 1.5.0"


def test_synth_errors_keep_their_type_through_every_synth_entry_point(app: App, tmp_path: Path) -> None:
    # GIVEN a stack that fails a synth-time check
    stack = TerraformStack(app, "bad")
    AwsProvider(stack, "aws", region="us-east-1")
    Repository(stack, "repo", name="svc", kms_key_arn=EU_KEY)
    # THEN each way of synthesizing raises the library's ValidationError with its fields
    for synthesize in (lambda: Testing.synth(stack), lambda: Testing.full_synth(stack),
                       lambda: Testing.synth(stack, True)):
        with pytest.raises(ValidationError) as caught:
            synthesize()
        assert caught.value.parameter == "kms_key_arn"
    real = App(outdir=str(tmp_path))
    real_stack = TerraformStack(real, "bad")
    AwsProvider(real_stack, "aws", region="us-east-1")
    Repository(real_stack, "repo", name="svc", kms_key_arn=EU_KEY)
    with pytest.raises(ValidationError):
        real.synth()

