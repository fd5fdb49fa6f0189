"""Benchmark workloads, each run in a fresh ``python`` process by :mod:`devtools.bench`.

``python -m devtools.bench_workload --repositories N --outdir DIR``
    Build and synthesize one stack of N :class:`cdktf_aws_ecr.Repository`
    constructs (the library's lean start of the provider bindings).

``python -m devtools.bench_workload --floor --outdir DIR``
    The stock floor: import cdktf and the provider bindings the stock way and
    synthesize an empty stack (AwsProvider only). ``cdktf_aws_ecr`` is not
    imported at all, so this is what any cdktf AWS program pays before it
    declares a single resource.

``python -m devtools.bench_workload --print-inputs N``
    Print the N repositories' inputs as JSON (no cdktf import); the seed
    module's root configuration is written from the same list.

The fleet is meant to look like a real one: every repository has the
lifecycle policy, a pull principal (an ECS task-execution role) and a push
principal (a CI role), so each gets a policy document and a repository
policy; every 4th uses a customer-managed KMS key; every one scans on push,
and every 10th also asks for Amazon Inspector enhanced scanning
(CONTINUOUS_SCAN). Past 100 repositories per scanning rule (AWS's limit) the
library compacts the registry's filters.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
STACK_NAME = "fleet"
PULL_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/ecs-task-execution"
PUSH_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/ci-image-push"
KMS_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TEAMS = ("payments", "identity", "search", "web", "data")


def repository_inputs(count: int) -> List[Dict[str, Any]]:
    """Keyword arguments of ``Repository`` for each of ``count`` repositories.

    Every value is plain JSON, and each key is also a variable of the seed module.
    """
    fleet: List[Dict[str, Any]] = []
    for i in range(count):
        team = TEAMS[i % len(TEAMS)]
        inputs: Dict[str, Any] = {
            "name": f"{team}/service-{i:04d}",
            "image_tag_mutability": "IMMUTABLE",
            "scan_on_push": True,
            "enhanced_scanning": i % 10 == 0,
            "enhanced_scan_frequency": "CONTINUOUS_SCAN",
            "enable_lifecycle_policy": True,
            "untagged_image_expiry_days": 7 + i % 7,
            "max_tagged_image_count": 20 + i % 30,
            "lifecycle_tag_prefix_list": ["v"],
            "pull_principal_arns": [PULL_ROLE],
            "push_principal_arns": [PUSH_ROLE],
            "tags": {"Team": team, "Service": f"service-{i:04d}", "CostCenter": f"cc-{i % 7}"},
        }
        if i % 4 == 3:
            inputs["kms_key_arn"] = KMS_KEY_ARN
        fleet.append(inputs)
    return fleet


class Phases:
    """In-process time of each phase, printed as one JSON line for the parent.

    The parent measures wall time and memory from outside; these only split
    the in-process part (interpreter start-up and exit are what is left).
    """

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.seconds: Dict[str, float] = {}

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = round(now - self.last, 4)
        self.last = now

    def report(self, **extra: Any) -> None:
        total = round(time.perf_counter() - self.started, 4)
        print(json.dumps({"phases": self.seconds, "in_process": total, **extra}), flush=True)


def _local_state(stack: Any) -> None:
    """State next to the synthesized stack (cdktf's default is an absolute path
    into the current directory, where a plan would take its lock)."""
    from cdktf import LocalBackend

    LocalBackend(stack, path="terraform.tfstate")


def _count_round_trips() -> Dict[str, int]:
    """Count the requests this process sends to the jsii kernel, by type (diagnostics only).

    Uses a private jsii class; if it is not there, nothing is counted.
    """
    counts: Dict[str, int] = {}
    try:
        from jsii._kernel.providers.process import _NodeProcess
    except ImportError:  # pragma: no cover - another jsii layout
        return counts
    send = _NodeProcess.send

    def counting_send(self: Any, request: Any, response_type: Any) -> Any:
        name = type(request).__name__.replace("Request", "")
        counts[name] = counts.get(name, 0) + 1
        return send(self, request, response_type)

    _NodeProcess.send = counting_send  # type: ignore[method-assign]
    return counts


def build_fleet(count: int, outdir: str, count_round_trips: bool = False) -> None:
    phases = Phases()
    import cdktf  # noqa: F401  (cdktf, constructs, jsii and the node process)

    phases.mark("import_cdktf")
    import cdktf_aws_ecr  # lean start of the provider bindings (loads the jsii assembly)
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    phases.mark("import_bindings")

    app = App(outdir=outdir)
    stack = TerraformStack(app, STACK_NAME)
    _local_state(stack)
    AwsProvider(stack, "aws", region=REGION)
    round_trips = _count_round_trips() if count_round_trips else None
    for i, inputs in enumerate(repository_inputs(count)):
        cdktf_aws_ecr.Repository(stack, f"repository_{i}", **inputs)
    phases.mark("build")
    extra = {} if round_trips is None else {"round_trips": dict(round_trips)}
    app.synth()
    phases.mark("synth")
    from cdktf_aws_ecr import _lean_import

    phases.report(mode=_lean_import.mode, repositories=count, **extra)


def build_floor(outdir: str) -> None:
    phases = Phases()
    import cdktf  # noqa: F401

    phases.mark("import_cdktf")
    import cdktf_cdktf_provider_aws  # noqa: F401  (the stock import: every submodule)
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    phases.mark("import_bindings")

    if "cdktf_aws_ecr" in sys.modules:  # pragma: no cover - a guard for the measurement
        raise SystemExit("the floor must not import cdktf_aws_ecr")
    app = App(outdir=outdir)
    stack = TerraformStack(app, STACK_NAME)
    _local_state(stack)
    AwsProvider(stack, "aws", region=REGION)
    phases.mark("build")
    app.synth()
    phases.mark("synth")
    phases.report(mode="stock", repositories=0)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench_workload")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--repositories", type=int, metavar="N", help="synthesize N repositories")
    what.add_argument("--floor", action="store_true", help="stock import, empty stack")
    what.add_argument("--print-inputs", type=int, metavar="N", help="print the inputs as JSON")
    parser.add_argument("--outdir", default=os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    parser.add_argument("--count-round-trips", action="store_true",
                        help="count jsii kernel requests while the repositories are built (diagnostics)")
    args = parser.parse_args(argv)
    if args.print_inputs is not None:
        json.dump(repository_inputs(args.print_inputs), sys.stdout, indent=1)
        print()
    elif args.floor:
        build_floor(args.outdir)
    else:
        build_fleet(args.repositories, args.outdir, args.count_round_trips)
    return 0


if __name__ == "__main__":
    sys.exit(main())
