"""Adversarial items: the fault is in the user's turn, and the teacher's calls stay valid.

- range_violation: the user asks for a bounded option beyond the tool's
  schema (``top_k`` 25 where 10 is the maximum); the teacher sends the
  maximum and says so in the answer.
- malformed_json: the user pastes the call's arguments as broken JSON
  (single quotes, a trailing comma); the teacher sends them repaired and says so.
- negative controls (a test option, off by default): successful results are
  swapped for empty or decoy ones while the answer still states the real
  values, so grounding must fail.

A student trained on these items never sees an invalid call as its own output.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.gen import web_answers
from pipeline.gen.context import Ctx
from pipeline.gen.corrections import BOUNDED_KEYS, clamp_sentence
from pipeline.gen.recipes import Outcome, code, files, multi, web
from pipeline.gen.requests import request
from pipeline.targets.grounding import Grounder
from pipeline.tools.registry import load_registry

FIXES = {
    "quotes": {
        "en": "single quotes",
        "es": "las comillas simples",
        "de": "der einfachen Anführungszeichen",
        "fr": "des guillemets simples",
    },
    "comma": {
        "en": "trailing comma",
        "es": "la coma final",
        "de": "des Kommas am Ende",
        "fr": "de la virgule finale",
    },
}
DECOYS = (
    "no relevant content was found",
    "the index returned an unrelated page about gardening",
    "the backend answered with a placeholder response",
)


def _bounds(name: str) -> tuple[str, int]:
    key = BOUNDED_KEYS[name]
    return key, int(load_registry().parameters(name)["properties"][key]["maximum"])


def range_violation(ctx: Ctx, scenario: str) -> Outcome:
    if scenario == "multi_step":
        _, high = _bounds("fs.search")
        return multi.config_sum(ctx, bounded=high + ctx.rng.randint(1, 4 * high))
    bad: dict[str, int] = {}

    def clamp(name: str, args: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        key, high = _bounds(name)
        bad[key] = high + ctx.rng.randint(1, 4 * high)
        sent, asked = dict(args), dict(args)
        sent[key], asked[key] = high, bad[key]
        if key == "max_depth":
            sent["recursive"] = asked["recursive"] = True
        bad["high"] = high
        return sent, asked

    ctx.adjust = clamp
    outcome = _single(ctx, scenario)
    ctx.adjust = None
    first = outcome.episode.calls[0]
    key = BOUNDED_KEYS[first.name]
    outcome.sentences.append(
        clamp_sentence(ctx, first.name, bad[key], bad["high"], first.result, outcome.sentences)
    )
    return outcome


def malformed_text(ctx: Ctx, arguments: dict[str, Any]) -> tuple[str, str]:
    """(arguments as broken JSON, what broke them)."""
    text = json.dumps(arguments, ensure_ascii=False)
    if ctx.chance(0.5):
        return text.replace('"', "'"), "quotes"
    return text[:-1] + ",}", "comma"


def malformed_json(ctx: Ctx, scenario: str) -> Outcome:
    # Code travels badly inside pasted JSON; the pasted call is a file or web one.
    outcome = _single(ctx, scenario if scenario in ("file_ops", "web_search") else "file_ops")
    call = outcome.episode.calls[0]
    raw, fix = malformed_text(ctx, call.arguments)
    outcome.request = request(ctx.rng, "malformed", ctx.lang, name=call.name, raw=raw)
    repaired = f"`{json.dumps(call.arguments, ensure_ascii=False)}`"
    listing = call.result.get("results") if call.name == "web.search" else None
    if isinstance(listing, list) and len(listing) > 1 and "top_k" not in call.arguments:
        # "Tell me what you get": every result, not only the top one. The listing gives
        # each address; the findings after it name their pages by title only.
        said = outcome.sentences
        for entry in listing:
            said = [x.replace(f" ({entry['url']})", "") for x in said]
        outcome.sentences = [web_answers.web_results(ctx, call.result), *said]
    # The repair is said first, as its own sentence (the user's input was at fault). It
    # is an integration sentence when it carries a value of the result (a path the
    # listing echoes), as a reader of the answer would find; else a preface.
    note = ctx.say("adv.repair", fix=FIXES[fix][ctx.lang], json=repaired)
    if Grounder([call.result]).fields(note):
        outcome.sentences.insert(0, note)
    else:
        outcome.preface = note
    # The request now only asks to make the call.
    outcome.intent = {"kind": "call", "asks": ["call"], "slots": {"tool": call.name}}
    return outcome


def _single(ctx: Ctx, scenario: str) -> Outcome:
    if scenario == "web_search":
        return web.single(ctx)
    if scenario == "code_exec":
        return code.single(ctx)
    return files.single(ctx)


def negative_control(ctx: Ctx, outcome: Outcome, answer: str) -> None:
    """Swap every successful result for an empty or decoy one that grounds nothing."""
    for call in outcome.episode.calls:
        if not call.ok:
            continue
        if ctx.chance(0.5):
            call.result = {"ok": True, "results": []}
            continue
        count = ctx.rng.randint(100_000, 999_999)
        while str(count) in answer:
            count += 1
        call.result = {"ok": True, "summary": ctx.rng.choice(DECOYS), "count": count}
