"""The trainer-native exports (docs/exports.md): one directory per trainer under
``extract.export_dir``, each with a train and a validation split.

The workers build every line (pipeline/targets/trainers.py); here the parent
only routes them: JSONL lines are written as they are, and the TRL Parquet rows
are built from the item's `ExportRow` buffers, in row groups of a fixed size.
Every file is written atomically; the sidecar ``meta.json`` (and LLaMA-Factory's
``dataset_info.json``) is written last, once the row counts are known.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import numpy as np
import orjson
import pyarrow as pa

from pipeline.export import ParquetExport, RowBatch, _strings, list_column
from pipeline.records import AtomicWriter, write_json
from pipeline.targets.build import ExportRow
from pipeline.targets.trainers import EXPORTS, FILTERS, TrainerRecords

SPLITS = ("train", "validation")
PROCESS_MASKS = ("tool_name_mask", "tool_args_mask", "integration_mask")
_INT8_LIST = pa.list_(pa.int8())
TRL_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("input_ids", pa.list_(pa.int32())),
        ("attention_mask", _INT8_LIST),
        ("labels", pa.list_(pa.int32())),
        ("assistant_masks", _INT8_LIST),
        ("completion_mask", _INT8_LIST),
        *[(name, _INT8_LIST) for name in PROCESS_MASKS],
        *[(name, pa.string()) for name in FILTERS[:-1]],
        (FILTERS[-1], pa.bool_()),
    ]
)
LLAMAFACTORY_ENTRY = {
    "formatting": "sharegpt",
    "columns": {"messages": "conversations", "system": "system", "tools": "tools"},
    "tags": {
        "role_tag": "from",
        "content_tag": "value",
        "user_tag": "human",
        "assistant_tag": "gpt",
        "observation_tag": "observation",
        "function_tag": "function_call",
        "system_tag": "system",
    },
}
# Files an export directory may hold; only these are removed when an export is deselected.
OWNED = ("train.parquet", "validation.parquet", "train.jsonl", "validation.jsonl")


def _validity(present: list[bool]) -> pa.Buffer | None:
    if all(present):
        return None
    return pa.py_buffer(np.packbits(np.array(present, dtype=bool), bitorder="little"))


def _nullable_strings(values: list[str | None]) -> pa.Array:
    """A string array with nulls, from buffers (see `pipeline.export`: no pandas import)."""
    dense = _strings([v or "" for v in values])
    buffers = dense.buffers()
    buffers[0] = _validity([v is not None for v in values])
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


def _nullable_bools(values: list[bool | None]) -> pa.Array:
    bits = np.packbits(np.array([bool(v) for v in values], dtype=bool), bitorder="little")
    validity = _validity([v is not None for v in values])
    return pa.Array.from_buffers(pa.bool_(), len(values), [validity, pa.py_buffer(bits)])


def trl_table(batch: RowBatch) -> pa.Table:
    """The TRL columns from a batch's flat buffers (one copy per column)."""
    assert batch.filters is not None
    offsets = batch.offsets()
    # TRL takes the loss where assistant_masks (assistant_only_loss) or completion_mask
    # (completion_only_loss) is 1: both are exactly our trained tokens.
    trained = (batch.labels != -100).astype(np.int8)
    columns = [
        _strings(batch.ids),
        list_column(offsets, batch.input_ids, pa.int32()),
        list_column(offsets, np.ones(batch.input_ids.size, dtype=np.int8), pa.int8()),
        list_column(offsets, batch.labels, pa.int32()),
        list_column(offsets, trained, pa.int8()),
        list_column(offsets, trained, pa.int8()),
        *[
            list_column(offsets, batch.mask(field), pa.int8())
            for field in ("tool_name", "tool_args", "integration")
        ],
    ]
    for k in range(len(FILTERS) - 1):
        columns.append(_nullable_strings([f[k] for f in batch.filters]))
    columns.append(_nullable_bools([f[-1] for f in batch.filters]))
    return pa.Table.from_arrays(columns, schema=TRL_SCHEMA)


def provenance(header: dict[str, Any]) -> dict[str, Any]:
    """What every export carries about its origin: dataset version and tokenizer."""
    return {
        "dataset_version": header["dataset_version"],
        "tokenizer_fingerprint": header["tokenizer_fingerprint"],
    }


class TrainerExports:
    """Writers of the selected exports; `add` routes one item's lines by its split."""

    def __init__(
        self,
        export_dir: str,
        exports: tuple[str, ...],
        header: dict[str, Any],
        share: float,
        row_group_rows: int = 1024,
    ) -> None:
        self.root = Path(export_dir)
        self.exports = exports
        self.origin = provenance(header)
        self.share = share
        self.row_group_rows = row_group_rows
        self.counts = {name: dict.fromkeys(SPLITS, 0) for name in exports}
        self._stack = contextlib.ExitStack()
        self._jsonl: dict[tuple[str, bool], IO[bytes]] = {}
        self._parquet: dict[bool, ParquetExport] = {}

    def __enter__(self) -> TrainerExports:
        meta = {f"toolcall.{k}".encode(): orjson.dumps(v) for k, v in sorted(self.origin.items())}
        schema = TRL_SCHEMA.with_metadata(meta)
        for name in self.exports:
            for split in SPLITS:
                path = self.root / name / f"{split}.jsonl"
                handle = self._stack.enter_context(AtomicWriter(path))
                self._jsonl[(name, split == "validation")] = handle
        if "trl" in self.exports:
            for split in SPLITS:
                path = self.root / "trl" / f"{split}.parquet"
                writer = ParquetExport(path, self.row_group_rows, schema, trl_table)
                self._parquet[split == "validation"] = self._stack.enter_context(writer)
        return self

    def add(self, row: ExportRow, records: TrainerRecords) -> None:
        """One item's lines and TRL row (tests); the stage adds chunks with `add_split`."""
        lines = {name: records.lines[name] for name in self.exports}
        rows = RowBatch.from_rows([row], [records.filters])
        self.add_split(records.validation, lines, rows, [True])

    def add_split(
        self, validation: bool, lines: dict[str, bytes], rows: RowBatch, keep: list[bool]
    ) -> None:
        """Items of one split, in order: each export's lines joined (`lines`), and
        their TRL rows: those of `rows` (with the filter values) where `keep` is true."""
        split = SPLITS[validation]
        taken = sum(keep)
        for name in self.exports:
            self._jsonl[(name, validation)].write(lines[name])
            self.counts[name][split] += taken
        if self._parquet:
            self._parquet[validation].add_batch(rows, keep)

    def _finish(self) -> None:
        for name in EXPORTS:
            folder = self.root / name
            selected = name in self.exports
            if not selected:
                for stale in (*OWNED, "dataset_info.json"):
                    (folder / stale).unlink(missing_ok=True)
            meta = {
                "export": name,
                "selected": selected,
                **self.origin,
                "validation_share": self.share,
                "rows": self.counts.get(name, dict.fromkeys(SPLITS, 0)),
            }
            write_json(folder / "meta.json", meta)
        if "llamafactory" in self.exports:
            info = {
                f"toolcall_{split}": {"file_name": f"{split}.jsonl", **LLAMAFACTORY_ENTRY}
                for split in SPLITS
            }
            write_json(self.root / "llamafactory" / "dataset_info.json", info)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.__exit__(exc_type, exc, tb)
        if exc_type is None:
            self._finish()
