"""Every tool result answers a call (`pipeline.formats.rounds`).

A result with no call before it, or one more than the calls of its round, is
refused naming the record's turn that holds it, in every format that has tool
turns; the correct shapes (hermes calls written in the text, parallel calls,
calls answered in part, a record ending on its call, prose after a text call
that its result still answers) are read as before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.formats import FormatError, ingest
from pipeline.formats.rounds import NO_CALL, beyond

USER = {"role": "user", "content": "Weather in Oslo and Bergen?"}
ANSWER = {"role": "assistant", "content": "Snow in Oslo, rain in Bergen."}
RESPONSE = "<tool_response>\n{}\n</tool_response>"
WAIT = {"role": "assistant", "content": "One moment."}
LF_CALL = json.dumps({"name": "get_weather", "arguments": {"city": "Oslo"}})


def _call(city: str) -> dict[str, Any]:
    args = json.dumps({"city": city})
    return {"type": "function", "function": {"name": "get_weather", "arguments": args}}


def _calls(*cities: str) -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [_call(c) for c in cities]}


def _tool(sky: str) -> dict[str, Any]:
    return {"role": "tool", "content": json.dumps({"sky": sky})}


def _hermes(*cities: str) -> str:
    blocks = [
        f'<tool_call>\n{{"name": "get_weather", "arguments": {{"city": "{c}"}}}}\n</tool_call>'
        for c in cities
    ]
    return "\n".join(blocks)


def _turns(*turns: tuple[str, str]) -> list[dict[str, str]]:
    return [{"from": who, "value": value} for who, value in turns]


REFUSED = [
    pytest.param(
        {"messages": [USER, _tool("snow"), ANSWER]},
        "auto",
        "messages[1]",
        NO_CALL,
        id="openai-after-the-user",
    ),
    pytest.param(
        {"messages": [USER, WAIT, _tool("snow"), ANSWER]},
        "auto",
        "messages[2]",
        NO_CALL,
        id="openai-after-an-answer-without-calls",
    ),
    pytest.param(
        {"messages": [USER, _calls("Oslo", "Bergen"), *map(_tool, ("snow", "rain", "sun"))]},
        "auto",
        "messages[4]",
        beyond(2),
        id="openai-three-results-for-two-calls",
    ),
    pytest.param(
        {"messages": [USER, _calls("Oslo"), _tool("snow"), USER, _tool("rain"), ANSWER]},
        "openai",
        "messages[4]",
        NO_CALL,
        id="openai-forced-a-round-closed-by-a-user-turn",
    ),
    pytest.param(
        {"messages": [USER, {"role": "function", "name": "get_weather", "content": "{}"}, ANSWER]},
        "auto",
        "messages[1]",
        NO_CALL,
        id="openai-legacy-function-message",
    ),
    pytest.param(
        {"conversations": _turns(("human", "Oslo?"), ("gpt", "One moment."), ("tool", "{}"))},
        "auto",
        "conversations[2]",
        NO_CALL,
        id="sharegpt-after-an-answer-without-calls",
    ),
    pytest.param(
        # The system column becomes message 0: the turn is still named as given.
        {
            "system": "You check the weather.",
            "conversations": _turns(
                ("human", "Oslo?"),
                ("gpt", _hermes("Oslo")),
                ("tool", RESPONSE),
                ("tool", RESPONSE),
                ("gpt", "Snow."),
            ),
        },
        "auto",
        "conversations[3]",
        beyond(1),
        id="hermes-two-results-for-one-call-in-the-text",
    ),
    pytest.param(
        # A hermes transcript in one assistant text: its results count like tool turns.
        {"messages": [USER, {"role": "assistant", "content": f"{RESPONSE}\nSnow."}]},
        "auto",
        "messages[1].content",
        NO_CALL,
        id="hermes-response-in-the-assistant-text",
    ),
    pytest.param(
        # A Llama 3 result cut from the text before any call: the text is named.
        {"messages": [USER, {"role": "assistant", "content": (
            '<|start_header_id|>ipython<|end_header_id|>\n\n{"sky": "snow"}<|eot_id|>'
            '{"name": "get_weather", "parameters": {"city": "Oslo"}}'
        )}]},
        "auto",
        "messages[1].content",
        NO_CALL,
        id="llama3-result-before-the-call-in-the-text",
    ),
    pytest.param(
        {"conversations": _turns(
            ("user", "Oslo?"), ("assistant", '[get_weather(city="Oslo")]'), ("tool", "{}"),
            ("tool", "{}"), ("assistant", "Snow."),
        )},
        "auto",
        "conversations[3]",
        beyond(1),
        id="pythonic-two-results-for-one-call",
    ),
    pytest.param(
        {"prompt": "Oslo?", "teacher_text": (
            '[TOOL_RESULTS]{"content": "snow"}[/TOOL_RESULTS]'
            '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Oslo"}}]'
        )},
        "auto",
        "teacher_text",
        NO_CALL,
        id="mistral-teacher-text-result-before-the-call",
    ),
    pytest.param(
        {"conversations": [
            {"from": "human", "value": "Oslo?"},
            {"from": "function_call", "value": LF_CALL},
            {"from": "observation", "value": "{}"},
            {"from": "observation", "value": "{}"},
            {"from": "gpt", "value": "Snow."},
        ]},
        "auto",
        "conversations[3]",
        beyond(1),
        id="llamafactory-two-observations-for-one-call",
    ),
    pytest.param(
        {"system": "SYSTEM: No functions.", "chat": (
            "USER: Oslo?\n\n\nASSISTANT: <functioncall> "
            '{"name": "get_weather", "arguments": \'{"city": "Oslo"}\'} <|endoftext|>\n\n\n'
            "FUNCTION RESPONSE: {}\n\n\nFUNCTION RESPONSE: {}\n\n\nASSISTANT: Snow. <|endoftext|>"
        )},
        "auto",
        "chat: the FUNCTION RESPONSE turn at char 137",
        beyond(1),
        id="glaive-two-responses-for-one-call",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("item", "fmt", "field", "reason"), REFUSED)
def test_a_result_that_answers_no_call_is_refused_naming_its_turn(
    item: dict[str, Any], fmt: str, field: str, reason: str
) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(item, fmt)
    assert (caught.value.field, caught.value.reason) == (field, reason)


KEPT = [
    pytest.param(
        {"messages": [USER, _calls("Oslo", "Bergen"), _tool("snow"), _tool("rain"), ANSWER]},
        "auto", 2, 2, id="parallel-calls",
    ),
    pytest.param(
        {"messages": [USER, _calls("Oslo", "Bergen"), _tool("snow"), ANSWER]},
        "auto", 2, 1, id="parallel-calls-answered-in-part",
    ),
    pytest.param(
        {"messages": [USER, _calls("Oslo"), _tool("snow"), _calls("Bergen")]},
        "auto", 2, 1, id="ends-on-its-call",
    ),
    pytest.param(
        {"messages": [USER, _calls("Oslo"), _tool("snow"), _calls("Bergen"), _tool("rain")]},
        "auto", 2, 2, id="two-rounds",
    ),
    pytest.param(
        {"conversations": _turns(
            ("human", "Oslo and Bergen?"), ("gpt", "Checking both.\n" + _hermes("Oslo", "Bergen")),
            ("tool", RESPONSE),
            ("tool", RESPONSE), ("gpt", "Snow and rain."),
        )},
        "auto", 2, 2, id="hermes-calls-in-the-text",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant", "content": _hermes("Oslo")}, _tool("snow")]},
        "openai", 1, 1, id="hermes-calls-in-the-text-forced-openai",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant", "content": (
            _hermes("Oslo") + '\n<tool_response>\n{"sky": "snow"}\n</tool_response>\nSnow.'
        )}]},
        "auto", 1, 1, id="hermes-transcript-in-one-assistant-text",
    ),
    pytest.param(
        # Prose after the call becomes its own assistant message: still the calling turn.
        {"conversations": _turns(
            ("user", "Oslo?"), ("assistant", '[get_weather(city="Oslo")]\nOne moment.'),
            ("tool", "{}"), ("assistant", "Snow."),
        )},
        "auto", 1, 1, id="pythonic-call-then-prose-then-its-result",
    ),
    pytest.param(
        {"conversations": [
            {"from": "human", "value": "Oslo and Bergen?"},
            {"from": "function_call", "value": json.dumps([
                {"name": "get_weather", "arguments": {"city": "Oslo"}},
                {"name": "get_weather", "arguments": {"city": "Bergen"}},
            ])},
            {"from": "observation", "value": "{}"},
            {"from": "observation", "value": "{}"},
            {"from": "gpt", "value": "Snow and rain."},
        ]},
        "auto", 2, 2, id="llamafactory-parallel-calls",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("item", "fmt", "calls", "results"), KEPT)
def test_results_that_answer_calls_are_read(
    item: dict[str, Any], fmt: str, calls: int, results: int
) -> None:
    source = ingest(item, fmt)
    assert len(source.parsed.of("call")) == calls
    assert len(source.parsed.of("result")) == results
