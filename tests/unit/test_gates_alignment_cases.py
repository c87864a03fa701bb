"""Span cover and locate, edge cases on a small known encoding: spans at the
first and last token, empty and shifted token ranges, repeated text, and
decoding that keeps the special tokens."""

from __future__ import annotations

import pytest

from pipeline.gates.alignment import Encoded, Segmenter, is_cover, locate
from pipeline.student import Student

TEXT = "aa bb aa"


@pytest.fixture(scope="module")
def encoded(student: Student) -> Encoded:
    (enc,) = Segmenter(student.tokenizer).encode_many([TEXT])
    # Qwen's byte-level BPE: "aa", " bb", " aa".
    assert [(enc.start(i), enc.end(i)) for i in range(len(enc))] == [(0, 2), (2, 5), (5, 8)]
    return enc


@pytest.mark.parametrize(
    ("start", "end", "tokens"),
    [
        (0, 2, [0, 1]),  # first token
        (3, 5, [1, 2]),
        (6, 8, [2, 3]),  # last token
        (3, 8, [1, 3]),
        (0, 8, [0, 3]),
    ],
)
def test_minimal_covers_are_accepted(
    encoded: Encoded, start: int, end: int, tokens: list[int]
) -> None:
    assert is_cover(encoded, start, end, tokens)


@pytest.mark.parametrize(
    ("start", "end", "tokens"),
    [
        (0, 2, [0, 0]),  # empty token range
        (6, 8, [3, 3]),  # empty token range at the end
        (3, 3, [1, 2]),  # empty character range
        (3, 8, [2, 3]),  # starts one token late
        (3, 5, [1, 3]),  # ends one token late (the next token starts at `end`)
    ],
)
def test_non_minimal_or_empty_covers_are_rejected(
    encoded: Encoded, start: int, end: int, tokens: list[int]
) -> None:
    assert not is_cover(encoded, start, end, tokens)


@pytest.mark.parametrize(
    ("text", "tokens", "found"),
    [
        ("aa", [0, 1], (0, 2)),  # at the very first character
        ("aa", [0, 3], (0, 2)),  # the first occurrence in the range
        ("aa", [2, 3], (6, 8)),  # inside the last token
        ("bb", [1, 2], (3, 5)),
        ("bb", [0, 1], None),  # after the covered characters
        ("aa", [1, 2], None),
        ("aa", [0, 0], None),  # empty token range
        ("aa", [3, 3], None),
    ],
)
def test_locate_searches_only_the_covered_characters(
    encoded: Encoded, text: str, tokens: list[int], found: tuple[int, int] | None
) -> None:
    assert locate(encoded, text, tokens) == found


def test_decoding_keeps_special_tokens(student: Student) -> None:
    segmenter = Segmenter(student.tokenizer)
    im_start = student.tokenizer.token_to_id("<|im_start|>")
    (encoded,) = segmenter.encode_many(["<|im_start|>user"])
    assert segmenter.decode_many([encoded.ids(0, len(encoded)), [im_start]]) == [
        "<|im_start|>user",
        "<|im_start|>",
    ]


@pytest.mark.parametrize(("s", "e"), [(0, 1), (1, 2), (1, 3), (2, 3), (0, 3)])
def test_ids_of_a_token_range_are_those_of_the_whole_encoding(
    encoded: Encoded, student: Student, s: int, e: int
) -> None:
    whole = student.tokenizer.encode(TEXT, add_special_tokens=False).ids
    assert encoded.ids(s, e) == whole[s:e]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "<|im_start|>user\nhi<|im_end|>\n",
        "<|im_end|><|im_end|>x",
    ],
)
def test_texts_with_special_tokens_keep_whole_encoding_offsets(student: Student, text: str) -> None:
    (enc,) = Segmenter(student.tokenizer).encode_many([text])
    whole = student.tokenizer.encode(text, add_special_tokens=False)
    assert len(enc) == len(whole.ids)
    assert enc.ids(0, len(enc)) == whole.ids
    assert [(enc.start(i), enc.end(i)) for i in range(len(enc))] == [
        tuple(o) for o in whole.offsets
    ]
