"""The generated Python: one module with a function that declares the adopted registry
settings and repositories in a stack, each change and note next to what it concerns."""

from __future__ import annotations

import enum
import json
import textwrap
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..lifecycle.rules import LifecycleAction, LifecycleRule
from ..policy.grantees import OrganizationPrincipal, ServicePrincipal
from ..policy.statement import Condition, Effect, PolicyStatement
from ..registry.destinations import ReplicationDestination
from .changes import Change, Note
from .registry import RegistryCode
from .repository import RepositoryCode

_WIDTH = 99
_INDENT = "    "
FUNCTION = "declare_registry"


class Raw(str):
    """Python source, written as it is."""


def _call(function: str, args: Sequence[Any], kwargs: Sequence[Tuple[str, Any]],
          indent: int) -> str:
    parts = [expression(a, indent + 1) for a in args]
    parts += [f"{k}={expression(v, indent + 1)}" for k, v in kwargs]
    flat = f"{function}({', '.join(parts)})"
    if len(_INDENT * indent) + len(flat) <= _WIDTH and "\n" not in flat:
        return flat
    inner = _INDENT * (indent + 1)
    return f"{function}(\n" + "".join(f"{inner}{p},\n" for p in parts) + f"{_INDENT * indent})"


def _sequence(open_: str, close: str, items: List[str], indent: int) -> str:
    flat = open_ + ", ".join(items) + close
    if len(_INDENT * indent) + len(flat) <= _WIDTH and "\n" not in flat:
        return flat
    inner = _INDENT * (indent + 1)
    return open_ + "\n" + "".join(f"{inner}{i},\n" for i in items) + _INDENT * indent + close


def _rule_kwargs(rule: LifecycleRule) -> List[Tuple[str, Any]]:
    kwargs: List[Tuple[str, Any]] = [("tag_status", rule.tag_status)]
    for name in ("tag_prefix_list", "tag_pattern_list", rule.count_field):
        value = getattr(rule, name)
        if value is not None:
            kwargs.append((name, list(value) if isinstance(value, tuple) else value))
    implied = (LifecycleAction.ARCHIVE if rule.count_field == "max_days_since_pull"
               else LifecycleAction.EXPIRE)
    if rule.action is not implied:
        kwargs.append(("action", rule.action))
    kwargs.append(("rule_priority", rule.rule_priority))
    if rule.description is not None:
        kwargs.append(("description", rule.description))
    return kwargs


def expression(value: Any, indent: int = 0) -> str:
    """``value`` as Python source that makes it, with the library imported as ``ecr``."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, enum.Enum):
        return f"ecr.{type(value).__name__}.{value.name}"
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, LifecycleRule):
        return _call("ecr.LifecycleRule", (), _rule_kwargs(value), indent)
    if isinstance(value, PolicyStatement):
        kwargs: List[Tuple[str, Any]] = [("sid", value.sid)]
        if value.effect is Effect.DENY:
            kwargs.append(("effect", Effect.DENY))
        kwargs.append(("principals", {k: list(v) for k, v in (value.principals or {}).items()}))
        kwargs.append(("actions", list(value.actions)))
        if value.conditions:
            kwargs.append(("conditions", list(value.conditions)))
        return _call("ecr.PolicyStatement", (), kwargs, indent)
    if isinstance(value, Condition):
        return _call("ecr.Condition", (value.test, value.variable, list(value.values)), (), indent)
    if isinstance(value, OrganizationPrincipal):
        paths = [("ou_paths", list(value.ou_paths))] if value.ou_paths else []
        return _call("ecr.OrganizationPrincipal", (value.org_id,), paths, indent)
    if isinstance(value, ServicePrincipal):
        limits = [(k, list(getattr(value, k))) for k in ("source_arns", "source_accounts")
                  if getattr(value, k)]
        return _call("ecr.ServicePrincipal", (value.service,), limits, indent)
    if isinstance(value, ReplicationDestination):
        account = [("account_id", value.account_id)] if value.account_id else []
        return _call("ecr.ReplicationDestination", (value.region,), account, indent)
    if isinstance(value, (list, tuple)):
        return _sequence("[", "]", [expression(v, indent + 1) for v in value], indent)
    if isinstance(value, dict):
        return _sequence("{", "}", [f"{expression(k, indent + 1)}: {expression(v, indent + 1)}"
                                    for k, v in value.items()], indent)
    raise TypeError(f"no Python source for {type(value).__name__}")


def _comment(lines: Sequence[str], indent: int) -> str:
    prefix = _INDENT * indent + "# "
    return "".join(
        textwrap.fill(line, _WIDTH, initial_indent=prefix, subsequent_indent=prefix + "  ") + "\n"
        for line in lines
    )


def _keywords(keywords: Sequence[Tuple[str, Any, Optional[str]]], indent: int) -> str:
    out = ""
    for keyword, value, comment in keywords:
        source = (
            f"json.dumps({expression(value, indent)})" if keyword == "lifecycle_policy_json"
            else expression(value, indent)
        )
        line = f"{_INDENT * indent}{keyword}={source},"
        if comment:
            line += f"  # {comment}"
        out += line + "\n"
    return out


def _repository(code: RepositoryCode) -> str:
    lines = [change.description for change in code.changes] + [n.description for n in code.notes]
    out = "\n" + _comment([f"{code.name}: {line}" for line in lines], 1) if lines else "\n"
    out += f"{_INDENT}repository = repositories[{expression(code.name)}] = ecr.Repository(\n"
    out += f"{_INDENT * 2}scope,\n{_INDENT * 2}{expression(code.name)},\n"
    adopt = Raw(f"ecr.Adopt(lifecycle_policy={code.adopt_lifecycle_policy}, "
                f"repository_policy={code.adopt_repository_policy})")
    out += _keywords([*code.keywords, ("provider", Raw("provider"), None),
                      ("adopt", adopt, None)], 2)
    out += f"{_INDENT})\n"
    for method, argument in code.calls:
        out += f"{_INDENT}repository.{method}({expression(argument, 1)})\n"
    return out


def _registry(code: RegistryCode, managed_elsewhere: bool) -> str:
    if managed_elsewhere:
        return f"{_INDENT}ecr.Registry.managed_elsewhere(scope, provider=provider)\n"
    out = f"{_INDENT}registry = ecr.Registry(\n{_INDENT * 2}scope,\n"
    out += _keywords([*code.keywords, ("provider", Raw("provider"), None)], 2)
    out += f"{_INDENT})\n"
    for method, arguments in code.calls:
        out += f"{_INDENT}registry.{method}({', '.join(expression(a, 1) for a in arguments)})\n"
    out += (f"{_INDENT}registry.adopt(replication={code.adopt_replication}, "
            f"registry_policy={code.adopt_registry_policy})\n")
    return out


def _summary(changes: Sequence[Change], notes: Sequence[Note]) -> List[str]:
    """Registry-wide lines in full; repository lines counted by kind."""
    lines = [c.line() for c in changes if c.subject == "registry"]
    kinds = Counter(c.kind or c.description for c in changes if c.subject != "registry")
    lines += [f"{count} repositor{'y' if count == 1 else 'ies'}: {kind}"
              for kind, count in sorted(kinds.items())]
    return lines + [f"left as it is: {n.line()}" for n in notes if n.subject == "registry"]


def render_module(
    *,
    account_id: str,
    region: str,
    command: str,
    registry: RegistryCode,
    repositories: Sequence[RepositoryCode],
    managed_elsewhere: bool,
    changes: Sequence[Change],
    notes: Sequence[Note],
) -> str:
    count = len(repositories)
    head = (
        f"The ECR registry of account {account_id} in {region}, adopted: {count} "
        f"repositor{'y' if count == 1 else 'ies'}."
    )
    body = (
        f"Written by `{command}` from the live registry. Call {FUNCTION}(stack) in a stack "
        "that deploys to that account and region (provider= for an aliased AwsProvider). "
        "What is declared here exists already: the first plan imports it (Terraform >= 1.5) "
        "and changes only what is listed below, and each repository says what changes for it."
    )
    summary = _summary(changes, notes)
    doc = [head, "", *textwrap.wrap(body, _WIDTH - 4), ""]
    doc += ["The first apply changes:"] + [f"- {line}" for line in summary or ["nothing"]]
    uses_json = any(k == "lifecycle_policy_json" for r in repositories for k, _, _ in r.keywords)
    source = '"""' + "\n".join(
        textwrap.fill(line, _WIDTH, subsequent_indent="  ") if line else "" for line in doc
    ) + '\n"""\n\n'
    source += "import json\n\n" if uses_json else ""
    source += "import cdktf_aws_ecr as ecr\n\n\n"
    source += f"def {FUNCTION}(scope, provider=None):\n"
    source += (f'{_INDENT}"""Declare the adopted registry in ``scope``\'s stack; returns the '
               'repositories by name."""\n')
    source += _registry(registry, managed_elsewhere)
    source += f"{_INDENT}repositories = {{}}\n"
    for code in repositories:
        source += _repository(code)
    source += f"{_INDENT}return repositories\n"
    return source


def report(changes: Sequence[Change], notes: Sequence[Note]) -> Dict[str, Any]:
    """The announcements as JSON (``--report``)."""
    return {"changes": [c.as_json() for c in changes], "notes": [n.as_json() for n in notes]}
