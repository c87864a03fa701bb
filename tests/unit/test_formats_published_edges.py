"""Published-record edge cases: each malformed LLaMA-Factory or xLAM record is
rejected naming its field and reason, a decoded xLAM list is read with a note, and
tools are found in every hermes system-prompt spelling (or not at all)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.formats import FormatError, ingest

CALL = json.dumps({"name": "f", "arguments": {"x": 1}})


@pytest.mark.parametrize(
    ("item", "fmt", "field", "reason"),
    [
        (
            {"conversations": "not a list"},
            "llamafactory",
            "conversations",
            "expected a list",
        ),
        (
            {"conversations": [{"from": "function_call", "value": CALL}, "gpt: hi"]},
            "auto",
            "conversations[1]",
            "expected an object",
        ),
        (
            {"conversations": [{"from": "function_call", "value": CALL}, {"from": "robot"}]},
            "auto",
            "conversations[1]",
            "expected a known 'from' role and a string 'value'",
        ),
        (
            {"conversations": [{"from": "function_call", "value": {"name": "f"}}]},
            "auto",
            "conversations[0].value",
            "expected a JSON string",
        ),
        (
            {"query": "q", "answers": {"name": "f"}},
            "auto",
            "answers",
            "expected a JSON string",
        ),
        (
            {"query": "q", "answers": CALL},
            "auto",
            "answers",
            "expected a JSON list of calls",
        ),
        (
            # xLAM irrelevance rows: training on them would teach an empty answer.
            {"query": "q", "answers": "[]", "tools": []},
            "auto",
            "answers",
            "an empty list: no call and no answer text to train on",
        ),
        (
            {
                "query": "q",
                "answers": '[{"name": "f", "arguments": {}}]',
                "tools": '[{"name": "f"}]',
            },
            "auto",
            "tools",
            "a string that is not a JSON list of tools",
        ),
        (
            # A result no call asked for would ground the answer on output never requested.
            {
                "conversations": [
                    {"from": "human", "value": "Is the pool open?"},
                    {"from": "gpt", "value": "One moment."},
                    {"from": "observation", "value": '{"open": true}'},
                    {"from": "function_call", "value": CALL},
                ]
            },
            "auto",
            "conversations[2]",
            "an observation turn with no function_call before it",
        ),
        (
            # Glaive rows that write the call in another syntax ("AI to= f: {...}").
            {
                "system": "SYSTEM: No functions.",
                "chat": "USER: Is the pool open?\n\n\nASSISTANT: One moment.\n"
                'AI to= pool_status: {"pool": "north"} <|endoftext|>\n\n\n'
                'FUNCTION RESPONSE: {"open": true}\n\n\nASSISTANT: It is open. <|endoftext|>',
            },
            "auto",
            "chat: the FUNCTION RESPONSE turn at char 103",
            "a function response with no call before it to answer",
        ),
    ],
)
def test_malformed_published_records_name_field_and_reason(
    item: dict[str, Any], fmt: str, field: str, reason: str
) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(item, fmt)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_xlam_answers_already_decoded_index_their_json_text() -> None:
    answers = [{"name": "f", "arguments": {"x": 1}}]
    item = {"query": "q", "answers": answers, "tools": None}
    source = ingest(item)
    assert "answers was a list: source spans index its JSON text (json.dumps)" in source.notes
    (call,) = item["messages"][1]["tool_calls"]
    assert call["function"] == {"name": "f", "arguments": {"x": 1}}
    # The spans index json.dumps(answers): the name span holds the name.
    (where,) = source.call_sources
    assert where is not None
    start, end = where["name_span"]["chars"]
    assert json.dumps(answers)[start:end] in ('"f"', "f")
    assert item["tools"] is None  # not a list: left as given, no wrapping note
    assert not any(n.startswith("tools:") for n in source.notes)


def _system_item(system: str) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": "Go."},
            {"role": "assistant", "content": "Done."},
        ]
    }


def test_tools_one_json_object_per_line_in_the_system_prompt() -> None:
    item = _system_item('<tools>\n{"name": "f"}\n{"name": "g"}\n</tools>')
    source = ingest(item)
    assert item["tools"] == [
        {"type": "function", "function": {"name": "f"}},
        {"type": "function", "function": {"name": "g"}},
    ]
    assert "tools read from the system prompt's <tools> block (2 tools)" in source.notes


def test_the_first_tools_block_that_holds_tools_is_the_list() -> None:
    # Hermes prose names the tags first: that empty block is skipped.
    system = 'Use <tools></tools> tags. <tools>[{"name": "f"}]</tools>'
    item = _system_item(system)
    source = ingest(item)
    assert item["tools"] == [{"type": "function", "function": {"name": "f"}}]
    assert "tools read from the system prompt's <tools> block (1 tools)" in source.notes


@pytest.mark.parametrize(
    "system",
    [
        "Tools are listed in <tools> tags but this one never closes",
        "<tools>[{'name': 'f',]]</tools>",  # neither JSON nor a Python literal
        '<tools>{"name": "f"} not json</tools>',  # objects then garbage
        '<tools>["f", "g"]</tools>',  # a list, but not of tool objects
        "<tools>('f', 'g')</tools>",
    ],
)
def test_unreadable_tools_blocks_give_no_tools(system: str) -> None:
    item = _system_item(system)
    source = ingest(item)
    assert "tools" not in item
    assert not any("read from the system prompt's <tools> block" in n for n in source.notes)
    # A block that holds something, unread, is said: its calls get no schema check.
    unread = [n for n in source.notes if "<tools> block is no readable tool list" in n]
    assert len(unread) == (0 if "never closes" in system else 1)
