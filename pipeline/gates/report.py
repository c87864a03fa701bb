"""The report, the metrics and the printed gate table, all from one set of gates.

The report and the metrics hold no time, path of this machine or other
run-dependent value: the same data and params give the same bytes. The
measured speed is printed only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import orjson

from pipeline.gates import spanf1
from pipeline.gates.codes import ITEM_REASONS, REASONS, SET_REASONS
from pipeline.gates.gate import Gate, default_rule, share
from pipeline.gates.stats import SetStats
from pipeline.records import AtomicWriter

_JSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
# Stands in for the per-item list while the rest of the report is serialised.
_ITEMS = "\x00per-item results\x00"

SPAN_KINDS = tuple(spanf1.KINDS)


def _f1_pair(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def f1_figures(acc: dict[str, float]) -> dict[str, float]:
    """Macro (mean of item F1) and micro (pooled spans and items) F1, lax and strict."""
    items = acc["items"]
    out: dict[str, float] = {"items": int(items)}  # a count, written as an integer
    for mode in ("lax", "strict"):
        precision = share(acc[f"{mode}_spans"], acc["spans"]) if acc["spans"] else 0.0
        recall = acc[f"{mode}_hits"] / items if items else 0.0
        out[f"{mode}_macro"] = round(share(acc[f"{mode}_sum"], items), 6)
        out[f"{mode}_micro"] = round(_f1_pair(precision, recall) if items else 1.0, 6)
        out[f"{mode}_precision"] = round(precision, 6)
        out[f"{mode}_recall"] = round(recall, 6)
    return out


def span_figures(stats: SetStats) -> dict[str, float]:
    figures = {kind: round(spanf1.f1(*stats.gold.get(kind, [0, 0, 0])), 6) for kind in SPAN_KINDS}
    total = [sum(s[i] for s in stats.gold.values()) for i in range(3)]
    figures["all"] = round(spanf1.f1(*total), 6)
    return figures


def reason_counts(stats: SetStats, gates: list[Gate]) -> dict[str, int]:
    counts = {code: stats.reasons.get(code, 0) for code in ITEM_REASONS}
    by_code = {g.code: g.count for g in gates if g.code in SET_REASONS}
    counts.update({code: by_code.get(code, 0) for code in SET_REASONS})
    return counts


def distribution(stats: SetStats) -> dict[str, Any]:
    return {
        "scenario_complexity": {f"{s}/{c}": n for (s, c), n in sorted(stats.cells.items())},
        "structures": {s: sorted(v) for s, v in sorted(stats.structures.items())},
        "languages": dict(sorted(stats.langs.items())),
        "controls": dict(sorted(stats.controls.items())),
        "adversarial": dict(sorted(stats.adversarial.items())),
        "long_context": stats.long_context,
        "locale_probes": stats.locale_probes,
        "negative_controls": stats.negative_controls,
    }


def build_report(
    *,
    mode: str,
    source: str,
    header: dict[str, Any],
    fingerprints: dict[str, Any],
    stats: SetStats,
    gates: list[Gate],
    skipped: list[dict[str, str]],
    made_with: dict[str, Any],
) -> dict[str, Any]:
    failed = [g.name for g in gates if not g.passed]
    return {
        "mode": mode,
        "input": source,
        "header": header,
        "fingerprints": fingerprints,
        "made_with": made_with,
        "summary": {
            "items": stats.items,
            "calls": int(stats.counts["json_checked"]),
            "unreadable_lines": stats.rejects,
            "passed": not failed,
            "failed_gates": failed,
            "skipped_gates": [s["gate"] for s in skipped],
        },
        "gates": [g.as_dict() for g in gates],
        "skipped": skipped,
        "reasons": reason_counts(stats, gates),
        "integration_f1": {
            **f1_figures(stats.f1),
            "misses": int(stats.f1["misses"]),
            "negative_controls": stats.negative_controls,
            "per_tool": {t: f1_figures(acc) for t, acc in sorted(stats.per_tool.items())},
        },
        "span_f1": span_figures(stats),
        "worst_strict_f1": stats.worst_items(),
        "distribution": distribution(stats),
        "items": stats.per_item,
    }


def write_report(path: str | os.PathLike[str], report: dict[str, Any]) -> None:
    """Write the report atomically, with `write_json`'s exact bytes (sorted keys,
    two-space indent), streaming its per-item results from their log instead
    of holding them as one list: memory stays flat in the number of items."""
    head = orjson.dumps({**report, "items": _ITEMS}, option=_JSON)
    before, after = head.split(orjson.dumps(_ITEMS))
    with AtomicWriter(path) as handle:
        handle.write(before)
        opened = False
        for entry in report["items"]:
            # An entry sits two levels deep ({"items": [entry]}): four more spaces.
            handle.write(b",\n    " if opened else b"[\n    ")
            handle.write(orjson.dumps(entry, option=_JSON).replace(b"\n", b"\n    "))
            opened = True
        handle.write(b"\n  ]" if opened else b"[]")
        handle.write(after + b"\n")


# The headline figures of `metrics/verify.json`: what a reviewer diffs per
# experiment, few enough for `dvc metrics show` to fit a terminal. Each gate's
# value and verdict go to the gate metrics, reason counts to the reason
# metrics; thresholds and skips stay in the report (a threshold is not a result).
HEADLINE_GATES = {
    "extraction": "full_extraction",
    "schema_valid": "schema_valid",
    "f1_lax": "integration_f1",
    "f1_strict": "integration_f1_strict",
    "span_f1": "span_f1",
}


def build_metrics(report: dict[str, Any]) -> dict[str, int | float]:
    """About ten figures, numbers only, with a key set fixed by the code."""
    summary = report["summary"]
    gates = {g["name"]: g for g in report["gates"]}
    figures: dict[str, int | float] = {
        "items": int(summary["items"]),
        "calls": int(summary["calls"]),
        "unreadable": int(summary["unreadable_lines"]),
        "pass": int(summary["passed"]),
        "failed": len(summary["failed_gates"]),
        "skipped": len(summary["skipped_gates"]),
    }
    for key, name in HEADLINE_GATES.items():
        figures[key] = gates[name]["value"] if name in gates else 0
    aligned = [gates[n]["value"] for n in ("alignment_teacher", "alignment_sequence") if n in gates]
    figures["aligned"] = min(aligned, default=0)
    return figures


def gate_metrics(report: dict[str, Any]) -> dict[str, dict[str, int | float]]:
    """Each applied gate's value and pass flag (a skipped gate has neither: the
    report says why it was skipped, and the headline counts the skips)."""
    return {g["name"]: {"value": g["value"], "pass": int(g["pass"])} for g in report["gates"]}


def reason_metrics(report: dict[str, Any]) -> dict[str, int]:
    """Every reason code's count, 0 when absent, so the key set never changes."""
    return {code: int(report["reasons"].get(code, 0)) for code in REASONS}


@dataclass(frozen=True)
class Speed:
    """Seconds per 100 items, measured now: printed, never written."""

    seconds_per_100: float
    limit: float
    min_items: int
    items: int

    @property
    def gated(self) -> bool:
        return self.items >= self.min_items

    @property
    def ok(self) -> bool:
        return not self.gated or self.seconds_per_100 <= self.limit


def _value(value: float) -> str:
    return f"{value:.4f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


def _line(name: str, value: str, rule: str, verdict: str, detail: str) -> str:
    return f"{name:<24} {value:>10}  {rule:<16} {verdict:<9} {detail}".rstrip()


def gate_line(gate: dict[str, Any]) -> str:
    """One gate as printed: value, the rule that decided it, the verdict, the counts."""
    verdict = "trend" if gate["op"] == "trend" else "ok" if gate["pass"] else "FAILED"
    rule = gate.get("rule") or default_rule(gate["op"], gate["threshold"])
    detail = gate["detail"] if gate["pass"] else f"{gate['code']}: {gate['detail']}"
    return _line(gate["name"], _value(gate["value"]), rule, verdict, detail)


def speed_line(speed: Speed) -> str:
    value, rule = f"{speed.seconds_per_100:.4f}", f"<= {speed.limit:g}"
    if not speed.gated:
        detail = f"below {speed.min_items} items (verify.speed_min_items); {speed.items} read"
        return _line(SPEED, value, rule, "not gated", detail)
    verdict = "ok" if speed.ok else "FAILED"
    detail = f"{'' if speed.ok else 'speed: '}measured now over {speed.items} items"
    return _line(SPEED, value, rule, verdict, detail)


SPEED = "speed (s/100 items)"


def gate_table(report: dict[str, Any], speed: Speed | None) -> str:
    """The table printed at the end of a run: each line's verdict follows from
    the rule it prints, and the last line counts only the gates that applied."""
    lines = [_line("gate", "value", "rule", "result", "detail (code: when failed)")]
    lines.extend(gate_line(gate) for gate in report["gates"])
    for skip in report["skipped"]:
        lines.append(_line(skip["gate"], "-", "-", "skipped", skip["why"]))
    failed = list(report["summary"]["failed_gates"])
    total = len(report["gates"])
    notes = [f"{len(report['skipped'])} skipped"] if report["skipped"] else []
    if speed is not None:
        lines.append(speed_line(speed))
        total += speed.gated
        if not speed.ok:
            failed.append("speed")
        if not speed.gated:
            notes.append(f"speed not gated below {speed.min_items} items")
    counts = {c: n for c, n in report["reasons"].items() if n}
    lines.append(
        "reason codes (items or shortfalls): "
        + (", ".join(f"{c}={n}" for c, n in counts.items()) or "none")
    )
    note = f" ({'; '.join(notes)})" if notes else ""
    if failed:
        lines.append(f"verify: FAILED {len(failed)} of {total} gates: {', '.join(failed)}{note}")
    else:
        lines.append(f"verify: all {total} gates met their thresholds{note}")
    return "\n".join(lines)
