"""Basic properties of the parallel helpers (the backends are tested in integration/)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.parallel import BackendError, import_ray, map_chunks, shard_path, shard_range


def double(chunk: list[int]) -> list[int]:
    return [2 * x for x in chunk]


@given(st.lists(st.integers(), max_size=200), st.integers(1, 50))
def test_in_process_map_equals_a_plain_map_for_any_chunk_size(items: list[int], size: int) -> None:
    assert list(map_chunks(double, items, workers=1, chunk_size=size)) == [2 * x for x in items]


@given(st.integers(0, 10_000), st.integers(1, 64), st.data())
def test_shards_partition_the_index_range(total: int, shards: int, data: st.DataObject) -> None:
    ranges = [shard_range(total, shards, k) for k in range(shards)]
    assert [i for r in ranges for i in r] == list(range(total))
    # Balanced: shard sizes differ by at most one item.
    sizes = [len(r) for r in ranges]
    assert max(sizes) - min(sizes) <= 1
    bad = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=shards)))
    with pytest.raises(ValueError, match="outside"):
        shard_range(total, shards, bad)


@pytest.mark.parametrize(
    ("path", "shards", "index", "expected"),
    [
        ("data/x.jsonl", 1, 0, "data/x.jsonl"),
        ("data/x.jsonl", 4, 1, "data/x-00001-of-00004.jsonl"),
        ("data/x", 2, 1, "data/x-00001-of-00002"),
        ("data.d/x", 2, 0, "data.d/x-00000-of-00002"),
        ("runs/v1.2/out.jsonl", 3, 2, "runs/v1.2/out-00002-of-00003.jsonl"),
    ],
)
def test_shard_paths(path: str, shards: int, index: int, expected: str) -> None:
    assert shard_path(path, shards, index) == expected


def test_missing_ray_extra_is_a_one_line_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without the extra sees
    with pytest.raises(BackendError) as info:
        import_ray()
    assert str(info.value).splitlines() == [
        "run.backend ray needs the optional extra: pip install 'toolcall-data[ray]'"
    ]
