"""Which registry each stack and repository belongs to, what a repository asks of it, and the
app's record of registry owners."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Protocol, Sequence, Tuple

from .._framework import AwsProvider, Construct, TerraformStack
from .._state import StackState
from ..addresses import (
    REGISTRY_POLICY_ID,
    REGISTRY_REPLICATION_ID,
    REGISTRY_SCANNING_ID,
    forget,
    with_alias,
)
from ..errors import ValidationError
from ..providers import ProviderFacts, alias_of
from .destinations import ReplicationDestination
from .scan_filters import ScanNeed

_UNKNOWN_ACCOUNT = "the credentials' account"
_DECLARED = itertools.count()
_UNKNOWN_REGION = "the provider's default region"


@dataclass(frozen=True)
class RegistryLocation:
    """An account and region; ``None`` means "not known at synth time"."""

    account_id: Optional[str]
    region: Optional[str]

    def may_coincide_with(self, other: "RegistryLocation") -> bool:
        def may_equal(a: Optional[str], b: Optional[str]) -> bool:
            return a is None or b is None or a == b

        return may_equal(self.account_id, other.account_id) and may_equal(
            self.region, other.region
        )

    def __str__(self) -> str:
        account = f"account {self.account_id}" if self.account_id else _UNKNOWN_ACCOUNT
        region = f"region {self.region}" if self.region else _UNKNOWN_REGION
        return f"{account}, {region}"


@dataclass(frozen=True)
class RepositoryRequest:
    """What one repository needs from its registry: scanning, and where to replicate."""

    name: str
    #: True, False, or a token (which may be either, so it counts as True).
    scan_on_push: Any
    enhanced_frequency: Optional[str]
    construct_path: str
    stack_path: str
    #: Registries that receive copies of its images (``Repository(replicate_to=...)``).
    replicate_to: Tuple[ReplicationDestination, ...] = ()
    #: Its place in the order repositories were declared in (the app's, across stacks).
    order: int = field(default_factory=lambda: next(_DECLARED), compare=False)

    @property
    def need(self) -> ScanNeed:
        """What it asks of the registry (a token ``scan_on_push`` may be true)."""
        return ScanNeed.of(self.scan_on_push is not False, self.enhanced_frequency)

    @property
    def where(self) -> str:
        return f"Repository '{self.construct_path}'"


def duplicate_name_error(request: RepositoryRequest, other: RepositoryRequest) -> ValidationError:
    """The error of two repositories of one registry named alike, on the one declared later."""
    first, later = sorted((request, other), key=lambda r: r.order)
    return ValidationError(
        "name",
        later.name,
        "a name not used by another repository of the same registry",
        problem=f"is already used by {first.where}, declared before it",
        where=later.where,
    )


class AnyRequest:
    """Whether some request of an owner's (append-only) list passes ``test``, each request
    tested once: asked on every repository added, a full scan would make a fleet's build
    quadratic."""

    def __init__(self, test: Callable[[RepositoryRequest], Any]) -> None:
        self._test = test
        self._seen = 0
        self._found = False

    def __call__(self, requests: Sequence[RepositoryRequest]) -> bool:
        if not self._found:
            self._found = any(self._test(r) for r in requests[self._seen:])
            self._seen = len(requests)
        return self._found


@dataclass
class Member:
    """A stack (and provider) whose repositories report to an owner."""

    state: StackState
    provider: Optional[AwsProvider]

    def facts(self) -> ProviderFacts:
        return self.state.book.provider_facts(self.state, self.provider)


class OwnerCore(Protocol):
    """What each registry setting needs of its owner (:class:`~cdktf_aws_ecr.Registry`)."""

    configured_elsewhere: bool
    explicit: bool

    @property
    def label(self) -> str: ...

    @property
    def location(self) -> RegistryLocation: ...

    @property
    def stack_state(self) -> StackState: ...

    @property
    def provider(self) -> Optional[AwsProvider]: ...

    @property
    def alias(self) -> Optional[str]: ...

    @property
    def requests(self) -> Sequence[RepositoryRequest]: ...

    @property
    def node(self) -> Any: ...

    def registry_account(self) -> str: ...

    def refuse_elsewhere(self, parameter: str, value: Any) -> None: ...


#: Registries are keyed by stack path and provider: None for the stack's default
#: provider, else the aliased ``AwsProvider`` object.
RegistryKey = Tuple[str, Any]


@dataclass
class Owners:
    """The app's registry owners, and the one each stack (and provider) reports to."""

    all: List[Any] = field(default_factory=list)
    by_key: Dict[RegistryKey, Any] = field(default_factory=dict)


def owners_of(state: StackState) -> Owners:
    return state.book.record("registry.owners", Owners)


def registry_key(state: StackState, provider: Optional[AwsProvider]) -> RegistryKey:
    """Which owner a stack's repositories report to: one per stack and provider."""
    if alias_of(provider) is None:
        return (state.path, None)
    return (state.path, provider)


def check_same_stack(parameter: str, provider: Optional[AwsProvider], state: StackState) -> None:
    """Terraform resources can only use a provider configured in their own stack."""
    if provider is not None and TerraformStack.of(provider) is not state.stack:
        raise ValidationError(
            parameter,
            provider.node.path,
            f"an AwsProvider of stack '{state.path}'",
            problem=f"belongs to stack '{TerraformStack.of(provider).node.path}'",
        )


def detach(construct: Construct) -> None:
    """Take a construct out of the tree (with the resources it made), once."""
    parent = construct.node.scope
    if parent is not None and parent.node.try_find_child(construct.node.id) is construct:
        parent.node.try_remove_child(construct.node.id)


#: The registry-wide resources a stack may have written while it owned its registry
#: implicitly (its repositories' scanning and replication), and the policy that goes with them.
_OWNED_IMPLICITLY = (
    ("aws_ecr_registry_scanning_configuration", REGISTRY_SCANNING_ID),
    ("aws_ecr_replication_configuration", REGISTRY_REPLICATION_ID),
    ("aws_ecr_registry_policy", REGISTRY_POLICY_ID),
)


def forget_registry_settings(state: StackState, alias: Optional[str]) -> None:
    """Forget (Terraform ``removed``) what a stack that stops configuring its registry may have
    written: destroying it would, for one, set the registry's scanning to BASIC under the
    owner now writing it."""
    for resource_type, logical_id in _OWNED_IMPLICITLY:
        forget(state.stack, f"{resource_type}.{with_alias(logical_id, alias)}")
