"""The dataset card of a real generate + extract + verify run, and generate.caws_header.

The card: its Hugging Face front matter parses and names the export's real
columns (`datasets` loads the folder by it, every config), its length figures
are the extracted items' own, its example row is the export's first row, and it
lists every trainer-native export with its rows. The header
param: on (the default) every prompt starts with the CAWS line and verify gates
it; off, prompts start with the request and the two CAWS gates are skipped
with the reason, in DVC mode and standalone alike."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import datasets
import numpy as np
import orjson
import pyarrow.parquet as pq
import pytest
import yaml
from fixture_items import repo_params_under, run_stages
from huggingface_hub import DatasetCard

from pipeline import verify
from pipeline.gates.run import CAWS_GATES, CAWS_OFF


def build(root: Path, tokenizer: Path, caws_header: bool | None) -> Path:
    data = repo_params_under(root, tokenizer)
    data["generate"]["total"] = 120
    # None: the key left out, as in a params.yaml written before the knob.
    data["generate"].pop("caws_header", None)
    if caws_header is not None:
        data["generate"]["caws_header"] = caws_header
    run_stages(root, data)
    return root


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("caws")
    return {
        "default": build(base / "default", qwen_dir, None),
        "on": build(base / "on", qwen_dir, True),
        "off": build(base / "off", qwen_dir, False),
    }


def report_of(root: Path) -> dict[str, Any]:
    report: dict[str, Any] = orjson.loads((root / "data" / "verify_report.json").read_bytes())
    return report


def test_true_is_the_default_and_changes_no_byte(runs: dict[str, Path]) -> None:
    for name in ("generated.jsonl", "extracted.jsonl", "train.parquet"):
        default = (runs["default"] / "data" / name).read_bytes()
        assert default == (runs["on"] / "data" / name).read_bytes(), name
    # The report names its input path, which differs between the two runs.
    default, on = report_of(runs["default"]), report_of(runs["on"])
    assert default.pop("input") != on.pop("input") and default == on
    header = lines(runs["on"] / "data" / "generated.jsonl")[0]
    assert "caws_header" not in header["plan"]
    assert "caws_header" not in report_of(runs["on"])["made_with"]["generate"]


def test_on_every_prompt_starts_with_the_header_and_the_gates_run(runs: dict[str, Path]) -> None:
    items = lines(runs["on"] / "data" / "generated.jsonl")[1:]
    assert all(item["prompt"].startswith('{"caws":{"tier":2,') for item in items)
    report = report_of(runs["on"])
    gates = {g["name"]: g for g in report["gates"]}
    assert gates["caws_parsed"]["value"] == 1.0 and gates["caws_budget"]["pass"]
    assert not set(CAWS_GATES) & set(report["summary"]["skipped_gates"])


def test_off_prompts_are_the_requests_and_the_gates_are_skipped(runs: dict[str, Path]) -> None:
    on = lines(runs["on"] / "data" / "generated.jsonl")
    off = lines(runs["off"] / "data" / "generated.jsonl")
    assert off[0]["plan"]["caws_header"] is False
    assert len(on) == len(off) == 121
    for with_header, without in zip(on[1:], off[1:], strict=True):
        assert not without["prompt"].startswith('{"caws"')
        assert without["messages"][0]["content"] == without["prompt"]
        if not with_header["metadata"].get("long_context"):
            # Everything else is drawn the same: the prompt is the request alone.
            assert (
                with_header["prompt"]
                == with_header["prompt"].split("\n", 1)[0] + "\n" + (without["prompt"])
            )
            assert with_header["teacher_text"] == without["teacher_text"]
    report = report_of(runs["off"])
    skipped = {s["gate"]: s["why"] for s in report["skipped"]}
    assert {gate: skipped.get(gate) for gate in CAWS_GATES} == dict.fromkeys(CAWS_GATES, CAWS_OFF)
    assert not set(CAWS_GATES) & {g["name"] for g in report["gates"]}
    assert report["reasons"]["caws_unparsable"] == 0
    assert report["made_with"]["generate"]["caws_header"] is False
    assert report["summary"]["failed_gates"] == report_of(runs["on"])["summary"]["failed_gates"]
    card = (runs["off"] / "data" / "DATASET_CARD.md").read_text("utf-8")
    assert "no CAWS header" in card


def test_off_standalone_verify_reads_the_setting_from_the_header(
    runs: dict[str, Path], qwen_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    source = runs["off"] / "data" / "extracted.jsonl"
    args = ["--in", str(source), "--report", str(out), "--tokenizer", str(qwen_dir)]
    verify.main(["--params", str(tmp_path / "absent.yaml"), *args])
    report: dict[str, Any] = orjson.loads(out.read_bytes())
    skipped = {s["gate"]: s["why"] for s in report["skipped"]}
    assert all(skipped.get(gate) == CAWS_OFF for gate in CAWS_GATES)
    assert report["reasons"]["caws_unparsable"] == 0


def card_of(root: Path) -> str:
    return (root / "data" / "DATASET_CARD.md").read_text("utf-8")


def test_the_front_matter_parses_and_names_the_real_columns(runs: dict[str, Path]) -> None:
    card = card_of(runs["on"])
    assert card.startswith("---\n")
    meta = yaml.safe_load(card.split("---\n")[1])
    parquet = runs["on"] / "data" / "train.parquet"
    schema = pq.read_schema(parquet)
    assert meta["license"] == "apache-2.0"
    assert meta["task_categories"] == ["text-generation"]
    assert meta["language"] == ["en", "de", "es", "fr"]
    assert meta["size_categories"] == ["n<1K"]
    assert {"tool-calling", "synthetic"} <= set(meta["tags"])
    assert meta["configs"] == [
        {
            "config_name": "default",
            "data_files": [{"split": "train", "path": "train.parquet"}],
            "default": True,
        },
        {
            "config_name": "trl",
            "data_files": [
                {"split": "train", "path": "exports/trl/train.parquet"},
                {"split": "validation", "path": "exports/trl/validation.parquet"},
            ],
        },
    ]
    features = meta["dataset_info"]["features"]
    assert [f["name"] for f in features] == schema.names
    # Exactly what `datasets` itself writes for the file's Arrow schema.
    assert features == datasets.Features.from_arrow_schema(schema)._to_yaml_list()
    rows = pq.ParquetFile(parquet).metadata.num_rows
    assert meta["dataset_info"]["splits"] == [{"name": "train", "num_examples": rows}]
    assert DatasetCard(card).data.license == "apache-2.0"


def test_the_folder_loads_with_datasets_by_its_card(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder as pushed to the Hub: the card as README.md next to the data."""
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "hub"
    folder.mkdir()
    data = runs["on"] / "data"
    (folder / "README.md").write_bytes((data / "DATASET_CARD.md").read_bytes())
    for name in ("train.parquet", "extracted.jsonl"):
        (folder / name).write_bytes((data / name).read_bytes())
    loaded = datasets.load_dataset(str(folder))
    assert list(loaded) == ["train"]
    train = loaded["train"]
    assert train.column_names == pq.read_schema(data / "train.parquet").names
    assert train.num_rows == 120 and train[0]["id"] == "ctx-000000"


def test_length_figures_are_the_extracted_sequences(runs: dict[str, Path]) -> None:
    items = lines(runs["on"] / "data" / "extracted.jsonl")[1:]
    lengths = np.array([item["targets"]["sequence"]["length"] for item in items])
    table = pq.read_table(runs["on"] / "data" / "train.parquet", columns=["input_ids"])
    assert lengths.tolist() == [len(ids) for ids in table.column("input_ids").to_pylist()]
    median, p90 = (int(np.percentile(lengths, q, method="inverted_cdf")) for q in (50, 90))
    card = card_of(runs["on"])
    assert (
        f"over 120 items: median {median}, p90 {p90}, max {lengths.max()} "
        "(nearest-rank percentiles)" in card
    )
    for limit in (512, 1024, 2048, 4096):
        assert f"| > {limit} | {100 * (lengths > limit).mean():.1f}% |" in card
    assert "TRL's `SFTConfig` default is 1024" in card


def test_the_card_shows_the_first_row_and_what_the_figures_do_not_measure(
    runs: dict[str, Path],
) -> None:
    card = card_of(runs["on"])
    first = pq.read_table(runs["on"] / "data" / "train.parquet").slice(0, 1).to_pylist()[0]
    assert f'id: "{first["id"]}"' in card
    shown = ", ".join(map(str, first["input_ids"][:12]))
    assert f"input_ids: [{shown}, ... ({len(first['input_ids'])} in all)]" in card
    ones = sum(first["tool_args_mask"])
    assert f"({len(first['tool_args_mask'])} in all, {ones} set)" in card
    for column in pq.read_schema(runs["on"] / "data" / "train.parquet").names:
        assert f"| `{column}` |" in card
    assert "not a measure of how good the calls or the answers are" in card
    assert "not a sign that an answer is correct" in card
    assert '{"caws":{"tier":2,"max_files":8,"max_loc":500,"cov":80,"mut":50}}' in card
    assert "Apache License 2.0" in card
    # Nothing of this machine: the card is a DVC output, the same bytes everywhere.
    assert str(runs["on"]) not in card and "/tmp" not in card


def test_every_config_and_trainer_export_of_the_card_loads(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's data folder as pushed to the Hub, the card as its README.md: each
    config's files exist and `datasets` loads each config by name, and each JSONL
    export the card names loads with the `json` builder as the card says."""
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    data = runs["on"] / "data"
    card = card_of(runs["on"])
    meta = yaml.safe_load(card.split("---\n")[1])
    folder = tmp_path / "hub"
    shutil.copytree(data, folder)
    (folder / "README.md").write_text(card, "utf-8")
    for config in meta["configs"]:
        for entry in config["data_files"]:
            assert (data / entry["path"]).is_file(), entry
        loaded = datasets.load_dataset(str(folder), config["config_name"])
        assert list(loaded) == [entry["split"] for entry in config["data_files"]]
        for entry in config["data_files"]:
            rows = pq.ParquetFile(data / entry["path"]).metadata.num_rows
            assert loaded[entry["split"]].num_rows == rows > 0
    assert [c["config_name"] for c in meta["configs"]] == ["default", "trl"]
    for name in ("trl", "axolotl", "llamafactory"):
        rows = orjson.loads((data / "exports" / name / "meta.json").read_bytes())["rows"]
        shown = f"{rows['train']} train / {rows['validation']} validation"
        files = {split: f"exports/{name}/{split}.jsonl" for split in rows}
        listed = "<br>".join(f"`{path}`" for path in files.values())
        config = {"trl": "trl_conversational"}.get(name, name)
        assert f"| `{config}` | {listed} | {shown} |" in card
        loaded = datasets.load_dataset(
            "json", data_files={split: str(folder / path) for split, path in files.items()}
        )
        assert {split: loaded[split].num_rows for split in files} == rows
    assert "exports/earlier/" not in card  # not selected by default
