"""Repository creation templates: the guardrails of the repositories ECR creates for
replication and pull-through cache (else ECR's defaults: mutable tags, AES256, no policies).
https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import (
    Annotated,
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Protocol,
    Required,
    Sequence,
    Tuple,
    TypedDict,
    Union,
    Unpack,
)

from .._framework import Construct, Fn, Token, aws
from .._state import add_synth_check, lazy_any, lazy_string
from ..addresses import CREATION_TEMPLATE_ROLE_ID, pin_address, prefix_address_id, with_alias
from ..checks import (
    KMS_KEY_ALLOWED,
    check_account_id,
    check_choice,
    check_kms_key_arn,
    check_kms_key_region,
    check_region,
    check_role_arn,
    check_tags,
    check_text,
    type_name,
)
from ..enums import EncryptionType, ImageTagMutability
from ..errors import ValidationError, located
from ..facts import (
    MAX_DESCRIPTION_LENGTH,
    MAX_LIFECYCLE_POLICY_LENGTH,
    MAX_REPOSITORY_POLICY_LENGTH,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS,
    ROOT,
    TEMPLATE_PREFIX_LENGTH,
    TEMPLATE_PREFIX_PATTERN,
)
from ..framework import needs_aws_provider_6
from ..inputs import Input, checked_inputs, expand_keyword_arguments, with_init_signature
from ..json_text import compact_json
from ..lifecycle.policy_check import TagStatus
from ..lifecycle.rules import (
    PROTECTED_TAGS_ALLOWED,
    LifecycleRule,
    assemble_lifecycle_policy,
    check_lifecycle_rules,
    check_protected_tags,
)
from ..policy.grantees import Access
from ..policy.repository_policy import (
    PullPrincipalArns,
    PushPrincipalArns,
    RepositoryPolicyDocument,
    write_policy_document,
    written_condition,
)
from ..providers import require_aws_provider_minor
from ..tag_mutability import (
    FILTERS_ALLOWED,
    MUTABILITY_ALLOWED,
    check_exclusion_filters,
    check_mutability,
    check_mutability_with_filters,
    exclusion_filter_arguments,
)
from ..tokens import is_token
from .membership import OwnerCore
from .prefixes import normalized_prefix

_PREFIX = re.compile(TEMPLATE_PREFIX_PATTERN, re.ASCII)


class AppliedFor(str, enum.Enum):
    """When ECR applies a template: to repositories that replication or pull-through cache
    creates, or (AWS provider 6.28 and later, the 6.x lines) that a push to a missing
    repository creates."""

    REPLICATION = "REPLICATION"
    PULL_THROUGH_CACHE = "PULL_THROUGH_CACHE"
    CREATE_ON_PUSH = "CREATE_ON_PUSH"


#: The provider 6 minor that accepts ``applied_for = CREATE_ON_PUSH``.
CREATE_ON_PUSH_MINOR = 28


def check_template_prefix(parameter: str, value: Any) -> str:
    allowed = (
        f"'{ROOT}' (every repository no other template matches), or "
        f"{TEMPLATE_PREFIX_LENGTH[0]}-{TEMPLATE_PREFIX_LENGTH[1]} characters of lowercase path segments "
        f"matching ^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?$ "
        "(ECR appends '/': 'prod' applies to 'prod/...')"
    )
    return check_text(parameter, value, _PREFIX, TEMPLATE_PREFIX_LENGTH, allowed, "repository prefix")


APPLIED_FOR_ALLOWED = (
    "a non-empty list of distinct 'REPLICATION', 'PULL_THROUGH_CACHE' and, on the AWS provider "
    "6.x lines, 'CREATE_ON_PUSH' (AppliedFor members)"
)
DESCRIPTION_ALLOWED = f"None or at most {MAX_DESCRIPTION_LENGTH} characters"


def check_applied_for(parameter: str, value: Any) -> List[str]:
    """The scenarios of a template, sorted; ``CREATE_ON_PUSH`` only on a 6.x line."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise ValidationError(
            parameter, value, APPLIED_FOR_ALLOWED, problem="is not a non-empty list"
        )
    checked: List[str] = []
    for item in value:
        checked.append(check_choice(parameter, item, AppliedFor))
        refusal = needs_aws_provider_6("applied_for 'CREATE_ON_PUSH'")
        if checked[-1] == AppliedFor.CREATE_ON_PUSH.value and refusal is not None:
            raise ValidationError(parameter, value, APPLIED_FOR_ALLOWED, problem=refusal)
    repeated = sorted({v for v in checked if checked.count(v) > 1})
    if repeated:
        raise ValidationError(parameter, value, APPLIED_FOR_ALLOWED, problem=f"repeats {repeated}")
    return sorted(checked)


def check_description(parameter: str, value: Any) -> Optional[str]:
    if value is not None and (type(value) is not str or len(value) > MAX_DESCRIPTION_LENGTH):
        raise ValidationError(parameter, value, DESCRIPTION_ALLOWED)
    return value


def _check_policy_text(parameter: str, value: Any, limit: int) -> Optional[str]:
    allowed = f"None, or JSON text of at most {limit} characters, or a token"
    if value is None:
        return None
    if type(value) is not str:
        raise ValidationError(parameter, value, allowed, problem=f"is {type_name(value)}")
    if is_token(value):
        return value
    try:
        json.loads(value)
    except ValueError:
        raise ValidationError(parameter, value, allowed, problem="is not JSON") from None
    if len(value) > limit:
        raise ValidationError(parameter, value, allowed, problem=f"has {len(value)} characters")
    return value


def check_template_location(
    kms_key_arn: Optional[str],
    custom_role_arn: Optional[str],
    region: Optional[str],
    account_id: Optional[str],
) -> None:
    """The key's region, and the role's partition and account, against the registry's
    (each when known)."""
    if region is not None:
        check_kms_key_region("kms_key_arn", kms_key_arn, region)
    if custom_role_arn is not None:
        # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
        # ("This role must be in the same account as the registry that you are configuring")
        check_role_arn(
            "custom_role_arn",
            custom_role_arn,
            region=region,
            account_id=account_id,
            purpose="create repositories from this template",
        )


@dataclass(frozen=True)
class CreationTemplateSettings:
    """The checked arguments of one ``aws_ecr_repository_creation_template`` (the inputs of
    :meth:`Registry.add_creation_template`, the policies as JSON text), and the registry's
    ``region`` and ``account_id`` when known, to check the key and role against."""

    prefix: str
    applied_for: Sequence[Union[str, AppliedFor]]
    description: Optional[str] = None
    image_tag_mutability: Union[str, ImageTagMutability] = ImageTagMutability.IMMUTABLE
    image_tag_mutability_exclusion_filters: Tuple[str, ...] = ()
    encryption_type: Union[str, EncryptionType] = EncryptionType.AES256
    kms_key_arn: Optional[str] = None
    lifecycle_policy: Optional[str] = None
    repository_policy: Optional[str] = None
    resource_tags: Mapping[str, str] = field(default_factory=dict, hash=False)
    custom_role_arn: Optional[str] = None
    region: Optional[str] = None
    account_id: Optional[str] = None

    def __post_init__(self) -> None:
        if self.region is not None:
            check_region("region", self.region)
        if self.account_id is not None:
            check_account_id("account_id", self.account_id)
        check_template_prefix("prefix", self.prefix)
        object.__setattr__(
            self, "applied_for", tuple(check_applied_for("applied_for", self.applied_for))
        )
        check_description("description", self.description)
        object.__setattr__(
            self, "image_tag_mutability",
            check_mutability("image_tag_mutability", self.image_tag_mutability),
        )
        object.__setattr__(self, "image_tag_mutability_exclusion_filters", check_exclusion_filters(
            "image_tag_mutability_exclusion_filters", self.image_tag_mutability_exclusion_filters
        ))
        check_mutability_with_filters(
            self.image_tag_mutability, self.image_tag_mutability_exclusion_filters, {
                "image_tag_mutability": self.image_tag_mutability,
                "image_tag_mutability_exclusion_filters": self.image_tag_mutability_exclusion_filters,
            },
        )
        object.__setattr__(
            self, "encryption_type", check_choice("encryption_type", self.encryption_type, EncryptionType)
        )
        check_kms_key_arn("kms_key_arn", self.kms_key_arn)
        for name, limit in (
            ("lifecycle_policy", MAX_LIFECYCLE_POLICY_LENGTH),
            ("repository_policy", MAX_REPOSITORY_POLICY_LENGTH),
        ):
            _check_policy_text(name, getattr(self, name), limit)
        object.__setattr__(
            self, "resource_tags", MappingProxyType(check_tags("resource_tags", self.resource_tags))
        )
        if self.custom_role_arn is None:
            needs = [
                name
                for name, used in (
                    ("kms_key_arn", self.kms_key_arn is not None),
                    ("resource_tags", bool(self.resource_tags)),
                )
                if used
            ]
            if needs:
                # https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create.html
                # ("If you intend to use KMS keys, resource tags, or a combination of both
                # ... you need to ... Create an IAM role for repository creation templates")
                raise ValidationError(
                    "custom_role_arn",
                    None,
                    "the ARN of an IAM role in the registry's account that ECR assumes to "
                    "create the repositories (it needs kms:CreateGrant/kms:DescribeKey and/or "
                    "ecr:TagResource)",
                    problem=f"is missing, and the template sets {' and '.join(needs)}",
                )
        check_template_location(self.kms_key_arn, self.custom_role_arn, self.region, self.account_id)

    @property
    def effective_encryption_type(self) -> str:
        """``KMS`` when a key is given, else ``encryption_type``."""
        if self.kms_key_arn is not None:
            return EncryptionType.KMS.value
        return str(self.encryption_type)

    def arguments(self) -> Dict[str, Any]:
        """The resource's arguments in Terraform JSON form (unset optional ones left out)."""
        encryption: Dict[str, str] = {"encryption_type": self.effective_encryption_type}
        if self.kms_key_arn is not None:
            encryption["kms_key"] = self.kms_key_arn
        arguments: Dict[str, Any] = {
            "prefix": self.prefix,
            "applied_for": list(self.applied_for),
            "image_tag_mutability": self.image_tag_mutability,
            "encryption_configuration": [encryption],
        }
        if self.image_tag_mutability_exclusion_filters:
            arguments["image_tag_mutability_exclusion_filter"] = [
                {"filter": f, "filter_type": "WILDCARD"}
                for f in self.image_tag_mutability_exclusion_filters
            ]
        for key, value in (
            ("description", self.description),
            ("lifecycle_policy", self.lifecycle_policy),
            ("repository_policy", self.repository_policy),
            ("custom_role_arn", self.custom_role_arn),
        ):
            if value is not None:
                arguments[key] = value
        if self.resource_tags:
            arguments["resource_tags"] = dict(self.resource_tags)
        return arguments


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
        allowed=APPLIED_FOR_ALLOWED.replace("'", "`") + " (`CREATE_ON_PUSH` raises the stack's "
        "AWS provider constraint to `~> 6.28`)",
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
        allowed=MUTABILITY_ALLOWED,
        check=check_mutability,
        default="IMMUTABLE",
    )]
    image_tag_mutability_exclusion_filters: Annotated[Sequence[str], Input(
        description="Tags that get the opposite of a `*_WITH_EXCLUSION` mode.",
        allowed=FILTERS_ALLOWED,
        check=check_exclusion_filters,
        default=(),
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
        description="The lifecycle policy's rules (`cdktf_aws_ecr.LifecycleRule`). "
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


@with_init_signature
class RepositoryCreationTemplate(Construct):
    """One ``aws_ecr_repository_creation_template`` with the guardrails of a ``Repository``;
    made by :meth:`Registry.add_creation_template`.

    Attributes: ``template`` (the resource), ``policy_document`` (its repository policy's
    data source, or None), ``prefix``, ``applied_for``, and ``added_by_owner`` (True for a
    template an owner adds for a pull-through cache or for replicas)."""

    @expand_keyword_arguments(RepositoryCreationTemplateInputs)
    def __init__(
        self,
        registry: "TemplateOwner",
        prefix: str,
        applied_for: Sequence[Union[str, AppliedFor]],
        **inputs: Unpack[RepositoryCreationTemplateProps],
    ) -> None:
        where = f"{registry.label}: creation template {prefix!r}"
        templates = registry._templates
        with located(where):
            given = checked_inputs(
                RepositoryCreationTemplateInputs,
                {"prefix": prefix, "applied_for": applied_for, **inputs},
                "add_creation_template",
                checked_elsewhere=_CHECKED_BY_SETTINGS,
            )
            rules, protected = given["lifecycle_rules"], given["protected_tags"]
            lifecycle_policy = (
                compact_json(assemble_lifecycle_policy(rules, protected))
                if rules or protected
                else None
            )
            document = RepositoryPolicyDocument()
            for access, parameter in ((Access.PULL, "pull_principal_arns"),
                                      (Access.PUSH, "push_principal_arns")):
                document.add_principal_arns(access, given[parameter], parameter)
            document.check()
            key = given["kms_key_arn"] if given["kms_key_arn"] is not None else registry.kms_key_arn
            role = given["custom_role_arn"]
            needs_role = key is not None or bool(given["tags"])
            try:
                # The owner's role (a token) is made once the template is known to be valid.
                core = CreationTemplateSettings(
                    prefix=given["prefix"],
                    applied_for=given["applied_for"],
                    description=given["description"],
                    image_tag_mutability=given["image_tag_mutability"],
                    image_tag_mutability_exclusion_filters=given[
                        "image_tag_mutability_exclusion_filters"
                    ],
                    encryption_type=given["encryption_type"],
                    kms_key_arn=key,
                    lifecycle_policy=lifecycle_policy,
                    resource_tags=given["tags"],
                    custom_role_arn=role if role is not None or not needs_role else lazy_string(str),
                )
            except ValidationError as error:
                if error.parameter != "resource_tags":
                    raise
                raise ValidationError("tags", error.value, error.allowed, problem=error.problem)
            templates.claim(core.prefix, core.applied_for)

        templates.make_room(core.prefix)
        super().__init__(registry, prefix_address_id("CreationTemplate", core.prefix))
        self.prefix: str = core.prefix
        self.applied_for: Tuple[str, ...] = tuple(core.applied_for)
        self.added_by_owner = False
        self._registry = registry
        self._where = where
        self._document = document
        #: The KMS key of the repositories it creates (the owner's by default), or None.
        self.kms_key_arn: Optional[str] = key
        #: Whether ECR assumes the owner's role for it (rather than one given).
        self.uses_owner_role = role is None and needs_role
        if self.uses_owner_role:
            role = templates.role_arn()
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
        if AppliedFor.CREATE_ON_PUSH.value in self.applied_for:
            require_aws_provider_minor(stack, CREATE_ON_PUSH_MINOR)
        self.template = aws.EcrRepositoryCreationTemplate(
            self,
            "template",
            prefix=arguments["prefix"],
            applied_for=arguments["applied_for"],
            description=arguments.get("description"),
            image_tag_mutability=arguments["image_tag_mutability"],
            **exclusion_filter_arguments(core.image_tag_mutability_exclusion_filters),
            # Plain dicts would be read as jsii structs (camelCase keys) and synthesize as [{}].
            encryption_configuration=lazy_any(lambda: encryption),
            lifecycle_policy=arguments.get("lifecycle_policy"),
            repository_policy=_policy_text(self.policy_document, document),
            resource_tags=arguments.get("resource_tags"),
            custom_role_arn=role,
            provider=registry.provider,
        )
        pin_address(stack, self.template, "aws_ecr_repository_creation_template", address,
                    in_release_0_1_0=False)
        templates.add(self)
        add_synth_check(registry.stack_state, self._check_with_registry)

    def _check_with_registry(self) -> None:
        if self._registry._templates.template_for(self.prefix) is not self:
            return  # replaced by a declared template
        location = self._registry.location
        with located(self._where):
            check_template_location(
                self.kms_key_arn, self._role, location.region, location.account_id
            )
            if location.region is not None:
                self._document.check(location.region)


#: The template inputs that :class:`CreationTemplateSettings` checks.
_CHECKED_BY_SETTINGS = frozenset({
    "prefix", "applied_for", "description", "image_tag_mutability", "encryption_type",
    "kms_key_arn", "tags", "custom_role_arn",
})


class TemplateOwner(OwnerCore, Protocol):
    """What a template needs of its registry owner."""

    kms_key_arn: Optional[str]
    _templates: "Templates"


class Templates:
    """The creation templates of one registry owner, one per prefix, and the role ECR
    assumes to apply those with a KMS key or tags."""

    def __init__(self, owner: OwnerCore, replica_template: bool) -> None:
        self._owner = owner
        self.replica_template = replica_template
        self.by_prefix: Dict[str, RepositoryCreationTemplate] = {}
        self.added_for_replicas: Optional[RepositoryCreationTemplate] = None
        self._role: Optional[Any] = None
        #: Called with each template added (the pull-through caches of its prefix use it).
        self.on_add: List[Callable[[RepositoryCreationTemplate], None]] = []

    def template_for(self, prefix: str) -> Optional[RepositoryCreationTemplate]:
        """The creation template of ``prefix`` (``prod`` and ``prod/`` are one prefix)."""
        return self.by_prefix.get(normalized_prefix(prefix))

    def claim(self, prefix: str, applied_for: Sequence[str]) -> None:
        """Refuse a second template for a prefix, unless it replaces one the owner added
        for a cache of that prefix and serves the cache too."""
        self._owner.refuse_elsewhere("prefix", prefix)
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

    def make_room(self, prefix: str) -> None:
        """Remove the template the owner added for ``prefix``, which a declared one replaces."""
        current = self.by_prefix.pop(normalized_prefix(prefix), None)
        if current is not None:
            self._owner.node.try_remove_child(current.node.id)

    def add(self, template: RepositoryCreationTemplate) -> None:
        self.by_prefix[normalized_prefix(template.prefix)] = template
        for notify in self.on_add:
            notify(template)
        self._owner.explicit = True

    def role_arn(self) -> str:
        """The role ECR assumes to apply the owner's templates with a KMS key or tags, made
        once per owner, with the trust policy and permissions AWS documents:
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-create-iam.html
        https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates-custom.html
        """
        if self._role is None:
            owner = self._owner
            self._role = aws.IamRole(
                owner,
                "creation_template_role",
                name_prefix="ecr-creation-template-",
                description="Assumed by ECR to create repositories from the registry's "
                "creation templates (KMS key, tags)",
                assume_role_policy=compact_json({
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": {"Service": "ecr.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }],
                }),
                provider=owner.provider,
            )
            # Pinned before any reference to it is read: a reference fixes the address.
            address = with_alias(CREATION_TEMPLATE_ROLE_ID, owner.alias)
            pin_address(owner.stack_state.stack, self._role, "aws_iam_role", address,
                        in_release_0_1_0=False)
            policy = aws.IamRolePolicy(
                owner,
                "creation_template_role_policy",
                role=self._role.id,
                name="ecr-creation-template",
                policy=lazy_string(self._role_policy),
                provider=owner.provider,
            )
            pin_address(owner.stack_state.stack, policy, "aws_iam_role_policy", address,
                        in_release_0_1_0=False)
        return self._role.arn

    def _role_policy(self) -> str:
        statements: List[Dict[str, Any]] = [{
            "Effect": "Allow",
            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
            "Resource": "*",
        }]
        keys = list(dict.fromkeys(
            t.kms_key_arn for t in self.by_prefix.values()
            if t.uses_owner_role and t.kms_key_arn is not None
        ))
        if keys:
            statements.append({
                "Effect": "Allow",
                "Action": ["kms:CreateGrant", "kms:DescribeKey", "kms:RetireGrant"],
                # Only the keys of this owner's templates, where AWS's example allows any.
                "Resource": keys,
            })
        return compact_json({"Version": "2012-10-17", "Statement": statements})

    def needs_replica_template(self, receives_replicas: Callable[[], bool]) -> bool:
        """A registry of the app receives replicas, and no template of its own applies
        to them: the owner adds a ``ROOT`` ``REPLICATION`` template."""
        if self.added_for_replicas is not None:
            return True
        if not self.replica_template or any(
            AppliedFor.REPLICATION.value in t.applied_for for t in self.by_prefix.values()
        ):
            return False
        return self.template_for(ROOT) is None and receives_replicas()

    def add_replica_template(self, owner: TemplateOwner, receives_replicas: Callable[[], bool]) -> None:
        if self.added_for_replicas is None and self.needs_replica_template(receives_replicas):
            self.added_for_replicas = RepositoryCreationTemplate(
                owner, ROOT, [AppliedFor.REPLICATION],
                description="Guardrails of the repositories that replication creates here "
                "(cdktf_aws_ecr)",
                image_tag_mutability=ImageTagMutability.IMMUTABLE,
            )
            self.added_for_replicas.added_by_owner = True

    def written(self, receives_replicas: Callable[[], bool]) -> Dict[str, Tuple[str, Any]]:
        """What the one-owner check compares: ``{what: (parameter, value)}``."""
        written = {
            f"creation template {t.prefix!r}": ("prefix", t.prefix) for t in self.by_prefix.values()
        }
        if self.added_for_replicas is None and self.needs_replica_template(receives_replicas):
            written[f"creation template {ROOT!r}"] = ("prefix", ROOT)
        return written


def _policy_text(data_source: Optional[Any], document: RepositoryPolicyDocument) -> Optional[str]:
    """The template's repository policy: none without statements, and none when its only
    statements name principal list tokens that are empty (decided by Terraform at plan)."""
    if data_source is None:
        return None
    written = written_condition(document)
    if written is None:
        return str(data_source.json)
    return Token.as_string(Fn.conditional(written, data_source.json, Token.null_value()))
