"""Item-level gates in isolation: the figures `SetStats` folds from per-item results.

SetStats is built by hand: reasons go through `add` (as unreadable lines, which
only log their reasons) and `finish`, as in a verify run, so the item counts of
the family gates come from the reason sets `finish` tallies; every other figure
is set directly. Whole Gate objects are compared, so every field (name, code,
value, threshold, op, pass flag, detail) is asserted at once. Shares and
thresholds are multiples of 1/8, so the floats compare exactly, and the figures
sit exactly on, or one step past, each threshold, so every boundary is seen
from both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from pipeline.gates.codes import PRIVACY_REASONS, SAFETY_REASONS
from pipeline.gates.gate import Gate
from pipeline.gates.itemgates import family, integration_gates, item_gates, items_with
from pipeline.gates.stats import SetStats
from pipeline.params import VerifyParams

CONTROL_REASONS = ("control_tool_call", "control_integration")


def logged(entries: Iterable[Iterable[str]] = (), **fields: Any) -> SetStats:
    """A finished SetStats whose item log holds one entry per list of reasons.

    `add` takes each entry as an unreadable line (no labels), which counts its
    reasons and logs it; `rejects` is then reset, and `fields` set by hand.
    """
    stats = SetStats()
    for line, reasons in enumerate(entries, start=1):
        stats.add({"line": line, "id": f"i{line}", "reasons": list(reasons)})
    stats.finish()
    stats.rejects = 0
    for name, value in fields.items():
        setattr(stats, name, value)
    return stats


def with_f1(
    stats: SetStats, items: int, lax_sum: float, strict_sum: float, misses: int
) -> SetStats:
    """Set the integration F1 sums `add` folds from the eligible items."""
    stats.f1.update(items=items, lax_sum=lax_sum, strict_sum=strict_sum, misses=misses)
    return stats


def by_name(gates: list[Gate]) -> dict[str, Gate]:
    return {g.name: g for g in gates}


# Off the defaults and off zero, so both sides of every boundary can be reached.
PARAMS = VerifyParams(
    min_full_extraction=0.75,
    min_json_valid=0.875,
    min_schema_valid=0.375,
    min_integration_f1_lax=0.625,
    max_integration_miss_share=0.25,
    min_span_f1=0.5,
    max_control_violations=1,
    min_caws_parsed=0.875,
    caws_max_tokens=24,
    min_alignment=0.75,
    max_multicall_miss_share=0.25,
    max_duplicate_prompt_rate=0.125,
    max_invalid_records=2,
    max_privacy_findings=1,
    max_unsafe_arguments=1,
    max_attempt_errors=1,
    max_over_cap_unflagged=2,
    max_reasoning_content=3,
    max_call_like_text=1,
    max_duplicate_ids=1,
    max_reference_mismatches=1,
    min_structure_fidelity=0.875,
    min_adversarial_behaviour=0.75,
    max_result_incoherent=1,
    max_intent_unanswered=2,
    max_error_undisclosed=1,
    max_prompt_leaks=1,
    max_template_residue=1,
    max_request_incoherent=1,
    max_history_absent=1,
    max_misattributed=1,
    max_label_mismatches=2,
    max_invalid_trained_calls=1,
)


# ---------------------------------------------------------------- items_with


def test_items_with_counts_entries_not_reasons() -> None:
    stats = logged(
        [
            ["pii_email", "secret"],  # two of the codes, one entry
            ["secret"],
            ["pii_email", "unsafe_path"],
            ["unsafe_path"],
            [],
            ["duplicate_id"],
        ]
    )
    assert items_with(stats, PRIVACY_REASONS) == 3
    assert items_with(stats, SAFETY_REASONS) == 2
    assert items_with(stats, ("secret",)) == 2
    assert items_with(stats, ("duplicate_id", "secret", "pii_card")) == 3
    assert items_with(stats, ("pii_card",)) == 0
    assert items_with(stats, ()) == 0


def test_items_with_counts_repeated_reason_sets_once_per_entry() -> None:
    stats = logged([["secret"]] * 3 + [["secret", "pii_uuid"]] * 2 + [["json_invalid"]] * 4)
    assert items_with(stats, PRIVACY_REASONS) == 5
    assert items_with(stats, ("pii_uuid",)) == 2
    assert items_with(stats, ("json_invalid",)) == 4


def test_items_with_sees_the_duplicate_flags_finish_adds() -> None:
    # Two items with the same id and prompt: finish flags the second one.
    stats = SetStats()
    for line in (1, 2):
        stats.add(
            {
                "line": line,
                "id": "same",
                "reasons": [],
                "details": [],
                "prompt_key": b"p",
                "labels": {
                    "scenario": "file_ops",
                    "complexity": "single_call",
                    "structure": "arrays",
                    "lang": "en",
                    "control": None,
                    "adversarial": None,
                    "long_context_flag": False,
                    "long_context": False,
                    "locale_probe": False,
                    "negative_control": False,
                    "uses_tools": True,
                    "caws_parsed": True,
                },
                "extracted": True,
                "counts": {},
                "parity": [0, 0],
                "gold": {},
                "f1": None,
            }
        )
    stats.finish()
    assert items_with(stats, ("duplicate_id",)) == 1
    assert items_with(stats, ("duplicate_prompt", "duplicate_id")) == 1
    assert items_with(stats, ("json_invalid",)) == 0


# ---------------------------------------------------------------- family


def test_family_reports_the_most_frequent_code_and_counts_items() -> None:
    stats = logged([["pii_email"], ["url_not_allowlisted", "pii_card"], ["pii_card"], []])
    assert family("privacy", stats, PRIVACY_REASONS, 3, "PII") == Gate(
        "privacy",
        "pii_card",
        3,
        3,
        "<=",
        True,
        "items with PII: pii_email 1, pii_card 2, url_not_allowlisted 1",
    )


def test_family_one_over_its_threshold_fails() -> None:
    stats = logged([["secret"], ["secret", "pii_phone"], ["unsafe_path"]])
    assert family("privacy", stats, PRIVACY_REASONS, 1, "leaks") == Gate(
        "privacy", "secret", 2, 1, "<=", False, "items with leaks: pii_phone 1, secret 2"
    )


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        # Ties go to the code listed first, wherever it sits in the tuple.
        ([["url_not_allowlisted"], ["pii_uuid"]], "pii_uuid"),
        ([["secret"], ["pii_card"]], "pii_card"),
        ([["pii_phone", "pii_email"]], "pii_email"),
        # A count beats the order.
        ([["url_not_allowlisted"], ["url_not_allowlisted"], ["pii_email"]], "url_not_allowlisted"),
        ([["pii_uuid"], ["secret"], ["secret"]], "secret"),
        ([["pii_email"], ["pii_uuid"], ["pii_uuid"]], "pii_uuid"),
        # Nothing found: the first code.
        ([], "pii_email"),
        ([["shell_injection"]], "pii_email"),
    ],
)
def test_family_code_is_the_most_frequent_ties_broken_by_order(
    entries: list[list[str]], code: str
) -> None:
    assert family("privacy", logged(entries), PRIVACY_REASONS, 0, "x").code == code


def test_family_ties_in_a_pair_go_to_the_first() -> None:
    stats = logged([["control_integration"], ["control_tool_call"]])
    gate = family("controls", stats, CONTROL_REASONS, 1, "controls")
    assert (gate.code, gate.value, gate.passed) == ("control_tool_call", 2, False)
    stats = logged([["shell_injection"], ["shell_injection", "unsafe_path"]])
    gate = family("argument_safety", stats, SAFETY_REASONS, 2, "unsafe arguments")
    assert gate == Gate(
        "argument_safety",
        "shell_injection",
        2,
        2,
        "<=",
        True,
        "items with unsafe arguments: unsafe_path 1, shell_injection 2",
    )


def test_family_with_nothing_found_passes_and_says_none() -> None:
    stats = logged([["json_invalid"], []])
    assert family("argument_safety", stats, SAFETY_REASONS, 0, "unsafe arguments") == Gate(
        "argument_safety", "unsafe_path", 0, 0, "<=", True, "items with unsafe arguments: none"
    )


def test_family_counts_items_against_the_threshold_not_reasons() -> None:
    # Three reasons on one item: one item, within a threshold of one.
    stats = logged([["pii_email", "pii_phone", "secret"]])
    gate = family("privacy", stats, PRIVACY_REASONS, 1, "PII")
    assert (gate.value, gate.passed) == (1, True)
    assert gate.detail == "items with PII: pii_email 1, pii_phone 1, secret 1"


# ---------------------------------------------------------------- integration_gates


def integration(items: int, lax_sum: float, strict_sum: float, misses: int) -> list[Gate]:
    return integration_gates(with_f1(logged(), items, lax_sum, strict_sum, misses), PARAMS)


def lax_gate(value: float, passed: bool, detail: str, rule: str = "") -> Gate:
    return Gate("integration_f1", "ungrounded_lax", value, 0.625, ">=", passed, detail, rule=rule)


def strict_gate(value: float, items: int = 8) -> Gate:
    detail = f"strict macro over {items} eligible items"
    return Gate("integration_f1_strict", "ungrounded_strict", value, 0.0, "trend", True, detail)


# A miss scores 0 lax, so with a threshold of 5/8 and a quarter of the items
# allowed to miss, 8 items with 3 misses pass only if the other 5 are perfect.


def test_lax_at_its_threshold_passes_with_more_misses_than_allowed() -> None:
    assert integration(8, 5, 4, 3) == [
        lax_gate(0.625, True, "lax macro over 8 eligible items; 3 misses (allowed 2)"),
        strict_gate(0.5),
    ]


def test_lax_below_its_threshold_passes_with_misses_at_the_tolerance() -> None:
    assert integration(8, 4, 3, 2) == [
        lax_gate(
            0.5,
            True,
            "lax macro over 8 eligible items; 2 misses (allowed 2)",
            "< 0.625, 2 misses, tolerance 2",
        ),
        strict_gate(0.375),
    ]


def test_lax_below_its_threshold_with_one_miss_too_many_fails() -> None:
    assert integration(8, 4, 1, 3) == [
        lax_gate(
            0.5,
            False,
            "lax macro over 8 eligible items; 3 misses (allowed 2)",
            "< 0.625, 3 misses, tolerance 2",
        ),
        strict_gate(0.125),
    ]


def test_the_miss_tolerance_rounds_up_and_is_at_least_one() -> None:
    # ceil(0.25 * 9) = 3 allowed.
    assert integration(9, 4.5, 0, 3)[0] == lax_gate(
        0.5,
        True,
        "lax macro over 9 eligible items; 3 misses (allowed 3)",
        "< 0.625, 3 misses, tolerance 3",
    )
    # ceil(0.25 * 2) = 1 allowed.
    assert integration(2, 1, 0, 1)[0] == lax_gate(
        0.5,
        True,
        "lax macro over 2 eligible items; 1 misses (allowed 1)",
        "< 0.625, 1 miss, tolerance 1",
    )
    assert integration(2, 0, 0, 2)[0] == lax_gate(
        0.0,
        False,
        "lax macro over 2 eligible items; 2 misses (allowed 1)",
        "< 0.625, 2 misses, tolerance 1",
    )
    # ceil(0.25 * 1) = 1: a single eligible item may miss.
    assert integration(1, 0, 0, 1)[0] == lax_gate(
        0.0,
        True,
        "lax macro over 1 eligible items; 1 misses (allowed 1)",
        "< 0.625, 1 miss, tolerance 1",
    )


def test_no_eligible_item_is_vacuously_perfect() -> None:
    assert integration_gates(logged(), VerifyParams()) == [
        Gate(
            "integration_f1",
            "ungrounded_lax",
            1.0,
            0.9,
            ">=",
            True,
            "lax macro over 0 eligible items; 0 misses (allowed 1)",
        ),
        strict_gate(1.0, items=0),
    ]


def test_the_strict_trend_never_fails() -> None:
    gates = integration(8, 0, 0, 8)
    assert gates[0].passed is False
    assert gates[1] == strict_gate(0.0)


# ---------------------------------------------------------------- item_gates

NAMES = [
    "records",
    "full_extraction",
    "json_valid",
    "schema_valid",
    "integration_f1",
    "integration_f1_strict",
    "span_f1",
    "controls",
    "caws_parsed",
    "caws_budget",
    "privacy",
    "argument_safety",
    "alignment_teacher",
    "alignment_sequence",
    "reference",
    "multicall_parity",
    "structure_fidelity",
    "adversarial_behaviour",
    "attempts",
    "integration_cap",
    "reasoning_content",
    "call_like_text",
    "execution",
    "intent_answered",
    "errors_disclosed",
    "prompt_leaks",
    "templates_filled",
    "requests_coherent",
    "history_present",
    "attributions",
    "labels",
    "trained_calls_valid",
    "duplicate_ids",
    "duplicate_prompts",
]


def at_threshold_stats() -> SetStats:
    """8 items, every figure exactly on its PARAMS threshold."""
    entries = [
        ["record_invalid"],
        ["targets_invalid", "json_invalid"],
        ["control_tool_call", "duplicate_prompt"],
        ["pii_phone", "secret", "shell_injection"],
        ["structure_mismatch", "adversarial_behaviour"],
        ["attempts_inconsistent", "integration_over_cap"],
        ["integration_over_cap", "reasoning_content"],
        ["reasoning_content", "duplicate_id"],
        ["reasoning_content", "call_like_text"],
        ["rendering_mismatch", "tokenizer_mismatch"],
        [],
        ["result_incoherent"],
        ["intent_unanswered"],
        ["intent_unanswered"],
        ["error_undisclosed"],
        ["prompt_leak"],
        ["template_residue"],
        ["request_incoherent"],
        ["history_absent"],
        ["figure_misattributed"],
        ["label_mismatch"],
        ["label_mismatch"],
        ["invalid_trained_call"],
    ]
    stats = logged(
        entries,
        items=8,
        rejects=1,
        extraction={"all": [6, 8], "multilingual": [1, 1], "long": [1, 1], "short": [5, 7]},
        alignment={"teacher": [8, 6], "sequence": [4, 3]},
        parity=[12, 3],
        caws_parsed=7,
        caws_max_tokens=24,
        gold={"name": [1, 1, 2], "args": [1, 2, 3]},
    )
    stats.counts.update(json_valid=7, json_checked=8, schema_valid=3, schema_checked=8)
    stats.counts.update(reference_items=3)
    stats.adversarial.update(range_violation=3, malformed_json=1)
    return with_f1(stats, 8, 5, 4, 3)


def test_every_item_gate_passes_exactly_at_its_threshold() -> None:
    gates = item_gates(at_threshold_stats(), PARAMS)
    assert [g.name for g in gates] == NAMES
    assert gates == [
        Gate(
            "records",
            "record_invalid",
            2,
            2,
            "<=",
            True,
            "1 unreadable lines, 1 items without targets",
        ),
        Gate("full_extraction", "extraction_incomplete", 0.75, 0.75, ">=", True),
        Gate("json_valid", "json_invalid", 0.875, 0.875, ">=", True, "1/8 calls invalid"),
        Gate("schema_valid", "schema_invalid", 0.375, 0.375, ">=", True, "5/8 calls invalid"),
        lax_gate(0.625, True, "lax macro over 8 eligible items; 3 misses (allowed 2)"),
        strict_gate(0.5),
        Gate(
            "span_f1",
            "gold_span_mismatch",
            0.5,
            0.5,
            ">=",
            True,
            "2 exact of 3 gold and 5 extracted spans",
        ),
        Gate(
            "controls",
            "control_tool_call",
            1,
            1,
            "<=",
            True,
            "items with calls or integration in a control: control_tool_call 1",
        ),
        Gate("caws_parsed", "caws_unparsable", 0.875, 0.875, ">=", True),
        Gate(
            "caws_budget", "caws_too_long", 24, 24, "<=", True, "largest header 24 tokens; 0 over"
        ),
        Gate(
            "privacy",
            "pii_phone",
            1,
            1,
            "<=",
            True,
            "items with PII, secrets or URLs: pii_phone 1, secret 1",
        ),
        Gate(
            "argument_safety",
            "shell_injection",
            1,
            1,
            "<=",
            True,
            "items with unsafe arguments: shell_injection 1",
        ),
        Gate(
            "alignment_teacher",
            "misaligned_teacher",
            0.75,
            0.75,
            ">=",
            True,
            "6/8 spans round-trip",
        ),
        Gate(
            "alignment_sequence",
            "misaligned_sequence",
            0.75,
            0.75,
            ">=",
            True,
            "3/4 spans and sequence lengths round-trip",
        ),
        Gate(
            "reference",
            "tokenizer_mismatch",
            1,
            1,
            "<=",
            True,
            "3 of 8 items re-encoded by the tokenizer itself; "
            "tokenizer_mismatch 1, rendering_mismatch 1",
        ),
        Gate(
            "multicall_parity",
            "multicall_missing_args",
            3,
            3,
            "<=",
            True,
            "3 of 12 multi-call items miss an args span",
            rule="<= 3 (0.25 x 12, min 1)",
        ),
        Gate("structure_fidelity", "structure_mismatch", 0.875, 0.875, ">=", True),
        Gate(
            "adversarial_behaviour",
            "adversarial_behaviour",
            0.75,
            0.75,
            ">=",
            True,
            "4 adversarial items",
        ),
        Gate("attempts", "attempts_inconsistent", 1, 1, "<=", True),
        Gate(
            "integration_cap",
            "integration_over_cap",
            2,
            2,
            "<=",
            True,
            "items over the cap without the generator's flag",
        ),
        Gate("reasoning_content", "reasoning_content", 3, 3, "<=", True),
        Gate(
            "call_like_text",
            "call_like_text",
            1,
            1,
            "<=",
            True,
            "items whose assistant text looks like a call in no format read",
        ),
        Gate(
            "execution",
            "result_incoherent",
            1,
            1,
            "<=",
            True,
            "1 items whose responses do not replay or do not honour their calls",
        ),
        Gate(
            "intent_answered",
            "intent_unanswered",
            2,
            2,
            "<=",
            True,
            "2 items with a requested comparison, list, count, computation or context unanswered",
        ),
        Gate(
            "errors_disclosed",
            "error_undisclosed",
            1,
            1,
            "<=",
            True,
            "1 items hiding a failure of the user's input",
        ),
        Gate(
            "prompt_leaks",
            "prompt_leak",
            1,
            1,
            "<=",
            True,
            "1 items whose request states what only a tool returns",
        ),
        Gate(
            "templates_filled",
            "template_residue",
            1,
            1,
            "<=",
            True,
            "1 items showing a template slot that was never filled",
        ),
        Gate(
            "requests_coherent",
            "request_incoherent",
            1,
            1,
            "<=",
            True,
            "1 items whose request contradicts itself or its calls",
        ),
        Gate(
            "history_present",
            "history_absent",
            1,
            1,
            "<=",
            True,
            "1 items referring to an earlier answer they do not hold",
        ),
        Gate(
            "attributions",
            "figure_misattributed",
            1,
            1,
            "<=",
            True,
            "1 items quoting a page for a metric it does not report",
        ),
        Gate(
            "labels",
            "label_mismatch",
            2,
            2,
            "<=",
            True,
            "2 items whose complexity, scenario or intent labels contradict them",
        ),
        Gate(
            "trained_calls_valid",
            "invalid_trained_call",
            1,
            1,
            "<=",
            True,
            "1 items training on an invalid call",
        ),
        Gate("duplicate_ids", "duplicate_id", 1, 1, "<=", True),
        Gate(
            "duplicate_prompts", "duplicate_prompt", 0.125, 0.125, "<=", True, "1 repeated prompts"
        ),
    ]


def one_step_over_stats() -> SetStats:
    """8 items, every figure one step past its PARAMS threshold."""
    entries = [
        ["record_invalid"],
        ["record_invalid", "targets_invalid"],
        ["control_integration"],
        ["control_integration", "control_tool_call"],
        ["url_not_allowlisted"],
        ["url_not_allowlisted", "pii_email"],
        ["unsafe_path"],
        ["unsafe_path", "shell_injection"],
        ["structure_mismatch", "adversarial_behaviour", "duplicate_prompt"],
        ["structure_mismatch", "adversarial_behaviour", "duplicate_prompt"],
        ["attempts_inconsistent", "duplicate_id"],
        ["attempts_inconsistent", "duplicate_id"],
        ["integration_over_cap"] * 3,
        ["reasoning_content"] * 4,
        ["call_like_text"],
        ["call_like_text"],
        ["caws_too_long"] * 3,
        ["rendering_mismatch"],
        ["rendering_mismatch", "tokenizer_mismatch"],
        ["result_incoherent"],
        ["result_incoherent"],
        ["intent_unanswered"],
        ["intent_unanswered"],
        ["intent_unanswered"],
        ["error_undisclosed"],
        ["error_undisclosed"],
        ["prompt_leak"],
        ["prompt_leak"],
        ["template_residue"],
        ["template_residue"],
        ["request_incoherent"],
        ["request_incoherent"],
        ["history_absent"],
        ["history_absent"],
        ["figure_misattributed"],
        ["figure_misattributed"],
        ["label_mismatch"],
        ["label_mismatch"],
        ["label_mismatch"],
        ["invalid_trained_call"],
        ["invalid_trained_call"],
    ]
    stats = logged(
        entries,
        items=8,
        rejects=2,
        extraction={"all": [5, 8], "multilingual": [0, 0], "long": [0, 0], "short": [5, 8]},
        alignment={"teacher": [8, 5], "sequence": [4, 2]},
        parity=[12, 4],
        caws_parsed=6,
        caws_max_tokens=25,
        gold={"name": [1, 3, 4], "args": [2, 5, 4]},
    )
    stats.counts.update(json_valid=6, json_checked=8, schema_valid=2, schema_checked=8)
    stats.adversarial.update(ambiguity=4)
    return with_f1(stats, 8, 4, 2, 3)


def test_every_item_gate_fails_one_step_past_its_threshold() -> None:
    gates = item_gates(one_step_over_stats(), PARAMS)
    assert gates == [
        Gate(
            "records",
            "record_invalid",
            3,
            2,
            "<=",
            False,
            "2 unreadable lines, 1 items without targets",
        ),
        Gate("full_extraction", "extraction_incomplete", 0.625, 0.75, ">=", False),
        Gate("json_valid", "json_invalid", 0.75, 0.875, ">=", False, "2/8 calls invalid"),
        Gate("schema_valid", "schema_invalid", 0.25, 0.375, ">=", False, "6/8 calls invalid"),
        lax_gate(
            0.5,
            False,
            "lax macro over 8 eligible items; 3 misses (allowed 2)",
            "< 0.625, 3 misses, tolerance 2",
        ),
        strict_gate(0.25),
        Gate(
            "span_f1",
            "gold_span_mismatch",
            0.375,
            0.5,
            ">=",
            False,
            "3 exact of 8 gold and 8 extracted spans",
        ),
        Gate(
            "controls",
            "control_integration",
            2,
            1,
            "<=",
            False,
            "items with calls or integration in a control: "
            "control_tool_call 1, control_integration 2",
        ),
        Gate("caws_parsed", "caws_unparsable", 0.75, 0.875, ">=", False),
        Gate(
            "caws_budget", "caws_too_long", 25, 24, "<=", False, "largest header 25 tokens; 3 over"
        ),
        Gate(
            "privacy",
            "url_not_allowlisted",
            2,
            1,
            "<=",
            False,
            "items with PII, secrets or URLs: pii_email 1, url_not_allowlisted 2",
        ),
        Gate(
            "argument_safety",
            "unsafe_path",
            2,
            1,
            "<=",
            False,
            "items with unsafe arguments: unsafe_path 2, shell_injection 1",
        ),
        Gate(
            "alignment_teacher",
            "misaligned_teacher",
            0.625,
            0.75,
            ">=",
            False,
            "5/8 spans round-trip",
        ),
        Gate(
            "alignment_sequence",
            "misaligned_sequence",
            0.5,
            0.75,
            ">=",
            False,
            "2/4 spans and sequence lengths round-trip",
        ),
        Gate(
            "reference",
            "rendering_mismatch",
            2,
            1,
            "<=",
            False,
            "0 of 8 items re-encoded by the tokenizer itself; "
            "tokenizer_mismatch 1, rendering_mismatch 2",
        ),
        Gate(
            "multicall_parity",
            "multicall_missing_args",
            4,
            3,
            "<=",
            False,
            "4 of 12 multi-call items miss an args span",
            rule="<= 3 (0.25 x 12, min 1)",
        ),
        Gate("structure_fidelity", "structure_mismatch", 0.75, 0.875, ">=", False),
        Gate(
            "adversarial_behaviour",
            "adversarial_behaviour",
            0.5,
            0.75,
            ">=",
            False,
            "4 adversarial items",
        ),
        Gate("attempts", "attempts_inconsistent", 2, 1, "<=", False),
        Gate(
            "integration_cap",
            "integration_over_cap",
            3,
            2,
            "<=",
            False,
            "items over the cap without the generator's flag",
        ),
        Gate("reasoning_content", "reasoning_content", 4, 3, "<=", False),
        Gate(
            "call_like_text",
            "call_like_text",
            2,
            1,
            "<=",
            False,
            "items whose assistant text looks like a call in no format read",
        ),
        Gate(
            "execution",
            "result_incoherent",
            2,
            1,
            "<=",
            False,
            "2 items whose responses do not replay or do not honour their calls",
        ),
        Gate(
            "intent_answered",
            "intent_unanswered",
            3,
            2,
            "<=",
            False,
            "3 items with a requested comparison, list, count, computation or context unanswered",
        ),
        Gate(
            "errors_disclosed",
            "error_undisclosed",
            2,
            1,
            "<=",
            False,
            "2 items hiding a failure of the user's input",
        ),
        Gate(
            "prompt_leaks",
            "prompt_leak",
            2,
            1,
            "<=",
            False,
            "2 items whose request states what only a tool returns",
        ),
        Gate(
            "templates_filled",
            "template_residue",
            2,
            1,
            "<=",
            False,
            "2 items showing a template slot that was never filled",
        ),
        Gate(
            "requests_coherent",
            "request_incoherent",
            2,
            1,
            "<=",
            False,
            "2 items whose request contradicts itself or its calls",
        ),
        Gate(
            "history_present",
            "history_absent",
            2,
            1,
            "<=",
            False,
            "2 items referring to an earlier answer they do not hold",
        ),
        Gate(
            "attributions",
            "figure_misattributed",
            2,
            1,
            "<=",
            False,
            "2 items quoting a page for a metric it does not report",
        ),
        Gate(
            "labels",
            "label_mismatch",
            3,
            2,
            "<=",
            False,
            "3 items whose complexity, scenario or intent labels contradict them",
        ),
        Gate(
            "trained_calls_valid",
            "invalid_trained_call",
            2,
            1,
            "<=",
            False,
            "2 items training on an invalid call",
        ),
        Gate("duplicate_ids", "duplicate_id", 2, 1, "<=", False),
        Gate(
            "duplicate_prompts", "duplicate_prompt", 0.25, 0.125, "<=", False, "2 repeated prompts"
        ),
    ]


def test_an_empty_set_passes_every_item_gate_with_the_default_thresholds() -> None:
    v = VerifyParams()
    assert item_gates(logged(), v) == [
        Gate(
            "records",
            "record_invalid",
            0,
            0,
            "<=",
            True,
            "0 unreadable lines, 0 items without targets",
        ),
        Gate("full_extraction", "extraction_incomplete", 1.0, 0.95, ">=", True),
        Gate("json_valid", "json_invalid", 1.0, 0.98, ">=", True, "0/0 calls invalid"),
        Gate("schema_valid", "schema_invalid", 1.0, 0.98, ">=", True, "0/0 calls invalid"),
        Gate(
            "integration_f1",
            "ungrounded_lax",
            1.0,
            0.9,
            ">=",
            True,
            "lax macro over 0 eligible items; 0 misses (allowed 1)",
        ),
        strict_gate(1.0, items=0),
        Gate(
            "span_f1",
            "gold_span_mismatch",
            1.0,
            0.98,
            ">=",
            True,
            "0 exact of 0 gold and 0 extracted spans",
        ),
        Gate(
            "controls",
            "control_tool_call",
            0,
            0,
            "<=",
            True,
            "items with calls or integration in a control: none",
        ),
        Gate("caws_parsed", "caws_unparsable", 1.0, 0.95, ">=", True),
        Gate("caws_budget", "caws_too_long", 0, 30, "<=", True, "largest header 0 tokens; 0 over"),
        Gate("privacy", "pii_email", 0, 0, "<=", True, "items with PII, secrets or URLs: none"),
        Gate(
            "argument_safety", "unsafe_path", 0, 0, "<=", True, "items with unsafe arguments: none"
        ),
        Gate(
            "alignment_teacher",
            "misaligned_teacher",
            1.0,
            0.995,
            ">=",
            True,
            "0/0 spans round-trip",
        ),
        Gate(
            "alignment_sequence",
            "misaligned_sequence",
            1.0,
            0.995,
            ">=",
            True,
            "0/0 spans and sequence lengths round-trip",
        ),
        Gate(
            "reference",
            "tokenizer_mismatch",
            0,
            0,
            "<=",
            True,
            "0 of 0 items re-encoded by the tokenizer itself; "
            "tokenizer_mismatch 0, rendering_mismatch 0",
        ),
        Gate(
            "multicall_parity",
            "multicall_missing_args",
            0,
            1,
            "<=",
            True,
            "0 of 0 multi-call items miss an args span",
            rule="<= 1 (0.05 x 0, min 1)",
        ),
        Gate("structure_fidelity", "structure_mismatch", 1.0, 1.0, ">=", True),
        Gate(
            "adversarial_behaviour",
            "adversarial_behaviour",
            1.0,
            1.0,
            ">=",
            True,
            "0 adversarial items",
        ),
        Gate("attempts", "attempts_inconsistent", 0, 0, "<=", True),
        Gate(
            "integration_cap",
            "integration_over_cap",
            0,
            0,
            "<=",
            True,
            "items over the cap without the generator's flag",
        ),
        Gate("reasoning_content", "reasoning_content", 0, 0, "<=", True),
        Gate(
            "call_like_text",
            "call_like_text",
            0,
            0,
            "<=",
            True,
            "items whose assistant text looks like a call in no format read",
        ),
        Gate(
            "execution",
            "result_incoherent",
            0,
            0,
            "<=",
            True,
            "0 items whose responses do not replay or do not honour their calls",
        ),
        Gate(
            "intent_answered",
            "intent_unanswered",
            0,
            0,
            "<=",
            True,
            "0 items with a requested comparison, list, count, computation or context unanswered",
        ),
        Gate(
            "errors_disclosed",
            "error_undisclosed",
            0,
            0,
            "<=",
            True,
            "0 items hiding a failure of the user's input",
        ),
        Gate(
            "prompt_leaks",
            "prompt_leak",
            0,
            0,
            "<=",
            True,
            "0 items whose request states what only a tool returns",
        ),
        Gate(
            "templates_filled",
            "template_residue",
            0,
            0,
            "<=",
            True,
            "0 items showing a template slot that was never filled",
        ),
        Gate(
            "requests_coherent",
            "request_incoherent",
            0,
            0,
            "<=",
            True,
            "0 items whose request contradicts itself or its calls",
        ),
        Gate(
            "history_present",
            "history_absent",
            0,
            0,
            "<=",
            True,
            "0 items referring to an earlier answer they do not hold",
        ),
        Gate(
            "attributions",
            "figure_misattributed",
            0,
            0,
            "<=",
            True,
            "0 items quoting a page for a metric it does not report",
        ),
        Gate(
            "labels",
            "label_mismatch",
            0,
            0,
            "<=",
            True,
            "0 items whose complexity, scenario or intent labels contradict them",
        ),
        Gate(
            "trained_calls_valid",
            "invalid_trained_call",
            0,
            0,
            "<=",
            True,
            "0 items training on an invalid call",
        ),
        Gate("duplicate_ids", "duplicate_id", 0, 0, "<=", True),
        Gate("duplicate_prompts", "duplicate_prompt", 0.0, 0.01, "<=", True, "0 repeated prompts"),
    ]


def test_a_single_finding_fails_every_zero_tolerance_gate_by_default() -> None:
    codes = [
        "record_invalid",
        "control_integration",
        "url_not_allowlisted",
        "shell_injection",
        "attempts_inconsistent",
        "integration_over_cap",
        "reasoning_content",
        "call_like_text",
        "duplicate_id",
    ]
    gates = by_name(item_gates(logged([[c] for c in codes], items=8, rejects=1), VerifyParams()))
    zero_tolerance = {
        "records": "record_invalid",
        "controls": "control_integration",
        "privacy": "url_not_allowlisted",
        "argument_safety": "shell_injection",
        "attempts": "attempts_inconsistent",
        "integration_cap": "integration_over_cap",
        "reasoning_content": "reasoning_content",
        "call_like_text": "call_like_text",
        "duplicate_ids": "duplicate_id",
    }
    for name, code in zero_tolerance.items():
        assert (gates[name].code, gates[name].value, gates[name].threshold) == (code, 1, 0)
        assert gates[name].passed is False, name
    assert gates["records"].detail == "1 unreadable lines, 0 items without targets"


def test_items_without_targets_count_as_invalid_records() -> None:
    gate = item_gates(logged([["targets_invalid"]] * 2), PARAMS)[0]
    assert gate == Gate(
        "records", "record_invalid", 2, 2, "<=", True, "0 unreadable lines, 2 items without targets"
    )


@pytest.mark.parametrize(
    ("gold", "value", "detail"),
    [
        # Summed over kinds: 2 * 3 / (4 + 4).
        ({"name": [2, 2, 2], "call": [1, 2, 2]}, 0.75, "3 exact of 4 gold and 4 extracted spans"),
        # Gold spans the extractor left out count as much as spurious ones.
        ({"args": [2, 6, 2]}, 0.5, "2 exact of 6 gold and 2 extracted spans"),
        ({"args": [2, 2, 6]}, 0.5, "2 exact of 2 gold and 6 extracted spans"),
        # Nothing expected and nothing found is exactly right.
        ({"integration": [0, 0, 0]}, 1.0, "0 exact of 0 gold and 0 extracted spans"),
        ({"integration": [0, 1, 0]}, 0.0, "0 exact of 1 gold and 0 extracted spans"),
    ],
)
def test_span_f1_pools_every_kind(gold: dict[str, list[int]], value: float, detail: str) -> None:
    gate = by_name(item_gates(logged(items=1, gold=gold), PARAMS))["span_f1"]
    assert gate == Gate("span_f1", "gold_span_mismatch", value, 0.5, ">=", value >= 0.5, detail)


def test_structure_fidelity_and_duplicate_prompts_are_shares_of_items() -> None:
    stats = logged([["structure_mismatch", "duplicate_prompt"]] * 2, items=16)
    gates = by_name(item_gates(stats, PARAMS))
    assert gates["structure_fidelity"] == Gate(
        "structure_fidelity", "structure_mismatch", 0.875, 0.875, ">=", True
    )
    assert gates["duplicate_prompts"] == Gate(
        "duplicate_prompts", "duplicate_prompt", 0.125, 0.125, "<=", True, "2 repeated prompts"
    )


def test_caws_parsed_is_a_share_of_items_and_the_budget_a_maximum() -> None:
    stats = logged([["caws_too_long"]], items=4, caws_parsed=1, caws_max_tokens=40)
    gates = by_name(item_gates(stats, VerifyParams()))
    assert gates["caws_parsed"] == Gate("caws_parsed", "caws_unparsable", 0.25, 0.95, ">=", False)
    assert gates["caws_budget"] == Gate(
        "caws_budget", "caws_too_long", 40, 30, "<=", False, "largest header 40 tokens; 1 over"
    )


@pytest.mark.parametrize(
    ("parity", "threshold", "passed"),
    [
        # The tolerance is max(1, ceil(a quarter of the multi-call items)).
        ([0, 1], 1, True),
        ([2, 1], 1, True),
        ([4, 2], 1, False),
        ([5, 2], 2, True),
        ([9, 3], 3, True),
        ([9, 4], 3, False),
    ],
)
def test_multicall_parity_tolerance(parity: list[int], threshold: int, passed: bool) -> None:
    gate = by_name(item_gates(logged(parity=parity), PARAMS))["multicall_parity"]
    multi, misses = parity
    assert gate == Gate(
        "multicall_parity",
        "multicall_missing_args",
        misses,
        threshold,
        "<=",
        passed,
        f"{misses} of {multi} multi-call items miss an args span",
        # The threshold depends on the item count: the rule printed says how.
        rule=f"<= {threshold} (0.25 x {multi}, min 1)",
    )


def test_alignment_levels_are_gated_apart() -> None:
    stats = logged(alignment={"teacher": [4, 4], "sequence": [8, 5]})
    gates = by_name(item_gates(stats, PARAMS))
    assert (gates["alignment_teacher"].value, gates["alignment_teacher"].passed) == (1.0, True)
    assert (gates["alignment_sequence"].value, gates["alignment_sequence"].passed) == (0.625, False)
    assert gates["alignment_sequence"].detail == "5/8 spans and sequence lengths round-trip"


def test_adversarial_behaviour_is_a_share_of_the_adversarial_items_of_every_type() -> None:
    stats = logged([["adversarial_behaviour"]] * 2, items=8)
    stats.adversarial.update(range_violation=4, malformed_json=2, ambiguity=2)
    gate = by_name(item_gates(stats, PARAMS))["adversarial_behaviour"]
    assert gate == Gate(
        "adversarial_behaviour",
        "adversarial_behaviour",
        0.75,
        0.75,
        ">=",
        True,
        "8 adversarial items",
    )


def test_a_family_gate_on_a_set_not_yet_finished_still_counts_its_items() -> None:
    stats = SetStats()
    stats.add({"line": 1, "id": "a", "reasons": ["secret"], "details": []})
    gate = family("privacy", stats, PRIVACY_REASONS, 0, "PII")
    assert (gate.value, gate.passed) == (1, False)
    assert stats.finished
