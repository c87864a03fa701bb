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
    # A count with an order: the order only shows in the listing, so the user asks for it.
    "count.list": {
        "en": ("How many files are in {dir}? List them{d}.",),
        "es": ("¿Cuántos archivos hay en {dir}? Enuméralos{d}.",),
        "de": ("Wie viele Dateien liegen in {dir}? Liste sie auf{d}.",),
        "fr": ("Combien de fichiers y a-t-il dans {dir} ? Liste-les{d}.",),
    },
    "search": {
        "en": (
            "Where does `{pattern}` appear in the repository{d}?",
            "Find every occurrence of `{pattern}`{d}.",
            "In which files does `{pattern}` appear{d}?",
            "Find where `{pattern}` is used{d} and list the matches.",
        ),
        "es": (
            "¿Dónde aparece `{pattern}` en el repositorio{d}?",
            "Encuentra todas las apariciones de `{pattern}`{d}.",
            "¿En qué archivos aparece `{pattern}`{d}?",
            "Busca `{pattern}` en el repositorio{d} y enumera las coincidencias.",
        ),
        "de": (
            "Wo kommt `{pattern}` im Repository vor{d}?",
            "Finde alle Vorkommen von `{pattern}`{d}.",
            "Welche Dateien enthalten `{pattern}`{d}?",
            "Such `{pattern}` im Repository{d} und liste die Treffer auf.",
        ),
        "fr": (
            "Où apparaît `{pattern}` dans le dépôt{d} ?",
            "Trouve toutes les occurrences de `{pattern}`{d}.",
            "Quels fichiers contiennent `{pattern}`{d} ?",
            "Cherche `{pattern}` dans le dépôt{d} et liste les occurrences.",
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
            "What has been reported on {topic}{d}? Give me the headline result.",
            "Find a source on {topic}{d} and tell me its main finding.",
        ),
        "es": (
            "Busca en la web información sobre {topic}{d} y resume el hallazgo principal.",
            "Consulta qué se sabe de {topic}{d} y dime el resultado clave.",
            "¿Qué se ha publicado sobre {topic}{d}? Dame el resultado principal.",
            "Busca una fuente sobre {topic}{d} y cuéntame su conclusión principal.",
        ),
        "de": (
            "Suche im Web nach {topic}{d} und fasse das wichtigste Ergebnis zusammen.",
            "Schau nach, was über {topic_acc}{d} bekannt ist, und nenne mir das Kernergebnis.",
            "Was wurde zu {topic}{d} veröffentlicht? Nenne mir das wichtigste Ergebnis.",
            "Such mir eine Quelle zu {topic}{d} und fasse ihr Hauptergebnis zusammen.",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d} et résume le résultat principal.",
            "Regarde ce qu'on sait sur {topic}{d} et donne-moi le résultat clé.",
            "Qu'a-t-on publié sur {topic}{d} ? Donne-moi le résultat principal.",
            "Trouve une source sur {topic}{d} et résume sa conclusion principale.",
        ),
    },
    "web.sources": {
        "en": (
            "What do sources say about {topic}{d}?",
            "Find out what has been measured about {topic}{d}.",
            "What results have been published on {topic}{d}?",
            "Gather what the sources report on {topic}{d}.",
        ),
        "es": (
            "¿Qué dicen las fuentes sobre {topic}{d}?",
            "Averigua qué se ha medido sobre {topic}{d}.",
            "¿Qué resultados se han publicado sobre {topic}{d}?",
            "Reúne lo que cuentan las fuentes sobre {topic}{d}.",
        ),
        "de": (
            "Was sagen die Quellen zu {topic}{d}?",
            "Finde heraus, was zu {topic}{d} gemessen wurde.",
            "Welche Messergebnisse gibt es zu {topic}{d}?",
            "Trag zusammen, was die Quellen zu {topic}{d} berichten.",
        ),
        "fr": (
            "Que disent les sources sur {topic}{d} ?",
            "Renseigne-toi sur {topic}{d} : qu'a-t-on mesuré ?",
            "Quels résultats a-t-on publiés sur {topic}{d} ?",
            "Rassemble ce que disent les sources sur {topic}{d}.",
        ),
    },
    "web.list": {
        "en": (
            "Search the web for {topic}{d} and list the results.",
            "Which pages cover {topic}{d}?",
            "Find pages about {topic}{d} and list them for me.",
            "Which pages does a web search for {topic}{d} return?",
        ),
        "es": (
            "Busca en la web información sobre {topic}{d} y enumera los resultados.",
            "¿Qué páginas tratan {topic}{d}?",
            "Busca páginas sobre {topic}{d} y enuméralas.",
            "¿Qué páginas devuelve una búsqueda sobre {topic}{d}?",
        ),
        "de": (
            "Suche im Web nach {topic}{d} und liste die Treffer auf.",
            "Welche Seiten behandeln {topic_acc}{d}?",
            "Such Seiten zu {topic}{d} und liste sie mir auf.",
            "Welche Seiten liefert eine Websuche nach {topic}{d}?",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d} et liste les résultats.",
            "Quelles pages parlent {topic_de}{d} ?",
            "Trouve des pages sur {topic}{d} et liste-les-moi.",
            "Quelles pages une recherche sur {topic}{d} renvoie-t-elle ?",
        ),
    },
    "web.open": {
        "en": ("Open {url}{d} and summarise the page.", "What does the page {url} say{d}?"),
        "es": ("Abre {url}{d} y resume la página.", "¿Qué dice la página {url}{d}?"),
        "de": ("Öffne {url}{d} und fasse die Seite zusammen.", "Was steht auf der Seite {url}{d}?"),
        "fr": ("Ouvre {url}{d} et résume la page.", "Que dit la page {url}{d} ?"),
    },
    "web.search.open": {
        "en": (
            "Search the web for {topic}{d}, then open the top result{d2} and summarise it.",
            "Look up {topic}{d}, open the first result{d2} and give me a summary of it.",
            "Find the top search result for {topic}{d}, open it{d2} and tell me what it says.",
        ),
        "es": (
            "Busca en la web información sobre {topic}{d}, abre luego el primer resultado{d2} "
            "y resúmelo.",
            "Haz una búsqueda sobre {topic}{d}, abre el primer resultado{d2} y cuéntame qué dice.",
        ),
        "de": (
            "Suche im Web nach {topic}{d}, öffne dann den ersten Treffer{d2} und fasse ihn "
            "zusammen.",
            "Recherchiere zu {topic}{d}, öffne den ersten Treffer{d2} und sag mir, was darin "
            "steht.",
        ),
        "fr": (
            "Cherche sur le web des informations sur {topic}{d}, puis ouvre le premier "
            "résultat{d2} "
            "et résume-le.",
            "Fais une recherche sur {topic}{d}, ouvre le premier résultat{d2} et dis-moi ce qu'il "
            "contient.",
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


# Why the user asks, sometimes: real requests carry their context. None of these
# names a value, an operation or a file, so none changes what the calls must do.
CONTEXT: L = {
    "en": (
        "We are planning a migration.",
        "It is for a design review.",
        "Keep it short, please.",
        "We saw a regression last week.",
        "This is for an incident write-up.",
        "The on-call engineer asked me to check.",
        "We want a second opinion.",
        "I'm reviewing a pull request.",
        "This is for tomorrow's stand-up.",
        "A teammate asked me to look into it.",
        "I'm writing the release notes.",
        "Thanks in advance.",
        "No rush.",
        "I'm on a deadline, so please be quick.",
    ),
    "es": (
        "Estamos planeando una migración.",
        "Es para una revisión de diseño.",
        "Sé breve, por favor.",
        "La semana pasada vimos una regresión.",
        "Es para el informe de un incidente.",
        "La persona de guardia me pidió que lo revisara.",
        "Queremos una segunda opinión.",
        "Estoy revisando un pull request.",
        "Es para la reunión diaria de mañana.",
        "Alguien del equipo me pidió que lo mirara.",
        "Estoy redactando las notas de la versión.",
        "Gracias de antemano.",
        "Sin prisa.",
        "Voy con el tiempo justo, así que date prisa, por favor.",
    ),
    "de": (
        "Wir planen eine Migration.",
        "Das ist für ein Design-Review.",
        "Bitte kurz halten.",
        "Letzte Woche hatten wir eine Regression.",
        "Das ist für einen Incident-Bericht.",
        "Die Rufbereitschaft hat mich gebeten, das zu prüfen.",
        "Wir hätten gern eine zweite Meinung.",
        "Ich reviewe gerade einen Pull-Request.",
        "Das ist fürs Stand-up morgen.",
        "Jemand aus dem Team hat mich gebeten, mir das anzusehen.",
        "Ich schreibe gerade die Release Notes.",
        "Danke im Voraus.",
        "Keine Eile.",
        "Ich habe eine Deadline, also bitte schnell.",
    ),
    "fr": (
        "Nous préparons une migration.",
        "C'est pour une revue de conception.",
        "Fais court, s'il te plaît.",
        "Nous avons vu une régression la semaine dernière.",
        "C'est pour le compte rendu d'un incident.",
        "L'astreinte m'a demandé de vérifier.",
        "Nous voulons un deuxième avis.",
        "Je relis une pull request.",
        "C'est pour le point quotidien de demain.",
        "Un collègue m'a demandé d'y jeter un œil.",
        "Je rédige les notes de version.",
        "Merci d'avance.",
        "Rien d'urgent.",
        "J'ai une échéance, alors fais vite, s'il te plaît.",
    ),
}
# Context that only fits a question about a technique on the web.
WEB_CONTEXT: L = {
    "en": (
        "Our team is evaluating it.",
        "I need it for a capacity plan.",
        "I am preparing a tech talk.",
        "I want to cite it in a proposal.",
    ),
    "es": (
        "Mi equipo lo está evaluando.",
        "Lo necesito para planificar capacidad.",
        "Estoy preparando una charla técnica.",
        "Quiero citarlo en una propuesta.",
    ),
    "de": (
        "Unser Team evaluiert das gerade.",
        "Ich brauche das für die Kapazitätsplanung.",
        "Ich bereite einen Vortrag vor.",
        "Ich möchte das in einem Konzeptpapier zitieren.",
    ),
    "fr": (
        "Mon équipe est en train de l'évaluer.",
        "J'en ai besoin pour un plan de capacité.",
        "Je prépare une présentation technique.",
        "Je veux le citer dans une proposition.",
    ),
}
# Context that only fits a question about the user's own repository or code.
REPO_CONTEXT: L = {
    "en": ("I'm new to this codebase.", "We're cleaning up the repository."),
    "es": ("Acabo de llegar a este proyecto.", "Estamos limpiando el repositorio."),
    "de": ("Ich bin neu in diesem Projekt.", "Wir räumen gerade das Repository auf."),
    "fr": ("Je viens d'arriver sur ce projet.", "Nous faisons le ménage dans le dépôt."),
}
CONTEXT_SHARE = 0.6


def request(rng: random.Random, key: str, lang: str, /, **fields: object) -> str:
    return grammar(rng.choice(R[key][lang]).format(**fields), lang)


def with_context(rng: random.Random, text: str, lang: str, tools: frozenset[str]) -> str:
    """The request, often with why the user asks: after a one-line request, before one
    that ends in a code block. `tools` are the families the calls use ("web", "fs", ...)."""
    if rng.random() >= CONTEXT_SHARE:
        return text
    pool = CONTEXT[lang]
    if "web" in tools:
        pool += WEB_CONTEXT[lang]
    if tools & {"fs", "code"}:
        pool += REPO_CONTEXT[lang]
    why = rng.choice(pool)
    return f"{why} {text}" if "\n" in text else f"{text} {why}"
