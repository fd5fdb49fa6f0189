"""Which repositories a registry scans, under ECR's rules, before and after a plan.

https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html: under
BASIC scanning a repository is scanned on push when its own ``scanOnPush`` is on or a
``SCAN_ON_PUSH`` filter matches it (the others are set to manual); under ENHANCED scanning
only the filters count, ``CONTINUOUS_SCAN`` winning over ``SCAN_ON_PUSH``, and "any
repositories not matching an enhanced scanning filter will have scanning disabled".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

from ..enums import ScanFrequency
from ..registry.prefixes import wildcard_matches

BASIC = "BASIC"
ENHANCED = "ENHANCED"


@dataclass(frozen=True)
class ScanningConfiguration:
    """A registry's scan type and rules: ``((frequency, (filter, ...)), ...)``."""

    scan_type: str = BASIC
    rules: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

    @classmethod
    def from_api(cls, configuration: Mapping[str, Any]) -> "ScanningConfiguration":
        """From ``GetRegistryScanningConfiguration``'s ``scanningConfiguration``."""
        return cls(
            str(configuration.get("scanType") or BASIC),
            tuple(
                (
                    str(rule.get("scanFrequency")),
                    tuple(str(f.get("filter")) for f in rule.get("repositoryFilters") or ()),
                )
                for rule in configuration.get("rules") or ()
            ),
        )

    @classmethod
    def from_terraform(cls, values: Mapping[str, Any]) -> "ScanningConfiguration":
        """From an ``aws_ecr_registry_scanning_configuration``'s planned values."""
        return cls(
            str(values.get("scan_type") or BASIC),
            tuple(
                (
                    str(rule.get("scan_frequency")),
                    tuple(str(f.get("filter")) for f in rule.get("repository_filter") or ()),
                )
                for rule in values.get("rule") or ()
            ),
        )

    @property
    def enhanced(self) -> bool:
        return self.scan_type == ENHANCED

    @property
    def filters(self) -> Tuple[str, ...]:
        return tuple(f for _, filters in self.rules for f in filters)

    def _matching(self, frequency: str, name: str) -> Optional[str]:
        return next(
            (f for rule, filters in self.rules if rule == frequency for f in filters
             if wildcard_matches(f, name)),
            None,
        )

    def scans(self, name: str, scan_on_push: bool) -> Optional[str]:
        """How the repository ``name`` is scanned, in words; None when it is not."""
        if self.enhanced:
            for frequency in (ScanFrequency.CONTINUOUS_SCAN, ScanFrequency.SCAN_ON_PUSH):
                matched = self._matching(frequency.value, name)
                if matched is not None:
                    return f"enhanced {frequency.value} (filter {matched!r})"
            return None
        if scan_on_push:
            return "basic scan on push (its own setting)"
        matched = self._matching(ScanFrequency.SCAN_ON_PUSH.value, name)
        return None if matched is None else f"basic scan on push (filter {matched!r})"

    def why_not(self, name: str) -> str:
        """Why ``name`` is not scanned under this configuration."""
        if self.enhanced:
            shown = ", ".join(repr(f) for f in self.filters[:5]) or "none"
            more = f" and {len(self.filters) - 5} more" if len(self.filters) > 5 else ""
            return (
                "the registry is ENHANCED and none of its filters matches it "
                f"(filters: {shown}{more}); its own scan-on-push no longer counts"
            )
        return (
            "the registry is BASIC, its scan-on-push is off and no scan-on-push filter matches it"
        )


#: A registry's configuration when none was ever written, and after Terraform deletes one
#: (the provider puts BASIC with no rules).
DEFAULT = ScanningConfiguration()
