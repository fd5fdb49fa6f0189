"""Check 4: nothing is lost by a destroy.

* A repository that keeps the library's defaults (stage's) and holds an image
  cannot be destroyed: the plan fails before anything is touched, and the
  repository, its image and its lifecycle policy survive.
* prod's repositories carry ``prevent_destroy`` in the synthesized Terraform,
  so even planning their destruction fails.

Refactors, allowed replacements, retirement and the upgrade from release
0.1.0 are in ``test_refactors.py``.
"""

from __future__ import annotations

from typing import Iterator, Tuple

import pytest

from stacks import ENVIRONMENTS

from .conftest import MANIFEST, Deployment, repository_addresses, state_resources

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REPOSITORY = "aws_ecr_repository"



def _retained_repository(deployment: Deployment) -> Tuple[str, str, str]:
    """(stack, repository name, address) of the first repository the example app
    configures with neither ``prevent_destroy`` nor ``force_delete``: protected
    only by the library's default.

    Chosen from the configuration (stacks/environments.py), not from the
    synthesized JSON, so a construct that dropped the default would be caught
    by the destroy below."""
    for environment in ENVIRONMENTS:
        for repository in environment.repositories:
            options = {**environment.repository_defaults, **repository.options}
            if "prevent_destroy" not in options and not options.get("force_delete", False):
                name = environment.repository_name(repository)
                return environment.name, name, repository_addresses(deployment.synth[environment.name])[name]
    pytest.fail("the example app configures no repository that relies on the default protection")


@pytest.fixture
def image_in_retained_repository(deployment: Deployment) -> Iterator[Tuple[str, str, str, str]]:
    """Push an image, yield (stack, name, address, digest); afterwards check the
    stack is as it was."""
    stack, name, address = _retained_repository(deployment)
    ecr = deployment.client("ecr")
    pushed = ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1.0.0")
    yield stack, name, address, pushed["image"]["imageId"]["imageDigest"]
    assert deployment.plan(stack).returncode == 0


def test_destroying_a_repository_that_holds_images_is_refused_and_keeps_everything(
    deployment: Deployment, image_in_retained_repository
) -> None:
    stack, name, address, digest = image_in_retained_repository
    policy_before = deployment.client("ecr").get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]

    result = deployment.terraform(
        stack, "apply", "-destroy", "-input=false", "-no-color", "-auto-approve", f"-target={address}"
    )

    # Refused at plan, before any resource (not even the policies) is touched.
    assert result.returncode != 0, f"destroy of {name} succeeded:\n{result.stdout}"
    assert "Instance cannot be destroyed" in result.stderr, result.stderr
    assert address in result.stderr
    ecr = deployment.client("ecr")
    assert [r["repositoryName"] for r in ecr.describe_repositories(repositoryNames=[name])["repositories"]] == [name]
    images = ecr.describe_images(repositoryName=name)["imageDetails"]
    assert [(i["imageDigest"], i["imageTags"]) for i in images] == [(digest, ["v1.0.0"])]
    assert ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"] == policy_before
    assert state_resources(deployment.state_file(stack)).get(address), "the repository left the state"


def test_prod_repositories_are_protected_in_the_synthesized_terraform(deployment: Deployment) -> None:
    repositories = deployment.synth["prod"]["resource"][REPOSITORY]
    assert repositories
    for key, body in repositories.items():
        assert body["lifecycle"]["prevent_destroy"] is True, key
        assert body["force_delete"] is False, key


def test_planning_to_destroy_prod_is_refused(deployment: Deployment) -> None:
    result = deployment.plan("prod", "-destroy")
    assert result.returncode == 1, f"destroy plan of prod did not fail:\n{result.output}"
    assert "Instance cannot be destroyed" in result.stderr
    for address in repository_addresses(deployment.synth["prod"]).values():
        assert address in result.stderr, address
    ecr = deployment.client("ecr")
    names = sorted(repository_addresses(deployment.synth["prod"]))
    assert sorted(r["repositoryName"] for r in ecr.describe_repositories(repositoryNames=names)["repositories"]) == names
