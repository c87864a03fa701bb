"""web_search recipes: search, open (moved pages included), search then open, compare, recover.

The world holds the pages of the topic on several hosts and pages of other
topics of the same domain; what a search returns is what `web.search`
ranks, and answers name the page they quote.
"""

from __future__ import annotations

from typing import Any

from pipeline.gen import relations, web_answers
from pipeline.gen.args import web_open_args, web_search_args
from pipeline.gen.context import Ctx
from pipeline.gen.lang import quoted
from pipeline.gen.recipes.base import Outcome, intent, probed, say_detail, transient, web_world
from pipeline.gen.requests import request
from pipeline.gen.site import (
    Finding,
    distinct_title,
    distractors,
    draw_finding,
    make_page,
    page_url,
)
from pipeline.gen.topics import (
    METRIC_NAMES,
    Topic,
    bare,
    draw_topic,
    metric_object,
    technique_name,
    technique_with,
    topic_fields,
)
from pipeline.world.model import Fault, Page, World


def query(topic: Topic, lang: str) -> str:
    """What a user types: the technique and the product, in the user's words."""
    return f"{bare(topic.technique, lang)} {topic.subject}"


def pages_for(ctx: Ctx, topic: Topic, extra: int = 1) -> tuple[list[Page], dict[str, Finding]]:
    """The topic's main page (first), `extra` other pages on it, and distractors."""
    findings: dict[str, Finding] = {}
    pages = []
    for i in range(1 + extra):
        finding = draw_finding(ctx.rng, topic)
        page = make_page(ctx.rng, finding, ctx.lang, ctx.today)
        if i == 0 or page.url not in findings:
            pages.append(page)
            findings[page.url] = finding
    for page, finding in distractors(ctx.rng, topic, ctx.lang, ctx.today, ctx.rng.randint(2, 5)):
        if page.url not in findings:
            pages.append(page)
            findings[page.url] = finding
    return linked(ctx, pages), findings


def _finding(findings: dict[str, Finding], url: str) -> Finding:
    return findings[url]


def linked(ctx: Ctx, pages: list[Page]) -> list[Page]:
    """Each page links to one to three others (what `include_links` returns); no two
    pages have the same title (the first keeps its own)."""
    out = []
    titles: set[str] = set()
    for page in pages:
        title = distinct_title(page.title, page.lang, titles)
        titles.add(title)
        others = [p.url for p in pages if p.url != page.url]
        chosen = ctx.rng.sample(others, min(len(others), ctx.rng.randint(1, 3)))
        # The page again with its links, built field by field: `dataclasses.replace`
        # walks the fields by name and costs twice a page (a test checks they agree).
        out.append(
            Page(page.url, title, page.published, page.lang, page.sections,
                 tuple(chosen), page.safe)
        )  # fmt: skip
    return out


def search_answer(
    ctx: Ctx,
    result: dict[str, Any],
    findings: dict[str, Finding],
    listed: bool,
    sources: bool = False,
) -> list[str]:
    """The listing when asked for, the top finding, and up to two more results on the
    same topic with `sources` (the user asked what sources say) or when they disagree
    with the top one."""
    top = result["results"][0]
    # One result is named once: "the only result, X, reports ..." lists it too.
    out = [web_answers.web_results(ctx, result)] if listed and len(result["results"]) > 1 else []
    out.append(web_answers.web_top(ctx, result, _finding(findings, top["url"]), listed))
    # The date belongs to the top result: said right after it, before other sources.
    out += web_answers.page_probe(ctx, top["published"])
    same = findings[top["url"]].topic
    others = [
        e
        for e in result["results"][1:]
        if (findings[e["url"]].topic.technique, findings[e["url"]].topic.subject)
        == (same.technique, same.subject)
    ][:2]
    if sources or (not listed and disagree(findings, top, others)):
        contrasted = False
        given = {findings[top["url"]].pct}
        for i, e in enumerate(others):
            far = disagree(findings, top, [e])
            pct = findings[e["url"]].pct
            out.append(
                web_answers.web_also(
                    ctx, e, findings[e["url"]], i == 1, far, contrasted, repeats=pct in given
                )
            )
            contrasted = contrasted or far
            given.add(pct)
    return out


# Points between two results' figures beyond which the top one alone is no "main
# finding": 46% against 71% and 72% presented an outlier as the result (R13 audit).
SPREAD = 10


def disagree(
    findings: dict[str, Finding], top: dict[str, Any], others: list[dict[str, Any]]
) -> bool:
    pct = findings[top["url"]].pct
    return any(abs(findings[e["url"]].pct - pct) > SPREAD for e in others)


def _search(ctx: Ctx, faults: tuple[Fault, ...] = ()) -> Outcome:
    topic = draw_topic(ctx.rng)
    pages, findings = pages_for(ctx, topic, ctx.rng.randint(0, 2))
    world = web_world(pages, ctx.today, faults=faults)
    q = query(topic, ctx.lang)
    args = web_search_args(ctx, q, pages[0], world)
    ep = ctx.episode(world)
    if faults:
        ep.call("web.search", args, cause="transient")
    result = ep.call("web.search", args)
    asked = ep.calls[-1].asked
    listed = "top_k" in asked
    sources = not listed and ctx.chance(0.5)
    key = "web.list" if listed else ("web.sources" if sources else "web.search")
    text = request(
        ctx.rng,
        key,
        ctx.lang,
        **topic_fields(topic, ctx.lang),
        d=say_detail(ctx, "web.search", asked),
    )
    why = intent("list", "list", "summarise", q=q) if listed else intent("summarise", q=q)
    text, why = probed(ctx, text, why, "top")
    return Outcome(text, ep, search_answer(ctx, result, findings, listed, sources), why)


def _open(ctx: Ctx) -> Outcome:
    topic = draw_topic(ctx.rng)
    pages, findings = pages_for(ctx, topic, 0)
    page = pages[0]
    redirects = {}
    asked = page.url
    if ctx.chance(0.25):
        asked = page_url(ctx.rng, topic, page.site)
        if asked != page.url:
            redirects[asked] = page.url
    world = web_world(pages, ctx.today, redirects)
    ep = ctx.episode(world)
    result = ep.call("web.open", web_open_args(ctx, page, asked))
    sentences = web_answers.web_open(ctx, result, findings[page.url], ep.calls[0].arguments)
    if "redirected_from" in result:
        sentences.insert(0, ctx.say("err.redirect", asked=asked, url=result["url"]))
    text = request(
        ctx.rng,
        "web.open",
        ctx.lang,
        url=asked,
        d=say_detail(ctx, "web.open", {k: v for k, v in ep.calls[0].asked.items() if k != "url"}),
    )
    text, why = probed(ctx, text, intent("summarise", url=asked), "page")
    return Outcome(text, ep, sentences, why)


def single(ctx: Ctx) -> Outcome:
    return _search(ctx) if ctx.chance(0.7) else _open(ctx)


def _search_then_open(ctx: Ctx) -> Outcome:
    topic = draw_topic(ctx.rng)
    pages, findings = pages_for(ctx, topic, ctx.rng.randint(0, 2))
    world = web_world(pages, ctx.today)
    q = query(topic, ctx.lang)
    sargs = web_search_args(ctx, q, pages[0], world, listing=False)
    ep = ctx.episode(world)
    found = ep.call("web.search", sargs)
    top = found["results"][0]
    page = world.pages[top["url"]]
    oargs = web_open_args(ctx, page, page.url)
    opened = ep.call("web.open", oargs)
    text = request(
        ctx.rng,
        "web.search.open",
        ctx.lang,
        **topic_fields(topic, ctx.lang),
        d=say_detail(ctx, "web.search", sargs),
        d2=say_detail(ctx, "web.open", {k: v for k, v in oargs.items() if k != "url"}),
    )
    sentences = [
        web_answers.web_top(ctx, found, findings[page.url]),
        *web_answers.web_open(ctx, opened, None, oargs, named=True),
    ]
    text, why = probed(ctx, text, intent("chain", "search", "summarise", q=q), "page")
    return Outcome(text, ep, sentences, why)


def _compare(ctx: Ctx) -> Outcome:
    """Two searches with the same options, one per technique, for one product and metric."""
    first = draw_topic(ctx.rng)
    while True:
        other = draw_topic(ctx.rng, first.domain, first.metric)
        if other.technique != first.technique:
            break
    second = Topic(first.domain, other.technique, first.subject, first.metric)
    f1, f2 = draw_finding(ctx.rng, first), draw_finding(ctx.rng, second)
    p1 = make_page(ctx.rng, f1, ctx.lang, ctx.today)
    # The same host for both, so that a site filter keeps both pages.
    p2 = make_page(ctx.rng, f2, ctx.lang, ctx.today, page_url(ctx.rng, second, p1.site))
    pages = [p1, p2]
    findings = {p1.url: f1, p2.url: f2}
    extra = ctx.rng.randint(1, 3)
    for page, finding in distractors(ctx.rng, first, ctx.lang, ctx.today, extra, (second,)):
        if page.url not in findings:
            pages.append(page)
            findings[page.url] = finding
    world = web_world(linked(ctx, pages), ctx.today)
    options = _options(ctx, query(first, ctx.lang), [p1, p2], world)
    ep = ctx.episode(world)
    tops = [
        ep.call("web.search", {"q": query(topic, ctx.lang), **options})["results"][0]
        for topic in (first, second)
    ]
    g1, g2 = findings[tops[0]["url"]], findings[tops[1]["url"]]
    # The comparison is of one metric: a top result about another would be misquoted.
    assert g1.topic.metric == g2.topic.metric == first.metric, (tops, first)
    metric, verb = METRIC_NAMES[first.metric][ctx.lang]
    sentence = ctx.say(
        "web.compare",
        subject=first.subject,
        metric=metric,
        verb=verb,
        p1=g1.pct,
        p2=g2.pct,
        t1=_with(g1.topic.technique, ctx.lang),
        t2=_with(g2.topic.technique, ctx.lang),
        u1=tops[0]["url"],
        u2=tops[1]["url"],
        relation=relations.cut_relation(
            ctx,
            (_with(g1.topic.technique, ctx.lang), g1.pct),
            (_with(g2.topic.technique, ctx.lang), g2.pct),
        ),
    )
    text = request(
        ctx.rng,
        "web.compare",
        ctx.lang,
        subject=first.subject,
        metric=metric_object(first.metric, ctx.lang),
        t1=_named(first.technique, ctx.lang),
        t2=_named(second.technique, ctx.lang),
        d=say_detail(ctx, "web.search", options, many=True),
    )
    return Outcome(text, ep, [sentence], intent("compare", subject=first.subject))


def _options(ctx: Ctx, q: str, keep: list[Page], world: World) -> dict[str, object]:
    """Search options (without the query) whose filters keep every page of `keep`."""
    options = web_search_args(ctx, q, keep[0], world)
    del options["q"]
    filters = options.get("filters")
    if isinstance(filters, dict) and "recency_days" in filters:
        oldest = max(world.days_before_today(p.published) for p in keep)
        if oldest + 7 > 365:
            del filters["recency_days"]  # the user then names the site only
        else:
            filters["recency_days"] = max(filters["recency_days"], oldest + 7)
    if "lang" in options:
        options["lang"] = ctx.lang
    return options


def _named(technique: str, lang: str) -> str:
    """A technique as one option of a question: with its article in es/fr."""
    return technique_name(technique, lang) if lang in ("es", "fr") else bare(technique, lang)


def _with(technique: str, lang: str) -> str:
    return technique_with(technique, lang) if lang == "de" else technique_name(technique, lang)


def multi(ctx: Ctx) -> Outcome:
    # A locale probe needs a date to show, and a top-k option a list: a comparison
    # of two searches has neither, so those items search and open.
    if ctx.probe or ctx.structure == "numeric_ranges" or ctx.chance(0.6):
        return _search_then_open(ctx)
    return _compare(ctx)


def _gone(ctx: Ctx) -> Outcome:
    """The user's address is a 404: say so, search the topic, open what it finds
    with the options the user asked for."""
    topic = draw_topic(ctx.rng)
    pages, findings = pages_for(ctx, topic, ctx.rng.randint(0, 1))
    gone = page_url(ctx.rng, topic)
    while gone in findings:
        gone = page_url(ctx.rng, topic)
    world = web_world(pages, ctx.today)
    options = web_open_args(ctx, pages[0], pages[0].url)
    del options["url"]
    ep = ctx.episode(world)
    failed = ep.call("web.open", {"url": gone, **options}, cause="user")
    q = query(topic, ctx.lang)
    found = ep.call("web.search", {"q": q})
    top = world.pages[found["results"][0]["url"]]
    opened = ep.call("web.open", {"url": top.url, **options})
    disclose = ctx.say(
        "err.gone",
        url=gone,
        error=failed["error"],
        title=quoted(top.title, ctx.lang),
        found=top.url,
    )
    # The disclosure named the substitute by its title and address.
    rest = web_answers.web_open(ctx, opened, findings.get(top.url), options, named=True)
    text = request(ctx.rng, "web.open", ctx.lang, url=gone, d=say_detail(ctx, "web.open", options))
    text, why = probed(ctx, text, intent("summarise", url=gone), "page")
    return Outcome(text, ep, [disclose, *rest], why)


def recover(ctx: Ctx) -> Outcome:
    if ctx.chance(0.5):
        return _search(ctx, (Fault(0, "web.search", transient(ctx, "web.search")),))
    return _gone(ctx)
