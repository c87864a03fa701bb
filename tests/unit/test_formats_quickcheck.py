"""The fast "valid" predicate agrees with jsonschema (Draft 2020-12) wherever it answers."""

from __future__ import annotations

from typing import Any

import jsonschema
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats.quickcheck import quick_check
from pipeline.formats.schema import ToolSchemas, _compiled, _quick, canonical

TYPES = ["object", "array", "string", "number", "integer", "boolean", "null"]
KEYS = ["a", "b", "c"]

# Few distinct numbers, so that values land on the bounds (1 against a minimum of 1.0).
NUMBERS = st.sampled_from([-1, 0, 1, 2, 1.0, 1.5, 2.0])
leaves = st.none() | st.booleans() | NUMBERS | st.sampled_from(["", "x", "ab", "abc", "a1"])
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=8,
)


def _schemas(string_enums: bool) -> st.SearchStrategy[Any]:
    enum_values = st.sampled_from(["x", "ab", "a1"]) if string_enums else leaves
    base = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(TYPES) | st.lists(st.sampled_from(TYPES), min_size=1),
            "enum": st.lists(enum_values, min_size=1, max_size=3),
            "minimum": NUMBERS,
            "maximum": NUMBERS,
            "exclusiveMinimum": NUMBERS,
            "exclusiveMaximum": NUMBERS,
            "minLength": st.integers(0, 3),
            "maxLength": st.integers(0, 3),
            "minItems": st.integers(0, 2),
            "maxItems": st.integers(0, 2),
            "pattern": st.sampled_from(["^a", "[0-9]", "b$"]),
            "description": st.just("what it is"),
        },
    )
    return st.recursive(
        base,
        lambda inner: st.builds(
            lambda s, props, req, extra, items: {
                **s,
                "properties": props,
                "required": req,
                **({"additionalProperties": extra} if extra is not None else {}),
                **({"items": items} if items is not None else {}),
            },
            base,
            st.dictionaries(st.sampled_from(KEYS), inner, max_size=2),
            st.lists(st.sampled_from(KEYS), max_size=2, unique=True),
            st.none() | st.booleans() | inner,
            st.none() | inner,
        ),
        max_leaves=4,
    )


@settings(max_examples=400, deadline=None)
@given(_schemas(string_enums=True), values)
def test_answers_exactly_as_jsonschema(schema: dict[str, Any], value: Any) -> None:
    check = quick_check(schema)
    assert check is not None  # every keyword generated here is one it knows
    assert check(value) == jsonschema.Draft202012Validator(schema).is_valid(value)


@settings(max_examples=300, deadline=None)
@given(_schemas(string_enums=False), values)
def test_with_any_enum_a_yes_is_always_right(schema: dict[str, Any], value: Any) -> None:
    # Enum members of other types (1 == 1.0, True != 1) are left to jsonschema:
    # the predicate may say no where jsonschema says yes, never the reverse.
    check = quick_check(schema)
    if check is not None and check(value):
        assert jsonschema.Draft202012Validator(schema).is_valid(value)


def test_bounds_and_integers_at_the_edges() -> None:
    check = quick_check({"type": "integer", "minimum": 1, "exclusiveMaximum": 3})
    assert check is not None
    assert [check(v) for v in (1, 1.0, 2.0, 3, 0, 1.5, True, "1")] == [
        True, True, True, False, False, False, False, False,
    ]  # fmt: skip
    sized = quick_check({"minLength": 2, "maxItems": 1})
    assert sized is not None
    assert [sized(v) for v in ("ab", "a", [1], [1, 2], 7)] == [True, False, True, False, True]


def test_unknown_keywords_tuples_and_other_dialects_get_no_shortcut() -> None:
    assert quick_check({"type": "object", "patternProperties": {"^x": {}}}) is None
    assert quick_check({"$ref": "#/$defs/a", "$defs": {"a": {}}}) is None
    assert quick_check({"type": "string", "pattern": "("}) is None  # not a regex
    assert quick_check({"items": False}) is None
    check = quick_check({"properties": {"a": {"minItems": 3}}})
    assert check is not None
    assert check({"a": [1, 2, 3]}) and not check({"a": (1, 2)})  # a tuple: jsonschema decides
    draft7 = canonical({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"})
    assert _quick(draft7) is None


def test_validate_keeps_jsonschema_errors_for_invalid_calls() -> None:
    params = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 1}, "mode": {"enum": ["a", "b"]}},
        "required": ["n"],
        "additionalProperties": False,
    }
    schemas = ToolSchemas([{"type": "function", "function": {"name": "t", "parameters": params}}])
    assert _quick(schemas.schemas["t"]) is not None
    assert schemas.validate("t", {"n": 2.0, "mode": "a"}) == (True, [])
    valid, errors = schemas.validate("t", {"n": 0, "mode": "c", "x": 1})
    validator, _, _ = _compiled(schemas.schemas["t"])
    assert valid is False and len(errors) == 3
    assert len(list(validator.iter_errors({"n": 0, "mode": "c", "x": 1}))) == 3
    assert "schema: arguments.n: 0 is less than the minimum of 1" in errors


def test_tool_sets_read_once_give_fresh_equal_readings() -> None:
    params = {"type": "dict", "properties": {"q": {"type": "str"}}}
    tools = [{"type": "function", "function": {"name": "s", "parameters": params}}]
    first, second = ToolSchemas(tools), ToolSchemas(orjson.loads(orjson.dumps(tools)))
    assert (first.schemas, first.notes) == (second.schemas, second.notes)
    assert "s: parameters.type: 'dict' -> 'object'" in first.notes
    first.notes.append("changed by one item")  # a reading is each item's own
    assert "changed by one item" not in ToolSchemas(tools).notes


def test_a_tuple_required_is_not_read_as_the_list_it_serialises_as() -> None:
    def tools(required: Any) -> list[dict[str, Any]]:
        fn = {"name": "s", "parameters": {"type": "object"}, "required": required}
        return [{"type": "function", "function": fn}]

    as_list, as_tuple = ToolSchemas(tools(["q"])), ToolSchemas(tools(("q",)))
    assert as_list.notes == ["s: required ['q'] beside parameters -> inside them"]
    assert as_tuple.notes == []
    assert as_list.schemas != as_tuple.schemas


REFUSED = [
    {"minimum": "1"},  # a bound that is not a number
    {"minimum": True},
    {"maxLength": 2.0},  # a size that is not an integer
    {"type": "decimal"},  # a type name Draft 2020-12 does not have
    {"type": ["string", 3]},
    {"enum": "abc"},  # an enum that is not a list
    {"pattern": 3},
    {"pattern": "(unclosed"},  # a pattern Python cannot compile
    {"items": {"contains": {}}},  # an inner schema with a keyword it does not know
    {"properties": []},
    {"required": "a"},
    {"properties": {"a": {"format": "date", "oneOf": []}}},
    {"additionalProperties": {"not": {}}},
]


def test_a_schema_it_cannot_read_is_left_to_jsonschema() -> None:
    """Refusing (None) is always safe: the caller then asks jsonschema, so a malformed
    or unfamiliar keyword can never make the fast check say "valid" wrongly."""
    for schema in REFUSED:
        assert quick_check(schema) is None, schema
