"""The trainer-native exports (docs/exports.md) on a generated set: each loads with the
library its trainer uses, has the documented columns and types, and says the same thing
as the training sequence it came from (re-rendered with the tokenizer's own template)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from fixture_items import generate_and_extract

from pipeline.exports import LLAMAFACTORY_ENTRY, TRL_SCHEMA
from pipeline.records import RecordReader
from pipeline.student import Student, fingerprint
from pipeline.targets.trainers import FILTERS, is_validation

pytestmark = pytest.mark.stage

TOTAL = 120
SHARE = 0.25
MASKS = (
    "attention_mask",
    "assistant_masks",
    "completion_mask",
    "tool_name_mask",
    "tool_args_mask",
    "integration_mask",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> dict[str, Any]:
    tmp = generate_and_extract(
        tmp_path_factory.mktemp("exports"),
        qwen_dir,
        TOTAL,
        exports=["trl", "axolotl", "llamafactory", "earlier"],
        validation_share=SHARE,
    )
    items = {i["id"]: i for i in RecordReader(tmp / "extracted.jsonl").items()}
    native = pq.read_table(tmp / "train.parquet").to_pylist()
    return {"dir": tmp / "exports", "items": items, "native": {r["id"]: r for r in native}}


def _load(kind: str, path: Path, **kwargs: Any) -> Any:
    from datasets import load_dataset

    return load_dataset(kind, data_files=str(path), split="train", **kwargs)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _trl_rows(run: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rows = {}
    for split in ("train", "validation"):
        for row in _load("parquet", run["dir"] / "trl" / f"{split}.parquet"):
            rows[row["id"]] = row
    return rows


def test_splits_follow_the_hash_of_the_id(run: dict[str, Any]) -> None:
    items = run["items"]
    for name in ("trl", "axolotl", "llamafactory", "earlier"):
        seen = []
        for split in ("train", "validation"):
            ids = [r["id"] for r in _jsonl(run["dir"] / name / f"{split}.jsonl")]
            assert all(is_validation(i, SHARE) == (split == "validation") for i in ids)
            seen += ids
        assert sorted(seen) == sorted(items), name
        meta = json.loads((run["dir"] / name / "meta.json").read_text("utf-8"))
        assert meta["rows"]["validation"] == sum(is_validation(i, SHARE) for i in items)
        assert 0 < meta["rows"]["validation"] < len(items)
    # In input order within each split: the item order of the extracted file.
    order = list(items)
    train = [r["id"] for r in _jsonl(run["dir"] / "trl" / "train.jsonl")]
    assert train == [i for i in order if not is_validation(i, SHARE)]


def test_trl_parquet_columns_types_and_provenance(run: dict[str, Any], qwen_dir: Path) -> None:
    from datasets import Sequence, Value

    path = run["dir"] / "trl" / "train.parquet"
    dataset = _load("parquet", path)
    assert dataset.column_names == TRL_SCHEMA.names
    features = dataset.features
    assert features["input_ids"].feature == Value("int32")
    assert features["labels"].feature == Value("int32")
    assert all(features[m].feature == Value("int8") for m in MASKS)
    assert features["has_failed_attempt"] == Value("bool")
    assert not isinstance(features["scenario"], Sequence)
    meta = pq.ParquetFile(path).schema_arrow.metadata
    assert json.loads(meta[b"toolcall.tokenizer_fingerprint"]) == fingerprint(qwen_dir)
    assert json.loads(meta[b"toolcall.dataset_version"]) == "2.3.0"
    items, native = run["items"], run["native"]
    for row in _trl_rows(run).values():
        ids, labels = np.array(row["input_ids"]), np.array(row["labels"])
        assert all(len(row[m]) == len(ids) for m in MASKS)
        assert set(row["attention_mask"]) == {1}
        trained = (labels != -100).astype(int).tolist()
        assert row["assistant_masks"] == row["completion_mask"] == trained
        assert np.array_equal(labels[labels != -100], ids[labels != -100])
        same = native[row["id"]]
        assert row["input_ids"] == same["input_ids"] and row["labels"] == same["labels"]
        for mask in ("tool_name_mask", "tool_args_mask", "integration_mask"):
            assert row[mask] == same[mask]
        metadata = items[row["id"]]["metadata"]
        for key in ("scenario", "lang", "complexity", "expected_behaviour"):
            assert row[key] == metadata[key]
        adversarial = metadata.get("adversarial")
        assert row["adversarial"] == (adversarial["type"] if adversarial else None)
        failed = any(a["ok"] is False for a in metadata.get("attempts") or [])
        assert row["has_failed_attempt"] is failed
    rows = _trl_rows(run).values()
    assert any(r["has_failed_attempt"] for r in rows) and any(r["adversarial"] for r in rows)


def _trl_features() -> Any:
    from datasets import Features, Json, List, Value

    return Features(
        {
            "id": Value("string"),
            "messages": List(Json()),
            "tools": List(Json()),
            **{k: Value("string") for k in FILTERS[:-1]},
            "has_failed_attempt": Value("bool"),
        }
    )


def test_trl_conversations_render_to_the_parquet_input_ids(
    run: dict[str, Any], qwen_dir: Path
) -> None:
    """What SFTTrainer would tokenise itself is exactly what the Parquet holds."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(qwen_dir))
    parquet = _trl_rows(run)
    count = 0
    for split in ("train", "validation"):
        path = run["dir"] / "trl" / f"{split}.jsonl"
        dataset = _load("json", path, features=_trl_features())
        for row in dataset:
            assert isinstance(row["messages"], list) and isinstance(row["tools"], list)
            assert row["tools"] == run["items"][row["id"]]["tools"]
            rendered = hf.apply_chat_template(
                row["messages"], tools=row["tools"] or None, return_dict=True
            )
            assert list(rendered["input_ids"]) == parquet[row["id"]]["input_ids"], row["id"]
            count += 1
    assert count == len(run["items"])


def test_axolotl_records_rerender_the_sequence_and_locate_the_spans(
    run: dict[str, Any], student: Student
) -> None:
    """Loaded as axolotl loads it (plain `load_dataset("json")`), tools' `parameters`
    decoded and nulls dropped as axolotl's chat_template strategy does, the messages
    render to the training sequence; each training_detail segment names its span."""
    trl = _trl_rows(run)
    kinds: set[str] = set()
    for split in ("train", "validation"):
        for row in _load("json", run["dir"] / "axolotl" / f"{split}.jsonl"):
            item = run["items"][row["id"]]
            tools = [
                {
                    **t,
                    "function": {
                        **t["function"],
                        "parameters": json.loads(t["function"]["parameters"]),
                    },
                }
                for t in row["tools"]
            ]
            assert tools == item["tools"]
            messages = [{k: v for k, v in m.items() if v is not None} for m in row["messages"]]
            chat = [
                {k: v for k, v in m.items() if k not in ("training", "training_detail")}
                for m in messages
            ]
            text = student.render(chat, tools or None)
            assert student.encode_batch([text])[0].ids == trl[row["id"]]["input_ids"]
            calls = item["targets"]["calls"]
            names = [c["name"] for c in calls]
            for message in messages:
                detail = message["training_detail"]
                if message["role"] != "assistant":
                    assert message["training"] is False and detail == []
                    continue
                content = message["content"]
                assert [d["begin_offset"] for d in detail] == [0] + [
                    d["end_offset"] + 1 for d in detail[:-1]
                ]
                assert detail[-1]["end_offset"] == len(content) - 1
                assert all(d["train"] is message["training"] for d in detail)
                for d in detail:
                    piece = content[d["begin_offset"] : d["end_offset"] + 1]
                    kinds.add(d["kind"])
                    if d["kind"] == "tool_name":
                        assert piece in names
                    elif d["kind"] == "tool_args":
                        assert isinstance(json.loads(piece), dict)
            # A failed attempt the generator marked is one assistant turn that takes no loss.
            quiet = [m for m in messages if m["role"] == "assistant" and not m["training"]]
            excluded = [a for a in item["metadata"].get("attempts") or [] if a.get("excluded")]
            assert len(quiet) == len(excluded)
    assert kinds == {"text", "tool_name", "tool_args", "integration"}


def test_llamafactory_dataset_info_names_existing_files_and_columns(
    run: dict[str, Any],
) -> None:
    folder = run["dir"] / "llamafactory"
    info = json.loads((folder / "dataset_info.json").read_text("utf-8"))
    assert set(info) == {"toolcall_train", "toolcall_validation"}
    for entry in info.values():
        assert {k: v for k, v in entry.items() if k != "file_name"} == LLAMAFACTORY_ENTRY
        dataset = _load("json", folder / entry["file_name"])
        assert set(entry["columns"].values()) <= set(dataset.column_names)
        tags = entry["tags"]
        for row in dataset:
            item = run["items"][row["id"]]
            assert isinstance(row["tools"], str) and json.loads(row["tools"]) == item["tools"]
            turns = row["conversations"]
            # LLaMA-Factory's ShareGPT rule: user/observation, then assistant/function, ...
            for k, turn in enumerate(turns):
                allowed = (
                    (tags["user_tag"], tags["observation_tag"])
                    if k % 2 == 0
                    else (tags["assistant_tag"], tags["function_tag"])
                )
                assert turn[tags["role_tag"]] in allowed
            assert len(turns) % 2 == 0 and turns[-1]["from"] == "gpt"
            called = [json.loads(t["value"]) for t in turns if t["from"] == "function_call"]
            gold = [
                {"name": c["name"], "arguments": c["arguments"]} for c in item["targets"]["calls"]
            ]
            assert called == gold


def test_earlier_trainer_fields_are_defined_on_the_sequence(
    run: dict[str, Any], student: Student
) -> None:
    trl = _trl_rows(run)
    for split in ("train", "validation"):
        for row in _jsonl(run["dir"] / "earlier" / f"{split}.jsonl"):
            item, same = run["items"][row["id"]], trl[row["id"]]
            ids = np.array(row["input_ids"])
            assert row["input_ids"] == same["input_ids"] and row["labels"] == same["labels"]
            assert row["tool_name_mask"] == same["tool_name_mask"]
            assert row["integration_mask"] == same["integration_mask"]
            # Every call here is valid JSON, so the valid-JSON mask is the arguments mask.
            assert all(c["json_valid"] for c in item["targets"]["calls"])
            assert row["mask_valid_json_tokens"] == same["tool_args_mask"]
            names = np.array(row["tool_name_mask"], dtype=bool)
            assert [t for n in row["tool_name_ids"] for t in n] == ids[names].tolist()
            skipped = {
                a["call_index"] for a in item["metadata"].get("attempts") or [] if a.get("excluded")
            }
            calls = [c for i, c in enumerate(item["targets"]["calls"]) if i not in skipped]
            assert [student.decode(n) for n in row["tool_name_ids"]] == [c["name"] for c in calls]
            for gold, call in zip(row["gold_json_text_ids"], calls, strict=True):
                text = item["teacher_text"][slice(*call["args_span"]["chars"])]
                assert text in student.decode(gold)
            assert row["tool_result_fields"] == item["metadata"]["tool_result_fields"]
            assert {k: row[k] for k in FILTERS} == {k: same[k] for k in FILTERS}


def test_a_token_straddling_the_argument_edge_is_in_the_args_mask(
    run: dict[str, Any], student: Student
) -> None:
    """The documented rule (docs/exports.md): tool_args_mask holds every token that overlaps
    the argument text by at least one character (`TokenIndex.cover`: the minimal covering
    range), so a token like "}}\\n", which ends the arguments and opens the wrapper's
    closing, is in the mask. Checked against the tokenizer's own offsets."""
    trl = _trl_rows(run)
    straddling = 0
    for item_id, item in run["items"].items():
        text = student.render(item["messages"], item["tools"] or None)
        offsets = student.encode_batch([text])[0].offsets
        skipped = {
            a["call_index"] for a in item["metadata"].get("attempts") or [] if a.get("excluded")
        }
        expected: set[int] = set()
        cursor, index = 0, 0
        for message in item["messages"]:
            for call in message.get("tool_calls") or []:
                args = json.dumps(call["function"]["arguments"], ensure_ascii=False)
                at = text.index('"arguments": ' + args, cursor) + len('"arguments": ')
                cursor, end = at + len(args), at + len(args)
                if index not in skipped:
                    hits = {t for t, (s, e) in enumerate(offsets) if s < end and e > at}
                    expected |= hits
                    straddling += sum(1 for t in hits if offsets[t][1] > end)
                index += 1
        mask = trl[item_id]["tool_args_mask"]
        assert {t for t, m in enumerate(mask) if m} == expected, item_id
    assert straddling > 0
