"""The token-free checks of one item, as a pure function of (item, settings).

Token-dependent checks (alignment, CAWS token budget, long-context length)
are added by `pipeline.gates.item`, which batches the encoding of a chunk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pipeline.gates import checks, privacy, safety, spanf1
from pipeline.gates.calls import CallVerdict, Validators, span_chars
from pipeline.gates.integration import item_f1
from pipeline.gates.meaning import semantic_findings
from pipeline.gates.session import answers_a_result

Result = dict[str, Any]


@dataclass(frozen=True)
class Settings:
    """What a worker needs; small and picklable (sent to every worker once)."""

    tokenizer_dir: str
    allowlist: tuple[str, ...]
    caws_max_tokens: int
    integration_cap: int
    long_context_tokens: int
    standalone: bool
    # The share of items verify also encodes with `tokenizers` itself when the
    # fast path (`pipeline.bytebpe`) is on; 1.0 re-encodes every item.
    reference_share: float = 1.0
    # export.train_on_failed_attempts: marked failed attempts are then trained on too.
    train_failed_attempts: bool = False
    # generate.caws_header: false means prompts carry no CAWS line to check.
    caws_header: bool = True
    # Calls are judged by this project's tool registry only when the data was made
    # with it (DVC mode, or a header with the same registry fingerprint); data made
    # with other tools (the earlier version's, a third party's) by its own.
    own_registry: bool = True


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def prompt_of(item: dict[str, Any]) -> str:
    """The prompt, or for a messages-only record its system and user turns."""
    if isinstance(item.get("prompt"), str):
        return str(item["prompt"])
    turns = dicts(item.get("messages"))
    return "\n".join(as_str(m.get("content")) for m in turns if m.get("role") in ("system", "user"))


def targets_ok(targets: Any) -> bool:
    return (
        isinstance(targets, dict)
        and isinstance(targets.get("calls", []), list)
        and all(isinstance(c, dict) for c in targets.get("calls", []))
        and isinstance(targets.get("integration_spans", []), list)
        and all(isinstance(s, dict) for s in targets.get("integration_spans", []))
    )


def _slice(text: str, span: Any) -> str | None:
    chars = span_chars(span)
    if chars is None or chars[1] > len(text):
        return None
    return text[chars[0] : chars[1]]


def failed_attempt(metadata: dict[str, Any], index: int) -> bool:
    return any(
        a.get("call_index") == index and a.get("ok") is False
        for a in dicts(metadata.get("attempts"))
    )


def json_schema_counts(
    verdicts: list[CallVerdict], metadata: dict[str, Any], standalone: bool, result: Result
) -> dict[str, int]:
    """JSON and schema validity, leaving out the calls that are broken on purpose."""
    sequence = dicts(metadata.get("call_sequence"))
    kind = as_dict(metadata.get("adversarial")).get("type")
    counts = {"json_checked": 0, "json_valid": 0, "schema_checked": 0, "schema_valid": 0}
    for verdict in verdicts:
        planned = sequence[verdict.index] if verdict.index < len(sequence) else {}
        meant_malformed = not standalone and isinstance(planned.get("arguments"), str)
        meant_invalid = meant_malformed or (
            not standalone and kind == "range_violation" and failed_attempt(metadata, verdict.index)
        )
        if not meant_malformed:
            counts["json_checked"] += 1
            counts["json_valid"] += verdict.json_valid
            if not verdict.json_valid:
                add(result, "json_invalid", f"call {verdict.index} is not a valid JSON call")
        if verdict.json_valid and not verdict.schema_known:
            # Present only when there are any, so items with schemas keep their exact counts.
            counts["schema_unknown"] = counts.get("schema_unknown", 0) + 1
            if verdict.schema_problem is not None:
                add(result, "schema_unusable", f"call {verdict.index}: {verdict.schema_problem}")
        elif verdict.json_valid and not meant_invalid:
            counts["schema_checked"] += 1
            counts["schema_valid"] += verdict.schema_valid
            if not verdict.schema_valid:
                add(result, "schema_invalid", f"call {verdict.index}: {verdict.schema_errors[0]}")
    return counts


def fully_extracted(
    calls: list[dict[str, Any]],
    sequence: list[dict[str, Any]],
    targets: dict[str, Any],
    eligible: bool,
    standalone: bool,
) -> bool:
    """Every call located with its three spans, the calls the generator made, an answer."""
    located = all(
        c.get(key) is not None for c in calls for key in ("name_span", "args_span", "call_span")
    )
    if standalone:
        return located
    same_calls = [c.get("name") for c in calls] == [c.get("name") for c in sequence]
    return located and same_calls and (not eligible or bool(targets.get("integration_spans")))


def parity_miss(
    calls: list[dict[str, Any]],
    sequence: list[dict[str, Any]],
    verdicts: list[CallVerdict],
    standalone: bool,
) -> tuple[bool, bool]:
    """(is a multi-call item, misses an args span): one args span per call."""
    if standalone:
        multi = len(calls) >= 2
        return multi, multi and any(
            v.json_valid and calls[v.index].get("args_span") is None for v in verdicts
        )
    multi = len(sequence) >= 2
    return multi, multi and (
        len(calls) < len(sequence) or any(c.get("args_span") is None for c in calls)
    )


def add(result: Result, code: str, detail: str | None = None) -> None:
    if code not in result["reasons"]:
        result["reasons"].append(code)
    if detail:
        result["details"].append(f"{code}: {detail}")


def _labels(metadata: dict[str, Any], control: str | None, uses_tools: bool) -> dict[str, Any]:
    return {
        "scenario": metadata.get("scenario"),
        "complexity": metadata.get("complexity"),
        "structure": metadata.get("structure"),
        "lang": metadata.get("lang", "en"),
        "control": control,
        "adversarial": as_dict(metadata.get("adversarial")).get("type"),
        "long_context_flag": bool(metadata.get("long_context")),
        "long_context": False,
        "locale_probe": bool(metadata.get("locale_probe")),
        "negative_control": bool(metadata.get("negative_control")),
        "uses_tools": uses_tools,
        "caws_parsed": False,
    }


def judge_item(
    line: int,
    item: dict[str, Any],
    validators: Validators,
    s: Settings,
    reasoning_key_absent: bool = False,
) -> Result:
    """Every token-free check of one item. `reasoning_key_absent`: the item's own line
    was read and cannot hold the reasoning key (`checks.reasoning_key_absent`)."""
    metadata = as_dict(item.get("metadata"))
    teacher, prompt = as_str(item.get("teacher_text")), prompt_of(item)
    valid_targets = targets_ok(item.get("targets"))
    targets = as_dict(item.get("targets")) if valid_targets else {}
    calls, sequence = dicts(targets.get("calls")), dicts(metadata.get("call_sequence"))
    control = None if s.standalone else checks.control_kind(metadata)
    uses_tools = bool(sequence) if not s.standalone else bool(calls)
    result: Result = {
        "line": line,
        "id": item.get("id"),
        "reasons": [] if valid_targets else ["targets_invalid"],
        "details": [],
        "prompt_key": hashlib.blake2b(prompt.encode("utf-8"), digest_size=16).digest(),
        "labels": _labels(metadata, control, uses_tools),
        "gold": {},
        "f1": None,
    }
    offered = validators.offered(item.get("tools"))
    verdicts = [
        validators.judge(i, _slice(teacher, c.get("call_span")), offered)
        for i, c in enumerate(calls)
    ]
    result["labels"]["caws_parsed"] = checks.caws_parses(checks.caws_line(prompt))
    if not s.standalone and s.caws_header and not result["labels"]["caws_parsed"]:
        add(result, "caws_unparsable", repr(checks.caws_line(prompt)[:80]))
    session, meaning = semantic_findings(
        item, metadata, verdicts, labels=not s.standalone, train_failed=s.train_failed_attempts
    )
    for code, why in meaning:
        add(result, code, why)
    findings = privacy.scan_text(privacy.item_texts(item), s.allowlist)
    for verdict in verdicts:
        if isinstance(verdict.arguments, dict) and verdict.name:
            findings.extend(safety.check_call(verdict.name, verdict.arguments))
    for code, evidence in findings:
        add(result, code, evidence)
    result["counts"] = json_schema_counts(verdicts, metadata, s.standalone, result)
    if not reasoning_key_absent and checks.has_reasoning_content(item):
        add(result, "reasoning_content")
    thinking = checks.reasoning_in_text(item)
    if thinking is not None:
        add(result, "reasoning_content", thinking)
    for where, evidence in checks.call_like_turns(item):
        add(result, "call_like_text", f"{where}: {evidence!r}")
    # A standalone record with no assistant text after a tool result (xLAM rows, whose
    # calls got none; a conversation that ends at a call) has no answer that could
    # integrate one: not eligible.
    eligible = control is None and uses_tools and (not s.standalone or answers_a_result(item))
    if not s.standalone:
        _generator_checks(
            item, metadata, targets, verdicts, control, validators, s, result, session.request
        )
    result["extracted"] = valid_targets and fully_extracted(
        calls, sequence, targets, eligible, s.standalone
    )
    if not result["extracted"]:
        add(result, "extraction_incomplete")
    multi, miss = parity_miss(calls, sequence, verdicts, s.standalone)
    result["parity"] = [int(multi), int(miss)]
    if miss:
        add(result, "multicall_missing_args")
    if eligible:
        names = sorted({str(c.get("name")) for c in (sequence or calls) if c.get("name")})
        result["f1"] = item_f1(item, metadata, targets, teacher, names, session.results)
        if result["f1"]["lax"] == 0:
            add(result, "ungrounded_lax")
        if result["f1"]["strict"] == 0 and not s.standalone:  # strict needs field names
            add(result, "ungrounded_strict")
    return result


def _generator_checks(
    item: dict[str, Any],
    metadata: dict[str, Any],
    targets: dict[str, Any],
    verdicts: list[CallVerdict],
    control: str | None,
    validators: Validators,
    s: Settings,
    result: Result,
    request: str,
) -> None:
    """Checks that compare the text with what the generator says it made."""
    if control is not None:
        for code in checks.control_violations(item, targets):
            add(result, code)
    succeeded = [v for v in verdicts if not failed_attempt(metadata, v.index)]
    problems = {
        "attempts_inconsistent": checks.attempts_problem(metadata),
        "adversarial_behaviour": checks.adversarial_problem(
            metadata, verdicts, checks.final_answer(item), request, validators.maxima
        ),
        "structure_mismatch": None
        if control is not None
        else checks.structure_problem(metadata.get("structure"), succeeded, validators.parameters),
    }
    for code, problem in problems.items():
        if problem is not None:
            add(result, code, problem)
    # Over the cap means flagged by the generator; the extractor keeps at most `cap` spans.
    spans = len(targets.get("integration_spans") or ())
    if spans > s.integration_cap or (
        targets.get("over_cap") and not metadata.get("integration_over_cap")
    ):
        add(result, "integration_over_cap", f"{spans} spans kept, cap {s.integration_cap}")
    if metadata.get("locale_probe") and not checks.locale_probe_ok(
        metadata.get("lang"), [as_str(item.get("prompt")), as_str(item.get("teacher_text"))]
    ):
        add(result, "locale_probe_format")
        result["labels"]["locale_probe"] = False
    mismatched = validators.mismatches(item.get("tools"))
    if mismatched:
        add(result, "tool_definition_mismatch", ", ".join(mismatched))
    result["gold"] = spanf1.compare(as_dict(metadata.get("gold")), targets, s.integration_cap)
    if any(hits != gold or gold != pred for hits, gold, pred in result["gold"].values()):
        add(result, "gold_span_mismatch")
