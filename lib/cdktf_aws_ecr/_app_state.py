"""Where this library keeps its state: in the construct tree, never in module globals.

Per app, a hidden construct at the root (:class:`AppBook`) holds every
registry owner and every repository the app's stacks declare, so checks that
span stacks find them. Per stack, a :class:`StackState` is kept on the stack
object itself, which saves a round trip to the jsii process for every
construct added to the same stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple, TypeVar

from cdktf import TerraformStack
from constructs import Construct

from .errors import ValidationError
from .providers import ProviderFacts, default_provider, facts_of

if TYPE_CHECKING:
    from .registry import RegistryScanning

#: Registries are keyed by stack path and provider: None for the stack's
#: default provider, else the aliased ``AwsProvider`` object.
RegistryKey = Tuple[str, Any]
T = TypeVar("T")

_BOOK_ID = "cdktf-aws-ecr"
_STATE = "_cdktf_aws_ecr_state"


class AppBook(Construct):
    """The app's registry owners and synth-time checks (a construct with no resources)."""

    def __init__(self, scope: Construct) -> None:
        super().__init__(scope, _BOOK_ID)
        self.owners: List["RegistryScanning"] = []
        self.owner_by_key: Dict[RegistryKey, "RegistryScanning"] = {}
        #: Checks that need the complete tree, by stack path (see _synth_checks).
        self.checks: Dict[str, List[Callable[[], None]]] = {}
        #: Provider facts read during one run of the checks, by provider (or stack).
        self._facts: Optional[Dict[Any, ProviderFacts]] = None
        #: Other facts of the tree read during one run of the checks (see ``read_once``).
        self._read: Optional[Dict[str, Any]] = None

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
        result: T = self._read[key]
        return result

    def provider_facts(self, state: "StackState", provider: Any) -> ProviderFacts:
        """Facts of ``provider``, or of ``state``'s default provider when it is None.

        Read afresh outside a run of the checks: a provider may be added at any time.
        """
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
    #: Whether this stack already carries the synth-time check (see _synth_checks).
    checked: bool = False
    #: The construct paths of the stack's repositories (a taken id is refused early).
    repository_paths: Set[str] = field(default_factory=set)


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
        root = stack.node.root
        book = root.node.try_find_child(_BOOK_ID)
        if not isinstance(book, AppBook):
            book = AppBook(root)
        state = StackState(stack=stack, path=stack.node.path, book=book)
        setattr(stack, _STATE, state)
    if scope is not stack:
        setattr(scope, _STATE, state)
    return state


def path_of(scope: Construct, state: StackState) -> str:
    """``scope.node.path``, without a round trip for the stack itself."""
    return state.path if scope is state.stack else str(scope.node.path)
