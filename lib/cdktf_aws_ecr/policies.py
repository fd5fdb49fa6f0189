"""Repository access actions and the lifecycle policy document, stated once."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Sequence, Tuple, Union

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

Number = Union[int, float]


def lifecycle_rules(
    untagged_image_expiry_days: Number,
    max_tagged_image_count: Number,
    tag_prefixes: Sequence[str],
    render: Callable[[Number], str] = str,
) -> Dict[str, Any]:
    """The two rules: expire untagged images by age, keep N tagged images per prefix set.

    ``render`` turns the numbers into the text of the rule descriptions.

    The untagged rule has the lower priority number, so ECR evaluates it first;
    neither rule is an ``any`` rule, so ECR's "``any`` must come last" ordering
    constraint does not apply.
    """
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images older than {render(untagged_image_expiry_days)} days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": untagged_image_expiry_days,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep only the most recent {render(max_tagged_image_count)} tagged images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPrefixList": list(tag_prefixes),
                    "countType": "imageCountMoreThan",
                    "countNumber": max_tagged_image_count,
                },
                "action": {"type": "expire"},
            },
        ]
    }


def lifecycle_policy_json(rules: Dict[str, Any]) -> str:
    """Serialise like Terraform's ``jsonencode``: sorted keys, no whitespace.

    Matching it byte for byte means a plan of this library's stack shows the
    same ``policy`` string as the HCL module's.
    """
    return json.dumps(rules, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
