"""Records: header, items, atomic writes, the one serialisation."""

from __future__ import annotations

import pickle
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pytest
from fixture_items import record_header

from pipeline import SCHEMA_VERSION
from pipeline.records import (
    AtomicWriter,
    RecordError,
    RecordReader,
    Reject,
    check_item,
    dumps,
    nesting_exceeds,
    normalize_item,
    parse_entries,
    write_json,
    write_records,
    write_text,
)

header = partial(record_header, 2)


ITEMS = [
    {"id": "ctx-000000", "prompt": "p", "teacher_text": "Résumé 日本語", "metadata": {}},
    {"id": "ctx-000001", "prompt": "q", "teacher_text": "", "tools": [], "messages": []},
]


def test_make_header_has_every_spec_key() -> None:
    made = header()
    assert made["__header__"] is True
    assert made["schema_version"] == SCHEMA_VERSION
    assert list(made)[1:] == [
        "schema_version",
        "dataset_version",
        "tokenizer_fingerprint",
        "tool_registry_sha256",
        "integration_span_cap",
        "seed",
        "num_shards",
        "shard_index",
        "total_samples",
    ]


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "items.jsonl"
    assert write_records(path, header(), ITEMS) == 2
    reader = RecordReader(path)
    assert reader.header == header()
    assert not reader.legacy
    assert list(reader.items()) == ITEMS


def test_serialisation_is_compact_utf8_and_keeps_key_order() -> None:
    line = dumps({"b": 1, "a": "é", "arguments": {}})
    assert line == '{"b":1,"a":"é","arguments":{}}\n'.encode()


def test_write_records_is_byte_identical_across_runs(tmp_path: Path) -> None:
    write_records(tmp_path / "a.jsonl", header(), ITEMS)
    write_records(tmp_path / "b.jsonl", header(), ITEMS)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_headerless_files_can_be_read_when_allowed(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl"
    write_records(path, None, ITEMS)
    reader = RecordReader(path, require_header=False)
    assert reader.header == {}
    assert [line for line, _ in reader] == [1, 2]


def test_items_raises_on_the_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(dumps(header()) + dumps(ITEMS[0]) + b"[1]\n")
    with pytest.raises(RecordError, match=r"bad\.jsonl:3: <line>: expected a JSON object"):
        list(RecordReader(path).items())


def test_text_is_normalised_on_read(tmp_path: Path) -> None:
    item = {
        "id": "x",
        "prompt": "a\r\nb",
        "teacher_text": "cafe\u0301",
        "messages": [{"role": "user", "content": "e\u0301\r"}, "not-a-message", {"content": 3}],
    }
    path = tmp_path / "n.jsonl"
    write_records(path, header(), [item])
    (read,) = RecordReader(path).items()
    assert read["prompt"] == "a\nb"
    assert read["teacher_text"] == "café"
    assert read["messages"] == [{"role": "user", "content": "é\n"}, "not-a-message", {"content": 3}]


def test_normalize_item_leaves_other_fields_alone() -> None:
    item = {"id": "e\u0301", "metadata": {"note": "e\u0301"}}
    assert normalize_item(dict(item)) == item


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ([], ("<line>", "expected a JSON object, got list")),
        ({}, ("id", "missing required field")),
        ({"id": 3}, ("id", "expected str, got int")),
        ({"id": "a", "teacher_text": None}, ("teacher_text", "expected str, got NoneType")),
        ({"id": "a", "tools": {}}, ("tools", "expected list, got dict")),
        ({"id": "a", "metadata": []}, ("metadata", "expected dict, got list")),
        ({"id": "a", "targets": "x"}, ("targets", "expected dict, got str")),
        ({"id": "a", "extra": object()}, None),
    ],
)
def test_check_item(item: Any, problem: tuple[str, str] | None) -> None:
    assert check_item(item) == problem


def test_reject_record_names_its_source() -> None:
    reject = Reject(7, "id", "missing required field", '{"x": 1}')
    assert reject.to_record("data/generated.jsonl") == {
        "source": "data/generated.jsonl",
        "line": 7,
        "field": "id",
        "reason": "missing required field",
        "raw": '{"x": 1}',
    }


@pytest.mark.parametrize(
    ("value", "depth"),
    [
        ([], 0),  # an empty container holds nothing
        ([1], 1),
        ({"a": [1, {"b": []}]}, 3),
        ([{"a": []}, [[]], {"b": {"c": {}}}], 3),
        ({"s": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}, 1),
        ({"s": 'q\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', "t": 1}, 1),
        ([[i] for i in range(100)], 2),
    ],
)
def test_nesting_counts_containers_around_values_not_brackets_in_strings(
    value: Any, depth: int
) -> None:
    raw = orjson.dumps(value)
    assert not nesting_exceeds(value, raw, depth)
    assert nesting_exceeds(value, raw, depth - 1) == (depth > 0)


def test_nesting_limit_is_exact() -> None:
    for depth in (63, 64, 65):
        raw = b"[" * depth + b"1" + b"]" * depth
        assert nesting_exceeds(orjson.loads(raw), raw, 64) == (depth > 64)
    # Past orjson's own limit of 254 levels the value cannot even be written again.
    raw = b"[" * 280 + b"1" + b"]" * 280
    assert nesting_exceeds(orjson.loads(raw), raw, 260)


def test_atomic_writer_replaces_only_on_success(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    write_text(path, "old")
    with pytest.raises(RuntimeError), AtomicWriter(path) as handle:
        handle.write(b"partial")
        raise RuntimeError("boom")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_json_is_sorted_and_indented(tmp_path: Path) -> None:
    write_json(tmp_path / "m.json", {"b": 1, "a": {"d": 2, "c": 3}})
    assert (tmp_path / "m.json").read_text() == (
        '{\n  "a": {\n    "c": 3,\n    "d": 2\n  },\n  "b": 1\n}\n'
    )


def test_atomic_writes_get_ordinary_file_permissions(tmp_path: Path) -> None:
    # DVC caches and other users read these files: mkstemp's 0600 must not leak out.
    import os as _os

    from pipeline.records import write_json

    target = tmp_path / "m.json"
    write_json(target, {"a": 1})
    mask = _os.umask(0o022)
    _os.umask(mask)
    assert (target.stat().st_mode & 0o777) == (0o666 & ~mask)


def test_raw_lines_parse_to_what_iteration_yields_even_after_pickling(tmp_path: Path) -> None:
    # Stages send raw lines to their workers and parse there: every kind of line
    # (good, normalised, not an object, invalid JSON, over the cap, blank) must
    # come out exactly as the reader's own iteration gives it.
    path = tmp_path / "mixed.jsonl"
    lines = [
        dumps(header()),
        dumps(ITEMS[0]),
        b"[1]\n",
        b"\n",
        b'{"id": "x", "prompt": "cafe\\u0301"}\n',
        b"{oops\n",
        b'{"id": "big", "prompt": "' + b"x" * 900 + b'"}\n',
    ]
    path.write_bytes(b"".join(lines))
    eager = list(RecordReader(path, max_line_bytes=800))
    raw = list(RecordReader(path, max_line_bytes=800).lines())
    assert [lineno for lineno, _ in raw] == [2, 3, 5, 6, 7]
    assert parse_entries(raw) == eager
    assert parse_entries(pickle.loads(pickle.dumps(raw))) == eager
    assert parse_entries(eager) == eager  # already parsed entries pass through
    assert isinstance(eager[1][1], Reject) and isinstance(eager[4][1], Reject)
    assert eager[2][1]["prompt"] == "café"


def adapt_for_test(item: dict[str, Any], lineno: int) -> None:
    item.setdefault("id", f"n{lineno}")


class AdaptingReader(RecordReader):
    adapt = staticmethod(adapt_for_test)


def test_a_reader_adapt_hook_runs_before_the_checks_and_travels_by_reference(
    tmp_path: Path,
) -> None:
    path = tmp_path / "noid.jsonl"
    path.write_bytes(b'{"prompt": "p"}\n')
    (entry,) = AdaptingReader(path, require_header=False).lines()
    shipped = pickle.loads(pickle.dumps(entry))
    assert shipped[1].parser.adapt is adapt_for_test
    assert parse_entries([shipped]) == [(1, {"id": "n1", "prompt": "p"})]
    (plain,) = RecordReader(path, require_header=False)
    assert isinstance(plain[1], Reject) and plain[1].field == "id"
