"""Verify on tool schemas in published dialects: judged, or reported, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline import extract, verify
from pipeline.records import RecordReader

PLOT = {
    "name": "plot",
    "description": "Plot points.",
    "parameters": {
        "type": "dict",
        "properties": {"points": {"type": "array", "items": {"type": "float"}}},
        "required": ["points"],
    },
}
RECORDS = [
    {"id": "bfcl", "prompt": "Plot 1 and 2.", "teacher_text": "[plot(points=[1.0, 2.5])]",
     "tools": [PLOT]},
    {"id": "xlam-type", "query": "Latest news?",
     "answers": json.dumps([{"name": "news", "arguments": {"type": "tech"}}]),
     "tools": json.dumps([{"name": "news", "description": "News by kind.",
                           "parameters": {"type": {"type": "str", "description": "Kind",
                                                   "default": "all"}}}])},
    {"id": "odd", "prompt": "Spin.", "teacher_text": "[spin(turns=2)]",
     "tools": [{"name": "spin", "parameters": {"type": "object",
                                               "properties": {"turns": {"type": "Whole"}}}}]},
]  # fmt: skip


def _extracted(tmp_path: Path, qwen_dir: Path) -> Path:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS))
    args = ["--in", str(inp), "--out", str(out), "--tokenizer", str(qwen_dir)]
    assert extract.main([*args, "--params", str(tmp_path / "none.yaml")]) == 0
    return out


def _verify_args(tmp_path: Path, qwen_dir: Path, out: Path) -> list[str]:
    args = ["--in", str(out), "--report", str(tmp_path / "report.json")]
    return [*args, "--tokenizer", str(qwen_dir), "--params", str(tmp_path / "none.yaml")]


def test_published_schemas_are_judged_and_an_unusable_one_reported(
    tmp_path: Path, qwen_dir: Path
) -> None:
    out = _extracted(tmp_path, qwen_dir)
    items = {i["id"]: i for i in RecordReader(out).items()}
    assert [c["schema_valid"] for c in items["xlam-type"]["targets"]["calls"]] == [True]
    assert verify.main(_verify_args(tmp_path, qwen_dir, out)) in (0, 1)
    report: dict[str, Any] = orjson.loads((tmp_path / "report.json").read_bytes())
    rows = {r["id"]: r for r in report["items"]}
    assert report["reasons"]["schema_invalid"] == 0
    assert "schema_unusable" not in rows["bfcl"]["reasons"]
    assert "schema_unusable" not in rows["xlam-type"]["reasons"]
    assert "schema_unusable" in rows["odd"]["reasons"]
    assert report["reasons"]["schema_unusable"] == 1


def test_an_unexpected_exception_in_verify_exits_2(
    tmp_path: Path, qwen_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    out = _extracted(tmp_path, qwen_dir)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise KeyError("a bug")

    # A crash cannot be made from data once the crashes found are fixed: a stand-in
    # bug checks that a traceback is an error (2), not "a gate failed" (1).
    monkeypatch.setattr(verify, "verify", broken)
    assert verify.main(_verify_args(tmp_path, qwen_dir, out)) == 2
    err = capsys.readouterr().err
    assert "KeyError: 'a bug'" in err and "verify: error: unexpected exception" in err
