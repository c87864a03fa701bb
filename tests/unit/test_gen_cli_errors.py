"""Bad params end the generate stage with a clear message, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import generate


def test_unknown_param_key_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("generate:\n  totl: 10\n")
    assert generate.main(["--params", str(params)]) == 2
    err = capsys.readouterr().err
    assert "generate.totl: unknown key" in err and "Traceback" not in err


def test_wrong_type_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("generate:\n  total: lots\n")
    assert generate.main(["--params", str(params)]) == 2
    assert "generate.total: expected int, got str" in capsys.readouterr().err
