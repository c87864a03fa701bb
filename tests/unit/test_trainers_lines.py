"""The TRL, axolotl and LLaMA-Factory lines splice in the training row's messages and
tools JSON (axolotl: its tools' form, once per tool set): byte for byte the lines
serialising those values again would give."""

from __future__ import annotations

import orjson
import pytest

from pipeline.targets.trainers import FILTERS, ItemView, filters, trainer_records

MESSAGES = [
    {"role": "system", "content": 'Sé "útil" 😀\n\tand <tags>'},
    {"role": "user", "content": "Weather in Zürich?"},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": {"x": 1.5}}}],
    },
    {"role": "tool", "content": '{"t": -12}', "tool_call_id": "c0"},
    {"role": "assistant", "content": "It is −12 °C."},
]
TOOLS = [
    {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
    {"type": "function", "function": {"name": "g", "parameters": '{"type": "object"}'}},
    "not a tool object",
]


def _view(item_id: str, tools: list[object], *, spliced: bool) -> ItemView:
    return ItemView(
        item_id=item_id,
        messages=MESSAGES,
        tools=tools,
        text="",
        regions=[],
        quiet=set(),
        spans=[],
        eot="<|im_end|>",
        messages_json=orjson.dumps(MESSAGES).decode("utf-8") if spliced else None,
        tools_json=orjson.dumps(tools).decode("utf-8") if spliced else None,
    )


@pytest.mark.parametrize("item_id", ["gen-000001", 'odd "id", with \\ and é'])
@pytest.mark.parametrize("tools", [TOOLS, []])
@pytest.mark.parametrize(
    "item",
    [
        {"metadata": {"scenario": "weather", "lang": "de", "attempts": [{"ok": False}]}},
        {"metadata": "not an object"},
        {},
    ],
)
def test_spliced_lines_are_the_serialised_lines(
    item_id: str, tools: list[object], item: dict[str, object]
) -> None:
    exports = ("trl", "axolotl", "llamafactory")
    for _ in range(2):  # the second time from the per-tool-set memo
        spliced = trainer_records(exports, 0.0, item, _view(item_id, tools, spliced=True), {})
    plain = trainer_records(exports, 0.0, item, _view(item_id, tools, spliced=False), {})
    flt = filters(item)
    assert list(flt) == list(FILTERS)
    whole = {"id": item_id, "messages": MESSAGES, "tools": tools, **flt}
    assert spliced.lines["trl"] == plain.lines["trl"] == orjson.dumps(whole) + b"\n"
    assert spliced.lines["llamafactory"] == plain.lines["llamafactory"]
    assert spliced.lines["axolotl"] == plain.lines["axolotl"]
    axolotl = orjson.loads(spliced.lines["axolotl"])
    assert list(axolotl) == ["id", "messages", "tools", *FILTERS]
    assert [t["function"]["parameters"] for t in axolotl["tools"] if isinstance(t, dict)] == (
        ['{"type":"object"}', '{"type": "object"}'] if tools else []
    )
    assert orjson.loads(spliced.lines["llamafactory"])["tools"] == orjson.dumps(tools).decode()
