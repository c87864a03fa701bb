"""The mutation metric: mutmut 3's per-module results reduced to a score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.quality import mutation
from pipeline.quality.tools import QualityError, ToolResult


def test_status_table_matches_mutmut() -> None:
    from mutmut.stats import status_by_exit_code

    for code, status in mutation.STATUS_BY_EXIT_CODE.items():
        theirs = status_by_exit_code[code].replace(" ", "_")
        assert status == theirs.replace("check_was_interrupted_by_user", "interrupted")
    assert mutation.status(12345) == status_by_exit_code[12345] == "suspicious"


def test_score_is_killed_over_tested() -> None:
    # 6 killed (incl. 1 timeout), 2 survived, 1 without tests, 1 skipped, 1 never run.
    codes = [1, 1, 3, 1, 1, 36, 0, 0, 33, 34, None]
    stats = mutation.module_stats(codes)
    assert stats["killed"] == 5 and stats["timeout"] == 1 and stats["survived"] == 2
    assert stats["no_tests"] == 1 and stats["skipped"] == 1 and stats["not_checked"] == 1
    assert stats["checked"] == 10
    assert stats["score"] == round(6 / 8, 4)


def test_suspicious_and_segfaults_count_against_the_score() -> None:
    stats = mutation.module_stats([1, 35, -11, 99])
    assert (stats["suspicious"], stats["segfault"]) == (2, 1)
    assert stats["score"] == 0.25


def test_nothing_tested_scores_zero() -> None:
    assert mutation.module_stats([None, 33])["score"] == 0.0
    assert mutation.module_stats([])["checked"] == 0


def test_metrics_keep_only_modules_that_ran() -> None:
    metrics = mutation.mutation_metrics(
        {
            "pipeline/spans.py": {
                "pipeline.spans.x_a__mutmut_1": 1,
                "pipeline.spans.x_a__mutmut_2": 0,
            },
            "pipeline/text.py": {"pipeline.text.x_n__mutmut_1": None},
        }
    )
    assert list(metrics["modules"]) == ["pipeline/spans.py"]
    assert metrics["modules"]["pipeline/spans.py"]["score"] == 0.5
    assert metrics["total"]["checked"] == 2 and metrics["total"]["not_checked"] == 1


def test_core_summary_counts_unmeasured_and_low_modules() -> None:
    metrics = mutation.mutation_metrics(
        {
            "pipeline/spans.py": {"pipeline.spans.x_a__mutmut_1": 1},
            "pipeline/formats/seed.py": {
                "pipeline.formats.seed.x_b__mutmut_1": 1,
                "pipeline.formats.seed.x_b__mutmut_2": 0,
            },
            "pipeline/gates/spans.py": {"pipeline.gates.spans.x_c__mutmut_1": None},
            # Not core: left out of the core figures whatever its score.
            "pipeline/gen/web.py": {"pipeline.gen.web.x_d__mutmut_1": 0},
        }
    )
    core = metrics["core"]
    assert core["modules"] == 3 and core["checked"] == 3 and core["killed"] == 2
    assert core["unmeasured"] == 1 and core["below_target"] == 1
    assert metrics["total"]["checked"] == 4


@pytest.mark.parametrize(
    ("module", "core"),
    [
        ("pipeline/spans.py", True),
        ("pipeline/formats/openai.py", True),
        ("pipeline/gates/grounding.py", True),
        ("pipeline/gates/report.py", False),
        ("pipeline/targets/stage.py", False),
        ("pipeline/spans.pyc", False),
    ],
)
def test_core_modules(module: str, core: bool) -> None:
    assert mutation.is_core(module) is core


def write_meta(root: Path, module: str, codes: dict[str, Any]) -> None:
    path = root / "mutants" / f"{module}.meta"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"exit_code_by_key": codes, "durations_by_key": {}}))


def test_read_results_from_mutmut_meta_files(tmp_path: Path) -> None:
    write_meta(tmp_path, "pipeline/spans.py", {"pipeline.spans.x_f__mutmut_1": 1})
    write_meta(tmp_path, "pipeline/gates/privacy.py", {"pipeline.gates.privacy.x__mutmut_1": 0})
    (tmp_path / "mutants" / "pipeline" / "spans.py").write_text("# mutated copy")
    assert mutation.read_results(tmp_path / "mutants") == {
        "pipeline/gates/privacy.py": {"pipeline.gates.privacy.x__mutmut_1": 0},
        "pipeline/spans.py": {"pipeline.spans.x_f__mutmut_1": 1},
    }


@pytest.mark.parametrize("content", ["{not json", '{"other": 1}', '{"exit_code_by_key": [1]}'])
def test_unreadable_meta_is_a_quality_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "mutants" / "pipeline" / "x.py.meta"
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(QualityError, match=r"x\.py\.meta: "):
        mutation.read_results(tmp_path / "mutants")


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("pipeline/spans.py", "pipeline.spans.*"),
        ("pipeline/gates", "pipeline.gates.*"),
        ("pipeline/gates/", "pipeline.gates.*"),
        ("pipeline/gates/__init__.py", "pipeline.gates.*"),
    ],
)
def test_mutant_patterns(path: str, pattern: str) -> None:
    assert mutation.mutant_pattern(path) == pattern


@pytest.mark.parametrize("path", ["", "/", "../x.py", ".hidden"])
def test_bad_mutant_paths(path: str) -> None:
    with pytest.raises(QualityError, match="not a module path"):
        mutation.mutant_pattern(path)


def test_mutmut_command() -> None:
    command = mutation.mutmut_command(["pipeline/spans.py"], 2)
    assert command[1:] == ["-m", "mutmut", "run", "--max-children", "2", "pipeline.spans.*"]
    assert mutation.mutmut_command([], None)[1:] == ["-m", "mutmut", "run"]


def test_run_mutmut_is_derandomised_and_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake(args: list[str], **kwargs: Any) -> ToolResult:
        seen.update(kwargs)
        return ToolResult(seen.setdefault("code", 0), "", "")

    monkeypatch.setattr(mutation, "run_tool", fake)
    mutation.run_mutmut(["pipeline/spans.py"])
    env = seen["env"]
    assert env["HYPOTHESIS_PROFILE"] == "mutation" and env["TOOLCALL_TEST_WARM"] == "1"
    # The tokenizer cache of the forked runs is a folder removed after the run.
    assert not Path(env["TOOLCALL_TEST_CACHE"]).exists()
    seen["code"] = 1
    with pytest.raises(QualityError, match=r"mutmut run failed \(exit code 1\)"):
        mutation.run_mutmut([])
