"""Terraform addresses that follow what a resource *is*, not where its construct sits.

cdktf derives a resource's address from its construct path, so renaming a
construct id, or moving a :class:`~cdktf_aws_ecr.Repository` into a nested
construct, changes the address, and Terraform destroys the resource at the
old address and creates one at the new. For a repository that means losing
its images (or, with ``force_delete = false``, its policies and then a failed
apply). So this library pins each resource's logical id to the registry thing
it manages:

* a repository and its lifecycle policy, repository policy and policy
  document are named after the repository name: ``payments/api`` becomes
  ``aws_ecr_repository.payments--api``;
* a registry's scanning configuration is ``registry_scanning``;
* resources on an aliased provider get ``___<alias>`` appended, since the same
  name may exist in each region a stack deploys to.

A repository name uses lowercase letters, digits and single ``. _ - /``
separators, so writing ``/`` as ``--`` and ``.`` as ``__`` (and a leading digit
after ``_``) gives a valid Terraform identifier that no other name maps to.
A name that is a token is only known at apply; such a repository keeps cdktf's
path-derived address, and a refactor then plans a replacement, which the
default ``prevent_destroy`` refuses.

Stacks deployed by release 0.1.0 hold the path-derived addresses. Each pinned
resource therefore also declares a ``moved`` block from its path-derived
address, so the first plan after upgrading moves state and destroys nothing.
Upgrade (and apply) before refactoring the construct tree: the ``moved``
block is derived from the construct path of the code that upgrades.
"""

from __future__ import annotations

from typing import Any, Optional

from cdktf import TerraformStack

#: The address of a registry's scanning configuration (one per stack and provider).
REGISTRY_SCANNING_ID = "registry_scanning"
_ALIAS_SEPARATOR = "___"


def repository_address_id(name: str, alias: Optional[str] = None) -> str:
    """The logical id of everything a repository named ``name`` emits."""
    slug = name.replace("/", "--").replace(".", "__")
    if slug[:1].isdigit():
        slug = "_" + slug
    return with_alias(slug, alias)


def with_alias(logical_id: str, alias: Optional[str]) -> str:
    """``logical_id`` for the stack's default provider, or its variant for an aliased one."""
    return logical_id if alias is None else f"{logical_id}{_ALIAS_SEPARATOR}{alias}"


def pin_address(
    stack: TerraformStack, element: Any, resource_type: str, logical_id: Optional[str], *, managed: bool = True
) -> str:
    """Give ``element`` the logical id ``logical_id``; return the id it ends up with.

    A managed resource also moves from its path-derived address (release
    0.1.0's), so deployed state follows it. With ``logical_id`` None (a token
    name) the path-derived id stays.
    """
    legacy = str(stack.get_logical_id(element))
    if logical_id is None or logical_id == legacy:
        return legacy
    element.override_logical_id(logical_id)
    if managed:
        element.move_from_id(f"{resource_type}.{legacy}")
    return logical_id
