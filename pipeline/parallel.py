"""Ordered, bounded, parallel maps; shards; progress bars.

Work is cut into chunks that go to a process pool; results come back in input
order and at most `window` chunks are in flight, so memory is bounded whatever
the input size and the output bytes never depend on the number of workers.
Heavy per-worker resources (the tokenizer) are built once per process by an
initializer and reached through `worker_state()`.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STATE: dict[str, Any] = {}


def init_worker(factory: Callable[..., Any] | None, *args: Any) -> None:
    """Build this process's state once (called as the pool initializer)."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _STATE.clear()
    if factory is not None:
        _STATE["value"] = factory(*args)


def worker_state() -> Any:
    if "value" not in _STATE:
        raise RuntimeError("worker state used before init_worker ran in this process")
    return _STATE["value"]


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def map_chunks(
    fn: Callable[[list[T]], list[R]],
    items: Iterable[T],
    *,
    workers: int,
    chunk_size: int,
    factory: Callable[..., Any] | None = None,
    factory_args: tuple[Any, ...] = (),
) -> Iterator[R]:
    """Apply `fn` to chunks of `items` and yield the results flat, in input order.

    `fn` must be a module-level function (it is pickled by reference). With one
    worker everything runs in this process, which is what tests and debuggers want.
    """
    chunks = chunked(items, chunk_size)
    if workers <= 1:
        init_worker(factory, *factory_args)
        for chunk in chunks:
            yield from fn(chunk)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    window = 2 * workers
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=init_worker,
        initargs=(factory, *factory_args),
    ) as pool:
        pending: deque[Future[list[R]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(fn, chunk))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def shard_range(total: int, num_shards: int, shard_index: int) -> range:
    """Contiguous, disjoint index ranges; concatenated in shard order they give range(total)."""
    if not 0 <= shard_index < num_shards:
        raise ValueError(f"shard_index {shard_index} outside 0..{num_shards - 1}")
    start = total * shard_index // num_shards
    stop = total * (shard_index + 1) // num_shards
    return range(start, stop)


def shard_path(path: str, num_shards: int, shard_index: int) -> str:
    """`data/x.jsonl` -> `data/x-00001-of-00004.jsonl` (unsharded paths stay as they are)."""
    if num_shards == 1:
        return path
    stem, dot, ext = path.rpartition(".")
    if not dot:
        stem, ext = path, ""
    suffix = f"-{shard_index:05d}-of-{num_shards:05d}"
    return f"{stem}{suffix}.{ext}" if ext else f"{stem}{suffix}"


def progress(
    items: Iterable[T], *, total: int | None, desc: str, enabled: bool = True
) -> Iterable[T]:
    """A tqdm bar on a terminal; nothing at all in CI logs or pipes."""
    if not enabled or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit="item", leave=False)
