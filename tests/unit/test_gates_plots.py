"""Plot rows for DVC, and the offline PNG renderer."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from pipeline.gates import plots
from pipeline.gates.stats import SetStats


def stats() -> SetStats:
    s = SetStats()
    s.cells.update(
        {("web_search", "multi_call"): 2, ("file_ops", "single_call"): 1, ("zzz", "odd"): 1}
    )
    s.span_lengths.update({("args", 5): 2, ("integration", 5): 1, ("name", 2): 3})
    return s


def test_rows() -> None:
    rows = plots.stratification_rows(stats())
    assert rows[0] == {"scenario": "file_ops", "complexity": "single_call"}
    assert rows[-1] == {"scenario": "zzz", "complexity": "odd"} and len(rows) == 4
    lengths = plots.span_length_rows(stats())
    assert lengths == [
        {"tokens": 2, "name": 3, "args": 0, "call": 0, "integration": 0, "count": 3},
        {"tokens": 5, "name": 0, "args": 2, "call": 0, "integration": 1, "count": 3},
    ]
    per_tool = {"fs.read": {"lax_macro": 1.0, "strict_macro": 0.5, "items": 3.0}}
    assert plots.f1_rows(per_tool) == [
        {"tool": "fs.read", "f1_lax": 1.0, "f1_strict": 0.5, "items": 3}
    ]


def test_png_rendering_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "plots"
    per_tool = {"fs.read": {"lax_macro": 1.0, "strict_macro": 0.5, "items": 3.0}}
    plots.write_plots(str(data), stats(), per_tool)
    assert orjson.loads((data / "f1_per_tool.json").read_bytes())[0]["tool"] == "fs.read"
    out = tmp_path / "png"
    assert plots.main(["--png", str(out), "--plots", str(data)]) == 0
    for name in plots.FILES:
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plots: wrote" in capsys.readouterr().out
    assert plots.main(["--png", str(out), "--plots", str(tmp_path / "missing")]) == 2
    assert "plots: error" in capsys.readouterr().err
