"""Request and answer wording that readers of the R10 audit found wrong, pinned.

- A comparison of one setting in two files states the read options once, and
  said them for one file: "compare `key` in a.yaml and b.yaml (it is ascii
  encoded)". The clause must agree with both files.
- A count question carried the listing's sort order: "How many files are in
  src (sorted by name)?". An order means nothing to a count: a count whose
  call sorts also asks for the listing.
- A summary of a config with five settings named three "among them": a file
  with few settings gets them all named, as a short listing does.

Each is checked per language on the recipes (the generated sets hold few
Spanish, German or French comparisons) and on a generated set.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from pipeline.gates import intent_words
from pipeline.gen import listing_answers, read_answers
from pipeline.gen.context import Ctx
from pipeline.gen.item import iter_items
from pipeline.gen.recipes import code, files, web
from pipeline.params import GenerateParams, Params

LANGS = ["en", "es", "de", "fr"]
SEEDS = range(12)
# The single-file wording of the read options, and what two files need instead.
SINGULAR = {
    "encoding": {
        "en": "(it is ",
        "es": "(está codificado",
        "de": "(Kodierung:",
        "fr": "(il est encodé",
    },
}
PLURAL = {
    "encoding": {
        "en": r"\(both are [\w-]+ encoded\)",
        "es": r"\(ambos están codificados en [\w-]+\)",
        "de": r"\(beide in [\w-]+ kodiert\)",
        "fr": r"\(tous deux encodés en [\w-]+\)",
    },
    "max_lines": {
        "en": r"\(at most [\d\s.,]+ lines each\)",
        "es": r"\(como máximo [\d\s.,]+ líneas cada uno\)",
        "de": r"\(höchstens [\d\s.,]+ Zeilen je Datei\)",
        "fr": r"\([\d\s.,]+ lignes au plus chacun\)",
    },
}
STRUCTURE = {"encoding": "enums", "max_lines": "numeric_ranges"}
SORT_CLAUSE = re.compile(r"\((?:sorted by|ordenados por|sortiert nach|triés par)\b")
SOME_SETTINGS = re.compile(
    r"with (\d+) settings, among them|con (\d+) ajustes, entre ellos"
    r"|und (\d+) Einstellungen, darunter|avec (\d+) paramètres, dont"
)


def _lists_sorted(calls: list[dict[str, Any]]) -> bool:
    return any(c["name"] == "fs.list" and "sort" in c["arguments"] for c in calls)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["encoding", "max_lines"])
def test_a_two_file_comparison_states_its_read_options_for_both_files(lang: str, key: str) -> None:
    for seed in SEEDS:
        out = files._compare(Ctx(random.Random(seed), lang, STRUCTURE[key]))
        reads = out.episode.calls
        assert len(reads) == 2 and all(key in c.arguments for c in reads)
        assert re.search(PLURAL[key][lang], out.request), out.request
        if key in SINGULAR:
            assert SINGULAR[key][lang] not in out.request, out.request


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("structure", ["enums", "arrays", "optional_keys", "nested_args"])
def test_two_target_comparisons_carry_no_single_target_clause(lang: str, structure: str) -> None:
    """Two searches or two snippets share their options too: none is worded for one."""
    singular = [SINGULAR["encoding"][lang], "(with its links)", "(avec ses liens)"]
    for seed in SEEDS:
        c = Ctx(random.Random(seed), lang, structure)
        for out in (web._compare(c), code.multi(c)):
            assert not any(s in out.request for s in singular), out.request


@pytest.mark.parametrize("lang", LANGS)
def test_a_count_question_never_carries_a_sort_order(lang: str) -> None:
    """A count whose call sorts asks for the listing too; the labels agree with the words."""
    both = 0
    for seed in range(160):
        out = files.single(Ctx(random.Random(seed), lang, "enums"))
        calls = [{"name": c.name, "arguments": c.arguments} for c in out.episode.calls]
        asked = intent_words.detect(out.request)
        if "count" not in asked:
            continue
        sorted_call = _lists_sorted(calls)
        assert not (sorted_call and "list" not in asked), out.request
        if "list" not in asked:
            assert not SORT_CLAUSE.search(out.request), out.request
        assert set(out.intent["asks"]) == asked & {"count", "list"}, out.request
        both += sorted_call
    assert both >= 3  # the count-and-list wording is really made, in every language


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("n", [5, 6, 7, 8])
def test_a_config_with_few_settings_is_summarised_with_all_of_them(lang: str, n: int) -> None:
    content = "\n".join(f"key_{i}: {i * 7}" for i in range(1, n + 1))
    result = {"ok": True, "path": "conf/app.yaml", "content": content, "lines": n}
    text = " ".join(read_answers.read(Ctx(random.Random(n), lang, "flat_args"), result))
    assert all(f"key_{i} = {i * 7}" in text for i in range(1, n + 1)), text
    assert not SOME_SETTINGS.search(text), text


def test_a_generated_set_has_none_of_the_three_patterns() -> None:
    """Over a generated set: no two-file request worded for one file, no count-only
    request that sorts, no summary naming part of a few settings."""
    params = Params(seed=97, generate=GenerateParams(total=1500))
    seen = {"two_files": 0, "count": 0, "summaries": 0}
    for item in iter_items(params, range(params.generate.total)):
        request = item["prompt"].split("\n", 1)[1]
        calls = item["metadata"]["call_sequence"]
        paths = {c["arguments"]["path"] for c in calls if c["name"] == "fs.read"}
        lang = item["metadata"]["lang"]
        if len([p for p in paths if p in request]) >= 2:
            seen["two_files"] += 1
            assert SINGULAR["encoding"][lang] not in request, request
            assert not re.search(r"\((?:at most \d+ lines|como máximo \S+ líneas)\)", request)
        asked = intent_words.detect(request)
        if "count" in asked and "list" not in asked:
            seen["count"] += 1
            assert not _lists_sorted(calls) and not SORT_CLAUSE.search(request), request
        answer = str(item["messages"][-1]["content"]) if item["messages"] else ""
        for m in SOME_SETTINGS.finditer(answer):
            seen["summaries"] += 1
            assert int(next(g for g in m.groups() if g)) > listing_answers.SHOW_ALL, answer
    assert seen["two_files"] >= 10 and seen["count"] >= 20, seen
