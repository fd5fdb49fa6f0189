"""Terraform plans as the review reads them: ``terraform show -json`` output, from a file or
made here in a stack directory, reduced to the changes of managed resources, each with the
region and account it touches where the plan tells them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

#: The plan file ``--stack-dir`` leaves in the stack directory: applying it applies what
#: was reviewed (``terraform apply review.tfplan``).
PLAN_FILE = "review.tfplan"
#: ``arn:<partition>:ecr:<region>:<account>:...``
_ARN = re.compile(r"^arn:[^:]+:[a-z0-9-]+:([a-z0-9-]*):(\d{12}):")
_INDEX = re.compile(r"\[[^\]]*\]")
#: What Terraform says when ``lifecycle.prevent_destroy`` stops a plan.
PREVENT_DESTROY_ERROR = "Instance cannot be destroyed"


class PlanError(Exception):
    """A plan could not be read or made; the message says which and why."""


class _PreventDestroy(PlanError):
    """``terraform plan`` itself refused: ``prevent_destroy`` stopped a destroy."""


@dataclass(frozen=True)
class Change:
    """One managed resource's planned change."""

    source: str
    address: str
    type: str
    actions: Tuple[str, ...]
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    after_unknown: Mapping[str, Any]
    action_reason: str
    replace_paths: Tuple[Any, ...]
    region: Optional[str]
    account: Optional[str]

    @property
    def deletes(self) -> bool:
        """Deleted, or replaced (deleted and created, in either order)."""
        return "delete" in self.actions

    @property
    def creates(self) -> bool:
        return "create" in self.actions

    @property
    def replaces(self) -> bool:
        return self.deletes and self.creates

    @property
    def stays(self) -> bool:
        """Still managed after the plan (neither deleted nor forgotten)."""
        return not (self.actions in (("delete",), ("forget",)))

    def value(self, key: str) -> Any:
        """``key`` after the change (None while unknown), else before it."""
        if self.after_unknown.get(key) is True:
            return None
        if self.after:
            return self.after.get(key)
        return self.before.get(key)

    def known_after(self, key: str) -> Any:
        """``key`` after the change; None while unknown or when the resource goes."""
        if not self.after or self.after_unknown.get(key) is True:
            return None
        return self.after.get(key)


@dataclass(frozen=True)
class Plan:
    """The reviewed part of one plan."""

    source: str
    changes: Tuple[Change, ...]
    #: Terraform's error when ``prevent_destroy`` stopped the plan (``--stack-dir``).
    prevented_destroy: Optional[str] = None


Facts = Tuple[Optional[str], Optional[str]]


def _provider_facts(configuration: Mapping[str, Any]) -> Dict[str, Facts]:
    """``{provider config key: (region, account)}`` as the configuration writes them literally."""
    facts: Dict[str, Facts] = {}
    for key, config in (configuration.get("provider_config") or {}).items():
        expressions = config.get("expressions") or {}
        region = (expressions.get("region") or {}).get("constant_value")
        accounts = (expressions.get("allowed_account_ids") or {}).get("constant_value")
        account = accounts[0] if isinstance(accounts, list) and len(accounts) == 1 else None
        facts[key] = (
            region if isinstance(region, str) else None,
            account if isinstance(account, str) else None,
        )
    return facts


def _resource_providers(module: Mapping[str, Any], prefix: str = "") -> Iterator[Tuple[str, str]]:
    """``(resource address without instance keys, provider config key)`` of a module and its
    children."""
    for resource in module.get("resources") or ():
        if "provider_config_key" in resource:
            yield prefix + resource["address"], resource["provider_config_key"]
    for name, call in (module.get("module_calls") or {}).items():
        yield from _resource_providers(call.get("module") or {}, f"{prefix}module.{name}.")


def _from_arn(*values: Mapping[str, Any]) -> Facts:
    for value in values:
        match = _ARN.match(value.get("arn") or "") if isinstance(value.get("arn"), str) else None
        if match:
            return match.group(1) or None, match.group(2)
    return None, None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_plan(document: Any, source: str, default_region: Optional[str] = None) -> Plan:
    """The managed resources' changes of ``terraform show -json PLANFILE`` output."""
    if not isinstance(document, Mapping) or "format_version" not in document:
        raise PlanError(f"{source}: not Terraform JSON output (no format_version)")
    if "resource_changes" not in document and "planned_values" not in document:
        raise PlanError(
            f"{source}: this is not a plan (no resource_changes); give `terraform show -json "
            "PLANFILE` output, not `terraform show -json` of the state"
        )
    configuration = document.get("configuration") or {}
    providers = _provider_facts(configuration)
    regions = {region for region, _ in providers.values() if region}
    # A resource no longer in the configuration has no provider to name its region; in a
    # plan whose providers all name the same one, it is that one.
    default_region = next(iter(regions)) if len(regions) == 1 else default_region
    resource_provider = dict(_resource_providers(configuration.get("root_module") or {}))
    changes: List[Change] = []
    for entry in document.get("resource_changes") or ():
        if not isinstance(entry, Mapping) or entry.get("mode") != "managed":
            continue
        change = entry.get("change") or {}
        before = _mapping(change.get("before"))
        after = _mapping(change.get("after"))
        unknown = change.get("after_unknown")
        address = str(entry.get("address", ""))
        region, account = _from_arn(before, after)
        configured = providers.get(resource_provider.get(_INDEX.sub("", address), ""), (None, None))
        registry_id = before.get("registry_id") or after.get("registry_id")
        changes.append(
            Change(
                source=source,
                address=address,
                type=str(entry.get("type", "")),
                actions=tuple(change.get("actions") or ()),
                before=before,
                after=after,
                after_unknown=_mapping(unknown),
                action_reason=str(entry.get("action_reason") or ""),
                replace_paths=tuple(change.get("replace_paths") or ()),
                region=region or configured[0] or default_region,
                account=account or (registry_id if isinstance(registry_id, str) else None)
                or configured[1],
            )
        )
    return Plan(source=source, changes=tuple(changes))


def _environment_region(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The region a provider without one uses: ``AWS_REGION``, else ``AWS_DEFAULT_REGION``."""
    env = os.environ if env is None else env
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


def read_plan(path: Path) -> Plan:
    """A plan from a file of ``terraform show -json PLANFILE`` output."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise PlanError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise PlanError(
            f"{path}: not JSON ({error}); give the output of `terraform show -json PLANFILE`"
        ) from None
    return parse_plan(document, str(path), _environment_region())


def _terraform(args: Sequence[str], directory: Path, env: Mapping[str, str]) -> str:
    binary = env.get("TERRAFORM") or shutil.which("terraform", path=env.get("PATH"))
    if not binary:
        raise PlanError("terraform is not on PATH (or set TERRAFORM to its path)")
    try:
        result = subprocess.run(
            [binary, *args], cwd=directory, env=dict(env), capture_output=True, text=True,
            stdin=subprocess.DEVNULL,
        )
    except OSError as error:
        raise PlanError(f"{directory}: cannot run {binary} ({error})") from None
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip()
        if PREVENT_DESTROY_ERROR in message:
            raise _PreventDestroy(message)
        raise PlanError(f"{directory}: terraform {args[0]} failed:\n{message}")
    return result.stdout


def plan_stack_dir(directory: Path, env: Optional[Mapping[str, str]] = None) -> Plan:
    """Plan the synthesized stack in ``directory`` (``terraform plan -out review.tfplan``,
    after ``terraform init`` if it has none) and read the plan back."""
    directory = Path(directory)
    environ = dict(os.environ if env is None else env)
    if not (directory / "cdk.tf.json").is_file() and not any(directory.glob("*.tf")):
        raise PlanError(
            f"{directory}: not a stack directory (no cdk.tf.json); give cdktf.out/stacks/<stack>"
        )
    if not (directory / ".terraform").is_dir():
        _terraform(["init", "-input=false", "-no-color"], directory, environ)
    # A plan only reads the state; applying a plan made stale by another apply fails safely.
    try:
        _terraform(
            ["plan", "-input=false", "-no-color", "-lock=false", f"-out={PLAN_FILE}"],
            directory, environ,
        )
    except _PreventDestroy as refused:
        return Plan(source=str(directory), changes=(), prevented_destroy=str(refused))
    shown = _terraform(["show", "-json", "-no-color", PLAN_FILE], directory, environ)
    try:
        document = json.loads(shown)
    except ValueError as error:
        raise PlanError(f"{directory}: terraform show -json printed no JSON ({error})") from None
    return parse_plan(document, str(directory), _environment_region(environ))


def plan_stack_dirs(
    directories: Sequence[Path], env: Optional[Mapping[str, str]] = None
) -> List[Plan]:
    """:func:`plan_stack_dir` of each directory, side by side (each has its own state)."""
    if len(directories) <= 1:
        return [plan_stack_dir(directory, env) for directory in directories]
    with ThreadPoolExecutor(max_workers=min(len(directories), os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda directory: plan_stack_dir(directory, env), directories))
