"""Analysis of a generated file: distinctness, structure fidelity, schemas, quotas.

    python -m pipeline.analyze data/generated.jsonl [--params params.yaml] [--tokenizer DIR]

Prints one JSON object. Quotas are computed with `plan.quotas` from the
params' generate section at the file's own `total_samples`, i.e. exactly what
the generator promised for this file.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any

from pipeline.cli import add_params, command_parser
from pipeline.gates import checks
from pipeline.gates.calls import CallVerdict, Validators
from pipeline.gates.checks import shape_labelled
from pipeline.gen.plan import SCENARIOS, quotas
from pipeline.gen.structure import structure_holds
from pipeline.params import DEFAULT_PARAMS, GenerateParams, load_params
from pipeline.records import RecordReader
from pipeline.tools.registry import load_registry


def _share(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 1.0


def _schemas(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["function"]["name"]: t["function"]["parameters"] for t in item.get("tools") or ()}


def _as_labelled(item: dict[str, Any], validators: Validators) -> bool:
    """The adversarial item is what its label says, by the verifier's own rule."""
    registry = validators.registry
    verdicts = [
        CallVerdict(
            i,
            c["name"],
            c["arguments"],
            json_valid=isinstance(c["arguments"], dict),
            schema_errors=registry.validate(c["name"], c["arguments"]),
        )
        for i, c in enumerate(item["metadata"]["call_sequence"])
    ]
    problem = checks.adversarial_problem(
        item["metadata"], verdicts, checks.final_answer(item), item["prompt"], validators.maxima
    )
    return problem is None


def analyze(
    items: Iterable[dict[str, Any]], gen: GenerateParams, counter: Any = None
) -> dict[str, Any]:
    registry = load_registry()
    validators = Validators(registry, prefer_item_tools=False)
    prompts: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    sequences: Counter[str] = Counter()
    cells: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    structures: dict[str, set[str]] = {s: set() for s in SCENARIOS}
    n = tool_items = fidelity_ok = calls = calls_valid = adversarial_ok = 0
    multilingual = probes = negative = over_cap = 0
    long_tokens: list[int] = []
    for item in items:
        n += 1
        meta = item["metadata"]
        prompts[item["prompt"]] += 1
        texts[item["teacher_text"]] += 1
        cells[(meta["scenario"], meta["complexity"])] += 1
        kind = (meta.get("adversarial") or {}).get("type") or meta["expected_behaviour"]
        kinds[kind] += 1
        multilingual += meta["lang"] != "en"
        probes += bool(meta.get("locale_probe"))
        negative += bool(meta.get("negative_control"))
        over_cap += bool(meta.get("integration_over_cap"))
        sequence = meta["call_sequence"]
        if meta.get("long_context"):
            prompt = item["prompt"]
            long_tokens.append(counter.count_tokens(prompt) if counter else len(prompt.encode()))
        if meta.get("adversarial"):
            adversarial_ok += _as_labelled(item, validators)
        if not sequence:
            continue
        tool_items += 1
        sequences[json.dumps(sequence, sort_keys=True, ensure_ascii=False)] += 1
        schemas = _schemas(item)
        parsed = [c for c in sequence if isinstance(c["arguments"], dict)]
        holds = [
            c["name"] in schemas
            and structure_holds(meta["structure"], c["arguments"], schemas[c["name"]])
            for c in parsed
        ]
        unknown = any(c["name"] not in schemas for c in parsed)
        good = not unknown and (not holds or shape_labelled(meta["structure"], holds))
        fidelity_ok += good
        if good:
            structures[meta["scenario"]].add(meta["structure"])
        if not meta.get("adversarial"):
            for c in sequence:
                calls += 1
                calls_valid += not registry.validate(c["name"], c["arguments"])
    q = quotas(gen)
    missing_cells = {
        f"{s}/{c}": (cells[(s, c)], m) for (s, c), m in q.cell_minimums.items() if cells[(s, c)] < m
    }
    missing_structures = {s: sorted(set(q.structures) - got) for s, got in structures.items()}
    return {
        "items": n,
        "distinct_prompts": _share(len(prompts), n),
        "distinct_teacher_texts": _share(len(texts), n),
        "distinct_call_sequences": _share(len(sequences), tool_items),
        "tool_using_items": tool_items,
        "structure_fidelity": _share(fidelity_ok, tool_items),
        "non_adversarial_calls_valid": _share(calls_valid, calls),
        "adversarial_as_labelled": _share(adversarial_ok, sum(kinds[k] for k in q.adversarial)),
        "kinds": dict(sorted(kinds.items())),
        "quotas": dataclasses.asdict(q)
        | {"cell_minimums": {f"{s}/{c}": m for (s, c), m in q.cell_minimums.items()}},
        "cells_below_minimum": missing_cells,
        "structures_missing": {s: m for s, m in missing_structures.items() if m},
        "controls_share": _share(sum(kinds[k] for k in q.controls), n),
        "controls_target": gen.control_ratio,
        "multilingual": multilingual,
        "multilingual_share": _share(multilingual, n),
        "multilingual_target": gen.multilingual_ratio,
        "locale_probes": probes,
        "long_context": len(long_tokens),
        "long_context_min_size": min(long_tokens) if long_tokens else None,
        "long_context_unit": "tokens" if counter else "bytes",
        "negative_controls": negative,
        "integration_over_cap": over_cap,
    }


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.analyze", __doc__)
    parser.add_argument("file")
    add_params(parser, str(DEFAULT_PARAMS))
    parser.add_argument("--tokenizer", help="count long-context prompts in this tokenizer's tokens")
    args = parser.parse_args(argv)
    params = load_params(args.params)
    reader = RecordReader(args.file, max_line_bytes=params.run.max_line_bytes)
    total = int(reader.header.get("total_samples", params.generate.total))
    gen = dataclasses.replace(params.generate, total=total)
    counter = None
    if args.tokenizer:
        from pipeline.student import Student

        counter = Student(args.tokenizer)
    report = analyze(reader.items(), gen, counter)
    print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
