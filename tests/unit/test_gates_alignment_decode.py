"""Span decoding from the byte table: exactly `tokenizers`' decode_batch, or not used."""

from __future__ import annotations

import copy
import random
from pathlib import Path

from pipeline.gates.alignment import Segmenter, byte_table, decode_bytes
from pipeline.student import Student

TEXTS = [
    "<|im_start|>user\nRead docs/a.md and count the lines.<|im_end|>\n",
    '<tool_call>\n{"name": "fs.read", "arguments": {"path": "src/ü.py"}}\n</tool_call>',
    "Größe: 1.234,56 € — naïve cafe\u0301 日本語のテキスト 😀🚀👩\u200d👩\u200d👧 🇪🇸",
    "line one\r\nline two\n\n   indented\tTAB \u00a0nbsp\u2003em end",
]


def test_table_decoding_equals_decode_batch_on_random_slices(student: Student) -> None:
    fast = student.bytebpe()
    assert fast is not None
    table = byte_table(student.tokenizer, fast)
    assert table is not None
    rng = random.Random(7)
    slices = []
    for text in TEXTS:
        ids = list(student.tokenizer.encode(text, add_special_tokens=False).ids)
        slices.append(ids)
        # Slices that cut multi-byte characters apart, with and without added tokens.
        for _ in range(200):
            start = rng.randrange(len(ids))
            slices.append(ids[start : rng.randrange(start, len(ids)) + 1])
    expected = list(student.tokenizer.decode_batch(slices, skip_special_tokens=False))
    assert any("\ufffd" in text for text in expected)  # broken characters are exercised
    assert [decode_bytes(table, ids) for ids in slices] == expected


def test_segmenter_decodes_with_the_table_as_decode_batch_does(student: Student) -> None:
    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    assert segmenter._token_bytes is not None
    (encoded,) = segmenter.encode_many([TEXTS[1] + TEXTS[2]])
    slices = [encoded.ids(0, len(encoded)), encoded.ids(1, 9), encoded.ids(30, len(encoded) - 3)]
    assert segmenter.decode_many(slices) == list(
        student.tokenizer.decode_batch(slices, skip_special_tokens=False)
    )


def test_a_table_that_decodes_a_probe_differently_is_refused(student: Student) -> None:
    fast = copy.copy(student.bytebpe())
    assert fast is not None
    fast.token_bytes = list(fast.token_bytes)
    hello = student.tokenizer.token_to_id("user")
    fast.token_bytes[hello] = b"usr"
    assert byte_table(student.tokenizer, fast) is None


def test_no_table_for_a_tokenizer_without_the_fast_path(wordpiece_dir: Path) -> None:
    segmenter = Segmenter(Student(wordpiece_dir).tokenizer)
    assert segmenter._token_bytes is None
