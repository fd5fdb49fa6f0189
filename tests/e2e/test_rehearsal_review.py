"""``make deploy-local`` reviews every plan before it applies: a destroying change is refused
and nothing is applied; a clean change is deployed.

The rehearsal runs as ``make deploy-local`` runs it (``devtools.rehearse.deploy``: its own
endpoint, restored from its snapshot, the review command with ``--live``, then the real
``cdktf deploy``), except that the app is synthesized in this process, with the example
app's dev environment as each step needs it, instead of by ``cdktf synth`` of ``main.py``.
Remove ``review=True`` from ``rehearse.deploy`` and the refusal test fails.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Callable, Iterator, Set, Tuple

import pytest

from devtools import rehearse
from stacks import ENVIRONMENTS, RepositoryConfig
from stacks.environments import SERVICES

from .conftest import MANIFEST, aws_client, synthesize

pytestmark = [pytest.mark.e2e, pytest.mark.terraform, pytest.mark.slow]


def _synth_of(repositories: Tuple[RepositoryConfig, ...]) -> Callable[..., Any]:
    """The rehearsal's synth step, for dev with these repositories."""
    dev = replace(ENVIRONMENTS[0], repositories=repositories)

    def synth(paths: rehearse.Paths, progress: rehearse.Progress, verbose: bool) -> Any:
        progress.step("synthesizing dev in-process (test)")
        synthesize(paths.outdir, paths.state_dir, (dev,))
        return rehearse.stack_names(paths.outdir)

    return synth


def _repositories_in_state(paths: rehearse.Paths) -> Set[str]:
    state = json.loads((paths.state_dir / "terraform.dev.tfstate").read_text())
    return {r["instances"][0]["attributes"]["name"] for r in state["resources"] if r["type"] == "aws_ecr_repository"}


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[rehearse.Paths]:
    """A rehearsal that deployed dev, with an image pushed into web-frontend."""
    paths = rehearse.Paths(tmp_path_factory.mktemp("rehearsal"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rehearse, "synth", _synth_of(SERVICES))
        assert rehearse.deploy(paths) == 0
    endpoint = rehearse.RehearsalEndpoint(paths.snapshot, paths.endpoint_log).start()
    try:
        aws_client(endpoint, "ecr").put_image(
            repositoryName="dev/web-frontend", imageManifest=MANIFEST, imageTag="v1.0.0"
        )
    finally:
        endpoint.stop()
    yield paths


def test_a_destroying_change_is_refused_and_nothing_is_applied(
    rehearsal: rehearse.Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN web-frontend deleted from the code
    monkeypatch.setattr(rehearse, "synth", _synth_of(tuple(r for r in SERVICES if r.key != "web_frontend")))
    # WHEN the rehearsal deploys
    with pytest.raises(rehearse.ReviewRefused) as refused:
        rehearse.deploy(rehearsal)
    # THEN the review's report says why, and the repository is still deployed
    report = str(refused.value)
    assert "REFUSED  aws_ecr_repository.dev--web-frontend (dev/web-frontend)" in report
    assert "At stake: 1 image, newest tags v1.0.0" in report
    assert "dev/web-frontend" in _repositories_in_state(rehearsal)
    assert not rehearsal.incomplete.exists()


def test_a_clean_change_is_reviewed_and_deployed(
    rehearsal: rehearse.Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a new service beside the others
    monkeypatch.setattr(rehearse, "synth", _synth_of((*SERVICES, RepositoryConfig("billing", "billing"))))
    # WHEN the rehearsal deploys
    assert rehearse.deploy(rehearsal) == 0
    # THEN the review passed and the change is applied
    assert "Passed (0 warnings)." in capsys.readouterr().out
    assert _repositories_in_state(rehearsal) == {"dev/accounts-service", "dev/web-frontend", "dev/billing"}
