"""The verifier's own reading of a tool schema offered by an item.

Published tool definitions are often not JSON Schema: Python type names
(``dict``, ``str``, ``float``), ``"str, optional"``, a bare ``{name: property}``
map for ``parameters`` (xLAM), a per-property ``"required": true``. jsonschema
raises on an unknown type name only when it validates, so such a schema would
crash verify. The verifier does not use the extractor's normaliser
(`pipeline.formats.schema`): its verdicts must not share the extractor's
mistakes; the two share only the tables of type names and keywords
(`pipeline.schema_dialects`, no code). This one is deliberately smaller: those
names, a shape test for bare maps, and a check of the result. A schema it still
cannot use is reported (``schema_unusable``) and its calls counted as unknown.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema

from pipeline.schema_dialects import JSON_TYPES, SUBSCHEMA_KEYWORDS, TYPE_ALIASES

_GENERIC = re.compile(r"([a-z_][\w.]*)\s*\[(.*)\]", re.DOTALL)


class UnusableSchema(ValueError):
    """A schema that cannot judge a call: the message says why."""


def _type_name(name: Any) -> tuple[list[str] | None, bool]:
    """(JSON Schema types or None for any value, nullable) for one type name.

    Python typing spellings are read by their outer name only (``List[int]`` is
    an array, ``Optional[X]`` is X or null, ``Union[a, b]`` a or b): the item
    types are left unchecked, which judges less than extract does but never
    wrongly."""
    if not isinstance(name, str):
        raise UnusableSchema(f"type {name!r} is not a name")
    text = name.strip().lower()
    optional = text.endswith(", optional")
    if optional:
        text = text[: -len(", optional")].strip()
    generic = _GENERIC.fullmatch(text)
    if generic is not None:
        head, inner = generic.group(1).split(".")[-1], generic.group(2)
        if head in ("optional", "union"):
            parts = [_type_name(part) for part in _top_level(inner)]
            if any(kinds is None for kinds, _ in parts):
                return None, optional
            kinds = [k for found, _ in parts for k in found or ()]
            return kinds, optional or head == "optional" or any(n for _, n in parts)
        text = head
    if text in JSON_TYPES:
        return [text], optional
    if text in TYPE_ALIASES:
        alias = TYPE_ALIASES[text]
        return (None if alias is None else [alias]), optional
    raise UnusableSchema(f"unknown type {name!r}")


def _top_level(text: str) -> list[str]:
    """The comma-separated parts of a type's brackets, nested brackets kept whole."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [p for p in (*parts, text[start:]) if p.strip()]


def _types(value: Any) -> Any:
    names = value if isinstance(value, list) else [value]
    out: list[str] = []
    for name in names:
        found, nullable = _type_name(name)
        if found is None:
            return None
        out += [*found, *(["null"] if nullable else [])]
    unique = list(dict.fromkeys(out))
    return unique[0] if len(unique) == 1 else unique


def _is_property(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    kind, described = value.get("type"), isinstance(value.get("description"), str)
    return isinstance(kind, str | list) or (kind is None and described)


def is_bare_map(schema: Any) -> bool:
    """A ``{name: property}`` map: every value is a property spec, whatever the names
    (a parameter may be called ``type`` or ``items``); a dict of subschema keywords
    only is a schema."""
    return (
        isinstance(schema, dict)
        and bool(schema)
        and not all(k in SUBSCHEMA_KEYWORDS for k in schema)
        and all(_is_property(v) for v in schema.values())
    )


def _walk(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_walk(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            kind = _types(value)
            if kind is not None:
                out["type"] = kind
        elif key == "required" and isinstance(value, bool):
            continue  # lifted to the parent below
        elif key in ("properties", "patternProperties", "$defs", "definitions") and isinstance(
            value, dict
        ):
            out[key] = {k: _walk(v) for k, v in value.items()}
        elif isinstance(value, dict | list) and key not in ("enum", "const", "default", "examples"):
            out[key] = _walk(value)
        else:
            out[key] = value
    props = schema.get("properties")
    if isinstance(props, dict):
        flagged = [k for k, v in props.items() if isinstance(v, dict) and v.get("required") is True]
        if flagged:
            given = out.get("required")
            listed = list(given) if isinstance(given, list) else []
            out["required"] = listed + [k for k in flagged if k not in listed]
    return out


def usable_schema(parameters: Any) -> Any:
    """A JSON Schema (draft 2020-12) for a tool's parameters; UnusableSchema if none."""
    if parameters is None or parameters == {}:
        return {"type": "object"}
    if isinstance(parameters, bool):
        return parameters
    if not isinstance(parameters, dict):
        raise UnusableSchema("parameters is not an object")
    if is_bare_map(parameters):
        parameters = {"type": "object", "properties": parameters}
    schema = _walk(parameters)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise UnusableSchema(f"not valid JSON Schema: {exc.message}") from exc
    return schema
