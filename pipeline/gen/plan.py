"""The generation plan: quotas from params, and each index's slot in O(1).

Users generate millions of items, so no plan is ever materialised. An index is
mapped to a *position* by a bijection (multiplication by a number coprime with
`total`, plus an offset, both derived from the seed), and positions are cut
into fixed ranges:

    [0, M)                 multilingual (the first P of them are locale probes)
    [0, T)                 the stratification table, in a fixed order (its first
                           24 entries cover every structure of every scenario)
    [T, N)                 the default mix (the table's proportions, cycled)
    ... [N - S, N)         special kinds at the end: long context, malformed_json,
                           range_violation, ambiguity, then the controls

The plan gives every position a target scenario and complexity; an item's
metadata records the complexity of the calls it really made, and items
without calls (controls, ambiguity) are ``none``, in complexity and in
structure alike (the structure a slot carries shapes arguments only). So controls and ambiguity
items are kept off the table's positions, which only tool-using items fill.
Counting rules (what `verify` checks with the same `quotas(gen)`):

- `cell_minimums` count items by their metadata scenario x complexity; the
  full table needs 36 normal items besides the controls and adversarial ones.
- `structures` count tool-using items (at least one call) per scenario; every
  listed structure appears at least once in every scenario.
- `controls` and `multilingual` are exact counts; the others are minimums.

Quotas that cannot fit in `total` are reduced here, before generation, so the
quota the generator meets is always the quota the verifier checks.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache

from pipeline.params import GenerateParams, ParamsError

SCENARIOS = ("file_ops", "web_search", "code_exec", "multi_step")
COMPLEXITIES = ("single_call", "multi_call", "branching_error_recovery")
NO_CALLS = "none"  # the complexity of an item that makes no call
STRUCTURES = ("flat_args", "nested_args", "arrays", "enums", "numeric_ranges", "optional_keys")
CONTROL_KINDS = ("no_tool", "decline", "retry")
ADVERSARIAL = {
    "range_violation": "correct_range",
    "malformed_json": "repair_json",
    "ambiguity": "clarify",
}
LANGUAGES = ("en", "es", "de", "fr")
# Below this many tool-using items the full table cannot fit; a one-per-cell backbone is used.
FULL_TABLE_MIN = 36
LONG_CONTEXT_FULL_MIN = 20

_SINGLE, _MULTI, _BER = COMPLEXITIES
# The seed's minimum table, per scenario in an interleaved order: the first six
# entries of each scenario carry its six structures.
# Counts per scenario: file_ops 6/4/2, web_search 4/4/2, code_exec 3/3/2, multi_step -/4/2.
_TABLE: dict[str, tuple[str, ...]] = {
    "file_ops": (_SINGLE, _MULTI, _BER, _SINGLE, _MULTI, _SINGLE, _BER, _SINGLE, _MULTI, _SINGLE,
                 _MULTI, _SINGLE),
    "web_search": (_SINGLE, _MULTI, _BER, _SINGLE, _MULTI, _BER, _SINGLE, _MULTI, _SINGLE, _MULTI),
    "code_exec": (_SINGLE, _MULTI, _BER, _SINGLE, _MULTI, _SINGLE, _BER, _MULTI),
    "multi_step": (_MULTI, _BER, _MULTI, _MULTI, _BER, _MULTI),
}  # fmt: skip
_BACKBONE: tuple[tuple[str, str], ...] = (
    ("file_ops", _SINGLE),
    ("web_search", _SINGLE),
    ("code_exec", _SINGLE),
    ("multi_step", _MULTI),
    ("file_ops", _MULTI),
    ("web_search", _MULTI),
    ("code_exec", _MULTI),
    ("multi_step", _BER),
    ("file_ops", _BER),
    ("web_search", _BER),
    ("code_exec", _BER),
)
_COVERAGE = len(SCENARIOS) * len(STRUCTURES)


def _full_table() -> tuple[tuple[str, str], ...]:
    """Coverage entries first (scenario round-robin, structure k // 4), then the spares."""
    head = [(SCENARIOS[k % 4], _TABLE[SCENARIOS[k % 4]][k // 4]) for k in range(_COVERAGE)]
    spares = [[(s, c) for c in _TABLE[s][len(STRUCTURES) :]] for s in SCENARIOS]
    tail: list[tuple[str, str]] = []
    for row in range(max(len(r) for r in spares)):
        tail.extend(r[row] for r in spares if row < len(r))
    return tuple(head + tail)


FULL_TABLE = _full_table()


@dataclass(frozen=True)
class Quotas:
    cell_minimums: dict[tuple[str, str], int]  # (scenario, complexity) -> minimum count
    structures: tuple[str, ...]  # every structure must appear per scenario (tool-using items)
    controls: dict[str, int]  # no_tool/decline/retry -> exact count generated
    multilingual: int  # exact count of es/de/fr items
    locale_probes_min: int
    adversarial: dict[str, int]  # range_violation/malformed_json/ambiguity -> minimum
    long_context_min: int


@dataclass(frozen=True)
class Slot:
    """Everything the plan decides for one index."""

    index: int
    position: int
    scenario: str
    complexity: str
    structure: str
    kind: str  # normal | no_tool | decline | retry | range_violation | malformed_json | ambiguity
    lang: str
    long_context: bool
    locale_probe: bool

    @property
    def control(self) -> bool:
        return self.kind in CONTROL_KINDS

    @property
    def adversarial(self) -> str | None:
        return self.kind if self.kind in ADVERSARIAL else None

    @property
    def uses_tools(self) -> bool:
        return self.kind in ("normal", "range_violation", "malformed_json")


def _round(value: float) -> int:
    # Half up, not banker's rounding: 2.5 controls are 3 on every platform.
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class _Layout:
    total: int
    table: tuple[tuple[str, str], ...]
    coverage: int  # leading table entries that carry a fixed structure
    controls: tuple[int, int, int]
    adversarial_each: int
    long_context: int
    multilingual: int
    locale_probes: int
    locale_probes_min: int
    languages: tuple[str, ...]


def _check_languages(languages: tuple[str, ...]) -> None:
    for i, lang in enumerate(languages):
        if lang not in LANGUAGES[1:]:
            raise ParamsError(
                f"generate.languages[{i}]: {lang!r} is not supported (choose from es, de, fr)"
            )


@lru_cache(maxsize=64)
def _layout(gen: GenerateParams) -> _Layout:
    _check_languages(gen.languages)
    n = gen.total
    c_total = min(_round(n * gen.control_ratio), n)
    base, extra = divmod(c_total, len(CONTROL_KINDS))
    controls = tuple(base + (1 if i < extra else 0) for i in range(len(CONTROL_KINDS)))
    asked = gen.adversarial_per_type
    full = n - c_total - 3 * asked >= FULL_TABLE_MIN
    long_context = min(
        gen.long_context_min, gen.long_context_min if n >= LONG_CONTEXT_FULL_MIN else n // 10
    )
    each = asked if full else min(asked, n // 10)
    while each > 0 and c_total + 3 * each + long_context > n:
        each -= 1
    # Controls and ambiguity items make no calls, and a range violation or pasted JSON
    # is one call of its own: the table keeps to the normal items' positions.
    table = FULL_TABLE if full else _BACKBONE[: max(0, min(len(_BACKBONE), n - c_total - 3 * each))]
    long_context = max(0, min(long_context, n - c_total - 3 * each))
    multilingual = _round(n * gen.multilingual_ratio) if gen.languages else 0
    normal = n - c_total - 3 * each - long_context
    probes_min = min(gen.locale_probes_min, multilingual, normal)
    # A quarter of the multilingual items probe locale formats, never fewer than asked.
    probes = min(max(probes_min, multilingual // 4), multilingual, normal)
    return _Layout(
        total=n,
        table=table,
        coverage=_COVERAGE if full else 0,
        controls=(controls[0], controls[1], controls[2]),
        adversarial_each=each,
        long_context=long_context,
        multilingual=multilingual,
        locale_probes=probes,
        locale_probes_min=probes_min,
        languages=gen.languages,
    )


def quotas(gen: GenerateParams) -> Quotas:
    """The quotas that generation meets and verification checks (seed-independent)."""
    layout = _layout(gen)
    cells: dict[tuple[str, str], int] = {}
    for cell in layout.table:
        cells[cell] = cells.get(cell, 0) + 1
    return Quotas(
        cell_minimums=cells,
        structures=STRUCTURES if layout.coverage else (),
        controls=dict(zip(CONTROL_KINDS, layout.controls, strict=True)),
        multilingual=layout.multilingual,
        locale_probes_min=layout.locale_probes_min,
        adversarial=dict.fromkeys(ADVERSARIAL, layout.adversarial_each),
        long_context_min=layout.long_context,
    )


@lru_cache(maxsize=64)
def _bijection(total: int, seed: int) -> tuple[int, int]:
    """(multiplier, offset): the multiplier is near total/phi and coprime with total."""
    digest = hashlib.sha256(f"{seed}:plan:{total}".encode()).digest()
    offset = int.from_bytes(digest[:8], "big") % total
    multiplier = max(1, int(total * 0.6180339887498949) + digest[8] % 7)
    while math.gcd(multiplier, total) != 1:
        multiplier += 1
    return multiplier, offset


def position(gen: GenerateParams, seed: int, index: int) -> int:
    if not 0 <= index < gen.total:
        raise IndexError(f"index {index} outside 0..{gen.total - 1}")
    multiplier, offset = _bijection(gen.total, seed)
    return (index * multiplier + offset) % gen.total


def long_context_indices(gen: GenerateParams, seed: int) -> list[int]:
    """The indices whose slot is long-context, ascending (the inverse of `position`
    over the long-context range: no walk over every index)."""
    layout = _layout(gen)
    multiplier, offset = _bijection(gen.total, seed)
    inverse = pow(multiplier, -1, gen.total)
    before = sum(layout.controls) + 3 * layout.adversarial_each  # from_end before them
    positions = (gen.total - 1 - (before + k) for k in range(layout.long_context))
    return sorted((pos - offset) * inverse % gen.total for pos in positions)


def holds_long_context(gen: GenerateParams, seed: int, indices: range) -> bool:
    """Whether `indices` hold a long-context item: the only ones whose generation
    needs the student tokenizer (to count their tokens)."""
    return any(i in indices for i in long_context_indices(gen, seed))


def _kind(layout: _Layout, pos: int) -> tuple[str, bool]:
    """(kind, long_context) of a position, from the special ranges at the end."""
    from_end = layout.total - 1 - pos
    for kind, count in zip(CONTROL_KINDS, layout.controls, strict=True):
        if from_end < count:
            return kind, False
        from_end -= count
    for kind in ("ambiguity", "range_violation", "malformed_json"):
        if from_end < layout.adversarial_each:
            return kind, False
        from_end -= layout.adversarial_each
    return "normal", from_end < layout.long_context


def _cell_and_structure(layout: _Layout, pos: int) -> tuple[str, str, str]:
    if pos < layout.coverage:
        scenario, complexity = layout.table[pos]
        return scenario, complexity, STRUCTURES[pos // len(SCENARIOS)]
    if pos < len(layout.table):
        scenario, complexity = layout.table[pos]
    else:
        # The default mix keeps the full table's proportions.
        scenario, complexity = FULL_TABLE[(pos - len(layout.table)) % len(FULL_TABLE)]
    # The shift by cycle number rotates structures across cells from cycle to cycle.
    structure = STRUCTURES[(pos + pos // len(FULL_TABLE)) % len(STRUCTURES)]
    return scenario, complexity, structure


def slot(gen: GenerateParams, seed: int, index: int) -> Slot:
    """The plan's decisions for one index, in O(1)."""
    layout = _layout(gen)
    pos = position(gen, seed, index)
    scenario, complexity, structure = _cell_and_structure(layout, pos)
    kind, long_context = _kind(layout, pos)
    multilingual = pos < layout.multilingual
    lang = layout.languages[pos % len(layout.languages)] if multilingual else "en"
    return Slot(
        index=index,
        position=pos,
        scenario=scenario,
        complexity=complexity,
        structure=structure,
        kind=kind,
        lang=lang,
        long_context=long_context,
        locale_probe=multilingual and pos < layout.locale_probes and kind == "normal",
    )
