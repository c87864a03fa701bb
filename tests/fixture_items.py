"""Hand-built items and record headers shared by the unit tests."""

from __future__ import annotations

import json
from typing import Any

from pipeline.records import make_header

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
