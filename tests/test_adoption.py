"""Adoption in the constructs: the ``import`` blocks ``Repository(adopt=...)`` and
``Registry.adopt`` synthesize, what they refuse, and ``lifecycle_policy_json``, the raw
policy input adopted repositories keep their policies with.

Each test reads GIVEN / WHEN / THEN and asserts on ``Testing.synth`` output; one runs
the real ``terraform validate``. Applying imports against the local endpoint is in
``tests/e2e/test_adoption.py``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
from cdktf import TerraformStack, TerraformVariable, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, REGION, stack_on_disk, synth_error, synth_json

from cdktf_aws_ecr import (
    Adopt,
    AdoptionWarning,
    LifecycleRule,
    Registry,
    RemovedRepository,
    ReplicationDestination,
    Repository,
    Upstream,
    ValidationError,
)
from devtools import terraform as tf

BOTH = Adopt(lifecycle_policy=True, repository_policy=True)
ANY_RULE = {
    "rulePriority": 5,
    "description": "Keep 100 images",
    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 100},
    "action": {"type": "expire"},
}


def _imports(synth: Dict[str, Any]) -> Dict[str, str]:
    return {block["to"]: block["id"] for block in synth.get("import", [])}


def _synth_with_warnings(stack: TerraformStack) -> tuple:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synth = synth_json(stack)
    return synth, [w for w in caught if issubclass(w.category, AdoptionWarning)]


# --------------------------------------------------------------------------- repositories


def test_an_adopted_repository_imports_itself_and_its_policies_at_its_addresses(
    stack: TerraformStack,
) -> None:
    # GIVEN a repository, with a grant, said to exist with both policies
    repository = Repository(stack, "api", name="payments/api.v2", adopt=BOTH)
    repository.grant_pull(ACCOUNT)
    # WHEN synthesized
    synth, adoption_warnings = _synth_with_warnings(stack)
    # THEN each resource is imported by the repository's name, at the address it is declared at
    assert _imports(synth) == {
        "aws_ecr_repository.payments--api__v2": "payments/api.v2",
        "aws_ecr_lifecycle_policy.payments--api__v2": "payments/api.v2",
        "aws_ecr_repository_policy.payments--api__v2": "payments/api.v2",
    }
    for resource_type in ("aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy"):
        assert "payments--api__v2" in synth["resource"][resource_type]
    assert adoption_warnings == []
    # AND the guardrails are declared as for any repository: the import only brings it in
    repository_body = synth["resource"]["aws_ecr_repository"]["payments--api__v2"]
    assert repository_body["image_tag_mutability"] == "IMMUTABLE"
    assert repository_body["lifecycle"]["prevent_destroy"] is True


def test_an_adopted_repository_s_plan_stops_when_its_encryption_is_not_the_live_one(
    stack: TerraformStack,
) -> None:
    # GIVEN adopted repositories with AES256 and with a KMS key, and one not adopted
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    Repository(stack, "plain", name="payments/plain", adopt=BOTH, push_principal_arns=[ACCOUNT])
    Repository(stack, "keyed", name="payments/keyed", kms_key_arn=key, adopt=BOTH,
               push_principal_arns=[ACCOUNT])
    Repository(stack, "new", name="payments/new")
    synth = synth_json(stack)
    # THEN each adopted one reads its live self, and its precondition compares the encryption
    assert synth["data"]["aws_ecr_repository"] == {
        "payments--plain": {"name": "payments/plain"}, "payments--keyed": {"name": "payments/keyed"}}
    for address, expected in (("payments--plain", ['== "AES256"']),
                              ("payments--keyed", ['== "KMS"', f'kms_key == "{key}"'])):
        (guard,) = synth["resource"]["aws_ecr_repository"][address]["lifecycle"]["precondition"]
        live = f"data.aws_ecr_repository.{address}.encryption_configuration[0]"
        assert f"{live}.encryption_type" in guard["condition"]
        assert all(part in guard["condition"] for part in expected), guard["condition"]
        assert "the adopted repository's live encryption is not the declared" in guard["error_message"]
    assert "lifecycle" not in synth["resource"]["aws_ecr_repository"]["payments--new"] or \
        "precondition" not in synth["resource"]["aws_ecr_repository"]["payments--new"]["lifecycle"]


def test_policies_said_not_to_exist_are_created_not_imported(stack: TerraformStack) -> None:
    # GIVEN a repository said to exist without policies, on an aliased provider
    west = AwsProvider(stack, "west", region="us-west-2", alias="west")
    Repository(stack, "api", name="payments/api", provider=west, push_principal_arns=[ACCOUNT],
               adopt=Adopt(lifecycle_policy=False, repository_policy=False))
    # THEN only the repository is imported, at its aliased address (Terraform imports
    # through the resource's own provider)
    assert _imports(synth_json(stack)) == {"aws_ecr_repository.payments--api___west": "payments/api"}


def test_a_repository_without_adopt_writes_no_import_blocks(stack: TerraformStack) -> None:
    Repository(stack, "api", name="payments/api")
    assert "import" not in synth_json(stack)


def test_a_grant_made_after_construction_is_imported_too(stack: TerraformStack) -> None:
    # GIVEN an adopted repository whose policy comes from a later grant
    repository = Repository(stack, "api", name="payments/api", adopt=BOTH)
    synth_before, _ = _synth_with_warnings(stack)
    repository.grant_push(ACCOUNT)
    # THEN the repository policy is imported once it is declared
    assert "aws_ecr_repository_policy.payments--api" not in _imports(synth_before)
    assert "aws_ecr_repository_policy.payments--api" in _imports(synth_json(stack))


@pytest.mark.parametrize("kind", ["lifecycle_policy", "repository_policy"])
def test_a_policy_said_to_exist_that_the_repository_does_not_declare_warns(
    stack: TerraformStack, kind: str
) -> None:
    # GIVEN an adopted repository that declares no policy of that kind
    Repository(stack, "api", name="payments/api", enable_lifecycle_policy=False, adopt=BOTH)
    # WHEN synthesized
    synth, adoption_warnings = _synth_with_warnings(stack)
    # THEN nothing is imported for it, and a warning says it stays in AWS unmanaged
    assert f"aws_ecr_{kind}.payments--api" not in _imports(synth)
    messages = [str(w.message) for w in adoption_warnings]
    assert any(
        f"adopt says its {kind.replace('_', ' ')} exists, and the repository declares none" in m
        and "managed by nothing" in m and m.startswith(f"Repository '{stack.node.path}/api'")
        for m in messages
    ), messages


@pytest.mark.parametrize(
    "inputs, parameter, problem",
    [
        ({"adopt": True}, "adopt", "is a bool"),
        ({"adopt": {"lifecycle_policy": True}}, "adopt", "is a dict"),
        ({"adopt": Adopt(lifecycle_policy=True, repository_policy=True),
          "enable_lifecycle_policy": "TOKEN:lifecycle"}, "adopt",
         "adopts a lifecycle policy while enable_lifecycle_policy is a token"),
        ({"adopt": Adopt(lifecycle_policy=False, repository_policy=False), "name": "TOKEN:name"},
         "adopt", "whose name is an unresolved token"),
    ],
)
def test_bad_adoption_is_refused_when_built_and_adds_nothing(
    stack: TerraformStack, inputs: Dict[str, Any], parameter: str, problem: str
) -> None:
    # GIVEN inputs resolved in this stack (tokens from variables)
    variables = {
        "TOKEN:lifecycle": TerraformVariable(stack, "lifecycle", type="bool").boolean_value,
        "TOKEN:name": TerraformVariable(stack, "name", type="string").string_value,
    }
    given = {"name": "payments/api", **{k: variables.get(v, v) if isinstance(v, str) else v
                                        for k, v in inputs.items()}}
    # WHEN the repository is built
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "api", **given)
    # THEN the error names the parameter and the problem, and nothing was added
    assert caught.value.parameter == parameter
    assert problem in caught.value.problem
    assert stack.node.try_find_child("api") is None


def test_adopt_fields_must_be_booleans() -> None:
    with pytest.raises(ValidationError) as caught:
        Adopt(lifecycle_policy="yes", repository_policy=False)  # type: ignore[arg-type]
    assert caught.value.parameter == "lifecycle_policy"
    with pytest.raises(TypeError):
        Adopt(lifecycle_policy=True)  # type: ignore[call-arg]  # each must be stated


def test_retire_then_adopt_again_needs_the_removed_repository_gone(stack: TerraformStack) -> None:
    # GIVEN a retired repository declared again in the same stack
    RemovedRepository(stack, "old", name="payments/old")
    Repository(stack, "again", name="payments/old", adopt=BOTH)
    # THEN synth refuses it (Terraform refuses a removed block for a declared resource),
    # saying how to manage it again
    error = synth_error(stack)
    assert error.parameter == "name"
    assert "delete the RemovedRepository and declare the Repository with adopt=Adopt(...)" in str(error)


def test_an_adopted_repository_in_hcl_output_gets_import_blocks(stack: TerraformStack) -> None:
    Repository(stack, "api", name="payments/api", adopt=Adopt(lifecycle_policy=True, repository_policy=False))
    hcl = Testing.synth_hcl(stack)
    assert 'import {\nto = aws_ecr_repository.payments--api\nid = "payments/api"\n}' in hcl
    assert 'import {\nto = aws_ecr_lifecycle_policy.payments--api\nid = "payments/api"\n}' in hcl


# --------------------------------------------------------------------------- lifecycle_policy_json


def test_a_raw_lifecycle_policy_is_written_as_given(stack: TerraformStack) -> None:
    # GIVEN a policy typed rules would number differently (one rule at priority 5)
    text = json.dumps({"rules": [ANY_RULE]}, indent=2)
    Repository(stack, "api", name="payments/api", lifecycle_policy_json=text)
    # THEN the repository's lifecycle policy is that document (compacted), nothing added
    policy = synth_json(stack)["resource"]["aws_ecr_lifecycle_policy"]["payments--api"]["policy"]
    assert json.loads(policy) == {"rules": [ANY_RULE]}
    assert "\n" not in policy


def test_a_raw_lifecycle_policy_keeps_template_sequences_literal(stack: TerraformStack) -> None:
    rule = {**ANY_RULE, "description": "Keep ${tag} and %{x}"}
    Repository(stack, "api", name="payments/api", lifecycle_policy_json=json.dumps({"rules": [rule]}))
    policy = synth_json(stack)["resource"]["aws_ecr_lifecycle_policy"]["payments--api"]["policy"]
    assert "$${tag} and %%{x}" in policy


@pytest.mark.parametrize(
    "text, parameter",
    [
        ("{not json", "lifecycle_policy_json"),
        (json.dumps({"rules": [{**ANY_RULE, "selection": {**ANY_RULE["selection"], "tagStatus": "ANY"}}]}),
         "lifecycle_policy_json.rules[0].selection.tagStatus"),
        (json.dumps({"rules": [ANY_RULE, {**ANY_RULE, "rulePriority": 6}]}), "lifecycle_policy_json.rules"),
    ],
)
def test_a_raw_lifecycle_policy_is_checked_as_ecr_checks_it(
    stack: TerraformStack, text: str, parameter: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "api", name="payments/api", lifecycle_policy_json=text)
    assert caught.value.parameter.startswith(parameter), caught.value
    assert str(caught.value).startswith(f"Repository '{stack.node.path}/api': ")


@pytest.mark.parametrize(
    "other",
    [
        {"lifecycle_rules": [LifecycleRule(max_image_count=5)]},
        {"protected_tags": ["prod-*"]},
        {"max_tagged_image_count": 30},
        {"enable_lifecycle_policy": False},
    ],
)
def test_a_raw_lifecycle_policy_is_a_whole_policy_on_its_own(
    stack: TerraformStack, other: Dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "api", name="payments/api",
                   lifecycle_policy_json=json.dumps({"rules": [ANY_RULE]}), **other)
    assert caught.value.parameter == "lifecycle_policy_json"
    assert f"{next(iter(other))}=" in caught.value.problem


def test_no_typed_rule_is_added_to_a_raw_lifecycle_policy(stack: TerraformStack) -> None:
    repository = Repository(stack, "api", name="payments/api",
                            lifecycle_policy_json=json.dumps({"rules": [ANY_RULE]}))
    with pytest.raises(ValidationError) as caught:
        repository.add_lifecycle_rule(LifecycleRule(max_image_count=5))
    assert caught.value.parameter == "rule"
    assert "lifecycle_policy_json" in caught.value.problem


# --------------------------------------------------------------------------- registry settings


def _adopting_owner(stack: TerraformStack, **adopt: Any) -> Registry:
    owner = Registry(stack, account_id=ACCOUNT, basic_scan_type_version="AWS_NATIVE")
    owner.add_rule("payments/*", "CONTINUOUS_SCAN")
    owner.replicate(["payments/"], [ReplicationDestination("eu-central-1")])
    owner.allow_replication_from("210987654321")
    return owner.adopt(**{"replication": True, "registry_policy": True, **adopt})


def test_an_adopting_owner_imports_each_setting_it_writes(stack: TerraformStack) -> None:
    # GIVEN an owner writing scanning, replication, a registry policy and an account setting
    _adopting_owner(stack)
    # WHEN synthesized
    synth, adoption_warnings = _synth_with_warnings(stack)
    # THEN each is imported: the single settings by account, the account setting by name
    assert _imports(synth) == {
        "aws_ecr_registry_scanning_configuration.registry_scanning": ACCOUNT,
        "aws_ecr_replication_configuration.registry_replication": ACCOUNT,
        "aws_ecr_registry_policy.registry_policy": ACCOUNT,
        "aws_ecr_account_setting.account_setting_basic_scan_type_version": "BASIC_SCAN_TYPE_VERSION",
    }
    assert adoption_warnings == []


def test_settings_said_not_to_exist_are_created_not_imported(stack: TerraformStack) -> None:
    _adopting_owner(stack, replication=False, registry_policy=False)
    assert set(_imports(synth_json(stack))) == {
        "aws_ecr_registry_scanning_configuration.registry_scanning",
        "aws_ecr_account_setting.account_setting_basic_scan_type_version",
    }


def test_settings_said_to_exist_that_the_owner_does_not_write_warn(stack: TerraformStack) -> None:
    # GIVEN an owner that writes no replication, registry policy, cache or template
    Registry(stack, account_id=ACCOUNT).adopt(
        replication=True, registry_policy=True, pull_through_caches=["hub"], creation_templates=["ROOT"]
    )
    # WHEN synthesized
    synth, adoption_warnings = _synth_with_warnings(stack)
    # THEN each statement it cannot act on warns, naming it
    messages = " ".join(str(w.message) for w in adoption_warnings)
    for what in ("replication configuration", "registry policy", "pull-through cache 'hub'",
                 "creation template 'ROOT'"):
        assert f"adopt says the {what} exists, and this owner writes none" in messages
    assert "scanning configuration" not in messages  # it exists in any registry: not stated
    assert set(_imports(synth)) == {"aws_ecr_account_setting.account_setting_basic_scan_type_version"}


def test_an_owner_whose_account_is_unknown_cannot_import_by_account(
    make_stack: Callable[..., TerraformStack],
) -> None:
    stack = make_stack()
    owner = Registry(stack, basic_scan_type_version=None)
    owner.add_rule("payments/*", "SCAN_ON_PUSH")
    owner.adopt(replication=False, registry_policy=False)
    error = synth_error(stack)
    assert error.parameter == "adopt"
    assert "scanning configuration, whose import ID is the account ID" in error.problem
    assert "allowed_account_ids" in error.allowed


def test_adoption_is_refused_on_an_owner_managed_elsewhere_and_said_once(stack: TerraformStack) -> None:
    elsewhere = Registry.managed_elsewhere(stack)
    with pytest.raises(ValidationError, match="adopt=True is declared on an owner managed elsewhere"):
        elsewhere.adopt(replication=False, registry_policy=False)
    owner = Registry(TerraformStack(stack.node.scope, "other"), account_id=ACCOUNT)
    owner.adopt(replication=False, registry_policy=False)
    with pytest.raises(ValidationError, match="repeats what the first said"):
        owner.adopt(replication=True, registry_policy=False)
    with pytest.raises(ValidationError) as caught:
        Registry(TerraformStack(stack.node.scope, "third"), account_id=ACCOUNT).adopt(
            replication="yes", registry_policy=False)  # type: ignore[arg-type]
    assert caught.value.parameter == "replication"


@pytest.mark.terraform
def test_adopted_caches_and_templates_pass_terraform_validate(tmp_path: Path, terraform_available: str) -> None:
    # GIVEN an owner adopting a pull-through cache and a creation template (the local
    # endpoint does not implement them, so this stops at validate)
    app, stack = stack_on_disk(tmp_path / "out", "adopting")
    owner = Registry(stack, account_id=ACCOUNT, region=REGION, basic_scan_type_version=None)
    owner.add_pull_through_cache("ecr-public", Upstream.ecr_public())
    owner.add_creation_template("ROOT", ["REPLICATION"])
    owner.adopt(replication=False, registry_policy=False, pull_through_caches=["ecr-public"],
                creation_templates=["ecr-public", "ROOT"])
    app.synth()
    directory = tmp_path / "out" / "stacks" / "adopting"
    imports: List[Dict[str, str]] = json.loads((directory / "cdk.tf.json").read_text())["import"]
    # THEN the cache rule and both templates (the cache's and ROOT) are imported by prefix,
    # and the scanning configuration holding the cache's namespace rule by account
    assert {(b["to"].split(".")[0], b["id"]) for b in imports} == {
        ("aws_ecr_registry_scanning_configuration", ACCOUNT),
        ("aws_ecr_pull_through_cache_rule", "ecr-public"),
        ("aws_ecr_repository_creation_template", "ecr-public"),
        ("aws_ecr_repository_creation_template", "ROOT"),
    }
    # AND Terraform accepts the configuration
    tf.run(["init", "-input=false", "-no-color", "-backend=false"], directory)
    validated = tf.run(["validate", "-no-color"], directory, check=False)
    assert validated.returncode == 0, validated.stdout + validated.stderr
