"""Answer sentences composed from what web.search and web.open returned.

Each function takes what a tool returned (never what the generator meant it to
return): the top result's finding and how the others agree with it, every result
of a listing, what an opened page says section by section (with its caveat), its
links when the user asked for them, and its date for a locale probe.
"""

from __future__ import annotations

from typing import Any

from pipeline.gen.context import Ctx
from pipeline.gen.lang import join_list, quoted
from pipeline.gen.site import CAVEATS, Finding, finding_clause


def web_top(ctx: Ctx, result: dict[str, Any], finding: Finding, listed: bool = False) -> str:
    """The top result's finding; after a listing that named it, by reference only."""
    top = result["results"][0]
    if listed and len(result["results"]) > 1:
        return ctx.say(
            "web.top.listed",
            title=quoted(top["title"], ctx.lang),
            finding=finding_clause(finding, ctx.lang),
        )
    key = "web.only" if len(result["results"]) == 1 else "web.top"
    return ctx.say(
        key,
        title=quoted(top["title"], ctx.lang),
        url=top["url"],
        finding=finding_clause(finding, ctx.lang),
    )


def web_also(
    ctx: Ctx,
    entry: dict[str, Any],
    finding: Finding,
    third: bool = False,
    differs: bool = False,
    contrasted: bool = False,
    repeats: bool = False,
) -> str:
    """Another result's finding: set against the top one when `differs` (once: after a
    first contrast, `contrasted`, the next far figure is "yet another"), else added. A
    third source that `repeats` a figure already given "also" reports it: "yet another
    figure: 60%" after a source that said 60% (R18 audit)."""
    if third and repeats:
        key = "web.same"
    elif differs:
        key = "web.differs.more" if contrasted else "web.differs"
    else:
        key = "web.third" if third else "web.also"
    return ctx.say(
        key,
        title=quoted(entry["title"], ctx.lang),
        url=entry["url"],
        finding=finding_clause(finding, ctx.lang),
    )


def page_probe(ctx: Ctx, published: str) -> list[str]:
    return [ctx.say("web.probe", date=ctx.date(published))] if ctx.probe else []


def web_results(ctx: Ctx, result: dict[str, Any]) -> str:
    items = [f"{quoted(r['title'], ctx.lang)} ({r['url']})" for r in result["results"]]
    pages = ctx.count(result["count"], "page")
    if len(items) == result["count"]:
        return ctx.say("web.results.all", pages=pages, items=join_list(items, ctx.lang))
    return ctx.say("web.results", pages=pages, k=len(items), items=join_list(items, ctx.lang))


def web_open(
    ctx: Ctx,
    result: dict[str, Any],
    finding: Finding | None,
    args: dict[str, Any],
    named: bool = False,
) -> list[str]:
    """What an opened page says: the requested sections or window, else its finding,
    else (after a search already gave the finding) its figures. Unless the sentence
    before `named` the page (a search result, a substitute), the first sentence names
    it: after a repair or redirect note, or alone, "Its" had no antecedent (R13)."""
    title = quoted(result["title"], ctx.lang)
    found = _sections(result["content"], bool(result.get("truncated")))
    out = []
    if "sections" in args or "window" in args:
        # After a search gave the finding, the overview would only repeat it. Every
        # other section the window returned is said: a summary that drops the caveat
        # overstates the result (R12 audit).
        fresh = [(h, t) for h, t in found if finding is not None or h not in OVERVIEWS]
        if found and not fresh:
            out.append(_overview_only(ctx, found[0][0], None if named else title))
        else:
            out += _said(ctx, fresh, after=finding is None, title=None if named else title)
        window = result.get("window")
        if window and window[1] < result["lines"]:
            # The caveat is the page's last line: lines that stop before it are a part.
            total = ctx.num(result["lines"])
            out.append(ctx.say("web.window.part", end=window[1], total=total))
        if not found:
            first = next(x for x in result["content"].split("\n") if x.strip())
            ended = first if first.endswith((".", "!", "?")) else f"{first}."
            out.append(ctx.say("web.window", title=title, text=ended))
    elif finding is not None:
        extra = ctx.say("web.cut", n=ctx.num(args["max_chars"])) if result.get("truncated") else ""
        out.append(
            ctx.say(
                "web.open",
                title=title,
                extra=extra,
                finding=finding_clause(finding, ctx.lang),
            )
        )
        # A summary of the page, not of its headline: how it was measured, the figures,
        # and the caveat that qualifies them (what the page kept after a cut).
        out += _said(ctx, found[1:], after=True)
    else:
        # The search already gave the finding (the overview): the rest of the page.
        if found[1:] or not found or found[0][0] not in OVERVIEWS:
            out += _said(ctx, found[1:] or found, after=True, title=None if named else title)
        else:
            out.append(_overview_only(ctx, found[0][0], None if named else title))
        if result.get("truncated"):
            out.append(ctx.say("web.part", n=ctx.num(args["max_chars"])))
    return out + web_links(ctx, result, args) + page_probe(ctx, result["published"])


# Links named in full when the page has a few; past that, the first few and the count.
FEW_LINKS = 4


def web_links(ctx: Ctx, result: dict[str, Any], args: dict[str, Any]) -> list[str]:
    """The links a page returned, when the user asked to open it with them
    (`include_links`): every answer that opened it so names them, a chain that
    computes from the page too (dropping them left part of the request unanswered,
    R15 audit)."""
    links = result.get("links") if args.get("include_links") else None
    if not links:
        return []
    if len(links) <= FEW_LINKS:
        return [ctx.say("web.links", links=join_list(links, ctx.lang))]
    shown = links[: FEW_LINKS - 1]
    return [
        ctx.say(
            "web.links.some",
            n=ctx.num(len(links)),
            k=ctx.num(len(shown)),
            links=join_list(shown, ctx.lang),
        )
    ]


OVERVIEWS = frozenset({"Overview", "Resumen", "Überblick", "Aperçu"})
THE_PAGE = {"en": "the page", "es": "la página", "de": "der Seite", "fr": "la page"}


def _overview_only(ctx: Ctx, heading: str, title: str | None) -> str:
    """What was read of a page whose finding the search gave, when it is only the
    overview that states it: quoting it said the finding twice (R18 audit)."""
    return ctx.say(
        "web.overview.only", page=title or THE_PAGE[ctx.lang], heading=quoted(heading, ctx.lang)
    )


def _section(ctx: Ctx, heading: str, text: str, nth: int = 0, title: str | None = None) -> str:
    """The `nth` section said of a page: "says", then "adds", then "goes on"; a caveat
    after figures qualifies them ("adds" twice read as a list, R12 audit). The first
    names the page by its `title` when one is given."""
    # Spanish sets the full stop after the closing quote.
    es = ctx.lang == "es"
    quote = quoted(text.rstrip("."), ctx.lang) + "." if es else quoted(text, ctx.lang)
    keys = ("web.section", "web.section.next", "web.section.more")
    key = "web.section.caveat" if nth and heading in CAVEATS else keys[min(nth, 2)]
    if key == "web.section" and title is not None:
        return ctx.say(
            "web.section.named", title=title, heading=quoted(heading, ctx.lang), text=quote
        )
    return ctx.say(key, heading=quoted(heading, ctx.lang), text=quote)


def _said(
    ctx: Ctx, found: list[tuple[str, str]], after: bool = False, title: str | None = None
) -> list[str]:
    """Every section in turn. `after` a sentence that gave the finding, a caveat (even
    the first section said) qualifies that finding. A `title` names the page in the
    first sentence (no sentence before named it)."""
    return [
        _section(ctx, h, t, i + 1 if after and h in CAVEATS else i, title if i == 0 else None)
        for i, (h, t) in enumerate(found)
    ]


def _sections(content: str, truncated: bool) -> list[tuple[str, str]]:
    """(heading, text) pairs of a rendered page (text or markdown); a cut last line is no text."""
    lines = content.split("\n")
    if truncated:
        lines = lines[:-1]
    out = []
    for i in range(1, len(lines) - 1):
        if lines[i - 1] == "" and lines[i] and lines[i + 1]:
            out.append((lines[i].removeprefix("## "), lines[i + 1]))
    return out
