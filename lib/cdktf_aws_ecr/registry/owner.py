"""The registry owner, :class:`Registry`: the one writer of a registry's settings (scanning,
replication, registry policy, account settings), which two writers would overwrite on every
apply. Repositories report what they need to it; checks that need the whole app run at synth."""

from __future__ import annotations

import inspect
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union, Unpack

from .._framework import AwsProvider, Construct, TerraformStack, aws
from .._state import StackState, add_synth_check, path_of, state_of
from ..addresses import REGISTRY_ACCOUNT_ID, pin_address, with_alias
from ..checks import check_kms_key_region
from ..enums import AccountSettingName, ScanFrequency
from ..errors import ValidationError, located
from ..inputs import checked_inputs, expand_keyword_arguments, with_init_signature
from ..providers import alias_of, check_provider, require_provider_versions
from ..tokens import is_token
from .account_settings import AccountSettings
from .adoption import RegistryAdoption
from .creation_template import (
    AppliedFor,
    RepositoryCreationTemplate,
    RepositoryCreationTemplateInputs,
    RepositoryCreationTemplateProps,
    Templates,
)
from .destinations import ReplicationDestination
from .membership import (
    Member,
    RegistryLocation,
    RepositoryRequest,
    check_same_stack,
    detach,
    duplicate_name_error,
    forget_registry_settings,
    owners_of,
    registry_key,
)
from .pull_through_cache import (
    Caches,
    PullThroughCache,
    PullThroughCacheInputs,
    PullThroughCacheProps,
)
from .pull_time_exclusions import add_pull_time_exclusions
from .registry_policy import RegistryPolicy
from .registry_props import RegistryProps
from .replication import Replication
from .replication_planner import (
    OverCoverage as ReplicationOverCoverage,
    ReplicationPlan,
    ReplicationRule,
)
from .scan_filters import OverCoverage, ScanNeed, ScanningPlan
from .scanning import Scanning

_ONE_OWNER = (
    "one registry owner per account and region: call "
    "Registry.of(<owner stack>).include(<other stack>), or pin distinct "
    "accounts/regions with AwsProvider(allowed_account_ids=[...], region=...)"
)


def owner_for(state: StackState, provider: Optional[AwsProvider]) -> Optional["Registry"]:
    """The owner that ``state``'s repositories using ``provider`` report to, if any yet."""
    return owners_of(state).by_key.get(registry_key(state, provider))


def _owners(state: StackState) -> List["Registry"]:
    return owners_of(state).all


@with_init_signature
class Registry(Construct):
    """The single owner of one registry's settings (one AWS account in one region).

    Each stack's first :class:`~cdktf_aws_ecr.Repository` (per provider) creates one
    implicitly. Create it yourself to state the account and region, to let stacks that
    share a registry report to one owner (:meth:`include`), or to declare registry-wide
    settings (the methods below, and account settings as keyword arguments); it then
    takes the implicit owner's place. The arguments are checked against the provider at
    synth, when every provider of the stack exists."""

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
        with located(f"{kind} '{path_of(scope, state)}/{id}'"):
            settings = checked_inputs(RegistryProps, inputs, kind)
            provider: Optional[AwsProvider] = settings["provider"]
            check_same_stack("provider", provider, state)
            if settings["configured_elsewhere"] and settings["undeclared_repositories"]:
                raise ValidationError(
                    "undeclared_repositories", settings["undeclared_repositories"],
                    "None on an owner managed elsewhere: the app or state that configures the "
                    "registry decides", problem="is declared on an owner managed elsewhere",
                )
            key = registry_key(state, provider)
            current = owner_for(state, provider)
            if current is not None and current.explicit:
                raise ValidationError(
                    "scope",
                    state.path,
                    "a stack (and provider) with no explicit registry owner yet",
                    problem=f"already reports to {current.label}",
                )
        if current is not None:
            # The implicit owner may hold the id asked for (the default one): it leaves first.
            detach(current)
        super().__init__(scope, id)
        self.explicit = True
        self._state = state
        self._provider = provider
        self._alias = alias_of(provider)
        self._account_id: Optional[str] = settings["account_id"]
        self._region: Optional[str] = settings["region"]
        self.configured_elsewhere: bool = settings["configured_elsewhere"]
        #: The key of the repositories ECR creates from this owner's templates, if any.
        self.kms_key_arn: Optional[str] = settings["kms_key_arn"]
        self._members: List[Member] = [Member(state, provider)]
        self._requests: List[RepositoryRequest] = []
        self._names: Dict[str, RepositoryRequest] = {}
        self._caller: Optional[Any] = None
        self._scanning = Scanning(
            self, settings["allow_over_coverage"], settings["undeclared_repositories"]
        )
        self._replication = Replication(self)
        self._account_settings = AccountSettings(self)
        self._templates = Templates(self, settings["replica_template"])
        self._caches = Caches(self, self._templates)
        self._adoption: Optional[RegistryAdoption] = None
        self._registry_policy = RegistryPolicy(
            self, self._account_settings, self._incoming_source_accounts, self._caches.prefixes
        )
        owners_of(state).all.append(self)
        owners_of(state).by_key[key] = self
        add_synth_check(state, self._check)
        require_provider_versions(state.stack)
        if current is not None:
            self._absorb(current)
        for name, value in (
            (AccountSettingName.BASIC_SCAN_TYPE_VERSION, settings["basic_scan_type_version"]),
            (AccountSettingName.REGISTRY_POLICY_SCOPE, settings["registry_policy_scope"]),
            (AccountSettingName.BLOB_MOUNTING, settings["blob_mounting"]),
        ):
            if value is not None:
                self._account_settings.add(name, value)
        add_pull_time_exclusions(self, settings["pull_time_update_exclusions"])

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

    @property
    def requests(self) -> Sequence[RepositoryRequest]:
        return self._requests

    @property
    def location(self) -> RegistryLocation:
        """The registry's account and region, as far as known (read from the tree)."""
        facts = self._members[0].facts()
        return RegistryLocation(self._account_id or facts.account_id, self._region or facts.region)

    def registry_account(self) -> str:
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
        return self._caller.account_id

    def refuse_elsewhere(self, parameter: str, value: Any) -> None:
        """Refuse a registry-wide setting on an owner managed elsewhere."""
        if self.configured_elsewhere:
            raise ValidationError(
                parameter, value, "settings on the owner in the app or state that configures "
                "this registry", problem="is declared on an owner managed elsewhere",
            )

    @classmethod
    def of(cls, scope: Construct, provider: Optional[AwsProvider] = None) -> "Registry":
        """The owner that ``scope``'s stack (with ``provider``) reports to, created if none."""
        state = state_of(scope)
        owner = owner_for(state, provider)
        return owner if owner is not None else Registry._implicit(state, provider)

    @classmethod
    def managed_elsewhere(
        cls, scope: Construct, provider: Optional[AwsProvider] = None
    ) -> "Registry":
        """Declare that the registry of ``scope``'s stack (with ``provider``) is configured
        by another app or state, such as a platform team's registry stack.

        This app then writes no registry-wide setting for it, whatever its repositories
        ask for; the returned owner's :meth:`plan` and :meth:`replication_plan` show what
        the other owner must cover (its namespace and prefix rules do so at once)."""
        state = state_of(scope)
        alias = alias_of(provider)
        owner_id = Registry.DEFAULT_ID + (f"-{alias}" if alias else "") + "-elsewhere"
        owner = cls(state.stack, owner_id, provider=provider, configured_elsewhere=True)
        forget_registry_settings(state, alias)
        return owner

    @staticmethod
    def _implicit(state: StackState, provider: Optional[AwsProvider]) -> "Registry":
        alias = alias_of(provider)
        owner_id = Registry.DEFAULT_ID + (f"-{alias}" if alias else "")
        # An owner made for a stack's repositories writes no account setting: other stacks
        # may share its registry, and it gives way to the owner they are told to share.
        owner = Registry(
            state.stack, owner_id, provider=provider if alias else None,
            basic_scan_type_version=None,
        )
        owner.explicit = False
        return owner

    def include(self, stack: TerraformStack, *, provider: Optional[AwsProvider] = None) -> None:
        """Let ``stack``'s repositories (those using ``provider``) report to this owner, for
        a stack that deploys to the same registry (checked at synth); ``stack`` then writes
        no registry setting of its own. Call it before or after adding its repositories."""
        with located(self.label):
            state = state_of(stack)
            check_provider("provider", provider)
            check_same_stack("provider", provider, state)
            key = registry_key(state, provider)
            current = owner_for(state, provider)
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
        owners_of(state).by_key[key] = self
        self._members.append(Member(state, provider))
        forget_registry_settings(state, alias_of(provider))
        if current is not None:
            self._absorb(current)

    def _absorb(self, other: "Registry") -> None:
        """Take over what an implicit owner was told (stacks, repositories, namespace
        rules), and remove it with its resources."""
        owners = owners_of(self._state)
        owners.all.remove(other)
        for key, owner in list(owners.by_key.items()):
            if owner is other:
                owners.by_key[key] = self
        self._state.book.checks[other._state.path].remove(other._check)
        detach(other)
        for member in other._members:
            if not any(m.state is member.state and m.provider is member.provider
                       for m in self._members):
                self._members.append(member)
        for rule in other._scanning.namespace_rules:
            self._scanning.add_rule(rule)
        for request in other._requests:
            self._add_repository(request)
        self._changed()

    def adopt(
        self,
        *,
        replication: bool,
        registry_policy: bool,
        pull_through_caches: Sequence[str] = (),
        creation_templates: Sequence[str] = (),
    ) -> "Registry":
        """The registry's settings exist in AWS already: the first plan imports those this
        owner writes, then updates them in place; returns this owner.

        The scanning configuration and account settings exist in every registry, so they
        are always imported. Say whether the replication configuration (it exists once it
        has a rule) and the registry policy exist, and which pull-through cache rules and
        creation templates do, by prefix. A wrong statement fails as
        :class:`~cdktf_aws_ecr.Adopt` describes; one about a setting this owner does not
        write warns (:class:`~cdktf_aws_ecr.AdoptionWarning`).
        """
        with located(self.label):
            if self._adoption is not None:
                raise ValidationError("adopt", "a second call", "one call per owner",
                                      problem="repeats what the first said")
            self._adoption = RegistryAdoption(
                self, replication, registry_policy, pull_through_caches, creation_templates
            )
        self.explicit = True
        return self

    # ------------------------------------------------------------------ repositories

    def _request_named(self, name: str) -> Optional[RepositoryRequest]:
        return self._names.get(name)

    def _check_new(self, request: RepositoryRequest) -> None:
        first = self._names.get(request.name)
        if first is not None:
            raise duplicate_name_error(request, first)

    def _add_repository(self, request: RepositoryRequest) -> None:
        self._requests.append(request)
        self._names.setdefault(request.name, request)
        self._changed()

    def _changed(self) -> None:
        self._scanning.changed()
        self._replication.changed()

    @property
    def enhanced(self) -> bool:
        """Whether the registry is ENHANCED: a repository asked for enhanced scanning,
        or a namespace rule is declared."""
        return self._scanning.enhanced

    @property
    def allow_over_coverage(self) -> bool:
        return self._scanning.allow_over_coverage

    def add_rule(self, filter: str, frequency: Union[str, ScanFrequency]) -> "Registry":
        """Declare a registry-level scanning rule, such as ``("payments/*", CONTINUOUS_SCAN)``;
        returns this owner.

        Kept verbatim, it covers every repository whose name it matches, future ones of
        any app included (AWS's ``WILDCARD`` syntax: without ``*`` a filter matches names
        containing it), and makes the registry ENHANCED."""
        with located(self.label):
            rule = self._scanning.new_rule(filter, frequency)
        self._scanning.add_rule(rule)
        return self

    @property
    def namespace_rules(self) -> Tuple[Tuple[str, ScanFrequency], ...]:
        """The rules declared with :meth:`add_rule`, in order."""
        return tuple(self._scanning.namespace_rules)

    def plan(self) -> ScanningPlan:
        """The scanning rules of this registry and what they cover, computed from every
        repository reporting here (repositories named by tokens aside)."""
        return self._scanning.plan()

    @property
    def over_covered(self) -> Tuple[OverCoverage, ...]:
        """Repositories of the app scanned more than they asked for, and by which filter."""
        return self._scanning.over_covered()

    @property
    def wildcard_filters(self) -> Tuple[Tuple[ScanFrequency, str], ...]:
        """Filters with ``*``: each also covers repositories the app does not manage."""
        return self.plan().wildcard_filters

    def rules(self) -> List[Dict[str, Any]]:
        """The scanning configuration's rules, in Terraform JSON form."""
        return self._scanning.rules()

    @property
    def configuration(self) -> Optional[Any]:
        """The ``EcrRegistryScanningConfiguration`` resource, once one is needed."""
        return self._scanning.configuration

    def replicate(
        self, prefixes: Sequence[str], destinations: Sequence[ReplicationDestination]
    ) -> "Registry":
        """Replicate every repository whose name starts with one of ``prefixes`` (every
        repository, for an empty list) to ``destinations``; returns this owner.

        Registry-level rules come first in the configuration, as written, and cover the
        repositories' ``replicate_to`` they match. Replication copies images pushed after
        the configuration exists; AWS allows 10 rules and 25 unique destinations per registry."""
        with located(self.label):
            self._replication.add_rule(prefixes, destinations)
        self.explicit = True
        self._changed()
        return self

    @property
    def replication_rules(self) -> Tuple[ReplicationRule, ...]:
        """The rules declared with :meth:`replicate`, in order."""
        return tuple(self._replication.rules)

    def replication_plan(self) -> ReplicationPlan:
        """The registry's single replication configuration: the rules of :meth:`replicate`
        and every repository's ``replicate_to``, merged within AWS's limits."""
        return self._replication.plan()

    @property
    def replication_over_covered(self) -> Tuple[ReplicationOverCoverage, ...]:
        """Repositories of the app that the merged replication rules copy to destinations
        they did not ask for, and by which filter."""
        return self.replication_plan().over_coverage

    @property
    def replication(self) -> Optional[Any]:
        """The ``EcrReplicationConfiguration`` resource, once one is needed."""
        return self._replication.configuration

    def _replicating_here(self, exact: bool) -> List[Tuple["Registry", Any]]:
        """The app's other owners that replicate into this registry, with the destination."""
        owners = {id(o._replication): o for o in _owners(self._state)}
        return [
            (owners[id(source)], destination)
            for source, destination in self._replication.destinations_here(
                [o._replication for o in _owners(self._state)], exact
            )
        ]

    def _incoming_source_accounts(self) -> List[str]:
        """The accounts of the app's registries that replicate into this one from another
        account (a source whose account is unknown is refused by its own check)."""
        account = self.location.account_id
        return list(dict.fromkeys(
            source.location.account_id
            for source, _ in self._replicating_here(exact=True)
            if source.location.account_id is not None and source.location.account_id != account
        ))

    def _receives_replicas(self) -> bool:
        return bool(self._replicating_here(exact=False))

    def allow_replication_from(self, account_id: str) -> "Registry":
        """Let registries of ``account_id`` replicate into this one (registry policy:
        ``ecr:CreateRepository`` and ``ecr:ReplicateImage``); returns this owner. Sources of
        this app are granted without it.
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html
        """
        with located(self.label):
            self._registry_policy.allow_replication_from(account_id)
        self.explicit = True
        return self

    def allow_pull_through_cache_for_organization(self, organization_id: str) -> "Registry":
        """Let every principal of the AWS Organization ``organization_id`` fill this registry's
        pull-through caches (registry policy: ``ecr:BatchImportUpstreamImage`` and
        ``ecr:CreateRepository`` on their namespaces); returns this owner.
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html"""
        with located(self.label):
            self._registry_policy.allow_pull_through_cache_for_organization(organization_id)
        self.explicit = True
        return self

    def registry_policy_statements(self) -> Tuple[Any, ...]:
        """The statements of this registry's policy, sorted by Sid."""
        return self._registry_policy.statements()

    def registry_policy_json(self) -> str:
        """The registry policy text, checked against ``REGISTRY_POLICY_SCOPE`` when it is set."""
        return self._registry_policy.json()

    @property
    def registry_policy(self) -> Optional[Any]:
        """The ``EcrRegistryPolicy`` resource, once one is needed."""
        return self._registry_policy.resource

    @property
    def account_settings(self) -> Dict[str, str]:
        """The account settings this owner writes: ``{name: value}``."""
        return dict(self._account_settings.values)

    @expand_keyword_arguments(PullThroughCacheInputs)
    def add_pull_through_cache(
        self, prefix: str, upstream: Any, **inputs: Unpack[PullThroughCacheProps]
    ) -> PullThroughCache:
        """Cache an upstream registry's images under ``<prefix>/`` in this registry: pulling
        ``<registry>/<prefix>/<image>:<tag>`` makes ECR create ``<prefix>/<image>``, with the
        guardrails of the prefix's ``PULL_THROUGH_CACHE`` creation template and scanned
        through a namespace rule ``<prefix>/*``."""
        return PullThroughCache(self, prefix, upstream, **inputs)

    @expand_keyword_arguments(RepositoryCreationTemplateInputs)
    def add_creation_template(
        self,
        prefix: str,
        applied_for: Sequence[Union[str, AppliedFor]],
        **inputs: Unpack[RepositoryCreationTemplateProps],
    ) -> RepositoryCreationTemplate:
        """The guardrails of the repositories that ECR creates under ``prefix`` for
        pull-through cache and/or replication; it replaces the template a cache added."""
        return RepositoryCreationTemplate(self, prefix, applied_for, **inputs)

    @property
    def pull_through_caches(self) -> Tuple[PullThroughCache, ...]:
        return tuple(self._caches.by_prefix.values())

    @property
    def creation_templates(self) -> Tuple[RepositoryCreationTemplate, ...]:
        """Every creation template this owner writes (declared, or added), by prefix."""
        return tuple(self._templates.by_prefix.values())

    def template_for(self, prefix: str) -> Optional[RepositoryCreationTemplate]:
        """The creation template of ``prefix`` (``prod`` and ``prod/`` are one prefix)."""
        return self._templates.template_for(prefix)

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
            with located(where):
                check_kms_key_region("kms_key_arn", self.kms_key_arn, location.region)
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
        self._templates.add_replica_template(self, self._receives_replicas)
        if self._registry_policy.writes():
            self._registry_policy.ensure()
        for other in _owners(self._state):
            if other is not self and other.location.may_coincide_with(location):
                self._check_against(other)
        self._check_names_against(self)
        self._scanning.check()
        if self._replication.writes():
            self._replication.check(
                lambda destination: [
                    o for o in _owners(self._state)
                    if o is not self and (self, destination) in o._replicating_here(exact=True)
                ]
            )
        if self._registry_policy.resource is not None:
            self._registry_policy.json()

    def _check_names_against(self, other: "Registry") -> None:
        seen: Dict[str, RepositoryRequest] = {} if other is self else dict(other._names)
        for request in self._requests:
            first = seen.setdefault(request.name, request)
            if first is not request and not is_token(request.name):
                raise duplicate_name_error(request, first)

    def _settings_written(self) -> Dict[str, Tuple[str, Any]]:
        """``{what: (parameter, value)}`` of the settings it writes besides scanning."""
        if self.configured_elsewhere:
            return {}
        return {
            **self._replication.written(),
            **self._registry_policy.written(),
            **{
                f"account setting {name}": (name.lower(), value)
                for name, value in self._account_settings.values.items()
            },
            **self._caches.written(),
            **self._templates.written(self._receives_replicas),
        }

    def _check_against(self, other: "Registry") -> None:
        """Refuse two owners of what may be one registry that would both write a setting."""
        self._check_names_against(other)
        if self.configured_elsewhere and other.configured_elsewhere:
            return
        if self.configured_elsewhere or other.configured_elsewhere:
            elsewhere, owner = (self, other) if self.configured_elsewhere else (other, self)
            if owner._scanning.writes_configuration() or owner._settings_written():
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
        if claims and (other.enhanced or other._scanning.relies_on_basic_scanning()):
            reason = (
                "both would write its scanning configuration"
                if other.enhanced
                else "enhanced scanning here would switch off the basic scan-on-push "
                f"that repositories of '{other._state.path}' rely on"
            )
        elif self._scanning.relies_on_basic_scanning() and other.enhanced:
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
            True if trigger else list(self._scanning.namespace_rules),
            _ONE_OWNER,
            problem=(
                f"makes {self._describe()} and {other._describe()} both own the ECR "
                f"registry settings of what may be one registry: {reason}"
            ),
            where=trigger.where if trigger else self.label,
        )


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
