"""Retiring a repository from the code without destroying it. Deleting a ``Repository`` makes
Terraform destroy its policies and then, if it can, the repository (``prevent_destroy`` went
with its resource block); :class:`RemovedRepository` writes ``removed`` blocks instead."""

from __future__ import annotations

from typing import Optional

from ._framework import AwsProvider, Construct
from ._state import add_synth_check, path_of, state_of
from .addresses import forget, repository_address_id
from .checks import check_name
from .errors import ValidationError, located
from .providers import alias_of, check_provider
from .registry.membership import check_same_stack
from .registry.owner import owner_for
from .tokens import is_token

RETAINED_RESOURCE_TYPES = ("aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy")


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
        where = f"RemovedRepository '{path_of(scope, state)}/{id}'"
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
        address_id = repository_address_id(name, alias_of(provider))
        for resource_type in RETAINED_RESOURCE_TYPES:
            forget(state.stack, f"{resource_type}.{address_id}")
        self._state = state
        add_synth_check(state, self._check_not_declared)

    def _check_not_declared(self) -> None:
        """Terraform refuses a ``removed`` block for a resource the code still declares."""
        owner = owner_for(self._state, self._provider)
        declared = owner._request_named(self.repository_name) if owner is not None else None
        if declared is not None and declared.stack_path == self._state.path:
            raise ValidationError(
                "name",
                self.repository_name,
                "the name of a repository this stack no longer declares",
                problem=f"is still declared by {declared.where}",
                where=self._where,
            )
