"""Qwen3-Coder XML calls in assistant text (`qwen_xml`).

``<tool_call><function=N><parameter=K>V</parameter>...</function></tool_call>``:
values are raw text, converted by the tool schema's type (see `convert_value`).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from pipeline.formats.callspans import (
    ANY_TYPE,
    NAME,
    Span,
    TextCall,
    TextCalls,
    TypeOf,
    json_compatible,
    json_value,
    no_types,
    prose,
    skip_ws,
)

_QWEN_CALL = re.compile(
    r"(<tool_call>\s*)?<function=([^>\n]*)>(.*?)</function>(\s*</tool_call>)?", re.DOTALL
)
_QWEN_PARAM = re.compile(r"\s*<parameter=([^>\n]*)>(.*?)</parameter>", re.DOTALL)


def convert_value(raw: str, kind: str | None) -> Any:
    """A Qwen XML parameter value by its schema type, as the reference Qwen3-Coder
    parsers convert it: a parameter the schema does not list (`kind` None) and a
    string stay the raw text; integer, number, boolean, object, array and null
    are parsed as JSON (or a Python literal); a listed parameter whose type is
    unknown or several (``any``) is JSON if it parses, else the string."""
    if kind is None or kind == "string":
        return raw
    stripped = raw.strip()
    found = json_value(stripped, 0) if stripped else None
    if found is not None and found[1] == len(stripped):
        return found[0]
    if kind == ANY_TYPE:
        return raw
    try:
        return json_compatible(ast.literal_eval(stripped))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return raw


def _qwen_value(raw: str) -> str:
    """The value between the tags, without the one newline the template writes on each side."""
    if raw.startswith("\n"):
        raw = raw[1:]
    if raw.endswith("\n"):
        raw = raw[:-1]
    return raw


def _qwen_call(text: str, match: re.Match[str], types: TypeOf) -> TextCall | None:
    if bool(match.group(1)) != bool(match.group(4)):
        return None
    name = match.group(2).strip()
    if not NAME.match(name):
        return None
    body_start, body_end = match.span(3)
    arguments: dict[str, Any] = {}
    pos, first, last = body_start, None, None
    while True:
        param = _QWEN_PARAM.match(text, pos, body_end)
        if param is None:
            break
        key = param.group(1).strip()
        if not key or key in arguments:
            return None
        arguments[key] = convert_value(_qwen_value(param.group(2)), types(name, key))
        first = param.start(1) - len("<parameter=") if first is None else first
        last = pos = param.end()
    if text[pos:body_end].strip():
        return None
    body = skip_ws(text, body_start)
    args_span = (first, last) if first is not None and last is not None else (body, body)
    name_start = match.start(2) + (len(match.group(2)) - len(match.group(2).lstrip()))
    return TextCall(name, arguments, (name_start, name_start + len(name)), args_span, match.span())


def parse_qwen_xml(text: str, types: TypeOf = no_types) -> TextCalls | None:
    if "<function=" not in text:
        return None
    calls: list[TextCall] = []
    regions: list[Span] = []
    for match in _QWEN_CALL.finditer(text):
        call = _qwen_call(text, match, types)
        if call is None:
            return None
        calls.append(call)
        regions.append(match.span())
    outside = prose(text, regions)
    if not calls or "<function=" in outside or "<tool_call>" in outside:
        return None
    return TextCalls("qwen_xml", tuple(calls), outside, tuple(regions))
