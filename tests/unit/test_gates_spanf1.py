"""Extractor spans against gold, and integration F1 of single items."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.gates import spanf1
from pipeline.gates.integration import item_f1, tool_results


def span(s: int, e: int) -> dict[str, Any]:
    return {"chars": [s, e], "utf8": [s, e]}


def test_exact_matches_per_kind() -> None:
    gold = {
        "tool_name_spans": [span(1, 3)],
        "args_spans": [span(5, 9)],
        "integration_spans": [span(20, 30), span(31, 40), span(41, 50), span(51, 60)],
    }
    targets = {
        "calls": [{"name_span": span(1, 3), "args_span": span(5, 8), "call_span": span(0, 10)}],
        "integration_spans": [span(20, 30), span(31, 40), span(41, 50)],
    }
    scores = spanf1.compare(gold, targets, cap=3)
    assert scores == {"name": [1, 1, 1], "args": [0, 1, 1], "integration": [3, 3, 3]}
    assert "call" not in scores  # no gold call spans: not scored
    assert spanf1.compare(gold, targets, cap=10)["integration"] == [3, 4, 3]


def test_duplicates_count_once_each_and_malformed_spans_are_ignored() -> None:
    gold = {"integration_spans": [span(1, 2), span(1, 2), {"chars": "x"}]}
    targets = {"calls": [], "integration_spans": [span(1, 2)]}
    assert spanf1.compare(gold, targets, cap=3) == {"integration": [1, 2, 1]}


def test_earlier_value_spans_are_scored_by_containment_in_a_sentence() -> None:
    """A 1.1.0 file marks quoted values; a value outside every extracted sentence,
    or a sentence cut short before it, is a miss."""
    gold = {"integration_values": [span(10, 20), span(30, 35), span(60, 70)]}
    targets = {"calls": [], "integration_spans": [span(5, 21), span(25, 40), span(61, 80)]}
    assert spanf1.compare(gold, targets, cap=3) == {"integration": [2, 3, 3]}
    # Sentence gold, when present, is scored exactly and the values are not used.
    both = {**gold, "integration_spans": [span(5, 21)]}
    assert spanf1.compare(both, targets, cap=3)["integration"] == [1, 1, 3]


def _counted(spans: Any) -> Counter[tuple[int, int]]:
    """The scoring's definition, with `Counter` (what `compare` computes with dicts)."""
    found: Counter[tuple[int, int]] = Counter()
    for one in spans if isinstance(spans, list) else ():
        chars = one.get("chars") if isinstance(one, dict) else None
        ints = isinstance(chars, list) and len(chars) == 2 and all(type(c) is int for c in chars)
        if ints and 0 <= chars[0] <= chars[1]:
            found[(chars[0], chars[1])] += 1
    return found


SPANS = st.lists(
    st.one_of(
        st.builds(span, st.integers(0, 6), st.integers(0, 6)),
        st.just({"chars": "x"}),
        st.just({"chars": [1, True]}),
    ),
    max_size=6,
)


@given(SPANS, SPANS, SPANS, SPANS, st.integers(0, 4))
def test_scores_equal_the_multiset_definition(
    gold_names: list[Any], gold_spans: list[Any], names: list[Any], spans: list[Any], cap: int
) -> None:
    gold = {"tool_name_spans": gold_names, "integration_spans": gold_spans}
    targets = {"calls": [{"name_span": s} for s in names], "integration_spans": spans}
    scores = spanf1.compare(gold, targets, cap)
    expected = _counted(gold_names)
    predicted = _counted(names)
    assert scores["name"] == [
        sum((expected & predicted).values()),
        sum(expected.values()),
        sum(predicted.values()),
    ]
    expected = _counted(gold_spans)
    if sum(expected.values()) > cap:
        expected = Counter(sorted(expected.elements())[:cap])
    predicted = _counted(spans)
    assert scores["integration"] == [
        sum((expected & predicted).values()),
        sum(expected.values()),
        sum(predicted.values()),
    ]


@pytest.mark.parametrize(
    ("scores", "expected"), [((0, 0, 0), 1.0), ((1, 2, 2), 0.5), ((0, 1, 0), 0.0)]
)
def test_span_f1(scores: tuple[int, int, int], expected: float) -> None:
    assert spanf1.f1(*scores) == expected


TEACHER = "The search found 1,234 results. It was sunny. See example.org/ane for more."


def test_item_f1_from_the_tool_messages() -> None:
    item = {
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "tool",
                "content": '{"ok": true, "count": 1234, "results": ["https://example.org/ane/x"]}',
            },
            {"role": "tool", "content": '{"ok": false, "error": "It was sunny"}'},
        ]
    }
    spans = [span(0, 31), span(32, 45), span(46, 75)]
    result = item_f1(item, {}, {"integration_spans": spans}, TEACHER, ["web.search"])
    assert (result["spans"], result["lax"], result["strict"]) == (3, 2, 2)
    assert result["f1_lax"] == pytest.approx(2 * (2 / 3) / (2 / 3 + 1))
    assert [s["lax"] for s in result["detail"]] == [["count"], [], ["results"]]
    assert result["missed"] == []


def test_item_f1_falls_back_to_result_fields_and_names_missed_keys() -> None:
    metadata = {"tool_result_fields": {"summary": "kernels are fast", "count": "7"}}
    assert tool_results({}, metadata) == [metadata["tool_result_fields"]]
    result = item_f1({}, metadata, {"integration_spans": [span(0, 31)]}, TEACHER, ["fs.read"])
    assert result["lax"] == 0 and result["f1_lax"] == 0.0
    assert result["missed"] == ["count", "summary"]
    empty = item_f1({}, {}, {"integration_spans": [{"chars": None}]}, TEACHER, [])
    assert empty["detail"][0]["chars"] is None and empty["f1_strict"] == 0.0


def test_the_gold_cap_counts_spans_not_distinct_ranges() -> None:
    # Two gold spans on one range and one more: a cap of 2 keeps the first two
    # spans, i.e. the repeated range twice, and the third is not expected.
    gold = {"integration_spans": [span(1, 2), span(1, 2), span(5, 6)]}
    targets = {"calls": [], "integration_spans": [span(1, 2), span(5, 6)]}
    assert spanf1.compare(gold, targets, cap=2) == {"integration": [1, 2, 2]}
    assert spanf1.compare(gold, targets, cap=3) == {"integration": [2, 3, 2]}
