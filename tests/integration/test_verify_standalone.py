"""Standalone mode on hand-written Hermes and OpenAI files: what it checks, what it skips."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from gate_lines import check_printed_lines

from pipeline import extract, verify
from pipeline.gates.gate import NEEDS_METADATA, NEEDS_PLAN
from pipeline.tools.registry import load_registry

TOOLS = [load_registry().get("web.search"), load_registry().get("fs.read")]
SEARCH = {"q": "fp16 kernels on the ANE", "top_k": 3, "filters": {"site": "example.org"}}
RESULT = {
    "ok": True,
    "summary": "The ANE prefers fp16 kernels when the operations are supported",
    "count": 1234,
    # top_k is 3 and there are more matches: three results, or the response is incoherent.
    "results": [
        "https://example.org/ane/fp16-kernels",
        "https://example.org/ane/fp16-layout",
        "https://example.org/ane/int8-vs-fp16",
    ],
}
ANSWER = (
    "According to example.org, the ANE prefers fp16 kernels when the operations are supported. "
    "The search returned 1,234 results; the best is https://example.org/ane/fp16-kernels."
)


def call(name: str, arguments: dict[str, Any]) -> str:
    return json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)


REQUEST = "Find tips on fp16 kernels for the ANE on example.org."


def messages(answer: str, arguments: Any = None, request: str = REQUEST) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": request},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "type": "function",
                    "function": {"name": "web.search", "arguments": arguments or SEARCH},
                }
            ],
        },
        {"role": "tool", "name": "web.search", "content": json.dumps(RESULT)},
        {"role": "assistant", "content": answer},
    ]


def hermes(item_id: str, answer: str = ANSWER, request: str = REQUEST) -> dict[str, Any]:
    teacher = (
        f"<tool_call>\n{call('web.search', SEARCH)}\n</tool_call>\n<tool_response>\n"
        f"{json.dumps({'name': 'web.search', 'content': RESULT})}\n</tool_response>\n{answer}"
    )
    return {
        "id": item_id,
        "prompt": request,
        "teacher_text": teacher,
        "tools": TOOLS,
        "messages": messages(answer, request=request),
    }


def openai(item_id: str, request: str = REQUEST) -> dict[str, Any]:
    # The OpenAI API sends arguments as a JSON string.
    return {
        "id": item_id,
        "tools": TOOLS,
        "messages": messages(ANSWER, json.dumps(SEARCH), request),
    }


def write(path: Path, items: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    return path


def extract_and_verify(tmp_path: Path, qwen_dir: Path, raw: Path) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "extracted.jsonl"
    args = ["--in", str(raw), "--out", str(out), "--tokenizer", str(qwen_dir)]
    assert extract.main([*args, "--params", str(tmp_path / "none.yaml")]) == 0
    report_path = tmp_path / "report.json"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = verify.main(
            ["--in", str(out), "--report", str(report_path), "--tokenizer", str(qwen_dir),
             "--params", str(tmp_path / "none.yaml")]
        )  # fmt: skip
    report = orjson.loads(report_path.read_bytes())
    check_printed_lines(printed.getvalue(), report)  # each line agrees with the report
    print(printed.getvalue(), end="")
    return code, report


@pytest.mark.parametrize("kind", ["hermes", "openai"])
def test_standalone_checks_what_the_data_supports(
    tmp_path: Path, qwen_dir: Path, kind: str
) -> None:
    make = hermes if kind == "hermes" else openai
    raw = write(tmp_path / f"{kind}.jsonl", [make("a"), make("b", request=REQUEST + " Please.")])
    code, report = extract_and_verify(tmp_path, qwen_dir, raw)
    assert report["mode"] == "standalone"
    gates = {g["name"]: g for g in report["gates"]}
    for name in (
        "json_valid",
        "schema_valid",
        "privacy",
        "alignment_teacher",
        "alignment_sequence",
    ):
        assert gates[name]["pass"], gates[name]
    assert gates["alignment_teacher"]["detail"].startswith("10/10")
    skipped = {s["gate"]: s["why"] for s in report["skipped"]}
    assert set(NEEDS_METADATA) | set(NEEDS_PLAN) <= set(skipped)
    assert skipped["span_f1"] == "needs generator metadata"
    # Strict F1 counts the generator's answer fields: external data has none.
    assert skipped["integration_f1_strict"] == "needs the generator's answer field names"
    assert report["reasons"]["ungrounded_strict"] == 0
    assert "registry_fingerprint" in skipped
    assert not (tmp_path / "metrics").exists()
    assert code == 0, report["summary"]


def test_standalone_reports_a_leak_and_a_broken_call(
    tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leaky = hermes("leak", ANSWER + " Write to jane.doe@corp.io.")
    broken = hermes("broken", request="Another request.")
    broken["teacher_text"] = broken["teacher_text"].replace('"top_k": 3', '"top_k": 99')
    raw = write(tmp_path / "in.jsonl", [leaky, broken])
    code, report = extract_and_verify(tmp_path, qwen_dir, raw)
    assert code == 1
    assert report["reasons"]["pii_email"] == 1
    assert report["reasons"]["schema_invalid"] == 1
    assert {"privacy", "schema_valid"} <= set(report["summary"]["failed_gates"])
    out = capsys.readouterr().out
    # The printed count is the code's: one invalid call of the two checked.
    assert re.search(r"^schema_valid .* FAILED +schema_invalid: 1/2 calls invalid$", out, re.M), out


def test_file_that_was_never_extracted(tmp_path: Path, qwen_dir: Path) -> None:
    raw = write(tmp_path / "raw.jsonl", [hermes("a")])
    report_path = tmp_path / "r.json"
    code = verify.main(
        ["--in", str(raw), "--report", str(report_path), "--tokenizer", str(qwen_dir)]
    )
    report = orjson.loads(report_path.read_bytes())
    assert code == 1
    assert report["reasons"]["targets_invalid"] == 1
    assert "records" in report["summary"]["failed_gates"]


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        verify.main(["--in", "x.jsonl"])
    missing = tmp_path / "missing.jsonl"
    assert verify.main(["--in", str(missing), "--report", str(tmp_path / "r.json")]) == 2
    assert "verify: error:" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("verify: {min_alignment: 2}\n", "utf-8")
    assert verify.main(["--params", str(bad)]) == 2
    assert "verify.min_alignment" in capsys.readouterr().err
