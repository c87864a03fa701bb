"""`python -m pipeline.costs`: where each stage's CPU time goes, by kind of work.

Runs generate, extract and verify on the default mix (as `pipeline.bench`
does: the repository's params with every path moved into a temporary folder,
the embedded tokenizer) with one worker, so that all of a stage's work happens
in one process, each stage under `cProfile` in its own child interpreter.
Every profiled function's own time is then filed under one cost: reading and
parsing, tokenising, rendering, span arithmetic, schema validation, gates,
serialising, Parquet, and so on. Code that belongs to no cost by itself (the
standard library's `re` and `json`, numpy, builtins such as `len`) is charged
to whoever called it, in proportion to the time each caller spent in it, so a
regular expression run by a gate counts as the gate's.

What one worker cannot show is the cost of running several: pickling chunks to
workers and results back, and each worker's own tokenizer load. The bench's
CPU seconds at W workers minus those at one worker measure it
(`python -m pipeline.bench --workers 1 --workers 2`).

cProfile adds a fixed cost to every Python call, so call-heavy Python code
looks dearer than C code next to it: read the shares, not the seconds, and
compare profiles with each other, not with the bench's times. Figures go to an
untracked JSON file (bench/ is git-ignored); nothing here touches a DVC output.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from subprocess import STDOUT
from typing import Any

import yaml

from pipeline.bench import bench_params, child_env
from pipeline.bench_child import STAGES
from pipeline.cli import command_parser
from pipeline.records import write_json
from pipeline.student import materialise

DEFAULT_OUT = "bench/costs.json"

STARTUP = "start-up and imports"
LOADS = "tokenizer loads"
READING = "reading and parsing"
TOKENISING = "tokenising"
RENDERING = "rendering"
SPANS = "span arithmetic"
SCHEMA = "schema validation"
EXTRACTION = "extraction (calls, grounding, integration)"
GATES = "gates"
WORLD = "world and tool replay"
GENERATION = "generation"
SERIALISING = "serialising and writing"
PARQUET = "Parquet and trainer exports"
TRANSFER = "inter-process transfer"
OTHER = "other (driver, params, collector)"
COSTS = (
    STARTUP,
    LOADS,
    READING,
    TOKENISING,
    RENDERING,
    SPANS,
    SCHEMA,
    EXTRACTION,
    GATES,
    WORLD,
    GENERATION,
    SERIALISING,
    PARQUET,
    TRANSFER,
    OTHER,
)

# pstats keys: (file, line, function name); builtins have file "~".
Key = tuple[str, int, str]

# Builtins that are a cost by themselves, by a fragment of their name.
BUILTIN_COSTS = (
    ("orjson.loads", READING),
    ("orjson.dumps", SERIALISING),
    ("CoreBPE", TOKENISING),
    ("tokenizers.", TOKENISING),
    ("encode_batch", TOKENISING),
    ("decode_batch", TOKENISING),
    ("from_file", LOADS),
    ("from_str", LOADS),
    ("_pickle", TRANSFER),
    ("posix.fsync", SERIALISING),
    ("posix.write", SERIALISING),
    ("'write' of '_io", SERIALISING),
    ("marshal.loads", STARTUP),
    ("_imp.", STARTUP),
    ("builtins.__import__", STARTUP),
    ("io.open_code", STARTUP),
)

# Third-party and standard-library code that is a cost by itself, by path fragment.
LIBRARY_COSTS = (
    ("<frozen importlib", STARTUP),
    ("<template>", RENDERING),
    ("/jinja2/", RENDERING),
    ("/markupsafe/", RENDERING),
    ("/jsonschema/", SCHEMA),
    ("/referencing/", SCHEMA),
    ("/jsonschema_specifications/", SCHEMA),
    ("/pyarrow/", PARQUET),
    ("/tiktoken/", LOADS),
    ("/tokenizers/", TOKENISING),
    ("/multiprocessing/", TRANSFER),
    ("/concurrent/futures/", TRANSFER),
    ("/pickle.py", TRANSFER),
)

# The project's own modules (path under pipeline/), most specific first.
MODULE_COSTS = (
    ("formats/schema.py", SCHEMA),
    ("gates/toolschema.py", SCHEMA),
    ("targets/calls.py", SCHEMA),
    ("formats/", READING),
    ("targets/chatml.py", RENDERING),
    ("targets/encode.py", TOKENISING),
    ("encoding.py", TOKENISING),
    ("targets/sequence.py", SPANS),
    ("targets/place.py", SPANS),
    ("spans.py", SPANS),
    ("gates/spans.py", SPANS),
    ("gates/spanf1.py", SPANS),
    ("targets/trainers.py", PARQUET),
    ("exports.py", PARQUET),
    ("export.py", PARQUET),
    ("targets/", EXTRACTION),
    ("gates/itemlog.py", SERIALISING),
    ("gates/", GATES),
    ("verify.py", GATES),
    ("world/", WORLD),
    ("gen/", GENERATION),
    ("generate.py", GENERATION),
    ("tokenizer.py", LOADS),
)


def _by_name(name: str, rules: tuple[tuple[str, str], ...]) -> str | None:
    return next((cost for fragment, cost in rules if fragment in name), None)


def _project_cost(module: str, name: str) -> str:
    """The cost of a function in pipeline/<module>; a few modules hold two kinds."""
    if module == "student.py":
        if "render" in name or "tojson" in name:
            return RENDERING
        return TOKENISING if "code" in name else LOADS
    if module == "bytebpe.py":
        return LOADS if name in {"load", "prove", "probe", "_probe", "__init__"} else TOKENISING
    if module == "gates/alignment.py":
        return TOKENISING if ("code" in name or "reference" in name) else SPANS
    if module == "records.py":
        writes = ("write", "dump", "__exit__", "close", "commit")
        return SERIALISING if any(word in name for word in writes) else READING
    for fragment, cost in MODULE_COSTS:
        if module == fragment or (fragment.endswith("/") and module.startswith(fragment)):
            return cost
    return OTHER


def own_cost(key: Key) -> str | None:
    """The cost a function is by itself, or None when it is charged to its callers."""
    path, _, name = key
    if path == "~":
        return _by_name(name, BUILTIN_COSTS)
    if name == "<module>":
        return STARTUP
    marker = "/pipeline/"
    if marker in path and "/site-packages/" not in path:
        return _project_cost(path.rsplit(marker, 1)[1], name)
    return _by_name(path, LIBRARY_COSTS)


def file_costs(stats: dict[Key, Any]) -> dict[str, float]:
    """Seconds of own time per cost, over every function of a `pstats.Stats().stats` table.

    A function without a cost of its own passes its time to its callers, split
    by the time it spent under each (pstats records that per calling edge),
    and so on up until a caller has one; a root without one is OTHER.
    """
    shares: dict[Key, dict[str, float]] = {}

    def share(key: Key, visiting: frozenset[Key]) -> dict[str, float]:
        if key in shares:
            return shares[key]
        cost = own_cost(key)
        if cost is not None:
            result = {cost: 1.0}
        else:
            callers = stats[key][4] if key in stats else {}
            spent = {caller: edge[2] for caller, edge in callers.items() if caller not in visiting}
            total = sum(spent.values())
            if total <= 0:
                result = {OTHER: 1.0}
            else:
                result = {}
                for caller, seconds in spent.items():
                    for name, part in share(caller, visiting | {key}).items():
                        result[name] = result.get(name, 0.0) + part * seconds / total
        # Memoised even when a cycle was cut on the way: recursion through
        # mutually calling functions is rare and small, and exact sharing there
        # is not worth an exponential walk.
        shares[key] = result
        return result

    totals = dict.fromkeys(COSTS, 0.0)
    for key, (_, _, own, _, _) in stats.items():
        for name, part in share(key, frozenset()).items():
            totals[name] += own * part
    return totals


def profile_child(stage: str, params_path: str, out: str) -> int:
    """In the child: import and run one stage under cProfile, dump the profile, and
    return the stage's exit code (`python -m cProfile` would report 0 whatever it was)."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        module = importlib.import_module(f"pipeline.{stage}")
        code = module.main(["--params", params_path])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        profiler.disable()
        profiler.dump_stats(out)
    return int(code or 0)


def profile_stage(stage: str, params_path: Path, root: Path) -> dict[str, Any]:
    """Run one stage under cProfile in a fresh interpreter; its costs and exit code."""
    out = root / f"{stage}.prof"
    command = [sys.executable, "-m", "pipeline.costs", "--child", stage, "--out", str(out)]
    with (root / f"{stage}.log").open("wb") as log:
        started = time.perf_counter()
        # Our own interpreter and module, no shell, no user text.
        done = subprocess.run(  # noqa: S603
            [*command, "--params", str(params_path)],
            stdout=log,
            stderr=STDOUT,
            env=child_env(tokenizer_threads=False),
            check=False,
        )
        wall = time.perf_counter() - started
    costs = file_costs(pstats.Stats(str(out)).stats)  # type: ignore[attr-defined]
    return {"exit_code": done.returncode, "wall_s": wall, "costs": costs}


def format_costs(report: dict[str, Any]) -> str:
    stages = report["stages"]
    names = list(stages)
    width = max(map(len, COSTS))
    header = f"{'cost':<{width}}" + "".join(f" {name:>10}" for name in names) + f" {'all':>10}"
    lines = [f"profiled CPU share per stage, N={report['total']}, one worker", header]
    totals = {name: sum(stages[name]["costs"].values()) for name in names}
    everything = sum(totals.values())
    for cost in COSTS:
        row = [stages[name]["costs"][cost] for name in names]
        if not any(row):
            continue
        cells = "".join(
            f" {100 * value / totals[name]:>9.1f}%" for value, name in zip(row, names, strict=True)
        )
        lines.append(f"{cost:<{width}}{cells} {100 * sum(row) / everything:>9.1f}%")
    seconds = "".join(f" {totals[name]:>9.1f}s" for name in names)
    lines.append(f"{'profiled seconds':<{width}}{seconds} {everything:>9.1f}s")
    return "\n".join(lines)


def run_costs(base: dict[str, Any], total: int, scratch: Path) -> dict[str, Any]:
    tokenizer_dir = scratch / "tokenizer"
    materialise("embedded", tokenizer_dir)
    root = scratch / f"n{total}"
    root.mkdir(parents=True)
    params_path = root / "params.yaml"
    data = bench_params(base, root, total=total, workers=1, tokenizer_dir=tokenizer_dir)
    params_path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    stages: dict[str, Any] = {}
    for stage in STAGES:
        print(f"costs: N={total}: {stage} under cProfile ...", file=sys.stderr, flush=True)
        stages[stage] = profile_stage(stage, params_path, root)
    return {"total": total, "workers": 1, "stages": stages}


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.costs", __doc__)
    parser.add_argument("--total", type=int, default=10_000, help="items (default 10,000)")
    parser.add_argument("--params", default="params.yaml", help="base params (the mix)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="untracked JSON results file")
    parser.add_argument("--keep", action="store_true", help="keep the run folder and profiles")
    parser.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return profile_child(args.child, args.params, args.out)
    if args.total < 1:
        parser.error("--total must be positive")
    base = yaml.safe_load(Path(args.params).read_text("utf-8")) or {}
    if os.getloadavg()[0] > 0.5:
        print("costs: warning: the machine is busy; shares hold, seconds do not", file=sys.stderr)
    scratch = Path(tempfile.mkdtemp(prefix="toolcall-costs-"))
    try:
        report = run_costs(base, args.total, scratch)
    finally:
        if args.keep:
            print(f"costs: run folder and profiles kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(format_costs(report))
    write_json(args.out, report)
    print(f"costs: figures written to {args.out}", file=sys.stderr)
    return 0 if all(s["exit_code"] == 0 for s in report["stages"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
