"""The path-derived addresses of release 0.1.0, derived in Python, and the moves from them.

``addresses.path_logical_id`` re-implements cdktf's address allocation so that a
``Repository`` needs no jsii round trip to learn its old address. These tests
hold it to cdktf's own ``get_logical_id`` on construct trees of every shape, and
check the ``moved`` blocks it feeds in stacks that upgrade from that release
(``upgrade_from_0_1_0``), and their absence in stacks that do not (the upgrade
itself is applied end to end in ``tests/e2e/test_refactors.py``). Also: an
address does not change when a repository moves to another provider of the same
registry. Each test reads GIVEN / WHEN / THEN.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence

import pytest
from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import synth_json
from constructs import Construct
from hypothesis import HealthCheck, given, settings, strategies as st

from cdktf_aws_ecr import RemovedRepository, Repository, ValidationError, upgrade_from_0_1_0
from cdktf_aws_ecr.addresses import path_logical_id

# Construct ids as people write them, and the ones cdktf treats specially: "Default"
# (left out), "Resource" (hashed but not shown), "/" (escaped as "--"), characters an
# address cannot hold, repeats (shown once), and ids long enough to be cut.
IDS = st.one_of(
    st.sampled_from(["Default", "Resource", "api", "payments", "payments-api", "a/b", "a\nb", "x.y z", "ümlaut",
                     "x\ud800", "\udfff"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12),
    st.text(alphabet="abcdefghij_-", min_size=100, max_size=140),
)


def _leaf(stack: TerraformStack, path: Sequence[str]) -> EcrRepository:
    scope: Construct = stack
    for construct_id in path[:-1]:
        scope = scope.node.try_find_child(construct_id) or Construct(scope, construct_id)
    return EcrRepository(scope, path[-1], name="svc")


# make_stack gives a new stack at every call, so examples share nothing.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(st.lists(IDS, min_size=1, max_size=4), min_size=1, max_size=4))
def test_path_logical_id_is_cdktf_s_own(make_stack: Callable[..., TerraformStack], paths: List[List[str]]) -> None:
    # GIVEN resources at construct paths of any shape
    stack = make_stack()
    for path in paths:
        if path == ["Default"] or all(construct_id == "Default" for construct_id in path):
            continue
        try:
            leaf = _leaf(stack, path)
        except RuntimeError:  # the same id twice under one scope
            continue
        # THEN the id derived in Python is the one cdktf allocates
        assert path_logical_id(path) == stack.get_logical_id(leaf), path


def _moves(stack: TerraformStack) -> Dict[str, str]:
    return {move["to"]: move["from"] for move in synth_json(stack).get("moved", [])}


def _legacy_ids(twin: TerraformStack, path: Sequence[str], kinds: Sequence[str]) -> Dict[str, str]:
    """The ids cdktf gives plain resources at ``path``/<kind> (release 0.1.0's tree)."""
    scope: Construct = twin
    for construct_id in path:
        scope = Construct(scope, construct_id)
    return {kind: twin.get_logical_id(EcrRepository(scope, kind, name="svc")) for kind in kinds}


def test_a_repository_moves_each_resource_from_its_path_derived_address(
    make_stack: Callable[..., TerraformStack],
) -> None:
    # GIVEN a repository in a nested construct, in a stack deployed with release 0.1.0
    stack = make_stack()
    Repository(Construct(stack, "payments"), "api", name="payments/api", pull_principal_arns=["123456789012"])
    upgrade_from_0_1_0(stack)
    # AND, in another stack, plain resources at the same construct paths
    legacy = _legacy_ids(make_stack(), ["payments", "api"],
                         ["repository", "lifecycle_policy", "repository_policy"])
    # THEN every managed resource moves from that address to its name-based one
    assert _moves(stack) == {
        "aws_ecr_repository.payments--api": f"aws_ecr_repository.{legacy['repository']}",
        "aws_ecr_lifecycle_policy.payments--api": f"aws_ecr_lifecycle_policy.{legacy['lifecycle_policy']}",
        "aws_ecr_repository_policy.payments--api": f"aws_ecr_repository_policy.{legacy['repository_policy']}",
    }


def test_moves_of_your_own_are_kept_beside_the_librarys(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN a resource of your own that declares a move, and a repository, in an upgrading stack
    stack = make_stack()
    upgrade_from_0_1_0(stack)
    mine = EcrRepository(stack, "mine", name="mine")
    mine.move_from_id("aws_ecr_repository.old_mine")
    Repository(stack, "api", name="api")
    legacy = _legacy_ids(make_stack(), ["api"], ["repository", "lifecycle_policy"])
    # THEN both kinds of move are in the stack
    assert _moves(stack) == {
        "aws_ecr_repository.mine": "aws_ecr_repository.old_mine",
        "aws_ecr_repository.api": f"aws_ecr_repository.{legacy['repository']}",
        "aws_ecr_lifecycle_policy.api": f"aws_ecr_lifecycle_policy.{legacy['lifecycle_policy']}",
    }


class _PrefixedStack(TerraformStack):
    """A stack that names its resources its own way."""

    def _allocate_logical_id(self, tf_element: Any) -> str:
        return "custom_" + str(tf_element.node.id)


def test_a_stack_that_allocates_ids_its_own_way_is_asked(app: Any) -> None:
    # GIVEN a stack class with its own naming scheme, deployed with release 0.1.0
    stack = _PrefixedStack(app, "prefixed")
    upgrade_from_0_1_0(app)
    Repository(stack, "api", name="api")
    # THEN the moves come from the addresses that scheme gave
    assert _moves(stack) == {
        "aws_ecr_repository.api": "aws_ecr_repository.custom_repository",
        "aws_ecr_lifecycle_policy.api": "aws_ecr_lifecycle_policy.custom_lifecycle_policy",
    }


def test_moves_written_on_the_stack_are_kept_beside_the_librarys(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN a move written on the stack itself, and a repository, in an upgrading stack
    stack = make_stack()
    upgrade_from_0_1_0(stack)
    stack.add_override("moved", [{"from": "aws_s3_bucket.a", "to": "aws_s3_bucket.b"}])
    Repository(stack, "api", name="api")
    # THEN both are in the stack, in every output of it
    assert _moves(stack)["aws_s3_bucket.b"] == "aws_s3_bucket.a"
    assert len(_moves(stack)) == 3
    assert len(stack.to_terraform()["moved"]) == 3
    hcl = Testing.synth_hcl(stack)
    assert "moved {\nto = aws_ecr_repository.api\nfrom = aws_ecr_repository.api_repository_" in hcl


def test_a_new_project_carries_no_moves_from_a_release_it_never_deployed(
    make_stack: Callable[..., TerraformStack],
) -> None:
    # GIVEN a stack that never ran release 0.1.0: repositories, a registry setting, a retirement
    stack = make_stack()
    Repository(stack, "api", name="payments/api", enhanced_scanning=True, pull_principal_arns=["123456789012"])
    RemovedRepository(stack, "old", name="payments/old")
    # THEN it declares no move, and forgets only the retired repository's own addresses
    synth = synth_json(stack)
    assert "moved" not in synth and Testing.synth_hcl(stack).count("moved {") == 0
    assert {block["from"] for block in synth["removed"]} == {
        f"{kind}.payments--old"
        for kind in ("aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy")
    }


def test_the_upgrade_applies_to_stacks_and_resources_made_before_or_after_it(app: Any) -> None:
    # GIVEN an app declared as upgrading after one stack was built, and before another
    first = TerraformStack(app, "first")
    AwsProvider(first, "aws", region="us-east-1")
    Repository(first, "api", name="api")
    upgrade_from_0_1_0(app)
    second = TerraformStack(app, "second")
    AwsProvider(second, "aws", region="eu-west-1")
    Repository(second, "api", name="api")
    # THEN both stacks move their resources
    for stack in (first, second):
        assert set(_moves(stack)) == {"aws_ecr_repository.api", "aws_ecr_lifecycle_policy.api"}


def test_retiring_in_an_upgrading_stack_also_forgets_the_release_0_1_0_addresses(
    make_stack: Callable[..., TerraformStack],
) -> None:
    # GIVEN a stack deployed with release 0.1.0 that retires a repository in the same change,
    # with a RemovedRepository where the Repository was
    stack = make_stack()
    upgrade_from_0_1_0(stack)
    RemovedRepository(Construct(stack, "payments"), "old_api", name="payments/old-api")
    legacy = _legacy_ids(make_stack(), ["payments", "old_api"],
                         ["repository", "lifecycle_policy", "repository_policy"])
    # THEN the state forgets both the name-based addresses and the ones release 0.1.0 gave
    forgotten = {block["from"] for block in synth_json(stack)["removed"]}
    assert forgotten == {
        *(f"{kind}.payments--old-api" for kind in ("aws_ecr_repository", "aws_ecr_lifecycle_policy",
                                                   "aws_ecr_repository_policy")),
        f"aws_ecr_repository.{legacy['repository']}",
        f"aws_ecr_lifecycle_policy.{legacy['lifecycle_policy']}",
        f"aws_ecr_repository_policy.{legacy['repository_policy']}",
    }


def test_the_upgrade_is_declared_for_an_app_or_a_stack(make_stack: Callable[..., TerraformStack]) -> None:
    # WHEN something else is given
    with pytest.raises(ValidationError) as raised:
        upgrade_from_0_1_0(Construct(make_stack(), "payments"))
    # THEN the error names what is allowed
    assert "scope" in str(raised.value) and "a cdktf App or TerraformStack" in str(raised.value)


def test_a_provider_of_the_same_registry_keeps_the_address(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN providers beside the default one: the same region and pinned account, another
    # region, and the same region with no pinned account
    stack = make_stack(allowed_account_ids=["123456789012"])
    same = AwsProvider(stack, "same", alias="same", region="us-east-1", allowed_account_ids=["123456789012"])
    eu = AwsProvider(stack, "eu", alias="eu", region="eu-west-1", allowed_account_ids=["123456789012"])
    unpinned = AwsProvider(stack, "unpinned", alias="unpinned", region="us-east-1")
    for provider, name in ((same, "svc/a"), (eu, "svc/b"), (unpinned, "svc/c")):
        Repository(stack, name.replace("/", "_"), name=name, provider=provider)
    # THEN only the provider of the same registry gives the default provider's address;
    # an account that cannot be known at synth keeps the alias (the plan review catches a switch)
    assert set(synth_json(stack)["resource"]["aws_ecr_repository"]) == {
        "svc--a", "svc--b___eu", "svc--c___unpinned",
    }


# --------------------------------------------------------------------------- collisions
# cdktf deep-merges two elements of one Terraform type at one logical id, silently; every
# address the library writes is checked at synth against the whole stack.

PULLER = "arn:aws:iam::123456789012:role/puller"


def test_your_repository_at_a_repositorys_address_is_refused(stack: TerraformStack) -> None:
    # GIVEN a repository of the library named payments/api (address payments--api) and an
    # EcrRepository of your own whose construct id is that address (made after it)
    Repository(stack, "api", name="payments/api")
    EcrRepository(stack, "payments--api", name="mine")
    # WHEN the stack is synthesized  THEN it is refused, naming both constructs and the fix
    with pytest.raises(ValidationError) as caught:
        Testing.synth(stack)
    error = caught.value
    assert (error.parameter, error.value) == ("address", "aws_ecr_repository.payments--api")
    here, there = f"{stack.node.path}/api/repository", f"{stack.node.path}/payments--api"
    assert error.where == here
    assert f"is written for '{here}' and also for '{there}' (your EcrRepository)" in error.problem
    assert f"give '{there}' another construct id, or another logical id with override_logical_id" in (
        error.problem
    )


def test_your_policy_document_at_a_repositorys_document_address_is_refused(stack: TerraformStack) -> None:
    # GIVEN a granted repository and a DataAwsIamPolicyDocument of your own nested in a
    # construct, given the document's logical id by override_logical_id
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocument

    Repository(stack, "api", name="api").grant_pull(PULLER)
    mine = DataAwsIamPolicyDocument(Construct(stack, "team"), "doc")
    mine.override_logical_id("api")
    with pytest.raises(ValidationError) as caught:
        Testing.synth(stack)
    assert caught.value.value == "data.aws_iam_policy_document.api"
    assert f"'{stack.node.path}/team/doc' (your DataAwsIamPolicyDocument)" in caught.value.problem


def test_two_library_constructs_whose_ids_match_are_refused(stack: TerraformStack) -> None:
    # GIVEN a repository named creation_template_prod with a grant, and a creation template
    # of prefix prod with a repository policy: both documents are derived at one address
    from cdktf_aws_ecr import Registry

    Repository(stack, "odd", name="creation_template_prod").grant_pull(PULLER)
    Registry(stack, region="us-east-1", account_id="123456789012").add_creation_template(
        "prod", ["REPLICATION"], pull_principal_arns=[PULLER]
    )
    with pytest.raises(ValidationError) as caught:
        Testing.synth(stack)
    assert caught.value.value == "data.aws_iam_policy_document.creation_template_prod"
    assert "(this library's too)" in caught.value.problem
    assert "give one of them another name" in caught.value.problem


def test_same_id_of_another_type_or_kind_does_not_collide(stack: TerraformStack) -> None:
    # GIVEN a repository api with a grant, your own IAM role at logical id api, and your own
    # data source of the repository's type at api (data sources are another namespace)
    from cdktf_cdktf_provider_aws.data_aws_ecr_repository import DataAwsEcrRepository
    from cdktf_cdktf_provider_aws.iam_role import IamRole

    Repository(stack, "repo", name="api").grant_pull(PULLER)
    IamRole(stack, "api", assume_role_policy="{}")
    DataAwsEcrRepository(stack, "api_lookup", name="api").override_logical_id("api")
    synth = synth_json(stack)
    # THEN all are written
    assert set(synth["resource"]["aws_iam_role"]) == {"api"}
    assert set(synth["data"]["aws_ecr_repository"]) == {"api"}
    assert set(synth["resource"]["aws_ecr_repository"]) == {"api"}
