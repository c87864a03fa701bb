"""Glaive function-calling v2 records brought to OpenAI messages (`glaive`).

A record is two texts: ``system`` ("SYSTEM: ... Use them if required -" and
the function definitions as pretty-printed JSON objects one after another) and
``chat``, a transcript of ``USER:``, ``ASSISTANT:`` and ``FUNCTION RESPONSE:``
turns separated by blank lines, each assistant turn closed by
``<|endoftext|>``. That marker ends a turn wherever it stands (some rows close
a call with it and go on in the same turn, or start the next speaker on the
very next line): it is template markup, never content, and in a Qwen-family
vocabulary a special token that would end the sequence mid-turn. Every one is
dropped, with a note counting them, and a speaker line right after one starts
a turn even without a blank line. An assistant call is ``<functioncall> {"name": N,
"arguments": '{...}'}``: the arguments are JSON *inside single quotes*, which
is no JSON at all, so the call is read by its shape (or as plain JSON when it
is JSON). A call that reads neither way, a transcript that does not start
with a known speaker, or a ``FUNCTION RESPONSE`` with no call before it, is a
reject naming ``chat``.

Some rows carry a stray ``ASSISTANT:`` where their source wrote ``AI:``: a label
alone on its line inside an assistant turn, one repeated on the line right
after the turn's own, or a label with nothing after it before the next
``ASSISTANT:`` turn. Left in, the student would learn to write the label: the
label lines are dropped from the turn's text, and the empty turn is merged
away, each with a note; an empty turn with no assistant turn after it (it would
train an empty reply) is a reject naming it. Only a whole label at a line start
is one; the word inside text ("I typed ASSISTANT: there") stays.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.formats.callspans import TextCall, json_value, skip_ws
from pipeline.formats.openai import FormatError
from pipeline.formats.rounds import beyond, round_so_far
from pipeline.formats.textcalls import object_call
from pipeline.formats.textturns import tool_call
from pipeline.text import normalize

_SPEAKER = re.compile(r"^(USER|ASSISTANT|FUNCTION RESPONSE):[ \t]*", re.MULTILINE)
_ROLES = {"USER": "user", "ASSISTANT": "assistant", "FUNCTION RESPONSE": "tool"}
_CALL_TAG = "<functioncall>"
_END = "<|endoftext|>"
# The marker with the spaces Glaive writes before it ("... 0.923. <|endoftext|>").
_MARKER = re.compile(r"[ \t]*<\|endoftext\|>")
_SYSTEM = "SYSTEM:"
# A label alone on its line (with its newline), and labels repeated at a turn's start.
_ALONE = re.compile(r"^ASSISTANT:[ \t]*(?:\n|\Z)", re.MULTILINE)
_REPEATED = re.compile(r"(?:[ \t]*\n)+ASSISTANT:[ \t]*")
# {"name": "N", "arguments": '{...}'}: the quoted arguments run to the last quote.
_QUOTED = re.compile(
    r'\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"arguments"\s*:\s*\'(.*)\'\s*\}', re.S
)


def is_glaive(item: dict[str, Any]) -> bool:
    return isinstance(item.get("chat"), str) and not any(
        k in item for k in ("messages", "conversations", "teacher_text", "query")
    )


def _functions(system: str) -> list[dict[str, Any]]:
    """The JSON objects listed in the system text, in order (none: no tools)."""
    start = system.find("{")
    found: list[dict[str, Any]] = []
    pos = start
    while 0 <= pos < len(system):
        one = json_value(system, pos)
        if one is None or not isinstance(one[0], dict) or "name" not in one[0]:
            raise FormatError("system", f"the function list is not JSON objects (at char {pos})")
        found.append(one[0])
        pos = skip_ws(system, one[1])
    return found


def _call(text: str, start: int, end: int, where: str) -> TextCall:
    """The call in ``text[start:end]`` (the part after a <functioncall> tag)."""
    start = skip_ws(text, start)
    one = json_value(text, start)
    if one is not None and skip_ws(text, one[1]) >= end:
        call = object_call(text, start, one[1], one[0], field=True)
        if call is not None:
            return call
    quoted = _QUOTED.match(text, start, end)
    if quoted is not None and skip_ws(text, quoted.end()) >= end:
        name = json.loads(quoted.group(1))
        args = json_value(text, quoted.start(2))
        whole = args is not None and isinstance(args[0], dict) and args[1] == quoted.end(2)
        if isinstance(name, str) and name and whole:
            assert args is not None
            name_span = (quoted.start(1) + 1, quoted.end(1) - 1)
            args_span = (quoted.start(2), quoted.end(2))
            return TextCall(name, args[0], name_span, args_span, (start, quoted.end()))
    raise FormatError(where, "<functioncall> is not a complete call {name, arguments}")


def _content(text: str) -> str:
    """A turn's text without its end markers (see the module docstring)."""
    return _MARKER.sub("", text).strip()


def _call_end(text: str, start: int, end: int) -> int:
    """`end` moved back over whitespace and end markers after a call's JSON."""
    while True:
        stripped = text[start:end].rstrip()
        if not stripped.endswith(_END):
            return start + len(stripped)
        end = start + len(stripped) - len(_END)


def _answer(piece: str, strays: list[int]) -> str:
    """An assistant turn's text without end markers and stray labels (counted in `strays`)."""
    piece, pos = _MARKER.sub("", piece), 0
    while repeated := _REPEATED.match(piece, pos):  # by position: no copy per label
        pos = repeated.end()
        strays[0] += 1
    piece, alone = _ALONE.subn("", piece[pos:])
    strays[0] += alone
    return piece.strip()


def _assistant(
    text: str, start: int, end: int, sources: list[Any], strays: list[int]
) -> dict[str, Any]:
    where = f"chat: the ASSISTANT turn at char {start}"
    tag = text.find(_CALL_TAG, start, end)
    if tag < 0:
        return {"role": "assistant", "content": _answer(text[start:end], strays)}
    content = _answer(text[start:tag], strays) or None
    message: dict[str, Any] = {"role": "assistant", "content": content}
    message["tool_calls"] = []
    while tag >= 0:
        after = tag + len(_CALL_TAG)
        following = text.find(_CALL_TAG, after, end)
        call_end = _call_end(text, after, following if following >= 0 else end)
        call = _call(text, after, call_end, where)
        entry = tool_call(call)
        message["tool_calls"].append(entry)
        sources.append((entry, call))
        tag = following
    return message


def from_glaive(
    item: dict[str, Any], notes: list[str]
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], TextCall]], str]:
    """Sets ``messages`` (and ``tools`` when the system lists functions); returns the
    messages, (tool call entry, call) pairs, and the chat's NFC+LF text they index."""
    chat = normalize(item["chat"])
    system = item.get("system")
    messages: list[dict[str, Any]] = []
    if system is not None and not isinstance(system, str):
        raise FormatError("system", "expected a string")
    if isinstance(system, str) and system.strip():
        text = normalize(system).strip()
        functions = _functions(text)
        if functions:
            item["tools"] = [{"type": "function", "function": f} for f in functions]
            notes.append(f"tools read from the Glaive system text ({len(functions)} listed)")
        body = text.removeprefix(_SYSTEM).strip()
        messages.append({"role": "system", "content": body})
    speakers = list(_SPEAKER.finditer(chat))
    # Glaive writes turns apart by blank lines: when it does, a "USER:" line inside a
    # turn (a pasted transcript, a quoted prompt) is that turn's text, not a new turn.
    # Where each end token's trailing whitespace stops, found once (a slice of the
    # text before every speaker line would be quadratic on a long transcript).
    after_end = {m.end() for m in re.finditer(rf"{re.escape(_END)}\s*", chat)}
    apart = [
        m
        for m in speakers
        if m.start() == 0 or chat.endswith("\n\n", 0, m.start()) or m.start() in after_end
    ]
    if len(apart) > 1:
        speakers = apart
    if not speakers or chat[: speakers[0].start()].strip():
        raise FormatError("chat", "expected a transcript starting with USER: or ASSISTANT:")
    pairs: list[tuple[dict[str, Any], TextCall]] = []
    ends = chat.count(_END, speakers[0].start())
    strays, merged = [0], 0
    for k, speaker in enumerate(speakers):
        start = speaker.end()
        end = speakers[k + 1].start() if k + 1 < len(speakers) else len(chat)
        role = _ROLES[speaker.group(1)]
        if role == "assistant":
            message = _assistant(chat, start, end, pairs, strays)
            following = speakers[k + 1].group(1) if k + 1 < len(speakers) else None
            if not message["content"] and "tool_calls" not in message:
                if following == "ASSISTANT":
                    merged += 1  # a label with nothing after it: the next turn is the answer
                    continue
                # No assistant turn to merge into: kept, it would train an empty reply.
                raise FormatError(
                    f"chat: the ASSISTANT turn at char {speaker.start()}",
                    "empty (nothing but speaker labels or end tokens) and no assistant turn "
                    "after it to merge into",
                )
            messages.append(message)
        else:
            made, answered = round_so_far(messages)
            if role == "tool" and made <= answered:
                # Rows whose call is in another syntax ("AI to= f: {...}") stay prose.
                no_call = "a function response with no call before it to answer"
                raise FormatError(
                    f"chat: the FUNCTION RESPONSE turn at char {speaker.start()}",
                    beyond(made) if made else no_call,
                )
            # The end token is markup: the chat template writes its own.
            messages.append({"role": role, "content": _content(chat[start:end])})
    item["messages"] = messages
    notes.append("messages built from the Glaive system and chat texts")
    if strays[0]:
        notes.append(f"stray speaker labels dropped from assistant turns: ASSISTANT: x{strays[0]}")
    if merged:
        notes.append(f"empty assistant turns merged into the next assistant turn: x{merged}")
    if ends:
        notes.append(
            f"template control tokens dropped from chat (markup, not content): {_END} x{ends}"
        )
    return messages, pairs, chat
