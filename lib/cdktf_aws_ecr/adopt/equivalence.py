"""When the AWS provider sees no difference between a live policy and a declared one.

A plan updates a policy only when the provider finds the two texts different, and each
resource compares them its own way; these functions follow the provider (5.x), so that
the generator announces exactly the updates the plan will show.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

Document = Union[str, Mapping[str, Any]]

_ACCOUNT_ID = re.compile(r"[0-9]{12}")
_ROOT_ARN = re.compile(r"arn:[^:]+:iam::([0-9]{12}):root")


def _loaded(document: Document) -> Any:
    return json.loads(document) if isinstance(document, str) else document


# ---------------------------------------------------------------------------- IAM policies
# aws_ecr_repository_policy and aws_ecr_registry_policy suppress the difference between
# policies that hashicorp/awspolicyequivalence (PoliciesAreEquivalent) finds equivalent:
# the same Version and Id, and statements that match one for one in any order, each with
# the same Sid, Effect (any case), actions and resources (as sets), conditions (values as
# sets, strings only) and principals (as sets, an account ID matching its root ARN).


def _strings(value: Any) -> Optional[List[str]]:
    """A string or list of strings as a list; None for anything else (never equal)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _same_set(ours: Any, theirs: Any) -> bool:
    a, b = _strings(ours), _strings(theirs)
    return a is not None and b is not None and sorted(a) == sorted(b)


def _same_principal(ours: str, theirs: str) -> bool:
    if ours == theirs:
        return True
    for account, arn in ((ours, theirs), (theirs, ours)):
        match = _ROOT_ARN.fullmatch(arn)
        if _ACCOUNT_ID.fullmatch(account) and match and match.group(1) == account:
            return True
    return False


def _same_principal_sets(ours: Any, theirs: Any) -> bool:
    a, b = _strings(ours), _strings(theirs)
    if a is None or b is None or len(a) != len(b):
        return False
    return all(any(_same_principal(x, y) for y in b) for x in a) and all(
        any(_same_principal(y, x) for x in a) for y in b
    )


def _same_principals(ours: Any, theirs: Any) -> bool:
    if ours is None and theirs is None:
        return True
    if isinstance(ours, str) and isinstance(theirs, str):
        return _same_principal(ours, theirs)

    def normalized(value: Any) -> Dict[str, Any]:
        if not isinstance(value, Mapping):
            return {}
        return {kind: ids for kind, ids in value.items() if _strings(ids)}

    a, b = normalized(ours), normalized(theirs)
    return a.keys() == b.keys() and all(_same_principal_sets(a[k], b[k]) for k in a)


def _same_conditions(ours: Any, theirs: Any) -> bool:
    if (ours is None) != (theirs is None):
        return False
    if ours is None:
        return True
    if not isinstance(ours, Mapping) or not isinstance(theirs, Mapping):
        return False
    if ours.keys() != theirs.keys():
        return False
    for test in ours:
        a, b = ours[test], theirs[test]
        if not isinstance(a, Mapping) or not isinstance(b, Mapping) or a.keys() != b.keys():
            return False
        for key in a:
            x, y = _strings(a[key]), _strings(b[key])
            if x is None or y is None or len(x) != len(y) or set(x) != set(y):
                return False
    return True


def statements_equivalent(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    """Whether two statements match as the provider compares them."""
    if ours.get("Sid", "") != theirs.get("Sid", ""):
        return False
    if str(ours.get("Effect", "")).lower() != str(theirs.get("Effect", "")).lower():
        return False
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if not _same_set(ours.get(key), theirs.get(key)):
            return False
    if not _same_conditions(ours.get("Condition"), theirs.get("Condition")):
        return False
    for key in ("Principal", "NotPrincipal"):
        if (ours.get(key) is not None or theirs.get(key) is not None) and not _same_principals(
            ours.get(key), theirs.get(key)
        ):
            return False
    return True


def policy_statements(document: Document) -> List[Mapping[str, Any]]:
    """The statements of a policy (a single statement object counts as a list of one)."""
    statements = _loaded(document).get("Statement", [])
    return [statements] if isinstance(statements, Mapping) else list(statements)


def policies_equivalent(ours: Document, theirs: Document) -> bool:
    """Whether the provider plans no update between the two policies."""
    a, b = _loaded(ours), _loaded(theirs)
    if a.get("Version", "") != b.get("Version", "") or a.get("Id", "") != b.get("Id", ""):
        return False
    x, y = policy_statements(a), policy_statements(b)
    return len(x) == len(y) and all(
        any(statements_equivalent(s, t) for t in y) for s in x
    ) and all(any(statements_equivalent(t, s) for s in x) for t in y)


# ---------------------------------------------------------------------------- lifecycle policies
# aws_ecr_lifecycle_policy (whose policy change replaces the resource) suppresses the
# difference between policies equal after equivalentLifecyclePolicyJSON's reduction
# (internal/service/ecr/lifecycle_policy.go): only the fields it knows, rules sorted by
# rulePriority, tag lists sorted, empty lists dropped.

_SELECTION_FIELDS = ("tagStatus", "tagPatternList", "tagPrefixList", "storageClass",
                     "countType", "countUnit", "countNumber")


def _reduced_rule(rule: Mapping[str, Any]) -> Tuple[Any, ...]:
    selection = rule.get("selection") or {}
    reduced_selection = []
    for key in _SELECTION_FIELDS:
        value = selection.get(key)
        if key in ("tagPatternList", "tagPrefixList"):
            value = tuple(sorted(value)) if value else None
        reduced_selection.append(value)
    action = rule.get("action") or {}
    return (
        rule.get("rulePriority"),
        rule.get("description"),
        tuple(reduced_selection) if rule.get("selection") is not None else None,
        (action.get("type"), action.get("targetStorageClass")),
    )


def reduced_lifecycle_policy(document: Document) -> List[Tuple[Any, ...]]:
    rules = _loaded(document).get("rules") or []
    return sorted((_reduced_rule(rule) for rule in rules), key=lambda r: r[0] or 0)


def lifecycle_policies_equivalent(ours: Document, theirs: Document) -> bool:
    """Whether the provider plans no replacement between the two lifecycle policies."""
    return reduced_lifecycle_policy(ours) == reduced_lifecycle_policy(theirs)
