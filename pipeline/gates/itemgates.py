"""Gates over the per-item figures (thresholds from params.yaml: verify)."""

from __future__ import annotations

import dataclasses

from pipeline.gates.codes import PRIVACY_REASONS, REFERENCE_REASONS, SAFETY_REASONS
from pipeline.gates.gate import Gate, allowed_misses, at_least, at_most, share
from pipeline.gates.spanf1 import f1 as span_f1
from pipeline.gates.stats import SetStats
from pipeline.params import VerifyParams


def items_with(stats: SetStats, codes: tuple[str, ...]) -> int:
    """Entries with at least one of `codes` (from `SetStats.finish`'s reason sets)."""
    stats.finish()  # idempotent; before it, there are no reason sets to count
    return sum(n for reasons, n in stats.reason_sets.items() if any(c in reasons for c in codes))


def family(name: str, stats: SetStats, codes: tuple[str, ...], threshold: int, what: str) -> Gate:
    """A zero-tolerance gate over several codes; it reports the most frequent one."""
    counts = {c: stats.reasons[c] for c in codes}
    code = max(codes, key=lambda c: (counts[c], -codes.index(c)))
    found = ", ".join(f"{c} {n}" for c, n in counts.items() if n) or "none"
    return at_most(name, code, items_with(stats, codes), threshold, f"items with {what}: {found}")


def integration_gates(stats: SetStats, v: VerifyParams) -> list[Gate]:
    """Lax passes at the threshold or within the miss tolerance, and its rule says
    which of the two decided; strict is a trend."""
    f1 = stats.f1
    eligible, misses = int(f1["items"]), int(f1["misses"])
    allowed = allowed_misses(v.max_integration_miss_share, eligible)
    lax = share(f1["lax_sum"], eligible)
    detail = f"lax macro over {eligible} eligible items; {misses} misses (allowed {allowed})"
    threshold = v.min_integration_f1_lax
    passed = lax >= threshold or misses <= allowed
    rule = (
        ""
        if lax >= threshold
        else f"< {threshold:g}, {plural(misses, 'miss')}, tolerance {allowed}"
    )
    strict = share(f1["strict_sum"], eligible)
    return [
        Gate("integration_f1", "ungrounded_lax", lax, threshold, ">=", passed, detail, rule=rule),
        Gate(
            "integration_f1_strict",
            "ungrounded_strict",
            strict,
            0.0,
            "trend",
            True,
            f"strict macro over {eligible} eligible items",
        ),
    ]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}{'es' if noun[-1] == 's' else 's'}"


def reference_gate(stats: SetStats, v: VerifyParams) -> Gate:
    """Zero tolerance for a fast path that differs from its reference implementation."""
    gate = family("reference", stats, REFERENCE_REASONS, v.max_reference_mismatches, "")
    found = ", ".join(f"{c} {stats.reasons[c]}" for c in REFERENCE_REASONS)
    checked = stats.counts["reference_items"]
    detail = f"{checked} of {stats.items} items re-encoded by the tokenizer itself; {found}"
    return dataclasses.replace(gate, detail=detail)


SEMANTIC_GATES = (
    ("execution", "result_incoherent", "max_result_incoherent",
     "items whose responses do not replay or do not honour their calls"),
    ("intent_answered", "intent_unanswered", "max_intent_unanswered",
     "items with a requested comparison, list, count, computation or context unanswered"),
    ("errors_disclosed", "error_undisclosed", "max_error_undisclosed",
     "items hiding a failure of the user's input"),
    ("prompt_leaks", "prompt_leak", "max_prompt_leaks",
     "items whose request states what only a tool returns"),
    ("templates_filled", "template_residue", "max_template_residue",
     "items showing a template slot that was never filled"),
    ("requests_coherent", "request_incoherent", "max_request_incoherent",
     "items whose request contradicts itself or its calls"),
    ("history_present", "history_absent", "max_history_absent",
     "items referring to an earlier answer they do not hold"),
    ("attributions", "figure_misattributed", "max_misattributed",
     "items quoting a page for a metric it does not report"),
    ("labels", "label_mismatch", "max_label_mismatches",
     "items whose complexity, scenario or intent labels contradict them"),
    ("trained_calls_valid", "invalid_trained_call", "max_invalid_trained_calls",
     "items training on an invalid call"),
)  # fmt: skip


def semantic_gates(stats: SetStats, v: VerifyParams) -> list[Gate]:
    """Zero tolerance by default: a reader would fault every one of these items."""
    return [
        at_most(name, code, stats.reasons[code], getattr(v, limit), f"{stats.reasons[code]} {what}")
        for name, code, limit, what in SEMANTIC_GATES
    ]


def item_gates(stats: SetStats, v: VerifyParams) -> list[Gate]:
    r, c, n = stats.reasons, stats.counts, stats.items
    gold = [sum(s[i] for s in stats.gold.values()) for i in range(3)]
    teacher, sequence = stats.alignment["teacher"], stats.alignment["sequence"]
    multi, multi_misses = stats.parity
    adversarial = sum(stats.adversarial.values())
    return [
        at_most(
            "records",
            "record_invalid",
            r["record_invalid"] + r["targets_invalid"],
            v.max_invalid_records,
            f"{stats.rejects} unreadable lines, {r['targets_invalid']} items without targets",
        ),
        at_least(
            "full_extraction",
            "extraction_incomplete",
            share(*stats.extraction["all"]),
            v.min_full_extraction,
        ),
        at_least(
            "json_valid",
            "json_invalid",
            share(c["json_valid"], c["json_checked"]),
            v.min_json_valid,
            f"{c['json_checked'] - c['json_valid']}/{c['json_checked']} calls invalid",
        ),
        at_least(
            "schema_valid",
            "schema_invalid",
            share(c["schema_valid"], c["schema_checked"]),
            v.min_schema_valid,
            f"{c['schema_checked'] - c['schema_valid']}/{c['schema_checked']} calls invalid",
        ),
        *integration_gates(stats, v),
        at_least(
            "span_f1",
            "gold_span_mismatch",
            span_f1(*gold),
            v.min_span_f1,
            f"{gold[0]} exact of {gold[1]} gold and {gold[2]} extracted spans",
        ),
        family(
            "controls",
            stats,
            ("control_tool_call", "control_integration"),
            v.max_control_violations,
            "calls or integration in a control",
        ),
        at_least(
            "caws_parsed",
            "caws_unparsable",
            share(stats.caws_parsed, n),
            v.min_caws_parsed,
        ),
        at_most(
            "caws_budget",
            "caws_too_long",
            stats.caws_max_tokens,
            v.caws_max_tokens,
            f"largest header {stats.caws_max_tokens} tokens; {r['caws_too_long']} over",
        ),
        family("privacy", stats, PRIVACY_REASONS, v.max_privacy_findings, "PII, secrets or URLs"),
        family(
            "argument_safety", stats, SAFETY_REASONS, v.max_unsafe_arguments, "unsafe arguments"
        ),
        at_least(
            "alignment_teacher",
            "misaligned_teacher",
            share(teacher[1], teacher[0]),
            v.min_alignment,
            f"{teacher[1]}/{teacher[0]} spans round-trip",
        ),
        at_least(
            "alignment_sequence",
            "misaligned_sequence",
            share(sequence[1], sequence[0]),
            v.min_alignment,
            f"{sequence[1]}/{sequence[0]} spans and sequence lengths round-trip",
        ),
        reference_gate(stats, v),
        dataclasses.replace(
            at_most(
                "multicall_parity",
                "multicall_missing_args",
                multi_misses,
                allowed_misses(v.max_multicall_miss_share, multi),
                f"{multi_misses} of {multi} multi-call items miss an args span",
            ),
            # The threshold scales with the multi-call items: say so, or it reads as a target.
            rule=f"<= {allowed_misses(v.max_multicall_miss_share, multi)} "
            f"({v.max_multicall_miss_share:g} x {multi}, min 1)",
        ),
        at_least(
            "structure_fidelity",
            "structure_mismatch",
            1.0 - share(r["structure_mismatch"], n) if n else 1.0,
            v.min_structure_fidelity,
        ),
        at_least(
            "adversarial_behaviour",
            "adversarial_behaviour",
            share(adversarial - r["adversarial_behaviour"], adversarial),
            v.min_adversarial_behaviour,
            f"{adversarial} adversarial items",
        ),
        at_most(
            "attempts",
            "attempts_inconsistent",
            r["attempts_inconsistent"],
            v.max_attempt_errors,
        ),
        at_most(
            "integration_cap",
            "integration_over_cap",
            r["integration_over_cap"],
            v.max_over_cap_unflagged,
            "items over the cap without the generator's flag",
        ),
        at_most(
            "reasoning_content",
            "reasoning_content",
            r["reasoning_content"],
            v.max_reasoning_content,
        ),
        at_most(
            "call_like_text",
            "call_like_text",
            r["call_like_text"],
            v.max_call_like_text,
            "items whose assistant text looks like a call in no format read",
        ),
        *semantic_gates(stats, v),
        at_most(
            "duplicate_ids",
            "duplicate_id",
            r["duplicate_id"],
            v.max_duplicate_ids,
        ),
        at_most(
            "duplicate_prompts",
            "duplicate_prompt",
            r["duplicate_prompt"] / n if n else 0.0,
            v.max_duplicate_prompt_rate,
            f"{r['duplicate_prompt']} repeated prompts",
        ),
    ]
