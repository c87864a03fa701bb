"""The plain-Python validity test agrees with jsonschema wherever it answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from pipeline.gates.calls import Validators
from pipeline.gates.schemacheck import compile_check
from pipeline.tools.registry import load_registry

REGISTRY = load_registry()


def jsonschema_valid(schema: dict[str, Any], instance: Any) -> bool:
    return not list(Draft202012Validator(schema).iter_errors(instance))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 1.0, 64.0, 120.5, 4096.0]),
    st.sampled_from(["", "python", "name", "utf-8", "en", "example.org", "a" * 3]),
    st.sampled_from(["https://example.org/a-b", "https://www.example.com", "http://example.org/"]),
    st.text(max_size=5),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=14), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


def arguments_for(name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects over the tool's own property names (and a stray one), so that most
    keywords are exercised, valid calls included."""
    keys = [*REGISTRY.parameters(name).get("properties", {}), "stray"]
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


@pytest.mark.parametrize("name", REGISTRY.names)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_test_agrees_with_jsonschema_on_each_tool(name: str, data: st.DataObject) -> None:
    schema = REGISTRY.parameters(name)
    check = compile_check(schema)
    assert check is not None  # the registry's schemas use only known keywords
    instance = data.draw(st.one_of(arguments_for(name), values))
    assert check(instance) == jsonschema_valid(schema, instance)


def test_valid_calls_of_every_tool_pass() -> None:
    calls = {
        "code.run": {"language": "python", "code": "print(1)", "timeout_s": 1.5, "args": ["a"]},
        "fs.list": {"dir": "src", "max_depth": 3.0, "size": {"min_bytes": 0}},
        "fs.read": {"path": "a.txt", "range": {"start": 1, "end": 2}},
        "fs.search": {"pattern": "x", "options": {"context_lines": 0}},
        "web.open": {"url": "https://www.example.org/a/b", "window": {"offset": 0, "length": 3}},
        "web.search": {"q": "redis", "filters": {"site": "example.net"}},
    }
    for name, arguments in calls.items():
        schema = REGISTRY.parameters(name)
        check = compile_check(schema)
        assert check is not None and check(arguments) and jsonschema_valid(schema, arguments)


@pytest.mark.parametrize(
    ("schema", "instance", "valid"),
    [
        ({"type": "integer"}, 3.0, True),
        ({"type": "integer"}, True, False),
        ({"type": "number", "minimum": 1}, False, False),
        ({"minimum": 1}, True, True),  # a bool is no number: the bound does not apply
        ({"type": ["string", "null"]}, None, True),
        ({"enum": ["a", "b"]}, "b", True),
        ({"enum": ["a", "b"]}, 1, False),
        ({"maxLength": 2}, "abc", False),
        ({"pattern": "^a"}, "ba", False),
        ({"pattern": "a"}, "ba", True),  # search, not match
        ({"additionalProperties": {"type": "string"}}, {"x": 1}, False),
        ({"additionalProperties": True, "properties": {"a": {"type": "string"}}}, {"b": 1}, True),
        ({"items": {"type": "string"}, "maxItems": 1}, ["a", "b"], False),
        ({"required": ["a"]}, [], True),  # required applies to objects only
        ({"type": ["object", "null"]}, {}, True),
        ({"type": ["object", "null"]}, [], False),
        ({"properties": {"a": {"type": "integer"}}, "additionalProperties": True}, {"b": 1}, True),
    ],
)
def test_keywords_mean_what_jsonschema_means(
    schema: dict[str, Any], instance: Any, valid: bool
) -> None:
    check = compile_check(schema)
    assert check is not None
    assert check(instance) is valid
    assert jsonschema_valid(schema, instance) is valid


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "x-custom": 1},
        {"$ref": "#/$defs/a", "$defs": {"a": {}}},
        {"type": "string", "format": "uri"},
        {"items": False},
        {"prefixItems": [{"type": "string"}], "items": {"type": "integer"}},
        {"patternProperties": {"^a": {}}, "additionalProperties": False},
        {"enum": [1, "a"]},
        {"type": []},
        {"type": "decimal"},
        {"pattern": "("},
        {"minimum": "1"},
        {"properties": {"a": {"anyOf": []}}},
        {"maxLength": 1.5},
        {"minItems": True},
        {"pattern": 3},
        {"required": "a"},
        {"properties": []},
        {"properties": {"a": {}}, "additionalProperties": {"format": "uri"}},
        # the keyword that needs its sibling comes first, so its own refusal is what counts
        {"additionalProperties": False, "properties": []},
        {"items": {"type": "integer"}, "prefixItems": [{"type": "string"}]},
        {"items": {"format": "uri"}},
        True,
    ],
)
def test_anything_else_is_left_to_jsonschema(schema: Any) -> None:
    assert compile_check(schema) is None


def test_judge_gives_jsonschema_verdicts_and_messages() -> None:
    """A refused call is judged by jsonschema: same errors as with no fast test at all."""
    validators = Validators(REGISTRY, prefer_item_tools=False)
    bare = Validators(REGISTRY, prefer_item_tools=False)
    bare._valid_without_jsonschema = lambda _validator, _arguments: False  # type: ignore[method-assign]
    texts = [
        '{"name": "fs.read", "arguments": {"path": "a", "max_lines": 5000}}',
        '{"name": "fs.read", "arguments": {"path": "a", "max_lines": 50}}',
        '{"name": "web.search", "arguments": {"q": "", "top_k": 0, "nope": 1}}',
        '{"name": "code.run", "arguments": {"language": "ruby", "code": "x"}}',
        '{"name": "code.run", "arguments": {"language": "python", "code": "x", "timeout_s": 2.0}}',
    ]
    for index, text in enumerate(texts):
        fast, slow = validators.judge(index, text, {}), bare.judge(index, text, {})
        assert fast == slow
    assert validators.judge(0, texts[0], {}).range_error
    assert validators.judge(1, texts[1], {}).schema_valid
