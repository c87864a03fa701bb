"""The dataset card (Markdown with Hugging Face YAML front matter).

Written from the verify report, plus what the report does not hold
(`pipeline.gates.cardfacts`): the training-sequence lengths verify counted and
the export files' columns and first row. Figures are read from the report
object, never from the metrics file, whose layout is free to change.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from pipeline.gates.cardfacts import (
    EXAMPLE_CHARS,
    EXAMPLE_TOKENS,
    LENGTH_LIMITS,
    LICENSE,
    ExportDoc,
    TrainerExport,
    data_file,
    front_matter,
)
from pipeline.gates.privacy import DETECTORS

LIMITATIONS = (
    "The data is synthetic: prompts, worlds and answers are drawn from combinatorial pools "
    "and phrase templates, so their style is narrower than real traffic.",
    "Each item's tools run in a small seeded world (files, pages, redirects, scheduled "
    "faults) and its responses replay exactly; code is never executed, so only the offline "
    "runner's program family appears, and a real tool may behave differently.",
    "The semantic gates are rules, not a reader: intents are read from the request with "
    "patterns in English, Spanish, German and French; an error counts as the user's when "
    "the request states the failing path, address or code; a leak needs two or more values. "
    "A paraphrased request or answer can pass them or be flagged wrongly.",
    "Language quality (grammar, idiom, natural phrasing) is not gated: it is judged by "
    "people who read a fresh sample, as the audit rubric describes.",
    "Lax grounding is string matching (values, locale spellings of numbers, URL host and "
    "first path segment); it can accept a coincidental match and miss a paraphrase. "
    "Strict F1 is reported as a trend, not gated.",
    "Privacy scanning is pattern-based: e-mail, UUID, phone and card patterns, "
    "detect-secrets detectors with fixed prefixes ({detectors}), and a URL host "
    "allowlist. Entropy-based secret detection is not used.",
    "Languages are English plus {languages}; long-context items use synthetic distractors "
    "(logs, stack traces).",
    "Token spans are exact only for the tokenizer whose fingerprint is given above; another "
    "tokenizer needs `dvc repro` with `tokenizer.source` changed.",
)


# What each gate checks, for the card's reader (who has not read the code).
CHECKS = {
    "records": "every line is a readable item with targets",
    "full_extraction": "every call found with its three spans, and an answer",
    "json_valid": "call arguments are JSON",
    "schema_valid": "call arguments obey the tool's JSON Schema",
    "integration_f1": "answer sentences carry values of the tool responses (lax)",
    "integration_f1_strict": "the same, counting only answer fields (trend)",
    "span_f1": "extractor spans equal the generator's gold spans",
    "controls": "controls make no call and integrate nothing",
    "caws_parsed": "the CAWS header line parses",
    "caws_budget": "the CAWS header fits its token budget",
    "privacy": "no e-mail, UUID, phone, card, secret or foreign URL",
    "argument_safety": "no path traversal or shell injection in arguments",
    "alignment_teacher": "token spans round-trip over the teacher text",
    "alignment_sequence": "token spans round-trip over the training sequence",
    "reference": "the fast paths equal the tokenizer and the chat template",
    "multicall_parity": "one argument span per call in multi-call items",
    "structure_fidelity": "arguments have the labelled shape",
    "adversarial_behaviour": "user faults corrected with valid calls; ambiguity asks",
    "attempts": "the attempt record matches the responses",
    "integration_cap": "over-cap answers are flagged",
    "reasoning_content": "no teacher reasoning: no reasoning field, no `<think>` in the answer",
    "call_like_text": "no assistant text holds a call that no format reads",
    "execution": "responses replay in the item's world (or honour their arguments)",
    "intent_answered": "requested comparisons, lists, counts, computations and context lines "
    "are answered",
    "errors_disclosed": "failures of the user's path, page or code are told",
    "prompt_leaks": "the request states no value only a tool returns",
    "templates_filled": "no template slot is left unfilled in the text",
    "requests_coherent": "no request contradicts itself or its calls",
    "history_present": "no reference to an earlier answer the item does not hold",
    "attributions": "a page is quoted only for the metric it reports, a file's date and size "
    "only as a response gave them",
    "labels": "complexity, structure, scenario and intent describe what the item does",
    "trained_calls_valid": "no invalid call is trained on",
    "duplicate_ids": "ids are unique",
    "duplicate_prompts": "prompts are distinct",
    "stratification": "every scenario x complexity cell at its minimum",
    "structure_coverage": "every argument structure in every scenario",
    "control_mix": "controls at their planned share",
    "multilingual_mix": "other languages at their planned share",
    "locale_probes": "enough items with locale-formatted figures",
    "adversarial_quota": "every adversarial type at its minimum",
    "long_context_quota": "enough long-context items that really are long",
    "long_context_gap": "long items extract as well as short ones",
    "multilingual_extraction": "other languages extract",
    "tokenizer_fingerprint": "the data was tokenized by this tokenizer",
    "registry_fingerprint": "the data offers these tool definitions",
}


def _table(rows: list[list[str]], head: list[str]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def _num(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _what_figures_mean(report: dict[str, Any]) -> list[str]:
    return [
        "## What the figures measure (and what they do not)",
        "",
        "- **span_f1** compares the spans the extractor finds with the gold spans the "
        "generator recorded while writing the same text. Both come from this pipeline, "
        "so 1.0 means the extractor recovers exactly what the generator wrote: it is "
        "agreement between two parts of the pipeline, not a measure of how good the "
        "calls or the answers are.",
        "- **integration_f1** (lax and strict) matches the extracted integration spans "
        "against values in the tool responses, by string. The generator writes every "
        "answer sentence from those same values, so a figure near 1.0 says the "
        "extracted spans carry the values the generator put there: agreement with how "
        "the generator wrote the text, not a sign that an answer is correct, complete, "
        "helpful or well phrased. Strict counts only answer fields and is a trend.",
        f"- Here: span_f1 {_num(report['span_f1'].get('all'))}, integration_f1 lax macro "
        f"{_num(report['integration_f1']['lax_macro'])}, strict macro "
        f"{_num(report['integration_f1']['strict_macro'])}.",
        "- The **semantic gates** (execution, intent_answered, errors_disclosed, "
        "prompt_leaks, templates_filled, requests_coherent, history_present, "
        "attributions, labels, trained_calls_valid) are rules that "
        "replay each item in its seeded world and read its text with patterns; they "
        "catch contradictions, not awkward or unhelpful but consistent answers.",
        "- The **schema, alignment and reference gates** check the mechanics: JSON "
        "that validates, token spans that decode back to their text, and fast paths "
        "that equal the tokenizer and the chat template.",
        "- No figure here is a judgement by a person or a model. *All gates pass* "
        "means every rule above holds on every item; language quality is judged by "
        "people reading a sample (see the known limitations).",
        "",
    ]


def _caws(made: dict[str, Any]) -> list[str]:
    generate = made.get("generate", {})
    lines = ['## The `{"caws": ...}` line that starts each prompt', ""]
    if generate.get("caws_header", True) is False:
        return [
            *lines,
            "This set was made with `generate.caws_header: false`: the prompts carry no "
            "CAWS header and start with the user's request; the CAWS gates were skipped.",
            "",
        ]
    body = {
        k.split(".", 1)[1]: v
        for k, v in generate.items()
        if k.startswith("caws.") and isinstance(v, int)
    }
    header = json.dumps({"caws": body}, separators=(",", ":"))
    return [
        *lines,
        "Every prompt's first line is the same one-line JSON object, from "
        "`generate.caws` in params.yaml:",
        "",
        f"    {header}",
        "",
        "It states the working limits a coding agent is given, as its fields are named: "
        "a risk `tier`, the most files (`max_files`) and lines of code (`max_loc`) a "
        "change may touch, and the coverage (`cov`) and mutation-score (`mut`) targets "
        "in percent. It is a constant prefix: no call or answer in the data depends on "
        "its values, and the answers never mention it. A model trained on this data "
        "learns to expect it; if your prompts will not carry it, regenerate with "
        "`generate.caws_header: false` (`dvc exp run -S generate.caws_header=false`), "
        "which starts every prompt with the request and skips the two CAWS gates.",
        "",
    ]


def _clip(value: Any) -> str:
    if isinstance(value, list):
        shown = ", ".join(map(str, value[:EXAMPLE_TOKENS]))
        more = f", ... ({len(value)} in all" + (
            f", {sum(1 for v in value if v == 1)} set)" if set(value) <= {0, 1} else ")"
        )
        return f"[{shown}{more if len(value) > EXAMPLE_TOKENS else ''}]"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS] + f"... ({len(text)} chars)"


def _export(doc: ExportDoc, card_dir: str) -> list[str]:
    lines = [
        f"### `{data_file(doc.path, card_dir)}`: {doc.title}",
        "",
        f"{doc.rows if doc.rows is not None else 'no'} rows, one per extracted item, in "
        "input order. Columns:",
        "",
        *_table(
            [[f"`{f.name}`", f"`{f.type}`", doc.columns.get(f.name, "")] for f in doc.schema],
            ["column", "Arrow type", "what it holds"],
        ),
        "",
        *doc.notes,
    ]
    if doc.example is None:
        return [*lines, "(The file was not found when the card was written.)", ""]
    return [
        *lines,
        "Its first row (lists and strings shortened):",
        "",
        "```text",
        *(f"{name}: {_clip(value)}" for name, value in doc.example.items()),
        "```",
        "",
    ]


def _trainers(trainers: list[TrainerExport], card_dir: str) -> list[str]:
    lines = ["## Trainer-native exports", ""]
    if not trainers:
        return [*lines, "None was written (`extract.exports` selected none).", ""]
    rows = [
        [
            f"`{t.config.config}`" + (" (Hub config)" if t.config.hub else ""),
            "<br>".join(f"`{data_file(path, card_dir)}`" for path in t.files.values()),
            " / ".join(f"{t.rows[split]} {split}" for split in t.files),
            t.config.reader,
        ]
        for t in trainers
    ]
    hub = next((t for t in trainers if t.config.hub), None)
    jsonl = next((t for t in trainers if not t.config.hub), None)
    load = []
    if hub is not None:
        load.append(
            f"- `{hub.config.config}` is a config of this card: "
            f'`datasets.load_dataset("<this folder>", "{hub.config.config}")`.'
        )
    if jsonl is not None:
        files = ", ".join(f'"{s}": "{data_file(p, card_dir)}"' for s, p in jsonl.files.items())
        load.append(
            "- The JSONL files load with the `json` builder, e.g. "
            f'`datasets.load_dataset("json", data_files={{{files}}})`. They are not Hub '
            "configs: a Hub repository reads every config with the builder of its first "
            "(Parquet here)."
        )
    return [
        *lines,
        "`extract` also writes the data in the formats trainers read as they are "
        "(`extract.exports`), one row per extracted item, each with a `train` and a "
        "`validation` split (an item's split is fixed by its id). docs/exports.md in "
        "the repository gives every column and each trainer's settings.",
        "",
        *_table(rows, ["export", "files", "rows", "read by"]),
        "",
        *load,
        "",
    ]


def _lengths(lengths: dict[str, Any]) -> list[str]:
    if not lengths.get("items"):
        return ["## Sequence lengths", "", "No item carries a training sequence.", ""]
    over = lengths["over"]
    return [
        "## Sequence lengths",
        "",
        f"Tokens per training sequence (`input_ids`, the whole conversation) over "
        f"{lengths['items']} items: median {lengths['p50']}, p90 {lengths['p90']}, "
        f"max {lengths['max']} (nearest-rank percentiles).",
        "",
        *_table(
            [[f"> {limit}", _percent(over[limit])] for limit in LENGTH_LIMITS],
            ["tokens", "share of items"],
        ),
        "",
        "Trainers truncate at their `max_length` (TRL's `SFTConfig` default is 1024): "
        f"{_percent(over[1024])} of these items would lose their end (the final answer "
        "and its integration spans are last). Set `max_length` to at least the max "
        "above, or filter long items before training.",
        "",
    ]


def _hub() -> list[str]:
    return [
        "## Licence and use",
        "",
        f"The data is released under the Apache License 2.0 (`{LICENSE}`), like the "
        "code that makes it (LICENSE in the repository). It is synthetic: no text of a "
        "person or a third-party dataset is in it. The token ids are ids of the student "
        "tokenizer named below, which is not part of the data and keeps its own licence.",
        "",
        'Load the export with `datasets.load_dataset("parquet", '
        'data_files="train.parquet")`, or push this folder to the Hugging Face Hub '
        "with this card as its README.md (README.md of the repository says how).",
        "",
    ]


def render_card(
    report: dict[str, Any],
    lengths: dict[str, Any],
    exports: list[ExportDoc],
    card_dir: str = "data",
    trainers: list[TrainerExport] | None = None,
) -> str:
    """The card: front matter, then what the data is, how it was made and checked."""
    header, dist, made = report["header"], report["distribution"], report["made_with"]
    summary, f1 = report["summary"], report["integration_f1"]
    tokenizer = report["fingerprints"]["tokenizer"]
    status = (
        "all gates pass" if summary["passed"] else "FAILING: " + ", ".join(summary["failed_gates"])
    )
    meta = yaml.safe_dump(
        front_matter(report, exports, card_dir, trainers), sort_keys=False, allow_unicode=True
    )
    lines = [
        "---",
        meta.rstrip("\n"),
        "---",
        "",
        f"# toolcall-data {header.get('dataset_version', '')}: dataset card",
        "",
        f"Status: **{status}** ({summary['items']} items, "
        f"{summary['unreadable_lines']} unreadable lines).",
        "",
        "## What it contains",
        "",
        "Tool-calling conversations with process-supervision targets: for every call the "
        "token spans of the tool name, the JSON arguments and the whole call, and the spans of "
        "the final answer that integrate the tool results, relative to the teacher text and to "
        "the chat-template training sequence.",
        "",
        *_table(
            [[k.replace("/", " / "), str(v)] for k, v in dist["scenario_complexity"].items()],
            ["scenario / complexity", "items"],
        ),
        "",
        f"- languages: {', '.join(f'{k} {v}' for k, v in dist['languages'].items())}",
        f"- controls: {', '.join(f'{k} {v}' for k, v in dist['controls'].items()) or 'none'}",
        "- adversarial: "
        + (", ".join(f"{k} {v}" for k, v in dist["adversarial"].items()) or "none"),
        f"- long-context items: {dist['long_context']}; locale probes: {dist['locale_probes']}; "
        f"negative controls: {dist['negative_controls']}",
        "",
        *_caws(made),
        "## Training export",
        "",
        *(line for doc in exports for line in _export(doc, card_dir)),
        *_trainers(trainers or [], card_dir),
        *_lengths(lengths),
        *_what_figures_mean(report),
        "## How it was made",
        "",
        f"- `dvc repro` from `params.yaml` (seed {header.get('seed')}, "
        f"{header.get('total_samples')} samples); generate parameters:",
        "",
        *(f"  - `{k}`: {_num(v)}" for k, v in made.get("generate", {}).items()),
        "",
        f"- student tokenizer `{tokenizer.get('current', {}).get('id')}`, sha256 "
        f"`{tokenizer.get('current', {}).get('sha256')}`, normaliser "
        f"{tokenizer.get('current', {}).get('normalizer')}",
        f"- tool registry sha256 `{report['fingerprints']['registry'].get('current')}`",
        f"- schema version {header.get('schema_version')}",
        "",
        "## Gates",
        "",
        *_table(
            [
                [
                    g["name"],
                    CHECKS.get(g["name"], ""),
                    _num(g["value"]),
                    "trend" if g["op"] == "trend" else f"{g['op']} {_num(g['threshold'])}",
                    "pass" if g["pass"] else "**FAIL**",
                ]
                for g in report["gates"]
            ]
            + [
                [s["gate"], CHECKS.get(s["gate"], ""), "-", "-", f"skipped: {s['why']}"]
                for s in report["skipped"]
            ],
            ["gate", "what it checks", "value", "threshold", "result"],
        ),
        "",
        f"Integration F1 over {_num(f1['items'])} eligible items: lax macro "
        f"{_num(f1['lax_macro'])}, lax micro {_num(f1['lax_micro'])}, strict macro "
        f"{_num(f1['strict_macro'])}, strict micro {_num(f1['strict_micro'])}.",
        "",
        *_table(
            [
                [tool, _num(v["items"]), _num(v["lax_macro"]), _num(v["strict_macro"])]
                for tool, v in f1["per_tool"].items()
            ],
            ["tool", "items", "lax macro F1", "strict macro F1"],
        ),
        "",
        *_hub(),
        "## Known limitations",
        "",
    ]
    detectors = ", ".join(sorted(d.secret_type for d, _, _ in DETECTORS))
    languages = ", ".join(k for k in dist["languages"] if k != "en") or "no other language"
    lines.extend(
        f"- {text.format(detectors=detectors, languages=languages)}" for text in LIMITATIONS
    )
    return "\n".join(lines) + "\n"
