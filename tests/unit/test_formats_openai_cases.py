"""OpenAI and ShareGPT records on real-world quirks: rendering, conversion, error texts.

Checks `render_teacher` on assistant turns without content, the exact
`FormatError` texts for malformed ShareGPT conversations, how tool turns lose
(or keep) their ``<tool_response>`` wrapper, and the full shape of the tool
calls `messages_from_blocks` builds from a teacher text.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.formats import FormatError, render_teacher
from pipeline.formats.hermes import parse_hermes
from pipeline.formats.openai import (
    messages_from_blocks,
    messages_from_conversations,
    normalise_messages,
)
from pipeline.formats.seed import parse_seed

CALL_BLOCK = '<tool_call>\n{"name": "fs.read", "arguments": {"path": "a.md"}}\n</tool_call>'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, CALL_BLOCK),
        ("", CALL_BLOCK),
        ("Reading.", f"Reading.\n{CALL_BLOCK}"),
    ],
)
def test_assistant_turn_without_content_renders_only_its_calls(
    content: str | None, expected: str
) -> None:
    message = {
        "role": "assistant",
        "content": content,
        "tool_calls": [{"function": {"name": "fs.read", "arguments": {"path": "a.md"}}}],
    }
    assert render_teacher([message]) == expected


def test_empty_assistant_turn_adds_nothing_to_the_teacher_text() -> None:
    messages = [
        {"role": "assistant", "content": None},
        {"role": "tool", "content": "ok"},
        {"role": "assistant", "content": ""},
        {"role": "assistant", "content": "Done."},
    ]
    assert render_teacher(messages) == "<tool_response>\nok\n</tool_response>\nDone."


def test_render_teacher_rejects_a_call_that_is_not_an_object() -> None:
    with pytest.raises(FormatError) as caught:
        render_teacher([{"role": "assistant", "content": "x", "tool_calls": ["fs.read"]}])
    assert caught.value.field == "tool_calls"
    assert str(caught.value) == "tool_calls: a tool call must be an object with a function"


@pytest.mark.parametrize(
    ("conversations", "message"),
    [
        ({"from": "human"}, "conversations: expected a list"),
        ("hello", "conversations: expected a list"),
        (["hello"], "conversations[0]: expected an object"),
        (
            [{"from": "human", "value": "hi"}, {"from": "robot", "value": "x"}],
            "conversations[1]: expected a known 'from' role and a string 'value'",
        ),
        (
            [{"from": "gpt", "value": None}],
            "conversations[0]: expected a known 'from' role and a string 'value'",
        ),
    ],
)
def test_malformed_conversations_raise_a_readable_error(conversations: Any, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        messages_from_conversations(conversations)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "content"),
    [
        ("<tool_response>\nXML body\n</tool_response>", "XML body"),
        ("  <tool_response>\n\n42\n\n</tool_response>\n", "42"),
        ("<tool_response>  indented  </tool_response>", "  indented  "),
        ("<tool_response>\ncut off", "<tool_response>\ncut off"),
        ("partial\n</tool_response>", "partial\n</tool_response>"),
        ("plain result", "plain result"),
    ],
)
def test_tool_turn_loses_only_a_complete_response_wrapper(value: str, content: str) -> None:
    messages = messages_from_conversations([{"from": "observation", "value": value}])
    assert messages == [{"role": "tool", "content": content}]


def test_calls_built_from_a_teacher_text_are_complete_openai_calls() -> None:
    text = (
        '<tool_call>\n{"name": "fs.read", "arguments": {"path": "a.md"}}\n</tool_call>\n'
        '<tool_call>\n{"arguments": {"q": 1}}\n</tool_call>\n'
        "<tool_call>\nnot json at all\n</tool_call>"
    )
    messages = messages_from_blocks(None, parse_hermes(text))
    assert messages == [
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "type": "function",
                    "function": {"name": "fs.read", "arguments": '{"path": "a.md"}'},
                },
                {"type": "function", "function": {"name": "", "arguments": '{"q": 1}'}},
                {"type": "function", "function": {"name": "", "arguments": {}}},
            ],
        }
    ]


def test_flat_tool_calls_without_a_function_wrapper_are_accepted() -> None:
    messages = normalise_messages(
        [
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"name": "fs.read", "arguments": {}}],
            }
        ]
    )
    assert render_teacher(messages) == (
        '<tool_call>\n{"name": "fs.read", "arguments": {}}\n</tool_call>'
    )


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ({"role": "user"}, "messages: expected a list"),
        ([["user", "hi"]], "messages[0]: expected an object with a string role"),
        ([{"role": "user", "content": 3}], "messages[0].content: expected text, got int"),
        ([{"role": "assistant", "content": ["a"]}], "messages[0].content: expected text, got list"),
        (
            [{"role": "assistant", "tool_calls": {"a": 1}}],
            "messages[0].tool_calls: expected a list",
        ),
        (
            [{"role": "assistant", "tool_calls": [{"function": "fs.read"}]}],
            "messages[0].tool_calls[0]: a tool call must be an object with a function",
        ),
        (
            [{"role": "assistant", "tool_calls": [{"function": {"name": 1}}]}],
            "messages[0].tool_calls[0].name: expected a string",
        ),
    ],
)
def test_malformed_messages_raise_a_readable_error(messages: Any, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        normalise_messages(messages)
    assert str(caught.value) == message


def test_text_and_results_of_a_seed_answer_become_turns() -> None:
    text = "Intro\nIntegration: x\nTOOL_RESULT: r\nIntegration: a\nThanks."
    assert messages_from_blocks("Go", parse_seed(text)) == [
        {"role": "user", "content": "Go"},
        {"role": "assistant", "content": "Intro\nx"},
        {"role": "tool", "content": "r"},
        {"role": "assistant", "content": "a\nThanks."},
    ]


def test_text_split_by_a_stray_closing_tag_is_one_assistant_turn() -> None:
    text = "a\n</tool_call>\nb\n<tool_response>\nx\n</tool_response>"
    assert messages_from_blocks(None, parse_hermes(text)) == [
        {"role": "assistant", "content": "a\nb"},
        {"role": "tool", "content": "x"},
    ]


def test_text_before_a_call_joins_the_call_turn_and_text_after_it_ends_the_answer() -> None:
    text = "Intro\nIntegration: x\nTOOL_CALL: {}\nDone."
    assert messages_from_blocks(None, parse_seed(text)) == [
        {
            "role": "assistant",
            "content": "Intro\nx",
            "tool_calls": [{"type": "function", "function": {"name": "", "arguments": {}}}],
        },
        {"role": "assistant", "content": "Done."},
    ]


def test_a_result_with_nothing_before_it_is_only_a_tool_turn() -> None:
    text = "<tool_response>\nx\n</tool_response>\nok"
    assert messages_from_blocks(None, parse_hermes(text)) == [
        {"role": "tool", "content": "x"},
        {"role": "assistant", "content": "ok"},
    ]


def test_text_between_a_call_and_its_result_is_kept_in_order() -> None:
    text = (
        "<tool_call>\n{}\n</tool_call>\nWaiting.\n<tool_response>\nr\n</tool_response>\n"
        "<tool_call>\n{}\n</tool_call>\nThen.\n<tool_call>\n{}\n</tool_call>\nDone."
    )
    call = {"type": "function", "function": {"name": "", "arguments": {}}}
    assert messages_from_blocks(None, parse_hermes(text)) == [
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "assistant", "content": "Waiting."},
        {"role": "tool", "content": "r"},
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "assistant", "content": "Then.", "tool_calls": [call]},
        {"role": "assistant", "content": "Done."},
    ]
