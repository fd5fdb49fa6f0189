"""What ``docs/reference.md`` documents: the inputs of each construct and method,
derived from the props ``TypedDict`` that declares them, and the attributes a
``Repository`` exposes.

    from devtools.reference import INPUTS, OUTPUTS

The input tables are computed on first use (PEP 562), so importing this module
does not start the jsii runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, Tuple

if TYPE_CHECKING:
    from cdktf_aws_ecr.inputs import InputSpec


@dataclass(frozen=True)
class OutputSpec:
    """One attribute of ``Repository`` as the reference's outputs table shows it."""

    name: str
    description: str


#: The attributes of a ``Repository`` that hold its Terraform outputs, in table order.
OUTPUTS: Tuple[OutputSpec, ...] = (
    OutputSpec("id", "Repository identifier (the repository name)."),
    OutputSpec("name", "The repository name."),
    OutputSpec("arn", "Full ARN of the repository."),
    OutputSpec("repository_url", "`<account>.dkr.ecr.<region>.amazonaws.com/<name>`, for docker "
               "push/pull and image references."),
    OutputSpec("registry_id", "Account ID of the registry that holds the repository."),
)


def _repository_props() -> type:
    from cdktf_aws_ecr.repository_props import RepositoryProps

    return RepositoryProps


def _registry_props() -> type:
    from cdktf_aws_ecr.registry.registry_props import RegistryProps

    return RegistryProps


def _replicate_props() -> type:
    from cdktf_aws_ecr.registry.replication_planner import ReplicateInputs

    return ReplicateInputs


def _pull_through_cache_props() -> type:
    from cdktf_aws_ecr.registry.pull_through_cache import PullThroughCacheInputs

    return PullThroughCacheInputs


def _creation_template_props() -> type:
    from cdktf_aws_ecr.registry.creation_template import RepositoryCreationTemplateInputs

    return RepositoryCreationTemplateInputs


#: Each input table and the props ``TypedDict`` it is derived from:
#: ``Repository(...)``, ``Registry(...)``, ``Registry.replicate``,
#: ``Registry.add_pull_through_cache``, ``Registry.add_creation_template``.
PROPS: Dict[str, Callable[[], type]] = {
    "INPUTS": _repository_props,
    "REGISTRY_INPUTS": _registry_props,
    "REPLICATE_INPUTS": _replicate_props,
    "PULL_THROUGH_CACHE_INPUTS": _pull_through_cache_props,
    "REPOSITORY_CREATION_TEMPLATE_INPUTS": _creation_template_props,
}

_computed: Dict[str, "Tuple[InputSpec, ...]"] = {}


def input_table(name: str) -> "Tuple[InputSpec, ...]":
    """The specs of the input table ``name`` (a key of :data:`PROPS`), in declaration order."""
    if name not in _computed:
        from cdktf_aws_ecr.inputs import input_specs

        _computed[name] = input_specs(PROPS[name]())
    return _computed[name]


def __getattr__(name: str) -> Any:
    if name in PROPS:
        return input_table(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
