"""The README's tables and the construct's signature cannot drift apart, or from the seed."""

from __future__ import annotations

import ast
import inspect
import json
import re
import typing
from typing import Any, Dict, Tuple

import pytest

from cdktf_aws_ecr import LifecycleRule, Repository
from devtools.docs import INPUTS, OUTPUTS
from cdktf_aws_ecr.lifecycle.rules import lifecycle_rule_fields
from devtools import docs, seed

PARAMETERS = {
    name: parameter
    for name, parameter in inspect.signature(Repository.__init__).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
}


def _python_default(parameter: inspect.Parameter) -> Any:
    default = parameter.default
    if isinstance(default, typing.Mapping):
        return dict(default)
    if isinstance(default, tuple):
        return list(default)
    return default


def test_readme_tables_are_generated_from_the_code() -> None:
    readme = docs.README.read_text(encoding="utf-8")
    assert docs.render(readme) == readme, "run `python -m devtools.docs`"
    assert docs.inputs_table() in readme and docs.outputs_table() in readme


def test_input_specs_match_the_signature_names_order_and_defaults() -> None:
    assert [spec.name for spec in INPUTS] == list(PARAMETERS)
    for spec in INPUTS:
        parameter = PARAMETERS[spec.name]
        if spec.default == "required":
            assert parameter.default is inspect.Parameter.empty, spec.name
        else:
            documented = ast.literal_eval(spec.default)
            documented = list(documented) if isinstance(documented, tuple) else documented
            assert documented == _python_default(parameter), spec.name


def test_lifecycle_rule_table_lists_every_field_in_order_from_its_metadata() -> None:
    # GIVEN LifecycleRule's constructor
    parameters = inspect.signature(LifecycleRule).parameters
    specs = lifecycle_rule_fields()
    # THEN the table has one row per keyword, in order; each defaults to None, which the
    # table's default column explains
    assert [spec.name for spec in specs] == list(parameters)
    assert all(parameter.default is None for parameter in parameters.values())
    assert all(spec.type.endswith(" | None") and spec.allowed and spec.description for spec in specs)
    # AND README and help() show the same text
    assert docs.lifecycle_rule_table() in docs.README.read_text(encoding="utf-8")
    for spec in specs:
        assert f"{spec.name} ({spec.type}, default {spec.default.replace('`', '')})" in LifecycleRule.__doc__


@pytest.mark.parametrize(
    "table, specs, function, positional",
    [
        ("registry-inputs", "REGISTRY_INPUTS", "Registry.__init__", ()),
        ("replicate-inputs", "REPLICATE_INPUTS", "Registry.replicate", ("prefixes", "destinations")),
        ("pull-through-cache-inputs", "PULL_THROUGH_CACHE_INPUTS", "Registry.add_pull_through_cache",
         ("prefix", "upstream")),
        ("creation-template-inputs", "REPOSITORY_CREATION_TEMPLATE_INPUTS",
         "Registry.add_creation_template", ("prefix", "applied_for")),
    ],
)
def test_registry_tables_are_generated_from_the_owners_signatures(
    table: str, specs: str, function: str, positional: Tuple[str, ...]
) -> None:
    # GIVEN a table of the registry owner's inputs in README
    import cdktf_aws_ecr

    declared = docs.registry_specs(specs)
    readme = docs.README.read_text(encoding="utf-8")
    # THEN README holds it as generated
    assert f"<!-- BEGIN {table} -->\n{docs.SECTIONS[table]()}\n<!-- END {table} -->" in readme
    # AND it lists the method's parameters, in order, with the signature's defaults
    owner, name = function.split(".")
    parameters = {
        n: p for n, p in inspect.signature(getattr(getattr(cdktf_aws_ecr, owner), name)).parameters.items()
        if n not in ("self", "scope", "id")
    }
    assert [spec.name for spec in declared] == list(parameters)
    for spec in declared:
        parameter = parameters[spec.name]
        if spec.name in positional:
            assert spec.default == "required" and parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        else:
            assert parameter.kind is parameter.KEYWORD_ONLY
            assert spec.default == repr(parameter.default) or (
                spec.default == "{}" and dict(parameter.default) == {}
            ), spec.name


def test_output_specs_are_attributes_of_the_construct() -> None:
    assert [spec.name for spec in OUTPUTS] == ["id", "name", "arn", "repository_url", "registry_id"]
    for spec in OUTPUTS:
        assert isinstance(inspect.getattr_static(Repository, spec.name), property), spec.name


def _seed_variables() -> Dict[str, Tuple[str, Any]]:
    """{name: (HCL type, default)} of the seed module's variables."""
    document = seed.seed_document()
    if document is None:
        pytest.skip(f"seed module document not found; set {seed.SEED_ENV}")
    variables_tf = seed.split_module(document.read_text(encoding="utf-8"))["variables.tf"]
    found = {}
    for block in re.split(r'(?m)^variable "', variables_tf)[1:]:
        name = block.split('"', 1)[0]
        hcl_type = re.search(r"(?m)^type = (.+)$", block).group(1).strip()
        default = re.search(r"(?m)^default = (.+)$", block)
        found[name] = (hcl_type, json.loads(default.group(1)) if default else inspect.Parameter.empty)
    return found


PYTHON_TYPES = {
    "string": str,
    "bool": bool,
    "number": int,
    "list(string)": typing.Sequence[str],
    "map(string)": typing.Mapping[str, str],
}


def test_keyword_arguments_have_the_seed_variables_names_types_and_defaults() -> None:
    variables = _seed_variables()
    assert len(variables) == 15
    hints = typing.get_type_hints(Repository.__init__)
    for name, (hcl_type, default) in variables.items():
        parameter = PARAMETERS[name]
        if default is inspect.Parameter.empty:
            assert parameter.default is inspect.Parameter.empty, name
        else:
            assert _python_default(parameter) == default, name
        expected = PYTHON_TYPES[hcl_type]
        hint = hints[name]
        accepted = typing.get_args(hint) if typing.get_origin(hint) is typing.Union else (hint,)
        assert expected in accepted, (name, hint)
    assert set(PARAMETERS) - set(variables) == {
        "lifecycle_rules", "protected_tags", "prevent_destroy", "provider", "replicate_to"
    }
