"""The dataset card (Markdown), written from the verify report and nothing else."""

from __future__ import annotations

from typing import Any

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
    "reasoning_content": "no teacher reasoning field",
    "call_like_text": "no assistant text holds a call that no format reads",
    "execution": "responses replay in the item's world (or honour their arguments)",
    "intent_answered": "requested comparisons, lists, counts and computations are answered",
    "errors_disclosed": "failures of the user's path, page or code are told",
    "prompt_leaks": "the request states no value only a tool returns",
    "templates_filled": "no template slot is left unfilled in the text",
    "attributions": "a page is quoted only for the metric it reports",
    "labels": "complexity, scenario and intent describe what the item does",
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


def render_card(report: dict[str, Any]) -> str:
    header, dist, made = report["header"], report["distribution"], report["made_with"]
    summary, f1 = report["summary"], report["integration_f1"]
    tokenizer = report["fingerprints"]["tokenizer"]
    status = (
        "all gates pass" if summary["passed"] else "FAILING: " + ", ".join(summary["failed_gates"])
    )
    lines = [
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
        "## Known limitations",
        "",
    ]
    detectors = ", ".join(sorted(d.secret_type for d, _, _ in DETECTORS))
    languages = ", ".join(k for k in dist["languages"] if k != "en") or "no other language"
    lines.extend(
        f"- {text.format(detectors=detectors, languages=languages)}" for text in LIMITATIONS
    )
    return "\n".join(lines) + "\n"
