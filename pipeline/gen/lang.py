"""Grammar helpers for en/es/de/fr: counted nouns, lists, quotes, locale figures.

A counted noun takes the form babel's CLDR plural rules choose for the number
("1 match", "0 fichier", "2 Dateien"), so agreement never depends on a template.
Numbers and dates are written the plain way (``1234``, ``2024-12-31``) except
in locale probes, where babel writes them the locale's way (``1.234``,
``1 234``, ``31.12.2024``).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date

LOCALES = {"en": "en_US", "es": "es_ES", "de": "de_DE", "fr": "fr_FR"}
DATE_PATTERNS = {"en": "yyyy-MM-dd", "es": "dd/MM/yyyy", "de": "dd.MM.yyyy", "fr": "dd/MM/yyyy"}

# noun -> {lang: (one, other)}
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "line": {
        "en": ("line", "lines"),
        "es": ("línea", "líneas"),
        "de": ("Zeile", "Zeilen"),
        "fr": ("ligne", "lignes"),
    },
    "file": {
        "en": ("file", "files"),
        "es": ("archivo", "archivos"),
        "de": ("Datei", "Dateien"),
        "fr": ("fichier", "fichiers"),
    },
    "setting": {
        "en": ("setting", "settings"),
        "es": ("ajuste", "ajustes"),
        "de": ("Einstellung", "Einstellungen"),
        "fr": ("paramètre", "paramètres"),
    },
    "function": {
        "en": ("function", "functions"),
        "es": ("función", "funciones"),
        "de": ("Funktion", "Funktionen"),
        "fr": ("fonction", "fonctions"),
    },
    "section": {
        "en": ("section", "sections"),
        "es": ("sección", "secciones"),
        "de": ("Abschnitt", "Abschnitte"),
        "fr": ("section", "sections"),
    },
    "row": {
        "en": ("row", "rows"),
        "es": ("fila", "filas"),
        "de": ("Datenzeile", "Datenzeilen"),
        "fr": ("ligne de données", "lignes de données"),
    },
    "entry": {
        "en": ("entry", "entries"),
        "es": ("entrada", "entradas"),
        "de": ("Eintrag", "Einträge"),
        "fr": ("entrée", "entrées"),
    },
    "byte": {
        "en": ("byte", "bytes"),
        "es": ("byte", "bytes"),
        "de": ("Byte", "Bytes"),
        "fr": ("octet", "octets"),
    },
    "level": {
        "en": ("level", "levels"),
        "es": ("nivel", "niveles"),
        "de": ("Ebene", "Ebenen"),
        "fr": ("niveau", "niveaux"),
    },
    "page": {
        "en": ("page", "pages"),
        "es": ("página", "páginas"),
        "de": ("Seite", "Seiten"),
        "fr": ("page", "pages"),
    },
    "result": {
        "en": ("result", "results"),
        "es": ("resultado", "resultados"),
        "de": ("Treffer", "Treffer"),
        "fr": ("résultat", "résultats"),
    },
    "character": {
        "en": ("character", "characters"),
        "es": ("carácter", "caracteres"),
        "de": ("Zeichen", "Zeichen"),
        "fr": ("caractère", "caractères"),
    },
    "day": {
        "en": ("day", "days"),
        "es": ("día", "días"),
        "de": ("Tag", "Tagen"),
        "fr": ("jour", "jours"),
    },
    "item": {
        "en": ("item", "items"),
        "es": ("elemento", "elementos"),
        "de": ("Eintrag", "Einträge"),
        "fr": ("élément", "éléments"),
    },
    "point": {
        "en": ("percentage point", "percentage points"),
        "es": ("punto", "puntos"),
        "de": ("Prozentpunkt", "Prozentpunkte"),
        "fr": ("point", "points"),
    },
}
AND = {"en": "and", "es": "y", "de": "und", "fr": "et"}
OR = {"en": "or", "es": "o", "de": "oder", "fr": "ou"}
LANGUAGE_NAMES = {
    "en": {"en": "English", "es": "Spanish", "de": "German", "fr": "French"},
    "es": {"en": "inglés", "es": "español", "de": "alemán", "fr": "francés"},
    "de": {"en": "Englisch", "es": "Spanisch", "de": "Deutsch", "fr": "Französisch"},
    "fr": {"en": "anglais", "es": "espagnol", "de": "allemand", "fr": "français"},
}
QUOTES = {
    "en": ("\u201c", "\u201d"),
    "es": ("\u00ab", "\u00bb"),
    "de": ("\u201e", "\u201c"),
    "fr": ("\u00ab\u00a0", "\u00a0\u00bb"),
}


@lru_cache(maxsize=8)
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


@lru_cache(maxsize=8)
def _decimal_pattern(lang: str) -> Any:
    # Parsing the locale's pattern is most of format_decimal's cost; do it once.
    return _locale(lang).decimal_formats[None]


# Typed: 1 and 1.0 (and True) are written differently, so they must not share an entry.
@lru_cache(maxsize=8192, typed=True)
def locale_number(value: int | float, lang: str) -> str:
    """`format_decimal(value, locale)`, with the locale's pattern parsed once.

    Spanish leaves four-digit numbers ungrouped (3437, not 3.437): CLDR's minimum
    grouping of two digits, which babel's pattern does not apply."""
    text = str(_decimal_pattern(lang).apply(value, _locale(lang)))
    if lang == "es" and abs(value) < 10000:
        text = text.replace(".", "")
    return text


def locale_figure(text: str, lang: str) -> str:
    """A plain decimal figure ("4266", "211.20") written the locale's way, every digit
    kept ("4.266", "211,20"): a stated value, not a different one."""
    whole, dot, fraction = text.partition(".")
    grouped = locale_number(int(whole), lang)
    if not dot:
        return grouped
    symbols = _locale(lang).number_symbols
    decimal = (symbols.get("latn", symbols) if hasattr(symbols, "get") else symbols)["decimal"]
    return f"{grouped}{decimal}{fraction}"


def locale_date(iso: str, lang: str) -> str:
    return str(format_date(date.fromisoformat(iso), DATE_PATTERNS[lang], locale=_locale(lang)))


@lru_cache(maxsize=4096)
def _plural_form(lang: str, n: int) -> str:
    return str(_locale(lang).plural_form(n))


def noun(name: str, n: int, lang: str) -> str:
    one, other = NOUNS[name][lang]
    return one if _plural_form(lang, abs(n)) == "one" else other


def count(n: int, name: str, lang: str, number: str | None = None, dative: bool = False) -> str:
    """ "3 lines", "1 line", "0 fichier": the number (as written) and the agreeing noun.

    `dative` gives the German dative plural after "mit" or "in" ("mit 3 Abschnitten").
    """
    word = noun(name, n, lang)
    if dative and lang == "de" and word != NOUNS[name]["de"][0] and not word.endswith(("n", "s")):
        word += "n"
    return f"{number if number is not None else n} {word}"


def _conjunction(word: str, following: str, lang: str) -> str:
    # Spanish "y" becomes "e" before an /i/ sound, "o" becomes "u" before an /o/ sound.
    head = following.lower().lstrip("`'\"«“„")
    if (
        lang == "es"
        and word == "y"
        and head.startswith(("i", "í", "hi", "hí"))
        and not head.startswith("hie")
    ):
        return "e"
    if lang == "es" and word == "o" and head.startswith(("o", "ó", "ho", "hó")):
        return "u"
    return word


def join_list(items: list[str], lang: str, conjunction: dict[str, str] = AND) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    word = _conjunction(conjunction[lang], items[-1], lang)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


# Contractions and elisions a template cannot know in advance: "que avec" is
# "qu'avec", "de le" is "du", "de el" is "del".
_GRAMMAR = {
    "fr": (
        (re.compile(r"\b([Qq])ue (?=[aeiouéèêàâîôû])"), r"\1u'"),
        (re.compile(r"\b([Dd])e le (?=\w)"), r"\1u "),
        (re.compile(r"\b([Dd])e les\b"), r"\1es"),
        (re.compile(r"\b([Àà]) le\b"), "au"),
        (re.compile(r"\b([Àà]) les\b"), "aux"),
        (re.compile(r"\b([Dd])e (?=[aeiouéèêàâîôûAEIOUÉH])"), r"\1'"),
    ),
    "es": (
        (re.compile(r"\b([Dd])e el\b"), r"\1el"),
        (re.compile(r"\b([Aa]) el\b"), r"\1l"),
    ),
}


def grammar(text: str, lang: str) -> str:
    for pattern, repl in _GRAMMAR.get(lang, ()):
        text = pattern.sub(repl, text)
    return text


def quoted(text: str, lang: str) -> str:
    left, right = QUOTES[lang]
    return f"{left}{text}{right}"
