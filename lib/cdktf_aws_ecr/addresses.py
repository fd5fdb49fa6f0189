"""Terraform addresses that follow what a resource *is*, not where its construct sits.

cdktf derives an address from the construct path, so a refactor of the tree would destroy
a repository (and its images) and create another. Each resource's logical id is pinned to
what it manages instead: a repository's resources to its name (``payments/api`` becomes
``payments--api``, a name no other maps to), a registry setting to the setting
(``registry_scanning``, ``pull_through_cache_<prefix>``...), with ``___<alias>`` on an
aliased provider (not for a repository on a provider of the default provider's registry).
In a stack that upgrades from release 0.1.0 (:func:`upgrade_from_0_1_0`), a resource that
release created at its path-derived address gets a ``moved`` block from there. A repository
named by a token keeps the path-derived address; the plan review catches its refactors.
Resources that exist in AWS already are adopted with ``import`` blocks
(:func:`declare_imports`), written at these same addresses."""

from __future__ import annotations

import hashlib
import re
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ._framework import App, TerraformDataSource, TerraformElement, TerraformStack
from .errors import ValidationError

REGISTRY_SCANNING_ID = "registry_scanning"
REGISTRY_REPLICATION_ID = "registry_replication"
REGISTRY_POLICY_ID = "registry_policy"
#: ``data.aws_caller_identity``: the registry's account, when no provider pins it.
REGISTRY_ACCOUNT_ID = "registry_account"
#: The IAM role ECR assumes to apply creation templates with a KMS key or tags.
CREATION_TEMPLATE_ROLE_ID = "creation_template_role"
_ALIAS_SEPARATOR = "___"
#: Terraform added the ``removed`` block in 1.7.
REMOVED_BLOCK_TERRAFORM = ">= 1.7.0"
_REMOVED = "_cdktf_aws_ecr_removed"
_MOVES = "_cdktf_aws_ecr_moves"
_MOVES_ID = "cdktf-aws-ecr-moves"
_IMPORTS = "_cdktf_aws_ecr_imports"
_IMPORTS_ID = "cdktf-aws-ecr-imports"


def repository_address_id(name: str, alias: Optional[str] = None) -> str:
    """The logical id of everything a repository named ``name`` emits."""
    slug = name.replace("/", "--").replace(".", "__")
    if slug[:1].isdigit():
        slug = "_" + slug
    return with_alias(slug, alias)


def account_setting_address_id(name: str, alias: Optional[str] = None) -> str:
    """``account_setting_basic_scan_type_version`` for ``BASIC_SCAN_TYPE_VERSION``."""
    return with_alias(f"account_setting_{name.lower()}", alias)


def prefix_address_id(kind: str, prefix: str, alias: Optional[str] = None) -> str:
    """``<kind>_<prefix>`` for a per-prefix registry setting (``pull_through_cache``,
    ``creation_template``); ``prod/`` and ``prod`` are one prefix to ECR, so one address."""
    slug = prefix.rstrip("/").replace("/", "--").replace(".", "__")
    return with_alias(f"{kind}_{slug}", alias)


def with_alias(logical_id: str, alias: Optional[str]) -> str:
    """``logical_id`` for the stack's default provider, or its variant for an aliased one."""
    return logical_id if alias is None else f"{logical_id}{_ALIAS_SEPARATOR}{alias}"


def pin_address(
    stack: TerraformStack,
    element: Any,
    resource_type: str,
    logical_id: Optional[str],
    *,
    managed: bool = True,
    in_release_0_1_0: bool = True,
    path: Optional[Sequence[str]] = None,
) -> str:
    """Give ``element`` the logical id ``logical_id`` (None: keep the path-derived one); return
    the id it ends up with.

    A managed resource release 0.1.0 could have created (``in_release_0_1_0``) also moves
    from its path-derived address in a stack that upgrades from that release. ``path`` (the
    construct ids below the stack) lets the hot path derive that address in Python instead of
    three jsii round trips per resource; without it, or for a stack that allocates ids its own
    way, cdktf is asked."""
    legacy = legacy_logical_id(stack, path) or str(stack.get_logical_id(element))
    if logical_id is None or logical_id == legacy:
        claim(stack, element, resource_type, legacy, data=not managed)
        return legacy
    element.override_logical_id(logical_id)
    claim(stack, element, resource_type, logical_id, data=not managed)
    if managed and in_release_0_1_0:
        _declare_move(stack, f"{resource_type}.{legacy}", f"{resource_type}.{logical_id}")
    return logical_id


def claim(
    stack: TerraformStack, element: Any, resource_type: str, logical_id: str, *, data: bool
) -> None:
    """Record that this library writes ``element`` (a data source when ``data``) at
    ``resource_type.logical_id`` in ``stack``: at synth, any other element of the stack at that
    address is refused (:func:`_check_claims`), since cdktf would deep-merge the two silently
    (one's policy statements in the other's document, or a repository gone)."""
    from ._state import add_synth_check, state_of

    state = state_of(stack)
    if not state.addresses:
        add_synth_check(state, lambda: _check_claims(stack, state.addresses))
    address = f"data.{resource_type}.{logical_id}" if data else f"{resource_type}.{logical_id}"
    claims = state.addresses.setdefault(address, [])
    if any(isinstance(c, WrittenResource) for c in claims) and not isinstance(
        element, WrittenResource
    ):
        # The construct of a resource Python wrote until now takes its claim over.
        path = str(element.node.path)
        claims[:] = [c for c in claims if not (isinstance(c, WrittenResource) and c.path == path)]
    claims.append(element)


#: Terraform type by element class (a class-level fact of the bindings: one jsii call each).
_TYPES: Dict[type, str] = {}


def terraform_type(element: Any) -> str:
    """The Terraform type of a resource or data source (``aws_iam_role``)."""
    kind = type(element)
    if kind not in _TYPES:
        try:
            _TYPES[kind] = str(kind.TF_RESOURCE_TYPE)
        except AttributeError:  # a TerraformResource built directly: its type is per object
            return str(element.terraform_resource_type)
    return _TYPES[kind]


def _check_claims(stack: TerraformStack, claimed: Dict[str, List[Any]]) -> None:
    """No two elements of ``stack`` share an address this library writes: the user's own
    resources and data sources of the same type, and the library's other constructs."""
    # Only the claims still in the tree count (a construct may be removed, e.g. a template
    # a declared one replaced).
    ours = {id(element): address for address, elements in claimed.items() for element in elements}
    types = {address.rsplit(".", 1)[0] for address in claimed}
    # What Python writes is in no tree: it holds its address wherever it is claimed.
    holders: Dict[str, List[Any]] = {}
    for address, elements in claimed.items():
        written = [element for element in elements if isinstance(element, WrittenResource)]
        if written:
            holders[address] = written
    for node in stack.node.find_all():
        if id(node) in ours:
            holders.setdefault(ours[id(node)], []).append(node)
            continue
        if not hasattr(node, "terraform_resource_type"):
            continue
        kind = f"data.{terraform_type(node)}" if isinstance(node, TerraformDataSource) else (
            terraform_type(node)
        )
        if kind in types:
            address = f"{kind}.{node.friendly_unique_id}"
            if address in claimed:
                holders.setdefault(address, []).append(node)
    for address, elements in holders.items():
        if len(elements) > 1:
            raise _collision(address, elements, set(ours))


def _path_of(element: Any) -> str:
    return element.path if isinstance(element, WrittenResource) else str(element.node.path)


def _collision(address: str, elements: List[Any], ours: Set[int]) -> ValidationError:
    library = next(element for element in elements if id(element) in ours)
    other = next(element for element in elements if element is not library)
    here, there = _path_of(library), _path_of(other)
    if id(other) in ours:
        resolve = (
            "give one of them another name (a repository's name, a template's or cache rule's "
            "prefix, an IAM role's construct id) so their addresses differ"
        )
        whose = "this library's too"
    else:
        resolve = (
            f"give '{there}' another construct id, or another logical id with "
            "override_logical_id"
        )
        whose = f"your {type(other).__name__}"
    return ValidationError(
        "address",
        address,
        "an address no other element of the stack has",
        problem=f"is written for '{here}' and also for '{there}' ({whose}): cdktf would "
        f"silently merge the two into one element. To resolve it, {resolve}",
        where=here,
    )


class WrittenResource:
    """A resource or data source this library writes as JSON, with no construct (see
    ``stack_terraform``): the construct path it would have."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


def pin_written_address(
    stack: TerraformStack, resource_type: str, logical_id: str, path: Sequence[str],
    *, managed: bool = True, construct_path: str,
) -> None:
    """:func:`pin_address` for a resource that Python writes as JSON (no construct to
    override), in a stack that allocates ids as cdktf does: claim its address and declare
    its move from release 0.1.0's address."""
    claim(stack, WrittenResource(construct_path), resource_type, logical_id, data=not managed)
    legacy = path_logical_id(path)
    if managed and legacy != logical_id:
        _declare_move(stack, f"{resource_type}.{legacy}", f"{resource_type}.{logical_id}")


def legacy_logical_id(stack: TerraformStack, path: Optional[Sequence[str]]) -> Optional[str]:
    """The id release 0.1.0 gave the element at ``path`` (construct ids below the
    stack), derived in Python; None without a path, or when the stack's class
    allocates logical ids its own way."""
    return path_logical_id(path) if path is not None and _allocates_ids_as_cdktf(stack) else None


def upgrade_from_0_1_0(scope: Any) -> None:
    """Declare that the stacks in ``scope`` (a ``TerraformStack``, or the ``App`` for
    all of its stacks) were deployed with release 0.1.0 of this library.

    That release named resources after their construct path. The stacks then
    declare a ``moved`` block from each such address to the one this release
    gives the resource, and each :class:`~cdktf_aws_ecr.RemovedRepository` also
    forgets the address its repository had there, so the first plan after the
    upgrade moves state and destroys nothing. Call it anywhere before synth.
    Stacks that never ran release 0.1.0 do not need it, and carry no such block.
    """
    from ._state import book_of, state_of

    if isinstance(scope, TerraformStack):
        state_of(scope).upgrades_from_0_1_0 = True
    elif isinstance(scope, App):
        book_of(scope).upgrades_from_0_1_0 = True
    else:
        raise ValidationError(
            "scope", scope, "a cdktf App or TerraformStack", problem=f"is a {type(scope).__name__}"
        )


def upgrades_from_0_1_0(stack: TerraformStack) -> bool:
    """Whether :func:`upgrade_from_0_1_0` was called for ``stack`` or its app (read at synth)."""
    from ._state import state_of

    state = state_of(stack)
    return state.upgrades_from_0_1_0 or state.book.upgrades_from_0_1_0


def _allocates_ids_as_cdktf(stack: TerraformStack) -> bool:
    kind = type(stack)
    return (
        kind._allocate_logical_id is TerraformStack._allocate_logical_id
        and kind.get_logical_id is TerraformStack.get_logical_id
    )


def _declare_move(stack: TerraformStack, source: str, target: str) -> None:
    """A ``moved`` block of ``stack``, kept with the others in one element of the stack."""
    element: Optional[_StackMoves] = getattr(stack, _MOVES, None)
    if element is None:
        element = _StackMoves(stack)
        setattr(stack, _MOVES, element)
    element.blocks.append({"from": source, "to": target})


class _StackMoves(TerraformElement):
    """The ``moved`` blocks from release 0.1.0's addresses, as one Terraform element (one jsii
    round trip in all), written only if the stack upgrades from that release (decided at synth,
    so :func:`upgrade_from_0_1_0` may come before or after the resources); cdktf merges them
    with the moves resources declare."""

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, _MOVES_ID)
        self.blocks: List[Dict[str, str]] = []
        self._stack = stack

    def to_terraform(self) -> Any:
        if not upgrades_from_0_1_0(self._stack):
            return {}
        return {"moved": [dict(block) for block in self.blocks]}

    def to_hcl_terraform(self) -> Any:
        if not upgrades_from_0_1_0(self._stack):
            return {}
        # The shape cdktf's resources give their own moves in HCL.
        def reference(address: str) -> Dict[str, Any]:
            return {
                "value": address,
                "isBlock": False,
                "type": "simple",
                "storageClassType": "reference",
            }

        return {
            "moved": [
                {"to": reference(block["to"]), "from": reference(block["from"])}
                for block in self.blocks
            ]
        }


#: ``(address, import id)`` pairs, produced at synth.
ImportBlocks = Callable[[], Iterable[Tuple[str, str]]]


def declare_imports(stack: TerraformStack, blocks: ImportBlocks) -> None:
    """Add ``blocks()``, called at synth, to ``stack``'s ``import`` blocks.

    Terraform (>= 1.5, the floor every stack of the library declares) imports
    each address at the next plan, and skips the block once the state holds
    the address, so the blocks may stay in the code ("you can optionally remove
    import blocks ... or leave them as a record of the resource's origin",
    https://developer.hashicorp.com/terraform/language/import). An import of an object
    that does not exist fails that plan ("Cannot import non-existent remote
    object"), before anything is changed. cdktf's ``import_from`` would check
    the Terraform version once per resource by running it; one element per stack
    costs one jsii round trip.
    """
    element: Optional[_StackImports] = getattr(stack, _IMPORTS, None)
    if element is None:
        element = _StackImports(stack)
        setattr(stack, _IMPORTS, element)
    element.sources.append(blocks)


class _StackImports(TerraformElement):
    """The ``import`` blocks of a stack's adopted resources, as one Terraform element."""

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, _IMPORTS_ID)
        self.sources: List[ImportBlocks] = []

    def _blocks(self) -> List[Tuple[str, str]]:
        return [block for source in self.sources for block in source()]

    def to_terraform(self) -> Any:
        blocks = self._blocks()
        return {"import": [{"to": to, "id": id} for to, id in blocks]} if blocks else {}

    def to_hcl_terraform(self) -> Any:
        # The shape cdktf's resources give their own imports in HCL.
        blocks = self._blocks()
        return {
            "import": [
                {
                    "to": {"value": to, "type": "simple", "storageClassType": "reference"},
                    "id": {"value": id, "type": "simple", "storageClassType": "string"},
                }
                for to, id in blocks
            ]
        } if blocks else {}


# cdktf 0.20's HashedAddressingScheme (lib/private/unique.ts, makeUniqueId), which
# TerraformStack.allocateLogicalId applies to the construct ids below the stack.
_HIDDEN_ID = "Default"
_HIDDEN_FROM_HUMAN_ID = "Resource"
_DISALLOWED = re.compile(r"[^A-Za-z0-9_-]")
_SEPARATORS = re.compile("[/\n]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_ID_LENGTH = 255
_MAX_HUMAN_LENGTH = 240


def node_id(construct_id: str) -> str:
    """The id a construct gets for ``construct_id``: constructs 10.8 (sanitizeId) writes
    the separators of node paths and addresses, "/" and a newline, as "--"."""
    return _SEPARATORS.sub("--", construct_id)


def path_logical_id(path: Sequence[str]) -> str:
    """The logical id cdktf derives from the construct ids ``path`` (below the stack)."""
    components = [node_id(component) for component in path]
    components = [component for component in components if component != _HIDDEN_ID]
    if not components:
        raise ValueError("a logical id needs at least one construct id below the stack")
    if len(components) == 1:
        candidate = _DISALLOWED.sub("", components[0])
        if len(candidate) <= _MAX_ID_LENGTH:
            return candidate
    # Node hashes the UTF-8 of the text, with U+FFFD for a lone surrogate.
    text = _LONE_SURROGATE.sub("\ufffd", "/".join(components))
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8].upper()
    kept: List[str] = []
    for component in components:
        if not kept or not kept[-1].endswith(component):
            kept.append(component)
    human = "_".join(
        _DISALLOWED.sub("", component) for component in kept if component != _HIDDEN_FROM_HUMAN_ID
    )[:_MAX_HUMAN_LENGTH]
    return f"{human}_{digest}"


def forget(stack: TerraformStack, address: str, *, from_0_1_0: bool = False) -> None:
    """Declare that ``stack``'s state forgets ``address`` without destroying it
    (Terraform's ``removed`` block with ``destroy = false``; no-op when the state
    does not hold it). The stack then needs Terraform >= 1.7, which it declares.

    An address of release 0.1.0 (``from_0_1_0``) is forgotten only by a stack
    that upgrades from that release (decided at synth).
    """
    from ._state import lazy_any
    from .providers import require_provider_versions

    removed: Optional[List[Tuple[Dict[str, Any], bool]]] = getattr(stack, _REMOVED, None)
    if removed is None:
        removed = []
        setattr(stack, _REMOVED, removed)
        blocks = removed

        def written() -> List[Dict[str, Any]]:
            upgrading = any(legacy for _, legacy in blocks) and upgrades_from_0_1_0(stack)
            return [block for block, legacy in blocks if upgrading or not legacy]

        stack.add_override("removed", lazy_any(written))
        require_provider_versions(stack)
        stack.add_override("terraform.required_version", REMOVED_BLOCK_TERRAFORM)
    block = {"from": address, "lifecycle": {"destroy": False}}
    if all(existing != block for existing, _ in removed):
        removed.append((block, from_0_1_0))
