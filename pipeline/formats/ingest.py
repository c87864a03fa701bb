"""From one record to a parsed teacher text and the messages to render, per format.

`auto` decides per record: a teacher text with ``TOOL_CALL:`` / ``TOOL_RESULT:``
/ ``Integration:`` lines (before any hermes tag) is seed, any other teacher text
is hermes, and a record without teacher text but with assistant messages (or
ShareGPT ``conversations``) is openai. Nothing is dropped from the record:
fields the extractor derives (rendered teacher text, messages built from the
text) are added and listed in the returned notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.formats.base import Parsed
from pipeline.formats.hermes import parse_hermes
from pipeline.formats.openai import (
    FormatError,
    messages_from_blocks,
    messages_from_conversations,
    normalise_messages,
    render_teacher,
)
from pipeline.formats.seed import parse_seed

FORMATS = ("auto", "seed", "hermes", "openai")
PARSERS: dict[str, Callable[[str], Parsed]] = {"seed": parse_seed, "hermes": parse_hermes}
_SEED = re.compile(r"^[ \t]*(?:TOOL_CALL|TOOL_RESULT|Integration)[ \t]*:", re.MULTILINE)
_HERMES = re.compile(r"</?tool_(?:call|response)>")


@dataclass
class Source:
    parsed: Parsed
    messages: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def detect_text_format(text: str) -> str:
    """seed or hermes, whichever kind of marker comes first (hermes when there is none)."""
    seed = _SEED.search(text)
    if seed is None:
        return "hermes"
    hermes = _HERMES.search(text, 0, seed.start())
    return "hermes" if hermes is not None else "seed"


def _has_assistant(messages: list[dict[str, Any]] | None) -> bool:
    return bool(messages) and any(m["role"] == "assistant" for m in messages or ())


def ingest(item: dict[str, Any], fmt: str = "auto") -> Source:
    """Parse one record's teacher side; raises FormatError naming the field at fault."""
    if fmt not in FORMATS:
        raise FormatError("format", f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    notes: list[str] = []
    messages = item.get("messages")
    if messages is None and "conversations" in item:
        messages = messages_from_conversations(item["conversations"])
        item["messages"] = messages
        notes.append("messages converted from ShareGPT conversations")
    if messages is not None:
        messages = normalise_messages(messages)
    text = item.get("teacher_text")
    has_text = isinstance(text, str) and bool(text.strip())
    if fmt == "openai" or (not has_text and _has_assistant(messages)):
        if not _has_assistant(messages):
            raise FormatError("messages", "no assistant message to render as teacher text")
        assert messages is not None
        rendered = render_teacher(messages)
        if isinstance(text, str) and text != rendered:
            item["teacher_text_original"] = text
            notes.append("the given teacher_text was kept as teacher_text_original")
        item["teacher_text"] = rendered
        notes.append("teacher_text rendered from messages (hermes style)")
        parsed = parse_hermes(rendered)
        # The label names what was parsed: a forced seed format cannot apply to a
        # rendering that is hermes-style by construction.
        parsed.format = "openai" if fmt in ("auto", "openai") else "hermes"
        if fmt == "seed":
            notes.append(
                "format seed was forced, but the record has only messages: parsed as hermes"
            )
        return Source(parsed, messages, notes)
    if not isinstance(text, str):
        raise FormatError("teacher_text", "missing, and no assistant messages to render instead")
    parsed = PARSERS[fmt if fmt in PARSERS else detect_text_format(text)](text)
    if messages is None:
        prompt = item.get("prompt")
        messages = messages_from_blocks(prompt if isinstance(prompt, str) else None, parsed)
        item["messages"] = messages
        notes.append("messages built from teacher_text (no messages given)")
    return Source(parsed, messages, notes)
