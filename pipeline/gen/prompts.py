"""User requests: a task per tool, the details its arguments imply, chain follow-ups.

A request names exactly what the calls then do, so the arguments are
derivable from the prompt (the path, the query, the snippet, the line range).
"""

from __future__ import annotations

import random
from typing import Any

from pipeline.gen.details import detail

L = dict[str, tuple[str, ...]]

TASKS: dict[str, L] = {
    "fs.read": {
        "en": (
            "Read {path}{d} and tell me what it contains.",
            "Open the file {path}{d} and summarise it.",
            "What is in {path}{d}?",
            "Can you check {path}{d} and describe it?",
        ),
        "es": (
            "Lee {path}{d} y dime qué contiene.",
            "Abre el archivo {path}{d} y resúmelo.",
            "¿Qué hay en {path}{d}?",
        ),
        "de": (
            "Lies {path}{d} und sag mir, was darin steht.",
            "Öffne die Datei {path}{d} und fasse sie zusammen.",
            "Was steht in {path}{d}?",
        ),
        "fr": (
            "Lis {path}{d} et dis-moi ce qu'il contient.",
            "Ouvre le fichier {path}{d} et résume-le.",
            "Que contient {path}{d} ?",
        ),
    },
    "fs.list": {
        "en": (
            "List the files in {dir}{d}.",
            "Which files are in {dir}{d}?",
            "Show me what {dir} contains{d}.",
        ),
        "es": ("Lista los archivos de {dir}{d}.", "¿Qué archivos hay en {dir}{d}?"),
        "de": ("Liste die Dateien in {dir} auf{d}.", "Welche Dateien liegen in {dir}{d}?"),
        "fr": ("Liste les fichiers de {dir}{d}.", "Quels fichiers y a-t-il dans {dir}{d} ?"),
    },
    "fs.search": {
        "en": (
            "Search the repository for {pattern}{d}.",
            "Where does {pattern} appear in the code{d}?",
            "Find the occurrences of {pattern}{d}.",
        ),
        "es": (
            "Busca {pattern} en el repositorio{d}.",
            "¿Dónde aparece {pattern} en el código{d}?",
        ),
        "de": (
            "Durchsuche das Repository nach {pattern}{d}.",
            "Wo kommt {pattern} im Code vor{d}?",
        ),
        "fr": ("Cherche {pattern} dans le dépôt{d}.", "Où apparaît {pattern} dans le code{d} ?"),
    },
    "web.search": {
        "en": (
            "Search the web for {q}{d} and sum up the main finding.",
            "Look up {q}{d} and tell me what you find.",
            "What do sources say about {q}{d}?",
        ),
        "es": (
            "Busca en la web {q}{d} y resume el hallazgo principal.",
            "Investiga {q}{d} y dime qué encuentras.",
        ),
        "de": (
            "Suche im Web nach {q}{d} und fasse das wichtigste Ergebnis zusammen.",
            "Recherchiere {q}{d} und sag mir, was du findest.",
        ),
        "fr": (
            "Cherche sur le web {q}{d} et résume le résultat principal.",
            "Renseigne-toi sur {q}{d} et dis-moi ce que tu trouves.",
        ),
    },
    "web.open": {
        "en": ("Open {url}{d} and summarise the page.", "What does the page {url} say{d}?"),
        "es": ("Abre {url}{d} y resume la página.", "¿Qué dice la página {url}{d}?"),
        "de": ("Öffne {url}{d} und fasse die Seite zusammen.", "Was steht auf der Seite {url}{d}?"),
        "fr": ("Ouvre {url}{d} et résume la page.", "Que dit la page {url}{d} ?"),
    },
    "code.run": {
        "en": (
            "Run this {language} snippet{d} and tell me what it prints:\n{block}",
            "What does this {language} code print{d}?\n{block}",
        ),
        "es": ("Ejecuta este fragmento de {language}{d} y dime qué imprime:\n{block}",),
        "de": ("Führe dieses {language}-Snippet aus{d} und sag mir, was es ausgibt:\n{block}",),
        "fr": ("Exécute ce code {language}{d} et dis-moi ce qu'il affiche :\n{block}",),
    },
}

# Leads of chained requests: the first step without its closing punctuation.
LEADS: dict[str, L] = {
    "fs.list": {
        "en": ("List the files in {dir}{d}",),
        "es": ("Lista los archivos de {dir}{d}",),
        "de": ("Liste die Dateien in {dir} auf{d}",),
        "fr": ("Liste les fichiers de {dir}{d}",),
    },
    "fs.search": {
        "en": ("Search the repository for {pattern}{d}",),
        "es": ("Busca {pattern} en el repositorio{d}",),
        "de": ("Durchsuche das Repository nach {pattern}{d}",),
        "fr": ("Cherche {pattern} dans le dépôt{d}",),
    },
    "fs.read": {
        "en": ("Read {path}{d}",),
        "es": ("Lee {path}{d}",),
        "de": ("Lies {path}{d}",),
        "fr": ("Lis {path}{d}",),
    },
    "web.search": {
        "en": ("Search the web for {q}{d}",),
        "es": ("Busca en la web {q}{d}",),
        "de": ("Suche im Web nach {q}{d}",),
        "fr": ("Cherche sur le web {q}{d}",),
    },
}

FOLLOW: dict[str, L] = {
    "read_first": {
        "en": (", then read the first file{d} and tell me what it contains",),
        "es": (" y luego lee el primer archivo{d} y dime qué contiene",),
        "de": (" und lies dann die erste Datei{d}",),
        "fr": (", puis lis le premier fichier{d} et dis-moi ce qu'il contient",),
    },
    "read_match": {
        "en": (", then read the file with the first match{d}",),
        "es": (" y luego lee el archivo de la primera coincidencia{d}",),
        "de": (" und lies dann die Datei mit dem ersten Treffer{d}",),
        "fr": (", puis lis le fichier de la première correspondance{d}",),
    },
    "read_also": {
        "en": (", then read {path}{d} as well and compare them",),
        "es": (" y después lee también {path}{d} y compáralos",),
        "de": (" und lies danach auch {path}{d} zum Vergleich",),
        "fr": (", puis lis aussi {path}{d} pour comparer",),
    },
    "open_top": {
        "en": (", then open the top result{d} and summarise it",),
        "es": (" y luego abre el primer resultado{d} y resúmelo",),
        "de": (" und öffne dann den ersten Treffer{d}",),
        "fr": (", puis ouvre le premier résultat{d} et résume-le",),
    },
    "search_also": {
        "en": (", then also search for {q}{d}",),
        "es": (" y busca también {q}{d}",),
        "de": (" und suche danach auch nach {q}{d}",),
        "fr": (", puis cherche aussi {q}{d}",),
    },
    "code.sum": {
        "en": (", then use {language} to add up its numeric values{d}",),
        "es": (" y luego usa {language} para sumar sus valores numéricos{d}",),
        "de": (" und addiere dann mit {language} ihre Zahlenwerte{d}",),
        "fr": (", puis utilise {language} pour additionner ses valeurs numériques{d}",),
    },
    "code.max": {
        "en": (", then use {language} to find the largest of its numeric values{d}",),
        "es": (" y luego usa {language} para hallar el mayor de sus valores numéricos{d}",),
        "de": (" und bestimme dann mit {language} ihren größten Zahlenwert{d}",),
        "fr": (", puis utilise {language} pour trouver la plus grande de ses valeurs{d}",),
    },
    "code.col": {
        "en": (", then use {language} to add up the {column} column{d}",),
        "es": (" y luego usa {language} para sumar la columna {column}{d}",),
        "de": (" und addiere dann mit {language} die Spalte {column}{d}",),
        "fr": (", puis utilise {language} pour additionner la colonne {column}{d}",),
    },
    "code.pct": {
        "en": (
            ", then use {language} to compute what a {base} ms baseline becomes "
            "with that reduction{d}",
        ),
        "es": (
            " y luego usa {language} para calcular en qué queda una base de {base} ms "
            "con esa reducción{d}",
        ),
        "de": (" und berechne dann mit {language}, was aus {base} ms mit dieser Senkung wird{d}",),
        "fr": (
            ", puis utilise {language} pour calculer ce que devient une base de "
            "{base} ms avec cette réduction{d}",
        ),
    },
}
CODE_PAIR: L = {
    "en": ("Run these two {language} snippets{d} and compare what they print:\n{block}\n{block2}",),
    "es": (
        "Ejecuta estos dos fragmentos de {language}{d} y compara lo que "
        "imprimen:\n{block}\n{block2}",
    ),
    "de": (
        "Führe diese zwei {language}-Snippets aus{d} und vergleiche die "
        "Ausgaben:\n{block}\n{block2}",
    ),
    "fr": (
        "Exécute ces deux extraits {language}{d} et compare ce qu'ils affichent "
        ":\n{block}\n{block2}",
    ),
}


def task(rng: random.Random, name: str, args: dict[str, Any], lang: str, **extra: Any) -> str:
    fields = dict(args, **extra)
    return rng.choice(TASKS[name][lang]).format(d=detail(name, args, lang), **fields)


def lead(rng: random.Random, name: str, args: dict[str, Any], lang: str) -> str:
    return rng.choice(LEADS[name][lang]).format(d=detail(name, args, lang), **args)


def follow(
    rng: random.Random, key: str, name: str, args: dict[str, Any], lang: str, **extra: Any
) -> str:
    fields = dict(args, **extra)
    return rng.choice(FOLLOW[key][lang]).format(d=detail(name, args, lang), **fields)


def code_pair(rng: random.Random, args: dict[str, Any], lang: str, **extra: Any) -> str:
    return rng.choice(CODE_PAIR[lang]).format(d=detail("code.run", args, lang), **extra)
