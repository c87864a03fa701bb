"""The world an item's tools run in: files, pages, redirects and scheduled faults.

A world is plain JSON (it travels in ``metadata.world``), read back into an
immutable `World` with every field checked, so a replay of untrusted data
fails with a `WorldError` that names the field instead of a traceback.

    {"today": "2024-11-20",
     "files": {"src/auth/config.yaml": {"content": "port: 8080\\n", "modified": "2024-10-02"},
               "src/auth/current.yaml": {"link": "src/auth/config.yaml", "modified": "..."}},
     "pages": {"https://example.org/blog/x-12": {"title", "published", "lang",
               "sections": [{"heading", "text"}], "links": [...], "safe": true}},
     "redirects": {"https://example.org/old-3": "https://example.org/blog/x-12"},
     "faults": [{"at": 0, "tool": "web.search", "error": "RateLimited: ..."}]}

A fault is the service's state over time: the call at session position
``at`` fails with ``error`` when it goes to ``tool``. That keeps every tool a
pure function of (world, name, arguments, position).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# An address as the generator writes it: urlsplit would find the http(s) scheme and this
# (non-empty, ASCII, port- and user-free) host in it, so it is not parsed to know that.
_PLAIN_ADDRESS = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9._~/-]*)?")
MAX_REDIRECTS = 5


class WorldError(ValueError):
    """A world that cannot be used, naming the field."""


@dataclass(frozen=True)
class File:
    path: str
    modified: str
    content: str = ""
    link: str | None = None  # a symbolic link to another path

    @property
    def size(self) -> int:
        # ASCII text has a byte per character (isascii and len take constant time);
        # any other is encoded to count its bytes.
        content = self.content
        return len(content) if content.isascii() else len(content.encode("utf-8"))


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    published: str
    lang: str
    sections: tuple[Section, ...]
    links: tuple[str, ...] = ()
    safe: bool = True

    @property
    def site(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def snippet(self) -> str:
        """What a search result shows: the first section's text."""
        return self.sections[0].text if self.sections else ""


@dataclass(frozen=True)
class Fault:
    at: int
    tool: str
    error: str


@dataclass(frozen=True)
class World:
    today: str
    files: Mapping[str, File] = field(default_factory=lambda: MappingProxyType({}))
    pages: Mapping[str, Page] = field(default_factory=lambda: MappingProxyType({}))
    redirects: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    faults: tuple[Fault, ...] = ()

    def fault(self, at: int, tool: str) -> Fault | None:
        return next((f for f in self.faults if f.at == at and f.tool == tool), None)

    def days_before_today(self, iso: str) -> int:
        return (date.fromisoformat(self.today) - date.fromisoformat(iso)).days

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"today": self.today}
        if self.files:
            out["files"] = {p: _file_json(f) for p, f in self.files.items()}
        if self.pages:
            out["pages"] = {u: _page_json(p) for u, p in self.pages.items()}
        if self.redirects:
            out["redirects"] = dict(self.redirects)
        if self.faults:
            out["faults"] = [{"at": f.at, "tool": f.tool, "error": f.error} for f in self.faults]
        return out

    @classmethod
    def from_json(cls, data: Any) -> World:
        obj = _mapping(data, "world")
        today = obj.get("today")
        if not (isinstance(today, str) and _is_date(today)):
            today = _date(today, "world.today")
        # A field's name (a repr) is built only when its value fails: a world is read
        # for every item it is replayed for, and is nearly always valid.
        files: dict[str, File] = {}
        for p, v in _mapping(obj.get("files", {}), "world.files").items():
            files[p if isinstance(p, str) else _text(p, f"world.files key {p!r}")] = _file(p, v)
        pages: dict[str, Page] = {}
        for u, v in _mapping(obj.get("pages", {}), "world.pages").items():
            pages[_address(u, "world.pages key")] = _page(u, v)
        redirects: dict[str, str] = {}
        for k, v in _mapping(obj.get("redirects", {}), "world.redirects").items():
            key = _address(k, "world.redirects key")
            redirects[key] = (
                v
                if isinstance(v, str) and _is_address(v)
                else _address(v, f"world.redirects[{k!r}]")
            )
        return cls(
            today=today,
            files=MappingProxyType(files),
            pages=MappingProxyType(pages),
            redirects=MappingProxyType(redirects),
            faults=tuple(
                _fault(f, f"world.faults[{i}]")
                for i, f in enumerate(_list(obj.get("faults", []), "world.faults"))
            ),
        )


def _file_json(f: File) -> dict[str, Any]:
    if f.link is not None:
        return {"link": f.link, "modified": f.modified}
    return {"content": f.content, "modified": f.modified}


def _page_json(p: Page) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": p.title,
        "published": p.published,
        "lang": p.lang,
        "sections": [{"heading": s.heading, "text": s.text} for s in p.sections],
    }
    if p.links:
        out["links"] = list(p.links)
    if not p.safe:
        out["safe"] = False
    return out


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WorldError(f"{where}: expected an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise WorldError(f"{where}: expected a list")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise WorldError(f"{where}: expected a string")
    return value


def _address(value: Any, where: str) -> str:
    """An absolute http(s) address: search filters and redirects need its host."""
    text = _text(value, where)
    if not _is_address(text):
        raise WorldError(f"{where}: expected an http(s) address, got {text!r}")
    return text


@lru_cache(maxsize=65536)
def _is_address(text: str) -> bool:
    """Whether `_address` accepts a string (cached: the worlds' addresses recur)."""
    if _PLAIN_ADDRESS.fullmatch(text):
        return True
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _date(value: Any, where: str) -> str:
    text = _text(value, where)
    if not ISO_DATE.match(text):
        raise WorldError(f"{where}: expected an ISO date (YYYY-MM-DD), got {text!r}")
    try:
        date.fromisoformat(text)
    except ValueError as exc:
        raise WorldError(f"{where}: {exc}") from None
    return text


@lru_cache(maxsize=4096)
def _is_date(text: str) -> bool:
    """Whether `_date` accepts a string (cached: a world's dates come from a few days)."""
    try:
        _date(text, "")
    except WorldError:
        return False
    return True


# A world is read for every item it is replayed for, and is nearly always valid: `_file`
# and `_page` check a value in one pass and only when that fails run the checks that
# name the field (building every field's name up front costs more than the checks).


def _file(path: str, value: Any) -> File:
    if isinstance(value, dict):
        modified = value.get("modified")
        if isinstance(modified, str) and _is_date(modified):
            if "link" in value:
                if isinstance(value["link"], str):
                    return File(path, modified, link=value["link"])
            elif isinstance(value.get("content"), str):
                return File(path, modified, content=value["content"])
    return _named_file(path, value, f"world.files[{path!r}]")


def _named_file(path: str, value: Any, where: str) -> File:
    obj = _mapping(value, where)
    modified = _date(obj.get("modified"), f"{where}.modified")
    if "link" in obj:
        return File(path, modified, link=_text(obj["link"], f"{where}.link"))
    return File(path, modified, content=_text(obj.get("content"), f"{where}.content"))


def _page(url: str, value: Any) -> Page:
    if isinstance(value, dict):
        raw_sections, links = value.get("sections", []), value.get("links", [])
        title, published, lang = value.get("title"), value.get("published"), value.get("lang")
        safe = value.get("safe", True)
        sections: list[Section] = []
        if isinstance(raw_sections, list):
            for s in raw_sections:
                if not isinstance(s, dict):
                    break
                heading, text = s.get("heading"), s.get("text")
                if not (isinstance(heading, str) and isinstance(text, str)):
                    break
                sections.append(Section(heading, text))
        if (
            isinstance(raw_sections, list)
            and len(sections) == len(raw_sections)
            and isinstance(links, list)
            and all(isinstance(link, str) for link in links)
            and isinstance(safe, bool)
            and isinstance(title, str)
            and isinstance(published, str)
            and _is_date(published)
            and isinstance(lang, str)
        ):
            return Page(url, title, published, lang, tuple(sections), tuple(links), safe)
    return _named_page(url, value, f"world.pages[{url!r}]")


def _named_page(url: str, value: Any, where: str) -> Page:
    obj = _mapping(value, where)
    sections = tuple(
        Section(
            _text(
                _mapping(s, f"{where}.sections[{i}]").get("heading"),
                f"{where}.sections[{i}].heading",
            ),
            _text(s.get("text"), f"{where}.sections[{i}].text"),
        )
        for i, s in enumerate(_list(obj.get("sections", []), f"{where}.sections"))
    )
    links = tuple(
        _text(link, f"{where}.links[{i}]")
        for i, link in enumerate(_list(obj.get("links", []), f"{where}.links"))
    )
    safe = obj.get("safe", True)
    if not isinstance(safe, bool):
        raise WorldError(f"{where}.safe: expected a boolean")
    return Page(
        url=url,
        title=_text(obj.get("title"), f"{where}.title"),
        published=_date(obj.get("published"), f"{where}.published"),
        lang=_text(obj.get("lang"), f"{where}.lang"),
        sections=sections,
        links=links,
        safe=safe,
    )


def _fault(value: Any, where: str) -> Fault:
    obj = _mapping(value, where)
    at = obj.get("at")
    if not isinstance(at, int) or isinstance(at, bool) or at < 0:
        raise WorldError(f"{where}.at: expected a non-negative integer")
    return Fault(
        at, _text(obj.get("tool"), f"{where}.tool"), _text(obj.get("error"), f"{where}.error")
    )
