"""Answer sentences composed from what fs.list and fs.search returned.

Each function takes what a tool returned (never what the generator meant it to
return) and names every listed entry or match, or says the list is partial, with
the filter and order the listing used and the context lines a search returned.
"""

from __future__ import annotations

from typing import Any

from pipeline.gen.context import Ctx
from pipeline.gen.lang import OR, join_list

SHOW = 5  # items an answer names before it says the rest are not shown
SHOW_ALL = 8  # up to this many, an answer names them all rather than cut the list
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
