"""Teacher spans located in the training sequence (the chat-template rendering).

The training sequence is ``render(messages, tools)``. Searching it for a span's
text would be wrong as soon as the text occurs twice (a call repeated, a value
quoted in the prompt). Instead each assistant turn's region is computed
exactly: the rendering of ``messages[:k]`` with the generation prompt ends
where assistant turn ``k`` starts, and the rendering of ``messages[:k+1]`` ends
where it ends (each is a prefix of the full rendering; that is checked, not
assumed). A teacher segment (a call's text, a stretch of final answer) is then
looked up only inside the assistant regions, from a cursor that moves forward
in teacher order, and the spans inside the segment move by the segment's
offset. What cannot be placed this way gets ``None`` and is counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from pipeline.spans import TokenIndex
from pipeline.student import Student
from pipeline.targets.chatml import TEMPLATE, render_with_regions

CharRange = tuple[int, int]


@dataclass
class Layout:
    text: str
    # Assistant turns as [start, end) chars: from after the role header to the end
    # of the end-of-turn token. None when the prefix property did not hold.
    regions: list[CharRange | None] = field(default_factory=list)

    def searchable(self) -> list[CharRange]:
        """Where teacher text may be looked for: the exact regions, or, for a template
        whose prefixes are not prefixes, everything after the last exact region."""
        out: list[CharRange] = []
        floor = 0
        for region in self.regions:
            out.append(region if region is not None else (floor, len(self.text)))
            floor = region[1] if region is not None else floor
        return out


def layout(
    student: Student,
    messages: list[dict[str, Any]],
    tools: Any,
    *,
    port: bool = False,
    tools_json: bytes | None = None,
) -> Layout:
    """The rendering of `messages` + `tools` and its assistant regions.

    With `port` (the tokenizer carries this project's own template) text and
    regions come from `render_with_regions` in one pass: no Jinja at all here.
    The record carries the rendering's sha256 (`sequence_digest`) and verify
    renders every item with Jinja and compares, so a port that drifted from
    the template fails verification instead of passing silently. Otherwise,
    or where the port cannot render the messages, regions come from prefix
    renders. `tools_json`: orjson's bytes of `tools`, when the caller has them.
    """
    tools = tools or None
    if port:
        try:
            text, regions = render_with_regions(messages, tools, tools_json)
        except (TypeError, KeyError, AttributeError):
            pass
        else:
            return Layout(text, list(regions))
    full = student.render(messages, tools)
    out = Layout(full)
    for k, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        head = student.render(messages[:k], tools, add_generation_prompt=True)
        tail = student.render(messages[: k + 1], tools).rstrip()
        exact = full.startswith(head) and full.startswith(tail) and len(head) <= len(tail)
        out.regions.append((len(head), len(tail)) if exact else None)
    return out


def sequence_digest(text: str) -> str:
    """The sha256 of a rendered training sequence: what verify checks its own rendering against."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def uses_project_template(student: Student) -> bool:
    return (student.config.get("chat_template") or TEMPLATE) == TEMPLATE


class Cursor:
    """A forward-only position over the searchable regions of one sequence."""

    def __init__(self, text: str, regions: list[CharRange]) -> None:
        self.text = text
        self.regions = regions
        self.region = 0
        self.pos = regions[0][0] if regions else 0

    def find(self, needle: str, *, advance: bool = True) -> int | None:
        """Position of the next occurrence of `needle` inside a region, or None."""
        if not needle:
            return None
        region, pos = self.region, self.pos
        while region < len(self.regions):
            start, end = self.regions[region]
            found = self.text.find(needle, max(pos, start), end)
            if found >= 0:
                if advance:
                    self.region, self.pos = region, found + len(needle)
                return found
            region, pos = region + 1, 0
        return None


def shift(span: CharRange | None, delta: int | None) -> CharRange | None:
    if span is None or delta is None:
        return None
    return (span[0] + delta, span[1] + delta)


def tokens(index: TokenIndex, span: CharRange | None) -> list[int] | None:
    if span is None:
        return None
    covered = index.cover(*span)
    return list(covered) if covered is not None else None
