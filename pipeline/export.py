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
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import AtomicWriter

if TYPE_CHECKING:
    # A type only: at run time verify (which reads SCHEMA for the card) does not
    # load the extractor through this module.
    from pipeline.targets.build import ExportRow

MASKS = ("assistant_mask", "tool_name_mask", "tool_args_mask", "integration_mask")
# The `ExportRow` field of each mask column, in the same order.
MASK_FIELDS = ("assistant", "tool_name", "tool_args", "integration")
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
class RowBatch:
    """Export rows as flat buffers: every row's tokens one after the other, with the
    token count of each row. Workers build one per chunk (`RowBatch.from_rows`), so
    the stage process joins a few chunk-sized arrays per row group instead of a
    thousand rows' bytes, and the IPC carries a few large buffers, not rows."""

    ids: list[str]
    lengths: np.ndarray  # int64, tokens per row
    input_ids: np.ndarray  # int32, every row's input_ids one after the other
    labels: np.ndarray  # int32, -100 where no loss is taken
    masks: tuple[np.ndarray, ...]  # int8, one per `MASK_FIELDS` entry
    tools: list[str]
    messages: list[str]
    # Per row, the trainer exports' filter values (the TRL columns); None: not kept.
    filters: list[tuple[Any, ...]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(
        cls, rows: Sequence[ExportRow], filters: list[tuple[Any, ...]] | None = None
    ) -> RowBatch:
        """One copy per buffer, no per-token Python objects."""
        lengths = np.fromiter(
            (len(r.input_ids) // 4 for r in rows), dtype=np.int64, count=len(rows)
        )
        return cls(
            [r.id for r in rows],
            lengths,
            np.frombuffer(b"".join(r.input_ids for r in rows), dtype="<i4").astype(np.int32),
            np.frombuffer(b"".join(r.labels for r in rows), dtype="<i4").astype(np.int32),
            tuple(
                np.frombuffer(b"".join(getattr(r, field) for r in rows), dtype=np.int8)
                for field in MASK_FIELDS
            ),
            [r.tools for r in rows],
            [r.messages for r in rows],
            filters,
        )

    @classmethod
    def join(cls, batches: Sequence[RowBatch]) -> RowBatch:
        """The batches' rows in order, in one batch (one copy per buffer)."""
        if len(batches) == 1:
            return batches[0]
        filters = None
        if all(b.filters is not None for b in batches):
            filters = [f for b in batches for f in b.filters or ()]
        return cls(
            [i for b in batches for i in b.ids],
            np.concatenate([b.lengths for b in batches]),
            np.concatenate([b.input_ids for b in batches]),
            np.concatenate([b.labels for b in batches]),
            tuple(np.concatenate(masks) for masks in zip(*(b.masks for b in batches), strict=True)),
            [t for b in batches for t in b.tools],
            [m for b in batches for m in b.messages],
            filters,
        )

    def head(self, rows: int) -> tuple[RowBatch, RowBatch]:
        """(the first `rows` rows, the rest): the head a view of these buffers, the rest
        a copy, so that holding on to the rest does not keep the whole buffers alive."""
        cut = int(self.lengths[:rows].sum())
        head = self._part(slice(None, rows), slice(None, cut), np.asarray)
        return head, self._part(slice(rows, None), slice(cut, None), np.array)

    def _part(
        self, rows: slice, tokens: slice, take: Callable[[np.ndarray], np.ndarray]
    ) -> RowBatch:
        return RowBatch(
            self.ids[rows],
            take(self.lengths[rows]),
            take(self.input_ids[tokens]),
            take(self.labels[tokens]),
            tuple(take(mask[tokens]) for mask in self.masks),
            self.tools[rows],
            self.messages[rows],
            None if self.filters is None else self.filters[rows],
        )

    def select(self, keep: list[bool]) -> RowBatch:
        """The rows where `keep` is true, in order (one boolean take per buffer; this
        batch itself when it keeps every row)."""
        if all(keep):
            return self
        wanted = np.array(keep, dtype=bool)
        tokens = np.repeat(wanted, self.lengths)
        pick = [i for i, k in enumerate(keep) if k]
        return RowBatch(
            [self.ids[i] for i in pick],
            self.lengths[wanted],
            self.input_ids[tokens],
            self.labels[tokens],
            tuple(mask[tokens] for mask in self.masks),
            [self.tools[i] for i in pick],
            [self.messages[i] for i in pick],
            None if self.filters is None else [self.filters[i] for i in pick],
        )

    def offsets(self) -> pa.Array:
        """The one offsets array that every per-token list column of these rows shares."""
        return _flat(np.concatenate(([0], np.cumsum(self.lengths))).astype(np.int32), pa.int32())

    def mask(self, field: str) -> np.ndarray:
        """The flat int8 buffer of one `ExportRow` mask field (``assistant``, ...)."""
        return self.masks[MASK_FIELDS.index(field)]


def list_column(offsets: pa.Array, values: np.ndarray, kind: pa.DataType) -> pa.Array:
    """A list column over a flat per-token buffer of `kind`'s width."""
    return pa.ListArray.from_arrays(offsets, _flat(np.ascontiguousarray(values), kind))


def batch_table(batch: RowBatch) -> pa.Table:
    """The export's table of a batch: one copy per column, no per-token Python objects."""
    offsets = batch.offsets()
    columns = [
        _strings(batch.ids),
        list_column(offsets, batch.input_ids, pa.int32()),
        list_column(offsets, batch.labels, pa.int32()),
        *[list_column(offsets, mask, pa.int8()) for mask in batch.masks],
        _strings(batch.tools),
        _strings(batch.messages),
    ]
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def rows_to_table(rows: list[ExportRow]) -> pa.Table:
    """The table of some `ExportRow`s (`batch_table` of their `RowBatch`)."""
    return batch_table(RowBatch.from_rows(rows))


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


def statistics_columns(schema: pa.Schema) -> list[str]:
    """The columns whose chunks carry min/max statistics: not the per-token lists.
    A token id's or a mask's range says nothing a reader can filter on, and
    computing it over every value was a tenth of the writes' CPU (the serial part
    of extract). The tables read back are the same."""
    return [field.name for field in schema if not pa.types.is_list(field.type)]


class ParquetExport:
    """Streaming, atomic, deterministic Parquet writer of `RowBatch`es (`add_batch`) or
    single `ExportRow`s (`add`), in row groups of exactly `row_group_rows` rows (the
    last one the rest); `table` turns a batch into a table of `schema` (the TRL
    export's, for one)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        row_group_rows: int = 1024,
        schema: pa.Schema = SCHEMA,
        table: Callable[[RowBatch], pa.Table] = batch_table,
    ) -> None:
        self.row_group_rows = row_group_rows
        self.rows = 0
        self.schema = schema
        self._table = table
        self._atomic = AtomicWriter(path)
        # Batches waiting for the next row group, each with the rows to take from it.
        self._pending: list[tuple[RowBatch, list[bool] | None]] = []
        self._pending_rows = 0
        self._handle: IO[bytes] | None = None
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> ParquetExport:
        self._handle = self._atomic.__enter__()
        self._writer = pq.ParquetWriter(
            self._handle,
            self.schema,
            write_statistics=statistics_columns(self.schema),
            **WRITER_OPTIONS,
        )
        return self

    def add(self, row: ExportRow, filters: tuple[Any, ...] | None = None) -> None:
        """One row (tests, previews); the stage adds whole chunks with `add_batch`."""
        self.add_batch(RowBatch.from_rows([row], None if filters is None else [filters]))

    def add_batch(self, batch: RowBatch, keep: list[bool] | None = None) -> None:
        """The rows of `batch` (those where `keep` is true, when given), in order.

        A batch most of whose rows are taken (the TRL train split of a chunk) waits
        as it is and is cut when its row group is written: the main export holds the
        same batch anyway, so no copy is made. A few rows (the validation split) are
        copied out now, rather than keeping whole batches alive until a row group
        fills, which for a small split takes tens of thousands of items."""
        taken = len(batch) if keep is None else sum(keep)
        if not taken:
            return
        if keep is not None and 2 * taken < len(batch):
            batch, keep = batch.select(keep), None
        self._pending.append((batch, keep))
        self._pending_rows += taken
        if self._pending_rows >= self.row_group_rows:
            rest = self._joined()
            while len(rest) >= self.row_group_rows:
                group, rest = rest.head(self.row_group_rows)
                self._write(group)
            self._pending = [(rest, None)] if len(rest) else []
            self._pending_rows = len(rest)

    def _joined(self) -> RowBatch:
        return RowBatch.join([b if k is None else b.select(k) for b, k in self._pending])

    def _write(self, batch: RowBatch) -> None:
        assert self._writer is not None
        self._writer.write_table(self._table(batch), row_group_size=len(batch))
        self.rows += len(batch)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and self._pending:
                self._write(self._joined())
                self._pending = []
            if self._writer is not None:
                self._writer.close()
        finally:
            self._atomic.__exit__(exc_type, exc, tb)
