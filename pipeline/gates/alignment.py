"""Token alignment round trip, on teacher-level and on sequence-level spans.

The verifier re-encodes every text itself. A tokenizer splits its input at
added tokens before anything else, and encodes the pieces between them
independently, so the encoding of a rendered chat sequence is the
concatenation of the encodings of its pieces. `Segmenter` uses that: the
pieces of a whole chunk are deduplicated and encoded with one `encode_batch`
call, and long pieces (the tool definitions of the system turn, the same for
most items) are kept across chunks. The identity is checked on a probe when
the segmenter is built; a tokenizer that breaks it (added tokens that strip
whitespace or are normalised, a pre-tokenizer that only marks the first
piece) is encoded whole instead.

A span is aligned when its token range is the minimal cover of its
characters in that encoding and the decoded tokens contain its text
(compared without whitespace, after the tokenizer's own normaliser, so
WordPiece and Metaspace decoders that re-space text still round-trip).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

# Pieces at least this long are cached across chunks (system turns with tool schemas).
CACHE_MIN_CHARS = 512
CACHE_MAX_ENTRIES = 256
PROBE = (
    "<|im_start|>system\nYou are helpful. Tools: fs.read<|im_end|>\n<|im_start|>user\n"
    "Read docs/a.md and count the lines.<|im_end|>\n<|im_start|>assistant\n"
    'Sure: {"name": "fs.read", "arguments": {"path": "docs/a.md"}} 1.234,56 café 😀<|im_end|>\n'
)


class Piece:
    """One piece of a text's encoding. Token ids and offsets are read from the
    tokenizer's `Encoding` only when a span needs them: most pieces (a system
    turn with tool schemas, a long prompt) only ever contribute their length."""

    __slots__ = ("_ids", "char_base", "encoding", "size", "token_base")

    def __init__(self, char_base: int, token_base: int, encoding: Any) -> None:
        self.char_base = char_base
        self.token_base = token_base
        self.encoding = encoding
        self.size = len(encoding)
        self._ids: list[int] | None = None

    @property
    def ids(self) -> list[int]:
        if self._ids is None:
            self._ids = list(self.encoding.ids)
        return self._ids

    def _chars(self, local: int) -> tuple[int, int]:
        # One token's offsets straight from the Encoding: far cheaper than
        # converting the whole offset list when a span needs a few lookups.
        start, end = self.encoding.token_to_chars(local)
        return start + self.char_base, end + self.char_base

    def start(self, local: int) -> int:
        return self._chars(local)[0]

    def end(self, local: int) -> int:
        return self._chars(local)[1]


class Special:
    """An added token, standing in for a tokenizer `Encoding` of its own text."""

    __slots__ = ("ids", "offsets")

    def __init__(self, token_id: int, length: int) -> None:
        self.ids = [token_id]
        self.offsets = [(0, length)]

    def __len__(self) -> int:
        return 1

    def token_to_chars(self, local: int) -> tuple[int, int]:
        return self.offsets[local]


class Encoded:
    """One text's encoding, stored as pieces; token lookups are O(log pieces)."""

    __slots__ = ("_bases", "length", "pieces", "text")

    def __init__(self, text: str, pieces: list[Piece]) -> None:
        self.text = text
        self.pieces = pieces
        self._bases = [p.token_base for p in pieces]
        self.length = pieces[-1].token_base + pieces[-1].size if pieces else 0

    def __len__(self) -> int:
        return self.length

    def _locate(self, token: int) -> tuple[Piece, int]:
        piece = self.pieces[bisect_right(self._bases, token) - 1]
        return piece, token - piece.token_base

    def start(self, token: int) -> int:
        piece, local = self._locate(token)
        return piece.start(local)

    def end(self, token: int) -> int:
        piece, local = self._locate(token)
        return piece.end(local)

    def ids(self, start: int, end: int) -> list[int]:
        out: list[int] = []
        token = start
        while token < end:
            piece, local = self._locate(token)
            take = piece.ids[local : local + (end - token)]
            out.extend(take)
            token += len(take)
        return out


class Segmenter:
    """Batched, deduplicated encoding of many texts with one tokenizer."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        added = tokenizer.get_added_tokens_decoder()
        self._special = {token.content: token_id for token_id, token in added.items()}
        contents = sorted(self._special, key=len, reverse=True)
        plain = all(
            not (t.lstrip or t.rstrip or t.single_word or t.normalized) for t in added.values()
        )
        self._split = (
            re.compile("(" + "|".join(re.escape(c) for c in contents) + ")") if contents else None
        )
        self._cache: dict[str, Any] = {}
        self.segmented = plain and self._split is not None
        if self.segmented and not self._probe():
            self.segmented = False
        normalizer = tokenizer.normalizer
        self._normalize = normalizer.normalize_str if normalizer is not None else None

    def _probe(self) -> bool:
        whole = self.tokenizer.encode(PROBE, add_special_tokens=False)
        (pieces,) = self.encode_many([PROBE])
        return pieces.ids(0, len(pieces)) == whole.ids and [
            (pieces.start(i), pieces.end(i)) for i in range(len(pieces))
        ] == [tuple(o) for o in whole.offsets]

    def _parts(self, text: str) -> list[tuple[int, str, bool]]:
        if not self.segmented or self._split is None:
            return [(0, text, False)] if text else []
        parts: list[tuple[int, str, bool]] = []
        pos = 0
        for index, part in enumerate(self._split.split(text)):
            if part:
                parts.append((pos, part, index % 2 == 1))
            pos += len(part)
        return parts

    def encode_many(self, texts: Sequence[str]) -> list[Encoded]:
        """Encode `texts` with a single encode_batch call over their distinct pieces."""
        plans = [self._parts(text) for text in texts]
        found: dict[str, Any] = {}
        wanted: list[str] = []
        for plan in plans:
            for _, part, special in plan:
                if special or part in found:
                    continue
                cached = self._cache.get(part)
                found[part] = cached
                if cached is None:
                    wanted.append(part)
        if wanted:
            encodings = self.tokenizer.encode_batch(wanted, add_special_tokens=False)
            for part, encoding in zip(wanted, encodings, strict=True):
                found[part] = encoding
                if len(part) >= CACHE_MIN_CHARS:
                    if len(self._cache) >= CACHE_MAX_ENTRIES:
                        self._cache.pop(next(iter(self._cache)))
                    self._cache[part] = encoding
        out = []
        for text, plan in zip(texts, plans, strict=True):
            pieces: list[Piece] = []
            tokens = 0
            for pos, part, special in plan:
                encoding = Special(self._special[part], len(part)) if special else found[part]
                if len(encoding):
                    pieces.append(Piece(pos, tokens, encoding))
                    tokens += len(encoding)
            out.append(Encoded(text, pieces))
        return out

    def squash(self, text: str) -> str:
        """Text as the decoder gives it back, for comparison: normalised, no whitespace."""
        if self._normalize is not None:
            text = self._normalize(text)
        return "".join(text.split())

    def decode_many(self, slices: list[list[int]]) -> list[str]:
        if not slices:
            return []
        return list(self.tokenizer.decode_batch(slices, skip_special_tokens=False))


def is_cover(encoded: Encoded, start: int, end: int, tokens: Sequence[int]) -> bool:
    """Whether tokens [s, e) is exactly the minimal cover of chars [start, end)."""
    s, e = tokens
    n = len(encoded)
    if not 0 <= s < e <= n or start >= end:
        return False
    first_ok = encoded.end(s) > start and (s == 0 or encoded.end(s - 1) <= start)
    last_ok = encoded.start(e - 1) < end and (e == n or encoded.start(e) >= end)
    return first_ok and last_ok


def locate(encoded: Encoded, text: str, tokens: Sequence[int]) -> tuple[int, int] | None:
    """Where `text` lies inside the characters that tokens [s, e) cover, if it does."""
    s, e = tokens
    if not 0 <= s < e <= len(encoded) or not text:
        return None
    lo, hi = encoded.start(s), encoded.end(e - 1)
    found = encoded.text.find(text, lo, hi)
    return None if found < 0 else (found, found + len(text))


def valid_range(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
