"""Generate the documentation's tables from the code: inputs (of ``Repository`` and of
the registry owner's settings), outputs and lifecycle rule fields in
``docs/reference.md``; the grants in ``docs/access.md``; the preview of prod's
lifecycle policy in ``docs/lifecycle.md``; the example app's scanning coverage in
``docs/environments.md``; the checkov findings in ``docs/development.md``.

    python -m devtools.docs          # rewrite the generated blocks
    python -m devtools.docs --check  # exit 1 if a generated block is out of date

Each block lives between ``<!-- BEGIN name -->`` / ``<!-- END name -->`` markers
in the file :data:`LOCATIONS` names. A test runs the check, and another compares
the specs with the constructs' signatures, so the docs cannot drift from the
code. The grant examples are run: each snippet is executed on a fresh
repository, and the statements shown next to it are the ones its stack
synthesizes.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Optional, Sequence, Tuple

from .terraform import REPO_ROOT

if TYPE_CHECKING:
    from cdktf_aws_ecr.inputs import InputSpec

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
REFERENCE = DOCS / "reference.md"
#: The image list and the time of the preview of prod's lifecycle policy (docs/lifecycle.md).
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


def _inputs_table(name: str) -> str:
    from .reference import input_table

    return _specs_table(input_table(name), quote_default=True)


def inputs_table() -> str:
    return _inputs_table("INPUTS")


def lifecycle_rule_table() -> str:
    """``LifecycleRule``'s fields, from their metadata (defaults are described, not literals)."""
    from cdktf_aws_ecr.lifecycle.rules import lifecycle_rule_fields

    return _specs_table(lifecycle_rule_fields(), quote_default=False)


def prod_lifecycle_preview() -> str:
    """The preview command's output for prod's synthesized policy on :data:`PREVIEW_IMAGES`."""
    from cdktf import Testing

    from cdktf_aws_ecr.lifecycle.preview import STACK_FILE, main
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


def registry_inputs_table() -> str:
    return _inputs_table("REGISTRY_INPUTS")


def replicate_inputs_table() -> str:
    return _inputs_table("REPLICATE_INPUTS")


def pull_through_cache_inputs_table() -> str:
    return _inputs_table("PULL_THROUGH_CACHE_INPUTS")


def creation_template_inputs_table() -> str:
    return _inputs_table("REPOSITORY_CREATION_TEMPLATE_INPUTS")


def outputs_table() -> str:
    from .reference import OUTPUTS

    rows = ["| Attribute | Description |", "|---|---|"]
    rows += [f"| `{spec.name}` | {spec.description} |" for spec in OUTPUTS]
    return "\n".join(rows)


def scanning_coverage() -> str:
    """The example app's shared registry (every environment in one account and region):
    each scanning filter and the repositories it covers."""
    from cdktf import Testing

    from cdktf_aws_ecr import Registry
    from cdktf_aws_ecr.registry.prefixes import wildcard_matches
    from stacks import DeploySettings, build_app

    stacks = build_app(
        Testing.app(),
        DeploySettings(region="us-east-1", account_id="123456789012", state_dir="/state"),
    )
    owner = Registry.of(stacks["prod"])
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


#: (title, code) of each grant form docs/access.md shows; ``repository`` (named
#: ``team/api``), its ``stack`` and the role ``ci_build`` of that stack exist.
GRANT_EXAMPLES = (
    (
        "An IAM principal ARN or an account ID, of this or another account "
        "(`grant_pull_push` is `grant_push`: the 7 actions include the 3 pull actions)",
        """\
repository.grant_pull("arn:aws:iam::210987654321:role/deployer")
repository.grant_push("111122223333")""",
    ),
    (
        "A role (or user) of the same stack: the statement references its ARN, and the role "
        "gets the registry-login identity policy",
        "repository.grant_push(ci_build)",
    ),
    (
        "A Lambda function that runs from the repository's images: Lambda pulls as the "
        "service, limited to the function (`source_accounts=` gives `aws:SourceAccount`)",
        """\
repository.grant_pull(ecr.ServicePrincipal(
    "lambda.amazonaws.com",
    source_arns=["arn:aws:lambda:us-east-1:111122223333:function:thumbnailer"],
))""",
    ),
    (
        "Every account of an AWS organization, or of some of its OUs: the only way `*` "
        "reaches a policy",
        """\
repository.grant_pull(ecr.OrganizationPrincipal("o-a1b2c3d4e5"))
repository.grant_push(ecr.OrganizationPrincipal(
    "o-a1b2c3d4e5", ou_paths=["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"],
))""",
    ),
    (
        "A statement of your own (`add_to_resource_policy`), after the generated ones",
        """\
repository.add_to_resource_policy(ecr.PolicyStatement(
    sid="DenyPlainHttp",
    effect="Deny",
    principals={"*": ["*"]},
    actions=["ecr:*"],
    conditions=[ecr.Condition("Bool", "aws:SecureTransport", ["false"])],
))""",
    ),
)


def _indented_json(value: object) -> str:
    return json.dumps(value, indent=2)


def grant_examples() -> str:
    """Each grant form, run, next to the statements (and identity policy) it synthesizes."""
    import cdktf_aws_ecr as ecr  # first: the lean start of the provider bindings
    from cdktf import TerraformStack, Testing
    from cdktf_cdktf_provider_aws.iam_role import IamRole
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    from .security_scan import render_policy_document

    blocks = []
    for title, code in GRANT_EXAMPLES:
        stack = TerraformStack(Testing.app(), "prod")
        AwsProvider(stack, "aws", region="us-east-1")
        names = {
            "ecr": ecr,
            "stack": stack,
            "ci_build": IamRole(stack, "ci_build", assume_role_policy="{}"),
            "repository": ecr.Repository(stack, "api", name="team/api"),
        }
        exec(code, names)  # noqa: S102 - the docs' own snippets, so they cannot drift
        synth = json.loads(Testing.synth(stack))
        (document,) = synth["data"]["aws_iam_policy_document"].values()
        rendered = render_policy_document(document)
        assert rendered is not None, title
        parts = [f"{title}:", "", "```python", code, "```", ""]
        parts += ["```json", _indented_json(rendered["Statement"]), "```"]
        for kind in ("aws_iam_role_policy", "aws_iam_user_policy"):
            for address, policy in synth["resource"].get(kind, {}).items():
                parts += [
                    "",
                    f"and `{kind}.{address}` (inline policy `{policy['name']}`):",
                    "",
                    "```json",
                    _indented_json(json.loads(policy["policy"])),
                    "```",
                ]
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks)


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
    "grants": grant_examples,
    "lifecycle-rule-fields": lifecycle_rule_table,
    "prod-lifecycle-preview": prod_lifecycle_preview,
    "accepted-findings": _accepted_findings,
    "default-findings": _default_findings,
}


#: The file that holds each generated block.
LOCATIONS: Dict[str, Path] = {
    "inputs": REFERENCE,
    "outputs": REFERENCE,
    "lifecycle-rule-fields": REFERENCE,
    "registry-inputs": REFERENCE,
    "replicate-inputs": REFERENCE,
    "pull-through-cache-inputs": REFERENCE,
    "creation-template-inputs": REFERENCE,
    "grants": DOCS / "access.md",
    "prod-lifecycle-preview": DOCS / "lifecycle.md",
    "scanning-coverage": DOCS / "environments.md",
    "accepted-findings": DOCS / "development.md",
    "default-findings": DOCS / "development.md",
}
assert set(LOCATIONS) == set(SECTIONS)


def sections_of(path: Path) -> Dict[str, Callable[[], str]]:
    """The generated blocks that ``path`` holds."""
    return {name: SECTIONS[name] for name, where in LOCATIONS.items() if where == path}


def generated_files() -> Tuple[Path, ...]:
    return tuple(dict.fromkeys(LOCATIONS.values()))


def render(text: str, sections: Optional[Dict[str, Callable[[], str]]] = None) -> str:
    """``text`` with every generated section replaced by its current content."""
    for name, produce in (sections or SECTIONS).items():
        pattern = re.compile(
            rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", flags=re.DOTALL
        )
        if not pattern.search(text):
            where = LOCATIONS[name].relative_to(REPO_ROOT) if name in LOCATIONS else "the text"
            raise ValueError(f"{where} has no <!-- BEGIN {name} --> ... <!-- END {name} --> block")
        text = pattern.sub(lambda m: m.group(1) + produce() + "\n" + m.group(2), text)
    return text


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.docs")
    parser.add_argument("--check", action="store_true", help="fail if a generated block is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path in generated_files():
        current = path.read_text(encoding="utf-8")
        wanted = render(current, sections_of(path))
        if current == wanted:
            continue
        stale.append(path.relative_to(REPO_ROOT))
        if not args.check:
            path.write_text(wanted, encoding="utf-8")
            print(f"{path.relative_to(REPO_ROOT)} updated")
    if args.check and stale:
        names = ", ".join(str(p) for p in stale)
        print(f"{names}: generated blocks out of date: run `python -m devtools.docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
