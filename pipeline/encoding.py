"""Batched encoding that skips work the tokenizer would repeat (extract and verify).

A fast tokenizer cuts its input at added tokens first and encodes the pieces
in between independently, so a text's encoding is the concatenation of its
pieces' encodings. Texts of one batch share long pieces (the system turn with
the tool schemas; a rendered call is the same piece in the teacher text and in
the sequence). `Pieces` therefore deduplicates pieces within a batch, keeps
long ones across batches, and encodes everything left in one `encode_batch`
call. The identity is checked on probes when it is built: a tokenizer whose
added tokens strip or normalise, or whose pre-tokenizer treats the first piece
differently, is encoded whole instead.

Each stage keeps its own view of a piece (`convert`): the extractor wants
numpy arrays, the verifier reads the tokenizer's `Encoding` lazily. Either
way, joining the pieces gives exactly the ids and offsets of the whole text.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Any, Generic, TypeVar

from pipeline.bytebpe import ByteBPE

T = TypeVar("T")

# Pieces at least this long are kept across batches (system turns with tool schemas).
CACHE_MIN_CHARS = 256
CACHE_MAX_ENTRIES = 512
PROBES = (
    "<|im_start|>system\n# Tools: fs.read<|im_end|>\n<|im_start|>user\nRead docs/a.md"
    '<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{"name": "fs.read", "arguments": '
    '{"path": "docs/a.md"}}\n</tool_call><|im_end|>\n 1.234,56 café 😀 e\u0301<|im_end|>',
    "<|im_start|>system\nYou are helpful. Tools: fs.read<|im_end|>\n<|im_start|>user\n"
    "Read docs/a.md and count the lines.<|im_end|>\n<|im_start|>assistant\n"
    'Sure: {"name": "fs.read", "arguments": {"path": "docs/a.md"}} 1.234,56 café 😀<|im_end|>\n',
)

Part = tuple[int, str, bool]  # (character position, text, is an added token)


class Pieces(Generic[T]):
    """Deduplicated, cached encoding of texts' pieces with one tokenizer.

    `convert` turns a tokenizer `Encoding` into the caller's piece type (and is
    what the cache holds); `added(token_id, length)` builds the piece of an
    added token, which is one id at offsets [0, length).
    """

    def __init__(
        self,
        tokenizer: Any,
        convert: Callable[[Any], T],
        added: Callable[[int, int], T],
        fast: ByteBPE | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self._convert = convert
        decoder = tokenizer.get_added_tokens_decoder()
        self._ids = {token.content: token_id for token_id, token in decoder.items()}
        # Each added token's piece, by its text.
        self.added = {
            content: added(token_id, len(content)) for content, token_id in self._ids.items()
        }
        plain = all(
            not (t.lstrip or t.rstrip or t.single_word or t.normalized) for t in decoder.values()
        )
        names = sorted(self._ids, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(map(re.escape, names)) + ")") if names else None
        self._cache: OrderedDict[str, T] = OrderedDict()
        self.segmented = plain and self._split is not None and all(map(self._agrees, PROBES))
        # The fast path encodes plain pieces only: it needs the text cut at added tokens.
        self.fast = fast if self.segmented else None

    def _parts(self, text: str, split: re.Pattern[str]) -> list[Part]:
        parts: list[Part] = []
        pos = 0
        added = False  # re.split alternates text and the captured added token
        for part in split.split(text):
            if part:
                parts.append((pos, part, added))
                pos += len(part)
            added = not added
        return parts

    def _agrees(self, probe: str) -> bool:
        """Whether the probe's pieces, joined, encode exactly as the whole probe."""
        assert self._split is not None
        parts = self._parts(probe, self._split)
        plain = [part for _, part, is_added in parts if not is_added]
        encodings = iter(self.tokenizer.encode_batch(plain, add_special_tokens=False))
        ids: list[int] = []
        offsets: list[tuple[int, int]] = []
        for pos, part, is_added in parts:
            if is_added:
                ids.append(self._ids[part])
                offsets.append((pos, pos + len(part)))
            else:
                encoding = next(encodings)
                ids.extend(encoding.ids)
                offsets.extend((pos + s, pos + e) for s, e in encoding.offsets)
        whole = self.tokenizer.encode(probe, add_special_tokens=False)
        return ids == list(whole.ids) and offsets == [tuple(o) for o in whole.offsets]

    def plan(self, text: str) -> list[Part]:
        """The non-empty pieces of `text`; the whole text when not segmented."""
        if not self.segmented or self._split is None:
            return [(0, text, False)] if text else []
        return self._parts(text, self._split)

    def encode(self, texts: Sequence[str]) -> list[list[tuple[int, T]]]:
        """Per text, its pieces in order as (character position, piece)."""
        plans, found = self.encode_plans(texts)
        added = self.added
        return [
            [(pos, added[part] if is_added else found[part]) for pos, part, is_added in plan]
            for plan in plans
        ]

    def cut(self, text: str) -> list[str]:
        """`text` cut at its added tokens, as `re.split` gives it: plain, added,
        plain, ..., plain (empty plain pieces kept, so added tokens sit at the odd
        indices); `[text]` when not segmented."""
        if not self.segmented or self._split is None:
            return [text]
        return self._split.split(text)

    def encode_plans(self, texts: Sequence[str]) -> tuple[list[list[Part]], dict[str, T]]:
        """Per text, its pieces (`plan`); and each plain piece's encoding by its text
        (an added token's is `added[text]`). For callers that walk the plans anyway."""
        plans = [self.plan(text) for text in texts]
        plain = (part for plan in plans for _, part, is_added in plan if not is_added)
        return plans, self._encode_parts(plain, {})

    def encode_cuts(
        self, texts: Sequence[str], cuts: list[list[str]] | None = None
    ) -> tuple[list[list[str]], dict[str, T]]:
        """Per text, its `cut`; and every piece's encoding by its text, the added
        tokens' and an empty piece's included, so that a text's encodings are one
        `map` over its cut (the verifier's way: no per-piece Python loop).

        `cuts`: the texts' cuts when the caller made them, possibly finer than
        `cut` (plain pieces still at even indices, an added token or an empty
        separator at odd ones) where it proved the pieces encode apart."""
        if cuts is None:
            cuts = list(map(self.cut, texts))
        # A plain piece never holds an added token's text (the split cuts at each
        # one), so the two share a table. Not when unsegmented: a whole text may
        # be exactly an added token's text, and is encoded as plain text then.
        found: dict[str, T] = dict(self.added) if self.segmented else {}
        return cuts, self._encode_parts(chain.from_iterable(cuts), found)

    def _encode_parts(self, parts: Iterable[str], found: dict[str, T]) -> dict[str, T]:
        """`found`, plus the encoding of each of `parts` it lacks: from the cache
        or from one `encode_batch` over the rest, in first-seen order."""
        wanted: list[str] = []  # the encode_batch input
        cache = self._cache
        for part in dict.fromkeys(parts):
            if part in found:
                continue
            cached = cache.get(part)
            if cached is None:
                wanted.append(part)
            else:
                cache.move_to_end(part)
                found[part] = cached
        if wanted:
            encodings = (
                self.fast.encode_batch(wanted)
                if self.fast is not None
                else self.tokenizer.encode_batch(wanted, add_special_tokens=False)
            )
            for part, encoding in zip(wanted, encodings, strict=True):
                found[part] = piece = self._convert(encoding)
                if len(part) >= CACHE_MIN_CHARS:
                    cache[part] = piece
                    if len(cache) > CACHE_MAX_ENTRIES:
                        cache.popitem(last=False)
        return found
