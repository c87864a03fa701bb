"""How an answer states a tool-result date that is not written as itself.

Shared by the extractor's grounding (`pipeline.targets.grounding`, which picks
integration sentences) and verify's (`pipeline.gates.grounding`, which judges
them), so that both read a third-party answer the same way.

`date_spellings`: an ISO date, or the date of an ISO datetime, as the answer
writes it: ``2024-05-01``, ``01.05.2024``, ``01/05/2024``, ``05/01/2024``, and
with the month's name in en/es/de/fr (``May 1, 2024``, ``1 May 2024``, ``1st May
2024``, ``1 de mayo de 2024``, ``1. Mai 2024``, ``1er mai 2024``). The renderings
are a fixed table, not a locale library, so they never change with CLDR data;
each is matched with digit boundaries, so ``11 May 2024`` is not ``1 May 2024``.
The year is part of every spelling: "May 1" alone could be any year's. A
datetime grounds by its date: the time an answer states is not checked.

Two other readings were tried here and dropped after a review, since each made
a verifier ground wrong answers: a boolean stated by its key's words in its
polarity ("confirmed with no fees" grounded ``confirmed: false``,
"non-refundable" ``refundable: true``, "B is available" another entry's
``available: true``), and two wide characters counting as three (with no word
edge in Han or Hangul text, 成功 grounded 不成功 and 가능 불가능).

`quote_cores` and `quoted`: a long string value (a description of several
sentences) also grounds an answer that quotes one of its sentences *whole*;
see `quote_cores` for the rule and its constants. A whole sentence carries its
negations and its numbers with it; a fragment does not, so none grounds.

`collapse`: the one normalisation both sides compare text after (casefold,
whitespace runs to one space).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pipeline.targets.sentences import split_sentences
from pipeline.text import UNSPACED

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
}  # fmt: skip
# An ISO datetime: the date, "T" or a space, hours and minutes, then anything
# (seconds, a fraction, "Z" or an offset).
ISO_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                          r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$")  # fmt: skip


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


@lru_cache(maxsize=4096)
def date_spellings(y: str, m: str, d: str) -> tuple[str, ...]:
    """The numeric spellings of the ISO date y-m-d, then (for a real date) the ones
    with the month's name, these casefolded (answers are matched casefolded)."""
    numeric = (f"{y}-{m}-{d}", f"{d}.{m}.{y}", f"{d}/{m}/{y}", f"{m}/{d}/{y}")
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return numeric
    n, year = day.day, day.year
    en, es, de, fr = (MONTHS[lang][day.month - 1] for lang in ("en", "es", "de", "fr"))
    short = en[:3]
    named = [
        f"{en} {n}, {year}", f"{en} {n} {year}", f"{n} {en} {year}", f"{n} {en}, {year}",
        f"{en} {_ordinal(n)}, {year}", f"{_ordinal(n)} {en} {year}",
        f"{short} {n}, {year}", f"{n} {short} {year}",
        f"{short}. {n}, {year}", f"{n} {short}. {year}",
        f"{n} de {es} de {year}", f"{n} {es} {year}",
        f"{n}. {de} {year}", f"{d}. {de} {year}",
        f"{n} {fr} {year}", f"{'1er' if n == 1 else n} {fr} {year}",
    ]  # fmt: skip
    return numeric + tuple(dict.fromkeys(s.casefold() for s in named))


def collapse(text: str) -> str:
    # str.split() splits on exactly what \s matches (str.isspace), and faster than a regex.
    return " ".join(text.casefold().split())


# A value is split into sentences only from this length on (the cheap test: most
# leaves are names, titles and statuses, far shorter). 80 characters hold two
# sentences of QUOTE_MIN_CHARS and a third of the value besides; below that a value
# is one statement, which an answer states whole (the whole-value needle) or not at
# all. A value with a letter of a script written without spaces qualifies from
# QUOTE_MIN_VALUE_UNSPACED on: twice QUOTE_MIN_UNSPACED and a third besides, as above.
QUOTE_MIN_VALUE = 80
QUOTE_MIN_VALUE_UNSPACED = 40
# A sentence grounds from 30 characters and 5 words on: a full statement (subject,
# verb, object and a qualifier), not a stock phrase ("No results found.", "Please
# try again later.") that an answer could say without reading the result. Han and
# kana write a word in one to three characters: 15 of them say as much.
QUOTE_MIN_CHARS = 30
QUOTE_MIN_WORDS = 5
QUOTE_MIN_UNSPACED = 15
_UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")
_SENTENCE_END = ".!?。！？"
# A question is no statement: in Spanish and French a yes/no question has the
# statement's word order ("¿El museo abre los lunes?"), and a search result that
# echoes the user's question would ground the answer asserting it.
_QUESTION = "?？¿"
# Words that take a statement back or narrow it. A value holding one in another
# sentence may retract the sentence an answer quotes ("Free parking is available.
# This offer was discontinued."): its sentences are then not quoted at all (the
# answer is judged by the whole-value needles alone, the safer error).
_RETRACTS = re.compile(
    r"\b(?:not|no|never|none|nor|cannot|n't|no longer|discontinued|cancell?ed|withdrawn"
    r"|revoked|rejected|denied|declined|however|but|except|unless|instead|although|false"
    r"|nunca|ya no|sin embargo|pero|excepto|salvo|cancelad[oa]s?|rechazad[oa]s?|aunque"
    r"|tampoco|ningun[oa]?|ningún|ne|n'|pas|plus|jamais|aucune?|cependant|mais|sauf"
    r"|annul[ée]e?s?|refus[ée]e?s?|toutefois|nicht|keine?[nmrs]?|nie|niemals|jedoch|aber"
    r"|außer|eingestellt|abgelehnt|storniert|nein)\b"
    r"|[不没沒未無无非否但]|ない|ません|않|없|아니"
)
# A list's bullet (with its space: "-5" keeps its sign) and quotes and brackets
# around a sentence are not part of it.
_LEAD = re.compile(r"^(?:[-*•·]\s+)?[\"'“‘„«‹(\[¿¡\s]*")
_CLOSERS = "\"'”’“»›)] \t"


def quote_cores(text: str) -> tuple[str, ...]:
    """The sentences of a long string value an answer may quote to ground it, each
    collapsed and without its end mark (the answer may end it with a comma or a
    closing quote); none for a shorter value.

    Sentences are cut as the extractor cuts an answer (`split_sentences`: at . ! ?
    followed by a space, at 。！？ and at line breaks, not after an abbreviation or
    an initial), and every cut is checked so that no piece is a fragment: two
    pieces are joined again when the second starts with a lowercase letter (the
    first ended in an abbreviation the list does not know, "approx. two days
    late"); a piece that does not end in a full stop, ! or ? is no sentence (the
    value was cut short, or it is a heading), nor is one ending in an ellipsis (an
    unfinished thought: "It was not..."). Joining errs on the safe side: a longer
    sentence is quoted less often, never wrongly.
    """
    if len(text) < QUOTE_MIN_VALUE and (
        len(text) < QUOTE_MIN_VALUE_UNSPACED or _UNSPACED_CHAR.search(text) is None
    ):
        return ()
    pieces: list[list[int]] = []
    for start, end in split_sentences(text):
        if pieces and text[start].islower():
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
    cores: dict[str, None] = {}
    retracting = [_RETRACTS.search(text[start:end].casefold()) is not None for start, end in pieces]
    retractions = sum(retracting)
    for (start, end), retracts in zip(pieces, retracting, strict=True):
        if retractions > retracts:
            continue  # another sentence of the value may take this one back
        piece = text[start:end].rstrip(_CLOSERS)
        if not piece or piece[-1] not in _SENTENCE_END or piece.endswith(".."):
            continue
        lead = _LEAD.match(piece)  # always matches (every part is optional)
        if piece[-1] in _QUESTION or (lead is not None and "¿" in lead.group(0)):
            continue
        piece = piece.rstrip(_SENTENCE_END + _CLOSERS)
        core = collapse(_LEAD.sub("", piece, count=1))
        wide = len(_UNSPACED_CHAR.findall(core))
        long_enough = len(core) >= QUOTE_MIN_CHARS and len(core.split()) >= QUOTE_MIN_WORDS
        if long_enough or wide >= QUOTE_MIN_UNSPACED:
            cores[core] = None
    return tuple(cores)


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _edge(char: str) -> bool:
    """A word character that a word edge may not cut (gates.grounding's `_word`): a
    letter of a script written without spaces is none."""
    return _word_char(char) and _UNSPACED_CHAR.match(char) is None


def quoted(folded: str, core: str) -> bool:
    """Whether `folded` (a `collapse`d answer sentence) holds the sentence `core` whole.

    Before it, no letter or digit that would make it the end of a longer word
    (a letter of a script written without spaces is no word edge, as in the rest
    of grounding), and no sign or decimal glued to a leading number (-5, 1.5 are
    not 5). After it, the clause must end: no word follows, after at most one
    space, in any script ("... all guests only on weekends" restricts the
    sentence it quotes); punctuation, a closing quote or the end may (what a
    clause after a comma says is not judged: "..., but only on weekends"). And no
    decimal or percent glued to a trailing number (4.5 and 4% are not 4). On
    either side, a hyphen or an apostrophe between a word and the sentence makes
    its first or last word part of a longer one: "Non-refundable tickets ..."
    does not quote "Refundable tickets ...", nor "... the owner's dog" "... the
    owner".
    """
    start = folded.find(core)
    # Overlapping occurrences are tried a bounded number of times: a hostile answer
    # repeating the core's prefix would make the search quadratic. Past the bound the
    # sentence is not quoted: a missed grounding is the safe side.
    for _ in range(QUOTE_TRIES):
        if start < 0:
            return False
        if _whole_at(folded, start, start + len(core), core):
            return True
        start = folded.find(core, start + 1)
    return False


QUOTE_TRIES = 64


# Characters that join two words into one ("non-refundable", "owner's").
_JOINERS = "-\u2010\u2011'\u2019"


def _whole_at(folded: str, start: int, end: int, core: str) -> bool:
    before = folded[start - 1] if start else ""
    if _edge(before) and _edge(core[0]):
        return False
    joined = before in _JOINERS and start > 1 and _word_char(folded[start - 2])
    if before and joined and _word_char(core[0]):
        return False
    if before and core[0].isdigit() and before in ".,-−+":
        return False
    if before == " " and core[0].isdigit() and start > 1 and folded[start - 2].isdigit():
        return False  # a thousands group: "1 500 rooms" is not "500 rooms"
    if (
        before
        and _UNSPACED_CHAR.match(core[0])
        and (_word_char(before) or before in "不没沒未無无非否")
    ):
        # Unspaced scripts have no word edge: a sentence quoted inside a longer one
        # could be negated by the character before it (不支持 ... against 支持 ...).
        return False
    after = folded[end : end + 2]
    glued = after[:1]
    if glued and core[-1].isdigit() and glued in "%‰":
        return False
    if glued in ".," and after[1:2].isdigit():
        return False  # 4.5 is not 4, and "Lisbon.5" is no end of a sentence
    if glued and glued in _JOINERS and _word_char(core[-1]) and _word_char(after[1:2]):
        return False
    follow = after[1:2] if after[:1] == " " else after[:1]
    return not _word_char(follow)
