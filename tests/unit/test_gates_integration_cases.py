"""Integration F1 of one item: which results count, and what the per-item record shows
(tools, span evidence, negative-control flag); span F1 edge cases of the extractor."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates import spanf1
from pipeline.gates.integration import item_f1, tool_results

TEACHER = "The search found 1234 results. Nothing else."


def span(s: int, e: int) -> dict[str, Any]:
    return {"chars": [s, e], "utf8": [s, e]}


def test_only_tool_messages_are_results() -> None:
    item = {
        "messages": [
            {"role": "user", "content": '{"count": 1234}'},
            "not a message",
            {"role": "assistant", "content": "calling"},
            {"role": "tool", "content": '{"ok": true, "count": 1234}'},
        ]
    }
    assert tool_results(item, {"tool_result_fields": {"count": 9}}) == [{"ok": True, "count": 1234}]


@pytest.mark.parametrize(("flag", "expected"), [(True, True), (None, False)])
def test_item_record_names_tools_evidence_and_negative_control(
    flag: bool | None, expected: bool
) -> None:
    item = {"messages": [{"role": "tool", "content": '{"ok": true, "count": 1234}'}]}
    metadata = {"negative_control": flag}
    spans = [span(0, 30), {"chars": None}]
    result = item_f1(item, metadata, {"integration_spans": spans}, TEACHER, ["web.search"])
    assert result["tools"] == ["web.search"]
    assert result["negative_control"] is expected
    first, broken = result["detail"]
    assert first["chars"] == [0, 30]
    assert first["text"] == "The search found 1234 results."
    assert first["lax"] == ["count"]
    assert broken == {"chars": None, "text": "", "lax": [], "strict": []}
    assert (result["spans"], result["lax"]) == (2, 1)


def test_call_spans_are_never_capped() -> None:
    gold = {"tool_name_spans": [span(0, 2), span(3, 5), span(6, 8)]}
    targets = {"calls": [{"name_span": span(0, 2)}, {"name_span": span(6, 8)}]}
    assert spanf1.compare(gold, targets, cap=1) == {"name": [2, 3, 2]}


def test_missing_predicted_integration_spans_score_zero_hits() -> None:
    gold = {"integration_spans": [span(0, 4)], "call_spans": None}
    assert spanf1.compare(gold, {}, cap=3) == {
        "integration": [0, 1, 0],
        "call": [0, 0, 0],
    }
