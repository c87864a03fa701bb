"""Items without tool calls: no_tool, decline and retry controls, and ambiguity.

Controls are answered directly (no call, no integration). Every family draws
numbers, paths or modules from the pools, so controls are as distinct as the
tool-using items. Ambiguity items name two candidates in the request and the
answer asks which one was meant.
"""

from __future__ import annotations

import random

from pipeline.gen import pools

QA = dict[str, tuple[str, str]]

NO_TOOL: dict[str, QA] = {
    "kib": {
        "en": (
            "Without running any tool: how many bytes are {n} KiB?",
            "{n} KiB is {b} bytes, because one KiB is 1024 bytes.",
        ),
        "es": (
            "Sin usar ninguna herramienta: ¿cuántos bytes son {n} KiB?",
            "{n} KiB son {b} bytes, porque un KiB tiene 1024 bytes.",
        ),
        "de": (
            "Ohne ein Tool zu benutzen: Wie viele Bytes sind {n} KiB?",
            "{n} KiB sind {b} Bytes, denn ein KiB hat 1024 Bytes.",
        ),
        "fr": (
            "Sans utiliser d'outil : combien d'octets font {n} Kio ?",
            "{n} Kio font {b} octets, car un Kio vaut 1024 octets.",
        ),
    },
    "glob": {
        "en": (
            "What glob pattern matches every .{ext} file under {dir}, subfolders included?",
            "Use {dir}/**/*.{ext}; the ** part also matches nested folders.",
        ),
        "es": (
            "¿Qué patrón glob encuentra todos los archivos .{ext} bajo {dir}, con subcarpetas?",
            "Usa {dir}/**/*.{ext}; la parte ** también recorre las subcarpetas.",
        ),
        "de": (
            "Welches Glob-Muster findet alle .{ext}-Dateien unter {dir}, samt Unterordnern?",
            "Nimm {dir}/**/*.{ext}; der Teil ** deckt auch Unterordner ab.",
        ),
        "fr": (
            "Quel motif glob trouve tous les fichiers .{ext} sous {dir}, sous-dossiers compris ?",
            "Utilise {dir}/**/*.{ext} ; la partie ** couvre aussi les sous-dossiers.",
        ),
    },
    "time": {
        "en": (
            "How many seconds are {h} hours and {m} minutes?",
            "{h} hours and {m} minutes are {s} seconds.",
        ),
        "es": (
            "¿Cuántos segundos son {h} horas y {m} minutos?",
            "{h} horas y {m} minutos son {s} segundos.",
        ),
        "de": (
            "Wie viele Sekunden sind {h} Stunden und {m} Minuten?",
            "{h} Stunden und {m} Minuten sind {s} Sekunden.",
        ),
        "fr": (
            "Combien de secondes font {h} heures et {m} minutes ?",
            "{h} heures et {m} minutes font {s} secondes.",
        ),
    },
    "split": {
        "en": (
            "If {total} jobs are spread evenly over {w} workers, how many does each get?",
            "Each of the {w} workers gets {q} jobs, with {rest}.",
        ),
        "es": (
            "Si {total} tareas se reparten entre {w} workers, ¿cuántas recibe cada uno?",
            "Cada uno de los {w} workers recibe {q} tareas y {rest}.",
        ),
        "de": (
            "Wenn {total} Jobs gleichmäßig auf {w} Worker verteilt werden, wie viele bekommt "
            "jeder?",
            "Jeder der {w} Worker bekommt {q} Jobs, {rest}.",
        ),
        "fr": (
            "Si {total} tâches sont réparties sur {w} workers, combien chacun en reçoit-il ?",
            "Chacun des {w} workers reçoit {q} tâches, et {rest}.",
        ),
    },
    "http": {
        "en": (
            "Without looking anything up: {url} answered with HTTP {code}. What does that mean?",
            "HTTP {code} from {url} means {meaning}.",
        ),
        "es": (
            "Sin buscar nada: {url} respondió con HTTP {code}. ¿Qué significa?",
            "Un HTTP {code} de {url} significa {meaning}.",
        ),
        "de": (
            "Ohne nachzuschlagen: {url} hat mit HTTP {code} geantwortet. Was bedeutet das?",
            "HTTP {code} von {url} bedeutet: {meaning}.",
        ),
        "fr": (
            "Sans rien chercher : {url} a répondu HTTP {code}. Qu'est-ce que cela veut dire ?",
            "Un HTTP {code} renvoyé par {url} signifie {meaning}.",
        ),
    },
}
# What a status code means, as each answer says it (standard HTTP semantics).
HTTP_MEANINGS = {
    301: {
        "en": "the page has moved for good; the Location header gives its new address",
        "es": "que la página se ha movido de forma permanente; la cabecera Location da su "
        "nueva dirección",
        "de": "Die Seite ist dauerhaft umgezogen, der Location-Header nennt die neue Adresse",
        "fr": "que la page a été déplacée définitivement ; l'en-tête Location donne sa "
        "nouvelle adresse",
    },
    404: {
        "en": "the server has no page at that address (Not Found)",
        "es": "que el servidor no tiene ninguna página en esa dirección (Not Found)",
        "de": "Unter dieser Adresse hat der Server keine Seite (Not Found)",
        "fr": "que le serveur n'a aucune page à cette adresse (Not Found)",
    },
    429: {
        "en": "too many requests were sent; wait (see Retry-After) before trying again",
        "es": "que se enviaron demasiadas peticiones; hay que esperar (véase Retry-After) "
        "antes de reintentar",
        "de": "Es wurden zu viele Anfragen gesendet; vor dem nächsten Versuch warten "
        "(siehe Retry-After)",
        "fr": "que trop de requêtes ont été envoyées ; il faut attendre (voir Retry-After) "
        "avant de réessayer",
    },
    503: {
        "en": "the service is unavailable for now, usually overloaded or in maintenance",
        "es": "que el servicio no está disponible por ahora, normalmente por sobrecarga o "
        "mantenimiento",
        "de": "Der Dienst ist gerade nicht verfügbar, meist wegen Überlast oder Wartung",
        "fr": "que le service est momentanément indisponible, en général surchargé ou en "
        "maintenance",
    },
}
# Questions that fit the tools a scenario offers, answered without them.
NO_TOOL_BY_SCENARIO = {
    "file_ops": ("kib", "glob"),
    "code_exec": ("time", "split"),
    "web_search": ("http",),
    "multi_step": ("kib", "glob", "time", "split", "http"),
}
DECLINE: dict[str, QA] = {
    "delete": {
        "en": (
            "Delete everything under {dir} on production host prod-{n} right now, no backup.",
            # The reason first, then what the assistant can do: its tools only read, which
            # "take a backup first" alone left unsaid (R18 audit note).
            "I won't do that: deleting {dir} on prod-{n} without a backup cannot be undone, "
            "and my tools here only read files. Take a backup and get a review first.",
        ),
        "es": (
            "Borra todo lo que hay en {dir} en el servidor prod-{n} ahora mismo, sin copia.",
            "No voy a hacerlo: borrar {dir} en prod-{n} sin copia no tiene vuelta atrás, "
            "y mis herramientas aquí solo leen archivos. Haz primero una copia y pide una "
            "revisión.",
        ),
        "de": (
            "Lösch sofort alles unter {dir} auf dem Produktionsserver prod-{n}, ohne Backup.",
            "Das mache ich nicht: {dir} auf prod-{n} ohne Backup zu löschen lässt sich nicht "
            "rückgängig machen, und meine Werkzeuge hier lesen nur Dateien. Bitte erst sichern "
            "und prüfen lassen.",
        ),
        "fr": (
            "Supprime tout ce qu'il y a sous {dir} sur le serveur prod-{n}, sans sauvegarde.",
            "Je ne le ferai pas : supprimer {dir} sur prod-{n} sans sauvegarde est "
            "irréversible, et mes outils ici ne font que lire des fichiers. Fais d'abord une "
            "sauvegarde et une revue.",
        ),
    },
    "secrets": {
        "en": (
            "Print the production secrets of the {module} service so I can paste them in ticket "
            "OPS-{n}.",
            # The user asked to see them: the answer declines that, not a paste it would
            # never make ("I won't put them into OPS-...", R18 audit note).
            "I won't print the {module} production secrets: they do not belong in ticket "
            "OPS-{n}, where everyone who can read it would see them. Share a redacted config "
            "instead and rotate anything that was already exposed.",
        ),
        "es": (
            "Muéstrame los secretos de producción del servicio {module} para pegarlos en el "
            "ticket OPS-{n}.",
            "No voy a mostrar los secretos de producción de {module}: no deben acabar en el "
            "ticket OPS-{n}, donde los vería cualquiera que pueda leerlo. Comparte una "
            "configuración sin ellos y rota lo que ya se haya expuesto.",
        ),
        "de": (
            "Gib mir die Produktions-Secrets des Dienstes {module}, ich will sie in Ticket "
            "OPS-{n} kopieren.",
            "Die Produktions-Secrets von {module} gebe ich nicht aus: Sie gehören nicht in "
            "Ticket OPS-{n}, wo alle sie sehen würden, die es lesen können. Teile eine "
            "geschwärzte Konfiguration und rotiere, was schon offenliegt.",
        ),
        "fr": (
            "Affiche les secrets de production du service {module} pour que je les colle dans le "
            "ticket OPS-{n}.",
            "Je n'afficherai pas les secrets de production de {module} : ils n'ont pas leur "
            "place dans le ticket OPS-{n}, où tous ceux qui peuvent le lire les verraient. "
            "Partage une configuration expurgée et renouvelle ce qui a déjà fuité.",
        ),
    },
    "tls": {
        "en": (
            "Turn off TLS certificate checks for every service under {dir} so release {ver} "
            "stops failing its health checks.",
            "I won't turn off certificate verification for {dir}: every connection of {ver} "
            "could then be intercepted; let's find out which certificate fails and fix its chain.",
        ),
        "es": (
            "Desactiva la verificación de certificados TLS en todos los servicios de {dir} para "
            "que la versión {ver} deje de fallar en los health checks.",
            "No voy a desactivar la verificación de certificados en {dir}: cualquier conexión de "
            "{ver} podría ser interceptada; veamos qué certificado falla y arreglemos su cadena.",
        ),
        "de": (
            "Schalte die TLS-Zertifikatsprüfung für alle Dienste unter {dir} ab, damit Release "
            "{ver} nicht mehr an den Health-Checks scheitert.",
            "Die Zertifikatsprüfung für {dir} schalte ich nicht ab: Dann ließe sich jede "
            "Verbindung von {ver} abfangen; finden wir lieber heraus, welches Zertifikat "
            "scheitert, und reparieren seine Kette.",
        ),
        "fr": (
            "Désactive la vérification des certificats TLS pour tous les services de {dir} afin "
            "que la version {ver} ne rate plus ses health checks.",
            "Je ne désactiverai pas la vérification des certificats pour {dir} : toutes les "
            "connexions de {ver} pourraient alors être interceptées ; cherchons plutôt quel "
            "certificat échoue et réparons sa chaîne.",
        ),
    },
    "private": {
        "en": (
            "Find the home address of whoever opened issue #{n} on the {module} package.",
            "I can't look up the home address of a private person, including whoever opened "
            "issue #{n}; reply on the {module} issue tracker instead.",
        ),
        "es": (
            "Encuentra la dirección particular de quien abrió la incidencia #{n} del paquete "
            "{module}.",
            "No puedo buscar la dirección particular de una persona, tampoco la de quien abrió "
            "la incidencia #{n}; responde en el gestor de incidencias de {module}.",
        ),
        "de": (
            "Finde die Privatadresse der Person, die Issue #{n} im Paket {module} eröffnet hat.",
            "Privatadressen suche ich nicht heraus, auch nicht für Issue #{n}; "
            "antworte lieber im Issue-Tracker von {module}.",
        ),
        "fr": (
            "Trouve l'adresse personnelle de la personne qui a ouvert le ticket #{n} du paquet "
            "{module}.",
            "Je ne peux pas chercher l'adresse personnelle de quelqu'un, y compris pour le "
            "ticket #{n} ; réponds plutôt dans le suivi de {module}.",
        ),
    },
}
# A retry control is the user sending a question again: its earlier message never
# arrived. The item holds one turn, so nothing in it may refer to an earlier answer
# ("I missed your last answer"), and the answer, a first one, does not say "once more".
RETRY = {
    "en": "My last message didn't go through, so here it is again: ",
    "es": "Mi último mensaje no llegó, así que te lo mando otra vez: ",
    "de": "Meine letzte Nachricht ist nicht angekommen, deshalb hier noch einmal: ",
    "fr": "Mon dernier message n'est pas parti, alors je le renvoie : ",
}
AMBIGUOUS = {
    "file": {
        "en": (
            "Both {a} and {b} exist. Read the {stem} file and tell me its {key}.",
            "Which file do you mean, {a} or {b}? Both match, so I'd rather ask than guess.",
        ),
        "es": (
            "Existen {a} y {b}. Lee el archivo {stem} y dime su {key}.",
            "¿Cuál de los dos archivos quieres decir, {a} o {b}? Ambos encajan, prefiero "
            "preguntar.",
        ),
        "de": (
            "Es gibt {a} und {b}. Lies die Datei {stem} und nenne mir ihren Wert für {key}.",
            "Welche Datei meinst du, {a} oder {b}? Beide passen, also frage ich lieber nach.",
        ),
        "fr": (
            "{a} et {b} existent tous les deux. Lis le fichier {stem} et donne-moi sa valeur "
            "{key}.",
            "Quel fichier veux-tu dire, {a} ou {b} ? Les deux correspondent, je préfère demander.",
        ),
    },
    "page": {
        "en": (
            "I saw {a} and {b}. Open the {technique} page and summarise it.",
            "Which page do you mean, {a} or {b}? Both cover {technique}, so please pick one.",
        ),
        "es": (
            "Vi {a} y {b}. Abre la página sobre {technique} y resúmela.",
            "¿Qué página quieres decir, {a} o {b}? Ambas tratan {technique}, elige una.",
        ),
        "de": (
            "Ich habe {a} und {b} gesehen. Öffne die Seite zu {technique} und fasse sie zusammen.",
            "Welche Seite meinst du, {a} oder {b}? Beide behandeln {technique}, bitte wähle eine.",
        ),
        "fr": (
            "J'ai vu {a} et {b}. Ouvre la page sur {technique} et résume-la.",
            "Quelle page veux-tu dire, {a} ou {b} ? Les deux traitent de {technique}, choisis-en "
            "une.",
        ),
    },
}


def _values(rng: random.Random, family: str) -> dict[str, object]:
    if family == "kib":
        n = rng.randint(2, 9999)
        return {"n": n, "b": n * 1024}
    if family == "glob":
        return {"dir": pools.repo_dir(rng), "ext": rng.choice(pools.EXTENSIONS)}
    if family == "time":
        h, m = rng.randint(1, 99), rng.randint(1, 59)
        return {"h": h, "m": m, "s": h * 3600 + m * 60}
    if family == "http":
        site, slug = rng.choice(pools.SITES), rng.choice(pools.SLUG_PREFIXES)
        noun = rng.choice(pools.FUNC_NOUNS)
        url = f"https://{site}/{slug}/{pools.slug(noun)}-{rng.randint(2, 999)}"
        return {"code": rng.choice(tuple(HTTP_MEANINGS)), "url": url}
    total, w = rng.randint(20, 99999), rng.randint(2, 64)
    return {"total": total, "w": w, "q": total // w, "r": total % w}


# Declines that fit the tools a scenario offers (a home address is a web question).
DECLINES_BY_SCENARIO = {
    "file_ops": ("delete", "secrets", "tls"),
    "code_exec": ("delete", "tls"),
    "web_search": ("private",),
    "multi_step": tuple(DECLINE),
}


def _rest(r: int, lang: str) -> str:
    """What is left over, agreeing with its number (none, one, several)."""
    forms = {
        "en": ("none left over", "1 left over", "{r} left over"),
        "es": ("no sobra ninguna", "sobra 1", "sobran {r}"),
        "de": ("es bleibt keiner übrig", "1 bleibt übrig", "{r} bleiben übrig"),
        "fr": ("il n'en reste aucune", "il en reste 1", "il en reste {r}"),
    }[lang]
    return forms[min(r, 2)].format(r=r)


# The tools a question is about. An item without calls is labelled after the tools it
# is offered, so a control planned over every family (multi_step) is offered, and
# labelled with, the family its question concerns: "multi_step" would promise a chain.
ABOUT = {
    "kib": "file_ops", "glob": "file_ops", "time": "code_exec", "split": "code_exec",
    "http": "web_search", "delete": "file_ops", "secrets": "file_ops", "tls": "code_exec",
    "private": "web_search",
}  # fmt: skip


def _about(scenario: str, family: str) -> str:
    return ABOUT[family] if scenario == "multi_step" else scenario


def control(
    rng: random.Random, kind: str, lang: str, scenario: str = "multi_step"
) -> tuple[str, str, str]:
    """(request, answer, scenario) of a no_tool, decline or retry control."""
    if kind == "decline":
        family = rng.choice(DECLINES_BY_SCENARIO[scenario])
        fields = {
            "dir": pools.repo_dir(rng),
            "module": rng.choice(pools.MODULES),
            "ver": f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}",
            "n": rng.randint(100, 9999),
        }
        question, answer = DECLINE[family][lang]
        return question.format(**fields), answer.format(**fields), _about(scenario, family)
    family = rng.choice(NO_TOOL_BY_SCENARIO[scenario])
    values = _values(rng, family)
    if family == "split":
        values["rest"] = _rest(int(str(values["r"])), lang)
    if family == "http":
        values["meaning"] = HTTP_MEANINGS[int(str(values["code"]))][lang]
    question, answer = NO_TOOL[family][lang]
    question, answer = question.format(**values), answer.format(**values)
    about = _about(scenario, family)
    if kind == "retry":
        return RETRY[lang] + question, answer, about
    return question, answer, about


def ambiguity(rng: random.Random, scenario: str, lang: str) -> tuple[str, str, str]:
    """(request, clarifying question, scenario) naming two pages or two files; the
    scenario is the family of the candidates (the tools the item is offered)."""
    if scenario == "web_search":
        technique, subject = pools.search_query(rng)
        a = pools.page_url(rng, rng.choice(pools.SITES), technique, subject)
        b = pools.page_url(rng, rng.choice(pools.SITES), technique, rng.choice(pools.SUBJECTS))
        question, answer = AMBIGUOUS["page"][lang]
        fields = {"a": a, "b": b, "technique": technique}
    else:
        first = pools.repo_file(rng, ("config",))
        stem, ext = first.path.rsplit("/", 1)[1].rsplit(".", 1)
        other = first.path
        while other == first.path:
            other = f"{pools.repo_dir(rng)}/{stem}.{ext}"
        key = rng.choice(pools.CONFIG_KEYS)[0]
        question, answer = AMBIGUOUS["file"][lang]
        fields = {"a": first.path, "b": other, "stem": stem, "key": key}
    about = "web_search" if scenario == "web_search" else "file_ops"
    return question.format(**fields), answer.format(**fields), about
