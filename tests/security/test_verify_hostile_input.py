"""The verifier reads hostile data as data: nothing is executed, opened or leaked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline import verify
from pipeline.tools.registry import load_registry

SECRET = "ghp_" + "Z9y8X7w6V5" * 3 + "u4T3s2"


def item(item_id: str, name: str, arguments: dict[str, Any], answer: str) -> dict[str, Any]:
    text = json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)
    teacher = f"<tool_call>\n{text}\n</tool_call>\n{answer}"
    start = teacher.index(text)
    name_at = teacher.index(name)
    args_at = teacher.index(json.dumps(arguments, ensure_ascii=False))
    span = lambda s, e: {"chars": [s, e], "utf8": [s, e], "tokens": None}  # noqa: E731
    return {
        "id": item_id,
        "prompt": f"request {item_id}",
        "teacher_text": teacher,
        "tools": [load_registry().get(name)],
        "targets": {
            "calls": [
                {
                    "name": name,
                    "name_span": span(name_at, name_at + len(name)),
                    "args_span": span(args_at, args_at + len(json.dumps(arguments))),
                    "call_span": span(start, start + len(text)),
                }
            ],
            "integration_spans": [],
        },
    }


def run(tmp_path: Path, qwen_dir: Path, items: list[Any]) -> tuple[int, dict[str, Any], str]:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(i) + "\n" for i in items), "utf-8")
    report_path = tmp_path / "report.json"
    code = verify.main(
        ["--in", str(source), "--report", str(report_path), "--tokenizer", str(qwen_dir)]
    )
    return code, orjson.loads(report_path.read_bytes()), report_path.read_text("utf-8")


def test_code_and_paths_in_arguments_are_never_executed(tmp_path: Path, qwen_dir: Path) -> None:
    marker = tmp_path / "executed"
    outside = tmp_path / "outside.txt"
    items = [
        item("code", "code.run",
             {"language": "python", "code": f"import os\nos.system('touch {marker}')"}, "ran"),
        item("argv", "code.run",
             {"language": "python", "code": "print(1)", "args": [f"; touch {marker}"]}, "ran"),
        item("path", "fs.read", {"path": f"../../{outside}"}, "read"),
    ]  # fmt: skip
    code, report, _ = run(tmp_path, qwen_dir, items)
    assert code == 1
    assert not marker.exists()
    assert not outside.exists()
    reasons = {e["id"]: e["reasons"] for e in report["items"]}
    assert "shell_injection" in reasons["code"] and "shell_injection" in reasons["argv"]
    assert "unsafe_path" in reasons["path"]


def test_secrets_never_reach_the_report(tmp_path: Path, qwen_dir: Path) -> None:
    leak = item("leak", "web.search", {"q": "x"}, f"The token is {SECRET}.")
    code, report, text = run(tmp_path, qwen_dir, [leak])
    assert code == 1
    assert report["reasons"]["secret"] == 1
    assert SECRET not in text and SECRET[:12] not in text


def test_garbage_lines_become_counted_rejects(tmp_path: Path, qwen_dir: Path) -> None:
    source = tmp_path / "in.jsonl"
    deep = "[" * 5000 + "]" * 5000
    source.write_text(
        "\n".join(["not json", "[1, 2]", '{"no_id": 1}', deep, '{"id": 7}', '{"id": "ok"}']) + "\n",
        "utf-8",
    )
    report_path = tmp_path / "r.json"
    code = verify.main(
        ["--in", str(source), "--report", str(report_path), "--tokenizer", str(qwen_dir)]
    )
    report = orjson.loads(report_path.read_bytes())
    assert code == 1
    assert report["summary"]["unreadable_lines"] == 5
    assert [e["line"] for e in report["items"]] == [1, 2, 3, 4, 5, 6]


def test_params_cannot_construct_python_objects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("verify: !!python/object/apply:os.system ['touch pwned']\n", "utf-8")
    assert verify.main(["--params", str(params)]) == 2
    assert "verify: error:" in capsys.readouterr().err
    assert not Path("pwned").exists()


def test_malformed_messages_do_not_crash_rendering(tmp_path: Path, qwen_dir: Path) -> None:
    bad = item("bad", "web.search", {"q": "x"}, "ok")
    bad["messages"] = [{"role": "assistant", "content": None, "tool_calls": "junk"}, {"no": "role"}]
    code, report, _ = run(tmp_path, qwen_dir, [bad])
    assert code == 1
    assert "misaligned_sequence" in report["items"][0]["reasons"]
