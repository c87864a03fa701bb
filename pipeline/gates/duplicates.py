"""Exact duplicate detection in memory that does not grow with the set.

Verify flags every item whose id (or prompt) was seen before. A set of every
key seen grows by about 70 bytes per item and key, which is 140 MB at a
million items. Instead, each 16-byte key digest goes, with the item's
position, to one of `PARTITIONS` temporary files chosen by its first byte
(hash partitioning, as external-memory joins do), and each partition is
deduplicated on its own at the end with one numpy sort. Memory is the
write buffers plus one partition at a time, about N / PARTITIONS * 24
bytes, and the positions of the repeats themselves.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np

PARTITIONS = 64
FLUSH_BYTES = 1 << 16  # per partition buffer
KEY_BYTES = 16
_ROW = np.dtype([("hi", ">u8"), ("lo", ">u8"), ("position", "<i8")])


class Duplicates:
    """Positions of keys seen before, in the order the keys were added."""

    def __init__(self, partitions: int = PARTITIONS, flush_bytes: int = FLUSH_BYTES) -> None:
        self._buffers = [bytearray() for _ in range(partitions)]
        self._flush_bytes = flush_bytes
        # Created on the first flush only: a small set never touches the disk.
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._on_disk = [False] * partitions

    def add(self, value: bytes, position: int) -> None:
        """Record `value` for the item at `position` (positions increase)."""
        key = hashlib.blake2b(value, digest_size=KEY_BYTES).digest()
        part = key[0] % len(self._buffers)
        buffer = self._buffers[part]
        buffer += key
        buffer += position.to_bytes(8, "little")
        if len(buffer) >= self._flush_bytes:
            self._flush(part)

    def _path(self, part: int) -> Path:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="toolcall-duplicates-")
        return Path(self._dir.name) / f"{part:03d}.bin"

    def _flush(self, part: int) -> None:
        with open(self._path(part), "ab") as handle:
            handle.write(self._buffers[part])
        self._buffers[part].clear()
        self._on_disk[part] = True

    def _rows(self, part: int) -> np.ndarray:
        tail = np.frombuffer(bytes(self._buffers[part]), dtype=_ROW)
        if not self._on_disk[part]:
            return tail
        return np.concatenate([np.fromfile(self._path(part), dtype=_ROW), tail])

    def repeated(self) -> np.ndarray:
        """Sorted positions of every occurrence of a key after its first."""
        found = [np.zeros(0, dtype=np.int64)]
        for part in range(len(self._buffers)):
            rows = self._rows(part)
            if rows.size < 2:
                continue
            # Sort by key, then position: a row equal in key to the one before
            # it is a later occurrence.
            rows = rows[np.lexsort((rows["position"], rows["lo"], rows["hi"]))]
            same = (rows["hi"][1:] == rows["hi"][:-1]) & (rows["lo"][1:] == rows["lo"][:-1])
            found.append(rows["position"][1:][same])
        return np.sort(np.concatenate(found))

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
