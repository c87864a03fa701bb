"""intent_unanswered, path by path: each request kind with an answer that does what
was asked, and the same answer with the asked part left out (the gate fires)."""

from __future__ import annotations

import pytest

from pipeline.gates.intents import problem
from pipeline.gates.session import Session, Turn

LISTING = {
    "ok": True,
    "count": 5,
    "results": [
        {"path": "src/a.py", "size": 10},
        {"path": "src/b.py", "size": 20},
        {"path": "src/c.py", "size": 30},
        {"path": "src/d.py", "size": 40},
        {"path": "src/e.py", "size": 50},
    ],
}


def listed(answer: str, request: str = "List the files in src.") -> str | None:
    return problem(Session(request, [Turn("fs.list", {"dir": "src"}, LISTING)], answer))[1]


def test_a_listing_names_every_entry_or_says_it_is_partial() -> None:
    assert listed("src has 5 files: a.py, b.py, c.py, d.py and e.py.") is None
    assert listed("src has 5 files, among them a.py, b.py and c.py.") is None
    why = listed("src has a.py and b.py.")
    assert why is not None and why.startswith("list: 2 of 5 listed entries named")


def test_a_search_listing_names_its_matches_by_path_and_line() -> None:
    found = {"ok": True, "count": 2, "results": ["src/a.py:3", "src/b.py:9"]}
    session = Session(
        "Find every occurrence of `retry`.",
        [Turn("fs.search", {"pattern": "retry"}, found)],
        "`retry` appears in src/a.py:3 and src/b.py:9.",
    )
    assert problem(session)[1] is None
    session.answer = "`retry` appears in src/a.py:3."
    why = problem(session)[1]
    assert why is not None and "1 of 2" in why


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ("a.yaml sets port to 80 and b.yaml to 8080: 8000 higher than a.yaml's.", None),
        ("a.yaml sets port to 80 and b.yaml sets it to 8080.", "states no relation"),
        (
            "b.yaml's port is higher than a.yaml's.",
            "does not state the compared values",
        ),
    ],
)
def test_a_comparison_states_both_values_and_their_relation(answer: str, found: str) -> None:
    turns = [
        Turn("fs.read", {"path": "a.yaml"}, {"ok": True, "content": "port: 80"}),
        Turn("fs.read", {"path": "b.yaml"}, {"ok": True, "content": "port: 8080"}),
    ]
    why = problem(Session("Compare the port of a.yaml and b.yaml.", turns, answer))[1]
    assert (why is None) if found is None else (why is not None and found in why)


def test_a_count_is_stated() -> None:
    ask = "How many files are in src?"
    turns = [Turn("fs.list", {"dir": "src"}, LISTING)]
    assert problem(Session(ask, turns, "src holds 5 files."))[1] is None
    why = problem(Session(ask, turns, "src holds some files."))[1]
    assert why == "count: the count 5 is not stated"


def test_a_program_s_output_is_stated() -> None:
    ask = "Run this and tell me what it prints: `print(6 * 7)`"
    turns = [Turn("code.run", {"code": "print(6 * 7)"}, {"ok": True, "stdout": "42\n"})]
    assert problem(Session(ask, turns, "It prints 42."))[1] is None
    why = problem(Session(ask, turns, "It ran fine."))[1]
    assert why is not None and why.startswith("compute: the output '42")


def test_an_asked_date_found_deep_in_a_response_is_stated() -> None:
    # No read or open names the date: every date the responses gave, however deep.
    ask = "Tell me when notes.md was last modified."
    listing = {
        "ok": True,
        "results": [{"entries": [{"path": "notes.md", "modified": "2024-03-01"}]}],
    }
    turns = [Turn("fs.list", {"dir": "."}, listing)]
    assert problem(Session(ask, turns, "notes.md was last modified on 2024-03-01."))[1] is None
    why = problem(Session(ask, turns, "notes.md is in the listing."))[1]
    assert why is not None and why.startswith("modified: none of the dates")


def test_links_asked_for_are_named() -> None:
    page = {
        "ok": True,
        "url": "https://example.org/a",
        "title": "A",
        "content": "Overview\nCaching cut latency by 20%.",
        "links": ["https://example.org/b", "https://example.org/c"],
    }
    ask = "Open https://example.org/a (with its links) and tell me what it says."
    turns = [Turn("web.open", {"url": "https://example.org/a", "include_links": True}, page)]
    named = "It says caching cut latency by 20%. It links to example.org/b and example.org/c."
    assert problem(Session(ask, turns, named))[1] is None
    why = problem(Session(ask, turns, "It says caching cut latency by 20%."))[1]
    assert why is not None and why.startswith("links: none of the 2 links")


def test_lines_asked_to_be_described_are_not_only_their_first() -> None:
    read = {"ok": True, "path": "a.csv", "content": "id,name\n1,ada\n2,bob\n3,cy"}
    ask = "Read a.csv and tell me what it contains."
    turns = [Turn("fs.read", {"path": "a.csv"}, read)]
    whole = "a.csv has the columns `id,name` and 3 rows, from `1,ada` to `3,cy`."
    assert problem(Session(ask, turns, whole))[1] is None
    why = problem(Session(ask, turns, "a.csv starts with `id,name`."))[1]
    assert why is not None and why.startswith("describe: only the first of 4 lines")
