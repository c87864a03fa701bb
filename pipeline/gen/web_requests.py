"""Requests for the web tools (web.search, web.open), one family of templates per
intent, in en/es/de/fr: a finding, what the sources say, a listing, a page's summary,
search then open, and two techniques compared.
"""

WEB_REQUESTS: dict[str, dict[str, tuple[str, ...]]] = {
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
}
