"""Combinatorial pools: a believable repository tree, file contents, web topics.

Pools are plain tuples built at import time; every draw goes through the
item's own `random.Random`, so nothing here holds state between items. The
products of the pools are large (hundreds of thousands of paths and queries),
which is what keeps prompts and answers distinct at millions of items.
Nothing here can produce an email address, phone number, card number, UUID or
a URL outside example.com / example.org / example.net.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache

ROOTS = (
    "src", "lib", "app", "services", "packages", "internal", "pkg", "backend",
    "frontend/src", "tools", "platform", "core", "modules", "server", "workers",
)  # fmt: skip
MODULES = (
    "auth", "billing", "cache", "ingest", "scheduler", "router", "metrics", "search",
    "payments", "catalog", "inventory", "notify", "gateway", "storage", "reports",
    "exports", "imports", "audit", "session", "profile", "ledger", "pricing", "orders",
    "shipping", "tracking", "feeds", "indexer", "crawler", "planner", "quota", "limits",
    "alerts", "backup", "sync", "upload", "media", "thumbnails", "queue", "mailer",
    "webhooks", "tenants", "flags", "experiments", "ranking", "vectors", "embeddings",
    "tokenizer", "parser", "compiler", "renderer", "layout", "themes", "i18n", "geo",
    "routing", "dispatch", "telemetry", "tracing", "health", "config", "vault_proxy",
    "migrations", "schema", "models", "views", "handlers", "jobs", "cron", "sandbox",
    "runner", "builder", "deploy", "registry", "artifacts", "releases", "changelog",
)  # fmt: skip
STEMS = (
    "config", "settings", "handlers", "models", "utils", "client", "server", "schema",
    "pipeline", "worker", "routes", "service", "store", "cache_policy", "retry",
    "limits", "defaults", "app", "main", "cli", "api", "views", "tasks", "helpers",
    "validators", "serializers", "loader", "writer", "reader", "index", "queue_conf",
    "logging", "metrics", "features", "release_notes", "README", "CHANGELOG", "notes",
    "runbook", "design", "usage", "report", "summary", "results", "events", "jobs",
    "build", "deploy", "ci", "docker", "compose", "alerts", "dashboards", "thresholds",
)  # fmt: skip
# Names only a document carries: "README.py" or "CHANGELOG.csv" read as a made-up
# repository (R18 audit note). Other kinds draw from the rest, documents from all.
DOC_ONLY_STEMS = frozenset(
    ("README", "CHANGELOG", "release_notes", "notes", "runbook", "design", "usage")
)
_NON_DOC_STEMS = tuple(s for s in STEMS if s not in DOC_ONLY_STEMS)
KINDS = {
    "yaml": "config", "yml": "config", "json": "config", "toml": "config", "ini": "config",
    "py": "code", "js": "code", "ts": "code", "md": "doc", "txt": "doc", "csv": "table",
    "log": "log",
}  # fmt: skip
EXTENSIONS = tuple(KINDS)
CONFIG_EXTENSIONS = ("yaml", "yml", "json", "toml", "ini")

CONFIG_KEYS: tuple[tuple[str, str], ...] = (
    ("port", "port"), ("workers", "small"), ("log_level", "level"), ("timeout_s", "small"),
    ("retries", "tiny"), ("cache_ttl", "ttl"), ("max_connections", "medium"),
    ("batch_size", "medium"), ("region", "region"), ("replicas", "tiny"),
    ("queue", "queue"), ("debug", "bool"), ("compression", "compression"),
    ("pool_size", "small"), ("max_body_kb", "medium"), ("rate_limit", "medium"),
    ("shards", "tiny"), ("backoff_ms", "medium"), ("sample_rate", "percent"),
    ("read_only", "bool"), ("storage_class", "storage"), ("heartbeat_s", "small"),
    ("keepalive_s", "small"), ("page_size", "medium"), ("flush_interval_ms", "medium"),
    ("max_retries", "tiny"), ("window_days", "small"), ("threads", "small"),
    ("checksum", "checksum"), ("tls", "bool"),
)  # fmt: skip
_CHOICES = {
    "level": ("debug", "info", "warning", "error"),
    "region": ("eu-west-1", "eu-central-1", "us-east-2", "ap-south-1", "sa-east-1"),
    "queue": ("jobs-high", "jobs-low", "ingest-main", "exports-batch", "mail-outbox"),
    "compression": ("gzip", "zstd", "lz4", "brotli", "none"),
    "checksum": ("crc32c", "sha256", "xxh64", "none"),
    "storage": ("standard", "infrequent", "archive", "local-ssd"),
}
_RANGES = {
    "port": (1025, 65000), "small": (2, 96), "tiny": (1, 9), "ttl": (30, 86400),
    "medium": (100, 9000), "percent": (1, 99),
}  # fmt: skip
FUNC_VERBS = (
    "load", "parse", "build", "render", "fetch", "store", "validate", "merge", "split",
    "resolve", "compute", "normalize", "flush", "encode", "decode", "schedule", "retry",
    "collect", "publish", "register", "refresh", "prune", "index", "rank", "export",
)  # fmt: skip
FUNC_NOUNS = (
    "config", "request", "batch", "payload", "session", "ticket", "report", "record",
    "event", "order", "invoice", "user_prefs", "metrics", "headers", "route", "job",
    "snapshot", "manifest", "cursor", "chunk", "schema", "window", "quota", "feed",
)  # fmt: skip
SECTION_TITLES = (
    "Overview", "Installation", "Usage", "Configuration", "Limits", "Troubleshooting",
    "Architecture", "Deployment", "Rollback", "Metrics", "Security", "Testing",
    "Migration", "Performance", "Known issues", "Changelog", "Roadmap", "Glossary",
)  # fmt: skip
CSV_COLUMNS = (
    "day", "requests", "errors", "p95_ms", "bytes_out", "users", "jobs", "retries",
    "hits", "misses", "latency_ms", "queue_depth",
)  # fmt: skip
SUBDIRS = ("tests", "fixtures", "migrations", "docs", "scripts", "legacy", "examples", "internal")
LOG_SERVICES = MODULES[:40]
# Each log message with the levels a real service would log it at (R14 audit: "worker
# restarted" at ERROR, "rejected payload" at DEBUG and "retrying request" at DEBUG read
# as synthetic). A level is drawn from the message's own set, never on its own.
LOG_EVENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("job {n} finished in {ms} ms", ("INFO",)),
    ("cache miss for key {key}", ("DEBUG", "INFO")),
    ("retrying request {n}", ("WARN",)),
    ("connection pool at {pct}% capacity", ("INFO",)),
    ("flushed {n} records to {key}", ("DEBUG", "INFO")),
    ("slow query took {slow} ms", ("WARN",)),
    ("worker {n} restarted", ("INFO", "WARN")),
    ("queue depth {n}", ("DEBUG", "INFO")),
    ("rejected payload of {n} bytes", ("WARN", "ERROR")),
    ("checkpoint {n} written", ("INFO",)),
    ("request {n} failed: upstream returned 503", ("ERROR",)),
    ("write to {key} failed: disk full", ("ERROR",)),
    ("connection to {key} refused", ("ERROR",)),
)


def log_event(rng: random.Random) -> tuple[str, str]:
    """One log entry's (level, message): the message drawn first, its level from the
    levels that fit it (a pool at 80% or more is a WARN, not an INFO)."""
    template, levels = rng.choice(LOG_EVENTS)
    pct = rng.randint(1, 99)
    message = template.format(
        n=rng.randint(2, 99999), ms=rng.randint(1, 9000), pct=pct, slow=rng.randint(1000, 9000),
        key=f"{rng.choice(MODULES)}:{rng.randint(1, 999)}",
    )  # fmt: skip
    level = rng.choice(levels)
    if "{pct}" in template and pct >= 80:
        level = "WARN"
    return level, message


def log_times(rng: random.Random, count: int, *, last_hour: int, gap: int) -> list[str]:
    """`count` strictly increasing "HH:MM:SS" times within one day, starting at a random
    hour up to `last_hour` and `gap` seconds apart at most (R14 audit: 04:56:05 then
    04:03:43, minutes wrapping without the hour moving on)."""
    t = rng.randint(0, last_hour) * 3600 + rng.randint(0, 3599)
    out = []
    for _ in range(count):
        out.append(f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}")
        t += rng.randint(1, gap)
    return out


TECHNIQUES = (
    "fp16 kernels", "connection pooling", "vector indexes", "query caching",
    "speculative decoding", "quantization", "batch inference", "zero-copy reads",
    "columnar storage", "lazy loading", "request coalescing", "bloom filters",
    "consistent hashing", "write-ahead logging", "incremental builds", "tree shaking",
    "memory mapping", "sharded counters", "adaptive batching", "circuit breakers",
    "rate limiting", "backpressure", "read replicas", "prefetching", "compaction",
    "delta encoding", "SIMD parsing", "JIT compilation", "kernel fusion", "paged attention",
    "gradient checkpointing", "mixed precision", "async I/O", "lock-free queues",
    "copy-on-write", "snapshot isolation", "materialized views", "partition pruning",
    "HTTP/3", "TLS session resumption", "edge caching", "image sprites", "code splitting",
    "CRDT merging", "event sourcing", "blue-green deploys", "canary releases",
    "feature flags", "schema migrations", "hot reloading", "profile-guided optimization",
    "link-time optimization", "arena allocation", "string interning", "B-tree indexes",
    "LSM trees", "vectorized execution", "query planning", "cost-based optimization",
    "distillation",
)  # fmt: skip
SUBJECTS = (
    "the Apple Neural Engine", "PostgreSQL", "SQLite", "Redis", "Kafka", "Rust services",
    "Python web apps", "Node.js APIs", "React dashboards", "mobile clients", "edge workers",
    "ARM servers", "GPU clusters", "small language models", "search backends",
    "data pipelines", "CI runners", "container builds", "static sites", "game servers",
    "embedded devices", "browser extensions", "ETL jobs", "stream processors",
    "time-series stores", "object storage", "message queues", "GraphQL gateways",
    "gRPC services", "WebAssembly modules", "Go microservices", "Java backends",
    "Kotlin apps", "Swift apps", "C++ engines", "Elixir clusters", "Haskell compilers",
    "R notebooks", "Spark jobs", "DuckDB", "ClickHouse", "Elasticsearch", "OpenSearch",
    "Cassandra", "MongoDB", "MySQL", "Nginx", "Envoy", "Kubernetes", "Terraform",
    "Ansible", "serverless functions", "IoT gateways", "trading systems", "chat apps",
    "recommendation engines", "payment flows", "image pipelines", "audio codecs",
    "video transcoding",
)  # fmt: skip
METRICS = ("latency", "memory", "build_time", "error_rate", "throughput", "cost", "cold_start")
SITES = ("example.com", "example.org", "example.net")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PREFIXES = ("blog", "docs", "guides", "notes", "wiki", "articles", "kb", "research")


def slug(text: str) -> str:
    return "-".join(_NON_SLUG.split(text.lower())).strip("-")


@dataclass(frozen=True)
class RepoFile:
    path: str
    kind: str  # config | code | doc | table | log
    ext: str


def repo_dir(rng: random.Random) -> str:
    root = rng.choice(ROOTS)
    module = rng.choice(MODULES)
    return f"{root}/{module}" if rng.random() < 0.7 else f"{root}/{module}/{rng.choice(MODULES)}"


@cache
def _extensions(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(e for e in EXTENSIONS if KINDS[e] in kinds)


def repo_file(
    rng: random.Random, kinds: tuple[str, ...] | None = None, directory: str = ""
) -> RepoFile:
    exts = EXTENSIONS if kinds is None else _extensions(kinds)
    ext = rng.choice(exts)
    directory = directory or repo_dir(rng)
    stem = rng.choice(STEMS if KINDS[ext] == "doc" else _NON_DOC_STEMS)
    if rng.random() < 0.35 and stem not in DOC_ONLY_STEMS:
        stem = f"{stem}_{rng.choice(FUNC_NOUNS)}"
    return RepoFile(f"{directory}/{stem}.{ext}", KINDS[ext], ext)


def config_value(rng: random.Random, kind: str) -> object:
    if kind in _CHOICES:
        return rng.choice(_CHOICES[kind])
    if kind == "bool":
        return rng.random() < 0.5
    low, high = _RANGES[kind]
    return rng.randint(low, high)


# A date `days` before another goes through day numbers: every date an item writes lies
# within a few years of its world's today, so the few thousand dates in use are each parsed
# and formatted once per process, not once per draw (a pair of (today, days) recurs far
# less often than either date does).
@lru_cache(maxsize=4096)
def _ordinal(iso: str) -> int:
    return date.fromisoformat(iso).toordinal()


@lru_cache(maxsize=4096)
def _iso_of(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


_MAX_ORDINAL = date.max.toordinal()
_FIRST_OF_2023 = date(2023, 1, 1).toordinal()


def days_before(today: str, days: int) -> str:
    """The ISO date `days` before the ISO date `today`."""
    if type(days) is int:
        ordinal = _ordinal(today) - days
        if 0 < ordinal <= _MAX_ORDINAL:
            return _iso_of(ordinal)
    # Out of the calendar (raises as the arithmetic does), or days that are not an int.
    return (date.fromisoformat(today) - timedelta(days=days)).isoformat()


def iso_date(rng: random.Random) -> str:
    """A date of 2023 or 2024 (730 days from 2023-01-01)."""
    return _iso_of(_FIRST_OF_2023 + rng.randrange(730))


def search_query(rng: random.Random) -> tuple[str, str]:
    """(technique, subject) of a web search."""
    return rng.choice(TECHNIQUES), rng.choice(SUBJECTS)


def page_url(rng: random.Random, site: str, technique: str, subject: str) -> str:
    words = slug(f"{technique} {subject}").split("-")
    keep = [w for w in words if w not in ("the", "for", "and")][:5]
    return f"https://{site}/{rng.choice(SLUG_PREFIXES)}/{'-'.join(keep)}-{rng.randint(2, 999)}"


def hidden_content(rng: random.Random, name: str) -> str:
    """What a dotfile of that name holds (nothing secret: no keys, no tokens)."""
    if name == ".env.example":
        return f"LOG_LEVEL=info\nWORKERS={rng.randint(2, 16)}\nPORT={rng.randint(1025, 65000)}\n"
    if name == ".tool-versions":
        python = f"3.{rng.randint(10, 12)}.{rng.randint(0, 9)}"
        return f"python {python}\nnodejs {rng.randint(18, 22)}.{rng.randint(0, 19)}.0\n"
    if name == ".editorconfig":
        return f"root = true\n\n[*]\nindent_style = space\nindent_size = {rng.choice((2, 4))}\n"
    return f"debug: true\nworkers: {rng.randint(1, 8)}\n"
