"""Call judgement, edge cases: malformed span and call objects, tools offered in
either shape, the verdict fields a report reads, JSON-path error messages, and
per-schema validators when an item offers its own tools."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates.calls import Validators, parse_call_text, span_chars
from pipeline.tools.registry import load_registry

LIST_SCHEMA = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"type": "integer"}}},
    "required": ["items"],
}


@pytest.fixture(scope="module")
def dvc() -> Validators:
    return Validators(load_registry(), prefer_item_tools=False)


def _tool(name: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def test_an_empty_span_is_well_formed() -> None:
    assert span_chars({"chars": [2, 2]}) == (2, 2)


def test_a_non_string_name_is_not_reported() -> None:
    assert parse_call_text('{"name": 5, "arguments": {}}') == (False, None, None)


def test_offered_tools_accept_both_shapes_and_skip_junk(dvc: Validators) -> None:
    tools = [
        "junk",
        None,
        {"function": {"parameters": {}}},
        {"name": "flat.tool", "parameters": {"type": "object"}},
        _tool("wrapped.tool", LIST_SCHEMA),
    ]
    assert dvc.offered(tools) == {"flat.tool": {"type": "object"}, "wrapped.tool": LIST_SCHEMA}


@pytest.mark.parametrize("tools", ["junk", None, {"function": {}}])
def test_a_tools_value_that_is_not_a_list_has_no_mismatch(dvc: Validators, tools: Any) -> None:
    assert dvc.mismatches(tools) == []


def test_a_tool_with_an_unhashable_name_is_a_mismatch(dvc: Validators) -> None:
    assert dvc.mismatches([{"function": {"name": ["fs.read"]}}]) == ["['fs.read']"]


def test_a_call_not_located_keeps_its_index_and_is_not_valid_json(dvc: Validators) -> None:
    verdict = dvc.judge(7, None, {})
    assert verdict.index == 7
    assert verdict.json_valid is False
    assert not verdict.schema_valid


def test_verdict_carries_the_name_and_arguments_read_from_the_text(dvc: Validators) -> None:
    verdict = dvc.judge(3, '{"name": "fs.read", "arguments": {"path": "a.md"}}', {})
    assert (verdict.index, verdict.name, verdict.arguments) == (3, "fs.read", {"path": "a.md"})
    assert verdict.json_valid and verdict.schema_valid


def test_a_call_whose_arguments_are_not_an_object_has_no_schema_errors(dvc: Validators) -> None:
    verdict = dvc.judge(0, '{"name": "fs.read", "arguments": "a.md"}', {})
    assert (verdict.json_valid, verdict.name, verdict.schema_errors) == (False, "fs.read", [])


def test_schema_errors_name_the_json_path_of_the_bad_value() -> None:
    validators = Validators(load_registry(), prefer_item_tools=True)
    offered = validators.offered([_tool("list.tool", LIST_SCHEMA)])
    verdict = validators.judge(
        0, '{"name": "list.tool", "arguments": {"items": [1, "x"]}}', offered
    )
    assert verdict.schema_errors == ["$.items[1]: 'x' is not of type 'integer'"]
    assert not verdict.range_error


def test_each_offered_schema_gets_its_own_validator() -> None:
    validators = Validators(load_registry(), prefer_item_tools=True)
    call = '{"name": "my.tool", "arguments": {"items": [1, 2]}}'
    loose = validators.offered([_tool("my.tool", LIST_SCHEMA)])
    strict_schema = {**LIST_SCHEMA, "properties": {"items": {"type": "array", "maxItems": 1}}}
    strict = validators.offered([_tool("my.tool", strict_schema)])
    for _ in range(2):  # the second round reads the cached validators
        assert validators.judge(0, call, loose).schema_valid
        bad = validators.judge(1, call, strict)
        assert not bad.schema_valid and bad.range_error
