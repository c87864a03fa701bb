"""User requests, one family of templates per intent, in en/es/de/fr (the families
for each kind of tool in file_requests, web_requests and code_requests), and the
locale probe's asks.

A request names exactly what the calls then do (the path, the query, the
snippet, the options in parentheses), so every argument is derivable from
the prompt; and it never states a value that only a tool returns.
"""

from __future__ import annotations

import random

from pipeline.gen.code_requests import CODE_REQUESTS
from pipeline.gen.file_requests import FILE_REQUESTS
from pipeline.gen.lang import grammar
from pipeline.gen.web_requests import WEB_REQUESTS

R: dict[str, dict[str, tuple[str, ...]]] = {
    **FILE_REQUESTS,
    **WEB_REQUESTS,
    **CODE_REQUESTS,
    # A call the user writes out with its raw arguments (an adversarial item).
    "malformed": {
        "en": ("Call {name} with these arguments and tell me what you get: {raw}",),
        "es": ("Llama a {name} con estos argumentos y dime qué obtienes: {raw}",),
        "de": ("Ruf {name} mit diesen Argumenten auf und sag mir, was herauskommt: {raw}",),
        "fr": ("Appelle {name} avec ces arguments et dis-moi ce que tu obtiens : {raw}",),
    },
}
# A locale probe's question for the date (and size) its answer states the locale's way:
# the answer's last sentence is asked for, not tacked on (R12). "file" is the one file
# the request names, "named" one of two it names, "that" the file a listing or search
# picked (which the user cannot name), "page" an opened page, "top" the top result.
PROBE_ASKS: dict[str, dict[str, str]] = {
    "file": {
        "en": "Also tell me when the file was last modified and how big it is.",
        "es": "Dime también cuándo se modificó el archivo por última vez y cuánto ocupa.",
        "de": "Sag mir auch, wann die Datei zuletzt geändert wurde und wie groß sie ist.",
        "fr": "Dis-moi aussi quand le fichier a été modifié pour la dernière fois et quelle "
        "est sa taille.",
    },
    "named": {
        "en": "Also tell me when {path} was last modified and how big it is.",
        "es": "Dime también cuándo se modificó {path} por última vez y cuánto ocupa.",
        "de": "Sag mir auch, wann {path} zuletzt geändert wurde und wie groß die Datei ist.",
        "fr": "Dis-moi aussi quand {path} a été modifié pour la dernière fois et quelle est "
        "sa taille.",
    },
    "that": {
        "en": "Also tell me when that file was last modified and how big it is.",
        "es": "Dime también cuándo se modificó ese archivo por última vez y cuánto ocupa.",
        "de": "Sag mir auch, wann diese Datei zuletzt geändert wurde und wie groß sie ist.",
        "fr": "Dis-moi aussi quand ce fichier a été modifié pour la dernière fois et quelle "
        "est sa taille.",
    },
    "page": {
        "en": "Also tell me when the page was published.",
        "es": "Dime también cuándo se publicó la página.",
        "de": "Sag mir auch, wann der Artikel erschienen ist.",
        "fr": "Dis-moi aussi quand la page a été publiée.",
    },
    "top": {
        "en": "Also tell me when the top result was published.",
        "es": "Dime también cuándo se publicó el primer resultado.",
        "de": "Sag mir auch, wann der erste Treffer erschienen ist.",
        "fr": "Dis-moi aussi quand le premier résultat a été publié.",
    },
}


def probe_ask(lang: str, ask: str, /, **fields: object) -> str:
    return PROBE_ASKS[ask][lang].format(**fields)


def request(rng: random.Random, key: str, lang: str, /, **fields: object) -> str:
    return grammar(rng.choice(R[key][lang]).format(**fields), lang)
