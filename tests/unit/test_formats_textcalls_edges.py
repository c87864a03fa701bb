"""Calls in assistant text that must not be read: each malformed spelling gives no
calls (so `call_like` reports it) rather than a half-read or invented call, and
values JSON cannot hold (NaN, Infinity, 1e999, non-string keys) are never taken
for JSON."""

from __future__ import annotations

import pytest

from pipeline.formats.pythonic import parse_pythonic
from pipeline.formats.qwenxml import convert_value, parse_qwen_xml
from pipeline.formats.textcalls import (
    call_like,
    json_array_items,
    parse_llama3,
    parse_mistral,
    parse_text_calls,
)


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "f", "arguments": "{\\"x\\": 1} and more"}',  # string arguments, not one object
        '{"name": "f", "arguments": [1, 2]}',  # arguments not an object
        '{"name": "f\\u0031", "arguments": {}}',  # escaped name: its characters are not the name
        '{"name": "f", "arguments": {"x": NaN}}',
        '{"name": "f", "arguments": {"x": Infinity}}',
        '{"name": "f", "arguments": {"x": 1e999}}',
    ],
)
def test_llama3_objects_that_are_not_calls_are_not_read(text: str) -> None:
    assert parse_llama3(text) is None
    assert parse_text_calls(text, "auto") is None
    assert call_like(text) is not None  # reported, not silently plain prose


def test_a_finite_float_still_reads() -> None:
    found = parse_llama3('{"name": "f", "arguments": {"x": 1.5e3}}')
    assert found is not None and found.calls[0].arguments == {"x": 1500.0}


@pytest.mark.parametrize(
    "text",
    [
        '[TOOL_CALLS][{"name": "f"}]',  # no arguments in free text
        "[TOOL_CALLS][]",
        '[TOOL_CALLS][{"name": "f", "arguments": {}}, {]',
        "[TOOL_CALLS]f[ARGS][1]",  # named call whose arguments are not an object
        '[TOOL_CALLS]f[ARGS]{"x": NaN}',
        '[TOOL_CALLS]f {"x": 1}',  # without [ARGS], the object must follow the name at once
        '[TOOL_CALLS]f{"x": 1',  # cut off
        '[TOOL_CALLS]9f{"x": 1}',  # not an identifier
    ],
)
def test_mistral_broken_calls_are_not_read(text: str) -> None:
    assert parse_mistral(text) is None


def test_json_array_items_needs_one_complete_array() -> None:
    assert json_array_items('[{"a": 1}, {]', 0) is None
    assert json_array_items("[1 2]", 0) is None
    assert json_array_items("[1, 2]", 0) == ([(1, 1, 2), (2, 4, 5)], 6)


def test_qwen_xml_without_a_schema_keeps_values_as_text() -> None:
    found = parse_qwen_xml("<function=f><parameter=n>\n12\n</parameter></function>")
    assert found is not None
    assert found.calls[0].arguments == {"n": "12"}  # no schema type: the raw text


@pytest.mark.parametrize(
    "text",
    [
        "<function=f><parameter=x>1</parameter><parameter=x>2</parameter></function>",
        "<function=f><parameter= >1</parameter></function>",
        "no qwen call here",
        "<tool_call>\n<function=f><parameter=x>1</parameter></function>",  # unclosed tool_call
        "<function=1f><parameter=x>1</parameter></function>",  # not a tool name
    ],
)
def test_qwen_xml_repeated_or_empty_parameter_names_are_not_read(text: str) -> None:
    assert parse_qwen_xml(text) is None


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("NaN", "number", "NaN"),
        ("1e999", "number", "1e999"),
        ("Infinity", "any", "Infinity"),
        ("{1: 2}", "object", "{1: 2}"),  # a Python dict JSON cannot hold: the text
        ("float('nan')", "number", "float('nan')"),
        ("(1, 2)", "array", [1, 2]),  # a tuple literal is a JSON array
        ("2.5", "number", 2.5),
    ],
)
def test_qwen_values_json_cannot_hold_stay_text(raw: str, kind: str, value: object) -> None:
    assert convert_value(raw, kind) == value


@pytest.mark.parametrize(
    "text",
    [
        "[f(1)]",  # positional argument: no parameter name
        "[f()(x=1)]",  # called result: no dotted name
        "[a[0](x=1)]",
        "[f(x=-[1])]",  # sign before a non-number
        "[f(x={**d})]",  # ** in a dict
        "[f(x=1, x=2)]",
        "[f(**kw)]",
    ],
)
def test_pythonic_calls_that_are_not_plain_keyword_literals_are_not_read(text: str) -> None:
    assert parse_pythonic(text) is None


@pytest.mark.parametrize("text", ["[]", "[1][f(x=1)]"])
def test_pythonic_empty_or_non_call_lists_are_not_calls(text: str) -> None:
    assert parse_pythonic(text) is None
