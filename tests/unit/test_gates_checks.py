"""Per-item checks: CAWS header, controls, attempts, adversarial, structure, probes."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates import checks
from pipeline.gates.calls import CallVerdict


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ('{"caws":{"tier":2,"max_files":25,"max_loc":1000,"cov":80,"mut":50}}', True),
        ('{"caws":{"tier":2,"max_files":25,"max_loc":1000,"cov":80}}', False),
        ('{"caws":{"tier":true,"max_files":25,"max_loc":1000,"cov":80,"mut":50}}', False),
        ('{"caws":{"tier":2,"max_files":25,"max_loc":1000,"cov":80,"mut":50},"x":1}', False),
        ('{"caws": [1]}', False),
        ("Read the file", False),
        ("", False),
    ],
)
def test_caws_header(line: str, ok: bool) -> None:
    assert checks.caws_parses(line) is ok
    assert checks.caws_line(line + "\nrequest") == line
    assert checks.caws_line(None) == ""


def test_control_kind_from_label() -> None:
    assert checks.control_kind({"expected_behaviour": "decline"}) == "decline"
    assert checks.control_kind({"control": True}) == "control"
    assert checks.control_kind({"expected_behaviour": "normal"}) is None


@pytest.mark.parametrize(
    ("teacher", "messages", "targets", "expected"),
    [
        ("I cannot help with that.", [], {}, []),
        (
            '<tool_call>\n{"name": "x", "arguments": {}}\n</tool_call>',
            [],
            {},
            ["control_tool_call"],
        ),
        ('Sure: {"name": "fs.read", "arguments": {"path": "a"}}', [], {}, ["control_tool_call"]),
        ("fine", [{"role": "tool", "content": "{}"}], {}, ["control_tool_call"]),
        ("fine", [{"role": "assistant", "tool_calls": [{}]}], {}, ["control_tool_call"]),
        ("fine", [], {"calls": [{}]}, ["control_tool_call"]),
        ("Answer.\nIntegration: it said 3.", [], {}, ["control_integration"]),
        ("fine", [], {"integration_spans": [{}]}, ["control_integration"]),
    ],
)
def test_controls_are_judged_on_their_text(
    teacher: str, messages: list[Any], targets: dict[str, Any], expected: list[str]
) -> None:
    item = {"teacher_text": teacher, "messages": messages}
    assert checks.control_violations(item, targets) == expected


def _meta(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "complexity": "branching_error_recovery",
        "call_sequence": [{"name": "fs.read"}, {"name": "fs.read"}],
        "tool_results": [{"ok": False, "error": "not found"}, {"ok": True}],
        "attempts": [
            {"call_index": 0, "ok": False, "error": "not found"},
            {"call_index": 1, "ok": True},
        ],
    }
    base.update(kw)
    return base


def test_consistent_attempts_pass() -> None:
    assert checks.attempts_problem(_meta()) is None
    assert checks.attempts_problem({"call_sequence": [{"name": "a"}], "tool_results": [{}]}) is None


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"attempts": None}, "without attempts"),
        ({"attempts": []}, "non-empty"),
        (
            {
                "attempts": [
                    {"call_index": 0, "ok": False, "error": "e"},
                    {"call_index": 0, "ok": True},
                ]
            },
            "later call",
        ),
        (
            {"attempts": [{"call_index": 0, "ok": False}, {"call_index": 1, "ok": True}]},
            "without an error",
        ),
        ({"tool_results": [{"ok": True}, {"ok": True}]}, "without an error"),
        ({"tool_results": [{"ok": False, "error": "e"}, {"ok": False, "error": "e"}]}, "is ok but"),
        (
            {"attempts": [{"call_index": 0, "ok": "no"}, {"call_index": 1, "ok": True}]},
            "not a boolean",
        ),
        ({"call_sequence": [{"name": "fs.read"}, {"name": "web.search"}]}, "different tool"),
        ({"attempts": [{"call_index": 0, "ok": False, "error": "e"}]}, "end with a success"),
        (
            {"attempts": [{"call_index": 1, "ok": True}], "tool_results": [{}, {}]},
            "end with a success",
        ),
    ],
)
def test_inconsistent_attempts_are_named(change: dict[str, Any], needle: str) -> None:
    meta = _meta(**change)
    if meta["attempts"] is None:
        del meta["attempts"]
    problem = checks.attempts_problem(meta)
    assert problem is not None and needle in problem


def test_unrecorded_failure_is_inconsistent() -> None:
    meta = {"call_sequence": [{"name": "a"}], "tool_results": [{"ok": False, "error": "x"}]}
    assert "without an attempt" in str(checks.attempts_problem(meta))


def _verdict(
    i: int,
    name: str,
    json_valid: bool = True,
    errors: list[str] | None = None,
    range_error: bool = False,
) -> CallVerdict:
    return CallVerdict(i, name, {} if json_valid else None, json_valid, errors or [], range_error)


def test_adversarial_behaviour() -> None:
    rv = {"adversarial": {"type": "range_violation", "expected": "correct_range"}}
    clamped = [_verdict(0, "fs.read")]
    clamped[0].arguments = {"path": "a", "max_lines": 2000}
    maxima = {"fs.read": {"max_lines": 2000}}
    request = "Read a (at most 7000 lines)."
    assert checks.adversarial_problem(rv, clamped, "at most 2000", request, maxima) is None
    assert checks.adversarial_problem(rv, clamped, "", request, maxima) is not None
    broken = [_verdict(0, "fs.read", errors=["too big"], range_error=True)]
    assert "invalid" in str(checks.adversarial_problem(rv, broken, "at most 2000", request, maxima))
    amb = {"adversarial": {"type": "ambiguity", "expected": "clarify"}}
    assert checks.adversarial_problem(amb, [], "¿Qué archivo quieres leer?") is None
    assert checks.adversarial_problem(amb, [], "Here is the file.") is not None
    wrong = {"adversarial": {"type": "ambiguity", "expected": "repair_json"}}
    assert "unknown adversarial label" in str(checks.adversarial_problem(wrong, [], "?"))
    assert checks.adversarial_problem({}, [], "") is None


PARAMS = {
    "fs.read": {
        "type": "object",
        "properties": {
            "path": {"type": "string"},
            "encoding": {"type": "string", "enum": ["utf-8", "ascii"]},
            "max_lines": {"type": "integer", "minimum": 1, "maximum": 10},
            "range": {"type": "object"},
            "keys": {"type": "array"},
        },
        "required": ["path"],
    }
}


def _call(arguments: dict[str, Any]) -> CallVerdict:
    return CallVerdict(0, "fs.read", arguments, True)


@pytest.mark.parametrize(
    ("structure", "arguments", "ok"),
    [
        ("flat_args", {"path": "a"}, True),
        ("flat_args", {"path": "a", "keys": ["x"]}, False),
        ("nested_args", {"path": "a", "range": {"start": 1}}, True),
        ("nested_args", {"path": "a"}, False),
        ("arrays", {"path": "a", "keys": ["x"]}, True),
        ("enums", {"path": "a", "encoding": "ascii"}, True),
        ("enums", {"path": "a"}, False),
        ("numeric_ranges", {"path": "a", "max_lines": 3}, True),
        ("optional_keys", {"path": "a", "max_lines": 3}, True),
        ("optional_keys", {"path": "a"}, False),
    ],
)
def test_structure_fidelity(structure: str, arguments: dict[str, Any], ok: bool) -> None:
    problem = checks.structure_problem(structure, [_call(arguments)], PARAMS)
    assert (problem is None) is ok


def test_structure_edge_cases() -> None:
    assert checks.structure_problem("nested_args", [], PARAMS) is None
    assert "unknown structure" in str(
        checks.structure_problem("spiral", [_call({"path": "a"})], PARAMS)
    )


def test_reasoning_content_is_found_anywhere() -> None:
    assert checks.has_reasoning_content({"messages": [{"teacher_reasoning_content": "x"}]})
    assert checks.has_reasoning_content({"metadata": {"a": [{"teacher_reasoning_content": 1}]}})
    assert not checks.has_reasoning_content({"teacher_text": "teacher_reasoning_content"})


@pytest.mark.parametrize(
    ("lang", "text", "ok"),
    [
        ("de", "Es sind 1.234,56 Zeilen am 31.12.2024.", True),
        ("de", "Es sind 12.345 Zeilen.", True),
        ("es", "El 31/12/2024 hubo 1234,5 casos.", True),
        ("fr", "Il y a 1\u202f234 lignes.", True),
        ("fr", "Il y a 1234 lignes le 2024-12-31.", False),
        ("en", "1,234.56", False),
        (None, "1.234,56", False),
    ],
)
def test_locale_probe_format(lang: Any, text: str, ok: bool) -> None:
    assert checks.locale_probe_ok(lang, [text]) is ok


def test_final_answer() -> None:
    item = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "A?"}]}
    assert checks.final_answer(item) == "A?"
    assert checks.final_answer({"teacher_text": "T", "messages": []}) == "T"
    assert checks.final_answer({}) == ""
