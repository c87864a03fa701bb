"""Running the generator over a shard of the index range, and merging shards.

Workers return serialized lines (bytes), which are cheaper to send between
processes than item dicts. Long-context items need their prompts' student
tokens counted: a lower bound from the pre-tokenizer alone settles that for
the default targets, and the tokenizer is loaded only where it does not.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from pipeline import records
from pipeline.gen.item import item_line
from pipeline.gen.plan import holds_long_context
from pipeline.gen.pretokens import piece_counter
from pipeline.parallel import map_chunks, progress, shard_path, shard_range, worker_state
from pipeline.params import Params
from pipeline.student import Student, fingerprint
from pipeline.text import NORMALIZER
from pipeline.tools.registry import load_registry

NO_TOKENIZER = {"id": "none", "sha256": "", "normalizer": NORMALIZER}


class LazyStudent:
    """Counts student tokens for long-context prompts: a lower bound first
    (`fewest_tokens`, from the pre-tokenizer alone, see `pipeline.gen.pretokens`),
    the tokenizer itself loaded only when a prompt needs its exact count."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._student: Student | None = None
        self._pieces: Callable[[str], int] | None = None

    def load(self) -> Student:
        if self._student is None:
            self._student = Student(self.directory)
        return self._student

    def prepare(self) -> Callable[[str], int]:
        """The lower bound's counter, built now (0 for every text when there is none)."""
        if self._pieces is None:
            self._pieces = piece_counter(self.directory) or _no_bound
        return self._pieces

    def fewest_tokens(self, text: str) -> int:
        """At most `count_tokens(text)`, without loading the tokenizer."""
        return self.prepare()(text)

    def count_tokens(self, text: str) -> int:
        return self.load().count_tokens(text)


def _no_bound(text: str) -> int:
    return 0


def lazy_student(params: Params) -> LazyStudent | None:
    """The token counter, or None without a tokenizer directory."""
    directory = params.tokenizer.out
    return LazyStudent(directory) if Path(directory).is_dir() else None


def tokenizer_state(params: Params) -> tuple[LazyStudent | None, dict[str, Any]]:
    """(token counter or None, fingerprint for the header)."""
    student = lazy_student(params)
    if student is None:
        return None, dict(NO_TOKENIZER)
    return student, fingerprint(student.directory)


def make_header(
    params: Params, tokenizer_fp: dict[str, Any], shards: int, index: int
) -> dict[str, Any]:
    gen = params.generate
    return records.make_header(
        dataset_version=params.dataset_version,
        tokenizer_fingerprint=tokenizer_fp,
        tool_registry_sha256=load_registry().sha256,
        integration_span_cap=gen.integration_span_cap,
        seed=params.seed,
        num_shards=shards,
        shard_index=index,
        total_samples=gen.total,
        plan=plan_of(params),
    )


def plan_of(params: Params) -> dict[str, Any]:
    """The generate params the set-level gates check, as written in params.yaml
    (paths and the shard split say nothing about what a set must contain)."""
    plan = dataclasses.asdict(params.generate)
    for key in ("out", "num_shards", "shard_index"):
        plan.pop(key)
    if plan["caws_header"]:
        # The default is left unwritten: headers stay as they were before the knob.
        plan.pop("caws_header")
    plan["languages"] = list(plan["languages"])
    return plan


def _worker(params: Params, indices: range) -> tuple[Params, LazyStudent | None]:
    """A worker's state. The token counter's lower bound is built now when `indices`
    hold a long-context item (before the pool forks, so the workers share it); the
    tokenizer itself only if a prompt needs an exact count (see `LazyStudent`)."""
    # Not `tokenizer_state`: the fingerprint (a hash of the tokenizer's files) is the
    # header's, which the parent writes; a worker only counts tokens.
    student = lazy_student(params)
    if student is not None and holds_long_context(params.generate, params.seed, indices):
        student.prepare()
    return params, student


def _generate_chunk(indices: list[int]) -> list[bytes]:
    params, student = worker_state()
    return [item_line(params, i, student) for i in indices]


def generate_lines(params: Params, indices: range, workers: int) -> Iterator[bytes]:
    """Serialized item lines for `indices`, in order, on `workers` processes."""
    return map_chunks(
        _generate_chunk,
        indices,
        workers=workers,
        chunk_size=params.run.chunk_size,
        factory=_worker,
        factory_args=(params, indices),
        backend=params.run.backend,
    )


def run(params: Params, workers: int | None = None) -> tuple[str, int]:
    """Generate this params' shard; returns (path written, item count)."""
    gen = params.generate
    indices = shard_range(gen.total, gen.num_shards, gen.shard_index)
    _, tokenizer_fp = tokenizer_state(params)
    header = make_header(params, tokenizer_fp, gen.num_shards, gen.shard_index)
    out = shard_path(gen.out, gen.num_shards, gen.shard_index)
    lines = generate_lines(params, indices, workers or params.workers())
    count = 0
    with records.AtomicWriter(out) as handle:
        handle.write(records.dumps(header))
        for line in progress(
            lines, total=len(indices), desc="generate", enabled=params.run.progress
        ):
            handle.write(line)
            count += 1
    return out, count


def _header_of(path: str) -> dict[str, Any]:
    with open(path, "rb") as handle:
        first = handle.readline()
    try:
        header = orjson.loads(first)
    except orjson.JSONDecodeError as exc:
        raise records.RecordError(path, 1, "__header__", f"invalid JSON: {exc}") from exc
    if not isinstance(header, dict) or header.get("__header__") is not True:
        raise records.RecordError(path, 1, "__header__", "first line is not a header")
    return header


def merge_shards(paths: list[str], out: str | os.PathLike[str]) -> int:
    """Concatenate shard items in shard order under one unsharded header.

    The shards must come from one run: same header apart from the shard
    index, which must be 0..n-1 in the order given. Returns the item count.
    """
    if not paths:
        raise ValueError("merge_shards: no shard files given")
    headers = [_header_of(p) for p in paths]
    first = dict(headers[0])
    for i, (path, header) in enumerate(zip(paths, headers, strict=True)):
        if header.get("num_shards") != len(paths) or header.get("shard_index") != i:
            raise records.RecordError(
                path, 1, "shard_index",
                f"expected shard {i} of {len(paths)}, got "
                f"{header.get('shard_index')} of {header.get('num_shards')}",
            )  # fmt: skip
        for key in records.HEADER_KEYS:
            if key not in ("shard_index",) and header.get(key) != first.get(key):
                raise records.RecordError(path, 1, key, "differs from the first shard's header")
    first.update(num_shards=1, shard_index=0)
    count = 0
    with records.AtomicWriter(out) as handle:
        handle.write(records.dumps(first))
        for path in paths:
            with open(path, "rb") as shard:
                shard.readline()
                for line in shard:
                    if line.strip():
                        handle.write(line if line.endswith(b"\n") else line + b"\n")
                        count += 1
        if count != first.get("total_samples"):
            # Raised inside the writer, so no partial merge is left behind.
            raise records.RecordError(
                paths[-1], 0, "total_samples",
                f"shards hold {count} items, the header says {first.get('total_samples')}",
            )  # fmt: skip
    return count
