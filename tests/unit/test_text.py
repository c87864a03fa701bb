"""The one normaliser: NFC with LF line endings."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.text import NORMALIZER, is_normalized, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain ascii", "plain ascii"),
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb\n", "a\n\nb\n"),
        ("cafe\u0301", "café"),
        ("cafe\u0301\r\n", "café\n"),
        ("\u1100\u1161\u11a8", "\uac01"),  # Hangul jamo compose to one syllable
        ("Å", "Å"),  # ANGSTROM SIGN -> LATIN CAPITAL A WITH RING
        ("ﬁ", "ﬁ"),  # NFC keeps compatibility ligatures (that would be NFKC)
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert is_normalized(expected)


def test_normalize_is_nfc_plus_lf() -> None:
    raw = "Ame\u0301lie\r\n日本 😀\re\u0308"
    assert normalize(raw) == unicodedata.normalize(
        "NFC", raw.replace("\r\n", "\n").replace("\r", "\n")
    )
    assert NORMALIZER == "NFC+LF"


@pytest.mark.parametrize("text", ["a\r\nb", "a\rb", "cafe\u0301", "\u1100\u1161"])
def test_is_normalized_detects_what_normalize_would_change(text: str) -> None:
    assert not is_normalized(text)
    assert is_normalized(normalize(text))


def test_ascii_fast_path_returns_the_same_object() -> None:
    text = "no change needed"
    assert normalize(text) is text
