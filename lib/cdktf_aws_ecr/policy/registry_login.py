"""The identity policy that lets an IAM role or user log in to the registry
(``ecr:GetAuthorizationToken``, which no repository policy can grant), attached once per
identity as its child construct, at ``<identity's logical id>_registry_login``.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from .._framework import TerraformStack, aws
from .._state import add_synth_check, state_of
from ..errors import ValidationError
from ..facts import REGISTRY_LOGIN_ACTION
from .grantees import GRANTEES_ALLOWED, IdentityType, classify_grantee
from .statement import PolicyStatement, policy_document

_LOGIN = PolicyStatement(sid="AllowRegistryLogin", actions=[REGISTRY_LOGIN_ACTION], resources=["*"])
#: The identity policy that lets a role or user log in to the registry: compact JSON in
#: IAM's element order, keys unsorted, as the library has always written it.
REGISTRY_LOGIN_POLICY = json.dumps(
    policy_document([_LOGIN], single_values_as_strings=True), separators=(",", ":")
)

#: The name of the inline policy on the role or user. Inline policy names are
#: unique per identity: an inline policy of this name that other code manages
#: must be moved into this one (a ``moved`` block onto :func:`grant_registry_login`'s
#: resource), or one apply would both write and delete it.
LOGIN_POLICY_NAME = "ecr-registry-login"
_CHILD_ID = "cdktf-aws-ecr-registry-login"
_ADDRESS_SUFFIX = "_registry_login"


def grant_registry_login(identity: Any) -> Any:
    """Attach the registry-login identity policy to ``identity``; return that resource.

    ``identity`` is a cdktf ``IamRole`` or ``IamUser`` (a resource, not a data
    source). The policy is an inline ``aws_iam_role_policy`` /
    ``aws_iam_user_policy`` named ``ecr-registry-login`` that allows
    ``ecr:GetAuthorizationToken`` on ``*``, created in the identity's stack.
    Calling it again (or granting the identity on more repositories) returns
    the same resource, so it can carry a ``move_from_id`` for a policy that
    already exists (a move from its own address,
    ``<identity's logical id>_registry_login``, is skipped: that policy's
    state is already there). :meth:`Repository.grant_pull` and friends call it
    for identities of the repository's own stack; call it yourself, in the
    identity's stack, for an identity granted from another stack. Another
    resource of the stack at the policy's address makes synth raise
    :class:`~cdktf_aws_ecr.ValidationError` naming ``identity``.
    """
    grantee = classify_grantee(identity, "identity")
    if grantee.identity_type is None:
        raise ValidationError(
            "identity",
            identity,
            "an IamRole or IamUser resource of this app",
            problem="is not a role or user resource this app manages"
            if grantee.identity is not None
            else f"is not a construct ({GRANTEES_ALLOWED} are grantees; only IamRole and "
            "IamUser resources can carry an identity policy)",
        )
    existing = identity.node.try_find_child(_CHILD_ID)
    if existing is not None:
        return existing
    user = grantee.identity_type is IdentityType.USER
    attached_to = {"user": identity.name} if user else {"role": identity.name}
    policy = _login_policy_class(user)(
        identity,
        _CHILD_ID,
        name=LOGIN_POLICY_NAME,
        policy=REGISTRY_LOGIN_POLICY,
        provider=identity.provider,
        **attached_to,
    )
    stack = TerraformStack.of(identity)
    logical_id = f"{stack.get_logical_id(identity)}{_ADDRESS_SUFFIX}"
    policy.override_logical_id(logical_id)
    add_synth_check(state_of(identity), lambda: _check_address_is_its_own(stack, policy, identity))
    return policy


@functools.cache
def _login_policy_class(user: bool) -> Any:
    """``IamUserPolicy`` or ``IamRolePolicy``, whose ``move_from_id`` skips a move
    from the policy's own address.

    Code that wrote its own login policy at ``<identity>_registry_login`` hands
    that address over by deleting its resource; a move from it onto itself
    would make Terraform refuse the plan ("Redundant move statement").
    """
    base: Any = aws.IamUserPolicy if user else aws.IamRolePolicy

    class RegistryLoginPolicy(base):
        def move_from_id(self, id: str) -> None:
            if id != f"{self.terraform_resource_type}.{self.friendly_unique_id}":
                super().move_from_id(id)

    return RegistryLoginPolicy


def _check_address_is_its_own(stack: TerraformStack, policy: Any, identity: Any) -> None:
    """No other resource of the stack has the login policy's address.

    cdktf keeps one resource per address in the stack's JSON, silently. Only a
    construct directly in the stack gets a logical id without a hash suffix, so
    the stack's child of that id is the one that can collide (besides one whose
    id was overridden to it).
    """
    logical_id = policy.friendly_unique_id
    other = stack.node.try_find_child(logical_id)
    if (
        other is None
        or getattr(other, "terraform_resource_type", None) != policy.terraform_resource_type
        or stack.get_logical_id(other) != logical_id
    ):
        return
    address = f"{policy.terraform_resource_type}.{logical_id}"
    raise ValidationError(
        "identity",
        identity.node.path,
        "an IamRole or IamUser whose registry-login policy's address no other resource of "
        "the stack has",
        problem=f"gets its registry-login policy at {address}, which is also the address of "
        f"'{other.node.path}': the stack would hold only one of them. Give that construct "
        "another id; if it is your own registry-login policy, delete it, and the library's "
        "takes over its address",
    ).located(f"grant_registry_login '{identity.node.path}'")
