"""One assertion for every refusal test of the registry-wide settings."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from cdktf_aws_ecr.errors import ValidationError


def assert_refused(build: Callable[[], Any], parameter: str, *fragments: str) -> ValidationError:
    """``build()`` raises a ValidationError for ``parameter`` whose message holds every fragment."""
    with pytest.raises(ValidationError) as caught:
        build()
    error = caught.value
    message = str(error)
    assert error.parameter == parameter, message
    assert f"{parameter}=" in message, message
    for fragment in fragments:
        assert fragment in message, message
    return error
