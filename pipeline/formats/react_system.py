"""The system turn of a ToolBench ReAct transcript: its API list and what is left of
it once the ReAct protocol and the list are taken out.

ToolBench's system prompt is AutoGPT boilerplate teaching the ReAct protocol (answer
as ``Thought:`` / ``Action`` / ``Action Input:``, end with Finish, say "I give up and
restart"), then ``Task description:`` with fixed rules about Finish and subfunction
names and the origin tools, then "Specifically, you have access to the following
APIs: [...]" with the definitions as a Python repr.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any, TypeGuard

from pipeline.formats.callspans import json_value
from pipeline.formats.openai import FormatError
from pipeline.records import MAX_JSON_DEPTH

_LIST_START = re.compile(r"\[\s*\{")
# The bound systemtools puts on a Python-literal tool list: literal_eval builds the
# whole value (a 6 MB block took 1.4 GB).
LITERAL_MAX = 100_000
# A hostile system text must cost linear work: the candidate lists tried, and the
# characters given to literal_eval over all of them, are bounded.
CANDIDATES_MAX = 1000
LITERAL_BUDGET = 4 * LITERAL_MAX

_SPECIFICALLY = re.compile(r"Specifically, you have access to the following APIs:\s*$")
_TASK = "Task description:"
# ToolBench's fixed task description: its lead-in, the rules about Finish and tool
# names, and the origin tools (named as the student cannot call them).
_LEAD_IN = re.compile(r"You should use functions to help handle the real[- ]time user quer\w*\.?")
_REMEMBER = re.compile(r"^\s*Remember:\s*", re.M)
_RULE = re.compile(
    r"^[ \t]*\d+\.[^\n]*(?:Finish|give_up|give up|origin tool|subfunction)[^\n]*\n?", re.M | re.I
)
_ORIGIN_TOOLS = re.compile(
    r"^[ \t]*You have access o[fn] the following tools:[ \t]*\n(?:[ \t]*\d+\.[^\n]*(?:\n|$))*",
    re.M,
)


def _candidates(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each bracketed literal opening with ``[{``, in the order of their
    starts, nested ones included; one pass over the text. Stops at the first that does
    not close, after the ones that close inside it: it runs to the end of the text."""
    pos = 0
    while (first := _LIST_START.search(text, pos)) is not None:
        starts: list[int] = []  # candidate starts inside this outermost literal
        ends: dict[int, int] = {}
        stack: list[int] = []  # the open brackets' positions
        depth, quote, pos = 0, "", first.start()
        while pos < len(text):
            char = text[pos]
            if quote:
                if char == "\\":
                    pos += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"":
                quote = char
            elif char in "[{(":
                stack.append(pos)
                if char == "[" and _LIST_START.match(text, pos):
                    starts.append(pos)
                depth += 1
            elif char in "]})":
                ends[stack.pop()] = pos + 1
                depth -= 1
                if depth == 0:
                    break
            pos += 1
        yield from ((s, ends[s]) for s in starts if s in ends)
        if depth:
            return
        pos += 1


def _definitions(value: Any) -> TypeGuard[list[dict[str, Any]]]:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value)
    )


def _not_json(value: Any) -> str | None:
    """The first thing in a literal_eval value JSON cannot hold, named; None if none.

    A walk with its own stack: an API list nested hundreds of levels deep must be a
    reject, not a RecursionError out of the reader. Deeper than a record may be
    (``MAX_JSON_DEPTH``) is itself a thing the writer cannot hold."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if node is None or isinstance(node, bool | str):
            continue
        if isinstance(node, int):
            if not -(2**63) <= node < 2**64:
                return "an integer over 64 bits"
            continue
        if isinstance(node, float):
            if node != node or abs(node) == float("inf"):
                return repr(node)
            continue
        if depth >= MAX_JSON_DEPTH:
            return f"nesting deeper than {MAX_JSON_DEPTH} levels"
        if isinstance(node, dict):
            if not all(isinstance(k, str) for k in node):
                return "a key that is not a string"
            children = list(node.values())
        elif isinstance(node, list | tuple):
            children = list(node)
        else:
            return type(node).__name__
        # Reversed onto the stack: the first unfit thing in reading order is named.
        stack.extend((child, depth + 1) for child in reversed(children))
    return None


def find_api_list(text: str, where: str) -> tuple[list[dict[str, Any]], int, int] | None:
    """The first list of function definitions in a system text (JSON, or a Python
    literal as ToolBench writes it) with its span; None when the text holds no list.

    The work is linear in the text: nested candidates are read until the characters
    given to the JSON reader reach twice the text's length (candidates side by side
    always fit), to literal_eval ``LITERAL_BUDGET``, and at most ``CANDIDATES_MAX``."""
    seen = False
    json_budget, literal_budget = 2 * len(text), LITERAL_BUDGET
    for tried, (start, end) in enumerate(_candidates(text)):
        seen = True
        size = end - start
        if tried == CANDIDATES_MAX:
            break
        if size > json_budget:
            continue
        json_budget -= size
        found = json_value(text, start)
        value = found[0] if found is not None and found[1] == end else None
        if value is None and size <= min(LITERAL_MAX, literal_budget):
            literal_budget -= size
            try:
                value = ast.literal_eval(text[start:end])
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                value = None
        if _definitions(value):
            unfit = _not_json(value)
            if unfit is not None:
                # A set (or bytes, complex...) would crash the writer, not make a reject.
                raise FormatError(where, f"the API list holds a value JSON cannot: {unfit}")
            return value, start, end
    if seen:
        raise FormatError(
            where,
            "the API list is neither a JSON nor a Python-literal list of function definitions"
            f" (a literal over {LITERAL_MAX} characters is not read)",
        )
    return None


def api_list(text: str, where: str) -> list[dict[str, Any]] | None:
    """The first list of function definitions in a system text, or None."""
    found = find_api_list(text, where)
    return None if found is None else found[0]


def task_text(text: str, start: int, end: int) -> str:
    """The system text without the ReAct protocol and the API list at ``text[start:end]``:
    what of the task it says beyond them ("" when nothing)."""
    head = text[:start]
    said = _SPECIFICALLY.search(head)
    head = head[: said.start()] if said is not None else head
    task = head.find(_TASK)
    head = head[task + len(_TASK) :] if task >= 0 else head
    for pattern in (_ORIGIN_TOOLS, _RULE, _LEAD_IN, _REMEMBER):
        head = pattern.sub("", head)
    kept = (head.strip() + "\n\n" + text[end:].strip()).strip()
    return re.sub(r"\n{3,}", "\n\n", kept)


def system_list(
    text: str, where: str, has_tools: bool
) -> tuple[list[dict[str, Any]], int, int] | None:
    """The system text's API list and its span; with the record's own tools, a list
    that does not read is no reject (it is not used), only kept in the text."""
    if not has_tools:
        return find_api_list(text, where)
    try:
        return find_api_list(text, where)
    except FormatError:
        return None


def without_protocol(
    text: str, found: tuple[list[dict[str, Any]], int, int], where: str, notes: list[str]
) -> str:
    """The system text without ToolBench's ReAct protocol and API list ("" when nothing
    else is in it): the rendered target calls tools with the template's own markup and
    never calls Finish, so a prompt teaching both would train the student to disobey
    it. The original stays in ``conversations``."""
    kept = task_text(text, found[1], found[2])
    if not kept:
        notes.append(
            f"{where}: the system turn held only the ReAct protocol and the API list:"
            " left out of messages (kept in conversations)"
        )
        return ""
    notes.append(
        f"{where}: the ReAct protocol and the API list left out of the system message"
        " (kept in conversations)"
    )
    return kept
