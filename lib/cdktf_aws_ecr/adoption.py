"""Adoption: taking over what exists in AWS already, with Terraform ``import`` blocks.

A repository (and its policies) or a registry's settings made outside this library
are declared as usual and said to exist: ``Repository(..., adopt=Adopt(...))`` and
:meth:`Registry.adopt <cdktf_aws_ecr.Registry.adopt>`. The first plan imports them and
updates them in place to what the code declares; once they are in the state the import
blocks change nothing, so they may stay in the code.

A wrong statement shows at plan or apply, before the resource is touched: importing
something that does not exist fails the plan (Terraform's "Cannot import non-existent
remote object", naming the address; for a repository, first its live read: "reading ECR
Repository (<name>): couldn't find resource"). So does a declared encryption that is not
the live one (a precondition). Something that exists but is said not
to is created instead: AWS refuses a second repository, pull-through cache rule or
creation template of a name at apply (``RepositoryAlreadyExistsException``...), while a
policy or registry-wide configuration is written over the live one, as the import and
update would have, but without the plan showing the difference.
``python -m cdktf_aws_ecr.adopt`` reads what exists and writes the statements.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Optional, Tuple

from ._framework import Construct, Op, Precondition, TerraformStack, aws
from .addresses import declare_imports, pin_address
from .checks import type_name
from .errors import ValidationError
from .tokens import is_token


class AdoptionWarning(UserWarning):
    """Adoption says something exists in AWS that the code does not declare, so it stays
    there as it is, managed by nothing."""


@dataclass(frozen=True, kw_only=True)
class Adopt:
    """The repository exists in AWS already: take it over.

    Example::

        Repository(stack, "api", name="payments/api",
                   adopt=Adopt(lifecycle_policy=True, repository_policy=False))

    The first plan imports the repository, and each policy said to exist, at the
    addresses this library gives them, then updates them in place to the declared
    inputs. Encryption is fixed at creation: declare the live one, or a precondition
    stops the plan (it would replace the repository).

    :param lifecycle_policy: Whether the repository has a lifecycle policy in AWS.
        True imports it (the plan fails naming it if there is none); False lets
        the apply write the declared one.
    :param repository_policy: Whether it has a repository policy in AWS, likewise.
    """

    lifecycle_policy: bool
    repository_policy: bool

    def __post_init__(self) -> None:
        for name in ("lifecycle_policy", "repository_policy"):
            value = getattr(self, name)
            if type(value) is not bool:
                raise ValidationError(
                    name, value, "True or False: whether it exists in AWS",
                    problem=f"is {type_name(value)}",
                )


ADOPT_ALLOWED = (
    "None, or `Adopt(lifecycle_policy=..., repository_policy=...)` saying which policies "
    "exist; with a plain `name` (and a plain `enable_lifecycle_policy` to adopt a "
    "lifecycle policy)"
)


def check_adopt(parameter: str, value: Any) -> Any:
    if value is None or isinstance(value, Adopt):
        return value
    raise ValidationError(
        parameter, value, ADOPT_ALLOWED.replace("`", ""), problem=f"is {type_name(value)}"
    )


def check_adoption(settings: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """An import block names the repository literally, and the lifecycle policy at an
    address without ``count``."""
    adopt = settings["adopt"]
    if adopt is None:
        return
    allowed = ADOPT_ALLOWED.replace("`", "")
    if is_token(settings["name"]):
        raise ValidationError(
            "adopt", adopt, allowed,
            problem="is given for a repository whose name is an unresolved token: the import "
            "needs the name, and the address is derived from it",
        )
    if adopt.lifecycle_policy and settings["enable_lifecycle_policy"] not in (True, False):
        raise ValidationError(
            "adopt", adopt, allowed,
            problem="adopts a lifecycle policy while enable_lifecycle_policy is a token: "
            "whether the policy is declared must be known at synth",
        )


class RepositoryAdoption:
    """The import blocks of one adopted repository, the guard on its encryption, and the
    warning about a policy that exists in AWS and that the repository does not declare.

    ``declares(kind)``: whether the repository writes its ``"lifecycle_policy"`` or
    ``"repository_policy"`` (the latter may come with a grant made after construction).
    """

    def __init__(
        self,
        repository: Construct,
        adopt: Adopt,
        name: str,
        provider: Optional[Any],
        address_id: str,
        where: str,
        declares: Callable[[str], bool],
    ) -> None:
        self._repository = repository
        self._adopt = adopt
        self._name = name
        self._provider = provider
        self._address_id = address_id
        self._where = where
        self._declares = declares
        declare_imports(TerraformStack.of(repository), self._blocks)

    def encryption_guard(self, encryption: Any, key: Optional[Any]) -> Precondition:
        """A precondition on the repository that stops the plan, before anything changes,
        when the live encryption is not the declared one.

        Encryption is fixed at creation, so such a plan replaces the repository, and
        Terraform does not hold an object it imports in the same plan to
        ``prevent_destroy`` (it only warns "this will destroy the imported resource"): the
        apply would delete the repository's policies, then the repository, or fail on its
        images. It reads the live repository (``data.aws_ecr_repository``) at each plan.
        """
        live = aws.DataAwsEcrRepository(
            self._repository, "adopted", name=self._name, provider=self._provider
        )
        stack = TerraformStack.of(self._repository)
        pin_address(stack, live, "aws_ecr_repository", self._address_id, managed=False)
        configuration = live.encryption_configuration.get(0)
        condition = Op.eq(configuration.encryption_type, encryption)
        declared = "encryption_type" + ("" if is_token(encryption) else f" {encryption}")
        if key is not None:
            condition = Op.and_(condition, Op.eq(configuration.kms_key, key))
            declared += " with the declared kms_key_arn"
        return Precondition(
            condition=condition,
            error_message=f"cdktf_aws_ecr: {self._where}: the adopted repository's live "
            f"encryption is not the declared {declared}; encryption is fixed at creation, so "
            "this plan would replace the repository: declare its live encryption (python -m "
            "cdktf_aws_ecr.adopt writes it).",
        )

    def _adopted(self) -> Iterator[Tuple[str, str]]:
        yield "aws_ecr_repository", "repository"
        for kind in ("lifecycle_policy", "repository_policy"):
            if getattr(self._adopt, kind):
                yield f"aws_ecr_{kind}", kind

    def _blocks(self) -> Iterator[Tuple[str, str]]:
        for resource_type, kind in self._adopted():
            if kind == "repository" or self._declares(kind):
                yield f"{resource_type}.{self._address_id}", self._name

    def warn_unmanaged(self) -> None:
        """A policy said to exist that nothing declares stays as it is, unmanaged."""
        for _, kind in self._adopted():
            if kind != "repository" and not self._declares(kind):
                hint = (
                    "enable_lifecycle_policy is False"
                    if kind == "lifecycle_policy"
                    else "it has no pull or push principals, grants or statements"
                )
                warnings.warn(
                    f"{self._where}: adopt says its {kind.replace('_', ' ')} exists, and the "
                    f"repository declares none ({hint}): the policy in AWS stays as it is, "
                    "managed by nothing. Declare it (python -m cdktf_aws_ecr.adopt writes "
                    f"it), or delete it in AWS and pass Adopt({kind}=False).",
                    AdoptionWarning,
                    stacklevel=2,
                )
