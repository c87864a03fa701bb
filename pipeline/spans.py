"""Span arithmetic: code points <-> UTF-8 bytes <-> token index ranges.

A span is a half-open range over one NFC+LF text and is always written with the
unit in its name: ``{"chars": [s, e], "utf8": [s, e], "tokens": [s, e] | None}``.
Every conversion here is O(log T) in the number of tokens (bisect over the
offset mapping) or a single C-level encode of a prefix; nothing rescans the
offset list per span.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any

Span = dict[str, Any]


class SpanError(ValueError):
    """A span that cannot exist on its text (reversed or out of bounds)."""


def check_bounds(start: int, end: int, length: int) -> None:
    if start < 0 or end < start or end > length:
        raise SpanError(f"span [{start}, {end}) is outside text of length {length} or reversed")


class TextIndex:
    """Code-point <-> UTF-8 byte offsets of one text."""

    __slots__ = ("_data", "ascii", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        self._data = text.encode()

    def utf8(self, char_offset: int) -> int:
        check_bounds(char_offset, char_offset, len(self.text))
        if self.ascii:
            return char_offset
        return len(self.text[:char_offset].encode())

    def char(self, utf8_offset: int) -> int:
        """Code-point offset of a byte offset; a byte inside a character is an error."""
        if self.ascii:
            check_bounds(utf8_offset, utf8_offset, len(self.text))
            return utf8_offset
        check_bounds(utf8_offset, utf8_offset, len(self._data))
        try:
            return len(self._data[:utf8_offset].decode())
        except UnicodeDecodeError as exc:
            raise SpanError(f"byte offset {utf8_offset} falls inside a UTF-8 character") from exc


class TokenIndex:
    """The offset mapping of one encoding, searchable by bisection.

    Offsets must be non-decreasing in both start and end, which holds for
    byte-level BPE (a character split over several tokens repeats its offsets),
    WordPiece and Unigram encodings of a single sequence.
    """

    __slots__ = ("ends", "starts")

    def __init__(self, offsets: Sequence[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in offsets]
        self.ends = [e for _, e in offsets]

    def __len__(self) -> int:
        return len(self.starts)

    def cover(self, start: int, end: int) -> tuple[int, int] | None:
        """The minimal token range whose offsets cover chars [start, end).

        An empty span maps to the empty range at the first token ending after
        `start`. A non-empty span that touches no token at all (for example
        whitespace that a WordPiece pre-tokenizer drops) cannot be aligned and
        gives None, so callers count it instead of inventing a range.
        """
        first = bisect_right(self.ends, start)
        if start == end:
            return (first, first)
        last = bisect_left(self.starts, end)
        if first >= last:
            return None
        return (first, last)

    def chars(self, token_start: int, token_end: int) -> tuple[int, int]:
        """The characters a token range covers (the inverse direction)."""
        if token_start < 0 or token_end < token_start or token_end > len(self.starts):
            raise SpanError(f"token range [{token_start}, {token_end}) outside {len(self)} tokens")
        if token_start == token_end:
            if token_start < len(self.starts):
                pos = self.starts[token_start]
            else:  # past the last token, or no tokens at all (an empty text)
                pos = self.ends[-1] if self.ends else 0
            return (pos, pos)
        return (self.starts[token_start], self.ends[token_end - 1])


def make_span(text: TextIndex, tokens: TokenIndex | None, start: int, end: int) -> Span:
    """A span object for chars [start, end) of `text`; tokens is None when unaligned."""
    check_bounds(start, end, len(text.text))
    covered = tokens.cover(start, end) if tokens is not None else None
    return {
        "chars": [start, end],
        "utf8": [text.utf8(start), text.utf8(end)],
        "tokens": list(covered) if covered is not None else None,
    }


def span_text(text: str, span: Span) -> str:
    start, end = span["chars"]
    return text[start:end]


def offsets_by_decoding(
    text: str, ids: Sequence[int], decode_one: Callable[[int], str]
) -> list[tuple[int, int]]:
    """Offset mapping for tokenizers that cannot give one (slow tokenizers).

    Each token is decoded on its own and searched for from a moving cursor, so
    the walk is linear overall. A token whose text is not found (a byte piece of
    a split character, a normaliser that changed the text) gets an empty range at
    the cursor, which `TokenIndex.cover` then treats as zero-width.
    """
    offsets: list[tuple[int, int]] = []
    cursor = 0
    for token_id in ids:
        piece = decode_one(token_id).strip()
        # An empty piece is found at the cursor itself, so it needs no case of its own.
        found = text.find(piece, cursor)
        if found < 0:
            offsets.append((cursor, cursor))
            continue
        cursor = found + len(piece)
        offsets.append((found, cursor))
    return offsets
