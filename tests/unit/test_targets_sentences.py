"""Sentence boundaries in en/es/de/fr answers (the gold integration spans are sentences)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.targets.sentences import content_start, split_sentences, word_before


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Según example.org, el ANE prefiere kernels fp16. La búsqueda devolvió 1.234 "
            "resultados; el más relevante es https://example.org/ane/fp16-kernels.",
            [
                "Según example.org, el ANE prefiere kernels fp16.",
                "La búsqueda devolvió 1.234 resultados; el más relevante es "
                "https://example.org/ane/fp16-kernels.",
            ],
        ),
        (
            "Die Datei hat z. B. 1.234,56 Einträge am 31. Dezember 2024. Danach e.g. nichts!",
            ["Die Datei hat z. B. 1.234,56 Einträge am 31. Dezember 2024.", "Danach e.g. nichts!"],
        ),
        (
            "It is 11 lines long. src/app.py has 12 lines. Version 2. Next one",
            ["It is 11 lines long.", "src/app.py has 12 lines.", "Version 2.", "Next one"],
        ),
        (
            "La ejecución tardó 2.493,15 ms. El programa imprimió 50.",
            ["La ejecución tardó 2.493,15 ms.", "El programa imprimió 50."],
        ),
        ("Il a dit « oui. » Puis rien… Fin?", ["Il a dit « oui. »", "Puis rien…", "Fin?"]),
        ('He said "done." Then left.', ['He said "done."', "Then left."]),
        ("Wait... What?!", ["Wait...", "What?!"]),
        ("日本語です。次の文！最後", ["日本語です。", "次の文！", "最後"]),
        ("Line one\n- item: 3.5\n\n  - item two  ", ["Line one", "- item: 3.5", "- item two"]),
        ("Dr. Smith vs. J. Doe met.", ["Dr. Smith vs. J. Doe met."]),
        (
            "It ranks the 500 largest U.S. publicly traded companies. The U.K. list is shorter.",
            [
                "It ranks the 500 largest U.S. publicly traded companies.",
                "The U.K. list is shorter.",
            ],
        ),
        ("", []),
        ("   \n ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_split_respects_the_region_and_gives_absolute_offsets() -> None:
    text = "HEAD. One. Two. TAIL."
    spans = split_sentences(text, 6, 15)
    assert spans == [(6, 10), (11, 15)]
    assert [text[s:e] for s, e in spans] == ["One.", "Two."]


@pytest.mark.parametrize(
    ("sentence", "content"),
    [
        ("According to example.org, fp16 kernels help.", "fp16 kernels help."),
        ("Según example.org, el ANE prefiere fp16.", "el ANE prefiere fp16."),
        ("Laut example.com, die Latenz sank.", "die Latenz sank."),
        ("D’après example.net, la latence baisse.", "la latence baisse."),
        ("Laut example.com: Teams melden 18 %.", "Laut example.com: Teams melden 18 %."),
        ("The top source, example.net, says so.", "The top source, example.net, says so."),
        ("According to example.org,", "According to example.org,"),
    ],
)
def test_content_start_skips_a_source_lead_in(sentence: str, content: str) -> None:
    assert sentence[content_start(sentence, 0, len(sentence)) :] == content


_SPACE_HEAVY = st.text(
    alphabet=st.sampled_from(
        ["a", "é", ".", "(", " ", "\n", "\t", "\r", "\x1c", "\x85", "\u00a0", "\u2028", "\u3000"]
    ),
    max_size=30,
)


@given(text=_SPACE_HEAVY, start=st.integers(0, 31), end=st.integers(0, 31))
def test_word_before_is_the_regex_search_it_replaces(text: str, start: int, end: int) -> None:
    end = min(end, len(text))
    start = min(start, end)
    found = re.compile(r"(\S+)$").search(text, start, end)
    assert word_before(text, start, end) == (found.group(1) if found else "")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("see fig", "fig"),
        ("see fig\n", "fig"),
        ("see fig \n", ""),
        ("fig\n\n", ""),
        ("\n", ""),
        ("", ""),
    ],
)
def test_word_before_edges(text: str, word: str) -> None:
    """``$`` matches before one final line break, so a word there still counts."""
    assert word_before(text, 0, len(text)) == word
