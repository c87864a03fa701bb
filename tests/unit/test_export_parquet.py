"""The training export: loadable by `datasets`, masks aligned, bytes deterministic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from pipeline.export import MASKS, SCHEMA, ParquetExport, rows_to_table
from pipeline.student import Student
from pipeline.targets.build import ExportRow, Extractor, Settings

pytestmark = pytest.mark.stage

FIXTURES = Path(__file__).parents[1] / "fixtures" / "external"


def _rows(qwen_dir: Path) -> tuple[list[ExportRow], list[dict[str, Any]]]:
    extractor = Extractor(qwen_dir, Settings())
    items = [
        json.loads(line) for line in (FIXTURES / "openai.jsonl").read_text("utf-8").splitlines()
    ]
    example = json.loads((FIXTURES / "item-hermes-es.json").read_text("utf-8"))
    del example["targets"]
    outcomes = extractor.run_chunk([(i, item) for i, item in enumerate([*items, example])])
    rows = [o.row for o in outcomes if o.row is not None]
    records = [json.loads(o.record) for o in outcomes if o.record is not None]
    return rows, records


def _write(path: Path, rows: list[ExportRow], group: int = 2) -> bytes:
    with ParquetExport(path, row_group_rows=group) as export:
        for row in rows:
            export.add(row)
    assert export.rows == len(rows)
    return path.read_bytes()


def test_loads_with_datasets_and_masks_line_up(
    tmp_path: Path, qwen_dir: Path, student: Student
) -> None:
    from datasets import load_dataset

    rows, records = _rows(qwen_dir)
    path = tmp_path / "train.parquet"
    _write(path, rows)
    assert pq.ParquetFile(path).metadata.num_row_groups == 3  # 6 rows, groups of 2
    dataset = load_dataset("parquet", data_files=str(path), split="train")
    assert dataset.column_names == SCHEMA.names
    assert len(dataset) == len(records)
    for row, item in zip(dataset, records, strict=True):
        assert row["id"] == item["id"]
        assert len(row["input_ids"]) == item["targets"]["sequence"]["length"]
        assert all(len(row[m]) == len(row["input_ids"]) for m in MASKS)
        assert set().union(*(row[m] for m in MASKS)) <= {0, 1}
        assert json.loads(row["tools"]) == item["tools"]
        assert json.loads(row["messages"]) == item["messages"]
        text = item["teacher_text"]
        ids = np.array(row["input_ids"])
        args_mask = np.array(row["tool_args_mask"], dtype=bool)
        assert args_mask.sum() > 0 or not item["targets"]["calls"]
        # The tool_args mask decodes back to the calls' arguments, in order. A token
        # may straddle an edge (" {" or "}}\n" are single BPE tokens), so the decoded
        # run is the arguments plus only the braces and whitespace of those tokens.
        edges = np.flatnonzero(np.diff(np.concatenate(([0], args_mask.astype(int), [0]))))
        decoded = [
            student.decode(ids[a:b].tolist()) for a, b in zip(edges[::2], edges[1::2], strict=True)
        ]
        calls = item["targets"]["calls"]
        expected = [text[slice(*c["args_span"]["chars"])] for c in calls]
        assert len(decoded) == len(expected)
        for got, want in zip(decoded, expected, strict=True):
            assert want in got and set(got.replace(want, "", 1)) <= set(" {}\n")
        names = student.decode(ids[np.array(row["tool_name_mask"], dtype=bool)].tolist())
        assert names == "".join(c["name"] for c in item["targets"]["calls"])
        assistant = student.decode(ids[np.array(row["assistant_mask"], dtype=bool)].tolist())
        assert assistant.endswith("<|im_end|>")


def test_bytes_do_not_depend_on_the_run(tmp_path: Path, qwen_dir: Path) -> None:
    rows, _ = _rows(qwen_dir)
    assert _write(tmp_path / "a.parquet", rows) == _write(tmp_path / "b.parquet", rows)
    table = rows_to_table(rows[:1])
    assert table.num_rows == 1 and table.schema == SCHEMA


def test_a_failed_export_leaves_no_file(tmp_path: Path, qwen_dir: Path) -> None:
    rows, _ = _rows(qwen_dir)
    path = tmp_path / "out" / "train.parquet"
    with pytest.raises(RuntimeError), ParquetExport(path) as export:
        export.add(rows[0])
        raise RuntimeError("stop")
    assert not path.exists() and list(path.parent.iterdir()) == []
    _write(path, [])
    assert pq.read_table(path).num_rows == 0
