"""Check 1: every setting of every stack arrived, read back through boto3.

Expected values come from the example app's configuration (stacks/environments.py)
and the construct's documented defaults, never from the synthesized JSON, so a
setting lost anywhere between configuration and AWS fails here.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Dict, List, Sequence, Tuple

import pytest
from test_scanning_scale import scanned_as

from cdktf_aws_ecr import LifecycleRule, Repository
from stacks import ENVIRONMENTS, EnvironmentConfig

from .conftest import Deployment

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

#: ECR actions a pull-only principal gets, and a push principal (the issue's policy).
PULL = {"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"}
PUSH = PULL | {"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"}

_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(Repository.__init__).parameters.items()
    if parameter.default is not inspect.Parameter.empty
}


def settings(environment: EnvironmentConfig, service_options: Dict[str, Any]) -> Dict[str, Any]:
    """What the environment asks of one repository: defaults < environment < service."""
    return {**_DEFAULTS, **environment.repository_defaults, **service_options}


def cases() -> List[Tuple[EnvironmentConfig, str, Dict[str, Any]]]:
    return [
        (environment, environment.repository_name(repository), settings(environment, dict(repository.options)))
        for environment in ENVIRONMENTS
        for repository in environment.repositories
    ]


CASES = cases()
IDS = [name for _, name, _ in CASES]


@pytest.fixture(scope="module")
def described(deployment: Deployment) -> Dict[str, Dict[str, Any]]:
    ecr = deployment.client("ecr")
    repositories = ecr.describe_repositories()["repositories"]
    return {r["repositoryName"]: r for r in repositories}


@pytest.fixture(scope="module")
def prod_key_arn(deployment: Deployment) -> str:
    """The ARN of prod's customer-managed key, found through its alias."""
    kms = deployment.client("kms")
    return kms.describe_key(KeyId="alias/prod-ecr")["KeyMetadata"]["Arn"]


def test_exactly_the_configured_repositories_exist(described) -> None:
    assert sorted(described) == sorted(IDS)


@pytest.mark.parametrize("environment,name,expected", CASES, ids=IDS)
def test_tag_mutability_and_scan_on_push(described, environment, name, expected) -> None:
    repository = described[name]
    assert repository["imageTagMutability"] == expected["image_tag_mutability"]
    assert repository["imageScanningConfiguration"] == {"scanOnPush": expected["scan_on_push"]}


@pytest.mark.parametrize("environment,name,expected", CASES, ids=IDS)
def test_encryption_type_and_exact_key(described, prod_key_arn, environment, name, expected) -> None:
    encryption = described[name]["encryptionConfiguration"]
    if environment.customer_managed_key:
        assert encryption == {"encryptionType": "KMS", "kmsKey": prod_key_arn}
    else:
        assert encryption["encryptionType"] == expected["encryption_type"]
        # The AWS-managed key (or none): never another environment's CMK.
        assert encryption.get("kmsKey") != prod_key_arn


def test_prod_key_rotates_and_is_the_only_customer_key(deployment: Deployment, prod_key_arn) -> None:
    kms = deployment.client("kms")
    assert kms.get_key_rotation_status(KeyId=prod_key_arn)["KeyRotationEnabled"] is True
    metadata = kms.describe_key(KeyId=prod_key_arn)["KeyMetadata"]
    assert metadata["KeyState"] == "Enabled"
    assert metadata["Description"] == "Encrypts the prod ECR repositories"


def expected_lifecycle_policy(rules: Sequence[LifecycleRule], protected: Sequence[str]) -> Dict[str, Any]:
    """The documented layout, written out: one never-expiring rule per protected
    pattern first, then the typed rules in order (the example app gives no
    priorities and no ANY rule)."""
    written: List[Dict[str, Any]] = [
        {
            "description": f"Never expire images tagged {pattern}",
            "selection": {"tagStatus": "tagged", "tagPatternList": [pattern],
                          "countType": "imageCountMoreThan", "countNumber": 999999},
            "action": {"type": "expire"},
        }
        for pattern in protected
    ]
    for rule in rules:
        selection: Dict[str, Any] = {"tagStatus": rule.tag_status.value}
        for key, value in (("tagPrefixList", rule.tag_prefix_list), ("tagPatternList", rule.tag_pattern_list)):
            if value is not None:
                selection[key] = list(value)
        if rule.max_image_count is not None:
            selection.update(countType="imageCountMoreThan", countNumber=rule.max_image_count)
        else:
            selection.update(countType="sinceImagePushed", countUnit="days", countNumber=rule.max_image_age_days)
        written.append({"selection": selection, "action": {"type": "expire"},
                        **({"description": rule.description} if rule.description else {})})
    # Numbered 1, 2, ... in that order.
    return {"rules": [{"rulePriority": priority, **rule} for priority, rule in enumerate(written, start=1)]}


@pytest.mark.parametrize("environment,name,expected", CASES, ids=IDS)
def test_lifecycle_policy_json(deployment: Deployment, environment, name, expected) -> None:
    text = deployment.client("ecr").get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
    assert expected["lifecycle_rules"], "the example app uses typed rules"
    assert json.loads(text) == expected_lifecycle_policy(expected["lifecycle_rules"], expected["protected_tags"])


def _role_arn(name: str) -> str:
    return f"arn:aws:iam::123456789012:role/{name}"


@pytest.mark.parametrize("environment,name,expected", CASES, ids=IDS)
def test_repository_policy_principals_and_actions(deployment: Deployment, environment, name, expected) -> None:
    ecr = deployment.client("ecr")
    if not environment.access_roles:
        with pytest.raises(ecr.exceptions.RepositoryPolicyNotFoundException):
            ecr.get_repository_policy(repositoryName=name)
        return
    policy = json.loads(ecr.get_repository_policy(repositoryName=name)["policyText"])
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert sorted(statements) == ["AllowPull", "AllowPullLambdaBySourceArn", "AllowPush"]

    def actions(statement: Dict[str, Any]) -> set:
        value = statement["Action"]
        return {value} if isinstance(value, str) else set(value)

    pull, push = statements["AllowPull"], statements["AllowPush"]
    assert pull["Effect"] == push["Effect"] == "Allow"
    assert pull["Principal"] == {"AWS": _role_arn(f"{environment.name}-ecs-task-execution")}
    assert actions(pull) == PULL
    assert push["Principal"] == {"AWS": _role_arn(f"{environment.name}-ci-image-push")}
    assert actions(push) == PUSH
    # Lambda pulls as the service, for the configured functions only.
    (function,) = environment.image_functions
    assert statements["AllowPullLambdaBySourceArn"] == {
        "Sid": "AllowPullLambdaBySourceArn",
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": statements["AllowPullLambdaBySourceArn"]["Action"],
        "Condition": {"ArnLike": {"aws:SourceArn": function}},
    }
    assert actions(statements["AllowPullLambdaBySourceArn"]) == PULL
    # The roles the policy names exist, and only their services may assume them.
    iam = deployment.client("iam")
    for role, service in (
        (f"{environment.name}-ecs-task-execution", "ecs-tasks.amazonaws.com"),
        (f"{environment.name}-ci-image-push", "codebuild.amazonaws.com"),
    ):
        trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": service}]
        # Each role can log in to the registry: one identity policy, from the grants.
        assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["ecr-registry-login"]
        login = iam.get_role_policy(RoleName=role, PolicyName="ecr-registry-login")["PolicyDocument"]
        login = json.loads(login) if isinstance(login, str) else login
        assert login["Statement"] == [
            {"Sid": "AllowRegistryLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken",
             "Resource": "*"}
        ]


def test_registry_scanning_rules_and_filters(deployment: Deployment) -> None:
    """One configuration for the shared registry, written by prod for all three; each
    repository scanned as it asked, judged by AWS's matching rules (a filter without '*'
    matches names containing it, one with '*' whole names; CONTINUOUS_SCAN wins)."""
    configuration = deployment.client("ecr").get_registry_scanning_configuration()["scanningConfiguration"]
    assert configuration["scanType"] == "ENHANCED"
    rules = [
        {"scan_frequency": rule["scanFrequency"],
         "repository_filter": [{"filter": f["filter"]} for f in rule["repositoryFilters"]]}
        for rule in configuration["rules"]
    ]
    assert all(f["filterType"] == "WILDCARD" for r in configuration["rules"] for f in r["repositoryFilters"])
    for environment, name, expected in CASES:
        if expected["enhanced_scanning"]:
            assert scanned_as(rules, name) == expected["enhanced_scan_frequency"], name
        elif expected["scan_on_push"]:
            # The registry is ENHANCED, so basic scan-on-push repositories are covered by the
            # enhanced SCAN_ON_PUSH rule instead of silently losing their scans.
            assert scanned_as(rules, name) == "SCAN_ON_PUSH", name
    # dev and stage are covered by namespace rules, so deploying them alone keeps them scanned.
    filters = {f["filter"] for r in rules for f in r["repository_filter"]}
    assert {"dev/*", "stage/*"} <= filters


@pytest.mark.parametrize("environment,name,expected", CASES, ids=IDS)
def test_tags_including_default_tags(deployment: Deployment, described, environment, name, expected) -> None:
    arn = described[name]["repositoryArn"]
    tags = deployment.client("ecr").list_tags_for_resource(resourceArn=arn)["tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {**environment.default_tags, **expected["tags"]}
