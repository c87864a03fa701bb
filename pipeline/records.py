"""Streaming JSONL records: a header line, then one item per line.

Reading is constant-memory (one line at a time, with a size cap), and every
problem names file, line and field. A bad item line never stops a stream: it is
yielded as a `Reject`, so a stage can write it to its rejects file and the
counts still add up. Problems with the header stop the stream with a
`RecordError`, because without a header nothing after it can be trusted.
Writes go to a temporary file in the destination folder and are renamed into
place only when complete.
"""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import itertools
import lzma
import os
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

import orjson

from pipeline import EARLIER_VERSIONS, SCHEMA_VERSION
from pipeline.legacy import LEGACY_VERSION, upgrade_legacy_item
from pipeline.text import normalize

DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024
READABLE_VERSIONS = frozenset({SCHEMA_VERSION, *EARLIER_VERSIONS, LEGACY_VERSION})
HEADER_KEYS = (
    "schema_version",
    "dataset_version",
    "tokenizer_fingerprint",
    "tool_registry_sha256",
    "integration_span_cap",
    "seed",
    "num_shards",
    "shard_index",
    "total_samples",
    "plan",  # optional: the generator's params that the set-level gates need
)
# Item fields and the JSON types they must have when present; `id` is required.
ITEM_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "prompt": str,
    "teacher_text": str,
    "tools": list,
    "messages": list,
    "metadata": dict,
    "targets": dict,
}
TEXT_FIELDS = ("prompt", "teacher_text")
# Deeper items are rejected: orjson writes at most 254 levels and recursive
# consumers (jsonschema, above all) hit Python's recursion limit near 250.
MAX_JSON_DEPTH = 64
# Record lines run to tens of KB, past the default 8 KB buffer, which passes each one
# straight to a write system call; a larger buffer writes many lines per call.
WRITE_BUFFER_BYTES = 1 << 20
_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


class RecordError(ValueError):
    """A problem that names its place: ``file:line: field: reason``."""

    def __init__(self, path: str | os.PathLike[str], line: int, field: str, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.reason = reason
        super().__init__(f"{self.path}:{line}: {field}: {reason}")


@dataclass(frozen=True)
class Reject:
    """An input line that could not become an item, and why."""

    line: int
    field: str
    reason: str
    raw: str

    def to_record(self, source: str) -> dict[str, Any]:
        return {
            "source": source,
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
            "raw": self.raw,
        }


def dumps(obj: Any) -> bytes:
    """The one serialisation of a record line: compact, UTF-8, key order kept."""
    # orjson appends the newline itself: no second copy of a long line.
    return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)


def make_header(
    *,
    dataset_version: str,
    tokenizer_fingerprint: dict[str, Any],
    tool_registry_sha256: str,
    integration_span_cap: int,
    seed: int,
    num_shards: int,
    shard_index: int,
    total_samples: int,
    plan: dict[str, Any] | None = None,
) -> dict[str, Any]:
    header = {
        "__header__": True,
        "schema_version": SCHEMA_VERSION,
        "dataset_version": dataset_version,
        "tokenizer_fingerprint": dict(tokenizer_fingerprint),
        "tool_registry_sha256": tool_registry_sha256,
        "integration_span_cap": integration_span_cap,
        "seed": seed,
        "num_shards": num_shards,
        "shard_index": shard_index,
        "total_samples": total_samples,
    }
    if plan is not None:
        header["plan"] = plan
    return header


def _preview(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace")


# Compressed JSONL is read as it is: corpora ship as .jsonl.gz (the earlier version's
# own file does) and a user should not have to unpack one first. Known by its magic
# bytes, not its name, so a renamed file reads too. zstd has no reader in this
# Python's standard library: it gets a clear error instead of lines of garbage.
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
# What a damaged or truncated compressed stream raises while it is read.
_STREAM_ERRORS = (EOFError, OSError, lzma.LZMAError, zlib.error)


def open_input(path: str | os.PathLike[str]) -> IO[bytes]:
    """A binary handle on `path`'s bytes, decompressed if it is gzip, bzip2 or xz."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 (returned to the caller, who closes it)
    except OSError as exc:
        raise RecordError(path, 0, "<file>", f"cannot open: {exc.strerror}") from exc
    kind = next((k for magic, k in _MAGIC if raw.peek(len(magic)).startswith(magic)), None)
    if kind is None:
        return raw
    raw.close()
    # Opened by name, each decompressor owns its file and closes it (one handed a
    # file object leaves that open).
    opener = _OPENERS.get(kind)
    if opener is None:
        raise RecordError(path, 0, "<file>", f"{kind}-compressed: decompress it first")
    return cast("IO[bytes]", opener(path, "rb"))


_OPENERS: dict[str, Callable[..., Any]] = {"gzip": gzip.open, "bzip2": bz2.open, "xz": lzma.open}


def _read_lines(
    handle: IO[bytes], max_line_bytes: int, path: str | os.PathLike[str] = "<input>"
) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (line number, bytes without EOL, oversized) with at most one capped line in memory."""
    lineno = 0
    while True:
        try:
            raw = handle.readline(max_line_bytes + 1)
        except _STREAM_ERRORS as exc:
            # Only a compressed stream fails here: the line it was reading is lost.
            raise RecordError(path, lineno + 1, "<file>", f"cannot decompress: {exc}") from exc
        if not raw:
            return
        lineno += 1
        oversized = len(raw) > max_line_bytes and not raw.endswith(b"\n")
        if oversized:
            # Drain the rest of the long line in bounded pieces.
            while raw and not raw.endswith(b"\n"):
                try:
                    raw = handle.readline(max_line_bytes + 1)
                except _STREAM_ERRORS as exc:
                    raise RecordError(path, lineno, "<file>", f"cannot decompress: {exc}") from exc
            yield lineno, b"", True
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield lineno, raw.rstrip(b"\r\n"), False


def parse_line(raw: bytes) -> tuple[Any, str | None]:
    """Decode one line; returns (value, None) or (None, reason)."""
    try:
        # orjson reads the bytes as they are (checking UTF-8 as strictly as Python):
        # no str to build and encode back. A line it refuses goes the long way round,
        # which names the problem.
        return orjson.loads(raw), None
    except orjson.JSONDecodeError:
        pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}"
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg} at char {exc.pos})"


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """`nesting_exceeds` for a value decoded from a string inside a record (a tool list
    in system text, call arguments): the line's own check never saw its brackets."""
    try:
        raw = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return True  # past orjson's 254 levels: it could not be written either
    return nesting_exceeds(value, raw, limit)


def nesting_exceeds(value: Any, raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether some value of a parsed line sits inside more than `limit` containers.

    A line with no more brackets than the limit cannot, and one count settles
    that. Otherwise the value is written again with two-space indentation, in
    which a value inside k containers is indented by 2k, so one substring search
    answers exactly at C speed. orjson refuses to write past 254 levels: also a yes.
    """
    # Objects first: most lines with many brackets have more than `limit` braces
    # alone, and then the second count (a pass over the line) is not needed.
    if isinstance(raw, str):  # a call's text: the same count, no bytes to make
        braces = raw.count("{")
        if braces <= limit and braces + raw.count("[") <= limit:
            return False
    else:
        braces = raw.count(b"{")
        if braces <= limit and braces + raw.count(b"[") <= limit:
            return False
    try:
        indented = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return True
    return b"\n" + b" " * (2 * limit + 2) in indented


def check_item(item: Any) -> tuple[str, str] | None:
    """(field, reason) for the first problem in an item's shape, or None."""
    if not isinstance(item, dict):
        return "<line>", f"expected a JSON object, got {type(item).__name__}"
    if "id" not in item:
        return "id", "missing required field"
    for field, kind in ITEM_FIELD_TYPES.items():
        if field in item and not isinstance(item[field], kind):
            return (
                field,
                f"expected {getattr(kind, '__name__', kind)}, got {type(item[field]).__name__}",
            )
    return None


def normalize_item(item: dict[str, Any]) -> dict[str, Any]:
    """Bring an item's text fields to NFC+LF (through the one normaliser)."""
    for field in TEXT_FIELDS:
        if field in item:
            item[field] = normalize(item[field])
    for message in item.get("messages") or ():
        if isinstance(message, dict) and isinstance(message.get("content"), str):
            message["content"] = normalize(message["content"])
    return item


Adapt = Callable[[dict[str, Any], int], object]


@dataclass(frozen=True)
class LineParser:
    """Turns one item line into an item or a `Reject`.

    It holds only what parsing needs, so it travels to workers with the raw
    lines (`RawLine`): the stage process then only splits the file into lines,
    and each worker parses its own, instead of the stage process parsing every
    item and pickling the dicts across (more work than the parse itself).
    `adapt` must be a module-level function, as it is pickled by reference.
    """

    max_line_bytes: int
    legacy: bool = False
    adapt: Adapt | None = None  # edits a parsed object before the item checks

    def __call__(self, lineno: int, raw: bytes, oversized: bool) -> dict[str, Any] | Reject:
        if oversized:
            reason = f"line exceeds the size cap of {self.max_line_bytes} bytes"
            return Reject(lineno, "<line>", reason, "")
        value, error = parse_line(raw)
        if error is not None:
            return Reject(lineno, "<line>", error, _preview(raw))
        if self.adapt is not None and isinstance(value, dict):
            self.adapt(value, lineno)
        if nesting_exceeds(value, raw):
            reason = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
            return Reject(lineno, "<line>", reason, _preview(raw))
        problem = check_item(value)
        if problem is not None:
            return Reject(lineno, problem[0], problem[1], _preview(raw))
        if self.legacy:
            try:
                value = upgrade_legacy_item(value)
            except ValueError as exc:
                return Reject(lineno, "<legacy>", str(exc), _preview(raw))
        return normalize_item(value)


class RawLine(NamedTuple):
    """One item line, not parsed yet (see `LineParser`)."""

    raw: bytes
    oversized: bool
    parser: LineParser

    def parse(self, lineno: int) -> dict[str, Any] | Reject:
        return self.parser(lineno, self.raw, self.oversized)


def parse_entries(entries: Iterable[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """Entries with every `RawLine` parsed; parsed items and rejects pass through."""
    return [
        (lineno, entry.parse(lineno) if isinstance(entry, RawLine) else entry)
        for lineno, entry in entries
    ]


def header_version(header: dict[str, Any]) -> Any:
    """The schema a header declares. The earlier version wrote no `schema_version`,
    only `dataset_version: "1.1.0"`: such a header is a 1.1.0 file."""
    if "schema_version" not in header and header.get("dataset_version") == LEGACY_VERSION:
        return LEGACY_VERSION
    return header.get("schema_version")


class RecordReader:
    """Iterate the items of one JSONL file after validating its header.

    Iteration yields ``(line, item)`` for good items and ``(line, Reject)`` for
    lines that cannot be items; it never raises for an item line. `lines()`
    yields ``(line, RawLine)`` instead, for a stage that parses in its workers:
    the same items and rejects come out of `parse_entries`.
    """

    # Edits each parsed object before the item checks (module-level function or None).
    adapt: Adapt | None = None

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        require_header: bool = True,
    ) -> None:
        self.path = Path(path)
        self.max_line_bytes = max_line_bytes
        self.require_header = require_header
        self._handle: IO[bytes] = open_input(self.path)
        self._lines = _read_lines(self._handle, max_line_bytes, self.path)
        self._pending: tuple[int, bytes, bool] | None = None
        self.header: dict[str, Any] = self._read_header()
        self.legacy = header_version(self.header) == LEGACY_VERSION
        self.parser = LineParser(max_line_bytes, self.legacy, type(self).adapt)

    def _read_header(self) -> dict[str, Any]:
        first = next(self._lines, None)
        if first is None:
            if not self.require_header:
                return {}
            self.close()
            raise RecordError(self.path, 1, "<file>", "file is empty (expected a header line)")
        lineno, raw, oversized = first
        value, error = (None, "line exceeds the size cap") if oversized else parse_line(raw)
        if isinstance(value, dict) and value.get("__header__") is True:
            version = header_version(value)
            if not isinstance(version, str) or version not in READABLE_VERSIONS:
                self.close()
                raise RecordError(
                    self.path,
                    lineno,
                    "schema_version",
                    f"unsupported version {version!r} (readable: {sorted(READABLE_VERSIONS)})",
                )
            return value
        if self.require_header:
            self.close()
            reason = error or 'first line is not a header (needs "__header__": true)'
            raise RecordError(self.path, lineno, "__header__", reason)
        self._pending = first
        return {}

    def lines(self) -> Iterator[tuple[int, RawLine]]:
        """Every non-blank item line, unparsed; the file closes at the end."""
        try:
            lines = self._lines
            if self._pending is not None:
                lines = itertools.chain([self._pending], lines)
                self._pending = None
            for lineno, raw, oversized in lines:
                if not oversized and not raw.strip():
                    continue
                yield lineno, RawLine(raw, oversized, self.parser)
        finally:
            self.close()

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any] | Reject]]:
        for lineno, line in self.lines():
            yield lineno, line.parse(lineno)

    def close(self) -> None:
        self._handle.close()

    def items(self) -> Iterator[dict[str, Any]]:
        """Items only, raising on the first bad line (for trusted, generated files)."""
        for lineno, entry in self:
            if isinstance(entry, Reject):
                raise RecordError(self.path, lineno, entry.field, entry.reason)
            yield entry


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicWriter:
    """Write a file in full or not at all: temp file in the same folder, fsync, rename.

    Failing to create, flush or place the file, or running out of space while
    writing it, is a `RecordError` naming the destination; the temp file is
    always removed, so no partial output is ever left behind.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._handle: IO[bytes] | None = None
        self._tmp: str | None = None

    def _error(self, exc: OSError) -> RecordError:
        return RecordError(self.path, 0, "<file>", f"cannot write: {exc.strerror or exc}")

    def __enter__(self) -> IO[bytes]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            # mkstemp creates 0600; the finished file gets the mode a plain open() would give.
            os.fchmod(fd, 0o666 & ~_umask())
        except OSError as exc:
            raise self._error(exc) from exc
        self._handle = os.fdopen(fd, "wb", buffering=WRITE_BUFFER_BYTES)
        return self._handle

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._handle is not None and self._tmp is not None
        try:
            try:
                if exc_type is None:
                    self._handle.flush()
                    os.fsync(self._handle.fileno())
            finally:
                self._handle.close()
            if exc_type is None:
                os.replace(self._tmp, self.path)
        except OSError as error:
            raise self._error(error) from error
        finally:
            if os.path.exists(self._tmp):
                with contextlib.suppress(OSError):
                    os.unlink(self._tmp)
        # Only errors that can only come from writing are renamed; an OSError from
        # reading an input inside the block keeps its own type and message.
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            raise self._error(exc) from exc


def write_records(
    path: str | os.PathLike[str], header: dict[str, Any] | None, items: Iterable[dict[str, Any]]
) -> int:
    """Atomically write a header (if any) and items; returns the number of items."""
    count = 0
    with AtomicWriter(path) as handle:
        if header is not None:
            handle.write(dumps(header))
        for item in items:
            handle.write(dumps(item))
            count += 1
    return count


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Atomically write a small human-read JSON file (metrics, reports): sorted, indented."""
    with AtomicWriter(path) as handle:
        handle.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")


def write_text(path: str | os.PathLike[str], text: str) -> None:
    with AtomicWriter(path) as handle:
        handle.write(text.encode("utf-8"))
