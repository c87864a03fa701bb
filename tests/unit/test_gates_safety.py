"""Argument safety: workspace path escapes and shell injection, read as data only."""

from __future__ import annotations

import pytest

from pipeline.gates.safety import check_call, is_code_call, path_problem


@pytest.mark.parametrize(
    "path",
    [
        "src/app/config.yaml",
        "repo://src/a.py",
        "docs/..hidden/x.md",
        "a/b/../c.txt".replace("../", ""),
        ".",
    ],
)
def test_workspace_paths_are_safe(path: str) -> None:
    assert path_problem(path) is None


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("../etc/passwd", "traversal"),
        ("src/../../secret", "traversal"),
        ("src\\..\\..\\secret", "traversal"),
        ("%2e%2e/%2e%2e/etc/passwd", "traversal"),
        ("%252e%252e/etc", "traversal"),
        ("repo://../outside", "traversal"),
        ("repo:///etc/passwd", "absolute"),
        ("/etc/passwd", "absolute"),
        ("\\\\server\\share", "absolute"),
        ("C:\\Windows\\system32", "absolute"),
        ("~/.ssh/id_rsa", "absolute"),
        ("file:///etc/passwd", "scheme"),
        ("src/a\x00.py", "NUL"),
    ],
)
def test_escaping_paths_are_flagged(path: str, why: str) -> None:
    problem = path_problem(path)
    assert problem is not None and why in problem


def test_paths_are_found_at_any_depth_and_in_lists() -> None:
    found = check_call("fs.search", {"pattern": "x", "paths": ["src", "../../etc"]})
    assert [code for code, _ in found] == ["unsafe_path"]
    found = check_call("fs.read", {"path": "a.md", "range": {"file": "/etc/shadow"}})
    assert [code for code, _ in found] == ["unsafe_path"]
    assert check_call("fs.search", {"pattern": "../x"}) == []  # a pattern is not a path


@pytest.mark.parametrize(
    "code",
    [
        "import os\nos.system('rm -rf /')",
        "import subprocess\nsubprocess.run(['ls'])",
        "__import__('os').popen('id')",
        "run(cmd, shell=True)",
        "require('child_process').execSync('id')",
        "const { execSync } = require('child_process')",
        "os . popen ('id')",
    ],
)
def test_shell_spawning_code_is_flagged(code: str) -> None:
    found = check_call("code.run", {"language": "python", "code": code})
    assert [c for c, _ in found] == ["shell_injection"]


@pytest.mark.parametrize(
    "arg", ["x; rm -rf /", "a && b", "a | sh", "$(id)", "`id`", "${HOME}", "> /dev/sda", "a\nb"]
)
def test_shell_metacharacters_in_argv_are_flagged(arg: str) -> None:
    found = check_call("code.run", {"language": "python", "code": "print(1)", "args": ["--n", arg]})
    assert [c for c, _ in found] == ["shell_injection"]


def test_benign_code_and_input_are_not_flagged() -> None:
    args = {
        "language": "python",
        "code": 'print("a; b | c")\nx = [i for i in range(3)]; print(x)',
        "stdin": "1; 2 | 3",
        "args": ["--count", "3", "input.txt"],
        "limits": {"memory_mb": 128},
    }
    assert check_call("code.run", args) == []


def test_code_calls_are_recognised_by_name_or_code_argument() -> None:
    assert is_code_call("code.run", {})
    assert is_code_call("shell.exec", {})
    assert is_code_call("custom", {"code": "x"})
    assert not is_code_call("fs.read", {"path": "a"})
    assert check_call("web.search", {"q": "a; b"}) == []
