"""The axolotl export line of one item: only the selected exports are written, a turn
whose region is unknown keeps its message, a region without the end-of-turn text is
kept whole, and tool parameters become JSON strings (non-tool entries as given)."""

from __future__ import annotations

import json

from pipeline.targets.trainers import ItemView, trainer_records

CALL = {"type": "function", "function": {"name": "f", "arguments": {"x": 1}}}
TOOLS = [
    "not a tool object",
    {"type": "function", "function": {"name": "f"}},
    {"type": "function", "function": {"name": "g", "parameters": '{"type": "object"}'}},
    {"type": "function", "function": {"name": "h", "parameters": {"type": "object"}}},
]


def test_axolotl_only_with_an_unknown_region_and_string_parameters() -> None:
    text = "<|im_start|>assistant\nIt is 12 C."
    start = text.index("It is")
    view = ItemView(
        item_id="gen-000001",
        messages=[
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "content": None, "tool_calls": [CALL]},
            {"role": "tool", "content": '{"t": 12}', "tool_call_id": "c0"},
            {"role": "assistant", "content": "It is 12 C."},
        ],
        tools=TOOLS,
        text=text,
        regions=[None, (start, len(text))],
        quiet={0},
        spans=[("answer", (start + 6, start + 10))],
        eot="<|im_end|>",
    )
    records = trainer_records(("axolotl",), 0.0, {"id": "gen-000001"}, view, {})
    assert set(records.lines) == {"axolotl"}  # trl and the others not selected
    line = json.loads(records.lines["axolotl"])
    assert line["tools"] == [
        "not a tool object",
        {"type": "function", "function": {"name": "f"}},
        {"type": "function", "function": {"name": "g", "parameters": '{"type": "object"}'}},
        {"type": "function", "function": {"name": "h", "parameters": '{"type":"object"}'}},
    ]
    user, call_turn, tool, answer = line["messages"]
    assert user == {"role": "user", "content": "Weather?", "training": False, "training_detail": []}
    # Region unknown: the message as given, quiet (a failed attempt) so not trained.
    assert call_turn == {
        "role": "assistant",
        "content": None,
        "tool_calls": [CALL],
        "training": False,
        "training_detail": [],
    }
    assert tool["role"] == "tool" and "tool_call_id" not in tool
    # No end-of-turn text at the region's end: the content is the region, whole.
    assert answer["content"] == "It is 12 C." and answer["training"] is True
    covered = "".join(
        answer["content"][s["begin_offset"] : s["end_offset"] + 1]
        for s in answer["training_detail"]
    )
    assert covered == "It is 12 C."
