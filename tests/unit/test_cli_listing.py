"""`python -m pipeline` in process: the listing printed, options refused, and a module
that cannot be found gets an empty summary instead of a crash."""

from __future__ import annotations

import pytest

from pipeline.__main__ import COMMANDS, STAGES, listing, main, summary


def test_main_prints_the_listing_in_stage_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out == listing() + "\n"
    lines = out.splitlines()
    assert lines[0].startswith("stages (dvc repro runs them in this order")
    listed = [line.split()[2] for line in lines if line.startswith("  python -m ")]
    assert listed == list(STAGES + COMMANDS)
    assert lines[-1] == "Each takes --help. Knobs: params.yaml; data layout: README.md."


def test_main_refuses_an_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--frobnicate"])
    assert done.value.code == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


def test_a_module_that_is_not_there_has_no_summary() -> None:
    assert summary("pipeline.no_such_stage") == ""
