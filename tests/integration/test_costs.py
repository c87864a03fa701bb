"""`python -m pipeline.costs`: each function's time is filed under the right cost, time
in shared code (regular expressions, builtins) goes to whoever called it, and a real run
profiles all three stages."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

import orjson
import pytest
import yaml

from pipeline import costs
from pipeline.gates.privacy import scan_text
from pipeline.records import parse_line

ROOT = Path(__file__).resolve().parents[2]


def profile(work: object) -> dict[costs.Key, object]:
    profiler = cProfile.Profile()
    profiler.runcall(work)  # type: ignore[arg-type]
    return pstats.Stats(profiler).stats  # type: ignore[attr-defined,no-any-return]


def own_time(stats: dict[costs.Key, object], fragment: str) -> float:
    return sum(row[2] for key, row in stats.items() if fragment in key[2])  # type: ignore[index]


@pytest.mark.parametrize(
    ("key", "cost"),
    [
        (("~", 0, "<built-in method orjson.loads>"), costs.READING),
        (("~", 0, "<built-in method orjson.dumps>"), costs.SERIALISING),
        (("~", 0, "<method 'encode_ordinary' of 'builtins.CoreBPE' objects>"), costs.TOKENISING),
        (("~", 0, "<built-in method from_file>"), costs.LOADS),
        (("~", 0, "<built-in method builtins.len>"), None),
        (("/x/lib/python3.11/re/__init__.py", 1, "search"), None),
        (("/x/site-packages/jsonschema/validators.py", 1, "iter_errors"), costs.SCHEMA),
        (("/x/site-packages/pyarrow/parquet/core.py", 1, "write_table"), costs.PARQUET),
        (("<template>", 4, "root"), costs.RENDERING),
        (("/repo/pipeline/gates/privacy.py", 1, "scan_text"), costs.GATES),
        (("/repo/pipeline/gates/alignment.py", 1, "encode_many"), costs.TOKENISING),
        (("/repo/pipeline/gates/alignment.py", 1, "is_cover"), costs.SPANS),
        (("/repo/pipeline/formats/schema.py", 1, "validate"), costs.SCHEMA),
        (("/repo/pipeline/formats/scan.py", 1, "scan_object"), costs.READING),
        (("/repo/pipeline/targets/grounding.py", 1, "fields"), costs.EXTRACTION),
        (("/repo/pipeline/student.py", 1, "render"), costs.RENDERING),
        (("/repo/pipeline/student.py", 1, "__init__"), costs.LOADS),
        (("/repo/pipeline/records.py", 1, "write"), costs.SERIALISING),
        (("/repo/pipeline/records.py", 1, "parse_line"), costs.READING),
        (("/repo/pipeline/world/execute.py", 1, "execute"), costs.WORLD),
        (("/repo/pipeline/gen/item.py", 1, "generate_item"), costs.GENERATION),
        (("/repo/pipeline/exports.py", 1, "add"), costs.PARQUET),
        (("/repo/pipeline/export.py", 1, "add"), costs.PARQUET),
        (("/repo/pipeline/parallel.py", 1, "map_chunks"), costs.OTHER),
        (("/repo/pipeline/gates/x.py", 1, "<module>"), costs.STARTUP),
    ],
)
def test_each_function_is_filed_under_its_cost(key: costs.Key, cost: str | None) -> None:
    assert costs.own_cost(key) == cost


def test_regular_expressions_run_by_a_gate_are_the_gate_s_cost() -> None:
    text = "mail ana@example.org, key AKIAIOSFODNN7EXAMPLE, id 123e4567-e89b-12d3-a456-426614174000"
    # Distinct texts: `scan_text` remembers a text's findings (privacy.MEMO_TEXTS).
    stats = profile(lambda: [scan_text(f"{text} {n}", ()) for n in range(300)])
    filed = costs.file_costs(stats)  # type: ignore[arg-type]
    regex = own_time(stats, "Pattern")  # re's C methods: search, finditer, ...
    assert regex > 0
    # Every second of own time is filed exactly once ...
    assert sum(filed.values()) == pytest.approx(sum(r[2] for r in stats.values()))  # type: ignore[index]
    # ... and the regular expressions' time is in the gate's, not "other".
    assert filed[costs.GATES] >= regex
    assert filed[costs.READING] == 0


def test_parsing_a_line_is_reading() -> None:
    line = orjson.dumps({"id": "a", "prompt": "p" * 2000}) + b"\n"
    stats = profile(lambda: [parse_line(line) for _ in range(2000)])
    filed = costs.file_costs(stats)  # type: ignore[arg-type]
    assert filed[costs.READING] > 0.5 * sum(filed.values())


def test_a_real_run_profiles_every_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "costs.json"
    base = tmp_path / "params.yaml"
    base.write_text((ROOT / "params.yaml").read_text("utf-8"), "utf-8")
    assert costs.main(["--total", "30", "--params", str(base), "--out", str(out)]) == 0
    report = orjson.loads(out.read_bytes())
    assert set(report["stages"]) == {"generate", "extract", "verify"}
    main = {"generate": costs.GENERATION, "extract": costs.EXTRACTION, "verify": costs.GATES}
    for stage, figures in report["stages"].items():
        filed = figures["costs"]
        assert set(filed) == set(costs.COSTS)
        assert figures["exit_code"] == 0
        assert filed[main[stage]] > 0 and filed[costs.STARTUP] > 0
    assert report["stages"]["extract"]["costs"][costs.PARQUET] > 0
    assert report["stages"]["verify"]["costs"][costs.RENDERING] > 0  # its own Jinja rendering
    table = capsys.readouterr().out
    assert "profiled CPU share per stage, N=30" in table and "tokenising" in table
    assert yaml.safe_load(base.read_text("utf-8"))["generate"]["total"] != 30  # base untouched


def test_a_failing_stage_reports_its_exit_code(tmp_path: Path) -> None:
    """`python -m cProfile` exits 0 whatever the profiled program returned; ours does not."""
    out = tmp_path / "verify.prof"
    code = costs.profile_child("verify", str(tmp_path / "missing-params.yaml"), str(out))
    assert code != 0
    assert pstats.Stats(str(out)).total_calls > 0  # type: ignore[attr-defined]


def test_a_stage_that_exits_through_systemexit_reports_its_code(tmp_path: Path) -> None:
    """A stage's argument error raises SystemExit (argparse): its code is still the
    child's, and the profile is still written."""
    out = tmp_path / "generate.prof"
    assert costs.profile_child("generate", "--help", str(out)) == 2  # --params lacks a value
    assert pstats.Stats(str(out)).total_calls > 0  # type: ignore[attr-defined]


def test_a_cost_no_stage_spent_is_left_out_of_the_table() -> None:
    spent = {cost: 0.0 for cost in costs.COSTS} | {costs.GENERATION: 2.0, costs.STARTUP: 1.0}
    table = costs.format_costs({"total": 5, "stages": {"generate": {"costs": spent}}})
    assert costs.GENERATION in table and costs.PARQUET not in table
    assert "66.7%" in table and "3.0s" in table


def test_a_total_below_one_is_refused() -> None:
    with pytest.raises(SystemExit) as exc:
        costs.main(["--total", "0"])
    assert exc.value.code == 2
