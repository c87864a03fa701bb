"""Small per-item checks; each returns None (ok) or a reason code.

Controls are judged on what the teacher text and messages contain (call and
result markers, call-shaped JSON, an `Integration:` line), never on a label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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


def caws_parses(line: str) -> bool:
    """The prompt's first line is exactly one `{"caws": {...}}` object with integer fields."""
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
    metadata: dict[str, Any], verdicts: Sequence[CallVerdict], answer: str
) -> str | None:
    adversarial = metadata.get("adversarial")
    if not adversarial:
        return None
    kind = adversarial.get("type") if isinstance(adversarial, dict) else None
    if kind not in ADVERSARIAL or adversarial.get("expected") != ADVERSARIAL[kind]:
        return f"unknown adversarial label {adversarial!r}"
    if kind == "ambiguity":
        return None if any(q in answer for q in QUESTION) else "ambiguity without a question"
    names = [c.get("name") for c in metadata.get("call_sequence") or ()]
    for i, bad in enumerate(verdicts):
        broken = (
            bad.json_valid and bad.range_error if kind == "range_violation" else not bad.json_valid
        )
        if not broken:
            continue
        for good in verdicts[i + 1 :]:
            same = i < len(names) and good.index < len(names) and names[i] == names[good.index]
            if good.schema_valid and same:
                return None
    return f"{kind}: no broken call followed by a corrected call of the same tool"


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
    ok = all(holds) if structure == "flat_args" else any(holds)
    return None if ok else f"arguments do not have the {structure} shape"


def locale_probe_ok(lang: Any, texts: Sequence[str]) -> bool:
    form = LOCALE_FORMS.get(lang) if isinstance(lang, str) else None
    return form is not None and any(form.search(text) for text in texts)
