"""Checks that need the complete construct tree run at synth, and raise ValidationError.

Some inputs can only be judged once the whole app exists: a KMS key's region
against the provider that may be created after the repository, repository
names across every stack of the app, registry owners against each other. Each
stack holding a construct of this library gets one leaf construct with an
aspect that runs its checks; cdktf invokes aspects in ``app.synth()``,
``cdktf synth`` and every ``Testing`` synth helper, before any output is
written for that stack.

A Python exception raised inside a jsii callback reaches the caller as a
``RuntimeError`` carrying only the message. So the aspect remembers the
:class:`~cdktf_aws_ecr.ValidationError` it raised, and the synth entry points
re-raise that very error, with its ``parameter``, ``value`` and ``allowed``.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

import jsii
from cdktf import App, Aspects, IAspect, Testing
from constructs import Construct, IConstruct

from ._app_state import StackState
from .errors import ValidationError

_CHECKS_ID = "cdktf-aws-ecr-checks"
_raised = threading.local()


@jsii.implements(IAspect)
class _RunStackChecks:
    def __init__(self, state: StackState) -> None:
        self._state = state

    def visit(self, node: IConstruct) -> None:
        try:
            self._state.book.check_stack(self._state.path)
        except ValidationError as error:
            remember(error)
            raise


def remember(error: ValidationError) -> None:
    """Let the synth entry points re-raise ``error``, raised inside a jsii callback
    other than the checks (a lazy value produced while cdktf prepares a stack)."""
    _raised.error = error


def add_synth_check(state: StackState, check: Callable[[], None]) -> None:
    """Run ``check()`` whenever ``state``'s stack is synthesized."""
    state.book.checks.setdefault(state.path, []).append(check)
    if not state.checked:
        Aspects.of(Construct(state.stack, _CHECKS_ID)).add(_RunStackChecks(state))
        state.checked = True


F = TypeVar("F", bound=Callable[..., Any])


def _reraising(function: F) -> F:
    @functools.wraps(function)
    def synth(*args: Any, **kwargs: Any) -> Any:
        _raised.error = None
        try:
            return function(*args, **kwargs)
        except RuntimeError:
            error = getattr(_raised, "error", None)
            _raised.error = None
            if isinstance(error, ValidationError):
                raise error from None
            raise

    setattr(synth, "_cdktf_aws_ecr_reraising", True)
    return synth  # type: ignore[return-value]


def install() -> None:
    """Make cdktf's synth entry points raise this library's errors as they are."""
    if not getattr(App.synth, "_cdktf_aws_ecr_reraising", False):
        setattr(App, "synth", _reraising(App.synth))
    for name in ("synth", "full_synth", "synth_scope", "synth_hcl"):
        method = getattr(Testing, name, None)
        if method is not None and not getattr(method, "_cdktf_aws_ecr_reraising", False):
            wrapped = _reraising(method.__func__)
            setattr(Testing, name, classmethod(wrapped))
