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
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Any

import numpy as np

from pipeline.bytebpe import ByteBPE, Tokens, byte_decoder, same_encoding
from pipeline.encoding import CACHE_MAX_ENTRIES, CACHE_MIN_CHARS, PROBES, Pieces


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

    def wholes(self) -> list[tuple[tuple[str, ...], list[Any]]]:
        """Every non-empty plain piece of the text cut at added tokens, as the
        pieces it was encoded in (itself, or its lines: `Segmenter.encode_many`)
        with their encodings (the reference check's). A line cut is an empty
        separator at an odd index, where an added token never is empty."""
        pieces, encodings = self.pieces, self.encodings
        if "" not in pieces[1::2]:  # not cut at lines: each plain piece is whole
            return [
                ((part,), [encoding])
                for part, encoding in zip(pieces[::2], encodings[::2], strict=True)
                if part
            ]
        out: list[tuple[tuple[str, ...], list[Any]]] = []
        i, n = 0, len(pieces)
        while i < n:
            j = i + 2
            while j < n and pieces[j - 1] == "":
                j += 2
            subs = tuple(pieces[i:j:2])
            if any(subs):
                out.append((subs, encodings[i:j:2]))
            i = j
        return out

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


# Pre-tokenizer regexes (Qwen2.5's; Qwen3.5/3.6's; Llama 3's) under which a text
# may be cut after a "\n" that a non-whitespace character follows, and its two
# sides encoded apart. Why, for each of them: the tokenizer splits the text into
# pre-tokens by the regex's matches, which tile it (every character is matched:
# `\s+` takes whitespace, ` ?[^\s\p{L}\p{N}]+` anything the letter and number
# alternatives do not), and runs the byte-pair merges within each pre-token. No
# alternative matches a "\n" followed by a non-whitespace character: the
# contractions, letter and number alternatives hold no "\n"; ` ?[^\s..]+[\r\n]*`
# only ends in newlines; `\s*[\r\n]+`, `\s+(?!\S)` and `\s+` are whitespace only.
# So a pre-token ends at such a cut. There is no lookbehind or anchor, so the
# matches after the cut are those of the text after it; before it, the only look
# past the cut is `(?!\S)`, whose alternative never ends at the cut (the
# whitespace it would take holds the "\n", so `\s*[\r\n]+`, tried first, matches).
# The two sides' pre-tokens, hence tokens, are those of the whole. `lines_apart`
# checks the rule on probes with the tokenizer itself, the reference gate
# compares the joined pieces with `tokenizers` encoding whole pieces, and
# tests/unit/test_gates_alignment.py checks it on random text and generated items.
NEWLINE_CUT_PATTERNS = frozenset(
    {
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
        r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}"
        r"| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
        r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    }
)
# Texts with line cuts after every kind of line end (probes for `lines_apart`).
LINE_PROBES = (
    "assistant\nThe answer: 42.\n\n- one\n  two\r\nthree \n\tfour\n\u00a0five\n😀 six\n",
    '</tool_response>\nRead "a.md".\n{"a": 1}\n\n\n  x\n\u3000y\nñ\n\n',
)


def line_cut(text: str, position: int) -> bool:
    """Whether `text` may be cut at `position` under the rule above: right after a
    newline, before a character that is not whitespace. `str.isspace` holds for
    every Unicode White_Space character (the regexes' whitespace) and a few more
    (tested), so a cut it allows is one the rule allows."""
    return 0 < position < len(text) and text[position - 1] == "\n" and not text[position].isspace()


def cut_at(cut: list[str], positions: Iterable[int]) -> list[str]:
    """`cut` (`Pieces.cut`: plain pieces at even indices) with the plain piece that
    holds each position split there, an empty separator between the two sides;
    a position on a piece's edge is already a cut."""
    for position in sorted(set(positions), reverse=True):
        ends = list(accumulate(map(len, cut)))
        i = bisect_right(ends, position)
        if i % 2 == 0 and i < len(cut):
            start = ends[i] - len(cut[i])
            if start < position:
                piece = cut[i]
                cut[i : i + 1] = [piece[: position - start], "", piece[position - start :]]
    return cut


def lines_apart(pieces: Pieces[Any]) -> bool:
    """Whether texts may be cut at `line_cut` positions for this tokenizer: its
    fast path's regex is one of `NEWLINE_CUT_PATTERNS`, no added token holds a
    newline, and the probes, cut at every such position, encode as a whole with the
    tokenizer itself."""
    fast = pieces.fast
    if fast is None or fast.pattern not in NEWLINE_CUT_PATTERNS:
        return False
    if any("\n" in name for name in pieces.added):
        return False
    tokenizer = pieces.tokenizer
    for probe in (*PROBES, *LINE_PROBES):
        positions = [p for p in range(len(probe)) if line_cut(probe, p)]
        cut = cut_at(pieces.cut(probe), positions)
        whole = tokenizer.encode(probe, add_special_tokens=False)
        ids: list[int] = []
        offsets: list[tuple[int, int]] = []
        position = 0
        for i, part in enumerate(cut):
            if i % 2:
                if part:
                    ids.append(pieces._ids[part])
                    offsets.append((position, position + len(part)))
            elif part:
                encoding = tokenizer.encode(part, add_special_tokens=False)
                ids.extend(encoding.ids)
                offsets.extend((position + s, position + e) for s, e in encoding.offsets)
            position += len(part)
        if not positions or ids != whole.ids or offsets != [tuple(o) for o in whole.offsets]:
            return False
    return True


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
        self.lines_apart = lines_apart(self.pieces)

    def encode_many(
        self, texts: Sequence[str], shared: Sequence[Iterable[int]] = ()
    ) -> list[Encoded]:
        """Encode `texts` with a single encode_batch call over their distinct pieces.

        `shared`: per text (or none), positions where a text that another one
        holds starts (an item's answer, in its teacher text and its rendering):
        each one that is a `line_cut` cuts its piece there, so the shared text is
        a piece of both and encoded once. Any other position is passed over."""
        # Encodings kept from earlier batches (Pieces' cross-batch cache): the
        # reference check encodes those afresh, and takes this batch's as they are.
        self._kept = {id(encoding) for encoding in self.pieces._cache.values()}
        cuts = list(map(self.pieces.cut, texts))
        if self.lines_apart:
            for i, positions in enumerate(shared):
                text = texts[i]
                allowed = [p for p in positions if line_cut(text, p)]
                if allowed:
                    cuts[i] = cut_at(cuts[i], allowed)
        cuts, found = self.pieces.encode_cuts(texts, cuts)
        return [Encoded(text, cut, found) for text, cut in zip(texts, cuts, strict=True)]

    def reference_differs(self, texts: Sequence[str], encoded: Sequence[Encoded] = ()) -> list[str]:
        """The pieces of `texts` that the fast path encodes differently from the
        tokenizer itself: ids and offsets are compared, piece by piece (each
        piece once, each way it was encoded: whole, or cut at lines and joined).
        Empty when there is no fast path.

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
        wanted = set(parts)
        # Each way the checks encoded a piece -> the encodings they used (None:
        # kept from an earlier batch, made afresh here): what is compared is what
        # was checked.
        kept = self._kept
        ways: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
        for one in encoded:
            for subs, encodings in one.wholes():
                part = "".join(subs)
                if part in wanted:
                    ways.setdefault(
                        (part, subs), [e if id(e) not in kept else None for e in encodings]
                    )
        seen = {part for part, _ in ways}
        ways.update({(part, (part,)): [None] for part in parts if part not in seen})
        missing = list(
            dict.fromkeys(
                sub
                for (_, subs), encodings in ways.items()
                for sub, encoding in zip(subs, encodings, strict=True)
                if encoding is None
            )
        )
        made = dict(zip(missing, fast.encode_batch(missing), strict=True)) if missing else {}
        references = dict(
            zip(parts, self.tokenizer.encode_batch(parts, add_special_tokens=False), strict=True)
        )
        bad: set[str] = set()
        for (part, subs), encodings in ways.items():
            tokens = join_tokens(
                subs,
                [made[sub] if e is None else e for sub, e in zip(subs, encodings, strict=True)],
            )
            if not same_encoding(references[part], tokens):
                bad.add(part)
        for part in parts:
            if part not in bad and len(part) >= CACHE_MIN_CHARS:
                self._agreed[part] = None
                if len(self._agreed) > CACHE_MAX_ENTRIES:
                    self._agreed.popitem(last=False)
        return [part for part in parts if part in bad]

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


def join_tokens(parts: Sequence[str], encodings: list[Tokens]) -> Tokens:
    """The encoding of `"".join(parts)` made of its parts' encodings, offsets shifted."""
    if len(encodings) == 1:
        return encodings[0]
    shifts = np.repeat(
        np.fromiter(accumulate(map(len, parts[:-1]), initial=0), dtype=np.int64),
        [len(encoding) for encoding in encodings],
    )
    return Tokens(
        np.concatenate([encoding.id_array for encoding in encodings]),
        np.concatenate([encoding.start_array for encoding in encodings]) + shifts,
        np.concatenate([encoding.end_array for encoding in encodings]) + shifts,
    )


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
