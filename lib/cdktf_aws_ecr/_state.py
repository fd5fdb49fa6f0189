"""The library's state in the construct tree (an :class:`AppBook` per app, a
:class:`StackState` per stack), and the checks and lazy values that wait for synth; a
:class:`ValidationError` raised in a jsii callback reaches the caller as itself (jsii would
turn it into a bare ``RuntimeError``)."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Set, TypeVar

from ._framework import (
    App,
    Aspects,
    Construct,
    IAnyProducer,
    IAspect,
    IConstruct,
    IResolveContext,
    IStringProducer,
    Lazy,
    TerraformStack,
    Testing,
    implements,
)
from .errors import ValidationError
from .providers import ProviderFacts, default_provider, facts_of

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_BOOK_ID = "cdktf-aws-ecr"
_CHECKS_ID = "cdktf-aws-ecr-checks"
_STATE = "_cdktf_aws_ecr_state"
_raised = threading.local()
_app_synth = threading.local()


class AppBook(Construct):
    """What the app's stacks share: records kept by each concept, and the synth-time checks."""

    def __init__(self, scope: Construct) -> None:
        super().__init__(scope, _BOOK_ID)
        #: Checks that need the complete tree, by stack path.
        self.checks: Dict[str, List[Callable[[], None]]] = {}
        self._records: Dict[str, Any] = {}
        #: Provider facts read during one run of the checks, by provider (or stack).
        self._facts: Optional[Dict[Any, ProviderFacts]] = None
        #: Other facts of the tree read during one run of the checks (see ``read_once``).
        self._read: Optional[Dict[str, Any]] = None
        #: Every stack of the app was deployed with release 0.1.0 (``upgrade_from_0_1_0``).
        self.upgrades_from_0_1_0 = False

    def record(self, key: str, make: Callable[[], T]) -> T:
        """The app-wide record ``key`` of one concept, made by ``make()`` on first use."""
        if key not in self._records:
            self._records[key] = make()
        return self._records[key]

    def check_stack(self, stack_path: str) -> None:
        self._facts = {}
        self._read = {}
        try:
            for check in list(self.checks.get(stack_path, ())):
                check()
        finally:
            self._facts = None
            self._read = None

    def read_once(self, key: str, read: Callable[[], T]) -> T:
        """``read()``, once per run of the checks (the tree does not change during one)."""
        if self._read is None:
            return read()
        if key not in self._read:
            self._read[key] = read()
        return self._read[key]

    def provider_facts(self, state: "StackState", provider: Any) -> ProviderFacts:
        """Facts of ``provider`` (None: ``state``'s default provider); read afresh outside a run
        of the checks, since a provider may be added at any time."""
        key = id(provider) if provider is not None else state.path
        if self._facts is not None and key in self._facts:
            return self._facts[key]
        facts = facts_of(provider if provider is not None else default_provider(state.stack))
        if self._facts is not None:
            self._facts[key] = facts
        return facts


@dataclass
class StackState:
    stack: TerraformStack
    path: str
    book: AppBook
    #: Whether this stack already carries the synth-time check.
    checked: bool = False
    #: The construct paths of the stack's repositories (a taken id is refused early).
    repository_paths: Set[str] = field(default_factory=set)
    #: The stack was deployed with release 0.1.0 (``upgrade_from_0_1_0``).
    upgrades_from_0_1_0: bool = False
    #: The elements this library wrote, by Terraform address (see ``addresses.claim``).
    addresses: Dict[str, List[Any]] = field(default_factory=dict)


def state_of(scope: Construct) -> StackState:
    """The state of the stack that contains ``scope``."""
    allowed = "a construct inside a cdktf TerraformStack"
    if not isinstance(scope, Construct):
        raise ValidationError("scope", scope, allowed, problem=f"is a {type(scope).__name__}")
    state: Optional[StackState] = getattr(scope, _STATE, None)
    if state is not None:
        return state
    try:
        stack = scope if isinstance(scope, TerraformStack) else TerraformStack.of(scope)
    except RuntimeError:  # jsii surfaces cdktf's "No stack could be identified" this way
        raise ValidationError(
            "scope", scope.node.path or "<app root>", allowed, problem="is not in any stack"
        ) from None
    state = getattr(stack, _STATE, None)
    if state is None:
        state = StackState(stack=stack, path=stack.node.path, book=book_of(stack.node.root))
        setattr(stack, _STATE, state)
    if scope is not stack:
        setattr(scope, _STATE, state)
    return state


def book_of(root: Construct) -> AppBook:
    """The library's record of the app whose root is ``root``."""
    book = root.node.try_find_child(_BOOK_ID)
    if not isinstance(book, AppBook):
        book = AppBook(root)
    return book


def path_of(scope: Construct, state: StackState) -> str:
    """``scope.node.path``, without a round trip for the stack itself."""
    return state.path if scope is state.stack else str(scope.node.path)


@implements(IAspect)
class _RunStackChecks:
    def __init__(self, state: StackState) -> None:
        self._state = state

    def visit(self, node: IConstruct) -> None:
        try:
            self._state.book.check_stack(self._state.path)
        except ValidationError as error:
            _remember(error)
            raise


def _remember(error: ValidationError) -> None:
    """Let the synth entry points re-raise ``error``, raised inside a jsii callback."""
    _raised.error = error


def add_synth_check(state: StackState, check: Callable[[], None]) -> None:
    """Run ``check()`` whenever ``state``'s stack is synthesized."""
    state.book.checks.setdefault(state.path, []).append(check)
    if not state.checked:
        Aspects.of(Construct(state.stack, _CHECKS_ID)).add(_RunStackChecks(state))
        state.checked = True


def in_app_synth() -> bool:
    """Whether ``App.synth`` is running (it prepares every stack before it writes any)."""
    return bool(getattr(_app_synth, "running", False))


def in_hcl_synth() -> bool:
    """Whether a synth that writes HCL (``Testing.synth_hcl``, an ``App(hcl_output=True)``) runs."""
    return bool(getattr(_app_synth, "hcl", False))


def after_app_synth(hook: Callable[[], None]) -> None:
    """Run ``hook()`` when the running ``App.synth`` has written its files."""
    _app_synth.hooks.append(hook)


def _reraising(function: F, app: bool = False, hcl: bool = False) -> F:
    @functools.wraps(function)
    def synth(*args: Any, **kwargs: Any) -> Any:
        _raised.error = None
        _app_synth.running = app
        _app_synth.hcl = hcl or (app and bool(args[0].hcl_output))
        _app_synth.hooks = []
        try:
            result = function(*args, **kwargs)
            for hook in _app_synth.hooks:
                hook()
            return result
        except RuntimeError:
            error = getattr(_raised, "error", None)
            _raised.error = None
            if isinstance(error, ValidationError):
                raise error from None
            raise
        finally:
            _app_synth.running = _app_synth.hcl = False
            _app_synth.hooks = []

    setattr(synth, "_cdktf_aws_ecr_reraising", True)
    return synth  # type: ignore[return-value]


def _raise_synth_errors_as_themselves() -> None:
    """Make cdktf's synth entry points raise this library's errors as they are."""
    if not getattr(App.synth, "_cdktf_aws_ecr_reraising", False):
        setattr(App, "synth", _reraising(App.synth, app=True))
    for name in ("synth", "full_synth", "synth_scope", "synth_hcl"):
        method = getattr(Testing, name, None)
        if method is not None and not getattr(method, "_cdktf_aws_ecr_reraising", False):
            setattr(Testing, name, classmethod(_reraising(method.__func__, hcl=name == "synth_hcl")))


_raise_synth_errors_as_themselves()


@implements(IAnyProducer, IStringProducer)
class _Producer:
    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self, context: IResolveContext) -> Any:
        try:
            return self._produce()
        except ValidationError as error:
            _remember(error)
            raise


def lazy_any(produce: Callable[[], Any]) -> Any:
    """A token that resolves to ``produce()`` at synth."""
    return Lazy.any_value(_Producer(produce))


def lazy_string(produce: Callable[[], str]) -> str:
    """A string token that resolves to ``produce()`` at synth."""
    return Lazy.string_value(_Producer(produce))
