"""intent_unanswered: every operation the request asks for is performed and stated.

Intents are read from the request itself, in English, Spanish, German and
French, so the gate works on sets without intent metadata and on external
teacher data. The rules, on the final answer and the tool responses:

- compare: the answer states a relation ("larger than", "the same",
  "supera a", "größer als", "dépasse") and at least two values of the responses;
- list: the answer names every entry the listing or search returned, or says
  that it shows part of them ("the first 5", "3 of 14", "darunter") and names
  at least three; a list that only selects ("list ..., then read the first")
  needs the entry it selected and the count;
- count: the count the tool returned is stated;
- modified / published: a date a response gave under that key is stated ("when
  was it last modified?", "when was the page published?");
- compute: the output of the last successful program is stated;
- summarise: an answer to "summarise it" / "what does the page say" states the
  caveat section of every page it opened (a summary without it overstates the
  result), and says so when the limit cut the page or the requested lines
  stopped before it (where they stop, of how many);
- describe: an answer to "tell me what it contains" / "what is in" that quotes only
  the first line of what a read returned (a CSV row, a log entry) while more
  non-blank lines came back, and nothing else of them, has not said what they hold;
- links: a request to open a page "with its links" (``include_links``) that got
  links back has at least one of them named in the answer;
- context: a search that asked for context lines (``options.context_lines``)
  and got some back has, for one of its matches, the matching line and every
  non-blank line around it stated (the user asked for the context, not for the
  neighbouring line alone).

Items without calls are not judged here (their answers use no response).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipeline.gates import grounding
from pipeline.gates.session import Session, Turn
from pipeline.gen.site import HEADINGS

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
LISTING_TOOLS = ("fs.list", "fs.search", "web.search")
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
TICKED = re.compile(r"`([^`\n]+)`")
# The section that qualifies a page's result (SPEC's page layout, in its four languages).
CAVEATS = frozenset(heads[-1] for heads in HEADINGS.values())
# A word that the page was cut, in the four languages and their common synonyms
# (review s12 H3); "nothing was cut", "nichts abgeschnitten" say the opposite.
CUT = re.compile(
    r"\bcut (?:here|off|short|at|after|the|it|this)\b|\b(?:was|is|been|were|got|gets) cut\b"
    r"|\btruncat\w*|\bshortened\b|\bpartial\w*|\bonly the (?:first|part)\b|\brecort\w*"
    r"|\btruncad\w*|\bparcial\w*|\bsolo la parte\b|\bgekürzt\w*|\babgeschnitten\b|\bteilweise\b"
    r"|\bgelesene Teil\b|\btronqu\w*|\bcoupée?s?\b|\bpartiel\w*|\bque la partie\b",
    IC,
)
_NEGATED = re.compile(
    r"\b(?:nothing|not|no|never|nichts|nicht|kein\w*|nie|nada|nunca|rien|pas|jamais)\b"
    r"[^.;,]{0,20}$|n't\s*(?:been\s*)?$",
    IC,
)
# A request for a search's context lines (the generator's "with 2 lines of context").
CONTEXT = re.compile(
    r"\bcontext[eo]?\b|\bKontext\w*|\bsurrounding\b|\blines? (?:around|before|after)\b"
    r"|\balrededor\b|\bumgeb\w*|\bautour\b",
    IC,
)
# An answer that describes a table's rows in words: "2 rows", "3 filas".
ROWS = re.compile(
    r"\b\d+ (?:rows?|records?|entries|filas?|registros?|entradas?|Datenzeilen?|Datensätzen?"
    r"|Einträgen?|Zeilen mit Daten|lignes de données|enregistrements?|entrées?)\b",
    IC,
)
_CAVEAT_WORD = re.compile(r"\w{4,}")
_CELL = re.compile(r"[^,;\t|\s]+")


# What the user quotes rather than asks: code, backticked text, pasted JSON, tool
# names, and paths or identifiers ("src/sumamry_payload.yml" asks for no sum); and
# text in quotation marks, which is material to work on ("the meter of 'Shall I
# compare thee...'", 'translate "how many?"'), not the request. A single quote
# opens only after a non-letter, so an apostrophe (summer's, qu'est) does not.
_QUOTED_PROSE = (
    r"\"[^\"\n]*\"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|「[^」\n]*」|(?<![\w'])'[^\n]+?'(?!\w)"
)
_QUOTED_CODE = r"```.*?```|`[^`\n]*`|\{[^{}]*\}|\b[a-z]+\.[a-z_]+\b|" + _QUOTED_PROSE
_QUOTED = re.compile(_QUOTED_CODE + r"|[^\s(]*[/_][^\s)]*", re.DOTALL)
# The path alternative tries every start in a word (scanning to its end each time),
# and can only match where a "/" or "_" is: half the requests have neither.
_QUOTED_WITHOUT_PATHS = re.compile(_QUOTED_CODE, re.DOTALL)


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
    quoted = _QUOTED if "/" in request or "_" in request else _QUOTED_WITHOUT_PATHS
    words = quoted.sub(" ", request)
    return frozenset(kind for kind, pattern in DETECT.items() if pattern.search(words))


def _ok_turns(session: Session, names: tuple[str, ...]) -> list[Turn]:
    return [
        t
        for t in session.turns
        if t.name in names and isinstance(t.response, dict) and not t.failed
    ]


def stated(answer: str, value: Any) -> bool:
    """Whether the answer states a response value (numbers in any locale spelling)."""
    return bool(grounding.grounded_keys(answer, grounding.result_needles([{"v": value}])))


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _leaf_values(value: Any) -> list[Any]:
    """Every leaf of a response, and every number written inside its strings."""
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaf_values(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaf_values(v)]
    if isinstance(value, str):
        return [value, *_NUMBER.findall(value)]
    return [value]


def _values_stated(session: Session) -> int:
    """How many response values the answer states: distinct values (numbers, strings;
    not addresses), or, when two responses hold equal values, one per response."""
    found = set()
    responses = 0
    answer = session.answer
    collapsed = grounding.collapse(answer)
    # Responses repeat values (a path in every match): each needle is looked for once.
    seen: dict[tuple[str, tuple[str, ...]], bool] = {}
    for turn in _ok_turns(session, tuple({t.name for t in session.turns})):
        own = set()
        for leaf in _leaf_values(turn.response):
            for needle in grounding.leaf_needles("v", leaf):
                if needle.kind == "url":
                    continue
                look = (needle.kind, needle.variants)
                if look not in seen:
                    seen[look] = grounding.matches(needle, answer, collapsed)
                if seen[look]:
                    own.add(needle.variants)
        found |= own
        responses += bool(own)
    return max(len(found), responses)


def _entry_names(entry: Any) -> list[str]:
    if isinstance(entry, str):
        path = entry.rsplit(":", 1)[0] if re.search(r":\d+$", entry) else entry
        return [entry, path, path.rsplit("/", 1)[-1]]
    if isinstance(entry, dict):
        names = [str(entry[k]) for k in ("path", "url", "title") if entry.get(k)]
        if entry.get("path") and entry.get("line"):
            names.append(f"{entry['path']}:{entry['line']}")
        return names + [n.rsplit("/", 1)[-1] for n in names if "/" in n]
    return []


def _named(folded: str, entry: Any) -> bool:
    """Whether the casefolded answer names the entry."""
    return any(n and n.casefold() in folded for n in _entry_names(entry))


def list_problem(session: Session, request: str) -> str | None:
    turns = _ok_turns(session, LISTING_TOOLS)
    if not turns:
        return None
    response = turns[0].response
    entries = list(response.get("results") or ())
    count = response.get("count") if isinstance(response.get("count"), int) else len(entries)
    folded = session.answer.casefold()  # once, not once per entry
    named = sum(_named(folded, e) for e in entries)
    partial = bool(PARTIAL.search(session.answer))
    if SELECTS.search(request) and len(session.turns) > session.turns.index(turns[0]) + 1:
        return (
            None
            if (named >= 1 and stated(session.answer, count)) or named == len(entries)
            else (
                f"the listing it selected from is not shown ({named} of {len(entries)} "
                f"entries named)"
            )
        )
    if named == len(entries) and (count <= len(entries) or partial):
        return None
    if partial and named >= min(3, len(entries)):
        return None
    return (
        f"{named} of {len(entries)} listed entries named ({count} in all), "
        "with no word that the list is partial"
    )


def _dates_given(session: Session, key: str) -> list[str]:
    """Every date the successful responses gave under `key`, however deep."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get(key), str):
                out.append(value[key])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for turn in _ok_turns(session, tuple({t.name for t in session.turns})):
        walk(turn.response)
    return list(dict.fromkeys(out))


def _named_in(turns: list[Turn], text: str) -> list[Turn]:
    """The calls whose path or address `text` names."""
    return [
        t
        for t in turns
        if any(isinstance(t.args.get(k), str) and t.args[k] in text for k in ("path", "url"))
    ]


def _asked_dates(session: Session, key: str, request: str) -> list[str]:
    """The dates of what a date question is about (review s12 M1): for `modified`, the
    file read that the request names, else the last one read (its own response: a
    followed link's target); for `published`, the page opened that the request names,
    else the last one, or a search's top result. Without such a call, every date the
    responses gave."""
    turns = _ok_turns(session, ("fs.read" if key == "modified" else "web.open",))
    # The question's own sentence ("Tell me when a/config.toml was last modified.")
    # names it first, then the whole request.
    asked = " ".join(
        x for x in re.split(r"(?<=[.?!])\s+", request) if DETECT[key].search(_QUOTED.sub(" ", x))
    )
    named = _named_in(turns, asked) or _named_in(turns, request)
    own = [t.response.get(key) for t in named or turns]
    if own and isinstance(own[-1], str):
        return [own[-1]]
    searches = _ok_turns(session, ("web.search",)) if key == "published" else []
    top = (searches[0].response.get("results") or [None])[0] if searches else None
    if isinstance(top, dict) and isinstance(top.get(key), str):
        return [top[key]]
    return _dates_given(session, key)


def context_problem(session: Session, request: str | None = None) -> str | None:
    """A search for context lines answered without the context of any of its matches,
    when the request asked for context (a call's own `context_lines` asks nothing of
    the answer: "find where compute is called" is answered by the call site)."""
    asked = session.request if request is None else request
    if not CONTEXT.search(_QUOTED.sub(" ", asked)):
        return None
    for turn in _ok_turns(session, ("fs.search",)):
        options = turn.args.get("options")
        if not isinstance(options, dict) or not options.get("context_lines"):
            continue
        matches = [
            m
            for m in turn.response.get("results") or ()
            if isinstance(m, dict) and (m.get("before") or m.get("after"))
        ]
        if not matches:
            continue
        missing = [_unstated(session.answer, m) for m in matches]
        if all(missing):
            where = f"{matches[0].get('path')}:{matches[0].get('line')}"
            return f"the context lines of {where} are not stated (first missing: {missing[0]!r})"
    return None


def _unstated(answer: str, match: dict[str, Any]) -> str:
    """The first line of a match (its text, then its context) the answer does not state."""
    folded = " ".join(answer.split()).casefold()
    lines = [match.get("text"), *(match.get("before") or ()), *(match.get("after") or ())]
    for line in lines:
        # Quoted as it is (whitespace aside): a line of code like `}` has no needle.
        if isinstance(line, str) and " ".join(line.split()).casefold() not in folded:
            return line.strip()
    return ""


def _page_sections(content: str, truncated: bool) -> dict[str, str]:
    """A page's sections, heading -> its text line (a line the cut ended is no text)."""
    lines = content.split("\n")[: -1 if truncated else None]
    return {
        lines[i].removeprefix("## "): lines[i + 1]
        for i in range(1, len(lines) - 1)
        if lines[i - 1] == "" and lines[i] and lines[i + 1]
    }


def describe_problem(session: Session) -> str | None:
    """A read described by its first line alone: the answer quotes that line whole (not
    as a search's match) and nothing else of the read, while the read returned more
    non-blank lines."""
    quoted = [x.strip() for x in TICKED.findall(session.answer)]
    # A search's matching line is quoted as the match, not as the read's description.
    matched = {
        str(r.get("text", "")).strip()
        for t in _ok_turns(session, ("fs.search",))
        for r in t.response.get("results") or ()
        if isinstance(r, dict)
    }
    for turn in _ok_turns(session, ("fs.read",)):
        content = turn.response.get("content")
        if not isinstance(content, str):
            continue
        lines = [x.strip() for x in content.split("\n") if x.strip()]
        if len(lines) < 2:
            continue
        said = [q for q in quoted if q and q in content]
        if (
            lines[0] in said
            and lines[0] not in matched
            and all(q in lines[0] for q in said)
            and not _more_in_words(session.answer, lines, turn.response)
        ):
            path = turn.response.get("path")
            return f"only the first of {len(lines)} lines read of {path} is stated"
    return None


def _more_in_words(answer: str, lines: list[str], response: dict[str, Any]) -> bool:
    """Whether the prose (outside backticks) describes lines after the first: "2 rows",
    or a value of a later line ("data.csv has the columns `id,name,price` and 2 rows,
    ids 1 and 2"); the read's own line numbers are not such values."""
    prose = TICKED.sub(" ", answer)
    if ROWS.search(prose):
        return True
    shown = response.get("range")
    skip = {str(v) for v in (response.get("lines"), *(shown if isinstance(shown, list) else ()))}
    cells = {c.strip("\"'") for line in lines[1:] for c in _CELL.findall(line)}
    return any(
        (len(c) >= 3 or c.isdigit())
        and c not in skip
        and re.search(rf"(?<![\w./-]){re.escape(c)}(?![\w/-])", prose)
        for c in sorted(cells)
    )


def _caveat_stated(caveat: str, folded: str) -> bool:
    """Whether the casefolded answer states the caveat: the line as it is, its figure,
    or most (60 %) of its words (a paraphrase of a third party's caveat)."""
    line = " ".join(caveat.rstrip(".").split()).casefold()
    if line in folded:
        return True
    if any(stated(folded, n) for n in _NUMBER.findall(caveat)):
        return True
    words = set(_CAVEAT_WORD.findall(line))
    return bool(words) and len(words & set(_CAVEAT_WORD.findall(folded))) >= 0.6 * len(words)


def _says_cut(answer: str) -> bool:
    """Whether the answer says the page was cut (a word not negated just before it)."""
    return any(not _NEGATED.search(answer[: m.start()]) for m in CUT.finditer(answer))


def summary_problem(session: Session) -> str | None:
    """A page summarised without the caveat it returned, or, when the limit cut the
    page before it, without a word that the summary is of the part read."""
    folded = " ".join(session.answer.split()).casefold()
    for turn in _ok_turns(session, ("web.open",)):
        content = turn.response.get("content")
        if not isinstance(content, str):
            continue
        truncated = bool(turn.response.get("truncated"))
        caveats = [t for h, t in _page_sections(content, truncated).items() if h in CAVEATS]
        # Spanish quotes set the stop outside the quote marks: the line without it.
        if caveats and not _caveat_stated(caveats[0], folded):
            return f"the caveat of {turn.response.get('url')} is not stated: {caveats[0]!r}"
        if truncated and not caveats and not _says_cut(session.answer):
            return f"{turn.response.get('url')} was cut, and the answer reads as the whole page"
        window, lines = turn.response.get("window"), turn.response.get("lines")
        if (
            not caveats
            and isinstance(window, list)
            and len(window) == 2
            and isinstance(lines, int)
            and window[1] < lines
            and not (stated(session.answer, window[1]) and stated(session.answer, lines))
        ):
            return f"the lines read of {turn.response.get('url')} end before the page, unsaid"
    return None


def links_problem(session: Session) -> str | None:
    """A page opened with `include_links` that returned links, and an answer that names
    none of them (by address, or by the address without its scheme)."""
    folded = " ".join(session.answer.split()).casefold()
    for turn in _ok_turns(session, ("web.open",)):
        args, links = turn.arguments, turn.response.get("links")
        if not (isinstance(args, dict) and args.get("include_links") is True):
            continue
        names = [x for x in links if isinstance(x, str) and x] if isinstance(links, list) else []
        bare = [n.split("://", 1)[-1].rstrip("/").casefold() for n in names]
        if names and not any(b in folded for b in bare):
            return f"none of the {len(names)} links of {turn.response.get('url')} is named"
    return None


def problem(session: Session, request: str | None = None) -> tuple[set[str], str | None]:
    """(the intents read from the request, why one of them is unanswered or None)."""
    request = session.request if request is None else request
    kinds = detect(request)
    if not session.turns:
        return kinds, None
    answer = session.answer
    if "compare" in kinds:
        if not RELATION.search(answer):
            return kinds, "compare: the answer states no relation between the values"
        if _values_stated(session) < 2:
            return kinds, "compare: the answer does not state the compared values"
    if "list" in kinds:
        why = list_problem(session, request)
        if why:
            return kinds, f"list: {why}"
    why = context_problem(session, request)
    if why:
        return kinds, f"context: {why}"
    # Not a kind of its own (labels and wording read the kinds): a check of the answer.
    if SUMMARY.search(_QUOTED.sub(" ", request)):
        why = summary_problem(session)
        if why:
            return kinds, f"summarise: {why}"
    if LINKS.search(_QUOTED.sub(" ", request)):
        why = links_problem(session)
        if why:
            return kinds, f"links: {why}"
    if DESCRIBE.search(_QUOTED.sub(" ", request)):
        why = describe_problem(session)
        if why:
            return kinds, f"describe: {why}"
    if "count" in kinds:
        turns = _ok_turns(session, LISTING_TOOLS)
        if turns:
            count = turns[0].response.get("count", len(turns[0].response.get("results") or ()))
            if not stated(answer, count):  # a count of one may be said in words
                return kinds, f"count: the count {count} is not stated"
    for key in ("modified", "published"):
        dates = _asked_dates(session, key, request) if key in kinds else []
        if dates and not any(stated(answer, d) for d in dates):
            return kinds, f"{key}: none of the dates the responses gave ({dates[0]}, ...) is stated"
    if "compute" in kinds:
        runs = _ok_turns(session, ("code.run",))
        if (
            runs
            and "stdout" in runs[-1].response
            and not stated(answer, str(runs[-1].response["stdout"]).strip())
        ):
            return (
                kinds,
                f"compute: the output {str(runs[-1].response['stdout'])[:40]!r} is not stated",
            )
    return kinds, None
