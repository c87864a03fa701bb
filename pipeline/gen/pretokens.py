"""A lower bound on a text's student tokens that needs no vocabulary: its pre-token count.

Long-context prompts must reach `generate.long_context_tokens` student tokens,
and loading tokenizer.json in full (an 8 MB vocabulary and merge list) is about
half a second of CPU per process, spent for three prompts per run. A
byte-level BPE gives each piece of its pre-tokenizer's split at least one
token (every byte is in its vocabulary) and each added token exactly one, so
the number of pieces never exceeds the token count: when it already reaches
the target, so does the exact count, and the tokenizer need not be loaded.

The pieces are counted by a `tokenizers.Tokenizer` built from the student's own
added tokens, normalizer and pre-tokenizer, with a model that makes one token
of each piece (WordLevel knowing only its unknown token). Those fields come
before the model in tokenizer.json (`tokenizers` writes the model last), so
they are read without parsing the vocabulary. The bound is offered only where
`pipeline.bytebpe`'s proof (for the same sha256) says the tokenizer is a plain
byte-level BPE; for any other tokenizer the caller counts exactly.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

# `pipeline.bytebpe.PROOF_FILE` and `PROOF_VERSION` (a test keeps them equal): importing
# that module would import numpy, which generate otherwise never needs.
PROOF_FILE = "bytebpe.json"
PROOF_VERSION = 1
TOKENIZER_FILE = "tokenizer.json"
# What `tokenizers` writes before the model, every one of them always: a head without
# all of them was written some other way, and may hold a field after the model.
HEAD_FIELDS = frozenset(
    ("version", "truncation", "padding", "added_tokens", "normalizer", "pre_tokenizer",
     "post_processor", "decoder")
)  # fmt: skip
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
# One token per piece: every piece is this model's unknown token.
_ONE_PER_PIECE = {"type": "WordLevel", "vocab": {"[UNK]": 0}, "unk_token": "[UNK]"}


def _past_space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


def head_fields(text: str) -> dict[str, Any] | None:
    """The top-level fields of a tokenizer.json before its "model", each parsed by
    `json`; None when the text is not an object whose fields lead to a "model"."""
    decoder = json.JSONDecoder()
    at = _past_space(text, 0)
    if not text.startswith("{", at):
        return None
    at += 1
    fields: dict[str, Any] = {}
    try:
        while True:
            key, at = decoder.raw_decode(text, _past_space(text, at))
            at = _past_space(text, at)
            if not isinstance(key, str) or not text.startswith(":", at):
                return None
            if key == "model":
                return fields
            if key in fields:
                return None  # a repeated field: which one counts is not ours to guess
            fields[key], at = decoder.raw_decode(text, _past_space(text, at + 1))
            at = _past_space(text, at)
            if not text.startswith(",", at):
                return None  # the object ended without a model
            at += 1
    except ValueError:  # json.JSONDecodeError, or a value cut short
        return None


def _proven_byte_level(directory: Path, sha256: str) -> bool:
    try:
        proof = json.loads((directory / PROOF_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(proof, dict)
        and proof.get("version") == PROOF_VERSION
        and proof.get("equal") is True
        and proof.get("tokenizer_sha256") == sha256
    )


def piece_counter(directory: str | Path) -> Callable[[str], int] | None:
    """`text -> pieces`, never more than the student's `count_tokens(text)`; None when
    the tokenizer is not a proven byte-level BPE or its file cannot be read so."""
    from tokenizers import Tokenizer

    directory = Path(directory)
    try:
        raw = (directory / TOKENIZER_FILE).read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not _proven_byte_level(directory, hashlib.sha256(raw).hexdigest()):
        return None
    fields = head_fields(text)
    if fields is None or not fields.keys() >= HEAD_FIELDS:
        return None
    try:
        pieces = Tokenizer.from_str(json.dumps({**fields, "model": _ONE_PER_PIECE}))
    except Exception:  # tokenizers raises a bare Exception on a field it cannot read
        return None

    def count(text: str) -> int:
        return len(pieces.encode(text, add_special_tokens=False).ids)

    return count
