"""Tools a system prompt lists, for a record that has no ``tools`` of its own.

Hermes prompts list them in ``<tools>...</tools>`` (a JSON list, one JSON
object per line, or a Python-literal list); ToolACE and similar sets write
"Here is a list of functions in JSON format that you can invoke:" and a JSON
list in the prose. Either becomes the record's ``tools``, with a note.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from pipeline.formats.callspans import json_value, skip_ws
from pipeline.formats.react_system import CANDIDATES_MAX
from pipeline.formats.textcalls import json_array_items

_TOOLS_OPEN, _TOOLS_CLOSE = "<tools>", "</tools>"
_LIST_START = re.compile(r"\[\s*\{")
# A hostile prose (thousands of "[{" that never close) must cost linear work, as in
# react_system.find_api_list: each list tried is charged the text from its start to
# the end (as far as the reader may go), against twice the text or this floor, and at
# most `CANDIDATES_MAX` are tried.
SCAN_BUDGET_MIN = 4_000_000


def tools_from_system(item: dict[str, Any], messages: list[dict[str, Any]]) -> str | None:
    """Tools listed in a hermes system prompt (``<tools>...</tools>``, a JSON list or one
    object per line), else in a JSON list of function definitions in its prose,
    become the record's ``tools`` when it has none; returns a note.

    An empty list counts as none: converters write ``"tools": "[]"`` for a record
    whose tools sit in its system prompt (ToolACE as LLaMA-Factory data), and taking
    the empty list at its word left every call unchecked, calls to tools the prompt
    does not offer included."""
    given = item.get("tools")
    if "tools" in item and given != []:
        return None
    for message in messages:
        content = message.get("content")
        if message.get("role") != "system" or not isinstance(content, str):
            continue
        # Hermes prompts first name the tags in prose ("within <tools></tools> XML
        # tags"): the first block that holds tools is the list.
        start = content.find(_TOOLS_OPEN)
        unread = False
        while start >= 0:
            end = content.find(_TOOLS_CLOSE, start)
            if end < 0:
                break
            block = content[start + len(_TOOLS_OPEN) : end]
            tools = _tool_list(block)
            if tools:
                item["tools"] = tools
                return f"tools read from the system prompt's <tools> block ({len(tools)} tools)" + (
                    " in place of the record's empty tools list" if given == [] else ""
                )
            unread = unread or bool(block.strip())
            start = content.find(_TOOLS_OPEN, end)
        if unread:
            # The student still sees the block as system text; only no call can be
            # checked against it, which a reader of the item should be told.
            return (
                "the system prompt's <tools> block is no readable tool list (not a list of"
                " tool objects, broken, or nested too deep): its calls have no schema"
            )
    for message in messages:
        content = message.get("content")
        if message.get("role") == "system" and isinstance(content, str):
            tools = _listed_in_prose(content)
            if tools:
                item["tools"] = tools
                return f"tools read from a JSON list in the system prompt ({len(tools)} tools)" + (
                    " in place of the record's empty tools list" if given == [] else ""
                )
    return None


def _definition(value: Any) -> bool:
    """A function definition: a name and a parameters object (or such a function wrapped)."""
    if isinstance(value, dict) and isinstance(value.get("function"), dict):
        value = value["function"]
    return (
        isinstance(value, dict)
        and isinstance(value.get("name"), str)
        and isinstance(value.get("parameters"), dict)
    )


def _listed_in_prose(content: str) -> list[dict[str, Any]] | None:
    """The first JSON list in `content` whose items are all function definitions
    (within the scan budget)."""
    budget = max(2 * len(content), SCAN_BUDGET_MIN)
    for tried, start in enumerate(_LIST_START.finditer(content)):
        budget -= len(content) - start.start()
        if tried == CANDIDATES_MAX or budget < 0:
            return None
        array = json_array_items(content, start.start())
        values = [v for v, _, _ in array[0]] if array is not None else []
        if values and all(_definition(v) for v in values):
            return [v if "function" in v else {"type": "function", "function": v} for v in values]
    return None


def _tool_list(block: str) -> list[dict[str, Any]] | None:
    """A JSON list of tools, JSON objects one after another (one per line), or a
    Python-literal list (hermes-function-calling writes single quotes)."""
    text = block.strip()
    array = json_array_items(text, 0)
    values: list[Any] = [v for v, _, _ in array[0]] if array is not None else []
    # The same bound as a hermes call's repr: `literal_eval` builds the whole value
    # (a 6 MB block took 1.4 GB).
    if array is None and text.startswith("[") and len(text) <= 100_000:
        try:
            literal = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
        values = literal if isinstance(literal, list) else []
    else:
        pos = 0 if array is None else len(text)
        while pos < len(text):
            one = json_value(text, pos)
            if one is None:
                return None
            values.append(one[0])
            pos = skip_ws(text, one[1])
    if not values or not all(isinstance(v, dict) for v in values):
        return None
    return [
        {"type": "function", "function": v} if "function" not in v and "name" in v else v
        for v in values
    ]
