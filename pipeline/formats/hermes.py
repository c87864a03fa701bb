"""Hermes surface format: ``<tool_call>`` / ``<tool_response>`` blocks, then prose.

Several calls per turn are allowed. A block whose closing tag is missing
(truncated output) ends where the next tag or the text begins and is marked
with a problem, so the call inside it is still reported.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from typing import Any

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


_OPEN, _CLOSE = "<tool_call>", "</tool_call>"


def _repr_call(body: str) -> str | None:
    """The JSON call a body holds when it is exactly a Python dict's repr with a
    string ``name`` and dict ``arguments``, as hermes-function-calling-v1 writes
    its calls (``{'arguments': {...}, 'name': ...}``); None for anything else.

    Only an exact repr is read: text that is merely close to JSON (a trailing
    comma, a cut-off object) is a broken call and stays as written, to be judged.
    """
    if not body.startswith("{'") or len(body) > 100_000:
        return None
    try:
        value = ast.literal_eval(body)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(value, dict) or repr(value) != body or set(value) != {"name", "arguments"}:
        return None
    if not isinstance(value["name"], str) or not isinstance(value["arguments"], dict):
        return None
    call = {"name": value["name"], "arguments": value["arguments"]}
    try:
        text = json.dumps(call, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a set, a tuple key, a non-finite number
        return None
    # JSON would write a key 1 or None as "1" or "null": a call that does not come
    # back as it was is not rewritten (it is judged as written).
    return text if json.loads(text) == call else None


def repr_calls_as_json(text: str) -> tuple[str, int]:
    """`text` with every Python-repr call block rewritten as JSON, and how many."""
    # Found with `str.find`, not a lazy regex: on many unclosed tags a regex scans to
    # the end from each one (seconds on 100 KB); here an open tag with no close ends it.
    count, parts, pos = 0, [], 0
    while (start := text.find(_OPEN, pos)) >= 0:
        end = text.find(_CLOSE, start + len(_OPEN))
        if end < 0:
            break
        inner = text[start + len(_OPEN) : end]
        body = inner.strip()
        call = _repr_call(body)
        if call is not None:
            lead = inner[: len(inner) - len(inner.lstrip())]
            trail = inner[len(inner.rstrip()) :]
            parts += [text[pos:start], _OPEN, lead, call, trail, _CLOSE]
            count += 1
        else:
            parts.append(text[pos : end + len(_CLOSE)])
        pos = end + len(_CLOSE)
    parts.append(text[pos:])
    return "".join(parts), count


def repr_calls_in_messages(
    item: dict[str, Any], messages: list[dict[str, Any]], notes: list[str]
) -> None:
    """Hermes call blocks written as Python reprs, in assistant contents, as JSON."""
    rewritten = {}
    for i, message in enumerate(messages):
        content = message.get("content")
        if message["role"] == "assistant" and isinstance(content, str) and "<tool_call>" in content:
            text, count = repr_calls_as_json(content)
            if count:
                rewritten[i] = (text, count)
    if not rewritten:
        return
    if "conversations" not in item:  # conversations are kept as given anyway
        item.setdefault("messages_original", copy.deepcopy(messages))
    for i, (text, _) in rewritten.items():
        messages[i]["content"] = text
    total = sum(count for _, count in rewritten.values())
    calls = f"{total} call" + ("s" if total > 1 else "")
    notes.append(f"hermes calls written as Python dict reprs rewritten as JSON ({calls})")
