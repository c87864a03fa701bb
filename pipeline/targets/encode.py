"""The extractor's view of `pipeline.encoding.Pieces`: whole-text numpy arrays.

Pieces are converted to arrays once (and cached as arrays); a text's
encoding is their concatenation, offsets shifted by where each piece starts.
The ids and offsets returned are exactly those of encoding each text whole.
"""

from __future__ import annotations

from itertools import chain, pairwise
from typing import Any, NamedTuple

import numpy as np

from pipeline.bytebpe import ByteBPE, Tokens
from pipeline.encoding import Pieces
from pipeline.spans import TokenIndex
from pipeline.targets.sequence import CharRange


class Encoding(NamedTuple):
    """Token ids and character offsets as arrays (no Python object per token)."""

    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.size)

    def token_index(self) -> ArrayTokenIndex:
        """The foundation's index, searching these offset arrays where they are."""
        return ArrayTokenIndex(self.starts, self.ends)


class ArrayTokenIndex(TokenIndex):
    """`TokenIndex` over numpy offset arrays: `searchsorted` is `bisect` on the same
    non-decreasing offsets, and an item asks for a dozen spans, so searching the
    arrays beats turning every token's offsets into Python ints (a twentieth of
    extract). The base lists stay empty: everything that reads them is overridden."""

    __slots__ = ("_end_array", "_start_array")

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        super().__init__(())
        self._start_array = starts
        self._end_array = ends

    def __len__(self) -> int:
        return int(self._start_array.size)

    def cover(self, start: int, end: int) -> tuple[int, int] | None:
        first = int(self._end_array.searchsorted(start, "right"))
        if start == end:
            return (first, first)
        last = int(self._start_array.searchsorted(end, "left"))
        if first >= last:
            return None
        return (first, last)

    def cover_all(self, spans: list[CharRange | None]) -> list[tuple[int, int] | None]:
        """`cover` of every span (None stays None), with one search per side for all."""
        present = [span for span in spans if span is not None]
        if not present:
            return [None] * len(spans)
        bounds = np.array(present, dtype=np.int64)
        firsts = self._end_array.searchsorted(bounds[:, 0], "right").tolist()
        lasts = self._start_array.searchsorted(bounds[:, 1], "left").tolist()
        out: list[tuple[int, int] | None] = []
        found = iter(zip(present, firsts, lasts, strict=True))
        for span in spans:
            if span is None:
                out.append(None)
                continue
            (start, end), first, last = next(found)
            if start == end:
                out.append((first, first))
            else:
                out.append((first, last) if first < last else None)
        return out

    def chars(self, token_start: int, token_end: int) -> tuple[int, int]:
        return self._as_lists().chars(token_start, token_end)

    def _as_lists(self) -> TokenIndex:
        index = TokenIndex(())
        index.starts = self._start_array.tolist()
        index.ends = self._end_array.tolist()
        return index


def _from_tokenizer(encoding: Any) -> Encoding:
    if isinstance(encoding, Tokens):
        return Encoding(encoding.id_array, encoding.start_array, encoding.end_array)
    # The offset pairs flattened into one buffer: much cheaper than np.array
    # inspecting a list of tuples.
    pairs = encoding.offsets
    offsets = np.fromiter(chain.from_iterable(pairs), dtype=np.int64, count=2 * len(pairs))
    offsets = offsets.reshape(-1, 2)
    return Encoding(np.array(encoding.ids, dtype=np.int32), offsets[:, 0], offsets[:, 1])


def _added(token_id: int, length: int) -> Encoding:
    return Encoding(
        np.array([token_id], dtype=np.int32),
        np.zeros(1, dtype=np.int64),
        np.array([length], dtype=np.int64),
    )


class PieceEncoder:
    """Batched encoding of many texts to `Encoding` arrays with one tokenizer."""

    def __init__(self, tokenizer: Any, fast: ByteBPE | None = None) -> None:
        self.pieces = Pieces(tokenizer, _from_tokenizer, _added, fast)

    def encode(self, texts: list[str]) -> list[Encoding]:
        """One `Encoding` per text, equal to encoding that text whole.

        Each text is taken as `Pieces.cut` gives it (added tokens at the odd
        indices, empty plain pieces kept: they encode to no tokens), so its
        pieces' places are cumulative sums of their lengths, computed for the
        batch at once instead of a tuple per piece in Python. The pieces of the
        whole batch are joined at once: each piece's offsets move by where the
        piece starts in its text (one vectorised add, on new arrays, so cached
        pieces stay as they are), and each text gets its slice. Three
        concatenations per batch instead of three per text."""
        if not texts:
            return []
        cuts, found = self.pieces.encode_cuts(texts)
        parts = list(chain.from_iterable(cuts))
        # Every piece is in `found`: a plain piece never is an added token's text
        # (the cut is made at each one), and without segmentation a text is one piece.
        ids_, starts_, ends_ = zip(*map(found.__getitem__, parts), strict=True)
        sizes = np.fromiter(map(len, ids_), dtype=np.int64, count=len(ids_))
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        per_text = np.fromiter(map(len, cuts), dtype=np.int64, count=len(cuts))
        # Where each piece starts in its text: its start in all texts joined, less
        # that of its text's first piece (every cut has at least one piece).
        starts_at = np.cumsum(lengths) - lengths
        first_piece = np.cumsum(per_text) - per_text
        positions = starts_at - np.repeat(starts_at[first_piece], per_text)
        moved = np.repeat(positions, sizes)
        ids = np.concatenate(ids_)
        starts = np.concatenate(starts_)
        starts += moved
        ends = np.concatenate(ends_)
        ends += moved
        piece_bounds = np.concatenate(([0], np.cumsum(per_text)))
        token_bounds = np.concatenate(([0], np.cumsum(sizes)))[piece_bounds].tolist()
        return [Encoding(ids[a:b], starts[a:b], ends[a:b]) for a, b in pairwise(token_bounds)]
