"""Registry-wide scanning: one ``aws_ecr_registry_scanning_configuration`` per registry.

A registry is one AWS account in one region, and it has exactly one scanning
configuration. The seed HCL module declares one per repository, so two
repositories with enhanced scanning overwrite each other on every apply and
``terraform plan`` never converges. Here, every :class:`~cdktf_aws_ecr.Repository`
reports what it needs to the registry's single owner, a :class:`RegistryScanning`,
which writes one configuration built from all of them.

What the configuration contains
-------------------------------
* Nothing at all, while no repository asks for enhanced scanning: the registry
  keeps AWS's default BASIC scanning and each repository's ``scan_on_push``.
* Otherwise ``scan_type = "ENHANCED"`` and at most two rules, one per
  frequency, each listing repository-name filters of type ``WILDCARD``:

  - ``CONTINUOUS_SCAN``: repositories with ``enhanced_scan_frequency="CONTINUOUS_SCAN"``;
  - ``SCAN_ON_PUSH``: repositories with ``enhanced_scan_frequency="SCAN_ON_PUSH"``,
    **and every repository of the registry that asked for ``scan_on_push``**.
    When a registry switches to ENHANCED, AWS stops basic scanning for the
    whole registry; without this, those repositories would silently stop being
    scanned. They are scanned by Amazon Inspector on push instead, which
    Inspector bills per image scanned.

How filters match
-----------------
A filter with no ``*`` matches every repository whose name *contains* it; a
filter with ``*`` matches whole names. Filters are the repository names, as in
the seed module, so enhanced scanning (and its Inspector bill) also reaches
every other repository in the registry whose name contains one of them: the
filter ``api`` covers ``payments-api`` and ``api-gateway`` too, including
repositories this library does not manage. AWS allows 2 rules and 100 filters
per rule; a configuration past that is refused at synth time.

One owner per account and region
--------------------------------
Within an app, each stack's repositories report to one owner. By default a
stack owns its registry's settings. Stacks that share an account and region
must share one owner: create it in one stack and ``include()`` the others
before adding repositories to them. The account and region come from the
stack's default ``AwsProvider`` (``allowed_account_ids`` with one entry, and
``region``) or from the arguments; when either is unknown, two stacks are
assumed to share it. Two owners whose registries may coincide are refused as
soon as they would both write the configuration, or one would switch off the
basic scanning the other relies on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import jsii
from cdktf import IAnyProducer, IResolveContext, Lazy, TerraformStack
from constructs import Construct

from ._stack_state import StackState, require_terraform_constraints, state_of
from .enums import ScanFrequency
from .errors import ValidationError
from .validation import is_token

MAX_RULES = 2
MAX_FILTERS_PER_RULE = 100
FILTER_TYPE = "WILDCARD"
_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d", re.ASCII)
_UNKNOWN_ACCOUNT = "the credentials' account"
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
class ScanningRequest:
    """What one repository needs from its registry's scanning configuration."""

    name: str
    scan_on_push: bool
    enhanced_frequency: Optional[str]
    construct_path: str

    def rule_frequency(self, registry_enhanced: bool) -> Optional[str]:
        """The rule that must list this repository, if any."""
        if self.enhanced_frequency is not None:
            return self.enhanced_frequency
        if registry_enhanced and self.scan_on_push:
            return ScanFrequency.SCAN_ON_PUSH.value
        return None

    @property
    def parameter(self) -> str:
        return "enhanced_scanning" if self.enhanced_frequency else "scan_on_push"


class _AppRegistries:
    """Every scanning owner of one app, and which owner serves which stack."""

    def __init__(self) -> None:
        self.owners: List["RegistryScanning"] = []
        self.owner_by_stack: Dict[str, "RegistryScanning"] = {}


_APPS: Dict[str, _AppRegistries] = {}


def _registries(state: StackState) -> _AppRegistries:
    return _APPS.setdefault(state.app_key, _AppRegistries())


@jsii.implements(IAnyProducer)
class _RulesProducer:
    def __init__(self, owner: "RegistryScanning") -> None:
        self._owner = owner

    def produce(self, context: IResolveContext) -> Any:
        return self._owner.rules()


class RegistryScanning(Construct):
    """The single owner of one registry's scanning configuration.

    You rarely create one: the first :class:`~cdktf_aws_ecr.Repository` in a
    stack creates it. Create it yourself to state the account and region
    explicitly, or to let several stacks that share a registry report to one
    owner (see :meth:`include`). Either must happen before the stack's first
    repository.

    :param account_id: 12-digit account of the registry. Default: the single
        entry of the stack's ``AwsProvider(allowed_account_ids=[...])``, else unknown.
    :param region: Region of the registry. Default: the ``AwsProvider`` region, else unknown.
    """

    DEFAULT_ID = "EcrRegistryScanning"

    def __init__(
        self,
        scope: Construct,
        id: str = DEFAULT_ID,
        *,
        account_id: Optional[str] = None,
        region: Optional[str] = None,
    ) -> None:
        state = state_of(scope)
        where = f"RegistryScanning '{state.path}/{id}'"
        if account_id is not None and not (
            isinstance(account_id, str) and _ACCOUNT_ID.fullmatch(account_id)
        ):
            raise ValidationError(
                "account_id", account_id, "None or a 12-digit AWS account ID", where=where
            )
        if region is not None and not (isinstance(region, str) and _REGION.fullmatch(region)):
            raise ValidationError(
                "region", region, "None or an AWS region code such as 'eu-west-1'", where=where
            )
        registries = _registries(state)
        current = registries.owner_by_stack.get(state.path)
        if current is not None:
            raise ValidationError(
                "scope",
                state.path,
                "a stack with no registry scanning owner yet; create RegistryScanning "
                "before the stack's first Repository",
                problem=f"already reports to RegistryScanning '{current.node.path}'",
                where=where,
            )
        super().__init__(scope, id)
        self.location = RegistryLocation(
            account_id or state.account_id, region or state.region
        )
        self._state = state
        self._registries = registries
        self._requests: List[ScanningRequest] = []
        self._stack_paths: List[str] = [state.path]
        self._configuration: Optional[Any] = None
        registries.owners.append(self)
        registries.owner_by_stack[state.path] = self

    @staticmethod
    def of(scope: Construct) -> "RegistryScanning":
        """The owner that the stack containing ``scope`` reports to (created if none)."""
        state = state_of(scope)
        owner = _registries(state).owner_by_stack.get(state.path)
        return owner if owner is not None else RegistryScanning(state.stack)

    @staticmethod
    def _checked_owner(scope: Construct, request: "ScanningRequest") -> "RegistryScanning":
        """The owner for ``scope``'s stack, once :meth:`check` accepted ``request``.

        An owner created only for this check is removed again when the check
        fails, so a refused repository leaves nothing in the tree or in the
        app's registry bookkeeping (the stack can still be ``include``d).
        """
        state = state_of(scope)
        existing = _registries(state).owner_by_stack.get(state.path)
        owner = existing or RegistryScanning(state.stack)
        try:
            owner.check(request, state.path)
        except ValidationError:
            if existing is None:
                owner._withdraw()
            raise
        return owner

    def _withdraw(self) -> None:
        """Undo the construction of an owner that nothing reports to yet."""
        self._registries.owners.remove(self)
        for path in self._stack_paths:
            self._registries.owner_by_stack.pop(path, None)
        self.node.scope.node.try_remove_child(self.node.id)

    def include(self, stack: TerraformStack) -> None:
        """Let ``stack``'s repositories be configured by this owner.

        Use it for stacks that deploy to the same account and region as this
        owner's stack. ``stack`` then writes no scanning configuration of its own.
        """
        state = state_of(stack)
        where = f"RegistryScanning '{self.node.path}'"
        current = self._registries.owner_by_stack.get(state.path)
        if state.app_key != self._state.app_key or current is not None:
            raise ValidationError(
                "stack",
                state.path,
                "a stack of the same app that has no registry scanning owner yet "
                "(include it before adding repositories to it)",
                problem=(
                    "belongs to another app"
                    if current is None
                    else f"already reports to RegistryScanning '{current.node.path}'"
                ),
                where=where,
            )
        member = RegistryLocation(state.account_id, state.region)
        if not member.may_coincide_with(self.location):
            raise ValidationError(
                "stack",
                state.path,
                f"a stack that deploys to this owner's registry ({self.location})",
                problem=f"deploys to {member}",
                where=where,
            )
        self._registries.owner_by_stack[state.path] = self
        self._stack_paths.append(state.path)

    @property
    def enhanced(self) -> bool:
        """Whether any repository reporting here asked for enhanced scanning."""
        return any(r.enhanced_frequency for r in self._requests)

    def _relies_on_basic_scanning(self) -> bool:
        return not self.enhanced and any(r.scan_on_push for r in self._requests)

    def _filters(self, requests: List[ScanningRequest]) -> Dict[str, List[str]]:
        enhanced = any(r.enhanced_frequency for r in requests)
        filters: Dict[str, List[str]] = {}
        for frequency in (ScanFrequency.CONTINUOUS_SCAN.value, ScanFrequency.SCAN_ON_PUSH.value):
            names = [r.name for r in requests if r.rule_frequency(enhanced) == frequency]
            if names:
                filters[frequency] = names
        return filters

    def rules(self) -> List[Dict[str, Any]]:
        """The configuration's rules, in Terraform JSON form."""
        return [
            {
                "scan_frequency": frequency,
                "repository_filter": [
                    {"filter": name, "filter_type": FILTER_TYPE} for name in names
                ],
            }
            for frequency, names in self._filters(self._requests).items()
        ]

    def check(self, request: ScanningRequest, stack_path: str) -> None:
        """Raise :class:`ValidationError` if adding ``request`` would break a registry rule."""
        where = f"Repository '{request.construct_path}'"
        if stack_path != self._state.path and is_token(request.name):
            raise ValidationError(
                "name",
                request.name,
                "a plain string, because the registry scanning owner of this stack is in "
                f"stack '{self._state.path}' and a token would become a cross-stack reference",
                problem="is an unresolved token",
                where=where,
            )
        if any(r.name == request.name for r in self._requests):
            raise ValidationError(
                "name",
                request.name,
                "a name not used by another repository of the same registry",
                problem=(
                    f"is already used by Repository "
                    f"'{next(r.construct_path for r in self._requests if r.name == request.name)}'"
                ),
                where=where,
            )
        for frequency, names in self._filters(self._requests + [request]).items():
            if len(names) > MAX_FILTERS_PER_RULE:
                raise ValidationError(
                    request.parameter,
                    True,
                    f"at most {MAX_FILTERS_PER_RULE} repository filters per registry "
                    f"scanning rule (AWS limit); split repositories across registries "
                    f"or turn scanning off for some",
                    problem=f"would put {len(names)} filters in the {frequency} rule",
                    where=where,
                )
        claims = self.enhanced or request.enhanced_frequency is not None
        relies = not claims and (request.scan_on_push or self._relies_on_basic_scanning())
        for other in self._registries.owners:
            if other is self or not other.location.may_coincide_with(self.location):
                continue
            if claims and (other.enhanced or other._relies_on_basic_scanning()):
                reason = (
                    "both would write its scanning configuration"
                    if other.enhanced
                    else "enhanced scanning here would switch off the basic scan-on-push "
                    f"that repositories of '{other._state.path}' rely on"
                )
            elif relies and other.enhanced:
                reason = (
                    f"enhanced scanning in '{other._state.path}' would switch off the basic "
                    "scan-on-push that repositories here rely on"
                )
            else:
                continue
            raise ValidationError(
                request.parameter,
                True,
                "one registry scanning owner per account and region: call "
                f"RegistryScanning.of(<owner stack>).include(<other stack>) before adding "
                "repositories to the other stack, or pin distinct accounts/regions with "
                "AwsProvider(allowed_account_ids=[...], region=...)",
                problem=(
                    f"makes stacks '{self._state.path}' ({self.location}) and "
                    f"'{other._state.path}' ({other.location}) both own the ECR registry "
                    f"settings of what may be one registry: {reason}"
                ),
                where=where,
            )

    def add(self, request: ScanningRequest) -> None:
        """Record a checked request; writes the configuration once enhanced scanning is on."""
        self._requests.append(request)
        if request.enhanced_frequency is not None and self._configuration is None:
            from cdktf_cdktf_provider_aws.ecr_registry_scanning_configuration import (
                EcrRegistryScanningConfiguration,
            )

            require_terraform_constraints(self._state)
            self._configuration = EcrRegistryScanningConfiguration(
                self,
                "configuration",
                scan_type="ENHANCED",
                rule=Lazy.any_value(_RulesProducer(self)),
            )

    @property
    def configuration(self) -> Optional[Any]:
        """The ``EcrRegistryScanningConfiguration`` resource, once one is needed."""
        return self._configuration
