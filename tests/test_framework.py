"""How the framework line is picked from what is installed (cdktf_aws_ecr.framework), tried
with the installed packages faked: none, each line alone, both with and without a choice."""

from __future__ import annotations

import importlib.metadata
import sys
from typing import Dict, Set

import pytest

from cdktf_aws_ecr import framework

VERSIONS = {"cdktf-cdktf-provider-aws": "19.65.1", "cdktn-provider-aws": "25.8.1"}


def _fake(monkeypatch: pytest.MonkeyPatch, installed: Set[str], versions: Dict[str, str]) -> None:
    monkeypatch.setattr(framework, "_installed", lambda module: module in installed)
    monkeypatch.setattr(importlib.metadata, "version", lambda name: versions[name])
    monkeypatch.delenv(framework.FRAMEWORK_ENV, raising=False)
    for name in ("cdktf", "cdktn"):
        monkeypatch.delitem(sys.modules, name, raising=False)


CDKTF = {"cdktf", "cdktf_cdktf_provider_aws"}
CDKTN = {"cdktn", "cdktn_provider_aws"}


def test_none_installed_names_the_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, set(), VERSIONS)
    with pytest.raises(ImportError) as caught:
        framework._pick()
    for extra in ("[cdktf-aws5]", "[cdktf-aws6]", "[cdktn]"):
        assert f"cdktf-aws-ecr{extra}" in str(caught.value)


def test_a_framework_without_its_bindings_is_not_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, {"cdktf", "cdktn"}, VERSIONS)
    with pytest.raises(ImportError):
        framework._pick()


@pytest.mark.parametrize("installed, bindings, expected", [
    (CDKTF, "19.65.1", ("cdktf-aws5", "cdktf_cdktf_provider_aws", 5, True)),
    (CDKTF, "21.22.1", ("cdktf-aws6", "cdktf_cdktf_provider_aws", 6, True)),
    (CDKTN, "25.8.1", ("cdktn", "cdktn_provider_aws", 6, False)),
])
def test_each_line_alone(
    monkeypatch: pytest.MonkeyPatch, installed: Set[str], bindings: str, expected: tuple
) -> None:
    _fake(monkeypatch, installed, {"cdktf-cdktf-provider-aws": bindings, "cdktn-provider-aws": bindings})
    line, guess = framework._pick()
    assert (line.name, line.provider_package, line.aws_provider_major, line.lean_import) == expected
    assert guess is None


def test_both_installed_picks_cdktf_and_says_how_to_choose(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, CDKTF | CDKTN, VERSIONS)
    line, guess = framework._pick()
    assert line.name == "cdktf-aws5"
    assert guess is not None and f"{framework.FRAMEWORK_ENV}=cdktn" in guess


@pytest.mark.parametrize("chosen, name", [("cdktn", "cdktn"), ("cdktf", "cdktf-aws5")])
def test_both_installed_the_variable_chooses(monkeypatch: pytest.MonkeyPatch, chosen: str, name: str) -> None:
    _fake(monkeypatch, CDKTF | CDKTN, VERSIONS)
    monkeypatch.setenv(framework.FRAMEWORK_ENV, chosen)
    assert framework._pick() == (framework._cdktn_line() if chosen == "cdktn" else framework._cdktf_line(), None)
    assert framework._pick()[0].name == name


def test_both_installed_the_one_imported_first_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, CDKTF | CDKTN, VERSIONS)
    monkeypatch.setitem(sys.modules, "cdktn", sys.modules[__name__])
    line, guess = framework._pick()
    assert line.name == "cdktn" and guess is None


def test_a_bad_choice_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake(monkeypatch, CDKTF | CDKTN, VERSIONS)
    monkeypatch.setenv(framework.FRAMEWORK_ENV, "terraform")
    with pytest.raises(ImportError, match="expected 'cdktf' or 'cdktn'"):
        framework._pick()
