"""The seed line protocol on real-world layouts (pipeline.formats.seed).

Checks where calls, results and ``Integration:`` markers start and end when
markers are indented, content is empty, JSON spans several lines (closed or
not), or a broken object would run into the next marker line.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.formats.seed import _extent, _walked_extent, parse_seed


def _blocks(text: str) -> list[tuple[str, str]]:
    parsed = parse_seed(text)
    assert parsed.format == "seed" and parsed.text == text
    return [(b.kind, text[b.start : b.end]) for b in parsed.blocks]


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ('  TOOL_CALL :\t {"a": 1}  \nok', [("call", '{"a": 1}'), ("text", "ok")]),
        ('TOOL_CALL: {"a": 1} extra\nmore', [("call", '{"a": 1} extra'), ("text", "more")]),
        ('TOOL_CALL: {"a":\n 1}', [("call", '{"a":\n 1}')]),
        (
            'TOOL_CALL: {\n"a": 1\n} trailing\nnext',
            [("call", '{\n"a": 1\n}'), ("text", "trailing\nnext")],
        ),
        (
            'TOOL_CALL: {\n  "name": "x",\nTOOL_RESULT: ok',
            [("call", "{"), ("text", '"name": "x",'), ("result", "ok")],
        ),
        ("TOOL_RESULT: [1,\n2]\nTOOL_CALL: x", [("result", "[1,"), ("text", "2]"), ("call", "x")]),
    ],
)
def test_calls_and_results_end_at_their_line_or_closing_brace(
    text: str, blocks: list[tuple[str, str]]
) -> None:
    assert _blocks(text) == blocks


def test_a_broken_object_never_runs_past_the_next_marker() -> None:
    text = 'TOOL_CALL: {"a": "x\nTOOL_RESULT: y"}'
    assert _blocks(text) == [("call", '{"a": "x'), ("result", 'y"}')]


def test_empty_markers_still_give_blocks_in_order() -> None:
    text = "Intro\n\nTOOL_RESULT:\nIntegration:   \nTOOL_CALL:"
    assert _blocks(text) == [("text", "Intro"), ("result", ""), ("marker", ""), ("call", "")]


def test_integration_marker_holds_one_line_and_is_the_answer() -> None:
    text = "TOOL_RESULT: 12\nIntegration: It has 12 lines.\nThanks for asking."
    parsed = parse_seed(text)
    assert _blocks(text) == [
        ("result", "12"),
        ("marker", "It has 12 lines."),
        ("text", "Thanks for asking."),
    ]
    method, answer = parsed.answer()
    assert method == "marker" and [text[b.start : b.end] for b in answer] == ["It has 12 lines."]


def test_answer_without_markers_is_the_text_after_the_last_result() -> None:
    text = "TOOL_CALL: {}\nTOOL_RESULT: 1\nIt is one.\nTOOL_RESULT: 2\nIt is two."
    method, answer = parse_seed(text).answer()
    assert method == "grounding" and [text[b.start : b.end] for b in answer] == ["It is two."]


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ("Integration: done", [("marker", "done")]),
        ('Integration: {\n"a": 1}\nok', [("marker", "{"), ("text", '"a": 1}\nok')]),
        (
            "Integration: a\nb\nTOOL_CALL: x",
            [("marker", "a"), ("text", "b"), ("call", "x")],
        ),
    ],
)
def test_integration_content_never_extends_past_its_line(
    text: str, blocks: list[tuple[str, str]]
) -> None:
    assert _blocks(text) == blocks


@pytest.mark.parametrize("text", ["say TOOL_CALL: x", "TOOL_CALLS: x", "tool_call: x"])
def test_markers_must_open_their_line_and_match_exactly(text: str) -> None:
    assert _blocks(text) == [("text", text)]
    assert parse_seed(text).answer() == ("none", [])


# JSON values of every kind, strings holding the characters the walk treats specially.
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from("ab{}[],:\"\\'\n\t é😀"), max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)
_LINES = st.sampled_from(
    ["", "ok", "}", '"x"}', "  ]}", "TOOL_RESULT: 1", "Integration: done", '{"a": 1}', "{"]
)


@given(
    obj=st.dictionaries(st.text(max_size=4), _JSON, max_size=4),
    indent=st.sampled_from([None, 2]),
    cut=st.integers(min_value=0, max_value=60),
    after=st.lists(_LINES, max_size=3),
)
def test_the_strict_line_shortcut_ends_where_the_tolerant_walk_does(
    obj: dict[str, object], indent: int | None, cut: int, after: list[str]
) -> None:
    """A call or result line that is strict JSON ends at its line without the walk
    (`_extent`); the walk, which every other line still takes, ends in the same place.
    Objects are whole, pretty-printed over several lines, or cut short."""
    body = json.dumps(obj, indent=indent, ensure_ascii=False)
    for content in (body, body[: max(1, len(body) - cut)], body + " x"):
        text = "\n".join([f"TOOL_CALL: {content}", *after])
        start = text.index("{")
        for limit in sorted({len(text), text.find("TOOL_RESULT", start) % (len(text) + 1)}):
            if limit <= start:
                continue
            line_end = text.find("\n", start, limit)
            walked = limit if line_end < 0 else _walked_extent(text, start, limit, line_end)
            assert _extent(text, start, limit) == walked
