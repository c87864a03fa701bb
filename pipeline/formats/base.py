"""What a format parser finds in a teacher text: an ordered list of blocks.

Every parser (seed, hermes, and openai through its hermes rendering) reduces a
teacher text to the same shape, so everything downstream (call targets,
integration, sequence alignment) is written once. Offsets are code points over
the NFC+LF teacher text, half-open, with surrounding whitespace trimmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["text", "call", "result", "marker"]


@dataclass(frozen=True)
class Block:
    """One region of the teacher text.

    ``text``: free assistant text; ``call``: one tool call's JSON text;
    ``result``: one tool result; ``marker``: the content of an ``Integration:``
    line (seed format).
    """

    kind: BlockKind
    start: int
    end: int
    problem: str | None = None


@dataclass
class Parsed:
    format: str
    text: str
    blocks: list[Block] = field(default_factory=list)

    def of(self, kind: BlockKind) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind]

    def answer(self) -> tuple[str, list[Block]]:
        """(integration method, regions of the final answer).

        ``Integration:`` markers win where they exist. Otherwise the final
        answer is the free text after the last tool result; with no tool result
        there is nothing to integrate.
        """
        markers = self.of("marker")
        if markers:
            return "marker", markers
        last = max((i for i, b in enumerate(self.blocks) if b.kind == "result"), default=-1)
        if last < 0:
            return "none", []
        return "grounding", [b for b in self.blocks[last + 1 :] if b.kind == "text"]


def strip_region(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def add_text(blocks: list[Block], text: str, start: int, end: int) -> None:
    start, end = strip_region(text, start, end)
    if start < end:
        blocks.append(Block("text", start, end))
