"""The tiktoken fast path: proven only for tiktoken-shaped tokenizers, equal to `tokenizers`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fixture_tokenizers import CORPUS
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline import bytebpe
from pipeline.bytebpe import PROOF_FILE, ByteBPE, Tokens, load, prove, same_encoding
from pipeline.encoding import Pieces
from pipeline.gen.item import generate_item
from pipeline.params import Params
from pipeline.student import Student, materialise

SAMPLES = [
    *bytebpe.PROBES,
    # The fast path encodes the text between added tokens: none of those here.
    *(text.replace("<tool_call>", "").replace("</tool_call>", "") for text in CORPUS[:9]),
    "",
    " ",
    "a",
    "\n\n\n",
    "x" * 3000,
    "1234567890" * 7,
    "  leading and trailing  ",
    "𝔘𝔫𝔦 mixed 😀 with ascii and e\u0301\u0301 marks",
]


@pytest.fixture(scope="module")
def fast(student: Student) -> ByteBPE:
    encoder = student.bytebpe()
    assert encoder is not None, "the embedded tokenizer must get the fast path"
    return encoder


def _whole(student: Student, texts: list[str]) -> list[object]:
    return list(student.tokenizer.encode_batch(texts, add_special_tokens=False))


def test_ids_and_offsets_equal_the_tokenizers(student: Student, fast: ByteBPE) -> None:
    for reference, tokens in zip(_whole(student, SAMPLES), fast.encode_batch(SAMPLES), strict=True):
        assert tokens.ids == reference.ids  # type: ignore[attr-defined]
        assert tokens.offsets == [tuple(o) for o in reference.offsets]  # type: ignore[attr-defined]
        assert len(tokens) == len(reference.ids)  # type: ignore[attr-defined]
        assert same_encoding(reference, tokens)


def test_token_to_chars_reads_the_offsets(fast: ByteBPE) -> None:
    (tokens,) = fast.encode_batch(["héllo 😀 world"])
    assert [tokens.token_to_chars(i) for i in range(len(tokens))] == tokens.offsets
    # A token inside a 4-byte character covers that whole character, as `tokenizers` says.
    (astral,) = fast.encode_batch(["𝔘"])
    assert astral.offsets == [(0, 1)] * len(astral)


def test_a_batch_is_encoded_as_its_texts_one_by_one(fast: ByteBPE) -> None:
    together = fast.encode_batch(SAMPLES)
    for text, tokens in zip(SAMPLES, together, strict=True):
        (alone,) = fast.encode_batch([text])
        assert (tokens.ids, tokens.offsets) == (alone.ids, alone.offsets)
    assert fast.encode_batch([]) == []


@given(st.lists(st.text(max_size=80), max_size=6))
@example(["<tool_call>", "a<|im_end|>"])
def test_any_text_encodes_as_the_tokenizer_does(texts: list[str]) -> None:
    student = _qwen_student()
    fast = student.bytebpe()
    assert fast is not None
    # The fast path's contract: plain text. Callers cut texts at added tokens first
    # (`pipeline.encoding.Pieces`), which tiktoken does not know.
    added = [t.content for t in student.tokenizer.get_added_tokens_decoder().values()]
    texts = [text for text in texts if not any(token in text for token in added)]
    for reference, tokens in zip(_whole(student, texts), fast.encode_batch(texts), strict=True):
        assert same_encoding(reference, tokens)


def _qwen_student() -> Student:
    from fixture_tokenizers import built, student_of

    return student_of(built("qwen"))


def test_generated_items_encode_identically(student: Student, fast: ByteBPE) -> None:
    """Every plain piece of 300 generated items (prompts, teacher texts, renderings,
    multilingual and long-context ones included) as extract and verify cut them."""
    plan = Pieces(student.tokenizer, lambda e: e, lambda i, n: None).plan
    parts: dict[str, None] = {}
    for index in range(300):
        item = generate_item(Params(), index)
        rendered = student.render(item["messages"], item["tools"])
        for text in (item["prompt"], item["teacher_text"], rendered):
            parts.update((part, None) for _, part, added in plan(text) if not added)
    texts = list(parts)
    assert len(texts) > 500
    for reference, tokens in zip(_whole(student, texts), fast.encode_batch(texts), strict=True):
        assert same_encoding(reference, tokens)


def test_the_embedded_tokenizer_is_proven_from_its_merges(student: Student) -> None:
    """Not only by construction: its merge list is re-derived from the ranks and matches."""
    spec = student.tokenizer.to_str()
    proof = prove(spec, "abc")
    pattern = json.loads(spec)["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]
    assert proof == {"version": 1, "tokenizer_sha256": "abc", "equal": True, "pattern": pattern}
    on_disk = json.loads((student.directory / PROOF_FILE).read_text("utf-8"))
    assert on_disk["equal"] is True
    assert on_disk["tokenizer_sha256"] == student.fingerprint["sha256"]


def _edited(student: Student, edit: object) -> str:
    spec = json.loads(student.tokenizer.to_str())
    edit(spec)  # type: ignore[operator]
    return json.dumps(spec)


def _swap_two_merges(spec: dict) -> None:  # type: ignore[type-arg]
    merges = spec["model"]["merges"]
    merges[100], merges[101] = merges[101], merges[100]


NORMALIZER = "tokenizer.json: it has a normalizer"
PRE = "tokenizer.json: its pre-tokenizer is not a regex split followed by byte-level mapping"
POST = "tokenizer.json: its post-processor changes offsets"
MODEL = "tokenizer.json: its model is not a plain byte-level BPE that prefers whole-word tokens"
BYTES = "tokenizer.json: its vocabulary is not byte-level"
MERGES = "tokenizer.json: its merges are not the rank-ordered splits of its vocabulary"


def _steps(spec: dict) -> list:  # type: ignore[type-arg]
    return spec["pre_tokenizer"]["pretokenizers"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda s: s.__setitem__("normalizer", {"type": "NFC"}), NORMALIZER),
        (lambda s: _steps(s).pop(), PRE),
        (lambda s: s.__setitem__("pre_tokenizer", {"type": "Whitespace"}), PRE),
        # The same two steps, but not applied in sequence.
        (lambda s: s["pre_tokenizer"].__setitem__("type", "Other"), PRE),
        (lambda s: _steps(s)[0].__setitem__("invert", True), PRE),
        (lambda s: _steps(s)[0].__setitem__("behavior", "Removed"), PRE),
        (lambda s: _steps(s)[0].__setitem__("pattern", {"String": " "}), PRE),
        (lambda s: _steps(s)[1].__setitem__("add_prefix_space", True), PRE),
        (lambda s: _steps(s)[1].__setitem__("use_regex", True), PRE),
        (lambda s: _steps(s).reverse(), PRE),
        (lambda s: s["model"].__setitem__("dropout", 0.1), MODEL),
        (lambda s: s["model"].__setitem__("ignore_merges", False), MODEL),
        (lambda s: s["model"].__setitem__("byte_fallback", True), MODEL),
        (lambda s: s["model"].__setitem__("continuing_subword_prefix", "##"), MODEL),
        (lambda s: s["model"].__setitem__("end_of_word_suffix", "</w>"), MODEL),
        (lambda s: s["model"].__setitem__("type", "WordPiece"), MODEL),
        (lambda s: s["post_processor"].__setitem__("trim_offsets", True), POST),
        (lambda s: s.__setitem__("post_processor", {"type": "TemplateProcessing"}), POST),
        (lambda s: s["model"]["vocab"].__setitem__("a b", 999_999), BYTES),
        (_swap_two_merges, MERGES),
        (lambda s: s["model"]["merges"].pop(), MERGES),
        (lambda s: s["model"]["merges"].append(["a", "b"]), MERGES),
    ],
)
def test_a_tokenizer_of_another_shape_is_not_proven(
    student: Student, edit: object, reason: str
) -> None:
    proof = prove(_edited(student, edit), "sha")
    assert proof == {"version": 1, "tokenizer_sha256": "sha", "equal": False, "reason": reason}


def test_merges_written_as_strings_are_read_too(student: Student) -> None:
    """Older tokenizer.json files write each merge as one "left right" string."""

    def as_strings(spec: dict) -> None:  # type: ignore[type-arg]
        spec["model"]["merges"] = [" ".join(pair) for pair in spec["model"]["merges"]]

    assert prove(_edited(student, as_strings), "sha")["equal"] is True


def test_ranks_leave_added_tokens_out() -> None:
    vocab = {"a": 0, "<x>": 1, "Ġb": 2, "c": 3}
    assert bytebpe._ranks(vocab, {"<x>"}) == {b"a": 0, b" b": 2, b"c": 3}
    # A raw space or control character is not in the byte-level alphabet.
    assert bytebpe._ranks({"a b": 0}, set()) is None
    assert bytebpe._ranks({"a\x00": 0}, set()) is None


def _ranks_token_by_token(vocab: dict[str, int], added: set[str]) -> dict[bytes, int] | None:
    """The plain definition `_ranks` computes in bulk: each token's characters as bytes."""
    decoder = bytebpe.byte_decoder()
    ranks: dict[bytes, int] = {}
    for token, rank in vocab.items():
        if token in added:
            continue
        if any(char not in decoder for char in token):
            return None
        ranks[bytes(decoder[char] for char in token)] = rank
    return ranks


def test_ranks_equal_the_byte_by_byte_definition(student: Student) -> None:
    tok = student.tokenizer
    vocab = tok.get_vocab(with_added_tokens=False)
    added = {t.content for t in tok.get_added_tokens_decoder().values()}
    ranks = bytebpe._ranks(vocab, added)
    assert ranks is not None
    assert ranks == _ranks_token_by_token(vocab, added)
    assert list(ranks.values()) == [r for t, r in vocab.items() if t not in added]
    # Token lengths, read by rank, are the byte lengths the offsets are built from.
    fast = ByteBPE(ranks, r"\s+|\S+")
    for token, rank in list(ranks.items())[::997]:
        assert fast._lengths[rank] == len(token)


@given(st.dictionaries(st.text(max_size=4), st.integers(0, 10**6), max_size=12))
def test_ranks_of_any_vocabulary_follow_the_definition(vocab: dict[str, int]) -> None:
    added = set(list(vocab)[:1])
    assert bytebpe._ranks(vocab, added) == _ranks_token_by_token(vocab, added)


@pytest.mark.parametrize("name", ["wordpiece", "unigram"])
def test_other_model_families_keep_the_tokenizers_path(
    name: str, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(f"{name}_dir")
    proof = json.loads((folder / PROOF_FILE).read_text("utf-8"))
    assert proof["equal"] is False
    assert Student(folder).bytebpe() is None


def test_a_trained_byte_level_bpe_is_never_encoded_differently(tmp_path: Path) -> None:
    """A GPT-2-style BPE trained here: whatever the proof says, what loads is exact."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        special_tokens=["<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer=trainer)
    src = tmp_path / "src"
    src.mkdir()
    tok.save(str(src / "tokenizer.json"))
    materialise(str(src), tmp_path / "bpe")
    student = Student(tmp_path / "bpe")
    fast = student.bytebpe()
    proof = json.loads((tmp_path / "bpe" / PROOF_FILE).read_text("utf-8"))
    assert (fast is not None) == proof["equal"]
    if fast is not None:
        for reference, tokens in zip(
            _whole(student, SAMPLES), fast.encode_batch(SAMPLES), strict=True
        ):
            assert same_encoding(reference, tokens)


def _copy(student: Student, tmp_path: Path) -> Path:
    folder = tmp_path / "tok"
    shutil.copytree(student.directory, folder)
    return folder


def _rewrite_proof(folder: Path, **changes: object) -> None:
    path = folder / PROOF_FILE
    proof = json.loads(path.read_text("utf-8"))
    proof.update(changes)
    path.write_text(json.dumps(proof), "utf-8")


@pytest.mark.parametrize(
    "changes",
    [
        {"tokenizer_sha256": "0" * 64},  # a proof for another tokenizer.json
        {"version": 0},
        {"equal": False},
        {"pattern": None},
        {"pattern": r"\S+|\s+"},  # compiles, but the probes encode differently
        {"pattern": "(?<=a+)b"},  # tiktoken's regex engine refuses it
    ],
)
def test_a_stale_or_wrong_proof_is_refused(
    student: Student, tmp_path: Path, changes: dict[str, object]
) -> None:
    folder = _copy(student, tmp_path)
    _rewrite_proof(folder, **changes)
    assert load(folder, student.tokenizer, student.fingerprint["sha256"]) is None


def test_a_missing_or_unreadable_proof_is_refused(student: Student, tmp_path: Path) -> None:
    folder = _copy(student, tmp_path)
    (folder / PROOF_FILE).write_text("{not json", "utf-8")
    assert load(folder, student.tokenizer, student.fingerprint["sha256"]) is None
    (folder / PROOF_FILE).write_text("[1, 2]", "utf-8")
    assert load(folder, student.tokenizer, student.fingerprint["sha256"]) is None
    (folder / PROOF_FILE).unlink()
    assert load(folder, student.tokenizer, student.fingerprint["sha256"]) is None
    assert Student(folder).bytebpe() is None


def test_the_byte_alphabet_covers_every_byte_once() -> None:
    decoder = bytebpe.byte_decoder()
    assert sorted(decoder.values()) == list(range(256))
    assert decoder["Ġ"] == 0x20 and decoder["Ċ"] == 0x0A and decoder["a"] == ord("a")


def test_tokens_behave_like_an_encoding(fast: ByteBPE) -> None:
    (tokens,) = fast.encode_batch(["ab cd"])
    assert isinstance(tokens, Tokens)
    assert tokens.id_array.dtype.kind == "i"
    assert tokens.ids == tokens.id_array.tolist()
    assert tokens.offsets[-1][1] == len("ab cd")


def test_added_tokens_in_the_vocabulary_are_not_ranked(student: Student) -> None:
    """GPT-2-style files list added tokens in the model's vocabulary as well."""

    def add_to_vocab(spec: dict) -> None:  # type: ignore[type-arg]
        # Both halves are tokens: ranked, it would call for a merge ("hello", "world").
        spec["model"]["vocab"]["helloworld"] = 999_999
        spec["added_tokens"].append({"id": 999_999, "content": "helloworld", "special": True})

    assert prove(_edited(student, add_to_vocab), "sha")["equal"] is True


def test_the_smallest_byte_level_vocabulary_is_proven() -> None:
    """256 single-byte tokens and no merges: byte-level, and trivially rank-ordered."""
    alphabet = sorted(bytebpe.byte_decoder(), key=bytebpe.byte_decoder().__getitem__)
    spec = {
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": r"\S+|\s+"}, "behavior": "Isolated"},
                {"type": "ByteLevel", "add_prefix_space": False, "use_regex": False},
            ],
        },
        "post_processor": None,
        "model": {
            "type": "BPE",
            "ignore_merges": True,
            "vocab": {char: rank for rank, char in enumerate(alphabet)},
            "merges": [],
        },
    }
    assert prove(json.dumps(spec), "sha")["equal"] is True
    spec["model"]["vocab"].pop(alphabet[-1])  # one byte missing: not byte-level
    assert prove(json.dumps(spec), "sha")["reason"] == BYTES
