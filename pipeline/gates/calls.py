"""Independent judgement of every extracted call: JSON validity and schema validity.

The verifier does not take the extractor's word: it re-parses each call's
text from the teacher text and validates the arguments against the tool's
JSON Schema with its own validators. In DVC mode the schema is the registry's
(the header's registry fingerprint was checked against the same registry);
outside DVC, a file may offer its own tools, and the definition it offers wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jsonschema
import orjson
import referencing.exceptions
from jsonschema import Draft202012Validator

from pipeline.gates.schemacheck import Check, compile_check
from pipeline.gates.toolschema import UnusableSchema, usable_schema
from pipeline.tools.registry import Registry

# What jsonschema raises while validating with a schema that check_schema let
# through (an unknown type name, a $ref that resolves nowhere).
_SCHEMA_FAILURES = (
    jsonschema.exceptions.UnknownType,
    jsonschema.SchemaError,
    referencing.exceptions.Unresolvable,
)

# Schema keywords whose violation is "a value out of its declared range".
RANGE_KEYWORDS = frozenset(
    {
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
    }
)

# Entries a per-worker memo keeps before it starts over (bounds its memory).
MEMO_SIZE = 4096


@dataclass
class CallVerdict:
    index: int
    name: str | None
    arguments: Any
    json_valid: bool
    schema_errors: list[str] = field(default_factory=list)
    range_error: bool = False
    # False when no schema exists to judge the call by (extract's "no schema").
    schema_known: bool = True
    # Why the offered schema cannot judge the call (then schema_known is False).
    schema_problem: str | None = None

    @property
    def schema_valid(self) -> bool:
        return self.json_valid and not self.schema_errors


def span_chars(span: Any) -> tuple[int, int] | None:
    """The [start, end) characters of a span object, or None when it is missing or malformed."""
    if not isinstance(span, dict):
        return None
    chars = span.get("chars")
    if not isinstance(chars, list) or len(chars) != 2:
        return None
    start, end = chars
    # Plain ints (what JSON gives) first; the type checks spelled out rather than a
    # generator: called for every span twice.
    if type(start) is int and type(end) is int:
        return (start, end) if 0 <= start <= end else None
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and not isinstance(end, bool)
        and 0 <= start <= end
    ):
        return start, end
    return None


def parse_call_text(text: str) -> tuple[bool, str | None, Any]:
    """(valid, name, arguments): valid means a JSON object with a string name and object args."""
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:
        return False, None, None
    if not isinstance(obj, dict):
        return False, None, None
    name, arguments = obj.get("name"), obj.get("arguments")
    if not isinstance(name, str) or not isinstance(arguments, dict):
        return False, name if isinstance(name, str) else None, None
    return True, name, arguments


class Validators:
    """Cached JSON Schema validators: the registry's, and those of tools offered by items."""

    def __init__(
        self, registry: Registry, prefer_item_tools: bool, use_registry: bool = True
    ) -> None:
        self.registry = registry
        self.prefer_item_tools = prefer_item_tools
        # False for data made with other tools: a name they share with ours is
        # no reason to judge their call by our schema.
        self.use_registry = use_registry
        # name -> parameters schema of every registry tool (read for every item).
        self.parameters: dict[str, Any] = {
            name: registry.parameters(name) for name in registry.names
        }
        self._registry: dict[str, Draft202012Validator] = {
            name: Draft202012Validator(schema) for name, schema in self.parameters.items()
        }
        self._registry_bytes = {
            name: orjson.dumps(registry.get(name), option=orjson.OPT_SORT_KEYS)
            for name in registry.names
        }
        self._offered: dict[bytes, Draft202012Validator | str] = {}
        self._mismatch_memo: dict[bytes, list[str]] = {}
        # id of a validator kept above -> its plain-Python validity test (or None).
        self._checks: dict[int, Check | None] = {}
        # {tool: {top-level option: its schema maximum}}: what a range violation exceeds.
        self.maxima: dict[str, dict[str, float]] = {
            name: {
                key: spec["maximum"]
                for key, spec in (registry.parameters(name).get("properties") or {}).items()
                if isinstance(spec, dict) and isinstance(spec.get("maximum"), int | float)
            }
            for name in registry.names
        }

    def offered(self, tools: Any) -> dict[str, Any]:
        """name -> parameters of the tools an item offers (malformed entries are skipped)."""
        found: dict[str, Any] = {}
        for tool in tools if isinstance(tools, list) else ():
            function = tool.get("function", tool) if isinstance(tool, dict) else None
            if isinstance(function, dict) and isinstance(function.get("name"), str):
                found[function["name"]] = function.get("parameters")
        return found

    def mismatches(self, tools: Any) -> list[str]:
        """Offered tools whose definition differs from the current registry's.

        Remembered by the list's JSON bytes (a pure function of them): items offer a
        few dozen distinct tool lists, each tool otherwise serialised for every item."""
        if not isinstance(tools, list):
            return self._mismatches(tools)
        try:
            key = orjson.dumps(tools)
        except TypeError:  # not JSON (a non-string key): judged as it is
            return self._mismatches(tools)
        names = self._mismatch_memo.get(key)
        if names is None:
            if len(self._mismatch_memo) >= MEMO_SIZE:
                self._mismatch_memo.clear()
            names = self._mismatch_memo[key] = self._mismatches(tools)
        return list(names)

    def _mismatches(self, tools: Any) -> list[str]:
        names = []
        for tool in tools if isinstance(tools, list) else ():
            function = tool.get("function") if isinstance(tool, dict) else None
            name = function.get("name") if isinstance(function, dict) else None
            expected = self._registry_bytes.get(name) if isinstance(name, str) else None
            if expected is None or orjson.dumps(tool, option=orjson.OPT_SORT_KEYS) != expected:
                names.append(str(name))
        return names

    def validator(self, name: str, offered: dict[str, Any]) -> Draft202012Validator | str | None:
        """The validator for `name`; a string says why the offered schema is unusable."""
        if self.prefer_item_tools and name in offered:
            key = orjson.dumps(offered[name], option=orjson.OPT_SORT_KEYS)
            validator = self._offered.get(key)
            if validator is None:
                try:
                    validator = Draft202012Validator(usable_schema(offered[name]))
                except UnusableSchema as exc:
                    validator = str(exc)
                self._offered[key] = validator
            return validator
        return self._registry.get(name) if self.use_registry else None

    def judge(self, index: int, call_text: str | None, offered: dict[str, Any]) -> CallVerdict:
        if call_text is None:
            return CallVerdict(index, None, None, False, ["call not located"])
        valid, name, arguments = parse_call_text(call_text)
        verdict = CallVerdict(index, name, arguments, valid)
        if not valid or name is None:
            return verdict
        if offered and name not in offered:
            verdict.schema_errors.append(f"tool {name!r} is not offered to the model")
            return verdict
        validator = self.validator(name, offered)
        if validator is None and (not self.use_registry or self.prefer_item_tools) and not offered:
            # A file that offers no tools gives no schema to judge by: the call is
            # unknown (as extract's `schema_unknown`), not invalid.
            verdict.schema_known = False
            return verdict
        if validator is None:
            verdict.schema_errors.append(f"unknown tool {name!r}")
            return verdict
        if isinstance(validator, str):
            return _unusable(verdict, name, validator)
        if self._valid_without_jsonschema(validator, arguments):
            return verdict
        try:
            errors = list(validator.iter_errors(arguments))
        except _SCHEMA_FAILURES as exc:
            return _unusable(verdict, name, f"{type(exc).__name__}: {exc}".splitlines()[0])
        for error in errors:
            path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
            verdict.schema_errors.append(f"${path}: {error.message}")
            verdict.range_error = verdict.range_error or error.validator in RANGE_KEYWORDS
        verdict.schema_errors.sort()
        return verdict

    def _valid_without_jsonschema(self, validator: Draft202012Validator, arguments: Any) -> bool:
        """Whether the schema's plain-Python test passes the arguments: jsonschema would
        find no error then (`pipeline.gates.schemacheck`); any other call is its to judge."""
        key = id(validator)  # every validator stays referenced by this object
        if key not in self._checks:
            self._checks[key] = compile_check(validator.schema)
        check = self._checks[key]
        return check is not None and check(arguments)


def _unusable(verdict: CallVerdict, name: str, problem: str) -> CallVerdict:
    """A schema that cannot judge the call: the call is unknown, not invalid."""
    verdict.schema_known = False
    verdict.schema_problem = f"tool {name!r}: {problem}"
    return verdict
