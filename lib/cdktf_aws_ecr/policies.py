"""Repository access actions and the lifecycle policy's serialisation, stated once."""

from __future__ import annotations

import json
from typing import Any, Dict, Tuple

#: What a pull-only principal may do: read layers and manifests.
PULL_ACTIONS: Tuple[str, ...] = (
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "ecr:BatchCheckLayerAvailability",
)
#: What a push principal may do: everything a puller may, plus upload images.
PUSH_ACTIONS: Tuple[str, ...] = PULL_ACTIONS + (
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
)
PULL_STATEMENT_SID = "AllowPull"
PUSH_STATEMENT_SID = "AllowPush"
#: ECR's limit on the size of a lifecycle policy document.
MAX_LIFECYCLE_POLICY_LENGTH = 30720


def lifecycle_policy_json(rules: Dict[str, Any]) -> str:
    """Serialise like Terraform's ``jsonencode``: sorted keys, no whitespace.

    Matching it byte for byte means a plan of this library's stack shows the
    same ``policy`` string as the HCL module's.
    """
    return json.dumps(rules, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
