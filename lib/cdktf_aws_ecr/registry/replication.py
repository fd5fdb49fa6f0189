"""A registry's replication configuration: the owner's prefix rules and every repository's
``replicate_to``, merged into one ``aws_ecr_replication_configuration``."""

from __future__ import annotations

import functools
import warnings
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .._framework import Op, Precondition, TerraformResourceLifecycle, aws
from .._state import lazy_any
from ..addresses import REGISTRY_REPLICATION_ID, pin_address, with_alias
from ..errors import ValidationError, located
from ..facts import MAX_REPLICATION_RULES
from ..tokens import is_literal
from .destinations import DestinationRegistry, ReplicationDestination
from .membership import AnyRequest, OwnerCore
from .replication_planner import ReplicationPlan, ReplicationRule, plan_replication


class ReplicationCoverageWarning(UserWarning):
    """A registry's replication rules also copy repositories of the app that did not ask for it."""


class Replication:
    """The replication part of one registry owner."""

    def __init__(self, owner: OwnerCore) -> None:
        self.owner = owner
        self.rules: List[ReplicationRule] = []
        self.configuration: Optional[Any] = None
        self._any_replicated = AnyRequest(lambda r: r.replicate_to)
        self._plan: Optional[Tuple[Any, ReplicationPlan]] = None

    def add_rule(self, prefixes: Sequence[str], destinations: Sequence[ReplicationDestination]) -> None:
        rule = ReplicationRule(prefixes, destinations)
        self.owner.refuse_elsewhere("prefixes", prefixes)
        if len(self.rules) >= MAX_REPLICATION_RULES:
            raise ValidationError(
                "prefixes", prefixes, f"at most {MAX_REPLICATION_RULES} replication rules per "
                "registry (AWS limit)", problem=f"would be rule {MAX_REPLICATION_RULES + 1}",
            )
        self.rules.append(rule)

    def writes(self) -> bool:
        return not self.owner.configured_elsewhere and (
            bool(self.rules) or self._any_replicated(self.owner.requests)
        )

    def plan(self) -> ReplicationPlan:
        owner = self.owner
        location = owner.location
        if self._plan is None or self._plan[0] != location:
            plan = plan_replication(
                source_account_id=owner.registry_account(),
                source_region=location.region,
                rules=self.rules,
                requests={r.name: r.replicate_to for r in owner.requests if r.replicate_to},
                known_repositories=[r.name for r in owner.requests],
            )
            self._plan = (location, plan)
        return self._plan[1]

    def changed(self) -> None:
        """Forget the plan; write the configuration once the registry needs one."""
        self._plan = None
        if self.configuration is None and self.writes():
            owner = self.owner
            self.configuration = aws.EcrReplicationConfiguration(
                owner,
                "replication",
                replication_configuration={"rule": lazy_any(lambda: self.plan().rule_blocks())},
                provider=owner.provider,
            )
            pin_address(
                owner.stack_state.stack, self.configuration, "aws_ecr_replication_configuration",
                with_alias(REGISTRY_REPLICATION_ID, owner.alias), in_release_0_1_0=False,
            )
            if owner.location.account_id is None:
                owner.registry_account()

    def destinations_here(
        self, sources: Iterable["Replication"], exact: bool
    ) -> List[Tuple["Replication", DestinationRegistry]]:
        """The app's other registries that replicate into this one, with the destination.
        ``exact``: literally this account and region (to grant the source in the registry
        policy); else this region and possibly this account (to give replicas a template)."""
        location = self.owner.location
        if location.region is None or self.owner.configured_elsewhere:
            return []
        found = []
        for source in sources:
            if source is self or not source.writes():
                continue
            try:
                destinations = source.plan().destinations
            except ValidationError:
                continue  # the source's own check reports it
            for destination in destinations:
                if destination.region != location.region:
                    continue
                account = destination.registry_id if is_literal(destination.registry_id) else None
                if exact:
                    if account is not None and account == location.account_id:
                        found.append((source, destination))
                elif account is None or location.account_id is None or account == location.account_id:
                    found.append((source, destination))
        return found

    def check(self, receivers_of: Any) -> None:
        """Each repository's destinations on their own (so a refusal names it), then the
        merged configuration; ``receivers_of(destination)`` are the app's owners that must
        grant this registry in their policy."""
        owner = self.owner
        account, region = owner.registry_account(), owner.location.region
        for request in owner.requests:
            if request.replicate_to:
                with located(request.where):
                    plan_replication(
                        source_account_id=account, source_region=region,
                        requests={request.name: request.replicate_to},
                    )
        with located(owner.label):
            plan = self.plan()
        self._guard_against_itself(plan.destinations, account, region)
        for destination in plan.destinations:
            receivers = receivers_of(destination)
            if receivers and not is_literal(owner.location.account_id):
                raise ValidationError(
                    "account_id", None, "this registry's account, known at synth: pin it with "
                    "AwsProvider(allowed_account_ids=[...]) or pass account_id=",
                    problem=f"is unknown, and {receivers[0].label} must grant it replication "
                    f"into registry {destination} in its registry policy", where=owner.label,
                )
        if plan.over_coverage:
            shown = "; ".join(map(str, plan.over_coverage[:5]))
            more = "; ..." if len(plan.over_coverage) > 5 else ""
            warnings.warn(
                f"{owner.label}: to fit AWS's replication limits, prefix filters also replicate "
                f"{len(plan.over_coverage)} repositories of the app to destinations they did not "
                f"ask for: {shown}{more}. See Registry.replication_over_covered; declare prefix "
                "rules with replicate().",
                ReplicationCoverageWarning,
                stacklevel=2,
            )

    def _guard_against_itself(
        self, destinations: Iterable[DestinationRegistry], account: str, region: Optional[str]
    ) -> None:
        """A Terraform precondition, at plan, that no destination is the source registry itself
        where synth cannot tell (an account not pinned, a region given as a token): ECR
        replicates only across regions or accounts,
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"""
        if self.configuration is None or region is None:
            return
        terms = [
            Op.not_(Op.and_(Op.eq(d.region, region), Op.eq(d.registry_id, account)))
            for d in destinations
            if not (is_literal(d.region) and d.region != region)
            and not (is_literal(d.registry_id) and is_literal(account) and d.registry_id != account)
            and not (is_literal(d.region) and is_literal(d.registry_id) and is_literal(account))
        ]
        if not terms:
            return
        self.configuration.lifecycle = TerraformResourceLifecycle(precondition=[Precondition(
            condition=functools.reduce(Op.and_, terms),
            error_message=f"cdktf_aws_ecr: {self.owner.label}: a replication destination is "
            "the source registry itself (its account and region); ECR replicates only to "
            "another region or another account.",
        )])

    def written(self) -> Dict[str, Tuple[str, Any]]:
        """What the one-owner check compares: ``{what: (parameter, value)}``."""
        if not self.writes():
            return {}
        return {"replication configuration": (
            "replicate_to" if not self.rules else "prefixes",
            [r.name for r in self.owner.requests if r.replicate_to]
            or [list(r.prefixes) for r in self.rules],
        )}
