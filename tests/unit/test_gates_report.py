"""Report, metrics, gate table and dataset card: never a pass that did not happen."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pipeline.gates.card import render_card
from pipeline.gates.cardfacts import export_docs, length_figures
from pipeline.gates.gate import Gate, at_least, at_most, counted
from pipeline.gates.report import build_metrics, build_report, f1_figures, gate_table
from pipeline.gates.stats import SetStats


def report_with(gates: list[Gate], skipped: list[dict[str, str]] | None = None) -> dict[str, Any]:
    stats = SetStats()
    return build_report(
        mode="dvc",
        source="data/extracted.jsonl",
        header={"dataset_version": "2.0.0", "seed": 42, "total_samples": 0},
        fingerprints={
            "tokenizer": {
                "header": None,
                "current": {"id": "t", "sha256": "ab", "normalizer": "NFC+LF"},
            },
            "registry": {"header": None, "current": "cd"},
        },
        stats=stats,
        gates=gates,
        skipped=skipped or [],
        made_with={"seed": 42, "generate": {"total": 10}},
    )


def test_gate_helpers() -> None:
    assert at_least("a", "c", 0.95, 0.95).passed
    assert not at_most("a", "c", 2, 1).passed
    assert counted(at_most("a", "c", 2, 1)).count == 1
    assert counted(at_most("a", "c", 2, 1), 3).count == 3
    assert counted(at_most("a", "c", 0, 1), 0).count == 0


def test_table_says_failed_when_a_gate_fails() -> None:
    report = report_with(
        [at_least("privacy", "pii_email", 0.5, 1.0, "1 item"), at_most("x", "y", 0, 0)]
    )
    table = gate_table(report, (0.1, 2.0, True))
    assert "FAILED" in table.splitlines()[1]
    assert table.splitlines()[-1] == "verify: FAILED 1 of 3 gates: privacy"
    assert "met their thresholds" not in table and "PASS" not in table


def test_speed_is_gated_only_from_the_minimum_size() -> None:
    report = report_with([at_most("x", "y", 0, 0)])
    slow = gate_table(report, (3.0, 2.0, True))
    assert slow.splitlines()[-1] == "verify: FAILED 1 of 2 gates: speed"
    small = gate_table(report, (3.0, 2.0, False))
    assert (
        "not gated" in small
        and small.splitlines()[-1] == "verify: all 2 gates met their thresholds"
    )
    assert gate_table(report, None).splitlines()[-1] == "verify: all 1 gates met their thresholds"


def test_metrics_keep_skipped_gates_flagged() -> None:
    report = report_with([at_most("x", "y", 0, 0)], [{"gate": "z", "why": "no metadata"}])
    metrics = build_metrics(report, ["x", "z"])
    assert metrics["gates"]["x"] == {"value": 0, "threshold": 0, "pass": 1, "skipped": 0}
    assert metrics["gates"]["z"] == {"value": 0, "threshold": 0, "pass": 0, "skipped": 1}
    assert metrics["all_gates_pass"] == 1
    assert "skipped" in gate_table(report, None)


def test_f1_figures_without_items() -> None:
    figures = f1_figures(
        dict.fromkeys(
            (
                "items",
                "lax_sum",
                "strict_sum",
                "spans",
                "lax_spans",
                "strict_spans",
                "lax_hits",
                "strict_hits",
                "misses",
            ),
            0.0,
        )
    )
    assert figures["lax_macro"] == 1.0 and figures["lax_micro"] == 1.0


def test_card_shows_failures_and_limitations() -> None:
    card = render_card(
        report_with(
            [at_least("privacy", "pii_email", 0.5, 1.0), Gate("s", "t", 0.7, 0.0, "trend", True)],
            [{"gate": "caws_parsed", "why": "no header"}],
        ),
        length_figures(Counter()),
        export_docs("no/such/train.parquet"),
    )
    assert (
        "FAILING: privacy" in card
        and "**FAIL**" in card
        and "| s |  | 0.7 | trend | pass |" in card
    )
    assert "## Known limitations" in card and "GitHub Token" in card
    assert "| caws_parsed | the CAWS header line parses | - | - | skipped: no header |" in card
    assert "No item carries a training sequence." in card
    assert "(The file was not found when the card was written.)" in card
    assert "### `../no/such/train.parquet`:" in card  # relative to the card's folder
    assert card.endswith("\n")
