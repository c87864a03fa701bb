"""The trainer export writers: only the selected exports are written (a deselected
one loses its stale files and says so in meta.json), LLaMA-Factory gets its
dataset_info.json, nothing is written when the run fails, and TRL filter columns
without nulls carry no validity buffer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.export import RowBatch
from pipeline.exports import OWNED, TrainerExports, trl_table
from pipeline.targets.build import ExportRow
from pipeline.targets.trainers import FILTERS, TrainerRecords

HEADER = {"dataset_version": "v-test", "tokenizer_fingerprint": "fp-test"}


def _row(name: str) -> ExportRow:
    ids = np.array([5, 6, 7], dtype="<i4").tobytes()
    labels = np.array([-100, 6, 7], dtype="<i4").tobytes()
    return ExportRow(name, ids, labels, b"\0\1\1", b"\0\1\0", b"\0\0\1", b"\0\0\0", "[]", "[]")


def _records(validation: bool, line: bytes) -> TrainerRecords:
    return TrainerRecords(validation, (None,) * len(FILTERS), {"llamafactory": line})


def test_llamafactory_alone_routes_splits_and_clears_deselected_exports(tmp_path: Path) -> None:
    stale = tmp_path / "trl" / "train.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    with TrainerExports(str(tmp_path), ("llamafactory",), HEADER, 0.5) as out:
        out.add(_row("a"), _records(False, b'{"id": "a"}\n'))
        out.add(_row("b"), _records(True, b'{"id": "b"}\n'))
        out.add(_row("c"), _records(False, b'{"id": "c"}\n'))
    folder = tmp_path / "llamafactory"
    assert (folder / "train.jsonl").read_bytes() == b'{"id": "a"}\n{"id": "c"}\n'
    assert (folder / "validation.jsonl").read_bytes() == b'{"id": "b"}\n'
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["selected"] is True and meta["rows"] == {"train": 2, "validation": 1}
    assert meta["dataset_version"] == "v-test" and meta["validation_share"] == 0.5
    info = json.loads((folder / "dataset_info.json").read_text())
    assert set(info) == {"toolcall_train", "toolcall_validation"}
    assert info["toolcall_validation"]["file_name"] == "validation.jsonl"
    assert info["toolcall_train"]["formatting"] == "sharegpt"
    trl_meta = json.loads((tmp_path / "trl" / "meta.json").read_text())
    assert trl_meta["selected"] is False and trl_meta["rows"] == {"train": 0, "validation": 0}
    assert not any((tmp_path / "trl" / name).exists() for name in OWNED)


def test_a_failed_run_writes_no_export(tmp_path: Path) -> None:
    exports = TrainerExports(str(tmp_path), ("llamafactory",), HEADER, 0.0)
    with pytest.raises(RuntimeError, match="worker died"), exports as out:
        out.add(_row("a"), _records(False, b'{"id": "a"}\n'))
        raise RuntimeError("worker died")
    assert not (tmp_path / "llamafactory" / "train.jsonl").exists()
    assert not list(tmp_path.rglob("meta.json"))


def test_trl_filter_columns_without_nulls_have_no_validity_buffer() -> None:
    filters = ("web_search", "de", "3", "none", "answer", False)
    assert len(filters) == len(FILTERS)
    table = trl_table(RowBatch.from_rows([_row("a"), _row("b")], [filters, filters]))
    table.validate(full=True)
    for name, value in zip(FILTERS, filters, strict=True):
        column = table.column(name).chunk(0)
        assert column.null_count == 0 and column.buffers()[0] is None
        assert column.to_pylist() == [value, value]
    assert table.column("completion_mask").to_pylist() == [[0, 1, 1], [0, 1, 1]]
