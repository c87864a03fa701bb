"""Turns cut from one published text: Mistral result wrappers read or kept as written,
calls split by template tokens stay one assistant turn, and text written between a
call and its result stays before the result."""

from __future__ import annotations

import pytest

from pipeline.formats.textturns import text_turns, turn_messages

F = '[TOOL_CALLS][{"name": "f", "arguments": {"x": 1}}]'
G = '[TOOL_CALLS][{"name": "g", "arguments": {}}]'


def _no_types(_name: str, _key: str) -> str | None:
    return None


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ('{"content": "12 C", "call_id": "a1"}', "12 C"),
        ('{"content": {"t": 12}, "name": "f"}', '{"t": 12}'),
        ("plain 12 C", "plain 12 C"),  # not JSON: as written
        ('["12 C"]', '["12 C"]'),  # JSON, not the wrapper object
        ('{"content": "12 C"} trailing', '{"content": "12 C"} trailing'),
        ('{"content": "12 C", "status": "ok"}', '{"content": "12 C", "status": "ok"}'),
        ('{"call_id": "a1"}', '{"call_id": "a1"}'),
    ],
)
def test_mistral_results_unwrap_only_the_content_wrapper(raw: str, result: str) -> None:
    turns = text_turns(f"{F}[TOOL_RESULTS]{raw}[/TOOL_RESULTS]It is 12 C.", "auto", _no_types)
    assert turns is not None and turns.format == "mistral"
    messages, _ = turn_messages(turns)
    assert messages[1:] == [
        {"role": "tool", "content": result},
        {"role": "assistant", "content": "It is 12 C."},
    ]


def test_calls_split_by_an_end_token_stay_one_assistant_turn() -> None:
    turns = text_turns(f"{F}</s>{G}", "auto", _no_types)
    assert turns is not None and turns.markup == ("</s>",)
    assert [(c.name, c.arguments) for c in turns.calls] == [("f", {"x": 1}), ("g", {})]
    messages, entries = turn_messages(turns)
    assert len(messages) == 1
    assert [c["function"]["name"] for c in messages[0]["tool_calls"]] == ["f", "g"]
    assert [call.name for _, call in entries] == ["f", "g"]


def test_text_between_a_call_and_its_result_stays_before_the_result() -> None:
    text = f'{F} Checking now.[TOOL_RESULTS]{{"content": "ok"}}[/TOOL_RESULTS]Done.'
    turns = text_turns(text, "auto", _no_types)
    assert turns is not None
    messages, _ = turn_messages(turns)
    assert [(m["role"], m["content"]) for m in messages] == [
        ("assistant", None),
        ("assistant", "Checking now."),
        ("tool", "ok"),
        ("assistant", "Done."),
    ]


def test_a_text_without_calls_has_no_turns() -> None:
    assert text_turns("Just prose.</s>", "auto", _no_types) is None
