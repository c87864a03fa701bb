"""Pages on the allowlisted hosts: each reports one measured finding about its topic.

A page has a title, an overview that states the finding, a setup, the
before/after figures and a caveat, all in the page's language. The finding
is kept as facts (`Finding`), so an answer can state it in the user's words
while the page states it in its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from pipeline.gen import pools
from pipeline.gen.topics import (
    FRENCH_FEMININE,
    GERMAN_PLURAL,
    METRIC_NAMES,
    METRICS,
    Topic,
    bare,
    capitalize,
    draw_topic,
    german_of,
    technique_name,
    technique_with,
    unit_name,
)
from pipeline.world.model import Page, Section

SITES = ("example.com", "example.org", "example.net")
PREFIXES = ("blog", "docs", "guides", "notes", "wiki", "articles", "kb", "research")
SUFFIXES = {
    "en": (
        "a practical guide",
        "benchmarks and lessons",
        "field notes",
        "what we measured",
        "a deep dive",
        "notes from production",
    ),
    "es": (
        "guía práctica",
        "pruebas y lecciones",
        "notas de campo",
        "lo que medimos",
        "un análisis a fondo",
        "notas de producción",
    ),
    "de": (
        "ein Praxisleitfaden",
        "Benchmarks und Erkenntnisse",
        "Notizen aus dem Betrieb",
        "was wir gemessen haben",
        "ein Blick ins Detail",
    ),
    "fr": (
        "guide pratique",
        "mesures et leçons",
        "notes de terrain",
        "ce que nous avons mesuré",
        "analyse détaillée",
        "retour d'expérience",
    ),
}
HEADINGS = {
    "en": ("Overview", "Setup", "Results", "Caveats"),
    "es": ("Resumen", "Configuración", "Resultados", "Limitaciones"),
    "de": ("Überblick", "Aufbau", "Ergebnisse", "Einschränkungen"),
    "fr": ("Aperçu", "Mise en place", "Résultats", "Limites"),
}
# The section that qualifies a page's result, in every language a page is written in.
CAVEATS = frozenset(heads[-1] for heads in HEADINGS.values())
BASELINES = {"ms": (40, 4000), "MB": (200, 16000), "min": (3, 240), "USD": (300, 40000)}


@dataclass(frozen=True)
class Finding:
    topic: Topic
    pct: int
    before: int | None  # the figure before, in the metric's unit (None for rates)
    after: int | None


def of_french(name: str) -> str:
    """ "de" before a name, elided before a vowel (d'Envoy)."""
    # "d'Envoy", "d'ONNX Runtime", but "de YugabyteDB": a y before a vowel is a consonant.
    return f"d'{name}" if name[:1].lower() in "aeiou" else f"de {name}"


def finding_sentence(f: Finding, lang: str) -> str:
    """The finding as one sentence in `lang`, with its final period."""
    t = f.topic
    metric, verb = METRIC_NAMES[t.metric][lang]
    if lang == "en":
        return (
            f"With {technique_name(t.technique, lang)}, the {metric} of {t.subject} "
            f"fell by {f.pct}% in our benchmark."
        )
    if lang == "es":
        return (
            f"Con {technique_name(t.technique, lang)}, {metric} de {t.subject} {verb} "
            f"un {f.pct} % en nuestras pruebas."
        )
    if lang == "de":
        return (
            f"Mit {technique_with(t.technique, lang)} {verb} {metric} {german_of(t.metric)} "
            f"{t.subject} in unserem Benchmark um {f.pct} %."
        )
    return (
        f"Avec {technique_name(t.technique, lang)}, {metric} {of_french(t.subject)} {verb} "
        f"de {f.pct} % dans notre benchmark."
    )


def finding_clause(f: Finding, lang: str, fronted: bool = False) -> str:
    """The finding as a clause for an answer: lowercase start, no final period
    (German starts a main clause after a colon, so it keeps its capital).
    `fronted`: German after a fronted phrase ("Laut X sank …"), verb first."""
    t = f.topic
    metric, verb = METRIC_NAMES[t.metric][lang]
    if lang == "de" and fronted:
        return (
            f"{verb} {metric} {german_of(t.metric)} {t.subject} mit "
            f"{technique_with(t.technique, lang)} um {f.pct} %"
        )
    if lang == "en":
        name = technique_name(t.technique, lang)
        return f"with {name}, the {metric} of {t.subject} fell by {f.pct}%"
    if lang == "es":
        # The technique last: "indica que el consumo … bajó un 53 % con …" needs no commas.
        return (
            f"{metric} de {t.subject} {verb} un {f.pct} % con {technique_name(t.technique, lang)}"
        )
    if lang == "de":
        return (
            f"Mit {technique_with(t.technique, lang)} {verb} {metric} {german_of(t.metric)} "
            f"{t.subject} um {f.pct} %"
        )
    return (
        f"avec {technique_name(t.technique, lang)}, {metric} {of_french(t.subject)} {verb} "
        f"de {f.pct} %"
    )


def _figures(f: Finding, lang: str) -> str:
    # Only the language's own sentence is formatted (not all four, then one picked).
    unit = METRICS[f.topic.metric]
    unit = unit_name(unit, lang) if unit else unit
    metric = capitalize(METRIC_NAMES[f.topic.metric][lang][0])
    if f.before is None or unit is None:
        # Only the error rate has no baseline figure (METRICS); a run reports it against
        # the run without the change. Written for that noun: "la tasa" is feminine,
        # "le taux" masculine. One language formatted, not all four (a page is in one).
        if lang == "en":
            name = METRIC_NAMES[f.topic.metric][lang][0]
            return f"The {name} was {f.pct}% lower than in the run without the change."
        if lang == "es":
            return f"{metric} fue un {f.pct} % más baja que en la ejecución sin el cambio."
        if lang == "de":
            return f"{metric} lag um {f.pct} % unter der des Laufs ohne die Änderung."
        if lang == "fr":
            return (
                f"{metric} était inférieur de {f.pct} % à celui de l'exécution sans le changement."
            )
        raise KeyError(lang)
    if lang == "en":
        return f"{metric} went from {f.before} {unit} to {f.after} {unit}."
    if lang == "es":
        return f"{metric} pasó de {f.before} {unit} a {f.after} {unit}."
    if lang == "de":
        verb = "gingen" if f.topic.metric in GERMAN_PLURAL else "ging"
        return f"{metric} {verb} von {f.before} {unit} auf {f.after} {unit} zurück."
    if lang == "fr":
        participle = "passée" if f.topic.metric in FRENCH_FEMININE else "passé"
        return f"{metric} est {participle} de {f.before} {unit} à {f.after} {unit}."
    raise KeyError(lang)


def _setup(rng: random.Random, t: Topic, lang: str) -> str:
    nodes, days = rng.randint(2, 48), rng.randint(3, 60)
    if lang == "en":
        return f"We ran {t.subject} on {nodes} nodes for {days} days, with and without the change."
    if lang == "es":
        return f"Probamos {t.subject} en {nodes} nodos durante {days} días, con y sin el cambio."
    if lang == "de":
        return (
            f"Wir haben {t.subject} {days} Tage lang auf {nodes} Knoten betrieben, "
            "mit und ohne die Änderung."
        )
    if lang == "fr":
        return (
            f"Nous avons fait tourner {t.subject} sur {nodes} nœuds pendant {days} jours, "
            "avec et sans le changement."
        )
    raise KeyError(lang)


# What a domain's load is counted in, for the caveat: "below 200 {unit}".
LOADS = {
    "builds": {
        "en": "changed files per build",
        "es": "archivos modificados por compilación",
        "de": "geänderten Dateien pro Build",
        "fr": "fichiers modifiés par build",
    },
    "streaming": {
        "en": "messages per second",
        "es": "mensajes por segundo",
        "de": "Nachrichten pro Sekunde",
        "fr": "messages par seconde",
    },
    "clusters": {
        "en": "deployments per day",
        "es": "despliegues al día",
        "de": "Deployments pro Tag",
        "fr": "déploiements par jour",
    },
    "databases": {
        "en": "queries per second",
        "es": "consultas por segundo",
        "de": "Abfragen pro Sekunde",
        "fr": "requêtes SQL par seconde",
    },
}
REQUESTS = {
    "en": "requests per second",
    "es": "peticiones por segundo",
    "de": "Anfragen pro Sekunde",
    "fr": "requêtes par seconde",
}


def _caveat(rng: random.Random, domain: str, lang: str) -> str:
    load = rng.choice((20, 50, 100, 200, 500))
    unit = LOADS.get(domain, REQUESTS)[lang]
    if lang == "en":
        return f"Below {load} {unit} the gain was within the noise."
    if lang == "es":
        return f"Por debajo de {load} {unit}, la mejora quedó dentro del ruido."
    if lang == "de":
        return f"Unter {load} {unit} lag der Gewinn im Rauschen."
    if lang == "fr":
        return f"En dessous de {load} {unit}, le gain restait dans le bruit."
    raise KeyError(lang)


def title(t: Topic, lang: str, rng: random.Random) -> str:
    suffix = rng.choice(SUFFIXES[lang])
    if lang == "en":
        return f"{capitalize(technique_name(t.technique, lang))} for {t.subject}: {suffix}"
    if lang == "es":
        return f"{capitalize(bare(t.technique, lang))} en {t.subject}: {suffix}"
    if lang == "de":
        return f"{capitalize(technique_name(t.technique, lang))} mit {t.subject}: {suffix}"
    return f"{capitalize(technique_name(t.technique, lang))} avec {t.subject} : {suffix}"


def distinct_title(title: str, lang: str, taken: set[str]) -> str:
    """`title`, or, when another page of the same world has it (pages on one topic draw
    their suffix from a handful), the topic with the first suffix no page has yet: a
    result list of two identical titles reads like a duplicate, and an answer that names
    a page by its title must name one page."""
    if title not in taken:
        return title
    suffixes = SUFFIXES[lang]
    head = next((title[: -len(x)] for x in suffixes if title.endswith(x)), f"{title}: ")
    for suffix in suffixes:
        if head + suffix not in taken:
            return head + suffix
    n = 2
    while f"{title} ({n})" in taken:
        n += 1
    return f"{title} ({n})"


@lru_cache(maxsize=4096)
def _url_words(technique: str, subject: str) -> str:
    """The first six words of the topic's slug (a page address names its topic)."""
    return "-".join(pools.slug(f"{technique} {subject}").split("-")[:6])


def page_url(rng: random.Random, t: Topic, site: str | None = None) -> str:
    return (
        f"https://{site or rng.choice(SITES)}/{rng.choice(PREFIXES)}/"
        f"{_url_words(t.technique, t.subject)}-{rng.randint(2, 999)}"
    )


def draw_finding(rng: random.Random, topic: Topic) -> Finding:
    pct = rng.randint(5, 80)
    unit = METRICS[topic.metric]
    if unit is None:
        return Finding(topic, pct, None, None)
    low, high = BASELINES[unit]
    before = rng.randint(low, high)
    return Finding(topic, pct, before, round(before * (100 - pct) / 100))


def make_page(rng: random.Random, finding: Finding, lang: str, today: str, url: str = "") -> Page:
    t = finding.topic
    published = pools.days_before(today, rng.randint(1, 700))
    heads = HEADINGS[lang]
    return Page(
        url=url or page_url(rng, t),
        title=title(t, lang, rng),
        published=published,
        lang=lang,
        sections=(
            Section(heads[0], finding_sentence(finding, lang)),
            Section(heads[1], _setup(rng, t, lang)),
            Section(heads[2], _figures(finding, lang)),
            Section(heads[3], _caveat(rng, t.domain, lang)),
        ),
    )


def distractors(
    rng: random.Random,
    topic: Topic,
    lang: str,
    today: str,
    count: int,
    also: tuple[Topic, ...] = (),
) -> list[tuple[Page, Finding]]:
    """Pages of the same domain on other techniques or subjects, each with the finding
    it reports. Never the pair of `topic` or of `also`: a search for one of those
    must find its own pages first, not another metric's."""
    taken = {(t.technique, t.subject) for t in (topic, *also)}
    out: list[tuple[Page, Finding]] = []
    while len(out) < count:
        other = draw_topic(rng, topic.domain)
        if (other.technique, other.subject) in taken:
            continue
        page_lang = lang if rng.random() < 0.7 else "en"
        finding = draw_finding(rng, other)
        out.append((make_page(rng, finding, page_lang, today), finding))
    return out
