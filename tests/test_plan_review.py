"""The plan review's command and the rules no local plan can reach.

Real plans of real changes are reviewed in ``tests/e2e/test_plan_review.py``. Here:
the command's usage and errors (exit 2, a message, never a traceback), that it starts no
jsii runtime, and the registry settings the local endpoint cannot create (pull-through
cache rules, creation templates, account settings: moto 5.2.5 answers HTTP 500), given as
the ``resource_changes`` Terraform writes for them. Each test reads GIVEN / WHEN / THEN.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from cdktf_aws_ecr.review import EXIT_ERROR, EXIT_REFUSED, review_plans
from cdktf_aws_ecr.review.cli import main

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The jsii runtime and the packages built on it: none may load for the review.
JSII_PACKAGES = {"jsii", "cdktf", "constructs", "cdktf_cdktf_provider_aws"}


def _change(address: str, actions: Sequence[str], before: Optional[Dict[str, Any]] = None,
            after: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    return {
        "address": address, "mode": "managed", "type": address.split(".")[0],
        "name": address.split(".")[1],
        "change": {"actions": list(actions), "before": before, "after": after, "after_unknown": {}},
    }


def _plan(*changes: Dict[str, Any]) -> Dict[str, Any]:
    """A plan as ``terraform show -json`` writes it, with one provider in us-east-1."""
    return {
        "format_version": "1.2",
        "resource_changes": list(changes),
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": [
                {"address": c["address"], "provider_config_key": "aws"} for c in changes if c["change"]["after"]
            ]},
        },
    }


def _run(*args: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def _refusals(plan: Dict[str, Any]) -> List[Tuple[str, str]]:
    return [(f.rule, f.address) for f in review_plans([plan]).refusals]


# ------------------------------------------------------------------ the command


def test_no_plan_is_bad_usage() -> None:
    code, out, err = _run()
    assert code == EXIT_ERROR and out == ""
    assert err.endswith("error: give at least one --plan FILE or --stack-dir DIR\n")


@pytest.mark.parametrize("content, message", [
    (None, "cannot be read"),
    ("{not json", "not JSON"),
    ('{"values": {}}', "not Terraform JSON output"),
    ('{"format_version": "1.0", "values": {}}', "this is not a plan (no resource_changes)"),
])
def test_unreadable_input_is_a_message_and_exit_2(tmp_path: Path, content: Optional[str], message: str) -> None:
    # GIVEN a plan file that is missing, not JSON, not Terraform's, or a state instead of a plan
    path = tmp_path / "plan.json"
    if content is not None:
        path.write_text(content)
    # WHEN it is reviewed
    code, out, err = _run("--plan", str(path))
    # THEN the command says what is wrong with it, without a traceback
    assert code == EXIT_ERROR and out == ""
    assert err.startswith(f"error: {path}: ") and message in err and "Traceback" not in err


def test_a_directory_that_is_no_stack_is_a_message_and_exit_2(tmp_path: Path) -> None:
    code, _, err = _run("--stack-dir", str(tmp_path))
    assert code == EXIT_ERROR
    assert f"error: {tmp_path}: not a stack directory (no cdk.tf.json)" in err


def test_help_starts_no_jsii() -> None:
    # WHEN the command's help is asked for in a fresh interpreter, with every import reported
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cdktf_aws_ecr.review", "--help"],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}"},
    )
    # THEN it prints the usage, and neither jsii nor cdktf nor the library's seam was imported
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m cdktf_aws_ecr.review ")
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "cdktf_aws_ecr.review.rules" in imported
    assert {name.split(".")[0] for name in imported} & JSII_PACKAGES == set()
    assert "cdktf_aws_ecr._framework" not in imported


def test_a_review_starts_no_jsii(tmp_path: Path) -> None:
    # GIVEN a plan that deletes a repository
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(_change("aws_ecr_repository.api", ["delete"], before={"name": "api"}))))
    # WHEN a fresh interpreter reviews it
    script = (
        "import sys\n"
        "from cdktf_aws_ecr.review.cli import main\n"
        "code = main(['--plan', sys.argv[1]])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:])), "
        "'cdktf_aws_ecr._framework' in sys.modules, code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path), *JSII_PACKAGES],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}"},
    )
    # THEN it refuses, and loaded nothing of jsii
    assert result.stdout.splitlines()[-1] == "[] False 1", result.stderr


def test_the_report_names_the_refusal_and_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(_change("aws_ecr_repository.api", ["delete"], before={"name": "api"}))))
    code, out, _ = _run("--plan", str(path))
    assert code == EXIT_REFUSED
    assert f"REFUSED  aws_ecr_repository.api (api)  [{path}]" in out
    assert "RemovedRepository(<same scope>, <same id>, name='api')" in out
    assert "To go ahead anyway: --allow-destroy 'api'" in out
    assert out.endswith("Refused (1 refused): do not apply these plans.\n")
    # AND the pattern it names lets it through
    code, out, _ = _run("--plan", str(path), "--allow-destroy", "api", "--json")
    verdict = json.loads(out)
    assert code == 0 and verdict["verdict"] == "passed" and verdict["findings"][0]["allowed_by"] == "api"


# ------------------------------------------------------------------ what no local plan reaches


def test_resources_this_library_does_not_know_are_ignored() -> None:
    plan = _plan(_change("aws_s3_bucket.logs", ["delete"], before={"bucket": "logs"}),
                 _change("aws_iam_role.ci", ["delete", "create"], before={"name": "ci"}, after={"name": "ci"}))
    assert review_plans([plan]).exit_code() == 0


@pytest.mark.parametrize("resource_type, values", [
    ("aws_ecr_pull_through_cache_rule", {"ecr_repository_prefix": "ecr-public"}),
    ("aws_ecr_repository_creation_template", {"prefix": "payments"}),
    ("aws_ecr_account_setting", {"name": "BASIC_SCAN_TYPE_VERSION"}),
    ("aws_ecr_registry_policy", {"policy": "{}"}),
])
def test_a_registry_setting_deleted_is_refused(resource_type: str, values: Dict[str, Any]) -> None:
    plan = _plan(_change(f"{resource_type}.setting", ["delete"], before=values))
    assert _refusals(plan) == [("registry-setting-deleted", f"{resource_type}.setting")]


def test_a_registry_setting_moving_address_is_refused_with_a_moved_block() -> None:
    # GIVEN a cache rule whose address changes, its prefix not
    prefix = {"ecr_repository_prefix": "ecr-public"}
    plan = _plan(
        _change("aws_ecr_pull_through_cache_rule.old", ["delete"], before=prefix),
        _change("aws_ecr_pull_through_cache_rule.new", ["create"], after=prefix),
    )
    # THEN the delete is refused, and the way out is a moved block
    (finding,) = review_plans([plan]).refusals
    assert "the delete may run after that write and undo it" in finding.what
    assert "moved { from = aws_ecr_pull_through_cache_rule.old, to = aws_ecr_pull_through_cache_rule.new }" in finding.instead


def test_settings_emptied_in_place_are_refused() -> None:
    rule = [{"scan_frequency": "SCAN_ON_PUSH", "repository_filter": [{"filter": "prod/*", "filter_type": "WILDCARD"}]}]
    replication = [{"rule": [{"destination": [{"region": "us-west-2", "registry_id": "123456789012"}]}]}]
    plan = _plan(
        _change("aws_ecr_registry_scanning_configuration.scanning", ["update"],
                before={"scan_type": "ENHANCED", "rule": rule}, after={"scan_type": "BASIC", "rule": []}),
        _change("aws_ecr_replication_configuration.replication", ["update"],
                before={"replication_configuration": replication},
                after={"replication_configuration": [{"rule": []}]}),
    )
    assert _refusals(plan) == [
        ("registry-setting-reset", "aws_ecr_registry_scanning_configuration.scanning"),
        ("registry-setting-reset", "aws_ecr_replication_configuration.replication"),
    ]


def test_without_the_registry_turning_enhanced_warns_what_it_reaches() -> None:
    rule = [{"scan_frequency": "CONTINUOUS_SCAN", "repository_filter": [{"filter": "api", "filter_type": "WILDCARD"}]}]
    plan = _plan(_change("aws_ecr_registry_scanning_configuration.scanning", ["create"],
                         after={"scan_type": "ENHANCED", "rule": rule}))
    review = review_plans([plan])
    (warning,) = review.warnings
    assert warning.rule == "enhanced-scanning-undeclared" and "'api'" in warning.what
    assert review.exit_code() == 0 and review.exit_code(strict=True) == 1


@pytest.mark.parametrize("actions, reason, rule", [
    (["create", "delete"], "replace_because_cannot_update", "repository-replaced"),  # create_before_destroy
    (["delete"], "delete_because_count_index", "repository-destroyed"),
    (["delete"], "delete_because_each_key", "repository-destroyed"),
])
def test_every_form_of_repository_destroy_is_refused(actions: List[str], reason: str, rule: str) -> None:
    # GIVEN a repository of a plan written with count or for_each, or create_before_destroy
    change = _change("aws_ecr_repository.fleet[1]", actions, before={"name": "fleet/b"},
                     after={"name": "fleet/b"} if "create" in actions else None)
    change["action_reason"] = reason
    # THEN it is refused, naming the repository
    (finding,) = review_plans([_plan(change)]).refusals
    assert (finding.rule, finding.address, finding.repository) == (rule, "aws_ecr_repository.fleet[1]", "fleet/b")
    if reason == "delete_because_each_key":
        assert finding.what.startswith("the repository is deleted: its for_each no longer includes this key")


def test_an_upgrade_from_release_0_1_0_without_its_moves_names_the_call() -> None:
    # GIVEN a stack of release 0.1.0 upgraded without upgrade_from_0_1_0: the repository
    # leaves its construct-path address for its name-based one
    plan = _plan(
        _change("aws_ecr_repository.api_repository_3D4B7539", ["delete"], before={"name": "api"}),
        _change("aws_ecr_repository.api", ["create"], after={"name": "api"}),
    )
    # THEN the refusal names the call, and the moved block for a stack that is not one
    (finding,) = review_plans([plan]).refusals
    assert finding.rule == "repository-address-changed"
    assert "call cdktf_aws_ecr.upgrade_from_0_1_0(stack)" in finding.instead
    assert "moved { from = aws_ecr_repository.api_repository_3D4B7539, to = aws_ecr_repository.api }" \
        in finding.instead
