"""web.search: the world's pages ranked against a query, filtered as the call asks.

- A query term is a word of two or more letters or digits that is not a
  stop word. A page matches when its title, headings and first section hold
  every term (as a site search does); the newer page ranks higher, then the
  address.
- ``filters.site`` keeps one host, ``filters.recency_days`` pages published at
  most that many days before the world's today, ``lang`` pages in that
  language, ``exclude`` drops pages whose title or snippet has the term, and
  ``safe`` (on by default) drops pages marked unsafe.
- ``top_k`` (default 5) results come back; ``count`` is every match.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.world.model import Page, World

NAME = "web.search"
DEFAULT_TOP_K = 5
_WORD = re.compile(r"\w{2,}")
STOP_WORDS = frozenset(
    [
        "the",
        "for",
        "and",
        "with",
        "of",
        "in",
        "on",
        "to",
        "a",
        "an",
        "how",
        "what",
        "why",
        "is",
        "are",
        "vs",
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "en",
        "para",
        "con",
        "por",
        "y",
        "un",
        "una",
        "que",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "für",
        "mit",
        "und",
        "von",
        "im",
        "bei",
        "ein",
        "eine",
        "le",
        "les",
        "du",
        "des",
        "pour",
        "avec",
        "et",
        "dans",
        "un",
        "une",
        "sur",
        "au",
        "aux",
    ]
)


def terms(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in _WORD.findall(text.casefold()) if w not in STOP_WORDS))


def _haystack(page: Page) -> str:
    """The casefolded text a page is matched on: title, first section, headings."""
    return " ".join([page.title, page.snippet, *(s.heading for s in page.sections)]).casefold()


def _holds(haystack: str, wanted: list[str]) -> bool:
    """Whether every term is a word of the haystack. A term that is not even a
    substring cannot be a word, so most pages are refused without splitting."""
    return all(term in haystack for term in wanted) and set(wanted) <= set(_WORD.findall(haystack))


def _allowed(world: World, page: Page, args: dict[str, Any]) -> bool:
    filters = args.get("filters") or {}
    if "site" in filters and page.site != filters["site"]:
        return False
    recency = filters.get("recency_days")
    if recency is not None and not 0 <= world.days_before_today(page.published) <= recency:
        return False
    if "lang" in args and page.lang != args["lang"]:
        return False
    shown = f"{page.title} {page.snippet}".casefold()
    if any(term.casefold() in shown for term in args.get("exclude") or ()):
        return False
    return page.safe or not args.get("safe", True)


def execute(world: World, args: dict[str, Any]) -> dict[str, Any]:
    wanted = terms(args["q"])
    # A page matches when it holds every term, so every match has the same score.
    scored = [
        page
        for page in world.pages.values()
        if _allowed(world, page, args) and _holds(_haystack(page), wanted)
    ]
    # Newest first: ISO dates sort as text; the address breaks ties.
    scored.sort(key=lambda p: p.url)
    scored.sort(key=lambda p: p.published, reverse=True)
    top = scored[: args.get("top_k", DEFAULT_TOP_K)]
    return {
        "ok": True,
        "count": len(scored),
        "results": [
            {"url": p.url, "title": p.title, "snippet": p.snippet, "published": p.published}
            for p in top
        ],
    }
