"""A long string value grounds an answer that quotes one of its sentences whole
(`pipeline.groundforms.quote_cores` and `quoted`). Each case is checked on both sides,
the extractor's `Grounder` and verify's `grounded_keys`, which must agree. The faithful
quotes ground; the wrong answers, each one edit away from a faithful quote (a fragment,
a dropped negation, a changed or extended number, a word added or glued on), stay
ungrounded: a whole sentence carries its negations and numbers, a fragment need not."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.gates.grounding import STRICT_KEYS, grounded_keys, result_needles, stated
from pipeline.gates.integration import item_f1
from pipeline.groundforms import QUOTE_MIN_VALUE, quote_cores
from pipeline.targets.grounding import Grounder


def both(result: dict[str, Any], sentence: str) -> tuple[bool, bool]:
    """(extract grounds the sentence, verify grounds it)."""
    return bool(Grounder([result]).fields(sentence)), bool(
        grounded_keys(sentence, result_needles([result]))
    )


MUSEUM = {
    "description": "The museum opened in 1998 on the old harbour front. The east wing was "
    "not damaged by the fire of 2021. Guided tours run every day at 10.30 and 14.00 for "
    "groups of 12 people."
}


# The same page with no sentence that could take another back.
PLAIN = {
    "description": "The museum opened in 1998 on the old harbour front. The east wing was "
    "rebuilt after the fire of 2021. Guided tours run every day at 10.30 and 14.00 for "
    "groups of 12 people."
}


def test_a_long_value_is_cut_into_its_sentences() -> None:
    assert quote_cores(PLAIN["description"]) == (
        "the museum opened in 1998 on the old harbour front",
        "the east wing was rebuilt after the fire of 2021",
        "guided tours run every day at 10.30 and 14.00 for groups of 12 people",
    )
    # A sentence with a negation may take the others back: only it is quoted.
    assert quote_cores(MUSEUM["description"]) == (
        "the east wing was not damaged by the fire of 2021",
    )


# --- faithful quotes ground, on both sides ------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The east wing was not damaged by the fire of 2021.",
        'The page says: "The east wing was not damaged by the fire of 2021".',
        "According to the page, the east wing was not damaged by the fire of 2021!",
        "THE EAST WING  WAS NOT DAMAGED\nBY THE FIRE OF 2021.",  # case and spacing
        "The museum opened in 1998 on the old harbour front, the page says.",
        "- Guided tours run every day at 10.30 and 14.00 for groups of 12 people.",
        "La página dice: «The museum opened in 1998 on the old harbour front».",
    ],
)
def test_a_whole_sentence_quoted_grounds(sentence: str) -> None:
    value = MUSEUM if "not damaged" in sentence.casefold() else PLAIN
    assert both(value, sentence) == (True, True)


OPEN_HOURS = "展望台は毎日午前九時から午後十一時まで営業しています。"


def test_a_sentence_of_an_unspaced_script_grounds_from_fifteen_letters() -> None:
    tower = {"desc": "東京タワーは一九五八年に完成した電波塔です。" + OPEN_HOURS}
    assert len(tower["desc"]) < QUOTE_MIN_VALUE  # long enough for a script without spaces
    assert both(tower, "資料によると、" + OPEN_HOURS) == (True, True)
    assert both(tower, "展望台は毎日午前九時から営業しています。") == (False, False)  # a fragment
    assert both(tower, "展望台は毎日午前十時から午後十一時まで営業しています。") == (False, False)
    assert both(tower, "展望台は毎日午前九時から午後十一時まで営業していません。") == (False, False)


# --- wrong answers stay ungrounded, on both sides -----------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # fragments: the words left out may be the ones that matter
        "The east wing was not damaged.",
        "It was damaged by the fire of 2021.",
        "Guided tours run every day at 10.30.",
        # the negation dropped, or added
        "The east wing was damaged by the fire of 2021.",
        "The museum never opened in 1998 on the old harbour front.",
        # a changed number, or a number extended on either side
        "The east wing was not damaged by the fire of 2022.",
        "The east wing was not damaged by the fire of 2021.5.",
        "The east wing was not damaged by the fire of 2021% of the time.",
        "Guided tours run every day at 10.30 and 14.00 for groups of 12.5 people.",
        "Guided tours run every day at 10.30 and 14.00 for groups of 120 people.",
        # a word added after the sentence restricts or reverses it
        "The east wing was not damaged by the fire of 2021 alone.",
        "The east wing was not damaged by the fire of 2021 onwards",
        "The museum opened in 1998 on the old harbour front-line.",
        # a word glued on before it
        "Inthe museum opened in 1998 on the old harbour front.",
        "Sub-the museum opened in 1998 on the old harbour front.",
    ],
)
def test_an_edited_quote_stays_ungrounded(sentence: str) -> None:
    assert both(MUSEUM, sentence) == (False, False)


def test_a_sign_or_decimal_glued_to_a_leading_number_stays_ungrounded() -> None:
    rooms = {
        "note": "5 rooms were not cleaned before the guests arrived on Friday. Please ask "
        "the front desk for any change to your booking."
    }
    assert both(rooms, "5 rooms were not cleaned before the guests arrived on Friday.") == (
        True,
        True,
    )
    for wrong in ("15", "-5", "2.5", "1,5"):
        sentence = f"{wrong} rooms were not cleaned before the guests arrived on Friday."
        assert both(rooms, sentence) == (False, False), wrong


def test_a_hyphen_or_apostrophe_joins_the_edge_word_to_a_longer_one() -> None:
    faithful = "Refundable tickets can be changed free of charge up to 24 hours before departure."
    fares = {"policy": faithful + " Seats are assigned at check-in for every passenger."}
    assert both(fares, faithful) == (True, True)
    assert both(fares, "Non-" + faithful.lower()) == (False, False)  # the negation glued on
    assert both(fares, faithful[:-1] + "-time.") == (False, False)
    assert both(fares, faithful[:-1] + "'s end.") == (False, False)


def test_a_value_too_short_to_split_grounds_only_whole() -> None:
    short = {"status": "The east wing was not damaged by the fire. It reopened in May."}
    assert len(short["status"]) < QUOTE_MIN_VALUE
    assert quote_cores(short["status"]) == ()
    assert both(short, "The east wing was not damaged by the fire.") == (False, False)
    assert both(short, "The east wing was not damaged by the fire. It reopened in May.") == (
        True,
        True,
    )


@pytest.mark.parametrize(
    "value",
    [
        # a stock phrase: under 30 characters and 5 words
        "No results found. The search index covers pages published in the last 30 days only.",
        # an unfinished thought, and a heading or a cut value (no end mark)
        "The refund was not approved because... Contact the billing team for the full answer",
    ],
)
def test_a_stock_phrase_an_ellipsis_or_a_piece_without_an_end_mark_is_no_sentence(
    value: str,
) -> None:
    result = {"text": value}
    assert both(result, "No results found.") == (False, False)
    assert both(result, "The refund was not approved because.") == (False, False)
    assert both(result, "Contact the billing team for the full answer.") == (False, False)


def test_an_unknown_abbreviation_does_not_cut_a_sentence_into_a_fragment() -> None:
    """`split_sentences` cuts after "Jan." (not an abbreviation it knows); the piece after
    it starts in lowercase, so the two are joined again. Cut, "are not refunded ..."
    would ground an answer that changed the date the condition holds for."""
    terms = {
        "terms": "Tickets bought before Jan. are not refunded by the organiser under any "
        "circumstances. Contact the box office for exchanges."
    }
    assert both(
        terms,
        "Tickets bought after June are not refunded by the organiser under any circumstances.",
    ) == (False, False)
    assert both(
        terms,
        "Tickets bought before Jan. are not refunded by the organiser under any circumstances.",
    ) == (True, True)


def test_a_clause_after_the_quoted_sentence_is_not_judged() -> None:
    """A comma ends the quoted clause, as it ends a whole value matched alone: the span
    carries the result's sentence, and what else it says is not grounding's to judge
    (the same edge as every string value)."""
    assert both(MUSEUM, "The east wing was not damaged by the fire of 2021, the guide said.") == (
        True,
        True,
    )


# --- scoping: a sentence grounds the key of the value it is in ---------------------


def _answer_record(results: list[dict[str, Any]], answer: str) -> dict[str, Any]:
    item = {"messages": [{"role": "tool", "content": json.dumps(r)} for r in results]}
    spans = {"integration_spans": [{"chars": [0, len(answer)]}]}
    return item_f1(item, {}, spans, answer, ["web.open"])


def test_a_sentence_of_a_non_strict_key_grounds_lax_but_not_strict() -> None:
    assert "description" not in STRICT_KEYS
    sentence = "The east wing was not damaged by the fire of 2021."
    record = _answer_record([{"ok": True, **MUSEUM}], sentence)
    assert (record["detail"][0]["lax"], record["detail"][0]["strict"]) == (["description"], [])
    # The same text under an answer field grounds strict too.
    record = _answer_record([{"ok": True, "summary": MUSEUM["description"]}], sentence)
    assert (record["detail"][0]["lax"], record["detail"][0]["strict"]) == (["summary"], ["summary"])


def test_a_sentence_of_a_failed_result_grounds_nothing_in_verify() -> None:
    record = _answer_record(
        [{"ok": False, **MUSEUM}], "The east wing was not damaged by the fire of 2021."
    )
    assert record["lax"] == 0


def test_a_sentence_is_no_statement_of_the_value_itself() -> None:
    """`stated` (the intents that ask for a value: a count, a program's output) wants the
    value whole: quoting one sentence of it does not state it."""
    assert not stated("The east wing was not damaged by the fire of 2021.", MUSEUM["description"])
    assert stated(MUSEUM["description"], MUSEUM["description"])


# --- the shapes the generated items showed -----------------------------------------


def test_a_quoted_line_without_its_full_stop_grounds() -> None:
    """A page's section line quoted in «» with the stop left out: extract always grounded
    it (a line is also looked for without its stop); verify now does too."""
    page = {
        "content": "# Pooling de conexiones\n\n## Configuración\nProbamos el servicio en 7 "
        "nodos durante 10 días, con y sin el cambio.\n\n## Limitaciones\nPor debajo de "
        "50 consultas por segundo, la mejora quedó dentro del ruido."
    }
    answer = (
        "La sección «Limitaciones» lo matiza: «Por debajo de 50 consultas por segundo, "
        "la mejora quedó dentro del ruido»."
    )
    assert both(page, answer) == (True, True)
    # With a number changed it does not.
    assert both(page, answer.replace("50", "500")) == (False, False)


def test_a_traceback_line_quoted_grounds() -> None:
    run = {
        "stderr": 'Traceback (most recent call last):\n  File "/tmp/run.py", line 2, in '
        "<module>\n    print(totl)\n          ^^^^\nNameError: name 'totl' is not defined."
        " Did you mean: 'total'?"
    }
    assert both(run, "Your code raises `NameError: name 'totl' is not defined`.") == (True, True)
    assert both(run, "Your code raises `NameError: name 'total' is not defined`.") == (
        False,
        False,
    )
    assert both(run, "Your code raises `NameError: name 'totl' is not defined yet`.") == (
        False,
        False,
    )


# --- found by review: answers the quote rule grounded wrongly ------------------------


@pytest.mark.parametrize(
    ("result", "answer"),
    [
        # A question echoed by a search that found nothing is no statement.
        (
            {"query": "¿El museo del Louvre abre todos los lunes por la mañana durante los "
             "meses de verano?", "results": []},
            "El museo del Louvre abre todos los lunes por la mañana durante los meses de verano.",
        ),
        (
            {"faq": "L'hôtel propose un parking gratuit à tous les clients ? Non, seulement "
             "aux clients des suites, sur réservation."},
            "L'hôtel propose un parking gratuit à tous les clients.",
        ),
        # The next sentence (or bullet) of the value takes the quoted one back.
        (
            {"description": "Free parking is available for all hotel guests at the main "
             "entrance. This offer was discontinued last spring and no longer applies."},
            "Free parking is available for all hotel guests at the main entrance.",
        ),
        (
            {"status": "- The refund will be issued within five business days.\n- The refund "
             "request was rejected by the bank on Monday."},
            "The refund will be issued within five business days.",
        ),
        # A thousands group before a leading number, a decimal after a sentence's end.
        (
            {"info": "500 chambres sont encore disponibles pour le week-end du congrès. Le "
             "parking est payant pour tous les visiteurs."},
            "1 500 chambres sont encore disponibles pour le week-end du congrès.",
        ),
        (
            {"info": "500 chambres sont encore disponibles pour le week-end du congrès. Le "
             "parking est payant pour tous les visiteurs."},
            "1\u202f500 chambres sont encore disponibles pour le week-end du congrès.",
        ),
        (
            {"route": "The train leaves every morning from the central station to Lisbon. "
             "Seats can be booked online up to two months ahead."},
            "The train leaves every morning from the central station to Lisbon.5 times a day.",
        ),
        # A negation glued before a sentence of an unspaced script.
        (
            {"desc": "支持所有客户在周末免费取消预订服务，无需额外费用。我们的客服团队全天候为您"
             "提供帮助和支持，欢迎随时联系。"},
            "不支持所有客户在周末免费取消预订服务，无需额外费用。",
        ),
    ],
    ids=["question-es", "question-fr", "retracted", "retracted-bullet", "thousands",
         "thousands-nnbsp", "decimal-after", "cjk-negation"],
)  # fmt: skip
def test_review_cases_stay_ungrounded(result: dict[str, Any], answer: str) -> None:
    assert both(result, answer) == (False, False)


def test_a_hostile_answer_repeating_the_core_costs_linear_time() -> None:
    import time

    value = {"v": "go " * 16000 + "go. Second sentence of the value is right here now."}
    answer = "go " * 32000 + "stop."
    began = time.perf_counter()
    both(value, answer)
    assert time.perf_counter() - began < 1.0
