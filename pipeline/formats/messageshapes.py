"""OpenAI message shapes older or richer than the one the chat template reads.

Published OpenAI-format sets still carry the shapes the API had before
``tools``: an assistant ``function_call`` (one call) answered by a ``function``
message, with the definitions in a top-level ``functions`` list; and contents
given as a list of parts (``[{"type": "text", "text": ...}]``). Newer sets
name the system turn ``developer`` (the o-series API and fine-tuning data).
Each is brought to the current shape with a note, the given messages kept as
``messages_original``, so that no call or result is dropped on the way to the
template. A part that is not text cannot be rendered: it is a reject naming
the part.

Two call quirks are settled here too, with a note each:

* a legacy ``function_call`` next to ``tool_calls`` on one message (exports
  that wrote both fields): when it repeats one of the tool calls it is dropped,
  and when it is a distinct call it is kept, after the tool calls, since a call
  the teacher made is never lost;
* ``arguments: ""`` (a whitespace-only string): servers other than OpenAI's
  (and clients that stream nothing for a call without parameters) write the
  empty string for "no arguments", where the OpenAI API writes ``"{}"``. It is
  read as ``"{}"``; the empty text rendered as written would be a call with no
  arguments value at all (``"arguments": }``), which trains broken JSON. A tool
  that needs arguments still fails its schema check (missing required ones).
"""

from __future__ import annotations

import contextlib
import copy
import json
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


def _empty_arguments(message: dict[str, Any]) -> bool:
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        fn = call.get("function", call) if isinstance(call, dict) else None
        args = fn.get("arguments") if isinstance(fn, dict) else None
        if isinstance(args, str) and not args.strip():
            return True
    return False


def _with_arguments(calls: list[Any]) -> list[Any]:
    """`calls` with every empty arguments string read as ``"{}"`` (new dicts: the
    given messages are kept as they were)."""
    out = []
    for call in calls:
        fn = call.get("function", call) if isinstance(call, dict) else None
        args = fn.get("arguments") if isinstance(fn, dict) else None
        if isinstance(fn, dict) and isinstance(args, str) and not args.strip():
            fn = {**fn, "arguments": "{}"}
            call = {**call, "function": fn} if "function" in call else fn
        out.append(call)
    return out


def _call_key(fn: Any) -> Any:
    """What makes two calls the same call: the name and the arguments as values
    (a JSON string and the object it holds are the same arguments)."""
    if not isinstance(fn, dict):
        return None
    args = fn.get("arguments")
    if isinstance(args, str) and not args.strip():
        args = {}  # read as "{}" (below)
    elif isinstance(args, str):
        # json, not orjson, both ways: orjson reads and writes no integer over 64 bits.
        with contextlib.suppress(ValueError, RecursionError):
            args = json.loads(args)
    return fn.get("name"), json.dumps(args, sort_keys=True, default=repr)


def _legacy_beside(out: dict[str, Any], legacy: Any) -> str:
    """A ``function_call`` on a message that also has ``tool_calls``: dropped when it
    repeats one of them, kept as one more call when it is distinct."""
    del out["function_call"]
    calls = out["tool_calls"]
    key = _call_key(legacy)
    if any(_call_key(c.get("function", c)) == key for c in calls if isinstance(c, dict)):
        return "a function_call repeating one of the message's tool_calls dropped"
    out["tool_calls"] = [*calls, {"type": "function", "function": legacy}]
    return "a function_call beside tool_calls kept as one more tool call (a distinct call)"


def _current(message: Any, where: str) -> tuple[Any, list[str]]:
    """One message in the current shape, and what was changed."""
    if not isinstance(message, dict):
        return message, []
    role = message.get("role")
    older = role in ("function", "developer") or (
        role == "assistant" and ("function_call" in message or _empty_arguments(message))
    )
    if not older and not isinstance(message.get("content"), list):
        return message, []  # the current shape (every generated message): no copy
    changes = []
    out = dict(message)
    if out.get("role") == "function":
        out["role"] = "tool"
        changes.append("function messages read as tool messages")
    if out.get("role") == "developer":
        # OpenAI's newer name for the system turn: the same instructions.
        out["role"] = "system"
        changes.append("developer messages read as system messages")
    legacy = out.get("function_call")
    if out.get("role") == "assistant" and legacy is not None:
        if not out.get("tool_calls"):
            del out["function_call"]
            out["tool_calls"] = [{"type": "function", "function": legacy}]
            changes.append("assistant function_call read as a tool call")
        elif isinstance(out["tool_calls"], list):  # any other shape is refused later
            changes.append(_legacy_beside(out, legacy))
    if out.get("role") == "assistant" and _empty_arguments(out):
        out["tool_calls"] = _with_arguments(out["tool_calls"])
        changes.append('empty arguments strings read as "{}" (a call without arguments)')
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
