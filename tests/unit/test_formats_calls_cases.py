"""One call's verdict and spans on compact and unusual call texts (pipeline.formats.calls).

Checks the name recovered from broken calls written without spaces, the
spans and errors of calls surrounded by other text, and arguments found
under the fallback key.
"""

from __future__ import annotations

import pytest

from pipeline.formats.calls import parse_call


def _slice(text: str, span: tuple[int, int] | None) -> str | None:
    return text[span[0] : span[1]] if span is not None else None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"name":"caf\\u00e9","arguments":{"a":1,}}', "café"),
        ('{"name":"tab\\tname","arguments":{"a":1', "tab\tname"),
        ("{'name':'fs.read','arguments':{}}", "fs.read"),
    ],
)
def test_name_of_a_compact_broken_call_is_unescaped(text: str, name: str) -> None:
    call = parse_call(text, 0, len(text))
    assert not call.json_valid and call.name == name


def test_call_inside_a_larger_text_gets_absolute_spans_and_quirks() -> None:
    body = 'Sure: {"name": "x", "parameters": {"a": 1,}} ok'
    text = f"<tool_call>{body}</tool_call>"
    start = len("<tool_call>")
    call = parse_call(text, start, start + len(body))
    assert not call.json_valid and call.arguments is None
    assert _slice(text, call.name_span) == "x"
    assert _slice(text, call.args_span) == '{"a": 1,}'
    assert _slice(text, call.call_span) == '{"name": "x", "parameters": {"a": 1,}}'
    assert call.errors[1:] == [
        "malformed call: text before the JSON object: 'Sure:'",
        "malformed call: trailing comma before '}' at char 42",
        "malformed call: extra text after the JSON object at char 44",
    ]


def test_object_with_text_after_it_spans_only_the_object() -> None:
    text = '{"name": "x", "arguments": {}} and more'
    call = parse_call(text, 0, len(text))
    assert not call.json_valid
    assert _slice(text, call.call_span) == '{"name": "x", "arguments": {}}'
    assert call.errors[-1] == "malformed call: extra text after the JSON object at char 30"


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ('{"name": 5, "arguments": {}}', ["call has no string 'name'"]),
        ('{"name": null}', ["call has no string 'name'", "call has no 'arguments'"]),
        ('{"name": "x"}', ["call has no 'arguments'"]),
    ],
)
def test_valid_json_with_a_wrong_shape_is_still_valid_json(text: str, errors: list[str]) -> None:
    call = parse_call(text, 0, len(text))
    assert call.json_valid and call.errors == errors
    assert call.name == (None if "no string" in errors[0] else "x")
