"""Reading a JSONL file, extracting in parallel, writing items, rejects and the export.

Everything streams: the reader yields one line at a time, `map_chunks` keeps a
bounded number of chunks in flight and returns them in input order, and the
three outputs are written as results arrive, each atomically. Input count =
extracted + rejected, always.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pipeline.export import ParquetExport
from pipeline.exports import TrainerExports
from pipeline.parallel import map_chunks, progress
from pipeline.records import (
    HEADER_KEYS,
    AtomicWriter,
    RecordReader,
    Reject,
    _read_lines,
    dumps,
    make_header,
    open_input,
)
from pipeline.student import TokenizerError, fingerprint
from pipeline.targets.build import STAT_KEYS, Extractor, Settings
from pipeline.targets.chunk import extract_chunk

EXTERNAL_DEFAULTS: dict[str, Any] = {
    "dataset_version": "external",
    "tool_registry_sha256": "external",
    "seed": 0,
    "num_shards": 1,
    "shard_index": 0,
}


@dataclass(frozen=True)
class Job:
    inp: str
    out: str
    export: str
    rejects: str
    tokenizer: str
    settings: Settings = field(default_factory=Settings)
    external: bool = False  # header optional, ids assigned, string tools decoded
    workers: int = 1
    backend: str = "local"
    chunk_size: int = 64
    row_group_rows: int = 1024
    export_dir: str | None = None  # the trainer-native exports (settings.exports) go here
    max_line_bytes: int = 16 * 1024 * 1024
    show_progress: bool = False


def _adapt_external_value(item: dict[str, Any], lineno: int) -> None:
    """A missing id becomes ``line-<n>``, an integer id its decimal text (xLAM numbers
    its rows); a string ``tools`` is decoded, an empty one is no tools."""
    if "id" not in item:
        item["id"] = f"line-{lineno:06d}"
    elif isinstance(item["id"], int) and not isinstance(item["id"], bool):
        item["id"] = str(item["id"])
    if isinstance(item.get("tools"), str) and not item["tools"].strip():
        item["tools"] = []
    if isinstance(item.get("tools"), str):
        # Undecodable text is left as is: the item check then names the field.
        with contextlib.suppress(orjson.JSONDecodeError):
            item["tools"] = orjson.loads(item["tools"])


class ExternalReader(RecordReader):
    """A reader for files written outside this pipeline.

    Third-party JSONL rarely has our header or an ``id``, and often stores
    ``tools`` as a JSON string. A missing id becomes ``line-<n>`` and a string
    ``tools`` is decoded, both before the usual item checks run.
    """

    adapt = staticmethod(_adapt_external_value)


def _count_items(path: str, max_line_bytes: int) -> int:
    # Through the reader's own line loop: the same cap on a line's size, and a damaged
    # compressed stream is a RecordError naming the file, not a bare traceback.
    with open_input(path) as handle:
        return sum(
            1
            for _, line, oversized in _read_lines(handle, max_line_bytes, path)
            if oversized or (line.strip() and not line.startswith(b'{"__header__"'))
        )


def output_header(job: Job, header: dict[str, Any]) -> dict[str, Any]:
    """The input header carried over (current schema version), with the tokenizer and
    cap this extraction used; a header-less external file gets a neutral one."""
    values = {**EXTERNAL_DEFAULTS, **{k: header[k] for k in HEADER_KEYS if k in header}}
    if "total_samples" not in values:
        values["total_samples"] = _count_items(job.inp, job.max_line_bytes)
    values.pop("schema_version", None)
    values["tokenizer_fingerprint"] = fingerprint(job.tokenizer)
    values["integration_span_cap"] = job.settings.cap
    return make_header(**values)


def run(job: Job) -> dict[str, int]:
    """Extract `job.inp`; returns the counts (inputs = extracted + rejected)."""
    if not Path(job.tokenizer).is_dir():
        raise TokenizerError(
            f"{job.tokenizer}: tokenizer directory missing (run `dvc repro tokenizer`)"
        )
    reader_cls = ExternalReader if job.external else RecordReader
    reader = reader_cls(job.inp, max_line_bytes=job.max_line_bytes, require_header=not job.external)
    counts: Counter[str] = Counter({k: 0 for k in ("inputs", "extracted", "rejected", *STAT_KEYS)})
    header = output_header(job, reader.header)
    total = header["total_samples"]
    # The bar counts lines read (as verify's does): results come back a chunk at a time.
    lines = progress(reader.lines(), total=total, desc="extract", enabled=job.show_progress)
    chunks = map_chunks(
        extract_chunk,
        lines,
        workers=job.workers,
        chunk_size=job.chunk_size,
        factory=Extractor,
        factory_args=(job.tokenizer, job.settings),
        backend=job.backend,
    )
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(AtomicWriter(job.out))
        rejects = stack.enter_context(AtomicWriter(job.rejects))
        export = stack.enter_context(ParquetExport(job.export, job.row_group_rows))
        trainers = None
        if job.export_dir is not None:
            trainers = stack.enter_context(
                TrainerExports(
                    job.export_dir,
                    job.settings.exports,
                    header,
                    job.settings.validation_share,
                    job.row_group_rows,
                )
            )
        out.write(dumps(header))
        # Each chunk comes packed (pipeline/targets/chunk.py): a few writes per chunk.
        for chunk in chunks:
            counts["inputs"] += chunk.inputs
            for line, field, reason, raw in chunk.rejects:
                record = Reject(line, field, reason, raw).to_record(str(job.inp))
                rejects.write(dumps(record))
            counts["rejected"] += len(chunk.rejects)
            out.write(chunk.lines)
            export.add_batch(chunk.rows)
            if trainers is not None and chunk.splits is not None:
                for validation, split in enumerate(chunk.splits):
                    trainers.add_split(bool(validation), split.lines, chunk.rows, split.keep)
            counts["extracted"] += len(chunk.rows)
            for key, value in chunk.stats.items():
                counts[key] += value
    assert counts["inputs"] == counts["extracted"] + counts["rejected"]
    return dict(counts)


def summary(counts: dict[str, int], job: Job) -> str:
    return (
        f"extract: {counts['inputs']} in -> {counts['extracted']} extracted, "
        f"{counts['rejected']} rejected ({job.rejects}); calls {counts['calls']} "
        f"(invalid JSON {counts['json_invalid']}, schema-invalid {counts['schema_invalid']}, "
        f"no schema {counts['schema_unknown']}); spans {counts['spans']} "
        f"(unaligned {counts['unaligned_spans']}); sequence spans {counts['sequence_spans']} "
        f"(unplaced {counts['sequence_unaligned']}); integration spans "
        f"{counts['integration_spans']} (over cap: {counts['over_cap']} items); "
        f"call-like text left as prose: {counts['call_like_text']} turns (call_like_text) "
        f"-> {job.out}, "
        f"{job.export}"
    )
