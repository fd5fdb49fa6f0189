"""Values computed at synth, once the construct tree is complete."""

from __future__ import annotations

from typing import Any, Callable

import jsii
from cdktf import IAnyProducer, IResolveContext, IStringProducer, Lazy


@jsii.implements(IAnyProducer)
class _AnyProducer:
    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> Any:
        return self._produce()


@jsii.implements(IStringProducer)
class _StringProducer:
    def __init__(self, produce: Callable[[], str]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> str:
        return self._produce()


def lazy_any(produce: Callable[[], Any]) -> Any:
    """A token that resolves to ``produce()`` at synth."""
    return Lazy.any_value(_AnyProducer(produce))


def lazy_string(produce: Callable[[], str]) -> str:
    """A string token that resolves to ``produce()`` at synth."""
    return Lazy.string_value(_StringProducer(produce))
