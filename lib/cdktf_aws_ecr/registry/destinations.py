"""Where a repository's images are replicated to: a destination registry, as given and
as resolved against the source registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Optional

from ..checks import check_account_id, check_region


class DestinationRegistry(NamedTuple):
    """A resolved destination: the region and account ID of the registry that receives copies."""

    region: str
    registry_id: str

    def __str__(self) -> str:
        return f"{self.registry_id}/{self.region}"


@dataclass(frozen=True)
class ReplicationDestination:
    """A registry that receives copies of a repository's images: its ``region`` and
    ``account_id`` (None: the source registry's own; another account's registry policy must
    allow the source, see :meth:`ReplicationPlan.destination_policy_statements`)."""

    region: str
    account_id: Optional[str] = None

    def __post_init__(self) -> None:
        check_region("region", self.region)
        if self.account_id is not None:
            check_account_id("account_id", self.account_id)

    def resolve(self, source_account_id: str) -> DestinationRegistry:
        return DestinationRegistry(self.region, self.account_id or source_account_id)

    def __str__(self) -> str:
        return f"{self.account_id or 'source account'}/{self.region}"
