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

import re
from functools import lru_cache
from typing import Any

import jsonschema
import orjson

from pipeline.formats.quickcheck import Check, quick_check
from pipeline.schema_dialects import JSON_TYPES, TYPE_ALIASES
from pipeline.schema_dialects import MANY_SUBSCHEMAS as _MANY
from pipeline.schema_dialects import NAMED_SUBSCHEMAS as _NAMED
from pipeline.schema_dialects import ONE_SUBSCHEMA as _ONE
from pipeline.schema_dialects import SUBSCHEMA_KEYWORDS as _SUBSCHEMA


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


# Python typing spellings: `List[int]`, `Optional[str]`, `Dict[str, Any]`, `Union[a, b]`.
_GENERIC = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\[(.*)\]\s*$", re.DOTALL)
_OPTIONAL = re.compile(r"\s*,\s*optional\s*$", re.IGNORECASE)
_CONTAINERS = {"list": "array", "sequence": "array", "tuple": "array", "set": "array"}
_CONTAINERS |= {"dict": "object", "mapping": "object"}


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated parts of a type's brackets (`Dict[str, List[int]]`)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _type_expr(text: str) -> dict[str, Any] | None:
    """The JSON Schema a Python type spelling stands for; {} for any, None if unknown."""
    generic = _GENERIC.match(text)
    if generic is None:
        lowered = text.strip().lower()
        if lowered in JSON_TYPES:
            return {"type": lowered}
        if lowered in TYPE_ALIASES:
            target = TYPE_ALIASES[lowered]
            return {} if target is None else {"type": target}
        return None
    head, args = generic.group(1).split(".")[-1].lower(), _split_args(generic.group(2))
    inner = [_type_expr(a) for a in args]
    if any(i is None for i in inner):
        return None
    if head == "optional" and len(inner) == 1 and inner[0] is not None:
        # Optional[X] is X or None: the value may be null.
        kind = inner[0].get("type")
        if isinstance(kind, str):
            return {**inner[0], "type": [kind, "null"]}
        if isinstance(kind, list):
            return {**inner[0], "type": [*kind, *(["null"] if "null" not in kind else [])]}
        return inner[0]
    if head == "union":
        kinds = [i.get("type") for i in inner if i is not None]
        if not all(isinstance(k, str) for k in kinds) or not kinds:
            return {}
        return {"type": list(dict.fromkeys(kinds))}
    target = _CONTAINERS.get(head)
    if target == "array":
        return {"type": "array", **({"items": inner[0]} if len(inner) == 1 and inner[0] else {})}
    if target == "object":
        value = inner[1] if len(inner) == 2 else None
        return {"type": "object", **({"additionalProperties": value} if value else {})}
    return None


def _expand_type(value: str, where: str, notes: list[str]) -> dict[str, Any] | None:
    """A type string JSON Schema does not know, as a schema fragment (noted), or None."""
    text = value
    optional = bool(_OPTIONAL.search(text))
    if optional:
        text = _OPTIONAL.sub("", text)
        # Published data passes an optional parameter it does not set as null.
        notes.append(f"{where}.type: {value!r}: ', optional' -> not required, null allowed")
    if text == value and (text in JSON_TYPES or text.strip().lower() in TYPE_ALIASES):
        return None  # a plain name: `_normalise_type` handles it and writes its note
    fragment = _type_expr(text)
    if fragment is None:
        return None
    kind = fragment.get("type")
    if optional and isinstance(kind, str | list):
        kinds = kind if isinstance(kind, list) else [kind]
        fragment = {**fragment, "type": [*kinds, *(["null"] if "null" not in kinds else [])]}
    shown = fragment.get("type", "any value")
    if text != value or fragment != {"type": text}:
        notes.append(
            f"{where}.type: {text!r} -> {shown!r}" + (" with items" * ("items" in fragment))
        )
    return fragment


def _property_spec(value: Any) -> bool:
    """One property's spec: an object with a type name, or with only a description."""
    if not isinstance(value, dict):
        return False
    kind = value.get("type")
    return isinstance(kind, str | list) or (
        kind is None and isinstance(value.get("description"), str)
    )


def _bare_properties(schema: Any) -> bool:
    """A parameters object written as a bare {name: property} map (xLAM, some exports).

    Decided by shape, not by key names, because parameters are often called
    ``type``, ``items`` or ``required``: every value of a bare map is a property
    spec (an object with a type name or a description), while a JSON Schema
    object holds a ``type`` *name* (``"object"``), a ``properties`` map of
    subschemas, lists or booleans. So ``{"type": {"type": "str"}}`` is one
    parameter named ``type`` and ``{"type": "object"}`` is a schema. The one
    shape both could be, only subschema keywords whose values look like specs
    (``{"not": {"type": "integer"}}``), is read as a schema, as the keywords say.
    """
    return (
        isinstance(schema, dict)
        and bool(schema)
        and not all(key in _SUBSCHEMA for key in schema)
        and all(map(_property_spec, schema.values()))
    )


def _normalise(schema: Any, where: str, notes: list[str]) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type":
            fragment = _expand_type(value, where, notes) if isinstance(value, str) else None
            if fragment is not None:
                out.update({k: v for k, v in fragment.items() if k == "type" or k not in schema})
                continue
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
    schema = orjson.loads(text)
    if _bare_properties(schema):
        notes.append("parameters: a bare property map -> an object schema with those properties")
        schema = {"type": "object", "properties": schema}
    schema = _normalise(schema, "parameters", notes)
    if isinstance(schema, dict) and not schema:
        schema = {"type": "object"}
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return None, tuple(notes), f"tool schema is not valid JSON Schema: {exc.message}"
    return cls(schema), tuple(notes), None


@lru_cache(maxsize=1024)
def _quick(text: str) -> Check | None:
    """The fast "no errors" predicate of one canonical schema text (`quick_check`),
    for the default Draft 2020-12 validators only."""
    validator, _, _ = _compiled(text)
    if type(validator) is not jsonschema.Draft202012Validator or validator.format_checker:
        return None
    return quick_check(validator.schema)


Read = tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]  # schemas, notes, problems


def _read_tools(tools: Any) -> Read:
    schemas: dict[str, str] = {}
    all_notes: list[str] = []
    problems: list[str] = []
    for i, tool in enumerate(tools if isinstance(tools, list) else []):
        fn = tool.get("function", tool) if isinstance(tool, dict) else None
        name = fn.get("name") if isinstance(fn, dict) else None
        if not isinstance(name, str):
            problems.append(f"tools[{i}]: no function name")
            continue
        params = fn.get("parameters", {}) if isinstance(fn, dict) else {}
        if params is None:
            params = {}
        if not isinstance(params, dict | bool):
            problems.append(f"tools[{i}] {name}: parameters is not an object")
            continue
        beside = fn.get("required") if isinstance(fn, dict) else None
        if isinstance(beside, list) and isinstance(params, dict) and "required" not in params:
            # Some exports put `required` next to `parameters` instead of inside it.
            params = {**params, "required": beside}
            all_notes.append(f"{name}: required {beside} beside parameters -> inside them")
        text = canonical(params)
        schemas.setdefault(name, text)
        _, notes, _ = _compiled(text)
        all_notes.extend(f"{name}: {note}" for note in notes)
    return schemas, tuple(all_notes), tuple(problems)


# Items share a handful of tool sets (extract reads each item's twice): what a set
# reads as is kept per process, under orjson's serialisation of the value, which
# is exact (equal bytes, equal tools). Oldest out first past the bound.
READ_CACHE_ENTRIES = 256
_read_cache: dict[bytes, Read] = {}


def _keyed_exactly(tools: Any) -> bool:
    """Whether orjson's bytes tell these tools apart from any others they read unlike.

    orjson writes a tuple as a list, but reading tells a list of tools and a list
    ``required`` beside the parameters from tuples; a Python-literal tool list
    (`pipeline.formats.published`) may hold tuples. Anything else that reads
    differently also serialises differently."""
    if type(tools) is not list:
        return False
    for tool in tools:
        fn = tool.get("function", tool) if isinstance(tool, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("required"), tuple):
            return False
    return True


def read_tools(tools: Any) -> tuple[Read, bytes | None]:
    """(schemas by name, notes, problems) of an item's tools, memoised per tool set,
    with the orjson bytes of `tools` when they were written for the memo."""
    if not _keyed_exactly(tools):
        return _read_tools(tools), None
    try:
        key = orjson.dumps(tools)
    except orjson.JSONEncodeError:
        return _read_tools(tools), None  # not JSON (cannot come from a JSONL line)
    read = _read_cache.get(key)
    if read is None:
        read = _read_tools(tools)
        if len(_read_cache) >= READ_CACHE_ENTRIES:
            del _read_cache[next(iter(_read_cache))]
        _read_cache[key] = read
    return read, key


class ToolSchemas:
    """The tools offered to one item, by name, with normalised validators."""

    def __init__(self, tools: Any) -> None:
        (schemas, notes, problems), self.json = read_tools(tools)
        self.schemas: dict[str, str] = dict(schemas)
        self.notes: list[str] = list(notes)
        self.problems: list[str] = list(problems)

    def property_type(self, name: str, key: str) -> str | None:
        """The normalised JSON Schema type of one top-level argument: None when the
        schema does not list it or gives it no type, ``any`` when it gives several."""
        if name not in self.schemas:
            return None
        validator, _, _ = _compiled(self.schemas[name])
        props = validator.schema.get("properties") if validator is not None else None
        spec = props.get(key) if isinstance(props, dict) else None
        if not isinstance(spec, dict):
            return None
        kind = spec.get("type")
        if kind is None:
            return None  # no type: the reference parsers keep the text
        if isinstance(kind, list):
            # A nullable string stays a string; otherwise the first non-null type.
            named = [k for k in kind if isinstance(k, str) and k != "null"]
            kind = "string" if "string" in named else (named[0] if len(named) == 1 else None)
        return kind if isinstance(kind, str) else "any"

    def validate(self, name: str | None, arguments: Any) -> tuple[bool | None, list[str]]:
        """(schema_valid, errors): None when no schema is known for `name`."""
        if name is None or name not in self.schemas:
            return None, []
        validator, _, problem = _compiled(self.schemas[name])
        if validator is None:
            return None, [f"{name}: {problem}"]
        quick = _quick(self.schemas[name])
        if quick is not None and quick(arguments):
            return True, []
        found = sorted(
            validator.iter_errors(arguments),
            key=lambda e: (list(map(str, e.absolute_path)), e.message),
        )
        errors = []
        for error in found:
            path = ".".join(str(p) for p in error.absolute_path)
            errors.append(f"schema: arguments{'.' + path if path else ''}: {error.message}")
        return not errors, errors
