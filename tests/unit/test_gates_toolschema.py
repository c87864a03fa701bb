"""Verify's own reading of published tool schemas: never a crash, unusable ones reported."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates.calls import Validators
from pipeline.gates.judge import json_schema_counts
from pipeline.gates.toolschema import UnusableSchema, is_bare_map, usable_schema
from pipeline.tools.registry import load_registry


def _judge(parameters: Any, arguments: str) -> Any:
    validators = Validators(load_registry(), prefer_item_tools=True)
    offered = validators.offered([{"name": "t", "parameters": parameters}])
    return validators.judge(0, f'{{"name": "t", "arguments": {arguments}}}', offered)


@pytest.mark.parametrize(
    ("parameters", "good", "bad"),
    [
        # BFCL writes Python type names, `dict` at the top.
        (
            {"type": "dict", "properties": {"n": {"type": "int"}, "xs": {"type": "tuple"}}},
            '{"n": 3, "xs": [1.5]}',
            '{"n": "3"}',
        ),
        # An xLAM tool whose only parameter is called `type`.
        (
            {"type": {"type": "str", "description": "kind", "default": "all"}},
            '{"type": "a"}',
            '{"type": 2}',
        ),
        # Parameters named like schema keywords, in a bare map.
        (
            {"items": {"type": "list", "description": "what"}, "required": {"type": "bool"}},
            '{"items": [1], "required": false}',
            '{"items": "x"}',
        ),
        # Optional parameters are null when not set.
        ({"c": {"type": "str, optional", "description": "code"}}, '{"c": null}', '{"c": 5}'),
        ({"properties": {"q": {"type": "string", "required": True}}}, '{"q": "x"}', "{}"),
        # Python typing spellings, read by their outer name.
        (
            {"xs": {"type": "List[float]"}, "m": {"type": "Dict[str, Any]"}},
            '{"xs": [1.5], "m": {"a": 1}}',
            '{"xs": {"a": 1}}',
        ),
        ({"u": {"type": "Optional[Union[int, str]]"}}, '{"u": null}', '{"u": 1.5}'),
    ],
)  # fmt: skip
def test_published_dialects_judge_calls(parameters: Any, good: str, bad: str) -> None:
    ok = _judge(parameters, good)
    assert ok.schema_known and ok.schema_valid, ok.schema_errors
    wrong = _judge(parameters, bad)
    assert wrong.schema_known and not wrong.schema_valid


@pytest.mark.parametrize(
    "parameters",
    [
        {"type": "object", "properties": {"a": {"type": "Frobnicated"}}},
        {"type": "object", "properties": {"a": {"type": "string", "pattern": "("}}},
        {"$ref": "#/nowhere"},
        ["not", "an", "object"],
    ],
)
def test_an_unusable_schema_is_a_reason_and_the_call_unknown(parameters: Any) -> None:
    verdict = _judge(parameters, '{"a": "x"}')
    assert not verdict.schema_known and verdict.schema_problem is not None
    result: dict[str, Any] = {"reasons": [], "details": []}
    counts = json_schema_counts([verdict], {}, True, result)
    assert counts["schema_unknown"] == 1 and counts["schema_checked"] == 0
    assert result["reasons"] == ["schema_unusable"]


def test_bare_maps_are_told_from_schemas_by_shape() -> None:
    assert is_bare_map({"type": {"type": "str"}})
    assert is_bare_map({"required": {"description": "a flag"}, "items": {"type": "array"}})
    assert not is_bare_map({"type": "object"})
    assert not is_bare_map({"properties": {"a": {"type": "string"}}})
    # Only subschema keywords: the keywords say it is a schema.
    assert not is_bare_map({"not": {"type": "integer"}})
    assert usable_schema({"type": {"type": "str"}}) == {
        "type": "object",
        "properties": {"type": {"type": "string"}},
    }
    with pytest.raises(UnusableSchema, match="unknown type 'Frob'"):
        usable_schema({"a": {"type": "Frob"}})
