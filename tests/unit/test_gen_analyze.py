"""The analysis command's judgement of adversarial items and its figures."""

from __future__ import annotations

import copy
from typing import Any

from pipeline.analyze import _as_labelled, analyze
from pipeline.gates.calls import Validators
from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params
from pipeline.tools.registry import load_registry


def _adversarial(kind: str) -> dict[str, Any]:
    params = Params(generate=GenerateParams(total=400))
    return next(
        item
        for item in iter_items(params, range(400))
        if (item["metadata"].get("adversarial") or {}).get("type") == kind
    )


def test_adversarial_items_are_judged_by_the_verifiers_rule() -> None:
    validators = Validators(load_registry(), prefer_item_tools=False)
    for kind in ("range_violation", "malformed_json", "ambiguity"):
        assert _as_labelled(_adversarial(kind), validators), kind


def test_adversarial_defects_are_not_as_labelled() -> None:
    validators = Validators(load_registry(), prefer_item_tools=False)
    # The fault must stay in the user's turn: a broken teacher call is a defect.
    item = copy.deepcopy(_adversarial("range_violation"))
    call = item["metadata"]["call_sequence"][0]
    option, high = next(iter(validators.maxima[call["name"]].items()))
    call["arguments"][option] = int(high) * 10
    assert not _as_labelled(item, validators)
    item = copy.deepcopy(_adversarial("malformed_json"))
    item["metadata"]["call_sequence"][0]["arguments"] = "{'path': 'a'}"
    assert not _as_labelled(item, validators)
    item = copy.deepcopy(_adversarial("ambiguity"))
    item["teacher_text"] = item["teacher_text"].replace("?", ".")
    item.pop("messages", None)
    assert not _as_labelled(item, validators)


def test_figures_on_a_small_set() -> None:
    params = Params(generate=GenerateParams(total=120))
    report = analyze(iter_items(params, range(120)), params.generate)
    assert report["items"] == 120
    assert report["kinds"]["no_tool"] + report["kinds"]["decline"] + report["kinds"]["retry"] == 12
    assert report["multilingual"] == 9
    assert report["long_context_unit"] == "bytes" and report["long_context_min_size"] >= 24_000
    assert report["distinct_prompts"] == 1.0
    assert report["cells_below_minimum"] == {}
    assert analyze([], params.generate)["distinct_prompts"] == 1.0
