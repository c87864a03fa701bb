"""Per-item records of the trainer-native exports (docs/exports.md), built in the worker.

Everything here is a pure function of one extracted item, so the parent only
routes finished bytes to files: the JSONL lines are serialised here, and the
TRL Parquet row reuses the item's `ExportRow`. Which split an item goes to is a
function of its id alone (`is_validation`), so it never depends on workers,
chunking, shards or input order.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import orjson

from pipeline.targets.sequence import CharRange

# Every export writes one JSONL line per item (TRL also a Parquet row, from ExportRow).
EXPORTS = ("trl", "axolotl", "llamafactory", "earlier")
FILTERS = (
    "scenario",
    "lang",
    "complexity",
    "adversarial",
    "expected_behaviour",
    "has_failed_attempt",
)


class TrainerRecords(NamedTuple):
    """What the parent needs per item: the split, the filter values, one line per export."""

    validation: bool
    filters: tuple[Any, ...]
    lines: dict[str, bytes]


def is_validation(item_id: str, share: float) -> bool:
    """True for the ids whose sha256 falls in the first `share` of the hash range."""
    head = int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "big")
    return head < share * 2**64


def filters(item: dict[str, Any]) -> dict[str, Any]:
    """The filter columns, from `metadata`; an item without metadata gets nulls.

    `adversarial` is the adversarial type (null: not adversarial); `has_failed_attempt`
    is whether any recorded attempt failed (null without metadata).
    """
    metadata = item.get("metadata")
    if not isinstance(metadata, dict):
        return dict.fromkeys(FILTERS)

    def text(key: str) -> str | None:
        value = metadata.get(key)
        return value if isinstance(value, str) else None

    adversarial = metadata.get("adversarial")
    attempts = metadata.get("attempts")
    return {
        "scenario": text("scenario"),
        "lang": text("lang"),
        "complexity": text("complexity"),
        "adversarial": adversarial.get("type") if isinstance(adversarial, dict) else None,
        "expected_behaviour": text("expected_behaviour"),
        "has_failed_attempt": any(
            isinstance(a, dict) and a.get("ok") is False for a in attempts or ()
        ),
    }


def _line(record: Any) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE)


def _tool_with_string_parameters(tool: Any) -> Any:
    """axolotl decodes a tool's `parameters` when it is a JSON string; as a string it keeps
    one Arrow type across items whose schemas differ (docs/exports.md, "tools")."""
    if not isinstance(tool, dict) or not isinstance(tool.get("function"), dict):
        return tool
    function = dict(tool["function"])
    if "parameters" in function and not isinstance(function["parameters"], str):
        function["parameters"] = orjson.dumps(function["parameters"]).decode("utf-8")
    return {**tool, "function": function}


def segments(length: int, spans: list[tuple[str, CharRange]], train: bool) -> list[dict[str, Any]]:
    """A partition of [0, length) into axolotl `training_detail` segments.

    axolotl's offsets are inclusive (`end_offset` is the last character: its token
    offsets run to the next token's start minus one), so a half-open [s, e) becomes
    begin_offset s, end_offset e - 1. Spans never overlap (a call's name precedes its
    arguments; integration spans lie in answers); empty ones are dropped.
    """
    out: list[dict[str, Any]] = []

    def add(start: int, end: int, kind: str) -> None:
        out.append({"begin_offset": start, "end_offset": end - 1, "train": train, "kind": kind})

    pos = 0
    for kind, (start, end) in sorted(spans, key=lambda s: s[1]):
        if end <= start or start < pos:
            continue
        if start > pos:
            add(pos, start, "text")
        add(start, end, kind)
        pos = end
    if pos < length:
        add(pos, length, "text")
    return out


class ItemView(NamedTuple):
    """One extracted item as the export builders see it (all in sequence coordinates)."""

    item_id: str
    messages: list[dict[str, Any]]
    tools: list[Any]
    text: str  # the rendered training sequence
    regions: list[CharRange | None]  # assistant turns, in turn order
    quiet: set[int]  # assistant turns that take no loss (failed attempts)
    spans: list[tuple[str, CharRange]]  # (kind, chars) of every placed call and answer span
    eot: str  # the end-of-turn text a region ends with
    # `messages` and `tools` as orjson wrote them for the training row (None: written
    # here), so that the lines splice those bytes in instead of serialising them again.
    messages_json: str | None = None
    tools_json: str | None = None


def axolotl_messages(view: ItemView) -> list[dict[str, Any]]:
    """Messages whose assistant `content` is the text the template renders for that turn,
    tool calls included, so `training_detail` offsets (into content) reach the tool-name
    and argument spans. Rendering these messages with the same template gives the
    training sequence again (tested); a turn whose region is unknown keeps its message."""
    out: list[dict[str, Any]] = []
    turn = 0
    for message in view.messages:
        if message.get("role") != "assistant":
            record = {k: v for k, v in message.items() if k in ("role", "content", "name")}
            record["content"] = record.get("content") or ""
            record["training"] = False
            record["training_detail"] = []
            out.append(record)
            continue
        region = view.regions[turn] if turn < len(view.regions) else None
        trained = turn not in view.quiet
        turn += 1
        if region is None:
            out.append({**message, "training": trained, "training_detail": []})
            continue
        start, end = region
        content = view.text[start:end]
        if view.eot and content.endswith(view.eot):
            content = content[: -len(view.eot)]
        inside = [
            (kind, (s - start, e - start))
            for kind, (s, e) in view.spans
            if start <= s and e <= start + len(content)
        ]
        out.append(
            {
                "role": "assistant",
                "content": content,
                "training": trained,
                "training_detail": segments(len(content), inside, trained),
            }
        )
    return out


def llamafactory_conversation(
    messages: list[dict[str, Any]],
) -> tuple[str, list[dict[str, str]]]:
    """(system, conversations) in LLaMA-Factory's ShareGPT roles.

    An assistant turn with calls becomes one `function_call` (its value the JSON of
    the call, or of the list of calls when there are several). Text beside calls in
    the same turn is not kept: a `gpt` turn next to a `function_call` turn would
    break the alternation LLaMA-Factory requires (the generator writes none).
    Consecutive tool results become one `observation` (joined by newlines), for the
    same reason.
    """
    system = ""
    conversations: list[dict[str, str]] = []
    for i, message in enumerate(messages):
        role, content = message.get("role"), message.get("content")
        text = content if isinstance(content, str) else orjson.dumps(content).decode("utf-8")
        if role == "system" and i == 0:
            system = text
        elif role == "assistant" and message.get("tool_calls"):
            calls = [
                {"name": fn.get("name"), "arguments": fn.get("arguments")}
                for call in message["tool_calls"]
                for fn in [call.get("function", call)]
            ]
            value = calls[0] if len(calls) == 1 else calls
            conversations.append({"from": "function_call", "value": _text(value)})
        elif role == "assistant":
            conversations.append({"from": "gpt", "value": text})
        elif role == "tool":
            if conversations and conversations[-1]["from"] == "observation":
                conversations[-1]["value"] += "\n" + text
            else:
                conversations.append({"from": "observation", "value": text})
        else:
            conversations.append({"from": "human", "value": text})
    return system, conversations


def _text(value: Any) -> str:
    return orjson.dumps(value).decode("utf-8")


def _tail(flt: dict[str, Any]) -> bytes:
    """The end of a line whose last fields are the filter values (`_spliced`)."""
    return b"," + _line(flt)[1:] if flt else b"}\n"


def _spliced(item_id: str, fields: tuple[tuple[bytes, bytes], ...], tail: bytes) -> bytes:
    """``_line({"id": item_id, **fields, **flt})`` byte for byte, the `fields` given as
    (plain key, JSON value) and `tail` as `_tail(flt)`: orjson writes an object as
    ``{``, then ``"key":value`` pairs joined by ``,``, then ``}``, so JSON written
    once goes in as it is (the filter values once per item, for every export)."""
    parts = [b'{"id":', orjson.dumps(item_id)]
    for key, value in fields:
        parts += [b',"', key, b'":', value]
    parts.append(tail)
    return b"".join(parts)


def _json(cached: str | None, value: Any) -> bytes:
    return cached.encode("utf-8") if cached is not None else orjson.dumps(value)


def trl_line(view: ItemView, tail: bytes) -> bytes:
    """The TRL line: the row's messages and tools JSON spliced in."""
    messages = _json(view.messages_json, view.messages)
    return _spliced(view.item_id, ((b"messages", messages), (b"tools", _tools_json(view))), tail)


def _tools_json(view: ItemView) -> bytes:
    return _json(view.tools_json, view.tools)


@lru_cache(maxsize=64)
def _axolotl_tools_of(tools_json: bytes) -> bytes:
    """Items share a handful of tool sets: each set's axolotl form is written once per
    process. Reading orjson's bytes back gives the same value, so the same output."""
    return orjson.dumps([_tool_with_string_parameters(t) for t in orjson.loads(tools_json)])


def axolotl_line(view: ItemView, tail: bytes) -> bytes:
    """The axolotl line: the messages as `axolotl_messages` gives them, the tools with
    string parameters (`_tool_with_string_parameters`)."""
    messages = orjson.dumps(axolotl_messages(view), option=orjson.OPT_SERIALIZE_NUMPY)
    if view.tools_json is not None:
        tools = _axolotl_tools_of(view.tools_json.encode("utf-8"))
    else:
        tools = orjson.dumps([_tool_with_string_parameters(t) for t in view.tools])
    return _spliced(view.item_id, ((b"messages", messages), (b"tools", tools)), tail)


@lru_cache(maxsize=64)
def _string_json(text: str) -> bytes:
    """A tool set's JSON text as a JSON string (LLaMA-Factory's `tools`), written
    once per tool set: items share a handful."""
    return orjson.dumps(text)


def llamafactory_line(view: ItemView, tail: bytes) -> bytes:
    """The LLaMA-Factory line: `llamafactory_conversation`, the tools as a JSON string."""
    system, conversations = llamafactory_conversation(view.messages)
    tools = view.tools_json if view.tools_json is not None else _text(view.tools)
    fields = (
        (b"conversations", orjson.dumps(conversations)),
        (b"system", orjson.dumps(system)),
        (b"tools", _string_json(tools)),
    )
    return _spliced(view.item_id, fields, tail)


def earlier_record(
    item: dict[str, Any],
    ids: np.ndarray,
    calls: list[dict[str, Any]],
    json_valid: list[bool],
    masks: dict[str, bytes],
) -> dict[str, Any]:
    """The fields the earlier version's trainer read, defined on our training sequence.

    `calls` are the trained calls' token ranges in the sequence ({"name", "args"}).
    """
    length = int(ids.size)
    valid = bytearray(length)
    names: list[list[int]] = []
    gold: list[list[int]] = []
    for call, ok in zip(calls, json_valid, strict=True):
        name, args = call["name"], call["args"]
        names.append(ids[name[0] : name[1]].tolist() if name else [])
        gold.append(ids[args[0] : args[1]].tolist() if args else [])
        if ok and args:
            valid[args[0] : args[1]] = b"\x01" * (args[1] - args[0])
    metadata = item.get("metadata")
    fields = metadata.get("tool_result_fields") if isinstance(metadata, dict) else None
    return {
        "tool_name_ids": names,
        "tool_name_mask": np.frombuffer(masks["tool_name"], dtype=np.int8),
        "gold_json_text_ids": gold,
        "mask_valid_json_tokens": np.frombuffer(bytes(valid), dtype=np.int8),
        "integration_mask": np.frombuffer(masks["integration"], dtype=np.int8),
        "tool_result_fields": fields if isinstance(fields, dict) else {},
    }


def trainer_records(
    exports: tuple[str, ...],
    share: float,
    item: dict[str, Any],
    view: ItemView,
    row_arrays: dict[str, Any],
) -> TrainerRecords:
    """The lines of every selected export for one item."""
    flt = filters(item)
    tail = _tail(flt)
    lines: dict[str, bytes] = {}
    base = {"id": view.item_id}
    if "trl" in exports:
        lines["trl"] = trl_line(view, tail)
    if "axolotl" in exports:
        lines["axolotl"] = axolotl_line(view, tail)
    if "llamafactory" in exports:
        lines["llamafactory"] = llamafactory_line(view, tail)
    if "earlier" in exports:
        record = earlier_record(
            item,
            row_arrays["ids"],
            row_arrays["calls"],
            row_arrays["json_valid"],
            row_arrays["masks"],
        )
        lines["earlier"] = _line(
            {
                **base,
                "input_ids": row_arrays["ids"],
                "labels": row_arrays["labels"],
                **record,
                **flt,
            }
        )
    return TrainerRecords(is_validation(view.item_id, share), tuple(flt.values()), lines)
