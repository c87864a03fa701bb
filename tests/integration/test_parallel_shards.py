"""Sharded generation (the sharded/dvc.yaml variant): 4 shards merged give the bytes of
an unsharded run; incomplete or foreign shard sets are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline import generate, shards
from pipeline.params import ParamsError, load_params
from pipeline.shards import merged_path, shard_files, shard_params

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 45


def write_params(folder: Path, qwen_dir: Path, **generate_changes: object) -> Path:
    data = yaml.safe_load((ROOT / "params.yaml").read_text("utf-8"))
    data["tokenizer"]["out"] = str(qwen_dir)
    data["run"].update(workers=1, progress=False, chunk_size=4)
    data["generate"].update(total=TOTAL, out=str(folder / "data" / "generated.jsonl"))
    data["generate"].update(generate_changes)
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    return path


@pytest.fixture(scope="module")
def unsharded(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> bytes:
    folder = tmp_path_factory.mktemp("unsharded")
    params = write_params(folder, qwen_dir)
    assert generate.main(["--params", str(params)]) == 0
    return (folder / "data" / "generated.jsonl").read_bytes()


def run_shards(folder: Path, params: Path, num_shards: int) -> Path:
    for k in range(num_shards):
        argv = ["generate", "--params", str(params), "--num-shards", str(num_shards)]
        assert shards.main([*argv, "--shard-index", str(k)]) == 0
    assert shards.main(["merge", "--params", str(params), "--num-shards", str(num_shards)]) == 0
    return folder / "data" / "merged" / "generated.jsonl"


@pytest.mark.parametrize("num_shards", [1, 4])
def test_merged_shards_are_byte_identical_to_an_unsharded_run(
    tmp_path: Path, qwen_dir: Path, unsharded: bytes, num_shards: int
) -> None:
    params = write_params(tmp_path, qwen_dir)
    merged = run_shards(tmp_path, params, num_shards)
    assert merged.read_bytes() == unsharded
    files = sorted((tmp_path / "data" / "shards").iterdir())
    assert len(files) == num_shards
    if num_shards == 4:
        assert files[1].name == "generated-00001-of-00004.jsonl"
        # Disjoint contiguous slices: 45 items cut 11/11/11/12.
        counts = [len(f.read_bytes().splitlines()) - 1 for f in files]
        assert counts == [11, 11, 11, 12]


def test_shard_paths_sit_beside_the_unsharded_output(tmp_path: Path, qwen_dir: Path) -> None:
    params = load_params(write_params(tmp_path, qwen_dir))
    out = tmp_path / "data"
    assert shard_files(params, 2) == [
        str(out / "shards" / "generated-00000-of-00002.jsonl"),
        str(out / "shards" / "generated-00001-of-00002.jsonl"),
    ]
    assert merged_path(params) == str(out / "merged" / "generated.jsonl")
    shard = shard_params(params, 3, 2).generate
    assert (shard.num_shards, shard.shard_index, shard.total) == (3, 2, TOTAL)


def test_bad_shard_numbers_name_the_option(tmp_path: Path, qwen_dir: Path) -> None:
    params = load_params(write_params(tmp_path, qwen_dir))
    with pytest.raises(ParamsError, match="--num-shards: 0 must be at least 1"):
        shard_params(params, 0, 0)
    with pytest.raises(ParamsError, match=r"--shard-index: shard_index 4 outside 0\.\.3"):
        shard_params(params, 4, 4)


def test_an_incomplete_shard_set_is_refused(
    tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = write_params(tmp_path, qwen_dir, long_context_min=0)
    argv = ["--params", str(params), "--num-shards", "3"]
    assert shards.main(["generate", *argv, "--shard-index", "0"]) == 0
    assert shards.main(["generate", *argv, "--shard-index", "2"]) == 0
    assert shards.main(["merge", *argv]) == 2
    assert "generated-00001-of-00003.jsonl" in capsys.readouterr().err
    assert not (tmp_path / "data" / "merged" / "generated.jsonl").exists()


def test_shards_of_another_seed_are_refused(
    tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_params(tmp_path, qwen_dir, long_context_min=0)
    argv = ["--num-shards", "2"]
    assert shards.main(["generate", "--params", str(first), *argv, "--shard-index", "0"]) == 0
    other = tmp_path / "other"
    other.mkdir()
    second = write_params(
        other, qwen_dir, long_context_min=0, out=str(tmp_path / "data" / "generated.jsonl")
    )
    data = yaml.safe_load(second.read_text("utf-8"))
    data["seed"] = 7
    second.write_text(yaml.safe_dump(data), "utf-8")
    assert shards.main(["generate", "--params", str(second), *argv, "--shard-index", "1"]) == 0
    assert shards.main(["merge", "--params", str(first), *argv]) == 2
    assert "seed" in capsys.readouterr().err
