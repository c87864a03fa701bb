"""Integration F1 of one item: its integration spans against the results the model saw."""

from __future__ import annotations

from typing import Any

from pipeline.gates import grounding
from pipeline.gates.calls import span_chars

EVIDENCE_CHARS = 300


def tool_results(
    item: dict[str, Any], metadata: dict[str, Any], parsed: list[Any] | None = None
) -> list[Any]:
    """The tool messages' contents (parsed when JSON); the generator's flat fields otherwise.

    The messages are what the model is trained on, so a negative control, whose
    results are empty or decoys there, is judged on exactly those. `parsed`: the
    contents already parsed (`Session.results`), read instead of parsing them again.
    """
    results = (
        list(parsed)
        if parsed is not None
        else [
            grounding.parse_content(m.get("content"))
            for m in item.get("messages") or ()
            if isinstance(m, dict) and m.get("role") == "tool"
        ]
    )
    if not results and isinstance(metadata.get("tool_result_fields"), dict):
        results.append(metadata["tool_result_fields"])
    return results


def item_f1(
    item: dict[str, Any],
    metadata: dict[str, Any],
    targets: dict[str, Any],
    teacher: str,
    tools: list[str],
    parsed: list[Any] | None = None,
) -> dict[str, Any]:
    """Lax and strict F1, with every span's grounded keys and the strict keys no span used."""
    needles = grounding.result_needles(tool_results(item, metadata, parsed))
    # Laid out once for all the item's spans.
    index = grounding.index_needles(needles)
    spans: list[dict[str, Any]] = []
    for span in targets.get("integration_spans") or ():
        chars = span_chars(span)
        text = teacher[chars[0] : chars[1]] if chars is not None else ""
        lax_keys = grounding.grounded_keys(text, index)
        spans.append(
            {
                "chars": list(chars) if chars is not None else None,
                "text": text[:EVIDENCE_CHARS],
                "lax": lax_keys,
                # The strict needles are the lax ones of the answer fields: so are their keys.
                "strict": [k for k in lax_keys if k in grounding.STRICT_KEYS],
            }
        )
    lax = sum(1 for s in spans if s["lax"])
    strict = sum(1 for s in spans if s["strict"])
    used = {key for s in spans for key in s["strict"]}
    return {
        "tools": tools,
        "spans": len(spans),
        "lax": lax,
        "strict": strict,
        "f1_lax": grounding.f1(lax, len(spans)),
        "f1_strict": grounding.f1(strict, len(spans)),
        "negative_control": bool(metadata.get("negative_control")),
        "detail": spans,
        "missed": sorted({n.key for n in needles if n.key in grounding.STRICT_KEYS} - used),
    }
