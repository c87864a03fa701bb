"""Structure fidelity: do a call's arguments really have the labelled shape?

Checked against the tool's own `parameters` schema, so a label can only hold
when the schema constrains the value the way the label says:

- flat_args: every argument value is a scalar;
- nested_args: some argument is an object;
- arrays: some argument is an array;
- enums: some value (at any depth) is constrained by `enum` and is one of them;
- numeric_ranges: some number (at any depth) has a schema with minimum and maximum;
- optional_keys: some top-level key is not required.

``none`` is the label of an item that makes no call: no arguments have it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Leaf = tuple[Any, dict[str, Any]]


def _leaves(value: Any, schema: dict[str, Any]) -> Iterator[Leaf]:
    """Every (value, schema) pair under an object, depth first."""
    yield value, schema
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for key, child in value.items():
            yield from _leaves(child, properties.get(key) or {})
    elif isinstance(value, list):
        items = schema.get("items") or {}
        for child in value:
            yield from _leaves(child, items)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def structure_holds(structure: str, arguments: Any, parameters: dict[str, Any]) -> bool:
    """True when `arguments` has the shape `structure` names under `parameters`."""
    if structure == "none" or not isinstance(arguments, dict):
        return False
    values = list(arguments.values())
    if structure == "flat_args":
        return all(not isinstance(v, dict | list) for v in values)
    if structure == "nested_args":
        return any(isinstance(v, dict) for v in values)
    if structure == "arrays":
        return any(isinstance(v, list) for v in values)
    if structure == "optional_keys":
        required = set(parameters.get("required") or ())
        return any(key not in required for key in arguments)
    leaves = list(_leaves(arguments, parameters))[1:]
    if structure == "enums":
        return any("enum" in s and v in s["enum"] for v, s in leaves)
    if structure == "numeric_ranges":
        return any(_is_number(v) and "minimum" in s and "maximum" in s for v, s in leaves)
    raise ValueError(f"unknown structure {structure!r}")
