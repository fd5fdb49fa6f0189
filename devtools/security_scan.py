"""Security scan of every synthesized stack with checkov, an independent scanner.

``python -m devtools.security_scan`` (``make checkov``) synthesizes the example
app in-process, runs checkov once over all of its stacks and prints a summary
per stack. It exits non-zero when

* the ``prod`` stack (or any stack without accepted findings) fails a check,
* a dev/stage check fails that is not in :data:`ACCEPTED_FINDINGS`, or an
  accepted finding no longer occurs (so the table in docs/development.md cannot go stale),
* a check that must judge an ECR resource (:data:`REQUIRED_CHECKS`) did not
  judge it (a blind spot is not a pass),
* checkov could not parse a stack.

checkov lives in its own virtualenv (``.venv-checkov``, pinned in the
Makefile) because its pins clash with ours; this module only runs its CLI.

How the stacks are fed to checkov
---------------------------------
checkov 3.3.30 reads cdktf output (Terraform JSON) with ``--framework
terraform_json``. Two of its limits need a prepared copy of each stack, in a
scratch directory (``<dir>/<stack>/cdk.tf.json``), never the real output:

* its Terraform JSON parser aborts on the whole file ("this method receives
  only dicts") at any plain value in the ``terraform`` block, such as
  ``required_version``, and at the top-level ``moved`` and ``removed`` lists
  (state bookkeeping). The copy leaves those out; no checkov check reads them.
* it knows a block by its name alone (``resource.<name>``), while this library
  gives a repository's repository, lifecycle policy, repository policy and
  policy document one name. The copy renames every block to
  ``<type>__<name>`` (references included), and results are mapped back.
* ``CKV_AWS_32`` (ECR repository policy not public) can only judge a policy
  it can read as a document. A policy written as a reference to an
  ``aws_iam_policy_document`` data source (as this library and the seed
  module do) stays unjudged in every framework. So each repository policy is
  also rendered to the JSON document the data source produces (same
  statements; references such as a role ARN stay literal ``${...}`` text) and
  written as HCL (``<stack>/repository_policies.tf``), which checkov's
  ``terraform`` framework judges in the same run. ``CKV_AWS_283`` judges the
  data source itself, unprocessed.

checkov has no check that an ECR repository has a lifecycle policy, so this
module adds one graph check (:data:`LIFECYCLE_CHECK`), loaded with
``--external-checks-dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKOV_ENV = "CHECKOV"
DEFAULT_CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
FRAMEWORKS = ("terraform_json", "terraform")
STACK_FILE = "cdk.tf.json"
POLICY_SHIM_FILE = "repository_policies.tf"

LIFECYCLE_CHECK_ID = "CKV2_ECRG_1"
#: checkov 3.3.30 has no lifecycle-policy check for ECR; this graph check
#: passes a repository that an ``aws_ecr_lifecycle_policy`` refers to.
LIFECYCLE_CHECK: Dict[str, Any] = {
    "metadata": {
        "id": LIFECYCLE_CHECK_ID,
        "name": "Ensure ECR repositories have a lifecycle policy (custom check)",
        "category": "GENERAL_SECURITY",
    },
    "definition": {
        "and": [
            {
                "cond_type": "filter",
                "attribute": "resource_type",
                "operator": "within",
                "value": ["aws_ecr_repository"],
            },
            {
                "cond_type": "connection",
                "resource_types": ["aws_ecr_repository"],
                "connected_resource_types": ["aws_ecr_lifecycle_policy"],
                "operator": "exists",
            },
        ]
    },
}

#: Checks that must pass or fail (not be skipped or unjudged) on every
#: resource of these types, keyed by address prefix. These are the ECR
#: guarantees: immutable tags, KMS, scan on push, a lifecycle policy, and no
#: public repository policy (the document and the policy resource).
REQUIRED_CHECKS: Dict[str, Tuple[str, ...]] = {
    "aws_ecr_repository": ("CKV_AWS_51", "CKV_AWS_136", "CKV_AWS_163", LIFECYCLE_CHECK_ID),
    "aws_ecr_repository_policy": ("CKV_AWS_32",),
    "data.aws_iam_policy_document": ("CKV_AWS_283",),
}


@dataclass(frozen=True)
class AcceptedFinding:
    """A failing check that a stack keeps on purpose, with the reason."""

    stack: str
    check_id: str
    check_name: str
    resource_type: str
    reason: str


#: The ONE list of accepted findings. The table in docs/development.md is rendered from
#: it (:func:`accepted_findings_markdown`) and a test checks that file.
#: ``prod`` must never appear here.
ACCEPTED_FINDINGS: Tuple[AcceptedFinding, ...] = (
    AcceptedFinding(
        stack="dev",
        check_id="CKV_AWS_51",
        check_name="Ensure ECR Image Tags are immutable",
        resource_type="aws_ecr_repository",
        reason=(
            "dev re-pushes moving tags (`latest`, branch names) on every build, so its tags "
            "are `MUTABLE` on purpose. stage and prod are `IMMUTABLE`: a tag there always "
            "names the image that was tested."
        ),
    ),
)

#: What a stack holding nothing but ``Repository(scope, id, name=...)`` fails,
#: and why: the seed module's defaults. Everything else passes.
DEFAULT_FINDINGS: Tuple[AcceptedFinding, ...] = (
    AcceptedFinding(
        stack="defaults",
        check_id="CKV_AWS_136",
        check_name="Ensure that ECR repositories are encrypted using KMS",
        resource_type="aws_ecr_repository",
        reason=(
            "The seed's default `encryption_type` is `AES256` (S3-managed keys). Pass "
            '`encryption_type="KMS"` (AWS-managed `aws/ecr` key) or `kms_key_arn=` '
            "(customer-managed key, as prod does) to pass it. Encryption is fixed at creation: "
            "for a repository that already exists, the change replaces it, which the default "
            "`prevent_destroy` refuses at plan; set it when the repository is created."
        ),
    ),
)


@dataclass(frozen=True)
class CheckRecord:
    """One check's verdict on one resource of one stack."""

    stack: str
    check_id: str
    check_name: str
    address: str  # e.g. aws_ecr_repository.api_repository_1A2B3C4D, data.aws_iam_policy_document.x
    result: str  # PASSED / FAILED / SKIPPED
    framework: str

    @property
    def resource_type(self) -> str:
        parts = self.address.split(".")
        return ".".join(parts[:2]) if parts[0] == "data" else parts[0]


@dataclass
class StackScan:
    name: str
    records: List[CheckRecord] = field(default_factory=list)
    parsing_errors: List[str] = field(default_factory=list)
    #: Resource addresses of each type in REQUIRED_CHECKS.
    required_addresses: Dict[str, List[str]] = field(default_factory=dict)

    def by_result(self, result: str) -> List[CheckRecord]:
        return [r for r in self.records if r.result == result]

    @property
    def passed(self) -> List[CheckRecord]:
        return self.by_result("PASSED")

    @property
    def failed(self) -> List[CheckRecord]:
        return self.by_result("FAILED")

    def verdicts(self, address: str) -> Dict[str, str]:
        return {r.check_id: r.result for r in self.records if r.address == address}


@dataclass
class ScanReport:
    stacks: Dict[str, StackScan]
    checkov_version: str
    seconds: float
    #: Values left out of the checkov copy, per stack (see module docstring).
    omitted: Dict[str, List[str]] = field(default_factory=dict)


class ScanError(RuntimeError):
    """checkov could not be run, or its output could not be read."""


# --------------------------------------------------------------------------------------
# Preparing the checkov copy of a stack


def _hcl_literal(text: str) -> str:
    """``text`` as an HCL quoted string with no interpolation."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "$${")
        .replace("%{", "%%{")
    )
    return f'"{escaped}"'


_DATA_DOC_REF = re.compile(r"\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}")
_STATEMENT_KEYS = {
    "sid": "Sid",
    "effect": "Effect",
    "actions": "Action",
    "not_actions": "NotAction",
    "resources": "Resource",
    "not_resources": "NotResource",
    "principals": "Principal",
    "not_principals": "NotPrincipal",
    "condition": "Condition",
}
_DOCUMENT_KEYS = {"//", "statement", "version", "policy_id", "depends_on", "provider", "lifecycle"}


def _one_or_list(values: Sequence[Any]) -> Any:
    return values[0] if len(values) == 1 else list(values)


def render_policy_document(document: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The IAM JSON that an ``aws_iam_policy_document`` data source produces, or
    None when its arguments are not plain enough to render without Terraform
    (source/override documents, dynamic values)."""
    try:
        return _render_policy_document(document)
    except (KeyError, TypeError, AttributeError):
        return None


def _render_policy_document(document: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    if set(document) - _DOCUMENT_KEYS:
        return None
    statements = document.get("statement", [])
    if not isinstance(statements, list):
        return None
    rendered: List[Dict[str, Any]] = []
    for statement in statements:
        if not isinstance(statement, dict) or set(statement) - set(_STATEMENT_KEYS):
            return None
        out: Dict[str, Any] = {}
        if "sid" in statement:
            out["Sid"] = statement["sid"]
        out["Effect"] = statement.get("effect", "Allow")
        for key in ("actions", "not_actions", "resources", "not_resources"):
            if key in statement:
                if not isinstance(statement[key], list):
                    return None
                out[_STATEMENT_KEYS[key]] = _one_or_list(statement[key])
        for key in ("principals", "not_principals"):
            if key not in statement:
                continue
            principal: Dict[str, List[str]] = {}
            for block in statement[key]:
                identifiers = block.get("identifiers")
                if not isinstance(identifiers, list):
                    return None
                principal.setdefault(block["type"], []).extend(identifiers)
            if list(principal) == ["*"]:
                out[_STATEMENT_KEYS[key]] = "*"
            else:
                out[_STATEMENT_KEYS[key]] = {t: _one_or_list(ids) for t, ids in principal.items()}
        if "condition" in statement:
            conditions: Dict[str, Dict[str, Any]] = {}
            for block in statement["condition"]:
                conditions.setdefault(block["test"], {})[block["variable"]] = _one_or_list(
                    block["values"]
                )
            out["Condition"] = conditions
        rendered.append(out)
    result: Dict[str, Any] = {"Version": document.get("version", "2012-10-17")}
    if "policy_id" in document:
        result["Id"] = document["policy_id"]
    result["Statement"] = rendered
    return result


def _repository_policy_text(policy: Any, documents: Mapping[str, Any]) -> Optional[str]:
    """The policy JSON text of an ``aws_ecr_repository_policy``, if knowable at synth."""
    if not isinstance(policy, str):
        return None
    match = _DATA_DOC_REF.fullmatch(policy)
    if match:
        document = documents.get(match.group(1))
        rendered = render_policy_document(document) if isinstance(document, dict) else None
        return None if rendered is None else json.dumps(rendered, sort_keys=True)
    try:
        json.loads(policy)
    except ValueError:
        return None  # an expression only Terraform can evaluate
    return policy


def repository_policy_shim(synth: Mapping[str, Any]) -> str:
    """HCL declaring each repository policy with its document inline (for CKV_AWS_32)."""
    documents = synth.get("data", {}).get("aws_iam_policy_document", {})
    blocks = []
    for name, resource in sorted(synth.get("resource", {}).get("aws_ecr_repository_policy", {}).items()):
        text = _repository_policy_text(resource.get("policy"), documents)
        if text is None:
            continue  # left unjudged, which REQUIRED_CHECKS reports
        blocks.append(
            f'resource "aws_ecr_repository_policy" "{name}" {{\n'
            f"  repository = {_hcl_literal(str(resource.get('repository', '')))}\n"
            f"  policy     = {_hcl_literal(text)}\n"
            "}\n"
        )
    return "\n".join(blocks)


#: Top-level blocks that only tell Terraform how state moves.
STATE_BOOKKEEPING = ("moved", "removed")


#: Joins a block's type and name into the one name checkov sees (types hold no "__").
_TYPED_NAME = "__"


def _typed_names(document: Dict[str, Any]) -> Dict[str, Any]:
    """``document`` with every resource and data block named ``<type>__<name>``."""
    text = json.dumps(document)
    for section, prefix in (("resource", ""), ("data", "data.")):
        for kind, blocks in document.get(section, {}).items():
            for name in blocks:
                reference = re.compile(rf"(?<![\w.-]){re.escape(prefix + kind)}\.{re.escape(name)}(?![\w-])")
                text = reference.sub(f"{prefix}{kind}.{kind}{_TYPED_NAME}{name}", text)
    renamed: Dict[str, Any] = json.loads(text)
    for section in ("resource", "data"):
        for kind, blocks in renamed.get(section, {}).items():
            renamed[section][kind] = {f"{kind}{_TYPED_NAME}{name}": body for name, body in blocks.items()}
    return renamed


def checkov_copy(synth: Mapping[str, Any]) -> Tuple[Dict[str, Any], List[str]]:
    """The stack as checkov 3.3.30's Terraform JSON parser can read it, and what was omitted."""
    copy = _typed_names(json.loads(json.dumps(synth)))
    omitted = [block for block in STATE_BOOKKEEPING if copy.pop(block, None) is not None]
    terraform = copy.get("terraform")
    if isinstance(terraform, dict):
        for key in list(terraform):
            if not isinstance(terraform[key], dict):
                omitted.append(f"terraform.{key}")
                del terraform[key]
    return copy, omitted


def _required_addresses(synth: Mapping[str, Any]) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for kind in REQUIRED_CHECKS:
        if kind.startswith("data."):
            names = synth.get("data", {}).get(kind[len("data."):], {})
        else:
            names = synth.get("resource", {}).get(kind, {})
        found[kind] = sorted(f"{kind}.{name}" for name in names)
    return found


# --------------------------------------------------------------------------------------
# Running checkov


def checkov_binary() -> Path:
    path = Path(os.environ.get(CHECKOV_ENV) or DEFAULT_CHECKOV)
    if not path.exists():
        raise ScanError(
            f"checkov is not installed at {path}; run `make .venv-checkov/.installed` "
            f"(or set ${CHECKOV_ENV} to a checkov executable)"
        )
    return path


def _json_documents(text: str) -> List[Any]:
    """checkov prints one JSON document per run; accept several, back to back."""
    decoder = json.JSONDecoder()
    documents, index = [], 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return documents
        document, index = decoder.raw_decode(text, index)
        documents.append(document)


def _address(record: Mapping[str, Any], synth: Mapping[str, Any]) -> str:
    """checkov's resource id as a Terraform address.

    The terraform_json framework names resources ``resource.<name>`` and data
    sources ``data.<name>``, without the type; graph checks name them
    ``<type>.<name>`` (data sources too). In the copy, ``<name>`` is
    ``<type>__<name>`` (see :func:`checkov_copy`); the HCL policy shim keeps
    the plain names.
    """
    resource = record["resource"]
    head, _, rest = resource.partition(".")
    resources = synth.get("resource", {})
    data = synth.get("data", {})
    kind, typed, name = rest.rpartition(".")[2].partition(_TYPED_NAME)
    if typed and head in ("resource", *resources) and name in resources.get(kind, {}):
        return f"{kind}.{name}"
    if typed and head in ("data", *data) and name in data.get(kind, {}):
        return f"data.{kind}.{name}"
    if head in resources and rest in resources[head]:
        return resource
    elif head in data and rest in data[head]:
        return f"data.{resource}"
    return resource


def _stack_of(path: str, scan_dir: Path) -> str:
    """The stack a scanned file belongs to: its first directory under ``scan_dir``."""
    return Path(os.path.relpath(os.path.abspath(path), scan_dir)).parts[0]


def run_checkov(scan_dir: Path, checks_dir: Path) -> List[Dict[str, Any]]:
    command = [
        str(checkov_binary()),
        "--directory", str(scan_dir),
        "--framework", *FRAMEWORKS,
        "--external-checks-dir", str(checks_dir),
        "--output", "json",
        "--skip-download",  # offline: no guideline or policy download from Prisma Cloud
        "--soft-fail",  # findings are judged here, from the JSON
    ]
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE")  # no Prisma Cloud ID mapping download
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise ScanError(f"checkov exited {result.returncode}:\n{result.stderr[-4000:]}")
    try:
        documents = _json_documents(result.stdout)
    except ValueError as error:
        raise ScanError(f"checkov output is not JSON ({error}):\n{result.stdout[:2000]}")
    reports: List[Dict[str, Any]] = []
    for document in documents:
        reports.extend(document if isinstance(document, list) else [document])
    return reports


def scan(
    stacks: Mapping[str, Mapping[str, Any]], work_dir: Optional[Path] = None
) -> ScanReport:
    """Scan the synthesized stacks (name -> Terraform JSON) in one checkov run."""
    owned_dir = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="security-scan-")) if owned_dir else Path(work_dir)
    try:
        scan_dir, checks_dir = root / "stacks", root / "checks"
        for directory in (scan_dir, checks_dir):
            if directory.exists():
                shutil.rmtree(directory)
            directory.mkdir(parents=True)
        (checks_dir / "ecr_lifecycle_policy.json").write_text(json.dumps(LIFECYCLE_CHECK))
        omitted: Dict[str, List[str]] = {}
        for name, synth in stacks.items():
            stack_dir = scan_dir / name
            stack_dir.mkdir()
            copy, omitted[name] = checkov_copy(synth)
            (stack_dir / STACK_FILE).write_text(json.dumps(copy, indent=2))
            shim = repository_policy_shim(synth)
            if shim:
                (stack_dir / POLICY_SHIM_FILE).write_text(shim)

        started = time.monotonic()
        reports = run_checkov(scan_dir, checks_dir)
        seconds = time.monotonic() - started
    finally:
        if owned_dir:
            shutil.rmtree(root, ignore_errors=True)

    results = {
        name: StackScan(name, required_addresses=_required_addresses(synth))
        for name, synth in stacks.items()
    }
    version = "unknown"
    for report in reports:
        framework = report.get("check_type", "?")
        version = report.get("summary", {}).get("checkov_version", version)
        outcome = report.get("results", {})
        for path in outcome.get("parsing_errors", []):
            stack = _stack_of(path, scan_dir)
            results.setdefault(stack, StackScan(stack)).parsing_errors.append(path)
        for key, verdict in (("passed_checks", "PASSED"), ("failed_checks", "FAILED"), ("skipped_checks", "SKIPPED")):
            for record in outcome.get(key, []):
                stack = _stack_of(record["file_abs_path"], scan_dir)
                results[stack].records.append(
                    CheckRecord(
                        stack=stack,
                        check_id=record["check_id"],
                        check_name=record["check_name"],
                        address=_address(record, stacks[stack]),
                        result=verdict,
                        framework=framework,
                    )
                )
    return ScanReport(stacks=results, checkov_version=version, seconds=seconds, omitted=omitted)


# --------------------------------------------------------------------------------------
# Judging the results


def accepted_for(stack: str, accepted: Iterable[AcceptedFinding] = ACCEPTED_FINDINGS) -> List[AcceptedFinding]:
    return [a for a in accepted if a.stack == stack]


def is_accepted(record: CheckRecord, accepted: Iterable[AcceptedFinding] = ACCEPTED_FINDINGS) -> bool:
    return any(
        a.stack == record.stack and a.check_id == record.check_id and a.resource_type == record.resource_type
        for a in accepted
    )


def violations(
    report: ScanReport, accepted: Sequence[AcceptedFinding] = ACCEPTED_FINDINGS
) -> List[str]:
    """Everything that makes the scan fail, as readable lines (empty = pass)."""
    problems: List[str] = []
    for entry in accepted:
        if entry.stack == "prod":
            problems.append(f"prod may not have accepted findings, but {entry.check_id} is listed")
    for name, stack in sorted(report.stacks.items()):
        for path in stack.parsing_errors:
            problems.append(f"{name}: checkov could not parse {path}")
        for record in stack.failed:
            if not is_accepted(record, accepted):
                problems.append(
                    f"{name}: {record.check_id} failed on {record.address} "
                    f"({record.check_name}) and is not an accepted finding"
                )
        for entry in accepted_for(name, accepted):
            if not any(
                r.check_id == entry.check_id and r.resource_type == entry.resource_type
                for r in stack.failed
            ):
                problems.append(
                    f"{name}: accepted finding {entry.check_id} on {entry.resource_type} no longer "
                    "occurs; remove it from ACCEPTED_FINDINGS and run `python -m devtools.docs`"
                )
        for kind, check_ids in REQUIRED_CHECKS.items():
            for address in stack.required_addresses.get(kind, []):
                verdicts = stack.verdicts(address)
                for check_id in check_ids:
                    if verdicts.get(check_id) not in ("PASSED", "FAILED"):
                        problems.append(
                            f"{name}: {check_id} did not judge {address} "
                            f"(result: {verdicts.get(check_id, 'none')})"
                        )
    return problems


# --------------------------------------------------------------------------------------
# Tables of docs/development.md


def _markdown_table(rows: Iterable[AcceptedFinding], with_stack: bool, last_column: str) -> str:
    head = ["Stack"] if with_stack else []
    lines = [
        "| " + " | ".join(head + ["Check", "Resource", last_column]) + " |",
        "|" + "---|" * (len(head) + 3),
    ]
    for row in rows:
        cells = ([row.stack] if with_stack else []) + [
            f"`{row.check_id}` {row.check_name}",
            f"`{row.resource_type}`",
            row.reason,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def accepted_findings_markdown() -> str:
    """The table of accepted dev/stage findings (docs/development.md), from ACCEPTED_FINDINGS."""
    return _markdown_table(ACCEPTED_FINDINGS, True, "Why it is accepted")


def default_findings_markdown() -> str:
    """The table of what ``Repository(scope, id, name=...)`` alone fails, and why
    (docs/development.md)."""
    return _markdown_table(DEFAULT_FINDINGS, False, "Why, and how to pass it")


# --------------------------------------------------------------------------------------
# The command


def synthesize_app(outdir: Path, settings: Any = None) -> Dict[str, Dict[str, Any]]:
    """Synthesize the example app (``main.py``'s) into ``outdir``; return each stack's JSON."""
    import cdktf_aws_ecr  # noqa: F401  (first: lean start of the provider bindings)
    from cdktf import App

    from stacks import DeploySettings, build_app

    app = App(outdir=str(outdir))
    build_app(app, settings or DeploySettings.from_environ())
    app.synth()
    return read_synth_dir(outdir)


def read_synth_dir(outdir: Path) -> Dict[str, Dict[str, Any]]:
    """Each ``<outdir>/stacks/<name>/cdk.tf.json`` (cdktf's layout), by stack name."""
    files = sorted(Path(outdir).glob(f"stacks/*/{STACK_FILE}"))
    if not files:
        raise ScanError(f"no stacks under {outdir}/stacks/*/{STACK_FILE}")
    return {path.parent.name: json.loads(path.read_text()) for path in files}


def summary_lines(report: ScanReport, accepted: Sequence[AcceptedFinding] = ACCEPTED_FINDINGS) -> List[str]:
    lines = [
        f"checkov {report.checkov_version} ({' + '.join(FRAMEWORKS)}), "
        f"{len(report.stacks)} stacks, {report.seconds:.1f} s",
        f"{'stack':<10}{'passed':>8}{'failed':>8}{'accepted':>10}{'new':>6}",
    ]
    for name, stack in sorted(report.stacks.items()):
        accepted_count = sum(1 for r in stack.failed if is_accepted(r, accepted))
        lines.append(
            f"{name:<10}{len(stack.passed):>8}{len(stack.failed):>8}{accepted_count:>10}"
            f"{len(stack.failed) - accepted_count:>6}"
        )
    for name, stack in sorted(report.stacks.items()):
        for record in sorted(stack.failed, key=lambda r: (r.check_id, r.address)):
            status = "accepted" if is_accepted(record, accepted) else "NEW"
            lines.append(f"  {name}: {status:<8} {record.check_id:<12} {record.address}  ({record.check_name})")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.security_scan", description=__doc__.split("\n")[0])
    parser.add_argument("--synth-dir", type=Path, help="scan this cdktf output (e.g. cdktf.out) instead of synthesizing")
    parser.add_argument("--keep", type=Path, help="write the checkov input here and keep it")
    parser.add_argument("--markdown", action="store_true", help="print the tables of docs/development.md and exit")
    args = parser.parse_args(argv)

    if args.markdown:
        print("Accepted findings (dev/stage):\n")
        print(accepted_findings_markdown())
        print("\nA repository with only `name` set:\n")
        print(default_findings_markdown())
        return 0
    try:
        if args.synth_dir:
            stacks = read_synth_dir(args.synth_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="security-scan-synth-") as outdir:
                stacks = synthesize_app(Path(outdir))
        report = scan(stacks, args.keep)
    except ScanError as error:
        print(f"security scan could not run: {error}", file=sys.stderr)
        return 2
    for line in summary_lines(report):
        print(line)
    problems = violations(report)
    if problems:
        print(f"\nFAILED: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("\nOK: prod has no failed check; dev/stage fail only the accepted checks (docs/development.md).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
