"""Request wording for a call's optional arguments: "(only lines 3-9)", "(sorted by size)".

Every detail is a parenthesis, so it reads the same wherever the request puts
it (no German separable verb or Spanish word order to break). One template
per argument key and language; booleans pick a template per value.
Arguments a later call takes from an earlier result (`derived`) are worded
without their values: the user cannot know them yet. Options one request
states once for several targets (`many`: two files compared) agree with them
where a key has a `.many` template ("both are ascii encoded", not "it is").
"""

from __future__ import annotations

from typing import Any

from pipeline.gen.lang import LANGUAGE_NAMES, OR, count, join_list, quoted

DETAILS: dict[str, dict[str, str]] = {
    "range": {
        "en": " (only lines {start}-{end})",
        "es": " (solo las líneas {start} {to_es} {end})",
        "de": " (nur die Zeilen {start} {to_de} {end})",
        "fr": " (seulement les lignes {start} {to} {end})",
    },
    "keys": {
        "en": " (only the keys {keys})",
        "es": " (solo las claves {keys})",
        "de": " (nur die Schlüssel {keys})",
        "fr": " (seulement les clés {keys})",
    },
    "encoding": {
        "en": " (it is {encoding} encoded)",
        "es": " (está codificado en {encoding})",
        "de": " (Kodierung: {encoding})",
        "fr": " (il est encodé en {encoding})",
    },
    # One clause over two files (a comparison reads both with the same options).
    "encoding.many": {
        "en": " (both are {encoding} encoded)",
        "es": " (ambos están codificados en {encoding})",
        "de": " (beide in {encoding} kodiert)",
        "fr": " (tous deux encodés en {encoding})",
    },
    "max_lines": {
        "en": " (at most {max_lines} lines)",
        "es": " (como máximo {max_lines} líneas)",
        "de": " (höchstens {max_lines} Zeilen)",
        "fr": " ({max_lines} lignes au plus)",
    },
    "max_lines.many": {
        "en": " (at most {max_lines} lines each)",
        "es": " (como máximo {max_lines} líneas cada uno)",
        "de": " (höchstens {max_lines} Zeilen je Datei)",
        "fr": " ({max_lines} lignes au plus chacun)",
    },
    "follow_symlinks.True": {
        "en": " (follow symlinks)",
        "es": " (siguiendo los enlaces simbólicos)",
        "de": " (Symlinks bitte auflösen)",
        "fr": " (en suivant les liens symboliques)",
    },
    "follow_symlinks.False": {
        "en": " (without following symlinks)",
        "es": " (sin seguir los enlaces simbólicos)",
        "de": " (Symlinks nicht auflösen)",
        "fr": " (sans suivre les liens symboliques)",
    },
    "size": {
        "en": " (only files between {min_bytes} and {max_bytes} bytes)",
        "es": " (solo archivos de entre {min_bytes} y {max_bytes} bytes)",
        "de": " (nur Dateien zwischen {min_bytes} und {max_bytes} Bytes)",
        "fr": " (seulement les fichiers entre {min_bytes} et {max_bytes} octets)",
    },
    "extensions": {
        "en": " (only {extensions} files)",
        "es": " (solo archivos {extensions})",
        "de": " (nur Dateien mit der Endung {extensions})",
        "fr": " (seulement les fichiers {extensions})",
    },
    "sort": {
        "en": " (sorted by {sort})",
        "es": " (ordenados por {sort})",
        "de": " (sortiert nach {sort})",
        "fr": " (triés par {sort})",
    },
    "max_depth": {
        "en": " (recursively, at most {levels} deep)",
        "es": " (de forma recursiva, hasta {levels} de profundidad)",
        "de": " (rekursiv, höchstens {levels} tief)",
        "fr": " (récursivement, sur {levels} au plus)",
    },
    "recursive.True": {
        "en": " (recursively)",
        "es": " (de forma recursiva)",
        "de": " (rekursiv)",
        "fr": " (récursivement)",
    },
    "recursive.False": {
        "en": " (not recursively)",
        "es": " (sin entrar en subcarpetas)",
        "de": " (ohne Unterordner)",
        "fr": " (sans les sous-dossiers)",
    },
    "pattern": {
        "en": " (only names matching {pattern})",
        "es": " (solo los nombres que coincidan con {pattern})",
        "de": " (nur Namen, die auf {pattern} passen)",
        "fr": " (seulement les noms correspondant à {pattern})",
    },
    "options.True": {
        "en": " (case-sensitive, with {context} of context)",
        "es": " (distinguiendo mayúsculas, con {context} de contexto)",
        "de": " (Groß-/Kleinschreibung beachten, {context} Kontext)",
        "fr": " (en respectant la casse, avec {context} de contexte)",
    },
    "options.False": {
        "en": " (ignoring case, with {context} of context)",
        "es": " (sin distinguir mayúsculas, con {context} de contexto)",
        "de": " (Groß-/Kleinschreibung ignorieren, {context} Kontext)",
        "fr": " (sans tenir compte de la casse, avec {context} de contexte)",
    },
    "paths": {
        "en": " (only in {paths})",
        "es": " (solo en {paths})",
        "de": " (nur in {paths})",
        "fr": " (seulement dans {paths})",
    },
    "mode.literal": {
        "en": " (as literal text)",
        "es": " (como texto literal)",
        "de": " (wörtlich, nicht als Regex)",
        "fr": " (en texte littéral)",
    },
    "mode.word": {
        "en": " (whole words only)",
        "es": " (solo palabras completas)",
        "de": " (nur ganze Wörter)",
        "fr": " (mots entiers uniquement)",
    },
    "mode.regex": {
        "en": " (as a regular expression)",
        "es": " (como expresión regular)",
        "de": " (als regulären Ausdruck)",
        "fr": " (comme expression régulière)",
    },
    "max_results": {
        "en": " (at most {max_results} matches)",
        "es": " (como máximo {max_results} coincidencias)",
        "de": " (höchstens {max_results} Treffer)",
        "fr": " ({max_results} résultats au plus)",
    },
    "include_hidden.True": {
        "en": " (hidden files included)",
        "es": " (incluidos los archivos ocultos)",
        "de": " (versteckte Dateien eingeschlossen)",
        "fr": " (fichiers cachés compris)",
    },
    "include_hidden.False": {
        "en": " (skip hidden files)",
        "es": " (sin los archivos ocultos)",
        "de": " (ohne versteckte Dateien)",
        "fr": " (sans les fichiers cachés)",
    },
    "filters": {
        "en": " (only {site}, from the last {days})",
        "es": " (solo {site}, de los últimos {days})",
        "de": " (nur {site}, aus den letzten {days})",
        "fr": " (seulement {site}, des {n} derniers {days_noun})",
    },
    "filters.site": {
        "en": " (only {site})",
        "es": " (solo {site})",
        "de": " (nur {site})",
        "fr": " (seulement {site})",
    },
    "exclude": {
        "en": " (excluding {exclude})",
        "es": " (excluyendo {exclude})",
        "de": " (ohne {exclude})",
        "fr": " (en excluant {exclude})",
    },
    "lang": {
        "en": " (results in {lang_name})",
        "es": " (resultados en {lang_name})",
        "de": " (Ergebnisse auf {lang_name})",
        "fr": " (résultats en {lang_name})",
    },
    "top_k": {
        "en": " (the top {top_k} results)",
        "es": " (los {top_k} primeros resultados)",
        "de": " (die ersten {top_k} Treffer)",
        "fr": " (les {top_k} premiers résultats)",
    },
    "safe.True": {
        "en": " (safe search on)",
        "es": " (con búsqueda segura)",
        "de": " (mit SafeSearch)",
        "fr": " (avec la recherche sécurisée)",
    },
    "safe.False": {
        "en": " (safe search off)",
        "es": " (sin búsqueda segura)",
        "de": " (ohne SafeSearch)",
        "fr": " (sans la recherche sécurisée)",
    },
    "window": {
        "en": " (only {lines}, skipping {skip})",
        "es": " (solo {lines}, saltando {skip})",
        "de": " (nur {lines}, {skip} übersprungen)",
        "fr": " (seulement {lines}, en sautant {skip})",
    },
    "sections": {
        "en": " (only the {sections} sections)",
        "es": " (solo las secciones {sections})",
        "de": " (nur in den Abschnitten {sections})",
        "fr": " (seulement les sections {sections})",
    },
    "sections.one": {
        "en": " (only the {sections} section)",
        "es": " (solo la sección {sections})",
        "de": " (nur im Abschnitt {sections})",
        "fr": " (seulement la section {sections})",
    },
    "format": {
        "en": " (as {format})",
        "es": " (en formato {format})",
        "de": " (im {Format})",
        "fr": " (au format {format})",
    },
    "max_chars": {
        "en": " (at most {max_chars} characters)",
        "es": " (como máximo {max_chars} caracteres)",
        "de": " (höchstens {max_chars} Zeichen)",
        "fr": " ({max_chars} caractères au plus)",
    },
    "include_links.True": {
        "en": " (with its links)",
        "es": " (con sus enlaces)",
        "de": " (mit den Links)",
        "fr": " (avec ses liens)",
    },
    "include_links.False": {
        "en": " (without links)",
        "es": " (sin enlaces)",
        "de": " (ohne Links)",
        "fr": " (sans les liens)",
    },
    "limits": {
        "en": " (with {memory_mb} MB of memory and {cpu_s} s of CPU)",
        "es": " (con {memory_mb} MB de memoria y {cpu_s} s de CPU)",
        "de": " (mit {memory_mb} MB Speicher und {cpu_s} s CPU-Zeit)",
        "fr": " (avec {memory_mb} Mo de mémoire et {cpu_s} s de CPU)",
    },
    "args": {
        "en": " (with the arguments {args})",
        "es": " (con los argumentos {args})",
        "de": " (mit den Argumenten {args})",
        "fr": " (avec les arguments {args})",
    },
    "args.derived": {
        "en": " (passing the values as command-line arguments)",
        "es": " (pasando los valores como argumentos)",
        "de": " (die Werte als Kommandozeilenargumente übergeben)",
        "fr": " (en passant les valeurs en arguments)",
    },
    "stdin": {
        "en": " (with `{stdin}` on stdin)",
        "es": " (con `{stdin}` por stdin)",
        "de": " (mit `{stdin}` auf stdin)",
        "fr": " (avec `{stdin}` sur stdin)",
    },
    "stdin.derived": {
        "en": " (feeding the values on stdin)",
        "es": " (pasando los valores por stdin)",
        "de": " (mit den Werten auf stdin)",
        "fr": " (en passant les valeurs sur stdin)",
    },
    "timeout_s": {
        "en": " (with a timeout of {timeout_s} s)",
        "es": " (con un límite de {timeout_s} s)",
        "de": " (mit {timeout_s} s Timeout)",
        "fr": " (avec une limite de {timeout_s} s)",
    },
}
SORT_NAMES = {
    "en": {"name": "name", "size": "size", "mtime": "modification date"},
    "es": {"name": "nombre", "size": "tamaño", "mtime": "fecha de modificación"},
    "de": {"name": "Name", "size": "Größe", "mtime": "Änderungsdatum"},
    "fr": {"name": "nom", "size": "taille", "mtime": "date de modification"},
}
FORMAT_NAMES = {
    "en": {"text": "text", "markdown": "Markdown"},
    "es": {"text": "texto", "markdown": "Markdown"},
    "de": {"text": "Text", "markdown": "Markdown"},
    "fr": {"text": "texte", "markdown": "Markdown"},
}
# Argument keys that the request states elsewhere (or that carry no detail).
_SILENT = {"path", "dir", "q", "url", "language", "code"}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fields(key: str, value: Any, args: dict[str, Any], lang: str, num: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if isinstance(value, dict):
        fields.update({k: num(v) if _number(v) else v for k, v in value.items()})
    elif isinstance(value, list):
        conj = OR if key == "extensions" else None
        # Search terms are literal words whatever the language: quoted, not translated.
        items = [
            f".{v}" if key == "extensions" else quoted(str(v), lang) if key == "exclude" else str(v)
            for v in value
        ]
        fields[key] = join_list(items, lang, conj) if conj else join_list(items, lang)
    else:
        fields[key] = num(value) if _number(value) else value
    if key == "sort":
        fields["sort"] = SORT_NAMES[lang][value]
    if key == "max_depth":
        fields["levels"] = count(value, "level", lang, num(value))
    if key == "options":
        fields["context"] = count(value.get("context_lines", 0), "line", lang)
    if key == "filters":
        days = value.get("recency_days", 0)
        fields["days"] = count(days, "day", lang, num(days))
        fields["n"], fields["days_noun"] = num(days), fields["days"].split(" ", 1)[1]
    if key == "lang":
        fields["lang_name"] = LANGUAGE_NAMES[lang][value]
    if key == "format":
        fields["format"] = FORMAT_NAMES[lang][value]
        # German compounds a common noun ("Textformat"), hyphenates a name ("Markdown-Format").
        fields["Format"] = "Textformat" if value == "text" else "Markdown-Format"
    if key == "range":
        pair = value["end"] == value["start"] + 1
        fields["to"] = "et" if pair else "à"
        fields["to_es"] = "y" if pair else "a"
        fields["to_de"] = "und" if pair else "bis"
    if key == "window":
        fields["lines"] = count(value["length"], "line", lang, num(value["length"]))
        fields["skip"] = _skip(value["offset"], lang, num)
    return fields


def _skip(n: int, lang: str, num: Any) -> str:
    """ "the first line" / "the first 7 lines", in each language."""
    if n == 1:
        return {
            "en": "the first line",
            "es": "la primera línea",
            "de": "die erste Zeile",
            "fr": "la première ligne",
        }[lang]
    return {
        "en": f"the first {num(n)} lines",
        "es": f"las {num(n)} primeras líneas",
        "de": f"die ersten {num(n)} Zeilen",
        "fr": f"les {num(n)} premières lignes",
    }[lang]


def detail(
    name: str,
    args: dict[str, Any],
    lang: str,
    derived: frozenset[str] = frozenset(),
    num: Any = str,
    *,
    many: bool = False,
) -> str:
    """The request wording for a call's optional arguments, in argument order."""
    parts = []
    for key, value in args.items():
        if key in _SILENT or (name == "fs.search" and key == "pattern"):
            continue
        if key == "recursive" and "max_depth" in args:
            continue
        if key in derived:
            parts.append(DETAILS[f"{key}.derived"][lang])
            continue
        if isinstance(value, bool):
            template = DETAILS[f"{key}.{value}"][lang]
        elif key == "options":
            template = DETAILS[f"options.{value.get('case_sensitive', True)}"][lang]
        elif key == "mode":
            template = DETAILS[f"mode.{value}"][lang]
        elif key == "filters" and "recency_days" not in value:
            template = DETAILS["filters.site"][lang]
        elif key == "sections" and len(value) == 1:
            template = DETAILS["sections.one"][lang]
        elif many and f"{key}.many" in DETAILS:
            template = DETAILS[f"{key}.many"][lang]
        else:
            template = DETAILS[key][lang]
        parts.append(template.format(**_fields(key, value, args, lang, num)))
    # Several options read as one parenthesis: " (a; b)", not " (a) (b)".
    inner = [p.strip()[1:-1] for p in parts]
    joint = " ; " if lang == "fr" else "; "  # French sets a space before the semicolon
    return f" ({joint.join(inner)})" if inner else ""
