"""The coverage metric: a coverage.py JSON report reduced to stable numbers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from pipeline.quality import coverage
from pipeline.quality.tools import IN_TEST_ENV, QualityError, ToolResult

ROOT = Path(__file__).resolve().parents[2]


def summary(lines: tuple[int, int], branches: tuple[int, int] | None) -> dict[str, Any]:
    block: dict[str, Any] = {"covered_lines": lines[0], "num_statements": lines[1]}
    if branches is not None:
        block.update(covered_branches=branches[0], num_branches=branches[1])
    return block


REPORT = {
    "meta": {"timestamp": "2026-01-01T00:00:00", "version": "7.17.3"},
    "files": {
        "pipeline/spans.py": {"summary": summary((90, 100), (45, 50))},
        "/abs/checkout/pipeline/gates/privacy.py": {"summary": summary((10, 10), (0, 0))},
        "pipeline\\__init__.py": {"summary": summary((0, 0), None)},
    },
    "totals": summary((100, 110), (45, 50)),
}


def test_metrics_are_numbers_only_without_timestamps() -> None:
    metrics = coverage.coverage_metrics(REPORT)
    assert metrics == {
        "total": {"line": 90.91, "branch": 90.0},
        "modules": {
            "pipeline/__init__.py": {"line": 100.0, "branch": 100.0},
            "pipeline/gates/privacy.py": {"line": 100.0, "branch": 100.0},
            "pipeline/spans.py": {"line": 90.0, "branch": 90.0},
        },
        "target": {"line": 90.0, "branch": 90.0},
        "below_target": 0,
    }


def test_modules_below_target_are_counted() -> None:
    report = {**REPORT, "files": {"pipeline/x.py": {"summary": summary((89, 100), (9, 9))}}}
    assert coverage.coverage_metrics(report)["below_target"] == 1
    assert coverage.coverage_metrics(report, target=85.0)["below_target"] == 0


@pytest.mark.parametrize(
    ("covered", "total", "expected"),
    [(0, 0, 100.0), (0, 3, 0.0), (1, 3, 33.33), (2, 3, 66.67), (3, 3, 100.0)],
)
def test_percent_rounding(covered: int, total: int, expected: float) -> None:
    assert coverage.percent(covered, total) == expected


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("pipeline/spans.py", "pipeline/spans.py"),
        ("/home/u/pipeline/repo/pipeline/gates/x.py", "pipeline/gates/x.py"),
        ("pipeline\\gen\\plan.py", "pipeline/gen/plan.py"),
        ("other/file.py", "other/file.py"),
    ],
)
def test_module_names_are_repository_relative(path: str, name: str) -> None:
    assert coverage.module_name(path) == name


def test_a_report_without_totals_is_a_quality_error() -> None:
    with pytest.raises(QualityError, match="coverage report is missing 'totals'"):
        coverage.coverage_metrics({"files": {}})


def test_pytest_command_measures_branches_and_skips_dvc_runs(tmp_path: Path) -> None:
    command = coverage.pytest_command(tmp_path / "c.json", coverage.DEFAULT_MARKERS, ["-x"])
    assert command[1:3] == ["-m", "pytest"]
    assert command[3:5] == ["-m", "not slow and not dvc and not train"]
    assert "--cov-branch" in command and f"--cov-report=json:{tmp_path / 'c.json'}" in command
    assert command[-1] == "-x"


def test_coverage_refuses_to_run_inside_a_test() -> None:
    # pytest marks every test's environment (and its children's): a test that ran
    # `dvc exp run` over all stages would start the whole suite again from here.
    assert os.environ.get(IN_TEST_ENV)
    with pytest.raises(QualityError, match="refusing to run the coverage stage inside a test"):
        coverage.measure()


def write_test(folder: Path, body: str) -> Path:
    path = folder / "test_tiny.py"
    path.write_text(
        "from pipeline.text import normalize\n\n\ndef test_tiny():\n    " + body + "\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.stage
def test_measure_runs_pytest_cov_for_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(IN_TEST_ENV)
    monkeypatch.chdir(ROOT)
    test = write_test(tmp_path, 'assert normalize("a\\r\\nb") == "a\\nb"')
    metrics = coverage.measure("", [str(test), "-q", "-p", "no:randomly"])
    text = metrics["modules"]["pipeline/text.py"]
    # The CRLF branch ran, the non-ASCII path did not.
    assert 0.0 < text["line"] < 100.0 and 0.0 < text["branch"] < 100.0
    assert set(metrics) == {"total", "modules", "target", "below_target"}
    assert not any(name.startswith("/") for name in metrics["modules"])


@pytest.mark.stage
def test_measure_fails_when_the_tests_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(IN_TEST_ENV)
    monkeypatch.chdir(ROOT)
    test = write_test(tmp_path, "assert normalize('x') == 'y'")
    with pytest.raises(QualityError, match=r"the test suite failed \(pytest exit code 1\)"):
        coverage.measure("", [str(test), "-q"])


def test_measure_without_a_report_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(IN_TEST_ENV)
    seen: dict[str, Any] = {}

    def passes_without_report(args: list[str], **kwargs: Any) -> ToolResult:
        seen.update(kwargs["env"])
        return ToolResult(0, "", "")

    monkeypatch.setattr(coverage, "run_tool", passes_without_report)
    with pytest.raises(QualityError, match="pytest-cov wrote no readable JSON report"):
        coverage.measure()
    assert seen["HYPOTHESIS_PROFILE"] == "coverage"
