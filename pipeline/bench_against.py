"""`python -m pipeline.bench --against REV`: this checkout and another commit, side by side.

A reviewer's question about a change is "is it slower than before?", and on a
shared machine only a side-by-side run answers it: two runs minutes apart see
different loads. So both versions run in one bench, in alternating pairs
(this checkout first in odd pairs, the other commit first in even ones, so
that a drift in the machine's load does not favour either side), and the
answer is the median of the per-pair ratios.

Each side runs exactly as a user would run it: `python -m pipeline.STAGE
--params P` for generate, extract and verify, in a fresh interpreter, with its
own code and its own params.yaml (moved into the run folder, with the same
`generate.total` and `run.workers`), on the embedded tokenizer as that
version's own code materialises it. A stage's time is its wall time from
process start to exit. The other commit's tree comes from `git archive`, so
the working copy and its branches are never touched; it runs in this
interpreter's environment.
"""

from __future__ import annotations

import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from pipeline.bench import BenchError, child_env, rebase
from pipeline.bench_child import STAGES
from pipeline.records import header_version

# Run by the other side's own code, so that its tokenizer is what its own bench used.
MATERIALISE = "import sys; from pipeline.student import materialise; materialise(*sys.argv[1:])"


@dataclass(frozen=True)
class Side:
    """One version of the pipeline: its source tree and the params file of its runs."""

    name: str
    source: Path
    params: Path


def export_commit(repo: Path, rev: str, into: Path) -> Path:
    """Extract the tree of commit `rev` of `repo` into `into` (git archive, no checkout)."""
    into.mkdir(parents=True)
    archive = into.with_suffix(".tar")
    # Fixed argv, no shell; `rev` is a git revision the user typed, which git itself checks.
    done = subprocess.run(  # noqa: S603
        ["git", "-C", str(repo), "archive", "--format=tar", "-o", str(archive), rev],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"--against {rev}: git archive failed: {done.stderr.strip()}")
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return into


def side_params(source: Path, root: Path, *, total: int, workers: int, tokenizer: Path) -> Path:
    """That version's own params.yaml, moved into `root`, at this run's size and workers.

    Not validated against this checkout's params schema: the other commit may
    have other keys, and its own stages check them.
    """
    base = yaml.safe_load((source / "params.yaml").read_text("utf-8")) or {}
    data = rebase(base, root)
    data.setdefault("tokenizer", {})["out"] = str(tokenizer)
    run = data.setdefault("run", {})
    run.update({"workers": workers, "progress": False, "backend": "local"})
    data.setdefault("generate", {}).update({"total": total, "num_shards": 1, "shard_index": 0})
    root.mkdir(parents=True, exist_ok=True)
    path = root / "params.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


def materialise_with(source: Path, out: Path) -> None:
    """The embedded tokenizer, written by `source`'s own code."""
    env = child_env(tokenizer_threads=False) | {"PYTHONPATH": str(source)}
    command = [sys.executable, "-c", MATERIALISE, "embedded", str(out)]
    done = subprocess.run(  # noqa: S603
        command, cwd=source, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{source}: materialising the tokenizer failed: {done.stderr[-2000:]}")


def external_inputs(path: Path, into: Path) -> tuple[Path, Path]:
    """(the file as it is, decompressed if `.gz`; a copy whose header states its schema
    version) in `into`. The copy differs only when the header leaves the version implicit
    (the earlier version wrote `dataset_version: "1.1.0"` and no `schema_version`)."""
    into.mkdir(parents=True, exist_ok=True)
    plain = into / "input.jsonl"
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as source, plain.open("wb") as target:
            shutil.copyfileobj(source, target, 1 << 20)
    except OSError as exc:
        raise BenchError(f"--external {path}: cannot read: {exc}") from exc
    explicit = into / "input-explicit-version.jsonl"
    with plain.open("rb") as source:
        first = source.readline()
        try:
            header = orjson.loads(first)
        except orjson.JSONDecodeError:
            header = None
        if not (isinstance(header, dict) and header.get("__header__") is True):
            shutil.copyfile(plain, explicit)
            return plain, explicit
        if "schema_version" not in header and header_version(header) is not None:
            # Right after "__header__", where the pipeline writes it.
            rest = {k: v for k, v in header.items() if k != "__header__"}
            header = {"__header__": True, "schema_version": header_version(header), **rest}
            first = orjson.dumps(header, option=orjson.OPT_APPEND_NEWLINE)
        with explicit.open("wb") as target:
            target.write(first)
            shutil.copyfileobj(source, target, 1 << 20)
    return plain, explicit


def stage_commands(side: Side, external: Path | None) -> list[tuple[str, list[str]]]:
    """Each stage's name and arguments as a user types them: the DVC stages on the side's
    params, or external-mode extract and verify on one file (outputs next to the params)."""
    params = ["--params", str(side.params)]
    if external is None:
        return [(stage, params) for stage in STAGES]
    root = side.params.parent
    tokenizer = ["--tokenizer", str(root / "tokenizer")]
    out = str(root / "external" / "extracted.jsonl")
    report = str(root / "external" / "report.json")
    return [
        ("extract", [*params, "--in", str(external), "--out", out, *tokenizer]),
        ("verify", [*params, "--in", out, "--report", report, *tokenizer]),
    ]


def run_side(side: Side, log: Path, external: Path | None = None) -> dict[str, Any]:
    """Wall seconds and exit code of each stage, run as a user runs it."""
    env = child_env(tokenizer_threads=False) | {"PYTHONPATH": str(side.source)}
    stages: dict[str, Any] = {}
    if external is not None:
        (side.params.parent / "external").mkdir(parents=True, exist_ok=True)
    with log.open("ab") as handle:
        for stage, args in stage_commands(side, external):
            command = [sys.executable, "-m", f"pipeline.{stage}", *args]
            started = time.perf_counter()
            done = subprocess.run(  # noqa: S603
                command, cwd=side.source, env=env, stdout=handle, stderr=handle, check=False
            )
            stages[stage] = {"seconds": time.perf_counter() - started, "exit": done.returncode}
            # generate and extract must succeed for the next stage to mean anything;
            # verify exits 1 when a gate fails, which is a verdict, not a failed run.
            if done.returncode not in ((0, 1) if stage == "verify" else (0,)):
                raise BenchError(f"{side.name}: {stage} exited {done.returncode}; see {log}")
    return {"stages": stages, "end_to_end_s": sum(s["seconds"] for s in stages.values())}


def compare(
    repo: Path,
    rev: str,
    here: Path,
    scratch: Path,
    *,
    total: int,
    workers: int,
    pairs: int,
    external: Path | None = None,
) -> dict[str, Any]:
    """Run this checkout and commit `rev` side by side; returns every pair and the medians.

    `external`: run external-mode extract and verify on this file instead (module doc)."""
    other_source = export_commit(repo, rev, scratch / "against-src")
    inputs: dict[str, Path | None] = {"this": None, "other": None}
    if external is not None:
        inputs["this"], inputs["other"] = external_inputs(external, scratch / "input")
    sides = []
    for name, source in (("this checkout", here), (rev, other_source)):
        root = scratch / f"against-n{total}-w{workers}" / ("this" if source == here else "other")
        tokenizer = root / "tokenizer"
        materialise_with(source, tokenizer)
        params = side_params(source, root, total=total, workers=workers, tokenizer=tokenizer)
        sides.append(Side(name, source, params))
    runs: list[dict[str, Any]] = []
    for pair in range(pairs):
        print(f"bench: --against {rev}: pair {pair + 1} of {pairs} ...", file=sys.stderr)
        order = sides if pair % 2 == 0 else sides[::-1]
        timed = {
            s.name: run_side(s, s.params.parent / "stages.log", inputs[s.params.parent.name])
            for s in order
        }
        this, other = timed[sides[0].name], timed[sides[1].name]
        runs.append(
            {
                "load_before_1m": os.getloadavg()[0],
                "this": this,
                "other": other,
                "ratio": this["end_to_end_s"] / other["end_to_end_s"],
            }
        )
    return {
        "rev": rev,
        "external": None if external is None else str(external),
        "total": total,
        "workers": workers,
        "pairs": runs,
        "median_this_s": statistics.median(r["this"]["end_to_end_s"] for r in runs),
        "median_other_s": statistics.median(r["other"]["end_to_end_s"] for r in runs),
        "median_ratio": statistics.median(r["ratio"] for r in runs),
    }


def format_against(result: dict[str, Any]) -> str:
    rev = result["rev"]
    names = list(result["pairs"][0]["this"]["stages"]) if result["pairs"] else list(STAGES)
    subject = (
        f"external mode on {result['external']}"
        if result.get("external")
        else f"N={result['total']}"
    )
    lines = [
        f"side by side, {subject}, W={result['workers']}: this checkout / {rev}"
        " (wall seconds, each stage as a user runs it)",
        f"{'pair':>4} {'side':<14} "
        + " ".join(f"{name:>9}" for name in names)
        + f" {'end-to-end':>11} {'ratio':>7}",
    ]
    for number, run in enumerate(result["pairs"], start=1):
        for key, label in (("this", "this checkout"), ("other", rev[:14])):
            stages = run[key]["stages"]
            cells = " ".join(f"{stages[s]['seconds']:>9.2f}" for s in names)
            ratio = f"{run['ratio']:>7.3f}" if key == "this" else ""
            lines.append(
                f"{number:>4} {label:<14} {cells} {run[key]['end_to_end_s']:>11.2f} {ratio}"
            )
    lines.append(
        f"median end to end: this checkout {result['median_this_s']:.2f} s, {rev}"
        f" {result['median_other_s']:.2f} s; median ratio {result['median_ratio']:.3f}x"
        f" (this checkout {1 / result['median_ratio']:.2f}x as fast)"
    )
    return "\n".join(lines)
