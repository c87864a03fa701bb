"""The error output of CPython 3.11 (``python main.py``) and Node.js 20 (``node main.js``).

A failed run's ``stderr`` is what a developer would see: Python's traceback
with its position markers (``^`` under the failing expression, ``~`` around
an operator or a subscript's value), Node's source line with a caret and its
stack. Positions are found in the program's own text, never assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PYTHON_FILE = "/sandbox/main.py"  # CPython 3.11 prints the script's absolute path
NODE_FILE = "/sandbox/main.js"
# Node's internal frames under the user's one, as Node.js 20.20 prints them.
_NODE_STACK = (
    "    at Module._compile (node:internal/modules/cjs/loader:1521:14)\n"
    "    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10)\n"
    "    at Module.load (node:internal/modules/cjs/loader:1266:32)\n"
    "    at Module._load (node:internal/modules/cjs/loader:1091:12)\n"
    "    at Function.executeUserEntryPoint [as runMain] "
    "(node:internal/modules/run_main:164:12)\n"
    "    at node:internal/main/run_main_module:28:49\n"
    "\n"
    "Node.js v20.20.2"
)


@dataclass(frozen=True)
class Frame:
    """One traceback entry: the failing expression is ``line[start:end]``."""

    line_no: int
    line: str
    start: int
    end: int
    scope: str = "<module>"
    # (start, end) of what gets ``^`` inside a ``~`` span: a binary operator,
    # or a subscript's brackets. None marks the whole span with ``^``.
    anchor: tuple[int, int] | None = None


def name_at(line: str, name: str) -> tuple[int, int]:
    """The first place ``name`` is used as a whole name in ``line``."""
    # Not a part of a longer name, nor an attribute (``a.values``); a spread
    # (``...values``) is a use.
    found = re.search(rf"(?<!\w)(?<![\w)\]]\.){re.escape(name)}(?!\w)", line)
    if found is None:
        raise ValueError(f"{name!r} is not used in {line!r}")
    return found.span()


def text_at(line: str, text: str) -> tuple[int, int]:
    start = line.index(text)
    return start, start + len(text)


def _markers(frame: Frame) -> str | None:
    if frame.start == 0 and frame.end == len(frame.line):
        return None  # CPython leaves out markers that would underline the whole line
    if frame.anchor is None:
        marks = "^" * (frame.end - frame.start)
    else:
        a, b = frame.anchor
        marks = "~" * (a - frame.start) + "^" * (b - a) + "~" * (frame.end - b)
    return " " * frame.start + marks


def python(frames: list[Frame], message: str) -> str:
    """CPython 3.11's traceback for an uncaught exception."""
    out = ["Traceback (most recent call last):"]
    for frame in frames:
        out.append(f'  File "{PYTHON_FILE}", line {frame.line_no}, in {frame.scope}')
        out.append(f"    {frame.line}")
        markers = _markers(frame)
        if markers is not None:
            out.append(f"    {markers}")
    out.append(message)
    return "\n".join(out)


def node(line_no: int, line: str, column: int, message: str) -> str:
    """Node.js 20's report of an uncaught error thrown at ``line[column]``."""
    return (
        f"{NODE_FILE}:{line_no}\n{line}\n{' ' * column}^\n\n{message}\n"
        f"    at Object.<anonymous> ({NODE_FILE}:{line_no}:{column + 1})\n{_NODE_STACK}"
    )
