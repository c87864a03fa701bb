"""The generate stage end to end: determinism over workers and shards, merging, analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline import analyze, generate
from pipeline.gen.shards import NO_TOKENIZER, merge_shards
from pipeline.parallel import shard_path
from pipeline.params import load_params
from pipeline.records import RecordError, RecordReader
from pipeline.student import fingerprint
from pipeline.tools.registry import load_registry


def _params(tmp_path: Path, tokenizer: Path | str, name: str, **generate: Any) -> Path:
    data = {
        "seed": 5,
        "tokenizer": {"out": str(tokenizer)},
        "run": {"workers": generate.pop("workers", 1), "chunk_size": 7, "progress": False},
        "generate": {"total": 80, "out": str(tmp_path / f"{name}.jsonl"), **generate},
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data), "utf-8")
    return path


def _run(path: Path, *extra: str) -> bytes:
    assert generate.main(["--params", str(path), *extra]) == 0
    params = load_params(path)
    gen = params.generate
    return Path(shard_path(gen.out, gen.num_shards, gen.shard_index)).read_bytes()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> bytes:
    tmp = tmp_path_factory.mktemp("ref")
    return _run(_params(tmp, qwen_dir, "one"))


def test_header_and_items(reference: bytes, qwen_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(reference)
    reader = RecordReader(path)
    header = reader.header
    assert header["tokenizer_fingerprint"] == fingerprint(qwen_dir)
    assert header["tool_registry_sha256"] == load_registry().sha256
    assert (
        header["seed"],
        header["total_samples"],
        header["num_shards"],
        header["shard_index"],
    ) == (
        5,
        80,
        1,
        0,
    )
    assert header["integration_span_cap"] == 3
    items = list(reader.items())
    assert [i["id"] for i in items] == [f"ctx-{n:06d}" for n in range(80)]


def test_two_workers_give_the_same_bytes(reference: bytes, tmp_path: Path, qwen_dir: Path) -> None:
    assert _run(_params(tmp_path, qwen_dir, "two", workers=2)) == reference


def test_three_shards_merged_give_the_same_bytes(
    reference: bytes, tmp_path: Path, qwen_dir: Path
) -> None:
    paths = []
    for index in range(3):
        params = _params(tmp_path, qwen_dir, "sharded", num_shards=3, shard_index=index)
        shard = _run(params)
        assert json.loads(shard.split(b"\n", 1)[0])["shard_index"] == index
        paths.append(shard_path(str(tmp_path / "sharded.jsonl"), 3, index))
    assert generate.main(["--params", str(params), "--merge"]) == 0
    assert (tmp_path / "sharded.jsonl").read_bytes() == reference
    assert merge_shards(paths, tmp_path / "again.jsonl") == 80
    assert (tmp_path / "again.jsonl").read_bytes() == reference


def test_merge_refuses_shards_that_do_not_fit(tmp_path: Path, qwen_dir: Path) -> None:
    paths = []
    for index in range(2):
        _run(_params(tmp_path, qwen_dir, "s", total=12, num_shards=2, shard_index=index))
        paths.append(shard_path(str(tmp_path / "s.jsonl"), 2, index))
    out = tmp_path / "merged.jsonl"
    with pytest.raises(ValueError, match="no shard files"):
        merge_shards([], out)
    with pytest.raises(RecordError, match="expected shard 0 of 2"):
        merge_shards(list(reversed(paths)), out)
    with pytest.raises(RecordError, match="expected shard 0 of 1"):
        merge_shards(paths[:1], out)
    other = tmp_path / "other.jsonl"
    lines = Path(paths[1]).read_bytes().split(b"\n")
    header = json.loads(lines[0]) | {"seed": 6}
    other.write_bytes(b"\n".join([json.dumps(header).encode(), *lines[1:]]))
    with pytest.raises(RecordError, match="seed: differs"):
        merge_shards([paths[0], str(other)], out)
    other.write_bytes(b"\n".join(lines[:2]) + b"\n")
    with pytest.raises(RecordError, match="total_samples: shards hold"):
        merge_shards([paths[0], str(other)], out)
    assert not out.exists()
    other.write_bytes(b"not json\n")
    with pytest.raises(RecordError, match="invalid JSON"):
        merge_shards([paths[0], str(other)], out)
    other.write_bytes(b'{"a": 1}\n')
    with pytest.raises(RecordError, match="not a header"):
        merge_shards([paths[0], str(other)], out)


def test_without_a_tokenizer_long_context_is_measured_in_bytes(tmp_path: Path) -> None:
    data = _run(_params(tmp_path, tmp_path / "missing", "bytes", total=30))
    lines = data.split(b"\n")
    assert json.loads(lines[0])["tokenizer_fingerprint"] == NO_TOKENIZER
    long = [json.loads(x) for x in lines[1:-1] if b'"long_context":true' in x]
    assert len(long) == 3
    assert all(len(item["prompt"].encode()) >= 24_000 for item in long)


def test_analyze_command(
    reference: bytes, tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "g.jsonl"
    path.write_bytes(reference)
    params = _params(tmp_path, qwen_dir, "unused")
    assert analyze.main([str(path), "--params", str(params), "--tokenizer", str(qwen_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["items"] == 80
    assert report["structure_fidelity"] == 1.0
    assert report["non_adversarial_calls_valid"] == 1.0
    assert report["adversarial_as_labelled"] == 1.0
    assert report["cells_below_minimum"] == {} and report["structures_missing"] == {}
    assert report["long_context"] == 3 and report["long_context_min_size"] >= 8000
    assert report["long_context_unit"] == "tokens"


@pytest.mark.slow
def test_acceptance_at_ten_thousand_items(tmp_path: Path, qwen_dir: Path) -> None:
    """The issue's acceptance figures, measured on 10,000 items at the default mix."""
    params_path = _params(tmp_path, qwen_dir, "big", total=10_000, workers=2)
    _run(params_path)
    params = load_params(params_path)
    from pipeline.student import Student

    reader = RecordReader(params.generate.out)
    report = analyze.analyze(reader.items(), params.generate, Student(qwen_dir))
    assert report["distinct_prompts"] >= 0.99
    assert report["distinct_teacher_texts"] >= 0.99
    assert report["distinct_call_sequences"] >= 0.90
    assert report["structure_fidelity"] == 1.0
    assert report["non_adversarial_calls_valid"] == 1.0
    assert report["adversarial_as_labelled"] == 1.0
    assert report["cells_below_minimum"] == {} and report["structures_missing"] == {}
    assert abs(report["controls_share"] - 0.10) <= 0.01
    assert abs(report["multilingual_share"] - 0.075) <= 0.01
    assert report["locale_probes"] >= 2
    assert report["long_context"] >= 3 and report["long_context_min_size"] >= 8000


def test_bytes_do_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    """Separate interpreters with different string hashing must write the same file."""
    import os
    import subprocess
    import sys

    outputs = []
    for hash_seed in ("1", "2"):
        params = _params(tmp_path, tmp_path / "none", f"h{hash_seed}", total=150)
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        subprocess.run(
            [sys.executable, "-m", "pipeline.generate", "--params", str(params)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append((tmp_path / f"h{hash_seed}.jsonl").read_bytes())
    assert outputs[0] == outputs[1]
