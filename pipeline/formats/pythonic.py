"""Pythonic calls in assistant text (`pythonic`): ``[f(a=1), g(b="x")]``.

ToolACE, BFCL and Llama 3.2 write calls so. The list is read with ``ast.parse``
and only literal nodes are accepted; nothing is ever evaluated.
"""

from __future__ import annotations

import ast
import re
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


def parse_pythonic(text: str, _types: TypeOf = no_types, limit: int = 256) -> TextCalls | None:
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
        return TextCalls("pythonic", found, prose(text, [(0, end + 1)]), ((0, end + 1),))
    return None
