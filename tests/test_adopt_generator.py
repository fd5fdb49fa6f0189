"""The adoption generator without AWS: how live policies and settings map onto the library,
which changes it announces, and that its module runs. Each test reads GIVEN / WHEN / THEN.

The generator decides "no change" with the provider's own comparisons (ported in
``adopt/equivalence.py``); ``tests/e2e/test_adoption.py`` holds its announcements to real
``terraform plan`` output. Here its pieces are held to the library: the defaults and
statements it restates, and the policies the library synthesizes for what it writes.
"""

from __future__ import annotations

import json
import warnings
from typing import Any, Dict, List

from cdktf import TerraformStack
from conftest import ACCOUNT, REGION, synth_json

from cdktf_aws_ecr import AdoptionWarning, Repository, RepositoryProps
from cdktf_aws_ecr.adopt.cli import generate
from cdktf_aws_ecr.adopt.equivalence import (
    lifecycle_policies_equivalent,
    policies_equivalent,
    statements_equivalent,
)
from cdktf_aws_ecr.adopt.lifecycle import SEED_DEFAULTS, declared_lifecycle_policy, default_policy
from cdktf_aws_ecr.adopt.live import LiveRegistry, LiveRepository
from cdktf_aws_ecr.adopt.registry import _replication_source
from cdktf_aws_ecr.adopt.repository_policy import declared_repository_policy
from cdktf_aws_ecr.inputs import input_specs
from cdktf_aws_ecr.registry.registry_policy import replication_source_statement

PULL = ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer"]
PUSH = PULL + ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
               "ecr:CompleteLayerUpload"]
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecs"


def _seed_rules(days: int = 7, count: int = 20, prefixes: List[str] = ["v"]) -> Dict[str, Any]:
    """The seed module's two rules, as its HCL writes them."""
    return {"rules": [
        {"rulePriority": 1, "description": f"Expire untagged images older than {days} days",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                       "countUnit": "days", "countNumber": days},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "description": f"Keep only the most recent {count} tagged images",
         "selection": {"tagStatus": "tagged", "tagPrefixList": prefixes,
                       "countType": "imageCountMoreThan", "countNumber": count},
         "action": {"type": "expire"}},
    ]}


def _policy(*statements: Dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)}, indent=2)


def _repository(name: str, **settings: Any) -> LiveRepository:
    return LiveRepository(**{
        "name": name, "arn": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}",
        "image_tag_mutability": "IMMUTABLE", "scan_on_push": True, "encryption_type": "AES256",
        "kms_key": None, "tags": {}, "lifecycle_policy": json.dumps(_seed_rules()),
        "repository_policy": None, **settings,
    })


def _registry(*repositories: LiveRepository, **settings: Any) -> LiveRegistry:
    return LiveRegistry(**{
        "account_id": ACCOUNT, "region": REGION, "repositories": repositories,
        "scanning": {"scanType": "BASIC", "rules": []}, "replication_rules": (),
        "registry_policy": None, "account_settings": {"BASIC_SCAN_TYPE_VERSION": "AWS_NATIVE",
                                                      "REGISTRY_POLICY_SCOPE": "V2"},
        "pull_through_cache_prefixes": (), "creation_template_prefixes": (), **settings,
    })


def _declare(source: str, stack: TerraformStack) -> Dict[str, Any]:
    namespace: Dict[str, Any] = {}
    exec(compile(source, "adopted.py", "exec"), namespace)
    repositories: Dict[str, Any] = namespace["declare_registry"](stack)
    return repositories


# --------------------------------------------------------------------------- the library's facts


def test_the_restated_seed_defaults_are_repository_s() -> None:
    declared = {spec.name: spec.default for spec in input_specs(RepositoryProps)}
    for keyword, value in SEED_DEFAULTS.items():
        assert declared[keyword] == repr(value), keyword


def test_the_restated_replication_grant_is_the_registry_owner_s() -> None:
    ours = _replication_source("210987654321", REGION, ACCOUNT)
    theirs = replication_source_statement("210987654321", REGION, ACCOUNT)
    assert ours.document() == theirs.document()


def test_the_default_policy_is_what_a_repository_without_rules_synthesizes(stack: TerraformStack) -> None:
    Repository(stack, "api", name="payments/api")
    synthesized = synth_json(stack)["resource"]["aws_ecr_lifecycle_policy"]["payments--api"]["policy"]
    assert lifecycle_policies_equivalent(default_policy(), synthesized)


# --------------------------------------------------------------------------- equivalence


def test_policy_equivalence_is_the_provider_s() -> None:
    statement = {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": PULL}
    reordered = {**statement, "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:root"]},
                 "Action": list(reversed(PULL)), "Effect": "allow"}
    assert statements_equivalent(statement, reordered)
    assert policies_equivalent(_policy(statement, {**statement, "Sid": "B"}),
                               _policy({**statement, "Sid": "B"}, reordered))
    assert not policies_equivalent(_policy(statement), _policy(statement, version="2008-10-17"))
    assert not statements_equivalent(statement, {**statement, "Sid": "a"})
    # Non-string condition values never compare equal, as in awspolicyequivalence
    boolean = {**statement, "Condition": {"Bool": {"aws:SecureTransport": False}}}
    assert not statements_equivalent(boolean, boolean)


def test_lifecycle_equivalence_is_the_provider_s() -> None:
    policy = _seed_rules(prefixes=["v", "sha-"])
    reordered = {"rules": [
        {**policy["rules"][1], "selection": {**policy["rules"][1]["selection"],
                                             "tagPrefixList": ["sha-", "v"]}},
        policy["rules"][0],
    ]}
    assert lifecycle_policies_equivalent(policy, json.dumps(reordered, indent=4))
    changed = json.loads(json.dumps(policy))
    changed["rules"][0]["description"] = "other"
    assert not lifecycle_policies_equivalent(policy, changed)


# --------------------------------------------------------------------------- lifecycle policies


def test_the_seed_module_s_policy_is_declared_with_its_keywords() -> None:
    declared = declared_lifecycle_policy(json.dumps(_seed_rules(7, 20), indent=2))
    assert declared.seed_keywords == {"untagged_image_expiry_days": 7, "max_tagged_image_count": 20,
                                      "lifecycle_tag_prefix_list": ["v"]}


def test_a_policy_typed_rules_write_the_same_is_declared_as_typed_rules() -> None:
    # GIVEN the seed's policy with two prefixes (AND), and a policy with explicit priorities
    for policy in (_seed_rules(prefixes=["v", "sha-"]), {"rules": [
        {"rulePriority": 10, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan",
                                           "countNumber": 100}, "action": {"type": "expire"}},
        {"rulePriority": 2, "selection": {"tagStatus": "tagged", "tagPatternList": ["prod-*"],
                                          "countType": "imageCountMoreThan", "countNumber": 9},
         "action": {"type": "expire"}},
    ]}):
        declared = declared_lifecycle_policy(json.dumps(policy))
        # THEN typed rules declare it (no seed keywords: several prefixes would warn)
        assert declared.rules and not declared.seed_keywords and declared.document is None
        assert [r.rule_priority for r in declared.rules] == [r["rulePriority"] for r in policy["rules"]]


def test_a_policy_typed_rules_would_change_is_kept_as_written() -> None:
    # GIVEN a rule naming the standard storage class, which typed rules leave implicit
    policy = {"rules": [{"rulePriority": 1, "selection": {
        "tagStatus": "untagged", "storageClass": "standard", "countType": "sinceImagePushed",
        "countUnit": "days", "countNumber": 3}, "action": {"type": "expire"}}]}
    declared = declared_lifecycle_policy(json.dumps(policy))
    assert declared.document == policy and not declared.rules


def test_a_policy_with_a_fractional_number_is_left_alone_without_asking_jsii() -> None:
    text = json.dumps({"rules": [{"rulePriority": 1, "selection": {
        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5.0},
        "action": {"type": "expire"}}]})
    declared = declared_lifecycle_policy(text)
    assert declared.refused == "the library refuses it: 5.0 is not written as a whole number"


def test_a_policy_the_library_refuses_is_left_alone() -> None:
    any_rule = {"selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5},
                "action": {"type": "expire"}}
    declared = declared_lifecycle_policy(json.dumps(
        {"rules": [{"rulePriority": 1, **any_rule}, {"rulePriority": 2, **any_rule}]}))
    assert declared.refused is not None and "refuses" in declared.refused


# --------------------------------------------------------------------------- repository policies


def test_seed_statements_are_declared_as_principal_lists() -> None:
    live = _policy({"Sid": "AllowPull", "Effect": "Allow", "Principal": {"AWS": [ROLE, ACCOUNT]},
                    "Action": PULL},
                   {"Sid": "AllowPush", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": PUSH})
    declared = declared_repository_policy(live, ACCOUNT)
    assert declared.principal_arns == {"pull_principal_arns": [ROLE, ACCOUNT],
                                       "push_principal_arns": [ROLE]}
    assert not declared.grants and not declared.statements and not declared.differs_from(json.loads(live))


def test_organization_and_service_statements_are_declared_as_grants() -> None:
    org, path = "o-abcdefghij", "o-abcdefghij/r-ab12/ou-ab12-11111111/*"
    live = _policy(
        {"Sid": "AllowPullOrganization", "Effect": "Allow", "Principal": "*", "Action": PULL,
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": org},
                       "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [path]}}},
        {"Sid": "AllowPullLambdaBySourceAccount", "Effect": "Allow",
         "Principal": {"Service": "lambda.amazonaws.com"}, "Action": PULL,
         "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}},
    )
    declared = declared_repository_policy(live, ACCOUNT)
    assert [(method, type(g).__name__) for method, g in declared.grants] == [
        ("grant_pull", "OrganizationPrincipal"), ("grant_pull", "ServicePrincipal")]
    assert declared.grants[0][1].ou_paths == (path,)
    assert not declared.statements and not declared.differs_from(json.loads(live))


def test_other_statements_are_kept_and_what_the_library_refuses_is_said() -> None:
    # GIVEN terraform-aws-modules' statements, a console Sid, a public statement, a deleted
    # role and a NotPrincipal statement
    live = _policy(
        {"Sid": "PrivateReadOnly", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": ["ecr:DescribeImages", "ecr:ListImages"]},
        {"Sid": "PrivateLambdaReadOnly", "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": ["ecr:BatchGetImage"]},
        {"Sid": "new statement", "Effect": "Allow", "Principal": {"AWS": [ROLE, "AROAEXAMPLEEXAMPLE12"]},
         "Action": "ecr:BatchGetImage"},
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
        {"Sid": "DenyOthers", "Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "ecr:*"},
        version="2008-10-17",
    )
    declared = declared_repository_policy(live, ACCOUNT)
    # THEN the statements the library can write are kept, with the least change
    assert [s.sid for s in declared.statements] == ["PrivateReadOnly", "PrivateLambdaReadOnly",
                                                    "NewStatement"]
    assert declared.statements[1].conditions[0].values == (ACCOUNT,)
    assert declared.statements[2].principals == {"AWS": (ROLE,)}
    # AND each change is said
    said = " ".join(declared.dropped)
    for expected in ("limits statement 'PrivateLambdaReadOnly' to the registry's account",
                     "renames statement 'new statement' to 'NewStatement'",
                     "removes AROAEXAMPLEEXAMPLE12 from statement 'new statement'",
                     "drops statement 'Public': it names '*' in an Allow statement",
                     "drops statement 'DenyOthers': NotPrincipal cannot be declared"):
        assert expected in said, said
    assert declared.differs_from(json.loads(live))


def test_a_policy_with_nothing_the_library_can_write_is_left_alone() -> None:
    live = _policy({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:*"})
    declared = declared_repository_policy(live, ACCOUNT)
    assert declared.refused is not None and "Public" in declared.refused
    assert declared.document is None


# --------------------------------------------------------------------------- the whole module


def test_the_module_adopts_each_repository_and_says_each_change(stack: TerraformStack) -> None:
    # GIVEN a registry: a guarded repository, a console-made one, one encrypted with KMS
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    live = _registry(
        _repository("payments/api", repository_policy=_policy(
            {"Sid": "AllowPull", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": PULL})),
        _repository("console/bare", image_tag_mutability="MUTABLE", scan_on_push=False,
                    lifecycle_policy=None, tags={"Team": "web"}),
        _repository("payments/keyed", encryption_type="KMS", kms_key=key),
    )
    # WHEN the module is generated and run in a stack
    generated = generate(live)
    repositories = _declare(generated.source, stack)
    with warnings.catch_warnings():
        warnings.simplefilter("error", AdoptionWarning)
        synth = synth_json(stack)
    # THEN every repository is declared with its live settings, adopting what exists
    assert sorted(repositories) == ["console/bare", "payments/api", "payments/keyed"]
    imports = {b["to"]: b["id"] for b in synth["import"]}
    assert imports == {
        "aws_ecr_repository.payments--api": "payments/api",
        "aws_ecr_lifecycle_policy.payments--api": "payments/api",
        "aws_ecr_repository_policy.payments--api": "payments/api",
        "aws_ecr_repository.console--bare": "console/bare",
        "aws_ecr_repository.payments--keyed": "payments/keyed",
        "aws_ecr_lifecycle_policy.payments--keyed": "payments/keyed",
        "aws_ecr_account_setting.account_setting_basic_scan_type_version": "BASIC_SCAN_TYPE_VERSION",
        "aws_ecr_account_setting.account_setting_registry_policy_scope": "REGISTRY_POLICY_SCOPE",
    }
    resources = synth["resource"]
    keyed = resources["aws_ecr_repository"]["payments--keyed"]["encryption_configuration"][0]
    assert keyed == {"encryption_type": "KMS", "kms_key": key}
    assert resources["aws_ecr_repository"]["console--bare"]["tags"] == {"Team": "web"}
    # AND the console-made repository's guardrails are the announced changes
    assert {(c.subject, c.resource, c.action) for c in generated.changes} == {
        ("console/bare", "aws_ecr_repository", "update"),
        ("console/bare", "aws_ecr_lifecycle_policy", "create"),
    }
    assert {c.kind for c in generated.changes} >= {"image_tag_mutability MUTABLE -> IMMUTABLE",
                                                   "scan_on_push false -> true"}


def test_as_is_keeps_every_live_setting(stack: TerraformStack) -> None:
    live = _registry(_repository("console/bare", image_tag_mutability="MUTABLE",
                                 scan_on_push=False, lifecycle_policy=None))
    generated = generate(live, as_is=True)
    _declare(generated.source, stack)
    repository = synth_json(stack)["resource"]["aws_ecr_repository"]["console--bare"]
    assert repository["image_tag_mutability"] == "MUTABLE"
    assert repository["image_scanning_configuration"] == {"scan_on_push": False}
    assert "aws_ecr_lifecycle_policy" not in synth_json(stack).get("resource", {})
    assert generated.changes == []


def test_registry_settings_are_declared_and_their_changes_said(stack: TerraformStack) -> None:
    # GIVEN an ENHANCED registry with a namespace filter, a replication rule, a replication
    # grant in its policy, Clair basic scanning, and settings the endpoint did not answer
    live = _registry(
        _repository("team/api"), _repository("web/site"),
        scanning={"scanType": "ENHANCED", "rules": [{"scanFrequency": "CONTINUOUS_SCAN",
                  "repositoryFilters": [{"filter": "team/*", "filterType": "WILDCARD"}]}]},
        replication_rules=({"destinations": [{"region": "eu-central-1", "registryId": ACCOUNT}],
                            "repositoryFilters": [{"filter": "team/", "filterType": "PREFIX_MATCH"}]},),
        registry_policy=json.dumps({"Version": "2012-10-17", "Statement": [
            replication_source_statement("210987654321", REGION, ACCOUNT).document()]}),
        account_settings={"BASIC_SCAN_TYPE_VERSION": "CLAIR"},
        unread={"account setting REGISTRY_POLICY_SCOPE": "HTTP 500"},
        pull_through_cache_prefixes=None, creation_template_prefixes=("ROOT",),
    )
    generated = generate(live)
    _declare(generated.source, stack)
    synth = synth_json(stack)
    resources = synth["resource"]
    # THEN the owner writes them, adopting each
    assert set(b["to"].split(".")[0] for b in synth["import"]) >= {
        "aws_ecr_registry_scanning_configuration", "aws_ecr_replication_configuration",
        "aws_ecr_registry_policy", "aws_ecr_account_setting"}
    scanning = resources["aws_ecr_registry_scanning_configuration"]["registry_scanning"]["rule"]
    assert {r["scan_frequency"]: [f["filter"] for f in r["repository_filter"]] for r in scanning} == {
        "CONTINUOUS_SCAN": ["team/*"], "SCAN_ON_PUSH": ["web/site*"]}
    # AND what changes is said: web/site's filter, Clair; what is left alone too
    assert {(c.resource, c.action) for c in generated.changes} == {
        ("aws_ecr_registry_scanning_configuration", "update"), ("aws_ecr_account_setting", "update")}
    notes = " ".join(n.description for n in generated.notes)
    assert "REGISTRY_POLICY_SCOPE stays as it is: it could not be read (HTTP 500)" in notes
    assert "pull-through cache rules were not read" in notes
    assert "repository creation templates (ROOT) stay as they are" in notes


def test_repositories_the_library_cannot_declare_are_left_out_and_said() -> None:
    live = _registry(_repository("dsse/api", encryption_type="KMS_DSSE"), _repository("ok/api"))
    generated = generate(live)
    assert generated.adopted == 1 and '"dsse/api"' not in generated.source
    assert any(n.subject == "dsse/api" and "KMS_DSSE" in n.description for n in generated.notes)


def test_the_module_is_valid_python_for_awkward_values() -> None:
    # GIVEN tags and a description with quotes, backslashes, unicode and template sequences
    tricky = 'a "quoted" \\ value ${x} %{y} ü ✓'
    policy = {"rules": [{"rulePriority": 4, "description": tricky, "selection": {
        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 3},
        "action": {"type": "expire"}}]}
    live = _registry(_repository("odd/one", tags={"Note": tricky}, lifecycle_policy=json.dumps(policy)))
    source = generate(live).source
    # THEN it compiles, and the values come back exactly
    compile(source, "adopted.py", "exec")
    assert json.dumps(tricky, ensure_ascii=False) in source


def test_a_registry_managed_elsewhere_gets_no_settings(stack: TerraformStack) -> None:
    live = _registry(_repository("team/api"), scanning={"scanType": "ENHANCED", "rules": [
        {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]})
    generated = generate(live, managed_elsewhere=True)
    _declare(generated.source, stack)
    synth = synth_json(stack)
    assert "aws_ecr_registry_scanning_configuration" not in synth["resource"]
    assert {b["to"] for b in synth["import"]} == {"aws_ecr_repository.team--api",
                                                 "aws_ecr_lifecycle_policy.team--api"}
