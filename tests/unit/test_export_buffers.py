"""The export's columns, built from buffers, equal those `pa.array` builds from values."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from pipeline import export
from pipeline.export import SCHEMA, rows_to_table
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
