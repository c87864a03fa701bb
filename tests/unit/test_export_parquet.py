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


def _recovery_item() -> dict[str, Any]:
    """A generated item whose snippet has a typo: the run fails, the fixed run succeeds."""
    from pipeline.gen.item import generate_item
    from pipeline.params import GenerateParams, Params

    params = Params(generate=GenerateParams(total=400))
    for index in range(params.generate.total):
        item = generate_item(params, index)
        meta = item["metadata"]
        if meta["scenario"] == "code_exec" and meta["complexity"] == "branching_error_recovery":
            return item
    raise AssertionError("no error-recovery item")  # pragma: no cover


def _trained_text(student: Student, row: ExportRow) -> str:
    ids = np.frombuffer(row.input_ids, dtype="<i4")
    labels = np.frombuffer(row.labels, dtype="<i4")
    assert ((labels == -100) | (labels == ids)).all()  # a label is the id, or no loss
    return student.tokenizer.decode([int(i) for i, t in zip(ids, labels, strict=True) if t != -100])


@pytest.mark.parametrize("train_failed", [False, True])
def test_the_failed_attempt_is_kept_out_of_the_loss(
    qwen_dir: Path, student: Student, train_failed: bool
) -> None:
    item = _recovery_item()
    broken, fixed = (c["arguments"]["code"] for c in item["metadata"]["call_sequence"])
    extractor = Extractor(qwen_dir, Settings(train_failed_attempts=train_failed))
    row = extractor.run_chunk([(1, item)])[0].row
    assert row is not None
    trained = _trained_text(student, row)
    as_json = json.dumps  # the call's code appears JSON-escaped in the call text
    assert as_json(fixed)[1:-1] in trained  # the corrected call is trained
    assert (as_json(broken)[1:-1] in trained) is train_failed  # the failed one only on request
    assert item["messages"][-1]["content"] in trained  # and the answer
    # Tool responses are never trained: the error and the output come from the tool.
    error = item["metadata"]["tool_results"][0]["error"]
    assert error not in trained.replace(item["messages"][-1]["content"], "")
    assert "<tool_response>" not in trained
    # The process masks follow the loss: the failed call's name and arguments drop out.
    names = np.frombuffer(row.tool_name, dtype=np.uint8)
    runs = np.flatnonzero(np.diff(np.concatenate(([0], names, [0]))) == 1)
    assert len(runs) == (2 if train_failed else 1)
