"""One item from (params, index): the pure core of the generate stage.

The item's RNG is ``random.Random(f"{seed}:generate:{index}")``; the plan
gives its slot in O(1). Nothing is shared between items, so any split of the
index range over workers or shards gives the same bytes.

Labels are read off what the item does: the complexity and the argument
structure from its calls (both ``none`` without any: a shape describes
arguments, and a control or a clarifying question sends none), the scenario
from the tools it used (the tools it was offered when it used none).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import lru_cache
from hashlib import sha512
from math import ceil, log
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import orjson

from pipeline import records
from pipeline.gen import adversarial, longctx, render
from pipeline.gen.context import Ctx
from pipeline.gen.controls import ambiguity, control
from pipeline.gen.episode import Call
from pipeline.gen.plan import ADVERSARIAL, NO_CALLS, Slot, slot
from pipeline.gen.recipes import RECIPES, Outcome
from pipeline.gen.request_context import with_context
from pipeline.params import CawsParams, Params
from pipeline.text import normalize
from pipeline.tools.registry import load_registry

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

STAGE = "generate"
SCENARIO_TOOLS = {
    "file_ops": ("fs.list", "fs.read", "fs.search"),
    "web_search": ("web.open", "web.search"),
    "code_exec": ("code.run",),
    "multi_step": ("code.run", "fs.list", "fs.read", "fs.search", "web.open", "web.search"),
}
FAMILIES = {"fs": "file_ops", "web": "web_search", "code": "code_exec"}
FIRST_DAY = date(2024, 3, 1)
# The worlds' possible todays, written once per process rather than once per item.
TODAYS = tuple((FIRST_DAY + timedelta(days=d)).isoformat() for d in range(640))
T = TypeVar("T")


class Counter(Protocol):
    def count_tokens(self, text: str) -> int: ...


class ItemRandom(random.Random):
    """`random.Random` with shorter paths for `randint` and `choice`, the generator's most
    frequent draws: the same bits consumed and the same value returned (tests check it).
    Each inlines what `_randbelow_with_getrandbits` (the `_randbelow` of a Random subclass
    that keeps `random` and `getrandbits`) does, without the two or three Python frames of
    `randint` -> `randrange` -> `_randbelow` and `choice` -> `_randbelow`."""

    def randint(self, a: int, b: int) -> int:
        if type(a) is int and type(b) is int and b >= a:
            # What randrange(a, b + 1) returns: a + _randbelow(n).
            n = b - a + 1
            k = n.bit_length()
            r = self.getrandbits(k)
            while r >= n:
                r = self.getrandbits(k)
            return a + r
        return super().randint(a, b)  # anything else fails or converts as it always did

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return seq[r]

    def sample(
        self, population: Sequence[T], k: int, *, counts: Iterable[int] | None = None
    ) -> list[T]:
        """What `random.Random.sample` returns for a list or tuple, by its own two
        branches (a pool list for small populations, a set of picks otherwise) with
        the bit draw inlined; anything else goes the long way."""
        n = len(population)
        if counts is not None or type(population) not in (list, tuple) or type(k) is not int:
            return super().sample(population, k, counts=counts)
        if not 0 <= k <= n:
            return super().sample(population, k)  # raises as it always did
        getrandbits = self.getrandbits
        result: list[T] = []
        setsize = 21  # the size random.sample compares a list against (Python 3.11)
        if k > 5:
            setsize += 4 ** ceil(log(k * 3, 4))
        if n <= setsize:
            pool = list(population)
            for i in range(k):
                m = n - i
                bits = m.bit_length()
                j = getrandbits(bits)
                while j >= m:
                    j = getrandbits(bits)
                result.append(pool[j])
                pool[j] = pool[m - 1]
            return result
        selected: set[int] = set()
        bits = n.bit_length()
        for _ in range(k):
            j = getrandbits(bits)
            while j >= n or j in selected:
                j = getrandbits(bits)
            selected.add(j)
            result.append(population[j])
        return result


def item_rng(seed: int, index: int) -> random.Random:
    """`ItemRandom(f"{seed}:generate:{index}")`, seeded the way `random.Random.seed`
    seeds from a str (version 2: the UTF-8 bytes followed by their SHA-512, as one
    int), without the Python-level `__init__` and `seed` frames around the C seeding
    (tests check the state is the same)."""
    # Seeded content generation, not security: the same seed must give the same data.
    key = f"{seed}:{STAGE}:{index}".encode()
    rng = ItemRandom.__new__(ItemRandom)
    super(random.Random, rng).seed(int.from_bytes(key + sha512(key).digest()))
    # What `random.Random.seed` sets after seeding (typeshed does not declare it).
    rng.gauss_next = None  # type: ignore[attr-defined]
    return rng


def item_id(index: int) -> str:
    return f"ctx-{index:06d}"


@lru_cache(maxsize=8)
def caws_header(caws: CawsParams) -> str:
    body = {"tier": caws.tier, "max_files": caws.max_files, "max_loc": caws.max_loc,
            "cov": caws.cov, "mut": caws.mut}  # fmt: skip
    return json.dumps({"caws": body}, separators=(",", ":"))


def complexity_of(calls: list[Call]) -> str:
    """none | single_call | multi_call | branching_error_recovery, from the calls made."""
    if not calls:
        return NO_CALLS
    failed = [i for i, c in enumerate(calls) if not c.ok]
    if failed and any(c.ok for c in calls[failed[0] + 1 :]):
        return "branching_error_recovery"
    return "single_call" if len(calls) == 1 else "multi_call"


def scenario_of(calls: list[Call], planned: str) -> str:
    families = {FAMILIES[c.name.split(".")[0]] for c in calls}
    if not families:
        return planned
    return families.pop() if len(families) == 1 else "multi_step"


def _outcome(params: Params, s: Slot, ctx: Ctx) -> Outcome:
    if s.kind == "range_violation":
        return adversarial.range_violation(ctx, s.scenario)
    if s.kind == "malformed_json":
        return adversarial.malformed_json(ctx, s.scenario)
    return RECIPES[(s.scenario, s.complexity)](ctx)


def _metadata(
    params: Params,
    s: Slot,
    outcome: Outcome | None,
    negative: bool,
    n_integration: int,
    planned: str,
) -> dict[str, Any]:
    calls = outcome.episode.calls if outcome else []
    meta: dict[str, Any] = {
        "scenario": scenario_of(calls, planned),
        "complexity": complexity_of(calls),
        # The plan's structure shaped the arguments; without a call there are none to shape.
        "structure": s.structure if calls else NO_CALLS,
        "expected_behaviour": s.kind if s.control else "normal",
        "lang": s.lang,
        "format": params.generate.format,
    }
    if outcome is not None:
        meta["intent"] = outcome.intent
    meta["call_sequence"] = [{"name": c.name, "arguments": c.arguments} for c in calls]
    attempts = outcome.episode.attempts() if outcome else []
    if attempts:
        meta["attempts"] = attempts
    meta["tool_results"] = [c.result for c in calls]
    meta["tool_result_fields"] = render.result_fields(calls)
    if s.adversarial:
        meta["adversarial"] = {"type": s.kind, "expected": ADVERSARIAL[s.kind]}
    for flag, value in (
        ("long_context", s.long_context),
        ("locale_probe", s.locale_probe),
        ("negative_control", negative),
        ("control", s.control),
        ("integration_over_cap", n_integration > params.generate.integration_span_cap),
    ):
        if value:
            meta[flag] = True
    if outcome is not None:
        meta["world"] = outcome.episode.world.to_json()
    meta["sample_id"] = f"{params.seed}-{s.index}"
    meta["provenance"] = {
        "generator": f"toolcall-data/{params.dataset_version}",
        "seed": params.seed,
        "index": s.index,
    }
    return meta


def _tools_list(scenario: str) -> list[dict[str, Any]]:
    registry = load_registry()
    return [registry.get(name) for name in SCENARIO_TOOLS[scenario]]


def generate_item(
    params: Params,
    index: int,
    student: Counter | None = None,
    tools: Callable[[str], Any] = _tools_list,
) -> dict[str, Any]:
    """The item at `index`; `student` only measures long-context prompts; `tools` gives
    the scenario's tool list (`item_line` passes the one serialised per process)."""
    gen = params.generate
    s = slot(gen, params.seed, index)
    rng = item_rng(params.seed, index)
    outcome: Outcome | None = None
    negative = False
    planned = s.scenario
    today: str | None = None  # controls have no world, so no date
    if s.control:
        request, answer, planned = control(rng, s.kind, s.lang, s.scenario)
        sentences: list[str] = []
    elif s.kind == "ambiguity":
        request, answer, planned = ambiguity(rng, s.scenario, s.lang)
        sentences = []
    else:
        today = TODAYS[rng.randrange(len(TODAYS))]
        ctx = Ctx(rng, s.lang, s.structure, probe=s.locale_probe, today=today)
        outcome = _outcome(params, s, ctx)
        request, sentences = outcome.request, outcome.sentences
        answer = outcome.answer
        negative = s.kind == "normal" and rng.random() < gen.negative_control_prob
        if negative:
            adversarial.negative_control(ctx, outcome, answer)
        if s.kind == "normal":
            families = frozenset(c.name.split(".")[0] for c in outcome.episode.calls)
            request = with_context(rng, request, s.lang, families)
    header = caws_header(gen.caws) if gen.caws_header else None
    if s.long_context:
        prompt = longctx.wrap(
            rng, header, request, s.lang,
            tokens=gen.long_context_tokens, nbytes=gen.long_context_bytes, counter=student,
            today=today,
        )  # fmt: skip
    else:
        prompt = request if header is None else f"{header}\n{request}"
    calls = outcome.episode.calls if outcome else []
    prompt, answer = normalize(prompt), normalize(answer)
    sentences = [normalize(x) for x in sentences]
    encoded = render.responses(calls)
    text, gold = render.teacher_text(calls, sentences, answer, gen.format, encoded)
    metadata = _metadata(params, s, outcome, negative, len(sentences), planned)
    metadata["gold"] = render.gold_spans(text, gold)
    return {
        "id": item_id(index),
        "prompt": prompt,
        "teacher_text": text,
        "tools": tools(metadata["scenario"]),
        "messages": render.messages(prompt, calls, answer, encoded),
        "metadata": metadata,
    }


@lru_cache(maxsize=8)
def _tools_json(scenario: str) -> orjson.Fragment:
    """A scenario's tools as JSON: the same list for every item, so serialised once per
    process (orjson inserts a fragment's bytes as they are: the line is unchanged)."""
    return orjson.Fragment(orjson.dumps(_tools_list(scenario)))


def item_line(params: Params, index: int, student: Counter | None = None) -> bytes:
    """`records.dumps(generate_item(params, index, student))`: the item's JSONL line."""
    return records.dumps(generate_item(params, index, student, tools=_tools_json))


def iter_items(
    params: Params, indices: Iterable[int], student: Counter | None = None
) -> Iterator[dict[str, Any]]:
    """Items for `indices`, in that order (what workers, shards and Ray wrap)."""
    for index in indices:
        yield generate_item(params, index, student)
