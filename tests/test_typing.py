"""The library ships ``py.typed``; its annotations must hold under ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO_ROOT


def test_library_passes_mypy_strict() -> None:
    assert (REPO_ROOT / "lib" / "cdktf_aws_ecr" / "py.typed").exists()
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],  # settings: [tool.mypy] in pyproject.toml
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_type_checkers_see_every_public_name_where_it_is_loaded_from() -> None:
    """``cdktf_aws_ecr`` loads its public names on first use (``_PUBLIC``); the block
    type checkers read must name the same modules, or IDEs would show other types."""
    import ast

    import cdktf_aws_ecr

    tree = ast.parse((REPO_ROOT / "lib" / "cdktf_aws_ecr" / "__init__.py").read_text())
    (block,) = [n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    seen = {
        alias.name: "." * node.level + (node.module or "")
        for node in block.body if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert seen == cdktf_aws_ecr._PUBLIC
    assert sorted(cdktf_aws_ecr.__all__, key=str.lower) == sorted(seen, key=str.lower)
    for name in cdktf_aws_ecr.__all__:
        assert name.isupper() or getattr(cdktf_aws_ecr, name).__module__.startswith("cdktf_aws_ecr")


def test_library_passes_ruff() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "lib"],  # settings: [tool.ruff] in pyproject.toml
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
