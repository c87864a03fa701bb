"""OpenAI message shapes older or richer than the one the chat template reads.

Published OpenAI-format sets still carry the shapes the API had before
``tools``: an assistant ``function_call`` (one call) answered by a ``function``
message, with the definitions in a top-level ``functions`` list; and contents
given as a list of parts (``[{"type": "text", "text": ...}]``). Each is brought
to the current shape with a note, the given messages kept as
``messages_original``, so that no call or result is dropped on the way to the
template. A part that is not text cannot be rendered: it is a reject naming
the part.
"""

from __future__ import annotations

import copy
from typing import Any

from pipeline.formats.openai import FormatError
from pipeline.text import normalize


def _text_of_parts(parts: list[Any], where: str) -> str:
    texts = []
    for k, part in enumerate(parts):
        if not isinstance(part, dict) or part.get("type") != "text":
            kind = part.get("type") if isinstance(part, dict) else type(part).__name__
            raise FormatError(f"{where}[{k}]", f"a {kind!r} content part has no text to train on")
        if not isinstance(part.get("text"), str):
            raise FormatError(f"{where}[{k}].text", "expected a string")
        texts.append(part["text"])
    return normalize("".join(texts))


def _current(message: Any, where: str) -> tuple[Any, list[str]]:
    """One message in the current shape, and what was changed."""
    if not isinstance(message, dict):
        return message, []
    role = message.get("role")
    older = role == "function" or (role == "assistant" and "function_call" in message)
    if not older and not isinstance(message.get("content"), list):
        return message, []  # the current shape (every generated message): no copy
    changes = []
    out = dict(message)
    if out.get("role") == "function":
        out["role"] = "tool"
        changes.append("function messages read as tool messages")
    legacy = out.get("function_call")
    if out.get("role") == "assistant" and legacy is not None and not out.get("tool_calls"):
        del out["function_call"]
        out["tool_calls"] = [{"type": "function", "function": legacy}]
        changes.append("assistant function_call read as a tool call")
    if isinstance(out.get("content"), list) and out.get("role") != "tool":
        out["content"] = _text_of_parts(out["content"], f"{where}.content")
        changes.append("content parts joined into one text")
    return out, changes


def current_shapes(item: dict[str, Any], messages: list[Any], notes: list[str]) -> list[Any]:
    """`messages` in the current OpenAI shape (the same list when nothing changed)."""
    converted: list[Any] = []
    changes: list[str] = []
    for i, message in enumerate(messages):
        out, changed = _current(message, f"messages[{i}]")
        converted.append(out)
        changes.extend(c for c in changed if c not in changes)
    if "tools" not in item and isinstance(item.get("functions"), list):
        item["tools"] = item["functions"]
        notes.append("tools: the legacy functions list read as the tools offered")
    if not changes:
        return messages
    item.setdefault("messages_original", copy.deepcopy(messages))
    item["messages"] = converted
    done = "; ".join(changes)
    notes.append(f"OpenAI message shapes converted to the template's ({done}; given messages kept)")
    return converted
