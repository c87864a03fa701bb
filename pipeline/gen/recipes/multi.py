"""multi_step recipes: values found by one tool, computed on by another.

- find a config (search or list), read it, add up or take the largest of its
  integer settings with a program;
- read a CSV table and add up one column;
- search the web, open the top page, apply its reported cut to the user's
  baseline (in the metric's own unit).

The program's data always comes from an earlier response (in its code, its
arguments or its stdin); the request never states it.
"""

from __future__ import annotations

from typing import Any

from pipeline.gen import listing_answers, read_answers, web_answers
from pipeline.gen.args import code_args, read_args, search_args, source_for, web_open_args
from pipeline.gen.code_requests import OPS
from pipeline.gen.context import Ctx
from pipeline.gen.corrections import clamp_sentence
from pipeline.gen.episode import Episode
from pipeline.gen.lang import join_list, locale_figure, quoted
from pipeline.gen.reading import column, extension
from pipeline.gen.recipes.base import (
    Outcome,
    intent,
    probed,
    read_detail,
    repo_world,
    say_detail,
    transient,
    web_world,
)
from pipeline.gen.recipes.code import LANGUAGE_NAMES
from pipeline.gen.recipes.files import missing_file
from pipeline.gen.recipes.web import pages_for, query
from pipeline.gen.repo import Repo, draw_repo
from pipeline.gen.requests import request
from pipeline.gen.site import BASELINES, finding_clause
from pipeline.gen.topics import METRICS, draw_topic, topic_fields, unit_name
from pipeline.world import execute
from pipeline.world.code_run import Program
from pipeline.world.fs_read import parse_structured
from pipeline.world.model import Fault, World
from pipeline.world.paths import text_lines

RESULTS = {
    "sum": {
        "en": "their sum, computed with {L},",
        "es": "su suma, calculada con {L},",
        "de": "ihre Summe, mit {L} berechnet,",
        "fr": "leur somme, calculée avec {L},",
    },
    "max": {
        "en": "the largest, found with {L},",
        "es": "el mayor, hallado con {L},",
        "de": "der größte Wert, mit {L} ermittelt,",
        "fr": "la plus grande valeur, trouvée avec {L},",
    },
}
SETTINGS = {
    "en": "the integer settings {x}",
    "es": "los ajustes con valor entero {x}",
    "de": "die ganzzahligen Einstellungen {x}",
    "fr": "les paramètres entiers {x}",
}
# A read cut to some keys: "holds the integer settings a and b; the largest is ..." named
# a maximum over two keys as the file's, while the search had shown a larger one (R16
# audit, UF). The answer says the settings are the ones asked for.
SETTINGS_ASKED = {
    "en": "the integer settings asked for, {x}",
    "es": "los ajustes con valor entero pedidos, {x}",
    "de": "die angefragten ganzzahligen Einstellungen {x}",
    "fr": "les paramètres entiers demandés, {x}",
}
VALUES = {
    "en": "the values {x}",
    "es": "los valores {x}",
    "de": "die Werte {x}",
    "fr": "les valeurs {x}",
}
COLUMN = {
    "en": "The {c} column of {p}",
    "es": "La columna {c} de {p}",
    "de": "Die Spalte {c} in {p}",
    "fr": "La colonne {c} de {p}",
}
DERIVED = frozenset({"args", "stdin"})


def _ints(repo: Repo, result: dict[str, Any]) -> list[tuple[str, int]]:
    """The integer settings a read returned (booleans are not numbers)."""
    if "values" in result:
        items = list(result["values"].items())
    else:
        path = result.get("resolved", result["path"])
        body = repo.bodies.get(path)
        if body is not None and body.text == result["content"] + "\n":
            # The whole text of a config the repository wrote: its settings are known
            # without parsing (INI's strings of digits are its integers).
            return list(body.ints_by_key().items())
        items = list(parse_structured(path, result["content"]).items())
    return [
        (k, int(v))
        for k, v in items
        if isinstance(v, int | str) and str(v).lstrip("-").isdigit() and not isinstance(v, bool)
    ]


def _compute(
    ctx: Ctx, ep: Episode, values: list[int], op: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    language = ctx.rng.choice(("python", "javascript"))
    prog = Program(language, source_for(ctx.structure), op, tuple(values))
    args = code_args(ctx, prog)
    return ep.call("code.run", args), args


def _value(ctx: Ctx, result: dict[str, Any]) -> str:
    """A computed value as the answer states it in prose: the language's way."""
    out = str(result["stdout"])
    return out if ctx.lang == "en" else locale_figure(out, ctx.lang)


def _result_phrase(ctx: Ctx, op: str, args: dict[str, Any]) -> str:
    return RESULTS[op][ctx.lang].format(L=LANGUAGE_NAMES[args["language"]])


def _read_ints(ctx: Ctx, world: World, path: str) -> dict[str, Any]:
    args = read_args(ctx, world, path, whole=True)
    if "keys" in args:
        ints = [
            k
            for k, v in parse_structured(path, world.files[path].content).items()
            if isinstance(v, int) and not isinstance(v, bool)
        ]
        args["keys"] = ctx.rng.sample(ints, min(len(ints), ctx.rng.randint(2, 3)))
    return args


def config_sum(ctx: Ctx, faulty: bool = False, bounded: int | None = None) -> Outcome:
    """Search (or list) -> read -> compute; `faulty` makes the first call fail once
    (a busy index, or the mistyped file of a list-then-read)."""
    while True:
        repo = draw_repo(ctx.rng, ctx.today, need=("config",), min_ints=2, link=False)
        plain = repo_world(repo, ctx.today)
        planned = _search_for(ctx, repo, plain)
        if planned is not None:
            break
    op = ctx.rng.choice(("sum", "max"))
    # Probes, like the episode's calls, are valid by construction: no schema check.
    listing = execute(plain, "fs.list", {"dir": repo.main}, at=-1, checked=False)
    listed_first = _first_of_kind_with_ints(repo, plain, [e["path"] for e in listing["results"]])
    # A failing first call is a busy search index; a listing needs a config it can name.
    use_search = faulty or bounded is not None or listed_first is None or ctx.chance(0.5)
    faults = (Fault(0, "fs.search", transient(ctx, "fs.search")),) if faulty else ()
    world = repo_world(repo, ctx.today, faults)
    ep = ctx.episode(world)
    sentences: list[str] = []
    if use_search:
        sargs = planned
        pattern = str(sargs["pattern"])
        asked = dict(sargs)
        if bounded is not None:
            asked["max_results"], sargs["max_results"] = bounded, 200
        if faults:
            ep.call("fs.search", sargs, cause="transient")
        found = ep.call("fs.search", sargs, asked=asked)
        target = found["results"][0]["path"]
        sentences += listing_answers.search(ctx, found, sargs)
        lead = {"key": "multi.search", "pattern": pattern, "d": say_detail(ctx, "fs.search", asked)}
    else:
        largs = {"dir": repo.main}
        listed = ep.call("fs.list", largs)
        target = str(listed_first)
        sentences.append(listing_answers.listing(ctx, listed, largs))
        lead = {"key": "multi.list", "dir": repo.main, "d": "", "fmt": f".{extension(target)}"}
    rargs = _read_ints(ctx, world, target)
    read = ep.call("fs.read", rargs)
    pairs = _ints(repo, read)
    result, cargs = _compute(ctx, ep, [v for _, v in pairs], op)
    settings = SETTINGS_ASKED if "keys" in rargs else SETTINGS
    values = settings[ctx.lang].format(x=read_answers.pairs_text(ctx, pairs))
    sentences.append(
        ctx.say(
            "code.values",
            source=target,
            values=values,
            result=_result_phrase(ctx, op, cargs),
            out=_value(ctx, result),
        )
    )
    sentences += read_answers.file_probe(ctx, read)
    if bounded is not None:
        sentences.append(
            clamp_sentence(ctx, "fs.search", bounded, 200, ep.calls[0].result, sentences)
        )
    why = intent("compute", "search" if use_search else "list", "read", "compute")
    text, why = probed(ctx, _chain_request(ctx, lead, rargs, cargs, op), why, "that")
    return Outcome(text, ep, sentences, why)


def _has_ints(repo: Repo, world: World, path: str) -> bool:
    f = world.files[path]
    if f.link or extension(path) not in ("yaml", "yml", "json", "toml", "ini"):
        return False
    body = repo.bodies.get(path)
    if body is not None:
        # The repository's own config: its parse is known without parsing (a dotfile is not).
        return body.parsed_ints() >= 2
    data = parse_structured(path, f.content)
    return sum(1 for v in data.values() if isinstance(v, int) and not isinstance(v, bool)) >= 2


def _search_for(ctx: Ctx, repo: Repo, world: World) -> dict[str, Any] | None:
    """Search arguments (a whole line of a config, the item's options) whose first
    match is in a config with two integer settings; None when the repository has none."""
    configs = [b.file.path for b in repo.of_kind("config", repo.main) if len(b.ints_by_key()) >= 2]
    for path in configs:
        lines = [x.strip().rstrip(",") for x in text_lines(world.files[path].content)]
        lines = [x for x in lines if x and x not in ("{", "}") and not x.startswith("[")]
        for line in ctx.rng.sample(lines, len(lines)):
            args = search_args(ctx, repo, line, repo.main)
            first = execute(world, "fs.search", args, at=-1, checked=False)
            if (
                first.get("ok")
                and first["results"]
                and _has_ints(repo, world, first["results"][0]["path"])
            ):
                return args
    return None


def _first_of_kind_with_ints(repo: Repo, world: World, listed: list[str]) -> str | None:
    """The first listed file of an extension whose first file has two integer settings:
    "read the first .yaml file" must mean the file that is read."""
    seen: set[str] = set()
    for path in listed:
        ext = extension(path)
        if ext not in seen:
            seen.add(ext)
            if _has_ints(repo, world, path):
                return path
    return None


def _chain_request(
    ctx: Ctx, lead: dict[str, Any], rargs: dict[str, Any], cargs: dict[str, Any], op: str
) -> str:
    key = lead.pop("key")
    language = LANGUAGE_NAMES[cargs["language"]]
    d2 = read_detail(ctx, rargs)
    d3 = say_detail(ctx, "code.run", cargs, DERIVED)
    return request(
        ctx.rng,
        key,
        ctx.lang,
        **lead,
        d2=d2,
        d3=d3,
        language=language,
        op=OPS[op][ctx.lang].format(language=language),
    )


def column_sum(ctx: Ctx, faulty: bool = False) -> Outcome:
    """Read a CSV (recovering from a mistyped name when `faulty`), add up one column."""
    repo = draw_repo(ctx.rng, ctx.today, need=("table",))
    world = repo_world(repo, ctx.today)
    ep = ctx.episode(world)
    sentences: list[str] = []
    if faulty:
        asked, disclose, read = missing_file(ctx, repo, world, ep, "table")
        sentences.append(disclose)
    else:
        asked = ctx.rng.choice(repo.of_kind("table", repo.main)).file.path
        rargs = read_args(ctx, world, asked, whole=True)
        rargs.pop("keys", None)
        read = ep.call("fs.read", rargs)
    rargs = ep.calls[0].arguments
    lines = text_lines(str(read["content"]))
    name = ctx.rng.choice(lines[0].split(","))
    values = column(lines, name)
    result, cargs = _compute(ctx, ep, values, "sum")
    sentences.append(
        ctx.say(
            "code.values",
            source=COLUMN[ctx.lang].format(c=name, p=read["path"]),
            values=VALUES[ctx.lang].format(x=join_list([str(v) for v in values], ctx.lang)),
            result=_result_phrase(ctx, "sum", cargs),
            out=_value(ctx, result),
        )
    )
    sentences += read_answers.file_probe(ctx, read)
    text = request(
        ctx.rng,
        "multi.column",
        ctx.lang,
        path=asked,
        column=name,
        d=read_detail(ctx, rargs),
        d2=say_detail(ctx, "code.run", cargs, DERIVED),
        language=LANGUAGE_NAMES[cargs["language"]],
    )
    why = intent("compute", "read", "compute", path=asked, column=name)
    text, why = probed(ctx, text, why, "file")
    return Outcome(text, ep, sentences, why)


def baseline(ctx: Ctx, faulty: bool = False) -> Outcome:
    """Search -> open the top page -> apply its cut to the user's baseline, in its unit."""
    topic = draw_topic(ctx.rng, metric=ctx.rng.choice([m for m, u in METRICS.items() if u]))
    unit = METRICS[topic.metric]
    assert unit is not None
    pages, findings = pages_for(ctx, topic, ctx.rng.randint(0, 2))
    faults = (Fault(0, "web.search", transient(ctx, "web.search")),) if faulty else ()
    world = web_world(pages, ctx.today, faults=faults)
    q = query(topic, ctx.lang)
    ep = ctx.episode(world)
    sargs = {"q": q}
    if faulty:
        ep.call("web.search", sargs, cause="transient")
    top = world.pages[ep.call("web.search", sargs)["results"][0]["url"]]
    oargs = web_open_args(ctx, top, top.url)
    oargs.pop("sections", None)
    oargs.pop("window", None)
    opened = ep.call("web.open", oargs)
    finding = findings[top.url]
    low, high = BASELINES[unit]
    base = ctx.rng.randint(low, high)
    language = ctx.rng.choice(("python", "javascript"))
    prog = Program(language, source_for(ctx.structure), "pct_left", (base, finding.pct))
    cargs = code_args(ctx, prog)
    result = ep.call("code.run", cargs)
    sentence = ctx.say(
        "web.baseline",
        title=quoted(top.title, ctx.lang),
        url=top.url,
        finding=finding_clause(finding, ctx.lang, fronted=True),
        base=ctx.num(base),
        unit=unit_name(unit, ctx.lang),
        out=_value(ctx, result),
    )
    text = request(
        ctx.rng,
        "multi.baseline",
        ctx.lang,
        **topic_fields(topic, ctx.lang),
        d="",
        d2=say_detail(ctx, "web.open", {k: v for k, v in oargs.items() if k != "url"}),
        d3=say_detail(ctx, "code.run", cargs, DERIVED),
        language=LANGUAGE_NAMES[language],
        base=ctx.num(base),
        unit=unit_name(unit, ctx.lang),
    )
    # The user asked to open the page with its links: the answer names them.
    links = web_answers.web_links(ctx, opened, oargs)
    sentences = [sentence, *links, *web_answers.page_probe(ctx, top.published)]
    text, why = probed(ctx, text, intent("compute", "search", "compute", q=q), "page")
    return Outcome(text, ep, sentences, why)


def multi(ctx: Ctx) -> Outcome:
    roll = ctx.rng.random()
    if roll < 0.5:
        return config_sum(ctx)
    return column_sum(ctx) if roll < 0.75 else baseline(ctx)


def recover(ctx: Ctx) -> Outcome:
    roll = ctx.rng.random()
    if roll < 0.4:
        return config_sum(ctx, faulty=True)
    return column_sum(ctx, faulty=True) if roll < 0.7 else baseline(ctx, faulty=True)
