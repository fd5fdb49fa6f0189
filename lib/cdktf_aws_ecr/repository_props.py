"""The keyword arguments of :class:`~cdktf_aws_ecr.Repository`, declared once, and the
checks and warnings about how they combine."""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Annotated, Any, Mapping, Optional, Required, Sequence, TypedDict, Union

from ._framework import (
    AwsProvider,
    IResolvable,
)
from .adoption import ADOPT_ALLOWED, Adopt, check_adopt, check_adoption
from .checks import (
    TAG_PREFIXES_ALLOWED,
    check_bool,
    check_choice,
    check_count,
    check_kms_key_arn,
    check_name,
    check_plain_bool,
    check_tag_prefixes,
    check_tags,
    type_name,
)
from .enums import EncryptionType, ImageTagMutability, ScanFrequency
from .errors import ValidationError
from .inputs import (
    Input,
)
from .lifecycle.policy_check import check_lifecycle_policy
from .lifecycle.rules import (
    PROTECTED_TAGS_ALLOWED,
    SEED_LIFECYCLE_KEYWORDS,
    LifecycleRule,
    check_lifecycle_rules,
    check_protected_tags,
)
from .policy.repository_policy import PullPrincipalArns, PushPrincipalArns
from .providers import check_provider
from .registry.destinations import ReplicationDestination
from .registry.replication_planner import REPLICATE_TO_ALLOWED, check_replicate_to
from .tag_mutability import (
    FILTERS_ALLOWED,
    MUTABILITY_ALLOWED,
    check_exclusion_filters,
    check_mutability,
    check_mutability_with_filters,
)
from .tokens import is_token

Number = Union[int, float]
#: A boolean, or a boolean token (``TerraformVariable(type="bool").boolean_value``).
BoolOrToken = Union[bool, IResolvable]

_NO_TAGS: Mapping[str, str] = MappingProxyType({})

_LIFECYCLE_POLICY_JSON_ALLOWED = (
    "None, or the JSON text of a whole lifecycle policy that check_lifecycle_policy accepts, "
    "known at synth"
)


def _check_lifecycle_policy_json(parameter: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if type(value) is not str or is_token(value):
        problem = "is an unresolved token" if isinstance(value, str) else f"is {type_name(value)}"
        raise ValidationError(parameter, value, _LIFECYCLE_POLICY_JSON_ALLOWED, problem=problem)
    try:
        check_lifecycle_policy(value)
    except ValidationError as error:
        # Named as the input: "lifecycle_policy_json.rules[0].selection.tagStatus".
        name = parameter + ("" if error.parameter == "lifecycle_policy" else f".{error.parameter}")
        raise ValidationError(name, error.value, error.allowed, problem=error.problem) from None
    return value


class RepositoryProps(TypedDict, total=False):
    """The keyword arguments of :class:`Repository`: the seed module's variables, with their
    names, types and defaults, and a few more. Enumerations also take their exact strings."""

    name: Required[Annotated[str, Input(
        description="Repository name, e.g. `payments/accounts-service`. Unique per registry.",
        allowed="2-256 chars, `^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`; or a token",
        check=check_name,
    )]]
    image_tag_mutability: Annotated[Union[str, ImageTagMutability], Input(
        description="`IMMUTABLE` stops a pushed tag (`:v1.4.2`, `:latest`) from being moved to another image.",
        allowed=MUTABILITY_ALLOWED + "; or a token",
        check=check_mutability,
        default="IMMUTABLE",
    )]
    image_tag_mutability_exclusion_filters: Annotated[Sequence[str], Input(
        description="Not in the seed module. Tags that get the opposite of a `*_WITH_EXCLUSION` "
        "mode, e.g. `IMMUTABLE_WITH_EXCLUSION` with `[\"latest\", \"dev-*\"]`.",
        allowed=FILTERS_ALLOWED,
        check=check_exclusion_filters,
        default=(),
    )]
    scan_on_push: Annotated[BoolOrToken, Input(
        description="Basic scan of every pushed image. Under an ENHANCED registry the repository "
        "is put in the enhanced `SCAN_ON_PUSH` rule instead, so it stays scanned (a token counts as on).",
        allowed="bool; or a boolean token",
        check=check_bool,
        default=True,
    )]
    enhanced_scanning: Annotated[bool, Input(
        description="Amazon Inspector enhanced scanning through the registry's single scanning configuration.",
        allowed="bool (not a token: the registry's configuration is laid out at synth)",
        check=lambda parameter, value: check_plain_bool(
            parameter, value, "the registry's scanning configuration is laid out at synth"
        ),
        default=False,
    )]
    enhanced_scan_frequency: Annotated[Union[str, ScanFrequency], Input(
        description="Enhanced scanning frequency, used when `enhanced_scanning` is on.",
        allowed="`SCAN_ON_PUSH`, `CONTINUOUS_SCAN`; a token only while `enhanced_scanning` is off",
        check=lambda parameter, value: check_choice(parameter, value, ScanFrequency),
        default="CONTINUOUS_SCAN",
    )]
    encryption_type: Annotated[Union[str, EncryptionType], Input(
        description="Used when `kms_key_arn` is None; `KMS` then means the AWS-managed `aws/ecr` "
        "key. Fixed at creation.",
        allowed="`AES256`, `KMS`; or a token",
        check=lambda parameter, value: check_choice(parameter, value, EncryptionType),
        default="AES256",
    )]
    kms_key_arn: Annotated[Optional[str], Input(
        description="Customer-managed key; forces `encryption_type` to `KMS`. Aliases are refused "
        "(they replace the repository on every plan).",
        allowed="KMS *key* ARN in the repository's region (checked at synth); or a token "
        "(a Terraform precondition refuses a non-key ARN)",
        check=check_kms_key_arn,
        default=None,
    )]
    force_delete: Annotated[BoolOrToken, Input(
        description="Let a destroy delete a repository that still holds images.",
        allowed="bool; or a boolean token",
        check=check_bool,
        default=False,
    )]
    enable_lifecycle_policy: Annotated[BoolOrToken, Input(
        description="Attach a lifecycle policy: the seed's two rules (expire untagged images by "
        "age, keep the newest tagged images), or `lifecycle_rules`, behind `protected_tags`.",
        allowed="bool; or a boolean token (the policy then gets a Terraform `count`); not False "
        "with `lifecycle_rules` or `protected_tags`",
        check=check_bool,
        default=True,
    )]
    untagged_image_expiry_days: Annotated[Number, Input(
        description="Expire untagged images older than this many days (the seed's rule 1; "
        "`lifecycle_rules` replace it).",
        allowed="1 to 2147483647; or a number token (checked by a Terraform precondition)",
        check=check_count,
        default=14,
    )]
    max_tagged_image_count: Annotated[Number, Input(
        description="Keep the newest this many images whose tags match every listed prefix (the "
        "seed's rule 2; `lifecycle_rules` replace it).",
        allowed="1 to 2147483647; or a number token (checked by a Terraform precondition)",
        check=check_count,
        default=30,
    )]
    lifecycle_tag_prefix_list: Annotated[Sequence[str], Input(
        description="Tag prefixes of the seed's tagged-image rule. As in ECR, several prefixes "
        "mean AND: an image is selected only if it carries a tag for *every* prefix, so images "
        "tagged with only some of them never expire; several warn "
        "(`LifecycleTagPrefixListWarning`). For a tag of *any* prefix, use `lifecycle_rules` "
        "with one `LifecycleRule` per prefix.",
        allowed="distinct Docker tag prefixes, at least one while the lifecycle policy is on; "
        "or a list token (checked by a Terraform precondition)",
        check=check_tag_prefixes,
        default=("v",),
    )]
    lifecycle_rules: Annotated[Sequence[LifecycleRule], Input(
        description="Not in the seed module. Typed rules that replace the seed's two rules "
        "(`add_lifecycle_rule` adds more): explicit priorities are kept, the others numbered in "
        "order, the `ANY` rule last (of each storage class). Rules may archive instead of "
        "expire. The whole policy is checked as ECR checks it.",
        allowed="a list of `LifecycleRule` (fields below); not with an explicitly passed "
        "`untagged_image_expiry_days`, `max_tagged_image_count` or `lifecycle_tag_prefix_list`",
        check=check_lifecycle_rules,
        default=(),
    )]
    protected_tags: Annotated[Sequence[str], Input(
        description="Not in the seed module. Tag patterns whose images never expire (nor go to "
        "archive), with `lifecycle_rules` or the seed's rules: each pattern gets its own rule, "
        "ahead of the others. Protected images still take places in lower rules' "
        "`max_image_count` windows.",
        allowed=PROTECTED_TAGS_ALLOWED,
        check=check_protected_tags,
        default=(),
    )]
    lifecycle_policy_json: Annotated[Optional[str], Input(
        description="Not in the seed module. A whole lifecycle policy, kept as written (Terraform "
        "receives it compacted), for a policy typed rules cannot express, such as an adopted "
        "one; checked as ECR checks it.",
        allowed="None, or JSON text that `check_lifecycle_policy` accepts, known at synth; not "
        "with `lifecycle_rules`, `protected_tags` or the seed's lifecycle keywords",
        check=_check_lifecycle_policy_json,
        default=None,
    )]
    pull_principal_arns: PullPrincipalArns
    push_principal_arns: PushPrincipalArns
    tags: Annotated[Mapping[str, str], Input(
        description="Tags on the repository, merged with the provider's `default_tags`.",
        allowed="at most 50 counting the provider's `default_tags`; keys 1-128 and values 0-256 "
        "characters of any kind ECR allows; no `aws:` key prefix, not `__proto__`; or a map "
        "token, or tokens as keys or values (checked by a Terraform precondition)",
        check=check_tags,
        default=_NO_TAGS,
    )]
    prevent_destroy: Annotated[Optional[bool], Input(
        description="Not in the seed module. Terraform's `lifecycle.prevent_destroy`: any plan "
        "that would destroy or replace the repository fails, before anything is touched. "
        "Default: on, unless `force_delete=True` (a plain True) says the repository and its "
        "images may go.",
        allowed="None (the default above), True or False (not a token: Terraform needs a literal)",
        check=lambda parameter, value: None if value is None else check_plain_bool(
            parameter, value, "Terraform's lifecycle.prevent_destroy must be a literal"
        ),
        default=None,
    )]
    provider: Annotated[Optional[AwsProvider], Input(
        description="Not in the seed module. The `AwsProvider` every resource of the repository "
        "uses, e.g. an aliased provider of a second region; its account and region decide the "
        "registry the repository reports to.",
        allowed="None (the stack's default provider, wherever and whenever it is created), or an "
        "`AwsProvider` of the same stack",
        check=check_provider,
        default=None,
    )]
    replicate_to: Annotated[Sequence[ReplicationDestination], Input(
        description="Not in the seed module. Registries that receive a copy of each image pushed "
        "from then on: `ReplicationDestination(region, account_id=None)`, None meaning this "
        "registry's account. Merged into the registry's single replication configuration "
        "(see `Registry`); as a `PREFIX_MATCH` filter the name also replicates longer names "
        "that start with it.",
        allowed=REPLICATE_TO_ALLOWED.replace("ReplicationDestination(region, account_id=None)",
                                             "`ReplicationDestination`")
        + "; not this registry itself, not another partition (checked at synth)",
        check=check_replicate_to,
        default=(),
    )]
    adopt: Annotated[Optional[Adopt], Input(
        description="Not in the seed module. The repository exists in AWS already (made by the "
        "console, a script or another state): the first plan imports it and the policies "
        "`Adopt` says exist, then updates them in place to these inputs; a declared encryption "
        "that is not the live one stops the plan. Once imported it changes nothing (it reads "
        "the live repository at each plan), so it may stay. `python -m cdktf_aws_ecr.adopt` "
        "writes it.",
        allowed=ADOPT_ALLOWED,
        check=check_adopt,
        default=None,
    )]


def check_combinations(settings: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """Checks of inputs that depend on each other (errors show the values as ``given``)."""
    check_adoption(settings, given)
    check_mutability_with_filters(
        settings["image_tag_mutability"], settings["image_tag_mutability_exclusion_filters"], given
    )
    frequency = settings["enhanced_scan_frequency"]
    if settings["enhanced_scanning"] and frequency not in {m.value for m in ScanFrequency}:
        raise ValidationError(
            "enhanced_scan_frequency",
            given["enhanced_scan_frequency"],
            "'SCAN_ON_PUSH' or 'CONTINUOUS_SCAN' as a plain value while enhanced_scanning "
            "is on: the registry's scanning rules are grouped by frequency at synth time",
            problem="is an unresolved token",
        )
    prefixes = settings["lifecycle_tag_prefix_list"]
    if settings["enable_lifecycle_policy"] is not False and not prefixes:
        raise ValidationError(
            "lifecycle_tag_prefix_list",
            given.get("lifecycle_tag_prefix_list", prefixes),
            TAG_PREFIXES_ALLOWED + "; at least one while the lifecycle policy is enabled",
            problem="is empty, and ECR rejects a 'tagged' lifecycle rule without prefixes",
        )


def check_lifecycle_combinations(settings: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """``lifecycle_rules`` replace the seed's two rules, so they are refused together
    with an explicitly passed seed lifecycle keyword; ``protected_tags`` go with
    either; neither means anything without a lifecycle policy."""
    seed = [keyword for keyword in SEED_LIFECYCLE_KEYWORDS if keyword in given]
    if settings["lifecycle_rules"] and seed:
        raise ValidationError(
            "lifecycle_rules",
            given["lifecycle_rules"],
            "either lifecycle_rules or the seed's lifecycle keywords "
            f"({', '.join(SEED_LIFECYCLE_KEYWORDS)}), not both: lifecycle_rules replace the "
            "seed's two rules",
            problem="is given together with "
            + " and ".join(f"{keyword}={given[keyword]!r}" for keyword in seed),
        )
    if settings["lifecycle_policy_json"] is not None:
        combined = [k for k in ("lifecycle_rules", "protected_tags") if given.get(k)] + seed
        if combined:
            raise ValidationError(
                "lifecycle_policy_json",
                given["lifecycle_policy_json"],
                "a whole policy on its own: not with lifecycle_rules, protected_tags or the "
                f"seed's lifecycle keywords ({', '.join(SEED_LIFECYCLE_KEYWORDS)})",
                problem=f"is given together with {combined[0]}={given[combined[0]]!r}",
            )
    if settings["enable_lifecycle_policy"] is False:
        for parameter in ("lifecycle_rules", "protected_tags", "lifecycle_policy_json"):
            if settings[parameter]:
                raise ValidationError(
                    parameter,
                    given[parameter],
                    "nothing while enable_lifecycle_policy is False",
                    problem="is given with enable_lifecycle_policy=False, which attaches no "
                    "lifecycle policy",
                )


def protected(settings: Mapping[str, Any]) -> bool:
    """Whether Terraform must refuse any plan that destroys or replaces the repository: unless
    ``prevent_destroy`` says, all but a plain ``force_delete=True`` ("its images may go") are."""
    prevent_destroy: Optional[bool] = settings["prevent_destroy"]
    if prevent_destroy is None:
        return settings["force_delete"] is not True
    return prevent_destroy


class DestroyableRepositoryWarning(UserWarning):
    """A repository that a plan may destroy or replace, perhaps unintentionally."""


def warn_if_destroyable(settings: Mapping[str, Any], where: str) -> None:
    if settings["prevent_destroy"] is None and settings["force_delete"] is True:
        warnings.warn(
            f"{where}: force_delete=True leaves it unprotected: a plan that replaces or removes "
            "it deletes it with its images. Pass prevent_destroy=False to confirm, or "
            "prevent_destroy=True to keep it.",
            DestroyableRepositoryWarning,
            stacklevel=4,
        )
    elif settings["prevent_destroy"] is False and settings["force_delete"] is not True:
        warnings.warn(
            f"{where}: prevent_destroy=False without force_delete=True: a plan that replaces it "
            "removes its lifecycle and repository policies first, then fails if it holds images. "
            "Pass force_delete=True if its images may go, or keep prevent_destroy.",
            DestroyableRepositoryWarning,
            stacklevel=4,
        )


class LifecycleTagPrefixListWarning(UserWarning):
    """Several seed-style ``lifecycle_tag_prefix_list`` prefixes: ECR's ``tagPrefixList`` means
    AND, which is rarely what was meant."""


def warn_if_prefixes_mean_and(settings: Mapping[str, Any], where: str) -> None:
    prefixes = settings["lifecycle_tag_prefix_list"]
    if settings["enable_lifecycle_policy"] is False or settings["lifecycle_rules"] or len(prefixes) < 2:
        return
    days = settings["untagged_image_expiry_days"]
    count = settings["max_tagged_image_count"]
    days_text = str(days) if isinstance(days, int) else "<days>"
    count_text = str(count) if isinstance(count, int) else "<count>"
    warnings.warn(
        f"{where}: lifecycle_tag_prefix_list={list(prefixes)!r} selects only images that carry a "
        "tag for EVERY prefix (ECR's tagPrefixList means AND); images tagged with only some of "
        "them are never expired by max_tagged_image_count. For images with a tag of ANY of these "
        "prefixes, pass lifecycle_rules=[LifecycleRule(tag_status=TagStatus.UNTAGGED, "
        f"max_image_age_days={days_text})] + [LifecycleRule(tag_prefix_list=[prefix], "
        f"max_image_count={count_text}) for prefix in {list(prefixes)!r}] instead of the seed's "
        f"lifecycle keywords (each prefix then keeps its own newest {count_text}).",
        LifecycleTagPrefixListWarning,
        stacklevel=4,
    )
