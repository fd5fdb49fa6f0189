"""The wheel users install holds the whole library: every package under lib/, py.typed, LICENSE."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT


@pytest.mark.slow
def test_the_wheel_holds_every_package_the_typing_marker_and_the_licence(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), "."],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("cdktf_aws_ecr-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    lib = REPO_ROOT / "lib"
    modules = {str(p.relative_to(lib)) for p in (lib / "cdktf_aws_ecr").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    assert "cdktf_aws_ecr/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), sorted(names)
