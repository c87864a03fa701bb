"""Page summaries and web comparisons as the R12 readers wanted them.

- "Summarise it" after a search gave the Overview claim and the Results line:
  the Setup and the Caveats ("below 500 messages per second the gain was within
  the noise") were dropped, so the summary overstated the result. A window kept
  two of its sections, which dropped the Caveats of a three-section window.
- A page cut by `max_chars` before its last sections was summarised as if whole.
- "Which cuts more, A or B?" was answered "the cut with A is 26 percentage points
  larger than with B": the answer now leads with the option that cuts more.
- "the first 3 lines ... are `A` and `B`": a blank line read was skipped silently.
"""

from __future__ import annotations

import random

import pytest

from pipeline.gates.intent_words import RELATION, SUMMARY
from pipeline.gates.intents import problem
from pipeline.gates.session import Session, Turn
from pipeline.gen import read_answers, relations, web_answers
from pipeline.gen.context import Ctx
from pipeline.gen.site import HEADINGS, Finding
from pipeline.gen.topics import Topic

LANGS = ["en", "es", "de", "fr"]
TOPIC = Topic("databases", "query caching", "PostgreSQL", "latency")
FINDING = Finding(TOPIC, 40, 500, 300)
TEXTS = (
    "With query caching, latency fell.",
    "We ran it on 3 nodes.",
    "P95 latency went from 500 ms to 300 ms.",
    "Below 20 requests per second the gain was within the noise.",
)


def page(lang: str) -> str:
    """A page in the generator's layout, with the headings of `lang`."""
    body = [f"{h}\n{t}" for h, t in zip(HEADINGS[lang], TEXTS, strict=True)]
    return "\n\n".join(["Query caching for PostgreSQL: notes", *body])


def opened(lang: str, content: str | None = None, **extra: object) -> dict[str, object]:
    return {"ok": True, "url": "https://example.org/a-1", "title": "Query caching: notes",
            "lines": 13, "content": page(lang) if content is None else content,
            "published": "2024-01-02", **extra}  # fmt: skip


def ctx(lang: str) -> Ctx:
    return Ctx(random.Random(0), lang, "flat_args")


def said(texts: list[str]) -> str:
    return " ".join(texts)


@pytest.mark.parametrize("lang", LANGS)
def test_a_summary_after_a_search_keeps_the_setup_and_the_caveat(lang: str) -> None:
    # Search then open: the search gave the finding (finding=None here).
    text = said(
        web_answers.web_open(ctx(lang), opened(lang), None, {"url": "u", "max_chars": 5000})
    )
    for line in TEXTS[1:]:
        assert line.rstrip(".") in text
    assert TEXTS[0] not in text  # the overview would repeat the search's finding


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_summary_keeps_its_setup(lang: str) -> None:
    text = said(web_answers.web_open(ctx(lang), opened(lang), FINDING, {"url": "u"}))
    assert TEXTS[1].rstrip(".") in text and TEXTS[3].rstrip(".") in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_window_of_three_sections_keeps_the_caveat(lang: str) -> None:
    window = "\n".join(page(lang).split("\n")[4:])  # Setup, Results, Caveats
    args = {"url": "u", "window": {"offset": 4, "length": 9}}
    text = said(web_answers.web_open(ctx(lang), opened(lang, window, window=[4, 13]), None, args))
    for line in TEXTS[1:]:
        assert line.rstrip(".") in text


@pytest.mark.parametrize("lang", LANGS)
def test_no_two_sections_are_introduced_alike(lang: str) -> None:
    sentences = web_answers.web_open(ctx(lang), opened(lang), FINDING, {"url": "u"})
    leads = [s.split(":")[0] for s in sentences[1:]]
    verbs = [lead.replace(h, "") for lead, h in zip(leads, HEADINGS[lang][1:], strict=True)]
    assert len(set(verbs)) == len(verbs), sentences


@pytest.mark.parametrize("lang", LANGS)
def test_a_cut_page_is_summarised_as_the_part_read(lang: str) -> None:
    cut = page(lang)[:120]
    args = {"url": "u", "max_chars": 120}
    text = said(web_answers.web_open(ctx(lang), opened(lang, cut, truncated=True), None, args))
    assert "120" in text and TEXTS[3] not in text


@pytest.mark.parametrize(
    ("lang", "lead"),
    [
        ("en", "the larger cut comes with B-tech"),
        ("es", "la mayor reducción se obtiene con B-tech"),
        ("de", "fällt die Senkung mit B-tech stärker aus"),
        ("fr", "la baisse obtenue avec B-tech est la plus forte"),
    ],
)
def test_a_comparison_leads_with_the_option_that_cuts_more(lang: str, lead: str) -> None:
    relation = relations.cut_relation(ctx(lang), ("A-tech", 15), ("B-tech", 41))
    assert relation.startswith(lead)
    assert relation.index("B-tech") < relation.index("A-tech")


@pytest.mark.parametrize(
    ("lang", "blank"),
    [("en", "a blank line"), ("es", "una línea vacía"), ("de", "eine Leerzeile"),
     ("fr", "une ligne vide")],
)  # fmt: skip
def test_a_blank_line_among_the_lines_read_is_said(lang: str, blank: str) -> None:
    result = {"ok": True, "path": "a/defaults.txt", "lines": 13, "size": 226,
              "modified": "2025-02-28", "truncated": True, "returned": 3,
              "content": "EXPERIMENTS\n\nPerformance"}  # fmt: skip
    text = said(read_answers.read(ctx(lang), result))
    assert f"`EXPERIMENTS`, {blank}" in text and "`Performance`" in text


def session(request: str, response: dict[str, object], answer: str) -> Session:
    turn = Turn("web.open", {"url": "https://example.org/a-1"}, response)
    return Session(request, [turn], answer)


@pytest.mark.parametrize(
    "request_text",
    [
        "Search the web for query caching in PostgreSQL, then open the top result and "
        "summarise it.",
        "What does the page https://example.org/a-1 say?",
        "Haz una búsqueda sobre la caché, abre el primer resultado y cuéntame qué dice.",
        "Öffne https://example.org/a-1 und fasse die Seite zusammen.",
        "Que dit la page https://example.org/a-1 ?",
    ],
)
def test_the_gate_fails_a_summary_without_the_caveat(request_text: str) -> None:
    assert SUMMARY.search(request_text)
    lang = "en"
    full = said(web_answers.web_open(ctx(lang), opened(lang), FINDING, {"url": "u"}))
    assert problem(session(request_text, opened(lang), full))[1] is None
    dropped = full.split(" The “Caveats”")[0]
    why = problem(session(request_text, opened(lang), dropped))[1]
    assert why is not None and why.startswith("summarise: the caveat of")


def test_the_gate_fails_a_cut_page_summarised_as_whole() -> None:
    cut = opened("en", page("en")[:120], truncated=True)
    request = "What does the page https://example.org/a-1 say?"
    told = said(web_answers.web_open(ctx("en"), cut, None, {"url": "u", "max_chars": 120}))
    assert problem(session(request, cut, told))[1] is None
    silent = told.split(" The limit")[0]
    why = problem(session(request, cut, silent))[1]
    assert why is not None and "was cut" in why


def test_the_gate_reads_no_summary_into_a_technique_name() -> None:
    # "TLS session resumption" asks for no summary (a baseline item read so).
    assert not SUMMARY.search("Search the web for TLS session resumption in Varnish.")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "it is higher in results.ini: 4 more than in index.json"),
        ("es", "es mayor en results.ini: 4 más que en index.json"),
        ("de", "ist der Wert in results.ini größer: um 4 mehr als in index.json"),
        ("fr", "la valeur dans results.ini dépasse de 4 celle dans index.json"),
    ],
)
def test_two_files_compared_name_the_file_with_the_larger_value(lang: str, expected: str) -> None:
    where = ("frontend/audit/index.json", "frontend/audit/results.ini")
    assert relations.relation(ctx(lang), 4, 8, where) == expected
    assert RELATION.search(expected)  # the compare gate reads it as a relation
    # The same file name in two folders: the paths tell them apart.
    same = relations.relation(ctx(lang), 8, 4, ("a/x.ini", "b/x.ini"))
    assert "a/x.ini" in same and same.index("a/x.ini") < same.index("b/x.ini")


@pytest.mark.parametrize("lang", LANGS)
def test_lines_that_stop_before_the_caveat_are_said_to_be_a_part(lang: str) -> None:
    window = "\n".join(page(lang).split("\n")[4:12])  # Setup, Results, the Caveats heading
    args = {"url": "u", "window": {"offset": 4, "length": 8}}
    response = opened(lang, window, window=[4, 12])
    sentences = web_answers.web_open(ctx(lang), response, None, args)
    assert "12" in sentences[-1] and "13" in sentences[-1]
    request = "Search for it, open the top result (only 8 lines, skipping 4) and summarise it."
    assert problem(session(request, response, said(sentences)))[1] is None
    why = problem(session(request, response, said(sentences[:-1])))[1]
    assert why is not None and "end before the page" in why


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_summary_does_not_count_the_page_s_lines(lang: str) -> None:
    # "The page X (13 lines) reports ..." read oddly of a web page.
    first = web_answers.web_open(ctx(lang), opened(lang), FINDING, {"url": "u"})[0]
    assert "13" not in first
    cut = opened(lang, page(lang)[:200], truncated=True)
    first = web_answers.web_open(ctx(lang), cut, FINDING, {"url": "u", "max_chars": 200})[0]
    assert "200" in first and "13" not in first
