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
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

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
