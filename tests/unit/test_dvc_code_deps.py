"""Every module a DVC stage can run is one of that stage's deps.

`dvc repro` re-runs a stage only when a dep changes: a module the stage imports
but does not list would change the stage's outputs with `dvc status` saying all
is up to date, and the committed lock would no longer be what the code makes.
The imports are read statically from the stage's entry module (every import in
every reachable module, those inside functions too, since they run when that
code runs; not those under ``if TYPE_CHECKING:``, which never run).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
PACKAGE = "pipeline"


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of `tree` except what sits under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            test = child.test if isinstance(child, ast.If) else None
            if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
                stack.extend(child.orelse)
                continue
            stack.append(child)


def module_file(name: str) -> Path | None:
    """The file that defines module `name`, or None when `name` is not a module."""
    base = ROOT.joinpath(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _imported(path: Path, name: str) -> set[str]:
    """The package's module names an import in `path` (module `name`) may load."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # `from pipeline.x import y` loads module pipeline.x.y when y is one.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m == PACKAGE or m.startswith(PACKAGE + ".")}


def closure(entry: str) -> set[Path]:
    """The files of every package module that running module `entry` can import,
    each module's parent packages included (importing a.b.c runs a and a.b)."""
    seen: dict[str, Path] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            path = module_file(prefix)
            if path is None or prefix in seen:
                continue
            seen[prefix] = path
            todo.extend(_imported(path, prefix))
    main = module_file(entry)
    if main is not None and main.name == "__init__.py":
        # `python -m package` runs its __main__.
        todo_main = ROOT.joinpath(*entry.split("."), "__main__.py")
        if todo_main.is_file():
            seen[entry + ".__main__"] = todo_main
    return set(seen.values())


def _stages(dvc_file: Path) -> Iterator[tuple[str, str, list[str]]]:
    """(stage name, entry module, deps relative to the repository root)."""
    stages = yaml.safe_load(dvc_file.read_text(encoding="utf-8"))["stages"]
    for stage_name, stage in stages.items():
        found = re.match(r"python -m ([\w.]+)", " ".join(str(stage["cmd"]).split()))
        if found is None or not found.group(1).startswith(PACKAGE):
            continue
        wdir = (dvc_file.parent / stage.get("wdir", ".")).resolve()
        deps = [str((wdir / d).resolve().relative_to(ROOT)) for d in stage.get("deps", [])]
        yield stage_name, found.group(1), deps


STAGES = [
    (f"{dvc_file.parent.name}:{name}", entry, deps)
    for dvc_file in (ROOT / "dvc.yaml", ROOT / "sharded" / "dvc.yaml")
    for name, entry, deps in _stages(dvc_file)
]


def test_every_stage_that_runs_package_code_is_checked() -> None:
    names = {name.split(":")[1] for name, _, _ in STAGES}
    assert {"tokenizer", "generate", "extract", "verify", "generate_shard", "merge"} <= names


@pytest.mark.parametrize(("stage", "entry", "deps"), STAGES, ids=[s[0] for s in STAGES])
def test_a_stage_lists_every_module_it_can_run(stage: str, entry: str, deps: list[str]) -> None:
    def listed(path: Path) -> bool:
        relative = path.relative_to(ROOT).as_posix()
        return any(relative == d or relative.startswith(d.rstrip("/") + "/") for d in deps)

    missing = sorted(p.relative_to(ROOT).as_posix() for p in closure(entry) if not listed(p))
    assert missing == [], f"{stage} runs {entry} but does not list: {missing}"


def test_the_closure_follows_imports_inside_functions_and_skips_type_checking() -> None:
    # extract imports its stage module inside main(), lazily: it is followed.
    files = {p.relative_to(ROOT).as_posix() for p in closure("pipeline.extract")}
    assert "pipeline/targets/stage.py" in files
    assert "pipeline/__init__.py" in files
    assert "pipeline/verify.py" not in files
    # The export names extract's row type for the type checker only: verify, which
    # reads the export's schema for the card, runs none of the extractor's code.
    judged = {p.relative_to(ROOT).as_posix() for p in closure("pipeline.verify")}
    assert "pipeline/export.py" in judged
    assert not {"pipeline/targets/build.py", "pipeline/formats/ingest.py"} & judged
