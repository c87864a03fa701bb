"""Tool calls in the native text of DeepSeek, Kimi K2 and GLM-4.5 teachers.

The syntax is what the models' chat templates write and their serving parsers
(vLLM ``deepseek_v3``, ``deepseek_v31``, ``kimi_k2``, ``glm45``) read. The
contract is `pipeline.formats.textcalls`'s: a parser says yes only on clear
syntax, with every call read to its end; name, arguments and call spans are
code-point offsets into the text; the text around the calls is prose. Anything
else (an unclosed section, arguments that are not a JSON object, a special
token left outside a call) is None, and `textcalls.call_like` reports the text,
so another model's special tokens never train as prose.

* ``deepseek``: V3 and R1 write ``<｜tool▁calls▁begin｜>``, then per call
  ``<｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\\n```json\\nARGS\\n```<｜tool▁call▁end｜>``,
  then ``<｜tool▁calls▁end｜>``; V3.1 writes each call as
  ``<｜tool▁call▁begin｜>NAME<｜tool▁sep｜>ARGS<｜tool▁call▁end｜>`` inside the same
  section tokens, so both are one format. The bars are U+FF5C (fullwidth
  vertical line) and the word separators U+2581 (lower one eighth block), as in
  the tokenizers' special tokens.
* ``kimi_k2``: ``<|tool_calls_section_begin|>``, then per call
  ``<|tool_call_begin|>functions.NAME:IDX<|tool_call_argument_begin|>ARGS<|tool_call_end|>``,
  then ``<|tool_calls_section_end|>``. ``functions.NAME:IDX`` is Kimi's call id;
  the name is what follows the (optional) ``functions.`` prefix, up to ``:IDX``.
* ``glm45`` (GLM-4.5 and 4.6; 4.7's form without newlines too):
  ``<tool_call>NAME\\n<arg_key>K</arg_key>\\n<arg_value>V</arg_value>\\n...</tool_call>``;
  a call without arguments is ``<tool_call>NAME\\n</tool_call>``. The template
  writes a string value as itself and any other value as JSON, so a value is
  raw text converted by the tool schema's type, as Qwen XML values are
  (`qwenxml.convert_value`). GLM shares ``<tool_call>`` with hermes, whose
  body is JSON: a block is GLM's only when a name follows the tag and then
  ``<arg_key>`` or ``</tool_call>`` (`GLM_BLOCK`), which no JSON body is.

Every scan moves forward: a section or block that does not close ends the
parse, so a long hostile text costs one pass, not one pass per tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipeline.formats.callspans import (
    NAME,
    Span,
    TextCall,
    TextCalls,
    TypeOf,
    json_value,
    no_types,
    prose,
    skip_ws,
)
from pipeline.formats.qwenxml import convert_value

NATIVE_FORMATS = ("deepseek", "kimi_k2", "glm45")


def deepseek_token(words: str) -> str:
    """DeepSeek's special token spelled with its own characters: fullwidth bars, U+2581 spaces."""
    return "<\uff5c" + words.replace(" ", "\u2581") + "\uff5c>"


DS_CALLS_BEGIN = deepseek_token("tool calls begin")
DS_CALLS_END = deepseek_token("tool calls end")
DS_CALL_BEGIN = deepseek_token("tool call begin")
DS_CALL_END = deepseek_token("tool call end")
DS_SEP = deepseek_token("tool sep")
# What every DeepSeek tool token starts with (calls and outputs alike).
DS_TOOL_PREFIX = "<\uff5ctool\u2581"
KIMI_SECTION_BEGIN = "<|tool_calls_section_begin|>"
KIMI_SECTION_END = "<|tool_calls_section_end|>"
KIMI_CALL_BEGIN = "<|tool_call_begin|>"
KIMI_ARGS_BEGIN = "<|tool_call_argument_begin|>"
KIMI_CALL_END = "<|tool_call_end|>"
KIMI_TOOL_PREFIX = "<|tool_call"  # every Kimi tool-call token starts so
GLM_OPEN, GLM_CLOSE = "<tool_call>", "</tool_call>"
GLM_TAGS = ("<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>")

# V3/R1: the name on its own line, then a ```json fence.
_DS_V3_NAME = re.compile(r"([^\W\d][\w.\-]*)[ \t]*\n```json[ \t]*\n")
_KIMI_ID = re.compile(r"\s*(?:functions\.)?([^\W\d][\w.\-]*):\d+\s*")
_GLM_NAME = re.compile(r"\s*([^\W\d][\w.\-]*)[ \t]*(?:\n|(?=<arg_key>|</tool_call>))")
# A GLM call block's start: the tag, a name, then an argument or the closing tag.
GLM_BLOCK = re.compile(r"<tool_call>\s*[^\W\d][\w.\-]*\s*(?:<arg_key>|</tool_call>)")


def _object_then(text: str, pos: int, closing: str) -> tuple[dict[str, Any], Span, int] | None:
    """A JSON object at `pos` (after blanks), then blanks and `closing`: (the object,
    its span, the end of `closing`); None for anything else."""
    start = skip_ws(text, pos)
    found = json_value(text, start)
    if found is None or not isinstance(found[0], dict):
        return None
    after = skip_ws(text, found[1])
    if not text.startswith(closing, after):
        return None
    return found[0], (start, found[1]), after + len(closing)


def _sections(
    text: str, begin: str, end: str, one_call: Callable[[str, int], TextCall | None]
) -> tuple[list[TextCall], list[Span]] | None:
    """The calls in every ``begin ... end`` section of `text`, and the sections' spans;
    None unless each section holds one or more complete calls and nothing else."""
    calls: list[TextCall] = []
    regions: list[Span] = []
    pos = text.find(begin)
    if pos < 0:
        return None
    while pos >= 0:
        if text.find(end, pos) < 0:
            return None  # not closed: no need to read its calls
        at = skip_ws(text, pos + len(begin))
        count = len(calls)
        while (call := one_call(text, at)) is not None:
            calls.append(call)
            at = skip_ws(text, call.call_span[1])
        if len(calls) == count or not text.startswith(end, at):
            return None  # empty, unclosed, or a call that does not read
        regions.append((pos, at + len(end)))
        pos = text.find(begin, at + len(end))
    return calls, regions


def _deepseek_call(text: str, pos: int) -> TextCall | None:
    if not text.startswith(DS_CALL_BEGIN, pos):
        return None
    head = pos + len(DS_CALL_BEGIN)
    sep = text.find(DS_SEP, head)
    if sep < 0:
        return None
    after = sep + len(DS_SEP)
    fenced = _DS_V3_NAME.match(text, after) if text[head:sep] == "function" else None
    if fenced is not None:
        # V3/R1: the JSON inside a ```json fence, closed by ``` before the end token.
        found = _object_then(text, fenced.end(), "```")
        if found is None or not text.startswith(DS_CALL_END, skip_ws(text, found[2])):
            return None
        end = skip_ws(text, found[2]) + len(DS_CALL_END)
        return TextCall(fenced.group(1), found[0], fenced.span(1), found[1], (pos, end))
    # V3.1: the name before the separator, the JSON after it.
    written = text[head:sep]
    name = written.strip()
    if not NAME.match(name):
        return None
    found = _object_then(text, after, DS_CALL_END)
    if found is None:
        return None
    name_start = head + len(written) - len(written.lstrip())
    return TextCall(name, found[0], (name_start, name_start + len(name)), found[1], (pos, found[2]))


def parse_deepseek(text: str, _types: TypeOf = no_types) -> TextCalls | None:
    found = _sections(text, DS_CALLS_BEGIN, DS_CALLS_END, _deepseek_call)
    if found is None:
        return None
    calls, regions = found
    outside = prose(text, regions)
    if DS_TOOL_PREFIX in outside:
        return None  # a call token outside a section: not read, so reported
    return TextCalls("deepseek", tuple(calls), outside, tuple(regions))


def _kimi_call(text: str, pos: int) -> TextCall | None:
    if not text.startswith(KIMI_CALL_BEGIN, pos):
        return None
    call_id = _KIMI_ID.match(text, pos + len(KIMI_CALL_BEGIN))
    if call_id is None or not text.startswith(KIMI_ARGS_BEGIN, call_id.end()):
        return None
    found = _object_then(text, call_id.end() + len(KIMI_ARGS_BEGIN), KIMI_CALL_END)
    if found is None:
        return None
    return TextCall(call_id.group(1), found[0], call_id.span(1), found[1], (pos, found[2]))


def parse_kimi_k2(text: str, _types: TypeOf = no_types) -> TextCalls | None:
    found = _sections(text, KIMI_SECTION_BEGIN, KIMI_SECTION_END, _kimi_call)
    if found is None:
        return None
    calls, regions = found
    outside = prose(text, regions)
    if KIMI_TOOL_PREFIX in outside:
        return None
    return TextCalls("kimi_k2", tuple(calls), outside, tuple(regions))


def _glm_arguments(
    text: str, pos: int, end: int, name: str, types: TypeOf
) -> tuple[dict[str, Any], Span | None, int] | None:
    """The ``<arg_key>``/``<arg_value>`` pairs from `pos` on, before `end`: (the
    arguments, their span or None, where the blanks after the last pair end)."""
    arguments: dict[str, Any] = {}
    first = last = None
    while text.startswith("<arg_key>", pos):
        key_end = text.find("</arg_key>", pos, end)
        if key_end < 0:
            return None
        key = text[pos + len("<arg_key>") : key_end].strip()
        value_at = skip_ws(text, key_end + len("</arg_key>"))
        if not key or key in arguments or not text.startswith("<arg_value>", value_at):
            return None
        value_end = text.find("</arg_value>", value_at, end)
        if value_end < 0:
            return None
        raw = text[value_at + len("<arg_value>") : value_end]
        arguments[key] = convert_value(raw, types(name, key))
        first = pos if first is None else first
        last = value_end + len("</arg_value>")
        pos = skip_ws(text, last)
    span = (first, last) if first is not None and last is not None else None
    return arguments, span, pos


def _glm_call(text: str, start: int, end: int, types: TypeOf) -> TextCall | None:
    """The call that the block ``text[start:end]`` (``<tool_call>...</tool_call>``) is."""
    named = _GLM_NAME.match(text, start + len(GLM_OPEN), end)
    if named is None:
        return None
    name = named.group(1)
    found = _glm_arguments(text, skip_ws(text, named.end()), end, name, types)
    if found is None or found[2] != end - len(GLM_CLOSE):
        return None
    arguments, span, _ = found
    # No arguments: an empty span right after the name.
    args_span = span if span is not None else (named.end(1), named.end(1))
    return TextCall(name, arguments, named.span(1), args_span, (start, end))


def parse_glm45(text: str, types: TypeOf = no_types) -> TextCalls | None:
    pos = text.find(GLM_OPEN)
    if pos < 0:
        return None
    calls: list[TextCall] = []
    regions: list[Span] = []
    while pos >= 0:
        close = text.find(GLM_CLOSE, pos + len(GLM_OPEN))
        if close < 0:
            return None
        end = close + len(GLM_CLOSE)
        call = _glm_call(text, pos, end, types)
        if call is None:
            return None  # a hermes JSON block, or a GLM block that does not read
        calls.append(call)
        regions.append((pos, end))
        pos = text.find(GLM_OPEN, end)
    outside = prose(text, regions)
    if GLM_CLOSE in outside or any(tag in outside for tag in GLM_TAGS):
        return None
    return TextCalls("glm45", tuple(calls), outside, tuple(regions))


def glm_shaped(text: str) -> bool:
    """Whether `text` holds a GLM call block (`GLM_BLOCK`), which hermes would misread."""
    return GLM_OPEN in text and GLM_BLOCK.search(text) is not None


NATIVE_PARSERS: dict[str, Callable[[str, TypeOf], TextCalls | None]] = {
    "deepseek": parse_deepseek,
    "kimi_k2": parse_kimi_k2,
    "glm45": parse_glm45,
}
