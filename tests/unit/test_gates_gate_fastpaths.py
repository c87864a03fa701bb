"""Per-item fast paths in the gates give what the code they replace gives.

The file-name matches of `figure_misattributed`, the named paths of
`request_incoherent`, the date-or-size pre-check and the quoted-text blanking are
compared with the regular expressions they replace, on cases and generated text
made of the characters their boundaries turn on; spanf1's inlined span reading
with `span_chars`.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gates import attribution, intent_words, spanf1
from pipeline.gates.calls import span_chars
from pipeline.gates.names import named, names_in

BOUNDARY = st.text(alphabet="ab./-_ é1(\n", max_size=16)
NAME = st.text(alphabet="ab./-", min_size=1, max_size=4)


def names_pattern(names: list[str]) -> re.Pattern[str]:
    """What `file_metadata_problem` compiled for every answer it read."""
    alternatives = "|".join(map(re.escape, names))
    return re.compile(r"(?<![\w/.-])(?:" + alternatives + r")(?![\w/-]|\.\w)")


def test_names_in_cases() -> None:
    names = ["logs/app.log", "app.log", "a.md"]
    text = "logs/app.log is 12 bytes; app.log. x/app.log, a.md.bak and a.md (3 bytes)"
    got = names_in(text, names)
    assert got == [(m.start(), m.end(), m.group(0)) for m in names_pattern(names).finditer(text)]
    assert [name for _, _, name in got] == ["logs/app.log", "app.log", "a.md"]


@settings(max_examples=400, deadline=None)
@given(text=BOUNDARY, names=st.lists(NAME, min_size=1, max_size=4, unique=True))
def test_names_in_equals_the_pattern(text: str, names: list[str]) -> None:
    names = sorted(names, key=len, reverse=True)
    expected = [(m.start(), m.end(), m.group(0)) for m in names_pattern(names).finditer(text)]
    assert names_in(text, names) == expected


@settings(max_examples=400, deadline=None)
@given(text=BOUNDARY, path=st.text(alphabet="ab./-", max_size=4))
def test_named_equals_the_pattern(text: str, path: str) -> None:
    pattern = rf"(?<![\w/.-]){re.escape(path)}(?![\w/-])"
    assert named(path, text) == bool(re.search(pattern, text))


FIGURES = st.text(alphabet="0123456789-./ ,\u00a0bytesBocx", max_size=24)


@settings(max_examples=400, deadline=None)
@given(text=FIGURES)
def test_states_figure_equals_both_searches(text: str) -> None:
    expected = bool(attribution._DATE.search(text) or attribution._SIZE.search(text))
    assert attribution._states_figure(text) == expected


def test_states_figure_cases() -> None:
    assert attribution._states_figure("modified on 2024-10-24")
    assert attribution._states_figure("am 24.10.2024 geändert")
    assert attribution._states_figure("it is 1,234 bytes")
    assert attribution._states_figure("109 octets")
    assert not attribution._states_figure("version 1.2 of 3 files, 12-3")


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab /_`'\"{}()x.\n", max_size=30))
def test_unquoted_equals_the_full_pattern(text: str) -> None:
    assert intent_words.unquoted(text) == intent_words._QUOTED.sub(" ", text)


SPAN_VALUES = st.one_of(st.integers(-2, 4), st.booleans(), st.floats(0, 3), st.none())
SPANS = st.lists(
    st.one_of(
        st.fixed_dictionaries({"chars": st.lists(SPAN_VALUES, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"chars": st.tuples(st.integers(0, 3), st.integers(0, 3))}),
        st.just({}),
        st.none(),
        st.integers(),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(spans=SPANS)
def test_span_ranges_equal_span_chars(spans: list[object]) -> None:
    """spanf1's inlined span reading counts what `span_chars` reads."""
    expected: dict[tuple[int, int], int] = {}
    for span in spans:
        chars = span_chars(span)
        if chars is not None:
            expected[chars] = expected.get(chars, 0) + 1
    assert spanf1._ranges(spans) == expected
