"""A plain-Python validity test for the simple schemas tools declare, run before jsonschema.

Most calls are valid, and jsonschema spends most of a call's judgement
walking a valid instance. `compile_check` turns a schema written with the
keywords below into a predicate with jsonschema's own semantics for each
(Draft 2020-12: which instance types a keyword applies to, bool is not a
number, 3.0 is an integer, `pattern` is `re.search`). A schema with any
other keyword (or a boolean subschema, `prefixItems`, `patternProperties`)
gets no predicate, and its calls go to jsonschema as before.

The predicate only decides that a call is valid: a call it refuses is
judged again by jsonschema, which gives the verdict and its messages. So a
verdict never rests on this module alone.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Annotations: they never make an instance invalid.
ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$comment"})


def _is_type(value: Any, name: str) -> bool:
    """jsonschema's Draft 2020-12 type checker, for one type name."""
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return not isinstance(value, bool) and isinstance(value, numbers.Number)  # "number"


TYPE_NAMES = frozenset({"object", "array", "string", "boolean", "null", "integer", "number"})


def _type(spec: Any, schema: dict[str, Any]) -> Check | None:
    names = spec if isinstance(spec, list) else [spec]
    if not names or not all(isinstance(n, str) and n in TYPE_NAMES for n in names):
        return None
    if len(names) == 1:
        name = names[0]
        if name == "string":
            return lambda v: isinstance(v, str)
        if name == "object":
            return lambda v: isinstance(v, dict)
        return lambda v: _is_type(v, name)
    return lambda v: any(_is_type(v, n) for n in names)


def _enum(spec: Any, schema: dict[str, Any]) -> Check | None:
    # jsonschema's `equal` compares a string with anything by ==; only string enums here.
    if not isinstance(spec, list) or not all(isinstance(e, str) for e in spec):
        return None
    allowed = frozenset(spec)
    return lambda v: isinstance(v, str) and v in allowed


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


def _bound(spec: Any, below: bool) -> Check | None:
    if isinstance(spec, bool) or not isinstance(spec, int | float):
        return None
    if below:
        return lambda v: not _is_number(v) or not v < spec
    return lambda v: not _is_number(v) or not v > spec


def _length(spec: Any, kind: type[str] | type[list[Any]], at_least: bool) -> Check | None:
    if isinstance(spec, bool) or not isinstance(spec, int):
        return None
    if at_least:
        return lambda v: not isinstance(v, kind) or len(v) >= spec
    return lambda v: not isinstance(v, kind) or len(v) <= spec


def _pattern(spec: Any, schema: dict[str, Any]) -> Check | None:
    if not isinstance(spec, str):
        return None
    try:
        compiled = re.compile(spec)
    except re.error:
        return None  # jsonschema reports it
    return lambda v: not isinstance(v, str) or compiled.search(v) is not None


def _required(spec: Any, schema: dict[str, Any]) -> Check | None:
    if not isinstance(spec, list) or not all(isinstance(k, str) for k in spec):
        return None
    keys = tuple(spec)
    return lambda v: not isinstance(v, dict) or all(k in v for k in keys)


def _properties(spec: Any, schema: dict[str, Any]) -> Check | None:
    if not isinstance(spec, dict):
        return None
    checks = {}
    for key, subschema in spec.items():
        check = compile_check(subschema)
        if check is None:
            return None
        checks[key] = check
    pairs = tuple(checks.items())
    return lambda v: not isinstance(v, dict) or all(c(v[k]) for k, c in pairs if k in v)


def _additional(spec: Any, schema: dict[str, Any]) -> Check | None:
    if "patternProperties" in schema or not isinstance(schema.get("properties", {}), dict):
        return None
    known = frozenset(schema.get("properties", {}))
    if spec is True:
        return lambda v: True
    if spec is False:
        return lambda v: not isinstance(v, dict) or all(k in known for k in v)
    check = compile_check(spec)
    if check is None:
        return None
    return lambda v: (
        not isinstance(v, dict) or all(check(x) for k, x in v.items() if k not in known)
    )


def _items(spec: Any, schema: dict[str, Any]) -> Check | None:
    if "prefixItems" in schema:
        return None
    check = compile_check(spec)
    if check is None:
        return None
    return lambda v: not isinstance(v, list) or all(check(x) for x in v)


KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check | None]] = {
    "type": _type,
    "enum": _enum,
    "minimum": lambda spec, _schema: _bound(spec, below=True),
    "maximum": lambda spec, _schema: _bound(spec, below=False),
    "minLength": lambda spec, _schema: _length(spec, str, at_least=True),
    "maxLength": lambda spec, _schema: _length(spec, str, at_least=False),
    "minItems": lambda spec, _schema: _length(spec, list, at_least=True),
    "maxItems": lambda spec, _schema: _length(spec, list, at_least=False),
    "pattern": _pattern,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
}


def compile_check(schema: Any) -> Check | None:
    """A predicate that is True exactly when jsonschema finds no error in an instance,
    or None when the schema uses anything this module does not know."""
    if not isinstance(schema, dict):
        return None
    checks: list[Check] = []
    for keyword, spec in schema.items():
        if keyword in ANNOTATIONS:
            continue
        make = KEYWORDS.get(keyword)
        check = make(spec, schema) if make is not None else None
        if check is None:
            return None
        checks.append(check)
    bound = tuple(checks)

    def valid(value: Any) -> bool:
        # A plain loop, not all() over a generator: it runs for every call.
        for check in bound:  # noqa: SIM110
            if not check(value):
                return False
        return True

    return valid
