"""Requests that run code (code.run), one family of templates per intent, in
en/es/de/fr: a snippet, two snippets compared, and the chains that read values
(from a file, a column, a page) and compute with them ({op}).
"""

CODE_REQUESTS: dict[str, dict[str, tuple[str, ...]]] = {
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
