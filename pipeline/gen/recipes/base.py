"""What a recipe returns, and the helpers every recipe shares."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from pipeline.gen.context import Ctx
from pipeline.gen.details import detail
from pipeline.gen.episode import Episode
from pipeline.gen.repo import Repo
from pipeline.gen.requests import probe_ask
from pipeline.world.model import Fault, Page, World


@dataclass
class Outcome:
    """A recipe's item: the user's request, the session, the answer's sentences, the intent."""

    request: str
    episode: Episode
    sentences: list[str]
    intent: dict[str, Any]
    # Findings of the pages the world holds, by address (for answers about them).
    notes: dict[str, Any] = field(default_factory=dict)
    # A sentence said before the answer's sentences that uses no tool result (a repair
    # of the user's input): part of the answer, not an integration span.
    preface: str = ""

    @property
    def answer(self) -> str:
        """The answer as the item writes it: the preface (if any), then the sentences."""
        return " ".join([self.preface, *self.sentences] if self.preface else self.sentences)


def intent(kind: str, *asks: str, **slots: Any) -> dict[str, Any]:
    """The recorded intent: its kind, the operations the request asks for, its slots."""
    return {"kind": kind, "asks": list(asks or (kind,)), "slots": slots}


def probed(
    ctx: Ctx, text: str, why: dict[str, Any], ask: str, **fields: object
) -> tuple[str, dict[str, Any]]:
    """A locale probe's request and intent: the request also asks for the date (and size)
    the answer states the locale's way (`requests.PROBE_ASKS`), the intent records it."""
    if not ctx.probe:
        return text, why
    kind = "published" if ask in ("page", "top") else "modified"
    return f"{text} {probe_ask(ctx.lang, ask, **fields)}", {**why, "asks": [*why["asks"], kind]}


def repo_world(repo: Repo, today: str, faults: tuple[Fault, ...] = ()) -> World:
    return World(today, files=MappingProxyType(dict(repo.files)), faults=faults)


def web_world(
    pages: list[Page],
    today: str,
    redirects: dict[str, str] | None = None,
    faults: tuple[Fault, ...] = (),
) -> World:
    return World(
        today,
        pages=MappingProxyType({p.url: p for p in sorted(pages, key=lambda p: p.url)}),
        redirects=MappingProxyType(dict(redirects or {})),
        faults=faults,
    )


def say_detail(
    ctx: Ctx,
    name: str,
    args: dict[str, Any],
    derived: frozenset[str] = frozenset(),
    *,
    many: bool = False,
) -> str:
    """`many`: the options are stated once for several calls (two files, two snippets)."""
    return detail(name, args, ctx.lang, derived, ctx.num, many=many)


def read_detail(ctx: Ctx, rargs: dict[str, Any]) -> str:
    """A read's options as its request states them: the path is named on its own, or
    picked by the call before."""
    return say_detail(ctx, "fs.read", {k: v for k, v in rargs.items() if k != "path"})


@lru_cache(maxsize=1024)
def _likeness(name: str, candidate: str) -> float:
    # Cached: a recovery scores the same pairs when it picks a typo and when it corrects it.
    return difflib.SequenceMatcher(None, name, candidate).ratio()


@lru_cache(maxsize=1024)
def _likeness_bound(name: str, candidate: str) -> float:
    """An upper bound of `_likeness`: the ratio were every shared character matched.
    difflib's ratio is 2.0 * matches / total lengths, and its matching blocks pair each
    character at most once, so they hold at most the characters both strings share
    (counted with repeats); the same float formula keeps the bound exact."""
    shared = sum((Counter(name) & Counter(candidate)).values())
    return 2.0 * shared / (len(name) + len(candidate)) if name or candidate else 1.0


def closest(name: str, candidates: list[str]) -> str:
    """The candidate most like `name` (difflib's ratio; ties by order).

    Candidates are scored best bound first, and scoring stops at the first whose bound
    (with its place as the tie-break) cannot beat the best ratio so far: the same winner
    as scoring them all, for usually one ratio instead of one per candidate."""
    bounds = sorted(
        ((_likeness_bound(name, c), -i, c) for i, c in enumerate(candidates)), reverse=True
    )
    if not bounds:
        raise ValueError("closest() of no candidates")
    best: tuple[float, int, str] | None = None
    for bound, place, candidate in bounds:
        if best is not None and (bound, place) < best[:2]:
            break
        scored = (_likeness(name, candidate), place, candidate)
        if best is None or scored > best:
            best = scored
    assert best is not None
    return best[2]


def transient(ctx: Ctx, tool: str) -> str:
    wait = ctx.rng.randint(1, 9)
    if tool.startswith("web."):
        return f"RateLimited: too many requests, retry after {wait} s"
    return f"IndexBusy: the search index is rebuilding, retry in {wait} s"
