"""Call rounds: every tool result answers a call the assistant made.

A round is an assistant turn's calls and the tool turns right after it. A tool
turn answers one call of the last turn that is not itself a result, so that
turn must be an assistant turn with calls, and a round holds at most as many
results as calls: a result with no call before it (after a user turn, after an
answer without calls) or beyond the calls (three results for two calls) answers
nothing. Kept, it would be trained around as if the model had asked for it,
and the answer after it grounded on output nothing asked for, so the record is
refused naming the turn. Fewer results than calls is kept: a record that ends
on its call (the call to make next), or parallel calls answered in part.

The record formats (LLaMA-Factory, Glaive) check each result as they build the
messages (`round_so_far`), with their calls already structured. OpenAI
``messages`` and ShareGPT ``conversations`` are checked once their calls are
known, after text-call conversion (`unanswered_result`): there a call is a
structured ``tool_calls`` entry or a hermes ``<tool_call>`` block left in the
assistant's text (hermes records keep their calls there, and the rendered
teacher text reads them as calls), and a ``<tool_response>`` block in an
assistant's text is a result like a tool turn.
"""

from __future__ import annotations

from typing import Any

from pipeline.formats.hermes import parse_hermes
from pipeline.formats.openai import FormatError

NO_CALL = "a tool result with no call before it to answer"


def beyond(made: int) -> str:
    """The reason for a result after every call of its round was answered."""
    calls = f"{made} call" + ("s" if made > 1 else "")
    return f"one result more than the {calls} before it: it answers no call"


def _why(made: int) -> str:
    return beyond(made) if made else NO_CALL


def round_so_far(messages: list[dict[str, Any]]) -> tuple[int, int]:
    """(calls the last round made, results it has had) at the end of `messages`, its
    calls being structured ``tool_calls``: (0, n) when the last turn that is not a
    result is no assistant turn with calls. Walks back over the round's results
    only, which the check keeps at most as many as the calls."""
    answered = 0
    for message in reversed(messages):
        if message.get("role") != "tool":
            calls = message.get("tool_calls") if message.get("role") == "assistant" else None
            return (len(calls) if isinstance(calls, list) else 0), answered
        answered += 1
    return 0, answered


def unanswered_result(messages: list[dict[str, Any]], origins: list[int]) -> tuple[int, str] | None:
    """The first result that answers no call: (the index of its message, why); None
    when every result answers one. ``origins[i]`` is the given turn message i came
    from: a converted text's pieces share it, and the text after a call (its own
    assistant message once converted) is still the turn that made the call."""
    waiting = made = 0  # the last round's calls not yet answered, and all it made
    for i, message in enumerate(messages):
        role = message.get("role")
        if role == "tool":
            if not waiting:
                return i, _why(made)
            waiting -= 1
            continue
        same_turn = i > 0 and origins[i] == origins[i - 1] and messages[i - 1]["role"] == role
        if role != "assistant" or not same_turn:
            waiting = made = 0
        if role != "assistant":
            continue
        content = message.get("content")
        # A plain substring test first: most contents hold no hermes tag at all.
        if isinstance(content, str) and "<tool_" in content:
            for block in parse_hermes(content).blocks:
                if block.kind == "call":
                    waiting, made = waiting + 1, made + 1
                elif block.kind == "result":
                    if not waiting:
                        return i, _why(made)
                    waiting -= 1
        calls = message.get("tool_calls")
        # Rendered after the content (`render_teacher`): their results come after it too.
        count = len(calls) if isinstance(calls, list) else 0
        waiting, made = waiting + count, made + count
    return None


def given_turns(messages: list[dict[str, Any]], from_text: bool) -> list[int]:
    """The given turn each message is, by index; the assistant and tool turns built
    from a bare teacher text are all that one text (-1)."""
    if not from_text:
        return list(range(len(messages)))
    return [-1 if m["role"] in ("assistant", "tool") else i for i, m in enumerate(messages)]


def refuse_unanswered(
    messages: list[dict[str, Any]],
    origins: list[int],
    given: list[dict[str, Any]],
    fields: list[str | None],
) -> None:
    """Raises FormatError when a result answers no call, naming the record's turn that
    holds it: the tool turn (``messages[k]``, ``conversations[k]``), the assistant's
    text it was cut from (``messages[k].content``, ``conversations[k].value``) or
    ``teacher_text``. `fields[k]` is the ``conversations[j].value`` given turn k came
    from, in a ShareGPT record."""
    found = unanswered_result(messages, origins)
    if found is None:
        return
    i, reason = found
    k = origins[i]
    if k < 0:
        raise FormatError("teacher_text", reason)
    field = (fields[k] if k < len(fields) else None) or f"messages[{k}].content"
    raise FormatError(field.rsplit(".", 1)[0] if given[k]["role"] == "tool" else field, reason)
