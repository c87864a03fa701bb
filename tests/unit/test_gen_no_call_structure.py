"""An item that makes no call has no argument structure (R12-R14 readers).

Every reader of audits R12, R13 and R14 found controls (no_tool, decline, retry)
and clarifying `ambiguity` items labelled with an argument shape (nested_args,
arrays, ...) although they send no arguments: a user filtering on `structure`
picked them up. Their structure is now ``none``, like their complexity, and
verify's label_mismatch fails either way round (a shape without a call, ``none``
with calls).
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates import checks
from pipeline.gates.calls import CallVerdict
from pipeline.gates.labels import label_problem
from pipeline.gates.session import Session, Turn
from pipeline.gen.item import iter_items
from pipeline.gen.plan import STRUCTURES, slot
from pipeline.gen.structure import structure_holds
from pipeline.params import GenerateParams, Params

# Small, but past the full table: every control kind and the adversarial kinds appear.
PARAMS = Params(generate=GenerateParams(total=120))
TOOLS = [{"type": "function", "function": {"name": "fs.read"}}]
READ = Turn("fs.read", {"path": "a"}, {"ok": True, "content": "a"})
PARAMETERS = {"fs.read": {"type": "object", "properties": {"path": {"type": "string"}}}}


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return list(iter_items(PARAMS, range(PARAMS.generate.total)))


def _kind(meta: dict[str, Any]) -> str:
    return str((meta.get("adversarial") or {}).get("type") or meta["expected_behaviour"])


def test_items_without_a_call_are_labelled_none(items: list[dict[str, Any]]) -> None:
    kinds = set()
    for item in items:
        meta = item["metadata"]
        if meta["call_sequence"]:
            continue
        kinds.add(_kind(meta))
        assert (meta["structure"], meta["complexity"]) == ("none", "none"), item["id"]
    assert kinds == {"no_tool", "decline", "retry", "ambiguity"}


def test_items_with_calls_keep_the_planned_shape(items: list[dict[str, Any]]) -> None:
    # Only the label of call-less items changed: the plan's structure still shapes
    # (and labels) every item that sends arguments, adversarial ones included.
    kinds = set()
    for index, item in enumerate(items):
        meta = item["metadata"]
        if not meta["call_sequence"]:
            continue
        kinds.add(_kind(meta))
        planned = slot(PARAMS.generate, PARAMS.seed, index).structure
        assert meta["structure"] == planned and planned in STRUCTURES, item["id"]
    assert {"normal", "range_violation", "malformed_json"} <= kinds


@pytest.mark.parametrize(
    ("structure", "turns", "why"),
    [
        ("none", [], None),
        ("flat_args", [READ], None),
        ("nested_args", [], "structure 'nested_args' on an item that makes no call"),
        ("flat_args", [], "structure 'flat_args' on an item that makes no call"),
        (None, [], "structure None on an item that makes no call"),
        ("none", [READ], "structure 'none' on an item that makes a call"),
        ("none", [READ, READ], "structure 'none' on an item that makes 2 calls"),
    ],
)
def test_label_mismatch_reads_the_structure_off_the_calls(
    structure: str | None, turns: list[Turn], why: str | None
) -> None:
    complexity = {0: "none", 1: "single_call"}.get(len(turns), "multi_call")
    meta: dict[str, Any] = {"complexity": complexity, "scenario": "file_ops"}
    if structure is not None:
        meta["structure"] = structure
    assert label_problem({"tools": TOOLS}, meta, Session("r", turns, "a"), set()) == why


def test_no_arguments_have_the_none_shape() -> None:
    # An item with calls labelled none fails structure fidelity too (and so never
    # counts for a scenario's structure coverage), rather than raising.
    assert structure_holds("none", {"path": "a"}, PARAMETERS["fs.read"]) is False
    assert structure_holds("none", {}, PARAMETERS["fs.read"]) is False
    verdict = CallVerdict(0, "fs.read", {"path": "a"}, True)
    assert checks.structure_problem("none", [verdict], PARAMETERS) == (
        "arguments do not have the none shape"
    )
    assert checks.structure_problem("none", [], PARAMETERS) is None
