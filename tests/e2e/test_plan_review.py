"""The plan review (``python -m cdktf_aws_ecr.review``) on real plans of real changes.

One stack is deployed to the local endpoint (a region of its own), an image is pushed into
every repository, and two repositories this app does not declare are created beside them
with scan on push. Then the code changes as a platform team changes it; each change is
synthesized, planned with ``terraform plan`` and reviewed with ``--live`` by the command
itself, all against the same deployed state. Last, the changes that follow a refusal's advice
are applied, and nothing is lost.

Which detection each refusal test guards (``cdktf_aws_ecr/review/rules.py`` and
``live_rules.py``):

* rename, retiring without RemovedRepository: ``_repository_finding`` (repository-destroyed);
* a provider switch to a provider of unknown account, a literal name become a token:
  ``_repository_finding`` (repository-address-changed);
* a replacing change with force_delete: ``_repository_finding`` (repository-replaced);
* a policy dropped: ``_policy_findings``;
* the replication configuration and registry policy dropped: ``_setting_findings``;
* ENHANCED switched on with an undeclared scanned repository: ``_scanning_findings``;
* a lifecycle change that expires images at once: ``_lifecycle_findings``;
* a destructive grant to another account (a warning): ``_grant_findings``.

And the synth-time fixes: a provider switch within one account and region keeps the address
(``providers.address_alias``: the clean case "provider of the same registry"); a
RemovedRepository in a stack upgrading from release 0.1.0 also forgets that release's
address (``removed.py``: retiring as advised while upgrading).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence

import boto3
import pytest
from cdktf import App, LocalBackend, TerraformStack, TerraformVariable
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import (
    LifecycleRule,
    PolicyStatement,
    RegistryScanning,
    RemovedRepository,
    ReplicationDestination,
    Repository,
)
from devtools import rehearse
from devtools.local_aws import ACCOUNT_ID, LocalAws
from stacks import ENVIRONMENTS, DeploySettings, build_app
from stacks.environments import SERVICES

from .conftest import MANIFEST, parallel, plan, terraform

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

REGION = "ap-northeast-2"
OTHER_ACCOUNT = "210987654321"
#: Repositories made outside this app, scanned on push today.
UNDECLARED = ("legacy/tool", "review/api-legacy")
#: Each change of the code, and whether the review lets it through.
CHANGES = {
    "rename": "refused",
    "rename as advised": "passes",
    "retire by deleting": "refused",
    "retire with RemovedRepository": "passes",
    "replace with force_delete": "refused",
    "provider of unknown account": "refused",
    "provider of the same registry": "passes",
    "name as a token": "refused",
    "policies dropped": "refused",
    "registry settings dropped": "refused",
    "enhanced scanning": "refused",
    "lifecycle expires images": "refused",
    "new repositories": "passes",
    "tags": "passes",
    "grant added": "passes",
    "destructive grant": "passes",
}


def _build(outdir: Path, state: Path, change: str = "") -> Path:
    """The platform team's stack, and each change they make to it."""
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "platform")
    AwsProvider(stack, "aws", region=REGION, allowed_account_ids=[ACCOUNT_ID])
    same = AwsProvider(stack, "same", alias="same", region=REGION, allowed_account_ids=[ACCOUNT_ID])
    unpinned = AwsProvider(stack, "unpinned", alias="unpinned", region=REGION)
    LocalBackend(stack, path=str(state))
    owner = RegistryScanning(stack)
    if change != "registry settings dropped":
        owner.replicate(["review/"], [ReplicationDestination(region="eu-west-1")])
        owner.allow_replication_from(OTHER_ACCOUNT)

    if change == "rename as advised":
        RemovedRepository(stack, "api", name="review/api")
        api = Repository(stack, "api_v2", name="review/api-v2", pull_principal_arns=[ACCOUNT_ID])
    else:
        api = Repository(
            stack, "api",
            name="review/api-v2" if change == "rename" else "review/api",
            enhanced_scanning=change == "enhanced scanning",
            pull_principal_arns=[] if change == "policies dropped" else [ACCOUNT_ID],
            tags={"Team": "payments" if change == "tags" else "platform"},
        )
    if change == "grant added":
        api.grant_pull(OTHER_ACCOUNT)
    if change == "destructive grant":
        api.add_to_resource_policy(PolicyStatement(
            sid="CleanupByOps", principals={"AWS": [OTHER_ACCOUNT]}, actions=["ecr:BatchDeleteImage"],
        ))

    worker_name: Any = "review/worker"
    if change == "name as a token":
        worker_name = TerraformVariable(stack, "worker_name", type="string", default="review/worker").string_value
    Repository(
        stack, "worker", name=worker_name,
        provider={"provider of unknown account": unpinned, "provider of the same registry": same}.get(change),
        enable_lifecycle_policy=change != "policies dropped",
    )

    if change == "retire with RemovedRepository":
        RemovedRepository(stack, "scratch", name="review/scratch")
    elif change != "retire by deleting":
        Repository(
            stack, "scratch", name="review/scratch", force_delete=True, prevent_destroy=False,
            encryption_type="KMS" if change == "replace with force_delete" else "AES256",
        )
    Repository(stack, "builds", name="review/builds", lifecycle_rules=[
        LifecycleRule(tag_pattern_list=["v*"], max_image_count=1 if change == "lifecycle expires images" else 10),
    ])
    if change == "new repositories":
        Repository(stack, "new_a", name="review/new-a")
        Repository(stack, "new_b", name="review/new-b")
    app.synth()
    return outdir / "stacks" / "platform"


def _review(plan_file: Path, env: Dict[str, str], *extra: str) -> Dict[str, Any]:
    """The review command's JSON verdict (and exit status) on one saved plan."""
    result = subprocess.run(
        [sys.executable, "-m", "cdktf_aws_ecr.review", "--plan", str(plan_file), "--live", "--json", *extra],
        cwd=rehearse.REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    verdict: Dict[str, Any] = json.loads(result.stdout)
    assert verdict["exit_code"] == result.returncode
    return verdict


def _plan_json(directory: Path, initialised: Path, env: Dict[str, str]) -> Path:
    """``terraform show -json`` of a plan of ``directory``, which shares the providers and the
    backend of the ``initialised`` one (so needs no ``terraform init`` of its own)."""
    shutil.copytree(initialised / ".terraform", directory / ".terraform", symlinks=True)
    shutil.copy(initialised / ".terraform.lock.hcl", directory)
    result = plan(directory, env, with_json=True)
    assert result.returncode in (0, 2), result.output
    path = directory / "plan.json"
    path.write_text(json.dumps(result.json))
    return path


def _manifest(layer: str) -> str:
    """An image of its own: the endpoint derives the digest from the layers'."""
    manifest = json.loads(MANIFEST)
    manifest["layers"] = [{
        "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1,
        "digest": "sha256:" + hashlib.sha256(layer.encode()).hexdigest(),
    }]
    return json.dumps(manifest)


def _images(ecr: Any, name: str) -> List[str]:
    """The repository's image digests (none when it is gone)."""
    try:
        details = ecr.describe_images(repositoryName=name)["imageDetails"]
    except ecr.exceptions.RepositoryNotFoundException:
        return []
    return sorted(image["imageDigest"] for image in details)


def _apply_if_passed(directory: Path, verdict: Dict[str, Any], env: Dict[str, str]) -> None:
    """Apply the change when the review passed it, as CI does."""
    if verdict["verdict"] == "passed":
        applied = terraform(directory, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
        assert applied.returncode == 0, applied.stdout + applied.stderr


@pytest.fixture(scope="module")
def reviewed(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    root = tmp_path_factory.mktemp("plan-review")
    state = root / "terraform.tfstate"
    env = e2e_endpoint.environ(REGION)
    ecr = boto3.client("ecr", region_name=REGION, endpoint_url=e2e_endpoint.url,
                       aws_access_key_id="test", aws_secret_access_key="test")
    deployed = _build(root / "deployed", state)
    terraform(deployed, ["init", "-input=false", "-no-color"], env)
    applied = terraform(deployed, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for name in ("review/api", "review/worker", "review/scratch"):
        ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1")
    for tag in ("v1", "v2", "v3"):  # three releases, the lifecycle policy keeps 10
        time.sleep(1.1)  # the endpoint records push times to the second
        ecr.put_image(repositoryName="review/builds", imageManifest=_manifest(tag), imageTag=tag)
    for name in UNDECLARED:
        ecr.create_repository(repositoryName=name, imageScanningConfiguration={"scanOnPush": True})
    images = {name: _images(ecr, name) for name in ("review/api", "review/worker", "review/scratch")}

    directories = {change: _build(root / f"change{i}", state, change) for i, change in enumerate(CHANGES)}
    plans = parallel({change: (lambda d=d: _plan_json(d, deployed, env)) for change, d in directories.items()})
    verdicts = parallel({
        change: (lambda c=change: _review(plans[c], env)) for change in CHANGES
    })
    strict = _review(plans["destructive grant"], env, "--strict")
    allowed = _review(plans["rename"], env, "--allow-destroy", "review/*")

    # Follow the advice of the rename's refusal, and apply it.
    _apply_if_passed(directories["rename as advised"], verdicts["rename as advised"], env)
    yield {
        "verdicts": verdicts, "strict": strict, "allowed": allowed, "images": images,
        "plans": {change: json.loads(path.read_text()) for change, path in plans.items()},
        "after rename": {
            "images": _images(ecr, "review/api"),
            "repositories": {r["repositoryName"] for r in ecr.describe_repositories()["repositories"]},
            "state": json.loads(state.read_text()),
        },
    }


def _findings(verdict: Dict[str, Any], severity: str = "refuse") -> Dict[str, Dict[str, Any]]:
    """``{rule: finding}`` of one severity (one finding per rule in these cases)."""
    return {f["rule"]: f for f in verdict["findings"] if f["severity"] == severity}


def _deletes(plan_json: Dict[str, Any]) -> List[str]:
    return [c["address"] for c in plan_json["resource_changes"] if "delete" in c["change"]["actions"]]


@pytest.mark.parametrize("change", [c for c, outcome in CHANGES.items() if outcome == "passes"])
def test_clean_changes_pass(reviewed: Dict[str, Any], change: str) -> None:
    verdict = reviewed["verdicts"][change]
    assert verdict["verdict"] == "passed" and verdict["refused"] == 0, verdict["findings"]
    assert _deletes(reviewed["plans"][change]) == []


def test_a_rename_is_refused_with_the_images_at_stake(reviewed: Dict[str, Any]) -> None:
    found = _findings(reviewed["verdicts"]["rename"])
    assert list(found) == ["repository-destroyed"]
    refusal = found["repository-destroyed"]
    assert refusal["address"] == "aws_ecr_repository.review--api"
    assert refusal["repository"] == "review/api"
    assert refusal["at_stake"].startswith("1 image, newest tags v1")
    assert "the plan creates review/api-v2" in refusal["what"]
    assert "RemovedRepository" in refusal["instead"]


def test_following_the_rename_refusal_destroys_nothing(reviewed: Dict[str, Any]) -> None:
    assert reviewed["verdicts"]["rename as advised"]["verdict"] == "passed"
    assert _deletes(reviewed["plans"]["rename as advised"]) == []
    after = reviewed["after rename"]
    assert after["images"] == reviewed["images"]["review/api"]
    assert {"review/api", "review/api-v2"} <= after["repositories"]
    in_state = {resource["instances"][0]["attributes"]["name"] for resource in after["state"]["resources"]
                if resource["type"] == "aws_ecr_repository"}
    assert "review/api" not in in_state and "review/api-v2" in in_state


def test_allow_destroy_lets_a_named_refusal_through(reviewed: Dict[str, Any]) -> None:
    verdict = reviewed["allowed"]
    assert verdict["exit_code"] == 0 and verdict["allowed"] == 1
    assert verdict["findings"][0]["allowed_by"] == "review/*"


def test_retiring_by_deleting_the_code_is_refused(reviewed: Dict[str, Any]) -> None:
    refusal = _findings(reviewed["verdicts"]["retire by deleting"])["repository-destroyed"]
    assert refusal["repository"] == "review/scratch"
    assert "force_delete is on, so its images are deleted with it" in refusal["what"]
    assert refusal["at_stake"].startswith("1 image")


def test_a_replacing_change_with_force_delete_is_refused(reviewed: Dict[str, Any]) -> None:
    refusal = _findings(reviewed["verdicts"]["replace with force_delete"])["repository-replaced"]
    assert refusal["repository"] == "review/scratch"
    assert "encryption_configuration cannot change in place" in refusal["what"]
    assert refusal["at_stake"].startswith("1 image")


@pytest.mark.parametrize("change", ["provider of unknown account", "name as a token"])
def test_an_address_change_of_the_same_repository_is_refused(reviewed: Dict[str, Any], change: str) -> None:
    found = _findings(reviewed["verdicts"][change])
    refusal = found["repository-address-changed"]
    assert refusal["address"] == "aws_ecr_repository.review--worker"
    assert refusal["repository"] == "review/worker"
    assert "moved block" in refusal["instead"]
    assert refusal["at_stake"].startswith("1 image")


def test_a_provider_of_the_same_registry_keeps_the_address(reviewed: Dict[str, Any]) -> None:
    changes = {c["address"]: c["change"]["actions"] for c in reviewed["plans"]["provider of the same registry"]["resource_changes"]}
    assert changes["aws_ecr_repository.review--worker"] == ["no-op"]


def test_dropped_policies_are_refused(reviewed: Dict[str, Any]) -> None:
    refusals = [f for f in reviewed["verdicts"]["policies dropped"]["findings"] if f["severity"] == "refuse"]
    assert sorted((f["rule"], f["address"]) for f in refusals) == [
        ("policy-deleted", "aws_ecr_lifecycle_policy.review--worker"),
        ("policy-deleted", "aws_ecr_repository_policy.review--api"),
    ]
    grants = next(f for f in refusals if f["address"].startswith("aws_ecr_repository_policy"))
    assert grants["at_stake"] == f"access of {ACCOUNT_ID}"


def test_dropped_registry_settings_are_refused(reviewed: Dict[str, Any]) -> None:
    refusals = sorted((f for f in reviewed["verdicts"]["registry settings dropped"]["findings"]
                       if f["severity"] == "refuse"), key=lambda f: f["address"])
    assert [(f["rule"], f["address"]) for f in refusals] == [
        ("registry-setting-deleted", "aws_ecr_registry_policy.registry_policy"),
        ("registry-setting-deleted", "aws_ecr_replication_configuration.registry_replication"),
    ]
    assert "images pushed from then on are no longer copied" in refusals[1]["what"]


def test_enhanced_scanning_that_drops_an_undeclared_repository_is_refused(reviewed: Dict[str, Any]) -> None:
    verdict = reviewed["verdicts"]["enhanced scanning"]
    refusals = _findings(verdict)
    assert list(refusals) == ["scanning-lost"]
    lost = refusals["scanning-lost"]
    assert lost["repository"] == "legacy/tool"
    assert lost["address"] == "aws_ecr_registry_scanning_configuration.registry_scanning"
    assert "this app does not declare it" in lost["what"]
    # The repository the new filters do reach is paid for now: a warning names it.
    reached = _findings(verdict, "warn")["enhanced-scanning-undeclared"]
    assert "review/api-legacy" in reached["what"] and "legacy/tool" not in reached["what"]


def test_a_lifecycle_change_that_expires_images_at_once_is_refused(reviewed: Dict[str, Any]) -> None:
    refusal = _findings(reviewed["verdicts"]["lifecycle expires images"])["lifecycle-expires-images"]
    assert refusal["repository"] == "review/builds"
    assert "would expire 2 of the repository's 3 images" in refusal["what"]
    assert refusal["at_stake"] == "2 images, tagged v2, v1"


def test_a_destructive_grant_to_another_account_warns(reviewed: Dict[str, Any]) -> None:
    warning = _findings(reviewed["verdicts"]["destructive grant"], "warn")["destructive-grant"]
    assert "ecr:BatchDeleteImage" in warning["what"] and OTHER_ACCOUNT in warning["what"]
    assert reviewed["strict"]["exit_code"] == 1
    # A pull grant to another account is no such warning.
    assert reviewed["verdicts"]["grant added"]["warnings"] == 0


# --------------------------------------------------------------------------- upgrade and retire

UPGRADE_REGION = "ap-southeast-1"
FIXTURE = Path(__file__).parent / "fixtures" / "release-0.1.0"


def _upgraded_dev(root: Path, state_dir: Path, removed_id: str) -> Path:
    """The example app's dev stack in this release, with web-frontend retired by a
    RemovedRepository of the construct id ``removed_id``."""
    app = App(outdir=str(root))
    dev = replace(ENVIRONMENTS[0], repositories=tuple(r for r in SERVICES if r.key != "web_frontend"))
    settings = DeploySettings(region=UPGRADE_REGION, account_id=ACCOUNT_ID, state_dir=str(state_dir))
    stacks = build_app(app, settings, (dev,))
    RemovedRepository(stacks["dev"], removed_id, name="dev/web-frontend")
    app.synth()
    return root / "stacks" / "dev"


@pytest.fixture(scope="module")
def upgraded(e2e_endpoint: LocalAws, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Release 0.1.0's dev stack deployed with images; then upgraded to this release while
    web-frontend is retired, first with the RemovedRepository elsewhere in the tree, then
    where the Repository was, as the refusal advises."""
    root = tmp_path_factory.mktemp("upgrade-and-retire")
    state_dir = root / "state"
    env = e2e_endpoint.environ(UPGRADE_REGION)
    ecr = boto3.client("ecr", region_name=UPGRADE_REGION, endpoint_url=e2e_endpoint.url,
                       aws_access_key_id="test", aws_secret_access_key="test")
    old = root / "release-0.1.0"
    old.mkdir()
    text = (FIXTURE / "dev.tf.json").read_text().replace("/STATE_DIR", str(state_dir))
    (old / "cdk.tf.json").write_text(text.replace('"us-east-1"', f'"{UPGRADE_REGION}"'))
    terraform(old, ["init", "-input=false", "-no-color"], env)
    applied = terraform(old, ["apply", "-input=false", "-no-color", "-auto-approve"], env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for name in ("dev/accounts-service", "dev/web-frontend"):
        ecr.put_image(repositoryName=name, imageManifest=MANIFEST, imageTag="v1.0.0")
    images = {name: _images(ecr, name) for name in ("dev/accounts-service", "dev/web-frontend")}

    directories = {
        "elsewhere": _upgraded_dev(root / "elsewhere", state_dir, "retired_web_frontend"),
        "as advised": _upgraded_dev(root / "as-advised", state_dir, "web_frontend"),
    }
    plans = parallel({key: (lambda d=d: _plan_json(d, old, env)) for key, d in directories.items()})
    verdicts = parallel({key: (lambda k=key: _review(plans[k], env)) for key in directories})
    _apply_if_passed(directories["as advised"], verdicts["as advised"], env)
    yield {
        "verdicts": verdicts, "images before": images,
        "plans": {key: json.loads(path.read_text()) for key, path in plans.items()},
        "images after": {name: _images(ecr, name) for name in images},
        "state": json.loads((state_dir / "terraform.dev.tfstate").read_text()),
    }


def test_retiring_elsewhere_while_upgrading_is_refused(upgraded: Dict[str, Any]) -> None:
    found = _findings(upgraded["verdicts"]["elsewhere"])
    refusal = found["repository-destroyed"]
    # The state still holds release 0.1.0's address, which the RemovedRepository does not name.
    assert refusal["address"] == "aws_ecr_repository.web_frontend_repository_47A10404"
    assert refusal["repository"] == "dev/web-frontend"
    assert "force_delete is on, so its images are deleted with it" in refusal["what"]
    assert "in a stack upgraded from release 0.1.0, it also forgets this address when it has the " \
           "scope and id the Repository had" in refusal["instead"]


def test_retiring_as_advised_while_upgrading_destroys_nothing(upgraded: Dict[str, Any]) -> None:
    verdict = upgraded["verdicts"]["as advised"]
    assert verdict["verdict"] == "passed", verdict["findings"]
    plan_json = upgraded["plans"]["as advised"]
    forgotten = sorted(c["address"] for c in plan_json["resource_changes"] if c["change"]["actions"] == ["forget"])
    assert forgotten == ["aws_ecr_lifecycle_policy.web_frontend_lifecycle_policy_EADD1CAA",
                         "aws_ecr_repository.web_frontend_repository_47A10404"]
    # Only the lifecycle policy whose rules changed in this release is replaced; nothing else goes.
    replaced = [c["address"] for c in plan_json["resource_changes"] if "delete" in c["change"]["actions"]]
    assert replaced == ["aws_ecr_lifecycle_policy.dev--accounts-service"]
    assert upgraded["images after"] == upgraded["images before"]
    names = {r["instances"][0]["attributes"]["name"] for r in upgraded["state"]["resources"]
             if r["type"] == "aws_ecr_repository"}
    assert names == {"dev/accounts-service"}


# --------------------------------------------------------------------------- the CI recipe

CI_REGION = "ap-northeast-3"
CI_SCRIPT = rehearse.REPO_ROOT / "docs" / "ci-deploy.sh"


def _ci_app(outdir: Path, state: Path, names: Sequence[str]) -> None:
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "ci")
    AwsProvider(stack, "aws", region=CI_REGION)
    LocalBackend(stack, path=str(state))
    for name in names:
        Repository(stack, name.replace("/", "_"), name=name)
    app.synth()


def test_the_ci_recipe_applies_a_clean_change_and_stops_at_a_refusal(
    e2e_endpoint: LocalAws, tmp_path: Path
) -> None:
    # GIVEN the copyable CI script, run on an app synthesized by an earlier step
    env = {**e2e_endpoint.environ(CI_REGION), "SYNTH": ":", "CDKTF_OUT": str(tmp_path / "out"),
           "PYTHON": sys.executable}
    ecr = boto3.client("ecr", region_name=CI_REGION, endpoint_url=e2e_endpoint.url,
                       aws_access_key_id="test", aws_secret_access_key="test")

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(CI_SCRIPT)], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)

    # WHEN it deploys two new repositories
    _ci_app(tmp_path / "out", tmp_path / "ci.tfstate", ["ci/api", "ci/worker"])
    first = run()
    # THEN the review passed and the reviewed plan was applied
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Passed (0 warnings)." in first.stdout and "Apply complete! Resources: 4 added" in first.stdout
    ecr.put_image(repositoryName="ci/worker", imageManifest=MANIFEST, imageTag="v1")

    # WHEN the next change deletes a repository that holds an image
    _ci_app(tmp_path / "out", tmp_path / "ci.tfstate", ["ci/api"])
    second = run()
    # THEN the review refuses, nothing is applied, and the repository and its image are there
    assert second.returncode == 1, second.stdout + second.stderr
    assert "REFUSED  aws_ecr_repository.ci--worker (ci/worker)" in second.stdout
    assert "==> apply" not in second.stdout
    assert [i["imageTags"] for i in ecr.describe_images(repositoryName="ci/worker")["imageDetails"]] == [["v1"]]
