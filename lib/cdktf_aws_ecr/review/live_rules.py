"""What a plan would lose that only the registry tells (``--live``): repositories scanned
today and not after the plan, and images a new lifecycle policy expires at once; and,
without the registry, what turning it ENHANCED may reach."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from ..errors import ValidationError
from ..lifecycle.simulator import preview_lifecycle
from .live import LiveRegistry
from .plan import Change
from .report import REFUSE, WARN, Finding
from .rules import LIFECYCLE_POLICY, REPOSITORY, SCANNING, Context, name_of, named
from .scanning import DEFAULT, ScanningConfiguration


def _planned_scanning(
    ctx: Context, live: LiveRegistry
) -> Tuple[Optional[ScanningConfiguration], Optional[Change]]:
    """The registry's scanning configuration after the plans (None: not known at plan), and
    the change that sets it, if any."""
    for change in ctx.of(SCANNING):
        if ctx.live_for(change.region) is not live or change.actions == ("no-op",):
            continue
        if change.actions == ("forget",):
            return live.scanning, change
        if change.deletes and not change.creates:
            return DEFAULT, change
        if change.after_unknown.get("rule") is True:
            return None, change
        return ScanningConfiguration.from_terraform(change.after), change
    return live.scanning, None


def _planned_scan_on_push(ctx: Context, live: LiveRegistry) -> Dict[str, Tuple[bool, Change]]:
    """Each repository's scan-on-push after the plans, where a plan sets it."""
    planned: Dict[str, Tuple[bool, Change]] = {}
    for change in ctx.of(REPOSITORY):
        name = name_of(change)
        if not change.stays or name is None or ctx.live_for(change.region) is not live:
            continue
        blocks = change.known_after("image_scanning_configuration")
        value = blocks[0].get("scan_on_push") if isinstance(blocks, list) and blocks else None
        planned[name] = (value is not False, change)  # unknown: it may be on
    return planned


def _scanning_findings(ctx: Context) -> Iterator[Finding]:
    for region, live in ctx.live.items():
        today = live.scanning
        after, setter = _planned_scanning(ctx, live)
        if after is None:
            continue
        planned = _planned_scan_on_push(ctx, live)
        newly_enhanced: List[str] = []
        for name, scan_on_push in live.repositories.items():
            if ctx.repository_deleted(region, name):
                continue  # refused as a deleted repository
            after_scan_on_push, repository_change = planned.get(name, (scan_on_push, None))
            how_today = today.scans(name, scan_on_push)
            how_after = after.scans(name, after_scan_on_push)
            declared = ctx.is_declared(region, name)
            if how_today and not how_after:
                by = setter or repository_change
                why = (
                    after.why_not(name) if after_scan_on_push or after.enhanced
                    else "its scan-on-push is turned off"
                )
                yield Finding(
                    REFUSE, "scanning-lost", by.source if by else "",
                    by.address if by else f"registry {region}", name,
                    f"the repository is scanned today ({how_today}) and would not be after the "
                    f"plan: {why}{'' if declared else '; this app does not declare it'}",
                    at_stake="its vulnerability scans from now on",
                    instead="cover it: a scanning rule that matches it (Registry.add_rule("
                    "'<namespace>/*', ScanFrequency.SCAN_ON_PUSH)), or declare it with a "
                    "Repository",
                )
            elif after.enhanced and how_after and not declared:
                if not (today.enhanced and how_today):
                    newly_enhanced.append(name)
        if newly_enhanced and setter is not None:
            yield Finding(
                WARN, "enhanced-scanning-undeclared", setter.source, setter.address, None,
                f"enhanced (paid) scanning newly reaches {len(newly_enhanced)} repositories this "
                f"app does not declare: {named(sorted(newly_enhanced))}",
                instead="narrow the filters (a filter without * matches every name that "
                "contains it), or declare these repositories",
            )


def _enhanced_without_live(ctx: Context) -> Iterator[Finding]:
    """Without the registry, the review can only say what turning ENHANCED reaches."""
    for change in ctx.of(SCANNING):
        if ctx.live_for(change.region) is not None or not change.stays:
            continue
        if change.after_unknown.get("rule") is True:
            continue
        before = ScanningConfiguration.from_terraform(change.before) if change.before else DEFAULT
        after = ScanningConfiguration.from_terraform(change.after)
        added = [f for f in after.filters if not before.enhanced or f not in before.filters]
        if not after.enhanced or not added:
            continue
        yield Finding(
            WARN, "enhanced-scanning-undeclared", change.source, change.address, None,
            "enhanced (paid) scanning newly covers the names matching "
            f"{named([repr(f) for f in added], 5)}, including repositories this app does not "
            "declare (a filter without * matches every name that contains it); under ENHANCED, "
            "every repository no filter matches stops being scanned at all",
            instead="run the review with --live to name the repositories either way",
        )


def _lifecycle_findings(ctx: Context) -> Iterator[Finding]:
    work: List[Tuple[Change, LiveRegistry, str, str]] = []
    for change in ctx.of(LIFECYCLE_POLICY):
        if not change.stays or change.actions == ("no-op",):
            continue
        live = ctx.live_for(change.region)
        name = change.known_after("repository")
        policy = change.known_after("policy")
        if live is None or not isinstance(name, str) or name not in live.repositories:
            continue  # a new repository holds no image yet
        if isinstance(policy, str) and not ctx.repository_deleted(change.region, name):
            work.append((change, live, name, policy))
    for registry in {id(live): live for _, live, _, _ in work}.values():
        registry.prefetch(name for _, live, name, _ in work if live is registry)
    for change, live, name, policy in work:
        images = live.images(name)
        try:
            planned = preview_lifecycle(policy, images, ctx.now)
            if not planned.expired:
                continue
            # Only now the policy in force: expiring what it would expire anyway is no change.
            current = change.before.get("policy") if change.before else live.lifecycle_policy(name)
            today = preview_lifecycle(current, images, ctx.now) if current else None
        except ValidationError as error:
            yield Finding(
                WARN, "lifecycle-not-previewed", change.source, change.address, name,
                f"the planned lifecycle policy could not be previewed: {error}",
            )
            continue
        expired = [
            image for image in planned.images
            if image.digest in planned.expired
            and (today is None or image.digest not in today.expired)
        ]
        if not expired:
            continue
        tags = [tag for image in expired for tag in image.tags][:5]
        count = f"{len(expired)} image{'s' if len(expired) != 1 else ''}"
        yield Finding(
            REFUSE, "lifecycle-expires-images", change.source, change.address, name,
            f"the planned lifecycle policy would expire {len(expired)} of the repository's "
            f"{len(images)} images at once (ECR acts within a day) that the current policy keeps",
            at_stake=count + (f", tagged {', '.join(tags)}" if tags else ", untagged"),
            instead="raise the rule's count or age, or protect the tags that matter "
            "(protected_tags); `python -m cdktf_aws_ecr.preview <stack dir> "
            f"{name}` shows each image's fate",
        )


def live_findings(ctx: Context) -> List[Finding]:
    """The refusals and warnings that need the registry as it is (or its absence)."""
    found: List[Finding] = []
    for rule in (_scanning_findings, _enhanced_without_live, _lifecycle_findings):
        found.extend(rule(ctx))
    return found
