"""`judge_item` on hand-built items: every reason code, count and label it reports.

Items are built like the generator writes them (a Hermes `<tool_call>` per call,
its result, a final answer; spans into the teacher text; gold spans equal to the
extracted ones), then one thing is changed and the verdict is read back whole.
No tokenizer is needed: `judge_item` is the token-free part of the verifier.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from pipeline.gates.calls import CallVerdict, Validators
from pipeline.gates.judge import (
    Result,
    Settings,
    failed_attempt,
    json_schema_counts,
    judge_item,
    parity_miss,
    prompt_of,
    targets_ok,
)
from pipeline.tools.registry import load_registry

REGISTRY = load_registry()
DVC_VALIDATORS = Validators(REGISTRY, prefer_item_tools=False)
STANDALONE_VALIDATORS = Validators(REGISTRY, prefer_item_tools=True)
ALLOWLIST = ("example.com", "example.org", "example.net")
DVC = Settings("unused", ALLOWLIST, 30, 3, 8000, standalone=False)
STANDALONE = Settings("unused", ALLOWLIST, 30, 3, 8000, standalone=True)
CAWS = '{"caws":{"tier":2,"max_files":8,"max_loc":500,"cov":80,"mut":50}}'

READ_ARGS = {"path": "docs/a.md"}
READ_RESULT = {"ok": True, "path": "docs/a.md", "lines": 12, "summary": "setup guide"}
READ_ANSWER = "The file docs/a.md has 12 lines."
LIST_ARGS = {"dir": "docs"}
LIST_RESULT = {"ok": True, "count": 7}


def span(start: int, end: int) -> dict[str, Any]:
    return {"chars": [start, end]}


def call_text(name: str, arguments: Any) -> str:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return f'{{"name": "{name}", "arguments": {args}}}'


def make_item(
    calls: list[tuple[str, Any]],
    results: list[Any],
    answer: str,
    request: str = "Read docs/a.md and tell me about it.",
    **metadata: Any,
) -> dict[str, Any]:
    """A generated and extracted item whose targets and gold spans are exact."""
    prompt = f"{CAWS}\n{request}"
    teacher = ""
    messages: list[dict[str, Any]] = [{"role": "user", "content": prompt}]
    target_calls = []
    for (name, arguments), result in zip(calls, results, strict=True):
        text = call_text(name, arguments)
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        teacher += "<tool_call>\n"
        start = len(teacher)
        teacher += f"{text}\n</tool_call>\n<tool_response>\n"
        teacher += json.dumps({"name": name, "content": result}) + "\n</tool_response>\n"
        name_at = start + text.index(name)
        args_at = start + text.index(args, text.index(name) + len(name))
        target_calls.append(
            {
                "name": name,
                "name_span": span(name_at, name_at + len(name)),
                "args_span": span(args_at, args_at + len(args)),
                "call_span": span(start, start + len(text)),
            }
        )
        function = {"name": name, "arguments": arguments}
        messages.append(
            {"role": "assistant", "content": "", "tool_calls": [{"function": function}]}
        )
        messages.append({"role": "tool", "name": name, "content": json.dumps(result)})
    answer_at = len(teacher)
    teacher += answer
    messages.append({"role": "assistant", "content": answer})
    integration = [span(answer_at, len(teacher))] if calls and answer else []
    gold = copy.deepcopy(
        {
            "tool_name_spans": [c["name_span"] for c in target_calls],
            "args_spans": [c["args_span"] for c in target_calls],
            "call_spans": [c["call_span"] for c in target_calls],
            "integration_spans": integration,
        }
    )
    names = sorted({name for name, _ in calls})
    meta: dict[str, Any] = {
        "scenario": "file_ops",
        "complexity": "single_call" if len(calls) == 1 else "multi_call",
        "structure": "flat_args",
        "expected_behaviour": "normal",
        "lang": "en",
        "call_sequence": [{"name": n, "arguments": a} for n, a in calls],
        "tool_results": results,
        "gold": gold,
    }
    meta.update(metadata)
    return copy.deepcopy(
        {
            "id": "item-1",
            "prompt": prompt,
            "teacher_text": teacher,
            "tools": [REGISTRY.get(n) for n in names],
            "messages": messages,
            "metadata": meta,
            "targets": {"calls": target_calls, "integration_spans": integration, "over_cap": False},
        }
    )


def read_item(**metadata: Any) -> dict[str, Any]:
    return make_item([("fs.read", READ_ARGS)], [READ_RESULT], READ_ANSWER, **metadata)


def two_call_item(**metadata: Any) -> dict[str, Any]:
    return make_item(
        [("fs.list", LIST_ARGS), ("fs.read", READ_ARGS)],
        [LIST_RESULT, READ_RESULT],
        "docs holds 7 files; docs/a.md has 12 lines.",
        **metadata,
    )


def dvc(item: dict[str, Any]) -> Result:
    return judge_item(7, item, DVC_VALIDATORS, DVC)


def standalone(item: dict[str, Any]) -> Result:
    return judge_item(7, item, STANDALONE_VALIDATORS, STANDALONE)


def detail(result: Result, code: str) -> str:
    """The detail text reported with `code`."""
    prefix = f"{code}: "
    return next(d.removeprefix(prefix) for d in result["details"] if d.startswith(prefix))


# --- a clean item ----------------------------------------------------------------------------


def test_clean_generated_item_passes_every_check() -> None:
    item = read_item()
    result = dvc(item)
    assert result["reasons"] == [] and result["details"] == []
    assert result["line"] == 7 and result["id"] == "item-1"
    assert result["counts"] == {
        "json_checked": 1,
        "json_valid": 1,
        "schema_checked": 1,
        "schema_valid": 1,
    }
    assert result["extracted"] is True
    assert result["parity"] == [0, 0]
    assert result["gold"] == {
        "name": [1, 1, 1],
        "args": [1, 1, 1],
        "call": [1, 1, 1],
        "integration": [1, 1, 1],
    }
    f1 = result["f1"]
    assert f1["tools"] == ["fs.read"]
    assert (f1["spans"], f1["lax"], f1["strict"]) == (1, 1, 1)
    assert f1["f1_lax"] == f1["f1_strict"] == 1.0
    assert f1["negative_control"] is False
    assert f1["detail"][0]["text"] == READ_ANSWER
    assert f1["detail"][0]["strict"] == ["lines"]
    assert f1["missed"] == ["summary"]


def test_labels_repeat_the_generator_metadata() -> None:
    result = dvc(read_item(structure="optional_keys"))
    assert result["labels"] == {
        "scenario": "file_ops",
        "complexity": "single_call",
        "structure": "optional_keys",
        "lang": "en",
        "control": None,
        "adversarial": None,
        "long_context_flag": False,
        "long_context": False,
        "locale_probe": False,
        "negative_control": False,
        "uses_tools": True,
        "caws_parsed": True,
    }


def test_labels_of_flagged_items() -> None:
    item = read_item(
        lang="de",
        long_context=True,
        locale_probe=True,
        negative_control=True,
        adversarial={"type": "ambiguity", "expected": "clarify"},
        expected_behaviour="decline",
    )
    item["prompt"] += " Es sind 1.234 Zeilen?"
    labels = dvc(item)["labels"]
    assert labels["lang"] == "de"
    assert labels["control"] == "decline"
    assert labels["adversarial"] == "ambiguity"
    assert labels["long_context_flag"] is True
    # Set later from the prompt's token count, never from the flag alone.
    assert labels["long_context"] is False
    assert labels["locale_probe"] is True
    assert labels["negative_control"] is True
    assert labels["caws_parsed"] is True


def test_language_defaults_to_english() -> None:
    item = read_item()
    del item["metadata"]["lang"]
    assert dvc(item)["labels"]["lang"] == "en"


def test_prompt_key_is_a_16_byte_hash_of_the_prompt() -> None:
    item = read_item()
    expected = hashlib.blake2b(item["prompt"].encode("utf-8"), digest_size=16).digest()
    assert dvc(item)["prompt_key"] == expected
    assert standalone(item)["prompt_key"] == expected


# --- targets and call text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "targets",
    [
        None,
        "calls",
        {"calls": "none"},
        {"calls": ["the good call", 5]},
        {"calls": ["the good call"], "integration_spans": {"chars": [0, 1]}},
        {"integration_spans": [[0, 1]]},
    ],
)
def test_malformed_targets_are_reported_and_not_read(targets: Any) -> None:
    item = read_item()
    if isinstance(targets, dict) and isinstance(targets.get("calls"), list):
        good = item["targets"]["calls"][0]
        targets = {
            **targets,
            "calls": [good if c == "the good call" else c for c in targets["calls"]],
        }
    item["targets"] = targets
    result = dvc(item)
    assert result["reasons"][0] == "targets_invalid"
    assert {"extraction_incomplete", "ungrounded_lax", "ungrounded_strict"} <= set(
        result["reasons"]
    )
    assert result["counts"] == dict.fromkeys(
        ("json_checked", "json_valid", "schema_checked", "schema_valid"), 0
    )
    assert result["extracted"] is False
    assert result["f1"]["spans"] == 0


def test_call_span_past_the_teacher_text_is_not_located() -> None:
    item = read_item()
    end = len(item["teacher_text"])
    item["targets"]["calls"][0]["call_span"] = span(end - 5, end + 1)
    result = dvc(item)
    assert "json_invalid" in result["reasons"]
    assert detail(result, "json_invalid") == "call 0 is not a valid JSON call"
    assert result["counts"] == {
        "json_checked": 1,
        "json_valid": 0,
        "schema_checked": 0,
        "schema_valid": 0,
    }


def test_call_ending_on_the_last_character_is_read() -> None:
    text = call_text("fs.read", READ_ARGS)
    item = {
        "prompt": "Read docs/a.md.",
        "teacher_text": text,
        "targets": {"calls": [{"name": "fs.read", "call_span": span(0, len(text))}]},
    }
    result = standalone(item)
    assert result["counts"]["json_valid"] == 1 and result["counts"]["schema_valid"] == 1


def test_missing_call_span_is_not_located() -> None:
    item = read_item()
    del item["targets"]["calls"][0]["call_span"]
    result = dvc(item)
    assert {"json_invalid", "extraction_incomplete"} <= set(result["reasons"])


def test_call_to_a_tool_the_item_does_not_offer_is_schema_invalid() -> None:
    item = read_item()
    item["tools"] = [REGISTRY.get("fs.list")]
    result = dvc(item)
    assert "schema_invalid" in result["reasons"]
    assert detail(result, "schema_invalid") == "call 0: tool 'fs.read' is not offered to the model"


def test_schema_errors_of_a_call_are_reported_with_its_index() -> None:
    item = two_call_item()
    arguments = {"path": "docs/a.md", "max_lines": 0}
    old = call_text("fs.read", READ_ARGS)
    item["teacher_text"] = item["teacher_text"].replace(old, call_text("fs.read", arguments))
    shift = len(call_text("fs.read", arguments)) - len(old)
    call = item["targets"]["calls"][1]
    call["call_span"]["chars"][1] += shift
    result = dvc(item)
    assert "schema_invalid" in result["reasons"]
    assert detail(result, "schema_invalid") == (
        "call 1: $.max_lines: 0 is less than the minimum of 1"
    )
    assert result["counts"] == {
        "json_checked": 2,
        "json_valid": 2,
        "schema_checked": 2,
        "schema_valid": 1,
    }


# --- the prompt and the texts ----------------------------------------------------------------


def test_unparsable_caws_header_in_dvc_mode() -> None:
    item = read_item()
    header = "CAWS tier 2 " + "x" * 100
    item["prompt"] = f"{header}\nRead docs/a.md."
    result = dvc(item)
    assert result["labels"]["caws_parsed"] is False
    assert "caws_unparsable" in result["reasons"]
    assert detail(result, "caws_unparsable") == repr(header[:80])


def test_standalone_files_need_no_caws_header() -> None:
    item = read_item()
    item["prompt"] = "Read docs/a.md."
    result = standalone(item)
    assert result["labels"]["caws_parsed"] is False
    assert "caws_unparsable" not in result["reasons"]


def test_privacy_findings_are_reported_with_masked_evidence() -> None:
    item = read_item()
    item["prompt"] += " Mail jane.doe@corp.io with it."
    result = dvc(item)
    assert "pii_email" in result["reasons"]
    evidence = detail(result, "pii_email")
    assert "jane.doe@corp.io" not in evidence


def test_unsafe_path_in_call_arguments() -> None:
    item = make_item([("fs.read", {"path": "../../etc/passwd"})], [READ_RESULT], READ_ANSWER)
    result = dvc(item)
    assert "unsafe_path" in result["reasons"]
    assert detail(result, "unsafe_path") == "fs.read: path traversal (..): '../../etc/passwd'"


def test_teacher_reasoning_content_is_flagged() -> None:
    item = read_item()
    item["messages"][-1]["teacher_reasoning_content"] = "I think the user wants..."
    assert "reasoning_content" in dvc(item)["reasons"]
    assert "reasoning_content" not in dvc(read_item())["reasons"]


def test_a_think_tag_in_the_trained_text_is_flagged() -> None:
    # A reasoning block extract could not drop (after prose, unclosed) is never trained silently.
    for tag in ("<think>", "</think>"):
        item = read_item()
        item["messages"][-1]["content"] = f"Let me see. {tag}{item['messages'][-1]['content']}"
        result = dvc(item)
        assert "reasoning_content" in result["reasons"], tag
        assert (
            detail(result, "reasoning_content")
            == f"messages[{len(item['messages']) - 1}].content holds {tag}"
        )


# --- extraction, parity and grounding -------------------------------------------------------


def test_eligible_item_without_integration_spans() -> None:
    item = read_item()
    item["targets"]["integration_spans"] = []
    result = dvc(item)
    assert result["extracted"] is False
    assert result["reasons"] == [
        "gold_span_mismatch",
        "extraction_incomplete",
        "ungrounded_lax",
        "ungrounded_strict",
    ]
    assert result["gold"]["integration"] == [0, 1, 0]


def test_answer_grounded_only_in_a_non_strict_field() -> None:
    answer = "The file docs/a.md is there."
    item = make_item([("fs.read", READ_ARGS)], [READ_RESULT], answer)
    result = dvc(item)
    assert result["reasons"] == ["ungrounded_strict"]
    assert (result["f1"]["lax"], result["f1"]["strict"]) == (1, 0)


def test_multi_call_item_missing_an_args_span() -> None:
    item = two_call_item()
    assert dvc(item)["parity"] == [1, 0]
    item["targets"]["calls"][1]["args_span"] = None
    result = dvc(item)
    assert result["parity"] == [1, 1]
    assert "multicall_missing_args" in result["reasons"]
    assert "extraction_incomplete" in result["reasons"]


def test_integration_f1_names_every_planned_tool() -> None:
    result = dvc(two_call_item())
    assert result["reasons"] == []
    assert result["f1"]["tools"] == ["fs.list", "fs.read"]
    assert (result["f1"]["lax"], result["f1"]["strict"]) == (1, 1)


def test_tools_of_an_item_whose_calls_were_not_extracted() -> None:
    item = two_call_item()
    item["targets"]["calls"] = []
    result = dvc(item)
    assert result["labels"]["uses_tools"] is True
    assert result["f1"]["tools"] == ["fs.list", "fs.read"]
    assert result["parity"] == [1, 1]


# --- standalone files ------------------------------------------------------------------------


def standalone_item(**changes: Any) -> dict[str, Any]:
    item = two_call_item()
    del item["metadata"]
    item.update(changes)
    return item


def test_clean_standalone_file_is_judged_on_its_own_calls() -> None:
    result = standalone(standalone_item())
    assert result["reasons"] == []
    assert result["labels"]["uses_tools"] is True
    assert result["labels"]["control"] is None
    assert result["extracted"] is True
    assert result["parity"] == [1, 0]
    assert result["f1"]["tools"] == ["fs.list", "fs.read"]
    assert result["counts"]["schema_valid"] == 2


def test_standalone_file_ignores_generator_labels() -> None:
    item = read_item(expected_behaviour="decline", control=True)
    item["targets"]["calls"] = []
    result = standalone(item)
    assert result["labels"]["control"] is None
    assert result["labels"]["uses_tools"] is False
    assert result["f1"] is None
    assert "control_tool_call" not in result["reasons"]


def test_standalone_file_validates_against_the_tools_it_offers() -> None:
    item = standalone_item()
    tool = copy.deepcopy(REGISTRY.get("fs.read"))
    tool["function"]["parameters"]["properties"]["path"]["maxLength"] = 3
    item["tools"] = [REGISTRY.get("fs.list"), tool]
    result = standalone(item)
    assert "schema_invalid" in result["reasons"]
    assert "tool_definition_mismatch" not in result["reasons"]
    assert result["counts"]["schema_valid"] == 1


def test_standalone_multi_call_missing_an_args_span() -> None:
    item = standalone_item()
    item["targets"]["calls"][0]["args_span"] = None
    result = standalone(item)
    assert result["parity"] == [1, 1]
    assert "multicall_missing_args" in result["reasons"]


# --- checks against the generator's own record ---------------------------------------------


def test_control_with_a_tool_call_is_not_judged_on_structure() -> None:
    item = read_item(expected_behaviour="decline", structure="nested_args")
    result = dvc(item)
    assert "control_tool_call" in result["reasons"]
    assert "control_integration" in result["reasons"]
    assert "structure_mismatch" not in result["reasons"]
    assert result["f1"] is None


def test_structure_label_that_the_arguments_do_not_have() -> None:
    result = dvc(read_item(structure="nested_args"))
    assert result["reasons"] == ["structure_mismatch"]
    assert result["details"] == ["structure_mismatch: arguments do not have the nested_args shape"]


def error_recovery_item(**metadata: Any) -> dict[str, Any]:
    """A first call that fails and is retried with other arguments."""
    nested = {"path": "docs/a.md", "range": {"start": 1, "end": 5}}
    item = make_item(
        [("fs.read", nested), ("fs.read", READ_ARGS)],
        [{"ok": False, "error": "range too large"}, READ_RESULT],
        READ_ANSWER,
        complexity="branching_error_recovery",
        attempts=[
            {"call_index": 0, "ok": False, "error": "range too large"},
            {"call_index": 1, "ok": True},
        ],
    )
    item["metadata"].update(metadata)
    return item


def test_structure_is_judged_on_the_calls_that_succeeded() -> None:
    assert dvc(error_recovery_item())["reasons"] == []
    result = dvc(error_recovery_item(structure="nested_args"))
    assert result["reasons"] == ["structure_mismatch"]


def test_attempt_record_that_disagrees_with_the_results() -> None:
    item = error_recovery_item()
    for attempt in item["metadata"]["attempts"]:
        attempt["ok"] = True
    result = dvc(item)
    # The first call now counts as a success, and its nested arguments are not flat.
    assert result["reasons"] == ["attempts_inconsistent", "structure_mismatch"]
    assert detail(result, "attempts_inconsistent") == "attempts[0] is ok but its result failed"


AMBIGUITY = {"type": "ambiguity", "expected": "clarify"}


@pytest.mark.parametrize(
    ("answer", "reasons"),
    [
        ("Which file do you mean, docs/a.md with 12 lines?", []),
        ("The file docs/a.md has 12 lines.", ["adversarial_behaviour"]),
    ],
)
def test_ambiguity_item_must_ask_a_question(answer: str, reasons: list[str]) -> None:
    item = make_item([("fs.read", READ_ARGS)], [READ_RESULT], answer, adversarial=AMBIGUITY)
    result = dvc(item)
    assert result["reasons"] == reasons
    if reasons:
        assert result["details"] == ["adversarial_behaviour: ambiguity without a question"]


def range_violation_item(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The earlier generator's shape: the teacher's own out-of-range call, then a retry."""
    return make_item(
        [("fs.read", first), ("fs.read", second)],
        [{"ok": False, "error": "max_lines out of range"}, READ_RESULT],
        READ_ANSWER,
        complexity="branching_error_recovery",
        adversarial={"type": "range_violation", "expected": "correct_range"},
        attempts=[
            {"call_index": 0, "ok": False, "error": "max_lines out of range"},
            {"call_index": 1, "ok": True},
        ],
    )


def test_a_range_violation_the_teacher_made_is_trained_on_and_flagged() -> None:
    item = range_violation_item({"path": "docs/a.md", "max_lines": 0}, READ_ARGS)
    result = dvc(item)
    # The broken call is no schema *rate* failure (meant by the generator), but the
    # student would learn it: an invalid call in the trained target, and the wrong
    # adversarial behaviour (the fault belongs in the user's turn).
    assert result["reasons"] == ["invalid_trained_call", "adversarial_behaviour"]
    assert result["counts"] == {
        "json_checked": 2,
        "json_valid": 2,
        "schema_checked": 1,
        "schema_valid": 1,
    }
    # Marked as a failed attempt kept out of the loss, it is no longer trained on.
    item["metadata"]["attempts"][0]["excluded"] = True
    assert "invalid_trained_call" not in dvc(item)["reasons"]


def test_a_range_violation_the_user_asked_for_and_the_teacher_clamped() -> None:
    item = make_item(
        [("fs.read", {"path": "docs/a.md", "max_lines": 2000})], [READ_RESULT],
        "The file docs/a.md has 12 lines; the limit is at most 2000.",
        request="Read docs/a.md (at most 5000 lines) and tell me about it.",
        adversarial={"type": "range_violation", "expected": "correct_range"},
    )  # fmt: skip
    assert dvc(item)["reasons"] == []


def test_range_violation_that_is_never_corrected() -> None:
    item = range_violation_item(READ_ARGS, READ_ARGS)
    result = dvc(item)
    assert result["reasons"] == ["adversarial_behaviour"]
    assert result["details"] == [
        "adversarial_behaviour: range_violation: "
        "no call sent an option at its maximum that the request exceeded"
    ]


def malformed_item(attempt: dict[str, Any]) -> dict[str, Any]:
    broken = '{"path": "docs/a.md",}'
    return make_item(
        [("fs.read", broken), ("fs.read", READ_ARGS)],
        [{"ok": False, "error": "invalid JSON"}, READ_RESULT],
        READ_ANSWER,
        complexity="branching_error_recovery",
        adversarial={"type": "malformed_json", "expected": "repair_json"},
        attempts=[attempt, {"call_index": 1, "ok": True}],
    )


def test_malformed_call_the_teacher_made() -> None:
    item = malformed_item({"call_index": 0, "ok": False, "error": "invalid JSON"})
    result = dvc(item)
    # Not counted against the JSON rate (the generator meant it), but trained on.
    assert result["counts"] == {
        "json_checked": 1,
        "json_valid": 1,
        "schema_checked": 1,
        "schema_valid": 1,
    }
    assert result["reasons"] == ["invalid_trained_call", "adversarial_behaviour"]
    assert (
        detail(result, "invalid_trained_call")
        == "call 0 (None): not valid JSON, and it is trained on"
    )
    # Outside DVC the generator's word is not taken: it is an invalid call like any other.
    result = standalone(item)
    assert "json_invalid" in result["reasons"]
    assert result["counts"]["json_checked"] == 2
    excluded = malformed_item(
        {"call_index": 0, "ok": False, "error": "invalid JSON", "excluded": True}
    )
    assert "invalid_trained_call" not in dvc(excluded)["reasons"]


@pytest.mark.parametrize(
    ("spans", "over_cap", "flagged", "caught"),
    [
        (3, False, False, False),
        (4, False, False, True),
        (4, False, True, True),
        (3, True, True, False),
        (3, True, False, True),
    ],
)
def test_integration_spans_over_the_cap(
    spans: int, over_cap: bool, flagged: bool, caught: bool
) -> None:
    item = read_item(integration_over_cap=flagged)
    answer = item["targets"]["integration_spans"][0]
    item["targets"]["integration_spans"] = [answer] * spans
    item["targets"]["over_cap"] = over_cap
    result = dvc(item)
    assert ("integration_over_cap" in result["reasons"]) is caught
    if caught:
        assert detail(result, "integration_over_cap") == f"{spans} spans kept, cap 3"


@pytest.mark.parametrize(
    ("lang", "prompt_extra", "answer_extra", "ok"),
    [
        ("de", " Es sind 1.234 Zeilen.", "", True),
        ("de", "", " Es sind 1.234 Zeilen.", True),
        ("fr", "", " Il y a 1 234 lignes.", True),
        ("de", "", " There are 1,234 lines.", True),
        ("de", "", " There are 1234 lines.", False),
        ("en", " 1,234 lines.", "", False),
    ],
)
def test_locale_probe_must_show_a_locale_format(
    lang: str, prompt_extra: str, answer_extra: str, ok: bool
) -> None:
    item = read_item(lang=lang, locale_probe=True)
    item["prompt"] += prompt_extra
    item["teacher_text"] += answer_extra
    result = dvc(item)
    assert ("locale_probe_format" in result["reasons"]) is not ok
    assert result["labels"]["locale_probe"] is ok


def test_locale_probe_of_a_messages_only_record_reads_the_teacher_text() -> None:
    item = read_item(lang="de", locale_probe=True)
    del item["prompt"]
    item["teacher_text"] += " Es sind 1.234 Zeilen."
    result = dvc(item)
    assert "locale_probe_format" not in result["reasons"]
    assert result["labels"]["locale_probe"] is True


def test_offered_tool_definitions_must_match_the_registry() -> None:
    item = two_call_item()
    for tool in item["tools"]:
        tool["function"]["description"] += " (patched)"
    result = dvc(item)
    assert result["reasons"] == ["tool_definition_mismatch"]
    assert result["details"] == ["tool_definition_mismatch: fs.list, fs.read"]


@pytest.mark.parametrize(
    ("kind", "change", "score"),
    [
        ("call", lambda c: c["call_span"]["chars"].__setitem__(0, 1), [0, 1, 1]),
        ("name", lambda c: c.__setitem__("name_span", None), [0, 1, 0]),
        ("args", lambda c: c["args_span"]["chars"].__setitem__(1, 9999), [0, 1, 1]),
    ],
)
def test_extracted_spans_off_the_gold(kind: str, change: Any, score: list[int]) -> None:
    item = read_item()
    change(item["targets"]["calls"][0])
    result = dvc(item)
    assert result["gold"][kind] == score
    assert "gold_span_mismatch" in result["reasons"]


def test_gold_kinds_the_generator_did_not_write_are_not_scored() -> None:
    item = read_item()
    del item["metadata"]["gold"]
    result = dvc(item)
    assert result["gold"] == {}
    assert result["reasons"] == []


def test_gold_integration_spans_beyond_the_cap_are_not_expected() -> None:
    item = read_item()
    first = item["targets"]["integration_spans"][0]
    item["metadata"]["gold"]["integration_spans"] = [first, span(0, 1), span(1, 2), span(2, 3)]
    item["targets"]["integration_spans"] = [span(0, 1), span(1, 2), span(2, 3)]
    result = dvc(item)
    assert result["gold"]["integration"] == [3, 3, 3]
    assert "gold_span_mismatch" not in result["reasons"]


# --- the helpers judge_item is made of -------------------------------------------------------


def test_prompt_of_a_turn_without_text_is_an_empty_line() -> None:
    item = {"messages": [{"role": "system", "content": None}, {"role": "user", "content": "u"}]}
    assert prompt_of(item) == "\nu"


@pytest.mark.parametrize(
    ("targets", "ok"),
    [
        ({}, True),
        ({"calls": [{}], "integration_spans": [{}]}, True),
        (None, False),
        ("calls", False),
        ({"calls": {}}, False),
        ({"calls": [5]}, False),
        ({"calls": [{}, 5], "integration_spans": [{}]}, False),
        ({"integration_spans": {}}, False),
        ({"integration_spans": [5]}, False),
        ({"calls": [{}], "integration_spans": [{}, 5]}, False),
    ],
)
def test_targets_must_hold_lists_of_objects(targets: Any, ok: bool) -> None:
    assert targets_ok(targets) is ok


@pytest.mark.parametrize(
    ("attempts", "failed"),
    [
        ([{"call_index": 0, "ok": False}], [True, False]),
        ([{"call_index": 1, "ok": False}], [False, True]),
        ([{"call_index": 0, "ok": True}], [False, False]),
        ([{"call_index": 0}], [False, False]),
        ([{"call_index": 0, "ok": 0}], [False, False]),
        ([5, {"call_index": 1, "ok": False}], [False, True]),
        ({"call_index": 0, "ok": False}, [False, False]),
        (None, [False, False]),
    ],
)
def test_failed_attempt_of_a_call(attempts: Any, failed: list[bool]) -> None:
    metadata = {"attempts": attempts}
    assert [failed_attempt(metadata, i) for i in range(2)] == failed


def test_parity_in_standalone_mode_counts_the_json_valid_calls() -> None:
    located = {"args_span": {"chars": [0, 1]}}
    missing = {"args_span": None}
    valid = [CallVerdict(0, "a", {}, True), CallVerdict(1, "a", {}, True)]
    broken = [CallVerdict(0, "a", {}, True), CallVerdict(1, None, None, False)]
    assert parity_miss([located, located], [], valid, True) == (True, False)
    assert parity_miss([located, missing], [], valid, True) == (True, True)
    assert parity_miss([located, missing], [], broken, True) == (True, False)
    assert parity_miss([missing], [], valid[:1], True) == (False, False)


def test_parity_in_dvc_mode_counts_the_planned_calls() -> None:
    located = {"args_span": {"chars": [0, 1]}}
    missing = {"args_span": None}
    plan = [{"name": "a"}, {"name": "a"}]
    assert parity_miss([located, located], plan, [], False) == (True, False)
    assert parity_miss([located, missing], plan, [], False) == (True, True)
    assert parity_miss([located], plan, [], False) == (True, True)
    assert parity_miss([missing], plan[:1], [], False) == (False, False)


def counts_of(
    verdicts: list[CallVerdict], metadata: dict[str, Any], standalone: bool
) -> tuple[dict[str, int], Result]:
    result: Result = {"reasons": [], "details": []}
    return json_schema_counts(verdicts, metadata, standalone, result), result


def test_counts_of_valid_json_and_schema_invalid_calls() -> None:
    verdicts = [
        CallVerdict(0, "fs.read", {}, True, ["$: 'path' is a required property", "$: z"]),
        CallVerdict(1, None, None, False, ["call not located"]),
        CallVerdict(2, "fs.read", {"path": "a"}, True),
        CallVerdict(3, "fs.read", {"path": "b"}, True),
    ]
    counts, result = counts_of(verdicts, {}, False)
    assert counts == {"json_checked": 4, "json_valid": 3, "schema_checked": 3, "schema_valid": 2}
    assert result["reasons"] == ["schema_invalid", "json_invalid"]
    assert result["details"] == [
        "schema_invalid: call 0: $: 'path' is a required property",
        "json_invalid: call 1 is not a valid JSON call",
    ]


def test_counts_leave_out_calls_broken_on_purpose() -> None:
    metadata = {
        "call_sequence": [
            {"name": "fs.read", "arguments": '{"path": '},
            {"name": "fs.read", "arguments": {"path": 5}},
            {"name": "fs.read", "arguments": {"path": "a"}},
        ],
        "adversarial": {"type": "range_violation"},
        "attempts": [{"call_index": 1, "ok": False}, {"call_index": 2, "ok": True}],
    }
    verdicts = [
        CallVerdict(0, None, None, False),
        CallVerdict(1, "fs.read", {"path": 5}, True, ["$.path: 5 is not of type 'string'"]),
        CallVerdict(2, "fs.read", {"path": "a"}, True),
        CallVerdict(3, "fs.read", {"path": 6}, True, ["$.path: 6 is not of type 'string'"]),
    ]
    counts, result = counts_of(verdicts, metadata, False)
    # Call 3 was not planned: it is judged like any other call.
    assert counts == {"json_checked": 3, "json_valid": 3, "schema_checked": 2, "schema_valid": 1}
    assert result["details"] == ["schema_invalid: call 3: $.path: 6 is not of type 'string'"]
    counts, result = counts_of(verdicts, metadata, True)
    assert counts == {"json_checked": 4, "json_valid": 3, "schema_checked": 3, "schema_valid": 1}
    assert result["reasons"] == ["json_invalid", "schema_invalid"]


@pytest.mark.parametrize("kind", ["malformed_json", "ambiguity", None])
def test_only_a_range_violation_excuses_a_failed_call(kind: str | None) -> None:
    metadata = {
        "call_sequence": [{"name": "fs.read", "arguments": {"path": 5}}],
        "adversarial": {"type": kind},
        "attempts": [{"call_index": 0, "ok": False}],
    }
    verdicts = [CallVerdict(0, "fs.read", {"path": 5}, True, ["$.path: wrong type"])]
    counts, result = counts_of(verdicts, metadata, False)
    assert counts["schema_checked"] == 1 and result["reasons"] == ["schema_invalid"]


def test_standalone_calls_without_any_tool_result_are_not_integration_eligible() -> None:
    # An xLAM row: the assistant turn is the calls, no tool ran, nothing to integrate.
    item = standalone_item()
    item["messages"] = [m for m in item["messages"] if m["role"] != "tool"][:-1]
    item["teacher_text"] = item["teacher_text"].split("<tool_response>")[0]
    item["targets"]["integration_spans"] = []
    result = standalone(item)
    assert result["f1"] is None
    assert "ungrounded_lax" not in result["reasons"]
    assert result["extracted"] is True
    # With a result and an answer that integrates nothing, the gate still fires.
    item = standalone_item()
    item["targets"]["integration_spans"] = []
    assert "ungrounded_lax" in standalone(item)["reasons"]


def test_a_conversation_that_ends_at_a_call_after_a_result_is_not_eligible() -> None:
    # A result came back, then the assistant only called again: no text after a
    # result could integrate one (review s13 M1).
    item = standalone_item()
    answer = item["messages"][-1]
    assert answer["role"] == "assistant" and not answer.get("tool_calls")
    call = next(m for m in item["messages"] if m["role"] == "assistant" and m.get("tool_calls"))
    item["messages"][-1] = {"role": "assistant", "content": "", "tool_calls": call["tool_calls"]}
    item["targets"]["integration_spans"] = []
    result = standalone(item)
    assert result["f1"] is None
    assert "ungrounded_lax" not in result["reasons"]
