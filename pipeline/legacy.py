"""Reading files written by the earlier version (schema 1.1.0).

That version named its offsets ``*_bytes`` but took them as Python string
indices, i.e. code points into the raw (un-normalised) teacher text. They are
converted honestly: each offset is re-based onto the NFC+LF text and then
written as both ``chars`` and true ``utf8`` offsets, under the name without the
misleading suffix. The item records what was converted.
"""

from __future__ import annotations

from typing import Any

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
    "integration_spans": "integration_spans",
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
    gold = metadata.setdefault("gold", {})
    if not isinstance(gold, dict):
        raise ValueError("metadata.gold: expected an object")
    for container in (item, metadata):
        for key in [k for k in container if k.endswith(_SUFFIX)]:
            name = key[: -len(_SUFFIX)]
            spans = _convert_pairs(container.pop(key), raw, index, key)
            gold[GOLD_NAMES.get(name, name)] = spans
            converted.append(key)
    metadata["legacy"] = {"schema_version": LEGACY_VERSION, "converted_fields": sorted(converted)}
    return item
