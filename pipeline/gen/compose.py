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
from pipeline.gen.reading import (
    FORMAT_NAMES,
    LOG_LINE,
    NOTES,
    Reading,
    extension,
    read_lines,
)
from pipeline.gen.site import HEADINGS, Finding, finding_clause
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
    # Rows of a CSV: how many, of how many values, the header when the lines hold it,
    # and the first and last rows (exact values; the first row alone hid the rest, R13).
    "rows": {
        "en": "hold {rows} of {k} values, the first `{a}` and the last `{b}`",
        "es": "contienen {rows} de {k} valores, la primera `{a}` y la última `{b}`",
        "de": "enthalten {rows} mit je {k} Werten, die erste `{a}` und die letzte `{b}`",
        "fr": "contiennent {rows} de {k} valeurs, la première `{a}` et la dernière `{b}`",
    },
    "header": {
        "en": "hold the header `{h}` and {rows}, the first `{a}` and the last `{b}`",
        "es": "contienen la cabecera `{h}` y {rows}, la primera `{a}` y la última `{b}`",
        "de": "enthalten die Kopfzeile `{h}` und {rows}, die erste `{a}` und die letzte `{b}`",
        "fr": "contiennent l'en-tête `{h}` et {rows}, la première `{a}` et la dernière `{b}`",
    },
    # Log entries: how many per level, and every WARN and ERROR one (what a reader of
    # a log looks for; "begin with `<an INFO line>`" hid two errors, R13).
    "log": {
        "en": "hold {entries} ({levels}){notable}",
        "es": "contienen {entries} ({levels}){notable}",
        "de": "enthalten {entries} ({levels}){notable}",
        "fr": "contiennent {entries} ({levels}){notable}",
    },
    # Any other lines: how many, the first and the last (not the first alone).
    "span": {
        "en": "hold {lines}, from `{a}` to `{b}`",
        "es": "contienen {lines}, de `{a}` a `{b}`",
        "de": "enthalten {lines}, von `{a}` bis `{b}`",
        "fr": "contiennent {lines}, de `{a}` à `{b}`",
    },
}
LOG_ALL = {"en": "all {x}", "es": "todas {x}", "de": "alle {x}", "fr": "toutes {x}"}
LOG_AMONG = {
    "en": ", among them {x}",
    "es": ", entre ellas {x}",
    "de": ", darunter {x}",
    "fr": ", dont {x}",
}
LOG_AT = {"en": "at", "es": "a las", "de": "um", "fr": "à"}
NOTABLE = ("WARN", "ERROR")
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
    the lines themselves; else what they define, the sections they fall on, a CSV's
    rows (first and last), a log's levels and its WARN and ERROR entries, or how many
    lines they are, from the first to the last."""
    # A notes line is quoted without its full stop: the sentence ends after the quote.
    every = [x.strip().removesuffix(".") if NOTES.match(x) else x.strip() for x in lines or ()]
    shown = [x for x in every if x]
    # A heading and its notes line are quoted, not summarised: "list Troubleshooting
    # (43 items)" told a reader the two lines list something (R12).
    if not r.pairs and 0 < len(shown) <= 3:
        # Every line in its place: "the first 3 ... are `A` and `B`" hid a blank one (R12).
        said = [f"`{x}`" if x else READ_BLANK[ctx.lang] for x in every]
        return WHAT["quote"][ctx.lang].format(x=join_list(said, ctx.lang))
    if r.pairs:
        return WHAT["pairs"][ctx.lang].format(x=pairs_text(ctx, r.pairs))
    if r.kind == "code" and r.names:
        return WHAT["names"][ctx.lang].format(x=ticks(r.names, ctx.lang))
    if r.kind == "doc" and (r.names or r.notes):
        touched = [
            f"{title} ({ctx.count(n, 'item')})" if n is not None else title
            for title, n in doc_sections(lines or [])
        ]
        return WHAT["sections"][ctx.lang].format(x=join_list(touched, ctx.lang))
    if r.kind == "table" and len(shown) > 1:
        return _table_rows(ctx, every)
    if r.kind == "log" and r.entries:
        return WHAT["log"][ctx.lang].format(**log_facts(ctx, every))
    if len(shown) > 1:
        lines_n = ctx.count(len(shown), "line")
        return WHAT["span"][ctx.lang].format(lines=lines_n, a=shown[0], b=shown[-1])
    return WHAT["first"][ctx.lang].format(x=r.first)


def _is_header(line: str) -> bool:
    """A CSV header names its columns; a data row is all numbers (the rows `_table` writes)."""
    return any(not cell.strip().lstrip("-").isdigit() for cell in line.split(","))


def _table_rows(ctx: Ctx, lines: list[str]) -> str:
    """Some lines of a CSV: the header if they hold it, the rows, the first and last row."""
    shown = [x.strip() for x in lines if x.strip()]
    header = shown[0] if _is_header(shown[0]) else ""
    rows = shown[1:] if header else shown
    if len(rows) < 2:  # one row after the header: both lines, as a short range is
        return WHAT["quote"][ctx.lang].format(x=join_list([f"`{x}`" for x in shown], ctx.lang))
    said = {"rows": ctx.count(len(rows), "row"), "a": rows[0], "b": rows[-1]}
    if header:
        return WHAT["header"][ctx.lang].format(h=header, **said)
    k = ctx.num(len(rows[0].split(",")))
    return WHAT["rows"][ctx.lang].format(k=k, **said)


def log_facts(ctx: Ctx, lines: list[str]) -> dict[str, str]:
    """A log's entries, their count per level and every WARN and ERROR entry, in order,
    with its time and message as the lines give them."""
    found = [m for m in map(LOG_LINE.match, lines) if m]
    levels = [m.group("level") for m in found]
    per = [(lv, levels.count(lv)) for lv in ("DEBUG", "INFO", "WARN", "ERROR") if lv in levels]
    if len(per) == 1:
        said = LOG_ALL[ctx.lang].format(x=per[0][0])
    else:
        said = join_list([f"{ctx.num(n)} {lv}" for lv, n in per], ctx.lang)
    notable = [
        f"{m.group('level')} {LOG_AT[ctx.lang]} {m.group('time')} `{m.group('message')}`"
        for m in found
        if m.group("level") in NOTABLE
    ]
    return {
        "entries": ctx.count(len(found), "entry"),
        "levels": said,
        "notable": LOG_AMONG[ctx.lang].format(x=join_list(notable, ctx.lang)) if notable else "",
    }


def doc_sections(lines: list[str]) -> list[tuple[str, int | None]]:
    """The sections some lines of a generated document fall on, in order: (title, the
    item count of its notes line when that line is among them). A range may start on a
    notes line (its heading above it) or end on a heading (its notes below it)."""
    out: list[tuple[str, int | None]] = []
    for line in lines:
        notes = NOTES.match(line)
        if notes:
            title, n = notes.group(1), int(notes.group(2))
            if out and out[-1] == (title, None):
                out[-1] = (title, n)
            else:
                out.append((title, n))
        elif line.strip() and not line.startswith("# ") and not line.isupper():
            # A document's own title is "# module name" (Markdown) or "MODULE" (text).
            out.append((line.removeprefix("## ").strip(), None))
    return out


def _whole(ctx: Ctx, path: str, r: Reading, total: int, lines_of: list[str]) -> str:
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
        rows = [x.strip() for x in lines_of[1:] if x.strip()]
        return ctx.say(
            "read.table",
            **base,
            rows=ctx.count(r.rows, "row"),
            rows_dat=ctx.count(r.rows, "row", dative=True),
            names=join_list(r.names, ctx.lang),
            a=rows[0],
            b=rows[-1],
        )
    return ctx.say("read.log", **base, day=ctx.date(r.day), **log_facts(ctx, lines_of))


def _notes(ctx: Ctx, r: Reading) -> str:
    """A document's sections with what each holds: "Testing (20 items), Roadmap (48 items)"."""
    return join_list([f"{name} ({ctx.count(n, 'item')})" for name, n in r.notes], ctx.lang)


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
            out.append(_whole(ctx, shown, r, total, lines))
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
# A blank line among lines read, as a subject ("sie lauten `A`, eine Leerzeile und `B`").
READ_BLANK = {**BLANK, "de": "eine Leerzeile"}


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
    # Two files compared: the file with the larger value named (R12: "the second value
    # is 4 higher than the first" made the reader map values back to files).
    "higher_in": {
        "en": "it is higher in {hi}: {d} more than in {lo}",
        "es": "es mayor en {hi}: {d} más que en {lo}",
        "de": "ist der Wert in {hi} größer: um {d} mehr als in {lo}",
        "fr": "la valeur dans {hi} dépasse de {d} celle dans {lo}",
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
    # The answer to "which cuts more" first, then by how much (R12 audit).
    "cut_higher": {
        "en": "the larger cut comes with {a}: {d} more than with {b}",
        "es": "la mayor reducción se obtiene con {a}: {d} más que con {b}",
        "de": "fällt die Senkung mit {a} stärker aus: um {d} mehr als mit {b}",
        "fr": (
            "la baisse obtenue avec {a} est la plus forte : elle dépasse de {d} celle "
            "obtenue avec {b}"
        ),
    },
    "cut_same": {
        "en": "both give the same cut",
        "es": "ambas dan la misma reducción",
        "de": "bringen beide dieselbe Senkung",
        "fr": "les deux donnent la même baisse",
    },
}


def relation(ctx: Ctx, a: Any, b: Any, where: tuple[str, str] | None = None) -> str:
    """The relation of two values, with the difference when both are numbers; `where`
    (the two files the values are in) names the file with the larger one."""
    x, y = number(a), number(b)
    if x is None or y is None:
        return RELATIONS["same" if a == b else "differ"][ctx.lang]
    if x == y:
        return RELATIONS["same"][ctx.lang]
    d = abs(x - y)
    text = ctx.num(int(d)) if d == d.to_integral_value() else ctx.num(float(d))
    if where is not None:
        # File names, unless both files have the same one (then their paths).
        names = [p.rsplit("/", 1)[-1] for p in where]
        hi, lo = names if names[0] != names[1] else list(where)
        hi, lo = (hi, lo) if x > y else (lo, hi)
        return RELATIONS["higher_in"][ctx.lang].format(d=text, hi=hi, lo=lo)
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


def web_also(
    ctx: Ctx,
    entry: dict[str, Any],
    finding: Finding,
    third: bool = False,
    differs: bool = False,
    contrasted: bool = False,
) -> str:
    """Another result's finding: set against the top one when `differs` (once: after a
    first contrast, `contrasted`, the next far figure is "yet another"), else added."""
    if differs:
        key = "web.differs.more" if contrasted else "web.differs"
    else:
        key = "web.third" if third else "web.also"
    return ctx.say(
        key,
        title=quoted(entry["title"], ctx.lang),
        url=entry["url"],
        finding=finding_clause(finding, ctx.lang),
    )


def file_probe(ctx: Ctx, result: dict[str, Any]) -> list[str]:
    """A locale probe's dated sentence about the file a read returned (the request asks
    for it: `requests.probe_ask`). After a symbolic link the date and size are the
    target's, and the sentence names the target: under the link's name they contradicted
    the link's own listing entry (R12)."""
    if not ctx.probe:
        return []
    return [
        ctx.say(
            "read.probe.link" if "resolved" in result else "read.probe",
            path=result.get("resolved", result["path"]),
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
        fresh = [(h, t) for h, t in found if finding is not None or h not in OVERVIEWS] or found
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
        out += _said(ctx, found[1:] or found[:1], after=True, title=None if named else title)
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
# The section that qualifies a page's result, in every language a page is written in.
CAVEATS = frozenset(heads[-1] for heads in HEADINGS.values())


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
