"""Request wording for a call's optional arguments ("only lines 3-9", "sorted by size").

One template per argument key and language; booleans pick a template per value.
"""

from __future__ import annotations

from typing import Any

from pipeline.gen.phrases import LANGUAGE_NAMES, join_list

DETAILS: dict[str, dict[str, str]] = {
    "range": {
        "en": " (only lines {start}-{end})",
        "es": " (solo las líneas {start}-{end})",
        "de": " (nur die Zeilen {start}-{end})",
        "fr": " (seulement les lignes {start} à {end})",
    },
    "keys": {
        "en": ", extracting the keys {keys}",
        "es": ", extrayendo las claves {keys}",
        "de": " und extrahiere die Schlüssel {keys}",
        "fr": " en extrayant les clés {keys}",
    },
    "encoding": {
        "en": " (it is {encoding} encoded)",
        "es": " (codificado en {encoding})",
        "de": " (Kodierung {encoding})",
        "fr": " (encodé en {encoding})",
    },
    "max_lines": {
        "en": " (at most {max_lines} lines)",
        "es": " (como máximo {max_lines} líneas)",
        "de": " (höchstens {max_lines} Zeilen)",
        "fr": " (au plus {max_lines} lignes)",
    },
    "follow_symlinks.True": {
        "en": " following symlinks",
        "es": " siguiendo los enlaces simbólicos",
        "de": " und folge dabei Symlinks",
        "fr": " en suivant les liens symboliques",
    },
    "follow_symlinks.False": {
        "en": " without following symlinks",
        "es": " sin seguir enlaces simbólicos",
        "de": " ohne Symlinks zu folgen",
        "fr": " sans suivre les liens symboliques",
    },
    "size": {
        "en": " (only files between {min_bytes} and {max_bytes} bytes)",
        "es": " (solo archivos de {min_bytes} a {max_bytes} bytes)",
        "de": " (nur Dateien zwischen {min_bytes} und {max_bytes} Bytes)",
        "fr": " (seulement les fichiers de {min_bytes} à {max_bytes} octets)",
    },
    "extensions": {
        "en": " (only {extensions} files)",
        "es": " (solo archivos {extensions})",
        "de": " (nur {extensions}-Dateien)",
        "fr": " (seulement les fichiers {extensions})",
    },
    "sort": {
        "en": " sorted by {sort}",
        "es": " ordenados por {sort}",
        "de": " sortiert nach {sort}",
        "fr": " triés par {sort}",
    },
    "max_depth": {
        "en": " recursively, at most {max_depth} levels deep",
        "es": " de forma recursiva, hasta {max_depth} niveles",
        "de": " rekursiv, höchstens {max_depth} Ebenen tief",
        "fr": " récursivement, sur {max_depth} niveaux au plus",
    },
    "pattern": {
        "en": " matching {pattern}",
        "es": " que coincidan con {pattern}",
        "de": " passend zu {pattern}",
        "fr": " correspondant à {pattern}",
    },
    "options.True": {
        "en": " case-sensitively with {context_lines} lines of context",
        "es": " distinguiendo mayúsculas, con {context_lines} líneas de contexto",
        "de": " mit Groß-/Kleinschreibung und {context_lines} Kontextzeilen",
        "fr": " en respectant la casse, avec {context_lines} lignes de contexte",
    },
    "options.False": {
        "en": " ignoring case, with {context_lines} lines of context",
        "es": " sin distinguir mayúsculas, con {context_lines} líneas de contexto",
        "de": " ohne Groß-/Kleinschreibung, mit {context_lines} Kontextzeilen",
        "fr": " sans tenir compte de la casse, avec {context_lines} lignes de contexte",
    },
    "paths": {"en": " in {paths}", "es": " en {paths}", "de": " in {paths}", "fr": " dans {paths}"},
    "mode": {
        "en": " as a {mode} match",
        "es": " en modo {mode}",
        "de": " im Modus {mode}",
        "fr": " en mode {mode}",
    },
    "max_results": {
        "en": " (at most {max_results} matches)",
        "es": " (como máximo {max_results} resultados)",
        "de": " (höchstens {max_results} Treffer)",
        "fr": " (au plus {max_results} résultats)",
    },
    "include_hidden.True": {
        "en": " including hidden files",
        "es": " incluidos los archivos ocultos",
        "de": " inklusive versteckter Dateien",
        "fr": " y compris les fichiers cachés",
    },
    "include_hidden.False": {
        "en": " skipping hidden files",
        "es": " sin los archivos ocultos",
        "de": " ohne versteckte Dateien",
        "fr": " sans les fichiers cachés",
    },
    "filters": {
        "en": " on {site} from the last {recency_days} days",
        "es": " en {site} de los últimos {recency_days} días",
        "de": " auf {site} aus den letzten {recency_days} Tagen",
        "fr": " sur {site} des {recency_days} derniers jours",
    },
    "exclude": {
        "en": " excluding {exclude}",
        "es": " excluyendo {exclude}",
        "de": " ohne {exclude}",
        "fr": " en excluant {exclude}",
    },
    "lang": {
        "en": " with results in {lang_name}",
        "es": " con resultados en {lang_name}",
        "de": " mit Ergebnissen auf {lang_name}",
        "fr": " avec des résultats en {lang_name}",
    },
    "top_k": {
        "en": " (top {top_k} results)",
        "es": " (los {top_k} mejores resultados)",
        "de": " (die besten {top_k} Treffer)",
        "fr": " (les {top_k} meilleurs résultats)",
    },
    "safe.True": {
        "en": " with safe search on",
        "es": " con búsqueda segura",
        "de": " mit SafeSearch",
        "fr": " avec la recherche sécurisée",
    },
    "safe.False": {
        "en": " with safe search off",
        "es": " sin búsqueda segura",
        "de": " ohne SafeSearch",
        "fr": " sans la recherche sécurisée",
    },
    "window": {
        "en": " (lines {offset} to {stop})",
        "es": " (líneas {offset} a {stop})",
        "de": " (Zeilen {offset} bis {stop})",
        "fr": " (lignes {offset} à {stop})",
    },
    "sections": {
        "en": " (only the sections {sections})",
        "es": " (solo las secciones {sections})",
        "de": " (nur die Abschnitte {sections})",
        "fr": " (seulement les sections {sections})",
    },
    "format": {
        "en": " as {format}",
        "es": " como {format}",
        "de": " als {format}",
        "fr": " en {format}",
    },
    "max_chars": {
        "en": " (at most {max_chars} characters)",
        "es": " (como máximo {max_chars} caracteres)",
        "de": " (höchstens {max_chars} Zeichen)",
        "fr": " (au plus {max_chars} caractères)",
    },
    "include_links.True": {
        "en": " keeping the links",
        "es": " conservando los enlaces",
        "de": " mit den Links",
        "fr": " en gardant les liens",
    },
    "include_links.False": {
        "en": " without the links",
        "es": " sin los enlaces",
        "de": " ohne die Links",
        "fr": " sans les liens",
    },
    "limits": {
        "en": " with {memory_mb} MB of memory and {cpu_s} s of CPU",
        "es": " con {memory_mb} MB de memoria y {cpu_s} s de CPU",
        "de": " mit {memory_mb} MB Speicher und {cpu_s} s CPU",
        "fr": " avec {memory_mb} Mo de mémoire et {cpu_s} s de CPU",
    },
    "args": {
        "en": " with the arguments {args}",
        "es": " con los argumentos {args}",
        "de": " mit den Argumenten {args}",
        "fr": " avec les arguments {args}",
    },
    "stdin": {
        "en": ' with "{stdin}" on stdin',
        "es": ' con "{stdin}" en stdin',
        "de": ' mit "{stdin}" auf stdin',
        "fr": ' avec "{stdin}" sur stdin',
    },
    "timeout_s": {
        "en": " with a {timeout_s} s timeout",
        "es": " con un límite de {timeout_s} s",
        "de": " mit {timeout_s} s Timeout",
        "fr": " avec un délai de {timeout_s} s",
    },
}
# Argument keys that the request states elsewhere (or that carry no detail).
_SILENT = {"path", "dir", "q", "url", "language", "code", "recursive"}


def detail(name: str, args: dict[str, Any], lang: str) -> str:
    """The request wording for a call's optional arguments, in argument order."""
    parts = []
    for key, value in args.items():
        if key in _SILENT or (name == "fs.search" and key == "pattern"):
            continue
        if isinstance(value, bool):
            template = DETAILS[f"{key}.{value}"][lang]
        elif key == "options":
            template = DETAILS[f"options.{value.get('case_sensitive', False)}"][lang]
        else:
            template = DETAILS[key][lang]
        fields: dict[str, Any] = {}
        if isinstance(value, dict):
            fields.update(value)
        elif isinstance(value, list):
            fields[key] = join_list([str(v) for v in value], lang)
        else:
            fields[key] = value
        if key == "window":
            fields["stop"] = value["offset"] + value["length"]
        if key == "lang":
            fields["lang_name"] = LANGUAGE_NAMES[lang][value]
        parts.append(template.format(**fields))
    return "".join(parts)
