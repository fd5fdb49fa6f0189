"""What a registry holds today, read with boto3 for ``--live``: its repositories (with their
scan-on-push), its scanning configuration, and on demand each repository's images and
lifecycle policy. boto3 is optional (``pip install 'cdktf-aws-ecr[preview]'``) and imported
only here; it honours ``AWS_ENDPOINT_URL`` and the usual credential settings."""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple, TypeVar

from ..lifecycle.preview import describe_images_entry
from .scanning import ScanningConfiguration

#: Concurrent calls when many repositories are at stake.
_WORKERS = 8
T = TypeVar("T")


class LiveError(Exception):
    """The registry could not be read; the message says which and why."""


def _boto3() -> Any:
    try:
        import boto3  # type: ignore[import-untyped]
    except ImportError:
        raise LiveError(
            "--live reads the registry with boto3, which is not installed: "
            "pip install 'cdktf-aws-ecr[preview]' (or boto3)"
        ) from None
    return boto3


def _aws_errors() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    return (BotoCoreError, ClientError)


class LiveRegistry:
    """One registry (the credentials' account, one region) as it is now."""

    def __init__(self, region: str) -> None:
        self.region = region
        #: What was read per repository: ``{(what, name): value}``.
        self._read: Dict[Tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        #: ``{name: scanOnPush}`` of every repository.
        self.repositories: Dict[str, bool] = {}
        boto3 = _boto3()
        with self._reading("describe_repositories, get_registry_scanning_configuration"):
            self._client = boto3.client("ecr", region_name=region)
            for page in self._client.get_paginator("describe_repositories").paginate():
                for repository in page.get("repositories", []):
                    self.repositories[repository["repositoryName"]] = bool(
                        (repository.get("imageScanningConfiguration") or {}).get("scanOnPush")
                    )
            scanning = self._client.get_registry_scanning_configuration()
        self.account: Optional[str] = scanning.get("registryId")
        self.scanning = ScanningConfiguration.from_api(scanning.get("scanningConfiguration") or {})

    @contextlib.contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        try:
            yield
        except _aws_errors() as error:
            raise LiveError(
                f"reading the registry in {self.region} ({what}) failed: {error}"
            ) from None

    def _cached(self, key: Tuple[str, str], read: Callable[[], T]) -> T:
        with self._lock:
            if key in self._read:
                found: T = self._read[key]
                return found
        value = read()
        with self._lock:
            self._read[key] = value
        return value

    def images(self, name: str) -> List[Dict[str, Any]]:
        """The repository's images, as the lifecycle preview takes them."""

        def read() -> List[Dict[str, Any]]:
            with self._reading(f"describe_images of {name}"):
                paginator = self._client.get_paginator("describe_images")
                return [
                    describe_images_entry(entry)
                    for page in paginator.paginate(repositoryName=name)
                    for entry in page.get("imageDetails", [])
                ]

        return self._cached(("images", name), read)

    def lifecycle_policy(self, name: str) -> Optional[str]:
        """The repository's lifecycle policy text, or None when it has none."""
        from botocore.exceptions import ClientError

        def read() -> Optional[str]:
            with self._reading(f"get_lifecycle_policy of {name}"):
                try:
                    text: str = self._client.get_lifecycle_policy(repositoryName=name)[
                        "lifecyclePolicyText"
                    ]
                except ClientError as error:
                    code = error.response.get("Error", {}).get("Code")
                    if code == "LifecyclePolicyNotFoundException":
                        return None
                    raise
                return text

        return self._cached(("lifecycle policy", name), read)

    def prefetch(self, names: Iterable[str]) -> None:
        """Read the images of ``names`` (those that exist) side by side: a call per
        repository, which is what a large review spends its time on."""
        todo = [name for name in dict.fromkeys(names) if name in self.repositories]
        if len(todo) > 1:
            with ThreadPoolExecutor(max_workers=min(_WORKERS, len(todo))) as pool:
                list(pool.map(self.images, todo))


def read_registries(regions: Iterable[Optional[str]]) -> Dict[str, LiveRegistry]:
    """The live registry of each region (None: the environment's default region)."""
    registries: Dict[str, LiveRegistry] = {}
    for region in regions:
        resolved = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not resolved:
            raise LiveError(
                "--live needs the registry's region: the plan does not name it; "
                "set AWS_REGION (or the provider's region)"
            )
        if resolved not in registries:
            registries[resolved] = LiveRegistry(resolved)
    return registries
