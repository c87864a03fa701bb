"""Arguments with the item's structure, chosen so that the call has something to show.

One builder per tool. The structure decides which optional argument a call
carries (nested_args an object, arrays a list, enums an enum value,
numeric_ranges a bounded number, optional_keys an optional key, flat_args
none); the world decides its value, so a filter keeps some files, a line
range starts on content, a window holds a section.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.gen.context import Ctx
from pipeline.gen.reading import extension
from pipeline.gen.repo import Repo
from pipeline.gen.site import SITES
from pipeline.world.code_run import Program
from pipeline.world.fs_read import STRUCTURED, parse_structured
from pipeline.world.model import Page, World
from pipeline.world.paths import text_lines
from pipeline.world.web_open import render

ENCODINGS = ("utf-8", "latin-1", "ascii")
EXCLUDE_TERMS = ("forum", "video", "beta", "podcast", "webinar", "slides", "jobs", "archive")


# Numbers of two digits or more: a one-digit limit beside a one-digit value is too
# common to read as a leak (the check ignores them too).
_INTEGER = re.compile(r"(?<!\d)[1-9]\d+(?!\d)")


def _integers(*texts: str) -> set[int]:
    return {int(x) for text in texts for x in _INTEGER.findall(text)}


def _apart(ctx: Ctx, low: int, high: int, taken: set[int]) -> int:
    """A limit in [low, high] that is none of the `taken` values the world holds: "at most
    68 matches" beside a setting of 68 that a later call carries read as the user stating
    a value only a response gives (R18: a prompt_leak the check rightly found). A draw
    that collides is drawn again (rarely: the ranges are wide)."""
    n = ctx.rng.randint(low, high)
    for _ in range(64):
        if n not in taken:
            break
        n = ctx.rng.randint(low, high)
    return n


def read_args(ctx: Ctx, world: World, path: str, *, whole: bool = False) -> dict[str, Any]:
    """fs.read of `path`; `whole` keeps every line (a later step needs them all)."""
    rng, s = ctx.rng, ctx.structure
    f = world.files[path]
    target = world.files.get(f.link) if f.link else f
    assert target is not None
    lines = text_lines(target.content)
    args: dict[str, Any] = {"path": path}
    if s == "nested_args":
        starts = [i for i, line in enumerate(lines, 1) if line.strip() not in ("", "{", "}")]
        start = 1 if whole else rng.choice(starts[:-1] or starts)
        end = len(lines) if whole else rng.randint(min(start + 1, len(lines)), len(lines))
        args["range"] = {"start": start, "end": end}
    elif s == "arrays" and extension(target.path) in STRUCTURED:
        keys = list(parse_structured(target.path, target.content))
        args["keys"] = rng.sample(keys, min(len(keys), rng.randint(2, 3)))
    elif s == "enums":
        args["encoding"] = rng.choice(ENCODINGS)
    elif s == "numeric_ranges":
        short = not whole and len(lines) > 3 and ctx.chance(0.4)
        taken = _integers(target.content)
        args["max_lines"] = (
            _apart(ctx, 2, len(lines) - 1, taken) if short else _apart(ctx, len(lines), 2000, taken)
        )
    elif s == "optional_keys":
        args["follow_symlinks"] = True if f.link else ctx.chance(0.5)
    return args


def list_args(ctx: Ctx, repo: Repo, world: World, directory: str) -> dict[str, Any]:
    rng, s = ctx.rng, ctx.structure
    own = [p for p in repo.in_dir(directory) if not p.rsplit("/", 1)[1].startswith(".")]
    args: dict[str, Any] = {"dir": directory}
    if s == "nested_args":
        sizes = sorted(world.files[p].size for p in own if world.files[p].link is None)
        low = sizes[rng.randrange(len(sizes))]
        high = sizes[rng.randint(sizes.index(low), len(sizes) - 1)]
        args["size"] = {
            "min_bytes": max(0, low - rng.randint(0, 40)),
            "max_bytes": high + rng.randint(0, 400),
        }
    elif s == "arrays":
        present = sorted({extension(p) for p in own})
        args["extensions"] = rng.sample(present, min(len(present), rng.randint(1, 2)))
    elif s == "enums":
        args["sort"] = rng.choice(("name", "size", "mtime"))
    elif s == "numeric_ranges":
        args["recursive"] = True
        args["max_depth"] = rng.randint(1, 3)
    elif s == "optional_keys":
        args["pattern"] = f"*.{extension(rng.choice(own))}"
    return args


def search_args(ctx: Ctx, repo: Repo, pattern: str, home: str) -> dict[str, Any]:
    """fs.search for `pattern`, which a file under `home` holds."""
    rng, s = ctx.rng, ctx.structure
    args: dict[str, Any] = {"pattern": pattern}
    if s == "nested_args":
        args["options"] = {"case_sensitive": ctx.chance(0.6), "context_lines": rng.randint(1, 3)}
    elif s == "arrays":
        args["paths"] = (
            [home]
            if ctx.chance(0.5)
            else [home, repo.sibling if home != repo.sibling else repo.main]
        )
    elif s == "enums":
        # A whole-word search needs word characters at both ends to match at all.
        wordy = (pattern[:1].isalnum() or pattern[:1] == "_") and (
            pattern[-1:].isalnum() or pattern[-1:] == "_"
        )
        args["mode"] = rng.choice(("literal", "word")) if wordy else "literal"
    elif s == "numeric_ranges":
        taken = _integers(*(f.content for f in repo.files.values()))
        args["max_results"] = _apart(ctx, 1, 200, taken)
    elif s == "optional_keys":
        args["include_hidden"] = ctx.chance(0.5)
    return args


def web_search_args(
    ctx: Ctx, q: str, top: Page, world: World, *, listing: bool = True
) -> dict[str, Any]:
    """web.search for `q` whose filters keep the page `top`. A user who asks for the
    top k results wants to see them: `listing=False` (a search that only picks a
    page to open) never sets `top_k`."""
    rng, s = ctx.rng, ctx.structure
    args: dict[str, Any] = {"q": q}
    if s == "nested_args":
        age = world.days_before_today(top.published)
        args["filters"] = {"site": top.site}
        if age + 7 <= 365:
            args["filters"]["recency_days"] = rng.randint(age + 7, min(365, age + 120))
    elif s == "arrays":
        args["exclude"] = rng.sample(EXCLUDE_TERMS, rng.randint(1, 3))
    elif s == "enums":
        args["lang"] = top.lang
    elif s == "numeric_ranges" and listing:
        args["top_k"] = rng.randint(2, 6)
    elif s == "optional_keys":
        args["safe"] = ctx.chance(0.7)
    return args


def web_open_args(ctx: Ctx, page: Page, url: str) -> dict[str, Any]:
    rng, s = ctx.rng, ctx.structure
    args: dict[str, Any] = {"url": url}
    if s == "nested_args":
        lines = render(page, page.sections, False)
        offset = rng.choice([i for i in range(1, len(lines) - 1) if lines[i] == ""])
        args["window"] = {"offset": offset, "length": rng.randint(3, 12)}
    elif s == "arrays":
        heads = [x.heading for x in page.sections]
        args["sections"] = sorted(rng.sample(heads[1:], rng.randint(1, 2)), key=heads.index)
    elif s == "enums":
        args["format"] = rng.choice(("text", "markdown"))
    elif s == "numeric_ranges":
        first = len(page.title) + len(page.sections[0].heading) + len(page.sections[0].text) + 4
        args["max_chars"] = rng.randint(max(200, first), 20000)
    elif s == "optional_keys":
        args["include_links"] = ctx.chance(0.5)
    return args


def code_args(ctx: Ctx, program: Program, *, timeout: float | None = None) -> dict[str, Any]:
    rng, s = ctx.rng, ctx.structure
    args: dict[str, Any] = {"language": program.language, "code": program.code}
    if program.source == "args":
        args["args"] = [str(v) for v in program.values]
    elif program.source == "stdin":
        args["stdin"] = ",".join(str(v) for v in program.values)
    # A limit that equals one of the program's values would read, in the request, as the
    # user stating a value the program only gets from an earlier result.
    taken = set(program.values)
    if s == "nested_args":
        memory = rng.choice([m for m in (128, 256, 512, 1024) if m not in taken] or [2048])
        args["limits"] = {
            "memory_mb": memory,
            "cpu_s": rng.choice([c for c in range(1, 31) if c not in taken]),
        }
    elif s == "numeric_ranges":
        args["timeout_s"] = rng.choice([t for t in range(2, 121) if t not in taken])
    if timeout is not None:
        args["timeout_s"] = timeout
    return args


def source_for(structure: str) -> str:
    """How a program gets its integers: arrays pass them as arguments, optional_keys on stdin."""
    return {"arrays": "args", "optional_keys": "stdin"}.get(structure, "literal")


def site_choice(ctx: Ctx) -> str:
    return ctx.rng.choice(SITES)
