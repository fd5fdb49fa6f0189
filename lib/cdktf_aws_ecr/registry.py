"""Registry-wide scanning: one ``aws_ecr_registry_scanning_configuration`` per registry.

A registry is one AWS account in one region, and it has exactly one scanning
configuration. The seed HCL module declares one per repository, so two
repositories with enhanced scanning overwrite each other on every apply and
``terraform plan`` never converges. Here, every :class:`~cdktf_aws_ecr.Repository`
reports what it needs to the registry's single owner, a :class:`RegistryScanning`,
which writes one configuration built from all of them.

What the configuration contains
-------------------------------
* Nothing at all, while no repository asks for enhanced scanning and no
  namespace rule is declared: the registry keeps AWS's default BASIC scanning
  and each repository's ``scan_on_push``.
* Otherwise ``scan_type = "ENHANCED"`` and at most two rules, one per
  frequency, with at most 100 ``WILDCARD`` filters each (AWS's limits), built
  by :func:`~cdktf_aws_ecr.scan_filters.plan_registry_scanning` from what every
  repository of the registry asks for, whatever their number:

  - the namespace rules declared with :meth:`RegistryScanning.add_rule`, kept
    verbatim; repositories they cover need no filter of their own;
  - ``CONTINUOUS_SCAN``: the repositories with ``enhanced_scan_frequency="CONTINUOUS_SCAN"``;
  - ``SCAN_ON_PUSH``: those with ``enhanced_scan_frequency="SCAN_ON_PUSH"``,
    **and every repository that asked for ``scan_on_push``** (or whose
    ``scan_on_push`` is a token, which may be true). When a registry switches
    to ENHANCED, AWS stops basic scanning for the whole registry; without this,
    those repositories would silently stop being scanned. Amazon Inspector
    scans them on push instead, and bills per image scanned.

  Each repository gets an exact filter (its name, or a form with ``*`` when its
  name is part of another repository's name) while they fit; past 100 per rule
  the filters are compacted into prefixes such as ``payments/*``, choosing the
  ones that scan the fewest other repositories of the app. What a filter also
  covers is reported: :attr:`RegistryScanning.over_covered`, and a
  :class:`ScanningCoverageWarning` at synth.

How filters match
-----------------
A filter with no ``*`` matches every repository whose name *contains* it; a
filter with ``*`` matches whole names
(https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html).
A repository matched by both rules is scanned continuously. A wildcard also
covers repositories the app does not manage, and future ones.

One owner per account and region
--------------------------------
Each stack's repositories report to one owner per provider: by default, the
stack owns the registry settings of each provider its repositories use.
Stacks (or providers) that share an account and region must share one owner:
create it in one stack and :meth:`RegistryScanning.include` the others, at any
point before synth. The account and region come from the owner's provider (or
the stack's default ``AwsProvider``: ``region``, and ``allowed_account_ids``
with one entry) or from the arguments; when either is unknown, two owners are
assumed to share it.

An owner's configuration reaches AWS when the owner's stack is deployed. So
that deploying an included stack alone never leaves one of its repositories
unscanned in an ENHANCED registry, each repository of an included stack that
asks for scanning must be covered by a namespace rule of the owner (for example
``add_rule("dev/*", ScanFrequency.SCAN_ON_PUSH)``), which already covers it in
AWS whatever the order of deploys.

Registries owned by another app or state are declared with
:meth:`RegistryScanning.managed_elsewhere`: this app then writes no scanning
configuration for them, and that owner must cover these repositories.

Checked at synth, once the tree is complete (so the order of calls does not
matter): that the arguments agree with the provider, that included stacks
deploy to the owner's registry and are covered by namespace rules, unique
repository names per registry across the app, AWS's limits, and that no two
owners may write, or switch off, the scanning of what may be one registry.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from cdktf import TerraformStack
from constructs import Construct

from ._app_state import RegistryKey, StackState, path_of, state_of
from .addresses import REGISTRY_SCANNING_ID, pin_address, with_alias
from ._lazy import lazy_any
from ._synth_checks import add_synth_check
from .enums import ScanFrequency
from .errors import ValidationError
from .providers import ProviderFacts, alias_of, check_provider, require_provider_versions
from .scan_filters import (
    FILTER_TYPE,
    MAX_FILTERS_PER_RULE,
    OverCoverage,
    ScanNeed,
    ScanningPlan,
    check_filter,
    plan_registry_scanning,
    wildcard_matches,
)
from .validation import check_choice, is_token

if TYPE_CHECKING:
    from cdktf_cdktf_provider_aws.provider import AwsProvider

_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d", re.ASCII)
_UNKNOWN_ACCOUNT = "the credentials' account"
_UNKNOWN_REGION = "the provider's default region"
_ONE_OWNER = (
    "one registry scanning owner per account and region: call "
    "RegistryScanning.of(<owner stack>).include(<other stack>), or pin distinct "
    "accounts/regions with AwsProvider(allowed_account_ids=[...], region=...)"
)


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
    #: True, False, or a token (which may be either, so it counts as True).
    scan_on_push: Any
    enhanced_frequency: Optional[str]
    construct_path: str
    stack_path: str

    @property
    def need(self) -> ScanNeed:
        """What it asks of the registry (a token ``scan_on_push`` may be true)."""
        return ScanNeed.of(self.scan_on_push is not False, self.enhanced_frequency)

    @property
    def where(self) -> str:
        return f"Repository '{self.construct_path}'"


def registry_key(state: StackState, provider: Optional["AwsProvider"]) -> RegistryKey:
    """Which owner a stack's repositories report to: one per stack and provider."""
    if provider is None or alias_of(provider) is None:
        return (state.path, None)
    return (state.path, provider)


def duplicate_name_error(request: ScanningRequest, first: ScanningRequest) -> ValidationError:
    return ValidationError(
        "name",
        request.name,
        "a name not used by another repository of the same registry",
        problem=f"is already used by {first.where}",
        where=request.where,
    )


@dataclass
class _Member:
    """A stack (and provider) whose repositories report to an owner."""

    state: StackState
    provider: Optional["AwsProvider"]

    def facts(self) -> ProviderFacts:
        return self.state.book.provider_facts(self.state, self.provider)


class ScanningCoverageWarning(UserWarning):
    """A registry's scanning rules also cover repositories that did not ask for it."""


class RegistryScanning(Construct):
    """The single owner of one registry's scanning configuration.

    You rarely create one: each stack's first :class:`~cdktf_aws_ecr.Repository`
    (per provider) creates one. Create it yourself to state the account and
    region explicitly, to declare namespace rules (:meth:`add_rule`), or to let
    several stacks that share a registry report to one owner (see
    :meth:`include`). Either may happen before or after repositories are
    added; an owner created implicitly is then replaced, and its repositories
    report to the explicit one.

    :param account_id: 12-digit account of the registry. Default: the single
        entry of the provider's ``allowed_account_ids``, else unknown.
    :param region: Region of the registry. Default: the provider's region, else unknown.
    :param provider: The ``AwsProvider`` of the registry, for example an aliased
        provider of a second region. Default: the stack's default provider.
        The configuration is written through it.
    :param allow_over_coverage: Whether the filters this owner chooses may scan
        repositories of the app more than they asked for, when exact filters do
        not fit AWS's limits (reported in :attr:`over_covered` and as a
        :class:`ScanningCoverageWarning`). When False, such a registry is
        refused at synth, naming the cause and the way out. Default: True.
    :param configured_elsewhere: This registry's scanning configuration is
        owned by another app or state: write none, whatever the repositories ask
        for (see :meth:`managed_elsewhere`). Default: False.

    The arguments are checked against the provider at synth, when every
    provider of the stack exists.
    """

    DEFAULT_ID = "EcrRegistryScanning"
    #: False for an owner a repository created for its stack; such an owner
    #: gives way to an explicit one.
    explicit: bool

    def __init__(
        self,
        scope: Construct,
        id: str = DEFAULT_ID,
        *,
        account_id: Optional[str] = None,
        region: Optional[str] = None,
        provider: Optional["AwsProvider"] = None,
        allow_over_coverage: bool = True,
        configured_elsewhere: bool = False,
    ) -> None:
        state = state_of(scope)
        where = f"RegistryScanning '{path_of(scope, state)}/{id}'"
        try:
            if account_id is not None and not (
                isinstance(account_id, str) and _ACCOUNT_ID.fullmatch(account_id)
            ):
                raise ValidationError("account_id", account_id, "None or a 12-digit AWS account ID")
            if region is not None and not (isinstance(region, str) and _REGION.fullmatch(region)):
                raise ValidationError(
                    "region", region, "None or an AWS region code such as 'eu-west-1'"
                )
            for flag, value in (("allow_over_coverage", allow_over_coverage),
                                ("configured_elsewhere", configured_elsewhere)):
                if type(value) is not bool:
                    raise ValidationError(flag, value, "True or False")
            check_provider("provider", provider)
            check_same_stack("provider", provider, state)
            key = registry_key(state, provider)
            current = state.book.owner_by_key.get(key)
            if current is not None and current.explicit:
                raise ValidationError(
                    "scope",
                    state.path,
                    "a stack (and provider) with no explicit registry scanning owner yet",
                    problem=f"already reports to RegistryScanning '{current.node.path}'",
                )
        except ValidationError as error:
            raise error.located(where) from None
        super().__init__(scope, id)
        self.explicit = True
        self._state = state
        self._provider = provider
        self._account_id = account_id
        self._region = region
        self.allow_over_coverage = allow_over_coverage
        self.configured_elsewhere = configured_elsewhere
        self._members: List[_Member] = [_Member(state, provider)]
        self._requests: List[ScanningRequest] = []
        self._names: Dict[str, ScanningRequest] = {}
        self._namespace_rules: List[Tuple[str, ScanFrequency]] = []
        self._configuration: Optional[Any] = None
        self._plan: Optional[ScanningPlan] = None
        state.book.owners.append(self)
        state.book.owner_by_key[key] = self
        add_synth_check(state, self._check)
        require_provider_versions(state.stack)
        if current is not None:
            self._absorb(current)

    @staticmethod
    def of(scope: Construct, provider: Optional["AwsProvider"] = None) -> "RegistryScanning":
        """The owner that ``scope``'s stack (with ``provider``) reports to, created if none."""
        state = state_of(scope)
        owner = state.book.owner_by_key.get(registry_key(state, provider))
        return owner if owner is not None else RegistryScanning._implicit(state, provider)

    @staticmethod
    def managed_elsewhere(
        scope: Construct, provider: Optional["AwsProvider"] = None
    ) -> "RegistryScanning":
        """Declare that the registry of ``scope``'s stack (with ``provider``) is
        configured by another app or state, such as a platform team's registry stack.

        This app then writes no scanning configuration for it, even when its
        repositories ask for enhanced scanning. That owner must cover them: the
        returned owner's :meth:`plan` shows the rules this app would write, and
        namespace rules there (:meth:`add_rule`) cover them as soon as they exist.
        """
        state = state_of(scope)
        alias = alias_of(provider) if provider is not None else None
        owner_id = RegistryScanning.DEFAULT_ID + (f"-{alias}" if alias else "") + "-elsewhere"
        return RegistryScanning(state.stack, owner_id, provider=provider, configured_elsewhere=True)

    @staticmethod
    def _implicit(state: StackState, provider: Optional["AwsProvider"]) -> "RegistryScanning":
        alias = alias_of(provider) if provider is not None else None
        owner_id = RegistryScanning.DEFAULT_ID + (f"-{alias}" if alias else "")
        owner = RegistryScanning(state.stack, owner_id, provider=provider if alias else None)
        owner.explicit = False
        return owner

    def include(self, stack: TerraformStack, *, provider: Optional["AwsProvider"] = None) -> None:
        """Let ``stack``'s repositories (those using ``provider``) be configured by this owner.

        Use it for stacks that deploy to the same account and region as this
        owner. ``stack`` then writes no scanning configuration of its own. It
        may be called before or after repositories are added to ``stack``.
        Whether ``stack`` really deploys to this owner's registry is checked at
        synth.
        """
        where = f"RegistryScanning '{self.node.path}'"
        try:
            state = state_of(stack)
            check_provider("provider", provider)
            check_same_stack("provider", provider, state)
            key = registry_key(state, provider)
            current = state.book.owner_by_key.get(key)
            allowed = "a stack of the same app that has no explicit registry scanning owner"
            if state.book is not self._state.book:
                raise ValidationError("stack", state.path, allowed, problem="belongs to another app")
            if current is not None and current.explicit:
                raise ValidationError(
                    "stack",
                    state.path,
                    allowed,
                    problem=f"already reports to RegistryScanning '{current.node.path}'",
                )
        except ValidationError as error:
            raise error.located(where) from None
        state.book.owner_by_key[key] = self
        self._members.append(_Member(state, provider))
        if current is not None:
            self._absorb(current)

    def _absorb(self, other: "RegistryScanning") -> None:
        """Take over the repositories of an implicit owner, and remove it."""
        book = self._state.book
        book.owners.remove(other)
        for key, owner in list(book.owner_by_key.items()):
            if owner is other:
                book.owner_by_key[key] = self
        book.checks[other._state.path].remove(other._check)
        other.node.scope.node.try_remove_child(other.node.id)
        for request in other._requests:
            self.add(request)

    @property
    def location(self) -> RegistryLocation:
        """The registry's account and region, as far as known (read from the tree)."""
        facts = self._members[0].facts()
        return RegistryLocation(self._account_id or facts.account_id, self._region or facts.region)

    @property
    def enhanced(self) -> bool:
        """Whether the registry is ENHANCED: a repository asked for enhanced scanning,
        or a namespace rule is declared."""
        return bool(self._namespace_rules) or any(r.enhanced_frequency for r in self._requests)

    def _relies_on_basic_scanning(self) -> bool:
        return not self.enhanced and any(r.need is ScanNeed.BASIC_SCAN_ON_PUSH for r in self._requests)

    def _writes_configuration(self) -> bool:
        return self.enhanced and not self.configured_elsewhere

    def add_rule(
        self, filter: str, frequency: Union[str, ScanFrequency]
    ) -> "RegistryScanning":
        """Declare a registry-level rule, such as ``("*", SCAN_ON_PUSH)`` or
        ``("payments/*", CONTINUOUS_SCAN)``; returns this owner, for chaining.

        It is kept verbatim in the configuration and covers every repository
        whose name it matches, including repositories created later by any
        app or state: they need no filter of their own. A filter follows AWS's
        ``WILDCARD`` syntax: without ``*`` it matches names containing it.
        Declaring one makes the registry ENHANCED.
        """
        where = f"RegistryScanning '{self.node.path}'"
        try:
            if self.configured_elsewhere:
                raise ValidationError(
                    "filter", filter, "rules on the owner in the app or state that configures "
                    "this registry", problem="is declared on an owner managed elsewhere",
                )
            checked = check_filter("filter", filter)
            rule = (checked, ScanFrequency(check_choice("frequency", frequency, ScanFrequency)))
            if rule in self._namespace_rules:
                raise ValidationError(
                    "filter", filter, "a filter not already declared for that frequency",
                    problem=f"is already a {rule[1].value} rule",
                )
            if sum(1 for _, f in self._namespace_rules if f is rule[1]) >= MAX_FILTERS_PER_RULE:
                raise ValidationError(
                    "filter", filter, f"at most {MAX_FILTERS_PER_RULE} rules per frequency (AWS limit)",
                    problem=f"would be the {MAX_FILTERS_PER_RULE + 1}st {rule[1].value} rule",
                )
        except ValidationError as error:
            raise error.located(where) from None
        self._namespace_rules.append(rule)
        self._changed()
        return self

    @property
    def namespace_rules(self) -> Tuple[Tuple[str, ScanFrequency], ...]:
        """The rules declared with :meth:`add_rule`, in order."""
        return tuple(self._namespace_rules)

    def plan(self) -> ScanningPlan:
        """The rules of this registry and what they cover, computed from every
        repository reporting here (repositories named by tokens aside)."""
        if self._plan is None:
            token_filters = self._token_filters()
            needs = {r.name: r.need for r in self._requests if not is_token(r.name)}
            self._plan = plan_registry_scanning(
                needs,
                self._namespace_rules,
                allow_over_coverage=self.allow_over_coverage,
                filter_limit=MAX_FILTERS_PER_RULE - max((len(f) for f in token_filters.values()), default=0),
                registry=f"registry {self.location} (RegistryScanning '{self.node.path}')",
            )
        return self._plan

    def _token_filters(self) -> Dict[ScanFrequency, List[str]]:
        """Filters for repositories named by tokens: their names, only known at apply."""
        filters: Dict[ScanFrequency, List[str]] = {}
        enhanced = self.enhanced
        for request in self._requests:
            if not is_token(request.name):
                continue
            need = request.need
            if need in (ScanNeed.SCAN_ON_PUSH, ScanNeed.CONTINUOUS_SCAN):
                filters.setdefault(ScanFrequency(need.value), []).append(request.name)
            elif need is ScanNeed.BASIC_SCAN_ON_PUSH and enhanced:
                filters.setdefault(ScanFrequency.SCAN_ON_PUSH, []).append(request.name)
        return filters

    @property
    def over_covered(self) -> Tuple[OverCoverage, ...]:
        """Repositories of the app scanned more than they asked for, and by which filter."""
        return self.plan().over_covered

    @property
    def wildcard_filters(self) -> Tuple[Tuple[ScanFrequency, str], ...]:
        """Filters with ``*``: each also covers repositories the app does not manage."""
        return self.plan().wildcard_filters

    def rules(self) -> List[Dict[str, Any]]:
        """The configuration's rules, in Terraform JSON form."""
        rules = self.plan().terraform_rules()
        for frequency, names in self._token_filters().items():
            block = next((r for r in rules if r["scan_frequency"] == frequency.value), None)
            if block is None:
                block = {"scan_frequency": frequency.value, "repository_filter": []}
                rules.append(block)
            block["repository_filter"] += [{"filter": n, "filter_type": FILTER_TYPE} for n in names]
        return rules

    def request_named(self, name: str) -> Optional[ScanningRequest]:
        """The repository of this registry called ``name``, if any."""
        return self._names.get(name)

    def check_new(self, request: ScanningRequest) -> None:
        """Refuse a repository whose name this registry already holds."""
        first = self._names.get(request.name)
        if first is not None:
            raise duplicate_name_error(request, first)

    def add(self, request: ScanningRequest) -> None:
        """Record a repository; writes the configuration once enhanced scanning is on."""
        self._requests.append(request)
        self._names.setdefault(request.name, request)
        self._changed()

    def _changed(self) -> None:
        self._plan = None
        if self._configuration is None and self._writes_configuration():
            from cdktf_cdktf_provider_aws.ecr_registry_scanning_configuration import (
                EcrRegistryScanningConfiguration,
            )

            self._configuration = EcrRegistryScanningConfiguration(
                self,
                "configuration",
                scan_type="ENHANCED",
                rule=lazy_any(self.rules),
                provider=self._provider,
            )
            # Named for the registry, not the construct: renaming or moving the owner
            # must not destroy one configuration while creating another.
            alias = alias_of(self._provider) if self._provider is not None else None
            pin_address(
                self._state.stack,
                self._configuration,
                "aws_ecr_registry_scanning_configuration",
                with_alias(REGISTRY_SCANNING_ID, alias),
            )

    @property
    def configuration(self) -> Optional[Any]:
        """The ``EcrRegistryScanningConfiguration`` resource, once one is needed."""
        return self._configuration

    # ------------------------------------------------------------------ synth-time checks

    def _check(self) -> None:
        where = f"RegistryScanning '{self.node.path}'"
        facts = self._members[0].facts()
        for parameter, given, known in (
            ("region", self._region, facts.region),
            ("account_id", self._account_id, facts.account_id),
        ):
            if given is not None and known is not None and given != known:
                raise ValidationError(
                    parameter,
                    given,
                    f"None or {known!r}, the {parameter} of the provider it configures",
                    problem=f"contradicts its provider, which deploys to {known}",
                    where=where,
                )
        location = self.location
        for member in self._members[1:]:
            member_facts = member.facts()
            member_location = RegistryLocation(member_facts.account_id, member_facts.region)
            if not member_location.may_coincide_with(location):
                raise ValidationError(
                    "stack",
                    member.state.path,
                    f"a stack that deploys to this owner's registry ({location})",
                    problem=f"deploys to {member_location}",
                    where=where,
                )
        for request in self._requests:
            if request.stack_path != self._state.path and is_token(request.name):
                raise ValidationError(
                    "name",
                    request.name,
                    "a plain string, because the registry scanning owner of this repository is "
                    f"in stack '{self._state.path}' and a token would become a cross-stack reference",
                    problem="is an unresolved token",
                    where=request.where,
                )
        for other in self._state.book.owners:
            if other is not self and other.location.may_coincide_with(location):
                self._check_against(other)
        self._check_names_against(self)
        try:
            plan = self.plan()
        except ValidationError as error:
            raise error.located(where) from None
        if self._writes_configuration():
            self._check_members_covered(plan)
            self._warn_about_coverage(plan, where)

    def _check_members_covered(self, plan: ScanningPlan) -> None:
        """A repository of an included stack must be scanned whichever stack deploys first."""
        for request in self._requests:
            if request.stack_path == self._state.path or request.need is ScanNeed.NONE:
                continue
            if any(wildcard_matches(f, request.name) for f, _ in self._namespace_rules):
                continue
            namespace = request.name.split("/")[0] + "/*" if "/" in request.name else request.name
            raise ValidationError(
                "name",
                request.name,
                f"a repository covered by a namespace rule of RegistryScanning "
                f"'{self.node.path}', which is in AWS before stack '{request.stack_path}' is "
                f"deployed, e.g. .add_rule({namespace!r}, ScanFrequency.SCAN_ON_PUSH)",
                problem=(
                    f"asks for scanning ({request.need.value}) in an ENHANCED registry whose "
                    f"configuration stack '{self._state.path}' writes: its filter reaches AWS only "
                    f"when that stack is deployed, so deploying '{request.stack_path}' alone "
                    "would leave it unscanned"
                ),
                where=request.where,
            )

    def _warn_about_coverage(self, plan: ScanningPlan, where: str) -> None:
        """Report what the filters this owner chose cover beyond what was asked."""
        chosen = {f for _, f in plan.wildcard_filters} - {f for f, _ in self._namespace_rules}
        extra = [o for o in plan.over_covered if not o.namespace_rule]
        if not extra and not chosen:
            return
        shown = "; ".join(o.describe() for o in extra[:5]) + ("; ..." if len(extra) > 5 else "")
        warnings.warn(
            f"{where}: to fit AWS's limit of {MAX_FILTERS_PER_RULE} filters per rule, the "
            f"scanning rules use wildcard filters {sorted(chosen)}, which also cover "
            "repositories this app does not manage"
            + (f", and scan {len(extra)} repositories of the app more than they asked: {shown}"
               if extra else "")
            + ". See RegistryScanning.over_covered; declare namespace rules with add_rule(), or "
            "pass allow_over_coverage=False to refuse this.",
            ScanningCoverageWarning,
            stacklevel=2,
        )

    def _check_names_against(self, other: "RegistryScanning") -> None:
        seen: Dict[str, ScanningRequest] = {} if other is self else dict(other._names)
        for request in self._requests:
            first = seen.setdefault(request.name, request)
            if first is not request and not is_token(request.name):
                raise duplicate_name_error(request, first)

    def _check_against(self, other: "RegistryScanning") -> None:
        """Refuse two owners of what may be one registry that would both configure it."""
        self._check_names_against(other)
        if self.configured_elsewhere or other.configured_elsewhere:
            return
        claims = self.enhanced
        if claims and (other.enhanced or other._relies_on_basic_scanning()):
            reason = (
                "both would write its scanning configuration"
                if other.enhanced
                else "enhanced scanning here would switch off the basic scan-on-push "
                f"that repositories of '{other._state.path}' rely on"
            )
        elif self._relies_on_basic_scanning() and other.enhanced:
            reason = (
                f"enhanced scanning in '{other._state.path}' would switch off the basic "
                "scan-on-push that repositories here rely on"
            )
        else:
            return
        trigger = next(
            (r for r in self._requests
             if (r.enhanced_frequency if claims else r.need is ScanNeed.BASIC_SCAN_ON_PUSH)),
            None,
        )
        raise ValidationError(
            ("enhanced_scanning" if claims else "scan_on_push") if trigger else "namespace_rules",
            True if trigger else list(self._namespace_rules),
            _ONE_OWNER,
            problem=(
                f"makes stacks '{self._state.path}' ({self.location}) and "
                f"'{other._state.path}' ({other.location}) both own the ECR registry "
                f"settings of what may be one registry: {reason}"
            ),
            where=trigger.where if trigger else f"RegistryScanning '{self.node.path}'",
        )


def check_same_stack(parameter: str, provider: Optional["AwsProvider"], state: StackState) -> None:
    """Terraform resources can only use a provider configured in their own stack."""
    if provider is not None and TerraformStack.of(provider) is not state.stack:
        raise ValidationError(
            parameter,
            provider.node.path,
            f"an AwsProvider of stack '{state.path}'",
            problem=f"belongs to stack '{TerraformStack.of(provider).node.path}'",
        )

