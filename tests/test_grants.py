"""Repository's grant methods, synthesized: each grantee kind, any order, login policies, refusals.

``tests/test_access.py`` tests the pure core (grantees, merging, Sids, size);
this file goes through ``Repository`` and asserts what the stack synthesizes:
the exact statement of each grantee kind, the same document whatever the order
of the calls, the registry-login identity policy once per same-stack role or
user, no login policy for other stacks' identities (with cdktf's cross-stack
reference for their ARN), the Terraform guards, and the refusals, at the call
or at synth, with nothing half-built. A hypothesis test makes generated grants
and statements and evaluates every synthesized statement against principals
outside the organization (with ``tests/test_access.py``'s evaluator).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest
from cdktf import App, TerraformStack, TerraformVariable, Testing
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktf_cdktf_provider_aws.data_aws_iam_role import DataAwsIamRole
from cdktf_cdktf_provider_aws.iam_group import IamGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_user import IamUser
from cdktf_cdktf_provider_aws.iam_user_policy import IamUserPolicy
from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import ACCOUNT, only, plans, resources_of, stack_on_disk, synth_error, synth_json
from constructs import Construct
from hypothesis import HealthCheck, given, settings, strategies as st
from refusals import assert_refused
from test_access import OUTSIDERS, _allows_outsider, conditions_strategy, principals_strategy

from cdktf_aws_ecr import (
    Condition,
    OrganizationPrincipal,
    PolicyStatement,
    Repository,
    ServicePrincipal,
    ValidationError,
    grant_registry_login,
)
from cdktf_aws_ecr.policy.registry_login import REGISTRY_LOGIN_POLICY
from cdktf_aws_ecr.policy.repository_policy import (
    POLICY_SIZE_GUARD_CONDITION,
    POLICY_SIZE_GUARD_MESSAGE,
    SOURCE_GUARD_CONDITION,
    SOURCE_GUARD_MESSAGE,
    WILDCARD_GUARD_CONDITION,
    WILDCARD_GUARD_MESSAGE,
)
from devtools import terraform as tf

OTHER_ACCOUNT = "210987654321"
ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/deployer"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:thumbnailer"
ORG = "o-a1b2c3d4e5"
OU_TREE = f"{ORG}/r-ab12/ou-ab12-22222222/*"

# Written out rather than imported, so a change in the library shows up here.
PULL = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
PUSH = PULL + ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]
LOGIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowRegistryLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    ],
}
GUARDS = {
    "wildcard": {"condition": WILDCARD_GUARD_CONDITION, "error_message": WILDCARD_GUARD_MESSAGE},
    "source": {"condition": SOURCE_GUARD_CONDITION, "error_message": SOURCE_GUARD_MESSAGE},
    "size": {"condition": POLICY_SIZE_GUARD_CONDITION, "error_message": POLICY_SIZE_GUARD_MESSAGE},
}


def aws(sid: str, actions: List[str], identifiers: List[str]) -> Dict[str, Any]:
    return {"sid": sid, "effect": "Allow", "actions": actions,
            "principals": [{"type": "AWS", "identifiers": identifiers}]}


def document_of(synth: Dict[str, Any]) -> Dict[str, Any]:
    return only(synth["data"]["aws_iam_policy_document"])


def statements_of(stack: TerraformStack) -> List[Dict[str, Any]]:
    return document_of(synth_json(stack))["statement"]


# --------------------------------------------------------------------------- each grantee kind


def test_an_iam_principal_arn_and_an_account_id(stack: TerraformStack) -> None:
    # GIVEN a repository built with no principals
    repository = Repository(stack, "repo", name="svc")
    assert repository.policy_document is None and repository.repository_policy is None
    # WHEN a role ARN of another account may pull and an account may push
    repository.grant_pull(ROLE)
    repository.grant_push(ACCOUNT)
    synth = synth_json(stack)
    # THEN the seed's two statements hold them, with no guard (nothing is a token)
    assert document_of(synth) == {
        "statement": [aws("AllowPull", PULL, [ROLE]), aws("AllowPush", PUSH, [ACCOUNT])]
    }
    # AND the grant created the repository policy, at the name-based address, with its
    # replacement trigger; and no identity policy (no construct was granted)
    assert synth["resource"]["aws_ecr_repository_policy"] == {
        "svc": {
            "repository": "${aws_ecr_repository.svc.name}",
            "policy": "${data.aws_iam_policy_document.svc.json}",
            "lifecycle": {"replace_triggered_by": ["aws_ecr_repository.svc.arn"]},
        }
    }
    assert not {"aws_iam_role_policy", "aws_iam_user_policy"} & set(synth["resource"])
    assert repository.policy_document is not None and repository.repository_policy is not None


def test_a_role_and_a_user_of_the_same_stack_also_get_the_login_policy(stack: TerraformStack) -> None:
    # GIVEN a role and a user of the repository's stack
    role = IamRole(stack, "ci", assume_role_policy="{}")
    user = IamUser(stack, "deployer", name="deployer")
    repository = Repository(stack, "repo", name="svc")
    # WHEN the role may push and the user may pull
    repository.grant_push(role)
    repository.grant_pull(user)
    synth = synth_json(stack)
    # THEN the statements reference their ARNs, guarded by Terraform (tokens)
    assert document_of(synth) == {
        "statement": [
            aws("AllowPull", PULL, ["${aws_iam_user.deployer.arn}"]),
            aws("AllowPush", PUSH, ["${aws_iam_role.ci.arn}"]),
        ],
        "lifecycle": {"postcondition": [GUARDS["wildcard"], GUARDS["size"]]},
    }
    # AND each can log in to the registry: an inline policy allowing ecr:GetAuthorizationToken
    (role_policy,) = resources_of(synth, "aws_iam_role_policy").items()
    (user_policy,) = resources_of(synth, "aws_iam_user_policy").items()
    assert role_policy[0] == "ci_registry_login" and user_policy[0] == "deployer_registry_login"
    assert {k: v for k, v in role_policy[1].items() if k != "policy"} == {
        "name": "ecr-registry-login", "role": "${aws_iam_role.ci.name}"
    }
    assert {k: v for k, v in user_policy[1].items() if k != "policy"} == {
        "name": "ecr-registry-login", "user": "${aws_iam_user.deployer.name}"
    }
    assert json.loads(role_policy[1]["policy"]) == json.loads(user_policy[1]["policy"]) == LOGIN_POLICY


def test_a_lambda_function_by_source_arn_and_a_service_by_source_account(stack: TerraformStack) -> None:
    repository = Repository(stack, "repo", name="svc")
    # WHEN a function may pull (Lambda pulls as the service) and a service of an account may push
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION]))
    repository.grant_push(ServicePrincipal("codebuild.amazonaws.com", source_accounts=[ACCOUNT]))
    # THEN each statement names the service and is limited to the given source
    assert statements_of(stack) == [
        {
            "sid": "AllowPullLambdaBySourceArn",
            "effect": "Allow",
            "actions": PULL,
            "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
            "condition": [{"test": "ArnLike", "variable": "aws:SourceArn", "values": [FUNCTION]}],
        },
        {
            "sid": "AllowPushCodebuildBySourceAccount",
            "effect": "Allow",
            "actions": PUSH,
            "principals": [{"type": "Service", "identifiers": ["codebuild.amazonaws.com"]}],
            "condition": [{"test": "StringEquals", "variable": "aws:SourceAccount", "values": [ACCOUNT]}],
        },
    ]


def test_an_organization_and_its_units(stack: TerraformStack) -> None:
    repository = Repository(stack, "repo", name="svc")
    # WHEN the whole organization may pull, and an OU tree may push
    repository.grant_pull(OrganizationPrincipal(ORG))
    repository.grant_push(OrganizationPrincipal(ORG, ou_paths=[OU_TREE]))
    synth = synth_json(stack)
    # THEN principal "*" appears only with aws:PrincipalOrgID (and aws:PrincipalOrgPaths)
    everyone = [{"type": "*", "identifiers": ["*"]}]
    org_id = {"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": [ORG]}
    assert document_of(synth) == {
        "statement": [
            {"sid": "AllowPullOrganization", "effect": "Allow", "actions": PULL,
             "principals": everyone, "condition": [org_id]},
            {"sid": "AllowPushOrganization", "effect": "Allow", "actions": PUSH,
             "principals": everyone,
             "condition": [org_id, {"test": "ForAnyValue:StringLike",
                                    "variable": "aws:PrincipalOrgPaths", "values": [OU_TREE]}]},
        ]
    }  # no guard: every value is known, and "*" is confined by the condition


def test_pull_push_is_push(stack: TerraformStack) -> None:
    repository = Repository(stack, "repo", name="svc", push_principal_arns=[ACCOUNT])
    repository.grant_pull_push(ROLE)
    assert statements_of(stack) == [aws("AllowPush", PUSH, [ACCOUNT, ROLE])]


def test_seed_keywords_and_grants_share_one_document_seed_first(stack: TerraformStack) -> None:
    # GIVEN the seed keywords, then grants of the same access levels
    repository = Repository(stack, "repo", name="svc", pull_principal_arns=[ROLE, OTHER_ACCOUNT],
                            push_principal_arns=[ROLE])
    repository.grant_pull(ACCOUNT)
    repository.grant_pull(ROLE)  # already there: changes nothing
    repository.grant_push(OTHER_ACCOUNT)
    # THEN one document: the seed's principals in their order, then the granted ones
    assert statements_of(stack) == [
        aws("AllowPull", PULL, [ROLE, OTHER_ACCOUNT, ACCOUNT]),
        aws("AllowPush", PUSH, [ROLE, OTHER_ACCOUNT]),
    ]


def test_statements_of_your_own_come_last_in_the_order_added(stack: TerraformStack) -> None:
    repository = Repository(stack, "repo", name="svc")
    # WHEN a typed statement and a provider struct are added, and a grant after them
    repository.add_to_resource_policy(
        PolicyStatement(sid="DenyPlainHttp", effect="Deny", principals={"*": ["*"]}, actions=["ecr:*"],
                        conditions=[Condition("Bool", "aws:SecureTransport", ["false"])])
    )
    repository.add_to_resource_policy(
        DataAwsIamPolicyDocumentStatement(
            sid="AuditorsDescribe",
            principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=[OTHER_ACCOUNT])],
            actions=["ecr:DescribeImages"],
            condition=[DataAwsIamPolicyDocumentStatementCondition(
                test="StringEquals", variable="aws:PrincipalOrgID", values=[ORG])],
        )
    )
    repository.grant_pull(ROLE)
    # THEN the grant's statement comes first, then the two in the order added, under their Sids
    assert statements_of(stack) == [
        aws("AllowPull", PULL, [ROLE]),
        {"sid": "DenyPlainHttp", "effect": "Deny", "actions": ["ecr:*"],
         "principals": [{"type": "*", "identifiers": ["*"]}],
         "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]},
        {"sid": "AuditorsDescribe", "effect": "Allow", "actions": ["ecr:DescribeImages"],
         "principals": [{"type": "AWS", "identifiers": [OTHER_ACCOUNT]}],
         "condition": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": [ORG]}]},
    ]


@pytest.mark.terraform
def test_every_grantee_kind_together_is_valid_terraform(stack: TerraformStack, terraform_available: str) -> None:
    # GIVEN every kind in one policy, with a list token from the seed keyword beside grants
    pullers = TerraformVariable(stack, "pullers", type="list(string)").list_value
    role = IamRole(stack, "ci", assume_role_policy="{}")
    repository = Repository(stack, "repo", name="svc", pull_principal_arns=pullers)
    repository.grant_pull(ROLE)
    repository.grant_push(role)
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION],
                                           source_accounts=[ACCOUNT]))
    repository.grant_pull(OrganizationPrincipal(ORG, ou_paths=[OU_TREE]))
    repository.add_to_resource_policy(
        PolicyStatement(sid="DenyPlainHttp", effect="Deny", principals={"*": ["*"]}, actions=["ecr:*"],
                        conditions=[Condition("Bool", "aws:SecureTransport", ["false"])])
    )
    document = document_of(synth_json(stack))
    # THEN the lazily produced statements arrive whole (the list token joined by concat)
    assert [s["sid"] for s in document["statement"]] == [
        "AllowPull", "AllowPush", "AllowPullLambdaBySourceArnAndAccount", "AllowPullOrganization",
        "DenyPlainHttp",
    ]
    assert document["statement"][0]["principals"] == [
        {"type": "AWS", "identifiers": f'${{concat(var.pullers, ["{ROLE}"])}}'}
    ]
    # AND terraform validate accepts the data source's blocks and the guards
    assert Testing.to_be_valid_terraform(Testing.full_synth(stack))


# --------------------------------------------------------------------------- order


def _grants() -> List[Tuple[str, Callable[[TerraformStack], Any]]]:
    """Grants of every kind, each building its grantee in the stack it is given."""
    return [
        ("pull ROLE", lambda s: ("grant_pull", ROLE)),
        ("push account", lambda s: ("grant_push", ACCOUNT)),
        ("push role", lambda s: ("grant_push", s.node.find_child("ci"))),
        ("pull user", lambda s: ("grant_pull", s.node.find_child("deployer"))),
        ("pull lambda", lambda s: ("grant_pull", ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION]))),
        ("pull other lambda", lambda s: ("grant_pull", ServicePrincipal(
            "lambda.amazonaws.com", source_arns=[f"{FUNCTION}-v2"]))),
        ("pull org", lambda s: ("grant_pull", OrganizationPrincipal(ORG))),
        ("push OU", lambda s: ("grant_push", OrganizationPrincipal(ORG, ou_paths=[OU_TREE]))),
        ("pull-push role", lambda s: ("grant_pull_push", s.node.find_child("ci"))),
    ]


def new_stack() -> TerraformStack:
    """A stack of an app of its own (repository names are unique per registry and app)."""
    stack = TerraformStack(Testing.app(), "s")
    AwsProvider(stack, "aws", region="us-east-1")
    return stack


def _synth_in_order(order: List[int], *, identities_first: bool) -> str:
    stack = new_stack()
    if identities_first:
        IamRole(stack, "ci", assume_role_policy="{}")
        IamUser(stack, "deployer", name="deployer")
    repository = Repository(stack, "repo", name="svc")
    if not identities_first:  # created after the repository, read when granted
        IamUser(stack, "deployer", name="deployer")
        IamRole(stack, "ci", assume_role_policy="{}")
    grants = _grants()
    for index in order:
        method, grantee = grants[index][1](stack)
        getattr(repository, method)(grantee)
    return json.dumps(
        {key: value for key, value in synth_json(stack).items() if key in ("data", "resource", "moved")},
        sort_keys=True,
    )


def test_grants_in_any_order_synthesize_the_same_stack() -> None:
    count = len(_grants())
    shuffled = random.Random(20241125)
    orders = [list(range(count)), list(reversed(range(count)))]
    orders += [shuffled.sample(range(count), count) for _ in range(4)]
    # WHEN the same grants are made in six orders, with identities created before or after
    outputs = {
        _synth_in_order(order, identities_first=i % 2 == 0) for i, order in enumerate(orders)
    }
    # THEN every stack is the same, byte for byte
    assert len(outputs) == 1
    synth = json.loads(outputs.pop())
    assert [s["sid"] for s in document_of(synth)["statement"]] == [
        "AllowPull", "AllowPush", "AllowPullLambdaBySourceArn", "AllowPullOrganization",
        "AllowPushOrganization",
    ]


def test_a_grant_made_before_the_stack_has_its_provider_is_the_same() -> None:
    # GIVEN a grant made before the stack has its provider
    early = TerraformStack(Testing.app(), "early")
    repository = Repository(early, "repo", name="svc")
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION]))
    AwsProvider(early, "aws", region="us-east-1")
    # AND the same made last
    late = new_stack()
    Repository(late, "repo", name="svc").grant_pull(
        ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION])
    )
    # THEN both synthesize the same document
    assert document_of(synth_json(early)) == document_of(synth_json(late))


# --------------------------------------------------------------------------- login policies


def test_the_login_policy_is_one_per_identity_whatever_grants_it(stack: TerraformStack) -> None:
    # GIVEN a role and a user, granted on three repositories, one nested, several times each
    role = IamRole(stack, "ci", assume_role_policy="{}")
    user = IamUser(stack, "deployer", name="deployer")
    team = Construct(stack, "team")
    repositories = [Repository(team, "api", name="team/api"), Repository(stack, "web", name="web"),
                    Repository(stack, "jobs", name="jobs")]
    repositories[0].grant_pull(role)
    repositories[1].grant_push(role)
    repositories[2].grant_pull_push(role)
    repositories[2].grant_pull(role)
    for repository in repositories:
        repository.grant_pull(user)
    synth = synth_json(stack)
    # THEN each identity has exactly one login policy, named after the identity
    assert list(resources_of(synth, "aws_iam_role_policy")) == ["ci_registry_login"]
    assert list(resources_of(synth, "aws_iam_user_policy")) == ["deployer_registry_login"]
    # AND it is the resource grant_registry_login returns, which lives in the identity's subtree
    policy = grant_registry_login(role)
    assert policy.node.path == f"{stack.node.path}/ci/cdktf-aws-ecr-registry-login"
    assert grant_registry_login(role) is policy


def test_a_resource_of_your_own_at_the_login_policys_address_is_refused_at_synth(stack: TerraformStack) -> None:
    # GIVEN a granted role, and an inline policy of your own whose construct id is the
    # login policy's address (made after the grant, so only synth can see it)
    role = IamRole(stack, "ci", name="ci", assume_role_policy="{}")
    Repository(stack, "repo", name="svc").grant_pull(role)
    IamRolePolicy(stack, "ci_registry_login", role=role.name, name="my-own-policy", policy="{}")
    # WHEN the stack is synthesized  THEN it is refused, naming the role and the other resource,
    # rather than writing only one of the two
    error = synth_error(stack)
    assert (error.parameter, error.value) == ("address", "aws_iam_role_policy.ci_registry_login")
    policy = f"{stack.node.path}/ci/cdktf-aws-ecr-registry-login"
    assert str(error).startswith(f"{policy}: address=")
    assert (
        f"is written for '{policy}' and also for '{stack.node.path}/ci_registry_login' "
        "(your IamRolePolicy)"
    ) in error.problem


def test_resources_at_other_addresses_or_of_other_types_do_not_collide(stack: TerraformStack) -> None:
    # GIVEN a granted role and user, a user policy with the role's login id, and a role
    # policy whose construct id is the role's login id but whose address is another
    role = IamRole(stack, "ci", name="ci", assume_role_policy="{}")
    user = IamUser(stack, "deployer", name="deployer")
    repository = Repository(stack, "repo", name="svc")
    repository.grant_pull(role)
    repository.grant_pull(user)
    IamUserPolicy(stack, "ci_registry_login", user=user.name, name="other", policy="{}")
    renamed = IamRolePolicy(Construct(stack, "team"), "ci_registry_login", role=role.name,
                            name="other", policy="{}")
    synth = synth_json(stack)
    # THEN everything is written, the library's policies at their addresses
    assert set(resources_of(synth, "aws_iam_role_policy")) == {
        "ci_registry_login", stack.get_logical_id(renamed)
    }
    assert set(resources_of(synth, "aws_iam_user_policy")) == {
        "ci_registry_login", "deployer_registry_login"
    }


def test_a_move_from_the_login_policys_own_address_is_skipped(stack: TerraformStack) -> None:
    # GIVEN docs/access.md's role `ci_build`, whose login policy is aws_iam_role_policy.ci_build_registry_login
    ci_build = IamRole(stack, "ci_build", name="ci", assume_role_policy="{}")
    Repository(stack, "repo", name="svc").grant_push(ci_build)
    # WHEN code moves its own old policy into the library's, from that same address and another
    grant_registry_login(ci_build).move_from_id("aws_iam_role_policy.ci_build_registry_login")
    grant_registry_login(ci_build).move_from_id("aws_iam_role_policy.ci_build_login")
    # THEN only the real move is written: Terraform refuses a move onto the same address
    moves = [m for m in synth_json(stack)["moved"] if m["to"].startswith("aws_iam_role_policy.")]
    assert moves == [
        {"from": "aws_iam_role_policy.ci_build_login", "to": "aws_iam_role_policy.ci_build_registry_login"}
    ]


def test_the_login_policy_uses_the_identitys_provider(stack: TerraformStack) -> None:
    # GIVEN a role on an aliased provider, granted by a repository on the default one
    other = AwsProvider(stack, "other", region="eu-west-1", alias="other")
    role = IamRole(stack, "ci", assume_role_policy="{}", provider=other)
    Repository(stack, "repo", name="svc").grant_pull(role)
    # THEN its policy is managed through the role's provider
    policy = only(resources_of(synth_json(stack), "aws_iam_role_policy"))
    assert policy["provider"] == "aws.other"


def test_identities_that_are_not_this_stacks_resources_get_no_login_policy(stack: TerraformStack) -> None:
    # GIVEN an existing role (a data source) and an ARN string
    existing = DataAwsIamRole(stack, "existing", name="existing")
    repository = Repository(stack, "repo", name="svc")
    repository.grant_pull(existing)
    repository.grant_push(ROLE)
    synth = synth_json(stack)
    # THEN the statements name them, and no identity policy is written
    assert document_of(synth)["statement"] == [
        aws("AllowPull", PULL, ["${data.aws_iam_role.existing.arn}"]),
        aws("AllowPush", PUSH, [ROLE]),
    ]
    assert not {"aws_iam_role_policy", "aws_iam_user_policy"} & set(synth["resource"])


def test_a_role_of_another_stack_gets_the_statement_through_a_cross_stack_reference(tmp_path: Path) -> None:
    # GIVEN a role in an "identities" stack, granted by a repository in a "registry" stack
    app = App(outdir=str(tmp_path))
    identities, registry = TerraformStack(app, "identities"), TerraformStack(app, "registry")
    for stack in (identities, registry):
        AwsProvider(stack, "aws", region="us-east-1")
    role = IamRole(identities, "ci", assume_role_policy="{}")
    Repository(registry, "repo", name="svc").grant_push(role)
    app.synth()
    synth = {name: json.loads((tmp_path / "stacks" / name / "cdk.tf.json").read_text())
             for name in ("identities", "registry")}
    # THEN cdktf exports the role's ARN from its stack and reads it from that stack's state
    output = "cross-stack-output-aws_iam_roleciarn"
    assert synth["identities"]["output"] == {output: {"sensitive": True, "value": "${aws_iam_role.ci.arn}"}}
    remote = "data.terraform_remote_state.cross-stack-reference-input-identities"
    assert document_of(synth["registry"])["statement"] == [
        aws("AllowPush", PUSH, [f"${{{remote}.outputs.{output}}}"])
    ]
    # AND neither stack holds a login policy: it belongs in the role's stack, where
    # grant_registry_login(role) puts it on request
    for body in synth.values():
        assert "aws_iam_role_policy" not in body.get("resource", {})
    assert grant_registry_login(role).node.path == "identities/ci/cdktf-aws-ecr-registry-login"


# --------------------------------------------------------------------------- Terraform's checks and text


def test_a_service_source_only_known_at_apply_gets_the_source_guard(stack: TerraformStack) -> None:
    # GIVEN a Lambda grant limited to a function whose ARN is a variable
    function = TerraformVariable(stack, "function_arn", type="string").string_value
    repository = Repository(stack, "repo", name="svc")
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_arns=[function]))
    # THEN Terraform checks the source before any policy is written (and the length)
    assert document_of(synth_json(stack))["lifecycle"] == {
        "postcondition": [GUARDS["source"], GUARDS["size"]]
    }


def test_plain_sources_need_no_source_guard(stack: TerraformStack) -> None:
    # GIVEN service grants and a statement of your own whose sources are all plain values
    repository = Repository(stack, "repo", name="svc")
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_arns=[FUNCTION]))
    repository.add_to_resource_policy(PolicyStatement(
        sid="BuildsPull", principals={"Service": ["codebuild.amazonaws.com"]}, actions=PULL,
        conditions=[Condition("StringEquals", "aws:SourceAccount", [ACCOUNT])]))
    # THEN the document carries no guard at all
    assert "lifecycle" not in document_of(synth_json(stack))


@pytest.mark.terraform
@pytest.mark.e2e
def test_a_source_only_known_at_apply_cannot_open_the_repository_to_every_account(
    local_aws: Any, tmp_path: Path
) -> None:
    # GIVEN a Lambda grant whose function ARN is a variable, and a statement of your own
    # limiting a service by a source account that is a variable
    app, stack = stack_on_disk(tmp_path, "sources")
    function = TerraformVariable(stack, "function_arn", type="string").string_value
    account = TerraformVariable(stack, "source_account", type="string").string_value
    Repository(stack, "functions", name="functions").grant_pull(
        ServicePrincipal("lambda.amazonaws.com", source_arns=[function]))
    Repository(stack, "builds", name="builds").add_to_resource_policy(PolicyStatement(
        sid="BuildsPull", principals={"Service": ["codebuild.amazonaws.com"]}, actions=PULL,
        conditions=[Condition("StringLike", "aws:SourceAccount", [account])]))
    app.synth()
    directory = tmp_path / "stacks" / "sources"
    env = local_aws.environ()
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    good = {"function_arn": FUNCTION, "source_account": ACCOUNT}
    bad = [
        ("function_arn", "arn:aws:lambda:*:*:function:*"),  # every account's functions
        ("function_arn", f"arn:aws:lambda:us-east-1:{ACCOUNT[:11]}?:function:f"),
        ("function_arn", "arn:aws:lambda:us-east-1::function:f"),  # no account at all
        ("source_account", "*"),
        ("source_account", ""),
    ]
    # WHEN terraform plans with each
    fine, *refused = plans(directory, env, [good] + [{**good, name: value} for name, value in bad])
    # THEN named functions and accounts plan
    assert fine.returncode == 0, fine.stdout + fine.stderr
    # AND a wildcard or missing account stops the plan, before anything exists, with our message
    for (name, value), result in zip(bad, refused):
        output = " ".join((result.stdout + result.stderr).split())
        assert result.returncode == 1, (name, value, output[-2000:])
        assert SOURCE_GUARD_MESSAGE in output, (name, value, output[-2000:])
        assert output.count("Resource postcondition failed") == 1, (name, value)


@pytest.mark.terraform
@pytest.mark.e2e
def test_an_iam_policy_variable_in_a_condition_reaches_the_policy_as_written(
    local_aws: Any, tmp_path: Path
) -> None:
    # GIVEN a statement of your own comparing the caller's tag with the repository's, through
    # IAM policy variables (and a value that looks like a Terraform directive)
    app, stack = stack_on_disk(tmp_path, "variables")
    values = ["${aws:ResourceTag/team}", "%{team}"]
    Repository(stack, "repo", name="svc").add_to_resource_policy(PolicyStatement(
        sid="TeamPull", principals={"AWS": [ACCOUNT]}, actions=PULL,
        conditions=[Condition("StringEquals", "aws:PrincipalTag/team", values)]))
    app.synth()
    directory = tmp_path / "stacks" / "variables"
    written = json.loads((directory / "cdk.tf.json").read_text())
    # THEN Terraform JSON spells them escaped
    assert document_of(written)["statement"][0]["condition"] == [
        {"test": "StringEquals", "variable": "aws:PrincipalTag/team",
         "values": ["$${aws:ResourceTag/team}", "%%{team}"]}
    ]
    # AND terraform validates the stack
    env = local_aws.environ()
    tf.run(["init", "-input=false", "-no-color"], directory, env)
    assert json.loads(tf.run(["validate", "-json", "-no-color"], directory, env).stdout)["valid"]
    # AND the policy terraform plans for ECR holds them as written
    tf.run(["plan", "-input=false", "-no-color", "-lock=false", "-out=plan.bin"], directory, env)
    shown = json.loads(tf.run(["show", "-json", "plan.bin"], directory, env).stdout)
    (policy,) = [
        change["change"]["after"]["policy"]
        for change in shown["resource_changes"]
        if change["type"] == "aws_ecr_repository_policy"
    ]
    assert json.loads(policy)["Statement"] == [{
        "Sid": "TeamPull", "Effect": "Allow", "Action": PULL, "Principal": {"AWS": ACCOUNT},
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": values}},
    }]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "grantee, fragment",
    [
        ("*", "is a wildcard principal; to grant a whole organization, use OrganizationPrincipal"),
        ("arn:aws:iam::*:root", "is a wildcard principal"),
        (f"arn:aws:iam::{ACCOUNT}:role/*", "is a wildcard principal"),
        ("12345678901", "is not an IAM principal ARN or account ID"),
        (FUNCTION, "Lambda pulls as the service: grant ServicePrincipal('lambda.amazonaws.com'"),
        (42, "is an int"),
        (None, "is a NoneType"),
    ],
)
@pytest.mark.parametrize("method", ["grant_pull", "grant_push", "grant_pull_push"])
def test_bad_grantees_are_refused_and_change_nothing(
    stack: TerraformStack, method: str, grantee: Any, fragment: str
) -> None:
    repository = Repository(stack, "repo", name="svc")
    error = assert_refused(lambda: getattr(repository, method)(grantee), "grantee", fragment)
    assert str(error).startswith(f"Repository '{stack.node.path}/repo': grantee=")
    # Nothing was added: no policy, and synth still works
    assert repository.policy_document is None
    assert "data" not in synth_json(stack)


def test_constructs_that_cannot_be_principals_are_refused(stack: TerraformStack) -> None:
    repository = Repository(stack, "repo", name="svc", pull_principal_arns=[ROLE])
    function = LambdaFunction(stack, "f", function_name="f", role=ROLE, package_type="Image", image_uri="x")
    assert_refused(lambda: repository.grant_pull(function), "grantee",
                   "is a aws_lambda_function, which is not an IAM principal",
                   "ServicePrincipal('lambda.amazonaws.com', source_arns=[function.arn])")
    group = IamGroup(stack, "g", name="g")
    assert_refused(lambda: repository.grant_push(group), "grantee", "is a aws_iam_group")
    # A role of another app would become a reference to a stack this app never writes
    elsewhere = TerraformStack(Testing.app(), "elsewhere")
    stranger = IamRole(elsewhere, "ci", assume_role_policy="{}")
    assert_refused(lambda: repository.grant_pull(stranger), "grantee", "is 'elsewhere/ci' of another cdktf App")
    # AND the policy still holds only the seed's principal, with no login policy anywhere
    synth = synth_json(stack)
    assert document_of(synth)["statement"] == [aws("AllowPull", PULL, [ROLE])]
    assert "aws_iam_role_policy" not in synth["resource"]


def test_a_service_principal_needs_a_source(stack: TerraformStack) -> None:
    assert_refused(lambda: ServicePrincipal("lambda.amazonaws.com"), "source_arns",
                   "the confused deputy problem")


@pytest.mark.parametrize(
    "statement, parameter, fragment",
    [
        (lambda: PolicyStatement(sid="Public", principals={"*": ["*"]}, actions=["ecr:BatchGetImage"]),
         "principals", "names '*' in an Allow statement without an organization or account condition"),
        (lambda: DataAwsIamPolicyDocumentStatement(
            sid="Public", actions=["ecr:BatchGetImage"],
            principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=["*"])]),
         "principals", "the repository would be public"),
        (lambda: {"sid": "Raw", "principals": {"AWS": [ROLE]}}, "statement",
         "a PolicyStatement or a DataAwsIamPolicyDocumentStatement"),
    ],
)
def test_the_escape_hatch_keeps_the_wildcard_rule(
    stack: TerraformStack, statement: Callable[[], Any], parameter: str, fragment: str
) -> None:
    repository = Repository(stack, "repo", name="svc")

    def add() -> None:
        repository.add_to_resource_policy(statement())

    assert_refused(add, parameter, fragment)
    assert repository.policy_document is None


def test_policy_wide_problems_are_refused_at_synth() -> None:
    # A Sid of your own that a grant also generates
    stack = new_stack()
    repository = Repository(stack, "repo", name="svc")
    repository.add_to_resource_policy(
        PolicyStatement(sid="AllowPull", principals={"AWS": [ACCOUNT]}, actions=["ecr:BatchGetImage"])
    )
    repository.grant_pull(ROLE)
    error = synth_error(stack)
    assert (error.parameter, error.problem) == ("statement.sid", "is used twice")
    # A grantee of another partition than the repository's region
    stack = new_stack()
    Repository(stack, "repo", name="svc").grant_pull("arn:aws-cn:iam::123456789012:role/ci")
    error = synth_error(stack)
    assert error.parameter == "statement 'AllowPull'"
    assert "region us-east-1 is in partition aws" in str(error)
    # A policy over ECR's 10,240 characters
    stack = new_stack()
    repository = Repository(stack, "repo", name="svc")
    for number in range(700):
        repository.grant_pull(f"{100000000000 + number}")
    error = synth_error(stack)
    assert error.parameter == "repository_policy" and "at most 10240 characters" in str(error)
    assert str(error).startswith(f"Repository '{stack.node.path}/repo': ")


def test_app_synth_raises_the_same_validation_error(tmp_path: Path) -> None:
    # App.synth resolves the lazy statements before the checks run; the error is still ours
    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "s")
    AwsProvider(stack, "aws", region="us-east-1")
    Repository(stack, "repo", name="svc").grant_pull("arn:aws-cn:iam::123456789012:role/ci")
    with pytest.raises(ValidationError) as caught:
        app.synth()
    assert caught.value.parameter == "statement 'AllowPull'"
    assert not (tmp_path / "stacks" / "s" / "cdk.tf.json").exists()


def test_grant_registry_login_refuses_what_cannot_log_in(stack: TerraformStack) -> None:
    existing = DataAwsIamRole(stack, "existing", name="existing")
    assert_refused(lambda: grant_registry_login(existing), "identity", "is not a role or user resource")
    assert_refused(lambda: grant_registry_login(ROLE), "identity", "is not a construct")
    assert_refused(lambda: grant_registry_login("*"), "identity", "is a wildcard principal")


# --------------------------------------------------------------------------- no escape (hypothesis)

_grantee_text = st.one_of(
    st.sampled_from(["*", "?", "arn:aws:iam::*:root", f"arn:aws:iam::{ACCOUNT}:role/*", ROLE, ACCOUNT,
                     OTHER_ACCOUNT, FUNCTION, ORG, f"{ORG}/*", " *", "${*}"]),
    st.text(alphabet="arn:aws:iam:123456789012:role/o- *?", min_size=1, max_size=40),
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    grants=st.lists(
        st.tuples(st.sampled_from(["grant_pull", "grant_push", "grant_pull_push"]), _grantee_text),
        max_size=4,
    ),
    principals=principals_strategy,
    conditions=conditions_strategy,
)
def test_no_sequence_of_calls_lets_an_outsider_in(
    grants: List[Tuple[str, str]], principals: Dict[str, List[str]], conditions: List[Any]
) -> None:
    # GIVEN a repository with an organization grant, and generated grants and a statement
    stack = new_stack()
    repository = Repository(stack, "repo", name="svc")
    repository.grant_pull(OrganizationPrincipal(ORG))
    for method, grantee in grants:
        try:
            getattr(repository, method)(grantee)
        except ValidationError as error:
            assert error.parameter == "grantee", error
    try:
        repository.add_to_resource_policy(
            PolicyStatement(sid="Generated", principals=principals, actions=PULL, conditions=conditions)
        )
    except ValidationError:
        pass  # refused: nothing reaches the policy
    try:
        synth = synth_json(stack)
    except ValidationError:
        return  # refused at synth (another partition, a Sid used twice): nothing is written
    # THEN no synthesized statement lets a principal outside the organization in
    for statement in document_of(synth)["statement"]:
        for context in OUTSIDERS:
            assert not _allows_outsider(statement, context), (statement, context)


# --------------------------------------------------------------------------- exclusive inline policies
# Applied three times, with empty plans after the first, in tests/e2e/test_exclusive_roles.py.


def test_a_role_with_inline_policy_blocks_gets_the_login_block_too(stack: TerraformStack) -> None:
    from cdktf_cdktf_provider_aws.iam_role import IamRoleInlinePolicy

    # GIVEN a role declaring its inline policies as blocks (Terraform deletes any other)
    role = IamRole(stack, "task", assume_role_policy="{}",
                   inline_policy=[IamRoleInlinePolicy(name="logs", policy="{}")])
    Repository(stack, "repo", name="svc").grant_pull(role)
    synth = synth_json(stack)
    # THEN the role lists the login policy among them, with the library's document
    blocks = resources_of(synth, "aws_iam_role")["task"]["inline_policy"]
    assert blocks == [{"name": "logs", "policy": "{}"},
                      {"name": "ecr-registry-login", "policy": REGISTRY_LOGIN_POLICY}]
    # AND a role without blocks is left as it was
    plain = IamRole(stack, "plain", assume_role_policy="{}")
    Repository(stack, "other", name="other").grant_pull(plain)
    assert "inline_policy" not in resources_of(synth_json(stack), "aws_iam_role")["plain"]


def test_an_exclusive_list_of_the_role_gets_the_login_policys_name(stack: TerraformStack) -> None:
    from cdktf_cdktf_provider_aws.iam_role_policies_exclusive import IamRolePoliciesExclusive

    # GIVEN roles named by aws_iam_role_policies_exclusive, by .name, by .id and by literal name,
    # and one for another role
    roles = [IamRole(stack, f"r{i}", name=f"role-{i}", assume_role_policy="{}") for i in range(4)]
    IamRolePoliciesExclusive(stack, "by_name", role_name=roles[0].name, policy_names=["a"])
    IamRolePoliciesExclusive(stack, "by_id", role_name=roles[1].id, policy_names=[])
    IamRolePoliciesExclusive(stack, "by_literal", role_name="role-2", policy_names=["b"])
    IamRolePoliciesExclusive(stack, "another", role_name=roles[3].name, policy_names=["c"])
    repository = Repository(stack, "repo", name="svc")
    for role in roles[:3]:
        repository.grant_pull(role)
    exclusive = resources_of(synth_json(stack), "aws_iam_role_policies_exclusive")
    # THEN each exclusive list of a granted role names the login policy, by a reference (the list
    # then waits for the policy it lists), and the other is untouched
    login = "${aws_iam_role_policy.r%d_registry_login.name}"
    assert {k: v["policy_names"] for k, v in exclusive.items()} == {
        "by_name": ["a", login % 0], "by_id": [login % 1],
        "by_literal": ["b", login % 2], "another": ["c"],
    }


def test_an_exclusive_list_given_as_a_token_is_refused(stack: TerraformStack) -> None:
    from cdktf_cdktf_provider_aws.iam_role_policies_exclusive import IamRolePoliciesExclusive

    role = IamRole(stack, "task", name="task", assume_role_policy="{}")
    names = TerraformVariable(stack, "names", type="list(string)")
    IamRolePoliciesExclusive(stack, "only", role_name=role.name, policy_names=names.list_value)
    Repository(stack, "repo", name="svc").grant_pull(role)
    error = synth_error(stack)
    assert (error.parameter, error.value) == ("identity", f"{stack.node.path}/task")
    assert f"managed exclusively by policy_names of '{stack.node.path}/only', an unresolved token" in (
        error.problem
    )
    assert "Give a plain list there, which the library extends with 'ecr-registry-login'" in error.problem
