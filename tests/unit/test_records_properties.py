"""Property tests for the record reader: any bytes give a verdict, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import orjson
from hypothesis import assume, example, given
from hypothesis import strategies as st

from pipeline.records import RecordError, RecordReader, Reject, nesting_exceeds, parse_line

HEADER = b'{"__header__": true, "schema_version": "2.0.0"}\n'
LEGACY = b'{"__header__": true, "schema_version": "1.1.0"}\n'

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=30,
)
item_like = st.fixed_dictionaries(
    {"id": st.text(max_size=5)},
    optional={
        "teacher_text": st.text(max_size=20) | st.integers(0, 9),
        "metadata": st.dictionaries(st.sampled_from(["gold", "a_bytes", "x"]), json_values),
        "x_bytes": json_values,
        "messages": st.lists(json_values, max_size=3),
    },
).map(orjson.dumps)
lines = st.lists(st.binary(max_size=60) | item_like | json_values.map(orjson.dumps), max_size=8)


def depth(value: Any) -> int:
    """How many containers the most deeply placed value sits in."""
    children = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list) and children:
        return 1 + max(map(depth, children))
    return 0


# A file opening with a compressor's magic bytes is read as compressed (or refused):
# garbage after the magic is an error for the file, not a reject per line.
MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")


def verdicts(data: bytes, **kwargs: Any) -> tuple[int, int] | None:
    """(items, rejects) for a file holding `data`, or None when the file is refused."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.jsonl"
        path.write_bytes(data)
        try:
            reader = RecordReader(path, **kwargs)
            entries = [entry for _, entry in reader]
        except RecordError as exc:
            assert exc.path == str(path)
            assert exc.line == 1 or data.startswith(MAGIC), exc
            return None
    rejects = sum(isinstance(entry, Reject) for entry in entries)
    return len(entries) - rejects, rejects


def body_lines(body: list[bytes], first_line: bool = False) -> int:
    """Non-blank lines; a BOM opening the file is not content (the reader drops it)."""
    data = b"\n".join(body)
    if first_line:
        data = data.removeprefix(b"\xef\xbb\xbf")
    return sum(1 for line in data.split(b"\n") if line.strip())


@given(st.binary(max_size=400))
def test_any_bytes_give_a_verdict(data: bytes) -> None:
    verdicts(data)
    verdicts(data, require_header=False, max_line_bytes=1024)


@given(lines, st.sampled_from([HEADER, LEGACY]))
def test_after_a_good_header_every_line_is_an_item_or_a_reject(
    body: list[bytes], header: bytes
) -> None:
    counted = verdicts(header + b"\n".join(body))
    assert counted is not None
    assert sum(counted) == body_lines(body)


@example([b"\xef\xbb\xbf"])
@given(lines)
def test_without_a_required_header_nothing_is_lost_either(body: list[bytes]) -> None:
    assume(not b"\n".join(body).startswith(MAGIC))
    counted = verdicts(b"\n".join(body), require_header=False)
    assert counted is not None and sum(counted) == body_lines(body, first_line=True)


@given(json_values, st.integers(0, 6))
def test_nesting_check_agrees_with_a_recursive_depth(value: Any, limit: int) -> None:
    assert nesting_exceeds(value, orjson.dumps(value), limit) == (depth(value) > limit)


def test_blank_lines_are_skipped_even_first_in_a_headerless_file() -> None:
    assert verdicts(b"\n  \n" + orjson.dumps({"id": "a"}) + b"\n\n", require_header=False) == (1, 0)
    assert verdicts(b"", require_header=False) == (0, 0)


def _parse_line_via_text(raw: bytes) -> tuple[Any, str | None]:
    """`parse_line` as it was: decode to str first, then parse."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"invalid UTF-8 at byte {exc.start}"
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as exc:
        return None, f"invalid JSON ({exc.msg} at char {exc.pos})"


utf8_edges = st.sampled_from(
    [
        b"\xed\xa0\x80",
        b"\xc0\xaf",
        b"\xf4\x90\x80\x80",
        b"\xff",
        b"\xe2\x82",
        b"\xef\xbf\xbf",
        b"\xc3\xa9",
    ]
)


@given(
    st.binary(max_size=40)
    | json_values.map(orjson.dumps)
    | st.tuples(json_values.map(orjson.dumps), utf8_edges, st.integers(0, 40)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )
)
@example(b'"\xed\xa0\x80"')  # a UTF-8 surrogate: Python and orjson both refuse it
def test_parsing_bytes_directly_gives_the_text_verdict(raw: bytes) -> None:
    """Values and reasons are those of decoding the line to text first."""
    assert parse_line(raw) == _parse_line_via_text(raw)
