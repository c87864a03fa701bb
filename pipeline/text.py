"""The one place where text is normalised before any offset is taken."""

from __future__ import annotations

import unicodedata

NORMALIZER = "NFC+LF"
# Scripts whose letters sit against a number or a name with no space: Thai, kana and
# Han (written without spaces between words), and Hangul, whose counters and particles
# attach to the word before ("152개", "3시에"); as a regex class body. Next to one of
# their letters a number or a name still starts a new word ("指数为152", "06:00と"),
# though the letter is \w.
UNSPACED = (
    "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)


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
