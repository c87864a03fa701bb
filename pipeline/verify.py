"""Stage `verify`: check every item and the set, write report, metrics, plots and card.

    python -m pipeline.verify [--params params.yaml]          (DVC stage)
    python -m pipeline.verify --in FILE --report FILE [--tokenizer DIR]

In DVC mode every gate applies and all outputs are written before the exit
code is decided: non-zero when any gate fails, so DVC refuses to lock a bad
dataset while the reviewer still gets the report. On any other extracted file
only the report is written, with the gates the data cannot support listed as
skipped. The measured speed is printed and gated, never written. Exit codes:
0 all gates pass, 1 a gate failed, 2 an error (bad input, or a crash: never 1).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cli import add_params, command_parser
from pipeline.parallel import BackendError, builds_state_here
from pipeline.params import Params, ParamsError, load_params
from pipeline.records import RecordError, write_json, write_text
from pipeline.student import TokenizerError, preloading
from pipeline.tools.registry import RegistryError

if TYPE_CHECKING:
    from pipeline.gates.run import Outcome


def verify(params: Params, source: str, tokenizer: str, *, dvc_mode: bool) -> Outcome:
    """`pipeline.gates.run.verify`, imported when called: the gates' modules
    (numpy, detect_secrets, jinja2, ...) import while the tokenizer preloads."""
    from pipeline.gates.run import verify as run_gates

    return run_gates(params, source, tokenizer, dvc_mode=dvc_mode)


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.verify", __doc__)
    add_params(parser)
    parser.add_argument("--in", dest="inp", metavar="FILE", help="verify this file (standalone)")
    parser.add_argument("--report", metavar="FILE", help="report path (standalone)")
    parser.add_argument("--tokenizer", metavar="DIR", help="tokenizer directory (standalone)")
    args = parser.parse_args(argv)
    if (args.inp is None) != (args.report is None):
        parser.error("--in and --report go together")
    dvc_mode = args.inp is None
    try:
        params = load_params(args.params) if dvc_mode or Path(args.params).exists() else Params()
        v = params.verify
        source = v.inp if dvc_mode else args.inp
        tokenizer = args.tokenizer or params.tokenizer.out
        here = builds_state_here(params.workers(), params.run.backend)
        with preloading(tokenizer, wanted=here):
            outcome = verify(params, source, tokenizer, dvc_mode=dvc_mode)
        from pipeline.gates.report import (
            Speed,
            build_metrics,
            gate_metrics,
            gate_table,
            reason_metrics,
            write_report,
        )

        report = outcome.report
        if dvc_mode:
            # Imported here: the card reads the Parquet export (pyarrow) and the plots
            # need dvc_render, which a standalone run (`--in`) never writes; that is
            # about a third of its start-up.
            from pipeline.gates.card import render_card
            from pipeline.gates.cardfacts import export_docs, length_figures, trainer_exports
            from pipeline.gates.plots import write_plots

            write_report(v.report, report)
            write_json(v.metrics, build_metrics(report))
            write_json(v.gate_metrics, gate_metrics(report))
            write_json(v.reason_metrics, reason_metrics(report))
            write_plots(v.plots_dir, outcome.stats, report["integration_f1"]["per_tool"])
            lengths = length_figures(outcome.stats.sequence_lengths)
            exports = export_docs(params.extract.export)
            trainers = trainer_exports(params.extract.export_dir)
            card = render_card(report, lengths, exports, str(Path(v.card).parent), trainers)
            write_text(v.card, card)
        else:
            write_report(args.report, report)
    except (ParamsError, RecordError, TokenizerError, RegistryError, BackendError, OSError) as exc:
        print(f"verify: error: {exc}", file=sys.stderr)
        return 2
    except Exception:  # a crash is an error (2), never "gates failed" (1)
        traceback.print_exc()
        print("verify: error: unexpected exception (a bug in verify)", file=sys.stderr)
        return 2
    speed = Speed(
        outcome.seconds_per_100, v.max_seconds_per_100, v.speed_min_items, outcome.items_read
    )
    print(f"verify: {report['summary']['items']} items from {source} ({report['mode']} mode)")
    print(gate_table(report, speed))
    return 1 if report["summary"]["failed_gates"] or not speed.ok else 0


if __name__ == "__main__":
    sys.exit(main())
