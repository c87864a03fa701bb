"""Verification as one pure function: (params, input file, tokenizer) -> report and gates.

Per-item checks run through `map_chunks` (ordered, bounded, parallel); their
results are folded into `SetStats` in input order, then every gate is
evaluated. Outside DVC (`dvc_mode=False`) the gates the data cannot support
are skipped, each with the reason.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from pipeline.gates.gate import NEEDS_METADATA, NEEDS_PLAN, Gate
from pipeline.gates.item import check_chunk, make_checker
from pipeline.gates.itemgates import item_gates
from pipeline.gates.judge import Settings
from pipeline.gates.report import build_report
from pipeline.gates.setgates import fingerprint_gates, plan_gates
from pipeline.gates.stats import SetStats
from pipeline.gen.plan import quotas
from pipeline.legacy import LEGACY_VERSION
from pipeline.parallel import map_chunks, progress
from pipeline.params import GenerateParams, Params, ParamsError, params_from_dict
from pipeline.records import RecordReader, header_version
from pipeline.student import fingerprint
from pipeline.tools.registry import load_registry

FINGERPRINTS = ("tokenizer_fingerprint", "registry_fingerprint")
CAWS_GATES = ("caws_parsed", "caws_budget")
CAWS_OFF = "generate.caws_header is false: the prompts carry no CAWS header"


@dataclass
class Outcome:
    report: dict[str, Any]
    stats: SetStats
    seconds_per_100: float
    items_read: int  # items and unreadable lines: what the speed is measured over


def has_generator_metadata(path: str, max_line_bytes: int) -> bool:
    """Whether the first item carries the generator's metadata (call_sequence)."""
    reader = RecordReader(path, max_line_bytes=max_line_bytes, require_header=False)
    try:
        for _, entry in reader:
            if isinstance(entry, dict):
                metadata = entry.get("metadata")
                return isinstance(metadata, dict) and "call_sequence" in metadata
        return False
    finally:
        reader.close()


def header_plan(header: dict[str, Any]) -> tuple[GenerateParams | None, str]:
    """The generation plan a generated file records in its header, or (None, why not)."""
    plan = header.get("plan")
    if plan is None:
        return None, "no generation plan in the header (external data, or written before 2.1.0)"
    try:
        return params_from_dict({"generate": plan}).generate, ""
    except (ParamsError, TypeError) as exc:
        return None, f"the header's plan is unusable: {exc}"


def _skips(dvc_mode: bool, metadata: bool, header: dict[str, Any], no_plan: str) -> dict[str, str]:
    skips: dict[str, str] = {}
    if not metadata:
        skips.update(dict.fromkeys(NEEDS_METADATA, "needs generator metadata"))
        # Strict F1 counts the answer fields the generator names: without them
        # every item would score 0, a figure about the format, not the data.
        skips["integration_f1_strict"] = "needs the generator's answer field names"
    shards = header.get("num_shards")
    if not metadata:
        skips.update(dict.fromkeys(NEEDS_PLAN, "needs generator metadata"))
    elif not dvc_mode and no_plan:
        skips.update(dict.fromkeys(NEEDS_PLAN, no_plan))
    elif isinstance(shards, int) and shards > 1:
        skips.update(dict.fromkeys(NEEDS_PLAN, f"one shard of {shards}: merge the shards first"))
    if not dvc_mode:
        if not isinstance(header.get("tokenizer_fingerprint"), dict):
            skips["tokenizer_fingerprint"] = "no tokenizer fingerprint in the header"
        if header.get("tool_registry_sha256") in (None, "external"):
            skips["registry_fingerprint"] = "no registry fingerprint in the header (external)"
        elif LEGACY_VERSION in (header_version(header), header.get("dataset_version")):
            # Data the earlier version generated (extracted since, or not): its
            # fingerprint is of the earlier tools, never of today's.
            skips["registry_fingerprint"] = "a 1.1.0 file: written with the earlier tool registry"
    return skips


def verify(params: Params, source: str, tokenizer_dir: str, *, dvc_mode: bool) -> Outcome:
    started = time.perf_counter()
    v, run = params.verify, params.run
    metadata = dvc_mode or has_generator_metadata(source, run.max_line_bytes)
    reader = RecordReader(source, max_line_bytes=run.max_line_bytes, require_header=dvc_mode)
    header = reader.header
    plan, no_plan = (params.generate, "") if dvc_mode else header_plan(header)
    caws_on = plan is None or plan.caws_header
    cap = header.get("integration_span_cap")
    registry = load_registry()
    settings = Settings(
        tokenizer_dir=tokenizer_dir,
        allowlist=v.url_allowlist,
        caws_max_tokens=v.caws_max_tokens,
        integration_cap=params.generate.integration_span_cap
        if dvc_mode or not isinstance(cap, int)
        else cap,
        long_context_tokens=params.generate.long_context_tokens,
        standalone=not metadata,
        reference_share=v.reference_share,
        train_failed_attempts=params.export.train_on_failed_attempts,
        caws_header=caws_on,
        own_registry=dvc_mode or header.get("tool_registry_sha256") == registry.sha256,
    )
    stats = SetStats()
    total = header.get("total_samples") if isinstance(header.get("total_samples"), int) else None
    entries = progress(reader.lines(), total=total, desc="verify", enabled=run.progress)
    for result in map_chunks(
        check_chunk,
        entries,
        workers=params.workers(),
        chunk_size=run.chunk_size,
        factory=make_checker,
        factory_args=(settings,),
        backend=run.backend,
    ):
        stats.add(result)
    stats.finish()
    current = fingerprint(tokenizer_dir)
    gates: list[Gate] = item_gates(stats, v)
    planned = dataclasses.replace(params, generate=plan or params.generate)
    gates += plan_gates(stats, planned, quotas(planned.generate))
    gates += fingerprint_gates(
        header, current, registry.sha256, stats.reasons["tool_definition_mismatch"]
    )
    skips = _skips(dvc_mode, metadata, header, no_plan)
    if not caws_on:
        skips.update(dict.fromkeys(CAWS_GATES, CAWS_OFF))
    kept = [g for g in gates if g.name not in skips]
    skipped = [{"gate": g.name, "why": skips[g.name]} for g in gates if g.name in skips]
    made_with: dict[str, Any] = {"seed": header.get("seed")}
    if dvc_mode:
        # Output paths say nothing about how the data was made (and differ per checkout).
        generate = _flat(dataclasses.asdict(params.generate))
        # caws_header is named only when off, so reports of default runs stay as they were.
        made_with = {
            "seed": params.seed,
            "generate": {
                k: v
                for k, v in generate.items()
                if k != "out" and not (k == "caws_header" and v is True)
            },
        }
    report = build_report(
        mode="dvc" if dvc_mode else "standalone",
        source=source,
        header=header,
        fingerprints={
            "tokenizer": {"header": header.get("tokenizer_fingerprint"), "current": current},
            "registry": {"header": header.get("tool_registry_sha256"), "current": registry.sha256},
        },
        stats=stats,
        gates=kept,
        skipped=skipped,
        made_with=made_with,
    )
    elapsed = time.perf_counter() - started
    count = stats.items + stats.rejects
    return Outcome(
        report=report,
        stats=stats,
        seconds_per_100=100 * elapsed / max(count, 1),
        items_read=count,
    )


def _flat(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = list(value) if isinstance(value, tuple) else value
    return out
