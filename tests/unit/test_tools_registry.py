"""The tool registry: schema files, validation with jsonschema, the fingerprint."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.tools.registry import Registry, RegistryError, load_directory, load_registry

SCHEMAS = Path(__file__).resolve().parents[2] / "pipeline" / "tools" / "schemas"
SCENARIO_TOOLS = {
    "file_ops": ("fs.read", "fs.list", "fs.search"),
    "web_search": ("web.search", "web.open"),
    "code_exec": ("code.run",),
}


def test_tools_are_openai_functions_sorted_by_name() -> None:
    registry = load_registry()
    names = [t["function"]["name"] for t in registry.tools]
    assert names == sorted(names) == registry.names
    assert {"fs.read", "fs.list", "fs.search", "web.search", "web.open", "code.run"} == set(names)
    for tool in registry.tools:
        assert tool["type"] == "function"
        assert set(tool["function"]) == {"name", "description", "parameters"}
        assert tool["function"]["parameters"]["type"] == "object"
    assert registry.get("fs.read") is registry.tools[names.index("fs.read")]
    assert "fs.read" in registry and "rm.rf" not in registry
    with pytest.raises(KeyError, match=r"unknown tool 'rm\.rf'"):
        registry.get("rm.rf")


def test_fingerprint_is_sha256_of_the_canonical_sorted_json() -> None:
    functions = sorted(
        (json.loads(p.read_text("utf-8")) for p in SCHEMAS.glob("*.json")), key=lambda f: f["name"]
    )
    canonical = json.dumps(functions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert load_registry().sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    # Key order inside a file does not matter; content does.
    shuffled = [dict(reversed(list(f.items()))) for f in reversed(functions)]
    assert Registry(shuffled).sha256 == load_registry().sha256
    changed = json.loads(json.dumps(functions))
    changed[0]["description"] += "!"
    assert Registry(changed).sha256 != load_registry().sha256


def _kinds(schema: dict, required: set[str]) -> set[str]:
    kinds = set()
    for key, prop in schema["properties"].items():
        if key not in required:
            kinds.add("optional")
        if "enum" in prop:
            kinds.add("enum")
        if prop.get("type") in ("integer", "number") and "minimum" in prop and "maximum" in prop:
            kinds.add("range")
        if prop.get("type") == "object":
            kinds.add("nested")
        if prop.get("type") == "array":
            kinds.add("array")
        if prop.get("type") in ("string", "integer", "number", "boolean"):
            kinds.add("scalar")
    return kinds


@pytest.mark.parametrize("scenario", sorted(SCENARIO_TOOLS))
def test_each_scenario_can_express_every_structure(scenario: str) -> None:
    registry = load_registry()
    for name in SCENARIO_TOOLS[scenario]:
        params = registry.parameters(name)
        kinds = _kinds(params, set(params["required"]))
        assert kinds == {"optional", "enum", "range", "nested", "array", "scalar"}, name


def test_validate_reports_readable_errors() -> None:
    registry = load_registry()
    assert registry.validate("web.search", {"q": "kernels", "top_k": 3}) == []
    errors = registry.validate(
        "web.search", {"q": "x", "top_k": 50, "filters": {"site": "evil.test"}}
    )
    assert errors == [
        "$.filters.site: 'evil.test' is not one of ['example.com', 'example.org', 'example.net']",
        "$.top_k: 50 is greater than the maximum of 10",
    ]
    assert registry.validate("fs.read", {}) == ["$: 'path' is a required property"]
    assert registry.validate("fs.read", "{'path': 1}") == [
        "$: \"{'path': 1}\" is not of type 'object'"
    ]
    assert registry.validate("fs.read", {"path": "a", "keys": ["x", 3]}) == [
        "$.keys[1]: 3 is not of type 'string'"
    ]
    assert registry.validate("rm.rf", {}) == ["unknown tool 'rm.rf'"]
    # Only allowlisted sites can be opened.
    assert registry.validate("web.open", {"url": "https://example.org/docs/a-1"}) == []
    assert registry.validate("web.open", {"url": "https://evil.example.com.attacker.test/"})


def _write(directory: Path, name: str, body: object) -> None:
    (directory / f"{name}.json").write_text(json.dumps(body), "utf-8")


def _function(name: str) -> dict:
    return {"name": name, "description": "d", "parameters": {"type": "object", "properties": {}}}


def test_load_directory_rejects_bad_definitions(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="no tool schemas"):
        load_directory(tmp_path)
    (tmp_path / "a.json").write_text("{not json", "utf-8")
    with pytest.raises(RegistryError, match=r"a\.json: unreadable tool schema"):
        load_directory(tmp_path)
    cases = [
        ([], "expected a JSON object"),
        ({"name": "a", "description": "d"}, "parameters: missing"),
        (dict(_function("a"), extra=1), "extra: unknown key"),
        (dict(_function("a"), parameters={"type": "array"}), 'parameters.type: must be "object"'),
        (
            dict(_function("a"), parameters={"type": "object", "properties": {"x": {"type": 5}}}),
            "invalid JSON Schema",
        ),
        (_function("b"), "does not match the file name"),
    ]
    for body, message in cases:
        _write(tmp_path, "a", body)
        with pytest.raises(RegistryError, match=message):
            load_directory(tmp_path)
    _write(tmp_path, "a", _function("a"))
    assert load_directory(tmp_path).names == ["a"]
    with pytest.raises(RegistryError, match="duplicate tool name 'a'"):
        Registry([_function("a"), _function("a")])
