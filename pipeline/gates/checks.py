"""Small per-item checks; each returns None (ok) or a reason code.

Controls are judged on what the teacher text and messages contain (call and
result markers, call-shaped JSON, an `Integration:` line), never on a label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import orjson

from pipeline.gates.calls import CallVerdict
from pipeline.gen.plan import ADVERSARIAL, CONTROL_KINDS
from pipeline.gen.structure import structure_holds

CAWS_KEYS = ("tier", "max_files", "max_loc", "cov", "mut")
CALL_MARKERS = ("<tool_call>", "</tool_call>", "TOOL_CALL:", "<tool_response>", "TOOL_RESULT:")
CALL_JSON = re.compile(r'"name"\s*:\s*"[^"\n]*"\s*,\s*"(?:arguments|parameters)"\s*:')
INTEGRATION_LINE = re.compile(r"(?m)^[ \t]*Integration:")
REASONING_KEY = "teacher_reasoning_content"
REASONING_NEEDLE = f'"{REASONING_KEY}":'.encode()
REASONING_KEY_BYTES = REASONING_KEY.encode()
QUESTION = ("?", "¿")
# What a locale probe must show somewhere: a grouped number (1.234 / 1 234 with any
# space), a decimal comma (1234,5), or the locale's date (31.12.2024 / 31/12/2024).
_DECIMAL_COMMA = r"\b\d+,\d+\b"
LOCALE_FORMS = {
    "de": re.compile(
        rf"\b\d{{1,3}}(?:\.\d{{3}})+\b|{_DECIMAL_COMMA}|\b\d{{2}}\.\d{{2}}\.\d{{4}}\b"
    ),
    "es": re.compile(rf"\b\d{{1,3}}(?:\.\d{{3}})+\b|{_DECIMAL_COMMA}|\b\d{{2}}/\d{{2}}/\d{{4}}\b"),
    "fr": re.compile(
        rf"\b\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+\b|{_DECIMAL_COMMA}|\b\d{{2}}/\d{{2}}/\d{{4}}\b"
    ),
}


def control_kind(metadata: dict[str, Any]) -> str | None:
    behaviour = metadata.get("expected_behaviour")
    if behaviour in CONTROL_KINDS:
        return str(behaviour)
    return "control" if metadata.get("control") else None


def caws_line(prompt: Any) -> str:
    return prompt.split("\n", 1)[0] if isinstance(prompt, str) else ""


@lru_cache(maxsize=4096)
def caws_parses(line: str) -> bool:
    """The prompt's first line is exactly one `{"caws": {...}}` object with integer fields.

    Cached: a set holds a few hundred distinct headers, and every item's line is read
    twice (the label, and the request that follows it)."""
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(obj, dict) or list(obj) != ["caws"] or not isinstance(obj["caws"], dict):
        return False
    body = obj["caws"]
    return all(
        isinstance(body.get(k), int) and not isinstance(body.get(k), bool) for k in CAWS_KEYS
    )


# Call syntax of the published formats (Mistral tag, Qwen XML, Llama python tag, a
# bracketed pythonic call list, also one whose name is words with parenthesised words,
# as ToolACE's "[Directional Movement Index (DX)(symbol=..."; DeepSeek's tool tokens
# ``<｜tool▁...``, fullwidth bars and U+2581; Kimi K2's ``<|tool_call...``; GLM-4.5's
# argument tags and its call block, a name after ``<tool_call>``), and a JSON object
# with a name and its arguments. Verify's own reading, independent of the extractor's
# parsers.
CALL_LIKE = re.compile(
    r"\[TOOL_CALLS\]|<function=|<\|python_tag\|>"
    r"|\[\s*[^\W\d][\w.]*\s*\(\s*(?:\)|[^\W\d]\w*\s*=)"
    r"|\[\s*[^\W\d][\w.]*\((?:[^()\[\]]|\([^()]*\))*\)\s*[,\]]"
    r"|\[\s*[^\W\d][\w.\-]*(?:[ ]+[\w.\-/&+]+|[ ]*\([\w.\-/&+ ]*\))+"
    r"\s*\(\s*(?:\)|[^\W\d]\w*\s*=)"
    r"|<\uff5ctool\u2581|<\|tool_call|</?arg_(?:key|value)>"
    r"|<tool_call>\s*[^\W\d][\w.\-]*\s*</tool_call>"
)
CALL_LIKE_JSON = re.compile(r"""\{\s*["']name["']\s*:""")
CALL_LIKE_ARGS = re.compile(r"""["'](?:arguments|parameters)["']\s*:""")
# Hermes blocks in a content are read as calls (or judged as broken ones) by extract;
# a GLM block (a name after the tag, then an argument tag or the close) is not hermes.
HERMES_BLOCK = re.compile(
    r"<tool_(call|response)>(?!\s*[^\W\d][\w.\-]*\s*(?:<arg_key>|</tool_call>))"
    r".*?(?:</tool_\1>|\Z)",
    re.DOTALL,
)


def call_like_turns(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, evidence) for each assistant content that looks like a tool call, which
    an item should not carry as plain text: a call that no format parser read."""
    found = []
    messages = item.get("messages")
    for i, message in enumerate(messages if isinstance(messages, list) else ()):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str) or message.get("role") != "assistant":
            continue
        text = HERMES_BLOCK.sub(" ", content)
        hit = CALL_LIKE.search(text)
        start = hit.start() if hit else None
        name = CALL_LIKE_JSON.search(text)
        if name is not None and CALL_LIKE_ARGS.search(text, name.end()):
            start = name.start() if start is None else min(start, name.start())
        if start is not None:
            found.append((f"messages[{i}].content", text[start : start + 60]))
    return found


def reasoning_key_absent(raw: bytes) -> bool:
    """Whether the item parsed from JSON line `raw` cannot hold `REASONING_KEY` as a key.

    A key of the parsed value is a JSON string of the line, each character written
    as itself or escaped; the key's letters and underscore (ASCII) can be escaped
    only as `\\u00XX`. A line with neither the key's text nor a `\\u00` cannot hold
    it: two C scans of the bytes read, cheaper than writing the item again
    (`has_reasoning_content`, for every line that may hold it)."""
    return REASONING_KEY_BYTES not in raw and b"\\u00" not in raw


def has_reasoning_content(item: dict[str, Any]) -> bool:
    """`teacher_reasoning_content` as a key anywhere in the item.

    Serialised once (C speed) and searched: a key is written `"name":`, while
    the same text inside a string value has its quotes escaped, so values never match.
    """
    data = orjson.dumps(item)
    start = data.find(REASONING_NEEDLE)
    while start >= 0:
        if not _escaped(data, start):
            return True
        start = data.find(REASONING_NEEDLE, start + 1)
    return False


def reasoning_in_text(item: dict[str, Any]) -> str | None:
    """Where a `<think>` or `</think>` tag is in the trained assistant text (None: nowhere).

    Extract drops a leading reasoning block (`pipeline.formats.reasoning`); one it
    could not place (after some prose, unclosed) is still in the text, and would be
    trained as the visible answer."""
    texts = [("teacher_text", item.get("teacher_text"))]
    messages = item.get("messages")
    for i, message in enumerate(messages if isinstance(messages, list) else ()):
        if isinstance(message, dict) and message.get("role") == "assistant":
            texts.append((f"messages[{i}].content", message.get("content")))
    for where, text in texts:
        if isinstance(text, str) and ("<think>" in text or "</think>" in text):
            tag = "<think>" if "<think>" in text else "</think>"
            return f"{where} holds {tag}"
    return None


def _escaped(data: bytes, quote: int) -> bool:
    """Whether the quote at `quote` is escaped (preceded by an odd run of backslashes)."""
    backslashes = 0
    while quote - backslashes - 1 >= 0 and data[quote - backslashes - 1] == 0x5C:
        backslashes += 1
    return backslashes % 2 == 1


def final_answer(item: dict[str, Any]) -> str:
    """The last assistant message's text, or the whole teacher text without messages."""
    messages = [m for m in item.get("messages") or () if isinstance(m, dict)]
    if messages and messages[-1].get("role") == "assistant":
        content = messages[-1].get("content")
        if isinstance(content, str):
            return content
    text = item.get("teacher_text")
    return text if isinstance(text, str) else ""


def control_violations(item: dict[str, Any], targets: dict[str, Any]) -> list[str]:
    teacher = item.get("teacher_text")
    text = teacher if isinstance(teacher, str) else ""
    messages = [m for m in item.get("messages") or () if isinstance(m, dict)]
    reasons = []
    if (
        targets.get("calls")
        or any(marker in text for marker in CALL_MARKERS)
        or CALL_JSON.search(text)
        or any(m.get("tool_calls") or m.get("role") == "tool" for m in messages)
    ):
        reasons.append("control_tool_call")
    if targets.get("integration_spans") or INTEGRATION_LINE.search(text):
        reasons.append("control_integration")
    return reasons


def attempts_problem(metadata: dict[str, Any]) -> str | None:
    """Why the retry record disagrees with the calls and results, or None."""
    calls = metadata.get("call_sequence") or []
    results = metadata.get("tool_results") or []
    attempts = metadata.get("attempts")
    failed_results = [
        i for i, r in enumerate(results) if isinstance(r, dict) and r.get("ok") is False
    ]
    if attempts is None:
        if metadata.get("complexity") == "branching_error_recovery" and calls:
            return "error-recovery item without attempts"
        return "failed call without an attempt record" if failed_results else None
    if not isinstance(attempts, list) or not attempts:
        return "attempts is not a non-empty list"
    previous = -1
    for number, attempt in enumerate(attempts):
        index = attempt.get("call_index") if isinstance(attempt, dict) else None
        if (
            not isinstance(index, int)
            or isinstance(index, bool)
            or not previous < index < len(calls)
        ):
            return f"attempts[{number}].call_index is not a later call of call_sequence"
        previous = index
        ok = attempt.get("ok")
        result = results[index] if index < len(results) else None
        result_failed = isinstance(result, dict) and result.get("ok") is False
        if ok is False and (not attempt.get("error") or not result_failed):
            return f"attempts[{number}] failed without an error and a failed result"
        if ok is True and result_failed:
            return f"attempts[{number}] is ok but its result failed"
        if ok not in (True, False):
            return f"attempts[{number}].ok is not a boolean"
        retried = attempts[number + 1].get("call_index") if number + 1 < len(attempts) else None
        if (
            ok is False
            and isinstance(retried, int)
            and retried < len(calls)
            and calls[retried].get("name") != calls[index].get("name")
        ):
            return f"attempts[{number + 1}] retries a different tool"
    if attempts[-1].get("ok") is not True or all(a.get("ok") for a in attempts):
        return "attempts must end with a success after at least one failure"
    return None


def adversarial_problem(
    metadata: dict[str, Any],
    verdicts: Sequence[CallVerdict],
    answer: str,
    request: str = "",
    maxima: dict[str, dict[str, float]] | None = None,
) -> str | None:
    """The fault is the user's and the teacher's calls stay valid.

    range_violation: the request asks for more than a bounded option allows,
    every call is in range, and the answer states the maximum it used.
    malformed_json: the request pastes arguments that are not JSON, the first
    call sends them repaired, and no call is broken. ambiguity: a question.
    `maxima` is {tool: {option: schema maximum}}.
    """
    adversarial = metadata.get("adversarial")
    if not adversarial:
        return None
    kind = adversarial.get("type") if isinstance(adversarial, dict) else None
    if kind not in ADVERSARIAL or adversarial.get("expected") != ADVERSARIAL[kind]:
        return f"unknown adversarial label {adversarial!r}"
    if kind == "ambiguity":
        return None if any(q in answer for q in QUESTION) else "ambiguity without a question"
    if not verdicts or any(not v.schema_valid for v in verdicts):
        return f"{kind}: a teacher call is invalid; the fault must stay in the user's turn"
    if kind == "range_violation":
        return _clamped(verdicts, answer, request, maxima or {})
    return _repaired(verdicts[0], request)


_BIG = re.compile(r"(?<![\w.])\d+(?![\w.]\d)")


def _clamped(
    verdicts: Sequence[CallVerdict], answer: str, request: str, maxima: dict[str, dict[str, float]]
) -> str | None:
    asked = [int(n) for n in _BIG.findall(request)]
    for v in verdicts:
        for option, high in maxima.get(str(v.name), {}).items():
            value = v.arguments.get(option) if isinstance(v.arguments, dict) else None
            if value == high and any(n > high for n in asked) and f"{high:g}" in answer:
                return None
    return "range_violation: no call sent an option at its maximum that the request exceeded"


_PASTED = re.compile(r"\{.*\}", re.DOTALL)


def _repaired(first: CallVerdict, request: str) -> str | None:
    pasted = _PASTED.search(request)
    if pasted is None:
        return "malformed_json: the request pastes no arguments"
    text = pasted.group()
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    else:
        return "malformed_json: the pasted arguments are valid JSON"
    fixed = re.sub(r",\s*([}\]])", r"\1", text.replace("'", '"'))
    try:
        repaired = orjson.loads(fixed)
    except orjson.JSONDecodeError:
        return None  # broken past a mechanical repair: the teacher's reading cannot be checked
    if repaired != first.arguments:
        return "malformed_json: the first call does not send the pasted arguments repaired"
    return None


def structure_problem(
    structure: Any, verdicts: Sequence[CallVerdict], parameters: dict[str, Any]
) -> str | None:
    """flat_args must hold for every successful call, every other label for at least one."""
    judged = [
        v for v in verdicts if v.schema_valid and isinstance(parameters.get(str(v.name)), dict)
    ]
    if not judged or not isinstance(structure, str):
        return None
    try:
        holds = [structure_holds(structure, v.arguments, parameters[str(v.name)]) for v in judged]
    except ValueError:
        return f"unknown structure {structure!r}"
    return (
        None if shape_labelled(structure, holds) else f"arguments do not have the {structure} shape"
    )


def shape_labelled(structure: str, holds: Sequence[bool]) -> bool:
    """An item's calls have its labelled shape: every call for flat_args (no
    call may nest), at least one for any other label (a nested item may
    also make a plain call)."""
    return all(holds) if structure == "flat_args" else any(holds)


def locale_probe_ok(lang: Any, texts: Sequence[str]) -> bool:
    form = LOCALE_FORMS.get(lang) if isinstance(lang, str) else None
    return form is not None and any(form.search(text) for text in texts)
