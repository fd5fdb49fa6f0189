"""Retiring a repository from the code without destroying it. Deleting a ``Repository`` makes
Terraform destroy its policies and then, if it can, the repository (``prevent_destroy`` went
with its resource block); :class:`RemovedRepository` writes ``removed`` blocks instead (and,
in a stack that upgrades from release 0.1.0, for that release's addresses too: give it the
scope and id the ``Repository`` had). To manage it again, put the ``Repository`` back with
``adopt=Adopt(...)``."""

from __future__ import annotations

from typing import Optional

from ._framework import AwsProvider, Construct
from ._state import add_synth_check, path_of, state_of
from .addresses import forget, legacy_logical_id, node_id, repository_address_id
from .checks import check_name
from .errors import ValidationError, located
from .providers import address_alias, check_provider
from .registry.membership import check_same_stack
from .registry.owner import owner_for
from .tokens import is_token

#: What retiring keeps: each resource type a Repository emits, and its construct id there.
RETAINED_RESOURCES = {
    "aws_ecr_repository": "repository",
    "aws_ecr_lifecycle_policy": "lifecycle_policy",
    "aws_ecr_repository_policy": "repository_policy",
}


class RemovedRepository(Construct):
    """Stop managing the repository ``name`` while keeping it, its images and policies: it
    replaces the stack's ``Repository`` of that name and ``provider`` (the next apply forgets
    the resources; then it can go too). The stack then declares Terraform >= 1.7."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        provider: Optional[AwsProvider] = None,
    ) -> None:
        state = state_of(scope)
        scope_path = path_of(scope, state)
        where = f"RemovedRepository '{scope_path}/{id}'"
        with located(where):
            check_name("name", name)
            if is_token(name):
                raise ValidationError(
                    "name", name, "a plain repository name: its Terraform address is derived from it",
                    problem="is an unresolved token",
                )
            check_provider("provider", provider)
            check_same_stack("provider", provider, state)
        super().__init__(scope, id)
        self.repository_name = name
        self._where = where
        self._provider = provider
        address_id = repository_address_id(name, address_alias(state.stack, provider))
        # The construct ids below the stack of the Repository this one replaces.
        path = tuple(f"{scope_path}/{node_id(id)}"[len(state.path) + 1:].split("/"))
        for resource_type, construct_id in RETAINED_RESOURCES.items():
            forget(state.stack, f"{resource_type}.{address_id}")
            legacy = legacy_logical_id(state.stack, (*path, construct_id))
            if legacy is not None:
                forget(state.stack, f"{resource_type}.{legacy}", from_0_1_0=True)
        self._state = state
        add_synth_check(state, self._check)

    def _check(self) -> None:
        """Terraform refuses a ``removed`` block for a resource the code still declares; and
        in an ENHANCED registry, the repository kept may lose its scanning filter."""
        owner = owner_for(self._state, self._provider)
        declared = owner._request_named(self.repository_name) if owner is not None else None
        if declared is not None and declared.stack_path == self._state.path:
            raise ValidationError(
                "name",
                self.repository_name,
                "the name of a repository this stack no longer declares (to manage a retired "
                "repository again, delete the RemovedRepository and declare the Repository "
                "with adopt=Adopt(...))",
                problem=f"is still declared by {declared.where}",
                where=self._where,
            )
        if owner is not None:
            owner._scanning.warn_about_retired(self.repository_name, self._where)
