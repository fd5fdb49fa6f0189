"""Closed value sets. Each member *is* its AWS string, so plain strings work too."""

from __future__ import annotations

import enum


class ImageTagMutability(str, enum.Enum):
    """Whether an image tag can be pushed again to point at another image."""

    MUTABLE = "MUTABLE"
    IMMUTABLE = "IMMUTABLE"


class EncryptionType(str, enum.Enum):
    """Encryption at rest. ``KMS`` without a key ARN uses the AWS-managed ``aws/ecr`` key."""

    AES256 = "AES256"
    KMS = "KMS"


class ScanFrequency(str, enum.Enum):
    """How often Amazon Inspector enhanced scanning re-scans a repository's images."""

    SCAN_ON_PUSH = "SCAN_ON_PUSH"
    CONTINUOUS_SCAN = "CONTINUOUS_SCAN"
