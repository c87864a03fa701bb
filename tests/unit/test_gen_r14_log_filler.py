"""What the R14 readers found in pasted incident context and log files (note 7).

- Log levels that did not fit their messages: "ERROR … job 47358 finished in 4828 ms",
  "ERROR … checkpoint 65361 written", "DEBUG … retrying request".
- Timestamps that went back within a block (04:56:30 followed by 04:03:07): minutes
  wrapped without the hour moving on.
- Python tracebacks listing .js/.ts files, each frame's line calling its own function.

The same log lines feed the files fs.read returns (readers quote their WARN and ERROR
entries), so both are pinned; verify holds a read log going back in time to
`result_incoherent`.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from typing import Any

import pytest

from pipeline.gates.coherence import dated_problem
from pipeline.gates.meaning import semantic_findings
from pipeline.gates.session import Session, Turn
from pipeline.gen import longctx, pools
from pipeline.gen.contents import make_body
from pipeline.gen.item import generate_item
from pipeline.gen.pools import RepoFile
from pipeline.params import GenerateParams, Params

TODAY = "2024-07-05"
LOG = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (DEBUG|INFO|WARN|ERROR) \S+ (.+)$")
# What a message says decides the levels a real service logs it at, independent of
# the generator's own table: a failure is never DEBUG or INFO, routine progress is
# never ERROR, a trouble sign (retry, slow query) is neither DEBUG nor ERROR.
FAILURE = re.compile(r"failed|refused|rejected")
ROUTINE = re.compile(r"finished in|written|flushed|cache miss|queue depth|restarted")
TROUBLE = re.compile(r"retrying|slow query")
FRAME = re.compile(r'^  File "([^"]+)", line \d+, in (\w+)$')


def _fits(level: str, message: str) -> bool:
    if FAILURE.search(message):
        return level in ("WARN", "ERROR")
    if TROUBLE.search(message):
        return level == "WARN"
    if ROUTINE.search(message):
        return level != "ERROR"
    pool = re.search(r"pool at (\d+)% capacity", message)
    if pool is not None:
        return level == ("WARN" if int(pool.group(1)) >= 80 else "INFO")
    return False  # a message the table above does not know


def _log_blocks(text: str) -> list[list[tuple[str, str, str]]]:
    blocks = []
    for block in text.split("\n\n"):
        entries = [m.groups() for line in block.split("\n") if (m := LOG.match(line))]
        if entries:
            blocks.append(entries)
    return blocks


def _pasted(seed: int) -> str:
    return longctx.distractors(random.Random(seed), 12_000, TODAY)


def _file_logs(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        make_body(rng, RepoFile(f"a/app{i}.log", "log", "log"), modified=TODAY).text
        for i in range(5)
    ]


@pytest.mark.parametrize("source", ["pasted", "file"])
def test_log_times_strictly_increase_within_a_block(source: str) -> None:
    blocks = [
        block
        for seed in range(150)
        for text in ([_pasted(seed)] if source == "pasted" else _file_logs(seed))
        for block in _log_blocks(text)
    ]
    assert len(blocks) >= 300
    for block in blocks:
        stamps = [stamp for stamp, _, _ in block]
        assert all(a < b for a, b in itertools.pairwise(stamps)), stamps
        assert all(stamp[:10] <= TODAY for stamp in stamps)  # the R13 rule holds


@pytest.mark.parametrize("source", ["pasted", "file"])
def test_each_log_message_is_at_a_level_that_fits_it(source: str) -> None:
    entries = [
        entry
        for seed in range(150)
        for text in ([_pasted(seed)] if source == "pasted" else _file_logs(seed))
        for block in _log_blocks(text)
        for entry in block
    ]
    assert len(entries) >= 2000
    for stamp, level, message in entries:
        assert _fits(level, message), f"{stamp} {level} {message}"
    # The levels still vary: a log of INFO lines only would be no incident.
    assert {level for _, level, _ in entries} >= {"DEBUG", "INFO", "WARN", "ERROR"}


def _tracebacks(text: str) -> list[list[str]]:
    return [
        block.split("\n")
        for block in text.split("\n\n")
        if block.startswith("Traceback (most recent call last):")
    ]


def test_python_tracebacks_list_python_files_calling_the_next_frame() -> None:
    traces = [t for seed in range(150) for t in _tracebacks(_pasted(seed))]
    assert len(traces) >= 200
    kinds = set()
    for lines in traces:
        frames = [(FRAME.match(a), b) for a, b in zip(lines[1:-1:2], lines[2:-1:2], strict=True)]
        assert frames and all(m is not None for m, _ in frames), lines
        funcs = [m.group(2) for m, _ in frames if m is not None]
        for (m, code), after in zip(frames, [*funcs[1:], None], strict=True):
            assert m is not None
            path = m.group(1)
            assert path.endswith(".py") and path == path.rsplit("/", 1)[0] + "/" + (
                path.rsplit("/", 1)[1].lower()
            ), lines
            # A frame's line calls the next frame's function, never its own.
            assert f"{m.group(2)}(" not in code, lines
            if after is not None:
                assert f"{after}(" in code, lines
        kind, _, message = lines[-1].partition(": ")
        # The last line names the exception (R15: a frame's file name stood there).
        assert kind in {name for name, _, _ in longctx.EXCEPTIONS}, lines[-1]
        kinds.add(kind)
        if kind == "KeyError":
            assert re.fullmatch(r"'\w+'", message), lines[-1]
        if kind in ("FileNotFoundError", "PermissionError"):
            assert message.startswith("[Errno ") and message.endswith(".json'"), lines[-1]
    assert len(kinds) >= 8


def _read(content: str) -> Session:
    read = {"ok": True, "path": "a/app.log", "modified": TODAY, "content": content}
    return Session("Read it.", [Turn("fs.read", {"path": "a/app.log"}, read)], "a")


def test_a_read_log_going_back_in_time_is_incoherent() -> None:
    ordered = (
        "2024-07-01T04:56:05Z INFO api job 1 finished in 4 ms\n"
        "2024-07-01T05:03:43Z INFO api queue depth 3"
    )
    assert dated_problem(_read(ordered)) is None
    # The R14 block: 04:56:05 then 04:03:43, the hour not moving on.
    back = ordered.replace("05:03:43", "04:03:43")
    found = dated_problem(_read(back))
    assert found is not None and "go back in time" in found, found
    assert dated_problem(_read("no stamps here\n2024-07-01T04:56:05Z INFO a b")) is None


def _log_read_item(params: Params) -> tuple[dict[str, Any], int]:
    for index in range(params.generate.total):
        item = generate_item(params, index)
        for at, message in enumerate(item["messages"]):
            if message["role"] != "tool" or message.get("name") != "fs.read":
                continue
            result = json.loads(message["content"])
            stamps = re.findall(r"^\d{4}-\d\d-\d\dT", result.get("content", ""), re.M)
            if result.get("ok") and len(stamps) >= 2:
                return item, at
    raise AssertionError("no item reads a log of two entries or more")


def _findings(item: dict[str, Any]) -> dict[str, str]:
    _, found = semantic_findings(item, item["metadata"], [], labels=False, train_failed=False)
    return dict(found)


def test_verify_finds_a_world_log_generated_out_of_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The defect lives in the world (the replay rebuilds the same file and agrees), so
    it is injected into the generator: log times drawn in reverse, as the R14 block."""
    params = Params(generate=GenerateParams(total=400))
    item, _ = _log_read_item(params)
    assert "result_incoherent" not in _findings(item)
    draw = pools.log_times
    monkeypatch.setattr(pools, "log_times", lambda *a, **k: draw(*a, **k)[::-1])
    item, _ = _log_read_item(params)
    assert "go back in time" in _findings(item)["result_incoherent"]
