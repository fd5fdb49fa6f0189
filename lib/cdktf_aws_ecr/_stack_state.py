"""Facts about a stack that this library reads once and reuses.

Every read of a construct property is a round trip to the jsii process, so
per-stack facts (path, the default AWS provider's region and account, whether
the Terraform constraints were written) are looked up once per stack rather
than once per repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Optional, Tuple

from cdktf import TerraformStack
from constructs import Construct, Node

#: The provider line these bindings (cdktf-cdktf-provider-aws 19.x) were generated for.
AWS_PROVIDER_SOURCE = "hashicorp/aws"
AWS_PROVIDER_CONSTRAINT = "~> 5.0"
TERRAFORM_CONSTRAINT = ">= 1.5.0"


@dataclass
class StackState:
    stack: TerraformStack
    path: str
    app_key: str
    region: Optional[str]
    account_id: Optional[str]
    #: Keys of the provider's ``default_tags``; AWS counts them in each resource's 50 tags.
    default_tag_keys: FrozenSet[str] = frozenset()
    constraints_written: bool = False


#: Keyed by the jsii reference of the stack and of every scope looked up in it:
#: a construct never changes stacks, so each scope costs one round trip.
_STATES: Dict[str, StackState] = {}
_NODES: Dict[str, Node] = {}


def _plain_string(value: object) -> Optional[str]:
    from .validation import is_token

    if isinstance(value, str) and value and not is_token(value):
        return value
    return None


def _default_provider_facts(
    stack: TerraformStack,
) -> Tuple[Optional[str], Optional[str], FrozenSet[str]]:
    """(region, account, default tag keys) of the stack's default ``aws`` provider,
    where plainly known."""
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    for child in stack.node.children:
        if isinstance(child, AwsProvider) and child.alias is None:
            region = _plain_string(child.region)
            accounts = child.allowed_account_ids
            account = (
                _plain_string(accounts[0])
                if isinstance(accounts, list) and len(accounts) == 1
                else None
            )
            default_tags = child.default_tags
            keys = frozenset(
                key
                for block in (default_tags if isinstance(default_tags, list) else ())
                for key in (getattr(block, "tags", None) or {})
                if isinstance(key, str)
            )
            return region, account, keys
    return None, None, frozenset()


def state_of(scope: Construct) -> StackState:
    """The cached facts for the stack that contains ``scope``.

    The provider is read when the stack's first ECR construct is added, so the
    ``AwsProvider`` should be created before it; otherwise the region, account
    and default tags count as unknown, and unknown is treated as "possibly the same".
    """
    from .errors import ValidationError

    allowed = "a construct inside a cdktf TerraformStack"
    if not isinstance(scope, Construct):
        raise ValidationError("scope", scope, allowed, problem=f"is a {type(scope).__name__}")
    scope_key: str = scope.__jsii_ref__.ref
    cached = _STATES.get(scope_key)
    if cached is not None:
        return cached
    try:
        stack = TerraformStack.of(scope)
    except RuntimeError:  # jsii surfaces cdktf's "No stack could be identified" this way
        raise ValidationError(
            "scope", scope.node.path or "<app root>", allowed, problem="is not in any stack"
        ) from None
    key = stack.__jsii_ref__.ref
    state = _STATES.get(key)
    if state is None:
        region, account, default_tag_keys = _default_provider_facts(stack)
        state = StackState(
            stack=stack,
            path=stack.node.path,
            app_key=stack.node.root.__jsii_ref__.ref,
            region=region,
            account_id=account,
            default_tag_keys=default_tag_keys,
        )
        _STATES[key] = state
    _STATES[scope_key] = state
    return state


def node_of(scope: Construct) -> Node:
    """``scope.node``, read from the jsii process once per scope."""
    key = scope.__jsii_ref__.ref
    node = _NODES.get(key)
    if node is None:
        node = _NODES[key] = scope.node
    return node


def require_terraform_constraints(state: StackState) -> None:
    """Declare ``hashicorp/aws ~> 5.0`` and Terraform ``>= 1.5.0`` for the stack.

    The bindings would otherwise pin the exact provider version they were
    generated from (5.99.1), which offline mirrors and most lock files lack.
    A stack can still narrow these with its own ``add_override`` afterwards.
    """
    if state.constraints_written:
        return
    state.stack.add_override(
        "terraform.required_providers.aws",
        {"source": AWS_PROVIDER_SOURCE, "version": AWS_PROVIDER_CONSTRAINT},
    )
    state.stack.add_override("terraform.required_version", TERRAFORM_CONSTRAINT)
    state.constraints_written = True
