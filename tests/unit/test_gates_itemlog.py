"""Per-item results on disk (pipeline.gates.itemlog) and the streamed report writer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.gates import itemlog
from pipeline.gates.itemlog import ItemLog
from pipeline.gates.report import write_report
from pipeline.records import write_json


def test_entries_read_back_in_order_and_appends_after_a_read_are_kept() -> None:
    log = ItemLog()
    log.append({"line": 1, "reasons": []})
    log.append({"line": 2, "reasons": ["x"], "details": ["x: why"]})
    reader = iter(log)
    assert next(reader) == {"line": 1, "reasons": []}
    log.append({"line": 3, "reasons": [], "id": "é日"})  # while a reader is open
    assert list(reader) == [{"line": 2, "reasons": ["x"], "details": ["x: why"]}]
    assert [e["line"] for e in log] == [1, 2, 3] and len(log) == 3
    assert list(log)[2]["id"] == "é日"
    log.close()


def test_late_reasons_are_added_when_read_with_their_details() -> None:
    log = ItemLog()
    log.append({"id": "a", "reasons": ["own"]})
    log.append({"id": "b", "reasons": [], "details": ["kept"]})
    log.append({"id": "c", "reasons": []})
    log.add_reason(0, "late")
    log.add_reason(1, "dup", lambda e: f"dup of {e['id']}")
    log.add_reason(1, "again")
    assert list(log) == [
        {"id": "a", "reasons": ["own", "late"]},
        {"id": "b", "reasons": ["dup", "again"], "details": ["kept", "dup of b"]},
        {"id": "c", "reasons": []},
    ]


def test_lines_longer_than_one_read_are_joined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(itemlog, "READ_BYTES", 7)
    log = ItemLog()
    entries = [{"text": "x" * n, "reasons": []} for n in (0, 5, 30, 1)]
    for entry in entries:
        log.append(entry)
    assert list(log) == entries


def report(items: Any) -> dict[str, Any]:
    return {
        "mode": "dvc",
        "summary": {"items": 3, "passed": True},
        "items": items,
        "zeta": [1, {"b": 2, "a": [3]}],
        "gates": [],
    }


@pytest.mark.parametrize(
    "entries",
    [
        [],
        [{"line": 1, "id": "x", "reasons": []}],
        [
            {"line": 2, "id": "ü\u2028", "reasons": ["a", "b"], "details": ['a: "q"\n']},
            {"line": 3, "id": None, "reasons": [], "f1_lax": 0.5, "nested": {"k": [1, []]}},
        ],
    ],
)
def test_the_streamed_report_has_write_json_bytes(tmp_path: Path, entries: list[Any]) -> None:
    log = ItemLog()
    for entry in entries:
        log.append(entry)
    write_report(tmp_path / "streamed.json", report(log))
    write_json(tmp_path / "whole.json", report(entries))
    streamed = (tmp_path / "streamed.json").read_bytes()
    assert streamed == (tmp_path / "whole.json").read_bytes()
    assert orjson.loads(streamed)["items"] == entries
