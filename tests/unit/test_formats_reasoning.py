"""Teacher reasoning in assistant messages is dropped before calls are read, and what
extract cannot place is left in the text for verify's `reasoning_content` gate."""

from __future__ import annotations

import json
from typing import Any

from pipeline.formats import ingest
from pipeline.formats.nativecalls import DS_CALLS_BEGIN, DS_CALLS_END
from pipeline.formats.reasoning import leading_reasoning
from pipeline.gates.checks import reasoning_in_text

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
DS_CALL = (
    DS_CALLS_BEGIN
    + '<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{"city": "Oslo"}\n```'
    + "<｜tool▁call▁end｜>"
    + DS_CALLS_END
)


def _record(*assistant: dict[str, Any]) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": "Weather in Oslo?"}, *assistant]}


def test_a_leading_think_block_is_dropped_from_the_answer_and_kept_as_given() -> None:
    item = _record({"role": "assistant", "content": "<think>\nEasy: say rain.\n</think>\n\nRain."})
    given = json.loads(json.dumps(item["messages"]))
    source = ingest(item)
    assert item["messages"][1]["content"] == "Rain."
    assert item["teacher_text"] == "Rain."
    assert item["messages_original"] == given
    assert (
        "messages[1].content: teacher reasoning (<think>) dropped from the trained text"
        in source.notes
    )
    assert reasoning_in_text(item) is None


def test_reasoning_before_a_hermes_call_is_not_trained_and_the_call_is_read() -> None:
    call = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call>'
    item = _record(
        {"role": "assistant", "content": "<think>I need the tool.</think>\n" + call},
        {"role": "tool", "content": '{"sky": "rain"}'},
        {"role": "assistant", "content": "Rain in Oslo."},
    )
    item["tools"] = [WEATHER]
    source = ingest(item)
    assert "think" not in item["teacher_text"]
    assert item["teacher_text"].startswith("<tool_call>")
    assert [b.kind for b in source.parsed.blocks] == ["call", "result", "text"]


def test_qwq_reasoning_ending_in_a_lone_close_tag_is_dropped() -> None:
    qwq = "Okay, the user wants Oslo. Let me think.\n</think>\n\nIt rains in Oslo."
    item = _record({"role": "assistant", "content": qwq})
    source = ingest(item)
    assert item["teacher_text"] == "It rains in Oslo."
    assert any("(before a lone </think>)" in n for n in source.notes)
    assert item["messages_original"][1]["content"] == qwq


def test_reasoning_fields_next_to_the_content_are_dropped() -> None:
    item = _record(
        {"role": "assistant", "content": "Rain.", "reasoning_content": "They asked about Oslo."},
    )
    item["messages"].append({"role": "user", "content": "And Bergen?"})
    item["messages"].append({"role": "assistant", "content": "Sun.", "reasoning": "Bergen."})
    source = ingest(item)
    assert all("reasoning" not in m and "reasoning_content" not in m for m in item["messages"])
    assert item["messages_original"][1]["reasoning_content"] == "They asked about Oslo."
    assert "messages[1].reasoning_content: teacher reasoning dropped (never trained)" in (
        source.notes
    )
    assert any(n.startswith("messages[3].reasoning:") for n in source.notes)


def test_reasoning_before_a_native_call_in_conversations_keeps_spans_in_the_given_text() -> None:
    value = "<think>\nOslo: one call.\n</think>\n\nChecking." + DS_CALL
    item = {
        "conversations": [
            {"from": "human", "value": "Weather in Oslo?"},
            {"from": "gpt", "value": value},
            {"from": "tool", "value": '{"sky": "rain"}'},
            {"from": "gpt", "value": "Rain."},
        ],
        "tools": [WEATHER],
    }
    source = ingest(item)
    assert "messages_original" not in item  # the conversations are the given messages
    assert item["messages"][1]["content"] == "Checking."
    (where,) = [s for s in source.call_sources if s is not None]
    assert where["field"] == "conversations[1].value"
    assert value[slice(*where["name_span"]["chars"])] == "get_weather"
    assert value[slice(*where["args_span"]["chars"])] == '{"city": "Oslo"}'
    assert value.encode()[slice(*where["args_span"]["utf8"])] == b'{"city": "Oslo"}'


def test_a_block_after_prose_or_unclosed_is_left_for_verify_to_flag() -> None:
    for text in (
        "Sure. <think>hidden</think> Rain.",
        "<think>never closed. Rain.",
        "One </think> two </think> three",
    ):
        assert leading_reasoning(text) is None, text
        item = _record({"role": "assistant", "content": text})
        source = ingest(item)
        assert item["teacher_text"] == text
        assert not any("teacher reasoning" in n for n in source.notes)
        assert reasoning_in_text(item) is not None, text


def test_text_without_tags_is_untouched() -> None:
    item = _record({"role": "assistant", "content": "I think it rains."})
    source = ingest(item)
    assert item["teacher_text"] == "I think it rains."
    assert "messages_original" not in item
    assert not any("reasoning" in n for n in source.notes)
    assert reasoning_in_text(item) is None
