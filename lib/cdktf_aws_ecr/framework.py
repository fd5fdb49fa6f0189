"""Which framework line this process runs on, picked from what is installed, without starting
jsii. The library supports three, each installed through an extra of ``cdktf-aws-ecr``:

==============  =========================================  ===================
extra           framework and AWS bindings                 AWS provider
==============  =========================================  ===================
``cdktf-aws5``  cdktf 0.20, ``cdktf-cdktf-provider-aws`` 19  5.x
``cdktf-aws6``  cdktf 0.21, ``cdktf-cdktf-provider-aws`` 21  6.x
``cdktn``       cdktn 0.24, ``cdktn-provider-aws`` 25        6.x
==============  =========================================  ===================

With both cdktf and cdktn installed, ``CDKTF_AWS_ECR_FRAMEWORK=cdktf|cdktn`` chooses; without
it, the one the program imported already, else cdktf, with a :class:`FrameworkChoiceWarning`
(constructs of the two cannot share a tree)."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Optional, Tuple

#: Set to ``cdktf`` or ``cdktn`` to choose when both are installed.
FRAMEWORK_ENV = "CDKTF_AWS_ECR_FRAMEWORK"
_EXTRAS = "pip install 'cdktf-aws-ecr[cdktf-aws5]' (cdktf 0.20, AWS provider 5.x), " \
    "'cdktf-aws-ecr[cdktf-aws6]' (cdktf 0.21, AWS provider 6.x) or " \
    "'cdktf-aws-ecr[cdktn]' (CDK Terrain, AWS provider 6.x)"


class FrameworkChoiceWarning(UserWarning):
    """Both cdktf and cdktn are installed and nothing said which one the program uses."""


@dataclass(frozen=True)
class Line:
    """One supported framework line."""

    #: The extra that installs it: ``cdktf-aws5``, ``cdktf-aws6`` or ``cdktn``.
    name: str
    #: The framework's module: ``cdktf`` or ``cdktn``.
    framework_package: str
    #: The AWS provider bindings' module.
    provider_package: str
    #: The AWS provider major version the bindings were generated for.
    aws_provider_major: int
    #: The version of the installed bindings.
    bindings_version: str

    @property
    def lean_import(self) -> bool:
        """Whether the bindings' ``__init__`` imports every submodule, so that the library
        starts them lean (cdktf's do, 19.x and 21.x; cdktn's load submodules lazily)."""
        return self.framework_package == "cdktf"


def _installed(module: str) -> bool:
    return module in sys.modules or importlib.util.find_spec(module) is not None


def _cdktf_line() -> Line:
    version = importlib.metadata.version("cdktf-cdktf-provider-aws")
    # 19.x binds AWS provider 5.x; 20.x and later bind 6.x (and need cdktf 0.21).
    major = 5 if int(version.split(".")[0]) < 20 else 6
    return Line(
        name=f"cdktf-aws{major}",
        framework_package="cdktf",
        provider_package="cdktf_cdktf_provider_aws",
        aws_provider_major=major,
        bindings_version=version,
    )


def _cdktn_line() -> Line:
    return Line(
        name="cdktn",
        framework_package="cdktn",
        provider_package="cdktn_provider_aws",
        aws_provider_major=6,
        bindings_version=importlib.metadata.version("cdktn-provider-aws"),
    )


def _pick() -> Tuple[Line, Optional[str]]:
    """The line, and a warning text when the choice was a guess."""
    cdktf = _installed("cdktf") and _installed("cdktf_cdktf_provider_aws")
    cdktn = _installed("cdktn") and _installed("cdktn_provider_aws")
    if not (cdktf or cdktn):
        raise ImportError(
            "cdktf_aws_ecr needs a CDK framework and its AWS provider bindings, and none is "
            f"installed (cdktf with cdktf-cdktf-provider-aws, or cdktn with cdktn-provider-aws): {_EXTRAS}"
        )
    if cdktf != cdktn:
        return (_cdktf_line() if cdktf else _cdktn_line()), None
    chosen = os.environ.get(FRAMEWORK_ENV, "")
    if chosen not in ("", "cdktf", "cdktn"):
        raise ImportError(f"{FRAMEWORK_ENV}={chosen!r}: expected 'cdktf' or 'cdktn'")
    if chosen:
        return (_cdktf_line() if chosen == "cdktf" else _cdktn_line()), None
    imported = [name for name in ("cdktf", "cdktn") if name in sys.modules]
    if len(imported) == 1:
        return (_cdktf_line() if imported == ["cdktf"] else _cdktn_line()), None
    line = _cdktf_line()
    return line, (
        f"cdktf_aws_ecr: both cdktf and cdktn are installed; using cdktf ({line.name}, "
        f"cdktf-cdktf-provider-aws {line.bindings_version}). Set {FRAMEWORK_ENV}=cdktn to use "
        "CDK Terrain, or =cdktf to silence this: constructs of the two cannot share an app."
    )


LINE, _GUESS = _pick()
if _GUESS is not None:
    warnings.warn(_GUESS, FrameworkChoiceWarning, stacklevel=2)


def framework() -> ModuleType:
    """The framework's module (``cdktf`` or ``cdktn``): ``App``, ``TerraformStack``..."""
    return importlib.import_module(LINE.framework_package)


def provider_bindings(submodule: str) -> ModuleType:
    """A submodule of the AWS provider bindings, e.g. ``provider_bindings("kms_key").KmsKey``."""
    return importlib.import_module(f"{LINE.provider_package}.{submodule}")


def needs_aws_provider_6(feature: str) -> Optional[str]:
    """None on a 6.x line; else why ``feature`` is refused (names the lines that have it)."""
    if LINE.aws_provider_major >= 6:
        return None
    return (
        f"{feature} exists only in AWS provider 6.x, and this process runs the {LINE.name} line "
        f"(cdktf-cdktf-provider-aws {LINE.bindings_version}, AWS provider 5.x); install "
        "'cdktf-aws-ecr[cdktf-aws6]' or 'cdktf-aws-ecr[cdktn]' to use it"
    )
