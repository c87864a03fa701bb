"""The audit sampler: strata as docs/audit.md promises, the same sample for the same
seed, every item whole, and a long-context prompt shortened visibly."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fixture_items import record_header

from pipeline import audit
from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params
from pipeline.records import write_records


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    params = Params(generate=GenerateParams(total=600))
    return list(iter_items(params, range(600)))


def test_strata_are_filled_as_documented(generated: list[dict[str, Any]]) -> None:
    picked = audit.sample(generated, seed=5, n=100)
    counts = Counter(kind for kind, _ in picked)
    available = Counter(audit.stratum(i) for i in generated)
    types = Counter(str(i["metadata"]["adversarial"]["type"]) for i in generated if
                    audit.stratum(i) == "adversarial")  # fmt: skip
    assert len(picked) == 100
    assert len({item["id"] for _, item in picked}) == 100  # no item twice
    assert counts["long_context"] == min(audit.LONG_CONTEXT, available["long_context"])
    assert counts["adversarial"] == sum(min(audit.ADVERSARIAL_PER_TYPE, n) for n in types.values())
    assert counts["multilingual"] == min(audit.MULTILINGUAL, available["multilingual"])
    assert counts["control"] == min(audit.CONTROLS, available["control"])
    assert counts["normal"] == 100 - sum(v for k, v in counts.items() if k != "normal")
    for kind, item in picked:
        assert audit.stratum(item) == kind


def test_the_same_seed_gives_the_same_sample(generated: list[dict[str, Any]]) -> None:
    ids = [[item["id"] for _, item in audit.sample(generated, seed)] for seed in (5, 5, 6)]
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]


def test_an_item_is_rendered_whole(generated: list[dict[str, Any]]) -> None:
    item = next(i for i in generated if len(i["messages"]) >= 4 and not i["metadata"].get(
        "long_context"))  # fmt: skip
    text = audit.render(7, "normal", item)
    assert text.startswith(f"## Item 7: {item['id']}  (stratum: normal)")
    assert f"the item's date: {item['metadata']['world']['today']}" in text
    for message in item["messages"]:
        if message.get("content"):
            assert message["content"] in text
        for call in message.get("tool_calls") or ():
            args = call["function"]["arguments"]
            assert (args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)) in text


def test_a_long_context_prompt_keeps_head_and_tail_and_says_what_it_left_out(
    generated: list[dict[str, Any]],
) -> None:
    item = next(i for i in generated if i["metadata"].get("long_context"))
    prompt = item["messages"][0]["content"]
    text = audit.render(1, "long_context", item)
    left = len(prompt) - 2 * audit.KEEP
    assert f"[... {left} characters left out by the sampler ...]" in text
    assert prompt[: audit.KEEP] in text and prompt[-audit.KEEP :] in text
    assert prompt not in text


def test_the_command_writes_one_file_per_reviewer_and_an_index(
    generated: list[dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "generated.jsonl"
    write_records(path, record_header(len(generated), dataset_version="test"), generated)
    out = tmp_path / "audit"
    assert audit.main([str(path), "--seed", "3", "--out", str(out), "--n", "30"]) == 0
    files = sorted(out.glob("items-*.md"))
    assert [f.name for f in files] == ["items-1.md", "items-2.md", "items-3.md"]
    numbers = [line.split(":")[0] for f in files for line in f.read_text().splitlines()
               if line.startswith("## Item ")]  # fmt: skip
    assert numbers == [f"## Item {n}" for n in range(1, 31)]
    index = (out / "index.tsv").read_text().splitlines()
    assert len(index) == 31 and index[0].startswith("number\tid\tstratum")
