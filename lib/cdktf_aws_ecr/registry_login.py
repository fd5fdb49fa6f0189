"""The identity policy that lets an IAM role or user log in to the registry.

A repository policy lets a principal pull or push, but not log in: logging in
calls ``ecr:GetAuthorizationToken``, which is account-wide and must be allowed
by an IAM policy of the principal itself
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html).
So when a repository grants an ``IamRole`` or ``IamUser`` of its own stack,
the library attaches this policy to it: one per identity, however many
repositories grant it.

The policy is a child construct of the identity, so the construct tree is the
bookkeeping (a second grant finds it there), it lives in the identity's stack,
and its Terraform address follows the identity: ``<identity's logical id>_registry_login``
(``aws_iam_role_policy.ci_build_role_registry_login``), whichever repository
granted first.
"""

from __future__ import annotations

from typing import Any

from cdktf import TerraformStack

from .access import GRANTEES_ALLOWED, REGISTRY_LOGIN_POLICY, IdentityType, classify_grantee
from .errors import ValidationError

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
    already exists. :meth:`Repository.grant_pull` and friends call it for
    identities of the repository's own stack; call it yourself, in the
    identity's stack, for an identity granted from another stack.
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
    # The bindings are imported here, after cdktf_aws_ecr set up their lean start.
    policy_class: Any
    if grantee.identity_type is IdentityType.USER:
        from cdktf_cdktf_provider_aws.iam_user_policy import IamUserPolicy

        policy_class, attached_to = IamUserPolicy, {"user": identity.name}
    else:
        from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy

        policy_class, attached_to = IamRolePolicy, {"role": identity.name}
    policy = policy_class(
        identity,
        _CHILD_ID,
        name=LOGIN_POLICY_NAME,
        policy=REGISTRY_LOGIN_POLICY,
        provider=identity.provider,
        **attached_to,
    )
    stack = TerraformStack.of(identity)
    policy.override_logical_id(f"{stack.get_logical_id(identity)}{_ADDRESS_SUFFIX}")
    return policy
