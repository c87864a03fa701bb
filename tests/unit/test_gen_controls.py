"""Controls answer correctly without tools; locale formats follow the locale."""

from __future__ import annotations

import random
import re

import pytest

from pipeline.gen.context import locale_date, locale_number
from pipeline.gen.controls import ambiguity, control
from pipeline.gen.prompts import detail


@pytest.mark.parametrize("lang", ["en", "es", "de", "fr"])
def test_control_answers_are_computed_right(lang: str) -> None:
    rng = random.Random(f"controls-{lang}")
    seen = set()
    for _ in range(200):
        question, answer = control(rng, rng.choice(("no_tool", "retry")), lang)
        numbers = [int(n) for n in re.findall(r"\d+", question)]
        if "KiB" in question or "Kio" in question:
            seen.add("kib")
            assert str(numbers[0] * 1024) in answer
        elif len(numbers) == 2 and ("workers" in question or "Worker" in question):
            seen.add("split")
            total, workers = numbers
            assert f"{total // workers}" in answer and f"{total % workers}" in answer
        elif len(numbers) == 2:
            seen.add("time")
            assert str(numbers[0] * 3600 + numbers[1] * 60) in answer
        else:
            seen.add("glob")
            assert "/**/*." in answer
    assert seen == {"kib", "split", "time", "glob"}


def test_declines_and_retries() -> None:
    rng = random.Random(3)
    for lang in ("en", "es", "de", "fr"):
        question, answer = control(rng, "decline", lang)
        assert question != answer and "{" not in answer
        retry_q, retry_a = control(rng, "retry", lang)
        assert retry_q != retry_a


def test_ambiguity_names_both_candidates_and_asks() -> None:
    rng = random.Random(9)
    for scenario in ("file_ops", "web_search", "code_exec"):
        for lang in ("en", "es", "de", "fr"):
            question, answer = ambiguity(rng, scenario, lang)
            assert "?" in answer
            candidates = re.findall(r"https://\S+?(?=[ ,?.])|[\w/]+\.\w{2,4}", answer)
            assert len(candidates) >= 2 and all(c in question for c in candidates[:2])


def test_locale_formats() -> None:
    assert locale_number(1234.56, "de") == "1.234,56"
    assert locale_number(1234.56, "es") == "1.234,56"
    assert locale_number(1234.56, "fr") == "1\u202f234,56"
    assert locale_date("2024-12-31", "de") == "31.12.2024"
    assert locale_date("2024-12-31", "fr") == "31/12/2024"
    assert locale_date("2024-12-31", "en") == "2024-12-31"


def test_request_details_state_the_arguments() -> None:
    assert (
        detail("fs.read", {"path": "a", "range": {"start": 3, "end": 9}}, "en")
        == " (only lines 3-9)"
    )
    assert detail("web.search", {"q": "x", "lang": "de"}, "fr") == " avec des résultats en allemand"
    assert detail(
        "fs.search", {"pattern": "p", "options": {"case_sensitive": True, "context_lines": 2}}, "en"
    ) == (" case-sensitively with 2 lines of context")
    assert (
        detail("web.open", {"url": "u", "window": {"offset": 5, "length": 10}}, "es")
        == " (líneas 5 a 15)"
    )
    assert detail("code.run", {"language": "python", "code": "x", "args": ["1", "2"]}, "de") == (
        " mit den Argumenten 1 und 2"
    )
