"""The report's per-item results, kept in a temporary file instead of memory.

The report lists one result per input line. Held as dicts they cost about
1 KB per item, and verify's stage process would outgrow every worker past
a few hundred thousand items. The log writes each entry as one JSON line
to an anonymous temporary file and reads them back, in order, when the
report is written. Late additions (the duplicate flags, known only once the
whole set is seen) are applied while reading, so nothing is rewritten.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import orjson

READ_BYTES = 1 << 20
Describe = Callable[[dict[str, Any]], str]


class ItemLog:
    """Append-only, re-iterable list of per-item result dicts."""

    def __init__(self) -> None:
        # An anonymous file: nothing is left behind, whatever happens to the run.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the log
        self._count = 0
        self._extra: dict[int, tuple[list[str], list[Describe]]] = {}

    def append(self, entry: dict[str, Any]) -> None:
        self._file.write(orjson.dumps(entry) + b"\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def add_reason(self, position: int, reason: str, detail: Describe | None = None) -> None:
        """Flag the entry at `position` with one more reason, and a detail line
        that `detail` writes from the entry when it is read."""
        reasons, details = self._extra.setdefault(position, ([], []))
        reasons.append(reason)
        if detail is not None:
            details.append(detail)

    def _lines(self) -> Iterator[bytes]:
        # pread leaves the file position where appends go: readers and the
        # writer never disturb each other.
        self._file.flush()
        fd, offset, rest = self._file.fileno(), 0, b""
        while block := os.pread(fd, READ_BYTES, offset):
            offset += len(block)
            *lines, rest = (rest + block).split(b"\n")
            yield from lines

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for position, line in zip(range(self._count), self._lines(), strict=False):
            entry: dict[str, Any] = orjson.loads(line)
            extra = self._extra.get(position)
            if extra is not None:
                entry["reasons"] = entry["reasons"] + extra[0]
                if extra[1]:
                    entry["details"] = entry.get("details", []) + [d(entry) for d in extra[1]]
            yield entry

    def close(self) -> None:
        self._file.close()
