"""The report, the metrics and the printed gate table, all from one set of gates.

The report and the metrics hold no time, path of this machine or other
run-dependent value: the same data and params give the same bytes. The
measured speed is printed only.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

from pipeline.gates import spanf1
from pipeline.gates.codes import ITEM_REASONS, SET_REASONS
from pipeline.gates.gate import Gate, share
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
    out: dict[str, float] = {"items": items}
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


def build_metrics(report: dict[str, Any], all_gates: list[str]) -> dict[str, Any]:
    """Numbers only, with a key set fixed by the code (skipped gates included, flagged)."""
    gates = {g["name"]: g for g in report["gates"]}
    f1 = report["integration_f1"]
    return {
        "items": report["summary"]["items"],
        "unreadable_lines": report["summary"]["unreadable_lines"],
        "all_gates_pass": int(report["summary"]["passed"]),
        "gates": {
            name: {
                "value": gates[name]["value"] if name in gates else 0,
                "threshold": gates[name]["threshold"] if name in gates else 0,
                "pass": int(gates[name]["pass"]) if name in gates else 0,
                "skipped": int(name not in gates),
            }
            for name in all_gates
        },
        "reasons": report["reasons"],
        "integration_f1": {
            k: f1[k]
            for k in ("items", "lax_macro", "lax_micro", "strict_macro", "strict_micro", "misses")
        }
        | {"negative_controls": f1["negative_controls"]},
        "span_f1": report["span_f1"],
    }


def _value(gate: dict[str, Any]) -> str:
    value = gate["value"]
    return f"{value:.4f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"


def gate_table(report: dict[str, Any], speed: tuple[float, float, bool] | None) -> str:
    """The table printed at the end of a run; the last line never claims a pass it lacks."""
    lines = [f"{'gate':<24} {'value':>10}  {'threshold':<12} {'result':<7} code / detail"]
    for gate in report["gates"]:
        result = "ok" if gate["pass"] else "FAILED"
        threshold = "trend" if gate["op"] == "trend" else f"{gate['op']} {gate['threshold']:g}"
        lines.append(
            f"{gate['name']:<24} {_value(gate):>10}  {threshold:<12} {result:<7} "
            f"{'' if gate['pass'] else gate['code'] + ': '}{gate['detail']}"
        )
    for skip in report["skipped"]:
        lines.append(f"{skip['gate']:<24} {'-':>10}  {'':<12} skipped {skip['why']}")
    failed = list(report["summary"]["failed_gates"])
    if speed is not None:
        value, limit, gated = speed
        ok = value <= limit or not gated
        note = "" if gated else " (not gated below verify.speed_min_items)"
        lines.append(
            f"{'speed (s/100 items)':<24} {value:>10.4f}  {'<= ' + format(limit, 'g'):<12} "
            f"{'ok' if ok else 'FAILED':<7} {'speed: ' if not ok else ''}measured now{note}"
        )
        if not ok:
            failed.append("speed")
    counts = {c: n for c, n in report["reasons"].items() if n}
    lines.append("reason codes: " + (", ".join(f"{c}={n}" for c, n in counts.items()) or "none"))
    total = len(report["gates"]) + (speed is not None)
    if failed:
        lines.append(f"verify: FAILED {len(failed)} of {total} gates: {', '.join(failed)}")
    else:
        lines.append(f"verify: all {total} gates met their thresholds")
    return "\n".join(lines)
