"""Extractor spans against the generator's gold spans (character ranges, exact match)."""

from __future__ import annotations

from typing import Any

from pipeline.gates.calls import span_chars

# kind -> (gold list name in metadata.gold, span key in targets.calls[] or None for integration)
KINDS: dict[str, tuple[str, str | None]] = {
    "name": ("tool_name_spans", "name_span"),
    "args": ("args_spans", "args_span"),
    "call": ("call_spans", "call_span"),
    "integration": ("integration_spans", None),
}


def _ranges(spans: Any) -> dict[tuple[int, int], int]:
    """Each well-formed span's characters -> how often they occur. A plain dict, not
    a `Counter`: built three times per kind for every item."""
    found: dict[tuple[int, int], int] = {}
    for span in spans if isinstance(spans, list) else ():
        # `span_chars`' common case inlined (a dict whose chars are two plain ints);
        # anything else goes through it.
        chars: Any = span.get("chars") if type(span) is dict else None
        if type(chars) is list and len(chars) == 2:
            start, end = chars
            if type(start) is int and type(end) is int:
                if 0 <= start <= end:
                    key = (start, end)
                    found[key] = found.get(key, 0) + 1
                continue
        chars = span_chars(span)
        if chars is not None:
            found[chars] = found.get(chars, 0) + 1
    return found


def _elements(ranges: dict[tuple[int, int], int]) -> list[tuple[int, int]]:
    return [chars for chars, count in ranges.items() for _ in range(count)]


def compare(gold: dict[str, Any], targets: dict[str, Any], cap: int) -> dict[str, list[int]]:
    """kind -> [true positives, gold count, predicted count] for one item.

    A gold kind the generator did not write is left out, so it is not scored.
    The extractor keeps the first `cap` integration sentences of an answer that
    has more (and flags it), so only the first `cap` gold ones are expected.
    """
    calls = [c for c in targets.get("calls") or () if isinstance(c, dict)]
    scores: dict[str, list[int]] = {}
    for kind, (gold_name, call_key) in KINDS.items():
        if gold_name not in gold:
            continue
        expected = _ranges(gold[gold_name])
        total = sum(expected.values())
        if call_key is None and total > cap:
            expected = _ranges_of(sorted(_elements(expected))[:cap])
            total = cap
        if call_key is None:
            predicted = _ranges(targets.get("integration_spans"))
        else:
            predicted = _ranges([c.get(call_key) for c in calls])
        # A range found n times and expected m times is min(n, m) hits.
        hits = sum(min(count, predicted.get(chars, 0)) for chars, count in expected.items())
        scores[kind] = [hits, total, sum(predicted.values())]
    if "integration_values" in gold and "integration" not in scores:
        scores["integration"] = _values_recall(gold["integration_values"], targets)
    return scores


def _ranges_of(elements: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    found: dict[tuple[int, int], int] = {}
    for chars in elements:
        found[chars] = found.get(chars, 0) + 1
    return found


def _values_recall(values: Any, targets: dict[str, Any]) -> list[int]:
    """The earlier version's integration gold marks the values an answer quotes, not
    its sentences: each value counts as found when it lies inside an extracted
    integration span. Scored as recall (predicted := gold), because the sentences
    around other grounded values are not errors."""
    expected = _elements(_ranges(values))
    spans = list(_ranges(targets.get("integration_spans")))
    hits = sum(1 for s, e in expected if any(a <= s and e <= b for a, b in spans))
    return [hits, len(expected), len(expected)]


def f1(tp: int, gold: int, predicted: int) -> float:
    """Span F1; with nothing expected and nothing predicted the extractor is exactly right."""
    if gold + predicted == 0:
        return 1.0
    return 2 * tp / (gold + predicted)
