"""Answer sentences composed from tool responses: what a careful teacher writes.

Each function takes what a tool returned (never what the generator meant it
to return) and states it in the user's language: every listed item or says
the list is partial, both values and their relation for a comparison, the
computed value for a computation.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from pipeline.gen.context import Ctx
from pipeline.gen.lang import OR, join_list, quoted
from pipeline.gen.reading import FORMAT_NAMES, Reading, extension, read_lines
from pipeline.gen.site import Finding, finding_clause
from pipeline.world.paths import text_lines

SHOW = 5  # items an answer names before it says the rest are not shown
SHOW_ALL = 8  # up to this many, an answer names them all rather than cut the list
WHAT = {
    "pairs": {"en": "set {x}", "es": "definen {x}", "de": "setzen {x}", "fr": "définissent {x}"},
    "names": {
        "en": "define {x}",
        "es": "definen {x}",
        "de": "definieren {x}",
        "fr": "définissent {x}",
    },
    "sections": {
        "en": "cover the sections {x}",
        "es": "cubren las secciones {x}",
        "de": "umfassen die Abschnitte {x}",
        "fr": "couvrent les sections {x}",
    },
    "first": {
        "en": "begin with `{x}`",
        "es": "empiezan con `{x}`",
        "de": "beginnen mit `{x}`",
        "fr": "commencent par `{x}`",
    },
    "quote": {"en": "read {x}", "es": "dicen {x}", "de": "lauten {x}", "fr": "contiennent {x}"},
    "notes": {"en": "list {x}", "es": "enumeran {x}", "de": "nennen {x}", "fr": "énumèrent {x}"},
}
SORTS = {
    "name": {
        "en": " (sorted by name)",
        "es": " (ordenados por nombre)",
        "de": " (nach Namen sortiert)",
        "fr": " (triés par nom)",
    },
    "size": {
        "en": " (sorted by size, largest first)",
        "es": " (ordenados por tamaño, de mayor a menor)",
        "de": " (nach Größe sortiert, die größte zuerst)",
        "fr": " (triés par taille, du plus grand au plus petit)",
    },
    "mtime": {
        "en": " (sorted by date, newest first)",
        "es": " (ordenados por fecha, del más reciente al más antiguo)",
        "de": " (nach Datum sortiert, die neueste zuerst)",
        "fr": " (triés par date, du plus récent au plus ancien)",
    },
}


def pairs_text(ctx: Ctx, pairs: list[tuple[str, Any]]) -> str:
    return join_list([f"{k} = {plain(v)}" for k, v in pairs], ctx.lang)


def plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def ticks(names: list[str], lang: str) -> str:
    return join_list([f"`{n}`" for n in names], lang)


def _what(ctx: Ctx, r: Reading, lines: list[str] | None = None) -> str:
    """What some returned lines hold: their settings, or, for three lines or fewer,
    the lines themselves; else what they define or the first of them."""
    shown = [x.strip() for x in lines or () if x.strip()]
    if r.notes:
        return WHAT["notes"][ctx.lang].format(x=_notes(ctx, r))
    if not r.pairs and 0 < len(shown) <= 3:
        return WHAT["quote"][ctx.lang].format(x=ticks(shown, ctx.lang))
    if r.pairs:
        return WHAT["pairs"][ctx.lang].format(x=pairs_text(ctx, r.pairs))
    if r.kind == "code" and r.names:
        return WHAT["names"][ctx.lang].format(x=ticks(r.names, ctx.lang))
    if r.kind == "doc" and r.names:
        return WHAT["sections"][ctx.lang].format(x=join_list(r.names, ctx.lang))
    return WHAT["first"][ctx.lang].format(x=r.first)


def _whole(ctx: Ctx, path: str, r: Reading, total: int) -> str:
    fmt = FORMAT_NAMES.get(extension(path), "text")
    lines, lines_dat = ctx.count(total, "line"), ctx.count(total, "line", dative=True)
    article = "an" if fmt[0] in "AEIOU" else "a"  # "an INI file", "a YAML file"
    base = {
        "path": path,
        "fmt": fmt,
        "a_fmt": f"{article} {fmt}",
        "lines": lines,
        "lines_dat": lines_dat,
    }
    if r.kind == "config":
        # A few settings are all named, as a short listing is: "3 of 5, among them"
        # reads as if the other two were not worth a word.
        if len(r.pairs) <= SHOW_ALL:
            return ctx.say("read.config", **base, pairs=pairs_text(ctx, r.pairs))
        return ctx.say(
            "read.config.some",
            **base,
            pairs=pairs_text(ctx, r.pairs[:3]),
            settings=ctx.count(len(r.pairs), "setting"),
            settings_dat=ctx.count(len(r.pairs), "setting", dative=True),
        )
    if r.kind == "code":
        return ctx.say("read.code", **base, names=ticks(r.names, ctx.lang))
    if r.kind == "doc":
        n = len(r.names)
        names = _notes(ctx, r) if len(r.notes) == n else join_list(r.names, ctx.lang)
        return ctx.say(
            "read.doc",
            **base,
            names=names,
            sections=ctx.count(n, "section"),
            sections_dat=ctx.count(n, "section", dative=True),
        )
    if r.kind == "table":
        return ctx.say(
            "read.table",
            **base,
            rows=ctx.count(r.rows, "row"),
            rows_dat=ctx.count(r.rows, "row", dative=True),
            names=join_list(r.names, ctx.lang),
        )
    return ctx.say(
        "read.log",
        **base,
        entries=ctx.count(r.entries, "entry"),
        day=ctx.date(r.day),
        errors=_errors(ctx, r.errors),
    )


def _notes(ctx: Ctx, r: Reading) -> str:
    """A document's sections with what each holds: "Testing (20 items), Roadmap (48 items)"."""
    return join_list([f"{name} ({ctx.count(n, 'item')})" for name, n in r.notes], ctx.lang)


def _errors(ctx: Ctx, n: int) -> str:
    words = {
        "en": (
            "none of them at ERROR level",
            "one of them at ERROR level",
            "{n} of them at ERROR level",
        ),
        "es": (
            "ninguna de nivel ERROR",
            "una de ellas de nivel ERROR",
            "{n} de ellas de nivel ERROR",
        ),
        "de": (
            "keiner davon mit dem Level ERROR",
            "einer davon mit dem Level ERROR",
            "{n} davon mit dem Level ERROR",
        ),
        "fr": ("aucune de niveau ERROR", "dont une de niveau ERROR", "dont {n} de niveau ERROR"),
    }[ctx.lang]
    return words[min(n, 2)].format(n=ctx.num(n))


def read(ctx: Ctx, result: dict[str, Any]) -> list[str]:
    """What a successful fs.read returned, in one to three sentences."""
    path = result["path"]
    shown = result.get("resolved", path)
    out = []
    if "resolved" in result:
        out.append(ctx.say("read.link", path=path, resolved=result["resolved"]))
    if "values" in result:
        if result["values"]:
            out.append(
                ctx.say(
                    "read.values", path=shown, pairs=pairs_text(ctx, list(result["values"].items()))
                )
            )
        if result.get("missing"):
            out.append(
                ctx.say(
                    "read.missing_keys", path=shown, keys=join_list(result["missing"], ctx.lang)
                )
            )
    else:
        lines = text_lines(result["content"]) if result["content"] else []
        r = read_lines(shown, lines)
        total = result["lines"]
        if "range" in result:
            start, end = result["range"]
            to = {"fr": "et" if end == start + 1 else "à", "es": "y" if end == start + 1 else "a"}
            to["de"] = "und" if end == start + 1 else "bis"
            out.append(
                ctx.say(
                    "read.range",
                    start=start,
                    end=end,
                    path=shown,
                    to=to.get(ctx.lang, "-"),
                    total=ctx.count(total, "line"),
                    total_dat=ctx.count(total, "line", dative=True),
                    what=_what(ctx, r, lines),
                )
            )
        elif result.get("truncated"):
            out.append(
                ctx.say(
                    "read.truncated",
                    path=shown,
                    total=ctx.num(total),
                    returned=result["returned"],
                    what=_what(ctx, r, lines),
                )
            )
        else:
            out.append(_whole(ctx, shown, r, total))
    return out + file_probe(ctx, result)


def _entry_name(entry: dict[str, Any], directory: str, ctx: Ctx, order: str) -> str:
    name = (
        entry["path"][len(directory) + 1 :]
        if entry["path"].startswith(f"{directory}/")
        else entry["path"]
    )
    if order == "size":
        return f"{name} ({ctx.count(entry['size'], 'byte')})"
    if order == "mtime":
        return f"{name} ({ctx.date(entry['modified'])})"
    return name


def list_filter(ctx: Ctx, args: dict[str, Any], n: int = 2) -> str:
    """The listing's filter as the answer states it, agreeing with `n` files."""
    lang = ctx.lang
    if "extensions" in args:
        exts = join_list([f".{e}" for e in args["extensions"]], lang, OR)
        several = len(args["extensions"]) > 1
        return {
            "en": f" with the extension{'s' if several else ''} {exts}",
            "es": f" con {'las extensiones' if several else 'la extensión'} {exts}",
            "de": f" mit {'den Endungen' if several else 'der Endung'} {exts}",
            "fr": " avec " + ("les extensions" if several else "l'extension") + f" {exts}",
        }[lang]
    if "pattern" in args:
        p, one = args["pattern"], n == 1
        return {
            "en": f" matching {p}",
            "es": f" que {'coincide' if one else 'coinciden'} con {p}",
            "de": f", die auf {p} {'passt' if one else 'passen'},",
            "fr": f" correspondant à {p}",
        }[lang]
    if "size" in args:
        a, b = ctx.num(args["size"]["min_bytes"]), ctx.num(args["size"]["max_bytes"])
        return {
            "en": f" between {a} and {b} bytes",
            "es": f" de entre {a} y {b} bytes",
            "de": f" zwischen {a} und {b} Bytes",
            "fr": f" entre {a} et {b} octets",
        }[lang]
    if "max_depth" in args and args.get("recursive"):
        levels = ctx.count(args["max_depth"], "level")
        return {
            "en": f" (down to {levels} deep)",
            "es": f" (hasta {levels} de profundidad)",
            "de": f" (bis zu {levels} tief)",
            "fr": f" (sur {levels} au plus)",
        }[lang]
    if "sort" in args:
        return SORTS[args["sort"]][lang]
    return ""


def listing(ctx: Ctx, result: dict[str, Any], args: dict[str, Any]) -> str:
    directory, entries = result["dir"], result["results"]
    order = args.get("sort", "name")
    names = [_entry_name(e, directory, ctx, order) for e in entries]
    base = {
        "dir": directory,
        "files": ctx.count(result["count"], "file"),
        "filter": list_filter(ctx, args, result["count"]),
    }
    if base["filter"].endswith(","):  # German relative clause before the colon
        base["filter"] = base["filter"][:-1]
    if result["count"] == 1 and len(names) == 1:
        return ctx.say("list.one", **base, names=names[0])
    if len(names) <= SHOW_ALL and result["count"] == len(names):
        return ctx.say("list.all", **base, names=join_list(names, ctx.lang))
    return ctx.say("list.some", **base, k=SHOW, names=join_list(names[:SHOW], ctx.lang))


def search(ctx: Ctx, result: dict[str, Any], args: dict[str, Any]) -> list[str]:
    locs = [f"{r['path']}:{r['line']}" for r in result["results"]]
    n, files = result["count"], result["files"]
    base = {
        "pattern": args["pattern"],
        "lines": ctx.count(n, "line"),
        "lines_dat": ctx.count(n, "line", dative=True),
        "files": ctx.count(files, "file"),
        "files_dat": ctx.count(files, "file", dative=True),
    }
    first = result["results"][0]
    # The user asked for context lines: the answer gives them all (as many as came
    # back), with the matching line, not just the nearest neighbour.
    around = _around(ctx, first) if first.get("before") or first.get("after") else ""
    if n == 1 and len(locs) == 1:
        # One match: where it is and what surrounds it, in one sentence.
        if around:
            text = first["text"].strip()
            line = f" (`{text}`)" if text and text != args["pattern"].strip() else ""
            return [ctx.say("search.one.context", **base, loc=locs[0], line=line, around=around)]
        return [ctx.say("search.one", **base, locs=locs[0])]
    if len(locs) <= SHOW_ALL and n == len(locs):
        out = [ctx.say("search.all", **base, locs=join_list(locs, ctx.lang))]
    else:
        out = [ctx.say("search.some", **base, k=SHOW, locs=join_list(locs[:SHOW], ctx.lang))]
    if around:
        # Several matches: the context is the first one's, and the sentence says so.
        out.append(
            ctx.say("search.context", loc=locs[0], text=first["text"].strip(), around=around)
        )
    return out


# A match's context lines as an answer states them: those above it and those below
# it; at either end of the file, that end (fewer lines came back than were asked).
AROUND = {
    "both": {
        "en": "with {before} above it and {after} below it",
        "es": "con {before} encima y {after} debajo",
        "de": "mit {before} davor und {after} danach",
        "fr": "avec {before} au-dessus et {after} en dessous",
    },
    "last": {
        "en": "with {before} above it and the end of the file below it",
        "es": "con {before} encima y el final del archivo debajo",
        "de": "mit {before} davor und dem Dateiende danach",
        "fr": "avec {before} au-dessus et la fin du fichier en dessous",
    },
    "first": {
        "en": "with the start of the file above it and {after} below it",
        "es": "con el inicio del archivo encima y {after} debajo",
        "de": "mit dem Dateianfang davor und {after} danach",
        "fr": "avec le début du fichier au-dessus et {after} en dessous",
    },
}


def _around(ctx: Ctx, match: dict[str, Any]) -> str:
    """Every context line the search returned for `match`, quoted, in file order."""
    before = join_list([_context(ctx, x) for x in match.get("before") or ()], ctx.lang)
    after = join_list([_context(ctx, x) for x in match.get("after") or ()], ctx.lang)
    key = "both" if before and after else ("last" if before else "first")
    return AROUND[key][ctx.lang].format(before=before, after=after)


BLANK = {
    "en": "a blank line",
    "es": "una línea vacía",
    "de": "einer Leerzeile",
    "fr": "une ligne vide",
}


def _context(ctx: Ctx, line: str) -> str:
    """A context line as the answer quotes it (a blank line by name: `` is not text)."""
    return f"`{line.strip()}`" if line.strip() else BLANK[ctx.lang]


def number(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


RELATIONS = {
    "higher": {
        "en": "the first value is {d} higher than the second",
        "es": "el primer valor supera al segundo en {d}",
        "de": "ist der erste Wert um {d} größer als der zweite",
        "fr": "la première valeur dépasse la seconde de {d}",
    },
    "lower": {
        "en": "the second value is {d} higher than the first",
        "es": "el segundo valor supera al primero en {d}",
        "de": "ist der zweite Wert um {d} größer als der erste",
        "fr": "la seconde valeur dépasse la première de {d}",
    },
    "same": {
        "en": "both are the same",
        "es": "ambos son iguales",
        "de": "sind beide gleich",
        "fr": "les deux sont identiques",
    },
    "differ": {
        "en": "they differ",
        "es": "son distintos",
        "de": "unterscheiden sie sich",
        "fr": "ils diffèrent",
    },
    "cut_higher": {
        "en": "the cut with {a} is {d} larger than with {b}",
        "es": "la reducción con {a} supera en {d} a la lograda con {b}",
        "de": "war die Senkung mit {a} um {d} größer als mit {b}",
        "fr": "la baisse avec {a} dépasse de {d} celle obtenue avec {b}",
    },
    "cut_same": {
        "en": "both give the same cut",
        "es": "ambas dan la misma reducción",
        "de": "bringen beide dieselbe Senkung",
        "fr": "les deux donnent la même baisse",
    },
}


def relation(ctx: Ctx, a: Any, b: Any) -> str:
    """The relation of two values, with the difference when both are numbers."""
    x, y = number(a), number(b)
    if x is None or y is None:
        return RELATIONS["same" if a == b else "differ"][ctx.lang]
    if x == y:
        return RELATIONS["same"][ctx.lang]
    d = abs(x - y)
    text = ctx.num(int(d)) if d == d.to_integral_value() else ctx.num(float(d))
    return RELATIONS["higher" if x > y else "lower"][ctx.lang].format(d=text)


def cut_relation(ctx: Ctx, first: tuple[str, int], second: tuple[str, int]) -> str:
    """Which technique cut more, by how many percentage points, named."""
    if first[1] == second[1]:
        return RELATIONS["cut_same"][ctx.lang]
    (a, high), (b, low) = (first, second) if first[1] > second[1] else (second, first)
    points = ctx.count(high - low, "point")
    return RELATIONS["cut_higher"][ctx.lang].format(a=a, b=b, d=points)


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


def web_also(ctx: Ctx, entry: dict[str, Any], finding: Finding, third: bool = False) -> str:
    return ctx.say(
        "web.third" if third else "web.also",
        title=quoted(entry["title"], ctx.lang),
        url=entry["url"],
        finding=finding_clause(finding, ctx.lang),
    )


def file_probe(ctx: Ctx, result: dict[str, Any]) -> list[str]:
    """A locale probe's dated sentence about the file a read returned."""
    if not ctx.probe:
        return []
    return [
        ctx.say(
            "read.probe",
            path=result["path"],
            date=ctx.date(result["modified"]),
            size=ctx.num(result["size"]),
        )
    ]


def page_probe(ctx: Ctx, published: str) -> list[str]:
    return [ctx.say("web.probe", date=ctx.date(published))] if ctx.probe else []


def web_results(ctx: Ctx, result: dict[str, Any]) -> str:
    items = [f"{quoted(r['title'], ctx.lang)} ({r['url']})" for r in result["results"]]
    pages = ctx.count(result["count"], "page")
    if len(items) == result["count"]:
        return ctx.say("web.results.all", pages=pages, items=join_list(items, ctx.lang))
    return ctx.say("web.results", pages=pages, k=len(items), items=join_list(items, ctx.lang))


def web_open(
    ctx: Ctx, result: dict[str, Any], finding: Finding | None, args: dict[str, Any]
) -> list[str]:
    """What an opened page says: the requested sections or window, else its finding,
    else (after a search already gave the finding) its figures."""
    title = quoted(result["title"], ctx.lang)
    found = _sections(result["content"], bool(result.get("truncated")))
    out = []
    if "sections" in args or "window" in args:
        # After a search gave the finding, the overview would only repeat it.
        fresh = [(h, t) for h, t in found if finding is not None or h not in OVERVIEWS] or found
        out += [_section(ctx, h, t, again=i > 0) for i, (h, t) in enumerate(fresh[:2])]
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
                lines=ctx.count(result["lines"], "line"),
                extra=extra,
                finding=finding_clause(finding, ctx.lang),
            )
        )
        # A summary of the page, not of its headline: the figures, and the caveat that
        # qualifies them (what the page kept after a cut).
        out += [_section(ctx, h, t, again=True) for h, t in found[2:4]]
    else:
        heading, text = found[2] if len(found) > 2 else found[0]
        out.append(_section(ctx, heading, text))
    if args.get("include_links") and result.get("links"):
        out.append(ctx.say("web.links", links=join_list(result["links"], ctx.lang)))
    return out + page_probe(ctx, result["published"])


OVERVIEWS = frozenset({"Overview", "Resumen", "Überblick", "Aperçu"})


def _section(ctx: Ctx, heading: str, text: str, again: bool = False) -> str:
    # Spanish sets the full stop after the closing quote.
    es = ctx.lang == "es"
    quote = quoted(text.rstrip("."), ctx.lang) + "." if es else quoted(text, ctx.lang)
    key = "web.section.next" if again else "web.section"
    return ctx.say(key, heading=quoted(heading, ctx.lang), text=quote)


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
