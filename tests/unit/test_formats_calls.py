"""Verdicts and spans for one call's text (pipeline.formats.calls)."""

from __future__ import annotations

import json

import pytest

from pipeline.formats.calls import parse_call


def _parts(text: str, call) -> tuple[str | None, str | None, str]:
    name = text[call.name_span[0] : call.name_span[1]] if call.name_span else None
    args = text[call.args_span[0] : call.args_span[1]] if call.args_span else None
    return name, args, text[call.call_span[0] : call.call_span[1]]


def test_valid_call_in_a_larger_text_has_absolute_spans() -> None:
    body = json.dumps({"name": "fs.read", "arguments": {"path": "a/b.md"}})
    text = f"<tool_call>\n{body}\n</tool_call>"
    call = parse_call(text, 12, 12 + len(body))
    assert (call.name, call.arguments, call.json_valid, call.errors) == (
        "fs.read",
        {"path": "a/b.md"},
        True,
        [],
    )
    assert _parts(text, call) == ("fs.read", '{"path": "a/b.md"}', body)
    assert call.schema_valid is None


@pytest.mark.parametrize(
    ("text", "quirk"),
    [
        ("{'name': 'fs.read', 'arguments': {'path': 'a.md'}}", "single-quoted string"),
        ('{"name": "fs.read", "arguments": {"path": "a.md",}}', "trailing comma"),
    ],
)
def test_malformed_calls_keep_their_spans(text: str, quirk: str) -> None:
    call = parse_call(text, 0, len(text))
    assert not call.json_valid and call.arguments is None
    assert call.errors[0].startswith("invalid JSON: ")
    assert any(quirk in e for e in call.errors[1:])
    name, args, whole = _parts(text, call)
    assert name == "fs.read" and args is not None and args.startswith("{") and whole == text
    assert call.name == "fs.read"


def test_truncated_call_runs_to_the_end_of_its_block() -> None:
    text = '{"name": "web.search", "arguments": {"q": "tok'
    call = parse_call(text, 0, len(text))
    assert not call.json_valid
    assert "malformed call: truncated: the object is not closed" in call.errors
    assert _parts(text, call) == ("web.search", '{"q": "tok', text)


def test_arguments_as_a_json_string_are_decoded_with_a_note() -> None:
    text = json.dumps({"name": "code.run", "arguments": json.dumps({"code": "print(1)"})})
    call = parse_call(text, 0, len(text))
    assert call.json_valid and call.arguments == {"code": "print(1)"}
    assert call.errors == [
        "arguments is a JSON-encoded string, where an object is expected (decoded)"
    ]
    assert _parts(text, call)[1] == json.dumps(json.dumps({"code": "print(1)"}))


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ("not json", "arguments is a string that is not JSON, where an object is expected"),
        ("[1, 2]", "arguments is a string holding JSON list, not an object"),
    ],
)
def test_string_arguments_that_are_not_objects(arguments: str, error: str) -> None:
    text = json.dumps({"name": "x", "arguments": arguments})
    call = parse_call(text, 0, len(text))
    assert call.json_valid and call.arguments == arguments and call.errors == [error]


def test_other_shapes_get_readable_verdicts() -> None:
    text = json.dumps({"name": "x", "parameters": {"a": 1}})
    call = parse_call(text, 0, len(text))
    assert call.arguments == {"a": 1}
    assert call.errors == ["arguments given under 'parameters' instead of 'arguments'"]
    assert _parts(text, call)[1] == '{"a": 1}'

    listed = parse_call("[1, 2]", 0, 6)
    assert listed.json_valid and listed.name is None
    assert listed.errors == ["call is a JSON list, not an object"]

    nameless = parse_call('{"arguments": [1]}', 0, 18)
    assert nameless.errors == [
        "call has no string 'name'",
        "arguments is a JSON list, not an object",
    ]

    bare = parse_call('{"name": "x"}', 0, 13)
    assert bare.arguments is None and bare.errors == ["call has no 'arguments'"]

    prose = parse_call("just words", 0, 10)
    assert not prose.json_valid and prose.call_span == (0, 10) and prose.name_span is None
    assert "malformed call: no JSON object found" in prose.errors


def test_name_from_a_broken_call_is_unescaped() -> None:
    text = '{"name": "caf\\u00e9", "arguments": {"a": 1,}}'
    call = parse_call(text, 0, len(text))
    assert call.name == "café"
    weird = '{"name": "bad\\x", "arguments": {}'
    assert parse_call(weird, 0, len(weird)).name == "bad\\x"
