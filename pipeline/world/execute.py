"""One entry point for the six tools: arguments checked as a tool server would.

Arguments that are not JSON, or that break the tool's JSON Schema, come back
as a failed result naming the problem; nothing else is looked at. A fault the
world schedules for this position and tool comes back next. Only then does
the tool run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pipeline.tools.registry import load_registry
from pipeline.world import code_run, fs_list, fs_read, fs_search, web_open, web_search
from pipeline.world.model import World

Tool = Callable[[World, dict[str, Any]], dict[str, Any]]
TOOLS: dict[str, Tool] = {
    fs_list.NAME: fs_list.execute,
    fs_read.NAME: fs_read.execute,
    fs_search.NAME: fs_search.execute,
    web_search.NAME: web_search.execute,
    web_open.NAME: web_open.execute,
    code_run.NAME: lambda _world, args: code_run.execute(args),
}
TOOL_NAMES = tuple(sorted(TOOLS))


def execute(
    world: World, name: str, arguments: Any, at: int = 0, *, checked: bool = True
) -> dict[str, Any]:
    """The response of tool `name` to `arguments`, as the call at position `at`.

    `checked=False` skips the schema check, for a caller whose arguments are valid
    by construction (the generator); a replay always checks, so an invalid call
    the generator made would show as a response that does not replay.
    """
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except json.JSONDecodeError as exc:
            return {"ok": False, "error": f"invalid JSON in arguments: {exc.msg} at char {exc.pos}"}
    tool = TOOLS.get(name)
    if tool is None:
        return {"ok": False, "error": f"unknown tool {name!r}"}
    errors = load_registry().validate(name, arguments) if checked else []
    if errors:
        return {"ok": False, "error": f"invalid arguments: {errors[0]}"}
    fault = world.fault(at, name)
    if fault is not None:
        return {"ok": False, "error": fault.error}
    return tool(world, arguments)


def replay(world: World, calls: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The responses to a session's calls, in order."""
    return [execute(world, name, arguments, at) for at, (name, arguments) in enumerate(calls)]
