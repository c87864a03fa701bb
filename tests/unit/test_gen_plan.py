"""The plan: quotas from params and each index's slot, in O(1), met exactly."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gen import plan
from pipeline.gen.plan import SCENARIOS, STRUCTURES, quotas, slot
from pipeline.params import GenerateParams, ParamsError


def _slots(gen: GenerateParams, seed: int = 42) -> list[plan.Slot]:
    return [slot(gen, seed, i) for i in range(gen.total)]


def _check_plan(gen: GenerateParams, seed: int = 42) -> None:
    q = quotas(gen)
    slots = _slots(gen, seed)
    assert sorted(s.position for s in slots) == list(range(gen.total))
    # The table's cells are filled by normal items (recipes that make the cell's calls).
    cells = Counter((s.scenario, s.complexity) for s in slots if s.kind == "normal")
    for cell, minimum in q.cell_minimums.items():
        assert cells[cell] >= minimum, (cell, cells[cell], minimum)
    assert cells[("multi_step", "single_call")] == 0
    for scenario in SCENARIOS:
        have = {s.structure for s in slots if s.scenario == scenario and s.uses_tools}
        assert set(q.structures) <= have, scenario
    kinds = Counter(s.kind for s in slots)
    for kind, count in q.controls.items():
        assert kinds[kind] == count
    for kind, minimum in q.adversarial.items():
        assert kinds[kind] >= minimum
    assert sum(s.lang != "en" for s in slots) == q.multilingual
    probes = [s for s in slots if s.locale_probe]
    assert len(probes) >= q.locale_probes_min
    assert all(s.lang != "en" and s.kind == "normal" and not s.long_context for s in probes)
    long = [s for s in slots if s.long_context]
    assert len(long) >= q.long_context_min
    assert all(s.kind == "normal" for s in long)


@pytest.mark.parametrize("total", [1, 2, 5, 10, 11, 19, 20, 35, 36, 37, 50, 100, 333, 1000])
def test_every_quota_is_met_at_every_size(total: int) -> None:
    _check_plan(GenerateParams(total=total))


def test_full_table_needs_36_normal_items() -> None:
    # 50 items: 5 controls and 3 x 3 adversarial leave exactly 36 for the table.
    q = quotas(GenerateParams(total=50))
    assert sum(q.cell_minimums.values()) == 36
    assert sum(quotas(GenerateParams(total=49)).cell_minimums.values()) == 11
    assert q.cell_minimums[("file_ops", "single_call")] == 6
    assert q.cell_minimums[("multi_step", "multi_call")] == 4
    assert ("multi_step", "single_call") not in q.cell_minimums
    assert q.structures == STRUCTURES


def test_small_n_uses_a_backbone() -> None:
    q = quotas(GenerateParams(total=20))
    assert set(q.cell_minimums.values()) == {1}
    assert len(q.cell_minimums) == 11
    assert q.structures == ()
    assert q.adversarial == {"range_violation": 2, "malformed_json": 2, "ambiguity": 2}
    assert q.long_context_min == 3
    tiny = quotas(GenerateParams(total=3))
    assert sum(tiny.cell_minimums.values()) == 3
    assert tiny.long_context_min == 0


def test_mixes_scale_with_total_and_land_on_their_ratio() -> None:
    for total in (1000, 10_000, 123_457):
        q = quotas(GenerateParams(total=total))
        assert abs(sum(q.controls.values()) / total - 0.10) < 0.01
        assert abs(q.multilingual / total - 0.075) < 0.01
        assert max(q.controls.values()) - min(q.controls.values()) <= 1
    assert quotas(GenerateParams(total=10_000)).multilingual == 750


def test_quotas_shrink_to_what_fits() -> None:
    gen = GenerateParams(total=40, adversarial_per_type=50, long_context_min=5)
    q = quotas(gen)
    assert q.adversarial["ambiguity"] < 50
    _check_plan(gen)
    # So many controls that coverage cannot be made: the structure quota is dropped.
    crowded = GenerateParams(total=60, control_ratio=0.5)
    assert quotas(crowded).structures == ()
    _check_plan(crowded)


def test_no_languages_means_no_multilingual_items() -> None:
    gen = GenerateParams(total=100, languages=())
    assert quotas(gen).multilingual == 0
    assert all(s.lang == "en" for s in _slots(gen))


def test_unknown_language_is_a_params_error() -> None:
    with pytest.raises(ParamsError, match=r"generate\.languages\[1\]"):
        quotas(GenerateParams(total=10, languages=("es", "it")))


def test_slot_is_o1_at_a_hundred_million_items() -> None:
    gen = GenerateParams(total=100_000_000)
    started = time.perf_counter()
    last = slot(gen, 7, gen.total - 1)
    assert time.perf_counter() - started < 1.0
    assert 0 <= last.position < gen.total
    with pytest.raises(IndexError):
        slot(gen, 7, gen.total)


def test_seed_changes_the_assignment_not_the_quotas() -> None:
    gen = GenerateParams(total=500)
    a, b = _slots(gen, 1), _slots(gen, 2)
    assert [s.kind for s in a] != [s.kind for s in b]
    assert Counter(s.kind for s in a) == Counter(s.kind for s in b)


def test_slot_flags() -> None:
    gen = GenerateParams(total=1000)
    kinds = {s.kind: s for s in _slots(gen)}
    assert kinds["no_tool"].control and not kinds["no_tool"].uses_tools
    assert kinds["ambiguity"].adversarial == "ambiguity" and not kinds["ambiguity"].uses_tools
    assert kinds["range_violation"].uses_tools and kinds["normal"].adversarial is None


@settings(max_examples=40, deadline=None)
@given(
    total=st.integers(1, 400),
    control=st.floats(0.0, 0.3),
    multi=st.floats(0.0, 1.0),
    per_type=st.integers(0, 6),
    seed=st.integers(0, 2**32),
)
def test_plan_properties(
    total: int, control: float, multi: float, per_type: int, seed: int
) -> None:
    gen = GenerateParams(
        total=total, control_ratio=control, multilingual_ratio=multi, adversarial_per_type=per_type
    )
    _check_plan(gen, seed)
    assert dataclasses.asdict(quotas(gen))  # plain data, usable by the verifier


@pytest.mark.parametrize("total", [1, 2, 10, 37, 100, 1000, 4001])
@pytest.mark.parametrize("seed", [0, 7, 42])
def test_long_context_indices_are_the_slots_that_say_so(total: int, seed: int) -> None:
    gen = GenerateParams(total=total)
    expected = [i for i in range(total) if slot(gen, seed, i).long_context]
    assert plan.long_context_indices(gen, seed) == expected
    assert len(expected) == quotas(gen).long_context_min


def test_long_context_indices_skip_the_walk_at_a_hundred_million_items() -> None:
    gen = GenerateParams(total=100_000_000)
    started = time.perf_counter()
    indices = plan.long_context_indices(gen, 42)
    assert time.perf_counter() - started < 0.5
    assert [slot(gen, 42, i).long_context for i in indices] == [True] * len(indices) != []
