"""template_residue: a slot the generator never filled, left where a reader sees it.

A template written as "{f.pct} %" without its f-prefix prints the slot's name
instead of the figure: "nur die relative Änderung: {f.pct} %". The check
looks for a ``{name}`` or ``{name.field}`` slot in the user's request, the
final answer, and the page texts the web tools return (the world's pages are
generated prose too). Code is left alone: fenced blocks and inline code may
hold braces of their own, as may files and program output.

A sentence template that opens on the page's pronoun ("Its “Results” section
says", "Su sección", "Son/Sa", "Sein/Ihr") is residue of the sentence that should
have come before it and named the page: after a repair note it reads as the
arguments, alone it names nothing (R13 audit). The page counts as named by its
title or address anywhere before, outside code.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.session import Session

_SLOT = re.compile(r"\{[A-Za-z_][\w.]*\}")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)
_PAGE_FIELDS = ("title", "snippet", "content")


def _page_texts(response: Any) -> list[str]:
    if not isinstance(response, dict):
        return []
    entries = [response, *(e for e in response.get("results") or () if isinstance(e, dict))]
    return [e[k] for e in entries for k in _PAGE_FIELDS if isinstance(e.get(k), str)]


# A sentence (answer start, or after a full stop, colon or closing quote) that opens
# on a possessive or personal pronoun of the page, in the four languages.
_PRONOUN = re.compile(r"(?:^|(?<=[.!?:”“»\"]) )(Its|Su|Sein|Seine|Ihr|Ihre|Son|Sa) ")


def orphan_problem(session: Session) -> str | None:
    """An answer about an opened page whose first pronoun sentence comes before any
    sentence that names the page."""
    names = [
        str(turn.response[k])
        for turn in session.turns
        if turn.name == "web.open" and isinstance(turn.response, dict) and not turn.failed
        for k in ("title", "url")
        if turn.response.get(k)
    ]
    if not names:
        return None
    prose = _CODE.sub(" ", session.answer)
    opener = _PRONOUN.search(prose)
    if opener is None or any(n in prose[: opener.start()] for n in names):
        return None
    return f"the answer says “{opener.group(1)} …” of a page it has not named"


def residue_problem(session: Session) -> str | None:
    """The first unfilled slot in prose the item shows, or None."""
    places = [("the request", session.request), ("the answer", session.answer)]
    for at, turn in enumerate(session.turns):
        if turn.name in ("web.search", "web.open"):
            places += [(f"call {at} ({turn.name})", t) for t in _page_texts(turn.response)]
    for where, text in places:
        if "{" not in text:
            continue  # no slot can be there (removing code adds no brace)
        slot = _SLOT.search(_CODE.sub(" ", text))
        if slot is not None:
            return f"{where} holds the unfilled slot {slot.group()}"
    return orphan_problem(session)
