"""Targets of whole items, case by case: the per-item statistics, the training row's
masks and fields, notes and schema normalisations, unaligned spans, the chosen
format, and how rejects (reader, format, span errors) travel through a chunk."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from fixture_items import TOOL, hermes_item

import pipeline.targets.build as build
from pipeline.records import Reject
from pipeline.student import Student
from pipeline.targets.build import Extractor, Outcome, Settings
from pipeline.targets.integration import Integration


def run(extractor: Extractor, *items: dict[str, Any] | Reject) -> list[Outcome]:
    return extractor.run_chunk([(i + 2, item) for i, item in enumerate(items)])


def record(outcome: Outcome) -> dict[str, Any]:
    assert outcome.record is not None, outcome.reject
    return orjson.loads(outcome.record)


def mask_ranges(mask: bytes) -> list[tuple[int, int]]:
    """The runs of ones in a uint8 mask, as [start, end) pairs."""
    out: list[tuple[int, int]] = []
    for i, v in enumerate(mask):
        if v:
            if out and out[-1][1] == i:
                out[-1] = (out[-1][0], i + 1)
            else:
                out.append((i, i + 1))
    return out


def merged(ranges: list[list[int] | None]) -> list[tuple[int, int]]:
    """The union of token ranges as sorted, merged [start, end) pairs."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(tuple(r) for r in ranges if r is not None and r[1] > r[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


@pytest.fixture(scope="module")
def extractor(qwen_dir: Path) -> Extractor:
    return Extractor(qwen_dir, Settings())


def with_settings(extractor: Extractor, settings: Settings) -> Extractor:
    """The same loaded tokenizer under other settings (loading one takes a second)."""
    other = copy.copy(extractor)
    other.settings = settings
    return other


@pytest.fixture(scope="module")
def wordpiece(wordpiece_dir: Path) -> Extractor:
    return Extractor(wordpiece_dir, Settings())


MIXED_CALLS = [
    {"name": "fs.read", "arguments": "{'path': 'a.md'}"},
    {"name": "fs.read", "arguments": {"path": "a.md", "max_lines": 900}},
    {"name": "fs.read", "arguments": {"path": "a.md"}},
    {"name": "web.search", "arguments": {"q": "x"}},
    {"name": "fs.read", "arguments": {"path": "b.md", "max_lines": 5}},
]
MIXED_RESULTS = [
    {"ok": False, "error": "bad JSON"},
    {"ok": False},
    {"lines": 7},
    {"count": 2},
    {"lines": 5},
]


def mixed_item() -> dict[str, Any]:
    """Five calls (invalid JSON, schema-invalid, valid, unknown tool, valid); the second call
    is rendered with other arguments than the teacher wrote, so it cannot be placed."""
    item = hermes_item("m-1", MIXED_CALLS, MIXED_RESULTS, "It has 7 lines. Search found 2 pages.")
    item["messages"][3]["tool_calls"][0]["function"]["arguments"] = {"path": "b.md"}
    return item


def test_stats_count_verdicts_spans_and_unplaced_sequence_spans(extractor: Extractor) -> None:
    (outcome,) = run(extractor, mixed_item())
    targets = record(outcome)["targets"]
    assert outcome.stats == {
        "calls": 5,
        "json_invalid": 1,
        "schema_invalid": 1,
        "schema_unknown": 2,
        "spans": 17,
        "unaligned_spans": 0,
        "sequence_spans": 17,
        "sequence_unaligned": 3,
        "integration_spans": 2,
        "over_cap": 0,
        "call_like_text": 0,
    }
    assert targets["sequence"]["calls"][1] == {"name": None, "args": None, "call": None}
    assert all(r is not None for c in targets["sequence"]["calls"][2:] for r in c.values())


def test_stats_report_over_cap_as_one(extractor: Extractor) -> None:
    answer = "It has 3 lines. It has 3 lines again. Still 3 lines."
    item = hermes_item("o-1", [MIXED_CALLS[2]], [{"lines": 3}], answer)
    (outcome,) = run(with_settings(extractor, Settings(cap=1)), item)
    assert outcome.stats["over_cap"] == 1 and outcome.stats["integration_spans"] == 1
    assert outcome.stats["spans"] == outcome.stats["sequence_spans"] == 4
    assert record(outcome)["targets"]["over_cap"] is True


def test_a_span_no_token_touches_is_counted_unaligned(wordpiece: Extractor) -> None:
    # WordPiece drops whitespace, so a tool name of spaces has no token under it.
    item = hermes_item("w-1", [{"name": "   ", "arguments": {"path": "a.md"}}], [{}], "Done.")
    (outcome,) = run(wordpiece, item)
    targets = record(outcome)["targets"]
    name = targets["calls"][0]["name_span"]
    assert name["tokens"] is None and name["chars"][1] - name["chars"][0] == 3
    assert targets["calls"][0]["args_span"]["tokens"] is not None
    assert targets["unaligned_spans"] == 1
    assert outcome.stats["unaligned_spans"] == 1
    assert outcome.stats["spans"] == 3 + len(targets["integration_spans"])


def test_row_masks_cover_exactly_the_placed_token_ranges(extractor: Extractor) -> None:
    item = mixed_item()
    (outcome,) = run(extractor, copy.deepcopy(item))
    got = record(outcome)
    sequence = got["targets"]["sequence"]
    row = outcome.row
    assert row is not None
    length = sequence["length"]
    ids = np.frombuffer(row.input_ids, dtype="<i4")
    assert ids.size == length and len(row.input_ids) == 4 * length
    for mask in (row.assistant, row.tool_name, row.tool_args, row.integration):
        assert len(mask) == length and set(mask) <= {0, 1}
    calls = sequence["calls"]
    assert mask_ranges(row.tool_name) == merged([c["name"] for c in calls])
    assert mask_ranges(row.tool_args) == merged([c["args"] for c in calls])
    assert mask_ranges(row.integration) == merged(sequence["integration"])
    assert mask_ranges(row.assistant) == merged(sequence["assistant"])
    assert sum(row.tool_name) == sum(c["name"][1] - c["name"][0] for c in calls if c["name"])
    assert row.id == "m-1"
    assert orjson.loads(row.tools) == item["tools"]
    assert orjson.loads(row.messages) == item["messages"]


def test_row_ids_are_little_endian_int32_of_the_rendering(
    extractor: Extractor, student: Student
) -> None:
    item = hermes_item("i-7", [], [], "Große Grüße 😀.")
    item["id"] = 7
    (outcome,) = run(extractor, item)
    assert outcome.row is not None
    expected = student.tokenizer.encode(
        student.render(item["messages"], item["tools"]), add_special_tokens=False
    ).ids
    assert np.frombuffer(outcome.row.input_ids, dtype="<i4").tolist() == expected
    assert outcome.row.input_ids == np.array(expected, dtype="<i4").tobytes()
    assert outcome.row.id == "7"
    assert outcome.row.tool_name == bytes(len(expected)) == outcome.row.tool_args


def test_row_of_an_item_without_tools_lists_no_tools(extractor: Extractor) -> None:
    item = hermes_item("t-0", [], [], "Nothing to call.")
    del item["tools"]
    (outcome,) = run(extractor, item)
    assert outcome.row is not None and outcome.row.tools == "[]"
    assert orjson.loads(outcome.row.messages) == item["messages"]
    assert sum(outcome.row.assistant) > 0


def test_notes_join_format_notes_and_tool_problems(extractor: Extractor) -> None:
    messages = [
        {"role": "user", "content": "Read a.md"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "fs.read", "arguments": {"path": "a.md"}}}],
        },
        {"role": "tool", "content": '{"lines": 4}'},
        {"role": "assistant", "content": "a.md has 4 lines."},
    ]
    item = {"id": "n-1", "messages": messages, "tools": [TOOL, {"type": "function"}]}
    (outcome,) = run(extractor, item)
    targets = record(outcome)["targets"]
    assert targets["format"] == "openai"
    assert targets["notes"] == [
        "teacher_text rendered from messages (hermes style)",
        "tools[1]: no function name",
    ]


def test_notes_are_an_empty_list_for_a_clean_item(extractor: Extractor) -> None:
    (outcome,) = run(extractor, hermes_item("n-2", [MIXED_CALLS[2]], [{"lines": 1}], "One."))
    assert record(outcome)["targets"]["notes"] == []


def test_schema_normalisations_are_listed_once_and_sorted(extractor: Extractor) -> None:
    tool = copy.deepcopy(TOOL)
    props = tool["function"]["parameters"]["properties"]
    props["path"]["type"] = "String"
    props["max_lines"]["type"] = "Integer"
    item = hermes_item("s-1", [MIXED_CALLS[2]], [{"lines": 1}], "One line.")
    item["tools"] = [tool, copy.deepcopy(tool)]
    (outcome,) = run(extractor, item)
    targets = record(outcome)["targets"]
    assert targets["schema_normalized"] == [
        "fs.read: parameters.properties.max_lines.type: 'Integer' -> 'integer'",
        "fs.read: parameters.properties.path.type: 'String' -> 'string'",
    ]


def test_the_configured_format_is_the_one_used(extractor: Extractor) -> None:
    item = hermes_item("f-1", [MIXED_CALLS[2]], [{"lines": 1}], "One line.")
    (outcome,) = run(with_settings(extractor, Settings(fmt="no-such-format")), item)
    assert outcome.record is None and outcome.stats == {}
    assert outcome.reject is not None
    assert outcome.reject[0] == "format"
    assert outcome.reject[1].startswith("unknown format 'no-such-format'")


def test_reject_preview_is_the_first_200_bytes_with_a_cut_character_replaced(
    extractor: Extractor,
) -> None:
    # '{"id":"p","pad":"' is 17 bytes; byte 200 falls inside the 92nd "é".
    item = {"id": "p", "pad": "é" * 150, "messages": [{"role": "user", "content": None}]}
    (outcome,) = run(extractor, item)
    assert outcome.reject is not None and outcome.record is None and outcome.row is None
    assert outcome.reject[:2] == ("messages[0].content", "expected text, got NoneType")
    assert outcome.reject[2] == '{"id":"p","pad":"' + "é" * 91 + "\ufffd"
    assert outcome.stats == {} and outcome.line == 2


def test_an_ascii_reject_preview_is_cut_at_200_characters(extractor: Extractor) -> None:
    item = {"id": "q", "pad": "x" * 300, "messages": [{"role": "user", "content": None}]}
    (outcome,) = run(extractor, item)
    assert outcome.reject is not None
    assert outcome.reject[2] == '{"id":"q","pad":"' + "x" * 183


def test_reader_rejects_pass_through_in_order_with_empty_stats(extractor: Extractor) -> None:
    first = hermes_item("a", [MIXED_CALLS[2]], [{"lines": 1}], "One line.")
    second = hermes_item("b", [], [], "Nothing to do here at all.")
    reader = Reject(3, "<line>", "invalid JSON", "{oops")
    outcomes = run(extractor, reader, first, {"id": "c"}, second)
    assert [o.line for o in outcomes] == [2, 3, 4, 5]
    assert outcomes[0] == Outcome(2, None, None, ("<line>", "invalid JSON", "{oops"), {})
    assert outcomes[2].reject is not None and outcomes[2].reject[0] == "teacher_text"
    assert outcomes[2].stats == {} and outcomes[2].row is None
    alone = [run(extractor, copy.deepcopy(i))[0] for i in (first, second)]
    for got, want in zip((outcomes[1], outcomes[3]), alone, strict=True):
        assert got.record == want.record and got.row == want.row and got.stats == want.stats
    assert record(outcomes[1])["targets"]["calls"][0]["name"] == "fs.read"
    assert record(outcomes[3])["targets"]["calls"] == []


def test_a_span_error_rejects_only_its_item(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = build.find_integration

    def past_the_end(parsed: Any, *args: Any) -> Integration:
        found = real(parsed, *args)
        if "broken" not in parsed.text:
            return found
        end = len(parsed.text) + 5
        return Integration(found.method, [(0, end, [])], False, 1)

    monkeypatch.setattr(build, "find_integration", past_the_end)
    good = hermes_item("ok", [], [], "All fine.")
    bad = hermes_item("bad", [], [], "This is broken.")
    outcomes = run(extractor, bad, good)
    assert outcomes[0].line == 2 and outcomes[0].record is None and outcomes[0].row is None
    assert outcomes[0].stats == {}
    field, reason, preview = outcomes[0].reject
    assert (field, reason) == (
        "teacher_text",
        "span [0, 20) is outside text of length 15 or reversed",
    )
    assert preview.startswith('{"id":"bad","prompt":"Do it"') and len(preview) == 200
    assert outcomes[1].line == 3 and record(outcomes[1])["id"] == "ok"
