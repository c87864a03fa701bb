"""`ingest` and format detection on records as they come from the wild.

Checks which format each record shape is read as, the notes written for every
field the extractor derives, what is kept of the given teacher text, and the
exact error texts for records that cannot be read.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.formats import FormatError, detect_text_format, ingest
from pipeline.formats.ingest import _SEED, _seed_marker

USER = {"role": "user", "content": "q"}
ANSWER = {"role": "assistant", "content": "A."}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("</tool_response>\nTOOL_CALL: x", "hermes"),
        ("TOOL_RESULT: <tool_call>", "seed"),
        ("x <tool_call> y\n Integration : z", "hermes"),
        ("Integration:", "seed"),
        ("\tTOOL_RESULT : 3", "seed"),
        ("say TOOL_CALL: x", "hermes"),
    ],
)
def test_the_first_kind_of_marker_decides_the_text_format(text: str, expected: str) -> None:
    assert detect_text_format(text) == expected


def _blocks(
    item: dict[str, Any], fmt: str = "auto"
) -> tuple[str, list[tuple[str, str]], list[str]]:
    source = ingest(item, fmt)
    parsed = source.parsed
    return (
        parsed.format,
        [(b.kind, parsed.text[b.start : b.end]) for b in parsed.blocks],
        source.notes,
    )


def test_blank_teacher_text_is_replaced_by_the_rendered_messages() -> None:
    item = {"id": "a", "teacher_text": "  \n", "messages": [USER, ANSWER]}
    assert _blocks(item) == (
        "openai",
        [("text", "A.")],
        [
            "the given teacher_text was kept as teacher_text_original",
            "teacher_text rendered from messages (hermes style)",
        ],
    )
    assert item["teacher_text"] == "A." and item["teacher_text_original"] == "  \n"


def test_teacher_text_equal_to_the_rendering_is_not_kept_twice() -> None:
    item = {"id": "b", "teacher_text": "A.", "messages": [ANSWER]}
    assert _blocks(item, "openai") == (
        "openai",
        [("text", "A.")],
        ["teacher_text rendered from messages (hermes style)"],
    )
    assert "teacher_text_original" not in item


def test_given_messages_are_kept_next_to_a_teacher_text() -> None:
    item = {"id": "c", "teacher_text": "TOOL_CALL: {}", "messages": [USER, ANSWER]}
    source = ingest(item)
    assert source.parsed.format == "seed" and source.notes == []
    assert source.messages == [USER, ANSWER] and item["teacher_text"] == "TOOL_CALL: {}"
    assert "teacher_text_original" not in item


@pytest.mark.parametrize("system", [[], [{"role": "system", "content": "Be brief."}]])
def test_prompt_messages_without_an_answer_get_the_teacher_text_turns(
    system: list[dict[str, Any]],
) -> None:
    # Prompt turns only, and the teacher side as text: without assistant turns
    # built from the text, the training sequence would hold no answer at all.
    text = '<tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>\nDone.'
    item = {"id": "c2", "teacher_text": text, "messages": [*system, USER]}
    source = ingest(item)
    assert source.parsed.format == "hermes" and item["teacher_text"] == text
    assert [m["role"] for m in source.messages] == [
        *(["system"] if system else []),
        "user",
        "assistant",
        "assistant",
    ]
    assert source.messages[-2]["tool_calls"][0]["function"]["name"] == "f"
    assert source.messages[-1]["content"] == "Done."
    assert source.notes == ["assistant turns built from teacher_text after the given messages"]


def test_messages_built_from_text_ignore_a_prompt_that_is_not_text() -> None:
    item = {"id": "d", "teacher_text": "Just this.", "prompt": 5}
    source = ingest(item)
    assert source.parsed.format == "hermes"
    assert source.messages == [{"role": "assistant", "content": "Just this."}]
    assert item["messages"] is source.messages


def test_forced_text_format_on_a_messages_only_record_names_what_was_parsed() -> None:
    item = {"id": "e", "messages": [ANSWER]}
    fmt, blocks, notes = _blocks(item, "hermes")
    assert (fmt, blocks) == ("hermes", [("text", "A.")])
    assert notes == ["teacher_text rendered from messages (hermes style)"]
    # The rendering is hermes-style: a forced seed format says so instead of claiming seed.
    fmt, blocks, notes = _blocks({"id": "e2", "messages": [ANSWER]}, "seed")
    assert (fmt, blocks) == ("hermes", [("text", "A.")])
    assert notes == [
        "teacher_text rendered from messages (hermes style)",
        "format seed was forced, but the record has only messages: parsed as hermes",
    ]


def test_conversations_are_used_only_when_messages_are_missing() -> None:
    item = {"id": "f", "conversations": [{"from": "gpt", "value": "B."}], "messages": [ANSWER]}
    assert _blocks(item) == (
        "openai",
        [("text", "A.")],
        ["teacher_text rendered from messages (hermes style)"],
    )
    only = {"id": "g", "conversations": [{"from": "gpt", "value": "B."}]}
    assert _blocks(only)[2] == [
        "messages converted from ShareGPT conversations",
        "teacher_text rendered from messages (hermes style)",
    ]
    assert only["messages"] == [{"role": "assistant", "content": "B."}]


@pytest.mark.parametrize(
    ("item", "fmt", "message"),
    [
        (
            {"id": "x", "teacher_text": "a"},
            "xml",
            "format: unknown format 'xml' (known: auto, seed, hermes, openai, llamafactory, "
            "xlam, glaive, react, llama3_json, mistral, qwen_xml, pythonic, deepseek, kimi_k2, "
            "glm45)",
        ),
        (
            {"id": "x", "messages": [USER]},
            "auto",
            "teacher_text: missing, and no assistant messages to render instead",
        ),
        (
            {"id": "x", "messages": []},
            "auto",
            "teacher_text: missing, and no assistant messages to render instead",
        ),
        (
            {"id": "x", "teacher_text": 3},
            "auto",
            "teacher_text: missing, and no assistant messages to render instead",
        ),
        (
            {"id": "x", "teacher_text": "a", "messages": [USER]},
            "openai",
            "messages: no assistant message to render as teacher text",
        ),
        (
            {"id": "x", "teacher_text": "a"},
            "openai",
            "messages: no assistant message to render as teacher text",
        ),
    ],
)
def test_unreadable_records_raise_a_readable_error(
    item: dict[str, Any], fmt: str, message: str
) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(item, fmt)
    assert str(caught.value) == message


_MARKER_TEXT = st.lists(
    st.sampled_from(
        ["TOOL_CALL", "TOOL_RESULT", "Integration", ":", " ", "\t", "\n", "x", "<tool_call>"]
    ),
    max_size=12,
).map("".join)


@given(text=_MARKER_TEXT)
def test_the_seed_marker_precheck_finds_what_the_search_finds(text: str) -> None:
    """The substring precheck only skips texts the anchored search cannot match in."""
    found, expected = _seed_marker(text), _SEED.search(text)
    assert (found.span() if found else None) == (expected.span() if expected else None)
