"""What a plan would lose, read from the plans alone: repositories deleted or replaced,
policies dropped, registry settings deleted or reset, destructive grants to other accounts.
:class:`Context` indexes the plans' changes for these rules and those of ``live_rules``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from ..facts import DESTRUCTIVE_ACTIONS
from .live import LiveRegistry
from .plan import Change, Plan
from .report import REFUSE, WARN, Finding
from .scanning import DEFAULT, ScanningConfiguration

REPOSITORY = "aws_ecr_repository"
LIFECYCLE_POLICY = "aws_ecr_lifecycle_policy"
REPOSITORY_POLICY = "aws_ecr_repository_policy"
SCANNING = "aws_ecr_registry_scanning_configuration"
REPLICATION = "aws_ecr_replication_configuration"
REGISTRY_POLICY = "aws_ecr_registry_policy"
CREATION_TEMPLATE = "aws_ecr_repository_creation_template"
#: Each registry setting: what it is, the attribute that tells two of a registry apart
#: (None: one per registry), and what deleting it does.
REGISTRY_SETTINGS: Dict[str, Tuple[str, Optional[str], str]] = {
    SCANNING: (
        "registry scanning configuration", None,
        # The provider's delete puts BASIC with no rules
        # (resourceRegistryScanningConfigurationDelete).
        "the registry goes back to BASIC scanning with no rules: every repository its rules "
        "scan stops being scanned, unless its own scan-on-push is on",
    ),
    REPLICATION: (
        "registry replication configuration", None,
        "images pushed from then on are no longer copied to the other registries",
    ),
    REGISTRY_POLICY: (
        "registry policy", None,
        "the accounts and organizations it allows lose what it grants them (replication "
        "into this registry, pulls through its caches)",
    ),
    "aws_ecr_pull_through_cache_rule": (
        "pull-through cache rule", "ecr_repository_prefix",
        "pulls through its prefix no longer fill or refresh the cached repositories",
    ),
    CREATION_TEMPLATE: (
        "repository creation template", "prefix",
        "repositories ECR creates under its prefix from then on get ECR's defaults instead "
        "of its guardrails",
    ),
    "aws_ecr_account_setting": (
        "registry account setting", "name",
        # The provider's delete changes nothing (framework.WithNoOpDelete): no API deletes one.
        "the setting leaves the app: ECR keeps its current value, but nothing holds it any more",
    ),
}
#: Terraform's ``action_reason`` of a delete, in words.
_WHY_GONE = {
    "delete_because_count_index": "its count no longer includes this index",
    "delete_because_each_key": "its for_each no longer includes this key",
    "delete_because_no_module": "its module left the configuration",
}
#: Release 0.1.0 named resources after their construct path: ``<ids>_<8 hex digits>``.
_RELEASE_0_1_0_ID = re.compile(r"_[0-9A-F]{8}$")
_PRINCIPAL_ACCOUNT = re.compile(r"^(?:(\d{12})|arn:[^:]+:(?:iam|sts)::(\d{12}):.*)$")


def moved_block(old: str, new: str) -> str:
    return (
        f"keep its state with a moved block, `moved {{ from = {old}, to = {new} }}` "
        f"(in cdktf: `<resource>.move_from_id(\"{old}\")`)"
    )


def named(names: Sequence[str], limit: int = 10) -> str:
    """``a, b, c and 7 more``."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def name_of(change: Change, key: str = "name") -> Optional[str]:
    """The repository name a change concerns (``key``: ``name``, or ``repository`` for a
    policy), before the change or, for a new resource, after it."""
    value = change.before.get(key) or change.known_after(key)
    return value if isinstance(value, str) else None


def same_region(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two regions may be one (None: not known from the plan)."""
    return a is None or b is None or a == b


def _by_name(changes: Sequence[Change], key: str = "name") -> Dict[str, List[Change]]:
    index: Dict[str, List[Change]] = {}
    for change in changes:
        name = name_of(change, key)
        if name is not None:
            index.setdefault(name, []).append(change)
    return index


@dataclass
class Context:
    """The plans' changes, indexed, and the registries read live (by region)."""

    changes: Sequence[Change]
    live: Mapping[str, LiveRegistry]
    now: Optional[datetime] = None
    by_type: Dict[str, List[Change]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for change in self.changes:
            self.by_type.setdefault(change.type, []).append(change)
        repositories = self.of(REPOSITORY)
        self.deleted = _by_name([c for c in repositories if c.deletes])
        self.created = _by_name([c for c in repositories if c.creates])
        #: Repositories some plan still declares afterwards.
        self.declared = _by_name([c for c in repositories if c.stays])
        self.policies_deleted = _by_name(
            [c for c in (*self.of(LIFECYCLE_POLICY), *self.of(REPOSITORY_POLICY))
             if c.deletes and not c.creates],
            "repository",
        )

    def of(self, resource_type: str) -> List[Change]:
        return self.by_type.get(resource_type, [])

    def live_for(self, region: Optional[str]) -> Optional[LiveRegistry]:
        if region is None:
            return next(iter(self.live.values())) if len(self.live) == 1 else None
        return self.live.get(region)

    def repository_deleted(self, region: Optional[str], name: str) -> bool:
        return bool(in_region(self.deleted, region, name))

    def is_declared(self, region: Optional[str], name: str) -> bool:
        return bool(in_region(self.declared, region, name))


def in_region(index: Mapping[str, List[Change]], region: Optional[str], name: str) -> List[Change]:
    """The changes of ``index`` (by repository name) to ``name`` in ``region``."""
    return [c for c in index.get(name, ()) if same_region(c.region, region)]


# ------------------------------------------------------------------ repositories


def images_at_stake(live: Optional[LiveRegistry], name: str) -> str:
    if live is None:
        return "its images (--live counts them)"
    if name not in live.repositories:
        return f"nothing: the registry in {live.region} holds no repository {name!r}"
    images = live.images(name)
    newest = sorted(images, key=lambda image: image["pushed_at"], reverse=True)
    tags = [tag for image in newest for tag in image["tags"]][:5]
    newest_tags = f", newest tags {', '.join(tags)}" if tags else ""
    return f"{len(images)} image{'s' if len(images) != 1 else ''}{newest_tags}"


def _repository_finding(
    ctx: Context, change: Change, creates: Dict[Optional[str], List[str]]
) -> Finding:
    name = name_of(change) or change.address
    policies = sorted({
        "lifecycle policy" if c.type == LIFECYCLE_POLICY else "repository policy"
        for c in in_region(ctx.policies_deleted, change.region, name)
    })
    at_stake = images_at_stake(ctx.live_for(change.region), name)
    if policies:
        at_stake += f"; its {' and '.join(policies)}"
    images_go = (
        "force_delete is on, so its images are deleted with it"
        if change.before.get("force_delete")
        else "ECR refuses to delete a repository that holds images, so the apply would fail "
        "once its policies are gone"
    )
    base: Dict[str, Any] = dict(
        source=change.source, address=change.address, repository=name, at_stake=at_stake
    )
    if change.replaces:
        paths = sorted({str(path[0]) for path in change.replace_paths if path}) or ["a setting"]
        return Finding(
            REFUSE, "repository-replaced", **base,
            what=f"the repository is replaced (deleted, then created empty) because "
            f"{', '.join(paths)} cannot change in place; {images_go}",
            instead="keep that setting as it is (encryption and the KMS key are fixed when a "
            "repository is created); for a repository with the new setting, create one under "
            "another name, copy the images, then retire this one with RemovedRepository",
        )
    twins = [c for c in ctx.created.get(name, ()) if c.address != change.address]
    here = [c for c in twins if same_region(c.region, change.region)]
    # Release 0.1.0's addresses, like a token-named repository's, follow the construct path.
    legacy = bool(_RELEASE_0_1_0_ID.search(change.address))
    if here:
        new = here[0].address
        upgrade = (
            "if this stack was deployed with release 0.1.0, whose addresses followed the "
            "construct path, call cdktf_aws_ecr.upgrade_from_0_1_0(stack) (or (app)) and every "
            "resource moves from its old address (docs/upgrading.md); otherwise, "
            if legacy else ""
        )
        return Finding(
            REFUSE, "repository-address-changed", **base,
            what=f"the repository keeps its name, but its address changes to {new}: Terraform "
            f"deletes it and creates it again, empty; {images_go}",
            instead=upgrade + moved_block(change.address, new) + ", and the same for its "
            "lifecycle_policy and repository_policy; switching provider keeps the address when "
            "both providers pin the same region and allowed_account_ids",
        )
    if twins:
        return Finding(
            REFUSE, "repository-moves-region", **base,
            what=f"the repository is declared in {twins[0].region} instead: there it is "
            f"another, new repository, and this one in {change.region} is deleted; {images_go}",
            instead=f"keep this one: RemovedRepository(..., name={name!r}, provider=<its old "
            "provider>) stops managing it without deleting it; replicate or copy its images",
        )
    created = sorted({n for region, names in creates.items() if same_region(region, change.region)
                      for n in names})
    renamed = (
        f" (the plan creates {named(created, 3)}: if one of them is this repository renamed, "
        "ECR cannot rename a repository, and its images would not follow)"
        if created else ""
    )
    same_place = (
        "; in a stack upgraded from release 0.1.0, it also forgets this address when it has the "
        "scope and id the Repository had" if legacy else ""
    )
    gone = _WHY_GONE.get(change.action_reason, "its address left the configuration")
    return Finding(
        REFUSE, "repository-destroyed", **base,
        what=f"the repository is deleted: {gone}{renamed}; {images_go}",
        instead=f"to stop managing it and keep it in AWS with its images, replace its Repository "
        f"with RemovedRepository(<same scope>, <same id>, name={name!r}){same_place}; to "
        f"rename it, keep name={name!r}, or declare the new name as another Repository and "
        "retire this one with RemovedRepository",
    )


def _repository_findings(ctx: Context) -> Iterator[Finding]:
    for registry in ctx.live.values():  # the images at stake, read side by side
        registry.prefetch(
            name for name, changes in ctx.deleted.items()
            if any(ctx.live_for(change.region) is registry for change in changes)
        )
    creates: Dict[Optional[str], List[str]] = {}
    for name, changes in ctx.created.items():
        for change in changes:
            creates.setdefault(change.region, []).append(name)
    for change in ctx.of(REPOSITORY):
        if change.deletes:
            yield _repository_finding(ctx, change, creates)


def _policy_findings(ctx: Context) -> Iterator[Finding]:
    for name, changes in ctx.policies_deleted.items():
        for change in changes:
            if ctx.repository_deleted(change.region, name):
                continue  # part of the repository's own finding
            lifecycle = change.type == LIFECYCLE_POLICY
            what = (
                "the lifecycle policy is deleted while the repository stays: its images stop "
                "expiring"
                if lifecycle
                else "the repository policy is deleted while the repository stays: every "
                "grant in it is revoked"
            )
            twin = next(
                (
                    c for c in ctx.of(change.type)
                    if c.creates and c.address != change.address
                    and name_of(c, "repository") == name and same_region(c.region, change.region)
                ),
                None,
            )
            if twin is not None:
                what += (
                    f"; a policy for the same repository is created at {twin.address}, and the "
                    "create and the delete may run in either order: the delete can remove it"
                )
                instead = moved_block(change.address, twin.address)
            elif lifecycle:
                instead = "keep the lifecycle policy (enable_lifecycle_policy, lifecycle_rules)"
            else:
                instead = "keep the grants (grant_pull, grant_push, pull/push_principal_arns)"
            yield Finding(
                REFUSE, "policy-deleted", change.source, change.address, name, what,
                at_stake="" if lifecycle else _principals(change.before.get("policy")),
                instead=instead,
            )


# ------------------------------------------------------------------ registry settings


def _setting_findings(ctx: Context) -> Iterator[Finding]:
    for resource_type, (label, key, consequence) in REGISTRY_SETTINGS.items():
        for change in ctx.of(resource_type):
            identity = change.before.get(key) if key else None
            shown = f" {identity!r}" if identity else ""
            if change.deletes:
                twin = next(
                    (
                        c for c in ctx.of(resource_type)
                        if c.creates and c.address != change.address
                        and same_region(c.region, change.region)
                        and (key is None or c.known_after(key) == identity)
                    ),
                    None,
                )
                verb = "replaced (deleted, then written again)" if change.replaces else "deleted"
                what = f"the {label}{shown} is {verb}: {consequence}"
                instead = f"keep the {label} in the app"
                if twin is not None:
                    what += (
                        f"; it is written again at {twin.address}, and the delete may run "
                        "after that write and undo it"
                    )
                    instead = moved_block(change.address, twin.address)
                yield Finding(REFUSE, "registry-setting-deleted", change.source, change.address,
                              None, what, instead=instead)
            elif change.actions == ("update",) and _resets(change):
                yield Finding(
                    REFUSE, "registry-setting-reset", change.source, change.address, None,
                    f"the {label} is reset to nothing: {consequence}",
                    instead=f"keep what the {label} held",
                )


def _resets(change: Change) -> bool:
    """An update that empties a scanning or replication configuration."""
    if change.type == SCANNING and change.after_unknown.get("rule") is not True:
        before = ScanningConfiguration.from_terraform(change.before)
        after = ScanningConfiguration.from_terraform(change.after)
        return after == DEFAULT != before
    key = "replication_configuration"
    if change.type == REPLICATION and change.after_unknown.get(key) is not True:
        def rules(values: Mapping[str, Any]) -> int:
            return sum(len(c.get("rule") or ()) for c in values.get(key) or ())

        return rules(change.after) == 0 < rules(change.before)
    return False


# ------------------------------------------------------------------ grants


def _statements(policy: Any) -> List[Mapping[str, Any]]:
    try:
        document = json.loads(policy) if isinstance(policy, str) else policy
    except ValueError:
        return []
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    if isinstance(statements, Mapping):
        statements = [statements]
    return [s for s in statements or () if isinstance(s, Mapping)]


def _as_list(value: Any) -> List[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _principal_values(statement: Mapping[str, Any]) -> List[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    return _as_list(principal.get("AWS")) if isinstance(principal, Mapping) else []


def _principals(policy: Any) -> str:
    principals = sorted({p for s in _statements(policy) for p in _principal_values(s)})
    return f"access of {named(principals, 5)}" if principals else ""


def _granted(statement: Mapping[str, Any]) -> List[str]:
    """The destructive actions an ``Allow`` statement's ``Action`` or ``NotAction`` covers."""
    def covered(patterns: List[str], action: str) -> bool:
        return any(fnmatchcase(action.lower(), pattern.lower()) for pattern in patterns)

    if "NotAction" in statement:
        excluded = _as_list(statement["NotAction"])
        return [a for a in DESTRUCTIVE_ACTIONS if not covered(excluded, a)]
    actions = _as_list(statement.get("Action"))
    return [a for a in DESTRUCTIVE_ACTIONS if covered(actions, a)]


def _destructive_grants(policy: Any, account: Optional[str]) -> Set[Tuple[str, str]]:
    """``(account or "*", action)`` for each destructive action an ``Allow`` statement grants
    to a principal outside ``account``."""
    grants: Set[Tuple[str, str]] = set()
    for statement in _statements(policy):
        if statement.get("Effect") != "Allow":
            continue
        for principal in _principal_values(statement):
            match = _PRINCIPAL_ACCOUNT.match(principal)
            other = "*" if principal == "*" else match and (match.group(1) or match.group(2))
            if other and other != account:
                grants.update((other, action) for action in _granted(statement))
    return grants


def _grant_findings(ctx: Context) -> Iterator[Finding]:
    policies = ((REPOSITORY_POLICY, "policy"), (REGISTRY_POLICY, "policy"),
                (CREATION_TEMPLATE, "repository_policy"))
    for resource_type, key in policies:
        for change in ctx.of(resource_type):
            policy = change.known_after(key)
            if not change.stays or change.actions == ("no-op",) or not isinstance(policy, str):
                continue
            live = ctx.live_for(change.region)
            account = change.account or (live.account if live else None)
            new = _destructive_grants(policy, account) - _destructive_grants(
                change.before.get(key), account
            )
            if not new:
                continue
            anyone = "every principal its conditions allow"
            whom = sorted({anyone if a == "*" else a for a, _ in new})
            unknown = "" if account else " (the registry's own account is unknown to the plan)"
            yield Finding(
                WARN, "destructive-grant", change.source, change.address,
                name_of(change, "repository"),
                f"grants {', '.join(sorted({a for _, a in new}))} to {', '.join(whom)}{unknown}: "
                "another account could then delete images or the repository, or remove its "
                "guardrails",
                instead="grant other accounts pull (grant_pull) or push (grant_push) only",
            )


def _prevented_findings(plans: Sequence[Plan]) -> Iterator[Finding]:
    for plan in plans:
        if plan.prevented_destroy is None:
            continue
        message = " ".join(plan.prevented_destroy.split())
        found = re.findall(r"Resource (\S+) has lifecycle\.prevent_destroy set", message)
        for address in dict.fromkeys(found or [plan.source]):
            yield Finding(
                REFUSE, "prevent-destroy", plan.source, address, None,
                "terraform plan stopped: the change would destroy or replace a resource whose "
                "lifecycle.prevent_destroy is set",
                instead="keep the resource: a repository's name, encryption and KMS key are fixed "
                "when it is created; retire one with RemovedRepository (docs/plan-review.md)",
            )


def plan_findings(ctx: Context, plans: Sequence[Plan]) -> List[Finding]:
    """The refusals and warnings that the plans alone tell."""
    found: List[Finding] = []
    for rule in (_repository_findings, _policy_findings, _setting_findings, _grant_findings):
        found.extend(rule(ctx))
    return [*_prevented_findings(plans), *found]
