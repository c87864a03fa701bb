"""The student tokenizer's byte-level BPE, encoded by tiktoken where that is proven equal.

Tokenising is the largest single cost of extract and verify. Qwen's (and
Llama 3's) fast tokenizers are conversions of a tiktoken vocabulary: a regex
split, then byte-pair merges in rank order. tiktoken runs exactly that
algorithm about three times faster than `tokenizers`, but gives no offsets;
they follow from the token byte lengths (`Tokens`), by the same rule the fast
tokenizer uses (a token covers every character one of its bytes belongs to).

Equality is not assumed. `prove` checks, once, when the tokenizer stage
materialises a tokenizer, that its tokenizer.json has exactly the shape of a
tiktoken conversion (no normaliser, one regex split then byte-level mapping,
a BPE whose merges are every split of every token ordered by rank), and
writes the proof next to it. `load` accepts the proof only for the same
tokenizer.json (by sha256) and only after probe texts encode identically,
ids and offsets, both ways. verify re-encodes a share of the items with
`tokenizers` itself and fails if one token differs. Anything else — a
WordPiece or Unigram model, a normaliser, another pre-tokenizer — keeps the
`tokenizers` path.
"""

from __future__ import annotations

import json
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

PROOF_FILE = "bytebpe.json"
PROOF_VERSION = 1
# Texts whose encodings must agree before the fast path is used: whitespace
# runs, digits, contractions, accents, combining marks, CJK, emoji, astral letters.
PROBES = (
    "Read docs/a.md and count the lines: 1234567 of them, isn't it? They've said I'll.",
    '{"name": "fs.read", "arguments": {"path": "src/x.py", "limit": 3.5e-2}}\n\n  \t x',
    "héllo wörld 1.234,56 € 31.12.2024 naïve cafe\u0301 Straße ÇA",
    "日本語のテキスト、한국어 텍스트 ｱｲｳ 😀😀 👩‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "line one\r\nline two\n\n\n   indented\tTAB  \u00a0nbsp\u2003em  end   ",
    'Traceback (most recent call last):\n  File "/srv/app.py", line 42, in <module>\n',
)


def byte_decoder() -> dict[str, int]:
    """The byte-level alphabet: the printable character that stands for each byte."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    chars = list(printable)
    shifted = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + shifted)
            shifted += 1
    return {chr(char): byte for byte, char in zip(printable, chars, strict=True)}


def _shape_problem(spec: dict[str, Any]) -> str | None:
    """Why a tokenizer.json is not a plain tiktoken conversion, or None."""
    if spec.get("normalizer") is not None:
        return "it has a normalizer"
    pre = spec.get("pre_tokenizer") or {}
    steps = pre.get("pretokenizers") if pre.get("type") == "Sequence" else None
    if not steps or len(steps) != 2:
        return "its pre-tokenizer is not a regex split followed by byte-level mapping"
    split, level = steps
    if not (
        split.get("type") == "Split"
        and "Regex" in (split.get("pattern") or {})
        and split.get("behavior") == "Isolated"
        and not split.get("invert")
        and level.get("type") == "ByteLevel"
        and not level.get("add_prefix_space")
        and not level.get("use_regex")
    ):
        return "its pre-tokenizer is not a regex split followed by byte-level mapping"
    post = spec.get("post_processor")
    if post is not None and not (post.get("type") == "ByteLevel" and not post.get("trim_offsets")):
        return "its post-processor changes offsets"
    model = spec.get("model") or {}
    if not (
        model.get("type") == "BPE"
        and model.get("dropout") is None
        and not model.get("byte_fallback")
        and not model.get("continuing_subword_prefix")
        and not model.get("end_of_word_suffix")
        and model.get("ignore_merges")
    ):
        return "its model is not a plain byte-level BPE that prefers whole-word tokens"
    return None


def _ranks(vocab: dict[str, int], added: set[str]) -> dict[bytes, int] | None:
    """Token bytes -> id. `str.translate` maps each byte-level character to the
    code point of its byte, so `latin-1` encoding yields the bytes (at C speed)."""
    table = {ord(char): byte for char, byte in byte_decoder().items()}
    # A raw control character or space is not byte-level: make it fail the encoding.
    table.update({code: 0x100 for code in range(0x100) if code not in table})
    ranks: dict[bytes, int] = {}
    for token, rank in vocab.items():
        if token in added:
            continue
        try:
            ranks[token.translate(table).encode("latin-1")] = rank
        except UnicodeEncodeError:  # a character outside the byte-level alphabet
            return None
    return ranks


def _merges_match(merges: list[Any], ranks: dict[bytes, int]) -> bool:
    """Whether the merges are every split of every token into two tokens, in rank order:
    then greedy lowest-rank merging (tiktoken) and merge-list order agree."""
    encoder = {byte: char for char, byte in byte_decoder().items()}
    cursor = iter(merges)
    for token in sorted(ranks, key=ranks.__getitem__):
        splits = [
            (token[:cut], token[cut:])
            for cut in range(1, len(token))
            if token[:cut] in ranks and token[cut:] in ranks
        ]
        splits.sort(key=lambda pair: (ranks[pair[0]], ranks[pair[1]]))
        for left, right in splits:
            merge = next(cursor, None)
            if isinstance(merge, str):
                merge = merge.split(" ")
            expected = ["".join(map(encoder.__getitem__, half)) for half in (left, right)]
            if merge is None or list(merge) != expected:
                return False
    return next(cursor, None) is None


def prove(tokenizer_json: str, sha256: str, *, by_construction: bool = False) -> dict[str, Any]:
    """The proof record for one tokenizer.json: `equal` and, if not, `reason`.

    `by_construction` skips the merge-list comparison for tokenizers this
    project converted from a tiktoken vocabulary itself (the embedded ones).
    """
    spec = json.loads(tokenizer_json)
    record: dict[str, Any] = {"version": PROOF_VERSION, "tokenizer_sha256": sha256}
    problem = _shape_problem(spec)
    if problem is None:
        model = spec["model"]
        added = {token["content"] for token in spec.get("added_tokens") or []}
        ranks = _ranks(model.get("vocab") or {}, added)
        if ranks is None or len(ranks) < 256:
            problem = "its vocabulary is not byte-level"
        elif not by_construction and not _merges_match(model.get("merges") or [], ranks):
            problem = "its merges are not the rank-ordered splits of its vocabulary"
    if problem is not None:
        return {**record, "equal": False, "reason": f"tokenizer.json: {problem}"}
    pattern = spec["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]
    return {**record, "equal": True, "pattern": pattern}


class Tokens:
    """One text's tokens from the fast path, shaped like a `tokenizers.Encoding`
    for the calls this project makes (`ids`, `offsets`, `token_to_chars`, `len`)."""

    __slots__ = ("_offsets", "_size", "end_array", "id_array", "start_array")

    def __init__(self, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> None:
        self.id_array = ids
        self.start_array = starts
        self.end_array = ends
        # Read for every piece of every text that holds it: kept as a Python int.
        self._size = int(ids.size)
        # (starts, ends) as lists, made on the first per-token lookup.
        self._offsets: tuple[list[int], list[int]] | None = None

    def __len__(self) -> int:
        return self._size

    @property
    def ids(self) -> list[int]:
        return list(self.id_array.tolist())

    @property
    def offsets(self) -> list[tuple[int, int]]:
        return list(zip(self.start_array.tolist(), self.end_array.tolist(), strict=True))

    def token_to_chars(self, token: int) -> tuple[int, int]:
        if self._offsets is None:
            self._offsets = (self.start_array.tolist(), self.end_array.tolist())
        starts, ends = self._offsets
        return starts[token], ends[token]


class ByteBPE:
    """tiktoken over the student's vocabulary; `encode_batch` as `tokenizers` would."""

    def __init__(self, ranks: dict[bytes, int], pattern: str) -> None:
        import tiktoken

        # No special tokens: callers cut texts at added tokens before encoding.
        self._encoding = tiktoken.Encoding(
            "student", pat_str=pattern, mergeable_ranks=ranks, special_tokens={}
        )
        self.pattern = pattern  # the pre-tokenizer's regex split
        # Each id's byte length, set for all ids at once (a start-up cost of every stage).
        ids = np.fromiter(ranks.values(), dtype=np.int64, count=len(ranks))
        lengths = np.zeros(int(ids.max()) + 1, dtype=np.int64)
        lengths[ids] = np.fromiter(map(len, ranks), dtype=np.int64, count=len(ranks))
        # Each id's bytes (b"" for ids that are not BPE tokens: added tokens, gaps).
        token_bytes = [b""] * lengths.size
        for token, rank in ranks.items():
            token_bytes[rank] = token
        self._lengths = lengths
        self.token_bytes = token_bytes

    def ids_batch(self, texts: list[str], threads: int = 1) -> list[list[int]]:
        """Ids only, on `threads` threads: the bench's floor for this fast path."""
        return self._encoding.encode_ordinary_batch(texts, num_threads=threads)

    def encode_batch(self, texts: list[str]) -> list[Tokens]:
        """Per text, its ids and character offsets, computed for the batch at once."""
        encode = self._encoding.encode_ordinary
        per_text = [encode(text) for text in texts]
        counts = np.fromiter(map(len, per_text), dtype=np.int64, count=len(texts))
        total = int(counts.sum())
        ids = np.fromiter(chain.from_iterable(per_text), dtype=np.int32, count=total)
        byte_ends = np.cumsum(self._lengths[ids])
        byte_starts = byte_ends - self._lengths[ids]
        # The texts' tokens tile their UTF-8 bytes back to back.
        joined = "".join(texts)
        raw = joined.encode("utf-8")
        if len(raw) == len(joined):
            starts, ends = byte_starts, byte_ends
        else:
            data = np.frombuffer(raw, dtype=np.uint8)
            char_of_byte = np.cumsum((data & 0xC0) != 0x80) - 1
            starts = char_of_byte[byte_starts]
            ends = char_of_byte[byte_ends - 1] + 1 if total else byte_ends
        text_starts = np.cumsum([0, *map(len, texts)])[:-1]
        shift = np.repeat(text_starts, counts)
        starts = starts - shift
        ends = ends - shift
        bounds = np.cumsum(counts)
        out = []
        first = 0
        for last in bounds.tolist():
            out.append(Tokens(ids[first:last], starts[first:last], ends[first:last]))
            first = last
        return out


def same_encoding(reference: Any, fast: Tokens) -> bool:
    """Whether a `tokenizers.Encoding` and the fast path's tokens agree, ids and offsets."""
    # `tokenizers` gives lists of int tuples: compared as they are, at C speed.
    return bool(reference.ids == fast.ids and reference.offsets == fast.offsets)


def load(directory: str | Path, tokenizer: Any, sha256: str) -> ByteBPE | None:
    """The fast path for a materialised tokenizer, or None when it is not proven equal."""
    path = Path(directory) / PROOF_FILE
    try:
        proof = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not (
        isinstance(proof, dict)
        and proof.get("version") == PROOF_VERSION
        and proof.get("equal") is True
        and proof.get("tokenizer_sha256") == sha256
        and isinstance(proof.get("pattern"), str)
    ):
        return None
    added = {token.content for token in tokenizer.get_added_tokens_decoder().values()}
    ranks = _ranks(tokenizer.get_vocab(with_added_tokens=False), added)
    if ranks is None:
        return None
    try:
        fast = ByteBPE(ranks, proof["pattern"])
    except ValueError:  # a pattern tiktoken's regex engine does not accept
        return None
    probes = list(PROBES)
    references = tokenizer.encode_batch(probes, add_special_tokens=False)
    if not all(map(same_encoding, references, fast.encode_batch(probes))):
        return None
    return fast
