"""Repositories of plain inputs are written as JSON by their stack (cdktf_aws_ecr.stack_terraform):
the same Terraform as their provider constructs, in every synth entry point, with one jsii
round trip per Repository."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import cdktf_aws_ecr as ecr  # first: lean start of the provider bindings
from cdktf import App, TerraformStack, Testing
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr.stack_terraform import stable_json
from test_golden import without_metadata

REGION = "us-east-1"
PULL = "arn:aws:iam::123456789012:role/reader"


def fleet_app(outdir: Path, build_constructs: bool) -> Dict[str, Path]:
    """Two stacks: repositories of plain inputs with seed keywords, typed rules, a KMS key, an
    aliased provider, a grant of a role of the same and of another stack, a statement added
    later; with ``build_constructs`` every repository's provider constructs are asked for."""
    app = App(outdir=str(outdir))
    identities, registry = TerraformStack(app, "identities"), TerraformStack(app, "registry")
    for stack in (identities, registry):
        AwsProvider(stack, "aws", region=REGION)
    west = AwsProvider(registry, "west", region="us-west-2", alias="west")
    role = IamRole(identities, "ci", assume_role_policy="{}")
    local_role = IamRole(registry, "deployer", assume_role_policy="{}")
    repositories: List[ecr.Repository] = []
    for i in range(6):
        repositories.append(ecr.Repository(
            registry, f"repo{i}", name=f"team/service-{i}", pull_principal_arns=[PULL],
            enhanced_scanning=i % 2 == 0, tags={"Index": str(i)},
            kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" if i == 1 else None,
        ))
    repositories.append(ecr.Repository(
        registry, "typed", name="team/typed", protected_tags=["release-*"],
        lifecycle_rules=[ecr.LifecycleRule(tag_status=ecr.TagStatus.UNTAGGED, max_image_age_days=3)],
    ))
    repositories.append(ecr.Repository(registry, "in_west", name="team/west", provider=west))
    repositories.append(ecr.Repository(registry, "bare", name="team/bare"))
    repositories[0].grant_push(role)  # another stack: a cross-stack reference
    repositories[2].grant_pull(local_role)
    repositories[-1].add_to_resource_policy(ecr.PolicyStatement(
        sid="Audit", actions=["ecr:DescribeImages"], principals={"AWS": [PULL]}))
    repositories[-3].add_lifecycle_rule(ecr.LifecycleRule(tag_status=ecr.TagStatus.ANY, max_image_count=9))
    if build_constructs:
        for repository in repositories:
            assert repository.repository is not None
    app.synth()
    return {name: outdir / "stacks" / name / "cdk.tf.json" for name in ("identities", "registry")}


def test_app_synth_writes_what_the_provider_constructs_would(tmp_path: Path) -> None:
    # GIVEN the same app twice: its repositories written by their stack, and as constructs
    written = fleet_app(tmp_path / "written", build_constructs=False)
    built = fleet_app(tmp_path / "built", build_constructs=True)
    for name in written:
        ours = json.loads(written[name].read_text())
        theirs = json.loads(built[name].read_text())
        # THEN the Terraform is the same, cdktf's "//" metadata aside
        assert without_metadata(ours) == without_metadata(theirs)
        # AND the file is laid out as cdktf lays it out (its own file re-serialises byte-equal)
        assert stable_json(theirs) == built[name].read_text()
        assert stable_json(ours) == written[name].read_text()
    registry = json.loads(written["registry"].read_text())
    assert len(registry["resource"]["aws_ecr_repository"]) == 9
    assert registry["resource"]["aws_ecr_repository"]["team--west___west"]["provider"] == "aws.west"
    # AND the grant of the other stack's role went through cdktf's cross-stack reference
    statements = registry["data"]["aws_iam_policy_document"]["team--service-0"]["statement"]
    assert any("terraform_remote_state" in json.dumps(s) for s in statements)


def test_testing_synth_and_hcl_get_every_resource() -> None:
    # GIVEN a repository of plain inputs, synthesized by Testing.synth and then as HCL
    app = Testing.app()
    stack = TerraformStack(app, "stack")
    AwsProvider(stack, "aws", region=REGION)
    repository = ecr.Repository(stack, "repo", name="svc", pull_principal_arns=[PULL])
    synth = json.loads(Testing.synth(stack))
    assert set(synth["resource"]) == {
        "aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy"}
    assert not repository.has_constructs
    hcl = Testing.synth_hcl(stack)
    # THEN HCL output builds the provider constructs and renders them once each
    assert repository.has_constructs
    for block in ('resource "aws_ecr_repository" "svc"', 'resource "aws_ecr_lifecycle_policy" "svc"',
                  'resource "aws_ecr_repository_policy" "svc"', 'data "aws_iam_policy_document" "svc"'):
        assert hcl.count(block) == 1, block
    # AND a later JSON synth is what it was
    assert without_metadata(json.loads(Testing.synth(stack))) == without_metadata(synth)


def test_a_plain_repository_costs_one_jsii_round_trip() -> None:
    # GIVEN a stack, and a count of the requests sent to the jsii kernel
    from jsii._kernel.providers.process import _NodeProcess

    app = Testing.app()
    stack = TerraformStack(app, "stack")
    AwsProvider(stack, "aws", region=REGION)
    # The stack's one-offs: its registry, scanning configuration, checks, element
    ecr.Repository(stack, "first", name="first", pull_principal_arns=[PULL], enhanced_scanning=True)
    sent: List[str] = []
    send = _NodeProcess.send

    def counting(self: Any, request: Any, response_type: Any) -> Any:
        sent.append(type(request).__name__)
        return send(self, request, response_type)

    _NodeProcess.send = counting  # type: ignore[method-assign]
    try:
        for i in range(20):
            ecr.Repository(stack, f"repo{i}", name=f"team/svc-{i}", pull_principal_arns=[PULL],
                           push_principal_arns=[PULL], enhanced_scanning=i % 2 == 0)
    finally:
        _NodeProcess.send = send  # type: ignore[method-assign]
    # THEN each Repository creates its own construct and nothing else (it was 12 requests)
    assert sent.count("CreateRequest") == 20
    assert len(sent) <= 25, sent
