"""The world's six tools and its JSON form: every behaviour their docstrings promise.

Each test builds a small world with `World.from_json`, so the JSON form is exercised
too, and asserts whole results. The code.run emulation is also compared with the
real interpreters in `test_code_run_interpreters.py`.
"""

from __future__ import annotations

import builtins
import dataclasses
import json
import os
import random
import re
import subprocess
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.gen import pools
from pipeline.gen.contents import make_body
from pipeline.world import TOOL_NAMES, World, WorldError, execute, fs_read, replay
from pipeline.world import code_run as code_run_module
from pipeline.world.code_run import DATA, LANGUAGES, OPS, WORD_OPS, Program
from pipeline.world.fs_list import LIMIT
from pipeline.world.model import Fault, File, Page, Section
from pipeline.world.web_search import terms

TODAY = "2024-11-20"
Json = dict[str, Any]


def build(
    files: Json | None = None,
    pages: Json | None = None,
    redirects: dict[str, str] | None = None,
    faults: list[Json] | None = None,
) -> World:
    data: Json = {"today": TODAY}
    for key, value in (("files", files), ("pages", pages), ("redirects", redirects)):
        if value is not None:
            data[key] = value
    if faults is not None:
        data["faults"] = faults
    return World.from_json(data)


def text(content: str, modified: str = "2024-01-01") -> Json:
    return {"content": content, "modified": modified}


def link(target: str, modified: str = "2024-01-01") -> Json:
    return {"link": target, "modified": modified}


def refused(given: str) -> Json:
    return {"ok": False, "error": f"PermissionError: {given!r} is outside the workspace"}


def not_found(given: str) -> Json:
    return {
        "ok": False,
        "error": f"FileNotFoundError: [Errno 2] No such file or directory: {given!r}",
    }


# ---------------------------------------------------------------------------------------------
# fs.list

LIST = build(
    {
        "README.md": text("# Demo\n", "2024-01-10"),  # 7 bytes
        "src/main.py": text("x = 1\n", "2024-03-01"),  # 6 bytes
        "src/notes.md": text("hello\n", "2024-05-01"),  # 6 bytes
        "src/util.py": text("def f():\n    return 2\n", "2024-05-01"),  # 22 bytes
        "src/current.py": link("src/util.py", "2024-06-01"),  # listed with util.py's stat
        "src/.env": text("SECRET=1\n", "2024-07-01"),
        "src/.cache/x.py": text("y\n", "2024-07-01"),
        "src/pkg/mod.py": text("a = [1, 2, 3]\n", "2024-02-01"),  # 14 bytes
        "src/pkg/deep/inner.py": text("z\n", "2024-04-01"),  # 2 bytes
    }
)


def entry(path: str, size: int, modified: str) -> Json:
    return {"path": path, "size": size, "modified": modified}


CURRENT = entry("src/current.py", 22, "2024-05-01")  # util.py's size and date
MAIN = entry("src/main.py", 6, "2024-03-01")
NOTES = entry("src/notes.md", 6, "2024-05-01")
UTIL = entry("src/util.py", 22, "2024-05-01")
MOD = entry("src/pkg/mod.py", 14, "2024-02-01")
INNER = entry("src/pkg/deep/inner.py", 2, "2024-04-01")


def listing(entries: list[Json], directory: str = "src") -> Json:
    return {"ok": True, "dir": directory, "count": len(entries), "results": entries}


def test_fs_list_direct_children_only_and_hidden_skipped() -> None:
    # src/.env, src/.cache/x.py and everything under src/pkg stay out.
    assert execute(LIST, "fs.list", {"dir": "src"}) == listing([CURRENT, MAIN, NOTES, UTIL])


def test_fs_list_recursive_lists_every_level_but_hidden() -> None:
    result = execute(LIST, "fs.list", {"dir": "src", "recursive": True})
    assert result == listing([CURRENT, MAIN, NOTES, INNER, MOD, UTIL])


@pytest.mark.parametrize(
    ("depth", "expected"),
    [
        (1, [CURRENT, MAIN, NOTES, UTIL]),
        (2, [CURRENT, MAIN, NOTES, MOD, UTIL]),
        (3, [CURRENT, MAIN, NOTES, INNER, MOD, UTIL]),
    ],
)
def test_fs_list_recursive_max_depth(depth: int, expected: list[Json]) -> None:
    result = execute(LIST, "fs.list", {"dir": "src", "recursive": True, "max_depth": depth})
    assert result == listing(expected)


def test_fs_list_max_depth_without_recursive_is_direct_children() -> None:
    result = execute(LIST, "fs.list", {"dir": "src", "max_depth": 3})
    assert result == listing([CURRENT, MAIN, NOTES, UTIL])


def test_fs_list_a_hidden_directory_named_explicitly_lists_its_files() -> None:
    result = execute(LIST, "fs.list", {"dir": "src/.cache"})
    assert result == listing([entry("src/.cache/x.py", 2, "2024-07-01")], "src/.cache")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"pattern": "*.py"}, [CURRENT, MAIN, UTIL]),
        ({"pattern": "*.PY"}, []),  # case-sensitive
        ({"pattern": "m*", "recursive": True}, [MAIN, MOD]),
        ({"pattern": "pkg/*", "recursive": True}, []),  # the glob sees the name only
        ({"extensions": ["md"]}, [NOTES]),
        ({"extensions": ["py"], "recursive": True}, [CURRENT, MAIN, INNER, MOD, UTIL]),
        ({"extensions": ["txt", "rs"]}, []),
        ({"size": {"min_bytes": 10}}, [CURRENT, UTIL]),  # the link counts its target's bytes
        ({"size": {"max_bytes": 6}}, [MAIN, NOTES]),
        ({"size": {"min_bytes": 6, "max_bytes": 6}}, [MAIN, NOTES]),  # inclusive
        ({"size": {"min_bytes": 7, "max_bytes": 21}}, []),
        ({"size": {"min_bytes": 2, "max_bytes": 14}, "recursive": True}, [MAIN, NOTES, INNER, MOD]),
        ({"size": {}}, [CURRENT, MAIN, NOTES, UTIL]),
        ({"pattern": "*.py", "size": {"max_bytes": 10}}, [MAIN]),
    ],
)
def test_fs_list_filters(args: Json, expected: list[Json]) -> None:
    assert execute(LIST, "fs.list", {"dir": "src", **args}) == listing(expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"sort": "name"}, [CURRENT, MAIN, NOTES, UTIL]),
        # largest first, ties (22, 22) and (6, 6) in path order
        ({"sort": "size"}, [CURRENT, UTIL, MAIN, NOTES]),
        ({"sort": "size", "recursive": True}, [CURRENT, UTIL, MOD, MAIN, NOTES, INNER]),
        # newest first, the 2024-05-01 tie in path order
        ({"sort": "mtime"}, [CURRENT, NOTES, UTIL, MAIN]),
        ({"sort": "mtime", "recursive": True}, [CURRENT, NOTES, UTIL, INNER, MAIN, MOD]),
    ],
)
def test_fs_list_sort(args: Json, expected: list[Json]) -> None:
    assert execute(LIST, "fs.list", {"dir": "src", **args}) == listing(expected)


def test_fs_list_symlink_listed_with_its_targets_size_and_date() -> None:
    """Both values of the file the link points at, as `os.stat` gives them (R12: the
    target's size beside the link's own date made a listing contradict the read)."""
    result = execute(LIST, "fs.list", {"dir": "src", "pattern": "current.py"})
    assert result == listing([entry("src/current.py", 22, "2024-05-01")])
    read = execute(LIST, "fs.read", {"path": "src/current.py"})
    assert (read["size"], read["modified"]) == (22, "2024-05-01")


@pytest.mark.parametrize(
    ("given", "directory", "expected"),
    [
        ("./src//", "src", [CURRENT, MAIN, NOTES, UTIL]),
        ("src\\pkg", "src/pkg", [MOD]),
        (".", "", [entry("README.md", 7, "2024-01-10")]),
    ],
)
def test_fs_list_normalises_the_directory(given: str, directory: str, expected: list[Json]) -> None:
    assert execute(LIST, "fs.list", {"dir": given}) == listing(expected, directory)


def test_fs_list_missing_directory() -> None:
    assert execute(LIST, "fs.list", {"dir": "nope"}) == not_found("nope")


def test_fs_list_file_as_directory() -> None:
    assert execute(LIST, "fs.list", {"dir": "src/main.py"}) == {
        "ok": False,
        "error": "NotADirectoryError: [Errno 20] Not a directory: 'src/main.py'",
    }


# A world whose keys lie outside the workspace: a refused path must not find them.
OUTSIDE = build(
    {
        "/etc/passwd": text("root:x:0:0\n"),
        "../up/x.txt": text("x\n"),
        "~/k.txt": text("k\n"),
        "src/a.txt": text("a\n"),
    }
)
OUTSIDE_PATHS = ["/etc", "../up", "src/../src", "~", "C:/src", "src\\..\\src", "src\x00", "\\etc"]


@pytest.mark.parametrize("given", OUTSIDE_PATHS)
def test_fs_list_refuses_paths_outside_the_workspace(given: str) -> None:
    assert execute(OUTSIDE, "fs.list", {"dir": given}) == refused(given)


def test_fs_list_count_and_limit_cut() -> None:
    many = build({f"many/f{i:02}.txt": text("x\n") for i in range(LIMIT + 5)})
    result = execute(many, "fs.list", {"dir": "many"})
    expected = [entry(f"many/f{i:02}.txt", 2, "2024-01-01") for i in range(LIMIT)]
    assert LIMIT == 50
    assert result == {**listing(expected, "many"), "count": LIMIT + 5, "truncated": True}


def test_fs_list_exactly_limit_is_not_truncated() -> None:
    many = build({f"many/f{i:02}.txt": text("x\n") for i in range(LIMIT)})
    expected = [entry(f"many/f{i:02}.txt", 2, "2024-01-01") for i in range(LIMIT)]
    assert execute(many, "fs.list", {"dir": "many"}) == listing(expected, "many")


# ---------------------------------------------------------------------------------------------
# fs.read

NOTES_TXT = "one\ntwo\nthree\nfour\nfive\n"
YAML = "name: demo\nport: 8080\ndebug: true\nratio: 0.5\ntags: [a, b]\n"
JSON_TEXT = '{"name": "demo", "port": 8080, "debug": false, "nested": {"a": 1}}\n'
TOML = 'name = "demo"\nport = 8080\n\n[server]\nhost = "0.0.0.0"\n'
INI = "[server]\nport = 8080\nhost = localhost\n\n[client]\nport = 9090\ntimeout = 5\n"
GLOB_YAML = 'glob: "*.py"\nmath: 2*3\n'
READ_FILES = {
    "notes.txt": text(NOTES_TXT, "2024-02-02"),
    "nofinal.txt": text("a\nb"),
    "empty.txt": text(""),
    "cafe.txt": text("café\n"),
    "link.txt": link("notes.txt", "2024-09-09"),
    "dangling.txt": link("gone.txt"),
    "loop_a.txt": link("loop_b.txt"),
    "loop_b.txt": link("loop_a.txt"),
    "cfg/app.yaml": text(YAML, "2024-03-03"),
    "cfg/app.yml": text("port: 1\n"),
    "cfg/app.json": text(JSON_TEXT),
    "cfg/app.toml": text(TOML),
    "cfg/app.ini": text(INI),
    "cfg/glob.yaml": text(GLOB_YAML),
    "cfg/current.yaml": link("cfg/app.yaml", "2024-10-10"),
    "cfg/broken.json": text("{not json\n"),
    "cfg/broken.yaml": text("a: [1, 2\n"),
    "cfg/broken.toml": text("a = \n"),
    "cfg/broken.ini": text("port = 1\n"),
    "cfg/list.yaml": text("- a\n- b\n"),
}
READ = build(READ_FILES)


def head(path: str, content: str, modified: str = "2024-01-01") -> Json:
    """The fields every successful read has, computed independently of the tool."""
    lines = len(content.splitlines())
    return {
        "ok": True,
        "path": path,
        "lines": lines,
        "size": len(content.encode()),
        "modified": modified,
    }


def read(args: Json) -> Json:
    return execute(READ, "fs.read", args)


def test_fs_read_whole_file() -> None:
    assert read({"path": "notes.txt"}) == {
        "ok": True,
        "path": "notes.txt",
        "lines": 5,
        "size": 24,
        "modified": "2024-02-02",
        "content": "one\ntwo\nthree\nfour\nfive",
    }


@pytest.mark.parametrize(
    ("path", "lines", "size", "content"),
    [("nofinal.txt", 2, 3, "a\nb"), ("empty.txt", 0, 0, ""), ("cafe.txt", 1, 6, "café")],
)
def test_fs_read_lines_and_bytes(path: str, lines: int, size: int, content: str) -> None:
    assert read({"path": path}) == {
        "ok": True, "path": path, "lines": lines, "size": size,
        "modified": "2024-01-01", "content": content,
    }  # fmt: skip


def test_fs_read_normalises_the_path() -> None:
    assert read({"path": "./notes.txt"}) == read({"path": "notes.txt"})


@pytest.mark.parametrize(
    ("start", "end", "shown", "content"),
    [
        (2, 3, [2, 3], "two\nthree"),
        (4, 99, [4, 5], "four\nfive"),  # the end is cut to the file
        (1, 1, [1, 1], "one"),
        (5, 5, [5, 5], "five"),
    ],
)
def test_fs_read_range(start: int, end: int, shown: list[int], content: str) -> None:
    result = read({"path": "notes.txt", "range": {"start": start, "end": end}})
    assert result == {
        **head("notes.txt", NOTES_TXT, "2024-02-02"),
        "range": shown,
        "content": content,
    }


@pytest.mark.parametrize(("start", "end"), [(6, 6), (3, 2), (99, 100)])
def test_fs_read_range_outside_the_file(start: int, end: int) -> None:
    assert read({"path": "notes.txt", "range": {"start": start, "end": end}}) == {
        "ok": False,
        "error": f"ValueError: range {start}-{end} is outside the file (5 lines)",
    }


def test_fs_read_max_lines_truncates() -> None:
    assert read({"path": "notes.txt", "max_lines": 2}) == {
        **head("notes.txt", NOTES_TXT, "2024-02-02"),
        "truncated": True,
        "returned": 2,
        "content": "one\ntwo",
    }


@pytest.mark.parametrize("limit", [5, 9])
def test_fs_read_max_lines_not_reached(limit: int) -> None:
    assert read({"path": "notes.txt", "max_lines": limit}) == read({"path": "notes.txt"})


def test_fs_read_range_then_max_lines() -> None:
    # max_lines first would keep lines 1-2 and then only line 2 of them.
    result = read({"path": "notes.txt", "range": {"start": 2, "end": 5}, "max_lines": 2})
    assert result == {
        **head("notes.txt", NOTES_TXT, "2024-02-02"),
        "range": [2, 5],
        "truncated": True,
        "returned": 2,
        "content": "two\nthree",
    }


def test_fs_read_keys_yaml_typed_values_and_missing() -> None:
    keys = ["port", "debug", "ratio", "tags", "name", "absent"]
    result = read({"path": "cfg/app.yaml", "keys": keys})
    values = {"port": 8080, "debug": True, "ratio": 0.5, "tags": ["a", "b"], "name": "demo"}
    assert result == {
        **head("cfg/app.yaml", YAML, "2024-03-03"),
        "values": values,
        "missing": ["absent"],
    }
    assert [type(result["values"][k]) for k in keys[:-1]] == [int, bool, float, list, str]


def test_fs_read_keys_yml_extension() -> None:
    result = read({"path": "cfg/app.yml", "keys": ["port"]})
    assert result == {**head("cfg/app.yml", "port: 1\n"), "values": {"port": 1}}


def test_fs_read_keys_json() -> None:
    result = read({"path": "cfg/app.json", "keys": ["port", "debug", "nested"]})
    values = {"port": 8080, "debug": False, "nested": {"a": 1}}
    assert result == {**head("cfg/app.json", JSON_TEXT), "values": values}
    assert type(result["values"]["port"]) is int
    assert result["values"]["debug"] is False


def test_fs_read_keys_toml_top_level_only() -> None:
    result = read({"path": "cfg/app.toml", "keys": ["name", "port", "server", "host"]})
    values = {"name": "demo", "port": 8080, "server": {"host": "0.0.0.0"}}
    assert result == {**head("cfg/app.toml", TOML), "values": values, "missing": ["host"]}
    assert type(result["values"]["port"]) is int


def test_fs_read_keys_ini_options_of_any_section_as_strings() -> None:
    result = read({"path": "cfg/app.ini", "keys": ["port", "timeout", "host", "name"]})
    # `port` is in both sections: the first one's value.
    values = {"port": "8080", "timeout": "5", "host": "localhost"}
    assert result == {**head("cfg/app.ini", INI), "values": values, "missing": ["name"]}


def test_fs_read_keys_through_a_link() -> None:
    result = read({"path": "cfg/current.yaml", "keys": ["port"]})
    assert result == {
        **head("cfg/current.yaml", YAML, "2024-03-03"),
        "resolved": "cfg/app.yaml",
        "values": {"port": 8080},
    }


def test_fs_read_keys_star_in_quotes_or_inside_a_scalar_is_no_alias() -> None:
    result = read({"path": "cfg/glob.yaml", "keys": ["glob", "math"]})
    assert result == {**head("cfg/glob.yaml", GLOB_YAML), "values": {"glob": "*.py", "math": "2*3"}}


@pytest.mark.parametrize("path", ["notes.txt", "link.txt"])
def test_fs_read_keys_on_a_plain_text_file(path: str) -> None:
    assert read({"path": path, "keys": ["port"]}) == {
        "ok": False,
        "error": f"ValueError: keys needs a YAML, JSON, TOML or INI file, not {path!r}",
    }


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("cfg/broken.json", "JSONDecodeError"),
        ("cfg/broken.yaml", "ParserError"),
        ("cfg/broken.toml", "TOMLDecodeError"),
        ("cfg/broken.ini", "MissingSectionHeaderError"),
        ("cfg/list.yaml", "no top-level mapping"),
    ],
)
def test_fs_read_keys_unparsable(path: str, why: str) -> None:
    assert read({"path": path, "keys": ["a"]}) == {
        "ok": False,
        "error": f"ValueError: cannot parse {path}: {why}",
    }


# Lines close to the flat shape that `_flat_yaml` reads: plain words, YAML 1.1's boolean
# and null words in any case, numbers with signs, leading zeros, underscores, colons and
# dots, dates, quoted strings, keys that are numbers or booleans, repeated keys.
_YAML_WORDS = st.sampled_from(
    ["yes", "No", "on", "OFF", "true", "False", "null", "Null", "none", "y", "n", "nan",
     "inf", "info", "eu-west-1", "local-ssd", "crc32c", "a_b", "x", "_k", "~", ""]
)  # fmt: skip
_YAML_NUMBERS = st.integers(-(10**20), 10**20).map(str) | st.sampled_from(
    ["0", "-0", "+1", "007", "0x1f", "0o17", "0b101", "1_000", "1:20", "1.5", "1e3", "2024-01-31",
     ".inf", "-.5"]
)  # fmt: skip
_YAML_SCALARS = _YAML_WORDS | _YAML_NUMBERS | st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_YAML_KEYS = _YAML_WORDS | _YAML_NUMBERS | st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)


@given(
    lines=st.lists(st.tuples(_YAML_KEYS, _YAML_SCALARS), min_size=1, max_size=8),
    end=st.sampled_from(["\n", ""]),
)
def test_a_flat_yaml_config_reads_as_safe_load_reads_it(
    lines: list[tuple[str, str]], end: str
) -> None:
    """The flat shape's reader gives safe_load's mapping, types and key order, or leaves
    the text to safe_load."""
    content = "\n".join(f"{k}: {v}" for k, v in lines) + end
    flat = fs_read._flat_yaml(content)
    if flat is None:
        return
    expected = yaml.safe_load(content)
    assert list(flat.items()) == list(expected.items())
    assert [type(v) for v in flat.values()] == [type(v) for v in expected.values()]
    assert [type(k) for k in flat] == [type(k) for k in expected]


def test_the_generators_configs_take_the_flat_yaml_reader() -> None:
    """Every YAML config the generator writes has the flat shape (else the shortcut
    would save nothing), and reads as safe_load reads it."""
    for seed in range(300):
        rng = random.Random(seed)
        ext = rng.choice(("yaml", "yml"))
        f = pools.RepoFile(f"src/auth/config.{ext}", "config", ext)
        text = make_body(rng, f, min_ints=rng.randint(0, 3)).text
        assert fs_read._flat_yaml(text) == yaml.safe_load(text), text


@pytest.mark.parametrize(
    "content",
    [
        "base: &b {x: 1}\ncopy: *b\n",
        "base: &b 1\nlist: [*b]\n",
        "base: &b 1\nmap: {k: *b}\n",
        "base: &b {x: 1}\nmerged:\n  <<: *b\n",
        "base: &b 1\nitems:\n  - *b\n",
        "a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    ],
)
def test_fs_read_keys_refuses_yaml_aliases(content: str) -> None:
    world = build({"a.yaml": text(content)})
    assert execute(world, "fs.read", {"path": "a.yaml", "keys": ["base"]}) == {
        "ok": False,
        "error": "ValueError: cannot parse a.yaml: YAML aliases are not supported",
    }


def test_fs_read_follows_links() -> None:
    assert read({"path": "link.txt"}) == {
        **head("link.txt", NOTES_TXT, "2024-02-02"),  # the target's date
        "resolved": "notes.txt",
        "content": "one\ntwo\nthree\nfour\nfive",
    }
    assert read({"path": "link.txt", "follow_symlinks": True}) == read({"path": "link.txt"})


@pytest.mark.parametrize("path", ["link.txt", "dangling.txt"])
def test_fs_read_refuses_links_without_follow_symlinks(path: str) -> None:
    assert read({"path": path, "follow_symlinks": False}) == {
        "ok": False,
        "error": f"OSError: [Errno 40] Too many levels of symbolic links: {path!r}",
    }


def test_fs_read_follow_symlinks_false_reads_a_regular_file() -> None:
    assert read({"path": "notes.txt", "follow_symlinks": False}) == read({"path": "notes.txt"})


@pytest.mark.parametrize("path", ["dangling.txt", "loop_a.txt"])
def test_fs_read_dangling_or_looping_link(path: str) -> None:
    assert read({"path": path}) == not_found(path)


def _python_decode_error(content: str, encoding: str) -> str:
    try:
        content.encode("utf-8").decode(encoding)
    except UnicodeDecodeError as exc:
        return f"UnicodeDecodeError: {exc}"
    raise AssertionError("expected a decode error")


def test_fs_read_ascii_on_non_ascii_fails_as_python_does() -> None:
    assert read({"path": "cafe.txt", "encoding": "ascii"}) == {
        "ok": False,
        "error": _python_decode_error("café\n", "ascii"),
    }
    assert read({"path": "cafe.txt", "encoding": "ascii"})["error"] == (
        "UnicodeDecodeError: 'ascii' codec can't decode byte 0xc3 in position 3: "
        "ordinal not in range(128)"
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-8"])
def test_fs_read_encoding_that_decodes(encoding: str) -> None:
    assert read({"path": "notes.txt", "encoding": encoding}) == {
        **read({"path": "notes.txt"}),
        "encoding": encoding,
    }


def test_fs_read_encoding_checked_before_keys() -> None:
    world = build({"c.yaml": text("name: café\n")})
    result = execute(world, "fs.read", {"path": "c.yaml", "encoding": "ascii", "keys": ["name"]})
    assert result == {"ok": False, "error": _python_decode_error("name: café\n", "ascii")}


def test_fs_read_missing_file() -> None:
    assert read({"path": "nope.txt"}) == not_found("nope.txt")


@pytest.mark.parametrize("path", ["cfg", "cfg/", "."])
def test_fs_read_directory(path: str) -> None:
    assert read({"path": path}) == {
        "ok": False,
        "error": f"IsADirectoryError: [Errno 21] Is a directory: {path!r}",
    }


@pytest.mark.parametrize("given", ["/etc/passwd", "../up/x.txt", "~/k.txt", "src/../src/a.txt"])
def test_fs_read_refuses_paths_outside_the_workspace(given: str) -> None:
    assert execute(OUTSIDE, "fs.read", {"path": given}) == refused(given)


@pytest.mark.parametrize(
    ("path", "content"),
    [("d.yaml", "released: 2024-01-02\n"), ("d.toml", "released = 2024-01-02\n")],
)
def test_fs_read_keys_values_are_json(path: str, content: str) -> None:
    world = build({path: text(content)})
    result = execute(world, "fs.read", {"path": path, "keys": ["released"]})
    assert result["ok"] is True
    assert json.loads(json.dumps(result)) == result


# ---------------------------------------------------------------------------------------------
# fs.search

SEARCH = build(
    {
        "docs/c.md": text("Token bucket\nnothing here\n"),
        "src/a.py": text("import os\nTOKEN = 1\ntoken_count = 2\nprint(TOKEN)\n"),
        "src/b.py": text("# tokens here\nx = token\n"),
        "src/.hidden.py": text("TOKEN = 3\n"),
        ".env": text("TOKEN=secret\n"),
        "src/link.py": link("src/a.py"),
    }
)


def hit(path: str, line: int, content: str) -> Json:
    return {"path": path, "line": line, "text": content}


C1 = hit("docs/c.md", 1, "Token bucket")
A2 = hit("src/a.py", 2, "TOKEN = 1")
A3 = hit("src/a.py", 3, "token_count = 2")
A4 = hit("src/a.py", 4, "print(TOKEN)")
B1 = hit("src/b.py", 1, "# tokens here")
B2 = hit("src/b.py", 2, "x = token")
ENV1 = hit(".env", 1, "TOKEN=secret")
HIDDEN1 = hit("src/.hidden.py", 1, "TOKEN = 3")
INSENSITIVE = {"case_sensitive": False}


def found(results: list[Json], count: int | None = None, files: int | None = None) -> Json:
    out = {
        "ok": True,
        "count": len(results) if count is None else count,
        "files": len({r["path"] for r in results}) if files is None else files,
        "results": results,
    }
    if count is not None and count > len(results):
        out["truncated"] = True
    return out


def search(args: Json, world: World = SEARCH) -> Json:
    return execute(world, "fs.search", args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"pattern": "TOKEN"}, [A2, A4]),  # case-sensitive, hidden files and links left out
        ({"pattern": "TOKEN", "mode": "literal"}, [A2, A4]),
        ({"pattern": "TOKEN", "options": INSENSITIVE}, [C1, A2, A3, A4, B1, B2]),
        ({"pattern": "token", "options": {"case_sensitive": True}}, [A3, B1, B2]),
        ({"pattern": "token", "mode": "word"}, [B2]),
        ({"pattern": "token", "mode": "word", "options": INSENSITIVE}, [C1, A2, A4, B2]),
        ({"pattern": r"^TOKEN\s*=", "mode": "regex"}, [A2]),
        ({"pattern": r"tokens?\b", "mode": "regex"}, [B1, B2]),
        ({"pattern": "print(", "mode": "literal"}, [A4]),
        ({"pattern": "zzz"}, []),
    ],
)
def test_fs_search_modes_and_case(args: Json, expected: list[Json]) -> None:
    assert search(args) == found(expected)


def test_fs_search_literal_dot_versus_regex_dot() -> None:
    world = build({"m.txt": text("a.b\naxb\nab\n")})
    assert search({"pattern": "a.b"}, world) == found([hit("m.txt", 1, "a.b")])
    assert search({"pattern": "a.b", "mode": "regex"}, world) == found(
        [hit("m.txt", 1, "a.b"), hit("m.txt", 2, "axb")]
    )
    assert search({"pattern": "(a+)+", "mode": "literal"}, build({"r.txt": text("x (a+)+\n")})) == (
        found([hit("r.txt", 1, "x (a+)+")])
    )


CONTEXT = build({"ctx.txt": text("MATCH zero\na\nb\nMATCH mid\nc\n")})


def test_fs_search_context_lines_clipped_at_file_edges() -> None:
    result = search({"pattern": "MATCH", "options": {"context_lines": 2}}, CONTEXT)
    assert result == found(
        [
            {**hit("ctx.txt", 1, "MATCH zero"), "before": [], "after": ["a", "b"]},
            {**hit("ctx.txt", 4, "MATCH mid"), "before": ["a", "b"], "after": ["c"]},
        ]
    )


def test_fs_search_context_lines_beyond_the_file() -> None:
    result = search({"pattern": "mid", "options": {"context_lines": 10}}, CONTEXT)
    before, after = ["MATCH zero", "a", "b"], ["c"]
    assert result == found([{**hit("ctx.txt", 4, "MATCH mid"), "before": before, "after": after}])


def test_fs_search_no_context_keys_without_context_lines() -> None:
    result = search({"pattern": "mid", "options": {"context_lines": 0}}, CONTEXT)
    assert result == found([hit("ctx.txt", 4, "MATCH mid")])


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["src"], [A2, A3, A4, B1, B2]),
        (["docs/c.md"], [C1]),
        (["src/b.py", "docs"], [C1, B1, B2]),  # path order, whatever the paths' order
        (["src/a.py", "src", "./src/"], [A2, A3, A4, B1, B2]),  # each file once
        (["src/link.py"], []),  # a link is not searched, even when named
        ([".env"], []),  # hidden, even when named
    ],
)
def test_fs_search_paths_scope(paths: list[str], expected: list[Json]) -> None:
    assert search({"pattern": "token", "paths": paths, "options": INSENSITIVE}) == found(expected)


@pytest.mark.parametrize("paths", [["nope"], ["src", "nope"], ["src/a.py/x"]])
def test_fs_search_missing_path(paths: list[str]) -> None:
    missing = next(p for p in paths if p != "src")
    assert search({"pattern": "x", "paths": paths}) == not_found(missing)


@pytest.mark.parametrize("given", ["../src", "/etc", "src/../.env"])
def test_fs_search_refuses_paths_outside_the_workspace(given: str) -> None:
    assert search({"pattern": "x", "paths": ["src", given]}) == refused(given)


def test_fs_search_hidden_files_only_with_include_hidden() -> None:
    assert search({"pattern": "TOKEN", "include_hidden": True}) == found([ENV1, HIDDEN1, A2, A4])
    assert search({"pattern": "TOKEN", "include_hidden": False}) == found([A2, A4])
    assert search({"pattern": "TOKEN", "paths": [".env"], "include_hidden": True}) == found([ENV1])


def test_fs_search_hidden_directory_component() -> None:
    world = build({".github/ci.yml": text("run: TOKEN\n"), "ci.yml": text("none\n")})
    assert search({"pattern": "TOKEN"}, world) == found([])
    assert search({"pattern": "TOKEN", "include_hidden": True}, world) == found(
        [hit(".github/ci.yml", 1, "run: TOKEN")]
    )


def test_fs_search_max_results_cut() -> None:
    result = search({"pattern": "token", "options": INSENSITIVE, "max_results": 2})
    assert result == {"ok": True, "count": 6, "files": 3, "results": [C1, A2], "truncated": True}


def test_fs_search_max_results_equal_to_count_is_not_truncated() -> None:
    result = search({"pattern": "token", "options": INSENSITIVE, "max_results": 6})
    assert result == found([C1, A2, A3, A4, B1, B2])


def test_fs_search_default_max_results_is_50() -> None:
    world = build({"big.txt": text("hit\n" * 60)})
    result = search({"pattern": "hit"}, world)
    expected = [hit("big.txt", i, "hit") for i in range(1, 51)]
    assert result == {"ok": True, "count": 60, "files": 1, "results": expected, "truncated": True}


REGEX_REFUSED = {
    "ok": False,
    "error": "ValueError: regex refused (nested quantifiers or over 200 characters)",
}


@pytest.mark.parametrize(
    "pattern", ["(a+)+", "(a*)*", r"(\w+\s?)*$", "(?:ab+)+", "(a{2,})+", "(x+x+)+y", "(a|b+)+"]
)
def test_fs_search_refuses_nested_quantifiers(pattern: str) -> None:
    assert search({"pattern": pattern, "mode": "regex"}, CONTEXT) == REGEX_REFUSED


def test_fs_search_refuses_over_long_regex() -> None:
    assert search({"pattern": "a" * 201, "mode": "regex"}, CONTEXT) == REGEX_REFUSED
    assert search({"pattern": "a" * 200, "mode": "regex"}, CONTEXT) == found([])


@pytest.mark.parametrize("pattern", ["((a+))+$", "((a)+)+$", "(?:(a+))+$"])
def test_fs_search_refuses_nested_quantifiers_in_an_extra_group(pattern: str) -> None:
    # The world's text is short, so the search is fast even when the regex is not refused.
    assert search({"pattern": pattern, "mode": "regex"}, CONTEXT) == REGEX_REFUSED


@pytest.mark.parametrize("pattern", ["print(", "[a-", "a{2,1}", "(?P<x>a)(?P<x>b)"])
def test_fs_search_invalid_regex(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        message = f"ValueError: invalid regex: {exc}"
    assert search({"pattern": pattern, "mode": "regex"}) == {"ok": False, "error": message}


# ---------------------------------------------------------------------------------------------
# web.search


def page(
    title: str,
    published: str,
    first: str,
    *,
    lang: str = "en",
    more: tuple[tuple[str, str], ...] = (),
    links: tuple[str, ...] = (),
    safe: bool = True,
) -> Json:
    sections = [{"heading": "Overview", "text": first}]
    sections += [{"heading": h, "text": t} for h, t in more]
    out: Json = {"title": title, "published": published, "lang": lang, "sections": sections}
    if links:
        out["links"] = list(links)
    if not safe:
        out["safe"] = False
    return out


FUTURE = "https://example.com/future/redis-cache"
FORUM = "https://example.com/forum/redis-cache"
NOTES_PAGE = "https://example.com/notes/redis"
BLOG = "https://example.org/blog/redis-cache"
ES = "https://example.org/es/redis-cache"
CACHING = "https://example.net/kb/caching"
GUIDE = "https://www.example.net/guides/redis"
DEEP = "https://example.org/kb/deep"
PAGES = {
    BLOG: page("Redis cache tuning", "2024-11-01", "Latency fell by 30%."),
    NOTES_PAGE: page("Redis notes", "2024-11-01", "The cache layer in front of Postgres."),
    GUIDE: page("Redis guide", "2024-06-01", "Why a cache helps."),
    # "cache" only as a later section's heading: headings count
    CACHING: page("Caching", "2024-10-01", "About Redis.", more=(("Cache", "x"),)),
    # "redis cache" only in a later section's text: not searched
    DEEP: page("Deep dive", "2024-11-15", "Nothing here.", more=(("Details", "Redis cache."),)),
    ES: page("Caché de Redis", "2024-10-15", "La cache de Redis en producción.", lang="es"),
    FORUM: page("Redis cache forum thread", "2024-11-10", "Users discuss it.", safe=False),
    FUTURE: page("Redis cache roadmap", "2024-12-01", "What comes next."),
}
WEB = build(pages=PAGES)


def shown(url: str) -> Json:
    p = PAGES[url]
    return {
        "url": url,
        "title": p["title"],
        "snippet": p["sections"][0]["text"],
        "published": p["published"],
    }


def ranked(urls: list[str], count: int | None = None) -> Json:
    return {
        "ok": True,
        "count": len(urls) if count is None else count,
        "results": [shown(u) for u in urls],
    }


ALL_MATCHES = [FUTURE, NOTES_PAGE, BLOG, ES, CACHING, GUIDE]  # newest first, then address


def web_search(args: Json) -> Json:
    return execute(WEB, "web.search", args)


def test_web_search_terms() -> None:
    assert terms("The Redis cache, for a DB & redis!") == ["redis", "cache", "db"]
    assert terms("el caché de la base") == ["caché", "base"]
    assert terms("how to") == []


def test_web_search_every_term_newest_first_then_address_top_5() -> None:
    assert web_search({"q": "redis cache"}) == ranked(ALL_MATCHES[:5], count=6)


@pytest.mark.parametrize("q", ["what is the Redis cache for", "el cache de redis", "REDIS, cache?"])
def test_web_search_stop_words_and_case_ignored(q: str) -> None:
    assert web_search({"q": q}) == web_search({"q": "redis cache"})


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("redis latency", [BLOG]),
        ("redis postgres", [NOTES_PAGE]),
        ("redis internals", []),  # only in a later section's text
        ("cache helps", [GUIDE]),
        ("caching", [CACHING]),
        ("cach", []),  # whole words only
    ],
)
def test_web_search_every_term_must_match(q: str, expected: list[str]) -> None:
    assert web_search({"q": q}) == ranked(expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"filters": {"site": "example.net"}}, [CACHING, GUIDE]),  # www. is the same site
        ({"filters": {"site": "example.org"}}, [BLOG, ES]),
        ({"filters": {"recency_days": 30}}, [NOTES_PAGE, BLOG]),  # never the future page
        ({"filters": {"recency_days": 36}}, [NOTES_PAGE, BLOG, ES]),  # 2024-10-15 is 36 days
        ({"filters": {"recency_days": 35}}, [NOTES_PAGE, BLOG]),
        ({"filters": {"recency_days": 30, "site": "example.com"}}, [NOTES_PAGE]),
        ({"lang": "es"}, [ES]),
        ({"lang": "en", "top_k": 10}, [FUTURE, NOTES_PAGE, BLOG, CACHING, GUIDE]),
        ({"exclude": ["roadmap"], "top_k": 10}, [NOTES_PAGE, BLOG, ES, CACHING, GUIDE]),
        ({"exclude": ["POSTGRES", "latency"], "top_k": 10}, [FUTURE, ES, CACHING, GUIDE]),
        ({"exclude": ["Cache"], "top_k": 10}, [CACHING]),  # its heading is not seen
        ({"top_k": 10}, ALL_MATCHES),
        ({"safe": True, "top_k": 10}, ALL_MATCHES),
        ({"safe": False, "top_k": 10}, [FUTURE, FORUM, NOTES_PAGE, BLOG, ES, CACHING, GUIDE]),
    ],
)
def test_web_search_filters(args: Json, expected: list[str]) -> None:
    assert web_search({"q": "redis cache", **args}) == ranked(expected)


def test_web_search_top_k() -> None:
    assert web_search({"q": "redis cache", "top_k": 2}) == ranked([FUTURE, NOTES_PAGE], count=6)
    assert web_search({"q": "redis cache", "top_k": 5}) == web_search({"q": "redis cache"})


def test_web_search_count_is_every_match() -> None:
    pages = {
        f"https://example.org/p/{i}": page("Kafka tips", f"2024-0{i}-01", "x") for i in range(1, 8)
    }
    world = build(pages=pages)
    result = execute(world, "web.search", {"q": "kafka"})
    urls = [f"https://example.org/p/{i}" for i in (7, 6, 5, 4, 3)]
    assert [r["url"] for r in result["results"]] == urls
    assert result["count"] == 7


def test_web_search_page_without_sections_has_empty_snippet() -> None:
    world = build(
        pages={"https://example.org/x": {"title": "Kafka", "published": "2024-01-01", "lang": "en"}}
    )
    assert execute(world, "web.search", {"q": "kafka"}) == {
        "ok": True,
        "count": 1,
        "results": [
            {
                "url": "https://example.org/x",
                "title": "Kafka",
                "snippet": "",
                "published": "2024-01-01",
            }
        ],
    }


# ---------------------------------------------------------------------------------------------
# web.open

X = "https://example.org/blog/x"
LONG = "https://example.org/long"
BARE = "https://example.org/bare"
X_LINKS = ("https://example.org/blog/y", "https://example.com/z")
OPEN_PAGES = {
    X: page(
        "X guide",
        "2024-10-01",
        "Short intro.",
        more=(("Setup", "Install it."), ("Results", "It got faster.")),
        links=X_LINKS,
    ),
    LONG: {
        "title": "Long",
        "published": "2024-09-01",
        "lang": "en",
        "sections": [{"heading": "Body", "text": "word " * 60}],
    },
    BARE: {"title": "Bare", "published": "2024-08-01", "lang": "en"},
}
R = [f"https://example.org/r{i}" for i in range(1, 6)]  # five hops to X
S = [f"https://example.org/s{i}" for i in range(1, 7)]  # six hops to X
REDIRECTS = {
    "https://example.org/old": X,
    **{a: b for a, b in zip(R, [*R[1:], X], strict=True)},
    **{a: b for a, b in zip(S, [*S[1:], X], strict=True)},
    "https://example.org/loop-a": "https://example.org/loop-b",
    "https://example.org/loop-b": "https://example.org/loop-a",
    "https://example.org/moved": "https://example.org/gone",
}
OPEN = build(pages=OPEN_PAGES, redirects=REDIRECTS)
X_TEXT = [
    "X guide", "", "Overview", "Short intro.", "", "Setup", "Install it.", "", "Results",
    "It got faster.",
]  # fmt: skip
X_MARKDOWN = [
    "# X guide", "", "## Overview", "Short intro.", "", "## Setup", "Install it.", "",
    "## Results", "It got faster.",
]  # fmt: skip


def opened(url: str, content: str, **extra: Any) -> Json:
    p = OPEN_PAGES[url]
    lines = {X: 10, LONG: 4, BARE: 1}[url]
    return {
        "ok": True, "status": 200, "url": url, "title": p["title"], "published": p["published"],
        "lines": lines, "content": content, **extra,
    }  # fmt: skip


def web_open(args: Json) -> Json:
    return execute(OPEN, "web.open", args)


def test_web_open_text_rendering() -> None:
    assert web_open({"url": X}) == opened(X, "\n".join(X_TEXT))
    assert web_open({"url": X, "format": "text"}) == opened(X, "\n".join(X_TEXT))


def test_web_open_markdown_rendering() -> None:
    assert web_open({"url": X, "format": "markdown"}) == opened(X, "\n".join(X_MARKDOWN))


def test_web_open_page_without_sections() -> None:
    assert web_open({"url": BARE}) == opened(BARE, "Bare")


@pytest.mark.parametrize("asked", ["https://example.org/old", R[0]])
def test_web_open_follows_redirects(asked: str) -> None:
    result = web_open({"url": asked})
    assert result == opened(X, "\n".join(X_TEXT), redirected_from=asked)


@pytest.mark.parametrize("asked", [S[0], "https://example.org/loop-a"])
def test_web_open_too_many_redirects(asked: str) -> None:
    assert web_open({"url": asked}) == {
        "ok": False,
        "status": 310,
        "error": f"TooManyRedirects: {asked}",
    }


def test_web_open_missing_page_is_404() -> None:
    assert web_open({"url": "https://example.org/missing"}) == {
        "ok": False,
        "status": 404,
        "url": "https://example.org/missing",
        "error": "HTTP 404 Not Found: https://example.org/missing",
    }


def test_web_open_404_after_a_redirect_names_the_address_that_failed() -> None:
    # As a browser shows it: the redirect's target is what failed, the asked address is kept.
    assert web_open({"url": "https://example.org/moved"}) == {
        "ok": False,
        "status": 404,
        "url": "https://example.org/gone",
        "redirected_from": "https://example.org/moved",
        "error": "HTTP 404 Not Found: https://example.org/gone",
    }


def test_web_open_sections_in_page_order_with_missing() -> None:
    result = web_open({"url": X, "sections": ["Results", "Overview", "Pricing"]})
    content = "X guide\n\nOverview\nShort intro.\n\nResults\nIt got faster."
    assert result == opened(X, content, missing_sections=["Pricing"])


def test_web_open_missing_sections_in_the_order_asked() -> None:
    result = web_open({"url": X, "sections": ["Zeta", "Setup", "Alpha"]})
    content = "X guide\n\nSetup\nInstall it."
    assert result == opened(X, content, missing_sections=["Zeta", "Alpha"])


def test_web_open_sections_all_found_markdown() -> None:
    result = web_open({"url": X, "sections": ["Setup"], "format": "markdown"})
    assert result == opened(X, "# X guide\n\n## Setup\nInstall it.")


@pytest.mark.parametrize(
    ("offset", "length", "bounds", "lines"),
    [
        (2, 3, [2, 5], ["Overview", "Short intro.", ""]),
        (8, 5, [8, 10], ["Results", "It got faster."]),
        (0, 1, [0, 1], ["X guide"]),
    ],
)
def test_web_open_window(offset: int, length: int, bounds: list[int], lines: list[str]) -> None:
    result = web_open({"url": X, "window": {"offset": offset, "length": length}})
    assert result == opened(X, "\n".join(lines), window=bounds)


def test_web_open_window_over_the_chosen_sections() -> None:
    result = web_open({"url": X, "sections": ["Results"], "window": {"offset": 2, "length": 2}})
    assert result == opened(X, "Results\nIt got faster.", window=[2, 4])


def test_web_open_max_chars() -> None:
    whole = "Long\n\nBody\n" + "word " * 60
    assert web_open({"url": LONG}) == opened(LONG, whole)
    assert web_open({"url": LONG, "max_chars": 200}) == opened(LONG, whole[:200], truncated=True)
    assert web_open({"url": LONG, "max_chars": len(whole)}) == opened(LONG, whole)


def test_web_open_window_then_max_chars() -> None:
    result = web_open({"url": LONG, "window": {"offset": 3, "length": 1}, "max_chars": 200})
    assert result == opened(LONG, ("word " * 60)[:200], window=[3, 4], truncated=True)


def test_web_open_include_links() -> None:
    assert web_open({"url": X, "include_links": True}) == opened(
        X, "\n".join(X_TEXT), links=list(X_LINKS)
    )
    assert web_open({"url": X, "include_links": False}) == opened(X, "\n".join(X_TEXT))
    assert web_open({"url": BARE, "include_links": True}) == opened(BARE, "Bare", links=[])


def test_web_open_lines_count_multiline_section_text() -> None:
    url = "https://example.org/steps"
    world = build(
        pages={url: {"title": "T", "published": "2024-01-01", "lang": "en",
                     "sections": [{"heading": "Steps", "text": "one\ntwo"}]}}
    )  # fmt: skip
    whole = execute(world, "web.open", {"url": url})
    assert whole["content"] == "T\n\nSteps\none\ntwo"
    assert whole["lines"] == 5
    window = execute(world, "web.open", {"url": url, "window": {"offset": 3, "length": 1}})
    assert window["content"] == "one"


# ---------------------------------------------------------------------------------------------
# code.run

EMPTY = build()
BASE_MS = {"python": 21, "javascript": 34}
DATASETS = [(7, 2, 9, 4, -3, 12), (501, 88, 3, 940, 17)]
PCT_DATASETS = [(250, 15, 7), (999, 37)]
WORDS = ["make_Key", "queue"]


def elapsed(language: str, code: str) -> int:
    return BASE_MS[language] + len(code) // 40


def two_places(value: Decimal) -> str:
    """toFixed(2) / :.2f on a value that is no tie."""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def recompute(op: str, values: tuple[int, ...], word: str) -> str:
    v = list(values)
    ordered = sorted(v)
    outputs: dict[str, Callable[[], str]] = {
        "sum": lambda: str(reduce(lambda a, b: a + b, v, 0)),
        "max": lambda: str(ordered[-1]),
        "min": lambda: str(ordered[0]),
        "spread": lambda: str(ordered[-1] - ordered[0]),
        "evens": lambda: str(len([x for x in v if x % 2 == 0])),
        "sorted": lambda: ",".join(str(x) for x in ordered),
        "squares": lambda: str(reduce(lambda a, x: a + x * x, v, 0)),
        "mean": lambda: two_places(Decimal(sum(v)) / Decimal(len(v))),
        "pct_left": lambda: two_places(Decimal(v[0]) * (100 - v[1]) / 100),
        "reverse": lambda: "".join(reversed(word)),
        "upper": lambda: "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in word),
        "vowels": lambda: str(len([c for c in word if c in "aeiou"])),
        "length": lambda: str(len(word)),
    }
    return outputs[op]()


def call_args(language: str, source: str, op: str, values: tuple[int, ...], word: str) -> Json:
    if source == "word":
        prog = Program(language, "word", op, word=word, var="word")
    else:
        prog = Program(language, source, op, values if source == "literal" else ())
    args: Json = {"language": language, "code": prog.code}
    if source == "args":
        args["args"] = [str(x) for x in values]
    elif source == "stdin":
        args["stdin"] = ",".join(str(x) for x in values)
    return args


CODE_CASES = [
    (language, source, op, data)
    for language in LANGUAGES
    for source in DATA
    for op in OPS
    if (op in WORD_OPS) == (source == "word")
    for data in (WORDS if source == "word" else PCT_DATASETS if op == "pct_left" else DATASETS)
]


def test_code_run_cases_cover_every_op_and_source() -> None:
    assert set(DATA) == {"literal", "args", "stdin", "word"}
    assert set(OPS) == {
        "sum", "max", "min", "spread", "evens", "sorted", "squares", "mean", "pct_left",
        "reverse", "upper", "vowels", "length",
    }  # fmt: skip
    assert {(lang, src, op) for lang, src, op, _ in CODE_CASES} == {
        (lang, src, op)
        for lang in ("python", "javascript")
        for src in DATA
        for op in OPS
        if (op in WORD_OPS) == (src == "word")
    }


@pytest.mark.parametrize(("language", "source", "op", "data"), CODE_CASES)
def test_code_run_output_equals_recomputation(
    language: str, source: str, op: str, data: tuple[int, ...] | str
) -> None:
    values, word = (data, "") if isinstance(data, tuple) else ((), data)
    args = call_args(language, source, op, values, word)
    assert execute(EMPTY, "code.run", args) == {
        "ok": True,
        "exit_code": 0,
        "stdout": recompute(op, values, word),
        "stderr": "",
        "elapsed_ms": elapsed(language, args["code"]),
    }


def test_code_run_recomputation_sanity() -> None:
    values = DATASETS[0]
    table = {op: recompute(op, values, "") for op in OPS if op not in WORD_OPS}
    assert table == {
        "sum": "31", "max": "12", "min": "-3", "spread": "15", "evens": "3",
        "sorted": "-3,2,4,7,9,12", "squares": "303", "mean": "5.17", "pct_left": "6.86",
    }  # fmt: skip
    assert recompute("pct_left", PCT_DATASETS[0], "") == "212.50"
    assert [recompute(op, (), "make_Key") for op in WORD_OPS] == ["yeK_ekam", "MAKE_KEY", "3", "8"]


def test_program_code_templates() -> None:
    assert Program("python", "literal", "sum", (1, 2)).code == "values = [1, 2]\nprint(sum(values))"
    assert Program("python", "args", "max").code == (
        "import sys\nvalues = [int(a) for a in sys.argv[1:]]\nprint(max(values))"
    )
    assert Program("javascript", "word", "upper", word="ab", var="word").code == (
        'const word = "ab";\nconsole.log(word.toUpperCase());'
    )
    assert Program("javascript", "stdin", "mean").code == (
        "const values = require('fs').readFileSync(0, 'utf8').split(\",\").map(Number);\n"
        "console.log((values.reduce((a, b) => a + b, 0) / values.length).toFixed(2));"
    )


def test_code_run_trailing_newline_is_the_same_program() -> None:
    code = Program("python", "literal", "sum", (1, 2)).code
    result = execute(EMPTY, "code.run", {"language": "python", "code": code + "\n"})
    assert result["stdout"] == "3"


def _failed(language: str, code: str, message: str, stderr: str) -> Json:
    return {
        "ok": False, "exit_code": 1, "stdout": "", "stderr": stderr, "error": message,
        "elapsed_ms": elapsed(language, code),
    }  # fmt: skip


def test_code_run_python_name_error_did_you_mean() -> None:
    code = "values = [1, 2]\nprint(sum(valuse))"
    message = "NameError: name 'valuse' is not defined. Did you mean: 'values'?"
    stderr = (
        'Traceback (most recent call last):\n  File "/sandbox/main.py", line 2, in <module>\n'
        f"    print(sum(valuse))\n              ^^^^^^\n{message}"
    )
    result = execute(EMPTY, "code.run", {"language": "python", "code": code})
    assert result == _failed("python", code, message, stderr)


def test_code_run_python_name_error_on_the_third_line() -> None:
    code = "import sys\nvalues = [int(a) for a in sys.argv[1:]]\nprint(max(values) - min(valuse))"
    message = "NameError: name 'valuse' is not defined. Did you mean: 'values'?"
    stderr = (
        'Traceback (most recent call last):\n  File "/sandbox/main.py", line 3, in <module>\n'
        f"    print(max(values) - min(valuse))\n                            ^^^^^^\n{message}"
    )
    result = execute(EMPTY, "code.run", {"language": "python", "code": code, "args": ["1"]})
    assert result == _failed("python", code, message, stderr)


def test_code_run_javascript_reference_error() -> None:
    code = "const values = [1, 2];\nconsole.log(valuse.reduce((a, b) => a + b, 0));"
    message = "ReferenceError: valuse is not defined"
    stderr = (
        "/sandbox/main.js:2\nconsole.log(valuse.reduce((a, b) => a + b, 0));\n"
        f"            ^\n\n{message}\n"
        "    at Object.<anonymous> (/sandbox/main.js:2:13)\n    at Module._compile"
    )
    result = execute(EMPTY, "code.run", {"language": "javascript", "code": code})
    assert result["stderr"].startswith(stderr)
    assert result["stderr"].endswith("\n\nNode.js v20.20.2")
    assert result == _failed("javascript", code, message, result["stderr"])


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ('word = "make_key"\nprint(wrod[::-1])', "wrod"),
        ("values = [1, 2]\nprint(sum(total))", "total"),
    ],
)
def test_code_run_python_name_error_without_a_close_name(code: str, name: str) -> None:
    result = execute(EMPTY, "code.run", {"language": "python", "code": code})
    assert result["error"] == f"NameError: name '{name}' is not defined"


def _python_error(action: Callable[[], object]) -> str:
    try:
        action()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    raise AssertionError("expected an exception")


@pytest.mark.parametrize(
    ("source", "extra", "bad"),
    [("args", {"args": ["3", "x"]}, "x"), ("stdin", {"stdin": "4,five"}, "five")],
)
def test_code_run_python_non_integer_input_raises_value_error(
    source: str, extra: Json, bad: str
) -> None:
    code = Program("python", source, "sum").code
    result = execute(EMPTY, "code.run", {"language": "python", "code": code, **extra})
    message = _python_error(lambda: int(bad))
    assert message == f"ValueError: invalid literal for int() with base 10: {bad!r}"
    assert {k: v for k, v in result.items() if k != "stderr"} == {
        "ok": False, "exit_code": 1, "stdout": "", "error": message,
        "elapsed_ms": elapsed("python", code),
    }  # fmt: skip
    assert result["stderr"].startswith("Traceback (most recent call last):\n")
    assert result["stderr"].endswith(f"\n{message}")


def test_code_run_python_value_error_traceback_names_the_conversion_line() -> None:
    code = Program("python", "args", "sum").code
    result = execute(EMPTY, "code.run", {"language": "python", "code": code, "args": ["x"]})
    assert 'File "/sandbox/main.py", line 2, in <listcomp>' in result["stderr"]
    assert "values = [int(a) for a in sys.argv[1:]]" in result["stderr"]


def test_code_run_javascript_non_numeric_input_is_nan() -> None:
    for op, out in (("sum", "NaN"), ("max", "NaN"), ("evens", "0"), ("mean", "NaN")):
        code = Program("javascript", "args", op).code
        result = execute(
            EMPTY, "code.run", {"language": "javascript", "code": code, "args": ["3", "x"]}
        )
        assert (op, result["stdout"], result["exit_code"]) == (op, out, 0)


def test_code_run_javascript_sorting_nan_is_unsupported() -> None:
    code = Program("javascript", "args", "sorted").code
    result = execute(
        EMPTY, "code.run", {"language": "javascript", "code": code, "args": ["3", "x"]}
    )
    assert result == {
        "ok": False,
        "exit_code": 2,
        "error": "Unsupported: sorting NaN depends on the engine",
    }


def test_code_run_stdin_whitespace_around_numbers() -> None:
    for language in LANGUAGES:
        code = Program(language, "stdin", "sum").code
        result = execute(
            EMPTY, "code.run", {"language": language, "code": code, "stdin": " 4, 5 \n"}
        )
        assert result["stdout"] == "9"


PY_EMPTY_LIST = {
    "sum": "0",
    "evens": "0",
    "sorted": "",
    "squares": "0",
    "max": _python_error(lambda: max([])),
    "min": _python_error(lambda: min([])),
    "spread": _python_error(lambda: max([])),
    "mean": _python_error(lambda: sum([]) / len([])),
    "pct_left": _python_error(lambda: [][0]),
}
JS_NO_ARGS = {
    "sum": "0", "max": "-Infinity", "min": "Infinity", "spread": "-Infinity", "evens": "0",
    "sorted": "", "squares": "0", "mean": "NaN", "pct_left": "NaN",
}  # fmt: skip
# Number("") is 0: empty stdin is the list [0].
JS_EMPTY_STDIN = {
    "sum": "0", "max": "0", "min": "0", "spread": "0", "evens": "1", "sorted": "0",
    "squares": "0", "mean": "0.00", "pct_left": "NaN",
}  # fmt: skip


def _outcome(result: Json) -> str:
    return result["stdout"] if result["ok"] else result["error"]


@pytest.mark.parametrize("op", list(PY_EMPTY_LIST))
def test_code_run_empty_input_semantics(op: str) -> None:
    assert PY_EMPTY_LIST["max"] == "ValueError: max() arg is an empty sequence"
    py_empty_stdin = _python_error(lambda: int(""))
    cases = [
        ("python", "args", {}, PY_EMPTY_LIST[op]),
        ("python", "literal", {}, PY_EMPTY_LIST[op]),
        ("python", "stdin", {}, py_empty_stdin),
        ("python", "stdin", {"stdin": ""}, py_empty_stdin),
        ("javascript", "args", {}, JS_NO_ARGS[op]),
        ("javascript", "literal", {}, JS_NO_ARGS[op]),
        ("javascript", "stdin", {}, JS_EMPTY_STDIN[op]),
        ("javascript", "stdin", {"stdin": ""}, JS_EMPTY_STDIN[op]),
    ]
    for language, source, extra, expected in cases:
        code = Program(language, source, op).code
        result = execute(EMPTY, "code.run", {"language": language, "code": code, **extra})
        assert (language, source, _outcome(result)) == (language, source, expected)
        assert result["exit_code"] == (0 if result["ok"] else 1)


def test_code_run_pct_left_needs_two_values() -> None:
    py = Program("python", "literal", "pct_left", (5,)).code
    js = Program("javascript", "literal", "pct_left", (5,)).code
    assert execute(EMPTY, "code.run", {"language": "python", "code": py})["error"] == (
        "IndexError: list index out of range"
    )
    assert execute(EMPTY, "code.run", {"language": "javascript", "code": js})["stdout"] == "NaN"


def test_code_run_javascript_float_sum_is_a_left_fold() -> None:
    # JavaScript's reduce adds left to right; Python >= 3.12's sum() compensates rounding.
    code = Program("javascript", "args", "sum").code
    result = execute(
        EMPTY, "code.run", {"language": "javascript", "code": code, "args": ["0.1"] * 10}
    )
    assert result["stdout"] == repr(reduce(lambda a, b: a + b, [0.1] * 10, 0.0))
    assert result["stdout"] == "0.9999999999999999"


UNSUPPORTED = {
    "ok": False,
    "exit_code": 2,
    "error": "Unsupported: the offline runner only knows its own program family",
}


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "import os\nos.system('echo hi')"),
        ("python", "print(1)"),
        ("python", "values = [1,2]\nprint(sum(values))"),  # not the family's spacing
        ("python", 'word = "ab"\nprint(sum(word))'),  # an int op on a word
        ("python", "values = [1, 2]\nprint(values.upper())"),  # a word op on ints
        ("python", "values = [1, 2]\nprint(sum(values))\nprint(1)"),
        ("javascript", "values = [1, 2]\nprint(sum(values))"),  # Python sent as JavaScript
        ("python", "const values = [1, 2];\nconsole.log(values.length);"),
        ("javascript", "const values = [1, 2];\nconsole.log(values.reduce((a, b) => a - b, 0));"),
    ],
)
def test_code_run_outside_the_family_is_unsupported(language: str, code: str) -> None:
    assert execute(EMPTY, "code.run", {"language": language, "code": code}) == UNSUPPORTED


def test_code_run_never_executes_anything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("code.run executed something")

    for owner, name in ((builtins, "exec"), (builtins, "eval"), (builtins, "compile"),
                        (subprocess, "Popen"), (subprocess, "run"), (os, "system")):  # fmt: skip
        monkeypatch.setattr(owner, name, forbidden)
    marker = tmp_path / "ran.txt"
    side_effect = f"open({str(marker)!r}, 'w').write('ran')\nprint(sum(values))"
    assert code_run_module.execute({"language": "python", "code": side_effect}) == UNSUPPORTED
    for language in LANGUAGES:
        code = Program(language, "literal", "sum", (1, 2)).code
        assert code_run_module.execute({"language": language, "code": code})["stdout"] == "3"
    assert not marker.exists()


BIG = Program("python", "literal", "sum", tuple(range(4000))).code  # about 593 ms
HUGE = Program("javascript", "literal", "max", tuple(range(7000))).code  # about 1056 ms


@pytest.mark.parametrize(
    ("language", "code", "limits", "limit_ms", "shown"),
    [
        ("python", BIG, {"limits": {"cpu_s": 0.5}}, 500, "0.5"),
        ("python", BIG, {"timeout_s": 1, "limits": {"cpu_s": 0.5}}, 500, "0.5"),
        ("javascript", HUGE, {"timeout_s": 1}, 1000, "1"),
        ("javascript", HUGE, {"timeout_s": 1, "limits": {"cpu_s": 2}}, 1000, "1"),
    ],
)
def test_code_run_timeout(
    language: str, code: str, limits: Json, limit_ms: int, shown: str
) -> None:
    assert elapsed(language, code) > limit_ms
    result = execute(EMPTY, "code.run", {"language": language, "code": code, **limits})
    assert result == {
        "ok": False, "exit_code": 124, "stdout": "", "elapsed_ms": limit_ms,
        "error": f"TimeoutError: the program ran past its {shown} s limit",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("language", "code", "limits", "stdout"),
    [
        ("python", BIG, {"timeout_s": 1}, str(sum(range(4000)))),
        ("python", BIG, {"limits": {"cpu_s": 0.6, "memory_mb": 64}}, str(sum(range(4000)))),
        ("javascript", HUGE, {"timeout_s": 2}, "6999"),
    ],
)
def test_code_run_within_the_limit(language: str, code: str, limits: Json, stdout: str) -> None:
    result = execute(EMPTY, "code.run", {"language": language, "code": code, **limits})
    assert result == {
        "ok": True, "exit_code": 0, "stdout": stdout, "stderr": "",
        "elapsed_ms": elapsed(language, code),
    }  # fmt: skip


def test_code_run_elapsed_ms_is_deterministic() -> None:
    for language in LANGUAGES:
        code = Program(language, "literal", "sum", (1, 2, 3)).code
        runs = [execute(EMPTY, "code.run", {"language": language, "code": code}) for _ in range(3)]
        assert [r["elapsed_ms"] for r in runs] == [elapsed(language, code)] * 3
    assert code_run_module.elapsed_ms("python", "x" * 80) == 23
    assert code_run_module.elapsed_ms("javascript", "x" * 79) == 35


def test_code_run_long_program_outside_the_family_is_unsupported() -> None:
    code = "import os\n" + "#" * 30000 + "\nos.system('true')"
    result = execute(
        EMPTY, "code.run", {"language": "python", "code": code, "limits": {"cpu_s": 0.5}}
    )
    assert result == UNSUPPORTED


def test_code_run_javascript_mean_rounds_ties_like_to_fixed() -> None:
    code = Program("javascript", "literal", "mean", (1, 2, 3, 4, 5, 6, 7, 9)).code
    assert execute(EMPTY, "code.run", {"language": "javascript", "code": code})["stdout"] == "4.63"


@pytest.mark.parametrize(
    ("arg", "stdout"), [("0x10", "16"), ("0b11", "3"), ("inf", "NaN"), ("1_000", "NaN")]
)
def test_code_run_javascript_number_parsing(arg: str, stdout: str) -> None:
    code = Program("javascript", "args", "sum").code
    result = execute(EMPTY, "code.run", {"language": "javascript", "code": code, "args": [arg]})
    assert result["stdout"] == stdout


def test_code_run_javascript_evens_counts_integral_floats() -> None:
    code = Program("javascript", "args", "evens").code
    result = execute(
        EMPTY, "code.run", {"language": "javascript", "code": code, "args": ["4.0", "1e1", "3"]}
    )
    assert result["stdout"] == "2"


@pytest.mark.parametrize(
    ("op", "values", "stdout"),
    [("squares", (100000000000,), "1e+22"), ("sum", (9007199254740993,), "9007199254740992")],
)
def test_code_run_javascript_numbers_are_doubles(
    op: str, values: tuple[int, ...], stdout: str
) -> None:
    code = Program("javascript", "literal", op, values).code
    assert execute(EMPTY, "code.run", {"language": "javascript", "code": code})["stdout"] == stdout


@pytest.mark.parametrize(
    ("language", "code", "wrong"),
    [
        ("python", "values = [010]\nprint(sum(values))", "10"),  # SyntaxError in Python
        (
            "javascript",
            "const values = [010];\nconsole.log(values.reduce((a, b) => a + b, 0));",
            "10",
        ),
        ("python", "sum = [1, 2]\nprint(sum(sum))", "3"),  # TypeError: 'list' is not callable
        ("python", "for = [1, 2]\nprint(sum(for))", "3"),  # SyntaxError
    ],
)
def test_code_run_does_not_guess_at_programs_it_misreads(
    language: str, code: str, wrong: str
) -> None:
    result = execute(EMPTY, "code.run", {"language": language, "code": code})
    assert not (result["ok"] and result["stdout"] == wrong)


# ---------------------------------------------------------------------------------------------
# execute / replay

FAULTY = build(
    {"a.txt": text("alpha\n")},
    PAGES,
    faults=[{"at": 1, "tool": "web.search", "error": "RateLimited: slow down"}],
)
READ_A = {
    "ok": True,
    "path": "a.txt",
    "lines": 1,
    "size": 6,
    "modified": "2024-01-01",
    "content": "alpha",
}


def test_tool_names() -> None:
    assert TOOL_NAMES == ("code.run", "fs.list", "fs.read", "fs.search", "web.open", "web.search")


def test_execute_unknown_tool() -> None:
    assert execute(FAULTY, "fs.delete", {"path": "a.txt"}) == {
        "ok": False,
        "error": "unknown tool 'fs.delete'",
    }


@pytest.mark.parametrize("raw", ['{"path": ', "{bad", "", '{"path": "a.txt"} x'])
def test_execute_arguments_not_json(raw: str) -> None:
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON in arguments: {exc.msg} at char {exc.pos}"
    assert execute(FAULTY, "fs.read", raw) == {"ok": False, "error": message}
    # nothing else is looked at: not the tool name, not a fault
    assert execute(FAULTY, "no.such", raw) == {"ok": False, "error": message}
    assert execute(FAULTY, "web.search", raw, at=1) == {"ok": False, "error": message}


def test_execute_string_arguments_that_are_json() -> None:
    assert execute(FAULTY, "fs.read", '{"path": "a.txt"}') == READ_A
    assert execute(FAULTY, "fs.read", {"path": "a.txt"}) == READ_A


@pytest.mark.parametrize(
    ("name", "arguments", "problem"),
    [
        ("fs.read", {}, "$: 'path' is a required property"),
        ("fs.read", "[1]", "$: [1] is not of type 'object'"),
        (
            "fs.read",
            {"path": "a.txt", "max_lines": 0},
            "$.max_lines: 0 is less than the minimum of 1",
        ),
        (
            "fs.read",
            {"path": "a.txt", "note": 1},
            "$: Additional properties are not allowed ('note' was unexpected)",
        ),
        (
            "fs.list",
            {"dir": "src", "sort": "date"},
            "$.sort: 'date' is not one of ['name', 'size', 'mtime']",
        ),
        ("fs.search", {"pattern": ""}, "$.pattern: '' should be non-empty"),
        ("web.search", {"q": "x", "top_k": 11}, "$.top_k: 11 is greater than the maximum of 10"),
        (
            "code.run",
            {"language": "ruby", "code": "x"},
            "$.language: 'ruby' is not one of ['python', 'javascript']",
        ),
        (
            "web.search",
            {"q": "x", "filters": {"recency_days": "7"}},
            "$.filters.recency_days: '7' is not of type 'integer'",
        ),
    ],
)
def test_execute_arguments_that_break_the_schema(name: str, arguments: Any, problem: str) -> None:
    assert execute(FAULTY, name, arguments) == {
        "ok": False,
        "error": f"invalid arguments: {problem}",
    }


def test_execute_schema_checked_before_a_fault() -> None:
    assert execute(FAULTY, "web.search", {"q": "x", "top_k": 0}, at=1) == {
        "ok": False,
        "error": "invalid arguments: $.top_k: 0 is less than the minimum of 1",
    }


def test_execute_fault_at_its_position_for_its_tool_only() -> None:
    fault = {"ok": False, "error": "RateLimited: slow down"}
    args = {"q": "redis cache", "top_k": 1}
    normal = ranked([FUTURE], count=6)
    assert execute(FAULTY, "web.search", args, at=1) == fault
    assert execute(FAULTY, "web.search", args, at=1, checked=False) == fault
    assert execute(FAULTY, "web.search", args, at=0) == normal
    assert execute(FAULTY, "web.search", args, at=2) == normal
    assert execute(FAULTY, "web.search", args) == normal
    assert execute(FAULTY, "fs.read", {"path": "a.txt"}, at=1) == READ_A


def test_execute_checked_false_skips_the_schema() -> None:
    assert execute(FAULTY, "fs.read", {"path": "a.txt", "note": 1}, checked=False) == READ_A
    assert execute(FAULTY, "fs.read", {"path": "a.txt", "note": 1})["ok"] is False


def test_replay_responses_in_order_with_positions() -> None:
    calls: list[tuple[str, Any]] = [
        ("web.search", {"q": "redis cache", "top_k": 1}),
        ("web.search", {"q": "redis cache", "top_k": 1}),  # position 1: the fault
        ("fs.read", '{"path": "a.txt"}'),
        ("fs.read", "{"),
        ("nope", {}),
    ]
    assert replay(FAULTY, calls) == [
        ranked([FUTURE], count=6),
        {"ok": False, "error": "RateLimited: slow down"},
        READ_A,
        {
            "ok": False,
            "error": "invalid JSON in arguments: "
            "Expecting property name enclosed in double quotes at char 1",
        },
        {"ok": False, "error": "unknown tool 'nope'"},
    ]
    assert replay(FAULTY, calls) == [execute(FAULTY, n, a, at) for at, (n, a) in enumerate(calls)]
    assert replay(FAULTY, []) == []


# ---------------------------------------------------------------------------------------------
# World.from_json / to_json

FULL: Json = {
    "today": "2024-11-20",
    "files": {
        "src/auth/config.yaml": {"content": "port: 8080\n", "modified": "2024-10-02"},
        "src/auth/current.yaml": {"link": "src/auth/config.yaml", "modified": "2024-10-03"},
    },
    "pages": {
        "https://example.org/blog/x-12": {
            "title": "X",
            "published": "2024-09-01",
            "lang": "en",
            "sections": [{"heading": "Overview", "text": "Hi."}],
            "links": ["https://example.org/a"],
            "safe": False,
        },
        "https://www.example.com/b": {
            "title": "B",
            "published": "2024-09-02",
            "lang": "de",
            "sections": [],
        },
    },
    "redirects": {"https://example.org/old-3": "https://example.org/blog/x-12"},
    "faults": [{"at": 0, "tool": "web.search", "error": "RateLimited: try later"}],
}


def test_world_round_trip() -> None:
    world = World.from_json(FULL)
    assert world.to_json() == FULL
    assert World.from_json(world.to_json()) == world
    assert World.from_json({"today": TODAY}).to_json() == {"today": TODAY}


def test_world_from_json_typed_fields() -> None:
    world = World.from_json(FULL)
    assert world.today == "2024-11-20"
    assert world.files["src/auth/config.yaml"] == File(
        "src/auth/config.yaml", "2024-10-02", "port: 8080\n"
    )
    assert world.files["src/auth/current.yaml"] == File(
        "src/auth/current.yaml", "2024-10-03", link="src/auth/config.yaml"
    )
    assert world.files["src/auth/config.yaml"].size == 11
    x = world.pages["https://example.org/blog/x-12"]
    assert x == Page(
        "https://example.org/blog/x-12", "X", "2024-09-01", "en",
        (Section("Overview", "Hi."),), ("https://example.org/a",), safe=False,
    )  # fmt: skip
    assert (x.site, x.snippet) == ("example.org", "Hi.")
    b = world.pages["https://www.example.com/b"]
    assert (b.site, b.snippet, b.safe, b.links) == ("example.com", "", True, ())
    assert world.faults == (Fault(0, "web.search", "RateLimited: try later"),)
    assert world.fault(0, "web.search") == Fault(0, "web.search", "RateLimited: try later")
    assert world.fault(0, "web.open") is None
    assert world.fault(1, "web.search") is None
    assert world.days_before_today("2024-11-01") == 19


def test_world_is_immutable_and_detached_from_its_json() -> None:
    data = json.loads(json.dumps(FULL))
    world = World.from_json(data)
    data["files"]["new.txt"] = {"content": "", "modified": "2024-01-01"}
    data["redirects"].clear()
    assert world.to_json() == FULL
    with pytest.raises(TypeError):
        world.files["x"] = File("x", "2024-01-01")  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        world.today = "2025-01-01"  # type: ignore[misc]


def _date_problem(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        return str(exc)
    raise AssertionError("expected a bad date")


PAGE_U = "https://example.org/a"
GOOD_PAGE = {"title": "T", "published": "2024-01-01", "lang": "en", "sections": []}
GOOD_FILE = {"content": "x", "modified": "2024-01-01"}


def _with(key: str, value: Any) -> Json:
    return {"today": TODAY, key: value}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "world: expected an object"),
        ("world", "world: expected an object"),
        ({}, "world.today: expected a string"),
        ({"today": 20241120}, "world.today: expected a string"),
        ({"today": "20241120"}, "world.today: expected an ISO date (YYYY-MM-DD), got '20241120'"),
        ({"today": "2024-1-2"}, "world.today: expected an ISO date (YYYY-MM-DD), got '2024-1-2'"),
        ({"today": "2024-02-30"}, f"world.today: {_date_problem('2024-02-30')}"),
        ({"today": "2024-13-01"}, f"world.today: {_date_problem('2024-13-01')}"),
        (_with("files", []), "world.files: expected an object"),
        (_with("files", {"a.txt": "x"}), "world.files['a.txt']: expected an object"),
        (
            _with("files", {"a.txt": {"content": 3, "modified": "2024-01-01"}}),
            "world.files['a.txt'].content: expected a string",
        ),
        (
            _with("files", {"a.txt": {"modified": "2024-01-01"}}),
            "world.files['a.txt'].content: expected a string",
        ),
        (
            _with("files", {"a.txt": {"content": "x"}}),
            "world.files['a.txt'].modified: expected a string",
        ),
        (
            _with("files", {"a.txt": {"content": "x", "modified": "yesterday"}}),
            "world.files['a.txt'].modified: expected an ISO date (YYYY-MM-DD), got 'yesterday'",
        ),
        (
            _with("files", {"a.txt": {"link": None, "modified": "2024-01-01"}}),
            "world.files['a.txt'].link: expected a string",
        ),
        (_with("pages", []), "world.pages: expected an object"),
        (_with("pages", {PAGE_U: []}), f"world.pages[{PAGE_U!r}]: expected an object"),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "title": 1}}),
            f"world.pages[{PAGE_U!r}].title: expected a string",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "lang": None}}),
            f"world.pages[{PAGE_U!r}].lang: expected a string",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "published": "2024-02-31"}}),
            f"world.pages[{PAGE_U!r}].published: {_date_problem('2024-02-31')}",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "safe": "yes"}}),
            f"world.pages[{PAGE_U!r}].safe: expected a boolean",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "links": "x"}}),
            f"world.pages[{PAGE_U!r}].links: expected a list",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "links": ["a", 1]}}),
            f"world.pages[{PAGE_U!r}].links[1]: expected a string",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "sections": {}}}),
            f"world.pages[{PAGE_U!r}].sections: expected a list",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "sections": ["x"]}}),
            f"world.pages[{PAGE_U!r}].sections[0]: expected an object",
        ),
        (
            _with("pages", {PAGE_U: {**GOOD_PAGE, "sections": [{"heading": "H", "text": 2}]}}),
            f"world.pages[{PAGE_U!r}].sections[0].text: expected a string",
        ),
        (_with("redirects", []), "world.redirects: expected an object"),
        (_with("redirects", {PAGE_U: 3}), f"world.redirects[{PAGE_U!r}]: expected a string"),
        (_with("faults", {}), "world.faults: expected a list"),
        (_with("faults", ["x"]), "world.faults[0]: expected an object"),
        (
            _with("faults", [{"at": -1, "tool": "fs.read", "error": "E"}]),
            "world.faults[0].at: expected a non-negative integer",
        ),
        (
            _with("faults", [{"at": True, "tool": "fs.read", "error": "E"}]),
            "world.faults[0].at: expected a non-negative integer",
        ),
        (
            _with("faults", [{"at": "1", "tool": "fs.read", "error": "E"}]),
            "world.faults[0].at: expected a non-negative integer",
        ),
        (
            _with("faults", [{"at": 1.0, "tool": "fs.read", "error": "E"}]),
            "world.faults[0].at: expected a non-negative integer",
        ),
        (_with("faults", [{"at": 0, "error": "E"}]), "world.faults[0].tool: expected a string"),
        (
            _with("faults", [{"at": 0, "tool": "fs.read", "error": 5}]),
            "world.faults[0].error: expected a string",
        ),
        (
            _with("faults", [{"at": 0, "tool": "fs.read", "error": "E"}, {"at": -2}]),
            "world.faults[1].at: expected a non-negative integer",
        ),
    ],
)
def test_world_error_names_the_field(data: Any, message: str) -> None:
    with pytest.raises(WorldError) as caught:
        World.from_json(data)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_world_error_names_a_missing_heading() -> None:
    data = _with("pages", {PAGE_U: {**GOOD_PAGE, "sections": [{"text": "x"}]}})
    with pytest.raises(
        WorldError, match=re.escape(f"world.pages[{PAGE_U!r}].sections[0].heading: ")
    ):
        World.from_json(data)


def test_world_page_address_checked_or_harmless() -> None:
    data = _with("pages", {"not-a-url": {**GOOD_PAGE, "title": "Kafka"}})
    try:
        world = World.from_json(data)
    except WorldError:
        return
    result = execute(world, "web.search", {"q": "kafka", "filters": {"site": "example.org"}})
    assert result == {"ok": True, "count": 0, "results": []}
