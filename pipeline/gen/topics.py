"""Web topics: techniques paired only with subjects they apply to, named in every language.

A topic is (domain, technique, subject, metric). Techniques and metrics are
nouns with their grammar written out per language (article, the form after
"mit", the verb that agrees with them), so a sentence never has to guess a
gender or a case. Subjects are product names, the same in every language.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# technique key -> {lang: (name as a noun phrase, German dative after "mit" or the same)}
TECHNIQUES: dict[str, dict[str, tuple[str, str]]] = {
    "connection pooling": {
        "en": ("connection pooling", ""),
        "es": ("el pooling de conexiones", ""),
        "de": ("Connection-Pooling", "Connection-Pooling"),
        "fr": ("le pooling de connexions", ""),
    },
    "query caching": {
        "en": ("query caching", ""),
        "es": ("la caché de consultas", ""),
        "de": ("Query-Caching", "Query-Caching"),
        "fr": ("la mise en cache des requêtes", ""),
    },
    "read replicas": {
        "en": ("read replicas", ""),
        "es": ("las réplicas de lectura", ""),
        "de": ("Read-Replicas", "Read-Replicas"),
        "fr": ("les réplicas en lecture", ""),
    },
    "partition pruning": {
        "en": ("partition pruning", ""),
        "es": ("la poda de particiones", ""),
        "de": ("Partition Pruning", "Partition Pruning"),
        "fr": ("l'élagage de partitions", ""),
    },
    "materialized views": {
        "en": ("materialized views", ""),
        "es": ("las vistas materializadas", ""),
        "de": ("materialisierte Sichten", "materialisierten Sichten"),
        "fr": ("les vues matérialisées", ""),
    },
    "HTTP/3": {
        "en": ("HTTP/3", ""),
        "es": ("HTTP/3", ""),
        "de": ("HTTP/3", "HTTP/3"),
        "fr": ("HTTP/3", ""),
    },
    "TLS session resumption": {
        "en": ("TLS session resumption", ""),
        "es": ("la reanudación de sesiones TLS", ""),
        "de": ("TLS-Session-Resumption", "TLS-Session-Resumption"),
        "fr": ("la reprise de session TLS", ""),
    },
    "edge caching": {
        "en": ("edge caching", ""),
        "es": ("la caché en el edge", ""),
        "de": ("Edge-Caching", "Edge-Caching"),
        "fr": ("le cache en périphérie", ""),
    },
    "request coalescing": {
        "en": ("request coalescing", ""),
        "es": ("la agrupación de peticiones", ""),
        "de": ("Request-Coalescing", "Request-Coalescing"),
        "fr": ("le regroupement des requêtes", ""),
    },
    "incremental builds": {
        "en": ("incremental builds", ""),
        "es": ("las compilaciones incrementales", ""),
        "de": ("inkrementelle Builds", "inkrementellen Builds"),
        "fr": ("les builds incrémentaux", ""),
    },
    "remote caching": {
        "en": ("remote caching", ""),
        "es": ("la caché remota", ""),
        "de": ("Remote-Caching", "Remote-Caching"),
        "fr": ("le cache distant", ""),
    },
    "link-time optimization": {
        "en": ("link-time optimization", ""),
        "es": ("la optimización en tiempo de enlace", ""),
        "de": ("Link-Time-Optimierung", "Link-Time-Optimierung"),
        "fr": ("l'optimisation à l'édition de liens", ""),
    },
    "quantization": {
        "en": ("quantization", ""),
        "es": ("la cuantización", ""),
        "de": ("Quantisierung", "Quantisierung"),
        "fr": ("la quantification", ""),
    },
    "speculative decoding": {
        "en": ("speculative decoding", ""),
        "es": ("la decodificación especulativa", ""),
        "de": ("spekulatives Decoding", "spekulativem Decoding"),
        "fr": ("le décodage spéculatif", ""),
    },
    "kernel fusion": {
        "en": ("kernel fusion", ""),
        "es": ("la fusión de kernels", ""),
        "de": ("Kernel-Fusion", "Kernel-Fusion"),
        "fr": ("la fusion de noyaux", ""),
    },
    "mixed precision": {
        "en": ("mixed precision", ""),
        "es": ("la precisión mixta", ""),
        "de": ("Mixed Precision", "Mixed Precision"),
        "fr": ("la précision mixte", ""),
    },
    "adaptive batching": {
        "en": ("adaptive batching", ""),
        "es": ("el batching adaptativo", ""),
        "de": ("adaptives Batching", "adaptivem Batching"),
        "fr": ("le batching adaptatif", ""),
    },
    "log compaction": {
        "en": ("log compaction", ""),
        "es": ("la compactación de logs", ""),
        "de": ("Log-Compaction", "Log-Compaction"),
        "fr": ("le compactage des journaux", ""),
    },
    "zero-copy reads": {
        "en": ("zero-copy reads", ""),
        "es": ("las lecturas zero-copy", ""),
        "de": ("Zero-Copy-Lesezugriffe", "Zero-Copy-Lesezugriffen"),
        "fr": ("les lectures zero-copy", ""),
    },
    "bloom filters": {
        "en": ("bloom filters", ""),
        "es": ("los filtros de Bloom", ""),
        "de": ("Bloom-Filter", "Bloom-Filtern"),
        "fr": ("les filtres de Bloom", ""),
    },
    "consistent hashing": {
        "en": ("consistent hashing", ""),
        "es": ("el hashing consistente", ""),
        "de": ("Consistent Hashing", "Consistent Hashing"),
        "fr": ("le hachage cohérent", ""),
    },
    "prefetching": {
        "en": ("prefetching", ""),
        "es": ("la precarga", ""),
        "de": ("Prefetching", "Prefetching"),
        "fr": ("le préchargement", ""),
    },
    "autoscaling": {
        "en": ("autoscaling", ""),
        "es": ("el autoescalado", ""),
        "de": ("Autoscaling", "Autoscaling"),
        "fr": ("l'autoscaling", ""),
    },
    "image layer caching": {
        "en": ("image layer caching", ""),
        "es": ("la caché de capas de imagen", ""),
        "de": ("Layer-Caching", "Layer-Caching"),
        "fr": ("le cache des couches d'image", ""),
    },
    "response compression": {
        "en": ("response compression", ""),
        "es": ("la compresión de respuestas", ""),
        "de": ("Antwortkomprimierung", "Antwortkomprimierung"),
        "fr": ("la compression des réponses", ""),
    },
    "keep-alive connections": {
        "en": ("keep-alive connections", ""),
        "es": ("las conexiones keep-alive", ""),
        "de": ("Keep-Alive-Verbindungen", "Keep-Alive-Verbindungen"),
        "fr": ("les connexions keep-alive", ""),
    },
    "parallel compilation": {
        "en": ("parallel compilation", ""),
        "es": ("la compilación en paralelo", ""),
        "de": ("parallele Kompilierung", "paralleler Kompilierung"),
        "fr": ("la compilation parallèle", ""),
    },
    "message compression": {
        "en": ("message compression", ""),
        "es": ("la compresión de mensajes", ""),
        "de": ("Nachrichtenkomprimierung", "Nachrichtenkomprimierung"),
        "fr": ("la compression des messages", ""),
    },
    "value compression": {
        "en": ("value compression", ""),
        "es": ("la compresión de valores", ""),
        "de": ("Wertkomprimierung", "Wertkomprimierung"),
        "fr": ("la compression des valeurs", ""),
    },
    "lazy image pulling": {
        "en": ("lazy image pulling", ""),
        "es": ("la descarga diferida de imágenes", ""),
        "de": ("Lazy Image Pulling", "Lazy Image Pulling"),
        # Not "différé": the request reader takes "différ..." for a comparison.
        "fr": ("le téléchargement à la demande des images", ""),
    },
}

# metric key -> unit of a baseline figure (None: a rate, never a baseline)
METRICS: dict[str, str | None] = {
    "latency": "ms",
    "memory": "MB",
    "build_time": "min",  # not "s": a one-letter word before a period reads as an initial
    "error_rate": None,
    "queue_delay": "ms",
    "cost": "USD",
    "cold_start": "ms",
}
# metric -> {lang: (noun phrase, past verb "fell" agreeing with it)}; every one is singular.
METRIC_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "latency": {
        "en": ("p95 latency", "fell"),
        "es": ("la latencia p95", "bajó"),
        "de": ("die p95-Latenz", "sank"),
        "fr": ("la latence p95", "a baissé"),
    },
    "memory": {
        "en": ("memory use", "fell"),
        "es": ("el consumo de memoria", "bajó"),
        "de": ("der Speicherbedarf", "sank"),
        "fr": ("la consommation mémoire", "a baissé"),
    },
    "build_time": {
        "en": ("build time", "fell"),
        "es": ("el tiempo de compilación", "bajó"),
        "de": ("die Build-Zeit", "sank"),
        "fr": ("le temps de build", "a baissé"),
    },
    "error_rate": {
        "en": ("error rate", "fell"),
        "es": ("la tasa de errores", "bajó"),
        "de": ("die Fehlerrate", "sank"),
        "fr": ("le taux d'erreur", "a baissé"),
    },
    "queue_delay": {
        "en": ("queueing delay", "fell"),
        "es": ("la espera en cola", "bajó"),
        "de": ("die Wartezeit in der Queue", "sank"),
        "fr": ("l'attente en file", "a baissé"),
    },
    "cost": {
        "en": ("monthly cost", "fell"),
        "es": ("el coste mensual", "bajó"),
        "de": ("die monatlichen Kosten", "sanken"),
        "fr": ("la facture mensuelle", "a baissé"),
    },
    "cold_start": {
        "en": ("cold-start time", "fell"),
        "es": ("el tiempo de arranque en frío", "bajó"),
        "de": ("die Kaltstartzeit", "sank"),
        "fr": ("le temps de démarrage à froid", "a baissé"),
    },
}
# French metric nouns that are feminine ("la latence"): the participle agrees with them.
FRENCH_FEMININE = frozenset({"latency", "memory", "queue_delay", "cost"})
# German: costs are plural ("die Kosten gingen zurück") and are costs *for* a product.
GERMAN_PLURAL = frozenset({"cost"})


# Unit symbols that differ by language: French writes megabytes as "Mo".
UNIT_NAMES = {"fr": {"MB": "Mo"}}


def unit_name(unit: str, lang: str) -> str:
    return UNIT_NAMES.get(lang, {}).get(unit, unit)


def metric_object(metric: str, lang: str) -> str:
    """The metric's noun phrase as a direct object ("Was senkt den Speicherbedarf?")."""
    phrase = METRIC_NAMES[metric][lang][0]
    # Only German marks the accusative on the article, and only the masculine one.
    return (
        "den " + phrase.removeprefix("der ")
        if lang == "de" and phrase.startswith("der ")
        else phrase
    )


def german_of(metric: str) -> str:
    """ "von PostgreSQL" for most metrics, "für PostgreSQL" for costs."""
    return "für" if metric == "cost" else "von"


@dataclass(frozen=True)
class Domain:
    techniques: tuple[str, ...]
    subjects: tuple[str, ...]
    metrics: tuple[str, ...]


DOMAINS: dict[str, Domain] = {
    "databases": Domain(
        (
            "connection pooling",
            "query caching",
            "read replicas",
            "partition pruning",
            "materialized views",
        ),
        (
            "PostgreSQL",
            "MySQL",
            "SQLite",
            "DuckDB",
            "ClickHouse",
            "MariaDB",
            "CockroachDB",
            "TimescaleDB",
            "YugabyteDB",
            "TiDB",
            "Citus",
            "Greenplum",
        ),
        ("latency", "memory", "cost", "error_rate"),
    ),
    "proxies": Domain(
        (
            "HTTP/3",
            "TLS session resumption",
            "edge caching",
            "request coalescing",
            "response compression",
            "keep-alive connections",
        ),
        (
            "Nginx",
            "Envoy",
            "Caddy",
            "Traefik",
            "Varnish",
            "HAProxy",
            "Kong",
            "Pingora",
            "Apache Traffic Server",
        ),
        ("latency", "error_rate", "cost"),
    ),
    "builds": Domain(
        ("incremental builds", "remote caching", "link-time optimization", "parallel compilation"),
        (
            "Bazel",
            "Gradle",
            "Cargo",
            "CMake",
            "webpack",
            "Vite",
            "Maven",
            "Buck2",
            "Pants",
            "Meson",
            "Ninja",
            "sbt",
        ),
        ("build_time", "memory", "cost"),
    ),
    "inference": Domain(
        (
            "quantization",
            "speculative decoding",
            "kernel fusion",
            "mixed precision",
            "adaptive batching",
        ),
        (
            "PyTorch",
            "ONNX Runtime",
            "TensorRT",
            "vLLM",
            "llama.cpp",
            "JAX",
            "OpenVINO",
            "SGLang",
            "TGI",
            "MLX",
            "DeepSpeed",
        ),
        ("latency", "memory", "cost", "cold_start"),
    ),
    "streaming": Domain(
        ("log compaction", "zero-copy reads", "adaptive batching", "message compression"),
        ("Kafka", "Redpanda", "Pulsar", "Flink", "NATS", "RabbitMQ", "Kinesis", "NSQ", "ActiveMQ"),
        ("queue_delay", "latency", "cost"),
    ),
    "caches": Domain(
        ("bloom filters", "consistent hashing", "prefetching", "value compression"),
        (
            "Redis",
            "Memcached",
            "RocksDB",
            "Dragonfly",
            "Valkey",
            "KeyDB",
            "Hazelcast",
            "Aerospike",
            "Garnet",
        ),
        ("latency", "memory", "error_rate"),
    ),
    "clusters": Domain(
        ("autoscaling", "image layer caching", "lazy image pulling"),
        (
            "Kubernetes",
            "Nomad",
            "Podman",
            "Docker Swarm",
            "OpenShift",
            "k3s",
            "EKS",
            "GKE",
            "AKS",
            "MicroK8s",
            "Rancher",
        ),
        ("cold_start", "cost", "error_rate"),
    ),
}


_DOMAIN_NAMES = tuple(sorted(DOMAINS))


def _by_topics(names: tuple[str, ...]) -> tuple[str, ...]:
    """Each domain once per (technique, subject) pair it has, so that drawing a domain from
    this and then a pair draws every topic equally often: a small domain drawn as often as
    a large one repeats its few topics (and its prompts) at scale."""
    return tuple(
        d for d in names for _ in range(len(DOMAINS[d].techniques) * len(DOMAINS[d].subjects))
    )


_WEIGHTED = {
    metric: _by_topics(
        tuple(d for d in _DOMAIN_NAMES if metric is None or metric in DOMAINS[d].metrics)
    )
    for metric in (None, *METRICS)
}


@dataclass(frozen=True)
class Topic:
    domain: str
    technique: str
    subject: str
    metric: str


def draw_topic(rng: random.Random, domain: str | None = None, metric: str | None = None) -> Topic:
    """A coherent topic; `metric` forces one the domain measures (else any of them)."""
    if not domain:
        domain = rng.choice(_WEIGHTED[metric])
    spec = DOMAINS[domain]
    chosen = metric if metric in spec.metrics else rng.choice(spec.metrics)
    return Topic(domain, rng.choice(spec.techniques), rng.choice(spec.subjects), chosen)


def technique_name(technique: str, lang: str) -> str:
    return TECHNIQUES[technique][lang][0]


def technique_with(technique: str, lang: str) -> str:
    """The form that follows "with" in `lang` (German dative where it differs)."""
    name, dative = TECHNIQUES[technique][lang]
    return dative or name


def bare(technique: str, lang: str) -> str:
    """The name without its article, for a search query or a title."""
    name = technique_name(technique, lang)
    for article in ("el ", "la ", "los ", "las ", "le ", "la ", "les ", "l'"):
        if name.startswith(article):
            return name[len(article) :]
    return name


def topic_phrase(topic: Topic, lang: str) -> str:
    """The topic as a user names it: "query caching in PostgreSQL", "Query-Caching bei
    PostgreSQL" (dative, after "zu" or "nach"), "la caché de consultas en PostgreSQL"."""
    if lang == "en":
        return f"{technique_name(topic.technique, lang)} in {topic.subject}"
    if lang == "es":
        return f"{technique_name(topic.technique, lang)} en {topic.subject}"
    if lang == "de":
        return f"{technique_with(topic.technique, lang)} bei {topic.subject}"
    return f"{technique_name(topic.technique, lang)} avec {topic.subject}"


def topic_fields(topic: Topic, lang: str) -> dict[str, str]:
    """The topic for request templates: as is, German accusative, French after "de"."""
    phrase = topic_phrase(topic, lang)
    accusative = f"{technique_name(topic.technique, lang)} bei {topic.subject}"
    after_de = f"d'{phrase}" if phrase[:1].lower() in "aeiouh" and lang == "fr" else f"de {phrase}"
    for article, merged in (("de le ", "du "), ("de les ", "des ")):
        if after_de.startswith(article):
            after_de = merged + after_de[len(article) :]
    return {"topic": phrase, "topic_acc": accusative, "topic_de": after_de}


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
