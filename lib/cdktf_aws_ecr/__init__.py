"""Production guardrails for AWS ECR repositories, as a CDK for Terraform library.

Import this package before the AWS provider bindings: it starts them with only
the submodules a program uses (see :mod:`cdktf_aws_ecr._lean_import`), which
cuts seconds and hundreds of megabytes from every synth, deploy and test run.
"""

from ._lean_import import install as _start_provider_bindings

_start_provider_bindings()

from ._synth_checks import install as _raise_synth_errors_as_validation_errors  # noqa: E402

_raise_synth_errors_as_validation_errors()

from .access import (  # noqa: E402
    Condition,
    Effect,
    OrganizationPrincipal,
    PolicyStatement,
    ServicePrincipal,
)
from .account_settings import BasicScanTypeVersion, RegistryPolicyScope  # noqa: E402
from .creation_template import AppliedFor  # noqa: E402
from .enums import EncryptionType, ImageTagMutability, ScanFrequency  # noqa: E402
from .errors import ValidationError  # noqa: E402
from .lifecycle import (  # noqa: E402
    LifecycleAction,
    LifecycleRule,
    TagStatus,
    check_lifecycle_policy,
    preview_lifecycle,
)
from .policies import PULL_ACTIONS, PUSH_ACTIONS  # noqa: E402
from .providers import require_provider_versions  # noqa: E402
from .pull_through_cache import Upstream, UpstreamRegistry  # noqa: E402
from .registry import (  # noqa: E402
    Registry,
    RegistryLocation,
    RegistryProps,
    RegistryScanning,
    ReplicationCoverageWarning,
    ScanningCoverageWarning,
)
from .registry_constructs import (  # noqa: E402
    PullThroughCache,
    PullThroughCacheProps,
    RepositoryCreationTemplate,
    RepositoryCreationTemplateProps,
)
from .registry_login import grant_registry_login  # noqa: E402
from .replication import ReplicationDestination  # noqa: E402
from .removed import RemovedRepository  # noqa: E402
from .repository import (  # noqa: E402
    INPUTS,
    OUTPUTS,
    DestroyableRepositoryWarning,
    LifecycleTagPrefixListWarning,
    Repository,
    RepositoryProps,
)

__version__ = "0.1.0"

__all__ = [
    "AppliedFor",
    "BasicScanTypeVersion",
    "Condition",
    "DestroyableRepositoryWarning",
    "Effect",
    "EncryptionType",
    "ImageTagMutability",
    "INPUTS",
    "LifecycleAction",
    "LifecycleRule",
    "LifecycleTagPrefixListWarning",
    "OUTPUTS",
    "OrganizationPrincipal",
    "PolicyStatement",
    "PULL_ACTIONS",
    "PUSH_ACTIONS",
    "PullThroughCache",
    "PullThroughCacheProps",
    "Registry",
    "RegistryLocation",
    "RegistryPolicyScope",
    "RegistryProps",
    "RegistryScanning",
    "RemovedRepository",
    "ReplicationCoverageWarning",
    "ReplicationDestination",
    "Repository",
    "RepositoryCreationTemplate",
    "RepositoryCreationTemplateProps",
    "RepositoryProps",
    "ScanFrequency",
    "ScanningCoverageWarning",
    "ServicePrincipal",
    "TagStatus",
    "Upstream",
    "UpstreamRegistry",
    "ValidationError",
    "check_lifecycle_policy",
    "grant_registry_login",
    "preview_lifecycle",
    "require_provider_versions",
]
