"""Span alignment of one item at both levels: the teacher text and the rendered sequence.

Each test builds a teacher text and a training sequence that contains it, gives
every span the minimal token cover the extractor would write, and runs the
verifier's SpanChecks (add, decode, finish) with the real Qwen tokenizer. The
outcome a user sees is the alignment counts, the per-span token lengths and the
`misaligned_teacher` / `misaligned_sequence` reason codes.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from pipeline.gates.alignment import Encoded, Segmenter
from pipeline.gates.spans import RENDERING_DIFFERS, SpanChecks, same_rendering
from pipeline.student import Student

CALL = '{"name": "fs.read", "arguments": {"path": "docs/a.md"}}'
TEACHER = f"Reading it.\n<tool_call>\n{CALL}\n</tool_call>\nThe file has 12 lines in total."
SEQUENCE = (
    "<|im_start|>user\nHow long is docs/a.md?<|im_end|>\n"
    f"<|im_start|>assistant\n{TEACHER}<|im_end|>\n"
)
PIECES = {
    "name": "fs.read",
    "args": '{"path": "docs/a.md"}',
    "call": CALL,
    "integration": "The file has 12 lines in total.",
}


def cover(encoded: Encoded, start: int, end: int) -> list[int]:
    """The minimal token range [s, e) covering characters [start, end)."""
    n = len(encoded)
    s = next(t for t in range(n) if encoded.end(t) > start)
    e = max(t for t in range(n) if encoded.start(t) < end) + 1
    return [s, e]


def chars(text: str, piece: str) -> list[int]:
    start = text.index(piece)
    return [start, start + len(piece)]


def span(encoded: Encoded, text: str, piece: str) -> dict[str, Any]:
    where = chars(text, piece)
    return {"chars": where, "tokens": cover(encoded, *where)}


@pytest.fixture(scope="module")
def segmenter(student: Student) -> Segmenter:
    return Segmenter(student.tokenizer)


@pytest.fixture(scope="module")
def encoded(segmenter: Segmenter) -> tuple[Encoded, Encoded]:
    teacher, sequence = segmenter.encode_many([TEACHER, SEQUENCE])
    return teacher, sequence


def good_targets(teacher: Encoded, sequence: Encoded) -> dict[str, Any]:
    """Targets whose every span is aligned at both levels."""

    def seq(kind: str) -> list[int]:
        return cover(sequence, *chars(SEQUENCE, PIECES[kind]))

    return {
        "calls": [
            {
                "name_span": span(teacher, TEACHER, PIECES["name"]),
                "args_span": span(teacher, TEACHER, PIECES["args"]),
                "call_span": span(teacher, TEACHER, PIECES["call"]),
            }
        ],
        "integration_spans": [span(teacher, TEACHER, PIECES["integration"])],
        "sequence": {
            "calls": [{"name": seq("name"), "args": seq("args"), "call": seq("call")}],
            "integration": [seq("integration")],
            "length": len(sequence),
        },
    }


def run(
    segmenter: Segmenter,
    targets: dict[str, Any],
    teacher: Encoded,
    sequence: Encoded | None,
    text: str = TEACHER,
    **extra: Any,
) -> dict[str, Any]:
    prep: dict[str, Any] = {
        "targets": targets,
        "teacher": text,
        "result": {"reasons": [], "details": []},
        **extra,
    }
    checks = SpanChecks(segmenter)
    checks.add(prep, teacher, sequence)
    checks.decode()
    checks.finish(prep)
    result: dict[str, Any] = prep["result"]
    return result


def test_aligned_spans_pass_at_both_levels_with_their_token_lengths(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    result = run(segmenter, targets, teacher, sequence)
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [4, 4]}
    assert result["reasons"] == []
    calls = targets["calls"][0]
    expected = [
        (kind, calls[key]["tokens"][1] - calls[key]["tokens"][0])
        for kind, key in (("name", "name_span"), ("args", "args_span"), ("call", "call_span"))
    ]
    integration = targets["integration_spans"][0]["tokens"]
    expected.append(("integration", integration[1] - integration[0]))
    assert result["span_lengths"] == expected
    assert all(length > 0 for _, length in expected)


def test_sequence_range_wider_than_the_span_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    s, e = targets["sequence"]["calls"][0]["name"]
    targets["sequence"]["calls"][0]["name"] = [s - 1, e + 1]  # still contains "fs.read"
    result = run(segmenter, targets, teacher, sequence)
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [4, 3]}
    assert result["reasons"] == ["misaligned_sequence"]


def test_sequence_range_elsewhere_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    targets["sequence"]["integration"] = [[0, 2]]
    result = run(segmenter, targets, teacher, sequence)
    assert result["alignment"]["sequence"] == [4, 3]
    assert result["reasons"] == ["misaligned_sequence"]


@pytest.mark.parametrize("length", [None, 0, "many"])
def test_wrong_sequence_length_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded], length: Any
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    targets["sequence"]["length"] = length
    result = run(segmenter, targets, teacher, sequence)
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [5, 4]}
    assert result["reasons"] == ["misaligned_sequence"]


def test_unrendered_sequence_fails_every_sequence_span(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, sequence = encoded
    result = run(segmenter, good_targets(teacher, sequence), teacher, None)
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [5, 0]}
    assert result["reasons"] == ["misaligned_sequence"]


@pytest.mark.parametrize("sequence_target", [None, "bad"])
def test_rendered_sequence_without_sequence_targets_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded], sequence_target: Any
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    targets["sequence"] = sequence_target
    result = run(segmenter, targets, teacher, sequence)
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [5, 0]}
    assert result["reasons"] == ["misaligned_sequence"]


def test_item_with_messages_but_no_sequence_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    del targets["sequence"]
    result = run(segmenter, targets, teacher, None, has_messages=True)
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [5, 0]}
    assert result["reasons"] == ["misaligned_sequence"]
    alone = run(segmenter, targets, teacher, None)
    assert alone["alignment"] == {"teacher": [4, 4], "sequence": [0, 0]}
    assert alone["reasons"] == []


@pytest.mark.parametrize(
    "bad",
    [
        {"chars": "x", "tokens": [0, 1]},
        {"chars": [0, 0], "tokens": [0, 1]},
    ],
)
def test_malformed_or_empty_teacher_span_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded], bad: dict[str, Any]
) -> None:
    teacher, _ = encoded
    result = run(segmenter, {"integration_spans": [bad]}, teacher, None)
    assert result["alignment"] == {"teacher": [1, 0], "sequence": [0, 0]}
    assert result["reasons"] == ["misaligned_teacher"]
    assert result["span_lengths"] == []


def test_span_running_past_the_teacher_text_is_misaligned(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, _ = encoded
    start = TEACHER.index("12 lines")
    past = {"chars": [start, len(TEACHER) + 5], "tokens": cover(teacher, start, len(TEACHER))}
    result = run(segmenter, {"integration_spans": [past]}, teacher, None)
    assert result["alignment"] == {"teacher": [1, 0], "sequence": [0, 0]}
    assert result["reasons"] == ["misaligned_teacher"]


@pytest.mark.parametrize(
    ("recorded", "flagged"),
    [
        (hashlib.sha256(SEQUENCE.encode()).hexdigest(), False),  # what extract writes
        (None, False),  # a record from another tool: judged on length and spans alone
        ("0" * 64, True),  # the port rendered something else than the template
        (hashlib.sha256(SEQUENCE[:-1].encode()).hexdigest(), True),
        (12, True),
    ],
)
def test_the_sequence_digest_must_be_the_templates_rendering(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded], recorded: Any, flagged: bool
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    if recorded is not None:
        targets["sequence"]["sha256"] = recorded
    result = run(segmenter, targets, teacher, sequence)
    # The spans still round-trip: the digest is a check of its own.
    assert result["alignment"] == {"teacher": [4, 4], "sequence": [4, 4]}
    if flagged:
        assert result["reasons"] == ["rendering_mismatch"]
        assert result["details"] == [f"rendering_mismatch: {RENDERING_DIFFERS}"]
    else:
        assert result["reasons"] == [] and result["details"] == []


def test_without_a_rendering_the_digest_is_not_compared(
    segmenter: Segmenter, encoded: tuple[Encoded, Encoded]
) -> None:
    teacher, sequence = encoded
    targets = good_targets(teacher, sequence)
    targets["sequence"]["sha256"] = "0" * 64
    result = run(segmenter, targets, teacher, None)
    assert result["reasons"] == ["misaligned_sequence"]  # no rendering: the spans fail
    assert same_rendering(None, "x") and not same_rendering("0" * 64, "x")
    assert same_rendering(hashlib.sha256(b"x").hexdigest(), "x")
