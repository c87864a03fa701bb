"""Plot rows for DVC (aggregated, sized by cells and buckets), their templates, and
the offline PNG renderer."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import yaml

from pipeline.gates import plots
from pipeline.gates.stats import MAX_LENGTHS, SetStats, length_bucket
from pipeline.gen.plan import COMPLEXITIES, SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
PER_TOOL = {"fs.read": {"lax_macro": 1.0, "strict_macro": 0.5, "items": 3}}


def stats(scale: int = 1) -> SetStats:
    """A small set, or the same set `scale` times over (same cells, lengths, tools)."""
    s = SetStats()
    s.cells.update(
        {("web_search", "multi_call"): 2 * scale, ("file_ops", "single_call"): scale}
        | {("zzz", "odd"): scale}
    )
    s.span_lengths.update(
        {("args", 5): 2 * scale, ("integration", 5): scale, ("name", 2): 3 * scale}
    )
    s.sequence_lengths.update({7: scale, 512: scale, 2000: scale, 9000: scale})
    return s


def test_stratification_is_one_row_per_cell_with_its_count() -> None:
    rows = plots.stratification_rows(stats())
    planned = len(SCENARIOS) * len(COMPLEXITIES)
    assert len(rows) == planned + 1  # every planned cell, then the odd one the data has
    assert rows[0] == {"scenario": "file_ops", "complexity": "single_call", "items": 1}
    assert rows[1] == {"scenario": "file_ops", "complexity": COMPLEXITIES[1], "items": 0}
    assert {"scenario": "web_search", "complexity": "multi_call", "items": 2} in rows
    assert rows[-1] == {"scenario": "zzz", "complexity": "odd", "items": 1}
    assert sum(r["items"] for r in rows) == 4


def test_f1_rows_put_strict_next_to_lax() -> None:
    assert plots.f1_rows(PER_TOOL) == [
        {"tool": "fs.read", "kind": "lax", "f1": 1.0, "items": 3},
        {"tool": "fs.read", "kind": "strict", "f1": 0.5, "items": 3},
    ]


def test_span_lengths_are_counts_per_length_and_kind() -> None:
    assert plots.span_length_rows(stats()) == [
        {"tokens": 2, "kind": "name", "spans": 3},
        {"tokens": 5, "kind": "args", "spans": 2},
        {"tokens": 5, "kind": "integration", "spans": 1},
    ]


def test_sequence_lengths_against_common_max_lengths() -> None:
    assert [length_bucket(t) for t in (1, 512, 513, 8192, 8193)] == [0, 0, 1, 4, 5]
    rows = plots.sequence_length_rows(stats())
    assert [r["bucket"] for r in rows] == [
        "1-512", "513-1024", "1025-2048", "2049-4096", "4097-8192", "8193+"
    ]  # fmt: skip
    assert [r["max_length"] for r in rows] == [*MAX_LENGTHS, 0]
    assert [r["items"] for r in rows] == [2, 0, 1, 0, 0, 1]
    # Of 4 sequences, 2 are longer than 512, 1 longer than 2048 ... 8192.
    assert [r["longer"] for r in rows] == [2, 2, 1, 1, 1, 0]
    assert [r["share_longer"] for r in rows] == [0.5, 0.5, 0.25, 0.25, 0.25, 0.0]
    empty = plots.sequence_length_rows(SetStats())
    assert {r["share_longer"] for r in empty} == {0.0} and len(empty) == 6


def test_plot_files_do_not_grow_with_the_items(tmp_path: Path) -> None:
    """The same cells, lengths and tools at 100,000 x the items: the same rows,
    only the counts are longer (a few digits each)."""
    small, large = tmp_path / "small", tmp_path / "large"
    plots.write_plots(str(small), stats(), PER_TOOL)
    plots.write_plots(str(large), stats(100_000), PER_TOOL)
    for name in plots.FILES:
        a, b = (orjson.loads((d / f"{name}.json").read_bytes()) for d in (small, large))
        assert len(a) == len(b), name
        size_a, size_b = ((d / f"{name}.json").stat().st_size for d in (small, large))
        assert size_b - size_a <= 16 * len(b), name
    assert sum(p.stat().st_size for p in large.iterdir()) < 8_000


def test_dvc_yaml_declares_the_plots_the_png_renderer_draws() -> None:
    stage = yaml.safe_load((ROOT / "dvc.yaml").read_text("utf-8"))["stages"]["verify"]
    declared = {next(iter(entry)): next(iter(entry.values())) for entry in stage["plots"]}
    expected = {
        f"metrics/plots/{name}.json": {
            "cache": False,
            "persist": True,  # git tracks them: a failing run must not delete them
            "template": p.template,
            "x": p.x,
            "y": p.y,
            "title": p.title,
            "x_label": p.x_label,
            "y_label": p.y_label,
        }
        for name, p in plots.PLOTS.items()
    }
    assert declared == expected
    for p in plots.PLOTS.values():
        template = ROOT / plots.TEMPLATES / f"{p.template}.json"
        assert "<DVC_METRIC_DATA>" in template.read_text("utf-8"), template


def test_specs_are_filled_from_the_templates(tmp_path: Path) -> None:
    plots.write_plots(str(tmp_path), stats(), PER_TOOL)
    data = {n: orjson.loads((tmp_path / f"{n}.json").read_bytes()) for n in plots.FILES}
    specs = plots.vega_specs(data, str(ROOT / plots.TEMPLATES))
    spans = specs["span_lengths"]
    assert spans["encoding"]["y"]["scale"] == {"type": "log"}  # 2-token names dwarf the rest
    assert spans["encoding"]["y"]["field"] == "spans"
    assert spans["data"]["values"][0]["spans"] == 3
    f1 = specs["f1_per_tool"]
    assert f1["encoding"]["yOffset"]["field"] == "kind" and f1["encoding"]["x"]["field"] == "f1"
    assert "<DVC_METRIC" not in orjson.dumps(specs).decode()


def test_png_rendering_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "plots"
    plots.write_plots(str(data), stats(), PER_TOOL)
    out = tmp_path / "png"
    templates = str(ROOT / plots.TEMPLATES)
    assert plots.main(["--png", str(out), "--plots", str(data), "--templates", templates]) == 0
    for name in plots.FILES:
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "plots: wrote" in capsys.readouterr().out
    assert plots.main(["--png", str(out), "--plots", str(tmp_path / "missing")]) == 2
    assert "plots: error" in capsys.readouterr().err
    missing = ["--png", str(out), "--plots", str(data), "--templates", str(tmp_path)]
    assert plots.main(missing) == 2
    assert "plots: error" in capsys.readouterr().err
