"""Nothing lost, for real: refactors, replacements, retirement and the upgrade path.

One stack is deployed to the local endpoint (a region of its own, so the
example app's registry is untouched), an image is pushed into every
repository, and then the code changes as a platform team changes it. Each
step is a real ``terraform plan``/``apply``; boto3 reads the outcome back.

Which mechanism each test depends on (remove it and the test fails):

* refactors plan no destroy: ``addresses.pin_address`` names each resource after
  the repository (or registry), not the construct path;
* a replacing change fails at plan, touching nothing: the default
  ``prevent_destroy`` (``repository._protected``);
* an allowed replacement keeps its policies: ``replace_triggered_by`` on the
  lifecycle and repository policies;
* retiring keeps the repository: ``RemovedRepository``'s ``removed`` blocks;
* the upgrade from release 0.1.0 destroys nothing (but the example app's
  lifecycle policies, whose rules changed on purpose): the ``moved`` blocks
  ``pin_address`` writes from the path-derived addresses, and the example app's
  ``move_from_id`` onto ``grant_registry_login``'s policies for the registry-login
  policies it used to write itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from cdktf_aws_ecr import RegistryScanning, RemovedRepository, Repository
from devtools import rehearse
from devtools.local_aws import ACCOUNT_ID, LocalAws

from .conftest import MANIFEST, Plan, parallel, plan, synthesize, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REGION = "eu-central-1"
NAMES = ("refactor/api", "refactor/tmp", "refactor/keep", "refactor/old")
FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.0"


def _build(
    outdir: Path,
    state: Path,
    *,
    refactored: bool = False,
    kms_on: Optional[str] = None,
    retire_old: bool = False,
) -> Path:
    """The platform team's stack, before or after a refactor of its construct tree."""
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "platform")
    AwsProvider(stack, "aws", region=REGION)
    LocalBackend(stack, path=str(state))
    RegistryScanning(stack, "Registry" if refactored else "Scanning")
    common: Dict[str, Any] = {"pull_principal_arns": [ACCOUNT_ID]}

    def encryption(name: str) -> Dict[str, Any]:
        return {"encryption_type": "KMS"} if kms_on == name else {}

    api_scope = Construct(stack, "payments") if refactored else stack
    Repository(api_scope, "service" if refactored else "api", name="refactor/api",
               enhanced_scanning=True, **common)
    Repository(stack, "scratch" if refactored else "tmp", name="refactor/tmp", force_delete=True,
               prevent_destroy=False, **common, **encryption("refactor/tmp"))
    Repository(stack, "keep", name="refactor/keep", **common, **encryption("refactor/keep"))
    if retire_old:
        RemovedRepository(stack, "old", name="refactor/old")
    else:
        Repository(stack, "old", name="refactor/old", **common)
    app.synth()
    return outdir / "stacks" / "platform"


def _changes(result: Plan) -> Dict[str, List[str]]:
    """Planned actions that are not no-ops, by address."""
    assert result.json is not None
    return {
        change["address"]: change["change"]["actions"]
        for change in result.json.get("resource_changes", [])
        if change["change"]["actions"] != ["no-op"]
    }


def _moved(result: Plan) -> Dict[str, str]:
    assert result.json is not None
    return {
        change["address"]: change["previous_address"]
        for change in result.json.get("resource_changes", [])
        if change.get("previous_address")
    }


class Story:
    """The stack's history: each step synthesizes, plans and (optionally) applies."""

    def __init__(self, endpoint: LocalAws, root: Path) -> None:
        self.root = root
        self.state = root / "terraform.tfstate"
        self.env = endpoint.environ(REGION)
        self.ecr = boto3.client(
            "ecr", region_name=REGION, endpoint_url=endpoint.url,
            aws_access_key_id="test", aws_secret_access_key="test",
        )
        self.steps = 0

    def synth(self, **options: Any) -> Path:
        self.steps += 1
        directory = _build(self.root / f"step{self.steps}", self.state, **options)
        terraform(directory, ["init", "-input=false", "-no-color"], self.env)
        return directory

    def plan(self, directory: Path) -> Plan:
        return plan(directory, self.env, with_json=True)

    def apply(self, directory: Path) -> None:
        result = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], self.env)
        assert result.returncode == 0, result.stdout + result.stderr

    def images(self, name: str) -> List[str]:
        return [i["imageDigest"] for i in self.ecr.describe_images(repositoryName=name)["imageDetails"]]

    def policies(self, name: str) -> Dict[str, Any]:
        return {
            "lifecycle": json.loads(self.ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]),
            "repository": json.loads(self.ecr.get_repository_policy(repositoryName=name)["policyText"]),
        }

    def scanning(self) -> Dict[str, Any]:
        return self.ecr.get_registry_scanning_configuration()["scanningConfiguration"]


@pytest.fixture(scope="module")
def story(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Deploy, push an image into each repository, then change the code step by step."""
    told = Story(e2e_endpoint, tmp_path_factory.mktemp("refactors"))
    facts: Dict[str, Any] = {}
    first = told.synth()
    told.apply(first)
    for name in NAMES:
        told.ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1.0.0")
    facts["images"] = {name: told.images(name) for name in NAMES}
    facts["policies"] = {name: told.policies(name) for name in NAMES}
    facts["scanning"] = told.scanning()

    # 1. Refactor: a repository moves into a nested construct, another is renamed,
    #    and so is the registry scanning owner.
    refactored = told.synth(refactored=True)
    facts["refactor plan"] = told.plan(refactored)
    told.apply(refactored)
    facts["after refactor"] = {
        "plan": told.plan(refactored),
        "images": {name: told.images(name) for name in NAMES},
        "policies": {name: told.policies(name) for name in NAMES},
        "scanning": told.scanning(),
    }

    # 2. A replacing change (encryption) to a repository that kept the defaults.
    protected = told.synth(refactored=True, kms_on="refactor/keep")
    facts["protected plan"] = told.plan(protected)
    facts["keep after refused plan"] = told.ecr.describe_repositories(repositoryNames=["refactor/keep"])

    # 3. The same change to a repository that opted in (force_delete, prevent_destroy=False).
    replaced = told.synth(refactored=True, kms_on="refactor/tmp")
    facts["replace plan"] = told.plan(replaced)
    told.apply(replaced)
    facts["after replace"] = {"plan": told.plan(replaced), "policies": told.policies("refactor/tmp")}

    # 4. Retire a repository: out of the code, into a RemovedRepository.
    retired = told.synth(refactored=True, kms_on="refactor/tmp", retire_old=True)
    facts["retire plan"] = told.plan(retired)
    told.apply(retired)
    facts["after retire"] = {
        "plan": told.plan(retired),
        "images": told.images("refactor/old"),
        "policies": told.policies("refactor/old"),
        "state": json.loads(told.state.read_text()),
    }
    facts["story"] = told
    yield facts


def test_refactoring_the_construct_tree_plans_only_moves(story: Dict[str, Any]) -> None:
    result = story["refactor plan"]
    assert result.returncode == 0, result.output  # no changes at all: only state moves
    assert _changes(result) == {}
    # The addresses come from the repository names, so nothing moved in state either.
    assert _moved(result) == {}


def test_after_the_refactor_images_grants_and_scanning_are_untouched(story: Dict[str, Any]) -> None:
    after = story["after refactor"]
    assert after["plan"].returncode == 0, after["plan"].output
    assert after["images"] == story["images"] and all(after["images"].values())
    assert after["policies"] == story["policies"]
    assert after["scanning"] == story["scanning"]
    assert after["scanning"]["scanType"] == "ENHANCED"


def test_a_replacing_change_to_a_default_repository_fails_at_plan(story: Dict[str, Any]) -> None:
    result = story["protected plan"]
    assert result.returncode == 1
    output = " ".join(result.output.split())
    assert "Instance cannot be destroyed" in output
    assert "aws_ecr_repository.refactor--keep has lifecycle.prevent_destroy set" in output
    (kept,) = story["keep after refused plan"]["repositories"]
    assert kept["encryptionConfiguration"]["encryptionType"] == "AES256"
    assert story["story"].images("refactor/keep") == story["images"]["refactor/keep"]


def test_an_allowed_replacement_recreates_the_policies_in_the_same_apply(story: Dict[str, Any]) -> None:
    changes = _changes(story["replace plan"])
    replaced = ["delete", "create"]
    assert changes == {
        "aws_ecr_repository.refactor--tmp": replaced,
        "aws_ecr_lifecycle_policy.refactor--tmp": replaced,
        "aws_ecr_repository_policy.refactor--tmp": replaced,
    }
    after = story["after replace"]
    assert after["plan"].returncode == 0, after["plan"].output
    assert after["policies"] == story["policies"]["refactor/tmp"]
    # force_delete=True was the opt-in: the images went with the old repository.
    assert story["story"].images("refactor/tmp") == []


def test_retiring_a_repository_forgets_it_and_keeps_it_in_aws(story: Dict[str, Any]) -> None:
    changes = _changes(story["retire plan"])
    forgotten = {
        f"{kind}.refactor--old": ["forget"]
        for kind in ("aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy")
    }
    # The registry's scanning rules no longer name the repository the code gave up.
    assert changes == {**forgotten, "aws_ecr_registry_scanning_configuration.registry_scanning": ["update"]}
    (scanning,) = [c for c in story["retire plan"].json["resource_changes"]
                   if c["type"] == "aws_ecr_registry_scanning_configuration"]
    filters = {f["filter"] for rule in scanning["change"]["after"]["rule"] for f in rule["repository_filter"]}
    assert filters == {"refactor/api*", "refactor/tmp*", "refactor/keep*"}
    after = story["after retire"]
    assert after["plan"].returncode == 0, after["plan"].output
    assert after["images"] == story["images"]["refactor/old"]
    assert after["policies"] == story["policies"]["refactor/old"]
    in_state = {f"{r['type']}.{r['name']}" for r in after["state"]["resources"]}
    assert not any(address.endswith(".refactor--old") for address in in_state)


# --------------------------------------------------------------------------- upgrade from release 0.1.0


def _deploy_fixture(root: Path, env: Dict[str, str]) -> Path:
    """Write release 0.1.0's synthesized stacks, with state under ``root``, and apply them."""
    outdir = root / "release-0.1.0"
    stacks = [path.stem.split(".")[0] for path in sorted(FIXTURE.glob("*.tf.json"))]
    for name in stacks:
        text = (FIXTURE / f"{name}.tf.json").read_text().replace("/STATE_DIR", str(root / "state"))
        (outdir / "stacks" / name).mkdir(parents=True)
        (outdir / "stacks" / name / "cdk.tf.json").write_text(text)
    rehearse.init_stacks(outdir, stacks, env)
    _apply_all(outdir, stacks, env)
    return outdir


def _apply_all(outdir: Path, stacks: List[str], env: Dict[str, str]) -> None:
    """Apply the stacks side by side: they share no resource (prod alone owns the registry's)."""
    results = parallel({
        name: (lambda n=name: terraform(outdir / "stacks" / n,
                                        ["apply", "-input=false", "-no-color", "-auto-approve"], env))
        for name in stacks
    })
    for result in results.values():
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Release 0.1.0's example app deployed with images, then planned with this release."""
    root = tmp_path_factory.mktemp("upgrade")
    with LocalAws(log_path=root / "moto.log") as endpoint:
        env = rehearse.rehearsal_environ(root / "state", endpoint)
        old = _deploy_fixture(root, env)
        ecr = boto3.client("ecr", region_name="us-east-1", endpoint_url=endpoint.url,
                           aws_access_key_id="test", aws_secret_access_key="test")
        iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint.url,
                           aws_access_key_id="test", aws_secret_access_key="test")

        def inline_policies() -> Dict[str, Dict[str, Any]]:
            found = {}
            for role in ("prod-ci-image-push", "prod-ecs-task-execution"):
                for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
                    document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
                    found[f"{role}/{name}"] = json.loads(document) if isinstance(document, str) else document
            return found

        login_before = inline_policies()
        for name in ("dev/accounts-service", "prod/accounts-service"):
            ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1.0.0")
        new = root / "release-next"
        synth = synthesize(new, root / "state")
        rehearse.init_stacks(new, list(synth), env)
        plans = parallel({
            name: (lambda n=name: plan(new / "stacks" / n, env, with_json=True)) for name in synth
        })
        _apply_all(new, list(synth), env)
        yield {
            "old": {name: json.loads((old / "stacks" / name / "cdk.tf.json").read_text()) for name in synth},
            "plans": plans,
            "second plans": parallel({name: (lambda n=name: plan(new / "stacks" / n, env)) for name in synth}),
            "images": {name: [i["imageTags"] for i in ecr.describe_images(repositoryName=name)["imageDetails"]]
                       for name in ("dev/accounts-service", "prod/accounts-service")},
            "login policies": {"before": login_before, "after": inline_policies()},
        }


KEPT_TYPES = ("aws_ecr_repository", "aws_ecr_repository_policy", "aws_ecr_lifecycle_policy",
              "aws_ecr_registry_scanning_configuration", "aws_iam_role", "aws_iam_role_policy", "aws_kms_key")


@pytest.mark.parametrize("stack", ["dev", "stage", "prod"])
def test_upgrading_from_release_0_1_0_moves_state_and_destroys_nothing(
    upgrade: Dict[str, Any], stack: str
) -> None:
    result: Plan = upgrade["plans"][stack]
    assert result.returncode in (0, 2), result.output
    destroying = {a: acts for a, acts in _changes(result).items() if "delete" in acts or "forget" in acts}
    # The example app's own lifecycle rules changed in this release (typed rules instead
    # of prefix lists that meant AND). The AWS provider replaces a lifecycle policy whose
    # text changes, which deletes no image; that is the one replacement allowed, and only
    # for a policy whose text changed. No repository, repository policy or scanning
    # configuration goes.
    replaced = {
        change["address"]: change["change"]
        for change in result.json["resource_changes"]
        if change["address"] in destroying and change["type"] == "aws_ecr_lifecycle_policy"
    }
    assert {a: acts for a, acts in destroying.items() if a not in replaced} == {}
    # The one resource this release adds to the example app: prod's replication configuration.
    creating = sorted(a for a, acts in _changes(result).items() if acts == ["create"])
    assert creating == (["aws_ecr_replication_configuration.registry_replication"] if stack == "prod" else [])
    # Every repository of the example app got new rules, so each of its policies is replaced.
    assert len(replaced) == len(upgrade["old"][stack]["resource"]["aws_ecr_lifecycle_policy"])
    for address, change in replaced.items():
        assert change["actions"] == ["delete", "create"], address
        assert change["replace_paths"] == [["policy"]], address
        assert json.loads(change["before"]["policy"]) != json.loads(change["after"]["policy"]), address
    # Every ECR resource of the old release, and prod's registry-login role policies
    # (now the library's), are carried over by a moved block.
    old = upgrade["old"][stack]["resource"]
    moved_types = (*KEPT_TYPES[:4], "aws_iam_role_policy")
    expected = {f"{kind}.{key}" for kind in moved_types for key in old.get(kind, {})}
    assert set(_moved(result).values()) == expected
    if stack == "prod":
        assert {f"aws_iam_role_policy.{key}" for key in old["aws_iam_role_policy"]} == {
            "aws_iam_role_policy.ci_build_registry_login",
            "aws_iam_role_policy.ecs_task_execution_registry_login",
        }


def test_the_registry_login_policies_are_updated_in_place_never_missing(upgrade: Dict[str, Any]) -> None:
    # The library's policy keeps the role and the inline policy name, so taking the old
    # one over is one PutRolePolicy per role: the role holds the permission throughout.
    actions = upgrade["plans"]["prod"].actions("aws_iam_role_policy")
    assert actions == {
        "aws_iam_role_policy.ci_build_role_registry_login": ["update"],
        "aws_iam_role_policy.ecs_task_execution_role_registry_login": ["update"],
    }
    login = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    policies = upgrade["login policies"]
    for when in ("before", "after"):
        assert sorted(policies[when]) == [
            "prod-ci-image-push/ecr-registry-login",
            "prod-ecs-task-execution/ecr-registry-login",
        ], when
    assert all(d["Statement"] == [login] for d in policies["before"].values())
    assert all(d["Statement"] == [{"Sid": "AllowRegistryLogin", **login}] for d in policies["after"].values())


def test_after_the_upgrade_the_next_plan_is_empty_and_images_are_there(upgrade: Dict[str, Any]) -> None:
    for stack, result in upgrade["second plans"].items():
        assert result.returncode == 0, (stack, result.output)
    assert upgrade["images"] == {"dev/accounts-service": [["v1.0.0"]], "prod/accounts-service": [["v1.0.0"]]}

