"""Tag mutability with exclusion filters (``*_WITH_EXCLUSION``, AWS provider 6.8/6.10): the
modes and filters of repositories and creation templates, checked as ECR checks them, and
refused on the AWS provider 5.x line, which has neither.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html
(1 to 5 filters) and
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageTagMutabilityExclusionFilter.html
(``filterType`` WILDCARD, ``filter`` 1-128 characters of ``[0-9a-zA-Z._*-]``)."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Sequence, Tuple

from .checks import check_choice, type_name
from .enums import ImageTagMutability
from .errors import ValidationError
from .framework import needs_aws_provider_6
from .tokens import is_token

MAX_EXCLUSION_FILTERS = 5
_FILTER = re.compile(r"[0-9a-zA-Z._*-]{1,128}")
_WITH_EXCLUSION = (
    ImageTagMutability.MUTABLE_WITH_EXCLUSION.value,
    ImageTagMutability.IMMUTABLE_WITH_EXCLUSION.value,
)
MUTABILITY_ALLOWED = (
    "`MUTABLE`, `IMMUTABLE`; `MUTABLE_WITH_EXCLUSION`, `IMMUTABLE_WITH_EXCLUSION` on the AWS "
    "provider 6.x lines (with `image_tag_mutability_exclusion_filters`)"
)
FILTERS_ALLOWED = (
    f"1 to {MAX_EXCLUSION_FILTERS} distinct wildcard patterns of 1-128 characters of "
    "`[0-9a-zA-Z._*-]` (`*` for any run), only with a `*_WITH_EXCLUSION` mode (AWS provider "
    "6.x lines); or none"
)


def check_mutability(parameter: str, value: Any) -> str:
    """A mode (or a string token); the ``*_WITH_EXCLUSION`` ones only on a 6.x line."""
    checked = check_choice(parameter, value, ImageTagMutability)
    refusal = needs_aws_provider_6(f"image tag mutability {checked!r}")
    if checked in _WITH_EXCLUSION and refusal is not None:
        raise ValidationError(parameter, value, "'MUTABLE' or 'IMMUTABLE'", problem=refusal)
    return checked


def check_exclusion_filters(parameter: str, value: Any) -> Tuple[str, ...]:
    """The filters, as given (each checked as ECR checks it); none is always fine."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ValidationError(parameter, value, FILTERS_ALLOWED, problem=f"is {type_name(value)}, not a list")
    if not value:
        return ()
    refusal = needs_aws_provider_6("image tag mutability exclusion filters")
    if refusal is not None:
        raise ValidationError(parameter, value, "none", problem=refusal)
    if len(value) > MAX_EXCLUSION_FILTERS:
        raise ValidationError(parameter, value, FILTERS_ALLOWED, problem=f"holds {len(value)}")
    for index, pattern in enumerate(value):
        if isinstance(pattern, str) and is_token(pattern):
            continue
        if type(pattern) is not str or not _FILTER.fullmatch(pattern):
            raise ValidationError(f"{parameter}[{index}]", pattern, FILTERS_ALLOWED)
    repeated = sorted({p for p in value if list(value).count(p) > 1})
    if repeated:
        raise ValidationError(parameter, value, FILTERS_ALLOWED, problem=f"repeats {repeated}")
    return tuple(value)


def check_mutability_with_filters(mutability: str, filters: Sequence[str], given: Any) -> None:
    """Filters go with a ``*_WITH_EXCLUSION`` mode, and such a mode needs one (ECR refuses
    either alone); a token mode is left to ECR."""
    if is_token(mutability):
        return
    if filters and mutability not in _WITH_EXCLUSION:
        raise ValidationError(
            "image_tag_mutability_exclusion_filters",
            given.get("image_tag_mutability_exclusion_filters"),
            FILTERS_ALLOWED,
            problem=f"is given with image_tag_mutability={mutability!r}, which has no exclusions",
        )
    if mutability in _WITH_EXCLUSION and not filters:
        raise ValidationError(
            "image_tag_mutability",
            given.get("image_tag_mutability"),
            MUTABILITY_ALLOWED,
            problem=f"is {mutability!r} without image_tag_mutability_exclusion_filters",
        )


def exclusion_filter_arguments(filters: Sequence[str]) -> Dict[str, Any]:
    """The resource's ``image_tag_mutability_exclusion_filter`` argument (none without
    filters: the 5.x bindings do not know the argument)."""
    if not filters:
        return {}
    from ._state import lazy_any

    blocks: List[Dict[str, str]] = [{"filter": f, "filter_type": "WILDCARD"} for f in filters]
    # Plain dicts would be read as jsii structs (camelCase keys): a lazy value is written as is.
    return {"image_tag_mutability_exclusion_filter": lazy_any(lambda: blocks)}
