"""Published records brought to OpenAI messages: per-record detection, forced formats,
rejects naming the field, system-prompt tools, and the schema spellings they use."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest

from pipeline.formats import FORMATS, FormatError, ingest
from pipeline.formats.calls import parse_call
from pipeline.formats.published import json_calls
from pipeline.formats.schema import ToolSchemas
from pipeline.formats.textcalls import parse_llama3
from pipeline.params import ExtractParams
from pipeline.targets.stage import _adapt_external_value

WEATHER = {
    "name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


OSLO = {"city": "Oslo"}


def _calls(item: dict[str, Any]) -> list[tuple[str, Any]]:
    return [
        (c["function"]["name"], c["function"]["arguments"])
        for m in item["messages"]
        for c in m.get("tool_calls") or ()
    ]


def test_llamafactory_record_becomes_messages_with_wrapped_tools() -> None:
    item = {
        "conversations": [
            {"from": "human", "value": "Weather in Oslo?"},
            {
                "from": "function_call",
                "value": json.dumps({"name": "get_weather", "arguments": OSLO}),
            },
            {"from": "observation", "value": '{"sky": "snow"}'},
            {"from": "gpt", "value": "Snow."},
        ],
        "system": "Be brief.",
        "tools": [WEATHER],
    }
    source = ingest(item)
    assert source.parsed.format == "llamafactory"
    assert [m["role"] for m in item["messages"]] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
    ]
    assert item["tools"] == [{"type": "function", "function": WEATHER}]
    assert _calls(item) == [("get_weather", {"city": "Oslo"})]
    (where,) = source.call_sources
    assert where is not None and where["field"] == "conversations[1].value"
    assert item["teacher_text"].startswith('<tool_call>\n{"name": "get_weather"')


def test_xlam_row_is_one_turn_of_parallel_calls() -> None:
    answers = json.dumps([{"name": "a", "arguments": {"x": 1}}, {"name": "b", "arguments": {}}])
    item = {"id": "7", "query": "Do both.", "tools": [], "answers": answers}
    source = ingest(item)
    assert source.parsed.format == "xlam"
    assert [m["role"] for m in item["messages"]] == ["user", "assistant"]
    assert _calls(item) == [("a", {"x": 1}), ("b", {})]
    assert [s["field"] for s in source.call_sources if s] == ["answers", "answers"]


@pytest.mark.parametrize(
    ("item", "fmt", "field"),
    [
        ({"query": "q", "answers": "[{]", "tools": []}, "auto", "answers"),
        ({"query": 3, "answers": "[]"}, "auto", "query"),
        ({"messages": [{"role": "user", "content": "x"}]}, "xlam", "query"),
        (
            {"conversations": [{"from": "function_call", "value": '{"arguments": {}}'}]},
            "auto",
            "conversations[0].value",
        ),
        (
            {"conversations": [{"from": "function_call", "value": "{}"}, {"from": "robot"}]},
            "llamafactory",
            "conversations[0].value",
        ),
    ],
)
def test_unreadable_records_name_the_field(item: dict[str, Any], fmt: str, field: str) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(item, fmt)
    assert caught.value.field == field


def test_a_forced_text_format_reads_only_that_format() -> None:
    content = '[TOOL_CALLS][{"name": "f", "arguments": {}}]'
    messages = [{"role": "user", "content": "x"}, {"role": "assistant", "content": content}]
    forced = ingest({"messages": [dict(m) for m in messages]}, "pythonic")
    assert forced.parsed.format == "pythonic" and forced.call_like  # not read: reported
    read = ingest({"messages": [dict(m) for m in messages]}, "mistral")
    assert read.parsed.format == "mistral" and not read.call_like


def test_sharegpt_system_column_and_python_literal_tools_in_the_prompt() -> None:
    system = "You may call: <tools> [{'type': 'function', 'function': {'name': 'f'}}] </tools>"
    item = {
        "system": system,
        "conversations": [
            {"from": "human", "value": "Go."},
            {"from": "gpt", "value": '<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>'},
        ],
    }
    source = ingest(item)
    assert item["messages"][0] == {"role": "system", "content": system}
    assert item["tools"] == [{"type": "function", "function": {"name": "f"}}]
    assert "the system column became the first (system) message" in source.notes


def test_a_record_with_tools_keeps_them_over_its_system_prompt() -> None:
    own = [{"type": "function", "function": {"name": "g", "parameters": {"type": "object"}}}]
    item = {
        "tools": own,
        "messages": [
            {"role": "system", "content": '<tools>{"name": "f"}</tools>'},
            {"role": "assistant", "content": "Hi."},
        ],
    }
    ingest(item)
    assert item["tools"] == own


def test_an_empty_tools_list_does_not_hide_the_system_prompts_list() -> None:
    # ToolACE converted to LLaMA-Factory writes "tools": "[]" and lists the tools in
    # the system text: the empty list left every call unchecked.
    item = {
        "tools": [],
        "messages": [
            {"role": "system", "content": '<tools>{"name": "f"}</tools>'},
            {"role": "assistant", "content": "Hi."},
        ],
    }
    source = ingest(item)
    assert [t["function"]["name"] for t in item["tools"]] == ["f"]
    assert any("in place of the record's empty tools list" in n for n in source.notes)


def test_llama3_json_list_and_end_of_message_tokens() -> None:
    text = '<|python_tag|>[{"name": "f", "parameters": {"a": 1}}]<|eom_id|>'
    found = parse_llama3(text)
    assert found is not None and found.prose == ""
    assert [(c.name, c.arguments) for c in found.calls] == [("f", {"a": 1})]


def test_params_offer_every_format() -> None:
    assert typing.get_args(typing.get_type_hints(ExtractParams)["format"]) == FORMATS


def test_external_rows_with_integer_ids_and_empty_tools_are_read() -> None:
    row: dict[str, Any] = {"id": 12, "tools": "  "}
    _adapt_external_value(row, 3)
    assert row == {"id": "12", "tools": []}


@pytest.mark.parametrize(
    ("parameters", "good", "bad", "note"),
    [
        (
            {"n": {"type": "List[int]", "required": True}},
            {"n": [1, 2]},
            {"n": ["x"]},
            "parameters.properties.n.type: 'List[int]' -> 'array' with items",
        ),
        (
            {"s": {"type": "str, optional"}},
            {},
            {"s": 1},
            "parameters.properties.s.type: 'str, optional': "
            "', optional' -> not required, null allowed",
        ),
        (
            {"d": {"type": "Dict[str, int]"}},
            {"d": {"a": 1}},
            {"d": {"a": "b"}},
            "parameters.properties.d.type: 'Dict[str, int]' -> 'object'",
        ),
        (
            {"u": {"type": "Optional[Union[int, str]]"}},
            {"u": None},
            {"u": 1.5},
            "parameters.properties.u.type: 'Optional[Union[int, str]]' -> "
            "['integer', 'string', 'null']",
        ),
    ],
)  # fmt: skip
def test_published_type_spellings(
    parameters: dict[str, Any], good: Any, bad: Any, note: str
) -> None:
    schemas = ToolSchemas([{"name": "t", "parameters": parameters}])
    assert f"t: {note}" in schemas.notes
    assert "t: parameters: a bare property map -> an object schema with those properties" in (
        schemas.notes
    )
    assert schemas.validate("t", good) == (True, [])
    assert schemas.validate("t", bad)[0] is False


def test_required_beside_parameters_moves_inside() -> None:
    tool = {**WEATHER, "required": ["city"]}
    schemas = ToolSchemas([{"type": "function", "function": tool}])
    assert "get_weather: required ['city'] beside parameters -> inside them" in schemas.notes
    assert schemas.validate("get_weather", {})[0] is False
    assert schemas.property_type("get_weather", "city") == "string"
    nullable = ToolSchemas(
        [{"name": "n", "parameters": {"properties": {"a": {"type": ["string", "null"]}}}}]
    )
    assert nullable.property_type("n", "a") == "string"
    assert (
        nullable.property_type("n", "missing") is None and nullable.property_type("x", "a") is None
    )


def test_a_calls_field_takes_any_name_and_calls_without_arguments() -> None:
    text = '[{"name": "Get Recipe", "arguments": {"q": 1}}, {"name": "news"}]'
    first, second = json_calls(text, "answers")
    assert (first.name, first.arguments, second.name, second.arguments) == (
        "Get Recipe",
        {"q": 1},
        "news",
        {},
    )
    assert text[slice(*second.call_span)] == '{"name": "news"}'
    assert second.args_span[0] == second.args_span[1] == text.index('"news"') + len('"news"')
    # The same object in free text is not a call: a name must be an identifier there.
    assert parse_llama3('{"name": "Get Recipe", "parameters": {}}') is None
    with pytest.raises(FormatError, match="expected a JSON call object"):
        json_calls('[{"name": ""}]', "answers")


def test_a_forced_text_format_on_a_plain_answer_is_a_plain_answer() -> None:
    source = ingest({"prompt": "Hi", "teacher_text": "Hello there."}, "mistral")
    assert source.parsed.of("call") == [] and source.messages[-1]["content"] == "Hello there."


def test_teacher_text_and_messages_with_the_same_calls_read_the_messages() -> None:
    call = '{"name": "f", "parameters": {"a": 1}}'
    item = {
        "teacher_text": call,
        "messages": [{"role": "user", "content": "Go"}, {"role": "assistant", "content": call}],
    }
    source = ingest(item)
    assert source.parsed.format == "llama3_json"
    assert item["teacher_text_original"] == call
    assert item["messages_original"][1]["content"] == call
    (where,) = source.call_sources
    assert where is not None and where["field"] == "messages[1].content"
    assert _calls(item) == [("f", {"a": 1})]


def test_a_bare_teacher_text_keeps_the_given_system_and_user_turns() -> None:
    item = {
        "teacher_text": "[f(a=1)]",
        "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}],
    }
    source = ingest(item)
    assert [m["role"] for m in item["messages"]] == ["system", "user", "assistant"]
    (where,) = source.call_sources
    assert where is not None and where["field"] == "teacher_text_original"
    assert where["call_span"] == {"chars": [1, 7], "utf8": [1, 7]}


@pytest.mark.parametrize("value", ["[]", " [ ] ", "[\n]"])
def test_a_function_call_turn_without_a_call_is_rejected(value: str) -> None:
    item = {
        "conversations": [
            {"from": "human", "value": "Book it."},
            {"from": "function_call", "value": value},
            {"from": "gpt", "value": "Booked."},
        ]
    }
    with pytest.raises(FormatError, match=r"conversations\[1\]\.value: .*no call"):
        ingest(item)


@pytest.mark.parametrize(
    "text",
    [
        "<tool_call>\n<function=book_room>\n<parameter=nights>\n2\n</parameter>\n",
        "<tool_call>\n<function=book_room>\n<parameter=nights>\n2\n</parameter>\n</tool_call>",
        "Booking.\n<tool_call>\n<function=book_room>\n<parameter=nights>\n2\n</tool_call>\nOK",
    ],
)
def test_an_unclosed_qwen_call_keeps_its_name_and_stays_invalid(text: str) -> None:
    source = ingest({"prompt": "Two nights.", "teacher_text": text})
    (block,) = source.parsed.of("call")
    call = parse_call(text, block.start, block.end)
    assert call.name == "book_room" and not call.json_valid
    assert call.name_span is not None and text[slice(*call.name_span)] == "book_room"
    assert "Qwen XML call not complete (no closing </function>)" in call.errors


@pytest.mark.parametrize(
    ("parameters", "arguments"),
    [
        ({"type": {"type": "str", "description": "Kind", "default": "all"}}, {"type": "news"}),
        ({"items": {"type": "List[str]"}, "required": {"type": "bool"}}, {"items": ["a"]}),
        ({"code": {"type": "str, optional", "default": ""}}, {"code": None}),
    ],
)
def test_bare_maps_with_keyword_names_keep_their_schema(
    parameters: dict[str, Any], arguments: dict[str, Any]
) -> None:
    schemas = ToolSchemas([{"name": "t", "parameters": parameters}])
    assert "t: parameters: a bare property map -> an object schema with those properties" in (
        schemas.notes
    )
    assert schemas.validate("t", arguments) == (True, [])
    key = next(iter(parameters))
    assert schemas.validate("t", {key: 12345})[0] is False  # the schema is not lost
