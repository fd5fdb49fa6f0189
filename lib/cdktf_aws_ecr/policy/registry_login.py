"""The identity policy that lets an IAM role or user log in to the registry
(``ecr:GetAuthorizationToken``, which no repository policy can grant)."""

from __future__ import annotations

import functools
import json
from typing import Any, List

from .._framework import DefaultTokenResolver, StringConcat, TerraformStack, Tokenization, aws
from .._state import add_synth_check, state_of
from ..addresses import claim, terraform_type
from ..errors import ValidationError
from ..facts import REGISTRY_LOGIN_ACTION
from ..tokens import is_token
from .grantees import GRANTEES_ALLOWED, IdentityType, classify_grantee
from .statement import PolicyStatement, policy_document

_LOGIN = PolicyStatement(sid="AllowRegistryLogin", actions=[REGISTRY_LOGIN_ACTION], resources=["*"])
#: The identity policy that lets a role or user log in to the registry: compact JSON in
#: IAM's element order, keys unsorted, as the library has always written it.
REGISTRY_LOGIN_POLICY = json.dumps(
    policy_document([_LOGIN], single_values_as_strings=True), separators=(",", ":")
)

#: Inline policy names are unique per identity: one of this name that other code manages
#: must be moved into this one, or one apply would both write and delete it.
LOGIN_POLICY_NAME = "ecr-registry-login"
_CHILD_ID = "cdktf-aws-ecr-registry-login"
_ADDRESS_SUFFIX = "_registry_login"


def grant_registry_login(identity: Any) -> Any:
    """Attach the registry-login identity policy to ``identity`` (an ``IamRole`` or
    ``IamUser`` resource); return that resource.

    It is an inline policy named ``ecr-registry-login`` allowing
    ``ecr:GetAuthorizationToken`` on ``*``, in the identity's stack, at
    ``<identity's logical id>_registry_login``. Calling it again returns the same resource,
    which can carry a ``move_from_id`` for a policy that exists already. Grants call it for
    identities of the repository's stack; call it in the identity's stack for others."""
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
    claim(stack, policy, "aws_iam_user_policy" if user else "aws_iam_role_policy", logical_id,
          data=False)
    # A reference, not the name: the exclusive list must wait for the policy it lists, or
    # the provider's create of that list fails on a policy not yet there.
    name_reference = policy.name
    add_synth_check(state_of(identity), lambda: _keep_under_exclusive_management(
        stack, identity, user, name_reference))
    return policy


#: The resources that make Terraform delete every inline policy of a role or user they do not
#: list, with the argument naming the identity ("Terraform will ... remove any inline policy
#: not explicitly configured", aws_iam_role_policies_exclusive in provider 5.100's docs).
_EXCLUSIVE = {False: ("aws_iam_role_policies_exclusive", "role_name"),
              True: ("aws_iam_user_policies_exclusive", "user_name")}


def _keep_under_exclusive_management(
    stack: TerraformStack, identity: Any, user: bool, name_reference: str
) -> None:
    """List the login policy wherever Terraform manages ``identity``'s inline policies
    exclusively (an ``inline_policy`` block of a role, a name of an ``*_policies_exclusive``
    resource of the stack); otherwise one apply deletes it and the next creates it again.
    Refused when that list is a token, which Python cannot extend."""
    where = f"grant_registry_login '{identity.node.path}'"
    if not user:
        blocks = identity.inline_policy_input
        if blocks is not None:
            if is_token(blocks) or not isinstance(blocks, list):
                raise _unlistable("inline_policy", identity.node.path, where)
            names = [block.name for block in blocks]
            if LOGIN_POLICY_NAME not in names:
                # An empty block means "no inline policies"; with ours listed it must go.
                kept = [block for block in blocks if block.name is not None or block.policy is not None]
                identity.put_inline_policy(kept + [aws.IamRoleInlinePolicy(
                    name=LOGIN_POLICY_NAME, policy=REGISTRY_LOGIN_POLICY)])
    kind, argument = _EXCLUSIVE[user]
    resource_type = terraform_type(identity)
    logical_id = identity.friendly_unique_id
    references = {f"${{{resource_type}.{logical_id}.{field}}}" for field in ("name", "id")}
    references.add(identity.name_input)
    for exclusive in _exclusive_resources(stack, kind):
        named = getattr(exclusive, f"{argument}_input")
        if named is None or Tokenization.resolve(
            named, scope=stack, resolver=DefaultTokenResolver(StringConcat()), preparing=False
        ) not in references:
            continue
        listed = exclusive.policy_names_input
        if is_token(listed) or not isinstance(listed, list):
            raise _unlistable(f"policy_names of '{exclusive.node.path}'", identity.node.path, where)
        if LOGIN_POLICY_NAME not in listed and name_reference not in listed:
            exclusive.policy_names = list(listed) + [name_reference]


def _exclusive_resources(stack: TerraformStack, kind: str) -> List[Any]:
    state = state_of(stack)
    return state.book.read_once(f"{kind} in {state.path}", lambda: [
        node for node in stack.node.find_all()
        if hasattr(node, "terraform_resource_type") and terraform_type(node) == kind
    ])


def _unlistable(what: str, identity: str, where: str) -> ValidationError:
    return ValidationError(
        "identity",
        identity,
        f"a role or user whose exclusively managed inline policies are a plain list, to which "
        f"the library adds {LOGIN_POLICY_NAME!r}",
        problem=f"has its inline policies managed exclusively by {what}, an unresolved token: "
        f"Terraform would delete the registry-login policy {LOGIN_POLICY_NAME!r} on one apply "
        f"and create it on the next. Give a plain list there, which the library extends with "
        f"{LOGIN_POLICY_NAME!r}",
        where=where,
    )


@functools.cache
def _login_policy_class(user: bool) -> Any:
    """``IamUserPolicy`` or ``IamRolePolicy``, whose ``move_from_id`` skips a move from the
    policy's own address, which Terraform refuses ("Redundant move statement"): code that
    wrote its own login policy there hands the address over by deleting its resource."""
    base: Any = aws.IamUserPolicy if user else aws.IamRolePolicy

    class RegistryLoginPolicy(base):
        def move_from_id(self, id: str) -> None:
            if id != f"{self.terraform_resource_type}.{self.friendly_unique_id}":
                super().move_from_id(id)

    return RegistryLoginPolicy
