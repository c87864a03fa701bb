"""Tool calls written inside assistant text, in the formats published data uses.

Each parser reads one assistant text and returns the calls it holds, with
where their name, arguments and whole call lie in that text, and the prose
around them; or None when the text is not (completely) in its format. A
parser only says yes on clear syntax: every call must parse to the end and
carry a name that is an identifier, so prose that merely holds braces or
brackets is never taken for a call. Text that looks like a call in none of
these formats is reported by `call_like` instead of passing silently.

* ``llama3_json``: the text *is* the calls (after an optional
  ``<|python_tag|>``): ``{"name": N, "parameters": {...}}`` objects separated
  by ``;`` or newlines; prose may follow the last one.
* ``mistral``: ``[TOOL_CALLS][{"name": N, "arguments": {...}}, ...]``, or the
  newer ``[TOOL_CALLS]N[ARGS]{...}`` (with an optional ``[CALL_ID]id``).
* ``qwen_xml``: ``<tool_call><function=N><parameter=K>V</parameter>...``
  ``</function></tool_call>`` (Qwen3-Coder); values are raw text, converted by
  the tool schema's type (see `convert_value`).
* ``pythonic``: ``[f(a=1), g(b="x")]`` (ToolACE, BFCL, Llama 3.2), read with
  ``ast.parse`` and only literal nodes accepted; nothing is ever evaluated.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.formats.scan import scan_object
from pipeline.records import nesting_exceeds

TEXT_FORMATS = ("llama3_json", "mistral", "qwen_xml", "pythonic")
NAME = re.compile(r"[^\W\d][\w.\-]*\Z")
PYTHON_TAG = "<|python_tag|>"
MISTRAL_TAG = "[TOOL_CALLS]"


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _not_json(text: str) -> float:
    raise ValueError(f"{text} is not JSON")


# Python's decoder takes NaN, Infinity and 1e999 by default: a call holding one
# would render as text that is not JSON, so such text is no call (call_like reports it).
_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_not_json)
_WS = re.compile(r"\s*")
_MISTRAL_NAMED = re.compile(r"\s*([^\W\d][\w.\-]*)(?:\[CALL_ID\][A-Za-z0-9_\-]*)?\[ARGS\]")
_QWEN_CALL = re.compile(
    r"(<tool_call>\s*)?<function=([^>\n]*)>(.*?)</function>(\s*</tool_call>)?", re.DOTALL
)
_QWEN_PARAM = re.compile(r"\s*<parameter=([^>\n]*)>(.*?)</parameter>", re.DOTALL)
# A type lookup: (tool name, parameter) -> JSON Schema type; ANY_TYPE when the schema
# lists the parameter without one usable type, None when it does not list it.
ANY_TYPE = "any"
TypeOf = Callable[[str, str], str | None]
Span = tuple[int, int]


@dataclass(frozen=True)
class TextCall:
    """One call found in a text; spans are code-point offsets into that text."""

    name: str
    arguments: dict[str, Any]
    name_span: Span
    args_span: Span
    call_span: Span


@dataclass(frozen=True)
class TextCalls:
    format: str
    calls: tuple[TextCall, ...]
    prose: str  # the text outside the calls and their tags, pieces joined by a newline
    # Where the calls and their tags are, in order: the text around them is prose.
    regions: tuple[Span, ...] = ()


def _no_types(_name: str, _key: str) -> str | None:
    return None


def skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def _prose(text: str, regions: list[Span]) -> str:
    """The stripped, non-empty pieces of `text` outside `regions` (sorted), newline-joined."""
    pieces, pos = [], 0
    for start, end in [*regions, (len(text), len(text))]:
        piece = text[pos:start].strip()
        if piece:
            pieces.append(piece)
        pos = max(pos, end)
    return "\n".join(pieces)


def json_value(text: str, pos: int) -> tuple[Any, int] | None:
    try:
        value, end = _DECODER.raw_decode(text, pos)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
        return None
    # Deeper than a record may nest, it would crash whoever writes or renders it.
    return None if nesting_exceeds(value, text[pos:end]) else (value, end)


def object_call(
    text: str, start: int, end: int, value: Any, *, field: bool = False
) -> TextCall | None:
    """The call that the JSON object ``text[start:end]`` (decoded: `value`) is, or None.

    ``arguments`` (or ``parameters``) must be an object, or a string holding one.
    In free text the name must be an identifier (clear syntax only); in a field
    that holds nothing but calls (`field`: xLAM answers, LLaMA-Factory
    function_call) any non-empty name is the tool's, and a call without
    arguments has none (an empty argument span after its name).
    """
    if not isinstance(value, dict):
        return None
    name = value.get("name")
    key = next((k for k in ("arguments", "parameters") if k in value), None)
    if not isinstance(name, str) or not (NAME.match(name) or (field and name.strip())):
        return None
    if key is None:
        return _no_arguments(text, start, end, name) if field else None
    arguments = value[key]
    if isinstance(arguments, str):
        decoded = json_value(arguments, 0)
        if decoded is None or decoded[1] != len(arguments):
            return None
        arguments = decoded[0]
    if not isinstance(arguments, dict):
        return None
    scan = scan_object(text[start:end])
    name_field, args_field = scan.fields.get("name"), scan.fields.get(key)
    if name_field is None or name_field.inner is None or args_field is None:
        return None
    if not field and text[start + name_field.inner[0] : start + name_field.inner[1]] != name:
        return None  # an escaped name: its characters are not the name's
    return TextCall(
        name,
        arguments,
        (start + name_field.inner[0], start + name_field.inner[1]),
        (start + args_field.value_start, start + args_field.value_end),
        (start, end),
    )


def _no_arguments(text: str, start: int, end: int, name: str) -> TextCall | None:
    scan = scan_object(text[start:end])
    name_field = scan.fields.get("name")
    if name_field is None or name_field.inner is None:
        return None
    name_span = (start + name_field.inner[0], start + name_field.inner[1])
    after = start + name_field.value_end
    return TextCall(name, {}, name_span, (after, after), (start, end))


def json_array_items(text: str, pos: int) -> tuple[list[tuple[Any, int, int]], int] | None:
    """The elements of the JSON array opening at ``text[pos]``: (value, start, end) each,
    and the end of the array; None unless it is one complete array."""
    if not text.startswith("[", pos):
        return None
    items: list[tuple[Any, int, int]] = []
    pos = skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return items, pos + 1
    while True:
        found = json_value(text, pos)
        if found is None:
            return None
        items.append((found[0], pos, found[1]))
        pos = skip_ws(text, found[1])
        if text.startswith("]", pos):
            return items, pos + 1
        if not text.startswith(",", pos):
            return None
        pos = skip_ws(text, pos + 1)


_EOT = re.compile(r"<\|(?:eom_id|eot_id)\|>")


def _no_eot(text: str) -> str:
    """Llama's end-of-message tokens, kept in some data, are the template's, not prose:
    blanked (same length, so offsets hold)."""
    return _EOT.sub(lambda m: " " * len(m.group()), text)


def parse_llama3(text: str, _types: TypeOf = _no_types) -> TextCalls | None:
    pos = skip_ws(text, 0)
    tag = text.startswith(PYTHON_TAG, pos)
    if tag:
        pos = skip_ws(text, pos + len(PYTHON_TAG))
    array = json_array_items(text, pos)
    if array is not None:
        # Some data write the calls as one JSON list.
        listed = [object_call(text, s, e, value) for value, s, e in array[0]]
        if not listed or any(c is None for c in listed):
            return None
        calls_ = tuple(c for c in listed if c is not None)
        regions = ((0, array[1]),)
        return TextCalls("llama3_json", calls_, _prose(_no_eot(text), [*regions]), regions)
    calls: list[TextCall] = []
    while text.startswith("{", pos):
        found = json_value(text, pos)
        call = object_call(text, pos, found[1], found[0]) if found else None
        if call is None:
            return None  # a broken object among calls is reported, not half-read
        calls.append(call)
        after = skip_ws(text, call.call_span[1])
        if text.startswith(";", after):
            after = skip_ws(text, after + 1)
        elif after == call.call_span[1] and after < len(text):
            break  # the next object must be separated by `;` or whitespace
        pos = after
    if not calls:
        return None
    rest = calls[-1].call_span[1]
    return TextCalls("llama3_json", tuple(calls), _prose(_no_eot(text), [(0, rest)]), ((0, rest),))


def _mistral_one(text: str, pos: int) -> tuple[list[TextCall], int] | None:
    """The calls after one ``[TOOL_CALLS]`` tag ending at `pos`, and where they end."""
    start = skip_ws(text, pos)
    array = json_array_items(text, start)
    if array is not None:
        calls = [object_call(text, s, e, value) for value, s, e in array[0]]
        if not calls or any(c is None for c in calls):
            return None
        return [c for c in calls if c is not None], array[1]
    named = _MISTRAL_NAMED.match(text, pos)
    if named is None:
        return None
    args_start = skip_ws(text, named.end())
    found = json_value(text, args_start)
    if found is None or not isinstance(found[0], dict):
        return None
    name = named.group(1)
    # The tag belongs to this one call, so its call span starts at the tag.
    tag = pos - len(MISTRAL_TAG)
    call = TextCall(name, found[0], named.span(1), (args_start, found[1]), (tag, found[1]))
    return [call], found[1]


def parse_mistral(text: str, _types: TypeOf = _no_types) -> TextCalls | None:
    calls: list[TextCall] = []
    regions: list[Span] = []
    pos = text.find(MISTRAL_TAG)
    if pos < 0:
        return None
    while pos >= 0:
        found = _mistral_one(text, pos + len(MISTRAL_TAG))
        if found is None:
            return None
        calls.extend(found[0])
        regions.append((pos, found[1]))
        pos = text.find(MISTRAL_TAG, found[1])
    return TextCalls("mistral", tuple(calls), _prose(text, regions), tuple(regions))


def _json_compatible(value: Any) -> Any:
    """`value` with tuples as lists; ValueError for what JSON cannot hold."""
    if isinstance(value, bool | str | int) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if isinstance(value, list | tuple):
        return [_json_compatible(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("a key that is not a string")
        return {k: _json_compatible(v) for k, v in value.items()}
    raise ValueError(f"a {type(value).__name__}")


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
        return _json_compatible(ast.literal_eval(stripped))
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


def parse_qwen_xml(text: str, types: TypeOf = _no_types) -> TextCalls | None:
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
    outside = _prose(text, regions)
    if not calls or "<function=" in outside or "<tool_call>" in outside:
        return None
    return TextCalls("qwen_xml", tuple(calls), outside, tuple(regions))


_LITERAL_NODES = (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.UnaryOp, ast.USub, ast.UAdd)


def _literal(node: ast.AST) -> Any:
    """The value of a literal-only expression; ValueError for any other node."""
    for sub in ast.walk(node):
        if not isinstance(sub, (*_LITERAL_NODES, ast.Load)):
            raise ValueError(f"{type(sub).__name__} is not a literal")
        if isinstance(sub, ast.UnaryOp) and not isinstance(sub.operand, ast.Constant):
            raise ValueError("a sign before a non-number")
        if isinstance(sub, ast.Dict) and any(k is None for k in sub.keys):
            raise ValueError("** in a dict")
    return _json_compatible(ast.literal_eval(node))


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


class _Offsets:
    """(line, UTF-8 column) of an ast node -> code-point offset into the parsed text."""

    def __init__(self, text: str, base: int) -> None:
        self.lines = text.split("\n")
        self.starts = [base]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def __call__(self, line: int | None, col: int | None) -> int:
        assert line is not None and col is not None
        row = self.lines[line - 1]
        return self.starts[line - 1] + len(row.encode()[:col].decode())


def _pythonic_call(text: str, node: ast.AST, at: _Offsets, spaced: bool = False) -> TextCall | None:
    if not isinstance(node, ast.Call) or node.args:
        return None
    name = _dotted(node.func)
    if name is None or not NAME.match(name):
        return None
    arguments: dict[str, Any] = {}
    for keyword in node.keywords:
        if keyword.arg is None or keyword.arg in arguments:
            return None
        try:
            arguments[keyword.arg] = _literal(keyword.value)
        except (ValueError, SyntaxError, TypeError, RecursionError):
            return None
    func_end = at(node.func.end_lineno, node.func.end_col_offset)
    start, end = at(node.lineno, node.col_offset), at(node.end_lineno, node.end_col_offset)
    if spaced:
        # The name as written: its spaces were read as "_" to parse it.
        name = text[start:func_end]
    paren = text.index("(", func_end)
    return TextCall(name, arguments, (start, func_end), (paren + 1, end - 1), (start, end))


# ToolACE names many APIs in words: "[Market Trends API(trend_type='INDEXES')]" is no
# Python. A space inside a name right before its "(" is read as "_" (the same length,
# so every offset holds) and the name is taken back as written; a text whose masking
# touched anything but the calls' names (a string argument that looks alike) is not read.
_SPACED_NAME = re.compile(r"(?<=[\[,])(\s*)([^\W\d][\w.]*(?: [\w.]+)+)(?=\()")


def _mask_spaced_names(snippet: str) -> str:
    return _SPACED_NAME.sub(lambda m: m.group(1) + m.group(2).replace(" ", "_"), snippet)


def _parse_list(snippet: str) -> tuple[ast.AST, bool] | None:
    """The snippet's expression, and whether spaced names were masked to read it."""
    for text, spaced in ((snippet, False), (_mask_spaced_names(snippet), True)):
        if spaced and text == snippet:
            return None
        try:
            return ast.parse(text, mode="eval").body, spaced
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def _only_names_masked(snippet: str, base: int, calls: tuple[TextCall, ...]) -> bool:
    masked = _mask_spaced_names(snippet)
    changed = (base + i for i, (a, b) in enumerate(zip(snippet, masked, strict=True)) if a != b)
    return all(any(c.name_span[0] <= i < c.name_span[1] for c in calls) for i in changed)


def parse_pythonic(text: str, _types: TypeOf = _no_types, limit: int = 256) -> TextCalls | None:
    start = skip_ws(text, 0)
    if text.startswith(PYTHON_TAG, start):
        start = skip_ws(text, start + len(PYTHON_TAG))
    if not text.startswith("[", start):
        return None
    end = text.find("]", start)
    tries = 0
    while end >= 0 and tries < limit:
        tries += 1
        snippet = text[start : end + 1]
        parsed = _parse_list(snippet)
        if parsed is None:
            end = text.find("]", end + 1)
            continue
        body, spaced = parsed
        if not isinstance(body, ast.List) or not body.elts:
            return None
        at = _Offsets(snippet, start)
        calls = [_pythonic_call(text, elt, at, spaced) for elt in body.elts]
        if any(c is None for c in calls):
            return None
        found = tuple(c for c in calls if c is not None)
        if spaced and not _only_names_masked(snippet, start, found):
            return None
        return TextCalls("pythonic", found, _prose(text, [(0, end + 1)]), ((0, end + 1),))
    return None


PARSERS: dict[str, Callable[[str, TypeOf], TextCalls | None]] = {
    "mistral": parse_mistral,
    "qwen_xml": parse_qwen_xml,
    "llama3_json": parse_llama3,
    "pythonic": parse_pythonic,
}

# What a call looks like in any format, read or not (the `call_like_text` check).
_CALL_LIKE = (
    re.compile(re.escape(MISTRAL_TAG)),
    re.compile(r"<function="),
    re.compile(re.escape(PYTHON_TAG)),
    # `[name(` with a keyword or a closing bracket, or `[name(...)]` written tight.
    re.compile(r"\[\s*[^\W\d][\w.]*\s*\(\s*(?:\)|[^\W\d]\w*\s*=)"),
    re.compile(r"\[\s*[^\W\d][\w.]*\((?:[^()\[\]]|\([^()]*\))*\)\s*[,\]]"),
)
_NAME_KEY = re.compile(r"""\{\s*["']name["']\s*:""")
_ARGS_KEY = re.compile(r"""["'](?:arguments|parameters)["']\s*:""")


_HERMES_BLOCK = re.compile(r"<tool_(call|response)>.*?(?:</tool_\1>|\Z)", re.DOTALL)


def call_like(text: str) -> str | None:
    """The start of call-like text in `text` (what a reader would take for a call), or None.

    Hermes ``<tool_call>`` / ``<tool_response>`` blocks are left out: the hermes
    parser reads them (as calls, or as broken calls that are judged as such).
    """
    text = _HERMES_BLOCK.sub(" ", text)
    hits = [m.start() for pattern in _CALL_LIKE if (m := pattern.search(text))]
    name = _NAME_KEY.search(text)
    if name is not None and _ARGS_KEY.search(text, name.end()):
        hits.append(name.start())
    if not hits:
        return None
    first = min(hits)
    return text[first : first + 60]


def parse_text_calls(text: str, fmt: str, types: TypeOf = _no_types) -> TextCalls | None:
    """Calls in `text` in format `fmt` (one of TEXT_FORMATS), or in the first format that
    reads it completely when `fmt` is ``auto``."""
    formats = TEXT_FORMATS if fmt == "auto" else (fmt,)
    for name in ("mistral", "qwen_xml", "llama3_json", "pythonic"):
        if name in formats:
            found = PARSERS[name](text, types)
            if found is not None:
                return found
    return None
