"""The previous generator's data (commit 8e19759) fails the new verifier, class by class.

A reader found these defects by hand (issue 13): a comparison never made, a
user's typo silently fixed, a missing file or moved page silently replaced, a
broken call the teacher made itself in the trained target, a control labelled
with calls. The classes are read off the items' own metadata here, not off
the verifier, and every item of every class must carry its reason code.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline import extract, verify

pytestmark = pytest.mark.stage
FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "earlier" / "generated-8e19759.jsonl.gz"
)
EXPECTED = {
    "compare": "intent_unanswered",
    "typo": "error_undisclosed",
    "substitution": "error_undisclosed",
    "teacher_fault": "invalid_trained_call",
    "control": "label_mismatch",
}


def defect_class(item: dict[str, Any]) -> str:
    meta = item["metadata"]
    request = item["prompt"].split("\n", 1)[1]
    if meta.get("control") or meta.get("expected_behaviour") in ("no_tool", "decline", "retry"):
        return "control"
    if (meta.get("adversarial") or {}).get("type") in ("malformed_json", "range_violation"):
        return "teacher_fault"
    errors = [r.get("error", "") for r in meta.get("tool_results") or () if r.get("ok") is False]
    if any(re.search(r"NameError|ReferenceError", e) for e in errors):
        return "typo"
    if any(re.search(r"FileNotFound|NotADirectory|404", e) for e in errors):
        return "substitution"
    if re.search(r"compar|vergleich", request, re.IGNORECASE):
        return "compare"
    return "other"


@pytest.fixture(scope="module")
def verdict(
    tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path
) -> tuple[int, dict[str, Any], list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("earlier")
    raw = tmp / "generated.jsonl"
    raw.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    items = [orjson.loads(line) for line in raw.read_bytes().splitlines()[1:]]
    out = tmp / "extracted.jsonl"
    none = str(tmp / "none.yaml")
    assert (
        extract.main(
            ["--in", str(raw), "--out", str(out), "--tokenizer", str(qwen_dir), "--params", none]
        )
        == 0
    )
    report = tmp / "report.json"
    code = verify.main(
        ["--in", str(out), "--report", str(report), "--tokenizer", str(qwen_dir), "--params", none]
    )
    return code, orjson.loads(report.read_bytes()), items


def test_the_fixture_holds_every_class(
    verdict: tuple[int, dict[str, Any], list[dict[str, Any]]],
) -> None:
    _, _, items = verdict
    classes = [defect_class(i) for i in items]
    assert {c: classes.count(c) for c in EXPECTED} == {
        "compare": 40, "typo": 30, "substitution": 40, "teacher_fault": 6, "control": 40,
    }  # fmt: skip


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_every_item_of_a_defect_class_is_flagged_with_its_code(
    verdict: tuple[int, dict[str, Any], list[dict[str, Any]]], kind: str
) -> None:
    _, report, items = verdict
    reasons = {e["id"]: e["reasons"] for e in report["items"]}
    members = [i["id"] for i in items if defect_class(i) == kind]
    missed = [i for i in members if EXPECTED[kind] not in reasons[i]]
    assert members and not missed, (kind, missed[:5])


def test_the_earlier_set_fails_standalone_with_the_semantic_gates(
    verdict: tuple[int, dict[str, Any], list[dict[str, Any]]],
) -> None:
    code, report, _ = verdict
    assert code == 1 and report["mode"] == "standalone"
    failed = set(report["summary"]["failed_gates"])
    assert {"intent_answered", "errors_disclosed", "labels", "trained_calls_valid"} <= failed
    # Without a plan in its header (2.0.0), the plan gates are skipped, and say why.
    skipped = {s["gate"]: s["why"] for s in report["skipped"]}
    assert skipped["stratification"].startswith("no generation plan in the header")
