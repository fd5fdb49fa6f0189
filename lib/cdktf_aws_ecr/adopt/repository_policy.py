"""A live repository policy as the library declares it: grants for the statements that
grants write exactly, statements (``add_to_resource_policy``) for the others, and what
the library refuses to write, said.

Each statement mapped to a grant is checked by rendering the grant with the library's own
policy code and comparing it with the live statement as the provider does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from ..checks import check_principals
from ..errors import ValidationError
from ..facts import (
    PRINCIPAL_ORG_ID,
    PRINCIPAL_ORG_PATHS,
    PULL_ACTIONS,
    PUSH_ACTIONS,
    SID_PATTERN,
    SOURCE_ACCOUNT,
    SOURCE_ARN,
)
from ..policy.grantees import Access, OrganizationPrincipal, ServicePrincipal
from ..policy.repository_policy import RepositoryPolicyDocument
from ..policy.statement import Condition, PolicyStatement, confines_to_sources
from .equivalence import policies_equivalent, policy_statements, statements_equivalent

_SID = re.compile(SID_PATTERN, re.ASCII)
# IAM shows a principal that was deleted by its unique ID (AROA... for a role, AIDA... for
# a user), which a policy cannot be written with again,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
_UNIQUE_ID = re.compile(r"A(?:ROA|IDA|GPA|NPA|IPA|SIA|KIA)[A-Z0-9]{12,}")
_KNOWN_KEYS = {"Sid", "Effect", "Principal", "Action", "Condition"}
_VERBS = {frozenset(PULL_ACTIONS): "Pull", frozenset(PUSH_ACTIONS): "Push"}
_SEED_KEYWORDS = {"Pull": "pull_principal_arns", "Push": "push_principal_arns"}
_GRANT_METHODS = {"Pull": "grant_pull", "Push": "grant_push"}


@dataclass
class PolicyCode:
    """How a repository declares its live policy.

    ``principal_arns``: the seed keywords (``pull_principal_arns``...); ``grants``:
    ``(method, grantee)`` calls; ``statements``: for ``add_to_resource_policy``;
    ``dropped``: why each left-out statement or principal cannot be written; ``refused``:
    why the library declares none of it (it is then left as it is).
    """

    principal_arns: Dict[str, List[str]] = field(default_factory=dict)
    grants: List[Tuple[str, Any]] = field(default_factory=list)
    statements: List[PolicyStatement] = field(default_factory=list)
    dropped: List[str] = field(default_factory=list)
    refused: Optional[str] = None
    document: Optional[Dict[str, Any]] = None

    def differs_from(self, live: Mapping[str, Any]) -> bool:
        return self.document is not None and not policies_equivalent(self.document, live)


def _strings(value: Any) -> Optional[List[str]]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _render(
    principal_arns: Mapping[str, Sequence[str]],
    grants: Sequence[Tuple[str, Any]],
    statements: Sequence[PolicyStatement],
) -> RepositoryPolicyDocument:
    document = RepositoryPolicyDocument()
    for verb, keyword in _SEED_KEYWORDS.items():
        access = Access.PULL if verb == "Pull" else Access.PUSH
        document.add_principal_arns(access, principal_arns.get(keyword, ()), keyword)
    for method, grantee in grants:
        document.grant(Access.PULL if method == "grant_pull" else Access.PUSH, grantee)
    for statement in statements:
        document.add_statement(statement)
    return document


def _rendered(document: RepositoryPolicyDocument) -> Dict[str, Any]:
    text = document.policy_json()
    assert text is not None  # every value here is known at synth
    rendered: Dict[str, Any] = json.loads(text)
    return rendered


def _candidate_grants(raw: Mapping[str, Any]) -> Optional[Tuple[str, str, Any]]:
    """``(verb, kind, what)`` a grant would need to write ``raw``, or None: kind ``seed``
    with principal ARNs, ``organization`` or ``service`` with grantees."""
    if set(raw) - _KNOWN_KEYS or raw.get("Effect") != "Allow":
        return None
    actions = _strings(raw.get("Action")) or []
    # The grants' actions, each once (a repeated action would not render the same).
    verb = _VERBS.get(frozenset(actions)) if len(set(actions)) == len(actions) else None
    sid, principal, condition = raw.get("Sid"), raw.get("Principal"), raw.get("Condition") or {}
    if verb is None or not isinstance(sid, str):
        return None
    if sid == f"Allow{verb}" and not condition and isinstance(principal, Mapping) and set(
        principal
    ) == {"AWS"}:
        return verb, "seed", _strings(principal["AWS"])
    if sid == f"Allow{verb}Organization" and principal == "*":
        orgs = _strings(condition.get("StringEquals", {}).get(PRINCIPAL_ORG_ID))
        paths = _strings(condition.get("ForAnyValue:StringLike", {}).get(PRINCIPAL_ORG_PATHS)) or []
        if not orgs:
            return None
        if not paths:
            return verb, "organization", [OrganizationPrincipal(org) for org in orgs]
        return verb, "organization", [
            OrganizationPrincipal(org) if f"{org}/*" in paths else OrganizationPrincipal(
                org, ou_paths=[p for p in paths if p.startswith(f"{org}/")]
            )
            for org in orgs
        ]
    if isinstance(principal, Mapping) and set(principal) == {"Service"}:
        services = _strings(principal["Service"]) or []
        arns = _strings(condition.get("ArnLike", {}).get(SOURCE_ARN)) or []
        accounts = _strings(condition.get("StringEquals", {}).get(SOURCE_ACCOUNT)) or []
        if len(services) == 1:
            return verb, "service", [
                ServicePrincipal(services[0], source_arns=arns, source_accounts=accounts)
            ]
    return None


def _as_grants(raw: Mapping[str, Any]) -> Optional[Tuple[str, Any]]:
    """The seed keyword or grants that write exactly ``raw``: ``("seed", (keyword, arns))``
    or ``("grants", [(method, grantee)...])``; None when none does."""
    try:
        candidate = _candidate_grants(raw)
        if candidate is None:
            return None
        verb, kind, what = candidate
        if kind == "seed":
            check_principals(_SEED_KEYWORDS[verb], what)
            document = _render({_SEED_KEYWORDS[verb]: what}, (), ())
            mapped: Tuple[str, Any] = ("seed", (_SEED_KEYWORDS[verb], what))
        else:
            grants = [(_GRANT_METHODS[verb], grantee) for grantee in what]
            document = _render({}, grants, ())
            mapped = ("grants", grants)
        statements = policy_statements(_rendered(document))
    except (ValidationError, TypeError):
        return None
    if len(statements) == 1 and statements_equivalent(statements[0], raw):
        return mapped
    return None


def _new_sid(sid: Any, index: int, taken: Set[str]) -> str:
    words = re.findall(r"[A-Za-z0-9]+", sid) if isinstance(sid, str) else []
    base = "".join(w[:1].upper() + w[1:] for w in words) or f"Statement{index + 1}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate


def _label(raw: Mapping[str, Any], index: int) -> str:
    sid = raw.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement #{index + 1}"


def _as_statement(
    raw: Mapping[str, Any], index: int, taken: Set[str], account_id: str, dropped: List[str]
) -> Optional[PolicyStatement]:
    """``raw`` as a :class:`PolicyStatement`, changed only where the library must; None
    (with the reason in ``dropped``) when it cannot be written at all."""
    label = _label(raw, index)
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        dropped.append(f"drops {label}: {unknown[0]} cannot be declared in a repository "
                       "policy here")
        return None
    sid = raw.get("Sid")
    renamed = None
    if not (isinstance(sid, str) and _SID.fullmatch(sid)) or sid in taken:
        sid = _new_sid(sid, index, taken)
        renamed = f"renames {label} to {sid!r} (a Sid of ASCII letters and digits, unique)"
    principal = raw.get("Principal")
    principals: Dict[str, List[str]] = {}
    if principal == "*":
        principals = {"*": ["*"]}
    elif isinstance(principal, Mapping):
        for kind, ids in principal.items():
            values = _strings(ids) or []
            gone = [v for v in values if kind == "AWS" and _UNIQUE_ID.fullmatch(v)]
            if gone:
                dropped.append(f"removes {', '.join(gone)} from {label} (IAM principals "
                               "deleted since: IAM shows them by unique ID)")
            if [v for v in values if v not in gone]:
                principals[kind] = [v for v in values if v not in gone]
    if not principals:
        dropped.append(f"drops {label}: no principal left that a policy can name")
        return None
    conditions: List[Condition] = []
    for test, entries in (raw.get("Condition") or {}).items():
        for key, values in (entries or {}).items():
            listed = values if isinstance(values, list) else [values]
            as_text = [v if isinstance(v, str) else json.dumps(v) for v in listed]
            if as_text != listed:
                dropped.append(f"writes the {test} {key} values of {label} as strings")
            conditions.append(Condition(test, key, as_text))
    effect: Any = raw.get("Effect")  # checked by PolicyStatement
    if effect == "Allow" and "Service" in principals and not confines_to_sources(conditions):
        conditions.append(Condition("StringEquals", SOURCE_ACCOUNT, [account_id]))
        dropped.append(
            f"limits {label} to the registry's account {account_id} (aws:SourceAccount): a "
            "service principal without it lets that service act for any AWS account"
        )
    try:
        statement = PolicyStatement(
            sid=sid, effect=effect, principals=principals,
            actions=_strings(raw.get("Action")) or [], conditions=conditions,
        )
    except ValidationError as error:
        dropped.append(f"drops {label}: it {error.problem} ({error.parameter})")
        return None
    if renamed is not None:
        dropped.append(renamed)
    taken.add(sid)
    return statement


def declared_repository_policy(text: str, account_id: str) -> PolicyCode:
    """How to declare the live policy ``text``; ``account_id`` is the registry's."""
    try:
        live = json.loads(text)
        raws = policy_statements(live)
    except (ValueError, AttributeError):
        return PolicyCode(refused="it is not a JSON policy document")
    code = PolicyCode()
    taken: Set[str] = set()
    for index, raw in enumerate(raws):
        if not isinstance(raw, Mapping):
            code.dropped.append(f"drops statement #{index + 1}: it is not a JSON object")
            continue
        mapped = _as_grants(raw) if raw.get("Sid") not in taken else None
        if mapped is not None and mapped[0] == "seed":
            keyword, arns = mapped[1]
            if keyword not in code.principal_arns:
                code.principal_arns[keyword] = arns
                taken.add(raw["Sid"])
                continue
        elif mapped is not None:
            code.grants += mapped[1]
            taken.add(raw["Sid"])
            continue
        statement = _as_statement(raw, index, taken, account_id, code.dropped)
        if statement is not None:
            code.statements.append(statement)
    if not (code.principal_arns or code.grants or code.statements):
        return PolicyCode(refused="; ".join(code.dropped) or "it has no statements")
    try:
        document = _render(code.principal_arns, code.grants, code.statements)
        document.check()
    except ValidationError as error:
        return PolicyCode(refused=f"the library refuses it: {error}")
    code.document = _rendered(document)
    return code


def policy_difference(ours: Mapping[str, Any], live: Mapping[str, Any]) -> List[str]:
    """What besides the statements' own changes makes the two policies differ."""
    found = []
    for key in ("Version", "Id"):
        if ours.get(key) != live.get(key):
            found.append(f"{key} {live.get(key)!r} -> {ours.get(key)!r}")
    return found
