"""Benchmark: cold synth cost by fleet size against the stock floor, and plan time against the seed.

``python -m devtools.bench`` (``make bench``) measures, in one run and
interleaved (every repetition runs every variant once, in a rotated order, so
drift on a shared machine hits all variants alike):

* **ours, N repositories** (N = 1, 10, 100, 500, 1000): a fresh ``python`` process
  that imports ``cdktf_aws_ecr`` (the lean start of the provider bindings),
  builds one stack of N :class:`~cdktf_aws_ecr.Repository` constructs and
  synthesizes it (:mod:`devtools.bench_workload`);
* **ours, empty stack** (N = 0): the same process with no repository, which
  splits our cost into fixed start-up and per-repository work;
* **stock floor**: a fresh process that imports cdktf and the provider
  bindings the stock way and synthesizes an empty stack (AwsProvider only);
* **our app**: cold ``python main.py`` (the dev/stage/prod example app), with
  ``CDKTF_OUTDIR`` pointing at a scratch directory;
* **terraform plan**, ours vs the seed HCL module, at N = 10, 100 and 1000, with the
  same inputs, against the same local AWS endpoint (moto), same terraform, an
  empty state; ``terraform init`` runs beforehand and is not timed.

For each process it records the wall time (from spawn to exit, seen by this
parent) and the peak RSS of the whole process tree: the process and all its
descendants (the jsii ``node`` child, terraform's provider plugin) are summed
every ~20 ms and the largest sum is kept. Each variant runs once untimed
first (warm OS caches, like a developer's second run), then ``--repetitions``
times; the report gives median, min and max.

It writes ``docs/benchmark.md`` and ``docs/benchmark.png`` and prints progress
lines while it runs. Raw samples go to ``.cache/bench/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import psutil

from . import terraform as tf
from .bench_workload import REGION, STACK_NAME, repository_inputs
from .seed import DEFAULT_SEED, SEED_ENV, seed_document, write_module

REPO_ROOT = tf.REPO_ROOT
DOCS = REPO_ROOT / "docs"
RESULTS = tf.CACHE_DIR / "bench" / "results.json"
POLL_SECONDS = 0.02
#: Before each measurement, wait up to QUIET_WAIT s for the machine's CPU use to drop under this.
QUIET_BELOW = 0.25
QUIET_WAIT = 10.0
SIZES = (1, 10, 100, 500, 1000)
PLAN_SIZES = (10, 100, 1000)
#: Targets from issue 4, against the floor measured in the same run.
TIME_TARGETS = {100: 0.35, 500: 0.6}
MEMORY_TARGET = 1.0
MB = 1024 * 1024


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    seconds: float
    peak_rss: int
    #: user + system CPU seconds of the process and the descendants it waited for
    #: (the jsii ``node`` child, terraform's provider plugin).
    cpu_seconds: float = 0.0
    #: CPU cores kept busy by *other* processes on the machine during the run.
    background_cores: float = 0.0
    #: Peak RSS of the spawned process alone (python, or terraform), without its children.
    peak_rss_root: int = 0
    info: Dict[str, Any] = field(default_factory=dict)


def _tree_rss(root: psutil.Process) -> Tuple[int, int]:
    """RSS of ``root`` and all its descendants, and of ``root`` alone, in bytes (0 once gone)."""
    try:
        processes = [root, *root.children(recursive=True)]
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return 0, 0
    total = own = 0
    for process in processes:
        try:
            rss = process.memory_info().rss
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            continue
        total += rss
        if process is root:
            own = rss
    return total, own


def measure(argv: Sequence[str], cwd: Path, env: Dict[str, str], timeout: float = 900) -> Tuple[Sample, str]:
    """Run ``argv``; return its wall time and peak process-tree RSS, and its stdout.

    A waiter thread records the exit time, so the wall time does not depend on
    the polling interval; the main thread samples memory until then.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine_before = _busy_cpu_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=err)
        ended: List[float] = []

        def wait() -> None:
            process.wait()
            ended.append(time.perf_counter())

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:  # pragma: no cover - exited at once
            root = None
        peak = peak_root = 0
        while waiter.is_alive():
            if root is not None:
                total, own = _tree_rss(root)
                peak = max(peak, total)
                peak_root = max(peak_root, own)
            waiter.join(POLL_SECONDS)
            if time.perf_counter() - started > timeout:
                process.kill()
                waiter.join()
                raise RuntimeError(f"timed out after {timeout:.0f}s: {' '.join(argv)}")
        machine_busy = _busy_cpu_seconds() - machine_before
        usage_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(
            f"exit code {process.returncode}: {' '.join(argv)} (in {cwd})\n"
            f"--- stdout ---\n{stdout[-4000:]}\n--- stderr ---\n{stderr[-4000:]}"
        )
    seconds = ended[0] - started
    background = max(0.0, machine_busy - cpu) / seconds
    return Sample(seconds, peak, cpu, background, peak_root), stdout


def _busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (not idle, not waiting on I/O)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def wait_for_quiet(threshold: float = QUIET_BELOW, longest: float = QUIET_WAIT) -> float:
    """Wait (at most ``longest`` s) until other processes keep under ``threshold``
    of the machine's CPUs busy; return the last busy fraction seen."""
    deadline = time.monotonic() + longest
    busy = psutil.cpu_percent(interval=0.5) / 100
    while busy > threshold and time.monotonic() < deadline:
        busy = psutil.cpu_percent(interval=1.0) / 100
    return busy


# --------------------------------------------------------------------------- variants


@dataclass
class Variant:
    key: str
    label: str
    kind: str  # "synth" or "plan"
    run: Callable[[int], Sample]
    samples: List[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(s, attribute) for s in self.samples)

    def low(self, attribute: str) -> float:
        return min(getattr(s, attribute) for s in self.samples)

    def high(self, attribute: str) -> float:
        return max(getattr(s, attribute) for s in self.samples)


def _json_line(stdout: str) -> Dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no JSON report in the workload output:\n{stdout[-2000:]}")


def _synthesized(outdir: Path, stack: str = STACK_NAME) -> Dict[str, Any]:
    return json.loads((outdir / "stacks" / stack / "cdk.tf.json").read_text(encoding="utf-8"))


class Bench:
    def __init__(self, workdir: Path, sizes: Sequence[int], plan_sizes: Sequence[int]) -> None:
        self.workdir = workdir
        self.sizes = list(sizes)
        self.plan_sizes = list(plan_sizes)
        self.python = sys.executable
        self.env = tf.environ()
        # The example app reads its deployment settings from ECR_* variables; use the defaults.
        for name in [n for n in self.env if n.startswith("ECR_")]:
            del self.env[name]
        self.env.pop("CDKTF_AWS_ECR_STOCK_IMPORT", None)
        self.env.pop("CDKTF_OUTDIR", None)
        self.counter = 0
        self.variants: List[Variant] = []
        self.local_aws: Any = None
        self.plan_env: Dict[str, str] = {}
        self.round_trips: Dict[str, int] = {}

    def _outdir(self) -> Path:
        self.counter += 1
        return self.workdir / f"synth-{self.counter}"

    # synth variants ------------------------------------------------------------

    def _ours(self, count: int) -> Callable[[int], Sample]:
        def run(_: int) -> Sample:
            outdir = self._outdir()
            sample, stdout = measure(
                [self.python, "-m", "devtools.bench_workload", "--repositories", str(count),
                 "--outdir", str(outdir)],
                REPO_ROOT,
                self.env,
            )
            report = _json_line(stdout)
            if report.get("mode") != "lean":
                raise RuntimeError(f"the workload did not start the bindings lean: {report}")
            synth = _synthesized(outdir)
            repositories = len(synth.get("resource", {}).get("aws_ecr_repository", {}))
            if repositories != count:
                raise RuntimeError(f"expected {count} repositories in the synth, found {repositories}")
            sample.info = report
            shutil.rmtree(outdir, ignore_errors=True)
            return sample

        return run

    def _floor(self, _: int) -> Sample:
        outdir = self._outdir()
        sample, stdout = measure(
            [self.python, "-m", "devtools.bench_workload", "--floor", "--outdir", str(outdir)],
            REPO_ROOT,
            self.env,
        )
        report = _json_line(stdout)
        synth = _synthesized(outdir)
        if report.get("mode") != "stock" or synth.get("resource") or "aws" not in synth.get("provider", {}):
            raise RuntimeError(f"the floor workload did not synthesize an empty AWS stack: {report}")
        sample.info = report
        shutil.rmtree(outdir, ignore_errors=True)
        return sample

    def _app(self, _: int) -> Sample:
        outdir = self._outdir()
        env = dict(self.env, CDKTF_OUTDIR=str(outdir))
        sample, _stdout = measure([self.python, "main.py"], REPO_ROOT, env)
        stacks = sorted(p.name for p in (outdir / "stacks").iterdir()) if (outdir / "stacks").is_dir() else []
        if not stacks:
            raise RuntimeError(f"main.py wrote no stacks into CDKTF_OUTDIR={outdir}")
        resources = 0
        for name in stacks:
            synth = _synthesized(outdir, name)
            resources += sum(len(v) for v in synth.get("resource", {}).values())
        sample.info = {"stacks": stacks, "resources": resources}
        shutil.rmtree(outdir, ignore_errors=True)
        return sample

    # plan variants -------------------------------------------------------------

    def _prepare_plans(self) -> None:
        from .local_aws import LocalAws

        self.local_aws = LocalAws(log_path=self.workdir / "moto.log").start()
        self.plan_env = tf.environ(self.local_aws.environ(REGION, base=self.env))
        for count in self.plan_sizes:
            ours = self.workdir / f"plan-ours-{count}"
            _, stdout = measure(
                [self.python, "-m", "devtools.bench_workload", "--repositories", str(count),
                 "--outdir", str(ours)],
                REPO_ROOT,
                self.env,
            )
            ours_dir = ours / "stacks" / STACK_NAME
            seed_dir = self.workdir / f"plan-seed-{count}"
            write_module(seed_dir / "modules" / "ecr")
            root = {
                "provider": {"aws": {"region": REGION}},
                "module": {
                    f"repository_{i}": {"source": "./modules/ecr", **inputs}
                    for i, inputs in enumerate(repository_inputs(count))
                },
            }
            (seed_dir / "main.tf.json").write_text(json.dumps(root, indent=1), encoding="utf-8")
            for label, directory in (("ours", ours_dir), ("seed", seed_dir)):
                progress(f"terraform init ({label}, N={count}; not timed)")
                tf.run(["init", "-input=false", "-no-color"], directory, self.plan_env)

    def _count_round_trips(self, count: int = 100) -> None:
        """Untimed diagnostics: jsii kernel requests per Repository (see the report's notes)."""
        progress(f"counting jsii round trips for N={count} (not timed)")
        outdir = self._outdir()
        _, stdout = measure(
            [self.python, "-m", "devtools.bench_workload", "--repositories", str(count),
             "--outdir", str(outdir), "--count-round-trips"],
            REPO_ROOT,
            self.env,
        )
        shutil.rmtree(outdir, ignore_errors=True)
        self.round_trips = {"repositories": count, **_json_line(stdout).get("round_trips", {})}

    def _plan(self, label: str, count: int) -> Callable[[int], Sample]:
        def run(_: int) -> Sample:
            directory = (
                self.workdir / f"plan-ours-{count}" / "stacks" / STACK_NAME
                if label == "ours"
                else self.workdir / f"plan-seed-{count}"
            )
            for state in directory.glob("terraform.tfstate*"):
                state.unlink()
            sample, stdout = measure(
                [tf.terraform_binary(), "plan", "-input=false", "-no-color"], directory, self.plan_env
            )
            match = re.search(r"Plan: (\d+) to add, (\d+) to change, (\d+) to destroy", stdout)
            if match is None:
                raise RuntimeError(f"no plan summary in terraform's output:\n{stdout[-3000:]}")
            add, change, destroy = map(int, match.groups())
            if change or destroy:
                raise RuntimeError(f"plan of an empty state should only add: {match.group(0)}")
            sample.info = {"to_add": add, "data_sources_read": stdout.count("will be read during apply")}
            return sample

        return run

    # the run ---------------------------------------------------------------------

    def build_variants(self, with_plan: bool, with_app: bool) -> None:
        add = self.variants.append
        add(Variant("floor", "stock floor (empty stack)", "synth", self._floor))
        add(Variant("ours-0", "ours, N=0 (empty stack)", "synth", self._ours(0)))
        for count in self.sizes:
            add(Variant(f"ours-{count}", f"ours, N={count}", "synth", self._ours(count)))
        if with_app:
            add(Variant("app", "our app (python main.py)", "synth", self._app))
        if with_plan:
            for count in self.plan_sizes:
                add(Variant(f"plan-ours-{count}", f"plan ours, N={count}", "plan", self._plan("ours", count)))
                add(Variant(f"plan-seed-{count}", f"plan seed, N={count}", "plan", self._plan("seed", count)))

    def run(self, repetitions: int, warmup: bool, with_plan: bool, with_app: bool) -> None:
        self.build_variants(with_plan, with_app)
        try:
            self._count_round_trips()
            if with_plan:
                self._prepare_plans()
            rounds = ([0] if warmup else []) + list(range(1, repetitions + 1))
            total = len(rounds) * len(self.variants)
            done = 0
            for repetition in rounds:
                # A different (seeded) order each round, so no variant always runs
                # first, last or next to the same neighbour.
                order = list(self.variants)
                random.Random(repetition).shuffle(order)
                for variant in order:
                    done += 1
                    idle_wait = time.monotonic()
                    busy = wait_for_quiet()
                    waited = time.monotonic() - idle_wait
                    sample = variant.run(repetition)
                    sample.info["machine_busy_before"] = round(busy, 3)
                    tag = "warm-up" if repetition == 0 else f"rep {repetition}/{repetitions}"
                    progress(
                        f"[{done:>3}/{total}] {tag:<9} {variant.label:<28} "
                        f"{sample.seconds:7.2f} s  {sample.peak_rss / MB:6.0f} MB  "
                        f"cpu {sample.cpu_seconds:6.2f} s  others {sample.background_cores:4.2f} cores"
                        + (f"  (waited {waited:.0f} s for a quieter machine)" if waited > 2 else "")
                    )
                    if repetition:
                        variant.samples.append(sample)
        finally:
            if self.local_aws is not None:
                self.local_aws.stop()


def progress(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


# --------------------------------------------------------------------------- report


def _version(argv: Sequence[str], pattern: str = r"v?(\d+\.\d+\.\d+)") -> str:
    try:
        out = subprocess.run(list(argv), capture_output=True, text=True, timeout=60).stdout
    except OSError:
        return "not found"
    match = re.search(pattern, out)
    return match.group(1) if match else out.strip()[:40]


def machine_info() -> Dict[str, Any]:
    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = {}
    for name in ("cdktf", "cdktf-cdktf-provider-aws", "jsii", "constructs", "moto"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model or platform.processor() or "unknown",
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "node": _version(["node", "--version"]),
        "terraform": _version([tf.terraform_binary(), "version"]),
        "packages": packages,
    }


def _fmt(variant: Variant, attribute: str, scale: float = 1.0, digits: int = 2) -> str:
    return (
        f"{variant.median(attribute) / scale:.{digits}f} "
        f"({variant.low(attribute) / scale:.{digits}f}–{variant.high(attribute) / scale:.{digits}f})"
    )


def _fmt_s(variant: Variant) -> str:
    return _fmt(variant, "seconds")


def _fmt_cpu(variant: Variant) -> str:
    return _fmt(variant, "cpu_seconds")


def _fmt_mb(variant: Variant) -> str:
    return _fmt(variant, "peak_rss", MB, 0)


def _background(variant: Variant) -> str:
    return f"{variant.median('background_cores'):.2f}"


def _phase(variant: Variant, name: str) -> float:
    return statistics.median(s.info["phases"][name] for s in variant.samples)


def _in_process(variant: Variant) -> float:
    return statistics.median(s.info["in_process"] for s in variant.samples)


def _paired_ratios(ours: Variant, floor: Variant, attribute: str) -> List[float]:
    """Per-repetition ratios (same round, so same machine conditions)."""
    return [
        getattr(a, attribute) / getattr(b, attribute) for a, b in zip(ours.samples, floor.samples)
    ]


def evaluate(bench: Bench) -> Dict[str, Any]:
    by_key = {v.key: v for v in bench.variants}
    floor = by_key["floor"]
    rows = []
    for count in [0, *bench.sizes]:
        ours = by_key[f"ours-{count}"]
        time_ratio = ours.median("seconds") / floor.median("seconds")
        cpu_ratio = ours.median("cpu_seconds") / floor.median("cpu_seconds")
        memory_ratio = ours.median("peak_rss") / floor.median("peak_rss")
        time_target = TIME_TARGETS.get(count)
        rows.append(
            {
                "count": count,
                "variant": ours,
                "time_ratio": time_ratio,
                "cpu_ratio": cpu_ratio,
                "memory_ratio": memory_ratio,
                "time_ratio_range": (min(_paired_ratios(ours, floor, "seconds")), max(_paired_ratios(ours, floor, "seconds"))),
                "time_target": time_target,
                "time_ok": None if time_target is None else time_ratio <= time_target,
                "cpu_ok": None if time_target is None else cpu_ratio <= time_target,
                "memory_ok": memory_ratio <= MEMORY_TARGET if count else None,
            }
        )
    return {"floor": floor, "rows": rows, "by_key": by_key}


def _mark(ok: Optional[bool]) -> str:
    return "–" if ok is None else ("**pass**" if ok else "**FAIL**")


def write_report(bench: Bench, info: Dict[str, Any], result: Dict[str, Any], repetitions: int,
                 loads: Tuple[Tuple[float, ...], Tuple[float, ...]], elapsed: float, path: Path,
                 plot_name: str) -> None:
    floor: Variant = result["floor"]
    rows = result["rows"]
    by_key: Dict[str, Variant] = result["by_key"]
    pk = info["packages"]
    lines: List[str] = []
    w = lines.append
    w("# Benchmark: cold synth cost and plan time")
    w("")
    w("Generated by `make bench` (`python -m devtools.bench`); do not edit by hand. "
      "Every number below comes from one run, with the variants interleaved.")
    w("")
    w("## Machine")
    w("")
    w(f"- Date: {info['date']}; the whole run took {elapsed / 60:.1f} min.")
    w(f"- CPU: {info['cpus']} × {info['cpu_model']}; memory {info['memory_gb']} GB; {info['platform']}.")
    w(f"- Python {info['python']}, Node.js {info['node']}, Terraform {info['terraform']}; "
      f"cdktf {pk['cdktf']}, cdktf-cdktf-provider-aws {pk['cdktf-cdktf-provider-aws']}, "
      f"jsii {pk['jsii']}, constructs {pk['constructs']}, moto {pk['moto']}.")
    w(f"- Load average (1/5/15 min) at start {loads[0][0]:.2f}/{loads[0][1]:.2f}/{loads[0][2]:.2f}, "
      f"at end {loads[1][0]:.2f}/{loads[1][1]:.2f}/{loads[1][2]:.2f}.")
    w(f"- {repetitions} timed repetitions per variant after one untimed warm-up round; "
      "each round runs every variant once, in its own shuffled order. Before each measurement the "
      f"bench waits (up to {QUIET_WAIT:.0f} s) for other processes to use less than {QUIET_BELOW:.0%} of "
      "the CPUs. Medians, with (min–max).")
    w("")
    w("## Cold synth: ours against the stock floor")
    w("")
    w("Each cell is a fresh `python` process, from spawn to exit. Memory is the peak of the summed RSS of "
      "the process and all its descendants (the jsii `node` child), sampled every 20 ms.")
    w("")
    w("- **Stock floor**: `import cdktf_cdktf_provider_aws` the stock way, then an empty stack "
      "(AwsProvider only) is synthesized. `cdktf_aws_ecr` is not imported.")
    w("- **Ours, N**: `import cdktf_aws_ecr` (lean start), then one stack with N `Repository` constructs "
      "is synthesized (`python -m devtools.bench_workload --repositories N`). Every repository has the "
      "lifecycle policy and pull and push principals, so it gets a policy document and a repository "
      "policy. Every 4th uses a KMS key ARN. Every 10th asks for enhanced scanning.")
    w("")
    w("| variant | wall, s | CPU, s | peak RSS, MB | wall / floor | CPU / floor | RSS / floor "
      "| time target | wall | CPU | memory | others' load, cores |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|:---:|---:|")
    w(f"| {floor.label} | {_fmt_s(floor)} | {_fmt_cpu(floor)} | {_fmt_mb(floor)} | 1 | 1 | 1 | | | | | "
      f"{_background(floor)} |")
    for row in rows:
        v: Variant = row["variant"]
        lo, hi = row["time_ratio_range"]
        target = f"≤ {row['time_target']}" if row["time_target"] else ""
        w(f"| {v.label} | {_fmt_s(v)} | {_fmt_cpu(v)} | {_fmt_mb(v)} | **{row['time_ratio']:.2f}** "
          f"({lo:.2f}–{hi:.2f}) | **{row['cpu_ratio']:.2f}** | **{row['memory_ratio']:.2f}** | {target} | "
          f"{_mark(row['time_ok'])} | {_mark(row['cpu_ok'])} | {_mark(row['memory_ok'])} | {_background(v)} |")
    if "app" in by_key:
        app = by_key["app"]
        stacks = ", ".join(app.samples[0].info["stacks"])
        w(f"| {app.label}: {stacks}, {app.samples[0].info['resources']} resources | {_fmt_s(app)} | "
          f"{_fmt_cpu(app)} | {_fmt_mb(app)} | {app.median('seconds') / floor.median('seconds'):.2f} | "
          f"{app.median('cpu_seconds') / floor.median('cpu_seconds'):.2f} | "
          f"{app.median('peak_rss') / floor.median('peak_rss'):.2f} | | | | | {_background(app)} |")
    w("")
    w("Ratios are median over median; for wall time, in brackets, the range of the per-round ratios "
      "(ours and the floor measured in the same round). Targets (issue 4): N=100 at most 0.35 × the "
      "floor's time, N=500 at most 0.6 ×, memory (peak RSS) no worse than the floor's. The time targets "
      "are checked twice: on wall time, as asked, and on *CPU* time, the user + system time of the "
      "process and the children it waited for (the `node` process). CPU time is much less sensitive to "
      "other work on the machine, and it is the stricter test here, because our process keeps python "
      "and `node` busy at once while the floor runs mostly on one core. *Others' load* is how many CPU "
      "cores other processes kept busy, on average, while the variant ran (median over repetitions).")
    w("")
    w(f"![Cold synth time and peak memory against the stock floor]({plot_name})")
    w("")
    w("### Where the time goes")
    w("")
    w("In-process phases (medians, seconds), measured inside the same processes. "
      "*Start + exit* is the wall time minus the in-process time: interpreter start-up, "
      "module teardown and the jsii kernel's shutdown.")
    w("")
    w("| variant | import cdktf | import provider bindings | build | synth | start + exit | wall |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for v in [floor, *(r["variant"] for r in rows)]:
        w(f"| {v.label} | {_phase(v, 'import_cdktf'):.2f} | {_phase(v, 'import_bindings'):.2f} | "
          f"{_phase(v, 'build'):.2f} | {_phase(v, 'synth'):.2f} | "
          f"{v.median('seconds') - _in_process(v):.2f} | {v.median('seconds'):.2f} |")
    w("")
    per_repo = _per_repository(rows)
    if per_repo is not None:
        w(f"From N=0 to N={rows[-1]['count']}, build + synth grows by {per_repo * 1000:.1f} ms per repository "
          "(median phases).")
        w("")
    plans = [(c, by_key.get(f"plan-ours-{c}"), by_key.get(f"plan-seed-{c}")) for c in bench.plan_sizes]
    plans = [(c, o, s) for c, o, s in plans if o is not None and s is not None]
    if plans:
        w("## `terraform plan`: ours against the seed HCL module")
        w("")
        w("Same N repositories with the same inputs (`python -m devtools.bench_workload --print-inputs N`); "
          "the seed is a root module with N `module` blocks. Both plan from an empty local state against "
          "the same local AWS endpoint (moto on 127.0.0.1), with the same Terraform and provider binary. "
          "`terraform init` ran beforehand and is not timed. Memory includes the provider plugin process.")
        w("")
        w("| N | variant | plan wall, s | CPU, s | peak RSS, MB | resources to add | others' load, cores |")
        w("|---:|---|---:|---:|---:|---:|---:|")
        for count, ours, seed in plans:
            for name, v in (("ours (cdktf JSON)", ours), ("seed HCL module", seed)):
                w(f"| {count} | {name} | {_fmt_s(v)} | {_fmt_cpu(v)} | {_fmt_mb(v)} | "
                  f"{v.samples[0].info['to_add']} | {_background(v)} |")
            w(f"| {count} | **ours / seed** | **{ours.median('seconds') / seed.median('seconds'):.2f}** | "
              f"{ours.median('cpu_seconds') / seed.median('cpu_seconds'):.2f} | "
              f"{ours.median('peak_rss') / seed.median('peak_rss'):.2f} | | |")
        w("")
        w("The resource counts differ by design: every 10th repository asks for enhanced scanning, and the "
          "seed declares one `aws_ecr_registry_scanning_configuration` per such repository (they overwrite "
          "each other, since a registry has one), while this library declares one for the registry.")
        w("")
    w("## Notes")
    w("")
    for note in _notes(bench, result):
        w(f"- {note}")
    w("")
    path.write_text("\n".join(lines), encoding="utf-8")


def _per_repository(rows: List[Dict[str, Any]]) -> Optional[float]:
    first, last = rows[0], rows[-1]
    if last["count"] <= first["count"]:
        return None

    def work(v: Variant) -> float:
        return _phase(v, "build") + _phase(v, "synth")

    return (work(last["variant"]) - work(first["variant"])) / (last["count"] - first["count"])


def _notes(bench: Bench, result: Dict[str, Any]) -> List[str]:
    floor: Variant = result["floor"]
    rows = result["rows"]
    empty: Variant = rows[0]["variant"]
    notes = []
    def misses(row: Dict[str, Any]) -> List[str]:
        return [name for name, key in (("wall time", "time_ok"), ("CPU time", "cpu_ok"), ("memory", "memory_ok"))
                if row[key] is False]

    failed = [r for r in rows if misses(r)]
    missing = [c for c in TIME_TARGETS if c not in bench.sizes]
    if missing:
        notes.append("Not measured in this run (partial run): " + ", ".join(f"N={c}" for c in missing) + ".")
    if failed:
        notes.append("**Missed targets in this run**: " + "; ".join(
            f"N={r['count']}: {', '.join(misses(r))}" for r in failed) + ".")
    elif not missing:
        notes.append("Every target was met in this run, on wall time, on CPU time and on memory. Margins: "
                     + "; ".join(f"N={r['count']} at {r['time_ratio']:.2f} (wall) and {r['cpu_ratio']:.2f} "
                                 f"(CPU) against ≤ {r['time_target']}" for r in rows if r["time_target"])
                     + ".")
    every = [s for v in bench.variants for s in v.samples]
    if every:
        background = statistics.median(s.background_cores for s in every)
        busiest = max(s.background_cores for s in every)
        disturbed = sum(s.background_cores > 0.5 for s in every)
        notes.append(
            f"Other work on the machine: while a variant ran, other processes kept a median of "
            f"{background:.2f} of the {os.cpu_count()} cores busy (at most {busiest:.2f}); "
            f"{disturbed} of {len(every)} timed runs saw more than 0.5 cores of it. Such runs inflate wall "
            "times unevenly (see the min–max ranges and the *others' load* column); the medians and the "
            "CPU columns are the steadier comparison."
        )
    asm = _phase(empty, "import_bindings")

    def split(v: Variant) -> str:
        own = statistics.median(s.peak_rss_root for s in v.samples) / MB
        return f"python {own:.0f} MB + node {v.median('peak_rss') / MB - own:.0f} MB"

    notes.append(
        f"Not ours: the jsii kernel loading the provider's 34 MB assembly (`@cdktf/provider-aws`) into "
        f"`node`. It is most of our *import provider bindings* phase ({asm:.2f} s at N=0) and most of the "
        f"memory: the `node` child holds the whole assembly in both the lean and the stock start, so "
        f"the memory saving is all on the Python side (peak RSS, medians: floor {split(floor)}; "
        f"ours at N=0 {split(empty)}; ours at N={rows[-1]['count']} {split(rows[-1]['variant'])}; "
        f"the two parts peak at slightly different moments). The lean start avoids the stock import's "
        f"~2,100 Python submodules ({_phase(floor, 'import_bindings'):.2f} s including the same assembly "
        f"load) and their teardown at exit ({floor.median('seconds') - _in_process(floor):.2f} s of "
        f"*start + exit* for the floor against {empty.median('seconds') - _in_process(empty):.2f} s for ours)."
    )
    trips = {k: v for k, v in bench.round_trips.items() if k != "repositories"}
    if trips:
        per = bench.round_trips["repositories"]
        detail = ", ".join(f"{v / per:.1f} {k}" for k, v in sorted(trips.items(), key=lambda kv: -kv[1]))
        notes.append(
            f"Each construct, struct and property read is a JSON round trip between Python and the `node` "
            f"process. Building N={per} repositories sent {sum(trips.values()) / per:.1f} requests per "
            f"`Repository` to the jsii kernel ({detail}). The five creates (the construct itself, "
            "repository, lifecycle policy, policy document, repository policy) and the two token reads "
            "(repository name, policy JSON) are inherent, and so are the four `overrideLogicalId` calls "
            "that pin each resource's address to the repository name and the override that writes "
            "the policy statements; the rest are stack and scope look-ups. "
            "The generated bindings also type-check every argument (typeguard, under `__debug__`), "
            "which is not ours either."
        )
    notes.append(
        "Every repository of the workload scans on push and every 10th is ENHANCED, so past 100 "
        "repositories the registry's scanning filters are compacted (AWS allows 100 per rule); that "
        "planning is part of the synth times above."
    )
    return notes


def write_plot(bench: Bench, result: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    floor: Variant = result["floor"]
    rows = [r for r in result["rows"] if r["count"] > 0]
    by_key = result["by_key"]
    app: Optional[Variant] = by_key.get("app")
    counts = [r["count"] for r in rows]
    plans = [(c, by_key.get(f"plan-ours-{c}"), by_key.get(f"plan-seed-{c}")) for c in bench.plan_sizes]
    plans = [(c, o, s) for c, o, s in plans if o is not None and s is not None]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.4))
    panels = (
        (axes[0][0], "seconds", 1, "seconds", "Cold synth: wall time"),
        (axes[0][1], "cpu_seconds", 1, "CPU seconds", "Cold synth: CPU time (python + node)"),
        (axes[1][0], "peak_rss", MB, "MB", "Cold synth: peak RSS (python + node)"),
    )
    for ax, attribute, scale, unit, title in panels:
        med = [r["variant"].median(attribute) / scale for r in rows]
        lo = [m - r["variant"].low(attribute) / scale for m, r in zip(med, rows)]
        hi = [r["variant"].high(attribute) / scale - m for m, r in zip(med, rows)]
        f_med = floor.median(attribute) / scale
        ax.axhspan(floor.low(attribute) / scale, floor.high(attribute) / scale, color="tab:red", alpha=0.08)
        ax.axhline(f_med, color="tab:red", linestyle="--", label="stock floor: empty stack (band: min–max)")
        ax.errorbar(counts, med, yerr=[lo, hi], marker="o", capsize=4, color="tab:blue",
                    label="ours (lean start), N repositories")
        if attribute != "peak_rss":
            for count, factor in TIME_TARGETS.items():
                if count in counts:
                    ax.plot([count], [f_med * factor], marker="_", color="tab:green", markersize=22,
                            markeredgewidth=2.5, linestyle="none",
                            label="targets: 0.35 × floor at N=100, 0.6 × at N=500" if count == min(TIME_TARGETS) else None)
        if app is not None:
            ax.axhline(app.median(attribute) / scale, color="tab:gray", linestyle=":",
                       label="our app: python main.py (3 stacks)")
        ax.set_xscale("log")
        ax.set_xticks(counts)
        ax.set_xticklabels([str(c) for c in counts])
        ax.minorticks_off()
        ax.set_xlabel("repositories in the stack (N)")
        ax.set_ylabel(unit)
        ax.set_ylim(0, max(floor.high(attribute) / scale, max(m + h for m, h in zip(med, hi))) * 1.08)
        ax.set_title(title, fontsize=10)
        ax.grid(True, alpha=0.3)

    ax = axes[1][1]
    if plans:
        width = 0.38
        xs = list(range(len(plans)))
        for offset, index, label, color in ((-width / 2, 1, "ours (cdktf JSON)", "tab:blue"),
                                            (width / 2, 2, "seed HCL module", "tab:orange")):
            variants = [p[index] for p in plans]
            med = [v.median("seconds") for v in variants]
            ax.bar([x + offset for x in xs], med, width, label=label, color=color,
                   yerr=[[m - v.low("seconds") for m, v in zip(med, variants)],
                         [v.high("seconds") - m for m, v in zip(med, variants)]], capsize=4)
        ax.set_xticks(xs)
        ax.set_xticklabels([f"N={c}" for c, _, _ in plans])
        ax.set_ylabel("seconds")
        ax.set_title("terraform plan (wall), empty state, local endpoint", fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    else:
        ax.axis("off")

    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle("cdktf_aws_ecr benchmark: medians; error bars and bands span min–max", fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _dump(bench: Bench, info: Dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": info,
        "variants": {
            v.key: [
                {"seconds": s.seconds, "peak_rss": s.peak_rss, "cpu_seconds": s.cpu_seconds,
                 "background_cores": s.background_cores, "peak_rss_root": s.peak_rss_root,
                 "info": s.info}
                for s in v.samples
            ]
            for v in bench.variants
        },
    }
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=3, help="timed runs per variant (default 3)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="fleet sizes N (default 1,10,100,500,1000)")
    parser.add_argument("--plan-sizes", default=",".join(map(str, PLAN_SIZES)), help="plan sizes (default 10,100,1000)")
    parser.add_argument("--no-plan", action="store_true", help="skip the terraform plan comparison")
    parser.add_argument("--no-app", action="store_true", help="skip the example app")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up round")
    parser.add_argument("--output-dir", type=Path, default=DOCS, help="where benchmark.md/.png go (default docs/)")
    args = parser.parse_args(argv)
    if args.repetitions < 1:
        parser.error("--repetitions must be at least 1")
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    plan_sizes = [] if args.no_plan else sorted({int(s) for s in args.plan_sizes.split(",") if s.strip()})
    if not sizes or min(sizes) < 1:
        parser.error("--sizes must be positive integers")
    if plan_sizes and seed_document() is None:
        parser.error(
            f"the plan comparison needs the seed module document: set {SEED_ENV} or place it at "
            f"{DEFAULT_SEED}; or pass --no-plan to skip that comparison"
        )

    tf.configure()  # offline provider mirror, when this machine has one
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    started = time.perf_counter()
    load_start = os.getloadavg()
    info = machine_info()
    progress(f"benchmark: {info['cpus']} CPUs, python {info['python']}, node {info['node']}, "
             f"terraform {info['terraform']}; sizes {sizes}, plan sizes {plan_sizes}, "
             f"{args.repetitions} repetitions")
    with tempfile.TemporaryDirectory(prefix="cdktf-aws-ecr-bench-") as scratch:
        bench = Bench(Path(scratch), sizes, plan_sizes)
        bench.run(args.repetitions, not args.no_warmup, bool(plan_sizes), not args.no_app)
    load_end = os.getloadavg()
    elapsed = time.perf_counter() - started
    _dump(bench, info, RESULTS)
    result = evaluate(bench)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    write_plot(bench, result, args.output_dir / "benchmark.png")
    write_report(bench, info, result, args.repetitions, (load_start, load_end), elapsed,
                 args.output_dir / "benchmark.md", "benchmark.png")
    for row in result["rows"]:
        target = "" if row["time_target"] is None else f" (target <= {row['time_target']})"
        progress(f"N={row['count']:>4}: time {row['time_ratio']:.2f} x floor{target}, "
                 f"memory {row['memory_ratio']:.2f} x floor")
    progress(f"wrote {args.output_dir / 'benchmark.md'} and benchmark.png in {elapsed / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
