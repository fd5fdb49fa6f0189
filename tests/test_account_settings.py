"""Account settings: the two names provider 5.100 manages, each with its own values."""

from __future__ import annotations

from typing import Any

import pytest
from refusals import assert_refused

from cdktf_aws_ecr.enums import AccountSettingName, BasicScanTypeVersion, RegistryPolicyScope
from cdktf_aws_ecr.registry.account_settings import (
    DEFAULT_BASIC_SCAN_TYPE_VERSION,
    account_setting,
)


def test_defaults() -> None:
    assert DEFAULT_BASIC_SCAN_TYPE_VERSION is BasicScanTypeVersion.AWS_NATIVE


@pytest.mark.parametrize(
    "name, value, expected",
    [
        (
            AccountSettingName.BASIC_SCAN_TYPE_VERSION,
            BasicScanTypeVersion.AWS_NATIVE,
            {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"},
        ),
        (
            "BASIC_SCAN_TYPE_VERSION",
            "CLAIR",
            {"name": "BASIC_SCAN_TYPE_VERSION", "value": "CLAIR"},
        ),
        (
            AccountSettingName.REGISTRY_POLICY_SCOPE,
            RegistryPolicyScope.V1,
            {"name": "REGISTRY_POLICY_SCOPE", "value": "V1"},
        ),
        ("REGISTRY_POLICY_SCOPE", "V2", {"name": "REGISTRY_POLICY_SCOPE", "value": "V2"}),
    ],
)
def test_settings_render_as_plain_strings(name: Any, value: Any, expected: Any) -> None:
    # WHEN a valid name and value are rendered THEN both are plain AWS strings
    arguments = account_setting(name, value)
    assert arguments == expected
    assert [type(v) for v in arguments.values()] == [str, str]


@pytest.mark.parametrize(
    "name, value, parameter, fragment",
    [
        ("BASIC_SCAN_TYPE_VERSION", "V2", "value", "'AWS_NATIVE' or 'CLAIR'"),
        ("BASIC_SCAN_TYPE_VERSION", RegistryPolicyScope.V2, "value", "BasicScanTypeVersion members"),
        ("REGISTRY_POLICY_SCOPE", "CLAIR", "value", "'V1' or 'V2'"),
        ("BASIC_SCAN_TYPE_VERSION", "aws_native", "value", "(exact, case-sensitive)"),
        ("BLOB_MOUNTING", "ON", "value", "'ENABLED' or 'DISABLED'"),
    ],
)
def test_a_value_must_belong_to_its_name(name: Any, value: Any, parameter: str, fragment: str) -> None:
    # provider 5.100 accepts any of the four values for either name; ECR would not
    assert_refused(lambda: account_setting(name, value), parameter, fragment)


def test_a_token_name_is_refused() -> None:
    # GIVEN a setting name that is only known at apply
    from cdktf import Fn

    name = Fn.upper("registry_policy_scope")
    # THEN it is refused: which values are valid depends on the name
    assert_refused(lambda: account_setting(name, "V2"), "name", "is a token, not a known name")
