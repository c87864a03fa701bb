"""Surface formats: hermes and seed parsing, openai rendering, auto-detection, ingest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.formats import FormatError, detect_text_format, ingest, render_teacher
from pipeline.formats.base import Parsed
from pipeline.formats.hermes import parse_hermes
from pipeline.formats.openai import messages_from_blocks, messages_from_conversations
from pipeline.formats.seed import parse_seed
from pipeline.student import Student

CALL = json.dumps({"name": "fs.read", "arguments": {"path": "café/日本.md"}}, ensure_ascii=False)
RESULT = json.dumps({"lines": 12, "summary": "YAML config"})


def _kinds(parsed: Parsed) -> list[tuple[str, str]]:
    return [(b.kind, parsed.text[b.start : b.end]) for b in parsed.blocks]


def test_hermes_blocks_in_order_with_text_around_them() -> None:
    text = (
        f"Let me read it.\n<tool_call>\n{CALL}\n</tool_call>\n<tool_call>\n{CALL}\n</tool_call>\n"
        f"<tool_response>\n{RESULT}\n</tool_response>\nIt has 12 lines. Done."
    )
    parsed = parse_hermes(text)
    assert parsed.format == "hermes"
    assert _kinds(parsed) == [
        ("text", "Let me read it."),
        ("call", CALL),
        ("call", CALL),
        ("result", RESULT),
        ("text", "It has 12 lines. Done."),
    ]
    method, answer = parsed.answer()
    assert method == "grounding" and [text[b.start : b.end] for b in answer] == [
        "It has 12 lines. Done."
    ]


def test_hermes_unterminated_and_stray_tags() -> None:
    text = f"</tool_call>\n<tool_call>\n{CALL}\n<tool_response>\n{RESULT}\n</tool_response>\nok"
    parsed = parse_hermes(text)
    assert _kinds(parsed) == [("call", CALL), ("result", RESULT), ("text", "ok")]
    assert parsed.blocks[0].problem == "unterminated <tool_call> block at char 13"
    truncated = parse_hermes(f"<tool_call>\n{CALL[:20]}")
    assert _kinds(truncated) == [("call", CALL[:20].rstrip())]
    assert truncated.answer() == ("none", [])


def test_seed_lines_and_integration_markers() -> None:
    text = (
        f"I will read the file.\nTOOL_CALL: {CALL}\nTOOL_RESULT: {RESULT}\n"
        "Integration: It has 12 lines. It is YAML.\nIntegration:\nThanks."
    )
    parsed = parse_seed(text)
    assert _kinds(parsed) == [
        ("text", "I will read the file."),
        ("call", CALL),
        ("result", RESULT),
        ("marker", "It has 12 lines. It is YAML."),
        ("marker", ""),
        ("text", "Thanks."),
    ]
    method, answer = parsed.answer()
    assert method == "marker" and len(answer) == 2


def test_seed_multiline_json_and_answer_without_marker() -> None:
    pretty = json.dumps({"name": "fs.read", "arguments": {"path": "a.md"}}, indent=2)
    text = f"TOOL_CALL: {pretty}\nTOOL_RESULT: {RESULT}\nIt has 12 lines.\nTOOL_CALL: {{broken\nx"
    parsed = parse_seed(text)
    assert _kinds(parsed) == [
        ("call", pretty),
        ("result", RESULT),
        ("text", "It has 12 lines."),
        ("call", "{broken"),
        ("text", "x"),
    ]
    assert parse_seed("TOOL_RESULT: plain words").blocks[0].kind == "result"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"TOOL_CALL: {CALL}", "seed"),
        ("  Integration: it is done.", "seed"),
        (f"<tool_call>\n{CALL}\n</tool_call>\nTOOL_CALL: x", "hermes"),
        ("Just an answer.", "hermes"),
        ("", "hermes"),
    ],
)
def test_detect_text_format(text: str, expected: str) -> None:
    assert detect_text_format(text) == expected


def _openai_messages() -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Read two files"},
        {
            "role": "assistant",
            "content": "Reading.",
            "tool_calls": [
                {
                    "type": "function",
                    "function": {"name": "fs.read", "arguments": {"path": "ä.md"}},
                },
                {"function": {"name": "fs.read", "arguments": '{"path": "b.md"}'}},
            ],
        },
        {"role": "tool", "content": RESULT},
        {"role": "tool", "content": {"lines": 3}},
        {"role": "assistant", "content": "12 and 3 lines."},
    ]


def test_render_teacher_matches_the_chat_template_assistant_side(student: Student) -> None:
    messages = _openai_messages()
    text = render_teacher(messages)
    assert text == (
        'Reading.\n<tool_call>\n{"name": "fs.read", "arguments": {"path": "ä.md"}}\n</tool_call>\n'
        '<tool_call>\n{"name": "fs.read", "arguments": {"path": "b.md"}}\n</tool_call>\n'
        f'<tool_response>\n{RESULT}\n</tool_response>\n<tool_response>\n{{"lines": 3}}\n'
        "</tool_response>\n12 and 3 lines."
    )
    rendered = student.render(messages, None)
    for block in parse_hermes(text).blocks:
        if block.kind in ("call", "text"):
            assert text[block.start : block.end] in rendered


def test_ingest_auto_per_record() -> None:
    seed = {"id": "a", "teacher_text": f"TOOL_CALL: {CALL}", "prompt": "Read it"}
    source = ingest(seed)
    assert source.parsed.format == "seed"
    assert source.notes == ["messages built from teacher_text (no messages given)"]
    assert seed["messages"][0] == {"role": "user", "content": "Read it"}

    openai = {"id": "b", "messages": _openai_messages()}
    source = ingest(openai)
    assert source.parsed.format == "openai" and openai["teacher_text"].startswith("Reading.")
    assert len(source.parsed.of("call")) == 2 and source.messages is openai["messages"]


def test_ingest_forced_formats_keep_the_given_text() -> None:
    item = {"id": "c", "teacher_text": "Something else.", "messages": _openai_messages()}
    source = ingest(item, "openai")
    assert item["teacher_text_original"] == "Something else."
    assert source.parsed.format == "openai"
    assert "the given teacher_text was kept as teacher_text_original" in source.notes
    only_messages = {"id": "d", "messages": _openai_messages()}
    assert ingest(only_messages, "hermes").parsed.format == "hermes"
    hermes_as_seed = {"id": "e", "teacher_text": f"<tool_call>\n{CALL}\n</tool_call>"}
    assert ingest(hermes_as_seed, "seed").parsed.of("call") == []


def test_ingest_normalises_call_text_in_messages() -> None:
    messages = _openai_messages()
    messages[2]["tool_calls"][1]["function"]["arguments"] = '{"path": "a\\u0301"}\r\n'
    messages[2]["tool_calls"][1]["function"]["name"] = "fs.re\u0301ad"
    item = {"id": "f", "messages": messages}
    ingest(item)
    fn = messages[2]["tool_calls"][1]["function"]
    assert fn["arguments"] == '{"path": "a\\u0301"}\n' and fn["name"] == "fs.réad"


def _with(messages: list[Any]) -> dict[str, Any]:
    return {"id": "x", "messages": messages}


ASSISTANT = "assistant"


@pytest.mark.parametrize(
    ("item", "fmt", "field"),
    [
        ({"id": "x"}, "auto", "teacher_text"),
        (_with([{"role": "user", "content": "hi"}]), "openai", "messages"),
        ({"id": "x", "messages": "nope"}, "auto", "messages"),
        (_with([{"content": "no role"}]), "auto", "messages[0]"),
        (_with([{"role": "user", "content": None}]), "auto", "messages[0].content"),
        (_with([{"role": ASSISTANT, "content": 3}]), "auto", "messages[0].content"),
        (_with([{"role": ASSISTANT, "tool_calls": "x"}]), "auto", "messages[0].tool_calls"),
        (_with([{"role": ASSISTANT, "tool_calls": [3]}]), "auto", "messages[0].tool_calls[0]"),
        (
            _with([{"role": ASSISTANT, "tool_calls": [{"function": {}}]}]),
            "auto",
            "messages[0].tool_calls[0].name",
        ),
        ({"id": "x", "teacher_text": "a"}, "xml", "format"),
        ({"id": "x", "conversations": {}}, "auto", "conversations"),
        ({"id": "x", "conversations": ["x"]}, "auto", "conversations[0]"),
        (
            {"id": "x", "conversations": [{"from": "alien", "value": "x"}]},
            "auto",
            "conversations[0]",
        ),
    ],
)
def test_ingest_errors_name_the_field(item: dict[str, Any], fmt: str, field: str) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(item, fmt)
    assert caught.value.field == field and str(caught.value).startswith(f"{field}: ")


def test_sharegpt_conversations_become_messages() -> None:
    turns = [
        {"from": "system", "value": "sys"},
        {"from": "human", "value": "hi"},
        {"from": "gpt", "value": f"<tool_call>\n{CALL}\n</tool_call>"},
        {"from": "tool", "value": f"<tool_response>\n{RESULT}\n</tool_response>"},
        {"role": "assistant", "content": "12 lines."},
    ]
    messages = messages_from_conversations(turns)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool", "assistant"]
    assert messages[3]["content"] == RESULT
    item = {"id": "g", "conversations": turns}
    source = ingest(item)
    assert source.notes[0] == "messages converted from ShareGPT conversations"
    assert [b.kind for b in source.parsed.blocks] == ["call", "result", "text"]


def test_messages_from_blocks_groups_calls_into_turns() -> None:
    text = (
        f"Intro.\n<tool_call>\n{CALL}\n</tool_call>\n<tool_call>\n{{'name': 'x'}}\n</tool_call>\n"
        f"<tool_response>\n{RESULT}\n</tool_response>\nMiddle.\n<tool_response>\nr2\n</tool_response>\n"
        "The end."
    )
    messages = messages_from_blocks("Prompt", parse_hermes(text))
    assert [m["role"] for m in messages] == [
        "user",
        "assistant",
        "tool",
        "assistant",
        "tool",
        "assistant",
    ]
    calls = messages[1]["tool_calls"]
    assert messages[1]["content"] == "Intro."
    assert calls[0]["function"] == {"name": "fs.read", "arguments": '{"path": "café/日本.md"}'}
    assert calls[1]["function"] == {"name": "x", "arguments": {}}
    assert messages[3]["content"] == "Middle." and messages[-1]["content"] == "The end."
    assert messages_from_blocks(None, parse_hermes("")) == []
