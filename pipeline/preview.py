"""Show a few rows of the training export with their masks over the decoded tokens.

    python -m pipeline.preview                      the first 3 rows of extract.export
    python -m pipeline.preview --ids ctx-000042 ctx-000100
    python -m pipeline.preview --export FILE --tokenizer DIR --n 1

Consecutive tokens with the same role are decoded together and marked:

    [[asst: ...]]    an assistant-turn token with a loss (labels != -100)
    [[name: ...]]    a tool name (tool_name_mask)
    [[args: ...]]    a call's JSON arguments (tool_args_mask)
    [[intg: ...]]    an answer token that integrates a tool result (integration_mask)
    [[noloss: ...]]  an assistant token left out of the loss (a marked failed attempt)

Unmarked text (system, user, tool responses) carries no loss. On a terminal
the roles are coloured instead of bracketed (--color always|never overrides).
Long unmarked stretches are shortened unless --full.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.cli import add_params, command_parser
from pipeline.params import Params, ParamsError, load_params
from pipeline.student import Student, TokenizerError

# Most specific first: a token inside a call's name is also an assistant token.
ROLES = ("name", "args", "intg", "asst", "noloss")
COLORS = {  # ANSI background colours
    "asst": "\x1b[44m",
    "name": "\x1b[41m",
    "args": "\x1b[43;30m",
    "intg": "\x1b[42;30m",
    "noloss": "\x1b[100m",
}
RESET = "\x1b[0m"
ELIDE_CHARS = 400  # unmarked runs longer than this are shortened


class PreviewError(ValueError):
    """A preview request that cannot be served (no such file, id or column)."""


def role_of(row: dict[str, Any], i: int) -> str | None:
    """The most specific role of token i, or None for a token outside every mask."""
    if row["tool_name_mask"][i]:
        return "name"
    if row["tool_args_mask"][i]:
        return "args"
    if row["integration_mask"][i]:
        return "intg"
    if row["assistant_mask"][i]:
        return "asst" if row["labels"][i] != -100 else "noloss"
    return None


def runs(row: dict[str, Any]) -> Iterator[tuple[str | None, list[int]]]:
    """(role, token ids) for each stretch of consecutive tokens with one role."""
    ids = row["input_ids"]
    start = 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or role_of(row, i) != role_of(row, start):
            yield role_of(row, start), ids[start:i]
            start = i


def _elide(text: str) -> str:
    if len(text) <= ELIDE_CHARS:
        return text
    half = ELIDE_CHARS // 2
    return f"{text[:half]} [... {len(text) - 2 * half} chars ...] {text[-half:]}"


def render_row(row: dict[str, Any], student: Student, *, color: bool, full: bool) -> str:
    counts = {
        "tokens": len(row["input_ids"]),
        "loss": sum(1 for label in row["labels"] if label != -100),
        "assistant": sum(row["assistant_mask"]),
        "name": sum(row["tool_name_mask"]),
        "args": sum(row["tool_args_mask"]),
        "integration": sum(row["integration_mask"]),
    }
    head = f"== {row['id']}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    parts: list[str] = []
    for role, ids in runs(row):
        text = student.decode(ids)
        if role is None:
            parts.append(text if full else _elide(text))
        elif color:
            parts.append(f"{COLORS[role]}{text}{RESET}")
        else:
            parts.append(f"[[{role}: {text}]]")
    return f"{head}\n{''.join(parts)}\n"


@dataclass(frozen=True)
class Request:
    export: str
    n: int
    ids: tuple[str, ...]


def select_rows(request: Request) -> list[dict[str, Any]]:
    """The first `n` rows, or the rows with `ids` in the order asked."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not Path(request.export).is_file():
        raise PreviewError(f"{request.export}: no such export (run `dvc repro extract`)")
    handle = pq.ParquetFile(request.export)
    if not request.ids:
        rows: list[dict[str, Any]] = []
        for group in range(handle.num_row_groups):  # only the row groups it takes
            rows.extend(handle.read_row_group(group).to_pylist()[: request.n - len(rows)])
            if len(rows) >= request.n:
                break
        return rows
    table = handle.read()
    wanted = table.filter(pc.is_in(table.column("id"), value_set=_strings(request.ids)))
    by_id = {row["id"]: row for row in wanted.to_pylist()}
    missing = [i for i in request.ids if i not in by_id]
    if missing:
        raise PreviewError(f"{request.export}: no row with id {', '.join(missing)}")
    return [by_id[i] for i in request.ids]


def _strings(values: tuple[str, ...]) -> Any:
    import pyarrow as pa

    return pa.array(list(values), pa.string())


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.preview", __doc__)
    add_params(parser)
    parser.add_argument("--export", metavar="FILE", help="default: extract.export")
    parser.add_argument("--tokenizer", metavar="DIR", help="default: tokenizer.out")
    parser.add_argument("--n", type=int, default=3, help="how many rows from the start")
    parser.add_argument("--ids", nargs="+", default=(), metavar="ID", help="these rows")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--full", action="store_true", help="do not shorten unmarked text")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    try:
        params = load_params(args.params) if Path(args.params).exists() else Params()
        request = Request(args.export or params.extract.export, args.n, tuple(args.ids))
        rows = select_rows(request)
        student = Student(args.tokenizer or params.tokenizer.out)
    except (ParamsError, PreviewError, TokenizerError, OSError) as exc:
        print(f"preview: error: {exc}", file=sys.stderr)
        return 2
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    for row in rows:
        print(render_row(row, student, color=color, full=args.full))
    return 0


if __name__ == "__main__":
    sys.exit(main())
