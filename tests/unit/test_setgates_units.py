"""Set-level gates in isolation: the set against the plan, and the header fingerprints.

SetStats and Quotas are built by hand, so every figure a gate reports (value,
threshold, pass flag, detail, shortfall count) is known exactly. Shares are
multiples of 1/8, so the floats compare exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from pipeline.gates.gate import NEEDS_PLAN, Gate
from pipeline.gates.setgates import _mix_deviation, fingerprint_gates, plan_gates
from pipeline.gates.stats import SetStats
from pipeline.gen.plan import SCENARIOS, Quotas, quotas, slot
from pipeline.params import GenerateParams, Params, VerifyParams

Cell = tuple[str, str]


def make_stats(
    items: int = 8,
    *,
    cells: Mapping[Cell, int] | None = None,
    structures: Mapping[str, Iterable[str]] | None = None,
    controls: Mapping[str, int] | None = None,
    langs: Mapping[str, int] | None = None,
    adversarial: Mapping[str, int] | None = None,
    locale_probes: int = 0,
    long_context: int = 0,
    extraction: Mapping[str, list[int]] | None = None,
) -> SetStats:
    stats = SetStats(items=items, locale_probes=locale_probes, long_context=long_context)
    stats.cells.update(cells or {})
    for scenario, kinds in (structures or {}).items():
        stats.structures[scenario].update(kinds)
    stats.controls.update(controls or {})
    stats.langs.update(langs or {})
    stats.adversarial.update(adversarial or {})
    stats.extraction.update(extraction or {})
    return stats


def make_quotas(
    *,
    cells: Mapping[Cell, int] | None = None,
    structures: tuple[str, ...] = (),
    controls: Mapping[str, int] | None = None,
    multilingual: int = 0,
    locale_probes_min: int = 0,
    adversarial: Mapping[str, int] | None = None,
    long_context_min: int = 0,
) -> Quotas:
    return Quotas(
        cell_minimums=dict(cells or {}),
        structures=structures,
        controls=dict(controls or {}),
        multilingual=multilingual,
        locale_probes_min=locale_probes_min,
        adversarial=dict(adversarial or {}),
        long_context_min=long_context_min,
    )


def make_params(
    total: int = 8, mix: float = 0.0625, gap: float = 0.25, multi: float = 0.75
) -> Params:
    return Params(
        generate=GenerateParams(total=total),
        verify=VerifyParams(
            max_mix_deviation=mix, max_long_context_gap=gap, min_multilingual_extraction=multi
        ),
    )


def by_name(gates: list[Gate]) -> dict[str, Gate]:
    return {g.name: g for g in gates}


# A set of 8 items planned as 8 that sits exactly on every plan threshold.
OK_QUOTAS = make_quotas(
    cells={("web_search", "multi_call"): 1, ("file_ops", "single_call"): 2},
    structures=("flat_args", "arrays"),
    controls={"no_tool": 1, "decline": 1, "retry": 0},
    multilingual=4,
    locale_probes_min=1,
    adversarial={"range_violation": 1, "malformed_json": 1, "ambiguity": 0},
    long_context_min=2,
)


def ok_stats() -> SetStats:
    return make_stats(
        cells={
            ("file_ops", "single_call"): 2,
            ("web_search", "multi_call"): 1,
            ("code_exec", "multi_call"): 5,
        },
        structures=dict.fromkeys(SCENARIOS, ("flat_args", "arrays", "enums")),
        controls={"no_tool": 1, "decline": 1},
        langs={"en": 4, "es": 2, "de": 2},
        adversarial={"range_violation": 1, "malformed_json": 2},
        locale_probes=1,
        long_context=2,
        extraction={"all": [7, 8], "long": [3, 4], "short": [4, 4], "multilingual": [3, 4]},
    )


# ---------------------------------------------------------------- _mix_deviation


def test_control_deviation_is_the_largest_and_a_missing_kind_counts_as_zero() -> None:
    stats = make_stats(controls={"decline": 2, "retry": 1}, langs={"en": 5, "es": 3})
    plan = make_quotas(controls={"no_tool": 3, "decline": 0, "retry": 0}, multilingual=1)
    # Per kind: |0 - 3/8|, |2/8 - 0|, |1/8 - 0|; all controls: |3/8 - 3/8|.
    assert _mix_deviation(stats, plan, 8) == (0.375, 0.25)


def test_control_deviation_includes_the_share_of_all_controls_together() -> None:
    stats = make_stats(controls={"no_tool": 2, "decline": 2, "retry": 2}, langs={"es": 4, "de": 4})
    plan = make_quotas(controls={"no_tool": 1, "decline": 1, "retry": 1}, multilingual=4)
    # Each kind is 1/8 off, all controls together 3/8; no English item: all 8 multilingual.
    assert _mix_deviation(stats, plan, 8) == (0.375, 0.5)


def test_observed_share_is_over_items_and_planned_share_over_the_plan_total() -> None:
    stats = make_stats(4, controls={"no_tool": 1}, langs={"en": 3, "fr": 1})
    plan = make_quotas(controls={"no_tool": 1}, multilingual=1)
    assert _mix_deviation(stats, plan, 8) == (0.125, 0.125)


def test_on_plan_mix_has_no_deviation() -> None:
    stats = make_stats(controls={"no_tool": 1, "decline": 1}, langs={"en": 6, "de": 2})
    plan = make_quotas(controls={"no_tool": 1, "decline": 1, "retry": 0}, multilingual=2)
    assert _mix_deviation(stats, plan, 8) == (0.0, 0.0)


def test_an_empty_set_is_off_every_planned_mix() -> None:
    # share() of an empty set is 1.0, so nothing on the plan's shares can pass.
    plan = make_quotas(controls={"no_tool": 2}, multilingual=2)
    assert _mix_deviation(make_stats(0), plan, 8) == (0.75, 0.75)


# ---------------------------------------------------------------- plan_gates


def test_a_set_exactly_at_every_minimum_passes_every_plan_gate() -> None:
    gates = plan_gates(ok_stats(), make_params(), OK_QUOTAS)
    assert [g.name for g in gates] == list(NEEDS_PLAN)
    assert gates == [
        Gate("stratification", "stratification_cell", 0, 0, "<=", True,
             "every cell at its minimum", 0),
        Gate("structure_coverage", "structure_coverage", 0, 0, "<=", True,
             "every structure in every scenario", 0),
        Gate("control_mix", "control_mix", 0.0, 0.0625, "<=", True,
             "controls (got/planned): no_tool 1/1, decline 1/1, retry 0/0", 0),
        Gate("multilingual_mix", "multilingual_mix", 0.0, 0.0625, "<=", True,
             "4 multilingual items, 4 planned", 0),
        Gate("locale_probes", "locale_probes", 1, 1, ">=", True,
             "probes with locale-formatted figures", 0),
        Gate("adversarial_quota", "adversarial_quota", 0, 0, "<=", True,
             "every type at its minimum", 0),
        Gate("long_context_quota", "long_context_quota", 2, 2, ">=", True,
             "long-context items that really are long", 0),
        Gate("long_context_gap", "long_context_gap", 0.25, 0.25, "<=", True,
             "full extraction 0.750 long vs 1.000 short", 0),
        Gate("multilingual_extraction", "multilingual_extraction", 0.75, 0.75, ">=", True,
             "4 multilingual items", 0),
    ]  # fmt: skip


def test_a_set_short_of_every_quota_fails_every_plan_gate_with_its_shortfalls() -> None:
    plan = make_quotas(
        # Deliberately unsorted: the detail lists cells in sorted order.
        cells={
            ("file_ops", "single_call"): 1,
            ("code_exec", "multi_call"): 3,
            ("web_search", "single_call"): 2,
        },
        structures=("flat_args", "arrays"),
        controls={"no_tool": 1, "decline": 1, "retry": 1},
        multilingual=3,
        locale_probes_min=2,
        adversarial={"range_violation": 2, "malformed_json": 1, "ambiguity": 1},
        long_context_min=3,
    )
    stats = make_stats(
        cells={
            ("code_exec", "multi_call"): 2,
            ("web_search", "single_call"): 3,
            ("multi_step", "multi_call"): 3,
        },
        structures={
            "file_ops": ("flat_args", "arrays"),
            "web_search": ("flat_args",),
            "multi_step": ("arrays", "enums"),
        },
        controls={"no_tool": 2, "decline": 1},
        langs={"en": 4, "fr": 4},
        adversarial={"range_violation": 1, "ambiguity": 1},
        locale_probes=1,
        long_context=2,
        extraction={"all": [7, 8], "long": [1, 2], "short": [6, 6], "multilingual": [2, 4]},
    )
    gates = plan_gates(stats, make_params(), plan)
    assert gates == [
        Gate("stratification", "stratification_cell", 2, 0, "<=", False,
             "code_exec/multi_call 2<3; file_ops/single_call 0<1", 2),
        Gate("structure_coverage", "structure_coverage", 4, 0, "<=", False,
             "web_search/arrays; code_exec/flat_args; code_exec/arrays; multi_step/flat_args", 4),
        Gate("control_mix", "control_mix", 0.125, 0.0625, "<=", False,
             "controls (got/planned): no_tool 2/1, decline 1/1, retry 0/1", 1),
        Gate("multilingual_mix", "multilingual_mix", 0.125, 0.0625, "<=", False,
             "4 multilingual items, 3 planned", 1),
        Gate("locale_probes", "locale_probes", 1, 2, ">=", False,
             "probes with locale-formatted figures", 1),
        Gate("adversarial_quota", "adversarial_quota", 2, 0, "<=", False,
             "range_violation 1<2; malformed_json 0<1", 2),
        Gate("long_context_quota", "long_context_quota", 2, 3, ">=", False,
             "long-context items that really are long", 1),
        Gate("long_context_gap", "long_context_gap", 0.5, 0.25, "<=", False,
             "full extraction 0.500 long vs 1.000 short", 1),
        Gate("multilingual_extraction", "multilingual_extraction", 0.5, 0.75, ">=", False,
             "4 multilingual items", 1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("have", "expected"),
    [
        ({("file_ops", "single_call"): 2}, (0, True, "every cell at its minimum")),
        ({("file_ops", "single_call"): 1}, (1, False, "file_ops/single_call 1<2")),
        ({}, (1, False, "file_ops/single_call 0<2")),
    ],
)
def test_one_cell_one_short_is_one_shortfall(
    have: dict[Cell, int], expected: tuple[int, bool, str]
) -> None:
    plan = make_quotas(cells={("file_ops", "single_call"): 2})
    gate = by_name(plan_gates(make_stats(cells=have), make_params(), plan))["stratification"]
    assert (gate.value, gate.passed, gate.detail) == expected
    assert (gate.threshold, gate.count) == (0, expected[0])


def test_a_cell_absent_from_the_set_is_short_of_a_minimum_of_one() -> None:
    plan = make_quotas(cells={("multi_step", "branching_error_recovery"): 1})
    gate = by_name(plan_gates(make_stats(), make_params(), plan))["stratification"]
    assert (gate.passed, gate.detail, gate.count) == (
        False,
        "multi_step/branching_error_recovery 0<1",
        1,
    )


def test_structure_coverage_is_checked_in_every_scenario() -> None:
    plan = make_quotas(structures=("enums",))
    present = dict.fromkeys(SCENARIOS[:3], ("enums",))
    gate = by_name(plan_gates(make_stats(structures=present), make_params(), plan))[
        "structure_coverage"
    ]
    assert (gate.value, gate.passed, gate.detail, gate.count) == (
        1,
        False,
        "multi_step/enums",
        1,
    )


def test_the_structure_check_leaves_the_reported_distribution_alone() -> None:
    # structures is a defaultdict: reading it for every scenario used to add
    # empty entries, which the report then listed as scenarios with no structure.
    stats = make_stats(structures={"file_ops": ("enums",)})
    plan_gates(stats, make_params(), make_quotas(structures=("enums",)))
    assert dict(stats.structures) == {"file_ops": {"enums"}}


def test_without_structure_quotas_nothing_is_missing() -> None:
    gate = by_name(plan_gates(make_stats(), make_params(), make_quotas()))["structure_coverage"]
    assert (gate.value, gate.passed, gate.detail) == (0, True, "every structure in every scenario")


@pytest.mark.parametrize(
    ("have", "expected"),
    [
        ({"ambiguity": 2}, (0, True, "every type at its minimum")),
        ({"ambiguity": 1}, (1, False, "ambiguity 1<2")),
        ({}, (1, False, "ambiguity 0<2")),
    ],
)
def test_adversarial_quota_boundary(have: dict[str, int], expected: tuple[int, bool, str]) -> None:
    plan = make_quotas(adversarial={"ambiguity": 2})
    gates = plan_gates(make_stats(adversarial=have), make_params(), plan)
    gate = by_name(gates)["adversarial_quota"]
    assert (gate.value, gate.passed, gate.detail, gate.count) == (*expected, expected[0])
    assert gate.threshold == 0


def test_an_absent_adversarial_type_fails_a_minimum_of_one() -> None:
    plan = make_quotas(adversarial={"malformed_json": 1})
    gate = by_name(plan_gates(make_stats(), make_params(), plan))["adversarial_quota"]
    assert (gate.passed, gate.detail) == (False, "malformed_json 0<1")


@pytest.mark.parametrize(
    ("controls", "value", "passed"),
    [
        ({"no_tool": 2}, 0.125, True),  # exactly the allowed deviation
        ({"no_tool": 3}, 0.25, False),
    ],
)
def test_control_mix_boundary(controls: dict[str, int], value: float, passed: bool) -> None:
    plan = make_quotas(controls={"no_tool": 1})
    gates = plan_gates(make_stats(controls=controls), make_params(mix=0.125), plan)
    gate = by_name(gates)["control_mix"]
    assert (gate.value, gate.threshold, gate.op, gate.passed) == (value, 0.125, "<=", passed)
    assert gate.count == int(not passed)
    assert gate.detail == f"controls (got/planned): no_tool {controls['no_tool']}/1"


@pytest.mark.parametrize(
    ("langs", "value", "passed", "detail"),
    [
        ({"en": 6, "es": 2}, 0.125, True, "2 multilingual items, 1 planned"),
        ({"en": 5, "es": 3}, 0.25, False, "3 multilingual items, 1 planned"),
        # No English item at all: every item is multilingual.
        ({"es": 4, "de": 4}, 0.875, False, "8 multilingual items, 1 planned"),
    ],
)
def test_multilingual_mix_boundary(
    langs: dict[str, int], value: float, passed: bool, detail: str
) -> None:
    plan = make_quotas(multilingual=1)
    gates = plan_gates(make_stats(langs=langs), make_params(mix=0.125), plan)
    gate = by_name(gates)["multilingual_mix"]
    assert (gate.value, gate.threshold, gate.passed, gate.detail) == (value, 0.125, passed, detail)
    assert gate.count == int(not passed)


@pytest.mark.parametrize(("have", "passed"), [(3, True), (2, False), (4, True)])
def test_locale_probes_minimum(have: int, passed: bool) -> None:
    plan = make_quotas(locale_probes_min=3)
    gate = by_name(plan_gates(make_stats(locale_probes=have), make_params(), plan))["locale_probes"]
    assert (gate.value, gate.threshold, gate.op, gate.passed) == (have, 3, ">=", passed)
    assert gate.count == int(not passed)


@pytest.mark.parametrize(("have", "passed"), [(3, True), (2, False), (4, True)])
def test_long_context_minimum(have: int, passed: bool) -> None:
    plan = make_quotas(long_context_min=3)
    gates = plan_gates(make_stats(long_context=have), make_params(), plan)
    gate = by_name(gates)["long_context_quota"]
    assert (gate.value, gate.threshold, gate.op, gate.passed) == (have, 3, ">=", passed)
    assert gate.count == int(not passed)


@pytest.mark.parametrize(
    ("long", "short", "value", "passed", "detail"),
    [
        ([3, 4], [4, 4], 0.25, True, "full extraction 0.750 long vs 1.000 short"),
        ([4, 4], [3, 4], 0.25, True, "full extraction 1.000 long vs 0.750 short"),
        ([2, 4], [4, 4], 0.5, False, "full extraction 0.500 long vs 1.000 short"),
        ([4, 4], [2, 4], 0.5, False, "full extraction 1.000 long vs 0.500 short"),
        # A single item in a group is enough for the gap to count.
        ([0, 1], [4, 4], 1.0, False, "full extraction 0.000 long vs 1.000 short"),
        ([1, 1], [0, 1], 1.0, False, "full extraction 1.000 long vs 0.000 short"),
        # No long or no short items: there is no gap to measure (the empty rate reads 1).
        ([0, 0], [2, 4], 0.0, True, "full extraction 1.000 long vs 0.500 short"),
        ([2, 4], [0, 0], 0.0, True, "full extraction 0.500 long vs 1.000 short"),
        ([0, 0], [0, 0], 0.0, True, "full extraction 1.000 long vs 1.000 short"),
    ],
)
def test_long_context_gap(
    long: list[int], short: list[int], value: float, passed: bool, detail: str
) -> None:
    stats = make_stats(extraction={"long": long, "short": short})
    gate = by_name(plan_gates(stats, make_params(gap=0.25), make_quotas()))["long_context_gap"]
    assert gate == Gate(
        "long_context_gap", "long_context_gap", value, 0.25, "<=", passed, detail, int(not passed)
    )


@pytest.mark.parametrize(
    ("extracted", "value", "passed", "detail"),
    [
        ([3, 4], 0.75, True, "4 multilingual items"),
        ([1, 2], 0.5, False, "2 multilingual items"),
        ([0, 0], 1.0, True, "0 multilingual items"),  # none: vacuously fine
    ],
)
def test_multilingual_extraction(
    extracted: list[int], value: float, passed: bool, detail: str
) -> None:
    stats = make_stats(extraction={"multilingual": extracted, "long": [5, 5], "short": [3, 3]})
    gates = plan_gates(stats, make_params(multi=0.75), make_quotas())
    gate = by_name(gates)["multilingual_extraction"]
    assert gate == Gate(
        "multilingual_extraction",
        "multilingual_extraction",
        value,
        0.75,
        ">=",
        passed,
        detail,
        int(not passed),
    )


def test_the_mix_is_measured_against_the_generate_total() -> None:
    # 2 controls in 8 items: on plan for 8 planned items, far off for 16.
    stats = make_stats(controls={"no_tool": 2}, langs={"en": 8})
    plan = make_quotas(controls={"no_tool": 2})
    assert by_name(plan_gates(stats, make_params(total=8), plan))["control_mix"].value == 0.0
    assert by_name(plan_gates(stats, make_params(total=16), plan))["control_mix"].value == 0.125


@pytest.mark.parametrize("total", [20, 36, 200])
def test_a_set_folded_from_the_generators_own_plan_passes_the_plan_gates(total: int) -> None:
    gen = GenerateParams(total=total)
    stats = SetStats(items=total)
    for index in range(total):
        s = slot(gen, 42, index)
        stats.cells[(s.scenario, s.complexity)] += 1
        if s.uses_tools:
            stats.structures[s.scenario].add(s.structure)
        if s.control:
            stats.controls[s.kind] += 1
        stats.langs[s.lang] += 1
        if s.adversarial:
            stats.adversarial[s.adversarial] += 1
        stats.locale_probes += int(s.locale_probe)
        stats.long_context += int(s.long_context)
        group = "long" if s.long_context else "short"
        for key in ("all", group) + (("multilingual",) if s.lang != "en" else ()):
            stats.extraction[key][0] += 1
            stats.extraction[key][1] += 1
    gates = plan_gates(stats, Params(generate=gen), quotas(gen))
    assert [g.name for g in gates if not g.passed] == []
    assert all(g.count == 0 for g in gates)


# ---------------------------------------------------------------- fingerprint_gates

TOKENIZER: dict[str, Any] = {
    "id": "qwen",
    "sha256": "0123456789abcdef" * 4,
    "normalizer": "NFC+LF",
}
REGISTRY = "fedcba9876543210" * 4
OTHER = "5555aaaa5555bbbb" * 4


def header(tokenizer: Any = None, registry: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"__header__": True}
    if tokenizer is not None:
        out["tokenizer_fingerprint"] = tokenizer
    if registry is not None:
        out["tool_registry_sha256"] = registry
    return out


def registry_detail(claimed: str, mismatches: int) -> str:
    return (
        f"header {claimed}, current fedcba987654; "
        f"{mismatches} items offer tools that differ from the registry"
    )


def test_matching_fingerprints_pass_both_gates() -> None:
    # Only the hash and the normalizer are compared; the id is a label.
    claimed = {**TOKENIZER, "id": "renamed"}
    gates = fingerprint_gates(header(claimed, REGISTRY), TOKENIZER, REGISTRY, 0)
    assert gates == [
        Gate("tokenizer_fingerprint", "tokenizer_fingerprint", 1.0, 1.0, ">=", True,
             "header 0123456789ab, current 0123456789ab", 0),
        Gate("registry_fingerprint", "registry_fingerprint", 1.0, 1.0, ">=", True,
             registry_detail("fedcba987654", 0), 0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("claimed", "shown"),
    [
        ({**TOKENIZER, "sha256": OTHER}, "5555aaaa5555"),
        ({**TOKENIZER, "normalizer": "NFKC"}, "0123456789ab"),
        ({"normalizer": "NFC+LF"}, "None"),
        ({}, "None"),
        ("0123456789abcdef" * 4, "None"),  # not a mapping
        (None, "None"),  # no fingerprint at all
    ],
)
def test_a_different_or_missing_tokenizer_fingerprint_fails(claimed: Any, shown: str) -> None:
    gates = fingerprint_gates(header(claimed, REGISTRY), TOKENIZER, REGISTRY, 0)
    assert gates[0] == Gate(
        "tokenizer_fingerprint",
        "tokenizer_fingerprint",
        0.0,
        1.0,
        ">=",
        False,
        f"header {shown}, current 0123456789ab",
        1,
    )
    assert gates[1].passed


@pytest.mark.parametrize(
    ("claimed", "mismatches", "count", "shown"),
    [
        (REGISTRY, 2, 2, "fedcba987654"),  # same registry, but items offer other tools
        (OTHER, 0, 1, "5555aaaa5555"),
        (OTHER, 3, 4, "5555aaaa5555"),
        (None, 0, 1, "None"),
    ],
)
def test_a_stale_registry_or_differing_tools_fail(
    claimed: str | None, mismatches: int, count: int, shown: str
) -> None:
    gates = fingerprint_gates(header(TOKENIZER, claimed), TOKENIZER, REGISTRY, mismatches)
    assert gates[1] == Gate(
        "registry_fingerprint",
        "registry_fingerprint",
        0.0,
        1.0,
        ">=",
        False,
        registry_detail(shown, mismatches),
        count,
    )
    assert gates[0].passed
