"""The upstream registries a pull-through cache can cache, as AWS documents them: their
URLs and how ECR authenticates to each.
https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Dict, Optional

from ..checks import check_account_id, check_region, type_name
from ..errors import ValidationError
from ..facts import ACCOUNT_ID_PATTERN, REGION_PATTERN

# https://learn.microsoft.com/en-us/rest/api/containerregistry/registries/check-name-availability
# (registry names are 5-50 alphanumerics; the login server is the lowercase name)
_AZURE_URL = re.compile(r"[a-z0-9]{5,50}\.azurecr\.io", re.ASCII)
_ECR_URL = re.compile(
    rf"({ACCOUNT_ID_PATTERN})\.dkr\.ecr\.({REGION_PATTERN})\.amazonaws\.com", re.ASCII
)


class Authentication(str, enum.Enum):
    """How ECR authenticates to an upstream registry."""

    NONE = "NONE"
    SECRET = "SECRET"
    IAM_ROLE = "IAM_ROLE"


class UpstreamRegistry(str, enum.Enum):
    """The upstream registries AWS documents, by their ``upstreamRegistry`` names."""

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
    """An upstream registry to cache: its kind, its documented ``upstream_registry_url`` and,
    for ECR, its account and region. Build one with a factory (:meth:`docker_hub`,
    :meth:`ecr`, ...) or :meth:`from_url`."""

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
    def _fixed(cls, registry: UpstreamRegistry) -> "Upstream":
        return cls(registry, FIXED_URLS[registry])

    @classmethod
    def ecr_public(cls) -> "Upstream":
        """Amazon ECR Public (``public.ecr.aws``); no credentials."""
        return cls._fixed(UpstreamRegistry.ECR_PUBLIC)

    @classmethod
    def kubernetes(cls) -> "Upstream":
        """The Kubernetes image registry (``registry.k8s.io``); no credentials."""
        return cls._fixed(UpstreamRegistry.KUBERNETES)

    @classmethod
    def quay(cls) -> "Upstream":
        """Quay (``quay.io``); no credentials."""
        return cls._fixed(UpstreamRegistry.QUAY)

    @classmethod
    def docker_hub(cls) -> "Upstream":
        """Docker Hub (``registry-1.docker.io``, official images under ``library/``); needs a
        secret."""
        return cls._fixed(UpstreamRegistry.DOCKER_HUB)

    @classmethod
    def github_container_registry(cls) -> "Upstream":
        """GitHub Container Registry (``ghcr.io``); needs a secret."""
        return cls._fixed(UpstreamRegistry.GITHUB_CONTAINER_REGISTRY)

    @classmethod
    def gitlab_container_registry(cls) -> "Upstream":
        """GitLab.com's container registry (``registry.gitlab.com``, not self-managed GitLab);
        needs a secret."""
        return cls._fixed(UpstreamRegistry.GITLAB_CONTAINER_REGISTRY)

    @classmethod
    def chainguard(cls) -> "Upstream":
        """Chainguard's registry (``cgr.dev``); needs a secret."""
        return cls._fixed(UpstreamRegistry.CHAINGUARD)

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


def check_upstream(parameter: str, value: Any) -> Upstream:
    if isinstance(value, Upstream):
        return value
    if type(value) is str:
        return Upstream.from_url(value)
    raise ValidationError(
        parameter, value, UPSTREAM_ALLOWED + ", or an Upstream", problem=f"is {type_name(value)}"
    )
