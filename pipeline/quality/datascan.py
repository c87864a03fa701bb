"""PII and secret hits in a records file, through the verifier's own privacy scan.

The same `scan_text(item_texts(item))` that the verify gate applies is used
here, so the security metric and the gate can never disagree about what a hit
is. Lines that are not readable items are counted, not skipped: an item that
could not be scanned is not a clean item.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from pipeline.gates.codes import PRIVACY_REASONS
from pipeline.gates.privacy import item_texts, scan_text
from pipeline.records import DEFAULT_MAX_LINE_BYTES, RecordReader, Reject


def scan_items(
    entries: Iterable[tuple[int, dict[str, Any] | Reject]], allowlist: tuple[str, ...]
) -> dict[str, Any]:
    """Counts over (line, item | Reject) pairs, with every privacy code present."""
    by_kind = dict.fromkeys(PRIVACY_REASONS, 0)
    items = unreadable = flagged = 0
    for _, entry in entries:
        if isinstance(entry, Reject):
            unreadable += 1
            continue
        items += 1
        findings = scan_text(item_texts(entry), allowlist)
        flagged += 1 if findings else 0
        for code, _evidence in findings:
            by_kind[code] = by_kind.get(code, 0) + 1
    hits = sum(by_kind.values())
    return {
        "items": items,
        "unreadable": unreadable,
        "items_with_hits": flagged,
        "hits": hits,
        "secrets": by_kind["secret"],
        "pii": sum(count for code, count in by_kind.items() if code.startswith("pii_")),
        "by_kind": by_kind,
    }


def scan_file(
    path: str | os.PathLike[str],
    allowlist: tuple[str, ...],
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> dict[str, Any]:
    """Scan every item of a records file (RecordError when the file itself is unusable)."""
    return scan_items(RecordReader(path, max_line_bytes=max_line_bytes), allowlist)
