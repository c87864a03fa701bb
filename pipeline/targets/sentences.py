"""Sentence boundaries in answer text, in en/es/de/fr, without a model.

A boundary is sentence punctuation followed by whitespace (or the end), or a
line break. The cases that make naive splitting wrong all leave the period
without following whitespace (decimals like ``1.234,56``, dates like
``31.12.2024``, URLs and file names like ``example.org/a.b``) or are handled
explicitly: known abbreviations (``e.g.``, ``z. B.``, ``p. ej.``), single-letter
initials and German ordinals before a month name (``am 31. Dezember``). A
lowercase word after a period does not prevent a boundary: sentences may start
with a file path (``src/app.py has 12 lines.``). CJK full stops end a sentence
with no space after them.
"""

from __future__ import annotations

import re

# Lowercase, without the final period; dotted forms are matched whole ("e.g").
# fmt: off
ABBREVIATIONS = frozenset([
    "e.g", "i.e", "etc", "vs", "cf", "approx", "ca", "resp", "incl", "excl",
    "nr", "fig", "figs", "eq", "vol", "ch", "mr", "mrs", "dr",
    "prof", "st", "jr", "sr", "inc", "ltd", "corp", "dept",
    "z.b", "d.h", "u.a", "usw", "bzw", "ggf", "evtl", "inkl", "sog", "vgl", "bsp", "z.t",
    "s.o", "s.u", "p.ej", "ej", "sra", "srta", "dra", "pág", "págs", "núm", "aprox",
    "env", "mme", "mlle", "av", "apr",
    # Country initials: "the 500 largest U.S. publicly traded companies" is one sentence.
    "u.s", "u.s.a", "u.k", "u.n", "e.u",
])
MONTHS = frozenset([
    "januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august",
    "september", "oktober", "november", "dezember",
    "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez",
])
# fmt: on
# Sentence-final punctuation with any closing quotes/brackets, then a space or the end.
# French closes a quote after a space: « oui. »; German closes with “: „ja.“
_END = re.compile(r"""[.!?…]+(?:["'”’“)\]]|[ \u00a0\u202f]?»)*(?=\s|$)|[。！？]+|\n""")
# "According to example.org, ..." names the source; the integrating content is the
# clause after it, so an integration span starts after such a lead-in.
_ATTRIBUTION = re.compile(
    r"(?:according to|based on|per|según|de acuerdo con|conforme a|laut|gemäß|zufolge"
    r"|selon|d['’]après)\s+(?:[^,;:.!?\n]|\.(?=\S)){1,80}?,\s+",
    re.IGNORECASE,
)
_NEXT = re.compile(r"\s*(\S+)")


def word_before(text: str, start: int, end: int) -> str:
    r"""The run of non-space characters that ends ``text[start:end]`` (``""`` when it
    ends in space), as ``re.search(r"(\S+)$", text[start:end])`` finds it: ``$``
    also matches before one final line break. The search tries every start position
    and so costs the square of the sentence's length; this cut from the right does
    not. `str.isspace` and ``\s`` are the same Unicode class."""
    if end > start and text[end - 1] == "\n":
        end -= 1
    if end <= start or text[end - 1].isspace():
        return ""
    words = text[start:end].rsplit(None, 1)
    return words[-1]


def _is_boundary(text: str, start: int, match: re.Match[str], limit: int) -> bool:
    mark = match.group()
    if mark == "\n" or mark[0] in "。！？" or mark[0] in "!?…":
        return True
    if len(mark.rstrip("\"'”’“») \u00a0\u202f]")) > 1:
        return True  # "..." or ".." at a sentence end
    word = word_before(text, start, match.start())
    following = _NEXT.match(text, match.end(), limit)
    if following is None:
        return True
    nxt = following.group(1)
    core = word.lstrip("(\"'«“¿¡").lower()
    if core in ABBREVIATIONS or (len(core) == 1 and core.isalpha()):
        return False
    return not (core.isdigit() and len(core) <= 2 and nxt.lower().rstrip(".,") in MONTHS)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as absolute, whitespace-trimmed [s, e) ranges."""
    limit = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, limit):
        if not _is_boundary(text, cursor, match, limit):
            continue
        stop = match.start() if match.group() == "\n" else match.end()
        _append(spans, text, cursor, stop)
        cursor = match.end()
    _append(spans, text, cursor, limit)
    return spans


def _append(spans: list[tuple[int, int]], text: str, start: int, stop: int) -> None:
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    if start < stop:
        spans.append((start, stop))


def content_start(text: str, start: int, end: int) -> int:
    """Where the content of the sentence ``text[start:end]`` begins, after any lead-in."""
    lead = _ATTRIBUTION.match(text, start, end)
    return lead.end() if lead is not None and lead.end() < end else start
