"""The identity policy that lets an IAM role or user log in to the registry
(``ecr:GetAuthorizationToken``, which no repository policy can grant)."""

from __future__ import annotations

import functools
import json
from typing import Any

from .._framework import TerraformStack, aws
from ..addresses import claim
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
    return policy


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
