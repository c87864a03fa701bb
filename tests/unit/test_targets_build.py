"""Targets of whole items: the worked example, controls, formats, rejects, tokenizers."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from fixture_items import TOOL
from fixture_items import hermes_item as build_hermes_item
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats import ToolSchemas
from pipeline.records import Reject
from pipeline.spans import TextIndex
from pipeline.student import Student
from pipeline.targets.build import Extractor, Outcome, Settings, tools_json

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "external" / "item-hermes-es.json"


def example() -> dict[str, Any]:
    """The shared worked example (a copy of /work/shared/examples/item-hermes-es.json)."""
    return json.loads(EXAMPLE.read_text("utf-8"))


def hermes_item(
    item_id: str, calls: list[dict[str, Any]], results: list[Any], answer: str
) -> dict[str, Any]:
    """A generator-written hermes item, with metadata the extractor must carry through."""
    item = build_hermes_item(item_id, calls, results, answer)
    item["metadata"] = {"gold": {"args_spans": [{"chars": [0, 1]}]}, "keep": "me"}
    return item


def run(extractor: Extractor, *items: dict[str, Any] | Reject) -> list[Outcome]:
    return extractor.run_chunk([(i + 2, item) for i, item in enumerate(items)])


def record(outcome: Outcome) -> dict[str, Any]:
    assert outcome.record is not None, outcome.reject
    return orjson.loads(outcome.record)


@pytest.fixture(scope="module")
def extractor(qwen_dir: Path) -> Extractor:
    return Extractor(qwen_dir, Settings())


def test_the_worked_example_is_reproduced_exactly(qwen_dir: Path) -> None:
    item = example()
    expected = item.pop("targets")
    trimmed = Extractor(qwen_dir, Settings(trim_attribution=True))
    got = record(run(trimmed, item)[0])["targets"]
    assert got["calls"] == expected["calls"]
    assert got["integration_spans"] == expected["integration_spans"]
    assert got["format"] == "hermes" and got["integration_method"] == "grounding"
    assert got["teacher_tokens"] == 196 and got["unaligned_spans"] == 0 and not got["over_cap"]


def test_default_integration_spans_are_whole_sentences(extractor: Extractor) -> None:
    item = example()
    del item["targets"]
    got = record(run(extractor, item)[0])
    text = got["teacher_text"]
    spans = got["targets"]["integration_spans"]
    assert [text[s["chars"][0] : s["chars"][1]][:19] for s in spans] == [
        "Según example.org, ",
        "La búsqueda devolvi",
    ]
    assert got["metadata"] == item["metadata"] and got["messages"] == item["messages"]


def test_sequence_spans_decode_to_the_teacher_text(extractor: Extractor, student: Student) -> None:
    item = example()
    del item["targets"]
    outcome = run(extractor, item)[0]
    got = record(outcome)
    targets, text = got["targets"], got["teacher_text"]
    ids = np.frombuffer(outcome.row.input_ids, dtype="<i4").tolist()
    assert targets["sequence"]["length"] == len(ids)
    assert (
        ids
        == student.tokenizer.encode(
            student.render(item["messages"], item["tools"]), add_special_tokens=False
        ).ids
    )
    call, seq = targets["calls"][0], targets["sequence"]["calls"][0]
    for key, seq_key in (("name_span", "name"), ("args_span", "args"), ("call_span", "call")):
        s, e = call[key]["chars"]
        t0, t1 = seq[seq_key]
        assert text[s:e] in student.decode(ids[t0:t1])
    for span, (t0, t1) in zip(
        targets["integration_spans"], targets["sequence"]["integration"], strict=True
    ):
        assert text[span["chars"][0] : span["chars"][1]] in student.decode(ids[t0:t1])
    assert student.decode(ids[slice(*targets["sequence"]["assistant"][-1])]).endswith("<|im_end|>")


def test_generator_gold_is_never_read_and_fields_are_kept(extractor: Extractor) -> None:
    item = hermes_item(
        "g-1",
        [{"name": "fs.read", "arguments": {"path": "a.md"}}],
        [{"lines": 12}],
        "a.md has 12 lines.",
    )
    got = record(run(extractor, copy.deepcopy(item))[0])
    assert {k: v for k, v in got.items() if k != "targets"} == item
    args = got["targets"]["calls"][0]["args_span"]["chars"]
    assert got["teacher_text"][args[0] : args[1]] == '{"path": "a.md"}'


def test_a_control_reports_the_call_its_text_holds(extractor: Extractor) -> None:
    bad = hermes_item(
        "c-1",
        [{"name": "fs.read", "arguments": {"path": "a.md"}}],
        [{"lines": 3}],
        "It has 3 lines.",
    )
    bad["metadata"] = {"control": True, "expected_behaviour": "no_tool"}
    good = {
        "id": "c-2",
        "prompt": "Hi",
        "teacher_text": "Hello! No tool is needed for that.",
        "tools": [TOOL],
        "metadata": {"control": True},
    }
    first, second = (record(o)["targets"] for o in run(extractor, bad, good))
    assert len(first["calls"]) == 1 and len(first["integration_spans"]) == 1
    assert second["calls"] == [] and second["integration_spans"] == []
    assert second["integration_method"] == "none"
    assert second["sequence"]["calls"] == [] and len(second["sequence"]["assistant"]) == 1


def test_multi_call_parity_and_verdicts(extractor: Extractor) -> None:
    calls = [
        {"name": "fs.read", "arguments": "{'path': 'a.md'}"},
        {"name": "fs.read", "arguments": {"path": "a.md", "max_lines": 900}},
        {"name": "fs.read", "arguments": {"path": "a.md"}},
        {"name": "web.search", "arguments": {"q": "x"}},
    ]
    results = [
        {"ok": False, "error": "bad JSON"},
        {"ok": False, "error": "range"},
        {"lines": 7},
        {"count": 2},
    ]
    item = hermes_item("m-1", calls, results, "It has 7 lines. Search found 2 pages.")
    targets = record(run(extractor, item)[0])["targets"]
    verdicts = [(c["json_valid"], c["schema_valid"]) for c in targets["calls"]]
    assert verdicts == [(False, None), (True, False), (True, True), (True, None)]
    assert all(c["args_span"] is not None for c in targets["calls"])
    assert targets["calls"][1]["errors"] == [
        "schema: arguments.max_lines: 900 is greater than the maximum of 500"
    ]
    assert targets["calls"][3]["errors"] == [
        "unknown tool 'web.search': not among the item's tools"
    ]
    assert all(c["args"] is not None for c in targets["sequence"]["calls"])
    assert targets["unaligned_spans"] == 0


def test_cap_and_over_cap(qwen_dir: Path) -> None:
    answer = "It has 3 lines. It has 3 lines again. Still 3 lines. Yes, 3 lines."
    item = hermes_item(
        "o-1", [{"name": "fs.read", "arguments": {"path": "a.md"}}], [{"lines": 3}], answer
    )
    targets = record(run(Extractor(qwen_dir, Settings(cap=2)), item)[0])["targets"]
    assert len(targets["integration_spans"]) == 2 and targets["over_cap"] is True
    assert len(targets["sequence"]["integration"]) == 2


def test_seed_format_with_markers(extractor: Extractor) -> None:
    call = json.dumps({"name": "fs.read", "arguments": {"path": "a.md"}})
    item = {
        "id": "s-1",
        "prompt": "Read a.md",
        "teacher_text": (
            f'TOOL_CALL: {call}\nTOOL_RESULT: {{"lines": 4}}\n'
            "Integration: a.md has 4 lines. Thanks."
        ),
        "tools": [TOOL],
        "messages": [
            {"role": "user", "content": "Read a.md"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"function": {"name": "fs.read", "arguments": {"path": "a.md"}}}],
            },
            {"role": "tool", "content": '{"lines": 4}'},
            {"role": "assistant", "content": "a.md has 4 lines. Thanks."},
        ],
    }
    targets = record(run(extractor, item)[0])["targets"]
    assert targets["format"] == "seed" and targets["integration_method"] == "marker"
    assert [s["grounded_fields"] for s in targets["integration_spans"]] == [["lines"], []]
    assert all(r is not None for r in targets["sequence"]["integration"])


def test_rejects_name_the_field_and_keep_order(extractor: Extractor) -> None:
    good = hermes_item("r-1", [], [], "Nothing to do.")
    bad_messages = {
        "id": "r-2",
        "teacher_text": "x",
        "messages": [{"role": "user", "content": None}],
    }
    no_text = {"id": "r-3"}
    unrenderable = {
        "id": "r-4",
        "teacher_text": "x",
        "messages": [
            {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "x"}}]}
        ],
    }
    reader_reject = Reject(9, "<line>", "invalid JSON", "{oops")
    outcomes = run(extractor, good, bad_messages, no_text, unrenderable, reader_reject)
    assert [o.line for o in outcomes] == [2, 3, 4, 5, 6]
    assert outcomes[0].record is not None
    assert [o.reject[:2] for o in outcomes[1:]] == [
        ("messages[0].content", "expected text, got NoneType"),
        ("teacher_text", "missing, and no assistant messages to render instead"),
        ("messages", outcomes[3].reject[1]),
        ("<line>", "invalid JSON"),
    ]
    assert outcomes[3].reject[1].startswith("the chat template cannot render them")
    assert outcomes[1].reject[2].startswith('{"id":"r-2"')


@pytest.mark.parametrize(
    "answer",
    [
        "Das Ergebnis: 12 Zeilen 😀🚀, café crème und 東京タワー.",
        "Cafe\u0301 has 12 lines; 日本語のテキスト。",
        "It has 12 lines.\r\nThe end.",
    ],
)
def test_utf8_offsets_on_multilingual_text(extractor: Extractor, answer: str) -> None:
    item = hermes_item(
        "u-1",
        [{"name": "fs.read", "arguments": {"path": "données/日本😀.md"}}],
        [{"lines": 12}],
        answer,
    )
    from pipeline.records import normalize_item

    got = record(run(extractor, normalize_item(item))[0])
    text = got["teacher_text"]
    assert "\r" not in text
    index = TextIndex(text)
    spans = [
        s for c in got["targets"]["calls"] for s in (c["name_span"], c["args_span"], c["call_span"])
    ]
    spans += got["targets"]["integration_spans"]
    assert len(spans) == 4
    for span in spans:
        s, e = span["chars"]
        assert span["utf8"] == [len(text[:s].encode()), len(text[:e].encode())]
        assert span["utf8"] == [index.utf8(s), index.utf8(e)]


@pytest.mark.parametrize("family", ["wordpiece", "unigram"])
def test_other_tokenizer_families_align_or_count(
    family: str, request: pytest.FixtureRequest
) -> None:
    directory = request.getfixturevalue(f"{family}_dir")
    student = Student(directory)
    item = example()
    del item["targets"]
    outcome = run(Extractor(directory, Settings()), item)[0]
    got = record(outcome)
    targets, text = got["targets"], got["teacher_text"]
    encoding = student.tokenizer.encode(text, add_special_tokens=False)
    assert targets["teacher_tokens"] == len(encoding.ids)
    spans = [c[k] for c in targets["calls"] for k in ("name_span", "args_span", "call_span")]
    spans += targets["integration_spans"]
    nulls = sum(1 for s in spans if s["tokens"] is None)
    assert targets["unaligned_spans"] == nulls
    offsets = encoding.offsets
    for span in spans:
        if span["tokens"] is None:
            continue
        t0, t1 = span["tokens"]
        s, e = span["chars"]
        assert offsets[t0][1] > s and offsets[t1 - 1][0] < e  # covering
        assert t0 == 0 or offsets[t0 - 1][1] <= s  # minimal at the start
        assert t1 == len(offsets) or offsets[t1][0] >= e  # minimal at the end
    length = targets["sequence"]["length"]
    assert len(outcome.row.assistant) == len(outcome.row.tool_args) == length


FRAGMENTS = st.sampled_from(
    ["<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "{", "}", "[", "]",
     '"name"', '"arguments"', ": ", ", ", "'", '"', "TOOL_CALL: ", "TOOL_RESULT: ", "Integration: ",
     "\n", "\r\n", "é", "e\u0301", "😀", "日本", " ", ". ", "1.234,5", "fs.read", "true", "\\"]
)  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(parts=st.lists(FRAGMENTS, max_size=40), with_messages=st.booleans())
def test_any_teacher_text_gives_a_verdict_not_a_crash(
    extractor: Extractor, parts: list[str], with_messages: bool
) -> None:
    from pipeline.records import normalize_item

    item: dict[str, Any] = {
        "id": "f",
        "prompt": "p",
        "teacher_text": "".join(parts),
        "tools": [TOOL],
    }
    if with_messages:
        item["messages"] = [{"role": "user", "content": "p"}, {"role": "assistant", "content": "x"}]
    (outcome,) = run(extractor, normalize_item(item))
    got = record(outcome)
    text = got["teacher_text"]
    targets = got["targets"]
    spans = [
        c[k] for c in targets["calls"] for k in ("name_span", "args_span", "call_span") if c[k]
    ]
    spans += targets["integration_spans"]
    for span in spans:
        s, e = span["chars"]
        assert 0 <= s <= e <= len(text)
        assert span["tokens"] is None or 0 <= span["tokens"][0] <= span["tokens"][1]
    assert len(targets["sequence"]["calls"]) == len(targets["calls"])
    assert len(outcome.row.integration) == targets["sequence"]["length"]


@pytest.mark.parametrize(
    "tools",
    [
        [{"type": "function", "function": {"name": "s", "parameters": {"type": "object"}}}],
        [{"type": "function", "function": {"name": "s", "required": ("q",)}}],  # not memoised
        [],
        None,
        "",
    ],
)
def test_the_tools_column_is_the_tools_json_however_they_were_read(tools: Any) -> None:
    schemas = ToolSchemas(tools)
    assert tools_json(tools, schemas) == orjson.dumps(tools or [])
