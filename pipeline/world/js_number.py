"""JavaScript's number semantics, for the offline runner's JavaScript side.

Every JavaScript number is an IEEE double: ``Number()`` has its own string
grammar (hex, octal and binary literals, ``Infinity``, but no ``inf``, no
``nan`` and no ``1_000``), arithmetic is double arithmetic, and output goes
through ``Number.prototype.toString`` (shortest round-trip digits, exponent
form below 1e-6 and from 1e21) or ``toFixed`` (the exact binary value, ties
away from zero). Python's floats are the same doubles, so only the text
conversions need writing out.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

# StrWhiteSpaceChar: WhiteSpace (TAB, VT, FF, ZWNBSP, any Zs) and LineTerminator.
_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TRIM = re.compile(f"^[{_SPACE}]+|[{_SPACE}]+$")
_RADIX = re.compile(r"0([xXoObB])([0-9a-fA-F]+)")
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_BASES = {"x": (16, "0123456789abcdef"), "o": (8, "01234567"), "b": (2, "01")}


def number(text: str) -> float:
    """``Number(text)``: the double a string converts to, NaN when it is no number."""
    text = _TRIM.sub("", text)
    if text == "":
        return 0.0
    radix = _RADIX.fullmatch(text)
    if radix is not None:
        base, digits = _BASES[radix.group(1).lower()]
        body = radix.group(2)
        return float(int(body, base)) if set(body.lower()) <= set(digits) else math.nan
    if _DECIMAL.fullmatch(text) is None:
        return math.nan
    return float(text.replace("Infinity", "inf"))


def to_string(value: float) -> str:
    """``String(value)``: Number::toString with radix 10."""
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, as the specification asks.
    digits_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()[1:]
    digits = "".join(str(d) for d in digits_tuple)
    k = len(digits)
    n = int(exponent) + k  # the decimal point sits after n digits
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = f"0.{'0' * -n}{digits}"
    else:
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return sign + text


def logged(value: float) -> str:
    """What ``console.log(value)`` prints for a number: as String(), but -0 stays -0."""
    if value == 0 and math.copysign(1.0, value) < 0:
        return "-0"
    return to_string(value)


def to_fixed(value: float, places: int = 2) -> str:
    """``value.toFixed(places)``."""
    if math.isnan(value):
        return "NaN"
    if abs(value) >= 1e21:
        return to_string(value)
    value = value + 0.0  # -0 prints as 0
    exact = Decimal(value)  # the double's exact binary value, not its repr
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def maximum(values: list[float]) -> float:
    """``Math.max(...values)``: -Infinity for none, NaN if any is NaN, +0 above -0."""
    best = -math.inf
    for x in values:
        if math.isnan(x):
            return math.nan
        if x > best or (x == 0 and best == 0 and math.copysign(1.0, x) > 0):
            best = x
    return best


def minimum(values: list[float]) -> float:
    """``Math.min(...values)``: Infinity for none, NaN if any is NaN, -0 below +0."""
    return -maximum([-x for x in values])


def is_even(value: float) -> bool:
    """``value % 2 === 0``: the remainder keeps the dividend's sign; NaN and Infinity fail."""
    return math.isfinite(value) and math.fmod(value, 2.0) == 0
