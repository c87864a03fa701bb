"""The training export: data/train.parquet, one row per extracted item.

Columns: ``id``; ``input_ids`` (the chat-template rendering of messages + tools,
tokenised by the student tokenizer); ``labels`` (the ids where a loss is taken:
the assistant turns, except the turns of failed attempts the generator marked,
unless ``export.train_on_failed_attempts``; -100 elsewhere, tool responses
included); four per-token 0/1 masks of the same
length, ``assistant_mask`` (the assistant turns, end-of-turn token included),
``tool_name_mask``, ``tool_args_mask`` and ``integration_mask``; and ``tools``
and ``messages`` as JSON strings (tool schemas differ per item, and Arrow needs
one type per column). Rows are written in input order, in row groups of a fixed
size (never dependent on the number of workers), into a temporary file that is
renamed into place when complete.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import AtomicWriter
from pipeline.targets.build import ExportRow

MASKS = ("assistant_mask", "tool_name_mask", "tool_args_mask", "integration_mask")
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("input_ids", pa.list_(pa.int32())),
        ("labels", pa.list_(pa.int32())),
        *[(name, pa.list_(pa.int8())) for name in MASKS],
        ("tools", pa.string()),
        ("messages", pa.string()),
    ]
)

# What each column holds, for the dataset card (`pipeline.gates.card`).
COLUMNS = {
    "id": "the item id (`ctx-000000`), as in data/extracted.jsonl",
    "input_ids": "the chat-template rendering of messages + tools, tokenised by the "
    "student tokenizer (no truncation, no padding)",
    "labels": "the token id where a loss is taken (assistant turns, end-of-turn token "
    "included; failed attempts the generator marked excluded unless "
    "export.train_on_failed_attempts), -100 elsewhere (system, user, tool responses)",
    "assistant_mask": "1 on assistant-turn tokens (end-of-turn token included)",
    "tool_name_mask": "1 on the tokens of each call's tool name",
    "tool_args_mask": "1 on the tokens of each call's JSON arguments",
    "integration_mask": "1 on the answer tokens that integrate the tool results",
    "tools": "the tool JSON Schemas the item offers (a JSON string: they differ per item)",
    "messages": "the conversation, OpenAI style with tool_calls (a JSON string)",
}


# Arrays are built from their buffers rather than with `pa.array`, which imports
# pandas on first use (to recognise its types): a third of a second in the
# parent process, which writes the export while the workers extract.


def _flat(values: np.ndarray, kind: pa.DataType) -> pa.Array:
    """An Arrow array over a contiguous numpy buffer of `kind`'s width."""
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


# The largest byte offset a `string` column can hold (its offsets are int32).
MAX_STRING_BYTES = int(np.iinfo(np.int32).max)


def _strings(values: list[str]) -> pa.Array:
    """A string array: the UTF-8 bytes joined, with int32 offsets between them."""
    encoded = [value.encode("utf-8") for value in values]
    ends = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)).cumsum()
    if ends.size and ends[-1] > MAX_STRING_BYTES:
        return pa.array(values, pa.string())  # past int32 offsets: Arrow's own handling
    offsets = np.concatenate(([0], ends)).astype(np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


@dataclass(frozen=True)
class TokenBuffers:
    """The rows' token arrays joined into flat buffers, with the one offsets array that
    every per-token list column of those rows shares (see `token_buffers`)."""

    rows: Sequence[ExportRow]
    offsets: pa.Array
    ids: np.ndarray  # int32, every row's input_ids one after the other
    labels: np.ndarray  # int32, -100 where no loss is taken

    def lists(self, values: np.ndarray, kind: pa.DataType) -> pa.Array:
        """A list column over a flat per-token buffer of `kind`'s width."""
        return pa.ListArray.from_arrays(self.offsets, _flat(values, kind))

    def mask(self, field: str) -> pa.Array:
        """The int8 list column of one `ExportRow` mask field (``assistant``, ...)."""
        flat = b"".join(getattr(r, field) for r in self.rows)
        return self.lists(np.frombuffer(flat, dtype=np.int8), pa.int8())


def token_buffers(rows: Sequence[ExportRow]) -> TokenBuffers:
    """One copy per buffer, no per-token Python objects (the train and TRL exports)."""
    lengths = np.fromiter((len(r.input_ids) // 4 for r in rows), dtype=np.int64, count=len(rows))
    offsets = _flat(np.concatenate(([0], np.cumsum(lengths))).astype(np.int32), pa.int32())
    ids = np.frombuffer(b"".join(r.input_ids for r in rows), dtype="<i4").astype(np.int32)
    labels = np.frombuffer(b"".join(r.labels for r in rows), dtype="<i4").astype(np.int32)
    return TokenBuffers(rows, offsets, ids, labels)


def rows_to_table(rows: list[ExportRow]) -> pa.Table:
    """Columns built from flat buffers: one copy per column, no per-token Python objects."""
    tokens = token_buffers(rows)
    columns = [
        _strings([r.id for r in rows]),
        tokens.lists(tokens.ids, pa.int32()),
        tokens.lists(tokens.labels, pa.int32()),
        *[tokens.mask(field) for field in ("assistant", "tool_name", "tool_args", "integration")],
        _strings([r.tools for r in rows]),
        _strings([r.messages for r in rows]),
    ]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


# Dictionary encoding is off: the token-id columns have too many distinct values
# (Arrow builds a dictionary per page and falls back to plain), and the masks and
# texts compress as well without one. zstd level 3 wins back more than the
# dictionaries saved. Together they cut the writes' CPU by about a third; the
# tables read back are the same.
WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": False,
}


class ParquetExport:
    """Streaming, atomic, deterministic Parquet writer: `ExportRow`s by default, or any
    rows that `table` turns into a table of `schema` (the TRL export's, for one)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        row_group_rows: int = 1024,
        schema: pa.Schema = SCHEMA,
        table: Callable[[list[Any]], pa.Table] = rows_to_table,
    ) -> None:
        self.row_group_rows = row_group_rows
        self.rows = 0
        self.schema = schema
        self._table = table
        self._atomic = AtomicWriter(path)
        self._buffer: list[Any] = []
        self._handle: IO[bytes] | None = None
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> ParquetExport:
        self._handle = self._atomic.__enter__()
        self._writer = pq.ParquetWriter(self._handle, self.schema, **WRITER_OPTIONS)
        return self

    def add(self, row: Any) -> None:
        self._buffer.append(row)
        if len(self._buffer) >= self.row_group_rows:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            assert self._writer is not None
            table = self._table(self._buffer)
            self._writer.write_table(table, row_group_size=len(self._buffer))
            self.rows += len(self._buffer)
            self._buffer = []

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._flush()
            if self._writer is not None:
                self._writer.close()
        finally:
            self._atomic.__exit__(exc_type, exc, tb)
