"""Hand-built items and record headers shared by the unit tests, and the small
generated-and-extracted set the integration tests build with the real stages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from pipeline import extract, generate, verify
from pipeline.gates.session import Session, Turn
from pipeline.gen.recipes.base import Outcome
from pipeline.records import make_header

ROOT = Path(__file__).resolve().parents[1]
TOOL = {
    "type": "function",
    "function": {
        "name": "fs.read",
        "description": "Read a file.",
        "parameters": {
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "max_lines": {"type": "integer", "maximum": 500},
            },
            "required": ["path"],
        },
    },
}


def hermes_item(
    item_id: str, calls: list[dict[str, Any]], results: list[Any], answer: str
) -> dict[str, Any]:
    """A hermes item the way the generator writes one: calls, results, final answer."""
    parts, messages = [], [{"role": "user", "content": "Do it"}]
    for call, result in zip(calls, results, strict=True):
        args = call["arguments"]
        args = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
        # Raw arguments text, as the chat template writes it.
        text = f'{{"name": {json.dumps(call["name"])}, "arguments": {args}}}'
        parts.append(f"<tool_call>\n{text}\n</tool_call>")
        body = json.dumps({"name": call["name"], "content": result}, ensure_ascii=False)
        parts.append(f"<tool_response>\n{body}\n</tool_response>")
        fn = {"name": call["name"], "arguments": call["arguments"]}
        messages.append(
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"type": "function", "function": fn}],
            }
        )
        messages.append({"role": "tool", "content": json.dumps(result, ensure_ascii=False)})
    parts.append(answer)
    messages.append({"role": "assistant", "content": answer})
    return {
        "id": item_id,
        "prompt": "Do it",
        "teacher_text": "\n".join(parts),
        "tools": [TOOL],
        "messages": messages,
    }


def record_header(total_samples: int, **changes: Any) -> dict[str, Any]:
    """A valid header of the current schema, with `changes` on top."""
    base = make_header(
        dataset_version="2.0.0",
        tokenizer_fingerprint={"id": "t", "sha256": "0" * 64, "normalizer": "NFC+LF"},
        tool_registry_sha256="1" * 64,
        integration_span_cap=3,
        seed=42,
        num_shards=1,
        shard_index=0,
        total_samples=total_samples,
    )
    return {**base, **changes}


def earlier_header(total_samples: int) -> dict[str, Any]:
    """The header the earlier version (1.1.0) really wrote: no `schema_version`, these
    keys in this order."""
    return {
        "__header__": True,
        "dataset_version": "1.1.0",
        "tokenizer_fingerprint": {
            "id": "data/tokenizer",
            "sha256": "0" * 64,
            "normalizer": "NFC+LF",
        },
        "tool_registry_sha256": "1" * 64,
        "integration_span_cap": 3,
        "seed": 42,
        "num_shards": 1,
        "shard_index": 0,
        "total_samples": total_samples,
    }


def generate_and_extract(tmp: Path, qwen_dir: Path, total: int, **extract_params: Any) -> Path:
    """`total` items through the real generate and extract stages, one worker, every
    output under `tmp` (exports under `tmp/exports`); `extract_params` override the
    `extract` section (e.g. `exports`, `validation_share`). Both stages must succeed
    and reject nothing: a generated item the extractor rejects is a bug. Returns `tmp`."""
    params = {
        "tokenizer": {"out": str(qwen_dir)},
        "run": {"workers": 1, "progress": False},
        "generate": {"total": total, "out": str(tmp / "generated.jsonl")},
        "extract": {
            "inp": str(tmp / "generated.jsonl"),
            "out": str(tmp / "extracted.jsonl"),
            "export": str(tmp / "train.parquet"),
            "export_dir": str(tmp / "exports"),
            "rejects": str(tmp / "rejects.jsonl"),
            **extract_params,
        },
    }
    path = tmp / "params.yaml"
    path.write_text(yaml.safe_dump(params), "utf-8")
    assert generate.main(["--params", str(path)]) == 0
    assert extract.main(["--params", str(path)]) == 0
    assert (tmp / "rejects.jsonl").read_text("utf-8") == ""
    return tmp


def repo_params_under(root: Path, tokenizer: Path) -> dict[str, Any]:
    """The repository's params.yaml with generate, extract and verify writing under `root`
    (their data/ and metrics/ paths), the tokenizer at `tokenizer`, one worker."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "params.yaml").read_text("utf-8"))
    for section in ("generate", "extract", "verify"):
        for key, value in data[section].items():
            if isinstance(value, str) and value.startswith(("data/", "metrics/")):
                data[section][key] = str(root / value)
    data["tokenizer"]["out"] = str(tokenizer)
    data["run"].update({"workers": 1, "progress": False})
    return data


def run_stages(root: Path, data: dict[str, Any]) -> None:
    """`data` written to `root`/params.yaml, then generate and extract (both must succeed)
    and verify (whose exit code says what its gates found) run with it."""
    root.mkdir(parents=True, exist_ok=True)
    params = root / "params.yaml"
    params.write_text(yaml.safe_dump(data), "utf-8")
    assert generate.main(["--params", str(params)]) == 0
    assert extract.main(["--params", str(params)]) == 0
    verify.main(["--params", str(params)])


def outcome_session(outcome: Outcome) -> Session:
    """A generator outcome as the session verify's meaning checks read: the request,
    each call with its result, the answer."""
    turns = [Turn(c.name, c.arguments, c.result) for c in outcome.episode.calls]
    return Session(outcome.request, turns, outcome.answer)
