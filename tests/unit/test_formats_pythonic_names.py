"""Pythonic call names Python cannot read (ToolACE's "Directional Movement Index (DX)").

The record's declared tool names decide where such a name ends: the longest
declared name followed by "(" is the name. Without a declared name that reads
it, the call stays prose and is reported as call-like, by the extractor and by
verify's own check. A hostile text costs bounded work either way.
"""

from __future__ import annotations

import time

import pytest

from pipeline.formats import ingest
from pipeline.formats.pythonic import parse_pythonic
from pipeline.formats.textcalls import call_like, parse_text_calls
from pipeline.gates.checks import call_like_turns

DX = "Directional Movement Index (DX)"
TEXT = f'[{DX}(symbol="AAPL", interval="1d")]'


def _tool(name: str) -> dict[str, object]:
    return {"name": name, "parameters": {"type": "object", "properties": {}}}


def test_a_declared_name_with_parentheses_is_read_as_written_with_its_spans() -> None:
    names = frozenset({DX, "Directional Movement Index", "get_quote"})
    found = parse_text_calls(TEXT, "auto", names=names)
    assert found is not None and found.format == "pythonic"
    [call] = found.calls
    assert (call.name, call.arguments) == (DX, {"symbol": "AAPL", "interval": "1d"})
    assert TEXT[call.name_span[0] : call.name_span[1]] == DX
    assert TEXT[call.args_span[0] : call.args_span[1]] == 'symbol="AAPL", interval="1d"'
    assert TEXT[call.call_span[0] : call.call_span[1]] == TEXT[1:-1]


def test_the_longest_declared_name_before_the_paren_wins() -> None:
    text = "[Index (DX)(a=1), Index (DX) (v2)(b=2), Météo (CH)(city='Zürich')]"
    names = frozenset({"Index (DX)", "Index (DX) (v2)", "Index", "Météo (CH)"})
    found = parse_pythonic(text, names=names)
    assert found is not None
    assert [(c.name, c.arguments) for c in found.calls] == [
        ("Index (DX)", {"a": 1}),
        ("Index (DX) (v2)", {"b": 2}),
        ("Météo (CH)", {"city": "Zürich"}),
    ]
    for call in found.calls:  # a masked non-ASCII name keeps every offset
        assert text[call.name_span[0] : call.name_span[1]] == call.name


@pytest.mark.parametrize(
    "names",
    [
        frozenset(),  # no tools declared
        frozenset({"Directional Movement Index"}),  # a prefix only: no "(" right after it
        frozenset({"Other API (v1)"}),
    ],
)
def test_an_undeclared_name_with_parentheses_is_not_read_and_is_call_like(
    names: frozenset[str],
) -> None:
    assert parse_text_calls(TEXT, "auto", names=names) is None
    assert call_like(TEXT) is not None
    item = {"messages": [{"role": "assistant", "content": TEXT}]}
    assert call_like_turns(item) == [("messages[0].content", TEXT[:60])]


def test_masking_never_rewrites_a_string_argument() -> None:
    names = frozenset({"Index (DX)"})
    # Python reads this one as it stands: the quoted name is left as written.
    found = parse_pythonic("[f(note='x, Index (DX)(')]", names=names)
    assert found is not None and found.calls[0].arguments == {"note": "x, Index (DX)("}
    # Reading this one would mask the quoted name too: not read, and reported.
    text = "[Index (DX)(note='a, Index (DX)(')]"
    assert parse_pythonic(text, names=names) is None
    assert call_like(text) is not None


def test_names_python_reads_still_parse_without_tools_and_keywords_need_them() -> None:
    assert parse_pythonic("[m.get_time(tz='CET')]") is not None
    assert parse_pythonic("[import(x=1)]") is None
    found = parse_pythonic(
        "[import(x=1), get-quote(s='A')]", names=frozenset({"import", "get-quote"})
    )
    assert found is not None and [c.name for c in found.calls] == ["import", "get-quote"]


@pytest.mark.parametrize(
    "text",
    [
        "[Weather API(city=Paris)]",  # a spaced name whose argument is no literal
        "[Index (DX)(a=1)]",
        "Sure: [Get Stock (v2) (symbol='A')]",
    ],
)
def test_worded_calls_that_no_reader_takes_are_call_like(text: str) -> None:
    assert parse_text_calls(text, "auto") is None or not text.startswith("[")
    assert call_like(text) is not None
    assert call_like_turns({"messages": [{"role": "assistant", "content": text}]})


@pytest.mark.parametrize(
    "text",
    [
        "See [the docs](https://example.com) (section 2).",
        "[see (1)] and [a](b)",
        "The [Weather API] (docs) say x=1",
        "[Note (see above) and more]",
    ],
)
def test_prose_with_words_in_brackets_and_parentheses_is_not_call_like(text: str) -> None:
    assert call_like(text) is None
    assert call_like_turns({"messages": [{"role": "assistant", "content": text}]}) == []


def _toolace(value: str, tools: list[str]) -> dict[str, object]:
    listed = ", ".join(f'{{"name": "{n}", "parameters": {{"type": "dict"}}}}' for n in tools)
    system = f"Here is a list of functions in JSON format that you can invoke:\n[{listed}]."
    return {
        "system": system if tools else "You are helpful.",
        "conversations": [
            {"from": "user", "value": "ADX for AAPL, daily?"},
            {"from": "assistant", "value": value},
        ],
    }


def test_a_toolace_record_declaring_the_name_gets_the_call() -> None:
    item = _toolace(TEXT, [DX, "Directional Movement Index"])
    source = ingest(item)
    [call] = item["messages"][-1]["tool_calls"]
    assert call["function"] == {"name": DX, "arguments": {"symbol": "AAPL", "interval": "1d"}}
    assert source.call_like == []
    where = source.call_sources[0]
    assert where is not None
    name = where["name_span"]["chars"]
    assert item["conversations"][1]["value"][name[0] : name[1]] == DX


def test_a_toolace_record_without_the_name_is_counted_as_call_like() -> None:
    item = _toolace(TEXT, [])
    source = ingest(item)
    assert "tool_calls" not in item["messages"][-1]
    assert source.call_like == [f"call_like_text: messages[2].content: {TEXT[:60]!r}"]


HOSTILE = {
    # Each about 200 KB, with the names a hostile record could declare alongside.
    "spaced words, many ']'": "[" + "a b, " * 40_000 + "]" * 300,
    "declared prefixes, no '('": "[" + "a " * 100_000 + "]" * 300,
    "declared names, unclosed calls": "[" + "Index (DX)(a=1), " * 11_700 + "]" * 300,
    "parenthesised groups": "[" + "a (b) " * 33_000,
}
HOSTILE_NAMES = frozenset(
    {
        "Index (DX)",
        *(("a " * k).strip() for k in range(1, 80)),
        *("a" * k + " (" for k in range(80)),
    }
)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_texts_cost_bounded_work(text: str) -> None:
    # Before the bounds, the first text took about 4 s (one masking pass and one
    # parse per "]" tried); each now takes well under a second.
    began = time.perf_counter()
    assert parse_text_calls(text, "auto", names=HOSTILE_NAMES) is None
    call_like(text)
    call_like_turns({"messages": [{"role": "assistant", "content": text}]})
    assert time.perf_counter() - began < 3.0
