"""One chunk's outputs, packed in the worker for the stage process to write as they are.

The stage process is serial: whatever it does per item bounds a run with many
workers. So a worker hands back each chunk as a few large buffers, not one
object per item: the output JSONL lines joined, each trainer export's lines
joined per split, and the export rows as flat arrays (`RowBatch`). The stage
process then writes a handful of buffers per chunk, and the pipe between the
processes carries those buffers instead of pickled rows. Items keep their
input order within a chunk and chunks arrive in input order, so every file
holds the same bytes as one written item by item.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pipeline.export import RowBatch
from pipeline.parallel import worker_state
from pipeline.records import parse_entries
from pipeline.targets.build import Extractor, Outcome


class Split(NamedTuple):
    """A chunk's items of one trainer-export split."""

    lines: dict[str, bytes]  # each export's lines, joined
    keep: list[bool]  # which of the chunk's rows (`ChunkOutput.rows`) are in the split


class ChunkOutput(NamedTuple):
    inputs: int
    lines: bytes  # the output JSONL lines of the extracted items, joined
    rejects: list[tuple[int, str, str, str]]  # (line, field, reason, raw preview)
    stats: dict[str, int]  # summed over the chunk's extracted items
    rows: RowBatch  # the training export's rows (with the filter values: the TRL rows)
    splits: tuple[Split, Split] | None  # (train, validation); None: no trainer exports


def pack(outcomes: list[Outcome]) -> ChunkOutput:
    """The chunk's outcomes as the stage process writes them."""
    done = [o for o in outcomes if o.record is not None]
    rejects = [(o.line, *o.reject) for o in outcomes if o.reject is not None]
    stats: dict[str, int] = {}
    for outcome in done:
        # A plain loop: Counter.update checks its argument against the Mapping ABC
        # and walks it in Python anyway.
        for key, value in outcome.stats.items():
            stats[key] = stats.get(key, 0) + value
    records = [o.trainers for o in done]
    has_trainers = bool(done) and all(r is not None for r in records)
    filters = [r.filters for r in records if r is not None] if has_trainers else None
    rows = RowBatch.from_rows([o.row for o in done if o.row is not None], filters)
    assert len(rows) == len(done)
    splits = None
    if has_trainers:
        splits = (_split(records, False), _split(records, True))
    lines = b"".join(o.record for o in done if o.record is not None)
    return ChunkOutput(len(outcomes), lines, rejects, stats, rows, splits)


def _split(records: list[Any], validation: bool) -> Split:
    keep = [r.validation == validation for r in records]
    names = records[0].lines if records else {}
    lines = {
        name: b"".join(r.lines[name] for r, k in zip(records, keep, strict=True) if k)
        for name in names
    }
    return Split(lines, keep)


def extract_chunk(entries: list[tuple[int, Any]]) -> list[ChunkOutput]:
    """`map_chunks` entry point: the worker parses raw lines (`RawLine`), its
    Extractor does the work, and the chunk goes back packed (one result per chunk)."""
    extractor: Extractor = worker_state()
    return [pack(extractor.run_chunk(parse_entries(entries)))]
