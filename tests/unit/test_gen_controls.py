"""Controls answer correctly without tools; the language helpers agree and contract."""

from __future__ import annotations

import random
import re

import pytest

from pipeline.gen.controls import (
    DECLINES_BY_SCENARIO,
    HTTP_MEANINGS,
    NO_TOOL_BY_SCENARIO,
    ambiguity,
    control,
)
from pipeline.gen.details import detail
from pipeline.gen.item import iter_items
from pipeline.gen.lang import count, grammar, join_list, locale_date, locale_figure, locale_number
from pipeline.params import GenerateParams, Params


@pytest.mark.parametrize("lang", ["en", "es", "de", "fr"])
def test_control_answers_are_computed_right(lang: str) -> None:
    rng = random.Random(f"controls-{lang}")
    seen = set()
    for _ in range(200):
        question, answer, _ = control(rng, rng.choice(("no_tool", "retry")), lang)
        numbers = [int(n) for n in re.findall(r"\d+", question)]
        if "HTTP" in question:
            seen.add("http")
            code = int(re.findall(r"HTTP (\d+)", question)[0])
            assert code in HTTP_MEANINGS and HTTP_MEANINGS[code][lang] in answer
        elif "KiB" in question or "Kio" in question:
            seen.add("kib")
            assert str(numbers[0] * 1024) in answer
        elif len(numbers) == 2 and ("workers" in question or "Worker" in question):
            seen.add("split")
            total, workers = numbers
            rest = total % workers
            assert f"{total // workers}" in answer
            # The remainder agrees with its number: "none left over", "1 left over".
            assert str(rest) in answer if rest else not re.search(r"\b0\b", answer)
        elif len(numbers) == 2:
            seen.add("time")
            assert str(numbers[0] * 3600 + numbers[1] * 60) in answer
        else:
            seen.add("glob")
            assert "/**/*." in answer
    assert seen == {"kib", "split", "time", "glob", "http"}


def test_declines_and_retries() -> None:
    rng = random.Random(3)
    for lang in ("en", "es", "de", "fr"):
        question, answer, _ = control(rng, "decline", lang)
        assert question != answer and "{" not in answer
        retry_q, retry_a, _ = control(rng, "retry", lang)
        assert retry_q != retry_a


def test_a_decline_fits_the_tools_its_scenario_offers() -> None:
    # A request for a home address is a web question, never a file_ops one.
    rng = random.Random(5)
    for _ in range(50):
        question, _, _ = control(rng, "decline", "en", "web_search")
        assert "home address" in question
        question, _, _ = control(rng, "decline", "en", "file_ops")
        assert "home address" not in question
    assert set(DECLINES_BY_SCENARIO["multi_step"]) >= set(DECLINES_BY_SCENARIO["file_ops"])


def test_a_no_tool_question_fits_the_tools_its_scenario_offers() -> None:
    # A reader found a KiB conversion labelled web_search: the question should be
    # one a user of those tools would ask, answered without them.
    rng = random.Random(7)
    for _ in range(50):
        question, answer, _ = control(rng, "no_tool", "en", "web_search")
        assert "HTTP" in question and "HTTP" in answer
        question, _, _ = control(rng, "no_tool", "en", "file_ops")
        assert "KiB" in question or "glob" in question
    every = {f for families in NO_TOOL_BY_SCENARIO.values() for f in families}
    assert set(NO_TOOL_BY_SCENARIO["multi_step"]) == every


def test_ambiguity_names_both_candidates_and_asks() -> None:
    rng = random.Random(9)
    for scenario in ("file_ops", "web_search", "code_exec"):
        for lang in ("en", "es", "de", "fr"):
            question, answer, _ = ambiguity(rng, scenario, lang)
            assert "?" in answer
            candidates = re.findall(r"https://\S+?(?=[ ,?.])|[\w/]+\.\w{2,4}", answer)
            assert len(candidates) >= 2 and all(c in question for c in candidates[:2])


def test_locale_formats() -> None:
    assert locale_number(1234.56, "de") == "1.234,56"
    assert locale_number(12345.5, "es") == "12.345,5"
    # Spanish leaves four-digit numbers ungrouped (CLDR minimum grouping).
    assert locale_number(3437, "es") == "3437"
    assert locale_number(1234.56, "fr") == "1\u202f234,56"
    assert locale_figure("211.20", "de") == "211,20"  # every digit of a stated value kept
    assert locale_figure("42660", "fr") == "42\u202f660"
    assert locale_date("2024-12-31", "de") == "31.12.2024"
    assert locale_date("2024-12-31", "fr") == "31/12/2024"
    assert locale_date("2024-12-31", "en") == "2024-12-31"


@pytest.mark.parametrize(
    ("n", "noun", "lang", "expected"),
    [
        (1, "match", "en", None),
        (1, "file", "en", "1 file"),
        (2, "file", "en", "2 files"),
        (0, "file", "fr", "0 fichier"),
        (1, "line", "fr", "1 ligne"),
        (2, "line", "fr", "2 lignes"),
        (1, "entry", "de", "1 Eintrag"),
        (3, "entry", "de", "3 Einträge"),
        (1, "point", "en", "1 percentage point"),
        (5, "point", "es", "5 puntos"),
    ],
)
def test_counted_nouns_agree_with_their_number(
    n: int, noun: str, lang: str, expected: str | None
) -> None:
    if expected is None:
        with pytest.raises(KeyError):
            count(n, noun, lang)
        return
    assert count(n, noun, lang) == expected


def test_german_dative_plural_after_mit() -> None:
    assert count(3, "section", "de", dative=True) == "3 Abschnitten"
    assert count(3, "entry", "de", dative=True) == "3 Einträgen"
    assert count(3, "file", "de", dative=True) == "3 Dateien"  # already ends in -n
    assert count(1, "section", "de", dative=True) == "1 Abschnitt"


def test_contractions_and_elisions() -> None:
    assert grammar("indique que avec le cache", "fr") == "indique qu'avec le cache"
    assert (
        grammar("parlent de le pooling et de les réplicas", "fr")
        == "parlent du pooling et des réplicas"
    )
    assert (
        grammar("la latencia de el servicio a el final", "es")
        == "la latencia del servicio al final"
    )
    assert grammar("de el", "en") == "de el"  # only the language's own rules


def test_spanish_conjunctions_before_their_vowel_sound() -> None:
    assert join_list(["a", "b", "índices"], "es") == "a, b e índices"
    assert join_list(["a", "hielo"], "es") == "a y hielo"  # "hie" is a /je/ sound
    assert join_list(["a", "ocho"], "es", {"es": "o"}) == "a u ocho"


def test_request_details_state_the_arguments() -> None:
    assert (
        detail("fs.read", {"path": "a", "range": {"start": 3, "end": 9}}, "en")
        == " (only lines 3-9)"
    )
    assert detail("web.search", {"q": "x", "lang": "de"}, "fr") == " (résultats en allemand)"
    assert (
        detail(
            "fs.search",
            {"pattern": "p", "options": {"case_sensitive": True, "context_lines": 2}},
            "en",
        )
        == " (case-sensitive, with 2 lines of context)"
    )
    assert (
        detail("web.open", {"url": "u", "window": {"offset": 5, "length": 10}}, "es")
        == " (solo 10 líneas, saltando las 5 primeras líneas)"
    )
    assert detail("web.open", {"url": "u", "window": {"offset": 1, "length": 1}}, "de") == (
        " (nur 1 Zeile, die erste Zeile übersprungen)"
    )
    assert detail("code.run", {"language": "python", "code": "x", "args": ["1", "2"]}, "de") == (
        " (mit den Argumenten 1 und 2)"
    )


def test_several_options_read_as_one_parenthesis() -> None:
    args = {"q": "x", "filters": {"site": "example.org", "recency_days": 30}, "top_k": 4}
    assert (
        detail("web.search", args, "en")
        == " (only example.org, from the last 30 days; the top 4 results)"
    )
    assert " ; " in detail("web.search", args, "fr")  # French spaces its semicolon
    assert (
        detail("web.search", {"q": "x", "filters": {"site": "example.org"}}, "en")
        == " (only example.org)"
    )


def test_values_a_later_call_takes_from_a_result_are_not_stated() -> None:
    args = {"language": "python", "code": "x", "stdin": "71,6,30"}
    assert "71" not in detail("code.run", args, "en", frozenset({"stdin"}))
    assert detail("code.run", args, "en", frozenset({"stdin"})) == " (feeding the values on stdin)"


def test_one_section_is_named_in_the_singular() -> None:
    assert (
        detail("web.open", {"url": "u", "sections": ["Caveats"]}, "en")
        == " (only the Caveats section)"
    )
    assert (
        detail("web.open", {"url": "u", "sections": ["A", "B"]}, "de")
        == " (nur in den Abschnitten A und B)"
    )


FAMILY_PREFIX = {"file_ops": "fs", "web_search": "web", "code_exec": "code"}


def test_no_item_without_calls_is_labelled_a_chain() -> None:
    """Readers counted "multi_step" on a control that makes no call as a label mismatch
    (4 of 100 items in one round): it is labelled, and offered the tools of, the family
    its question is about."""
    params = Params(generate=GenerateParams(total=1000))
    items = list(iter_items(params, range(1000)))
    quiet = [i for i in items if not i["metadata"]["call_sequence"]]
    assert len(quiet) > 100
    for item in quiet:
        scenario = item["metadata"]["scenario"]
        assert scenario != "multi_step", item["id"]
        offered = {t["function"]["name"].split(".")[0] for t in item["tools"]}
        assert offered == {FAMILY_PREFIX[scenario]}, (item["id"], offered)
    http = [i for i in quiet if "HTTP" in i["prompt"]]
    assert http and all(i["metadata"]["scenario"] == "web_search" for i in http)
