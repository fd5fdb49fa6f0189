"""``python -m cdktf_aws_ecr.preview``: a synthesized stack, a repository name, images.

Images come from a JSON file or from the local AWS endpoint (moto) through
boto3's ``describe_images``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import boto3
import pytest
from botocore.stub import Stubber
from cdktf import App, TerraformStack, TerraformVariable
from cdktf_cdktf_provider_aws.provider import AwsProvider

from cdktf_aws_ecr import Repository
from cdktf_aws_ecr.json_text import compact_json as lifecycle_policy_json
from cdktf_aws_ecr.lifecycle.preview import find_lifecycle_policy, main, registry_images
from cdktf_aws_ecr.lifecycle.rules import LifecycleRule, TagStatus, assemble_lifecycle_policy
from devtools.local_aws import LocalAws

REPO_ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-25T00:00:00Z"
REPOSITORY = "payments/api"


def run(*argv: str) -> Tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def hand_written_stack(
    directory: Path,
    policy: str,
    *,
    repository_ref: str = "${aws_ecr_repository.x7_registry_Q.name}",
    region: str = "us-east-1",
) -> Path:
    """A cdk.tf.json as cdktf writes it, with logical ids nothing else uses."""
    write_json(
        directory / "cdk.tf.json",
        {
            "provider": {"aws": [{"region": region}, {"alias": "replica", "region": "eu-west-1"}]},
            "resource": {
                "aws_ecr_repository": {
                    "x7_registry_Q": {"name": REPOSITORY},
                    "other": {"name": "payments/other", "provider": "aws.replica"},
                },
                "aws_ecr_lifecycle_policy": {
                    "unrelated": {"policy": "{}", "repository": "${aws_ecr_repository.other.name}"},
                    "zz_rules_9": {"policy": policy, "repository": repository_ref},
                },
            },
        },
    )
    return directory


PROTECTED_POLICY = lifecycle_policy_json(
    assemble_lifecycle_policy(
        [
            LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=14),
            LifecycleRule(tag_pattern_list=["v*"], max_image_count=2),
        ],
        protected_tags=["prod-*"],
    )
)

IMAGES = [
    {"digest": "sha256:" + "a" * 64, "tags": ["v1.0"], "pushed_at": "2026-11-01T00:00:00Z"},
    {"digest": "sha256:" + "b" * 64, "tags": ["v1.1", "prod-eu"], "pushed_at": "2026-11-02T00:00:00Z"},
    {"digest": "sha256:" + "c" * 64, "tags": ["v1.2"], "pushed_at": "2026-11-03T00:00:00Z"},
    {"digest": "sha256:" + "d" * 64, "tags": ["v1.3"], "pushed_at": "2026-11-04T06:30:00Z"},
    {"digest": "sha256:" + "e" * 64, "tags": [], "pushed_at": "2026-11-05T00:00:00Z"},
]


@pytest.fixture
def images_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "images.json", IMAGES)


@pytest.fixture
def synthesized(tmp_path: Path) -> Path:
    """The example library's own output: a stack with a seed-style policy, one
    whose policy is a Terraform expression, and one without a policy."""
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = TerraformStack(app, "prod")
    AwsProvider(stack, "aws", region="us-east-1")
    Repository(stack, "api", name=REPOSITORY, max_tagged_image_count=2)
    keep = TerraformVariable(stack, "keep", type="number", default=3)
    Repository(stack, "web", name="payments/web", max_tagged_image_count=keep.number_value)
    Repository(stack, "bare", name="payments/bare", enable_lifecycle_policy=False)
    app.synth()
    return tmp_path / "cdktf.out" / "stacks" / "prod"


# --------------------------------------------------------------------------- on a JSON file


def test_a_synthesized_seed_policy_previewed_on_a_json_file(synthesized: Path, images_file: Path) -> None:
    # GIVEN the seed policy (untagged > 14 days; newest 2 with prefix "v") and five images
    # WHEN previewed at NOW
    code, out, err = run(synthesized, REPOSITORY, "--images", images_file, "--now", NOW)
    # THEN a table, newest first: the untagged image and the two oldest v images expire
    policy_key = find_lifecycle_policy(synthesized, REPOSITORY).policy_address
    assert (code, err) == (0, "")
    assert out == (
        f"payments/api ({policy_key}) at 2026-11-25T00:00:00+00:00: 3 of 5 images would expire\n"
        "IMAGE                TAGS           PUSHED (UTC)      VERDICT  RULE  WHY\n"
        "sha256:eeeeeeeeeeee  <untagged>     2026-11-05 00:00  expire   1     pushed 20.0 days before now; rule 1 expires images pushed more than 14 days before\n"
        "sha256:dddddddddddd  v1.3           2026-11-04 06:30  keep     2     number 1 of the 4 images rule 2 selects, newest first; it keeps 2\n"
        "sha256:cccccccccccc  v1.2           2026-11-03 00:00  keep     2     number 2 of the 4 images rule 2 selects, newest first; it keeps 2\n"
        "sha256:bbbbbbbbbbbb  v1.1, prod-eu  2026-11-02 00:00  expire   2     number 3 of the 4 images rule 2 selects, newest first; it keeps 2\n"
        "sha256:aaaaaaaaaaaa  v1.0           2026-11-01 00:00  expire   2     number 4 of the 4 images rule 2 selects, newest first; it keeps 2\n"
        "ECR acts up to 24 hours after an image meets a rule, so this is a forecast.\n"
    )
    assert policy_key == "aws_ecr_lifecycle_policy.payments--api"


def test_json_mode_on_a_policy_with_protected_tags(tmp_path: Path, images_file: Path) -> None:
    # GIVEN prod-* protected, untagged > 14 days and the newest 2 v* images, under unusual logical ids
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    # WHEN previewed as JSON
    code, out, err = run(stack, REPOSITORY, "--images", images_file, "--now", NOW, "--json")
    # THEN the protected image keeps its place in the v* window and is kept by rule 1
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report == {
        "repository": REPOSITORY,
        "lifecycle_policy": "aws_ecr_lifecycle_policy.zz_rules_9",
        "now": "2026-11-25T00:00:00+00:00",
        "images": [
            {"digest": "sha256:" + "e" * 64, "tags": [], "pushed_at": "2026-11-05T00:00:00+00:00",
             "verdict": "expire", "rule_priority": 2, "tie": False, "storage_class": "standard",
             "reason": "pushed 20.0 days before now; rule 2 expires images pushed more than 14 days before"},
            {"digest": "sha256:" + "d" * 64, "tags": ["v1.3"], "pushed_at": "2026-11-04T06:30:00+00:00",
             "verdict": "keep", "rule_priority": 3, "tie": False, "storage_class": "standard",
             "reason": "number 1 of the 4 images rule 3 selects, newest first; it keeps 2"},
            {"digest": "sha256:" + "c" * 64, "tags": ["v1.2"], "pushed_at": "2026-11-03T00:00:00+00:00",
             "verdict": "keep", "rule_priority": 3, "tie": False, "storage_class": "standard",
             "reason": "number 2 of the 4 images rule 3 selects, newest first; it keeps 2"},
            {"digest": "sha256:" + "b" * 64, "tags": ["v1.1", "prod-eu"], "pushed_at": "2026-11-02T00:00:00+00:00",
             "verdict": "keep", "rule_priority": 1, "tie": False, "storage_class": "standard",
             "reason": "number 1 of the 1 images rule 1 selects, newest first; it keeps 999999"},
            {"digest": "sha256:" + "a" * 64, "tags": ["v1.0"], "pushed_at": "2026-11-01T00:00:00+00:00",
             "verdict": "expire", "rule_priority": 3, "tie": False, "storage_class": "standard",
             "reason": "number 4 of the 4 images rule 3 selects, newest first; it keeps 2"},
        ],
        "expired": {"sha256:" + "e" * 64: 2, "sha256:" + "a" * 64: 3},
        "archived": {},
        "blocked": [],
    }


def test_describe_images_output_is_an_images_file(tmp_path: Path) -> None:
    # GIVEN `aws ecr describe-images` output, with an ISO time, an epoch time and no tags
    details = {
        "imageDetails": [
            {"imageDigest": "sha256:" + "1" * 64, "imageTags": ["v2"], "imagePushedAt": "2026-11-20T00:00:00+00:00"},
            {"imageDigest": "sha256:" + "2" * 64, "imagePushedAt": datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp()},
        ]
    }
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    code, out, _ = run(stack, REPOSITORY, "--images", write_json(tmp_path / "d.json", details), "--now", NOW, "--json")
    assert code == 0
    assert [(i["tags"], i["pushed_at"], i["verdict"]) for i in json.loads(out)["images"]] == [
        (["v2"], "2026-11-20T00:00:00+00:00", "keep"),
        ([], "2026-10-01T00:00:00+00:00", "expire"),
    ]


def test_a_literal_repository_name_in_the_policy_resource_is_followed(tmp_path: Path, images_file: Path) -> None:
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY, repository_ref=REPOSITORY)
    code, out, _ = run(stack, REPOSITORY, "--images", images_file, "--now", NOW, "--json")
    assert code == 0 and json.loads(out)["lifecycle_policy"] == "aws_ecr_lifecycle_policy.zz_rules_9"


def test_terraform_escapes_in_the_policy_text_are_undone(tmp_path: Path) -> None:
    document = json.loads(PROTECTED_POLICY)
    document["rules"][1]["description"] = "untagged, not $${HOME} or %%{x}"
    stack = hand_written_stack(tmp_path / "stack", json.dumps(document))
    found = find_lifecycle_policy(stack, REPOSITORY)
    assert json.loads(found.policy)["rules"][1]["description"] == "untagged, not ${HOME} or %{x}"
    assert found.region == "us-east-1"


@pytest.mark.parametrize(
    "patterns, code, message",
    [
        (None, 0, ""),
        ([], 1, "--fail-on-expire: 2 image(s) would expire: "),
        (["v1.0"], 1, "--fail-on-expire: 1 image(s) would expire: sha256:" + "a" * 64 + "\n"),
        (["release-*", "v1.*"], 1, "--fail-on-expire: 1 image(s) would expire: sha256:" + "a" * 64 + "\n"),
        (["prod-*", "v1.3"], 0, ""),
    ],
)
def test_fail_on_expire(
    tmp_path: Path, images_file: Path, patterns: Optional[List[str]], code: int, message: str
) -> None:
    # GIVEN the protected policy, under which the untagged image and v1.0 expire
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    extra = [] if patterns is None else ["--fail-on-expire", *patterns]
    # WHEN --fail-on-expire is given with or without patterns
    got, out, err = run(stack, REPOSITORY, "--images", images_file, "--now", NOW, *extra)
    # THEN it fails only for an expiring image with a matching tag (any, without patterns)
    assert got == code
    assert err.startswith(message) if message else err == ""
    assert "2 of 5 images would expire" in out


def test_an_archive_policy_on_describe_images_output(tmp_path: Path) -> None:
    # GIVEN archive after 30 days, expire after 365 days in archive (synth, check and
    # preview only: the local endpoint refuses archive policies)
    policy = json.dumps(
        {
            "rules": [
                {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30},
                 "action": {"type": "transition", "targetStorageClass": "archive"}},
                {"rulePriority": 2, "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365},
                 "action": {"type": "expire"}},
            ]
        }
    )
    details = {
        "imageDetails": [
            {"imageDigest": "sha256:" + "1" * 64, "imageTags": ["prod-eu"], "imagePushedAt": "2026-10-01T00:00:00+00:00"},
            {"imageDigest": "sha256:" + "2" * 64, "imageTags": ["v0"], "imagePushedAt": "2024-01-01T00:00:00+00:00",
             "imageStatus": "ARCHIVED", "lastArchivedAt": "2024-06-01T00:00:00+00:00"},
        ]
    }
    stack = hand_written_stack(tmp_path / "stack", policy)
    images = write_json(tmp_path / "d.json", details)
    # WHEN previewed as a table, failing on prod-*
    code, out, err = run(stack, REPOSITORY, "--images", images, "--now", NOW, "--fail-on-expire", "prod-*")
    # THEN a STORAGE column appears, the prod image would be archived (and so cannot be
    # pulled: the deploy must stop), and the long-archived image expires
    assert code == 1
    assert err == "--fail-on-expire: 1 image(s) would expire or be archived: sha256:" + "1" * 64 + "\n"
    assert out.splitlines()[:4] == [
        "payments/api (aws_ecr_lifecycle_policy.zz_rules_9) at 2026-11-25T00:00:00+00:00: 1 of 2 images would expire, 1 be archived",
        "IMAGE                TAGS     PUSHED (UTC)      STORAGE   VERDICT  RULE  WHY",
        "sha256:111111111111  prod-eu  2026-10-01 00:00  standard  archive  1     pushed 55.0 days before now; rule 1 archives images pushed more than 30 days before",
        "sha256:222222222222  v0       2024-01-01 00:00  archive   expire   2     archived 907.0 days before now; rule 2 expires images archived more than 365 days before",
    ]


# --------------------------------------------------------------------------- errors


def test_an_absent_repository(synthesized: Path, images_file: Path) -> None:
    code, out, err = run(synthesized, "payments/nope", "--images", images_file)
    assert (code, out) == (2, "")
    assert err == (
        "error: repository='payments/nope' is not in the stack; allowed: the name of one "
        f"aws_ecr_repository in {synthesized}: ['payments/api', 'payments/bare', 'payments/web']\n"
    )


def test_a_name_in_two_regions_of_one_stack_is_picked_by_region(tmp_path: Path, images_file: Path) -> None:
    # GIVEN payments/api in us-east-1 (the default provider; untagged images go after 1 day)
    # and in eu-west-1 (an aliased provider; after 30 days), in one stack
    app = App(outdir=str(tmp_path / "cdktf.out"))
    stack = TerraformStack(app, "prod")
    AwsProvider(stack, "aws", region="us-east-1")
    europe = AwsProvider(stack, "eu", region="eu-west-1", alias="eu")
    Repository(stack, "api", name=REPOSITORY,
               lifecycle_rules=[LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=1)])
    Repository(stack, "api_eu", name=REPOSITORY, provider=europe,
               lifecycle_rules=[LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=30)])
    app.synth()
    directory = tmp_path / "cdktf.out" / "stacks" / "prod"
    # WHEN previewed with each region  THEN each is that region's repository and policy:
    # the untagged image, 20 days old at NOW, expires in us-east-1 only
    for region, policy, verdict in (
        ("us-east-1", "aws_ecr_lifecycle_policy.payments--api", "expire"),
        ("eu-west-1", "aws_ecr_lifecycle_policy.payments--api___eu", "keep"),
    ):
        code, out, err = run(directory, REPOSITORY, "--region", region, "--images", images_file,
                             "--now", NOW, "--json")
        assert (code, err) == (0, ""), region
        report = json.loads(out)
        assert report["lifecycle_policy"] == policy
        assert [i["verdict"] for i in report["images"] if not i["tags"]] == [verdict]
    # WHEN no region, or one holding neither, is given  THEN the command says which exist
    candidates = (
        "aws_ecr_repository.payments--api (provider aws, region us-east-1), "
        "aws_ecr_repository.payments--api___eu (provider aws.eu, region eu-west-1)"
    )
    allowed = (
        "allowed: the name of one aws_ecr_repository in the stack, and for a name in several "
        "regions a region (--region) that holds one of them\n"
    )
    code, out, err = run(directory, REPOSITORY, "--images", images_file)
    assert (code, out) == (2, "")
    assert err == (
        f"error: repository='payments/api' names 2 repositories: {candidates}; pass the region of "
        f"one (--region); {allowed}"
    )
    code, out, err = run(directory, REPOSITORY, "--region", "ap-south-1", "--images", images_file)
    assert (code, out) == (2, "")
    assert err == (
        "error: region='ap-south-1' holds none of the 2 repositories named 'payments/api': "
        f"{candidates}; {allowed}"
    )


def test_a_policy_that_is_a_terraform_expression(synthesized: Path, images_file: Path) -> None:
    # GIVEN a policy built by jsonencode() because a count is a Terraform variable
    code, out, err = run(synthesized, "payments/web", "--images", images_file)
    assert (code, out) == (2, "")
    assert err.startswith("error: aws_ecr_lifecycle_policy.payments--web.policy=")
    assert "is a Terraform expression, known only at apply, so it cannot be previewed" in err


def test_a_repository_without_a_lifecycle_policy(synthesized: Path, images_file: Path) -> None:
    code, _, err = run(synthesized, "payments/bare", "--images", images_file)
    assert code == 2
    assert "has 0 lifecycle policies in the stack" in err


def test_a_stack_directory_without_cdk_tf_json(tmp_path: Path, images_file: Path) -> None:
    code, _, err = run(tmp_path, REPOSITORY, "--images", images_file)
    assert code == 2
    assert err.startswith(f"error: stack_dir='{tmp_path}' cannot be read")


def test_a_malformed_images_file(tmp_path: Path) -> None:
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    bad = write_json(tmp_path / "bad.json", [{"digest": "sha256:1", "tags": [], "pushed_at": "last week"}])
    code, _, err = run(stack, REPOSITORY, "--images", bad)
    assert code == 2
    assert err.startswith("error: images[0].pushed_at='last week' is not an ISO-8601 date and time")


def test_a_bad_now(tmp_path: Path, images_file: Path) -> None:
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    code, _, err = run(stack, REPOSITORY, "--images", images_file, "--now", "tomorrow")
    assert (code, err.startswith("error: now='tomorrow'")) == (2, True)


def test_without_boto3_the_registry_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    code, _, err = run(stack, REPOSITORY)
    assert code == 2
    assert err == (
        "error: reading images from the registry needs boto3 (pip install boto3); "
        "or pass --images FILE.json\n"
    )


def test_every_page_of_describe_images_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an ECR client whose describe_images answers in two pages
    client = boto3.client("ecr", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    stubber = Stubber(client)
    pushed = datetime(2026, 11, 1, tzinfo=timezone.utc)
    stubber.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": "sha256:1", "imageTags": ["v1"], "imagePushedAt": pushed}], "nextToken": "t"},
        {"repositoryName": REPOSITORY},
    )
    archived = datetime(2026, 11, 10, tzinfo=timezone.utc)
    stubber.add_response(
        "describe_images",
        {
            "imageDetails": [
                {
                    "imageDigest": "sha256:2",
                    "imagePushedAt": pushed,
                    "imageStatus": "ARCHIVED",
                    "lastRecordedPullTime": pushed,
                    "lastArchivedAt": archived,
                }
            ]
        },
        {"repositoryName": REPOSITORY, "nextToken": "t"},
    )
    regions: List[Optional[str]] = []

    def fake_client(service: str, region_name: Optional[str] = None) -> Any:
        regions.append(region_name)
        return client

    monkeypatch.setattr(boto3, "client", fake_client)
    # WHEN the registry is read
    with stubber:
        images = list(registry_images(REPOSITORY, "eu-central-1"))
    # THEN both pages arrive, untagged as an empty list, an archived image with its times
    assert images == [
        {"digest": "sha256:1", "tags": ["v1"], "pushed_at": pushed, "storage_class": "standard"},
        {
            "digest": "sha256:2",
            "tags": [],
            "pushed_at": pushed,
            "storage_class": "archive",
            "last_pulled_at": pushed,
            "last_archived_at": archived,
        },
    ]
    assert regions == ["eu-central-1"]
    stubber.assert_no_pending_responses()


# --------------------------------------------------------------------------- against the local endpoint


def _manifest(layer: int) -> str:
    """A distinct manifest per image: moto's digest hashes the layer digests."""
    digest = "sha256:" + hashlib.sha256(str(layer).encode()).hexdigest()
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 2,
                "digest": "sha256:" + hashlib.sha256(b"{}").hexdigest(),
            },
            "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": digest}],
        }
    )


@pytest.fixture
def registry(local_aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dict[str, str]]:
    """payments/api in us-east-1 of the local endpoint, with four images pushed a
    second apart (moto records push times to the second): tags -> digest."""
    local_aws.reset()
    environ = local_aws.environ(region="eu-west-1")  # not the repository's region
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.setenv(name, environ[name])
    client = boto3.client("ecr", region_name="us-east-1")
    client.create_repository(repositoryName=REPOSITORY)
    pushes: Sequence[Tuple[int, Sequence[Optional[str]]]] = [
        (1, ["v1.0"]),
        (2, ["v1.1", "prod-eu"]),
        (3, [None]),
        (4, ["v1.2"]),
    ]
    digests: Dict[str, str] = {}
    for number, (layer, tags) in enumerate(pushes):
        if number:
            time.sleep(1.05)
        for tag in tags:
            extra = {"imageTag": tag} if tag else {}
            answer = client.put_image(repositoryName=REPOSITORY, imageManifest=_manifest(layer), **extra)
        digests[",".join(t for t in tags if t) or "<untagged>"] = answer["image"]["imageId"]["imageDigest"]
    yield digests
    local_aws.reset()


def _verdicts(report: Mapping[str, Any], digests: Mapping[str, str]) -> Dict[str, Tuple[str, Any]]:
    names = {digest: name for name, digest in digests.items()}
    return {names[i["digest"]]: (i["verdict"], i["rule_priority"]) for i in report["images"]}


def test_images_from_the_local_registry_in_the_stacks_region(
    tmp_path: Path, registry: Dict[str, str]
) -> None:
    # GIVEN a stack whose provider is in us-east-1, with AWS_REGION=eu-west-1 in the environment
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY, region="us-east-1")
    # WHEN previewed from the registry, 30 days from now
    ahead = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    code, out, err = run(stack, REPOSITORY, "--json")
    code_ahead, out_ahead, _ = run(stack, REPOSITORY, "--json", "--now", ahead, "--fail-on-expire", "prod-*")
    # THEN the stack's region is used; today the oldest of three v* images expires
    # (the protected one holds a place in the window); in 30 days the untagged
    # image too; the protected image never
    assert (code, err) == (0, "")
    assert _verdicts(json.loads(out), registry) == {
        "v1.2": ("keep", 3),
        "<untagged>": ("keep", 2),
        "v1.1,prod-eu": ("keep", 1),
        "v1.0": ("expire", 3),
    }
    assert code_ahead == 0
    assert _verdicts(json.loads(out_ahead), registry) == {
        "v1.2": ("keep", 3),
        "<untagged>": ("expire", 2),
        "v1.1,prod-eu": ("keep", 1),
        "v1.0": ("expire", 3),
    }


def test_region_flag_wins_and_an_aws_error_is_reported(tmp_path: Path, registry: Dict[str, str]) -> None:
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY, region="us-east-1")
    code, out, err = run(stack, REPOSITORY, "--region", "eu-west-1")
    assert (code, out) == (2, "")
    assert err.startswith("error: describe_images for 'payments/api' failed: ")
    assert "RepositoryNotFoundException" in err


def test_the_command_runs_as_a_module_against_the_local_endpoint(
    tmp_path: Path, registry: Dict[str, str], local_aws: LocalAws
) -> None:
    # GIVEN a keep-one-v* policy, so v1.0 expires and a deploy of it must stop
    policy = lifecycle_policy_json(
        assemble_lifecycle_policy([LifecycleRule(tag_pattern_list=["v*"], max_image_count=1)])
    )
    stack = hand_written_stack(tmp_path / "stack", policy)
    # WHEN the command runs in its own process
    result = subprocess.run(
        [sys.executable, "-m", "cdktf_aws_ecr.preview", str(stack), REPOSITORY, "--fail-on-expire", "v1.0"],
        capture_output=True,
        text=True,
        env=local_aws.environ(region="us-east-1", base={**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}"}),
        cwd=REPO_ROOT,
        timeout=120,
    )
    # THEN it prints the table and exits 1 for the expiring v1.0
    assert result.returncode == 1, result.stderr
    first, header, *rows = result.stdout.splitlines()
    assert first.endswith(": 2 of 4 images would expire")
    assert header.split() == ["IMAGE", "TAGS", "PUSHED", "(UTC)", "VERDICT", "RULE", "WHY"]
    assert result.stderr == f"--fail-on-expire: 1 image(s) would expire: {registry['v1.0']}\n"



#: The jsii runtime and the packages built on it: none may load for the preview.
JSII_PACKAGES = {"jsii", "cdktf", "constructs", "cdktf_cdktf_provider_aws"}


def run_python(*args: str) -> Tuple[subprocess.CompletedProcess, float]:
    """A fresh interpreter on this checkout's library, and how long it took."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": f"{REPO_ROOT / 'lib'}:{REPO_ROOT}"},
        cwd=REPO_ROOT,
        timeout=120,
    )
    return result, time.monotonic() - started


def test_help_starts_no_jsii() -> None:
    # WHEN the command's help is asked for, with Python reporting every import
    result, seconds = run_python("-X", "importtime", "-m", "cdktf_aws_ecr.preview", "--help")
    # THEN it prints the usage, and neither jsii nor cdktf was imported
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m cdktf_aws_ecr.preview ")
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "cdktf_aws_ecr.lifecycle.preview" in imported
    loaded = {name.split(".")[0] for name in imported} & JSII_PACKAGES
    assert loaded == set(), f"--help took {seconds:.2f}s and imported {sorted(loaded)}"


def test_the_preview_api_starts_no_jsii() -> None:
    # GIVEN a policy that keeps one v* image, and two such images
    policy = lifecycle_policy_json(
        assemble_lifecycle_policy([LifecycleRule(tag_pattern_list=["v*"], max_image_count=1)])
    )
    images = [
        {"digest": "sha256:new", "tags": ["v2"], "pushed_at": "2026-11-02T00:00:00Z"},
        {"digest": "sha256:old", "tags": ["v1"], "pushed_at": "2026-11-01T00:00:00Z"},
    ]
    # WHEN a fresh interpreter imports the public name and previews the policy
    script = (
        "import json, sys\n"
        "from cdktf_aws_ecr import check_lifecycle_policy, preview_lifecycle\n"
        "policy, images, now = json.loads(sys.argv[1])\n"
        "check_lifecycle_policy(policy)\n"
        "preview = preview_lifecycle(policy, images, now)\n"
        "print(json.dumps([dict(preview.expired), sorted({m.split('.')[0] for m in sys.modules})]))\n"
    )
    result, _ = run_python("-c", script, json.dumps([policy, images, NOW]))
    # THEN the preview is right, and neither jsii nor cdktf was imported
    assert result.returncode == 0, result.stderr
    expired, modules = json.loads(result.stdout)
    assert expired == {"sha256:old": 1}
    assert set(modules) & JSII_PACKAGES == set()


# --------------------------------------------------------------------------- real registries' files

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
UNTAGGED_AFTER_A_DAY = lifecycle_policy_json(
    assemble_lifecycle_policy([LifecycleRule(tag_status=TagStatus.UNTAGGED, max_image_age_days=1)])
)


def test_fail_on_expire_passes_a_buildx_repository_read_from_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a registry holding a tagged multi-arch index and its two untagged platform manifests
    client = boto3.client("ecr", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    stubber = Stubber(client)
    pushed = datetime(2026, 11, 1, tzinfo=timezone.utc)
    index, amd, arm = ("sha256:" + c * 64 for c in "123")
    details = [
        {"imageDigest": index, "imageTags": ["v1"], "imagePushedAt": pushed, "imageManifestMediaType": OCI_INDEX},
        {"imageDigest": amd, "imagePushedAt": pushed, "imageManifestMediaType": OCI_MANIFEST},
        {"imageDigest": arm, "imagePushedAt": pushed, "imageManifestMediaType": OCI_MANIFEST},
    ]
    stubber.add_response("describe_images", {"imageDetails": details}, {"repositoryName": REPOSITORY})
    manifest = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": amd, "size": 1, "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": OCI_MANIFEST, "digest": arm, "size": 1, "platform": {"architecture": "arm64", "os": "linux"}},
    ]}
    stubber.add_response(
        "batch_get_image",
        {"images": [{"imageId": {"imageDigest": index}, "imageManifest": json.dumps(manifest)}], "failures": []},
        {"repositoryName": REPOSITORY, "imageIds": [{"imageDigest": index}],
         "acceptedMediaTypes": sorted([OCI_INDEX, "application/vnd.docker.distribution.manifest.list.v2+json"])},
    )
    monkeypatch.setattr(boto3, "client", lambda service, region_name=None: client)
    stack = hand_written_stack(tmp_path / "stack", UNTAGGED_AFTER_A_DAY)
    # WHEN previewed with --fail-on-expire
    with stubber:
        code, out, err = run(stack, REPOSITORY, "--now", NOW, "--fail-on-expire", "--json")
    # THEN nothing expires: ECR keeps the manifests the index references while it exists
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["expired"] == {}
    assert all("references it" in i["reason"] for i in report["images"] if i["digest"] != index)
    stubber.assert_no_pending_responses()


def test_one_page_of_describe_images_is_refused(tmp_path: Path) -> None:
    page = {"imageDetails": [{"imageDigest": "sha256:" + "1" * 64, "imageTags": ["v1"],
                              "imagePushedAt": "2026-11-20T00:00:00+00:00"}], "nextToken": "eyJ0b2tlbiI6IDF9"}
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    code, out, err = run(stack, REPOSITORY, "--images", write_json(tmp_path / "page.json", page), "--now", NOW)
    assert (code, out) == (2, "")
    assert "holds nextToken: it is one page of the images, not all of them" in err
    assert "--max-items" in err


def test_a_describe_images_file_with_an_index_but_no_references_is_refused(tmp_path: Path) -> None:
    details = {"imageDetails": [{"imageDigest": "sha256:" + "1" * 64, "imageTags": ["v1"],
                                 "imagePushedAt": "2026-11-20T00:00:00+00:00", "imageManifestMediaType": OCI_INDEX}]}
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    code, _, err = run(stack, REPOSITORY, "--images", write_json(tmp_path / "d.json", details), "--now", NOW)
    assert code == 2 and "images[0].references" in err and "is missing for an image index" in err


@pytest.mark.parametrize("shape", ["list", "describe-images"])
def test_a_byte_order_mark_and_epoch_times_are_read_in_every_shape(tmp_path: Path, shape: str) -> None:
    # GIVEN a file as PowerShell writes it (UTF-8 with a BOM), with epoch push times
    old = datetime(2026, 10, 1, tzinfo=timezone.utc).timestamp()
    new = int(datetime(2026, 11, 20, tzinfo=timezone.utc).timestamp())
    if shape == "list":
        data: Any = [{"digest": "sha256:" + "1" * 64, "tags": ["v2"], "pushed_at": new},
                     {"digest": "sha256:" + "2" * 64, "tags": [], "pushed_at": old}]
    else:
        data = {"imageDetails": [{"imageDigest": "sha256:" + "1" * 64, "imageTags": ["v2"], "imagePushedAt": new},
                                 {"imageDigest": "sha256:" + "2" * 64, "imagePushedAt": old}]}
    path = tmp_path / "images.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode("utf-8"))
    stack = hand_written_stack(tmp_path / "stack", PROTECTED_POLICY)
    code, out, err = run(stack, REPOSITORY, "--images", path, "--now", NOW, "--json")
    assert (code, err) == (0, "")
    assert [(i["tags"], i["pushed_at"], i["verdict"]) for i in json.loads(out)["images"]] == [
        (["v2"], "2026-11-20T00:00:00+00:00", "keep"),
        ([], "2026-10-01T00:00:00+00:00", "expire"),
    ]


def test_a_buildx_image_on_the_local_endpoint_keeps_its_platform_manifests(
    tmp_path: Path, registry: Dict[str, str]
) -> None:
    # GIVEN the registry's images plus a multi-arch image: two untagged OCI platform
    # manifests and a tagged index referencing them, as `docker buildx` pushes them
    client = boto3.client("ecr", region_name="us-east-1")
    platforms = []
    for layer in (11, 12):
        oci = json.loads(_manifest(layer)) | {"mediaType": OCI_MANIFEST}
        answer = client.put_image(repositoryName=REPOSITORY, imageManifest=json.dumps(oci),
                                  imageManifestMediaType=OCI_MANIFEST)
        platforms.append(answer["image"]["imageId"]["imageDigest"])
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX,
             "manifests": [{"mediaType": OCI_MANIFEST, "digest": d, "size": 1} for d in platforms]}
    client.put_image(repositoryName=REPOSITORY, imageManifest=json.dumps(index), imageTag="v2-multiarch",
                     imageManifestMediaType=OCI_INDEX)
    stack = hand_written_stack(tmp_path / "stack", UNTAGGED_AFTER_A_DAY)
    # WHEN previewed from the registry 30 days ahead, failing on any expiry
    ahead = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    code, out, err = run(stack, REPOSITORY, "--json", "--now", ahead, "--fail-on-expire")
    # THEN only the orphan untagged image expires: the index's platform manifests are kept
    report = json.loads(out)
    assert report["expired"] == {registry["<untagged>"]: 1}
    assert (code, err) == (1, f"--fail-on-expire: 1 image(s) would expire: {registry['<untagged>']}\n")
    kept = {i["digest"]: i for i in report["images"] if i["digest"] in platforms}
    assert len(kept) == 2 and all(i["verdict"] == "keep" and "references it" in i["reason"] for i in kept.values())
