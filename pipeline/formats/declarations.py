"""A record's tools, each name declared once.

Every format settles its tools its own way (OpenAI ``tools`` or the legacy
``functions``, a hermes ``<tools>`` block or a JSON list in the system prompt,
the Glaive system text, xLAM and LLaMA-Factory ``tools``, the ToolBench API
list), and `pipeline.formats.ingest` then reads them once (`ToolSchemas`). A
name declared twice is settled here, in between, for all of them:

* declarations equal as JSON values (key order aside) are one tool listed
  twice: the repeat is dropped, with a note, and the list as it was is kept as
  ``tools_original``;
* different declarations are a reject naming the second (``tools[j]``, counted
  in the tools as read): a call is checked against one schema, and neither the
  student nor a reader can know which one the record meant.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson

from pipeline.formats.openai import FormatError
from pipeline.formats.schema import canonical


def _name(tool: Any) -> str | None:
    fn = tool.get("function", tool) if isinstance(tool, dict) else None
    name = fn.get("name") if isinstance(fn, dict) else None
    return name if isinstance(name, str) else None


def _value(tool: Any) -> str:
    """The declaration as a JSON value: its sorted-key text."""
    try:
        return canonical(tool)
    except orjson.JSONEncodeError:  # a Python literal JSON cannot write (a set): as written
        return repr(tool)


def declared_once(item: dict[str, Any], notes: list[str]) -> None:
    """Drops identical repeats from ``item["tools"]`` (noted); raises FormatError naming
    a repeat that differs from the first declaration."""
    tools = item.get("tools")
    if not isinstance(tools, list):
        return
    names = [_name(t) for t in tools]
    if len(set(names)) == len(names):  # every tool named once (nearly every record)
        return
    first: dict[str, int] = {}
    repeats: list[tuple[int, int]] = []
    for j, name in enumerate(names):
        if name is None:
            continue  # no name: `ToolSchemas` reports it
        i = first.setdefault(name, j)
        if i == j:
            continue
        if _value(tools[i]) != _value(tools[j]):
            raise FormatError(
                f"tools[{j}]",
                f"a second declaration of {name!r}, unlike tools[{i}]: "
                "which schema its calls were checked against cannot be known",
            )
        repeats.append((i, j))
    if not repeats:
        return
    dropped = {j for _, j in repeats}
    item.setdefault("tools_original", copy.deepcopy(tools))
    item["tools"] = [t for j, t in enumerate(tools) if j not in dropped]
    shown = ", ".join(f"tools[{j}] ({names[j]}, as tools[{i}])" for i, j in repeats)
    notes.append(f"tools: identical repeated declarations dropped: {shown} (given tools kept)")
