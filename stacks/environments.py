"""This repository's environments: what differs between dev, stage and prod.

The library (``cdktf_aws_ecr``) knows nothing of these. Everything here is
plain data; :mod:`stacks.app` turns it into stacks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Mapping, Optional, Tuple

from cdktf_aws_ecr import LifecycleRule, TagStatus, ValidationError


@dataclass(frozen=True)
class RepositoryConfig:
    """One service's repository. ``options`` are keyword arguments of ``Repository``."""

    key: str
    service: str
    options: Mapping[str, Any] = field(default_factory=dict)


COMMON_TAGS: Mapping[str, str] = {"ManagedBy": "cdktf", "Project": "ecr-guardrails"}


@dataclass(frozen=True)
class EnvironmentConfig:
    name: str
    region: str
    #: Pin the account (AwsProvider.allowed_account_ids); None = the credentials' account.
    account_id: Optional[str]
    #: Keyword arguments of ``Repository`` shared by every repository of the environment.
    repository_defaults: Mapping[str, Any]
    repositories: Tuple[RepositoryConfig, ...]
    #: Provider default tags besides ``Environment`` and :data:`COMMON_TAGS`.
    extra_tags: Mapping[str, str] = field(default_factory=dict)
    #: Own the registry-wide settings when this environment shares an account and
    #: region with others. Exactly one environment of such a group must say so.
    registry_owner: bool = False
    #: Create a customer-managed KMS key (rotation on) in the stack and encrypt with it.
    customer_managed_key: bool = False
    #: Create a CI role that may push and an ECS task-execution role that may only pull.
    access_roles: bool = False
    #: ARNs of Lambda functions that run from this environment's images; they may pull.
    #: Lambda needs the repository in the function's region, and a function of another
    #: account needs that account granted pull too
    #: (https://docs.aws.amazon.com/lambda/latest/dg/images-create.html).
    image_functions: Tuple[str, ...] = ()
    #: Replicate every repository of the environment to this region (same account).
    replica_region: Optional[str] = None
    #: Cache Amazon ECR Public under ``ecr-public/`` (with ``DeploySettings.full_registry``).
    ecr_public_cache: bool = False

    @property
    def default_tags(self) -> Dict[str, str]:
        """The provider's ``default_tags``: on every resource of the stack."""
        return {"Environment": self.name, **COMMON_TAGS, **self.extra_tags}

    def repository_name(self, repository: RepositoryConfig) -> str:
        # Environment-first names keep repositories unique when environments share a registry.
        return f"{self.name}/{repository.service}"


SERVICES: Tuple[RepositoryConfig, ...] = (
    RepositoryConfig("accounts_service", "accounts-service", {"tags": {"Team": "payments"}}),
    RepositoryConfig("web_frontend", "web-frontend", {"tags": {"Team": "web"}}),
)

ENVIRONMENTS: Tuple[EnvironmentConfig, ...] = (
    EnvironmentConfig(
        name="dev",
        region="us-east-2",
        account_id=None,
        repository_defaults={
            "image_tag_mutability": "MUTABLE",
            # dev repositories and their images are disposable: a replacing change may delete them.
            "force_delete": True,
            "prevent_destroy": False,
            # AWS-managed aws/ecr key: encrypted with KMS (checkov CKV_AWS_136) at no key cost.
            "encryption_type": "KMS",
            # One rule per tag family: a rule listing several prefixes would select only
            # images tagged with every one of them (ECR's lists mean AND).
            "lifecycle_rules": [
                LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=3),
                LifecycleRule(tag_pattern_list=["v*"], max_image_count=10, description="Releases"),
                LifecycleRule(tag_prefix_list=["sha-"], max_image_count=10, description="CI builds"),
                LifecycleRule(tag_prefix_list=["dev-"], max_image_count=10, description="Branch builds"),
            ],
            # dev runs the moving tag `latest`; CI also tags that image sha-<commit>.
            "protected_tags": ["latest"],
        },
        repositories=SERVICES,
    ),
    EnvironmentConfig(
        name="stage",
        region="us-west-2",
        account_id=None,
        repository_defaults={
            "image_tag_mutability": "IMMUTABLE",
            "encryption_type": "KMS",
            "lifecycle_rules": [
                LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=7),
                LifecycleRule(tag_pattern_list=["v*"], max_image_count=20, description="Releases"),
                LifecycleRule(tag_prefix_list=["sha-"], max_image_count=20, description="CI builds"),
            ],
            # An image is tagged stage-<date> when it is deployed to stage (tags are immutable).
            "protected_tags": ["stage-*"],
        },
        repositories=SERVICES,
    ),
    EnvironmentConfig(
        name="prod",
        region="us-east-1",
        account_id=None,
        repository_defaults={
            "image_tag_mutability": "IMMUTABLE",
            "enhanced_scanning": True,
            "enhanced_scan_frequency": "CONTINUOUS_SCAN",
            "lifecycle_rules": [
                LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14),
                LifecycleRule(tag_pattern_list=["v*"], max_image_count=30, description="Releases"),
            ],
            # Deployed images are tagged prod-<date>; release-<version> marks a supported release.
            "protected_tags": ["prod-*", "release-*"],
            "prevent_destroy": True,
        },
        repositories=SERVICES,
        registry_owner=True,
        customer_managed_key=True,
        access_roles=True,
        image_functions=("arn:aws:lambda:us-east-1:111122223333:function:prod-thumbnail-renderer",),
        # A region no other environment uses: the copies are the disaster-recovery set.
        replica_region="us-west-1",
        ecr_public_cache=True,
    ),
)


@dataclass(frozen=True)
class DeploySettings:
    """How this checkout deploys: where state lives, and optional overrides.

    Read from the process environment by :meth:`from_environ`:

    ``ECR_REGION``
        Deploy every environment to this region (e.g. one shared registry for a
        local rehearsal). Environments then share a registry, and the one marked
        ``registry_owner`` owns its settings.
    ``ECR_ACCOUNT_ID``
        Pin every environment to this account (``allowed_account_ids``).
    ``ECR_STATE_BUCKET``
        Store state in this S3 bucket (one key per environment, S3 native
        locking) instead of local files. ``ECR_STATE_REGION`` (default: the
        environment's region) and ``ECR_STATE_KEY_PREFIX`` (default
        ``ecr-guardrails``) refine it.
    ``ECR_STATE_DIR``
        Directory of the local state files (default: the current directory).
    ``ECR_REPLICA_REGION``
        Replicate to this region instead of each environment's ``replica_region``.
    ``ECR_FULL_REGISTRY``
        ``1`` (or ``true``, ``yes``, ``on``): also manage what the local endpoint
        cannot create: account settings (``BASIC_SCAN_TYPE_VERSION``), prod's
        pull-through cache of ECR Public with its creation template, and the
        replica registry's creation template. Off by default, so a plain
        ``python main.py`` deploys to the local endpoint.
    """

    region: Optional[str] = None
    account_id: Optional[str] = None
    state_bucket: Optional[str] = None
    state_region: Optional[str] = None
    state_key_prefix: str = "ecr-guardrails"
    state_dir: str = "."
    replica_region: Optional[str] = None
    full_registry: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> "DeploySettings":
        def get(name: str) -> Optional[str]:
            value = environ.get(name, "").strip()
            return value or None

        return cls(
            region=get("ECR_REGION"),
            account_id=get("ECR_ACCOUNT_ID"),
            state_bucket=get("ECR_STATE_BUCKET"),
            state_region=get("ECR_STATE_REGION"),
            state_key_prefix=get("ECR_STATE_KEY_PREFIX") or cls.state_key_prefix,
            state_dir=os.path.abspath(get("ECR_STATE_DIR") or cls.state_dir),
            replica_region=get("ECR_REPLICA_REGION"),
            full_registry=_switch("ECR_FULL_REGISTRY", get("ECR_FULL_REGISTRY")),
        )

    def apply(self, environment: EnvironmentConfig) -> EnvironmentConfig:
        """The environment with this checkout's overrides applied."""
        return replace(
            environment,
            region=self.region or environment.region,
            account_id=self.account_id or environment.account_id,
            replica_region=environment.replica_region and (
                self.replica_region or environment.replica_region
            ),
        )

    def state_key(self, environment: EnvironmentConfig) -> str:
        return f"{self.state_key_prefix}/{environment.name}/terraform.tfstate"


_ON = ("1", "true", "yes", "on")
_OFF = ("0", "false", "no", "off")


def _switch(name: str, value: Optional[str]) -> bool:
    if value is None or value.lower() in _OFF:
        return False
    if value.lower() in _ON:
        return True
    raise ValidationError(
        name, value, "one of " + ", ".join(_ON + _OFF) + " (any case), or unset",
        where="stacks.environments",
    )


def registry_groups(
    environments: Tuple[EnvironmentConfig, ...],
) -> Dict[str, Tuple[EnvironmentConfig, ...]]:
    """Map each registry-owning environment to the environments it serves.

    Environments that may share a registry (same region, and the same or an
    unpinned account) form a group. A group of one owns its registry settings;
    a larger group needs exactly one ``registry_owner``, and anything else is a
    configuration error raised here, before any stack exists.
    """

    def may_share(a: EnvironmentConfig, b: EnvironmentConfig) -> bool:
        same_account = a.account_id is None or b.account_id is None or a.account_id == b.account_id
        return same_account and a.region == b.region

    groups: list[list[EnvironmentConfig]] = []
    for environment in environments:
        joined = [g for g in groups if any(may_share(environment, member) for member in g)]
        merged = [environment] + [member for g in joined for member in g]
        groups = [g for g in groups if g not in joined] + [merged]

    owners: Dict[str, Tuple[EnvironmentConfig, ...]] = {}
    for group in groups:
        ordered = tuple(sorted(group, key=lambda e: e.name))
        flagged = [e.name for e in ordered if e.registry_owner]
        if len(ordered) > 1 and len(flagged) != 1:
            names = ", ".join(e.name for e in ordered)
            raise ValidationError(
                "registry_owner",
                {e.name: e.registry_owner for e in ordered},
                "exactly one environment with registry_owner=True among environments "
                "that share an account and region",
                problem=(
                    f"marks {len(flagged)} owners among environments [{names}], "
                    f"which share region {ordered[0].region} and possibly one account"
                ),
                where="stacks.environments",
            )
        owner = flagged[0] if flagged else ordered[0].name
        owners[owner] = ordered
    return owners
