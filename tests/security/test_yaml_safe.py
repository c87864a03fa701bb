"""YAML is only ever read with the safe loader: tags that construct Python objects are
refused without running anything, and hostile structure fails fast with a ParamsError."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
import yaml

from pipeline.params import ParamsError, load_params

# Static scans of the source files: they run no pipeline code, so no mutant can fail them.
pytestmark = pytest.mark.stage

ROOT = Path(__file__).resolve().parents[2]


def params_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.mkdir",
        "!!python/object/new:os.mkdir",
        "!!python/name:os.mkdir",
        "!!python/module:os",
    ],
)
def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path, tag: str) -> None:
    target = tmp_path / "pwned"
    text = f"seed: {tag} [{str(target)!r}]\n"
    with pytest.raises(ParamsError, match=r"params\.yaml: invalid YAML"):
        load_params(params_file(tmp_path, text))
    assert not target.exists()


def billion_laughs(lead: str = "  a{i}: ", levels: int = 10) -> str:
    """Nested anchors: fully expanded, the last one would hold 9**levels strings.

    `lead` starts each line: a mapping entry by default, or "    - " for list items.
    """
    lines = [lead.format(i=0) + "&a0 [" + ", ".join(["lol"] * 9) + "]"]
    for i in range(1, levels):
        lines.append(lead.format(i=i) + f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_under_an_unknown_key_fails_fast(tmp_path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(ParamsError, match=r"params\.yaml: lol: unknown key"):
        load_params(params_file(tmp_path, "lol:\n" + billion_laughs()))
    assert time.perf_counter() - started < 5.0


def test_alias_bomb_inside_typed_fields_fails_on_its_type(tmp_path: Path) -> None:
    started = time.perf_counter()
    # Anchors under a known key of the wrong type, and a typed list that uses them.
    text = "dataset_version:\n" + billion_laughs() + "generate:\n  languages: [*a9]\n"
    with pytest.raises(ParamsError, match="dataset_version: expected str, got dict"):
        load_params(params_file(tmp_path, text))
    # The same bomb built inside the typed list itself.
    inside = "generate:\n  languages:\n" + billion_laughs("    - ")
    with pytest.raises(ParamsError, match=r"generate\.languages\[0\]: expected str, got list"):
        load_params(params_file(tmp_path, inside))
    assert time.perf_counter() - started < 5.0


def dotted_yaml(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id == "yaml"


def yaml_calls(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Attribute) and dotted_yaml(node):
            names.append(node.attr)
    return names


def test_every_yaml_call_in_the_package_is_a_safe_one() -> None:
    allowed = {"safe_load", "safe_load_all", "safe_dump", "safe_dump_all", "YAMLError"}
    used = {
        f"{path.relative_to(ROOT)}:{name}"
        for path in (ROOT / "pipeline").rglob("*.py")
        for name in yaml_calls(path)
        if name not in allowed
    }
    assert used == set()


@pytest.mark.parametrize("name", ["params.yaml", "dvc.yaml"])
def test_the_repository_yaml_files_are_plain_data(name: str) -> None:
    data = yaml.safe_load((ROOT / name).read_text("utf-8"))
    assert isinstance(data, dict)
