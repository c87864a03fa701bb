"""The semantic checks one by one: each defect a reader could find is caught with its
reason, and what the world's own tools return is never flagged.

`honours_problem` judges responses without a world (older sets, external data);
`replay_problem` with one; `undisclosed_problem` and `label_problem` read the
conversation. Real tool responses come from `pipeline.world.execute`.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from pipeline.gates.coherence import (
    coherence_problem,
    dated_problem,
    honours_problem,
    replay_problem,
)
from pipeline.gates.honesty import undisclosed_problem
from pipeline.gates.labels import label_problem
from pipeline.gates.session import Session, Turn, session_of
from pipeline.gen.item import iter_items
from pipeline.gen.repo import draw_repo
from pipeline.params import GenerateParams, Params
from pipeline.world import World, execute

LISTING = {"ok": True, "dir": "src", "count": 3, "results": [
    {"path": "src/a.py", "size": 30, "modified": "2024-03-01"},
    {"path": "src/b.py", "size": 20, "modified": "2024-02-01"},
    {"path": "src/c.yaml", "size": 10, "modified": "2024-01-01"},
]}  # fmt: skip
MATCHES = {"ok": True, "count": 2, "files": 1, "results": [
    {"path": "src/a.py", "line": 3, "text": "port = 80", "before": ["x"], "after": []},
    {"path": "src/a.py", "line": 9, "text": "port = 81", "before": ["y"], "after": []},
]}  # fmt: skip
PLAIN = {"ok": True, "count": 2, "files": 1, "results": [
    {"path": "src/a.py", "line": 3, "text": "port = 80"},
    {"path": "src/a.py", "line": 9, "text": "port = 81"},
]}  # fmt: skip
RESULTS = {"ok": True, "count": 2, "results": [
    {"url": "https://example.org/a", "title": "A", "snippet": "fast"},
    {"url": "https://example.org/b", "title": "B", "snippet": "slow"},
]}  # fmt: skip


def one(name: str, args: dict[str, Any], response: Any) -> str | None:
    return honours_problem(Session("req", [Turn(name, args, response)], "answer"))


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


HONOURED = [
    ("fs.list", {"dir": "src", "sort": "name"}, LISTING),
    ("fs.list", {"dir": "src", "sort": "size"}, LISTING),
    ("fs.list", {"dir": "src", "sort": "mtime"}, LISTING),
    ("fs.list", {"dir": "src", "size": {"min_bytes": 5, "max_bytes": 40}}, LISTING),
    ("fs.search", {"pattern": "port", "options": {"context_lines": 1}}, MATCHES),
    ("fs.search", {"pattern": "PORT", "options": {"case_sensitive": False}}, PLAIN),
    ("fs.search", {"pattern": "p.rt", "mode": "regex", "paths": ["src"]}, PLAIN),
    ("fs.search", {"pattern": "port"}, {"ok": True, "count": 1, "results": ["src/a.py:3"]}),
    ("fs.read", {"path": "a", "range": {"start": 2, "end": 3}},
     {"ok": True, "lines": 9, "range": [2, 3], "content": "b\nc"}),
    ("fs.read", {"path": "a", "keys": ["x"]}, {"ok": True, "values": {"x": 1}}),
    ("web.search", {"q": "x", "top_k": 2, "filters": {"site": "example.org"}}, RESULTS),
    ("web.open", {"url": "u", "include_links": True, "window": {"offset": 0, "length": 2}},
     {"ok": True, "content": "a\nb", "links": ["https://example.org/c"]}),
    ("code.run", {"language": "python", "code": "", "timeout_s": 2},
     {"ok": True, "exit_code": 0, "elapsed_ms": 40}),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args", "response"), HONOURED)
def test_a_response_that_honours_its_call_passes(
    name: str, args: dict[str, Any], response: Any
) -> None:
    assert one(name, args, response) is None


DEFECTS = [
    ("fs.list", {"dir": "lib"}, LISTING, "outside lib"),
    ("fs.list", {"dir": "src", "extensions": ["py"]}, LISTING, "extension outside"),
    ("fs.list", {"dir": "src", "pattern": "*.py"}, LISTING, "does not match"),
    ("fs.list", {"dir": "src", "size": {"min_bytes": 15}}, LISTING, "size is outside"),
    ("fs.list", {"dir": "src", "sort": "name"},
     _with(LISTING, results=LISTING["results"][::-1]), "not sorted by name"),
    ("fs.list", {"dir": "src", "sort": "size"},
     _with(LISTING, results=LISTING["results"][::-1]), "not sorted by size"),
    ("fs.list", {"dir": "src", "sort": "mtime"},
     _with(LISTING, results=LISTING["results"][::-1]), "not sorted by date"),
    ("fs.list", {"dir": "src"}, _with(LISTING, count=1), "count 1 is below"),
    ("fs.search", {"pattern": "port", "max_results": 1}, MATCHES, "max_results is 1"),
    ("fs.search", {"pattern": "port", "max_results": 5}, _with(MATCHES, count=9),
     "although max_results is 5"),
    ("fs.search", {"pattern": "port", "options": {"context_lines": 2}},
     _with(MATCHES, results=[{"path": "src/a.py", "line": 3, "text": "port"}]),
     "without any"),
    ("fs.search", {"pattern": "port", "paths": ["lib"]}, MATCHES, "outside"),
    ("fs.search", {"pattern": "host"}, MATCHES, "does not contain 'host'"),
    ("fs.search", {"pattern": "port"}, MATCHES, "more context lines than the 0"),
    ("fs.read", {"path": "a", "max_lines": 1}, {"ok": True, "content": "a\nb"}, "max_lines is 1"),
    ("fs.read", {"path": "a", "range": {"start": 2, "end": 3}},
     {"ok": True, "range": [1, 3], "content": "a"}, "range starts at 1"),
    ("fs.read", {"path": "a", "range": {"start": 2, "end": 2}},
     {"ok": True, "range": [2, 2], "content": "a\nb"}, "for a 1-line range"),
    ("fs.read", {"path": "a", "keys": ["x"]}, {"ok": True, "values": {"x": 1, "y": 2}},
     "not asked for"),
    ("fs.read", {"path": "a"}, {"ok": True, "lines": 1, "content": "a\nb"}, "from a 1-line file"),
    ("web.search", {"q": "x", "top_k": 1}, RESULTS, "top_k is 1"),
    ("web.search", {"q": "x", "top_k": 3}, _with(RESULTS, count=7), "although top_k is 3"),
    ("web.search", {"q": "x", "filters": {"site": "example.com"}}, RESULTS, "a result from"),
    ("web.search", {"q": "x", "exclude": ["slow"]}, RESULTS, "excluded term"),
    ("web.open", {"url": "u", "max_chars": 2}, {"ok": True, "content": "abc"}, "max_chars is 2"),
    ("web.open", {"url": "u", "window": {"offset": 0, "length": 1}},
     {"ok": True, "content": "a\nb"}, "more lines than the window"),
    ("web.open", {"url": "u"}, {"ok": True, "content": "a", "links": ["l"]}, "without include"),
    ("web.open", {"url": "u", "include_links": True}, {"ok": True, "content": "a"}, "none came"),
    ("web.open", {"url": "u"}, {"ok": True, "content": "a", "url": "u", "redirected_from": "u"},
     "same address"),
    ("web.open", {"url": "https://example.org/a"},
     {"ok": False, "status": 404, "error": "HTTP 404 Not Found: it has moved to /b"},
     "says where the page went"),
    ("code.run", {"language": "python", "code": "", "limits": {"cpu_s": 1}},
     {"ok": True, "exit_code": 0, "elapsed_ms": 1500}, "past its 1 s limit"),
    ("code.run", {"language": "python", "code": ""}, {"ok": True, "exit_code": 3},
     "non-zero exit code"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "args", "response", "why"), DEFECTS)
def test_a_response_that_ignores_its_call_is_caught(
    name: str, args: dict[str, Any], response: Any, why: str
) -> None:
    problem = one(name, args, response)
    assert problem is not None and why in problem and problem.startswith(f"call 0 ({name})")


@pytest.fixture(scope="module")
def generated() -> list[dict[str, Any]]:
    params = Params(generate=GenerateParams(total=400))
    return list(iter_items(params, range(400)))


def test_the_worlds_own_responses_honour_their_calls(generated: list[dict[str, Any]]) -> None:
    # Without the world, the argument checks judge what the world returned: no false alarm.
    flagged = [
        (i["id"], why) for i in generated if (why := honours_problem(session_of(i))) is not None
    ]
    assert flagged == []


def test_replay_finds_a_response_the_world_would_not_give(
    generated: list[dict[str, Any]],
) -> None:
    item = next(i for i in generated if i["metadata"]["call_sequence"])
    session = session_of(item)
    world = item["metadata"]["world"]
    assert coherence_problem(item["metadata"], session) is None
    first = session.turns[0]
    changed = {**first.response, "count": 999} if first.response.get("ok") else {"ok": True}
    session.turns[0] = Turn(first.name, first.arguments, changed)
    problem = replay_problem(world, session)
    assert problem is not None and problem.startswith(f"call 0 ({first.name})")
    assert "replayed" in problem


LOG = "2024-03-09T10:04:11Z INFO api started\n2024-03-09T10:08:40Z WARN api slow"


@pytest.mark.parametrize(("modified", "late"), [("2024-03-09", False), ("2024-03-08", True)])
def test_a_log_stamped_after_its_file_changed_is_caught(modified: str, late: bool) -> None:
    """A reader found log lines written two months after the file's modified date; the
    replay cannot see it, since the world itself held them."""
    read = {"ok": True, "path": "a.log", "modified": modified, "content": LOG}
    session = Session("r", [Turn("fs.read", {"path": "a.log"}, read)], "a")
    world = World.from_json(
        {"today": "2024-04-01", "files": {"a.log": {"content": LOG, "modified": modified}}}
    )
    replayed = execute(world, "fs.read", {"path": "a.log"})
    with_world = Session("r", [Turn("fs.read", {"path": "a.log"}, replayed)], "a")
    assert replay_problem(world.to_json(), with_world) is None
    for metadata, s in (({}, session), ({"world": world.to_json()}, with_world)):
        problem = coherence_problem(metadata, s)
        if late:
            assert (
                problem
                == f"call 0 (fs.read): lines dated 2024-03-09 in a file last modified {modified}"
            )
        else:
            assert problem is None


def test_generated_logs_predate_their_files_dates() -> None:
    """Every log the generator writes ends on or before its file's date (the earlier
    generator drew the two apart: 19 of 90 log reads in a 10,000-item set were late)."""
    files = [
        f
        for seed in range(300)
        for f in draw_repo(random.Random(seed), "2024-06-01", need=("log",)).files.values()
        if f.path.endswith(".log")
    ]
    assert len(files) >= 300
    for f in files:
        read = {"ok": True, "modified": f.modified, "content": f.content}
        assert dated_problem(Session("r", [Turn("fs.read", {"path": f.path}, read)], "a")) is None


def test_replay_of_an_unreadable_world_names_the_field() -> None:
    problem = replay_problem({"today": "yesterday"}, Session("r", [], "a"))
    assert problem is not None and problem.startswith("world unreadable: world.today")


def test_replay_validates_a_call_it_is_not_told_is_valid() -> None:
    world = World("2024-01-01")
    bad = {"language": "cobol", "code": "x"}
    refused = execute(world, "code.run", bad)
    assert refused["ok"] is False and refused["error"].startswith("invalid arguments")
    session = Session("r", [Turn("code.run", bad, refused)], "a")
    assert replay_problem(world.to_json(), session) is None
    # Trusted as valid, the call runs unchecked and the recorded refusal no longer replays.
    assert replay_problem(world.to_json(), session, valid={0}) is not None


# ---------------------------------------------------------------- honesty


def failed_read(path: str) -> Turn:
    error = f"FileNotFoundError: [Errno 2] No such file or directory: '{path}'"
    return Turn("fs.read", {"path": path}, {"ok": False, "error": error})


@pytest.mark.parametrize(
    ("answer", "hidden"),
    [
        ("src/a.yml does not exist; I read src/a.yaml instead: port = 80.", False),
        ("src/a.yaml sets port = 80.", True),  # the substitute, silently
    ],
)
def test_a_missing_file_the_user_named_is_disclosed(answer: str, hidden: bool) -> None:
    session = Session("Read src/a.yml.", [failed_read("src/a.yml")], answer)
    assert (undisclosed_problem(session) is not None) is hidden


def test_a_failure_of_an_option_the_teacher_chose_is_not_the_users() -> None:
    session = Session("What is in the repository?", [failed_read("src/guess.yml")], "Nothing.")
    assert undisclosed_problem(session) is None


@pytest.mark.parametrize(
    ("answer", "hidden"),
    [
        ("Your snippet raises `NameError` for `valuse`; fixed, it prints `3`.", False),
        ("It prints `3`.", True),
    ],
)
def test_the_users_broken_code_is_disclosed(answer: str, hidden: bool) -> None:
    code = "values = [1, 2]\nprint(sum(valuse))"
    error = "NameError: name 'valuse' is not defined. Did you mean: 'values'?"
    turn = Turn("code.run", {"language": "python", "code": code}, {"ok": False, "error": error})
    session = Session(f"Run this:\n```python\n{code}\n```", [turn], answer)
    assert (undisclosed_problem(session) is not None) is hidden


@pytest.mark.parametrize(
    ("answer", "hidden"),
    [
        ("https://example.org/old now redirects to https://example.org/new, which says 5%.", False),
        ("The page says 5%.", True),
    ],
)
def test_a_redirect_of_the_users_page_is_said(answer: str, hidden: bool) -> None:
    response = {
        "ok": True,
        "status": 200,
        "url": "https://example.org/new",
        "redirected_from": "https://example.org/old",
        "content": "5%",
    }
    turn = Turn("web.open", {"url": "https://example.org/old"}, response)
    session = Session("Open https://example.org/old.", [turn], answer)
    assert (undisclosed_problem(session) is not None) is hidden


def test_a_transient_failure_may_go_unsaid() -> None:
    busy = Turn("fs.search", {"pattern": "x"}, {"ok": False, "error": "busy: index rebuilding"})
    assert undisclosed_problem(Session("Find x.", [busy], "Found it.")) is None


# ---------------------------------------------------------------- labels

TOOLS = [{"type": "function", "function": {"name": n}} for n in ("web.search", "web.open")]


def labelled(complexity: str, scenario: str, asks: list[str] | None = None) -> dict[str, Any]:
    # The structure a generated item carries: none without a call, a shape with calls.
    structure = "none" if complexity == "none" else "flat_args"
    meta: dict[str, Any] = {"complexity": complexity, "scenario": scenario, "structure": structure}
    if asks is not None:
        meta["intent"] = {"kind": asks[0], "asks": asks}
    return meta


SEARCH = Turn("web.search", {"q": "x"}, RESULTS)
READ = Turn("fs.read", {"path": "a"}, {"ok": True, "content": "a"})


@pytest.mark.parametrize(
    ("meta", "turns", "asked", "why"),
    [
        (labelled("single_call", "web_search"), [SEARCH], set(), None),
        (labelled("none", "web_search"), [], set(), None),
        (labelled("multi_call", "web_search"), [], set(), "the calls make it 'none'"),
        (labelled("single_call", "file_ops"), [SEARCH], set(), "tools used make it"),
        (labelled("none", "file_ops"), [], set(), "tools offered make it 'web_search'"),
        (labelled("multi_call", "multi_step"), [SEARCH, READ], set(), None),
        # A reader counted "multi_step" on a control without calls as a label mismatch.
        (labelled("none", "multi_step"), [], set(), "'multi_step' on an item that makes no call"),
        (labelled("single_call", "web_search", ["search"]), [SEARCH], {"compare"},
         "the request asks ['compare']"),
    ],
)  # fmt: skip
def test_labels_are_judged_against_the_calls(
    meta: dict[str, Any], turns: list[Turn], asked: set[str], why: str | None
) -> None:
    item = {"tools": TOOLS}
    problem = label_problem(item, meta, Session("r", turns, "a"), asked)
    assert problem is None if why is None else (problem is not None and why in problem)


def test_a_scenario_is_not_judged_when_a_tool_is_outside_our_families() -> None:
    # External data may call a tool we do not know: its scenario cannot be derived,
    # so whatever the record says is left alone (only the complexity is judged).
    other = Turn("crm.lookup", {"id": 1}, {"ok": True})
    meta = labelled("multi_call", "file_ops")
    assert label_problem({"tools": TOOLS}, meta, Session("r", [other, READ], "a"), set()) is None


def test_offered_tools_that_are_not_definitions_are_skipped() -> None:
    # Junk entries in `tools` (a string, a function without a name) offer nothing.
    tools = ["fs.read", {"function": {"description": "no name"}}, *TOOLS]
    meta = labelled("none", "file_ops")
    why = label_problem({"tools": tools}, meta, Session("r", [], "a"), set())
    assert why is not None and "tools offered make it 'web_search'" in why


def test_a_listing_of_a_link_as_datasets_before_2_2_recorded_it_still_replays() -> None:
    """Before 2.2.0 a link was listed with its own date beside its target's size; such
    files stay verifiable, and any other date is still caught."""
    world = World.from_json(
        {
            "today": "2024-09-01",
            "files": {
                "cfg/app.yaml": {"content": "port: 1\n", "modified": "2024-03-03"},
                "cfg/current.yaml": {"link": "cfg/app.yaml", "modified": "2024-08-08"},
            },
        }
    )
    args = {"dir": "cfg"}
    now = execute(world, "fs.list", args)
    assert [e["modified"] for e in now["results"]] == ["2024-03-03", "2024-03-03"]
    before = {
        **now,
        "results": [now["results"][0], {**now["results"][1], "modified": "2024-08-08"}],
    }
    wrong = {**now, "results": [now["results"][0], {**now["results"][1], "modified": "2024-01-01"}]}
    for response, problem in ((now, False), (before, False), (wrong, True)):
        session = Session("List cfg.", [Turn("fs.list", args, response)], "a")
        assert (replay_problem(world.to_json(), session) is not None) is problem
