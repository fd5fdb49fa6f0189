"""Benchmark of the adoption generator: ``python -m cdktf_aws_ecr.adopt`` on a registry of N
repositories (each with a lifecycle policy, a repository policy and tags, a third of them
mutable) on a local endpoint (moto), and the synth of the module it writes.

    python -m devtools.bench_adopt                      # 1,000 repositories, 3 runs
    python -m devtools.bench_adopt --repositories 200 --repetitions 1

Prints one line per measurement and a summary: wall time, CPU seconds and peak RSS of the
generator's process tree, and of a cold ``python`` that synthesizes a stack calling the
generated ``declare_registry``. The endpoint answers in microseconds, so against AWS the
reads take longer: the generator reads 8 repositories at a time (``--workers``), with
three calls each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from . import terraform as tf
from .bench import MB, Sample, measure
from .local_aws import ACCOUNT_ID, LocalAws

REGION = "eu-west-1"
_SYNTH = """
import importlib.util, sys
import cdktf_aws_ecr
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
spec = importlib.util.spec_from_file_location("adopted", sys.argv[1])
adopted = importlib.util.module_from_spec(spec)
spec.loader.exec_module(adopted)
app = App(outdir=sys.argv[2])
stack = TerraformStack(app, "adopted")
AwsProvider(stack, "aws", region=sys.argv[3])
adopted.declare_registry(stack)
app.synth()
"""


def make_registry(endpoint: LocalAws, count: int) -> None:
    """``count`` repositories as a fleet made outside the library looks."""
    import boto3  # type: ignore[import-untyped]

    ecr = boto3.client("ecr", endpoint_url=endpoint.url, region_name=REGION,
                       aws_access_key_id="test", aws_secret_access_key="test")
    lifecycle = json.dumps({"rules": [{"rulePriority": 1, "selection": {
        "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
        "countNumber": 14}, "action": {"type": "expire"}}]})
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowPull", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
        "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
                   "ecr:BatchCheckLayerAvailability"]}]})

    def make(number: int) -> None:
        name = f"team-{number % 20}/service-{number}"
        ecr.create_repository(repositoryName=name,
                              imageTagMutability="MUTABLE" if number % 3 == 0 else "IMMUTABLE",
                              tags=[{"Key": "Team", "Value": f"team-{number % 20}"}])
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=lifecycle)
        ecr.set_repository_policy(repositoryName=name, policyText=policy)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(make, range(count)))


def _summary(name: str, samples: List[Sample]) -> str:
    seconds = [s.seconds for s in samples]
    return (f"{name}: median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max "
            f"{max(seconds):.2f}), CPU {statistics.median(s.cpu_seconds for s in samples):.2f} s, "
            f"peak RSS {max(s.peak_rss for s in samples) / MB:.0f} MB")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench_adopt")
    parser.add_argument("--repositories", type=int, default=1000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    root = tf.REPO_ROOT
    with tempfile.TemporaryDirectory(prefix="bench-adopt-") as scratch, \
            LocalAws(log_path=Path(scratch) / "moto.log") as endpoint:
        make_registry(endpoint, args.repositories)
        env: Dict[str, str] = {**tf.environ(endpoint.environ(REGION)),
                               "PYTHONPATH": f"{root / 'lib'}:{root}"}
        module = Path(scratch) / "adopted.py"
        generator = [sys.executable, "-m", "cdktf_aws_ecr.adopt", "--output", str(module)]
        synth = [sys.executable, "-c", _SYNTH, str(module), str(Path(scratch) / "out"), REGION]
        results: Dict[str, List[Sample]] = {"generator": [], "synth of its module": []}
        for repetition in range(args.repetitions):
            for name, command in (("generator", generator), ("synth of its module", synth)):
                sample, _ = measure(command, root, env)
                results[name].append(sample)
                print(f"bench-adopt: {name}, run {repetition + 1}: {sample.seconds:.2f} s, "
                      f"peak RSS {sample.peak_rss / MB:.0f} MB", file=sys.stderr, flush=True)
        print(f"{args.repositories} repositories:")
        for name, samples in results.items():
            print(f"  {_summary(name, samples)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
