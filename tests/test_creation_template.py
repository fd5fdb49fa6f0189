"""Repository creation templates: checked inputs and resource arguments. GIVEN / WHEN / THEN."""

from __future__ import annotations

import json
from typing import Any

import pytest
from refusals import assert_refused

from cdktf_aws_ecr.enums import EncryptionType, ImageTagMutability
from cdktf_aws_ecr.framework import LINE
from cdktf_aws_ecr.json_text import compact_json as lifecycle_policy_json
from cdktf_aws_ecr.lifecycle.rules import assemble_lifecycle_policy, seed_lifecycle_rules
from cdktf_aws_ecr.registry.creation_template import AppliedFor, CreationTemplateSettings

REGION = "us-east-1"
ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-creation-templates"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/12345678-1234-1234-1234-123456789012"
LIFECYCLE = lifecycle_policy_json(assemble_lifecycle_policy(seed_lifecycle_rules(14, 30, ["v"])))
POLICY = json.dumps({"Version": "2012-10-17", "Statement": []})


def template(**kwargs: Any) -> CreationTemplateSettings:
    kwargs.setdefault("prefix", "docker-hub")
    kwargs.setdefault("applied_for", [AppliedFor.PULL_THROUGH_CACHE])
    kwargs.setdefault("region", REGION)
    kwargs.setdefault("account_id", ACCOUNT)
    return CreationTemplateSettings(**kwargs)


def test_defaults_are_immutable_tags_and_aes256() -> None:
    # GIVEN a template with only a prefix and a scenario
    # WHEN its arguments are rendered
    arguments = template().arguments()
    # THEN tags are immutable and encryption is AES256, stated explicitly
    assert arguments == {
        "prefix": "docker-hub",
        "applied_for": ["PULL_THROUGH_CACHE"],
        "image_tag_mutability": "IMMUTABLE",
        "encryption_configuration": [{"encryption_type": "AES256"}],
    }


def test_every_argument_is_rendered() -> None:
    # GIVEN a template with a KMS key, tags, both policies and the role they need
    settings = template(
        prefix="ROOT",
        applied_for=["REPLICATION", AppliedFor.PULL_THROUGH_CACHE],
        description="Guardrails for repositories ECR creates",
        image_tag_mutability=ImageTagMutability.MUTABLE,
        kms_key_arn=KEY,
        lifecycle_policy=LIFECYCLE,
        repository_policy=POLICY,
        resource_tags={"Team": "platform"},
        custom_role_arn=ROLE,
    )
    # THEN the arguments are exactly these (applied_for sorted, KMS forced by the key)
    assert settings.arguments() == {
        "prefix": "ROOT",
        "applied_for": ["PULL_THROUGH_CACHE", "REPLICATION"],
        "image_tag_mutability": "MUTABLE",
        "encryption_configuration": [{"encryption_type": "KMS", "kms_key": KEY}],
        "description": "Guardrails for repositories ECR creates",
        "lifecycle_policy": LIFECYCLE,
        "repository_policy": POLICY,
        "custom_role_arn": ROLE,
        "resource_tags": {"Team": "platform"},
    }


def test_kms_without_a_key_uses_the_aws_managed_key_and_no_role() -> None:
    settings = template(encryption_type=EncryptionType.KMS)
    assert settings.arguments()["encryption_configuration"] == [{"encryption_type": "KMS"}]
    assert "custom_role_arn" not in settings.arguments()


# --- refusals -----------------------------------------------------------------------


@pytest.mark.skipif(LINE.aws_provider_major == 6, reason="the 6.x lines accept it (test_aws_provider6)")
def test_create_on_push_needs_provider_6() -> None:
    assert_refused(
        lambda: template(applied_for=["CREATE_ON_PUSH"]),
        "applied_for",
        "applied_for 'CREATE_ON_PUSH' exists only in AWS provider 6.x",
    )


@pytest.mark.parametrize(
    "applied_for, fragment",
    [
        ([], "is not a non-empty list"),
        ("REPLICATION", "is not a non-empty list"),
        (["REPLICATION", "REPLICATION"], "repeats ['REPLICATION']"),
        (["replication"], "'REPLICATION' or 'PULL_THROUGH_CACHE' or 'CREATE_ON_PUSH' (exact, case-sensitive)"),
    ],
)
def test_applied_for_refusals(applied_for: Any, fragment: str) -> None:
    assert_refused(lambda: template(applied_for=applied_for), "applied_for", fragment)


@pytest.mark.parametrize(
    "prefix, fragment",
    [
        ("a", "has 1 characters"),
        ("a" * 257, "has 257 characters"),
        ("Prod", "is not a valid repository prefix"),
        ("prod//team", "is not a valid repository prefix"),
        (7, "is an int"),
    ],
)
def test_prefix_refusals(prefix: Any, fragment: str) -> None:
    assert_refused(lambda: template(prefix=prefix), "prefix", fragment, "'ROOT'")


def test_a_prefix_may_end_with_a_slash() -> None:
    assert template(prefix="team-a/").arguments()["prefix"] == "team-a/"


def test_kms_key_and_tags_need_a_custom_role() -> None:
    assert_refused(
        lambda: template(kms_key_arn=KEY),
        "custom_role_arn",
        "is missing, and the template sets kms_key_arn",
    )
    assert_refused(
        lambda: template(resource_tags={"Team": "platform"}),
        "custom_role_arn",
        "is missing, and the template sets resource_tags",
    )
    assert_refused(
        lambda: template(kms_key_arn=KEY, resource_tags={"Team": "platform"}),
        "custom_role_arn",
        "sets kms_key_arn and resource_tags",
        "kms:CreateGrant",
    )


def test_custom_role_refusals() -> None:
    assert_refused(
        lambda: template(custom_role_arn="arn:aws:iam::222222222222:role/x"),
        "custom_role_arn",
        "is in account 222222222222; ECR only assumes a role of the registry's own account",
    )
    assert_refused(
        lambda: template(custom_role_arn="arn:aws:iam::111111111111:user/x"),
        "custom_role_arn",
        "is not an IAM role ARN",
    )
    assert_refused(
        lambda: template(custom_role_arn="arn:aws-cn:iam::111111111111:role/x"),
        "custom_role_arn",
        "is in partition aws-cn, and the registry's region us-east-1 is in partition aws",
    )


def test_other_input_refusals() -> None:
    assert_refused(
        lambda: template(description="x" * 256), "description", "None or at most 255 characters"
    )
    assert_refused(
        lambda: template(image_tag_mutability="immutable"),
        "image_tag_mutability",
        "'MUTABLE' or 'IMMUTABLE'",
    )
    assert_refused(
        lambda: template(encryption_type="KMS_DSSE"), "encryption_type", "'AES256' or 'KMS'"
    )
    assert_refused(
        lambda: template(kms_key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/ecr", custom_role_arn=ROLE),
        "kms_key_arn",
        "is a KMS alias",
    )
    assert_refused(
        lambda: template(kms_key_arn=KEY.replace(REGION, "eu-west-1"), custom_role_arn=ROLE),
        "kms_key_arn",
        "is in eu-west-1, and ECR needs a key in its own region",
    )
    assert_refused(lambda: template(lifecycle_policy="{rules"), "lifecycle_policy", "is not JSON")
    assert_refused(
        lambda: template(repository_policy=json.dumps({"Sid": "x" * 10240})),
        "repository_policy",
        "has 10251 characters",
        "at most 10240 characters",
    )
    assert_refused(
        lambda: template(resource_tags={"aws:team": "x"}, custom_role_arn=ROLE),
        "resource_tags",
        "uses the reserved key 'aws:team'",
    )
    assert_refused(lambda: template(region="Mars-1"), "region", "region code")
    assert_refused(lambda: template(account_id="1"), "account_id", "12-digit")


def test_arguments_synthesize_when_blocks_go_through_lazy(stack: Any) -> None:
    # GIVEN a template with a KMS key
    import jsii
    from cdktf import IAnyProducer, IResolveContext, Lazy
    from cdktf_cdktf_provider_aws.ecr_repository_creation_template import (
        EcrRepositoryCreationTemplate,
    )
    from conftest import resources_of, synth_json

    @jsii.implements(IAnyProducer)
    class Value:
        def __init__(self, value: Any) -> None:
            self.value = value

        def produce(self, context: IResolveContext) -> Any:
            return self.value

    arguments = template(kms_key_arn=KEY, custom_role_arn=ROLE).arguments()
    # WHEN one resource gets the block as plain dicts and another through Lazy
    EcrRepositoryCreationTemplate(stack, "plain", **arguments)
    lazy = dict(arguments, prefix="other")
    lazy["encryption_configuration"] = Lazy.any_value(Value(arguments["encryption_configuration"]))
    EcrRepositoryCreationTemplate(stack, "lazy", **lazy)
    # THEN plain dicts lose the block's keys silently, and Lazy keeps them
    resources = resources_of(synth_json(stack), "aws_ecr_repository_creation_template")
    assert resources["plain"]["encryption_configuration"] == [{}]
    assert resources["lazy"]["encryption_configuration"] == [
        {"encryption_type": "KMS", "kms_key": KEY}
    ]
    assert {k: v for k, v in resources["lazy"].items() if k != "//"} == dict(
        arguments, prefix="other"
    )
