"""The one seam to the CDK framework (cdktf or cdktn, constructs, jsii) and the AWS provider
bindings of the installed line (:mod:`cdktf_aws_ecr.framework`): every other module takes these
names from here. Importing it starts the jsii runtime."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict

import jsii
from constructs import Construct as Construct, IConstruct as IConstruct

from .framework import LINE, framework

if TYPE_CHECKING:  # type checkers read cdktf's names (all Any: the bindings are not read)
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
else:  # the installed line's framework (cdktf or cdktn: the same names)
    _cdk = framework()
    App = _cdk.App
    Aspects = _cdk.Aspects
    DefaultTokenResolver = _cdk.DefaultTokenResolver
    Fn = _cdk.Fn
    IAnyProducer = _cdk.IAnyProducer
    IAspect = _cdk.IAspect
    IResolvable = _cdk.IResolvable
    IResolveContext = _cdk.IResolveContext
    IStringProducer = _cdk.IStringProducer
    Lazy = _cdk.Lazy
    Op = _cdk.Op
    Postcondition = _cdk.Postcondition
    Precondition = _cdk.Precondition
    StringConcat = _cdk.StringConcat
    TerraformDataSource = _cdk.TerraformDataSource
    TerraformElement = _cdk.TerraformElement
    TerraformResourceLifecycle = _cdk.TerraformResourceLifecycle
    TerraformStack = _cdk.TerraformStack
    Testing = _cdk.Testing
    Token = _cdk.Token
    Tokenization = _cdk.Tokenization


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
    "EcrPullTimeUpdateExclusion": "ecr_pull_time_update_exclusion",
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
        try:
            module = importlib.import_module(f"{LINE.provider_package}.{submodule}")
        except ModuleNotFoundError:
            raise AttributeError(f"the installed bindings have no {name!r}") from None
        value = getattr(module, name)
        setattr(self, name, value)
        return value


#: ``aws.EcrRepository``, ``aws.AwsProvider``...: the AWS provider bindings' classes.
aws = _Bindings()
#: Needed at import: construct inputs are annotated with it.
AwsProvider = aws.AwsProvider
implements = jsii.implements


def framework_resource(
    scope: Construct, id: str, resource_type: str, arguments: Dict[str, Any], provider: Any
) -> Any:
    """A resource the installed bindings lack, written with ``arguments`` as Terraform JSON."""
    resource = framework().TerraformResource(
        scope, id, terraform_resource_type=resource_type, provider=provider
    )
    for key, value in arguments.items():
        resource.add_override(key, value)
    return resource
