"""Requests for the file tools (fs.read, fs.list, fs.search), one family of templates
per intent, in en/es/de/fr: read, values, list, count, search, compare two files, and
the chains that list or search, then read.
"""

FILE_REQUESTS: dict[str, dict[str, tuple[str, ...]]] = {
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
            "Find the lines that contain `{pattern}`{d} and list them.",
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
}
