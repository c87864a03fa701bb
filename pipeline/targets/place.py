"""Placing the teacher's call and integration spans in the training sequence."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from pipeline.formats import Block, CallParse
from pipeline.targets.integration import Integration
from pipeline.targets.sequence import CharRange, Cursor, Layout, shift


@dataclass
class Placement:
    """Char ranges in the rendered sequence, parallel to the teacher's spans."""

    calls: list[tuple[CharRange | None, CharRange | None, CharRange | None]] = field(
        default_factory=list
    )  # (name, args, call)
    integration: list[CharRange | None] = field(default_factory=list)


def _segment(teacher: str, span: CharRange | None) -> str:
    return teacher[span[0] : span[1]] if span is not None else ""


def _place_call(
    cursor: Cursor, teacher: str, call: CallParse
) -> tuple[CharRange | None, CharRange | None, CharRange | None]:
    found = cursor.find(_segment(teacher, call.call_span))
    if found is not None:
        delta = found - call.call_span[0]
        return (
            shift(call.name_span, delta),
            shift(call.args_span, delta),
            shift(call.call_span, delta),
        )
    # The rendering wrote the call differently (other spacing or key order around
    # the arguments): place the arguments on their own, and the name only when it
    # comes before them (a short name alone could match anywhere).
    args_at = cursor.find(_segment(teacher, call.args_span), advance=False)
    name_at = cursor.find(_segment(teacher, call.name_span), advance=False)
    if args_at is None or (name_at is not None and name_at > args_at):
        name_at = None
    name = None
    if name_at is not None and call.name_span is not None:
        name = shift(call.name_span, name_at - call.name_span[0])
    args = None
    if args_at is not None and call.args_span is not None:
        args = shift(call.args_span, args_at - call.args_span[0])
        cursor.find(_segment(teacher, call.args_span))
    return name, args, _enclosing_call(cursor.text, name, args)


def _enclosing_call(text: str, name: CharRange | None, args: CharRange | None) -> CharRange | None:
    """The rendered call object around a placed name and arguments.

    The template writes the call in its own spacing (``{"name": "x", "arguments":
    {...}}``), so the teacher's call text is not found verbatim: the object is
    the nearest ``{`` before the name to the first ``}`` after the arguments,
    kept only when it parses as one JSON object with a name.
    """
    if name is None or args is None:
        return None
    start, end = text.rfind("{", 0, name[0]), text.find("}", args[1])
    if start < 0 or end < 0:
        return None
    try:
        value = orjson.loads(text[start : end + 1])
    except orjson.JSONDecodeError:
        return None
    return (start, end + 1) if isinstance(value, dict) and "name" in value else None


def place(
    teacher: str,
    calls: list[CallParse],
    integration: Integration,
    answer: list[Block],
    layout: Layout,
) -> Placement:
    """Teacher order is kept: calls and answer regions in the order the teacher
    wrote them, each searched only after the previous one inside the assistant
    regions. (Generated items answer after their last call; a third-party record
    may answer and then call again, or end on a call: placing every call first
    left such an answer behind the cursor, unplaced.)"""
    cursor = Cursor(layout.text, layout.searchable())
    placement = Placement()
    placed: dict[CharRange, CharRange | None] = {}
    steps = sorted(
        [(call.call_span[0], 0, i) for i, call in enumerate(calls)]
        + [(region.start, 1, i) for i, region in enumerate(answer)]
    )
    placed_calls: dict[int, tuple[CharRange | None, CharRange | None, CharRange | None]] = {}
    for _, kind, i in steps:
        if kind == 0:
            placed_calls[i] = _place_call(cursor, teacher, calls[i])
        else:
            _place_answer(cursor, teacher, answer[i], integration, placed)
    placement.calls = [placed_calls[i] for i in range(len(calls))]
    placement.integration = [placed.get((s, e)) for s, e, _ in integration.spans]
    return placement


def _place_answer(
    cursor: Cursor,
    teacher: str,
    region: Block,
    integration: Integration,
    placed: dict[CharRange, CharRange | None],
) -> None:
    """Place one answer region's integration spans (the region whole when the
    rendering wrote it verbatim, else span by span)."""
    inside = [(s, e) for s, e, _ in integration.spans if region.start <= s and e <= region.end]
    found = cursor.find(teacher[region.start : region.end])
    if found is not None:
        for span in inside:
            placed[span] = shift(span, found - region.start)
        return
    for s, e in inside:
        at = cursor.find(teacher[s:e])
        placed[(s, e)] = None if at is None else (at, at + e - s)
