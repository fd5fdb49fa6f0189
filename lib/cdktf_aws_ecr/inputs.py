"""One definition per input: a construct's keyword arguments are the keys of a ``TypedDict``
whose values are ``Annotated[<type>, Input(...)]``, from which the signature and docs
(:func:`expand_keyword_arguments`), the checks (:func:`checked_inputs`) and the tables of docs/reference.md
(:func:`input_specs`) are derived; type checkers read the ``TypedDict`` through ``Unpack``."""

from __future__ import annotations

import difflib
import enum
import functools
import inspect
import typing
from dataclasses import dataclass
from types import MappingProxyType
from typing import AbstractSet, Any, Callable, Dict, Mapping, Tuple


class _Required:
    def __repr__(self) -> str:
        return "required"


#: The default of an input that has none.
REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Input:
    """How one keyword argument is documented and checked: ``check(parameter, value)`` returns
    the normalised value or raises :class:`~cdktf_aws_ecr.ValidationError`."""

    description: str
    allowed: str
    check: Callable[[str, Any], Any]
    default: Any = REQUIRED


@dataclass(frozen=True)
class InputSpec:
    """One keyword argument as documented in the input tables of docs/reference.md."""

    name: str
    type: str
    default: str
    allowed: str
    description: str


_REGION_HINT = (
    ": AWS provider 6.x's per-resource region is not modelled (a registry's owner, its "
    "registry-wide settings, the KMS key and partition checks and the addresses follow the "
    "provider's region); pass provider= an AwsProvider of that region instead"
)


@functools.lru_cache(maxsize=None)
def _declared(props: type) -> Dict[str, Tuple[Any, Input]]:
    """``{name: (type, Input)}`` of a props ``TypedDict``, in declaration order (cached:
    resolving the hints costs every construct a millisecond; callers only read it)."""
    declared: Dict[str, Tuple[Any, Input]] = {}
    for name, hint in typing.get_type_hints(props, include_extras=True).items():
        while typing.get_origin(hint) in (typing.Required, typing.NotRequired):
            (hint,) = typing.get_args(hint)
        python_type, *metadata = typing.get_args(hint)
        (spec,) = [m for m in metadata if isinstance(m, Input)]
        declared[name] = (python_type, spec)
    return declared


def type_text(python_type: Any) -> str:
    """``Union[str, ImageTagMutability]`` -> ``str | ImageTagMutability``."""
    if typing.get_origin(python_type) is typing.Union:
        parts = [type_text(a) for a in typing.get_args(python_type)]
        if "NoneType" in parts:
            parts = [p for p in parts if p != "NoneType"] + ["None"]
        return " | ".join(parts)
    origin = typing.get_origin(python_type)
    if origin is not None:
        arguments = ", ".join(type_text(a) for a in typing.get_args(python_type))
        return f"{getattr(origin, '__name__', str(origin))}[{arguments}]"
    return str(getattr(python_type, "__name__", python_type))


def _default_text(default: Any) -> str:
    if default is REQUIRED:
        return "required"
    if isinstance(default, enum.Enum):
        return repr(default.value)
    if isinstance(default, MappingProxyType):
        return repr(dict(default))
    return repr(default)


def input_specs(props: type) -> Tuple[InputSpec, ...]:
    """The documented inputs of a props ``TypedDict``, in declaration order."""
    return tuple(
        InputSpec(
            name=name,
            type=type_text(python_type),
            default=_default_text(spec.default),
            allowed=spec.allowed,
            description=spec.description,
        )
        for name, (python_type, spec) in _declared(props).items()
    )


def checked_inputs(
    props: type,
    given: Mapping[str, Any],
    callable_name: str,
    *,
    checked_elsewhere: AbstractSet[str] = frozenset(),
) -> Dict[str, Any]:
    """Every declared input of ``props``, checked, with defaults filled in; unknown and
    missing keywords raise ``TypeError``, as Python does. Inputs in ``checked_elsewhere`` are
    returned as given: the settings object they go to checks them, once."""
    declared = _declared(props)
    for name in given:
        if name not in declared:
            close = difflib.get_close_matches(name, declared, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            if name == "region":  # AWS provider 6.x has one on every resource; not modelled here
                hint = _REGION_HINT
            raise TypeError(f"{callable_name}() got an unexpected keyword argument {name!r}{hint}")
    missing = [n for n, (_, spec) in declared.items() if spec.default is REQUIRED and n not in given]
    if missing:
        raise TypeError(f"{callable_name}() missing required keyword argument {missing[0]!r}")
    return {
        name: (
            given.get(name, spec.default)
            if name in checked_elsewhere
            else spec.check(name, given.get(name, spec.default))
        )
        for name, (_, spec) in declared.items()
    }


def specs_text(heading: str, specs: Tuple[InputSpec, ...]) -> str:
    """``specs`` as a docstring section that ``help()`` shows."""
    lines = [heading, ""]
    for spec in specs:
        lines.append(f"{spec.name} ({spec.type}, default {spec.default})")
        lines.append(f"    {spec.description}")
        lines.append(f"    Allowed: {spec.allowed}.")
    return "\n".join(lines).replace("`", "")


def _argument_docs(props: type) -> str:
    return specs_text(
        "Keyword arguments (each also accepts an unresolved cdktf token where noted):",
        input_specs(props),
    )


F = typing.TypeVar("F", bound=Callable[..., Any])
C = typing.TypeVar("C", bound=type)


def expand_keyword_arguments(props: type) -> Callable[[F], F]:
    """Give ``f(self, ..., **inputs: Unpack[props])`` the signature and docs of its inputs, for
    ``help()`` and ``inspect.signature``; inputs it already names keep their place."""

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        positional = [
            p for p in signature.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        named = {p.name for p in positional}
        declared = _declared(props)
        keywords = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if spec.default is REQUIRED else spec.default,
                annotation=python_type,
            )
            for name, (python_type, spec) in declared.items()
            if name not in named
        ]
        setattr(function, "__signature__", signature.replace(parameters=positional + keywords))
        # As written (resolving them could need names imported only for type checkers).
        hints = dict(function.__annotations__)
        hints.pop(next(p.name for p in signature.parameters.values()
                       if p.kind is inspect.Parameter.VAR_KEYWORD))
        function.__annotations__ = {
            **hints,
            **{name: python_type for name, (python_type, _) in declared.items()},
        }
        function.__doc__ = "\n\n".join(filter(None, [inspect.cleandoc(function.__doc__ or ""),
                                                     _argument_docs(props)]))
        return function

    return decorate


def with_init_signature(cls: C) -> C:
    """Let ``inspect.signature(cls)`` (and so ``help()``) show ``__init__``'s expanded
    signature; jsii's metaclass would otherwise show ``(*args, **kwargs)``."""
    signature = inspect.signature(vars(cls)["__init__"])
    setattr(cls, "__signature__", signature.replace(parameters=list(signature.parameters.values())[1:]))
    return cls
