"""ToolBench / ToolLLM ReAct transcripts (`react`): every turn is read into the canonical
messages or the record is refused naming the turn; the detector claims no other shape."""

from __future__ import annotations

import ast
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from pipeline.formats import FormatError, ingest, parse_call
from pipeline.formats.react import is_react, tool_result
from pipeline.formats.react_system import CANDIDATES_MAX, LITERAL_BUDGET, LITERAL_MAX, api_list

FIXTURES = Path(__file__).parents[1] / "fixtures" / "thirdparty"
CLOCK = {
    "name": "city_time_for_clock",
    "description": 'This is the subfunction for tool "clock".',
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"], "optional": []},
}  # fmt: skip
FINISH = {
    "name": "Finish",
    "description": "Give the final answer, or give up and restart.",
    "parameters": {"type": "object", "properties": {"return_type": {"type": "string"}},
                   "required": ["return_type"]},
}  # fmt: skip
# ToolBench's system prompt as ToolLLaMA's data has it: the AutoGPT boilerplate teaching
# ReAct, the fixed task description, then the API list as a Python repr.
PROTOCOL = (
    "You are AutoGPT, you can use many tools(functions) to do the following task.\n"
    "Your output should follow this format:\nThought:\nAction\nAction Input:\n\n"
    'Remember: \n1.the state change is irreversible; to restart, say "I give up and restart".\n'
    "Let's Begin!\nTask description: You should use functions to help handle the real time"
    ' user querys. Remember:\n1.ALWAYS call "Finish" function at the end of the task. If you'
    " can't handle the task, use function Finish->give_up_and_restart.\n2.Do not use origin"
    " tool names, use only subfunctions' names.\nYou have access of the following tools:\n"
    "1.clock: Time of the cities of the world.\n\n"
)
SYSTEM = PROTOCOL + "Specifically, you have access to the following APIs: " + repr([CLOCK, FINISH])


def _action(name: str, args: str, thought: str = "I need the time.") -> dict[str, str]:
    return {
        "from": "assistant",
        "value": f"\nThought: {thought}\nAction: {name}\nAction Input: {args}",
    }


def _finish(
    kind: str = "give_answer", answer: str | None = "It is 14:05 in Lisbon."
) -> dict[str, str]:
    args: dict[str, Any] = {"return_type": kind}
    if answer is not None:
        args["final_answer"] = answer
    return _action("Finish", json.dumps(args, indent=2), "I can answer now.")


RESULT = {"from": "function", "value": json.dumps(
    {"error": "", "response": "{'city': 'Lisbon', 'local_time': '14:05'}"})}  # fmt: skip
# The environment's reply to Finish: it answers no call.
ACK = {"from": "function", "value": '{"response":"successfully giving the final answer."}'}


TWO_ACTIONS = "Thought: x\nAction: a\nAction Input: {}\nAction: b\nAction Input: {}"


def _record(*turns: dict[str, str]) -> dict[str, Any]:
    head = [
        {"from": "system", "value": SYSTEM},
        {"from": "user", "value": "\nTime in Lisbon?\nBegin!\n"},
    ]
    return {"id": "Step 4: Time in Lisbon?", "conversations": [*head, *turns]}


def test_a_toolbench_trajectory_becomes_calls_results_and_the_final_answer() -> None:
    item = _record(_action("city_time_for_clock", '{\n  "city": "Lisbon"\n}'), RESULT, _finish())
    source = ingest(item)
    assert source.parsed.format == "react"
    roles = [m["role"] for m in item["messages"]]
    # The system turn held only the ReAct protocol and the API list: no system message.
    assert roles == ["user", "assistant", "tool", "assistant"]
    assert item["conversations"][0]["value"] == SYSTEM
    call_turn, tool, answer = item["messages"][1:]
    # The Thought is the text before the call, without its ReAct label.
    assert call_turn["content"] == "I need the time."
    [call] = call_turn["tool_calls"]
    assert call["function"] == {"name": "city_time_for_clock", "arguments": {"city": "Lisbon"}}
    assert tool["tool_call_id"] == call["id"]
    # The stringified Python dict is written as the JSON it spells; the envelope stays.
    assert json.loads(tool["content"]) == {
        "error": "",
        "response": {"city": "Lisbon", "local_time": "14:05"},
    }
    assert answer == {"role": "assistant", "content": "It is 14:05 in Lisbon."}
    # Finish is the transcript's way to end, not a tool the student should call.
    assert [t["function"]["name"] for t in item["tools"]] == ["city_time_for_clock"]
    assert item["teacher_text"].endswith("</tool_response>\nIt is 14:05 in Lisbon.")
    assert "Finish" not in item["teacher_text"] and "Action" not in item["teacher_text"]
    # The call's source spans read back to the Action lines of its turn.
    found = source.call_sources[0]
    assert found is not None and found["field"] == "conversations[2].value"
    text = item["conversations"][2]["value"]
    start, end = found["call_span"]["chars"]
    assert text[start:end] == 'Action: city_time_for_clock\nAction Input: {\n  "city": "Lisbon"\n}'
    assert text[slice(*found["name_span"]["chars"])] == "city_time_for_clock"


def test_an_action_input_that_is_no_json_is_kept_as_written_and_judged() -> None:
    item = _record(_action("city_time_for_clock", "{'city': 'Lisbon'}"), RESULT, _finish())
    source = ingest(item)
    call = item["messages"][1]["tool_calls"][0]["function"]
    assert call["arguments"] == "{'city': 'Lisbon'}"  # not repaired
    block = source.parsed.of("call")[0]
    assert not parse_call(source.parsed.text, block.start, block.end).json_valid
    assert any("Action Input kept as written" in n for n in source.notes)


def test_an_unknown_action_is_kept_as_a_call_for_verify_to_judge() -> None:
    item = _record(_action("hotel_search", '{"city": "Graz"}'), RESULT, _finish())
    ingest(item)
    assert item["messages"][1]["tool_calls"][0]["function"]["name"] == "hotel_search"


@pytest.mark.parametrize(
    ("turns", "field", "reason"),
    [
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT,
          _finish("give_up_and_restart", None)), "conversations[4].value", "gave up"),
        ((RESULT, _action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, _finish()),
         "conversations[2]", "no call before it"),
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, RESULT, _finish()),
         "conversations[4]", "no call before it"),
        ((_finish(answer=None),), "conversations[2].value", "final_answer"),
        ((_action("Finish", "{'return_type': 'give_answer'"),), "conversations[2].value", "JSON"),
        (({"from": "assistant", "value": TWO_ACTIONS},), "conversations[2].value", "more than one"),
        (({"from": "assistant", "value": "Action: a\nObservation: none\nAction Input: {}"},),
         "conversations[2].value", "Action Input"),
        (({"from": "critic", "value": "Action: a\nAction Input: {}"}, _finish()),
         "conversations[2]", "role"),
        # A call must be answered by the turn right after it, unless the record ends on it.
        ((_action("city_time_for_clock", '{"city": "Oslo"}'),
          _action("city_time_for_clock", '{"city": "Rome"}'), RESULT, _finish()),
         "conversations[3]", "call_0 has no function turn answering it"),
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), {"from": "user", "value": "Rome?"},
          _action("city_time_for_clock", '{"city": "Rome"}'), RESULT, _finish()),
         "conversations[3]", "call_0 has no function turn answering it"),
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), _finish()),
         "conversations[3]", "call_0 has no function turn answering it"),
        (({"from": "assistant", "value": "Thought: x\nAction: \nAction Input: {}"},),
         "conversations[2].value", "an Action without a name"),
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, "Oslo?", _finish()),
         "conversations[4]", "an object with a string 'value'"),
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT,
          {"from": "user", "value": ["Oslo?"]}, _finish()),
         "conversations[4]", "an object with a string 'value'"),
        # Only the turn right after Finish is its acknowledgement: a later one answers nothing.
        ((_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, _finish(),
          {"from": "assistant", "value": "Anything else?"}, ACK),
         "conversations[6]", "no call before it"),
    ],
)  # fmt: skip
def test_broken_trajectories_are_refused_naming_the_turn(
    turns: tuple[Any, ...], field: str, reason: str
) -> None:
    with pytest.raises(FormatError) as caught:
        ingest(_record(*turns))
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_the_environment_acknowledging_finish_is_no_tool_result() -> None:
    item = _record(_action("city_time_for_clock", '{"city": "Lisbon"}'), RESULT, _finish(), ACK)
    source = ingest(item)
    assert [m["role"] for m in item["messages"]][-2:] == ["tool", "assistant"]
    assert "conversations[5]: the function turn after Finish dropped" in source.notes


@pytest.mark.parametrize(("thought", "noted"), [("I can answer now.", True), ("", False)])
def test_only_a_thought_before_finish_is_noted_as_left_out(thought: str, noted: bool) -> None:
    answer = json.dumps({"return_type": "give_answer", "final_answer": "It is 14:05."})
    item = _record(_action("city_time_for_clock", "{}"), RESULT, _action("Finish", answer, thought))
    source = ingest(item)
    assert item["messages"][-1] == {"role": "assistant", "content": "It is 14:05."}
    note = "conversations[4].value: the Thought before Finish left out of the answer"
    assert (note in source.notes) == noted


def test_an_assistant_turn_without_an_action_is_its_text() -> None:
    # A reply with no call (here the answer, with no Finish): read as written, not refused.
    answer = {"from": "assistant", "value": "\nIt is 14:05 in Lisbon.\n"}
    item = _record(_action("city_time_for_clock", '{"city": "Lisbon"}'), RESULT, answer)
    ingest(item)
    assert item["messages"][-1] == {"role": "assistant", "content": "It is 14:05 in Lisbon."}
    assert item["teacher_text"].endswith("</tool_response>\nIt is 14:05 in Lisbon.")


def test_a_record_with_its_own_tools_keeps_them_over_the_api_list() -> None:
    item = _record(_action("city_time_for_clock", '{"city": "Lisbon"}'), RESULT, _finish())
    item["tools"] = [CLOCK]
    source = ingest(item)
    assert item["tools"] == [{"type": "function", "function": CLOCK}]
    assert not any("ToolBench API list" in n for n in source.notes)
    # The protocol and the list still leave the system message (nothing else was in it).
    assert [m["role"] for m in item["messages"]] == ["user", "assistant", "tool", "assistant"]
    # A list that does not read is then no reject (it is not used): the turn stays whole.
    broken = "Specifically, you have access to the following APIs: [{'name': 'f', 'x': {1}}]"
    item = _record(_action("city_time_for_clock", '{"city": "Lisbon"}'), RESULT, _finish())
    item["tools"], item["conversations"][0]["value"] = [CLOCK], broken
    ingest(item)
    assert item["messages"][0] == {"role": "system", "content": broken}


def test_a_trajectory_without_an_api_list_gets_no_tools_invented() -> None:
    item = _record(_action("city_time_for_clock", '{"city": "Lisbon"}'), RESULT, _finish())
    item["conversations"][0]["value"] = "You help travellers."
    source = ingest(item)
    assert item["messages"][0] == {"role": "system", "content": "You help travellers."}
    assert "tools" not in item and not any(n.startswith("tools") for n in source.notes)
    # The call is kept for verify to judge against no tool, as any unknown name.
    assert item["messages"][2]["tool_calls"][0]["function"]["name"] == "city_time_for_clock"


def test_a_step_record_ending_on_a_call_is_read() -> None:
    # ToolLLaMA's "Step N" records stop at the call the model must make next.
    item = _record(_action("city_time_for_clock", "{}", thought=""))
    ingest(item)
    assert item["messages"][-1]["content"] is None
    assert item["messages"][-1]["tool_calls"][0]["function"]["arguments"] == {}


def test_the_api_list_is_read_as_json_or_a_bounded_python_literal() -> None:
    assert api_list("APIs: " + json.dumps([CLOCK]), "f") == [CLOCK]
    assert api_list("APIs: " + repr([CLOCK]) + "\nThen begin.", "f") == [CLOCK]
    assert api_list("No APIs here.", "f") is None
    with pytest.raises(FormatError, match="API list"):
        api_list("APIs: [{'name': 'f', 'parameters': __import__('os')}]", "f")
    with pytest.raises(FormatError, match="API list"):
        api_list("APIs: [{'name': '" + "x" * 100_001 + "'}]", "f")


@pytest.mark.parametrize(("spelled", "kind"), [
    ("{'x', 'y'}", "set"), ("set()", "set"), ("b'x'", "bytes"), ("1j", "complex"),
    ("18446744073709551616", "an integer over 64 bits"), ("1e999", "inf"),
    ("{1: 'a'}", "a key that is not a string"),
])  # fmt: skip
def test_an_api_list_holding_what_json_cannot_is_a_reject(spelled: str, kind: str) -> None:
    # literal_eval reads a set as readily as a list: written out, it crashed the extractor.
    listed = repr([CLOCK]).replace("'required': ['city']", f"'required': ['city'], 'x': {spelled}")
    item = _record(_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, _finish())
    item["conversations"][0]["value"] = (
        "Specifically, you have access to the following APIs: " + listed
    )
    with pytest.raises(FormatError) as caught:
        ingest(item)
    assert caught.value.field == "conversations[0].value"
    assert caught.value.reason == f"the API list holds a value JSON cannot: {kind}"


HOSTILE = {
    "unclosed": "APIs: " + "[{" * 100_000,
    "nested": "[{'a': " * 28_000 + "1" + "}]" * 28_000,
    "side by side": "[{'a': 1}] " * 20_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_system_text_costs_linear_work(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each "[{" used to be scanned to the end of the text and literal_eval'd: "[{" * 4000
    # took 3 s, and a line may hold 16 MB. The call runs in a thread so that a relapse
    # fails here instead of hanging the suite.
    given: list[int] = []
    literal_eval = ast.literal_eval
    monkeypatch.setattr(ast, "literal_eval", lambda s: given.append(len(s)) or literal_eval(s))
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(api_list(text, "f"))
        except FormatError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=2.0)
    assert not worker.is_alive() and len(text) >= 200_000
    assert outcome[0] is None or isinstance(outcome[0], FormatError)
    assert sum(given) <= LITERAL_BUDGET


@pytest.mark.parametrize("junk", ["[{" * 50_000, "[{'a': 1}] " * 500, "[{'a': [{'b': 2}]}] "])
def test_a_valid_list_after_junk_is_still_found(junk: str) -> None:
    assert api_list("APIs: " + junk + repr([CLOCK]), "f") == [CLOCK]


def test_past_the_candidate_cap_no_list_is_read() -> None:
    with pytest.raises(FormatError, match="API list"):
        api_list("[{'a': 1}]" * CANDIDATES_MAX + repr([CLOCK]), "f")


def test_the_system_message_keeps_only_what_is_not_protocol_or_api_list() -> None:
    tools_block = "1.clock: Time of the cities of the world.\n\n"
    assert tools_block in SYSTEM
    own = SYSTEM.replace(tools_block, tools_block + "Answer in German, in one sentence.\n")
    item = _record(_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, _finish())
    item["conversations"][0]["value"] = own
    source = ingest(item)
    assert item["messages"][0] == {
        "role": "system",
        "content": "Answer in German, in one sentence.",
    }
    assert item["conversations"][0]["value"] == own  # the original is kept
    assert any("ReAct protocol and the API list left out" in n for n in source.notes)
    assert "Finish" not in item["teacher_text"] and "Thought" not in item["teacher_text"]
    # A prompt of a set distilled from ToolBench: its own words around the list stay.
    plain = "You help travellers.\nSpecifically, you have access to the following APIs: "
    item["conversations"][0]["value"] = plain + json.dumps([CLOCK]) + "\nBe brief."
    del item["messages"], item["tools"]
    ingest(item)
    assert item["messages"][0]["content"] == "You help travellers.\n\nBe brief."


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ('{"error": "", "response": "[1, 2]"}', '{"error": "", "response": [1, 2]}'),
        (' {"error": "", "response": " [1]"}\n', '{"error": "", "response": [1]}'),
        ('{"error": "", "response": "{\'ok\': True, \'n\': None}"}',
         '{"error": "", "response": {"ok": true, "n": null}}'),
        # Left as given: no envelope, no structure in it, or nothing JSON can hold.
        ('{"error": "Rate limit", "response": ""}', None),
        ('{"error": "", "response": "plain text"}', None),
        ('{"error": "", "response": "{1, 2}"}', None),
        ('{"error": "", "response": "[float(\'nan\')]"}', None),
        ('{"error": "", "response": "[{1, 2}]"}', None),
        ('{"error": "", "response": "[1e999]"}', None),
        ('{"response": "[1]"}', None),
        ("not json", None),
    ],
)  # fmt: skip
def test_tool_results_lose_only_the_stringification(given: str, expected: str | None) -> None:
    assert tool_result(given) == (expected if expected is not None else given)


def test_a_stringified_response_over_the_literal_bound_is_not_evaluated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # literal_eval builds the whole value: past LITERAL_MAX a Python repr stays as given,
    # while JSON of the same size (read by the linear JSON reader) is still written out.
    listed = ["x"] * (LITERAL_MAX // 4)
    python = json.dumps({"error": "", "response": repr(listed)})
    assert len(repr(listed)) > LITERAL_MAX

    def refuse(text: str) -> None:
        raise AssertionError(f"literal_eval given {len(text)} characters")

    monkeypatch.setattr(ast, "literal_eval", refuse)
    assert tool_result(python) == python
    spelled = json.dumps({"error": "", "response": json.dumps(listed)})
    assert json.loads(tool_result(spelled))["response"] == listed


def test_detection_claims_react_transcripts_only() -> None:
    assert is_react(_record(_finish()))
    assert not is_react({"conversations": [{"from": "gpt", "value": "Action: the plan is set."}]})
    assert not is_react({"messages": [], "conversations": _record(_finish())["conversations"]})
    llamafactory = [*_record(_finish())["conversations"], {"from": "function_call", "value": "{}"}]
    assert not is_react({"conversations": llamafactory})


def test_a_chat_that_shows_a_react_step_is_no_react_transcript() -> None:
    shown = {"from": "gpt", "value": "Here is one:\nThought: look it up\nAction: search\n"
             "Action Input: weather in Paris"}  # fmt: skip
    chat = [{"from": "human", "value": "Show me a ReAct step."}, shown]
    assert not is_react({"conversations": chat})
    # A function turn, an API list or a Finish is what makes it a transcript.
    assert is_react({"conversations": [*chat, RESULT]})
    assert is_react({"conversations": [{"from": "system", "value": SYSTEM}, *chat]})
    assert is_react({"conversations": [*chat, _finish()]})


def test_no_other_published_shape_is_read_as_react() -> None:
    # The detector is an addition: every fixture of the other formats keeps its format.
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue  # the fixtures' truncated lines
            assert is_react(item) == (path.name == "toolbench_react.jsonl"), (path.name, line[:80])


def test_forcing_react_on_another_shape_names_the_field() -> None:
    with pytest.raises(FormatError) as caught:
        ingest({"messages": [{"role": "user", "content": "hi"}]}, "react")
    assert caught.value.field == "conversations"


@pytest.mark.parametrize(
    ("listed", "reason"),
    [
        # A Python literal 150 levels deep: literal_eval reads it, and walking it
        # recursively raised a RecursionError out of the reader (the whole run stopped).
        (
            repr([dict(CLOCK, x=[])]).replace("'x': []", "'x': " + "[" * 150 + "]" * 150),
            "the API list holds a value JSON cannot: nesting deeper than 64 levels",
        ),
        # JSON 600 levels deep: no reader hands on a value past a record's bound.
        (
            json.dumps([dict(CLOCK, x=json.loads("[" * 600 + "]" * 600))]),
            "the API list is neither a JSON nor a Python-literal list of function definitions"
            " (a literal over 100000 characters is not read)",
        ),
    ],
    ids=["literal", "json"],
)
def test_an_api_list_nested_past_the_record_bound_is_a_reject(listed: str, reason: str) -> None:
    item = _record(_action("city_time_for_clock", '{"city": "Oslo"}'), RESULT, _finish())
    item["conversations"][0]["value"] = (
        "Specifically, you have access to the following APIs: " + listed
    )
    with pytest.raises(FormatError) as caught:
        ingest(item)
    assert caught.value.field == "conversations[0].value"
    assert caught.value.reason == reason
