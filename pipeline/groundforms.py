"""How an answer states a tool-result value that is not written as itself.

Shared by the extractor's grounding (`pipeline.targets.grounding`, which picks
integration sentences) and verify's (`pipeline.gates.grounding`, which judges
them), so that both read a third-party answer the same way:

* `text_width`: the width a string counts for against the minimum length of a
  grounding string. A wide character (Han, kana, Hangul, full-width forms: East
  Asian Width W or F) counts two, since one carries about a word's information:
  the two-character names 東京, 北京, 서울 ground, where two Latin letters do not.
* `flag_phrase` / `flag_stated`: a boolean leaf is stated by its key's words, in
  the polarity of its value: ``{"confirmed": true}`` by "Your booking is
  confirmed.", ``{"in_stock": false}`` by "It is not in stock." A negation among
  the three words before the phrase turns it (``not``, ``isn't``, ``no longer``,
  ``nicht``, ``pas``, ``no``/``nunca``...), so "not confirmed" does not ground
  ``true``; a literal ``true`` or ``false``, or a negation, within the two
  words after it (in its clause) decides first: "debug is false" states
  ``debug: false``, "wifi is not included" ``wifi: false``.
  Only the key's own words count (English, as keys are written): a German
  "bestätigt" does not ground ``confirmed``. Not a contradiction check: a
  sentence that names the key in the value's polarity anywhere grounds it.
* `date_spellings`: an ISO date, or the date of an ISO datetime, as the answer
  writes it: ``2024-05-01``, ``01.05.2024``, ``01/05/2024``, ``05/01/2024``, and
  with the month's name in en/es/de/fr (``May 1, 2024``, ``1 May 2024``, ``1st
  May 2024``, ``1 de mayo de 2024``, ``1. Mai 2024``, ``1er mai 2024``). The
  renderings are a fixed table, not a locale library, so they never change with
  CLDR data; each is matched with digit boundaries, so ``11 May 2024`` is not
  ``1 May 2024``. The year is part of every spelling: "May 1" alone could be any
  year's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from pipeline.text import UNSPACED

_NEGATIONS = frozenset(
    (
        *("not", "no", "never", "without", "nor", "nothing", "none", "unable"),  # en
        *("nicht", "kein", "keine", "keinen", "keiner", "keines", "nie", "niemals", "ohne"),
        *("nunca", "sin", "ni", "jamás"),  # es
        *("pas", "jamais", "sans", "non", "aucun", "aucune", "ne"),  # fr
    )
)
_CLAUSE_END = re.compile(r"[,.;!?]")
_EDGE_PUNCTUATION = ".,;:=!?\"'()[]«»“”‘’"
_KEY_PARTS = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_UNSPACED_CHAR = re.compile(f"[{UNSPACED}]")
# A leading verb that makes a key a yes/no question: is_available is "available".
_QUESTION_HEADS = frozenset({"is", "has", "was", "are", "were", "can", "does", "did", "should"})

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


def text_width(text: str) -> int:
    """The length of `text`, wide characters counted twice (see the module docstring)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@lru_cache(maxsize=4096)
def flag_phrase(key: str, min_chars: int = 3) -> str | None:
    """The words a boolean's key is stated in (casefolded), or None when they are
    too short to mean anything (``ok``) or the key has no words."""
    words = [w.casefold() for part in _KEY_PARTS.findall(key) for w in _CAMEL.split(part)]
    if len(words) > 1 and words[0] in _QUESTION_HEADS:
        words = words[1:]
    phrase = " ".join(words)
    return phrase if phrase and text_width(phrase) >= min_chars else None


def _negation(word: str) -> bool:
    return word in _NEGATIONS or word.endswith(("n't", "n’t")) or word.startswith(("n'", "n’"))


def _negated(before: str) -> bool:
    return any(_negation(word.strip(_EDGE_PUNCTUATION)) for word in before.split()[-3:])


def _polarity(before: str, after: str) -> bool:
    """Whether the key's words between `before` and `after` are stated as true: a
    literal or a negation in the two words after them (in their clause: "debug is
    false", "wifi is not included"), else a negation in the three words before."""
    for word in _CLAUSE_END.split(after, maxsplit=1)[0].split()[:2]:
        word = word.strip(_EDGE_PUNCTUATION)
        if word in ("true", "false"):
            return word == "true"
        if _negation(word):
            return False
    return not _negated(before)


def _word_char(char: str) -> bool:
    # As in the grounding of strings: a letter of a script written without spaces
    # is no word edge.
    return (char.isalnum() or char == "_") and _UNSPACED_CHAR.match(char) is None


def flag_stated(collapsed: str, phrase: str, value: bool) -> bool:
    """Whether a casefolded, whitespace-collapsed sentence states a boolean whose key
    reads `phrase`: the phrase as whole words, negated exactly when `value` is false."""
    start = collapsed.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        bounded = not (start and _word_char(collapsed[start - 1])) and not (
            end < len(collapsed) and _word_char(collapsed[end])
        )
        if (
            bounded
            and _polarity(collapsed[max(0, start - 60) : start], collapsed[end : end + 40]) == value
        ):
            return True
        start = collapsed.find(phrase, start + 1)
    return False


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
