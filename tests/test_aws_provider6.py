"""The AWS provider 6.x features: synthesized on the 6.x lines (cdktf-aws6, cdktn; CI runs this
file in each line's environment), refused at synth on the cdktf-aws5 line, naming the lines
that have them. No 6.x provider binary exists here: checked as far as the bindings and the JSON."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from cdktf import TerraformStack
from conftest import synth_json

from cdktf_aws_ecr import Registry, Repository, ValidationError
from cdktf_aws_ecr.framework import LINE

ON_6 = LINE.aws_provider_major == 6
only_6 = pytest.mark.skipif(not ON_6, reason="an AWS provider 6.x feature (lines cdktf-aws6, cdktn)")
only_5 = pytest.mark.skipif(ON_6, reason="the refusal of the AWS provider 5.x line")
SCANNER = "arn:aws:iam::123456789012:role/scanner"


def _constraint(document: Dict[str, Any]) -> str:
    return document["terraform"]["required_providers"]["aws"]["version"]


def _refused(error: ValidationError, parameter: str) -> None:
    assert error.parameter == parameter
    assert "exists only in AWS provider 6.x" in str(error)
    assert "cdktf-aws-ecr[cdktf-aws6]" in str(error) and "cdktf-aws-ecr[cdktn]" in str(error)


@only_6
def test_repository_exclusion_filters_synthesize(stack: TerraformStack) -> None:
    Repository(stack, "api", name="team/api", image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
               image_tag_mutability_exclusion_filters=["latest", "dev-*"])
    document = synth_json(stack)
    (repository,) = document["resource"]["aws_ecr_repository"].values()
    assert repository["image_tag_mutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repository["image_tag_mutability_exclusion_filter"] == [
        {"filter": "latest", "filter_type": "WILDCARD"},
        {"filter": "dev-*", "filter_type": "WILDCARD"},
    ]
    assert _constraint(document) == "~> 6.0"


@only_6
@pytest.mark.parametrize("filters, parameter, problem", [
    (["a", "b", "c", "d", "e", "f"], "image_tag_mutability_exclusion_filters", "holds 6"),
    (["x" * 129], "image_tag_mutability_exclusion_filters[0]", ""),
    (["dev/*"], "image_tag_mutability_exclusion_filters[0]", ""),
    ([""], "image_tag_mutability_exclusion_filters[0]", ""),
    (["a", "a"], "image_tag_mutability_exclusion_filters", "repeats ['a']"),
])
def test_exclusion_filters_checked_as_aws_does(
    stack: TerraformStack, filters: Any, parameter: str, problem: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "api", name="team/api", image_tag_mutability="MUTABLE_WITH_EXCLUSION",
                   image_tag_mutability_exclusion_filters=filters)
    assert caught.value.parameter == parameter
    assert problem in str(caught.value)


@only_6
def test_exclusion_mode_and_filters_go_together(stack: TerraformStack) -> None:
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "a", name="team/a", image_tag_mutability="IMMUTABLE_WITH_EXCLUSION")
    assert caught.value.parameter == "image_tag_mutability"
    with pytest.raises(ValidationError) as caught:
        Repository(stack, "b", name="team/b", image_tag_mutability_exclusion_filters=["latest"])
    assert caught.value.parameter == "image_tag_mutability_exclusion_filters"
    assert "which has no exclusions" in str(caught.value)


@only_6
def test_creation_template_on_push_with_exclusions(stack: TerraformStack) -> None:
    registry = Registry(stack, "registry")
    registry.add_creation_template(
        "team", ["CREATE_ON_PUSH", "REPLICATION"], image_tag_mutability="MUTABLE_WITH_EXCLUSION",
        image_tag_mutability_exclusion_filters=["v*"],
    )
    document = synth_json(stack)
    (template,) = document["resource"]["aws_ecr_repository_creation_template"].values()
    assert template["applied_for"] == ["CREATE_ON_PUSH", "REPLICATION"]
    assert template["image_tag_mutability_exclusion_filter"] == [{"filter": "v*", "filter_type": "WILDCARD"}]
    assert _constraint(document) == "~> 6.28"


@only_6
def test_registry_blob_mounting_and_pull_time_exclusions(stack: TerraformStack) -> None:
    Registry(stack, "registry", blob_mounting="ENABLED", pull_time_update_exclusions=[SCANNER])
    document = synth_json(stack)
    settings = document["resource"]["aws_ecr_account_setting"]
    assert settings["account_setting_blob_mounting"] == {"name": "BLOB_MOUNTING", "value": "ENABLED"}
    assert document["resource"]["aws_ecr_pull_time_update_exclusion"] == {
        "pull_time_update_exclusion_0": {"principal_arn": SCANNER}
    }
    assert _constraint(document) == "~> 6.29"  # the highest minimum of the features used


@only_6
def test_pull_time_exclusions_checked(stack: TerraformStack) -> None:
    for principals, problem in ((["123456789012"], "account ID"), ([SCANNER, SCANNER], "repeats")):
        with pytest.raises(ValidationError) as caught:
            Registry(stack, f"r{len(problem)}", pull_time_update_exclusions=principals)
        assert caught.value.parameter == "pull_time_update_exclusions"
        assert problem in str(caught.value)


@only_5
@pytest.mark.parametrize("build, parameter", [
    (lambda s: Repository(s, "r", name="team/r", image_tag_mutability="IMMUTABLE_WITH_EXCLUSION",
                          image_tag_mutability_exclusion_filters=["latest"]), "image_tag_mutability"),
    (lambda s: Repository(s, "r", name="team/r", image_tag_mutability_exclusion_filters=["latest"]),
     "image_tag_mutability_exclusion_filters"),
    (lambda s: Registry(s, "g").add_creation_template("team", ["CREATE_ON_PUSH"]), "applied_for"),
    (lambda s: Registry(s, "g", blob_mounting="ENABLED"), "blob_mounting"),
    (lambda s: Registry(s, "g", pull_time_update_exclusions=[SCANNER]), "pull_time_update_exclusions"),
])
def test_refused_on_the_5x_line(stack: TerraformStack, build: Any, parameter: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build(stack)
    _refused(caught.value, parameter)


def test_line_and_constraint_follow_the_installed_bindings(stack: TerraformStack) -> None:
    Repository(stack, "r", name="team/r")
    expected = {"cdktf-aws5": ("cdktf", 5), "cdktf-aws6": ("cdktf", 6), "cdktn": ("cdktn", 6)}
    assert (LINE.framework_package, LINE.aws_provider_major) == expected[LINE.name]
    assert _constraint(synth_json(stack)) == f"~> {LINE.aws_provider_major}.0"
    from cdktf_aws_ecr import _lean_import

    assert _lean_import.mode == ("lazy" if LINE.name == "cdktn" else "lean")


@pytest.mark.parametrize("build", [
    lambda s: Repository(s, "r", name="team/r", region="eu-west-1"),
    lambda s: Registry(s, "g").add_creation_template("team", ["REPLICATION"], region="eu-west-1"),
])
def test_per_resource_region_is_refused_with_the_way_to_do_it(stack: TerraformStack, build: Any) -> None:
    # On every line: the 6.x argument is not modelled, so it must not pass silently.
    # (Registry(region=) is another thing: the registry's region where the provider's is unknown.)
    with pytest.raises(TypeError) as caught:
        build(stack)
    assert "unexpected keyword argument 'region'" in str(caught.value)
    assert "pass provider= an AwsProvider of that region" in str(caught.value)
