"""Phrasings per language: prompts, tool-result summaries and answer sentences.

Every key has variants in en, es, de and fr. Answer sentences are one line,
end with their own punctuation and never contain ". " inside, so a sentence
splitter finds exactly the sentences written here.
"""

from __future__ import annotations

import random

Table = dict[str, dict[str, tuple[str, ...]]]

P: Table = {
    # ---- tool-result summaries (the tool answers in the user's language)
    "sum.config": {
        "en": ("{fmt} config with {n} top-level keys ({names})",),
        "es": ("configuración {fmt} con {n} claves de primer nivel ({names})",),
        "de": ("{fmt}-Konfiguration mit {n} Schlüsseln auf oberster Ebene ({names})",),
        "fr": ("configuration {fmt} avec {n} clés de premier niveau ({names})",),
    },
    "sum.code": {
        "en": ("{fmt} module defining {n} functions ({names})",),
        "es": ("módulo {fmt} que define {n} funciones ({names})",),
        "de": ("{fmt}-Modul mit {n} Funktionen ({names})",),
        "fr": ("module {fmt} qui définit {n} fonctions ({names})",),
    },
    "sum.doc": {
        "en": ("document with {n} sections ({names})",),
        "es": ("documento con {n} secciones ({names})",),
        "de": ("Dokument mit {n} Abschnitten ({names})",),
        "fr": ("document de {n} sections ({names})",),
    },
    "sum.table": {
        "en": ("CSV table with {n} rows and the columns {names}",),
        "es": ("tabla CSV con {n} filas y las columnas {names}",),
        "de": ("CSV-Tabelle mit {n} Zeilen und den Spalten {names}",),
        "fr": ("table CSV de {n} lignes avec les colonnes {names}",),
    },
    "sum.log": {
        "en": ("log with {n} entries, {e} of them errors",),
        "es": ("registro con {n} entradas, {e} de ellas errores",),
        "de": ("Log mit {n} Einträgen, davon {e} Fehler",),
        "fr": ("journal de {n} entrées, dont {e} erreurs",),
    },
    "sum.search": {
        "en": ("{n} matches in {f} files",),
        "es": ("{n} coincidencias en {f} archivos",),
        "de": ("{n} Treffer in {f} Dateien",),
        "fr": ("{n} correspondances dans {f} fichiers",),
    },
    "sum.web": {
        "en": (
            "{technique} cut {metric} by {pct}% for {subject}",
            "{subject} saw {pct}% lower {metric} after adopting {technique}",
            "teams running {subject} report {pct}% less {metric} with {technique}",
        ),
        "es": (
            "{technique} redujo {metric} un {pct} % en {subject}",
            "{subject} logró un {pct} % menos de {metric} al adoptar {technique}",
            "los equipos con {subject} reportan un {pct} % menos de {metric} con {technique}",
        ),
        "de": (
            "{technique} senkte {metric} bei {subject} um {pct} %",
            "{subject} erreichte mit {technique} {pct} % weniger {metric}",
            "Teams mit {subject} melden mit {technique} {pct} % weniger {metric}",
        ),
        "fr": (
            "{technique} a réduit {metric} de {pct} % pour {subject}",
            "{subject} a obtenu {pct} % de {metric} en moins grâce à {technique}",
            "les équipes sous {subject} signalent {pct} % de {metric} en moins avec {technique}",
        ),
    },
    # ---- answer sentences (integration: each one carries tool-result values)
    "ans.read": {
        "en": (
            "{path} has {lines} lines and contains a {summary}.",
            "I read {path}: it is a {summary}, {lines} lines long.",
        ),
        "es": (
            "{path} tiene {lines} líneas y contiene: {summary}.",
            "Leí {path}: es un archivo de {lines} líneas con {summary}.",
        ),
        "de": (
            "{path} hat {lines} Zeilen und enthält: {summary}.",
            "Ich habe {path} gelesen: {lines} Zeilen, Inhalt: {summary}.",
        ),
        "fr": (
            "{path} compte {lines} lignes et contient : {summary}.",
            "J'ai lu {path} : {lines} lignes, contenu : {summary}.",
        ),
    },
    "ans.read.values": {
        "en": ("It sets {pairs}.", "The values are {pairs}."),
        "es": ("El archivo define {pairs}.", "Los valores son {pairs}."),
        "de": ("Die Datei setzt {pairs}.", "Die Werte sind {pairs}."),
        "fr": ("Le fichier définit {pairs}.", "Les valeurs sont {pairs}."),
    },
    "ans.read.range": {
        "en": ("Lines {start}-{end} begin with `{first}`.",),
        "es": ("Las líneas {start}-{end} empiezan con `{first}`.",),
        "de": ("Die Zeilen {start}-{end} beginnen mit `{first}`.",),
        "fr": ("Les lignes {start} à {end} commencent par `{first}`.",),
    },
    "ans.read.truncated": {
        "en": ("Only the first {returned} of its {lines} lines were returned.",),
        "es": ("Solo se devolvieron las primeras {returned} de sus {lines} líneas.",),
        "de": ("Nur die ersten {returned} ihrer {lines} Zeilen wurden zurückgegeben.",),
        "fr": ("Seules les {returned} premières de ses {lines} lignes ont été renvoyées.",),
    },
    "ans.probe": {
        "en": ("It was last modified on {modified} and is {size} KB.",),
        "es": ("Se modificó por última vez el {modified} y ocupa {size} KB.",),
        "de": ("Zuletzt geändert am {modified}, Größe {size} KB.",),
        "fr": ("Dernière modification le {modified}, taille {size} Ko.",),
    },
    "ans.list": {
        "en": (
            "{dir} has {count} matching files, including {r0}.",
            "I found {count} files in {dir}; the first is {r0}.",
        ),
        "es": (
            "{dir} tiene {count} archivos coincidentes, entre ellos {r0}.",
            "Encontré {count} archivos en {dir}; el primero es {r0}.",
        ),
        "de": (
            "{dir} enthält {count} passende Dateien, darunter {r0}.",
            "Ich habe {count} Dateien in {dir} gefunden; die erste ist {r0}.",
        ),
        "fr": (
            "{dir} contient {count} fichiers correspondants, dont {r0}.",
            "J'ai trouvé {count} fichiers dans {dir} ; le premier est {r0}.",
        ),
    },
    "ans.search": {
        "en": ("The pattern {pattern} gives {summary}; the first match is {r0}.",),
        "es": ("El patrón {pattern} da {summary}; la primera está en {r0}.",),
        "de": ("Das Muster {pattern} ergibt {summary}; der erste Treffer ist {r0}.",),
        "fr": ("Le motif {pattern} donne {summary} ; la première est {r0}.",),
    },
    "ans.web": {
        "en": ("According to {site}, {summary}.", "The top source, {site}, says {summary}."),
        "es": ("Según {site}, {summary}.", "La fuente principal, {site}, indica que {summary}."),
        "de": ("Laut {site}: {summary}.", "Die wichtigste Quelle, {site}, meldet: {summary}."),
        "fr": ("Selon {site}, {summary}.", "La source principale, {site}, indique que {summary}."),
    },
    "ans.web.count": {
        "en": ("The search returned {count} results; the most relevant is {url}.",),
        "es": ("La búsqueda devolvió {count} resultados; el más relevante es {url}.",),
        "de": ("Die Suche lieferte {count} Treffer; der relevanteste ist {url}.",),
        "fr": ("La recherche a renvoyé {count} résultats ; le plus pertinent est {url}.",),
    },
    "ans.open": {
        "en": ('The page "{title}" has {lines} lines and reports that {summary}.',),
        "es": ('La página "{title}" tiene {lines} líneas e indica que {summary}.',),
        "de": ('Die Seite "{title}" hat {lines} Zeilen; Kernaussage: {summary}.',),
        "fr": ('La page "{title}" compte {lines} lignes et indique que {summary}.',),
    },
    "ans.code": {
        "en": ("The program printed {out}.", "Running it prints {out}."),
        "es": ("El programa imprimió {out}.", "Al ejecutarlo imprime {out}."),
        "de": ("Das Programm gab {out} aus.", "Die Ausführung liefert {out}."),
        "fr": ("Le programme a affiché {out}.", "L'exécution affiche {out}."),
    },
    "adv.range": {
        "en": (
            "I corrected {key} from {bad} to {good} (allowed range {lo}-{hi}); "
            "the corrected call returned {value}.",
        ),
        "es": (
            "Corregí {key} de {bad} a {good} (rango permitido {lo}-{hi}); "
            "la llamada corregida devolvió {value}.",
        ),
        "de": (
            "Ich habe {key} von {bad} auf {good} korrigiert (erlaubter Bereich {lo}-{hi}); "
            "der korrigierte Aufruf lieferte {value}.",
        ),
        "fr": (
            "J'ai corrigé {key} de {bad} à {good} (plage autorisée {lo}-{hi}) ; "
            "l'appel corrigé a renvoyé {value}.",
        ),
    },
    "adv.json": {
        "en": ("I repaired the malformed JSON arguments and the corrected call returned {value}.",),
        "es": ("Reparé los argumentos JSON mal formados y la llamada corregida devolvió {value}.",),
        "de": (
            "Ich habe die fehlerhaften JSON-Argumente repariert; "
            "der korrigierte Aufruf lieferte {value}.",
        ),
        "fr": ("J'ai réparé les arguments JSON mal formés et l'appel corrigé a renvoyé {value}.",),
    },
    "ans.probe.web": {
        "en": ("It was published on {published}, among {count} matching pages.",),
        "es": ("Se publicó el {published}, entre {count} páginas coincidentes.",),
        "de": ("Sie erschien am {published}, unter {count} passenden Seiten.",),
        "fr": ("Elle a été publiée le {published}, parmi {count} pages correspondantes.",),
    },
    "ans.probe.code": {
        "en": ("The run on {finished} took {ms} ms.",),
        "es": ("La ejecución del {finished} tardó {ms} ms.",),
        "de": ("Der Lauf am {finished} dauerte {ms} ms.",),
        "fr": ("L'exécution du {finished} a duré {ms} ms.",),
    },
    "q.web": {
        "en": ("{technique} for {subject}", "{technique} in {subject}", "{subject} {technique}"),
        "es": ("{technique} para {subject}", "{technique} en {subject}"),
        "de": ("{technique} für {subject}", "{technique} bei {subject}"),
        "fr": ("{technique} pour {subject}", "{technique} dans {subject}"),
    },
    "q.qualifier": {
        "en": (
            "",
            "benchmarks",
            "best practices",
            "migration guide",
            "pitfalls",
            "case study",
            "tuning tips",
            "production lessons",
            "trade-offs",
            "checklist",
            "postmortem",
        ),
        "es": (
            "",
            "benchmarks",
            "buenas prácticas",
            "guía de migración",
            "errores comunes",
            "caso de estudio",
            "consejos de ajuste",
            "lecciones en producción",
            "checklist",
        ),
        "de": (
            "",
            "Benchmarks",
            "Best Practices",
            "Migrationsleitfaden",
            "Stolperfallen",
            "Fallstudie",
            "Tuning-Tipps",
            "Erfahrungen aus der Produktion",
            "Checkliste",
        ),
        "fr": (
            "",
            "benchmarks",
            "bonnes pratiques",
            "guide de migration",
            "pièges",
            "étude de cas",
            "conseils de réglage",
            "retours de production",
            "checklist",
        ),
    },
    # value phrases used inside the adversarial sentences
    "unit.lines": {
        "en": ("{n} lines",),
        "es": ("{n} líneas",),
        "de": ("{n} Zeilen",),
        "fr": ("{n} lignes",),
    },
    "unit.files": {
        "en": ("{n} files",),
        "es": ("{n} archivos",),
        "de": ("{n} Dateien",),
        "fr": ("{n} fichiers",),
    },
    "unit.matches": {
        "en": ("{n} matches",),
        "es": ("{n} coincidencias",),
        "de": ("{n} Treffer",),
        "fr": ("{n} correspondances",),
    },
    "unit.results": {
        "en": ("{n} results",),
        "es": ("{n} resultados",),
        "de": ("{n} Treffer",),
        "fr": ("{n} résultats",),
    },
    "unit.output": {
        "en": ("the output {n}",),
        "es": ("la salida {n}",),
        "de": ("die Ausgabe {n}",),
        "fr": ("la sortie {n}",),
    },
}

METRIC_NAMES: dict[str, dict[str, str]] = {
    "en": {"latency": "latency", "memory": "memory use", "build_time": "build time",
           "error_rate": "error rate", "throughput": "queueing delay", "cost": "cost",
           "cold_start": "cold-start time"},
    "es": {"latency": "la latencia", "memory": "el uso de memoria", "build_time":
           "el tiempo de compilación", "error_rate": "la tasa de errores", "throughput":
           "la espera en cola", "cost": "el coste", "cold_start": "el arranque en frío"},
    "de": {"latency": "Latenz", "memory": "Speicherbedarf", "build_time": "Build-Zeit",
           "error_rate": "Fehlerrate", "throughput": "Wartezeit", "cost": "Kosten",
           "cold_start": "Kaltstartzeit"},
    "fr": {"latency": "la latence", "memory": "la mémoire", "build_time":
           "le temps de compilation", "error_rate": "le taux d'erreur", "throughput":
           "l'attente en file", "cost": "le coût", "cold_start": "le temps de démarrage à froid"},
}  # fmt: skip
LANGUAGE_NAMES = {
    "en": {"en": "English", "es": "Spanish", "de": "German", "fr": "French"},
    "es": {"en": "inglés", "es": "español", "de": "alemán", "fr": "francés"},
    "de": {"en": "Englisch", "es": "Spanisch", "de": "Deutsch", "fr": "Französisch"},
    "fr": {"en": "anglais", "es": "espagnol", "de": "allemand", "fr": "français"},
}
AND = {"en": "and", "es": "y", "de": "und", "fr": "et"}


def phrase(rng: random.Random, key: str, lang: str, /, **values: object) -> str:
    return rng.choice(P[key][lang]).format(**values)


def join_list(items: list[str], lang: str) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {AND[lang]} {items[-1]}"
