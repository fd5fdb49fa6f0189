"""The command line of the plan review: ``python -m cdktf_aws_ecr.review``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Sequence, TextIO

from . import review_plans
from .live import LiveError
from .plan import PLAN_FILE, Plan, PlanError, plan_stack_dirs, read_plan
from .report import EXIT_ERROR

DESCRIPTION = """\
Review Terraform plans before apply. Refuses (exit 1) a plan that would delete or replace
an ECR repository, delete its repository or lifecycle policy while the repository stays,
delete or reset a registry setting, and, with --live, stop scanning a repository that is
scanned today or expire images at once. Warns (exit 0 unless --strict) when enhanced
scanning newly reaches repositories no plan declares, or a policy grants destructive
actions to another account. Exit 2: bad usage or unreadable input."""

EPILOG = f"""\
examples:
  terraform -chdir=cdktf.out/stacks/prod plan -out=tfplan
  terraform -chdir=cdktf.out/stacks/prod show -json tfplan > prod.plan.json
  python -m cdktf_aws_ecr.review --plan prod.plan.json --live

  python -m cdktf_aws_ecr.review --stack-dir cdktf.out/stacks/dev --stack-dir cdktf.out/stacks/prod
  (plans each stack itself and leaves the plan it reviewed in <stack dir>/{PLAN_FILE},
  so `terraform apply {PLAN_FILE}` there applies exactly what passed)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cdktf_aws_ecr.review",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--plan", action="append", default=[], type=Path, metavar="FILE",
        help="output of `terraform show -json PLANFILE` (repeatable; plans are reviewed together)",
    )
    parser.add_argument(
        "--stack-dir", action="append", default=[], type=Path, metavar="DIR",
        help="a synthesized stack (cdktf.out/stacks/<stack>): run terraform init (if needed), "
        f"plan -out={PLAN_FILE} and show -json there (repeatable; planned side by side)",
    )
    parser.add_argument(
        "--live", action="store_true",
        help="also read the registries the plans target (boto3; the provider's region; "
        "AWS_ENDPOINT_URL honoured) to say what is at stake",
    )
    parser.add_argument(
        "--allow-destroy", action="append", default=[], metavar="PATTERN",
        help="let the refusals of a repository name or Terraform address matching PATTERN "
        "(fnmatch, e.g. 'sandbox/*') through (repeatable)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings refuse too (exit 1)")
    parser.add_argument("--json", action="store_true", help="print the review as JSON")
    return parser


def main(
    argv: Optional[Sequence[str]] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Run the review; returns the exit status (0 passed, 1 refused, 2 bad usage or input)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.plan and not args.stack_dir:
        parser.print_usage(err)
        err.write("error: give at least one --plan FILE or --stack-dir DIR\n")
        return EXIT_ERROR
    try:
        plans: List[Plan] = [read_plan(path) for path in args.plan]
        if args.stack_dir:
            err.write(f"planning {len(args.stack_dir)} stack(s): "
                      f"{', '.join(str(d) for d in args.stack_dir)}\n")
            plans += plan_stack_dirs(args.stack_dir)
        if args.live:
            err.write("reading the live registry (--live)\n")
        review = review_plans(plans, live=args.live, allow_destroy=args.allow_destroy)
    except (PlanError, LiveError) as error:
        err.write(f"error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        err.write("interrupted; nothing was reviewed\n")
        return EXIT_ERROR
    except Exception as error:  # a message, never a traceback, in CI logs
        err.write(f"error: the review failed unexpectedly ({type(error).__name__}: {error})\n")
        return EXIT_ERROR
    out.write(review.render_json(args.strict) if args.json else review.render_text(args.strict))
    return review.exit_code(args.strict)
