"""Mutation score from mutmut 3, per module and in total.

mutmut keeps one `mutants/<source path>.meta` JSON file per mutated module,
mapping each mutant to the exit code of its test run. The score follows the
issue's definition, killed / (checked - no_tests - skipped), where a timeout
counts as killed (the mutant made the tests hang, so they noticed it) and
mutants that were never run in the current state of the code are reported
as `not_checked` and left out, rather than counted either way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from pipeline.quality.tools import QualityError, python_module, run_tool

MUTANTS_DIR = Path("mutants")
DEFAULT_OUT = "metrics/mutation.json"
# mutmut 3's exit-code table (mutmut.stats.status_by_exit_code); unknown codes are
# "suspicious", as mutmut itself treats them. A test pins this table to mutmut's.
STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no_tests",
    2: "interrupted",
    None: "not_checked",
    33: "no_tests",
    34: "skipped",
    35: "suspicious",
    36: "timeout",
    37: "caught_by_type_check",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    -11: "segfault",
    -9: "segfault",
}
STATUSES = tuple(dict.fromkeys(STATUS_BY_EXIT_CODE.values()))
TARGET_SCORE = 0.80
# The modules whose score the quality bar applies to: span arithmetic, the
# extractor's parsers and target builders, and the verifier's checks. Stage
# drivers (extract.py, verify.py, targets/stage.py, gates/run.py, gates/item.py)
# and the report writers are exercised end to end by the integration tests,
# which are too slow to repeat once per mutant.
CORE_MODULES = (
    "pipeline/spans.py",
    "pipeline/bytebpe.py",
    "pipeline/formats/",
    "pipeline/targets/build.py",
    "pipeline/targets/calls.py",
    "pipeline/targets/chatml.py",
    "pipeline/targets/encode.py",
    "pipeline/targets/grounding.py",
    "pipeline/targets/integration.py",
    "pipeline/targets/place.py",
    "pipeline/targets/sentences.py",
    "pipeline/targets/sequence.py",
    "pipeline/gates/alignment.py",
    "pipeline/gates/calls.py",
    "pipeline/gates/checks.py",
    "pipeline/gates/grounding.py",
    "pipeline/gates/integration.py",
    "pipeline/gates/itemgates.py",
    "pipeline/gates/judge.py",
    "pipeline/gates/privacy.py",
    "pipeline/gates/safety.py",
    "pipeline/gates/setgates.py",
    "pipeline/gates/spanf1.py",
    "pipeline/gates/spans.py",
)


def is_core(module: str) -> bool:
    return any(
        module == core or (core.endswith("/") and module.startswith(core)) for core in CORE_MODULES
    )


KILLING = ("killed", "timeout", "caught_by_type_check")


def status(exit_code: int | None) -> str:
    return STATUS_BY_EXIT_CODE.get(exit_code, "suspicious")


def module_stats(exit_codes: Iterable[int | None]) -> dict[str, Any]:
    counts = dict.fromkeys(STATUSES, 0)
    for code in exit_codes:
        counts[status(code)] += 1
    checked = sum(counts.values()) - counts["not_checked"]
    tested = checked - counts["no_tests"] - counts["skipped"]
    killed = sum(counts[s] for s in KILLING)
    return {
        **counts,
        "checked": checked,
        "score": round(killed / tested, 4) if tested else 0.0,
    }


def mutation_metrics(codes_by_module: Mapping[str, Mapping[str, int | None]]) -> dict[str, Any]:
    """{total, core, modules}: per-module stats for modules with at least one checked mutant.

    `core` pools the core modules' mutants; `core.unmeasured` counts core modules
    with mutants of which none is checked yet, `core.below_target` those under
    TARGET_SCORE, so a partial run cannot pass for a complete one.
    """
    every_module = {
        name: module_stats(codes.values()) for name, codes in sorted(codes_by_module.items())
    }
    modules = {name: stats for name, stats in every_module.items() if stats["checked"]}
    every = [code for codes in codes_by_module.values() for code in codes.values()]
    core_names = [name for name in every_module if is_core(name)]
    core = module_stats(code for name in core_names for code in codes_by_module[name].values())
    core["modules"] = len(core_names)
    core["unmeasured"] = sum(
        1 for name in core_names if codes_by_module[name] and not every_module[name]["checked"]
    )
    core["below_target"] = sum(
        1 for name in core_names if name in modules and modules[name]["score"] < TARGET_SCORE
    )
    return {"total": module_stats(every), "core": core, "modules": modules}


def read_results(mutants_dir: Path = MUTANTS_DIR) -> dict[str, dict[str, int | None]]:
    """{"pipeline/spans.py": {mutant name: exit code}} from mutmut's .meta files."""
    results: dict[str, dict[str, int | None]] = {}
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        try:
            data = orjson.loads(meta.read_bytes())
            codes = data["exit_code_by_key"]
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise QualityError(f"{meta}: unreadable mutmut result file ({exc})") from exc
        if not isinstance(codes, dict):
            raise QualityError(f"{meta}: exit_code_by_key is not an object")
        results[meta.relative_to(mutants_dir).as_posix().removesuffix(".meta")] = codes
    return results


def mutant_pattern(path: str) -> str:
    """A module or package path -> mutmut's mutant-name glob.

    `pipeline/spans.py` -> `pipeline.spans.*`; `pipeline/gates` -> `pipeline.gates.*`.
    """
    stem = path.strip("/").removesuffix(".py").removesuffix("/__init__")
    if not stem or stem.startswith("."):
        raise QualityError(f"{path!r} is not a module path inside the project")
    return stem.replace("/", ".") + ".*"


def mutmut_command(paths: list[str], max_children: int | None) -> list[str]:
    args = ["run"]
    if max_children:
        args += ["--max-children", str(max_children)]
    return python_module("mutmut", *args, *(mutant_pattern(p) for p in paths))


def run_mutmut(paths: list[str], max_children: int | None = None) -> None:
    """Run mutmut on the given modules (all of source_paths when empty).

    Named modules are re-run in full; with none, mutmut runs only the mutants
    it has no result for, or whose function changed since its last result.
    """
    # Derandomised hypothesis (the "mutation" profile, tests/conftest.py): a mutant is
    # killed or not the same way on every run.
    # TOOLCALL_TEST_WARM: the fork server builds the test tokenizers once, into
    # TOOLCALL_TEST_CACHE (tests/fixture_tokenizers.py); forked runs never clean up.
    with tempfile.TemporaryDirectory(prefix="toolcall-mutation-") as cache:
        env = {
            "HYPOTHESIS_PROFILE": "mutation",
            "TOOLCALL_TEST_WARM": "1",
            "TOOLCALL_TEST_CACHE": cache,
        }
        result = run_tool(mutmut_command(paths, max_children), env=env, capture=False)
    if result.returncode != 0:
        raise QualityError(f"mutmut run failed (exit code {result.returncode})")
