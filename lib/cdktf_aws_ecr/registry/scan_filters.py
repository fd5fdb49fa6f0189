"""Registry scanning filters as AWS defines them: their syntax, what a repository asks
of the registry's scanning configuration, and the planner's result."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..checks import type_name
from ..enums import ScanFrequency
from ..errors import ValidationError, located
from ..facts import (
    MAX_FILTER_LENGTH,
    MAX_FILTERS_PER_RULE,
    REPOSITORY_NAME_LENGTH,
    REPOSITORY_NAME_PATTERN,
    SCAN_FILTER_PATTERN,
    SCAN_FILTER_TYPE,
)

FILTER_ALLOWED = (
    f"1-{MAX_FILTER_LENGTH} characters of lowercase letters, digits and '*', with single "
    f". _ - / separators between them, matching ^{SCAN_FILTER_PATTERN}$ (AWS WILDCARD filter)"
)

_FILTER = re.compile(SCAN_FILTER_PATTERN, re.ASCII)
_REPOSITORY_NAME = re.compile(REPOSITORY_NAME_PATTERN, re.ASCII)


class ScanNeed(str, enum.Enum):
    """What one repository asks of its registry's scanning configuration."""

    NONE = "NONE"
    #: Basic scan on push (``scan_on_push=True``): needs no configuration while
    #: the registry is BASIC, and a ``SCAN_ON_PUSH`` filter once it is ENHANCED.
    BASIC_SCAN_ON_PUSH = "BASIC_SCAN_ON_PUSH"
    #: Enhanced scanning on push; makes the registry ENHANCED.
    SCAN_ON_PUSH = "SCAN_ON_PUSH"
    #: Enhanced continuous scanning; makes the registry ENHANCED.
    CONTINUOUS_SCAN = "CONTINUOUS_SCAN"

    @classmethod
    def of(
        cls, scan_on_push: bool, enhanced_frequency: Union[ScanFrequency, str, None]
    ) -> "ScanNeed":
        """The need of a repository with these settings (enhanced wins over basic)."""
        if enhanced_frequency is None:
            return cls.BASIC_SCAN_ON_PUSH if scan_on_push else cls.NONE
        return cls(ScanFrequency(enhanced_frequency).value)


NEED_LEVEL = {
    ScanNeed.NONE: 0,
    ScanNeed.BASIC_SCAN_ON_PUSH: 1,
    ScanNeed.SCAN_ON_PUSH: 1,
    ScanNeed.CONTINUOUS_SCAN: 2,
}
FREQUENCY_LEVEL = {ScanFrequency.SCAN_ON_PUSH: 1, ScanFrequency.CONTINUOUS_SCAN: 2}
# One rule per frequency, continuous first as the registry owner writes them: at
# most 2 rules (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/
# API_PutRegistryScanningConfiguration.html, "rules ... Maximum number of 2 items").
RULE_ORDER = (ScanFrequency.CONTINUOUS_SCAN, ScanFrequency.SCAN_ON_PUSH)


def check_filter(parameter: str, value: Any) -> str:
    """A registry scanning repository filter, checked against AWS's syntax (see
    :data:`~cdktf_aws_ecr.facts.SCAN_FILTER_PATTERN`)."""
    if type(value) is not str:
        raise ValidationError(parameter, value, FILTER_ALLOWED, problem=f"is {type_name(value)}")
    if not 1 <= len(value) <= MAX_FILTER_LENGTH:
        raise ValidationError(
            parameter, value, FILTER_ALLOWED, problem=f"has {len(value)} characters"
        )
    if not _FILTER.fullmatch(value):
        raise ValidationError(
            parameter, value, FILTER_ALLOWED, problem="is not a valid repository filter"
        )
    return value


@dataclass(frozen=True)
class OverCoverage:
    """A repository of the app that the rules scan more than it ``asked`` for: at
    ``frequency`` (``CONTINUOUS_SCAN`` wins when both rules match), through ``filter`` (the
    first matching namespace rule, else the rule's first matching filter)."""

    repository: str
    asked: ScanNeed
    frequency: ScanFrequency
    filter: str
    namespace_rule: bool

    def describe(self) -> str:
        """One line for a warning, naming the repository, the filter and why it matches."""
        asked = "no scanning" if self.asked is ScanNeed.NONE else self.asked.value
        how = (
            "a wildcard"
            if "*" in self.filter
            else "a filter without '*', which matches every name containing it"
        )
        source = "namespace rule" if self.namespace_rule else "filter"
        return (
            f"repository '{self.repository}' asked for {asked} and is scanned "
            f"{self.frequency.value} by {source} '{self.filter}' ({how})"
        )


@dataclass(frozen=True)
class ScanningPlan:
    """One registry's scanning configuration, and what it covers.

    ``rules``: the non-empty rules' filters, ``CONTINUOUS_SCAN`` first (none: BASIC).
    ``coverage``: under ENHANCED, how each app repository is scanned (None: not at all).
    ``over_covered``: every app repository scanned more than it asked for, by name.
    ``wildcard_filters``: ``(frequency, filter)`` with ``*``, which may also match
    repositories the app does not manage. ``compacted``: the rules whose filters are not
    one per repository."""

    registry: str
    rules: Mapping[ScanFrequency, Tuple[str, ...]]
    coverage: Mapping[str, Optional[ScanFrequency]]
    over_covered: Tuple[OverCoverage, ...]
    wildcard_filters: Tuple[Tuple[ScanFrequency, str], ...]
    compacted: Tuple[ScanFrequency, ...]

    @property
    def scan_type(self) -> str:
        """``ENHANCED`` when there are rules, else ``BASIC`` (write no configuration)."""
        return "ENHANCED" if self.rules else "BASIC"

    def terraform_rules(self) -> List[Dict[str, Any]]:
        """The rules in the Terraform JSON form of ``aws_ecr_registry_scanning_configuration``."""
        return [
            {
                "scan_frequency": frequency.value,
                "repository_filter": [
                    {"filter": f, "filter_type": SCAN_FILTER_TYPE} for f in filters
                ],
            }
            for frequency, filters in self.rules.items()
        ]


def checked_needs(repositories: Any) -> Dict[str, ScanNeed]:
    allowed_names = (
        f"a mapping of repository names ({REPOSITORY_NAME_LENGTH[0]}-{REPOSITORY_NAME_LENGTH[1]} "
        f"characters matching ^{REPOSITORY_NAME_PATTERN}$, no unresolved tokens) to ScanNeed"
    )
    if not isinstance(repositories, Mapping):
        raise ValidationError(
            "repositories", repositories, allowed_names, problem=f"is {type_name(repositories)}"
        )
    low, high = REPOSITORY_NAME_LENGTH
    needs: Dict[str, ScanNeed] = {}
    for name, need in repositories.items():
        if not (
            type(name) is str and low <= len(name) <= high and _REPOSITORY_NAME.fullmatch(name)
        ):
            raise ValidationError(
                "repositories", name, allowed_names, problem="holds an invalid repository name"
            )
        if isinstance(need, ScanNeed):
            needs[name] = need
        elif type(need) is str and need in ScanNeed.__members__:
            needs[name] = ScanNeed(need)
        else:
            raise ValidationError(
                f"repositories[{name!r}]",
                need,
                " or ".join(repr(n.value) for n in ScanNeed) + ", or ScanNeed members",
            )
    return needs


def checked_rules(namespace_rules: Any, filter_limit: int) -> List[Tuple[str, ScanFrequency]]:
    allowed = "a sequence of (filter, ScanFrequency) pairs"
    if isinstance(namespace_rules, (str, bytes)) or not isinstance(namespace_rules, Sequence):
        raise ValidationError(
            "namespace_rules", namespace_rules, allowed, problem=f"is {type_name(namespace_rules)}"
        )
    rules: List[Tuple[str, ScanFrequency]] = []
    for rule in namespace_rules:
        if not (isinstance(rule, (tuple, list)) and len(rule) == 2):
            raise ValidationError(
                "namespace_rules", rule, allowed, problem="holds something that is not a pair"
            )
        where = f"namespace rule {rule!r}"
        with located(where):
            filter = check_filter("filter", rule[0])
        frequency = rule[1]
        if not isinstance(frequency, ScanFrequency):
            if type(frequency) is not str or frequency not in ScanFrequency.__members__:
                raise ValidationError(
                    "frequency",
                    frequency,
                    " or ".join(repr(f.value) for f in ScanFrequency)
                    + ", or ScanFrequency members",
                    where=where,
                )
            frequency = ScanFrequency(frequency)
        if (filter, frequency) in rules:
            raise ValidationError(
                "filter",
                filter,
                "a filter not already in a namespace rule of the same frequency",
                problem=f"is already a {frequency.value} namespace rule",
                where=where,
            )
        rules.append((filter, frequency))
    for frequency in ScanFrequency:
        count = sum(1 for _, f in rules if f is frequency)
        if count > filter_limit:
            raise ValidationError(
                "namespace_rules",
                [r for r, f in rules if f is frequency],
                f"at most {filter_limit} namespace rules per frequency "
                f"(AWS allows {MAX_FILTERS_PER_RULE} filters per rule)",
                problem=f"has {count} {frequency.value} rules",
            )
    return rules


