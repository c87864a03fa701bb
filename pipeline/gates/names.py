"""Paths and file names named as whole tokens in a text, found without a pattern each.

The checks that read which files an answer or a request names used to compile a
regular expression per text (the names, escaped, between two boundary
lookarounds): each one missed the regex cache, and compiling cost more than the
check. These functions find the same matches from the places where a name
occurs (`str.find`) and the boundary classes, in the regex's own order
(tests/unit/test_gates_gate_fastpaths.py compares them with the patterns).
"""

from __future__ import annotations

import re

# Not right before a named token: a word character, a slash, a dot or a hyphen.
_BEFORE = re.compile(r"[\w/.-]")
# Not right after a path (request_incoherent), and not after a file name
# (figure_misattributed), where a dot counts only before a word character: "a.md."
# ends a sentence, "a.md.bak" is another file.
_AFTER_PATH = re.compile(r"[\w/-]")
_AFTER_NAME = re.compile(r"[\w/-]|\.\w")


def named(path: str, text: str) -> bool:
    r"""`re.search(rf"(?<![\w/.-]){re.escape(path)}(?![\w/-])", text)`: each occurrence
    of the path tried as the regex tries it."""
    at = text.find(path)
    while at >= 0:
        end = at + len(path)
        if not (at and _BEFORE.match(text, at - 1)) and not _AFTER_PATH.match(text, end):
            return True
        at = text.find(path, at + 1)
    return False


def names_in(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    r"""(start, end, name) of each match of the non-empty `names` in `text`, as
    `re.finditer` gives them for `(?<![\w/.-])(?:name1|name2|...)(?![\w/-]|\.\w)`:
    at each position, the first name in `names`' order that fits; the next search
    from that match's end. Only where some name occurs can one match, so those
    places are tried, in order."""
    places: set[int] = set()
    for name in names:
        at = text.find(name)
        while at >= 0:
            places.add(at)
            at = text.find(name, at + 1)
    found: list[tuple[int, int, str]] = []
    resume = 0
    for at in sorted(places):
        if at < resume or (at and _BEFORE.match(text, at - 1)):
            continue
        for name in names:
            end = at + len(name)
            if text.startswith(name, at) and not _AFTER_NAME.match(text, end):
                found.append((at, end, name))
                resume = end
                break
    return found
