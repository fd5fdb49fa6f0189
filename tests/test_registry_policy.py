"""Registry policy statements and their rendering: GIVEN / WHEN / THEN."""

from __future__ import annotations

import json

from refusals import assert_refused

from cdktf_aws_ecr.enums import RegistryPolicyScope
from cdktf_aws_ecr.policy.statement import Condition, PolicyStatement
from cdktf_aws_ecr.registry.registry_policy import (
    organization_pull_through_cache_statement,
    registry_policy_json,
    registry_policy_statement,
    replication_source_statement,
)

ACCOUNT = "111111111111"
SOURCE = "222222222222"
ORG = "o-abcdefghij"


def org_statement(*prefixes: str, region: str = "us-east-1") -> PolicyStatement:
    return organization_pull_through_cache_statement(
        ORG, region=region, account_id=ACCOUNT, ecr_repository_prefixes=list(prefixes)
    )


def test_replication_source_policy_is_exact_json() -> None:
    # GIVEN a destination registry in eu-west-1 that a source account replicates into
    statement = replication_source_statement(SOURCE, "eu-west-1", ACCOUNT)
    # WHEN its registry policy is rendered
    text = registry_policy_json([statement])
    # THEN it is compact, sorted JSON allowing exactly replication and repository creation
    assert text == (
        '{"Statement":[{"Action":["ecr:CreateRepository","ecr:ReplicateImage"],'
        '"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root"]},'
        '"Resource":["arn:aws:ecr:eu-west-1:111111111111:repository/*"],'
        '"Sid":"AllowReplicationFrom222222222222"}],"Version":"2012-10-17"}'
    )


def test_replication_statement_uses_the_destination_partition() -> None:
    statement = replication_source_statement(SOURCE, "cn-north-1", ACCOUNT)
    assert statement.document()["Resource"] == [
        "arn:aws-cn:ecr:cn-north-1:111111111111:repository/*"
    ]
    assert statement.principals == {"AWS": ("arn:aws-cn:iam::222222222222:root",)}


def test_organization_pull_through_cache_statement() -> None:
    # GIVEN pull-through cache rules "docker-hub" and "quay/" (trailing slash)
    # WHEN the organization statement is built
    statement = org_statement("quay/", "docker-hub")
    # THEN principal "*" is limited to the organization, on the cache namespaces only
    assert statement.document() == {
        "Sid": "AllowOrganizationPullThroughCache",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        "Resource": [
            "arn:aws:ecr:us-east-1:111111111111:repository/docker-hub/*",
            "arn:aws:ecr:us-east-1:111111111111:repository/quay/*",
        ],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-abcdefghij"]}},
    }


def test_a_root_pull_through_cache_rule_covers_every_repository() -> None:
    statement = org_statement("docker-hub", "ROOT")
    assert statement.resources == ("arn:aws:ecr:us-east-1:111111111111:repository/*",)


def test_statements_render_in_sid_order_whatever_the_input_order() -> None:
    # GIVEN two statements
    replication = replication_source_statement(SOURCE, "us-east-1", ACCOUNT)
    pull_through = org_statement("docker-hub")
    # WHEN rendered in both orders
    one = registry_policy_json([replication, pull_through])
    other = registry_policy_json([pull_through, replication])
    # THEN the text is identical, statements sorted by Sid
    assert one == other
    assert [s["Sid"] for s in json.loads(one)["Statement"]] == [
        "AllowOrganizationPullThroughCache",
        "AllowReplicationFrom222222222222",
    ]


def test_wildcard_principal_with_an_org_path_condition_is_allowed() -> None:
    statement = registry_policy_statement(
        sid="OrgUnit",
        actions=["ecr:CreateRepository"],
        resources=["arn:aws:ecr:us-east-1:111111111111:repository/*"],
        principals={"*": ["*"]},
        conditions=[
            Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-abcdefghij/r-ab12/*"])
        ],
    )
    assert statement.document()["Condition"] == {
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-abcdefghij/r-ab12/*"]}
    }


def test_v1_scope_accepts_the_three_registry_actions() -> None:
    text = registry_policy_json(
        [org_statement("docker-hub"), replication_source_statement(SOURCE, "us-east-1", ACCOUNT)],
        scope=RegistryPolicyScope.V1,
    )
    assert json.loads(text)["Version"] == "2012-10-17"


# --- refusals -----------------------------------------------------------------------


def statement(**overrides: object) -> PolicyStatement:
    arguments: dict = {
        "sid": "Custom",
        "actions": ["ecr:BatchGetImage"],
        "resources": ["arn:aws:ecr:us-east-1:111111111111:repository/*"],
        "principals": {"AWS": [f"arn:aws:iam::{SOURCE}:root"]},
    }
    arguments.update(overrides)
    return registry_policy_statement(**arguments)


def test_wildcard_principal_without_an_organization_condition_is_refused() -> None:
    # The messages are the repository policy's: one statement model, one rule.
    assert_refused(
        lambda: statement(principals={"*": ["*"]}),
        "principals",
        "names '*' in an Allow statement without an organization or account condition",
        "the repositories it names would be public",
        "aws:PrincipalOrgID",
    )
    assert_refused(
        lambda: statement(
            principals={"*": ["*"]},
            conditions=[Condition("StringEquals", "aws:SourceAccount", [SOURCE])],
        ),
        "principals",
        "without an organization or account condition",
    )
    assert_refused(
        lambda: statement(
            principals={"*": ["*"]},
            conditions=[Condition("StringNotEquals", "aws:PrincipalOrgID", [ORG])],
        ),
        "principals",
        "does not confine it to an organization",
    )
    assert_refused(
        lambda: statement(
            principals={"*": ["*"]},
            conditions=[Condition("StringLike", "aws:PrincipalOrgID", ["o-*"])],
        ),
        "principals",
        "does not confine it to an organization",
    )
    assert_refused(
        lambda: statement(
            principals={"AWS": ["*", f"arn:aws:iam::{SOURCE}:root"]},
            conditions=[Condition("StringEquals", "aws:PrincipalOrgID", [ORG])],
        ),
        "principals",
        "mixes '*' with other principals",
    )


def test_wildcards_inside_principals_and_actions_are_refused() -> None:
    assert_refused(
        lambda: statement(principals={"AWS": ["arn:aws:iam::*:root"]}),
        "principals['AWS']",
        "wildcards in part of a principal",
    )
    assert_refused(lambda: statement(principals={}), "principals", "is empty")
    assert_refused(lambda: statement(actions=["ecr:*"]), "actions", "holds 'ecr:*'")
    assert_refused(lambda: statement(actions=[]), "actions", "non-empty list")
    assert_refused(
        lambda: statement(resources=["arn:aws:s3:::bucket"]), "resources", "holds 'arn:aws:s3:::bucket'"
    )
    assert_refused(lambda: statement(sid="Allow-Pull"), "sid", "ASCII letters and digits")
    assert_refused(
        lambda: statement(conditions=[Condition("StringEquals", "aws:PrincipalOrgID", ORG)]),
        "condition.values",
        "is a str, not a list",
    )
    assert_refused(
        lambda: statement(conditions=[("StringEquals", "aws:PrincipalOrgID", [ORG])]),
        "conditions",
        "a list of Condition",
    )


def test_organization_conditions_follow_the_repository_policy_rule() -> None:
    # GIVEN organization conditions the registry policy accepted before it shared the
    # repository policy's rule: a single-valued operator on the multivalued paths key, a
    # set operator on the single-valued ID key, a lowercased operator, a path with a
    # wildcard in its middle
    for condition in (
        Condition("StringEquals", "aws:PrincipalOrgPaths", [f"{ORG}/*"]),
        Condition("ForAnyValue:StringEquals", "aws:PrincipalOrgID", [ORG]),
        Condition("stringequals", "aws:PrincipalOrgID", [ORG]),
        Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", [f"{ORG}/*/*"]),
    ):
        # THEN each is refused now: none is looser than "confined to an organization",
        # and only the exact shapes are accepted
        assert_refused(
            lambda: statement(principals={"*": ["*"]}, conditions=[condition]),
            "principals",
            "does not confine it to an organization",
        )
    # AND StringLike on a literal organization ID still confines
    allowed = statement(
        principals={"*": ["*"]}, conditions=[Condition("StringLike", "aws:PrincipalOrgID", [ORG])]
    )
    assert allowed.document()["Principal"] == "*"


def test_a_token_organization_path_or_like_id_does_not_confine() -> None:
    from cdktf import App, TerraformStack, TerraformVariable

    stack = TerraformStack(App(), "s")
    value = TerraformVariable(stack, "org", type="string").string_value
    # GIVEN values only known at apply under pattern operators (accepted before)
    for condition in (
        Condition("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", [value]),
        Condition("StringLike", "aws:PrincipalOrgID", [value]),
    ):
        # THEN refused: a token could resolve to a pattern matching every organization
        assert_refused(
            lambda: statement(principals={"*": ["*"]}, conditions=[condition]),
            "principals",
            "does not confine it to an organization",
        )
    # AND an exact StringEquals on a token organization ID still confines
    organization_pull_through_cache_statement(
        value, region="us-east-1", account_id=ACCOUNT, ecr_repository_prefixes=["docker-hub"]
    )


def test_the_registry_policy_renders_lists_where_a_repository_policy_renders_strings() -> None:
    # GIVEN one statement with a single action, principal and resource
    single = statement()
    # THEN the registry policy writes lists, the provider's rendering single strings
    assert json.loads(registry_policy_json([single]))["Statement"][0]["Action"] == [
        "ecr:BatchGetImage"
    ]
    assert single.document(single_values_as_strings=True)["Action"] == "ecr:BatchGetImage"
    assert single.document(single_values_as_strings=True)["Principal"] == {
        "AWS": f"arn:aws:iam::{SOURCE}:root"
    }


def test_policy_rendering_refusals() -> None:
    assert_refused(lambda: registry_policy_json([]), "statements", "non-empty list")
    assert_refused(
        lambda: registry_policy_json(
            [PolicyStatement(sid="NoResources", principals={"AWS": [SOURCE]}, actions=["ecr:X"])]
        ),
        "statements",
        "PolicyStatement with resources",
    )
    assert_refused(
        lambda: registry_policy_json([statement(), statement()]),
        "statements",
        "repeat ['Custom']",
    )
    assert_refused(
        lambda: registry_policy_json([statement()], scope=RegistryPolicyScope.V1),
        "statements",
        "['ecr:BatchGetImage']",
        "under REGISTRY_POLICY_SCOPE V1",
    )


def test_statement_builder_refusals() -> None:
    assert_refused(
        lambda: organization_pull_through_cache_statement(
            "123456789012", region="us-east-1", account_id=ACCOUNT, ecr_repository_prefixes=["x1"]
        ),
        "organization_id",
        "^o-[a-z0-9]{10,32}$",
    )
    assert_refused(lambda: org_statement(), "ecr_repository_prefixes", "non-empty list")
    assert_refused(
        lambda: replication_source_statement("2222", "us-east-1", ACCOUNT),
        "source_account_id",
        "12-digit",
    )
    assert_refused(
        lambda: replication_source_statement(SOURCE, "useast1", ACCOUNT),
        "destination_region",
        "region code",
    )


def test_a_token_region_needs_an_explicit_partition() -> None:
    # GIVEN a destination region that is only known at apply
    from cdktf import Fn

    region = Fn.lower("EU-WEST-1")
    # THEN the ARN partition must be given...
    assert_refused(
        lambda: replication_source_statement(SOURCE, region, ACCOUNT),
        "destination_region",
        "is a token, so the ARN partition is unknown",
    )
    # ...and with it the statement is built around the token
    built = replication_source_statement(SOURCE, region, ACCOUNT, partition="aws")
    assert built.resources == (f"arn:aws:ecr:{region}:111111111111:repository/*",)
