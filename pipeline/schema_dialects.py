"""The names tool schemas are written in, outside JSON Schema: tables only, no logic.

Published tool definitions use Python, TypeScript and hand-written type names
(``dict``, ``float``, ``str``, ``any``...). Extract's normaliser
(`pipeline.formats.schema`) and verify's own reader (`pipeline.gates.toolschema`)
must not share code, so that verify's verdicts do not share the extractor's
mistakes; they share these tables, which are facts about the dialects, so that
the two read the same names the same way.
"""

from __future__ import annotations

JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})

# Lower-cased type names -> JSON Schema types; None: any value (the constraint goes).
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
    "sequence": "array",
    "tuple": "array",
    "set": "array",
    "none": "null",
    "nonetype": "null",
    "any": None,
}

# JSON Schema keywords whose value is one subschema, a list of them, or a
# name -> subschema map.
ONE_SUBSCHEMA = (
    *("items", "additionalProperties", "not", "contains", "propertyNames"),
    *("if", "then", "else"),
)
MANY_SUBSCHEMAS = ("anyOf", "oneOf", "allOf", "prefixItems")
NAMED_SUBSCHEMAS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# A dict of nothing but these is a schema, never a bare {name: property} map.
SUBSCHEMA_KEYWORDS = frozenset({*ONE_SUBSCHEMA, *NAMED_SUBSCHEMAS})
