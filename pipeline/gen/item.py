"""One item from (params, index): the pure core of the generate stage.

The item's RNG is ``random.Random(f"{seed}:generate:{index}")``; the plan
gives its slot in O(1). Nothing is shared between items, so any split of the
index range over workers or shards gives the same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from pipeline.gen import adversarial, longctx, render
from pipeline.gen.context import Ctx, Step
from pipeline.gen.controls import ambiguity, control
from pipeline.gen.plan import ADVERSARIAL, Slot, slot
from pipeline.gen.scenarios import Chain, build_chain
from pipeline.params import CawsParams, Params
from pipeline.text import normalize
from pipeline.tools.registry import load_registry

STAGE = "generate"
SCENARIO_TOOLS = {
    "file_ops": ("fs.list", "fs.read", "fs.search"),
    "web_search": ("web.open", "web.search"),
    "code_exec": ("code.run",),
    "multi_step": ("code.run", "fs.list", "fs.read", "fs.search", "web.open", "web.search"),
}


class Counter(Protocol):
    def count_tokens(self, text: str) -> int: ...


def item_rng(seed: int, index: int) -> random.Random:
    # Seeded content generation, not security: the same seed must give the same data.
    return random.Random(f"{seed}:{STAGE}:{index}")  # noqa: S311


def item_id(index: int) -> str:
    return f"ctx-{index:06d}"


def caws_header(caws: CawsParams) -> str:
    body = {"tier": caws.tier, "max_files": caws.max_files, "max_loc": caws.max_loc,
            "cov": caws.cov, "mut": caws.mut}  # fmt: skip
    return json.dumps({"caws": body}, separators=(",", ":"))


def _calls(
    params: Params, s: Slot, rng: random.Random
) -> tuple[str, Chain | None, list[str], str, bool]:
    """(request, chain, integration sentences, answer, negative control) of one slot."""
    if s.control:
        request, answer = control(rng, s.kind, s.lang)
        return request, None, [], answer, False
    if s.kind == "ambiguity":
        request, answer = ambiguity(rng, s.scenario, s.lang)
        return request, None, [], answer, False
    ctx = Ctx(rng, s.lang, s.structure, probe=s.locale_probe)
    # Adversarial items recover from their own failed attempt instead of a tool error.
    complexity = s.complexity
    if s.adversarial and complexity == "branching_error_recovery":
        complexity = "multi_call" if s.scenario == "multi_step" else "single_call"
    chain, _ = build_chain(ctx, s.scenario, complexity)
    sentences = chain.sentences
    if s.kind == "range_violation":
        sentences = [adversarial.range_violation(ctx, chain), *sentences]
    elif s.kind == "malformed_json":
        sentences = [adversarial.malformed_json(ctx, chain), *sentences]
    answer = " ".join(sentences)
    negative = s.kind == "normal" and rng.random() < params.generate.negative_control_prob
    if negative:
        adversarial.negative_control(ctx, chain, answer)
    return chain.request, chain, sentences, answer, negative


def _metadata(
    params: Params, s: Slot, chain: Chain | None, negative: bool, n_integration: int
) -> dict[str, Any]:
    steps: list[Step] = chain.steps if chain else []
    meta: dict[str, Any] = {
        "scenario": s.scenario,
        "complexity": s.complexity,
        "structure": s.structure,
        "expected_behaviour": s.kind if s.control else "normal",
        "lang": s.lang,
        "format": params.generate.format,
        "call_sequence": [{"name": st.name, "arguments": st.arguments} for st in steps],
    }
    if chain and chain.attempts:
        meta["attempts"] = chain.attempts
    meta["tool_results"] = [st.result for st in steps]
    meta["tool_result_fields"] = render.result_fields(steps)
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
    meta["sample_id"] = f"{params.seed}-{s.index}"
    meta["provenance"] = {
        "generator": f"toolcall-data/{params.dataset_version}",
        "seed": params.seed,
        "index": s.index,
    }
    return meta


def generate_item(params: Params, index: int, student: Counter | None = None) -> dict[str, Any]:
    """The item at `index`; `student` only measures long-context prompts."""
    gen = params.generate
    s = slot(gen, params.seed, index)
    rng = item_rng(params.seed, index)
    request, chain, sentences, answer, negative = _calls(params, s, rng)
    header = caws_header(gen.caws)
    if s.long_context:
        prompt = longctx.wrap(
            rng, header, request, s.lang,
            tokens=gen.long_context_tokens, nbytes=gen.long_context_bytes, counter=student,
        )  # fmt: skip
    else:
        prompt = f"{header}\n{request}"
    steps = chain.steps if chain else []
    prompt, answer = normalize(prompt), normalize(answer)
    sentences = [normalize(x) for x in sentences]
    text, gold = render.teacher_text(steps, sentences, answer, gen.format)
    registry = load_registry()
    metadata = _metadata(params, s, chain, negative, len(sentences))
    metadata["gold"] = render.gold_spans(text, gold)
    return {
        "id": item_id(index),
        "prompt": prompt,
        "teacher_text": text,
        "tools": [registry.get(name) for name in SCENARIO_TOOLS[s.scenario]],
        "messages": render.messages(prompt, steps, answer),
        "metadata": metadata,
    }


def iter_items(
    params: Params, indices: Iterable[int], student: Counter | None = None
) -> Iterator[dict[str, Any]]:
    """Items for `indices`, in that order (what workers, shards and Ray wrap)."""
    for index in indices:
        yield generate_item(params, index, student)
