"""ToolBench / ToolLLM ReAct transcripts brought to OpenAI messages (`react`).

ToolLLaMA's training data (and the many sets distilled from it) are ShareGPT
``conversations`` with the turns ``system``, ``user``, ``assistant`` and
``function``. The system turn lists the APIs as a *Python repr* after
"Specifically, you have access to the following APIs:"; every assistant turn
is ``Thought: ...`` / ``Action: NAME`` / ``Action Input: {JSON}``; a
``function`` turn is the result of the call before it; the trajectory ends
with the pseudo-tool ``Finish`` (``return_type`` ``give_answer`` with a
``final_answer``, or ``give_up_and_restart``).

* The API list becomes ``tools`` (read as JSON, else with a bounded
  ``ast.literal_eval``: never evaluated), without ``Finish``: the answer is
  the final assistant text, so Finish is no tool the student should call.
* The system message keeps only what is not the ReAct protocol or the API list
  (none when nothing is left): the target never writes ReAct markup or calls
  Finish, so the student must not be told to (``react_system``).
* The Thought becomes the assistant content before the call (the ``Thought:``
  label is ReAct markup the student's template does not write).
* ``Action Input`` that is a JSON object becomes the arguments; anything else
  is kept as written (a string) and judged an invalid call, never repaired.
* A ``function`` turn becomes a tool message with the ``tool_call_id`` of the
  call it answers; one with no call to answer is a reject, and so is any other
  turn while a call waits for its result (a record may only end on a call).
* ``Finish`` ``give_answer`` becomes the final assistant message (its text is
  ``final_answer``; the Thought before it speaks of calling Finish and is
  left in ``conversations``). A trajectory that gave up is a reject: no
  answer to learn, and the student must not learn to give up silently.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from pipeline.formats.callspans import TextCall, json_value, skip_ws
from pipeline.formats.openai import FormatError, messages_from_conversations
from pipeline.formats.published import openai_tools, source_record
from pipeline.formats.react_system import LITERAL_MAX, system_list, without_protocol
from pipeline.text import normalize

FINISH = "Finish"
_ACTION = re.compile(r"^[ \t]*(?P<tag>Action[ \t]*:)[ \t]*(?P<name>[^\n]*?)[ \t]*$", re.M)
_INPUT = re.compile(r"^[ \t]*Action Input[ \t]*:[ \t]*", re.M)
_THOUGHT = re.compile(r"^\s*Thought[ \t]*:[ \t]*")
_ASSISTANT = ("assistant", "gpt")
_FUNCTION = ("function", "tool", "observation")
_FINISH_ACTION = re.compile(r"^[ \t]*Action[ \t]*:[ \t]*Finish[ \t]*$", re.M)
_APIS = "Specifically, you have access to the following APIs:"


def _role(turn: Any) -> Any:
    return turn.get("from", turn.get("role")) if isinstance(turn, dict) else None


def _value(turn: Any) -> Any:
    return turn.get("value", turn.get("content")) if isinstance(turn, dict) else None


def _agentic(turns: list[Any]) -> bool:
    """A function turn, a system turn listing APIs, or a Finish action: what a plain chat
    whose assistant *shows* a ReAct step (as text to read) does not have."""
    for turn in turns:
        role, value = _role(turn), _value(turn)
        if role in _FUNCTION:
            return True
        if isinstance(value, str) and role == "system" and _APIS in value:
            return True
        if isinstance(value, str) and role in _ASSISTANT and _FINISH_ACTION.search(value):
            return True
    return False


def is_react(item: dict[str, Any]) -> bool:
    """ShareGPT conversations whose assistant turns carry ``Action:`` / ``Action Input:``
    lines, with a function turn, an API list or a Finish (and no LLaMA-Factory
    ``function_call`` turn)."""
    turns = item.get("conversations")
    if "messages" in item or not isinstance(turns, list):
        return False
    if any(_role(t) == "function_call" for t in turns):
        return False
    for turn in turns:
        value = _value(turn)
        if _role(turn) in _ASSISTANT and isinstance(value, str):
            action = _ACTION.search(value)
            if action is not None and _INPUT.search(value, action.end()) is not None:
                return _agentic(turns)
    return False


def _spelled(text: str) -> Any:
    """The JSON or Python-literal list or object `text` spells in whole, else None."""
    found = json_value(text, 0)
    if found is not None and found[1] == len(text):
        return found[0]
    if len(text) > LITERAL_MAX:
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def tool_result(text: str) -> str:
    """A function turn's text, with ToolBench's ``{"error", "response"}`` envelope's
    response written as the JSON it spells when it is a string holding a whole JSON or
    Python-literal list or object (RapidAPI's answer, stringified, often by ``str()``);
    any other text as given."""
    found = json_value(text, skip_ws(text, 0))
    envelope = found[0] if found is not None and found[1] == len(text.rstrip()) else None
    if not isinstance(envelope, dict) or set(envelope) != {"error", "response"}:
        return text
    response = envelope["response"]
    inner = response.strip() if isinstance(response, str) else ""
    value = _spelled(inner) if inner[:1] in ("[", "{") else None
    if not isinstance(value, list | dict):
        return text
    try:
        spelled = json.dumps({**envelope, "response": value}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a set, bytes, a NaN: nothing JSON can hold as written
        return text
    return spelled


class _Reader:
    """One record's turns, read in order into messages."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self.messages: list[dict[str, Any]] = []
        self.fields: list[str | None] = []
        self.sources: dict[int, dict[str, Any]] = {}
        self.pending: str | None = None  # id of the call the next function turn answers
        self.finished = False  # the last message is Finish's answer
        self.calls = 0
        self.kept_raw = 0
        self.decoded = 0

    def unanswered(self) -> str:
        # Only a record that ends on its call (a "Step N" record) may leave it unanswered.
        return f"{self.pending} has no function turn answering it"

    def add(self, message: dict[str, Any], field: str | None) -> None:
        self.messages.append(message)
        self.fields.append(field)
        # Only the turn right after Finish may be its acknowledgement (finish() sets it again).
        self.finished = False

    def function(self, value: str, i: int) -> None:
        if self.pending is None:
            if self.finished:
                # The environment's acknowledgement of Finish: no tool answered.
                self.notes.append(f"conversations[{i}]: the function turn after Finish dropped")
                return
            raise FormatError(
                f"conversations[{i}]", "a function turn with no call before it to answer"
            )
        content = tool_result(value)
        self.decoded += content != value
        self.add({"role": "tool", "tool_call_id": self.pending, "content": content}, None)
        self.pending = None

    def assistant(self, text: str, i: int) -> None:
        where = f"conversations[{i}].value"
        actions = list(_ACTION.finditer(text))
        if not actions:
            self.add({"role": "assistant", "content": text.strip()}, where)
            return
        if len(actions) > 1:
            raise FormatError(where, "more than one Action in one assistant turn")
        action = actions[0]
        given = _INPUT.search(text, action.end())
        if given is None or text[action.end() : given.start()].strip():
            raise FormatError(where, "an Action without an Action Input line right after it")
        name = action.group("name")
        if not name:
            raise FormatError(where, "an Action without a name")
        thought = _THOUGHT.sub("", text[: action.start()]).strip()
        args_start = skip_ws(text, given.end())
        args_end = max(args_start, len(text.rstrip()))
        if name == FINISH:
            self.finish(text, args_start, args_end, thought, where)
            return
        found = json_value(text, args_start)
        arguments: Any = text[args_start:args_end]
        if found is not None and isinstance(found[0], dict) and found[1] == args_end:
            arguments = found[0]
        else:
            self.kept_raw += 1
        call_id = f"call_{self.calls}"
        self.calls += 1
        entry = {
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": arguments},
        }
        spans = TextCall(
            name,
            arguments if isinstance(arguments, dict) else {},
            action.span("name"),
            (args_start, args_end),
            (action.start("tag"), args_end),
        )
        self.sources[id(entry)] = source_record("react", where, text, spans)
        self.add({"role": "assistant", "content": thought or None, "tool_calls": [entry]}, None)
        self.pending = call_id

    def finish(self, text: str, start: int, end: int, thought: str, where: str) -> None:
        found = json_value(text, start)
        if found is None or found[1] != end or not isinstance(found[0], dict):
            raise FormatError(where, "Finish's Action Input is not a JSON object")
        kind = found[0].get("return_type")
        if kind == "give_up_and_restart":
            raise FormatError(
                where,
                "the trajectory gave up (Finish give_up_and_restart): no answer to learn,"
                " and the student must not learn to give up silently",
            )
        answer = found[0].get("final_answer")
        if kind != "give_answer" or not isinstance(answer, str) or not answer.strip():
            raise FormatError(where, "Finish without return_type give_answer and a final_answer")
        self.add({"role": "assistant", "content": normalize(answer).strip()}, where)
        if thought:
            self.notes.append(f"{where}: the Thought before Finish left out of the answer")
        self.finished = True
        self.pending = None


def from_react(
    item: dict[str, Any], notes: list[str]
) -> tuple[dict[int, dict[str, Any]], list[str | None]]:
    """Sets ``messages`` (and ``tools`` from the system turn's API list when the record
    has none); returns ({id(tool call): its source}, the field each message came from)."""
    turns = item.get("conversations")
    if not isinstance(turns, list):
        raise FormatError("conversations", "expected a list")
    reader = _Reader(notes)
    listed: list[dict[str, Any]] | None = None
    seen_list = False
    for i, turn in enumerate(turns):
        role, value = _role(turn), _value(turn)
        if not isinstance(turn, dict) or not isinstance(value, str):
            raise FormatError(f"conversations[{i}]", "expected an object with a string 'value'")
        text = normalize(value)
        if reader.pending is not None and role not in _FUNCTION:
            raise FormatError(f"conversations[{i}]", reader.unanswered())
        if role in _ASSISTANT:
            reader.assistant(text, i)
        elif role in _FUNCTION:
            reader.function(text, i)
        else:
            try:
                message = messages_from_conversations([{"from": role, "value": value}])[0]
            except FormatError as exc:
                raise FormatError(f"conversations[{i}]", exc.reason) from exc
            where = f"conversations[{i}].value"
            found = None
            if message["role"] == "system" and not seen_list:
                found = system_list(text, where, has_tools="tools" in item)
            if found is None:
                reader.add(message, where)
                continue
            seen_list = True
            listed = None if "tools" in item else found[0]
            kept = without_protocol(text, found, where, notes)
            if kept:
                # Not the turn's text any more: no source field to index.
                reader.add({**message, "content": kept}, None)
    item["messages"] = reader.messages
    if listed is not None:
        tools = [{"type": "function", "function": f} for f in listed if f["name"] != FINISH]
        item["tools"] = tools
        left = " (Finish left out: the answer is the final assistant text)"
        dropped = left if len(tools) < len(listed) else ""
        notes.append(f"tools read from the ToolBench API list ({len(tools)} listed){dropped}")
    elif "tools" in item:
        item["tools"] = openai_tools(item["tools"], notes)
    notes.append("messages converted from ReAct conversations (Thought / Action / Action Input)")
    if reader.decoded:
        notes.append(
            f"tool results: a stringified response written as the JSON it spells: {reader.decoded}"
        )
    if reader.kept_raw:
        notes.append(f"Action Input kept as written, not a JSON object: {reader.kept_raw} call(s)")
    return reader.sources, reader.fields
