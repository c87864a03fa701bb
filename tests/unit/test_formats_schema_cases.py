"""Wild tool schemas: which constraints survive normalisation, and the notes that say so.

Checks verdicts of `ToolSchemas.validate` after normalising schemas with
dropped types, boolean keywords, required lists and per-property flags, and
the exact note paths written for nested keywords.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.formats.schema import ToolSchemas


def _tool(name: str, parameters: object) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def _one(parameters: object) -> ToolSchemas:
    return ToolSchemas([_tool("t", parameters)])


def test_a_dropped_type_accepts_any_value() -> None:
    schemas = _one({"type": "object", "properties": {"a": {"type": 7}}})
    assert schemas.notes == ["t: parameters.properties.a.type: dropped non-string type 7"]
    assert schemas.validate("t", {"a": 5}) == (True, [])
    mixed = _one({"properties": {"a": {"type": ["string", None]}}})
    assert mixed.validate("t", {"a": 5}) == (True, [])


def test_required_list_and_boolean_keywords_are_kept() -> None:
    schemas = _one(
        {
            "type": "object",
            "properties": {"q": {"type": "string"}},
            "required": ["q"],
            "additionalProperties": False,
        }
    )
    assert schemas.notes == []
    assert schemas.validate("t", {"q": "x"}) == (True, [])
    assert schemas.validate("t", {}) == (False, ["schema: arguments: 'q' is a required property"])
    assert schemas.validate("t", {"q": "x", "z": 1}) == (
        False,
        ["schema: arguments: Additional properties are not allowed ('z' was unexpected)"],
    )


def test_constraints_after_a_per_property_required_flag_are_kept() -> None:
    schemas = _one(
        {
            "type": "object",
            "properties": {"a": {"required": True, "type": "string", "minLength": 3}},
        }
    )
    assert schemas.notes == ["t: parameters: per-property required flags on a -> required ['a']"]
    assert schemas.validate("t", {"a": "abc"}) == (True, [])
    assert schemas.validate("t", {"a": "x"}) == (False, ["schema: arguments.a: 'x' is too short"])
    assert schemas.validate("t", {"a": 3}) == (
        False,
        ["schema: arguments.a: 3 is not of type 'string'"],
    )


def test_required_flags_merge_into_an_existing_required_list() -> None:
    schemas = _one(
        {
            "type": "object",
            "properties": {"a": {"required": True}, "b": {"required": False}},
            "required": ["c", "a"],
        }
    )
    assert schemas.notes == [
        "t: parameters: per-property required flags on a, b -> required ['c', 'a']"
    ]
    assert schemas.validate("t", {"a": 1}) == (
        False,
        ["schema: arguments: 'c' is a required property"],
    )


def test_only_false_required_flags_leave_nothing_required() -> None:
    schemas = _one({"type": "object", "properties": {"a": {"required": False, "type": "int"}}})
    assert schemas.notes == [
        "t: parameters.properties.a.type: 'int' -> 'integer'",
        "t: parameters: per-property required flags on a -> required []",
    ]
    assert schemas.validate("t", {}) == (True, [])


@pytest.mark.parametrize(
    ("parameters", "note"),
    [
        ({"type": "array", "items": {"type": "str"}}, "parameters.items.type: 'str' -> 'string'"),
        ({"not": {"type": "Integer"}}, "parameters.not.type: 'Integer' -> 'integer'"),
        (
            {"type": "object", "additionalProperties": {"type": "double"}},
            "parameters.additionalProperties.type: 'double' -> 'number'",
        ),
        (
            {"oneOf": [{"type": "x"}]},
            "parameters.oneOf[0].type: unknown type 'x' (constraint dropped)",
        ),
        (
            {"type": "array", "items": [{"type": "int"}, {"type": "bool"}]},
            "parameters.items[1].type: 'bool' -> 'boolean'",
        ),
        (
            {"$defs": {"id": {"type": "long"}}},
            "parameters.$defs.id.type: 'long' -> 'integer'",
        ),
        ({"type": "Map"}, "parameters.type: 'Map' -> 'object'"),
        ({"type": " none "}, "parameters.type: ' none ' -> 'null'"),
    ],
)
def test_notes_name_the_path_of_each_change(parameters: dict[str, Any], note: str) -> None:
    assert f"t: {note}" in _one(parameters).notes


def test_type_lists_are_normalised_and_deduplicated() -> None:
    schemas = _one({"type": ["int", "integer", "None"]})
    assert schemas.notes == [
        "t: parameters.type: 'int' -> 'integer'",
        "t: parameters.type: 'None' -> 'null'",
    ]
    assert schemas.validate("t", None) == (True, [])
    assert schemas.validate("t", 3) == (True, [])
    assert schemas.validate("t", "x")[0] is False


def test_an_any_type_inside_a_list_drops_the_constraint() -> None:
    schemas = _one({"properties": {"a": {"type": ["string", "any"]}}})
    assert schemas.notes == [
        "t: parameters.properties.a.type: 'any' -> any value (constraint dropped)"
    ]
    assert schemas.validate("t", {"a": 3}) == (True, [])


def test_empty_or_missing_parameters_accept_only_objects() -> None:
    for tool in ({"name": "t"}, _tool("t", None), _tool("t", {})):
        schemas = ToolSchemas([tool])
        assert schemas.validate("t", {"x": 1}) == (True, [])
        assert schemas.validate("t", [1]) == (
            False,
            ["schema: arguments: [1] is not of type 'object'"],
        )


def test_first_definition_of_a_tool_name_wins() -> None:
    schemas = ToolSchemas(
        [_tool("t", {"type": "object"}), _tool("t", {"type": "string"}), _tool("u", True)]
    )
    assert schemas.validate("t", {}) == (True, [])
    assert schemas.validate("u", 1) == (True, [])
    assert schemas.problems == []


def test_data_under_non_schema_keywords_is_not_rewritten() -> None:
    default = {"field": {"type": "str", "required": True}}
    schemas = _one(
        {"type": "object", "properties": {"schema": {"type": "object", "default": default}}}
    )
    assert schemas.notes == []
    assert default == {"field": {"type": "str", "required": True}}


def test_errors_deep_in_the_arguments_name_their_full_path() -> None:
    schemas = _one(
        {
            "type": "object",
            "properties": {
                "opts": {
                    "type": "object",
                    "properties": {"n": {"type": "array", "items": {"type": "int"}}},
                }
            },
        }
    )
    assert schemas.validate("t", {"opts": {"n": [1, "x"]}}) == (
        False,
        ["schema: arguments.opts.n.1: 'x' is not of type 'integer'"],
    )


@pytest.mark.parametrize("tools", [None, "not a list", {"name": "t"}])
def test_tools_that_are_not_a_list_offer_nothing_and_raise_no_problem(tools: Any) -> None:
    schemas = ToolSchemas(tools)
    assert (schemas.schemas, schemas.notes, schemas.problems) == ({}, [], [])
    assert schemas.validate("t", {}) == (None, [])
