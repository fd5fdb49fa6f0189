"""The lean start of the provider bindings: same classes, same output, safe fallback."""

from __future__ import annotations

import filecmp
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_aws_ecr import _lean_import
from cdktf_aws_ecr.framework import LINE

pytestmark = pytest.mark.skipif(
    not LINE.lean_import, reason=f"the {LINE.name} line's bindings load lazily: no lean start"
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DRIVER = REPO_ROOT / "tests" / "synth_driver.py"


def test_this_test_process_started_the_bindings_lean() -> None:
    assert _lean_import.mode == "lean", _lean_import.fallback_reason
    loaded = [m for m in sys.modules if m.startswith("cdktf_cdktf_provider_aws.")]
    # The package has ~2,100 submodules; a test session needs a few dozen.
    assert len(loaded) < 100, len(loaded)


@pytest.mark.parametrize(
    "statement, expression",
    [
        ("from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket", "S3Bucket"),
        ("from cdktf_cdktf_provider_aws import sns_topic", "sns_topic.SnsTopic"),
        ("import cdktf_cdktf_provider_aws as aws", "aws.sqs_queue.SqsQueue"),
        ("import cdktf_cdktf_provider_aws.iam_policy", "cdktf_cdktf_provider_aws.iam_policy.IamPolicy"),
    ],
)
def test_every_import_style_gets_the_real_class(statement: str, expression: str) -> None:
    namespace: dict = {}
    exec(statement, namespace)
    cls = eval(expression, namespace)
    module = importlib.import_module(cls.__module__)
    assert getattr(module, cls.__name__) is cls
    assert cls.__jsii_type__.startswith("@cdktf/provider-aws.")


def test_package_lists_and_refuses_names_like_the_stock_package() -> None:
    import cdktf_cdktf_provider_aws as aws

    assert "ecr_repository" in dir(aws)
    assert "ecr_repository" in aws.__all__ and len(aws.__all__) > 2000
    with pytest.raises(AttributeError, match="no attribute 'not_a_resource'"):
        aws.not_a_resource  # noqa: B018
    with pytest.raises(ImportError):
        exec("from cdktf_cdktf_provider_aws import not_a_resource", {})


def test_every_submodule_maps_to_its_jsii_namespace() -> None:
    """The on-demand loader finds a type's module from its jsii name; check all of them."""
    import cdktf_cdktf_provider_aws as aws
    from jsii import _reference_map

    package_dir = Path(aws.__file__).parent
    jsii_type = re.compile(r'jsii_type="@cdktf/provider-aws\.([A-Za-z0-9]+)\.')
    mismatches = []
    for name in aws.__all__:
        expected = f"cdktf_cdktf_provider_aws.{name}"
        with open(package_dir / name / "__init__.py", encoding="utf-8") as handle:
            match = next(filter(None, map(jsii_type.search, handle)), None)
        assert match is not None, name
        if _reference_map._submodule_fqn_map.get(f"@cdktf/provider-aws.{match.group(1)}") != expected:
            mismatches.append((name, match.group(1)))
    assert mismatches == []


def test_a_type_the_kernel_returns_from_an_unloaded_submodule_is_loaded_on_demand() -> None:
    from jsii import _reference_map

    module = "cdktf_cdktf_provider_aws.wafv2_web_acl_logging_configuration"
    fqn = "@cdktf/provider-aws.wafv2WebAclLoggingConfiguration.Wafv2WebAclLoggingConfiguration"
    if module in sys.modules:
        pytest.skip(f"{module} was already imported by another test")
    assert fqn not in _reference_map._types
    assert _reference_map._try_import_type_module(fqn)
    assert fqn in _reference_map._types


@pytest.mark.parametrize(
    "tail",
    [
        "from . import a\nprint('extra')\n",  # code after the imports
        "from .a import b\n",  # another import form
        "",  # no imports at all
    ],
)
def test_unknown_package_layouts_are_not_shortened(tail: str) -> None:
    source = "x = 1\n" + _lean_import._EAGER_IMPORTS_MARKER + "\n" + tail
    assert _lean_import._split_package_init(source) is None


def test_the_expected_layout_is_split_at_the_marker() -> None:
    source = "x = 1\n" + _lean_import._EAGER_IMPORTS_MARKER + "\nfrom . import a_b\n\nfrom . import c\n"
    assert _lean_import._split_package_init(source) == ("x = 1\n", ["a_b", "c"])
    assert _lean_import._split_package_init("x = 1\n") is None


@pytest.mark.slow
def test_output_is_byte_identical_with_and_without_the_lean_start(tmp_path: Path) -> None:
    """Same app, two fresh processes: lean start vs. the stock import that a
    provider release with another package layout falls back to."""
    # This checkout's library, not whichever one the virtualenv installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "lib"), str(REPO_ROOT)])}
    runs = {}
    for label, extra in (("lean", []), ("fallback", ["--simulate-layout-change"])):
        outdir = tmp_path / label
        result = subprocess.run(
            [sys.executable, str(DRIVER), str(outdir), *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            cwd=REPO_ROOT,
        )
        assert result.returncode == 0, result.stderr
        runs[label] = (outdir, json.loads(result.stdout.strip().splitlines()[-1]))

    lean_dir, lean = runs["lean"]
    fallback_dir, fallback = runs["fallback"]
    assert lean["mode"] == "lean" and lean["provider_submodules"] < 100
    assert fallback["fallback"]["mode"] == "stock"
    assert "does not have the expected layout" in fallback["fallback"]["warnings"][0]
    assert fallback["provider_submodules"] > 2000

    stacks = sorted(p.name for p in (lean_dir / "stacks").iterdir())
    assert stacks == ["dev", "prod", "stage"]
    for name in stacks:
        lean_json = lean_dir / "stacks" / name / "cdk.tf.json"
        assert filecmp.cmp(lean_json, fallback_dir / "stacks" / name / "cdk.tf.json", shallow=False), name
    assert filecmp.cmp(lean_dir / "manifest.json", fallback_dir / "manifest.json", shallow=False)


def test_require_lean_turns_a_fallback_into_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_lean_import.REQUIRE_LEAN_ENV, "1")
    monkeypatch.setattr(_lean_import, "mode", None)
    monkeypatch.setattr(_lean_import, "fallback_reason", None)
    # The bindings are already imported in this process, so install() cannot start them lean.
    with pytest.raises(ImportError, match="did not start lean: .*imported before cdktf_aws_ecr"):
        _lean_import.install()


def _fresh_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "lib"), str(tmp_path)])}
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", code],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path,
    )


def test_importing_the_library_starts_neither_jsii_nor_the_bindings(tmp_path: Path) -> None:
    result = _fresh_python(
        "import sys, cdktf_aws_ecr\n"
        "print(sorted(m for m in ('jsii', 'cdktf', 'constructs', 'cdktf_cdktf_provider_aws') "
        "if m in sys.modules))",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_bindings_imported_first_warn_naming_the_importer_and_the_cost(tmp_path: Path) -> None:
    # GIVEN a stack module that imports the provider bindings before the library
    (tmp_path / "early_stack.py").write_text(
        "from cdktf_cdktf_provider_aws.provider import AwsProvider  # noqa: F401\n"
    )
    # WHEN the program then imports the library
    result = _fresh_python(
        "import early_stack\nimport cdktf_aws_ecr\n"
        "print(cdktf_aws_ecr._lean_import.mode)",
        tmp_path,
    )
    # THEN a warning names that module and what the stock import costs
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "preloaded"
    assert "LeanImportFallbackWarning" in result.stderr
    assert "cdktf_cdktf_provider_aws was imported before cdktf_aws_ecr" in result.stderr
    assert "(first, probably, by 'early_stack')" in result.stderr
    assert "~2,100 submodules" in result.stderr


def test_bindings_imported_after_the_library_start_lean_without_a_warning(tmp_path: Path) -> None:
    result = _fresh_python(
        "import cdktf_aws_ecr\nfrom cdktf_cdktf_provider_aws.provider import AwsProvider\n"
        "import sys\n"
        "print(cdktf_aws_ecr._lean_import.mode, "
        "sum(1 for m in sys.modules if m.startswith('cdktf_cdktf_provider_aws.')) < 100)",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "lean True"
    assert "Warning" not in result.stderr
