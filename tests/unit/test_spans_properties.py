"""Property tests: char <-> UTF-8 <-> token conversions on arbitrary unicode.

Run with the real tokenizers: the embedded Qwen byte-level BPE, and the WordPiece
and Unigram tokenizers trained in conftest (their normalisers change the text,
so their offsets map back through an alignment). The CI profile runs 200
examples each; `--hypothesis-profile=long` runs 10,000.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.spans import SpanError, TextIndex, TokenIndex, make_span
from pipeline.student import Student
from pipeline.text import is_normalized, normalize

# Everything but surrogates, with the characters that matter over-represented.
TRICKY = 'e\u0301\u0308\r\nñß😀🫠日本語\u200d\ufeff\t <|>{}"\\'
texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(TRICKY), max_size=40),
    st.lists(st.sampled_from(["Hello", " world", "é", "😀", "\r\n", "  ", "日本"])).map("".join),
).map(normalize)


@pytest.fixture(scope="module")
def students(student: Student, wordpiece_dir: Path, unigram_dir: Path) -> dict[str, Student]:
    return {"qwen": student, "wordpiece": Student(wordpiece_dir), "unigram": Student(unigram_dir)}


def encode(student: Student, text: str) -> tuple[list[int], TokenIndex]:
    encoding = student.encode_batch([text])[0]
    return encoding.ids, TokenIndex(encoding.offsets)


@given(texts)
def test_normalize_is_idempotent_and_checkable(text: str) -> None:
    assert normalize(text) == text
    assert is_normalized(text)


@given(texts)
def test_char_utf8_round_trip(text: str) -> None:
    index = TextIndex(text)
    for k in range(len(text) + 1):
        offset = index.utf8(k)
        assert offset == len(text[:k].encode("utf-8"))
        assert index.char(offset) == k


@given(texts)
def test_every_byte_offset_is_a_boundary_or_an_error(text: str) -> None:
    index = TextIndex(text)
    data = text.encode("utf-8")
    boundaries = {len(text[:k].encode("utf-8")): k for k in range(len(text) + 1)}
    for offset in range(len(data) + 1):
        if offset in boundaries:
            assert index.char(offset) == boundaries[offset]
        else:
            with pytest.raises(SpanError):
                index.char(offset)


@pytest.mark.parametrize("name", ["qwen", "wordpiece", "unigram"])
@given(text=texts, data=st.data())
def test_cover_is_the_minimal_overlapping_token_range(
    students: dict[str, Student], name: str, text: str, data: st.DataObject
) -> None:
    _, tokens = encode(students[name], text)
    starts, ends = tokens.starts, tokens.ends
    # The bisection in `cover` relies on these invariants of every encoding.
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= s <= e <= len(text) for s, e in zip(starts, ends, strict=True))
    position = st.integers(0, len(text))
    for a, b in data.draw(st.lists(st.tuples(position, position), max_size=8)):
        start, end = min(a, b), max(a, b)
        covered = tokens.cover(start, end)
        overlapping = [i for i in range(len(tokens)) if starts[i] < end and ends[i] > start]
        if start == end:
            assert covered is not None and covered[0] == covered[1]
            assert all(ends[i] <= start for i in range(covered[0]))
        elif not overlapping:
            assert covered is None
        else:
            assert covered == (overlapping[0], overlapping[-1] + 1)


@given(text=texts, data=st.data())
def test_byte_level_spans_always_align_and_decode_to_their_text(
    student: Student, text: str, data: st.DataObject
) -> None:
    ids, tokens = encode(student, text)
    assert student.decode(ids) == text
    position = st.integers(0, len(text))
    index = TextIndex(text)
    for a, b in data.draw(st.lists(st.tuples(position, position), min_size=1, max_size=6)):
        start, end = min(a, b), max(a, b)
        span = make_span(index, tokens, start, end)
        assert span["utf8"] == [index.utf8(start), index.utf8(end)]
        first, last = span["tokens"]
        if start == end:
            continue
        lo, hi = tokens.chars(first, last)
        # Byte-level BPE covers every character: the token range contains the span.
        assert lo <= start and hi >= end
        # A boundary token may merge the last bytes of one character with the first
        # of the next ("000 \x80"), so only the span itself must decode intact.
        decoded = student.decode(ids[first:last])
        assert text[start:end] in decoded
        if "\ufffd" not in decoded:
            assert decoded == text[lo:hi]


@given(text=texts, data=st.data())
def test_token_range_to_chars_and_back(student: Student, text: str, data: st.DataObject) -> None:
    _, tokens = encode(student, text)
    n = len(tokens)
    position = st.integers(0, n)
    for a, b in data.draw(st.lists(st.tuples(position, position), max_size=8)):
        first, last = min(a, b), max(a, b)
        lo, hi = tokens.chars(first, last)
        if first == last:
            assert lo == hi
            continue
        back = tokens.cover(lo, hi)
        assert back is not None and back[0] <= first and back[1] >= last

        # Token boundaries inside one character (a split emoji) widen to the whole
        # character; boundaries between characters come back exactly.
        def clean(i: int) -> bool:
            return i in (0, n) or tokens.ends[i - 1] <= tokens.starts[i]

        if clean(first) and clean(last):
            assert back == (first, last)
