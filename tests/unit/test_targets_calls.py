"""Judging every call of a teacher text: blocks, repetition, unknown tools, schemas."""

from __future__ import annotations

import json

from pipeline.formats import ToolSchemas
from pipeline.formats.hermes import parse_hermes
from pipeline.targets.calls import call_record, judge_calls

TOOLS = ToolSchemas(
    [{"type": "function", "function": {"name": "a", "parameters": {
        "type": "object", "properties": {"n": {"type": "integer", "maximum": 3}}}}}]
)  # fmt: skip


def _block(name: object, arguments: object) -> str:
    return "<tool_call>\n" + json.dumps({"name": name, "arguments": arguments}) + "\n</tool_call>"


def test_repeats_within_a_turn_are_flagged_but_retries_after_a_result_are_not() -> None:
    text = "\n".join([
        _block("a", {"n": 1}), _block("a", {"n": 1}), "<tool_response>\nerr\n</tool_response>",
        _block("a", {"n": 1}), "<tool_call>\n{'name': 'a', 'arguments': {'n': 1}}\n</tool_call>",
        "<tool_call>\n{'name': 'a', 'arguments': {'n': 1}}",
    ])  # fmt: skip
    calls = judge_calls(parse_hermes(text), TOOLS)
    assert [c.errors[-1] if c.errors else "" for c in calls[:3]] == [
        "",
        "repeats call #0 in the same turn",
        "",
    ]
    assert calls[3].json_valid is False and calls[3].schema_valid is None
    assert calls[4].errors[0].startswith("unterminated <tool_call> block")
    # Broken calls are compared by their raw argument text.
    assert calls[4].errors[-1] == "repeats call #3 in the same turn"


def test_schema_verdicts_and_nameless_calls() -> None:
    text = "\n".join([_block("a", {"n": 9}), _block(None, {"n": 1}), _block("b", {})])
    calls = judge_calls(parse_hermes(text), TOOLS)
    assert [c.schema_valid for c in calls] == [False, None, None]
    assert calls[0].errors == ["schema: arguments.n: 9 is greater than the maximum of 3"]
    assert calls[1].errors == ["call has no string 'name'"]
    assert calls[2].errors == ["unknown tool 'b': not among the item's tools"]
    no_tools = judge_calls(parse_hermes(_block("b", {})), ToolSchemas([]))
    assert no_tools[0].schema_valid is None and no_tools[0].errors == []
    assert list(call_record(calls[0])) == [
        "name",
        "arguments",
        "json_valid",
        "schema_valid",
        "errors",
    ]
