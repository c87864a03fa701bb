"""The table verify prints, parsed line by line and held to the report it came from.

A line may not contradict itself: its verdict must follow from the value and
the rule it prints, and equal the report's pass flag; its numbers must be the
report's. Used by the DVC-mode and standalone-mode verify tests.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Any

from pipeline.gates.codes import REASONS

SPEED = "speed (s/100 items)"
LINE = re.compile(
    r"^(?P<name>speed \(s/100 items\)|\S+)\s+(?P<value>-|-?\d[\d.e+-]*)\s\s"
    r"(?P<rule>.+?)\s+(?P<verdict>ok|FAILED|trend|skipped|not gated)(?:\s+(?P<detail>.*))?$"
)
PLAIN = re.compile(r"^(?P<op><=|>=) (?P<limit>[\d.e+-]+)$")
TOLERANCE = re.compile(
    r"^< (?P<limit>[\d.e+-]+), (?P<misses>\d+) miss(?:es)?, tolerance (?P<k>\d+)$"
)
SCALED = re.compile(r"^<= (?P<k>\d+) \((?P<share>[\d.e+-]+) x (?P<n>\d+), min 1\)$")
RATIO = re.compile(r"^(?P<part>\d+)/(?P<whole>\d+) ")
OPS = {"<=": operator.le, ">=": operator.ge}
# Gates whose detail starts with "part/whole": the value is that share (or its complement).
SHARES = {
    "alignment_teacher": False,
    "alignment_sequence": False,
    "json_valid": True,
    "schema_valid": True,
}


@dataclass
class Line:
    name: str
    value: str
    rule: str
    verdict: str
    detail: str


def parse(out: str) -> tuple[list[Line], list[str]]:
    """The gate lines of the table, and the lines after it (reason codes, summary)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("gate "))
    parsed, rest = [], []
    for line in lines[start + 1 :]:
        if rest or line.startswith("reason codes"):
            rest.append(line)
            continue
        match = LINE.match(line)
        assert match, f"unparsable gate line: {line!r}"
        parsed.append(Line(**{k: v or "" for k, v in match.groupdict().items()}))
    return parsed, rest


def _close(printed: str, value: float) -> bool:
    return math.isclose(float(printed), value, abs_tol=5e-5)


def check_gate(line: Line, gate: dict[str, Any], report: dict[str, Any]) -> None:
    verdict = "trend" if gate["op"] == "trend" else "ok" if gate["pass"] else "FAILED"
    assert line.verdict == verdict, (line, gate)
    assert _close(line.value, gate["value"]), (line, gate)
    assert line.rule == gate["rule"], (line, gate)
    detail = gate["detail"] if gate["pass"] else f"{gate['code']}: {gate['detail']}"
    assert line.detail == detail.rstrip(), (line, gate)
    value = float(line.value)
    if gate["op"] == "trend":
        assert line.rule == "no threshold"
    elif plain := PLAIN.match(line.rule):
        # The printed comparison decides the printed verdict.
        holds = OPS[plain["op"]](value, float(plain["limit"]))
        assert holds == (verdict == "ok"), line
        assert plain["op"] == gate["op"] and float(plain["limit"]) == gate["threshold"], line
    elif tolerance := TOLERANCE.match(line.rule):
        misses, allowed = int(tolerance["misses"]), int(tolerance["k"])
        assert value < float(tolerance["limit"]) == gate["threshold"], line
        assert (misses <= allowed) == (verdict == "ok"), line
        assert misses == report["integration_f1"]["misses"], line
    elif scaled := SCALED.match(line.rule):
        allowed, population = int(scaled["k"]), int(scaled["n"])
        assert allowed == max(1, math.ceil(float(scaled["share"]) * population)), line
        assert allowed == gate["threshold"] and (value <= allowed) == (verdict == "ok"), line
    else:
        raise AssertionError(f"rule of unknown form: {line}")
    if line.name in SHARES:
        ratio = RATIO.match(gate["detail"])
        assert ratio, line
        part, whole = int(ratio["part"]), int(ratio["whole"])
        share = part / whole if whole else (0.0 if SHARES[line.name] else 1.0)
        assert _close(line.value, 1 - share if SHARES[line.name] else share), line


def check_printed_lines(out: str, report: dict[str, Any]) -> list[Line]:
    """Every gate and skip of the report printed once, consistent; no other line."""
    lines, rest = parse(out)
    by_name = {line.name: line for line in lines}
    assert len(by_name) == len(lines), "a gate printed twice"
    for gate in report["gates"]:
        check_gate(by_name.pop(gate["name"]), gate, report)
    for skip in report["skipped"]:
        line = by_name.pop(skip["gate"])
        assert (line.value, line.rule, line.verdict, line.detail) == (
            "-",
            "-",
            "skipped",
            skip["why"],
        )
    failed = list(report["summary"]["failed_gates"])
    total = len(report["gates"])
    speed = by_name.pop(SPEED, None)
    assert not by_name, f"lines for no gate of the report: {by_name}"
    if speed is not None:
        limit = PLAIN.match(speed.rule)
        assert limit and limit["op"] == "<=", speed
        if speed.verdict == "not gated":
            below = re.match(
                r"below (\d+) items \(verify.speed_min_items\); (\d+) read$", speed.detail
            )
            assert below and int(below[2]) < int(below[1]), speed
        else:
            total += 1
            holds = float(speed.value) <= float(limit["limit"])
            assert holds == (speed.verdict == "ok"), speed
            failed += [] if holds else ["speed"]
    # In code order (a report read back from its file has its keys sorted).
    reasons = {c: report["reasons"][c] for c in REASONS if report["reasons"].get(c)}
    shown = ", ".join(f"{c}={n}" for c, n in reasons.items()) or "none"
    assert rest[0] == f"reason codes (items or shortfalls): {shown}", (rest, shown)
    if failed:
        assert rest[1].startswith(f"verify: FAILED {len(failed)} of {total} gates: "), rest
        assert rest[1].split(": ", 2)[2].split(" (")[0] == ", ".join(failed), rest
    else:
        assert rest[1].startswith(f"verify: all {total} gates met their thresholds"), rest
    assert len(rest) == 2, rest
    return lines
