"""What a reader sees in the text a tool returned: settings, functions, sections, rows.

The answer describes only the lines that came back (a range or a truncated
read shows part of a file), so these functions take the returned lines, not
the file the generator wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FORMAT_NAMES = {
    "yaml": "YAML", "yml": "YAML", "json": "JSON", "toml": "TOML", "ini": "INI",
    "py": "Python", "js": "JavaScript", "ts": "TypeScript", "md": "Markdown", "txt": "text",
    "csv": "CSV", "log": "log",
}  # fmt: skip
KIND_OF = {
    "yaml": "config", "yml": "config", "json": "config", "toml": "config", "ini": "config",
    "py": "code", "js": "code", "ts": "code", "md": "doc", "txt": "doc", "csv": "table",
    "log": "log",
}  # fmt: skip
_PAIR = re.compile(r'^\s*"?([A-Za-z_][\w.]*)"?\s*[:=]\s*(.+?),?\s*$')
_DEF = re.compile(r"^\s*(?:def|export function|function)\s+([A-Za-z_]\w*)\s*\(")
_LEVEL = re.compile(r"^\S+ (DEBUG|INFO|WARN|ERROR) ")
# A log entry as a reader quotes it: "2025-06-03T22:08:10Z ERROR backup rejected ..."
# gives the time 22:08:10 and the message "backup rejected ...".
LOG_LINE = re.compile(
    r"^\S*T(?P<time>\d\d:\d\d:\d\d)Z? (?P<level>DEBUG|INFO|WARN|ERROR) (?P<message>.+?)\s*$"
)
# A document section's notes line: "Testing notes for search: 20 items."
NOTES = re.compile(r"^(.+?) notes for \S+: (\d+) items\.$")


@dataclass
class Reading:
    kind: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # functions, sections or columns
    notes: list[tuple[str, int]] = field(default_factory=list)  # a document's (section, items)
    rows: int = 0
    entries: int = 0
    errors: int = 0
    day: str = ""
    first: str = ""  # the first line with content

    @property
    def empty(self) -> bool:
        return not (self.pairs or self.names or self.entries)


def extension(path: str) -> str:
    return path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""


def _plain(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def read_lines(path: str, lines: list[str]) -> Reading:
    ext = extension(path)
    kind = KIND_OF.get(ext, "doc")
    reading = Reading(kind, first=next((x.strip() for x in lines if x.strip()), ""))
    if kind == "config":
        for line in lines:
            found = _PAIR.match(line)
            if found and not line.lstrip().startswith("["):
                reading.pairs.append((found.group(1), _plain(found.group(2))))
    elif kind == "code":
        reading.names = [m.group(1) for m in map(_DEF.match, lines) if m]
    elif kind == "doc":
        reading.notes = [(m.group(1), int(m.group(2))) for m in map(NOTES.match, lines) if m]
        for i, line in enumerate(lines):
            if line.startswith("## "):
                reading.names.append(line[3:].strip())
            elif (
                ext != "md"
                and i + 1 < len(lines)
                and line
                and lines[i + 1].startswith(f"{line} notes")
            ):
                reading.names.append(line)
    elif kind == "table":
        if lines:
            reading.names = lines[0].split(",")
            reading.rows = sum(1 for line in lines[1:] if line.strip())
    else:
        levels = [m.group(1) for m in map(_LEVEL.match, lines) if m]
        reading.entries = len(levels)
        reading.errors = levels.count("ERROR")
        reading.day = lines[0][:10] if lines else ""
    return reading


def column(lines: list[str], name: str) -> list[int]:
    """The integers of one CSV column (header on the first line)."""
    header = lines[0].split(",")
    at = header.index(name)
    return [int(row.split(",")[at]) for row in lines[1:] if row.strip()]
