"""Calls written in assistant text: Llama 3 JSON, Mistral, Qwen XML and pythonic.

Every case checks the recovered calls exactly and that each span's slice reads
back (with the same format's parser) to the same call; negative cases check
that prose with braces or brackets is not taken for a call, and that what
looks like a call but does not parse is reported by `call_like`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats.callspans import TextCall, TextCalls
from pipeline.formats.pythonic import parse_pythonic
from pipeline.formats.qwenxml import convert_value, parse_qwen_xml
from pipeline.formats.textcalls import (
    call_like,
    parse_llama3,
    parse_mistral,
    parse_text_calls,
)


def _types(name: str, key: str) -> str | None:
    return {"count": "integer", "label": "string", "flags": "object", "ok": "boolean"}.get(key)


def reparse(fmt: str, call: TextCall, text: str) -> tuple[str, dict[str, Any]]:
    """The call that the call span's slice holds, read back with its format's parser."""
    piece = text[call.call_span[0] : call.call_span[1]]
    if fmt == "pythonic":
        found = parse_pythonic(f"[{piece}]")
    elif fmt == "qwen_xml":
        found = parse_qwen_xml(piece, _types)
    elif fmt == "mistral" and piece.startswith("[TOOL_CALLS]"):
        found = parse_mistral(piece)
    else:
        obj = json.loads(piece)
        args = obj.get("arguments", obj.get("parameters"))
        return obj["name"], json.loads(args) if isinstance(args, str) else args
    assert found is not None and len(found.calls) == 1
    return found.calls[0].name, found.calls[0].arguments


def reparse_args(fmt: str, call: TextCall, text: str) -> Any:
    """The arguments that the args span's slice holds, read back on their own."""
    piece = text[call.args_span[0] : call.args_span[1]]
    if fmt == "pythonic":
        found = parse_pythonic(f"[f({piece})]")
        assert found is not None
        return found.calls[0].arguments
    if fmt == "qwen_xml":
        found = parse_qwen_xml(f"<function=f>\n{piece}\n</function>", _types)
        assert found is not None
        return found.calls[0].arguments
    value = json.loads(piece)
    return json.loads(value) if isinstance(value, str) else value


CASES: list[tuple[str, str, list[tuple[str, dict[str, Any]]], str]] = [
    (
        "llama3_json",
        '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Zürich", "n": [1, 2.5]}}',
        [("get_weather", {"city": "Zürich", "n": [1, 2.5]})],
        "",
    ),
    (
        "llama3_json",
        ' {"name": "a", "parameters": {"q": "say \\"hi\\"", "x": null, "t": true}};\n'
        '{"name":"b.c","parameters":{"deep":{"k":[{"v":-1e3}]}}}\n\nDone, both sent.',
        [
            ("a", {"q": 'say "hi"', "x": None, "t": True}),
            ("b.c", {"deep": {"k": [{"v": -1000.0}]}}),
        ],
        "Done, both sent.",
    ),
    (
        "llama3_json",
        '{"name": "s", "arguments": "{\\"city\\": \\"日本\\"}"}',
        [("s", {"city": "日本"})],
        "",
    ),
    (
        "mistral",
        '[TOOL_CALLS] [{"name": "f", "arguments": {"a": 1}, "id": "abc123xyz"},'
        '\n {"name": "g", "arguments": {}}]',
        [("f", {"a": 1}), ("g", {})],
        "",
    ),
    (
        "mistral",
        'Je vérifie. [TOOL_CALLS]get_weather[ARGS]{"city": "Genève"}'
        '[TOOL_CALLS]get_time[CALL_ID]k9x2[ARGS] {"tz": "Europe/Zurich"}\nVoilà.',
        [("get_weather", {"city": "Genève"}), ("get_time", {"tz": "Europe/Zurich"})],
        "Je vérifie.\nVoilà.",
    ),
    (
        # As Mistral's v11+ tokenizer decodes the named form: `[ARGS]` gone, the tag kept.
        "mistral",
        'Un instant. [TOOL_CALLS]sum_up{"x": 2.5, "y": [1]}[TOOL_CALLS]get-rate{}',
        [("sum_up", {"x": 2.5, "y": [1]}), ("get-rate", {})],
        "Un instant.",
    ),
    (
        "qwen_xml",
        "I'll look.\n<tool_call>\n<function=lookup>\n<parameter=count>\n7\n</parameter>\n"
        "<parameter=label>\n42\n</parameter>\n<parameter=flags>\n{'a': True}\n</parameter>\n"
        "<parameter=free>\n[1, 2]\n</parameter>\n<parameter=text>\nline one\n  line two\n"
        "</parameter>\n</function>\n</tool_call>\nThen I answer.",
        [
            (
                "lookup",
                {
                    "count": 7,
                    "label": "42",
                    "flags": {"a": True},
                    "free": "[1, 2]",  # not in the schema: the raw text
                    "text": "line one\n  line two",
                },
            )
        ],
        "I'll look.\nThen I answer.",
    ),
    (
        "qwen_xml",
        "<tool_call>\n<function=ping>\n</function>\n</tool_call>\n"
        "<tool_call><function=t><parameter=ok>false</parameter></function></tool_call>",
        [("ping", {}), ("t", {"ok": False})],
        "",
    ),
    (
        "pythonic",
        "[get_weather(city=\"Paris\", days=2), m.get_time(tz='CET', opts={'a': (1, -2.5)})]",
        [("get_weather", {"city": "Paris", "days": 2}),
         ("m.get_time", {"tz": "CET", "opts": {"a": [1, -2.5]}})],
        "",
    ),
    (
        "pythonic",
        "<|python_tag|>[f(note=\"it's \\\"ok\\\" 日本\",\n  x=None, y=[True, False]), g()]"
        "\nMore [text] here.",
        [("f", {"note": 'it\'s "ok" 日本', "x": None, "y": [True, False]}), ("g", {})],
        "More [text] here.",
    ),
    (
        # ToolACE names APIs in words: each name is read as written.
        "pythonic",
        "[Pool Status API(pool=\"north\", note='a b(c)'), Lane_Count(pool='south')]",
        [("Pool Status API", {"pool": "north", "note": "a b(c)"}),
         ("Lane_Count", {"pool": "south"})],
        "",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("fmt", "text", "expected", "prose"), CASES)
def test_calls_are_recovered_exactly_and_their_spans_read_back(
    fmt: str, text: str, expected: list[tuple[str, dict[str, Any]]], prose: str
) -> None:
    found = parse_text_calls(text, "auto", _types)
    assert isinstance(found, TextCalls) and found.format == fmt
    assert [(c.name, c.arguments) for c in found.calls] == expected
    assert found.prose == prose
    for call in found.calls:
        assert text[call.name_span[0] : call.name_span[1]] == call.name
        assert reparse(fmt, call, text) == (call.name, call.arguments)
        assert reparse_args(fmt, call, text) == call.arguments
    assert parse_text_calls(text, fmt, _types) == found


@pytest.mark.parametrize(
    "text",
    [
        "A set {1, 2} and a list [3, 4] are not calls.",
        'The JSON {"name": "x"} has no arguments.',
        "See [the docs](https://example.com) (section 2).",
        "[1, 2, 3]",
        "{}",
        "[see (1)] and [a](b)",
    ],
)
def test_prose_with_braces_or_brackets_is_neither_a_call_nor_call_like(text: str) -> None:
    assert parse_text_calls(text, "auto", _types) is None
    assert call_like(text) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "f", "parameters": {"a": 1}',  # truncated
        'As JSON: {"name": "f", "arguments": {}} is the call.',  # quoted mid-sentence
        "[f(x=__import__('os').getcwd())]",  # not a literal: never evaluated
        "[f(1, 2)]",  # positional arguments
        "[TOOL_CALLS] not json",
        "<function=f>\n<parameter=a>\n1\n</function>",  # an unclosed parameter
        '{"name": "1bad", "parameters": {}}',  # not an identifier
    ],
)
def test_call_like_text_that_no_parser_reads_is_reported(text: str) -> None:
    assert parse_text_calls(text, "auto", _types) is None
    assert call_like(text) is not None


def test_a_spaced_name_is_not_read_when_reading_it_would_touch_an_argument() -> None:
    # Masking the spaces of names must never rewrite a string argument that looks alike.
    assert parse_pythonic("[Pool Status API(note='x, Big Pool(')]") is None


def test_a_forced_format_reads_only_its_own_syntax() -> None:
    text = '[TOOL_CALLS][{"name": "f", "arguments": {}}]'
    assert parse_text_calls(text, "pythonic") is None
    assert parse_text_calls(text, "mistral") is not None


def test_hermes_blocks_are_not_call_like() -> None:
    text = '<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>'
    assert call_like(text) is None
    assert call_like(text + ' then {"name": "g", "parameters": {}}') is not None


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("123", "string", "123"),
        ("123", "integer", 123),
        ("1.5", "number", 1.5),
        ("True", "boolean", True),
        ("true", "boolean", True),
        ("{'a': [1, None]}", "object", {"a": [1, None]}),
        ("[1, 2]", "array", [1, 2]),
        # Not in the schema: the raw text, as the reference Qwen3-Coder parsers return it.
        ("12", None, "12"),
        ("[1, 2]", None, "[1, 2]"),
        ("12", "any", 12),
        ("plain words", "any", "plain words"),
        ("not a number", "integer", "not a number"),
        ("(1, 2)", "array", [1, 2]),
        ("{1, 2}", "array", "{1, 2}"),
    ],
)
def test_qwen_values_convert_by_schema_type(raw: str, kind: str | None, value: Any) -> None:
    assert convert_value(raw, kind) == value


def test_llama3_json_needs_the_text_to_be_the_call() -> None:
    assert parse_llama3('Sure: {"name": "f", "parameters": {}}') is None
    assert (
        parse_llama3('{"name": "f", "parameters": {}}{"name": "g", "parameters": {}}') is not None
    )


_PIECES = [
    "[TOOL_CALLS]", "[ARGS]", "[CALL_ID]", "<|python_tag|>", "<tool_call>", "</tool_call>",
    "<function=", "<function=f>", "</function>", "<parameter=a>", "</parameter>", "{", "}",
    "[", "]", "(", ")", '"name"', '"arguments"', '"parameters"', ":", ",", '"f"', "f", "=",
    "'", '"', "\\", "1", "-", "é", "日本", "\n", " ", ";", "True", "None", "null", "x=1",
    "f(", "a.b", '{"a": 1}', "<|eom_id|>",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30).map("".join))
def test_any_text_parses_or_not_without_raising_and_spans_nest(text: str) -> None:
    for fmt in ("auto", "llama3_json", "mistral", "qwen_xml", "pythonic"):
        found = parse_text_calls(text, fmt, _types)
        for call in found.calls if found else ():
            assert 0 <= call.call_span[0] <= call.name_span[0] <= call.name_span[1]
            assert call.call_span[0] <= call.args_span[0] <= call.args_span[1]
            assert max(call.name_span[1], call.args_span[1]) <= call.call_span[1] <= len(text)
            json.dumps(call.arguments, allow_nan=False)  # JSON-compatible values only
    call_like(text)


def test_deeply_nested_text_is_neither_a_call_nor_an_error() -> None:
    deep = "[" * 5000 + "]" * 5000
    assert parse_text_calls(deep, "auto") is None
    assert parse_text_calls("{" + '"a":[' * 3000, "llama3_json") is None
