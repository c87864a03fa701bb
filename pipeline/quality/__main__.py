"""python -m pipeline.quality {coverage,security,mutation}: write one metrics file each.

coverage   run the tests under pytest-cov (branch) -> metrics/coverage.json
security   bandit, pip-audit, PII/secret scan of the data -> metrics/security.json
mutation   mutmut 3 on the given modules (default: all) -> metrics/mutation.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipeline.cli import add_params, command_parser
from pipeline.params import ParamsError, load_params
from pipeline.quality import coverage, mutation, security
from pipeline.quality.tools import QualityError, refuse_inside_tests
from pipeline.records import RecordError, write_json


def _coverage(args: argparse.Namespace) -> dict[str, Any]:
    metrics = coverage.measure(args.markers, args.pytest_args)
    total = metrics["total"]
    print(
        f"coverage: line {total['line']}% branch {total['branch']}%, "
        f"{metrics['below_target']} module(s) below {coverage.TARGET_PERCENT}%"
    )
    return metrics


def _security(args: argparse.Namespace) -> dict[str, Any]:
    from pipeline.quality.datascan import scan_file

    refuse_inside_tests("security")
    params = load_params(args.params)
    audit = (
        security.pip_audit_summary(Path(args.pip_audit_json).read_text(encoding="utf-8"))
        if args.pip_audit_json
        else security.run_pip_audit()
    )
    metrics = {
        "bandit": security.run_bandit(args.paths),
        "pip_audit": audit,
        "data": scan_file(
            args.data or params.generate.out,
            params.verify.url_allowlist,
            params.run.max_line_bytes,
        ),
    }
    bandit = metrics["bandit"]
    print(
        f"security: bandit high={bandit['high']} medium={bandit['medium']} low={bandit['low']}; "
        f"pip-audit {audit['status']} ({audit['audited']} audited, {audit['skipped']} skipped); "
        f"data hits {metrics['data']['hits']} in {metrics['data']['items']} items"
    )
    return metrics


def _mutation(args: argparse.Namespace) -> dict[str, Any]:
    if not args.no_run:
        paths = [*(mutation.CORE_MODULES if args.core else ()), *args.paths]
        mutation.run_mutmut(paths, args.max_children)
    metrics = mutation.mutation_metrics(mutation.read_results())
    for name, stats in metrics["modules"].items():
        print(f"mutation: {name}: {stats['score']:.2%} of {stats['checked']} checked")
    core = metrics["core"]
    print(
        f"mutation: core modules {core['score']:.2%} of {core['checked']} checked; "
        f"{core['below_target']} below {mutation.TARGET_SCORE:.0%}, {core['unmeasured']} unmeasured"
    )
    return metrics


def parser() -> argparse.ArgumentParser:
    root = command_parser("python -m pipeline.quality", __doc__)
    commands = root.add_subparsers(dest="command", required=True)

    cov = commands.add_parser("coverage", help="test coverage (line and branch)")
    cov.add_argument("--out", default=coverage.DEFAULT_OUT)
    cov.add_argument("--markers", default=coverage.DEFAULT_MARKERS, help="pytest -m expression")
    cov.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    cov.set_defaults(run=_coverage)

    sec = commands.add_parser("security", help="bandit, pip-audit and data privacy scan")
    sec.add_argument("--out", default="metrics/security.json")
    add_params(sec)
    sec.add_argument("--data", help="records file to scan (default: generate.out)")
    sec.add_argument("--pip-audit-json", help="use this saved `pip-audit -f json` output")
    sec.add_argument("--paths", nargs="+", default=["pipeline"], help="what bandit scans")
    sec.set_defaults(run=_security)

    mut = commands.add_parser("mutation", help="mutmut 3 mutation score")
    mut.add_argument("--out", default=mutation.DEFAULT_OUT)
    mut.add_argument("--max-children", type=int, help="parallel mutant runs (default: cores)")
    mut.add_argument("--no-run", action="store_true", help="only summarise mutants/ results")
    mut.add_argument(
        "paths",
        nargs="*",
        help="modules or packages to re-run in full, e.g. pipeline/spans.py (default: only "
        "mutants without a current result); `--core` adds the core modules",
    )
    mut.add_argument("--core", action="store_true", help="re-run the core modules in full")
    mut.set_defaults(run=_mutation)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        metrics = args.run(args)
        write_json(args.out, metrics)
    except (QualityError, ParamsError, RecordError, OSError) as exc:
        print(f"quality {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
