"""File bodies that match their path: a `.yaml` read returns YAML, a `.csv` a table.

A body knows its own facts (config values, function names, sections, rows),
so a tool result and the answer built from it can quote them exactly.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pipeline.gen import pools
from pipeline.gen.pools import RepoFile

FORMAT_NAMES = {
    "yaml": "YAML", "yml": "YAML", "json": "JSON", "toml": "TOML", "ini": "INI",
    "py": "Python", "js": "JavaScript", "ts": "TypeScript",
}  # fmt: skip


@dataclass
class Body:
    file: RepoFile
    lines: list[str]
    summary_key: str  # phrase key of the tool-result summary
    summary_args: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # config values, or CSV columns
    names: list[str] = field(default_factory=list)  # keys, functions, sections or columns
    columns: dict[str, list[int]] = field(default_factory=dict)  # CSV columns

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def ints_by_key(self) -> dict[str, int]:
        """The integer values of a config (booleans are not numbers here)."""
        return {
            k: v for k, v in self.values.items() if isinstance(v, int) and not isinstance(v, bool)
        }

    def parsed_ints(self) -> int:
        """How many integer values `fs_read.parse_structured` finds in this config's text,
        without parsing it: YAML, JSON and TOML read back the values written (no pool
        string reads as another YAML type), INI reads every value as a string."""
        return 0 if self.file.ext == "ini" else len(self.ints_by_key())


def _scalar(value: Any, ext: str) -> str:
    """A config value (a bool, an int or a string) as the format writes it; for JSON,
    exactly `json.dumps(value)`, without building an encoder for every number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and ext in ("json", "toml"):
        return json.dumps(value)
    return str(value)


def _config(rng: random.Random, f: RepoFile, min_ints: int) -> Body:
    while True:
        chosen = rng.sample(pools.CONFIG_KEYS, rng.randint(4, 7))
        values = {key: pools.config_value(rng, kind) for key, kind in chosen}
        # Without a minimum every draw is kept (most configs): nothing to count.
        if not min_ints or min_ints <= sum(
            isinstance(v, int) and not isinstance(v, bool) for v in values.values()
        ):
            break
    if f.ext == "json":
        body = [f'  "{k}": {_scalar(v, "json")}' for k, v in values.items()]
        lines = ["{", *[line + "," for line in body[:-1]], body[-1], "}"]
    elif f.ext == "ini":
        section = f.path.split("/")[-2]
        lines = [f"[{section}]", *[f"{k} = {_scalar(v, 'ini')}" for k, v in values.items()]]
    else:
        sep = ": " if f.ext in ("yaml", "yml") else " = "
        lines = [f"{k}{sep}{_scalar(v, f.ext)}" for k, v in values.items()]
    names = list(values)
    args = {"fmt": FORMAT_NAMES[f.ext], "n": len(names), "names": ", ".join(names[:3])}
    return Body(f, lines, "sum.config", args, values=values, names=names)


@lru_cache(maxsize=1024)
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _code(rng: random.Random, f: RepoFile) -> Body:
    count = rng.randint(2, 5)
    drawn = [f"{rng.choice(pools.FUNC_VERBS)}_{rng.choice(pools.FUNC_NOUNS)}" for _ in range(count)]
    # dict.fromkeys drops repeats in draw order (a set's order would follow the hash seed).
    names = list(dict.fromkeys(drawn))
    lines: list[str] = []
    for name in names:
        arg = name.split("_", 1)[1]
        limit = rng.randint(2, 500)
        if f.ext == "py":
            lines += [f"def {name}({arg}):", f"    return {arg}[:{limit}]", ""]
        else:
            typed = f"{arg}: unknown[]" if f.ext == "ts" else arg
            lines += [f"export function {_camel(name)}({typed}) {{",
                      f"  return {arg}.slice(0, {limit});", "}", ""]  # fmt: skip
    names = names if f.ext == "py" else [_camel(n) for n in names]
    args = {"fmt": FORMAT_NAMES[f.ext], "n": len(names), "names": ", ".join(names[:3])}
    return Body(f, lines[:-1], "sum.code", args, names=names)


def _doc(rng: random.Random, f: RepoFile) -> Body:
    sections = rng.sample(pools.SECTION_TITLES, rng.randint(3, 6))
    module = f.path.split("/")[-2]
    marker = "## " if f.ext == "md" else ""
    lines = [f"# {module} {f.path.rsplit('/', 1)[1].split('.')[0]}" if marker else module.upper()]
    for title in sections:
        lines += [
            "",
            f"{marker}{title}",
            f"{title} notes for {module}: {rng.randint(2, 90)} items.",
        ]
    args = {"n": len(sections), "names": ", ".join(sections[:3])}
    return Body(f, lines, "sum.doc", args, names=sections)


def _table(rng: random.Random, f: RepoFile) -> Body:
    columns = rng.sample(pools.CSV_COLUMNS, rng.randint(2, 4))
    rows = rng.randint(3, 9)
    data = {c: [rng.randint(0, 9000) for _ in range(rows)] for c in columns}
    lines = [",".join(columns)] + [",".join(str(data[c][r]) for c in columns) for r in range(rows)]
    args = {"n": rows, "names": ", ".join(columns)}
    return Body(f, lines, "sum.table", args, values=dict(data), names=columns, columns=data)


def _log(rng: random.Random, f: RepoFile, until: str) -> Body:
    """Entries of one day within the month before `until` (the file's modified date):
    a log holds nothing written after the file last changed."""
    count = rng.randint(4, 12)
    day = pools.days_before(until, rng.randint(0, 30))
    # Strictly increasing times (up to 12 entries 4 minutes apart from 22:59 end the same
    # day) and each message at a level that fits it: readers quote the WARN and ERROR
    # entries in answers (R14 audit).
    times = pools.log_times(rng, count, last_hour=22, gap=240)
    lines, errors = [], 0
    for stamp in times:
        level, event = pools.log_event(rng)
        errors += level == "ERROR"
        lines.append(f"{day}T{stamp}Z {level} {rng.choice(pools.LOG_SERVICES)} {event}")
    return Body(f, lines, "sum.log", {"n": count, "e": errors}, names=[])


def make_body(rng: random.Random, f: RepoFile, min_ints: int = 0, modified: str = "") -> Body:
    """A body for `f`; `modified` (the file's date) bounds a log's entries."""
    if f.kind == "config":
        return _config(rng, f, min_ints)
    if f.kind == "code":
        return _code(rng, f)
    if f.kind == "doc":
        return _doc(rng, f)
    if f.kind == "table":
        return _table(rng, f)
    return _log(rng, f, modified or pools.iso_date(rng))
