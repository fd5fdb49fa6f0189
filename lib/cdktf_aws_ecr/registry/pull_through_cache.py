"""Pull-through caches: an upstream registry's images cached under a prefix of this registry
(pulling ``<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<image>:<tag>`` makes ECR create
``<prefix>/<image>``), with the creation template and scanning rule that give them guardrails.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import (
    Annotated,
    Any,
    Dict,
    List,
    Optional,
    Protocol,
    Required,
    Tuple,
    TypedDict,
    Union,
    Unpack,
)

from .._framework import Construct, aws
from .._state import add_synth_check
from ..addresses import pin_address, prefix_address_id
from ..checks import (
    check_account_id,
    check_choice,
    check_region,
    check_role_arn,
    check_text,
    type_name,
)
from ..enums import ImageTagMutability, ScanFrequency
from ..errors import ValidationError, located
from ..facts import (
    CACHE_PREFIX_LENGTH,
    CACHE_PREFIX_PATTERN,
    MAX_CACHE_RULES,
    ROOT,
    SECRET_ARN_LENGTH,
    SECRET_NAME_PREFIX,
    partition_of,
)
from ..inputs import Input, checked_inputs, expand_keyword_arguments, with_init_signature
from ..tokens import is_literal, is_token
from .creation_template import AppliedFor, RepositoryCreationTemplate, TemplateOwner, Templates
from .membership import OwnerCore
from .prefixes import normalized_prefix
from .scanning import Scanning
from .upstreams import UPSTREAM_ALLOWED, Authentication, Upstream, UpstreamRegistry, check_upstream

_PREFIX = re.compile(CACHE_PREFIX_PATTERN, re.ASCII)
_SECRET_ARN = re.compile(
    r"arn:(aws(?:-[a-z]+)*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)", re.ASCII
)
_SECRET_NAME = re.compile(re.escape(SECRET_NAME_PREFIX) + r"[a-zA-Z0-9/_+=.@-]+", re.ASCII)
PREFIX_ALLOWED = (
    f"'{ROOT}', or {CACHE_PREFIX_LENGTH[0]}-{CACHE_PREFIX_LENGTH[1]} characters matching "
    f"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?$ "
    "(lowercase path segments, ECR adds a trailing '/')"
)


def check_prefix(parameter: str, value: Any) -> str:
    """An ``ecr_repository_prefix`` / ``upstream_repository_prefix``: ``ROOT`` or 2-30 characters."""
    return check_text(
        parameter, value, _PREFIX, CACHE_PREFIX_LENGTH, PREFIX_ALLOWED, "repository prefix"
    )


def check_secret_arn(
    parameter: str,
    value: Any,
    *,
    region: Optional[str] = None,
    account_id: Optional[str] = None,
) -> str:
    """The ARN of a Secrets Manager secret that pull-through cache may use: its name begins
    with ``ecr-pullthroughcache/`` and it is in the rule's account and region,
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html"""
    where = (
        f" in {'account ' + account_id if is_literal(account_id) else 'the registry account'}"
        f" and {'region ' + region if is_literal(region) else 'the registry region'}"
    )
    allowed = (
        "the ARN of a Secrets Manager secret (arn:<partition>:secretsmanager:<region>:"
        f"<account>:secret:{SECRET_NAME_PREFIX}<name>-<suffix>){where}, or a token"
    )
    if type(value) is not str:
        raise ValidationError(
            parameter, value, allowed, problem=f"is {type_name(value)}, not an ARN"
        )
    match = _SECRET_ARN.fullmatch(value)
    if match is None:
        if is_token(value):
            return value
        problem = (
            "is a secret name; pass the secret's ARN (Terraform's credential_arn)"
            if value.startswith(SECRET_NAME_PREFIX)
            else "is not a Secrets Manager secret ARN"
        )
        raise ValidationError(parameter, value, allowed, problem=problem)
    partition, secret_region, secret_account, name = match.groups()
    if not name.startswith(SECRET_NAME_PREFIX):
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"names the secret {name!r}; ECR only uses secrets whose name begins "
            f"with {SECRET_NAME_PREFIX!r}",
        )
    low, high = SECRET_ARN_LENGTH
    if not _SECRET_NAME.fullmatch(name) or not low <= len(value) <= high:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"has a name with characters outside [a-zA-Z0-9/_+=.@-] or is not "
            f"{low}-{high} characters long",
        )
    if is_literal(region):
        if secret_region != region:
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"is in region {secret_region}; the secret must be in the rule's "
                f"region {region}",
            )
        if partition != partition_of(region):
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"is in partition {partition}; region {region} is in "
                f"{partition_of(region)}",
            )
    if is_literal(account_id) and secret_account != account_id:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"is in account {secret_account}; the secret must be in the rule's "
            f"account {account_id}",
        )
    return value


@dataclass(frozen=True)
class PullThroughCacheRule:
    """One ``aws_ecr_pull_through_cache_rule``, checked: the rule's inputs of
    :meth:`Registry.add_pull_through_cache`, and the registry's region and account when known,
    to check the secret, the role and an ECR upstream against."""

    prefix: str
    upstream: Union[Upstream, str]
    credential_secret: Optional[str] = None
    custom_role_arn: Optional[str] = None
    upstream_repository_prefix: Optional[str] = None
    registry_region: Optional[str] = None
    registry_account_id: Optional[str] = None

    def __post_init__(self) -> None:
        region, account = self.registry_region, self.registry_account_id
        if region is not None:
            check_region("registry_region", region)
        if account is not None:
            check_account_id("registry_account_id", account)
        check_prefix("prefix", self.prefix)
        upstream = check_upstream("upstream", self.upstream)
        object.__setattr__(self, "upstream", upstream)
        needs = upstream.authentication
        if self.credential_secret is not None and needs is not Authentication.SECRET:
            uses = (
                "authenticates with an IAM role (custom_role_arn)"
                if needs is Authentication.IAM_ROLE
                else "needs no credentials"
            )
            raise ValidationError(
                "credential_secret",
                self.credential_secret,
                f"None for {upstream.registry.value}, which {uses}",
            )
        if self.credential_secret is None and needs is Authentication.SECRET:
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
            raise ValidationError(
                "credential_secret",
                None,
                f"the ARN of a Secrets Manager secret named {SECRET_NAME_PREFIX}..., which "
                f"{upstream.registry.value} requires",
                problem="is missing",
            )
        if upstream.registry is not UpstreamRegistry.ECR:
            for name in ("custom_role_arn", "upstream_repository_prefix"):
                if getattr(self, name) is not None:
                    # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
                    # (both belong to ECR-to-ECR pull through cache)
                    raise ValidationError(
                        name,
                        getattr(self, name),
                        f"None for {upstream.registry.value}; only ECR upstreams take it",
                    )
        elif self.upstream_repository_prefix is not None:
            check_prefix("upstream_repository_prefix", self.upstream_repository_prefix)
            if self.prefix == ROOT:
                # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
                raise ValidationError(
                    "upstream_repository_prefix",
                    self.upstream_repository_prefix,
                    "None while prefix is 'ROOT' (AWS sets it only for a non-ROOT prefix)",
                )
        self.check_location(region, account)

    def check_location(self, region: Optional[str], account: Optional[str]) -> None:
        """The secret, the role and an ECR upstream against this registry's region and
        account (each when known)."""
        if self.credential_secret is not None:
            check_secret_arn(
                "credential_secret", self.credential_secret, region=region, account_id=account
            )
        upstream = self.upstream
        assert isinstance(upstream, Upstream)
        if upstream.registry is not UpstreamRegistry.ECR:
            return
        if (
            is_literal(account)
            and is_literal(region)
            and (upstream.account_id, upstream.region) == (account, region)
        ):
            raise ValidationError(
                "upstream",
                upstream.url,
                "another ECR registry than this one",
                problem="is this registry itself",
            )
        if self.custom_role_arn is not None:
            # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
            # ("This role must be in the same account as the registry that you are configuring")
            check_role_arn(
                "custom_role_arn",
                self.custom_role_arn,
                region=region,
                account_id=account,
                purpose="pull from the upstream ECR registry",
            )
        elif (
            is_literal(account)
            and is_literal(upstream.account_id)
            and upstream.account_id != account
        ):
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
            # ("you must create an IAM role if the upstream and downstream Amazon ECR
            # registries belong to different AWS account")
            raise ValidationError(
                "custom_role_arn",
                None,
                "the ARN of an IAM role in this registry's account that ECR assumes to pull "
                f"from account {upstream.account_id}",
                problem="is missing",
            )

    @property
    def upstream_url(self) -> str:
        assert isinstance(self.upstream, Upstream)
        return self.upstream.url

    def arguments(self) -> Dict[str, str]:
        """The resource's arguments in Terraform JSON form (unset optional ones left out)."""
        arguments = {
            "ecr_repository_prefix": self.prefix,
            "upstream_registry_url": self.upstream_url,
        }
        for key, value in (
            ("credential_arn", self.credential_secret),
            ("custom_role_arn", self.custom_role_arn),
            ("upstream_repository_prefix", self.upstream_repository_prefix),
        ):
            if value is not None:
                arguments[key] = value
        return arguments


def _check_secret(parameter: str, value: Any) -> Optional[str]:
    return None if value is None else check_secret_arn(parameter, value)


def _check_cache_role(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    return check_role_arn(parameter, value, purpose="pull from the upstream ECR registry")


def check_upstream_prefix(parameter: str, value: Any) -> Optional[str]:
    return None if value is None else check_prefix(parameter, value)


def _check_frequency(parameter: str, value: Any) -> Optional[ScanFrequency]:
    if value is None:
        return None
    checked = check_choice(parameter, value, ScanFrequency)
    if is_token(checked):
        raise ValidationError(
            parameter, value, "'SCAN_ON_PUSH', 'CONTINUOUS_SCAN' or None, known at synth",
            problem="is an unresolved token",
        )
    return ScanFrequency(checked)


def check_flag(parameter: str, value: Any) -> bool:
    """True or False, never a token: the setting decides what is emitted."""
    if type(value) is not bool:
        raise ValidationError(parameter, value, "True or False")
    return value


class _CacheArguments(TypedDict, total=False):
    prefix: Required[Annotated[str, Input(
        description="The namespace of this registry that caches the upstream: pulling "
        "`<prefix>/<image>` creates the repository `<prefix>/<image>`. `ROOT`: the whole "
        "registry. Changing it replaces the rule.",
        allowed=PREFIX_ALLOWED.replace("'", "`"),
        check=check_prefix,
    )]]
    upstream: Required[Annotated[Union[Upstream, str], Input(
        description="The upstream registry: `Upstream.ecr_public()`, `.kubernetes()`, `.quay()` "
        "(no credentials), `.docker_hub()`, `.github_container_registry()`, "
        "`.gitlab_container_registry()`, `.azure_container_registry(name)`, `.chainguard()` "
        "(a secret), `.ecr(account_id, region)`; or its URL.",
        allowed=UPSTREAM_ALLOWED,
        check=check_upstream,
    )]]


class PullThroughCacheProps(TypedDict, total=False):
    """The keyword arguments of :meth:`Registry.add_pull_through_cache`."""

    credential_secret: Annotated[Optional[str], Input(
        description="ARN of the Secrets Manager secret with the upstream credentials. Required "
        "for Docker Hub, GitHub, GitLab, Azure and Chainguard; refused for the others.",
        allowed="None, or a secret ARN whose name starts with `ecr-pullthroughcache/`, in the "
        "registry's account and region (checked at synth); or a token",
        check=_check_secret,
        default=None,
    )]
    custom_role_arn: Annotated[Optional[str], Input(
        description="ECR upstreams only: the role ECR assumes to pull from the upstream "
        "registry; required when it is in another account.",
        allowed="None, or an IAM role ARN in the registry's account; or a token",
        check=_check_cache_role,
        default=None,
    )]
    upstream_repository_prefix: Annotated[Optional[str], Input(
        description="ECR upstreams only: cache only the upstream repositories under this prefix.",
        allowed="None, or a prefix as `prefix` (not with `prefix='ROOT'`)",
        check=check_upstream_prefix,
        default=None,
    )]
    scan_frequency: Annotated[Optional[Union[str, ScanFrequency]], Input(
        description="Scan the cached repositories through a namespace rule `<prefix>/*` (`*` for "
        "`ROOT`) of the owner's scanning configuration, which makes the registry ENHANCED "
        "(Amazon Inspector, billed per image). None: only what the registry's rules already cover.",
        allowed="`SCAN_ON_PUSH`, `CONTINUOUS_SCAN`, or None",
        check=_check_frequency,
        default="SCAN_ON_PUSH",
    )]
    creation_template: Annotated[bool, Input(
        description="Give the cached repositories the guardrails of a `PULL_THROUGH_CACHE` "
        "creation template with the same prefix: yours (`add_creation_template`), else one "
        "the owner adds: `MUTABLE` tags (ECR refreshes cached tags from the upstream), the "
        "owner's KMS key, the default lifecycle rules.",
        allowed="True or False",
        check=check_flag,
        default=True,
    )]


class PullThroughCacheInputs(_CacheArguments, PullThroughCacheProps, total=False):
    """Every input of :meth:`Registry.add_pull_through_cache`, positional ones first."""


@with_init_signature
class PullThroughCache(Construct):
    """One ``aws_ecr_pull_through_cache_rule`` of a registry owner, with the creation template
    of its prefix; made by :meth:`Registry.add_pull_through_cache`.

    Attributes: ``rule`` (the resource), ``template`` (the prefix's
    :class:`RepositoryCreationTemplate`, or None), ``prefix``, ``upstream``."""

    @expand_keyword_arguments(PullThroughCacheInputs)
    def __init__(
        self,
        registry: "CacheOwner",
        prefix: str,
        upstream: Union[Upstream, str],
        **inputs: Unpack[PullThroughCacheProps],
    ) -> None:
        where = f"{registry.label}: pull-through cache {prefix!r}"
        caches, templates, scanning = registry._caches, registry._templates, registry._scanning
        with located(where):
            given = checked_inputs(
                PullThroughCacheInputs, {"prefix": prefix, "upstream": upstream, **inputs},
                "add_pull_through_cache", checked_elsewhere=_CHECKED_BY_RULE,
            )
            rule = PullThroughCacheRule(
                prefix=given["prefix"],
                upstream=given["upstream"],
                credential_secret=given["credential_secret"],
                custom_role_arn=given["custom_role_arn"],
                upstream_repository_prefix=given["upstream_repository_prefix"],
            )
            self.prefix: str = rule.prefix
            caches.claim(rule.prefix)
            frequency = given["scan_frequency"]
            namespace = "*" if rule.prefix == ROOT else normalized_prefix(rule.prefix) + "/*"
            if frequency is not None:
                scanning.check_cover(namespace, frequency)
            template = templates.template_for(rule.prefix)
            if (
                given["creation_template"]
                and template is not None
                and AppliedFor.PULL_THROUGH_CACHE.value not in template.applied_for
            ):
                raise ValidationError(
                    "creation_template", True, "False, or a prefix whose creation template "
                    "applies for PULL_THROUGH_CACHE",
                    problem=f"finds the prefix's template {template.prefix!r}, which applies "
                    f"only for {list(template.applied_for)}",
                )

        super().__init__(registry, prefix_address_id("PullThroughCache", rule.prefix))
        self.upstream: Upstream = rule.upstream  # type: ignore[assignment]  # checked
        self._registry = registry
        self._where = where
        self._core = rule
        self.rule = aws.EcrPullThroughCacheRule(
            self, "rule", **rule.arguments(), provider=registry.provider
        )
        pin_address(
            registry.stack_state.stack, self.rule, "aws_ecr_pull_through_cache_rule",
            prefix_address_id("pull_through_cache", rule.prefix, registry.alias),
            in_release_0_1_0=False,
        )
        self.template: Optional[RepositoryCreationTemplate] = template
        caches.add(self)
        if given["creation_template"] and template is None:
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html:
            # mutable tags are "recommended for repositories that use pull through cache
            # actions so that Amazon ECR can update cached images".
            added = RepositoryCreationTemplate(
                registry, rule.prefix, [AppliedFor.PULL_THROUGH_CACHE],
                description=f"Guardrails of the pull-through cache of {self.upstream.url} "
                "(cdktf_aws_ecr)",
                image_tag_mutability=ImageTagMutability.MUTABLE,
            )
            added.added_by_owner = True
        if frequency is not None:
            scanning.add_rule((namespace, frequency))
        add_synth_check(registry.stack_state, self._check_with_registry)

    def _check_with_registry(self) -> None:
        location = self._registry.location
        with located(self._where):
            self._core.check_location(location.region, location.account_id)


#: The cache inputs that :class:`PullThroughCacheRule` checks.
_CHECKED_BY_RULE = frozenset(
    {"prefix", "upstream", "credential_secret", "custom_role_arn", "upstream_repository_prefix"}
)


class CacheOwner(TemplateOwner, Protocol):
    """What a pull-through cache needs of its registry owner."""

    _caches: "Caches"
    _scanning: Scanning


class Caches:
    """The pull-through cache rules of one registry owner, one per prefix."""

    def __init__(self, owner: OwnerCore, templates: Templates) -> None:
        self._owner = owner
        self.by_prefix: Dict[str, PullThroughCache] = {}
        templates.on_add.append(self._use_template)

    def claim(self, prefix: str) -> None:
        """Refuse a second cache for a prefix, and a 51st cache."""
        self._owner.refuse_elsewhere("prefix", prefix)
        if normalized_prefix(prefix) in self.by_prefix:
            raise ValidationError(
                "prefix", prefix, "a prefix with no pull-through cache rule in this registry",
                problem="has one already",
            )
        if len(self.by_prefix) >= MAX_CACHE_RULES:
            raise ValidationError(
                "prefix", prefix, f"at most {MAX_CACHE_RULES} pull-through cache "
                "rules per registry (AWS limit, not adjustable)",
                problem=f"would be rule {MAX_CACHE_RULES + 1}",
            )

    def add(self, cache: PullThroughCache) -> None:
        self.by_prefix[normalized_prefix(cache.prefix)] = cache
        self._owner.explicit = True

    def prefixes(self) -> List[str]:
        return [cache.prefix for cache in self.by_prefix.values()]

    def _use_template(self, template: RepositoryCreationTemplate) -> None:
        key = normalized_prefix(template.prefix)
        for cache in self.by_prefix.values():
            if normalized_prefix(cache.prefix) == key:
                cache.template = template

    def written(self) -> Dict[str, Tuple[str, Any]]:
        """What the one-owner check compares: ``{what: (parameter, value)}``."""
        return {
            f"pull-through cache rule {c.prefix!r}": ("prefix", c.prefix)
            for c in self.by_prefix.values()
        }
