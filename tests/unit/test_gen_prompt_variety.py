"""Prompts stay distinct at scale: topics drawn evenly, requests phrased and framed
in many ways, and nothing a framing adds changes what the calls must do.

At 100,000 items the default mix once repeated 2.9% of its prompts (verify's
`duplicate_prompts` gate allows 1%): a small web domain was drawn as often as a
large one, so its twelve topics came back thousands of times, under two
phrasings each.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from pipeline.gates.intent_words import DETECT
from pipeline.gen import read_answers
from pipeline.gen.args import code_args
from pipeline.gen.context import Ctx
from pipeline.gen.corrections import NOTHING_LOST, SOMETHING_LOST, clamp_sentence
from pipeline.gen.item import iter_items
from pipeline.gen.request_context import CONTEXT, REPO_CONTEXT, WEB_CONTEXT, with_context
from pipeline.gen.topics import DOMAINS, METRICS, Topic, draw_topic, topic_fields
from pipeline.params import GenerateParams, Params
from pipeline.world.code_run import Program

POOLS = {"general": CONTEXT, "web": WEB_CONTEXT, "repo": REPO_CONTEXT}


def test_every_topic_is_drawn_about_equally_often() -> None:
    topics = {
        (d, t, s) for d, spec in DOMAINS.items() for t in spec.techniques for s in spec.subjects
    }
    rng = random.Random(0)
    draws = 200 * len(topics)
    seen = Counter(
        (x.domain, x.technique, x.subject) for x in (draw_topic(rng) for _ in range(draws))
    )
    assert set(seen) == topics
    # Uniform: 200 expected each; a domain drawn as often as the others would put
    # the smallest domain's topics near 200 * 322 / 7 / 33 = 280 and the largest's near 150.
    assert max(seen.values()) < 270 and min(seen.values()) > 140


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_a_forced_metric_draws_only_domains_that_measure_it(metric: str) -> None:
    rng = random.Random(1)
    for _ in range(300):
        topic = draw_topic(rng, metric=metric)
        assert topic.metric == metric and metric in DOMAINS[topic.domain].metrics


@pytest.mark.parametrize("pool", sorted(POOLS))
def test_context_sentences_name_no_operation_value_or_file(pool: str) -> None:
    """A framing sentence must not ask for anything: the intent gate would then expect
    it answered, and a number in it could read as a value the user gave."""
    sizes = {lang: len(sentences) for lang, sentences in POOLS[pool].items()}
    assert set(sizes) == {"en", "es", "de", "fr"} and len(set(sizes.values())) == 1
    for lang, sentences in POOLS[pool].items():
        assert len(set(sentences)) == len(sentences)
        for sentence in sentences:
            assert not re.search(r"\d|`|/", sentence), sentence
            hits = [kind for kind, rule in DETECT.items() if rule.search(sentence)]
            assert hits == [], (lang, sentence, hits)


def test_context_goes_after_a_one_line_request_and_before_a_code_block() -> None:
    placed = Counter()
    for seed in range(400):
        one = with_context(random.Random(seed), "Read a.txt.", "en", frozenset({"fs"}))
        code = with_context(
            random.Random(seed), "Run this:\n```python\nprint(1)\n```", "en", frozenset({"code"})
        )
        if one != "Read a.txt.":
            assert one.startswith("Read a.txt. ")
            assert code.endswith("Run this:\n```python\nprint(1)\n```") and code != one
            placed[one.removeprefix("Read a.txt. ")] += 1
    # Framed often (60%), and from the general and repository pools, never the web one.
    assert 200 < sum(placed.values()) < 280
    assert set(placed) <= set(CONTEXT["en"]) | set(REPO_CONTEXT["en"])
    assert set(placed) & set(REPO_CONTEXT["en"])


def test_web_requests_draw_web_context_too() -> None:
    framed = {
        with_context(random.Random(seed), "Look it up.", "de", frozenset({"web"}))
        for seed in range(400)
    }
    tails = {f.removeprefix("Look it up. ") for f in framed} - {"Look it up."}
    assert tails & set(WEB_CONTEXT["de"]) and not tails & set(REPO_CONTEXT["de"])


def test_run_limits_never_repeat_a_value_the_program_carries() -> None:
    """A limit equal to a carried value ("18 s of CPU" beside an 18% cut) reads as the
    user stating what only the page returns; `prompt_leak` flagged one at 100,000."""
    carried = (*(v for v in range(1, 31) if v != 7), 128, 256, 512)
    program = Program("python", "literal", "max", carried)
    for seed in range(50):
        c = Ctx(random.Random(seed), "en", "nested_args")
        limits = code_args(c, program)["limits"]
        assert limits == {"memory_mb": 1024, "cpu_s": 7}
        c = Ctx(random.Random(seed), "en", "numeric_ranges")
        assert code_args(c, program)["timeout_s"] not in carried


def test_prompts_stay_distinct_at_scale() -> None:
    """Repeats grow with the square of the set: 20,000 items project to 100,000 by 25x.
    The generator before this test repeated 146 prompts here (3.7% projected)."""
    params = Params(seed=5, generate=GenerateParams(total=20_000))
    prompts = Counter(item["prompt"] for item in iter_items(params, range(20_000)))
    repeats = 20_000 - len(prompts)
    assert repeats * 25 < 0.01 * 100_000, repeats


@pytest.mark.parametrize("lang", ["en", "es", "de", "fr"])
def test_no_topic_reads_as_an_operation(lang: str) -> None:
    """ "le téléchargement différé" once read as a comparison ("différ..."), and the
    label gate then found a request asking for a compare its intent did not record."""
    for domain, spec in DOMAINS.items():
        for technique in spec.techniques:
            for subject in spec.subjects:
                fields = topic_fields(Topic(domain, technique, subject, spec.metrics[0]), lang)
                for text in fields.values():
                    assert [k for k, rule in DETECT.items() if rule.search(text)] == [], text


def _listing(depths: list[int]) -> dict[str, object]:
    paths = ["src/" + "/".join(["d"] * (n - 1) + [f"f{i}.py"]) for i, n in enumerate(depths)]
    return {"ok": True, "dir": "src", "count": len(paths), "results": [{"path": p} for p in paths]}


@pytest.mark.parametrize("lang", ["en", "es", "de", "fr"])
def test_a_depth_cap_is_judged_by_depth_not_by_count(lang: str) -> None:
    """A reader found "the listing found only 5 files, so nothing is missing" after a
    depth cap: how many files came back says nothing about what lies deeper."""
    c = Ctx(random.Random(0), lang, "flat_args")
    shallow = clamp_sentence(c, "fs.list", 16, 10, _listing([1, 2, 2, 1, 1]))
    assert "2 " in shallow and "5 " not in shallow
    deep = clamp_sentence(c, "fs.list", 16, 10, _listing([1, 10]))
    assert "10 " in deep and deep != shallow
    for words in (NOTHING_LOST["count"][lang], SOMETHING_LOST["count"][lang]):
        stem = words.split("{got}")[1][:12]
        assert stem not in shallow and stem not in deep


def test_a_locale_probe_names_the_file_it_dates() -> None:
    c = Ctx(random.Random(0), "es", "flat_args", probe=True)
    read = {"ok": True, "path": "a/b.ini", "modified": "2023-11-01", "size": 123}
    (sentence,) = read_answers.file_probe(c, read)
    assert "a/b.ini" in sentence and "01/11/2023" in sentence
