"""The bench's child processes: one stage, or the bare tokenizer floor.

Each runs in a fresh interpreter started by `pipeline.bench`, so its wall time
and peak RSS belong to it alone, and writes its figures to `--result` as JSON.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

import orjson

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

    The bench reports them on their own line, inside the stage's time: those of
    its main process (sequential) plus the slowest worker's (workers load side
    by side).
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
        "cpu_s": main_cpu + workers_cpu,
        "cpu_main_s": main_cpu,
        "cpu_workers_s": workers_cpu,
        "exit_code": int(exit_code or 0),
        "rss_main_mb": main_rss,
        "rss_workers_mb": workers_rss,
        "peak_rss_mb": max(main_rss, workers_rss),
    }


SYSTEM_START, TURN_END = "<|im_start|>system", "<|im_end|>"


def system_turn(student: Any, tools: Any) -> str | None:
    """The rendered system turn that offers `tools` (a chat template that writes one)."""
    text = student.render([{"role": "user", "content": ""}], tools or None)
    if not text.startswith(SYSTEM_START) or TURN_END not in text:
        return None
    return str(text[: text.index(TURN_END) + len(TURN_END)])


def floor_texts(student: Any, params: Any) -> tuple[list[str], int]:
    """The distinct text the items contribute: each prompt and teacher text, and each
    distinct system turn (tool set) once, as the stages' piece cache encodes it."""
    texts: list[str] = []
    systems: dict[bytes, str | None] = {}
    reader = RecordReader(params.generate.out, max_line_bytes=params.run.max_line_bytes)
    items = 0
    for item in reader.items():
        items += 1
        texts.append(item["prompt"])
        texts.append(item["teacher_text"])
        key = orjson.dumps(item.get("tools"), option=orjson.OPT_SORT_KEYS)
        if key not in systems:
            systems[key] = system_turn(student, item.get("tools"))
    distinct = sorted({turn for turn in systems.values() if turn is not None})
    return texts + distinct, items


def plain_pieces(tokenizer: Any, texts: list[str]) -> tuple[list[str], int]:
    """The texts cut at added tokens, as the fast path needs them (tiktoken knows no
    added tokens), and the number of added tokens cut out (one id each)."""
    names = sorted(
        (token.content for token in tokenizer.get_added_tokens_decoder().values()),
        key=len,
        reverse=True,
    )
    if not names:
        return texts, 0
    split = re.compile("(" + "|".join(map(re.escape, names)) + ")")
    plain: list[str] = []
    added = 0
    for text in texts:
        for i, part in enumerate(split.split(text)):
            if i % 2:
                added += 1
            elif part:
                plain.append(part)
    return plain, added


def _timed_batches(encode: Any, texts: list[str]) -> tuple[float, int]:
    """Seconds spent inside `encode` over all batches, and the tokens it produced."""
    seconds, tokens = 0.0, 0
    for first in range(0, len(texts), FLOOR_BATCH):
        batch = texts[first : first + FLOOR_BATCH]
        started = time.perf_counter()
        encoded = encode(batch)
        seconds += time.perf_counter() - started
        tokens += sum(map(len, encoded))
    return seconds, tokens


def run_floor(params_path: str) -> dict[str, Any]:
    """The least tokenizer work the job needs, on every core: one `encode_batch` pass of
    `tokenizers` over the distinct text (`floor_texts`), and one of tiktoken over the
    same text for the same-vocabulary fast path. Loads are timed apart; only the
    encode calls count as the floor."""
    from pipeline.params import load_params
    from pipeline.student import Student

    params = load_params(params_path)
    started = time.perf_counter()
    student = Student(params.tokenizer.out)
    load_s = time.perf_counter() - started
    texts, items = floor_texts(student, params)
    encode_s, tokens = _timed_batches(lambda b: [e.ids for e in student.encode_batch(b)], texts)
    figures: dict[str, Any] = {
        "items": items,
        "texts": len(texts),
        "system_turns": len(texts) - 2 * items,
        "chars": sum(map(len, texts)),
        "tokens": tokens,
        "load_s": load_s,
        "encode_s": encode_s,
    }
    started = time.perf_counter()
    fast = student.bytebpe()
    figures["tiktoken_load_s"] = time.perf_counter() - started
    if fast is not None:
        threads = os.cpu_count() or 1
        plain, added = plain_pieces(student.tokenizer, texts)
        fast_s, fast_tokens = _timed_batches(lambda b: fast.ids_batch(b, threads), plain)
        figures.update({"tiktoken_encode_s": fast_s, "tiktoken_tokens": fast_tokens + added})
    return {**figures, "peak_rss_mb": peak_rss_mb(resource.RUSAGE_SELF)}


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
