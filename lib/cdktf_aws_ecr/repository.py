"""The :class:`Repository` construct: one private ECR repository with guardrails."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from types import MappingProxyType
from typing import (
    Annotated,
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Required,
    Sequence,
    Tuple,
    TypedDict,
    Union,
    Unpack,
)

from ._framework import (
    AwsProvider,
    Construct,
    DefaultTokenResolver,
    Fn,
    IResolvable,
    Op,
    Precondition,
    StringConcat,
    TerraformResourceLifecycle,
    TerraformStack,
    Token,
    Tokenization,
    aws,
)
from ._state import add_synth_check, lazy_string, path_of, state_of
from .addresses import node_id, pin_address, repository_address_id
from .checks import (
    KMS_KEY_ALLOWED,
    PRINCIPALS_ALLOWED,
    TAG_PREFIXES_ALLOWED,
    TAGS_ALLOWED,
    check_bool,
    check_choice,
    check_count,
    check_kms_key_arn,
    check_kms_key_region,
    check_name,
    check_plain_bool,
    check_principal_partitions,
    check_tag_prefixes,
    check_tag_total,
    check_tags,
    kms_key_allowed_in,
    type_name,
)
from .enums import EncryptionType, ImageTagMutability, ScanFrequency
from .errors import ValidationError
from .facts import (
    MAX_COUNT,
    MAX_TAG_KEY_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS,
    REPOSITORY_NAME_LENGTH,
    REPOSITORY_NAME_PATTERN,
    RESERVED_TAG_PREFIX,
    TAG_PREFIX_PATTERN,
)
from .inputs import (
    Input,
    InputSpec,
    checked_inputs,
    expand_keyword_arguments,
    input_specs,
    with_init_signature,
)
from .json_text import compact_json
from .lifecycle import (
    MAX_TAG_PATTERN_WILDCARDS,
    MIN_ARCHIVE_DAYS,
    PROTECTED_TAGS_ALLOWED,
    SEED_LIFECYCLE_KEYWORDS,
    TAG_PATTERN_PATTERN,
    TAG_PATTERNS_ALLOWED,
    LifecycleRule,
    assemble_lifecycle_policy,
    check_lifecycle_rules,
    check_protected_tags,
    seed_lifecycle_rules,
)
from .policy.grantees import GRANTEES_ALLOWED, Access
from .policy.registry_login import grant_registry_login
from .policy.repository_policy import (
    PullPrincipalArns,
    PushPrincipalArns,
    RepositoryPolicyDocument,
    write_policy_document,
)
from .providers import ProviderFacts, alias_of, check_provider, require_provider_versions
from .registry import Registry, ScanningRequest, check_same_stack, owner_for
from .replication import REPLICATE_TO_ALLOWED, ReplicationDestination, check_replicate_to
from .tokens import is_map_token, is_token, literal_in_expression, literal_text

Number = Union[int, float]
#: A boolean, or a boolean token (``TerraformVariable(type="bool").boolean_value``).
BoolOrToken = Union[bool, IResolvable]

_NO_TAGS: Mapping[str, str] = MappingProxyType({})


class RepositoryProps(TypedDict, total=False):
    """The keyword arguments of :class:`Repository`: the seed module's variables,
    with the same names, types and defaults, plus ``lifecycle_rules``, ``protected_tags``,
    ``prevent_destroy``, ``provider`` and ``replicate_to``.

    Enumerations accept the enum member or its exact, case-sensitive string.
    """

    name: Required[Annotated[str, Input(
        description="Repository name, e.g. `payments/accounts-service`. Unique per registry.",
        allowed="2-256 chars, `^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$`; or a token",
        check=check_name,
    )]]
    image_tag_mutability: Annotated[Union[str, ImageTagMutability], Input(
        description="`IMMUTABLE` stops a pushed tag (`:v1.4.2`, `:latest`) from being moved to another image.",
        allowed="`MUTABLE`, `IMMUTABLE`; or a token",
        check=lambda parameter, value: check_choice(parameter, value, ImageTagMutability),
        default="IMMUTABLE",
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


#: The construct's inputs, in signature order. README's table is generated from these.
INPUTS: tuple[InputSpec, ...] = input_specs(RepositoryProps)


@dataclass(frozen=True)
class OutputSpec:
    name: str
    description: str


OUTPUTS: tuple[OutputSpec, ...] = (
    OutputSpec("id", "Repository identifier (the repository name)."),
    OutputSpec("name", "The repository name."),
    OutputSpec("arn", "Full ARN of the repository."),
    OutputSpec("repository_url", "`<account>.dkr.ecr.<region>.amazonaws.com/<name>`, for docker push/pull and image references."),
    OutputSpec("registry_id", "Account ID of the registry that holds the repository."),
)


def _check_combinations(settings: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """Checks of inputs that depend on each other (errors show the values as ``given``)."""
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


def _check_lifecycle_combinations(settings: Mapping[str, Any], given: Mapping[str, Any]) -> None:
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
    if settings["enable_lifecycle_policy"] is False:
        for parameter in ("lifecycle_rules", "protected_tags"):
            if settings[parameter]:
                raise ValidationError(
                    parameter,
                    given[parameter],
                    "nothing while enable_lifecycle_policy is False",
                    problem="is given with enable_lifecycle_policy=False, which attaches no "
                    "lifecycle policy",
                )


def _whole_policy_error(error: ValidationError, parameter: str, value: Any) -> ValidationError:
    """An error about the whole policy (its length, its number of rules), put on the input
    that made it so."""
    return ValidationError(
        parameter, value, error.allowed, problem=f"makes a policy that {error.problem}"
    )


def _lifecycle_document(settings: Mapping[str, Any], given: Mapping[str, Any]) -> Dict[str, Any]:
    """The whole policy: ``lifecycle_rules``, or else the seed's two rules, behind
    ``protected_tags``, checked as ECR checks it. With only seed keywords it is the
    seed's exact policy."""
    protected = settings["protected_tags"]
    if settings["lifecycle_rules"]:
        try:
            return assemble_lifecycle_policy(settings["lifecycle_rules"], protected)
        except ValidationError as error:
            if error.parameter != "lifecycle_rules":
                raise
            # The input that pushed the policy over: protected tags add rules of their
            # own, so they are to blame when the rules alone would make a valid policy.
            parameter = "lifecycle_rules"
            if protected:
                try:
                    assemble_lifecycle_policy(settings["lifecycle_rules"])
                    parameter = "protected_tags"
                except ValidationError:
                    pass
            raise _whole_policy_error(error, parameter, given[parameter]) from None
    rules = seed_lifecycle_rules(
        settings["untagged_image_expiry_days"],
        settings["max_tagged_image_count"],
        settings["lifecycle_tag_prefix_list"],
        # A checked float is a number token: Terraform writes it into the description.
        render=lambda n: Token.as_string(n) if isinstance(n, float) else str(n),
    )
    try:
        return assemble_lifecycle_policy(rules, protected)
    except ValidationError as error:
        if error.parameter == "lifecycle_rules":
            # The seed's rules are fixed but for their prefix list, so that list makes the
            # policy too long, unless protected tags add rules of their own.
            parameter = "protected_tags" if protected else "lifecycle_tag_prefix_list"
            value = given.get(parameter, settings[parameter])
            raise _whole_policy_error(error, parameter, value) from None
        keyword = _SEED_RULE_FIELDS.get(error.parameter)
        if keyword is None:
            raise
        raise ValidationError(
            keyword, given.get(keyword, settings[keyword]), error.allowed, problem=error.problem
        ) from None


#: How :func:`assemble_lifecycle_policy` names the fields of the seed's two rules,
#: and the keyword each field comes from.
_SEED_RULE_FIELDS = {
    "lifecycle_rules[0].max_image_age_days": "untagged_image_expiry_days",
    "lifecycle_rules[1].max_image_count": "max_tagged_image_count",
    "lifecycle_rules[1].tag_prefix_list": "lifecycle_tag_prefix_list",
}


def _as_added_rule_error(error: ValidationError, rule: LifecycleRule, index: int) -> ValidationError:
    """An error of the policy with the added rule (``lifecycle_rules[index]``), naming ``rule``."""
    label = f"lifecycle_rules[{index}]"
    if error.parameter == label or error.parameter.startswith(f"{label}."):
        parameter = "rule" + error.parameter[len(label):]
        return ValidationError(parameter, error.value, error.allowed, problem=error.problem)
    if error.parameter == "lifecycle_rules":
        return _whole_policy_error(error, "rule", rule)
    return error


def _holds_token(value: Any) -> bool:
    """Whether some part of a policy document is only known at apply time."""
    if isinstance(value, Mapping):
        return any(_holds_token(item) for item in value.values())
    if isinstance(value, list):
        return is_token(value) or any(_holds_token(item) for item in value)
    return is_token(value)


def _lifecycle_policy_text(document: Mapping[str, Any]) -> str:
    if _holds_token(document):
        # Some value is only known at apply time, so Terraform builds the JSON. cdktf
        # escapes "${" in the expression's literals, but a description's "%{" is left
        # for Terraform to read as a template directive.
        rules = [
            {**rule, "description": literal_in_expression(rule["description"])}
            if "description" in rule
            else rule
            for rule in document["rules"]
        ]
        return Fn.jsonencode({**document, "rules": rules})
    # A description may hold "${" or "%{", which Terraform would read as an expression.
    return literal_text(compact_json(dict(document)))


class _TokenChecks:
    """Terraform preconditions for inputs that are tokens, with this library's messages."""

    def __init__(self, where: str) -> None:
        self._where = where
        self.repository: List[Precondition] = []
        self.lifecycle_policy: List[Precondition] = []
        self.repository_policy: List[Precondition] = []

    def add(self, into: List[Precondition], parameter: str, condition: Any, allowed: str) -> None:
        into.append(
            Precondition(
                condition=condition,
                error_message=f"cdktf_aws_ecr: {self._where}: {parameter} is not allowed; "
                f"allowed: {allowed}",
            )
        )

    def collect(self, settings: Mapping[str, Any], tag_total: Callable[[str], str]) -> None:
        name = settings["name"]
        if is_token(name):
            low, high = REPOSITORY_NAME_LENGTH
            self.add(
                self.repository, "name",
                Op.and_(
                    Fn.can(Fn.regex(f"^(?:{REPOSITORY_NAME_PATTERN})$", name)),
                    Op.and_(Op.gte(Fn.length_of(name), low), Op.lte(Fn.length_of(name), high)),
                ),
                f"{low}-{high} characters matching ^{REPOSITORY_NAME_PATTERN}$",
            )
        key = settings["kms_key_arn"]
        if key is not None and is_token(key):
            self.add(
                self.repository, "kms_key_arn",
                Fn.can(Fn.regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/", key)),
                KMS_KEY_ALLOWED,
            )
        tags = settings["tags"]
        if is_map_token(tags):
            # A for expression has no cdktf builder; cdktf resolves the token inside it.
            whole = Token.as_string(Fn.merge([tags]))
            self.add(
                self.repository, "tags",
                f"${{alltrue([for k, v in {whole} : length(k) >= 1 && "
                f"length(k) <= {MAX_TAG_KEY_LENGTH} && length(v) <= {MAX_TAG_VALUE_LENGTH} && "
                f'!startswith(lower(k), "{RESERVED_TAG_PREFIX}")]) && {tag_total(whole)}}}',
                TAGS_ALLOWED,
            )
        else:
            for key, text in tags.items():
                if is_token(key):
                    self.add(
                        self.repository, "tags",
                        Op.and_(
                            Op.and_(
                                Op.gte(Fn.length_of(key), 1),
                                Op.lte(Fn.length_of(key), MAX_TAG_KEY_LENGTH),
                            ),
                            Op.not_(Fn.startswith(Fn.lower(key), RESERVED_TAG_PREFIX)),
                        ),
                        TAGS_ALLOWED,
                    )
                if is_token(text):
                    self.add(
                        self.repository, "tags",
                        Op.lte(Fn.length_of(text), MAX_TAG_VALUE_LENGTH),
                        TAGS_ALLOWED,
                    )
        if settings["enable_lifecycle_policy"] is not False:
            for parameter in ("untagged_image_expiry_days", "max_tagged_image_count"):
                number = settings[parameter]
                if isinstance(number, float):
                    self._count(self.lifecycle_policy, parameter, number)
            prefixes = settings["lifecycle_tag_prefix_list"]
            if is_token(prefixes):
                self._non_empty(self.lifecycle_policy, "lifecycle_tag_prefix_list", prefixes,
                                _TAG_PREFIX_CHECK.allowed)
        for parameter in ("pull_principal_arns", "push_principal_arns"):
            principals = settings[parameter]
            if principals and is_token(principals):
                self.add(
                    self.repository_policy, parameter,
                    Op.gte(Fn.length_of(principals), 1),
                    PRINCIPALS_ALLOWED + "; at least one when given as a list token",
                )


    def typed_rules(
        self, rules: Sequence[LifecycleRule], given: int, protected: Sequence[str]
    ) -> List[Precondition]:
        """The checks of the tokens in typed rules and protected tags, which ECR would
        otherwise refuse at apply, after the repository exists: the same as the seed
        keywords get, and each tag prefix or pattern that is a token matches the
        pattern of its list. The first ``given`` rules are ``lifecycle_rules``, the
        others were added by :meth:`Repository.add_lifecycle_rule`."""
        checks: List[Precondition] = []
        for index, pattern in enumerate(protected):
            self._tag_items(checks, f"protected_tags[{index}]", [pattern], _TAG_PATTERN_CHECK)
        for index, rule in enumerate(rules):
            # "lifecycle_rules[0].max_image_count", "rule.max_image_count (add_lifecycle_rule call 2)"
            label, call = (
                (f"lifecycle_rules[{index}]", "")
                if index < given
                else ("rule", f" (add_lifecycle_rule call {index - given + 1})")
            )
            number = getattr(rule, rule.count_field)
            if isinstance(number, float):
                minimum = MIN_ARCHIVE_DAYS if rule.selects_archived else 1
                self._count(checks, f"{label}.{rule.count_field}{call}", number, minimum)
            for field, check in (
                ("tag_prefix_list", _TAG_PREFIX_CHECK),
                ("tag_pattern_list", _TAG_PATTERN_CHECK),
            ):
                items = getattr(rule, field)
                if items is None:
                    continue
                if is_token(list(items)):
                    self._non_empty(checks, f"{label}.{field}{call}", list(items), check.allowed)
                else:
                    self._tag_items(checks, f"{label}.{field}{call}", items, check)
        return checks

    def _count(
        self, into: List[Precondition], parameter: str, number: float, minimum: int = 1
    ) -> None:
        """A number token is a whole number from ``minimum`` to 2**31-1, as ECR's countNumber."""
        self.add(
            into, parameter,
            Op.and_(
                Op.and_(Op.gte(number, minimum), Op.lte(number, MAX_COUNT)),
                Op.eq(Fn.floor(number), number),
            ),
            f"a whole number from {minimum} to {MAX_COUNT}",
        )

    def _non_empty(
        self, into: List[Precondition], parameter: str, items: List[str], allowed: str
    ) -> None:
        """A list token holds at least one tag prefix or pattern: ECR refuses an empty one."""
        self.add(into, parameter, Op.gte(Fn.length_of(items), 1), allowed)

    def _tag_items(
        self, into: List[Precondition], parameter: str, items: Sequence[str], check: "_TagCheck"
    ) -> None:
        for item in items:
            if is_token(item):
                self.add(into, parameter, check.condition(item), check.allowed)


@dataclass(frozen=True)
class _TagCheck:
    """How Terraform checks a tag prefix or pattern that is a token."""

    pattern: str
    max_wildcards: Optional[int]
    #: What a list of them may hold (a list token must not be empty).
    allowed: str

    def condition(self, item: str) -> Any:
        matches = Fn.can(Fn.regex(f"^(?:{self.pattern})$", item))
        if self.max_wildcards is None:
            return matches
        return Op.and_(matches, Op.lte(Fn.length_of(Fn.regexall("[*]", item)), self.max_wildcards))


_TAG_PREFIX_CHECK = _TagCheck(TAG_PREFIX_PATTERN, None, TAG_PREFIXES_ALLOWED + "; at least one")
# LifecyclePolicies.html: "a maximum limit of four wildcards (*) per string".
_TAG_PATTERN_CHECK = _TagCheck(TAG_PATTERN_PATTERN, MAX_TAG_PATTERN_WILDCARDS, TAG_PATTERNS_ALLOWED)


# A whole value that is one KMS key's ARN, as cdktf resolves it without preparing
# cross-stack references (which leaves the key's own address).
_KMS_KEY_REFERENCE = re.compile(r"\$\{(data\.)?aws_kms_key\.([A-Za-z0-9_-]+)\.arn\}")


def _kms_key_construct(
    stack: TerraformStack, key: str, keys: Mapping[Tuple[bool, str], List[Any]]
) -> Optional[Tuple[Any, str]]:
    """The ``KmsKey`` or ``DataAwsKmsKey`` among ``keys`` whose ``.arn`` ``key`` is,
    and the reference ``key`` resolves to; or None.

    Only the key's logical id can be read from the token, and stacks may use the
    same id, so the app must hold exactly one key of that address.
    """
    resolved = Tokenization.resolve(
        key, scope=stack, resolver=DefaultTokenResolver(StringConcat()), preparing=False
    )
    match = _KMS_KEY_REFERENCE.fullmatch(resolved) if isinstance(resolved, str) else None
    if match is None:
        return None
    data, logical_id = match.groups()
    found = keys.get((data is not None, logical_id), [])
    return (found[0], resolved) if len(found) == 1 else None


def _kms_keys(root: Construct) -> Dict[Tuple[bool, str], List[Any]]:
    """Every ``KmsKey`` and ``DataAwsKmsKey`` of the app, by (data source?, logical id)."""

    keys: Dict[Tuple[bool, str], List[Any]] = {}
    for element in root.node.find_all():
        if isinstance(element, (aws.KmsKey, aws.DataAwsKmsKey)):
            logical_id = TerraformStack.of(element).get_logical_id(element)
            keys.setdefault((isinstance(element, aws.DataAwsKmsKey), logical_id), []).append(element)
    return keys


def _lifecycle(
    preconditions: List[Precondition], **arguments: Any
) -> Optional[TerraformResourceLifecycle]:
    if not preconditions and not any(arguments.values()):
        return None
    return TerraformResourceLifecycle(precondition=preconditions or None, **arguments)


def _id_taken(construct_id: str, scope_path: str) -> ValidationError:
    return ValidationError(
        "id", construct_id, f"an id not yet used in '{scope_path}'", problem="is taken"
    )


def _protected(settings: Mapping[str, Any]) -> bool:
    """Whether Terraform must refuse any plan that destroys or replaces the repository.

    Unless ``prevent_destroy`` says otherwise, only ``force_delete=True`` (a
    plain True: "deleting it with its images is fine") leaves it unprotected.
    """
    prevent_destroy: Optional[bool] = settings["prevent_destroy"]
    if prevent_destroy is None:
        return settings["force_delete"] is not True
    return prevent_destroy


class DestroyableRepositoryWarning(UserWarning):
    """A repository that a plan may destroy or replace, perhaps unintentionally."""


def _warn_if_destroyable(settings: Mapping[str, Any], where: str) -> None:
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
    """A seed-style ``lifecycle_tag_prefix_list`` with several prefixes: ECR's
    ``tagPrefixList`` means AND, so the rule selects only images that carry a
    tag for every prefix, which is rarely what was meant."""


def _warn_if_prefixes_mean_and(settings: Mapping[str, Any], where: str) -> None:
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


@with_init_signature
class Repository(Construct):
    """A private ECR repository with scan-on-push, encryption, immutable tags,
    lifecycle expiry and a least-privilege repository policy.

    It writes the same Terraform as the seed HCL module:

    * ``aws_ecr_repository`` (always);
    * ``aws_ecr_lifecycle_policy`` when ``enable_lifecycle_policy``: the seed's
      two rules, or ``lifecycle_rules`` (and rules added by
      :meth:`add_lifecycle_rule`), after one rule per ``protected_tags`` pattern;
    * ``aws_iam_policy_document`` data source and ``aws_ecr_repository_policy``
      when any pull or push principal is given (statements ``AllowPull``, ``AllowPush``),
      or once :meth:`grant_pull`, :meth:`grant_push`, :meth:`grant_pull_push` or
      :meth:`add_to_resource_policy` adds a statement;
    * an ``ecr:GetAuthorizationToken`` identity policy on each ``IamRole`` or
      ``IamUser`` of the same stack that a grant names (once per identity);
    * its share of the registry's single ``aws_ecr_registry_scanning_configuration``
      (see :class:`~cdktf_aws_ecr.Registry`), and its repository filter in the
      registry's single ``aws_ecr_replication_configuration`` when ``replicate_to``
      is given.

    Every input's format is checked when the construct is built, before anything
    is added to the tree; a bad one raises :class:`~cdktf_aws_ecr.ValidationError`
    naming the parameter, the value and what is allowed. Checks that need the
    provider run at synth (``app.synth()``, ``cdktf synth`` or a ``Testing``
    synth), when the tree is complete, and raise the same error: the KMS key's
    region (a key given as a ``KmsKey``'s ``.arn`` by its provider's region), the
    principals' partition, the tag count with the provider's
    ``default_tags``, unique names per registry across the app's stacks, and
    the repository policy's Sids and ECR's 10,240-character limit.
    The lifecycle policy is checked as a whole, as ECR checks it, when the
    construct is built and at every :meth:`add_lifecycle_rule`.
    """

    @expand_keyword_arguments(RepositoryProps)
    def __init__(self, scope: Construct, id: str, **inputs: Unpack[RepositoryProps]) -> None:
        state = state_of(scope)
        scope_path = path_of(scope, state)
        where = f"Repository '{scope_path}/{id}'"
        try:
            if not isinstance(id, str) or not id:
                raise ValidationError("id", id, "a non-empty string")
            construct_path = f"{scope_path}/{node_id(id)}"
            if construct_path in state.repository_paths:
                raise _id_taken(id, scope_path)
            settings = checked_inputs(RepositoryProps, inputs, "Repository")
            _check_lifecycle_combinations(settings, inputs)
            _check_combinations(settings, inputs)
            provider: Optional[AwsProvider] = settings["provider"]
            check_same_stack("provider", provider, state)
            lifecycle_document = (
                _lifecycle_document(settings, inputs)
                if settings["enable_lifecycle_policy"] is not False
                else None
            )
            request = ScanningRequest(
                name=settings["name"],
                scan_on_push=settings["scan_on_push"],
                enhanced_frequency=(
                    settings["enhanced_scan_frequency"] if settings["enhanced_scanning"] else None
                ),
                construct_path=f"{scope_path}/{id}",
                stack_path=state.path,
                replicate_to=settings["replicate_to"],
            )
            owner = owner_for(state, provider)
            if owner is not None:
                owner.check_new(request)
            access_policy = RepositoryPolicyDocument()
            for access, parameter in (
                (Access.PULL, "pull_principal_arns"),
                (Access.PUSH, "push_principal_arns"),
            ):
                access_policy.add_principal_arns(access, settings[parameter], parameter)
        except ValidationError as error:
            raise error.located(where) from None

        try:
            super().__init__(scope, id)
        except RuntimeError as error:
            # An id another Repository took was refused above; one that some other
            # construct took is refused here by the construct library, before it adds
            # anything (asking it beforehand would cost two jsii round trips).
            if "There is already a Construct with name" not in str(error):
                raise
            raise _id_taken(id, scope_path).located(where) from None
        state.repository_paths.add(construct_path)
        _warn_if_destroyable(settings, where)
        _warn_if_prefixes_mean_and(settings, where)
        self.settings: Mapping[str, Any] = MappingProxyType(settings)
        self._where = where
        self._state = state
        # The construct ids below the stack, for the path-derived addresses of release 0.1.0.
        self._path = tuple(construct_path[len(state.path) + 1:].split("/"))
        self._access_policy = access_policy
        self._seed_lifecycle_keywords = {
            k: v for k, v in inputs.items() if k in SEED_LIFECYCLE_KEYWORDS
        }
        self._lifecycle_rules: Tuple[LifecycleRule, ...] = settings["lifecycle_rules"]
        self._lifecycle_document = lifecycle_document
        require_provider_versions(state.stack)
        self._build(settings)
        (owner or Registry._implicit(state, provider)).add(request)
        add_synth_check(state, self._check_with_provider)

    def _build(self, settings: Mapping[str, Any]) -> None:
        # Bindings are imported here, after cdktf_aws_ecr set up their lean start.

        provider = settings["provider"]
        token_checks = _TokenChecks(self._where)
        token_checks.collect(settings, self._tag_total_condition)
        key = settings["kms_key_arn"]
        encryption = EncryptionType.KMS.value if key is not None else settings["encryption_type"]
        self.repository = aws.EcrRepository(
            self,
            "repository",
            name=settings["name"],
            image_tag_mutability=settings["image_tag_mutability"],
            force_delete=settings["force_delete"],
            image_scanning_configuration=aws.EcrRepositoryImageScanningConfiguration(
                scan_on_push=settings["scan_on_push"]
            ),
            encryption_configuration=[
                aws.EcrRepositoryEncryptionConfiguration(
                    encryption_type=encryption,
                    kms_key=key if encryption == EncryptionType.KMS.value else None,
                )
            ],
            tags=settings["tags"],
            lifecycle=_lifecycle(
                token_checks.repository, prevent_destroy=_protected(settings) or None
            ),
            provider=provider,
        )
        stack = self._state.stack
        name = settings["name"]
        address_id = (
            None
            if is_token(name)
            else repository_address_id(name, alias_of(provider) if provider is not None else None)
        )
        repository_id = pin_address(
            stack, self.repository, "aws_ecr_repository", address_id,
            path=(*self._path, "repository"),
        )
        repository_name = self.repository.name
        # A replaced repository comes back without the policies AWS deleted with it;
        # its ARN is unknown exactly when it is being replaced, which recreates them.
        recreate_with_repository = [f"aws_ecr_repository.{repository_id}.arn"]

        self.lifecycle_policy: Optional[Any] = None
        self._token_checks = token_checks
        self._recreate_with_repository = recreate_with_repository
        if self._lifecycle_document is not None:
            enabled = settings["enable_lifecycle_policy"]
            self.lifecycle_policy = aws.EcrLifecyclePolicy(
                self,
                "lifecycle_policy",
                repository=repository_name,
                # Rewritten by add_lifecycle_rule (a plain string costs no jsii
                # round trips at synth, where a lazy value costs two per resolve).
                policy=_lifecycle_policy_text(self._lifecycle_document),
                count=None if enabled is True else Token.as_number(Fn.conditional(enabled, 1, 0)),
                lifecycle=self._lifecycle_policy_lifecycle(),
                provider=provider,
            )
            pin_address(
                stack, self.lifecycle_policy, "aws_ecr_lifecycle_policy", address_id,
                path=(*self._path, "lifecycle_policy"),
            )

        self.policy_document: Optional[Any] = None
        self.repository_policy: Optional[Any] = None
        self._address_id = address_id
        self._repository_name = repository_name
        self._policy_preconditions = token_checks.repository_policy
        if not self._access_policy.is_empty:
            self._access_policy_changed()

    # -- access

    def grant_pull(self, grantee: Any) -> None:
        """Allow ``grantee`` to pull: the seed's 3 read actions (``PULL_ACTIONS``).

        ``grantee`` is one of:

        * an IAM principal ARN or a 12-digit account ID, of this or another
          account (joins the ``AllowPull`` statement);
        * an ``IamRole`` or ``IamUser`` (or anything with an ``.arn``), from any
          stack of the app (joins ``AllowPull`` by reference). A role or user of
          **this repository's stack** also gets an identity policy allowing
          ``ecr:GetAuthorizationToken``, so it can log in to the registry (a
          repository policy cannot grant that); one per identity, however many
          repositories grant it (see :func:`~cdktf_aws_ecr.grant_registry_login`).
          A role or user of another stack gets only the repository statement:
          its identity policy belongs in its own stack, and creating it here
          would make this stack depend on that one's role name; call
          ``grant_registry_login(role)`` in the role's stack;
        * :class:`~cdktf_aws_ecr.ServicePrincipal`, e.g. ``lambda.amazonaws.com``
          limited by ``aws:SourceArn`` / ``aws:SourceAccount``
          (``AllowPullLambdaBySourceArn``...);
        * :class:`~cdktf_aws_ecr.OrganizationPrincipal`: principal ``*`` limited
          by ``aws:PrincipalOrgID`` (``AllowPullOrganization``).

        Grants may be made at any time before synth, in any order; the policy
        is the same. The first statement creates the repository policy. A bad
        grantee raises :class:`~cdktf_aws_ecr.ValidationError` naming
        ``grantee``, and changes nothing.
        """
        self._grant(Access.PULL, grantee)

    def grant_push(self, grantee: Any) -> None:
        """Allow ``grantee`` to push and pull: the seed's 7 actions (``PUSH_ACTIONS``).

        Grantees as for :meth:`grant_pull`, with statements ``AllowPush``,
        ``AllowPushOrganization``, ``AllowPushLambdaBySourceArn``... An
        ``IamRole`` or ``IamUser`` of this repository's stack also gets the
        identity policy allowing ``ecr:GetAuthorizationToken`` (registry login).
        """
        self._grant(Access.PUSH, grantee)

    def grant_pull_push(self, grantee: Any) -> None:
        """The same as :meth:`grant_push`: the 7 push actions include the 3 pull
        actions. An ``IamRole`` or ``IamUser`` of this repository's stack also
        gets the identity policy allowing ``ecr:GetAuthorizationToken``."""
        self._grant(Access.PULL_PUSH, grantee)

    def add_to_resource_policy(self, statement: Any) -> None:
        """Add a statement of your own to the repository policy (the escape hatch).

        ``statement`` is a :class:`~cdktf_aws_ecr.PolicyStatement` or the
        provider's ``DataAwsIamPolicyDocumentStatement``. It keeps its Sid (which
        must be unique in the policy, checked at synth) and comes after the
        generated statements, in the order added. The wildcard rule holds: a
        ``*`` principal in an ``Allow`` statement needs an ``aws:PrincipalOrgID``
        or ``aws:PrincipalOrgPaths`` condition, a ``Service`` principal an
        ``aws:SourceArn`` or ``aws:SourceAccount`` condition, and partial
        wildcards are refused; otherwise :class:`~cdktf_aws_ecr.ValidationError`
        names ``statement`` (or its field) and nothing changes.
        """
        try:
            self._access_policy.add_statement(statement, "statement")
        except ValidationError as error:
            raise error.located(self._where) from None
        self._access_policy_changed()

    def _grant(self, access: Access, grantee: Any) -> None:
        try:
            if isinstance(grantee, Construct) and state_of(grantee).book is not self._state.book:
                # cdktf would take its .arn for a cross-stack reference to a stack this
                # app never synthesizes.
                raise ValidationError(
                    "grantee",
                    grantee,
                    GRANTEES_ALLOWED + ", of this app",
                    problem=f"is '{grantee.node.path}' of another cdktf App",
                )
            classified = self._access_policy.grant(access, grantee, "grantee")
        except ValidationError as error:
            raise error.located(self._where) from None
        identity = classified.identity
        if classified.identity_type is not None and state_of(identity).path == self._state.path:
            grant_registry_login(identity)
        self._access_policy_changed()

    def _access_policy_changed(self) -> None:
        """Emit the repository policy with the first statement; keep its guards current."""

        provider = self.settings["provider"]
        stack = self._state.stack
        if self.policy_document is None:
            self.policy_document = aws.DataAwsIamPolicyDocument(
                self, "policy_document", provider=provider
            )
            pin_address(
                stack, self.policy_document, "aws_iam_policy_document", self._address_id,
                managed=False, path=(*self._path, "policy_document"),
            )
            self.repository_policy = aws.EcrRepositoryPolicy(
                self,
                "repository_policy",
                repository=self._repository_name,
                policy=self.policy_document.json,
                lifecycle=_lifecycle(
                    self._policy_preconditions,
                    replace_triggered_by=self._recreate_with_repository,
                ),
                provider=provider,
            )
            pin_address(
                stack, self.repository_policy, "aws_ecr_repository_policy", self._address_id,
                path=(*self._path, "repository_policy"),
            )
        # Checked, with every grant made, by _check_with_provider.
        write_policy_document(self.policy_document, self._access_policy)

    def _lifecycle_policy_lifecycle(self) -> Optional[TerraformResourceLifecycle]:
        """The lifecycle policy's preconditions (its tokens') and replacement trigger."""
        typed_rules = self._token_checks.typed_rules(
            self._lifecycle_rules,
            len(self.settings["lifecycle_rules"]),
            self.settings["protected_tags"],
        )
        return _lifecycle(
            self._token_checks.lifecycle_policy + typed_rules,
            replace_triggered_by=self._recreate_with_repository,
        )

    def add_lifecycle_rule(self, rule: LifecycleRule) -> None:
        """Add a typed rule to the lifecycle policy, at any time before synth.

        Added rules follow ``lifecycle_rules`` and, like them, replace the
        seed's two rules (a repository built with only the seed's defaults
        keeps only the typed rules). They are numbered as ``lifecycle_rules``
        are: explicit priorities kept, the others in the order added, the
        ``ANY`` rule last, whatever the order of the calls.

        The whole policy is checked here, so a rule ECR would reject raises
        :class:`~cdktf_aws_ecr.ValidationError` (naming ``rule``) from this
        call and is not added. Refused on a repository without a lifecycle
        policy or built with the seed's lifecycle keywords.
        """
        try:
            if self._lifecycle_document is None:
                raise ValidationError(
                    "rule",
                    rule,
                    "a rule for a repository with a lifecycle policy",
                    problem="is added to a repository built with enable_lifecycle_policy=False",
                )
            if self._seed_lifecycle_keywords:
                given = " and ".join(f"{k}={v!r}" for k, v in self._seed_lifecycle_keywords.items())
                raise ValidationError(
                    "rule",
                    rule,
                    "typed rules only on a repository built without the seed's lifecycle "
                    f"keywords ({', '.join(SEED_LIFECYCLE_KEYWORDS)}), which they would replace",
                    problem=f"is added to a repository built with {given}",
                )
            if not isinstance(rule, LifecycleRule):
                raise ValidationError("rule", rule, "a LifecycleRule", problem=f"is {type_name(rule)}")
            rules = (*self._lifecycle_rules, rule)
            try:
                document = assemble_lifecycle_policy(rules, self.settings["protected_tags"])
            except ValidationError as error:
                raise _as_added_rule_error(error, rule, len(rules) - 1) from None
        except ValidationError as error:
            raise error.located(self._where) from None
        self._lifecycle_rules = rules
        self._lifecycle_document = document
        if self.lifecycle_policy is not None:
            self.lifecycle_policy.policy = _lifecycle_policy_text(document)
            if _holds_token(rule.as_policy_rule(len(rules))):
                # The rule's tokens need Terraform checks of their own.
                self.lifecycle_policy.lifecycle = self._lifecycle_policy_lifecycle()

    def _provider_facts(self) -> ProviderFacts:
        return self._state.book.provider_facts(self._state, self.settings["provider"])

    def _tag_total_condition(self, tags_expression: str) -> str:
        """``length(<tags> plus the provider's default tag keys) <= 50``, decided at synth."""

        def produce() -> str:
            keys = sorted(self._provider_facts().default_tag_keys)
            quoted = ", ".join(f'"{key}"' for key in keys)
            return f"length(setunion(keys({tags_expression}), [{quoted}])) <= {MAX_TAGS}"

        return lazy_string(produce)

    def _check_with_provider(self) -> None:
        """The checks that need the provider's facts (run at synth)."""
        facts = self._provider_facts()
        settings = self.settings
        try:
            if facts.region is not None:
                check_kms_key_region("kms_key_arn", settings["kms_key_arn"], facts.region)
                self._check_kms_key_construct_region(facts.region)
                for parameter in ("pull_principal_arns", "push_principal_arns"):
                    if not is_token(settings[parameter]):
                        check_principal_partitions(parameter, settings[parameter], facts.region)
            check_tag_total("tags", settings["tags"], facts.default_tag_keys)
            # With every grant made: unique Sids, the grantees' partitions, ECR's size limit.
            self._access_policy.check(facts.region)
        except ValidationError as error:
            raise error.located(self._where) from None

    def _check_kms_key_construct_region(self, region: str) -> None:
        """A key given as ``KmsKey(...).arn`` (or a ``DataAwsKmsKey``'s) is only known at
        apply, but its provider, and so its region, is known now: ECR encrypts with
        a key of its own region."""
        key = self.settings["kms_key_arn"]
        if key is None or not is_token(key):
            return
        book = self._state.book
        keys = book.read_once("kms_keys", lambda: _kms_keys(book.node.root))
        found = _kms_key_construct(self._state.stack, key, keys)
        if found is None:
            return
        construct, reference = found
        key_region = book.provider_facts(state_of(construct), construct.provider).region
        if key_region is not None and key_region != region:
            raise ValidationError(
                "kms_key_arn",
                reference,
                kms_key_allowed_in(region),
                problem=f"is the ARN of the KMS key '{construct.node.path}', whose provider is in "
                f"{key_region}, and ECR needs a key in its own region {region}",
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
