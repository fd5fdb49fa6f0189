"""Repository creation templates: the settings of repositories that ECR creates itself.

Replication and pull-through cache create repositories on ECR's own
initiative, with default settings: mutable tags, AES256, no lifecycle policy,
no repository policy. A template whose prefix matches the new repository's
name (or ``ROOT``, for every name no other template matches) gives them
settings instead, for the scenarios in its ``applied_for``. It never changes
repositories that exist already.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html

This module checks a template's inputs and renders the arguments of
``aws_ecr_repository_creation_template``. The lifecycle and repository policy
documents are built by the same code as for ``Repository`` and arrive here as
JSON text.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .checks import (
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
from .enums import EncryptionType, ImageTagMutability
from .errors import ValidationError
from .facts import MAX_LIFECYCLE_POLICY_LENGTH
from .tokens import is_token

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryCreationTemplate.html
# (prefix pattern); provider 5.100 requires 2-256 characters where the API allows 1.
PREFIX_LENGTH = (2, 256)
PREFIX_PATTERN = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT"
ROOT = "ROOT"
# Provider 5.100 refuses descriptions over 255 characters (the API allows 256).
MAX_DESCRIPTION_LENGTH = 255
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html (policyText)
MAX_REPOSITORY_POLICY_LENGTH = 10240

_PREFIX = re.compile(PREFIX_PATTERN, re.ASCII)


class AppliedFor(str, enum.Enum):
    """When ECR applies a template: to repositories that replication or pull-through cache creates.

    The API also knows ``CREATE_ON_PUSH``; provider 5.100 refuses it
    (``terraform validate``: expected applied_for to be one of
    ["REPLICATION" "PULL_THROUGH_CACHE"]), it needs provider 6.
    """

    REPLICATION = "REPLICATION"
    PULL_THROUGH_CACHE = "PULL_THROUGH_CACHE"


CREATE_ON_PUSH = "CREATE_ON_PUSH"


def check_template_prefix(parameter: str, value: Any) -> str:
    allowed = (
        f"'{ROOT}' (every repository no other template matches), or "
        f"{PREFIX_LENGTH[0]}-{PREFIX_LENGTH[1]} characters of lowercase path segments "
        f"matching ^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?$ "
        "(ECR appends '/': 'prod' applies to 'prod/...')"
    )
    return check_text(parameter, value, _PREFIX, PREFIX_LENGTH, allowed, "repository prefix")


APPLIED_FOR_ALLOWED = (
    "a non-empty list of distinct 'REPLICATION' and 'PULL_THROUGH_CACHE' "
    "(AppliedFor members)"
)
DESCRIPTION_ALLOWED = f"None or at most {MAX_DESCRIPTION_LENGTH} characters"


def check_applied_for(parameter: str, value: Any) -> List[str]:
    """The scenarios of a template, sorted; ``CREATE_ON_PUSH`` is refused (provider 5.100)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not value:
        raise ValidationError(
            parameter, value, APPLIED_FOR_ALLOWED, problem="is not a non-empty list"
        )
    checked: List[str] = []
    for item in value:
        if item == CREATE_ON_PUSH:
            raise ValidationError(
                parameter,
                value,
                APPLIED_FOR_ALLOWED,
                problem="holds 'CREATE_ON_PUSH', which provider hashicorp/aws 5.100 refuses; "
                "it needs provider 6",
            )
        checked.append(check_choice(parameter, item, AppliedFor))
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


@dataclass(frozen=True)
class CreationTemplateSettings:
    """The checked inputs of one ``aws_ecr_repository_creation_template``.

    :param prefix: Repository name prefix the template applies to (ECR appends
        ``/``), 2-256 characters, or ``ROOT`` for every repository no other
        template matches. Use a pull-through cache rule's prefix for its
        repositories. Unique within the registry.
    :param applied_for: ``REPLICATION`` and/or ``PULL_THROUGH_CACHE``.
        ``CREATE_ON_PUSH`` is refused: provider 5.100 does not accept it.
    :param description: At most 255 characters. Default: None.
    :param image_tag_mutability: ``MUTABLE`` or ``IMMUTABLE``. Default: ``IMMUTABLE``.
    :param encryption_type: ``AES256`` or ``KMS``; ``kms_key_arn`` forces
        ``KMS``. Default: ``AES256``.
    :param kms_key_arn: Customer-managed KMS key ARN in the registry's region;
        needs ``custom_role_arn``. Default: None.
    :param lifecycle_policy: Lifecycle policy JSON text, at most 30,720
        characters. Default: None.
    :param repository_policy: Repository policy JSON text, at most 10,240
        characters. Default: None.
    :param resource_tags: Tags of the created repositories (at most 50); any
        tag needs ``custom_role_arn``. Default: none.
    :param custom_role_arn: IAM role ECR assumes to create the repositories,
        in the registry's account. Required with ``kms_key_arn`` or
        ``resource_tags``. Default: None (ECR's service-linked role).
    :param region: Registry region, to check the key and role. Default: None, unknown.
    :param account_id: Registry account, to check the role. Default: None, unknown.
    """

    prefix: str
    applied_for: Sequence[Union[str, AppliedFor]]
    description: Optional[str] = None
    image_tag_mutability: Union[str, ImageTagMutability] = ImageTagMutability.IMMUTABLE
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
            self,
            "image_tag_mutability",
            check_choice("image_tag_mutability", self.image_tag_mutability, ImageTagMutability),
        )
        object.__setattr__(
            self,
            "encryption_type",
            check_choice("encryption_type", self.encryption_type, EncryptionType),
        )
        check_kms_key_arn("kms_key_arn", self.kms_key_arn)
        if self.region is not None:
            check_kms_key_region("kms_key_arn", self.kms_key_arn, self.region)
        for name, limit in (
            ("lifecycle_policy", MAX_LIFECYCLE_POLICY_LENGTH),
            ("repository_policy", MAX_REPOSITORY_POLICY_LENGTH),
        ):
            _check_policy_text(name, getattr(self, name), limit)
        object.__setattr__(
            self, "resource_tags", MappingProxyType(check_tags("resource_tags", self.resource_tags))
        )
        if self.custom_role_arn is not None:
            # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
            # ("This role must be in the same account as the registry that you are configuring")
            check_role_arn(
                "custom_role_arn",
                self.custom_role_arn,
                region=self.region,
                account_id=self.account_id,
                purpose="create repositories from this template",
            )
        else:
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

    @property
    def effective_encryption_type(self) -> str:
        """``KMS`` when a key is given, else ``encryption_type``."""
        if self.kms_key_arn is not None:
            return EncryptionType.KMS.value
        return str(self.encryption_type)

    def arguments(self) -> Dict[str, Any]:
        """The resource's arguments in Terraform JSON form (unset optional ones left out).

        ``encryption_configuration`` is a block list with snake_case keys: pass it
        as ``Lazy.any_value`` (or ``add_override``). Given as plain dicts to the
        provider binding it is read as jsii structs, whose keys are camelCase,
        and synthesizes as ``[{}]`` without an error.
        """
        encryption: Dict[str, str] = {"encryption_type": self.effective_encryption_type}
        if self.kms_key_arn is not None:
            encryption["kms_key"] = self.kms_key_arn
        arguments: Dict[str, Any] = {
            "prefix": self.prefix,
            "applied_for": list(self.applied_for),
            "image_tag_mutability": self.image_tag_mutability,
            "encryption_configuration": [encryption],
        }
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
