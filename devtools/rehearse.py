"""Local rehearsal: ``cdktf deploy`` of every environment to a local AWS endpoint.

    python -m devtools.rehearse deploy     # make deploy-local
    python -m devtools.rehearse destroy    # make destroy-local
    python -m devtools.rehearse status     # what a rehearsal left behind
    python -m devtools.rehearse serve      # its endpoint in the foreground, to look around

``deploy`` synthesizes the example app with every environment in ONE emulated
account (123456789012) and ONE region (us-east-1), so dev, stage and prod share
a registry and prod owns its scanning settings. It starts a moto server on
127.0.0.1 (no AWS account, no network beyond loopback), reviews a plan of every
stack (``python -m cdktf_aws_ecr.review --live``) and stops on a refusal, then
runs the real ``cdktf deploy dev stage prod --auto-approve``, prints each
stack's outputs and stops the endpoint.

The endpoint keeps no state of its own once stopped, so the rehearsal keeps it:
when the endpoint stops (also after a failure or Ctrl-C), its emulated
resources are saved to ``.cache/rehearsal/endpoint.pickle`` and restored the
next time a rehearsal starts it. Terraform state goes to
``.cache/rehearsal/state/`` (never next to real state), the synthesized stacks
to ``.cache/rehearsal/cdktf.out/`` (``make synth``'s ``cdktf.out`` stays
untouched), and the full cdktf/terraform output of the last run to
``.cache/rehearsal/last-run.log``. No process outlives a command.

``destroy`` restarts the endpoint from that snapshot and runs
``cdktf destroy``. Prod's repositories carry ``prevent_destroy``; the
rehearsal lifts it in its own copy of the synthesized stacks only, because the
emulated account is disposable. Repositories with ``force_delete = false``
that hold images still refuse to be destroyed, as they would in AWS. After a
complete destroy the rehearsal's files are removed; ``make clean`` discards
them without destroying anything.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import io
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

from devtools import terraform as tf
from devtools.local_aws import ACCOUNT_ID, LocalAws, free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
REHEARSAL_DIR = REPO_ROOT / ".cache" / "rehearsal"
CDKTF = REPO_ROOT / "node_modules" / ".bin" / "cdktf"
REGION = "us-east-1"
#: Deploy settings of stacks/environments.py DeploySettings that a rehearsal must not inherit
#: (ECR_FULL_REGISTRY adds what the local endpoint cannot create).
_REAL_DEPLOY_VARIABLES = (
    "ECR_STATE_BUCKET", "ECR_STATE_REGION", "ECR_STATE_KEY_PREFIX", "ECR_FULL_REGISTRY",
)
SNAPSHOT_FORMAT = 1

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\r")
#: cdktf's interactive status lines and spinners: useless in a log.
_NOISE = re.compile(
    r"^\s*(?:[⠁-⣿]\s.*|\d+ Stacks? (?:deploying|destroying|done|waiting).*"
    r"|(?:Synthesizing|Processing|Starting)\s*)$"
)
#: Terraform events worth showing while a deploy runs (everything else goes to the log).
_PROGRESS = re.compile(
    r"(?:Creating\.\.\.|Creation complete|Modifying\.\.\.|Modifications complete"
    r"|Destroying\.\.\.|Destruction complete|Still (?:creating|modifying|destroying)"
    r"|Apply complete!|Destroy complete!|Plan: |No changes\.|Error|error:|Refusing|failed)"
)


class RehearsalError(Exception):
    """A step failed; the message says which and why."""


class RehearsalBusy(RehearsalError):
    """Another rehearsal command holds the lock; nothing was done."""


class ReviewRefused(RehearsalError):
    """The plan review refused the plans; nothing was applied."""


@contextlib.contextmanager
def terraform_errors(failure: str) -> Iterator[None]:
    """Turn a failed ``tf.run`` into a :class:`RehearsalError`: ``failure``,
    then Terraform's own error output."""
    try:
        yield
    except subprocess.CalledProcessError as error:
        raise RehearsalError(f"{failure}:\n{error.stderr or error.output}") from None


# --------------------------------------------------------------------------
# Paths, environment, progress
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def outdir(self) -> Path:
        return self.root / "cdktf.out"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def snapshot(self) -> Path:
        return self.root / "endpoint.pickle"

    @property
    def endpoint_log(self) -> Path:
        return self.root / "endpoint.log"

    @property
    def run_log(self) -> Path:
        return self.root / "last-run.log"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs.json"

    @property
    def incomplete(self) -> Path:
        """Present while a deploy runs; left behind if it did not finish."""
        return self.root / "deploy.incomplete"

    @property
    def lock(self) -> Path:
        return self.root / "lock"

    def state_files(self) -> List[Path]:
        return sorted(self.state_dir.glob("*.tfstate")) if self.state_dir.is_dir() else []


class Progress:
    """Step lines with the seconds elapsed since the command started."""

    def __init__(self, stream=None, log: Optional[Path] = None) -> None:
        self.start = time.monotonic()
        self.stream = stream if stream is not None else sys.stdout
        self._log = open(log, "w", encoding="utf-8") if log else None
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def step(self, text: str) -> None:
        self._emit(f"[{self.elapsed():6.1f}s] {text}")

    def detail(self, text: str, show: bool = True) -> None:
        line = f"[{self.elapsed():6.1f}s]     {text}"
        if show:
            self._emit(line)
        elif self._log:
            with self._lock:
                self._log.write(line + "\n")
                self._log.flush()

    def _emit(self, line: str) -> None:
        with self._lock:
            print(line, file=self.stream, flush=True)
            if self._log:
                self._log.write(line + "\n")
                self._log.flush()

    def close(self) -> None:
        if self._log:
            self._log.close()
            self._log = None


def rehearsal_environ(
    state_dir: Path,
    endpoint: Optional[LocalAws] = None,
    base: Optional[Mapping[str, str]] = None,
) -> Dict[str, str]:
    """The environment for cdktf and terraform: one account, one region,
    state under ``state_dir``, AWS calls to ``endpoint`` (if given)."""
    env = tf.environ(base)
    for name in _REAL_DEPLOY_VARIABLES:
        env.pop(name, None)
    env.update(
        ECR_REGION=REGION,
        ECR_ACCOUNT_ID=ACCOUNT_ID,
        ECR_STATE_DIR=str(state_dir),
        CHECKPOINT_DISABLE="1",
        CDKTF_DISABLE_PLUGIN_CACHE_ENV="1",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        # No crash reports or telemetry leave the machine.
        CDKTF_DISABLE_TELEMETRY="true",
        FORCE_COLOR="0",
    )
    if endpoint is not None:
        env = endpoint.environ(REGION, base=env)
    else:
        # Synthesis needs no credentials; make sure none leak into it either.
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(name, None)
    return env


def stack_names(outdir: Path) -> List[str]:
    """Stacks of a synthesized app, in manifest order."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    return list(manifest["stacks"])


# --------------------------------------------------------------------------
# The endpoint: moto on loopback, saved on stop and restored on start
# --------------------------------------------------------------------------


def _backend_dicts() -> Iterator[tuple]:
    """(module, attribute, BackendDict) of every moto service that holds data."""
    from moto.core.base_backend import BackendDict

    for backend_dict in list(BackendDict._instances):  # moto's registry of services in use
        module_name = backend_dict.backend.__module__
        module = sys.modules.get(module_name)
        if module is None or module_name.startswith("moto.moto_api"):
            continue
        for attribute, value in vars(module).items():
            if value is backend_dict:
                yield module_name, attribute, backend_dict
                break


class _SnapshotPickler(pickle.Pickler):
    """Pickles moto's models: locks are recreated, private keys kept as PEM."""

    def reducer_override(self, obj):  # noqa: D102
        if isinstance(obj, type(threading.RLock())):
            return threading.RLock, ()
        if isinstance(obj, type(threading.Lock())):
            return threading.Lock, ()
        module = type(obj).__module__ or ""
        if module.startswith("cryptography.") and hasattr(obj, "private_bytes"):
            from cryptography.hazmat.primitives import serialization

            pem = obj.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            return _load_private_key, (pem,)
        return NotImplemented


def _load_private_key(pem: bytes):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=None)


def save_snapshot(path: Path) -> int:
    """Write every emulated resource to ``path`` (atomically). Returns its size."""
    import moto

    data = {
        (module, attribute): dict(backend_dict)
        for module, attribute, backend_dict in _backend_dicts()
    }
    buffer = io.BytesIO()
    _SnapshotPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
        {"format": SNAPSHOT_FORMAT, "moto": moto.__version__, "backends": data}
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)
    return len(buffer.getvalue())


def load_snapshot(path: Path) -> int:
    """Put the resources saved in ``path`` back into this process's moto. Returns
    the number of services restored. The file is our own (written by save_snapshot)."""
    import importlib

    import moto
    from moto.core.base_backend import BackendDict

    with open(path, "rb") as handle:
        snapshot = pickle.load(handle)
    if snapshot.get("format") != SNAPSHOT_FORMAT or snapshot.get("moto") != moto.__version__:
        raise RehearsalError(
            f"{path} was written by moto {snapshot.get('moto')} (format {snapshot.get('format')}); "
            f"this is moto {moto.__version__}. Run `make clean` to discard the old rehearsal."
        )
    for (module_name, attribute), accounts in snapshot["backends"].items():
        live = getattr(importlib.import_module(module_name), attribute)
        dict.clear(live)
        dict.update(live, accounts)
        if live not in BackendDict._instances:
            BackendDict._instances.append(live)
    return len(snapshot["backends"])


def serve(port: int, snapshot: Path, parent: Optional[int] = None, verbose: bool = True) -> int:
    """Run moto on 127.0.0.1:``port`` until SIGTERM/SIGINT, or until process
    ``parent`` is gone, then save ``snapshot``."""
    from moto.server import ThreadedMotoServer

    if snapshot.exists():
        services = load_snapshot(snapshot)
        print(f"restored {services} services from {snapshot}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=verbose)
    server.start()
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    try:
        while not stop.wait(1):
            if parent is not None and not _alive(parent):
                print(f"process {parent} is gone; stopping", flush=True)
                break
    finally:
        server.stop()
        size = save_snapshot(snapshot)
        print(f"saved {size} bytes to {snapshot}", flush=True)
    return 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RehearsalEndpoint(LocalAws):
    """A :class:`LocalAws` whose emulated resources survive a stop.

    ``stop()`` asks the server to save them to ``snapshot``; ``start()``
    restores them. The server runs in its own process group, so a Ctrl-C of the
    rehearsal reaches it only through ``stop()``.
    """

    def __init__(self, snapshot: Path, log_path: Path, port: Optional[int] = None) -> None:
        super().__init__(port=port, log_path=log_path)
        self.snapshot = snapshot
        self.saved = False

    failure = RehearsalError

    def command(self) -> List[str]:
        return [
            sys.executable, "-m", "devtools.rehearse", "serve",
            "--port", str(self.port), "--snapshot", str(self.snapshot),
            "--parent", str(os.getpid()),
        ]

    def start(self, timeout: float = 60) -> "RehearsalEndpoint":
        self.snapshot.parent.mkdir(parents=True, exist_ok=True)
        super().start(timeout)
        return self

    def abandon(self) -> None:
        self.kill()

    def stop(self, timeout: float = 120) -> None:
        """Save the emulated resources and stop; kill the process group if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.saved = self.process.wait(timeout=timeout) == 0
        except subprocess.TimeoutExpired:
            self.kill()
        if not self.saved:
            raise RehearsalError(f"the local endpoint did not save its state; see {self.log_path}")

    def kill(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


# --------------------------------------------------------------------------
# cdktf and terraform
# --------------------------------------------------------------------------


@dataclass
class CdktfRun:
    """What one cdktf command printed, cleaned, and per stack."""

    command: List[str]
    returncode: int = 0
    lines: List[str] = field(default_factory=list)
    by_stack: Dict[str, List[str]] = field(default_factory=dict)

    def stack_errors(self, stacks: Sequence[str]) -> Dict[str, List[str]]:
        """Terraform's error text of each stack that failed."""
        errors: Dict[str, List[str]] = {}
        for stack in stacks:
            block = self.by_stack.get(stack, [])
            first = next(
                (i for i, line in enumerate(block) if re.search(r"(?:^|[│\s])Error:", line)), None
            )
            if first is not None:
                errors[stack] = _trim_error(block[first:])
        return errors

    def tail(self, count: int = 30) -> List[str]:
        return self.lines[-count:]


def _trim_error(lines: List[str], limit: int = 40) -> List[str]:
    kept = [line.rstrip() for line in lines if line.strip() and line.strip() != "│"]
    return kept[:limit] + ([f"... ({len(kept) - limit} more lines in the log)"] if len(kept) > limit else [])


class StackAttribution:
    """Which stack a cleaned cdktf line belongs to.

    cdktf prefixes a stack's output with its name (``prod  Error: ...``) and
    indents the continuation lines; anything else is cdktf's own.
    """

    def __init__(self, stacks: Sequence[str]) -> None:
        self._prefix = (
            re.compile(r"^(%s)(?:\s{2,}|$)(.*)$" % "|".join(map(re.escape, stacks))) if stacks else None
        )
        self._current: Optional[str] = None

    def __call__(self, line: str) -> tuple:
        """``(stack or None, text without the prefix)``."""
        match = self._prefix.match(line) if self._prefix else None
        if match:
            self._current = match.group(1)
            return self._current, match.group(2)
        if line.startswith(" ") and self._current is not None:
            return self._current, line.strip()
        self._current = None
        return None, line


def clean_line(raw: str) -> Optional[str]:
    """One line of cdktf output without colours and spinners, or None if noise."""
    line = _ANSI.sub("", raw).rstrip()
    if not line.strip() or _NOISE.match(line):
        return None
    return line


def run_cdktf(
    args: Sequence[str],
    env: Mapping[str, str],
    stacks: Sequence[str],
    progress: Optional[Progress] = None,
    verbose: bool = False,
    timeout: float = 900,
) -> CdktfRun:
    """Run the project's pinned cdktf CLI, streaming its output.

    Every cleaned line goes to the progress log; Terraform's resource events
    and errors are also shown (all lines with ``verbose``). Lines are grouped
    by the stack name cdktf prefixes them with.
    """
    if not CDKTF.exists():
        raise RehearsalError(f"{CDKTF} is missing; run `make setup` (npm ci) first")
    command = [str(CDKTF), *args]
    run = CdktfRun(command=command)
    attribute = StackAttribution(stacks)
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    timer = threading.Timer(timeout, lambda: _killpg(process))
    timer.start()
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            line = clean_line(raw)
            if line is None:
                continue
            run.lines.append(line)
            current, text = attribute(line)
            if current is not None:
                run.by_stack.setdefault(current, []).append(text)
            if progress is not None:
                shown = f"{current}: {text}" if current else text
                progress.detail(shown, show=verbose or bool(_PROGRESS.search(text)))
        run.returncode = process.wait()
    except BaseException:
        _killpg(process)
        raise
    finally:
        timer.cancel()
        _killpg(process)  # whatever cdktf left behind in its group (terraform, providers)
    return run


def _killpg(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.wait(timeout=10)


def init_stacks(
    outdir: Path,
    stacks: Sequence[str],
    env: Mapping[str, str],
    progress: Optional[Progress] = None,
) -> None:
    """``terraform init`` each stack folder that has no dependency lock file.

    ``cdktf deploy`` runs ``terraform providers lock`` when the lock file is
    missing, which needs the public registry; once it exists (``cdktf synth``
    keeps it) deploy only runs ``terraform init``, which the CLI config serves
    from the offline mirror.
    """
    # The stacks' inits below, and the ones cdktf runs, go in parallel: they
    # must find the provider already in the shared plugin cache.
    with terraform_errors("terraform init of the provider into the plugin cache failed"):
        if tf.fill_plugin_cache(env) and progress:
            progress.detail("provider installed into the plugin cache")
    todo = [s for s in stacks if not (outdir / "stacks" / s / ".terraform.lock.hcl").exists()]

    def init(stack: str) -> None:
        with terraform_errors(f"terraform init failed for stack {stack}"):
            tf.run(["init", "-input=false", "-no-color"], outdir / "stacks" / stack, env, timeout=300)
        if progress:
            progress.detail(f"{stack}: terraform init done")

    if todo:
        with ThreadPoolExecutor(max_workers=len(todo)) as pool:
            list(pool.map(init, todo))


def lift_prevent_destroy(outdir: Path, stacks: Sequence[str]) -> List[str]:
    """Set ``lifecycle.prevent_destroy = false`` in the synthesized JSON under
    ``outdir`` (the rehearsal's own copy). Returns the addresses changed."""
    lifted = []
    for stack in stacks:
        path = outdir / "stacks" / stack / "cdk.tf.json"
        config = json.loads(path.read_text())
        for rtype, resources in config.get("resource", {}).items():
            for name, body in resources.items():
                lifecycle = body.get("lifecycle") or {}
                if lifecycle.get("prevent_destroy"):
                    lifecycle["prevent_destroy"] = False
                    lifted.append(f"{stack}: {rtype}.{name}")
        path.write_text(json.dumps(config, indent=2))
    return lifted


def synth(paths: Paths, progress: Progress, verbose: bool) -> List[str]:
    progress.step(f"synthesizing the app into {_rel(paths.outdir)} (cdktf synth)")
    env = rehearsal_environ(paths.state_dir)
    run = run_cdktf(["synth", "--output", str(paths.outdir)], env, (), progress, verbose)
    if run.returncode != 0:
        raise RehearsalError("cdktf synth failed:\n" + "\n".join(run.tail()))
    stacks = stack_names(paths.outdir)
    progress.step(f"synthesized stacks: {', '.join(stacks)}")
    return stacks


def _rel(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(REPO_ROOT))
    return str(path)


def _failure(action: str, run: CdktfRun, stacks: Sequence[str]) -> RehearsalError:
    errors = run.stack_errors(stacks)
    if not errors:
        return RehearsalError(
            f"cdktf {action} failed (exit {run.returncode}); last output:\n" + "\n".join(run.tail())
        )
    text = [f"cdktf {action} failed in stack(s): {', '.join(errors)}"]
    for stack, lines in errors.items():
        text.append(f"--- {stack}: Terraform said:")
        text.extend(f"    {line}" for line in lines)
    return RehearsalError("\n".join(text))


#: Resources whose create call fails if an earlier, interrupted run already made
#: the object but Terraform never recorded it: (name attribute, import ID = name).
#: The rest of these stacks either write idempotently (lifecycle and repository
#: policies, registry scanning: put calls) or cannot be found by name (a KMS key:
#: an interrupted create leaves a second key, which is reported, not adopted).
ADOPTABLE_TYPES = ("aws_ecr_repository", "aws_iam_role", "aws_kms_alias")


def _exists(client_for: Callable[[str], object], rtype: str, name: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        if rtype == "aws_ecr_repository":
            client_for("ecr").describe_repositories(repositoryNames=[name])
        elif rtype == "aws_iam_role":
            client_for("iam").get_role(RoleName=name)
        elif rtype == "aws_kms_alias":
            pages = client_for("kms").get_paginator("list_aliases").paginate()
            return any(a["AliasName"] == name for page in pages for a in page["Aliases"])
        else:
            return False
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("RepositoryNotFoundException", "NoSuchEntity", "NotFoundException"):
            return False
        raise
    return True


def aws_clients(env: Mapping[str, str]) -> Callable[[str], object]:
    """boto3 clients for the endpoint and region in ``env``."""
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_REGION"],
    )
    cache: Dict[str, object] = {}

    def client(service: str) -> object:
        if service not in cache:
            cache[service] = session.client(service, endpoint_url=env["AWS_ENDPOINT_URL"])
        return cache[service]

    return client


def adopt_orphans(
    outdir: Path,
    stack: str,
    env: Mapping[str, str],
    progress: Optional[Progress] = None,
) -> List[str]:
    """Import what an interrupted deploy created but never recorded.

    Terraform records a resource only after its create call returns. A deploy
    killed in between leaves the object in the account and not in the state,
    and every later deploy fails on it ("already exists"). For each resource of
    :data:`ADOPTABLE_TYPES` that the stack declares by a literal name, that is
    missing from the state and that exists at the endpoint, this runs
    ``terraform import``. Only for the rehearsal's disposable endpoint: in a
    real account a same-named object may be someone else's (see the recovery
    steps in docs/environments.md). Returns the imported addresses.
    """
    workdir = outdir / "stacks" / stack
    config = json.loads((workdir / "cdk.tf.json").read_text())
    listed = tf.run(["state", "list", "-no-color"], workdir, env, check=False)
    in_state = set(listed.stdout.split()) if listed.returncode == 0 else set()
    client_for = aws_clients(env)
    adopted = []
    for rtype in ADOPTABLE_TYPES:
        for name, body in config.get("resource", {}).get(rtype, {}).items():
            address = f"{rtype}.{name}"
            remote = body.get("name")
            if address in in_state or not isinstance(remote, str) or "${" in remote:
                continue
            if not _exists(client_for, rtype, remote):
                continue
            if progress:
                progress.detail(f"{stack}: adopting {address} ({remote}), created by an interrupted run")
            with terraform_errors(f"stack {stack}: terraform import {address} {remote} failed"):
                tf.run(["import", "-input=false", "-no-color", address, remote], workdir, env, timeout=300)
            adopted.append(address)
    return adopted


def unrecorded_keys(env: Mapping[str, str], state_files: Iterable[Path]) -> List[str]:
    """Customer-managed KMS keys at the endpoint that no state file records.

    A deploy interrupted during ``CreateKey`` leaves such a key behind (the
    re-run creates another); keys cannot be matched by name, so they are
    reported rather than adopted.
    """
    recorded = set()
    for path in state_files:
        text = path.read_text() if path.exists() else ""
        for resource in json.loads(text or "{}").get("resources", []):
            if resource.get("type") == "aws_kms_key" and resource.get("mode") == "managed":
                recorded.update(i["attributes"].get("key_id") for i in resource.get("instances", []))
    kms = aws_clients(env)("kms")
    extra = []
    for page in kms.get_paginator("list_keys").paginate():
        for key in page["Keys"]:
            metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            if (
                metadata.get("KeyManager") == "CUSTOMER"
                and metadata.get("KeyState") not in ("PendingDeletion", "PendingReplicaDeletion")
                and key["KeyId"] not in recorded
            ):
                extra.append(key["KeyId"])
    return sorted(extra)


def review_stacks(
    outdir: Path,
    stacks: Sequence[str],
    env: Mapping[str, str],
    progress: Optional[Progress] = None,
) -> None:
    """Review a plan of every stack together, as CI does before it applies:
    ``python -m cdktf_aws_ecr.review --live --stack-dir ...``. Raises
    :class:`RehearsalError` with the review's report when it refuses."""
    command = [
        sys.executable, "-m", "cdktf_aws_ecr.review", "--live",
        *(f"--stack-dir={outdir / 'stacks' / stack}" for stack in stacks),
    ]
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=dict(env), capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=900,
    )
    report = result.stdout.rstrip().splitlines()
    if result.returncode == 1:
        raise ReviewRefused(
            "the plan review refused the plans; nothing was applied:\n" + "\n".join(report)
        )
    if result.returncode != 0:
        raise RehearsalError(f"the plan review failed (exit {result.returncode}):\n{result.stderr}")
    if progress:
        for line in report:
            progress.detail(line, show=line.startswith(("WARNING", "  What", "Passed")))


def deploy_stacks(
    outdir: Path,
    stacks: Sequence[str],
    env: Mapping[str, str],
    outputs_file: Path,
    progress: Optional[Progress] = None,
    verbose: bool = False,
    adopt: bool = False,
    review: bool = False,
) -> Dict[str, Dict[str, str]]:
    """``cdktf deploy <stacks> --auto-approve --skip-synth`` of an already
    synthesized app; returns the stacks' outputs. Raises :class:`RehearsalError`
    naming the failing stacks and quoting Terraform's errors. With ``adopt``,
    first :func:`adopt_orphans` of an interrupted earlier deploy; with
    ``review``, then :func:`review_stacks`, which stops on a refusal."""
    init_stacks(outdir, stacks, env, progress)
    if adopt:
        with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
            list(pool.map(lambda stack: adopt_orphans(outdir, stack, env, progress), stacks))
    if review:
        if progress:
            progress.step("reviewing the plans (python -m cdktf_aws_ecr.review --live)")
        review_stacks(outdir, stacks, env, progress)
    with contextlib.suppress(FileNotFoundError):
        outputs_file.unlink()
    run = run_cdktf(
        ["deploy", *stacks, "--auto-approve", "--skip-synth", "--output", str(outdir),
         "--outputs-file", str(outputs_file)],
        env, stacks, progress, verbose,
    )
    if run.returncode != 0 or not outputs_file.exists():
        raise _failure("deploy", run, stacks)
    return json.loads(outputs_file.read_text())


def destroy_stacks(
    outdir: Path,
    stacks: Sequence[str],
    env: Mapping[str, str],
    progress: Optional[Progress] = None,
    verbose: bool = False,
) -> None:
    init_stacks(outdir, stacks, env, progress)
    run = run_cdktf(
        ["destroy", *stacks, "--auto-approve", "--skip-synth", "--output", str(outdir)],
        env, stacks, progress, verbose,
    )
    if run.returncode != 0:
        raise _failure("destroy", run, stacks)


def print_outputs(outputs: Mapping[str, Mapping[str, str]], stream=None) -> None:
    stream = stream or sys.stdout
    for stack, values in outputs.items():
        print(f"\n  {stack}", file=stream)
        width = max((len(k) for k in values), default=0)
        for key in sorted(values):
            print(f"    {key.ljust(width)} = {values[key]}", file=stream)
    print(file=stream, flush=True)


def repository_names(outdir: Path, stacks: Sequence[str]) -> List[str]:
    """Names of the ECR repositories the synthesized stacks declare."""
    names = []
    for stack in stacks:
        config = json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text())
        for body in config.get("resource", {}).get("aws_ecr_repository", {}).values():
            names.append(body["name"])
    return names


def remaining_repositories(endpoint: LocalAws) -> List[str]:
    import boto3

    client = boto3.client(
        "ecr", endpoint_url=endpoint.url, region_name=REGION,
        aws_access_key_id="test", aws_secret_access_key="test",
    )
    names = []
    for page in client.get_paginator("describe_repositories").paginate():
        names.extend(r["repositoryName"] for r in page["repositories"])
    return sorted(names)


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


@contextlib.contextmanager
def exclusive(paths: Paths) -> Iterator[None]:
    paths.root.mkdir(parents=True, exist_ok=True)
    with open(paths.lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RehearsalBusy(
                f"another rehearsal command is running (it holds {_rel(paths.lock)}); nothing was done"
            ) from None
        yield


@contextlib.contextmanager
def running_endpoint(paths: Paths, progress: Progress) -> Iterator[RehearsalEndpoint]:
    """Start the endpoint (restoring the last rehearsal's resources) and always
    stop it again, saving them."""
    endpoint = RehearsalEndpoint(paths.snapshot, paths.endpoint_log, port=free_port())
    restoring = paths.snapshot.exists()
    progress.step(
        f"starting the local AWS endpoint (moto) on {endpoint.url}"
        + (f", restoring {_rel(paths.snapshot)}" if restoring else "")
    )
    endpoint.start()
    try:
        yield endpoint
    finally:
        progress.step(f"stopping the endpoint; saving its resources to {_rel(paths.snapshot)}")
        try:
            endpoint.stop()
        finally:
            endpoint.kill()


def deploy(paths: Paths, verbose: bool = False) -> int:
    with exclusive(paths):
        progress = Progress(log=paths.run_log)
        try:
            paths.state_dir.mkdir(parents=True, exist_ok=True)
            stacks = synth(paths, progress, verbose)
            with running_endpoint(paths, progress) as endpoint:
                env = rehearsal_environ(paths.state_dir, endpoint)
                progress.step(
                    f"deploying {' '.join(stacks)}: plan review, then cdktf deploy --auto-approve "
                    f"(account {ACCOUNT_ID}, region {REGION}; state in {_rel(paths.state_dir)})"
                )
                resume = paths.incomplete.exists()
                if resume:
                    progress.step(
                        "the last deploy did not finish: adopting what it created but did not record"
                    )
                paths.incomplete.touch()
                try:
                    outputs = deploy_stacks(
                        paths.outdir, stacks, env, paths.outputs, progress, verbose, adopt=resume,
                        review=True,
                    )
                except ReviewRefused:
                    paths.incomplete.unlink()  # nothing was applied
                    raise
                paths.incomplete.unlink()
                extra_keys = unrecorded_keys(env, paths.state_files())
                if extra_keys:
                    progress.step(
                        f"warning: {len(extra_keys)} KMS key(s) at the endpoint are in no state, left by "
                        f"an interrupted deploy: {', '.join(extra_keys)} (in AWS, schedule their deletion)"
                    )
            progress.step(f"deployed {len(stacks)} stacks; outputs (also in {_rel(paths.outputs)}):")
            print_outputs(outputs)
            progress.step(
                "done. `make destroy-local` destroys it; `make clean` discards it unseen."
            )
            return 0
        finally:
            progress.close()


def destroy(paths: Paths, verbose: bool = False) -> int:
    progress = Progress()
    if not paths.snapshot.exists() and not paths.state_files():
        progress.step(f"nothing to destroy: no rehearsal under {_rel(paths.root)}")
        return 0
    with exclusive(paths):
        progress = Progress(log=paths.run_log)
        try:
            stacks = synth(paths, progress, verbose)
            lifted = lift_prevent_destroy(paths.outdir, stacks)
            if lifted:
                progress.step(
                    f"lifting prevent_destroy on {len(lifted)} resources in the rehearsal's copy "
                    f"of the stacks (the emulated account is disposable; real stacks keep it):"
                )
                for address in lifted:
                    progress.detail(address)
            with running_endpoint(paths, progress) as endpoint:
                env = rehearsal_environ(paths.state_dir, endpoint)
                progress.step(f"cdktf destroy {' '.join(stacks)} --auto-approve")
                destroy_stacks(paths.outdir, stacks, env, progress, verbose)
                left = remaining_repositories(endpoint)
                ours = sorted(set(left) & set(repository_names(paths.outdir, stacks)))
                if ours:
                    raise RehearsalError(
                        "destroy finished but the endpoint still holds repositories of the stacks: "
                        + ", ".join(ours)
                    )
                if left:
                    progress.step(
                        "the stacks' repositories are gone; the endpoint still holds repositories "
                        f"no stack manages (discarded with it): {', '.join(left)}"
                    )
                else:
                    progress.step("the endpoint holds no repositories any more")
            for path in [paths.snapshot, paths.outputs, paths.incomplete, *paths.state_files()]:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            for backup in paths.state_dir.glob("*.tfstate.backup"):
                backup.unlink()
            shutil.rmtree(paths.outdir, ignore_errors=True)
            progress.step(f"destroyed; removed the rehearsal's state and snapshot from {_rel(paths.root)}")
            return 0
        finally:
            progress.close()


def serve_interactively(paths: Paths, port: int) -> int:
    """The endpoint in the foreground, holding the rehearsal's resources, for a look around."""
    if not paths.snapshot.exists():
        print(f"no rehearsal under {_rel(paths.root)}; `make deploy-local` first", file=sys.stderr)
        return 1
    with exclusive(paths):
        print(
            f"serving the rehearsal's account on http://127.0.0.1:{port}; Ctrl-C saves and stops.\n"
            f"  export AWS_ENDPOINT_URL=http://127.0.0.1:{port} AWS_ACCESS_KEY_ID=test "
            f"AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION={REGION}\n"
            f"  then e.g.: python -c \"import boto3; print(boto3.client('ecr').describe_repositories())\"",
            flush=True,
        )
        return serve(port, paths.snapshot, verbose=False)


def status(paths: Paths) -> int:
    if not paths.snapshot.exists() and not paths.state_files():
        print(f"no rehearsal under {_rel(paths.root)}")
        return 0
    print(f"rehearsal files under {_rel(paths.root)}:")
    for path in [paths.snapshot, *paths.state_files(), paths.outputs]:
        if path.exists():
            print(f"  {_rel(path)} ({path.stat().st_size} bytes)")
    if paths.incomplete.exists():
        print("  the last deploy did not finish; the next deploy adopts what it created")
    for path in paths.state_files():
        state = json.loads(path.read_text() or "{}")
        count = sum(len(r.get("instances", [])) for r in state.get("resources", []) if r.get("mode") == "managed")
        print(f"  {path.stem}: {count} managed resources in state")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.rehearse",
        description="Deploy every environment to a local AWS endpoint (moto) and destroy it again.",
    )
    parser.add_argument("--dir", type=Path, default=REHEARSAL_DIR, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("deploy", "synthesize, start the endpoint, review the plans, cdktf deploy every stack, "
                   "print outputs, stop"),
        ("destroy", "start the endpoint from the saved rehearsal, cdktf destroy every stack, stop"),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument("-v", "--verbose", action="store_true", help="show all cdktf/terraform output")
    sub.add_parser("status", help="show what the last rehearsal left under .cache/rehearsal")
    serve_parser = sub.add_parser(
        "serve", help="run the endpoint with the rehearsal's resources in the foreground (Ctrl-C saves and stops)"
    )
    serve_parser.add_argument("--port", type=int, default=4566, help="loopback port (default 4566)")
    serve_parser.add_argument("--snapshot", type=Path, help=argparse.SUPPRESS)  # internal: RehearsalEndpoint
    serve_parser.add_argument("--parent", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.command == "serve" and args.snapshot is not None:
        return serve(args.port, args.snapshot, args.parent)
    paths = Paths(args.dir.resolve())
    configured = os.environ.get("TF_CLI_CONFIG_FILE")
    if args.command in ("deploy", "destroy") and not (configured and os.path.exists(configured)):
        tf.configure()  # the offline provider mirror, if this machine has one (as `make` does)

    def interrupted(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    # A CI timeout or a closed terminal must stop the endpoint too (finally blocks run).
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupted)
    try:
        if args.command == "deploy":
            return deploy(paths, args.verbose)
        if args.command == "destroy":
            return destroy(paths, args.verbose)
        if args.command == "serve":
            return serve_interactively(paths, args.port)
        return status(paths)
    except RehearsalBusy as error:
        print(f"rehearsal {args.command}: {error}", file=sys.stderr)
        return 1
    except RehearsalError as error:
        print(f"\nrehearsal {args.command} FAILED: {error}", file=sys.stderr)
        print(f"full cdktf/terraform output: {_rel(paths.run_log)}", file=sys.stderr)
        print(
            "the endpoint is stopped and its resources are saved: fix the cause and re-run, "
            "or `make clean` to discard the rehearsal",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(f"\nrehearsal {args.command} interrupted; endpoint stopped and its state saved", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
