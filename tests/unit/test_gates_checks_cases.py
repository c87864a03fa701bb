"""More per-item checks: the exact reason texts, retry records, adversarial repairs,
structure labels, reasoning-content keys, final answers and control texts."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates import checks
from pipeline.gates.calls import CallVerdict

KEY = "teacher_reasoning_content"
# Keys that only end with the name. Serialised, their quote before the name is
# escaped: `"\"teacher_reasoning_content":` and `"\\\"teacher_reasoning_content":`.
QUOTED = f'"{KEY}'
BACKSLASHED = f'\\"{KEY}'


def test_caws_line_is_only_the_first_line() -> None:
    header = '{"caws":{"tier":2,"max_files":25,"max_loc":1000,"cov":80,"mut":50}}'
    assert checks.caws_line(f"{header}\nRead the file\nthen summarise it") == header


@pytest.mark.parametrize(
    ("item", "found"),
    [
        ({QUOTED: 1}, False),
        ({BACKSLASHED: 1}, False),
        ({"pad": "x" * 300, QUOTED: 1}, False),
        ({KEY: "r", QUOTED: 1}, True),
        ({QUOTED: 1, KEY: "r"}, True),
        ({"a": {QUOTED: 1}, KEY: "r", "b": {QUOTED: 1}}, True),
        ({BACKSLASHED: 1, "meta": {KEY: None}}, True),
    ],
)
def test_reasoning_content_key_is_told_apart_from_keys_ending_with_its_name(
    item: dict[str, Any], found: bool
) -> None:
    assert checks.has_reasoning_content(item) is found


@pytest.mark.parametrize(
    ("messages", "answer"),
    [
        (
            [
                {"role": "user", "content": "q"},
                {"role": "tool", "content": "{}"},
                {"role": "assistant", "content": "A"},
            ],
            "A",
        ),
        (
            [
                {"role": "user", "content": "q"},
                {"role": "assistant", "content": "first"},
                {"role": "assistant", "content": "final"},
            ],
            "final",
        ),
        ([{"role": "user", "content": "q"}, {"role": "assistant", "content": None}], "T"),
    ],
)
def test_final_answer_is_the_last_assistant_message(
    messages: list[dict[str, Any]], answer: str
) -> None:
    assert checks.final_answer({"teacher_text": "T", "messages": messages}) == answer


def test_control_without_teacher_text_is_judged_on_its_messages() -> None:
    item: dict[str, Any] = {"teacher_text": None, "messages": [{"role": "user", "content": "q"}]}
    assert checks.control_violations(item, {}) == []
    item["messages"].append({"role": "tool", "content": "{}"})
    assert checks.control_violations(item, {}) == ["control_tool_call"]


CALLS3 = [{"name": "fs.read"}, {"name": "fs.read"}, {"name": "web.search"}]


@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        (
            {"complexity": "branching_error_recovery", "call_sequence": [{"name": "a"}]},
            "error-recovery item without attempts",
        ),
        (
            {"call_sequence": [{"name": "a"}], "tool_results": [{"ok": False}]},
            "failed call without an attempt record",
        ),
        ({"attempts": "once"}, "attempts is not a non-empty list"),
        (
            {
                "call_sequence": [{"name": "a"}],
                "attempts": [{"call_index": -1, "ok": True}],
            },
            "attempts[0].call_index is not a later call of call_sequence",
        ),
        (
            {"call_sequence": [{"name": "a"}], "attempts": ["first"]},
            "attempts[0].call_index is not a later call of call_sequence",
        ),
        (
            {"call_sequence": [{"name": "a"}], "attempts": [{"call_index": "0", "ok": True}]},
            "attempts[0].call_index is not a later call of call_sequence",
        ),
        (
            {
                "call_sequence": [{"name": "a"}, {"name": "a"}],
                "tool_results": [{"ok": False}, {"ok": True}],
                "attempts": [
                    {"call_index": 0, "ok": False, "error": "e"},
                    {"call_index": 2, "ok": True},
                ],
            },
            "attempts[1].call_index is not a later call of call_sequence",
        ),
        (
            {
                "call_sequence": CALLS3,
                "tool_results": [{"ok": False}, {"ok": False}, {"ok": True}],
                "attempts": [
                    {"call_index": 0, "ok": False, "error": "e"},
                    {"call_index": 1, "ok": False, "error": "e"},
                    {"call_index": 2, "ok": True},
                ],
            },
            "attempts[2] retries a different tool",
        ),
        (
            {
                "call_sequence": [{"name": "a"}, {"name": "b"}],
                "tool_results": [{"ok": False}, {"ok": True}],
                "attempts": [
                    {"call_index": 0, "ok": False, "error": "e"},
                    {"call_index": 1, "ok": True},
                ],
            },
            "attempts[1] retries a different tool",
        ),
        (
            {
                "call_sequence": [{"name": "a"}],
                "tool_results": [{"ok": True}],
                "attempts": [{"call_index": 0, "ok": True}],
            },
            "attempts must end with a success after at least one failure",
        ),
    ],
)
def test_retry_record_problems_are_named_exactly(metadata: dict[str, Any], problem: str) -> None:
    assert checks.attempts_problem(metadata) == problem


@pytest.mark.parametrize(
    "metadata",
    [
        # A retry, then a later call of another tool.
        {
            "call_sequence": CALLS3,
            "tool_results": [{"ok": False}, {"ok": True}, {"ok": True}],
            "attempts": [
                {"call_index": 0, "ok": False, "error": "e"},
                {"call_index": 1, "ok": True},
                {"call_index": 2, "ok": True},
            ],
        },
        # The retry's result is missing from tool_results: nothing contradicts the record.
        {
            "call_sequence": [{"name": "a"}, {"name": "a"}],
            "tool_results": [{"ok": False}],
            "attempts": [
                {"call_index": 0, "ok": False, "error": "e"},
                {"call_index": 1, "ok": True},
            ],
        },
    ],
)
def test_consistent_retry_records_pass(metadata: dict[str, Any]) -> None:
    assert checks.attempts_problem(metadata) is None


def verdict(
    i: int, name: str, *, json_valid: bool = True, errors: int = 0, range_error: bool = False
) -> CallVerdict:
    return CallVerdict(
        i, name, {} if json_valid else None, json_valid, ["bad"] * errors, range_error
    )


RANGE = {"type": "range_violation", "expected": "correct_range"}
JSON = {"type": "malformed_json", "expected": "repair_json"}
SAME = [{"name": "fs.read"}, {"name": "fs.read"}]
RANGE_FAIL = "range_violation: no broken call followed by a corrected call of the same tool"
JSON_FAIL = "malformed_json: no broken call followed by a corrected call of the same tool"


@pytest.mark.parametrize(
    ("adversarial", "calls", "verdicts", "problem"),
    [
        # The correction must call the same tool.
        (
            RANGE,
            [{"name": "fs.read"}, {"name": "web.search"}],
            [verdict(0, "fs.read", errors=1, range_error=True), verdict(1, "web.search")],
            RANGE_FAIL,
        ),
        # Valid calls without a range error are not the broken call.
        (RANGE, SAME, [verdict(0, "fs.read"), verdict(1, "fs.read")], RANGE_FAIL),
        # A good call before the broken one is no correction.
        (
            JSON,
            SAME,
            [verdict(0, "fs.read"), verdict(1, "fs.read", json_valid=False)],
            JSON_FAIL,
        ),
        # A second broken call is no correction either.
        (
            JSON,
            SAME,
            [verdict(0, "fs.read", json_valid=False), verdict(1, "fs.read", json_valid=False)],
            JSON_FAIL,
        ),
        # A correction with no counterpart in the call sequence does not count.
        (
            JSON,
            [{"name": "fs.read"}],
            [verdict(0, "fs.read", json_valid=False), verdict(1, "fs.read")],
            JSON_FAIL,
        ),
        (
            JSON,
            SAME,
            [
                verdict(0, "fs.read", json_valid=False),
                verdict(1, "fs.read", json_valid=False),
                verdict(2, "fs.read"),
            ],
            JSON_FAIL,
        ),
        # A good call first, then the broken call and its correction.
        (
            JSON,
            [{"name": "web.search"}, {"name": "fs.read"}, {"name": "fs.read"}],
            [
                verdict(0, "web.search"),
                verdict(1, "fs.read", json_valid=False),
                verdict(2, "fs.read"),
            ],
            None,
        ),
    ],
)
def test_adversarial_repair_needs_a_later_valid_call_of_the_same_tool(
    adversarial: dict[str, Any],
    calls: list[dict[str, Any]],
    verdicts: list[CallVerdict],
    problem: str | None,
) -> None:
    metadata = {"adversarial": adversarial, "call_sequence": calls}
    assert checks.adversarial_problem(metadata, verdicts, "") == problem


def test_adversarial_labels_and_ambiguity_messages() -> None:
    assert checks.adversarial_problem({"adversarial": "ambiguity"}, [], "?") == (
        "unknown adversarial label 'ambiguity'"
    )
    ambiguity = {"adversarial": {"type": "ambiguity", "expected": "clarify"}}
    assert checks.adversarial_problem(ambiguity, [], "Done.") == "ambiguity without a question"


PARAMS = {
    "fs.read": {
        "type": "object",
        "properties": {"path": {"type": "string"}, "range": {"type": "object"}},
        "required": ["path"],
    }
}


def call(arguments: dict[str, Any], errors: int = 0) -> CallVerdict:
    return CallVerdict(0, "fs.read", arguments, True, ["bad"] * errors)


FLAT = {"path": "a"}
NESTED = {"path": "a", "range": {"start": 1}}


@pytest.mark.parametrize(
    ("structure", "verdicts", "problem"),
    [
        ("flat_args", [call(FLAT), call(NESTED)], "arguments do not have the flat_args shape"),
        ("flat_args", [call(FLAT), call(FLAT)], None),
        ("nested_args", [call(FLAT), call(NESTED)], None),
        ("nested_args", [call(FLAT), call(FLAT)], "arguments do not have the nested_args shape"),
        # Only calls that passed their schema are judged.
        ("flat_args", [call(FLAT), call(NESTED, errors=1)], None),
        ("nested_args", [call(NESTED, errors=1)], None),
    ],
)
def test_flat_args_holds_for_every_call_other_labels_for_one(
    structure: str, verdicts: list[CallVerdict], problem: str | None
) -> None:
    assert checks.structure_problem(structure, verdicts, PARAMS) == problem


@pytest.mark.parametrize("lang", [["de"], {"de": 1}, None, "en"])
def test_locale_probe_needs_a_known_language_name(lang: Any) -> None:
    assert checks.locale_probe_ok(lang, ["1.234,56 am 31.12.2024"]) is False
