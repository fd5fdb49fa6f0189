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
