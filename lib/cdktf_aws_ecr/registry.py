"""The registry owner: one per account and region, owning every registry-wide setting.

A registry is one AWS account in one region. Several of its settings exist
once per registry: the scanning configuration, the replication configuration,
the registry policy and the account settings. The seed HCL module declares a
scanning configuration per repository, so two repositories with enhanced
scanning overwrite each other on every apply and ``terraform plan`` never
converges; teams that each declare a replication configuration overwrite each
other the same way. Here every setting of a registry has one owner, a
:class:`Registry` (``RegistryScanning`` is its former name), and every
:class:`~cdktf_aws_ecr.Repository` reports what it needs to its registry's
owner, which writes one resource of each kind built from all of them:

* ``aws_ecr_registry_scanning_configuration`` (below);
* ``aws_ecr_replication_configuration``: the repositories' ``replicate_to``
  and the owner's :meth:`Registry.replicate` rules, merged by
  :func:`~cdktf_aws_ecr.replication.plan_replication` within AWS's limits;
* ``aws_ecr_registry_policy``: who may replicate into this registry
  (:meth:`Registry.allow_replication_from`, and every source registry of the
  app that replicates here from another account) and which organization may
  fill its pull-through caches (:meth:`Registry.allow_pull_through_cache_for_organization`);
* ``aws_ecr_account_setting``: ``BASIC_SCAN_TYPE_VERSION`` (``AWS_NATIVE`` by
  default, on owners you create) and ``REGISTRY_POLICY_SCOPE`` (when given);
* per prefix, ``aws_ecr_pull_through_cache_rule`` and
  ``aws_ecr_repository_creation_template`` (:meth:`Registry.add_pull_through_cache`,
  :meth:`Registry.add_creation_template`, see :mod:`cdktf_aws_ecr.registry_constructs`).
  Repositories that ECR creates itself get the guardrails of a template: each
  cache gets a ``PULL_THROUGH_CACHE`` template, and a registry of this app
  that receives replicas gets a ``REPLICATION`` template.

Scanning
--------
* Nothing at all, while no repository asks for enhanced scanning and no
  namespace rule is declared: the registry keeps AWS's default BASIC scanning
  and each repository's ``scan_on_push``.
* Otherwise ``scan_type = "ENHANCED"`` and at most two rules, one per
  frequency, with at most 100 ``WILDCARD`` filters each (AWS's limits), built
  by :func:`~cdktf_aws_ecr.scan_filters.plan_registry_scanning` from what every
  repository of the registry asks for, whatever their number:

  - the namespace rules declared with :meth:`Registry.add_rule` (and by each
    pull-through cache for its namespace), kept verbatim; repositories they
    cover need no filter of their own;
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
  covers is reported: :attr:`Registry.over_covered`, and a
  :class:`ScanningCoverageWarning` at synth.

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
create it in one stack and :meth:`Registry.include` the others, at any point
before synth. The account and region come from the owner's provider (or the
stack's default ``AwsProvider``: ``region``, and ``allowed_account_ids`` with
one entry) or from the arguments; when either is unknown, two owners are
assumed to share it.

An owner's settings reach AWS when the owner's stack is deployed. So that
deploying an included stack alone never leaves one of its repositories
unscanned in an ENHANCED registry, each repository of an included stack that
asks for scanning must be covered by a namespace rule of the owner (for example
``add_rule("dev/*", ScanFrequency.SCAN_ON_PUSH)``), which already covers it in
AWS whatever the order of deploys. (Replication has no such hole to guard: an
image pushed before the owner's stack is deployed is merely not copied.)

Registries owned by another app or state are declared with
:meth:`Registry.managed_elsewhere`: this app then writes no registry-wide
setting for them, and that owner must cover these repositories.

Checked at synth, once the tree is complete (so the order of calls does not
matter): that the arguments agree with the provider (region, account, the
KMS key's region, the region and account of secrets and roles), that included
stacks deploy to the owner's registry and are covered by namespace rules,
unique repository names per registry across the app, AWS's limits, and that
no two owners write a setting, or switch off the scanning, of what may be one
registry.
"""

from __future__ import annotations

import inspect
import re
import warnings
from dataclasses import dataclass, field
from typing import (
    Annotated,
    Any,
    Dict,
    List,
    Optional,
    Sequence,
    Tuple,
    TypedDict,
    Union,
    Unpack,
)

from ._framework import AwsProvider, Construct, TerraformStack, aws
from ._state import (
    StackState,
    add_synth_check,
    lazy_any,
    lazy_string,
    path_of,
    state_of,
)
from .account_settings import (
    DEFAULT_BASIC_SCAN_TYPE_VERSION,
    AccountSettingName,
    BasicScanTypeVersion,
    RegistryPolicyScope,
    account_setting,
)
from .addresses import (
    CREATION_TEMPLATE_ROLE_ID,
    REGISTRY_ACCOUNT_ID,
    REGISTRY_POLICY_ID,
    REGISTRY_REPLICATION_ID,
    REGISTRY_SCANNING_ID,
    account_setting_address_id,
    forget,
    pin_address,
    with_alias,
)
from .checks import check_account_id, check_choice, check_kms_key_arn, check_kms_key_region
from .creation_template import ROOT, AppliedFor
from .enums import ImageTagMutability, ScanFrequency
from .errors import ValidationError
from .facts import ORGANIZATION_ID_PATTERN
from .inputs import (
    Input,
    checked_inputs,
    expand_keyword_arguments,
    input_specs,
    with_init_signature,
)
from .policy.statement import PolicyStatement
from .providers import ProviderFacts, alias_of, check_provider, require_provider_versions
from .registry_constructs import (
    PullThroughCache,
    PullThroughCacheInputs,
    PullThroughCacheProps,
    RepositoryCreationTemplate,
    RepositoryCreationTemplateInputs,
    RepositoryCreationTemplateProps,
    check_flag,
    normalized_prefix,
)
from .registry_policy import (
    organization_pull_through_cache_statement,
    registry_policy_json,
    replication_source_statement,
)
from .replication import (
    DESTINATIONS_ALLOWED,
    MAX_RULES,
    PREFIXES_ALLOWED,
    DestinationRegistry,
    ReplicationDestination,
    ReplicationPlan,
    ReplicationRule,
    check_destinations,
    check_prefixes,
    plan_replication,
)
from .replication import (
    OverCoverage as ReplicationOverCoverage,
)
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
from .tokens import is_literal, is_token

_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d", re.ASCII)
_ORGANIZATION_ID = re.compile(ORGANIZATION_ID_PATTERN, re.ASCII)
_UNKNOWN_ACCOUNT = "the credentials' account"
_UNKNOWN_REGION = "the provider's default region"
_ONE_OWNER = (
    "one registry owner per account and region: call "
    "Registry.of(<owner stack>).include(<other stack>), or pin distinct "
    "accounts/regions with AwsProvider(allowed_account_ids=[...], region=...)"
)
# https://aws.amazon.com/about-aws/whats-new/2024/10/amazon-ecr-basic-scanning-aws-native-technology/
# and https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html:
# AWS ended support for the Clair engine on 1 October 2025.
_CLAIR_ENDED = "AWS ended its support on 1 October 2025"


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
    """What one repository needs from its registry: scanning, and where to replicate."""

    name: str
    #: True, False, or a token (which may be either, so it counts as True).
    scan_on_push: Any
    enhanced_frequency: Optional[str]
    construct_path: str
    stack_path: str
    #: Registries that receive copies of its images (``Repository(replicate_to=...)``).
    replicate_to: Tuple[ReplicationDestination, ...] = ()

    @property
    def need(self) -> ScanNeed:
        """What it asks of the registry (a token ``scan_on_push`` may be true)."""
        return ScanNeed.of(self.scan_on_push is not False, self.enhanced_frequency)

    @property
    def where(self) -> str:
        return f"Repository '{self.construct_path}'"


#: Registries are keyed by stack path and provider: None for the stack's default
#: provider, else the aliased ``AwsProvider`` object.
RegistryKey = Tuple[str, Any]


@dataclass
class _Owners:
    """The app's registry owners, and the one each stack (and provider) reports to."""

    all: List["Registry"] = field(default_factory=list)
    by_key: Dict[RegistryKey, "Registry"] = field(default_factory=dict)


def owners_of(state: StackState) -> _Owners:
    return state.book.record("registry.owners", _Owners)


def owner_for(state: StackState, provider: Optional[AwsProvider]) -> Optional["Registry"]:
    """The owner that ``state``'s repositories using ``provider`` report to, if any yet."""
    return owners_of(state).by_key.get(registry_key(state, provider))


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


class ReplicationCoverageWarning(UserWarning):
    """A registry's replication rules also copy repositories of the app that did not ask for it."""


# --------------------------------------------------------------------------- inputs


def _check_account_id(parameter: str, value: Any) -> Optional[str]:
    if value is not None and not (isinstance(value, str) and _ACCOUNT_ID.fullmatch(value)):
        raise ValidationError(parameter, value, "None or a 12-digit AWS account ID")
    return value


def _check_region(parameter: str, value: Any) -> Optional[str]:
    if value is not None and not (isinstance(value, str) and _REGION.fullmatch(value)):
        raise ValidationError(parameter, value, "None or an AWS region code such as 'eu-west-1'")
    return value


def _check_basic_scan_type_version(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    checked = check_choice(parameter, value, BasicScanTypeVersion)
    if checked == BasicScanTypeVersion.CLAIR.value:
        raise ValidationError(
            parameter, value, "'AWS_NATIVE', or None",
            problem=f"selects the Clair engine, for which {_CLAIR_ENDED}",
        )
    if is_token(checked):
        raise ValidationError(
            parameter, value, "'AWS_NATIVE' or None, known at synth",
            problem="is an unresolved token",
        )
    return checked


def _check_registry_policy_scope(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    checked = check_choice(parameter, value, RegistryPolicyScope)
    if is_token(checked):
        raise ValidationError(
            parameter, value, "'V1', 'V2' or None, known at synth (the registry policy is "
            "checked against it)", problem="is an unresolved token",
        )
    return checked


class RegistryProps(TypedDict, total=False):
    """The keyword arguments of :class:`Registry`."""

    account_id: Annotated[Optional[str], Input(
        description="Account of the registry. Default: the single entry of the provider's "
        "`allowed_account_ids`, else unknown.",
        allowed="None or a 12-digit AWS account ID",
        check=_check_account_id,
        default=None,
    )]
    region: Annotated[Optional[str], Input(
        description="Region of the registry. Default: the provider's region, else unknown.",
        allowed="None or an AWS region code such as 'eu-west-1'",
        check=_check_region,
        default=None,
    )]
    provider: Annotated[Optional[AwsProvider], Input(
        description="The `AwsProvider` of the registry, e.g. an aliased provider of a second "
        "region. Every setting is written through it.",
        allowed="None (the stack's default provider), or an `AwsProvider` of the same stack",
        check=check_provider,
        default=None,
    )]
    allow_over_coverage: Annotated[bool, Input(
        description="Whether the scanning filters this owner chooses may scan repositories of the "
        "app more than they asked for when exact filters do not fit AWS's limits (reported in "
        "`over_covered` and as a `ScanningCoverageWarning`); False refuses such a registry at synth.",
        allowed="True or False",
        check=check_flag,
        default=True,
    )]
    configured_elsewhere: Annotated[bool, Input(
        description="This registry's settings are owned by another app or state: write none, "
        "whatever the repositories ask for (see `managed_elsewhere`).",
        allowed="True or False",
        check=check_flag,
        default=False,
    )]
    basic_scan_type_version: Annotated[Optional[Union[str, BasicScanTypeVersion]], Input(
        description="Account setting `BASIC_SCAN_TYPE_VERSION`: the engine of basic scanning. "
        "`AWS_NATIVE` is AWS's current engine; None leaves the setting alone. Owners that "
        "repositories create for their stack, and `RegistryScanning`, default to None.",
        allowed=f"`AWS_NATIVE`, or None (`CLAIR` is refused: {_CLAIR_ENDED})",
        check=_check_basic_scan_type_version,
        default=DEFAULT_BASIC_SCAN_TYPE_VERSION.value,
    )]
    registry_policy_scope: Annotated[Optional[Union[str, RegistryPolicyScope]], Input(
        description="Account setting `REGISTRY_POLICY_SCOPE`: `V2` makes the registry policy "
        "govern every ECR action, `V1` only replication and pull-through cache. None leaves "
        "the setting alone (new registries use V2).",
        allowed="`V1`, `V2`, or None",
        check=_check_registry_policy_scope,
        default=None,
    )]
    kms_key_arn: Annotated[Optional[str], Input(
        description="Customer-managed key for the repositories ECR creates from this owner's "
        "creation templates (pull-through caches, replicas), unless a template names its own.",
        allowed="None, or a KMS *key* ARN in the registry's region (checked at synth); or a token",
        check=check_kms_key_arn,
        default=None,
    )]
    replica_template: Annotated[bool, Input(
        description="When registries of the app replicate into this one and it declares no "
        "`REPLICATION` or `ROOT` creation template, add a `ROOT` template for `REPLICATION` "
        "(`IMMUTABLE`, `kms_key_arn`, the default lifecycle rules). False: the replicas get "
        "ECR's defaults, or templates managed elsewhere.",
        allowed="True or False",
        check=check_flag,
        default=True,
    )]


class _ReplicateInputs(TypedDict, total=False):
    """The arguments of :meth:`Registry.replicate` (for README's table)."""

    prefixes: Annotated[Sequence[str], Input(
        description="Repository name prefixes to replicate (`PREFIX_MATCH`: `prod/` replicates "
        "every repository whose name starts with it, including future ones). An empty list "
        "replicates every repository of the registry.",
        allowed=PREFIXES_ALLOWED,
        check=check_prefixes,
    )]
    destinations: Annotated[Sequence[ReplicationDestination], Input(
        description="The registries that receive the copies: `ReplicationDestination(region, "
        "account_id=None)`, where None is this registry's own account.",
        allowed=DESTINATIONS_ALLOWED,
        check=check_destinations,
    )]


# --------------------------------------------------------------------------- the owner


@with_init_signature
class Registry(Construct):
    """The single owner of one registry's settings (one AWS account in one region).

    You rarely need to create one for scanning: each stack's first
    :class:`~cdktf_aws_ecr.Repository` (per provider) creates one. Create it
    yourself to state the account and region explicitly, to let several stacks
    that share a registry report to one owner (see :meth:`include`), or to
    declare registry-wide settings: namespace scanning rules (:meth:`add_rule`),
    replication rules (:meth:`replicate`), pull-through caches
    (:meth:`add_pull_through_cache`), creation templates
    (:meth:`add_creation_template`), registry policy statements
    (:meth:`allow_replication_from`, :meth:`allow_pull_through_cache_for_organization`)
    and account settings (the keyword arguments). An owner created after
    repositories were added takes their place; the owner they created
    implicitly is then removed.

    The arguments are checked against the provider at synth, when every
    provider of the stack exists.
    """

    DEFAULT_ID = "EcrRegistryScanning"
    #: False for an owner a repository created for its stack; such an owner
    #: gives way to an explicit one, until a registry-wide setting is declared on it.
    explicit: bool

    @expand_keyword_arguments(RegistryProps)
    def __init__(
        self, scope: Construct, id: str = DEFAULT_ID, **inputs: Unpack[RegistryProps]
    ) -> None:
        state = state_of(scope)
        kind = type(self).__name__
        where = f"{kind} '{path_of(scope, state)}/{id}'"
        try:
            settings = checked_inputs(RegistryProps, inputs, kind)
            provider: Optional[AwsProvider] = settings["provider"]
            check_same_stack("provider", provider, state)
            key = registry_key(state, provider)
            current = owners_of(state).by_key.get(key)
            if current is not None and current.explicit:
                raise ValidationError(
                    "scope",
                    state.path,
                    "a stack (and provider) with no explicit registry owner yet",
                    problem=f"already reports to {current.label}",
                )
        except ValidationError as error:
            raise error.located(where) from None
        if current is not None:
            # The implicit owner may hold the id asked for (the default one): it leaves first.
            _detach(current)
        super().__init__(scope, id)
        self.explicit = True
        self._state = state
        self._provider = provider
        self._alias = alias_of(provider) if provider is not None else None
        self._account_id: Optional[str] = settings["account_id"]
        self._region: Optional[str] = settings["region"]
        self.allow_over_coverage: bool = settings["allow_over_coverage"]
        self.configured_elsewhere: bool = settings["configured_elsewhere"]
        #: The key of the repositories ECR creates from this owner's templates, if any.
        self.kms_key_arn: Optional[str] = settings["kms_key_arn"]
        self.replica_template: bool = settings["replica_template"]
        self._members: List[_Member] = [_Member(state, provider)]
        self._requests: List[ScanningRequest] = []
        self._names: Dict[str, ScanningRequest] = {}
        self._namespace_rules: List[Tuple[str, ScanFrequency]] = []
        self._configuration: Optional[Any] = None
        self._plan: Optional[ScanningPlan] = None
        self._replication_rules: List[ReplicationRule] = []
        self._replication: Optional[Any] = None
        self._replication_plan: Optional[Tuple[RegistryLocation, ReplicationPlan]] = None
        self._caller: Optional[Any] = None
        self._replication_sources: List[str] = []
        self._organizations: List[str] = []
        self._registry_policy: Optional[Any] = None
        self._caches: Dict[str, PullThroughCache] = {}
        self._templates: Dict[str, RepositoryCreationTemplate] = {}
        self._added_replica_template: Optional[RepositoryCreationTemplate] = None
        self._template_role: Optional[Any] = None
        self._account_settings: Dict[str, str] = {}
        owners_of(state).all.append(self)
        owners_of(state).by_key[key] = self
        add_synth_check(state, self._check)
        require_provider_versions(state.stack)
        if current is not None:
            self._absorb(current)
        for name, value in (
            (AccountSettingName.BASIC_SCAN_TYPE_VERSION, settings["basic_scan_type_version"]),
            (AccountSettingName.REGISTRY_POLICY_SCOPE, settings["registry_policy_scope"]),
        ):
            if value is not None:
                self._add_account_setting(name, value)

    # -- identity

    @property
    def label(self) -> str:
        """How messages name this owner: ``Registry 'prod/EcrRegistryScanning'``."""
        return f"{type(self).__name__} '{self.node.path}'"

    def _describe(self) -> str:
        """``stack 'prod' (provider aws.eu, account ..., region ...)`` for messages."""
        provider = f"provider aws.{self._alias}, " if self._alias else ""
        return f"stack '{self._state.path}' ({provider}{self.location})"

    @property
    def provider(self) -> Optional[AwsProvider]:
        """The provider every setting is written through (None: the stack's default)."""
        return self._provider

    @property
    def stack_state(self) -> StackState:
        return self._state

    @property
    def alias(self) -> Optional[str]:
        """The provider's alias, which every address of this owner carries."""
        return self._alias

    @classmethod
    def of(cls, scope: Construct, provider: Optional["AwsProvider"] = None) -> "Registry":
        """The owner that ``scope``'s stack (with ``provider``) reports to, created if none."""
        state = state_of(scope)
        owner = owner_for(state, provider)
        return owner if owner is not None else Registry._implicit(state, provider)

    @classmethod
    def managed_elsewhere(
        cls, scope: Construct, provider: Optional["AwsProvider"] = None
    ) -> "Registry":
        """Declare that the registry of ``scope``'s stack (with ``provider``) is
        configured by another app or state, such as a platform team's registry stack.

        This app then writes no registry-wide setting for it: no scanning or
        replication configuration, even when its repositories ask for enhanced
        scanning or ``replicate_to``. That owner must cover them: the returned
        owner's :meth:`plan` and :meth:`replication_plan` show what this app
        would write, and namespace rules there (:meth:`add_rule`, prefix rules
        of :meth:`replicate`) cover them as soon as they exist.
        """
        state = state_of(scope)
        alias = alias_of(provider) if provider is not None else None
        owner_id = Registry.DEFAULT_ID + (f"-{alias}" if alias else "") + "-elsewhere"
        owner = cls(state.stack, owner_id, provider=provider, configured_elsewhere=True)
        _forget_registry_settings(state, alias)
        return owner

    @staticmethod
    def _implicit(state: StackState, provider: Optional["AwsProvider"]) -> "Registry":
        alias = alias_of(provider) if provider is not None else None
        owner_id = Registry.DEFAULT_ID + (f"-{alias}" if alias else "")
        # An owner made for a stack's repositories writes no account setting: other stacks
        # may share its registry, and it gives way to the owner they are told to share.
        owner = Registry(
            state.stack, owner_id, provider=provider if alias else None,
            basic_scan_type_version=None,
        )
        owner.explicit = False
        return owner

    def include(self, stack: TerraformStack, *, provider: Optional["AwsProvider"] = None) -> None:
        """Let ``stack``'s repositories (those using ``provider``) report to this owner.

        Use it for stacks that deploy to the same account and region as this
        owner. ``stack`` then writes no registry setting of its own. It may be
        called before or after repositories are added to ``stack``. Whether
        ``stack`` really deploys to this owner's registry is checked at synth.
        """
        try:
            state = state_of(stack)
            check_provider("provider", provider)
            check_same_stack("provider", provider, state)
            key = registry_key(state, provider)
            current = owners_of(state).by_key.get(key)
            allowed = "a stack of the same app that has no explicit registry owner"
            if state.book is not self._state.book:
                raise ValidationError("stack", state.path, allowed, problem="belongs to another app")
            if current is not None and current.explicit:
                raise ValidationError(
                    "stack",
                    state.path,
                    allowed,
                    problem=f"already reports to {current.label}",
                )
        except ValidationError as error:
            raise error.located(self.label) from None
        owners_of(state).by_key[key] = self
        self._members.append(_Member(state, provider))
        _forget_registry_settings(state, alias_of(provider) if provider is not None else None)
        if current is not None:
            self._absorb(current)

    def _absorb(self, other: "Registry") -> None:
        """Take over what an implicit owner was told (stacks, repositories, namespace
        rules), and remove it with its resources."""
        book = self._state.book
        owners = owners_of(self._state)
        owners.all.remove(other)
        for key, owner in list(owners.by_key.items()):
            if owner is other:
                owners.by_key[key] = self
        book.checks[other._state.path].remove(other._check)
        _detach(other)
        for member in other._members:
            if not any(m.state is member.state and m.provider is member.provider
                       for m in self._members):
                self._members.append(member)
        for rule in other._namespace_rules:
            if rule not in self._namespace_rules:
                self._namespace_rules.append(rule)
        for request in other._requests:
            self.add(request)
        self._changed()

    def _refuse_elsewhere(self, parameter: str, value: Any) -> None:
        """Registry-wide settings belong to the owner of the registry, never to one
        managed elsewhere. (Once declared, they make an implicit owner the stack's
        explicit owner: they cannot move to another.)"""
        if self.configured_elsewhere:
            raise ValidationError(
                parameter, value, "settings on the owner in the app or state that configures "
                "this registry", problem="is declared on an owner managed elsewhere",
            )

    @property
    def location(self) -> RegistryLocation:
        """The registry's account and region, as far as known (read from the tree)."""
        facts = self._members[0].facts()
        return RegistryLocation(self._account_id or facts.account_id, self._region or facts.region)

    def _registry_account(self) -> str:
        """The account as Terraform knows it: the literal one, else the caller's (a token)."""
        account = self.location.account_id
        if account is not None:
            return account
        if self._caller is None:

            self._caller = aws.DataAwsCallerIdentity(self, "account", provider=self._provider)
            pin_address(
                self._state.stack, self._caller, "aws_caller_identity",
                with_alias(REGISTRY_ACCOUNT_ID, self._alias), managed=False,
            )
        account_id: str = self._caller.account_id
        return account_id

    # -- scanning

    @property
    def enhanced(self) -> bool:
        """Whether the registry is ENHANCED: a repository asked for enhanced scanning,
        or a namespace rule is declared."""
        return bool(self._namespace_rules) or any(r.enhanced_frequency for r in self._requests)

    def _relies_on_basic_scanning(self) -> bool:
        return not self.enhanced and any(r.need is ScanNeed.BASIC_SCAN_ON_PUSH for r in self._requests)

    def _writes_configuration(self) -> bool:
        return self.enhanced and not self.configured_elsewhere

    def add_rule(self, filter: str, frequency: Union[str, ScanFrequency]) -> "Registry":
        """Declare a registry-level scanning rule, such as ``("*", SCAN_ON_PUSH)`` or
        ``("payments/*", CONTINUOUS_SCAN)``; returns this owner, for chaining.

        It is kept verbatim in the configuration and covers every repository
        whose name it matches, including repositories created later by any
        app or state: they need no filter of their own. A filter follows AWS's
        ``WILDCARD`` syntax: without ``*`` it matches names containing it.
        Declaring one makes the registry ENHANCED.
        """
        try:
            rule = self._new_namespace_rule(filter, frequency)
        except ValidationError as error:
            raise error.located(self.label) from None
        self._namespace_rules.append(rule)
        self._changed()
        return self

    def _new_namespace_rule(
        self, filter: Any, frequency: Any
    ) -> Tuple[str, ScanFrequency]:
        """The rule :meth:`add_rule` would add, checked."""
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
        return rule

    def check_namespace_cover(self, filter: str, frequency: ScanFrequency) -> None:
        """Refuse, before anything is built, a namespace rule :meth:`cover_namespace`
        could not add."""
        if (filter, frequency) not in self._namespace_rules:
            self._new_namespace_rule(filter, frequency)

    def cover_namespace(self, filter: str, frequency: ScanFrequency) -> None:
        """:meth:`add_rule`, unless that rule is declared already (a pull-through cache
        covers its namespace this way)."""
        if (filter, frequency) not in self._namespace_rules:
            self.add_rule(filter, frequency)

    @property
    def namespace_rules(self) -> Tuple[Tuple[str, ScanFrequency], ...]:
        """The rules declared with :meth:`add_rule`, in order."""
        return tuple(self._namespace_rules)

    def plan(self) -> ScanningPlan:
        """The scanning rules of this registry and what they cover, computed from every
        repository reporting here (repositories named by tokens aside)."""
        if self._plan is None:
            token_filters = self._token_filters()
            needs = {r.name: r.need for r in self._requests if not is_token(r.name)}
            self._plan = plan_registry_scanning(
                needs,
                self._namespace_rules,
                allow_over_coverage=self.allow_over_coverage,
                filter_limit=MAX_FILTERS_PER_RULE - max((len(f) for f in token_filters.values()), default=0),
                registry=f"registry {self.location} ({self.label})",
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
        """The scanning configuration's rules, in Terraform JSON form."""
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
        """Record a repository; writes the configurations it needs."""
        self._requests.append(request)
        self._names.setdefault(request.name, request)
        self._changed()

    def _changed(self) -> None:
        self._plan = None
        self._replication_plan = None
        if self._configuration is None and self._writes_configuration():

            self._configuration = aws.EcrRegistryScanningConfiguration(
                self,
                "configuration",
                scan_type="ENHANCED",
                rule=lazy_any(self.rules),
                provider=self._provider,
            )
            # Named for the registry, not the construct: renaming or moving the owner
            # must not destroy one configuration while creating another.
            pin_address(
                self._state.stack,
                self._configuration,
                "aws_ecr_registry_scanning_configuration",
                with_alias(REGISTRY_SCANNING_ID, self._alias),
            )
        if self._replication is None and self._writes_replication():

            self._replication = aws.EcrReplicationConfiguration(
                self,
                "replication",
                replication_configuration={"rule": lazy_any(self._replication_rule_blocks)},
                provider=self._provider,
            )
            pin_address(
                self._state.stack, self._replication, "aws_ecr_replication_configuration",
                with_alias(REGISTRY_REPLICATION_ID, self._alias), in_release_0_1_0=False,
            )
            if self.location.account_id is None:
                self._registry_account()

    @property
    def configuration(self) -> Optional[Any]:
        """The ``EcrRegistryScanningConfiguration`` resource, once one is needed."""
        return self._configuration

    # -- replication

    def replicate(
        self, prefixes: Sequence[str], destinations: Sequence[ReplicationDestination]
    ) -> "Registry":
        """Replicate every repository whose name starts with one of ``prefixes`` (all of
        them, for an empty list) to ``destinations``; returns this owner, for chaining.

        :param prefixes: Repository name prefixes (``PREFIX_MATCH``: ``prod/``
            replicates every repository whose name starts with it, future ones
            included), at most 100; empty: every repository of the registry.
        :param destinations: 1 to 25 distinct :class:`ReplicationDestination`
            (``region``, ``account_id=None`` for this registry's own account).

        Registry-level rules come first in the configuration, as written; the
        repositories' ``replicate_to`` that they already cover need no filter
        of their own. Replication copies images pushed after the configuration
        exists; AWS allows 10 rules and 25 unique destinations per registry.
        """
        try:
            settings = checked_inputs(
                _ReplicateInputs, {"prefixes": prefixes, "destinations": destinations},
                "replicate",
            )
            rule = ReplicationRule(settings["prefixes"], settings["destinations"])
            self._refuse_elsewhere("prefixes", prefixes)
            if len(self._replication_rules) >= MAX_RULES:
                raise ValidationError(
                    "prefixes", prefixes, f"at most {MAX_RULES} replication rules per registry "
                    "(AWS limit)", problem=f"would be rule {MAX_RULES + 1}",
                )
        except ValidationError as error:
            raise error.located(self.label) from None
        self._replication_rules.append(rule)
        self.explicit = True
        self._changed()
        return self

    @property
    def replication_rules(self) -> Tuple[ReplicationRule, ...]:
        """The rules declared with :meth:`replicate`, in order."""
        return tuple(self._replication_rules)

    def _writes_replication(self) -> bool:
        return not self.configured_elsewhere and (
            bool(self._replication_rules) or any(r.replicate_to for r in self._requests)
        )

    def replication_plan(self) -> ReplicationPlan:
        """The registry's single replication configuration: the rules of :meth:`replicate`
        and every repository's ``replicate_to``, merged within AWS's limits."""
        location = self.location
        if self._replication_plan is None or self._replication_plan[0] != location:
            plan = plan_replication(
                source_account_id=self._registry_account(),
                source_region=location.region,
                rules=self._replication_rules,
                requests={r.name: r.replicate_to for r in self._requests if r.replicate_to},
                known_repositories=[r.name for r in self._requests],
            )
            self._replication_plan = (location, plan)
        return self._replication_plan[1]

    @property
    def replication_over_covered(self) -> Tuple[ReplicationOverCoverage, ...]:
        """Repositories of the app that the merged replication rules copy to destinations
        they did not ask for, and by which filter."""
        return self.replication_plan().over_coverage

    @property
    def replication(self) -> Optional[Any]:
        """The ``EcrReplicationConfiguration`` resource, once one is needed."""
        return self._replication

    def _replication_rule_blocks(self) -> List[Dict[str, Any]]:
        return self.replication_plan().rule_blocks()

    def _destinations_here(self, exact: bool) -> List[Tuple["Registry", DestinationRegistry]]:
        """The app's other registries that replicate into this one, with the destination.

        ``exact``: the destination's account and region are literally this
        owner's (needed to grant a source in the registry policy); otherwise
        the region is, and the accounts may be the same (enough to give the
        replicas a creation template).
        """
        location = self.location
        if location.region is None or self.configured_elsewhere:
            return []
        found = []
        for source in owners_of(self._state).all:
            if source is self or not source._writes_replication():
                continue
            try:
                destinations = source.replication_plan().destinations
            except ValidationError:
                continue  # the source's own check reports it
            for destination in destinations:
                if destination.region != location.region:
                    continue
                account = destination.registry_id if is_literal(destination.registry_id) else None
                if exact:
                    if account is not None and account == location.account_id:
                        found.append((source, destination))
                elif account is None or location.account_id is None or account == location.account_id:
                    found.append((source, destination))
        return found

    # -- registry policy

    def allow_replication_from(self, account_id: str) -> "Registry":
        """Let registries of ``account_id`` replicate into this one (registry policy:
        ``ecr:CreateRepository`` and ``ecr:ReplicateImage``); returns this owner.

        Sources managed by this app are granted without it; use it for source
        accounts whose replication another app or state configures.
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html
        """
        try:
            check_account_id("account_id", account_id)
            self._refuse_elsewhere("account_id", account_id)
            if account_id in self._replication_sources:
                raise ValidationError(
                    "account_id", account_id, "an account not yet allowed to replicate here",
                    problem="is allowed already",
                )
        except ValidationError as error:
            raise error.located(self.label) from None
        self._replication_sources.append(account_id)
        self.explicit = True
        self._ensure_registry_policy()
        return self

    def allow_pull_through_cache_for_organization(self, organization_id: str) -> "Registry":
        """Let every principal of the AWS Organization ``organization_id`` fill this
        registry's pull-through caches (registry policy: principal ``*`` limited by
        ``aws:PrincipalOrgID``, ``ecr:BatchImportUpstreamImage`` and
        ``ecr:CreateRepository`` on the caches' namespaces); returns this owner.

        https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html
        """
        try:
            if type(organization_id) is not str or not (
                _ORGANIZATION_ID.fullmatch(organization_id) or is_token(organization_id)
            ):
                raise ValidationError(
                    "organization_id", organization_id,
                    f"an AWS Organizations ID matching ^{ORGANIZATION_ID_PATTERN}$, or a token",
                )
            self._refuse_elsewhere("organization_id", organization_id)
            if organization_id in self._organizations:
                raise ValidationError(
                    "organization_id", organization_id, "an organization not yet allowed",
                    problem="is allowed already",
                )
        except ValidationError as error:
            raise error.located(self.label) from None
        self._organizations.append(organization_id)
        self.explicit = True
        self._ensure_registry_policy()
        return self

    def _ensure_registry_policy(self) -> None:
        if self._registry_policy is None:

            self._registry_policy = aws.EcrRegistryPolicy(
                self, "registry_policy", policy=lazy_string(self.registry_policy_json),
                provider=self._provider,
            )
            pin_address(
                self._state.stack, self._registry_policy, "aws_ecr_registry_policy",
                with_alias(REGISTRY_POLICY_ID, self._alias), in_release_0_1_0=False,
            )
            if self.location.account_id is None:
                self._registry_account()

    def _incoming_source_accounts(self) -> List[str]:
        """The accounts of the app's registries that replicate into this one from
        another account (a source whose account is unknown is refused by its own check)."""
        account = self.location.account_id
        return list(dict.fromkeys(
            source.location.account_id
            for source, _ in self._destinations_here(exact=True)
            if source.location.account_id is not None and source.location.account_id != account
        ))

    def _writes_registry_policy(self) -> bool:
        return not self.configured_elsewhere and bool(
            self._replication_sources or self._organizations or self._incoming_source_accounts()
        )

    def registry_policy_statements(self) -> Tuple[PolicyStatement, ...]:
        """The statements of this registry's policy, sorted by Sid."""
        location = self.location
        if location.region is None:
            raise ValidationError(
                "region", None, "the registry's region, known at synth: give its provider a "
                "region or pass region=", problem="is unknown, and the registry policy names "
                "repository ARNs in it", where=self.label,
            )
        account = self._registry_account()
        statements: Dict[str, PolicyStatement] = {}
        for source_account in self._replication_sources + self._incoming_source_accounts():
            statement = replication_source_statement(source_account, location.region, account)
            statements.setdefault(statement.sid, statement)
        prefixes = [cache.prefix for cache in self._caches.values()]
        for number, organization in enumerate(self._organizations, start=1):
            if not prefixes:
                raise ValidationError(
                    "organization_id", organization, "an organization allowed to fill this "
                    "registry's pull-through caches, of which there is at least one "
                    "(add_pull_through_cache)", problem="is allowed, and the registry has no "
                    "pull-through cache", where=self.label,
                )
            statement = organization_pull_through_cache_statement(
                organization, region=location.region, account_id=account,
                ecr_repository_prefixes=prefixes,
                sid="AllowOrganizationPullThroughCache" + (str(number) if number > 1 else ""),
            )
            statements[statement.sid] = statement
        return tuple(statements[sid] for sid in sorted(statements))

    def registry_policy_json(self) -> str:
        """The registry policy text, checked against ``REGISTRY_POLICY_SCOPE`` when it is set."""
        scope = self._account_settings.get(AccountSettingName.REGISTRY_POLICY_SCOPE.value)
        try:
            return registry_policy_json(
                self.registry_policy_statements(),
                RegistryPolicyScope(scope) if scope is not None else None,
            )
        except ValidationError as error:
            raise error.located(self.label) from None

    @property
    def registry_policy(self) -> Optional[Any]:
        """The ``EcrRegistryPolicy`` resource, once one is needed."""
        return self._registry_policy

    # -- account settings

    def _add_account_setting(self, name: AccountSettingName, value: str) -> None:
        if self.configured_elsewhere:
            return

        arguments = account_setting(name, value)
        resource = aws.EcrAccountSetting(
            self, f"account_setting_{name.value.lower()}", **arguments, provider=self._provider
        )
        pin_address(
            self._state.stack, resource, "aws_ecr_account_setting",
            account_setting_address_id(name.value, self._alias), in_release_0_1_0=False,
        )
        self._account_settings[name.value] = arguments["value"]

    @property
    def account_settings(self) -> Dict[str, str]:
        """The account settings this owner writes: ``{name: value}``."""
        return dict(self._account_settings)

    # -- pull-through caches and creation templates

    @expand_keyword_arguments(PullThroughCacheInputs)
    def add_pull_through_cache(
        self, prefix: str, upstream: Any, **inputs: Unpack[PullThroughCacheProps]
    ) -> PullThroughCache:
        """Cache an upstream registry's images under ``<prefix>/`` in this registry.

        Pulling ``<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<image>:<tag>``
        makes ECR create the repository ``<prefix>/<image>`` and fetch the image.
        Those repositories get the guardrails of the ``PULL_THROUGH_CACHE``
        creation template with the same prefix (yours, or one this owner adds)
        and scan on push through a namespace rule ``<prefix>/*``.
        """
        return PullThroughCache(self, prefix, upstream, **inputs)

    @expand_keyword_arguments(RepositoryCreationTemplateInputs)
    def add_creation_template(
        self,
        prefix: str,
        applied_for: Sequence[Union[str, AppliedFor]],
        **inputs: Unpack[RepositoryCreationTemplateProps],
    ) -> RepositoryCreationTemplate:
        """The settings of the repositories that ECR creates under ``prefix`` for
        pull-through cache and/or replication: the guardrails of a ``Repository``.

        A template declared for a cache's prefix replaces the one the cache added.
        """
        return RepositoryCreationTemplate(self, prefix, applied_for, **inputs)

    @property
    def pull_through_caches(self) -> Tuple[PullThroughCache, ...]:
        return tuple(self._caches.values())

    @property
    def creation_templates(self) -> Tuple[RepositoryCreationTemplate, ...]:
        """Every creation template this owner writes (declared, or added for a cache or
        for replicas), by prefix."""
        return tuple(self._templates.values())

    def claim_cache_prefix(self, cache: PullThroughCache) -> None:
        """Record a pull-through cache, refusing a second one for its prefix."""
        from .pull_through_cache import MAX_RULES_PER_REGISTRY

        self._refuse_elsewhere("prefix", cache.prefix)
        key = normalized_prefix(cache.prefix)
        if key in self._caches:
            raise ValidationError(
                "prefix", cache.prefix, "a prefix with no pull-through cache rule in this registry",
                problem="has one already",
            )
        if len(self._caches) >= MAX_RULES_PER_REGISTRY:
            raise ValidationError(
                "prefix", cache.prefix, f"at most {MAX_RULES_PER_REGISTRY} pull-through cache "
                "rules per registry (AWS limit, not adjustable)",
                problem=f"would be rule {MAX_RULES_PER_REGISTRY + 1}",
            )

    def add_cache(self, cache: PullThroughCache) -> None:
        self._caches[normalized_prefix(cache.prefix)] = cache
        self.explicit = True

    def template_for(self, prefix: str) -> Optional[RepositoryCreationTemplate]:
        """The creation template of ``prefix`` (``prod`` and ``prod/`` are one prefix)."""
        return self._templates.get(normalized_prefix(prefix))

    def claim_template_prefix(self, prefix: str, applied_for: Sequence[str]) -> None:
        """Refuse a second template for a prefix, unless it replaces one this owner added
        for a cache of that prefix and serves the cache too."""
        self._refuse_elsewhere("prefix", prefix)
        current = self.template_for(prefix)
        if current is None:
            return
        if not current.added_by_owner:
            raise ValidationError(
                "prefix", prefix, "a prefix with no creation template in this registry",
                problem="has one already",
            )
        if AppliedFor.PULL_THROUGH_CACHE.value not in applied_for:
            raise ValidationError(
                "applied_for", list(applied_for), "a list holding 'PULL_THROUGH_CACHE': the "
                f"template replaces the one of the pull-through cache {prefix!r}",
                problem="leaves that cache's repositories without guardrails",
            )

    def make_room_for_template(self, prefix: str) -> None:
        """Remove the template this owner added for ``prefix``, which a declared one
        replaces (see :meth:`claim_template_prefix`)."""
        current = self._templates.pop(normalized_prefix(prefix), None)
        if current is not None:
            self.node.try_remove_child(current.node.id)

    def add_template(self, template: RepositoryCreationTemplate) -> None:
        """Record a template; the caches of its prefix use it."""
        key = normalized_prefix(template.prefix)
        self._templates[key] = template
        for cache in self._caches.values():
            if normalized_prefix(cache.prefix) == key:
                cache.template = template
        self.explicit = True

    def creation_template_role_arn(self) -> str:
        """The role ECR assumes to apply this owner's templates with a KMS key or tags,
        created once per owner, allowed to use the keys of those templates.

        Trust policy and permissions as AWS documents them:
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create-iam.html
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-custom.html
        """
        if self._template_role is None:

            self._template_role = aws.IamRole(
                self,
                "creation_template_role",
                name_prefix="ecr-creation-template-",
                description="Assumed by ECR to create repositories from the registry's "
                "creation templates (KMS key, tags)",
                assume_role_policy=_compact_json({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"Service": "ecr.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }],
                }),
                provider=self._provider,
            )
            # Pinned before any reference to it is read: a reference fixes the address.
            address = with_alias(CREATION_TEMPLATE_ROLE_ID, self._alias)
            pin_address(self._state.stack, self._template_role, "aws_iam_role", address,
                        in_release_0_1_0=False)
            policy = aws.IamRolePolicy(
                self,
                "creation_template_role_policy",
                role=self._template_role.id,
                name="ecr-creation-template",
                policy=lazy_string(self._template_role_policy),
                provider=self._provider,
            )
            pin_address(self._state.stack, policy, "aws_iam_role_policy", address,
                        in_release_0_1_0=False)
        arn: str = self._template_role.arn
        return arn

    def _template_role_policy(self) -> str:
        statements: List[Dict[str, Any]] = [{
            "Effect": "Allow",
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
            "Resource": "*",
        }]
        keys = list(dict.fromkeys(
            t.kms_key_arn for t in self._templates.values()
            if t.uses_owner_role and t.kms_key_arn is not None
        ))
        if keys:
            statements.append({
                "Effect": "Allow",
                "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"],
                # Only the keys of this owner's templates, where AWS's example allows any.
                "Resource": keys,
            })
        return _compact_json({"Version": "2012-10-17", "Statement": statements})

    def _needs_replica_template(self) -> bool:
        """A registry of the app receives replicas, and no template of its own applies
        to them: the owner adds a ``ROOT`` ``REPLICATION`` template."""
        if self._added_replica_template is not None:
            return True
        if not self.replica_template or any(
            AppliedFor.REPLICATION.value in t.applied_for for t in self._templates.values()
        ):
            return False
        return self.template_for(ROOT) is None and bool(self._destinations_here(exact=False))

    def _add_replica_template(self) -> None:
        if self._added_replica_template is None and self._needs_replica_template():
            self._added_replica_template = RepositoryCreationTemplate(
                self, ROOT, [AppliedFor.REPLICATION],
                description="Guardrails of the repositories that replication creates here "
                "(cdktf_aws_ecr)",
                image_tag_mutability=ImageTagMutability.IMMUTABLE,
            )
            self._added_replica_template.added_by_owner = True

    # ------------------------------------------------------------------ synth-time checks

    def _check(self) -> None:
        where = self.label
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
        if location.region is not None:
            try:
                check_kms_key_region("kms_key_arn", self.kms_key_arn, location.region)
            except ValidationError as error:
                raise error.located(where) from None
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
                    "a plain string, because the registry owner of this repository is "
                    f"in stack '{self._state.path}' and a token would become a cross-stack reference",
                    problem="is an unresolved token",
                    where=request.where,
                )
        self._add_replica_template()
        if self._writes_registry_policy():
            self._ensure_registry_policy()
        for other in owners_of(self._state).all:
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
        if self._writes_replication():
            self._check_replication()
        if self._registry_policy is not None:
            self.registry_policy_json()

    def _check_replication(self) -> None:
        """Each repository's destinations on their own (so a refusal names the
        repository), then the merged configuration, and whom it reaches."""
        account, region = self._registry_account(), self.location.region
        for request in self._requests:
            if request.replicate_to:
                try:
                    plan_replication(
                        source_account_id=account, source_region=region,
                        requests={request.name: request.replicate_to},
                    )
                except ValidationError as error:
                    raise error.located(request.where) from None
        try:
            plan = self.replication_plan()
        except ValidationError as error:
            raise error.located(self.label) from None
        for destination in plan.destinations:
            receivers = [o for o in owners_of(self._state).all
                         if o is not self and (self, destination) in o._destinations_here(exact=True)]
            if receivers and not is_literal(self.location.account_id):
                raise ValidationError(
                    "account_id", None, "this registry's account, known at synth: pin it with "
                    "AwsProvider(allowed_account_ids=[...]) or pass account_id=",
                    problem=f"is unknown, and {receivers[0].label} must grant it replication "
                    f"into registry {destination} in its registry policy", where=self.label,
                )
        if plan.over_coverage:
            shown = "; ".join(map(str, plan.over_coverage[:5]))
            more = "; ..." if len(plan.over_coverage) > 5 else ""
            warnings.warn(
                f"{self.label}: to fit AWS's replication limits, prefix filters also replicate "
                f"{len(plan.over_coverage)} repositories of the app to destinations they did not "
                f"ask for: {shown}{more}. See Registry.replication_over_covered; declare prefix "
                "rules with replicate().",
                ReplicationCoverageWarning,
                stacklevel=2,
            )

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
                f"a repository covered by a namespace rule of {self.label}, which is in AWS "
                f"before stack '{request.stack_path}' is deployed, e.g. "
                f".add_rule({namespace!r}, ScanFrequency.SCAN_ON_PUSH)",
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
        # Filters of a compacted rule; an exact filter with one '*' (``ap*i``) matches its
        # own repository's name whole and is not reported.
        chosen = {
            f for frequency, f in plan.wildcard_filters if frequency in plan.compacted
        } - {f for f, _ in self._namespace_rules}
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
            + ". See Registry.over_covered; declare namespace rules with add_rule(), or "
            "pass allow_over_coverage=False to refuse this.",
            ScanningCoverageWarning,
            stacklevel=2,
        )

    def _check_names_against(self, other: "Registry") -> None:
        seen: Dict[str, ScanningRequest] = {} if other is self else dict(other._names)
        for request in self._requests:
            first = seen.setdefault(request.name, request)
            if first is not request and not is_token(request.name):
                raise duplicate_name_error(request, first)

    def _settings_written(self) -> Dict[str, Tuple[str, Any]]:
        """The registry-wide settings this owner writes besides scanning:
        ``{what: (parameter, value)}``, for the one-owner check."""
        if self.configured_elsewhere:
            return {}
        written: Dict[str, Tuple[str, Any]] = {}
        if self._writes_replication():
            written["replication configuration"] = (
                "replicate_to" if not self._replication_rules else "prefixes",
                [r.name for r in self._requests if r.replicate_to]
                or [list(r.prefixes) for r in self._replication_rules],
            )
        if self._writes_registry_policy():
            written["registry policy"] = ("registry_policy", self._replication_sources
                                          or self._organizations or "replication sources")
        for name, value in self._account_settings.items():
            written[f"account setting {name}"] = (name.lower(), value)
        for cache in self._caches.values():
            written[f"pull-through cache rule {cache.prefix!r}"] = ("prefix", cache.prefix)
        for template in self._templates.values():
            written[f"creation template {template.prefix!r}"] = ("prefix", template.prefix)
        if self._added_replica_template is None and self._needs_replica_template():
            written[f"creation template {ROOT!r}"] = ("prefix", ROOT)
        return written

    def _check_against(self, other: "Registry") -> None:
        """Refuse two owners of what may be one registry that would both write a setting."""
        self._check_names_against(other)
        if self.configured_elsewhere and other.configured_elsewhere:
            return
        if self.configured_elsewhere or other.configured_elsewhere:
            elsewhere, owner = (self, other) if self.configured_elsewhere else (other, self)
            if owner._writes_configuration() or owner._settings_written():
                raise ValidationError(
                    "configured_elsewhere",
                    True,
                    f"a registry that no owner of this app configures; to let "
                    f"{owner.label} configure it, include the stack instead: "
                    f"Registry.of(<stack '{owner._state.path}'>).include(<stack "
                    f"'{elsewhere._state.path}'>)",
                    problem=(
                        f"declares the registry of {elsewhere._describe()} managed by another "
                        f"app or state, but {owner._describe()} of this app writes the settings "
                        "of what may be the same registry, so its repositories would be "
                        "covered by neither"
                    ),
                    where=elsewhere.label,
                )
            return
        both = [what for what in self._settings_written() if what in other._settings_written()]
        if both:
            parameter, value = self._settings_written()[both[0]]
            raise ValidationError(
                parameter, value, _ONE_OWNER,
                problem=(
                    f"makes {self._describe()} and {other._describe()} both own the ECR "
                    f"registry settings of what may be one registry: both would write its {both[0]}"
                ),
                where=self.label,
            )
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
                f"makes {self._describe()} and {other._describe()} both own the ECR "
                f"registry settings of what may be one registry: {reason}"
            ),
            where=trigger.where if trigger else self.label,
        )


#: README's tables of the owner's inputs and of :meth:`Registry.replicate`'s.
REGISTRY_INPUTS = input_specs(RegistryProps)
REPLICATE_INPUTS = input_specs(_ReplicateInputs)


class RegistryScanning(Registry):
    """The former name of :class:`Registry`, with its former behaviour: it writes no
    account setting unless asked (``basic_scan_type_version`` defaults to None)."""

    @expand_keyword_arguments(RegistryProps)
    def __init__(
        self, scope: Construct, id: str = Registry.DEFAULT_ID, **inputs: Unpack[RegistryProps]
    ) -> None:
        inputs.setdefault("basic_scan_type_version", None)
        super().__init__(scope, id, **inputs)


_signature = inspect.signature(RegistryScanning.__init__)
setattr(RegistryScanning.__init__, "__signature__", _signature.replace(parameters=[
    p.replace(default=None) if p.name == "basic_scan_type_version" else p
    for p in _signature.parameters.values()
]))
with_init_signature(RegistryScanning)


def _detach(owner: Registry) -> None:
    """Take an owner out of the construct tree (with the resources it made), once."""
    parent = owner.node.scope
    if parent is not None and parent.node.try_find_child(owner.node.id) is owner:
        parent.node.try_remove_child(owner.node.id)


#: The registry-wide resources a stack may have written while it owned its registry
#: implicitly (its repositories' scanning and replication), and the policy that goes with them.
_OWNED_IMPLICITLY = (
    ("aws_ecr_registry_scanning_configuration", REGISTRY_SCANNING_ID),
    ("aws_ecr_replication_configuration", REGISTRY_REPLICATION_ID),
    ("aws_ecr_registry_policy", REGISTRY_POLICY_ID),
)


def _forget_registry_settings(state: StackState, alias: Optional[str]) -> None:
    """A stack that stops configuring its registry (included in another stack's owner, or
    managed elsewhere) lets go of what it may have written: deleting a registry's scanning
    configuration sets it to BASIC for every repository, under the owner now writing it.
    So the stack's state forgets those resources (Terraform ``removed``) instead."""
    for resource_type, logical_id in _OWNED_IMPLICITLY:
        forget(state.stack, f"{resource_type}.{with_alias(logical_id, alias)}")


def _compact_json(document: Any) -> str:
    import json

    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def check_same_stack(parameter: str, provider: Optional["AwsProvider"], state: StackState) -> None:
    """Terraform resources can only use a provider configured in their own stack."""
    if provider is not None and TerraformStack.of(provider) is not state.stack:
        raise ValidationError(
            parameter,
            provider.node.path,
            f"an AwsProvider of stack '{state.path}'",
            problem=f"belongs to stack '{TerraformStack.of(provider).node.path}'",
        )
