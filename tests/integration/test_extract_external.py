"""External mode on hand-written OpenAI and Hermes files (parallel calls, unicode, malformed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import extract
from pipeline.records import RecordReader

FIXTURES = Path(__file__).parents[1] / "fixtures" / "external"


def _run(tmp_path: Path, qwen_dir: Path, name: str, fmt: str = "auto") -> dict[str, dict[str, Any]]:
    out = tmp_path / f"{name}.out.jsonl"
    args = [
        "--params",
        str(tmp_path / "none.yaml"),
        "--in",
        str(FIXTURES / f"{name}.jsonl"),
        "--out",
        str(out),
        "--tokenizer",
        str(qwen_dir),
        "--format",
        fmt,
    ]
    assert extract.main(args) == 0
    assert (tmp_path / f"{name}.out.rejects.jsonl").read_text() == ""
    return {item["id"]: item for item in RecordReader(out).items()}


def _text(item: dict[str, Any], span: dict[str, Any] | None) -> str | None:
    return None if span is None else item["teacher_text"][slice(*span["chars"])]


def test_openai_file(tmp_path: Path, qwen_dir: Path) -> None:
    items = _run(tmp_path, qwen_dir, "openai")
    assert all(i["targets"]["format"] == "openai" for i in items.values())
    single = items["oa-1"]
    (call,) = single["targets"]["calls"]
    assert (call["name"], call["arguments"], call["schema_valid"]) == (
        "get_weather",
        {"city": "Paris", "unit": "c"},
        True,
    )
    assert (
        _text(single, single["targets"]["integration_spans"][0])
        == "It is 18.5 °C in Paris with light rain."
    )
    parallel = items["oa-2"]["targets"]
    assert [c["name"] for c in parallel["calls"]] == ["get_weather", "convert"]
    assert [c["args_span"] is not None for c in parallel["calls"]] == [True, True]
    assert [len(s["grounded_fields"]) > 0 for s in parallel["integration_spans"]] == [True, True]
    assert all(r is not None for c in parallel["sequence"]["calls"] for r in c.values())
    retry = items["oa-3"]["targets"]["calls"]
    assert [c["json_valid"] for c in retry] == [False, True]
    assert any("single-quoted" in e for e in retry[0]["errors"])
    assert _text(items["oa-3"], retry[0]["args_span"]) == "{'path': 'notes.txt'}"
    assert (
        items["oa-4"]["targets"]["calls"] == []
        and items["oa-4"]["targets"]["integration_method"] == "none"
    )
    wild = items["oa-5"]["targets"]
    assert wild["calls"][0]["schema_valid"] is True
    assert "search_products: parameters.type: 'dict' -> 'object'" in wild["schema_normalized"]


def test_hermes_file(tmp_path: Path, qwen_dir: Path) -> None:
    items = _run(tmp_path, qwen_dir, "hermes")
    unicode = items["he-2"]
    assert [_text(unicode, c["args_span"]) for c in unicode["targets"]["calls"]] == [
        '{"path": "docs/café.md"}',
        '{"path": "docs/日本.md"}',
    ]
    spans = unicode["targets"]["integration_spans"]
    assert [_text(unicode, s).split()[0] for s in spans] == ["docs/café.md", "docs/日本.md"]
    for span in spans:
        assert span["utf8"][1] - span["utf8"][0] == len(_text(unicode, span).encode("utf-8"))
    malformed = items["he-3"]["targets"]["calls"]
    assert [c["json_valid"] for c in malformed] == [False, True]
    assert any("trailing comma" in e for e in malformed[0]["errors"])
    repeated = items["he-4"]["targets"]["calls"]
    assert repeated[1]["errors"] == ["repeats call #0 in the same turn"]
    assert repeated[2]["errors"][0].startswith("unterminated <tool_call> block")
    assert _text(items["he-4"], repeated[2]["args_span"]) == '{"q": "tokio'
    stringly = items["he-5"]["targets"]["calls"][0]
    assert stringly["arguments"] == {"code": "print(6 * 7)", "timeout_s": 60}
    assert stringly["schema_valid"] is False
    assert "\r" not in items["he-5"]["teacher_text"]
    sharegpt = items["he-6"]
    assert sharegpt["targets"]["calls"][0]["name"] == "get_stock_price"
    # hermes-function-calling-v1 writes calls as Python dict reprs: read as the JSON
    # call they are (noted), the given turn kept as written.
    assert sharegpt["targets"]["calls"][0]["json_valid"] is True
    assert sharegpt["targets"]["calls"][0]["arguments"] == {"symbol": "AAPL"}
    assert any("Python dict reprs" in n for n in sharegpt["targets"]["notes"])
    assert "{'arguments'" in sharegpt["conversations"][2]["value"]
    for item in items.values():
        assert "messages" in item and item["targets"]["unaligned_spans"] == 0


@pytest.mark.parametrize("fmt", ["hermes", "openai"])
def test_forced_format_on_the_openai_file(tmp_path: Path, qwen_dir: Path, fmt: str) -> None:
    items = _run(tmp_path, qwen_dir, "openai", fmt)
    assert {i["targets"]["format"] for i in items.values()} == {fmt}
    assert len(items["oa-2"]["targets"]["calls"]) == 2


def test_the_export_loads_with_datasets(tmp_path: Path, qwen_dir: Path) -> None:
    from datasets import load_dataset

    _run(tmp_path, qwen_dir, "hermes")
    data = load_dataset("parquet", data_files=str(tmp_path / "hermes.out.parquet"), split="train")
    assert len(data) == 6
    for row in data:
        assert len(row["input_ids"]) == len(row["tool_args_mask"]) == len(row["integration_mask"])
        json.loads(row["tools"])


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_a_compressed_file_extracts_as_its_plain_text_does(
    tmp_path: Path, qwen_dir: Path, suffix: str
) -> None:
    import bz2
    import gzip
    import lzma

    pack = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    plain = (FIXTURES / "openai.jsonl").read_bytes()
    # A misleading name: the reader goes by the bytes, not the suffix.
    packed = tmp_path / f"openai{suffix}.jsonl"
    packed.write_bytes(pack(plain))
    outputs = {}
    for name, source in (("plain", FIXTURES / "openai.jsonl"), ("packed", packed)):
        out = tmp_path / f"{name}.jsonl"
        args = ["--params", str(tmp_path / "none.yaml"), "--in", str(source), "--out", str(out)]
        assert extract.main([*args, "--tokenizer", str(qwen_dir)]) == 0
        outputs[name] = (out.read_bytes(), (tmp_path / f"{name}.rejects.jsonl").read_bytes())
    assert outputs["plain"] == outputs["packed"]
    assert outputs["plain"][0].count(b"\n") == plain.count(b"\n") + 1  # every item and the header


def _deep(levels: int) -> Any:
    return json.loads("[" * levels + "]" * levels)


def _hermes(system: str, call: str) -> dict[str, Any]:
    turns = [("human", "hi"), ("gpt", f"<tool_call>\n{call}\n</tool_call>")]
    turns += [("tool", "<tool_response>\nok\n</tool_response>"), ("gpt", "done")]
    head = [{"from": "system", "value": system}] if system else []
    return {"conversations": head + [{"from": f, "value": v} for f, v in turns]}


def _openai(content: str | None, arguments: str | None) -> dict[str, Any]:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    assistant: dict[str, Any] = {"role": "assistant", "content": content}
    if arguments is not None:
        fn = {"name": "f", "arguments": arguments}
        assistant["tool_calls"] = [{"id": "c1", "type": "function", "function": fn}]
    messages = [{"role": "user", "content": "hi"}, assistant]
    messages += [{"role": "tool", "tool_call_id": "c1", "content": "ok"}]
    messages += [{"role": "assistant", "content": "done"}]
    return {"messages": messages, "tools": [tool]}


def _unanswered(record: dict[str, Any]) -> dict[str, Any]:
    """`record` ending on its assistant's turn (the user's turn and that one)."""
    return {**record, "messages": record["messages"][:2]}


_TOO_DEEP = "nested deeper than 64 levels"
# Values decoded from a string inside a record escape the line's nesting check; 600
# levels crashed the whole run (orjson and the schema reader give up near 254).
DEEP_RECORDS = {
    "openai arguments": (_openai(None, json.dumps({"x": _deep(600)})), "invalid call"),
    "hermes call": (
        _hermes("", json.dumps({"name": "f", "arguments": {"x": _deep(600)}})),
        "invalid call",
    ),
    "hermes tools": (
        _hermes(
            "<tools>" + json.dumps({"name": "f", "parameters": {"x": _deep(600)}}) + "</tools>",
            '{"name": "f", "arguments": {}}',
        ),
        "tools unread",
    ),
    "hermes literal tools": (
        _hermes(
            "<tools>[{'name': 'f', 'parameters': {'x': " + "[" * 150 + "]" * 150 + "}}]</tools>",
            '{"name": "f", "arguments": {}}',
        ),
        "reject tools",
    ),
    "mistral text call": (
        # Without the tool turn: a result after a call read by no format answers no call.
        _unanswered(
            _openai(
                "[TOOL_CALLS]" + json.dumps([{"name": "f", "arguments": {"x": _deep(600)}}]), None
            )
        ),
        "call-like",
    ),
}


@pytest.mark.parametrize("shape", sorted(DEEP_RECORDS))
def test_values_nested_past_the_bound_inside_strings_never_stop_the_run(
    tmp_path: Path, qwen_dir: Path, shape: str
) -> None:
    record, expected = DEEP_RECORDS[shape]
    source, out = tmp_path / "deep.jsonl", tmp_path / "deep.out.jsonl"
    source.write_text(json.dumps(record) + "\n")
    args = ["--params", str(tmp_path / "none.yaml"), "--in", str(source), "--out", str(out)]
    assert extract.main([*args, "--tokenizer", str(qwen_dir)]) == 0
    rejects = [json.loads(line) for line in (tmp_path / "deep.out.rejects.jsonl").open()]
    items = list(RecordReader(out).items())
    assert len(items) + len(rejects) == 1
    if expected == "reject tools":
        assert [(r["field"], r["reason"]) for r in rejects] == [
            ("tools", "the tool definitions nest deeper than 64 levels")
        ]
        return
    (item,) = items
    targets = item["targets"]
    if expected == "invalid call":
        (call,) = targets["calls"]
        assert call["json_valid"] is False
        assert f"invalid JSON: {_TOO_DEEP}" in call["errors"]
    elif expected == "tools unread":
        assert "tools" not in item
        assert any("<tools> block is no readable tool list" in n for n in targets["notes"])
    else:
        assert targets["calls"] == []
        assert any(n.startswith("call_like_text: messages[1].content") for n in targets["notes"])


def test_an_answer_before_a_later_call_is_placed_in_the_sequence(
    tmp_path: Path, qwen_dir: Path
) -> None:
    # A third-party record may answer, then call again (or end on a call). Placing
    # every call first left the answer behind the search cursor: no sequence span,
    # and verify flagged the item misaligned_sequence.
    def call(i: int, name: str) -> dict[str, Any]:
        fn = {"name": name, "arguments": json.dumps({"pool": "north"})}
        return {"id": f"c{i}", "type": "function", "function": fn}

    params = {"type": "object", "properties": {"pool": {"type": "string"}}}
    tools = [
        {"type": "function", "function": {"name": n, "parameters": params}}
        for n in ("pool_status", "pool_hours")
    ]
    answer = "The north pool is open for lap swimming right now."
    messages = [
        {"role": "user", "content": "Is the north pool open?"},
        {"role": "assistant", "content": None, "tool_calls": [call(1, "pool_status")]},
        {"role": "tool", "tool_call_id": "c1", "content": '{"status": "open for lap swimming"}'},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": "And its hours?"},
        {"role": "assistant", "content": None, "tool_calls": [call(2, "pool_hours")]},
    ]
    source, out = tmp_path / "order.jsonl", tmp_path / "order.out.jsonl"
    source.write_text(json.dumps({"id": "o-1", "messages": messages, "tools": tools}) + "\n")
    args = ["--params", str(tmp_path / "none.yaml"), "--in", str(source), "--out", str(out)]
    assert extract.main([*args, "--tokenizer", str(qwen_dir)]) == 0
    (item,) = RecordReader(out).items()
    targets = item["targets"]
    (span,) = targets["integration_spans"]
    assert _text(item, span) == answer
    assert all(c["name_span"] is not None for c in targets["calls"])
    (placed,) = targets["sequence"]["integration"]
    assert placed is not None
