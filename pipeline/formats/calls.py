"""One tool call's text: a verdict (valid JSON? what went wrong?) and where its parts are.

The strict parse decides ``json_valid`` and ``arguments``; the tolerant scan
(`pipeline.formats.scan`) decides the spans, for valid and broken calls alike,
so that a malformed call still has exactly one name span and one argument span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from pipeline.formats.scan import scan_object, scan_valid_object
from pipeline.records import MAX_JSON_DEPTH, nesting_exceeds

# The opening tag of a Qwen3-Coder XML call: ``<function=NAME>``.
_XML_NAME = re.compile(r"\s*<function=([^\W\d][\w.\-]*)>")
# Keys under which calls in the wild carry their arguments, in order of preference.
ARGUMENT_KEYS = ("arguments", "parameters")


@dataclass
class CallParse:
    """Offsets are absolute in the text given to `parse_call`."""

    name: str | None
    arguments: Any
    json_valid: bool
    errors: list[str] = field(default_factory=list)
    name_span: tuple[int, int] | None = None
    args_span: tuple[int, int] | None = None
    call_span: tuple[int, int] = (0, 0)
    schema_valid: bool | None = None


def _decode_string_arguments(value: str, errors: list[str]) -> Any:
    """Arguments sent as a JSON string: decoded when it holds an object, kept otherwise."""
    try:
        decoded = orjson.loads(value)
    except orjson.JSONDecodeError:
        errors.append("arguments is a string that is not JSON, where an object is expected")
        return value
    if isinstance(decoded, dict):
        errors.append("arguments is a JSON-encoded string, where an object is expected (decoded)")
        return decoded
    errors.append(f"arguments is a string holding JSON {type(decoded).__name__}, not an object")
    return value


def _strict(raw: str, errors: list[str]) -> tuple[bool, str | None, Any, str | None]:
    """(json_valid, name, arguments, arguments key) from the strict parse."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        errors.append(f"invalid JSON: {exc.msg} at char {exc.pos}")
        return False, None, None, None
    if nesting_exceeds(obj, raw):
        # Past the bound no record may hold (the writer, the template and the schema
        # validators all recurse): judged a broken call, never handed on.
        errors.append(f"invalid JSON: nested deeper than {MAX_JSON_DEPTH} levels")
        return False, None, None, None
    if not isinstance(obj, dict):
        errors.append(f"call is a JSON {type(obj).__name__}, not an object")
        return True, None, None, None
    name = obj.get("name")
    if not isinstance(name, str):
        errors.append("call has no string 'name'")
        name = None
    key = next((k for k in ARGUMENT_KEYS if k in obj), None)
    if key is None:
        errors.append("call has no 'arguments'")
        return True, name, None, None
    arguments = obj[key]
    if key != ARGUMENT_KEYS[0]:
        errors.append(f"arguments given under {key!r} instead of 'arguments'")
    if isinstance(arguments, str):
        arguments = _decode_string_arguments(arguments, errors)
    elif not isinstance(arguments, dict):
        errors.append(f"arguments is a JSON {type(arguments).__name__}, not an object")
    return True, name, arguments, key


def _scanned_name(raw: str, inner: tuple[int, int]) -> str:
    text = raw[inner[0] : inner[1]]
    if raw[inner[0] - 1] == '"':
        try:
            value = orjson.loads(raw[inner[0] - 1 : inner[1] + 1])
        except orjson.JSONDecodeError:
            return text
        return value if isinstance(value, str) else text
    return text


def parse_call(text: str, start: int, end: int) -> CallParse:
    """Judge and locate the call whose text is ``text[start:end]``."""
    raw = text[start:end]
    errors: list[str] = []
    json_valid, name, arguments, key = _strict(raw, errors)
    # A strictly valid call is located at C speed; the tolerant walk finds the same.
    scan = (scan_valid_object(raw) if json_valid else None) or scan_object(raw)
    if not json_valid:
        errors.extend(f"malformed call: {quirk}" for quirk in scan.quirks)
    name_field = scan.fields.get("name")
    if name is None and name_field is not None and name_field.inner is not None:
        name = _scanned_name(raw, name_field.inner)
    xml = _XML_NAME.match(raw) if not json_valid and name_field is None else None
    if xml is not None:
        # A Qwen XML call the XML reader could not take (not closed): the tag still
        # names the tool, so the broken call is reported under its name.
        errors.append("Qwen XML call not complete (no closing </function>)")
        return CallParse(
            name=xml.group(1),
            arguments=None,
            json_valid=False,
            errors=errors,
            name_span=(start + xml.start(1), start + xml.end(1)),
            args_span=None,
            call_span=(start, end),
        )
    args_field = scan.fields.get(key) if key else None
    if args_field is None:
        args_field = next((scan.fields[k] for k in ARGUMENT_KEYS if k in scan.fields), None)
    call_span = (start + max(scan.start, 0), start + (scan.end if scan.start >= 0 else len(raw)))
    return CallParse(
        name=name,
        arguments=arguments,
        json_valid=json_valid,
        errors=errors,
        name_span=(
            (start + name_field.inner[0], start + name_field.inner[1])
            if name_field is not None and name_field.inner is not None
            else None
        ),
        args_span=(
            (start + args_field.value_start, start + args_field.value_end)
            if args_field is not None
            else None
        ),
        call_span=call_span,
    )
