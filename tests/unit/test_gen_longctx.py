"""Long-context prompts: long enough in student tokens (or bytes), varied, task last."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.gen import longctx, plan, shards
from pipeline.gen.item import generate_item
from pipeline.gen.plan import slot
from pipeline.gen.shards import LazyStudent
from pipeline.params import GenerateParams, Params, TokenizerParams
from pipeline.student import Student, fingerprint


def distinct_ratio(text: str) -> float:
    """Distinct whitespace-separated words over all words (about 0.45 for our filler)."""
    words = text.split()
    return len(set(words)) / len(words)


def test_distractors_are_varied_not_one_word_repeated() -> None:
    text = longctx.distractors(random.Random("x"), 30_000)
    assert len(text) >= 30_000
    assert distinct_ratio(text) > 0.3
    # Logs, stack traces and config dumps all appear.
    assert "Traceback (most recent call last):" in text
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (DEBUG|INFO|WARN|ERROR) ", text, re.M)
    assert re.search(r"^# config dump: ", text, re.M)
    assert distinct_ratio("error " * 5000) < 0.001  # what the check exists to reject


def test_wrap_reaches_the_token_target_with_the_task_last(student: Student) -> None:
    rng = random.Random("long")
    prompt = longctx.wrap(
        rng,
        '{"caws":{}}',
        "Read a/b.yaml and summarise it.",
        "de",
        tokens=8000,
        nbytes=1,
        counter=student,
    )
    assert student.count_tokens(prompt) >= 8000
    assert prompt.startswith('{"caws":{}}\nKontext:')
    assert prompt.endswith("\n\nAufgabe:\nRead a/b.yaml and summarise it.")
    assert prompt.count("Aufgabe:") == 1


def test_wrap_without_a_tokenizer_counts_bytes() -> None:
    prompt = longctx.wrap(
        random.Random(1), "{}", "Task text.", "fr", tokens=8000, nbytes=24_000, counter=None
    )
    assert len(prompt.encode("utf-8")) >= 24_000
    assert prompt.endswith("Tâche :\nTask text.")


def test_long_context_items(student: Student) -> None:
    params = Params(generate=GenerateParams(total=60))
    indices = [i for i in range(60) if slot(params.generate, params.seed, i).long_context]
    assert len(indices) == 3
    for index in indices:
        item = generate_item(params, index, student)
        assert item["metadata"]["long_context"] is True
        assert student.count_tokens(item["prompt"]) >= 8000
        request = item["prompt"].rsplit("\n\n", 1)[1]
        assert item["metadata"]["call_sequence"]  # the task is still answered with its calls
        assert distinct_ratio(item["prompt"]) > 0.3
        assert request.split("\n", 1)[0] in longctx.MARKER.values()
        # Without a tokenizer the same item is measured in bytes.
        assert len(generate_item(params, index)["prompt"].encode()) >= 24_000


class WordCounter:
    """A whitespace tokenizer: far fewer tokens per character than the estimate assumes."""

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def test_wrap_tops_up_when_the_estimate_falls_short() -> None:
    prompt = longctx.wrap(
        random.Random(2), "{}", "Task.", "en", tokens=3000, nbytes=1, counter=WordCounter()
    )
    assert WordCounter().count_tokens(prompt) >= 3000
    assert prompt.endswith("Task:\nTask.")


def test_the_lazy_counter_counts_as_the_student(student: Student) -> None:
    """The counter generate's workers use, loaded on first use: the same counts."""
    counter = LazyStudent(str(student.directory))
    texts = ["Hello", "<|im_start|>Hello", "Lies 1.234,56 café 😀\n\n  x", ""]
    assert [counter.count_tokens(t) for t in texts] == [student.count_tokens(t) for t in texts]


def test_a_worker_prepares_the_bound_only_for_long_context_indices(qwen_dir: Path) -> None:
    params = Params(tokenizer=TokenizerParams(out=str(qwen_dir)), generate=GenerateParams(total=60))
    long = plan.long_context_indices(params.generate, params.seed)
    _, with_long = shards._worker(params, range(long[0], long[0] + 1))
    _, without = shards._worker(params, range(0, 60)[: min(long)])
    assert with_long is not None and with_long._pieces is not None
    assert without is not None and without._pieces is None
    # Neither has loaded the tokenizer: the bound settles the default targets.
    assert with_long._student is None and without._student is None


def test_a_worker_does_not_hash_the_tokenizer_and_the_header_does(
    qwen_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tokenizer's fingerprint is the header's: hashed once per run by the parent,
    not again by the worker state (a spy around the real function counts the calls)."""
    calls: list[str] = []

    def counted(directory: str) -> dict[str, Any]:
        calls.append(directory)
        return fingerprint(directory)

    monkeypatch.setattr(shards, "fingerprint", counted)
    out = tmp_path / "generated.jsonl"
    params = Params(
        tokenizer=TokenizerParams(out=str(qwen_dir)),
        generate=GenerateParams(total=12, out=str(out)),
    )
    student = shards._worker(params, range(12))[1]
    assert student is not None and student.directory == str(qwen_dir)
    assert calls == []
    shards.run(params, workers=1)
    assert calls == [str(qwen_dir)]
    header = orjson.loads(out.read_bytes().split(b"\n", 1)[0])
    assert header["tokenizer_fingerprint"] == fingerprint(str(qwen_dir))
