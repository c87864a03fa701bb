"""Pythonic calls in assistant text (`pythonic`): ``[f(a=1), g(b="x")]``.

ToolACE, BFCL and Llama 3.2 write calls so. The list is read with ``ast.parse``
and only literal nodes are accepted; nothing is ever evaluated.
"""

from __future__ import annotations

import ast
import functools
import re
from keyword import iskeyword
from typing import Any

from pipeline.formats.callspans import (
    NAME,
    PYTHON_TAG,
    TextCall,
    TextCalls,
    TypeOf,
    json_compatible,
    no_types,
    prose,
    skip_ws,
)

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
    return json_compatible(ast.literal_eval(node))


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


def _pythonic_call(text: str, node: ast.AST, at: _Offsets, masked: bool = False) -> TextCall | None:
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
    if masked:
        # The name as written: its characters were read as "_" to parse it.
        name = text[start:func_end]
    paren = text.index("(", func_end)
    return TextCall(name, arguments, (start, func_end), (paren + 1, end - 1), (start, end))


# ToolACE names many APIs in words: "[Market Trends API(trend_type='INDEXES')]" is no
# Python. A space inside a name right before its "(" is read as "_" (the same length,
# so every offset holds) and the name is taken back as written; a text whose masking
# touched anything but the calls' names (a string argument that looks alike) is not read.
_SPACED_NAME = re.compile(r"(?<=[\[,])(\s*)([^\W\d][\w.]*(?: [\w.]+)+)(?=\()")
# Some of its names hold more than words ("Directional Movement Index (DX)"), and where
# such a name ends cannot be told from the text: "Index (DX)(symbol='A')" is also a call
# of a call. The record's tool list decides: at a call's start, the longest declared name
# followed by "(" is masked whole. The names matched are bounded (count and length) and
# hold no "," "[" or "]", so a match never runs past the next call's start and the scan
# stays linear in the text however hostile it is.
DECLARED_MAX = 64
DECLARED_NAME_MAX = 256
_NO_DECLARED = re.compile(r"[,\[\]\n\r]")
# Characters of list snippets handed to ast.parse per text, over all the "]" tried: a
# long text with many "]" costs a bounded number of parses, not one per "]".
PARSE_BUDGET = 4_000_000


def _python_name(name: str) -> bool:
    return all(part.isidentifier() and not iskeyword(part) for part in name.split("."))


@functools.lru_cache(maxsize=256)
def _declared_pattern(names: frozenset[str]) -> re.Pattern[str] | None:
    """The declared names Python cannot read, longest first (the first that matches
    is the longest), as one pattern matching one at a call's start; None if none."""
    odd = [
        n
        for n in names
        if n.strip() and len(n) <= DECLARED_NAME_MAX and not _python_name(n)
        if not _NO_DECLARED.search(n)
    ]
    if not odd:
        return None
    chosen = sorted(odd, key=lambda n: (-len(n), n))[:DECLARED_MAX]
    return re.compile(r"[\[,]\s*+(" + "|".join(map(re.escape, chosen)) + r")(?=\()")


def _mask_names(text: str, declared: re.Pattern[str] | None) -> str:
    """`text` with declared odd names and spaced names read as "_" (same length)."""
    if declared is not None:
        pieces, pos = [], 0
        for match in declared.finditer(text):
            pieces += [text[pos : match.start(1)], "_" * len(match.group(1))]
            pos = match.end(1)
        text = "".join([*pieces, text[pos:]])
    return _SPACED_NAME.sub(lambda m: m.group(1) + m.group(2).replace(" ", "_"), text)


def _expression(snippet: str) -> ast.AST | None:
    try:
        return ast.parse(snippet, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _read_list(
    text: str, reading: str, start: int, end: int, body: ast.AST, masked: bool
) -> tuple[TextCall, ...] | None:
    """The calls of `body`, parsed from ``reading[start:end]`` (`text` itself, or `text`
    with names masked); None when it is no list of calls, or a masked reading touched
    more than the calls' names."""
    snippet = reading[start:end]
    if not isinstance(body, ast.List) or not body.elts:
        return None
    # Offsets from the text parsed: a masked name's UTF-8 columns are its mask's.
    at = _Offsets(snippet, start)
    calls = [_pythonic_call(text, elt, at, masked) for elt in body.elts]
    if any(c is None for c in calls):
        return None
    found = tuple(c for c in calls if c is not None)
    if masked:
        changed = (
            start + i
            for i, (a, b) in enumerate(zip(text[start:end], snippet, strict=True))
            if a != b
        )
        if not all(any(c.name_span[0] <= i < c.name_span[1] for c in found) for i in changed):
            return None
    return found


def parse_pythonic(
    text: str, _types: TypeOf = no_types, limit: int = 256, names: frozenset[str] = frozenset()
) -> TextCalls | None:
    """Pythonic calls at the start of `text`; `names` are the record's declared tool
    names (the authority on names Python cannot read)."""
    start = skip_ws(text, 0)
    if text.startswith(PYTHON_TAG, start):
        start = skip_ws(text, start + len(PYTHON_TAG))
    if not text.startswith("[", start):
        return None
    masked: str | None = None  # the masked reading, made once and only when needed
    end = text.find("]", start)
    tries, budget = 0, PARSE_BUDGET
    while end >= 0 and tries < limit and budget > 0:
        tries += 1
        parsed = False
        for mask in (False, True):
            if mask and masked is None:
                masked = _mask_names(text, _declared_pattern(names))  # names hold no "]"
            reading = masked if mask and masked is not None else text
            if mask and reading[start : end + 1] == text[start : end + 1]:
                continue
            budget -= end + 1 - start
            body = _expression(reading[start : end + 1])
            if body is None:
                continue
            # The list ends at this "]": read as calls, or not calls at all.
            parsed = True
            found = _read_list(text, reading, start, end + 1, body, mask)
            if found is not None:
                return TextCalls("pythonic", found, prose(text, [(0, end + 1)]), ((0, end + 1),))
        if parsed:
            return None
        end = text.find("]", end + 1)
    return None
