"""Where a repository's images are replicated to: a destination registry, as given and
as resolved against the source registry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, Optional

from ..checks import REGION_ALLOWED, check_account_id, check_region
from ..errors import ValidationError
from ..facts import PROVIDER_DESTINATION_REGION_PATTERN
from ..tokens import is_token

_DESTINATION_REGION = re.compile(PROVIDER_DESTINATION_REGION_PATTERN, re.ASCII)


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
        if not is_token(self.region) and not _DESTINATION_REGION.fullmatch(self.region):
            raise ValidationError(
                "region", self.region, REGION_ALLOWED + ", of a partition AWS provider 5.100 "
                "can replicate to", problem="is not an AWS region code the provider accepts "
                "in a replication destination (it refuses the aws-eusc partition's regions)",
            )
        if self.account_id is not None:
            check_account_id("account_id", self.account_id)

    def resolve(self, source_account_id: str) -> DestinationRegistry:
        return DestinationRegistry(self.region, self.account_id or source_account_id)

    def __str__(self) -> str:
        return f"{self.account_id or 'source account'}/{self.region}"
