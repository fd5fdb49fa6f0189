"""Synthesize the example app in a fresh process, for start-up comparisons.

    python tests/synth_driver.py OUTDIR [--simulate-layout-change]

``--simulate-layout-change`` runs the library's lean-import module against a
provider ``__init__`` it does not recognise, which must fall back to the stock
import with a warning. Prints one JSON line: how the bindings were started and
how many provider submodules the process imported.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import warnings
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))


def _run_changed_layout_fallback() -> dict:
    path = REPO_ROOT / "lib" / "cdktf_aws_ecr" / "_lean_import.py"
    spec = importlib.util.spec_from_file_location("lean_import_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module._EAGER_IMPORTS_MARKER = "# a marker this provider release does not have"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mode = module.install()
    return {
        "mode": mode,
        "warnings": [str(w.message) for w in caught if w.category is module.LeanImportFallbackWarning],
    }


def main() -> None:
    outdir = sys.argv[1]
    report: dict = {}
    if "--simulate-layout-change" in sys.argv[2:]:
        report["fallback"] = _run_changed_layout_fallback()

    from cdktf import App

    import cdktf_aws_ecr
    from stacks import DeploySettings, build_app

    app = App(outdir=outdir)
    build_app(app, DeploySettings(state_dir="/state"))
    app.synth()
    report["mode"] = cdktf_aws_ecr._lean_import.mode
    report["provider_submodules"] = sum(
        1 for name in sys.modules if name.startswith("cdktf_cdktf_provider_aws.")
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
