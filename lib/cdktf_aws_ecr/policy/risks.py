"""Warnings (:class:`~cdktf_aws_ecr.RiskyStatementWarning`) for statements that are valid
but probably not meant: an unconditioned ``Deny`` of policy management to everyone, and
``ecr:*``, ``*`` or delete actions allowed to another account."""

from __future__ import annotations

import warnings
from fnmatch import fnmatchcase
from typing import Iterable, List, Optional

from ..errors import RiskyStatementWarning
from ..facts import DESTRUCTIVE_ACTIONS, POLICY_MANAGEMENT_ACTIONS
from .statement import Effect, PolicyStatement
from .values import ACCOUNT_ID

#: The delete actions among the destructive ones (images, repositories, policies, rules).
_DELETE_ACTIONS = tuple(a for a in DESTRUCTIVE_ACTIONS if ":Delete" in a or ":BatchDelete" in a)
_BROAD_ACTIONS = ("*", "ecr:*")


def _covered(patterns: Iterable[object], actions: Iterable[str]) -> List[str]:
    literal = [p for p in patterns if isinstance(p, str)]
    return [a for a in actions if any(fnmatchcase(a.lower(), p.lower()) for p in literal)]


def _principal_account(principal: object) -> Optional[str]:
    """The account of an ``AWS`` principal (an ID or an IAM ARN), or None (a token, ``*``)."""
    if not isinstance(principal, str):
        return None
    if ACCOUNT_ID.fullmatch(principal):
        return principal
    fields = principal.split(":")
    return fields[4] if len(fields) > 5 and ACCOUNT_ID.fullmatch(fields[4]) else None


def warn_risky_statements(
    statements: Iterable[PolicyStatement], account: Optional[str], where: str
) -> None:
    """Warn for each risky statement of a policy in ``account`` (None: not known at synth, when
    only ``*`` counts as another account)."""
    for statement in statements:
        principals = statement._parsed_principals or ()
        identifiers = [i for _, values in principals for i in values]
        actions = statement._parsed_actions
        sid = f"statement {statement.sid!r}" if statement.sid else "a statement"
        if statement.effect is Effect.DENY:
            locked = _covered(actions, POLICY_MANAGEMENT_ACTIONS)
            if "*" in identifiers and not statement.conditions and locked:
                warnings.warn(
                    f"{where}: {sid} denies {', '.join(locked)} to every principal without a "
                    "condition: the account's own administrators and Terraform could then no "
                    "longer change or delete the policy (only the root user could). Add a "
                    "condition that exempts them (e.g. aws:PrincipalArn), or deny fewer actions.",
                    RiskyStatementWarning,
                    stacklevel=2,
                )
            continue
        broad = [a for a in actions if isinstance(a, str) and a.lower() in _BROAD_ACTIONS]
        risky = broad or _covered(actions, _DELETE_ACTIONS)
        if not risky:
            continue
        others = sorted({
            str(i) for i in identifiers
            if i == "*" or (
                account is not None
                and (owner := _principal_account(i)) is not None
                and owner != account
            )
        })
        if others:
            warnings.warn(
                f"{where}: {sid} allows {', '.join(risky)} to {', '.join(others)}, outside the "
                f"registry's account{f' {account}' if account else ''}: another account could "
                "then delete images, repositories or their guardrails. Grant only the actions it "
                "needs (grant_pull / grant_push).",
                RiskyStatementWarning,
                stacklevel=2,
            )
