"""A call found in a text and where its parts lie: what every text-call reader returns.

The readers (`pipeline.formats.textcalls` and the modules it dispatches to) share
these types and the small helpers below: whitespace skipping, the prose left
around calls, a JSON decoder that refuses values JSON cannot hold, and the
check that a Python literal is JSON-compatible.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.records import nesting_exceeds

NAME = re.compile(r"[^\W\d][\w.\-]*\Z")
PYTHON_TAG = "<|python_tag|>"


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


def no_types(_name: str, _key: str) -> str | None:
    return None


def skip_ws(text: str, pos: int) -> int:
    match = _WS.match(text, pos)
    return match.end() if match else pos


def prose(text: str, regions: list[Span]) -> str:
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


def json_compatible(value: Any) -> Any:
    """`value` with tuples as lists; ValueError for what JSON cannot hold."""
    if isinstance(value, bool | str | int) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if isinstance(value, list | tuple):
        return [json_compatible(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("a key that is not a string")
        return {k: json_compatible(v) for k, v in value.items()}
    raise ValueError(f"a {type(value).__name__}")
