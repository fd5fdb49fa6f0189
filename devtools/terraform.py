"""Run the real ``terraform`` offline, through a provider mirror chosen by configuration.

Air-gapped machines install providers from a filesystem mirror. Point
``TF_PROVIDER_MIRROR`` at one (a directory holding
``registry.terraform.io/hashicorp/aws/<version>/<os_arch>/``), or let
``python -m devtools.terraform configure`` find one, and this writes a
Terraform CLI configuration to ``.cache/terraformrc`` that installs providers
from it, with a shared plugin cache so each ``terraform init`` links the
provider instead of copying it. Machines that reach the public registry need
none of this: without a mirror, Terraform's defaults apply.

Terraform's plugin cache is not safe for concurrent writers: two
``terraform init`` runs that both miss it race to install the same provider
into it, and one fails with "mkdir ...: file exists". So every init run here
takes a lock while the cache is cold, and :func:`fill_plugin_cache` fills it
before the cdktf CLI starts its own inits in parallel.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Sequence, Set

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


def _config_setting(env: Mapping[str, str], pattern: str) -> Optional[Path]:
    config = env.get("TF_CLI_CONFIG_FILE")
    if not config or not os.path.isfile(config):
        return None
    match = re.search(pattern, Path(config).read_text(), re.MULTILINE)
    return Path(match.group(1)) if match else None


def plugin_cache_dir(env: Mapping[str, str]) -> Optional[Path]:
    """The plugin cache terraform uses under ``env``, if any."""
    if env.get("TF_PLUGIN_CACHE_DIR"):
        return Path(env["TF_PLUGIN_CACHE_DIR"])
    return _config_setting(env, r'^\s*plugin_cache_dir\s*=\s*"([^"]+)"')


@functools.lru_cache(maxsize=None)
def terraform_platform() -> str:
    """``<os>_<arch>`` of the terraform binary: the only platform folder it installs."""
    shown = subprocess.run(
        [terraform_binary(), "version", "-json"], capture_output=True, text=True, check=True, timeout=60
    )
    return str(json.loads(shown.stdout)["platform"])


def _provider_versions(root: Path) -> Set[str]:
    """AWS provider versions under ``root`` with a package for this platform."""
    return {
        binary.parent.parent.name
        for binary in root.glob(PROVIDER_GLOB)
        if binary.parent.name == terraform_platform()
    }


# Stands for "whichever version init picks" when no mirror says which exist.
ANY_VERSION = ""


def _missing_versions(cache: Path, mirror: Optional[Path]) -> Set[str]:
    """Versions the mirror offers this platform that the cache lacks; without
    a known mirror, any version while the cache is empty."""
    cached = _provider_versions(cache)
    if mirror is None:
        return set() if cached else {ANY_VERSION}
    return _provider_versions(mirror) - cached


@contextlib.contextmanager
def plugin_cache_lock(env: Mapping[str, str]) -> Iterator[Set[str]]:
    """Hold an exclusive lock on the plugin cache while it lacks a provider
    version the mirror holds; yields those versions (empty: warm, not held).
    A flock works across threads (each opens its own file description) and
    across processes."""
    cache = plugin_cache_dir(env)
    if cache is None:
        yield set()
        return
    cache.mkdir(parents=True, exist_ok=True)
    mirror = _config_setting(env, r'^\s*path\s*=\s*"([^"]+)"')
    with open(cache / ".install.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        missing = _missing_versions(cache, mirror)
        if not missing:
            # Inits that only link cached providers may run side by side.
            fcntl.flock(handle, fcntl.LOCK_UN)
        yield missing


def fill_plugin_cache(env: Optional[Mapping[str, str]] = None) -> bool:
    """Install each provider version the cache lacks with one ``terraform
    init`` of a scratch configuration pinned to it. Returns whether it had to."""
    env = environ(env)
    with plugin_cache_lock(env) as missing:
        for version in sorted(missing):
            provider = {"source": "hashicorp/aws", **({"version": version} if version != ANY_VERSION else {})}
            with tempfile.TemporaryDirectory(prefix="fill-plugin-cache-") as scratch:
                (Path(scratch) / "main.tf.json").write_text(json.dumps(
                    {"terraform": {"required_providers": {"aws": provider}}}
                ))
                _run_unlocked(["init", "-input=false", "-no-color", "-backend=false"], Path(scratch), env, True, 300)
        return bool(missing)


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
    env = environ(env)
    if args and args[0] == "init":
        with plugin_cache_lock(env):
            return _run_unlocked(args, cwd, env, check, timeout)
    return _run_unlocked(args, cwd, env, check, timeout)


def _run_unlocked(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], check: bool, timeout: float
) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [terraform_binary(), *args],
        cwd=cwd,
        env=env,
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
