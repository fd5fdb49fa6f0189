"""Values computed at synth, once the construct tree is complete.

cdktf produces them while it prepares each stack, before the synth-time checks
run; a :class:`~cdktf_aws_ecr.ValidationError` raised then still reaches the
caller of ``app.synth()`` as itself (see :mod:`cdktf_aws_ecr._synth_checks`).
"""

from __future__ import annotations

from typing import Any, Callable

import jsii
from cdktf import IAnyProducer, IResolveContext, IStringProducer, Lazy

from ._synth_checks import remember
from .errors import ValidationError


def _producing(produce: Callable[[], Any]) -> Any:
    try:
        return produce()
    except ValidationError as error:
        remember(error)
        raise


@jsii.implements(IAnyProducer)
class _AnyProducer:
    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> Any:
        return _producing(self._produce)


@jsii.implements(IStringProducer)
class _StringProducer:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> str:
        result: str = _producing(self._produce)
        return result


def lazy_any(produce: Callable[[], Any]) -> Any:
    """A token that resolves to ``produce()`` at synth."""
    return Lazy.any_value(_AnyProducer(produce))


def lazy_string(produce: Callable[[], str]) -> str:
    """A string token that resolves to ``produce()`` at synth."""
    return Lazy.string_value(_StringProducer(produce))
