"""python -m pipeline: the stages and commands of toolcall-data, one line each.

Each command is `python -m <module>` and takes --help. The stages run in this
order under `dvc repro` (dvc.yaml), each reading its section of params.yaml.
"""

from __future__ import annotations

import ast
import sys
from importlib import util
from pathlib import Path

from pipeline.cli import command_parser

STAGES = ("pipeline.tokenizer", "pipeline.generate", "pipeline.extract", "pipeline.verify")
COMMANDS = (
    "pipeline.preview",
    "pipeline.shards",
    "pipeline.analyze",
    "pipeline.audit",
    "pipeline.gates.plots",
    "pipeline.quality",
    "pipeline.bench",
    "pipeline.costs",
)


def summary(module: str) -> str:
    """The first line of a module's docstring, read without importing the module
    (a stage's imports cost seconds; its docstring is what --help shows)."""
    spec = util.find_spec(module)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return ""
    if spec is not None and spec.submodule_search_locations is not None:
        origin = str(Path(origin).with_name("__main__.py"))
    doc = ast.get_docstring(ast.parse(Path(origin).read_text("utf-8"))) or ""
    first = doc.strip().splitlines()[0] if doc.strip() else ""
    # Drop a lead-in that names the module again: it is printed beside the line.
    stage = module.rsplit(".", 1)[1]
    for lead in (f"Stage `{stage}`: ", f"`python -m {module}`: ", f"python -m {module} "):
        if first.startswith(lead):
            return first[len(lead) :]
    return first


def listing() -> str:
    width = max(len(f"python -m {m}") for m in STAGES + COMMANDS)
    lines = ["stages (dvc repro runs them in this order; dvc repro verify runs all four):"]
    lines += [f"  {'python -m ' + m:<{width}}  {summary(m)}" for m in STAGES]
    lines += ["", "other commands:"]
    lines += [f"  {'python -m ' + m:<{width}}  {summary(m)}" for m in COMMANDS]
    lines += ["", "Each takes --help. Knobs: params.yaml; data layout: README.md."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline", __doc__, epilog=None)
    parser.parse_args(argv)
    print(listing())
    return 0


if __name__ == "__main__":
    sys.exit(main())
