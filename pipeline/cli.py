"""What every command line of the package shares: paragraphs kept in --help, and --params.

The module docstrings are the commands' help: argparse's default formatter
would join their paragraphs and usage lines into one block, so the raw
description formatter keeps them as written.
"""

from __future__ import annotations

import argparse

PARAMS_HELP = (
    "the params file (default: %(default)s); each stage reads its own section plus "
    "seed and run, and an unknown key is an error"
)


def command_parser(prog: str, doc: str | None, **kwargs: object) -> argparse.ArgumentParser:
    """An ArgumentParser for `python -m <prog>` whose help keeps `doc`'s paragraphs."""
    return argparse.ArgumentParser(
        prog=prog,
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,  # type: ignore[arg-type]
    )


def add_params(parser: argparse.ArgumentParser, default: str = "params.yaml") -> None:
    parser.add_argument("--params", default=default, metavar="FILE", help=PARAMS_HELP)
