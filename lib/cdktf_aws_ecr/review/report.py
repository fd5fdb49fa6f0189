"""The review's findings, its verdict, and the report: readable text or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from fnmatch import fnmatchcase
from typing import Any, Dict, List, Optional, Sequence, Tuple

REFUSE = "refuse"
WARN = "warn"

#: Exit statuses of the command: clean, refused, bad usage or unreadable input.
EXIT_CLEAN, EXIT_REFUSED, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Finding:
    """Something a plan would lose (``refuse``) or risk (``warn``)."""

    severity: str
    #: What kind of loss: ``repository-destroyed``, ``policy-deleted``, ...
    rule: str
    #: The plan it is in (its file or stack directory).
    source: str
    #: The Terraform address concerned.
    address: str
    #: The repository concerned, if any.
    repository: Optional[str]
    #: What the plan does.
    what: str
    #: What would be lost, as far as is known.
    at_stake: str = ""
    #: What to do instead.
    instead: str = ""
    #: The ``--allow-destroy`` pattern that let a refusal through.
    allowed_by: Optional[str] = None

    @property
    def refuses(self) -> bool:
        return self.severity == REFUSE and self.allowed_by is None

    def allow_hint(self) -> str:
        """The ``--allow-destroy`` that would let this refusal through."""
        return f"--allow-destroy '{self.repository or self.address}'"


def allow(findings: Sequence[Finding], patterns: Sequence[str]) -> List[Finding]:
    """Refusals whose repository name or address matches a pattern (``fnmatch``) let through."""
    allowed: List[Finding] = []
    for finding in findings:
        pattern = next(
            (
                p for p in patterns
                if fnmatchcase(finding.address, p)
                or (finding.repository is not None and fnmatchcase(finding.repository, p))
            ),
            None,
        )
        if finding.severity == REFUSE and pattern is not None:
            finding = replace(finding, allowed_by=pattern)
        allowed.append(finding)
    return allowed


@dataclass(frozen=True)
class Review:
    """The verdict on a set of plans."""

    sources: Tuple[str, ...]
    changes: int
    findings: Tuple[Finding, ...]
    #: Regions whose registry was read (``--live``).
    live_regions: Tuple[str, ...] = ()

    @property
    def refusals(self) -> List[Finding]:
        return [f for f in self.findings if f.refuses]

    @property
    def warnings(self) -> List[Finding]:
        return [f for f in self.findings if f.severity == WARN]

    @property
    def allowed(self) -> List[Finding]:
        return [f for f in self.findings if f.allowed_by is not None]

    def exit_code(self, strict: bool = False) -> int:
        if self.refusals or (strict and self.warnings):
            return EXIT_REFUSED
        return EXIT_CLEAN

    def to_json(self, strict: bool = False) -> Dict[str, Any]:
        return {
            "verdict": "refused" if self.exit_code(strict) else "passed",
            "exit_code": self.exit_code(strict),
            "plans": list(self.sources),
            "changes": self.changes,
            "live_regions": list(self.live_regions),
            "refused": len(self.refusals),
            "warnings": len(self.warnings),
            "allowed": len(self.allowed),
            "findings": [asdict(finding) for finding in self.findings],
        }

    def render_json(self, strict: bool = False) -> str:
        return json.dumps(self.to_json(strict), indent=2) + "\n"

    def render_text(self, strict: bool = False) -> str:
        regions = ", ".join(self.live_regions)
        live = f"; live registry read in {regions}" if regions else ""
        plans = f"{len(self.sources)} plan{'s' if len(self.sources) != 1 else ''}"
        lines = [f"Plan review: {plans}, {self.changes} resource changes{live}"]
        order = {REFUSE: 0, WARN: 1}
        for finding in sorted(
            self.findings, key=lambda f: (f.allowed_by is not None, order[f.severity])
        ):
            label = "WARNING" if finding.severity == WARN else "REFUSED"
            label = "ALLOWED" if finding.allowed_by else label
            named = f" ({finding.repository})" if finding.repository else ""
            lines += ["", f"{label}  {finding.address}{named}  [{finding.source}]"]
            lines.append(f"  What:     {finding.what}")
            if finding.at_stake:
                lines.append(f"  At stake: {finding.at_stake}")
            if finding.allowed_by:
                lines.append(f"  Allowed by --allow-destroy '{finding.allowed_by}'.")
                continue
            if finding.instead:
                lines.append(f"  Instead:  {finding.instead}")
            if finding.severity == REFUSE:
                lines.append(f"  To go ahead anyway: {finding.allow_hint()}")
        refused, warned = len(self.refusals), len(self.warnings)
        lines.append("")
        if self.exit_code(strict):
            why = f"{refused} refused"
            if strict and warned:
                why += f", {warned} warnings (--strict)"
            lines.append(f"Refused ({why}): do not apply these plans.")
        else:
            allowed = f", {len(self.allowed)} allowed" if self.allowed else ""
            lines.append(f"Passed ({warned} warnings{allowed}).")
        return "\n".join(lines) + "\n"
