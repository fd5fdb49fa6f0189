"""Start the AWS provider bindings with only the submodules a program uses.

The ``cdktf_cdktf_provider_aws`` package ``__init__`` ends with one
``from . import <submodule>`` line for each of its ~2,100 generated
submodules. Executing all of them costs seconds and hundreds of megabytes
before a single resource exists, although an ECR stack needs about a dozen.

The jsii runtime (>= 1.1xx) already knows how to load submodules on demand:
when the jsii kernel hands back an object of a type that Python has not
registered yet, it imports the submodule named for that type in
``jsii._reference_map._submodule_fqn_map``. Newer jsii-pacmak output emits
that map itself; the 19.x provider bindings predate it. So this module runs
the package ``__init__`` *without* its trailing eager imports, fills the map
and adds a module ``__getattr__`` (PEP 562), which gives every import style
the same classes it gets from the stock package:

* ``from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket``
* ``from cdktf_cdktf_provider_aws import s3_bucket``
* ``import cdktf_cdktf_provider_aws as aws; aws.s3_bucket.S3Bucket``
* ``from cdktf_cdktf_provider_aws import *`` (imports everything, as before)

Safety: the lean start is used only when the package ``__init__`` has exactly
the shape described above (a marker comment followed by nothing but
``from . import`` lines) and the jsii runtime has the on-demand hooks. In any
other case, or when ``CDKTF_AWS_ECR_STOCK_IMPORT=1`` is set, the package is
imported the stock way. Either way the synthesized output is identical; the
test suite checks that byte for byte.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import warnings
from types import ModuleType
from typing import Callable, List, Optional

PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws"
JSII_ASSEMBLY = "@cdktf/provider-aws"
STOCK_IMPORT_ENV = "CDKTF_AWS_ECR_STOCK_IMPORT"
#: Set to 1 to make a fallback to the stock import an error (for CI that relies on the lean start).
REQUIRE_LEAN_ENV = "CDKTF_AWS_ECR_REQUIRE_LEAN"

_EAGER_IMPORTS_MARKER = (
    "# Loading modules to ensure their types are registered with the jsii runtime library"
)
_SUBMODULE_IMPORT = re.compile(r"from \. import ([a-z0-9_]+)")

#: How the provider package was started in this process: "lean", "stock"
#: (fallback or opt-out) or "preloaded" (imported before this library).
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
    """Return (code before the eager imports, submodule names), or None when the
    ``__init__`` does not have the layout this module knows how to shorten."""
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


def _load_lean() -> Optional[str]:
    """Import the provider package without its eager submodule imports.

    Returns None on success, or the reason the lean start cannot be used; in
    that case the package is left unimported so that the stock import can run.
    """
    spec = importlib.util.find_spec(PROVIDER_PACKAGE)
    if spec is None or spec.origin is None or spec.loader is None:
        return f"{PROVIDER_PACKAGE} is not installed"
    if not _jsii_supports_on_demand_types():
        return "the installed jsii runtime cannot load submodule types on demand"
    with open(spec.origin, encoding="utf-8") as handle:
        split = _split_package_init(handle.read())
    if split is None:
        return f"{spec.origin} does not have the expected layout"
    head, names = split

    module = importlib.util.module_from_spec(spec)
    sys.modules[PROVIDER_PACKAGE] = module
    try:
        exec(compile(head, spec.origin, "exec"), module.__dict__)
    except Exception as error:
        for name in (PROVIDER_PACKAGE, f"{PROVIDER_PACKAGE}._private"):
            sys.modules.pop(name, None)
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


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def install() -> str:
    """Start the provider bindings lean if possible; return the mode used."""
    global mode, fallback_reason
    if mode is not None:
        return mode
    if PROVIDER_PACKAGE in sys.modules:
        mode, fallback_reason = "preloaded", f"{PROVIDER_PACKAGE} was imported before cdktf_aws_ecr"
    elif _flag(STOCK_IMPORT_ENV):
        mode, fallback_reason = "stock", f"{STOCK_IMPORT_ENV} is set"
    else:
        fallback_reason = _load_lean()
        mode = "lean" if fallback_reason is None else "stock"
    if mode != "lean" and _flag(REQUIRE_LEAN_ENV):
        raise ImportError(
            f"{REQUIRE_LEAN_ENV} is set, but {PROVIDER_PACKAGE} did not start lean: {fallback_reason}"
        )
    if mode == "stock":
        if not _flag(STOCK_IMPORT_ENV):
            warnings.warn(
                f"cdktf_aws_ecr: importing {PROVIDER_PACKAGE} the stock (slow) way: "
                f"{fallback_reason}",
                LeanImportFallbackWarning,
                stacklevel=3,
            )
        importlib.import_module(PROVIDER_PACKAGE)
    return mode
