"""Message quirks of real third-party corpora, each read with a note (never dropped
silently, never a reject of a correct record): the `developer` role, a legacy
`function_call` beside `tool_calls`, `arguments: ""`, and Glaive's `<|endoftext|>`
in mid-turn. docs/formats.md says what a user sees."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.formats import FormatError, ingest

NOW = {"name": "get_server_time", "parameters": {"type": "object", "properties": {}}}
STOCK = {
    "name": "check_stock",
    "parameters": {
        "type": "object",
        "properties": {"sku": {"type": "string"}},
        "required": ["sku"],
    },
}


def _call(name: str, arguments: Any, call_id: str = "c1") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def _record(assistant: dict[str, Any], result: str = '{"in_stock": true}') -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": "KB-204?"},
            {"role": "assistant", "content": None, **assistant},
            {"role": "tool", "tool_call_id": "c1", "content": result},
            {"role": "assistant", "content": "It is in stock."},
        ],
        "tools": [{"type": "function", "function": STOCK}, {"type": "function", "function": NOW}],
    }


def _conversion_note(notes: list[str]) -> str:
    return next(n for n in notes if n.startswith("OpenAI message shapes converted"))


# --- 1. developer ------------------------------------------------------------------


def test_a_developer_message_is_read_as_the_system_message_with_a_note() -> None:
    item = _record({"tool_calls": [_call("check_stock", '{"sku": "KB-204"}')]})
    item["messages"].insert(0, {"role": "developer", "content": "Answer briefly."})
    given = json.loads(json.dumps(item["messages"]))
    source = ingest(item)
    assert item["messages"][0] == {"role": "system", "content": "Answer briefly."}
    assert item["messages_original"] == given
    assert "developer messages read as system messages" in _conversion_note(source.notes)


def test_a_sharegpt_developer_turn_is_the_system_turn_and_keeps_the_column_out() -> None:
    item = {
        "conversations": [
            {"from": "developer", "value": "Answer briefly."},
            {"from": "human", "value": "Hi"},
            {"from": "gpt", "value": "Hello."},
        ],
        "system": "A second system text.",
    }
    source = ingest(item)
    assert [m["role"] for m in item["messages"]] == ["system", "user", "assistant"]
    assert item["messages"][0]["content"] == "Answer briefly."
    assert "developer messages read as system messages" in _conversion_note(source.notes)


def test_another_unknown_role_is_still_refused_by_name() -> None:
    item = _record({"tool_calls": [_call("check_stock", '{"sku": "KB-204"}')]})
    item["messages"].insert(0, {"role": "moderator", "content": "x"})
    with pytest.raises(FormatError) as caught:
        ingest(item)
    assert caught.value.field == "messages[0].role"


# --- 2. function_call beside tool_calls --------------------------------------------


def test_a_function_call_repeating_a_tool_call_is_dropped_with_a_note() -> None:
    legacy = {"name": "check_stock", "arguments": '{"sku":"KB-204"}'}  # other spacing
    item = _record(
        {"tool_calls": [_call("check_stock", {"sku": "KB-204"})], "function_call": legacy}
    )
    source = ingest(item)
    assert item["teacher_text"].count("<tool_call>") == 1
    assert "function_call" not in item["messages"][1]
    assert "function_call" in item["messages_original"][1]
    assert "function_call repeating one of the message's tool_calls dropped" in (
        _conversion_note(source.notes)
    )


def test_a_repeated_call_is_found_by_value_with_an_integer_over_64_bits() -> None:
    """orjson reads no integer over 64 bits: the string must still equal its object."""
    big = 12345678901234567890123
    legacy = {"name": "check_stock", "arguments": f'{{"n": {big}}}'}
    item = _record({"tool_calls": [_call("check_stock", {"n": big})], "function_call": legacy})
    source = ingest(item)
    assert len(item["messages"][1]["tool_calls"]) == 1
    assert "function_call repeating one of the message's tool_calls dropped" in (
        _conversion_note(source.notes)
    )


def test_a_distinct_function_call_beside_tool_calls_is_kept_as_one_more_call() -> None:
    legacy = {"name": "get_server_time", "arguments": "{}"}
    item = _record(
        {"tool_calls": [_call("check_stock", '{"sku": "KB-204"}')], "function_call": legacy}
    )
    source = ingest(item)
    calls = item["messages"][1]["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["check_stock", "get_server_time"]
    assert [b.kind for b in source.parsed.blocks][:2] == ["call", "call"]
    assert "kept as one more tool call" in _conversion_note(source.notes)


def test_a_null_function_call_beside_tool_calls_changes_nothing() -> None:
    item = _record(
        {"tool_calls": [_call("check_stock", '{"sku": "KB-204"}')], "function_call": None}
    )
    source = ingest(item)
    assert item["teacher_text"].count("<tool_call>") == 1
    assert not any(n.startswith("OpenAI message shapes converted") for n in source.notes)


# --- 7. arguments: "" ---------------------------------------------------------------


@pytest.mark.parametrize("empty", ["", "  ", "\n"])
def test_empty_arguments_are_read_as_an_empty_object_with_a_note(empty: str) -> None:
    item = _record({"tool_calls": [_call("get_server_time", empty)]}, '{"now": "14:30"}')
    given = json.loads(json.dumps(item["messages"]))
    source = ingest(item)
    assert '{"name": "get_server_time", "arguments": {}}' in item["teacher_text"]
    assert item["messages_original"] == given  # what the record wrote is kept
    assert 'empty arguments strings read as "{}"' in _conversion_note(source.notes)
    (block,) = source.parsed.of("call")
    assert source.parsed.text[block.start : block.end].endswith('"arguments": {}}')


def test_broken_arguments_other_than_empty_are_still_judged_as_written() -> None:
    item = _record({"tool_calls": [_call("check_stock", '{"sku": ')]})
    source = ingest(item)
    assert '"arguments": {"sku": }' in item["teacher_text"]
    assert not any(n.startswith("OpenAI message shapes converted") for n in source.notes)


# --- 3. Glaive <|endoftext|> in mid-turn --------------------------------------------

GLAIVE_SYSTEM = (
    "SYSTEM: You are a helpful assistant with access to the following functions. "
    "Use them if required -\n"
    + json.dumps({"name": "get_stock_quote", "parameters": {"type": "object"}}, indent=4)
)
QUOTE = """<functioncall> {"name": "get_stock_quote", "arguments": '{"symbol": "%s"}'}"""


def test_end_markers_in_mid_turn_are_dropped_wherever_they_close_something() -> None:
    chat = (
        "USER: ACME and INITECH?\n\n\n"
        "ASSISTANT: Looking both up. <|endoftext|>\n"
        f"{QUOTE % 'ACME'} <|endoftext|>\n{QUOTE % 'INITECH'} <|endoftext|>\n"
        'FUNCTION RESPONSE: {"price": 131.9}\n\n\n'
        'FUNCTION RESPONSE: {"price": 8.11}\n\n\n'
        "ASSISTANT: ACME is at $131.90 <|endoftext|> and INITECH at $8.11. <|endoftext|>\n\n\n"
    )
    item = {"system": GLAIVE_SYSTEM, "chat": chat}
    source = ingest(item)
    roles = [m["role"] for m in item["messages"]]
    assert roles == ["system", "user", "assistant", "tool", "tool", "assistant"]
    assert item["messages"][2]["content"] == "Looking both up."
    calls = item["messages"][2]["tool_calls"]
    assert [c["function"]["arguments"] for c in calls] == [
        {"symbol": "ACME"},
        {"symbol": "INITECH"},
    ]
    assert item["messages"][-1]["content"] == "ACME is at $131.90 and INITECH at $8.11."
    assert "<|endoftext|>" not in item["teacher_text"]
    assert any("<|endoftext|> x5" in n for n in source.notes)
    # The source spans still index the chat as given.
    args = source.call_sources[1]
    assert args is not None
    start, end = args["args_span"]["chars"]
    assert json.loads(item["chat"][start:end]) == {"symbol": "INITECH"}


def test_a_speaker_line_right_after_an_end_marker_starts_a_turn() -> None:
    chat = (
        "USER: Capital of Peru?\n\n\n"
        "ASSISTANT: Lima. <|endoftext|>\nUSER: And of Chile?\n\n\n"
        "ASSISTANT: Santiago. <|endoftext|>\n\n\n"
    )
    item = {"system": "SYSTEM: You are a helpful assistant.", "chat": chat}
    ingest(item)
    assert [(m["role"], m["content"]) for m in item["messages"][1:]] == [
        ("user", "Capital of Peru?"),
        ("assistant", "Lima."),
        ("user", "And of Chile?"),
        ("assistant", "Santiago."),
    ]


def test_text_after_a_call_in_the_same_turn_is_still_a_reject() -> None:
    chat = f"USER: ACME?\n\n\nASSISTANT: {QUOTE % 'ACME'} <|endoftext|> and more\n\n\n"
    with pytest.raises(FormatError) as caught:
        ingest({"system": GLAIVE_SYSTEM, "chat": chat})
    assert caught.value.field.startswith("chat: the ASSISTANT turn")


def test_a_function_call_beside_tool_calls_of_another_shape_leaves_the_reject_to_them() -> None:
    legacy = {"name": "check_stock", "arguments": '{"sku": "KB-204"}'}
    with pytest.raises(FormatError) as caught:
        ingest(_record({"tool_calls": {"0": legacy}, "function_call": legacy}))
    assert str(caught.value) == "messages[1].tool_calls: expected a list"


def test_calls_compared_by_value_even_past_64_bit_integers() -> None:
    big = '{"sku": 123456789012345678901234567890}'
    item = _record(
        {
            "tool_calls": [_call("check_stock", big)],
            "function_call": {"name": "check_stock", "arguments": big},
        }
    )
    source = ingest(item)
    assert item["teacher_text"].count("<tool_call>") == 1
    assert "repeating one of the message's tool_calls dropped" in _conversion_note(source.notes)
