"""What the generator announces: the changes the first apply will make, and what it leaves
as it is."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict

#: The subject of a change to a registry-wide setting.
REGISTRY = "registry"


@dataclass(frozen=True)
class Change:
    """One change the first apply makes to something that exists (or creates beside it).

    ``resource`` is the Terraform resource type that changes, and ``action`` what its plan
    shows besides the import: ``update`` (in place), ``create`` (it did not exist) or
    ``replace``.
    """

    subject: str
    resource: str
    action: str
    description: str
    #: The kind of change, the same for every repository it happens to (summaries count them).
    kind: str = ""

    def line(self) -> str:
        return f"{self.subject}: {self.description}"

    def as_json(self) -> Dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Note:
    """Something the code leaves as it is in AWS, or could not read."""

    subject: str
    description: str

    def line(self) -> str:
        return f"{self.subject}: {self.description}"

    def as_json(self) -> Dict[str, Any]:
        return asdict(self)
