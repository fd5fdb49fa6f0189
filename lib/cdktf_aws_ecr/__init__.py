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
    "AppliedFor": ".creation_template",
    "BasicScanTypeVersion": ".account_settings",
    "Condition": ".policy.statement",
    "DestroyableRepositoryWarning": ".repository",
    "Effect": ".policy.statement",
    "EncryptionType": ".enums",
    "ImageTagMutability": ".enums",
    "LifecycleAction": ".lifecycle",
    "LifecycleRule": ".lifecycle",
    "LifecycleTagPrefixListWarning": ".repository",
    "OrganizationPrincipal": ".policy.grantees",
    "PolicyStatement": ".policy.statement",
    "PULL_ACTIONS": ".facts",
    "PUSH_ACTIONS": ".facts",
    "PullThroughCache": ".registry_constructs",
    "PullThroughCacheProps": ".registry_constructs",
    "Registry": ".registry",
    "RegistryLocation": ".registry",
    "RegistryPolicyScope": ".account_settings",
    "RegistryProps": ".registry",
    "RegistryScanning": ".registry",
    "RemovedRepository": ".removed",
    "ReplicationCoverageWarning": ".registry",
    "ReplicationDestination": ".replication",
    "Repository": ".repository",
    "RepositoryCreationTemplate": ".registry_constructs",
    "RepositoryCreationTemplateProps": ".registry_constructs",
    "RepositoryProps": ".repository",
    "ScanFrequency": ".enums",
    "ScanningCoverageWarning": ".registry",
    "ServicePrincipal": ".policy.grantees",
    "TagStatus": ".lifecycle",
    "Upstream": ".pull_through_cache",
    "UpstreamRegistry": ".pull_through_cache",
    "ValidationError": ".errors",
    "check_lifecycle_policy": ".lifecycle",
    "grant_registry_login": ".policy.registry_login",
    "preview_lifecycle": ".lifecycle",
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
