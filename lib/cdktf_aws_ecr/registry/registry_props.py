"""The keyword arguments of :class:`~cdktf_aws_ecr.Registry`, declared once."""

from __future__ import annotations

import re
from typing import Annotated, Any, Optional, Sequence, TypedDict, Union

from .._framework import AwsProvider
from ..checks import check_choice, check_kms_key_arn
from ..enums import BasicScanTypeVersion, BlobMounting, RegistryPolicyScope, UndeclaredRepositories
from ..errors import ValidationError
from ..facts import ACCOUNT_ID_PATTERN, REGION_PATTERN
from ..inputs import Input
from ..providers import check_provider
from .account_settings import (
    CLAIR_ENDED,
    DEFAULT_BASIC_SCAN_TYPE_VERSION,
    check_basic_scan_type_version,
    check_blob_mounting,
    check_registry_policy_scope,
)
from .pull_through_cache import check_flag
from .pull_time_exclusions import PULL_TIME_EXCLUSIONS_ALLOWED, check_pull_time_exclusions

_ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN, re.ASCII)
_REGION = re.compile(REGION_PATTERN, re.ASCII)


def _check_account_id(parameter: str, value: Any) -> Optional[str]:
    if value is not None and not (isinstance(value, str) and _ACCOUNT_ID.fullmatch(value)):
        raise ValidationError(parameter, value, "None or a 12-digit AWS account ID")
    return value


def _check_undeclared(parameter: str, value: Any) -> Optional[UndeclaredRepositories]:
    if value is None:
        return None
    choice = check_choice(parameter, value, UndeclaredRepositories)
    if choice not in UndeclaredRepositories.__members__:
        raise ValidationError(
            parameter, value, _UNDECLARED_ALLOWED, problem="is an unresolved token"
        )
    return UndeclaredRepositories(choice)


_UNDECLARED_ALLOWED = (
    "None (undecided: a warning at synth while the registry is ENHANCED), or "
    + " or ".join(repr(u.value) for u in UndeclaredRepositories)
    + ", or UndeclaredRepositories members"
)


def _check_region(parameter: str, value: Any) -> Optional[str]:
    if value is not None and not (isinstance(value, str) and _REGION.fullmatch(value)):
        raise ValidationError(parameter, value, "None or an AWS region code such as 'eu-west-1'")
    return value


class RegistryProps(TypedDict, total=False):
    """The keyword arguments of :class:`Registry`."""

    account_id: Annotated[Optional[str], Input(
        description="Account of the registry. Default: the single entry of the provider's "
        "`allowed_account_ids`, else unknown.",
        allowed="None or a 12-digit AWS account ID",
        check=_check_account_id,
        default=None,
    )]
    region: Annotated[Optional[str], Input(
        description="Region of the registry. Default: the provider's region, else unknown.",
        allowed="None or an AWS region code such as 'eu-west-1'",
        check=_check_region,
        default=None,
    )]
    provider: Annotated[Optional[AwsProvider], Input(
        description="The `AwsProvider` of the registry, e.g. an aliased provider of a second "
        "region. Every setting is written through it.",
        allowed="None (the stack's default provider), or an `AwsProvider` of the same stack",
        check=check_provider,
        default=None,
    )]
    allow_over_coverage: Annotated[bool, Input(
        description="Whether the scanning filters this owner chooses may scan repositories of the "
        "app more than they asked for when exact filters do not fit AWS's limits (reported in "
        "`over_covered` and as a `ScanningCoverageWarning`); False refuses such a registry at synth.",
        allowed="True or False",
        check=check_flag,
        default=True,
    )]
    undeclared_repositories: Annotated[Optional[Union[str, UndeclaredRepositories]], Input(
        description="What happens, once this app makes the registry ENHANCED, to the "
        "repositories it does not declare (ENHANCED scans only what a filter matches): "
        "`SCAN_ON_PUSH` or `CONTINUOUS_SCAN` adds a `*` rule of that frequency, `UNSCANNED` "
        "leaves them unscanned. None: undecided, and synth warns (`ScanningLossWarning`) "
        "naming which repositories lose scanning. Ignored while the registry is BASIC.",
        allowed=_UNDECLARED_ALLOWED,
        check=_check_undeclared,
        default=None,
    )]
    configured_elsewhere: Annotated[bool, Input(
        description="This registry's settings are owned by another app or state: write none, "
        "whatever the repositories ask for (see `managed_elsewhere`).",
        allowed="True or False",
        check=check_flag,
        default=False,
    )]
    basic_scan_type_version: Annotated[Optional[Union[str, BasicScanTypeVersion]], Input(
        description="Account setting `BASIC_SCAN_TYPE_VERSION`: the engine of basic scanning. "
        "`AWS_NATIVE` is AWS's current engine; None leaves the setting alone. Owners that "
        "repositories create for their stack, and `RegistryScanning`, default to None.",
        allowed=f"`AWS_NATIVE`, or None (`CLAIR` is refused: {CLAIR_ENDED})",
        check=check_basic_scan_type_version,
        default=DEFAULT_BASIC_SCAN_TYPE_VERSION.value,
    )]
    registry_policy_scope: Annotated[Optional[Union[str, RegistryPolicyScope]], Input(
        description="Account setting `REGISTRY_POLICY_SCOPE`: `V2` makes the registry policy "
        "govern every ECR action, `V1` only replication and pull-through cache. None leaves "
        "the setting alone (new registries use V2).",
        allowed="`V1`, `V2`, or None",
        check=check_registry_policy_scope,
        default=None,
    )]
    blob_mounting: Annotated[Optional[Union[str, BlobMounting]], Input(
        description="Account setting `BLOB_MOUNTING`: a push may mount a layer another "
        "repository of the registry holds (same encryption) instead of uploading it. None "
        "leaves the setting alone. Raises the provider constraint to `~> 6.29`.",
        allowed="`ENABLED`, `DISABLED`, or None; not None only on the AWS provider 6.x lines",
        check=check_blob_mounting,
        default=None,
    )]
    pull_time_update_exclusions: Annotated[Sequence[str], Input(
        description="IAM principals whose pulls do not update an image's last-pull time, e.g. a "
        "scanner or a cache warmer, so that they do not keep images alive under "
        "`sinceImagePulled` lifecycle rules. Raises the provider constraint to `~> 6.28`.",
        allowed=PULL_TIME_EXCLUSIONS_ALLOWED,
        check=check_pull_time_exclusions,
        default=(),
    )]
    kms_key_arn: Annotated[Optional[str], Input(
        description="Customer-managed key for the repositories ECR creates from this owner's "
        "creation templates (pull-through caches, replicas), unless a template names its own.",
        allowed="None, or a KMS *key* ARN in the registry's region (checked at synth); or a token",
        check=check_kms_key_arn,
        default=None,
    )]
    replica_template: Annotated[bool, Input(
        description="When registries of the app replicate into this one and it declares no "
        "`REPLICATION` or `ROOT` creation template, add a `ROOT` template for `REPLICATION` "
        "(`IMMUTABLE`, `kms_key_arn`, the default lifecycle rules). False: the replicas get "
        "ECR's defaults, or templates managed elsewhere.",
        allowed="True or False",
        check=check_flag,
        default=True,
    )]
