"""Report, metrics, gate table and dataset card: never a pass that did not happen."""

from __future__ import annotations

from collections import Counter
from typing import Any

from gate_lines import check_printed_lines

from pipeline.gates.card import render_card
from pipeline.gates.cardfacts import export_docs, length_figures
from pipeline.gates.codes import REASONS
from pipeline.gates.gate import Gate, at_least, at_most, counted
from pipeline.gates.itemgates import integration_gates
from pipeline.gates.report import (
    Speed,
    build_metrics,
    build_report,
    f1_figures,
    gate_metrics,
    gate_table,
    reason_metrics,
)
from pipeline.gates.stats import SetStats
from pipeline.params import VerifyParams


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
    table = gate_table(report, Speed(0.1, 2.0, 1000, 5000))
    assert table.splitlines()[1].split()[:5] == ["privacy", "0.5000", ">=", "1", "FAILED"]
    assert table.splitlines()[-1] == "verify: FAILED 1 of 3 gates: privacy"
    assert "met their thresholds" not in table and "PASS" not in table
    check_printed_lines(table, report)


def test_speed_is_gated_only_from_the_minimum_size() -> None:
    report = report_with([at_most("x", "y", 0, 0)])
    slow = gate_table(report, Speed(3.0, 2.0, 1000, 1000))
    assert slow.splitlines()[-1] == "verify: FAILED 1 of 2 gates: speed"
    check_printed_lines(slow, report)
    small = gate_table(report, Speed(26.67, 2.0, 1000, 5))
    # Not "ok": below the minimum the speed is measured, not gated, and not counted.
    speed_line = small.splitlines()[-3]
    assert speed_line.startswith("speed (s/100 items)")
    assert " ".join(speed_line.split()[3:]) == (
        "26.6700 <= 2 not gated below 1000 items (verify.speed_min_items); 5 read"
    )
    assert small.splitlines()[-1] == (
        "verify: all 1 gates met their thresholds (speed not gated below 1000 items)"
    )
    check_printed_lines(small, report)
    assert gate_table(report, None).splitlines()[-1] == "verify: all 1 gates met their thresholds"


def _integration(lax_sum: float, items: int, misses: int) -> Gate:
    stats = SetStats()
    stats.f1.update(items=items, lax_sum=lax_sum, strict_sum=lax_sum, misses=misses)
    return integration_gates(stats, VerifyParams())[0]


def test_integration_line_names_the_tolerance_that_passed_it() -> None:
    tolerated = _integration(3.0, 4, 1)  # 0.75 < 0.9, 1 miss, tolerance max(1, 5% of 4) = 1
    failing = _integration(2.0, 4, 2)
    clean = _integration(4.0, 4, 0)
    assert tolerated.passed and not failing.passed and clean.passed
    assert tolerated.rule == "< 0.9, 1 miss, tolerance 1"
    assert failing.rule == "< 0.9, 2 misses, tolerance 1"
    assert clean.rule == ""  # the plain comparison decided: `>= 0.9` is printed
    for gate, misses in ((tolerated, 1), (failing, 2), (clean, 0)):
        report = report_with([gate])
        report["integration_f1"]["misses"] = misses
        table = gate_table(report, None)
        check_printed_lines(table, report)
    line = gate_table(report_with([tolerated]), None).splitlines()[1]
    assert line.split(maxsplit=2)[2].startswith("< 0.9, 1 miss, tolerance 1 ok")


def test_metrics_are_headline_gate_and_reason_files() -> None:
    report = report_with(
        [
            at_most("x", "y", 0, 0),
            at_least("schema_valid", "schema_invalid", 0.5, 0.98, "1/2 calls invalid"),
        ],
        [{"gate": "z", "why": "no metadata"}],
    )
    headline = build_metrics(report)
    assert headline["pass"] == 0 and headline["failed"] == 1 and headline["skipped"] == 1
    assert headline["schema_valid"] == 0.5 and headline["f1_strict"] == 0
    assert all(isinstance(headline[k], int) for k in ("items", "calls", "failed", "skipped"))
    assert gate_metrics(report) == {
        "x": {"value": 0, "pass": 1},
        "schema_valid": {"value": 0.5, "pass": 0},
    }
    reasons = reason_metrics(report)
    assert list(reasons) == list(REASONS) and set(reasons.values()) == {0}
    assert "skipped" in gate_table(report, None)
    check_printed_lines(gate_table(report, None), report)


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
    assert "## Trainer-native exports\n\nNone was written" in card
    assert "(The file was not found when the card was written.)" in card
    assert "### `../no/such/train.parquet`:" in card  # relative to the card's folder
    assert card.endswith("\n")
