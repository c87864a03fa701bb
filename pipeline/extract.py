"""Stage `extract`: re-derive process-supervision targets from the teacher text.

DVC mode (``python -m pipeline.extract [--params FILE]``) reads
``extract.inp`` (the generated set) and writes ``extract.out``, the training
export and the rejects file. External mode (``--in FILE --out FILE``) runs the
same extractor on any JSONL, such as teacher outputs written by a real LLM:
header optional, format per record or forced with ``--format``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cli import add_params, command_parser
from pipeline.formats import FORMATS
from pipeline.parallel import BackendError, builds_state_here
from pipeline.params import Params, ParamsError, load_params
from pipeline.records import RecordError
from pipeline.student import TokenizerError, preloading

if TYPE_CHECKING:
    from pipeline.targets.stage import Job


def _sibling(out: str, suffix: str) -> str:
    path = Path(out)
    return str(path.with_name(f"{path.stem}{suffix}"))


def build_job(args: argparse.Namespace, params: Params) -> Job:
    from pipeline.targets.build import Settings
    from pipeline.targets.stage import Job

    ext = params.extract
    external = args.inp is not None
    # External mode writes the trainer exports only when asked (--export-dir).
    export_dir = args.export_dir or (None if external else ext.export_dir)
    settings = Settings(
        fmt=args.format or ext.format,
        cap=params.generate.integration_span_cap,
        min_chars=ext.ground_min_chars,
        trim_attribution=ext.trim_attribution,
        train_failed_attempts=params.export.train_on_failed_attempts,
        # Their lines are built per item in the workers: not when nothing writes them.
        exports=ext.exports if export_dir is not None else (),
        validation_share=ext.validation_share,
    )
    return Job(
        inp=args.inp or ext.inp,
        out=args.out or ext.out,
        export=args.export or (_sibling(args.out, ".parquet") if external else ext.export),
        rejects=args.rejects or (_sibling(args.out, ".rejects.jsonl") if external else ext.rejects),
        tokenizer=args.tokenizer or params.tokenizer.out,
        settings=settings,
        external=external,
        workers=params.workers(),
        backend=params.run.backend,
        chunk_size=params.run.chunk_size,
        row_group_rows=ext.row_group_rows,
        export_dir=export_dir,
        max_line_bytes=params.run.max_line_bytes,
        show_progress=params.run.progress,
    )


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.extract", __doc__)
    add_params(parser)
    parser.add_argument("--in", dest="inp", help="external mode: any JSONL file")
    parser.add_argument("--out", help="external mode: the extracted JSONL")
    parser.add_argument("--format", choices=FORMATS, help="default: extract.format (auto)")
    parser.add_argument("--tokenizer", help="tokenizer directory (default: tokenizer.out)")
    parser.add_argument("--export", help="Parquet export (external default: OUT stem + .parquet)")
    parser.add_argument(
        "--export-dir", help="trainer-native exports (default: extract.export_dir; external: none)"
    )
    parser.add_argument("--rejects", help="rejects (external default: OUT stem + .rejects.jsonl)")
    args = parser.parse_args(argv)
    if (args.inp is None) != (args.out is None):
        parser.error("--in and --out go together")
    try:
        external = args.inp is not None
        params = (
            Params() if external and not Path(args.params).exists() else load_params(args.params)
        )
        tokenizer = args.tokenizer or params.tokenizer.out
        here = builds_state_here(params.workers(), params.run.backend)
        # The tokenizer is read on a thread while the extractor's modules import.
        with preloading(tokenizer, wanted=here):
            from pipeline.targets.stage import run, summary

            job = build_job(args, params)
            counts = run(job)
    except (ParamsError, RecordError, TokenizerError, BackendError) as exc:
        print(f"extract: error: {exc}", file=sys.stderr)
        return 2
    print(summary(counts, job))
    return 0


if __name__ == "__main__":
    sys.exit(main())
