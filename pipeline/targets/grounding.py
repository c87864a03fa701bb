"""Lax grounding: which tool-result values does a sentence carry?

A sentence is grounded in a result field when it contains the field's value:
strings after casefolding and collapsing whitespace (long multi-line values
also line by line), numbers on word boundaries in any of the locale spellings
a teacher uses (``1234``, ``1,234``, ``1.234``, ``1 234``, ``1.234,56``,
``1 234,56``, and ``321.00`` for 321), ISO dates also as ``31.12.2024`` /
``31/12/2024``, or with the month's name (``1 May 2024``; the date of an ISO
datetime likewise), and URLs by host plus first path segment
(``example.org/ane``), since answers cite a page without its full address.
Booleans and null carry no information on their own: they ground a sentence
only next to their key (``tls = false``); a boolean read from its key's words
("Your booking is confirmed." for ``confirmed: true``) was tried and dropped,
since a reading of polarity grounds wrong answers too ("confirmed with no
fees" for ``false``, "non-refundable" for ``refundable: true``). A long string
(a description of several sentences) also grounds a sentence that quotes one
of its sentences whole, end mark aside; a fragment does not. The date
spellings, the sentence quotes and the text normalisation (`collapse`) are
`pipeline.groundforms`', shared with verify.

Numbers are compared as values, not as text: each number written in the
sentence is read once, in every way a locale could mean it (``1.234`` is 1234
or 1.234), and the result's numbers are looked up in that set. One regex for
all sentences, instead of one per result value.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

import orjson

from pipeline.groundforms import ISO_DATETIME, collapse, date_spellings, quote_cores, quoted
from pipeline.records import nesting_exceeds
from pipeline.text import UNSPACED

_URL = re.compile(r"^https?://([^/\s?#]+)(/[^/\s?#]*)?", re.IGNORECASE)
_NUMERIC = re.compile(r"^[-−]?\d+(?:\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# A written number: digit runs joined by one separator each, on word boundaries (a
# letter of a script written without spaces is a boundary: `UNSPACED`).
_WRITTEN = re.compile(
    rf"(?<![.,])(?<![^\W{UNSPACED}])\d+(?:[.,'\u00a0\u202f ]\d+)*(?![^\W{UNSPACED}]|[.,]\d)"
)
_SEPARATORS = re.compile(r"[.,'\u00a0\u202f ]")


class Needle(NamedTuple):
    """A tuple, so that deduplicating a result's needles hashes at C speed (the
    frozen dataclass it was hashed and compared in Python: a tenth of extract)."""

    field: str
    # "text" (casefolded substring), "number" (a value), "pattern" (regex), "date"
    # (word-bounded casefolded spellings) or "quote" (a sentence of a long string,
    # found whole: `groundforms.quoted`)
    kind: str
    value: Any


def _as_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace("−", "-"))
    except InvalidOperation:
        return None
    return abs(value) if value.is_finite() else None


def _readings(token: str) -> set[Decimal]:
    """Every value a written number can stand for, in some locale."""
    parts = _SEPARATORS.split(token)
    seps = _SEPARATORS.findall(token)
    found: set[Decimal] = set()
    if not seps:
        return {Decimal(token)}
    groups_ok = all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3
    if groups_ok and len(set(seps)) == 1:
        found.add(Decimal("".join(parts)))  # every separator groups thousands
    last, head = seps[-1], seps[:-1]
    head_ok = all(len(p) == 3 for p in parts[1:-1]) and len(parts[0]) <= 3
    if last in ".," and len(set(head)) <= 1 and last not in head and (not head or head_ok):
        found.add(Decimal("".join(parts[:-1]) + "." + parts[-1]))  # the last one is decimal
    if " " in seps or "\u00a0" in seps or "\u202f" in seps:
        # "3 100 results" may also be two numbers.
        for word in re.split(r"[ \u00a0\u202f]", token):
            found |= _readings(word)
    return found


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _leaves(value: Any, path: str, out: list[tuple[str, Any]]) -> None:
    """Append (field path, leaf) of every leaf under `value`, in document order (a
    list filled in place: nested generators cost a resumption per level per leaf)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _leaves(inner, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list):
        for inner in value:
            _leaves(inner, path, out)
    else:
        out.append((path or "result", value))


# The word a boolean or null is written as next to its key.
_WORDS = {None: "(?:null|none)", True: "true", False: "false"}


def _dates(field: str, text: str, y: str, m: str, d: str) -> tuple[Needle, ...]:
    """The numeric spellings of a date (plain substrings, as ever), and its spellings
    with the month's name as one bounded needle."""
    spellings = date_spellings(y, m, d)
    named = (Needle(field, "date", spellings[4:]),) if len(spellings) > 4 else ()
    return (*(Needle(field, "text", spelled) for spelled in (text, *spellings[1:4])), *named)


def _leaf_needles(field: str, value: Any, min_chars: int) -> tuple[Needle, ...]:
    if value is None or isinstance(value, bool):
        key = re.escape(field.rsplit(".", 1)[-1])
        return (Needle(field, "pattern", rf"(?i)(?<!\w){key}\W{{1,4}}{_WORDS[value]}(?!\w)"),)
    text = value if isinstance(value, str) else repr(value)
    text = text.strip()
    if _NUMERIC.match(text):
        number = _as_decimal(text)
        return (Needle(field, "number", number),) if number is not None else ()
    url = _URL.match(text)
    if url:
        host, segment = url.group(1), (url.group(2) or "").rstrip("/")
        return (Needle(field, "text", collapse(host + segment)),)
    date = _ISO_DATE.match(text)
    if date:
        return _dates(field, text, *date.groups())
    if "\n" not in text:
        # The common case: one line, one needle (or none when too short).
        folded = collapse(text)
        found: tuple[Needle, ...] = (
            (Needle(field, "text", folded),) if len(folded) >= min_chars else ()
        )
        stamp = ISO_DATETIME.match(text) if text[:1].isdigit() else None
        if stamp is not None:  # the datetime as written, or its date
            y, m, d = stamp.groups()
            found += _dates(field, f"{y}-{m}-{d}", y, m, d)
        return found + _quotes(field, text)
    lines = [line.strip() for line in text.split("\n")]
    # A quoted line may leave its full stop outside the quote (Spanish «...».), so a
    # line is also looked for without it.
    lines += [line[:-1] for line in lines if line.endswith(".")]
    out = []
    for piece in dict.fromkeys([text, *lines]):
        folded = collapse(piece)
        if len(folded) >= min_chars:
            out.append(Needle(field, "text", folded))
    return (*out, *_quotes(field, text))


def _quotes(field: str, text: str) -> tuple[Needle, ...]:
    """One needle per sentence (a plain `in` tests each before `quoted` runs)."""
    return tuple(Needle(field, "quote", core) for core in quote_cores(text))


_cached_leaf_needles = lru_cache(maxsize=65536, typed=True)(_leaf_needles)
# Leaf types whose equal values always make equal needles (the cache is typed, so
# True and 1 stay apart); a float is not one, since 0.0 == -0.0 yet their reprs differ.
_CACHEABLE = frozenset({str, int, bool, type(None)})


def leaf_needles(field: str, value: Any, min_chars: int) -> tuple[Needle, ...]:
    """The needles of one result leaf, in order. A pure function of its arguments:
    cached for the `_CACHEABLE` types (names, paths, counts and flags recur across
    items)."""
    if type(value) in _CACHEABLE:
        return _cached_leaf_needles(field, value, min_chars)
    return _leaf_needles(field, value, min_chars)


def result_value(text: str) -> Any:
    """A tool result's value: parsed JSON when it is JSON, with the hermes
    ``{"name", "content"}`` envelope taken off; the plain text otherwise."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
    if nesting_exceeds(value, text):
        # Its leaves would be walked by recursion; verify (gates/grounding.py:
        # parse_content) reads such a result as plain text too, so both agree.
        return text
    if isinstance(value, dict) and set(value) == {"name", "content"}:
        return value["content"]
    return value


def _bounded_date(folded: str, spelled: str) -> bool:
    """`spelled` in `folded` with no digit, letter or decimal glued on (``11 may`` is
    not ``1 may``)."""
    return _compiled(rf"(?<![\w.,]){re.escape(spelled)}(?!\w|[.,]\d)").search(folded) is not None


class Grounder:
    """The needles of a set of tool results, matched against sentences."""

    def __init__(self, results: list[Any], min_chars: int = 3) -> None:
        leaves: list[tuple[str, Any]] = []
        for result in results:
            _leaves(result, "", leaves)
        # Deduplicated in first-seen order; dict.fromkeys does it at C speed.
        # `leaf_needles`, inlined: a call per leaf is a measurable share of extract.
        cached = _cached_leaf_needles
        needles = [
            cached(f, leaf, min_chars)
            if type(leaf) in _CACHEABLE
            else _leaf_needles(f, leaf, min_chars)
            for f, leaf in leaves
        ]
        self.needles: list[Needle] = list(dict.fromkeys(chain.from_iterable(needles)))

    def fields(self, sentence: str) -> list[str]:
        """The result fields whose values the sentence carries, in result order."""
        folded = collapse(sentence)
        numbers: set[Decimal] = set()
        for token in _WRITTEN.findall(sentence):
            numbers |= _readings(token)
        found: dict[str, None] = {}
        for needle in self.needles:
            if needle.field in found:
                continue
            if needle.kind == "text":
                hit = needle.value in folded
            elif needle.kind == "quote":
                hit = needle.value in folded and quoted(folded, needle.value)
            elif needle.kind == "number":
                hit = needle.value in numbers
            elif needle.kind == "date":
                hit = any(v in folded and _bounded_date(folded, v) for v in needle.value)
            else:
                hit = _compiled(needle.value).search(sentence) is not None
            if hit:
                found[needle.field] = None
        return list(found)
