"""Security metrics: bandit counts, an honest pip-audit status, data privacy hits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fixture_items import record_header

from pipeline.gates.codes import PRIVACY_REASONS
from pipeline.quality import datascan, security
from pipeline.quality.tools import QualityError, ToolResult
from pipeline.records import RecordError, write_records

# What pip-audit prints when its vulnerability service cannot be reached but the
# lookups "succeed" with 404s: every package skipped, and still exit code 0.
OFFLINE = {
    "dependencies": [
        {"name": "orjson", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        {"name": "pyyaml", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ],
    "fixes": [],
}
ONLINE_CLEAN = {
    "dependencies": [
        {"name": "orjson", "version": "3.13.0", "vulns": []},
        {"name": "pyyaml", "version": "6.0.3", "vulns": []},
    ],
    "fixes": [],
}
ONLINE_VULNERABLE = {
    "dependencies": [
        {"name": "torch", "version": "2.0.0", "vulns": [{"id": "PYSEC-1"}, {"id": "GHSA-2"}]},
        {"name": "orjson", "version": "3.13.0", "vulns": []},
        {"name": "local-only", "skip_reason": "Dependency not found on PyPI"},
    ],
    "fixes": [],
}


def audit(report: Any) -> dict[str, Any]:
    return security.pip_audit_summary(report if isinstance(report, str) else json.dumps(report))


def test_an_offline_audit_is_unavailable_never_clean() -> None:
    assert audit(OFFLINE) == {
        "status": "unavailable",
        "dependencies": 2,
        "audited": 0,
        "skipped": 2,
        "vulnerable": 0,
        "vulnerabilities": 0,
    }


@pytest.mark.parametrize(
    "output", ["", "Traceback (most recent call last):", "[]", '{"x": 1}', '{"dependencies": 5}']
)
def test_a_crashed_audit_is_unavailable(output: str) -> None:
    summary = audit(output)
    assert summary["status"] == "unavailable" and summary["audited"] == 0


def test_an_online_audit_is_counted() -> None:
    assert audit(ONLINE_CLEAN)["status"] == "clean"
    assert audit(ONLINE_CLEAN)["audited"] == 2
    vulnerable = audit(ONLINE_VULNERABLE)
    assert vulnerable == {
        "status": "vulnerable",
        "dependencies": 3,
        "audited": 2,
        "skipped": 1,
        "vulnerable": 1,
        "vulnerabilities": 2,
    }


def test_a_partly_skipped_clean_audit_says_partial() -> None:
    mixed = {"dependencies": ONLINE_CLEAN["dependencies"] + OFFLINE["dependencies"][:1]}
    assert audit(mixed)["status"] == "partial"
    assert audit({"dependencies": ["not-an-object"]})["status"] == "unavailable"


def test_run_pip_audit_reads_stdout_whatever_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake(args: list[str], **kwargs: Any) -> ToolResult:
        calls.append(list(args))
        return ToolResult(1, json.dumps(ONLINE_VULNERABLE), "")

    monkeypatch.setattr(security, "run_tool", fake)
    assert security.run_pip_audit()["status"] == "vulnerable"
    assert calls[0][1:3] == ["-m", "pip_audit"] and "--skip-editable" in calls[0]


def test_run_pip_audit_that_cannot_run_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: list[str], **kwargs: Any) -> ToolResult:
        raise QualityError("pip_audit: no result within 900 s")

    monkeypatch.setattr(security, "run_tool", broken)
    assert security.run_pip_audit()["status"] == "unavailable"


BANDIT = {
    "errors": [{"filename": "pipeline/broken.py", "reason": "syntax error"}],
    "metrics": {"_totals": {"nosec": 1, "skipped_tests": 2, "loc": 100}},
    "results": [
        {"issue_severity": "HIGH", "test_id": "B307"},
        {"issue_severity": "MEDIUM", "test_id": "B506"},
        {"issue_severity": "LOW", "test_id": "B101"},
        {"issue_severity": "LOW", "test_id": "B101"},
        {"issue_severity": "WEIRD", "test_id": "B999"},
    ],
}


def test_bandit_counts_by_severity_with_suppressions_and_errors() -> None:
    assert security.bandit_counts(BANDIT) == {
        "high": 1,
        "medium": 1,
        "low": 2,
        "undefined": 1,
        "nosec": 1,
        "skipped_tests": 2,
        "errors": 1,
    }
    assert security.bandit_counts({})["errors"] == 0


def test_bandit_without_a_report_is_a_quality_error() -> None:
    with pytest.raises(QualityError, match=r"bandit produced no JSON report \(exit 2\): boom"):
        security.parse_bandit(ToolResult(2, "", "trace\nboom\n"))
    with pytest.raises(QualityError, match="not an object"):
        security.parse_bandit(ToolResult(0, "[]", ""))


def test_run_bandit_for_real_finds_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "danger.py").write_text(
        "import subprocess\nimport yaml\n\n\ndef f(cmd, text):\n"
        "    subprocess.call(cmd, shell=True)\n"
        "    return yaml.load(text, Loader=yaml.Loader)\n",
        encoding="utf-8",
    )
    counts = security.run_bandit([str(bad)])
    assert counts["high"] >= 1  # shell=True
    assert counts["medium"] >= 1  # yaml.load
    assert counts["errors"] == 0


def header() -> dict[str, Any]:
    return record_header(3, seed=1)


def test_data_scan_counts_hits_per_kind_with_a_fixed_key_set(tmp_path: Path) -> None:
    path = tmp_path / "gen.jsonl"
    items = [
        {"id": "a", "prompt": "Read docs/readme.md", "teacher_text": "Done, see example.com."},
        {
            "id": "b",
            "prompt": "Mail ana.perez@corp-mail.net",
            "teacher_text": "key AKIAIOSFODNN7EXAMPLE at https://evil.test/x",
        },
    ]
    write_records(path, header(), items)
    with path.open("ab") as handle:
        handle.write(b"not json\n")
    scanned = datascan.scan_file(path, ("example.com",))
    assert set(scanned["by_kind"]) == set(PRIVACY_REASONS)
    assert scanned["items"] == 2 and scanned["unreadable"] == 1
    assert scanned["items_with_hits"] == 1
    assert scanned["by_kind"]["pii_email"] == 1
    assert scanned["by_kind"]["url_not_allowlisted"] == 1
    assert scanned["secrets"] == scanned["by_kind"]["secret"] >= 1
    assert scanned["hits"] == sum(scanned["by_kind"].values())
    assert scanned["pii"] == 1


def test_data_scan_of_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="cannot open"):
        datascan.scan_file(tmp_path / "none.jsonl", ())
