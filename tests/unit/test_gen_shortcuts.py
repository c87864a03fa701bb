"""The generator's shortcuts give what the long way gives (they exist for speed only)."""

from __future__ import annotations

import dataclasses
import difflib
import json
import random
import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import records
from pipeline.gen import pools, render
from pipeline.gen.contents import _scalar, make_body
from pipeline.gen.context import Ctx
from pipeline.gen.item import (
    FIRST_DAY,
    SCENARIO_TOOLS,
    TODAYS,
    ItemRandom,
    generate_item,
    item_line,
    item_rng,
)
from pipeline.gen.lang import locale_number
from pipeline.gen.recipes.base import _likeness_bound, closest
from pipeline.gen.recipes.multi import _ints
from pipeline.gen.recipes.web import linked
from pipeline.gen.render import flatten, gold_spans
from pipeline.gen.repo import Repo
from pipeline.gen.site import _caveat, _setup, draw_finding, make_page
from pipeline.gen.topics import draw_topic
from pipeline.params import GenerateParams, Params
from pipeline.spans import SpanError, TextIndex
from pipeline.world.fs_read import parse_structured
from pipeline.world.model import Page
from pipeline.world.paths import hidden


@pytest.mark.parametrize("ext", pools.CONFIG_EXTENSIONS)
def test_a_configs_parsed_ints_are_what_the_parser_finds(ext: str) -> None:
    for seed in range(400):
        rng = random.Random(seed)
        f = pools.RepoFile(f"src/auth/config.{ext}", "config", ext)
        body = make_body(rng, f, min_ints=rng.randint(0, 3))
        data = parse_structured(f.path, body.text)
        ints = [v for v in data.values() if isinstance(v, int) and not isinstance(v, bool)]
        assert body.parsed_ints() == len(ints), body.text


def test_no_pool_string_reads_as_another_yaml_type() -> None:
    for kind, choices in pools._CHOICES.items():
        for value in choices:
            assert parse_structured("c.yaml", f"{kind}: {value}\n") == {kind: value}


@pytest.mark.parametrize("ext", pools.CONFIG_EXTENSIONS)
def test_the_integers_of_a_whole_config_read_are_its_bodys(ext: str) -> None:
    for seed in range(400):
        rng = random.Random(seed)
        f = pools.RepoFile(f"src/auth/config.{ext}", "config", ext)
        repo = Repo("src/auth", "src/cache", bodies={f.path: make_body(rng, f)})
        # What fs.read returns for the whole file: its lines, without the last newline.
        read = {"path": f.path, "content": repo.bodies[f.path].text[:-1]}
        parsed = _ints(Repo("src/auth", "src/cache"), read)  # unknown file: parsed
        assert _ints(repo, read) == parsed


def test_the_item_rng_draws_exactly_what_random_draws() -> None:
    bounds = [(0, 0), (1, 2), (1, 9), (2, 999), (1025, 65000), (-5, 5), (0, 2**70)]
    for seed in range(300):
        fast, plain = (
            ItemRandom(f"{seed}:generate:{seed}"),
            random.Random(f"{seed}:generate:{seed}"),
        )
        for a, b in bounds * 20:
            assert fast.randint(a, b) == plain.randint(a, b)
        # Interleaved with other draws, the streams stay in step.
        assert fast.random() == plain.random()
        assert fast.choice("abcdefg") == plain.choice("abcdefg")


def test_the_item_rngs_choice_draws_exactly_what_random_draws() -> None:
    # Lengths at and around powers of two, where the rejection loop differs most.
    seqs = [tuple(range(n)) for n in (1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 100, 1000)]
    for seed in range(300):
        fast, plain = ItemRandom(seed), random.Random(seed)
        for seq in seqs * 5:
            assert fast.choice(seq) == plain.choice(seq)
            assert fast.randint(1, 6) == plain.randint(1, 6)
        assert fast.choice("xyz") == plain.choice("xyz")
        assert fast.choice(["a", "b"]) == plain.choice(["a", "b"])
        assert fast.getstate() == plain.getstate()


def test_the_item_rngs_sample_draws_exactly_what_random_draws() -> None:
    # Both of random.sample's branches: a pool list (n at most the set size) and a set.
    shapes = [(n, k) for n in (1, 2, 5, 8, 21, 22, 40, 85, 86, 300) for k in (0, 1, 3, 5, 6, 7, 12)]
    for seed in range(60):
        fast, plain = ItemRandom(seed), random.Random(seed)
        for n, k in shapes:
            if k > n:
                continue
            population: list[int] | tuple[int, ...] = list(range(n)) if k % 2 else tuple(range(n))
            assert fast.sample(population, k) == plain.sample(population, k)
            assert fast.getstate() == plain.getstate()
        # The long way for anything else, with its errors.
        assert fast.sample(range(50), 4) == plain.sample(range(50), 4)
        assert fast.sample("abc", 2, counts=[1, 2, 3]) == plain.sample("abc", 2, counts=[1, 2, 3])
        with pytest.raises(ValueError):
            fast.sample([1, 2], 3)
        with pytest.raises(TypeError):
            fast.sample({1, 2}, 1)  # type: ignore[call-overload]
        assert fast.getstate() == plain.getstate()


def test_the_item_rngs_choice_of_nothing_fails_as_randoms_does() -> None:
    with pytest.raises(IndexError, match="empty sequence"):
        random.Random(1).choice(())
    with pytest.raises(IndexError, match="empty sequence"):
        ItemRandom(1).choice(())


def _flatten_long_way(value: object, prefix: str, out: dict[str, str]) -> None:
    """The one-call-per-value flattening the shortcut replaces."""
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten_long_way(child, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _flatten_long_way(child, f"{prefix}#{i}", out)
    else:
        out[prefix] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [
        {"ok": True, "n": 3, "x": 1.5, "none": None, "s": "é", "big": 2**70, "neg": -4},
        {"results": [{"path": "a.py", "line": 3, "hits": [1, [2, {"k": False}]]}], "e": []},
        [1, "two", {"three": [3.0]}],
        "a leaf",
        7,
        {"": {"": [None]}},
    ],
)
def test_flatten_gives_what_one_call_per_value_gives(value: object) -> None:
    for prefix in ("", "call#1"):
        fast: dict[str, str] = {}
        slow: dict[str, str] = {}
        flatten(value, prefix, fast)
        _flatten_long_way(value, prefix, slow)
        assert list(fast.items()) == list(slow.items())


@pytest.mark.parametrize("text", ["ascii only text here", "año, Straße 😀 done", ""])
def test_gold_spans_give_the_byte_offsets_of_the_text(text: str) -> None:
    n = len(text)
    gold = {"call_spans": [(0, n), (n // 2, n)], "args_spans": [(1, 1)] if n else []}
    for key, spans in gold_spans(text, gold).items():
        for span, (s, e) in zip(spans, gold[key], strict=True):
            assert span == {
                "chars": [s, e],
                "utf8": [len(text[:s].encode()), len(text[:e].encode())],
            }
    with pytest.raises(SpanError):
        gold_spans(text, {"call_spans": [(0, n + 1)]})


@given(
    text=st.text(alphabet=st.sampled_from("ab é中😀\n"), max_size=30),
    cuts=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6),
)
def test_gold_spans_agree_with_the_text_index_on_any_text(
    text: str, cuts: list[tuple[int, int]]
) -> None:
    """Offsets in any order, repeated or out of bounds: what `TextIndex.utf8` gives
    per offset (or its error)."""
    gold = {"call_spans": cuts, "args_spans": cuts[::-1]}
    try:
        utf8 = TextIndex(text).utf8
        expected = {
            key: [{"chars": [s, e], "utf8": [utf8(s), utf8(e)]} for s, e in pairs]
            for key, pairs in gold.items()
        }
    except SpanError:
        with pytest.raises(SpanError):
            gold_spans(text, gold)
        return
    assert gold_spans(text, gold) == expected


@given(seed=st.integers(-(2**70), 2**70), index=st.integers(0, 10**7))
def test_the_item_rng_is_seeded_as_random_seeds_from_a_str(seed: int, index: int) -> None:
    rng = item_rng(seed, index)
    expected = ItemRandom(f"{seed}:generate:{index}")
    assert type(rng) is ItemRandom
    assert rng.getstate() == expected.getstate()
    assert [rng.random() for _ in range(3)] == [expected.random() for _ in range(3)]
    assert rng.gauss(0, 1) == expected.gauss(0, 1)


@given(today=st.dates(min_value=date(2000, 3, 1)), days=st.integers(0, 800))
def test_days_before_is_the_date_arithmetic(today: date, days: int) -> None:
    expected = (today - timedelta(days=days)).isoformat()
    assert pools.days_before(today.isoformat(), days) == expected


@given(today=st.dates(), days=st.integers(-(10**6), 10**6) | st.floats(-1e3, 1e3))
def test_days_before_is_the_date_arithmetic_or_fails_as_it_does(
    today: date, days: int | float
) -> None:
    """Through day numbers inside the calendar; out of it (or with days that are not
    an int) the arithmetic itself answers, or raises."""
    try:
        expected = (today - timedelta(days=days)).isoformat()
    except OverflowError:
        with pytest.raises(OverflowError):
            pools.days_before(today.isoformat(), days)  # type: ignore[arg-type]
        return
    assert pools.days_before(today.isoformat(), days) == expected  # type: ignore[arg-type]


def test_an_iso_date_is_the_day_of_the_same_draw_after_new_year_2023() -> None:
    for seed in range(300):
        fast, slow = random.Random(seed), random.Random(seed)
        expected = (date(2023, 1, 1) + timedelta(days=slow.randrange(730))).isoformat()
        assert pools.iso_date(fast) == expected
        assert fast.getstate() == slow.getstate()


_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=6) | st.integers() | st.booleans(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(value=_JSON_VALUES)
def test_render_dumps_is_json_dumps_without_ascii_escapes(value: object) -> None:
    assert render.dumps(value) == json.dumps(value, ensure_ascii=False)


def test_render_dumps_fails_as_json_dumps_does() -> None:
    circular: list[object] = []
    circular.append(circular)
    for bad in ({"k": {1, 2}}, circular, {(1, 2): 3}):
        with pytest.raises((TypeError, ValueError)) as expected:
            json.dumps(bad, ensure_ascii=False)
        with pytest.raises(expected.type, match=re.escape(str(expected.value))):
            render.dumps(bad)
    # The table of containers being encoded is new per call: a failed call leaves no trace.
    assert render.dumps([[], []]) == "[[], []]"


def test_an_items_today_is_the_first_day_plus_its_first_draw() -> None:
    """The table of todays gives what the date arithmetic on the item's first draw gives."""
    params = Params(generate=GenerateParams(total=200))
    worlds = 0
    for index in range(200):
        world = generate_item(params, index)["metadata"].get("world")
        if world is None:
            continue  # controls and ambiguity items draw no world
        first = item_rng(params.seed, index).randrange(640)
        assert world["today"] == (FIRST_DAY + timedelta(days=first)).isoformat()
        worlds += 1
    assert worlds > 150
    assert len(TODAYS) == 640


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("a", "b"), [(3, 2), (1.5, 3), (1, "x"), (True, 3)])
def test_the_item_rngs_randint_fails_or_converts_as_randoms_does(a: object, b: object) -> None:
    try:
        expected: object = random.Random(1).randint(a, b)  # type: ignore[arg-type]
    except Exception as exc:  # whatever random raises, the item rng raises
        with pytest.raises(type(exc)):
            ItemRandom(1).randint(a, b)  # type: ignore[arg-type]
    else:
        assert ItemRandom(1).randint(a, b) == expected  # type: ignore[arg-type]


def test_a_config_value_is_written_in_json_as_json_dumps_writes_it() -> None:
    rng = random.Random(11)
    values = [pools.config_value(rng, kind) for _, kind in pools.CONFIG_KEYS for _ in range(50)]
    for value in [*values, True, False, 0, 65000, 'a "quoted" é']:
        assert _scalar(value, "json") == json.dumps(value)


def test_a_cached_locale_number_keeps_ints_and_floats_apart() -> None:
    for lang in ("es", "de", "fr"):
        for value in (1, 1.0, 1234, 1234.0, 12345, 65.52, -3):
            expected = locale_number.__wrapped__(value, lang)
            assert locale_number(value, lang) == expected
            assert locale_number(value, lang) == expected  # the cached entry
    # An int and a float that compare equal must not share an entry.
    assert locale_number.cache_parameters()["typed"] is True


def test_a_page_sentence_for_an_unknown_language_fails_as_before() -> None:
    topic = draw_topic(random.Random(3), "builds")
    finding = draw_finding(random.Random(3), topic)
    for lang in ("en", "es", "de", "fr"):
        assert make_page(random.Random(1), finding, lang, "2024-06-01").lang == lang
    with pytest.raises(KeyError):
        _setup(random.Random(1), topic, "it")
    with pytest.raises(KeyError):
        _caveat(random.Random(1), "builds", "it")


def test_an_item_line_is_the_item_serialised_whole() -> None:
    params = Params(generate=GenerateParams(total=400))
    scenarios = set()
    for index in range(0, 400, 3):
        item = generate_item(params, index)
        scenarios.add(item["metadata"]["scenario"])
        assert item_line(params, index) == records.dumps(item)
    assert scenarios == set(SCENARIO_TOOLS)  # every tool list was spliced in at least once


@pytest.mark.parametrize(
    "path",
    ["", ".", "..", ".env", "a/.env", "a/b.c", "a./b", "a/b/.", "a//.b", "/.x", "a/b.", "x.y/z"],
)
def test_a_hidden_path_is_one_with_a_component_starting_with_a_dot(path: str) -> None:
    assert hidden(path) == any(part.startswith(".") for part in path.split("/"))


@given(
    name=st.text("ab/._xyz", max_size=12),
    candidates=st.lists(st.text("ab/._xyz", max_size=12), min_size=1, max_size=8),
)
def test_closest_is_the_best_ratio_of_all_candidates_ties_by_order(
    name: str, candidates: list[str]
) -> None:
    """Scoring best bound first and stopping early picks what scoring every candidate
    picks (a small alphabet makes equal ratios, and so ties, common)."""
    scored = [
        (difflib.SequenceMatcher(None, name, c).ratio(), -i, c) for i, c in enumerate(candidates)
    ]
    assert closest(name, candidates) == max(scored)[2]


def test_the_likeness_bound_is_never_below_the_ratio() -> None:
    rng = random.Random(5)
    for _ in range(2000):
        a = "".join(rng.choices("abc/._", k=rng.randint(0, 15)))
        b = "".join(rng.choices("abc/._", k=rng.randint(0, 15)))
        assert _likeness_bound(a, b) >= difflib.SequenceMatcher(None, a, b).ratio()


def test_linked_pages_are_the_pages_with_their_links_replaced() -> None:
    """`linked` builds each page anew, field by field: the page `dataclasses.replace`
    gives, and the fields it copies are all the fields a page has (the title too,
    made distinct from the titles before it)."""
    fields = {f.name for f in dataclasses.fields(Page)}
    assert fields == {"url", "title", "published", "lang", "sections", "links", "safe"}
    for seed in range(60):
        ctx = Ctx(random.Random(seed), "en", "flat", today="2024-06-01")
        topic = draw_topic(ctx.rng)
        pages = [
            make_page(ctx.rng, draw_finding(ctx.rng, topic), "en", ctx.today) for _ in range(3)
        ]
        pages[0] = dataclasses.replace(pages[0], safe=False)
        out = linked(ctx, pages)
        assert [
            dataclasses.replace(p, links=q.links, title=q.title)
            for p, q in zip(pages, out, strict=True)
        ] == out
        titles = [q.title for q in out]
        assert len(set(titles)) == len(titles) and titles[0] == pages[0].title
        assert all(q.links for q in out)
