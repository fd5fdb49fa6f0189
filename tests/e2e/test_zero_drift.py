"""Check 2: right after the deploy, a second plan of every stack changes nothing.

All three stacks deploy into one registry. Registry-wide settings written by
more than one stack would flip back and forth on every plan; with one owner
(prod) each stack's plan is empty, including the shared scanning configuration.
"""

from __future__ import annotations

import pytest

from .conftest import Deployment, parallel

pytestmark = [pytest.mark.e2e, pytest.mark.terraform]

SCANNING = "aws_ecr_registry_scanning_configuration"


def test_registry_settings_have_exactly_one_owner(deployment: Deployment) -> None:
    owners = [stack for stack, synth in deployment.synth.items() if synth.get("resource", {}).get(SCANNING)]
    assert owners == ["prod"], "the shared registry's scanning settings must be written by one stack"
    state = deployment.terraform("prod", "state", "list")
    assert state.returncode == 0, state.stderr
    assert len([line for line in state.stdout.split() if line.startswith(f"{SCANNING}.")]) == 1


def test_second_plan_of_every_stack_is_empty(deployment: Deployment) -> None:
    plans = parallel({stack: (lambda s=stack: deployment.plan(s)) for stack in deployment.stacks})
    for stack, result in plans.items():
        assert result.returncode == 0, (
            f"stack {stack}: plan after deploy is not empty (exit {result.returncode}):\n{result.output}"
        )
        assert "No changes." in result.stdout
