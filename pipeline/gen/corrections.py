"""How an answer says that the teacher corrected what the user asked for.

A range violation is corrected to the option's maximum; the answer says so
in its last sentence: the rule in words ("a search returns at most 10
results", not ``top_k``), the value used, and what the cap meant for this
call, with a figure of the response (so the sentence is grounded like every
other): nothing lost, or a partial result said as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.gen.context import Ctx

# The top-level bounded number of each tool that a range violation overshoots.
BOUNDED_KEYS = {
    "fs.read": "max_lines",
    "fs.list": "max_depth",
    "fs.search": "max_results",
    "web.search": "top_k",
    "web.open": "max_chars",
    "code.run": "timeout_s",
}
# What each bounded option limits, as a rule stated in words ("a search returns
# at most 10 results", not "top_k is at most 10"); {hi} is the maximum.
LIMITS = {
    "top_k": {
        "en": "a search returns at most {hi} results",
        "es": "una búsqueda devuelve como máximo {hi} resultados",
        "de": "eine Suche liefert höchstens {hi} Ergebnisse",
        "fr": "une recherche renvoie au plus {hi} résultats",
    },
    "max_lines": {
        "en": "a read returns at most {hi} lines",
        "es": "una lectura devuelve como máximo {hi} líneas",
        "de": "ein Lesezugriff liefert höchstens {hi} Zeilen",
        "fr": "une lecture renvoie au plus {hi} lignes",
    },
    "max_depth": {
        "en": "a listing goes at most {hi} levels deep",
        "es": "un listado baja como máximo {hi} niveles",
        "de": "eine Auflistung reicht höchstens {hi} Ebenen tief",
        "fr": "un listage descend au plus de {hi} niveaux",
    },
    "max_results": {
        "en": "a search returns at most {hi} matches",
        "es": "una búsqueda devuelve como máximo {hi} coincidencias",
        "de": "eine Suche liefert höchstens {hi} Treffer",
        "fr": "une recherche renvoie au plus {hi} correspondances",
    },
    "max_chars": {
        "en": "a page comes back with at most {hi} characters",
        "es": "una página se devuelve con {hi} caracteres como máximo",
        "de": "eine Seite kommt mit höchstens {hi} Zeichen zurück",
        "fr": "une page est renvoyée avec au plus {hi} caractères",
    },
    "timeout_s": {
        "en": "the timeout can be at most {hi}",
        "es": "el tiempo límite es de {hi} como máximo",
        "de": "das Timeout beträgt höchstens {hi}",
        "fr": "le délai est de {hi} au plus",
    },
}
# What the cap meant for this call, with a figure of the response (so the
# sentence is grounded): nothing lost, or a partial result said as such.
NOTHING_LOST = {
    "count": {
        "en": "{subject} found only {got}, so nothing is missing",
        "es": "{subject} solo encontró {got}, así que no falta nada",
        "de": "{subject} fand nur {got}, es fehlt also nichts",
        "fr": "{subject} n'a trouvé que {got}, donc rien ne manque",
    },
    "fs.read": {
        "en": "the file has only {got}, so nothing was cut",
        "es": "el archivo solo tiene {got}, así que no se cortó nada",
        "de": "die Datei hat nur {got}, es wurde also nichts abgeschnitten",
        "fr": "le fichier ne compte que {got}, donc rien n'a été coupé",
    },
    "web.open": {
        "en": "the page is shorter ({got}), so nothing was cut",
        "es": "la página es más corta ({got}), así que no se cortó nada",
        "de": "die Seite ist kürzer ({got}), es wurde also nichts abgeschnitten",
        "fr": "la page est plus courte ({got}), donc rien n'a été coupé",
    },
    "code.run": {
        "en": "the run took {got}, well within it",
        "es": "la ejecución tardó {got}, muy por debajo del límite",
        "de": "der Lauf dauerte {got}, weit unter dem Limit",
        "fr": "l'exécution a pris {got}, bien en deçà de la limite",
    },
    # A depth cap is judged by how deep the files found lie: a count says nothing
    # about what lies below the cap.
    "depth": {
        "en": "the deepest file the listing found is {got} down, within that limit",
        "es": "el archivo más profundo del listado está a {got} de profundidad, dentro de ese "
        "límite",
        "de": "die tiefste gefundene Datei liegt {got} tief, also innerhalb dieser Grenze",
        "fr": "le fichier le plus profond trouvé est à {got} de profondeur, dans cette limite",
    },
    # After a listing that already stated the count, the correction refers back to it.
    "count.said": {
        "en": "all of the results ({got}) are listed above",
        "es": "arriba aparecen todos los resultados ({got})",
        "de": "oben stehen alle Treffer ({got})",
        "fr": "tous les résultats ({got}) figurent ci-dessus",
    },
}
SOMETHING_LOST = {
    "count": {
        "en": "{subject} found {got} in all, so the list is partial",
        "es": "{subject} encontró {got} en total, así que la lista está incompleta",
        "de": "{subject} fand insgesamt {got}, die Liste ist also unvollständig",
        "fr": "{subject} a trouvé {got} au total, donc la liste est partielle",
    },
    "fs.read": {
        "en": "the file has {got}, so only its first {hi} were read",
        "es": "el archivo tiene {got}, así que solo se leyeron las primeras {hi}",
        "de": "die Datei hat {got}, es wurden also nur die ersten {hi} gelesen",
        "fr": "le fichier compte {got}, donc seules les {hi} premières ont été lues",
    },
    "web.open": {
        "en": "the page is longer ({got}), so its text is cut",
        "es": "la página es más larga ({got}), así que su texto está cortado",
        "de": "die Seite ist länger ({got}), ihr Text ist also gekürzt",
        "fr": "la page est plus longue ({got}), donc son texte est coupé",
    },
    "depth": {
        "en": "the listing reaches files {got} down, so deeper files may be missing",
        "es": "el listado llega a archivos a {got} de profundidad, así que pueden faltar otros más "
        "profundos",
        "de": "die Auflistung reicht bis zu Dateien {got} tief, tiefere Dateien können also fehlen",
        "fr": "le listage atteint des fichiers à {got} de profondeur, donc des fichiers plus "
        "profonds peuvent manquer",
    },
    "count.said": {
        "en": "only {hi} of the results ({got}) are listed above",
        "es": "arriba aparecen solo {hi} de los resultados ({got})",
        "de": "oben stehen nur {hi} der Treffer ({got})",
        "fr": "seuls {hi} des résultats ({got}) figurent ci-dessus",
    },
}
NOUNS = {"web.search": "page", "fs.list": "file", "fs.search": "line"}


def _deepest(result: dict[str, Any]) -> int:
    """How many levels below the listed directory its deepest file lies (1: its own)."""
    base = len(result["dir"].rstrip("/")) + 1
    return max((e["path"][base:].count("/") + 1 for e in result["results"]), default=0)


SUBJECTS = {
    "search": {"en": "the search", "es": "la búsqueda", "de": "die Suche", "fr": "la recherche"},
    "fs.list": {
        "en": "the listing",
        "es": "el listado",
        "de": "die Auflistung",
        "fr": "le listage",
    },
}


def clamp_sentence(
    ctx: Ctx, name: str, bad: int, high: int, result: dict[str, Any], said: Sequence[str] = ()
) -> str:
    """The correction, said last: the rule, what was used, and what it meant for this call.
    `said`: the answer's sentences before it."""
    key = BOUNDED_KEYS[name]
    unit = " s" if key == "timeout_s" else ""
    hi = f"{ctx.num(high)}{unit}"
    if name in ("fs.read", "web.open"):
        got = ctx.count(result["lines"], "line")
        cut = bool(result.get("truncated"))
        kind = name
    elif name == "code.run":
        got, cut, kind = f"{ctx.num(result['elapsed_ms'])} ms", False, name
    elif name == "fs.list":
        deepest = _deepest(result)
        got, cut, kind = ctx.count(deepest, "level"), deepest >= high, "depth"
    else:
        got = ctx.count(result["count"], NOUNS[name])
        cut, kind = result["count"] > high, "count"
        if any(got in sentence for sentence in said):
            kind = "count.said"
    meant = (SOMETHING_LOST if cut else NOTHING_LOST)[kind][ctx.lang]
    return ctx.say(
        "adv.clamp",
        bad=f"{ctx.num(bad)}{unit}",
        hi=hi,
        rule=LIMITS[key][ctx.lang].format(hi=hi),
        meant=meant.format(
            got=got,
            hi=ctx.num(high),
            subject=SUBJECTS["fs.list" if name == "fs.list" else "search"][ctx.lang],
        ),
    )
