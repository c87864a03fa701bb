"""A tool declared twice in one record (`pipeline.formats.declarations`).

Every format's tools pass through the one rule: identical declarations (equal as
JSON values) are read once, with a note and the list kept as given; different
ones are a reject naming the second, ``tools[j]``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.formats import FormatError, ingest

WEATHER = {
    "name": "get_weather",
    "description": "Weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city"],
    },
}
# The same declaration, its keys in another order: the same JSON value.
REORDERED = {
    "parameters": {
        "required": ["city"],
        "properties": {"days": {"type": "integer"}, "city": {"type": "string"}},
        "type": "object",
    },
    "description": "Weather for a city.",
    "name": "get_weather",
}
# The same name with another schema: `days` required too.
OTHER = {**WEATHER, "parameters": {**WEATHER["parameters"], "required": ["city", "days"]}}
CLOCK = {"name": "get_time", "parameters": {"type": "object", "properties": {}}}
CALL = {"name": "get_weather", "arguments": {"city": "Oslo"}}
HERMES_CALL = f"<tool_call>\n{json.dumps(CALL)}\n</tool_call>"


def _wrapped(*tools: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": t} for t in tools]


def _openai(tools: list[Any], key: str = "tools") -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": "Oslo?"},
            {"role": "assistant", "content": None, "tool_calls": [{"function": CALL}]},
        ],
        key: tools,
    }


def _hermes(system: str) -> dict[str, Any]:
    return {
        "conversations": [
            {"from": "system", "value": system},
            {"from": "human", "value": "Oslo?"},
            {"from": "gpt", "value": HERMES_CALL},
        ]
    }


def _block(*tools: dict[str, Any]) -> str:
    return f"<tools>\n{json.dumps(list(tools))}\n</tools>"


def _glaive(*functions: dict[str, Any]) -> dict[str, Any]:
    listed = "\n".join(json.dumps(f, indent=4) for f in functions)
    return {
        "system": f"SYSTEM: You are a helpful assistant with access to the following functions. "
        f"Use them if required -\n{listed}\n",
        "chat": "USER: Oslo?\n\n\nASSISTANT: <functioncall> "
        '{"name": "get_weather", "arguments": \'{"city": "Oslo"}\'} <|endoftext|>',
    }


def _react(*apis: dict[str, Any]) -> dict[str, Any]:
    system = "Specifically, you have access to the following APIs: " + repr(list(apis))
    action = '\nThought: I need it.\nAction: get_weather\nAction Input: {"city": "Oslo"}'
    return {
        "conversations": [
            {"from": "system", "value": system},
            {"from": "user", "value": "Oslo?"},
            {"from": "assistant", "value": action},
        ]
    }


def _llamafactory(tools: list[Any]) -> dict[str, Any]:
    turns = [
        {"from": "human", "value": "Oslo?"},
        {"from": "function_call", "value": json.dumps(CALL)},
    ]
    return {"conversations": turns, "tools": tools}


def _xlam(tools: list[Any]) -> dict[str, Any]:
    return {"query": "Oslo?", "answers": json.dumps([CALL]), "tools": tools}


# Every place a record's tools come from, with the second declaration differing.
DIFFERENT = [
    pytest.param(_openai(_wrapped(WEATHER, CLOCK, OTHER)), "tools[2]", id="openai-tools"),
    pytest.param(_openai([WEATHER, OTHER], "functions"), "tools[1]", id="legacy-functions"),
    pytest.param(_hermes(_block(WEATHER, OTHER)), "tools[1]", id="hermes-tools-block"),
    pytest.param(_hermes(f"Call: {json.dumps([WEATHER, OTHER])}"), "tools[1]", id="prose-list"),
    pytest.param(_glaive(WEATHER, OTHER), "tools[1]", id="glaive-system"),
    pytest.param(_react(WEATHER, OTHER), "tools[1]", id="react-api-list"),
    pytest.param(_llamafactory([WEATHER, OTHER]), "tools[1]", id="llamafactory"),
    pytest.param(_xlam([WEATHER, OTHER]), "tools[1]", id="xlam"),
]  # fmt: skip


@pytest.mark.parametrize(("item", "field"), DIFFERENT)
def test_a_tool_declared_twice_differently_is_refused_naming_the_second(
    item: dict[str, Any], field: str
) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(item)
    assert caught.value.field == field
    assert caught.value.reason == (
        "a second declaration of 'get_weather', unlike tools[0]: "
        "which schema its calls were checked against cannot be known"
    )


IDENTICAL = [
    pytest.param(_openai(_wrapped(WEATHER, CLOCK, REORDERED)), id="openai-tools"),
    pytest.param(_openai([WEATHER, CLOCK, REORDERED], "functions"), id="legacy-functions"),
    pytest.param(_hermes(_block(WEATHER, CLOCK, REORDERED)), id="hermes-tools-block"),
    pytest.param(_glaive(WEATHER, CLOCK, REORDERED), id="glaive-system"),
    pytest.param(_llamafactory([WEATHER, CLOCK, REORDERED]), id="llamafactory"),
    pytest.param(_xlam([WEATHER, CLOCK, REORDERED]), id="xlam"),
]  # fmt: skip


@pytest.mark.parametrize("item", IDENTICAL)
def test_a_tool_declared_twice_identically_is_read_once_with_a_note(item: dict[str, Any]) -> None:
    source = ingest(item)
    assert item["tools"] == _wrapped(WEATHER, CLOCK)
    assert len(item["tools_original"]) == 3  # the list as read, before the repeat went
    note = "tools: identical repeated declarations dropped: tools[2] (get_weather, as tools[0])"
    assert f"{note} (given tools kept)" in source.notes
    # The call is judged against the one schema.
    assert (
        source.schemas is not None
        and source.schemas.validate("get_weather", {"city": 1})[0] is False
    )


def test_tools_named_once_are_left_as_given() -> None:
    tools = _wrapped(WEATHER, CLOCK)
    item = _openai(tools)
    source = ingest(item)
    assert item["tools"] == tools and "tools_original" not in item
    assert not any("repeated declarations" in note for note in source.notes)


def test_tools_without_a_name_are_left_to_the_schema_reader() -> None:
    nameless = {"type": "function", "function": {"description": "no name"}}
    item = _openai([nameless, nameless, *_wrapped(WEATHER)])
    source = ingest(item)
    assert len(item["tools"]) == 3
    assert source.schemas is not None and "tools[0]: no function name" in source.schemas.problems
