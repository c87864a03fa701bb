"""fs.read: a file's text, or the values of some top-level keys of a structured file.

- A symbolic link is followed unless ``follow_symlinks`` is false, which
  fails the way ``open(..., O_NOFOLLOW)`` does; ``resolved`` names the target.
- ``range`` keeps lines start..end (1-based, inclusive; an end past the file
  is cut to it), then ``max_lines`` keeps the first lines of what is left and
  sets ``truncated`` and ``returned``.
- ``keys`` parses the file (YAML, JSON, TOML or INI, each with its own
  parser) and returns ``values`` for the keys it has and ``missing`` for the
  others, instead of the text. An INI key is an option of any section;
  dates and times come back as ISO text, as in any JSON result.
- ``encoding``: the file's UTF-8 bytes decoded as Python would (latin-1
  turns non-ASCII text into mojibake; ascii fails on it).
- ``lines`` is always the whole file's line count, ``size`` its bytes.
"""

from __future__ import annotations

import configparser
import copy
import datetime
import json
import re
import tomllib
from functools import lru_cache
from typing import Any

import yaml

from pipeline.world.model import World
from pipeline.world.paths import Refused, extension, is_dir, normalize, resolve, text_lines

NAME = "fs.read"
STRUCTURED = ("yaml", "yml", "json", "toml", "ini")
# An alias expands to a copy of its anchor's value: nested ones would turn a few
# bytes of untrusted YAML into gigabytes once the values are serialised.
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\]}]")


def _error(message: str) -> dict[str, Any]:
    return {"ok": False, "error": message}


def json_value(value: Any) -> Any:
    """A parsed value as JSON holds it: YAML and TOML dates and times become ISO text."""
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def parse_structured(path: str, content: str) -> dict[str, Any]:
    """The top-level mapping of a structured file; ValueError when it has none.

    A new mapping each call (callers may keep it); the parse itself is cached,
    since a generator or a replay reads the same small file several times."""
    return copy.deepcopy(_parse(extension(path), path, content))


# A flat YAML mapping of the simplest shape, one `key: value` per line, whose keys and
# values resolve without doubt: a plain lowercase word that is not one of YAML 1.1's
# boolean or null words is a str, true/false a bool, a decimal without a leading zero an
# int. That is how every config the generator writes looks, and `_flat_yaml` reads it
# into what `yaml.safe_load` returns (tests compare the two); any other text goes to
# safe_load, which costs a hundred times more per line.
_FLAT_YAML = re.compile(r"(?:[a-z_][a-z0-9_]*: (?:[a-z][a-z0-9_-]*|-?(?:0|[1-9][0-9]*))\n)+")
_YAML_WORDS = frozenset(("yes", "no", "on", "off", "null", "true", "false"))


def _flat_yaml(content: str) -> dict[str, Any] | None:
    """What `yaml.safe_load` returns for `content` when it has the flat shape, else None."""
    if not _FLAT_YAML.fullmatch(content):
        return None
    data: dict[str, Any] = {}
    for line in content.splitlines():
        key, value = line.split(": ")
        if key in _YAML_WORDS or key in data:
            return None  # a key that resolves to another type, or a repeated key
        if value[0].isalpha():
            if value in ("true", "false"):
                data[key] = value == "true"
            elif value in _YAML_WORDS:
                return None
            else:
                data[key] = value
        else:
            data[key] = int(value)
    return data


@lru_cache(maxsize=4096)
def _parse(ext: str, path: str, content: str) -> dict[str, Any]:
    if ext in ("yaml", "yml") and _ALIAS.search(content):
        raise ValueError(f"cannot parse {path}: YAML aliases are not supported")
    try:
        if ext in ("yaml", "yml"):
            flat = _flat_yaml(content)
            data = flat if flat is not None else yaml.safe_load(content)
        elif ext == "json":
            data = json.loads(content)
        elif ext == "toml":
            data = tomllib.loads(content)
        else:
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(content)
            data = {}
            for section in parser.sections():
                for key, value in parser.items(section):
                    data.setdefault(key, value)
    except (yaml.YAMLError, ValueError, configparser.Error) as exc:
        raise ValueError(f"cannot parse {path}: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise ValueError(f"cannot parse {path}: no top-level mapping")
    return data


def decode(content: str, encoding: str) -> str:
    """The file's text as ``encoding`` reads it; UnicodeDecodeError as Python raises it.

    Files are stored as UTF-8 bytes: latin-1 reads any byte, so non-ASCII
    text comes back as mojibake ("é" as "Ã©"), exactly as Python would.
    """
    raw = content.encode("utf-8")
    return raw.decode(encoding)


def execute(world: World, args: dict[str, Any]) -> dict[str, Any]:
    given = args["path"]
    try:
        path = normalize(given)
    except Refused as exc:
        return _error(str(exc))
    entry = world.files.get(path)
    if entry is None:
        if is_dir(world.files, path):
            return _error(f"IsADirectoryError: [Errno 21] Is a directory: {given!r}")
        return _error(f"FileNotFoundError: [Errno 2] No such file or directory: {given!r}")
    if entry.link is not None and args.get("follow_symlinks") is False:
        return _error(f"OSError: [Errno 40] Too many levels of symbolic links: {given!r}")
    target = resolve(world.files, path)
    if target is None:
        return _error(f"FileNotFoundError: [Errno 2] No such file or directory: {given!r}")
    try:
        text = decode(target.content, args.get("encoding", "utf-8"))
    except UnicodeDecodeError as exc:
        return _error(f"UnicodeDecodeError: {exc}")
    lines = text_lines(text)
    result: dict[str, Any] = {"ok": True, "path": path}
    if target.path != path:
        result["resolved"] = target.path
    result.update(lines=len(lines), size=target.size, modified=target.modified)
    if "encoding" in args:
        result["encoding"] = args["encoding"]
    if "keys" in args:
        if extension(target.path) not in STRUCTURED:
            return _error(f"ValueError: keys needs a YAML, JSON, TOML or INI file, not {given!r}")
        try:
            data = parse_structured(target.path, text)
        except ValueError as exc:
            return _error(f"ValueError: {exc}")
        result["values"] = {k: json_value(data[k]) for k in args["keys"] if k in data}
        missing = [k for k in args["keys"] if k not in data]
        if missing:
            result["missing"] = missing
        return result
    shown = lines
    if "range" in args:
        start, end = args["range"]["start"], args["range"]["end"]
        if start > len(lines) or end < start:
            return _error(
                f"ValueError: range {start}-{end} is outside the file ({len(lines)} lines)"
            )
        shown = lines[start - 1 : end]
        result["range"] = [start, min(end, len(lines))]
    limit = args.get("max_lines")
    if limit is not None and len(shown) > limit:
        shown = shown[:limit]
        result["truncated"] = True
        result["returned"] = limit
    result["content"] = "\n".join(shown)
    return result
