"""Independent call judgement: JSON validity, schema validity, range errors, offered tools."""

from __future__ import annotations

import copy
from typing import Any

from pipeline.gates.calls import Validators, parse_call_text, span_chars
from pipeline.gates.judge import json_schema_counts
from pipeline.tools.registry import load_registry


def test_parse_call_text() -> None:
    assert parse_call_text('{"name": "fs.read", "arguments": {"path": "a"}}') == (
        True,
        "fs.read",
        {"path": "a"},
    )
    assert parse_call_text('{"name": "fs.read", "arguments": {"path": "a"') == (False, None, None)
    assert parse_call_text("[1]") == (False, None, None)
    assert parse_call_text('{"name": "fs.read", "arguments": "x"}') == (False, "fs.read", None)


def test_span_chars() -> None:
    assert span_chars({"chars": [1, 3]}) == (1, 3)
    for bad in ({"chars": [3, 1]}, {"chars": [1]}, {"chars": [True, 2]}, None, {"x": 1}):
        assert span_chars(bad) is None


def test_judge_against_the_registry() -> None:
    registry = load_registry()
    validators = Validators(registry, prefer_item_tools=False)
    offered = validators.offered(registry.tools)
    good = validators.judge(0, '{"name": "fs.read", "arguments": {"path": "a.md"}}', offered)
    assert good.json_valid and good.schema_valid
    rng = validators.judge(
        1, '{"name": "fs.read", "arguments": {"path": "a", "max_lines": 0}}', offered
    )
    assert rng.json_valid and not rng.schema_valid and rng.range_error
    missing = validators.judge(2, '{"name": "fs.read", "arguments": {}}', offered)
    assert not missing.schema_valid and not missing.range_error
    broken = validators.judge(3, '{"name": "fs.read", "arguments": {', offered)
    assert not broken.json_valid and not broken.schema_valid
    assert validators.judge(4, None, offered).schema_errors == ["call not located"]
    unknown = validators.judge(5, '{"name": "nope", "arguments": {}}', {})
    assert unknown.schema_errors == ["unknown tool 'nope'"]
    not_offered = validators.judge(
        6, '{"name": "web.search", "arguments": {"q": "x"}}', {"fs.read": {}}
    )
    assert "not offered" in not_offered.schema_errors[0]


def test_item_tools_win_outside_dvc() -> None:
    registry = load_registry()
    tools = copy.deepcopy(registry.tools)
    for tool in tools:
        if tool["function"]["name"] == "fs.read":
            tool["function"]["parameters"]["required"] = ["path", "encoding"]
    standalone = Validators(registry, prefer_item_tools=True)
    call = '{"name": "fs.read", "arguments": {"path": "a.md"}}'
    assert not standalone.judge(0, call, standalone.offered(tools)).schema_valid
    assert standalone.judge(0, call, standalone.offered(tools)).schema_errors
    dvc = Validators(registry, prefer_item_tools=False)
    assert dvc.judge(0, call, dvc.offered(tools)).schema_valid
    assert dvc.mismatches(tools) == ["fs.read"]
    assert dvc.mismatches(registry.tools) == []
    assert dvc.mismatches([{"function": {"name": "nope"}}, "junk"]) == ["nope", "None"]
    assert dvc.offered("junk") == {}


def test_a_call_without_any_schema_is_unknown_outside_dvc_not_invalid() -> None:
    """As extract's `schema_unknown`: no tools offered and none in the registry."""
    standalone = Validators(load_registry(), prefer_item_tools=True)
    verdict = standalone.judge(0, '{"name": "lookup", "arguments": {"n": 1}}', {})
    assert (verdict.schema_known, verdict.schema_errors, verdict.schema_valid) == (False, [], True)
    result: dict[str, Any] = {"reasons": [], "details": []}
    counts = json_schema_counts([verdict], {}, True, result)
    assert counts == {
        "json_checked": 1,
        "json_valid": 1,
        "schema_checked": 0,
        "schema_valid": 0,
        "schema_unknown": 1,
    }
    assert result["reasons"] == []
    # Offered tools that do not include it: a call to a tool the model was not given.
    offered = standalone.judge(0, '{"name": "lookup", "arguments": {}}', {"other": {}})
    assert offered.schema_known and not offered.schema_valid
    # In DVC mode the registry is the authority: an unknown tool stays invalid.
    dvc = Validators(load_registry(), prefer_item_tools=False)
    assert dvc.judge(0, '{"name": "lookup", "arguments": {}}', {}).schema_errors == [
        "unknown tool 'lookup'"
    ]
