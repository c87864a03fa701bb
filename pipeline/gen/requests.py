"""User requests, one family of templates per intent, in en/es/de/fr.

A request names exactly what the calls then do (the path, the query, the
snippet, the options in parentheses), so every argument is derivable from
the prompt; and it never states a value that only a tool returns.
"""

from __future__ import annotations

import random

from pipeline.gen.lang import grammar

L = dict[str, tuple[str, ...]]

R: dict[str, L] = {
    "read": {
        "en": (
            "Read {path}{d} and tell me what it contains.",
            "What is in {path}{d}?",
            "Can you open {path}{d} and describe it?",
        ),
        "es": ("Lee {path}{d} y dime qué contiene.", "¿Qué hay en {path}{d}?"),
        "de": ("Lies {path}{d} und sag mir, was darin steht.", "Was steht in {path}{d}?"),
        "fr": ("Lis {path}{d} et dis-moi ce qu'il contient.", "Que contient {path}{d} ?"),
    },
    "values": {
        "en": (
            "What are {keys} set to in {path}{d}?",
            "Give me the values of {keys} from {path}{d}.",
        ),
        "es": (
            "¿Qué valores tienen {keys} en {path}{d}?",
            "Dame los valores de {keys} en {path}{d}.",
        ),
        "de": (
            "Welche Werte haben {keys} in {path}{d}?",
            "Nenne mir die Werte von {keys} aus {path}{d}.",
        ),
        "fr": (
            "Quelles sont les valeurs de {keys} dans {path}{d} ?",
            "Donne-moi les valeurs de {keys} dans {path}{d}.",
        ),
    },
    "list": {
        "en": ("List the files in {dir}{d}.", "Which files are in {dir}{d}?"),
        "es": ("Lista los archivos de {dir}{d}.", "¿Qué archivos hay en {dir}{d}?"),
        "de": ("Zeig mir die Dateien in {dir}{d}.", "Welche Dateien liegen in {dir}{d}?"),
        "fr": ("Liste les fichiers de {dir}{d}.", "Quels fichiers y a-t-il dans {dir}{d} ?"),
    },
    "count": {
        "en": ("How many files are in {dir}{d}?",),
        "es": ("¿Cuántos archivos hay en {dir}{d}?",),
        "de": ("Wie viele Dateien liegen in {dir}{d}?",),
        "fr": ("Combien de fichiers y a-t-il dans {dir}{d} ?",),
    },
    "search": {
        "en": (
            "Where does `{pattern}` appear in the repository{d}?",
            "Find every occurrence of `{pattern}`{d}.",
        ),
        "es": (
            "¿Dónde aparece `{pattern}` en el repositorio{d}?",
            "Encuentra todas las apariciones de `{pattern}`{d}.",
        ),
        "de": (
            "Wo kommt `{pattern}` im Repository vor{d}?",
            "Finde alle Vorkommen von `{pattern}`{d}.",
        ),
        "fr": (
            "Où apparaît `{pattern}` dans le dépôt{d} ?",
            "Trouve toutes les occurrences de `{pattern}`{d}.",
        ),
    },
    "compare.files": {
        "en": (
            "Compare the {key} setting of {p1} and {p2}{d}.",
            "How does {key} differ between {p1} and {p2}{d}?",
        ),
        "es": (
            "Compara el ajuste {key} de {p1} y {p2}{d}.",
            "¿En qué se diferencia {key} entre {p1} y {p2}{d}?",
        ),
        "de": (
            "Vergleiche die Einstellung {key} in {p1} und {p2}{d}.",
            "Wie unterscheidet sich {key} zwischen {p1} und {p2}{d}?",
        ),
        "fr": (
            "Compare le paramètre {key} de {p1} et de {p2}{d}.",
            "En quoi {key} diffère-t-il entre {p1} et {p2}{d} ?",
        ),
    },
    "list.read": {
        "en": (
            "List the files in {dir}{d}, then read the first one{d2} and tell me what it contains.",
        ),
        "es": ("Lista los archivos de {dir}{d} y luego lee el primero{d2} y dime qué contiene.",),
        "de": (
            "Zeig mir die Dateien in {dir}{d}, lies dann die erste{d2} und sag mir, was darin "
            "steht.",
        ),
        "fr": (
            "Liste les fichiers de {dir}{d}, puis lis le premier{d2} et dis-moi ce qu'il contient.",
        ),
    },
    "search.read": {
        "en": ("Find where `{pattern}` appears{d}, then read the file with the first match{d2}.",),
        "es": (
            "Busca dónde aparece `{pattern}`{d} y luego lee el archivo de la primera "
            "coincidencia{d2}.",
        ),
        "de": (
            "Finde heraus, wo `{pattern}` vorkommt{d}, und lies dann die Datei mit dem ersten "
            "Treffer{d2}.",
        ),
        "fr": (
            "Trouve où apparaît `{pattern}`{d}, puis lis le fichier de la première occurrence{d2}.",
        ),
    },
    "web.search": {
        "en": (
            "Search the web for {topic}{d} and sum up the main finding.",
            "Look up {topic}{d} and tell me the key result.",
        ),
        "es": (
            "Busca en la web información sobre {topic}{d} y resume el hallazgo principal.",
            "Consulta qué se sabe de {topic}{d} y dime el resultado clave.",
        ),
        "de": (
            "Suche im Web nach {topic}{d} und fasse das wichtigste Ergebnis zusammen.",
            "Schau nach, was über {topic_acc}{d} bekannt ist, und nenne mir das Kernergebnis.",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d} et résume le résultat principal.",
            "Regarde ce qu'on sait sur {topic}{d} et donne-moi le résultat clé.",
        ),
    },
    "web.sources": {
        "en": (
            "What do sources say about {topic}{d}?",
            "Find out what has been measured about {topic}{d}.",
        ),
        "es": (
            "¿Qué dicen las fuentes sobre {topic}{d}?",
            "Averigua qué se ha medido sobre {topic}{d}.",
        ),
        "de": (
            "Was sagen die Quellen zu {topic}{d}?",
            "Finde heraus, was zu {topic}{d} gemessen wurde.",
        ),
        "fr": (
            "Que disent les sources sur {topic}{d} ?",
            "Renseigne-toi sur {topic}{d} : qu'a-t-on mesuré ?",
        ),
    },
    "web.list": {
        "en": (
            "Search the web for {topic}{d} and list the results.",
            "Which pages cover {topic}{d}?",
        ),
        "es": (
            "Busca en la web información sobre {topic}{d} y enumera los resultados.",
            "¿Qué páginas tratan {topic}{d}?",
        ),
        "de": (
            "Suche im Web nach {topic}{d} und liste die Treffer auf.",
            "Welche Seiten behandeln {topic_acc}{d}?",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d} et liste les résultats.",
            "Quelles pages parlent {topic_de}{d} ?",
        ),
    },
    "web.open": {
        "en": ("Open {url}{d} and summarise the page.", "What does the page {url} say{d}?"),
        "es": ("Abre {url}{d} y resume la página.", "¿Qué dice la página {url}{d}?"),
        "de": ("Öffne {url}{d} und fasse die Seite zusammen.", "Was steht auf der Seite {url}{d}?"),
        "fr": ("Ouvre {url}{d} et résume la page.", "Que dit la page {url}{d} ?"),
    },
    "web.search.open": {
        "en": ("Search the web for {topic}{d}, then open the top result{d2} and summarise it.",),
        "es": (
            "Busca en la web información sobre {topic}{d}, abre luego el primer resultado{d2} "
            "y resúmelo.",
        ),
        "de": (
            "Suche im Web nach {topic}{d}, öffne dann den ersten Treffer{d2} und fasse ihn "
            "zusammen.",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d}, puis ouvre le premier "
            "résultat{d2} "
            "et résume-le.",
        ),
    },
    "web.compare": {
        "en": (
            "For {subject}, which cuts the {metric} more: {t1} or {t2}? Compare what the web "
            "says{d}.",
        ),
        "es": (
            "En {subject}, ¿qué reduce más {metric}: {t1} o {t2}? Compara lo que dice la web{d}.",
        ),
        "de": (
            "Was senkt bei {subject} {metric} stärker, {t1} oder {t2}? Vergleiche, was im Web "
            "steht{d}.",
        ),
        "fr": (
            "Pour {subject}, qu'est-ce qui réduit le plus {metric} : {t1} ou {t2} ? "
            "Compare ce que dit le web{d}.",
        ),
    },
    "code.run": {
        "en": (
            "Run this {language} snippet{d} and tell me what it prints:\n{block}",
            "What does this {language} code print{d}?\n{block}",
        ),
        "es": ("Ejecuta este fragmento de {language}{d} y dime qué imprime:\n{block}",),
        "de": ("Führe dieses {language}-Snippet{d} aus und sag mir, was es ausgibt:\n{block}",),
        "fr": ("Exécute ce code {language}{d} et dis-moi ce qu'il affiche :\n{block}",),
    },
    "code.compare": {
        "en": (
            "Run these two {language} snippets{d} and compare what they print:\n{block}\n{block2}",
        ),
        "es": (
            "Ejecuta estos dos fragmentos de {language}{d} y compara lo que "
            "imprimen:\n{block}\n{block2}",
        ),
        "de": (
            "Führe diese zwei {language}-Snippets{d} aus und vergleiche ihre "
            "Ausgaben:\n{block}\n{block2}",
        ),
        "fr": (
            "Exécute ces deux extraits {language}{d} et compare ce qu'ils affichent "
            ":\n{block}\n{block2}",
        ),
    },
    "multi.search": {
        "en": (
            "Search for `{pattern}`{d}, read the file with the first match{d2}, then use "
            "{language} "
            "to {op} its integer settings{d3}.",
        ),
        "es": (
            "Busca `{pattern}`{d}, lee el archivo de la primera coincidencia{d2} y luego usa "
            "{language} "
            "para {op} los valores enteros de sus ajustes{d3}.",
        ),
        "de": (
            "Suche nach `{pattern}`{d}, lies die Datei mit dem ersten Treffer{d2} und {op}{d3}.",
        ),
        "fr": (
            "Cherche `{pattern}`{d}, lis le fichier de la première occurrence{d2}, puis "
            "utilise {language} "
            "pour {op} ses paramètres entiers{d3}.",
        ),
    },
    "multi.list": {
        "en": (
            "List the files in {dir}{d}, read the first {fmt} file{d2}, then use {language} "
            "to {op} its integer settings{d3}.",
        ),
        "es": (
            "Lista los archivos de {dir}{d}, lee el primer archivo {fmt}{d2} y luego usa "
            "{language} "
            "para {op} los valores enteros de sus ajustes{d3}.",
        ),
        "de": ("Zeig mir die Dateien in {dir}{d}, lies die erste {fmt}-Datei{d2} und {op}{d3}.",),
        "fr": (
            "Liste les fichiers de {dir}{d}, lis le premier fichier {fmt}{d2}, puis utilise "
            "{language} "
            "pour {op} ses paramètres entiers{d3}.",
        ),
    },
    "multi.column": {
        "en": ("Read {path}{d}, then use {language} to add up its {column} column{d2}.",),
        "es": ("Lee {path}{d} y luego usa {language} para sumar su columna {column}{d2}.",),
        "de": ("Lies {path}{d} und addiere dann mit {language} die Spalte {column}{d2}.",),
        "fr": ("Lis {path}{d}, puis utilise {language} pour additionner sa colonne {column}{d2}.",),
    },
    "multi.baseline": {
        "en": (
            "Search the web for {topic}{d}, open the top result{d2}, then use {language} to "
            "work out "
            "what my baseline of {base} {unit} becomes with that cut{d3}.",
        ),
        "es": (
            "Busca en la web información sobre {topic}{d}, abre el primer resultado{d2} y "
            "luego usa {language} "
            "para calcular "
            "en qué queda mi valor de referencia de {base} {unit} con esa reducción{d3}.",
        ),
        "de": (
            "Suche im Web nach {topic}{d}, öffne den ersten Treffer{d2} und berechne dann mit "
            "{language}, "
            "was aus meinem Ausgangswert von {base} {unit} mit dieser Senkung wird{d3}.",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d}, ouvre le premier résultat{d2}, "
            "puis utilise {language} pour "
            "calculer ce que devient ma valeur de référence de {base} {unit} avec la baisse "
            "annoncée{d3}.",
        ),
    },
    "malformed": {
        "en": ("Call {name} with these arguments and tell me what you get: {raw}",),
        "es": ("Llama a {name} con estos argumentos y dime qué obtienes: {raw}",),
        "de": ("Ruf {name} mit diesen Argumenten auf und sag mir, was herauskommt: {raw}",),
        "fr": ("Appelle {name} avec ces arguments et dis-moi ce que tu obtiens : {raw}",),
    },
}
# What a multi-step chain computes from the values it read ({op} in the templates).
# German says the whole clause ("addiere dann mit Python ihre ...").
OPS = {
    "sum": {
        "en": "add up",
        "es": "sumar",
        "de": "addiere dann mit {language} ihre ganzzahligen Einstellungen",
        "fr": "additionner",
    },
    "max": {
        "en": "find the largest of",
        "es": "hallar el mayor de",
        "de": "bestimme dann mit {language} den größten Wert ihrer ganzzahligen Einstellungen",
        "fr": "trouver le plus grand de",
    },
}


# Why the user asks, sometimes: real requests carry their context.
CONTEXT = {
    "en": (
        "We are planning a migration.",
        "It is for a design review.",
        "Our team is evaluating it.",
        "I need it for a capacity plan.",
        "Keep it short, please.",
        "We saw a regression last week.",
        "This is for an incident write-up.",
        "I am preparing a tech talk.",
        "Our on-call rotation asked about it.",
        "We want a second opinion.",
    ),
    "es": (
        "Estamos planeando una migración.",
        "Es para una revisión de diseño.",
        "Mi equipo lo está evaluando.",
        "Lo necesito para planificar capacidad.",
        "Sé breve, por favor.",
        "La semana pasada vimos una regresión.",
        "Es para el informe de un incidente.",
        "Estoy preparando una charla técnica.",
    ),
    "de": (
        "Wir planen eine Migration.",
        "Das ist für ein Design-Review.",
        "Unser Team evaluiert das gerade.",
        "Ich brauche das für die Kapazitätsplanung.",
        "Bitte kurz halten.",
        "Letzte Woche hatten wir eine Regression.",
        "Das ist für einen Incident-Bericht.",
        "Ich bereite einen Vortrag vor.",
    ),
    "fr": (
        "Nous préparons une migration.",
        "C'est pour une revue de conception.",
        "Mon équipe est en train de l'évaluer.",
        "J'en ai besoin pour un plan de capacité.",
        "Fais court, s'il te plaît.",
        "Nous avons vu une régression la semaine dernière.",
        "C'est pour le compte rendu d'un incident.",
        "Je prépare une présentation technique.",
    ),
}


def request(rng: random.Random, key: str, lang: str, /, **fields: object) -> str:
    return grammar(rng.choice(R[key][lang]).format(**fields), lang)


def with_context(rng: random.Random, text: str, lang: str) -> str:
    """The request, now and then followed by why the user asks."""
    if rng.random() < 0.5:
        return f"{text} {rng.choice(CONTEXT[lang])}"
    return text
