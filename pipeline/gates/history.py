"""history_absent: the item refers to an earlier exchange it does not hold.

A request that says "I missed your last answer" refers to an assistant turn;
when the item holds none before the user's last message, a student learns to
accept (and an answer that starts "Sure, once more:" learns to claim) context
it never saw. The check reads the user's last message and the final answer,
in English, Spanish, German and French, and passes when an assistant turn
with text comes before that message (a real earlier exchange).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.session import Session

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


def history_problem(item: dict[str, Any], session: Session) -> str | None:
    messages = item.get("messages")
    if _earlier_answer(messages if isinstance(messages, list) else []):
        return None
    asked = _ASKED.search(session.request)
    if asked is not None:
        return f"the request refers to {asked.group()!r}, and the item holds no earlier answer"
    repeats = _REPEATS.search(session.answer)
    if repeats is not None:
        return f"the answer opens with {repeats.group()!r}, and the item holds no earlier answer"
    return None
