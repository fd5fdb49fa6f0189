"""Production guardrails for AWS ECR repositories, as a CDK for Terraform library.

Importing the package is cheap: each public name loads its module on first
use, and the AWS provider bindings start lean when first imported (import this
package before them). The lifecycle preview never starts the jsii runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List

from ._lean_import import install_on_import as _start_provider_bindings_lean

_start_provider_bindings_lean()

__version__ = "0.2.0"

#: Each public name and the module that defines it.
_PUBLIC: Dict[str, str] = {
    "AppliedFor": ".registry.creation_template",
    "BasicScanTypeVersion": ".enums",
    "Condition": ".access",
    "DestroyableRepositoryWarning": ".repository_props",
    "Effect": ".access",
    "EncryptionType": ".enums",
    "ImageTagMutability": ".enums",
    "LifecycleAction": ".lifecycle.rules",
    "LifecycleRule": ".lifecycle.rules",
    "LifecycleTagPrefixListWarning": ".repository_props",
    "OrganizationPrincipal": ".access",
    "PolicyStatement": ".access",
    "PULL_ACTIONS": ".facts",
    "PUSH_ACTIONS": ".facts",
    "PullThroughCache": ".registry.pull_through_cache",
    "PullThroughCacheProps": ".registry.pull_through_cache",
    "Registry": ".registry.owner",
    "RegistryLocation": ".registry.membership",
    "RegistryPolicyScope": ".enums",
    "RegistryProps": ".registry.registry_props",
    "RegistryScanning": ".registry.owner",
    "RemovedRepository": ".removed",
    "ReplicationCoverageWarning": ".registry.replication",
    "ReplicationDestination": ".registry.replication_planner",
    "Repository": ".repository",
    "RepositoryCreationTemplate": ".registry.creation_template",
    "RepositoryCreationTemplateProps": ".registry.creation_template",
    "RepositoryProps": ".repository_props",
    "ScanFrequency": ".enums",
    "ScanningCoverageWarning": ".registry.scanning",
    "ServicePrincipal": ".access",
    "TagStatus": ".lifecycle.policy_check",
    "Upstream": ".registry.upstreams",
    "UpstreamRegistry": ".registry.upstreams",
    "ValidationError": ".errors",
    "check_lifecycle_policy": ".lifecycle.policy_check",
    "grant_registry_login": ".registry_login",
    "preview_lifecycle": ".lifecycle.simulator",
    "require_provider_versions": ".providers",
    "upgrade_from_0_1_0": ".addresses",
}

__all__ = sorted(_PUBLIC, key=str.lower)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_PUBLIC))


if TYPE_CHECKING:  # what type checkers and IDEs see: the same names, eagerly
    from .access import (
        Condition as Condition,
    )
    from .access import (
        Effect as Effect,
    )
    from .access import (
        OrganizationPrincipal as OrganizationPrincipal,
    )
    from .access import (
        PolicyStatement as PolicyStatement,
    )
    from .access import (
        ServicePrincipal as ServicePrincipal,
    )
    from .addresses import upgrade_from_0_1_0 as upgrade_from_0_1_0
    from .enums import (
        BasicScanTypeVersion as BasicScanTypeVersion,
    )
    from .enums import (
        EncryptionType as EncryptionType,
    )
    from .enums import (
        ImageTagMutability as ImageTagMutability,
    )
    from .enums import (
        RegistryPolicyScope as RegistryPolicyScope,
    )
    from .enums import (
        ScanFrequency as ScanFrequency,
    )
    from .errors import ValidationError as ValidationError
    from .facts import PULL_ACTIONS as PULL_ACTIONS
    from .facts import PUSH_ACTIONS as PUSH_ACTIONS
    from .lifecycle.policy_check import (
        TagStatus as TagStatus,
    )
    from .lifecycle.policy_check import (
        check_lifecycle_policy as check_lifecycle_policy,
    )
    from .lifecycle.rules import LifecycleAction as LifecycleAction
    from .lifecycle.rules import LifecycleRule as LifecycleRule
    from .lifecycle.simulator import preview_lifecycle as preview_lifecycle
    from .providers import require_provider_versions as require_provider_versions
    from .registry.creation_template import (
        AppliedFor as AppliedFor,
    )
    from .registry.creation_template import (
        RepositoryCreationTemplate as RepositoryCreationTemplate,
    )
    from .registry.creation_template import (
        RepositoryCreationTemplateProps as RepositoryCreationTemplateProps,
    )
    from .registry.membership import RegistryLocation as RegistryLocation
    from .registry.owner import Registry as Registry
    from .registry.owner import RegistryScanning as RegistryScanning
    from .registry.pull_through_cache import (
        PullThroughCache as PullThroughCache,
    )
    from .registry.pull_through_cache import (
        PullThroughCacheProps as PullThroughCacheProps,
    )
    from .registry.registry_props import RegistryProps as RegistryProps
    from .registry.replication import ReplicationCoverageWarning as ReplicationCoverageWarning
    from .registry.replication_planner import ReplicationDestination as ReplicationDestination
    from .registry.scanning import ScanningCoverageWarning as ScanningCoverageWarning
    from .registry.upstreams import Upstream as Upstream
    from .registry.upstreams import UpstreamRegistry as UpstreamRegistry
    from .registry_login import grant_registry_login as grant_registry_login
    from .removed import RemovedRepository as RemovedRepository
    from .repository import Repository as Repository
    from .repository_props import (
        DestroyableRepositoryWarning as DestroyableRepositoryWarning,
    )
    from .repository_props import (
        LifecycleTagPrefixListWarning as LifecycleTagPrefixListWarning,
    )
    from .repository_props import (
        RepositoryProps as RepositoryProps,
    )
