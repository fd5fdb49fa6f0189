"""Benchmark workloads, each run in a fresh ``python`` process by :mod:`devtools.bench`.

``python -m devtools.bench_workload --repositories N [--enhanced-percent P] [--typed-rules] --outdir DIR``
    Build and synthesize one stack of N :class:`cdktf_aws_ecr.Repository`
    constructs (the library's lean start of the provider bindings).

``python -m devtools.bench_workload --floor --outdir DIR``
    The stock floor: import cdktf and the provider bindings the stock way and
    synthesize an empty stack (AwsProvider only). ``cdktf_aws_ecr`` is not
    imported at all, so this is what any cdktf AWS program pays before it
    declares a single resource.

``python -m devtools.bench_workload --print-inputs N [--enhanced-percent P]``
    Print the N repositories' inputs as JSON (no cdktf import); the seed
    module's root configuration is written from the same list.

The fleet is meant to look like a real one: every repository has the
lifecycle policy, a pull principal (an ECS task-execution role) and a push
principal (a CI role) granted, so each gets a policy document and a repository
policy; every 4th uses a customer-managed KMS key; every one scans on push,
and P % of them (spread evenly, default 10) also ask for Amazon Inspector
enhanced scanning (CONTINUOUS_SCAN). Past 100 repositories per scanning rule
(AWS's limit) the library compacts the registry's filters. ``--typed-rules``
replaces the seed's lifecycle keywords with two typed ``LifecycleRule`` objects
behind ``protected_tags`` (no seed equivalent, so never in ``--print-inputs``).
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


#: Enhanced scanning for this share of the fleet unless told otherwise.
DEFAULT_ENHANCED_PERCENT = 10


def repository_inputs(count: int, enhanced_percent: int = DEFAULT_ENHANCED_PERCENT) -> List[Dict[str, Any]]:
    """Keyword arguments of ``Repository`` for each of ``count`` repositories, of which
    ``enhanced_percent`` % (spread evenly) ask for enhanced scanning.

    Every value is plain JSON, and each key is also a variable of the seed module.
    """
    fleet: List[Dict[str, Any]] = []
    for i in range(count):
        team = TEAMS[i % len(TEAMS)]
        inputs: Dict[str, Any] = {
            "name": f"{team}/service-{i:04d}",
            "image_tag_mutability": "IMMUTABLE",
            "scan_on_push": True,
            "enhanced_scanning": (i * enhanced_percent) // 100 != ((i + 1) * enhanced_percent) // 100,
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


#: The seed's lifecycle keywords, which typed rules replace.
_SEED_LIFECYCLE = ("untagged_image_expiry_days", "max_tagged_image_count", "lifecycle_tag_prefix_list")


def typed_rule_inputs(inputs: Dict[str, Any]) -> Dict[str, Any]:
    """``inputs`` with the seed's lifecycle keywords turned into typed rules, behind protected tags."""
    from cdktf_aws_ecr import LifecycleRule, TagStatus

    typed = {k: v for k, v in inputs.items() if k not in _SEED_LIFECYCLE}
    typed["lifecycle_rules"] = [
        LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=inputs["untagged_image_expiry_days"]),
        LifecycleRule(tag_pattern_list=["v*"], max_image_count=inputs["max_tagged_image_count"]),
    ]
    typed["protected_tags"] = ["release-*", "prod"]
    return typed


def _local_state(stack: Any) -> None:
    """State next to the synthesized stack (cdktf's default is an absolute path
    into the current directory, where a plan would take its lock)."""
    from cdktf_aws_ecr.framework import framework

    framework().LocalBackend(stack, path="terraform.tfstate")


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


def build_fleet(count: int, outdir: str, count_round_trips: bool = False,
                enhanced_percent: int = DEFAULT_ENHANCED_PERCENT, typed_rules: bool = False) -> None:
    phases = Phases()
    # The installed line's framework (cdktf or cdktn), constructs, jsii and the node process.
    from cdktf_aws_ecr.framework import framework, provider_bindings

    fw = framework()
    phases.mark("import_cdktf")
    import cdktf_aws_ecr  # lean start of the provider bindings (loads the jsii assembly)

    App, TerraformStack = fw.App, fw.TerraformStack
    AwsProvider = provider_bindings("provider").AwsProvider

    phases.mark("import_bindings")

    app = App(outdir=outdir)
    stack = TerraformStack(app, STACK_NAME)
    _local_state(stack)
    AwsProvider(stack, "aws", region=REGION)
    round_trips = _count_round_trips() if count_round_trips else None
    for i, inputs in enumerate(repository_inputs(count, enhanced_percent)):
        if typed_rules:
            inputs = typed_rule_inputs(inputs)
        cdktf_aws_ecr.Repository(stack, f"repository_{i}", **inputs)
    phases.mark("build")
    extra = {} if round_trips is None else {"round_trips": dict(round_trips)}
    app.synth()
    phases.mark("synth")
    from cdktf_aws_ecr import _lean_import

    phases.report(mode=_lean_import.mode, repositories=count, **extra)


def build_floor(outdir: str, framework: str = "cdktf", bindings: str = "cdktf_cdktf_provider_aws") -> None:
    """The floor of the line whose framework and AWS bindings are the modules ``framework``
    and ``bindings`` (cdktf's, or a fork's of the same shape)."""
    import importlib

    phases = Phases()
    cdk = importlib.import_module(framework)

    phases.mark("import_cdktf")
    importlib.import_module(bindings)  # the stock import: every submodule
    App, TerraformStack = cdk.App, cdk.TerraformStack
    AwsProvider = importlib.import_module(f"{bindings}.provider").AwsProvider
    LocalBackend = cdk.LocalBackend

    phases.mark("import_bindings")

    if "cdktf_aws_ecr" in sys.modules:  # pragma: no cover - a guard for the measurement
        raise SystemExit("the floor must not import cdktf_aws_ecr")
    app = App(outdir=outdir)
    stack = TerraformStack(app, STACK_NAME)
    LocalBackend(stack, path="terraform.tfstate")  # as _local_state, without importing cdktf
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
    parser.add_argument("--framework", default="cdktf", help="the floor's framework module (default cdktf)")
    parser.add_argument("--bindings", default="cdktf_cdktf_provider_aws",
                        help="the floor's AWS provider bindings module (default cdktf_cdktf_provider_aws)")
    parser.add_argument("--enhanced-percent", type=int, default=DEFAULT_ENHANCED_PERCENT,
                        help="share of the fleet with enhanced scanning, in %% (default 10)")
    parser.add_argument("--typed-rules", action="store_true",
                        help="typed lifecycle rules behind protected tags instead of the seed's keywords")
    args = parser.parse_args(argv)
    if args.print_inputs is not None:
        json.dump(repository_inputs(args.print_inputs, args.enhanced_percent), sys.stdout, indent=1)
        print()
    elif args.floor:
        build_floor(args.outdir, args.framework, args.bindings)
    else:
        build_fleet(args.repositories, args.outdir, args.count_round_trips,
                    args.enhanced_percent, args.typed_rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
