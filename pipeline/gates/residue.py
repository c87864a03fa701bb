"""template_residue: a slot the generator never filled, left where a reader sees it.

A template written as "{f.pct} %" without its f-prefix prints the slot's name
instead of the figure: "nur die relative Änderung: {f.pct} %". The check
looks for a ``{name}`` or ``{name.field}`` slot in the user's request, the
final answer, and the page texts the web tools return (the world's pages are
generated prose too). Code is left alone: fenced blocks and inline code may
hold braces of their own, as may files and program output.
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
    return None
