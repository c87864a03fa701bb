"""Workspace paths: normalising what a call names, and the rules every fs tool shares.

Paths are repository-relative with ``/`` separators. A path that leaves the
workspace (absolute, ``..``, a drive, a NUL) is refused with a PermissionError
result and never looked up: tool arguments are data, not instructions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pipeline.world.model import File


class Refused(ValueError):
    """A path argument the workspace does not accept; the message is the tool's error."""


def normalize(path: str) -> str:
    """``./src//auth/`` -> ``src/auth``; refuses anything outside the workspace."""
    if "\x00" in path or path.startswith(("/", "\\", "~")) or (len(path) > 1 and path[1] == ":"):
        raise Refused(f"PermissionError: {path!r} is outside the workspace")
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Refused(f"PermissionError: {path!r} is outside the workspace")
    return "/".join(parts)


def hidden(relative: str) -> bool:
    """A path with a component that starts with a dot (``.env``, ``.github/ci.yml``)."""
    # A component starts with a dot where the path does or where a "/" is followed by one.
    return relative.startswith(".") or "/." in relative


def under(files: Mapping[str, File], directory: str) -> Iterator[tuple[str, File]]:
    """(path relative to `directory`, file) for every file below it, in path order."""
    prefix = f"{directory}/" if directory else ""
    for path in sorted(files):
        if path.startswith(prefix):
            yield path[len(prefix) :], files[path]


def is_dir(files: Mapping[str, File], directory: str) -> bool:
    return directory == "" or any(p.startswith(f"{directory}/") for p in files)


def extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[1] if "." in name.lstrip(".") else ""


def resolve(files: Mapping[str, File], path: str) -> File | None:
    """The file a path names after following links (None for a dangling or looping link)."""
    seen: set[str] = set()
    current = files.get(path)
    while current is not None and current.link is not None:
        if current.path in seen:
            return None
        seen.add(current.path)
        current = files.get(current.link)
    return current


def text_lines(content: str) -> list[str]:
    """Lines of a file's text; a final newline does not start another line."""
    if not content:
        return []
    return content.split("\n")[:-1] if content.endswith("\n") else content.split("\n")
