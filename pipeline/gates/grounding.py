"""Grounding of integration spans in tool results, and integration F1 per item.

A tool result is flattened into (key, value) leaves, the key being the
result's top-level field the leaf sits in (`{"results": [{"url": ...}]}` ->
`results`; list positions are ignored, like the `#k` suffix of
`tool_result_fields`). A span is *lax*-grounded when it contains any leaf
value, *strict*-grounded when it contains a leaf of one of the answer fields:
the seed's `summary`, `lines`, `count`, `top_k`, `results`, and the world
tools' `values` (settings read), `content` (text read) and `stdout` (output).
Matching, on the span text:

- strings: after casefold and whitespace collapse, bounded by non-word
  characters where the value starts or ends with a word character (so "ok"
  does not ground "book"; a letter of a script written without spaces, such as
  Han or kana, is not a word character there); strings shorter than `MIN_STRING` are ignored
  (also two Han characters: counting them as wider was tried and dropped, since with no
  word edge 成功 then grounds 不成功);
- numbers: any of their locale spellings (1234.5 / 1,234.5 / 1.234,5 /
  1 234,5 with a space, a no-break or a narrow no-break space; padded to two
  decimals, 1234.50, 321.00), not preceded or followed by another digit or a
  decimal part;
- the number 1: also as the words a count of one is said in ("appears once",
  "one file", "una sola vez", "nur eine Datei", "un seul fichier");
- ISO dates: also as 31.12.2024, 31/12/2024 and 12/31/2024, and with the month's
  name in en/es/de/fr (December 31, 2024, 31 de diciembre de 2024, 31. Dezember
  2024, 31 décembre 2024; casefolded); an ISO datetime as written, or its date so;
- URLs: host (without www.) plus the first path segment;
- multi-line strings: as a whole and line by line;
- long strings (a description of several sentences): also by any one of their
  sentences quoted whole, its end mark aside (`pipeline.groundforms.quote_cores`
  for the constants, `quoted` for the edges); a fragment of a sentence does not
  ground, since the words it leaves out may be the ones that negate it;
- booleans and nulls ground nothing (a boolean read from its key's words in its
  polarity was tried and dropped: "confirmed with no fees" grounded `confirmed:
  false`, "non-refundable" `refundable: true`; a verifier that grounds a wrong
  answer hides the defect it exists to catch).

Per item (the seed's definition): precision = grounded spans / spans, recall =
1 if any span is grounded, F1 = 2PR / (P + R); no span at all is F1 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import repeat
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import orjson

from pipeline.groundforms import ISO_DATETIME, collapse, date_spellings, quote_cores, quoted
from pipeline.records import nesting_exceeds
from pipeline.text import UNSPACED

STRICT_KEYS = frozenset(
    {"summary", "lines", "count", "top_k", "results", "values", "content", "stdout"}
)
MIN_STRING = 3
# A count of one in words, in the four languages (articles alone would match anything).
ONE_WORDS = (
    "once", "one file", "one line", "one match", "one page", "one result", "a single",
    "una sola vez", "un solo", "una sola", "nur einmal", "nur eine", "nur einer",
    "qu'une fois", "une seule fois", "un seul", "une seule",
)  # fmt: skip
_ONE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ONE_WORDS) + r")(?!\w)", re.IGNORECASE
)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# A plain decimal number (no group), or an ISO date (its three groups).
_NUMBER_OR_DATE = re.compile(r"-?\d+(?:\.\d+)?|(\d{4})-(\d{2})-(\d{2})")
_CALL_PREFIX = re.compile(r"call#\d+\.")
_GROUP_SEPARATORS = (",", ".", " ", "\u00a0", "\u202f", "'", "")


class Needle(NamedTuple):
    """What one leaf of a result grounds with. A tuple, so a needle is its own
    dedup key and costs one C-level allocation: an item builds a dozen or more."""

    key: str
    # "text" | "number" | "date" | "url" | "one" (a count of one in words) | "quote"
    # (the sentences of a long string, any one of which grounds quoted whole)
    kind: str
    variants: tuple[str, ...]


def _group(digits: str, separator: str) -> str:
    if not separator or len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


@lru_cache(maxsize=16384)
def number_variants(value: str) -> tuple[str, ...]:
    """Every locale spelling of a plain decimal number string (cached: counts, sizes
    and years recur across items)."""
    sign = "-" if value.startswith("-") else ""
    whole, _, fraction = value.lstrip("-").partition(".")
    # 12.0 may be written 12 as well as 12.0 (or 12,0); and a price or a measure
    # with two decimals: 12 as 12.00, 42.1 as 42.10.
    fractions = {fraction, ""} if fraction and set(fraction) == {"0"} else {fraction}
    fractions.add(fraction.ljust(2, "0"))
    spellings = set()
    for group in _GROUP_SEPARATORS:
        grouped = sign + _group(whole, group)
        for part in fractions:
            if not part:
                spellings.add(grouped)
                continue
            for decimal in (".", ","):
                if decimal != group:
                    spellings.add(f"{grouped}{decimal}{part}")
    return tuple(sorted(spellings, key=lambda s: (-len(s), s)))


def _leaves(value: Any, key: str) -> Iterator[tuple[str, Any]]:
    """Every leaf under `value`, each with the field name `key` it sits in."""
    if isinstance(value, dict):
        for child in value.values():
            yield from _leaves(child, key)
    elif isinstance(value, list):
        for child in value:
            yield from _leaves(child, key)
    else:
        yield key, value


def _quote(key: str, text: str) -> tuple[Needle, ...]:
    cores = quote_cores(text)
    return (Needle(key, "quote", cores),) if cores else ()


def _needles(key: str, value: Any) -> tuple[Needle, ...]:
    """The needles of one scalar leaf (a tuple built at once: no generator per leaf)."""
    if value is None or isinstance(value, bool):
        return ()
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        found = (Needle(key, "number", number_variants(text)),) if NUMBER.fullmatch(text) else ()
        return (*found, Needle(key, "one", ONE_WORDS)) if text == "1" else found
    text = str(value).strip()
    if text in ("True", "False", "None", "true", "false", "null"):
        return ()
    # One C-level match tells a number from a date from anything else.
    shape = _NUMBER_OR_DATE.fullmatch(text)
    if shape is not None:
        if shape.lastindex is None:
            return (Needle(key, "number", number_variants(text)),)
        return (Needle(key, "date", date_spellings(*shape.groups())),)
    # The head alone is lower-cased: a file's content can be long (and lower() only
    # ever lengthens a character, so the scheme is within the first 8).
    if text[:8].lower().startswith(("http://", "https://")):
        parts = urlsplit(text)
        host = (parts.hostname or "").removeprefix("www.")
        segment = parts.path.strip("/").split("/", 1)[0]
        if not host:
            return ()
        # Spans are matched casefolded (`collapse`), so the needle is too.
        return (Needle(key, "url", ((f"{host}/{segment}" if segment else host).casefold(),)),)
    if "\n" not in text:
        piece = collapse(text)
        whole = (Needle(key, "text", (piece,)),) if len(piece) >= MIN_STRING else ()
        stamp = ISO_DATETIME.match(text) if text[:1].isdigit() else None
        if stamp is not None:  # the datetime as written, or its date
            return (*whole, Needle(key, "date", date_spellings(*stamp.groups())))
        return (*whole, *_quote(key, text))
    # Case-folded once, then cut into lines: folding maps each character on its own
    # and never makes or takes a newline, so each line folds to the same text.
    folded = text.casefold()
    pieces = dict.fromkeys([" ".join(p.split()) for p in (folded, *folded.split("\n"))])
    lines = tuple(Needle(key, "text", (p,)) for p in pieces if len(p) >= MIN_STRING)
    return (*lines, *_quote(key, text))


def parse_content(content: Any) -> Any:
    """A tool message's content: parsed JSON when it is JSON (hermes envelope removed)."""
    if not isinstance(content, str):
        return content
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        return content
    if nesting_exceeds(value, content):
        # Plain text, as extract reads it (targets/grounding.py: result_value): the
        # walks over a result's leaves recurse once per level.
        return content
    if isinstance(value, dict) and set(value) == {"name", "content"}:
        return value["content"]
    return value


def field_key(path: str) -> str:
    """The result field a flattened path names: `call#1.results#0.title` -> `results`,
    `values.port` -> `values`.

    Flattened fields (gen/render.py: result_fields) carry a `call#i.` prefix on
    multi-call items; the field is the first name after it.
    """
    if "#" not in path and "." not in path:
        return path  # a plain field name (every key of a parsed result)
    prefix = _CALL_PREFIX.match(path)
    rest = path[prefix.end() :] if prefix else path
    return rest.split("#", 1)[0].split(".", 1)[0]


def leaf_needles(key: str, value: Any) -> tuple[Needle, ...]:
    """The needles of one leaf of a result under its top-level field `key`, in order.

    A pure function of (key, value): cached for strings and integers, whose equal
    values always make equal needles (a float is not cached, since 0.0 == -0.0)."""
    if isinstance(value, str) or type(value) is int:
        return _cached_leaf_needles(key, value)
    return _leaf_needles(key, value)


def _leaf_needles(key: str, value: Any) -> tuple[Needle, ...]:
    # A JSON list or object flattened into a string (tool_result_fields) is expanded.
    if isinstance(value, str) and value[:1] in "[{":
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError:
            parsed = None
        # Nested past the record limit, it stays one string: `_leaves` recurses.
        if isinstance(parsed, list | dict) and not nesting_exceeds(parsed, value):
            return tuple(
                needle
                for inner_key, inner in _leaves(parsed, key)
                for needle in _needles(inner_key, inner)
            )
    return _needles(field_key(key), value)


# typed: 1 and True are equal keys, and True grounds nothing.
_cached_leaf_needles = lru_cache(maxsize=65536, typed=True)(_leaf_needles)


def _collect(values: Iterable[Any], key: str, into: dict[Needle, None]) -> None:
    """Adds the needles of every leaf under `values` (field `key`) to `into`, in order.

    `_leaves` and `leaf_needles` in one recursive walk, a call per container only:
    an item's results have a few dozen leaves, and a generator frame per level and
    per leaf cost more than the (mostly cached) needles themselves."""
    for value in values:
        if isinstance(value, dict):
            _collect(value.values(), key, into)
        elif isinstance(value, list):
            _collect(value, key, into)
        elif isinstance(value, str) or type(value) is int:  # `leaf_needles`, inlined
            into.update(dict.fromkeys(_cached_leaf_needles(key, value)))
        else:
            into.update(dict.fromkeys(_leaf_needles(key, value)))


def result_needles(results: list[Any]) -> list[Needle]:
    """Needles of every successful result (a result with `ok: false` grounds nothing),
    each distinct needle once, in the order first found."""
    needles: dict[Needle, None] = {}
    for result in results:
        if isinstance(result, dict):
            if result.get("ok") is False:
                continue
            for name, child in result.items():
                # Most fields are scalars: their needles are added without a walk.
                if isinstance(child, dict):
                    _collect(child.values(), str(name), needles)
                elif isinstance(child, list):
                    _collect(child, str(name), needles)
                else:
                    needles.update(dict.fromkeys(leaf_needles(str(name), child)))
        else:
            _collect((result,), "", needles)
    return list(needles)


_UNSPACED = re.compile(f"[{UNSPACED}]")


def _word(char: str) -> bool:
    # A letter of a script written without spaces (Han, kana, Thai) is no word edge:
    # "指数为152" and "06:00と" hold the values 152 and 06:00.
    return bool(char) and (char.isalnum() or char == "_") and _UNSPACED.match(char) is None


def _bounded_find(haystack: str, needle: str, word_edges: bool, numeric: bool) -> bool:
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = haystack[start - 1] if start else ""
        after = haystack[end] if end < len(haystack) else ""
        after2 = haystack[end + 1] if end + 1 < len(haystack) else ""
        if numeric:
            # \b-like edges, and no decimal part glued on either side (1.234 is not 234).
            ok = not _word(before) and not (before and before in ".,")
            ok = ok and not _word(after) and not (after and after in ".," and after2.isdigit())
        elif word_edges:
            ok = not (_word(needle[0]) and _word(before)) and not (
                _word(needle[-1]) and _word(after)
            )
        else:
            ok = True
        if ok:
            return True
        start = haystack.find(needle, start + 1)
    return False


def _named(variant: str) -> bool:
    """A date spelled with the month's name (matched casefolded), not in digits."""
    return not variant.isascii() or any(c.isalpha() for c in variant)


def matches(needle: Needle, span_text: str, collapsed: str) -> bool:
    if needle.kind == "date":
        return any(
            _bounded_find(collapsed if _named(v) else span_text, v, False, True)
            for v in needle.variants
        )
    if needle.kind == "number":
        return any(_bounded_find(span_text, v, False, True) for v in needle.variants)
    if needle.kind == "url":
        return needle.variants[0] in collapsed
    if needle.kind == "one":
        return _ONE.search(collapsed) is not None
    if needle.kind == "quote":
        return any(quoted(collapsed, v) for v in needle.variants)
    return _bounded_find(collapsed, needle.variants[0], True, False)


class NeedleIndex(NamedTuple):
    """An item's needles laid out for matching many spans: one flat (key, variant)
    list per way of matching, so a span is tested with plain loops over strings."""

    numbers: tuple[tuple[str, str], ...]  # numbers' and dates' variants: bounded, raw text
    urls: tuple[tuple[str, str], ...]  # plain substring of the collapsed text
    texts: tuple[tuple[str, str], ...]  # word-bounded, collapsed text
    one: tuple[str, ...]  # keys grounded by a count of one in words
    # Dates with the month's name: bounded like numbers, in the collapsed text.
    named_dates: tuple[tuple[str, str], ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()  # sentences of long strings, `quoted`


def index_needles(needles: list[Needle]) -> NeedleIndex:
    numbers: list[tuple[str, str]] = []
    urls: list[tuple[str, str]] = []
    texts: list[tuple[str, str]] = []
    one: list[str] = []
    named: list[tuple[str, str]] = []
    quotes: list[tuple[str, str]] = []
    for key, kind, variants in needles:
        if kind == "number":
            numbers.extend(zip(repeat(key), variants))  # pairs made in C, no frame each
        elif kind == "date":
            for variant in variants:
                (named if _named(variant) else numbers).append((key, variant))
        elif kind == "url":
            urls.append((key, variants[0]))
        elif kind == "one":
            one.append(key)
        elif kind == "quote":
            quotes.extend(zip(repeat(key), variants))
        else:
            texts.append((key, variants[0]))
    return NeedleIndex(
        tuple(numbers), tuple(urls), tuple(texts), tuple(one), tuple(named), tuple(quotes)
    )


def grounded_keys(span_text: str, needles: list[Needle] | NeedleIndex) -> list[str]:
    """Sorted distinct keys of the needles found in one span.

    `matches` over an index of the needles (`index_needles`: build it once for
    the spans of an item), each variant first looked for with a plain `in` (most
    are absent, and the bounded search then costs a call for nothing), and the
    count-of-one words searched at most once per span: the same verdicts, since
    the keys found do not depend on the order they are looked for in."""
    index = needles if isinstance(needles, NeedleIndex) else index_needles(needles)
    collapsed = collapse(span_text)
    found = {key for key, url in index.urls if url in collapsed}
    if index.one and _ONE.search(collapsed) is not None:
        found.update(index.one)
    # A key already found needs none of its other needles.
    for key, text in index.texts:
        if key not in found and text in collapsed and _bounded_find(collapsed, text, True, False):
            found.add(key)
    for key, variant in index.numbers:
        if (
            key not in found
            and variant in span_text
            and _bounded_find(span_text, variant, False, True)
        ):
            found.add(key)
    for key, variant in index.named_dates:
        if (
            key not in found
            and variant in collapsed
            and _bounded_find(collapsed, variant, False, True)
        ):
            found.add(key)
    # Last, and only for keys no value of theirs grounded whole: most spans stop here.
    for key, core in index.quotes:
        if key not in found and core in collapsed and quoted(collapsed, core):
            found.add(key)
    return sorted(found)


def stated(answer: str, value: Any) -> bool:
    """Whether the answer states a response value (numbers in any locale spelling).

    The value itself, not one of its sentences: the intents that ask (a count, a
    date, a program's output) want the value they name."""
    needles = [n for n in result_needles([{"v": value}]) if n.kind != "quote"]
    return bool(grounded_keys(answer, needles))


def f1(grounded: int, spans: int) -> float:
    """The seed's per-item integration F1."""
    if spans == 0 or grounded == 0:
        return 0.0
    precision = grounded / spans
    return 2 * precision / (precision + 1.0)
