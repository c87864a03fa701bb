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
# Each exception with a message and a failing source line that fit it (R14 audit: one
# message template under every exception type read as synthetic).
EXCEPTIONS: tuple[tuple[str, str, str], ...] = (
    ("KeyError", "'{noun}'", "    return {var}[{noun!r}]"),
    ("ValueError", "invalid literal for int() with base 10: '{word}'", "    return int({var})"),
    ("TimeoutError", "{module} did not respond within {n} s", "    return conn.recv({var})"),
    ("ConnectionResetError", "[Errno 104] Connection reset by peer", "    conn.sendall({var})"),
    ("PermissionError", "[Errno 13] Permission denied: '{path}'",
     "    with open(path, 'w') as fh:"),
    ("IndexError", "list index out of range", "    return {var}[0]"),
    ("RuntimeError", "{module}_{noun} failed after {n} attempts", "    raise RuntimeError(msg)"),
    ("UnicodeDecodeError",
     "'utf-8' codec can't decode byte 0x{byte:02x} in position {n}: invalid start byte",
     "    return {var}.decode('utf-8')"),
    ("FileNotFoundError", "[Errno 2] No such file or directory: '{path}'",
     "    with open(path) as fh:"),
    ("OSError", "[Errno 28] No space left on device", "    fh.write({var})"),
)  # fmt: skip


class Counter(Protocol):
    def count_tokens(self, text: str) -> int: ...


def _log_block(rng: random.Random, today: str | None) -> list[str]:
    # Pasted logs were written before the user pasted them: on or before the item's
    # date when it has one (a log of 2024-08-21 in an item of 2024-07-05, R13 audit).
    day = pools.iso_date(rng) if today is None else pools.days_before(today, rng.randrange(730))
    count = rng.randint(6, 14)
    # Up to 14 entries 5 minutes apart from 20:59 at the latest end the same day.
    times = pools.log_times(rng, count, last_hour=20, gap=300)
    lines = []
    for stamp in times:
        level, event = pools.log_event(rng)
        service = f"{rng.choice(pools.LOG_SERVICES)}[{rng.randint(2, 9999)}]"
        lines.append(f"{day}T{stamp}Z {level} {service} {event}")
    return lines


def _func(rng: random.Random) -> str:
    return f"{rng.choice(pools.FUNC_VERBS)}_{rng.choice(pools.FUNC_NOUNS)}"


def _trace_block(rng: random.Random, today: str | None) -> list[str]:
    """A Python traceback: .py frames only (R14 audit: .js/.ts files in a Python
    traceback), each frame's line calling the next frame's function (not its own), the
    last one the line that raised, and an exception message that fits its type."""
    frames = rng.randint(3, 6)
    funcs: list[str] = []
    while len(funcs) < frames:  # distinct: no frame seems to call itself
        func = _func(rng)
        if func not in funcs:
            funcs.append(func)
    name, message, raising = rng.choice(EXCEPTIONS)
    values = {
        "noun": rng.choice(pools.FUNC_NOUNS), "var": rng.choice(pools.FUNC_NOUNS),
        "module": rng.choice(pools.MODULES), "n": rng.randint(2, 60),
        "byte": rng.randint(0x80, 0xFF), "word": rng.choice(pools.FUNC_VERBS),
    }  # fmt: skip
    lines = ["Traceback (most recent call last):"]
    for i, func in enumerate(funcs):
        f = pools.repo_file(rng, ("code",))
        # A Python module's name: lower case, .py (not CHANGELOG_route.ts).
        folder, base = f.path.rsplit("/", 1)
        path = f"{folder}/{base[: -len(f.ext)].lower()}py"
        lines.append(f'  File "{path}", line {rng.randint(3, 900)}, in {func}')
        if i + 1 < frames:
            arg = rng.choice(pools.FUNC_NOUNS)
            lines.append(f"    {rng.choice(pools.FUNC_NOUNS)} = {funcs[i + 1]}({arg})")
        else:
            values["path"] = path.rsplit("/", 1)[0] + f"/{values['var']}.json"
            lines.append(raising.format(**values))
    lines.append(f"{name}: {message.format(**values)}")
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
