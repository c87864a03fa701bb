"""Piece-cached encoding gives exactly the ids and offsets of encoding each text whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline import encoding
from pipeline.spans import TokenIndex
from pipeline.student import Student
from pipeline.targets.encode import ArrayTokenIndex, PieceEncoder

TEXTS = [
    "<|im_start|>system\n# Tools\n" + "x" * 300 + "<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n",
    "<|im_start|>system\n# Tools\n" + "x" * 300 + "<|im_end|>\n<|im_start|>user\nbye<|im_end|>\n",
    '<tool_call>\n{"name": "fs.read", "arguments": {"path": "café/日本.md"}}\n</tool_call>',
    "Plain text 1.234,56 😀 e\u0301 without added tokens.",
    "",
    "<|im_end|>",
    # Added tokens side by side, at both ends: the empty pieces between them encode to nothing.
    "<|im_start|><|im_end|>x<|im_end|><|im_end|>",
    "<|im_start|>user\n😀<|im_end|>",
]


@pytest.fixture(params=["qwen", "wordpiece", "unigram"])
def tokenizer_dir(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_dir")


def test_identical_to_whole_encoding(tokenizer_dir: Path) -> None:
    student = Student(tokenizer_dir)
    encoder = PieceEncoder(student.tokenizer)
    for _ in range(2):  # the second round is served from the cache
        got = encoder.encode(TEXTS)
        for text, enc in zip(TEXTS, got, strict=True):
            whole = student.tokenizer.encode(text, add_special_tokens=False)
            assert enc.ids.tolist() == whole.ids
            assert list(zip(enc.starts.tolist(), enc.ends.tolist(), strict=True)) == whole.offsets
            index = enc.token_index()
            assert len(index) == len(enc) == len(whole.ids)


def test_empty_batches_and_texts(student: Student) -> None:
    encoder = PieceEncoder(student.tokenizer, student.bytebpe())
    assert encoder.encode([]) == []
    for enc in encoder.encode(["", ""]):
        assert len(enc) == enc.starts.size == enc.ends.size == 0
        assert enc.ids.dtype == np.int32


def test_qwen_is_segmented_and_caches_long_pieces(student: Student) -> None:
    encoder = PieceEncoder(student.tokenizer)
    assert encoder.pieces.segmented
    encoder.encode(TEXTS)
    assert any(len(piece) >= encoding.CACHE_MIN_CHARS for piece in encoder.pieces._cache)


def test_cache_is_bounded(student: Student, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoding, "CACHE_MAX_ENTRIES", 2)
    monkeypatch.setattr(encoding, "CACHE_MIN_CHARS", 1)
    encoder = PieceEncoder(student.tokenizer)
    encoder.encode(["a<|im_end|>b<|im_end|>c", "a<|im_end|>d"])
    assert len(encoder.pieces._cache) == 2


def test_a_tokenizer_that_breaks_the_identity_is_encoded_whole(student: Student) -> None:
    class Shifted:
        """Encodes PROBE differently from its pieces, like a prefix-space pre-tokenizer."""

        def __init__(self, inner: object) -> None:
            self.inner = inner

        def get_added_tokens_decoder(self) -> object:
            return self.inner.get_added_tokens_decoder()  # type: ignore[attr-defined]

        def encode(self, text: str, add_special_tokens: bool) -> object:
            return self.inner.encode(" " + text, add_special_tokens=add_special_tokens)  # type: ignore[attr-defined]

        def encode_batch(self, texts: list[str], add_special_tokens: bool) -> object:
            return self.inner.encode_batch(texts, add_special_tokens=add_special_tokens)  # type: ignore[attr-defined]

    encoder = PieceEncoder(Shifted(student.tokenizer))
    assert not encoder.pieces.segmented
    (enc,) = encoder.encode(["a<|im_end|>b"])
    assert (
        enc.ids.tolist() == student.tokenizer.encode("a<|im_end|>b", add_special_tokens=False).ids
    )
    assert encoder.encode([]) == []
    assert np.array_equal(PieceEncoder(student.tokenizer).encode([""])[0].ids, np.zeros(0))


def test_the_fast_path_gives_the_same_arrays(student: Student) -> None:
    fast = student.bytebpe()
    assert fast is not None
    plain, quick = PieceEncoder(student.tokenizer), PieceEncoder(student.tokenizer, fast)
    assert quick.pieces.fast is fast and plain.pieces.fast is None
    for _ in range(2):  # the second round is served from the cache
        for a, b in zip(plain.encode(TEXTS), quick.encode(TEXTS), strict=True):
            assert a.ids.tolist() == b.ids.tolist()
            assert a.starts.tolist() == b.starts.tolist() and a.ends.tolist() == b.ends.tolist()


def test_a_batch_gives_each_text_what_it_gets_alone(student: Student) -> None:
    # The batch is joined at once and sliced per text: no text sees its neighbours.
    encoder = PieceEncoder(student.tokenizer, student.bytebpe())
    batch = encoder.encode(TEXTS)
    for text, enc in zip(TEXTS, batch, strict=True):
        (alone,) = PieceEncoder(student.tokenizer, student.bytebpe()).encode([text])
        assert (enc.ids.dtype, enc.starts.dtype, enc.ends.dtype) == (np.int32, np.int64, np.int64)
        for got, want in zip(enc, alone, strict=True):
            assert got.tolist() == want.tolist() and got.dtype == want.dtype
    batch[0].starts[:] = -1  # a caller's edit stays in its own text and out of the cache
    again = encoder.encode(TEXTS)
    assert (
        again[0].starts.tolist() == PieceEncoder(student.tokenizer).encode(TEXTS)[0].starts.tolist()
    )
    assert batch[1].starts.min() >= 0


def test_the_array_index_answers_as_the_list_index(tokenizer_dir: Path) -> None:
    """`ArrayTokenIndex` searches the offset arrays; `TokenIndex` bisects lists of the
    same offsets: every span of every text, empty ones and ones past the end included,
    maps to the same tokens, and every token range back to the same characters."""
    student = Student(tokenizer_dir)
    for enc in PieceEncoder(student.tokenizer).encode(TEXTS):
        arrays = enc.token_index()
        lists = TokenIndex(list(zip(enc.starts.tolist(), enc.ends.tolist(), strict=True)))
        assert isinstance(arrays, ArrayTokenIndex)
        assert len(arrays) == len(lists)
        size = max(enc.ends.tolist(), default=0) + 2
        spans: list[tuple[int, int] | None] = [None]
        for start in range(size):
            for end in range(start, size):
                got = arrays.cover(start, end)
                assert got == lists.cover(start, end)
                assert got is None or all(type(t) is int for t in got)
                spans += [(start, end), None] if (start + end) % 7 == 0 else [(start, end)]
        # All at once (None passes through), as the extractor asks for an item's spans.
        expected = [lists.cover(*span) if span is not None else None for span in spans]
        assert arrays.cover_all(spans) == expected
        assert arrays.cover_all([None, None]) == [None, None]
        for first in range(len(lists) + 1):
            for last in range(first, len(lists) + 1):
                assert arrays.chars(first, last) == lists.chars(first, last)


def test_spans_made_at_once_are_the_spans_made_one_by_one(tokenizer_dir: Path) -> None:
    """The extractor's batched `_spans` gives what `make_span` gives per range over the
    list index, and a range that cannot exist raises the same error, the first in order."""
    from pipeline.spans import SpanError, TextIndex, make_span
    from pipeline.targets.build import _spans

    student = Student(tokenizer_dir)
    for text, enc in zip(TEXTS, PieceEncoder(student.tokenizer).encode(TEXTS), strict=True):
        index = TextIndex(text)
        lists = TokenIndex(list(zip(enc.starts.tolist(), enc.ends.tolist(), strict=True)))
        ranges: list[tuple[int, int] | None] = [None]
        for start in range(0, len(text) + 1, 3):
            ranges += [(start, end) for end in range(start, len(text) + 1, 5)] + [None]
        expected = [make_span(index, lists, *r) if r is not None else None for r in ranges]
        assert _spans(index, enc.token_index(), ranges) == expected
        bad = [(0, 0), (1, 0), (0, len(text) + 1)]
        with pytest.raises(SpanError) as one:
            make_span(index, lists, 1, 0)
        with pytest.raises(SpanError) as batched:
            _spans(index, enc.token_index(), bad)
        assert str(batched.value) == str(one.value)
