"""Benchmark of the plan review: ``python -m devtools.bench_review [--repositories N]``.

Creates N repositories at a local endpoint with boto3 (scan on push, one image each), then
plans a stack declaring those N repositories (each with a pull grant and the default
lifecycle policy, every tenth with enhanced scanning) against an empty state: a real plan
of 3N+ creates. Times ``python -m cdktf_aws_ecr.review`` on it (a fresh process each run,
medians of 3), without and with ``--live``: with it, the review reads the N repositories
and their images and previews each planned lifecycle policy on them. Then the same plan
turned into N repositories deleted (the refusal path), and the command's start-up
(``--help``, median of 5). A few minutes for N = 1,000. docs/plan-review.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Sequence

from devtools import terraform as tf
from devtools.local_aws import ACCOUNT_ID, LocalAws

REGION = "us-east-1"
STACK = "fleet"


def _synth(outdir: Path, state: Path, count: int) -> Path:
    """One stack of ``count`` repositories, in a fresh process (the review must not share it)."""
    script = f"""
import cdktf_aws_ecr as ecr
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
app = App(outdir={str(outdir)!r})
stack = TerraformStack(app, {STACK!r})
AwsProvider(stack, "aws", region={REGION!r}, allowed_account_ids=[{ACCOUNT_ID!r}])
LocalBackend(stack, path={str(state)!r})
for i in range({count}):
    ecr.Repository(stack, f"r{{i}}", name=f"team{{i % 5}}/service-{{i:04d}}",
                   enhanced_scanning=i % 10 == 0, pull_principal_arns=[{ACCOUNT_ID!r}])
app.synth()
"""
    subprocess.run([sys.executable, "-c", script], check=True)
    return outdir / "stacks" / STACK


def _plan_json(directory: Path, env: Dict[str, str]) -> Path:
    tf.run(["init", "-input=false", "-no-color"], directory, env, timeout=600)
    tf.run(["plan", "-input=false", "-no-color", "-lock=false", "-parallelism=30", "-out=bench.tfplan"],
           directory, env, timeout=1800)
    shown = tf.run(["show", "-json", "bench.tfplan"], directory, env, timeout=600)
    path = directory / "plan.json"
    path.write_text(shown.stdout)
    return path


def _median_seconds(command: Sequence[str], env: Dict[str, str], runs: int) -> float:
    times: List[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return statistics.median(times)


def _as_deletes(plan: Path) -> Path:
    """The plan with every managed resource deleted instead of created."""
    document = json.loads(plan.read_text())
    for change in document["resource_changes"]:
        change["change"].update(actions=["delete"], before=change["change"]["after"], after=None,
                                after_unknown={})
        change["action_reason"] = "delete_because_no_resource_config"
    path = plan.with_name("deletes.json")
    path.write_text(json.dumps(document))
    return path


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench_review", description=__doc__)
    parser.add_argument("--repositories", type=int, default=1000)
    args = parser.parse_args(argv or None)
    count = args.repositories
    review = [sys.executable, "-m", "cdktf_aws_ecr.review"]
    with tempfile.TemporaryDirectory(prefix="bench-review-") as scratch, LocalAws() as endpoint:
        root = Path(scratch)
        env = endpoint.environ(REGION, base=tf.environ())
        import boto3

        ecr = boto3.client("ecr", region_name=REGION, endpoint_url=endpoint.url,
                           aws_access_key_id="test", aws_secret_access_key="test")
        manifest = json.dumps({"schemaVersion": 2, "layers": [],
                               "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                               "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                                          "size": 2, "digest": "sha256:" + "0" * 64}})

        def create(name: str) -> None:
            ecr.create_repository(repositoryName=name, imageScanningConfiguration={"scanOnPush": True})
            ecr.put_image(repositoryName=name, imageManifest=manifest, imageTag="v1")

        print(f"creating {count} repositories with an image each at {endpoint.url} ...", flush=True)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(create, [f"team{i % 5}/service-{i:04d}" for i in range(count)]))
        print("planning them ...", flush=True)
        creates = _plan_json(_synth(root / "app", root / "terraform.tfstate", count), env)
        print(f"\n| {count} repositories | plan JSON | changes | review | review --live |")
        print("|---|---:|---:|---:|---:|")
        for label, path in (("planned (creates)", creates), ("every repository deleted", _as_deletes(creates))):
            changes = len(json.loads(path.read_text())["resource_changes"])
            plain = _median_seconds([*review, "--plan", str(path)], env, 3)
            live = _median_seconds([*review, "--plan", str(path), "--live"], env, 3)
            size = path.stat().st_size / 1e6
            print(f"| {label} | {size:.1f} MB | {changes} | {plain:.2f} s | {live:.2f} s |", flush=True)
        startup = _median_seconds([*review, "--help"], env, 5)
        print(f"\nstart-up (`python -m cdktf_aws_ecr.review --help`): {startup:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
