"""`python -m pipeline.bench` at a tiny N: every figure is produced, nothing lands in the
repository's DVC outputs, and the harness's own arithmetic is right."""

from __future__ import annotations

import gzip
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from fixture_items import earlier_header

from pipeline import bench, bench_against, bench_child
from pipeline.params import ParamsError
from pipeline.student import Student

ROOT = Path(__file__).resolve().parents[2]


def base_params() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "params.yaml").read_text("utf-8"))
    return data


def test_bench_smoke_run_writes_every_figure(tmp_path: Path, qwen_dir: Path) -> None:
    out = tmp_path / "bench" / "results.json"
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*") if p.is_file()}
    code = bench.main(
        ["--total", "24", "--workers", "1", "--tokenizer", str(qwen_dir), "--out", str(out)]
    )
    report = orjson.loads(out.read_bytes())
    (run,) = report["runs"]
    assert report["fast_path"] == "tiktoken"
    assert code == (0 if run["exit_codes_ok"] else 1)
    assert (run["total"], run["workers"]) == (24, 1)
    assert set(run["stages"]) == {"generate", "extract", "verify"}
    for name, stage in run["stages"].items():
        assert stage["seconds"] > 0 and stage["items_per_s"] > 0
        assert 50 < stage["peak_rss_mb"] < 2000
        if name == "generate":
            # Its three long-context prompts are settled by the pre-token lower bound.
            assert stage["tokenizer_load_s"] == 0
        else:
            assert stage["tokenizer_load_s"] > 0  # extract and verify load it at least once
        assert stage["cpu_s"] > 0
        # What the user waits for: start-up, imports and tokenizer loads included.
        assert stage["seconds"] == stage["wall_s"]
        assert stage["seconds"] > stage["main_s"] + stage["import_s"] > stage["tokenizer_load_s"]
    assert run["end_to_end_s"] == pytest.approx(sum(s["seconds"] for s in run["stages"].values()))
    floor = run["floor"]
    assert floor["items"] == 24 and 1 <= floor["system_turns"] <= 24
    assert floor["texts"] == 48 + floor["system_turns"]
    assert floor["tokens"] > 0 and floor["encode_s"] > 0
    assert floor["tiktoken_tokens"] == floor["tokens"]  # the same text, the same vocabulary
    assert run["ratio_to_floor"] == pytest.approx(run["end_to_end_s"] / floor["encode_s"])
    ratio = run["end_to_end_s"] / floor["tiktoken_encode_s"]
    assert run["ratio_to_tiktoken_floor"] == pytest.approx(ratio)
    # The bench works in a temporary folder: the repository's data/ is untouched.
    after = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert after == before


def test_bench_params_move_every_output_into_the_run_folder(tmp_path: Path) -> None:
    data = bench.bench_params(
        base_params(), tmp_path, total=500, workers=2, tokenizer_dir=tmp_path / "tok"
    )
    assert data["generate"]["total"] == 500 and data["run"]["workers"] == 2
    assert data["run"]["backend"] == "local" and data["run"]["progress"] is False
    assert data["tokenizer"]["out"] == str(tmp_path / "tok")
    assert data["extract"]["inp"] == data["generate"]["out"]
    paths = [v for section in data.values() if isinstance(section, dict) for v in section.values()]
    for value in paths:
        if isinstance(value, str) and ("/" in value or value.endswith((".json", ".jsonl"))):
            assert value.startswith(str(tmp_path)), value


def test_bench_params_reject_a_stale_base_file(tmp_path: Path) -> None:
    base = base_params()
    base["generate"]["no_such_knob"] = 1
    with pytest.raises(ParamsError, match=r"generate\.no_such_knob: unknown key"):
        bench.bench_params(base, tmp_path, total=10, workers=1, tokenizer_dir=tmp_path)


def test_rebase_leaves_non_paths_alone(tmp_path: Path) -> None:
    value = {"a": "data/x.jsonl", "b": ["data/y"], "c": "metrics/m.json", "d": "hermes", "e": 3}
    assert bench.rebase(value, tmp_path) == {
        "a": str(tmp_path / "data/x.jsonl"),
        "b": ["data/y"],
        "c": str(tmp_path / "metrics/m.json"),
        "d": "hermes",
        "e": 3,
    }


def fake_run(total: int, workers: int, seconds: float, rss: float) -> dict[str, Any]:
    stages = {
        name: {
            "seconds": seconds,
            "items_per_s": total / seconds,
            "peak_rss_mb": rss,
            "cpu_s": 2 * seconds,
            "exit_code": 0,
        }
        for name in bench_child.STAGES
    }
    end_to_end = 3 * seconds
    return {
        "total": total,
        "workers": workers,
        "stages": stages,
        "end_to_end_s": end_to_end,
        "items_per_s": total / end_to_end,
        "floor": {"encode_s": seconds, "chars": 1_000_000, "peak_rss_mb": 200.0},
        "ratio_to_floor": 3.0,
        "peak_rss_mb": rss,
        "exit_codes_ok": True,
    }


def test_summary_ratios_and_table() -> None:
    runs = [
        fake_run(10_000, 1, 4.0, 200.0),
        fake_run(100_000, 1, 40.0, 220.0),
        fake_run(10_000, 2, 2.5, 210.0),
    ]
    summary = bench.summarise(runs)
    assert summary["rss_ratio_largest_to_smallest"] == {"1": pytest.approx(1.1)}
    assert summary["worker_scaling"] == {"2_over_1_at_10000": pytest.approx(1.6)}
    table = bench.format_table({"runs": runs, "summary": summary})
    assert "end-to-end / floor = 3.00x" in table
    assert "peak RSS largest N / smallest N (W=1) = 1.10x" in table
    assert "throughput scaling 2 over 1 at 10000: 1.60x" in table


def test_tokenizer_loads_are_timed_per_process(tmp_path: Path) -> None:
    log = tmp_path / "loads"
    log.write_text("10 0.5\n11 0.7\n12 0.6\n10 0.25\n11 0.1\n", "utf-8")
    # The main process's loads add up; workers load side by side, so the slowest counts.
    assert bench_child.load_seconds(log, 10) == pytest.approx(0.75 + 0.8)
    assert bench_child.load_seconds(tmp_path / "missing", 10) == 0.0


def test_stage_child_in_process(
    tmp_path: Path, qwen_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's own code path (it normally runs in a subprocess), with the patch undone."""
    unpatched = {"__init__": Student.__init__, "bytebpe": Student.bytebpe}
    for name, method in unpatched.items():
        monkeypatch.setattr(Student, name, method)
    data = bench.bench_params(base_params(), tmp_path, total=12, workers=1, tokenizer_dir=qwen_dir)
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(data), "utf-8")
    log = tmp_path / "loads"
    # Generate loads no tokenizer (the pre-token bound settles its long-context
    # prompts): its output feeds extract, the child stage whose loads are timed.
    assert bench_child.run_stage("generate", str(params), str(log))["tokenizer_load_s"] == 0
    for name, method in unpatched.items():
        monkeypatch.setattr(Student, name, method)  # one timing patch per run, not two
    figures = bench_child.run_stage("extract", str(params), str(log))
    assert figures["exit_code"] == 0
    assert figures["tokenizer_load_s"] > 0
    assert figures["main_s"] > figures["tokenizer_load_s"]
    result = tmp_path / "floor.json"
    assert bench_child.main(["floor", str(params), "--result", str(result)]) == 0
    assert orjson.loads(result.read_bytes())["items"] == 12
    with pytest.raises(ValueError, match="unknown stage 'train'"):
        bench_child.run_stage("train", str(params), str(log))
    # A floor batch that fills exactly: flushed inside the loop, nothing left after it.
    monkeypatch.setattr(bench_child, "FLOOR_BATCH", 4)
    floor = bench_child.run_floor(str(params))
    assert floor["items"] == 12 and floor["texts"] == 24 + floor["system_turns"]
    assert floor["tokens"] > 0


@pytest.mark.parametrize(("code", "expected"), [(3, 3), ("bad params", 1), (None, 0)])
def test_a_stage_that_exits_reports_its_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: object, expected: int
) -> None:
    """A stage main() that calls sys.exit still gives figures, with the exit code it meant."""

    class Stage:
        @staticmethod
        def main(argv: list[str]) -> int:
            raise SystemExit(code)

    monkeypatch.setattr(Student, "__init__", Student.__init__)
    monkeypatch.setattr(bench_child.importlib, "import_module", lambda name: Stage)
    figures = bench_child.run_stage("verify", str(tmp_path / "params.yaml"), str(tmp_path / "l"))
    assert figures["exit_code"] == expected
    assert figures["tokenizer_load_s"] == 0.0


def test_the_floor_counts_each_system_turn_once(student: Student) -> None:
    """Prompts and teacher texts are the items' own; a tool set's system turn is one
    piece, which the stages encode once: the floor does the same."""
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    turn = bench_child.system_turn(student, tools)
    assert turn is not None and turn.startswith("<|im_start|>system") and '"name": "f"' in turn
    assert turn.endswith("<|im_end|>") and "<|im_start|>user" not in turn
    rendered = student.render([{"role": "user", "content": "hi"}], tools)
    assert rendered.startswith(turn)


def test_a_child_without_figures_is_reported(tmp_path: Path, qwen_dir: Path) -> None:
    env = bench.child_env(tokenizer_threads=False)
    with pytest.raises(bench.BenchError, match="floor: exited 1 without figures"):
        bench.run_child(["floor", str(tmp_path / "missing.yaml")], tmp_path, "floor", env)


def test_bench_rejects_non_positive_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--total", "0"])
    assert "--total, --workers and --pairs must be positive" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--against", "HEAD", "--pairs", "0"])
    assert "--total, --workers and --pairs must be positive" in capsys.readouterr().err


def test_every_tokenizer_load_is_logged_once(
    tmp_path: Path, qwen_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Registered first, so the patches time_tokenizer_loads makes are undone afterwards.
    monkeypatch.setattr(Student, "__init__", Student.__init__)
    monkeypatch.setattr(Student, "bytebpe", Student.bytebpe)
    log = tmp_path / "loads"
    bench_child.time_tokenizer_loads(log)
    student = Student(qwen_dir)
    assert student.bytebpe() is not None
    assert student.bytebpe() is student.bytebpe()  # loaded once, logged once
    lines = log.read_text("utf-8").splitlines()
    assert len(lines) == 2
    assert all(float(line.split()[1]) > 0 for line in lines)


def test_the_fast_path_is_named_or_why_it_is_off(tmp_path: Path, qwen_dir: Path) -> None:
    assert bench.fast_path(qwen_dir) == "tiktoken"
    assert bench.fast_path(tmp_path) == "off: no readable bytebpe.json"
    (tmp_path / "bytebpe.json").write_text("[]", "utf-8")
    assert bench.fast_path(tmp_path) == "off: bytebpe.json is not an object"
    (tmp_path / "bytebpe.json").write_text('{"equal": false, "reason": "r"}', "utf-8")
    assert bench.fast_path(tmp_path) == "off: r"
    table = bench.format_table(
        {"fast_path": "tiktoken", "runs": [], "summary": bench.summarise([])}
    )
    assert table.splitlines()[0] == "tokenizer fast path: tiktoken"


def test_the_tiktoken_floor_cuts_texts_at_added_tokens(student: Student) -> None:
    from tokenizers import Tokenizer, models

    texts = ["a<|im_start|>b<|im_end|>", "<|im_end|>", "plain"]
    assert bench_child.plain_pieces(student.tokenizer, texts) == (["a", "b", "plain"], 3)
    bare = Tokenizer(models.BPE())
    assert bench_child.plain_pieces(bare, texts) == (texts, 0)


def test_the_embedded_tokenizer_fast_path_is_reported(tmp_path: Path) -> None:
    """Without --tokenizer the bench materialises the embedded one in its scratch folder;
    the fast path must be read before that folder is removed (it once read "off")."""
    out = tmp_path / "results.json"
    bench.main(["--total", "6", "--workers", "1", "--out", str(out)])
    assert orjson.loads(out.read_bytes())["fast_path"] == "tiktoken"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _other_version(tmp_path: Path, stage_name: str, mark: str) -> tuple[Path, str]:
    """A git repository under `tmp_path` holding this checkout's pipeline and params, whose
    `stage_name` stage first runs the statement `mark`; returns it and its commit."""
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT / "pipeline", repo / "pipeline", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "params.yaml", repo / "params.yaml")
    stage = repo / "pipeline" / f"{stage_name}.py"
    stage.write_text(
        stage.read_text("utf-8").replace(
            'if __name__ == "__main__":', f'if __name__ == "__main__":\n    {mark}'
        ),
        "utf-8",
    )
    git(tmp_path, "init", "-q", str(repo))
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "other")
    return repo, git(repo, "rev-parse", "HEAD")


def test_against_runs_both_versions_side_by_side(tmp_path: Path) -> None:
    """`--against REV`: the other commit's own code and params run in alternating pairs,
    each stage as a user runs it, and the ratio is this checkout's time over the other's."""
    # A mark only the other version writes: its generate stage says it is the other one.
    repo, rev = _other_version(tmp_path, "generate", 'print("the other version")')

    result = bench_against.compare(
        repo, rev, ROOT, tmp_path / "scratch", total=8, workers=1, pairs=2
    )
    assert [len(p) for p in (result["pairs"],)] == [2]
    for run in result["pairs"]:
        for side in ("this", "other"):
            stages = run[side]["stages"]
            assert list(stages) == ["generate", "extract", "verify"]
            assert all(s["exit"] in (0, 1) and s["seconds"] > 0 for s in stages.values())
            assert run[side]["end_to_end_s"] == pytest.approx(
                sum(s["seconds"] for s in stages.values())
            )
        assert run["ratio"] == pytest.approx(
            run["this"]["end_to_end_s"] / run["other"]["end_to_end_s"]
        )
    assert result["median_ratio"] == pytest.approx(
        statistics.median(r["ratio"] for r in result["pairs"])
    )
    runs = tmp_path / "scratch" / "against-n8-w1"
    other_log = (runs / "other" / "stages.log").read_text("utf-8")
    assert other_log.count("the other version") == 2  # its own code, once per pair
    assert "the other version" not in (runs / "this" / "stages.log").read_text("utf-8")
    for side in ("this", "other"):
        params = yaml.safe_load((runs / side / "params.yaml").read_text("utf-8"))
        assert params["generate"]["total"] == 8 and params["run"]["workers"] == 1
        assert Path(params["generate"]["out"]).is_relative_to(runs / side)
        assert (runs / side / "data" / "generated.jsonl").is_file()
    table = bench_against.format_against(result)
    assert f"median ratio {result['median_ratio']:.3f}x" in table


def test_against_an_unknown_revision_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = bench.main(
        ["--total", "4", "--against", "no-such-rev-xyz", "--out", str(tmp_path / "r.json")]
    )
    assert code == 1
    assert "--against no-such-rev-xyz: git archive failed" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_against_stops_on_a_version_that_cannot_run(tmp_path: Path) -> None:
    """A side whose code cannot materialise its tokenizer, or whose stage fails, stops the
    comparison with its name and log: a ratio over a failed run would mean nothing."""
    other = tmp_path / "other"
    (other / "pipeline").mkdir(parents=True)  # a version without `student.materialise`
    (other / "pipeline" / "__init__.py").write_text("", "utf-8")
    (other / "pipeline" / "student.py").write_text("", "utf-8")
    with pytest.raises(bench.BenchError, match="materialising the tokenizer failed") as failed:
        bench_against.materialise_with(other, tmp_path / "tok")
    assert "cannot import name 'materialise'" in str(failed.value)
    broken = bench_against.Side("broken", ROOT, tmp_path / "missing" / "params.yaml")
    log = tmp_path / "stages.log"
    with pytest.raises(bench.BenchError, match=r"broken: generate exited 2; see .*stages\.log"):
        bench_against.run_side(broken, log)
    assert "missing" in log.read_text("utf-8")


# The header the earlier version wrote (no `schema_version`), and one of its items.
EARLIER_HEADER = earlier_header(total_samples=3)
EARLIER_CALL = '{"name":"read_file","arguments":{"path":"repo:///docs/notes.md"}}'
EARLIER_TEXT = (
    f"I will start with a tool call.\nTOOL_CALL: {EARLIER_CALL}\n"
    'TOOL_RESULT: {"ok":true,"summary":"fp16 kernels are preferred","lines":128}\n'
    "Integration: fp16 kernels are preferred. Lines: 128."
)


def _earlier_file(path: Path, items: int = 3) -> list[bytes]:
    """A small 1.1.0 file as the earlier version wrote it, gzipped; returns its lines."""
    start = EARLIER_TEXT.index(EARLIER_CALL)
    item = {
        "prompt": "Task: read the notes file.\nTarget: repo:///docs/notes.md\n",
        "teacher_text": EARLIER_TEXT,
        "metadata": {
            "dataset_version": "1.1.0",
            "call_sequence": [orjson.loads(EARLIER_CALL)],
            "json_args_spans_bytes": [[start, start + len(EARLIER_CALL)]],
        },
    }
    lines = [orjson.dumps(EARLIER_HEADER) + b"\n"]
    lines += [
        orjson.dumps({"id": f"contextual-{n:06d}", **item}) + b"\n" for n in range(1, items + 1)
    ]
    with gzip.open(path, "wb") as handle:
        handle.write(b"".join(lines))
    return lines


def test_external_inputs_state_the_version_for_the_other_side_only(tmp_path: Path) -> None:
    lines = _earlier_file(tmp_path / "earlier.jsonl.gz")
    plain, explicit = bench_against.external_inputs(tmp_path / "earlier.jsonl.gz", tmp_path / "in")
    assert plain.read_bytes() == b"".join(lines)  # this checkout reads the file as it is
    copied = explicit.read_bytes().splitlines(keepends=True)
    assert copied[1:] == lines[1:]  # every item byte for byte
    header = orjson.loads(copied[0])
    assert list(header)[:2] == ["__header__", "schema_version"]
    assert header == {**EARLIER_HEADER, "schema_version": "1.1.0"}
    # A header that states its version, or a file without a header, is copied as it is.
    for text in (b'{"__header__": true, "schema_version": "2.0.0"}\n{"id": "a"}\n', b'{"id": 1}\n'):
        (tmp_path / "x.jsonl").write_bytes(text)
        plain, explicit = bench_against.external_inputs(tmp_path / "x.jsonl", tmp_path / "x")
        assert plain.read_bytes() == explicit.read_bytes() == text
    with pytest.raises(bench.BenchError, match=r"--external .*missing\.jsonl: cannot read"):
        bench_against.external_inputs(tmp_path / "missing.jsonl", tmp_path / "m")


def test_against_external_runs_extract_and_verify_on_one_file(tmp_path: Path) -> None:
    """`--against REV --external FILE` (make bench-earlier): both versions run external-mode
    extract and verify on the same items, in alternating pairs; not timed here."""
    repo, rev = _other_version(
        tmp_path, "extract", 'print("the other version reads", sys.argv[-5])'
    )
    _earlier_file(tmp_path / "earlier.jsonl.gz")

    result = bench_against.compare(
        repo,
        rev,
        ROOT,
        tmp_path / "scratch",
        total=3,
        workers=1,
        pairs=2,
        external=tmp_path / "earlier.jsonl.gz",
    )
    assert result["external"] == str(tmp_path / "earlier.jsonl.gz")
    for run in result["pairs"]:
        for side in ("this", "other"):
            stages = run[side]["stages"]
            assert list(stages) == ["extract", "verify"]
            assert stages["extract"]["exit"] == 0 and stages["verify"]["exit"] in (0, 1)
        assert run["ratio"] == pytest.approx(
            run["this"]["end_to_end_s"] / run["other"]["end_to_end_s"]
        )
    runs = tmp_path / "scratch" / "against-n3-w1"
    explicit = tmp_path / "scratch" / "input" / "input-explicit-version.jsonl"
    other_log = (runs / "other" / "stages.log").read_text("utf-8")
    assert other_log.count(f"the other version reads {explicit}") == 2  # once per pair
    for side in ("this", "other"):
        out = (runs / side / "external" / "extracted.jsonl").read_bytes().splitlines()
        assert len(out) == 1 + 3  # the header and every item, none generated
        report = orjson.loads((runs / side / "external" / "report.json").read_bytes())
        assert report["summary"]["items"] == 3
        assert not (runs / side / "data" / "generated.jsonl").exists()
    table = bench_against.format_against(result)
    assert "external mode on" in table and " extract    verify" in table
    assert f"median ratio {result['median_ratio']:.3f}x" in table


def test_external_needs_against(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        bench.main(["--external", "x.jsonl"])
    assert "--external goes with --against REV" in capsys.readouterr().err
