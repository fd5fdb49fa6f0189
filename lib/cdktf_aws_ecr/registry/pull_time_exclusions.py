"""Pull-time update exclusions (``aws_ecr_pull_time_update_exclusion``, AWS provider 6.28): IAM
principals whose pulls ECR does not record as an image's last pull, so that a scanner or a
cache warmer does not keep images alive under ``sinceImagePulled`` rules. Registry-wide: one
per principal and registry, written by the registry's owner.
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegisterPullTimeUpdateExclusion.html"""

from __future__ import annotations

import re
from typing import Any, Tuple

from .._framework import aws, framework_resource
from ..addresses import pin_address, with_alias
from ..checks import check_principals
from ..errors import ValidationError
from ..facts import ACCOUNT_ID_PATTERN
from ..framework import needs_aws_provider_6
from ..providers import require_aws_provider_minor
from .membership import OwnerCore

#: The provider 6 minor that has the resource.
PULL_TIME_EXCLUSION_MINOR = 28
PULL_TIME_EXCLUSIONS_ALLOWED = (
    "distinct IAM role or user ARNs (or tokens), on the AWS provider 6.x lines; or none"
)


def check_pull_time_exclusions(parameter: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, (list, tuple)) and not value:
        return ()
    refusal = needs_aws_provider_6("pull-time update exclusions")
    if refusal is not None:
        raise ValidationError(parameter, value, "none", problem=refusal)
    principals = check_principals(parameter, value)
    for principal in principals:
        if re.fullmatch(ACCOUNT_ID_PATTERN, principal):
            raise ValidationError(
                parameter, value, PULL_TIME_EXCLUSIONS_ALLOWED,
                problem=f"holds the account ID {principal!r}: ECR excludes one principal's ARN",
            )
    repeated = sorted({p for p in principals if list(principals).count(p) > 1})
    if repeated:
        raise ValidationError(
            parameter, value, PULL_TIME_EXCLUSIONS_ALLOWED, problem=f"repeats {repeated}"
        )
    return tuple(principals)


def add_pull_time_exclusions(owner: OwnerCore, principals: Tuple[str, ...]) -> None:
    """One resource per principal, addressed by its position (a token has no stable text)."""
    if not principals or owner.configured_elsewhere:
        return
    stack = owner.stack_state.stack
    require_aws_provider_minor(stack, PULL_TIME_EXCLUSION_MINOR)
    for index, principal in enumerate(principals):
        construct_id = f"pull_time_update_exclusion_{index}"
        try:
            resource = aws.EcrPullTimeUpdateExclusion(
                owner, construct_id, principal_arn=principal, provider=owner.provider
            )
        except AttributeError:  # bindings older than 6.28 (cdktf's 21.x): written as Terraform has it
            resource = framework_resource(
                owner, construct_id, "aws_ecr_pull_time_update_exclusion",
                {"principal_arn": principal}, owner.provider,
            )
        pin_address(stack, resource, "aws_ecr_pull_time_update_exclusion",
                    with_alias(construct_id, owner.alias), in_release_0_1_0=False)
