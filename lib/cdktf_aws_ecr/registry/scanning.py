"""A registry's scanning configuration: the owner's namespace rules and every repository's
request, planned into one ``aws_ecr_registry_scanning_configuration`` once something asks
for enhanced scanning (ENHANCED then stops basic scan on push, so those get filters too)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Tuple

from .._framework import aws
from .._state import lazy_any
from ..addresses import REGISTRY_SCANNING_ID, pin_address, with_alias
from ..checks import check_choice
from ..enums import ScanFrequency, UndeclaredRepositories
from ..errors import ValidationError, located
from ..facts import MAX_FILTERS_PER_RULE, SCAN_FILTER_TYPE
from ..tokens import is_token
from .membership import AnyRequest, OwnerCore
from .prefixes import wildcard_matches
from .scan_filters import (
    FREQUENCY_LEVEL,
    NEED_LEVEL,
    OverCoverage,
    ScanNeed,
    ScanningPlan,
    check_filter,
)
from .scan_planner import plan_registry_scanning


class ScanningCoverageWarning(UserWarning):
    """A registry's scanning rules also cover repositories that did not ask for it."""


class ScanningLossWarning(UserWarning):
    """Repositories lose scanning: an ENHANCED registry whose owner has not decided what
    happens to the repositories the app does not declare, or a scanning request this app
    drops (a registry managed elsewhere, a retired repository)."""


# Under ENHANCED, "Any repositories not matching an enhanced scanning filter will have
# scanning disabled"; a filter without '*' matches every name containing it:
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html
_ENHANCED_LOSES = (
    "under ENHANCED a repository that no filter matches is not scanned at all, and basic "
    "scanning stops for the whole registry"
)
_SHOWN = 5


def _shown(items: List[str]) -> str:
    return ", ".join(repr(i) for i in items[:_SHOWN]) + (
        f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
    )


class Scanning:
    """The scanning part of one registry owner."""

    def __init__(
        self,
        owner: OwnerCore,
        allow_over_coverage: bool,
        undeclared: Optional[UndeclaredRepositories],
    ) -> None:
        self._owner = owner
        self.allow_over_coverage = allow_over_coverage
        self.undeclared = undeclared
        self.namespace_rules: List[Tuple[str, ScanFrequency]] = []
        self.configuration: Optional[Any] = None
        self._plan: Optional[ScanningPlan] = None
        self._any_enhanced = AnyRequest(lambda r: r.enhanced_frequency)

    @property
    def enhanced(self) -> bool:
        """A repository asked for enhanced scanning, or a namespace rule is declared."""
        return bool(self.namespace_rules) or self._any_enhanced(self._owner.requests)

    def relies_on_basic_scanning(self) -> bool:
        return not self.enhanced and any(
            r.need is ScanNeed.BASIC_SCAN_ON_PUSH for r in self._owner.requests
        )

    def writes_configuration(self) -> bool:
        return self.enhanced and not self._owner.configured_elsewhere

    def rules_in_force(self) -> List[Tuple[str, ScanFrequency]]:
        """The namespace rules, and the ``*`` rule ``undeclared_repositories`` asks for once
        the registry is ENHANCED (it does not make the registry ENHANCED by itself)."""
        rules = list(self.namespace_rules)
        if self.undeclared in (None, UndeclaredRepositories.UNSCANNED) or not self.enhanced:
            return rules
        rule = ("*", ScanFrequency(self.undeclared.value))
        return rules if rule in rules else rules + [rule]

    def covered_by_rules(self, name: str) -> int:
        """The level (0 none, 1 on push, 2 continuous) the rules in force give ``name``."""
        return max(
            (FREQUENCY_LEVEL[f] for r, f in self.rules_in_force() if wildcard_matches(r, name)),
            default=0,
        )

    def new_rule(self, filter: Any, frequency: Any) -> Tuple[str, ScanFrequency]:
        """The namespace rule :meth:`~cdktf_aws_ecr.Registry.add_rule` would add, checked."""
        if self._owner.configured_elsewhere:
            raise ValidationError(
                "filter", filter, "rules on the owner in the app or state that configures "
                "this registry", problem="is declared on an owner managed elsewhere",
            )
        checked = check_filter("filter", filter)
        rule = (checked, ScanFrequency(check_choice("frequency", frequency, ScanFrequency)))
        if rule in self.namespace_rules:
            raise ValidationError(
                "filter", filter, "a filter not already declared for that frequency",
                problem=f"is already a {rule[1].value} rule",
            )
        if sum(1 for _, f in self.namespace_rules if f is rule[1]) >= MAX_FILTERS_PER_RULE:
            raise ValidationError(
                "filter", filter, f"at most {MAX_FILTERS_PER_RULE} rules per frequency (AWS limit)",
                problem=f"would be the {MAX_FILTERS_PER_RULE + 1}st {rule[1].value} rule",
            )
        return rule

    def check_cover(self, filter: str, frequency: ScanFrequency) -> None:
        """Refuse, before anything is built, a namespace rule :meth:`cover` could not add."""
        if (filter, frequency) not in self.namespace_rules:
            self.new_rule(filter, frequency)

    def add_rule(self, rule: Tuple[str, ScanFrequency]) -> None:
        if rule not in self.namespace_rules:
            self.namespace_rules.append(rule)
            self.changed()

    def plan(self) -> ScanningPlan:
        if self._plan is None:
            token_filters = self._token_filters()
            owner = self._owner
            needs = {r.name: r.need for r in owner.requests if not is_token(r.name)}
            self._plan = plan_registry_scanning(
                needs,
                self.rules_in_force(),
                allow_over_coverage=self.allow_over_coverage,
                filter_limit=MAX_FILTERS_PER_RULE
                - max((len(f) for f in token_filters.values()), default=0),
                registry=f"registry {owner.location} ({owner.label})",
            )
        return self._plan

    def _token_filters(self) -> Dict[ScanFrequency, List[str]]:
        """Filters for repositories named by tokens: their names, only known at apply."""
        filters: Dict[ScanFrequency, List[str]] = {}
        enhanced = self.enhanced
        for request in self._owner.requests:
            if not is_token(request.name):
                continue
            need = request.need
            if need in (ScanNeed.SCAN_ON_PUSH, ScanNeed.CONTINUOUS_SCAN):
                filters.setdefault(ScanFrequency(need.value), []).append(request.name)
            elif need is ScanNeed.BASIC_SCAN_ON_PUSH and enhanced:
                filters.setdefault(ScanFrequency.SCAN_ON_PUSH, []).append(request.name)
        return filters

    def rules(self) -> List[Dict[str, Any]]:
        """The scanning configuration's rules, in Terraform JSON form."""
        rules = self.plan().terraform_rules()
        for frequency, names in self._token_filters().items():
            block = next((r for r in rules if r["scan_frequency"] == frequency.value), None)
            if block is None:
                block = {"scan_frequency": frequency.value, "repository_filter": []}
                rules.append(block)
            block["repository_filter"] += [
                {"filter": n, "filter_type": SCAN_FILTER_TYPE} for n in names
            ]
        return rules

    def changed(self) -> None:
        """Forget the plan; write the configuration once the registry needs one."""
        self._plan = None
        if self.configuration is None and self.writes_configuration():
            owner = self._owner
            self.configuration = aws.EcrRegistryScanningConfiguration(
                owner,
                "configuration",
                scan_type="ENHANCED",
                rule=lazy_any(self.rules),
                provider=owner.provider,
            )
            # Named for the registry, not the construct: renaming or moving the owner
            # must not destroy one configuration while creating another.
            pin_address(
                owner.stack_state.stack,
                self.configuration,
                "aws_ecr_registry_scanning_configuration",
                with_alias(REGISTRY_SCANNING_ID, owner.alias),
            )

    def check(self) -> None:
        with located(self._owner.label):
            plan = self.plan()
        if self.writes_configuration():
            self._check_members_covered()
            self._warn_about_coverage(plan)
            self._warn_about_undeclared(plan)
        elif self._owner.configured_elsewhere:
            self._warn_about_dropped_requests(plan)

    def _check_members_covered(self) -> None:
        """A repository of an included stack must be scanned whichever stack deploys first."""
        owner = self._owner
        stack_path = owner.stack_state.path
        for request in owner.requests:
            if request.stack_path == stack_path or request.need is ScanNeed.NONE:
                continue
            # A continuous request under a scan-on-push namespace rule would be scanned on
            # push only until the owner's stack deploys its filter: compare frequencies.
            asked = NEED_LEVEL[request.need]
            if self.covered_by_rules(request.name) >= asked:
                continue
            namespace = request.name.split("/")[0] + "/*" if "/" in request.name else request.name
            frequency = "CONTINUOUS_SCAN" if asked == 2 else "SCAN_ON_PUSH"
            raise ValidationError(
                "name",
                request.name,
                f"a repository covered at its frequency by a namespace rule of {owner.label}, "
                f"which is in AWS before stack '{request.stack_path}' is deployed, e.g. "
                f".add_rule({namespace!r}, ScanFrequency.{frequency})",
                problem=(
                    f"asks for scanning ({request.need.value}) in an ENHANCED registry whose "
                    f"configuration stack '{stack_path}' writes: its filter reaches AWS only "
                    f"when that stack is deployed, so deploying '{request.stack_path}' alone "
                    "would leave it "
                    + ("unscanned" if self.covered_by_rules(request.name) == 0
                       else "scanned on push only, not continuously")
                ),
                where=request.where,
            )

    def _warn_about_coverage(self, plan: ScanningPlan) -> None:
        """Report what the filters this owner chose cover beyond what was asked."""
        # Filters of a compacted rule; an exact filter with one '*' (``ap*i``) matches its
        # own repository's name whole and is not reported.
        chosen = {
            f for frequency, f in plan.wildcard_filters if frequency in plan.compacted
        } - {f for f, _ in self.namespace_rules}
        extra = [o for o in plan.over_covered if not o.namespace_rule]
        if not extra and not chosen:
            return
        shown = "; ".join(o.describe() for o in extra[:5]) + ("; ..." if len(extra) > 5 else "")
        warnings.warn(
            f"{self._owner.label}: to fit AWS's limit of {MAX_FILTERS_PER_RULE} filters per "
            f"rule, the scanning rules use wildcard filters {sorted(chosen)}, which also cover "
            "repositories this app does not manage"
            + (f", and scan {len(extra)} repositories of the app more than they asked: {shown}"
               if extra else "")
            + ". See Registry.over_covered; declare namespace rules with add_rule(), or "
            "pass allow_over_coverage=False to refuse this.",
            ScanningCoverageWarning,
            stacklevel=2,
        )

    def _warn_about_undeclared(self, plan: ScanningPlan) -> None:
        """Until the owner decides (``undeclared_repositories``), say who loses scanning."""
        if self.undeclared is not None or any(r == "*" for r, _ in self.namespace_rules):
            return
        owner = self._owner
        filters = sorted({f for fs in plan.rules.values() for f in fs})
        filters += sorted({r.name for r in owner.requests if is_token(r.name)})
        unscanned = sorted(name for name, frequency in plan.coverage.items() if frequency is None)
        warnings.warn(
            f"{owner.label}: registry {owner.location} turns ENHANCED, and {_ENHANCED_LOSES}. "
            "Repositories that lose scanning: every repository of the registry this app does "
            f"not declare, except those matching the filters {_shown(filters)}"
            + (f"; and, of this app's, {_shown(unscanned)} (they ask for none)" if unscanned else "")
            + ". Decide once with Registry(..., undeclared_repositories=...): "
            "UndeclaredRepositories.SCAN_ON_PUSH (or CONTINUOUS_SCAN) adds a '*' rule of that "
            "frequency, UndeclaredRepositories.UNSCANNED keeps them unscanned.",
            ScanningLossWarning,
            stacklevel=2,
        )

    def _warn_about_dropped_requests(self, plan: ScanningPlan) -> None:
        """A registry managed elsewhere gets no filter from this app: its requests depend on
        the other owner's rules."""
        dropped = [
            f"'{r.name}' ({r.need.value})"
            for r in self._owner.requests
            if r.need in (ScanNeed.SCAN_ON_PUSH, ScanNeed.CONTINUOUS_SCAN)
        ]
        if not dropped:
            return
        warnings.warn(
            f"{self._owner.label} is managed elsewhere, so this app writes no scanning "
            f"configuration and drops the enhanced scanning its repositories ask for: "
            f"{', '.join(dropped[:_SHOWN])}{' and more' if len(dropped) > _SHOWN else ''}. "
            "They are scanned only if the owning app's rules match them "
            f"({_ENHANCED_LOSES}); what those rules must cover: "
            f"{ {f.value: list(fs) for f, fs in plan.rules.items()} }.",
            ScanningLossWarning,
            stacklevel=2,
        )

    def warn_about_retired(self, name: str, where: str) -> None:
        """A retired repository stays in AWS, but leaves this app's scanning configuration."""
        if not self.writes_configuration():
            return
        if any(wildcard_matches(f, name) for fs in self.plan().rules.values() for f in fs):
            return
        warnings.warn(
            f"{where}: repository '{name}' stays in AWS, but its filter leaves the ENHANCED "
            f"scanning configuration of {self._owner.label} and no other filter matches it, so "
            f"from the next apply it is not scanned at all ({_ENHANCED_LOSES}). To keep it "
            "scanned, cover it with a namespace rule "
            "(Registry.add_rule) or undeclared_repositories=UndeclaredRepositories.SCAN_ON_PUSH.",
            ScanningLossWarning,
            stacklevel=2,
        )

    def over_covered(self) -> Tuple[OverCoverage, ...]:
        return self.plan().over_covered

