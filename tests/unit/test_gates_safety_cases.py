"""Argument safety, edge cases: the exact reason a path escapes, the evidence
of a finding, code calls recognised by their `code` argument, and how many
rounds of percent-decoding a path gets."""

from __future__ import annotations

import pytest

from pipeline.gates.safety import check_call, path_problem


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("src/a\x00.py", "NUL byte in path"),
        ("src/a%00.py", "NUL byte in path"),
        ("file:///etc/passwd", "path with a scheme other than repo://"),
        ("/etc/passwd", "absolute path"),
        ("../etc/passwd", "path traversal (..)"),
    ],
)
def test_each_escape_has_its_own_reason(path: str, reason: str) -> None:
    assert path_problem(path) == reason


def test_percent_encoding_is_decoded_twice_and_deeper_encoding_is_flagged() -> None:
    assert path_problem("%252e%252e/etc") == "path traversal (..)"
    assert path_problem("docs/a%20b.md") is None
    # Whatever a third level hides, a tool that decodes once more would see it.
    assert path_problem("%25252e%25252e/etc") == "percent-encoded more than twice"
    assert path_problem("docs/%252541.md") == "percent-encoded more than twice"


def test_safe_paths_give_no_finding() -> None:
    assert check_call("fs.read", {"path": "a.md"}) == []
    assert check_call("fs.search", {"paths": ["src", "docs/x.md"], "pattern": "x"}) == []


def test_unsafe_path_evidence_names_the_call_reason_and_first_60_chars() -> None:
    value = "/" + "a" * 80
    assert check_call("fs.read", {"path": value}) == [
        ("unsafe_path", f"fs.read: absolute path: {value[:60]!r}")
    ]


def test_shell_metacharacter_evidence_names_the_character_and_first_60_chars() -> None:
    value = "a" * 70 + "; rm -rf /"
    found = check_call("code.run", {"code": "print(1)", "args": [value]})
    assert found == [("shell_injection", f"code.run: metacharacter ';' in {value[:60]!r}")]


def test_a_call_with_a_code_argument_is_checked_whatever_its_name() -> None:
    found = check_call("custom.eval", {"code": "import os\nos.system('id')"})
    assert found == [("shell_injection", "custom.eval: code calls 'os.system('")]
    found = check_call("custom.eval", {"code": "print(1)", "args": ["a | sh"]})
    assert [code for code, _ in found] == ["shell_injection"]
