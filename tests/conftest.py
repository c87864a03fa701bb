"""Shared fixtures: real tokenizers only (tests/fixture_tokenizers.py), hypothesis
profiles, and the test order under mutmut."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from fixture_tokenizers import BUILDERS, built, student_of
from hypothesis import HealthCheck, settings

from pipeline.student import Student

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("coverage", parent=settings.get_profile("ci"), derandomize=True)
# One run per mutant: fewer examples, the same ones every time.
settings.register_profile("mutation", parent=settings.get_profile("coverage"), max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WARM_ENV = "TOOLCALL_TEST_WARM"


def _durations() -> dict[str, float]:
    """Per-test durations from mutmut's stats file (in its mutants/ working directory)."""
    try:
        stats = orjson.loads(Path("mutmut-stats.json").read_bytes())
        return {str(k): float(v) for k, v in stats["duration_by_test"].items()}
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return {}


def pytest_collection_finish(session: pytest.Session) -> None:
    # `python -m pipeline.quality mutation` sets this for mutmut's fork server,
    # whose warm-up is a collect-only run.
    if os.environ.get(WARM_ENV) == "1":
        for name in BUILDERS:
            built(name)
        student_of(built("qwen"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A mutant's run stops at its first failing test (-x), so the fastest go first.
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    durations = _durations()
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


@pytest.fixture(scope="session")
def qwen_dir() -> Path:
    return built("qwen")


@pytest.fixture(scope="session")
def student(qwen_dir: Path) -> Student:
    return student_of(qwen_dir)


@pytest.fixture(scope="session")
def wordpiece_dir() -> Path:
    return built("wordpiece")


@pytest.fixture(scope="session")
def unigram_dir() -> Path:
    return built("unigram")
