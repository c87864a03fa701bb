"""Reading files written by the earlier version (schema 1.1.0).

That version named its offsets ``*_bytes`` but took them as Python string
indices, i.e. code points into the raw (un-normalised) teacher text. They are
converted honestly: each offset is re-based onto the NFC+LF text and then
written as both ``chars`` and true ``utf8`` offsets, under the name without the
misleading suffix. The item records what was converted.

Its ``json_args_span`` offsets, despite the name, cover the whole call object
(``{"name": ..., "arguments": ...}``) in the files it really wrote. Each span
is therefore read by what it covers: a JSON object with a ``name`` is a call
span, anything else an argument span, and the item says which it found.
"""

from __future__ import annotations

from typing import Any

import orjson

from pipeline.spans import SpanError, TextIndex, check_bounds
from pipeline.text import normalize

LEGACY_VERSION = "1.1.0"
_SUFFIX = "_bytes"
# The earlier names of the generator's gold spans, mapped to today's names.
GOLD_NAMES = {
    "tool_name_spans": "tool_name_spans",
    "tool_name_span": "tool_name_spans",
    "json_args_spans": "args_spans",
    "json_args_span": "args_spans",
    "args_spans": "args_spans",
    # The earlier integration spans mark quoted values, not sentences (`spanf1`).
    "integration_spans": "integration_values",
}


def _is_pair(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )


def _rebase(raw: str, offset: int) -> int:
    """Code-point offset in `raw` -> offset in normalize(raw)."""
    return len(normalize(raw[:offset]))


def _convert_pairs(value: Any, raw: str, index: TextIndex, key: str) -> list[dict[str, list[int]]]:
    pairs = [value] if _is_pair(value) else value
    if not isinstance(pairs, list) or not all(_is_pair(p) for p in pairs):
        raise ValueError(f"{key}: expected [start, end] or a list of them")
    spans = []
    for start, end in pairs:
        try:
            check_bounds(start, end, len(raw))
        except SpanError as exc:
            raise ValueError(f"{key}: {exc}") from exc
        s, e = _rebase(raw, start), _rebase(raw, end)
        spans.append({"chars": [s, e], "utf8": [index.utf8(s), index.utf8(e)]})
    return spans


# Earlier argument spans that may hold whole calls: read by what they cover.
_ARGS_NAMES = frozenset({"json_args_spans", "json_args_span", "args_spans"})


def _is_call_object(text: str) -> bool:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    return isinstance(value, dict) and isinstance(value.get("name"), str)


def _file_spans(
    gold: dict[str, Any], name: str, spans: list[dict[str, list[int]]], text: str
) -> str:
    """Put `spans` under their gold name; returns the name used."""
    # A singular name holds the first entry of its plural list.
    target = GOLD_NAMES.get(name, f"{name}s" if name.endswith("_span") else name)
    if name in _ARGS_NAMES and spans:
        calls = [_is_call_object(text[s["chars"][0] : s["chars"][1]]) for s in spans]
        if all(calls):
            target = "call_spans"
    # A plural list wins over the singular first entry the earlier version also wrote.
    if not (name.endswith("_span") and target in gold):
        gold[target] = spans
    return target


def upgrade_legacy_item(item: dict[str, Any]) -> dict[str, Any]:
    """Convert one 1.1.0 item in place to the current span layout."""
    raw = item.get("teacher_text")
    if not isinstance(raw, str):
        raise ValueError("teacher_text: a 1.1.0 item needs its teacher text to convert offsets")
    index = TextIndex(normalize(raw))
    metadata = item.setdefault("metadata", {})
    if not isinstance(metadata, dict):
        raise ValueError("metadata: expected an object")
    converted: list[str] = []
    read_as: dict[str, str] = {}
    gold = metadata.setdefault("gold", {})
    if not isinstance(gold, dict):
        raise ValueError("metadata.gold: expected an object")
    for container in (item, metadata):
        # Plural names first, so that they win over the singular copies.
        keys = sorted(
            (k for k in container if k.endswith(_SUFFIX)),
            key=lambda k: not k[: -len(_SUFFIX)].endswith("s"),
        )
        for key in keys:
            name = key[: -len(_SUFFIX)]
            spans = _convert_pairs(container.pop(key), raw, index, key)
            read_as[key] = _file_spans(gold, name, spans, index.text)
            converted.append(key)
    metadata["legacy"] = {
        "schema_version": LEGACY_VERSION,
        "converted_fields": sorted(converted),
        "read_as": dict(sorted(read_as.items())),
    }
    return item
