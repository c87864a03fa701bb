"""Surface formats of the teacher text, gold spans, messages and result fields.

The call text is always ``json.dumps({"name": n, "arguments": a},
ensure_ascii=False)``, which is how the chat template renders a call, so the
characters of a call are the same in the teacher text and in the rendered
training sequence. Gold spans are taken while the text is assembled, as code
point offsets, and converted to UTF-8 byte offsets with `TextIndex`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pipeline.gen.episode import Call as Step
from pipeline.spans import TextIndex

FORMATS = ("hermes", "seed")
Pair = tuple[int, int]


# One encoder for all calls: json.dumps builds a new one per call for non-default options.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
# What `JSONEncoder.encode` runs for this encoder, called directly: a str goes to the
# string encoder, anything else to the C encoder built with the encoder's options, with
# a fresh circular-reference table. Skipping the two Python frames around them
# (`encode`, `iterencode`) is most of the cost of encoding a small result.
_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
# c_make_encoder's arguments after the table, as `iterencode` passes them.
_C_OPTIONS = (
    _ENCODER.default, _encode_str, _ENCODER.indent, _ENCODER.key_separator,
    _ENCODER.item_separator, _ENCODER.sort_keys, _ENCODER.skipkeys, _ENCODER.allow_nan,
)  # fmt: skip


def dumps(value: Any) -> str:
    """Exactly ``json.dumps(value, ensure_ascii=False)``."""
    if isinstance(value, str):
        return _encode_str(value)
    if _c_make_encoder is None:  # a Python without the C accelerator
        return _ENCODER.encode(value)
    return "".join(_c_make_encoder({}, *_C_OPTIONS)(value, 0))


def call_text(step: Step) -> tuple[str, Pair, Pair]:
    """(call JSON, name range, arguments range) with ranges relative to the call."""
    head = '{"name": ' + dumps(step.name) + ', "arguments": '
    args = step.arguments if isinstance(step.arguments, str) else dumps(step.arguments)
    name_start = len('{"name": "')
    return (
        head + args + "}",
        (name_start, name_start + len(step.name)),
        (len(head), len(head) + len(args)),
    )


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> Pair:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


def responses(steps: list[Step]) -> list[str]:
    """Each step's result as JSON: encoded once for the teacher text and the messages."""
    return [dumps(step.result) for step in steps]


def teacher_text(
    steps: list[Step],
    sentences: list[str],
    answer: str,
    surface: str,
    encoded: list[str] | None = None,
) -> tuple[str, dict[str, list[Pair]]]:
    """The assistant side in `surface` format and the gold ranges (in code points).

    `answer` is the whole final answer (for controls it has no integration
    sentences); `sentences` are the integration sentences it is made of;
    `encoded` the steps' `responses` when the caller has them.
    """
    if surface not in FORMATS:
        raise ValueError(f"generate.format: unknown surface format {surface!r}")
    if encoded is None:
        encoded = responses(steps)
    out = _Builder()
    gold: dict[str, list[Pair]] = {
        "tool_name_spans": [], "args_spans": [], "call_spans": [], "integration_spans": []
    }  # fmt: skip
    for step, result in zip(steps, encoded, strict=True):
        text, name, args = call_text(step)
        out.add("<tool_call>\n" if surface == "hermes" else "TOOL_CALL: ")
        start, end = out.add(text)
        gold["call_spans"].append((start, end))
        gold["tool_name_spans"].append((start + name[0], start + name[1]))
        gold["args_spans"].append((start + args[0], start + args[1]))
        if surface == "hermes":
            # Exactly dumps({"name": step.name, "content": step.result}).
            response = '{"name": ' + dumps(step.name) + ', "content": ' + result + "}"
            out.add(f"\n</tool_call>\n<tool_response>\n{response}\n</tool_response>\n")
        else:
            out.add(f"\nTOOL_RESULT: {result}\n")
    if steps and surface == "seed":
        out.add("Integration: ")
    base = out.length
    out.add(answer)
    cursor = 0
    for sentence in sentences:
        found = answer.index(sentence, cursor)
        cursor = found + len(sentence)
        gold["integration_spans"].append((base + found, base + cursor))
    return out.text(), gold


def gold_spans(text: str, gold: dict[str, list[Pair]]) -> dict[str, list[dict[str, list[int]]]]:
    offsets = [x for pairs in gold.values() for pair in pairs for x in pair]
    if text.isascii() and (not offsets or (min(offsets) >= 0 and max(offsets) <= len(text))):
        # A byte per character: the UTF-8 offsets are the code point offsets
        # (an offset out of bounds takes the long way, which raises as it always did).
        return {
            key: [{"chars": [s, e], "utf8": [s, e]} for s, e in pairs]
            for key, pairs in gold.items()
        }
    if not offsets or min(offsets) < 0 or max(offsets) > len(text):
        utf8 = TextIndex(text).utf8  # raises on the offset out of bounds, as it always did
        return {
            key: [{"chars": [s, e], "utf8": [utf8(s), utf8(e)]} for s, e in pairs]
            for key, pairs in gold.items()
        }
    # Each stretch between neighbouring offsets is encoded once, rather than the
    # whole prefix per offset (`TextIndex.utf8`): the same byte offsets.
    to_utf8: dict[int, int] = {}
    char = byte = 0
    for offset in sorted(set(offsets)):
        byte += len(text[char:offset].encode())
        char = offset
        to_utf8[offset] = byte
    return {
        key: [{"chars": [s, e], "utf8": [to_utf8[s], to_utf8[e]]} for s, e in pairs]
        for key, pairs in gold.items()
    }


def messages(
    prompt: str, steps: list[Step], answer: str, encoded: list[str] | None = None
) -> list[dict[str, Any]]:
    """The chat messages; `encoded` the steps' `responses` when the caller has them."""
    if encoded is None:
        encoded = responses(steps)
    out: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
    for step, result in zip(steps, encoded, strict=True):
        call = {"type": "function", "function": {"name": step.name, "arguments": step.arguments}}
        out.append({"role": "assistant", "content": "", "tool_calls": [call]})
        out.append({"role": "tool", "name": step.name, "content": result})
    out.append({"role": "assistant", "content": answer})
    return out


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    # The encoder writes an int (not a subclass) as str() does; a call costs far more.
    if type(value) is int:
        return str(value)
    return dumps(value)


def _child(child: Any, path: str, out: dict[str, str]) -> None:
    # A leaf is written here rather than by a `flatten` call: most values are leaves.
    if isinstance(child, str):
        out[path] = child
    elif type(child) is int:
        out[path] = str(child)
    elif isinstance(child, dict | list):
        flatten(child, path, out)
    else:
        out[path] = dumps(child)


def flatten(value: Any, prefix: str, out: dict[str, str]) -> None:
    """`{"a": {"b": [1, 2]}}` -> `{"a.b#0": "1", "a.b#1": "2"}`."""
    if isinstance(value, dict):
        for key, child in value.items():
            _child(child, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _child(child, f"{prefix}#{i}", out)
    else:
        out[prefix] = _scalar(value)


def result_fields(steps: list[Step]) -> dict[str, str]:
    """Flattened fields of the successful results; `call#i.` prefixes when several calls."""
    out: dict[str, str] = {}
    several = len(steps) > 1
    for i, step in enumerate(steps):
        if step.ok:
            flatten(step.result, f"call#{i}" if several else "", out)
    return out
