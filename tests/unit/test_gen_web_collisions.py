"""web_search recipes when a drawn address repeats one already in the world.

Addresses are drawn (`https://<site>/<prefix>/<words>-<2..999>`), so now and then
one repeats: an extra page of the topic, a distractor, the moved address of an
opened page, the dead address of a `_gone` item. Each seed below is the first one
(of a scan over seeds from 0, English, `flat_args`) at which that repeat happens;
the generated sets meet them too rarely to test them. Whatever repeats, the world
holds each address once, with the page whose finding the answer quotes.
"""

from __future__ import annotations

import random

from pipeline.gen.context import Ctx
from pipeline.gen.recipes import web
from pipeline.gen.site import Finding, finding_sentence
from pipeline.gen.topics import draw_topic
from pipeline.world.model import Page


def ctx(seed: int) -> Ctx:
    return Ctx(random.Random(seed), "en", "flat_args")


def assert_one_page_per_address(pages: list[Page], findings: dict[str, Finding]) -> None:
    """Every address once, and the finding kept for it is the one its page reports."""
    urls = [page.url for page in pages]
    assert len(urls) == len(set(urls)) and set(urls) == set(findings)
    for page in pages:
        assert page.sections[0].text == finding_sentence(findings[page.url], page.lang)


def test_an_extra_page_of_the_topic_at_a_taken_address_is_dropped() -> None:
    c = ctx(6780)  # the topic's second or third page draws an address already taken
    topic = draw_topic(c.rng)
    pages, findings = web.pages_for(c, topic, extra=2)
    assert_one_page_per_address(pages, findings)
    own = [url for url, finding in findings.items() if finding.topic == topic]
    assert len(own) == 2  # three drawn, one dropped
    assert findings[pages[0].url].topic == topic  # the main page stays first


def test_a_distractor_at_a_taken_address_is_dropped() -> None:
    c = ctx(60155)  # two distractors draw the same address
    topic = draw_topic(c.rng)
    pages, findings = web.pages_for(c, topic, extra=2)
    assert_one_page_per_address(pages, findings)
    assert findings[pages[0].url].topic == topic


def test_a_moved_address_equal_to_the_page_s_own_is_no_redirect() -> None:
    outcome = web._open(ctx(2854))  # the "moved" address drawn is the page's own
    world = outcome.episode.world
    assert not world.redirects
    (call,) = outcome.episode.calls
    url = call.arguments["url"]
    assert url in world.pages and "redirected_from" not in call.result
    assert outcome.intent["slots"] == {"url": url}
    assert url in outcome.request


def test_a_dead_address_is_redrawn_until_no_page_has_it() -> None:
    outcome = web._gone(ctx(6598))  # the first dead address drawn is a real page's
    world = outcome.episode.world
    failed, search, opened = outcome.episode.calls
    gone = failed.arguments["url"]
    assert gone not in world.pages and failed.result["ok"] is False
    assert (search.name, opened.name) == ("web.search", "web.open")
    assert opened.arguments["url"] in world.pages and opened.result["ok"] is True
    assert gone in outcome.sentences[0] and outcome.intent["slots"] == {"url": gone}


def test_a_comparison_s_distractor_at_a_taken_address_is_dropped() -> None:
    outcome = web._compare(ctx(150564))  # two distractors draw the same address
    world = outcome.episode.world
    first, second = outcome.episode.calls
    tops = [call.result["results"][0]["url"] for call in (first, second)]
    assert len(set(tops)) == 2 and all(url in world.pages for url in tops)
    assert all(url in outcome.sentences[0] for url in tops)
