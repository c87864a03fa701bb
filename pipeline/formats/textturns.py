"""A text in a published call format as ordered turns: text, calls, tool results.

Published transcripts keep more than the calls in one text: the tool's answer
(Qwen and GLM ``<tool_response>`` blocks, Llama 3 ``<|start_header_id|>ipython
<|end_header_id|>`` turns, Mistral ``[TOOL_RESULTS]...[/TOOL_RESULTS]``,
DeepSeek ``<｜tool▁output▁begin｜>...<｜tool▁output▁end｜>``, Kimi's
``<|im_system|>tool<|im_middle|>`` turns), the template's end-of-turn and
header tokens (``</s>``, ``<|eot_id|>``, ``<|eom_id|>``,
``<|start_header_id|>assistant<|end_header_id|>``, DeepSeek's
``<｜end▁of▁sentence｜>``, Kimi's ``<|im_end|>``, GLM's ``<|observation|>``, ...)
and the answer after the results. Read as one assistant message, results would be
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
from functools import lru_cache
from typing import Any, Literal

from pipeline.formats.callspans import TextCall, TypeOf, json_value
from pipeline.formats.nativecalls import deepseek_token
from pipeline.formats.textcalls import parse_text_calls
from pipeline.records import MAX_JSON_DEPTH, too_deep

SegmentKind = Literal["text", "call", "result"]
MISTRAL_RESULTS = "[TOOL_RESULTS]"
# Tool results: the opening token, the tokens that close it, and whether the text's
# end closes it too (else a result that is not closed is no result).
_RESULTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "<tool_response>": (("</tool_response>",), False),
    "<|start_header_id|>ipython<|end_header_id|>": (("<|eot_id|>", "<|eom_id|>"), True),
    MISTRAL_RESULTS: (("[/TOOL_RESULTS]",), False),
    deepseek_token("tool output begin"): ((deepseek_token("tool output end"),), True),
    "<|im_system|>tool<|im_middle|>": (("<|im_end|>",), True),
}
# The templates' own tokens around turns.
_CONTROLS = frozenset(
    (
        "</s>",
        "<|eot_id|>",
        "<|eom_id|>",
        "<|start_header_id|>assistant<|end_header_id|>",
        deepseek_token("end of sentence"),
        deepseek_token("Assistant"),
        deepseek_token("tool outputs begin"),
        deepseek_token("tool outputs end"),
        "<|im_end|>",
        "<|im_assistant|>assistant<|im_middle|>",
        "<|observation|>",
        "<|assistant|>",
    )
)


@lru_cache(maxsize=64)
def _marks(unclosed: frozenset[str]) -> re.Pattern[str]:
    """Every marker but the result openings known to be unclosed from here on. No marker
    is a prefix of another, so the first one found is the one written."""
    markers = sorted({*_RESULTS, *_CONTROLS} - unclosed)
    return re.compile("|".join(re.escape(m) for m in markers))


# Kimi's template heads each result with the id of the call it answers.
_KIMI_RETURN = re.compile(r"## Return of [^\n]*\n")


class _Finder:
    """`str.find` that remembers its last answer per needle: asked again from further
    on, it scans again only when the remembered place was passed. A needle missing
    after one place is missing after every later one, so Llama ipython turns closed
    by ``<|eot_id|>`` in a text without ``<|eom_id|>`` cost one scan for it in all."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.seen: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, pos: int) -> int:
        if needle in self.seen:
            start, at = self.seen[needle]
            if pos >= start and (at < 0 or at >= pos):
                return at
        at = self.text.find(needle, pos)
        self.seen[needle] = (pos, at)
        return at


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int
    marker: str
    content: str | None  # a result's text; None for a control token


def _cuts(text: str) -> list[_Cut]:
    """The tool results and control tokens of `text`, in order, in one forward pass (a
    lazy regex rescanned to the end from every unclosed opening: 200 KB of
    ``<tool_response>`` took half a minute)."""
    cuts: list[_Cut] = []
    finder = _Finder(text)
    unclosed: frozenset[str] = frozenset()
    pos = 0
    while (mark := _marks(unclosed).search(text, pos)) is not None:
        marker = mark.group()
        if marker in _CONTROLS:
            cuts.append(_Cut(mark.start(), mark.end(), marker, None))
            pos = mark.end()
            continue
        closings, text_end_closes = _RESULTS[marker]
        ends = [(at, c) for c in closings if (at := finder.find(c, mark.end())) >= 0]
        if ends:
            at, closing = min(ends)
            cuts.append(_Cut(mark.start(), at + len(closing), marker, text[mark.end() : at]))
            pos = at + len(closing)
        elif text_end_closes:
            cuts.append(_Cut(mark.start(), len(text), marker, text[mark.end() :]))
            pos = len(text)
        else:
            # Not closed: not a result, and part of the text. Its closing token is not
            # in the rest of the text, so no later one of its kind closes either.
            unclosed |= {marker}
            pos = mark.start() + 1
    return cuts


def _result(cut: _Cut) -> str:
    assert cut.content is not None
    raw = cut.content.strip()
    if cut.marker == MISTRAL_RESULTS:
        return _mistral_result(raw)
    if cut.marker == "<|im_system|>tool<|im_middle|>" and (head := _KIMI_RETURN.match(raw)):
        return raw[head.end() :].strip()
    return raw


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
    for cut in [*_cuts(text), None]:
        end = cut.start if cut is not None else len(text)
        piece_fmt, found = _piece(text, pos, end, found_fmt or fmt, types, names)
        found_fmt = found_fmt or piece_fmt
        segments += found
        if cut is None:
            break
        pos = cut.end
        if cut.content is None:
            if cut.marker not in markup:
                markup.append(cut.marker)
            continue
        segments.append(Segment("result", _result(cut)))
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


# The containers above a call's arguments in a written line: the item, `messages`, the
# message, `tool_calls`, the entry and `function`.
_ARGUMENTS_DEPTH = MAX_JSON_DEPTH - 6


def tool_call(call: TextCall) -> dict[str, Any]:
    arguments: Any = call.arguments
    if too_deep(arguments, _ARGUMENTS_DEPTH):
        # Written as an object, they would nest the line past what a record may hold
        # and verify could not read it: kept as JSON text, as OpenAI records give them
        # (the call is then judged like a hermes call nested as deep).
        arguments = json.dumps(arguments, ensure_ascii=False)
    return {"type": "function", "function": {"name": call.name, "arguments": arguments}}
