"""The world's shortcuts give what the long way gives (they exist for speed only)."""

from __future__ import annotations

import re

import pytest

from pipeline.world.fs_search import _matcher
from pipeline.world.model import File

LINES = ["a.b = 1", "a+b", "(x)", "[y]", "tab\there", "é ß", "ÉSS", "", "\\n", "a\nb", "*?"]


@pytest.mark.parametrize(
    "pattern", ["a.b", "a+b", "(x)", "[y]", "\t", "é", "ß", "ss", "", "\\", "\\n", "\n", "*?"]
)
def test_a_literal_case_sensitive_search_matches_where_its_escaped_regex_does(
    pattern: str,
) -> None:
    regex = re.compile(re.escape(pattern))
    search = _matcher({"pattern": pattern, "mode": "literal"})
    for line in LINES:
        assert bool(search(line)) == bool(regex.search(line)), (pattern, line)


SIZED = ["", "port: 8080\n", "é", "naïve ß\n", "日本", "😀 x", "\x00\x7f"]


@pytest.mark.parametrize("content", SIZED)
def test_a_files_size_is_its_utf8_byte_count(content: str) -> None:
    assert File("a.txt", "2024-01-01", content=content).size == len(content.encode("utf-8"))
