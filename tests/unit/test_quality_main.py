"""`python -m pipeline.quality ...`: one metrics file per command, clear errors, no traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.quality import __main__ as cli
from pipeline.quality import coverage, mutation, security
from pipeline.quality.tools import IN_TEST_ENV, QualityError, run_tool
from pipeline.records import make_header, write_records


def test_run_tool_captures_output_and_exit_code() -> None:
    result = run_tool([sys.executable, "-c", "import sys; print('out'); sys.exit(3)"])
    assert (result.returncode, result.stdout) == (3, "out\n")


def test_run_tool_with_a_missing_executable() -> None:
    with pytest.raises(QualityError, match=r"no-such-tool-xyz: not found"):
        run_tool(["no-such-tool-xyz"])


def test_run_tool_timeout() -> None:
    with pytest.raises(QualityError, match=r"no result within 0\.2 s"):
        run_tool([sys.executable, "-c", "import time; time.sleep(5)"], timeout=0.2)


def test_mutation_summary_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    meta = tmp_path / "mutants" / "pipeline" / "spans.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"a": 1, "b": 1, "c": 0, "d": 36}}))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["mutation", "--no-run", "--out", "m.json"]) == 0
    written = json.loads((tmp_path / "m.json").read_text())
    assert written["modules"]["pipeline/spans.py"]["score"] == 0.75


def test_mutation_runs_mutmut_on_the_given_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[Any] = []
    monkeypatch.setattr(
        mutation, "run_mutmut", lambda paths, children: ran.append((paths, children))
    )
    monkeypatch.chdir(tmp_path)
    assert cli.main(["mutation", "--max-children", "2", "pipeline/spans.py"]) == 0
    assert ran == [(["pipeline/spans.py"], 2)]
    assert json.loads((tmp_path / "metrics" / "mutation.json").read_text())["modules"] == {}
    assert cli.main(["mutation", "--core", "pipeline/bench.py"]) == 0
    assert ran[-1] == ([*mutation.CORE_MODULES, "pipeline/bench.py"], None)


def test_coverage_command_writes_the_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics = {"total": {"line": 95.0, "branch": 91.0}, "modules": {}, "below_target": 0}
    seen: list[Any] = []
    monkeypatch.setattr(coverage, "measure", lambda m, extra: seen.append((m, extra)) or metrics)
    out = tmp_path / "coverage.json"
    assert cli.main(["coverage", "--out", str(out), "--", "-k", "spans"]) == 0
    assert seen == [(coverage.DEFAULT_MARKERS, ["-k", "spans"])]
    assert json.loads(out.read_text()) == metrics


def test_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["coverage", "--out", str(tmp_path / "c.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("quality coverage: error: refusing to run the coverage stage")
    assert "Traceback" not in err and not (tmp_path / "c.json").exists()


def test_security_command_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "generated.jsonl"
    header = make_header(
        dataset_version="2.0.0",
        tokenizer_fingerprint={"id": "t", "sha256": "0", "normalizer": "NFC+LF"},
        tool_registry_sha256="1",
        integration_span_cap=3,
        seed=1,
        num_shards=1,
        shard_index=0,
        total_samples=1,
    )
    write_records(data, header, [{"id": "a", "prompt": "hi", "teacher_text": "see example.org"}])
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps({"dependencies": [{"name": "x", "skip_reason": "not found"}]}))
    out = tmp_path / "security.json"
    monkeypatch.delenv(IN_TEST_ENV)
    params = tmp_path / "params.yaml"
    params.write_text("verify:\n  url_allowlist: [example.org]\n", encoding="utf-8")
    monkeypatch.setattr(security, "run_bandit", lambda paths: {"high": 0, "medium": 0, "low": 1})
    code = cli.main(
        [
            "security",
            "--params",
            str(params),
            "--data",
            str(data),
            "--pip-audit-json",
            str(audit),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    written = json.loads(out.read_text())
    assert written["pip_audit"]["status"] == "unavailable"
    assert written["data"]["items"] == 1 and written["data"]["hits"] == 0
    assert written["bandit"]["high"] == 0


def test_security_refuses_to_run_inside_a_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["security", "--out", str(tmp_path / "s.json")]) == 2
    assert "refusing to run the security stage inside a test" in capsys.readouterr().err


def test_security_with_bad_params_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(IN_TEST_ENV)
    params = tmp_path / "params.yaml"
    params.write_text("generate:\n  totl: 3\n")
    assert cli.main(["security", "--params", str(params), "--out", str(tmp_path / "s.json")]) == 2
    assert "generate.totl: unknown key" in capsys.readouterr().err
