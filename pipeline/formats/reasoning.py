"""Teacher reasoning in assistant messages, dropped before anything is read from them.

Reasoning models (QwQ, DeepSeek R1, GLM-4.5, Qwen3) write their chain of thought
into the assistant content as ``<think>...</think>`` before the answer or the
calls; QwQ's outputs often lack the opening tag, so the content starts with the
reasoning and holds a lone ``</think>``. OpenAI-style exports from DeepSeek or
vLLM carry it as a ``reasoning_content`` (or ``reasoning``) field instead. Kept,
it would be trained as the visible answer, which the SPEC forbids.

Only the unambiguous shapes are dropped, each with a note naming the message:
a leading ``<think>`` block (up to its first ``</think>``, and the whitespace
after it), or, in a content with exactly one ``</think>`` and no ``<think>``,
everything up to and including it. A tag anywhere else (a block after some
prose, an unclosed ``<think>``) is not guessed at: the text stays and verify's
``reasoning_content`` gate flags it. The given messages are kept as
``messages_original``.
"""

from __future__ import annotations

import copy
from typing import Any

OPEN, CLOSE = "<think>", "</think>"
# Fields OpenAI-compatible servers put the reasoning in, next to the content.
REASONING_FIELDS = ("reasoning_content", "reasoning")


def leading_reasoning(content: str) -> tuple[int, str] | None:
    """(characters dropped, the shape) when `content` opens with a reasoning block."""
    start = len(content) - len(content.lstrip())
    if content.startswith(OPEN, start):
        close = content.find(CLOSE, start + len(OPEN))
        if close < 0:
            return None  # unclosed: where the reasoning ends is a guess
        shape = OPEN
    elif OPEN not in content and content.count(CLOSE) == 1:
        close = content.find(CLOSE)
        shape = f"before a lone {CLOSE}"
    else:
        return None
    end = close + len(CLOSE)
    rest = content[end:]
    return end + len(rest) - len(rest.lstrip()), shape


def drop_reasoning(
    item: dict[str, Any], messages: list[dict[str, Any]], notes: list[str]
) -> dict[int, str]:
    """Drop the reasoning from each assistant message of `messages` (in place).

    Returns, per message whose content lost a prefix, the prefix dropped: a call
    read later from that content is placed in the given text by its length.
    """
    dropped: dict[int, str] = {}
    found: list[tuple[int, str]] = []
    for i, message in enumerate(messages):
        if message.get("role") != "assistant":
            continue
        for key in REASONING_FIELDS:
            if key in message:
                found.append((i, key))
        content = message.get("content")
        lead = leading_reasoning(content) if isinstance(content, str) else None
        if lead is not None:
            assert isinstance(content, str)
            dropped[i] = content[: lead[0]]
            found.append((i, lead[1]))
    if not found:
        return dropped
    if "conversations" not in item:  # conversations are kept as given anyway
        item.setdefault("messages_original", copy.deepcopy(messages))
    for i, what in found:
        if what in REASONING_FIELDS:
            messages[i].pop(what)
            notes.append(f"messages[{i}].{what}: teacher reasoning dropped (never trained)")
        else:
            messages[i]["content"] = messages[i]["content"][len(dropped[i]) :]
            notes.append(
                f"messages[{i}].content: teacher reasoning ({what}) dropped from the trained text"
            )
    return dropped


def shift_sources(
    sources: dict[int, dict[str, Any]], fields: dict[str, str], before: set[int]
) -> None:
    """Place the calls read from shortened contents in the given text.

    `fields` maps a source field to the prefix dropped from it; `before` holds the
    sources that existed before the contents were read (not shifted)."""
    for key, source in sources.items():
        prefix = fields.get(source.get("field", "")) if key not in before else None
        if not prefix:
            continue
        chars, utf8 = len(prefix), len(prefix.encode("utf-8"))
        for name in ("name_span", "args_span", "call_span"):
            span = source.get(name)
            if isinstance(span, dict):
                span["chars"] = [p + chars for p in span["chars"]]
                span["utf8"] = [p + utf8 for p in span["utf8"]]
