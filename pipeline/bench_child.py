"""The bench's child processes: one stage, or the bare tokenizer floor.

Each runs in a fresh interpreter started by `pipeline.bench`, so its wall time
and peak RSS belong to it alone, and writes its figures to `--result` as JSON.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from pipeline.records import RecordReader, write_json

STAGES = ("generate", "extract", "verify")
# Texts per encode_batch call in the floor: large enough that the tokenizer's
# thread pool is saturated, small enough that the floor's memory stays flat.
FLOOR_BATCH = 2048


def peak_rss_mb(who: int) -> float:
    # Linux reports ru_maxrss in KiB; for RUSAGE_CHILDREN it is the largest child.
    return resource.getrusage(who).ru_maxrss / 1024


def time_tokenizer_loads(log: Path) -> None:
    """Make every tokenizer load in this process and its forks append `pid seconds` to
    `log`: `Student(...)`, and the first `Student.bytebpe()` (the tiktoken fast path).

    A stage's time excludes its tokenizer loads: those of its main process
    (sequential) plus the slowest worker's (workers load side by side).
    """
    from pipeline.student import Student

    def note(started: float) -> None:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {time.perf_counter() - started}\n")

    original_init, original_fast = Student.__init__, Student.bytebpe

    def timed_init(self: Student, *args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            original_init(self, *args, **kwargs)
        finally:
            note(started)

    def timed_fast(self: Student) -> Any:
        if hasattr(self, "_bytebpe"):
            return original_fast(self)
        started = time.perf_counter()
        try:
            return original_fast(self)
        finally:
            note(started)

    Student.__init__ = timed_init  # type: ignore[method-assign]
    Student.bytebpe = timed_fast  # type: ignore[method-assign]


def load_seconds(log: Path, main_pid: int) -> float:
    per_process: dict[int, float] = {}
    if log.is_file():
        for line in log.read_text("utf-8").splitlines():
            pid, seconds = line.split()
            per_process[int(pid)] = per_process.get(int(pid), 0.0) + float(seconds)
    main = per_process.pop(main_pid, 0.0)
    return main + max(per_process.values(), default=0.0)


def run_stage(stage: str, params_path: str, load_log: str) -> dict[str, Any]:
    """Import the stage (timed apart), run its main(), and read the peak RSS of its processes."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (known: {', '.join(STAGES)})")
    log = Path(load_log)
    log.unlink(missing_ok=True)
    time_tokenizer_loads(log)
    started = time.perf_counter()
    module = importlib.import_module(f"pipeline.{stage}")
    imported = time.perf_counter()
    try:
        exit_code = module.main(["--params", params_path])
    except SystemExit as exc:
        # sys.exit() and sys.exit(None) succeed; sys.exit("message") fails with 1.
        exit_code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finished = time.perf_counter()
    main_rss = peak_rss_mb(resource.RUSAGE_SELF)
    workers_rss = peak_rss_mb(resource.RUSAGE_CHILDREN)
    load_s = load_seconds(log, os.getpid())
    # CPU time (imports and loads included): on a busy machine it moves much less
    # than wall time, and main vs workers shows how much work stays serial.
    main_cpu, workers_cpu = (
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )
    return {
        "import_s": imported - started,
        "main_s": finished - imported,
        "tokenizer_load_s": load_s,
        "seconds": finished - imported - load_s,
        "cpu_s": main_cpu + workers_cpu,
        "cpu_main_s": main_cpu,
        "cpu_workers_s": workers_cpu,
        "exit_code": int(exit_code or 0),
        "rss_main_mb": main_rss,
        "rss_workers_mb": workers_rss,
        "peak_rss_mb": max(main_rss, workers_rss),
    }


def run_floor(params_path: str) -> dict[str, Any]:
    """Time bare encode_batch calls over teacher texts and rendered sequences (only the calls)."""
    from pipeline.params import load_params
    from pipeline.student import Student

    params = load_params(params_path)
    student = Student(params.tokenizer.out)
    encode_s = 0.0
    figures = {"items": 0, "texts": 0, "chars": 0, "tokens": 0}
    batch: list[str] = []

    def flush() -> None:
        nonlocal encode_s
        started = time.perf_counter()
        encodings = student.encode_batch(batch)
        encode_s += time.perf_counter() - started
        figures["texts"] += len(batch)
        figures["chars"] += sum(len(text) for text in batch)
        figures["tokens"] += sum(len(encoding.ids) for encoding in encodings)
        batch.clear()

    for item in RecordReader(params.generate.out, max_line_bytes=params.run.max_line_bytes).items():
        figures["items"] += 1
        batch.append(item["teacher_text"])
        batch.append(student.render(item["messages"], item.get("tools")))
        if len(batch) >= FLOOR_BATCH:
            flush()
    if batch:
        flush()
    return {**figures, "encode_s": encode_s, "peak_rss_mb": peak_rss_mb(resource.RUSAGE_SELF)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench_child")
    parser.add_argument("kind", choices=("stage", "floor"))
    parser.add_argument("target", nargs="+", help="stage params load-log | params")
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    figures = run_stage(*args.target) if args.kind == "stage" else run_floor(*args.target)
    write_json(args.result, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
