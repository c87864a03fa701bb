"""What the R13 readers found in web answers and long-context prompts.

- "…so I sent them repaired as `{…}`. Its “Results” section says: …" (item 8): the
  page summary opened on "Its", which read as the repaired arguments; an opened page
  (the user gave its address) was summarised without ever being named (item 31).
- A long-context prompt pasted incident logs dated after the item's own date (item 73).
- "The main finding" was the top result's 46% while the two other results on the same
  topic said 71% and 72% (items 69 and 91): the answer now says the others' figures.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from fixture_items import outcome_session

from pipeline.gates.coherence import pasted_problem
from pipeline.gates.meaning import semantic_findings
from pipeline.gates.residue import residue_problem
from pipeline.gates.session import Session, Turn
from pipeline.gen import adversarial, longctx
from pipeline.gen.context import Ctx
from pipeline.gen.item import generate_item
from pipeline.gen.plan import slot
from pipeline.gen.recipes import web
from pipeline.gen.recipes.base import Outcome
from pipeline.params import GenerateParams, Params

LANGS = ["en", "es", "de", "fr"]
TODAY = "2024-07-05"
# The first sentence said of a page's section, in the four languages (after the
# section's quoted heading comes its verb).
SECTION = re.compile(r"section|sección|Abschnitt", re.IGNORECASE)
CODE = re.compile(r"`[^`]*`")


def _about_a_section(sentence: str) -> bool:
    return SECTION.search(CODE.sub("", sentence)) is not None


def _first_section(outcome: Outcome) -> tuple[str, str]:
    """(the answer up to the first section sentence, that sentence)."""
    said = [outcome.preface, *outcome.sentences] if outcome.preface else outcome.sentences
    at = next(i for i, s in enumerate(said) if _about_a_section(s))
    return " ".join(said[:at]), said[at]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["open", "repair", "gone"])
# A window, sections, a format, a character limit, links: every way to open a page.
@pytest.mark.parametrize("structure", ["nested_args", "arrays", "enums", "numeric_ranges"])
def test_the_first_sentence_about_a_page_names_it(lang: str, path: str, structure: str) -> None:
    """Opened alone (with or without a redirect), after a JSON repair note, after a 404
    substitute: the page is named (title) before or in the first section sentence."""
    seen = 0
    for seed in range(120):
        ctx = Ctx(random.Random(seed), lang, structure, today=TODAY)
        if path == "open":
            outcome = web._open(ctx)
        elif path == "repair":
            outcome = adversarial.malformed_json(ctx, "web_search")
        else:
            outcome = web._gone(ctx)
        opened = [c.result for c in outcome.episode.calls if c.name == "web.open"]
        if not opened or not any(_about_a_section(s) for s in outcome.sentences):
            continue
        seen += 1
        before, sentence = _first_section(outcome)
        page = opened[-1]
        # An address inside the repaired JSON (code) names nothing to a reader.
        prose = CODE.sub("", before)
        assert page["title"] in prose + sentence or page["url"] in prose, (before, sentence)
        assert residue_problem(outcome_session(outcome)) is None, outcome.sentences
    assert seen >= 10


@pytest.mark.parametrize(
    "answer",
    [
        # R13 item 8: the repair note's JSON (code) holds the address, not the prose.
        "You sent the arguments with single quotes, so I sent them repaired as "
        '`{"url": "https://example.com/a-1"}`. Its “Results” section says: It fell.',
        # R13 item 31: opened directly, never named.
        "Its “Overview” section says: It fell.",
        "Su sección «Resumen» dice: «Bajó».",
        "Sa section « Aperçu » précise : « Il a baissé ».",
    ],
)
def test_a_page_pronoun_before_the_page_is_named_is_residue(answer: str) -> None:
    page = {"ok": True, "url": "https://example.com/a-1", "title": "Caching: notes"}
    session = Session("Summarise it.", [Turn("web.open", {"url": page["url"]}, page)], answer)
    found = residue_problem(session)
    assert found is not None and "not named" in found
    named = Session(session.request, session.turns, "The page “Caching: notes” reports. " + answer)
    assert residue_problem(named) is None


@pytest.mark.parametrize("lang", LANGS)
def test_pasted_logs_are_dated_on_or_before_the_item_s_date(lang: str) -> None:
    stamps = []
    for seed in range(20):
        text = longctx.distractors(random.Random(seed), 20_000, TODAY)
        stamps += re.findall(r"^(\d{4}-\d\d-\d\d)T", text, re.M)
        prompt = longctx.wrap(
            random.Random(seed), None, "Task", lang, tokens=0, nbytes=20_000, counter=None,
            today=TODAY,
        )  # fmt: skip
        assert pasted_problem({"world": {"today": TODAY}}, prompt) is None
    assert len(stamps) > 100 and max(stamps) <= TODAY


def test_logs_pasted_from_the_future_are_incoherent() -> None:
    prompt = "Context: logs\n\n2024-08-21T04:12:55Z INFO api[12] started\n\nTask:\nList src."
    found = pasted_problem({"world": {"today": TODAY}}, prompt)
    assert found is not None and "2024-08-21" in found
    assert pasted_problem({"world": {"today": "2024-08-21"}}, prompt) is None
    assert pasted_problem({}, prompt) is None  # a control: no date to contradict


def _pct(sentence: str) -> list[int]:
    return [int(x) for x in re.findall(r"(\d+)\s?%", sentence)]


MORE = {
    "en": "yet another figure",
    "es": "otra cifra distinta",
    "de": "Wieder anders meldet",
    "fr": "encore un autre chiffre",
}
CONTRAST = {
    "en": "By contrast, ",
    "es": "En cambio, ",
    "de": "Dagegen meldet ",
    "fr": "En revanche, ",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_main_finding_names_the_other_sources_when_they_disagree(lang: str) -> None:
    """When another result on the same topic reports a figure more than 10 points away
    from the top one's, the answer says it (with its page) after the top finding."""
    spread = 0
    for seed in range(400):
        ctx = Ctx(random.Random(seed), lang, "optional_keys", today=TODAY)
        outcome = web._search(ctx)
        result = outcome.episode.calls[-1].result
        if "top_k" in outcome.episode.calls[-1].arguments or len(result["results"]) < 2:
            continue
        snippets = {e["url"]: _pct(e["snippet"]) for e in result["results"]}
        top = snippets[result["results"][0]["url"]]
        answer = " ".join(outcome.sentences)
        far = [
            url
            for url, figures in list(snippets.items())[1:]
            if figures and top and abs(figures[0] - top[0]) > web.SPREAD
            and result["results"][0]["title"].split(":")[0] == next(
                e["title"] for e in result["results"] if e["url"] == url
            ).split(":")[0]
        ]  # fmt: skip
        if not far:
            continue
        spread += 1
        assert any(url in answer for url in far), (snippets, answer)
        # A far figure is set against the top one, never "added" to it (R15 audit), and
        # a second one is "yet another", not a second "By contrast" (R16 audit).
        said = [s for s in outcome.sentences if any(url in s for url in far)]
        assert said and CONTRAST[lang] in said[0], said
        # ... unless it repeats a figure already given, which it "also" reports (R18).
        given = {top[0]} | {snippets[url][0] for url in far[:1]}
        for s in said[1:]:
            assert (MORE[lang] in s) == (not set(_pct(s)) & given), said
    assert spread >= 10


def _findings(item: dict[str, object]) -> dict[str, str]:
    metadata = item["metadata"]
    assert isinstance(metadata, dict)
    _, found = semantic_findings(item, metadata, [], labels=False, train_failed=False)
    return dict(found)


def test_verify_finds_future_logs_injected_into_a_long_context_item() -> None:
    params = Params(generate=GenerateParams(total=60))
    index = next(
        i
        for i in range(60)
        if slot(params.generate, params.seed, i).long_context
        and not slot(params.generate, params.seed, i).control
    )
    item = generate_item(params, index)
    today = item["metadata"]["world"]["today"]
    assert "result_incoherent" not in _findings(item)
    later = date.fromisoformat(today) + timedelta(days=47)
    lead = next(iter(longctx.LEAD.values()))
    for text in longctx.LEAD.values():
        if text in item["prompt"]:
            lead = text
    item["prompt"] = item["prompt"].replace(
        lead, f"{lead}\n\n{later.isoformat()}T04:12:55Z INFO api[12] started", 1
    )
    assert "after the item's date" in _findings(item)["result_incoherent"]


def test_verify_finds_a_page_pronoun_injected_into_an_opened_page_answer() -> None:
    for seed in range(200):
        ctx = Ctx(random.Random(seed), "en", "arrays", today=TODAY)
        outcome = web._open(ctx)
        if "redirected_from" not in outcome.episode.calls[0].result:
            break
    session = outcome_session(outcome)
    assert residue_problem(session) is None
    # The R13 template: the page's first sentence without its name.
    first = re.sub(r"^The page “[^”]*” says in its (“[^”]*”) section:", r"Its \1 section says:",
                   session.answer)  # fmt: skip
    assert first != session.answer
    found = residue_problem(Session(session.request, session.turns, first))
    assert found is not None and "Its" in found
