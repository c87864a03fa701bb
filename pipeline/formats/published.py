"""Published tool-calling records brought to the canonical form: OpenAI messages.

The student learns its own chat template's call format, so a record in any
published format is rewritten as OpenAI ``messages`` (structured
``tool_calls`` with arguments as objects, ``tool`` messages) and ``tools`` as
OpenAI tool objects; the teacher text is then rendered from them like any
OpenAI record. What the record held is kept: its fields stay in the item, and
every recovered call says where it was (`source_record`): the format, the
field or turn that held it, and its name, arguments and call spans in that
field's NFC+LF text (code points and UTF-8 bytes).

* LLaMA-Factory / ShareGPT: ``conversations`` with ``human``, ``gpt``,
  ``function_call`` (a JSON call object, or a list of them) and
  ``observation`` turns, a ``system`` column and ``tools`` as a JSON string;
* xLAM / APIGen: ``query``, ``tools`` and ``answers`` (a JSON list of calls):
  one user turn and one assistant turn of parallel calls;
* calls written in assistant text (`pipeline.formats.textcalls`).
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.formats.callspans import TextCall, TypeOf, json_value, skip_ws
from pipeline.formats.openai import FormatError, messages_from_conversations
from pipeline.formats.rounds import beyond, round_so_far
from pipeline.formats.textcalls import json_array_items, object_call
from pipeline.formats.textturns import text_turns, tool_call, turn_messages
from pipeline.spans import TextIndex
from pipeline.text import normalize

# glaive: pipeline.formats.glaive; react: pipeline.formats.react
RECORD_FORMATS = ("llamafactory", "xlam", "glaive", "react")


def source_record(fmt: str, field: str, text: str, call: TextCall) -> dict[str, Any]:
    """Where one recovered call was in the record: spans into ``field``'s NFC+LF text."""
    index = TextIndex(text)

    def span(chars: tuple[int, int]) -> dict[str, list[int]]:
        return {"chars": list(chars), "utf8": [index.utf8(chars[0]), index.utf8(chars[1])]}

    return {
        "format": fmt,
        "field": field,
        "name_span": span(call.name_span),
        "args_span": span(call.args_span),
        "call_span": span(call.call_span),
    }


def json_calls(text: str, where: str) -> list[TextCall]:
    """The calls in a JSON text holding one call object or a list of them."""
    start = skip_ws(text, 0)
    array = json_array_items(text, start)
    if array is not None:
        calls = [object_call(text, s, e, v, field=True) for v, s, e in array[0]]
        end = array[1]
    else:
        found = json_value(text, start)
        calls = [object_call(text, start, found[1], found[0], field=True) if found else None]
        end = found[1] if found else len(text)
    if text[end:].strip() or any(c is None for c in calls):
        raise FormatError(where, "expected a JSON call object {name, arguments} or a list of them")
    return [c for c in calls if c is not None]


def openai_tools(tools: Any, notes: list[str]) -> Any:
    """Plain function definitions wrapped as OpenAI tool objects (others as given)."""
    if isinstance(tools, str):
        raise FormatError("tools", "a string that is not a JSON list of tools")
    if not isinstance(tools, list):
        return tools
    wrapped = [
        {"type": "function", "function": t}
        if isinstance(t, dict) and "function" not in t and "name" in t
        else t
        for t in tools
    ]
    if wrapped != tools:
        notes.append("tools: plain function definitions wrapped as OpenAI tool objects")
    return wrapped


def _role(turn: Any) -> Any:
    return turn.get("from", turn.get("role")) if isinstance(turn, dict) else None


def is_llamafactory(item: dict[str, Any]) -> bool:
    turns = item.get("conversations")
    return (
        "messages" not in item
        and isinstance(turns, list)
        and any(
            isinstance(t, dict) and t.get("from", t.get("role")) == "function_call" for t in turns
        )
    )


def from_llamafactory(
    item: dict[str, Any], notes: list[str]
) -> tuple[dict[int, dict[str, Any]], list[str | None]]:
    """Sets ``messages`` and ``tools``; returns ({id(tool call): its source}, the
    conversations field each message came from)."""
    turns = item.get("conversations")
    if not isinstance(turns, list):
        raise FormatError("conversations", "expected a list")
    messages: list[dict[str, Any]] = []
    fields: list[str | None] = []
    system = item.get("system")
    has_system = any(
        isinstance(t, dict) and t.get("from", t.get("role")) == "system" for t in turns
    )
    if isinstance(system, str) and system.strip() and not has_system:
        messages.append({"role": "system", "content": normalize(system)})
        fields.append(None)
    sources: dict[int, dict[str, Any]] = {}
    for i, turn in enumerate(turns):
        where = f"conversations[{i}]"
        role = _role(turn)
        if not isinstance(turn, dict):
            raise FormatError(where, "expected an object")
        if role != "function_call":
            try:
                converted = messages_from_conversations([turn])
            except FormatError as exc:
                raise FormatError(where, exc.reason) from exc
            made, answered = round_so_far(messages)
            if converted[0]["role"] == "tool" and made <= answered:
                no_call = "an observation turn with no function_call before it"
                raise FormatError(where, beyond(made) if made else no_call)
            messages.extend(converted)
            fields.append(f"{where}.value")
            continue
        value = turn.get("value", turn.get("content"))
        if not isinstance(value, str):
            raise FormatError(f"{where}.value", "expected a JSON string")
        text = normalize(value)
        calls = json_calls(text, f"{where}.value")
        if not calls:
            # A turn that claims a call and holds none would train as a plain answer.
            raise FormatError(f"{where}.value", "a function_call turn with no call (empty list)")
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": []}
        for call in calls:
            entry = tool_call(call)
            message["tool_calls"].append(entry)
            sources[id(entry)] = source_record("llamafactory", f"{where}.value", text, call)
        messages.append(message)
        fields.append(None)
    item["messages"] = messages
    if "tools" in item:
        # Never add the key: a record without tools may list them in its system
        # prompt (read later, only when there is no `tools`), and a `tools: null`
        # written out is a record verify cannot read.
        item["tools"] = openai_tools(item["tools"], notes)
    notes.append("messages converted from LLaMA-Factory conversations (function_call turns)")
    return sources, fields


def is_xlam(item: dict[str, Any]) -> bool:
    return (
        "query" in item
        and "answers" in item
        and not any(k in item for k in ("messages", "conversations", "teacher_text"))
    )


def from_xlam(item: dict[str, Any], notes: list[str]) -> dict[int, dict[str, Any]]:
    """One user query and one assistant turn of parallel calls, from xLAM columns."""
    query, answers = item.get("query"), item.get("answers")
    if not isinstance(query, str):
        raise FormatError("query", "expected a string")
    if isinstance(answers, list):
        # Already decoded: the spans then index its canonical JSON text.
        answers = json.dumps(answers, ensure_ascii=False)
        notes.append("answers was a list: source spans index its JSON text (json.dumps)")
    if not isinstance(answers, str):
        raise FormatError("answers", "expected a JSON string")
    text = normalize(answers)
    if not text.lstrip().startswith("["):
        raise FormatError("answers", "expected a JSON list of calls")
    calls = json_calls(text, "answers")
    if not calls:
        # xLAM's irrelevance rows: no call and no assistant text, so the training
        # target would be an empty answer.
        raise FormatError("answers", "an empty list: no call and no answer text to train on")
    message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": []}
    sources: dict[int, dict[str, Any]] = {}
    for call in calls:
        entry = tool_call(call)
        message["tool_calls"].append(entry)
        sources[id(entry)] = source_record("xlam", "answers", text, call)
    item["messages"] = [{"role": "user", "content": normalize(query)}, message]
    if "tools" in item:  # as for LLaMA-Factory: no `tools: null` added
        item["tools"] = openai_tools(item["tools"], notes)
    notes.append("messages built from xLAM query and answers")
    return sources


def convert_contents(
    messages: list[dict[str, Any]],
    fields: list[str | None],
    fmt: str,
    types: TypeOf,
    sources: dict[int, dict[str, Any]],
    names: frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Any]], list[str], list[str], list[int]]:
    """Calls written in assistant contents become tool calls, and results and the
    answer written after them their own turns (`pipeline.formats.textturns`).

    Returns (the new message list, the formats found, the control tokens dropped,
    the index of the given message each new one came from). A message that already
    has ``tool_calls`` is left alone: its content is then prose next to structured
    calls.
    """
    found: list[str] = []
    markup: list[str] = []
    out: list[dict[str, Any]] = []
    origins: list[int] = []
    for i, message in enumerate(messages):
        content = message.get("content")
        turns = None
        if message.get("role") == "assistant" and not message.get("tool_calls"):
            turns = text_turns(content, fmt, types, names) if isinstance(content, str) else None
        if turns is None or not isinstance(content, str):
            out.append(message)
            origins.append(i)
            continue
        given = fields[i] if i < len(fields) else None
        field = given if given is not None else f"messages[{i}].content"
        new, entries = turn_messages(turns)
        for entry, call in entries:
            sources[id(entry)] = source_record(turns.format, field, content, call)
        out += new
        origins += [i] * len(new)
        found.append(turns.format)
        markup += [m for m in turns.markup if m not in markup]
    # Nothing converted: the very list given, so a caller's messages stay its own.
    return (out if found else messages), found, markup, origins
