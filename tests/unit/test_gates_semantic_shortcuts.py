"""The semantic gates' shortcuts give the verdicts of the plain definitions.

Each shortcut skips work that cannot change a verdict (an argument's numbers
when the request states too few, a pattern told the letters its matches
start with): property-tested against the definition written out plainly here.
"""

from __future__ import annotations

import re
import re._constants as sre  # what the parser's nodes are, to read a pattern's first letters
import re._parser as sre_parse
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gates import intent_words, leaks
from pipeline.gates.session import Session, Turn, session_of


def _plain_leak(session: Session) -> str | None:
    """prompt_leak as its docstring defines it, every argument of every call read."""
    request = session.request
    stated = leaks._numbers(request)
    turns = session.turns
    given_args = [orjson.dumps(t.arguments).decode("utf-8") for t in turns]
    for j, turn in enumerate(turns):
        for value in leaks._arguments(turn.arguments):
            if not isinstance(value, str | list):
                continue
            text = value if isinstance(value, str) else orjson.dumps(value).decode("utf-8")
            numbers = {n for n in leaks._numbers(text) if abs(n) >= 10}
            may_carry = len(numbers) >= 2 and numbers <= stated
            may_quote = isinstance(value, str) and value in request
            for k in range(j):
                if text in " ".join(given_args[: k + 1]):
                    continue
                data: tuple[set[Decimal], set[str]] = (
                    leaks._data(turns[k].response) if not turns[k].failed else (set(), set())
                )
                if (may_carry and numbers <= data[0]) or (may_quote and value in data[1]):
                    return (
                        f"call {j} ({turn.name}) is given {text[:60]!r}, which the request "
                        f"already states and only response {k} ({turns[k].name}) holds"
                    )
    return None


_NUMBERS = st.sampled_from(["7", "12", "48", "1024", "3.5", "250", "-17", "12.0"])
_WORDS = st.sampled_from(["port", "alpha beta", "timeout", "x", "total 12 48"])
_TEXT = st.lists(st.one_of(_NUMBERS, _WORDS), max_size=5).map(" ".join)
_VALUE = st.one_of(_TEXT, st.lists(st.one_of(st.integers(-50, 2000), _TEXT), max_size=4))
_RESPONSE = st.one_of(
    st.fixed_dictionaries(
        {"ok": st.booleans(), "stdout": _TEXT, "content": _TEXT},
        optional={"values": st.dictionaries(_WORDS, st.integers(-50, 2000), max_size=3)},
    ),
    _TEXT,
)
_TURN = st.builds(
    Turn,
    st.sampled_from(["fs.read", "code.run", "web.open"]),
    st.dictionaries(st.sampled_from(["code", "stdin", "values", "path"]), _VALUE, max_size=3),
    _RESPONSE,
)


@settings(max_examples=300, deadline=None)
@given(request=_TEXT, turns=st.lists(_TURN, max_size=4))
def test_prompt_leak_reads_what_the_definition_reads(request: str, turns: list[Turn]) -> None:
    session = Session(request, turns, "answer")
    assert leaks.leak_problem(session) == _plain_leak(session)


def test_a_leak_through_a_request_with_two_numbers_is_still_caught() -> None:
    turns = [
        Turn("fs.read", {"path": "a.yaml"}, {"ok": True, "content": "min: 120\nmax: 480"}),
        Turn("code.run", {"code": "print(120 + 480)"}, {"ok": True, "stdout": "600"}),
    ]
    found = leaks.leak_problem(Session("Add 120 and 480 from a.yaml", turns, "600"))
    assert found is not None and found.startswith("call 1 (code.run)")
    assert leaks.leak_problem(Session("Add the two limits in a.yaml", turns, "600")) is None


def test_a_turns_failure_is_read_from_its_response_once_it_is_set() -> None:
    item = {
        "messages": [
            {"role": "user", "content": "read a"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"function": {"name": "fs.read", "arguments": '{"path": "a"}'}},
                    {"function": {"name": "code.run", "arguments": '{"code": "1"}'}},
                ],
            },
            {"role": "tool", "content": '{"ok": false, "error": "FileNotFoundError"}'},
            {"role": "tool", "content": '{"ok": true, "exit_code": 0, "stdout": "1"}'},
            {"role": "assistant", "content": "a is missing"},
        ]
    }
    turns = session_of(item).turns
    assert [t.failed for t in turns] == [True, False]
    assert [Turn(t.name, t.arguments, t.response).failed for t in turns] == [True, False]


_LED = {**intent_words.DETECT, "selects": intent_words.SELECTS, "relation": intent_words.RELATION}
_LED["partial"] = intent_words.PARTIAL
_LED["summary"] = intent_words.SUMMARY
_LED["describe"] = intent_words.DESCRIBE
_LED["links"] = intent_words.LINKS


def _parts(led: re.Pattern[str]) -> tuple[str, str]:
    """(the letters, the pattern they lead) of a pattern built by `_led`."""
    found = re.fullmatch(r"\(\?=\[(.*?)\]\)\(\?:(.*)\)", led.pattern, re.DOTALL)
    assert found is not None
    return found.group(1), found.group(2)


def _first(seq: Any) -> set[str]:
    """The first characters a parsed pattern can match (past word boundaries)."""
    for op, arg in seq:
        if op is sre.AT:
            continue
        if op is sre.SUBPATTERN:
            return _first(arg[3])
        if op is sre.BRANCH:
            return set().union(*(_first(branch) for branch in arg[1]))
        if op is sre.LITERAL:
            return {chr(arg)}
        if op is sre.MAX_REPEAT and arg[0] >= 1 and arg[2][0][0] is sre.IN:
            (category,) = [a for o, a in arg[2][0][1] if o is sre.CATEGORY]
            assert category is sre.CATEGORY_DIGIT
            return {r"\d"}
        raise AssertionError(f"an alternative opens with {op}: give it its letters")
    raise AssertionError("an alternative can match nothing")


@pytest.mark.parametrize("name", sorted(_LED))
def test_the_leading_letters_are_the_alternatives_first_letters(name: str) -> None:
    letters, pattern = _parts(_LED[name])
    opens = _first(sre_parse.parse(pattern, re.IGNORECASE))
    given = set(re.findall(r"\\d|.", letters))
    assert given == opens


_FRAGMENTS = st.sampled_from(
    [w for p in _LED.values() for w in re.findall(r"[^\W\d_]+|'", _parts(p)[1])]
    + ["3", "12", " ", ".", "?", ",", "/", "Ä", "ſ", "İ", "K", "É"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=12).map(" ".join), st.sampled_from(sorted(_LED)))
def test_a_led_pattern_finds_what_its_pattern_finds(text: str, name: str) -> None:
    plain = re.compile(_parts(_LED[name])[1], re.IGNORECASE)
    led = _LED[name].search(text)
    alone = plain.search(text)
    assert (led and led.span()) == (alone and alone.span())
    for mixed in (text.upper(), text.title()):
        led, alone = _LED[name].search(mixed), plain.search(mixed)
        assert (led and led.span()) == (alone and alone.span())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["sum", "src.yml", "a.b", "`x`", "```\ncode\n```", "{a}", "(", ")", "é"])
        | st.text(max_size=6),
        max_size=8,
    ).map(" ".join)
)
def test_a_request_without_a_path_character_loses_the_same_quotes(text: str) -> None:
    plain = text.replace("/", "").replace("_", "")
    assert intent_words._QUOTED_WITHOUT_PATHS.sub(" ", plain) == intent_words.unquoted(plain)
    assert intent_words.detect(text) == {
        kind for kind, p in intent_words.DETECT.items() if p.search(intent_words.unquoted(text))
    }


def test_remembered_intents_are_the_detected_ones_and_a_new_set_each_time() -> None:
    """`detect` keeps the most recent requests' answers (sets with repeated prompts):
    the same answer as detecting again, in a set the caller may change."""
    requests = [
        "Compare the sums of a.csv and b.csv.",
        "How many files under src/ mention TODO?",
        "List the top 3 results for rust async, then compute their total.",
        "¿Cuántos archivos hay en docs/?",
        "Read notes.md",
    ]
    for request in requests * 3:
        first = intent_words.detect(request)
        assert first == set(intent_words._detect.__wrapped__(request))
        first.add("changed by the caller")
        assert "changed by the caller" not in intent_words.detect(request)
    assert intent_words._detect.cache_info().maxsize == intent_words.MEMO_TEXTS
