"""Calls in the native text of DeepSeek (V3/R1 and V3.1), Kimi K2 and GLM-4.5 teachers.

Every case checks the recovered calls and prose exactly, that each name span's
slice is the name, that the arguments span's slice reads back to the arguments
and the call span's slice to the same call (with the format's parser); broken
variants are read by no format and reported by `call_like`; hermes JSON blocks
are never GLM calls; long hostile texts are read in linear time.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats.callspans import TextCall, TextCalls
from pipeline.formats.ingest import ingest
from pipeline.formats.nativecalls import (
    DS_CALL_BEGIN,
    DS_CALL_END,
    DS_CALLS_BEGIN,
    DS_CALLS_END,
    DS_SEP,
    deepseek_token,
    glm_shaped,
    parse_deepseek,
    parse_glm45,
    parse_kimi_k2,
)
from pipeline.formats.textcalls import call_like, parse_text_calls
from pipeline.formats.textturns import _CONTROLS, _RESULTS, text_turns
from pipeline.gates.checks import call_like_turns

SECTION_B, SECTION_E = "<|tool_calls_section_begin|>", "<|tool_calls_section_end|>"
KB, KA, KE = "<|tool_call_begin|>", "<|tool_call_argument_begin|>", "<|tool_call_end|>"


def _types(_name: str, key: str) -> str | None:
    return {"days": "integer", "party": "object", "note": "string", "ok": "boolean"}.get(key)


def v3(name: str, args: str) -> str:
    return f"{DS_CALL_BEGIN}function{DS_SEP}{name}\n```json\n{args}\n```{DS_CALL_END}"


def v31(name: str, args: str) -> str:
    return f"{DS_CALL_BEGIN}{name}{DS_SEP}{args}{DS_CALL_END}"


def kimi(call_id: str, args: str) -> str:
    return f"{KB}{call_id}{KA}{args}{KE}"


def glm(name: str, *pairs: tuple[str, str]) -> str:
    body = "".join(f"<arg_key>{k}</arg_key>\n<arg_value>{v}</arg_value>\n" for k, v in pairs)
    return f"<tool_call>{name}\n{body}</tool_call>"


PARSE = {"deepseek": parse_deepseek, "kimi_k2": parse_kimi_k2, "glm45": parse_glm45}


def reparse(fmt: str, call: TextCall, text: str) -> tuple[str, dict[str, Any]]:
    """The call that the call span's slice holds, read back alone (in its section)."""
    piece = text[call.call_span[0] : call.call_span[1]]
    wrapped = {
        "deepseek": DS_CALLS_BEGIN + piece + DS_CALLS_END,
        "kimi_k2": SECTION_B + piece + SECTION_E,
        "glm45": piece,
    }[fmt]
    found = PARSE[fmt](wrapped, _types)
    assert found is not None and len(found.calls) == 1
    return found.calls[0].name, found.calls[0].arguments


def reparse_args(fmt: str, call: TextCall, text: str) -> Any:
    piece = text[call.args_span[0] : call.args_span[1]]
    if fmt != "glm45":
        return json.loads(piece)
    found = parse_glm45(f"<tool_call>{call.name}\n{piece}\n</tool_call>", _types)
    assert found is not None
    return found.calls[0].arguments


CASES: list[tuple[str, str, list[tuple[str, dict[str, Any]]], str]] = [
    (
        # DeepSeek R1: reasoning and prose before the calls (one per line), V3 fences.
        "deepseek",
        "<think>\nThe user wants two cities.\n</think>\n\nChecking both."
        + DS_CALLS_BEGIN + v3("get_weather", '{"city": "Zürich", "days": 2}') + "\n"
        + v3("get_weather", '{"city": "日本", "tags": [{"a": [1, null]}]}') + DS_CALLS_END,
        [("get_weather", {"city": "Zürich", "days": 2}),
         ("get_weather", {"city": "日本", "tags": [{"a": [1, None]}]})],
        "<think>\nThe user wants two cities.\n</think>\n\nChecking both.",
    ),
    (
        # DeepSeek V3.1: name before the separator, arguments after; prose after too.
        "deepseek",
        "Sure." + DS_CALLS_BEGIN + v31("ns.lookup", '{"q": "say \\"hi\\""}')
        + v31("ping", "{}") + DS_CALLS_END + "\nDone.",
        [("ns.lookup", {"q": 'say "hi"'}), ("ping", {})],
        "Sure.\nDone.",
    ),
    (
        "deepseek",
        DS_CALLS_BEGIN + v3("ping", "{}") + DS_CALLS_END,
        [("ping", {})],
        "",
    ),
    (
        "kimi_k2",
        "確認します。" + SECTION_B + kimi("functions.get_weather:0", '{"city": "東京"}')
        + kimi("functions.book:1", '{"party": {"adults": 2, "names": ["Aoi"]}}') + SECTION_E,
        [("get_weather", {"city": "東京"}), ("book", {"party": {"adults": 2, "names": ["Aoi"]}})],
        "確認します。",
    ),
    (
        # Whitespace around the tokens, no "functions." prefix, prose after.
        "kimi_k2",
        SECTION_B + "\n" + KB + " ping:0 " + KA + " {} " + KE + "\n" + SECTION_E + " Then more.",
        [("ping", {})],
        "Then more.",
    ),
    (
        # GLM-4.5: raw values converted by the schema's type; unlisted ones stay text.
        "glm45",
        "<think>x</think>\nBooking.\n"
        + glm("book", ("party", '{"adults": 2}'), ("days", "3"), ("note", "42"), ("free", "[1]"))
        + "\n" + glm("ping") + "\nSent.",
        [("book", {"party": {"adults": 2}, "days": 3, "note": "42", "free": "[1]"}),
         ("ping", {})],
        "<think>x</think>\nBooking.\nSent.",
    ),
    (
        # GLM-4.7 writes the same without newlines; a value keeps its own newlines.
        "glm45",
        "<tool_call>write<arg_key>text</arg_key><arg_value>line one\n  two 日本</arg_value>"
        "</tool_call><tool_call>ping</tool_call>",
        [("write", {"text": "line one\n  two 日本"}), ("ping", {})],
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
        assert call_like(text[: found.regions[0][0]] + found.prose) is None
    assert parse_text_calls(text, fmt, _types) == found


def test_deepseek_tokens_are_the_tokenizers_own_characters() -> None:
    # Fullwidth vertical line U+FF5C and lower one eighth block U+2581, never ASCII.
    assert DS_CALLS_BEGIN == "<｜tool▁calls▁begin｜>"
    assert [hex(ord(c)) for c in DS_SEP[:2] + DS_SEP[6]] == ["0x3c", "0xff5c", "0x2581"]
    ascii_spelling = "<|tool_calls_begin|><|tool_call_begin|>f<|tool_sep|>{}<|tool_call_end|>"
    assert parse_text_calls(ascii_spelling + "<|tool_calls_end|>", "auto") is None


@pytest.mark.parametrize(
    "text",
    [
        DS_CALLS_BEGIN + v31("f", '{"a": 1}') + "<｜end▁of▁sentence｜>",  # section not closed
        DS_CALLS_BEGIN + v31("f", "{'a': 1}") + DS_CALLS_END,  # arguments not JSON
        DS_CALLS_BEGIN + v31("f", "[1, 2]") + DS_CALLS_END,  # arguments not an object
        DS_CALLS_BEGIN + v31("f", "") + DS_CALLS_END,  # no arguments at all
        DS_CALLS_BEGIN + v31("f", '{"a": 1}') + v31("g", '{"b"') + DS_CALLS_END,  # one broken
        DS_CALLS_BEGIN + DS_CALLS_END,  # an empty section
        DS_CALLS_BEGIN
        + v3("f", '{"a": 1}').replace("\n```" + DS_CALL_END, DS_CALL_END)
        + DS_CALLS_END,  # the fence is not closed
        v31("f", '{"a": 1}'),  # a call without its section
        DS_CALLS_BEGIN + v31("f", "{}") + DS_CALLS_END + v31("g", "{}"),  # one outside it
        DS_CALLS_BEGIN + v31("1f", "{}") + DS_CALLS_END,  # not a name
        SECTION_B + kimi("functions.f:0", '{"a": 1}'),  # section not closed
        SECTION_B + kimi("functions.f:0", "{'a': 1}") + SECTION_E,
        SECTION_B + kimi("functions.f", '{"a": 1}') + SECTION_E,  # no index
        SECTION_B + KB + "functions.f:0" + '{"a": 1}' + KE + SECTION_E,  # no argument token
        SECTION_B + kimi("functions.f:0", '{"a": 1}') + SECTION_E + KE,  # a stray token
        glm("f", ("a", "1")).replace("</tool_call>", ""),  # block not closed
        "<tool_call>f\n<arg_key>a</tool_call>",  # a key not closed
        DS_CALLS_BEGIN + DS_CALL_BEGIN + "f" + DS_CALLS_END,  # no separator
        "<tool_call>f\n<arg_key>a</arg_key>\n</tool_call>",  # a key without a value
        glm("f", ("a", "1"), ("a", "2")),  # a repeated key
        glm("f", ("", "1")),  # an empty key
        glm("f", ("a", "1")) + "\n<arg_value>2</arg_value>",  # a tag outside the block
        glm("f", ("a", "1")) + '\n<tool_call>\n{"name": "g", "arguments": {}}\n</tool_call>',
    ],
)
def test_broken_native_calls_are_read_by_no_format_and_reported(text: str) -> None:
    assert parse_text_calls(text, "auto", _types) is None
    assert call_like(text) is not None
    assert call_like_turns({"messages": [{"role": "assistant", "content": text}]})


def test_hermes_json_blocks_are_not_glm_calls_nor_call_like() -> None:
    hermes = '<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>'
    assert parse_glm45(hermes) is None and not glm_shaped(hermes)
    assert call_like(hermes) is None
    assert call_like_turns({"messages": [{"role": "assistant", "content": hermes}]}) == []
    item: dict[str, Any] = {"prompt": "Go.", "teacher_text": hermes + "\nDone."}
    assert ingest(item).parsed.format == "hermes"


def test_a_glm_teacher_text_is_read_as_glm_not_as_a_broken_hermes_call() -> None:
    text = glm("get_weather", ("city", "Graz"), ("days", "3")) + "\nRain in Graz."
    item: dict[str, Any] = {
        "prompt": "Weather in Graz?",
        "teacher_text": text,
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {
            "type": "object", "properties": {"days": {"type": "integer"}}}}}],
    }  # fmt: skip
    source = ingest(item)
    assert source.parsed.format == "glm45"
    (call,) = source.messages[1]["tool_calls"]
    assert call["function"] == {"name": "get_weather", "arguments": {"city": "Graz", "days": 3}}
    assert "<arg_key>" not in item["teacher_text"]
    assert source.call_like == []


def test_a_forced_format_reads_only_its_own_syntax() -> None:
    text = DS_CALLS_BEGIN + v31("f", "{}") + DS_CALLS_END
    assert parse_text_calls(text, "kimi_k2") is None
    assert parse_text_calls(text, "glm45") is None
    assert parse_text_calls(text, "deepseek") is not None


def test_transcripts_become_calls_results_and_answers_in_order() -> None:
    out_b, out_e = deepseek_token("tool output begin"), deepseek_token("tool output end")
    eos = deepseek_token("end of sentence")
    deepseek = (
        "Let me look." + DS_CALLS_BEGIN + v31("f", '{"days": 1}') + DS_CALLS_END + eos
        + deepseek_token("tool outputs begin") + out_b + '{"r": 1}' + out_e
        + deepseek_token("tool outputs end") + "It is 1." + eos
    )  # fmt: skip
    kimi_text = (
        SECTION_B + kimi("functions.f:0", '{"days": 1}') + SECTION_E + "<|im_end|>"
        '<|im_system|>tool<|im_middle|>## Return of functions.f:0\n{"r": 1}<|im_end|>'
        "<|im_assistant|>assistant<|im_middle|>It is 1.<|im_end|>"
    )
    glm_text = (
        glm("f", ("days", "1")) + '<|observation|>\n<tool_response>\n{"r": 1}\n</tool_response>'
        "<|assistant|>\nIt is 1."
    )
    for fmt, text, prose in (
        ("deepseek", deepseek, "Let me look."),
        ("kimi_k2", kimi_text, None),
        ("glm45", glm_text, None),
    ):
        turns = text_turns(text, "auto", _types)
        assert turns is not None and turns.format == fmt
        kinds = [(s.kind, s.text or (s.call and s.call.name)) for s in turns.segments]
        expected = [("call", "f"), ("result", '{"r": 1}'), ("text", "It is 1.")]
        assert kinds == ([("text", prose)] if prose else []) + expected
        assert all(s.call is None or s.call.arguments == {"days": 1} for s in turns.segments)
        assert turns.markup  # the template's tokens were dropped, and named


def test_no_cut_marker_is_a_prefix_of_another() -> None:
    # So the first marker found at a place is the one written there.
    words = [*_RESULTS, *_CONTROLS]
    assert not [(a, b) for a in words for b in words if a != b and b.startswith(a)]


HOSTILE = [
    DS_CALLS_BEGIN * 10_000,
    (DS_CALLS_BEGIN + DS_CALL_BEGIN) * 6_000,
    DS_CALLS_BEGIN + v31("f", "{}") * 3_000,
    (DS_CALL_BEGIN + "function" + DS_SEP + "f\n```json\n") * 4_000,
    SECTION_B * 7_000,
    (SECTION_B + KB + "functions.f:0" + KA) * 2_500,
    "<tool_call>" * 18_000,
    "<tool_call>f\n" * 15_000 + "</tool_call>",
    "<tool_call>f\n" + "<arg_key>k</arg_key><arg_value>" * 6_000 + "</tool_call>",
    "<tool_call>" + "a" * 200_000,
    "<tool_response>" * 13_000,
    "[TOOL_RESULTS]" * 14_000,
    deepseek_token("tool output begin") * 8_000,
    "<|im_system|>tool<|im_middle|>" * 6_000,
    ("<|start_header_id|>ipython<|end_header_id|>" + "a" * 100 + "<|eot_id|>") * 1_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_long_hostile_texts_are_read_in_linear_time(text: str) -> None:
    assert len(text) >= 150_000
    readers = [
        *(lambda fmt=fmt: parse_text_calls(text, fmt, _types) for fmt in PARSE),
        lambda: parse_text_calls(text, "auto", _types),
        lambda: text_turns(text, "auto", _types),
        lambda: call_like(text),
        lambda: call_like_turns({"messages": [{"role": "assistant", "content": text}]}),
    ]
    for read in readers:
        start = time.perf_counter()
        read()
        assert time.perf_counter() - start < 0.2


_PIECES = [
    DS_CALLS_BEGIN, DS_CALLS_END, DS_CALL_BEGIN, DS_CALL_END, DS_SEP, "function", "\n```json\n",
    "```", SECTION_B, SECTION_E, KB, KA, KE, "functions.", ":0", "<tool_call>", "</tool_call>",
    "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "f", "a", "{", "}", '{"a": 1}',
    "{}", '"', "1", "\n", " ", "日本", "<|im_end|>", "<|observation|>", "<tool_response>",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=30).map("".join))
def test_any_text_parses_or_not_without_raising_and_spans_nest(text: str) -> None:
    for fmt in ("auto", "deepseek", "kimi_k2", "glm45"):
        found = parse_text_calls(text, fmt, _types)
        for call in found.calls if found else ():
            assert 0 <= call.call_span[0] <= call.name_span[0] <= call.name_span[1]
            assert call.call_span[0] <= call.args_span[0] <= call.args_span[1]
            assert max(call.name_span[1], call.args_span[1]) <= call.call_span[1] <= len(text)
            assert text[call.name_span[0] : call.name_span[1]] == call.name
            json.dumps(call.arguments, allow_nan=False)
        if found is not None:
            assert call_like(found.prose) is None  # no tool token is left as prose
    text_turns(text, "auto", _types)
