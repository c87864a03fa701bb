"""verify's per-item fast paths give what the plain definitions give.

Each fast path (a memo, an inlined loop, a substring pre-check) is checked
against the definition it replaces, on hand-written cases and on generated
ones, so a fast path that drifts fails here rather than in a set's figures.
"""

from __future__ import annotations

import copy
import enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gates import checks, grounding, integration, privacy
from pipeline.gates.calls import Validators, span_chars
from pipeline.gates.session import session_of
from pipeline.tools.registry import load_registry
from pipeline.world import World, web_search

ALLOW = ("example.org", "docs.python.org")


def reference_grounded_keys(span: str, needles: list[grounding.Needle]) -> list[str]:
    """The definition: a key is found when any of its needles `matches`."""
    collapsed = grounding.collapse(span)
    return sorted({n.key for n in needles if grounding.matches(n, span, collapsed)})


RESULTS: list[Any] = [
    {"count": 1, "results": [{"path": "src/a.py", "line": 12}], "summary": "ok then"},
    {"values": {"port": 8080, "ratio": 1234.5, "when": "2024-12-31"}},
    {"content": "line one\nThe Port is 8080\n", "url": "https://www.example.org/docs/x"},
    {"stdout": "42\n", "elapsed_ms": 12.0},
    "plain text result",
]
SPANS = [
    "It appears once, in src/a.py on line 12.",
    "The port is 8.080 and the ratio 1.234,5 as of 31.12.2024.",
    "See example.org/docs for the port is 8080 and 42.",
    "Nothing here at all",
    "a book of 80800 pages; one file",
    "Plain text result, 12 ms",
]


def test_grounded_keys_equal_the_definition_on_samples() -> None:
    needles = grounding.result_needles(RESULTS)
    for span in SPANS:
        assert grounding.grounded_keys(span, needles) == reference_grounded_keys(span, needles)
    assert grounding.grounded_keys(SPANS[0], needles)  # the samples do ground


words = st.sampled_from(
    ["8080", "1,234.5", "once", "port", "src/a.py", "12", "42", "example.org/docs", "book", "ok"]
)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.integers(-5, 20000), st.floats(-1e4, 1e4, allow_nan=False), words),
        max_size=6,
    ),
    span=st.lists(st.one_of(words, st.text(max_size=6)), max_size=8).map(" ".join),
)
def test_grounded_keys_equal_the_definition(values: list[Any], span: str) -> None:
    needles = grounding.result_needles([{f"k{i}": v for i, v in enumerate(values)}])
    assert grounding.grounded_keys(span, needles) == reference_grounded_keys(span, needles)


class Position(enum.IntEnum):
    ONE = 1
    THREE = 3


def test_span_chars_takes_plain_ints_and_int_subclasses_alike() -> None:
    assert span_chars({"chars": [1, 3]}) == (1, 3)
    assert span_chars({"chars": [Position.ONE, Position.THREE]}) == (1, 3)
    for bad in ({"chars": [3, 1]}, {"chars": [-1, 2]}, {"chars": [False, 2]}, {"chars": [1, 2.0]}):
        assert span_chars(bad) is None


def test_mismatches_memo_gives_the_uncached_answer_and_a_fresh_list() -> None:
    registry = load_registry()
    validators = Validators(registry, prefer_item_tools=False)
    changed = copy.deepcopy(registry.tools)
    changed[0]["function"]["description"] = "something else"
    reordered = [dict(reversed(list(tool.items()))) for tool in registry.tools]
    for tools in (registry.tools, changed, reordered, [{"function": {"name": 1}}], "junk", None):
        for _ in range(2):  # the second call is answered by the memo
            assert validators.mismatches(tools) == validators._mismatches(tools)
    assert validators.mismatches(changed) == [changed[0]["function"]["name"]]
    first = validators.mismatches(changed)
    first.append("mutated by a caller")
    assert validators.mismatches(changed) == [changed[0]["function"]["name"]]
    # A value orjson cannot serialise (a non-string key) is judged without the memo.
    assert validators.mismatches([{1: "x"}]) == ["None"]


def test_url_verdicts_are_the_host_checks() -> None:
    urls = [
        "https://example.org/a",
        "http://example.org\\@evil.com/",
        "https://sub.docs.python.org/3/",
        "https://evil.com/x).",
        "https://www.example.org",
    ]
    allowed = privacy.normalized_allowlist(ALLOW)
    for url in urls * 2:
        hosts = privacy.url_hosts(url.rstrip(".,;:!?)]}"))
        assert privacy.url_allowed(url, ALLOW) == all(
            privacy.host_allowed(h, allowed) for h in hosts
        )
    text = " ".join(urls)
    assert privacy.scan_urls(text, ALLOW) == [
        ("url_not_allowlisted", "http://example.org\\@evil.com/"),
        ("url_not_allowlisted", "https://evil.com/x)."),
    ]


def test_caws_parses_cached_equals_uncached() -> None:
    lines = [
        '{"caws": {"tier": 2, "max_files": 8, "max_loc": 500, "cov": 80, "mut": 50}}',
        '{"caws": {"tier": true, "max_files": 8, "max_loc": 500, "cov": 80, "mut": 50}}',
        '{"caws": {}}',
        "not json",
    ]
    for line in lines * 2:
        assert checks.caws_parses(line) == checks.caws_parses.__wrapped__(line)
    assert checks.caws_parses(lines[0]) and not checks.caws_parses(lines[1])


def reference_search(world: World, args: dict[str, Any]) -> list[str]:
    """web.search's ranking by its definition: pages holding every query word."""
    wanted = set(web_search.terms(args["q"]))
    pages = [
        p
        for p in world.pages.values()
        if web_search._allowed(world, p, args)
        and wanted <= set(web_search._WORD.findall(web_search._haystack(p)))
    ]
    pages.sort(key=lambda p: p.url)
    pages.sort(key=lambda p: p.published, reverse=True)
    return [p.url for p in pages]


def _page(title: str, published: str, heading: str) -> dict[str, Any]:
    return {
        "title": title,
        "published": published,
        "lang": "en",
        "sections": [{"heading": heading, "text": "Cache hit ratio and latency."}],
    }


def test_web_search_matches_whole_words_in_date_order() -> None:
    world = World.from_json(
        {
            "today": "2024-11-20",
            "pages": {
                "https://example.org/b": _page("Redis caching guide", "2024-05-01", "Setup"),
                "https://example.org/a": _page("Redis cache tuning", "2024-05-01", "Latency"),
                "https://example.org/c": _page("Redistribution notes", "2024-09-01", "Cache"),
                "https://example.org/d": _page("Memcached cache", "2024-10-01", "Redis"),
            },
        }
    )
    for query in ("redis cache", "redis", "cache latency", "the and", "redistribution", "xyz"):
        args = {"q": query, "top_k": 10}
        got = [r["url"] for r in web_search.execute(world, args)["results"]]
        assert got == reference_search(world, args), query
    # "redis" is a substring of "Redistribution", never a word of it.
    got = [r["url"] for r in web_search.execute(world, {"q": "redis"})["results"]]
    assert got == ["https://example.org/d", "https://example.org/a", "https://example.org/b"]


def test_integration_reads_the_contents_the_session_parsed() -> None:
    answer = "There are 3 files, among them src/a.py, says the listing."
    item = {
        "messages": [
            {"role": "user", "content": "How many files are in src?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"function": {"name": "fs.list", "arguments": '{"dir": "src"}'}}],
            },
            {"role": "tool", "content": '{"ok": true, "count": 3, "results": ["src/a.py"]}'},
            {"role": "tool", "content": "a response no call asked for"},
            {"role": "tool", "content": '{"name": "fs.list", "content": {"count": 12}}'},
            {"role": "assistant", "content": answer},
        ]
    }
    targets = {"integration_spans": [{"chars": [0, len(answer)]}]}
    session = session_of(item)
    assert session.results == integration.tool_results(item, {})
    assert session.results[1:] == ["a response no call asked for", {"count": 12}]
    assert session.turns[0].response is session.results[0]
    shared = integration.item_f1(item, {}, targets, answer, ["fs.list"], session.results)
    assert shared == integration.item_f1(item, {}, targets, answer, ["fs.list"])
    assert shared["lax"] == 1
    # Without tool messages the generator's flat fields are read, and the session's
    # list is left as it was.
    bare = {"messages": [{"role": "user", "content": "hi"}]}
    flat = {"tool_result_fields": {"count": 3}}
    results = session_of(bare).results
    assert integration.tool_results(bare, flat, results) == [{"count": 3}]
    assert results == []


def test_a_text_lowered_once_gives_the_same_findings() -> None:
    text = (
        "AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYab' and "
        "xoxb-123456789012-abcdefghijkl at WWW.evil.com and https://example.org/x"
    )
    assert privacy.scan_secrets(text, text.lower()) == privacy.scan_secrets(text)
    assert privacy.scan_secrets(text)  # the sample holds secrets
    assert privacy.scan_urls(text, ALLOW, text.lower()) == privacy.scan_urls(text, ALLOW)
    assert privacy.scan_urls(text, ALLOW) == [("url_not_allowlisted", "WWW.evil.com")]
