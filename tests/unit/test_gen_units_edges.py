"""Edges of the generator's and the gates' small helpers that the generated sets rarely hit."""

from __future__ import annotations

import copy
from typing import Any

from pipeline.analyze import analyze
from pipeline.gates.session import Turn, session_of
from pipeline.gen.episode import Episode
from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params
from pipeline.world import World


def test_a_failure_without_a_later_success_is_no_attempt() -> None:
    # A failed call is a failed attempt only when the same tool later succeeded.
    episode = Episode(World("2024-01-01"))
    episode.call("fs.read", {"path": "missing.txt"})
    assert episode.calls[0].ok is False
    assert episode.attempts() == []


def test_a_turn_whose_response_is_text() -> None:
    turn = Turn("web.open", {"url": "u"}, "plain text, no JSON")
    assert turn.failed is False and turn.error == ""
    assert Turn("web.open", {"url": "u"}, {"ok": True, "status": 503}).failed


def test_session_reads_the_hermes_envelope_and_skips_malformed_calls() -> None:
    item = {
        "prompt": "Open it.",
        "messages": [
            {"role": "user", "content": "Open it."},
            {"role": "assistant", "tool_calls": ["not a call", {"function": {"name": "web.open",
             "arguments": '{"url": "u"}'}}]},
            {"role": "tool", "content": '{"name": "web.open", "content": {"ok": true}}'},
            {"role": "assistant", "content": "Done."},
        ],
    }  # fmt: skip
    session = session_of(item)
    assert [t.name for t in session.turns] == ["web.open"]
    assert session.turns[0].arguments == {"url": "u"} and session.turns[0].response == {"ok": True}
    assert session.answer == "Done."


def test_analyze_counts_an_item_whose_calls_break_their_labelled_shape() -> None:
    params = Params(generate=GenerateParams(total=120))
    items: list[dict[str, Any]] = list(iter_items(params, range(120)))
    whole = analyze(copy.deepcopy(items), params.generate)["structure_fidelity"]
    flat = next(
        i
        for i in items
        if i["metadata"]["structure"] == "flat_args" and i["metadata"]["call_sequence"]
    )
    flat["metadata"]["call_sequence"][0]["arguments"]["nested"] = {"a": 1}
    broken = analyze(items, params.generate)["structure_fidelity"]
    assert whole == 1.0 and broken < 1.0
