"""history_absent: the item refers to an earlier exchange it does not hold.

A request that says "I missed your last answer" refers to an assistant turn;
when the item holds none before the user's last message, a student learns to
accept (and an answer that starts "Sure, once more:" learns to claim) context
it never saw. The check reads the user's last message and the final answer,
in English, Spanish, German and French, and passes when an assistant turn
with text comes before that message (a real earlier exchange), or when the
user pastes the earlier answer right after the words ("Here is your previous
answer: “foo”. Fix the typo.": the item holds what it refers to).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.session import Session, request_text

IC = re.IGNORECASE
# The user pointing at what the assistant said before.
_ASKED = re.compile(
    r"\byour (?:last|previous|earlier|prior) (?:answer|reply|response)\b"
    r"|\b(?:what|as) you (?:said|wrote|answered|told me) (?:before|earlier|last time)\b"
    r"|\btu (?:última|anterior) respuesta\b|\blo que (?:dijiste|respondiste) antes\b"
    r"|\bdeine (?:letzte|vorherige|vorige) Antwort\b"
    r"|\bwas du (?:vorhin|eben|zuvor) (?:gesagt|geschrieben|geantwortet) hast\b"
    r"|\bta (?:dernière|précédente) réponse\b|\bce que tu as (?:dit|répondu) (?:avant|plus tôt)\b",
    IC,
)
# The earlier answer pasted right after the words that point at it: a quote mark, a
# fenced block or a quoted line ("your last answer was: “…”"). Only right after:
# "I missed your last answer: what does `port` hold?" pastes nothing (R10).
_PASTED = re.compile(
    r"\s*(?:was|were|is|reads|said|fue|decía|war|lautete|était|disait)?\s*[:,]?\s*"
    r"(?:[\"“”«„'`]|>)",
    IC,
)
# An answer that opens by repeating itself ("Sure, once more: ...").
_REPEATS = re.compile(
    r"^\W*(?:\w+,\s*)?(?:once more|once again|otra vez|de nuevo|noch einmal|encore une fois)\s*:",
    IC,
)


def _earlier_answer(messages: list[Any]) -> bool:
    """Whether an assistant turn with text comes before the user's last message."""
    users = [i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"]
    if not users:
        return False
    return any(
        isinstance(m, dict) and m.get("role") == "assistant" and bool(m.get("content"))
        for m in messages[: users[-1]]
    )


def _last_request(messages: list[Any], session: Session) -> str:
    """The user's last message (its request text), or the session's request."""
    users = [
        m["content"]
        for m in messages
        if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)
    ]
    return request_text(users[-1]) if users else session.request


def history_problem(item: dict[str, Any], session: Session) -> str | None:
    messages = item.get("messages")
    messages = messages if isinstance(messages, list) else []
    if _earlier_answer(messages):
        return None
    request = _last_request(messages, session)
    asked = _ASKED.search(request)
    if asked is not None and not _PASTED.match(request, asked.end()):
        return f"the request refers to {asked.group()!r}, and the item holds no earlier answer"
    repeats = _REPEATS.search(session.answer)
    if repeats is not None:
        return f"the answer opens with {repeats.group()!r}, and the item holds no earlier answer"
    return None
