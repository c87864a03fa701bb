"""Edge cases of span grounding in tool results (pipeline.gates.grounding).

Checks which spans a tool result grounds and under which key: word edges of
strings, the minimum string length, locale groupings of long numbers, decimal
parts next to a number, repeated occurrences in one span, literal booleans and
nulls written as strings, URLs (http, first path segment, substring match),
multi-line values, JSON flattened into strings, flattened field names, failed
results, the needles' kinds, and the per-item F1 at its edges.
"""

from __future__ import annotations

import pytest

from pipeline.gates.grounding import f1, grounded_keys, result_needles


def keys(text: str, *results: object) -> list[str]:
    return grounded_keys(text, result_needles(list(results)))


# --- strings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("There are many ebooks here.", "book"),  # word chars on both sides
        ("The ebook is here.", "book"),  # word char before only
        ("Many books are here.", "book"),  # word char after only
        ("Use the lru_cache decorator.", "cache"),  # underscore is a word char
        ("Read it in fast_kernels.", "kernels"),
    ],
)
def test_strings_inside_longer_words_do_not_ground(sentence: str, value: str) -> None:
    assert keys(sentence, {"summary": value}) == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("It is loaded from app.env at start.", ".env"),  # starts with a non-word char
        ("The log said ERROR:disk full.", "ERROR:"),  # ends with a non-word char
        ("Notes,kernels are fast.", "kernels are fast"),  # punctuation is an edge
        ("(kernels are fast)", "kernels are fast"),
    ],
)
def test_strings_ground_where_their_edges_allow(sentence: str, value: str) -> None:
    assert keys(sentence, {"summary": value}) == ["summary"]


def test_a_later_bounded_occurrence_grounds_after_unbounded_ones() -> None:
    assert keys("ebooks, then a book, then ebooks again", {"summary": "book"}) == ["summary"]
    assert keys("a book and an ebook", {"summary": "book"}) == ["summary"]


def test_three_character_strings_ground_and_shorter_ones_do_not() -> None:
    assert keys("the ane runs it", {"summary": "ane"}) == ["summary"]
    assert keys("an ox ran", {"summary": "ox"}) == []


@pytest.mark.parametrize("literal", ["True", "False", "None", "true", "false", "null"])
def test_boolean_and_null_literals_as_strings_ground_nothing(literal: str) -> None:
    assert keys(f"The flag is {literal} today.", {"flag": literal}) == []


def test_multiline_values_do_not_ground_single_words() -> None:
    result = {"lines": "alpha beta\ngamma delta"}
    assert keys("The word gamma appears.", result) == []
    assert keys("The line gamma delta appears.", result) == ["lines"]


# --- numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("There are 123,456 rows.", 123456),
        ("Es sind 123.456 Zeilen.", 123456),
        ("There are 1,234,567 rows.", 1234567),
        ("Il y a 1 234 567 lignes.", 1234567),
        ("There are 12,345,678 rows.", 12345678),
        ("There are 1,234,567,890 rows.", 1234567890),
    ],
)
def test_long_numbers_ground_with_thousands_groups(sentence: str, value: int) -> None:
    assert keys(sentence, {"count": value}) == ["count"]


@pytest.mark.parametrize("value", [12.5, "12.5", 1234.56])
def test_a_non_zero_fraction_is_required(value: object) -> None:
    assert keys("There are 12 rows and 1234 more.", {"count": value}) == []


@pytest.mark.parametrize(
    "sentence",
    ["The ratio is 1234.5", "The ratio is 1234,5", "v1234 and 1234.5"],
)
def test_a_decimal_part_glued_after_a_number_blocks_it(sentence: str) -> None:
    assert keys(sentence, {"count": 1234}) == []


@pytest.mark.parametrize(
    "sentence",
    ["Count: 1234. Done", "Count: 1234, then more", "Count: 1234.", "1234 rows and v1234"],
)
def test_a_number_before_sentence_punctuation_grounds(sentence: str) -> None:
    assert keys(sentence, {"count": 1234}) == ["count"]


def test_a_bounded_number_between_unbounded_ones_grounds() -> None:
    assert keys("v1234, then 1234 rows, then build1234", {"count": 1234}) == ["count"]


# --- URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "url", "expected"),
    [
        ("See example.org/ane for more.", "http://example.org/ane", ["results"]),
        ("See example.org/ane for more.", "https://example.org/ane/fp16/x", ["results"]),
        ("See example.org/ane/fp16 for more.", "https://example.org/ane/fp16/x", ["results"]),
        ("See example.org/docs for more.", "https://example.org/X/docs", []),
        # URLs are matched as a plain substring of the span, without word edges.
        ("See example.org/anemone for more.", "https://example.org/ane", ["results"]),
        ("See myexample.com today.", "https://example.com", ["results"]),
    ],
)
def test_urls_ground_by_host_and_first_path_segment(
    sentence: str, url: str, expected: list[str]
) -> None:
    assert keys(sentence, {"results": url}) == expected


def test_needles_are_classified_by_value_kind() -> None:
    needles = result_needles(
        [
            {
                "summary": "kernels are fast",
                "count": 12,
                "date": "2024-12-31",
                "results": "https://example.org/a",
                "broken": "https:///nohost",
            }
        ]
    )
    assert sorted((n.key, n.kind) for n in needles) == [
        ("count", "number"),
        ("date", "date"),
        ("results", "url"),
        ("summary", "text"),
    ]


# --- result structure ---------------------------------------------------------


def test_a_plain_text_result_grounds_under_the_empty_key() -> None:
    assert keys("The kernels are fast here.", "kernels are fast") == [""]


def test_a_failed_result_does_not_hide_later_results() -> None:
    results = ({"ok": False, "error": "file not found"}, {"summary": "kernels are fast"})
    assert keys("kernels are fast, file not found", *results) == ["summary"]


def test_json_lists_in_strings_are_expanded_under_their_field() -> None:
    fields = {"results": '["https://example.net/docs/x"]'}
    assert keys("see example.net/docs", fields) == ["results"]
    fields = {"results": '{"summary": "kernels are fast", "count": 7}'}
    assert keys("kernels are fast", fields) == ["results"]


def test_fields_after_a_json_string_are_still_read() -> None:
    fields = {"results": '["https://example.net/docs/x"]', "summary": "kernels are fast"}
    assert keys("kernels are fast", fields) == ["summary"]


@pytest.mark.parametrize(
    ("field", "key"),
    [("summary", "summary"), ("summary.a.b", "summary"), ("meta.summary", "meta"),
     ("summary#0", "summary"), ("summary#0#1", "summary")],
)  # fmt: skip
def test_flattened_field_names_reduce_to_the_top_level_field(field: str, key: str) -> None:
    assert keys("kernels are fast", {field: "kernels are fast"}) == [key]


@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("call#0.summary", "summary"),
        ("call#1.results#0.title", "results"),
        ("call#12.count", "count"),
        ("recall#0.summary", "recall"),  # only a leading call#i. prefix is a call index
    ],
)
def test_multi_call_fields_keep_their_own_name(field: str, key: str) -> None:
    """Multi-call items flatten their results under `call#i.`: strict grounding needs the field."""
    assert keys("kernels are fast", {field: "kernels are fast"}) == [key]


def test_urls_ground_whatever_the_case_of_their_path() -> None:
    fields = {"results": "https://www.GitHub.com/Anthropic/x"}
    assert keys("see github.com/anthropic/x", fields) == ["results"]
    assert keys("See GitHub.com/Anthropic/x", fields) == ["results"]


# --- F1 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grounded", "spans", "expected"),
    [(1, 1, 1.0), (1, 4, 2 * 0.25 / 1.25), (2, 2, 1.0)],
)
def test_item_f1_for_grounded_items(grounded: int, spans: int, expected: float) -> None:
    assert f1(grounded, spans) == pytest.approx(expected)
