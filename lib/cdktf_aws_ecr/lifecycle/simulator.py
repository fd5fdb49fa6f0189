"""A preview of what a lifecycle policy expires (or archives): ECR's documented
evaluation rules applied to a list of images, in pure Python (no jsii)."""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ..checks import type_name
from ..tokens import is_token
from .policy_check import (
    ABSENT,
    ARCHIVE,
    STANDARD,
    STORAGE_CLASSES,
    TAG_PATTERN_RE,
    TAG_STATUSES,
    TRANSITION,
    CheckedRule,
    TagStatus,
    checked_rules,
    fail,
    rule_path,
)

#: The manifest media types of an image index (a multi-architecture image, as buildx pushes):
#: it references one platform manifest per architecture, each an image of its own.
INDEX_MEDIA_TYPES = frozenset({
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
})


@functools.lru_cache(maxsize=1024)
def _pattern_re(pattern: str) -> "re.Pattern[str]":
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def tag_pattern_matches(pattern: str, tag: str) -> bool:
    """Whether ``tag`` matches a ``tagPatternList`` entry: ``*`` matches any run of characters,
    the rest is literal and the whole tag must match (LifecyclePolicies.html)."""
    return _pattern_re(pattern).fullmatch(tag) is not None


def _selects_tags(
    status: str, prefixes: Sequence[str], patterns: Sequence[str], tags: Sequence[str]
) -> bool:
    """Whether a rule's tag filter selects an image with these tags. Several entries are AND,
    each matched by any tag (LifecyclePolicies.html: "an image is successfully matched if all
    of the tags in the tagPatternList or tagPrefixList value are matched against any of the
    image's tags")."""
    if status == TagStatus.ANY.value:
        return True
    if status == TagStatus.UNTAGGED.value:
        return not tags
    if not tags:
        return False
    if prefixes:
        return all(any(tag.startswith(prefix) for tag in tags) for prefix in prefixes)
    return all(any(tag_pattern_matches(pattern, tag) for tag in tags) for pattern in patterns)


class Verdict(str, enum.Enum):
    """What a lifecycle policy does to an image."""

    EXPIRE = "expire"
    ARCHIVE = "archive"
    """Moved to the archive storage class by a ``transition`` rule."""
    KEEP = "keep"


@dataclass(frozen=True)
class ImageVerdict:
    """The fate of one image under a policy, with the rule that decides it."""

    digest: str
    tags: Tuple[str, ...]
    pushed_at: datetime
    verdict: Verdict
    rule_priority: Optional[int]
    """The rule that expires or archives the image, or that selected it first
    (and so keeps it from every lower rule); None when no rule selects it."""
    reason: str
    tie: bool = False
    """True when a count window's boundary falls between images pushed at the
    same instant: ECR does not document which of them it keeps."""
    storage_class: str = STANDARD
    """``standard``, or ``archive`` for an archived image."""


@dataclass(frozen=True)
class LifecyclePreview:
    """What a policy would do to a set of images, at ``now``: a forecast, since ECR acts up to
    24 hours after an image meets a rule (LifecyclePolicies.html), and waits for a manifest
    list to go before the images it references."""

    now: datetime
    images: Tuple[ImageVerdict, ...]
    """Every image, newest first (by push time, or the time it was restored
    from archive, then by digest)."""

    def _by(self, verdict: Verdict) -> Mapping[str, Optional[int]]:
        return {
            image.digest: image.rule_priority for image in self.images if image.verdict is verdict
        }

    @property
    def expired(self) -> Mapping[str, int]:
        """Digest -> ``rulePriority`` of the rule that expires the image."""
        return {digest: rule for digest, rule in self._by(Verdict.EXPIRE).items() if rule}

    @property
    def archived(self) -> Mapping[str, int]:
        """Digest -> ``rulePriority`` of the rule that moves the image to archive."""
        return {digest: rule for digest, rule in self._by(Verdict.ARCHIVE).items() if rule}

    @property
    def kept(self) -> Mapping[str, Optional[int]]:
        """Digest -> ``rulePriority`` of the rule that selected (and keeps) the
        image, or None when no rule selects it."""
        return self._by(Verdict.KEEP)


@dataclass(frozen=True)
class _Image:
    digest: str
    tags: Tuple[str, ...]
    pushed_at: datetime
    storage_class: str
    last_pulled_at: Optional[datetime]
    last_archived_at: Optional[datetime]
    last_activated_at: Optional[datetime]
    references: Tuple[str, ...] = ()
    """The digests an image index references (its platform manifests)."""

    @property
    def active_since(self) -> datetime:
        """LifecyclePolicies.html: for an image restored from archive,
        "last_activated_at is used instead of pushed_at_time"."""
        return self.last_activated_at or self.pushed_at

    def reference(self, count_type: str) -> Tuple[str, datetime]:
        """What a ``since*`` count type measures, and from when."""
        if count_type == "sinceImageTransitioned" and self.last_archived_at is not None:
            return "archived", self.last_archived_at
        if count_type == "sinceImagePulled":
            # LifecyclePolicies.html: last_recorded_pulltime; pushed_at_time if never
            # pulled; last_activated_at if never pulled since it was restored.
            if self.last_pulled_at is not None and (
                self.last_activated_at is None or self.last_pulled_at >= self.last_activated_at
            ):
                return "last pulled", self.last_pulled_at
        if self.last_activated_at is not None:
            return "restored", self.last_activated_at
        return "pushed", self.pushed_at


def _as_utc(parameter: str, value: Any) -> datetime:
    allowed = (
        "a datetime, an ISO-8601 string such as '2026-11-25T10:00:00Z' (UTC if no offset), "
        "or seconds since the epoch (as the AWS CLI of old prints imagePushedAt)"
    )
    moment = value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise fail(parameter, value, allowed, "is out of range") from None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise fail(parameter, value, allowed, "is not an ISO-8601 date and time") from None
    if not isinstance(moment, datetime):
        raise fail(parameter, value, allowed, f"is {type_name(value)}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _optional_time(item: Mapping[str, Any], key: str, where: str) -> Optional[datetime]:
    value = item.get(key)
    return None if value is None else _as_utc(f"{where}.{key}", value)


def _images(images: Iterable[Mapping[str, Any]]) -> List[_Image]:
    if isinstance(images, (str, bytes, Mapping)) or not isinstance(images, Iterable):
        raise fail(
            "images",
            images,
            "an iterable of mappings with digest, tags and pushed_at",
            f"is {type_name(images)}",
        )
    parsed: List[_Image] = []
    seen: Dict[str, int] = {}
    for index, item in enumerate(images):
        where = f"images[{index}]"
        if not isinstance(item, Mapping):
            raise fail(
                where, item, "a mapping with digest, tags and pushed_at", f"is {type_name(item)}"
            )
        digest = item.get("digest")
        if not isinstance(digest, str) or not digest:
            raise fail(f"{where}.digest", digest, "a non-empty string", "is not one")
        if digest in seen:
            raise fail(
                f"{where}.digest",
                digest,
                "a digest unique in images",
                f"repeats images[{seen[digest]}]",
            )
        seen[digest] = index
        tags = item.get("tags") or ()
        if isinstance(tags, (str, bytes)) or not isinstance(tags, Sequence) or not all(
            isinstance(tag, str) for tag in tags
        ):
            raise fail(
                f"{where}.tags", tags, "a list of tag strings (empty when untagged)", "is not one"
            )
        if "pushed_at" not in item:
            raise fail(f"{where}.pushed_at", ABSENT, "a datetime or ISO-8601 string", "is missing")
        storage_class = item.get("storage_class", STANDARD)
        if storage_class not in STORAGE_CLASSES:
            raise fail(
                f"{where}.storage_class", storage_class, "'standard' or 'archive'", "is neither"
            )
        archived_at = _optional_time(item, "last_archived_at", where)
        if storage_class == ARCHIVE and archived_at is None:
            raise fail(
                f"{where}.last_archived_at",
                ABSENT,
                "the time an archived image was archived",
                "is missing",
            )
        parsed.append(
            _Image(
                digest,
                tuple(tags),
                _as_utc(f"{where}.pushed_at", item["pushed_at"]),
                storage_class,
                _optional_time(item, "last_pulled_at", where),
                archived_at,
                _optional_time(item, "last_activated_at", where),
                _references(item, where),
            )
        )
    return parsed


def _references(item: Mapping[str, Any], where: str) -> Tuple[str, ...]:
    """The platform manifests of an image index. An index whose references are unknown (a
    describe-images file lists no references) is refused: a preview would expire manifests
    that ECR keeps, or report a partial view as complete."""
    references = item.get("references")
    if references is None:
        media_type = item.get("media_type")
        if media_type in INDEX_MEDIA_TYPES:
            raise fail(
                f"{where}.references",
                ABSENT,
                "the digests of the manifests the image index references: read the images "
                "from the registry (no --images: the preview reads each index's manifest), or "
                "add \"references\": [digest, ...] to the index's entry",
                f"is missing for an image index ({media_type})",
            )
        return ()
    if isinstance(references, (str, bytes)) or not isinstance(references, Sequence) or not all(
        isinstance(r, str) and r for r in references
    ):
        raise fail(f"{where}.references", references, "a list of digests", "is not one")
    return tuple(references)


def _concrete(rule: CheckedRule) -> None:
    """A preview needs values; a token is only known at apply."""
    for path, value in (
        ("rulePriority", rule.priority),
        ("selection.countNumber", rule.count_number),
        ("selection.tagStatus", rule.status),
    ):
        if isinstance(value, float) or (
            path == "selection.tagStatus" and value not in TAG_STATUSES
        ):
            raise fail(
                rule_path(rule.index, path),
                value,
                "a value known at synth",
                "is an unresolved token",
            )
    for path, entries in (
        ("selection.tagPrefixList", rule.prefixes),
        ("selection.tagPatternList", rule.patterns),
    ):
        odd = [entry for entry in entries or () if not TAG_PATTERN_RE.fullmatch(entry)]
        if odd and (is_token(list(odd)) or any(is_token(entry) for entry in odd)):
            raise fail(
                rule_path(rule.index, path),
                list(entries or ()),
                "tags known at synth",
                "holds an unresolved token",
            )


def short_digest(digest: str) -> str:
    """``sha256:`` and the first 12 hex digits, as a table or a message shows a digest."""
    algorithm, _, value = digest.partition(":")
    return f"{algorithm}:{value[:12]}" if value else digest[:19]


def _keep_referenced(images: Sequence[_Image], decided: Dict[str, ImageVerdict]) -> None:
    """ECR does not expire an image that an image index (manifest list) references while the
    index exists; the index goes first, its platform manifests in a later evaluation
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html, "Lifecycle
    policy evaluation rules"). So a buildx image's untagged platform manifests are kept."""
    held_by: Dict[str, str] = {}
    for image in images:
        for digest in image.references:
            held_by.setdefault(digest, image.digest)
    for digest, index in held_by.items():
        verdict = decided.get(digest)
        if verdict is None or verdict.verdict is not Verdict.EXPIRE:
            continue
        going = decided.get(index)
        later = (
            "; the index expires in this evaluation, so this image may follow in a later one"
            if going is not None and going.verdict is Verdict.EXPIRE
            else ""
        )
        decided[digest] = replace(
            verdict,
            verdict=Verdict.KEEP,
            reason=f"{verdict.reason}, but image index {short_digest(index)} references it, and ECR "
            f"keeps a referenced image while its index exists{later}",
        )


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f}"


def preview_lifecycle(
    policy: Union[str, Mapping[str, Any]],
    images: Iterable[Mapping[str, Any]],
    now: Union[datetime, str, None] = None,
) -> LifecyclePreview:
    """Which images ``policy`` would expire (or archive), and which rule decides each.

    ``images`` are mappings with ``digest`` (unique), ``tags`` (empty or absent: untagged)
    and ``pushed_at`` (a datetime or ISO-8601 string, UTC without an offset); for archive
    rules also ``storage_class`` (``"standard"`` or ``"archive"``), ``last_pulled_at``,
    ``last_archived_at`` (required when archived) and ``last_activated_at`` (restored). Times
    may also be seconds since the epoch. An image index has ``media_type`` (one of
    :data:`INDEX_MEDIA_TYPES`) and ``references``, the digests of its platform manifests,
    which are kept while the index exists. ``now`` defaults to the current UTC time.

    After :func:`check_lifecycle_policy`, ECR's evaluation rules (LifecyclePolicies.html)
    apply: by ascending ``rulePriority``, each image is decided by the first rule whose tag
    filter and storage class select it, or none; a lower rule still *sees* the images higher
    rules decided (``imageCountMoreThan`` ranks all it selects, newest first, and acts on the
    undecided ones beyond the count); ``since*`` counts days of 24 hours before ``now`` from
    the push or restore, the last pull, or the archiving. Images pushed at one instant rank
    by digest; a count window that splits them gives ``tie=True``."""
    checked = checked_rules(policy)
    for rule in checked:
        _concrete(rule)
    rules = sorted(checked, key=lambda rule: int(rule.priority))
    moment = _as_utc("now", now) if now is not None else datetime.now(timezone.utc)
    newest_first = sorted(
        _images(images), key=lambda image: (image.active_since, image.digest), reverse=True
    )

    decided: Dict[str, ImageVerdict] = {}
    for rule in rules:
        selected = [
            image
            for image in newest_first
            if image.storage_class == rule.storage_class
            and _selects_tags(rule.status, rule.prefixes or (), rule.patterns or (), image.tags)
        ]
        count = int(rule.count_number)
        acts = Verdict.ARCHIVE if rule.action == TRANSITION else Verdict.EXPIRE
        verb = "archives" if acts is Verdict.ARCHIVE else "expires"
        tied_at: Optional[datetime] = None
        if rule.count_type == "imageCountMoreThan" and len(selected) > count:
            if selected[count - 1].active_since == selected[count].active_since:
                tied_at = selected[count].active_since
        for rank, image in enumerate(selected, start=1):
            if image.digest in decided:
                continue
            if rule.count_type == "imageCountMoreThan":
                act = rank > count
                reason = (
                    f"number {rank} of the {len(selected)} images rule {rule.priority} selects, "
                    f"newest first; it keeps {count}"
                )
            else:
                event, since = image.reference(rule.count_type)
                age = moment - since
                act = age > timedelta(days=count)
                reason = (
                    f"{event} {_days(age)} days before now; rule {rule.priority} {verb} "
                    f"images {event} more than {count} day{'s' if count != 1 else ''} before"
                )
            tie = tied_at is not None and image.active_since == tied_at
            if tie:
                reason += (
                    "; pushed at the same instant as an image on the other side of the "
                    "window, and ECR does not document which of them it keeps"
                )
            decided[image.digest] = ImageVerdict(
                image.digest,
                image.tags,
                image.pushed_at,
                acts if act else Verdict.KEEP,
                int(rule.priority),
                reason,
                tie,
                image.storage_class,
            )
    _keep_referenced(newest_first, decided)
    verdicts = tuple(
        decided.get(image.digest)
        or ImageVerdict(
            image.digest,
            image.tags,
            image.pushed_at,
            Verdict.KEEP,
            None,
            "no rule selects it",
            storage_class=image.storage_class,
        )
        for image in newest_first
    )
    return LifecyclePreview(now=moment, images=verdicts)
