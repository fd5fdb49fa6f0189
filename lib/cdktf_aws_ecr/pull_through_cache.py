"""Pull-through cache rules: cache an upstream registry's images in this registry.

A rule maps a repository prefix of this registry to an upstream registry.
Pulling ``<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<image>:<tag>``
makes ECR create the repository ``<prefix>/<image>`` on first pull, fetch the
image from the upstream and check the upstream for a newer image of that tag
at least once every 24 hours. Repositories that ECR creates this way get
default settings unless a ``PULL_THROUGH_CACHE`` creation template with the
same prefix applies.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html

Docker Hub official images live under ``library/``: with a rule of prefix
``docker-hub``, pull ``.../docker-hub/library/nginx:1.27``; other Docker Hub
images omit it (``.../docker-hub/bitnami/redis:7``).
https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Dict, Optional, Union

from .checks import check_account_id, check_region, check_role_arn, check_text, type_name
from .errors import ValidationError
from .facts import ACCOUNT_ID_PATTERN, REGION_PATTERN, partition_of
from .tokens import is_literal, is_token

# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PullThroughCacheRule.html
# (ecrRepositoryPrefix and upstreamRepositoryPrefix; provider 5.100 checks the same)
PREFIX_LENGTH = (2, 30)
PREFIX_PATTERN = r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?|ROOT"
ROOT = "ROOT"
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html
# ("Pull through cache rules per registry: 50", not adjustable)
MAX_RULES_PER_REGISTRY = 50
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html
SECRET_NAME_PREFIX = "ecr-pullthroughcache/"
# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
# (credentialArn: 50-612 characters, name characters [a-zA-Z0-9/_+=.@-])
SECRET_ARN_LENGTH = (50, 612)

_PREFIX = re.compile(PREFIX_PATTERN, re.ASCII)
_SECRET_ARN = re.compile(
    r"arn:(aws(?:-[a-z]+)*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)", re.ASCII
)
_SECRET_NAME = re.compile(re.escape(SECRET_NAME_PREFIX) + r"[a-zA-Z0-9/_+=.@-]+", re.ASCII)
# https://learn.microsoft.com/en-us/rest/api/containerregistry/registries/check-name-availability
# (registry names are 5-50 alphanumerics; the login server is the lowercase name)
_AZURE_URL = re.compile(r"[a-z0-9]{5,50}\.azurecr\.io", re.ASCII)
_ECR_URL = re.compile(
    rf"({ACCOUNT_ID_PATTERN})\.dkr\.ecr\.({REGION_PATTERN})\.amazonaws\.com", re.ASCII
)

PREFIX_ALLOWED = (
    f"'{ROOT}', or {PREFIX_LENGTH[0]}-{PREFIX_LENGTH[1]} characters matching "
    f"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*/?$ "
    "(lowercase path segments, ECR adds a trailing '/')"
)


class Authentication(str, enum.Enum):
    """How ECR authenticates to an upstream registry."""

    NONE = "NONE"
    SECRET = "SECRET"
    IAM_ROLE = "IAM_ROLE"


class UpstreamRegistry(str, enum.Enum):
    """The upstream registries AWS documents, by their ``upstreamRegistry`` names.

    https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
    """

    ECR_PUBLIC = "ecr-public"
    KUBERNETES = "k8s"
    QUAY = "quay"
    DOCKER_HUB = "docker-hub"
    GITHUB_CONTAINER_REGISTRY = "github-container-registry"
    GITLAB_CONTAINER_REGISTRY = "gitlab-container-registry"
    AZURE_CONTAINER_REGISTRY = "azure-container-registry"
    CHAINGUARD = "chainguard"
    ECR = "ecr"


# https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
# (upstreamRegistryUrl syntax per registry). Chainguard's URL is not on that page:
# https://www.chainguard.dev/docs/tags/registry ("How to set up pull through from
# Chainguard's registry to Amazon ECR") uses cgr.dev.
FIXED_URLS: Dict[UpstreamRegistry, str] = {
    UpstreamRegistry.ECR_PUBLIC: "public.ecr.aws",
    UpstreamRegistry.KUBERNETES: "registry.k8s.io",
    UpstreamRegistry.QUAY: "quay.io",
    UpstreamRegistry.DOCKER_HUB: "registry-1.docker.io",
    UpstreamRegistry.GITHUB_CONTAINER_REGISTRY: "ghcr.io",
    UpstreamRegistry.GITLAB_CONTAINER_REGISTRY: "registry.gitlab.com",
    UpstreamRegistry.CHAINGUARD: "cgr.dev",
}
# https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html:
# ECR Public, Kubernetes and Quay need no authentication; Docker Hub, Azure,
# GitHub, GitLab and Chainguard a Secrets Manager secret; ECR an IAM role.
AUTHENTICATION: Dict[UpstreamRegistry, Authentication] = {
    UpstreamRegistry.ECR_PUBLIC: Authentication.NONE,
    UpstreamRegistry.KUBERNETES: Authentication.NONE,
    UpstreamRegistry.QUAY: Authentication.NONE,
    UpstreamRegistry.DOCKER_HUB: Authentication.SECRET,
    UpstreamRegistry.GITHUB_CONTAINER_REGISTRY: Authentication.SECRET,
    UpstreamRegistry.GITLAB_CONTAINER_REGISTRY: Authentication.SECRET,
    UpstreamRegistry.AZURE_CONTAINER_REGISTRY: Authentication.SECRET,
    UpstreamRegistry.CHAINGUARD: Authentication.SECRET,
    UpstreamRegistry.ECR: Authentication.IAM_ROLE,
}

UPSTREAM_ALLOWED = (
    ", ".join(sorted(FIXED_URLS.values()))
    + ", <registry>.azurecr.io (5-50 lowercase letters and digits), or "
    "<account>.dkr.ecr.<region>.amazonaws.com (use Upstream.ecr(account_id, region) "
    "for an account that is a token)"
)


@dataclass(frozen=True)
class Upstream:
    """An upstream registry to cache: its kind and URL.

    Build one with a factory (:meth:`docker_hub`, :meth:`azure_container_registry`,
    :meth:`ecr`, ...) or :meth:`from_url`.

    :param registry: Which documented upstream this is.
    :param url: Its ``upstream_registry_url``, as AWS documents it for that upstream.
    :param account_id: ECR upstreams only: the upstream registry's account. Default: None.
    :param region: ECR upstreams only: the upstream registry's region. Default: None.
    """

    registry: UpstreamRegistry
    url: str
    account_id: Optional[str] = None
    region: Optional[str] = None

    def __post_init__(self) -> None:
        names = [member.value for member in UpstreamRegistry]
        if self.registry not in names:
            raise ValidationError(
                "registry",
                self.registry,
                ", ".join(map(repr, names)) + " (UpstreamRegistry members)",
            )
        registry = UpstreamRegistry(self.registry)
        object.__setattr__(self, "registry", registry)
        expected = FIXED_URLS.get(registry)
        if registry is UpstreamRegistry.ECR:
            if self.account_id is None and self.region is None:
                match = _ECR_URL.fullmatch(self.url) if type(self.url) is str else None
                if match is None:
                    raise ValidationError("upstream", self.url, UPSTREAM_ALLOWED)
                object.__setattr__(self, "account_id", match.group(1))
                object.__setattr__(self, "region", match.group(2))
            else:
                check_account_id("account_id", self.account_id)
                check_region("region", self.region)
                expected = f"{self.account_id}.dkr.ecr.{self.region}.amazonaws.com"
        elif self.account_id is not None or self.region is not None:
            raise ValidationError(
                "account_id" if self.account_id is not None else "region",
                self.account_id or self.region,
                "None: only ECR upstreams have an account and region",
            )
        elif registry is UpstreamRegistry.AZURE_CONTAINER_REGISTRY:
            if type(self.url) is not str or not _AZURE_URL.fullmatch(self.url):
                # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
                # (Azure: <custom>.azurecr.io)
                raise ValidationError(
                    "upstream",
                    self.url,
                    "<registry>.azurecr.io, the registry's login server (its name is 5-50 "
                    "lowercase letters and digits)",
                )
        if expected is not None and self.url != expected:
            raise ValidationError(
                "upstream", self.url, f"{expected!r} for {registry.value}", problem="is not"
            )

    @property
    def authentication(self) -> Authentication:
        return AUTHENTICATION[self.registry]

    @classmethod
    def ecr_public(cls) -> "Upstream":
        """Amazon ECR Public (``public.ecr.aws``); no credentials."""
        return cls(UpstreamRegistry.ECR_PUBLIC, FIXED_URLS[UpstreamRegistry.ECR_PUBLIC])

    @classmethod
    def kubernetes(cls) -> "Upstream":
        """The Kubernetes image registry (``registry.k8s.io``); no credentials."""
        return cls(UpstreamRegistry.KUBERNETES, FIXED_URLS[UpstreamRegistry.KUBERNETES])

    @classmethod
    def quay(cls) -> "Upstream":
        """Quay (``quay.io``); no credentials."""
        return cls(UpstreamRegistry.QUAY, FIXED_URLS[UpstreamRegistry.QUAY])

    @classmethod
    def docker_hub(cls) -> "Upstream":
        """Docker Hub (``registry-1.docker.io``); needs a secret.

        Official images are under ``library/``: ``<prefix>/library/nginx``.
        """
        return cls(UpstreamRegistry.DOCKER_HUB, FIXED_URLS[UpstreamRegistry.DOCKER_HUB])

    @classmethod
    def github_container_registry(cls) -> "Upstream":
        """GitHub Container Registry (``ghcr.io``); needs a secret."""
        return cls(
            UpstreamRegistry.GITHUB_CONTAINER_REGISTRY,
            FIXED_URLS[UpstreamRegistry.GITHUB_CONTAINER_REGISTRY],
        )

    @classmethod
    def gitlab_container_registry(cls) -> "Upstream":
        """GitLab.com's container registry (``registry.gitlab.com``); needs a secret.

        Self-managed GitLab is not supported as an upstream.
        """
        return cls(
            UpstreamRegistry.GITLAB_CONTAINER_REGISTRY,
            FIXED_URLS[UpstreamRegistry.GITLAB_CONTAINER_REGISTRY],
        )

    @classmethod
    def chainguard(cls) -> "Upstream":
        """Chainguard's registry (``cgr.dev``); needs a secret."""
        return cls(UpstreamRegistry.CHAINGUARD, FIXED_URLS[UpstreamRegistry.CHAINGUARD])

    @classmethod
    def azure_container_registry(cls, registry_name: str) -> "Upstream":
        """Microsoft Azure Container Registry ``<registry_name>.azurecr.io``; needs a secret."""
        return cls(UpstreamRegistry.AZURE_CONTAINER_REGISTRY, f"{registry_name}.azurecr.io")

    @classmethod
    def ecr(cls, account_id: str, region: str) -> "Upstream":
        """Another private ECR registry; needs an IAM role when it is in another account."""
        return cls(
            UpstreamRegistry.ECR,
            f"{account_id}.dkr.ecr.{region}.amazonaws.com",
            account_id=account_id,
            region=region,
        )

    @classmethod
    def from_url(cls, url: str) -> "Upstream":
        """The upstream whose documented ``upstream_registry_url`` is ``url``."""
        for registry, fixed in FIXED_URLS.items():
            if url == fixed:
                return cls(registry, url)
        if type(url) is str and _AZURE_URL.fullmatch(url):
            return cls(UpstreamRegistry.AZURE_CONTAINER_REGISTRY, url)
        if type(url) is str and _ECR_URL.fullmatch(url):
            return cls(UpstreamRegistry.ECR, url)
        raise ValidationError(
            "upstream", url, UPSTREAM_ALLOWED, problem="is not a supported upstream registry URL"
        )


def check_prefix(parameter: str, value: Any) -> str:
    """An ``ecr_repository_prefix`` / ``upstream_repository_prefix``: ``ROOT`` or 2-30 characters."""
    return check_text(parameter, value, _PREFIX, PREFIX_LENGTH, PREFIX_ALLOWED, "repository prefix")


def check_secret_arn(
    parameter: str,
    value: Any,
    *,
    region: Optional[str] = None,
    account_id: Optional[str] = None,
) -> str:
    """The ARN of a Secrets Manager secret that pull-through cache may use.

    https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html:
    the name begins with ``ecr-pullthroughcache/``, and the secret is in the
    account and region of the rule.
    """
    where = (
        f" in {'account ' + account_id if is_literal(account_id) else 'the registry account'}"
        f" and {'region ' + region if is_literal(region) else 'the registry region'}"
    )
    allowed = (
        "the ARN of a Secrets Manager secret (arn:<partition>:secretsmanager:<region>:"
        f"<account>:secret:{SECRET_NAME_PREFIX}<name>-<suffix>){where}, or a token"
    )
    if type(value) is not str:
        raise ValidationError(
            parameter, value, allowed, problem=f"is {type_name(value)}, not an ARN"
        )
    match = _SECRET_ARN.fullmatch(value)
    if match is None:
        if is_token(value):
            return value
        problem = (
            "is a secret name; pass the secret's ARN (Terraform's credential_arn)"
            if value.startswith(SECRET_NAME_PREFIX)
            else "is not a Secrets Manager secret ARN"
        )
        raise ValidationError(parameter, value, allowed, problem=problem)
    partition, secret_region, secret_account, name = match.groups()
    if not name.startswith(SECRET_NAME_PREFIX):
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"names the secret {name!r}; ECR only uses secrets whose name begins "
            f"with {SECRET_NAME_PREFIX!r}",
        )
    low, high = SECRET_ARN_LENGTH
    if not _SECRET_NAME.fullmatch(name) or not low <= len(value) <= high:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"has a name with characters outside [a-zA-Z0-9/_+=.@-] or is not "
            f"{low}-{high} characters long",
        )
    if is_literal(region):
        if secret_region != region:
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"is in region {secret_region}; the secret must be in the rule's "
                f"region {region}",
            )
        if partition != partition_of(region):
            raise ValidationError(
                parameter,
                value,
                allowed,
                problem=f"is in partition {partition}; region {region} is in "
                f"{partition_of(region)}",
            )
    if is_literal(account_id) and secret_account != account_id:
        raise ValidationError(
            parameter,
            value,
            allowed,
            problem=f"is in account {secret_account}; the secret must be in the rule's "
            f"account {account_id}",
        )
    return value


@dataclass(frozen=True)
class PullThroughCacheRule:
    """One ``aws_ecr_pull_through_cache_rule``, checked.

    :param prefix: ``ecr_repository_prefix``: the repository namespace that
        caches the upstream, 2-30 characters (``[a-z0-9]`` segments joined by
        ``._-`` and ``/``; ECR appends ``/``), or ``ROOT`` for the whole
        registry. Unique within the registry; changing it replaces the rule.
    :param upstream: The upstream registry, an :class:`Upstream` or its documented URL.
    :param credential_secret: ARN of the Secrets Manager secret holding the
        upstream credentials. Required for Docker Hub, GitHub, GitLab, Azure and
        Chainguard; refused for the others. Its name must begin with
        ``ecr-pullthroughcache/`` and it must be in the rule's account and region.
        Default: None.
    :param custom_role_arn: ECR upstreams only: the IAM role ECR assumes to
        pull from the upstream registry, in this registry's account. Required
        when the upstream is in another account. Default: None.
    :param upstream_repository_prefix: ECR upstreams only: cache only the
        upstream repositories under this prefix (2-30 characters, as ``prefix``);
        not with ``prefix="ROOT"``. Default: None (AWS uses ``ROOT``: every repository).
    :param registry_region: Region of this registry, to check the secret, the
        role and an ECR upstream against. Default: None, unknown.
    :param registry_account_id: Account of this registry, likewise. Default: None, unknown.
    """

    prefix: str
    upstream: Union[Upstream, str]
    credential_secret: Optional[str] = None
    custom_role_arn: Optional[str] = None
    upstream_repository_prefix: Optional[str] = None
    registry_region: Optional[str] = None
    registry_account_id: Optional[str] = None

    def __post_init__(self) -> None:
        region, account = self.registry_region, self.registry_account_id
        if region is not None:
            check_region("registry_region", region)
        if account is not None:
            check_account_id("registry_account_id", account)
        check_prefix("prefix", self.prefix)
        upstream = self.upstream
        if not isinstance(upstream, Upstream):
            upstream = Upstream.from_url(upstream)
        object.__setattr__(self, "upstream", upstream)
        needs = upstream.authentication
        if self.credential_secret is not None:
            if needs is not Authentication.SECRET:
                uses = (
                    "authenticates with an IAM role (custom_role_arn)"
                    if needs is Authentication.IAM_ROLE
                    else "needs no credentials"
                )
                raise ValidationError(
                    "credential_secret",
                    self.credential_secret,
                    f"None for {upstream.registry.value}, which {uses}",
                )
            check_secret_arn(
                "credential_secret", self.credential_secret, region=region, account_id=account
            )
        elif needs is Authentication.SECRET:
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
            raise ValidationError(
                "credential_secret",
                None,
                f"the ARN of a Secrets Manager secret named {SECRET_NAME_PREFIX}..., which "
                f"{upstream.registry.value} requires",
                problem="is missing",
            )
        self._check_ecr_upstream(upstream, region, account)

    def _check_ecr_upstream(
        self, upstream: Upstream, region: Optional[str], account: Optional[str]
    ) -> None:
        if upstream.registry is not UpstreamRegistry.ECR:
            for name in ("custom_role_arn", "upstream_repository_prefix"):
                if getattr(self, name) is not None:
                    # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
                    # (both belong to ECR-to-ECR pull through cache)
                    raise ValidationError(
                        name,
                        getattr(self, name),
                        f"None for {upstream.registry.value}; only ECR upstreams take it",
                    )
            return
        if (
            is_literal(account)
            and is_literal(region)
            and (upstream.account_id, upstream.region) == (account, region)
        ):
            raise ValidationError(
                "upstream",
                upstream.url,
                "another ECR registry than this one",
                problem="is this registry itself",
            )
        if self.custom_role_arn is not None:
            # https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
            # ("This role must be in the same account as the registry that you are configuring")
            check_role_arn(
                "custom_role_arn",
                self.custom_role_arn,
                region=region,
                account_id=account,
                purpose="pull from the upstream ECR registry",
            )
        elif (
            is_literal(account)
            and is_literal(upstream.account_id)
            and upstream.account_id != account
        ):
            # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
            # ("you must create an IAM role if the upstream and downstream Amazon ECR
            # registries belong to different AWS account")
            raise ValidationError(
                "custom_role_arn",
                None,
                "the ARN of an IAM role in this registry's account that ECR assumes to pull "
                f"from account {upstream.account_id}",
                problem="is missing",
            )
        if self.upstream_repository_prefix is not None:
            check_prefix("upstream_repository_prefix", self.upstream_repository_prefix)
            if self.prefix == ROOT:
                # https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html
                raise ValidationError(
                    "upstream_repository_prefix",
                    self.upstream_repository_prefix,
                    "None while prefix is 'ROOT' (AWS sets it only for a non-ROOT prefix)",
                )

    @property
    def upstream_url(self) -> str:
        assert isinstance(self.upstream, Upstream)
        return self.upstream.url

    def arguments(self) -> Dict[str, str]:
        """The resource's arguments in Terraform JSON form (unset optional ones left out)."""
        arguments = {
            "ecr_repository_prefix": self.prefix,
            "upstream_registry_url": self.upstream_url,
        }
        for key, value in (
            ("credential_arn", self.credential_secret),
            ("custom_role_arn", self.custom_role_arn),
            ("upstream_repository_prefix", self.upstream_repository_prefix),
        ):
            if value is not None:
                arguments[key] = value
        return arguments
