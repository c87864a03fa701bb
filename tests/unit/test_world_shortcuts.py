"""The world's shortcuts give what the long way gives (they exist for speed only)."""

from __future__ import annotations

import re

import pytest

from pipeline.world.fs_search import _matcher

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
