"""The path-derived addresses of release 0.1.0, derived in Python, and the moves from them.

``addresses.path_logical_id`` re-implements cdktf's address allocation so that a
``Repository`` needs no jsii round trip to learn its old address. These tests
hold it to cdktf's own ``get_logical_id`` on construct trees of every shape, and
check the ``moved`` blocks it feeds (the upgrade itself is applied end to end in
``tests/e2e/test_refactors.py``). Each test reads GIVEN / WHEN / THEN.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Sequence

from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository
from constructs import Construct
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdktf_aws_ecr import Repository
from cdktf_aws_ecr.addresses import path_logical_id
from conftest import synth_json

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
    # GIVEN a repository in a nested construct
    stack = make_stack()
    Repository(Construct(stack, "payments"), "api", name="payments/api", pull_principal_arns=["123456789012"])
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
    # GIVEN a resource of your own that declares a move, and a repository
    stack = make_stack()
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
    # GIVEN a stack class with its own naming scheme
    stack = _PrefixedStack(app, "prefixed")
    Repository(stack, "api", name="api")
    # THEN the moves come from the addresses that scheme gave
    assert _moves(stack) == {
        "aws_ecr_repository.api": "aws_ecr_repository.custom_repository",
        "aws_ecr_lifecycle_policy.api": "aws_ecr_lifecycle_policy.custom_lifecycle_policy",
    }


def test_moves_written_on_the_stack_are_kept_beside_the_librarys(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN a move written on the stack itself, and a repository
    stack = make_stack()
    stack.add_override("moved", [{"from": "aws_s3_bucket.a", "to": "aws_s3_bucket.b"}])
    Repository(stack, "api", name="api")
    # THEN both are in the stack, in every output of it
    assert _moves(stack)["aws_s3_bucket.b"] == "aws_s3_bucket.a"
    assert len(_moves(stack)) == 3
    assert len(stack.to_terraform()["moved"]) == 3
    hcl = Testing.synth_hcl(stack)
    assert "moved {\nto = aws_ecr_repository.api\nfrom = aws_ecr_repository.api_repository_" in hcl
