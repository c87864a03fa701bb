"""A text in a published call format as ordered turns: text, calls, tool results.

Published transcripts keep more than the calls in one text: the tool's answer
(Qwen ``<tool_response>`` blocks, Llama 3 ``<|start_header_id|>ipython
<|end_header_id|>`` turns, Mistral ``[TOOL_RESULTS]...[/TOOL_RESULTS]``), the
template's end-of-turn and header tokens (``</s>``, ``<|eot_id|>``,
``<|eom_id|>``, ``<|start_header_id|>assistant<|end_header_id|>``) and the
answer after the results. Read as one assistant message, results would be
trained as the model's own text and the answer moved before the calls. So the
text is cut at results and control tokens (the tokens are template markup, not
content: they are dropped and named in a note); each piece in between is read
by the call parsers (`pipeline.formats.textcalls`) or is plain text. The
segments come out in the text's order, as the hermes blocks do
(`pipeline.formats.base.Parsed`), and become messages the same way as
`pipeline.formats.openai.messages_from_blocks` builds them: text after a call
opens a new assistant turn, each result is a ``tool`` message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from pipeline.formats.callspans import TextCall, TypeOf, json_value
from pipeline.formats.textcalls import parse_text_calls

SegmentKind = Literal["text", "call", "result"]
# Tool results, in the three published spellings (the content is group "r1".."r3").
_RESULT = (
    r"<tool_response>(?P<r1>.*?)</tool_response>"
    r"|<\|start_header_id\|>ipython<\|end_header_id\|>(?P<r2>.*?)(?:<\|eot_id\|>|<\|eom_id\|>|\Z)"
    r"|\[TOOL_RESULTS\](?P<r3>.*?)\[/TOOL_RESULTS\]"
)
# The template's own tokens around turns.
_CONTROL = r"</s>|<\|eot_id\|>|<\|eom_id\|>|<\|start_header_id\|>assistant<\|end_header_id\|>"
_CUT = re.compile(f"{_RESULT}|(?P<control>{_CONTROL})", re.DOTALL)


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    text: str = ""  # a text's or a result's content
    call: TextCall | None = None  # spans index the whole text


@dataclass(frozen=True)
class TextTurns:
    format: str
    segments: tuple[Segment, ...]
    markup: tuple[str, ...]  # control tokens dropped, in order of first sight

    @property
    def calls(self) -> list[TextCall]:
        return [s.call for s in self.segments if s.call is not None]


def _shift(call: TextCall, by: int) -> TextCall:
    def moved(span: tuple[int, int]) -> tuple[int, int]:
        return span[0] + by, span[1] + by

    return replace(
        call,
        name_span=moved(call.name_span),
        args_span=moved(call.args_span),
        call_span=moved(call.call_span),
    )


def _piece(
    text: str, start: int, end: int, fmt: str, types: TypeOf, names: frozenset[str]
) -> tuple[str | None, list[Segment]]:
    """(format found or None, segments) of ``text[start:end]``, a piece without results."""
    piece = text[start:end]
    if not piece.strip():
        return None, []
    found = parse_text_calls(piece, fmt, types, names)
    if found is None:
        return None, [Segment("text", piece.strip())]
    segments: list[Segment] = []
    pos = 0
    calls = sorted(found.calls, key=lambda c: c.call_span[0])
    for region_start, region_end in found.regions:
        before = piece[pos:region_start].strip()
        if before:
            segments.append(Segment("text", before))
        segments += [
            Segment("call", call=_shift(c, start))
            for c in calls
            if region_start <= c.call_span[0] < region_end
        ]
        pos = max(pos, region_end)
    after = piece[pos:].strip()
    if after:
        segments.append(Segment("text", after))
    return found.format, segments


def _mistral_result(raw: str) -> str:
    """The tool output in Mistral's ``{"content": X, "call_id": ID}`` wrapper (X as text);
    anything else as written."""
    found = json_value(raw, 0)
    if found is None or found[1] != len(raw) or not isinstance(found[0], dict):
        return raw
    value = found[0]
    if "content" not in value or not set(value) <= {"content", "call_id", "name"}:
        return raw
    content = value["content"]
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def text_turns(
    text: str, fmt: str, types: TypeOf, names: frozenset[str] = frozenset()
) -> TextTurns | None:
    """The ordered segments of `text` when it holds calls in `fmt` (or any text format
    for ``auto``); None when it holds none. `names`: the declared tool names."""
    segments: list[Segment] = []
    markup: list[str] = []
    found_fmt: str | None = None
    pos = 0
    for cut in [*_CUT.finditer(text), None]:
        end = cut.start() if cut is not None else len(text)
        piece_fmt, found = _piece(text, pos, end, found_fmt or fmt, types, names)
        found_fmt = found_fmt or piece_fmt
        segments += found
        if cut is None:
            break
        pos = cut.end()
        if cut.group("control") is not None:
            if cut.group("control") not in markup:
                markup.append(cut.group("control"))
            continue
        if cut.group("r3") is not None:
            segments.append(Segment("result", _mistral_result(cut.group("r3").strip())))
            continue
        result = cut.group("r1") if cut.group("r1") is not None else cut.group("r2")
        segments.append(Segment("result", result.strip()))
    if found_fmt is None:
        return None
    return TextTurns(found_fmt, tuple(segments), tuple(markup))


def turn_messages(
    turns: TextTurns,
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], TextCall]]]:
    """Assistant and tool messages from the segments, and each tool-call entry with the
    call it came from (for its source spans)."""
    messages: list[dict[str, Any]] = []
    entries: list[tuple[dict[str, Any], TextCall]] = []
    pending: list[str] = []
    assistant: dict[str, Any] | None = None
    for segment in turns.segments:
        if segment.kind == "text":
            pending.append(segment.text)
        elif segment.call is not None:
            # Text after a call opens the next assistant turn, so the order holds.
            if assistant is None or pending:
                assistant = {"role": "assistant", "content": "\n".join(pending) or None}
                assistant["tool_calls"] = []
                messages.append(assistant)
                pending = []
            entry = tool_call(segment.call)
            assistant["tool_calls"].append(entry)
            entries.append((entry, segment.call))
        else:
            if pending:
                messages.append({"role": "assistant", "content": "\n".join(pending)})
            pending, assistant = [], None
            messages.append({"role": "tool", "content": segment.text})
    if pending:
        messages.append({"role": "assistant", "content": "\n".join(pending)})
    return messages, entries


def tool_call(call: TextCall) -> dict[str, Any]:
    return {"type": "function", "function": {"name": call.name, "arguments": call.arguments}}
