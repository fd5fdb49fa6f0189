"""Repository names as a sorted index: what scanning and replication filters match, found
by prefix, suffix or substring without scanning every name."""

from __future__ import annotations

import bisect
import functools
from typing import Iterable, List, Tuple

# Sorts after every character a repository name may hold.
PAST_NAMES = "\U0010ffff"
#: A cost no cover reaches.
INFINITE = 1 << 40


def common_prefix_length(a: str, b: str) -> int:
    length = min(len(a), len(b))
    for i in range(length):
        if a[i] != b[i]:
            return i
    return length


def prefix_free(names: Iterable[str]) -> List[str]:
    """The names without those another name already starts ("api" covers "api-v2")."""
    result: List[str] = []
    for name in sorted(set(names)):
        if not result or not name.startswith(result[-1]):
            result.append(name)
    return result


class NameIndex:
    """Distinct names, sorted, with lookups by prefix, suffix, substring and wildcard filter."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))

    def prefix_range(self, prefix: str) -> Tuple[int, int]:
        """The indices of the names starting with ``prefix``, as a range."""
        return (
            bisect.bisect_left(self.names, prefix),
            bisect.bisect_left(self.names, prefix + PAST_NAMES),
        )

    def starting_with(self, prefix: str) -> List[str]:
        low, high = self.prefix_range(prefix)
        return self.names[low:high]

    @functools.cached_property
    def _reversed(self) -> Tuple[List[str], List[int]]:
        reversed_names = sorted((name[::-1], i) for i, name in enumerate(self.names))
        return [r for r, _ in reversed_names], [i for _, i in reversed_names]

    def ending_with(self, suffix: str) -> List[int]:
        reversed_names, indices = self._reversed
        key = suffix[::-1]
        low = bisect.bisect_left(reversed_names, key)
        high = bisect.bisect_left(reversed_names, key + PAST_NAMES)
        return indices[low:high]

    @functools.cached_property
    def _text(self) -> Tuple[str, List[int]]:
        starts: List[int] = []
        offset = 0
        for name in self.names:
            starts.append(offset)
            offset += len(name) + 1
        return "\n".join(self.names), starts

    def containing(self, text: str) -> List[int]:
        joined, starts = self._text
        found: List[int] = []
        position = joined.find(text)
        while position >= 0:
            index = bisect.bisect_right(starts, position) - 1
            found.append(index)
            if index + 1 == len(starts):
                break
            position = joined.find(text, starts[index + 1])
        return found

    def matching(self, filter: str) -> List[int]:
        """Indices of the names ``filter`` matches, by :func:`wildcard_matches`."""
        if "*" not in filter:
            return self.containing(filter)
        parts = filter.split("*")
        candidates: Iterable[int]
        if parts[0]:
            candidates = range(*self.prefix_range(parts[0]))
        elif parts[-1]:
            candidates = self.ending_with(parts[-1])
        else:
            candidates = range(len(self.names))
        return [i for i in candidates if wildcard_matches(filter, self.names[i])]


def wildcard_matches(filter: str, name: str) -> bool:
    """Whether a ``WILDCARD`` scanning filter matches a repository name: without ``*``, every
    name containing it; with ``*``, the whole name, each ``*`` any run of characters
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html)."""
    if "*" not in filter:
        return filter in name
    parts = filter.split("*")
    head, tail = parts[0], parts[-1]
    if len(name) < len(head) + len(tail) or not name.startswith(head) or not name.endswith(tail):
        return False
    position, end = len(head), len(name) - len(tail)
    # Leftmost placement of each literal part is optimal when '*' is the only metacharacter.
    for part in parts[1:-1]:
        found = name.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


class RadixTrie:
    """A radix trie of sorted names; a node's names are ``names[low:high]``."""

    def __init__(self, names: List[str]) -> None:
        self.depth = [0]
        self.low = [0]
        self.high = [len(names)]
        self.parent = [-1]
        self.terminal = [-1]
        self.children: List[List[int]] = [[]]
        stack = [0]
        previous = ""
        for index, name in enumerate(names):
            common = common_prefix_length(previous, name)
            popped = -1
            while self.depth[stack[-1]] > common:
                popped = stack.pop()
                self.high[popped] = index
            top = stack[-1]
            if self.depth[top] < common:
                branch = self._add(common, self.low[popped], top, -1)
                self.children[top][-1] = branch
                self.parent[popped] = branch
                self.children[branch].append(popped)
                stack.append(branch)
                top = branch
            leaf = self._add(len(name), index, top, index)
            self.children[top].append(leaf)
            stack.append(leaf)
            previous = name
        for node in stack:
            self.high[node] = len(names)
        self.node_of_name = [0] * len(names)
        for node, name_index in enumerate(self.terminal):
            if name_index >= 0:
                self.node_of_name[name_index] = node
        # Children are deeper than their parent, so this order is bottom-up.
        self.bottom_up = sorted(range(len(self.depth)), key=lambda n: -self.depth[n])

    def _add(self, depth: int, low: int, parent: int, terminal: int) -> int:
        self.depth.append(depth)
        self.low.append(low)
        self.high.append(-1)
        self.parent.append(parent)
        self.terminal.append(terminal)
        self.children.append([])
        return len(self.depth) - 1


def min_plus_merge(a: List[int], b: List[int], size: int) -> Tuple[List[int], List[int]]:
    """Min-plus convolution of two "at most k filters" cost lists, and the budget given to ``a``."""
    length = min(len(a) + len(b) - 1, size)
    best = [INFINITE] * length
    split = [0] * length
    for i in range(min(len(a), length)):
        cost_a = a[i]
        if cost_a >= INFINITE:
            continue
        for j in range(min(len(b), length - i)):
            cost = cost_a + b[j]
            if cost < best[i + j]:
                best[i + j] = cost
                split[i + j] = i
    return best, split


def normalized_prefix(prefix: str) -> str:
    """ECR appends ``/`` to a prefix, so ``prod`` and ``prod/`` are one prefix."""
    return prefix.rstrip("/") if prefix != "/" else prefix
