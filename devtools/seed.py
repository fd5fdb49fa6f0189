"""The seed HCL module, read from its documentation for side-by-side runs.

The reference module lives outside this repository (``../shared/seed/``, or
``$ECR_SEED_MODULE``) as a text document. Tests and benchmarks that compare
against it write its ``*.tf`` files into a scratch directory at run time;
nothing of it is copied into this repository.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, Optional

from .terraform import REPO_ROOT

SEED_ENV = "ECR_SEED_MODULE"
DEFAULT_SEED = REPO_ROOT.parent / "shared" / "seed" / "terraform-module-aws-ecr.txt"
_FILE_HEADER = re.compile(r"^# ([a-z]+\.tf)$")
_END_OF_CODE = "How to use it"


def seed_document() -> Optional[Path]:
    path = Path(os.environ.get(SEED_ENV) or DEFAULT_SEED)
    return path if path.is_file() else None


def split_module(text: str) -> Dict[str, str]:
    """The ``{file name: HCL}`` of the module listing in the seed document."""
    files: Dict[str, list] = {}
    current: Optional[list] = None
    for line in text.splitlines():
        if line.strip() == _END_OF_CODE:
            break
        header = _FILE_HEADER.match(line.strip())
        if header:
            current = files.setdefault(header.group(1), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines) + "\n" for name, lines in files.items()}


def write_module(directory: Path) -> Path:
    """Write the seed module's files into ``directory``; raise if the seed is missing."""
    document = seed_document()
    if document is None:
        raise FileNotFoundError(
            f"seed module document not found (set {SEED_ENV} or place it at {DEFAULT_SEED})"
        )
    files = split_module(document.read_text(encoding="utf-8"))
    expected = {"versions.tf", "main.tf", "variables.tf", "outputs.tf"}
    if set(files) != expected:
        raise ValueError(f"{document}: expected module files {sorted(expected)}, found {sorted(files)}")
    directory.mkdir(parents=True, exist_ok=True)
    for name, hcl in files.items():
        (directory / name).write_text(hcl, encoding="utf-8")
    return directory
