"""The alignment round trip of every span of a chunk (teacher level and sequence level).

Spans are checked in two passes so that all token slices of a chunk are
decoded with one `decode_batch` call: `add` checks the ranges against the
verifier's own encodings and queues the slices, `decode` decodes them, and
`finish` compares the decoded text and writes the item's figures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from pipeline.gates.alignment import (
    Encoded,
    Segmenter,
    covers,
    find_within,
    valid_range,
)
from pipeline.gates.calls import span_chars
from pipeline.gates.judge import add

CALL_KEYS = (
    ("name", "name_span", "name"),
    ("args", "args_span", "args"),
    ("call", "call_span", "call"),
)


def span_kinds(targets: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(kind, teacher-level span, sequence-level token range) for every located span."""
    raw = targets.get("sequence")
    sequence: dict[str, Any] = raw if isinstance(raw, dict) else {}
    seq_calls = sequence.get("calls")
    seq_calls = seq_calls if isinstance(seq_calls, list) else []
    seq_integration = sequence.get("integration")
    seq_integration = seq_integration if isinstance(seq_integration, list) else []
    for i, call in enumerate(targets.get("calls") or ()):
        seq_call = seq_calls[i] if i < len(seq_calls) and isinstance(seq_calls[i], dict) else {}
        for kind, key, seq_key in CALL_KEYS:
            span = call.get(key)
            if isinstance(span, dict):
                yield kind, span, seq_call.get(seq_key)
    for j, span in enumerate(targets.get("integration_spans") or ()):
        if isinstance(span, dict):
            yield "integration", span, seq_integration[j] if j < len(seq_integration) else None


def same_call(encoded: Encoded, piece: str, tokens: Sequence[int]) -> str | None:
    """The sequence's text of a call the template wrote in its own spacing.

    A teacher that wrote ``{"name":"f","arguments":{}}`` is trained on the
    template's ``{"name": "f", "arguments": {}}``: the same call, other
    characters. The sequence tokens then hold a JSON object equal to the
    teacher's; that text is what their decoding must give back.
    """
    s, e = tokens
    if not 0 <= s < e <= len(encoded):
        return None
    text = encoded.text[encoded.start(s) : encoded.end(e - 1)].strip()
    try:
        same = orjson.loads(text) == orjson.loads(piece)
    except orjson.JSONDecodeError:
        return None
    return text if same else None


RENDERING_DIFFERS = (
    "the chat template renders messages+tools differently from the sequence extract "
    "tokenised (targets.sequence.sha256)"
)


def same_rendering(recorded: Any, rendered: str) -> bool:
    """Whether extract's sequence digest matches this rendering; a record without
    one (written by another tool) is judged on its length and spans alone."""
    if recorded is None:
        return True
    digest = hashlib.sha256(rendered.encode("utf-8")).hexdigest()
    return isinstance(recorded, str) and recorded == digest


class SpanChecks:
    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.slices: list[list[int]] = []
        self.decoded: list[str] = []

    def add(self, prep: dict[str, Any], teacher: Encoded, sequence: Encoded | None) -> None:
        """Check every span's token range against the encodings; queue slices to decode."""
        targets, text = prep["targets"], prep["teacher"]
        pending: list[tuple[str, str, int | None]] = []  # (level, span text, slice index)
        lengths: list[tuple[str, int]] = []
        has_sequence = isinstance(targets.get("sequence"), dict)
        # An item with messages has a training sequence, even if it cannot be rendered.
        check_sequence = sequence is not None or has_sequence or prep.get("has_messages", False)
        slices = self.slices
        for kind, span, seq_tokens in span_kinds(targets):
            chars = span_chars(span)
            if chars is None or chars[1] > len(text) or chars[0] == chars[1]:
                pending.append(("teacher", "", None))
                continue
            piece = text[chars[0] : chars[1]]
            tokens: Any = span.get("tokens")
            slot = None
            # `alignment.is_cover`, inlined: every span of every item passes here.
            if valid_range(tokens):
                s, e = tokens
                if 0 <= s < e <= teacher.length and covers(teacher.edges(s, e), *chars):
                    slices.append(teacher.ids(s, e))
                    slot = len(slices) - 1
                    lengths.append((kind, e - s))
            pending.append(("teacher", piece, slot))
            if not check_sequence:
                continue
            slot = None
            if (
                sequence is not None
                and valid_range(seq_tokens)
                and 0 <= seq_tokens[0] < seq_tokens[1] <= sequence.length
            ):
                # One lookup of the range's offsets for locating and for the cover.
                edges = sequence.edges(seq_tokens[0], seq_tokens[1])
                found = find_within(sequence.text, piece, edges)
                if found is None and kind == "call":
                    rendered = same_call(sequence, piece, seq_tokens)
                    if rendered is not None:
                        piece = rendered
                        found = find_within(sequence.text, piece, edges)
                if found is not None and covers(edges, found[0], found[1]):
                    slices.append(sequence.ids(seq_tokens[0], seq_tokens[1]))
                    slot = len(slices) - 1
            pending.append(("sequence", piece, slot))
        if check_sequence:
            recorded = targets["sequence"] if has_sequence else {}
            if sequence is None or recorded.get("length") != len(sequence):
                pending.append(("sequence", "", None))
            if sequence is not None and not same_rendering(recorded.get("sha256"), sequence.text):
                add(prep["result"], "rendering_mismatch", RENDERING_DIFFERS)
        prep["pending"] = pending
        prep["result"]["span_lengths"] = lengths

    def decode(self) -> None:
        self.decoded = self.segmenter.decode_many(self.slices)

    def finish(self, prep: dict[str, Any]) -> None:
        counts = {"teacher": [0, 0], "sequence": [0, 0]}  # [checked, aligned]
        squash = self.segmenter.squash
        # A span's piece and its decoded tokens are most often the same text at both
        # levels: each distinct text of the item is squashed once (a pure function).
        squashed: dict[str, str] = {}
        decoded = self.decoded
        for level, piece, slot in prep["pending"]:
            counts[level][0] += 1
            if slot is None:
                continue
            text = decoded[slot]
            want = squashed.get(piece)
            if want is None:
                want = squashed[piece] = squash(piece)
            got = squashed.get(text)
            if got is None:
                got = squashed[text] = squash(text)
            if want in got:
                counts[level][1] += 1
        result = prep["result"]
        result["alignment"] = counts
        for level in ("teacher", "sequence"):
            if counts[level][1] < counts[level][0]:
                result["reasons"].append(f"misaligned_{level}")
