"""A review of Terraform plans before apply: refuses what would lose repositories, images,
policies or scanning, and warns about what risks them (``python -m cdktf_aws_ecr.review``).

Plans from any tool work; resources this library does not know are ignored. The review
never starts the jsii runtime.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence, Union

from .live import LiveError, read_registries
from .live_rules import live_findings
from .plan import PLAN_FILE, Plan, PlanError, parse_plan, plan_stack_dir, plan_stack_dirs, read_plan
from .report import EXIT_CLEAN, EXIT_ERROR, EXIT_REFUSED, Finding, Review, allow
from .rules import Context, plan_findings

__all__ = [
    "EXIT_CLEAN",
    "EXIT_ERROR",
    "EXIT_REFUSED",
    "Finding",
    "LiveError",
    "PLAN_FILE",
    "Plan",
    "PlanError",
    "Review",
    "parse_plan",
    "plan_stack_dir",
    "plan_stack_dirs",
    "read_plan",
    "review_plans",
]

PlanInput = Union[Plan, Mapping[str, Any], str, Path]


def _plan(given: PlanInput, index: int) -> Plan:
    if isinstance(given, Plan):
        return given
    if isinstance(given, Mapping):
        return parse_plan(given, f"plan {index + 1}")
    return read_plan(Path(given))


def review_plans(
    plans: Sequence[PlanInput],
    *,
    live: bool = False,
    allow_destroy: Sequence[str] = (),
    now: Optional[datetime] = None,
) -> Review:
    """Review ``plans`` together: :class:`Plan` objects, parsed ``terraform show -json``
    output, or files of it.

    ``live`` also reads the registries the plans target (boto3, the region each provider
    names, ``AWS_ENDPOINT_URL`` honoured) to say what is at stake. ``allow_destroy`` holds
    ``fnmatch`` patterns of repository names or addresses whose refusals are let through.
    ``now`` is when lifecycle policies are previewed (default: now). Raises
    :class:`PlanError` for an unreadable plan and :class:`LiveError` when the registry
    cannot be read.
    """
    read = [_plan(given, index) for index, given in enumerate(plans)]
    if not read:
        raise PlanError("no plan to review")
    regions = {c.region for plan in read for c in plan.changes if c.type.startswith("aws_ecr_")}
    registries = read_registries({r for r in regions if r} or regions) if live else {}
    ctx = Context([change for plan in read for change in plan.changes], registries, now)
    found = allow([*plan_findings(ctx, read), *live_findings(ctx)], allow_destroy)
    return Review(
        sources=tuple(plan.source for plan in read),
        changes=sum(1 for plan in read for change in plan.changes if change.actions != ("no-op",)),
        findings=tuple(found),
        live_regions=tuple(sorted(registries)),
    )
