"""One environment's stack: provider, state backend, repositories and their outputs."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional

# The library must come first: it starts the provider bindings lean.
from cdktf_aws_ecr import (
    BasicScanTypeVersion,
    Registry,
    ReplicationDestination,
    Repository,
    ScanFrequency,
    ServicePrincipal,
    UndeclaredRepositories,
    Upstream,
    grant_registry_login,
    upgrade_from_0_1_0,
)

# Through the framework the library picked (cdktf or cdktn, any line): the app runs on each.
from cdktf_aws_ecr.framework import framework, provider_bindings
from constructs import Construct

from .environments import DeploySettings, EnvironmentConfig

LocalBackend = framework().LocalBackend
S3Backend = framework().S3Backend
TerraformOutput = framework().TerraformOutput
TerraformStack = framework().TerraformStack
DataAwsCallerIdentity = provider_bindings("data_aws_caller_identity").DataAwsCallerIdentity
DataAwsPartition = provider_bindings("data_aws_partition").DataAwsPartition
IamRole = provider_bindings("iam_role").IamRole
KmsAlias = provider_bindings("kms_alias").KmsAlias
KmsKey = provider_bindings("kms_key").KmsKey
AwsProvider = provider_bindings("provider").AwsProvider
AwsProviderDefaultTags = provider_bindings("provider").AwsProviderDefaultTags

REPOSITORY_OUTPUTS = ("id", "name", "arn", "repository_url", "registry_id")


def _trust_policy(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


class EnvironmentStack(TerraformStack):
    """The provider, backend and shared resources of one environment.

    Repositories are added by :meth:`add_repositories`, after the app has
    settled which stack owns each registry's settings.
    """

    def __init__(
        self, scope: Construct, environment: EnvironmentConfig, settings: DeploySettings
    ) -> None:
        super().__init__(scope, environment.name)
        # These environments were first deployed with release 0.1.0, whose addresses
        # followed the construct path: their resources move from there.
        upgrade_from_0_1_0(self)
        self.environment = environment
        self.settings = settings
        AwsProvider(
            self,
            "aws",
            region=environment.region,
            allowed_account_ids=[environment.account_id] if environment.account_id else None,
            default_tags=[AwsProviderDefaultTags(tags=dict(environment.default_tags))],
        )
        if settings.state_bucket:
            S3Backend(
                self,
                bucket=settings.state_bucket,
                key=settings.state_key(environment),
                region=settings.state_region or environment.region,
                encrypt=True,
            )
            # S3 native state locking (Terraform >= 1.10); cdktf 0.20 has no argument for it.
            self.add_override("terraform.backend.s3.use_lockfile", True)
        else:
            LocalBackend(
                self,
                path=os.path.join(settings.state_dir, f"terraform.{environment.name}.tfstate"),
            )
        self.repositories: Dict[str, Repository] = {}
        #: Who may push, and who may only pull, each repository (Repository.grant_* grantees).
        self.push_grantees: List[Any] = []
        self.pull_grantees: List[Any] = []
        self.kms_key_arn: Optional[str] = None
        self._key_ids: Dict[str, str] = {}
        if environment.customer_managed_key:
            self._add_kms_key()
        if environment.access_roles:
            self._add_access_roles()
        if environment.image_functions:
            # Lambda pulls a function's image as the Lambda service; aws:SourceArn
            # limits that to these functions.
            self.pull_grantees.append(
                ServicePrincipal("lambda.amazonaws.com", source_arns=environment.image_functions)
            )

    def _add_kms_key(self) -> None:
        name = self.environment.name
        self.kms_key_arn = self._kms_key("ecr_key", f"Encrypts the {name} ECR repositories")
        KmsAlias(self, "ecr_key_alias", name=f"alias/{name}-ecr", target_key_id=self._key_ids["ecr_key"])

    def _kms_key(self, key_id: str, description: str, provider: Optional[AwsProvider] = None) -> str:
        """A customer-managed key (rotation on) that the account administers; its ARN."""
        if not self._key_ids:
            self._caller = DataAwsCallerIdentity(self, "caller")
            self._partition = DataAwsPartition(self, "partition")
        key_policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    # The account keeps control of its key; IAM policies grant use.
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": f"arn:{self._partition.partition}:iam::{self._caller.account_id}:root"
                    },
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
        key = KmsKey(
            self,
            key_id,
            description=description,
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(key_policy),
            provider=provider,
        )
        self._key_ids[key_id] = key.key_id
        return key.arn

    def _add_access_roles(self) -> None:
        name = self.environment.name
        ci = IamRole(
            self,
            "ci_build_role",
            name=f"{name}-ci-image-push",
            description="CI builds that push images",
            assume_role_policy=_trust_policy("codebuild.amazonaws.com"),
        )
        task_execution = IamRole(
            self,
            "ecs_task_execution_role",
            name=f"{name}-ecs-task-execution",
            description="ECS task execution: pulls images",
            assume_role_policy=_trust_policy("ecs-tasks.amazonaws.com"),
        )
        # Granting a role of this stack also gives it the registry-login identity
        # policy (inline policy "ecr-registry-login"). Until this release the stack
        # wrote that policy itself, under these addresses; the moved blocks make the
        # library's policy take the deployed one over as an in-place update. Without
        # them Terraform would create the new policy and delete the old one in the
        # same apply, and both are the same IAM inline policy (same role, same name):
        # the delete could remove the new one.
        for old_address, role in (("ci_build_registry_login", ci),
                                  ("ecs_task_execution_registry_login", task_execution)):
            grant_registry_login(role).move_from_id(f"aws_iam_role_policy.{old_address}")
        self.push_grantees.append(ci)
        self.pull_grantees.append(task_execution)

    def add_repositories(self) -> None:
        environment = self.environment
        for config in environment.repositories:
            options = {**environment.repository_defaults, **config.options}
            if self.kms_key_arn is not None:
                options["kms_key_arn"] = self.kms_key_arn
            if environment.replica_region:
                options["replicate_to"] = [ReplicationDestination(region=environment.replica_region)]
            repository = Repository(
                self, config.key, name=environment.repository_name(config), **options
            )
            for grantee in self.push_grantees:
                repository.grant_push(grantee)
            for grantee in self.pull_grantees:
                repository.grant_pull(grantee)
            # An option: every account of the AWS organization may pull (principal "*"
            # limited by aws:PrincipalOrgID; the only way "*" reaches a policy).
            # repository.grant_pull(OrganizationPrincipal("o-a1b2c3d4e5"))
            self.repositories[config.key] = repository
            for attribute in REPOSITORY_OUTPUTS:
                TerraformOutput(
                    self,
                    f"{config.key}_{attribute}",
                    value=getattr(repository, attribute),
                    description=f"{attribute} of repository {config.service}",
                )

    def own_registry(self, members: List["EnvironmentStack"]) -> Registry:
        """Own this registry's settings for this stack and ``members``.

        Each member's namespace gets a scan-on-push rule, so its repositories are
        scanned even when the member is deployed before this stack. What the local
        endpoint cannot create comes with ``DeploySettings.full_registry`` only:
        the account setting, the pull-through cache of ECR Public with its creation
        template, and the replica registry with its creation template.
        """
        full = self.settings.full_registry
        owner = Registry(
            self,
            account_id=self.environment.account_id,
            region=self.environment.region,
            basic_scan_type_version=BasicScanTypeVersion.AWS_NATIVE if full else None,
            kms_key_arn=self.kms_key_arn,
            # Every repository of these registries is declared by this app (the environments'
            # namespaces); anything else there is not ours to pay Inspector scans for.
            undeclared_repositories=UndeclaredRepositories.UNSCANNED,
        )
        for member in members:
            owner.include(member)
            owner.add_rule(f"{member.environment.name}/*", ScanFrequency.SCAN_ON_PUSH)
        if full and self.environment.ecr_public_cache:
            # Pull <account>.dkr.ecr.<region>.amazonaws.com/ecr-public/docker/library/nginx:1.27
            owner.add_pull_through_cache("ecr-public", Upstream.ecr_public())
        if full and self.environment.replica_region:
            self._own_replica_registry(self.environment.replica_region)
        return owner

    def _own_replica_registry(self, region: str) -> Registry:
        """The registry the replicas land in, owned here so that they get the guardrails
        of a REPLICATION creation template, with a key of their own region."""
        environment = self.environment
        replica = AwsProvider(
            self,
            "replica",
            alias="replica",
            region=region,
            allowed_account_ids=[environment.account_id] if environment.account_id else None,
            default_tags=[AwsProviderDefaultTags(tags=dict(environment.default_tags))],
        )
        key = self._kms_key(
            "replica_ecr_key", f"Encrypts the {environment.name} ECR replicas", provider=replica
        )
        return Registry(
            self,
            "ReplicaRegistry",
            provider=replica,
            account_id=environment.account_id,
            region=region,
            kms_key_arn=key,
        )
