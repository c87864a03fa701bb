"""One gate: a value, a threshold, a pass flag, and the reason code it reports.

Gates that need generator metadata are skipped on a plain extracted file
(standalone mode); gates that compare the set with the generator's plan are
skipped on one shard of a sharded set. Both lists say why in the report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

NEEDS_METADATA = (
    "span_f1",
    "controls",
    "caws_parsed",
    "caws_budget",
    "structure_fidelity",
    "adversarial_behaviour",
    "attempts",
    "integration_cap",
    "labels",
)
NEEDS_PLAN = (
    "stratification",
    "structure_coverage",
    "control_mix",
    "multilingual_mix",
    "locale_probes",
    "adversarial_quota",
    "long_context_quota",
    "long_context_gap",
    "multilingual_extraction",
)


@dataclass(frozen=True)
class Gate:
    name: str
    code: str
    value: float
    threshold: float
    op: str  # ">=" | "<=" | "trend" (reported, never fails)
    passed: bool
    detail: str = ""
    count: int = 0  # shortfalls found by a set-level gate (its code's count)
    # The rule that decided the verdict when it is not the plain comparison
    # (a pass through a tolerance): printed instead of `op threshold`.
    rule: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "value": round(self.value, 6),
            "threshold": self.threshold,
            "op": self.op,
            "rule": self.rule or default_rule(self.op, self.threshold),
            "pass": self.passed,
            "detail": self.detail,
        }


def default_rule(op: str, threshold: float) -> str:
    return "no threshold" if op == "trend" else f"{op} {threshold:g}"


def share(part: float, whole: float) -> float:
    """A rate; an empty denominator is vacuously perfect."""
    return part / whole if whole else 1.0


def at_least(name: str, code: str, value: float, threshold: float, detail: str = "") -> Gate:
    return Gate(name, code, value, threshold, ">=", value >= threshold, detail)


def at_most(name: str, code: str, value: float, threshold: float, detail: str = "") -> Gate:
    return Gate(name, code, value, threshold, "<=", value <= threshold, detail)


def counted(gate: Gate, shortfalls: int | None = None) -> Gate:
    """A set-level gate with its shortfall count (at least one when it fails)."""
    count = shortfalls if shortfalls is not None else int(not gate.passed)
    return replace(gate, count=max(count, int(not gate.passed)))


def allowed_misses(fraction: float, population: int) -> int:
    """The seed's tolerance: max(1, ceil(fraction of the population))."""
    return max(1, math.ceil(fraction * population))
