"""`python -m pipeline.bench`: time generate, extract and verify against the tokenizer's own floor.

For every `--total N` and `--workers W` the three stages run on the default mix
(the repository's params.yaml with every path moved into a temporary directory)
and the embedded tokenizer, each in its own child process, so a stage's wall
time and peak RSS are its own. In the same run the floor is the least
tokenizer work the job needs: one `tokenizers` `encode_batch` pass on every
core over the distinct text the items contribute (each prompt and teacher
text, and each distinct system turn with its tool set once), and one tiktoken
pass over the same text for the same-vocabulary fast path. Figures are
printed as a table and written to an untracked JSON file (bench/ is
git-ignored); nothing here touches a DVC output.

Conventions: a stage's time is what a user waits for: the child's wall time
from process start to exit, interpreter start-up, imports and tokenizer loads
included (the loads are also shown on their own line); the floor counts only
its encode calls. Peak RSS is the largest single process of the stage (main
process or worker).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import STDOUT
from typing import Any

import orjson
import yaml

from pipeline.bench_child import STAGES
from pipeline.bytebpe import PROOF_FILE
from pipeline.cli import command_parser
from pipeline.params import params_from_dict
from pipeline.records import write_json
from pipeline.student import materialise

DEFAULT_OUT = "bench/results.json"
# Path-valued params that start with these folders are moved into the run's temp dir.
REBASED_ROOTS = ("data/", "metrics/")


class BenchError(RuntimeError):
    """A bench run that cannot continue (a child failed without a result)."""


def rebase(value: Any, root: Path) -> Any:
    """Move every repository-relative data/metrics path under `root`, recursively."""
    if isinstance(value, dict):
        return {key: rebase(item, root) for key, item in value.items()}
    if isinstance(value, str) and value.startswith(REBASED_ROOTS):
        return str(root / value)
    return value


def bench_params(
    base: dict[str, Any], root: Path, *, total: int, workers: int, tokenizer_dir: Path
) -> dict[str, Any]:
    """The params of one bench run: the user's mix, with paths, size and workers overridden."""
    data = rebase(base, root)
    data.setdefault("tokenizer", {})["out"] = str(tokenizer_dir)
    run = data.setdefault("run", {})
    run.update({"workers": workers, "progress": False, "backend": "local"})
    data.setdefault("generate", {}).update({"total": total, "num_shards": 1, "shard_index": 0})
    params_from_dict(data)  # a stale or invalid base file fails here, naming the key
    return data


def run_child(args: list[str], root: Path, name: str, env: dict[str, str]) -> dict[str, Any]:
    """Run `python -m pipeline.bench_child ...` and return the JSON figures it wrote."""
    result = root / f"{name}.result.json"
    log = root / f"{name}.log"
    command = [sys.executable, "-m", "pipeline.bench_child", *args, "--result", str(result)]
    with log.open("wb") as handle:
        started = time.perf_counter()
        # The command is this interpreter and our own module: no shell, no user text.
        done = subprocess.run(command, stdout=handle, stderr=STDOUT, env=env, check=False)  # noqa: S603
        wall = time.perf_counter() - started
    if not result.is_file():
        tail = log.read_text("utf-8", errors="replace")[-2000:]
        raise BenchError(f"{name}: exited {done.returncode} without figures; log tail:\n{tail}")
    figures: dict[str, Any] = orjson.loads(result.read_bytes())
    figures["wall_s"] = wall
    return figures


def child_env(*, tokenizer_threads: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["TOKENIZERS_PARALLELISM"] = "true" if tokenizer_threads else "false"
    env["HF_HUB_OFFLINE"] = "1"
    return env


def bench_one(
    base: dict[str, Any], scratch: Path, tokenizer_dir: Path, total: int, workers: int
) -> dict[str, Any]:
    """Generate, floor, extract, verify at one (N, workers); returns that run's figures."""
    # Other processes skew every figure; the load before the run (ours included) says how much.
    load_before = os.getloadavg()[0]
    root = scratch / f"n{total}-w{workers}"
    root.mkdir(parents=True)
    params_path = root / "params.yaml"
    data = bench_params(base, root, total=total, workers=workers, tokenizer_dir=tokenizer_dir)
    params_path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    stage_env = child_env(tokenizer_threads=False)
    stages: dict[str, dict[str, Any]] = {}
    floor: dict[str, Any] = {}
    for stage in STAGES:
        print(f"bench: N={total} workers={workers}: {stage} ...", file=sys.stderr, flush=True)
        load_log = str(root / f"{stage}.loads")
        figures = run_child(["stage", stage, str(params_path), load_log], root, stage, stage_env)
        figures["seconds"] = figures["wall_s"]
        figures["items_per_s"] = total / figures["seconds"]
        stages[stage] = figures
        if stage == "generate":
            # The floor uses every core: the strictest baseline the tokenizer allows.
            floor_env = child_env(tokenizer_threads=True)
            floor = run_child(["floor", str(params_path)], root, "floor", floor_env)
    end_to_end = sum(s["seconds"] for s in stages.values())
    return {
        "total": total,
        "workers": workers,
        "load_before_1m": load_before,
        "stages": stages,
        "end_to_end_s": end_to_end,
        "items_per_s": total / end_to_end,
        "floor": floor,
        "ratio_to_floor": end_to_end / floor["encode_s"],
        "ratio_to_tiktoken_floor": (
            end_to_end / floor["tiktoken_encode_s"] if "tiktoken_encode_s" in floor else None
        ),
        "peak_rss_mb": max(s["peak_rss_mb"] for s in stages.values()),
        "exit_codes_ok": all(s["exit_code"] == 0 for s in stages.values()),
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Cross-run ratios: RSS at the largest N over the smallest, and worker scaling."""
    summary: dict[str, Any] = {"rss_ratio_largest_to_smallest": {}, "worker_scaling": {}}
    for workers in sorted({r["workers"] for r in runs}):
        by_n = sorted((r for r in runs if r["workers"] == workers), key=lambda r: r["total"])
        if len(by_n) > 1:
            ratio = by_n[-1]["peak_rss_mb"] / by_n[0]["peak_rss_mb"]
            summary["rss_ratio_largest_to_smallest"][str(workers)] = ratio
    for total in sorted({r["total"] for r in runs}):
        by_w = sorted((r for r in runs if r["total"] == total), key=lambda r: r["workers"])
        if len(by_w) > 1:
            speedup = by_w[-1]["items_per_s"] / by_w[0]["items_per_s"]
            key = f"{by_w[-1]['workers']}_over_{by_w[0]['workers']}_at_{total}"
            summary["worker_scaling"][key] = speedup
    return summary


def format_table(report: dict[str, Any]) -> str:
    lines = [
        f"tokenizer fast path: {report.get('fast_path', 'unknown')}",
        f"{'N':>8} {'W':>2} {'stage':<10} {'seconds':>9} {'items/s':>10} {'peak RSS MB':>12}"
        f" {'CPU s':>8}",
    ]
    for run in report["runs"]:
        n, w = run["total"], run["workers"]
        for name, stage in run["stages"].items():
            flag = "" if stage["exit_code"] == 0 else f"  (exit {stage['exit_code']})"
            lines.append(
                f"{n:>8} {w:>2} {name:<10} {stage['seconds']:>9.2f} "
                f"{stage['items_per_s']:>10.0f} {stage['peak_rss_mb']:>12.0f}"
                f" {stage['cpu_s']:>8.1f}{flag}"
            )
            if "tokenizer_load_s" in stage:
                lines.append(
                    f"{'':>8} {'':>2} {'':<10} of which start-up + imports"
                    f" {stage['wall_s'] - stage['main_s']:.2f} s, tokenizer loads"
                    f" {stage['tokenizer_load_s']:.2f} s"
                )
        floor = run["floor"]
        lines.append(
            f"{n:>8} {w:>2} {'end-to-end':<10} {run['end_to_end_s']:>9.2f} "
            f"{run['items_per_s']:>10.0f} {run['peak_rss_mb']:>12.0f}"
        )
        lines.append(
            f"{n:>8} {w:>2} {'floor':<10} {floor['encode_s']:>9.2f} "
            f"{n / floor['encode_s']:>10.0f} {floor['peak_rss_mb']:>12.0f}"
            f"  (tokenizers, all cores: {floor['chars'] / floor['encode_s'] / 1e6:.2f} M chars/s"
            f" over {floor['chars'] / 1e6:.1f} M distinct chars)"
        )
        lines.append(f"{'':>8} {'':>2} end-to-end / floor = {run['ratio_to_floor']:.2f}x")
        if run.get("ratio_to_tiktoken_floor"):
            lines.append(
                f"{n:>8} {w:>2} {'tiktoken':<10} {floor['tiktoken_encode_s']:>9.2f} "
                f"{n / floor['tiktoken_encode_s']:>10.0f}"
                f"  end-to-end / tiktoken floor = {run['ratio_to_tiktoken_floor']:.2f}x"
            )
    for workers, ratio in report["summary"]["rss_ratio_largest_to_smallest"].items():
        lines.append(f"peak RSS largest N / smallest N (W={workers}) = {ratio:.2f}x")
    for key, speedup in report["summary"]["worker_scaling"].items():
        lines.append(f"throughput scaling {key.replace('_', ' ')}: {speedup:.2f}x")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def fast_path(tokenizer_dir: Path) -> str:
    """Whether the stages encode with tiktoken (`pipeline.bytebpe`), and if not, why."""
    try:
        proof = orjson.loads((tokenizer_dir / PROOF_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return f"off: no readable {PROOF_FILE}"
    if not isinstance(proof, dict):
        return f"off: {PROOF_FILE} is not an object"
    return "tiktoken" if proof.get("equal") is True else f"off: {proof.get('reason')}"


@contextmanager
def scratch_folder(keep: bool) -> Iterator[Path]:
    """A temporary folder for the runs, removed afterwards unless `keep`."""
    scratch = Path(tempfile.mkdtemp(prefix="toolcall-bench-"))
    try:
        yield scratch
    finally:
        if keep:
            print(f"bench: run folders kept in {scratch}", file=sys.stderr)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def side_by_side(
    rev: str,
    totals: list[int],
    workers_list: list[int],
    pairs: int,
    out: str,
    keep: bool,
    external: Path | None = None,
) -> int:
    """`--against REV`: this checkout and commit REV in alternating pairs, at each N and W
    (with `external`: external-mode extract and verify on that file, at each W)."""
    from pipeline.bench_against import compare, format_against

    here = Path(__file__).resolve().parent.parent
    try:
        with scratch_folder(keep) as scratch:
            results = [
                compare(
                    here,
                    rev,
                    here,
                    scratch / f"n{total}-w{workers}",
                    total=total,
                    workers=workers,
                    pairs=pairs,
                    external=external,
                )
                for workers in workers_list
                for total in (totals if external is None else totals[:1])
            ]
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    print("\n\n".join(format_against(result) for result in results))
    write_json(out, {"machine": machine(), "against": results})
    print(f"bench: figures written to {out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.bench", __doc__)
    parser.add_argument("--total", type=int, action="append", help="items per run (repeatable)")
    parser.add_argument("--workers", type=int, action="append", help="workers (repeatable)")
    parser.add_argument("--params", default="params.yaml", help="base params (the mix)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="untracked JSON results file")
    parser.add_argument("--tokenizer", help="a materialised tokenizer dir (default: embedded)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary run folders")
    parser.add_argument(
        "--against",
        metavar="REV",
        help="instead: time this checkout and git commit REV side by side (median of --pairs)",
    )
    parser.add_argument("--pairs", type=int, default=3, help="alternating pairs for --against")
    parser.add_argument(
        "--external",
        metavar="FILE",
        help="with --against: external-mode extract + verify on FILE (.jsonl or .jsonl.gz)"
        " instead of generating (make bench-earlier)",
    )
    args = parser.parse_args(argv)
    if args.external and not args.against:
        parser.error("--external goes with --against REV")
    totals = sorted(set(args.total or [10_000]))
    workers_list = sorted(set(args.workers or [os.cpu_count() or 1]))
    if min(totals) < 1 or min(workers_list) < 1 or args.pairs < 1:
        parser.error("--total, --workers and --pairs must be positive")
    if args.against:
        external = Path(args.external).resolve() if args.external else None
        return side_by_side(
            args.against, totals, workers_list, args.pairs, args.out, args.keep, external
        )
    base = yaml.safe_load(Path(args.params).read_text("utf-8")) or {}
    if os.getloadavg()[0] > 0.5:
        print("bench: warning: the machine is busy; timings will be pessimistic", file=sys.stderr)
    try:
        with scratch_folder(args.keep) as scratch:
            tokenizer_dir = (
                Path(args.tokenizer).resolve() if args.tokenizer else scratch / "tokenizer"
            )
            if not args.tokenizer:
                materialise("embedded", tokenizer_dir)
            # Read now: the embedded tokenizer lives in the scratch folder removed below.
            path = fast_path(tokenizer_dir)
            runs = [
                bench_one(base, scratch, tokenizer_dir, total, workers)
                for workers in workers_list
                for total in totals
            ]
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    report = {
        "machine": machine(),
        "fast_path": path,
        "runs": runs,
        "summary": summarise(runs),
    }
    print(format_table(report))
    write_json(args.out, report)
    print(f"bench: figures written to {args.out}", file=sys.stderr)
    return 0 if all(r["exit_codes_ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
