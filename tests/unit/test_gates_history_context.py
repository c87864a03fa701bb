"""history_absent, and intent_unanswered for a context search, on good items with the
defect injected (the R10 readers' findings): each check passes the generated item
and fails the same item with the defect."""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import pytest

from pipeline.gates import content_intents
from pipeline.gates.history import history_problem
from pipeline.gates.meaning import semantic_findings
from pipeline.gates.session import Session, Turn, session_of
from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params


@lru_cache(maxsize=1)
def generated() -> tuple[dict[str, Any], ...]:
    return tuple(iter_items(Params(seed=97, generate=GenerateParams(total=1500)), range(1500)))


def codes(item: dict[str, Any]) -> dict[str, str]:
    _, found = semantic_findings(item, item["metadata"], [], labels=False, train_failed=False)
    return dict(found)


def set_answer(item: dict[str, Any], answer: str) -> None:
    old = item["messages"][-1]["content"]
    item["teacher_text"] = item["teacher_text"][: -len(old)] + answer
    item["messages"][-1]["content"] = answer


def retry_control() -> dict[str, Any]:
    item = next(i for i in generated() if i["metadata"]["expected_behaviour"] == "retry")
    return copy.deepcopy(item)


def test_a_retry_control_as_generated_refers_to_nothing_absent() -> None:
    assert "history_absent" not in codes(retry_control())


@pytest.mark.parametrize(
    "lead",
    [
        "Please try again, I missed your last answer: ",
        "Inténtalo de nuevo, no vi tu última respuesta: ",
        "Bitte noch einmal, ich habe deine letzte Antwort verpasst: ",
        "Réessaie s'il te plaît, j'ai raté ta dernière réponse : ",
    ],
)
def test_a_request_for_an_answer_the_item_does_not_hold_fails(lead: str) -> None:
    item = retry_control()
    request = item["prompt"].split("\n", 1)[1].split(": ", 1)[1]
    item["prompt"] = item["prompt"].split("\n", 1)[0] + "\n" + lead + request
    item["messages"][0]["content"] = item["prompt"]
    found = codes(item)
    assert "history_absent" in found and "refers to" in found["history_absent"]


def test_an_answer_that_claims_to_repeat_itself_fails() -> None:
    item = retry_control()
    set_answer(item, "Sure, once more: " + item["messages"][-1]["content"])
    found = codes(item)
    assert "history_absent" in found and "opens with" in found["history_absent"]


def test_the_earlier_exchange_held_in_the_item_passes() -> None:
    item = retry_control()
    question = item["prompt"].split("\n", 1)[1].split(": ", 1)[1]
    answer = item["messages"][-1]["content"]
    item["messages"] = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": "I missed your last answer, please repeat it."},
        {"role": "assistant", "content": "Sure, once more: " + answer},
    ]
    item["prompt"] = "I missed your last answer, please repeat it."
    assert history_problem(item, session_of(item)) is None


def test_words_that_only_look_like_a_reference_pass() -> None:
    session = Session("Read config.yaml; my last message asked the same.", [], "It sets a = 1.")
    assert history_problem({"messages": []}, session) is None


def context_item() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    for item in generated():
        meta = item["metadata"]
        for call, result in zip(meta["call_sequence"], meta["tool_results"], strict=True):
            first = (result.get("results") or [{}])[0]
            if (
                call["name"] == "fs.search"
                and (call["arguments"].get("options") or {}).get("context_lines")
                and first.get("before")
                and result["count"] == 1
            ):
                return copy.deepcopy(item), call["arguments"], first
    raise AssertionError("no search with context lines")


def test_a_context_search_as_generated_is_answered() -> None:
    item, _, _ = context_item()
    assert "intent_unanswered" not in codes(item)


def test_a_context_search_answered_with_the_neighbouring_line_only_fails() -> None:
    # What the readers found: only the last line before the first match was quoted.
    item, args, first = context_item()
    answer = item["messages"][-1]["content"]
    rest = answer.split(". ", 1)[1:]  # the sentences after the search's own
    old = (
        f"`{args['pattern']}` appears once, at {first['path']}:{first['line']}, "
        f"right after `{first['before'][-1].strip()}`."
    )
    set_answer(item, " ".join([old, *rest]))
    found = codes(item)
    assert found.get("intent_unanswered", "").startswith("context: the context lines of ")
    assert content_intents.context_problem(session_of(item)) is not None


def test_only_a_search_that_asked_for_context_lines_is_judged_for_them() -> None:
    response = {"ok": True, "count": 1, "files": 1, "results": [
        {"path": "a.py", "line": 2, "text": "x = 1", "before": ["}"], "after": []}]}  # fmt: skip
    plain = Turn("fs.search", {"pattern": "x"}, response)
    asked = Turn("fs.search", {"pattern": "x", "options": {"context_lines": 1}}, response)
    answer = "`x` appears once, at a.py:2."
    request = "Find x (with 1 line of context)."
    assert content_intents.context_problem(Session(request, [plain], answer)) is None
    assert content_intents.context_problem(Session(request, [asked], answer)) is not None
    quoted = "`x` appears once, at a.py:2 (`x = 1`), with `}` above it."
    assert content_intents.context_problem(Session(request, [asked], quoted)) is None
    # A call's own context_lines asks nothing of the answer when the user did not
    # ask for context (review s12 H3).
    assert content_intents.context_problem(Session("Find x.", [asked], answer)) is None
