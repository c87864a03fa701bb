"""The export's columns, built from buffers, equal those `pa.array` builds from values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import export
from pipeline.export import SCHEMA, ParquetExport, rows_to_table, token_buffers
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


def test_token_buffers_share_one_offsets_array_across_list_columns() -> None:
    rows = [_row("a", [5, 6, 7], "x"), _row("b", [], "y"), _row("c", [8], "z")]
    tokens = token_buffers(rows)
    assert tokens.offsets.to_pylist() == [0, 3, 3, 4]
    assert tokens.ids.tolist() == [5, 6, 7, 8]
    assert tokens.lists(tokens.labels, pa.int32()).to_pylist() == [[-100, 6, -100], [], [-100]]
    assert tokens.mask("assistant").to_pylist() == [[0, 1, 0], [], [0]]
