"""Lax and strict grounding of integration spans, and the seed's per-item F1."""

from __future__ import annotations

import pytest

from pipeline.gates.grounding import (
    STRICT_KEYS,
    f1,
    grounded_keys,
    number_variants,
    parse_content,
    result_needles,
)


def keys(text: str, *results: object) -> list[str]:
    return grounded_keys(text, result_needles(list(results)))


def test_number_variants_cover_locale_spellings() -> None:
    variants = set(number_variants("1234.56"))
    assert {"1234.56", "1,234.56", "1.234,56", "1 234,56", "1\u202f234,56", "1'234.56"} <= variants
    assert set(number_variants("12.0")) == {"12", "12.0", "12,0", "12.00", "12,00"}
    assert "-1,234" in number_variants("-1234")


@pytest.mark.parametrize(
    "sentence",
    [
        "Es sind 1.234,56 Einträge.",
        "Il y a 1 234,56 éléments.",
        "There are 1,234.56 rows.",
        "There are 1234.56 rows.",
    ],
)
def test_numbers_ground_in_any_locale(sentence: str) -> None:
    assert keys(sentence, {"count": 1234.56}) == ["count"]


@pytest.mark.parametrize(
    "sentence", ["Found 12345 rows.", "Ratio 1.234,5 today.", "v1234 build", "It was 0,1234 of it."]
)
def test_numbers_need_boundaries(sentence: str) -> None:
    assert keys(sentence, {"count": "1234"}) == []


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        (2749.6, "About 2,749.60 per month."),
        (42.1, "40 CHF font environ 42,10 EUR."),
        (321, "It costs 321.00 euros."),
        (152, "北京的空气质量指数为152，上海为64。"),
        ("06:00", "5月3日は06:00と06:09の便があります。"),
        ("上海市", "明天上海市有雨"),
    ],
)
def test_prices_with_two_decimals_and_values_inside_unspaced_scripts(
    value: object, sentence: str
) -> None:
    # Third-party answers write 42.1 as a price (42,10) and glue values to Han or kana.
    assert keys(sentence, {"n": value}) == ["n"]


@pytest.mark.parametrize(
    ("value", "sentence"), [(42.1, "It was 42.15."), (152, "指数为1520。"), ("ok", "ブックbook")]
)
def test_padding_and_unspaced_scripts_keep_number_and_word_edges(
    value: object, sentence: str
) -> None:
    assert keys(sentence, {"n": value}) == []


def test_strings_casefold_collapse_and_word_edges() -> None:
    result = {"summary": "The  ANE prefers\nfp16 kernels", "status": "ok"}
    assert keys("the ane prefers fp16 kernels, it says", result) == ["summary"]
    assert keys("This book is fine.", result) == []  # "ok" inside "book"


def test_multiline_values_ground_line_by_line() -> None:
    result = {"lines": "alpha: 1\nbeta: two words\ngamma: 3"}
    assert keys("The file sets beta: two words.", result) == ["lines"]


def test_urls_ground_by_host_and_first_segment() -> None:
    result = {"results": ["https://www.example.org/ane/fp16-kernels", "https://example.com"]}
    assert keys("Read example.org/ane for details.", result) == ["results"]
    assert keys("Read example.org/other for details.", result) == []
    assert keys("Visit example.com today.", result) == ["results"]


def test_dates_ground_in_locale_forms() -> None:
    for sentence in ("am 31.12.2024", "le 31/12/2024", "on 12/31/2024", "on 2024-12-31"):
        assert keys(sentence, {"date": "2024-12-31"}) == ["date"]


def test_failed_results_booleans_and_short_strings_ground_nothing() -> None:
    assert keys("file not found here", {"ok": False, "error": "file not found"}) == []
    assert keys("true and none of it", {"flag": True, "x": None, "y": "ab", "z": "True"}) == []


def test_flattened_fields_and_json_lists_are_expanded() -> None:
    fields = {
        "results#0": "https://example.org/a/b",
        "meta.summary": "kernels are fast",
        "results": '["https://example.net/docs/x"]',
        "broken": "[not json",
    }
    assert keys("see example.net/docs and example.org/a", fields) == ["results"]
    # A leaf counts under the result field it sits in, however deep.
    assert keys("kernels are fast", fields) == ["meta"]


def test_strict_keys_are_the_seed_ones_and_the_world_tools_answer_fields() -> None:
    seed = {"summary", "lines", "count", "top_k", "results"}
    assert frozenset(seed | {"values", "content", "stdout"}) == STRICT_KEYS


def test_a_nested_leaf_grounds_under_its_top_level_field() -> None:
    result = {"ok": True, "values": {"port": 8080}, "results": [{"url": "https://example.org/a"}]}
    assert keys("port is 8080", result) == ["values"]
    assert keys("see example.org/a", result) == ["results"]


def test_parse_content_removes_the_hermes_envelope() -> None:
    assert parse_content('{"name": "fs.read", "content": {"a": 1}}') == {"a": 1}
    assert parse_content('{"a": 1}') == {"a": 1}
    assert parse_content("plain text") == "plain text"
    assert parse_content({"a": 1}) == {"a": 1}


@pytest.mark.parametrize(
    ("grounded", "spans", "expected"),
    [(0, 0, 0.0), (0, 3, 0.0), (3, 3, 1.0), (1, 2, 2 * 0.5 / 1.5)],
)
def test_item_f1(grounded: int, spans: int, expected: float) -> None:
    assert f1(grounded, spans) == pytest.approx(expected)


def test_zero_fractions_ground_written_either_way() -> None:
    assert keys("The program printed 862.00.", {"stdout": "862.00"}) == ["stdout"]
    assert keys("The program printed 862.", {"stdout": "862.00"}) == ["stdout"]
