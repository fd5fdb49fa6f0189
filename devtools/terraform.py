"""Run the real ``terraform`` offline, through a provider mirror chosen by configuration.

Air-gapped machines install providers from a filesystem mirror. Point
``TF_PROVIDER_MIRROR`` at one (a directory holding
``registry.terraform.io/hashicorp/aws/<version>/<os_arch>/``), or let
``python -m devtools.terraform configure`` find one, and this writes a
Terraform CLI configuration to ``.cache/terraformrc`` that installs providers
from it, with a shared plugin cache so each ``terraform init`` links the
provider instead of copying it. Machines that reach the public registry need
none of this: without a mirror, Terraform's defaults apply.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = REPO_ROOT / ".cache"
CLI_CONFIG = CACHE_DIR / "terraformrc"
PLUGIN_CACHE = CACHE_DIR / "terraform-plugins"
MIRROR_ENV = "TF_PROVIDER_MIRROR"
PROVIDER_GLOB = "registry.terraform.io/hashicorp/aws/5.*/*/terraform-provider-aws*"
# Roots searched for a mirror when TF_PROVIDER_MIRROR is not set.
SEARCH_ROOTS = ("/opt", "/usr/local/share", "/usr/share", str(Path.home()))


def find_mirror(roots: Sequence[str] = SEARCH_ROOTS) -> Optional[Path]:
    """The first directory under ``roots`` that holds an AWS 5.x provider mirror."""
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            if Path(dirpath).name == "registry.terraform.io":
                mirror = Path(dirpath).parent
                if any(mirror.glob(PROVIDER_GLOB)):
                    return mirror
                dirnames[:] = []
            # Skip trees that cannot hold a mirror, and our own cache.
            dirnames[:] = [
                d for d in dirnames
                if not d.startswith(".") and d not in ("node_modules", "site-packages", "proc")
            ]
    return None


def cli_config_text(mirror: Path, plugin_cache: Path) -> str:
    return (
        "# Written by devtools/terraform.py: providers come from a local mirror.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/*/*"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["registry.terraform.io/*/*"]\n'
        "  }\n"
        "}\n"
        f'plugin_cache_dir = "{plugin_cache}"\n'
        "plugin_cache_may_break_dependency_lock_file = true\n"
    )


def configure(mirror: Optional[Path] = None) -> Optional[Path]:
    """Write ``.cache/terraformrc`` for ``mirror`` (or $TF_PROVIDER_MIRROR, or a
    discovered mirror). Returns the config path, or None when there is no mirror."""
    if mirror is None and os.environ.get(MIRROR_ENV):
        mirror = Path(os.environ[MIRROR_ENV])
    if mirror is None:
        mirror = find_mirror()
    if mirror is None:
        return None
    mirror = mirror.resolve()
    if not any(mirror.glob(PROVIDER_GLOB)):
        raise SystemExit(f"{MIRROR_ENV}={mirror} holds no hashicorp/aws 5.x provider ({PROVIDER_GLOB})")
    PLUGIN_CACHE.mkdir(parents=True, exist_ok=True)
    text = cli_config_text(mirror, PLUGIN_CACHE)
    if not CLI_CONFIG.exists() or CLI_CONFIG.read_text() != text:
        CLI_CONFIG.write_text(text)
    return CLI_CONFIG


def environ(base: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """``base`` (default: this process's environment) set up for our terraform runs."""
    env = dict(os.environ if base is None else base)
    configured = env.get("TF_CLI_CONFIG_FILE")
    if CLI_CONFIG.exists() and not (configured and os.path.exists(configured)):
        env["TF_CLI_CONFIG_FILE"] = str(CLI_CONFIG)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    return env


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if found is None:
        raise SystemExit("terraform is not on PATH; install Terraform >= 1.5")
    return found


def run(
    args: Sequence[str],
    cwd: Path,
    env: Optional[Mapping[str, str]] = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run ``terraform <args>`` in ``cwd``; on failure raise with its output."""
    result = subprocess.run(
        [terraform_binary(), *args],
        cwd=cwd,
        env=environ(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, result.args, output=result.stdout, stderr=result.stderr
        )
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.terraform")
    sub = parser.add_subparsers(dest="command", required=True)
    conf = sub.add_parser("configure", help="write .cache/terraformrc for a provider mirror")
    conf.add_argument("--mirror", type=Path, help=f"mirror directory (default: ${MIRROR_ENV} or search)")
    args = parser.parse_args(argv)
    path = configure(args.mirror)
    if path is None:
        print("no provider mirror found; terraform will use the public registry", file=sys.stderr)
    else:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
