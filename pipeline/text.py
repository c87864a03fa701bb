"""The one place where text is normalised before any offset is taken."""

from __future__ import annotations

import unicodedata

NORMALIZER = "NFC+LF"


def normalize(text: str) -> str:
    """Return `text` as NFC with LF line endings.

    Line endings go first: NFC never creates or removes a CR, so the order only
    matters for speed, and the ASCII fast path skips NFC entirely.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


def is_normalized(text: str) -> bool:
    return "\r" not in text and (text.isascii() or unicodedata.is_normalized("NFC", text))
