"""The command: ``python -m cdktf_aws_ecr.adopt --region eu-west-1 [--prefix team/]``.

Writes the Python that adopts the registry (stdout or ``--output``), says on stderr what
the first apply will change, and with ``--report`` writes that as JSON. Reading needs
boto3 (``pip install 'cdktf-aws-ecr[preview]'``); credentials, region and
``AWS_ENDPOINT_URL`` come from the environment as for any boto3 program.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Sequence, TextIO, Tuple

from .changes import Change, Note
from .code import render_module, report
from .live import LiveRegistry, ReadError, read_registry
from .registry import declared_registry, needs_of
from .repository import NotAdoptable, RepositoryCode, declared_repository

#: Changes listed one by one on stderr; more are summarised (all are in --report).
_LISTED = 40


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cdktf_aws_ecr.adopt",
        description="Read a live ECR registry and write the Python (cdktf_aws_ecr) that "
        "adopts its repositories and registry settings: the first apply imports them and "
        "changes only what this command announces.",
    )
    parser.add_argument("--region", help="the registry's region (default: boto3's, from "
                        "AWS_DEFAULT_REGION or the profile)")
    parser.add_argument("--prefix", action="append", default=[], metavar="PREFIX",
                        help="only repositories whose names start with PREFIX (repeatable)")
    parser.add_argument("--as-is", action="store_true",
                        help="keep every live setting: turn no guardrail on (mutable tags, "
                        "scan on push off and no lifecycle policy stay as they are)")
    parser.add_argument("--registry-managed-elsewhere", action="store_true",
                        help="write no registry-wide setting: another app or state owns them")
    parser.add_argument("--output", type=Path, help="write the Python here (default: stdout)")
    parser.add_argument("--report", type=Path,
                        help="write the changes and notes as JSON here")
    parser.add_argument("--workers", type=int, default=8,
                        help="repositories read at once (default: 8)")
    return parser


def _clients(region: Optional[str], workers: int) -> Tuple[str, Any, Any]:
    try:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]
    except ImportError:
        raise ReadError(
            "reading the registry needs boto3: pip install 'cdktf-aws-ecr[preview]'"
        ) from None
    session = boto3.session.Session(region_name=region)
    if not session.region_name:
        raise ReadError("no region: pass --region, or set AWS_DEFAULT_REGION")
    # Throttled reads back off and retry; the optional reads (account settings, caches,
    # templates) fail fast, as an endpoint may not implement them.
    client = session.client("ecr", config=Config(
        retries={"max_attempts": 10, "mode": "adaptive"},
        max_pool_connections=max(10, workers),
    ))
    optional = session.client("ecr", config=Config(retries={"max_attempts": 2, "mode": "standard"}))
    return session.region_name, client, optional


def _print_announcements(
    live: LiveRegistry, adopted: int, changes: Sequence[Change], notes: Sequence[Note],
    out: TextIO,
) -> None:
    print(f"adopt: {adopted} repositories of {live.account_id} in {live.region} adopted",
          file=out)
    if not changes:
        print("adopt: the first apply changes nothing: it only imports", file=out)
    else:
        print(f"adopt: the first apply changes ({len(changes)}):", file=out)
        for change in changes[:_LISTED]:
            print(f"  {change.line()}", file=out)
        if len(changes) > _LISTED:
            print(f"  ... and {len(changes) - _LISTED} more (each repository's block says "
                  "what changes for it; --report lists them all)", file=out)
    if notes:
        print(f"adopt: left as it is ({len(notes)}):", file=out)
        for note in notes[:_LISTED]:
            print(f"  {note.line()}", file=out)
        if len(notes) > _LISTED:
            print(f"  ... and {len(notes) - _LISTED} more", file=out)


@dataclass(frozen=True)
class Generated:
    """The module that adopts a registry, and what it announces."""

    source: str
    adopted: int
    changes: List[Change]
    notes: List[Note]


def generate(
    live: LiveRegistry, *, as_is: bool = False, managed_elsewhere: bool = False,
    command: str = "python -m cdktf_aws_ecr.adopt",
) -> Generated:
    """The Python that adopts ``live``, and the changes its first apply makes."""
    repositories: List[RepositoryCode] = []
    skipped: List[Note] = [Note(name, "not adopted: it was deleted while it was read")
                           for name in live.vanished]
    for repository in live.repositories:
        try:
            repositories.append(declared_repository(repository, live.account_id, as_is))
        except NotAdoptable as error:
            skipped.append(Note(repository.name, f"not adopted: {error}"))
    registry = declared_registry(
        live, needs_of({r.name: r.scan_on_push for r in repositories}), managed_elsewhere
    )
    changes = registry.changes + [c for r in repositories for c in r.changes]
    notes = registry.notes + [n for r in repositories for n in r.notes] + skipped
    source = render_module(
        account_id=live.account_id, region=live.region, command=command, registry=registry,
        repositories=repositories, managed_elsewhere=managed_elsewhere, changes=changes,
        notes=notes,
    )
    return Generated(source, len(repositories), changes, notes)


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(arguments)
    started = time.monotonic()

    def progress(line: str) -> None:
        print(f"adopt: {line}", file=sys.stderr, flush=True)

    try:
        region, client, optional = _clients(args.region, args.workers)
        live = read_registry(client, optional, region, args.prefix, args.workers, progress)
    except ReadError as error:
        print(f"adopt: {error}", file=sys.stderr)
        return 1
    generated = generate(
        live, as_is=args.as_is, managed_elsewhere=args.registry_managed_elsewhere,
        command=" ".join(["python -m cdktf_aws_ecr.adopt", *map(shlex.quote, arguments)]),
    )
    if args.output is None:
        sys.stdout.write(generated.source)
    else:
        args.output.write_text(generated.source, encoding="utf-8")
    if args.report is not None:
        args.report.write_text(
            json.dumps(report(generated.changes, generated.notes), indent=2) + "\n",
            encoding="utf-8",
        )
    _print_announcements(live, generated.adopted, generated.changes, generated.notes, sys.stderr)
    progress(f"done in {time.monotonic() - started:.1f} s")
    return 0
