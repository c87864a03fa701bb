"""Span arithmetic on fixed examples: the edge cases SPEC.md gives defined results for."""

from __future__ import annotations

import pytest

from pipeline.spans import (
    SpanError,
    TextIndex,
    TokenIndex,
    check_bounds,
    make_span,
    offsets_by_decoding,
    span_text,
)
from pipeline.student import Student
from pipeline.text import normalize

MIXED = "Résumé: 日本語 😀 e\u0301 ok"


def index_of(student: Student, text: str) -> TokenIndex:
    return TokenIndex(student.encode_batch([text])[0].offsets)


@pytest.mark.parametrize(
    ("start", "end", "length"),
    [(-1, 2, 5), (3, 2, 5), (0, 6, 5), (6, 6, 5)],
)
def test_out_of_range_or_reversed_spans_are_span_errors(start: int, end: int, length: int) -> None:
    with pytest.raises(SpanError, match=rf"\[{start}, {end}\) is outside text of length {length}"):
        check_bounds(start, end, length)


@pytest.mark.parametrize(("start", "end"), [(0, 0), (0, 5), (5, 5), (2, 3)])
def test_spans_at_the_edges_are_in_bounds(start: int, end: int) -> None:
    check_bounds(start, end, 5)


def test_ascii_offsets_are_identical_in_both_units() -> None:
    index = TextIndex("hello world")
    assert index.ascii
    assert [index.utf8(i) for i in range(12)] == list(range(12))
    assert [index.char(i) for i in range(12)] == list(range(12))
    with pytest.raises(SpanError):
        index.char(12)
    with pytest.raises(SpanError):
        index.utf8(-1)


def test_non_ascii_offsets_count_bytes() -> None:
    index = TextIndex(MIXED)
    assert not index.ascii
    assert index.utf8(1) == 1  # "R"
    assert index.utf8(2) == 3  # "é" is two bytes
    emoji = MIXED.index("😀")
    assert index.utf8(emoji + 1) - index.utf8(emoji) == 4
    assert index.utf8(len(MIXED)) == len(MIXED.encode("utf-8"))
    assert index.char(index.utf8(emoji + 1)) == emoji + 1


def test_a_byte_offset_inside_a_character_is_an_error() -> None:
    index = TextIndex("é")
    assert index.char(0) == 0 and index.char(2) == 1
    with pytest.raises(SpanError, match="falls inside a UTF-8 character"):
        index.char(1)
    with pytest.raises(SpanError):
        index.char(3)


def test_make_span_carries_all_three_units(student: Student) -> None:
    text = normalize(MIXED)
    start, end = text.index("日本語"), text.index("日本語") + 3
    span = make_span(TextIndex(text), index_of(student, text), start, end)
    assert span["chars"] == [start, end]
    assert span["utf8"] == [len(text[:start].encode()), len(text[:end].encode())]
    assert span_text(text, span) == "日本語"
    first, last = span["tokens"]
    assert student.decode(student.encode_batch([text])[0].ids[first:last]).strip() == "日本語"


def test_make_span_without_tokens_and_out_of_bounds() -> None:
    index = TextIndex("abc")
    assert make_span(index, None, 1, 2) == {"chars": [1, 2], "utf8": [1, 2], "tokens": None}
    with pytest.raises(SpanError):
        make_span(index, None, 2, 1)
    with pytest.raises(SpanError):
        make_span(index, None, 0, 4)


def test_empty_span_maps_to_an_empty_token_range(student: Student) -> None:
    text = "Hello world"
    tokens = index_of(student, text)
    assert tokens.cover(0, 0) == (0, 0)
    assert tokens.cover(5, 5) == (1, 1)  # at the start of " world"
    assert tokens.cover(len(text), len(text)) == (len(tokens), len(tokens))


def test_span_inside_one_token_maps_to_that_token(student: Student) -> None:
    text = "Hello world"
    tokens = index_of(student, text)
    assert tokens.cover(1, 3) == (0, 1)  # "el" inside "Hello"
    assert tokens.cover(4, 7) == (0, 2)  # crosses into " world"


def test_split_emoji_covers_all_its_byte_tokens(student: Student) -> None:
    text = "a🫠b"  # a rare emoji: three byte-level tokens sharing one character's offsets
    encoding = student.encode_batch([text])[0]
    tokens = TokenIndex(encoding.offsets)
    assert tokens.cover(1, 2) == (1, 4)
    assert student.decode(encoding.ids[1:4]) == "🫠"
    # Part of the character's tokens widen back to the whole character.
    assert tokens.chars(2, 3) == (1, 2)
    assert tokens.cover(*tokens.chars(2, 3)) == (1, 4)


def test_token_range_to_chars_and_back(student: Student) -> None:
    text = "Read src/app/config.yaml now"
    tokens = index_of(student, text)
    for a in range(len(tokens)):
        for b in range(a + 1, len(tokens) + 1):
            assert tokens.cover(*tokens.chars(a, b)) == (a, b)


def test_chars_of_empty_ranges_and_bad_ranges() -> None:
    tokens = TokenIndex([(0, 3), (3, 5)])
    assert tokens.chars(1, 1) == (3, 3)
    assert tokens.chars(2, 2) == (5, 5)
    with pytest.raises(SpanError, match="outside 2 tokens"):
        tokens.chars(1, 3)
    with pytest.raises(SpanError):
        tokens.chars(2, 1)
    with pytest.raises(SpanError):
        tokens.chars(-1, 1)


def test_an_empty_text_has_no_tokens_and_an_empty_range() -> None:
    tokens = TokenIndex([])
    assert len(tokens) == 0
    assert tokens.chars(0, 0) == (0, 0)
    assert tokens.cover(0, 0) == (0, 0)
    assert make_span(TextIndex(""), tokens, 0, 0) == {
        "chars": [0, 0],
        "utf8": [0, 0],
        "tokens": [0, 0],
    }


def test_span_touching_no_token_is_unaligned(wordpiece_dir: object) -> None:
    student = Student(wordpiece_dir)  # type: ignore[arg-type]
    text = "read    file"
    tokens = index_of(student, text)
    # The spaces between the words belong to no WordPiece token.
    assert tokens.cover(5, 7) is None
    assert make_span(TextIndex(text), tokens, 5, 7)["tokens"] is None


def test_combining_characters_and_crlf_are_normalised_before_offsets(student: Student) -> None:
    raw = "cafe\u0301\r\nnaïve"
    text = normalize(raw)
    assert text == "café\nnaïve"
    span = make_span(TextIndex(text), index_of(student, text), 0, 4)
    assert span["utf8"] == [0, 5]
    assert span_text(text, span) == "café"


def test_offsets_by_decoding_matches_the_fast_offsets_on_ascii(student: Student) -> None:
    text = "Read the file src/app/config.yaml and count lines."
    encoding = student.encode_batch([text])[0]
    slow = offsets_by_decoding(text, encoding.ids, lambda i: student.decode([i]))
    fast = TokenIndex(encoding.offsets)
    for a, b in [(0, 4), (5, 8), (14, 32)]:
        assert TokenIndex(slow).cover(a, b) == fast.cover(a, b)


def test_offsets_by_decoding_gives_empty_ranges_for_byte_pieces(student: Student) -> None:
    text = "x🫠y"
    encoding = student.encode_batch([text])[0]
    offsets = offsets_by_decoding(text, encoding.ids, lambda i: student.decode([i]))
    assert len(offsets) == 5 and offsets[0] == (0, 1) and offsets[-1] == (2, 3)
    # The emoji's byte pieces decode to replacement characters: zero-width at the cursor.
    assert all(start == end == 1 for start, end in offsets[1:-1])
    assert offsets_by_decoding("a b", [1, 2], lambda i: " ") == [(0, 0), (0, 0)]
    # Byte pieces at the very start stay at offset 0.
    alone = student.encode_batch(["🫠"])[0].ids
    assert offsets_by_decoding("🫠", alone, lambda i: student.decode([i])) == [(0, 0)] * 3


def test_offsets_by_decoding_walks_forward_over_repeated_pieces(student: Student) -> None:
    text = "go go go"
    encoding = student.encode_batch([text])[0]
    offsets = offsets_by_decoding(text, encoding.ids, lambda i: student.decode([i]))
    assert offsets == [(0, 2), (3, 5), (6, 8)]


def test_a_token_may_end_inside_the_next_character(student: Student) -> None:
    # Found by the property test: " " and the first byte of U+0080 merge into one token.
    text = "000 \x80"
    encoding = student.encode_batch([text])[0]
    tokens = TokenIndex(encoding.offsets)
    first, last = tokens.cover(0, 4)  # type: ignore[misc]
    assert tokens.chars(first, last) == (0, 5)
    assert student.decode(encoding.ids[first:last]).startswith("000 ")
    assert student.decode(encoding.ids) == text
