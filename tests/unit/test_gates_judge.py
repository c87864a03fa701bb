"""Per-item judgement on hand-built items, in DVC and standalone mode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.gates import checks
from pipeline.gates.calls import CallVerdict
from pipeline.gates.item import Checker, keyless_lines, make_checker
from pipeline.gates.judge import Settings, fully_extracted, parity_miss, prompt_of
from pipeline.gates.stats import SetStats
from pipeline.records import LineParser, RawLine, Reject, parse_entries
from pipeline.tools.registry import load_registry


@pytest.fixture(scope="module")
def checker(qwen_dir: Path) -> Checker:
    return make_checker(Settings(str(qwen_dir), ("example.org",), 30, 3, 8000, standalone=True))


def test_checker_is_reused_for_the_same_settings(qwen_dir: Path, checker: Checker) -> None:
    again = make_checker(Settings(str(qwen_dir), ("example.org",), 30, 3, 8000, standalone=True))
    assert again is checker


def test_prompt_of_messages_only_record() -> None:
    item = {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"},
                         {"role": "assistant", "content": "a"}]}  # fmt: skip
    assert prompt_of(item) == "s\nu"
    assert prompt_of({"prompt": "p"}) == "p"


def test_extraction_and_parity_rules() -> None:
    span = {"chars": [0, 1]}
    full = {"name": "a", "name_span": span, "args_span": span, "call_span": span}
    assert fully_extracted([full], [{"name": "a"}], {"integration_spans": [span]}, True, False)
    assert not fully_extracted([full], [{"name": "a"}], {"integration_spans": []}, True, False)
    assert not fully_extracted([full], [{"name": "b"}], {"integration_spans": [span]}, True, False)
    assert fully_extracted([full], [], {}, True, True)
    missing = dict(full, args_span=None)
    verdicts = [CallVerdict(0, "a", {}, True), CallVerdict(1, "a", {}, True)]
    assert parity_miss([full, missing], [], verdicts, True) == (True, True)
    assert parity_miss([full], [{"name": "a"}, {"name": "a"}], verdicts[:1], False) == (True, True)
    assert parity_miss([full], [{"name": "a"}], verdicts[:1], False) == (False, False)


def test_chunk_with_a_reject_and_an_unrenderable_item(checker: Checker) -> None:
    item = {
        "id": "x",
        "prompt": "p",
        "teacher_text": "hello",
        "messages": [{"role": "user", "content": 5}],
        "targets": {"calls": [], "integration_spans": [{"chars": [0, 5], "tokens": [0, 1]}]},
    }
    results = checker.check([(1, Reject(1, "<line>", "invalid JSON", "x")), (2, item)])
    assert results[0]["reasons"] == ["record_invalid"]
    assert results[1]["alignment"]["sequence"] == [2, 0]
    assert "misaligned_sequence" in results[1]["reasons"]
    stats = SetStats()
    for result in results:
        stats.add(result)
    assert stats.rejects == 1 and stats.items == 1


def test_dvc_mode_items_with_generator_metadata(qwen_dir: Path) -> None:
    registry = load_registry()
    checker = make_checker(Settings(str(qwen_dir), ("example.org",), 30, 3, 8000, False))
    arguments = {"path": "docs/a.md"}
    text = json.dumps({"name": "fs.read", "arguments": arguments})
    teacher = f"<tool_call>\n{text}\n</tool_call>\nI could not read it."
    start = teacher.index(text)
    item: dict[str, Any] = {
        "id": "ctx-1",
        "prompt": '{"caws":{"tier":2,"max_files":25,"max_loc":1000,"cov":80,"mut":50}}\nRead it.',
        "teacher_text": teacher,
        "tools": [registry.get("fs.read")],
        "metadata": {
            "scenario": "file_ops",
            "complexity": "single_call",
            "structure": "flat_args",
            "expected_behaviour": "decline",
            "control": True,
            "lang": "de",
            "locale_probe": True,
            "call_sequence": [{"name": "fs.read", "arguments": arguments}],
            "tool_results": [{"ok": True}],
        },
        "targets": {
            "calls": [
                {
                    "name": "fs.read",
                    "name_span": None,
                    "args_span": None,
                    "call_span": {"chars": [start, start + len(text)]},
                }
            ],
            "integration_spans": [],
            "over_cap": True,
        },
    }
    (result,) = checker.check([(1, item)])
    reasons = set(result["reasons"])
    assert {"control_tool_call", "integration_over_cap", "locale_probe_format"} <= reasons
    assert "extraction_incomplete" in reasons
    assert result["f1"] is None  # a control is never eligible for integration F1


def test_reasoning_key_is_found_from_the_raw_line_or_the_item(checker: Checker) -> None:
    """Lines whose bytes cannot hold the key skip the item search; any line that may
    hold it (the key written plainly or with \\u escapes) is still flagged."""
    item = {"id": "r", "prompt": "p", "teacher_text": "t", "targets": {"calls": []}}
    parser = LineParser(max_line_bytes=1 << 20)
    plain = json.dumps({**item, "teacher_reasoning_content": "x"}).encode()
    escaped = plain.replace(b'"teacher_reasoning_content"', b'"teacher_reason\\u0069ng_content"')
    in_value = json.dumps({**item, "teacher_text": '"teacher_reasoning_content": 1'}).encode()
    clean = json.dumps(item).encode()
    entries = [(n, RawLine(raw, False, parser)) for n, raw in enumerate(
        [plain, escaped, in_value, clean], start=1)]  # fmt: skip
    assert keyless_lines(entries) == {4}
    assert checks.reasoning_key_absent(clean)
    assert not checks.reasoning_key_absent(escaped)
    results = checker.check(parse_entries(entries), keyless_lines(entries))
    flagged = ["reasoning_content" in r["reasons"] for r in results]
    assert flagged == [True, True, False, False]
    # An item parsed by an adapter (which may add keys) is searched whatever its bytes.
    adapted = LineParser(max_line_bytes=1 << 20, adapt=_add_reasoning_key)
    assert keyless_lines([(1, RawLine(clean, False, adapted))]) == set()


def _add_reasoning_key(item: dict[str, Any], _: int) -> None:
    item["teacher_reasoning_content"] = "x"
