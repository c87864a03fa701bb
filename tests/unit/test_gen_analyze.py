"""The analysis command's judgement of adversarial items and its figures."""

from __future__ import annotations

from pipeline.analyze import _violates, analyze
from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params


def test_adversarial_judgement() -> None:
    good = {"name": "web.search", "arguments": {"q": "x", "top_k": 3}}
    over = {"name": "web.search", "arguments": {"q": "x", "top_k": 30}}
    assert _violates("ambiguity", []) and not _violates("ambiguity", [good])
    assert not _violates("range_violation", []) and not _violates("range_violation", [good])
    assert _violates("range_violation", [over, good])
    wrong_type = {"name": "web.search", "arguments": {"q": 3}}
    assert not _violates("range_violation", [wrong_type])
    assert _violates("malformed_json", [{"name": "fs.read", "arguments": "{'path': 'a'}"}])
    assert not _violates("malformed_json", [{"name": "fs.read", "arguments": '{"path": "a"}'}])
    assert not _violates("malformed_json", [good])


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
