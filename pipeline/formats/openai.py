"""OpenAI ``messages`` (and ShareGPT ``conversations``) to and from hermes-style text.

An OpenAI-format record has no teacher text to index: its assistant side lives
in ``messages``. `render_teacher` writes that side as hermes-style text, which
is then parsed like any hermes answer:

* the messages are taken in order, from the first to the last, and only the
  ``assistant`` and ``tool`` ones are written; system and user turns are the
  prompt, not the teacher's output;
* an assistant message is its ``content`` (or nothing), followed by one block
  per entry of ``tool_calls``, each
  ``<tool_call>\\n{"name": NAME, "arguments": ARGS}\\n</tool_call>``, separated by
  a newline (also from non-empty content). NAME is ``json.dumps(name,
  ensure_ascii=False)``; ARGS is the ``arguments`` string exactly as given when
  it is a string (the OpenAI API sends a JSON string, possibly broken, and it is
  judged as written) and ``json.dumps(arguments, ensure_ascii=False)`` when it
  is an object;
* a tool message is ``<tool_response>\\nCONTENT\\n</tool_response>``, CONTENT
  being the string as given or ``json.dumps`` of a non-string content;
* the pieces are joined with one newline, and the result is NFC+LF.

This is character for character the assistant and tool side of the chat
template's rendering, without the role headers and end-of-turn tokens, so
every span found in this text lies verbatim in the training sequence.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.formats.base import Parsed
from pipeline.formats.calls import parse_call
from pipeline.text import normalize

_SHAREGPT_ROLES = {
    "system": "system",
    "developer": "developer",  # read as system, with a note (`messageshapes`)
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "tool": "tool",
    "function_response": "tool",
    "observation": "tool",
    "ipython": "tool",  # Llama 3's role for tool output
}
_RESPONSE_OPEN, _RESPONSE_CLOSE = "<tool_response>", "</tool_response>"
# The roles the chat template renders.
_ROLES = ("system", "user", "assistant", "tool")


class FormatError(ValueError):
    """A record whose shape cannot be read in the requested format: names the field."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def _dumps(value: Any) -> str:
    # json.dumps, not orjson: it must match the chat template's `tojson` byte for byte.
    return json.dumps(value, ensure_ascii=False)


def call_function(call: Any, where: str) -> dict[str, Any]:
    """The ``function`` part of one tool call (the template accepts both shapes)."""
    fn = call.get("function", call) if isinstance(call, dict) else None
    if not isinstance(fn, dict):
        raise FormatError(where, "a tool call must be an object with a function")
    return fn


def normalise_messages(messages: Any) -> list[dict[str, Any]]:
    """Check the shape the chat template needs, and bring call text to NFC+LF.

    Message contents are normalised by the record reader; tool-call names and
    string arguments are normalised here, so that the teacher text rendered from
    them and the training sequence hold the same characters.
    """
    if not isinstance(messages, list):
        raise FormatError("messages", "expected a list")
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise FormatError(where, "expected an object with a string role")
        if message["role"] not in _ROLES:
            # The template would drop or mis-render it: a turn lost without a word.
            raise FormatError(
                f"{where}.role", f"unknown role {message['role']!r} (known: {', '.join(_ROLES)})"
            )
        content = message.get("content")
        if message["role"] != "assistant" and not isinstance(content, str | dict | list):
            raise FormatError(f"{where}.content", f"expected text, got {type(content).__name__}")
        if message["role"] == "assistant" and not isinstance(content, str | None):
            raise FormatError(f"{where}.content", f"expected text, got {type(content).__name__}")
        calls = message.get("tool_calls") or []
        if not isinstance(calls, list):
            raise FormatError(f"{where}.tool_calls", "expected a list")
        for j, call in enumerate(calls):
            fn = call_function(call, f"{where}.tool_calls[{j}]")
            if not isinstance(fn.get("name"), str):
                raise FormatError(f"{where}.tool_calls[{j}].name", "expected a string")
            fn["name"] = normalize(fn["name"])
            if isinstance(fn.get("arguments"), str):
                fn["arguments"] = normalize(fn["arguments"])
    return messages


def render_teacher(messages: list[dict[str, Any]]) -> str:
    """The assistant side of `messages` as hermes-style text (see the module docstring)."""
    parts: list[str] = []
    for message in messages:
        role = message["role"]
        if role == "assistant":
            piece = message.get("content") or ""
            for j, call in enumerate(message.get("tool_calls") or []):
                fn = call_function(call, "tool_calls")
                args = fn.get("arguments")
                args_text = args if isinstance(args, str) else _dumps(args)
                if j or piece:
                    piece += "\n"
                piece += (
                    f'<tool_call>\n{{"name": {_dumps(fn["name"])}, "arguments": {args_text}}}'
                    "\n</tool_call>"
                )
            parts.append(piece)
        elif role == "tool":
            content = message.get("content")
            text = content if isinstance(content, str) else _dumps(content)
            parts.append(f"{_RESPONSE_OPEN}\n{text}\n{_RESPONSE_CLOSE}")
    return normalize("\n".join(p for p in parts if p))


def messages_from_conversations(conversations: Any) -> list[dict[str, Any]]:
    """ShareGPT ``[{"from", "value"}]`` turns as OpenAI messages.

    Hermes-style datasets keep calls inside the assistant text and wrap tool
    output in ``<tool_response>`` tags; the tags are taken off tool turns because
    the chat template puts them back.
    """
    if not isinstance(conversations, list):
        raise FormatError("conversations", "expected a list")
    messages: list[dict[str, Any]] = []
    for i, turn in enumerate(conversations):
        where = f"conversations[{i}]"
        if not isinstance(turn, dict):
            raise FormatError(where, "expected an object")
        role = _SHAREGPT_ROLES.get(str(turn.get("from", turn.get("role"))))
        value = turn.get("value", turn.get("content"))
        if role is None or not isinstance(value, str):
            raise FormatError(where, "expected a known 'from' role and a string 'value'")
        value = normalize(value)
        if role == "tool":
            inner = value.strip()
            if inner.startswith(_RESPONSE_OPEN) and inner.endswith(_RESPONSE_CLOSE):
                value = inner[len(_RESPONSE_OPEN) : -len(_RESPONSE_CLOSE)].strip("\n")
        messages.append({"role": role, "content": value})
    return messages


def messages_from_blocks(prompt: str | None, parsed: Parsed) -> list[dict[str, Any]]:
    """OpenAI messages for a teacher text that came without them.

    Each run of calls becomes one assistant message (free text before the calls
    is its content; text between two calls starts a new one), each result a
    tool message (text between a call and its result is an assistant turn of
    its own), and the final text or the ``Integration:`` contents the last
    assistant message. Arguments are kept as
    the raw text of the call, so the template writes them exactly as the
    teacher did.
    """
    text = parsed.text
    messages: list[dict[str, Any]] = []
    if prompt:
        messages.append({"role": "user", "content": prompt})
    pending_text: list[str] = []
    assistant: dict[str, Any] | None = None
    for block in parsed.blocks:
        chunk = text[block.start : block.end]
        if block.kind in ("text", "marker"):
            pending_text.append(chunk)
        elif block.kind == "call":
            # Text after a call opens the next assistant turn, so no text is lost
            # and the turns keep the teacher's order.
            if assistant is None or pending_text:
                assistant = {"role": "assistant", "content": "\n".join(pending_text)}
                assistant["tool_calls"] = []
                messages.append(assistant)
                pending_text = []
            assistant["tool_calls"].append(_raw_call(chunk))
        else:
            if pending_text:
                messages.append({"role": "assistant", "content": "\n".join(pending_text)})
            pending_text, assistant = [], None
            messages.append({"role": "tool", "content": chunk})
    if pending_text:
        messages.append({"role": "assistant", "content": "\n".join(pending_text)})
    return messages


def _raw_call(chunk: str) -> dict[str, Any]:
    """A tool call whose arguments are the raw text between the name and the closing brace."""
    call = parse_call(chunk, 0, len(chunk))
    if call.args_span is not None:
        arguments: Any = chunk[call.args_span[0] : call.args_span[1]]
    else:
        arguments = {}
    return {"type": "function", "function": {"name": call.name or "", "arguments": arguments}}
