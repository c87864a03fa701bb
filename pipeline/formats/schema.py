"""Tool schemas from the wild, normalised to JSON Schema, and cached validators.

Tool definitions written by hand or exported from Python code use type names
that JSON Schema does not know (``dict``, ``float``, ``tuple``, ``any``,
``str``...) and mark required properties with a per-property
``"required": true``. Validating such a schema as-is either raises or, worse,
silently accepts everything. Each schema is normalised once, every change is
written down as a note, and the compiled validator is cached under the
canonical text of the original schema, so a dataset of thousands of items that
share a dozen tools compiles a dozen validators.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jsonschema
import orjson

# Python / TypeScript / hand-written names -> JSON Schema types; None drops the
# constraint (any value is accepted).
TYPE_ALIASES: dict[str, str | None] = {
    "dict": "object",
    "map": "object",
    "mapping": "object",
    "float": "number",
    "double": "number",
    "decimal": "number",
    "int": "integer",
    "long": "integer",
    "str": "string",
    "text": "string",
    "bool": "boolean",
    "list": "array",
    "tuple": "array",
    "set": "array",
    "none": "null",
    "nonetype": "null",
    "any": None,
}
JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
# Keywords whose value is one subschema, a list of them, or a name -> subschema map.
_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")
_MANY = ("anyOf", "oneOf", "allOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def canonical(value: Any) -> str:
    """Sorted-key compact JSON: the cache key and the text compared across items."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _normalise_type(value: Any, where: str, notes: list[str]) -> tuple[Any, bool]:
    """(new type value, keep): `keep` is False when the type constraint must go."""
    names = value if isinstance(value, list) else [value]
    out: list[str] = []
    for name in names:
        if not isinstance(name, str):
            notes.append(f"{where}.type: dropped non-string type {name!r}")
            return None, False
        lowered = name.strip().lower()
        if name in JSON_TYPES:
            out.append(name)
        elif lowered in JSON_TYPES:
            notes.append(f"{where}.type: {name!r} -> {lowered!r}")
            out.append(lowered)
        elif lowered in TYPE_ALIASES:
            target = TYPE_ALIASES[lowered]
            if target is None:
                notes.append(f"{where}.type: {name!r} -> any value (constraint dropped)")
                return None, False
            notes.append(f"{where}.type: {name!r} -> {target!r}")
            out.append(target)
        else:
            notes.append(f"{where}.type: unknown type {name!r} (constraint dropped)")
            return None, False
    unique = list(dict.fromkeys(out))
    return (unique if isinstance(value, list) else unique[0]), True


def _normalise(schema: Any, where: str, notes: list[str]) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            new, keep = _normalise_type(value, where, notes)
            if keep:
                out[key] = new
        elif key == "required" and isinstance(value, bool):
            # Per-property `required: true` is lifted to the parent by the caller.
            continue
        elif key in _ONE and isinstance(value, dict):
            out[key] = _normalise(value, f"{where}.{key}", notes)
        elif key in _MANY and isinstance(value, list):
            out[key] = [_normalise(v, f"{where}.{key}[{i}]", notes) for i, v in enumerate(value)]
        elif key == "items" and isinstance(value, list):
            # Draft-4 tuple form: a list of item schemas is `prefixItems` today.
            notes.append(f"{where}.items: list form -> prefixItems")
            out["prefixItems"] = [
                _normalise(v, f"{where}.items[{i}]", notes) for i, v in enumerate(value)
            ]
        elif key in _NAMED and isinstance(value, dict):
            out[key] = {k: _normalise(v, f"{where}.{key}.{k}", notes) for k, v in value.items()}
        else:
            out[key] = value
    props = schema.get("properties")
    if isinstance(props, dict):
        flagged = [k for k, v in props.items() if isinstance(v, dict) and v.get("required") is True]
        owners = [
            k
            for k, v in props.items()
            if isinstance(v, dict) and isinstance(v.get("required"), bool)
        ]
        if owners:
            required = out.get("required")
            merged = list(required) if isinstance(required, list) else []
            merged += [k for k in flagged if k not in merged]
            notes.append(
                f"{where}: per-property required flags on {', '.join(owners)} -> required {merged}"
            )
            if merged:
                out["required"] = merged
    return out


@lru_cache(maxsize=1024)
def _compiled(text: str) -> tuple[Any, tuple[str, ...], str | None]:
    """(validator or None, notes, schema error) for one canonical schema text."""
    notes: list[str] = []
    schema = _normalise(orjson.loads(text), "parameters", notes)
    if isinstance(schema, dict) and not schema:
        schema = {"type": "object"}
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return None, tuple(notes), f"tool schema is not valid JSON Schema: {exc.message}"
    return cls(schema), tuple(notes), None


class ToolSchemas:
    """The tools offered to one item, by name, with normalised validators."""

    def __init__(self, tools: Any) -> None:
        self.schemas: dict[str, str] = {}
        self.notes: list[str] = []
        self.problems: list[str] = []
        for i, tool in enumerate(tools if isinstance(tools, list) else []):
            fn = tool.get("function", tool) if isinstance(tool, dict) else None
            name = fn.get("name") if isinstance(fn, dict) else None
            if not isinstance(name, str):
                self.problems.append(f"tools[{i}]: no function name")
                continue
            params = fn.get("parameters", {}) if isinstance(fn, dict) else {}
            if params is None:
                params = {}
            if not isinstance(params, dict | bool):
                self.problems.append(f"tools[{i}] {name}: parameters is not an object")
                continue
            text = canonical(params)
            self.schemas.setdefault(name, text)
            _, notes, _ = _compiled(text)
            self.notes.extend(f"{name}: {note}" for note in notes)

    def validate(self, name: str | None, arguments: Any) -> tuple[bool | None, list[str]]:
        """(schema_valid, errors): None when no schema is known for `name`."""
        if name is None or name not in self.schemas:
            return None, []
        validator, _, problem = _compiled(self.schemas[name])
        if validator is None:
            return None, [f"{name}: {problem}"]
        found = sorted(
            validator.iter_errors(arguments),
            key=lambda e: (list(map(str, e.absolute_path)), e.message),
        )
        errors = []
        for error in found:
            path = ".".join(str(p) for p in error.absolute_path)
            errors.append(f"schema: arguments{'.' + path if path else ''}: {error.message}")
        return not errors, errors
