"""Lax grounding of sentences in tool-result values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.targets.grounding import Grounder, leaf_needles, result_value


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        (1234, "It returned 1234 results."),
        (1234, "Se devolvieron 1.234 resultados."),
        (1234, "It returned 1,234 results."),
        (1234, "Il y a 1\u202f234 résultats."),
        (1234, "Es gibt 1 234 Treffer."),
        (1234.56, "Summe: 1.234,56 EUR."),
        (1234.56, "Total: 1 234,56 €."),
        (1234.56, "Total 1,234.56 USD."),
        (18.5, "It is 18.5 °C."),
        ("321.00", "Running it prints 321.00."),
        ("321.00", "It prints 321."),
        (-7, "The delta was −7 points."),
        (199876, "Das sind 199.876 JPY."),
        (3100, "Top 3 100 results."),
        (3, "Top 3 100 results."),
        # a letter of a script written without spaces is a word edge
        (152, "北京的空气质量指数为152，上海为64。"),
        (64, "北京的空气质量指数为152，上海为64。"),
        (2, "東京から京都まで2本あります。"),
    ],
)
def test_numbers_in_locale_spellings(value: object, sentence: str) -> None:
    assert Grounder([{"n": value}]).fields(sentence) == ["n"]


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        (1234, "It returned 12345 results."),
        (1234, "Version 1234.5 is out."),
        (12, "It has 312 lines."),
        (12, "See v12 of it."),
        (2024, "Dated 31.12.2024 here."),
        (1.5, "It took 15 seconds."),
        (152, "指数为1520。"),
    ],
)
def test_numbers_need_word_boundaries(value: object, sentence: str) -> None:
    assert Grounder([{"n": value}]).fields(sentence) == []


def test_strings_urls_dates_and_booleans() -> None:
    result = {
        "summary": "El ANE prefiere   kernels FP16",
        "results": ["https://example.org/ane/fp16-kernels", "https://example.net"],
        "modified": "2023-12-31",
        "content": "line one\nport: 8080\nx",
        "flags": {"tls": False, "debug": None, "ok": True},
        "short": "ab",
    }
    grounder = Grounder([result])
    assert grounder.fields("el ane prefiere kernels fp16, dice.") == ["summary"]
    assert grounder.fields("See example.org/ane for more.") == ["results"]
    assert grounder.fields("See example.org/other.") == []
    assert grounder.fields("Also example.net.") == ["results"]
    assert grounder.fields("Zuletzt geändert am 31.12.2023.") == ["modified"]
    assert grounder.fields("The file sets port: 8080 today.") == ["content"]
    assert grounder.fields("It sets tls = false and debug: null.") == ["flags.tls", "flags.debug"]
    assert grounder.fields("That is true and ok.") == []
    assert grounder.fields("ab ab ab") == []  # shorter than min_chars
    assert Grounder([result], min_chars=2).fields("ab ab") == ["short"]


def test_several_results_and_non_json_results() -> None:
    grounder = Grounder([{"lines": 12}, "plain text output here", [{"price": 34.99}]])
    assert grounder.fields("It has 12 lines and costs 34.99.") == ["lines", "price"]
    assert grounder.fields("The tool said plain text output here.") == ["result"]


def test_result_value_unwraps_the_hermes_envelope() -> None:
    assert result_value('{"name": "fs.read", "content": {"lines": 3}}') == {"lines": 3}
    assert result_value('{"name": "x", "content": "y", "extra": 1}')["extra"] == 1
    assert result_value("not json") == "not json"
    assert result_value("[1, 2]") == [1, 2]


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-1500, 1500)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["ab", "ab ", "AB", "2024-12-31", "https://example.org/a/b", "x\ny z", "1.5"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "n", "tls"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(results=st.lists(_json, max_size=3))
def test_needles_are_each_leafs_needles_once_in_first_seen_order(results: list[object]) -> None:
    """The needle list is every leaf's needles in document order, each kept where it
    first appears (written out the long way here)."""
    expected: list[object] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for inner in value:
                walk(inner, path)
        else:
            for needle in leaf_needles(path or "result", value, 3):
                if needle not in expected:
                    expected.append(needle)

    for result in results:
        walk(result, "")
    assert Grounder(results).needles == expected


def _needles_written_out(
    field: str, value: object, min_chars: int
) -> list[tuple[str, str, object]]:
    """The needles of one leaf as the rules in the module docstring give them, step by
    step (the generator the module had before its fast path)."""
    import re
    from decimal import Decimal

    from pipeline.groundforms import date_spellings
    from pipeline.targets.grounding import collapse

    if value is None or isinstance(value, bool):
        key = field.rsplit(".", 1)[-1]
        word = {None: "(?:null|none)", True: "true", False: "false"}[value]
        return [(field, "pattern", rf"(?i)(?<!\w){re.escape(key)}\W{{1,4}}{word}(?!\w)")]
    text = (value if isinstance(value, str) else repr(value)).strip()
    if re.match(r"^[-−]?\d+(?:\.\d+)?$", text):
        number = Decimal(text.replace("−", "-"))
        return [(field, "number", abs(number))] if number.is_finite() else []
    url = re.match(r"^https?://([^/\s?#]+)(/[^/\s?#]*)?", text, re.IGNORECASE)
    if url:
        return [(field, "text", collapse(url.group(1) + (url.group(2) or "").rstrip("/")))]
    date = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)
    if date:
        y, m, d = date.groups()
        named = date_spellings(y, m, d)[4:]
        spelled = [
            (field, "text", s) for s in (text, f"{d}.{m}.{y}", f"{d}/{m}/{y}", f"{m}/{d}/{y}")
        ]
        return [*spelled, (field, "date", named)] if named else spelled
    lines = [line.strip() for line in text.split("\n")] if "\n" in text else [text]
    if "\n" in text:
        lines += [line[:-1] for line in lines if line.endswith(".")]
    out = []
    for piece in dict.fromkeys([text, *lines]):
        if len(collapse(piece)) >= min_chars:
            out.append((field, "text", collapse(piece)))
    stamp = re.match(r"^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2})?Z?$", text)
    if stamp:  # an ISO datetime: also its date, spelled as a date is
        y, m, d = stamp.groups()[:3]
        spelled = (f"{y}-{m}-{d}", f"{d}.{m}.{y}", f"{d}/{m}/{y}", f"{m}/{d}/{y}")
        out += [(field, "text", s) for s in spelled]
        named = date_spellings(y, m, d)[4:]  # none for a day no calendar has
        out += [(field, "date", named)] if named else []
    return out


_leaf_values = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.sampled_from(
        [
            "321.00",
            "−7",
            " 2024-12-31 ",
            "HTTPS://Example.org/a/b?x",
            "«Hola».\n«Adiós».",
            "a\n\nb.",
            "2024-05-01T14:30:00Z",
            "2024-02-30T08:00",
            "東京",
            "京",
            "서울",
        ]
    )
    | st.text(alphabet=" .\n-1aB/:é", max_size=12)
)


@given(
    field=st.sampled_from(["result", "tls", "results.title", "a.b+c"]),
    value=_leaf_values,
    min_chars=st.integers(1, 4),
)
def test_leaf_needles_follow_the_rules_cached_or_not(
    field: str, value: object, min_chars: int
) -> None:
    expected = _needles_written_out(field, value, min_chars)
    assert [tuple(n) for n in leaf_needles(field, value, min_chars)] == expected
    # A second call (from the cache, for the cached types) gives the same needles.
    assert [tuple(n) for n in leaf_needles(field, value, min_chars)] == expected


def test_the_cache_keeps_flags_and_numbers_apart() -> None:
    assert leaf_needles("ok", True, 3)[0].kind == "pattern"
    assert leaf_needles("ok", 1, 3)[0].kind == "number"
    assert leaf_needles("ok", True, 3)[0].kind == "pattern"
