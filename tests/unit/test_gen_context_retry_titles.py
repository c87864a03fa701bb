"""Three rules readers of the set found wrong (R10), each pinned over many items.

- A search asked for N lines of context was answered with the one line before
  the first match: the answer now quotes the matching line and every context
  line the search returned, and says which match they belong to.
- A retry control said "I missed your last answer" in an item that holds no
  earlier answer, and its answer said "Sure, once more": the request now
  re-sends a message that never arrived, and the answer is a first one.
- A web result list held two results with the same title.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

import pytest

from pipeline.gates import content_intents
from pipeline.gates.history import history_problem
from pipeline.gates.session import session_of
from pipeline.gen import listing_answers
from pipeline.gen.context import Ctx
from pipeline.gen.controls import control
from pipeline.gen.item import iter_items
from pipeline.gen.site import distinct_title
from pipeline.params import GenerateParams, Params
from pipeline.targets.grounding import Grounder

LANGS = ["en", "es", "de", "fr"]


@lru_cache(maxsize=1)
def items() -> tuple[dict[str, Any], ...]:
    """8,000 generated items over four seeds (about three seconds)."""
    out: list[dict[str, Any]] = []
    for seed in (3, 97, 1234, 4711):
        params = Params(seed=seed, generate=GenerateParams(total=2000))
        out += iter_items(params, range(2000))
    return tuple(out)


def context_searches() -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(item, arguments, response) of every successful search asked for context lines."""
    out = []
    for item in items():
        meta = item["metadata"]
        for call, result in zip(meta["call_sequence"], meta["tool_results"], strict=True):
            options = call["arguments"].get("options") or {}
            if call["name"] == "fs.search" and options.get("context_lines") and result["ok"]:
                out.append((item, call["arguments"], result))
    return out


def quoted(answer: str, line: str) -> bool:
    return not line.strip() or f"`{line.strip()}`" in answer


def test_every_context_line_of_the_first_match_is_quoted() -> None:
    found = context_searches()
    assert len(found) > 80
    langs = set()
    several = 0
    for item, args, result in found:
        answer = item["messages"][-1]["content"]
        first = result["results"][0]
        lines = [*first["before"], *first["after"]]
        assert all(quoted(answer, line) for line in lines), (item["id"], answer)
        if first["text"].strip() != args["pattern"].strip():
            assert quoted(answer, first["text"]), (item["id"], answer)
        assert content_intents.context_problem(session_of(item)) is None, item["id"]
        langs.add(item["metadata"]["lang"])
        if result["count"] > 1:
            several += 1
            # The context belongs to the first match, and the answer says so.
            assert f"{first['path']}:{first['line']}" in answer
    assert langs == set(LANGS) and several >= 5


def ctx(lang: str) -> Ctx:
    return Ctx(random.Random(0), lang, "nested_args")


MATCH = {
    "path": "src/app.yaml",
    "line": 4,
    "text": "debug: true",
    "before": ["port: 8080", "", "workers: 4"],
    "after": ["timeout_s: 30"],
}
ARGS = {"pattern": "debug", "options": {"case_sensitive": True, "context_lines": 3}}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("several", [False, True])
def test_a_context_answer_grounds_in_the_search_and_reads_as_one_sentence(
    lang: str, several: bool
) -> None:
    second = {**MATCH, "path": "src/b.yaml", "line": 9}
    matches = [MATCH, second] if several else [MATCH]
    result = {"ok": True, "count": len(matches), "files": len(matches), "results": matches}
    sentences = listing_answers.search(ctx(lang), result, ARGS)
    assert len(sentences) == (2 if several else 1)
    said = sentences[-1]
    for line in ("debug: true", "port: 8080", "workers: 4", "timeout_s: 30"):
        assert f"`{line}`" in said
    assert listing_answers.BLANK[lang] in said  # the blank line is named, not quoted empty
    assert said.index("`workers: 4`") < said.index("`timeout_s: 30`")
    assert ". " not in said and said.endswith(".")  # one sentence for the splitter
    assert Grounder([result]).fields(said)


@pytest.mark.parametrize("lang", LANGS)
def test_a_match_at_either_end_of_the_file_says_which_end(lang: str) -> None:
    top = {**MATCH, "line": 1, "before": []}
    bottom = {**MATCH, "after": []}
    for match, gone in ((top, "port: 8080"), (bottom, "timeout_s: 30")):
        result = {"ok": True, "count": 1, "files": 1, "results": [match]}
        (said,) = listing_answers.search(ctx(lang), result, ARGS)
        assert f"`{gone}`" not in said
        ends = {"en": "of the file", "es": "del archivo", "de": "Datei", "fr": "du fichier"}
        assert ends[lang] in said


REFERS = ("your last answer", "tu última respuesta", "deine letzte Antwort", "ta dernière réponse")
REPEATS = ("once more", "otra vez:", "noch einmal:", "encore une fois")


def test_retry_controls_refer_to_no_answer_the_item_lacks() -> None:
    retries = [i for i in items() if i["metadata"]["expected_behaviour"] == "retry"]
    assert len(retries) > 100  # controls are drawn in English; `control` is tested per language
    for item in retries:
        assert not any(r.casefold() in item["prompt"].casefold() for r in REFERS), item["id"]
        answer = item["messages"][-1]["content"]
        assert not any(r in answer for r in REPEATS), item["id"]
        assert history_problem(item, session_of(item)) is None, item["id"]
        # Still a control: no call, labelled after the family its question is about.
        meta = item["metadata"]
        assert meta["control"] and not meta["call_sequence"] and meta["complexity"] == "none"
        assert meta["scenario"] != "multi_step"


@pytest.mark.parametrize("lang", LANGS)
def test_a_retry_re_sends_the_question_and_answers_it_as_a_no_tool_control(lang: str) -> None:
    question, answer, about = control(random.Random(5), "no_tool", lang, "code_exec")
    again, first_answer, again_about = control(random.Random(5), "retry", lang, "code_exec")
    assert again.endswith(question) and again != question
    assert first_answer == answer and again_about == about
    assert not any(r.casefold() in again.casefold() for r in REFERS)


def test_titles_in_a_world_and_in_every_result_list_are_distinct() -> None:
    worlds = lists = 0
    for item in items():
        pages = (item["metadata"].get("world") or {}).get("pages") or {}
        if pages:
            worlds += 1
            titles = [p["title"] for p in pages.values()]
            assert len(titles) == len(set(titles)), (item["id"], titles)
        for call, result in zip(
            item["metadata"]["call_sequence"], item["metadata"]["tool_results"], strict=True
        ):
            if call["name"] == "web.search" and result["ok"]:
                lists += 1
                titles = [r["title"] for r in result["results"]]
                assert len(titles) == len(set(titles)), (item["id"], titles)
    assert worlds > 1000 and lists > 1000


def test_a_repeated_title_takes_the_first_free_suffix() -> None:
    taken = {"Query caching for PostgreSQL: field notes"}
    fresh = distinct_title("Query caching for PostgreSQL: field notes", "en", taken)
    assert fresh == "Query caching for PostgreSQL: a practical guide"
    assert distinct_title("Other: field notes", "en", taken) == "Other: field notes"
    every = {f"T: {s}" for s in ("a practical guide", "benchmarks and lessons", "field notes",
             "what we measured", "a deep dive", "notes from production")}  # fmt: skip
    assert distinct_title("T: field notes", "en", every) == "T: field notes (2)"
