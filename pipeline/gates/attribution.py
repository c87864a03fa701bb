"""figure_misattributed: an answer that attributes a figure to the wrong page or file.

Pages. A reader found "the p95 latency fell by 78% with A (url1) and by 44% with B
(url2)" where url2 reports the *monthly cost*: the figure is real, the claim
is not. Every answer sentence that cites an address (or, after a listing,
names a result by its title) is checked against what that address returned
(a search result's title and snippet, an opened page's text): when the
sentence names a metric and the page names metrics, one of
them must be the sentence's. Metrics are the generator's measured quantities
in its four languages; text naming none of them is not judged.

Files. A reader found "current.ini was last modified on 24.10.2024 and is 109
bytes long" where the read had followed the link current.ini to loader.ini and
returned *loader.ini*'s date and size, and the listing gave current.ini another
date. Every file name an answer sentence gives (a path, or a listed name) claims
what follows it up to the next name: a size ("109 bytes", "109 Bytes", "109
octets") and, with a word for modified ("modified", "modificó", "geändert",
"modifié") or in the parenthesis right after the name (a listing sorted by
date), a date (ISO, 24.10.2024, 24/10/2024). Each must be one that a response
gave for that file: an fs.list entry's, or an fs.read's for the file it read
(``resolved`` when it followed a link, the metadata being the target's). Files no
response gave metadata for, and figures before any name, are not judged.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.names import names_in
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
    # map over the bound `in`: the phrases are tested without a Python frame each.
    contains = folded.__contains__
    return {m for m, phrases in METRIC_PHRASES.items() if any(map(contains, phrases))}


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
    """A figure stated for a file the responses did not give it, or the first cited page
    that is about other metrics than the sentence says, or None."""
    return file_metadata_problem(session) or page_problem(session)


def page_problem(session: Session) -> str | None:
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


# ---- files


_DATE = re.compile(r"\b(?:(\d{4})-(\d{2})-(\d{2})|(\d{2})([./])(\d{2})\5(\d{4}))\b")
# Sizes are whole bytes, grouped the locale's way ("1,234", "1.234", "1 234").
_SIZE = re.compile(r"\b(\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+)\s?(?:bytes?|Bytes?|octets?)\b")
_QUOTE = re.compile(r"`[^`]*`")
# A date is claimed as the file's own only in the slot a modified verb gives it:
# "modified on D", "se modificó por última vez el D", "am D geändert", "(modified D)".
# Another date in the sentence (a log's entries, a created date) says nothing of it.
# The verb's slot ends at a conjunction: "geändert und enthält Einträge ab dem D".
_MODIFIED_BEFORE = re.compile(
    r"(?:modifi\w*|geändert|changed|updated)\b"
    r"(?:(?!\b(?:and|und|y|et|but|aber|pero|mais|from|ab|desde|depuis)\b)[^.\d()]){0,32}$",
    re.IGNORECASE,
)
_MODIFIED_AFTER = re.compile(r"\s*geändert\b", re.IGNORECASE)
# A size is the file's own only after a verb that states it ("is", "ocupa", "fait"),
# or alone in the name's parenthesis; never a difference or a total (H1 of review s12).
_SIZE_BEFORE = re.compile(
    r"(?:^[\s:,]*|\b(?:is|ist|fait|ocupa|pèse|mide|has|hat|tiene|a|size|Größe|taille|tamaño)"
    r"\b[^.\d()]{0,12})$",
    re.IGNORECASE,
)
_SIZE_AFTER = re.compile(
    r"\s*(?:larger|smaller|bigger|more|less|größer|kleiner|mehr|weniger|más|menos|"
    r"plus|moins|de plus|de moins|in total|insgesamt|en total|au total)\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(
    r"\b(?:total|together|combined|insgesamt|zusammen|juntos|ensemble|sum|suma|somme|"
    r"than|als|que)\b",
    re.IGNORECASE,
)
_OTHER_DATE = re.compile(r"\b(?:creat\w*|erstellt|cre[óa]\w*|créé\w*)\b[^.\d()]{0,20}$", re.I)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?![\d])")


def _file_facts(session: Session) -> dict[str, tuple[set[str], set[int]]]:
    """file name -> (the modified dates, the sizes) the responses gave for it; a
    listed file under its path, its name in the listing and its base name."""
    facts: dict[str, tuple[set[str], set[int]]] = {}

    def add(names: list[str], entry: dict[str, Any]) -> None:
        for name in dict.fromkeys(n for n in names if n):
            dates, sizes = facts.setdefault(name, (set(), set()))
            # A date that is not ISO ("Oct 24, 2024" in a third party's listing) is
            # not cut to a wrong one: the file's dates are then not checked.
            modified = entry.get("modified")
            if isinstance(modified, str) and _ISO_DAY.match(modified):
                dates.add(modified[:10])
            if isinstance(entry.get("size"), int):
                sizes.add(entry["size"])

    for turn in session.turns:
        r: Any = turn.response
        if not isinstance(r, dict) or turn.failed:
            continue
        if turn.name == "fs.list" and isinstance(r.get("results"), list):
            directory = str(r.get("dir", "")).rstrip("/") + "/"
            for e in r["results"]:
                if isinstance(e, dict) and isinstance(e.get("path"), str):
                    path = e["path"]
                    add([path, path.removeprefix(directory), path.rsplit("/", 1)[-1]], e)
        elif turn.name == "fs.read":
            # A followed link's metadata is its target's: stated under the link's own
            # name it is the misattribution this check exists for.
            read = r.get("resolved", r.get("path"))
            if isinstance(read, str):
                add([read, read.rsplit("/", 1)[-1]], r)
    return facts


def _dates(text: str) -> list[set[str]]:
    """Each date written in `text`, as the ISO dates it can mean (day or month first)."""
    out = []
    for m in _DATE.finditer(text):
        if m.group(1):
            out.append({f"{m.group(1)}-{m.group(2)}-{m.group(3)}"})
        else:
            a, b, y = m.group(4), m.group(6), m.group(7)
            out.append({f"{y}-{b}-{a}", f"{y}-{a}-{b}"})
    return out


def _claims(segment: str) -> tuple[list[set[str]], list[int]]:
    """The dates and sizes a name's segment states about the file itself: those in a
    parenthesis right after the name, and those in the slot of a modified verb or a
    size verb (quoted lines of the file state nothing about the file itself)."""
    segment = _QUOTE.sub(" ", segment)
    parenthesis = re.match(r"\s*\(([^)]*)\)", segment)
    if parenthesis:
        inside = parenthesis.group(1)
        dates = [
            d
            for m, d in zip(_DATE.finditer(inside), _dates(inside), strict=True)
            if not _OTHER_DATE.search(inside[: m.start()])
        ]
        sizes = [int(re.sub(r"\D", "", m.group(1))) for m in _SIZE.finditer(inside)]
        if not _TOTAL.search(inside):
            return dates, sizes
        return dates, []
    dates = [
        d
        for m, d in zip(_DATE.finditer(segment), _dates(segment), strict=True)
        if _MODIFIED_BEFORE.search(segment[: m.start()]) or _MODIFIED_AFTER.match(segment, m.end())
    ]
    sizes = [
        int(re.sub(r"\D", "", m.group(1)))
        for m in _SIZE.finditer(segment)
        if _SIZE_BEFORE.search(segment[: m.start()])
        and not _SIZE_AFTER.match(segment, m.end())
        and not _TOTAL.search(segment[: m.start()])
    ]
    return dates, sizes


# What every `_DATE` match holds (a digit, a separator, a digit): a pattern that opens
# with a character class, which the regex engine skips to in one scan, where `_DATE`
# tries its word boundary at every position. Every `_SIZE` match holds "yte" or "octet".
_DATE_HINT = re.compile(r"\d[-./]\d")


def _states_figure(text: str) -> bool:
    """`_DATE.search(text) or _SIZE.search(text)`, each searched only where it may match."""
    if _DATE_HINT.search(text) and _DATE.search(text):
        return True
    return ("yte" in text or "octet" in text) and _SIZE.search(text) is not None


def file_metadata_problem(session: Session) -> str | None:
    """The first date or size an answer states for a file that no response gave it."""
    # Most answers state neither: one scan each spares looking for the names.
    if not _states_figure(session.answer):
        return None
    facts = _file_facts(session)
    if not facts:
        return None
    names = sorted(facts, key=len, reverse=True)
    for sentence in _SENTENCE.split(session.answer):
        found = names_in(sentence, names)
        for i, (_, stop, name) in enumerate(found):
            end = found[i + 1][0] if i + 1 < len(found) else len(sentence)
            dates, sizes = facts[name]
            said_dates, said_sizes = _claims(sentence[stop:end])
            for said in said_dates:
                if dates and not said & dates:
                    return (
                        f"{name} is said to be modified on {sorted(said)[0]}, "
                        f"but the responses give it {', '.join(sorted(dates))}"
                    )
            for size in said_sizes:
                if sizes and size not in sizes:
                    return (
                        f"{name} is said to be {size} bytes, "
                        f"but the responses give it {', '.join(map(str, sorted(sizes)))}"
                    )
    return None
