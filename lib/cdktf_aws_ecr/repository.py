"""The :class:`Repository` construct: one private ECR repository with guardrails."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import AbstractSet, Any, List, Mapping, Optional, Sequence, Union

from cdktf import Fn, Postcondition, TerraformResourceLifecycle, Token
from constructs import Construct

from ._stack_state import node_of, require_terraform_constraints, state_of
from .enums import EncryptionType, ImageTagMutability, ScanFrequency
from .errors import ValidationError
from .policies import (
    MAX_LIFECYCLE_POLICY_LENGTH,
    PULL_ACTIONS,
    PULL_STATEMENT_SID,
    PUSH_ACTIONS,
    PUSH_STATEMENT_SID,
    lifecycle_policy_json,
    lifecycle_rules,
)
from .registry import RegistryScanning, ScanningRequest
from .validation import (
    PRINCIPAL_RE,
    check_bool,
    check_choice,
    check_count,
    check_kms_key_arn,
    check_name,
    check_principals,
    check_tag_prefixes,
    check_tags,
    TAG_PREFIX_RE,
)

_NO_TAGS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class InputSpec:
    """One keyword argument of :class:`Repository`, as documented in the README."""

    name: str
    type: str
    default: str
    allowed: str
    description: str


@dataclass(frozen=True)
class OutputSpec:
    name: str
    description: str


#: The construct's inputs, in signature order. The README tables are generated
#: from these, and a test checks them against the signature and defaults.
INPUTS: tuple[InputSpec, ...] = (
    InputSpec("name", "str", "required", "2-256 chars, `^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`",
              "Repository name, e.g. `payments/accounts-service`. Unique per registry."),
    InputSpec("image_tag_mutability", "str \\| ImageTagMutability", '"IMMUTABLE"', "`MUTABLE`, `IMMUTABLE`",
              "`IMMUTABLE` stops a pushed tag (`:v1.4.2`, `:latest`) from being moved to another image."),
    InputSpec("scan_on_push", "bool", "True", "bool",
              "Basic scan of every pushed image. Under an ENHANCED registry the repository is put in the enhanced `SCAN_ON_PUSH` rule instead, so it stays scanned."),
    InputSpec("enhanced_scanning", "bool", "False", "bool",
              "Amazon Inspector enhanced scanning through the registry's single scanning configuration."),
    InputSpec("enhanced_scan_frequency", "str \\| ScanFrequency", '"CONTINUOUS_SCAN"', "`SCAN_ON_PUSH`, `CONTINUOUS_SCAN`",
              "Enhanced scanning frequency, used when `enhanced_scanning` is on."),
    InputSpec("encryption_type", "str \\| EncryptionType", '"AES256"', "`AES256`, `KMS`",
              "Used when `kms_key_arn` is None; `KMS` then means the AWS-managed `aws/ecr` key. Fixed at creation."),
    InputSpec("kms_key_arn", "str \\| None", "None", "KMS *key* ARN in the repository's region, or a token",
              "Customer-managed key; forces `encryption_type` to `KMS`. Aliases are refused (they replace the repository on every plan)."),
    InputSpec("force_delete", "bool", "False", "bool",
              "Let a destroy delete a repository that still holds images."),
    InputSpec("enable_lifecycle_policy", "bool", "True", "bool",
              "Attach the lifecycle policy that expires untagged and surplus tagged images."),
    InputSpec("untagged_image_expiry_days", "int", "14", "1 to 2147483647",
              "Expire untagged images older than this many days."),
    InputSpec("max_tagged_image_count", "int", "30", "1 to 2147483647",
              "Keep at most this many images whose tag starts with a listed prefix."),
    InputSpec("lifecycle_tag_prefix_list", "Sequence[str]", '("v",)', "distinct Docker tag prefixes; non-empty while the lifecycle policy is on",
              "Tag prefixes the tagged-image rule applies to, e.g. `(\"v\", \"release-\")`."),
    InputSpec("pull_principal_arns", "Sequence[str]", "()", "IAM principal ARNs or 12-digit account IDs; no `*`",
              "Principals allowed to pull (3 read actions)."),
    InputSpec("push_principal_arns", "Sequence[str]", "()", "IAM principal ARNs or 12-digit account IDs; no `*`",
              "Principals allowed to push (the 3 read actions plus 4 upload actions)."),
    InputSpec("tags", "Mapping[str, str]", "{}", "at most 50 counting the provider's `default_tags`; keys 1-128 chars, values 0-256, no `aws:` prefix, not `__proto__`",
              "Tags on the repository, merged with the provider's `default_tags`."),
    InputSpec("prevent_destroy", "bool", "False", "bool",
              "Not in the seed module. Adds Terraform's `lifecycle.prevent_destroy`, so any plan that would destroy or replace the repository fails."),
)

OUTPUTS: tuple[OutputSpec, ...] = (
    OutputSpec("id", "Repository identifier (the repository name)."),
    OutputSpec("name", "The repository name."),
    OutputSpec("arn", "Full ARN of the repository."),
    OutputSpec("repository_url", "`<account>.dkr.ecr.<region>.amazonaws.com/<name>`, for docker push/pull and image references."),
    OutputSpec("registry_id", "Account ID of the registry that holds the repository."),
)


@dataclass(frozen=True)
class RepositorySettings:
    """Validated, normalised inputs."""

    name: str
    image_tag_mutability: str
    scan_on_push: bool
    enhanced_scanning: bool
    enhanced_scan_frequency: str
    encryption_type: str
    kms_key_arn: Optional[str]
    force_delete: bool
    enable_lifecycle_policy: bool
    untagged_image_expiry_days: Union[int, float]
    max_tagged_image_count: Union[int, float]
    lifecycle_tag_prefix_list: Sequence[str]
    pull_principal_arns: Sequence[str]
    push_principal_arns: Sequence[str]
    tags: Mapping[str, str]
    prevent_destroy: bool

    @property
    def effective_encryption_type(self) -> str:
        """A key ARN forces KMS, as in the seed module."""
        return EncryptionType.KMS.value if self.kms_key_arn is not None else self.encryption_type


def _check_scan_frequency(value: Any, enhanced_scanning: bool) -> str:
    """A frequency; a token only while enhanced scanning is off (it is then unused).

    The registry's rules are grouped by frequency at synth time, so a token
    would match no rule and leave the repository out of an ENHANCED registry.
    """
    frequency = check_choice("enhanced_scan_frequency", value, ScanFrequency)
    if enhanced_scanning is True and frequency not in {m.value for m in ScanFrequency}:
        raise ValidationError(
            "enhanced_scan_frequency",
            value,
            "'SCAN_ON_PUSH' or 'CONTINUOUS_SCAN' as a plain value while enhanced_scanning "
            "is on: the registry's scanning rules are grouped by frequency at synth time",
            problem="is an unresolved token",
        )
    return frequency


def validate_settings(
    region: Optional[str] = None,
    default_tag_keys: AbstractSet[str] = frozenset(),
    **inputs: Any,
) -> RepositorySettings:
    """Check every input; raise :class:`ValidationError` on the first bad one.

    ``region`` and ``default_tag_keys`` describe the stack's provider, where known.
    """
    enable_lifecycle = check_bool("enable_lifecycle_policy", inputs["enable_lifecycle_policy"])
    return RepositorySettings(
        name=check_name("name", inputs["name"]),
        image_tag_mutability=check_choice(
            "image_tag_mutability", inputs["image_tag_mutability"], ImageTagMutability
        ),
        scan_on_push=check_bool("scan_on_push", inputs["scan_on_push"]),
        enhanced_scanning=check_bool("enhanced_scanning", inputs["enhanced_scanning"]),
        enhanced_scan_frequency=_check_scan_frequency(
            inputs["enhanced_scan_frequency"], inputs["enhanced_scanning"]
        ),
        encryption_type=check_choice("encryption_type", inputs["encryption_type"], EncryptionType),
        kms_key_arn=check_kms_key_arn("kms_key_arn", inputs["kms_key_arn"], region),
        force_delete=check_bool("force_delete", inputs["force_delete"]),
        enable_lifecycle_policy=enable_lifecycle,
        untagged_image_expiry_days=check_count(
            "untagged_image_expiry_days", inputs["untagged_image_expiry_days"], 1
        ),
        max_tagged_image_count=check_count(
            "max_tagged_image_count", inputs["max_tagged_image_count"], 1
        ),
        lifecycle_tag_prefix_list=check_tag_prefixes(
            "lifecycle_tag_prefix_list", inputs["lifecycle_tag_prefix_list"], enable_lifecycle
        ),
        pull_principal_arns=check_principals(
            "pull_principal_arns", inputs["pull_principal_arns"], region
        ),
        push_principal_arns=check_principals(
            "push_principal_arns", inputs["push_principal_arns"], region
        ),
        tags=check_tags("tags", inputs["tags"], default_tag_keys),
        prevent_destroy=check_bool("prevent_destroy", inputs["prevent_destroy"]),
    )


def _lifecycle_policy(settings: RepositorySettings) -> str:
    days = settings.untagged_image_expiry_days
    count = settings.max_tagged_image_count
    prefixes = settings.lifecycle_tag_prefix_list
    # Validated floats and non-matching prefixes can only be unresolved tokens.
    if not (
        isinstance(days, float)
        or isinstance(count, float)
        or any(not TAG_PREFIX_RE.fullmatch(prefix) for prefix in prefixes)
    ):
        return lifecycle_policy_json(lifecycle_rules(days, count, prefixes))
    # Some value is only known at apply time, so Terraform builds the JSON.
    return Fn.jsonencode(
        lifecycle_rules(
            days,
            count,
            prefixes,
            render=lambda n: Token.as_string(n) if isinstance(n, float) else str(n),
        )
    )


#: Terraform checks this when a principal is only known at apply time (a token):
#: no identifier of the policy document may hold a wildcard.
WILDCARD_GUARD_CONDITION = (
    "${alltrue(flatten([for s in self.statement : [for p in s.principals : "
    '[for i in p.identifiers : !strcontains(i, "*") && !strcontains(i, "?")]]]))}'
)
WILDCARD_GUARD_MESSAGE = (
    "cdktf_aws_ecr: a repository policy principal resolved to a wildcard ('*' or '?'); "
    "grant named IAM principals or account IDs only."
)


def _wildcard_guard(principals: Sequence[str]) -> Optional[TerraformResourceLifecycle]:
    """A postcondition on the policy document, when some principal is a token.

    Plain principals were checked at construction; a token (a role ARN from the
    same stack, a variable) is only known to Terraform, which then refuses a
    wildcard before the repository policy is written.
    """
    if all(PRINCIPAL_RE.fullmatch(p) for p in principals):
        return None
    return TerraformResourceLifecycle(
        postcondition=[
            Postcondition(condition=WILDCARD_GUARD_CONDITION, error_message=WILDCARD_GUARD_MESSAGE)
        ]
    )


class Repository(Construct):
    """A private ECR repository with scan-on-push, encryption, immutable tags,
    lifecycle expiry and a least-privilege repository policy.

    It writes the same Terraform as the seed HCL module:

    * ``aws_ecr_repository`` (always);
    * ``aws_ecr_lifecycle_policy`` when ``enable_lifecycle_policy``;
    * ``aws_iam_policy_document`` data source and ``aws_ecr_repository_policy``
      when any pull or push principal is given (statements ``AllowPull``, ``AllowPush``);
    * its share of the registry's single ``aws_ecr_registry_scanning_configuration``
      (see :class:`~cdktf_aws_ecr.RegistryScanning`).

    Every input is checked before anything is added to the construct tree; a
    bad one raises :class:`~cdktf_aws_ecr.ValidationError` naming the
    parameter, the value and what is allowed. The stack's ``AwsProvider`` is
    not part of the construct; create it in the stack, before the first
    repository, so its region and account are known to the checks.

    See :data:`INPUTS` for each keyword argument's constraint and default.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        image_tag_mutability: Union[str, ImageTagMutability] = "IMMUTABLE",
        scan_on_push: bool = True,
        enhanced_scanning: bool = False,
        enhanced_scan_frequency: Union[str, ScanFrequency] = "CONTINUOUS_SCAN",
        encryption_type: Union[str, EncryptionType] = "AES256",
        kms_key_arn: Optional[str] = None,
        force_delete: bool = False,
        enable_lifecycle_policy: bool = True,
        untagged_image_expiry_days: int = 14,
        max_tagged_image_count: int = 30,
        lifecycle_tag_prefix_list: Sequence[str] = ("v",),
        pull_principal_arns: Sequence[str] = (),
        push_principal_arns: Sequence[str] = (),
        tags: Mapping[str, str] = _NO_TAGS,
        prevent_destroy: bool = False,
    ) -> None:
        state = state_of(scope)
        scope_path = state.path if scope is state.stack else node_of(scope).path
        where = f"Repository '{scope_path}/{id}'"
        try:
            if not isinstance(id, str) or not id:
                raise ValidationError("id", id, "a non-empty string")
            settings = validate_settings(
                region=state.region,
                default_tag_keys=state.default_tag_keys,
                name=name,
                image_tag_mutability=image_tag_mutability,
                scan_on_push=scan_on_push,
                enhanced_scanning=enhanced_scanning,
                enhanced_scan_frequency=enhanced_scan_frequency,
                encryption_type=encryption_type,
                kms_key_arn=kms_key_arn,
                force_delete=force_delete,
                enable_lifecycle_policy=enable_lifecycle_policy,
                untagged_image_expiry_days=untagged_image_expiry_days,
                max_tagged_image_count=max_tagged_image_count,
                lifecycle_tag_prefix_list=lifecycle_tag_prefix_list,
                pull_principal_arns=pull_principal_arns,
                push_principal_arns=push_principal_arns,
                tags=tags,
                prevent_destroy=prevent_destroy,
            )
            if node_of(scope).try_find_child(id) is not None:
                raise ValidationError(
                    "id", id, f"an id not yet used in '{scope_path}'", problem="is taken"
                )
        except ValidationError as error:
            raise error.located(where) from None
        policy = _lifecycle_policy(settings) if settings.enable_lifecycle_policy else None
        if policy is not None and len(policy) > MAX_LIFECYCLE_POLICY_LENGTH:
            raise ValidationError(
                "lifecycle_tag_prefix_list",
                lifecycle_tag_prefix_list,
                f"a list short enough for a lifecycle policy of at most "
                f"{MAX_LIFECYCLE_POLICY_LENGTH} characters",
                problem=f"makes the policy {len(policy)} characters long",
                where=where,
            )
        request = ScanningRequest(
            name=settings.name,
            scan_on_push=settings.scan_on_push,
            enhanced_frequency=(
                settings.enhanced_scan_frequency if settings.enhanced_scanning else None
            ),
            construct_path=f"{scope_path}/{id}",
        )
        scanning = RegistryScanning._checked_owner(state.stack, request)

        super().__init__(scope, id)
        self.settings = settings
        require_terraform_constraints(state)
        self._build(settings, policy)
        scanning.add(request)

    def _build(self, settings: RepositorySettings, lifecycle_policy: Optional[str]) -> None:
        # Bindings are imported here, after cdktf_aws_ecr set up their lean start.
        from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
            DataAwsIamPolicyDocument,
            DataAwsIamPolicyDocumentStatement,
            DataAwsIamPolicyDocumentStatementPrincipals,
        )
        from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
        from cdktf_cdktf_provider_aws.ecr_repository import (
            EcrRepository,
            EcrRepositoryEncryptionConfiguration,
            EcrRepositoryImageScanningConfiguration,
        )
        from cdktf_cdktf_provider_aws.ecr_repository_policy import EcrRepositoryPolicy

        encryption = settings.effective_encryption_type
        self.repository = EcrRepository(
            self,
            "repository",
            name=settings.name,
            image_tag_mutability=settings.image_tag_mutability,
            force_delete=settings.force_delete,
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(
                scan_on_push=settings.scan_on_push
            ),
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(
                    encryption_type=encryption,
                    kms_key=settings.kms_key_arn if encryption == EncryptionType.KMS.value else None,
                )
            ],
            tags=dict(settings.tags),
            lifecycle=(
                TerraformResourceLifecycle(prevent_destroy=True)
                if settings.prevent_destroy
                else None
            ),
        )
        repository_name = self.repository.name

        self.lifecycle_policy: Optional[EcrLifecyclePolicy] = None
        if lifecycle_policy is not None:
            self.lifecycle_policy = EcrLifecyclePolicy(
                self, "lifecycle_policy", repository=repository_name, policy=lifecycle_policy
            )

        statements: List[DataAwsIamPolicyDocumentStatement] = [
            DataAwsIamPolicyDocumentStatement(
                sid=sid,
                effect="Allow",
                principals=[
                    DataAwsIamPolicyDocumentStatementPrincipals(
                        type="AWS", identifiers=list(principals)
                    )
                ],
                actions=list(actions),
            )
            for sid, principals, actions in (
                (PULL_STATEMENT_SID, settings.pull_principal_arns, PULL_ACTIONS),
                (PUSH_STATEMENT_SID, settings.push_principal_arns, PUSH_ACTIONS),
            )
            if principals
        ]
        self.policy_document: Optional[DataAwsIamPolicyDocument] = None
        self.repository_policy: Optional[EcrRepositoryPolicy] = None
        if statements:
            self.policy_document = DataAwsIamPolicyDocument(
                self,
                "policy_document",
                statement=statements,
                lifecycle=_wildcard_guard(
                    [*settings.pull_principal_arns, *settings.push_principal_arns]
                ),
            )
            self.repository_policy = EcrRepositoryPolicy(
                self,
                "repository_policy",
                repository=repository_name,
                policy=self.policy_document.json,
            )

    @property
    def id(self) -> str:
        """Repository identifier (the repository name)."""
        return self.repository.id

    @property
    def name(self) -> str:
        """The repository name (a token that orders dependants after creation)."""
        return self.repository.name

    @property
    def arn(self) -> str:
        """Full ARN of the repository."""
        return self.repository.arn

    @property
    def repository_url(self) -> str:
        """``<account>.dkr.ecr.<region>.amazonaws.com/<name>``."""
        return self.repository.repository_url

    @property
    def registry_id(self) -> str:
        """Account ID of the registry that holds the repository."""
        return self.repository.registry_id

