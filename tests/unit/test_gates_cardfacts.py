"""The card's own figures: nearest-rank length percentiles, Hub features, size
category, and the trainer-native exports as their meta.json describe them."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import export
from pipeline.gates.card import _trainers
from pipeline.gates.cardfacts import (
    LICENSE,
    TRAINER_CONFIGS,
    TrainerExport,
    data_file,
    export_docs,
    first_row,
    front_matter,
    hub_feature,
    length_figures,
    size_category,
    trainer_exports,
)
from pipeline.params import ExportName
from pipeline.records import RecordError, write_json


@given(st.lists(st.integers(0, 20_000), min_size=1, max_size=300))
def test_length_figures_match_numpy_nearest_rank(lengths: list[int]) -> None:
    figures = length_figures(Counter(lengths))
    values = np.array(lengths)
    assert figures["items"] == len(lengths)
    for q in (50, 90):
        assert figures[f"p{q}"] == int(np.percentile(values, q, method="inverted_cdf"))
    assert figures["max"] == max(lengths)
    for limit in (512, 1024, 2048, 4096):
        assert figures["over"][limit] == pytest.approx((values > limit).mean())


def test_no_sequences_give_only_the_count() -> None:
    assert length_figures(Counter()) == {"items": 0}


def test_a_length_at_the_limit_is_not_over_it() -> None:
    assert length_figures(Counter({1024: 3, 1025: 1}))["over"][1024] == 0.25


def test_every_export_column_is_described_in_order() -> None:
    assert list(export.COLUMNS) == export.SCHEMA.names
    assert all(export.COLUMNS.values())


def test_hub_features_follow_the_export_schema() -> None:
    features = [hub_feature(f.name, f.type) for f in export.SCHEMA]
    assert features[:2] == [
        {"name": "id", "dtype": "string"},
        {"name": "input_ids", "list": "int32"},
    ]
    assert {"name": "integration_mask", "list": "int8"} in features
    assert hub_feature("x", pa.list_(pa.int64())) == {"name": "x", "list": "int64"}


@pytest.mark.parametrize(
    ("items", "name"),
    [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (250_000, "100K<n<1M"), (10**8, "10M<n<100M")],
)
def test_size_categories(items: int, name: str) -> None:
    assert size_category(items) == name


def test_paths_are_relative_to_the_card() -> None:
    assert data_file("data/train.parquet", "data") == "train.parquet"
    assert data_file("data/exports/trl.parquet", "data") == "exports/trl.parquet"
    assert data_file("/x/data/train.parquet", "/x/data") == "train.parquet"


def test_an_absent_export_has_no_first_row() -> None:
    assert first_row("no/such/file.parquet") == (None, None)


def test_the_licence_is_declared_where_tools_look() -> None:
    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    text = (root / "LICENSE").read_text("utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert project["license"].lower() == LICENSE  # the card's Hub metadata


def test_every_export_name_has_its_formats_in_extract_s_order() -> None:
    assert list(dict.fromkeys(c.export for c in TRAINER_CONFIGS)) == list(get_args(ExportName))
    assert [c.config for c in TRAINER_CONFIGS if c.hub] == ["trl"]  # the one Parquet export
    assert len({c.config for c in TRAINER_CONFIGS}) == len(TRAINER_CONFIGS)


def write_export(root: Path, name: str, rows: dict[str, int], selected: bool = True) -> None:
    """An export folder as extract leaves it: meta.json, and a file per split with rows."""
    folder = root / name
    folder.mkdir(parents=True)
    write_json(folder / "meta.json", {"export": name, "selected": selected, "rows": rows})
    for split, count in rows.items():
        for suffix in (".parquet", ".jsonl") if name == "trl" else (".jsonl",):
            if selected:
                (folder / f"{split}{suffix}").write_text("{}\n" * count, "utf-8")


def test_trainer_exports_are_the_selected_ones_with_rows(tmp_path: Path) -> None:
    write_export(tmp_path, "trl", {"train": 5, "validation": 1})
    write_export(tmp_path, "axolotl", {"train": 6, "validation": 0})  # no validation rows
    write_export(tmp_path, "llamafactory", {"train": 0, "validation": 0})  # no rows at all
    write_export(tmp_path, "earlier", {"train": 0, "validation": 0}, selected=False)
    found = trainer_exports(str(tmp_path))
    assert [t.config.config for t in found] == ["trl", "trl_conversational", "axolotl"]
    assert found[0].files == {
        "train": str(tmp_path / "trl" / "train.parquet"),
        "validation": str(tmp_path / "trl" / "validation.parquet"),
    }
    assert found[0].rows == {"train": 5, "validation": 1}
    assert found[2].files == {"train": str(tmp_path / "axolotl" / "train.jsonl")}
    assert found[2].rows == {"train": 6}


def test_no_export_folder_means_no_trainer_export(tmp_path: Path) -> None:
    assert trainer_exports(str(tmp_path / "absent")) == []


@pytest.mark.parametrize(
    "text", [b"{not json", b"[]", b'{"selected": "yes", "rows": {}}', b'{"selected": true}']
)
def test_a_broken_meta_json_is_an_error_naming_the_file(tmp_path: Path, text: bytes) -> None:
    (tmp_path / "axolotl").mkdir()
    (tmp_path / "axolotl" / "meta.json").write_bytes(text)
    with pytest.raises(RecordError, match=r"axolotl/meta\.json:1: meta\.json: "):
        trainer_exports(str(tmp_path))


def test_only_parquet_exports_are_hub_configs(tmp_path: Path) -> None:
    write_export(tmp_path / "exports", "trl", {"train": 2, "validation": 1})
    write_export(tmp_path / "exports", "axolotl", {"train": 2, "validation": 1})
    report: dict[str, Any] = {
        "distribution": {"languages": {"en": 3}},
        "summary": {"items": 3},
    }
    docs = export_docs(str(tmp_path / "train.parquet"))
    meta = front_matter(report, docs, str(tmp_path), trainer_exports(str(tmp_path / "exports")))
    assert meta["configs"][1:] == [
        {
            "config_name": "trl",
            "data_files": [
                {"split": "train", "path": "exports/trl/train.parquet"},
                {"split": "validation", "path": "exports/trl/validation.parquet"},
            ],
        }
    ]
    assert meta["configs"][0]["config_name"] == "default" and meta["configs"][0]["default"]


@pytest.mark.parametrize(
    ("exports", "hub", "jsonl"),
    [(("trl",), True, False), (("axolotl",), False, True), (("trl", "axolotl"), True, True)],
)
def test_the_card_says_how_each_kind_of_export_loads(
    exports: tuple[str, ...], hub: bool, jsonl: bool
) -> None:
    """A Hub config loads by its name; JSONL files with the `json` builder. Each line
    only when an export of its kind was written (the card must not point at none)."""
    trainers = [
        TrainerExport(c, {"train": f"data/exports/{c.export}/train{c.suffix}"}, {"train": 3})
        for c in TRAINER_CONFIGS
        if c.config in exports
    ]
    text = "\n".join(_trainers(trainers, "data"))
    assert ("is a config of this card" in text) is hub
    assert ('load_dataset("json"' in text) is jsonl
    for t in trainers:
        assert f"`{t.config.config}`" in text and "3 train" in text
