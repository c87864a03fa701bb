"""Security figures: bandit over the package, pip-audit over the environment.

Both tools are run for real and their JSON is reduced by pure functions, so
the reductions are tested on recorded outputs. pip-audit needs its
vulnerability service: offline it either fails outright or reports every
package as "not found" while still saying "No known vulnerabilities found".
Neither is a clean audit, so the status here comes from what was actually
audited, never from pip-audit's exit code or wording.
"""

from __future__ import annotations

from typing import Any

import orjson

from pipeline.quality.tools import QualityError, ToolResult, python_module, run_tool

SEVERITIES = ("high", "medium", "low", "undefined")
AUDIT_STATUSES = ("clean", "partial", "vulnerable", "unavailable")
PIP_AUDIT_TIMEOUT_S = 900.0


def bandit_command(paths: list[str]) -> list[str]:
    return python_module("bandit", "-r", *paths, "-f", "json", "-q")


def bandit_counts(report: dict[str, Any]) -> dict[str, int]:
    """Findings by severity, plus suppressions and files bandit could not scan."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in report.get("results") or []:
        severity = str(finding.get("issue_severity", "undefined")).lower()
        counts[severity if severity in counts else "undefined"] += 1
    totals = (report.get("metrics") or {}).get("_totals") or {}
    # Suppressions stay visible: blanket nosec comments and per-test (BXXX) skips.
    counts["nosec"] = int(totals.get("nosec", 0))
    counts["skipped_tests"] = int(totals.get("skipped_tests", 0))
    # A file bandit failed to parse was not scanned at all: never silently clean.
    counts["errors"] = len(report.get("errors") or [])
    return counts


def parse_bandit(result: ToolResult) -> dict[str, int]:
    """bandit exits 1 when it finds anything; only a missing report is a failure."""
    try:
        report = orjson.loads(result.stdout)
    except orjson.JSONDecodeError as exc:
        detail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise QualityError(
            f"bandit produced no JSON report (exit {result.returncode}): {detail[0]}"
        ) from exc
    if not isinstance(report, dict):
        raise QualityError("bandit's JSON report is not an object")
    return bandit_counts(report)


def run_bandit(paths: list[str]) -> dict[str, int]:
    return parse_bandit(run_tool(bandit_command(paths)))


def pip_audit_command(timeout_s: int = 15) -> list[str]:
    # --skip-editable: this project itself is not on PyPI and is audited by bandit instead.
    return python_module(
        "pip_audit",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--skip-editable",
        "--timeout",
        str(timeout_s),
    )


def audit_status(audited: int, skipped: int, vulnerable: int) -> str:
    if vulnerable:
        return "vulnerable"
    if not audited:
        return "unavailable"
    return "partial" if skipped else "clean"


def pip_audit_summary(output: str) -> dict[str, Any]:
    """Counts from pip-audit's JSON output; anything unreadable means no audit happened."""
    try:
        report = orjson.loads(output)
        dependencies = report["dependencies"]
        if not isinstance(dependencies, list):
            raise TypeError("dependencies is not a list")
    except (orjson.JSONDecodeError, KeyError, TypeError):
        dependencies = []
    audited = skipped = vulnerable = vulnerabilities = 0
    for dep in dependencies:
        if not isinstance(dep, dict) or "skip_reason" in dep or "vulns" not in dep:
            skipped += 1
            continue
        audited += 1
        found = len(dep["vulns"] or [])
        vulnerabilities += found
        vulnerable += 1 if found else 0
    return {
        "status": audit_status(audited, skipped, vulnerable),
        "dependencies": len(dependencies),
        "audited": audited,
        "skipped": skipped,
        "vulnerable": vulnerable,
        "vulnerabilities": vulnerabilities,
    }


def run_pip_audit() -> dict[str, Any]:
    """Audit this interpreter's environment; a crashed or offline audit is `unavailable`."""
    try:
        result = run_tool(pip_audit_command(), timeout=PIP_AUDIT_TIMEOUT_S)
    except QualityError:
        return pip_audit_summary("")
    return pip_audit_summary(result.stdout)
