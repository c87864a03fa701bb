"""Property tests for the format parsers: any string gives a verdict, never a crash.

A verdict here means the parser's own contract holds on arbitrary input:
blocks lie inside the text, in order and without overlap, with whitespace
trimmed; a call parse places its spans inside the call; `ingest` returns a
Source or raises the one error type the extract stage turns into a reject.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pipeline.formats import FormatError, Parsed, detect_text_format, ingest, parse_call
from pipeline.formats.hermes import parse_hermes
from pipeline.formats.seed import parse_seed
from pipeline.text import normalize

# Fragments that steer arbitrary text into the parsers' interesting paths.
FRAGMENTS = [
    "<tool_call>",
    "</tool_call>",
    "<tool_response>",
    "</tool_response>",
    "TOOL_CALL: ",
    "TOOL_RESULT: ",
    "Integration: ",
    '{"name": "fs.read", "arguments": {"path": "a.txt"}}',
    '{"name": ',
    '"arguments": ',
    '{"q": "é", "top_k": [1, 2.5e3, null, true]}',
    "{",
    "}",
    "[",
    '"',
    "\\",
    ":",
    ",",
    "\n",
    " ",
    "日本",
    "😀",
    "e\u0301",
]
texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=20).map("".join),
).map(normalize)


def check_parsed(parsed: Parsed, text: str) -> None:
    assert parsed.text == text
    previous_end = 0
    for block in parsed.blocks:
        assert block.kind in ("text", "call", "result", "marker")
        assert previous_end <= block.start <= block.end <= len(text)
        if block.kind == "text":
            assert block.start < block.end
        region = text[block.start : block.end]
        assert region == region.strip()
        assert block.problem is None or isinstance(block.problem, str)
        previous_end = block.end
    method, regions = parsed.answer()
    assert method in ("marker", "grounding", "none")
    assert all(region in parsed.blocks for region in regions)


@given(texts)
def test_hermes_parser_gives_a_verdict_on_any_text(text: str) -> None:
    check_parsed(parse_hermes(text), text)


@given(texts)
def test_seed_parser_gives_a_verdict_on_any_text(text: str) -> None:
    check_parsed(parse_seed(text), text)


@given(texts)
def test_format_detection_gives_one_of_the_text_formats(text: str) -> None:
    assert detect_text_format(text) in ("seed", "hermes")


@given(text=texts, data=st.data())
def test_call_parser_gives_a_verdict_on_any_region(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    call = parse_call(text, start, end)
    assert isinstance(call.json_valid, bool)
    assert all(isinstance(error, str) for error in call.errors)
    assert call.name is None or isinstance(call.name, str)
    assert start <= call.call_span[0] <= call.call_span[1] <= end
    for span in (call.name_span, call.args_span):
        if span is not None:
            assert call.call_span[0] <= span[0] <= span[1] <= call.call_span[1]
    if not call.json_valid:
        assert call.errors


json_like = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
messages = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "role": st.sampled_from(["user", "assistant", "tool", "system", "bot"]) | json_like,
            "content": texts | json_like,
            "tool_calls": st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "function": st.fixed_dictionaries(
                            {}, optional={"name": texts, "arguments": json_like | texts}
                        ),
                        "type": st.just("function"),
                    },
                )
                | json_like,
                max_size=2,
            ),
        },
    )
    | json_like,
    max_size=4,
)
records = st.fixed_dictionaries(
    {"id": st.just("x")},
    optional={
        # Mostly text, so most records get past the shape checks into the parsers.
        "teacher_text": st.one_of(texts, texts, texts, json_like),
        "prompt": texts | json_like,
        "messages": messages | json_like,
        "conversations": json_like,
    },
)


@given(records, st.sampled_from(["auto", "seed", "hermes", "openai"]))
def test_ingest_gives_a_source_or_a_format_error(item: dict[str, Any], fmt: str) -> None:
    try:
        source = ingest(item, fmt)
    except FormatError:
        return
    assert isinstance(source.messages, list)
    assert all(isinstance(note, str) for note in source.notes)
    check_parsed(source.parsed, source.parsed.text)
