"""Integration spans: the sentences of the final answer that use the tool results.

With ``Integration:`` markers (seed format) every sentence of a marker line is
an integration sentence, as the teacher declared. Without markers, the final
answer is the text after the last tool result, and a sentence counts when it
carries a value of some result (`Grounder`). Both record the fields each
sentence grounds. The cap keeps the first `cap` sentences and reports the rest
as over the cap, never silently. With `trim_attribution` a sentence's span
starts after a source lead-in ("According to example.org, ...").
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.formats.base import Parsed
from pipeline.targets.grounding import Grounder, result_value
from pipeline.targets.sentences import content_start, split_sentences


@dataclass(frozen=True)
class Integration:
    method: str  # marker | grounding | none
    spans: list[tuple[int, int, list[str]]]  # (start, end, grounded fields), capped
    over_cap: bool
    found: int  # sentences before the cap


def find_integration(
    parsed: Parsed, cap: int, min_chars: int = 3, trim_attribution: bool = False
) -> Integration:
    text = parsed.text
    method, regions = parsed.answer()
    if method == "none":
        return Integration("none", [], False, 0)
    grounder = Grounder(
        [result_value(text[b.start : b.end]) for b in parsed.of("result")], min_chars
    )
    found: list[tuple[int, int, list[str]]] = []
    for region in regions:
        for start, end in split_sentences(text, region.start, region.end):
            if trim_attribution:
                start = content_start(text, start, end)
            fields = grounder.fields(text[start:end])
            if fields or method == "marker":
                found.append((start, end, fields))
    return Integration(method, found[:cap], len(found) > cap, len(found))
