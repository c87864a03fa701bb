"""figure_misattributed: an answer that quotes a page for a metric the page is not about.

A reader found "the p95 latency fell by 78% with A (url1) and by 44% with B
(url2)" where url2 reports the *monthly cost*: the figure is real, the claim
is not. Every answer sentence that cites an address (or, after a listing,
names a result by its title) is checked against what that address returned
(a search result's title and snippet, an opened page's text): when the
sentence names a metric and the page names metrics, one of
them must be the sentence's. Metrics are the generator's measured quantities
in its four languages; text naming none of them is not judged.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.session import Session
from pipeline.gen.topics import METRIC_NAMES

_ARTICLES = re.compile(r"^(?:the|la|el|le|l'|die|der|den|das)\s*", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s)\]]+[^\s).,;:\]]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _stem(phrase: str) -> str:
    return _ARTICLES.sub("", phrase).casefold()


METRIC_PHRASES: dict[str, tuple[str, ...]] = {
    metric: tuple(sorted({_stem(phrase) for phrase, _ in names.values()}))
    for metric, names in METRIC_NAMES.items()
}


def metrics_in(text: str) -> set[str]:
    folded = text.casefold()
    return {m for m, phrases in METRIC_PHRASES.items() if any(p in folded for p in phrases)}


def _page_texts(session: Session) -> dict[str, list[str]]:
    """address -> the texts the tools returned for it."""
    texts: dict[str, list[str]] = {}
    for turn in session.turns:
        r: Any = turn.response
        if not isinstance(r, dict) or turn.failed:
            continue
        if turn.name == "web.search":
            for e in r.get("results") or ():
                if isinstance(e, dict) and isinstance(e.get("url"), str):
                    shown = f"{e.get('title', '')} {e.get('snippet', '')}"
                    texts.setdefault(e["url"], []).append(shown)
        elif turn.name == "web.open" and isinstance(r.get("url"), str):
            texts.setdefault(r["url"], []).append(str(r.get("content", "")))
    return texts


def _titles(session: Session) -> dict[str, set[str]]:
    """casefolded title -> the addresses the searches listed under it. An answer that
    has already listed the addresses names a page again by its title alone."""
    titles: dict[str, set[str]] = {}
    for turn in session.turns:
        r: Any = turn.response
        if turn.name != "web.search" or not isinstance(r, dict) or turn.failed:
            continue
        for e in r.get("results") or ():
            if isinstance(e, dict) and isinstance(e.get("url"), str):
                title = str(e.get("title", "")).casefold()
                if len(title) >= 12:  # a word or two could be anything's
                    titles.setdefault(title, set()).add(e["url"])
    return titles


def attribution_problem(session: Session) -> str | None:
    """The first cited page that is about other metrics than the sentence says, or None."""
    pages = _page_texts(session)
    if not pages:
        return None
    titles = _titles(session)
    for sentence in _SENTENCE.split(session.answer):
        said = metrics_in(_URL.sub(" ", sentence))
        if not said:
            continue
        folded = sentence.casefold()
        named = {url for title, urls in titles.items() if title in folded for url in urls}
        for url in dict.fromkeys([*_URL.findall(sentence), *sorted(named)]):
            about = set().union(*(metrics_in(t) for t in pages.get(url, ())))
            if about and not about & said:
                return (
                    f"{url} is cited for {', '.join(sorted(said))}, "
                    f"but it reports {', '.join(sorted(about))}"
                )
    return None
