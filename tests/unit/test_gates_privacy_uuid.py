"""The UUID prefilter never changes what the UUID pattern finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.gates.privacy import UUID, _uuids, scan_text

UUID_TEXT = "123e4567-e89b-12d3-a456-426614174000"
# Hex runs, dashes, separators and multi-byte characters: the shapes a UUID is cut from.
PIECES = st.sampled_from(
    [
        "123e4567",
        "E89B",
        "12d3",
        "a456",
        "426614174000",
        "-",
        "--",
        " ",
        "x",
        "é",
        "日",
        "g",
        UUID_TEXT,
    ]
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_prefilter_finds_exactly_what_the_pattern_finds(text: str) -> None:
    assert list(_uuids(text)) == [m.group() for m in UUID.finditer(text)]


def test_uuids_in_text_are_found_and_lookalikes_are_not() -> None:
    assert list(_uuids(f"id {UUID_TEXT}.")) == [UUID_TEXT]
    assert list(_uuids(f"id {UUID_TEXT.upper()}")) == [UUID_TEXT.upper()]
    assert list(_uuids("x" + UUID_TEXT)) == [UUID_TEXT]  # "x" is not a hex digit
    assert list(_uuids("0" + UUID_TEXT)) == []  # glued to more hex: not a UUID
    assert list(_uuids(UUID_TEXT.replace("-", "_"))) == []
    assert [code for code, _ in scan_text(f"request {UUID_TEXT} failed", ())] == ["pii_uuid"]
