"""R15 audit item 20 (also R14 item 72, R12 item 78): "open the top result (with its
links)" was answered, in the search -> open -> compute chain, with the computed value
and no word of the links the page returned. Every answer to a request that opens a
page with its links now names them, and verify fails one that names none of them
(`intent_unanswered`, "links: ...")."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.gates import content_intents, intent_words
from pipeline.gates.meaning import semantic_findings
from pipeline.gates.session import Session, Turn, session_of
from pipeline.gen import web_answers
from pipeline.gen.context import Ctx
from pipeline.gen.item import generate_item
from pipeline.gen.recipes import multi, web
from pipeline.gen.recipes.base import Outcome
from pipeline.params import GenerateParams, Params

LANGS = ["en", "es", "de", "fr"]
# Every path that opens a page with the options `web_open_args` draws.
RECIPES: dict[str, Callable[[Ctx], Outcome]] = {
    "open": web._open,
    "search_then_open": web._search_then_open,
    "gone": web._gone,
    "baseline": multi.baseline,
}
# The links sentence (phrases "web.links") in its four languages.
LINKS_SENTENCE = re.compile(
    r" ?(?:The page links to|La página enlaza a|Die Seite verlinkt auf|La page renvoie vers)"
    r" [^ ]+(?: [^ ]+)*?\.(?= |$)"
)


def _session(outcome: Outcome) -> Session:
    turns = [Turn(c.name, c.arguments, c.result) for c in outcome.episode.calls]
    return Session(outcome.request, turns, " ".join(outcome.sentences))


def _links(outcome: Outcome) -> list[str]:
    return [
        link
        for c in outcome.episode.calls
        if c.name == "web.open" and c.arguments.get("include_links") and c.result.get("ok", True)
        for link in c.result.get("links", ())
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(RECIPES))
def test_a_page_opened_with_its_links_is_answered_with_them(name: str, lang: str) -> None:
    """Fails on the old code for `baseline` (the computed value and no links)."""
    asked = 0
    for seed in range(40):
        outcome = RECIPES[name](Ctx(random.Random(seed), lang, "optional_keys"))
        links = _links(outcome)
        if not links:
            continue
        asked += 1
        session = _session(outcome)
        assert intent_words.LINKS.search(session.request), session.request
        answer = session.answer
        assert all(link in answer for link in links), (session.request, answer)
        assert content_intents.links_problem(session) is None
    assert asked >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_many_links_are_named_by_the_first_few_and_their_count(lang: str) -> None:
    ctx = Ctx(random.Random(0), lang, "optional_keys")
    links = [f"https://example.com/p/{i}" for i in range(7)]
    (sentence,) = web_answers.web_links(ctx, {"links": links}, {"include_links": True})
    assert "7" in sentence and all(x in sentence for x in links[:3]) and links[3] not in sentence
    # Said as partial the way the list rule reads it ("the first 3", "die ersten 3").
    assert intent_words.PARTIAL.search(sentence), sentence
    assert web_answers.web_links(ctx, {"links": links}, {"include_links": False}) == []


@pytest.mark.parametrize(
    "request_text",
    [
        "Open https://example.com/a (with its links).",
        "Abre https://example.com/a (con sus enlaces).",
        "Öffne https://example.com/a (mit den Links).",
        "Ouvre https://example.com/a (avec ses liens).",
    ],
)
def test_the_links_ask_is_read_in_four_languages(request_text: str) -> None:
    assert intent_words.LINKS.search(intent_words.unquoted(request_text))
    for without in ("(without links)", "(sin enlaces)", "(ohne Links)", "(sans les liens)"):
        assert not intent_words.LINKS.search(request_text.split("(")[0] + without)


def _links_item() -> dict[str, Any]:
    """The first generated item whose request opens a page with its links and gets
    some back, in the chain that computes from the page (where the links went unsaid)."""
    params = Params(generate=GenerateParams(total=4000))
    for index in range(params.generate.total):
        item = generate_item(params, index)
        session = session_of(item)
        opened = [t for t in session.turns if t.name == "web.open" and not t.failed]
        if (
            intent_words.LINKS.search(session.request)
            and any(t.name == "code.run" for t in session.turns)
            and any(t.arguments.get("include_links") and t.response.get("links") for t in opened)
        ):
            return item
    raise AssertionError("no item computes from a page opened with its links")


def _findings(item: dict[str, Any]) -> dict[str, str]:
    _, found = semantic_findings(item, item["metadata"], [], labels=False, train_failed=False)
    return dict(found)


def test_verify_fails_an_answer_that_drops_the_links() -> None:
    item = _links_item()
    assert "intent_unanswered" not in _findings(item)
    old = item["messages"][-1]["content"]
    item["messages"][-1] = {**item["messages"][-1], "content": LINKS_SENTENCE.sub("", old)}
    assert item["messages"][-1]["content"] != old
    why = _findings(item).get("intent_unanswered")
    assert why is not None and why.startswith("links: none of the"), why
