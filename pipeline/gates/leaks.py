"""prompt_leak: the request states values that only a tool response holds.

A chain carries values: a later call's argument takes what an earlier call
returned. It leaks when the request already states that argument, so the
tool had nothing to add. Concretely: an argument of call j (a value list,
stdin, code, a string) whose numbers, two or more of at least two digits,
are all data of an earlier response k (settings read, file content, a
program's output, a snippet), and all stated in the request, while no call up
to k was given that argument. A string argument of six characters or more
that is a whole line of such data counts on its own. Options (an object such
as a line range) are the user's to set and are not judged.

Bookkeeping fields (sizes, counts, line numbers, dates, addresses, elapsed
time) are not data: a user may well mention a 30 s timeout that happens to
equal a file's line count.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import orjson

from pipeline.gates.session import Session

BOOKKEEPING = frozenset(
    {
        "elapsed_ms",
        "size",
        "lines",
        "count",
        "files",
        "line",
        "exit_code",
        "status",
        "window",
        "range",
        "published",
        "modified",
        "returned",
        "url",
        "path",
        "resolved",
        "redirected_from",
        "links",
        "dir",
        "top_k",
        "ok",
    }
)
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w]|\.\d)")
MIN_TEXT = 6


def _numbers(text: str) -> set[Decimal]:
    return {Decimal(n) for n in _NUMBER.findall(text)}


def _big(numbers: set[Decimal]) -> set[Decimal]:
    # One-digit numbers are everywhere (line 3, 5 retries): no evidence either way.
    return {n for n in numbers if abs(n) >= 10}


def _data(value: Any) -> tuple[set[Decimal], set[str]]:
    """The numbers and strings a response returns as data."""
    numbers: set[Decimal] = set()
    texts: set[str] = set()
    _collect(value, numbers, texts)
    return numbers, texts


def _collect(value: Any, numbers: set[Decimal], texts: set[str]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if key not in BOOKKEEPING:
                _collect(child, numbers, texts)
    elif isinstance(value, list):
        for child in value:
            _collect(child, numbers, texts)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        numbers.add(Decimal(str(value)))
    elif isinstance(value, str) and not value.startswith(("http://", "https://")):
        numbers |= _numbers(value)
        texts |= {line.strip() for line in value.split("\n") if len(line.strip()) >= MIN_TEXT}


def _arguments(arguments: Any) -> list[Any]:
    return list(arguments.values()) if isinstance(arguments, dict) else []


def leak_problem(session: Session) -> str | None:
    request = session.request
    turns = session.turns
    if len(turns) < 2:
        return None  # a value is carried from an earlier response: one call has none
    # Only the request's big numbers can cover an argument's big numbers; with fewer
    # than two of them no argument may carry (it needs two), and an argument's numbers
    # are not read at all: only a quoted string can leak then.
    stated = _big(_numbers(request))
    numeric = len(stated) >= 2
    # Read only when an argument could leak at all (most never can): the arguments as
    # text, and each earlier response's data.
    given: list[str] = []
    data: dict[int, tuple[set[Decimal], set[str]]] = {}
    for j, turn in enumerate(turns[1:], 1):  # the first call has no earlier response
        for value in _arguments(turn.arguments):
            if not isinstance(value, str | list):
                continue
            may_quote = isinstance(value, str) and value in request
            if not (numeric or may_quote):
                continue
            text = value if isinstance(value, str) else orjson.dumps(value).decode("utf-8")
            numbers = _big(_numbers(text)) if numeric else set()
            may_carry = len(numbers) >= 2 and numbers <= stated
            if not (may_carry or may_quote):
                continue
            if not given:
                given = [orjson.dumps(t.arguments).decode("utf-8") for t in turns]
            for k in range(j):
                if text in " ".join(given[: k + 1]):
                    continue
                if k not in data:
                    data[k] = _data(turns[k].response) if not turns[k].failed else (set(), set())
                numbers_k, texts_k = data[k]
                carried = may_carry and numbers <= numbers_k
                quoted = may_quote and value in texts_k
                if carried or quoted:
                    return (
                        f"call {j} ({turn.name}) is given {text[:60]!r}, which the request "
                        f"already states and only response {k} ({turns[k].name}) holds"
                    )
    return None
