"""`ingest` on record shapes of published third-party sets that the extractor met
only in the wild: each is read whole (no call or turn dropped) or refused by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.formats import FormatError, ingest

WEATHER = {
    "name": "get_forecast",
    "description": "Forecast for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def test_legacy_openai_function_call_and_function_role_keep_the_call() -> None:
    # The pre-`tools` API shape: dropping the call would train the answer alone.
    messages = [
        {"role": "user", "content": "Weather in Riga?"},
        {"role": "assistant", "content": None,
         "function_call": {"name": "get_forecast", "arguments": '{"city": "Riga"}'}},
        {"role": "function", "name": "get_forecast", "content": '{"sky": "fog"}'},
        {"role": "assistant", "content": "Fog in Riga."},
    ]  # fmt: skip
    item: dict[str, Any] = {"messages": messages, "functions": [WEATHER]}
    given = json.loads(json.dumps(messages))
    source = ingest(item)
    assert [b.kind for b in source.parsed.blocks] == ["call", "result", "text"]
    assert '"name": "get_forecast"' in item["teacher_text"]
    assert item["messages_original"] == given
    assert item["tools"][0]["function"]["name"] == "get_forecast"
    assert any("function_call read as a tool call" in n for n in source.notes)
    assert any("legacy functions list" in n for n in source.notes)


def test_content_given_as_text_parts_is_joined() -> None:
    item = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Quito "},
                                         {"type": "text", "text": "forecast?"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Sunny."}]},
        ]
    }  # fmt: skip
    source = ingest(item)
    assert item["messages"][0]["content"] == "Quito forecast?"
    assert item["teacher_text"] == "Sunny."
    assert any("content parts joined" in n for n in source.notes)


def test_a_content_part_without_text_is_refused_by_name() -> None:
    image = {"type": "image_url", "image_url": {"url": "x"}}
    item = {
        "messages": [{"role": "user", "content": [image]}, {"role": "assistant", "content": "A."}]
    }
    with pytest.raises(FormatError) as caught:
        ingest(item)
    assert caught.value.field == "messages[0].content[0]"
    assert "'image_url' content part" in caught.value.reason


@pytest.mark.parametrize("role", ["critic", "narrator"])
def test_an_unknown_role_in_openai_messages_is_refused_by_name(role: str) -> None:
    # The template drops a turn it does not know: the record must not pass as read.
    item = {
        "messages": [
            {"role": "user", "content": "ACME?"},
            {"role": role, "content": "be brief"},
            {"role": "assistant", "content": "I can check."},
        ]
    }
    with pytest.raises(FormatError) as caught:
        ingest(item)
    assert caught.value.field == "messages[1].role"
    assert repr(role) in caught.value.reason


def _hermes_v1(call_body: str) -> dict[str, Any]:
    tools = repr([{"type": "function", "function": WEATHER}])
    return {
        "conversations": [
            {"from": "system", "value": f"<tools>\n{tools}\n</tools>"},
            {"from": "human", "value": "Weather in Bergen?"},
            {"from": "gpt", "value": f"<tool_call>\n{call_body}\n</tool_call>"},
        ]
    }  # fmt: skip


def test_hermes_v1_calls_written_as_python_reprs_are_read_as_json() -> None:
    # hermes-function-calling-v1 prints its calls with str(dict): single quotes.
    body = repr({"arguments": {"city": "Bergen", "days": None, "ok": True}, "name": "get_forecast"})
    item = _hermes_v1(body)
    source = ingest(item)
    call = '{"name": "get_forecast", "arguments": {"city": "Bergen", "days": null, "ok": true}}'
    assert item["teacher_text"] == f"<tool_call>\n{call}\n</tool_call>"
    assert "hermes calls written as Python dict reprs rewritten as JSON (1 call)" in source.notes
    assert item["conversations"][2]["value"] == f"<tool_call>\n{body}\n</tool_call>"  # kept


@pytest.mark.parametrize(
    "body",
    [
        "{'arguments': {'city': 'Ber",  # cut off
        '{"name": "get_forecast", "arguments": {"city": "Bergen",}}',  # JSON with a trailing comma
        "{'name': 'get_forecast', 'arguments': {'city': 'Bergen',}}",  # not an exact repr
        "{'name': 'get_forecast'}",  # no arguments
    ],
)
def test_broken_calls_are_not_repaired_into_json(body: str) -> None:
    item = _hermes_v1(body)
    source = ingest(item)
    assert item["teacher_text"] == f"<tool_call>\n{body}\n</tool_call>"
    assert not any("Python dict reprs" in n for n in source.notes)


GLAIVE_SYSTEM = (
    "SYSTEM: You are a helpful assistant with access to the following functions. "
    "Use them if required -\n" + json.dumps(WEATHER, indent=4) + "\n"
)


def _glaive(call: str, reply: str = 'FUNCTION RESPONSE: {"sky": "fog"}') -> dict[str, Any]:
    chat = (
        f"USER: Weather in Riga?\n\n\nASSISTANT: {call} <|endoftext|>\n\n\n"
        f"{reply}\n\n\nASSISTANT: Fog in Riga. <|endoftext|>\n\n\n"
    )
    return {"system": GLAIVE_SYSTEM, "chat": chat}


@pytest.mark.parametrize(
    "call",
    [
        # Glaive's own spelling: the arguments are JSON inside single quotes.
        """<functioncall> {"name": "get_forecast", "arguments": '{"city": "Riga"}'}""",
        """<functioncall> {"name": "get_forecast", "arguments": {"city": "Riga"}}""",
    ],
)
def test_glaive_v2_transcripts_become_messages_with_their_calls(call: str) -> None:
    item = _glaive(call)
    source = ingest(item)
    assert source.parsed.format == "glaive"
    assert [m["role"] for m in item["messages"]] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
    ]
    assert item["teacher_text"] == (
        '<tool_call>\n{"name": "get_forecast", "arguments": {"city": "Riga"}}\n</tool_call>\n'
        '<tool_response>\n{"sky": "fog"}\n</tool_response>\nFog in Riga.'
    )
    assert item["tools"] == [{"type": "function", "function": WEATHER}]
    assert item["messages"][0]["content"].startswith("You are a helpful assistant")
    assert any("<|endoftext|> x2" in n for n in source.notes)
    where = source.call_sources[0]
    assert where is not None and where["field"] == "chat"
    name, args = where["name_span"]["chars"], where["args_span"]["chars"]
    assert item["chat"][name[0] : name[1]] == "get_forecast"
    assert json.loads(item["chat"][args[0] : args[1]]) == {"city": "Riga"}


def test_a_speaker_line_inside_a_glaive_turn_stays_in_it() -> None:
    """Turns are apart by blank lines: a user who pastes "ASSISTANT: ..." into a
    message wrote one turn, not two (review s13 M2)."""
    item = {
        "system": "SYSTEM: You are a helpful assistant, with no access to external functions.",
        "chat": "USER: Fix this log:\nASSISTANT: ok\nUSER: bye\n\n\n"
        "ASSISTANT: It is a transcript. <|endoftext|>\n\n\n",
    }
    ingest(item)
    assert [m["role"] for m in item["messages"]] == ["system", "user", "assistant"]
    assert item["messages"][1]["content"] == "Fix this log:\nASSISTANT: ok\nUSER: bye"


def test_a_repr_whose_keys_json_would_change_is_not_rewritten() -> None:
    """JSON writes a key 1 or None as "1" or "null": such a call is judged as written."""
    body = "{'name': 'get_forecast', 'arguments': {1: 'Bergen'}}"
    item = _hermes_v1(body)
    source = ingest(item)
    assert item["teacher_text"] == f"<tool_call>\n{body}\n</tool_call>"
    assert not any("Python dict reprs" in n for n in source.notes)


def test_glaive_without_functions_is_a_plain_chat() -> None:
    item = {
        "system": "SYSTEM: You are a helpful assistant, with no access to external functions.",
        "chat": "USER: Capital of Peru?\n\n\nASSISTANT: Lima. <|endoftext|>\n\n\n",
    }
    source = ingest(item)
    assert "tools" not in item and item["teacher_text"] == "Lima."
    assert source.call_sources == []


@pytest.mark.parametrize(
    ("record", "field", "reason"),
    [
        (_glaive("""<functioncall> {"name": "get_forecast", "arguments": '{"city": "Ri} """),
         "chat: the ASSISTANT turn at char 36",
         "<functioncall> is not a complete call {name, arguments}"),
        ({"system": GLAIVE_SYSTEM, "chat": "CUSTOMER: hi\n\n\nASSISTANT: Hello. <|endoftext|>"},
         "chat", "expected a transcript starting with USER: or ASSISTANT:"),
        ({"system": "SYSTEM: functions -\n{\"name\": \"f\", ",
          "chat": "USER: hi\n\n\nASSISTANT: Hi."},
         "system", "the function list is not JSON objects (at char 20)"),
    ],
)  # fmt: skip
def test_broken_glaive_records_are_refused_by_name(
    record: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(record)
    assert (caught.value.field, caught.value.reason) == (field, reason)


TOOLACE_SYSTEM = (
    "You are an expert in composing functions. Here is a list of functions in JSON format "
    "that you can invoke:\n[" + json.dumps(WEATHER) + "].\nShould you decide to return the "
    "function call(s), put it in the format of [func1(params_name=params_value)]"
)


def test_toolace_tools_listed_as_json_in_the_system_prose_are_read() -> None:
    item = {
        "system": TOOLACE_SYSTEM,
        "conversations": [
            {"from": "user", "value": "Weather in Lima?"},
            {"from": "assistant", "value": "[get_forecast(city='Lima')]"},
        ],
    }
    source = ingest(item)
    assert item["tools"] == [{"type": "function", "function": WEATHER}]
    assert "tools read from a JSON list in the system prompt (1 tools)" in source.notes
    assert source.schemas is not None and source.schemas.property_type("get_forecast", "city")


def test_a_llamafactory_record_without_tools_reads_them_from_its_system_column() -> None:
    """LLaMA-Factory conversions of ToolACE keep the list in the system column only.
    The converter once wrote `tools: None` itself, which hid that list (every call
    passed as "no schema") and gave verify a record it rejects."""
    call = {"name": WEATHER["name"], "arguments": {"city": "Lima"}}
    turns = [
        {"from": "human", "value": "Weather in Lima?"},
        {"from": "function_call", "value": json.dumps(call)},
    ]
    item: dict[str, Any] = {"system": TOOLACE_SYSTEM, "conversations": turns}
    source = ingest(item)
    assert source.parsed.format == "llamafactory"
    assert item["tools"] == [{"type": "function", "function": WEATHER}]
    assert "tools read from a JSON list in the system prompt (1 tools)" in source.notes
    assert source.schemas is not None and WEATHER["name"] in source.schemas.schemas

    bare: dict[str, Any] = {"conversations": [dict(t) for t in turns]}
    ingest(bare)
    assert "tools" not in bare  # no `tools: null` written for verify to reject
    xlam: dict[str, Any] = {"query": "Weather in Lima?", "answers": json.dumps([call])}
    ingest(xlam)
    assert "tools" not in xlam


@pytest.mark.parametrize(
    "system",
    [
        'Reply as JSON like [{"name": "x", "age": 3}].',  # a list, but of no function definitions
        'Here are the functions: [{"name": "f", "parameters": {}',  # cut off
    ],
)
def test_other_json_lists_in_a_system_prompt_are_not_tools(system: str) -> None:
    item = {"messages": [{"role": "system", "content": system}, {"role": "user", "content": "q"},
                         {"role": "assistant", "content": "A."}]}  # fmt: skip
    ingest(item)
    assert "tools" not in item


def test_glaive_turns_without_end_tokens_and_an_empty_system() -> None:
    """Some Glaive rows carry no <|endoftext|> and an empty system text: no note of
    dropped tokens, no system message."""
    item = {"system": "  ", "chat": "USER: Capital of Peru?\n\n\nASSISTANT: Lima."}
    source = ingest(item)
    assert [m["role"] for m in item["messages"]] == ["user", "assistant"]
    assert not any("control tokens" in n for n in source.notes)


def test_two_glaive_calls_in_one_turn_are_both_read() -> None:
    call = """<functioncall> {"name": "get_forecast", "arguments": '{"city": "Riga"}'}"""
    item = _glaive(f"{call} {call.replace('Riga', 'Oslo')}")
    source = ingest(item)
    calls = item["messages"][2]["tool_calls"]
    assert [c["function"]["arguments"]["city"] for c in calls] == ["Riga", "Oslo"]
    assert len(source.call_sources) == 2


@pytest.mark.parametrize(
    "call",
    [
        """<functioncall> {"name": "", "arguments": '{"city": "Riga"}'}""",  # no name
        """<functioncall> {"name": "get_forecast", "arguments": '["Riga"]'}""",  # not an object
        """<functioncall> {"name": "get_forecast", "arguments": '{"city": "Riga"} x'}""",
    ],
)
def test_glaive_calls_without_a_name_or_object_arguments_are_refused(call: str) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(_glaive(call))
    assert caught.value.reason == "<functioncall> is not a complete call {name, arguments}"


def test_a_glaive_system_that_is_not_text_is_refused_by_name() -> None:
    with pytest.raises(FormatError) as caught:
        ingest({"system": ["functions"], "chat": "USER: hi\n\n\nASSISTANT: Hi."})
    assert (caught.value.field, caught.value.reason) == ("system", "expected a string")
