"""How one live repository is declared: its settings kept where they are fixed or already
guarded, the library's guardrails where they can be applied in place, each change said."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

from ..checks import check_kms_key_arn, check_name
from ..enums import EncryptionType, ImageTagMutability
from ..errors import ValidationError
from .changes import Change, Note
from .lifecycle import DEFAULT_POLICY_TEXT, declared_lifecycle_policy
from .live import LiveRepository
from .repository_policy import declared_repository_policy, policy_difference

IMMUTABLE = ImageTagMutability.IMMUTABLE.value
MUTABLE = ImageTagMutability.MUTABLE.value


@dataclass
class RepositoryCode:
    """``Repository(...)``'s keyword arguments (with a comment each where it differs from
    what is live), the calls after it, what it adopts, and what changes."""

    name: str
    keywords: List[Tuple[str, Any, Optional[str]]] = field(default_factory=list)
    calls: List[Tuple[str, Any]] = field(default_factory=list)
    adopt_lifecycle_policy: bool = False
    adopt_repository_policy: bool = False
    scan_on_push: bool = True
    changes: List[Change] = field(default_factory=list)
    notes: List[Note] = field(default_factory=list)


class NotAdoptable(Exception):
    """The library cannot declare this repository without replacing it."""


def _mutability(live: LiveRepository, as_is: bool, code: RepositoryCode) -> None:
    current = live.image_tag_mutability
    if as_is:
        # The *_WITH_EXCLUSION settings keep their side; provider 5.x has no exclusion filters.
        value = IMMUTABLE if current.startswith(IMMUTABLE) else MUTABLE
    else:
        value = IMMUTABLE
    code.keywords.append(("image_tag_mutability", value,
                          None if value == current else f"live: {current}"))
    if value != current:
        why = (
            "pushing a tag that exists fails from then on"
            if value == IMMUTABLE and current.startswith(MUTABLE)
            else "provider 5.x cannot keep its exclusion filters"
        )
        kind = f"image_tag_mutability {current} -> {value}"
        code.changes.append(Change(live.name, "aws_ecr_repository", "update", f"{kind}: {why}",
                                   kind))


def _scan_on_push(live: LiveRepository, as_is: bool, code: RepositoryCode) -> None:
    value = live.scan_on_push if as_is else True
    code.scan_on_push = value
    code.keywords.append(("scan_on_push", value,
                          None if value == live.scan_on_push else f"live: {live.scan_on_push}"))
    if value != live.scan_on_push:
        code.changes.append(Change(live.name, "aws_ecr_repository", "update",
                                   "scan_on_push false -> true: every pushed image is scanned",
                                   "scan_on_push false -> true"))


def _encryption(live: LiveRepository, as_is: bool, code: RepositoryCode) -> None:
    # Encryption is fixed at creation (a change replaces the repository), so the live one
    # is declared whatever the mode.
    if live.encryption_type == EncryptionType.KMS.value:
        if live.kms_key is None:
            code.keywords.append(("encryption_type", EncryptionType.KMS.value, None))
            return
        try:
            check_kms_key_arn("kms_key_arn", live.kms_key)
        except ValidationError as error:
            raise NotAdoptable(f"its KMS key cannot be declared ({error})") from None
        code.keywords.append(("kms_key_arn", live.kms_key, None))
    elif live.encryption_type == EncryptionType.AES256.value:
        code.keywords.append(("encryption_type", EncryptionType.AES256.value, None))
        if not as_is:
            code.notes.append(Note(live.name, "keeps AES256 encryption: encryption is fixed at "
                                   "creation, and KMS would replace the repository"))
    else:
        raise NotAdoptable(f"its encryption {live.encryption_type} is not one the library "
                           "declares (AES256 or KMS), and changing it would replace it")


def _lifecycle(live: LiveRepository, as_is: bool, code: RepositoryCode) -> None:
    if live.lifecycle_policy is None:
        if as_is:
            code.keywords.append(("enable_lifecycle_policy", False, "live: none"))
        else:
            code.changes.append(Change(live.name, "aws_ecr_lifecycle_policy", "create",
                                       f"attaches {DEFAULT_POLICY_TEXT}",
                                       "the default lifecycle policy is attached"))
        return
    declared = declared_lifecycle_policy(live.lifecycle_policy)
    if declared.refused is not None:
        code.keywords.append(("enable_lifecycle_policy", False, "left as it is in AWS"))
        code.notes.append(Note(live.name, "its lifecycle policy stays as it is, managed by "
                               f"nothing: {declared.refused}"))
        return
    code.adopt_lifecycle_policy = True
    if declared.seed_keywords:
        code.keywords += [(k, v, None) for k, v in declared.seed_keywords.items()]
    elif declared.rules:
        code.keywords.append(("lifecycle_rules", declared.rules, None))
    else:
        code.keywords.append(("lifecycle_policy_json", declared.document,
                              "as written: typed rules would write another policy"))


def _repository_policy(live: LiveRepository, account_id: str, code: RepositoryCode) -> None:
    if live.repository_policy is None:
        return
    declared = declared_repository_policy(live.repository_policy, account_id)
    if declared.refused is not None:
        code.notes.append(Note(live.name, "its repository policy stays as it is, managed by "
                               f"nothing: {declared.refused}"))
        return
    code.adopt_repository_policy = True
    code.keywords += [(k, v, None) for k, v in declared.principal_arns.items()]
    code.calls += declared.grants
    code.calls += [("add_to_resource_policy", statement) for statement in declared.statements]
    live_document = json.loads(live.repository_policy)
    if declared.differs_from(live_document):
        assert declared.document is not None
        what = declared.dropped + policy_difference(declared.document, live_document)
        code.changes.append(Change(
            live.name, "aws_ecr_repository_policy", "update",
            "repository policy: " + ("; ".join(what) if what else "rewritten"),
            "the repository policy changes (see the repository's block)",
        ))
    elif declared.dropped:
        code.notes.append(Note(live.name, "repository policy: " + "; ".join(declared.dropped)))


def declared_repository(live: LiveRepository, account_id: str, as_is: bool) -> RepositoryCode:
    """The declaration of ``live``, which imports it and changes only ``changes``.

    ``as_is`` keeps every live setting the library can declare (no guardrail is turned
    on); otherwise tags become immutable, scan on push turns on and a repository without
    a lifecycle policy gets the default one. Raises :class:`NotAdoptable`.
    """
    try:
        check_name("name", live.name)
    except ValidationError as error:
        raise NotAdoptable(str(error)) from None
    code = RepositoryCode(live.name)
    code.keywords.append(("name", live.name, None))
    _mutability(live, as_is, code)
    _scan_on_push(live, as_is, code)
    _encryption(live, as_is, code)
    _lifecycle(live, as_is, code)
    _repository_policy(live, account_id, code)
    if live.tags:
        code.keywords.append(("tags", dict(sorted(live.tags.items())), None))
    return code
