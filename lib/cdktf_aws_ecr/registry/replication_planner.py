"""The replication planner: registry-level prefix rules and per-repository requests merged
into one configuration within AWS's limits, with what the merged filters copy beyond what
was asked. https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import (
    AbstractSet,
    Annotated,
    Any,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypedDict,
)

from ..checks import check_account_id, check_region, type_name
from ..errors import ValidationError
from ..facts import (
    MAX_REPLICATION_DESTINATIONS,
    MAX_REPLICATION_FILTERS,
    MAX_REPLICATION_RULES,
    REPLICATION_FILTER_LENGTH,
    REPLICATION_FILTER_PATTERN,
    REPLICATION_FILTER_TYPE,
    partition_of,
)
from ..inputs import Input, checked_inputs
from ..policy.statement import PolicyStatement
from ..tokens import is_literal, is_token
from .destinations import DestinationRegistry, ReplicationDestination
from .prefixes import PAST_NAMES, NameIndex, common_prefix_length, prefix_free

_FILTER = re.compile(REPLICATION_FILTER_PATTERN, re.ASCII)
FILTER_ALLOWED = (
    f"repository name prefixes of {REPLICATION_FILTER_LENGTH[0]}-{REPLICATION_FILTER_LENGTH[1]} characters "
    f"matching ^{REPLICATION_FILTER_PATTERN}$ (PREFIX_MATCH: a filter matches every name that "
    "starts with it), or tokens"
)


def _check_filter(parameter: str, value: Any, whole: Any) -> str:
    if type(value) is not str:
        raise ValidationError(
            parameter, whole, FILTER_ALLOWED, problem=f"holds {type_name(value)}: {value!r}"
        )
    low, high = REPLICATION_FILTER_LENGTH
    if low <= len(value) <= high and _FILTER.fullmatch(value):
        return value
    if is_token(value):
        return value
    raise ValidationError(
        parameter, whole, FILTER_ALLOWED, problem=f"holds {value!r}, which is not a valid filter"
    )


def _destination_list(parameter: str, value: Any) -> Tuple[ReplicationDestination, ...]:
    allowed = "a non-empty list of distinct ReplicationDestination(region, account_id=None)"
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValidationError(parameter, value, allowed, problem="is not a list")
    items = tuple(value)
    for item in items:
        if not isinstance(item, ReplicationDestination):
            raise ValidationError(
                parameter, value, allowed, problem=f"holds {type_name(item)}: {item!r}"
            )
    repeated = sorted({str(d) for d in items if items.count(d) > 1})
    if repeated:
        raise ValidationError(parameter, value, allowed, problem=f"repeats {repeated}")
    return items


PREFIXES_ALLOWED = (
    f"at most {MAX_REPLICATION_FILTERS} distinct " + FILTER_ALLOWED + "; none means every repository"
)
DESTINATIONS_ALLOWED = (
    f"1 to {MAX_REPLICATION_DESTINATIONS} distinct ReplicationDestination(region, account_id=None)"
)
REPLICATE_TO_ALLOWED = (
    f"at most {MAX_REPLICATION_DESTINATIONS} distinct ReplicationDestination(region, account_id=None); "
    "none: not replicated"
)


def check_prefixes(parameter: str, value: Any) -> Tuple[str, ...]:
    """The prefixes of a registry-level rule: at most 100 distinct ``PREFIX_MATCH`` filters."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValidationError(parameter, value, "a list of " + FILTER_ALLOWED, problem="is not a list")
    for prefix in value:
        _check_filter(parameter, prefix, value)
    repeated = sorted({p for p in value if list(value).count(p) > 1})
    if repeated:
        raise ValidationError(
            parameter, value, "distinct " + FILTER_ALLOWED, problem=f"repeats {repeated}"
        )
    if len(value) > MAX_REPLICATION_FILTERS:
        raise ValidationError(
            parameter,
            value,
            f"at most {MAX_REPLICATION_FILTERS} prefixes per replication rule (AWS limit); "
            "split them across rules",
            problem=f"has {len(value)}",
        )
    return tuple(value)


def check_destinations(parameter: str, value: Any) -> Tuple[ReplicationDestination, ...]:
    """The destinations of a rule: 1 to 25 distinct :class:`ReplicationDestination`."""
    destinations = _destination_list(parameter, value)
    if not destinations or len(destinations) > MAX_REPLICATION_DESTINATIONS:
        raise ValidationError(
            parameter,
            value,
            f"1 to {MAX_REPLICATION_DESTINATIONS} destinations (AWS limit)",
            problem=f"has {len(destinations)}",
        )
    return destinations


def check_replicate_to(parameter: str, value: Any) -> Tuple[ReplicationDestination, ...]:
    """A repository's destinations: none, or up to 25 distinct :class:`ReplicationDestination`."""
    destinations = _destination_list(parameter, value)
    if len(destinations) > MAX_REPLICATION_DESTINATIONS:
        raise ValidationError(
            parameter,
            value,
            REPLICATE_TO_ALLOWED + " (AWS limit)",
            problem=f"has {len(destinations)}",
        )
    return destinations


class ReplicateInputs(TypedDict, total=False):
    """The arguments of :meth:`~cdktf_aws_ecr.Registry.replicate`."""

    prefixes: Annotated[Sequence[str], Input(
        description="Repository name prefixes to replicate (`PREFIX_MATCH`: `prod/` replicates "
        "every repository whose name starts with it, including future ones). An empty list "
        "replicates every repository of the registry.",
        allowed=PREFIXES_ALLOWED,
        check=check_prefixes,
    )]
    destinations: Annotated[Sequence[ReplicationDestination], Input(
        description="The registries that receive the copies: `ReplicationDestination(region, "
        "account_id=None)`, where None is this registry's own account.",
        allowed=DESTINATIONS_ALLOWED,
        check=check_destinations,
    )]


@dataclass(frozen=True)
class ReplicationRule:
    """A registry-level rule: replicate every repository whose name starts with a prefix
    (:class:`ReplicateInputs` documents and checks its fields)."""

    prefixes: Sequence[str]
    destinations: Sequence[ReplicationDestination]

    def __post_init__(self) -> None:
        checked = checked_inputs(
            ReplicateInputs,
            {"prefixes": self.prefixes, "destinations": self.destinations},
            "ReplicationRule",
        )
        object.__setattr__(self, "prefixes", checked["prefixes"])
        object.__setattr__(self, "destinations", checked["destinations"])


@dataclass(frozen=True)
class PlannedRule:
    """One rule of the merged configuration (no ``filters``: every repository)."""

    destinations: Tuple[DestinationRegistry, ...]
    filters: Tuple[str, ...]
    from_registry_rule: bool

    def block(self) -> Dict[str, Any]:
        """The ``rule`` block in Terraform JSON form."""
        rule: Dict[str, Any] = {
            "destination": [
                {"region": d.region, "registry_id": d.registry_id} for d in self.destinations
            ]
        }
        if self.filters:
            rule["repository_filter"] = [
                {"filter": f, "filter_type": REPLICATION_FILTER_TYPE} for f in self.filters
            ]
        return rule

    def matches(self, name: str) -> bool:
        return not self.filters or any(name.startswith(f) for f in self.filters)


@dataclass(frozen=True)
class OverCoverage:
    """An app repository that merged rules replicate to ``destinations`` it did not ask for
    (nor the registry-level rules give it), through ``filters``."""

    repository: str
    destinations: Tuple[DestinationRegistry, ...]
    filters: Tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.repository} -> {', '.join(map(str, self.destinations))} "
            f"(filter {', '.join(self.filters)})"
        )


@dataclass(frozen=True)
class ReplicationPlan:
    """The registry's single replication configuration, within AWS's limits."""

    source_region: Optional[str]
    source_account_id: str
    rules: Tuple[PlannedRule, ...]
    over_coverage: Tuple[OverCoverage, ...] = field(default=())

    def rule_blocks(self) -> List[Dict[str, Any]]:
        """The ``rule`` blocks, in Terraform JSON form (pass them lazily: as plain dicts the
        binding would read them as jsii structs, camelCase keys, and refuse them)."""
        return [rule.block() for rule in self.rules]

    def replication_configuration(self) -> Dict[str, Any]:
        """The ``replication_configuration`` block of ``aws_ecr_replication_configuration``."""
        return {"rule": self.rule_blocks()}

    @property
    def destinations(self) -> Tuple[DestinationRegistry, ...]:
        """Every unique destination, in first-use order."""
        seen: Dict[DestinationRegistry, None] = {}
        for rule in self.rules:
            for destination in rule.destinations:
                seen.setdefault(destination, None)
        return tuple(seen)

    @property
    def cross_account_destinations(self) -> Tuple[DestinationRegistry, ...]:
        return tuple(d for d in self.destinations if d.registry_id != self.source_account_id)

    def destination_policy_statements(
        self,
    ) -> Dict[DestinationRegistry, PolicyStatement]:
        """The statement each cross-account destination's registry policy needs."""
        # Imported here: the registry policy's module binds the provider, and the
        # planner stays pure Python (the adoption generator runs without jsii).
        from .registry_policy import replication_source_statement

        return {
            destination: replication_source_statement(
                self.source_account_id,
                destination.region,
                destination.registry_id,
                partition=None if is_literal(destination.region) else self._partition(),
            )
            for destination in self.cross_account_destinations
        }

    def _partition(self) -> Optional[str]:
        return partition_of(self.source_region) if is_literal(self.source_region) else None


Destinations = FrozenSet[DestinationRegistry]


class _Unfit(Exception):
    """A grouping of requests that cannot be written within the limits; says why."""


def _compact(filters: List[str], limit: int, outsiders: NameIndex) -> List[str]:
    """Merge prefix-free ``filters`` into at most ``limit`` prefixes: each step replaces the
    filters under two neighbours' common prefix by it, choosing the prefix that newly matches
    the fewest ``outsiders`` (app repositories to avoid), then the longest."""
    current = sorted(filters)
    while len(current) > limit:
        # Filters are prefix-free, so the outsiders they match are disjoint
        # and add up; the filters under a prefix are contiguous when sorted.
        totals = [0]
        for name in current:
            totals.append(totals[-1] + len(outsiders.starting_with(name)))
        best: Optional[Tuple[int, int, int, str]] = None
        for left, right in zip(current, current[1:]):
            prefix = left[: common_prefix_length(left, right)]
            if len(prefix) < REPLICATION_FILTER_LENGTH[0] or not _FILTER.fullmatch(prefix):
                continue
            low = bisect.bisect_left(current, prefix)
            high = bisect.bisect_left(current, prefix + PAST_NAMES)
            newly = len(outsiders.starting_with(prefix)) - (totals[high] - totals[low])
            key = (newly, -len(prefix), low - high, prefix)
            if best is None or key < best:
                best = key
        if best is None:
            raise _Unfit(
                f"their {len(current)} names share no common prefix of "
                f"{REPLICATION_FILTER_LENGTH[0]}+ characters left to merge into {limit} filters"
            )
        prefix = best[3]
        current = sorted([f for f in current if not f.startswith(prefix)] + [prefix])
    return current


def _fit(
    groups: Sequence[Tuple[Destinations, List[str]]],
    budget: int,
    outsiders_of: Mapping[Destinations, NameIndex],
    compact: bool,
) -> List[PlannedRule]:
    """Rules for ``groups`` in at most ``budget`` rules: each group's filters split over spare
    rules first, merged into wider prefixes (with ``compact``) only when that is not enough."""
    if len(groups) > budget:
        raise _Unfit(f"they need {len(groups)} rules and {budget} are left")
    filter_sets = []
    for _, names in groups:
        literal = prefix_free(n for n in names if is_literal(n))
        opaque = sorted({n for n in names if not is_literal(n)})
        filter_sets.append((literal, opaque))
    shares = [1] * len(groups)

    def shortfall(i: int) -> int:
        literal, opaque = filter_sets[i]
        return len(literal) + len(opaque) - MAX_REPLICATION_FILTERS * shares[i]

    for _ in range(budget - len(groups)):
        i = max(range(len(groups)), key=lambda j: (shortfall(j), -j))
        if shortfall(i) <= 0:
            break
        shares[i] += 1
    rules: List[PlannedRule] = []
    for (destinations, _), (literal, opaque), share in zip(groups, filter_sets, shares):
        room = MAX_REPLICATION_FILTERS * share - len(opaque)
        if room < len(literal):
            where = f"repositories replicating to {_describe(destinations)}"
            if not compact:
                raise _Unfit(
                    f"{where} need {len(literal) + len(opaque)} filters, more than "
                    f"{share} rule(s) of {MAX_REPLICATION_FILTERS} hold"
                )
            if room < 1:
                raise _Unfit(f"{where}: {len(opaque)} names are tokens, which cannot be merged")
            try:
                literal = _compact(literal, room, outsiders_of[destinations])
            except _Unfit as unfit:
                raise _Unfit(f"{where}: {unfit}") from None
        filters = literal + opaque
        size = math.ceil(len(filters) / share)
        ordered = tuple(sorted(destinations))
        for start in range(0, len(filters), size):
            rules.append(PlannedRule(ordered, tuple(filters[start : start + size]), False))
    return rules


def _describe(destinations: AbstractSet[DestinationRegistry]) -> str:
    return "{" + ", ".join(str(d) for d in sorted(destinations)) + "}"


def _check_requests(requests: Any) -> Dict[str, Tuple[ReplicationDestination, ...]]:
    """The requests that ask for something; an empty destination list asks for nothing."""
    allowed = "a mapping of repository name -> list of ReplicationDestination"
    if not isinstance(requests, Mapping):
        raise ValidationError("replicate_to", requests, allowed, problem="is not a mapping")
    checked: Dict[str, Tuple[ReplicationDestination, ...]] = {}
    for name, destinations in requests.items():
        _check_filter("replicate_to", name, name)
        wanted = _destination_list("replicate_to", destinations)
        if wanted:
            checked[name] = wanted
    return checked


class _Resolver:
    """Resolves destinations against the source registry, refusing impossible ones."""

    def __init__(self, source_account_id: str, source_region: Optional[str]) -> None:
        self.account = source_account_id
        self.region = source_region

    def __call__(
        self, parameter: str, owner: str, destination: ReplicationDestination
    ) -> DestinationRegistry:
        resolved = destination.resolve(self.account)
        allowed = "destinations in another region or another account than the source registry"
        if not (is_literal(self.region) and is_literal(resolved.region)):
            return resolved
        if resolved == (self.region, self.account):
            # Replication is cross-Region or cross-account; the source itself is neither.
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
            raise ValidationError(
                parameter,
                destination,
                allowed,
                problem=f"({owner}) is the source registry itself ({self.account}/{self.region})",
            )
        if partition_of(resolved.region) != partition_of(self.region):
            # Cross-Region features only work inside one partition.
            # https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
            raise ValidationError(
                parameter,
                destination,
                allowed + " in the same AWS partition",
                problem=f"({owner}) is in partition {partition_of(resolved.region)}, and the "
                f"source region {self.region} is in partition {partition_of(self.region)}",
            )
        return resolved


def _check_unique_destinations(
    fixed: Sequence[PlannedRule], requested: Mapping[str, Destinations]
) -> None:
    unique: Dict[DestinationRegistry, None] = {}
    for planned in fixed:
        unique.update(dict.fromkeys(planned.destinations))
    from_rules = len(unique)
    for name in sorted(requested):
        unique.update(dict.fromkeys(sorted(requested[name])))
    if len(unique) > MAX_REPLICATION_DESTINATIONS:
        raise ValidationError(
            "replicate_to" if len(unique) > from_rules else "replication_rules",
            [str(d) for d in unique],
            f"at most {MAX_REPLICATION_DESTINATIONS} unique destinations (account + region) across "
            "all replication rules of a registry (AWS limit)",
            problem=f"would make {len(unique)} unique destinations",
        )


def _merge(
    needs: Mapping[str, Destinations],
    budget: int,
    outsiders: Callable[[Destinations], NameIndex],
    registry_rules: int,
) -> List[PlannedRule]:
    """The fewest-surprise rules for ``needs``: exact splits before widened prefixes."""
    by_set: Dict[Destinations, List[str]] = {}
    by_destination: Dict[Destinations, List[str]] = {}
    for name, wanted in needs.items():
        by_set.setdefault(wanted, []).append(name)
        for destination in wanted:
            by_destination.setdefault(frozenset({destination}), []).append(name)
    groupings = [
        ("grouped by identical destination sets", by_set),
        ("grouped by destination", by_destination),
    ]
    reasons = []
    for compact in (False, True):
        for label, grouping in groupings:
            groups = sorted(grouping.items(), key=lambda item: sorted(item[0]))
            try:
                return _fit(groups, budget, {g: outsiders(g) for g, _ in groups}, compact)
            except _Unfit as unfit:
                if compact:
                    reasons.append(f"{label}, {unfit}")
    raise ValidationError(
        "replicate_to",
        {name: sorted(map(str, wanted)) for name, wanted in sorted(needs.items())},
        f"at most {MAX_REPLICATION_RULES} replication rules of at most {MAX_REPLICATION_FILTERS} "
        f"filters per registry (AWS limits); {registry_rules} are registry-level rules",
        problem="cannot be written as one replication configuration: " + "; ".join(reasons),
    )


def plan_replication(
    *,
    source_account_id: str,
    source_region: Optional[str] = None,
    rules: Sequence[ReplicationRule] = (),
    requests: Optional[Mapping[str, Sequence[ReplicationDestination]]] = None,
    known_repositories: Iterable[str] = (),
) -> ReplicationPlan:
    """Merge registry-level rules and per-repository requests into one configuration.

    :param source_account_id: The source registry's account (or a token), the
        ``registry_id`` of destinations without an account.
    :param source_region: The source registry's region, if known.
    :param rules: Registry-level :class:`ReplicationRule`, kept as written, first.
    :param requests: Repository name (a ``PREFIX_MATCH`` filter) -> its destinations.
    :param known_repositories: Every repository name of the app in the source registry,
        to report :attr:`ReplicationPlan.over_coverage`.
    :raises ValidationError: for bad input, replication to the source itself or across
        partitions, and configurations past AWS's limits.
    """
    check_account_id("source_account_id", source_account_id)
    if source_region is not None:
        check_region("source_region", source_region)
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Sequence) or not all(
        isinstance(r, ReplicationRule) for r in rules
    ):
        raise ValidationError(
            "replication_rules", rules, "a list of ReplicationRule", problem="is not"
        )
    if len(rules) > MAX_REPLICATION_RULES:
        raise ValidationError(
            "replication_rules",
            len(rules),
            f"at most {MAX_REPLICATION_RULES} replication rules per registry (AWS limit)",
            problem="rules are too many",
        )
    checked = _check_requests({} if requests is None else requests)
    resolve = _Resolver(source_account_id, source_region)
    fixed: List[PlannedRule] = []
    for rule in rules:
        owner = f"rule {list(rule.prefixes) or 'for every repository'}"
        resolved = tuple(resolve("destinations", owner, d) for d in rule.destinations)
        if len(set(resolved)) < len(resolved):
            raise ValidationError(
                "destinations",
                [str(d) for d in rule.destinations],
                "distinct destination registries per rule",
                problem=f"({owner}) names the source account both implicitly and explicitly",
            )
        fixed.append(PlannedRule(resolved, tuple(rule.prefixes), True))
    requested: Dict[str, Destinations] = {
        name: frozenset(resolve("replicate_to", f"repository {name!r}", d) for d in wanted)
        for name, wanted in checked.items()
    }
    _check_unique_destinations(fixed, requested)

    def covered(name: str) -> Destinations:
        """What the registry-level rules already replicate ``name`` to."""
        if not is_literal(name):
            return frozenset(d for r in fixed if not r.filters for d in r.destinations)
        return frozenset(d for r in fixed if r.matches(name) for d in r.destinations)

    needs = {name: wanted - covered(name) for name, wanted in requested.items()}
    needs = {name: wanted for name, wanted in needs.items() if wanted}
    literal_known = {k for k in set(known_repositories) | set(requested) if is_literal(k)}

    def unwanted(
        name: str, destinations: Iterable[DestinationRegistry]
    ) -> Set[DestinationRegistry]:
        return set(destinations) - requested.get(name, frozenset()) - covered(name)

    def outsiders(destinations: Destinations) -> NameIndex:
        """App repositories that a rule to ``destinations`` must not match if avoidable."""
        return NameIndex(k for k in literal_known if unwanted(k, destinations))

    merged = (
        _merge(needs, MAX_REPLICATION_RULES - len(fixed), outsiders, len(fixed)) if needs else []
    )
    over: Dict[str, Tuple[Set[DestinationRegistry], Set[str]]] = {}
    for planned in merged:
        for name in literal_known:
            hits = [f for f in planned.filters if name.startswith(f)]
            extra = unwanted(name, planned.destinations) if hits else set()
            if extra:
                destinations, filters = over.setdefault(name, (set(), set()))
                destinations.update(extra)
                filters.update(hits)
    return ReplicationPlan(
        source_region=source_region,
        source_account_id=source_account_id,
        rules=tuple(fixed + merged),
        over_coverage=tuple(
            OverCoverage(name, tuple(sorted(d)), tuple(sorted(f)))
            for name, (d, f) in sorted(over.items())
        ),
    )
