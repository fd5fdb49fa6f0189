"""AWS facts the library relies on: identifier patterns, limits and actions, each stated once
with the page it comes from."""

from __future__ import annotations

from typing import Tuple

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationDestination.html
# (registryId: [0-9]{12})
ACCOUNT_ID_PATTERN = r"\d{12}"
# A region code: two letters (four for the European Sovereign Cloud's partition aws-eusc,
# whose first region is eusc-de-east-1, https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
# lists partitions; the aws-eusc ARN prefix and region: https://cambelo.com/posts/aws-european-sovereign-cloud-technical-guide),
# then words and a number.
REGION_PATTERN = r"(?:[a-z]{2}|eusc)(?:-[a-z]+)+-\d{1,2}"
# Provider 5.100 validates a replication destination's `region` with this older shape: it
# accepted "us-east-10" and refused "eusc-de-east-1" and "US-east-1" in `terraform validate`.
PROVIDER_DESTINATION_REGION_PATTERN = r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}"
PARTITION_PATTERN = r"aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?"
# Region name prefix -> AWS partition; every other region is in "aws".
_REGION_PARTITIONS = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-iso-", "aws-iso"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
    ("eusc-", "aws-eusc"),
)


def partition_of(region: str) -> str:
    """The AWS partition of a region, e.g. ``cn-north-1`` -> ``aws-cn``."""
    for prefix, partition in _REGION_PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


# IAM names: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
MAX_IAM_NAME_LENGTH = 64
IAM_NAME_CHARACTERS = r"\w+=,.@-"
_IAM_NAME = rf"[{IAM_NAME_CHARACTERS}]{{1,{MAX_IAM_NAME_LENGTH}}}"
#: IAM limits a role or user path ("/" ... "/") to 512 characters.
MAX_IAM_PATH_LENGTH = 512
#: An IAM path below "/": "/" alone, or "/" and printable ASCII ("!" through "~") and "/"
#: (CreateRole's Path pattern (\u002F)|(\u002F[\u0021-\u007E]+\u002F); "You cannot use an
#: asterisk (*) in the path name"),
#: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
_IAM_PATH = r"(?:[\x21-\x29\x2B-\x7E]*/)?"
PRINCIPAL_PATTERN = (
    ACCOUNT_ID_PATTERN
    + rf"|arn:{PARTITION_PATTERN}:iam::\d{{12}}:(?:root|(?:role|user)/{_IAM_PATH}{_IAM_NAME})"
    rf"|arn:{PARTITION_PATTERN}:sts::\d{{12}}:(?:assumed-role/{_IAM_NAME}/[{IAM_NAME_CHARACTERS}]{{2,64}}"
    rf"|federated-user/[{IAM_NAME_CHARACTERS}]{{2,32}})"
)
ROLE_ARN_PATTERN = (
    rf"arn:({PARTITION_PATTERN}):iam::(\d{{12}}):role/{_IAM_PATH}{_IAM_NAME}"
)
POLICY_VERSION = "2012-10-17"
# The ID formats of AWS Organizations: organization o-<10-32>, all lowercase letters and digits,
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
ORGANIZATION_ID_PATTERN = r"o-[a-z0-9]{10,32}"

KMS_KEY_ARN_PATTERN = (
    rf"arn:{PARTITION_PATTERN}:kms:{REGION_PATTERN}:\d{{12}}:"
    r"key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
)
KMS_ALIAS_PATTERN = rf"(?:arn:{PARTITION_PATTERN}:kms:[^:]*:\d{{12}}:)?alias/.*"

# The seed module's repository name pattern: lowercase path segments joined by '/'.
REPOSITORY_NAME_PATTERN = r"[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
REPOSITORY_NAME_LENGTH = (2, 256)
# ECR stores countNumber as a 32-bit integer.
MAX_COUNT = 2**31 - 1
# A Docker tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; a prefix is any non-empty start of one.
TAG_PREFIX_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"

# Tag limits of ECR: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_Tag.html
# gives keys 1-128 and values 0-256 characters and, unlike services such as ECS, no
# character pattern; the 50-tag limit and the reserved "aws:" key prefix are AWS-wide
# (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions).
MAX_TAGS = 50
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 256
RESERVED_TAG_PREFIX = "aws:"
# AWS allows this tag key, but the jsii kernel refuses it as a map key (it
# would reach JavaScript's prototype), so it could never get to Terraform.
JSII_RESERVED_KEY = "__proto__"

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
#: Actions that delete images or a repository, or remove or replace the guardrails of a
#: repository or registry (Write actions of
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html);
#: the plan review warns when a policy grants one of them to another account.
DESTRUCTIVE_ACTIONS: Tuple[str, ...] = (
    "ecr:BatchDeleteImage",
    "ecr:DeleteRepository",
    "ecr:DeleteRepositoryPolicy",
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteLifecyclePolicy",
    "ecr:PutLifecyclePolicy",
    "ecr:PutImageTagMutability",
    "ecr:PutImageScanningConfiguration",
    "ecr:DeleteRegistryPolicy",
    "ecr:PutRegistryPolicy",
    "ecr:PutRegistryScanningConfiguration",
    "ecr:PutReplicationConfiguration",
    "ecr:DeletePullThroughCacheRule",
    "ecr:DeleteRepositoryCreationTemplate",
)
#: The actions that manage a repository's or registry's policy: denied to everyone without a
#: condition, nobody (the account's administrators and Terraform included) can change or
#: remove the policy again but the root user
#: (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html).
POLICY_MANAGEMENT_ACTIONS: Tuple[str, ...] = (
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteRepositoryPolicy",
    "ecr:PutRegistryPolicy",
    "ecr:DeleteRegistryPolicy",
)
PULL_STATEMENT_SID = "AllowPull"
PUSH_STATEMENT_SID = "AllowPush"
#: ECR refuses a repository policy longer than this (SetRepositoryPolicy
#: ``policyText``: "Maximum length of 10240"),
#: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
MAX_REPOSITORY_POLICY_LENGTH = 10240

#: PutLifecyclePolicy: ``lifecyclePolicyText`` is 100 to 30,720 characters,
#: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
MIN_LIFECYCLE_POLICY_LENGTH, MAX_LIFECYCLE_POLICY_LENGTH = 100, 30720
#: Service quota "Rules per lifecycle policy" (not adjustable),
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
MAX_LIFECYCLE_RULES = 50
#: "There is a maximum limit of four wildcards (*) per string" (tagPatternList),
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
MAX_TAG_PATTERN_WILDCARDS = 4
# A tagPatternList entry: a Docker tag (see TAG_PREFIX_PATTERN) with '*' for any run,
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
TAG_PATTERN_PATTERN = r"[A-Za-z0-9_*][A-Za-z0-9_.*-]{0,127}"
#: "Archived images have a minimum storage duration of 90 days. You cannot configure
#: lifecycle policies that delete images that have been in archive for less than 90 days",
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html
MIN_ARCHIVE_DAYS = 90

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RegistryScanningRule.html
# ("repositoryFilters ... Maximum number of 100 items").
MAX_FILTERS_PER_RULE = 100
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ScanningRepositoryFilter.html:
# length 1-255 (not 256, the repository name limit) and this pattern.
MAX_FILTER_LENGTH = 255
SCAN_FILTER_PATTERN = r"[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*"
SCAN_FILTER_TYPE = "WILDCARD"

# https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html#replication-considerations
# and https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
# ("Filters per rule in a replication configuration: 100"); provider 5.100's
# schema has the same maxima (rule 10, destination 25, repository_filter 100).
MAX_REPLICATION_RULES = 10
MAX_REPLICATION_DESTINATIONS = 25
MAX_REPLICATION_FILTERS = 100
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryFilter.html
REPLICATION_FILTER_TYPE = "PREFIX_MATCH"
REPLICATION_FILTER_LENGTH = (2, 256)
REPLICATION_FILTER_PATTERN = r"(?:[a-z0-9]+(?:[._-][a-z0-9]*)*/)*[a-z0-9]*(?:[._-][a-z0-9]*)*"

#: The prefix of the whole registry, for pull-through cache rules and creation templates.
ROOT = "ROOT"
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_RepositoryCreationTemplate.html
# (prefix pattern); provider 5.100 requires 2-256 characters where the API allows 1.
TEMPLATE_PREFIX_LENGTH = (2, 256)
TEMPLATE_PREFIX_PATTERN = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT"
# Provider 5.100 refuses descriptions over 255 characters (the API allows 256).
MAX_DESCRIPTION_LENGTH = 255
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PullThroughCacheRule.html
# (ecrRepositoryPrefix and upstreamRepositoryPrefix; provider 5.100 checks the same)
CACHE_PREFIX_LENGTH = (2, 30)
CACHE_PREFIX_PATTERN = TEMPLATE_PREFIX_PATTERN
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
# ("Pull through cache rules per registry: 50", not adjustable)
MAX_CACHE_RULES = 50
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html
SECRET_NAME_PREFIX = "ecr-pullthroughcache/"
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
# (credentialArn: 50-612 characters, name characters [a-zA-Z0-9/_+=.@-])
SECRET_ARN_LENGTH = (50, 612)

#: A repository policy does not let a principal log in to the registry: "Amazon ECR
#: requires that users have permission to make calls to the ecr:GetAuthorizationToken
#: API through an IAM policy", on resource "*",
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html and
#: https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html
REGISTRY_LOGIN_ACTION = "ecr:GetAuthorizationToken"
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html#replication-policy-clarification
REPLICATION_ACTIONS: Tuple[str, ...] = ("ecr:CreateRepository", "ecr:ReplicateImage")
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html: both
# can be granted by the registry policy (CreatePullThroughCacheRule cannot).
PULL_THROUGH_CACHE_ACTIONS: Tuple[str, ...] = (
    "ecr:BatchImportUpstreamImage",
    "ecr:CreateRepository",
)
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html:
# under scope V1, ECR enforces only these three at the registry level.
V1_REGISTRY_POLICY_ACTIONS = frozenset(
    {"ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}
)
# The resources of a registry policy: repositories (a name or a prefix ending in *).
REPOSITORY_ARN_PATTERN = r"arn:aws(?:-[a-z]+)*:ecr:[a-z0-9-]+:\d{12}:repository/\S+"

# Organizations: root r-<4-32>, OU ou-<4-32>-<8-32>, lowercase letters and digits,
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_Parent.html
# https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
_ROOT_ID = r"r-[0-9a-z]{4,32}"
_OU_ID = r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}"
#: An aws:PrincipalOrgPaths value: ``<org>/<root>/<ou>/.../`` names the accounts
#: directly in that root or OU; a trailing ``*`` adds every OU below it; ``<org>/*``
#: is the whole organization. The organization ID comes first because "OU IDs and
#: root IDs are unique only within an organization",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
ORGANIZATION_PATH_PATTERN = rf"({ORGANIZATION_ID_PATTERN})/(?:\*|{_ROOT_ID}/(?:{_OU_ID}/)*\*?)"

#: "The identifier for a service principal includes the service name, and is usually
#: in the following format: service-name.amazonaws.com",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
SERVICE_PRINCIPAL_PATTERN = (
    r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*\.amazonaws\.com(?:\.cn)?"
)
# Only the partition's equality with the repository's is checked (at render, where
# the region is known), so its syntax here is loose.
SOURCE_ARN_PATTERN = (
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9*?-]*):"
    r"(?P<account>\d{12})?:(?P<resource>\S+)"
)
#: "The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z),
#: and numbers (0-9)",
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
SID_PATTERN = r"[A-Za-z0-9]+"
ACTION_PATTERN = r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+"

# "Condition key names are not case-sensitive", so keys are compared lowercased;
# operators count as a limit only spelled exactly as IAM documents them,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
PRINCIPAL_ORG_ID = "aws:PrincipalOrgID"
#: "The account to which the requesting principal belongs" (single-valued): with '*' as the
#: principal, a StringEquals on account IDs lets in exactly the principals of those accounts,
#: as tightly as naming the accounts,
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount
PRINCIPAL_ACCOUNT = "aws:PrincipalAccount"
PRINCIPAL_ORG_PATHS = "aws:PrincipalOrgPaths"
SOURCE_ARN = "aws:SourceArn"
SOURCE_ACCOUNT = "aws:SourceAccount"
#: aws:SourceArn "works with ARN operators and string operators"; ArnLike matches
#: each of the ARN's six colon-delimited fields separately, so a ``*`` in a source
#: ARN never spans into the account field (with StringLike, which Lambda's guide
#: shows for ``arn:aws:lambda:<region>:<account>:function:*``, a ``*`` before the
#: account could),
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
SOURCE_ARN_TEST = "ArnLike"
#: aws:SourceAccount "works with string operators"; an account ID is exact.
SOURCE_ACCOUNT_TEST = "StringEquals"
#: aws:PrincipalOrgID is single-valued: StringEquals, as in AWS's example,
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
PRINCIPAL_ORG_ID_TEST = "StringEquals"
#: aws:PrincipalOrgPaths is multivalued, and "When you include a wildcard, you must
#: use the StringLike condition operator" (AWS's examples use ForAnyValue:StringLike).
PRINCIPAL_ORG_PATHS_TEST = "ForAnyValue:StringLike"
