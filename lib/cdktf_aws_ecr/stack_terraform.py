"""Resources written as Terraform JSON by Python, once per stack, instead of one jsii
construct each.

Every construct, property and override is a round trip to the jsii kernel (about half a
millisecond each); a repository as four provider constructs costs twelve, which is most of
a fleet's synth. A repository whose inputs are all plain values hands its resources to the
stack's :class:`StackTerraform` instead, which writes the same JSON that those constructs
would (cdktf's ``"//"`` metadata aside) in one callback per synth. A writer whose provider
constructs are asked for (an escape hatch, a token of its attributes, HCL output) builds
them then, and from then on the stack writes it the ordinary way.
"""

from __future__ import annotations

from typing import Any, Dict, List, Protocol

from ._framework import Aspects, IAspect, IConstruct, TerraformElement, TerraformStack, implements
from ._state import in_app_synth

_ELEMENT = "_cdktf_aws_ecr_stack_terraform"
_ELEMENT_ID = "cdktf-aws-ecr-terraform"


class Writer(Protocol):
    #: Whether its provider constructs exist (then cdktf writes them, not this element).
    has_constructs: bool

    def write_terraform(
        self, terraform: Dict[str, Dict[str, Dict[str, Any]]], tokens_only: bool
    ) -> None:
        """Add its blocks to ``terraform`` (``{"resource"|"data": {type: {id: block}}}``);
        only those that hold tokens if ``tokens_only``."""

    def build_constructs(self) -> List[Any]:
        """Build its provider constructs (once); return them."""


class StackTerraform(TerraformElement):
    """The Python-written resources of one stack, as one Terraform element."""

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, _ELEMENT_ID)
        self.writers: List[Writer] = []
        #: Whether the stack's aspects ran since this element was last written.
        self.aspects_ran = False
        Aspects.of(self).add(_AspectsRan(self))

    def to_terraform(self) -> Any:
        # App.synth first prepares every stack: it resolves each element's JSON only to
        # find the tokens of other stacks' resources, and drops it. Then, stack by stack, it
        # runs the aspects and writes the JSON. Every block crosses to the jsii kernel as
        # JSON, so the first time only those that hold tokens are sent.
        preparing = in_app_synth() and not self.aspects_ran
        self.aspects_ran = False
        terraform: Dict[str, Dict[str, Dict[str, Any]]] = {"resource": {}, "data": {}}
        for writer in self.writers:
            if not writer.has_constructs:
                writer.write_terraform(terraform, tokens_only=preparing)
        return {kind: blocks for kind, blocks in terraform.items() if blocks}

    def to_hcl_terraform(self) -> Any:
        # cdktf renders HCL from its constructs' own shapes: build them now and pass on
        # what they give (the stack has listed its elements already, so they are not
        # rendered twice; later syntheses list them and skip these writers).
        merged: Dict[str, Any] = {}
        for writer in self.writers:
            if writer.has_constructs:
                continue
            for element in writer.build_constructs():
                _merge(merged, element.to_hcl_terraform())
        return merged


@implements(IAspect)
class _AspectsRan:
    def __init__(self, element: StackTerraform) -> None:
        self._element = element

    def visit(self, node: IConstruct) -> None:
        self._element.aspects_ran = True


def _merge(into: Dict[str, Any], fragment: Any) -> None:
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def stack_terraform(stack: TerraformStack) -> StackTerraform:
    """``stack``'s element for Python-written resources, made on first use."""
    element: StackTerraform | None = getattr(stack, _ELEMENT, None)
    if element is None:
        element = StackTerraform(stack)
        setattr(stack, _ELEMENT, element)
    return element
