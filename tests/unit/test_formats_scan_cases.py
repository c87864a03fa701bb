"""The tolerant scanner on quirks found in real teacher output (pipeline.formats.scan).

Checks which quirks are reported once per kind (and which kinds stay apart),
how odd keys are read, and where values of broken objects start and end.
"""

from __future__ import annotations

import pytest

from pipeline.formats.scan import MAX_DEPTH, _key_text, scan_object


def _values(text: str) -> dict[str, str]:
    scan = scan_object(text)
    return {k: text[f.value_start : f.value_end] for k, f in scan.fields.items()}


def test_trailing_commas_before_either_bracket_are_one_kind() -> None:
    scan = scan_object('{"a": [1,], "b": 2,}')
    assert scan.complete
    assert scan.quirks == ["trailing comma before ']' at char 9"]
    assert _values('{"a": [1,], "b": 2,}') == {"a": "[1,]", "b": "2"}


def test_mismatched_brace_and_bracket_are_reported_separately() -> None:
    text = '{"a": {"x": 1], "b": [2}}'
    scan = scan_object(text)
    assert scan.complete
    assert scan.quirks == ["mismatched ']' at char 13", "mismatched '}' at char 23"]
    assert _values(text) == {"a": '{"x": 1], "b": [2}'}


def test_single_quoted_and_unterminated_strings_are_different_kinds() -> None:
    scan = scan_object("{'a': \"unterminated")
    assert scan.quirks == [
        "single-quoted string at char 1 (Python dict syntax, not JSON)",
        "unterminated string at char 6",
        "truncated: the object is not closed",
    ]
    assert not scan.complete
    assert scan.fields["a"].inner is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('{"na\\q": 1}', "na\\q"),
        ('{"\\u006eame": 1}', "name"),
        ("{'name': 1}", "name"),
        ("{name: 1}", "name"),
        ('{"": 1}', ""),
        ("{'': 1}", ""),
    ],
)
def test_keys_are_read_whatever_their_quoting(text: str, key: str) -> None:
    assert _values(text) == {key: "1"}


def test_single_quoted_string_value_has_an_inner_span() -> None:
    text = "{'name': 'fs.read'}"
    inner = scan_object(text).fields["name"].inner
    assert inner is not None and text[inner[0] : inner[1]] == "fs.read"


def test_long_bare_words_and_prefixes_are_shortened_in_quirks() -> None:
    word = "abcdefghijklmnopqrstuvwxyz"
    scan = scan_object(f'{{"a": {word}, {word}: 1}}')
    assert scan.quirks == [
        f"bare word {word[:20]!r} at char 6 (not a JSON value or quoted string)",
        f"unquoted key {word[:20]!r} at char 34",
    ]
    prefix = scan_object("Here is the call that I am making now: {}")
    assert prefix.quirks == ["text before the JSON object: 'Here is the call that I am mak'"]


def test_a_single_quoted_key_cut_off_mid_escape_keeps_its_text() -> None:
    scan = scan_object("{'name\\")
    assert not scan.complete and list(scan.fields) == ["name"]
    assert "unterminated string at char 1" in scan.quirks


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("{}", {}),
        ('{[1, 2], "a": 3}', {"a": "3"}),
        ('{"a": 1 [2]}', {"a": "1 [2]"}),
        ('{"a": 1 2}', {"a": "1 2"}),
        ('{"name" "x", "arguments" {"q": 1}}', {"name": '"x"', "arguments": '{"q": 1}'}),
        ('{"format": XML, "b": 1}', {"format": "XML", "b": "1"}),
    ],
)
def test_only_values_that_follow_a_key_become_fields(text: str, values: dict[str, str]) -> None:
    scan = scan_object(text)
    assert scan.complete and _values(text) == values


def test_unquoted_enum_value_is_a_bare_word() -> None:
    scan = scan_object('{"format": XML, "b": 1}')
    assert scan.quirks == ["bare word 'XML' at char 11 (not a JSON value or quoted string)"]
    assert scan.fields["format"].inner is None


def test_nesting_up_to_the_limit_is_walked_to_the_end() -> None:
    depth = MAX_DEPTH - 1  # the call object itself is the first level
    text = '{"a": ' + "[" * depth + "]" * depth + ', "b": 1}'
    scan = scan_object(text)
    assert scan.complete and scan.quirks == []
    assert _values(text)["b"] == "1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The top-level brace closes a list that never closed: the value is what
        # lies before that brace, never a span that ends before it starts.
        ('{"name": "x", "arguments": [}', "["),
        ('{"name": "x", "arguments": [1, {"a": 2}  }', '[1, {"a": 2}'),
        ('{"arguments": [  \n}', "["),
    ],
)
def test_a_value_cut_off_by_the_closing_brace_ends_before_it(text: str, expected: str) -> None:
    scan = scan_object(text)
    field = scan.fields["arguments"]
    assert field.value_start <= field.value_end
    assert text[field.value_start : field.value_end] == expected
    assert scan.complete


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unterminated_key_is_read_without_its_quote(quote: str) -> None:
    # The key never closes, so the walk ends in it and the object is truncated.
    scan = scan_object(f"{{{quote}name{quote}: 1, {quote}args\n")
    assert not scan.complete and list(scan.fields) == ["name"]
    assert _key_text(f"{quote}args") == "args"
    assert _key_text(quote) == ""
