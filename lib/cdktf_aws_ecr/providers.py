"""The AWS provider a construct deploys through (``provider=``, or the stack's provider without
an alias, which may come later: facts are read at synth), and what the checks read from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, FrozenSet, Optional

from ._framework import AwsProvider, TerraformStack
from .errors import ValidationError
from .framework import LINE

AWS_PROVIDER_SOURCE = "hashicorp/aws"
#: The provider major the installed bindings were generated for (5.x on the cdktf-aws5 line,
#: 6.x on the others), any minor: the bindings would pin their exact version instead.
AWS_PROVIDER_CONSTRAINT = f"~> {LINE.aws_provider_major}.0"
TERRAFORM_CONSTRAINT = ">= 1.5.0"
_CONSTRAINTS_WRITTEN = "_cdktf_aws_ecr_constraints_written"
_MINIMUM = "_cdktf_aws_ecr_aws_provider_minimum"


def require_provider_versions(stack: TerraformStack) -> None:
    """Declare ``hashicorp/aws ~> 5.0`` (``~> 6.0`` on the 6.x lines) and Terraform
    ``>= 1.5.0`` for ``stack``, as every stack with a construct of this library does. Call it
    for a stack that only uses the bindings: they would pin the exact version they were
    generated from (5.99.1 for 19.65), which offline mirrors and most lock files lack."""
    if getattr(stack, _CONSTRAINTS_WRITTEN, False):
        return
    _write_aws_constraint(stack, AWS_PROVIDER_CONSTRAINT)
    stack.add_override("terraform.required_version", TERRAFORM_CONSTRAINT)
    setattr(stack, _CONSTRAINTS_WRITTEN, True)


def _write_aws_constraint(stack: TerraformStack, constraint: str) -> None:
    stack.add_override(
        "terraform.required_providers.aws", {"source": AWS_PROVIDER_SOURCE, "version": constraint}
    )


def require_aws_provider_minor(stack: TerraformStack, minor: int) -> None:
    """Raise ``stack``'s AWS provider constraint to ``~> 6.<minor>``, for a feature that
    provider 6.<minor> brought (only called on a 6.x line)."""
    require_provider_versions(stack)
    if minor > getattr(stack, _MINIMUM, 0):
        setattr(stack, _MINIMUM, minor)
        _write_aws_constraint(stack, f"~> {LINE.aws_provider_major}.{minor}")


def _plain_string(value: object) -> Optional[str]:
    from .tokens import is_token

    if isinstance(value, str) and value and not is_token(value):
        return value
    return None


@dataclass(frozen=True)
class ProviderFacts:
    """What the synth-time checks know of a provider; None where not plainly known."""

    region: Optional[str] = None
    account_id: Optional[str] = None
    #: Keys of the provider's ``default_tags``; AWS counts them in each resource's 50 tags.
    default_tag_keys: FrozenSet[str] = frozenset()


UNKNOWN = ProviderFacts()


def facts_of(provider: Optional[AwsProvider]) -> ProviderFacts:
    """The region, pinned account and default tag keys of ``provider``."""
    if provider is None:
        return UNKNOWN
    accounts = provider.allowed_account_ids
    default_tags = provider.default_tags
    return ProviderFacts(
        region=_plain_string(provider.region),
        account_id=(
            _plain_string(accounts[0]) if isinstance(accounts, list) and len(accounts) == 1 else None
        ),
        default_tag_keys=frozenset(
            key
            for block in (default_tags if isinstance(default_tags, list) else ())
            for key in (getattr(block, "tags", None) or {})
            if isinstance(key, str)
        ),
    )


def default_provider(stack: TerraformStack) -> Optional[AwsProvider]:
    """The stack's ``AwsProvider`` without an alias, wherever in the stack it is."""
    for provider in stack.all_providers():
        if isinstance(provider, AwsProvider) and provider.alias is None:
            return provider
    return None


_ALIAS = "_cdktf_aws_ecr_alias"


def alias_of(provider: Optional[AwsProvider]) -> Optional[str]:
    """The provider's alias, None for none (read once: it is set when the provider is created)."""
    if provider is None:
        return None
    if not hasattr(provider, _ALIAS):
        setattr(provider, _ALIAS, provider.alias)
    return getattr(provider, _ALIAS)


_ADDRESS_ALIAS = "_cdktf_aws_ecr_address_alias"


def address_alias(stack: TerraformStack, provider: Optional[AwsProvider]) -> Optional[str]:
    """The alias that a repository's address carries for ``provider``: none for the stack's
    default provider, nor for an aliased one of the same registry (the same literal
    region and single allowed account as the default provider's), so that moving a
    repository between such providers changes nothing in AWS and nothing in the plan.

    Decided once per provider, when its first repository is built: a default provider
    created after that cannot be compared, and the alias stays.
    """
    if provider is None or alias_of(provider) is None:
        return None
    if not hasattr(provider, _ADDRESS_ALIAS):
        default = default_provider(stack)
        own = facts_of(provider)
        base = facts_of(default) if default is not None else None
        same_registry = (
            base is not None
            and own.region is not None
            and own.account_id is not None
            and (own.region, own.account_id) == (base.region, base.account_id)
        )
        setattr(provider, _ADDRESS_ALIAS, None if same_registry else alias_of(provider))
    alias: Optional[str] = getattr(provider, _ADDRESS_ALIAS)
    return alias


def check_provider(parameter: str, value: Any) -> Optional[AwsProvider]:
    """None (the stack's default provider) or an ``AwsProvider``."""
    if value is None or isinstance(value, AwsProvider):
        return value
    raise ValidationError(
        parameter,
        value,
        "None (the stack's default AWS provider) or an AwsProvider of the same stack",
        problem=f"is a {type(value).__name__}",
    )
