"""Web tools (web.search, web.open) on the allowlisted sites only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.gen import pools
from pipeline.gen.context import Ctx, Step
from pipeline.gen.phrases import METRIC_NAMES

EXCLUDE_TERMS = (
    "forum", "video", "beta", "deprecated", "paywall", "2019", "podcast", "webinar",
    "slides", "job", "ads", "archive", "draft", "legacy",
)  # fmt: skip
TITLE_SUFFIXES = (
    "a practical guide", "lessons learned", "benchmarks and numbers", "field notes",
    "what changed", "a deep dive", "notes from production", "an honest review",
)  # fmt: skip


@dataclass
class Topic:
    """What a search found, handed to the page that is opened next."""

    technique: str
    subject: str
    metric: str
    pct: int
    url: str


def _site(url: str) -> str:
    return url.split("/")[2]


def new_topic(ctx: Ctx, site: str | None = None) -> Topic:
    technique, subject = pools.search_query(ctx.rng)
    site = site or ctx.rng.choice(pools.SITES)
    return Topic(
        technique=technique,
        subject=subject,
        metric=ctx.rng.choice(pools.METRICS),
        pct=ctx.rng.randint(5, 80),
        url=pools.page_url(ctx.rng, site, technique, subject),
    )


def finding(ctx: Ctx, topic: Topic) -> str:
    metric = METRIC_NAMES[ctx.lang][topic.metric]
    return ctx.say(
        "sum.web", technique=topic.technique, subject=topic.subject, metric=metric, pct=topic.pct
    )


def query(ctx: Ctx, topic: Topic) -> str:
    base = ctx.say("q.web", technique=topic.technique, subject=topic.subject)
    qualifier = ctx.say("q.qualifier")
    return f"{base} {qualifier}" if qualifier else base


def search_step(ctx: Ctx) -> tuple[Step, Topic]:
    rng = ctx.rng
    args: dict[str, Any] = {}
    site = None
    if ctx.structure == "nested_args":
        site = rng.choice(pools.SITES)
    topic = new_topic(ctx, site)
    args["q"] = query(ctx, topic)
    if site is not None:
        args["filters"] = {"site": site, "recency_days": rng.randint(1, 365)}
    elif ctx.structure == "arrays":
        args["exclude"] = rng.sample(EXCLUDE_TERMS, rng.randint(1, 3))
    elif ctx.structure == "enums":
        args["lang"] = ctx.lang if rng.random() < 0.7 else rng.choice(("en", "es", "de", "fr"))
    elif ctx.structure == "numeric_ranges":
        args["top_k"] = rng.randint(2, 10)
    elif ctx.structure == "optional_keys":
        args["safe"] = rng.random() < 0.6
    shown = min(args.get("top_k", 5), rng.randint(2, 5))
    urls = [topic.url]
    while len(urls) < shown:
        other = site or rng.choice(pools.SITES)
        urls.append(pools.page_url(rng, other, topic.technique, rng.choice(pools.SUBJECTS)))
    count = rng.randint(1200, 98000) if ctx.probe else rng.randint(shown, 950)
    summary = finding(ctx, topic)
    result: dict[str, Any] = {"ok": True, "summary": summary, "count": count, "results": urls}
    sentences = [ctx.say("ans.web", site=_site(topic.url), summary=summary)]
    if ctx.chance(0.6) or ctx.probe:
        sentences.append(ctx.say("ans.web.count", count=ctx.num(count), url=topic.url))
    if ctx.probe:
        published = pools.iso_date(rng)
        result["published"] = published
        sentences.append(
            ctx.say("ans.probe.web", published=ctx.date(published), count=ctx.num(count))
        )
    step = Step(
        "web.search", args, result, sentences=sentences, value=ctx.say("unit.results", n=count)
    )
    return step, topic


def fail_search(ctx: Ctx, step: Step) -> Step:
    error = f"RateLimited: too many requests, retry after {ctx.rng.randint(1, 9)} s"
    return Step("web.search", step.arguments, {"ok": False, "error": error}, ok=False)


def open_step(ctx: Ctx, topic: Topic | None = None) -> tuple[Step, Topic]:
    rng = ctx.rng
    topic = topic or new_topic(ctx)
    args: dict[str, Any] = {"url": topic.url}
    lines = rng.randint(40, 900)
    result: dict[str, Any] = {"ok": True, "url": topic.url}
    if ctx.structure == "nested_args":
        offset = rng.randint(0, lines // 2)
        args["window"] = {"offset": offset, "length": rng.randint(10, 400)}
        result["window"] = [offset, min(lines, offset + args["window"]["length"])]
    elif ctx.structure == "arrays":
        args["sections"] = rng.sample(pools.SECTION_TITLES, rng.randint(1, 3))
        result["sections"] = list(args["sections"])
    elif ctx.structure == "enums":
        args["format"] = rng.choice(("text", "markdown"))
        result["format"] = args["format"]
    elif ctx.structure == "numeric_ranges":
        args["max_chars"] = rng.randint(200, 20000)
    elif ctx.structure == "optional_keys":
        args["include_links"] = rng.random() < 0.5
    title = f"{topic.technique[0].upper()}{topic.technique[1:]} for {topic.subject}: " + rng.choice(
        TITLE_SUFFIXES
    )
    summary = finding(ctx, topic)
    result.update(title=title, lines=lines, summary=summary)
    sentences = [ctx.say("ans.open", title=title, lines=ctx.num(lines), summary=summary)]
    if ctx.probe:
        modified = pools.iso_date(rng)
        size_kb = round(lines * rng.randint(40, 90) / 1024, 2)
        result.update(modified=modified, size_kb=size_kb)
        sentences.append(ctx.say("ans.probe", modified=ctx.date(modified), size=ctx.num(size_kb)))
    step = Step("web.open", args, result, sentences=sentences, value=ctx.say("unit.lines", n=lines))
    return step, topic


def fail_open(ctx: Ctx, step: Step) -> Step:
    assert isinstance(step.arguments, dict)
    url = step.arguments["url"]
    stem, _, number = url.rpartition("-")
    wrong = f"{stem}-{int(number) + ctx.rng.randint(1, 9)}"
    args = dict(step.arguments, url=wrong)
    error = f"HTTP 404: {wrong} has moved to {url}"
    return Step("web.open", args, {"ok": False, "error": error}, ok=False)
