"""Adoption, for real: a registry made outside this library, taken over by the generated code.

In a region of its own on the shared endpoint, the world before adoption is made the
ways platform teams made it: the reference HCL module and a stand-in with
terraform-aws-modules' addresses, applied with real Terraform in an "old root", and
repositories made with boto3 as the console and scripts do (no state at all). Every
repository holds images, and most have repository and lifecycle policies; the registry
has ENHANCED scanning (the reference module's), a replication rule and a registry policy.

Then docs/adopting.md is followed step by step: the old root leaves its state with the
guide's ``removed`` blocks (destroying nothing), ``python -m cdktf_aws_ecr.adopt`` writes
the code, and a stack calling it is planned and applied. The plan must show only imports,
in-place updates and the lifecycle policies it announced it would create, exactly the
changes it announced; after the apply every image is still there, the guardrails are in
place and the next plan is empty. A repository is then retired and adopted again.

``test_adoption`` (make test) makes a dozen repositories covering every kind;
``test_adoption_of_fifty_repositories`` (long_running) makes 50.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Tuple

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import Adopt, RemovedRepository, Repository
from devtools import seed
from devtools.local_aws import ACCOUNT_ID, LocalAws

from .conftest import Plan, parallel, plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REGION = "eu-west-2"
#: The long-running story's region and the retired repository's: registries of their own.
LARGE_REGION = "ap-southeast-4"
RETIRE_REGION = "ap-south-2"
REPO_ROOT = Path(__file__).resolve().parents[2]
GUIDE = REPO_ROOT / "docs" / "adopting.md"
PULL = ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
ORG = "o-abcdefghij"
PARTNER = "210987654321"


def manifest(seed_text: str) -> str:
    """A distinct image manifest (ECR keys images by the manifest's digest)."""
    config = hashlib.sha256(seed_text.encode()).hexdigest()
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                   "digest": f"sha256:{config}"},
        "layers": [],
    })


def lifecycle(*rules: Dict[str, Any]) -> str:
    return json.dumps({"rules": list(rules)}, indent=2)


def rule(priority: int, status: str, count_type: str, number: int, **selection: Any) -> Dict[str, Any]:
    chosen = {"tagStatus": status, **selection, "countType": count_type, "countNumber": number}
    if count_type == "sinceImagePushed":
        chosen["countUnit"] = "days"
    return {"rulePriority": priority, "selection": chosen, "action": {"type": "expire"}}


def policy(*statements: Dict[str, Any], version: str = "2012-10-17") -> str:
    return json.dumps({"Version": version, "Statement": list(statements)}, indent=2)


# --------------------------------------------------------------------------- the old root (HCL)

#: terraform-aws-modules/ecr keeps each resource at ``<type>.this[0]`` inside its module;
#: this stand-in (written here, not its code) has those addresses and its defaults.
STAND_IN = """
variable "repository_name" { type = string }
variable "repository_policy" { type = string }
variable "repository_lifecycle_policy" { type = string }
resource "aws_ecr_repository" "this" {
  count                = 1
  name                 = var.repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false
  encryption_configuration { encryption_type = "AES256" }
  image_scanning_configuration { scan_on_push = true }
}
resource "aws_ecr_repository_policy" "this" {
  count      = 1
  repository = aws_ecr_repository.this[0].name
  policy     = var.repository_policy
}
resource "aws_ecr_lifecycle_policy" "this" {
  count      = 1
  repository = aws_ecr_repository.this[0].name
  policy     = var.repository_lifecycle_policy
}
"""


def _hcl(value: Any) -> str:
    return json.dumps(value)


def seed_modules(kms_key: str, extra: int) -> Dict[str, Dict[str, Any]]:
    """The reference module's calls: its usage example, its defaults, a mutable one
    without policies, and ``extra`` more like the example."""
    modules: Dict[str, Dict[str, Any]] = {
        "accounts": {"name": "seed/accounts-service", "enhanced_scanning": True,
                     "kms_key_arn": kms_key, "untagged_image_expiry_days": 7,
                     "max_tagged_image_count": 20, "lifecycle_tag_prefix_list": ["v", "sha-"],
                     "push_principal_arns": [f"arn:aws:iam::{ACCOUNT_ID}:role/ci-build"],
                     "pull_principal_arns": [f"arn:aws:iam::{ACCOUNT_ID}:role/ecs-task-execution"],
                     "tags": {"Team": "payments"}},
        "ledger": {"name": "seed/ledger"},
        "legacy": {"name": "seed/legacy", "image_tag_mutability": "MUTABLE",
                   "scan_on_push": False, "enable_lifecycle_policy": False},
    }
    for number in range(extra):
        modules[f"service{number}"] = {
            "name": f"seed/service-{number}", "max_tagged_image_count": 10 + number,
            "pull_principal_arns": [ACCOUNT_ID],
        }
    return modules


def stand_in_modules(extra: int) -> Dict[str, Dict[str, Any]]:
    modules = {}
    for number in range(1 + extra):
        modules[f"tfm_app{number}"] = {
            "repository_name": f"tfm/app-{number}",
            "repository_policy": policy(
                {"Sid": "PrivateReadOnly", "Effect": "Allow",
                 "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                 "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                            "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:ListImages"]},
                {"Sid": "PrivateLambdaReadOnly", "Effect": "Allow",
                 "Principal": {"Service": "lambda.amazonaws.com"},
                 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]},
            ),
            "repository_lifecycle_policy": lifecycle({
                **rule(1, "tagged", "imageCountMoreThan", 30, tagPrefixList=["v"]),
                "description": "Keep last 30 images"}),
        }
    return modules


def write_old_root(directory: Path, region: str, seed_calls: Mapping[str, Dict[str, Any]],
                   stand_in_calls: Mapping[str, Dict[str, Any]]) -> None:
    seed.write_module(directory / "modules" / "seed")
    (directory / "modules" / "stand-in").mkdir(parents=True)
    (directory / "modules" / "stand-in" / "main.tf").write_text(STAND_IN)
    blocks = [f'provider "aws" {{\n  region = "{region}"\n}}\n']
    for source, calls in (("./modules/seed", seed_calls), ("./modules/stand-in", stand_in_calls)):
        for name, inputs in calls.items():
            body = "".join(f"  {key} = {_hcl(value)}\n" for key, value in inputs.items())
            blocks.append(f'module "{name}" {{\n  source = "{source}"\n{body}}}\n')
    (directory / "main.tf").write_text("\n".join(blocks))


def guide_removed_block(module: str) -> str:
    """The guide's ``removed`` block (docs/adopting.md, reference module step 1) for ``module``."""
    section = GUIDE.read_text().split("## From the reference HCL module", 1)[1]
    block = re.search(r"```hcl\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the guide lost its removed block"
    return block.group(1).replace("module.accounts", f"module.{module}")


def guide_command(section: str) -> List[str]:
    """The generator's arguments as the guide's step 2 writes them."""
    text = GUIDE.read_text().split(section, 1)[1]
    match = re.search(r"`python -m cdktf_aws_ecr\.adopt ([^`]*)`", text)
    assert match is not None
    return match.group(1).split()


# --------------------------------------------------------------------------- made with boto3


def console_repositories(ecr: Any, region: str, kms_key: str, extra: int) -> None:
    """Repositories as the console and scripts make them, each kind of policy once."""
    ecr.create_repository(repositoryName="console/bare")
    ecr.create_repository(repositoryName="console/keyed", imageTagMutability="IMMUTABLE",
                          encryptionConfiguration={"encryptionType": "KMS", "kmsKey": kms_key},
                          imageScanningConfiguration={"scanOnPush": True})
    ecr.put_lifecycle_policy(repositoryName="console/keyed", lifecyclePolicyText=lifecycle(
        rule(2, "tagged", "imageCountMoreThan", 9, tagPatternList=["prod-*"]),
        rule(10, "any", "imageCountMoreThan", 100)))
    ecr.set_repository_policy(repositoryName="console/keyed", policyText=policy(
        {"Sid": "AllowPullOrganization", "Effect": "Allow", "Principal": "*", "Action": PULL,
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG}}}))
    ecr.create_repository(repositoryName="scripts/raw", imageTagMutability="MUTABLE",
                          tags=[{"Key": "Owner", "Value": "scripts"}])
    ecr.put_lifecycle_policy(repositoryName="scripts/raw", lifecyclePolicyText=lifecycle(
        rule(1, "tagged", "imageCountMoreThan", 5, tagPrefixList=["rel*"])))
    ecr.set_repository_policy(repositoryName="scripts/raw", policyText=policy(
        {"Sid": "AllowPullLambdaBySourceArn", "Effect": "Allow",
         "Principal": {"Service": "lambda.amazonaws.com"}, "Action": PULL,
         "Condition": {"ArnLike": {"aws:SourceArn":
                                   f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:api"}}},
        {"Sid": "DenyDelete", "Effect": "Deny", "Principal": {"AWS": "*"},
         "Action": "ecr:BatchDeleteImage"}))
    ecr.create_repository(repositoryName="console/public")
    ecr.set_repository_policy(repositoryName="console/public", policyText=policy(
        {"Sid": "new statement", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": PULL},
        version="2008-10-17"))
    for number in range(extra):
        name = f"scripts/job-{number}"
        ecr.create_repository(repositoryName=name, imageTagMutability="MUTABLE")
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=lifecycle(
            rule(1, "untagged", "sinceImagePushed", 1 + number)))
        ecr.set_repository_policy(repositoryName=name, policyText=policy(
            {"Sid": "AllowPull", "Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": PULL}))


def registry_settings(ecr: Any, region: str) -> None:
    ecr.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": "ap-east-1", "registryId": ACCOUNT_ID}],
        "repositoryFilters": [{"filter": "seed/", "filterType": "PREFIX_MATCH"}]}]})
    ecr.put_registry_policy(policyText=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": f"AllowReplicationFrom{PARTNER}", "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
        "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
        "Resource": f"arn:aws:ecr:{region}:{ACCOUNT_ID}:repository/*"}]}))


# --------------------------------------------------------------------------- the story


def changes(result: Plan) -> Dict[str, Tuple[List[str], bool]]:
    """``{address: (actions, imported)}`` of the plan's managed resources."""
    assert result.json is not None, result.output
    return {
        c["address"]: (c["change"]["actions"], bool(c["change"].get("importing")))
        for c in result.json.get("resource_changes", []) if c["mode"] == "managed"
    }


class Story:
    def __init__(self, endpoint: LocalAws, root: Path, region: str = REGION) -> None:
        self.root = root
        self.region = region
        self.env = endpoint.environ(region)
        self.ecr = boto3.client("ecr", region_name=region, endpoint_url=endpoint.url,
                                aws_access_key_id="test", aws_secret_access_key="test")
        self.kms = boto3.client("kms", region_name=region, endpoint_url=endpoint.url,
                                aws_access_key_id="test", aws_secret_access_key="test")

    def apply(self, directory: Path, *extra: str) -> str:
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve",
                                       *extra], self.env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def images(self) -> Dict[str, List[str]]:
        names = [r["repositoryName"] for page in self.ecr.get_paginator(
            "describe_repositories").paginate() for r in page["repositories"]]
        return {name: sorted(i["imageDigest"] for i in self.ecr.describe_images(
            repositoryName=name)["imageDetails"]) for name in names}

    def generate(self, *arguments: str, name: str = "adopted") -> Dict[str, Any]:
        report = self.root / f"{name}-report.json"
        output = self.root / f"{name}.py"
        command = [sys.executable, "-m", "cdktf_aws_ecr.adopt", *arguments,
                   "--output", str(output), "--report", str(report)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600,
                                env={**self.env, "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}"})
        assert result.returncode == 0, result.stderr
        return {"stderr": result.stderr, "report": json.loads(report.read_text()),
                "source": output.read_text()}

    def synthesize(self, name: str, declare: Callable[[TerraformStack], Any],
                   state: str = "adopted") -> Path:
        """Synthesize a stack whose state is ``state`` under the story's root."""
        outdir = self.root / name
        app = App(outdir=str(outdir))
        stack = TerraformStack(app, "adopted")
        AwsProvider(stack, "aws", region=self.region)
        LocalBackend(stack, path=str(self.root / f"{state}.tfstate"))
        declare(stack)
        app.synth()
        return outdir / "stacks" / "adopted"

    def init(self, directory: Path) -> Path:
        init = terraform(directory, ["init", "-input=false", "-no-color"], self.env)
        assert init.returncode == 0, init.stderr
        return directory


def declare_generated(source: str) -> Callable[[TerraformStack], Dict[str, Any]]:
    namespace: Dict[str, Any] = {}
    exec(compile(source, "adopted.py", "exec"), namespace)
    declared: Callable[[TerraformStack], Dict[str, Any]] = namespace["declare_registry"]
    return declared


def subject_of(address: str, names: Mapping[str, str]) -> str:
    """The repository name of a repository's resource, or ``registry``."""
    return names.get(address.split(".", 1)[1], "registry")


def run_story(endpoint: LocalAws, root: Path, extra: int, region: str = REGION,
              as_is: bool = False) -> Dict[str, Any]:
    told = Story(endpoint, root, region)
    facts: Dict[str, Any] = {}
    kms_key = told.kms.create_key(Description="ecr")["KeyMetadata"]["Arn"]
    seed_calls = seed_modules(kms_key, extra // 2)
    stand_in_calls = stand_in_modules(extra // 8)
    old_root = root / "old-root"
    write_old_root(old_root, region, seed_calls, stand_in_calls)

    def old_root_applied() -> None:
        init = terraform(old_root, ["init", "-input=false", "-no-color"], told.env)
        assert init.returncode == 0, init.stderr
        told.apply(old_root)

    def made_with_boto3() -> None:
        console_repositories(told.ecr, region, kms_key, extra - extra // 2 - extra // 8)
        registry_settings(told.ecr, region)

    parallel({"old root": old_root_applied, "boto3": made_with_boto3})
    for name in [r["repositoryName"] for r in told.ecr.describe_repositories(maxResults=1000)[
            "repositories"]]:
        told.ecr.put_image(repositoryName=name, imageManifest=manifest(name + "1"), imageTag="v1.0.0")
        told.ecr.put_image(repositoryName=name, imageManifest=manifest(name + "2"))
    facts["images before"] = told.images()
    facts["repository count"] = len(facts["images before"])

    # The guide, reference module step 1: removed blocks in the old root, then apply.
    (old_root / "main.tf").write_text(
        f'provider "aws" {{\n  region = "{region}"\n}}\n\n'
        + "\n".join(guide_removed_block(m) for m in (*seed_calls, *stand_in_calls)))
    facts["leave plan"] = plan(old_root, told.env, with_json=True)
    facts["leave apply"] = told.apply(old_root)
    facts["old state"] = json.loads((old_root / "terraform.tfstate").read_text())

    # Step 2: the generator, with the guide's arguments (the region is ours).
    arguments = guide_command("## From the reference HCL module")
    arguments[arguments.index("<region>")] = region
    arguments = [a for a in arguments if a not in ("--output", "adopted.py")]
    facts["generated"] = told.generate(*arguments)

    if as_is:
        # Every live setting kept: the plan imports and changes only what was announced.
        kept = told.generate(*arguments, "--as-is", name="as-is")
        declare_as_is = declare_generated(kept["source"])
        directory = told.init(told.synthesize("as-is", declare_as_is, state="as-is"))
        facts["as-is"] = {"report": kept["report"], "plan": plan(directory, told.env, with_json=True)}

    # Step 3: a stack calling the generated code; plan, apply, plan again.
    declare = declare_generated(facts["generated"]["source"])
    adopted = told.init(told.synthesize("adopted", declare))
    synth = json.loads((adopted / "cdk.tf.json").read_text())
    facts["addresses"] = {key: body["name"] for key, body in
                          synth["resource"]["aws_ecr_repository"].items()}
    facts["first plan"] = plan(adopted, told.env, with_json=True)
    told.apply(adopted)
    facts["images after"] = told.images()
    facts["second plan"] = plan(adopted, told.env)
    facts["repositories after"] = {
        r["repositoryName"]: r for r in told.ecr.describe_repositories(maxResults=1000)["repositories"]}
    facts["lifecycle after"] = {
        name: told.ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
        for name in facts["repositories after"]}
    facts["scanning after"] = told.ecr.get_registry_scanning_configuration()["scanningConfiguration"]
    facts["story"] = told
    return facts


@pytest.fixture(scope="module")
def story(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """The adoption story, with the retire-and-adopt-again story's Terraform runs beside it."""
    retire = RetireStory(e2e_endpoint, tmp_path_factory.mktemp("retire"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        retired = pool.submit(retire.run)
        facts = run_story(e2e_endpoint, tmp_path_factory.mktemp("adoption"), extra=0)
        facts["retired and adopted"] = retired.result()
    yield facts


def check_story(facts: Dict[str, Any]) -> None:
    """Everything the issue asks of an adoption, on one story's facts."""
    # The old root left its state, destroying nothing.
    leave = changes(facts["leave plan"])
    assert leave and all(actions == ["forget"] for actions, _ in leave.values()), leave
    assert "will no longer be managed by Terraform" in facts["leave plan"].output
    assert "0 destroyed" in facts["leave apply"], facts["leave apply"]
    assert [r for r in facts["old state"]["resources"] if r["mode"] == "managed"] == []
    # The generator announced, before anything was applied, what the first apply changes.
    announced = {(c["subject"], c["resource"], c["action"])
                 for c in facts["generated"]["report"]["changes"]}
    stderr = facts["generated"]["stderr"]
    assert "adopt: the first apply changes" in stderr
    assert f"repositories to read in {ACCOUNT_ID}/{facts['story'].region}" in stderr
    # The first plan: imports, in-place updates, and only the announced creates.
    first = changes(facts["first plan"])
    names = facts["addresses"]
    assert len(names) == facts["repository count"]
    planned = set()
    for address, (actions, imported) in first.items():
        assert actions in (["no-op"], ["update"], ["create"]), (address, actions)
        if actions == ["create"]:
            assert not imported and address.startswith("aws_ecr_lifecycle_policy."), address
        else:
            assert imported, f"{address} is neither imported nor created"
        if actions != ["no-op"]:
            planned.add((subject_of(address, names), address.split(".")[0], actions[0]))
    assert planned == announced
    for address in (f"aws_ecr_repository.{key}" for key in names):
        assert first[address][1], f"{address} is not imported"
    # After the apply: every image is where it was, the guardrails hold, nothing is left to do.
    assert facts["images after"] == facts["images before"]
    assert facts["second plan"].returncode == 0, facts["second plan"].output
    for name, repository in facts["repositories after"].items():
        assert repository["imageTagMutability"] == "IMMUTABLE", name
        assert repository["imageScanningConfiguration"]["scanOnPush"] is True, name
        assert facts["lifecycle after"][name], name
    filters = {rule["scanFrequency"]: {f["filter"] for f in rule["repositoryFilters"]}
               for rule in facts["scanning after"]["rules"]}
    assert "seed/accounts-service" in filters["CONTINUOUS_SCAN"]
    assert "console/bare*" in filters["SCAN_ON_PUSH"]


def test_adoption(story: Dict[str, Any]) -> None:
    check_story(story)
    assert story["repository count"] == 8


def test_the_announcement_names_each_kind_of_change(story: Dict[str, Any]) -> None:
    report = story["generated"]["report"]
    said = {(c["subject"], c.get("kind") or c["description"]) for c in report["changes"]}
    assert ("seed/legacy", "image_tag_mutability MUTABLE -> IMMUTABLE") in said
    assert ("seed/legacy", "scan_on_push false -> true") in said
    assert ("seed/legacy", "the default lifecycle policy is attached") in said
    assert any(s == "console/public" and "repository policy" in d for s, d in said)
    notes = " ".join(n["description"] for n in report["notes"])
    assert "account setting BASIC_SCAN_TYPE_VERSION stays as it is" in notes
    # AND the reference module's inputs came back as its keywords
    source = story["generated"]["source"]
    ledger = source.split('repositories["seed/ledger"]', 1)[1].split("\n\n", 1)[0]
    for keyword in ("untagged_image_expiry_days=14", "max_tagged_image_count=30",
                    'lifecycle_tag_prefix_list=["v"]'):
        assert keyword in ledger, ledger
    accounts = source.split('repositories["seed/accounts-service"]', 1)[1].split("\n\n", 1)[0]
    assert f'push_principal_arns=["arn:aws:iam::{ACCOUNT_ID}:role/ci-build"]' in accounts


def test_a_public_statement_is_gone_and_the_partner_keeps_pulling(story: Dict[str, Any]) -> None:
    ecr = story["story"].ecr
    live = json.loads(ecr.get_repository_policy(repositoryName="console/public")["policyText"])
    statements = live["Statement"] if isinstance(live["Statement"], list) else [live["Statement"]]
    assert [s["Sid"] for s in statements] == ["Partner"]


class RetireStory:
    """One repository with an image: adopted with the wrong encryption (refused), adopted,
    retired with RemovedRepository and adopted again, in one state. Its stacks are synthesized first (jsii stays on the calling
    thread); :meth:`run` only runs Terraform, so it may run beside another story."""

    NAME = "retire/again"

    def __init__(self, endpoint: LocalAws, root: Path) -> None:
        self.told = Story(endpoint, root, RETIRE_REGION)
        self.told.ecr.create_repository(repositoryName=self.NAME)
        self.told.ecr.put_image(repositoryName=self.NAME, imageManifest=manifest(self.NAME),
                                imageTag="v1")
        adopt = Adopt(lifecycle_policy=False, repository_policy=False)

        def repository(stack: TerraformStack) -> Repository:
            return Repository(stack, "again", name=self.NAME, adopt=adopt, scan_on_push=False,
                              image_tag_mutability="MUTABLE", enable_lifecycle_policy=False)

        self.wrong = self.told.synthesize("wrong-encryption", lambda stack: Repository(
            stack, "again", name=self.NAME, adopt=adopt, encryption_type="KMS"), state="wrong")
        self.steps = [
            self.told.synthesize("adopted", repository, state="retire"),
            self.told.synthesize("retired", lambda stack: RemovedRepository(
                stack, "again", name=self.NAME), state="retire"),
            self.told.synthesize("adopted-again", repository, state="retire"),
        ]

    def run(self) -> Dict[str, Any]:
        told, (adopted, retired, again) = self.told, self.steps
        facts: Dict[str, Any] = {}
        # Adopted with another encryption than its own, it would be replaced: refused at plan.
        facts["wrong plan"] = plan(told.init(self.wrong), told.env)
        working = told.init(adopted)  # one directory, each step's configuration in turn
        told.apply(working)
        shutil.copy(retired / "cdk.tf.json", working / "cdk.tf.json")
        facts["retire plan"] = plan(working, told.env, with_json=True)
        facts["retire apply"] = told.apply(working)
        shutil.copy(again / "cdk.tf.json", working / "cdk.tf.json")
        facts["adopt plan"] = plan(working, told.env, with_json=True)
        told.apply(working)
        facts["after"] = plan(working, told.env)
        facts["images"] = told.ecr.describe_images(repositoryName=self.NAME)["imageDetails"]
        return facts


def test_adopting_with_another_encryption_is_refused_at_plan(story: Dict[str, Any]) -> None:
    wrong = story["retired and adopted"]["wrong plan"]
    assert wrong.returncode == 1, wrong.output
    said = " ".join(wrong.stderr.split())  # Terraform wraps the message
    assert "Resource precondition failed" in said
    assert "Repository 'adopted/again': the adopted repository's live encryption is not the " \
           "declared encryption_type KMS; encryption is fixed at creation" in said


def test_retire_then_adopt_again(story: Dict[str, Any]) -> None:
    facts = story["retired and adopted"]
    assert changes(facts["retire plan"]) == {
        "aws_ecr_repository.retire--again": (["forget"], False)}, facts["retire plan"].output
    assert "0 destroyed" in facts["retire apply"]
    assert changes(facts["adopt plan"]) == {"aws_ecr_repository.retire--again": (["no-op"], True)}
    assert facts["after"].returncode == 0, facts["after"].output
    assert [i["imageTags"] for i in facts["images"]] == [["v1"]]


@pytest.mark.long_running
def test_adoption_of_fifty_repositories(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> None:
    facts = run_story(e2e_endpoint, tmp_path_factory.mktemp("adoption-50"), extra=42,
                      region=LARGE_REGION, as_is=True)
    assert facts["repository count"] == 50
    check_story(facts)
    # With --as-is, what changes is only what the library cannot keep, and it was announced.
    kept = facts["as-is"]
    planned = {(address, actions[0]) for address, (actions, imported) in
               changes(kept["plan"]).items() if actions != ["no-op"]}
    announced = {(c["subject"], c["resource"], c["action"]) for c in kept["report"]["changes"]}
    assert {(subject_of(a, facts["addresses"]), a.split(".")[0], action)
            for a, action in planned} == announced
    assert all(c["subject"] == "registry" or c["resource"] == "aws_ecr_repository_policy"
               for c in kept["report"]["changes"]), kept["report"]["changes"]
