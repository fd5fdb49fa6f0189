"""Per-prefix registry settings: repository creation templates and pull-through caches.

Both belong to a registry owner and are made through it
(:meth:`~cdktf_aws_ecr.Registry.add_creation_template`,
:meth:`~cdktf_aws_ecr.Registry.add_pull_through_cache`); their resources use
the owner's provider and live in the owner's stack.

Repositories that ECR creates on its own initiative, for a pull-through cache
or for replication, get ECR's defaults (mutable tags, AES256, no lifecycle or
repository policy) unless a creation template with a matching prefix applies.
A :class:`RepositoryCreationTemplate` takes the guardrail inputs of a
``Repository``, and its lifecycle and repository policies come from the same
code: :func:`~cdktf_aws_ecr.lifecycle.assemble_lifecycle_policy` and
:class:`~cdktf_aws_ecr.policy.repository_policy.RepositoryPolicyDocument`, rendered
by an ``aws_iam_policy_document`` as for a repository.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
"""

from __future__ import annotations

from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Mapping,
    Optional,
    Required,
    Sequence,
    Tuple,
    TypedDict,
    Union,
    Unpack,
)

from ._framework import Construct, aws
from ._state import add_synth_check, lazy_any, lazy_string
from .addresses import pin_address, prefix_address_id
from .checks import (
    KMS_KEY_ALLOWED,
    check_choice,
    check_kms_key_arn,
    check_role_arn,
    check_tags,
    type_name,
)
from .creation_template import (
    APPLIED_FOR_ALLOWED,
    DESCRIPTION_ALLOWED,
    ROOT,
    AppliedFor,
    CreationTemplateSettings,
    check_applied_for,
    check_description,
    check_template_prefix,
)
from .enums import EncryptionType, ImageTagMutability, ScanFrequency
from .errors import ValidationError
from .facts import MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS
from .inputs import (
    Input,
    checked_inputs,
    expand_keyword_arguments,
    input_specs,
    with_init_signature,
)
from .json_text import compact_json
from .lifecycle import (
    PROTECTED_TAGS_ALLOWED,
    LifecycleRule,
    TagStatus,
    assemble_lifecycle_policy,
    check_lifecycle_rules,
    check_protected_tags,
)
from .policy.grantees import Access
from .policy.repository_policy import (
    PullPrincipalArns,
    PushPrincipalArns,
    RepositoryPolicyDocument,
    write_policy_document,
)
from .pull_through_cache import (
    PREFIX_ALLOWED,
    UPSTREAM_ALLOWED,
    PullThroughCacheRule,
    Upstream,
    check_prefix,
    check_secret_arn,
)
from .tokens import is_token

if TYPE_CHECKING:
    from .registry import Registry


def normalized_prefix(prefix: str) -> str:
    """ECR appends ``/`` to a prefix, so ``prod`` and ``prod/`` are one prefix."""
    return prefix.rstrip("/") if prefix != "/" else prefix


class _DefaultRules(Tuple[LifecycleRule, ...]):
    """The default lifecycle rules of a template, shown by name in signatures and tables."""

    def __repr__(self) -> str:
        return "DEFAULT_TEMPLATE_LIFECYCLE_RULES"


#: A template's lifecycle policy unless it says otherwise: the seed's defaults
#: (untagged images expire after 14 days, 30 images kept), counting every image
#: rather than those tagged ``v...``, since ECR-created repositories hold whatever
#: tags the upstream or the source repository uses.
DEFAULT_TEMPLATE_LIFECYCLE_RULES: Tuple[LifecycleRule, ...] = _DefaultRules((
    LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14,
                  description="Expire untagged images older than 14 days"),
    LifecycleRule(tag_status=TagStatus.ANY, max_image_count=30,
                  description="Keep only the most recent 30 images"),
))


def _check_template_role(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    return check_role_arn(parameter, value, purpose="create repositories from this template")


class _TemplateArguments(TypedDict, total=False):
    prefix: Required[Annotated[str, Input(
        description="Repository name prefix it applies to; ECR appends `/`, so `prod` applies "
        "to `prod/...`. `ROOT`: every repository no other template matches. One template per "
        "prefix in a registry.",
        allowed="`ROOT`, or 2-256 characters of lowercase path segments "
        "(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?$`)",
        check=check_template_prefix,
    )]]
    applied_for: Required[Annotated[Sequence[Union[str, AppliedFor]], Input(
        description="Which repositories ECR creates get it: those of `REPLICATION` and/or "
        "`PULL_THROUGH_CACHE`.",
        allowed=APPLIED_FOR_ALLOWED.replace("'", "`") + "; `CREATE_ON_PUSH` is refused "
        "(provider 5.100 does not accept it)",
        check=check_applied_for,
    )]]


class RepositoryCreationTemplateProps(TypedDict, total=False):
    """The keyword arguments of :meth:`Registry.add_creation_template`: the guardrail
    inputs of ``Repository``, for the repositories ECR creates."""

    description: Annotated[Optional[str], Input(
        description="Shown in the ECR console.",
        allowed=DESCRIPTION_ALLOWED,
        check=check_description,
        default=None,
    )]
    image_tag_mutability: Annotated[Union[str, ImageTagMutability], Input(
        description="`IMMUTABLE` stops a tag from being moved to another image.",
        allowed="`MUTABLE`, `IMMUTABLE`",
        check=lambda parameter, value: check_choice(parameter, value, ImageTagMutability),
        default="IMMUTABLE",
    )]
    encryption_type: Annotated[Union[str, EncryptionType], Input(
        description="Used when no key applies; `KMS` then means the AWS-managed `aws/ecr` key.",
        allowed="`AES256`, `KMS`",
        check=lambda parameter, value: check_choice(parameter, value, EncryptionType),
        default="AES256",
    )]
    kms_key_arn: Annotated[Optional[str], Input(
        description="Customer-managed key; forces `KMS`. Default: the owner's `kms_key_arn`.",
        allowed=KMS_KEY_ALLOWED.replace("repository's region", "registry's region"),
        check=check_kms_key_arn,
        default=None,
    )]
    lifecycle_rules: Annotated[Sequence[LifecycleRule], Input(
        description="The lifecycle policy's rules (`cdktf_aws_ecr.lifecycle.LifecycleRule`). "
        "Default: untagged images expire after 14 days, the newest 30 images are kept. "
        "Empty, with no `protected_tags`: no lifecycle policy.",
        allowed="a list of `LifecycleRule`, numbered as `assemble_lifecycle_policy` numbers them",
        check=check_lifecycle_rules,
        default=DEFAULT_TEMPLATE_LIFECYCLE_RULES,
    )]
    protected_tags: Annotated[Sequence[str], Input(
        description="Tag patterns (`*` for any run) whose images never expire.",
        allowed=PROTECTED_TAGS_ALLOWED,
        check=check_protected_tags,
        default=(),
    )]
    pull_principal_arns: PullPrincipalArns
    push_principal_arns: PushPrincipalArns
    tags: Annotated[Mapping[str, str], Input(
        description="Tags of the created repositories (the provider's `default_tags` do not "
        "reach them).",
        allowed=f"at most {MAX_TAGS}; keys 1-{MAX_TAG_KEY_LENGTH} and values "
        f"0-{MAX_TAG_VALUE_LENGTH} characters; no `aws:` key prefix, not `__proto__`; or tokens",
        check=check_tags,
        default=MappingProxyType({}),
    )]
    custom_role_arn: Annotated[Optional[str], Input(
        description="The IAM role ECR assumes to apply a KMS key or tags. Default: with a key or "
        "tags, a role the owner creates (trust `ecr.amazonaws.com`; `ecr:CreateRepository`, "
        "`ecr:ReplicateImage`, `ecr:TagResource`, and `kms:CreateGrant`, `kms:DescribeKey`, "
        "`kms:RetireGrant` on the templates' keys), as AWS documents it.",
        allowed="None, or an IAM role ARN in the registry's account; or a token",
        check=_check_template_role,
        default=None,
    )]


class RepositoryCreationTemplateInputs(
    _TemplateArguments, RepositoryCreationTemplateProps, total=False
):
    """Every input of :meth:`Registry.add_creation_template`, positional ones first."""


#: README's table of the creation template's inputs.
REPOSITORY_CREATION_TEMPLATE_INPUTS = input_specs(RepositoryCreationTemplateInputs)


@with_init_signature
class RepositoryCreationTemplate(Construct):
    """One ``aws_ecr_repository_creation_template`` of a registry owner, with the
    guardrails of a ``Repository``: tag mutability, encryption, a lifecycle policy,
    a repository policy and tags; made by :meth:`Registry.add_creation_template`.

    Attributes: ``template`` (the resource), ``policy_document`` (the
    ``aws_iam_policy_document`` of its repository policy, or None), ``prefix``,
    ``applied_for``, and ``added_by_owner`` (True for the templates an owner adds
    for a pull-through cache or for replicas).
    """

    @expand_keyword_arguments(RepositoryCreationTemplateInputs)
    def __init__(
        self,
        registry: "Registry",
        prefix: str,
        applied_for: Sequence[Union[str, AppliedFor]],
        **inputs: Unpack[RepositoryCreationTemplateProps],
    ) -> None:
        where = f"{registry.label}: creation template {prefix!r}"
        try:
            settings = checked_inputs(
                RepositoryCreationTemplateInputs,
                {"prefix": prefix, "applied_for": applied_for, **inputs},
                "add_creation_template",
            )
            registry.claim_template_prefix(settings["prefix"], settings["applied_for"])
            rules, protected = settings["lifecycle_rules"], settings["protected_tags"]
            lifecycle_policy = (
                compact_json(assemble_lifecycle_policy(rules, protected))
                if rules or protected
                else None
            )
            document = RepositoryPolicyDocument()
            for access, parameter in ((Access.PULL, "pull_principal_arns"),
                                      (Access.PUSH, "push_principal_arns")):
                document.add_principal_arns(access, settings[parameter], parameter)
            document.check()
            key = settings["kms_key_arn"] if settings["kms_key_arn"] is not None else registry.kms_key_arn
            needs_role = key is not None or bool(settings["tags"])
            role = settings["custom_role_arn"]
            # Every check of the core runs now; the owner's role (a token) is made after.
            core = CreationTemplateSettings(
                prefix=settings["prefix"],
                applied_for=settings["applied_for"],
                description=settings["description"],
                image_tag_mutability=settings["image_tag_mutability"],
                encryption_type=settings["encryption_type"],
                kms_key_arn=key,
                lifecycle_policy=lifecycle_policy,
                resource_tags=settings["tags"],
                custom_role_arn=role if role is not None or not needs_role else lazy_string(str),
            )
        except ValidationError as error:
            raise error.located(where) from None


        registry.make_room_for_template(settings["prefix"])
        super().__init__(registry, prefix_address_id("CreationTemplate", settings["prefix"]))
        self.prefix: str = settings["prefix"]
        self.applied_for: Tuple[str, ...] = tuple(core.applied_for)
        self.added_by_owner = False
        self._registry = registry
        self._where = where
        self._settings = settings
        self._document = document
        #: The KMS key of the repositories it creates (the owner's by default), or None.
        self.kms_key_arn: Optional[str] = key
        #: Whether ECR assumes the owner's role for it (rather than one given).
        self.uses_owner_role = role is None and needs_role
        if self.uses_owner_role:
            role = registry.creation_template_role_arn()
        self._role = role
        stack = registry.stack_state.stack
        address = prefix_address_id("creation_template", self.prefix, registry.alias)
        self.policy_document: Optional[Any] = None
        if not document.is_empty:
            self.policy_document = aws.DataAwsIamPolicyDocument(
                self, "policy_document", provider=registry.provider
            )
            write_policy_document(self.policy_document, document)
            pin_address(stack, self.policy_document, "aws_iam_policy_document", address,
                        managed=False)
        arguments = core.arguments()
        encryption = arguments["encryption_configuration"]
        self.template = aws.EcrRepositoryCreationTemplate(
            self,
            "template",
            prefix=arguments["prefix"],
            applied_for=arguments["applied_for"],
            description=arguments.get("description"),
            image_tag_mutability=arguments["image_tag_mutability"],
            # A block list given as plain dicts would be read as jsii structs and lost.
            encryption_configuration=lazy_any(lambda: encryption),
            lifecycle_policy=arguments.get("lifecycle_policy"),
            repository_policy=self.policy_document.json if self.policy_document else None,
            resource_tags=arguments.get("resource_tags"),
            custom_role_arn=role,
            provider=registry.provider,
        )
        pin_address(stack, self.template, "aws_ecr_repository_creation_template", address,
                    in_release_0_1_0=False)
        registry.add_template(self)
        add_synth_check(registry.stack_state, self._check_with_registry)

    def _check_with_registry(self) -> None:
        """The key's region, the role's account and the principals' partition, against
        the registry (known at synth)."""
        if self._registry.template_for(self.prefix) is not self:
            return  # replaced by a declared template
        location = self._registry.location
        settings = self._settings
        try:
            CreationTemplateSettings(
                prefix=self.prefix,
                applied_for=self.applied_for,
                kms_key_arn=self.kms_key_arn,
                custom_role_arn=self._role,
                resource_tags=settings["tags"],
                region=location.region,
                account_id=location.account_id,
            )
            if location.region is not None:
                self._document.check(location.region)
        except ValidationError as error:
            raise error.located(self._where) from None


def _check_upstream(parameter: str, value: Any) -> Upstream:
    if isinstance(value, Upstream):
        return value
    if type(value) is str:
        return Upstream.from_url(value)
    raise ValidationError(
        parameter, value, UPSTREAM_ALLOWED + ", or an Upstream", problem=f"is {type_name(value)}"
    )


def _check_secret(parameter: str, value: Any) -> Optional[str]:
    return None if value is None else check_secret_arn(parameter, value)


def _check_cache_role(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    return check_role_arn(parameter, value, purpose="pull from the upstream ECR registry")


def _check_upstream_prefix(parameter: str, value: Any) -> Optional[str]:
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
        check=_check_upstream,
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
        check=_check_upstream_prefix,
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


#: README's table of the pull-through cache's inputs.
PULL_THROUGH_CACHE_INPUTS = input_specs(PullThroughCacheInputs)


@with_init_signature
class PullThroughCache(Construct):
    """One ``aws_ecr_pull_through_cache_rule`` of a registry owner, with the creation
    template that gives its repositories guardrails; made by
    :meth:`Registry.add_pull_through_cache`.

    Attributes: ``rule`` (the resource), ``template`` (the
    :class:`RepositoryCreationTemplate` of its prefix, or None), ``prefix``,
    ``upstream``.
    """

    @expand_keyword_arguments(PullThroughCacheInputs)
    def __init__(
        self,
        registry: "Registry",
        prefix: str,
        upstream: Union[Upstream, str],
        **inputs: Unpack[PullThroughCacheProps],
    ) -> None:
        where = f"{registry.label}: pull-through cache {prefix!r}"
        try:
            settings = checked_inputs(
                PullThroughCacheInputs, {"prefix": prefix, "upstream": upstream, **inputs},
                "add_pull_through_cache",
            )
            rule = PullThroughCacheRule(
                prefix=settings["prefix"],
                upstream=settings["upstream"],
                credential_secret=settings["credential_secret"],
                custom_role_arn=settings["custom_role_arn"],
                upstream_repository_prefix=settings["upstream_repository_prefix"],
            )
            self.prefix: str = rule.prefix
            registry.claim_cache_prefix(self)
            frequency = settings["scan_frequency"]
            namespace = "*" if rule.prefix == ROOT else normalized_prefix(rule.prefix) + "/*"
            if frequency is not None:
                registry.check_namespace_cover(namespace, frequency)
            template = registry.template_for(rule.prefix)
            if (
                settings["creation_template"]
                and template is not None
                and AppliedFor.PULL_THROUGH_CACHE.value not in template.applied_for
            ):
                raise ValidationError(
                    "creation_template", True, "False, or a prefix whose creation template "
                    "applies for PULL_THROUGH_CACHE",
                    problem=f"finds the prefix's template {template.prefix!r}, which applies "
                    f"only for {list(template.applied_for)}",
                )
        except ValidationError as error:
            raise error.located(where) from None


        super().__init__(registry, prefix_address_id("PullThroughCache", rule.prefix))
        self.upstream: Upstream = rule.upstream  # type: ignore[assignment]  # checked
        self._registry = registry
        self._where = where
        self._core = rule
        self.rule = aws.EcrPullThroughCacheRule(self, "rule", **rule.arguments(), provider=registry.provider)
        pin_address(
            registry.stack_state.stack, self.rule, "aws_ecr_pull_through_cache_rule",
            prefix_address_id("pull_through_cache", rule.prefix, registry.alias),
            in_release_0_1_0=False,
        )
        self.template: Optional[RepositoryCreationTemplate] = template
        registry.add_cache(self)
        if settings["creation_template"] and template is None:
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
            registry.cover_namespace(namespace, frequency)
        add_synth_check(registry.stack_state, self._check_with_registry)

    def _check_with_registry(self) -> None:
        """The secret's and the role's account and region against the registry's."""
        location = self._registry.location
        rule = self._core
        try:
            PullThroughCacheRule(
                prefix=rule.prefix,
                upstream=rule.upstream,
                credential_secret=rule.credential_secret,
                custom_role_arn=rule.custom_role_arn,
                upstream_repository_prefix=rule.upstream_repository_prefix,
                registry_region=location.region,
                registry_account_id=location.account_id,
            )
        except ValidationError as error:
            raise error.located(self._where) from None
