"""Generate README's tables from the code: inputs (of ``Repository`` and of the registry
owner's settings), outputs, accepted checkov findings.

    python -m devtools.docs          # rewrite the tables in README.md
    python -m devtools.docs --check  # exit 1 if README.md is out of date

The tables live between ``<!-- BEGIN name -->`` / ``<!-- END name -->`` markers.
A test runs the check, and another compares the specs with ``Repository``'s
signature, so the README cannot drift from the code.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Optional, Sequence

from .terraform import REPO_ROOT

if TYPE_CHECKING:
    from cdktf_aws_ecr.inputs import InputSpec

README = REPO_ROOT / "README.md"


def _table(specs: Sequence["InputSpec"]) -> str:
    rows = [
        "| Name | Type | Default | Allowed values | Description |",
        "|---|---|---|---|---|",
    ]
    rows += [
        "| " + " | ".join(
            cell.replace("|", "\\|")
            for cell in (f"`{spec.name}`", f"`{spec.type}`", f"`{spec.default}`", spec.allowed, spec.description)
        ) + " |"
        for spec in specs
    ]
    return "\n".join(rows)


def inputs_table() -> str:
    from cdktf_aws_ecr import INPUTS

    return _table(INPUTS)


def registry_inputs_table() -> str:
    from cdktf_aws_ecr.registry import REGISTRY_INPUTS

    return _table(REGISTRY_INPUTS)


def replicate_inputs_table() -> str:
    from cdktf_aws_ecr.registry import REPLICATE_INPUTS

    return _table(REPLICATE_INPUTS)


def pull_through_cache_inputs_table() -> str:
    from cdktf_aws_ecr.registry_constructs import PULL_THROUGH_CACHE_INPUTS

    return _table(PULL_THROUGH_CACHE_INPUTS)


def creation_template_inputs_table() -> str:
    from cdktf_aws_ecr.registry_constructs import REPOSITORY_CREATION_TEMPLATE_INPUTS

    return _table(REPOSITORY_CREATION_TEMPLATE_INPUTS)


def outputs_table() -> str:
    from cdktf_aws_ecr import OUTPUTS

    rows = ["| Attribute | Description |", "|---|---|"]
    rows += [f"| `{spec.name}` | {spec.description} |" for spec in OUTPUTS]
    return "\n".join(rows)


def scanning_coverage() -> str:
    """The example app's shared registry (every environment in one account and region):
    each scanning filter and the repositories it covers."""
    from cdktf import Testing

    from cdktf_aws_ecr import RegistryScanning
    from cdktf_aws_ecr.scan_filters import wildcard_matches
    from stacks import DeploySettings, build_app

    stacks = build_app(
        Testing.app(),
        DeploySettings(region="us-east-1", account_id="123456789012", state_dir="/state"),
    )
    owner = RegistryScanning.of(stacks["prod"])
    plan = owner.plan()
    namespace = {f for f, _ in owner.namespace_rules}
    rows = [
        "| Rule | Filter | Repositories of the app it covers |",
        "|---|---|---|",
    ]
    for frequency, filters in plan.rules.items():
        for filter in filters:
            covered = sorted(n for n in plan.coverage if wildcard_matches(filter, n))
            kind = "namespace rule" if filter in namespace else "filter"
            rows.append(
                f"| `{frequency.value}` | `{filter}` ({kind}) | "
                + ", ".join(f"`{n}`" for n in covered) + " |"
            )
    over = ", ".join(o.describe() for o in plan.over_covered) or "none"
    return "\n".join(rows) + f"\n\nOver-covered repositories: {over}."


def _accepted_findings() -> str:
    from . import security_scan

    return security_scan.accepted_findings_markdown()


def _default_findings() -> str:
    from . import security_scan

    return security_scan.default_findings_markdown()


SECTIONS: Dict[str, Callable[[], str]] = {
    "inputs": inputs_table,
    "outputs": outputs_table,
    "registry-inputs": registry_inputs_table,
    "replicate-inputs": replicate_inputs_table,
    "pull-through-cache-inputs": pull_through_cache_inputs_table,
    "creation-template-inputs": creation_template_inputs_table,
    "scanning-coverage": scanning_coverage,
    "accepted-findings": _accepted_findings,
    "default-findings": _default_findings,
}


def render(text: str, sections: Optional[Dict[str, Callable[[], str]]] = None) -> str:
    """``text`` with every generated section replaced by its current content."""
    for name, produce in (sections or SECTIONS).items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", flags=re.DOTALL
        )
        if not pattern.search(text):
            raise ValueError(f"README.md has no <!-- BEGIN {name} --> ... <!-- END {name} --> block")
        text = pattern.sub(lambda m: m.group(1) + produce() + "\n" + m.group(2), text)
    return text


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.docs")
    parser.add_argument("--check", action="store_true", help="fail if README.md is out of date")
    args = parser.parse_args(argv)
    current = README.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if current != wanted:
            print("README.md tables are out of date: run `python -m devtools.docs`", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        README.write_text(wanted, encoding="utf-8")
        print("README.md updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
