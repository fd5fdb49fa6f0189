"""Production guardrails for AWS ECR repositories, as a CDK for Terraform library.

Importing the package is cheap: each public name loads its module on first
use, and the AWS provider bindings start lean when first imported (import this
package before them). The lifecycle preview never starts the jsii runtime.
"""

from __future__ import annotations

import importlib
from typing import Any, Dict, List

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
    "RegistryProps": ".registry.owner",
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
