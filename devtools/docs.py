"""Generate README's tables from the code: inputs, outputs, lifecycle rule fields,
accepted checkov findings, and the preview of prod's lifecycle policy.

    python -m devtools.docs          # rewrite the tables in README.md
    python -m devtools.docs --check  # exit 1 if README.md is out of date

The tables live between ``<!-- BEGIN name -->`` / ``<!-- END name -->`` markers.
A test runs the check, and another compares the specs with ``Repository``'s
signature, so the README cannot drift from the code.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Optional, Sequence, Tuple

from .terraform import REPO_ROOT

if TYPE_CHECKING:
    from cdktf_aws_ecr.inputs import InputSpec

README = REPO_ROOT / "README.md"
#: The image list and the time of README's preview of prod's lifecycle policy.
PREVIEW_IMAGES = "docs/prod-images.json"
PREVIEW_NOW = "2026-12-01T00:00:00Z"
PREVIEW_REPOSITORY = "prod/accounts-service"


def _specs_table(specs: "Tuple[InputSpec, ...]", quote_default: bool) -> str:
    rows = [
        "| Name | Type | Default | Allowed values | Description |",
        "|---|---|---|---|---|",
    ]
    rows += [
        "| " + " | ".join(
            cell.replace("|", "\\|")
            for cell in (
                f"`{spec.name}`",
                f"`{spec.type}`",
                f"`{spec.default}`" if quote_default else spec.default,
                spec.allowed,
                spec.description,
            )
        ) + " |"
        for spec in specs
    ]
    return "\n".join(rows)


def inputs_table() -> str:
    from cdktf_aws_ecr import INPUTS

    return _specs_table(INPUTS, quote_default=True)


def lifecycle_rule_table() -> str:
    """``LifecycleRule``'s fields, from their metadata (defaults are described, not literals)."""
    from cdktf_aws_ecr.lifecycle import lifecycle_rule_fields

    return _specs_table(lifecycle_rule_fields(), quote_default=False)


def prod_lifecycle_preview() -> str:
    """The preview command's output for prod's synthesized policy on :data:`PREVIEW_IMAGES`."""
    from cdktf import Testing

    from cdktf_aws_ecr.preview import STACK_FILE, main
    from stacks import ENVIRONMENTS, DeploySettings, build_app

    prod = tuple(environment for environment in ENVIRONMENTS if environment.name == "prod")
    with tempfile.TemporaryDirectory() as directory:
        stacks = build_app(Testing.app(), DeploySettings(state_dir=directory), prod)
        stack_dir = Path(directory) / "stacks" / "prod"
        stack_dir.mkdir(parents=True)
        (stack_dir / STACK_FILE).write_text(Testing.synth(stacks["prod"]), encoding="utf-8")
        images = str(REPO_ROOT / PREVIEW_IMAGES)
        out, err = io.StringIO(), io.StringIO()
        code = main(
            [str(stack_dir), PREVIEW_REPOSITORY, "--images", images, "--now", PREVIEW_NOW],
            out=out,
            err=err,
        )
    if code != 0:
        raise RuntimeError(f"the preview of prod's policy failed ({code}): {err.getvalue()}")
    command = (
        f"python -m cdktf_aws_ecr.preview cdktf.out/stacks/prod {PREVIEW_REPOSITORY} "
        f"--images {PREVIEW_IMAGES} --now {PREVIEW_NOW}"
    )
    return f"```console\n$ {command}\n{out.getvalue()}```"


def outputs_table() -> str:
    from cdktf_aws_ecr import OUTPUTS

    rows = ["| Attribute | Description |", "|---|---|"]
    rows += [f"| `{spec.name}` | {spec.description} |" for spec in OUTPUTS]
    return "\n".join(rows)


def _accepted_findings() -> str:
    from . import security_scan

    return security_scan.accepted_findings_markdown()


def _default_findings() -> str:
    from . import security_scan

    return security_scan.default_findings_markdown()


SECTIONS: Dict[str, Callable[[], str]] = {
    "inputs": inputs_table,
    "outputs": outputs_table,
    "lifecycle-rule-fields": lifecycle_rule_table,
    "prod-lifecycle-preview": prod_lifecycle_preview,
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
