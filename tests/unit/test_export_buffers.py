"""The export's columns, built from buffers, equal those `pa.array` builds from values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import export
from pipeline.export import SCHEMA, ParquetExport, RowBatch, list_column, rows_to_table
from pipeline.targets.build import ExportRow


def _row(name: str, ids: list[int], text: str) -> ExportRow:
    masks = bytes(i % 2 for i in range(len(ids)))
    return ExportRow(
        name,
        np.array(ids, dtype="<i4").tobytes(),
        np.array([-100 if i % 3 else i for i in ids], dtype="<i4").tobytes(),
        masks,
        masks,
        bytes(len(ids)),
        masks,
        text,
        f'[{{"role": "user", "content": "{text}"}}]',
    )


def test_columns_equal_values_built_with_pa_array() -> None:
    rows = [
        _row("a", [1, 2, 3], "café 😀"),
        _row("é-2", [], ""),
        _row("c", [70000, 5], "plain"),
    ]
    table = rows_to_table(rows)
    lists = [
        [list(np.frombuffer(getattr(r, field), dtype=dtype)) for r in rows]
        for field, dtype in (
            ("input_ids", "<i4"),
            ("labels", "<i4"),
            ("assistant", np.int8),
            ("tool_name", np.int8),
            ("tool_args", np.int8),
            ("integration", np.int8),
        )
    ]
    expected = pa.Table.from_arrays(
        [
            pa.array([r.id for r in rows], pa.string()),
            *[pa.array(values, SCHEMA.field(i + 1).type) for i, values in enumerate(lists)],
            pa.array([r.tools for r in rows], pa.string()),
            pa.array([r.messages for r in rows], pa.string()),
        ],
        schema=SCHEMA,
    )
    table.validate(full=True)
    assert table.equals(expected)
    assert table.column("id").null_count == 0


def test_past_int32_offsets_a_string_column_is_left_to_arrow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Past 2 GiB of text a column cannot have int32 offsets; Arrow's own builder
    # decides what to do. A small limit takes that path here, with equal results.
    rows = [_row("a", [1], "café"), _row("b", [2, 3], "x" * 40)]
    built = rows_to_table(rows)
    monkeypatch.setattr(export, "MAX_STRING_BYTES", 8)
    fallback = rows_to_table(rows)
    assert fallback.equals(built)


def test_written_file_reads_back_as_the_tables_without_dictionary_pages(
    tmp_path: Path,
) -> None:
    # The writer options change how pages are encoded, never what reads back.
    rows = [_row(f"r{i}", list(range(i, i + 40)), "café " * i) for i in range(5)]
    path = tmp_path / "train.parquet"
    with ParquetExport(path, row_group_rows=2) as writer:
        for row in rows:
            writer.add(row)
    assert pq.read_table(path).equals(rows_to_table(rows))
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [2, 2, 1]
    chunks = [meta.row_group(0).column(c) for c in range(meta.num_columns)]
    assert {c.compression for c in chunks} == {"ZSTD"}
    assert not any(c.has_dictionary_page for c in chunks)
    # Min/max statistics on the scalar columns only: not over every token of the lists.
    with_stats = {SCHEMA.names[c] for c in range(meta.num_columns) if chunks[c].is_stats_set}
    assert with_stats == {"id", "tools", "messages"} == set(export.statistics_columns(SCHEMA))


def test_a_batch_shares_one_offsets_array_across_list_columns() -> None:
    rows = [_row("a", [5, 6, 7], "x"), _row("b", [], "y"), _row("c", [8], "z")]
    batch = RowBatch.from_rows(rows)
    offsets = batch.offsets()
    assert offsets.to_pylist() == [0, 3, 3, 4]
    assert batch.input_ids.tolist() == [5, 6, 7, 8]
    assert list_column(offsets, batch.labels, pa.int32()).to_pylist() == [
        [-100, 6, -100],
        [],
        [-100],
    ]
    assert list_column(offsets, batch.mask("assistant"), pa.int8()).to_pylist() == [
        [0, 1, 0],
        [],
        [0],
    ]


def test_batches_joined_cut_and_selected_hold_the_rows_they_name() -> None:
    rows = [_row(f"r{i}", list(range(i, 2 * i)), "t" * i) for i in range(7)]
    filters = [(f"s{i}",) for i in range(7)]
    whole = RowBatch.from_rows(rows, filters)
    joined = RowBatch.join(
        [RowBatch.from_rows(rows[:3], filters[:3]), RowBatch.from_rows(rows[3:], filters[3:])]
    )
    assert rows_table(joined).equals(rows_table(whole))
    head, rest = whole.head(4)
    assert rows_table(head).equals(rows_to_table(rows[:4]))
    assert rows_table(rest).equals(rows_to_table(rows[4:]))
    assert rest.filters == filters[4:]
    keep = [i % 3 == 1 for i in range(7)]
    picked = whole.select(keep)
    assert rows_table(picked).equals(
        rows_to_table([r for r, k in zip(rows, keep, strict=True) if k])
    )
    assert picked.filters == [f for f, k in zip(filters, keep, strict=True) if k]


def rows_table(batch: RowBatch) -> pa.Table:
    return export.batch_table(batch)


def test_row_groups_are_the_same_whatever_the_batches_the_rows_come_in(tmp_path: Path) -> None:
    # The stage adds a chunk at a time; the file must not depend on the chunk size.
    rows = [_row(f"r{i}", list(range(i, i + 9)), "café " * i) for i in range(11)]
    written = []
    for size in (1, 3, 4, 11):
        path = tmp_path / f"train-{size}.parquet"
        with ParquetExport(path, row_group_rows=4) as writer:
            for start in range(0, len(rows), size):
                writer.add_batch(RowBatch.from_rows(rows[start : start + size]))
        written.append(path.read_bytes())
    with ParquetExport(tmp_path / "rows.parquet", row_group_rows=4) as writer:
        for row in rows:
            writer.add(row)
    assert len(set(written)) == 1
    assert (tmp_path / "rows.parquet").read_bytes() == written[0]
    meta = pq.ParquetFile(tmp_path / "rows.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [4, 4, 3]


def test_rows_taken_from_batches_write_the_file_of_those_rows(tmp_path: Path) -> None:
    # Most rows taken (kept as is until the row group is cut) or few (copied out at
    # once): the file is the one the taken rows give, added a row at a time.
    rows = [_row(f"r{i}", list(range(i, i + 5)), "x" * i) for i in range(12)]
    keeps = [[i % 4 != 0 for i in range(6)], [i == 2 for i in range(6)]]
    path = tmp_path / "taken.parquet"
    with ParquetExport(path, row_group_rows=3) as writer:
        for start, keep in zip((0, 6), keeps, strict=True):
            writer.add_batch(RowBatch.from_rows(rows[start : start + 6]), keep)
    taken = [row for row, k in zip(rows, keeps[0] + keeps[1], strict=True) if k]
    with ParquetExport(tmp_path / "rows.parquet", row_group_rows=3) as writer:
        for row in taken:
            writer.add(row)
    assert path.read_bytes() == (tmp_path / "rows.parquet").read_bytes()
    assert pq.read_table(path).column("id").to_pylist() == ["r1", "r2", "r3", "r5", "r8"]
