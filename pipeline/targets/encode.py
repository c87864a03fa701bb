"""Batched encoding that skips work the tokenizer would repeat.

A fast tokenizer cuts its input at added tokens first and encodes the pieces
in between independently, so a text's encoding is the concatenation of its
pieces' encodings. Training sequences of one dataset share long pieces (the
system turn with the tool schemas) and a rendered call is the same piece in
the teacher text and in the sequence. Pieces are therefore deduplicated within
a batch, long ones are kept across batches, and everything left is encoded in
one `encode_batch` call. The identity is checked on a probe when the encoder
is built: a tokenizer whose added tokens strip or normalise, or whose
pre-tokenizer treats the first piece differently, is encoded whole instead.
The ids and offsets returned are exactly those of encoding each text whole.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any, NamedTuple

import numpy as np

from pipeline.spans import TokenIndex

CACHE_MIN_CHARS = 256
CACHE_MAX_ENTRIES = 512
PROBE = (
    "<|im_start|>system\n# Tools: fs.read<|im_end|>\n<|im_start|>user\nRead docs/a.md"
    '<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{"name": "fs.read", "arguments": '
    '{"path": "docs/a.md"}}\n</tool_call><|im_end|>\n 1.234,56 café 😀 e\u0301<|im_end|>'
)
_EMPTY = np.zeros(0, dtype=np.int64)


class Encoding(NamedTuple):
    """Token ids and character offsets as arrays (no Python object per token)."""

    ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return int(self.ids.size)

    def token_index(self) -> TokenIndex:
        """The foundation's bisect index over these offsets, built at C speed."""
        index = TokenIndex(())
        index.starts = self.starts.tolist()
        index.ends = self.ends.tolist()
        return index


def _from_tokenizer(encoding: Any) -> Encoding:
    offsets = np.array(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    return Encoding(np.array(encoding.ids, dtype=np.int32), offsets[:, 0], offsets[:, 1])


class PieceEncoder:
    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        added = tokenizer.get_added_tokens_decoder()
        self._ids = {token.content: token_id for token_id, token in added.items()}
        # An added token is a piece of its own: one id at offsets [0, len).
        self._special = {
            content: Encoding(
                np.array([token_id], dtype=np.int32),
                np.zeros(1, dtype=np.int64),
                np.array([len(content)], dtype=np.int64),
            )
            for content, token_id in self._ids.items()
        }
        plain = all(
            not (t.lstrip or t.rstrip or t.single_word or t.normalized) for t in added.values()
        )
        names = sorted(self._ids, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(map(re.escape, names)) + ")") if names else None
        self._cache: OrderedDict[str, Encoding] = OrderedDict()
        self.segmented = plain and self._split is not None
        if self.segmented:
            whole = _from_tokenizer(tokenizer.encode(PROBE, add_special_tokens=False))
            mine = self.encode([PROBE])[0]
            self.segmented = all(np.array_equal(a, b) for a, b in zip(whole, mine, strict=True))

    def _whole(self, texts: list[str]) -> list[Encoding]:
        if not texts:
            return []
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        return [_from_tokenizer(e) for e in encodings]

    def encode(self, texts: list[str]) -> list[Encoding]:
        """One `Encoding` per text, equal to encoding that text whole."""
        if not self.segmented or self._split is None:
            return self._whole(texts)
        plans = [self._split.split(text) for text in texts]
        found: dict[str, Encoding] = {}
        wanted: list[str] = []
        for plan in plans:
            for index, part in enumerate(plan):
                if index % 2 or not part or part in found:
                    continue
                cached = self._cache.get(part)
                if cached is not None:
                    self._cache.move_to_end(part)
                    found[part] = cached
                else:
                    found[part] = Encoding(_EMPTY, _EMPTY, _EMPTY)
                    wanted.append(part)
        for part, encoding in zip(wanted, self._whole(wanted), strict=True):
            found[part] = encoding
            if len(part) >= CACHE_MIN_CHARS:
                self._cache[part] = encoding
                if len(self._cache) > CACHE_MAX_ENTRIES:
                    self._cache.popitem(last=False)
        return [self._join(plan, found) for plan in plans]

    def _join(self, plan: list[str], found: dict[str, Encoding]) -> Encoding:
        pieces: list[Encoding] = []
        shifts: list[int] = []
        pos = 0
        for index, part in enumerate(plan):
            if part:
                pieces.append(self._special[part] if index % 2 else found[part])
                shifts.append(pos)
                pos += len(part)
        if not pieces:
            return Encoding(np.zeros(0, dtype=np.int32), _EMPTY, _EMPTY)
        # Each piece's offsets move by where the piece starts: one vectorised add.
        moved = np.repeat(np.array(shifts, dtype=np.int64), [len(p) for p in pieces])
        return Encoding(
            np.concatenate([p.ids for p in pieces]),
            np.concatenate([p.starts for p in pieces]) + moved,
            np.concatenate([p.ends for p in pieces]) + moved,
        )
