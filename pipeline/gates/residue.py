"""template_residue: a slot the generator never filled, left where a reader sees it.

A template written as "{f.pct} %" without its f-prefix prints the slot's name
instead of the figure: "nur die relative Änderung: {f.pct} %". The check
looks for a ``{name}`` or ``{name.field}`` slot in the user's request, the
final answer, and the page texts the web tools return (the world's pages are
generated prose too). Code is left alone: fenced blocks and inline code may
hold braces of their own, as may files and program output.

A sentence template that opens on the page's pronoun and a quoted section ("Its
“Results” section says", "Su sección «…»", "Sa section « … »", "Im Abschnitt „…“")
is residue of the sentence that should
have come before it and named the page: after a repair note it reads as the
arguments, alone it names nothing (R13 audit). The page counts as named by its
title (or its main part's words) or address (or host) anywhere before, outside code.

Two more traces of templates put together (R18 audit): a figure-bearing fact said
in the answer's own words and again in a quote that says the same (the search's
finding, then the opened page's overview stating it), and "yet another figure"
before a figure the answer has already given.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pipeline.gates.session import Session

_SLOT = re.compile(r"\{[A-Za-z_][\w.]*\}")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)
_PAGE_FIELDS = ("title", "snippet", "content")


def _page_texts(response: Any) -> list[str]:
    if not isinstance(response, dict):
        return []
    entries = [response, *(e for e in response.get("results") or () if isinstance(e, dict))]
    return [e[k] for e in entries for k in _PAGE_FIELDS if isinstance(e.get(k), str)]


# The generator's residue shape only (review s12 H2): a sentence (answer start, or
# after a full stop, colon or closing quote) that opens on the page's possessive
# followed by a quoted section name. "Su pregunta", "Ihre Frage" (formal "your") and
# "Its examples" are ordinary prose.
_OPEN = r"(?:^|(?<=[.!?:”“»\"]) )"
_QUOTED = r"(?:“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]|»[^«]*«)"
_PRONOUN = re.compile(
    _OPEN + r"(?:(Its) " + _QUOTED + r" section\b"
    r"|(Su) sección "
    + _QUOTED
    + r"|(Sein|Ihr|Im) Abschnitt "
    + _QUOTED
    + r"|(Sa) section ?"
    + _QUOTED
    + r")"
)
_TITLE_PART = re.compile(r"\s*(?:[:|—–]|\s-\s)\s*")
_WORD = re.compile(r"\w{3,}")


def _names_page(page: dict[str, Any], prose: str) -> bool:
    """Whether `prose` names the page: its address or host, its title, or every word
    of the title's main part ("The Python documentation page" names "Python
    documentation — Tutorial")."""
    folded = prose.casefold()
    url, title = str(page.get("url") or ""), str(page.get("title") or "")
    host = re.sub(r"^www\.", "", urlsplit(url).hostname or "")
    if (url and url in prose) or (host and host in folded) or (title and title in prose):
        return True
    words = _WORD.findall(_TITLE_PART.split(title.casefold())[0]) if title else []
    return bool(words) and all(re.search(rf"\b{re.escape(w)}\b", folded) for w in words)


def orphan_problem(session: Session) -> str | None:
    """An answer about an opened page whose first section sentence opens on the page's
    pronoun before any sentence names the page."""
    pages = [
        turn.response
        for turn in session.turns
        if turn.name == "web.open" and isinstance(turn.response, dict) and not turn.failed
    ]
    if not pages:
        return None
    prose = _CODE.sub(" ", session.answer)
    opener = _PRONOUN.search(prose)
    if opener is None or any(_names_page(p, prose[: opener.start()]) for p in pages):
        return None
    word = next(g for g in opener.groups() if g)
    return f"the answer says “{word} …” of a page it has not named"


# A quote of the page and a figure-bearing statement of it are one fact said twice when
# the answer's own sentence holds this share of the quote's words, the figure among them:
# "reports that with value compression, the error rate fell by 20%. Its “Overview”
# section says: “With value compression, the error rate fell by 20% in our benchmark.”"
# (R18 audit: the search's finding, then the opened page's overview that states it).
# A log line quoted beside a sentence about it shares its figure, not most of its words.
_RESTATED_SHARE = 0.7
_RESTATED_MIN_WORDS = 6
# A quote is one line of at most a few sentences: bounded, so that many opening marks
# that never close cost a bounded scan each, not one to the end of the text.
_QUOTE_SPAN = re.compile(r"“[^”\n]{0,600}”|«[^»\n]{0,600}»|„[^“”\n]{0,600}[“”]|\"[^\"\n]{0,600}\"")
_TOKEN = re.compile(r"\w+(?:[/.,]\w+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _TOKEN.findall(text)}


def restated_problem(answer: str) -> str | None:
    """A figure the answer states in its own words and again in a quote that says the same."""
    prose = _CODE.sub(" ", answer)
    quotes = []
    for span in _QUOTE_SPAN.finditer(prose):
        words = _words(span.group())
        if len(words) >= _RESTATED_MIN_WORDS and any(_NUMBER.fullmatch(w) for w in words):
            quotes.append((span.group(), words))
    if not quotes:
        return None
    own = _QUOTE_SPAN.sub(" ", prose)
    for sentence in _SENTENCE_END.split(own):
        said = _words(sentence)
        for quote, words in quotes:
            shared = words & said
            if (
                any(_NUMBER.fullmatch(w) for w in shared)
                and len(shared) >= _RESTATED_MIN_WORDS
                and len(shared) >= _RESTATED_SHARE * len(words)
            ):
                short = quote if len(quote) <= 80 else f"{quote[:79]}…"
                return f"the answer says in its own words what it then quotes: {short}"
    return None


# "Yet another figure" promises a figure not given before: before one already stated it
# reads as a third result where there are two (R18 audit: 14%, then 60% and "yet another
# figure: 60%").
_ANOTHER_FIGURE = re.compile(
    r"yet another figure|otra cifra distinta|wieder anders|encore un autre chiffre",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s?%")


def another_figure_problem(answer: str) -> str | None:
    """A "yet another figure" phrase whose figure the answer has already stated."""
    phrases = list(_ANOTHER_FIGURE.finditer(answer))
    if not phrases:
        return None
    figures = list(_PERCENT.finditer(answer))  # once: each phrase looks up its own
    for phrase in phrases:
        end = _SENTENCE_END.search(answer, phrase.end())
        stop = end.start() if end else len(answer)
        after = next((m for m in figures if phrase.end() <= m.start() < stop), None)
        if after is None:
            continue
        before = {m.group(1) for m in figures if m.end() <= phrase.start()}
        if after.group(1) in before:
            return f"“{phrase.group()}” introduces {after.group()}, a figure already stated"
    return None


def residue_problem(session: Session, generated: bool = False) -> str | None:
    """The first unfilled slot in prose the item shows, or another trace of templates
    put together (a page pronoun with nothing named; in a `generated` item, a fact said
    twice or a "different" figure that is not), or None. The last two are our
    generator's joins: in a third-party answer, a claim and the quote that supports it,
    or "wieder anders" before a figure of another kind, are ordinary prose."""
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
    problem = orphan_problem(session)
    if problem is None and generated:
        problem = restated_problem(session.answer) or another_figure_problem(session.answer)
    return problem
