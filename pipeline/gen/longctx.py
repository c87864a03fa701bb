"""Long-context prompts: realistic distractors (logs, stack traces, config dumps).

The request stays findable: it comes last, after a marker line, and the
distractors never contain the marker. Blocks are drawn from the pools with the
item's RNG, so the filler has a high distinct-word ratio instead of a repeated
word. Length is measured with the student tokenizer when there is one (a few
encodes of the whole prompt, topping up the estimated shortfall; a counter's
`fewest_tokens` lower bound first, when it has one), else in UTF-8 bytes.
"""

from __future__ import annotations

import random
from typing import Protocol

from pipeline.gen import pools

LEAD = {
    "en": "Context: logs, stack traces and config dumps from the incident.",
    "es": "Contexto: registros, trazas y volcados de configuración del incidente.",
    "de": "Kontext: Logs, Stacktraces und Konfigurationsauszüge zum Vorfall.",
    "fr": "Contexte : journaux, traces et extraits de configuration de l'incident.",
}
MARKER = {"en": "Task:", "es": "Tarea:", "de": "Aufgabe:", "fr": "Tâche :"}
EXCEPTIONS = (
    "KeyError", "ValueError", "TimeoutError", "ConnectionResetError", "PermissionError",
    "IndexError", "RuntimeError", "UnicodeDecodeError", "FileNotFoundError", "OSError",
)  # fmt: skip


class Counter(Protocol):
    def count_tokens(self, text: str) -> int: ...


def _log_block(rng: random.Random, today: str | None) -> list[str]:
    # Pasted logs were written before the user pasted them: on or before the item's
    # date when it has one (a log of 2024-08-21 in an item of 2024-07-05, R13 audit).
    day = pools.iso_date(rng) if today is None else pools.days_before(today, rng.randrange(730))
    hour = rng.randint(0, 23)
    lines = []
    for i in range(rng.randint(6, 14)):
        event = rng.choice(pools.LOG_EVENTS).format(
            n=rng.randint(2, 99999), ms=rng.randint(1, 9000), pct=rng.randint(1, 99),
            key=f"{rng.choice(pools.MODULES)}:{rng.randint(1, 999)}",
        )  # fmt: skip
        level = rng.choice(("DEBUG", "INFO", "INFO", "WARN", "ERROR"))
        stamp = f"{day}T{hour:02d}:{(i * 7) % 60:02d}:{rng.randint(0, 59):02d}Z"
        lines.append(
            f"{stamp} {level} {rng.choice(pools.LOG_SERVICES)}[{rng.randint(2, 9999)}] {event}"
        )
    return lines


def _trace_block(rng: random.Random, today: str | None) -> list[str]:
    lines = ["Traceback (most recent call last):"]
    for _ in range(rng.randint(3, 6)):
        f = pools.repo_file(rng, ("code",))
        func = f"{rng.choice(pools.FUNC_VERBS)}_{rng.choice(pools.FUNC_NOUNS)}"
        lines.append(f'  File "{f.path}", line {rng.randint(3, 900)}, in {func}')
        lines.append(f"    {rng.choice(pools.FUNC_NOUNS)} = {func}({rng.choice(pools.FUNC_NOUNS)})")
    key = f"{rng.choice(pools.MODULES)}_{rng.choice(pools.FUNC_NOUNS)}"
    lines.append(f"{rng.choice(EXCEPTIONS)}: {key} failed after {rng.randint(2, 60)} attempts")
    return lines


def _config_block(rng: random.Random, today: str | None) -> list[str]:
    module = rng.choice(pools.MODULES)
    lines = [f"# config dump: {module} ({rng.choice(pools.ROOTS)}/{module})"]
    for key, kind in rng.sample(pools.CONFIG_KEYS, rng.randint(5, 12)):
        value = pools.config_value(rng, kind)
        text = str(value).lower() if isinstance(value, bool) else str(value)
        lines.append(f"{module}.{key}={text}")
    return lines


BLOCKS = (_log_block, _trace_block, _config_block)


def distractors(rng: random.Random, chars: int, today: str | None = None) -> str:
    """At least `chars` characters of blocks separated by blank lines, dated on or
    before `today` when given."""
    out: list[str] = []
    size = 0
    while size < chars:
        block = "\n".join(rng.choice(BLOCKS)(rng, today))
        out.append(block)
        size += len(block) + 2
    return "\n\n".join(out)


def wrap(
    rng: random.Random,
    header: str | None,
    request: str,
    lang: str,
    *,
    tokens: int,
    nbytes: int,
    counter: Counter | None,
    today: str | None = None,
) -> str:
    """The long prompt: header (None: no header line), lead, distractors (dated on or
    before the item's `today`), then the marked request."""
    head = "" if header is None else f"{header}\n"

    def build(filler: str) -> str:
        return f"{head}{LEAD[lang]}\n\n{filler}\n\n{MARKER[lang]}\n{request}"

    if counter is None:
        # At least nbytes characters of filler are at least nbytes bytes.
        return build(distractors(rng, nbytes, today))
    # Roughly 3 characters per token for this kind of text; top up what is missing.
    filler = distractors(rng, tokens * 3, today)
    prompt = build(filler)
    # A lower bound that reaches the target settles it without the exact count: the
    # count is at least as large, so the loop below would stop at once (same prompt).
    fewest = getattr(counter, "fewest_tokens", None)
    if fewest is not None and fewest(prompt) >= tokens:
        return prompt
    have = counter.count_tokens(prompt)
    while have < tokens:
        filler += "\n\n" + distractors(rng, (tokens - have) * 4, today)
        prompt = build(filler)
        have = counter.count_tokens(prompt)
    return prompt
