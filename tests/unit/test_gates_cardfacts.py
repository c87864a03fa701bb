"""The card's own figures: nearest-rank length percentiles, Hub features, size category."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import export
from pipeline.gates.cardfacts import (
    LICENSE,
    data_file,
    first_row,
    hub_feature,
    length_figures,
    size_category,
)


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
