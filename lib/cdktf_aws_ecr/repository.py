"""The :class:`Repository` construct: one private ECR repository with guardrails."""

from __future__ import annotations

import json
import re
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Tuple, Unpack

from ._framework import (
    AwsProvider,
    Construct,
    DefaultTokenResolver,
    Fn,
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
from .addresses import (
    claim,
    legacy_logical_id,
    node_id,
    pin_address,
    pin_written_address,
    repository_address_id,
)
from .adoption import RepositoryAdoption
from .checks import (
    check_kms_key_region,
    check_principal_partitions,
    check_tag_total,
    kms_key_allowed_in,
    type_name,
)
from .enums import EncryptionType
from .errors import ValidationError, located
from .facts import MAX_TAGS
from .inputs import checked_inputs, expand_keyword_arguments, with_init_signature
from .json_text import compact_json
from .lifecycle.rules import (
    SEED_LIFECYCLE_KEYWORDS,
    LifecycleRule,
    assemble_lifecycle_policy,
    seed_lifecycle_rules,
)
from .policy.grantees import GRANTEES_ALLOWED, Access
from .policy.registry_login import grant_registry_login
from .policy.repository_policy import (
    RepositoryPolicyDocument,
    write_policy_document,
    written_condition,
)
from .policy.risks import warn_risky_statements
from .preconditions import TokenChecks
from .providers import ProviderFacts, address_alias, alias_of, require_provider_versions
from .registry.membership import RepositoryRequest, check_same_stack
from .registry.owner import Registry, owner_for
from .repository_props import (
    RepositoryProps,
    check_combinations,
    check_lifecycle_combinations,
    protected,
    warn_if_destroyable,
    warn_if_prefixes_mean_and,
)
from .stack_terraform import Terraform, stack_terraform
from .tag_mutability import exclusion_filter_arguments
from .tokens import is_token, literal_in_expression, literal_text, may_hold_token_json


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
    if settings["lifecycle_policy_json"] is not None:
        # Checked already; written in Terraform's jsonencode layout like the others.
        document: Dict[str, Any] = json.loads(settings["lifecycle_policy_json"])
        return document
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


#: ``(kind, resource type, block)`` of a repository's Terraform JSON (kind: resource or data).
Block = Tuple[str, str, Dict[str, Any]]


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


# A whole value that is one KMS key's ARN, as cdktf resolves it without preparing
# cross-stack references (which leaves the key's own address).
_KMS_KEY_REFERENCE = re.compile(r"\$\{(data\.)?aws_kms_key\.([A-Za-z0-9_-]+)\.arn\}")


# A resource's or data source's attribute: an ARN that exists, never null.
_ATTRIBUTE_REFERENCE = re.compile(r"\$\{(?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+\}")


def _never_null(stack: TerraformStack, key: str) -> bool:
    """Whether the token ``key`` is a resource attribute (``aws_kms_key.k.arn``), which is never
    null, where a variable, local or expression may be."""
    resolved = Tokenization.resolve(
        key, scope=stack, resolver=DefaultTokenResolver(StringConcat()), preparing=False
    )
    return isinstance(resolved, str) and _ATTRIBUTE_REFERENCE.fullmatch(resolved) is not None


def _kms_key_construct(
    stack: TerraformStack, key: str, keys: Mapping[Tuple[bool, str], List[Any]]
) -> Optional[Tuple[Any, str]]:
    """The ``KmsKey`` or ``DataAwsKmsKey`` whose ``.arn`` ``key`` is, and the reference it
    resolves to; or None. Only the logical id can be read from the token, and stacks may
    share ids, so the app must hold exactly one key of that address."""
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


@with_init_signature
class Repository(Construct):
    """A private ECR repository with scan-on-push, encryption, immutable tags,
    lifecycle expiry and a least-privilege repository policy.

    It writes the seed HCL module's Terraform: ``aws_ecr_repository``; the
    ``aws_ecr_lifecycle_policy`` (unless ``enable_lifecycle_policy`` is False); the
    repository policy and its ``aws_iam_policy_document`` once a principal is given or
    granted; a registry-login identity policy on each ``IamRole``/``IamUser`` of the
    stack that a grant names; and its share of the registry's single scanning and
    replication configurations (see :class:`~cdktf_aws_ecr.Registry`).

    Bad input raises :class:`~cdktf_aws_ecr.ValidationError` before anything is added
    to the tree; checks that need the provider (KMS key region, partitions, tags with
    ``default_tags``, names unique per registry, the policy's Sids and length) run at
    synth and raise the same error. ``adopt`` writes ``import`` blocks for what exists in AWS
    already; ``lifecycle_policy_json`` keeps a whole lifecycle policy as written."""

    @expand_keyword_arguments(RepositoryProps)
    def __init__(self, scope: Construct, id: str, **inputs: Unpack[RepositoryProps]) -> None:
        state = state_of(scope)
        scope_path = path_of(scope, state)
        where = f"Repository '{scope_path}/{id}'"
        with located(where):
            if not isinstance(id, str) or not id:
                raise ValidationError("id", id, "a non-empty string")
            construct_path = f"{scope_path}/{node_id(id)}"
            if construct_path in state.repository_paths:
                raise _id_taken(id, scope_path)
            settings = checked_inputs(RepositoryProps, inputs, "Repository")
            check_lifecycle_combinations(settings, inputs)
            check_combinations(settings, inputs)
            provider: Optional[AwsProvider] = settings["provider"]
            check_same_stack("provider", provider, state)
            lifecycle_document = (
                _lifecycle_document(settings, inputs)
                if settings["enable_lifecycle_policy"] is not False
                else None
            )
            request = RepositoryRequest(
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
                owner._check_new(request)
            access_policy = RepositoryPolicyDocument()
            for access, parameter in (
                (Access.PULL, "pull_principal_arns"),
                (Access.PUSH, "push_principal_arns"),
            ):
                access_policy.add_principal_arns(access, settings[parameter], parameter)

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
        warn_if_destroyable(settings, where)
        warn_if_prefixes_mean_and(settings, where)
        self.settings: Mapping[str, Any] = MappingProxyType(settings)
        self._where = where
        self._state = state
        # The construct ids below the stack, for the path-derived addresses of release 0.1.0.
        self._path = tuple(construct_path[len(state.path) + 1:].split("/"))
        self._construct_path = construct_path
        self._access_policy = access_policy
        self._seed_lifecycle_keywords = {
            k: v for k, v in inputs.items() if k in SEED_LIFECYCLE_KEYWORDS
        }
        self._lifecycle_rules: Tuple[LifecycleRule, ...] = settings["lifecycle_rules"]
        self._lifecycle_document = lifecycle_document
        require_provider_versions(state.stack)
        self._build(settings)
        (owner or Registry._implicit(state, provider))._add_repository(request)
        add_synth_check(state, self._check_with_provider)

    def _build(self, settings: Mapping[str, Any]) -> None:
        provider = settings["provider"]
        stack = self._state.stack
        key = settings["kms_key_arn"]
        nullable_key = key is not None and is_token(key) and not _never_null(stack, key)
        token_checks = TokenChecks(self._where)
        token_checks.collect(settings, self._tag_total_condition, nullable_key)
        encryption = EncryptionType.KMS.value if key is not None else settings["encryption_type"]
        if nullable_key:
            # As the seed: a key variable set to null means the default encryption, decided
            # by Terraform at plan.
            encryption = Token.as_string(Fn.conditional(
                Op.eq(key, Token.null_value()), settings["encryption_type"], encryption
            ))
        name = settings["name"]
        address_id = (
            None
            if is_token(name)
            else repository_address_id(name, address_alias(stack, provider))
        )
        preconditions = list(token_checks.repository)
        if settings["adopt"] is not None:
            assert address_id is not None  # check_adoption refuses a token name
            adoption = RepositoryAdoption(
                self, settings["adopt"], name, provider, address_id, self._where,
                lambda kind: getattr(self, kind) is not None,
            )
            preconditions.append(adoption.encryption_guard(encryption, key))
            add_synth_check(self._state, adoption.warn_unmanaged)
        self._token_checks = token_checks
        self._address_id = address_id
        # A key means KMS, or (a key that may be null) the encryption Terraform chooses.
        self._encryption = (encryption, key)
        self._preconditions = preconditions
        self._policy_preconditions = token_checks.repository_policy
        self._repository: Any = None
        self._lifecycle_policy: Optional[Any] = None
        self._policy_document: Optional[Any] = None
        self._repository_policy: Optional[Any] = None
        self._has_policy = False
        #: The JSON blocks written for it, until an input changes.
        self._blocks: Optional[List[Tuple[bool, str, str, Dict[str, Any]]]] = None
        #: Whether its provider constructs exist; until then the stack writes its JSON.
        self.has_constructs = False
        self._written = address_id is not None and self._plain(settings)
        if not self._written:
            self.build_constructs()
        else:
            assert address_id is not None
            # The addresses the constructs would get; their moves are declared now, as
            # pin_address would, since the stack's moves may be written before this element.
            self._repository_id = address_id
            self._pin_written("aws_ecr_repository", "repository")
            if self._lifecycle_document is not None:
                self._pin_written("aws_ecr_lifecycle_policy", "lifecycle_policy")
            stack_terraform(stack).writers.append(self)
        if not self._access_policy.is_empty:
            self._access_policy_changed()

    def _plain(self, settings: Mapping[str, Any]) -> bool:
        """Whether Python can write this repository's JSON: every value it writes is plain
        (no token, no precondition, no adoption) and the stack allocates ids as cdktf does."""
        written = [alias_of(settings["provider"]), self._lifecycle_document, *(
            settings[name] for name in (
                "name", "image_tag_mutability", "force_delete", "scan_on_push",
                "encryption_type", "kms_key_arn", "tags",
            )
        )]
        return (
            not self._preconditions
            and not self._token_checks.lifecycle_policy
            and not self._policy_preconditions
            and settings["adopt"] is None
            and not settings["image_tag_mutability_exclusion_filters"]
            and settings["enable_lifecycle_policy"] in (True, False)
            and legacy_logical_id(self._state.stack, self._path) is not None
            # The quick test of the JSON text first; the exact one only when it is unsure.
            and not (may_hold_token_json(written) and _holds_token(written))
        )

    def build_constructs(self) -> List[Any]:
        """Build the provider constructs (once; the stack no longer writes this repository's
        JSON then); return them."""
        if self.has_constructs:
            return []
        self.has_constructs = True
        settings = self.settings
        provider = settings["provider"]
        encryption, key = self._encryption
        self._repository = aws.EcrRepository(
            self,
            "repository",
            name=settings["name"],
            image_tag_mutability=settings["image_tag_mutability"],
            **exclusion_filter_arguments(settings["image_tag_mutability_exclusion_filters"]),
            force_delete=settings["force_delete"],
            image_scanning_configuration=aws.EcrRepositoryImageScanningConfiguration(
                scan_on_push=settings["scan_on_push"]
            ),
            encryption_configuration=[
                aws.EcrRepositoryEncryptionConfiguration(encryption_type=encryption, kms_key=key)
            ],
            tags=settings["tags"],
            lifecycle=_lifecycle(self._preconditions, prevent_destroy=protected(settings) or None),
            provider=provider,
        )
        built = [self._repository]
        self._repository_id = self._pin(self._repository, "aws_ecr_repository", "repository")
        self._repository_name = self._repository.name
        if self._lifecycle_document is not None:
            enabled = settings["enable_lifecycle_policy"]
            self._lifecycle_policy = aws.EcrLifecyclePolicy(
                self,
                "lifecycle_policy",
                repository=self._repository_name,
                # Rewritten by add_lifecycle_rule (a plain string costs no jsii
                # round trips at synth, where a lazy value costs two per resolve).
                policy=_lifecycle_policy_text(self._lifecycle_document),
                count=None if enabled is True else Token.as_number(Fn.conditional(enabled, 1, 0)),
                lifecycle=self._lifecycle_policy_lifecycle(),
                provider=provider,
            )
            self._pin(self._lifecycle_policy, "aws_ecr_lifecycle_policy", "lifecycle_policy")
            built.append(self._lifecycle_policy)
        if self._has_policy:
            built.extend(self._build_policy())
        return built

    def _pin(self, element: Any, resource_type: str, part: str, managed: bool = True) -> str:
        """Pin ``element``'s address (its move was declared already if Python wrote it)."""
        if not self._written:
            return pin_address(
                self._state.stack, element, resource_type, self._address_id,
                managed=managed, path=(*self._path, part),
            )
        assert self._address_id is not None
        if self._address_id != legacy_logical_id(self._state.stack, (*self._path, part)):
            element.override_logical_id(self._address_id)
        claim(self._state.stack, element, resource_type, self._address_id, data=not managed)
        return self._address_id

    def _pin_written(self, resource_type: str, part: str, managed: bool = True) -> None:
        assert self._address_id is not None
        pin_written_address(
            self._state.stack, resource_type, self._address_id, (*self._path, part),
            managed=managed, construct_path=f"{self._construct_path}/{part}",
        )

    @property
    def _recreate_with_repository(self) -> List[str]:
        # A replaced repository comes back without the policies AWS deleted with it;
        # its ARN is unknown exactly when it is being replaced, which recreates them.
        return [f"aws_ecr_repository.{self._repository_id}.arn"]

    def write_terraform(self, with_tokens: Terraform, plain: Terraform) -> None:
        """Add the JSON its provider constructs would synthesize (see
        :mod:`~cdktf_aws_ecr.stack_terraform`): blocks that hold tokens to ``with_tokens``,
        the others to ``plain``."""
        if self._blocks is None:
            self._blocks = [
                # Plain inputs (see _plain): only grants and statements bring tokens.
                (kind == "data" and may_hold_token_json(block), kind, resource_type, block)
                for kind, resource_type, block in self._terraform_blocks()
            ]
        for tokens, kind, resource_type, block in self._blocks:
            into = with_tokens if tokens else plain
            into[kind].setdefault(resource_type, {})[self._repository_id] = block

    def _terraform_blocks(self) -> List[Block]:
        settings = self.settings
        address = self._repository_id
        provider = settings["provider"]
        common: Dict[str, Any] = {}
        if provider is not None:
            alias = alias_of(provider)
            common["provider"] = "aws" if alias is None else f"aws.{alias}"

        def block(part: str, **attributes: Any) -> Dict[str, Any]:
            metadata = {"path": f"{self._construct_path}/{part}", "uniqueId": address}
            values = {k: v for k, v in attributes.items() if v is not None}
            return {"//": {"metadata": metadata}, **values, **common}

        encryption, key = self._encryption
        tags = settings["tags"]
        blocks = [("resource", "aws_ecr_repository", block(
            "repository",
            name=settings["name"],
            image_tag_mutability=settings["image_tag_mutability"],
            force_delete=settings["force_delete"],
            image_scanning_configuration={"scan_on_push": settings["scan_on_push"]},
            encryption_configuration=[
                {"encryption_type": encryption, **({"kms_key": key} if key is not None else {})}
            ],
            tags=None if tags is None else dict(tags),
            lifecycle={"prevent_destroy": True} if protected(settings) else None,
        ))]
        name = f"${{aws_ecr_repository.{address}.name}}"
        replace = {"replace_triggered_by": self._recreate_with_repository}
        if self._lifecycle_document is not None:
            # Plain (see _plain), so the text is written here, without a token test.
            policy = literal_text(compact_json(dict(self._lifecycle_document)))
            blocks.append(("resource", "aws_ecr_lifecycle_policy", block(
                "lifecycle_policy",
                policy=policy,
                repository=name,
                lifecycle=replace,
            )))
        if self._has_policy:
            guards = self._access_policy.guards()
            blocks.append(("data", "aws_iam_policy_document", block(
                "policy_document",
                statement=self._access_policy.blocks(),
                lifecycle={"postcondition": [
                    {"condition": condition, "error_message": message}
                    for condition, message in guards
                ]} if guards else None,
            )))
            blocks.append(("resource", "aws_ecr_repository_policy", block(
                "repository_policy",
                policy=f"${{data.aws_iam_policy_document.{address}.json}}",
                repository=name,
                lifecycle=replace,
            )))
        return blocks

    @property
    def repository(self) -> Any:
        """The ``aws_ecr_repository`` (``EcrRepository``)."""
        self.build_constructs()
        return self._repository

    @property
    def lifecycle_policy(self) -> Optional[Any]:
        """The ``aws_ecr_lifecycle_policy`` (``EcrLifecyclePolicy``), or None without one."""
        self.build_constructs()
        return self._lifecycle_policy

    @property
    def policy_document(self) -> Optional[Any]:
        """The repository policy's ``aws_iam_policy_document`` data source, or None
        before the first principal or statement."""
        self.build_constructs()
        return self._policy_document

    @property
    def repository_policy(self) -> Optional[Any]:
        """The ``aws_ecr_repository_policy``, or None before the first principal or statement."""
        self.build_constructs()
        return self._repository_policy

    def grant_pull(self, grantee: Any) -> None:
        """Allow ``grantee`` to pull: the seed's 3 read actions (``PULL_ACTIONS``).

        ``grantee`` is one of:

        * an IAM principal ARN or a 12-digit account ID (joins ``AllowPull``);
        * an ``IamRole`` or ``IamUser`` (anything with an ``.arn``) of any stack of the
          app (joins ``AllowPull``). One of this repository's stack also gets the
          registry-login identity policy (:func:`~cdktf_aws_ecr.grant_registry_login`),
          which a repository policy cannot grant; for one of another stack, call
          ``grant_registry_login`` in its own stack, so this one does not depend on it;
        * a :class:`~cdktf_aws_ecr.ServicePrincipal` (``AllowPullLambdaBySourceArn``...);
        * an :class:`~cdktf_aws_ecr.OrganizationPrincipal` (``AllowPullOrganization``).

        Grants may come in any order before synth: the policy is the same. A bad grantee
        raises :class:`~cdktf_aws_ecr.ValidationError` and changes nothing."""
        self._grant(Access.PULL, grantee)

    def grant_push(self, grantee: Any) -> None:
        """Allow ``grantee`` to push and pull: the seed's 7 actions (``PUSH_ACTIONS``).
        Grantees as for :meth:`grant_pull`, in ``AllowPush...`` statements."""
        self._grant(Access.PUSH, grantee)

    def grant_pull_push(self, grantee: Any) -> None:
        """The same as :meth:`grant_push`: the 7 push actions include the 3 pull actions."""
        self._grant(Access.PULL_PUSH, grantee)

    def add_to_resource_policy(self, statement: Any) -> None:
        """Add a statement of your own to the repository policy (the escape hatch).

        ``statement`` is a :class:`~cdktf_aws_ecr.PolicyStatement` or the provider's
        ``DataAwsIamPolicyDocumentStatement``, under the rules of ``PolicyStatement``. It
        keeps its Sid (unique in the policy, checked at synth) and follows the generated
        statements, in the order added."""
        with located(self._where):
            self._access_policy.add_statement(statement, "statement")
        self._access_policy_changed()

    def _grant(self, access: Access, grantee: Any) -> None:
        with located(self._where):
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
        identity = classified.identity
        if classified.identity_type is not None and state_of(identity).path == self._state.path:
            grant_registry_login(identity)
        self._access_policy_changed()

    def _access_policy_changed(self) -> None:
        """Emit the repository policy with the first statement; keep its guards current."""
        self._blocks = None
        if not self._has_policy:
            self._has_policy = True
            if self.has_constructs:
                self._build_policy()
            else:
                self._pin_written("aws_ecr_repository_policy", "repository_policy")
                self._pin_written("aws_iam_policy_document", "policy_document", managed=False)
        if not self.has_constructs and any(p is not None for p in self._access_policy.presence()):
            # Terraform decides at plan which statements exist (a principal list token may be
            # empty): dynamic blocks and a count, which the constructs write.
            self.build_constructs()
        if self._policy_document is not None:
            # Checked, with every grant made, by _check_with_provider.
            write_policy_document(self._policy_document, self._access_policy)
            written = written_condition(self._access_policy)
            assert self._repository_policy is not None
            self._repository_policy.count = (
                None if written is None else Token.as_number(Fn.conditional(written, 1, 0))
            )

    def _build_policy(self) -> List[Any]:
        """The repository policy's data source and resource, as constructs."""
        provider = self.settings["provider"]
        self._policy_document = aws.DataAwsIamPolicyDocument(
            self, "policy_document", provider=provider
        )
        self._pin(self._policy_document, "aws_iam_policy_document", "policy_document", managed=False)
        self._repository_policy = aws.EcrRepositoryPolicy(
            self,
            "repository_policy",
            repository=self._repository_name,
            policy=self._policy_document.json,
            lifecycle=_lifecycle(
                self._policy_preconditions,
                replace_triggered_by=self._recreate_with_repository,
            ),
            provider=provider,
        )
        self._pin(self._repository_policy, "aws_ecr_repository_policy", "repository_policy")
        write_policy_document(self._policy_document, self._access_policy)
        return [self._policy_document, self._repository_policy]

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

        Added rules follow ``lifecycle_rules``, are numbered as they are, and like them
        replace the seed's two rules. The whole policy is checked here: a rule ECR would
        reject raises :class:`~cdktf_aws_ecr.ValidationError` and is not added. Refused on a
        repository without a lifecycle policy, or built with the seed's lifecycle keywords or
        ``lifecycle_policy_json``."""
        with located(self._where):
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
            if self.settings["lifecycle_policy_json"] is not None:
                raise ValidationError(
                    "rule", rule, "typed rules only on a repository built without "
                    "lifecycle_policy_json, which is kept as written",
                    problem="is added to a repository built with lifecycle_policy_json",
                )
            if not isinstance(rule, LifecycleRule):
                raise ValidationError("rule", rule, "a LifecycleRule", problem=f"is {type_name(rule)}")
            rules = (*self._lifecycle_rules, rule)
            try:
                document = assemble_lifecycle_policy(rules, self.settings["protected_tags"])
            except ValidationError as error:
                raise _as_added_rule_error(error, rule, len(rules) - 1) from None
        if _holds_token(document):
            self.build_constructs()  # the rule's tokens need Terraform checks of their own
        self._lifecycle_rules = rules
        self._lifecycle_document = document
        self._blocks = None
        if self._lifecycle_policy is not None:
            self._lifecycle_policy.policy = _lifecycle_policy_text(document)
            if _holds_token(rule.as_policy_rule(len(rules))):
                # The rule's tokens need Terraform checks of their own.
                self._lifecycle_policy.lifecycle = self._lifecycle_policy_lifecycle()

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
        with located(self._where):
            if facts.region is not None:
                check_kms_key_region("kms_key_arn", settings["kms_key_arn"], facts.region)
                self._check_kms_key_construct_region(facts.region)
                for parameter in ("pull_principal_arns", "push_principal_arns"):
                    if not is_token(settings[parameter]):
                        check_principal_partitions(parameter, settings[parameter], facts.region)
            check_tag_total("tags", settings["tags"], facts.default_tag_keys)
            # With every grant made: unique Sids, the grantees' partitions, ECR's size limit.
            self._access_policy.check(facts.region)
        warn_risky_statements(self._access_policy.custom_statements, facts.account_id, self._where)

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
