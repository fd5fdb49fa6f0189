"""checkov (an independent scanner) over every synthesized stack.

One checkov run per test module scans, side by side:

* the example app's dev, stage and prod stacks, exactly as ``build_app`` makes them;
* ``defaults``: a stack holding nothing but ``Repository(name=...)``;
* ``organization``: a repository whose policy names ``*``, as only an
  ``OrganizationPrincipal`` (or a statement with an organization condition) can;
* ``insecure``: a control built with the raw provider classes (mutable tags, no
  scan on push, AES256, no lifecycle policy, repository policies open to
  ``*``), which proves every ECR check this suite relies on really fires.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
from cdktf import App, TerraformStack, Testing, Token
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from cdktf_cdktf_provider_aws.ecr_repository_policy import EcrRepositoryPolicy
from cdktf_cdktf_provider_aws.provider import AwsProvider
from conftest import REPO_ROOT

from cdktf_aws_ecr import (
    Condition,
    OrganizationPrincipal,
    PolicyStatement,
    Repository,
    ServicePrincipal,
    ValidationError,
)
from devtools import security_scan as scan
from stacks import DeploySettings, build_app

ECR_REPOSITORY_CHECKS = scan.REQUIRED_CHECKS["aws_ecr_repository"]
APP_STACKS = ("dev", "stage", "prod")


def _synth(stack: TerraformStack) -> Dict[str, Any]:
    return json.loads(Testing.synth(stack))


def _defaults_stack(app: App) -> TerraformStack:
    stack = TerraformStack(app, "defaults")
    AwsProvider(stack, "aws", region="us-east-1")
    Repository(stack, "app", name="team/app")
    return stack


def _organization_stack(app: App) -> TerraformStack:
    stack = TerraformStack(app, "organization")
    AwsProvider(stack, "aws", region="us-east-1")
    repository = Repository(stack, "app", name="team/app", encryption_type="KMS")
    repository.grant_pull(OrganizationPrincipal("o-a1b2c3d4e5"))
    repository.grant_push(OrganizationPrincipal("o-a1b2c3d4e5", ou_paths=["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]))
    repository.grant_pull(ServicePrincipal("lambda.amazonaws.com", source_accounts=["111122223333"]))
    repository.add_to_resource_policy(
        PolicyStatement(sid="DenyPlainHttp", effect="Deny", principals={"*": ["*"]}, actions=["ecr:*"],
                        conditions=[Condition("Bool", "aws:SecureTransport", ["false"])])
    )
    return stack


def _insecure_stack(app: App) -> TerraformStack:
    """What the library refuses to build, written with the raw provider classes."""
    stack = TerraformStack(app, "insecure")
    AwsProvider(stack, "aws", region="us-east-1")
    repositories = [
        EcrRepository(
            stack,
            f"repo{i}",
            name=f"insecure/repo{i}",
            image_tag_mutability="MUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=False),
            encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="AES256")],
        )
        for i in range(2)
    ]
    document = DataAwsIamPolicyDocument(
        stack,
        "public_document",
        statement=[
            DataAwsIamPolicyDocumentStatement(
                effect="Allow",
                principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="AWS", identifiers=["*"])],
                actions=["ecr:BatchGetImage"],
            )
        ],
    )
    EcrRepositoryPolicy(stack, "via_document", repository=repositories[0].name, policy=document.json)
    EcrRepositoryPolicy(
        stack,
        "literal",
        repository=repositories[1].name,
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:PutImage"]}
                ],
            }
        ),
    )
    return stack


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    app = Testing.app()
    stacks = build_app(app, DeploySettings(state_dir=str(tmp_path_factory.mktemp("state"))))
    synths = {name: _synth(stack) for name, stack in stacks.items()}
    # Apps of their own: a registry has one scanning owner per app (prod owns us-east-1).
    synths["defaults"] = _synth(_defaults_stack(Testing.app()))
    synths["organization"] = _synth(_organization_stack(Testing.app()))
    synths["insecure"] = _synth(_insecure_stack(Testing.app()))
    return synths


@pytest.fixture(scope="module")
def report(synthesized: Dict[str, Dict[str, Any]], tmp_path_factory) -> scan.ScanReport:
    """All six stacks in ONE checkov run (its start-up costs seconds)."""
    return scan.scan(synthesized, tmp_path_factory.mktemp("checkov"))


def _failed(stack: scan.StackScan) -> set:
    return {(r.check_id, r.address) for r in stack.failed}


def test_the_pinned_checkov_ran_over_every_stack(report: scan.ScanReport) -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    pinned = re.search(r"^CHECKOV_VERSION\s*:=\s*(\S+)", makefile, re.M).group(1)
    assert report.checkov_version == pinned
    assert sorted(report.stacks) == sorted([*APP_STACKS, "defaults", "organization", "insecure"])
    for name, stack in report.stacks.items():
        assert stack.parsing_errors == [], name
        assert len(stack.passed) > 0, name
    # Only state bookkeeping and the terraform block's plain values are left out of checkov's copy.
    assert report.omitted["prod"] == ["moved", "terraform.required_version"]


def test_prod_has_zero_failed_checks_and_passes_every_ecr_check(report: scan.ScanReport) -> None:
    prod = report.stacks["prod"]
    assert prod.failed == []
    repositories = prod.required_addresses["aws_ecr_repository"]
    policies = prod.required_addresses["aws_ecr_repository_policy"]
    documents = prod.required_addresses["data.aws_iam_policy_document"]
    assert len(repositories) == len(policies) == len(documents) == 2
    for address in repositories:
        # immutable tags, KMS, scan on push, lifecycle policy present
        assert {c: prod.verdicts(address).get(c) for c in ECR_REPOSITORY_CHECKS} == {
            "CKV_AWS_51": "PASSED",
            "CKV_AWS_136": "PASSED",
            "CKV_AWS_163": "PASSED",
            scan.LIFECYCLE_CHECK_ID: "PASSED",
        }
    for address in policies:  # the repository policy is not public
        assert prod.verdicts(address)["CKV_AWS_32"] == "PASSED"
    for address in documents:  # its document grants no '*' principal
        assert prod.verdicts(address)["CKV_AWS_283"] == "PASSED"
    (key,) = {r.address for r in prod.records if r.address.startswith("aws_kms_key.")}
    key_verdicts = prod.verdicts(key)
    assert key_verdicts["CKV_AWS_7"] == "PASSED"  # rotation
    assert key_verdicts["CKV_AWS_33"] == "PASSED"  # no '*' principal in the key policy


def test_dev_and_stage_fail_exactly_the_accepted_checks(report: scan.ScanReport) -> None:
    for name in ("dev", "stage"):
        stack = report.stacks[name]
        failed = {(r.check_id, r.resource_type) for r in stack.failed}
        accepted = {(a.check_id, a.resource_type) for a in scan.accepted_for(name)}
        assert failed == accepted, name
    # The accepted finding is on every dev repository, and nowhere else.
    dev = report.stacks["dev"]
    assert {r.address for r in dev.failed} == set(dev.required_addresses["aws_ecr_repository"])
    app_only = scan.ScanReport({n: report.stacks[n] for n in APP_STACKS}, report.checkov_version, 0)
    assert scan.violations(app_only) == []


def test_defaults_fail_only_what_the_seed_defaults_imply(report: scan.ScanReport) -> None:
    defaults = report.stacks["defaults"]
    (repository,) = defaults.required_addresses["aws_ecr_repository"]
    assert _failed(defaults) == {(f.check_id, repository) for f in scan.DEFAULT_FINDINGS}
    assert _failed(defaults) == {("CKV_AWS_136", repository)}
    verdicts = defaults.verdicts(repository)
    assert {c: verdicts[c] for c in ECR_REPOSITORY_CHECKS if c != "CKV_AWS_136"} == {
        "CKV_AWS_51": "PASSED",
        "CKV_AWS_163": "PASSED",
        scan.LIFECYCLE_CHECK_ID: "PASSED",
    }
    # The recorded check titles are checkov's own.
    names = {r.check_id: r.check_name for s in report.stacks.values() for r in s.records}
    for entry in (*scan.ACCEPTED_FINDINGS, *scan.DEFAULT_FINDINGS):
        assert names[entry.check_id] == entry.check_name


def test_principal_star_confined_to_an_organization_is_not_public(report: scan.ScanReport) -> None:
    # GIVEN a repository granting an organization, an OU tree and a Lambda account, with a Deny of '*'
    organization = report.stacks["organization"]
    (policy,) = organization.required_addresses["aws_ecr_repository_policy"]
    (document,) = organization.required_addresses["data.aws_iam_policy_document"]
    # THEN checkov judges neither the policy nor its document public, and nothing fails
    assert organization.verdicts(policy)["CKV_AWS_32"] == "PASSED"
    assert organization.verdicts(document)["CKV_AWS_283"] == "PASSED"
    assert organization.failed == []


def test_the_scan_catches_an_insecure_public_repository(report: scan.ScanReport) -> None:
    insecure = report.stacks["insecure"]
    repositories = insecure.required_addresses["aws_ecr_repository"]
    assert _failed(insecure) >= {(c, a) for a in repositories for c in ECR_REPOSITORY_CHECKS}
    assert _failed(insecure) >= {
        ("CKV_AWS_32", "aws_ecr_repository_policy.via_document"),
        ("CKV_AWS_32", "aws_ecr_repository_policy.literal"),
        ("CKV_AWS_283", "data.aws_iam_policy_document.public_document"),
    }
    problems = scan.violations(scan.ScanReport({"insecure": insecure}, "", 0))
    assert len(problems) == len(insecure.failed) > 0


def _record(stack: str, check_id: str, address: str, result: str) -> scan.CheckRecord:
    return scan.CheckRecord(stack, check_id, check_id, address, result, "terraform_json")


def _stack(name: str, records: List[scan.CheckRecord]) -> scan.StackScan:
    return scan.StackScan(
        name,
        records=records,
        required_addresses={"aws_ecr_repository": ["aws_ecr_repository.r"]},
    )


def test_violations_refuse_new_stale_and_unjudged_findings() -> None:
    ok = [_record("dev", c, "aws_ecr_repository.r", "PASSED") for c in ECR_REPOSITORY_CHECKS]
    accepted = scan.AcceptedFinding("dev", "CKV_AWS_51", "t", "aws_ecr_repository", "why")
    failing_51 = [r if r.check_id != "CKV_AWS_51" else _record("dev", "CKV_AWS_51", r.address, "FAILED") for r in ok]

    def problems(stack: scan.StackScan, accepted_list=(accepted,)) -> List[str]:
        return scan.violations(scan.ScanReport({stack.name: stack}, "", 0), accepted_list)

    assert problems(_stack("dev", failing_51)) == []
    assert "no longer occurs" in problems(_stack("dev", ok))[0]  # stale entry
    new = failing_51 + [_record("dev", "CKV_AWS_999", "aws_ecr_repository.r", "FAILED")]
    assert "CKV_AWS_999 failed" in problems(_stack("dev", new))[0]
    unjudged = [r for r in failing_51 if r.check_id != "CKV_AWS_163"]
    assert "CKV_AWS_163 did not judge aws_ecr_repository.r" in problems(_stack("dev", unjudged))[0]
    prod_entry = scan.AcceptedFinding("prod", "CKV_AWS_51", "t", "aws_ecr_repository", "why")
    prod = [_record("prod", r.check_id, r.address, r.result) for r in failing_51]
    assert len(problems(_stack("prod", prod), (prod_entry,))) == 1
    assert "prod" in problems(_stack("prod", prod), ())[0]


def test_the_policy_shim_renders_the_document_terraform_would() -> None:
    document = {
        "statement": [
            {
                "sid": "AllowPull",
                "effect": "Allow",
                "actions": ["ecr:BatchGetImage"],
                "principals": [
                    {"type": "AWS", "identifiers": ["${aws_iam_role.r.arn}", "111122223333"]}
                ],
            }
        ]
    }
    assert scan.render_policy_document(document) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowPull",
                "Effect": "Allow",
                "Action": "ecr:BatchGetImage",
                "Principal": {"AWS": ["${aws_iam_role.r.arn}", "111122223333"]},
            }
        ],
    }
    # Anything only Terraform can work out is left unjudged, never guessed.
    assert scan.render_policy_document({**document, "source_policy_documents": ["x"]}) is None
    shim = scan.repository_policy_shim(
        {
            "data": {"aws_iam_policy_document": {"d": document}},
            "resource": {
                "aws_ecr_repository_policy": {
                    "p": {"repository": "${aws_ecr_repository.r.name}", "policy": "${data.aws_iam_policy_document.d.json}"},
                    "q": {"repository": "x", "policy": "${jsonencode(local.p)}"},
                }
            },
        }
    )
    assert 'resource "aws_ecr_repository_policy" "p"' in shim and '"q"' not in shim
    assert "$${aws_iam_role.r.arn}" in shim  # literal text, never interpolated


def test_the_development_guide_shows_the_accepted_findings_rendered_from_the_code() -> None:
    guide = (REPO_ROOT / "docs" / "development.md").read_text()
    for table in (scan.accepted_findings_markdown(), scan.default_findings_markdown()):
        assert table in guide, (
            "docs/development.md is out of date; run `python -m devtools.docs` (or paste the "
            "output of `python -m devtools.security_scan --markdown`)"
        )


# --------------------------------------------------------------------------------------
# A policy that grants '*' cannot be built through the public API.

FORGED_TOKEN = "${TfToken[TOKEN.98765432]}"  # looks like a cdktf token, but no such token exists

WILDCARD_ROUTES = [
    ["*"],
    ["arn:aws:iam::*:root"],
    ["arn:aws:iam::123456789012:*"],
    ["arn:aws:iam::123456789012:role/*"],
    ["arn:aws:iam::123456789012:role/ci-*"],
    ["arn:aws:iam::123456789012:user/?"],
    ["arn:aws:iam::12345678901?:root"],
    ["arn:*:iam::123456789012:root"],
    ["arn:aws:sts::123456789012:assumed-role/*/session"],
    ["*:*"],
    ["AWS:*"],
    [" *"],
    ["*\n"],
    ["\u2217"],  # ASTERISK OPERATOR
    ["\uff0a"],  # FULLWIDTH ASTERISK
    ["123456789012", "*"],
    ['${"*"}'],  # a Terraform expression, not a cdktf token
    ["${*}"],
    ["#{TfToken[TOKEN.98765432]}"],  # a forged list token
    [FORGED_TOKEN],
    [f"arn:aws:iam::123456789012:role/{FORGED_TOKEN}"],
    "*",  # a string, not a list
    b"*",
    {"AWS": "*"},
    [{"AWS": "*"}],
    [["*"]],
    {"*"},
    [None],
    [b"*"],
    [Token.as_string("*")],  # a "token" of a literal is just the literal
]


@pytest.mark.parametrize("parameter", ["pull_principal_arns", "push_principal_arns"])
@pytest.mark.parametrize("principals", WILDCARD_ROUTES, ids=repr)
def test_a_policy_granting_star_cannot_be_built(make_stack, parameter: str, principals: Any) -> None:
    stack = make_stack()
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "repo", name="team/app", **{parameter: principals})
    assert caught.value.parameter == parameter and parameter in str(caught.value)
    assert stack.node.try_find_child("repo") is None  # nothing half-built
    document = json.loads(Testing.synth(stack))
    assert "aws_ecr_repository_policy" not in json.dumps(document)


@pytest.mark.parametrize("method", ["grant_pull", "grant_push", "grant_pull_push"])
@pytest.mark.parametrize("route", WILDCARD_ROUTES, ids=repr)
def test_no_grant_can_name_star(make_stack, method: str, route: Any) -> None:
    # Each route's wildcard item (or the whole value, when it is no list) as a grantee
    grantee = route[-1] if isinstance(route, list) else route
    stack = make_stack()
    repository = Repository(stack, "repo", name="team/app")
    with pytest.raises(ValidationError) as caught:
        getattr(repository, method)(grantee)
    assert caught.value.parameter == "grantee" and "grantee=" in str(caught.value)
    assert repository.policy_document is None  # nothing half-built
    assert "aws_ecr_repository_policy" not in json.dumps(json.loads(Testing.synth(stack)))


@pytest.mark.terraform
@pytest.mark.e2e
def test_a_wildcard_behind_a_token_is_refused_by_terraform_before_any_policy_exists(
    local_aws, tmp_path: Path
) -> None:
    """Tokens cannot be read at synth; Terraform checks what they resolve to."""
    from cdktf import TerraformVariable

    from cdktf_aws_ecr.policy.repository_policy import WILDCARD_GUARD_MESSAGE
    from devtools import terraform as tf

    stack = TerraformStack(Testing.app(), "token")
    AwsProvider(stack, "aws", region="eu-west-3")
    principal = TerraformVariable(stack, "principal", type="string")
    Repository(stack, "repo", name="team/app", pull_principal_arns=[principal.string_value])
    (tmp_path / "cdk.tf.json").write_text(Testing.synth(stack))
    env = local_aws.environ("eu-west-3")
    tf.run(["init", "-input=false", "-no-color"], tmp_path, env)

    def plan(value: str):
        return tf.run(["plan", "-input=false", "-no-color", "-var", f"principal={value}"], tmp_path, env, check=False)

    for wildcard in ("*", "arn:aws:iam::12345678901?:root"):
        refused = plan(wildcard)
        assert refused.returncode == 1
        assert "Resource postcondition failed" in refused.stderr
        assert " ".join(WILDCARD_GUARD_MESSAGE.split()[:6]) in " ".join(refused.stderr.split())
    allowed = plan("123456789012")
    assert allowed.returncode == 0, allowed.stderr
    assert '+ AWS = "123456789012"' in allowed.stdout
