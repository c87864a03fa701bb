"""Wild tool schemas normalised to JSON Schema, with notes; cached validators."""

from __future__ import annotations

from pipeline.formats.schema import ToolSchemas, _compiled, canonical


def _tool(name: str, parameters: object) -> dict:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


WILD = {
    "type": "dict",
    "properties": {
        "query": {"type": "str", "required": True},
        "limit": {"type": "int", "required": False},
        "price": {"type": "float"},
        "tags": {"type": "tuple", "items": {"type": "str"}},
        "extra": {"type": "any"},
        "mode": {"type": "String", "enum": ["a", "b"]},
        "nested": {"type": "object", "properties": {"x": {"type": ["float", "None"]}}},
    },
}


def test_wild_types_and_required_flags_are_normalised_and_noted() -> None:
    schemas = ToolSchemas([_tool("shop.search", WILD)])
    notes = schemas.notes
    assert "shop.search: parameters.type: 'dict' -> 'object'" in notes
    assert (
        "shop.search: parameters.properties.extra.type: 'any' -> any value (constraint dropped)"
        in notes
    )
    assert "shop.search: parameters.properties.mode.type: 'String' -> 'string'" in notes
    assert "shop.search: parameters.properties.nested.properties.x.type: 'None' -> 'null'" in notes
    assert (
        "shop.search: parameters: per-property required flags on limit, query -> required ['query']"
        in notes
    )
    ok = {
        "query": "kettle",
        "price": 3.5,
        "tags": ["a"],
        "extra": {"any": 1},
        "nested": {"x": None},
    }
    assert schemas.validate("shop.search", ok) == (True, [])
    valid, errors = schemas.validate("shop.search", {"price": "cheap", "mode": "c"})
    assert valid is False
    assert errors == [
        "schema: arguments: 'query' is a required property",
        "schema: arguments.mode: 'c' is not one of ['a', 'b']",
        "schema: arguments.price: 'cheap' is not of type 'number'",
    ]


def test_standard_schema_needs_no_notes_and_unknown_names_have_no_verdict() -> None:
    params = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
    schemas = ToolSchemas([_tool("web.search", params), {"name": "bare", "parameters": None}])
    assert schemas.notes == [] and schemas.problems == []
    assert schemas.validate("web.search", {"q": "x"}) == (True, [])
    assert schemas.validate("bare", {"anything": 1}) == (True, [])  # no parameters: any object
    assert schemas.validate("other", {}) == (None, [])
    assert schemas.validate(None, {}) == (None, [])


def test_bad_tool_entries_are_problems_not_crashes() -> None:
    schemas = ToolSchemas([{"function": {}}, "x", _tool("t", [1, 2]), _tool("u", {"type": 7})])
    assert schemas.problems == [
        "tools[0]: no function name",
        "tools[1]: no function name",
        "tools[2] t: parameters is not an object",
    ]
    assert schemas.notes == ["u: parameters.type: dropped non-string type 7"]
    assert ToolSchemas("not a list").schemas == {}


def test_unknown_type_and_invalid_schema() -> None:
    schemas = ToolSchemas(
        [
            _tool("a", {"type": "object", "properties": {"x": {"type": "widget"}}}),
            _tool("b", {"type": "object", "minProperties": "three"}),
        ]
    )
    assert schemas.notes == [
        "a: parameters.properties.x.type: unknown type 'widget' (constraint dropped)"
    ]
    assert schemas.validate("a", {"x": object.__name__}) == (True, [])
    valid, errors = schemas.validate("b", {})
    assert valid is None and errors[0].startswith("b: tool schema is not valid JSON Schema")


def test_composite_keywords_and_draft4_tuple_items_are_walked() -> None:
    params = {
        "type": "object",
        "properties": {
            "v": {"anyOf": [{"type": "int"}, {"type": "str"}]},
            "pair": {"type": "list", "items": [{"type": "int"}, {"type": "bool"}]},
            "map": {"type": "object", "additionalProperties": {"type": "double"}},
        },
    }
    schemas = ToolSchemas([_tool("c", params)])
    assert "c: parameters.properties.pair.items: list form -> prefixItems" in schemas.notes
    assert schemas.validate("c", {"v": 1, "pair": [1, True], "map": {"k": 1.5}}) == (True, [])
    assert schemas.validate("c", {"v": 1.5})[0] is False
    assert schemas.validate("c", {"pair": ["x"]})[0] is False
    assert schemas.validate("c", {"map": {"k": "x"}})[0] is False


def test_validators_are_cached_by_canonical_text() -> None:
    first = {"type": "object", "properties": {"a": {"type": "int"}}}
    second = {"properties": {"a": {"type": "int"}}, "type": "object"}
    assert canonical(first) == canonical(second)
    ToolSchemas([_tool("x", first)])
    before = _compiled.cache_info().hits
    ToolSchemas([_tool("y", second)])
    assert _compiled.cache_info().hits == before + 1
