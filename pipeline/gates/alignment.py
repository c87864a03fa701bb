"""Token alignment round trip, on teacher-level and on sequence-level spans.

The verifier re-encodes every text itself, through `pipeline.encoding.Pieces`
(the extractor's splitting, deduplication, cache and probe): the pieces of a
whole chunk are encoded with one `encode_batch` call, and `Encoded` reads a
text's tokens from its pieces, so the ids and offsets are those of encoding
the text whole.

A span is aligned when its token range is the minimal cover of its
characters in that encoding and the decoded tokens contain its text
(compared without whitespace, after the tokenizer's own normaliser, so
WordPiece and Metaspace decoders that re-space text still round-trip).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from pipeline.bytebpe import ByteBPE, byte_decoder, same_encoding
from pipeline.encoding import CACHE_MAX_ENTRIES, CACHE_MIN_CHARS, Pieces


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


# Characters around a token range (`Encoded.edges`): end of the token before,
# start and end of the first token, start and end of the last, start of the next.
Edges = tuple[int | None, int, int, int, int, int | None]


class Encoded:
    """One text's encoding, stored as its pieces (`Pieces.cut`: plain and added,
    empty ones included) in parallel lists: first token, first character, the
    piece's encoding; token lookups are O(log pieces). Token ids and offsets are
    read from a piece's encoding only when a span needs them: most pieces (a
    system turn with tool schemas, a long prompt) only ever contribute their length.

    The lists are made by `map` and `accumulate` over the cut, not a Python
    loop per piece: every text of every item is built, most never looked into.
    An empty piece has the same first token as the next one, and `bisect_right`
    passes over it, so lookups only land on pieces with tokens."""

    __slots__ = ("_ids", "bases", "chars", "encodings", "length", "pieces", "text")

    def __init__(self, text: str, pieces: list[str], found: dict[str, Any]) -> None:
        """`pieces`: the text's cut (`Pieces.cut`); `found`: each piece's encoding by
        its text (`Pieces.encode_cuts`)."""
        self.text = text
        self.pieces = pieces
        self.encodings = encodings = list(map(found.__getitem__, pieces))
        # One more entry than pieces: the last is the text's length in tokens.
        self.bases = list(accumulate(map(len, encodings), initial=0))
        self.chars = list(accumulate(map(len, pieces), initial=0))
        self.length = self.bases[-1]
        self._ids: dict[int, list[int]] = {}  # piece index -> its ids, read once

    def __len__(self) -> int:
        return self.length

    @property
    def plain(self) -> list[tuple[str, Any]]:
        """Every non-empty plain piece with its encoding (the reference check's)."""
        return [
            (part, encoding)
            for part, encoding in zip(self.pieces[::2], self.encodings[::2], strict=True)
            if part
        ]

    # `start` and `end` read one token's offsets straight from the piece's
    # Encoding (far cheaper than converting its offset list), with no helper
    # call in between.
    def start(self, token: int) -> int:
        i = bisect_right(self.bases, token) - 1
        return self.encodings[i].token_to_chars(token - self.bases[i])[0] + self.chars[i]

    def end(self, token: int) -> int:
        i = bisect_right(self.bases, token) - 1
        return self.encodings[i].token_to_chars(token - self.bases[i])[1] + self.chars[i]

    def at(self, token: int) -> tuple[int, int]:
        """Token `token`'s [start, end) characters: `start` and `end` in one lookup
        (the span checks read both ends of a range)."""
        i = bisect_right(self.bases, token) - 1
        start, end = self.encodings[i].token_to_chars(token - self.bases[i])
        shift = self.chars[i]
        return start + shift, end + shift

    def edges(self, s: int, e: int) -> Edges:
        """The characters around tokens [s, e), 0 <= s < e <= len: end of token s-1
        (None for the first token), start and end of s and of e-1, start of e (None
        past the last). A span's range usually lies in one piece: one `bisect` and
        one method call for all six, not one of each per offset (every span's
        cover check reads them all)."""
        bases = self.bases
        i = bisect_right(bases, s) - 1
        j = i if e <= bases[i + 1] else bisect_right(bases, e - 1) - 1
        first, last = self.encodings[i], self.encodings[j]
        shift, last_shift = self.chars[i], self.chars[j]
        first_start, first_end = first.token_to_chars(s - bases[i])
        last_start, last_end = last.token_to_chars(e - 1 - bases[j])
        if s == 0:
            before = None
        elif s > bases[i]:
            before = first.token_to_chars(s - 1 - bases[i])[1] + shift
        else:
            before = self.at(s - 1)[1]
        if e == self.length:
            after = None
        elif e < bases[j + 1]:
            after = last.token_to_chars(e - bases[j])[0] + last_shift
        else:
            after = self.at(e)[0]
        return (
            before,
            first_start + shift,
            first_end + shift,
            last_start + last_shift,
            last_end + last_shift,
            after,
        )

    def ids(self, start: int, end: int) -> list[int]:
        out: list[int] = []
        token = start
        bases, cache = self.bases, self._ids
        while token < end:
            i = bisect_right(bases, token) - 1
            ids = cache.get(i)
            if ids is None:
                # Only ever sliced, never changed: the encoding's own list, no copy.
                ids = cache[i] = self.encodings[i].ids
            local = token - bases[i]
            take = ids[local : local + (end - token)]
            out.extend(take)
            token += len(take)
        return out


def _as_is(encoding: Any) -> Any:
    return encoding


class Segmenter:
    """Batched, deduplicated encoding of many texts with one tokenizer."""

    def __init__(self, tokenizer: Any, fast: ByteBPE | None = None) -> None:
        self.tokenizer = tokenizer
        # The verifier caches the tokenizer's own `Encoding` (or the fast path's
        # `Tokens`): reading it lazily is cheaper than converting pieces that
        # only contribute their length.
        self.pieces: Pieces[Any] = Pieces(tokenizer, _as_is, Special, fast)
        self._agreed: OrderedDict[str, None] = OrderedDict()
        self._kept: set[int] = set()
        normalizer = tokenizer.normalizer
        self._normalize = normalizer.normalize_str if normalizer is not None else None
        fast = self.pieces.fast
        self._token_bytes = byte_table(tokenizer, fast) if fast is not None else None

    def encode_many(self, texts: Sequence[str]) -> list[Encoded]:
        """Encode `texts` with a single encode_batch call over their distinct pieces."""
        # Encodings kept from earlier batches (Pieces' cross-batch cache): the
        # reference check encodes those afresh, and takes this batch's as they are.
        self._kept = {id(encoding) for encoding in self.pieces._cache.values()}
        cuts, found = self.pieces.encode_cuts(texts)
        return [Encoded(text, cut, found) for text, cut in zip(texts, cuts, strict=True)]

    def _used(self, encoded: Sequence[Encoded]) -> dict[str, Any]:
        """Each plain piece of `encoded` that their batch encoded -> its encoding."""
        kept = self._kept
        return {
            part: encoding
            for one in encoded
            for part, encoding in one.plain
            if id(encoding) not in kept
        }

    def reference_differs(self, texts: Sequence[str], encoded: Sequence[Encoded] = ()) -> list[str]:
        """The pieces of `texts` that the fast path encodes differently from the
        tokenizer itself: ids and offsets are compared, piece by piece (each
        piece once). Empty when there is no fast path.

        `encoded`: the texts' encodings from the last `encode_many`, the ones
        their checks read; their pieces are compared as they are."""
        fast = self.pieces.fast
        if fast is None:
            return []
        # Segmented (there is a fast path): the plain pieces are every other one.
        plain = (part for text in texts for part in self.pieces.cut(text)[::2] if part)
        # A piece found equal once is equal for good (both encoders are pure): long
        # ones (system turns with tool schemas, shared by many items) are remembered.
        parts = [part for part in dict.fromkeys(plain) if part not in self._agreed]
        if not parts:
            return []
        references = self.tokenizer.encode_batch(parts, add_special_tokens=False)
        # The encodings the checks used, not new ones: what is compared is what was checked.
        used = self._used(encoded)
        missing = [part for part in parts if part not in used]
        made = dict(zip(missing, fast.encode_batch(missing), strict=True)) if missing else {}
        fast_encodings = [used[part] if part in used else made[part] for part in parts]
        differs = []
        for part, reference, tokens in zip(parts, references, fast_encodings, strict=True):
            if not same_encoding(reference, tokens):
                differs.append(part)
            elif len(part) >= CACHE_MIN_CHARS:
                self._agreed[part] = None
                if len(self._agreed) > CACHE_MAX_ENTRIES:
                    self._agreed.popitem(last=False)
        return differs

    def squash(self, text: str) -> str:
        """Text as the decoder gives it back, for comparison: normalised, no whitespace."""
        if self._normalize is not None:
            text = self._normalize(text)
        return "".join(text.split())

    def decode_many(self, slices: list[list[int]]) -> list[str]:
        if not slices:
            return []
        table = self._token_bytes
        if table is not None:
            # `decode_bytes` inlined: one call per span of every item.
            join, token = b"".join, table.__getitem__
            return [join(map(token, ids)).decode("utf-8", errors="replace") for ids in slices]
        return list(self.tokenizer.decode_batch(slices, skip_special_tokens=False))


def decode_bytes(table: list[bytes], ids: Sequence[int]) -> str:
    """A byte-level tokenizer's decoding: its tokens' bytes, read as UTF-8 (U+FFFD
    for each broken sequence, as `tokenizers` does)."""
    return b"".join(map(table.__getitem__, ids)).decode("utf-8", errors="replace")


# Slices the decode probe covers: whole texts, split characters, added tokens.
DECODE_PROBES = (
    '<|im_start|>user\nRead docs/a.md<|im_end|>\n<tool_call>\n{"a": 1}\n</tool_call>',
    "héllo wörld 1.234,56 € naïve cafe\u0301 日本語 😀😀 👩\u200d💻 𝔘𝔫 \r\n\t\u00a0 end",
)


def byte_table(tokenizer: Any, fast: ByteBPE) -> list[bytes] | None:
    """Every token id's bytes, for a byte-level BPE whose decoder is ByteLevel alone;
    None for any other tokenizer, or if the table decodes a probe differently.

    The ids of a span are decoded for every span of every item: reading their
    bytes from this table (the fast path's own, plus the added tokens) gives the
    tokenizer's decoding at a fraction of `decode_batch`'s cost, and is checked
    against `decode_batch` when it is made.
    """
    decoder = tokenizer.decoder
    if decoder is None or type(decoder).__name__ != "ByteLevel":
        return None
    table = list(fast.token_bytes)
    byte_of = byte_decoder()
    for token_id, added in tokenizer.get_added_tokens_decoder().items():
        content = added.content
        if token_id >= len(table):
            table.extend([b""] * (token_id + 1 - len(table)))
        # `tokenizers` maps a token's characters to bytes, or keeps its UTF-8
        # when one of them is outside the byte alphabet.
        if all(char in byte_of for char in content):
            table[token_id] = bytes(byte_of[char] for char in content)
        else:
            table[token_id] = content.encode("utf-8")
    slices: list[list[int]] = []
    for probe in DECODE_PROBES:
        ids = list(tokenizer.encode(probe, add_special_tokens=False).ids)
        slices.extend(ids[start:end] for start in range(4) for end in (len(ids) - 1, len(ids)))
    expected = tokenizer.decode_batch(slices, skip_special_tokens=False)
    if [decode_bytes(table, ids) for ids in slices] != list(expected):
        return None
    return table


def is_cover(encoded: Encoded, start: int, end: int, tokens: Sequence[int]) -> bool:
    """Whether tokens [s, e) is exactly the minimal cover of chars [start, end)."""
    s, e = tokens
    if not 0 <= s < e <= encoded.length:
        return False
    return covers(encoded.edges(s, e), start, end)


def covers(edges: Edges, start: int, end: int) -> bool:
    """`is_cover` on the range's `Encoded.edges`."""
    before, _, first_end, last_start, _, after = edges
    return (
        start < end
        and first_end > start
        and (before is None or before <= start)
        and last_start < end
        and (after is None or after >= end)
    )


def locate(encoded: Encoded, text: str, tokens: Sequence[int]) -> tuple[int, int] | None:
    """Where `text` lies inside the characters that tokens [s, e) cover, if it does."""
    s, e = tokens
    if not 0 <= s < e <= encoded.length:
        return None
    return find_within(encoded.text, text, encoded.edges(s, e))


def find_within(whole: str, text: str, edges: Edges) -> tuple[int, int] | None:
    """`locate` on the range's `Encoded.edges`."""
    if not text:
        return None
    found = whole.find(text, edges[1], edges[4])
    return None if found < 0 else (found, found + len(text))


def valid_range(value: Any) -> bool:
    """A [start, end] pair of ints, `bool` not being one. Called for every span
    twice: parsed JSON's exact types are tried first, at C speed."""
    if type(value) is list and len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
        return True
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
