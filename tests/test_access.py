"""The pure core of repository access: grantees, statements, Sids, wildcards and size.

Each grantee kind is asserted as the exact statement block it renders; every
refusal asserts the ValidationError's parameter and a fragment of its message.
Two tests run the real ``terraform`` (offline, through the provider mirror):
one checks the Terraform guards and the size estimate against the provider's
own rendering. A hypothesis test tries to get a wildcard principal past the
checks and evaluates every statement that gets through against principals
outside the organization.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import random
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

import pytest
from cdktf import (
    Postcondition,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
    Testing,
)
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktf_cdktf_provider_aws.data_aws_iam_role import DataAwsIamRole
from cdktf_cdktf_provider_aws.iam_group import IamGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_user import IamUser
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, AWS_CONSTRAINT, only, synth_json
from hypothesis import HealthCheck, given, settings, strategies as st

from cdktf_aws_ecr import Repository, ValidationError
from cdktf_aws_ecr.facts import MAX_REPOSITORY_POLICY_LENGTH
from cdktf_aws_ecr.policy.grantees import (
    Access,
    IdentityType,
    OrganizationPrincipal,
    ServicePrincipal,
    classify_grantee,
)
from cdktf_aws_ecr.policy.registry_login import REGISTRY_LOGIN_POLICY
from cdktf_aws_ecr.policy.repository_policy import (
    POLICY_SIZE_GUARD_CONDITION,
    POLICY_SIZE_GUARD_MESSAGE,
    SOURCE_GUARD_CONDITION,
    SOURCE_GUARD_MESSAGE,
    WILDCARD_GUARD_CONDITION,
    WILDCARD_GUARD_MESSAGE,
    RepositoryPolicyDocument,
)
from cdktf_aws_ecr.policy.statement import Condition, Effect, PolicyStatement
from devtools import terraform as tf

OTHER_ACCOUNT = "210987654321"
CI_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci-build"
ECS_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecs-task-execution"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:thumbnailer"
OTHER_FUNCTION = f"arn:aws:lambda:us-east-1:{OTHER_ACCOUNT}:function:resizer"
ORG = "o-a1b2c3d4e5"
OTHER_ORG = "o-f6g7h8i9j0"
OU_PATH = f"{ORG}/r-ab12/ou-ab12-11111111/"
OU_TREE = f"{ORG}/r-ab12/ou-ab12-22222222/*"

# Written out rather than imported, so a change in the library shows up.
PULL = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
PUSH = PULL + [
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
]


def to_provider_statements(blocks: Sequence[Mapping[str, Any]]) -> List[Any]:
    """:meth:`RepositoryPolicyDocument.render` blocks as ``DataAwsIamPolicyDocumentStatement``."""
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocumentStatement,
        DataAwsIamPolicyDocumentStatementCondition,
        DataAwsIamPolicyDocumentStatementPrincipals,
    )

    return [
        DataAwsIamPolicyDocumentStatement(
            sid=block["sid"],
            effect=block["effect"],
            principals=[
                DataAwsIamPolicyDocumentStatementPrincipals(
                    type=p["type"], identifiers=p["identifiers"]
                )
                for p in block["principals"]
            ],
            actions=block["actions"],
            condition=(
                [
                    DataAwsIamPolicyDocumentStatementCondition(
                        test=c["test"], variable=c["variable"], values=c["values"]
                    )
                    for c in block["condition"]
                ]
                if "condition" in block
                else None
            ),
        )
        for block in blocks
    ]


def aws(sid: str, actions: List[str], identifiers: List[str]) -> Dict[str, Any]:
    return {
        "sid": sid,
        "effect": "Allow",
        "actions": actions,
        "principals": [{"type": "AWS", "identifiers": identifiers}],
    }


def rendered(*grants: Any, region: Optional[str] = "us-east-1") -> List[Dict[str, Any]]:
    document = RepositoryPolicyDocument()
    for access, grantee in grants:
        document.grant(access, grantee)
    return document.render(region)


def refused(call: Callable[[], Any], parameter: str, fragment: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.parameter == parameter, str(caught.value)
    assert fragment in str(caught.value), str(caught.value)
    return caught.value


# --------------------------------------------------------------------------- each grantee kind


def test_principal_arns_and_account_ids_join_the_seed_statements() -> None:
    # GIVEN a role ARN granted pull, another account granted push and a third pull-push
    statements = rendered(
        (Access.PULL, ECS_ROLE), (Access.PUSH, OTHER_ACCOUNT), (Access.PULL_PUSH, CI_ROLE)
    )
    # THEN pull holds the 3 read actions, and push and pull-push share the 7 actions (sorted)
    assert statements == [
        aws("AllowPull", PULL, [ECS_ROLE]),
        aws("AllowPush", PUSH, [OTHER_ACCOUNT, CI_ROLE]),
    ]


def test_a_role_of_this_app_is_a_reference_and_can_carry_the_login_policy(
    stack: TerraformStack,
) -> None:
    # GIVEN a role and a user of this stack, and a role of another stack
    role = IamRole(stack, "ci", assume_role_policy="{}")
    user = IamUser(stack, "deployer", name="deployer")
    other = IamRole(TerraformStack(Testing.app(), "other"), "ecs", assume_role_policy="{}")
    document = RepositoryPolicyDocument()
    # WHEN each is granted, the role twice
    granted = [
        document.grant(Access.PUSH, role),
        document.grant(Access.PULL_PUSH, role),
        document.grant(Access.PULL, user),
        document.grant(Access.PULL, other),
    ]
    # THEN each is classified with the construct it came from
    assert [(g.identity, g.identity_type) for g in granted] == [
        (role, IdentityType.ROLE),
        (role, IdentityType.ROLE),
        (user, IdentityType.USER),
        (other, IdentityType.ROLE),
    ]
    # AND the synthesized statements reference their ARNs, the role once
    DataAwsIamPolicyDocument(stack, "d", statement=to_provider_statements(document.render()))
    assert only(synth_json(stack)["data"]["aws_iam_policy_document"])["statement"] == [
        aws("AllowPull", PULL, ["${aws_iam_role.ecs.arn}", "${aws_iam_user.deployer.arn}"]),
        aws("AllowPush", PUSH, ["${aws_iam_role.ci.arn}"]),
    ]
    # AND a token principal asks for Terraform's wildcard guard
    assert document.needs_wildcard_guard


def test_a_role_data_source_is_a_principal_but_gets_no_login_policy(stack: TerraformStack) -> None:
    role = DataAwsIamRole(stack, "existing", name="existing")
    grantee = RepositoryPolicyDocument().grant(Access.PULL, role)
    assert (grantee.identity, grantee.identity_type) == (role, None)


def test_anything_with_an_arn_is_a_principal() -> None:
    class Imported:
        arn = f"arn:aws:iam::{OTHER_ACCOUNT}:role/imported"

    grantee = classify_grantee(Imported())
    assert (grantee.principal, grantee.identity_type) == (Imported.arn, None)


def test_lambda_service_principal_is_limited_to_its_functions() -> None:
    # GIVEN two functions granted pull, one of another account, and the same function again
    statements = rendered(
        (Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_arns=[OTHER_FUNCTION])),
        (Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION])),
        (Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_arns=(FUNCTION,))),
    )
    # THEN one statement names the service, limited by ArnLike aws:SourceArn to both
    assert statements == [
        {
            "sid": "AllowPullLambdaBySourceArn",
            "effect": "Allow",
            "actions": PULL,
            "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
            "condition": [
                {
                    "test": "ArnLike",
                    "variable": "aws:SourceArn",
                    "values": [FUNCTION, OTHER_FUNCTION],
                }
            ],
        }
    ]


def test_service_grants_merge_only_where_the_merge_allows_the_same() -> None:
    lam = "lambda.amazonaws.com"
    # GIVEN grants by account, by ARN and account (two account sets), and by ARN
    statements = rendered(
        (Access.PULL, ServicePrincipal(lam, source_accounts=[OTHER_ACCOUNT])),
        (Access.PULL, ServicePrincipal(lam, source_arns=[FUNCTION], source_accounts=[ACCOUNT])),
        (
            Access.PULL,
            ServicePrincipal(lam, source_arns=[OTHER_FUNCTION], source_accounts=[OTHER_ACCOUNT]),
        ),
        (
            Access.PULL,
            ServicePrincipal(lam, source_arns=[f"{FUNCTION}-v2"], source_accounts=[ACCOUNT]),
        ),
        (Access.PUSH, ServicePrincipal("ecs-tasks.amazonaws.com", source_accounts=[ACCOUNT])),
    )
    principal = [{"type": "Service", "identifiers": [lam]}]
    arn_like = lambda *arns: {
        "test": "ArnLike",
        "variable": "aws:SourceArn",
        "values": list(arns),
    }  # noqa: E731
    account = lambda *ids: {
        "test": "StringEquals",
        "variable": "aws:SourceAccount",
        "values": list(ids),
    }  # noqa: E731
    # THEN each shape is one statement, and ARN-and-account grants merge per account set
    assert statements == [
        {
            "sid": "AllowPullLambdaBySourceAccount",
            "effect": "Allow",
            "actions": PULL,
            "principals": principal,
            "condition": [account(OTHER_ACCOUNT)],
        },
        {
            "sid": "AllowPullLambdaBySourceArnAndAccount",
            "effect": "Allow",
            "actions": PULL,
            "principals": principal,
            "condition": [arn_like(FUNCTION, f"{FUNCTION}-v2"), account(ACCOUNT)],
        },
        {
            "sid": "AllowPullLambdaBySourceArnAndAccount2",
            "effect": "Allow",
            "actions": PULL,
            "principals": principal,
            "condition": [arn_like(OTHER_FUNCTION), account(OTHER_ACCOUNT)],
        },
        {
            "sid": "AllowPushEcsTasksBySourceAccount",
            "effect": "Allow",
            "actions": PUSH,
            "principals": [{"type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}],
            "condition": [account(ACCOUNT)],
        },
    ]


def test_whole_organization() -> None:
    assert rendered((Access.PULL, OrganizationPrincipal(ORG))) == [
        {
            "sid": "AllowPullOrganization",
            "effect": "Allow",
            "actions": PULL,
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "condition": [
                {"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": [ORG]}
            ],
        }
    ]


def test_organizational_units_and_a_second_organization_merge_into_one_statement() -> None:
    # GIVEN two OUs of one organization, and the whole of another
    statements = rendered(
        (Access.PULL, OrganizationPrincipal(ORG, ou_paths=[OU_TREE, OU_PATH])),
        (Access.PULL, OrganizationPrincipal(OTHER_ORG)),
    )
    # THEN both organizations are named, and the whole one joins the paths as <org>/*
    assert statements == [
        {
            "sid": "AllowPullOrganization",
            "effect": "Allow",
            "actions": PULL,
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "condition": [
                {
                    "test": "StringEquals",
                    "variable": "aws:PrincipalOrgID",
                    "values": [ORG, OTHER_ORG],
                },
                {
                    "test": "ForAnyValue:StringLike",
                    "variable": "aws:PrincipalOrgPaths",
                    "values": [OU_PATH, OU_TREE, f"{OTHER_ORG}/*"],
                },
            ],
        }
    ]


def test_a_whole_organization_grant_covers_its_own_ou_grants() -> None:
    statements = rendered(
        (Access.PUSH, OrganizationPrincipal(ORG, ou_paths=[OU_PATH])),
        (Access.PUSH, OrganizationPrincipal(ORG)),
    )
    assert statements[0]["condition"] == [
        {"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": [ORG]}
    ]


def test_escape_hatch_statements_keep_their_sid_and_order_after_the_grants() -> None:
    # GIVEN a typed statement, then the provider's struct, then a grant
    document = RepositoryPolicyDocument()
    document.add_statement(
        PolicyStatement(
            sid="DenyPushOutsideOrg",
            effect=Effect.DENY,
            principals={"*": ["*"]},
            actions=["ecr:PutImage"],
            conditions=[Condition("StringNotEquals", "aws:PrincipalOrgID", [ORG])],
        )
    )
    document.add_statement(
        DataAwsIamPolicyDocumentStatement(
            sid="ReadForAuditors",
            principals=[
                DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=[OTHER_ACCOUNT])
            ],
            actions=["ecr:DescribeImages"],
            condition=[
                DataAwsIamPolicyDocumentStatementCondition(
                    test="Bool", variable="aws:SecureTransport", values=["true"]
                )
            ],
        )
    )
    document.grant(Access.PULL, ECS_ROLE)
    # THEN they follow the generated statements, as written
    assert document.render() == [
        aws("AllowPull", PULL, [ECS_ROLE]),
        {
            "sid": "DenyPushOutsideOrg",
            "effect": "Deny",
            "actions": ["ecr:PutImage"],
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "condition": [
                {"test": "StringNotEquals", "variable": "aws:PrincipalOrgID", "values": [ORG]}
            ],
        },
        {
            "sid": "ReadForAuditors",
            "effect": "Allow",
            "actions": ["ecr:DescribeImages"],
            "principals": [{"type": "AWS", "identifiers": [OTHER_ACCOUNT]}],
            "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}],
        },
    ]


def test_an_organization_statement_through_the_escape_hatch() -> None:
    statement = PolicyStatement(
        sid="OrgPull",
        principals={"AWS": ["*"]},
        actions=PULL,
        conditions=[Condition("ForAnyValue:StringEquals", "aws:principalorgpaths", [OU_PATH])],
    )
    assert statement.effect is Effect.ALLOW
    assert dict(statement.principals) == {"AWS": ("*",)}


def test_only_principals_known_at_apply_outside_organization_statements_need_the_guard(
    stack: TerraformStack,
) -> None:
    who = TerraformVariable(stack, "who", type="string").string_value
    document = RepositoryPolicyDocument()
    # GIVEN plain principals, an organization and a Deny naming a token
    document.grant(Access.PULL, CI_ROLE)
    document.grant(Access.PULL, OrganizationPrincipal(ORG))
    document.grant(Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_accounts=[ACCOUNT]))
    document.add_statement(
        PolicyStatement(sid="DenyWho", effect="Deny", principals={"AWS": [who]}, actions=PULL)
    )
    # THEN Terraform need not check them
    assert not document.needs_wildcard_guard
    # WHEN an Allow names a principal only known at apply  THEN it must
    document.grant(Access.PUSH, f"arn:aws:iam::{who}:root")
    assert document.needs_wildcard_guard


def test_registry_login_policy() -> None:
    assert json.loads(REGISTRY_LOGIN_POLICY) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowRegistryLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            }
        ],
    }


# --------------------------------------------------------------------------- refusals: grantees


def test_a_service_principal_without_a_condition_is_refused() -> None:
    refused(lambda: ServicePrincipal("lambda.amazonaws.com"), "source_arns", "confused deputy")


@pytest.mark.parametrize(
    "kwargs, parameter, fragment",
    [
        ({"service": "*"}, "service", "would name every service"),
        ({"service": "*.amazonaws.com"}, "service", "would name every service"),
        ({"service": "lambda"}, "service", "is not a service principal"),
        ({"service": "Lambda.amazonaws.com"}, "service", "is not a service principal"),
        ({"service": 7}, "service", "is an int"),
        (
            {"source_arns": ["arn:aws:lambda:us-east-1:*:function:*"]},
            "source_arns",
            "confused deputy",
        ),
        (
            {"source_arns": ["arn:aws:lambda:*:*:function:f"]},
            "source_arns",
            "account field is a wildcard",
        ),
        (
            {"source_arns": ["arn:aws:lambda:us-east-1:12345678901?:function:f"]},
            "source_arns",
            "wildcard",
        ),
        ({"source_arns": ["*"]}, "source_arns", "is not an ARN"),
        ({"source_arns": ["arn:aws:s3:::my-bucket"]}, "source_arns", "names no account"),
        (
            {"source_arns": [FUNCTION], "source_accounts": [OTHER_ACCOUNT]},
            "source_arns",
            "would never apply",
        ),
        ({"source_arns": FUNCTION}, "source_arns", "not a list"),
        ({"source_arns": [FUNCTION, FUNCTION]}, "source_arns", "repeats"),
        ({"source_accounts": ["*"]}, "source_accounts", "not a 12-digit account ID"),
        ({"source_accounts": ["12345678901"]}, "source_accounts", "not a 12-digit account ID"),
    ],
)
def test_bad_service_principals_are_refused(
    kwargs: Dict[str, Any], parameter: str, fragment: str
) -> None:
    arguments = {"service": "lambda.amazonaws.com", **kwargs}
    refused(lambda: ServicePrincipal(**arguments), parameter, fragment)


def test_a_wildcard_source_arn_next_to_a_token_is_refused(stack: TerraformStack) -> None:
    region = TerraformVariable(stack, "region", type="string").string_value
    refused(
        lambda: ServicePrincipal(
            "lambda.amazonaws.com", source_arns=[f"arn:aws:lambda:{region}:*:function:f"]
        ),
        "source_arns",
        "account field is a wildcard",
    )


@pytest.mark.parametrize(
    "org_id",
    [
        "o-short",
        "O-A1B2C3D4E5",
        "o-a1b2c3d4e5!",
        "",
        "*",
        "o-*",
        " o-a1b2c3d4e5",
        "o-" + "a" * 33,
        "a1b2c3d4e5",
    ],
)
def test_bad_organization_ids_are_refused(org_id: str) -> None:
    refused(lambda: OrganizationPrincipal(org_id), "org_id", "is not an organization ID")


@pytest.mark.parametrize(
    "path, fragment",
    [
        ("r-ab12/ou-ab12-11111111/", "is not an organization path"),
        (
            f"{OTHER_ORG}/r-ab12/ou-ab12-11111111/",
            f"a path in organization {OTHER_ORG}, not in {ORG}",
        ),
        (f"{ORG}/r-ab12/ou-ab12-1111*", "also matches other OUs"),
        (f"{ORG}/*/ou-ab12-11111111/", "a wildcard may only end a path"),
        (f"{ORG}/r-ab12/ou-ab12-1111111?/", "a wildcard may only end a path"),
        ("*", "is not an organization path"),
        (f"{ORG}/", "is not an organization path"),
        (f"{ORG}/r-ab12/OU-AB12-11111111/", "is not an organization path"),
        (f"{ORG}/r-ab12/ou-ab12-11111111", "is not an organization path"),
        (f" {ORG}/*", "is not an organization path"),
    ],
)
def test_bad_ou_paths_are_refused(path: str, fragment: str) -> None:
    refused(lambda: OrganizationPrincipal(ORG, ou_paths=[path]), "ou_paths", fragment)


@pytest.mark.parametrize(
    "grantee, fragment",
    [
        ("*", "OrganizationPrincipal"),
        ("arn:aws:iam::*:root", "wildcard principal"),
        (f"arn:aws:iam::{ACCOUNT}:role/*", "wildcard principal"),
        ("12345678901", "is not an IAM principal ARN or account ID"),
        (FUNCTION, "ServicePrincipal('lambda.amazonaws.com'"),
        (42, "is an int"),
        (None, "is a NoneType"),
    ],
)
def test_bad_grantees_are_refused(grantee: Any, fragment: str) -> None:
    refused(lambda: RepositoryPolicyDocument().grant(Access.PULL, grantee), "grantee", fragment)


def test_constructs_that_are_not_principals_are_refused(stack: TerraformStack) -> None:
    function = LambdaFunction(
        stack, "f", function_name="f", role=CI_ROLE, package_type="Image", image_uri="x"
    )
    refused(lambda: classify_grantee(function), "grantee", "source_arns=[function.arn]")
    group = IamGroup(stack, "g", name="g")
    refused(
        lambda: classify_grantee(group),
        "grantee",
        "is a aws_iam_group, which is not an IAM principal",
    )


def test_a_seed_list_with_a_wildcard_beside_a_token_is_refused(stack: TerraformStack) -> None:
    account = TerraformVariable(stack, "account", type="string").string_value
    document = RepositoryPolicyDocument()
    refused(
        lambda: document.add_principal_arns(
            Access.PULL, [f"arn:aws:iam::{account}:role/*"], "pull_principal_arns"
        ),
        "pull_principal_arns",
        "wildcard principal",
    )


def test_principals_outside_the_repository_partition_are_refused_at_render() -> None:
    document = RepositoryPolicyDocument()
    document.grant(Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION]))
    refused(
        lambda: document.render("cn-north-1"),
        "statement 'AllowPullLambdaBySourceArn'",
        "partition aws-cn",
    )


# ------------------------------------------------------------------- refusals: the escape hatch

ORG_ID_CONDITION = Condition("StringEquals", "aws:PrincipalOrgID", [ORG])


@pytest.mark.parametrize(
    "principals, conditions, parameter, fragment",
    [
        ({"*": ["*"]}, [], "principals", "the repository would be public"),
        ({"AWS": ["*"]}, [], "principals", "the repository would be public"),
        ({"AWS": [ECS_ROLE, "*"]}, [], "principals", "the repository would be public"),
        (
            {"AWS": ["arn:aws:iam::*:root"]},
            [ORG_ID_CONDITION],
            "principals['AWS']",
            "wildcards in part",
        ),
        (
            {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/*"]},
            [ORG_ID_CONDITION],
            "principals['AWS']",
            "wildcards in part",
        ),
        ({"AWS": ["ARN:AWS:IAM::*:ROOT"]}, [], "principals['AWS']", "wildcards in part"),
        ({"AWS": [" * "]}, [ORG_ID_CONDITION], "principals['AWS']", "wildcards in part"),
        ({"AWS": ["*\n"]}, [], "principals['AWS']", "wildcards in part"),
        ({"AWS": ["**"]}, [], "principals['AWS']", "wildcards in part"),
        ({"AWS": ["?"]}, [], "principals['AWS']", "wildcards in part"),
        ({"aws": ["*"]}, [ORG_ID_CONDITION], "principals", "principal type 'aws'"),
        ({"*": ["*", ECS_ROLE]}, [ORG_ID_CONDITION], "principals['*']", "is not ['*']"),
        ({"*": ["arn:aws:iam::*:root"]}, [ORG_ID_CONDITION], "principals['*']", "is not ['*']"),
        ({"Service": ["*"]}, [], "principals['Service']", "a wildcard service principal"),
        ({"Service": ["lambda.amazonaws.com"]}, [], "principals['Service']", "confused deputy"),
        (
            {"Service": ["lambda.amazonaws.com"]},
            [Condition("ArnLike", "aws:SourceArn", ["arn:aws:lambda:*:*:function:*"])],
            "principals['Service']",
            "confused deputy",
        ),
        (
            {"Service": ["lambda.amazonaws.com"]},
            [Condition("ArnNotLike", "aws:SourceArn", [FUNCTION])],
            "principals['Service']",
            "confused deputy",
        ),
        # Every account's functions, even beside an account condition, as for ServicePrincipal
        (
            {"Service": ["lambda.amazonaws.com"]},
            [
                Condition("StringLike", "aws:SourceArn", ["arn:aws:lambda:*:*:function:*"]),
                Condition("StringEquals", "aws:SourceAccount", [ACCOUNT]),
            ],
            "conditions",
            "'arn:aws:lambda:*:*:function:*', whose account field is a wildcard",
        ),
        # A condition on another key, or an organization key that does not confine:
        (
            {"*": ["*"]},
            [Condition("StringEquals", "aws:SourceAccount", [ACCOUNT])],
            "principals",
            "public",
        ),
        (
            {"*": ["*"]},
            [Condition("StringNotEquals", "aws:PrincipalOrgID", [ORG])],
            "principals",
            "StringNotEquals",
        ),
        (
            {"*": ["*"]},
            [Condition("StringEqualsIfExists", "aws:PrincipalOrgID", [ORG])],
            "principals",
            "IfExists",
        ),
        (
            {"*": ["*"]},
            [Condition("StringLike", "aws:PrincipalOrgID", ["o-*"])],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [Condition("StringEquals", "aws:PrincipalOrgID", ["*"])],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [Condition("stringequals", "aws:PrincipalOrgID", [ORG])],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [Condition("ForAnyValue:StringEquals", "aws:PrincipalOrgID", [ORG])],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [Condition("ForAllValues:StringLike", "aws:PrincipalOrgPaths", [f"{ORG}/*"])],
            "principals",
            "ForAllValues",
        ),
        (
            {"*": ["*"]},
            [Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["*"])],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-*/*"])],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [
                Condition(
                    "ForAnyValue:StringLike",
                    "aws:PrincipalOrgPaths",
                    [f"{ORG}/r-ab12/ou-ab12-1111*"],
                )
            ],
            "principals",
            "does not confine",
        ),
        (
            {"*": ["*"]},
            [Condition("StringLike", "aws:PrincipalOrgPaths", [f"{ORG}/*"])],
            "principals",
            "does not confine",
        ),
    ],
)
def test_wildcard_escapes_through_the_escape_hatch_are_refused(
    principals: Mapping[str, Sequence[str]],
    conditions: List[Condition],
    parameter: str,
    fragment: str,
) -> None:
    refused(
        lambda: PolicyStatement(
            sid="Escape", principals=principals, actions=PULL, conditions=conditions
        ),
        parameter,
        fragment,
    )


def test_an_organization_key_with_a_token_path_does_not_confine(stack: TerraformStack) -> None:
    path = TerraformVariable(stack, "path", type="string").string_value
    refused(
        lambda: PolicyStatement(
            sid="Escape",
            principals={"*": ["*"]},
            actions=PULL,
            conditions=[Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", [path])],
        ),
        "principals",
        "does not confine",
    )


def test_a_deny_may_name_everyone_but_not_part_of_an_arn() -> None:
    # GIVEN a Deny with '*' and no condition  THEN it is accepted: it can only take access away
    assert (
        PolicyStatement(
            sid="DenyAll", effect="Deny", principals={"AWS": ["*"]}, actions=["ecr:*"]
        ).effect
        is Effect.DENY
    )
    # AND a partial wildcard is refused even in a Deny (IAM does not support it)
    refused(
        lambda: PolicyStatement(
            sid="D", effect=Effect.DENY, principals={"AWS": ["arn:aws:iam::*:root"]}, actions=PULL
        ),
        "principals['AWS']",
        "wildcards in part",
    )


def test_string_like_on_literal_organization_ids_confines_as_string_equals(
    stack: TerraformStack,
) -> None:
    # GIVEN StringLike on aws:PrincipalOrgID with literal organization IDs (the registry
    # policy accepted it; the one rule for every policy now does, here too)
    statement = PolicyStatement(
        sid="OrgPull",
        principals={"*": ["*"]},
        actions=PULL,
        conditions=[Condition("StringLike", "aws:PrincipalOrgID", [ORG, OTHER_ORG])],
    )
    document = RepositoryPolicyDocument()
    document.add_statement(statement)
    # THEN it is accepted, and renders as given, keeping outsiders out
    [block] = document.render()
    assert block["condition"] == [
        {"test": "StringLike", "variable": "aws:PrincipalOrgID", "values": [ORG, OTHER_ORG]}
    ]
    assert not any(_allows_outsider(block, context) for context in OUTSIDERS)
    # BUT a token value could resolve to a pattern ("o-*"), so it does not confine under
    # StringLike, while StringEquals (exact) still takes one
    org = TerraformVariable(stack, "org", type="string").string_value
    refused(
        lambda: PolicyStatement(
            sid="OrgPull",
            principals={"*": ["*"]},
            actions=PULL,
            conditions=[Condition("StringLike", "aws:PrincipalOrgID", [org])],
        ),
        "principals",
        "does not confine it to an organization",
    )
    PolicyStatement(
        sid="OrgPull",
        principals={"*": ["*"]},
        actions=PULL,
        conditions=[Condition("StringEquals", "aws:PrincipalOrgID", [org])],
    )


def test_a_wildcard_beside_named_principals_is_refused_in_an_allow() -> None:
    # GIVEN '*' and a named principal in one Allow statement, confined to an organization
    # (accepted before the registry policy's rule became every policy's)
    for principals in ({"AWS": ["*", ECS_ROLE]}, {"*": ["*"], "AWS": [ECS_ROLE]}):
        # THEN it is refused: the organization condition would limit the named one too
        refused(
            lambda: PolicyStatement(
                sid="Mixed", principals=principals, actions=PULL, conditions=[ORG_ID_CONDITION]
            ),
            "principals",
            "mixes '*' with other principals",
        )
    # AND a Deny may still name both
    PolicyStatement(
        sid="DenyMixed", effect="Deny", principals={"AWS": ["*", ECS_ROLE]}, actions=PULL
    )


def test_a_repository_statement_names_principals_and_no_resources() -> None:
    # GIVEN statements of other policies: an identity policy's (no principals) and a
    # registry policy's (resources)
    identity = PolicyStatement(sid="Login", actions=["ecr:GetAuthorizationToken"], resources=["*"])
    registry = PolicyStatement(
        sid="Replicate",
        principals={"AWS": [f"arn:aws:iam::{OTHER_ACCOUNT}:root"]},
        actions=["ecr:ReplicateImage"],
        resources=[f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/*"],
    )
    # THEN a repository policy refuses both
    refused(
        lambda: RepositoryPolicyDocument().add_statement(identity),
        "statement.principals",
        "is not given",
    )
    refused(
        lambda: RepositoryPolicyDocument().add_statement(registry),
        "statement.resources",
        "its resource is the repository",
    )


def test_a_deny_may_name_the_sources_of_every_account() -> None:
    # GIVEN a Deny for a service from any account's functions  THEN it is accepted: a Deny
    # only takes access away
    statement = PolicyStatement(
        sid="DenyFunctions",
        effect="Deny",
        principals={"Service": ["lambda.amazonaws.com"]},
        actions=PULL,
        conditions=[Condition("ArnLike", "aws:SourceArn", ["arn:aws:lambda:*:*:function:*"])],
    )
    assert statement.effect is Effect.DENY


@pytest.mark.parametrize(
    "kwargs, parameter, fragment",
    [
        ({"effect": "allow"}, "effect", "'Allow' or 'Deny' (exact, case-sensitive)"),
        ({"effect": "Allow "}, "effect", "'Allow' or 'Deny'"),
        ({"sid": "Allow Pull"}, "sid", "ASCII letters and digits"),
        ({"sid": ""}, "sid", "ASCII letters and digits"),
        ({"sid": None}, "sid", "is a NoneType"),
        ({"actions": []}, "actions", "is empty"),
        ({"actions": ["ecr GetImage"]}, "actions", "is not an IAM action"),
        ({"principals": {}}, "principals", "is empty"),
        ({"principals": {"AWS": []}}, "principals['AWS']", "is empty"),
        ({"principals": {"AWS": ["not-an-arn"]}}, "principals['AWS']", "not an IAM principal ARN"),
        (
            {"principals": {"Federated": ["cognito-identity.amazonaws.com"]}},
            "principals",
            "principal type 'Federated'",
        ),
        (
            {
                "conditions": [
                    Condition("StringEquals", "aws:PrincipalOrgID", [ORG]),
                    Condition("StringEquals", "AWS:PRINCIPALORGID", [OTHER_ORG]),
                ]
            },
            "conditions",
            "merge their values",
        ),
    ],
)
def test_bad_statements_are_refused(kwargs: Dict[str, Any], parameter: str, fragment: str) -> None:
    arguments = {"sid": "Ok", "principals": {"AWS": [ECS_ROLE]}, "actions": PULL, **kwargs}
    refused(lambda: PolicyStatement(**arguments), parameter, fragment)


@pytest.mark.parametrize(
    "kwargs, parameter, fragment",
    [
        ({"test": "String Equals"}, "condition.test", "is not allowed"),
        ({"variable": "aws:Principal OrgID"}, "condition.variable", "is not allowed"),
        ({"values": []}, "condition.values", "is empty"),
        ({"values": "o-a1b2c3d4e5"}, "condition.values", "not a list"),
        (
            {"values": ["o-a1b2c3d4e5", "${TfToken[TOKEN.99999]}"]},
            "condition.values",
            "holds '${TfToken[TOKEN.99999]}', which looks like a cdktf token but is none of this app's",
        ),
        (
            {"values": ["#{TfToken[TOKEN.99999]}"]},
            "condition.values",
            "holds '#{TfToken[TOKEN.99999]}', which looks like a cdktf token but is none of this app's",
        ),
    ],
)
def test_bad_conditions_are_refused(kwargs: Dict[str, Any], parameter: str, fragment: str) -> None:
    arguments = {
        "test": "StringEquals",
        "variable": "aws:PrincipalOrgID",
        "values": [ORG],
        **kwargs,
    }
    refused(lambda: Condition(**arguments), parameter, fragment)


def test_provider_statements_are_checked_the_same_way() -> None:
    document = RepositoryPolicyDocument()
    everyone = [DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=["*"])]
    # GIVEN the provider's struct with '*' and no condition  THEN it is refused
    refused(
        lambda: document.add_statement(
            DataAwsIamPolicyDocumentStatement(sid="Public", principals=everyone, actions=PULL)
        ),
        "principals",
        "public",
    )
    # AND a NotPrincipal (Allow + NotPrincipal grants everyone else) is refused, not dropped
    refused(
        lambda: document.add_statement(
            DataAwsIamPolicyDocumentStatement(
                sid="AllBut",
                not_principals=[
                    DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=[CI_ROLE])
                ],
                actions=PULL,
            )
        ),
        "statement.not_principals",
        "NotPrincipal",
    )
    refused(
        lambda: document.add_statement(
            DataAwsIamPolicyDocumentStatement(
                sid="Res", resources=["*"], principals=everyone, actions=PULL
            )
        ),
        "statement.resources",
        "Resource",
    )
    # AND a statement without a Sid is refused (Sids must be stable and unique)
    refused(
        lambda: document.add_statement(
            DataAwsIamPolicyDocumentStatement(
                principals=[
                    DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=[CI_ROLE])
                ],
                actions=PULL,
            )
        ),
        "sid",
        "is a NoneType",
    )
    refused(
        lambda: document.add_statement({"sid": "x"}),
        "statement",
        "a PolicyStatement or a DataAwsIamPolicyDocumentStatement",
    )
    assert document.is_empty


def test_sids_must_be_unique_at_render() -> None:
    # GIVEN an escape-hatch statement named like a generated one
    document = RepositoryPolicyDocument()
    document.add_statement(
        PolicyStatement(sid="AllowPull", principals={"AWS": [CI_ROLE]}, actions=PULL)
    )
    assert [s["sid"] for s in document.render()] == ["AllowPull"]
    # WHEN a later grant generates the same Sid  THEN rendering refuses it
    document.grant(Access.PULL, ECS_ROLE)
    refused(document.render, "statement.sid", "is used twice")


# --------------------------------------------------------------------------- order and Sids


def test_sids_and_statements_do_not_depend_on_the_order_of_grants() -> None:
    # GIVEN one grant of each kind, made in every order
    grants = [
        (Access.PULL, ECS_ROLE),
        (Access.PULL, OTHER_ACCOUNT),
        (Access.PUSH, CI_ROLE),
        (Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION])),
        (Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_arns=[OTHER_FUNCTION])),
        (Access.PULL, ServicePrincipal("lambda.amazonaws.com", source_accounts=[OTHER_ACCOUNT])),
        (Access.PULL, OrganizationPrincipal(ORG, ou_paths=[OU_TREE])),
        (Access.PUSH, OrganizationPrincipal(OTHER_ORG)),
    ]
    first = rendered(*grants)
    shuffler = random.Random(7)
    for _ in range(40):
        shuffler.shuffle(grants)
        # THEN the document is the same every time
        assert rendered(*grants) == first
    assert [s["sid"] for s in first] == [
        "AllowPull",
        "AllowPush",
        "AllowPullLambdaBySourceAccount",
        "AllowPullLambdaBySourceArn",
        "AllowPullOrganization",
        "AllowPushOrganization",
    ]


def test_role_constructs_are_ordered_by_path_not_by_when_their_arn_was_read() -> None:
    def synthesized(order: Sequence[str]) -> Any:
        stack = TerraformStack(Testing.app(), "s")
        AwsProvider(stack, "aws", region="us-east-1")
        roles = {
            name: IamRole(stack, name, assume_role_policy="{}")
            for name in ("alpha", "beta", "gamma")
        }
        document = RepositoryPolicyDocument()
        for name in order:
            document.grant(Access.PULL, roles[name])
        DataAwsIamPolicyDocument(stack, "d", statement=to_provider_statements(document.render()))
        return only(synth_json(stack)["data"]["aws_iam_policy_document"])

    documents = [synthesized(order) for order in itertools.permutations(["gamma", "alpha", "beta"])]
    assert all(d == documents[0] for d in documents)
    assert documents[0]["statement"][0]["principals"][0]["identifiers"] == [
        "${aws_iam_role.alpha.arn}",
        "${aws_iam_role.beta.arn}",
        "${aws_iam_role.gamma.arn}",
    ]


# --------------------------------------------------------------------------- seed parity

SEED_CASES = [
    ([ECS_ROLE], []),
    ([], [CI_ROLE]),
    ([ECS_ROLE, OTHER_ACCOUNT], [CI_ROLE]),
    ((ECS_ROLE,), (CI_ROLE, f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-build/run-1")),
]


@pytest.mark.parametrize("pull, push", SEED_CASES)
def test_seed_lists_alone_render_the_seed_statements(
    make_stack: Callable[..., TerraformStack], pull: Sequence[str], push: Sequence[str]
) -> None:
    # GIVEN only the seed's two lists
    document = RepositoryPolicyDocument()
    document.add_principal_arns(Access.PULL, pull, "pull_principal_arns")
    document.add_principal_arns(Access.PUSH, push, "push_principal_arns")
    # THEN exactly AllowPull (3 actions) then AllowPush (7), principals in the given order
    expected = ([aws("AllowPull", PULL, list(pull))] if pull else []) + (
        [aws("AllowPush", PUSH, list(push))] if push else []
    )
    assert document.render("us-east-1") == expected
    # AND synthesized, the data source is the one Repository writes today, byte for byte
    ours, theirs = make_stack(), make_stack()
    DataAwsIamPolicyDocument(
        ours, "policy_document", statement=to_provider_statements(document.render())
    )
    Repository(theirs, "repo", name="svc", pull_principal_arns=pull, push_principal_arns=push)
    ours_json = json.dumps(
        only(synth_json(ours)["data"]["aws_iam_policy_document"]), sort_keys=True
    )
    theirs_json = json.dumps(
        only(synth_json(theirs)["data"]["aws_iam_policy_document"]), sort_keys=True
    )
    assert ours_json == theirs_json == json.dumps({"statement": expected}, sort_keys=True)
    assert not document.needs_wildcard_guard


def test_a_seed_list_token_stays_whole_and_joins_grants_with_concat(stack: TerraformStack) -> None:
    pullers = TerraformVariable(stack, "pullers", type="list(string)").list_value
    # GIVEN a list token alone  THEN it is the whole identifiers list, as today
    document = RepositoryPolicyDocument()
    document.add_principal_arns(Access.PULL, pullers, "pull_principal_arns")
    DataAwsIamPolicyDocument(stack, "alone", statement=to_provider_statements(document.render()))
    # AND with a grant beside it, Terraform concatenates the two
    document.grant(Access.PULL, ECS_ROLE)
    DataAwsIamPolicyDocument(stack, "joined", statement=to_provider_statements(document.render()))
    documents = synth_json(stack)["data"]["aws_iam_policy_document"]
    assert documents["alone"]["statement"][0]["principals"] == [
        {"type": "AWS", "identifiers": "${var.pullers}"}
    ]
    assert documents["joined"]["statement"][0]["principals"] == [
        {"type": "AWS", "identifiers": f'${{concat(var.pullers, ["{ECS_ROLE}"])}}'}
    ]
    assert document.needs_wildcard_guard


# --------------------------------------------------------------------------- size


def _accounts(n: int) -> List[str]:
    return [f"{100000000000 + i}" for i in range(n)]


def test_policy_text_is_what_the_provider_sends() -> None:
    document = RepositoryPolicyDocument()
    document.grant(Access.PULL, OTHER_ACCOUNT)
    document.grant(Access.PULL, OrganizationPrincipal(ORG))
    assert document.policy_json() == (
        '{"Statement":[{"Action":["ecr:GetDownloadUrlForLayer","ecr:BatchGetImage",'
        '"ecr:BatchCheckLayerAvailability"],"Effect":"Allow","Principal":{"AWS":"210987654321"},'
        '"Sid":"AllowPull"},{"Action":["ecr:GetDownloadUrlForLayer","ecr:BatchGetImage",'
        '"ecr:BatchCheckLayerAvailability"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":'
        '"o-a1b2c3d4e5"}},"Effect":"Allow","Principal":"*","Sid":"AllowPullOrganization"}],'
        '"Version":"2012-10-17"}'
    )


def _length(accounts: int) -> int:
    document = RepositoryPolicyDocument()
    document.add_principal_arns(Access.PULL, _accounts(accounts), "pull_principal_arns")
    return len(document.policy_json() or "")


def test_a_policy_at_the_limit_passes_and_one_character_more_is_refused() -> None:
    # GIVEN account IDs up to just under the limit (from the second, each adds 15
    # characters: "<12 digits>",)
    assert _length(3) - _length(2) == 15
    count = 2 + (MAX_REPOSITORY_POLICY_LENGTH - 70 - _length(2)) // 15
    document = RepositoryPolicyDocument()
    document.add_principal_arns(Access.PULL, _accounts(count), "pull_principal_arns")
    length = len(document.policy_json() or "")
    assert MAX_REPOSITORY_POLICY_LENGTH - 70 - 15 < length <= MAX_REPOSITORY_POLICY_LENGTH - 70
    # WHEN a Sid pads it to exactly the limit  THEN it passes
    pad = (
        MAX_REPOSITORY_POLICY_LENGTH
        - length
        - len(',{"Action":"a:b","Effect":"Deny","Principal":"*","Sid":""}')
    )
    document.add_statement(
        PolicyStatement(sid="S" * pad, effect="Deny", principals={"*": ["*"]}, actions=["a:b"])
    )
    assert len(document.policy_json() or "") == MAX_REPOSITORY_POLICY_LENGTH
    document.render()
    # AND one more principal is refused at render
    document.grant(Access.PULL, "999999999999")
    refused(
        document.render, "repository_policy", f"at most {MAX_REPOSITORY_POLICY_LENGTH} characters"
    )


def test_token_values_count_only_their_known_text(stack: TerraformStack) -> None:
    account = TerraformVariable(stack, "account", type="string").string_value
    # GIVEN principals whose account is only known at apply: each counts without it
    document = RepositoryPolicyDocument()
    document.add_principal_arns(
        Access.PULL,
        [f"arn:aws:iam::{account}:role/{i:0>40}" for i in range(150)],
        "pull_principal_arns",
    )
    assert document.policy_json() is None
    # 150 x 62 known characters pass (with 12-digit accounts they would not: that is
    # for POLICY_SIZE_GUARD_CONDITION to catch at apply)
    document.render()
    # WHEN the known text alone is over the limit  THEN it is refused, "at least"
    document.add_principal_arns(Access.PUSH, _accounts(300), "push_principal_arns")
    error = refused(document.render, "repository_policy", "at least")
    assert "is too long for ECR" in str(error)


# ------------------------------------------------------------ the guards, with the real terraform


def _offline_stack(name: str) -> TerraformStack:
    """A stack whose provider needs no credentials: policy documents never call AWS."""
    stack = TerraformStack(Testing.app(), name)
    AwsProvider(
        stack,
        "aws",
        region="us-east-1",
        access_key="x",
        secret_key="y",
        skip_credentials_validation=True,
        skip_requesting_account_id=True,
        skip_metadata_api_check="true",
    )
    # The bindings pin the provider they were built for; the mirror holds a later 5.x.
    stack.add_override(
        "terraform.required_providers.aws", {"source": "hashicorp/aws", "version": AWS_CONSTRAINT}
    )
    return stack


@pytest.mark.terraform
def test_terraform_guards_and_the_size_estimate(tmp_path: Path, terraform_available: str) -> None:
    stack = _offline_stack("guards")
    who = TerraformVariable(stack, "who", type="string").string_value
    pad = TerraformVariable(stack, "pad", type="string").string_value
    guards = TerraformResourceLifecycle(
        postcondition=[
            Postcondition(
                condition=WILDCARD_GUARD_CONDITION, error_message=WILDCARD_GUARD_MESSAGE + " [%s]"
            ),
            Postcondition(
                condition=POLICY_SIZE_GUARD_CONDITION,
                error_message=POLICY_SIZE_GUARD_MESSAGE + " [%s]",
            ),
        ]
    )

    def document(
        name: str, build: Callable[[RepositoryPolicyDocument], None]
    ) -> RepositoryPolicyDocument:
        doc = RepositoryPolicyDocument()
        build(doc)
        lifecycle = TerraformResourceLifecycle(
            postcondition=[
                Postcondition(
                    condition=p.condition, error_message=p.error_message.replace("%s", name)
                )
                for p in guards.postcondition
            ]
        )
        DataAwsIamPolicyDocument(
            stack, name, statement=to_provider_statements(doc.render()), lifecycle=lifecycle
        )
        return doc

    # A principal that resolves to '*': the wildcard guard must stop it
    public = document(
        "public", lambda d: d.add_principal_arns(Access.PULL, [who], "pull_principal_arns")
    )
    assert public.needs_wildcard_guard
    # Organization, Deny and service statements beside a '*' token pass
    every_kind = document(
        "every_kind",
        lambda d: (
            d.add_principal_arns(Access.PUSH, [CI_ROLE], "push_principal_arns"),
            d.grant(Access.PULL, OrganizationPrincipal(ORG, ou_paths=[OU_TREE])),
            d.grant(
                Access.PULL,
                ServicePrincipal(
                    "lambda.amazonaws.com", source_arns=[FUNCTION], source_accounts=[ACCOUNT]
                ),
            ),
            d.add_statement(
                PolicyStatement(
                    sid="DenyWho", effect="Deny", principals={"AWS": [who]}, actions=["ecr:*"]
                )
            ),
        ),
    )
    # A policy over the limit only once a token resolves: the size guard must stop it
    oversized = document(
        "oversized",
        lambda d: d.add_principal_arns(
            Access.PULL,
            [f"arn:aws:iam::{ACCOUNT}:role/r{i:03}-{pad}" for i in range(120)],
            "pull_principal_arns",
        ),
    )
    assert oversized.policy_json() is None
    (tmp_path / "main.tf.json").write_text(Testing.synth(stack))
    (tmp_path / "terraform.tfvars.json").write_text(json.dumps({"who": "*", "pad": "p" * 60}))

    tf.run(["init", "-input=false", "-no-color"], tmp_path)
    plan = tf.run(["plan", "-input=false", "-no-color"], tmp_path, check=False)
    assert plan.returncode == 1
    errors = " ".join(plan.stderr.split())  # terraform wraps long messages
    # THEN exactly the public and the oversized documents fail, each with its guard's message
    assert f"{WILDCARD_GUARD_MESSAGE} [public]" in errors, errors[-3000:]
    assert f"{POLICY_SIZE_GUARD_MESSAGE} [oversized]" in errors, errors[-3000:]
    assert errors.count("Resource postcondition failed") == 2

    # AND for a plain document the estimate is the length of the provider's own minified_json
    plain = _offline_stack("plain")
    doc = RepositoryPolicyDocument()
    doc.add_principal_arns(
        Access.PULL, [ECS_ROLE, OTHER_ACCOUNT, "111122223333"], "pull_principal_arns"
    )
    doc.grant(Access.PULL, OrganizationPrincipal(ORG, ou_paths=[OU_TREE, OU_PATH]))
    doc.grant(
        Access.PULL,
        ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION], source_accounts=[ACCOUNT]),
    )
    doc.add_statement(
        PolicyStatement(
            sid="Tls",
            effect="Deny",
            principals={"*": ["*"]},
            actions=["ecr:*"],
            conditions=[Condition("Bool", "aws:SecureTransport", ["false"])],
        )
    )
    from cdktf import TerraformOutput

    data = DataAwsIamPolicyDocument(plain, "d", statement=to_provider_statements(doc.render()))
    TerraformOutput(plain, "minified", value=data.minified_json)
    directory = tmp_path / "plain"
    directory.mkdir()
    (directory / "main.tf.json").write_text(Testing.synth(plain))
    tf.run(["init", "-input=false", "-no-color"], directory)
    tf.run(["apply", "-auto-approve", "-input=false", "-no-color"], directory)
    minified = json.loads(tf.run(["output", "-json"], directory).stdout)["minified"]["value"]
    ours = doc.policy_json()
    assert ours is not None and len(ours) == len(minified)
    assert _sets(json.loads(ours)) == _sets(json.loads(minified))


@pytest.mark.terraform
def test_the_source_guard_stops_exactly_the_sources_of_every_account(
    tmp_path: Path, terraform_available: str
) -> None:
    # GIVEN service statements whose sources are variables, each document guarded
    stack = _offline_stack("sources")
    variables: Dict[str, Any] = {}

    def value(name: str, resolved: Any) -> Any:
        variables[name] = resolved
        kind = "list(string)" if isinstance(resolved, list) else "string"
        variable = TerraformVariable(stack, f"var_{name}", type=kind)
        return variable.list_value if isinstance(resolved, list) else variable.string_value

    def document(name: str, *statements: Any) -> None:
        doc = RepositoryPolicyDocument()
        for statement in statements:
            if isinstance(statement, ServicePrincipal):
                doc.grant(Access.PULL, statement)
            else:
                doc.add_statement(statement)
        assert doc.needs_source_guard, name
        DataAwsIamPolicyDocument(
            stack, name, statement=to_provider_statements(doc.render()),
            lifecycle=TerraformResourceLifecycle(postcondition=[
                Postcondition(condition=SOURCE_GUARD_CONDITION,
                              error_message=f"{SOURCE_GUARD_MESSAGE} [{name}]")
            ]),
        )

    def lambda_by(**sources: Any) -> ServicePrincipal:
        return ServicePrincipal("lambda.amazonaws.com", **sources)

    def builds(effect: str, *conditions: Condition) -> PolicyStatement:
        return PolicyStatement(sid="Builds", effect=effect, actions=PULL,
                               principals={"Service": ["codebuild.amazonaws.com"]},
                               conditions=list(conditions))

    wildcard_function = "arn:aws:lambda:*:*:function:*"
    bucket = "arn:aws:s3:::artifacts"
    # Sources that name accounts pass ...
    document("function", lambda_by(source_arns=[value("function", FUNCTION)]))
    document("bucket_and_account", lambda_by(source_arns=[value("bucket", bucket)],
                                             source_accounts=[ACCOUNT]))
    document("account_list", lambda_by(source_accounts=value("accounts", [ACCOUNT, OTHER_ACCOUNT])))
    document("like_account", builds("Allow", Condition("StringLike", "aws:SourceAccount",
                                                        [value("like_account", ACCOUNT)])))
    document("deny_every_account", lambda_by(source_arns=[value("beside_deny", FUNCTION)]),
             builds("Deny", Condition("ArnLike", "aws:SourceArn", [value("deny_arn", wildcard_function)])))
    # ... and those that resolve to every account, or to none, fail
    failing = {
        "wildcard_function": lambda_by(source_arns=[value("wildcard_function", wildcard_function)]),
        "wildcard_beside_account": lambda_by(source_arns=[value("wildcard_beside", wildcard_function)],
                                             source_accounts=[ACCOUNT]),
        "bucket_alone": lambda_by(source_arns=[value("bucket_alone", bucket)]),
        "wildcard_account_list": lambda_by(source_accounts=value("wildcard_accounts", [ACCOUNT, "*"])),
        "like_every_account": builds("Allow", Condition("StringLike", "aws:SourceAccount",
                                                         [value("like_every", "*")])),
    }
    for name, statement in failing.items():
        document(name, statement)
    (tmp_path / "main.tf.json").write_text(Testing.synth(stack))
    (tmp_path / "terraform.tfvars.json").write_text(
        json.dumps({f"var_{name}": resolved for name, resolved in variables.items()})
    )
    # WHEN terraform plans
    tf.run(["init", "-input=false", "-no-color"], tmp_path)
    plan = tf.run(["plan", "-input=false", "-no-color"], tmp_path, check=False)
    # THEN exactly the documents of every account (or none) fail, each with the guard's message
    assert plan.returncode == 1
    errors = " ".join(plan.stderr.split())  # terraform wraps long messages
    for name in failing:
        assert f"{SOURCE_GUARD_MESSAGE} [{name}]" in errors, (name, errors[-3000:])
    assert errors.count("Resource postcondition failed") == len(failing), errors[-3000:]


def _sets(value: Any) -> Any:
    """The document with lists sorted: Terraform orders set members by hash."""
    if isinstance(value, dict):
        return {k: _sets(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sets(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


# --------------------------------------------------------------- no wildcard escapes (hypothesis)

OUTSIDER_ACCOUNT = "999999999999"
# Principals outside the organization: in no organization, or in another one.
OUTSIDERS: List[Dict[str, List[str]]] = [
    {"aws:principalaccount": [OUTSIDER_ACCOUNT]},
    {
        "aws:principalaccount": [OUTSIDER_ACCOUNT],
        "aws:principalorgid": ["o-outsider999"],
        "aws:principalorgpaths": ["o-outsider999/r-out0/ou-out0-00000000/"],
    },
]
_NEGATED = (
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotEquals",
    "ArnNotLike",
)
_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike")


def _matches(operator: str, actual: str, written: str) -> bool:
    if "IgnoreCase" in operator:
        return actual.lower() == written.lower()
    if "Like" in operator or operator.startswith("Arn"):
        return fnmatch.fnmatchcase(actual, written.replace("[", "[[]"))
    return actual == written


def _condition_holds(
    test: str, variable: str, values: List[str], context: Dict[str, List[str]]
) -> bool:
    """IAM's evaluation of one condition for ``context``; True where this model is unsure."""
    prefix, _, operator = test.rpartition(":")
    if_exists = operator.endswith("IfExists")
    operator = operator[: -len("IfExists")] if if_exists else operator
    actual = context.get(variable.lower())
    if operator == "Null":
        return (actual is None) == (values == ["true"]) if values in (["true"], ["false"]) else True
    if prefix not in ("", "ForAnyValue", "ForAllValues") or operator not in _NEGATED + _POSITIVE:
        return True  # unknown to this model: assume the worst
    if actual is None:
        return if_exists or prefix == "ForAllValues" or (prefix == "" and operator in _NEGATED)
    hits = [any(_matches(operator, a, w) for w in values) for a in actual]
    if operator in _NEGATED:
        hits = [not h for h in hits]
    return all(hits) if prefix == "ForAllValues" else any(hits)


def _allows_outsider(statement: Dict[str, Any], context: Dict[str, List[str]]) -> bool:
    if statement["effect"] != "Allow":
        return False
    everyone = any(
        p["type"] == "*"
        or any("*" in i or "?" in i or i == OUTSIDER_ACCOUNT for i in p["identifiers"])
        for p in statement["principals"]
    )
    return everyone and all(
        _condition_holds(c["test"], c["variable"], c["values"], context)
        for c in statement.get("condition", [])
    )


WILDCARDS = [
    "*",
    " *",
    "* ",
    "**",
    "?",
    "arn:aws:iam::*:root",
    f"arn:aws:iam::{ACCOUNT}:role/*",
    "arn:aws:iam::12345678901?:root",
    "ARN:AWS:IAM::*:ROOT",
    "*:*",
    "*\t",
]
TESTS = [
    "StringEquals",
    "StringLike",
    "StringNotEquals",
    "StringNotLike",
    "StringEqualsIfExists",
    "StringLikeIfExists",
    "StringEqualsIgnoreCase",
    "ForAllValues:StringEquals",
    "ForAllValues:StringLike",
    "ForAnyValue:StringEquals",
    "ForAnyValue:StringLike",
    "ForAnyValue:StringNotLike",
    "stringequals",
    "Null",
    "ArnLike",
]
KEYS = [
    "aws:PrincipalOrgID",
    "aws:principalorgid",
    "AWS:PRINCIPALORGID",
    "aws:PrincipalOrgPaths",
    "aws:principalorgpaths",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceArn",
]
VALUES = [
    ORG,
    OTHER_ORG,
    "*",
    "o-*",
    "o-?1b2c3d4e5",
    f"{ORG}/*",
    "*/*",
    "o-*/*",
    OU_PATH,
    OU_TREE,
    f"{ORG}/r-ab12/ou-ab12-1111*",
    f"{ORG}/*/*",
    "true",
    "false",
    ACCOUNT,
    FUNCTION,
    "",
]

ORG_TESTS = [
    "StringEquals",
    "ForAnyValue:StringEquals",
    "ForAnyValue:StringLike",
    "StringLike",
    "StringNotEquals",
    "StringEqualsIfExists",
    "ForAllValues:StringLike",
    "stringequals",
]
ORG_KEYS = [
    "aws:PrincipalOrgID",
    "aws:principalorgid",
    "AWS:PRINCIPALORGID",
    "aws:PrincipalOrgPaths",
    "aws:principalorgpaths",
]
# Organization values that look right but match principals elsewhere.
NEAR_VALUES = [
    "*",
    "o-*",
    "o-?1b2c3d4e5",
    "*/*",
    "o-*/*",
    f"{ORG}/r-ab12/ou-ab12-1111*",
    f"{ORG}/*/*",
    "",
]
ORG_VALUE_SETS = (
    [[ORG], [ORG, OTHER_ORG], [OU_PATH], [OU_TREE, f"{OTHER_ORG}/*"], [ORG, OU_TREE]]
    + [[value] for value in NEAR_VALUES]
    + [[ORG, "*"], [OU_TREE, "o-*/*"]]
)
# Every condition on the organization keys from these operators and values: right
# and wrong ones, so that many statements get through and every near miss is tried.
ORGANIZATION_CONDITIONS = [
    Condition(test, key, values)
    for test in ORG_TESTS
    for key in ORG_KEYS
    for values in ORG_VALUE_SETS
]
organization_conditions = st.sampled_from(ORGANIZATION_CONDITIONS)
other_conditions = st.builds(
    Condition,
    st.sampled_from(TESTS),
    st.sampled_from(KEYS),
    st.lists(st.sampled_from(VALUES), min_size=1, max_size=2, unique=True),
)
conditions_strategy = st.lists(
    st.one_of(organization_conditions, organization_conditions, other_conditions),
    max_size=3,
    unique_by=lambda c: (c.test, c.variable.lower()),
)
principals_strategy = st.one_of(
    st.just({"*": ["*"]}),
    st.just({"AWS": ["*"]}),
    st.dictionaries(
        st.sampled_from(["*", "AWS", "aws", "Service"]),
        st.one_of(
            st.lists(st.sampled_from(WILDCARDS), min_size=1, max_size=2, unique=True),
            st.lists(
                st.sampled_from(["*", ECS_ROLE, ACCOUNT, "lambda.amazonaws.com"]),
                min_size=1,
                max_size=3,
                unique=True,
            ),
        ),
        min_size=1,
        max_size=2,
    ),
)


@pytest.mark.parametrize("principals", [{"*": ["*"]}, {"AWS": ["*"]}])
def test_no_single_organization_condition_lets_outsiders_in(
    principals: Dict[str, List[str]],
) -> None:
    # GIVEN a '*' principal with each organization condition in turn
    accepted = 0
    for condition in ORGANIZATION_CONDITIONS:
        try:
            statement = PolicyStatement(
                sid="Org", principals=principals, actions=PULL, conditions=[condition]
            )
        except ValidationError:
            continue
        accepted += 1
        document = RepositoryPolicyDocument()
        document.add_statement(statement)
        # THEN each one that is accepted keeps every outsider out
        for block in document.render():
            assert not any(_allows_outsider(block, context) for context in OUTSIDERS), condition
    # AND exactly the confining ones were accepted: StringEquals or StringLike (one rule
    # for every policy, since the registry policy's) on organization IDs,
    # ForAnyValue:StringEquals/StringLike on organization paths, keys in any case
    assert accepted == 2 * 3 * 2 + 2 * 2 * 2


@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    principals=principals_strategy,
    conditions=conditions_strategy,
    effect=st.sampled_from(["Allow", "Allow", Effect.ALLOW, "Deny", "allow", "ALLOW"]),
    org_paths=st.lists(st.sampled_from([OU_PATH, OU_TREE, f"{ORG}/*"]), max_size=2, unique=True),
)
def test_no_wildcard_principal_gets_past_the_checks(
    principals: Dict[str, List[str]], conditions: List[Condition], effect: Any, org_paths: List[str]
) -> None:
    # GIVEN an organization grant, and a generated statement that may try to escape
    document = RepositoryPolicyDocument()
    document.grant(Access.PULL, OrganizationPrincipal(ORG, ou_paths=org_paths))
    try:
        document.add_statement(
            PolicyStatement(
                sid="Generated",
                effect=effect,
                principals=principals,
                actions=PULL,
                conditions=conditions,
            )
        )
    except ValidationError:
        pass  # refused: nothing reaches the policy
    # THEN no rendered statement lets a principal outside the organization in
    for statement in document.render():
        for context in OUTSIDERS:
            assert not _allows_outsider(statement, context), (statement, context)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    st.text(alphabet="arn:aws:iam:123456789012:role/ *?", min_size=1, max_size=40).filter(
        lambda s: "*" in s or "?" in s
    )
)
def test_no_wildcard_string_is_a_grantee(grantee: str) -> None:
    with pytest.raises(ValidationError):
        RepositoryPolicyDocument().grant(Access.PUSH, grantee)


def test_the_outsider_model_is_not_vacuous() -> None:
    # The evaluator above does see a public statement, and the organization's own.
    public = {"effect": "Allow", "principals": [{"type": "*", "identifiers": ["*"]}]}
    assert all(_allows_outsider(public, c) for c in OUTSIDERS)
    if_exists = {
        **public,
        "condition": [
            {"test": "StringEqualsIfExists", "variable": "aws:PrincipalOrgID", "values": [ORG]}
        ],
    }
    assert _allows_outsider(if_exists, OUTSIDERS[0]) and not _allows_outsider(
        if_exists, OUTSIDERS[1]
    )
    assert not any(
        _allows_outsider(s, c)
        for s in rendered((Access.PULL, OrganizationPrincipal(ORG)))
        for c in OUTSIDERS
    )
    insider = {
        "aws:principalorgid": [ORG],
        "aws:principalorgpaths": [f"{ORG}/r-ab12/ou-ab12-22222222/ou-ab12-33333333/"],
    }
    org_statement = rendered((Access.PULL, OrganizationPrincipal(ORG, ou_paths=[OU_TREE])))[0]
    assert all(
        _condition_holds(c["test"], c["variable"], c["values"], insider)
        for c in org_statement["condition"]
    )


# --------------------------------------------------------------------------- valid inputs per AWS docs


def test_star_confined_by_principal_account_is_accepted_as_tightly_as_an_account_list() -> None:
    # GIVEN '*' in an Allow statement limited by aws:PrincipalAccount (StringEquals or
    # StringLike on literal account IDs, StringEquals also on a token)
    for condition in (Condition("StringEquals", "aws:PrincipalAccount", [ACCOUNT, "210987654321"]),
                      Condition("StringLike", "aws:PrincipalAccount", [ACCOUNT])):
        statement = PolicyStatement(sid="Accounts", principals={"AWS": ["*"]}, actions=PULL,
                                    conditions=[condition])
        # THEN it is accepted, and no outsider gets in
        document = RepositoryPolicyDocument()
        document.add_statement(statement)
        for rendered in document.render():
            for context in OUTSIDERS:
                assert not _allows_outsider(rendered, context), (rendered, context)


@pytest.mark.parametrize("condition, fragment", [
    (Condition("StringNotEquals", "aws:PrincipalAccount", [ACCOUNT]), "does not confine it to an organization or account"),
    (Condition("StringLike", "aws:PrincipalAccount", ["1234*"]), "does not confine it to an organization or account"),
    (Condition("StringEquals", "aws:PrincipalAccount", ["12345"]), "does not confine it to an organization or account"),
])
def test_star_with_a_loose_principal_account_condition_is_refused(condition: Condition, fragment: str) -> None:
    refused(
        lambda: PolicyStatement(sid="Loose", principals={"AWS": ["*"]}, actions=PULL, conditions=[condition]),
        "principals",
        fragment,
    )


def test_the_european_sovereign_cloud_is_accepted() -> None:
    # GIVEN the aws-eusc partition's region, and its KMS key and principal ARNs
    from cdktf_aws_ecr.checks import (
        check_kms_key_arn,
        check_kms_key_region,
        check_principal_partitions,
        check_principals,
        check_region,
    )

    region = "eusc-de-east-1"
    key = f"arn:aws-eusc:kms:{region}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    role = f"arn:aws-eusc:iam::{ACCOUNT}:role/ci"
    # THEN each is accepted, in its own partition
    assert check_region("region", region) == region
    assert check_kms_key_arn("kms_key_arn", key) == key
    check_kms_key_region("kms_key_arn", key, region)
    assert check_principals("pull_principal_arns", [role]) == [role]
    check_principal_partitions("pull_principal_arns", [role], region)
    # AND a commercial principal is still refused there
    refused(lambda: check_principal_partitions("p", [ECS_ROLE], region), "p", "from partition aws")


def test_iam_paths_with_the_characters_iam_allows_are_accepted() -> None:
    # GIVEN role and user ARNs whose paths hold printable ASCII IAM allows ("!" through "~")
    for arn in (f"arn:aws:iam::{ACCOUNT}:role/team!a/ci", f"arn:aws:iam::{ACCOUNT}:user/a:b/c~d/deployer",
                f"arn:aws:iam::{ACCOUNT}:role/#ops/$x/ci"):
        RepositoryPolicyDocument().grant(Access.PULL, arn)
    # AND an asterisk (IAM refuses it in a path) or a space still is not
    for arn in (f"arn:aws:iam::{ACCOUNT}:role/a*b/ci", f"arn:aws:iam::{ACCOUNT}:role/a b/ci"):
        with pytest.raises(ValidationError):
            RepositoryPolicyDocument().grant(Access.PULL, arn)


# --------------------------------------------------------------------------- risky statements warn


def _synth_warnings(stack: TerraformStack) -> List[str]:
    import warnings as python_warnings

    from cdktf_aws_ecr import RiskyStatementWarning

    with python_warnings.catch_warnings(record=True) as caught:
        python_warnings.simplefilter("always")
        Testing.synth(stack)
    return [str(w.message) for w in caught if issubclass(w.category, RiskyStatementWarning)]


OTHER = "210987654321"


def test_an_unconditioned_deny_of_policy_management_to_everyone_warns(make_stack: Callable[..., TerraformStack]) -> None:
    stack = make_stack(allowed_account_ids=[ACCOUNT])
    repository = Repository(stack, "repo", name="svc")
    repository.add_to_resource_policy(PolicyStatement(
        sid="DenyPolicyChanges", effect="Deny", principals={"AWS": ["*"]},
        actions=["ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"]))
    (message,) = _synth_warnings(stack)
    assert "statement 'DenyPolicyChanges' denies ecr:SetRepositoryPolicy, ecr:DeleteRepositoryPolicy" in message
    assert "the account's own administrators and Terraform could then no longer change" in message


def test_broad_and_delete_actions_to_another_account_warn(make_stack: Callable[..., TerraformStack]) -> None:
    stack = make_stack(allowed_account_ids=[ACCOUNT])
    repository = Repository(stack, "repo", name="svc")
    for sid, actions in (("All", ["ecr:*"]), ("Any", ["*"]), ("Deletes", ["ecr:BatchDelete*"])):
        repository.add_to_resource_policy(PolicyStatement(
            sid=sid, principals={"AWS": [f"arn:aws:iam::{OTHER}:role/ci"]}, actions=actions))
    messages = _synth_warnings(stack)
    assert len(messages) == 3
    assert f"statement 'All' allows ecr:* to arn:aws:iam::{OTHER}:role/ci, outside the registry's account {ACCOUNT}" in messages[0]
    assert "statement 'Any' allows *" in messages[1]
    assert "statement 'Deletes' allows ecr:BatchDeleteImage" in messages[2]


def test_what_is_meant_does_not_warn(make_stack: Callable[..., TerraformStack]) -> None:
    # GIVEN a conditioned Deny of policy management, a Deny of plain HTTP, ecr:* to the
    # registry's own account, and a pull grant to another account
    stack = make_stack(allowed_account_ids=[ACCOUNT])
    repository = Repository(stack, "repo", name="svc")
    repository.add_to_resource_policy(PolicyStatement(
        sid="DenyOthers", effect="Deny", principals={"AWS": ["*"]}, actions=["ecr:SetRepositoryPolicy"],
        conditions=[Condition("StringNotEquals", "aws:PrincipalAccount", [ACCOUNT])]))
    repository.add_to_resource_policy(PolicyStatement(
        sid="DenyHttp", effect="Deny", principals={"AWS": ["*"]}, actions=["ecr:BatchGetImage"]))
    repository.add_to_resource_policy(PolicyStatement(
        sid="Admins", principals={"AWS": [f"arn:aws:iam::{ACCOUNT}:role/admin"]}, actions=["ecr:*"]))
    repository.grant_pull(OTHER)
    assert _synth_warnings(stack) == []
