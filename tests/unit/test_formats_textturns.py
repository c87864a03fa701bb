"""Text-format transcripts keep their turns: results are tool turns, the template's
control tokens are not content, and text after calls stays after them."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.formats import ingest
from pipeline.formats.textturns import text_turns

CITY = {"type": "object", "properties": {"city": {"type": "string"}, "n": {"type": "integer"}}}
TOOLS = [{"type": "function", "function": {"name": "forecast", "parameters": CITY}}]


def _roles(messages: list[dict[str, Any]]) -> list[str]:
    return [m["role"] for m in messages]


def _spans_read_back(item: dict[str, Any], source: Any, field_text: str) -> None:
    for src in source.call_sources:
        assert src is not None
        piece = field_text[slice(*src["call_span"]["chars"])]
        assert "forecast" in piece and field_text[slice(*src["name_span"]["chars"])] == "forecast"


@pytest.mark.parametrize(
    ("fmt", "text", "results", "answer", "markup"),
    [
        (
            "qwen_xml",
            "Checking Oslo.\n<tool_call>\n<function=forecast>\n<parameter=city>\nOslo\n"
            "</parameter>\n<parameter=n>\n2\n</parameter>\n</function>\n</tool_call>\n"
            '<tool_response>\n{"rain": 4}\n</tool_response>\nRain: 4 mm in Oslo.',
            ['{"rain": 4}'],
            "Rain: 4 mm in Oslo.",
            "",
        ),
        (
            "llama3_json",
            '<|python_tag|>{"name": "forecast", "parameters": {"city": "Bergen"}}<|eom_id|>'
            "<|start_header_id|>ipython<|end_header_id|>\n\n[1, 2]<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n"
            "Two days of rain in Bergen.<|eot_id|>",
            ["[1, 2]"],
            "Two days of rain in Bergen.",
            "<|eom_id|>",
        ),
        (
            "mistral",
            '[TOOL_CALLS][{"name": "forecast", "arguments": {"city": "Lyon"}, "id": "k3Jd9a0Qz"}]'
            '</s>[TOOL_RESULTS]{"content": "sunny", "call_id": "k3Jd9a0Qz"}[/TOOL_RESULTS]'
            "Lyon sera ensoleillée.</s>",
            ["sunny"],
            "Lyon sera ensoleillée.",
            "</s>",
        ),
    ],
)
def test_results_become_tool_turns_and_markup_is_dropped(
    fmt: str, text: str, results: list[str], answer: str, markup: str
) -> None:
    item = {"id": fmt, "prompt": "Weather?", "teacher_text": text, "tools": TOOLS}
    source = ingest(item)
    assert source.parsed.format == fmt
    assert [m["content"] for m in source.messages if m["role"] == "tool"] == results
    assert source.messages[-1] == {"role": "assistant", "content": answer}
    for message in source.messages:
        if message["role"] == "assistant" and message.get("content"):
            for token in ("</s>", "<|eot_id|>", "<|eom_id|>", "<|start_header_id|>", "<tool_"):
                assert token not in message["content"]
    rendered = item["teacher_text"]
    assert (
        rendered.index("</tool_call>") < rendered.index("<tool_response>") < rendered.index(answer)
    )
    assert [b.kind for b in source.parsed.blocks][-2:] == ["result", "text"]
    if markup:
        assert any(markup in note and "control tokens dropped" in note for note in source.notes)
    _spans_read_back(item, source, item["teacher_text_original"])


def test_prose_after_the_calls_is_a_turn_after_them() -> None:
    text = '[forecast(city="Turku")]\nI will tell you once it answers.'
    item = {"id": "p", "prompt": "Turku?", "teacher_text": text, "tools": TOOLS}
    source = ingest(item)
    assert _roles(source.messages) == ["user", "assistant", "assistant"]
    assert source.messages[1]["content"] is None
    assert source.messages[2]["content"] == "I will tell you once it answers."
    rendered = item["teacher_text"]
    assert rendered.index("</tool_call>") < rendered.index("I will tell you")


def test_two_rounds_in_one_text_keep_their_order() -> None:
    call = "<tool_call>\n<function=forecast>\n<parameter=city>\n{}\n</parameter>\n"
    call += "</function>\n</tool_call>"
    text = "\n".join(
        [call.format("Riga"), "<tool_response>\n5\n</tool_response>", "Now Vilnius.",
         call.format("Vilnius"), "<tool_response>\n7\n</tool_response>", "5 and 7."]
    )  # fmt: skip
    turns = text_turns(text, "auto", lambda _n, _k: "string")
    assert turns is not None and turns.format == "qwen_xml"
    assert [(s.kind, s.text or (s.call and s.call.arguments["city"])) for s in turns.segments] == [
        ("call", "Riga"),
        ("result", "5"),
        ("text", "Now Vilnius."),
        ("call", "Vilnius"),
        ("result", "7"),
        ("text", "5 and 7."),
    ]
    for segment in turns.segments:
        if segment.call is not None:  # spans index the whole text
            assert text[slice(*segment.call.name_span)] == "forecast"


def test_llama3_ipython_messages_are_tool_turns() -> None:
    messages = [
        {"role": "user", "content": "Weather in Tartu, then Pärnu"},
        {"role": "assistant", "content": '{"name": "forecast", "parameters": {"city": "Tartu"}}'},
        {"role": "ipython", "content": "cold"},
        {"role": "assistant", "content": '{"name": "forecast", "parameters": {"city": "Pärnu"}}'},
        {"role": "ipython", "content": "windy"},
        {"role": "assistant", "content": "Cold in Tartu, windy in Pärnu."},
    ]
    item = {"id": "ip", "messages": messages, "tools": TOOLS}
    source = ingest(item)
    assert _roles(source.messages) == [
        "user", "assistant", "tool", "assistant", "tool", "assistant"
    ]  # fmt: skip
    assert item["messages_original"][2]["role"] == "ipython"
    assert "Llama 3 ipython turns read as tool turns (given messages kept)" in source.notes
    assert item["teacher_text"].count("<tool_response>") == 2
    for src in source.call_sources:
        assert src is not None and src["field"].startswith("messages[")


def test_a_result_in_an_assistant_content_splits_the_turn() -> None:
    content = (
        "<tool_call>\n<function=forecast>\n<parameter=city>\nKaunas\n</parameter>\n</function>\n"
        "</tool_call>\n<tool_response>\nfog\n</tool_response>\nFog in Kaunas."
    )
    item = {
        "id": "c",
        "messages": [
            {"role": "user", "content": "Kaunas?"},
            {"role": "assistant", "content": content},
        ],
        "tools": TOOLS,
    }
    source = ingest(item, "qwen_xml")
    assert _roles(source.messages) == ["user", "assistant", "tool", "assistant"]
    assert source.messages[2]["content"] == "fog"
    (src,) = source.call_sources
    assert src is not None and src["field"] == "messages[1].content"
    assert content[slice(*src["name_span"]["chars"])] == "forecast"
