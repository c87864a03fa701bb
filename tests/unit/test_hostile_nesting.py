"""Inputs nested deeper than a record may be: read without a crash, the same way by
extract and verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import main as extract_main
from pipeline.gates.grounding import parse_content, result_needles
from pipeline.targets.grounding import Grounder, result_value
from pipeline.verify import main as verify_main

DEEP = '{"r": ' + "[" * 990 + "1" + "]" * 990 + "}"


def _openai(content: str, answer: str) -> dict[str, Any]:
    call = {"id": "c1", "type": "function", "function": {"name": "run", "arguments": "{}"}}
    return {
        "messages": [
            {"role": "user", "content": "Please run it."},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": content},
            {"role": "assistant", "content": answer},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "run",
                    "description": "Run it.",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
        ],
    }


def extract_and_verify(tmp_path: Path, qwen_dir: Path, records: list[Any]) -> tuple[list, dict]:
    """The extracted items and the standalone verify report of `records`."""
    source, out, report = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "report.json"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    common = ["--params", str(tmp_path / "absent.yaml"), "--tokenizer", str(qwen_dir)]
    assert extract_main([*common, "--in", str(source), "--out", str(out)]) == 0
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert verify_main([*common, "--in", str(out), "--report", str(report)]) in (0, 1)
    return items, json.loads(report.read_text(encoding="utf-8"))


def test_a_result_nested_past_the_limit_is_plain_text_in_both_stages() -> None:
    assert result_value(DEEP) == DEEP
    assert parse_content(DEEP) == DEEP
    # Both read it as one text leaf: the same needle.
    extract_texts = {n.value for n in Grounder([result_value(DEEP)]).needles if n.kind == "text"}
    verify_texts = {v for n in result_needles([parse_content(DEEP)]) for v in n.variants}
    assert extract_texts and extract_texts <= verify_texts
    # A string field holding such JSON stays a string too (it was expanded by recursion).
    assert result_needles([{"r": DEEP}])
    # Within the limit a result is still structured.
    shallow = '{"r": [[1]]}'
    assert result_value(shallow) == parse_content(shallow) == {"r": [[1]]}


def test_extract_and_verify_read_a_deeply_nested_result(tmp_path: Path, qwen_dir: Path) -> None:
    items, report = extract_and_verify(tmp_path, qwen_dir, [_openai(DEEP, "Done with it.")])
    assert len(items) == 1 and items[0]["targets"]["integration_spans"] == []
    assert report["summary"]["items"] == 1 and report["summary"]["unreadable_lines"] == 0
    # Neither stage grounds the answer in it: no span verify disagrees with.
    assert report["reasons"]["gold_span_mismatch"] == 0
    assert report["items"][0]["reasons"] == ["ungrounded_lax"]


def _text_call(content: str) -> dict[str, Any]:
    record = _openai("ok", "Done with it.")
    record["messages"][1:3] = [
        {"role": "assistant", "content": content},
        {"role": "tool", "content": "ok"},
    ]
    record["tools"][0]["function"]["parameters"]["properties"] = {"x": {"type": "array"}}
    return record


@pytest.mark.parametrize("levels", [70, 150])
def test_text_calls_nested_past_the_limit_leave_a_line_verify_reads(
    tmp_path: Path, qwen_dir: Path, levels: int
) -> None:
    deep = "[" * levels + "1" + "]" * levels
    pythonic = f"[run(x={deep})]"
    qwen = f"<tool_call>\n<function=run>\n<parameter=x>\n{deep}\n</parameter>\n</function>\n"
    qwen += "</tool_call>"
    items, report = extract_and_verify(tmp_path, qwen_dir, [_text_call(pythonic), _text_call(qwen)])
    assert [i["targets"]["format"] for i in items] == ["pythonic", "qwen_xml"]
    assert report["summary"]["unreadable_lines"] == 0
    assert report["reasons"]["record_invalid"] == 0
    for item in items:
        (call,) = item["targets"]["calls"]
        assert not call["json_valid"]
        # The decoded value is kept as text, not written as a nested object.
        arguments = item["messages"][1]["tool_calls"][0]["function"]["arguments"]
        assert json.loads(arguments) == {"x": json.loads(deep)}
