"""Check 3: updates to a deployed app are safe.

The changed app is synthesized next to the deployed one with the SAME state
files, and only planned (read-only), so the shared deployment is untouched.

* Changing lifecycle rules (dev) or repository-policy inputs (prod) plans a
  change of the policy resource only (the lifecycle policy is replaced, the
  repository policy updated in place) and leaves every aws_ecr_repository
  alone: never a replacement, which would delete the images.
* Changing the encryption, which forces a replacement, is refused by
  ``terraform plan`` on prod's repositories (explicit ``prevent_destroy``) and
  on stage's (protected by default). The same change on dev's repositories,
  which opt in with ``force_delete`` and ``prevent_destroy=False``, plans a
  replacement together with their lifecycle policies, which shows the refusal
  comes from the protection and not from some other error.
"""

from __future__ import annotations

import dataclasses
from typing import Dict

import pytest

from cdktf_aws_ecr import LifecycleRule
from devtools import rehearse
from stacks import ENVIRONMENTS, EnvironmentConfig, EnvironmentStack

from .conftest import Deployment, Plan, parallel, plan, synthesize

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REPOSITORY = "aws_ecr_repository"
#: An extra pull principal for prod's repositories: the account itself.
EXTRA_PULL_PRINCIPAL = "123456789012"
DAYS_ADDED = 2


def changed(name: str, **changes) -> tuple:
    """ENVIRONMENTS with ``changes`` applied to environment ``name``."""
    out = []
    for environment in ENVIRONMENTS:
        if environment.name == name:
            defaults = dict(environment.repository_defaults)
            defaults.update(changes.pop("repository_defaults", {}))
            environment = dataclasses.replace(environment, repository_defaults=defaults, **changes)
        out.append(environment)
    return tuple(out)


def _by_name(environments) -> Dict[str, EnvironmentConfig]:
    return {e.name: e for e in environments}


@pytest.fixture(scope="module")
def update_plans(
    deployment: Deployment, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module
) -> Dict[str, Plan]:
    """Plans of the changed apps against the deployed state, by case."""
    untagged, *tagged = _by_name(ENVIRONMENTS)["dev"].repository_defaults["lifecycle_rules"]
    # 1) inputs that leave the repositories alone: dev's lifecycle rules (an age, the
    #    counts, one more rule), prod's pull principals.
    inputs_changed = changed(
        "dev",
        repository_defaults={
            "lifecycle_rules": [
                dataclasses.replace(untagged, max_image_age_days=untagged.max_image_age_days + DAYS_ADDED),
                *(dataclasses.replace(rule, max_image_count=rule.max_image_count + 5) for rule in tagged),
                LifecycleRule(tag_prefix_list=["rc-"], max_image_count=5),
            ],
        },
    )
    original_add = EnvironmentStack.add_repositories

    def add_with_extra_puller(stack: EnvironmentStack) -> None:
        if stack.environment.name == "prod":
            stack.pull_grantees = [*stack.pull_grantees, EXTRA_PULL_PRINCIPAL]
        original_add(stack)

    root = tmp_path_factory.mktemp("e2e-updates")
    monkeypatch_module.setattr(EnvironmentStack, "add_repositories", add_with_extra_puller)
    synthesize(root / "inputs", deployment.state_dir, inputs_changed)
    monkeypatch_module.setattr(EnvironmentStack, "add_repositories", original_add)

    # 2) encryption (forces replacement): prod without its CMK, stage and dev on AES256.
    encryption_changed = tuple(
        dataclasses.replace(e, customer_managed_key=False)
        if e.name == "prod"
        else dataclasses.replace(
            e, repository_defaults={**e.repository_defaults, "encryption_type": "AES256"}
        )
        for e in ENVIRONMENTS
    )
    synthesize(root / "encryption", deployment.state_dir, encryption_changed)

    cases = {
        "lifecycle (dev)": (root / "inputs", "dev"),
        "policy (prod)": (root / "inputs", "prod"),
        "encryption (prod, protected)": (root / "encryption", "prod"),
        "encryption (stage, protected by default)": (root / "encryption", "stage"),
        "encryption (dev, unprotected)": (root / "encryption", "dev"),
    }
    for outdir in {outdir for outdir, _ in cases.values()}:
        stacks = sorted({stack for o, stack in cases.values() if o == outdir})
        rehearse.init_stacks(outdir, stacks, deployment.env)
    return parallel(
        {
            case: (lambda o=outdir, s=stack: plan(o / "stacks" / s, deployment.env, with_json=True))
            for case, (outdir, stack) in cases.items()
        }
    )


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _only_changes(result: Plan, resource_type: str) -> Dict[str, list]:
    """The planned changes, asserting that nothing but ``resource_type`` changes."""
    changes = {a: acts for a, acts in result.all_actions().items() if acts != ["no-op"]}
    others = {a: acts for a, acts in changes.items() if not a.startswith(f"{resource_type}.")}
    assert not others, f"only {resource_type} may change: {others}"
    repositories = result.actions(REPOSITORY)
    assert repositories and all(actions == ["no-op"] for actions in repositories.values()), repositories
    return changes


def test_lifecycle_change_leaves_the_repository_alone(update_plans) -> None:
    """The repository is untouched. The AWS provider replaces (delete, then
    create) the aws_ecr_lifecycle_policy itself, because its ``policy`` forces a
    new resource; that removes no image and is the only change."""
    result = update_plans["lifecycle (dev)"]
    assert result.returncode == 2, result.output
    changes = _only_changes(result, "aws_ecr_lifecycle_policy")
    assert len(changes) == 2, changes
    for change in result.json["resource_changes"]:
        if change["type"] != "aws_ecr_lifecycle_policy":
            continue
        actions = change["change"]["actions"]
        assert actions in (["update"], ["delete", "create"]), actions
        if actions != ["update"]:
            assert change["change"].get("replace_paths") == [["policy"]], change["change"].get("replace_paths")
        untagged = _by_name(ENVIRONMENTS)["dev"].repository_defaults["lifecycle_rules"][0]
        days = untagged.max_image_age_days + DAYS_ADDED
        assert f'"countNumber":{days},' in change["change"]["after"]["policy"]


def test_policy_change_updates_the_repository_policy_in_place(update_plans) -> None:
    result = update_plans["policy (prod)"]
    assert result.returncode == 2, result.output
    changes = _only_changes(result, "aws_ecr_repository_policy")
    assert len(changes) == 2 and all(actions == ["update"] for actions in changes.values()), changes
    for change in result.json["resource_changes"]:
        if change["type"] == "aws_ecr_repository_policy":
            assert EXTRA_PULL_PRINCIPAL in change["change"]["after"]["policy"]


@pytest.mark.parametrize("case, stack", [("encryption (prod, protected)", "prod"),
                                         ("encryption (stage, protected by default)", "stage")])
def test_encryption_change_on_a_protected_repository_is_refused(update_plans, deployment, case, stack) -> None:
    result = update_plans[case]
    assert result.returncode == 1, f"plan must fail, got exit {result.returncode}:\n{result.output}"
    assert "Instance cannot be destroyed" in result.stderr, result.stderr
    assert "lifecycle.prevent_destroy" in result.stderr
    for address in [f"{REPOSITORY}.{key}" for key in deployment.synth[stack]["resource"][REPOSITORY]]:
        assert address in result.stderr, f"{address} not named in:\n{result.stderr}"


def test_the_same_change_replaces_an_unprotected_repository_with_its_lifecycle_policy(update_plans) -> None:
    result = update_plans["encryption (dev, unprotected)"]
    assert result.returncode == 2, result.output
    for kind in (REPOSITORY, "aws_ecr_lifecycle_policy"):
        replaced = result.actions(kind)
        assert len(replaced) == 2 and all(
            actions == ["delete", "create"] for actions in replaced.values()
        ), (kind, replaced)
