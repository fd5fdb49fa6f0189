"""The docs' tables and the constructs' signatures cannot drift apart, or from the seed;
the README's examples run."""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest

from cdktf_aws_ecr import LifecycleRule, Repository, ValidationError
from cdktf_aws_ecr.framework import LINE
from cdktf_aws_ecr.lifecycle.rules import lifecycle_rule_fields
from devtools import docs, reference, seed
from devtools.reference import INPUTS, OUTPUTS

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


@pytest.mark.parametrize("path", docs.generated_files(), ids=lambda p: p.name)
def test_the_docs_tables_are_generated_from_the_code(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert docs.render(text, docs.sections_of(path)) == text, "run `python -m devtools.docs`"


def test_the_reference_holds_the_input_and_output_tables() -> None:
    text = docs.REFERENCE.read_text(encoding="utf-8")
    assert docs.inputs_table() in text and docs.outputs_table() in text


def test_every_generated_block_is_in_exactly_one_file() -> None:
    every = [docs.README, *sorted(docs.DOCS.glob("*.md"))]
    for name, where in docs.LOCATIONS.items():
        holding = [p for p in every if f"<!-- BEGIN {name} -->" in p.read_text(encoding="utf-8")]
        assert holding == [where], name


def _anchors(path: Path) -> set:
    """The anchors GitHub gives the headings of ``path``."""
    headings = re.findall(r"(?m)^#+ (.+)$", re.sub(r"(?ms)^```.*?^```", "", path.read_text(encoding="utf-8")))
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_the_docs_links_point_at_files_and_headings_that_exist() -> None:
    for path in [docs.README, *sorted(docs.DOCS.glob("*.md"))]:
        for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            linked = (path.parent / target) if target else path
            assert linked.exists(), (path.name, target)
            if anchor:
                assert anchor in _anchors(linked), (path.name, target, anchor)


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
    # AND the reference and help() show the same text
    assert docs.lifecycle_rule_table() in docs.REFERENCE.read_text(encoding="utf-8")
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
    # GIVEN a table of the registry owner's inputs in the reference
    import cdktf_aws_ecr

    declared = getattr(reference, specs)
    text = docs.REFERENCE.read_text(encoding="utf-8")
    # THEN the reference holds it as generated
    assert f"<!-- BEGIN {table} -->\n{docs.SECTIONS[table]()}\n<!-- END {table} -->" in text
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
        "lifecycle_rules", "protected_tags", "prevent_destroy", "provider", "replicate_to",
        "lifecycle_policy_json", "adopt", "image_tag_mutability_exclusion_filters",
    }


# --------------------------------------------------------------------------- README's examples


def _readme_files() -> Dict[str, str]:
    """The README's code blocks whose first line names a file (``# main.py``), by that name."""
    readme = docs.README.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"```\w+\n# (\S+)\n(.*?)```", readme, re.DOTALL)}


def _python(arguments: list, cwd: Path) -> "subprocess.CompletedProcess[str]":
    """``python <arguments>`` in ``cwd``, as a user's project runs it (outside this repository)."""
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    return subprocess.run([sys.executable, *arguments], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.slow
@pytest.mark.skipif(LINE.framework_package != "cdktf", reason="README's examples import cdktf")
def test_the_readme_example_app_synthesizes_what_the_readme_says(tmp_path: Path) -> None:
    # GIVEN the README's main.py in a project of its own
    (tmp_path / "main.py").write_text(_readme_files()["main.py"], encoding="utf-8")
    # WHEN it runs, as `cdktf synth` runs it
    run = _python(["main.py"], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Warning" not in run.stderr, run.stderr
    # THEN the stack holds the guarded repository, its policies, the registry's scanning
    # configuration and each role's registry-login policy
    resources = json.loads((tmp_path / "cdktf.out/stacks/prod/cdk.tf.json").read_text())["resource"]
    repository = resources["aws_ecr_repository"]["payments--accounts-service"]
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    assert repository["encryption_configuration"][0]["encryption_type"] == "KMS"
    assert repository["lifecycle"]["prevent_destroy"] is True
    assert set(resources["aws_ecr_lifecycle_policy"]) == {"payments--accounts-service"}
    assert set(resources["aws_ecr_repository_policy"]) == {"payments--accounts-service"}
    assert len(resources["aws_ecr_registry_scanning_configuration"]) == 1
    assert set(resources["aws_iam_role_policy"]) == {
        "ci_build_registry_login", "ecs_task_execution_registry_login"
    }


@pytest.mark.slow
@pytest.mark.skipif(LINE.framework_package != "cdktf", reason="README's examples import cdktf")
def test_the_readme_pytest_example_passes_without_warnings(tmp_path: Path) -> None:
    # GIVEN the README's pytest configuration and test module in a project of its own
    files = _readme_files()
    (tmp_path / "pyproject.toml").write_text(files["pyproject.toml"], encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_ecr.py").write_text(files["tests/test_ecr.py"], encoding="utf-8")
    # WHEN pytest runs it
    run = _python(["-m", "pytest", "-p", "no:cacheprovider", "-q"], tmp_path)
    # THEN its tests pass, and the configuration leaves no warning
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout and "warning" not in run.stdout.lower(), run.stdout
    # AND without the configuration's filters pytest warns about cdktf's Testing class
    unfiltered = _python(["-m", "pytest", "-p", "no:cacheprovider", "-q", "-o", "filterwarnings="], tmp_path)
    assert unfiltered.returncode == 0, unfiltered.stdout + unfiltered.stderr
    assert "PytestCollectionWarning: cannot collect test class 'Testing'" in unfiltered.stdout


def test_the_readme_shows_the_message_of_a_real_validation_error(make_stack: Any) -> None:
    # GIVEN the bad input of the README's example
    with pytest.raises(ValidationError) as caught:
        Repository(make_stack("prod"), "api", name="payments/api", image_tag_mutability="immutable")
    # THEN the README shows the message it raises, word for word
    assert f"```\n{caught.value}\n```" in docs.README.read_text(encoding="utf-8")
