"""A fast "valid" for the plain tool schemas most items use, before jsonschema.

Nearly every call is valid, and jsonschema spends most of its time walking a
valid instance (a Python generator per keyword and level). For a schema made
only of the keywords below, `quick_check` builds a plain Python predicate that
answers True exactly when Draft 2020-12 finds no error; any other keyword (and
``$schema``, ``$ref``, ``patternProperties``...) gives no predicate at all. The
predicate is only ever a shortcut to "no errors": False (or no predicate) sends
the call through jsonschema, which writes the error messages, so the verdicts
and messages are jsonschema's either way.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that assert nothing (annotations; `format` asserts only with a format
# checker, which the validators here do not get).
_ANNOTATIONS = frozenset(
    {"description", "title", "default", "examples", "format", "$comment", "deprecated"}
)
_TYPES: dict[str, Check] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "number": lambda v: type(v) is int or type(v) is float,
    # Draft 4 and later: a float with no fractional part is an integer too.
    "integer": lambda v: type(v) is int or (type(v) is float and v.is_integer()),
}
_NUMBER = _TYPES["number"]
# The types a parsed call's arguments may hold for the predicate to answer at all:
# anything else (a tuple from a Python-style call, a Decimal) goes to jsonschema.
_JSON = frozenset({dict, list, str, bool, int, float, type(None)})


def _number(value: Any) -> bool:
    return (type(value) is int or type(value) is float) and value == value


_RANGES: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
_SIZES = {"minLength": str, "maxLength": str, "minItems": list, "maxItems": list}


def _range(op: Callable[[Any, Any], bool], bound: Any) -> Check:
    return lambda v: not _NUMBER(v) or op(v, bound)


def _size(kind: type[Any], op: Callable[[Any, Any], bool], bound: int) -> Check:
    return lambda v: type(v) is not kind or op(len(v), bound)


def _bounds(schema: dict[str, Any]) -> list[Check] | None:
    """The size and range keywords, each a check that holds for other types."""
    checks: list[Check] = []
    for key, bound in schema.items():
        if key in _RANGES:
            if not _number(bound):
                return None
            checks.append(_range(_RANGES[key], bound))
        elif key in _SIZES:
            if type(bound) is not int:
                return None
            op = operator.ge if key.startswith("min") else operator.le
            checks.append(_size(_SIZES[key], op, bound))
    return checks


def quick_check(schema: Any) -> Check | None:
    """A predicate that is True only where Draft 2020-12 finds no error (and, for
    JSON values other than enum members of other types, exactly there), or None
    when the schema uses a keyword it does not know."""
    if schema is True:
        return lambda v: type(v) in _JSON
    if not isinstance(schema, dict):
        return None
    known = _ANNOTATIONS | {
        "type", "enum", "properties", "required", "additionalProperties", "items", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "minLength", "maxLength", "minItems", "maxItems",
    }  # fmt: skip
    if not set(schema) <= known:
        return None
    checks = _bounds(schema)
    if checks is None:
        return None
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not all(isinstance(n, str) and n in _TYPES for n in names):
            return None
        tests = [_TYPES[n] for n in names]
        checks.append(lambda v: any(t(v) for t in tests))
    if "enum" in schema:
        enum = schema["enum"]
        if not isinstance(enum, list):
            return None
        # Strings only: jsonschema's equality for other values (1 == 1.0, True != 1,
        # lists and objects) is left to jsonschema itself.
        strings = frozenset(e for e in enum if type(e) is str)
        checks.append(lambda v: type(v) is str and v in strings)
    if "pattern" in schema:
        if not isinstance(schema["pattern"], str):
            return None
        try:
            search = re.compile(schema["pattern"]).search
        except re.error:
            return None
        checks.append(lambda v: type(v) is not str or search(v) is not None)
    if "items" in schema:
        inner = quick_check(schema["items"])
        if inner is None:
            return None
        checks.append(lambda v: type(v) is not list or all(inner(x) for x in v))
    object_check = _object_check(schema)
    if object_check is None:
        return None
    checks.append(object_check)
    return lambda v: type(v) in _JSON and all(check(v) for check in checks)


def _object_check(schema: dict[str, Any]) -> Check | None:
    """properties, required and additionalProperties (a schema or a boolean)."""
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    extra = schema.get("additionalProperties", True)
    if not isinstance(properties, dict) or not isinstance(required, list):
        return None
    inner: dict[str, Check] = {}
    for name, subschema in properties.items():
        check = quick_check(subschema)
        if check is None:
            return None
        inner[name] = check
    if extra is False:
        other: Check | None = None
    else:
        other = quick_check(extra)
        if other is None:
            return None
    needed = tuple(required)

    def check_object(value: Any) -> bool:
        if type(value) is not dict:
            return True
        for key in needed:
            if key not in value:
                return False
        for key, item in value.items():
            own = inner.get(key)
            if own is None:
                if other is None or not other(item):
                    return False
            elif not own(item):
                return False
        return True

    return check_object
