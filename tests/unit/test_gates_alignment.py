"""The segmented encoder equals whole encoding; span cover and round-trip helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.gates.alignment import Segmenter, cut_at, is_cover, line_cut, locate, valid_range
from pipeline.gates.spans import SpanChecks, span_kinds
from pipeline.student import Student

TEXTS = [
    "",
    "plain text only",
    "<|im_start|>system\nTools here<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n",
    '<tool_call>\n{"name": "fs.read", "arguments": {"path": "a.md"}}\n</tool_call>\nDone: 1.234,56',
    "<|im_end|><|im_end|>back to back specials<|im_start|>",
    "café crème, naïve 😀 日本語 e\u0301 " * 30,
]


@pytest.fixture(scope="module", params=["qwen", "wordpiece", "unigram"])
def student_any(
    request: pytest.FixtureRequest, qwen_dir: Path, wordpiece_dir: Path, unigram_dir: Path
) -> Student:
    directory = {"qwen": qwen_dir, "wordpiece": wordpiece_dir, "unigram": unigram_dir}
    return Student(directory[request.param])


def _same(segmenter: Segmenter, student: Student, texts: list[str]) -> None:
    for text, encoded in zip(texts, segmenter.encode_many(texts), strict=True):
        whole = student.tokenizer.encode(text, add_special_tokens=False)
        assert encoded.ids(0, len(encoded)) == whole.ids
        assert [(encoded.start(i), encoded.end(i)) for i in range(len(encoded))] == [
            tuple(o) for o in whole.offsets
        ]


def test_segmented_encoding_equals_whole_encoding(student_any: Student) -> None:
    segmenter = Segmenter(student_any.tokenizer)
    assert segmenter.pieces.segmented
    _same(segmenter, student_any, TEXTS)
    _same(segmenter, student_any, TEXTS)  # second time through the cache


def test_fast_path_encoding_equals_whole_encoding(student: Student) -> None:
    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    assert segmenter.pieces.fast is not None
    _same(segmenter, student, TEXTS)
    _same(segmenter, student, TEXTS)  # second time through the cache


def test_token_slices_across_pieces_equal_the_whole_encodings(student: Student) -> None:
    """`Encoded.ids` reads each piece's ids once and slices them: every range,
    within a piece or across added tokens, gives the whole encoding's slice."""
    for fast in (student.bytebpe(), None):
        segmenter = Segmenter(student.tokenizer, fast)
        for text, encoded in zip(TEXTS[2:5], segmenter.encode_many(TEXTS[2:5]), strict=True):
            whole = student.tokenizer.encode(text, add_special_tokens=False).ids
            for start in range(len(whole)):
                for end in range(start, len(whole) + 1):
                    assert encoded.ids(start, end) == whole[start:end]


@given(
    st.lists(
        st.one_of(
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
            st.sampled_from(["<|im_start|>", "<|im_end|>", "<tool_call>", "\n", " "]),
        ),
        max_size=8,
    )
)
def test_segmented_encoding_property(student: Student, parts: list[str]) -> None:
    segmenter = Segmenter(student.tokenizer)
    _same(segmenter, student, ["".join(parts)])


PIECES = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
        st.sampled_from(["<|im_start|>", "<|im_end|>", "<tool_call>", "\n", " ", ""]),
    ),
    max_size=6,
)


@given(PIECES)
def test_fast_path_cover_and_locate_follow_their_definition(
    student: Student, parts: list[str]
) -> None:
    """Through the fast path (empty pieces between added tokens included), every
    token range and character range is a cover exactly when the definition over
    the whole text's offsets says so, and `at` gives those offsets."""
    text = "".join(parts)
    (encoded,) = Segmenter(student.tokenizer, student.bytebpe()).encode_many([text])
    whole = student.tokenizer.encode(text, add_special_tokens=False)
    offsets = [tuple(o) for o in whole.offsets]
    n = len(offsets)
    assert len(encoded) == n
    assert [encoded.at(t) for t in range(n)] == offsets
    for s in range(n):
        for e in range(s + 1, min(n, s + 4) + 1):
            for start, end in {
                (offsets[s][0], offsets[e - 1][1]),
                (offsets[s][1] - 1, offsets[e - 1][0] + 1),
            }:
                expected = start < end and (
                    offsets[s][1] > start
                    and (s == 0 or offsets[s - 1][1] <= start)
                    and offsets[e - 1][0] < end
                    and (e == n or offsets[e][0] >= end)
                )
                assert is_cover(encoded, start, end, [s, e]) == expected
            piece = text[offsets[s][0] : offsets[e - 1][1]]
            found = locate(encoded, piece, [s, e])
            assert (found is not None) == bool(piece)


def test_valid_range_takes_ints_of_any_subclass_but_bool() -> None:
    """The exact-type fast path and the general check agree."""
    import enum

    class Small(enum.IntEnum):
        ONE = 1

    assert valid_range([0, 3]) and valid_range([Small.ONE, 2])
    assert not valid_range([True, 2]) and not valid_range([1, 2, 3]) and not valid_range((1, 2))
    assert not valid_range([1.0, 2]) and not valid_range("12")


def test_long_pieces_are_cached_and_the_cache_is_bounded(student: Student) -> None:
    segmenter = Segmenter(student.tokenizer)
    long_piece = "x " * 400
    segmenter.encode_many([f"<|im_start|>{long_piece}<|im_end|>"])
    assert long_piece in segmenter.pieces._cache
    from pipeline import encoding

    for i in range(encoding.CACHE_MAX_ENTRIES + 5):
        segmenter.encode_many([f"{i} " + long_piece])
    assert len(segmenter.pieces._cache) <= encoding.CACHE_MAX_ENTRIES


def test_tokenizer_whose_pieces_differ_is_encoded_whole(student: Student) -> None:
    from tokenizers import AddedToken

    tokenizer = student.tokenizer.__class__.from_str(student.tokenizer.to_str())
    tokenizer.add_tokens([AddedToken("<strip>", lstrip=True)])
    segmenter = Segmenter(tokenizer)
    assert not segmenter.pieces.segmented
    (encoded,) = segmenter.encode_many(["a <strip> b"])
    assert (
        encoded.ids(0, len(encoded))
        == tokenizer.encode("a <strip> b", add_special_tokens=False).ids
    )


def test_cover_and_locate(student: Student) -> None:
    text = 'x {"name": "web.search"} y'
    segmenter = Segmenter(student.tokenizer)
    (encoded,) = segmenter.encode_many([text])
    start = text.index("web.search")
    end = start + len("web.search")
    tokens = next(
        [s, e]
        for s in range(len(encoded))
        for e in range(s + 1, len(encoded) + 1)
        if encoded.end(s) > start
        and encoded.start(e - 1) < end
        and (s == 0 or encoded.end(s - 1) <= start)
        and (e == len(encoded) or encoded.start(e) >= end)
    )
    assert is_cover(encoded, start, end, tokens)
    assert not is_cover(encoded, start, end, [tokens[0] + 1, tokens[1] + 1])
    assert not is_cover(encoded, start, end, [tokens[0] - 1, tokens[1]])
    assert not is_cover(encoded, start, end, [0, len(encoded) + 1])
    assert locate(encoded, "web.search", tokens) == (start, end)
    assert locate(encoded, "web.search", [tokens[0] + 1, tokens[1] + 1]) is None
    assert locate(encoded, "", tokens) is None
    assert valid_range([1, 2]) and not valid_range([1, True]) and not valid_range(None)


def test_squash_uses_the_tokenizers_normaliser(wordpiece_dir: Path) -> None:
    segmenter = Segmenter(Student(wordpiece_dir).tokenizer)
    assert segmenter.squash("Café  Crème") == "cafecreme"
    assert segmenter.decode_many([]) == []


def test_span_kinds_pair_teacher_and_sequence_spans() -> None:
    span = {"chars": [0, 1]}
    targets = {
        "calls": [{"name_span": span, "args_span": None, "call_span": span}],
        "integration_spans": [span, "junk"],
        "sequence": {"calls": [{"name": [5, 6], "call": [4, 9]}], "integration": [[10, 12]]},
    }
    assert list(span_kinds(targets)) == [
        ("name", span, [5, 6]),
        ("call", span, [4, 9]),
        ("integration", span, [10, 12]),
    ]
    assert list(span_kinds({"calls": [{"name_span": span}], "sequence": "bad"})) == [
        ("name", span, None)
    ]


def test_span_checks_count_bad_spans(student: Student) -> None:
    segmenter = Segmenter(student.tokenizer)
    text = "hello world"
    (teacher,) = segmenter.encode_many([text])
    prep = {
        "targets": {
            "integration_spans": [
                {"chars": [0, 5], "tokens": [0, 1]},
                {"chars": [0, 0], "tokens": [0, 0]},
                {"chars": [6, 11], "tokens": [0, 1]},
            ]
        },
        "teacher": text,
        "result": {"reasons": []},
    }
    checks = SpanChecks(segmenter)
    checks.add(prep, teacher, None)
    checks.decode()
    checks.finish(prep)
    assert prep["result"]["alignment"] == {"teacher": [3, 1], "sequence": [0, 0]}
    assert prep["result"]["reasons"] == ["misaligned_teacher"]


def test_pre_tokenizer_marking_only_the_first_piece_is_encoded_whole(unigram_dir: Path) -> None:
    from tokenizers import pre_tokenizers

    tokenizer = Student(unigram_dir).tokenizer
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first")
    segmenter = Segmenter(tokenizer)
    assert not segmenter.pieces.segmented
    text = "<|im_start|>user\nhello world<|im_end|>"
    (encoded,) = segmenter.encode_many([text])
    assert encoded.ids(0, len(encoded)) == tokenizer.encode(text, add_special_tokens=False).ids


def test_reference_differs_finds_a_fast_path_that_disagrees(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.bytebpe import ByteBPE, Tokens
    from pipeline.gates import alignment

    monkeypatch.setattr(alignment, "CACHE_MIN_CHARS", 5)
    fast = student.bytebpe()
    assert fast is not None
    texts = ["<|im_start|>user\nRead docs/a.md<|im_end|>", "<|im_start|>user\nbye now<|im_end|>"]
    segmenter = Segmenter(student.tokenizer, fast)
    assert segmenter.reference_differs(texts) == []
    # Agreeing pieces of at least CACHE_MIN_CHARS are remembered and not re-encoded.
    assert set(segmenter._agreed) == {"user\nRead docs/a.md", "user\nbye now"}
    calls: list[list[str]] = []
    original = ByteBPE.encode_batch

    def shifted(self: ByteBPE, batch: list[str]) -> list[Tokens]:
        calls.append(batch)
        out = original(self, batch)
        for text, tokens in zip(batch, out, strict=True):
            if "docs" in text:
                tokens.start_array = tokens.start_array + 1
        return out

    monkeypatch.setattr(ByteBPE, "encode_batch", shifted)
    assert segmenter.reference_differs(texts) == []
    assert calls == []  # both pieces were already found equal
    fresh = Segmenter(student.tokenizer, fast)
    assert fresh.reference_differs([*texts, "docs<|im_end|>"]) == ["user\nRead docs/a.md", "docs"]
    assert "docs" not in fresh._agreed
    assert Segmenter(student.tokenizer).reference_differs(texts) == []  # no fast path


def test_reference_items_are_a_pure_function_of_the_id() -> None:
    from pipeline.gates.item import reference_selected

    ids = [f"tc-{i:06d}" for i in range(4000)]
    picked = [i for i in ids if reference_selected(i, 0.125)]
    assert 0.10 < len(picked) / len(ids) < 0.15
    assert picked == [i for i in ids if reference_selected(i, 0.125)]
    assert all(reference_selected(i, 1.0) for i in ids[:50])
    assert not any(reference_selected(i, 0.0) for i in ids)
    assert set(picked) <= {i for i in ids if reference_selected(i, 0.5)}


def test_agreed_pieces_are_remembered_from_the_minimum_length_and_bounded(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.gates import alignment

    monkeypatch.setattr(alignment, "CACHE_MIN_CHARS", 5)
    monkeypatch.setattr(alignment, "CACHE_MAX_ENTRIES", 2)
    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    assert segmenter.reference_differs(["abcd<|im_end|>abcde"]) == []
    assert list(segmenter._agreed) == ["abcde"]  # 4 characters: not kept; 5: kept
    segmenter.reference_differs(["fghij<|im_end|>klmno"])
    # At most two remembered, the oldest dropped first.
    assert list(segmenter._agreed) == ["fghij", "klmno"]


def test_a_rewritten_call_counts_as_the_same_call_only_when_its_json_is_equal(
    student: Student,
) -> None:
    from pipeline.gates.spans import same_call

    text = 'go <tool_call>\n{"name": "f", "arguments": {"a": 1}}\n</tool_call>'
    (encoded,) = Segmenter(student.tokenizer).encode_many([text])
    start = text.index("{")
    end = text.rindex("}") + 1
    first = next(t for t in range(len(encoded)) if encoded.end(t) > start)
    last = next(t for t in range(len(encoded)) if encoded.end(t) >= end)
    tokens = [first, last + 1]
    assert same_call(encoded, '{"name":"f","arguments":{"a":1}}', tokens) == text[start:end]
    assert same_call(encoded, '{"name":"f","arguments":{"a":2}}', tokens) is None
    assert same_call(encoded, '{"name":"f",', tokens) is None  # the teacher's text is broken
    assert same_call(encoded, '{"name":"f","arguments":{"a":1}}', [last, last]) is None


def test_reference_compares_the_encodings_the_checks_used(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.bytebpe import ByteBPE, Tokens

    fast = student.bytebpe()
    assert fast is not None
    texts = ["<|im_start|>user\nRead docs/a.md<|im_end|>", "plain text, no added tokens"]
    segmenter = Segmenter(student.tokenizer, fast)
    encoded = segmenter.encode_many(texts)
    # A fault in an encoding the checks read shows in the reference check...
    # Its cut: "", <|im_start|>, the plain piece, <|im_end|>, "".
    assert encoded[0].pieces[2] == "user\nRead docs/a.md"
    shifted = encoded[0].encodings[2]
    shifted.start_array = shifted.start_array + 1
    calls: list[list[str]] = []
    original = ByteBPE.encode_batch

    def counted(self: ByteBPE, batch: list[str]) -> list[Tokens]:
        calls.append(batch)
        return original(self, batch)

    monkeypatch.setattr(ByteBPE, "encode_batch", counted)
    assert segmenter.reference_differs(texts, encoded) == ["user\nRead docs/a.md"]
    assert calls == []  # ...because those very encodings are compared, not new ones
    # A piece outside the batch is encoded for the comparison.
    assert segmenter.reference_differs(["another piece"]) == []
    assert calls == [["another piece"]]


def test_reference_of_empty_texts_with_their_encodings(student: Student) -> None:
    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    texts = ["", "<|im_end|>", "x"]
    encoded = segmenter.encode_many(texts)
    assert encoded[0].wholes() == []
    assert segmenter.reference_differs(texts, encoded) == []


# Texts made of line-shaped parts: whitespace of every kind around newlines, words,
# JSON punctuation, digits, contractions and non-ASCII letters and marks.
LINE_TEXTS = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10),
        st.sampled_from(
            ["\n", "\r\n", "\n\n", " \n", "\t", " ", "\u00a0", "\u3000", "\x1c", "\u2028"]
        ),
        st.sampled_from(["The", "'s", '{"a": 1}', "42", "é", "e\u0301", "😀", "- ", "</x>"]),
    ),
    max_size=12,
).map("".join)


@given(LINE_TEXTS)
def test_line_cuts_are_pre_token_boundaries_and_encode_apart(text: str) -> None:
    """The rule `line_cut` relies on, with the tokenizer itself: every position it
    allows is a boundary of the pre-tokenizer's split, and the two sides, encoded
    apart and joined, give the whole text's ids and offsets."""
    student = _qwen()
    added = [t.content for t in student.tokenizer.get_added_tokens_decoder().values()]
    if any(token in text for token in added):
        return
    ends = {end for _, (_, end) in student.tokenizer.pre_tokenizer.pre_tokenize_str(text)}
    whole = student.tokenizer.encode(text, add_special_tokens=False)
    for cut in (p for p in range(len(text) + 1) if line_cut(text, p)):
        assert cut in ends
        left, right = student.tokenizer.encode_batch([text[:cut], text[cut:]])
        assert left.ids + right.ids == whole.ids
        shifted = [(s + cut, e + cut) for s, e in right.offsets]
        assert [*left.offsets, *shifted] == whole.offsets


@given(
    st.lists(st.one_of(LINE_TEXTS, st.sampled_from(["<|im_start|>", "<|im_end|>"])), max_size=6),
    st.lists(st.integers(0, 200), max_size=6),
)
def test_texts_cut_at_shared_starts_encode_whole(parts: list[str], starts: list[int]) -> None:
    """Through `encode_many` with any positions as hints (most not a `line_cut`,
    some inside added tokens), every text's tokens are those of encoding it whole,
    the shared text is one piece, and the reference check finds nothing."""
    student = _qwen()
    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    assert segmenter.lines_apart
    answer = "".join(parts)
    texts = ["assistant\n" + answer, "<|im_start|>user\nhi<|im_end|>\n" + answer, answer]
    shared = [(10, *starts), (len(texts[1]) - len(answer), *starts), starts]
    _same(segmenter, student, texts)
    encoded = segmenter.encode_many(texts, shared)
    for text, one in zip(texts, encoded, strict=True):
        whole = student.tokenizer.encode(text, add_special_tokens=False)
        assert one.ids(0, len(one)) == whole.ids
        assert [one.at(i) for i in range(len(one))] == [tuple(o) for o in whole.offsets]
    assert segmenter.reference_differs(texts, encoded) == []


def test_generated_items_share_their_answers_and_encode_whole(student: Student) -> None:
    """300 generated items as the checker prepares them (teacher text, rendering,
    CAWS line, long-context prompt, with `shared_starts`): the answers are pieces
    of both the teacher text and the rendering, and every text's encoding read
    from the pieces is the whole text's (slice == separate encoding)."""
    from pipeline.gates.checks import caws_line
    from pipeline.gates.item import shared_starts
    from pipeline.gen.item import generate_item
    from pipeline.params import Params

    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    texts: list[str] = []
    shared: list[tuple[int, ...]] = []
    answers = 0
    for index in range(300):
        item = generate_item(Params(), index)
        rendered = student.render(item["messages"], item["tools"])
        four = [item["teacher_text"], rendered, caws_line(item["prompt"]), item["prompt"]]
        texts += four
        shared += shared_starts(item, four)
    for start in range(0, len(texts), 64):
        batch = texts[start : start + 64]
        encoded = segmenter.encode_many(batch, shared[start : start + 64])
        teacher = {piece for one in encoded[::4] for piece in one.pieces[2::2]}
        answers += sum(piece in teacher for one in encoded[1::4] for piece in one.pieces[::2])
        assert segmenter.reference_differs(batch, encoded) == []
        for text, one in zip(batch, encoded, strict=True):
            whole = student.tokenizer.encode(text, add_special_tokens=False)
            assert one.ids(0, len(one)) == whole.ids
            assert [one.at(i) for i in range(len(one))] == [tuple(o) for o in whole.offsets]
    assert answers >= 200  # most answers are encoded once, for both texts


def test_str_isspace_covers_the_unicode_white_space_property() -> None:
    """`line_cut` allows a cut before a character `str.isspace` refuses: it must not
    be whitespace to the tokenizer's regex (Unicode White_Space) either."""
    import regex

    white = [chr(c) for c in range(0x110000) if regex.match(r"\p{White_Space}", chr(c))]
    assert len(white) >= 25
    assert all(char.isspace() for char in white)


def test_line_cuts_only_for_the_proven_patterns(
    student: Student, wordpiece_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = student.bytebpe()
    assert fast is not None
    assert Segmenter(student.tokenizer, fast).lines_apart
    assert not Segmenter(student.tokenizer).lines_apart  # no fast path
    assert not Segmenter(Student(wordpiece_dir).tokenizer).lines_apart
    monkeypatch.setattr(fast, "pattern", fast.pattern.replace(r"\s*[\r\n]+|", ""))
    assert not Segmenter(student.tokenizer, fast).lines_apart
    # Refused, the hints are passed over: the texts are cut at added tokens only.
    (one,) = Segmenter(student.tokenizer, fast).encode_many(["user\nhi"], [(5,)])
    assert one.pieces == ["user\nhi"]


def test_cut_at_splits_plain_pieces_only() -> None:
    cut = ["ab\ncd", "<|im_end|>", "\nef"]
    assert cut_at(list(cut), [3]) == ["ab\n", "", "cd", "<|im_end|>", "\nef"]
    assert cut_at(list(cut), [0, 5, 6, 15, 18]) == cut  # edges and an added token
    assert cut_at(list(cut), [16, 3]) == ["ab\n", "", "cd", "<|im_end|>", "\n", "", "ef"]


def test_reference_check_compares_pieces_as_cut_and_catches_a_wrong_cut(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference check joins the pieces a text was cut in and compares the
    whole piece with `tokenizers`: a rule that cut inside a pre-token (here: after
    a space, allowed by a broken `line_cut`) is named; the probes refuse it first."""
    from pipeline.gates import alignment

    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    texts = ["<|im_start|>assistant\nThe answer is 42, said she.<|im_end|>"]
    encoded = segmenter.encode_many(texts, [(22,)])
    assert encoded[0].pieces[2:5] == ["assistant\n", "", "The answer is 42, said she."]
    assert segmenter.reference_differs(texts, encoded) == []
    monkeypatch.setattr(alignment, "line_cut", lambda text, position: text[position - 1] == " ")
    segmenter = Segmenter(student.tokenizer, student.bytebpe())
    assert not segmenter.lines_apart  # the probes, cut by the broken rule, say so
    segmenter.lines_apart = True  # forced: what the reference check is there for
    encoded = segmenter.encode_many(texts, [(26,)])
    assert encoded[0].pieces[2:5] == ["assistant\nThe ", "", "answer is 42, said she."]
    assert segmenter.reference_differs(texts, encoded) == ["assistant\nThe answer is 42, said she."]


def _qwen() -> Student:
    from fixture_tokenizers import built, student_of

    return student_of(built("qwen"))
