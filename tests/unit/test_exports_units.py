"""The trainer exports' pieces: params, split, filters, segments, external items, deselection."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

from pipeline import extract
from pipeline.params import ExportName, ParamsError, params_from_dict
from pipeline.targets.build import Extractor, Settings
from pipeline.targets.trainers import (
    EXPORTS,
    FILTERS,
    filters,
    is_validation,
    segments,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "external"


def _error(extract_keys: dict[str, Any]) -> str:
    with pytest.raises(ParamsError) as info:
        params_from_dict({"extract": extract_keys})
    return str(info.value)


def test_export_names_are_checked_and_named_by_key() -> None:
    assert typing.get_args(ExportName) == EXPORTS
    assert params_from_dict({}).extract.exports == ("trl", "axolotl", "llamafactory")
    assert params_from_dict({"extract": {"exports": []}}).extract.exports == ()
    message = _error({"exports": ["trl", "unsloth"]})
    assert message.startswith("extract.exports[1]: expected one of") and "'unsloth'" in message
    assert _error({"exports": "trl"}) == "extract.exports: expected a list, got str"
    assert "names an export twice" in _error({"exports": ["trl", "trl"]})
    assert "extract.validation_share" in _error({"validation_share": 1.5})


def test_split_is_a_function_of_the_id_alone() -> None:
    ids = [f"gen-{i:06d}" for i in range(20_000)]
    chosen = [i for i in ids if is_validation(i, 0.02)]
    assert 0.015 < len(chosen) / len(ids) < 0.025
    assert chosen == [i for i in reversed(ids) if is_validation(i, 0.02)][::-1]
    # A larger share only adds ids: the validation split of 2% stays inside that of 10%.
    assert set(chosen) <= {i for i in ids if is_validation(i, 0.10)}
    assert not any(is_validation(i, 0.0) for i in ids) and all(is_validation(i, 1.0) for i in ids)


def test_filters_from_metadata_and_nulls_without_it() -> None:
    assert filters({"id": "x"}) == dict.fromkeys(FILTERS)
    assert filters({"metadata": "not a mapping"}) == dict.fromkeys(FILTERS)
    metadata = {
        "scenario": "web_search",
        "lang": "de",
        "complexity": 3,  # not a string: null, never a guess
        "expected_behaviour": "retry",
        "adversarial": {"type": "ambiguity", "expected": "clarify"},
        "attempts": [{"call_index": 0, "ok": False}, {"call_index": 1, "ok": True}],
    }
    assert filters({"metadata": metadata}) == {
        "scenario": "web_search",
        "lang": "de",
        "complexity": None,
        "adversarial": "ambiguity",
        "expected_behaviour": "retry",
        "has_failed_attempt": True,
    }
    assert filters({"metadata": {}})["has_failed_attempt"] is False


def test_segments_partition_the_content_with_inclusive_ends() -> None:
    spans = [("tool_args", (20, 30)), ("tool_name", (5, 9)), ("integration", (9, 9))]
    out = segments(35, spans, True)
    assert [(s["begin_offset"], s["end_offset"], s["kind"]) for s in out] == [
        (0, 4, "text"),
        (5, 8, "tool_name"),
        (9, 19, "text"),
        (20, 29, "tool_args"),
        (30, 34, "text"),
    ]
    assert all(s["train"] is True for s in out)
    assert segments(0, [], False) == []
    # An overlapping span (never produced) is dropped rather than breaking the partition.
    assert [
        s["kind"] for s in segments(10, [("tool_name", (0, 6)), ("tool_args", (4, 8))], False)
    ] == [
        "tool_name",
        "text",
    ]


def _external_items() -> list[dict[str, Any]]:
    return [json.loads(x) for x in (FIXTURES / "openai.jsonl").read_text("utf-8").splitlines()]


@pytest.mark.stage
def test_external_items_get_null_filters_and_an_invalid_call_leaves_the_valid_mask(
    qwen_dir: Path,
) -> None:
    extractor = Extractor(qwen_dir, Settings(exports=EXPORTS))
    items = _external_items()
    outcomes = extractor.run_chunk(list(enumerate(items)))
    by_id = {o.row.id: o for o in outcomes if o.row is not None}
    assert len(by_id) == len(items)
    for outcome in by_id.values():
        assert outcome.trainers is not None
        assert outcome.trainers.filters == (None,) * len(FILTERS)
        for line in outcome.trainers.lines.values():
            record = json.loads(line)
            assert {k: record[k] for k in FILTERS} == dict.fromkeys(FILTERS)
    # oa-3's first call has Python-literal arguments: not valid JSON.
    outcome = by_id["oa-3"]
    assert outcome.trainers is not None
    earlier = json.loads(outcome.trainers.lines["earlier"])
    args = np.frombuffer(outcome.row.tool_args, dtype=np.int8)
    valid = np.array(earlier["mask_valid_json_tokens"])
    assert valid.sum() > 0 and (valid <= args).all() and valid.sum() < args.sum()
    assert earlier["tool_result_fields"] == {}


@pytest.mark.stage
def test_deselected_exports_keep_only_their_meta(tmp_path: Path, qwen_dir: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(i) + "\n" for i in _external_items()), "utf-8")
    stale = tmp_path / "exports" / "axolotl" / "train.jsonl"
    stale.parent.mkdir(parents=True)
    stale.write_text("left over from an earlier run\n", "utf-8")
    params = tmp_path / "params.yaml"
    params.write_text(
        yaml.safe_dump(
            {
                "tokenizer": {"out": str(qwen_dir)},
                "run": {"workers": 1, "progress": False},
                "extract": {"exports": ["trl"], "validation_share": 0.0},
            }
        ),
        "utf-8",
    )
    argv = ["--params", str(params), "--in", str(src), "--out", str(tmp_path / "x.jsonl")]
    assert extract.main([*argv, "--export-dir", str(tmp_path / "exports")]) == 0
    root = tmp_path / "exports"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*.*")) == [
        "axolotl/meta.json",
        "earlier/meta.json",
        "llamafactory/meta.json",
        "trl/meta.json",
        "trl/train.jsonl",
        "trl/train.parquet",
        "trl/validation.jsonl",
        "trl/validation.parquet",
    ]
    meta = json.loads((root / "axolotl" / "meta.json").read_text("utf-8"))
    assert meta["selected"] is False and meta["rows"] == {"train": 0, "validation": 0}
    assert meta["dataset_version"] == "external"
    table = pq.read_table(root / "trl" / "train.parquet")
    assert table.num_rows == len(_external_items())
    assert table.column("scenario").null_count == table.num_rows
    assert pq.read_table(root / "trl" / "validation.parquet").num_rows == 0
    # External mode writes no trainer exports unless asked.
    other = tmp_path / "other"
    assert extract.main([*argv[:2], "--in", str(src), "--out", str(other / "x.jsonl")]) == 0
    assert sorted(p.name for p in other.iterdir()) == ["x.jsonl", "x.parquet", "x.rejects.jsonl"]
