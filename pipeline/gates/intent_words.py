"""The words the intent gate reads: what a request asks for, and how an answer says a
relation or a partial list.

`detect` reads a request's intents in English, Spanish, German and French, from its
own words: what the user quotes (code, backticked text, paths) asks for nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

IC = re.IGNORECASE


def _led(letters: str, pattern: str) -> re.Pattern[str]:
    """`pattern` (case-insensitive) told the characters every match starts with.

    Each alternative opens with a word boundary, which hides its first letter from
    the engine: it then tries every alternative at every position. The lookahead
    of the letters (exactly the alternatives' first characters, as the tests check)
    lets it skip to them in one C scan: the same matches, a few times faster on
    the request and answer read for every item."""
    return re.compile(f"(?=[{letters}])(?:{pattern})", IC)


DETECT = {
    "compare": _led(
        "cdquvw",
        r"\bcompar(?:e|ing|ison)\b|\bdiffer(?:s|ence)?\b|\bwhich\b[^.?]{0,60}\b(?:more|less|larger"
        r"|smaller|higher|lower)\b|\bcompar[aá]\w*|\bdiferencia\b|\bqué\b[^.?]{0,60}\bmás\b"
        r"|\bvergleich\w*|\bunterscheid\w*|\bwas\b[^.?]{0,60}\bstärker\b|\bcompar\w*|\bdiff[èé]r\w*"
        r"|\bqu'est-ce qui\b[^.?]{0,60}\bplus\b",
    ),
    "list": _led(
        "adefloqstwz",
        r"\blist\b|\bwhich (?:files|pages)\b|\bwhat files\b|\bshow me what\b|\bwhere "
        r"does\b|\bfind where\b"
        r"|\bfind (?:every|all|the)? ?occurrences?\b|\btop \d+ results\b|\blista\b|\benumera\b"
        r"|\benuméral[oa]s\b"
        r"|\bqué (?:archivos|páginas)\b|\bdónde aparece\b|\btodas las apariciones\b"
        r"|\blos \d+ (?:primeros|mejores) resultados\b|\bzeig mir die dateien\b|\bliste\b"
        r"|\bwelche (?:dateien|seiten)\b|\bwo kommt\b|\bfinde(?: heraus)?, wo\b|\balle vorkommen\b"
        r"|\bdie (?:ersten|besten) \d+ treffer\b|\bquels fichiers\b|\bquelles pages\b|\boù "
        r"apparaît\b"
        r"|\btoutes les occurrences\b|\bles \d+ (?:premiers|meilleurs) résultats\b",
    ),
    "count": _led("chw", r"\bhow many\b|\bcuánt[oa]s\b|\bwie viele\b|\bcombien\b"),
    # A locale probe asks when the file it reads was last modified, or when the page
    # it opens was published (the date its answer writes the locale's way).
    "modified": _led(
        "cqw",
        r"\bwhen\b[^.?]{0,60}\bwas last modified\b|\bcuándo se modificó\b"
        r"|\bwann\b[^.?]{0,60}\bzuletzt geändert wurde\b|\bquand\b[^.?]{0,60}\ba été modifié\b",
    ),
    "published": _led(
        "cqw",
        r"\bwhen\b[^.?]{0,60}\bwas published\b|\bcuándo se publicó\b"
        r"|\bwann\b[^.?]{0,60}\berschienen ist\b|\bquand\b[^.?]{0,60}\ba été publiée?\b",
    ),
    "compute": _led(
        "abcfhipstw",
        r"\badd up\b|\bsum\b(?! up)|\btotal\b|\bcompute\b|\bcalculate\b|\bwork out\b|\bfind "
        r"the largest\b"
        r"|\bwhat (?:it|they|this [^?]{0,40}) prints?\b|\bwhat does [^?]{0,60}\bprint\b|\bsuma\w*\b"
        r"|\bcalcul\w*|\bhallar el mayor\b|\bimprim\w*|\baddier\w*|\bsumme\b|\bberechne\w*"
        r"|\bbestimme\b|\bausgibt\b|\bausgaben\b|\badditionn\w*|\bsomme\b|\bplus "
        r"grand\b|\baffich\w*",
    ),
}
# A list whose only purpose is to pick what the next call reads.
SELECTS = _led(
    "delt",
    r"\b(?:the first (?:one|file|\.\w+)|the file with the first match|el primer\w*|la primera"
    r"|die erste|dem ersten|den ersten|le premier|la première)\b",
)
RELATION = _led(
    "bdefghiklmnpsuwé",
    r"\b(?:larger|smaller|bigger|greater|higher|lower|more|fewer|less|longer|shorter|faster|slower)\b"
    r"[^.;]{0,40}\bthan\b|\b(?:same|equal|identical)\b|\bdiffer(?:s|ent)?\b|\bexceeds?\b"
    r"|\b(?:mayor|menor|más|menos)\b[^.;]{0,40}\bque\b|\b(?:igual|iguales|idéntic[oa]s?|mism[oa]s?|distint[oa]s)\b"
    r"|\bsupera\b|\b(?:größer|kleiner|höher|niedriger|mehr|weniger|stärker)\b[^.;]{0,40}\bals\b"
    r"|\b(?:gleich|identisch|dieselbe\w*|unterscheiden)\b|\bplus\b[^.;]{0,40}\bque\b|\bmoins\b[^.;]{0,40}\bque\b"
    r"|\bdépasse\b|\b(?:identiques?|égale?s?|même)\b|\bdiff[èé]r\w*",
)
PARTIAL = _led(
    r"\dadefilnptuy",
    r"\b(?:first|top) \d+\b|\b\d+ of \d+\b|\band \d+ (?:more|others)\b|\bamong them\b|\bincluding\b"
    r"|\bpartial\b|\blos \d+ primer[oa]s\b|\blas \d+ primeras\b|\b\d+ de \d+\b|\by \d+ más\b"
    r"|\bentre (?:ellos|ellas)\b|\bdie ersten \d+\b|\b\d+ von \d+\b|\bund \d+ "
    r"weitere\b|\bdarunter\b"
    r"|\bles \d+ premi[eè]re?s\b|\b\d+ sur \d+\b|\bet \d+ autres\b|\bdont\b|\bnotamment\b",
)
# A request for what a page says as a whole: "summarise it", "what does the page say",
# "resúmelo", "qué dice", "fasse ihn zusammen", "was steht auf der Seite", "que dit".
# Not the English "resume" nor "zusammen mit" (review s12 H3).
SUMMARY = _led(
    "cfqrswz",
    r"\bsummar(?:ise|ize|y)\b|\bwhat (?:does|do) [^?]{0,80}\bsay\b|\bwhat it says\b"
    r"|\bres[uú]me(?:lo|la|n)\b|\bresúmen\w*|\brésume\b|\bqué dice\b"
    r"|\bfass\w*\b[^.?]{0,60}\bzusammen\b|\bzusammenfass\w*"
    r"|\bwas (?:darin |auf der seite )?steht\b|\bwas steht\b|\bque dit\b|\bce qu'il contient\b",
)
# A request for what a file (or some of its lines) holds: "tell me what it contains",
# "what is in", "describe it", "qué contiene", "qué hay en", "was darin steht",
# "was steht in", "ce qu'il contient", "que contient".
DESCRIBE = _led(
    "cdqw",
    r"\bwhat it contains\b|\bwhat is in\b|\bdescribe it\b|\bqué contiene\b|\bqué hay en\b"
    r"|\bwas darin steht\b|\bwas steht in\b|\bce qu'il contient\b|\bque contient\b",
)
# A request to open a page with its links: "with its links", "con sus enlaces", "mit den
# Links", "avec ses liens" (never "without links", "sin enlaces", "ohne Links").
LINKS = _led(
    "acmw",
    r"\bwith (?:its|the) links\b|\bcon (?:sus|los) enlaces\b|\bmit (?:den|seinen|ihren) links\b"
    r"|\bavec (?:ses|les) liens\b",
)
# A request for a search's context lines (the generator's "with 2 lines of context").
CONTEXT = re.compile(
    r"\bcontext[eo]?\b|\bKontext\w*|\bsurrounding\b|\blines? (?:around|before|after)\b"
    r"|\balrededor\b|\bumgeb\w*|\bautour\b",
    IC,
)


# What the user quotes rather than asks: code, backticked text, pasted JSON, tool
# names, and paths or identifiers ("src/sumamry_payload.yml" asks for no sum); and
# text in quotation marks, which is material to work on ("the meter of 'Shall I
# compare thee...'", 'translate "how many?"'), not the request. A single quote
# opens only after a non-letter, so an apostrophe (summer's, qu'est) does not.
# Bounded, so that many opening marks that never close cost a bounded scan each (an
# unbounded span scanned to the line's end from each: 25 s on a 100 KB request).
_QUOTED_PROSE = (
    r"\"[^\"\n]{0,300}\"|“[^”\n]{0,300}”|„[^“”\n]{0,300}[“”]|«[^»\n]{0,300}»"
    r"|「[^」\n]{0,300}」|(?<![\w'])'[^\n]{1,300}?'(?!\w)"
)
_QUOTED_CODE = r"```.*?```|`[^`\n]*`|\{[^{}]*\}|\b[a-z]+\.[a-z_]+\b|" + _QUOTED_PROSE
_QUOTED = re.compile(_QUOTED_CODE + r"|[^\s(]*[/_][^\s)]*", re.DOTALL)
# The path alternative tries every start in a word (scanning to its end each time),
# and can only match where a "/" or "_" is: half the requests have neither.
_QUOTED_WITHOUT_PATHS = re.compile(_QUOTED_CODE, re.DOTALL)


@lru_cache(maxsize=16)
def unquoted(text: str) -> str:
    """`text` with what the user quotes rather than asks blanked out.

    Remembered for the last few texts (a pure function of the text, returning an
    immutable string): an item's request is read by `detect`, the context check and
    the intent checks, three times in a row."""
    return _quoted_in(text).sub(" ", text)


def _quoted_in(text: str) -> re.Pattern[str]:
    # Without a "/" or "_" the path alternative (tried last) never matches: the
    # pattern without it blanks the same spans, without its scan from every start.
    return _QUOTED if "/" in text or "_" in text else _QUOTED_WITHOUT_PATHS


# Requests repeat in some sets (the earlier version's 10,000-item file has 126
# distinct prompts) and `detect` is a pure function of the text: the most recent
# distinct requests' answers are kept. Where every request is distinct (generated
# sets), a miss costs one lookup. Bounded, so memory stays flat.
MEMO_TEXTS = 256


def detect(request: str) -> set[str]:
    """The intents a request asks for (a new set on every call: callers may add to it)."""
    return set(_detect(request))


@lru_cache(maxsize=MEMO_TEXTS)
def _detect(request: str) -> frozenset[str]:
    words = unquoted(request)
    return frozenset(kind for kind, pattern in DETECT.items() if pattern.search(words))
