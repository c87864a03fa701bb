"""Why the user asks, sometimes: the context a request carries, in en/es/de/fr."""

from __future__ import annotations

import random

L = dict[str, tuple[str, ...]]

# Why the user asks, sometimes: real requests carry their context. None of these
# names a value, an operation or a file, so none changes what the calls must do. Nor
# asks for a form of answer: "Keep it short, please." before a full summary taught the
# student to ignore the request (R18 audit note).
CONTEXT: L = {
    "en": (
        "We are planning a migration.",
        "It is for a design review.",
        "It is for the retrospective.",
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
        "Es para la retrospectiva.",
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
        "Das ist für die Retrospektive.",
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
        "C'est pour la rétrospective.",
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
