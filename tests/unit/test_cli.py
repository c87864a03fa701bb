"""The command lines: `python -m pipeline` lists them all; every --help keeps the
module docstring's paragraphs and documents --params."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from importlib import util
from pathlib import Path

import pytest

from pipeline.__main__ import COMMANDS, STAGES, summary

ROOT = Path(__file__).resolve().parents[2]
WITH_PARAMS = (
    "pipeline.tokenizer",
    "pipeline.generate",
    "pipeline.extract",
    "pipeline.verify",
    "pipeline.shards",
    "pipeline.analyze",
    "pipeline.gates.plots",
    "pipeline.preview",
)


def test_python_m_pipeline_lists_every_stage_and_command() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline"], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for module in STAGES + COMMANDS:
        assert util.find_spec(module) is not None, module
        (line,) = [x for x in lines if x.split()[2:3] == [module]]
        assert summary(module) and line.rstrip().endswith(summary(module))
    stage_lines = [x.split()[2] for x in lines if x.startswith("  python -m")][: len(STAGES)]
    assert stage_lines == list(STAGES), "stages in dvc.yaml order"


def test_summaries_drop_only_the_lead_in() -> None:
    assert summary("pipeline.verify").startswith("check every item and the set")
    assert summary("pipeline.quality").startswith("{coverage,security,mutation}: ")


@pytest.mark.parametrize("module", WITH_PARAMS)
def test_help_keeps_paragraphs_and_documents_params(
    module: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mod = importlib.import_module(module)
    with pytest.raises(SystemExit) as done:
        mod.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--params FILE" in out and "an unknown key is an error" in " ".join(out.split())
    # The docstring's own lines come back as written, paragraph breaks included.
    paragraphs = [p for p in (mod.__doc__ or "").strip().split("\n\n") if p.strip()]
    assert paragraphs, module
    for paragraph in paragraphs:
        assert paragraph.rstrip() in out, (module, paragraph[:60])


def test_quality_security_documents_params(capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.quality.__main__ import main

    with pytest.raises(SystemExit):
        main(["security", "--help"])
    assert "--params FILE" in capsys.readouterr().out
