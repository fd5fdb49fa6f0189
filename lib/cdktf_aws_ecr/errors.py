"""The one exception type this library raises for bad input."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Optional

_MAX_SHOWN_VALUE = 160


def _shown(value: Any) -> str:
    text = repr(value)
    if len(text) > _MAX_SHOWN_VALUE:
        text = text[: _MAX_SHOWN_VALUE - 3] + "..."
    return text


class ValidationError(ValueError):
    """Bad input, reported before anything is added to the tree, naming the construct, the
    parameter, the rejected value and what is allowed, for example::

        Repository 'prod/api': image_tag_mutability='immutable' is not allowed;
        allowed: 'MUTABLE' or 'IMMUTABLE' (exact, case-sensitive)

    The same facts are attributes, for programs: ``parameter``, ``value``,
    ``allowed``, ``problem`` and ``where``."""

    def __init__(
        self,
        parameter: str,
        value: Any,
        allowed: str,
        *,
        problem: str = "is not allowed",
        where: Optional[str] = None,
    ) -> None:
        self.parameter = parameter
        self.value = value
        self.allowed = allowed
        self.problem = problem
        self.where = where
        message = f"{parameter}={_shown(value)} {problem}; allowed: {allowed}"
        super().__init__(f"{where}: {message}" if where else message)

    def located(self, where: str) -> "ValidationError":
        """The same error, prefixed with the construct it belongs to."""
        if self.where is not None:
            return self
        return ValidationError(
            self.parameter, self.value, self.allowed, problem=self.problem, where=where
        )


@contextmanager
def located(where: str) -> Iterator[None]:
    """Within the block, a :class:`ValidationError` that names no construct gets ``where``."""
    try:
        yield
    except ValidationError as error:
        raise error.located(where) from None


class RiskyStatementWarning(UserWarning):
    """A policy statement that is valid but probably not what was meant: an unconditioned
    ``Deny`` of policy management to everyone (which locks the account's own administrators
    and Terraform out of the policy), or ``ecr:*``, ``*`` or delete actions allowed to
    another account."""
