"""Seed surface format: ``TOOL_CALL:`` / ``TOOL_RESULT:`` / ``Integration:`` lines.

This is the earlier pipeline's line protocol. A call or result normally fits
its line; one written over several lines (pretty-printed JSON) is followed to
its closing brace by the tolerant scanner, but never past the next marker line.
"""

from __future__ import annotations

import re

import orjson

from pipeline.formats.base import Block, BlockKind, Parsed, add_text, strip_region
from pipeline.formats.scan import scan_object

_MARKER = re.compile(r"^[ \t]*(TOOL_CALL|TOOL_RESULT|Integration)[ \t]*:[ \t]*", re.MULTILINE)
_KIND: dict[str, BlockKind] = {
    "TOOL_CALL": "call",
    "TOOL_RESULT": "result",
    "Integration": "marker",
}


def _extent(text: str, start: int, limit: int) -> int:
    """End of the content that starts at `start`: its line, or a multi-line JSON object."""
    line_end = text.find("\n", start, limit)
    if line_end < 0:
        return limit
    if not text.startswith("{", start):
        return line_end
    if _strict_object(text[start:line_end]):
        # The tolerant walk reads strict JSON token for token as the parser does, so
        # it closes this object on its own line: the content is the line. Nearly every
        # call and result line is this case, and the walk is Python, token by token.
        return line_end
    return _walked_extent(text, start, limit, line_end)


def _strict_object(line: str) -> bool:
    """Whether `line` (which opens with "{") is one strict JSON value and nothing else."""
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _walked_extent(text: str, start: int, limit: int, line_end: int) -> int:
    """`_extent` by the tolerant walk: the line, or past it to a later closing brace."""
    scan = scan_object(text[start:limit])
    return max(start + scan.end, line_end) if scan.complete else line_end


def parse_seed(text: str) -> Parsed:
    blocks: list[Block] = []
    markers = list(_MARKER.finditer(text))
    pos = 0
    for i, marker in enumerate(markers):
        add_text(blocks, text, pos, marker.start())
        limit = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        kind = _KIND[marker.group(1)]
        if kind == "marker":
            end = text.find("\n", marker.end(), limit)
            end = limit if end < 0 else end
        else:
            end = _extent(text, marker.end(), limit)
        start, stop = strip_region(text, marker.end(), end)
        blocks.append(Block(kind, start, stop))
        pos = end
    add_text(blocks, text, pos, len(text))
    return Parsed("seed", text, blocks)
