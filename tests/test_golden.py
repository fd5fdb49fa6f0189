"""Golden files: the whole synthesized Terraform of three apps, pinned stack by stack.

Each app of ``tests/golden_apps.py`` is synthesized in this process (``app.synth()``
into a temporary directory), each stack's ``cdk.tf.json`` is read back, cdktf's
``"//"`` metadata keys are removed at every depth, and the rest must equal
``tests/golden/<app>/<stack>.json``:

* ``example``: the example app (``main.py``) with default settings;
* ``example-full``: the same with ``ECR_FULL_REGISTRY=1``;
* ``fleet``: 334 repositories in five stacks using every public name of ``cdktf_aws_ecr``.

A change of the library's output, however small, fails here with a unified diff.
When the change is intended, regenerate the files and review their diff:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

A missing golden file fails (it is written, not compared, under ``UPDATE_GOLDEN=1``),
and so does a golden file of a stack that no longer exists (deleted under
``UPDATE_GOLDEN=1``). The files are ``json.dumps(..., indent=1, sort_keys=True)``
plus a newline, so that their diffs are readable.
"""

from __future__ import annotations

import difflib
import json
import os
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

import pytest
from cdktf import App
from conftest import AWS_CONSTRAINT
from golden_apps import EXAMPLE_STACKS, FLEET_STACKS, build_example, build_fleet

import cdktf_aws_ecr as ecr  # first: lean start of the provider bindings

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")
APPS: Dict[str, Tuple[Callable[[App], None], Tuple[str, ...]]] = {
    "example": (lambda app: build_example(app, {}), EXAMPLE_STACKS),
    "example-full": (lambda app: build_example(app, {"ECR_FULL_REGISTRY": "1"}), EXAMPLE_STACKS),
    "fleet": (build_fleet, FLEET_STACKS),
}
CASES = [(app, stack) for app, (_, stacks) in APPS.items() for stack in stacks]
#: The library's warnings: expected from these apps (the fleet triggers each of them).
LIBRARY_WARNINGS = (
    ecr.DestroyableRepositoryWarning,
    ecr.LifecycleTagPrefixListWarning,
    ecr.ScanningCoverageWarning,
    ecr.ScanningLossWarning,
    ecr.ReplicationCoverageWarning,
)
MAX_DIFF_LINES = 150


def without_metadata(value: Any) -> Any:
    """``value`` without cdktf's ``"//"`` keys (construct paths, versions), at every depth."""
    if isinstance(value, dict):
        return {key: without_metadata(item) for key, item in value.items() if key != "//"}
    if isinstance(value, list):
        return [without_metadata(item) for item in value]
    return value


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, sort_keys=True) + "\n"


def for_diff(value: Any) -> Any:
    """``value`` with JSON documents held in strings (policies) parsed, so that a diff
    shows the field that changed rather than one long line (display only)."""
    if isinstance(value, dict):
        return {key: for_diff(item) for key, item in value.items()}
    if isinstance(value, list):
        return [for_diff(item) for item in value]
    if isinstance(value, str) and value and value[0] in "{[":
        try:
            return {"<JSON string>": for_diff(json.loads(value))}
        except ValueError:
            pass
    return value


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Dict[Tuple[str, str], Any]:
    """Every stack of every app, synthesized once: ``{(app, stack): stripped JSON}``."""
    stacks: Dict[Tuple[str, str], Any] = {}
    for name, (build, _) in APPS.items():
        outdir = tmp_path_factory.mktemp(name)
        app = App(outdir=str(outdir))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build(app)
            app.synth()
        for warning in caught:  # the library's are expected; let any other one through
            if not issubclass(warning.category, LIBRARY_WARNINGS):
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        if name == "fleet":
            missing = {c.__name__ for c in LIBRARY_WARNINGS} - {w.category.__name__ for w in caught}
            assert not missing, f"the fleet no longer triggers {sorted(missing)}"
        for directory in sorted((outdir / "stacks").iterdir()):
            stacks[name, directory.name] = without_metadata(json.loads((directory / "cdk.tf.json").read_text()))
    return stacks


def test_each_app_synthesizes_exactly_the_pinned_stacks(synthesized: Dict[Tuple[str, str], Any]) -> None:
    assert sorted(synthesized) == sorted(CASES)
    stale = sorted(
        path for path in GOLDEN.glob("*/*.json")
        if (path.parent.name, path.stem) not in synthesized
    )
    if stale and UPDATE:
        for path in stale:
            path.unlink()
    elif stale:
        pytest.fail(f"golden files of no stack: {[str(p.relative_to(GOLDEN)) for p in stale]}; "
                    "delete them, or run with UPDATE_GOLDEN=1")


@pytest.mark.parametrize("app, stack", CASES, ids=[f"{app}/{stack}" for app, stack in CASES])
def test_a_stack_synthesizes_its_golden_file(
    synthesized: Dict[Tuple[str, str], Any], app: str, stack: str
) -> None:
    path = GOLDEN / app / f"{stack}.json"
    actual = synthesized[app, stack]
    text = dump(actual)  # compared as text: in Python, 1 == 1.0 == True
    if UPDATE:
        assert AWS_CONSTRAINT == "~> 5.0", "golden files are written on the cdktf-aws5 line"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        return
    if not path.exists():
        pytest.fail(f"no golden file {path.relative_to(GOLDEN.parent.parent)}; "
                    "write it with UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py")
    # The golden files are line 1's (cdktf-aws5); on the 6.x lines the example apps must
    # synthesize the same, but for the AWS provider constraint that follows the bindings.
    golden = path.read_text().replace('"version": "~> 5.0"', f'"version": "{AWS_CONSTRAINT}"')
    if text == golden:
        return
    diff = list(difflib.unified_diff(
        dump(for_diff(json.loads(golden))).splitlines(), dump(for_diff(actual)).splitlines(),
        f"golden/{app}/{stack}.json", f"synthesized {app}/{stack}", lineterm="",
    ))
    shown = [line if len(line) <= 300 else line[:300] + " ..." for line in diff[:MAX_DIFF_LINES]]
    if not diff:
        shown = ["(the same JSON, formatted otherwise: regenerate the file)"]
    if len(diff) > MAX_DIFF_LINES:
        shown.append(f"... {len(diff) - MAX_DIFF_LINES} more diff lines")
    pytest.fail(
        f"{app}/{stack} differs from its golden file ({len(diff)} diff lines; JSON strings "
        "shown parsed, under \"<JSON string>\"). If the change is "
        "intended: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py\n" + "\n".join(shown),
        pytrace=False,
    )
