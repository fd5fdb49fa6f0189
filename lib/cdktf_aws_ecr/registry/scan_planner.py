"""The registry scanning planner: what every repository of a registry asks for, fitted
into AWS's two rules of 100 ``WILDCARD`` filters, with a report of what the filters cover
beyond what was asked. Pure Python; the owner writes its result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..checks import type_name
from ..enums import ScanFrequency
from ..errors import ValidationError
from ..facts import MAX_FILTER_LENGTH, MAX_FILTERS_PER_RULE
from .prefixes import INFINITE, NameIndex, RadixTrie, min_plus_merge
from .scan_filters import (
    FREQUENCY_LEVEL,
    NEED_LEVEL,
    RULE_ORDER,
    OverCoverage,
    ScanNeed,
    ScanningPlan,
    checked_needs,
    checked_rules,
)

_SHOWN_NAMES = 5
# A cost is (app repositories over-covered) * _OVER + (cross-namespace wildcards): over-coverage
# decides, and at equal over-coverage a namespace-bounded cover wins. A rule holds at most 100
# filters, so the wildcard count never reaches _OVER.
_OVER = 1 << 10


def _repositories(count: int) -> str:
    return f"{count} repositor{'y' if count == 1 else 'ies'}"


@dataclass
class _Step:
    """How one trie node covers its names: from its items (own name, children) or by a wildcard."""

    items: List[int]  # -1 is the node's own name, else a child node
    splits: List[List[int]]
    merged_length: int
    merged: List[int]
    wildcard_cost: int


class _Planner:
    def __init__(
        self,
        needs: Dict[str, ScanNeed],
        namespace_rules: List[Tuple[str, ScanFrequency]],
        allow_over_coverage: bool,
        filter_limit: int,
        registry: str,
    ) -> None:
        self.names = sorted(needs)
        self.needs = [needs[name] for name in self.names]
        self.asked = [NEED_LEVEL[need] for need in self.needs]
        self.namespace_rules = namespace_rules
        self.allow_over_coverage = allow_over_coverage
        self.filter_limit = filter_limit
        self.registry = registry
        self.index = NameIndex(self.names)
        self.trie = RadixTrie(self.names)
        self.where = f"registry scanning of {registry}"
        self.single_namespace = self._single_namespace()

    def _single_namespace(self) -> List[bool]:
        """Per trie node: whether all its names share one namespace (the part up to their last
        ``/``), so that a wildcard over them cannot reach into another team's namespace."""
        trie = self.trie
        namespace: List[Optional[str]] = [None] * len(trie.depth)
        mixed = [False] * len(trie.depth)
        for node in trie.bottom_up:
            own = trie.terminal[node]
            found = {self.names[own].rpartition("/")[0]} if own >= 0 else set()
            for child in trie.children[node]:
                mixed[node] = mixed[node] or mixed[child]
                found.add(namespace[child] or "")
            mixed[node] = mixed[node] or len(found) > 1
            namespace[node] = next(iter(found)) if len(found) == 1 else None
        return [not m for m in mixed]

    def _crosses_namespaces(self, node: int) -> bool:
        """A wildcard that does not end at a ``/`` over names of several namespaces (``p*`` over
        ``payments/api`` and ``platform/web``): it also reaches those teams' future repositories."""
        wildcard = self._wildcard(node)
        return (
            wildcard is not None
            and not wildcard.endswith("/*")
            and not self.single_namespace[node]
        )

    def plan(self) -> ScanningPlan:
        namespace = {f: [r for r, rf in self.namespace_rules if rf is f] for f in RULE_ORDER}
        matches: Dict[Tuple[ScanFrequency, str], List[int]] = {
            (f, r): self.index.matching(r) for f in RULE_ORDER for r in namespace[f]
        }
        levels = self._levels(namespace, matches)
        room = {f: self.filter_limit - len(namespace[f]) for f in RULE_ORDER}
        n = len(self.names)
        # Basic scan-on-push needs an enhanced filter too: "Any repositories not
        # matching an enhanced scanning filter will have scanning disabled"
        # (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html).
        on_push_uncovered = [self.asked[i] == 1 and levels[i] == 0 for i in range(n)]
        continuous_needed = [self.asked[i] == 2 and levels[i] < 2 for i in range(n)]
        if any(on_push_uncovered) and room[ScanFrequency.SCAN_ON_PUSH] == 0:
            # With no room on push, continuous scanning is the only coverage left.
            if not self.allow_over_coverage:
                self._refuse_full_rule(
                    ScanFrequency.SCAN_ON_PUSH, namespace, on_push_uncovered, fatal=False
                )
            continuous_needed = [a or b for a, b in zip(continuous_needed, on_push_uncovered)]
        chosen: Dict[ScanFrequency, List[str]] = {}
        compacted: List[ScanFrequency] = []
        for frequency in RULE_ORDER:
            level = FREQUENCY_LEVEL[frequency]
            needed = (
                continuous_needed
                if frequency is ScanFrequency.CONTINUOUS_SCAN
                else [on_push_uncovered[i] and levels[i] == 0 for i in range(n)]
            )
            if not any(needed):
                continue
            if room[frequency] == 0:
                self._refuse_full_rule(frequency, namespace, needed, fatal=True)
            # Covering a name costs 1 when it raises its scanning beyond both
            # what it asked for and what it already has.
            weights = [1 if level > max(self.asked[i], levels[i]) else 0 for i in range(n)]
            filters, was_compacted = self._cover(frequency, needed, weights, room[frequency])
            chosen[frequency] = filters
            if was_compacted:
                compacted.append(frequency)
            for f in filters:
                matches[(frequency, f)] = self.index.matching(f)
                for i in matches[(frequency, f)]:
                    levels[i] = max(levels[i], level)
        return self._report(namespace, chosen, matches, tuple(compacted))

    def _levels(
        self,
        namespace: Dict[ScanFrequency, List[str]],
        matches: Dict[Tuple[ScanFrequency, str], List[int]],
    ) -> List[int]:
        levels = [0] * len(self.names)
        for frequency in RULE_ORDER:
            for f in namespace[frequency]:
                for i in matches[(frequency, f)]:
                    levels[i] = max(levels[i], FREQUENCY_LEVEL[frequency])
        return levels

    def _cover(
        self, frequency: ScanFrequency, needed: List[bool], weights: List[int], room: int
    ) -> Tuple[List[str], bool]:
        """Filters covering every needed name, minimal in over-coverage, then in count."""
        wanted = [i for i, need in enumerate(needed) if need]
        exact = {i: self._exact_filter(i, weights) for i in wanted}
        if len(wanted) <= room and all(f is not None for f in exact.values()):
            return sorted({f for f in exact.values() if f is not None}), False
        needed_before = [0]
        weight_before = [0]
        for i in range(len(self.names)):
            needed_before.append(needed_before[-1] + needed[i])
            weight_before.append(weight_before[-1] + weights[i])
        trie = self.trie
        steps: Dict[int, _Step] = {}
        costs: Dict[int, List[int]] = {}
        for node in trie.bottom_up:
            low, high = trie.low[node], trie.high[node]
            count = needed_before[high] - needed_before[low]
            if count == 0:
                continue
            size = min(count, room) + 1
            items: List[int] = []
            lists: List[List[int]] = []
            own = trie.terminal[node]
            if own >= 0 and needed[own]:
                items.append(-1)
                lists.append([INFINITE] if exact[own] is None else [INFINITE, weights[own] * _OVER])
            for child in trie.children[node]:
                if child in costs:
                    items.append(child)
                    lists.append(costs[child])
            merged = lists[0]
            splits: List[List[int]] = []
            for other in lists[1:]:
                merged, split = min_plus_merge(merged, other, size)
                splits.append(split)
            merged_length = len(merged)
            merged = merged + [merged[-1]] * (size - merged_length)
            wildcard_cost = (
                (weight_before[high] - weight_before[low]) * _OVER
                + self._crosses_namespaces(node)
                if self._wildcard(node) is not None
                else INFINITE
            )
            # On a tie the node's own filters win: they reach fewer unmanaged names.
            costs[node] = [merged[0]] + [min(c, wildcard_cost) for c in merged[1:]]
            steps[node] = _Step(items, splits, merged_length, merged, wildcard_cost)
        best = costs[0]
        cost = min(best)
        if cost >= _OVER and not self.allow_over_coverage:
            self._refuse_over_coverage(frequency, needed, weights, exact, wanted, room)
        filters = self._rebuild(steps, weights, exact, best.index(cost))
        return sorted(filters), True

    def _rebuild(
        self,
        steps: Dict[int, _Step],
        weights: List[int],
        exact: Dict[int, Optional[str]],
        budget: int,
    ) -> List[str]:
        filters: List[str] = []
        pending = [(0, budget)]
        while pending:
            node, budget = pending.pop()
            step = steps[node]
            budget = min(budget, len(step.merged) - 1)
            wildcard = self._wildcard(node)
            if budget >= 1 and step.merged[budget] > step.wildcard_cost and wildcard:
                filters.append(wildcard)
                continue
            budget = min(budget, step.merged_length - 1)
            shares = [0] * len(step.items)
            for s in range(len(step.splits) - 1, -1, -1):
                left = step.splits[s][budget]
                shares[s + 1] = budget - left
                budget = left
            shares[0] = budget
            for item, share in zip(step.items, shares):
                if item >= 0:
                    pending.append((item, share))
                else:
                    named = exact[self.trie.terminal[node]]
                    assert named is not None  # an item only when it has an exact filter
                    filters.append(named)
        return filters

    def _wildcard(self, node: int) -> Optional[str]:
        """``prefix*`` matching exactly the node's names among the app's: any prefix ending on
        the edge from its parent does. The deepest ``/`` on it is preferred (``dev/*``, not
        ``dev/svc-*``): it reads as the namespace and covers its future repositories, which
        ENHANCED scanning would otherwise skip; else the whole prefix, reaching fewest names."""
        trie = self.trie
        if node == 0:
            return "*"
        above = trie.depth[trie.parent[node]]
        prefix = self.names[trie.low[node]][: min(trie.depth[node], MAX_FILTER_LENGTH - 1)]
        if len(prefix) <= above:
            return None
        boundary = prefix.rfind("/", above) + 1
        return prefix[: boundary or len(prefix)] + "*"

    def _exact_filter(self, i: int, weights: List[int]) -> Optional[str]:
        """A filter for name ``i`` that covers no other app name of positive weight.

        ``name*`` first: a filter without ``*`` matches every name that *contains* it, so the
        bare ``api`` would also scan ``payments-api`` and ``legacy/api-gateway``, declared or
        not, while ``api*`` reaches only names starting with ``api`` (https://docs.aws.amazon.com/
        AmazonECR/latest/userguide/image-scanning-filters.html, "Filter wildcards"). No filter
        matches one name alone, and ``name*`` is a subset of the bare name's reach, so it is the
        tightest that stays in the name's own namespace. Then every other single-``*`` form, down
        to ``*name``: complete, since a multi-``*`` filter matching the name matches a superset of
        one of these. The bare name only when ``name*`` is too long (255 characters at most): it
        then reaches only 256-character names around it."""
        name = self.names[i]

        def clean(others: Iterable[int]) -> bool:
            return all(j == i or weights[j] == 0 for j in others)

        if len(name) == MAX_FILTER_LENGTH and clean(self.index.containing(name)):
            return name
        if len(name) + 1 > MAX_FILTER_LENGTH:
            return None
        for cut in range(len(name), -1, -1):
            head, tail = name[:cut], name[cut:]
            low, high = self.index.prefix_range(head)
            ending = self.index.ending_with(tail)
            if high - low <= len(ending):
                others: Iterable[int] = (j for j in range(low, high) if self.names[j].endswith(tail))
            else:
                others = (j for j in ending if self.names[j].startswith(head))
            if clean(j for j in others if len(self.names[j]) >= len(name)):
                return head + "*" + tail
        return None

    def _shown(self, indices: Sequence[int]) -> str:
        shown = ", ".join(repr(self.names[i]) for i in indices[:_SHOWN_NAMES])
        more = len(indices) - _SHOWN_NAMES
        return shown + (f" and {more} more" if more > 0 else "")

    def _way_out(self, frequency: ScanFrequency, wanted: Sequence[int]) -> str:
        namespaces: Dict[str, int] = {}
        for i in wanted:
            head, slash, _ = self.names[i].partition("/")
            if slash:
                namespaces[head] = namespaces.get(head, 0) + 1
        example = ""
        if namespaces:
            top = min(namespaces, key=lambda k: (-namespaces[k], k))
            example = (
                f" (for example add_rule('{top}/*', ScanFrequency.{frequency.value}) "
                f"covers {namespaces[top]} of them)"
            )
        return (
            "True, so that compacted filters may cover other repositories (they are "
            "reported); or namespace rules that cover these repositories, declared with "
            f"RegistryScanning.add_rule(filter, frequency){example}; or fewer "
            "repositories per registry (split them across accounts or regions)"
        )

    def _refuse_over_coverage(
        self,
        frequency: ScanFrequency,
        needed: List[bool],
        weights: List[int],
        exact: Dict[int, Optional[str]],
        wanted: List[int],
        room: int,
    ) -> None:
        trie = self.trie
        for i in wanted:
            if exact[i] is not None and weights[i] == 0:
                continue
            node = trie.node_of_name[i]
            while node >= 0:
                low, high = trie.low[node], trie.high[node]
                if self._wildcard(node) and not any(weights[low:high]):
                    break
                node = trie.parent[node]
            if node >= 0:
                continue
            own = trie.node_of_name[i]
            blockers = [
                j for j in range(trie.low[own], trie.high[own]) if j != i and weights[j]
            ]
            name = self.names[i]
            reason = (
                f"every filter that matches it also matches another repository of the "
                f"app that asks for less (for example, '{name}*' matches "
                f"{self._shown(blockers)})"
                if blockers
                else f"a filter for it would be longer than the {MAX_FILTER_LENGTH} "
                "characters AWS allows"
            )
            raise ValidationError(
                "allow_over_coverage",
                False,
                self._way_out(frequency, [i]),
                problem=(
                    f"cannot be met: repository '{name}' needs the {frequency.value} rule "
                    f"in {self.registry} (it asks for {self.needs[i].value}), and {reason}"
                ),
                where=self.where,
            )
        used = self.filter_limit - room
        raise ValidationError(
            "allow_over_coverage",
            False,
            self._way_out(frequency, wanted),
            problem=(
                f"cannot be met: the {frequency.value} rule in {self.registry} must cover "
                f"{_repositories(len(wanted))}, covering them without covering other "
                f"repositories of the app takes {self._zero_cost_filters(needed, weights)} "
                f"filters, and the rule has room for {room} (the {self.filter_limit}-filter "
                f"limit per rule"
                + (f", {used} taken by namespace rules)" if used else ")")
            ),
            where=self.where,
        )

    def _zero_cost_filters(self, needed: List[bool], weights: List[int]) -> int:
        """The fewest filters covering the needed names without over-coverage (asked once each
        has such a cover: a name with no exact filter is absorbed by a wildcard above it)."""
        trie = self.trie
        counts: Dict[int, int] = {}
        for node in trie.bottom_up:
            low, high = trie.low[node], trie.high[node]
            if not any(needed[low:high]):
                continue
            own = trie.terminal[node]
            total = sum(counts[c] for c in trie.children[node] if c in counts)
            if own >= 0 and needed[own]:
                total += 1
            wildcard = 1 if self._wildcard(node) and not any(weights[low:high]) else total
            counts[node] = min(total, wildcard)
        return counts[0]

    def _refuse_full_rule(
        self,
        frequency: ScanFrequency,
        namespace: Dict[ScanFrequency, List[str]],
        needed: List[bool],
        fatal: bool,
    ) -> None:
        wanted = [i for i, need in enumerate(needed) if need]
        outcome = (
            "they cannot be covered"
            if fatal
            else "they could only be scanned continuously, which allow_over_coverage=False forbids"
        )
        raise ValidationError(
            "namespace_rules",
            namespace[frequency],
            f"at most {self.filter_limit - 1} {frequency.value} namespace rules while "
            f"repositories need that rule outside them, or namespace rules that cover "
            f"those repositories",
            problem=(
                f"take every filter the {frequency.value} rule allows in {self.registry} "
                f"({self.filter_limit}), and none of them matches the "
                f"{_repositories(len(wanted))} needing the rule ({self._shown(wanted)}): {outcome}"
            ),
            where=self.where,
        )

    def _report(
        self,
        namespace: Dict[ScanFrequency, List[str]],
        chosen: Dict[ScanFrequency, List[str]],
        matches: Dict[Tuple[ScanFrequency, str], List[int]],
        compacted: Tuple[ScanFrequency, ...],
    ) -> ScanningPlan:
        rules: Dict[ScanFrequency, Tuple[str, ...]] = {}
        decided: Dict[int, Tuple[ScanFrequency, str]] = {}
        for frequency in RULE_ORDER:
            ours = sorted(chosen.get(frequency, []))
            theirs = sorted(namespace[frequency])
            if not ours and not theirs:
                continue
            rules[frequency] = tuple(sorted(ours + theirs))
            # CONTINUOUS_SCAN comes first, and a name it matches keeps it:
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html
            # ("Amazon ECR enforces the continuous scanning filter over the scan on push filter").
            # Within a rule, a namespace rule is named first: the caller chose it.
            for f in theirs + ours:
                for i in matches[(frequency, f)]:
                    decided.setdefault(i, (frequency, f))
        over_covered = tuple(
            OverCoverage(
                repository=self.names[i],
                asked=self.needs[i],
                frequency=frequency,
                filter=f,
                namespace_rule=f in namespace[frequency],
            )
            for i, (frequency, f) in sorted(decided.items())
            if FREQUENCY_LEVEL[frequency] > self.asked[i]
        )
        return ScanningPlan(
            registry=self.registry,
            rules=rules,
            coverage={
                name: decided[i][0] if i in decided else None
                for i, name in enumerate(self.names)
            },
            over_covered=over_covered,
            wildcard_filters=tuple(
                (frequency, f) for frequency, fs in rules.items() for f in fs if "*" in f
            ),
            compacted=compacted,
        )


def plan_registry_scanning(
    repositories: Mapping[str, Union[ScanNeed, str]],
    namespace_rules: Sequence[Tuple[str, Union[ScanFrequency, str]]] = (),
    *,
    allow_over_coverage: bool = True,
    filter_limit: int = MAX_FILTERS_PER_RULE,
    registry: str = "the registry",
) -> ScanningPlan:
    """The scanning configuration of one registry, built from what its repositories ask for.

    :param repositories: Every repository of the registry the app knows (plain names, no
        tokens), with what it asks for.
    :param namespace_rules: ``(filter, frequency)`` rules declared by the platform team,
        kept verbatim; they count towards their rule's limit. Default: none.
    :param allow_over_coverage: Whether the filters chosen here may scan app repositories
        more than they asked for (reported in ``over_covered``); False refuses such a
        configuration, naming the cause and the way out. Default: True.
    :param filter_limit: Filters per rule, 1-100 (AWS's limit). Default: 100.
    :param registry: How messages name the registry. Default: ``"the registry"``.
    :returns: A :class:`ScanningPlan`; no rules (the registry stays BASIC) when nothing
        asks for enhanced scanning and there are no namespace rules.

    Repositories the namespace rules cover at the frequency asked for need no filter. The
    ``CONTINUOUS_SCAN`` rule is decided first, then ``SCAN_ON_PUSH`` for the on-push requests
    still uncovered. A rule lists one *exact* filter per repository while they fit: ``name*``
    (a filter without ``*`` matches every name *containing* it, in AWS's matching), or a form
    with one ``*`` (``ap*i``) when ``name*`` matches another app repository, so that no other
    app repository gets more scanning than it asked for. Otherwise a dynamic programme over a
    radix trie of the names (O(n·K) for n names, K filters) compacts them into
    trailing-wildcard prefixes (cut at a ``/`` where that covers the same names) and exact
    filters, minimising the over-covered app repositories, then the wildcards that span
    several namespaces without ending at a ``/``, then the filters. Every repository asking
    for scanning is covered, continuously where a ``CONTINUOUS_SCAN`` filter matches it
    (AWS's precedence) or where namespace rules leave ``SCAN_ON_PUSH`` no room.
    ``over_covered`` is exact for the app's repositories under AWS's matching; no filter
    matches one name alone, so every filter also matches names the app does not declare
    (``name*``: those that start with the name)."""
    if type(allow_over_coverage) is not bool:
        raise ValidationError(
            "allow_over_coverage",
            allow_over_coverage,
            "True or False",
            problem=f"is {type_name(allow_over_coverage)}, not a bool",
        )
    if type(filter_limit) is not int or not 1 <= filter_limit <= MAX_FILTERS_PER_RULE:
        raise ValidationError(
            "filter_limit",
            filter_limit,
            f"a whole number from 1 to {MAX_FILTERS_PER_RULE} (AWS's limit of filters per rule)",
        )
    needs = checked_needs(repositories)
    rules = checked_rules(namespace_rules, filter_limit)
    enhanced = {ScanNeed.SCAN_ON_PUSH, ScanNeed.CONTINUOUS_SCAN}
    if not rules and not any(need in enhanced for need in needs.values()):
        return ScanningPlan(registry, {}, {}, (), (), ())
    return _Planner(needs, rules, allow_over_coverage, filter_limit, registry).plan()

