"""Pull-through cache: the upstream catalogue and the checks of one rule. GIVEN / WHEN / THEN."""

from __future__ import annotations

from typing import Any

import pytest
from refusals import assert_refused

from cdktf_aws_ecr.registry.pull_through_cache import PullThroughCacheRule
from cdktf_aws_ecr.registry.upstreams import Authentication, Upstream, UpstreamRegistry

REGION = "us-east-1"
ACCOUNT = "111111111111"
OTHER = "222222222222"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:ecr-pullthroughcache/docker-hub-AbCdEf"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-pull-through"


def rule(prefix: str, upstream: Any, **kwargs: Any) -> PullThroughCacheRule:
    kwargs.setdefault("registry_region", REGION)
    kwargs.setdefault("registry_account_id", ACCOUNT)
    return PullThroughCacheRule(prefix, upstream, **kwargs)


# --- the catalogue -------------------------------------------------------------------


def test_catalogue_urls_and_authentication() -> None:
    # GIVEN every documented upstream
    upstreams = [
        Upstream.ecr_public(),
        Upstream.kubernetes(),
        Upstream.quay(),
        Upstream.docker_hub(),
        Upstream.github_container_registry(),
        Upstream.gitlab_container_registry(),
        Upstream.azure_container_registry("contoso"),
        Upstream.chainguard(),
        Upstream.ecr(OTHER, "eu-west-1"),
    ]
    # THEN each has AWS's URL and authentication
    assert [(u.registry.value, u.url, u.authentication.value) for u in upstreams] == [
        ("ecr-public", "public.ecr.aws", "NONE"),
        ("k8s", "registry.k8s.io", "NONE"),
        ("quay", "quay.io", "NONE"),
        ("docker-hub", "registry-1.docker.io", "SECRET"),
        ("github-container-registry", "ghcr.io", "SECRET"),
        ("gitlab-container-registry", "registry.gitlab.com", "SECRET"),
        ("azure-container-registry", "contoso.azurecr.io", "SECRET"),
        ("chainguard", "cgr.dev", "SECRET"),
        ("ecr", "222222222222.dkr.ecr.eu-west-1.amazonaws.com", "IAM_ROLE"),
    ]
    # AND each is found again from its URL
    assert [Upstream.from_url(u.url) for u in upstreams] == upstreams


def test_from_url_reads_an_ecr_upstream_account_and_region() -> None:
    upstream = Upstream.from_url("222222222222.dkr.ecr.eu-west-1.amazonaws.com")
    assert (upstream.registry, upstream.account_id, upstream.region) == (
        UpstreamRegistry.ECR,
        OTHER,
        "eu-west-1",
    )
    assert upstream.authentication is Authentication.IAM_ROLE


@pytest.mark.parametrize(
    "url",
    [
        "docker.io",
        "https://ghcr.io",
        "ghcr.io/",
        "MyRegistry.azurecr.io",
        "acr1.azurecr.io",
        "example.com",
        "2222.dkr.ecr.eu-west-1.amazonaws.com",
    ],
)
def test_unknown_upstream_urls_are_refused(url: str) -> None:
    assert_refused(
        lambda: Upstream.from_url(url),
        "upstream",
        "is not a supported upstream registry URL",
        "registry-1.docker.io",
        "<registry>.azurecr.io",
    )


def test_an_upstream_must_have_its_documented_url() -> None:
    assert_refused(
        lambda: Upstream(UpstreamRegistry.QUAY, "quay.io/team"),
        "upstream",
        "'quay.io' for quay",
    )
    assert_refused(
        lambda: Upstream.azure_container_registry("Contoso"),
        "upstream",
        "<registry>.azurecr.io, the registry's login server",
    )
    assert_refused(
        lambda: Upstream(UpstreamRegistry.DOCKER_HUB, "registry-1.docker.io", region="us-east-1"),
        "region",
        "only ECR upstreams have an account and region",
    )
    assert_refused(lambda: Upstream.ecr("2222", "eu-west-1"), "account_id", "12-digit")
    assert_refused(
        lambda: Upstream("docker", "registry-1.docker.io"),  # type: ignore[arg-type]
        "registry",
        "'docker-hub'",
        "(UpstreamRegistry members)",
    )


# --- one rule: output ----------------------------------------------------------------


def test_docker_hub_rule_arguments() -> None:
    # GIVEN a Docker Hub rule with a secret in the registry's account and region
    cache = rule("docker-hub", Upstream.docker_hub(), credential_secret=SECRET)
    # THEN the resource arguments are exactly these
    assert cache.arguments() == {
        "ecr_repository_prefix": "docker-hub",
        "upstream_registry_url": "registry-1.docker.io",
        "credential_arn": SECRET,
    }


def test_an_upstream_may_be_given_by_url() -> None:
    cache = PullThroughCacheRule("ROOT", "public.ecr.aws")
    assert cache.upstream == Upstream.ecr_public()
    assert cache.arguments() == {
        "ecr_repository_prefix": "ROOT",
        "upstream_registry_url": "public.ecr.aws",
    }


def test_ecr_to_ecr_rule_arguments() -> None:
    # GIVEN another account's registry as upstream, a role and an upstream prefix
    cache = rule(
        "mirror/",
        Upstream.ecr(OTHER, "eu-west-1"),
        custom_role_arn=ROLE,
        upstream_repository_prefix="team-a",
    )
    assert cache.arguments() == {
        "ecr_repository_prefix": "mirror/",
        "upstream_registry_url": "222222222222.dkr.ecr.eu-west-1.amazonaws.com",
        "custom_role_arn": ROLE,
        "upstream_repository_prefix": "team-a",
    }


def test_same_account_ecr_upstream_needs_no_role() -> None:
    cache = rule("west", Upstream.ecr(ACCOUNT, "us-west-2"))
    assert "custom_role_arn" not in cache.arguments()


def test_unknown_registry_location_skips_location_checks() -> None:
    # GIVEN a rule whose registry account and region are unknown at synth
    cache = PullThroughCacheRule(
        "ghcr",
        Upstream.github_container_registry(),
        credential_secret=SECRET.replace("us-east-1", "eu-west-1"),
    )
    # THEN the secret's region cannot be compared and is accepted
    assert cache.arguments()["credential_arn"].startswith("arn:aws:secretsmanager:eu-west-1:")


# --- one rule: refusals --------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix, fragment",
    [
        ("a", "has 1 characters"),
        ("a" * 31, "has 31 characters"),
        ("Docker", "not a valid repository prefix"),
        ("-hub", "not a valid repository prefix"),
        ("a//b", "not a valid repository prefix"),
        ("root", None),
    ],
)
def test_prefix_syntax_and_length(prefix: str, fragment: Any) -> None:
    if fragment is None:
        assert rule(prefix, Upstream.quay()).prefix == prefix
        return
    assert_refused(lambda: rule(prefix, Upstream.quay()), "prefix", fragment, "'ROOT', or 2-30")


def test_a_secret_is_required_where_aws_requires_one() -> None:
    for upstream in (
        Upstream.docker_hub(),
        Upstream.github_container_registry(),
        Upstream.gitlab_container_registry(),
        Upstream.azure_container_registry("contoso"),
        Upstream.chainguard(),
    ):
        assert_refused(
            lambda: rule("cache", upstream),
            "credential_secret",
            "is missing",
            f"which {upstream.registry.value} requires",
        )


def test_a_secret_is_refused_where_aws_uses_none() -> None:
    assert_refused(
        lambda: rule("ecr-public", Upstream.ecr_public(), credential_secret=SECRET),
        "credential_secret",
        "None for ecr-public, which needs no credentials",
    )
    assert_refused(
        lambda: rule("mirror", Upstream.ecr(ACCOUNT, "us-west-2"), credential_secret=SECRET),
        "credential_secret",
        "None for ecr, which authenticates with an IAM role (custom_role_arn)",
    )


@pytest.mark.parametrize(
    "secret, fragment",
    [
        (
            f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:dockerhub-AbCdEf",
            "names the secret 'dockerhub-AbCdEf'; ECR only uses secrets whose name begins with "
            "'ecr-pullthroughcache/'",
        ),
        (
            "ecr-pullthroughcache/docker-hub",
            "is a secret name; pass the secret's ARN",
        ),
        (
            SECRET.replace(REGION, "eu-west-1"),
            "is in region eu-west-1; the secret must be in the rule's region us-east-1",
        ),
        (
            SECRET.replace(ACCOUNT, OTHER),
            "is in account 222222222222; the secret must be in the rule's account 111111111111",
        ),
        (
            SECRET.replace("arn:aws:", "arn:aws-cn:"),
            "is in partition aws-cn; region us-east-1 is in aws",
        ),
        (
            f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:ecr-pullthroughcache/a b",
            "has a name with characters outside [a-zA-Z0-9/_+=.@-]",
        ),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/x", "is not a Secrets Manager secret ARN"),
    ],
)
def test_secret_checks(secret: str, fragment: str) -> None:
    assert_refused(
        lambda: rule("docker-hub", Upstream.docker_hub(), credential_secret=secret),
        "credential_secret",
        fragment,
        "in account 111111111111 and region us-east-1",
    )


def test_ecr_only_arguments_are_refused_for_other_upstreams() -> None:
    assert_refused(
        lambda: rule("quay", Upstream.quay(), custom_role_arn=ROLE),
        "custom_role_arn",
        "None for quay; only ECR upstreams take it",
    )
    assert_refused(
        lambda: rule("quay", Upstream.quay(), upstream_repository_prefix="team"),
        "upstream_repository_prefix",
        "None for quay; only ECR upstreams take it",
    )


def test_ecr_upstream_refusals() -> None:
    upstream = Upstream.ecr(OTHER, "eu-west-1")
    assert_refused(
        lambda: rule("mirror", upstream),
        "custom_role_arn",
        "is missing",
        "ECR assumes to pull from account 222222222222",
    )
    assert_refused(
        lambda: rule("mirror", upstream, custom_role_arn=f"arn:aws:iam::{OTHER}:role/x"),
        "custom_role_arn",
        "is in account 222222222222; ECR only assumes a role of the registry's own account",
    )
    assert_refused(
        lambda: rule("mirror", upstream, custom_role_arn="ecr-pull-through"),
        "custom_role_arn",
        "is not an IAM role ARN",
    )
    assert_refused(
        lambda: rule("mirror", upstream, custom_role_arn=ROLE, upstream_repository_prefix="A"),
        "upstream_repository_prefix",
        "has 1 characters",
    )
    assert_refused(
        lambda: rule("ROOT", upstream, custom_role_arn=ROLE, upstream_repository_prefix="team"),
        "upstream_repository_prefix",
        "None while prefix is 'ROOT'",
    )
    assert_refused(
        lambda: rule("self", Upstream.ecr(ACCOUNT, REGION)),
        "upstream",
        "is this registry itself",
    )


def test_registry_location_is_checked() -> None:
    assert_refused(
        lambda: rule("quay", Upstream.quay(), registry_region="Moon"),
        "registry_region",
        "region code",
    )
    assert_refused(
        lambda: rule("quay", Upstream.quay(), registry_account_id="1"),
        "registry_account_id",
        "12-digit",
    )
