"""The project's chat template, written out in Python, with assistant-turn offsets.

Finding where each assistant turn lies by rendering prefixes costs two Jinja
renders per turn. For the template this project ships
(``pipeline/templates/chat_template.jinja``) the same string is built here in
one pass, recording the offsets on the way. It is used only when a tokenizer
carries exactly that template (same source text). Exactness does not rest on
this port: every record carries the sha256 of its rendering, and verify
renders each item with Jinja itself and fails the item on any difference.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import orjson

from pipeline.student import chat_template

TEMPLATE = chat_template()
_TOOLS_HEAD = (
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
)
_TOOLS_TAIL = (
    "\n</tools>\n\nFor each function call, return a json object with function name and "
    "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
    '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n'
)


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@lru_cache(maxsize=256)
def _tool_json(key: bytes) -> str:
    return _tojson(orjson.loads(key))


def _tool_text(tool: Any) -> str:
    """A tool's JSON as the template writes it; items share tools, so it is cached
    under orjson's (much faster, equally exact) serialisation of the same value."""
    try:
        key = orjson.dumps(tool)
    except TypeError:
        return _tojson(tool)
    return _tool_json(key)


def _assistant(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    out = [content]
    for j, call in enumerate(message.get("tool_calls") or []):
        fn = call.get("function", call)
        if j or content:
            out.append("\n")
        arguments = fn["arguments"]
        args = arguments if isinstance(arguments, str) else _tojson(arguments)
        out.append(
            f'<tool_call>\n{{"name": {_tojson(fn["name"])}, "arguments": {args}}}\n</tool_call>'
        )
    return "".join(out)


@lru_cache(maxsize=256)
def _tools_block(key: bytes) -> str:
    """Every tool's line of the system turn, for the tools whose orjson bytes are
    `key`: each element read back from the list's bytes is the value `_tool_text`
    reads back from that tool's own bytes (orjson writes a list as its elements'
    bytes between commas), so the block is the same text."""
    return "".join("\n" + _tojson(tool) for tool in orjson.loads(key))


def render_with_regions(
    messages: list[dict[str, Any]], tools: Any, tools_json: bytes | None = None
) -> tuple[str, list[tuple[int, int]]]:
    """(rendering, assistant regions): each region runs from after the role header to
    the end of its ``<|im_end|>``. Raises TypeError/KeyError where Jinja would fail.

    `tools_json`: orjson's bytes of `tools` when the caller has them (the item's
    tool set was read under them), so that the tool lines come from one cache
    lookup per item instead of serialising each tool again."""
    # The pieces are appended directly (no helper per piece: a few dozen per item);
    # `size` is only needed where a region starts or ends.
    parts: list[str] = []
    regions: list[tuple[int, int]] = []
    first = 0
    has_system = bool(messages) and messages[0].get("role") == "system"
    if tools:
        parts.append("<|im_start|>system\n")
        if has_system:
            parts.append(messages[0]["content"] + "\n\n")
            first = 1
        parts.append(_TOOLS_HEAD)
        if tools_json is not None:
            parts.append(_tools_block(tools_json))
        else:
            parts.extend("\n" + _tool_text(tool) for tool in tools)
        parts.append(_TOOLS_TAIL)
    elif has_system:
        parts.append("<|im_start|>system\n" + messages[0]["content"] + "<|im_end|>\n")
        first = 1
    size = sum(map(len, parts))
    last = len(messages) - 1
    for i in range(first, len(messages)):
        message = messages[i]
        role = message["role"]
        if role == "tool":
            opening = "<|im_start|>user\n" if i == 0 or messages[i - 1]["role"] != "tool" else "\n"
            content = message.get("content")
            text = content if isinstance(content, str) else _tojson(content)
            closing = "\n</tool_response><|im_end|>\n"
            if i != last and messages[i + 1]["role"] == "tool":
                closing = "\n</tool_response>"
            piece = opening + "<tool_response>\n" + text + closing
        elif role == "assistant":
            start = size + len("<|im_start|>assistant\n")
            turn = _assistant(message) + "<|im_end|>"
            regions.append((start, start + len(turn)))
            piece = "<|im_start|>assistant\n" + turn + "\n"
        else:
            piece = "<|im_start|>" + role + "\n" + message["content"] + "<|im_end|>\n"
        parts.append(piece)
        size += len(piece)
    return "".join(parts), regions
