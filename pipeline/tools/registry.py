"""The tool registry: one JSON Schema file per tool, validated with jsonschema.

Each file in `schemas/` is one tool in the OpenAI function format
(``{"name", "description", "parameters"}``) and is named after the tool. The
registry's fingerprint is the sha256 of the canonical JSON of all function
definitions as a list sorted by name:
``json.dumps(functions, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
encoded as UTF-8. Datasets carry it in their header, so a changed schema is
detected downstream.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

SCHEMA_SUFFIX = ".json"


class RegistryError(ValueError):
    """A tool definition that cannot be used, naming its file and field."""


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _error_path(error: Any) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _check_function(function: Any, source: str) -> dict[str, Any]:
    if not isinstance(function, dict):
        raise RegistryError(f"{source}: expected a JSON object")
    for key, kind in (("name", str), ("description", str), ("parameters", dict)):
        if not isinstance(function.get(key), kind):
            raise RegistryError(f"{source}: {key}: missing or not a {kind.__name__}")
    unknown = sorted(set(function) - {"name", "description", "parameters", "strict"})
    if unknown:
        raise RegistryError(f"{source}: {unknown[0]}: unknown key in a function definition")
    if function["parameters"].get("type") != "object":
        raise RegistryError(f'{source}: parameters.type: must be "object"')
    try:
        Draft202012Validator.check_schema(function["parameters"])
    except SchemaError as exc:
        raise RegistryError(f"{source}: parameters: invalid JSON Schema: {exc.message}") from exc
    return function


class Registry:
    """Tools by name, their validators and the registry fingerprint."""

    def __init__(self, functions: list[dict[str, Any]]) -> None:
        ordered = sorted(functions, key=lambda f: f["name"])
        names = [f["name"] for f in ordered]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise RegistryError(f"duplicate tool name {duplicates[0]!r}")
        self.functions = ordered
        self.tools: list[dict[str, Any]] = [{"type": "function", "function": f} for f in ordered]
        self._by_name = {t["function"]["name"]: t for t in self.tools}
        self._validators = {f["name"]: Draft202012Validator(f["parameters"]) for f in ordered}
        self.sha256 = hashlib.sha256(canonical_json(ordered).encode("utf-8")).hexdigest()

    @property
    def names(self) -> list[str]:
        return list(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> dict[str, Any]:
        """The tool in OpenAI format (``{"type": "function", "function": {...}}``)."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"unknown tool {name!r} (known: {', '.join(self.names)})") from None

    def parameters(self, name: str) -> dict[str, Any]:
        parameters: dict[str, Any] = self.get(name)["function"]["parameters"]
        return parameters

    def validate(self, name: str, arguments: Any) -> list[str]:
        """Readable schema errors of one call's arguments; empty when valid."""
        validator = self._validators.get(name)
        if validator is None:
            return [f"unknown tool {name!r}"]
        errors = sorted(validator.iter_errors(arguments), key=lambda e: list(e.absolute_path))
        return [f"{_error_path(e)}: {e.message}" for e in errors]


def load_directory(directory: str | os.PathLike[str]) -> Registry:
    """A registry from every ``*.json`` file of a directory (file stem = tool name)."""
    directory = Path(directory)
    functions = []
    for path in sorted(directory.glob(f"*{SCHEMA_SUFFIX}")):
        try:
            function = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RegistryError(f"{path}: unreadable tool schema: {exc}") from exc
        function = _check_function(function, str(path))
        if function["name"] != path.name[: -len(SCHEMA_SUFFIX)]:
            raise RegistryError(f"{path}: name: {function['name']!r} does not match the file name")
        functions.append(function)
    if not functions:
        raise RegistryError(f"{directory}: no tool schemas found")
    return Registry(functions)


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """The project's tools (cached per process; treat the result as read-only)."""
    return load_directory(Path(str(resources.files("pipeline.tools").joinpath("schemas"))))
