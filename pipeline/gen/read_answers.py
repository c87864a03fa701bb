"""Answer sentences composed from what fs.read returned: what a careful teacher writes.

Each function takes what the tool returned (never what the generator meant it
to return) and states it in the user's language: the values asked for, or what
the lines hold (settings, definitions, sections, a table's rows, a log's
entries), and the file's date and size for a locale probe.
"""

from __future__ import annotations

from typing import Any

from pipeline.gen.context import Ctx
from pipeline.gen.lang import join_list
from pipeline.gen.listing_answers import BLANK, SHOW_ALL
from pipeline.gen.reading import (
    FORMAT_NAMES,
    LOG_LINE,
    NOTES,
    Reading,
    extension,
    read_lines,
)
from pipeline.world.paths import text_lines

WHAT = {
    "pairs": {"en": "set {x}", "es": "definen {x}", "de": "setzen {x}", "fr": "définissent {x}"},
    "pairs.section": {
        "en": "open the section {s} and set {x}",
        "es": "abren la sección {s} y definen {x}",
        "de": "beginnen den Abschnitt {s} und setzen {x}",
        "fr": "ouvrent la section {s} et définissent {x}",
    },
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
    # "dont WARN à 06:46:11" lacked its noun (R19 audit note): the entries are named.
    "fr": ", dont les entrées {x}",
}
LOG_AMONG_ONE = {"fr": ", dont l'entrée {x}"}
LOG_AT = {"en": "at", "es": "a las", "de": "um", "fr": "à"}
NOTABLE = ("WARN", "ERROR")
# A blank line among lines read, as a subject ("sie lauten `A`, eine Leerzeile und `B`").
READ_BLANK = {**BLANK, "de": "eine Leerzeile"}


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
    # Quoted as written, full stop included: a quote that drops it is not the line (R18).
    every = [x.strip() for x in lines or ()]
    shown = [x for x in every if x]
    # A heading and its notes line are quoted, not summarised: "list Troubleshooting
    # (43 items)" told a reader the two lines list something (R12).
    if not r.pairs and 0 < len(shown) <= 3:
        # Every line in its place: "the first 3 ... are `A` and `B`" hid a blank one (R12).
        said = [f"`{x}`" if x else READ_BLANK[ctx.lang] for x in every]
        return WHAT["quote"][ctx.lang].format(x=join_list(said, ctx.lang))
    if r.pairs:
        # An INI section header among the lines is said too: "which set a = 1 and b = 2"
        # left out the `[compiler]` line that the three lines began with (R18 audit).
        headers = [x for x in shown if x.startswith("[") and x.endswith("]")]
        if len(headers) == 1:
            return WHAT["pairs.section"][ctx.lang].format(s=headers[0], x=pairs_text(ctx, r.pairs))
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
    among = LOG_AMONG_ONE.get(ctx.lang) if len(notable) == 1 else None
    among = among or LOG_AMONG[ctx.lang]
    return {
        "entries": ctx.count(len(found), "entry"),
        "levels": said,
        "notable": among.format(x=join_list(notable, ctx.lang)) if notable else "",
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
