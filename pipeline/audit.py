"""A stratified sample of a generated file, written whole for people to read and judge.

    python -m pipeline.audit data/generated.jsonl --seed 7 --out audit/ [--n 100] [--files 3]

docs/audit.md gives the rubric and the method: generate at a seed you have not
read, sample here, give each reviewer one of the files. The sample holds every
long-context item up to `LONG_CONTEXT`, every adversarial item up to
`ADVERSARIAL_PER_TYPE` per type, `MULTILINGUAL` non-English items,
`CONTROLS` English controls, and normal English items for the rest. Each item is
rendered whole: its metadata line, the tools offered, every turn, every call
with its arguments, every tool response. A long-context prompt keeps its head
and tail and says how much was left out (the pasted filler is not what a reader
judges). This script samples; it does not judge.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.cli import command_parser
from pipeline.records import DEFAULT_MAX_LINE_BYTES, RecordReader, write_text

LONG_CONTEXT = 2
ADVERSARIAL_PER_TYPE = 3
MULTILINGUAL = 14
CONTROLS = 15
# A long-context prompt is shown as its first and last KEEP characters.
KEEP = 2500


def _meta(item: dict[str, Any]) -> dict[str, Any]:
    meta = item.get("metadata")
    return meta if isinstance(meta, dict) else {}


def stratum(item: dict[str, Any]) -> str:
    """The one stratum an item is drawn in, most specific first."""
    meta = _meta(item)
    if meta.get("long_context"):
        return "long_context"
    if meta.get("adversarial"):
        return "adversarial"
    if meta.get("lang", "en") != "en":
        return "multilingual"
    if meta.get("expected_behaviour", "normal") != "normal":
        return "control"
    return "normal"


def sample(items: Iterable[dict[str, Any]], seed: int, n: int = 100) -> list[tuple[str, dict]]:
    """`n` items as (stratum, item), in a seeded shuffled order: the same file and seed
    give the same sample. A stratum with too few items gives what it has; normal items
    fill the rest."""
    pools: dict[str, list[dict[str, Any]]] = {}
    adversarial: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        kind = stratum(item)
        if kind == "adversarial":
            adversarial.setdefault(str(_meta(item)["adversarial"].get("type")), []).append(item)
        else:
            pools.setdefault(kind, []).append(item)
    rng = random.Random(seed)  # noqa: S311 - a reproducible sample, not a secret

    def draw(pool: list[dict[str, Any]], k: int) -> list[dict[str, Any]]:
        return rng.sample(pool, min(k, len(pool)))

    picked = [("long_context", i) for i in draw(pools.get("long_context", []), LONG_CONTEXT)]
    for kind in sorted(adversarial):
        picked += [("adversarial", i) for i in draw(adversarial[kind], ADVERSARIAL_PER_TYPE)]
    picked += [("multilingual", i) for i in draw(pools.get("multilingual", []), MULTILINGUAL)]
    picked += [("control", i) for i in draw(pools.get("control", []), CONTROLS)]
    picked = picked[:n]
    picked += [("normal", i) for i in draw(pools.get("normal", []), n - len(picked))]
    rng.shuffle(picked)
    return picked


def _prompt(text: str, long_context: bool) -> str:
    if not long_context or len(text) <= 2 * KEEP + 1000:
        return text
    left = len(text) - 2 * KEEP
    return f"{text[:KEEP]}\n\n[... {left} characters left out by the sampler ...]\n\n{text[-KEEP:]}"


def _arguments(call: dict[str, Any]) -> str:
    function = call.get("function", call)
    args = function.get("arguments")
    return args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)


def render(number: int, kind: str, item: dict[str, Any]) -> str:
    """One item, whole, as Markdown."""
    meta = _meta(item)
    labels = " ".join(
        f"{key}={meta[key]}"
        for key in ("scenario", "complexity", "structure", "expected_behaviour", "lang")
        if key in meta
    )
    flags = [json.dumps(meta["adversarial"])] if meta.get("adversarial") else []
    flags += [flag for flag in ("long_context", "locale_probe") if meta.get(flag)]
    tools = ", ".join(str(t.get("function", t).get("name")) for t in item.get("tools") or ())
    out = [
        f"## Item {number}: {item.get('id')}  (stratum: {kind})",
        f"- {labels}" + (f" {' '.join(flags)}" if flags else ""),
        f"- the item's date: {(meta.get('world') or {}).get('today', 'not recorded')}",
        f"- tools offered: {tools or 'none'}",
        "",
    ]
    for message in item.get("messages") or ():
        role = message.get("role")
        content = message.get("content") or ""
        if role == "tool":
            out.append(f"**TOOL RESPONSE ({message.get('name')})**:\n```\n{content}\n```")
        elif role == "assistant":
            if content:
                out.append(f"**ASSISTANT**:\n{content}")
            for call in message.get("tool_calls") or ():
                name = call.get("function", call).get("name")
                out.append(f"**ASSISTANT CALLS** `{name}`:\n```json\n{_arguments(call)}\n```")
        else:
            text = _prompt(content, bool(meta.get("long_context")) and role == "user")
            out.append(f"**{str(role).upper()}**:\n{text}")
        out.append("")
    if meta.get("attempts"):
        attempts = json.dumps(meta["attempts"], ensure_ascii=False)
        out.append(f"- failed attempts the generator marked (not trained on): {attempts}")
    out.append("\n---\n")
    return "\n".join(out)


def write_sample(picked: list[tuple[str, dict]], out: Path, files: int) -> list[Path]:
    """The items split over `files` Markdown files, one per reviewer, and an index."""
    per = -(-len(picked) // files) if picked else 0
    written = []
    index = ["number\tid\tstratum\tlang\tscenario\texpected_behaviour"]
    for k in range(files):
        chunk = picked[k * per : (k + 1) * per]
        text = [render(k * per + n, kind, item) for n, (kind, item) in enumerate(chunk, start=1)]
        path = out / f"items-{k + 1}.md"
        write_text(path, "\n".join(text))
        written.append(path)
        for n, (kind, item) in enumerate(chunk, start=k * per + 1):
            meta = _meta(item)
            index.append(
                f"{n}\t{item.get('id')}\t{kind}\t{meta.get('lang')}\t{meta.get('scenario')}"
                f"\t{meta.get('expected_behaviour')}"
            )
    write_text(out / "index.tsv", "\n".join(index) + "\n")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.audit", __doc__)
    parser.add_argument("file", help="a generated (or extracted) JSONL file")
    parser.add_argument("--seed", type=int, required=True, help="the sampling seed (say it)")
    parser.add_argument("--out", required=True, help="directory for items-K.md and index.tsv")
    parser.add_argument("--n", type=int, default=100, help="items to sample (default 100)")
    parser.add_argument("--files", type=int, default=3, help="one file per reviewer")
    args = parser.parse_args(argv)
    if args.n < 1 or args.files < 1:
        parser.error("--n and --files must be at least 1")
    reader = RecordReader(args.file, max_line_bytes=DEFAULT_MAX_LINE_BYTES)
    picked = sample(reader.items(), args.seed, args.n)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_sample(picked, out, args.files)
    counts = Counter(kind for kind, _ in picked)
    print(
        f"audit: {len(picked)} items from {args.file} (seed {args.seed}) -> {out}: {dict(counts)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
