"""Bad record files: a clear error or a reject naming file, line and reason, never a
traceback, and nothing lost (non-blank input lines = items + rejects)."""

from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import os
from functools import partial
from pathlib import Path
from typing import IO, Any

import orjson
import pytest
from fixture_items import record_header

from pipeline import SCHEMA_VERSION, records
from pipeline.params import params_from_dict
from pipeline.records import (
    MAX_JSON_DEPTH,
    RecordError,
    RecordReader,
    Reject,
    dumps,
    write_records,
)

GOOD = {"id": "ctx-000001", "prompt": "p", "teacher_text": "t"}


header = partial(record_header, 1)


def write_lines(path: Path, *lines: bytes, eol: bytes = b"\n") -> Path:
    path.write_bytes(b"".join(line + eol for line in lines))
    return path


def header_line(**changes: Any) -> bytes:
    return orjson.dumps(header(**changes))


def item_line(**changes: Any) -> bytes:
    return orjson.dumps({**GOOD, **changes})


def read_all(path: Path, **kwargs: Any) -> tuple[list[dict[str, Any]], list[Reject]]:
    items: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for line, entry in RecordReader(path, **kwargs):
        if isinstance(entry, Reject):
            assert entry.line == line
            rejects.append(entry)
        else:
            items.append(entry)
    return items, rejects


def the_reject(path: Path, **kwargs: Any) -> Reject:
    _, rejects = read_all(path, **kwargs)
    assert len(rejects) == 1, rejects
    return rejects[0]


def test_empty_file(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "empty.jsonl")
    with pytest.raises(RecordError) as info:
        RecordReader(path)
    assert str(info.value) == f"{path}:1: <file>: file is empty (expected a header line)"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match=r"nope\.jsonl:0: <file>: cannot open: No such file"):
        RecordReader(tmp_path / "nope.jsonl")


def test_header_only(tmp_path: Path) -> None:
    assert read_all(write_lines(tmp_path / "h.jsonl", header_line())) == ([], [])


def test_no_header(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "nohdr.jsonl", item_line())
    with pytest.raises(
        RecordError, match=r"nohdr\.jsonl:1: __header__: first line is not a header"
    ):
        RecordReader(path)


def test_header_line_that_is_not_json(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "h.jsonl", b"{not json")
    with pytest.raises(RecordError, match=r"h\.jsonl:1: __header__: invalid JSON"):
        RecordReader(path)


@pytest.mark.parametrize("version", ["3.0.0", "1.0.0", "", None, 2, ["2.0.0"], {"v": 1}])
def test_header_from_another_schema_version(tmp_path: Path, version: Any) -> None:
    path = write_lines(tmp_path / "v.jsonl", header_line(schema_version=version), item_line())
    with pytest.raises(RecordError) as info:
        RecordReader(path)
    assert info.value.line == 1 and info.value.field == "schema_version"
    assert f"unsupported version {version!r}" in info.value.reason


def test_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_bytes(header_line() + b"\n" + item_line() + b"\n" + item_line()[:-9])
    items, rejects = read_all(path)
    assert len(items) == 1
    (reject,) = rejects
    assert (reject.line, reject.field) == (3, "<line>")
    assert reject.reason.startswith("invalid JSON (")
    assert reject.raw == item_line()[:-9].decode()


def test_invalid_utf8(tmp_path: Path) -> None:
    bad = item_line(teacher_text="AB").replace(b"AB", b"A\xff\xfeB")
    path = write_lines(tmp_path / "u.jsonl", header_line(), bad, item_line())
    reject = the_reject(path)
    position = bad.index(b"\xff")
    assert (reject.line, reject.reason) == (2, f"invalid UTF-8 at byte {position}")
    assert "\ufffd" in reject.raw  # the preview stays printable


def test_invalid_utf8_in_the_header(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "u.jsonl", header_line() + b"\xc3")
    with pytest.raises(RecordError, match=r"u\.jsonl:1: __header__: invalid UTF-8 at byte"):
        RecordReader(path)


def test_bom_before_the_header(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "bom.jsonl", b"\xef\xbb\xbf" + header_line(), item_line())
    items, rejects = read_all(path)
    assert (items, rejects) == ([GOOD], [])


def test_crlf_line_endings(tmp_path: Path) -> None:
    text_with_crlf = item_line(teacher_text="one\r\ntwo\r")
    path = write_lines(tmp_path / "crlf.jsonl", header_line(), text_with_crlf, eol=b"\r\n")
    items, rejects = read_all(path)
    assert rejects == []
    assert items[0]["teacher_text"] == "one\ntwo\n"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'"text"', "expected a JSON object, got str"),
        (b"42", "expected a JSON object, got int"),
        (b"null", "expected a JSON object, got NoneType"),
    ],
)
def test_a_line_that_is_not_an_object(tmp_path: Path, line: bytes, reason: str) -> None:
    reject = the_reject(write_lines(tmp_path / "o.jsonl", header_line(), line, item_line()))
    assert (reject.line, reject.field, reject.reason) == (2, "<line>", reason)


@pytest.mark.parametrize(
    ("item", "field", "reason"),
    [
        ({"prompt": "p"}, "id", "missing required field"),
        ({"id": 7}, "id", "expected str, got int"),
        ({"id": "a", "prompt": ["p"]}, "prompt", "expected str, got list"),
        ({"id": "a", "messages": "hi"}, "messages", "expected list, got str"),
        ({"id": "a", "metadata": None}, "metadata", "expected dict, got NoneType"),
    ],
)
def test_missing_or_wrongly_typed_fields(
    tmp_path: Path, item: dict[str, Any], field: str, reason: str
) -> None:
    path = write_lines(tmp_path / "f.jsonl", header_line(), orjson.dumps(item))
    reject = the_reject(path)
    assert (reject.line, reject.field, reject.reason) == (2, field, reason)
    assert reject.to_record(str(path))["source"] == str(path)


@pytest.mark.parametrize(
    ("pair", "reason"),
    [
        ([0, 99], "span [0, 99) is outside text of length 5 or reversed"),
        ([4, 2], "span [4, 2) is outside text of length 5 or reversed"),
        ([-1, 2], "span [-1, 2) is outside text of length 5 or reversed"),
        ([1, "2"], "expected [start, end] or a list of them"),
    ],
)
def test_legacy_spans_out_of_range_or_reversed(tmp_path: Path, pair: Any, reason: str) -> None:
    legacy = {"id": "old-1", "teacher_text": "hello", "json_args_span_bytes": pair}
    path = write_lines(tmp_path / "l.jsonl", header_line(schema_version="1.1.0"), dumps(legacy))
    reject = the_reject(path)
    assert (reject.line, reject.field) == (2, "<legacy>")
    assert reject.reason == f"json_args_span_bytes: {reason}"


def nested_item(levels: int) -> dict[str, Any]:
    """An item whose deepest value sits inside exactly `levels` containers (itself included)."""
    value: Any = 1
    for _ in range(levels - 1):
        value = {"a": value}
    return {"id": f"deep-{levels}", "metadata": value}


def test_deeply_nested_json_is_rejected_without_recursion_error(tmp_path: Path) -> None:
    absurd = b'{"id": "x", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    path = write_lines(
        tmp_path / "deep.jsonl",
        header_line(),
        orjson.dumps(nested_item(MAX_JSON_DEPTH)),
        orjson.dumps(nested_item(MAX_JSON_DEPTH + 1)),
        absurd,
        item_line(),
    )
    items, rejects = read_all(path)
    assert [item["id"] for item in items] == [f"deep-{MAX_JSON_DEPTH}", GOOD["id"]]
    assert (rejects[0].line, rejects[0].reason) == (
        3,
        f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
    )
    assert rejects[1].line == 4 and "depth limit exceeded" in rejects[1].reason


def test_fifty_megabyte_line_hits_the_configurable_size_cap(tmp_path: Path) -> None:
    huge = item_line(teacher_text="x" * (50 * 1024 * 1024))
    path = write_lines(tmp_path / "big.jsonl", header_line(), huge, item_line())
    cap = params_from_dict({}).run.max_line_bytes
    items, rejects = read_all(path, max_line_bytes=cap)
    assert items == [GOOD]
    assert [(r.line, r.field, r.raw) for r in rejects] == [(2, "<line>", "")]
    assert rejects[0].reason == f"line exceeds the size cap of {cap} bytes"
    # The cap is run.max_line_bytes: raising it lets the same line through.
    larger = params_from_dict({"run": {"max_line_bytes": 64 * 1024 * 1024}}).run.max_line_bytes
    items, rejects = read_all(path, max_line_bytes=larger)
    assert rejects == [] and len(items[0]["teacher_text"]) == 50 * 1024 * 1024


def test_oversized_header_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "big.jsonl", header_line(note="y" * 5000))
    with pytest.raises(RecordError, match="__header__: line exceeds the size cap"):
        RecordReader(path, max_line_bytes=1024)


def test_nothing_is_lost_on_a_mixed_file(tmp_path: Path) -> None:
    lines = [
        item_line(id="a"),
        b"[1]",
        b"",  # blank lines carry nothing and are not counted
        item_line(id="b").replace(b'"b"', b'"\xff"'),
        b'{"id": "c", "teacher_text": 1}',
        b"   ",
        item_line(id="d"),
        b'{"id": "e", ',
    ]
    path = write_lines(tmp_path / "mixed.jsonl", header_line(), *lines)
    items, rejects = read_all(path)
    non_blank = [line for line in lines if line.strip()]
    assert len(items) + len(rejects) == len(non_blank)
    assert [item["id"] for item in items] == ["a", "d"]
    assert [reject.line for reject in rejects] == [3, 5, 6, 9]


def test_output_path_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be")
    target = blocker / "out.jsonl"
    with pytest.raises(RecordError) as info:
        write_records(target, header(), [GOOD])
    assert str(info.value).startswith(f"{target}:0: <file>: cannot write: ")


class FullDisk:
    """A real file handle whose device fills up after `room` bytes."""

    def __init__(self, handle: IO[bytes], room: int, on: str) -> None:
        self._handle, self._room, self._on = handle, room, on

    def _full(self) -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(self, data: bytes) -> int:
        self._room -= len(data)
        if self._on == "write" and self._room < 0:
            raise self._full()
        return self._handle.write(data)

    def flush(self) -> None:
        if self._on == "flush":
            raise self._full()
        self._handle.flush()

    def fileno(self) -> int:
        return self._handle.fileno()

    def close(self) -> None:
        self._handle.close()


@pytest.mark.parametrize("on", ["write", "flush"])
def test_full_disk_leaves_no_partial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on: str
) -> None:
    target = tmp_path / "out.jsonl"
    write_records(target, header(), [GOOD])
    before = target.read_bytes()
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        records.os,
        "fdopen",
        lambda fd, mode, **options: FullDisk(real_fdopen(fd, mode, **options), 4096, on),
    )
    many = ({**GOOD, "id": f"ctx-{i:06d}"} for i in range(1000))
    with pytest.raises(RecordError) as info:
        write_records(target, header(), many)
    assert str(info.value) == f"{target}:0: <file>: cannot write: No space left on device"
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_read_errors_inside_a_write_keep_their_own_type(tmp_path: Path) -> None:
    def failing_items() -> Any:
        yield GOOD
        raise OSError(errno.EIO, "input went away")

    with pytest.raises(OSError, match="input went away") as info:
        write_records(tmp_path / "o.jsonl", header(), failing_items())
    assert not isinstance(info.value, RecordError)
    assert list(tmp_path.iterdir()) == []


def _lines_file(tmp_path: Path) -> bytes:
    header = {"__header__": True, "schema_version": SCHEMA_VERSION}
    items = [{"id": f"i-{n}", "prompt": "p" * n} for n in range(200)]
    return b"".join(orjson.dumps(v) + b"\n" for v in [header, *items])


@pytest.mark.parametrize(
    "pack", [gzip.compress, bz2.compress, lzma.compress], ids=["gzip", "bzip2", "xz"]
)
def test_compressed_input_reads_as_its_plain_text(tmp_path: Path, pack: Any) -> None:
    data = _lines_file(tmp_path)
    plain, packed = tmp_path / "plain.jsonl", tmp_path / "packed.jsonl"
    plain.write_bytes(data)
    packed.write_bytes(pack(data))
    expected = list(RecordReader(plain).items())
    assert list(RecordReader(packed).items()) == expected
    assert len(expected) == 200


def test_a_truncated_gzip_names_the_file_and_the_line(tmp_path: Path) -> None:
    packed = tmp_path / "cut.jsonl.gz"
    packed.write_bytes(gzip.compress(_lines_file(tmp_path))[:-40])
    reader = RecordReader(packed)
    with pytest.raises(RecordError) as caught:
        list(reader.items())
    assert caught.value.path == str(packed)
    assert caught.value.field == "<file>"
    assert caught.value.line > 1
    assert "cannot decompress" in caught.value.reason


def test_zstd_input_is_refused_with_a_reason(tmp_path: Path) -> None:
    packed = tmp_path / "set.jsonl.zst"
    packed.write_bytes(b"\x28\xb5\x2f\xfd" + b"\x00" * 32)
    with pytest.raises(RecordError, match=r"set\.jsonl\.zst:0: <file>: zstd-compressed"):
        RecordReader(packed)
