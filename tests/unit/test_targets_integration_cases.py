"""Integration spans on hand-built teacher texts (pipeline.targets.integration).

Checks the three methods (marker, grounding, none), that each ``Integration:``
marker line contributes only its own sentences, that `min_chars` reaches the
grounder (by default three characters ground), that attribution lead-ins are
kept unless asked to trim, and that the cap keeps the first sentences and
reports the rest without losing the count.
"""

from __future__ import annotations

from typing import Any

import pytest
from fixture_items import hermes_item

from pipeline.formats import Parsed
from pipeline.formats.hermes import parse_hermes
from pipeline.formats.seed import parse_seed
from pipeline.targets.integration import Integration, find_integration

CALL = {"name": "fs.read", "arguments": {"path": "office.md"}}


def _hermes(results: list[Any], answer: str) -> Parsed:
    item = hermes_item("i1", [CALL] * len(results), results, answer)
    return parse_hermes(item["teacher_text"])


def _spans(parsed: Parsed, found: Integration) -> list[tuple[str, list[str]]]:
    return [(parsed.text[s:e], fields) for s, e, fields in found.spans]


@pytest.mark.parametrize(
    "text",
    [
        "Ulm is a city on the Danube. It has 3 bridges.",
        "TOOL_CALL: {}\nUlm is a city.",  # seed: a call, but no result and no marker
        "",
    ],
)
def test_no_tool_result_means_nothing_to_integrate(text: str) -> None:
    parsed = parse_seed(text) if text.startswith("TOOL_CALL") else parse_hermes(text)
    found = find_integration(parsed, cap=5)
    assert found == Integration("none", [], False, 0)
    assert found.found == 0 and found.over_cap is False


def test_grounding_keeps_only_sentences_carrying_a_result_value() -> None:
    answer = "The office is in Ulm. It is a nice place. Ulm has 120 desks."
    parsed = _hermes([{"city": "Ulm", "desks": 120}], answer)
    found = find_integration(parsed, cap=5)
    assert found.method == "grounding"
    assert _spans(parsed, found) == [
        ("The office is in Ulm.", ["city"]),
        ("Ulm has 120 desks.", ["city", "desks"]),
    ]
    assert found.over_cap is False and found.found == 2


def test_default_min_chars_lets_a_three_character_value_ground() -> None:
    parsed = _hermes([{"city": "Ulm"}], "The office is in Ulm. See you there.")
    found = find_integration(parsed, cap=5)
    assert _spans(parsed, found) == [("The office is in Ulm.", ["city"])]
    assert found.found == 1


def test_min_chars_is_passed_to_the_grounder() -> None:
    parsed = _hermes([{"city": "Ulm", "state": "BW"}], "The office is in Ulm, BW.")
    strict = find_integration(parsed, cap=5, min_chars=4)
    assert strict == Integration("grounding", [], False, 0)
    lax = find_integration(parsed, cap=5, min_chars=2)
    assert _spans(parsed, lax) == [("The office is in Ulm, BW.", ["city", "state"])]
    assert _spans(parsed, find_integration(parsed, cap=5)) == [
        ("The office is in Ulm, BW.", ["city"])
    ]


def test_attribution_lead_in_is_kept_unless_trimming_is_asked_for() -> None:
    answer = "According to example.org, the office is in Ulm."
    parsed = _hermes([{"city": "Ulm"}], answer)
    kept = find_integration(parsed, cap=5)
    assert _spans(parsed, kept) == [(answer, ["city"])]
    trimmed = find_integration(parsed, cap=5, trim_attribution=True)
    assert _spans(parsed, trimmed) == [("the office is in Ulm.", ["city"])]
    assert trimmed.spans[0][1] == kept.spans[0][1]  # the end does not move


def test_marker_lines_contribute_only_their_own_sentences() -> None:
    text = (
        'TOOL_CALL: {"name": "fs.read", "arguments": {"path": "office.md"}}\n'
        'TOOL_RESULT: {"city": "Ulm"}\n'
        "Integration: The office is in Ulm. It opens at nine.\n"
        "Thanks for asking about Ulm.\n"
        "Integration: Bye."
    )
    parsed = parse_seed(text)
    found = find_integration(parsed, cap=10)
    assert found.method == "marker"
    # Every marker sentence counts, grounded or not; the free line between does not.
    assert _spans(parsed, found) == [
        ("The office is in Ulm.", ["city"]),
        ("It opens at nine.", []),
        ("Bye.", []),
    ]
    assert found.over_cap is False and found.found == 3


def test_grounding_region_ends_before_a_later_call() -> None:
    # Text after the last result, then a trailing call whose JSON names the value:
    # the call's text is not part of the answer.
    result = '{"name": "fs.read", "content": {"city": "Ulm"}}'
    text = (
        f"<tool_response>\n{result}\n</tool_response>\n"
        "It is in Ulm.\n"
        '<tool_call>\n{"name": "fs.read", "arguments": {"path": "Ulm. Ulm."}}\n</tool_call>'
    )
    parsed = parse_hermes(text)
    found = find_integration(parsed, cap=10)
    assert _spans(parsed, found) == [("It is in Ulm.", ["city"])]
    assert found.found == 1


@pytest.mark.parametrize(
    ("cap", "kept", "over_cap"),
    [(0, 0, True), (1, 1, True), (2, 2, True), (3, 3, False), (4, 3, False)],
)
def test_cap_keeps_the_first_sentences_and_reports_the_rest(
    cap: int, kept: int, over_cap: bool
) -> None:
    answer = "Ulm is first. Nothing here. Ulm is second. Ulm is third."
    parsed = _hermes([{"city": "Ulm"}], answer)
    found = find_integration(parsed, cap=cap)
    sentences = [
        ("Ulm is first.", ["city"]),
        ("Ulm is second.", ["city"]),
        ("Ulm is third.", ["city"]),
    ]
    assert _spans(parsed, found) == sentences[:kept]
    assert found.over_cap is over_cap
    assert found.found == 3  # counted before the cap, whatever the cap


def test_marker_cap_counts_ungrounded_sentences_too() -> None:
    text = "TOOL_RESULT: 42\nIntegration: One. Two. Three."
    parsed = parse_seed(text)
    found = find_integration(parsed, cap=2)
    assert (found.method, found.over_cap, found.found) == ("marker", True, 3)
    assert _spans(parsed, found) == [("One.", []), ("Two.", [])]
