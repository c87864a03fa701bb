"""Result values an answer states in other words: booleans by their key, CJK names
of two characters, ISO datetimes as dates. Each is checked on both sides, the
extractor's `Grounder` (which picks integration sentences) and verify's
`grounded_keys` (which judges them), and each with the answer that states
something else, which must stay ungrounded."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.gates.grounding import grounded_keys, result_needles
from pipeline.groundforms import date_spellings, flag_phrase, text_width
from pipeline.targets.grounding import Grounder


def both(result: dict[str, Any], sentence: str) -> tuple[bool, bool]:
    """(extract grounds the sentence, verify grounds it)."""
    return bool(Grounder([result]).fields(sentence)), bool(
        grounded_keys(sentence, result_needles([result]))
    )


# --- booleans ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "sentence"),
    [
        ({"confirmed": True}, "Your booking is confirmed."),
        ({"booking": {"confirmed": True, "table": "T4"}}, "Booking confirmed!"),
        ({"is_available": True}, "The room is available on those dates."),
        ({"in_stock": False}, "It is not in stock right now."),
        ({"inStock": False}, "Sadly it isn't in stock."),
        ({"refundable": False}, "The fare is no longer refundable."),
        ({"values": {"debug": False}}, "debug is false in app.yaml."),
        ({"values": {"debug": "false"}}, "debug is false in app.yaml."),  # a setting as text
        ({"wifi": False}, "Wifi is not included."),
        ({"confirmed": True}, "Your booking is confirmed, no deposit needed."),
        ({"verfuegbar": True, "available": True}, "Das Zimmer ist available."),
    ],
)
def test_a_boolean_grounds_by_its_keys_words_in_its_polarity(
    result: dict[str, Any], sentence: str
) -> None:
    assert both(result, sentence) == (True, True)


@pytest.mark.parametrize(
    ("result", "sentence"),
    [
        # The answer says something else: a defect grounding must still catch.
        ({"confirmed": True}, "Sorry, your booking is not confirmed yet."),
        ({"confirmed": True}, "Your table could not be booked."),
        ({"confirmed": True}, "The restaurant isn't confirmed."),
        ({"in_stock": False}, "Good news: it is in stock."),
        ({"values": {"debug": True}}, "debug is false in app.yaml."),
        ({"wifi": True}, "Wifi isn't included."),
        ({"confirmed": True}, "Your booking is unconfirmed."),  # not the key's word
        # Too short to mean anything, or nothing to say: no needle at all.
        ({"ok": True}, "All ok."),
        ({"isOK": True}, "It is ok."),
        ({"value": None}, "There is no value."),
        # A German answer to an English key: not read (documented).
        ({"confirmed": True}, "Ihre Buchung ist bestätigt."),
    ],
)
def test_a_boolean_stated_otherwise_stays_ungrounded(result: dict[str, Any], sentence: str) -> None:
    assert both(result, sentence) == (False, False)


def test_key_words_drop_a_question_verb_and_split_camel_case() -> None:
    assert flag_phrase("is_available") == "available"
    assert flag_phrase("hasFreeWifi") == "free wifi"
    assert flag_phrase("in_stock") == "in stock"
    assert flag_phrase("is") is None  # two letters
    assert flag_phrase("ok") is None


def test_an_ok_false_result_still_grounds_nothing() -> None:
    result = {"ok": False, "confirmed": True}
    assert grounded_keys("It is confirmed.", result_needles([result])) == []


# --- CJK names of two characters ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("東京", "日本の首都は東京です。"),  # Han
        ("北京", "首都是北京。"),
        ("カナ", "答えはカナです。"),  # kana
        ("서울", "한국의 수도는 서울입니다."),  # Hangul, a particle glued on
        ("서울", "수도는 서울."),
    ],
)
def test_two_wide_characters_ground(name: str, sentence: str) -> None:
    assert text_width(name) == 4
    assert both({"city": name}, sentence) == (True, True)


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("京", "京都は古都です。"),  # one Han character: width 2
        ("東京", "日本の首都は大阪です。"),  # another city
        ("서울", "수도는 부산입니다."),
        ("ab", "ab ab ab"),  # two Latin letters still too short
        ("Ab", "The code is Ab."),
    ],
)
def test_one_wide_character_or_two_latin_letters_do_not(name: str, sentence: str) -> None:
    assert both({"city": name}, sentence) == (False, False)


def test_width_counts_full_width_forms_and_ascii_plainly() -> None:
    assert text_width("ab") == 2
    assert text_width("ＡＢ") == 4
    assert text_width("é") == 1


# --- ISO datetimes and dates restated ------------------------------------------------

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
