"""No eval, exec, pickle, shell=True or unsafe YAML anywhere in pipeline/.

Checked twice, independently: an AST scan of our own (which also sees through
aliases such as `from yaml import load`), and bandit, which CI and the
security metric rely on and which must find no high or medium issue.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import orjson
import pytest

from pipeline.quality import security
from pipeline.quality.tools import python_module, run_tool

# Static scans of the source files: they run no pipeline code, so no mutant can fail them.
pytestmark = pytest.mark.stage

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pipeline"
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve"}
UNSAFE_BUILTINS = {"eval", "exec"}
UNSAFE_YAML = {"load", "load_all", "unsafe_load", "unsafe_load_all", "full_load", "full_load_all"}
UNSAFE_YAML_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader"}
SHELL_FUNCTIONS = {("os", "system"), ("os", "popen"), ("os", "spawnl"), ("os", "execl")}
# bandit tests for exactly these patterns; they must not appear even behind `# nosec`.
FORBIDDEN_BANDIT_IDS = {"B102", "B307", "B301", "B403", "B506", "B602", "B604", "B605"}


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def problems(source: str, name: str = "<snippet>") -> list[str]:
    """Every unsafe construct in one module, as `name:line: what`."""
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> "module.attr" it was imported as
    for node in ast.walk(ast.parse(source)):
        where = f"{name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in UNSAFE_MODULES:
                    found.append(f"{where}: imports {alias.name}")
                aliases[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in UNSAFE_MODULES:
                found.append(f"{where}: imports from {node.module}")
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call):
            target = dotted(node.func)
            head, _, rest = target.partition(".")
            resolved = f"{aliases[head]}.{rest}".rstrip(".") if head in aliases else target
            module, _, attr = resolved.rpartition(".")
            if resolved in UNSAFE_BUILTINS:
                found.append(f"{where}: calls {resolved}()")
            if module == "yaml" and attr in UNSAFE_YAML:
                found.append(f"{where}: calls yaml.{attr}() (use yaml.safe_load)")
            if (module, attr) in SHELL_FUNCTIONS:
                found.append(f"{where}: calls {resolved}() (runs a shell)")
            if attr == "read_pickle":
                found.append(f"{where}: calls {resolved}()")
            for keyword in node.keywords:
                truthy = isinstance(keyword.value, ast.Constant) and bool(keyword.value.value)
                if keyword.arg in {"shell", "allow_pickle"} and not (
                    isinstance(keyword.value, ast.Constant) and not truthy
                ):
                    found.append(f"{where}: {keyword.arg}= is not literally False")
        elif (
            isinstance(node, ast.Attribute)
            and dotted(node.value) == "yaml"
            and node.attr in UNSAFE_YAML_LOADERS
        ):
            found.append(f"{where}: uses yaml.{node.attr}")
    return found


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_package_has_modules_to_scan() -> None:
    assert len(package_files()) >= 10


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_unsafe_construct_in_module(path: Path) -> None:
    assert problems(path.read_text("utf-8"), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize(
    ("snippet", "what"),
    [
        ("eval('1')", "calls eval()"),
        ("exec(code)", "calls exec()"),
        ("import pickle", "imports pickle"),
        ("from dill import loads", "imports from dill"),
        ("import marshal as m", "imports marshal"),
        ("import yaml\nyaml.load(t)", "calls yaml.load()"),
        ("import yaml\nyaml.load(t, Loader=yaml.Loader)", "uses yaml.Loader"),
        ("from yaml import load\nload(t)", "calls yaml.load()"),
        ("import yaml as y\ny.unsafe_load(t)", "calls yaml.unsafe_load()"),
        ("import subprocess\nsubprocess.run('ls', shell=True)", "shell= is not literally False"),
        ("import subprocess as sp\nsp.Popen(c, shell=flag)", "shell= is not literally False"),
        ("import os\nos.system('ls')", "calls os.system() (runs a shell)"),
        ("from os import popen\npopen('ls')", "calls os.popen() (runs a shell)"),
        ("import numpy\nnumpy.load(f, allow_pickle=True)", "allow_pickle= is not literally False"),
        ("import pandas as pd\npd.read_pickle(f)", "calls pandas.read_pickle()"),
    ],
)
def test_the_scan_catches_each_unsafe_construct(snippet: str, what: str) -> None:
    found = problems(snippet)
    assert found and any(what in line for line in found), found


@pytest.mark.parametrize(
    "snippet",
    [
        "import yaml\nyaml.safe_load(t)",
        "import yaml\nyaml.safe_dump(d)",
        "import subprocess\nsubprocess.run(['ls'], shell=False)",
        "import orjson\norjson.loads(b)",
        "model.eval()",  # a method called eval is not the builtin
    ],
)
def test_the_scan_leaves_safe_code_alone(snippet: str) -> None:
    assert problems(snippet) == []


def bandit_report(*extra: str) -> dict[str, object]:
    result = run_tool(python_module("bandit", "-r", str(PACKAGE), "-f", "json", "-q", *extra))
    report = orjson.loads(result.stdout)
    assert isinstance(report, dict)
    return report


def test_bandit_finds_no_high_or_medium_issue() -> None:
    counts = security.bandit_counts(bandit_report())
    assert (counts["high"], counts["medium"], counts["errors"]) == (0, 0, 0), counts


def test_no_suppression_hides_a_forbidden_pattern() -> None:
    report = bandit_report("--ignore-nosec")
    results = report["results"]
    assert isinstance(results, list)
    hidden = [r for r in results if r["test_id"] in FORBIDDEN_BANDIT_IDS]
    assert hidden == []


NOSEC = re.compile(r"#\s*nosec\b(.*)")


def test_every_nosec_names_the_bandit_test_it_skips() -> None:
    blanket = []
    for path in package_files():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            match = NOSEC.search(line)
            if match and not re.match(r"\s*B\d{3}", match.group(1)):
                blanket.append(f"{path.relative_to(ROOT)}:{number}")
    assert blanket == []


def test_no_todo_or_fixme_is_left_in_the_package() -> None:
    marker = re.compile(r"\b(TODO|FIXME|XXX)\b")
    left = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in package_files()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if marker.search(line)
    ]
    assert left == []


def test_this_interpreter_runs_the_checks() -> None:
    # The scans run with the project's interpreter, so they see its bandit version.
    assert python_module("bandit")[0] == sys.executable
