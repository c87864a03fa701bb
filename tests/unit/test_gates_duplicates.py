"""Exact duplicate detection through hash partitions on disk (pipeline.gates.duplicates)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.gates.duplicates import Duplicates


def naive_repeats(values: list[bytes]) -> list[int]:
    seen: set[bytes] = set()
    repeats = []
    for position, value in enumerate(values):
        if value in seen:
            repeats.append(position)
        seen.add(value)
    return repeats


@given(st.lists(st.binary(max_size=3), max_size=200))
def test_repeats_are_every_later_occurrence_in_order(values: list[bytes]) -> None:
    # One-row buffers and few partitions: nearly everything goes through the files.
    found = Duplicates(partitions=3, flush_bytes=1)
    for position, value in enumerate(values):
        found.add(value, position)
    assert found.repeated().tolist() == naive_repeats(values)
    found.close()


def test_default_partitions_keep_a_small_set_off_the_disk() -> None:
    found = Duplicates()
    for position, value in enumerate([b"a", b"b", b"a", b"c", b"a", b"b"]):
        found.add(value, position)
    assert found._dir is None  # nothing flushed: buffers only
    assert found.repeated().tolist() == [2, 4, 5]
    assert Duplicates().repeated().tolist() == []


def test_flushed_rows_and_buffered_rows_are_read_together() -> None:
    found = Duplicates(partitions=1, flush_bytes=48)  # a flush every two rows
    for position, value in enumerate([b"x", b"y", b"x", b"z", b"y"]):
        found.add(value, position)
    assert found._dir is not None
    folder = Path(found._dir.name)
    assert [p.stat().st_size for p in folder.iterdir()] == [4 * 24]  # one row still buffered
    assert found.repeated().tolist() == [2, 4]
    found.close()
    assert not folder.exists()
    found.close()  # twice is harmless


def test_keys_are_digests_so_long_values_cost_the_same() -> None:
    found = Duplicates(partitions=2, flush_bytes=1)
    long = b"p" * 100_000
    for position, value in enumerate([long, long + b"!", long]):
        found.add(value, position)
    assert found._dir is not None
    assert sum(p.stat().st_size for p in Path(found._dir.name).iterdir()) == 3 * 24
    assert found.repeated().tolist() == [2]
