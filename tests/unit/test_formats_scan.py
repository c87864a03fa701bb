"""The tolerant scanner: spans of name and arguments in valid and broken call JSON."""

from __future__ import annotations

import json

import orjson
from hypothesis import given
from hypothesis import strategies as st

from pipeline.formats.scan import MAX_DEPTH, scan_object, scan_valid_object


def _value(text: str, key: str) -> str:
    scan = scan_object(text)
    field = scan.fields[key]
    return text[field.value_start : field.value_end]


def test_valid_call_spans_and_no_quirks() -> None:
    text = '{"name": "web.search", "arguments": {"q": "a}b\\"{", "k": [1, {"x": 2}]}}'
    scan = scan_object(text)
    assert scan.complete and scan.quirks == [] and (scan.start, scan.end) == (0, len(text))
    name = scan.fields["name"]
    assert text[name.inner[0] : name.inner[1]] == "web.search"
    assert _value(text, "arguments") == '{"q": "a}b\\"{", "k": [1, {"x": 2}]}'
    assert scan.fields["arguments"].inner is None


def test_scalar_and_string_values_at_top_level() -> None:
    text = '{"a": 12, "b": -1.5e3, "c": null, "d": "x"}'
    assert [_value(text, k) for k in "abcd"] == ["12", "-1.5e3", "null", '"x"']


def test_single_quotes_are_a_quirk_but_located() -> None:
    text = "{'name': 'fs.read', 'arguments': {'path': 'it\\'s.txt'}}"
    scan = scan_object(text)
    assert scan.complete
    assert scan.quirks == ["single-quoted string at char 1 (Python dict syntax, not JSON)"]
    name = scan.fields["name"]
    assert text[name.inner[0] : name.inner[1]] == "fs.read"
    assert _value(text, "arguments") == "{'path': 'it\\'s.txt'}"


def test_trailing_comma_reports_its_place() -> None:
    text = '{"name": "x", "arguments": {"a": [1, 2,], "b": 1,}}'
    scan = scan_object(text)
    assert scan.quirks == ["trailing comma before ']' at char 39"]
    assert _value(text, "arguments") == '{"a": [1, 2,], "b": 1,}'


def test_truncated_object_runs_to_the_end() -> None:
    text = '{"name": "x", "arguments": {"a": [1, 2  \n'
    scan = scan_object(text)
    assert not scan.complete and scan.end == len(text)
    assert scan.quirks == ["truncated: the object is not closed"]
    assert _value(text, "arguments") == '{"a": [1, 2'


def test_unterminated_string_is_reported() -> None:
    scan = scan_object('{"name": "web.se')
    assert "unterminated string at char 9" in scan.quirks
    assert scan.fields["name"].inner is None  # no closing quote: no name span


def test_python_literals_bare_words_and_unquoted_keys() -> None:
    scan = scan_object('{"a": True, b: None, "c": maybe}')
    assert scan.quirks == [
        "Python literal True at char 6 (JSON needs true)",
        "unquoted key 'b' at char 12",
        "bare word 'maybe' at char 26 (not a JSON value or quoted string)",
    ]
    assert set(scan.fields) == {"a", "b", "c"}


def test_mismatched_and_stray_brackets() -> None:
    scan = scan_object('{"a": [1, 2}, "b": 3}')
    assert scan.complete and scan.quirks[0] == "mismatched '}' at char 11"
    stray = scan_object('{"a": 1]}')
    assert stray.complete and stray.quirks == ["mismatched ']' at char 7"]
    assert stray.fields["a"].value_end == 7


def test_text_around_the_object_and_no_object() -> None:
    scan = scan_object('call: {"name": "x"} thanks')
    assert scan.start == 6 and scan.complete
    assert scan.quirks == [
        "text before the JSON object: 'call:'",
        "extra text after the JSON object at char 19",
    ]
    none = scan_object("no json here")
    assert none.start == -1 and none.fields == {} and none.quirks == ["no JSON object found"]


def test_escaped_keys_are_decoded_and_first_duplicate_wins() -> None:
    scan = scan_object('{"na\\u006de": "a", "name": "b"}')
    name = scan.fields["name"]
    assert (name.value_start, name.value_end) == (14, 17)


def test_nesting_limit_stops_the_walk() -> None:
    text = '{"a": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}"
    scan = scan_object(text)
    assert f"nesting deeper than {MAX_DEPTH} levels" in scan.quirks
    assert not scan.complete


def test_quirks_are_recorded_once_per_kind() -> None:
    scan = scan_object("{'a': 'b', 'c': 'd'}")
    assert len(scan.quirks) == 1


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    name=st.text(max_size=12),
    arguments=st.dictionaries(st.text(max_size=6), JSON_VALUE, max_size=4),
)
def test_spans_match_json_dumps_for_any_valid_call(name: str, arguments: dict) -> None:
    text = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    scan = scan_object(text)
    assert scan.complete and scan.quirks == []
    inner = scan.fields["name"].inner
    assert inner is not None and json.loads(f'"{text[inner[0] : inner[1]]}"') == name
    assert _value(text, "arguments") == json.dumps(arguments, ensure_ascii=False)


WHITESPACE = st.sampled_from(["", " ", "\n  ", "\t", "\r\n"])


@st.composite
def _valid_objects(draw: st.DrawFn) -> str:
    """A JSON object text with any spacing, repeated keys and escapes."""
    keys = draw(
        st.lists(st.sampled_from(["name", "arguments", "a", "é", "n\\u0061me"]), max_size=5)
    )
    parts = []
    for key in keys:
        value = json.dumps(draw(JSON_VALUE), ensure_ascii=draw(st.booleans()))
        parts.append(f'{draw(WHITESPACE)}"{key}"{draw(WHITESPACE)}:{draw(WHITESPACE)}{value}')
    body = ",".join(f"{part}{draw(WHITESPACE)}" for part in parts) or draw(WHITESPACE)
    return f"{draw(WHITESPACE)}{{{body}}}{draw(WHITESPACE)}"


@given(_valid_objects())
def test_the_fast_scan_of_a_valid_object_equals_the_tolerant_walk(text: str) -> None:
    orjson.loads(text)  # the fast scan is only for what the strict parse accepts
    assert scan_valid_object(text) == scan_object(text)


def test_the_fast_scan_declines_what_the_walk_must_decide() -> None:
    deep = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    assert scan_valid_object(deep) is None and scan_object(deep).complete is False
    assert scan_valid_object('[{"name": "x"}]') is None
    assert scan_valid_object('{"a": 1} tail') is None
    shallow = '{"a": ' + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "}"
    assert scan_valid_object(shallow) == scan_object(shallow)
