"""What a live registry holds, read with boto3: repositories with their settings, policies
and tags, and the registry-wide settings (those the API answers for)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

#: Tags AWS reserves; the provider ignores them, so the code leaves them out too.
RESERVED_TAG_PREFIX = "aws:"


class ReadError(RuntimeError):
    """The registry could not be read (credentials, permissions, endpoint)."""


@dataclass(frozen=True)
class LiveRepository:
    name: str
    arn: str
    image_tag_mutability: str
    scan_on_push: bool
    encryption_type: str
    kms_key: Optional[str]
    tags: Dict[str, str]
    #: The policy texts as ECR returns them; None when the repository has none.
    lifecycle_policy: Optional[str]
    repository_policy: Optional[str]


@dataclass(frozen=True)
class LiveRegistry:
    account_id: str
    region: str
    repositories: Tuple[LiveRepository, ...]
    #: ``GetRegistryScanningConfiguration``'s ``scanningConfiguration``.
    scanning: Dict[str, Any]
    #: ``DescribeRegistry``'s replication rules.
    replication_rules: Tuple[Dict[str, Any], ...]
    registry_policy: Optional[str]
    #: Account settings by name, for those the API answered.
    account_settings: Dict[str, str]
    #: Prefixes of the pull-through cache rules and creation templates, when read.
    pull_through_cache_prefixes: Optional[Tuple[str, ...]]
    creation_template_prefixes: Optional[Tuple[str, ...]]
    #: What could not be read, and why (optional reads only).
    unread: Dict[str, str] = field(default_factory=dict)
    #: Repositories that disappeared while they were read.
    vanished: Tuple[str, ...] = ()


_ACCOUNT_SETTINGS = ("BASIC_SCAN_TYPE_VERSION", "REGISTRY_POLICY_SCOPE")


def _code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _describe(error: Exception) -> str:
    """The first line of the error, without an HTML body an endpoint may add."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text.split(": <", 1)[0][:200]


class _Gone(Exception):
    """The repository was deleted while it was read."""


def _absent_if(codes: Sequence[str], call: Callable[[], Any]) -> Optional[Any]:
    """``call()``, or None when it raises one of the error ``codes``."""
    try:
        return call()
    except Exception as error:
        if _code(error) in codes:
            return None
        if _code(error) == "RepositoryNotFoundException":
            raise _Gone() from None
        raise


def _read_repository(client: Any, summary: Dict[str, Any]) -> LiveRepository:
    name = summary["repositoryName"]
    lifecycle = _absent_if(
        ["LifecyclePolicyNotFoundException"],
        lambda: client.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"],
    )
    policy = _absent_if(
        ["RepositoryPolicyNotFoundException"],
        lambda: client.get_repository_policy(repositoryName=name)["policyText"],
    )
    tags = _absent_if([], lambda: client.list_tags_for_resource(
        resourceArn=summary["repositoryArn"])["tags"])
    encryption = summary.get("encryptionConfiguration") or {"encryptionType": "AES256"}
    return LiveRepository(
        name=name,
        arn=summary["repositoryArn"],
        image_tag_mutability=summary.get("imageTagMutability", "MUTABLE"),
        scan_on_push=bool((summary.get("imageScanningConfiguration") or {}).get("scanOnPush")),
        encryption_type=encryption.get("encryptionType", "AES256"),
        kms_key=encryption.get("kmsKey"),
        tags={
            tag["Key"]: tag["Value"]
            for tag in tags or ()
            if not tag["Key"].lower().startswith(RESERVED_TAG_PREFIX)
        },
        lifecycle_policy=lifecycle,
        repository_policy=policy,
    )


def _optional(
    unread: Dict[str, str], what: str, call: Callable[[], Any]
) -> Optional[Any]:
    """``call()``, or None with the reason in ``unread``: APIs a registry may not answer
    (permissions, or an endpoint that does not implement them)."""
    try:
        return call()
    except Exception as error:
        unread[what] = _describe(error)
        return None


def read_registry(
    client: Any,
    optional_client: Any,
    region: str,
    prefixes: Sequence[str] = (),
    workers: int = 8,
    progress: Callable[[str], None] = lambda line: None,
) -> LiveRegistry:
    """Read the registry ``client`` (a boto3 ECR client) points at.

    ``optional_client`` makes the reads that may fail without failing the run (account
    settings, pull-through cache rules, creation templates): give it few retries.
    Only repositories whose names start with one of ``prefixes`` (all, for none) are read.
    Raises :class:`ReadError` when the registry or a repository cannot be read.
    """
    started = time.monotonic()
    try:
        registry = client.describe_registry()
        summaries: List[Dict[str, Any]] = []
        for page in client.get_paginator("describe_repositories").paginate(
            PaginationConfig={"PageSize": 1000}
        ):
            summaries += [
                r for r in page["repositories"]
                if not prefixes or r["repositoryName"].startswith(tuple(prefixes))
            ]
        summaries.sort(key=lambda r: r["repositoryName"])
        progress(f"{len(summaries)} repositories to read in {registry['registryId']}/{region}")
        repositories: List[LiveRepository] = []
        vanished: List[str] = []
        step = max(1, len(summaries) // 10)

        def read(summary: Dict[str, Any]) -> Optional[LiveRepository]:
            try:
                return _read_repository(client, summary)
            except _Gone:
                return None

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for done, (summary, repository) in enumerate(
                zip(summaries, pool.map(read, summaries)), start=1
            ):
                if repository is None:
                    vanished.append(summary["repositoryName"])
                else:
                    repositories.append(repository)
                if done % step == 0 or done == len(summaries):
                    progress(
                        f"read {done}/{len(summaries)} repositories "
                        f"({time.monotonic() - started:.1f} s)"
                    )
        scanning = client.get_registry_scanning_configuration()["scanningConfiguration"]
        policy = _absent_if(
            ["RegistryPolicyNotFoundException"], lambda: client.get_registry_policy()["policyText"]
        )
    except Exception as error:
        raise ReadError(f"cannot read the registry in {region}: {_describe(error)}") from None
    unread: Dict[str, str] = {}
    settings: Dict[str, str] = {}
    for name in _ACCOUNT_SETTINGS:
        answer = _optional(unread, f"account setting {name}",
                           lambda: optional_client.get_account_setting(name=name))
        if answer is not None:
            settings[name] = answer["value"]
    caches = _optional(unread, "pull-through cache rules", lambda: tuple(
        rule["ecrRepositoryPrefix"]
        for page in optional_client.get_paginator("describe_pull_through_cache_rules").paginate()
        for rule in page["pullThroughCacheRules"]
    ))
    templates = _optional(unread, "repository creation templates", lambda: tuple(
        template["prefix"]
        for page in optional_client.get_paginator(
            "describe_repository_creation_templates").paginate()
        for template in page["repositoryCreationTemplates"]
    ))
    return LiveRegistry(
        account_id=registry["registryId"],
        region=region,
        repositories=tuple(repositories),
        scanning=scanning,
        replication_rules=tuple(
            (registry.get("replicationConfiguration") or {}).get("rules") or ()
        ),
        registry_policy=policy,
        account_settings=settings,
        pull_through_cache_prefixes=caches,
        creation_template_prefixes=templates,
        unread=unread,
        vanished=tuple(vanished),
    )
