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
from ..enums import ScanFrequency
from ..errors import ValidationError, located
from ..facts import MAX_FILTERS_PER_RULE, SCAN_FILTER_TYPE
from ..tokens import is_token
from .membership import AnyRequest, OwnerCore
from .prefixes import wildcard_matches
from .scan_filters import OverCoverage, ScanNeed, ScanningPlan, check_filter
from .scan_planner import plan_registry_scanning


class ScanningCoverageWarning(UserWarning):
    """A registry's scanning rules also cover repositories that did not ask for it."""


class Scanning:
    """The scanning part of one registry owner."""

    def __init__(self, owner: OwnerCore, allow_over_coverage: bool) -> None:
        self._owner = owner
        self.allow_over_coverage = allow_over_coverage
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
                self.namespace_rules,
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

    def _check_members_covered(self) -> None:
        """A repository of an included stack must be scanned whichever stack deploys first."""
        owner = self._owner
        stack_path = owner.stack_state.path
        for request in owner.requests:
            if request.stack_path == stack_path or request.need is ScanNeed.NONE:
                continue
            if any(wildcard_matches(f, request.name) for f, _ in self.namespace_rules):
                continue
            namespace = request.name.split("/")[0] + "/*" if "/" in request.name else request.name
            raise ValidationError(
                "name",
                request.name,
                f"a repository covered by a namespace rule of {owner.label}, which is in AWS "
                f"before stack '{request.stack_path}' is deployed, e.g. "
                f".add_rule({namespace!r}, ScanFrequency.SCAN_ON_PUSH)",
                problem=(
                    f"asks for scanning ({request.need.value}) in an ENHANCED registry whose "
                    f"configuration stack '{stack_path}' writes: its filter reaches AWS only "
                    f"when that stack is deployed, so deploying '{request.stack_path}' alone "
                    "would leave it unscanned"
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

    def over_covered(self) -> Tuple[OverCoverage, ...]:
        return self.plan().over_covered

