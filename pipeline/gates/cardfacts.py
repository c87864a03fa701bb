"""What the dataset card states beyond the verify report: sequence lengths, the
training exports (columns and one example row), the trainer-native exports
(their files and rows per split, from each one's meta.json) and the Hugging
Face metadata.

Everything here is a pure function of the extracted set, the export files and
the report, so the card is as reproducible as the data.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from pipeline import export
from pipeline.records import RecordError

LICENSE = "apache-2.0"
# The token budgets the card reports the share of items above; 1024 is TRL's
# SFTConfig default max_length, so a trainer that keeps it truncates those items.
LENGTH_LIMITS = (512, 1024, 2048, 4096)
PERCENTILES = (50, 90)
# Shown from each list column of the example row (the rest is elided).
EXAMPLE_TOKENS = 12
EXAMPLE_CHARS = 160


def length_figures(lengths: Counter[int]) -> dict[str, Any]:
    """items, median (p50), p90, max and the share above each of LENGTH_LIMITS.

    Percentiles are nearest-rank: the shortest length with at least that share
    of the items at or below it, so every figure is a real item's length.
    """
    total = sum(lengths.values())
    out: dict[str, Any] = {"items": total}
    if not total:
        return out
    ordered = sorted(lengths.items())
    for q in PERCENTILES:
        rank = max(1, -(-q * total // 100))  # ceil(q% of total), at least the first item
        seen = 0
        for length, count in ordered:
            seen += count
            if seen >= rank:
                out[f"p{q}"] = length
                break
    out["max"] = ordered[-1][0]
    out["over"] = {
        limit: sum(c for n, c in ordered if n > limit) / total for limit in LENGTH_LIMITS
    }
    return out


def hub_feature(name: str, kind: pa.DataType) -> dict[str, str]:
    """One `dataset_info.features` entry, as `datasets` writes it for this Arrow type."""
    if pa.types.is_list(kind):
        return {"name": name, "list": str(kind.value_type)}
    return {"name": name, "dtype": str(kind)}


@dataclass
class ExportDoc:
    """One training export, as the card describes it."""

    path: str  # as params.yaml names it (the card is written next to the data)
    config: str  # the Hub `configs` name
    title: str
    schema: pa.Schema
    columns: dict[str, str]  # column -> what it holds
    example: dict[str, Any] | None = None  # its first row, None when the file is absent
    rows: int | None = None
    notes: list[str] = field(default_factory=list)


def first_row(path: str | os.PathLike[str]) -> tuple[dict[str, Any] | None, int | None]:
    """(the first row, the number of rows) of a Parquet file; (None, None) if absent."""
    import pyarrow.parquet as pq

    if not Path(path).is_file():
        return None, None
    handle = pq.ParquetFile(path)
    rows = handle.metadata.num_rows
    if not rows:
        return None, 0
    table = handle.read_row_group(0)
    return {name: table.column(name)[0].as_py() for name in table.column_names}, rows


def export_docs(extract_export: str) -> list[ExportDoc]:
    """The training exports the card documents with their columns and first row,
    first one the Hub's default config (the trainer-native ones: `trainer_exports`)."""
    example, rows = first_row(extract_export)
    return [
        ExportDoc(
            path=extract_export,
            config="default",
            title="token ids, labels and masks (any trainer that takes input_ids and labels)",
            schema=export.SCHEMA,
            columns=dict(export.COLUMNS),
            example=example,
            rows=rows,
        )
    ]


SPLITS = ("train", "validation")


@dataclass(frozen=True)
class TrainerConfig:
    """One data file format of a trainer-native export (docs/exports.md)."""

    config: str  # its name on the card (the Hub `configs` name of a Parquet one)
    export: str  # the `extract.exports` name, and its folder under `extract.export_dir`
    suffix: str  # the data file of split S is S + suffix
    reader: str  # what reads it, for the card's reader

    @property
    def hub(self) -> bool:
        """Whether it is a Hub config of the card. A Hub repository reads all its
        configs with one `datasets` builder, the one its first config's files need
        (datasets issue #7101): Parquet here, from data/train.parquet. A JSONL
        config would be read as Parquet and fail, so the card names the JSONL
        files and how to load them instead."""
        return self.suffix == ".parquet"


# Every `extract.exports` name has its formats here (a test keeps them equal), in
# extract's order; TRL writes two.
TRAINER_CONFIGS = (
    TrainerConfig("trl", "trl", ".parquet", "TRL `SFTTrainer`, tokenised (labels and masks)"),
    TrainerConfig(
        "trl_conversational", "trl", ".jsonl", "TRL `SFTTrainer`'s own templating (messages)"
    ),
    TrainerConfig("axolotl", "axolotl", ".jsonl", "axolotl `type: chat_template`"),
    TrainerConfig("llamafactory", "llamafactory", ".jsonl", "LLaMA-Factory `formatting: sharegpt`"),
    TrainerConfig("earlier", "earlier", ".jsonl", "the earlier version's trainer"),
)


@dataclass
class TrainerExport:
    """A trainer-native export as extract wrote it: its non-empty splits' files and rows."""

    config: TrainerConfig
    files: dict[str, str]  # split -> path, as under `extract.export_dir`
    rows: dict[str, int]  # split -> rows, from meta.json


def _meta(path: Path) -> dict[str, Any] | None:
    """An export folder's meta.json, None when extract wrote none there."""
    if not path.is_file():
        return None
    try:
        meta = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise RecordError(path, 1, "meta.json", f"not JSON: {exc}") from exc
    if not (
        isinstance(meta, dict)
        and isinstance(meta.get("selected"), bool)
        and isinstance(meta.get("rows"), dict)
    ):
        raise RecordError(path, 1, "meta.json", "expected `selected` (bool) and `rows` (object)")
    return meta


def trainer_exports(export_dir: str) -> list[TrainerExport]:
    """The trainer-native exports extract wrote under `export_dir`: one per config
    whose export its meta.json marks selected, with the splits that have rows.

    Read from meta.json, which extract writes last, once its row counts are known:
    the card describes the files on disk, whatever params.yaml says now. A split
    without rows is left out (the Hub refuses an empty data file); an export
    without any is too."""
    out = []
    for config in TRAINER_CONFIGS:
        folder = Path(export_dir) / config.export
        meta = _meta(folder / "meta.json")
        if meta is None or not meta["selected"]:
            continue
        files, rows = {}, {}
        for split in SPLITS:
            count = meta["rows"].get(split)
            path = folder / f"{split}{config.suffix}"
            if isinstance(count, int) and count > 0 and path.is_file():
                files[split], rows[split] = str(path), count
        if files:
            out.append(TrainerExport(config, files, rows))
    return out


def data_file(path: str, card_dir: str) -> str:
    """The export's path relative to the card's folder (the folder pushed to the Hub):
    never a path of this machine, so the card's bytes do not depend on where it runs."""
    return Path(os.path.relpath(path, card_dir or ".")).as_posix()


def size_category(items: int) -> str:
    for bound, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if items < bound:
            return name
    for bound, name in ((1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if items < bound:
            return name
    return "10M<n<100M"


def front_matter(
    report: dict[str, Any],
    exports: list[ExportDoc],
    card_dir: str,
    trainers: list[TrainerExport] | None = None,
) -> dict[str, Any]:
    """The Hugging Face dataset-card metadata (the YAML block that opens README.md):
    one config per Parquet export, the trainer-native ones after the default."""
    languages = ["en", *sorted(k for k in report["distribution"]["languages"] if k != "en")]
    default = exports[0]
    return {
        "license": LICENSE,
        "pretty_name": "toolcall-data",
        "language": languages,
        "task_categories": ["text-generation"],
        "tags": [
            "tool-calling",
            "function-calling",
            "synthetic",
            "process-supervision",
            "token-masks",
        ],
        "size_categories": [size_category(int(report["summary"]["items"]))],
        "configs": [
            {
                "config_name": doc.config,
                "data_files": [{"split": "train", "path": data_file(doc.path, card_dir)}],
                **({"default": True} if doc is default else {}),
            }
            for doc in exports
        ]
        + [
            {
                "config_name": trainer.config.config,
                "data_files": [
                    {"split": split, "path": data_file(path, card_dir)}
                    for split, path in trainer.files.items()
                ],
            }
            for trainer in trainers or ()
            if trainer.config.hub
        ],
        "dataset_info": {
            "config_name": default.config,
            "features": [hub_feature(f.name, f.type) for f in default.schema],
            "splits": [{"name": "train", "num_examples": default.rows or 0}],
        },
    }
