"""Production guardrails for AWS ECR repositories, as a CDK for Terraform library. Importing
it is cheap: each public name loads its module on first use, and the provider bindings start
lean when first imported (import this package before them)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List

from ._lean_import import install_on_import as _start_provider_bindings_lean

_start_provider_bindings_lean()

__version__ = "0.2.0"

#: Each public name and the module that defines it.
_PUBLIC: Dict[str, str] = {
    "Adopt": ".adoption",
    "AdoptionWarning": ".adoption",
    "AppliedFor": ".registry.creation_template",
    "BasicScanTypeVersion": ".enums",
    "BlobMounting": ".enums",
    "Condition": ".policy.statement",
    "DestroyableRepositoryWarning": ".repository_props",
    "Effect": ".policy.statement",
    "EncryptionType": ".enums",
    "ImageTagMutability": ".enums",
    "LifecycleAction": ".lifecycle.rules",
    "LifecycleRule": ".lifecycle.rules",
    "LifecycleTagPrefixListWarning": ".repository_props",
    "OrganizationPrincipal": ".policy.grantees",
    "PolicyStatement": ".policy.statement",
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
    "ReplicationDestination": ".registry.destinations",
    "Repository": ".repository",
    "RepositoryCreationTemplate": ".registry.creation_template",
    "RepositoryCreationTemplateProps": ".registry.creation_template",
    "RepositoryProps": ".repository_props",
    "ScanFrequency": ".enums",
    "ScanningCoverageWarning": ".registry.scanning",
    "ScanningLossWarning": ".registry.scanning",
    "ServicePrincipal": ".policy.grantees",
    "TagStatus": ".lifecycle.policy_check",
    "UndeclaredRepositories": ".enums",
    "Upstream": ".registry.upstreams",
    "UpstreamRegistry": ".registry.upstreams",
    "RiskyStatementWarning": ".errors",
    "ValidationError": ".errors",
    "check_lifecycle_policy": ".lifecycle.policy_check",
    "grant_registry_login": ".policy.registry_login",
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
    from .addresses import upgrade_from_0_1_0 as upgrade_from_0_1_0
    from .adoption import Adopt as Adopt, AdoptionWarning as AdoptionWarning
    from .enums import (
        BasicScanTypeVersion as BasicScanTypeVersion,
        BlobMounting as BlobMounting,
        EncryptionType as EncryptionType,
        ImageTagMutability as ImageTagMutability,
        RegistryPolicyScope as RegistryPolicyScope,
        ScanFrequency as ScanFrequency,
        UndeclaredRepositories as UndeclaredRepositories,
    )
    from .errors import (
        RiskyStatementWarning as RiskyStatementWarning,
        ValidationError as ValidationError,
    )
    from .facts import PULL_ACTIONS as PULL_ACTIONS, PUSH_ACTIONS as PUSH_ACTIONS
    from .lifecycle.policy_check import (
        TagStatus as TagStatus,
        check_lifecycle_policy as check_lifecycle_policy,
    )
    from .lifecycle.rules import LifecycleAction as LifecycleAction, LifecycleRule as LifecycleRule
    from .lifecycle.simulator import preview_lifecycle as preview_lifecycle
    from .policy.grantees import (
        OrganizationPrincipal as OrganizationPrincipal,
        ServicePrincipal as ServicePrincipal,
    )
    from .policy.registry_login import grant_registry_login as grant_registry_login
    from .policy.statement import (
        Condition as Condition,
        Effect as Effect,
        PolicyStatement as PolicyStatement,
    )
    from .providers import require_provider_versions as require_provider_versions
    from .registry.creation_template import (
        AppliedFor as AppliedFor,
        RepositoryCreationTemplate as RepositoryCreationTemplate,
        RepositoryCreationTemplateProps as RepositoryCreationTemplateProps,
    )
    from .registry.destinations import ReplicationDestination as ReplicationDestination
    from .registry.membership import RegistryLocation as RegistryLocation
    from .registry.owner import Registry as Registry, RegistryScanning as RegistryScanning
    from .registry.pull_through_cache import (
        PullThroughCache as PullThroughCache,
        PullThroughCacheProps as PullThroughCacheProps,
    )
    from .registry.registry_props import RegistryProps as RegistryProps
    from .registry.replication import ReplicationCoverageWarning as ReplicationCoverageWarning
    from .registry.scanning import (
        ScanningCoverageWarning as ScanningCoverageWarning,
        ScanningLossWarning as ScanningLossWarning,
    )
    from .registry.upstreams import Upstream as Upstream, UpstreamRegistry as UpstreamRegistry
    from .removed import RemovedRepository as RemovedRepository
    from .repository import Repository as Repository
    from .repository_props import (
        DestroyableRepositoryWarning as DestroyableRepositoryWarning,
        LifecycleTagPrefixListWarning as LifecycleTagPrefixListWarning,
        RepositoryProps as RepositoryProps,
    )
