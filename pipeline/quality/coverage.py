"""Line and branch coverage of `pipeline/`, measured by running the test suite.

The run is made deterministic: hypothesis uses its derandomised `coverage`
profile (and so no example database), pytest's cache is off, and the figures
are rounded percentages with no timestamp. DVC end-to-end tests are left out
by marker, because this command itself runs inside `dvc repro` and must never
start another one; should a test still do so, the nested invocation stops with
a clear error instead of recursing (see `refuse_inside_tests`). The training
tests are left out too: they need the optional train extra, and the figure must
not depend on whether it is installed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import orjson

from pipeline.quality.tools import QualityError, python_module, refuse_inside_tests, run_tool

DEFAULT_MARKERS = "not slow and not dvc and not train"
DEFAULT_OUT = "metrics/coverage.json"
TARGET_PERCENT = 90.0
SOURCE = "pipeline"


def percent(covered: int, total: int) -> float:
    """A percentage rounded for stable diffs; nothing to cover counts as fully covered."""
    return round(100.0 * covered / total, 2) if total else 100.0


def summary_percents(summary: dict[str, Any]) -> dict[str, float]:
    """Line and branch percentages from one coverage.py JSON summary block."""
    return {
        "line": percent(summary["covered_lines"], summary["num_statements"]),
        "branch": percent(summary.get("covered_branches", 0), summary.get("num_branches", 0)),
    }


def module_name(path: str) -> str:
    """`/abs/.../pipeline/spans.py` or `pipeline\\spans.py` -> `pipeline/spans.py`."""
    parts = Path(path.replace("\\", "/")).parts
    if SOURCE in parts:
        parts = parts[len(parts) - 1 - parts[::-1].index(SOURCE) :]
    return "/".join(parts)


def coverage_metrics(report: dict[str, Any], target: float = TARGET_PERCENT) -> dict[str, Any]:
    """Reduce a coverage.py JSON report to {total, modules, target, below_target}."""
    try:
        files = report["files"]
        modules = {
            module_name(path): summary_percents(data["summary"]) for path, data in files.items()
        }
        total = summary_percents(report["totals"])
    except (KeyError, TypeError) as exc:
        raise QualityError(f"coverage report is missing {exc}") from exc
    below = sum(1 for m in modules.values() if m["line"] < target or m["branch"] < target)
    return {
        "total": total,
        "modules": dict(sorted(modules.items())),
        "target": {"line": target, "branch": target},
        "below_target": below,
    }


def pytest_command(report_path: Path, markers: str, extra: list[str]) -> list[str]:
    return python_module(
        "pytest",
        "-m",
        markers,
        "-p",
        "no:cacheprovider",
        f"--cov={SOURCE}",
        "--cov-branch",
        f"--cov-report=json:{report_path}",
        "--cov-report=term",
        *extra,
    )


def measure(markers: str = DEFAULT_MARKERS, extra: list[str] | None = None) -> dict[str, Any]:
    """Run the suite under pytest-cov and return the metrics; failing tests are an error."""
    refuse_inside_tests("coverage")
    with tempfile.TemporaryDirectory(prefix="coverage-") as tmp:
        report_path = Path(tmp) / "coverage.json"
        env = {
            "HYPOTHESIS_PROFILE": "coverage",
            "COVERAGE_FILE": str(Path(tmp) / ".coverage"),
        }
        result = run_tool(pytest_command(report_path, markers, extra or []), env=env, capture=False)
        if result.returncode != 0:
            raise QualityError(f"the test suite failed (pytest exit code {result.returncode})")
        try:
            report = orjson.loads(report_path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise QualityError(f"pytest-cov wrote no readable JSON report: {exc}") from exc
    return coverage_metrics(report)
