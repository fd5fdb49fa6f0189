"""Closed value sets. Each member *is* its AWS string, so plain strings work too."""

from __future__ import annotations

import enum


class ImageTagMutability(str, enum.Enum):
    """Whether an image tag can be pushed again to point at another image. The
    ``*_WITH_EXCLUSION`` modes (AWS provider 6.x lines only) apply to every tag but those that
    ``image_tag_mutability_exclusion_filters`` match, which get the opposite."""

    MUTABLE = "MUTABLE"
    IMMUTABLE = "IMMUTABLE"
    MUTABLE_WITH_EXCLUSION = "MUTABLE_WITH_EXCLUSION"
    IMMUTABLE_WITH_EXCLUSION = "IMMUTABLE_WITH_EXCLUSION"


class EncryptionType(str, enum.Enum):
    """Encryption at rest. ``KMS`` without a key ARN uses the AWS-managed ``aws/ecr`` key."""

    AES256 = "AES256"
    KMS = "KMS"


class ScanFrequency(str, enum.Enum):
    """How often Amazon Inspector enhanced scanning re-scans a repository's images."""

    SCAN_ON_PUSH = "SCAN_ON_PUSH"
    CONTINUOUS_SCAN = "CONTINUOUS_SCAN"


class UndeclaredRepositories(str, enum.Enum):
    """What an ENHANCED registry does with the repositories this app does not declare. Under
    ENHANCED, a repository no filter matches is not scanned at all, and basic scanning stops
    for the whole registry
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html).
    ``SCAN_ON_PUSH`` and ``CONTINUOUS_SCAN`` add a ``*`` rule of that frequency (every
    repository, declared or not, future ones included, billed by Amazon Inspector);
    ``UNSCANNED`` leaves them unscanned, knowingly."""

    SCAN_ON_PUSH = "SCAN_ON_PUSH"
    CONTINUOUS_SCAN = "CONTINUOUS_SCAN"
    UNSCANNED = "UNSCANNED"


class AccountSettingName(str, enum.Enum):
    """The account settings the provider manages (``BLOB_MOUNTING`` from 6.29)."""

    BASIC_SCAN_TYPE_VERSION = "BASIC_SCAN_TYPE_VERSION"
    REGISTRY_POLICY_SCOPE = "REGISTRY_POLICY_SCOPE"
    BLOB_MOUNTING = "BLOB_MOUNTING"


class BlobMounting(str, enum.Enum):
    """Whether a push may mount a layer that another repository of the registry holds instead
    of uploading it again (same encryption type and key only; not for pull-through cache images).
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/blob-mounting.html"""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class BasicScanTypeVersion(str, enum.Enum):
    """Which engine runs *basic* scanning: ``AWS_NATIVE`` (the default of new registries), or
    ``CLAIR``, whose support AWS ended on 1 October 2025 (2 February 2026 in China), here only
    to read or replace an old setting.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic.html"""

    AWS_NATIVE = "AWS_NATIVE"
    CLAIR = "CLAIR"


class RegistryPolicyScope(str, enum.Enum):
    """Which actions the registry policy governs: ``V2`` (new registries) any ECR action, on
    every request; ``V1`` only ``ecr:ReplicateImage``, ``ecr:BatchImportUpstreamImage`` and
    ``ecr:CreateRepository``.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html"""

    V1 = "V1"
    V2 = "V2"
