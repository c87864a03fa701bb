"""Argument safety: paths that escape the workspace, shell injection in code calls.

Arguments are only ever read as data here: nothing is resolved against the
file system and nothing is executed. A path argument must stay inside the
repository workspace (relative, no `..` segment, no other scheme than
`repo://`), after percent-decoding, with either slash as a separator. A
code-execution call must not reach a shell: its program must not call the
shell-spawning APIs of Python or JavaScript, and its command-line arguments
must not carry shell metacharacters.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

# Argument names that hold workspace paths, at any depth.
PATH_KEYS = frozenset(
    {"path", "paths", "dir", "directory", "file", "files", "src", "dst", "cwd", "root"}
)
# String arguments of a code call that are program text or program input, not argv.
CODE_TEXT_KEYS = frozenset({"code", "stdin", "language"})
REPO_SCHEME = "repo://"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?://|\\\\)")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SEPARATORS = re.compile(r"[/\\]")
SHELL_SPAWN = re.compile(
    r"\bos\s*\.\s*(?:system|popen|exec\w*|spawn\w*|posix_spawn\w*)\s*\("
    r"|\bsubprocess\b|\bpty\s*\.\s*spawn|\bcommands\s*\.\s*getoutput"
    r"|__import__\s*\(\s*['\"](?:os|subprocess|pty)['\"]"
    r"|\bshell\s*=\s*True"
    r"|\bchild_process\b|\b(?:execSync|spawnSync|execFileSync)\s*\("
    r"|require\s*\(\s*['\"]shelljs['\"]|\bprocess\s*\.\s*binding\s*\("
)
SHELL_META = re.compile(r"[;&|`<>\n\r\x00]|\$[({]")

Finding = tuple[str, str]


def path_problem(value: str) -> str | None:
    """Why a path argument escapes the workspace, or None when it stays inside."""
    text = value
    for _ in range(2):  # percent-encoding, also doubly encoded (%252e%252e)
        text = unquote(text)
    if unquote(text) != text:
        # No real path is encoded three times; a tool that decodes once more would
        # see whatever is hidden there, so it is not trusted either way.
        return "percent-encoded more than twice"
    if "\x00" in text:
        return "NUL byte in path"
    if text.lower().startswith(REPO_SCHEME):
        text = text[len(REPO_SCHEME) :]
    elif _SCHEME.match(text):
        return "path with a scheme other than repo://"
    if text.startswith(("/", "\\", "~")) or _DRIVE.match(text):
        return "absolute path"
    if ".." in _SEPARATORS.split(text):
        return "path traversal (..)"
    return None


def _path_values(arguments: Any, key: str | None = None) -> list[str]:
    """Every string under a path-named argument, at any depth, in order."""
    found: list[str] = []
    _add_paths(arguments, key, found)
    return found


def _add_paths(value: Any, key: str | None, into: list[str]) -> None:
    # A call into the walk per container only: arguments are mostly flat strings.
    if isinstance(value, dict):
        for name, child in value.items():
            if isinstance(child, str):
                if name in PATH_KEYS:
                    into.append(child)
            elif isinstance(child, dict | list):
                _add_paths(child, name, into)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, str):
                if key in PATH_KEYS:
                    into.append(child)
            elif isinstance(child, dict | list):
                _add_paths(child, key, into)
    elif isinstance(value, str) and key in PATH_KEYS:
        into.append(value)


def is_code_call(name: str, arguments: Any) -> bool:
    return name.startswith(("code.", "shell.")) or (
        isinstance(arguments, dict) and isinstance(arguments.get("code"), str)
    )


def _argv_values(arguments: Any) -> list[str]:
    """Every string argument that is not program text or program input, in order."""
    found: list[str] = []
    _add_argv(arguments, found)
    return found


def _add_argv(value: Any, into: list[str]) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            if name in CODE_TEXT_KEYS:
                continue
            if isinstance(child, str):
                into.append(child)
            elif isinstance(child, dict | list):
                _add_argv(child, into)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, str):
                into.append(child)
            elif isinstance(child, dict | list):
                _add_argv(child, into)
    elif isinstance(value, str):
        into.append(value)


def check_call(name: str, arguments: Any) -> list[Finding]:
    """Safety findings for one call: `unsafe_path` and `shell_injection`."""
    findings: list[Finding] = []
    for value in _path_values(arguments):
        problem = path_problem(value)
        if problem is not None:
            findings.append(("unsafe_path", f"{name}: {problem}: {value[:60]!r}"))
    if is_code_call(name, arguments) and isinstance(arguments, dict):
        code = arguments.get("code")
        if isinstance(code, str):
            match = SHELL_SPAWN.search(code)
            if match:
                findings.append(("shell_injection", f"{name}: code calls {match.group()!r}"))
        for value in _argv_values(arguments):
            match = SHELL_META.search(value)
            if match:
                findings.append(
                    (
                        "shell_injection",
                        f"{name}: metacharacter {match.group()!r} in {value[:60]!r}",
                    )
                )
    return findings
