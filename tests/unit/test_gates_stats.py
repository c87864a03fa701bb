"""Folding per-item results into set-level statistics."""

from __future__ import annotations

from typing import Any

from pipeline.gates.stats import WORST, SetStats


def result(line: int, **kw: Any) -> dict[str, Any]:
    labels = {
        "scenario": "file_ops", "complexity": "single_call", "structure": "arrays", "lang": "en",
        "control": None, "adversarial": None, "long_context_flag": False, "long_context": False,
        "locale_probe": False, "negative_control": False, "uses_tools": True, "caws_parsed": True,
    }  # fmt: skip
    labels.update(kw.pop("labels", {}))
    base: dict[str, Any] = {
        "line": line, "id": f"i{line}", "reasons": [], "details": [], "prompt_key": bytes([line]),
        "labels": labels, "extracted": True, "counts": {"json_checked": 1, "json_valid": 1},
        "parity": [0, 0], "gold": {"name": [1, 1, 1]}, "f1": None, "caws_tokens": 20,
        "alignment": {"teacher": [2, 2], "sequence": [3, 2]}, "span_lengths": [("name", 2)],
    }  # fmt: skip
    base.update(kw)
    return base


def f1(strict: float, lax: int = 1) -> dict[str, Any]:
    return {"tools": ["fs.read"], "spans": 1, "lax": lax, "strict": int(strict > 0),
            "f1_lax": float(lax), "f1_strict": strict, "negative_control": lax == 0,
            "detail": [], "missed": []}  # fmt: skip


def test_fold_counts_everything() -> None:
    stats = SetStats()
    stats.add(result(1, f1=f1(1.0)))
    stats.add(result(2, labels={"lang": "de", "long_context_flag": True, "control": "decline"}))
    stats.add({"line": 3, "id": None, "reasons": ["record_invalid"], "details": ["x"]})
    stats.add(result(4, id="i1", prompt_key=bytes([1]), reasons=["structure_mismatch"]))
    stats.finish()
    stats.finish()  # once only: nothing is counted twice
    assert (stats.items, stats.rejects) == (3, 1)
    assert stats.reasons["duplicate_id"] == 1 and stats.reasons["duplicate_prompt"] == 1
    assert stats.extraction == {
        "all": [3, 3],
        "multilingual": [1, 1],
        "long": [1, 1],
        "short": [2, 2],
    }
    assert stats.alignment == {"teacher": [6, 6], "sequence": [9, 6]}
    assert stats.controls == {"decline": 1} and stats.langs == {"en": 2, "de": 1}
    assert stats.structures == {"file_ops": {"arrays"}}
    assert stats.gold == {"name": [3, 3, 3]} and stats.span_lengths[("name", 2)] == 3
    assert stats.caws_parsed == 3 and stats.caws_max_tokens == 20
    entries = list(stats.per_item)
    assert len(stats.per_item) == 4
    assert entries[2] == {
        "line": 3,
        "id": None,
        "reasons": ["record_invalid"],
        "details": ["x"],
    }
    assert entries[0]["f1_lax"] == 1.0
    assert entries[3]["reasons"] == ["structure_mismatch", "duplicate_id", "duplicate_prompt"]
    assert entries[3]["details"] == ["duplicate_id: 'i1' seen before"]
    assert stats.reason_sets == {
        frozenset(): 2,
        frozenset({"record_invalid"}): 1,
        frozenset({"structure_mismatch", "duplicate_id", "duplicate_prompt"}): 1,
    }
    assert stats.reason_counts()["record_invalid"] == 1


def test_worst_items_are_the_lowest_strict_f1_earliest_first() -> None:
    stats = SetStats()
    for line, strict in enumerate([0.9, 0.2, 1.0, 0.2, 0.5, 0.0, 0.7, 0.2], start=1):
        stats.add(result(line, f1=f1(strict, lax=0 if strict == 0 else 1)))
    worst = stats.worst_items()
    assert len(worst) == WORST
    assert [(w["line"], w["f1_strict"]) for w in worst] == [
        (6, 0.0),
        (2, 0.2),
        (4, 0.2),
        (8, 0.2),
        (5, 0.5),
    ]
    assert stats.f1["misses"] == 1 and stats.negative_controls == 1
    assert stats.per_tool["fs.read"]["items"] == 8


def test_sequence_lengths_are_verify_s_own_token_counts() -> None:
    stats = SetStats()
    for line, tokens in enumerate((100, 512, 513, 9000, 512), start=1):
        # extract's recorded length disagrees on purpose: verify counts for itself.
        stats.add(result(line, sequence_tokens=tokens, sequence_length=tokens + 1))
    stats.add(result(6, sequence_length=40))  # no rendered sequence: not counted
    assert stats.sequence_lengths == {100: 1, 512: 2, 513: 1, 9000: 1}
