"""Set-level statistics, folded from per-item results in input order.

Everything here is a count or a sum, so folding is cheap and the result does
not depend on how items were chunked or on the number of workers. Only the
five worst strict-F1 items keep their details. What must see every item
(the report's per-item results, the duplicate ids and prompts) lives on disk
(`ItemLog`, `Duplicates`), so memory stays flat however large the set.
Duplicates are known once every item is in: `finish()` flags them.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from pipeline.gates.codes import ITEM_REASONS
from pipeline.gates.duplicates import Duplicates
from pipeline.gates.itemlog import ItemLog

WORST = 5
# Common `max_length` settings of trainers: sequence lengths are counted per
# bucket between them (the last bucket holds everything longer).
MAX_LENGTHS = (512, 1024, 2048, 4096, 8192)


def length_bucket(tokens: int) -> int:
    """The index of the smallest max_length that holds `tokens` (len(MAX_LENGTHS) if none)."""
    return bisect.bisect_left(MAX_LENGTHS, tokens)


F1_KEYS = (
    *("items", "lax_sum", "strict_sum", "spans", "lax_spans", "strict_spans"),
    *("lax_hits", "strict_hits", "misses"),
)


def _f1_acc() -> dict[str, float]:
    return dict.fromkeys(F1_KEYS, 0.0)


@dataclass
class SetStats:
    items: int = 0
    rejects: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    per_item: ItemLog = field(default_factory=ItemLog)
    # How many entries carry each exact set of reasons (filled by `finish`).
    reason_sets: Counter[frozenset[str]] = field(default_factory=Counter)
    cells: Counter[tuple[str, str]] = field(default_factory=Counter)
    structures: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    controls: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    adversarial: Counter[str] = field(default_factory=Counter)
    locale_probes: int = 0
    long_context: int = 0
    negative_controls: int = 0
    # [fully extracted, items] per group
    extraction: dict[str, list[int]] = field(
        default_factory=lambda: {k: [0, 0] for k in ("all", "multilingual", "long", "short")}
    )
    counts: Counter[str] = field(default_factory=Counter)
    alignment: dict[str, list[int]] = field(
        default_factory=lambda: {"teacher": [0, 0], "sequence": [0, 0]}
    )
    parity: list[int] = field(default_factory=lambda: [0, 0])
    caws_parsed: int = 0
    caws_max_tokens: int = 0
    ids: Duplicates = field(default_factory=Duplicates)
    prompts: Duplicates = field(default_factory=Duplicates)
    f1: dict[str, float] = field(default_factory=_f1_acc)
    per_tool: defaultdict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(_f1_acc)
    )
    gold: dict[str, list[int]] = field(default_factory=dict)
    span_lengths: Counter[tuple[str, int]] = field(default_factory=Counter)
    # Training-sequence length -> items, as verify counted the rendered sequence's
    # tokens itself (never extract's recorded length): the card's figures and the plot.
    sequence_lengths: Counter[int] = field(default_factory=Counter)
    worst: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    finished: bool = False

    def add(self, result: dict[str, Any]) -> None:
        reasons: list[str] = result["reasons"]
        if "labels" not in result:
            self.rejects += 1
            self._record(result, reasons)
            return
        self.items += 1
        self._duplicates(result)
        labels = result["labels"]
        self._labels(labels, structure_ok="structure_mismatch" not in reasons)
        group = "long" if labels["long_context_flag"] else "short"
        for key in ("all", group) + (("multilingual",) if labels["lang"] != "en" else ()):
            self.extraction[key][0] += int(result["extracted"])
            self.extraction[key][1] += 1
        self.counts.update(result["counts"])
        for level, (checked, aligned) in result.get("alignment", {}).items():
            self.alignment[level][0] += checked
            self.alignment[level][1] += aligned
        self.parity[0] += result["parity"][0]
        self.parity[1] += result["parity"][1]
        if labels["caws_parsed"]:
            self.caws_parsed += 1
            self.caws_max_tokens = max(self.caws_max_tokens, result.get("caws_tokens", 0))
        for kind, scores in result["gold"].items():
            acc = self.gold.setdefault(kind, [0, 0, 0])
            for i in range(3):
                acc[i] += scores[i]
        self.span_lengths.update(result.get("span_lengths", ()))
        if "sequence_tokens" in result:
            self.sequence_lengths[result["sequence_tokens"]] += 1
        if result["f1"] is not None:
            self._f1(result)
        self._record(result, reasons)

    def _duplicates(self, result: dict[str, Any]) -> None:
        position = len(self.per_item)  # the entry `_record` is about to append
        self.ids.add(str(result["id"]).encode("utf-8"), position)
        self.prompts.add(result["prompt_key"], position)

    def finish(self) -> None:
        """Flag every repeated id and prompt, then count the entries' reason sets.

        Called once, after the last `add`; the flags read back in input order,
        as the reasons an item got from its own checks, then these.
        """
        if self.finished:
            return
        self.finished = True
        kinds = (("duplicate_id", self.ids, _seen_before), ("duplicate_prompt", self.prompts, None))
        for code, found, detail in kinds:
            repeated = found.repeated().tolist()
            found.close()
            for position in repeated:
                self.per_item.add_reason(position, code, detail)
            if repeated:
                self.reasons[code] += len(repeated)
        self.reason_sets = Counter(frozenset(e["reasons"]) for e in self.per_item)

    def _labels(self, labels: dict[str, Any], structure_ok: bool) -> None:
        scenario, complexity = labels["scenario"], labels["complexity"]
        if isinstance(scenario, str) and isinstance(complexity, str):
            self.cells[(scenario, complexity)] += 1
        # A structure counts for coverage only where the arguments really have it.
        structure = labels["structure"]
        if labels["uses_tools"] and structure_ok and isinstance(scenario, str):
            self.structures[scenario].add(str(structure))
        if labels["control"] is not None:
            self.controls[labels["control"]] += 1
        self.langs[str(labels["lang"])] += 1
        if labels["adversarial"]:
            self.adversarial[str(labels["adversarial"])] += 1
        self.locale_probes += int(labels["locale_probe"] and labels["lang"] != "en")
        self.long_context += int(labels["long_context"])

    def _f1(self, result: dict[str, Any]) -> None:
        f1 = result["f1"]
        self.negative_controls += int(f1["negative_control"])
        for acc in [self.f1] + [self.per_tool[t] for t in f1["tools"]]:
            acc["items"] += 1
            acc["lax_sum"] += f1["f1_lax"]
            acc["strict_sum"] += f1["f1_strict"]
            acc["spans"] += f1["spans"]
            acc["lax_spans"] += f1["lax"]
            acc["strict_spans"] += f1["strict"]
            acc["lax_hits"] += int(f1["lax"] > 0)
            acc["strict_hits"] += int(f1["strict"] > 0)
            acc["misses"] += int(f1["lax"] == 0)
        entry = {
            "id": result["id"],
            "line": result["line"],
            "f1_strict": f1["f1_strict"],
            "f1_lax": f1["f1_lax"],
            "tools": f1["tools"],
            "spans": f1["detail"],
            "missed_strict_fields": f1["missed"],
            "negative_control": f1["negative_control"],
        }
        # A max-heap on (f1_strict, line) of size WORST keeps the lowest, earliest items.
        heapq.heappush(self.worst, (-f1["f1_strict"], -result["line"], entry))
        if len(self.worst) > WORST:
            heapq.heappop(self.worst)

    def _record(self, result: dict[str, Any], reasons: list[str]) -> None:
        self.reasons.update(reasons)
        entry: dict[str, Any] = {"line": result["line"], "id": result["id"], "reasons": reasons}
        if result.get("details"):
            entry["details"] = result["details"]
        f1 = result.get("f1")
        if f1 is not None:
            entry["f1_lax"] = round(f1["f1_lax"], 6)
            entry["f1_strict"] = round(f1["f1_strict"], 6)
        self.per_item.append(entry)

    def worst_items(self) -> list[dict[str, Any]]:
        ordered = sorted(self.worst, key=lambda w: (-w[0], -w[1]))
        return [entry for _, _, entry in ordered]

    def reason_counts(self) -> dict[str, int]:
        return {code: self.reasons.get(code, 0) for code in ITEM_REASONS}


def _seen_before(entry: dict[str, Any]) -> str:
    return f"duplicate_id: {str(entry['id'])!r} seen before"
