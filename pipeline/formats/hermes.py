"""Hermes surface format: ``<tool_call>`` / ``<tool_response>`` blocks, then prose.

Several calls per turn are allowed. A block whose closing tag is missing
(truncated output) ends where the next tag or the text begins and is marked
with a problem, so the call inside it is still reported.
"""

from __future__ import annotations

import re

from pipeline.formats.base import Block, Parsed, add_text, strip_region

_TAG = re.compile(r"<(/?)(tool_call|tool_response)>")


def parse_hermes(text: str) -> Parsed:
    blocks: list[Block] = []
    tags = list(_TAG.finditer(text))
    pos, i = 0, 0
    while i < len(tags):
        tag = tags[i]
        add_text(blocks, text, pos, tag.start())
        if tag.group(1):
            # A closing tag with no opening one: skip the tag itself.
            pos, i = tag.end(), i + 1
            continue
        name = tag.group(2)
        after = tags[i + 1] if i + 1 < len(tags) else None
        problem = None
        if after is not None and after.group(1) and after.group(2) == name:
            end, pos, i = after.start(), after.end(), i + 2
        else:
            end = after.start() if after is not None else len(text)
            pos, i = end, i + 1
            problem = f"unterminated <{name}> block at char {tag.start()}"
        start, end = strip_region(text, tag.end(), end)
        blocks.append(Block("call" if name == "tool_call" else "result", start, end, problem))
    add_text(blocks, text, pos, len(text))
    return Parsed("hermes", text, blocks)
