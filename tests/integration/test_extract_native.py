"""External mode on teacher outputs in DeepSeek, Kimi K2 and GLM-4.5 native call text
(tests/fixtures/thirdparty/native_text_calls.jsonl): in OpenAI messages and as bare
teacher texts holding the whole transcript (results, end-of-turn tokens).

The calls are recovered exactly, their source spans slice the input back to the same
call, the rendered training sequence holds none of those models' special tokens,
broken calls are counted (`call_like_text`) and flagged by verify, and a hermes
record beside them stays hermes.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline import extract, verify
from pipeline.formats.nativecalls import (
    DS_CALLS_BEGIN,
    DS_CALLS_END,
    KIMI_SECTION_BEGIN,
    KIMI_SECTION_END,
    parse_deepseek,
    parse_glm45,
    parse_kimi_k2,
)
from pipeline.records import RecordReader
from pipeline.student import Student
from pipeline.targets.sequence import sequence_digest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "thirdparty" / "native_text_calls.jsonl"
# The special tokens and tags of the three families (DeepSeek's start with "<｜"; Kimi's
# <|im_end|> is ChatML's, which the student's own template writes).
FOREIGN = (
    "<｜",
    "<|tool_call",
    "<|im_system|>",
    "<|im_assistant|>",
    "<|im_middle|>",
    "<|observation|>",
    "<|assistant|>",
    "<arg_",
)
CALLS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "ds-1": [("get_weather", {"city": "Zürich", "days": 2}), ("get_time", {"tz": "Europe/Zurich"})],
    "ds-2": [("ping_service", {})],
    "kimi-1": [("get_weather", {"city": "東京"}), ("book_table", {
        "restaurant": "Sushi Sora", "party": {"adults": 2, "names": ["Aoi", "Ren"]},
        "note": '窓際 "quiet"'})],
    "kimi-2": [("get_time", {"tz": "Europe/Lisbon"})],
    # "note" is a string in the schema: 42 stays the text "42".
    "glm-1": [("book_table", {"restaurant": "Nord", "party": {"adults": 2, "names": ["Ana", "Ben"]},
                              "note": "42"}), ("ping_service", {})],
    "glm-2": [("get_weather", {"city": "Graz", "days": 3})],
    "he-1": [("get_time", {"tz": "Asia/Tokyo"})],
}  # fmt: skip
FORMATS = {"ds": "deepseek", "kimi": "kimi_k2", "glm": "glm45", "he": "hermes"}
BROKEN = ("ds-3", "kimi-3", "glm-3")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> tuple[dict[str, Any], Path]:
    tmp = tmp_path_factory.mktemp("native")
    out = tmp / "native.jsonl"
    common = ["--tokenizer", str(qwen_dir), "--params", str(tmp / "none.yaml")]
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        assert extract.main(["--in", str(FIXTURE), "--out", str(out), *common]) == 0
        # The broken records fail verify's gates (exit 1), and only they.
        assert verify.main(["--in", str(out), "--report", str(tmp / "r.json"), *common]) == 1
    assert out.with_name("native.rejects.jsonl").read_text() == ""
    items = {item["id"]: item for item in RecordReader(out).items()}
    return items, tmp / "r.json"


def _source_text(item: dict[str, Any], field: str) -> str:
    if field == "teacher_text_original":
        return str(item["teacher_text_original"])
    index = int(field.split("[")[1].split("]")[0])
    return str(item["messages_original"][index]["content"])


def _read_back(fmt: str, piece: str) -> tuple[str, dict[str, Any]]:
    parse, wrapped = {
        "deepseek": (parse_deepseek, DS_CALLS_BEGIN + piece + DS_CALLS_END),
        "kimi_k2": (parse_kimi_k2, KIMI_SECTION_BEGIN + piece + KIMI_SECTION_END),
        "glm45": (parse_glm45, piece),
    }[fmt]
    types = {"days": "integer", "party": "object"}.get
    found = parse(wrapped, lambda _name, key: types(key))
    assert found is not None and len(found.calls) == 1
    return found.calls[0].name, found.calls[0].arguments


def test_calls_are_recovered_with_spans_into_the_input_and_the_teacher_text(
    run: tuple[dict[str, Any], Path],
) -> None:
    items, _ = run
    assert len(items) == sum(1 for _ in FIXTURE.open(encoding="utf-8"))
    for item_id, expected in CALLS.items():
        item, fmt = items[item_id], FORMATS[item_id.split("-")[0]]
        targets = item["targets"]
        assert targets["format"] == fmt, item_id
        calls = targets["calls"]
        assert [(c["name"], c["arguments"]) for c in calls] == expected, item_id
        for call in calls:
            assert call["json_valid"] and call["schema_valid"], (item_id, call)
            text = item["teacher_text"]
            assert text[slice(*call["name_span"]["chars"])] == call["name"]
            assert json.loads(text[slice(*call["args_span"]["chars"])]) == call["arguments"]
            if fmt == "hermes":
                assert "source" not in call
                continue
            source = call["source"]
            given = _source_text(item, source["field"])
            assert given[slice(*source["name_span"]["chars"])] == call["name"]
            piece = given[slice(*source["call_span"]["chars"])]
            assert _read_back(fmt, piece) == (call["name"], call["arguments"])
            args = given[slice(*source["args_span"]["chars"])]
            if fmt != "glm45":
                assert json.loads(args) == call["arguments"]
            utf8 = given.encode()[slice(*source["call_span"]["utf8"])].decode()
            assert utf8 == piece


def test_the_training_sequence_holds_no_foreign_special_token(
    run: tuple[dict[str, Any], Path], student: Student
) -> None:
    items, _ = run
    for item_id in CALLS:
        item = items[item_id]
        sequence = student.render(item["messages"], item["tools"] or None)
        assert sequence_digest(sequence) == item["targets"]["sequence"]["sha256"]
        assert [t for t in FOREIGN if t in sequence] == [], item_id
        assert item["targets"].get("call_like_text") is None, item_id
    # Results became tool turns, and the answer follows them.
    roles = [m["role"] for m in items["kimi-2"]["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant"]
    assert items["kimi-2"]["messages"][2]["content"] == '{"tz": "Europe/Lisbon", "time": "09:30"}'
    assert any("<|im_end|>" in n for n in items["kimi-2"]["targets"]["notes"])
    # Reasoning written before the calls is dropped before they are read (never trained);
    # the call spans above still slice the given text, reasoning included.
    assert items["ds-1"]["messages"][1]["content"].startswith("I'll check both.")
    assert items["ds-1"]["messages_original"][1]["content"].startswith("<think>\nTwo things")
    assert "<think>" not in items["glm-1"]["teacher_text"]


def test_broken_calls_are_counted_and_flagged_never_silently_prose(
    run: tuple[dict[str, Any], Path], student: Student
) -> None:
    items, report_path = run
    for item_id in BROKEN:
        item = items[item_id]
        sequence = student.render(item["messages"], item["tools"] or None)
        assert [t for t in FOREIGN if t in sequence], item_id  # what the count is about
        targets = item["targets"]
        assert targets["call_like_text"] == 1, item_id
        assert any(n.startswith("call_like_text: messages[1].content") for n in targets["notes"])
    report = orjson.loads(report_path.read_bytes())
    reasons = {e["id"]: set(e["reasons"]) for e in report["items"]}
    assert {i for i, r in reasons.items() if r} == set(BROKEN)
    assert all("call_like_text" in reasons[i] for i in BROKEN)
    # A GLM block left in a text is also the invalid call the student's template would train.
    assert {"json_invalid", "invalid_trained_call"} <= reasons["glm-3"]
