"""R18 readers: what the fresh sample of dataset 2.2.0 showed.

- A document's name on a program or a table: "platform/gateway/README.py" (note).
- Declines that refuse something else than what was asked ("I won't put the secrets
  into OPS-5794" when the user asked to print them), or a deletion refused for want of a
  backup alone, from an assistant whose tools only read (notes).
- The search's finding said, then the opened page's overview quoted saying the same (UN).
- "reports yet another figure: 60%" after a source that said 60% (found by the new check
  on the R18 set).
- The first three lines of an INI file read as their two settings, the `[compiler]`
  header left out; a quoted line without its full stop (notes).
- "Keep it short, please." answered in full (notes, R17 and R18).
- A limit in the request equal to a value the world holds and a later call carries
  (`prompt_leak` on the first set made after these fixes).
"""

from __future__ import annotations

import random
import re

import pytest
from fixture_items import outcome_session

from pipeline.gates.residue import another_figure_problem, residue_problem, restated_problem
from pipeline.gen import args, read_answers
from pipeline.gen.context import Ctx
from pipeline.gen.controls import DECLINE
from pipeline.gen.file_requests import FILE_REQUESTS
from pipeline.gen.plan import STRUCTURES
from pipeline.gen.pools import DOC_ONLY_STEMS, KINDS, repo_file
from pipeline.gen.recipes import web
from pipeline.gen.repo import Repo
from pipeline.gen.request_context import CONTEXT
from pipeline.gen.site import Finding
from pipeline.gen.topics import draw_topic
from pipeline.world import World, execute
from pipeline.world.model import File

TODAY = "2024-07-05"
THE_OVERVIEW_ONLY = {
    "en": "gives only that finding",
    "es": "solo recoge ese resultado",
    "de": "nennt nur dieses Ergebnis",
    "fr": "ne donne que ce résultat",
}
ALSO = {"en": "also reports", "es": "también indica", "de": "Auch ", "fr": "indique aussi"}

LANGS = ("en", "es", "de", "fr")


def test_document_names_go_on_documents_only() -> None:
    seen = {"doc": 0, "other": 0}
    for seed in range(3000):
        f = repo_file(random.Random(seed))
        stem = f.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        if stem in DOC_ONLY_STEMS:
            assert KINDS[f.ext] == "doc", f.path
            seen["doc"] += 1
        else:
            seen["other"] += 1
    assert seen["doc"] >= 50 and seen["other"] >= 1000


# What each decline refuses is what the user asked for (to print the secrets), and a
# refused deletion says that the tools here only read (R18 audit notes).
ASKED_VERB = {
    "en": "won't print",
    "es": "No voy a mostrar",
    "de": "gebe ich nicht aus",
    "fr": "n'afficherai pas",
}
READ_ONLY = {
    "en": "only read files",
    "es": "solo leen archivos",
    "de": "lesen nur Dateien",
    "fr": "ne font que lire",
}


@pytest.mark.parametrize("lang", LANGS)
def test_declines_refuse_what_was_asked(lang: str) -> None:
    _, answer = DECLINE["secrets"][lang]
    assert ASKED_VERB[lang] in answer
    _, answer = DECLINE["delete"][lang]
    assert READ_ONLY[lang] in answer


@pytest.mark.parametrize("lang", LANGS)
def test_an_opened_overview_is_not_the_search_finding_again(lang: str) -> None:
    """ctx-005746: "reports that ... fell by 20%. Its “Overview” section says: “... fell
    by 20% in our benchmark.”" A window or a cut that kept only the overview says so."""
    only = 0
    for seed in range(600):
        ctx = Ctx(random.Random(seed), lang, STRUCTURES[seed % len(STRUCTURES)], today=TODAY)
        outcome = web._search_then_open(ctx)
        session = outcome_session(outcome)
        assert restated_problem(session.answer) is None, session.answer
        assert residue_problem(session) is None, session.answer
        finding = outcome.episode.calls[0].result["results"][0]["snippet"]
        assert finding not in session.answer, session.answer
        only += THE_OVERVIEW_ONLY[lang] in session.answer
    assert only >= 5


def _three_sources(pcts: tuple[int, int, int]) -> tuple[dict[str, object], dict[str, Finding]]:
    topic = draw_topic(random.Random(7))
    results, findings = [], {}
    for i, pct in enumerate(pcts):
        url = f"https://example.org/{i}"
        results.append({"url": url, "title": f"Page {i}", "published": "2024-01-0{i + 1}"})
        findings[url] = Finding(topic, pct, None, None)
    return {"count": 3, "results": results}, findings


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("pcts", "also"),
    [((14, 60, 60), True), ((55, 70, 55), True), ((20, 60, 35), False), ((20, 22, 24), False)],
)
def test_a_third_source_with_a_figure_given_also_reports_it(
    lang: str, pcts: tuple[int, int, int], also: bool
) -> None:
    """ctx-004124: 14%, "By contrast" 60%, then "yet another figure: 60%"; ctx-001658:
    55%, 70%, then "A third source adds" 55%."""
    result, findings = _three_sources(pcts)
    ctx = Ctx(random.Random(0), lang, "flat_args", today=TODAY)
    said = web.search_answer(ctx, result, findings, listed=False, sources=True)
    answer = " ".join(said)
    assert another_figure_problem(answer) is None, answer
    assert (ALSO[lang] in said[-1]) is also, said


@pytest.mark.parametrize("lang", LANGS)
def test_an_ini_section_header_read_is_said(lang: str) -> None:
    """ctx-001716: the first 3 lines "[compiler]", two settings: the header was left out."""
    content = "[compiler]\nrate_limit = 2202\nkeepalive_s = 54\nport = 80\n"
    world = World("2025-06-30", files={"a/b.ini": File("a/b.ini", "2025-01-01", content=content)})
    result = execute(world, "fs.read", {"path": "a/b.ini", "max_lines": 3})
    sentence = read_answers.read(Ctx(random.Random(0), lang, "flat_args"), result)[0]
    assert "[compiler]" in sentence and "2202" in sentence and "54" in sentence, sentence


def test_no_request_asks_for_a_short_answer() -> None:
    """Answers are not shortened for "Keep it short, please.", so no request says it."""
    short = re.compile(r"short|brief|breve|kurz|court", re.IGNORECASE)
    for lang, lines in CONTEXT.items():
        assert not [x for x in lines if short.search(x)], lang


def test_a_limit_is_never_a_value_of_the_world() -> None:
    """ctx-006029 (R19 set): "Search for `window_days = 11` (at most 68 matches)" beside a
    file with `timeout_s = 68`, whose values the program then adds up: the request
    seemed to state 68 (prompt_leak, rightly). Limits avoid the world's numbers."""
    content = "\n".join(f"key_{n} = {n}" for n in range(10, 200, 2))
    files = {"a/b.ini": File("a/b.ini", "2025-01-01", content=content)}
    repo = Repo("a", "a", files=files)
    taken = set(range(10, 200, 2))
    world = World("2025-06-30", files=files)
    for seed in range(300):
        ctx = Ctx(random.Random(seed), "en", "numeric_ranges", today=TODAY)
        assert args.search_args(ctx, repo, "key_12", "a")["max_results"] not in taken
        assert args.read_args(ctx, world, "a/b.ini")["max_lines"] not in taken


def test_french_log_entries_are_named() -> None:
    """R19 note: "dont WARN à 06:46:11 …" lacked its noun."""
    lines = [
        "2023-12-16T06:45:00Z INFO svc start",
        "2023-12-16T06:46:11Z WARN feeds slow query took 7486 ms",
        "2023-12-16T06:47:17Z ERROR quota failed",
    ]
    ctx = Ctx(random.Random(0), "fr", "flat_args")
    one = read_answers.log_facts(ctx, lines[:2])["notable"]
    assert one == ", dont l'entrée WARN à 06:46:11 `feeds slow query took 7486 ms`", one
    both = read_answers.log_facts(ctx, lines)["notable"]
    assert both.startswith(", dont les entrées WARN à 06:46:11"), both


def test_a_search_request_does_not_ask_where_something_is_used() -> None:
    """R18 note: "Find where `validate_window(` is used" answered by its definition: a
    text search finds lines, not uses, so no request asks for uses."""
    assert not [t for t in FILE_REQUESTS["search"]["en"] if "is used" in t]
