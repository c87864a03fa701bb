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
  newer ``[TOOL_CALLS]N[ARGS]{...}`` (with an optional ``[CALL_ID]id``), also as
  decoded without its ``[ARGS]`` token: ``[TOOL_CALLS]N{...}``.
* ``qwen_xml``: ``<tool_call><function=N><parameter=K>V</parameter>...``
  ``</function></tool_call>`` (Qwen3-Coder); values are raw text, converted by
  the tool schema's type (`pipeline.formats.qwenxml`).
* ``pythonic``: ``[f(a=1), g(b="x")]`` (ToolACE, BFCL, Llama 3.2), read with
  ``ast.parse`` and only literal nodes accepted; nothing is ever evaluated
  (`pipeline.formats.pythonic`).
* ``deepseek``, ``kimi_k2``, ``glm45``: the special-token syntax of DeepSeek
  V3/R1/V3.1, Kimi K2 and GLM-4.5 (`pipeline.formats.nativecalls`).

What every reader returns (`TextCall`, `TextCalls`) and the helpers they share
are in `pipeline.formats.callspans`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipeline.formats.callspans import (
    NAME,
    PYTHON_TAG,
    Span,
    TextCall,
    TextCalls,
    TypeOf,
    json_value,
    no_types,
    prose,
    skip_ws,
)
from pipeline.formats.nativecalls import (
    DS_TOOL_PREFIX,
    GLM_BLOCK,
    KIMI_TOOL_PREFIX,
    NATIVE_FORMATS,
    NATIVE_PARSERS,
)
from pipeline.formats.pythonic import parse_pythonic
from pipeline.formats.qwenxml import parse_qwen_xml
from pipeline.formats.scan import scan_object

TEXT_FORMATS = ("llama3_json", "mistral", "qwen_xml", "pythonic", *NATIVE_FORMATS)
MISTRAL_TAG = "[TOOL_CALLS]"
_MISTRAL_NAMED = re.compile(r"\s*([^\W\d][\w.\-]*)(?:\[CALL_ID\][A-Za-z0-9_\-]*)?\[ARGS\]")


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


def parse_llama3(text: str, _types: TypeOf = no_types) -> TextCalls | None:
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
        return TextCalls("llama3_json", calls_, prose(_no_eot(text), [*regions]), regions)
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
    return TextCalls("llama3_json", tuple(calls), prose(_no_eot(text), [(0, rest)]), ((0, rest),))


# The named form with its `[ARGS]` token gone: Mistral's own tokenizer (v11 on:
# Mistral Small 3.2, Magistral, Devstral) drops that control token when the output
# is decoded but keeps `[TOOL_CALLS]`, so served outputs read `[TOOL_CALLS]add{"a": 1}`
# (vLLM's Mistral parser reads this spelling). The object must follow the name at
# once: that is still clear syntax, never prose.
_MISTRAL_BARE = re.compile(r"\s*([^\W\d][\w.\-]*)(?=\{)")


def _mistral_one(text: str, pos: int) -> tuple[list[TextCall], int] | None:
    """The calls after one ``[TOOL_CALLS]`` tag ending at `pos`, and where they end."""
    start = skip_ws(text, pos)
    array = json_array_items(text, start)
    if array is not None:
        calls = [object_call(text, s, e, value) for value, s, e in array[0]]
        if not calls or any(c is None for c in calls):
            return None
        return [c for c in calls if c is not None], array[1]
    named = _MISTRAL_NAMED.match(text, pos) or _MISTRAL_BARE.match(text, pos)
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


def parse_mistral(text: str, _types: TypeOf = no_types) -> TextCalls | None:
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
    return TextCalls("mistral", tuple(calls), prose(text, regions), tuple(regions))


PARSERS: dict[str, Callable[[str, TypeOf], TextCalls | None]] = {
    "mistral": parse_mistral,
    "qwen_xml": parse_qwen_xml,
    "llama3_json": parse_llama3,
    "pythonic": parse_pythonic,
    **NATIVE_PARSERS,
}
# `auto` tries the formats with unmistakable tokens first.
AUTO_ORDER = (*NATIVE_FORMATS, "mistral", "qwen_xml", "llama3_json", "pythonic")

# What a call looks like in any format, read or not (the `call_like_text` check).
_CALL_LIKE = (
    re.compile(re.escape(MISTRAL_TAG)),
    re.compile(r"<function="),
    re.compile(re.escape(PYTHON_TAG)),
    # `[name(` with a keyword or a closing bracket, or `[name(...)]` written tight.
    re.compile(r"\[\s*[^\W\d][\w.]*\s*\(\s*(?:\)|[^\W\d]\w*\s*=)"),
    re.compile(r"\[\s*[^\W\d][\w.]*\((?:[^()\[\]]|\([^()]*\))*\)\s*[,\]]"),
    # A name in words, with or without parenthesised words, before `(` and a keyword:
    # ToolACE's "[Directional Movement Index (DX)(symbol=..." when no declared name
    # reads it. Each part starts with a space or "(", so the match is linear.
    re.compile(
        r"\[\s*[^\W\d][\w.\-]*(?:[ ]+[\w.\-/&+]+|[ ]*\([\w.\-/&+ ]*\))+"
        r"\s*\(\s*(?:\)|[^\W\d]\w*\s*=)"
    ),
    # DeepSeek's and Kimi's tool tokens, GLM's call blocks and argument tags.
    re.compile(re.escape(DS_TOOL_PREFIX)),
    re.compile(re.escape(KIMI_TOOL_PREFIX)),
    GLM_BLOCK,
    re.compile(r"</?arg_(?:key|value)>"),
)
_NAME_KEY = re.compile(r"""\{\s*["']name["']\s*:""")
_ARGS_KEY = re.compile(r"""["'](?:arguments|parameters)["']\s*:""")


# A GLM block (a name after the tag, then an argument or the closing tag) is no hermes block.
_HERMES_BLOCK = re.compile(
    r"<tool_(call|response)>(?!\s*[^\W\d][\w.\-]*\s*(?:<arg_key>|</tool_call>))"
    r".*?(?:</tool_\1>|\Z)",
    re.DOTALL,
)


def call_like(text: str) -> str | None:
    """The start of call-like text in `text` (what a reader would take for a call), or None.

    Hermes ``<tool_call>`` / ``<tool_response>`` blocks are left out: the hermes
    parser reads them (as calls, or as broken calls that are judged as such). A
    GLM block (``<tool_call>NAME`` then ``<arg_key>`` or ``</tool_call>``) is not
    JSON for hermes to judge, so one left in a text is reported.
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


def parse_text_calls(
    text: str, fmt: str, types: TypeOf = no_types, names: frozenset[str] = frozenset()
) -> TextCalls | None:
    """Calls in `text` in format `fmt` (one of TEXT_FORMATS), or in the first format that
    reads it completely when `fmt` is ``auto``. `names` are the record's declared tool
    names, which the pythonic reader needs for names Python cannot read."""
    formats = TEXT_FORMATS if fmt == "auto" else (fmt,)
    for name in AUTO_ORDER:
        if name in formats:
            if name == "pythonic":
                found = parse_pythonic(text, types, names=names)
            else:
                found = PARSERS[name](text, types)
            if found is not None:
                return found
    return None
