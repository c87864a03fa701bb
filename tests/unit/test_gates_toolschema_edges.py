"""The verifier's schema reading: no parameters is an empty object, `any` spellings
leave a value unchecked, subschemas in lists are read too, and a type that is not a
name makes the schema unusable with the reason."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from pipeline.gates.toolschema import UnusableSchema, usable_schema


@pytest.mark.parametrize("parameters", [None, {}])
def test_no_parameters_is_an_object_with_any_arguments(parameters: Any) -> None:
    assert usable_schema(parameters) == {"type": "object"}


def test_a_boolean_schema_is_kept() -> None:
    assert usable_schema(True) is True
    assert usable_schema(False) is False


@pytest.mark.parametrize("kind", ["any", "Any", "Optional[Any]", "Union[str, any]", ["str", "any"]])
def test_any_spellings_leave_the_value_unchecked(kind: Any) -> None:
    schema = usable_schema({"type": "object", "properties": {"x": {"type": kind}}})
    assert schema == {"type": "object", "properties": {"x": {}}}
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"x": [1, {"a": None}]})


def test_subschemas_in_lists_are_read_and_lists_of_names_kept() -> None:
    schema = usable_schema(
        {
            "type": "object",
            "properties": {"x": {"anyOf": [{"type": "str"}, {"type": "List[int]"}]}},
            "required": ["x"],
        }
    )
    assert schema["properties"]["x"] == {"anyOf": [{"type": "string"}, {"type": "array"}]}
    assert schema["required"] == ["x"]
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"x": "a"}) and validator.is_valid({"x": [1]})
    assert not validator.is_valid({"x": 3}) and not validator.is_valid({})


@pytest.mark.parametrize("kind", [3, ["str", None]])
def test_a_type_that_is_not_a_name_is_unusable(kind: Any) -> None:
    with pytest.raises(UnusableSchema, match=r"type .* is not a name"):
        usable_schema({"type": "object", "properties": {"x": {"type": kind}}})
