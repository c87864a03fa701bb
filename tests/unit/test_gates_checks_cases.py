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
MAXIMA = {"fs.read": {"max_lines": 2000}, "web.search": {"top_k": 10}}
RANGE_FAIL = "range_violation: no call sent an option at its maximum that the request exceeded"
INVALID = "a teacher call is invalid; the fault must stay in the user's turn"


def sent(i: int, name: str, arguments: dict[str, Any]) -> CallVerdict:
    return CallVerdict(i, name, arguments, True)


@pytest.mark.parametrize(
    ("request_text", "verdicts", "answer", "problem"),
    [
        # The user asked for 25 results, the teacher sent the maximum and said so.
        (
            "Search (the top 25 results).",
            [sent(0, "web.search", {"q": "x", "top_k": 10})],
            "You asked for 25, but the number of results is at most 10.",
            None,
        ),
        # The teacher's own call out of range: the fault is in the trained target.
        (
            "Search (the top 25 results).",
            [
                CallVerdict(
                    0, "web.search", {"q": "x", "top_k": 25}, True, ["$.top_k: too big"], True
                )
            ],
            "",
            f"range_violation: {INVALID}",
        ),
        # Nothing in the request exceeds the maximum.
        (
            "Search (the top 5 results).",
            [sent(0, "web.search", {"q": "x", "top_k": 10})],
            "at most 10",
            RANGE_FAIL,
        ),
        # The answer never states the limit it applied.
        (
            "Read it (at most 5000 lines).",
            [sent(0, "fs.read", {"path": "a", "max_lines": 2000})],
            "The file has 12 lines.",
            RANGE_FAIL,
        ),
        # The maximum sent for an option the tool does not bound is no correction.
        (
            "Read it (at most 5000 lines).",
            [sent(0, "fs.read", {"path": "a", "max_lines": 12})],
            "at most 2000",
            RANGE_FAIL,
        ),
    ],
)
def test_a_range_violation_is_the_users_and_the_teacher_clamps(
    request_text: str, verdicts: list[CallVerdict], answer: str, problem: str | None
) -> None:
    metadata = {"adversarial": RANGE}
    assert checks.adversarial_problem(metadata, verdicts, answer, request_text, MAXIMA) == problem


@pytest.mark.parametrize(
    ("request_text", "verdicts", "problem"),
    [
        (
            "Call fs.read with these arguments: {'path': 'a.yaml', 'max_lines': 3}",
            [sent(0, "fs.read", {"path": "a.yaml", "max_lines": 3})],
            None,
        ),
        (
            'Call fs.read with these arguments: {"path": "a.yaml",}',
            [sent(0, "fs.read", {"path": "a.yaml"})],
            None,
        ),
        # The pasted arguments were fine JSON: nothing was malformed.
        (
            'Call fs.read with these arguments: {"path": "a.yaml"}',
            [sent(0, "fs.read", {"path": "a.yaml"})],
            "malformed_json: the pasted arguments are valid JSON",
        ),
        (
            "Read a.yaml.",
            [sent(0, "fs.read", {"path": "a.yaml"})],
            "malformed_json: the request pastes no arguments",
        ),
        # The repair sent something else than what was pasted.
        (
            "Call fs.read with these arguments: {'path': 'a.yaml'}",
            [sent(0, "fs.read", {"path": "b.yaml"})],
            "malformed_json: the first call does not send the pasted arguments repaired",
        ),
        # The teacher itself sent broken JSON.
        (
            "Call fs.read with these arguments: {'path': 'a.yaml'}",
            [CallVerdict(0, "fs.read", None, False)],
            f"malformed_json: {INVALID}",
        ),
        # Broken past a mechanical repair: the teacher's reading cannot be checked.
        (
            "Call fs.read with these arguments: {'path': 'a.yaml' 'x'}",
            [sent(0, "fs.read", {"path": "a.yaml"})],
            None,
        ),
    ],
)
def test_malformed_json_is_pasted_by_the_user_and_sent_repaired(
    request_text: str, verdicts: list[CallVerdict], problem: str | None
) -> None:
    metadata = {"adversarial": JSON}
    assert checks.adversarial_problem(metadata, verdicts, "", request_text, MAXIMA) == problem


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
