"""Adversarial first attempts and negative controls, applied to a built chain.

- range_violation: the first call repeats the real call with the tool's bounded
  number outside its schema range; the tool rejects it with the schema error,
  the corrected call follows and the answer says what was corrected.
- malformed_json: the first call's arguments are not JSON (single quotes or a
  trailing comma); the tool reports the parse error and the repaired call follows.
- negative controls: successful results are replaced by empty or decoy results
  while the answer keeps stating the real values, so grounding must fail.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.gen.context import Ctx, Step
from pipeline.gen.scenarios import Chain
from pipeline.tools.registry import load_registry

# The top-level bounded number of each tool that a range violation overshoots.
BOUNDED_KEYS = {
    "fs.read": "max_lines",
    "fs.list": "max_depth",
    "fs.search": "max_results",
    "web.search": "top_k",
    "web.open": "max_chars",
    "code.run": "timeout_s",
}
DECOYS = (
    "no relevant content was found",
    "the index returned an unrelated page about gardening",
    "the backend answered with a placeholder response",
    "the cache served a stale, unrelated entry",
    "the request matched nothing in this workspace",
)


def _fail_first(chain: Chain, failed: Step) -> None:
    chain.steps.insert(0, failed)
    chain.attempts = [
        {"call_index": 0, "ok": False, "error": failed.error},
        {"call_index": 1, "ok": True},
    ]


def range_violation(ctx: Ctx, chain: Chain) -> str:
    """Insert the out-of-range attempt; returns the answer's correction sentence."""
    step = chain.steps[0]
    assert isinstance(step.arguments, dict)
    key = BOUNDED_KEYS[step.name]
    schema = load_registry().parameters(step.name)["properties"][key]
    low, high = schema["minimum"], schema["maximum"]
    if key not in step.arguments:
        # The corrected call states the bound explicitly; at the maximum it changes no result.
        step.arguments[key] = high
    good = step.arguments[key]
    bad = high + ctx.rng.randint(1, 4 * high)
    bad_args = dict(step.arguments)
    bad_args[key] = bad
    errors = load_registry().validate(step.name, bad_args)
    failed = Step(step.name, bad_args, {"ok": False, "error": f"invalid arguments: {errors[0]}"})
    failed.ok = False
    _fail_first(chain, failed)
    return ctx.say("adv.range", key=key, bad=bad, good=good, lo=low, hi=high, value=step.value)


def malformed_text(ctx: Ctx, arguments: dict[str, Any]) -> str:
    text = json.dumps(arguments, ensure_ascii=False)
    if ctx.rng.random() < 0.5:
        return text.replace('"', "'")
    return text[:-1] + ",}"


def malformed_json(ctx: Ctx, chain: Chain) -> str:
    """Insert the attempt with unparsable arguments; returns the repair sentence."""
    step = chain.steps[0]
    assert isinstance(step.arguments, dict)
    raw = malformed_text(ctx, step.arguments)
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        error = f"invalid JSON in arguments: {exc.msg} at char {exc.pos}"
    else:  # pragma: no cover - both corruptions always break JSON
        raise AssertionError(f"corrupted arguments still parse: {raw}")
    _fail_first(chain, Step(step.name, raw, {"ok": False, "error": error}, ok=False))
    return ctx.say("adv.json", value=step.value)


def negative_control(ctx: Ctx, chain: Chain, answer: str) -> None:
    """Swap every successful result for an empty or decoy one that grounds nothing."""
    for step in chain.steps:
        if not step.ok:
            continue
        if ctx.rng.random() < 0.5:
            step.result = {"ok": True, "results": []}
            continue
        count = ctx.rng.randint(100_000, 999_999)
        while str(count) in answer:
            count += 1
        step.result = {"ok": True, "summary": ctx.rng.choice(DECOYS), "count": count}
