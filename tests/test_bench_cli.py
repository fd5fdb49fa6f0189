"""devtools.bench refuses, before any work, a plan comparison it cannot make."""

from __future__ import annotations

import pytest

from devtools import bench, seed


def test_missing_seed_document_stops_the_benchmark_with_the_way_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(seed.SEED_ENV, str(tmp_path / "absent.txt"))
    with pytest.raises(SystemExit) as stopped:
        bench.main(["--output-dir", str(tmp_path / "docs")])
    assert stopped.value.code == 2
    message = capsys.readouterr().err
    assert "the plan comparison needs the seed module document" in message
    assert seed.SEED_ENV in message and "--no-plan" in message
    assert not (tmp_path / "docs").exists(), "nothing written"
