"""Per tool: the result answers the call that produced it, and the answer uses the result.

Code outputs are checked by recomputing them here, independently, from the
values the program receives; nothing is executed.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.gen.item import iter_items
from pipeline.params import GenerateParams, Params

PARAMS = Params(seed=11, generate=GenerateParams(total=1500))
Call = tuple[dict[str, Any], dict[str, Any]]  # (call, result)


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return list(iter_items(PARAMS, range(PARAMS.generate.total)))


def _ok_calls(items: list[dict[str, Any]], name: str) -> list[tuple[dict[str, Any], int]]:
    """(item, call index) of every successful, non-negative-control call of a tool."""
    found = []
    for item in items:
        meta = item["metadata"]
        if meta.get("negative_control"):
            continue
        for i, (call, result) in enumerate(
            zip(meta["call_sequence"], meta["tool_results"], strict=True)
        ):
            if call["name"] == name and result.get("ok"):
                found.append((item, i))
    assert len(found) > 40, name
    return found


def _pair(item: dict[str, Any], i: int) -> Call:
    meta = item["metadata"]
    return meta["call_sequence"][i], meta["tool_results"][i]


CONTENT_CHECKS: dict[str, Callable[[str], bool]] = {
    "json": lambda c: isinstance(json.loads(c), dict),
    "yaml": lambda c: all(re.fullmatch(r"\w+: \S+", line) for line in c.splitlines()),
    "toml": lambda c: all(re.fullmatch(r'\w+ = ("[^"]*"|\S+)', line) for line in c.splitlines()),
    "csv": lambda c: len({line.count(",") for line in c.splitlines()}) == 1,
    "py": lambda c: c.startswith("def ") and "return" in c,
    "log": lambda c: all(
        re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO|WARN|ERROR) ", x) for x in c.splitlines()
    ),
}


def test_fs_read_returns_the_file_that_was_asked_for(items: list[dict[str, Any]]) -> None:
    kinds = set()
    for item, i in _ok_calls(items, "fs.read"):
        call, result = _pair(item, i)
        args = call["arguments"]
        assert result["path"] == args["path"]
        content = result["content"]
        ext = args["path"].rsplit(".", 1)[1].replace("yml", "yaml")
        whole = "range" not in args and not result.get("truncated")
        if whole:
            assert len(content.splitlines()) == result["lines"]
            if ext in CONTENT_CHECKS:
                assert CONTENT_CHECKS[ext](content), (args["path"], content)
                kinds.add(ext)
        if "range" in args:
            assert result["range"] == [args["range"]["start"], args["range"]["end"]]
            assert len(content.split("\n")) == args["range"]["end"] - args["range"]["start"] + 1
        if "keys" in args:
            assert list(result["values"]) == args["keys"]
            for key, value in result["values"].items():
                if whole and isinstance(value, list):  # a CSV column
                    assert key in content.split("\n")[0]
                    assert [str(v) for v in value] == [
                        row.split(",")[content.split("\n")[0].split(",").index(key)]
                        for row in content.split("\n")[1:]
                    ]
                elif whole:
                    assert key in content and (
                        json.dumps(value) in content or str(value) in content
                    )
        if result.get("truncated"):
            assert result["returned"] == args["max_lines"] < result["lines"]
            assert len(content.split("\n")) == args["max_lines"]
        if "encoding" in args:
            assert result["encoding"] == args["encoding"]
    assert kinds >= {"json", "yaml", "csv", "py", "log"}


def test_fs_list_lists_the_directory_with_its_filters(items: list[dict[str, Any]]) -> None:
    for item, i in _ok_calls(items, "fs.list"):
        call, result = _pair(item, i)
        args = call["arguments"]
        assert result["dir"] == args["dir"]
        assert all(r.startswith(args["dir"] + "/") for r in result["results"])
        assert result["count"] >= len(result["results"])
        if "extensions" in args:
            assert all(r.rsplit(".", 1)[1] in args["extensions"] for r in result["results"])
        if "pattern" in args:
            assert all(r.endswith(args["pattern"][1:]) for r in result["results"])
        if args.get("sort") == "name":
            assert result["results"][1:] == sorted(result["results"][1:])
        meta = item["metadata"]
        if i + 1 < len(meta["call_sequence"]) and meta["call_sequence"][i + 1]["name"] == "fs.read":
            assert meta["call_sequence"][i + 1]["arguments"]["path"] == result["results"][0]


def test_fs_search_points_at_the_line_that_holds_the_pattern(items: list[dict[str, Any]]) -> None:
    checked = 0
    for item, i in _ok_calls(items, "fs.search"):
        call, result = _pair(item, i)
        assert result["count"] >= len(result["results"]) >= 1
        meta = item["metadata"]
        if i + 1 >= len(meta["call_sequence"]):
            continue
        read, content = meta["call_sequence"][i + 1], meta["tool_results"][i + 1]
        path, line = result["results"][0].rsplit(":", 1)
        assert read["arguments"]["path"] == path
        if "range" not in read["arguments"] and not content.get("truncated"):
            assert call["arguments"]["pattern"] in content["content"].split("\n")[int(line) - 1]
            checked += 1
    assert checked > 20


def test_web_search_results_follow_the_query_and_filters(items: list[dict[str, Any]]) -> None:
    for item, i in _ok_calls(items, "web.search"):
        call, result = _pair(item, i)
        args = call["arguments"]
        assert 1 <= len(result["results"]) <= args.get("top_k", 10)
        assert result["count"] >= len(result["results"])
        hosts = {r.split("/")[2] for r in result["results"]}
        assert hosts <= {"example.com", "example.org", "example.net"}
        if "filters" in args:
            assert hosts == {args["filters"]["site"]}
        technique = result["results"][0].split("/")[4].split("-")[0]
        assert technique in args["q"].lower().replace(" ", "-")


def test_web_open_opens_the_result_it_was_handed(items: list[dict[str, Any]]) -> None:
    for item, i in _ok_calls(items, "web.open"):
        call, result = _pair(item, i)
        assert result["url"] == call["arguments"]["url"]
        if "sections" in call["arguments"]:
            assert result["sections"] == call["arguments"]["sections"]
        meta = item["metadata"]
        if i > 0 and meta["call_sequence"][i - 1]["name"] == "web.search":
            previous = meta["tool_results"][i - 1]
            assert result["url"] == previous["results"][0]
            # The page reports the finding the search summarised (same technique and figure).
            pct = re.search(r"\d+", previous["summary"]).group(0)
            assert pct in result["summary"]


def _mean(v: list[int]) -> str:
    return f"{statistics.mean(v):.2f}"


def _evens(v: list[int]) -> str:
    return str(len([x for x in v if not x % 2]))


def _vowels(w: str) -> str:
    return str(len(re.findall("[aeiou]", w)))


# The program's last line (Python, JavaScript) -> an independent computation.
_PAIRS: list[tuple[str, str, Callable[[Any], str]]] = [
    (
        "print(sum(values))",
        "console.log(values.reduce((a, b) => a + b, 0));",
        lambda v: str(sum(v)),
    ),
    ("print(max(values))", "console.log(Math.max(...values));", lambda v: str(max(v))),
    ("print(min(values))", "console.log(Math.min(...values));", lambda v: str(min(v))),
    (
        "print(max(values) - min(values))",
        "console.log(Math.max(...values) - Math.min(...values));",
        lambda v: str(max(v) - min(v)),
    ),
    (
        "print(sum(1 for v in values if v % 2 == 0))",
        "console.log(values.filter((v) => v % 2 === 0).length);",
        _evens,
    ),
    (
        'print(",".join(str(v) for v in sorted(values)))',
        'console.log([...values].sort((a, b) => a - b).join(","));',
        lambda v: ",".join(map(str, sorted(v))),
    ),
    (
        "print(sum(v * v for v in values))",
        "console.log(values.reduce((a, v) => a + v * v, 0));",
        lambda v: str(sum(x**2 for x in v)),
    ),
    (
        'print(f"{sum(values) / len(values):.2f}")',
        "console.log((values.reduce((a, b) => a + b, 0) / values.length).toFixed(2));",
        _mean,
    ),
    (
        "print(values[0] * (100 - values[1]) // 100)",
        "console.log(Math.floor((values[0] * (100 - values[1])) / 100));",
        lambda v: str(v[0] * (100 - v[1]) // 100),
    ),
    ("print(word[::-1])", 'console.log(word.split("").reverse().join(""));', lambda w: w[::-1]),
    ("print(word.upper())", "console.log(word.toUpperCase());", lambda w: w.upper()),
    (
        'print(sum(1 for c in word if c in "aeiou"))',
        'console.log([...word].filter((c) => "aeiou".includes(c)).length);',
        _vowels,
    ),
    ("print(len(word))", "console.log(word.length);", lambda w: str(len(w))),
]
OPS = {line: fn for py, js, fn in _PAIRS for line in (py, js)}


def _inputs(args: dict[str, Any]) -> Any:
    code = args["code"]
    word = re.search(r'word = "(\w+)"', code)
    if word:
        return word.group(1)
    literal = re.search(r"values = (\[[\d, ]*\])", code)
    if literal:
        return json.loads(literal.group(1))
    if "args" in args:
        return [int(a) for a in args["args"]]
    return [int(x) for x in args["stdin"].split(",")]


def test_code_run_output_is_what_the_program_computes(items: list[dict[str, Any]]) -> None:
    for item, i in _ok_calls(items, "code.run"):
        call, result = _pair(item, i)
        args = call["arguments"]
        expected = OPS[args["code"].rsplit("\n", 1)[1]](_inputs(args))
        assert result["stdout"] == expected == result["results"][0], args
        assert result["exit_code"] == 0


def test_failed_code_runs_name_the_misspelt_variable(items: list[dict[str, Any]]) -> None:
    for item in items:
        meta = item["metadata"]
        if meta.get("adversarial"):
            continue
        for call, result in zip(meta["call_sequence"], meta["tool_results"], strict=True):
            if call["name"] == "code.run" and not result["ok"]:
                name = re.search(r"(valuse|wrod)", result["error"]).group(1)
                assert name in call["arguments"]["code"].rsplit("\n", 1)[1]


def test_every_integration_sentence_quotes_its_results(items: list[dict[str, Any]]) -> None:
    for item in items:
        meta = item["metadata"]
        if meta.get("negative_control") or meta.get("locale_probe"):
            continue
        values = [v for k, v in meta["tool_result_fields"].items() if v not in ("true", "false")]
        text = item["teacher_text"]
        for span in meta["gold"]["integration_spans"]:
            sentence = text[span["chars"][0] : span["chars"][1]]
            assert any(v in sentence for v in values if len(v) > 1 or v.isdigit()), sentence
