"""Result values an answer states in other words: ISO dates and datetimes with the
month's name. Each is checked on both sides, the extractor's `Grounder` (which picks
integration sentences) and verify's `grounded_keys` (which judges them), and each
with the answer that states something else, which must stay ungrounded; and the
readings tried and dropped (booleans by their key's words, two wide characters),
whose wrong answers must stay ungrounded."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates.grounding import grounded_keys, result_needles
from pipeline.groundforms import date_spellings
from pipeline.targets.grounding import Grounder


def both(result: dict[str, Any], sentence: str) -> tuple[bool, bool]:
    """(extract grounds the sentence, verify grounds it)."""
    return bool(Grounder([result]).fields(sentence)), bool(
        grounded_keys(sentence, result_needles([result]))
    )


# --- readings tried and dropped (a review found them grounding wrong answers) --------


@pytest.mark.parametrize(
    ("result", "sentence"),
    [
        ({"confirmed": False}, "Your booking is confirmed with no extra fees."),
        ({"confirmed": False}, "No doubt: it's confirmed."),
        ({"refundable": True}, "This fare is non-refundable."),
        ({"ssl": {"enabled": False}, "cache": {"enabled": True}}, "SSL is enabled."),
        ({"has_more": True}, "Let me know if you need more help."),
        ({"debug": "false"}, "Debug is not enabled."),
    ],
)
def test_a_boolean_is_not_read_from_its_keys_words(result: dict[str, Any], sentence: str) -> None:
    """A reading of polarity grounds these; each states something the result does not
    say (or says nothing of it), so none may ground: a verifier that grounds a wrong
    answer hides the defect."""
    assert both(result, sentence) == (False, False)


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        ("成功", "操作不成功。"),
        ("가능", "예약이 불가능합니다."),
        ("あり", "ご利用ありがとうございます。"),
    ],
)
def test_two_wide_characters_do_not_ground_inside_other_words(value: str, sentence: str) -> None:
    """Han, kana and Hangul have no word edge: a two-character value would match
    inside its own negation or an unrelated word."""
    assert both({"status": value}, sentence) == (False, False)


# --- ISO datetimes and dates with the month's name ----------------------------------


STAMP = {"starts": "2024-05-01T14:30:00Z"}


@pytest.mark.parametrize(
    "sentence",
    [
        "It starts May 1, 2024 at 14:30.",
        "It starts on 2024-05-01 14:30.",
        "It starts on 1 May 2024.",
        "It starts on May 1st, 2024.",
        "It starts 2024-05-01T14:30:00Z.",
        "Empieza el 1 de mayo de 2024 a las 14:30.",
        "Es beginnt am 1. Mai 2024 um 14:30 Uhr.",
        "Es beginnt am 01.05.2024.",
        "Il commence le 1er mai 2024 à 14h30.",
        "Il commence le 1 mai 2024.",
    ],
)
def test_an_iso_datetime_grounds_by_its_date_in_common_forms(sentence: str) -> None:
    assert both(STAMP, sentence) == (True, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "It starts May 2, 2024 at 14:30.",  # a wrong day
        "It starts on 11 May 2024.",
        "It starts May 11, 2024.",
        "It starts on 2024-05-02 14:30.",
        "It starts on 1 June 2024.",  # a wrong month
        "It starts on May 1, 2025.",  # a wrong year
        "It starts at 14:30.",  # the time alone: no date stated
        "Es beginnt am 11. Mai 2024.",
    ],
)
def test_a_wrong_date_stays_ungrounded(sentence: str) -> None:
    assert both(STAMP, sentence) == (False, False)


def test_a_plain_iso_date_gains_the_named_spellings_too() -> None:
    assert both({"due": "2024-12-31"}, "Due on December 31, 2024.") == (True, True)
    assert both({"due": "2024-12-31"}, "Fällig am 31. Dezember 2024.") == (True, True)
    assert both({"due": "2024-12-31"}, "Due on December 30, 2024.") == (False, False)


def test_a_day_no_calendar_has_keeps_its_numeric_spellings_only() -> None:
    assert date_spellings("2024", "02", "30") == (
        "2024-02-30",
        "30.02.2024",
        "30/02/2024",
        "02/30/2024",
    )
    assert "may 1, 2024" in date_spellings("2024", "05", "01")
