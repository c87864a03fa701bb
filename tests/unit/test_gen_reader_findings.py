"""Answer rules that readers of the set found wrong, each pinned by a test.

- After a listing that named the top result, the answer said its title and
  address again, and a range correction repeated the count the listing gave.
- "Summarise the page" got the page's headline only: no figures, no caveat.
- A Spanish quote sets its full stop after the closing «»: the quoted line
  then did not ground the sentence, since the page's line ends with the stop.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from pipeline.gen import adversarial, web_answers
from pipeline.gen.context import Ctx
from pipeline.gen.corrections import clamp_sentence
from pipeline.gen.site import Finding
from pipeline.gen.topics import Topic
from pipeline.targets.grounding import Grounder

LANGS = ["en", "es", "de", "fr"]
TOPIC = Topic("databases", "query caching", "PostgreSQL", "latency")
FINDING = Finding(TOPIC, 40, 500, 300)
RESULTS = {
    "ok": True,
    "count": 2,
    "results": [
        {"url": "https://example.org/a-1", "title": "Query caching for PostgreSQL: notes"},
        {"url": "https://example.net/b-2", "title": "Query caching for PostgreSQL: a guide"},
    ],
}
PAGE = (
    "Query caching for PostgreSQL: notes\n\nOverview\nWith query caching, latency fell.\n\n"
    "Setup\nWe ran it on 3 nodes.\n\nResults\nP95 latency went from 500 ms to 300 ms.\n\n"
    "Caveats\nBelow 20 requests per second the gain was within the noise."
)


def ctx(lang: str) -> Ctx:
    return Ctx(random.Random(0), lang, "flat_args")


@pytest.mark.parametrize("lang", LANGS)
def test_after_a_listing_the_top_result_is_named_once(lang: str) -> None:
    c = ctx(lang)
    listing = web_answers.web_results(c, RESULTS)
    top = web_answers.web_top(c, RESULTS, FINDING, listed=True)
    assert "example.org/a-1" in listing and "example.org/a-1" not in top
    assert "Query caching for PostgreSQL: notes" in top  # named, so grounded by its title
    alone = web_answers.web_top(c, RESULTS, FINDING)
    assert "example.org/a-1" in alone


@pytest.mark.parametrize("lang", LANGS)
def test_a_range_correction_after_a_listing_refers_back_to_it(lang: str) -> None:
    c = ctx(lang)
    said = [web_answers.web_results(c, RESULTS)]
    count = c.count(2, "page")
    assert count in said[0]
    back = clamp_sentence(c, "web.search", 28, 10, RESULTS, said)
    fresh = clamp_sentence(ctx(lang), "web.search", 28, 10, RESULTS)
    assert back != fresh and count in back  # the figure stays, as a reference


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_summary_gives_its_figures_and_its_caveat(lang: str) -> None:
    opened = {"ok": True, "title": "Query caching for PostgreSQL: notes", "lines": 13,
              "content": PAGE, "published": "2024-01-02"}  # fmt: skip
    sentences = web_answers.web_open(ctx(lang), opened, FINDING, {"url": "u"})
    text = " ".join(sentences)
    assert "500 ms to 300 ms" in text and "within the noise" in text


def test_a_quote_with_its_stop_outside_still_grounds() -> None:
    page: dict[str, Any] = {"content": "El consumo de memoria pasó de 2273 MB a 955 MB.\nOtra."}
    sentence = "La sección «Resultados» añade: «El consumo de memoria pasó de 2273 MB a 955 MB»."
    assert Grounder([page]).fields(sentence) == ["content"]


def test_a_repaired_call_s_answer_says_the_repair_first_and_each_address_once() -> None:
    """A reader found the repair note glued between a listing's last address and its full
    stop, and the findings after it naming every page's address again."""
    listed = 0
    for seed in range(60):
        c = Ctx(random.Random(seed), "en", "flat_args")
        outcome = adversarial.malformed_json(c, "web_search")
        answer = outcome.answer
        assert answer.startswith("The arguments you gave were not valid JSON")
        result = outcome.episode.calls[0].result
        if len(result.get("results", ())) > 1:
            listed += 1
            for entry in result["results"]:
                assert answer.count(entry["url"]) == 1, (seed, entry["url"])
    assert listed >= 5
