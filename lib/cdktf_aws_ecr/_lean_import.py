"""Start cdktf's AWS provider bindings (19.x and 21.x) with only the submodules a program uses:
their stock ``__init__`` imports all ~2,100 (seconds and hundreds of megabytes); cdktn's
bindings load submodules lazily, and are left alone. An import hook runs it
without those imports and lets jsii load each submodule on demand; an unknown layout, an old
jsii or ``CDKTF_AWS_ECR_STOCK_IMPORT=1`` falls back to the stock import (same output)."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import sysconfig
import warnings
from types import ModuleType
from typing import Any, Callable, List, Optional

PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws"
JSII_ASSEMBLY = "@cdktf/provider-aws"
STOCK_IMPORT_ENV = "CDKTF_AWS_ECR_STOCK_IMPORT"
#: Set to 1 to make a fallback to the stock import an error (for CI that relies on the lean start).
REQUIRE_LEAN_ENV = "CDKTF_AWS_ECR_REQUIRE_LEAN"

_EAGER_IMPORTS_MARKER = (
    "# Loading modules to ensure their types are registered with the jsii runtime library"
)
_SUBMODULE_IMPORT = re.compile(r"from \. import ([a-z0-9_]+)")
_PRELOADED = f"{PROVIDER_PACKAGE} was imported before cdktf_aws_ecr"

#: How the provider package was started in this process: "lean", "stock"
#: (fallback or opt-out), "preloaded" (imported before this library) or "lazy" (bindings
#: that load their submodules on demand: nothing to do).
mode: Optional[str] = None
#: Why the lean start was not used, when it was not.
fallback_reason: Optional[str] = None


class LeanImportFallbackWarning(RuntimeWarning):
    """The provider bindings could not be started lean and were imported in full."""


def _jsii_submodule_name(python_name: str) -> str:
    """``ecr_repository`` -> ``ecrRepository``: the jsii namespace of a submodule."""
    head, *rest = python_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _split_package_init(source: str) -> Optional[tuple[str, List[str]]]:
    """(code before the eager imports, submodule names), or None for an unknown layout."""
    head, marker, tail = source.partition(_EAGER_IMPORTS_MARKER)
    if not marker:
        return None
    names: List[str] = []
    for line in tail.splitlines():
        line = line.strip()
        if not line:
            continue
        match = _SUBMODULE_IMPORT.fullmatch(line)
        if match is None:
            return None
        names.append(match.group(1))
    return (head, names) if names else None


def _jsii_supports_on_demand_types() -> bool:
    from jsii import _reference_map

    return hasattr(_reference_map, "_submodule_fqn_map") and hasattr(
        _reference_map, "_try_import_type_module"
    )


def _make_getattr(package: str, submodules: frozenset[str]) -> Callable[[str], ModuleType]:
    def __getattr__(name: str) -> ModuleType:
        if name in submodules:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def _exec_lean(module: ModuleType, origin: str) -> Optional[str]:
    """Run the package ``__init__`` in ``module`` without its eager imports; return None, or
    why the lean start cannot be used (``module`` is then untouched)."""
    if not _jsii_supports_on_demand_types():
        return "the installed jsii runtime cannot load submodule types on demand"
    with open(origin, encoding="utf-8") as handle:
        split = _split_package_init(handle.read())
    if split is None:
        return f"{origin} does not have the expected layout"
    head, names = split
    try:
        exec(compile(head, origin, "exec"), module.__dict__)
    except Exception as error:
        sys.modules.pop(f"{PROVIDER_PACKAGE}._private", None)
        return f"running the shortened package __init__ failed: {error!r}"
    # ``publication.publish()`` in the package swaps in a public facade module.
    public = sys.modules[PROVIDER_PACKAGE]
    submodules = frozenset(names)
    setattr(public, "__getattr__", _make_getattr(PROVIDER_PACKAGE, submodules))
    setattr(public, "__dir__", lambda: sorted(set(public.__dict__) | submodules))

    from jsii import _reference_map

    _reference_map._submodule_fqn_map.update(
        {
            f"{JSII_ASSEMBLY}.{_jsii_submodule_name(name)}": f"{PROVIDER_PACKAGE}.{name}"
            for name in names
        }
    )
    return None


class _LeanLoader(importlib.abc.Loader):
    def __init__(self, stock: importlib.machinery.ModuleSpec) -> None:
        self._stock = stock

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Optional[ModuleType]:
        return None

    def exec_module(self, module: ModuleType) -> None:
        global mode, fallback_reason
        assert self._stock.origin is not None and self._stock.loader is not None
        fallback_reason = _exec_lean(module, self._stock.origin)
        if fallback_reason is None:
            mode = "lean"
            return
        mode = "stock"
        _check_lean_not_required()
        warnings.warn(
            f"cdktf_aws_ecr: importing {PROVIDER_PACKAGE} the stock (slow) way: {fallback_reason}",
            LeanImportFallbackWarning,
            stacklevel=2,
        )
        self._stock.loader.exec_module(module)


class _LeanFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Any = None, target: Optional[ModuleType] = None
    ) -> Optional[importlib.machinery.ModuleSpec]:
        global mode, fallback_reason
        if fullname != PROVIDER_PACKAGE:
            return None
        _remove_finder()
        stock = importlib.util.find_spec(fullname)
        if stock is None or stock.origin is None or stock.loader is None:
            return stock
        if _flag(STOCK_IMPORT_ENV):
            mode, fallback_reason = "stock", f"{STOCK_IMPORT_ENV} is set"
            _check_lean_not_required()
            return stock
        spec = importlib.machinery.ModuleSpec(
            fullname, _LeanLoader(stock), origin=stock.origin, is_package=True
        )
        spec.submodule_search_locations = stock.submodule_search_locations
        spec.has_location = stock.has_location
        spec.cached = stock.cached
        return spec


def _remove_finder() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _LeanFinder)]


def _check_lean_not_required() -> None:
    if _flag(REQUIRE_LEAN_ENV):
        raise ImportError(
            f"{REQUIRE_LEAN_ENV} is set, but {PROVIDER_PACKAGE} did not start lean: {fallback_reason}"
        )


def _first_importer() -> Optional[str]:
    """The first module of the program itself (not installed) that holds something of the
    provider package."""
    paths = sysconfig.get_paths()
    installed = tuple({paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")})
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or file.startswith(installed) or name.startswith(PROVIDER_PACKAGE):
            continue
        for value in list(vars(module).values()):
            origin = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", "")
            if isinstance(origin, str) and origin.startswith(PROVIDER_PACKAGE):
                return name
    return None


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def _bindings_load_lazily() -> bool:
    """Whether the installed line's bindings need no lean start (or no line is installed: the
    framework seam says what to install when the program needs one)."""
    global mode
    if not __package__:  # loaded on its own, by a test of the lean start itself
        return False
    try:
        from .framework import LINE
    except ImportError:
        return True
    if not LINE.lean_import:
        mode = "lazy"
    return not LINE.lean_import


def install_on_import() -> None:
    """Start the provider bindings lean when the program first imports them, or warn, naming
    the importer, when they were imported already."""
    global mode, fallback_reason
    if mode is not None or _bindings_load_lazily() or any(isinstance(f, _LeanFinder) for f in sys.meta_path):
        return
    if PROVIDER_PACKAGE not in sys.modules:
        sys.meta_path.insert(0, _LeanFinder())
        return
    mode, fallback_reason = "preloaded", _PRELOADED
    _check_lean_not_required()
    importer = _first_importer()
    warnings.warn(
        f"cdktf_aws_ecr: {_PRELOADED}"
        + (f" (first, probably, by {importer!r})" if importer else "")
        + ", so it loaded all of its ~2,100 submodules: every synth, deploy and test run of "
        "this program pays seconds and hundreds of megabytes for it. Import cdktf_aws_ecr "
        "before any provider module.",
        LeanImportFallbackWarning,
        stacklevel=3,
    )


def install() -> str:
    """Start the provider bindings now, lean if possible; return the mode used."""
    global mode, fallback_reason
    if _bindings_load_lazily():
        return "lazy"
    if mode is None and PROVIDER_PACKAGE in sys.modules:
        mode, fallback_reason = "preloaded", _PRELOADED
    if mode is None:
        if not any(isinstance(f, _LeanFinder) for f in sys.meta_path):
            sys.meta_path.insert(0, _LeanFinder())
        importlib.import_module(PROVIDER_PACKAGE)
    if mode != "lean":
        _check_lean_not_required()
    assert mode is not None
    return mode
