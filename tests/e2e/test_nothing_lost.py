"""Check 4: nothing is lost by a destroy.

* A repository with ``force_delete = false`` that holds an image cannot be
  destroyed: the destroy fails and the repository and its image survive.
* prod's repositories carry ``prevent_destroy`` in the synthesized Terraform,
  so even planning their destruction fails.
"""

from __future__ import annotations

from typing import Iterator, Tuple

import pytest

from stacks import ENVIRONMENTS

from .conftest import MANIFEST, Deployment, repository_addresses, state_resources

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REPOSITORY = "aws_ecr_repository"



def _kept_repository(deployment: Deployment) -> Tuple[str, str, str]:
    """(stack, repository name, address) of the first repository the example app
    configures with force_delete = false and without prevent_destroy.

    Chosen from the configuration (stacks/environments.py), not from the
    synthesized JSON, so a construct that emitted force_delete = true for it
    would be caught by the destroy below."""
    for environment in ENVIRONMENTS:
        for repository in environment.repositories:
            options = {**environment.repository_defaults, **repository.options}
            if not options.get("force_delete", False) and not options.get("prevent_destroy", False):
                name = environment.repository_name(repository)
                return environment.name, name, repository_addresses(deployment.synth[environment.name])[name]
    pytest.fail("the example app configures no unprotected repository with force_delete = false")


@pytest.fixture
def image_in_kept_repository(deployment: Deployment) -> Iterator[Tuple[str, str, str, str]]:
    """Push an image, yield (stack, name, address, digest); afterwards re-apply
    the stack so the shared deployment is whole again."""
    stack, name, address = _kept_repository(deployment)
    ecr = deployment.client("ecr")
    pushed = ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1.0.0")
    yield stack, name, address, pushed["image"]["imageId"]["imageDigest"]
    restored = deployment.terraform(stack, "apply", "-input=false", "-no-color", "-auto-approve")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert deployment.plan(stack).returncode == 0


def test_destroying_a_repository_that_holds_images_fails_and_keeps_them(
    deployment: Deployment, image_in_kept_repository
) -> None:
    stack, name, address, digest = image_in_kept_repository

    result = deployment.terraform(
        stack, "apply", "-destroy", "-input=false", "-no-color", "-auto-approve", f"-target={address}"
    )

    assert result.returncode != 0, f"destroy of {name} succeeded:\n{result.stdout}"
    assert "RepositoryNotEmptyException" in result.stderr, result.stderr
    ecr = deployment.client("ecr")
    assert [r["repositoryName"] for r in ecr.describe_repositories(repositoryNames=[name])["repositories"]] == [name]
    images = ecr.describe_images(repositoryName=name)["imageDetails"]
    assert [(i["imageDigest"], i["imageTags"]) for i in images] == [(digest, ["v1.0.0"])]
    instances = state_resources(deployment.state_file(stack)).get(address)
    assert instances, "the repository left the state"
    assert instances[0]["attributes"]["force_delete"] is False


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
