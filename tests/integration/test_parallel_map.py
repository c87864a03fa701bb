"""The local backend of `map_chunks`: order, per-worker state, bounds, shards, errors."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import parallel
from pipeline.parallel import (
    BackendError,
    chunked,
    map_chunks,
    progress,
    shard_path,
    shard_range,
    worker_state,
)
from pipeline.student import Student


def token_rows(chunk: list[str]) -> list[tuple[str, list[int], int]]:
    """A realistic chunk function: one batched encode per chunk with the worker's tokenizer."""
    student: Student = worker_state()
    encodings = student.encode_batch(chunk)
    return [(text, enc.ids, os.getpid()) for text, enc in zip(chunk, encodings, strict=True)]


def square(chunk: list[int]) -> list[int]:
    return [x * x for x in chunk]


def builder_pid() -> int:
    return os.getpid()


def state_of_worker(chunk: list[int]) -> list[tuple[int, int]]:
    return [(worker_state(), os.getpid()) for _ in chunk]


def collector_threshold(chunk: list[int]) -> list[int]:
    return [gc.get_threshold()[0] for _ in chunk]


def fail_on_13(chunk: list[int]) -> list[int]:
    if 13 in chunk:
        raise ValueError("item 13 is bad")
    return chunk


TEXTS = [f"Lies die Datei {i}: 1.234,{i:02d} Einträge — café {i} 😀" for i in range(97)]


def test_one_and_two_workers_give_the_same_ordered_results(qwen_dir: Path) -> None:
    one = list(
        map_chunks(
            token_rows, TEXTS, workers=1, chunk_size=8, factory=Student, factory_args=(qwen_dir,)
        )
    )
    two = list(
        map_chunks(
            token_rows, TEXTS, workers=2, chunk_size=8, factory=Student, factory_args=(qwen_dir,)
        )
    )
    assert [(t, ids) for t, ids, _ in one] == [(t, ids) for t, ids, _ in two]
    assert [t for t, _, _ in two] == TEXTS
    # One worker runs in this process; two workers really are other processes.
    assert {pid for _, _, pid in one} == {os.getpid()}
    assert os.getpid() not in {pid for _, _, pid in two}


def test_input_of_one_chunk_runs_here_without_a_pool() -> None:
    """Nothing can run in parallel: the state is built here and the chunk runs here."""
    rows = list(map_chunks(state_of_worker, range(8), workers=2, chunk_size=8, factory=builder_pid))
    assert rows == [(os.getpid(), os.getpid())] * 8
    assert list(map_chunks(square, [], workers=2, chunk_size=8)) == []
    # One item more makes two chunks: both go to the pool's workers.
    rows = list(map_chunks(state_of_worker, range(9), workers=2, chunk_size=8, factory=builder_pid))
    assert [x for x, _ in rows] == [os.getpid()] * 9
    assert os.getpid() not in {ran_in for _, ran_in in rows}


def test_results_are_flat_and_ordered_across_many_chunks() -> None:
    out = list(map_chunks(square, range(1000), workers=2, chunk_size=7))
    assert out == [x * x for x in range(1000)]


def test_the_window_bounds_how_far_the_input_is_read_ahead() -> None:
    consumed = 0

    def source() -> Iterator[int]:
        nonlocal consumed
        for i in range(10_000):
            consumed += 1
            yield i

    stream = map_chunks(square, source(), workers=2, chunk_size=10)
    assert next(iter(stream)) == 0
    # 2 workers -> at most 4 chunks in flight, plus the one being cut.
    assert consumed <= 5 * 10
    stream.close()  # type: ignore[attr-defined]


def test_forked_workers_inherit_the_state_built_once_here() -> None:
    rows = list(
        map_chunks(state_of_worker, range(64), workers=2, chunk_size=4, factory=builder_pid)
    )
    # Built once, in this process, before the fork; run in two other processes.
    assert {built_by for built_by, _ in rows} == {os.getpid()}
    assert len({ran_in for _, ran_in in rows} - {os.getpid()}) == 2
    # This process does not keep the state (a tokenizer) once the workers have it.
    assert parallel._STATE == {}


def test_an_inherited_tokenizer_encodes_as_one_loaded_in_the_worker(qwen_dir: Path) -> None:
    """The pool forks after the tokenizer (and its fast path) ran here: the workers'
    ids are those of a tokenizer loaded in this process, for every text."""
    fast = list(
        map_chunks(
            token_rows, TEXTS, workers=2, chunk_size=5, factory=Student, factory_args=(qwen_dir,)
        )
    )
    student = Student(qwen_dir)
    assert [(t, ids) for t, ids, _ in fast] == [
        (t, e.ids) for t, e in zip(TEXTS, student.encode_batch(TEXTS), strict=True)
    ]


def test_a_forked_worker_without_the_state_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a replacement worker, forked after the state was dropped, would meet."""
    monkeypatch.setattr(parallel, "_STATE", {})
    with pytest.raises(RuntimeError, match="without the state built before the fork"):
        parallel._check_inherited(True)
    parallel._check_inherited(False)  # no factory: nothing to inherit


def test_spawned_workers_build_their_own_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is unavailable each worker runs the factory itself, with the same results."""
    monkeypatch.setattr(sys, "platform", "darwin")
    rows = list(
        map_chunks(state_of_worker, range(16), workers=2, chunk_size=4, factory=builder_pid)
    )
    assert all(built_by == ran_in for built_by, ran_in in rows)
    assert os.getpid() not in {ran_in for _, ran_in in rows}
    assert list(map_chunks(square, range(50), workers=2, chunk_size=3)) == [
        x * x for x in range(50)
    ]


def test_worker_errors_reach_the_caller_with_their_type() -> None:
    with pytest.raises(ValueError, match="item 13 is bad"):
        list(map_chunks(fail_on_13, range(40), workers=2, chunk_size=4))
    with pytest.raises(ValueError, match="item 13 is bad"):
        list(map_chunks(fail_on_13, range(40), workers=1, chunk_size=4))


@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_run_with_a_rare_collector_and_the_thresholds_come_back(workers: int) -> None:
    before = gc.get_threshold()
    seen = set(map_chunks(collector_threshold, range(12), workers=workers, chunk_size=4))
    assert seen == {parallel.CHUNK_GC_THRESHOLD}
    assert gc.get_threshold() == before
    with pytest.raises(ValueError, match="item 13 is bad"):
        list(map_chunks(fail_on_13, range(40), workers=1, chunk_size=4))
    assert gc.get_threshold() == before


def test_worker_state_before_init_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_STATE", {})
    with pytest.raises(RuntimeError, match="before init_worker"):
        worker_state()


def test_unknown_backend_names_the_param() -> None:
    with pytest.raises(BackendError, match=r"run\.backend: unknown backend 'dask'"):
        list(map_chunks(square, [1], workers=1, chunk_size=1, backend="dask"))


def test_missing_ray_gives_a_one_line_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(BackendError) as info:
        list(map_chunks(square, [1, 2], workers=1, chunk_size=1, backend="ray"))
    message = str(info.value)
    assert "\n" not in message
    assert "pip install 'toolcall-data[ray]'" in message


def test_chunked_cuts_the_tail_short_and_handles_empty_input() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []
    assert list(map_chunks(square, [], workers=2, chunk_size=3)) == []


@pytest.mark.parametrize("total", [0, 1, 7, 100, 10_001])
@pytest.mark.parametrize("num_shards", [1, 3, 4, 16])
def test_shard_ranges_are_disjoint_and_cover_everything(total: int, num_shards: int) -> None:
    joined = [i for k in range(num_shards) for i in shard_range(total, num_shards, k)]
    assert joined == list(range(total))
    sizes = [len(shard_range(total, num_shards, k)) for k in range(num_shards)]
    assert max(sizes) - min(sizes) <= 1


def test_shard_index_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"shard_index 4 outside 0\.\.3"):
        shard_range(10, 4, 4)
    with pytest.raises(ValueError, match="shard_index -1"):
        shard_range(10, 4, -1)


def test_shard_paths_carry_rank_and_world_size() -> None:
    assert shard_path("data/generated.jsonl", 1, 0) == "data/generated.jsonl"
    assert shard_path("data/generated.jsonl", 4, 1) == "data/generated-00001-of-00004.jsonl"
    assert shard_path("data/generated", 2, 0) == "data/generated-00000-of-00002"


def test_progress_stays_quiet_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [1, 2, 3]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert progress(items, total=3, desc="x") is items
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert progress(items, total=3, desc="x", enabled=False) is items
    bar = progress(items, total=3, desc="x")
    assert bar is not items
    assert list(bar) == items
