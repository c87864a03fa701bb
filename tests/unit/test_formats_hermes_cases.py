"""Hermes tag parsing on truncated and mis-nested output (pipeline.formats.hermes).

Checks where each block starts and ends, which blocks carry an
"unterminated" problem (and at which char), and that stray closing tags
are dropped without losing the text around them.
"""

from __future__ import annotations

import pytest

from pipeline.formats.hermes import parse_hermes


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        (
            "<tool_call>a</tool_response>b",
            [("call", "a", "unterminated <tool_call> block at char 0"), ("text", "b", None)],
        ),
        (
            "x<tool_call>a<tool_call>b</tool_call>",
            [
                ("text", "x", None),
                ("call", "a", "unterminated <tool_call> block at char 1"),
                ("call", "b", None),
            ],
        ),
        (
            "<tool_response>\n r \n</tool_response></tool_response>end",
            [("result", "r", None), ("text", "end", None)],
        ),
        (
            "pre <tool_response>open",
            [
                ("text", "pre", None),
                ("result", "open", "unterminated <tool_response> block at char 4"),
            ],
        ),
        ("<tool_call></tool_call>", [("call", "", None)]),
        ("a </tool_call> b", [("text", "a", None), ("text", "b", None)]),
    ],
)
def test_blocks_and_problems_of_mis_nested_tags(
    text: str, blocks: list[tuple[str, str, str | None]]
) -> None:
    parsed = parse_hermes(text)
    assert parsed.format == "hermes" and parsed.text == text
    assert [(b.kind, text[b.start : b.end], b.problem) for b in parsed.blocks] == blocks


def test_answer_after_a_result_that_opens_the_text_is_grounded() -> None:
    text = "<tool_response>\n12\n</tool_response>\nIt has 12 lines."
    method, answer = parse_hermes(text).answer()
    assert method == "grounding"
    assert [text[b.start : b.end] for b in answer] == ["It has 12 lines."]
