"""A system prompt's prose list of tools is found in linear work, however hostile the prose."""

from __future__ import annotations

import time

from pipeline.formats.systemtools import tools_from_system

LISTED = 'Functions: [{"name": "f", "parameters": {"type": "object"}}] use them.'


def _tools(content: str) -> tuple[str | None, object]:
    item: dict[str, object] = {}
    note = tools_from_system(item, [{"role": "system", "content": content}])
    return note, item.get("tools")


def test_thousands_of_unclosed_list_openings_cost_linear_work() -> None:
    hostile = '[{"a": 1}, ' * 64_000  # 704 KB; each "[{" was read again to the end
    began = time.perf_counter()
    assert _tools(hostile) == (None, None)
    assert time.perf_counter() - began < 1.0


def test_a_list_after_openings_that_are_not_lists_is_still_found() -> None:
    note, tools = _tools("Use [{x}] or [{ y ]: " * 50 + LISTED)
    assert note == "tools read from a JSON list in the system prompt (1 tools)"
    assert tools == [
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    ]
