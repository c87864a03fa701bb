"""params.yaml as typed, frozen objects.

Every section is a frozen dataclass. The loader walks the dataclass fields, so
an unknown key, a wrong type or a value out of its declared range is an error
that names the key path (``generate.total: expected int, got str``). Ranges are
declared next to the field with ``bounded(lo, hi)``.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

import yaml

DEFAULT_PARAMS = Path("params.yaml")
T = TypeVar("T")


class ParamsError(ValueError):
    """A params problem, naming the key path."""


def bounded(default: Any, lo: float | None = None, hi: float | None = None) -> Any:
    return field(default=default, metadata={"lo": lo, "hi": hi})


@dataclass(frozen=True)
class TokenizerParams:
    # embedded | embedded-qwen3.6 | a local directory with tokenizer.json | a hub id
    source: str = "embedded"
    out: str = "data/tokenizer"


@dataclass(frozen=True)
class RunParams:
    # 0 means one worker per core; outputs never depend on this number.
    workers: int = bounded(0, 0, 256)
    chunk_size: int = bounded(64, 1, 100_000)
    max_line_bytes: int = bounded(16 * 1024 * 1024, 1024, 2**31)
    progress: bool = True
    # local: a process pool on this machine; ray: Ray actors (RAY_ADDRESS picks a cluster).
    backend: Literal["local", "ray"] = "local"


@dataclass(frozen=True)
class CawsParams:
    tier: int = bounded(2, 1, 3)
    max_files: int = bounded(8, 1, 10_000)
    max_loc: int = bounded(500, 1, 1_000_000)
    cov: int = bounded(80, 0, 100)
    mut: int = bounded(50, 0, 100)


@dataclass(frozen=True)
class GenerateParams:
    total: int = bounded(1000, 1, 100_000_000)
    format: Literal["hermes", "seed"] = "hermes"
    out: str = "data/generated.jsonl"
    control_ratio: float = bounded(0.10, 0.0, 0.5)
    multilingual_ratio: float = bounded(0.075, 0.0, 1.0)
    languages: tuple[str, ...] = ("es", "de", "fr")
    locale_probes_min: int = bounded(2, 0, 1_000_000)
    adversarial_per_type: int = bounded(3, 0, 1_000_000)
    long_context_min: int = bounded(3, 0, 1_000_000)
    long_context_tokens: int = bounded(8000, 1, 1_000_000)
    long_context_bytes: int = bounded(24000, 1, 100_000_000)
    negative_control_prob: float = bounded(0.0, 0.0, 1.0)
    integration_span_cap: int = bounded(3, 1, 100)
    num_shards: int = bounded(1, 1, 100_000)
    shard_index: int = bounded(0, 0, 100_000)
    # false: prompts start with the request, without the CAWS header line (and
    # verify skips the CAWS gates). true keeps earlier data byte-identical.
    caws_header: bool = True
    caws: CawsParams = field(default_factory=CawsParams)


ExportName = Literal["trl", "axolotl", "llamafactory", "earlier"]


@dataclass(frozen=True)
class ExtractParams:
    # pipeline.formats.FORMATS (docs/formats.md); a test keeps the two lists equal.
    format: Literal[
        "auto",
        "seed",
        "hermes",
        "openai",
        "llamafactory",
        "xlam",
        "glaive",
        "react",
        "llama3_json",
        "mistral",
        "qwen_xml",
        "pythonic",
        "deepseek",
        "kimi_k2",
        "glm45",
    ] = "auto"
    inp: str = "data/generated.jsonl"
    out: str = "data/extracted.jsonl"
    export: str = "data/train.parquet"
    rejects: str = "data/rejects/extract.jsonl"
    # Shortest string value (after casefolding) that can ground a sentence.
    ground_min_chars: int = bounded(3, 1, 1000)
    # Start integration spans after a source lead-in ("According to example.org, ").
    trim_attribution: bool = False
    # Rows per Parquet row group: fixed, so the export never depends on workers.
    row_group_rows: int = bounded(1024, 1, 1_000_000)
    # Trainer-native exports (docs/exports.md), one directory each under export_dir;
    # "earlier" (the earlier version's trainer, ~4x the size of any other) is opt-in.
    exports: tuple[ExportName, ...] = ("trl", "axolotl", "llamafactory")
    export_dir: str = "data/exports"
    # Share of ids (by a hash of the id) in each export's validation split.
    validation_share: float = bounded(0.02, 0.0, 1.0)


@dataclass(frozen=True)
class ExportParams:
    # A failed attempt the teacher marked (metadata.attempts: ok false, excluded) is
    # left out of the loss (labels -100) unless this is true.
    train_on_failed_attempts: bool = False


@dataclass(frozen=True)
class VerifyParams:
    inp: str = "data/extracted.jsonl"
    report: str = "data/verify_report.json"
    metrics: str = "metrics/verify.json"  # headline figures
    gate_metrics: str = "metrics/gates.json"  # each gate's value and pass flag
    reason_metrics: str = "metrics/reasons.json"  # every reason code's count
    plots_dir: str = "metrics/plots"
    card: str = "data/DATASET_CARD.md"
    min_full_extraction: float = bounded(0.95, 0.0, 1.0)
    min_json_valid: float = bounded(0.98, 0.0, 1.0)
    min_schema_valid: float = bounded(0.98, 0.0, 1.0)
    min_integration_f1_lax: float = bounded(0.90, 0.0, 1.0)
    max_integration_miss_share: float = bounded(0.05, 0.0, 1.0)
    min_span_f1: float = bounded(0.98, 0.0, 1.0)
    max_control_violations: int = bounded(0, 0, 1_000_000)
    min_caws_parsed: float = bounded(0.95, 0.0, 1.0)
    caws_max_tokens: int = bounded(30, 1, 10_000)
    min_alignment: float = bounded(0.995, 0.0, 1.0)
    reference_share: float = bounded(0.125, 0.0, 1.0)
    max_reference_mismatches: int = bounded(0, 0, 1_000_000)
    max_multicall_miss_share: float = bounded(0.05, 0.0, 1.0)
    min_multilingual_extraction: float = bounded(0.90, 0.0, 1.0)
    max_long_context_gap: float = bounded(0.03, 0.0, 1.0)
    max_duplicate_prompt_rate: float = bounded(0.01, 0.0, 1.0)
    max_seconds_per_100: float = bounded(2.0, 0.0, 1_000.0)
    url_allowlist: tuple[str, ...] = ("example.com", "example.org", "example.net")
    # Counts of offending items each zero-tolerance gate accepts.
    max_invalid_records: int = bounded(0, 0, 1_000_000)
    max_privacy_findings: int = bounded(0, 0, 1_000_000)
    max_unsafe_arguments: int = bounded(0, 0, 1_000_000)
    max_attempt_errors: int = bounded(0, 0, 1_000_000)
    max_over_cap_unflagged: int = bounded(0, 0, 1_000_000)
    max_reasoning_content: int = bounded(0, 0, 1_000_000)
    # Assistant turns holding call-like text that no format parser read (silently lost calls).
    max_call_like_text: int = bounded(0, 0, 1_000_000)
    max_duplicate_ids: int = bounded(0, 0, 1_000_000)
    # Semantic gates (pipeline.gates.meaning): offending items accepted.
    max_result_incoherent: int = bounded(0, 0, 1_000_000)
    max_intent_unanswered: int = bounded(0, 0, 1_000_000)
    max_error_undisclosed: int = bounded(0, 0, 1_000_000)
    max_prompt_leaks: int = bounded(0, 0, 1_000_000)
    max_template_residue: int = bounded(0, 0, 1_000_000)
    max_request_incoherent: int = bounded(0, 0, 1_000_000)
    max_history_absent: int = bounded(0, 0, 1_000_000)
    max_misattributed: int = bounded(0, 0, 1_000_000)
    max_label_mismatches: int = bounded(0, 0, 1_000_000)
    max_invalid_trained_calls: int = bounded(0, 0, 1_000_000)
    min_structure_fidelity: float = bounded(1.0, 0.0, 1.0)
    min_adversarial_behaviour: float = bounded(1.0, 0.0, 1.0)
    # Controls and multilingual items: share within this of the planned share (1 point).
    max_mix_deviation: float = bounded(0.01, 0.0, 1.0)
    # Below this many items the speed figure is dominated by start-up and is not gated.
    speed_min_items: int = bounded(1000, 1, 100_000_000)


@dataclass(frozen=True)
class Params:
    seed: int = bounded(42, 0, 2**63 - 1)
    dataset_version: str = "2.3.0"
    tokenizer: TokenizerParams = field(default_factory=TokenizerParams)
    run: RunParams = field(default_factory=RunParams)
    generate: GenerateParams = field(default_factory=GenerateParams)
    extract: ExtractParams = field(default_factory=ExtractParams)
    export: ExportParams = field(default_factory=ExportParams)
    verify: VerifyParams = field(default_factory=VerifyParams)

    def workers(self) -> int:
        return self.run.workers or (os.cpu_count() or 1)


def _type_name(kind: Any) -> str:
    return getattr(kind, "__name__", None) or str(kind)


def _coerce(value: Any, kind: Any, path: str) -> Any:
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise ParamsError(f"{path}: expected a mapping, got {type(value).__name__}")
        return _build(kind, value, path)  # type: ignore[arg-type]
    if origin is Literal:
        choices = typing.get_args(kind)
        if value not in choices:
            raise ParamsError(f"{path}: expected one of {list(choices)}, got {value!r}")
        return value
    if origin in (Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in (o for o in options if o is not type(None)):
            try:
                return _coerce(value, option, path)
            except ParamsError as exc:
                errors.append(str(exc))
        raise ParamsError("; ".join(errors))
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ParamsError(f"{path}: expected a list, got {type(value).__name__}")
        (item_kind, _ellipsis) = typing.get_args(kind)
        return tuple(_coerce(v, item_kind, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ParamsError(f"{path}: expected a mapping, got {type(value).__name__}")
        key_kind, item_kind = typing.get_args(kind)
        return {
            _coerce(k, key_kind, f"{path}.{k}"): _coerce(v, item_kind, f"{path}.{k}")
            for k, v in value.items()
        }
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    # bool is an int in Python; a YAML `true` must not pass for a count.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ParamsError(f"{path}: expected {_type_name(kind)}, got {type(value).__name__}")
    return value


def did_you_mean(name: Any, known: Iterable[str]) -> str:
    """ "; did you mean 'x'?" for the closest known name (difflib), else ""."""
    close = difflib.get_close_matches(str(name), sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _build(cls: type[T], data: dict[str, Any], prefix: str) -> T:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    # key=str: YAML allows non-string keys, and they must not break the sort.
    unknown = sorted(set(data) - set(fields), key=str)
    if unknown:
        where = f"{prefix}." if prefix else ""
        known = ", ".join(sorted(fields))
        hint = did_you_mean(unknown[0], fields)
        raise ParamsError(f"{where}{unknown[0]}: unknown key (known: {known}{hint})")
    values: dict[str, Any] = {}
    for name, value in data.items():
        path = f"{prefix}.{name}" if prefix else name
        coerced = _coerce(value, hints[name], path)
        # NaN compares false with every bound, so it would slip through them.
        if isinstance(coerced, float) and not math.isfinite(coerced):
            raise ParamsError(f"{path}: {coerced} is not a finite number")
        lo, hi = fields[name].metadata.get("lo"), fields[name].metadata.get("hi")
        if lo is not None and coerced < lo:
            raise ParamsError(f"{path}: {coerced} is below the minimum {lo}")
        if hi is not None and coerced > hi:
            raise ParamsError(f"{path}: {coerced} is above the maximum {hi}")
        values[name] = coerced
    return cls(**values)


def params_from_dict(data: dict[str, Any]) -> Params:
    params = _build(Params, data, "")
    exports = params.extract.exports
    if len(set(exports)) != len(exports):
        raise ParamsError(f"extract.exports: {list(exports)} names an export twice")
    gen = params.generate
    if gen.shard_index >= gen.num_shards:
        raise ParamsError(
            f"generate.shard_index: {gen.shard_index} must be below num_shards {gen.num_shards}"
        )
    return params


def load_params(path: str | os.PathLike[str] = DEFAULT_PARAMS) -> Params:
    """Load and validate params.yaml (safe loader only)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParamsError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: not UTF-8 (byte {exc.start})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: expected a mapping at the top level")
    try:
        return params_from_dict(data)
    except ParamsError as exc:
        raise ParamsError(f"{path}: {exc}") from exc
