"""On the cdktn line, let the tests' ``cdktf`` and ``cdktf_cdktf_provider_aws`` imports load
cdktn's modules (the same names and layout), so that one test suite checks every line. Only
tests use it: the library goes through its framework seam, the example app through
``cdktf_aws_ecr.framework``."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from types import ModuleType
from typing import Any, Optional

from cdktf_aws_ecr.framework import LINE

_ALIASES = {"cdktf": "cdktn", "cdktf_cdktf_provider_aws": "cdktn_provider_aws"}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        return None

    def exec_module(self, module: ModuleType) -> None:
        # The import system returns what sys.modules holds after this: the target module.
        sys.modules[module.__name__] = importlib.import_module(self._target)


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Any = None, target: Optional[ModuleType] = None
    ) -> Optional[importlib.machinery.ModuleSpec]:
        head, dot, rest = fullname.partition(".")
        if head not in _ALIASES:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(_ALIASES[head] + dot + rest))


def install() -> None:
    """Alias cdktf's module names to cdktn's when cdktn is the line under test."""
    if LINE.framework_package == "cdktn" and not any(
        isinstance(finder, _AliasFinder) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _AliasFinder())
