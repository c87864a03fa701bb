"""verify's one-pass scans give what the plain definitions give.

Grounding's needles are built in one recursive walk, privacy's secret literals
are searched for behind anchor characters and shared heads, and its URLs are
matched only at the `://` they must contain. Each is checked here against the
plain definition it replaces, on hand-written and on generated inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gates import grounding, privacy, safety
from pipeline.groundforms import date_spellings, quote_cores

# --- grounding: the needles of a result -------------------------------------------


def _reference_leaves(value: Any, key: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for child in value.values():
            yield from _reference_leaves(child, key)
    elif isinstance(value, list):
        for child in value:
            yield from _reference_leaves(child, key)
    else:
        yield key, value


def reference_needles(key: str, value: Any) -> Iterator[grounding.Needle]:
    """The definition of one scalar leaf's needles, as it was first written (and with
    the readings of `pipeline.groundforms` since: dates by name, a long string's
    sentences)."""
    number, date = re.compile(r"-?\d+(?:\.\d+)?"), re.compile(r"(\d{4})-(\d{2})-(\d{2})")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        if number.fullmatch(text):
            yield grounding.Needle(key, "number", grounding.number_variants(text))
        if text == "1":
            yield grounding.Needle(key, "one", grounding.ONE_WORDS)
        return
    text = str(value).strip()
    if text in ("True", "False", "None", "true", "false", "null"):
        return
    if number.fullmatch(text):
        yield grounding.Needle(key, "number", grounding.number_variants(text))
        return
    found = date.fullmatch(text)
    if found:
        y, m, d = found.groups()
        numeric = (text, f"{d}.{m}.{y}", f"{d}/{m}/{y}", f"{m}/{d}/{y}")
        yield grounding.Needle(key, "date", numeric + date_spellings(y, m, d)[4:])
        return
    if text.lower().startswith(("http://", "https://")):
        parts = urlsplit(text)
        host = (parts.hostname or "").removeprefix("www.")
        segment = parts.path.strip("/").split("/", 1)[0]
        if host:
            url = (f"{host}/{segment}" if segment else host).casefold()
            yield grounding.Needle(key, "url", (url,))
        return
    pieces = [text, *text.split("\n")] if "\n" in text else [text]
    for piece in dict.fromkeys(grounding.collapse(p) for p in pieces):
        if len(piece) >= grounding.MIN_STRING:
            yield grounding.Needle(key, "text", (piece,))
    stamp = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2})?Z?", text)
    if stamp:  # an ISO datetime: also its date
        yield grounding.Needle(key, "date", date_spellings(*stamp.groups()))
    elif quote_cores(text):  # any other long string: also its sentences, quoted whole
        yield grounding.Needle(key, "quote", quote_cores(text))


def reference_leaf_needles(key: str, value: Any) -> list[grounding.Needle]:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list | dict):
            return [
                needle
                for inner_key, inner in _reference_leaves(parsed, key)
                for needle in reference_needles(inner_key, inner)
            ]
    return list(reference_needles(grounding.field_key(key), value))


def reference_result_needles(results: list[Any]) -> list[grounding.Needle]:
    """The definition: every leaf's needles (uncached), each distinct one once, in order."""
    needles: dict[tuple[str, str, tuple[str, ...]], grounding.Needle] = {}
    for result in results:
        if isinstance(result, dict) and result.get("ok") is False:
            continue
        top = result.items() if isinstance(result, dict) else [("", result)]
        for name, child in top:
            for key, value in _reference_leaves(child, str(name)):
                for needle in reference_leaf_needles(key, value):
                    needles.setdefault((needle.key, needle.kind, needle.variants), needle)
    return list(needles.values())


RESULTS: list[Any] = [
    {"ok": True, "count": 1, "results": [{"path": "src/a.py", "line": 12, "when": "2024-12-31"}]},
    {"ok": False, "error": "busy"},
    {"content": "Line one\nThe  Port is 8080\n\nok", "url": "https://www.Example.org/Docs/x"},
    {"stdout": "42\n", "elapsed_ms": 12.0, "flag": True, "none": None, "neg": -0.0},
    {"booking": {"is_confirmed": True, "in_stock": False, "ok": True}, "at": "2024-05-01T14:30Z"},
    {"city": "東京", "kana": "はい", "han": "京", "hangul": "서울", "latin": "ab"},
    {"call#1.results#0.title": "Kernels", "values.port": "8080", "raw": '[{"a": "nested text"}]'},
    "plain text result",
    ["a list", 3, {"deep": "2024-01-02"}],
    {
        "description": "The pier opened in 1902 and was rebuilt twice. Its cafe was not "
        "closed during the storm of 2019. Entry is free for children under 12."
    },
    {"log": "Build 88 started on runner 4 of the pool.\nAll 212 tests passed on the first try."},
]


def test_result_needles_equal_the_definition_on_samples() -> None:
    needles = grounding.result_needles(RESULTS)
    assert needles == reference_result_needles(RESULTS)
    assert {n.kind for n in needles} == {"text", "number", "date", "url", "one", "quote"}


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3000, 3000),
    st.floats(-1e5, 1e5, allow_nan=False),
    st.sampled_from(
        [
            "2024-12-31",
            "2024-05-01T14:30:00Z",
            "東京",
            "京",
            "false",
            "TRUE",
            "1234.50",
            "-7",
            "https://www.example.org/a/b",
            "HTTP://Host",
            "https:///nohost",
            "two\nlines here",
            "Straße  İSTANBUL\n\tTab  line\r\nﬁne print\n\n  x\n",
            "HTTPS://Example.ORG/Path",
            "ok",
            "true",
            " padded value ",
            '{"k": [1, "inner text"]}',
            "[not json",
            "",
            "A first sentence of the value here. Then a second one, long enough to count!",
            "Zeile eins ist kurz.\nDie zweite Zeile ist lang genug, um gezählt zu werden.\nEnde",
            "東京タワーは一九五八年に完成した電波塔です。展望台は毎日午前九時から営業しています。",
            "Cut after an unknown abbr. which the next piece continues in lowercase, as here.",
            "2024-05-01T14:30:00Z was when the sensor first reported, and it was not moved.",
        ]
    ),
    st.text(max_size=12),
    st.lists(st.text(max_size=6), max_size=4).map("\n".join),
)
trees = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["a", "b.c", "call#2.d#0.e", "ok", "is_open", "inStock"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(results=st.lists(trees, max_size=4))
def test_result_needles_equal_the_definition(results: list[Any]) -> None:
    assert grounding.result_needles(results) == reference_result_needles(results)


# --- privacy: secret literals and scheme URLs ------------------------------------

SECRET_WORDS = sorted(
    {x for _, groups, caseless in privacy.DETECTORS for g in (*groups, *caseless) for x in g}
    | {"G", "J", "A", "K", "gh", "gl", "aw", "AKIA" + "A" * 16, "x" * 32 + "-us12"}
)
secret_texts = st.lists(
    st.one_of(st.sampled_from(SECRET_WORDS), st.text(max_size=8)), max_size=10
).map(" ".join)


def reference_literals(haystack: str, caseless: bool) -> set[str]:
    column = 2 if caseless else 1
    return {x for d in privacy.DETECTORS for g in d[column] for x in g if x in haystack}


def reference_scan_secrets(text: str) -> list[privacy.Finding]:
    """The definition: a detector runs when all literals of one of its groups occur."""
    lowered = text.lower()
    found: list[privacy.Finding] = []
    for detector, groups, caseless in privacy.DETECTORS:
        if any(all(x in text for x in g) for g in groups) or any(
            all(x in lowered for x in g) for g in caseless
        ):
            found.extend(
                ("secret", f"{detector.secret_type}: {privacy.mask(value)}")
                for value in detector.analyze_string(text)
            )
    return found


@settings(max_examples=300, deadline=None)
@given(text=secret_texts)
def test_gated_literal_search_equals_the_plain_search(text: str) -> None:
    assert privacy._literals_in(text, False) == reference_literals(text, False)
    assert privacy._literals_in(text.lower(), True) == reference_literals(text.lower(), True)
    assert privacy.scan_secrets(text) == reference_scan_secrets(text)


def test_every_literal_is_found_behind_its_gate() -> None:
    for caseless in (False, True):
        for _, literals in privacy._GATES[caseless]:
            for literal in literals:
                assert literal in privacy._literals_in(f"xx {literal} yy", caseless)
    # A gate rules a literal out only when the text cannot hold it.
    assert privacy._literals_in("ghp", False) == set()


URL_WORDS = [
    "http://a.example.org/x",
    "HTTPS://Example.org",
    "xhttp://glued.org",
    "wss://s.io",
    "ws://t.io",
    "ftp://f.org/p",
    "://",
    "http:///",
    "https://a.org/http://b.org",
    "https://a.org,",
    "(https://paren.org)",
    "_https://under.org",
    "ſhttps://long-s.org",
    "httpſ://long-s.org",
    "é",
]
url_texts = st.lists(st.one_of(st.sampled_from(URL_WORDS), st.text(max_size=6)), max_size=8).map(
    lambda words: "".join(words) if len(words) % 2 else " ".join(words)
)


@settings(max_examples=400, deadline=None)
@given(text=url_texts)
def test_scheme_urls_equal_a_full_scan(text: str) -> None:
    assert list(privacy._scheme_urls(text)) == [m.group() for m in privacy.URL.finditer(text)]


def test_scheme_urls_on_samples() -> None:
    text = " ".join(URL_WORDS)
    found = list(privacy._scheme_urls(text))
    assert found == [m.group() for m in privacy.URL.finditer(text)]
    assert "HTTPS://Example.org" in found and "wss://s.io" in found
    assert not any(u.startswith("xhttp") for u in found)


# --- safety: the walks over a call's arguments -------------------------------------


def reference_path_values(arguments: Any, key: str | None = None) -> Iterator[str]:
    if isinstance(arguments, dict):
        for name, value in arguments.items():
            yield from reference_path_values(value, name)
    elif isinstance(arguments, list):
        for value in arguments:
            yield from reference_path_values(value, key)
    elif isinstance(arguments, str) and key in safety.PATH_KEYS:
        yield arguments


def reference_argv_values(arguments: Any) -> Iterator[str]:
    if isinstance(arguments, dict):
        for name, value in arguments.items():
            if name not in safety.CODE_TEXT_KEYS:
                yield from reference_argv_values(value)
    elif isinstance(arguments, list):
        for value in arguments:
            yield from reference_argv_values(value)
    elif isinstance(arguments, str):
        yield arguments


argument_trees = st.recursive(
    st.one_of(st.none(), st.integers(), st.sampled_from(["../x", "a.txt", "ls; rm", "`id`"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["path", "files", "code", "args", "stdin", "x"]), inner),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(arguments=argument_trees)
def test_argument_walks_equal_the_definitions(arguments: Any) -> None:
    assert safety._path_values(arguments) == list(reference_path_values(arguments))
    assert safety._argv_values(arguments) == list(reference_argv_values(arguments))
    call = {"code": "print(1)", "args": arguments}
    assert safety._argv_values(call) == list(reference_argv_values(call))


def test_needle_index_grounds_as_the_needle_list() -> None:
    needles = grounding.result_needles(RESULTS)
    index = grounding.index_needles(needles)
    spans = [
        "It appears once, in src/a.py on line 12.",
        "see example.org/docs",
        "nothing",
        "Its cafe was not closed during the storm of 2019, it says.",  # a quote
        "Its cafe was closed during the storm of 2019.",  # the negation dropped: none
        "All 212 tests passed on the first try",
    ]
    for span in spans:
        assert grounding.grounded_keys(span, index) == grounding.grounded_keys(span, needles)
        assert grounding.grounded_keys(span, index) == sorted(
            {n.key for n in needles if grounding.matches(n, span, grounding.collapse(span))}
        )
    assert [grounding.grounded_keys(span, index) for span in spans[3:]] == [
        ["description"],
        [],
        ["log"],
    ]


def reference_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from reference_strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from reference_strings(child)


@settings(max_examples=200, deadline=None)
@given(arguments=argument_trees)
def test_argument_strings_equal_the_definition(arguments: Any) -> None:
    found: list[Any] = []
    privacy._add_strings(arguments, found)
    assert found == list(reference_strings(arguments))
