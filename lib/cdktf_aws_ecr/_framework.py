"""The one seam to the CDK framework (cdktf, constructs, jsii) and the AWS provider bindings:
every other module takes these names from here. Importing it starts the jsii runtime."""

from __future__ import annotations

import importlib
from typing import Any, Dict

import jsii
from cdktf import (
    App as App,
    Aspects as Aspects,
    DefaultTokenResolver as DefaultTokenResolver,
    Fn as Fn,
    IAnyProducer as IAnyProducer,
    IAspect as IAspect,
    IResolvable as IResolvable,
    IResolveContext as IResolveContext,
    IStringProducer as IStringProducer,
    Lazy as Lazy,
    Op as Op,
    Postcondition as Postcondition,
    Precondition as Precondition,
    StringConcat as StringConcat,
    TerraformDataSource as TerraformDataSource,
    TerraformElement as TerraformElement,
    TerraformResourceLifecycle as TerraformResourceLifecycle,
    TerraformStack as TerraformStack,
    Testing as Testing,
    Token as Token,
    Tokenization as Tokenization,
)
from constructs import Construct as Construct, IConstruct as IConstruct

from ._lean_import import PROVIDER_PACKAGE

#: The provider classes the library uses, by the submodule of the bindings that holds them.
_BINDINGS: Dict[str, str] = {
    "AwsProvider": "provider",
    "DataAwsCallerIdentity": "data_aws_caller_identity",
    "DataAwsEcrRepository": "data_aws_ecr_repository",
    "DataAwsIamPolicyDocument": "data_aws_iam_policy_document",
    "DataAwsKmsKey": "data_aws_kms_key",
    "EcrAccountSetting": "ecr_account_setting",
    "EcrLifecyclePolicy": "ecr_lifecycle_policy",
    "EcrPullThroughCacheRule": "ecr_pull_through_cache_rule",
    "EcrRegistryPolicy": "ecr_registry_policy",
    "EcrRegistryScanningConfiguration": "ecr_registry_scanning_configuration",
    "EcrReplicationConfiguration": "ecr_replication_configuration",
    "EcrRepository": "ecr_repository",
    "EcrRepositoryEncryptionConfiguration": "ecr_repository",
    "EcrRepositoryImageScanningConfiguration": "ecr_repository",
    "EcrRepositoryCreationTemplate": "ecr_repository_creation_template",
    "EcrRepositoryPolicy": "ecr_repository_policy",
    "IamRole": "iam_role",
    "IamRoleInlinePolicy": "iam_role",
    "IamRolePolicy": "iam_role_policy",
    "IamUserPolicy": "iam_user_policy",
    "KmsKey": "kms_key",
}


class _Bindings:
    """The provider classes, each imported on first use (its submodule only)."""

    def __getattr__(self, name: str) -> Any:
        try:
            submodule = _BINDINGS[name]
        except KeyError:
            raise AttributeError(f"the library does not use the provider class {name!r}") from None
        value = getattr(importlib.import_module(f"{PROVIDER_PACKAGE}.{submodule}"), name)
        setattr(self, name, value)
        return value


#: ``aws.EcrRepository``, ``aws.AwsProvider``...: the AWS provider bindings' classes.
aws = _Bindings()
#: Needed at import: construct inputs are annotated with it.
AwsProvider = aws.AwsProvider
implements = jsii.implements

