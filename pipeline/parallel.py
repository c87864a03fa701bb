"""Ordered, bounded, parallel maps; shards; progress bars.

Work is cut into chunks that go to a process pool (backend "local") or to Ray
actors (backend "ray", on this machine or on the cluster that RAY_ADDRESS names);
results come back in input order and at most `2 * workers` chunks are in
flight, so memory is bounded whatever the input size and the output bytes never
depend on the backend or the number of workers. Heavy per-worker resources (the
tokenizer) are built by `factory` and reached through `worker_state()`, the
same way on both backends: once in this process before a local pool forks
(the workers inherit them), once per process where workers are spawned or are
Ray actors.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
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

BACKENDS = ("local", "ray")
RAY_HINT = "run.backend ray needs the optional extra: pip install 'toolcall-data[ray]'"

_STATE: dict[str, Any] = {}


class BackendError(RuntimeError):
    """A backend that is unknown or cannot be used here, with the fix in the message."""


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


# A chunk's records are parsed at once and live until the chunk is done. With the
# default first threshold (700 new containers) the cyclic collector runs hundreds
# of times per chunk, promotes the records and walks the older generations too,
# finding nothing: records and results are trees, which reference counting frees.
# That was about a tenth of a stage's CPU time at 10,000 items.
CHUNK_GC_THRESHOLD = 100_000


def run_chunk(fn: Callable[[list[T]], list[R]], chunk: list[T]) -> list[R]:
    """`fn(chunk)` with the cyclic collector running rarely (thresholds restored after).

    Every backend runs chunks through this, so a stage's output never depends
    on it: only how often the collector looks for cycles changes."""
    thresholds = gc.get_threshold()
    gc.set_threshold(CHUNK_GC_THRESHOLD, *thresholds[1:])
    try:
        return fn(chunk)
    finally:
        gc.set_threshold(*thresholds)


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
    backend: str = "local",
) -> Iterator[R]:
    """Apply `fn` to chunks of `items` and yield the results flat, in input order.

    `fn` and `factory` must be module-level (they are pickled by reference).
    With the local backend and one worker, or input that fits in one chunk,
    everything runs in this process (what tests and debuggers want, and no pool
    start-up for a small job); the ray backend always uses actors.
    """
    if backend not in BACKENDS:
        raise BackendError(f"run.backend: unknown backend {backend!r} (known: {list(BACKENDS)})")
    chunks: Iterator[list[T]] = chunked(items, chunk_size)
    if backend == "ray":
        yield from _ray_map(fn, chunks, max(1, workers), factory, factory_args)
        return
    if workers > 1:
        # Input that fits in one chunk cannot run in parallel: a pool would only add
        # its start-up (fork, worker processes, shutdown) to a small job's wait.
        head = list(itertools.islice(chunks, 2))
        if len(head) < 2:
            workers = 1
        chunks = itertools.chain(head, chunks)
    if workers <= 1:
        init_worker(factory, *factory_args)
        for chunk in chunks:
            yield from run_chunk(fn, chunk)
        return
    forked = sys.platform == "linux"
    context = multiprocessing.get_context("fork" if forked else "spawn")
    window = 2 * workers
    initializer: Callable[..., None]
    initargs: tuple[Any, ...]
    if forked:
        # The state (a loaded tokenizer: about a second of CPU) is built once, here,
        # and the forked workers inherit it, instead of every worker building its
        # own. The pages are shared copy-on-write, so a worker's RSS is what it was;
        # this process drops its reference once the pool has forked (below).
        init_worker(factory, *factory_args)
        initializer, initargs = _check_inherited, (factory is not None,)
    else:
        initializer, initargs = init_worker, (factory, *factory_args)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=initializer, initargs=initargs
        ) as pool:
            pending: deque[Future[list[R]]] = deque()
            for chunk in chunks:
                pending.append(pool.submit(run_chunk, fn, chunk))
                if _STATE:
                    # A fork-context pool forks all its workers at the first submit.
                    _release_state()
                if len(pending) >= window:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
    finally:
        _STATE.clear()


def builds_state_here(workers: int, backend: str) -> bool:
    """Whether `map_chunks` runs its factory in this process: one worker, or a
    local pool that forks (spawned workers and Ray actors build their own)."""
    return backend == "local" and (workers <= 1 or sys.platform == "linux")


def _release_state() -> None:
    """Drop this process's copy of the workers' state and give its memory back.

    The tokenizer's heap is freed, but the C allocator keeps freed pages
    resident; without the trim this process would carry them (about 100 MB)
    under everything it allocates later."""
    _STATE.clear()
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the pages stay, nothing else changes
        pass


def _check_inherited(has_state: bool) -> None:
    """Pool initializer of forked workers: the state came with the fork.

    A worker forked later (the pool replaces one that died) would find none:
    that is an error, not a silent rebuild."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if has_state and "value" not in _STATE:
        raise RuntimeError("a forked worker started without the state built before the fork")


def import_ray() -> Any:
    """The ray module, or a BackendError whose one line says how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise BackendError(RAY_HINT) from exc
    return ray


def connect_ray(workers: int) -> Any:
    """Join the running Ray instance, the cluster named by RAY_ADDRESS, or start a local one.

    A local instance gets exactly `workers` CPUs. A cluster receives this
    package as a runtime-env module, so its nodes need only the dependencies.
    """
    ray = import_ray()
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS") or None
        options: dict[str, Any] = {"include_dashboard": False, "logging_level": "WARNING"}
        if address is None:
            options["num_cpus"] = workers
        else:
            package = os.path.dirname(os.path.abspath(__file__))
            options["runtime_env"] = {"py_modules": [package]}
        ray.init(address=address, **options)
    return ray


class ChunkActor:
    """One Ray worker process: builds its state once, then runs chunks through `fn`."""

    def __init__(self, factory: Callable[..., Any] | None, factory_args: tuple[Any, ...]) -> None:
        init_worker(factory, *factory_args)

    def run(self, fn: Callable[[list[Any]], list[Any]], chunk: list[Any]) -> list[Any]:
        return run_chunk(fn, chunk)


def _ray_map(
    fn: Callable[[list[T]], list[R]],
    chunks: Iterator[list[T]],
    workers: int,
    factory: Callable[..., Any] | None,
    factory_args: tuple[Any, ...],
) -> Iterator[R]:
    ray = connect_ray(workers)
    actor_class = ray.remote(num_cpus=1)(ChunkActor)
    actors = [actor_class.remote(factory, factory_args) for _ in range(workers)]
    # Round-robin keeps each actor's queue at most two chunks deep; results are
    # fetched strictly in submission order, which is what makes bytes identical.
    pending: deque[Any] = deque()
    try:
        for number, chunk in enumerate(chunks):
            pending.append(actors[number % workers].run.remote(fn, chunk))
            if len(pending) >= 2 * workers:
                yield from ray.get(pending.popleft())
        while pending:
            yield from ray.get(pending.popleft())
    finally:
        for actor in actors:
            ray.kill(actor)


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
    # splitext looks at the file name only: a dot in a folder name is not an extension.
    stem, ext = os.path.splitext(path)
    return f"{stem}-{shard_index:05d}-of-{num_shards:05d}{ext}"


def progress(
    items: Iterable[T], *, total: int | None, desc: str, enabled: bool = True
) -> Iterable[T]:
    """A tqdm bar on a terminal; nothing at all in CI logs or pipes."""
    if not enabled or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit="item", leave=False)
