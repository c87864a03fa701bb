"""Set-level gates: the set against the generator's plan, and the header fingerprints.

Quotas are read with the generator's own `quotas(params.generate)`, so the
verifier checks exactly what the generator was asked to meet.
"""

from __future__ import annotations

from typing import Any

from pipeline.gates.gate import Gate, at_least, at_most, counted, share
from pipeline.gates.stats import SetStats
from pipeline.gen.plan import SCENARIOS, Quotas
from pipeline.params import Params


def _mix_deviation(stats: SetStats, quotas: Quotas, total: int) -> tuple[float, float]:
    """Largest |observed share - planned share| over control kinds, and for multilingual."""
    n = stats.items
    deviations = [
        abs(share(stats.controls.get(kind, 0), n) - planned / total)
        for kind, planned in quotas.controls.items()
    ]
    deviations.append(
        abs(share(sum(stats.controls.values()), n) - sum(quotas.controls.values()) / total)
    )
    multilingual = n - stats.langs.get("en", 0)
    return max(deviations), abs(share(multilingual, n) - quotas.multilingual / total)


def plan_gates(stats: SetStats, params: Params, quotas: Quotas) -> list[Gate]:
    v = params.verify
    short_cells = [
        f"{s}/{c} {stats.cells.get((s, c), 0)}<{m}"
        for (s, c), m in sorted(quotas.cell_minimums.items())
        if stats.cells.get((s, c), 0) < m
    ]
    missing = [
        f"{s}/{k}"
        for s in SCENARIOS
        for k in quotas.structures
        if k not in stats.structures.get(s, ())
    ]
    adversarial_short = [
        f"{k} {stats.adversarial.get(k, 0)}<{m}"
        for k, m in quotas.adversarial.items()
        if stats.adversarial.get(k, 0) < m
    ]
    control_dev, multi_dev = _mix_deviation(stats, quotas, params.generate.total)
    controls = ", ".join(f"{k} {stats.controls.get(k, 0)}/{m}" for k, m in quotas.controls.items())
    multilingual = stats.items - stats.langs.get("en", 0)
    long_rate, short_rate = share(*stats.extraction["long"]), share(*stats.extraction["short"])
    has_both = stats.extraction["long"][1] > 0 and stats.extraction["short"][1] > 0
    return [
        counted(
            at_most(
                "stratification",
                "stratification_cell",
                len(short_cells),
                0,
                "; ".join(short_cells) or "every cell at its minimum",
            ),
            len(short_cells),
        ),
        counted(
            at_most(
                "structure_coverage",
                "structure_coverage",
                len(missing),
                0,
                "; ".join(missing) or "every structure in every scenario",
            ),
            len(missing),
        ),
        counted(
            at_most(
                "control_mix",
                "control_mix",
                control_dev,
                v.max_mix_deviation,
                f"controls (got/planned): {controls}",
            )
        ),
        counted(
            at_most(
                "multilingual_mix",
                "multilingual_mix",
                multi_dev,
                v.max_mix_deviation,
                f"{multilingual} multilingual items, {quotas.multilingual} planned",
            )
        ),
        counted(
            at_least(
                "locale_probes",
                "locale_probes",
                stats.locale_probes,
                quotas.locale_probes_min,
                "probes with locale-formatted figures",
            )
        ),
        counted(
            at_most(
                "adversarial_quota",
                "adversarial_quota",
                len(adversarial_short),
                0,
                "; ".join(adversarial_short) or "every type at its minimum",
            ),
            len(adversarial_short),
        ),
        counted(
            at_least(
                "long_context_quota",
                "long_context_quota",
                stats.long_context,
                quotas.long_context_min,
                "long-context items that really are long",
            )
        ),
        counted(
            at_most(
                "long_context_gap",
                "long_context_gap",
                abs(long_rate - short_rate) if has_both else 0.0,
                v.max_long_context_gap,
                f"full extraction {long_rate:.3f} long vs {short_rate:.3f} short",
            )
        ),
        counted(
            at_least(
                "multilingual_extraction",
                "multilingual_extraction",
                share(*stats.extraction["multilingual"]),
                v.min_multilingual_extraction,
                f"{stats.extraction['multilingual'][1]} multilingual items",
            )
        ),
    ]


def fingerprint_gates(
    header: dict[str, Any], tokenizer: dict[str, Any], registry_sha: str, tool_mismatches: int
) -> list[Gate]:
    """Header fingerprints against the tokenizer and registry in use now (hard fails).

    A header without a fingerprint fails too: nothing would tie the data to a tokenizer.
    """
    claimed = header.get("tokenizer_fingerprint")
    claimed = claimed if isinstance(claimed, dict) else {}
    same_tokenizer = bool(claimed) and all(
        claimed.get(k) == tokenizer.get(k) for k in ("sha256", "normalizer")
    )
    claimed_registry = header.get("tool_registry_sha256")
    same_registry = claimed_registry == registry_sha and tool_mismatches == 0
    return [
        counted(
            Gate(
                "tokenizer_fingerprint",
                "tokenizer_fingerprint",
                float(same_tokenizer),
                1.0,
                ">=",
                same_tokenizer,
                f"header {str(claimed.get('sha256'))[:12]}, current {tokenizer['sha256'][:12]}",
            )
        ),
        counted(
            Gate(
                "registry_fingerprint",
                "registry_fingerprint",
                float(same_registry),
                1.0,
                ">=",
                same_registry,
                f"header {str(claimed_registry)[:12]}, current {registry_sha[:12]}; "
                f"{tool_mismatches} items offer tools that differ from the registry",
            ),
            int(claimed_registry != registry_sha) + tool_mismatches,
        ),
    ]
