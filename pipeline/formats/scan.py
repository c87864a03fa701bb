"""Tolerant scanning of one tool call's JSON text.

Teacher models write broken JSON: Python-dict single quotes, trailing commas,
truncated objects, ``True``/``None``. A strict parser only says "invalid"; the
extractor also needs to know *where* the name and the arguments are, so that a
malformed call still gets its spans and multi-call parity holds. This module
walks the text as a stream of lexical tokens (strings in either quote, the six
structural characters, bare words) and records, at the top level of the first
object, where each key's value starts and ends, plus every quirk it met on the
way. The walk never raises: whatever the input, it returns what it could find.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

# One lexical token: a double- or single-quoted string (possibly unterminated),
# a structural character, or a bare word (numbers, literals, unquoted keys).
_TOKEN = re.compile(
    r"""
    "(?:[^"\\]|\\.)*("?)
    | '(?:[^'\\]|\\.)*('?)
    | [{}\[\],:]
    | [^\s{}\[\],:"']+
    """,
    re.VERBOSE | re.DOTALL,
)
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}
_JSON_WORD = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")
MAX_DEPTH = 256


@dataclass(frozen=True)
class Field:
    """One top-level key of the call object: where its value's text lies."""

    value_start: int
    value_end: int
    # For a string value, its characters without the quotes (None otherwise).
    inner: tuple[int, int] | None = None


@dataclass
class Scan:
    """What a tolerant walk found in one JSON text."""

    fields: dict[str, Field] = field(default_factory=dict)
    start: int = -1  # the first "{" (or -1: no object at all)
    end: int = 0  # one past the object's closing brace, or the end of the text
    complete: bool = False
    quirks: list[str] = field(default_factory=list)
    _kinds: set[str] = field(default_factory=set, repr=False)

    def note(self, quirk: str) -> None:
        """Record a quirk once per kind: the first place is what a reader needs."""
        kind = quirk.split(" at char", 1)[0].split(" ", 2)[0:2]
        key = " ".join(kind)
        if key not in self._kinds:
            self._kinds.add(key)
            self.quirks.append(quirk)


def _key_text(token: str) -> str:
    quote = token[:1]
    if quote not in ('"', "'"):
        return token
    if len(token) < 2 or not token.endswith(quote):
        return token[1:]  # unterminated: the key is what follows its quote
    if quote == '"':
        try:
            value = orjson.loads(token)
        except orjson.JSONDecodeError:
            return token[1:-1]
        return value if isinstance(value, str) else token
    return token[1:-1]


def _check_word(scan: Scan, word: str, at: int) -> None:
    if word in _PY_LITERALS:
        scan.note(f"Python literal {word} at char {at} (JSON needs {_PY_LITERALS[word]})")
    elif not _JSON_WORD.fullmatch(word):
        scan.note(f"bare word {word[:20]!r} at char {at} (not a JSON value or quoted string)")


class _Walk:
    """State of one pass; kept apart from `scan_object` to keep that function short."""

    def __init__(self, text: str, scan: Scan) -> None:
        self.text = text
        self.scan = scan
        self.stack: list[str] = []
        self.key: str | None = None  # pending top-level key, until its value starts
        self.value_key: str | None = None  # top-level key whose value is being read
        self.value_start = 0
        self.last_end = 0  # end of the last token that belongs to a value
        self.expect_key = False
        self.prev = ""

    def close_value(self) -> None:
        if self.value_key is not None:
            start, end = self.value_start, self.last_end
            token = self.text[start:end]
            inner = None
            if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
                inner = (start + 1, end - 1)
            self.scan.fields.setdefault(self.value_key, Field(start, end, inner))
            self.value_key = None

    def token(self, match: re.Match[str]) -> bool:
        """Process one token; True when the top-level object has closed."""
        tok, at = match.group(), match.start()
        scan, stack = self.scan, self.stack
        first = tok[0]
        if first in "{[":
            if len(stack) == 1 and self.key is not None:
                self.value_key, self.value_start, self.key = self.key, at, None
            stack.append("}" if first == "{" else "]")
            self.expect_key = first == "{"
            if len(stack) > MAX_DEPTH:
                scan.note(f"nesting deeper than {MAX_DEPTH} levels")
                return True
        elif first in "}]":
            if self.prev == ",":
                scan.note(f"trailing comma before {first!r} at char {at}")
            if stack[-1] != first:
                scan.note(f"mismatched {first!r} at char {at}")
                if first not in stack:
                    return False
                while stack[-1] != first:
                    stack.pop()
                # The containers left open end where this closer starts, and so
                # does a top-level value holding them (not at its last inner token).
                self.last_end = len(self.text[:at].rstrip())
            if len(stack) == 1:
                self.close_value()
                stack.pop()
                scan.end, scan.complete = match.end(), True
                return True
            stack.pop()
            self.last_end = match.end()
            if len(stack) == 1:
                self.close_value()
        elif first == ",":
            if len(stack) == 1:
                self.close_value()
            self.expect_key = stack[-1] == "}"
        elif first == ":":
            self.expect_key = False
        else:
            self.literal(tok, at, match)
        self.prev = first if first in "{}[],:" else "v"
        return False

    def literal(self, tok: str, at: int, match: re.Match[str]) -> None:
        scan, stack = self.scan, self.stack
        is_key = self.expect_key and stack[-1] == "}"
        if tok[0] in "\"'":
            if tok[0] == "'":
                scan.note(f"single-quoted string at char {at} (Python dict syntax, not JSON)")
            closing = match.group(1) if tok[0] == '"' else match.group(2)
            if not closing:
                scan.note(f"unterminated string at char {at}")
        elif is_key:
            scan.note(f"unquoted key {tok[:20]!r} at char {at}")
        else:
            _check_word(scan, tok, at)
        if is_key:
            if len(stack) == 1:
                self.key = _key_text(tok)
            self.expect_key = False
            return
        if len(stack) == 1 and self.key is not None:
            self.value_key, self.value_start, self.key = self.key, at, None
        self.last_end = match.end()


def scan_object(text: str) -> Scan:
    """Walk the first JSON-like object in `text` tolerantly (see the module docstring)."""
    scan = Scan()
    start = text.find("{")
    if start < 0:
        scan.note("no JSON object found")
        return scan
    scan.start = start
    if text[:start].strip():
        scan.note(f"text before the JSON object: {text[:start].strip()[:30]!r}")
    walk = _Walk(text, scan)
    for match in _TOKEN.finditer(text, start):
        if walk.token(match):
            break
    if not scan.complete:
        walk.last_end = len(text.rstrip())
        walk.close_value()
        scan.end = len(text)
        scan.note("truncated: the object is not closed")
    elif text[scan.end :].strip():
        scan.note(f"extra text after the JSON object at char {scan.end}")
    return scan


# The standard library's C scanners: one JSON value (or string body) from a
# position, with where it ends.
_SCAN_VALUE: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_SCAN_STRING: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    """Past JSON whitespace from `pos`."""
    match = _WS.match(text, pos)
    return match.end() if match is not None else pos


def scan_valid_object(text: str) -> Scan | None:
    """What `scan_object` finds in a text that a strict parser accepted as one JSON
    object, at C speed: each top-level key's value located by the standard library's
    scanner instead of token by token (the first of repeated keys, as there).

    For other texts, and objects nested deeper than the walk goes, None: the
    tolerant walk then decides. Only for texts `orjson.loads` accepted (the
    caller's strict parse), whose strings both parsers read alike.
    """
    start = _skip(text, 0)
    if text[start : start + 1] != "{" or text.count("{") + text.count("[") >= MAX_DEPTH:
        return None
    scan = Scan(start=start)
    try:
        pos = _skip(text, start + 1)
        if text[pos] != "}":
            while True:
                if text[pos] != '"':
                    return None
                key, pos = _SCAN_STRING(text, pos + 1)
                pos = _skip(text, pos)
                if text[pos] != ":":
                    return None
                value_start = _skip(text, pos + 1)
                _, value_end = _SCAN_VALUE(text, value_start)
                inner = (value_start + 1, value_end - 1) if text[value_start] == '"' else None
                scan.fields.setdefault(key, Field(value_start, value_end, inner))
                pos = _skip(text, value_end)
                if text[pos] == "}":
                    break
                pos = _skip(text, pos + 1)  # past the ","
    except (StopIteration, ValueError, IndexError):
        return None
    scan.end, scan.complete = pos + 1, True
    return scan if not text[scan.end :].strip() else None
