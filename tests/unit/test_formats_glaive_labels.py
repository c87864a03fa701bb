"""Glaive rows with a stray "ASSISTANT:" (their source wrote "AI:"): the label is
markup, never the answer's text, or the student learns to write it; the word
quoted inside a sentence is text and stays."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pipeline.formats import ingest
from pipeline.formats.openai import FormatError

SYSTEM = "SYSTEM: You are a helpful assistant, with no access to external functions."
CALL = """<functioncall> {"name": "get_forecast", "arguments": '{"city": "Riga"}'}"""
ANSWER = "The capital is Canberra."
STRAY = "stray speaker labels dropped from assistant turns: ASSISTANT: x"
MERGED = "empty assistant turns merged into the next assistant turn: x1"


def _read(chat: str) -> tuple[list[tuple[str, Any]], list[str]]:
    item = {"system": SYSTEM, "chat": chat}
    source = ingest(item)
    turns = [(m["role"], m.get("content")) for m in item["messages"][1:]]
    return turns, [n for n in source.notes if "stray" in n or "merged" in n]


@pytest.mark.parametrize(
    ("chat", "answer", "note"),
    [
        # A label alone on its line inside the turn.
        (f"USER: Hi\n\n\nASSISTANT: One moment.\nASSISTANT:\n{ANSWER} <|endoftext|>",
         f"One moment.\n{ANSWER}", STRAY + "1"),
        # The label repeated on the line after the turn's own.
        (f"USER: Hi\n\n\nASSISTANT:\nASSISTANT: {ANSWER} <|endoftext|>", ANSWER, STRAY + "1"),
        # A label alone but for the end token.
        (f"USER: Hi\n\n\nASSISTANT: {ANSWER}\nASSISTANT: <|endoftext|>\n\n\n", ANSWER,
         STRAY + "1"),
        # Two labels apart by blank lines with nothing between: the empty turn is merged away.
        (f"USER: Hi\n\n\nASSISTANT:\n\n\nASSISTANT: {ANSWER} <|endoftext|>", ANSWER, MERGED),
        (f"USER: Hi\n\n\nASSISTANT: <|endoftext|>\n\n\nASSISTANT: {ANSWER} <|endoftext|>",
         ANSWER, MERGED),
    ],
)  # fmt: skip
def test_stray_assistant_labels_leave_the_answer_with_a_note(
    chat: str, answer: str, note: str
) -> None:
    turns, notes = _read(chat)
    assert turns == [("user", "Hi"), ("assistant", answer)]
    assert notes == [note]


@pytest.mark.parametrize(
    "answer",
    [
        "Type ASSISTANT: at the prompt to see the label.",
        "The log reads:\nASSISTANT: ok\nand nothing else.",  # a label with text after it
        "In the transcript,\n  ASSISTANT:\nis indented.",  # not at a line start
    ],
)
def test_the_label_as_text_inside_an_answer_stays(answer: str) -> None:
    turns, notes = _read(f"USER: Hi\n\n\nASSISTANT: {answer} <|endoftext|>\n\n\n")
    assert turns == [("user", "Hi"), ("assistant", answer)]
    assert notes == []


def test_a_stray_label_before_a_call_leaves_the_call_and_no_content() -> None:
    chat = (
        f"USER: Weather in Riga?\n\n\nASSISTANT:\nASSISTANT: {CALL} <|endoftext|>\n\n\n"
        'FUNCTION RESPONSE: {"sky": "fog"}\n\n\nASSISTANT: Fog in Riga. <|endoftext|>'
    )
    turns, notes = _read(chat)
    assert [role for role, _ in turns] == ["user", "assistant", "tool", "assistant"]
    assert turns[1][1] is None and notes == [STRAY + "1"]


@pytest.mark.parametrize(
    ("chat", "at"),
    [
        (f"USER: Hi\n\n\nASSISTANT:\n\n\nUSER: Hello?\n\n\nASSISTANT: {ANSWER}", 11),
        # Two labels on one line, then a user turn: nothing is left of the reply.
        ("USER: hi there\n\n\nASSISTANT: ASSISTANT:\n\n\nUSER: are you there?\n\n\n"
         "ASSISTANT: Yes, I am here. <|endoftext|>", 17),
        (f"USER: Hi\n\n\nASSISTANT: {ANSWER}\n\n\nUSER: Thanks!\n\n\nASSISTANT: <|endoftext|>",
         65),
    ],
)  # fmt: skip
def test_an_empty_turn_with_no_assistant_turn_after_it_is_a_reject(chat: str, at: int) -> None:
    """Only two assistant labels with nothing between are one turn; any other empty
    assistant turn would train the student to answer with nothing."""
    with pytest.raises(FormatError, match=f"chat: the ASSISTANT turn at char {at}: empty"):
        _read(chat)


def test_a_user_turn_keeps_a_pasted_label_line() -> None:
    turns, notes = _read(f"USER: My log:\nASSISTANT:\nend\n\n\nASSISTANT: {ANSWER}")
    assert turns == [("user", "My log:\nASSISTANT:\nend"), ("assistant", ANSWER)]
    assert notes == []


def test_thousands_of_stray_labels_cost_linear_work() -> None:
    # About 200 KB of label lines in one turn: dropped by position, never one copy each.
    chat = "USER: Hi\n\n\nASSISTANT:\n" + "ASSISTANT:\n" * 18_000 + ANSWER
    began = time.perf_counter()
    turns, notes = _read(chat)
    assert turns == [("user", "Hi"), ("assistant", ANSWER)]
    assert notes == [STRAY + "18000"]
    assert time.perf_counter() - began < 2.0
