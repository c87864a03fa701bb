"""What an answer must state of the content a request asked about (the summarise,
describe, links and context rules of the intent gate, `intents`): a page's caveat,
or that the page was cut; more than the first line of a read; a link the page
returned; the context lines of a search's match.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gates.grounding import NUMBER, stated
from pipeline.gates.intent_words import CONTEXT, unquoted
from pipeline.gates.session import Session, ok_turns
from pipeline.gen.site import CAVEATS

TICKED = re.compile(r"`([^`\n]+)`")
# A word that the page was cut, in the four languages and their common synonyms
# (review s12 H3); "nothing was cut", "nichts abgeschnitten" say the opposite.
CUT = re.compile(
    r"\bcut (?:here|off|short|at|after|the|it|this)\b|\b(?:was|is|been|were|got|gets) cut\b"
    r"|\btruncat\w*|\bshortened\b|\bpartial\w*|\bonly the (?:first|part)\b|\brecort\w*"
    r"|\btruncad\w*|\bparcial\w*|\bsolo la parte\b|\bgekürzt\w*|\babgeschnitten\b|\bteilweise\b"
    r"|\bgelesene Teil\b|\btronqu\w*|\bcoupée?s?\b|\bpartiel\w*|\bque la partie\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:nothing|not|no|never|nichts|nicht|kein\w*|nie|nada|nunca|rien|pas|jamais)\b"
    r"[^.;,]{0,20}$|n't\s*(?:been\s*)?$",
    re.IGNORECASE,
)
# An answer that describes a table's rows in words: "2 rows", "3 filas".
ROWS = re.compile(
    r"\b\d+ (?:rows?|records?|entries|filas?|registros?|entradas?|Datenzeilen?|Datensätzen?"
    r"|Einträgen?|Zeilen mit Daten|lignes de données|enregistrements?|entrées?)\b",
    re.IGNORECASE,
)
_CAVEAT_WORD = re.compile(r"\w{4,}")
_CELL = re.compile(r"[^,;\t|\s]+")


def context_problem(session: Session, request: str | None = None) -> str | None:
    """A search for context lines answered without the context of any of its matches,
    when the request asked for context (a call's own `context_lines` asks nothing of
    the answer: "find where compute is called" is answered by the call site)."""
    asked = session.request if request is None else request
    if not CONTEXT.search(unquoted(asked)):
        return None
    for turn in ok_turns(session, ("fs.search",)):
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
        for t in ok_turns(session, ("fs.search",))
        for r in t.response.get("results") or ()
        if isinstance(r, dict)
    }
    for turn in ok_turns(session, ("fs.read",)):
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
    if any(stated(folded, n) for n in NUMBER.findall(caveat)):
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
    for turn in ok_turns(session, ("web.open",)):
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
    for turn in ok_turns(session, ("web.open",)):
        args, links = turn.arguments, turn.response.get("links")
        if not (isinstance(args, dict) and args.get("include_links") is True):
            continue
        names = [x for x in links if isinstance(x, str) and x] if isinstance(links, list) else []
        bare = [n.split("://", 1)[-1].rstrip("/").casefold() for n in names]
        if names and not any(b in folded for b in bare):
            return f"none of the {len(names)} links of {turn.response.get('url')} is named"
    return None
