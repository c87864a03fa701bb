"""Every call in a teacher text, judged: JSON, schema, repetition, unknown tools."""

from __future__ import annotations

from typing import Any

from pipeline.formats import CallParse, Parsed, ToolSchemas, parse_call
from pipeline.formats.schema import canonical


def _call_key(call: CallParse, text: str) -> tuple[Any, ...]:
    if call.json_valid and call.arguments is not None:
        return (call.name, canonical(call.arguments))
    span = call.args_span or call.call_span
    return (call.name, text[span[0] : span[1]])


def judge_calls(parsed: Parsed, schemas: ToolSchemas) -> list[CallParse]:
    """The calls of `parsed` in order of appearance, each with its verdicts.

    A call repeated within one turn (no tool result in between) is flagged: a
    second identical request before any answer is a loop, not a retry. The
    same call after a tool result is a legitimate retry and is not flagged.
    """
    text = parsed.text
    calls: list[CallParse] = []
    turn_keys: dict[tuple[Any, ...], int] = {}
    for block in parsed.blocks:
        if block.kind == "result":
            turn_keys = {}
            continue
        if block.kind != "call":
            continue
        call = parse_call(text, block.start, block.end)
        if block.problem:
            call.errors.insert(0, block.problem)
        key = _call_key(call, text)
        if key in turn_keys:
            call.errors.append(f"repeats call #{turn_keys[key]} in the same turn")
        else:
            turn_keys[key] = len(calls)
        _validate(call, schemas)
        calls.append(call)
    return calls


def _validate(call: CallParse, schemas: ToolSchemas) -> None:
    if call.name is None:
        return
    if schemas.schemas and call.name not in schemas.schemas:
        call.errors.append(f"unknown tool {call.name!r}: not among the item's tools")
        return
    if not call.json_valid or call.arguments is None:
        return
    valid, errors = schemas.validate(call.name, call.arguments)
    call.schema_valid = valid
    call.errors.extend(errors)


def call_record(call: CallParse) -> dict[str, Any]:
    """The call's fields in the record's order (spans are added by the caller)."""
    return {
        "name": call.name,
        "arguments": call.arguments,
        "json_valid": call.json_valid,
        "schema_valid": call.schema_valid,
        "errors": list(call.errors),
    }
