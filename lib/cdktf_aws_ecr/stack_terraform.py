"""Resources written as Terraform JSON by Python, once per stack, instead of one jsii
construct each.

Every construct, property and override is a round trip to the jsii kernel (about half a
millisecond each); a repository as four provider constructs costs twelve, which was most of
a fleet's synth. A repository whose inputs are all plain values hands its resources to the
stack's :class:`StackTerraform` instead, which writes the same JSON that those constructs
would (cdktf's ``"//"`` metadata aside). A writer whose provider constructs are asked for
(an escape hatch, a token of its attributes) builds them then, and from then on cdktf writes
it the ordinary way; a synth to HCL builds them all when the stack's aspects run.

Under ``App.synth`` the blocks without tokens do not cross to the jsii kernel at all (where
each JSON value costs a conversion on both sides, twice per synth): once cdktf has written the
stack's ``cdk.tf.json``, they are merged into it, written as cdktf writes it (sorted keys, two
spaces). Blocks with tokens (grants of other constructs) go through cdktf, which resolves them
and finds references to other stacks. ``Testing.synth`` and other entry points get every block
through cdktf.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the escapes of JSON.stringify
from pathlib import Path
from typing import Any, Callable, Dict, List, Protocol

from ._framework import Aspects, IAspect, IConstruct, TerraformElement, TerraformStack, implements
from ._state import after_app_synth, in_app_synth, in_hcl_synth
from .framework import LINE

_ELEMENT = "_cdktf_aws_ecr_stack_terraform"
_ELEMENT_ID = "cdktf-aws-ecr-terraform"

#: ``{"resource"|"data": {type: {id: block}}}``
Terraform = Dict[str, Dict[str, Dict[str, Any]]]


class Writer(Protocol):
    #: Whether its provider constructs exist (then cdktf writes them, not this element).
    has_constructs: bool

    def write_terraform(self, with_tokens: Terraform, plain: Terraform) -> None:
        """Add its blocks that hold tokens to ``with_tokens``, the others to ``plain``."""

    def build_constructs(self) -> List[Any]:
        """Build its provider constructs (once); return them."""


class StackTerraform(TerraformElement):
    """The Python-written resources of one stack, as one Terraform element."""

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, _ELEMENT_ID)
        self.writers: List[Writer] = []
        self._stack = stack
        #: Whether the stack's aspects ran since this element was last written.
        self.aspects_ran = False
        Aspects.of(self).add(_AspectsRan(self))

    def to_terraform(self) -> Any:
        # App.synth first prepares every stack (it resolves each element only to find
        # tokens of other stacks' resources), then, stack by stack, runs the aspects and
        # writes the JSON.
        writing = self.aspects_ran
        self.aspects_ran = False
        with_tokens: Terraform = {"resource": {}, "data": {}}
        plain: Terraform = {"resource": {}, "data": {}} if in_app_synth() else with_tokens
        for writer in self.writers:
            if not writer.has_constructs:
                writer.write_terraform(with_tokens, plain)
        if plain is not with_tokens and writing:
            after_app_synth(lambda: self._merge_into_file(_without_empty(plain)))
        return _without_empty(with_tokens)

    def _merge_into_file(self, plain: Dict[str, Any]) -> None:
        """Merge ``plain`` into the ``cdk.tf.json`` that App.synth wrote for the stack."""
        if not plain:
            return
        outdir = Path(self.node.root.outdir)
        stack_path = str(self._stack.node.path)
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest.get("stacks", {}).values():
            if entry.get("constructPath") == stack_path:
                path = outdir / entry["synthesizedStackPath"]
                config = json.loads(path.read_text(encoding="utf-8"))
                _merge(config, plain)
                path.write_text(stable_json(config), encoding="utf-8")
                return
        # Never silently short of resources.
        raise RuntimeError(
            f"cdktf_aws_ecr: {outdir / 'manifest.json'} lists no stack '{stack_path}' to write "
            "its repositories into"
        )

    def to_hcl_terraform(self) -> Any:
        # cdktf renders HCL from its constructs, one fragment each: they were built when the
        # stack's aspects ran (see _AspectsRan), so the stack renders them itself.
        self.aspects_ran = False
        if any(self.build_constructs()):
            raise RuntimeError(
                "cdktf_aws_ecr: HCL output of repositories needs Testing.synth_hcl or "
                "App(hcl_output=True).synth(); their constructs exist now, so a second call works"
            )
        return {}

    def build_constructs(self) -> List[Any]:
        """Build the provider constructs of every writer that has none; return them."""
        return [
            element for writer in self.writers if not writer.has_constructs
            for element in writer.build_constructs()
        ]


@implements(IAspect)
class _AspectsRan:
    def __init__(self, element: StackTerraform) -> None:
        self._element = element

    def visit(self, node: IConstruct) -> None:
        self._element.aspects_ran = True
        if in_hcl_synth():
            # Before the stack lists its elements, so it renders these too.
            self._element.build_constructs()


def _without_empty(terraform: Terraform) -> Dict[str, Any]:
    return {kind: blocks for kind, blocks in terraform.items() if blocks}


def _merge(into: Dict[str, Any], fragment: Any) -> None:
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


#: cdktn writes a stack with safe-stable-stringify, which keeps an empty container on one line.
COMPACT_EMPTY = LINE.framework_package == "cdktn"


def stable_json(value: Any, compact_empty: bool = COMPACT_EMPTY) -> str:
    """``value`` as the framework writes a stack: sorted keys, two spaces, and (cdktf's
    json-stable-stringify) ``[`` / ``{`` of an empty container on a line of its own before the
    closing one, or (cdktn's safe-stable-stringify, ``compact_empty``) ``[]`` / ``{}``."""
    parts: List[str] = []
    _write(value, "\n", parts.append, compact_empty)
    return "".join(parts)


def _write(value: Any, newline: str, out: Callable[[str], None], compact_empty: bool) -> None:
    if compact_empty and isinstance(value, (dict, list)) and not value:
        out("{}" if isinstance(value, dict) else "[]")
    elif isinstance(value, str):
        out(encode_basestring(value))
    elif isinstance(value, dict):
        inner = newline + "  "
        out("{")
        separator = inner
        for key in sorted(value):
            out(separator)
            out(encode_basestring(key))
            out(": ")
            _write(value[key], inner, out, compact_empty)
            separator = "," + inner
        out(newline + "}")
    elif isinstance(value, list):
        inner = newline + "  "
        out("[")
        separator = inner
        for item in value:
            out(separator)
            _write(item, inner, out, compact_empty)
            separator = "," + inner
        out(newline + "]")
    else:
        out(json.dumps(value))


def stack_terraform(stack: TerraformStack) -> StackTerraform:
    """``stack``'s element for Python-written resources, made on first use."""
    element: StackTerraform | None = getattr(stack, _ELEMENT, None)
    if element is None:
        element = StackTerraform(stack)
        setattr(stack, _ELEMENT, element)
    return element
