"""Extract's normaliser and verify's own schema reader share one table of type
names (`pipeline.schema_dialects`), not code: every name in it reads as the same
JSON Schema type in both, including the names only one of them knew before."""

from __future__ import annotations

import jsonschema
import pytest

from pipeline.formats.schema import ToolSchemas
from pipeline.gates.toolschema import UnusableSchema, usable_schema
from pipeline.schema_dialects import JSON_TYPES, TYPE_ALIASES


def _tools(kind: str) -> list[dict[str, object]]:
    parameters = {"type": "object", "properties": {"x": {"type": kind}}, "required": ["x"]}
    return [{"type": "function", "function": {"name": "t", "parameters": parameters}}]


@pytest.mark.parametrize("name", sorted(TYPE_ALIASES))
def test_extract_and_verify_read_every_alias_alike(name: str) -> None:
    target = TYPE_ALIASES[name]
    for spelling in (name, name.upper()):
        extracted = ToolSchemas(_tools(spelling))
        parameters = _tools(spelling)[0]["function"]["parameters"]  # type: ignore[index]
        verified = usable_schema(parameters)
        assert extracted.property_type("t", "x") == target
        assert verified["properties"]["x"].get("type") == target
        assert not extracted.problems


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("long", 3, 3.5),  # verify did not know these four before the table was shared
        ("map", {"k": 1}, [1]),
        ("text", "a", 1),
        ("nonetype", None, 0),
        ("sequence", [1], "a"),  # nor extract this one
    ],
)
def test_the_names_once_known_to_one_side_judge_values_on_both(
    name: str, good: object, bad: object
) -> None:
    extracted = ToolSchemas(_tools(name))
    assert extracted.validate("t", {"x": good}) == (True, [])
    assert extracted.validate("t", {"x": bad})[0] is False
    parameters = _tools(name)[0]["function"]["parameters"]  # type: ignore[index]
    validator = jsonschema.Draft202012Validator(usable_schema(parameters))
    assert validator.is_valid({"x": good}) and not validator.is_valid({"x": bad})


def test_a_name_in_neither_table_is_unknown_on_both_sides() -> None:
    assert "widget" not in TYPE_ALIASES and "widget" not in JSON_TYPES
    extracted = ToolSchemas(_tools("widget"))
    assert any("unknown type 'widget'" in note for note in extracted.notes)
    with pytest.raises(UnusableSchema, match="unknown type 'widget'"):
        usable_schema(_tools("widget")[0]["function"]["parameters"])  # type: ignore[index]
