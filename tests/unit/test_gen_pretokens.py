"""The pre-token lower bound on student tokens: never above the exact count, refused
where it cannot be proven, and the long-context prompts it settles are unchanged."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import bytebpe
from pipeline.gen import pretokens
from pipeline.gen.item import generate_item
from pipeline.gen.plan import long_context_indices
from pipeline.gen.shards import LazyStudent
from pipeline.params import GenerateParams, Params
from pipeline.student import Student

SPECIALS = ["<|im_start|>", "<|im_end|>", "<tool_call>", "</tool_call>", "<|endoftext|>"]
TEXTS = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from([*SPECIALS, " 1.234,56 ", "\n\n  ", "😀"])),
    max_size=12,
).map("".join)


def test_the_proof_constants_are_bytebpes() -> None:
    assert (pretokens.PROOF_FILE, pretokens.PROOF_VERSION) == (
        bytebpe.PROOF_FILE,
        bytebpe.PROOF_VERSION,
    )


@given(text=TEXTS)
def test_the_bound_never_exceeds_the_exact_count(student: Student, text: str) -> None:
    count = pretokens.piece_counter(student.directory)
    assert count is not None
    assert count(text) <= student.count_tokens(text)


def test_the_bound_counts_added_tokens_once(student: Student) -> None:
    count = pretokens.piece_counter(student.directory)
    assert count is not None
    text = "<|im_start|>user<|im_end|>"
    assert count(text) == student.count_tokens(text) == 3
    assert count("") == 0


def test_the_head_is_every_field_before_the_model(qwen_dir: Path) -> None:
    text = (qwen_dir / "tokenizer.json").read_text("utf-8")
    spec = json.loads(text)
    head = pretokens.head_fields(text)
    assert head is not None and list(spec)[-1] == "model"
    assert head == {k: v for k, v in spec.items() if k != "model"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "{}",
        '{"version": "1.0"}',  # no model
        '{"version": "1.0", "version": "2", "model": {}}',  # a repeated field
        '{"version": "1.0" "model": {}}',  # a missing comma
        '{"version" "1.0", "model": {}}',  # a missing colon
        '{"added_tokens": [{"id": 1, "content": "x"}',  # cut short
    ],
)
def test_a_malformed_head_is_refused(text: str) -> None:
    assert pretokens.head_fields(text) is None


def test_spaces_between_fields_are_json_whitespace() -> None:
    text = ' \n{ "version" :\t"1.0" ,\r\n "model" : {"vocab": {"a": 1}}}'
    assert pretokens.head_fields(text) == {"version": "1.0"}


def test_no_bound_when_the_model_comes_before_a_field_tokenizers_writes_first(
    qwen_dir: Path, tmp_path: Path
) -> None:
    """Added tokens after the model would be missed: such a file gets no bound."""
    spec = json.loads((qwen_dir / "tokenizer.json").read_text("utf-8"))
    reordered = {"model": spec.pop("model"), **spec}
    copy = tmp_path / "tok"
    shutil.copytree(qwen_dir, copy)
    text = json.dumps(reordered)
    (copy / "tokenizer.json").write_text(text, "utf-8")
    proof = json.loads((copy / pretokens.PROOF_FILE).read_text("utf-8"))
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    (copy / pretokens.PROOF_FILE).write_text(json.dumps({**proof, "tokenizer_sha256": sha256}))
    assert pretokens.head_fields(text) == {}
    assert pretokens.piece_counter(copy) is None
    # The same file in the order tokenizers writes gets its bound.
    spec["model"] = reordered["model"]
    text = json.dumps(spec)
    (copy / "tokenizer.json").write_text(text, "utf-8")
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    (copy / pretokens.PROOF_FILE).write_text(json.dumps({**proof, "tokenizer_sha256": sha256}))
    assert pretokens.piece_counter(copy) is not None


def test_no_bound_without_a_proof_for_this_tokenizer(
    qwen_dir: Path, wordpiece_dir: Path, unigram_dir: Path, tmp_path: Path
) -> None:
    assert pretokens.piece_counter(wordpiece_dir) is None
    assert pretokens.piece_counter(unigram_dir) is None
    copy = tmp_path / "tok"
    shutil.copytree(qwen_dir, copy)
    proof = json.loads((copy / pretokens.PROOF_FILE).read_text("utf-8"))
    (copy / pretokens.PROOF_FILE).write_text(json.dumps({**proof, "tokenizer_sha256": "0" * 64}))
    assert pretokens.piece_counter(copy) is None
    (copy / pretokens.PROOF_FILE).unlink()
    assert pretokens.piece_counter(copy) is None
    assert pretokens.piece_counter(tmp_path / "nowhere") is None


def test_without_a_bound_the_lazy_counter_counts_exactly(wordpiece_dir: Path) -> None:
    counter = LazyStudent(str(wordpiece_dir))
    assert counter.fewest_tokens("Read the file") == 0
    assert counter.count_tokens("Read the file") == Student(wordpiece_dir).count_tokens(
        "Read the file"
    )


def test_long_context_items_are_the_same_without_the_tokenizer_load(student: Student) -> None:
    params = Params(generate=GenerateParams(total=60))
    counter = LazyStudent(str(student.directory))
    for index in long_context_indices(params.generate, params.seed):
        assert generate_item(params, index, counter) == generate_item(params, index, student)
    assert counter._pieces is not None
    assert counter._student is None  # the bound settled every prompt
