"""A live registry's settings as its owner (``Registry``) declares them: the scanning filters
as namespace rules, the replication rules, the registry policy's replication grants and
the account settings, with the changes the owner's own planning makes to them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from ..enums import ScanFrequency
from ..errors import ValidationError
from ..facts import POLICY_VERSION, REPLICATION_ACTIONS, partition_of
from ..policy.statement import PolicyStatement, policy_document
from ..registry.destinations import ReplicationDestination
from ..registry.replication_planner import ReplicationRule, plan_replication
from ..registry.scan_filters import ScanNeed, check_filter
from ..registry.scan_planner import plan_registry_scanning
from .changes import REGISTRY, Change, Note
from .equivalence import policies_equivalent, policy_statements, statements_equivalent
from .live import LiveRegistry

_REPLICATION_SID = re.compile(r"AllowReplicationFrom([0-9]{12})")
# AWS ended support for the Clair engine on 1 October 2025
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html);
# the library refuses it.
_CLAIR = "CLAIR"


@dataclass
class RegistryCode:
    """The owner's keyword arguments, its method calls, what it adopts, and what changes."""

    keywords: List[Tuple[str, Any, Optional[str]]] = field(default_factory=list)
    calls: List[Tuple[str, List[Any]]] = field(default_factory=list)
    adopt_replication: bool = False
    adopt_registry_policy: bool = False
    changes: List[Change] = field(default_factory=list)
    notes: List[Note] = field(default_factory=list)


def _replication_source(account: str, region: str, registry: str) -> PolicyStatement:
    """The statement ``Registry.allow_replication_from(account)`` writes
    (``registry_policy.replication_source_statement``, whose module binds the provider;
    a test holds the two together)."""
    partition = partition_of(region)
    return PolicyStatement(
        sid=f"AllowReplicationFrom{account}",
        actions=REPLICATION_ACTIONS,
        resources=[f"arn:{partition}:ecr:{region}:{registry}:repository/*"],
        principals={"AWS": [f"arn:{partition}:iam::{account}:root"]},
    )


def _scanning(live: LiveRegistry, needs: Mapping[str, ScanNeed], code: RegistryCode) -> None:
    config = live.scanning or {}
    rules = config.get("rules") or []
    filters = [
        (f["filter"], rule["scanFrequency"], f.get("filterType", "WILDCARD"))
        for rule in rules for f in rule.get("repositoryFilters") or ()
    ]
    if config.get("scanType") != "ENHANCED":
        if filters:
            code.notes.append(Note(REGISTRY, "its BASIC scanning filters stay as they are (the "
                                   "owner writes a scanning configuration only for ENHANCED)"))
        return
    try:
        namespace = []
        for value, frequency, kind in filters:
            if kind != "WILDCARD" or frequency not in ScanFrequency.__members__:
                raise ValidationError("filter", value, "a WILDCARD filter scanning on push "
                                      "or continuously", problem=f"is {kind} {frequency}")
            namespace.append((check_filter("filter", value), ScanFrequency(frequency)))
        if not namespace:
            raise ValidationError("rules", [], "at least one filter", problem="is empty")
        plan = plan_registry_scanning(dict(needs), namespace)
    except ValidationError as error:
        code.notes.append(Note(REGISTRY, f"its ENHANCED scanning configuration stays as it is, "
                               f"managed by nothing: the owner cannot write it ({error})"))
        return
    for value, frequency in namespace:
        code.calls.append(("add_rule", [value, frequency]))
    planned = {f.value: set(values) for f, values in plan.rules.items()}
    current: Dict[str, Set[str]] = {}
    for value, frequency, _ in filters:
        current.setdefault(frequency, set()).add(value)
    if planned != current:
        added = sorted(
            f"{value} ({frequency})" for frequency, values in planned.items()
            for value in values - current.get(frequency, set())
        )
        shown = ", ".join(added[:5]) + (f" and {len(added) - 5} more" if len(added) > 5 else "")
        code.changes.append(Change(
            REGISTRY, "aws_ecr_registry_scanning_configuration", "update",
            f"the ENHANCED scanning configuration gains {len(added)} filters ({shown}) for "
            "repositories with scan_on_push, which ENHANCED scanning otherwise leaves unscanned",
        ))


def _replication(live: LiveRegistry, code: RegistryCode) -> None:
    if not live.replication_rules:
        return
    account = live.account_id
    try:
        rules: List[ReplicationRule] = []
        for rule in live.replication_rules:
            prefixes = [f["filter"] for f in rule.get("repositoryFilters") or ()
                        if f.get("filterType") == "PREFIX_MATCH"]
            if len(prefixes) != len(rule.get("repositoryFilters") or ()):
                raise ValidationError("repositoryFilters", rule["repositoryFilters"],
                                      "PREFIX_MATCH filters")
            destinations = [
                ReplicationDestination(d["region"], None if d["registryId"] == account
                                       else d["registryId"])
                for d in rule["destinations"]
            ]
            rules.append(ReplicationRule(prefixes, destinations))
        plan = plan_replication(source_account_id=account, source_region=live.region, rules=rules)
    except ValidationError as error:
        code.notes.append(Note(REGISTRY, f"its replication configuration stays as it is, "
                               f"managed by nothing: the owner cannot write it ({error})"))
        return
    for declared in rules:
        code.calls.append(("replicate", [list(declared.prefixes), list(declared.destinations)]))
    code.adopt_replication = True
    wanted = [
        {"destination": [{"region": d["region"], "registry_id": d["registryId"]}
                         for d in rule["destinations"]],
         **({"repository_filter": [{"filter": f["filter"], "filter_type": f["filterType"]}
                                   for f in rule["repositoryFilters"]]}
            if rule.get("repositoryFilters") else {})}
        for rule in live.replication_rules
    ]
    if plan.rule_blocks() != wanted:
        code.changes.append(Change(REGISTRY, "aws_ecr_replication_configuration", "update",
                                   "the replication rules are rewritten in the owner's order"))


def _registry_policy(live: LiveRegistry, code: RegistryCode) -> None:
    if live.registry_policy is None:
        return
    try:
        statements = policy_statements(live.registry_policy)
    except (ValueError, AttributeError):
        statements = []
    sources: List[str] = []
    for raw in statements:
        match = _REPLICATION_SID.fullmatch(str(raw.get("Sid", "")))
        if match is None:
            break
        expected = _replication_source(match.group(1), live.region, live.account_id)
        if not statements_equivalent(expected.document(), raw):
            break
        sources.append(match.group(1))
    if not statements or len(sources) != len(statements):
        code.notes.append(Note(REGISTRY, "its registry policy stays as it is, managed by nothing: "
                               "the owner writes only the replication grants of "
                               "allow_replication_from, and it holds other statements"))
        return
    for account in sources:
        code.calls.append(("allow_replication_from", [account]))
    code.adopt_registry_policy = True
    ours = policy_document(
        sorted((_replication_source(a, live.region, live.account_id) for a in sources),
               key=lambda s: s.sid),
        single_values_as_strings=False,
    )
    if not policies_equivalent(ours, live.registry_policy):
        code.changes.append(Change(REGISTRY, "aws_ecr_registry_policy", "update",
                                   f"the registry policy is rewritten (Version {POLICY_VERSION})"))


def _account_settings(live: LiveRegistry, code: RegistryCode) -> None:
    for name, keyword in (("BASIC_SCAN_TYPE_VERSION", "basic_scan_type_version"),
                          ("REGISTRY_POLICY_SCOPE", "registry_policy_scope")):
        value = live.account_settings.get(name)
        if value is None:
            reason = live.unread.get(f"account setting {name}", "not read")
            code.keywords.append((keyword, None, "left as it is: not read"))
            code.notes.append(Note(REGISTRY, f"account setting {name} stays as it is: it could "
                                   f"not be read ({reason})"))
        elif value == _CLAIR:
            code.keywords.append((keyword, "AWS_NATIVE", "live: CLAIR, which AWS no longer runs"))
            code.changes.append(Change(
                REGISTRY, "aws_ecr_account_setting", "update",
                f"{name} CLAIR -> AWS_NATIVE: AWS ended the Clair engine on 1 October 2025",
            ))
        else:
            code.keywords.append((keyword, value, None))


def declared_registry(
    live: LiveRegistry, needs: Mapping[str, ScanNeed], managed_elsewhere: bool
) -> RegistryCode:
    """How the owner declares ``live``'s settings, given what each repository of the
    code asks of its scanning (``needs``)."""
    code = RegistryCode()
    if managed_elsewhere:
        code.notes.append(Note(REGISTRY, "its settings are managed elsewhere "
                               "(Registry.managed_elsewhere): this code writes none of them"))
        return code
    code.keywords += [("account_id", live.account_id, None), ("region", live.region, None)]
    _account_settings(live, code)
    _scanning(live, needs, code)
    _replication(live, code)
    _registry_policy(live, code)
    for what, prefixes in (("pull-through cache rules", live.pull_through_cache_prefixes),
                           ("repository creation templates", live.creation_template_prefixes)):
        if prefixes is None:
            reason = live.unread.get(what, "unknown")
            code.notes.append(Note(REGISTRY, f"its {what} were not read ({reason}): nothing "
                                   "here manages them"))
        elif prefixes:
            code.notes.append(Note(REGISTRY, f"its {what} ({', '.join(prefixes)}) stay as they "
                                   "are: this code does not declare them (docs/adopting.md)"))
    return code


def needs_of(scan_on_push: Mapping[str, bool]) -> Dict[str, ScanNeed]:
    return {name: ScanNeed.of(on, None) for name, on in scan_on_push.items()}
