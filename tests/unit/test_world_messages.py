"""The interpreter messages code.run builds: CPython's hint and the traceback markers."""

from __future__ import annotations

from pipeline.world import tracebacks
from pipeline.world.suggest import BUILTINS, distance, suggestion
from pipeline.world.tracebacks import Frame


def test_the_hint_prefers_the_modules_own_name_to_a_closer_builtin() -> None:
    # "vals" is 2 edits from the builtin "vars" and 4 from "values": CPython names values.
    assert "vars" in BUILTINS
    assert suggestion("vals", ("values",)) == "values"
    assert suggestion("vals", ()) == "vars"


def test_no_hint_for_a_far_or_overlong_name() -> None:
    assert suggestion("wrod", ("word",)) is None  # a swap costs 4, over the limit of 3
    assert suggestion("v" * 41, ("values",)) is None  # CPython gives up past 40 characters


def test_distance_edges() -> None:
    assert distance("abc", "abc", 3) == 0
    assert distance("ab", "abcd", 9) == 4  # two insertions, 2 each
    assert distance("a" + "x" * 45, "a" + "y" * 45, 10) == 11  # too long: over the limit
    assert distance("ax", "bcdefghi", 3) == 4  # the length gap alone exceeds the limit
    assert distance("a", "abcdefgh", 3) == 14  # one side empty after the common ends: exact
    assert distance("Value", "value", 5) == 1  # a case change costs 1


def test_markers_are_left_out_when_they_would_underline_the_whole_line() -> None:
    line = "values"
    out = tracebacks.python([Frame(1, line, 0, len(line))], "NameError: x")
    assert out == (
        f'Traceback (most recent call last):\n  File "{tracebacks.PYTHON_FILE}", line 1, '
        "in <module>\n    values\nNameError: x"
    )


def test_an_anchor_gets_carets_inside_tildes() -> None:
    line = "print(a / b)"
    out = tracebacks.python([Frame(2, line, 6, 11, anchor=(8, 9))], "ZeroDivisionError: x")
    assert "\n          ~~^~~\n" in out
