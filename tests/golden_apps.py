"""The apps whose synthesized Terraform ``tests/test_golden.py`` pins.

* :func:`build_example`: the example app (``main.py``), as ``stacks.build_app`` builds it.
* :func:`build_fleet`: 334 repositories in five stacks that use every name of
  ``cdktf_aws_ecr.__all__``: ``identities`` (a role other stacks grant; no repository),
  ``platform`` (the registry owner, with its settings, a second region and most of the
  fleet), ``apps`` (included in the platform's registry), ``team`` (its registry managed
  elsewhere) and ``dr`` (another account, receiving replicas; a ``RegistryScanning``).

Plain data and loops: no randomness, no clock, no process environment.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Dict, List, Mapping, Optional

from cdktf import (
    App,
    Fn,
    LocalBackend,
    TerraformLocal,
    TerraformOutput,
    TerraformStack,
    TerraformVariable,
)
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_user import IamUser
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

import cdktf_aws_ecr as ecr  # first: starts the provider bindings lean
from devtools.reference import INPUTS, OUTPUTS
from stacks import DeploySettings, build_app

EXAMPLE_STACKS = ("dev", "stage", "prod")
FLEET_STACKS = ("identities", "platform", "apps", "team", "dr")

ACCOUNT, DR_ACCOUNT, PARTNER = "111122223333", "444455556666", "210987654321"
ORG = "o-a1b2c3d4e5"
OU = f"{ORG}/r-ab12/ou-ab12-11111111/*"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DR_KEY = f"arn:aws:kms:eu-west-1:{DR_ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab"
SECRETS = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:ecr-pullthroughcache"
TEMPLATE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-templates"
TEAMS = ("payments", "search", "identity", "checkout", "ledger", "media", "growth", "infra")
SERVICES = ("api", "api-internal", "worker", "web", "batch")
WEST = ecr.ReplicationDestination(region="us-west-2")
DR = ecr.ReplicationDestination("eu-west-1", account_id=DR_ACCOUNT)
REPLICAS = ([WEST], [WEST], [WEST], [WEST, DR], [])
# (force_delete, prevent_destroy): every combination; some warn (DestroyableRepositoryWarning).
DESTROY = ((False, None), (True, None), (True, False), (False, False), (False, True), (True, True))
PROTECTED = ((), ("prod-*",), ("prod-*", "release-*"), ("latest",))
R, S = ecr.LifecycleRule, ecr.TagStatus
RULE_SETS: Dict[str, Optional[List[ecr.LifecycleRule]]] = {
    "seed": None,  # the seed module's two rules
    "typed": [R(tag_status=S.UNTAGGED, max_image_age_days=7),
              R(tag_pattern_list=["v*"], max_image_count=30, description="Releases"),
              R(tag_prefix_list=["sha-"], max_image_count=50, description="CI builds")],
    "archive": [R(tag_status="untagged", max_image_age_days=14),
                R(tag_pattern_list=["v*"], max_image_count=30, action=ecr.LifecycleAction.ARCHIVE),
                R(tag_status=S.ANY, max_days_since_pull=180),
                R(tag_status=S.ANY, max_days_in_archive=365, action=ecr.LifecycleAction.EXPIRE)],
    "priorities": [R(tag_status=S.ANY, max_image_count=500),
                   R(rule_priority=20, tag_prefix_list=["rc-"], max_image_count=5),
                   R(rule_priority=10, tag_status=S.UNTAGGED, max_image_age_days=3),
                   R(tag_pattern_list=["*-hotfix*"], max_image_count=10)],
}
IMAGES = [  # for preview_lifecycle, with a fixed "now"
    {"digest": f"sha256:{i:064x}", "tags": tags, "pushed_at": f"2026-0{1 + i % 9}-1{i % 10}T10:00:00Z"}
    for i, tags in enumerate([["v1.0.0"], [], ["v1.1.0", "prod-2026-02-01"], ["sha-abc"], [], ["v2.0.0"]])
]


def build_example(app: App, environ: Mapping[str, str]) -> None:
    """The example app as ``main.py`` builds it under ``environ`` (not ``os.environ``), with
    the local state in ``.`` rather than the current directory's absolute path."""
    build_app(app, replace(DeploySettings.from_environ(environ), state_dir="."))


def _stack(app: App, name: str, region: str, account: Optional[str]) -> TerraformStack:
    stack = TerraformStack(app, name)
    LocalBackend(stack, path=f"terraform.{name}.tfstate")  # cdktf's default would be absolute
    AwsProvider(stack, "aws", region=region, allowed_account_ids=[account] if account else None,
                default_tags=[AwsProviderDefaultTags(tags={"Stack": name, "ManagedBy": "cdktf"})])
    return stack


def _role(stack: TerraformStack, id: str, service: str) -> IamRole:
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    return IamRole(stack, id, name=f"fleet-{id}", assume_role_policy=json.dumps(trust))


def _statement(i: int) -> Any:
    """Statements of our own, for add_to_resource_policy: typed, and the provider's."""
    return [
        ecr.PolicyStatement(sid="DenyPlainHttp", effect=ecr.Effect.DENY, principals={"*": ["*"]},
                            actions=["ecr:*"],
                            conditions=[ecr.Condition("Bool", "aws:SecureTransport", ["false"])]),
        ecr.PolicyStatement(sid="AllowOrgPush", principals={"*": ["*"]}, actions=list(ecr.PUSH_ACTIONS),
                            conditions=[ecr.Condition("StringEquals", "aws:PrincipalOrgID", [ORG])]),
        ecr.PolicyStatement(sid="AllowPartnerPull", effect="Allow", principals={"AWS": [PARTNER]},
                            actions=list(ecr.PULL_ACTIONS)),
        DataAwsIamPolicyDocumentStatement(
            sid="AllowCodeBuildPull", effect="Allow", actions=list(ecr.PULL_ACTIONS),
            principals=[DataAwsIamPolicyDocumentStatementPrincipals(
                type="Service", identifiers=["codebuild.amazonaws.com"])],
            condition=[DataAwsIamPolicyDocumentStatementCondition(
                test="StringEquals", variable="aws:SourceAccount", values=[ACCOUNT])]),
    ][i % 4]


def _grant(repository: ecr.Repository, i: int, region: str, roles: List[Any]) -> None:
    """One of the grant forms, by index; ``roles``: an in-stack role, user, a role of another stack."""
    function = f"arn:aws:lambda:{region}:{ACCOUNT}:function:fleet-{i}"
    grants = [
        lambda: repository.grant_pull(roles[i % len(roles)]),
        lambda: repository.grant_push(f"arn:aws:iam::{PARTNER}:role/deployer"),
        lambda: repository.grant_pull_push(PARTNER),
        lambda: repository.grant_pull(ecr.ServicePrincipal("lambda.amazonaws.com", source_arns=[function])),
        lambda: repository.grant_pull(ecr.ServicePrincipal("lambda.amazonaws.com", source_accounts=[ACCOUNT])),
        lambda: repository.grant_pull(ecr.ServicePrincipal(
            "lambda.amazonaws.com", source_arns=[function], source_accounts=[ACCOUNT])),
        lambda: repository.grant_pull(ecr.OrganizationPrincipal(ORG)),
        lambda: repository.grant_push(ecr.OrganizationPrincipal(ORG, ou_paths=[OU])),
        lambda: repository.add_to_resource_policy(_statement(i // 9)),
        lambda: None,
    ]
    grants[i % len(grants)]()
    if i % 4 == 1:
        repository.grant_push(roles[(i + 1) % len(roles)])


def _repository(scope: TerraformStack, i: int, name: str, *, region: str, roles: List[Any],
                keys: List[Optional[str]], replicate: bool = True, **extra: Any) -> ecr.Repository:
    """Repository ``i`` of the fleet: its inputs vary with ``i``, as data."""
    rules = list(RULE_SETS)[i % 4]
    force_delete, prevent_destroy = DESTROY[i % len(DESTROY)]
    props = ecr.RepositoryProps(
        name=name,
        image_tag_mutability=(ecr.ImageTagMutability.IMMUTABLE, "MUTABLE")[i % 5 == 3],
        scan_on_push=i % 7 != 4,
        force_delete=force_delete,
        prevent_destroy=prevent_destroy,
        tags={"Team": name.split("/")[0], "Index": str(i)} if i % 3 else {},
    )
    if i % 3 != 2:
        props["enhanced_scanning"] = True
        props["enhanced_scan_frequency"] = (ecr.ScanFrequency.CONTINUOUS_SCAN, "SCAN_ON_PUSH")[i % 3]
    key = keys[i % len(keys)]
    if key is not None:
        props["kms_key_arn"] = key
    elif i % 2:
        props["encryption_type"] = (ecr.EncryptionType.KMS, "AES256")[i % 4 == 3]
    if RULE_SETS[rules] is not None:
        props["lifecycle_rules"] = RULE_SETS[rules]
    elif i % 16 == 0:
        props["enable_lifecycle_policy"] = False
    elif i % 8 == 4:
        props.update(untagged_image_expiry_days=30, max_tagged_image_count=90,
                     lifecycle_tag_prefix_list=["v", "sha-"])  # AND: LifecycleTagPrefixListWarning
    if props.get("enable_lifecycle_policy", True):
        props["protected_tags"] = PROTECTED[(i // 4) % len(PROTECTED)]
    if replicate and REPLICAS[(i // 2) % len(REPLICAS)]:
        props["replicate_to"] = REPLICAS[(i // 2) % len(REPLICAS)]
    repository = ecr.Repository(scope, name.replace("/", "_").replace("-", "_"), **{**props, **extra})
    if RULE_SETS[rules] is not None and i % 3 == 0:
        repository.add_lifecycle_rule(R(tag_prefix_list=["dev-"], max_image_count=10, description="Branches"))
    _grant(repository, i, region, roles)
    return repository


def _token_repositories(stack: TerraformStack, roles: List[Any]) -> None:
    """Every seed keyword given (checked against INPUTS), and token inputs of each kind."""
    shared = TerraformLocal(stack, "shared_tags", {"CostCenter": "R&D, #42", "Owner": "platform"})
    variable = {n: TerraformVariable(stack, n, type=t) for n, t in (
        ("repository_name", "string"), ("disposable", "bool"), ("scan", "bool"), ("lifecycle", "bool"),
        ("expiry_days", "number"), ("keep", "number"), ("prefixes", "list(string)"),
        ("pullers", "list(string)"), ("pusher", "string"), ("key", "string"), ("owner", "string"))}
    every = ecr.RepositoryProps(
        name="platform/every-input", image_tag_mutability="IMMUTABLE", scan_on_push=True,
        enhanced_scanning=True, enhanced_scan_frequency="CONTINUOUS_SCAN", encryption_type="KMS",
        kms_key_arn=KEY, force_delete=False, enable_lifecycle_policy=True, untagged_image_expiry_days=10,
        max_tagged_image_count=40, lifecycle_tag_prefix_list=["v"], lifecycle_rules=[],
        protected_tags=["prod-*"], pull_principal_arns=[f"arn:aws:iam::{PARTNER}:role/reader", roles[0].arn],
        push_principal_arns=[ACCOUNT], tags={"Team": "platform", "Cost Center": "R&D, #42 ${x}"},
        prevent_destroy=True, provider=None, replicate_to=[WEST, DR], lifecycle_policy_json=None,
        adopt=None, image_tag_mutability_exclusion_filters=[])
    assert set(every) == {spec.name for spec in INPUTS}, "a seed keyword is missing"
    ecr.Repository(stack, "every_input", **every)
    ecr.Repository(
        stack, "token_name", name=variable["repository_name"].string_value,
        tags=Fn.merge([shared.as_string_map, {"Team": "platform"}]),
        force_delete=variable["disposable"].boolean_value, scan_on_push=variable["scan"].boolean_value,
        enable_lifecycle_policy=variable["lifecycle"].boolean_value,
        untagged_image_expiry_days=variable["expiry_days"].number_value,
        max_tagged_image_count=variable["keep"].number_value,
        lifecycle_tag_prefix_list=variable["prefixes"].list_value,
        pull_principal_arns=variable["pullers"].list_value,
        push_principal_arns=[variable["pusher"].string_value], kms_key_arn=variable["key"].string_value)
    ecr.Repository(stack, "token_tags", name="platform/token-tags", tags=shared.as_string_map,
                   lifecycle_rules=[R(tag_pattern_list=["v*"], max_image_count=variable["keep"].number_value)])
    ecr.Repository(stack, "token_tag_values", name="platform/token-tag-values",
                   tags={"Owner": variable["owner"].string_value, variable["owner"].string_value: "x"})


def build_fleet(app: App) -> None:
    identities = _stack(app, "identities", "us-east-1", ACCOUNT)
    ecr.require_provider_versions(identities)  # bindings used, but no repository to declare them
    deployer = _role(identities, "deployer", "codebuild.amazonaws.com")
    ecr.grant_registry_login(deployer).move_from_id("aws_iam_role_policy.deployer_login")

    platform = _stack(app, "platform", "us-east-1", ACCOUNT)
    eu = AwsProvider(platform, "eu", region="eu-west-1", alias="eu", allowed_account_ids=[ACCOUNT])
    key, eu_key = KmsKey(platform, "ecr", enable_key_rotation=True), KmsKey(
        platform, "ecr_eu", enable_key_rotation=True, provider=eu)
    ci = _role(platform, "ci", "codebuild.amazonaws.com")
    auditor = IamUser(platform, "auditor", name="fleet-auditor")
    ecr.grant_registry_login(auditor)
    apps = _stack(app, "apps", "us-east-1", ACCOUNT)
    owner = ecr.Registry(platform, **ecr.RegistryProps(
        account_id=ACCOUNT, region="us-east-1", basic_scan_type_version=ecr.BasicScanTypeVersion.AWS_NATIVE,
        registry_policy_scope=ecr.RegistryPolicyScope.V2, kms_key_arn=key.arn, allow_over_coverage=True))
    owner.include(apps)
    owner.add_rule("apps/*", ecr.ScanFrequency.SCAN_ON_PUSH).add_rule("apps/critical-*", "CONTINUOUS_SCAN")
    owner.replicate(["shared/"], [WEST]).replicate([], [ecr.ReplicationDestination("ap-southeast-2")])
    regions = ("ca-central-1", "sa-east-1", "eu-north-1", "ap-south-1", "eu-west-3", "me-south-1")
    for team, region in zip(TEAMS, regions):  # 8 rules: the repositories' filters must be merged
        owner.replicate([f"{team}/"], [ecr.ReplicationDestination(region)])
    owner.add_pull_through_cache("ecr-public", ecr.Upstream.ecr_public())
    owner.add_pull_through_cache("docker-hub", ecr.Upstream.docker_hub(),
                                 credential_secret=f"{SECRETS}/docker-hub-AbCdEf")
    owner.add_pull_through_cache("quay", "quay.io", scan_frequency=ecr.ScanFrequency.CONTINUOUS_SCAN)
    owner.add_pull_through_cache("k8s", ecr.Upstream(ecr.UpstreamRegistry.KUBERNETES, "registry.k8s.io"),
                                 **ecr.PullThroughCacheProps(scan_frequency=None, creation_template=False))
    owner.add_pull_through_cache("partner", ecr.Upstream.ecr(PARTNER, "us-east-1"),
                                 custom_role_arn=f"arn:aws:iam::{ACCOUNT}:role/ecr-upstream",
                                 upstream_repository_prefix="base")
    ecr.PullThroughCache(owner, "ghcr", ecr.Upstream.github_container_registry(),
                         credential_secret=f"{SECRETS}/ghcr-AbCdEf")
    owner.add_creation_template("payments", [ecr.AppliedFor.REPLICATION, ecr.AppliedFor.PULL_THROUGH_CACHE],
                                **ecr.RepositoryCreationTemplateProps(
        description="Payments replicas and caches", kms_key_arn=KEY, tags={"Team": "payments"},
        lifecycle_rules=RULE_SETS["typed"], protected_tags=["release-*"],
        pull_principal_arns=[ci.arn], push_principal_arns=[PARTNER]))
    owner.add_creation_template("docker-hub", ["PULL_THROUGH_CACHE"], image_tag_mutability="MUTABLE",
                                encryption_type=ecr.EncryptionType.KMS, custom_role_arn=TEMPLATE_ROLE)
    ecr.RepositoryCreationTemplate(owner, "ROOT", ["REPLICATION"], lifecycle_rules=[])
    owner.allow_replication_from(PARTNER).allow_pull_through_cache_for_organization(ORG)
    eu_owner = ecr.Registry(platform, "RegistryEu", provider=eu, kms_key_arn=eu_key.arn,
                            basic_scan_type_version=None)
    ecr.RemovedRepository(platform, "retired", name="legacy/api")
    ecr.RemovedRepository(platform, "retired_eu", name="legacy/api", provider=eu)

    roles = [ci, auditor, deployer]
    fleet = [f"{team}/{service}-{n}" if n else f"{team}/{service}"
             for team in TEAMS for n in range(5) for service in SERVICES]  # 200
    repositories = [_repository(platform, i, name, region="us-east-1", roles=roles,
                                keys=[None, KEY, key.arn]) for i, name in enumerate(fleet)]
    for i in range(20):
        _repository(platform, i, f"shared/eu-{i}", region="eu-west-1", roles=roles,
                    keys=[None, eu_key.arn], provider=eu)
    _token_repositories(platform, roles)
    for repository in repositories[:2]:
        for spec in OUTPUTS:
            TerraformOutput(platform, f"{repository.node.id}_{spec.name}",
                            value=getattr(repository, spec.name), description=spec.description)
    policy = repositories[1].lifecycle_policy.policy_input  # its JSON, as the library wrote it
    ecr.check_lifecycle_policy(policy)
    preview = ecr.preview_lifecycle(policy, IMAGES, now="2027-01-01T00:00:00Z")
    TerraformOutput(platform, "lifecycle_preview", value=json.dumps(
        [[v.digest[-4:], v.verdict.value, v.rule_priority] for v in preview.images]))
    TerraformOutput(platform, "registries", value=[str(owner.location), str(eu_owner.location),
                                                    str(ecr.RegistryLocation(DR_ACCOUNT, "eu-west-1"))])
    try:
        ecr.Repository(platform, "refused", name="Not A Repository Name")
        raise AssertionError("a bad name was accepted")
    except ecr.ValidationError:
        pass  # refused before anything reaches the tree

    for i in range(60):  # apps: included in the platform's registry, covered by its namespace rules
        name = f"apps/critical-{i}" if i % 3 == 0 else f"apps/svc-{i}"
        _repository(apps, i, name, region="us-east-1", roles=[deployer, ci], keys=[None],
                    enhanced_scanning=i % 3 == 0, enhanced_scan_frequency="CONTINUOUS_SCAN")

    team = _stack(app, "team", "eu-central-1", PARTNER)
    ecr.Registry.managed_elsewhere(team)  # writes no scanning nor replication configuration
    for i in range(30):
        _repository(team, i, f"team/svc-{i}", region="eu-central-1", roles=[deployer], keys=[None])

    dr = _stack(app, "dr", "eu-west-1", DR_ACCOUNT)
    ecr.RegistryScanning(dr, account_id=DR_ACCOUNT, region="eu-west-1", kms_key_arn=DR_KEY,
                         registry_policy_scope=ecr.RegistryPolicyScope.V1)
    for i in range(20):
        _repository(dr, i, f"dr/restore-{i}", region="eu-west-1", keys=[None, DR_KEY], replicate=False,
                    roles=[f"arn:aws:iam::{DR_ACCOUNT}:role/ops"])
