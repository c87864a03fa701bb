"""A chunk packed for the stage process holds exactly what routing its items one by
one would write: the same lines in the same order, the same rows, the same splits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.export import RowBatch, batch_table
from pipeline.exports import trl_table
from pipeline.records import Reject
from pipeline.targets.build import Extractor, Settings
from pipeline.targets.chunk import pack
from pipeline.targets.trainers import EXPORTS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "external"


def _items() -> list[dict[str, Any]]:
    return [json.loads(x) for x in (FIXTURES / "openai.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.stage
def test_a_packed_chunk_equals_its_items_routed_one_by_one(qwen_dir: Path) -> None:
    # A share of one half sends some items to each split.
    extractor = Extractor(qwen_dir, Settings(exports=EXPORTS, validation_share=0.5))
    items = _items()
    entries: list[tuple[int, Any]] = list(enumerate(items))
    entries.insert(1, (99, Reject(99, "<line>", "invalid JSON", "{oops")))
    outcomes = extractor.run_chunk(entries)
    chunk = pack(outcomes)
    done = [o for o in outcomes if o.record is not None]
    assert chunk.inputs == len(entries) and len(chunk.rows) == len(done) == len(items)
    assert chunk.rejects == [(99, "<line>", "invalid JSON", "{oops")]
    assert chunk.lines == b"".join(o.record for o in done if o.record is not None)
    rows = [o.row for o in done if o.row is not None]
    assert batch_table(chunk.rows).equals(batch_table(RowBatch.from_rows(rows)))
    for key in done[0].stats:
        assert chunk.stats[key] == sum(o.stats[key] for o in done)
    assert chunk.splits is not None
    records = [o.trainers for o in done if o.trainers is not None]
    assert {r.validation for r in records} == {False, True}
    for validation, split in enumerate(chunk.splits):
        mine = [
            (o.row, r) for o, r in zip(done, records, strict=True) if r.validation == validation
        ]
        for name in EXPORTS:
            assert split.lines[name] == b"".join(r.lines[name] for _, r in mine)
        expected = RowBatch.from_rows([row for row, _ in mine], [r.filters for _, r in mine])
        assert trl_table(chunk.rows.select(split.keep)).equals(trl_table(expected))


@pytest.mark.stage
def test_a_chunk_without_trainer_exports_has_no_splits(qwen_dir: Path) -> None:
    extractor = Extractor(qwen_dir, Settings())
    chunk = pack(extractor.run_chunk(list(enumerate(_items()))))
    assert chunk.splits is None and chunk.rows.filters is None and chunk.rejects == []
