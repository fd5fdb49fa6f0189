"""The lifecycle preview command, ``python -m cdktf_aws_ecr.preview STACK_DIR REPOSITORY``:
finds a repository's lifecycle policy in a synthesized stack, reads its images from a
file or the registry, and prints what the policy would expire (docs/lifecycle.md)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, TextIO

from ..errors import ValidationError
from .simulator import (
    INDEX_MEDIA_TYPES,
    LifecyclePreview,
    Verdict,
    preview_lifecycle,
    short_digest,
    tag_pattern_matches,
)

STACK_FILE = "cdk.tf.json"
_REFERENCE = re.compile(r"\$\{aws_ecr_repository\.([A-Za-z0-9_-]+)\.(?:name|id)\}")
# Terraform interpolation or a template directive, not its "$${" / "%%{" escape.
_EXPRESSION = re.compile(r"(?<![$%])[$%]\{")


class PreviewError(RuntimeError):
    """The preview could not get its images (boto3 missing, an AWS error)."""


@dataclass(frozen=True)
class StackPolicy:
    """A repository of a synthesized stack and the lifecycle policy attached to it."""

    repository: str
    repository_address: str
    policy_address: str
    policy: str
    region: Optional[str]
    """The region of the repository's AWS provider, when the stack writes it literally."""


def _load_stack(stack_dir: Path) -> Mapping[str, Any]:
    path = stack_dir / STACK_FILE if stack_dir.is_dir() else stack_dir
    try:
        with open(path, encoding="utf-8") as handle:
            stack = json.load(handle)
    except (OSError, ValueError) as error:
        raise ValidationError(
            "stack_dir",
            str(stack_dir),
            f"a synthesized stack directory (cdktf.out/stacks/<name>) holding {STACK_FILE}",
            problem=f"cannot be read ({error})",
        ) from None
    if not isinstance(stack, Mapping):
        raise ValidationError(
            "stack_dir",
            str(path),
            f"a {STACK_FILE} holding a JSON object",
            problem="holds another value",
        )
    return stack


def _provider_region(stack: Mapping[str, Any], resource: Mapping[str, Any]) -> Optional[str]:
    alias = resource.get("provider")
    wanted = alias.split(".", 1)[1] if isinstance(alias, str) and "." in alias else None
    for provider in stack.get("provider", {}).get("aws", []):
        if isinstance(provider, Mapping) and provider.get("alias") == wanted:
            region = provider.get("region")
            if isinstance(region, str) and not _EXPRESSION.search(region):
                return region
    return None


def find_lifecycle_policy(
    stack_dir: Path, repository: str, region: Optional[str] = None
) -> StackPolicy:
    """The lifecycle policy text of the ``aws_ecr_repository`` named ``repository`` in a
    synthesized stack (``region`` picks one of several in different regions), whatever the
    logical ids. Raises :class:`ValidationError` when it is not one repository with one
    policy written out at synth."""
    stack = _load_stack(stack_dir)
    resources = stack.get("resource", {})
    repositories = resources.get("aws_ecr_repository", {})
    keys = [key for key, body in repositories.items() if body.get("name") == repository]
    if not keys:
        names = sorted(
            str(body.get("name")) for body in repositories.values() if isinstance(body, Mapping)
        )
        raise ValidationError(
            "repository",
            repository,
            f"the name of one aws_ecr_repository in {stack_dir}: {names}",
            problem="is not in the stack",
        )
    if len(keys) > 1:
        keys = _in_region(stack, repositories, repository, keys, region)
    key = keys[0]
    attached = []
    for policy_key, body in resources.get("aws_ecr_lifecycle_policy", {}).items():
        target = body.get("repository")
        match = _REFERENCE.fullmatch(target) if isinstance(target, str) else None
        if (match is not None and match.group(1) == key) or target == repository:
            attached.append((policy_key, body))
    address = f"aws_ecr_repository.{key}"
    if len(attached) != 1:
        raise ValidationError(
            "repository",
            repository,
            "a repository with exactly one aws_ecr_lifecycle_policy",
            problem=f"({address}) has {len(attached)} lifecycle policies in the stack",
        )
    policy_key, body = attached[0]
    policy_address = f"aws_ecr_lifecycle_policy.{policy_key}"
    text = body.get("policy")
    if not isinstance(text, str) or _EXPRESSION.search(text):
        raise ValidationError(
            f"{policy_address}.policy",
            text,
            "a policy document written out at synth",
            problem="is a Terraform expression, known only at apply, so it cannot be previewed",
        )
    return StackPolicy(
        repository=repository,
        repository_address=address,
        policy_address=policy_address,
        policy=text.replace("$${", "${").replace("%%{", "%{"),
        region=_provider_region(stack, repositories[key]),
    )


def _in_region(
    stack: Mapping[str, Any],
    repositories: Mapping[str, Any],
    repository: str,
    keys: List[str],
    region: Optional[str],
) -> List[str]:
    """The one of several repositories named ``repository`` whose provider is in ``region``."""
    regions = {key: _provider_region(stack, repositories[key]) for key in keys}
    candidates = ", ".join(
        f"aws_ecr_repository.{key} (provider {repositories[key].get('provider', 'aws')}, "
        f"region {regions[key] or 'not written literally'})"
        for key in keys
    )
    allowed = (
        "the name of one aws_ecr_repository in the stack, and for a name in several "
        "regions a region (--region) that holds one of them"
    )
    if region is None:
        raise ValidationError(
            "repository",
            repository,
            allowed,
            problem=f"names {len(keys)} repositories: {candidates}; pass the region of one "
            "(--region)",
        )
    chosen = [key for key in keys if regions[key] == region]
    if len(chosen) != 1:
        raise ValidationError(
            "region",
            region,
            allowed,
            problem=f"{'holds none' if not chosen else f'holds {len(chosen)}'} of the "
            f"{len(keys)} repositories named {repository!r}: {candidates}",
        )
    return chosen


def describe_images_entry(entry: Mapping[str, Any]) -> Dict[str, Any]:
    """A describe_images ``imageDetail`` as a preview image (ARCHIVED means archive;
    ACTIVE and ACTIVATING, still being restored, mean standard)."""
    image = {
        "digest": entry.get("imageDigest"),
        "tags": entry.get("imageTags") or [],
        "pushed_at": entry.get("imagePushedAt"),
        "storage_class": "archive" if entry.get("imageStatus") == "ARCHIVED" else "standard",
    }
    for key, field in (
        ("last_pulled_at", "lastRecordedPullTime"),
        ("last_archived_at", "lastArchivedAt"),
        ("last_activated_at", "lastActivatedAt"),
        ("media_type", "imageManifestMediaType"),
        # Not describe-images output: how a file names an index's platform manifests.
        ("references", "references"),
    ):
        if entry.get(field) is not None:
            image[key] = entry[field]
    return image


def images_from_file(path: Path) -> List[Dict[str, Any]]:
    """Images from JSON: a list of ``{digest, tags, pushed_at}``, or
    ``aws ecr describe-images`` output (``{"imageDetails": [...]}``), all of it: a page
    holding ``nextToken`` is refused. A UTF-8 byte-order mark (PowerShell's redirection
    writes one) is skipped."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        raise ValidationError(
            "images", str(path), "a JSON file of images", problem=f"cannot be read ({error})"
        ) from None
    if isinstance(data, Mapping) and data.get("nextToken") is not None:
        # One page: a count window over part of the images ranks them wrongly.
        raise ValidationError(
            "images",
            str(path),
            "every image of the repository: describe-images output without nextToken (the "
            "AWS CLI pages through all results unless --max-items or --no-paginate stops it), "
            "or no --images, to read the registry",
            problem="holds nextToken: it is one page of the images, not all of them",
        )
    if isinstance(data, Mapping) and isinstance(data.get("imageDetails"), list):
        return [
            describe_images_entry(entry) if isinstance(entry, Mapping) else entry
            for entry in data["imageDetails"]
        ]
    if not isinstance(data, list):
        raise ValidationError(
            "images",
            str(path),
            'a JSON list of {"digest", "tags", "pushed_at"}, or describe-images output',
            problem=f"holds a {type(data).__name__}",
        )
    return data


def registry_images(repository: str, region: Optional[str]) -> Iterator[Dict[str, Any]]:
    """Every image of ``repository``, through boto3's paginated ``describe_images``."""
    try:
        import boto3  # type: ignore[import-untyped]
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]
    except ImportError:
        raise PreviewError(
            "reading images from the registry needs boto3 (pip install boto3); "
            "or pass --images FILE.json"
        ) from None
    try:
        client = boto3.client("ecr", region_name=region)
        images = [
            describe_images_entry(entry)
            for page in client.get_paginator("describe_images").paginate(repositoryName=repository)
            for entry in page.get("imageDetails", [])
        ]
        indexes = [i["digest"] for i in images if i.get("media_type") in INDEX_MEDIA_TYPES]
        references = _index_references(client, repository, indexes)
    except (BotoCoreError, ClientError) as error:
        raise PreviewError(f"describe_images for {repository!r} failed: {error}") from None
    for image in images:
        if image["digest"] in references:
            image["references"] = references[image["digest"]]
        yield image


def _index_references(client: Any, repository: str, indexes: List[str]) -> Dict[str, List[str]]:
    """Each image index's platform manifests, read from its manifest (``batch_get_image``,
    100 images per call): describe-images does not list them."""
    found: Dict[str, List[str]] = {}
    for start in range(0, len(indexes), 100):
        answer = client.batch_get_image(
            repositoryName=repository,
            imageIds=[{"imageDigest": d} for d in indexes[start:start + 100]],
            acceptedMediaTypes=sorted(INDEX_MEDIA_TYPES),
        )
        for image in answer.get("images", []):
            manifest = json.loads(image.get("imageManifest") or "{}")
            found[image["imageId"]["imageDigest"]] = [
                m["digest"] for m in manifest.get("manifests", []) if "digest" in m
            ]
        for failure in answer.get("failures", []):
            raise PreviewError(
                f"batch_get_image for {repository!r} could not read image index "
                f"{failure.get('imageId', {}).get('imageDigest')}: {failure.get('failureReason')}"
            )
    return found


def _table(preview: LifecyclePreview) -> List[str]:
    """One row per image; a STORAGE column only when some image is archived."""
    storage = any(image.storage_class != "standard" for image in preview.images)
    optional = ("STORAGE",) if storage else ()
    rows = [("IMAGE", "TAGS", "PUSHED (UTC)") + optional + ("VERDICT", "RULE", "WHY")]
    for image in preview.images:
        rows.append(
            (
                short_digest(image.digest),
                ", ".join(image.tags) or "<untagged>",
                image.pushed_at.strftime("%Y-%m-%d %H:%M"),
            )
            + ((image.storage_class,) if storage else ())
            + (
                image.verdict.value,
                "-" if image.rule_priority is None else str(image.rule_priority),
                image.reason,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1]
        for row in rows
    ]


def _blocking(preview: LifecyclePreview, patterns: Optional[Sequence[str]]) -> List[str]:
    """Digests of expiring (or archiving: an archived image cannot be pulled)
    images that ``--fail-on-expire`` stops on: any such image without patterns, else
    those with a tag matching one (``*`` matches any run of characters; no ``*`` means
    that exact tag, as in a ``tagPatternList``)."""
    if patterns is None:
        return []
    return [
        image.digest
        for image in preview.images
        if image.verdict is not Verdict.KEEP
        and (
            not patterns
            or any(tag_pattern_matches(pattern, tag) for pattern in patterns for tag in image.tags)
        )
    ]


def _report(
    found: StackPolicy, preview: LifecyclePreview, blocked: List[str], as_json: bool, out: TextIO
) -> None:
    if as_json:
        document = {
            "repository": found.repository,
            "lifecycle_policy": found.policy_address,
            "now": preview.now.isoformat(),
            "images": [
                {
                    "digest": image.digest,
                    "tags": list(image.tags),
                    "pushed_at": image.pushed_at.isoformat(),
                    "verdict": image.verdict.value,
                    "rule_priority": image.rule_priority,
                    "reason": image.reason,
                    "tie": image.tie,
                    "storage_class": image.storage_class,
                }
                for image in preview.images
            ],
            "expired": dict(preview.expired),
            "archived": dict(preview.archived),
            "blocked": blocked,
        }
        json.dump(document, out, indent=2)
        out.write("\n")
        return
    archived = f", {len(preview.archived)} be archived" if preview.archived else ""
    out.write(
        f"{found.repository} ({found.policy_address}) at {preview.now.isoformat()}: "
        f"{len(preview.expired)} of {len(preview.images)} images would expire{archived}\n"
    )
    if preview.images:
        out.write("\n".join(_table(preview)) + "\n")
    out.write(
        "ECR acts up to 24 hours after an image meets a rule, so this is a forecast.\n"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cdktf_aws_ecr.preview",
        description="Preview which images a synthesized ECR lifecycle policy would expire.",
    )
    parser.add_argument("stack_dir", type=Path, help="cdktf.out/stacks/<name> (or its cdk.tf.json)")
    parser.add_argument("repository", help="the repository name, e.g. payments/api")
    parser.add_argument(
        "--images",
        type=Path,
        metavar="FILE",
        help="JSON list of {digest, tags, pushed_at} or describe-images output; "
        "without it, images are read from the registry with boto3",
    )
    parser.add_argument(
        "--region",
        help="AWS region of the registry (default: the stack's, then the environment's); "
        "picks the repository when the stack holds its name in several regions",
    )
    parser.add_argument(
        "--now", help="ISO-8601 time to evaluate at, e.g. 2026-12-25T00:00:00Z (default: now)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--fail-on-expire",
        nargs="*",
        metavar="PATTERN",
        help="exit 1 when an image would expire (or be archived); with patterns, only when it "
        "has a matching tag",
    )
    return parser


def main(
    argv: Optional[Sequence[str]] = None,
    out: Optional[TextIO] = None,
    err: Optional[TextIO] = None,
) -> int:
    """Run the command; return 0, 1 when ``--fail-on-expire`` found an image, 2 on an error."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        found = find_lifecycle_policy(args.stack_dir, args.repository, args.region)
        if args.images is not None:
            images: List[Dict[str, Any]] = images_from_file(args.images)
        else:
            region = (
                args.region
                or found.region
                or os.environ.get("AWS_REGION")
                or os.environ.get("AWS_DEFAULT_REGION")
            )
            images = list(registry_images(args.repository, region))
        preview = preview_lifecycle(found.policy, images, args.now)
    except (ValidationError, PreviewError) as error:
        err.write(f"error: {error}\n")
        return 2
    blocked = _blocking(preview, args.fail_on_expire)
    _report(found, preview, blocked, args.json, out)
    if blocked:
        fate = "expire or be archived" if any(d in preview.archived for d in blocked) else "expire"
        err.write(f"--fail-on-expire: {len(blocked)} image(s) would {fate}: {', '.join(blocked)}\n")
        return 1
    return 0
