"""The repository as users meet it: real `dvc repro`, `dvc exp run`, `dvc metrics diff`,
`dvc push` / `dvc pull`, in a fresh git repository made from this checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from dvc_repo import attempt, deleted_tracked_files, fresh_copy, run

pytestmark = [pytest.mark.slow, pytest.mark.dvc]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = fresh_copy(tmp_path_factory.mktemp("repo"))
    run(path, "dvc", "repro", "verify")
    return path


def test_default_repro_reproduces_committed_lock_and_metrics(repo: Path) -> None:
    """The promise of a data repository: committed dvc.lock and metrics/ come back exactly."""
    status = run(repo, "git", "status", "--porcelain", "--", "dvc.lock", "metrics")
    assert status == "", f"reproduction differs from the committed state:\n{status}"
    assert (
        run(repo, "dvc", "status", "verify").strip().endswith("Data and pipelines are up to date.")
    )


def test_metrics_are_numbers_and_readable_by_dvc(repo: Path) -> None:
    shown = json.loads(run(repo, "dvc", "metrics", "show", "--json"))
    # DVC keys the workspace by "" (older versions by "workspace").
    workspace = shown.get("") or shown["workspace"]
    metrics = workspace["data"]["metrics/verify.json"]["data"]
    assert metrics and all(isinstance(v, int | float) for v in _leaves(metrics))


def _leaves(obj: object) -> list[object]:
    if isinstance(obj, dict):
        return [leaf for v in obj.values() for leaf in _leaves(v)]
    return [obj]


def test_push_to_local_remote_and_pull_into_fresh_clone(repo: Path, tmp_path: Path) -> None:
    remote = (tmp_path / "remote").resolve()  # DVC resolves relative URLs from .dvc/
    run(repo, "dvc", "remote", "add", "-d", "local", str(remote))
    run(repo, "git", "commit", "-q", "-am", "remote")
    # The data stages' outputs; the sharded variant's outputs were never built here.
    run(repo, "dvc", "push", "--with-deps", "verify")
    clone = tmp_path / "clone"
    run(tmp_path, "git", "clone", "-q", str(repo), str(clone))
    run(clone, "dvc", "pull", "--with-deps", "verify")
    for name in (
        "data/generated.jsonl",
        "data/extracted.jsonl",
        "data/train.parquet",
        "data/tokenizer/tokenizer.json",
        "data/verify_report.json",
    ):
        assert (clone / name).read_bytes() == (repo / name).read_bytes(), name
    # What a user types in a fresh clone: no targets. The sharded variant's lock is
    # not committed, so nothing names outputs that no remote holds.
    assert not (clone / "sharded" / "dvc.lock").exists()
    for command in (("dvc", "pull"), ("dvc", "checkout")):
        code, output = attempt(clone, *command)
        assert code == 0 and "failed" not in output.lower(), f"{command}: {output}"
    assert deleted_tracked_files(clone) == []


def test_a_fresh_clone_without_a_remote_names_no_sharded_output(tmp_path: Path) -> None:
    """As shipped (no remote, no cache) checkout can only report the default stages'
    outputs as missing, each of which `dvc repro` rebuilds; never a shard output."""
    origin = fresh_copy(tmp_path / "origin")
    clone = tmp_path / "clone"
    run(tmp_path, "git", "clone", "-q", str(origin), str(clone))
    code, output = attempt(clone, "dvc", "checkout")
    assert "data/shards/" not in output and "data/merged/" not in output
    assert code == 0 or "data/generated.jsonl" in output
    assert deleted_tracked_files(clone) == []


@pytest.mark.parametrize(
    ("change", "exit_code"),
    [
        # An error before anything is written (exit 2): the committed metrics stay.
        ({"inp": "data/no-such-file.jsonl"}, 2),
        # A failing gate (exit 1) after every output is written.
        ({"max_seconds_per_100": 0.0}, 1),
    ],
)
def test_a_failing_verify_deletes_no_tracked_file(
    repo: Path, change: dict[str, object], exit_code: int
) -> None:
    params = repo / "params.yaml"
    original = params.read_text("utf-8")
    data = yaml.safe_load(original)
    data["verify"].update(change)
    try:
        params.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
        code, output = attempt(repo, "dvc", "repro", "verify")
        assert code != 0 and f"exited with {exit_code}" in output, output
        assert deleted_tracked_files(repo) == []
        for name in ("metrics/verify.json", "metrics/plots/f1_per_tool.json"):
            assert (repo / name).is_file(), name
    finally:
        params.write_text(original, "utf-8")
        run(repo, "dvc", "checkout", "verify")
    assert deleted_tracked_files(repo) == []


def test_exp_run_sweep_is_recorded_and_diffable(repo: Path) -> None:
    run(
        repo,
        "dvc",
        "exp",
        "run",
        "verify",
        "-n",
        "small-seed7",
        "-S",
        "generate.total=60",
        "-S",
        "seed=7",
    )
    shown = run(repo, "dvc", "exp", "show", "--json")
    assert "small-seed7" in shown
    exp = json.loads(shown)
    params = [
        e for entry in exp for e in entry.get("experiments") or [] if e.get("name") == "small-seed7"
    ]
    assert params, shown[:2000]
    diff = json.loads(run(repo, "dvc", "metrics", "diff", "--json"))
    changed = diff["metrics/verify.json"]
    assert changed, "a different seed and size must move the verify metrics"
    params_diff = json.loads(run(repo, "dvc", "params", "diff", "--json"))
    assert params_diff["params.yaml"]["seed"]["old"] == 42
    assert params_diff["params.yaml"]["seed"]["new"] == 7
