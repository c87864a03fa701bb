"""The relation of two values as an answer states it: which is larger and by how
much, or that both are the same; for two techniques, which cuts more.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.gen.context import Ctx


def number(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


RELATIONS = {
    "higher": {
        "en": "the first value is {d} higher than the second",
        "es": "el primer valor supera al segundo en {d}",
        "de": "ist der erste Wert um {d} größer als der zweite",
        "fr": "la première valeur dépasse la seconde de {d}",
    },
    "lower": {
        "en": "the second value is {d} higher than the first",
        "es": "el segundo valor supera al primero en {d}",
        "de": "ist der zweite Wert um {d} größer als der erste",
        "fr": "la seconde valeur dépasse la première de {d}",
    },
    # Two files compared: the file with the larger value named (R12: "the second value
    # is 4 higher than the first" made the reader map values back to files).
    "higher_in": {
        "en": "it is higher in {hi}: {d} more than in {lo}",
        "es": "es mayor en {hi}: {d} más que en {lo}",
        "de": "ist der Wert in {hi} größer: um {d} mehr als in {lo}",
        "fr": "la valeur dans {hi} dépasse de {d} celle dans {lo}",
    },
    "same": {
        "en": "both are the same",
        "es": "ambos son iguales",
        "de": "sind beide gleich",
        "fr": "les deux sont identiques",
    },
    "differ": {
        "en": "they differ",
        "es": "son distintos",
        "de": "unterscheiden sie sich",
        "fr": "ils diffèrent",
    },
    # The answer to "which cuts more" first, then by how much (R12 audit).
    "cut_higher": {
        "en": "the larger cut comes with {a}: {d} more than with {b}",
        "es": "la mayor reducción se obtiene con {a}: {d} más que con {b}",
        "de": "fällt die Senkung mit {a} stärker aus: um {d} mehr als mit {b}",
        "fr": (
            "la baisse obtenue avec {a} est la plus forte : elle dépasse de {d} celle "
            "obtenue avec {b}"
        ),
    },
    "cut_same": {
        "en": "both give the same cut",
        "es": "ambas dan la misma reducción",
        "de": "bringen beide dieselbe Senkung",
        "fr": "les deux donnent la même baisse",
    },
}


def relation(ctx: Ctx, a: Any, b: Any, where: tuple[str, str] | None = None) -> str:
    """The relation of two values, with the difference when both are numbers; `where`
    (the two files the values are in) names the file with the larger one."""
    x, y = number(a), number(b)
    if x is None or y is None:
        return RELATIONS["same" if a == b else "differ"][ctx.lang]
    if x == y:
        return RELATIONS["same"][ctx.lang]
    d = abs(x - y)
    text = ctx.num(int(d)) if d == d.to_integral_value() else ctx.num(float(d))
    if where is not None:
        # File names, unless both files have the same one (then their paths).
        names = [p.rsplit("/", 1)[-1] for p in where]
        hi, lo = names if names[0] != names[1] else list(where)
        hi, lo = (hi, lo) if x > y else (lo, hi)
        return RELATIONS["higher_in"][ctx.lang].format(d=text, hi=hi, lo=lo)
    return RELATIONS["higher" if x > y else "lower"][ctx.lang].format(d=text)


def cut_relation(ctx: Ctx, first: tuple[str, int], second: tuple[str, int]) -> str:
    """Which technique cut more, by how many percentage points, named."""
    if first[1] == second[1]:
        return RELATIONS["cut_same"][ctx.lang]
    (a, high), (b, low) = (first, second) if first[1] > second[1] else (second, first)
    points = ctx.count(high - low, "point")
    return RELATIONS["cut_higher"][ctx.lang].format(a=a, b=b, d=points)
