"""The Ray backend of `map_chunks`: same chunk functions, same factory, same bytes."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from pipeline import extract, generate, parallel, verify
from pipeline.parallel import connect_ray, map_chunks, worker_state
from pipeline.student import Student

ROOT = Path(__file__).resolve().parents[2]
ray = pytest.importorskip("ray")
pytestmark = pytest.mark.ray

# Test modules are not importable inside Ray workers, so their functions travel by value.
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])

TEXTS = [
    f"Busca {i} consejos en example.org — résumé {i}, 中文 {i} 🚀\n" * (1 + i % 5)
    for i in range(150)
]


def encode_lines(chunk: list[str]) -> list[bytes]:
    student: Student = worker_state()
    encodings = student.encode_batch(chunk)
    return [
        orjson.dumps({"text": text, "ids": enc.ids, "offsets": enc.offsets})
        for text, enc in zip(chunk, encodings, strict=True)
    ]


def refuse_long(chunk: list[str]) -> list[str]:
    for text in chunk:
        if len(text) > 200:
            raise ValueError(f"too long: {len(text)} chars")
    return chunk


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """A 2-CPU Ray instance on this machine, as the backend would start itself."""
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


def run(backend: str, workers: int, qwen_dir: Path, chunk_size: int = 16) -> bytes:
    lines = map_chunks(
        encode_lines,
        TEXTS,
        workers=workers,
        chunk_size=chunk_size,
        factory=Student,
        factory_args=(str(qwen_dir),),
        backend=backend,
    )
    return b"\n".join(lines)


def test_ray_output_is_byte_identical_to_local(local_ray: Any, qwen_dir: Path) -> None:
    local = run("local", 1, qwen_dir)
    assert run("ray", 2, qwen_dir) == local
    assert run("ray", 1, qwen_dir, chunk_size=7) == local
    assert run("local", 2, qwen_dir, chunk_size=5) == local


def test_ray_actors_are_released_after_a_run(local_ray: Any, qwen_dir: Path) -> None:
    run("ray", 2, qwen_dir)
    # Killing actors is asynchronous: wait until both CPUs are free again.
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ray.available_resources().get("CPU", 0) == 2


def test_ray_worker_errors_keep_their_type(local_ray: Any) -> None:
    with pytest.raises(ValueError, match="too long"):
        list(map_chunks(refuse_long, TEXTS, workers=2, chunk_size=8, backend="ray"))


def test_connect_ray_reuses_a_running_instance(local_ray: Any) -> None:
    assert connect_ray(2) is ray
    assert ray.cluster_resources()["CPU"] == 2


def test_connect_ray_options_for_local_and_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without RAY_ADDRESS a local instance gets `workers` CPUs; with it the package ships."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: calls.append(kw))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    connect_ray(3)
    monkeypatch.setenv("RAY_ADDRESS", "ray://head.example.org:10001")
    connect_ray(3)
    local, cluster = calls
    assert local["address"] is None and local["num_cpus"] == 3
    assert cluster["address"] == "ray://head.example.org:10001"
    assert "num_cpus" not in cluster
    (package,) = cluster["runtime_env"]["py_modules"]
    assert Path(package) == Path(parallel.__file__).parent


def run_stages(
    folder: Path, qwen_dir: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> dict[str, bytes]:
    """generate -> extract -> verify in `folder` on one backend; every output file's bytes."""
    data = yaml.safe_load((ROOT / "params.yaml").read_text("utf-8"))
    data["tokenizer"]["out"] = str(qwen_dir)
    data["generate"]["total"] = 40
    data["run"].update(workers=2, chunk_size=6, progress=False, backend=backend)
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    params = folder / "params.yaml"
    params.write_text(yaml.safe_dump(data), "utf-8")
    argv = ["--params", str(params)]
    assert generate.main(argv) == 0
    assert extract.main(argv) == 0
    assert verify.main(argv) in (0, 1)  # a 40-item set may miss a gate; files come first
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for top in ("data", "metrics")
        for p in sorted((folder / top).rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_the_stages_on_ray_write_the_bytes_of_the_local_run(
    local_ray: Any, tmp_path: Path, qwen_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_ray = run_stages(tmp_path / "ray", qwen_dir, monkeypatch, "ray")
    local = run_stages(tmp_path / "local", qwen_dir, monkeypatch, "local")
    assert {"data/generated.jsonl", "data/extracted.jsonl", "metrics/verify.json"} <= set(local)
    assert sorted(on_ray) == sorted(local)
    for name in local:
        assert on_ray[name] == local[name], f"{name} differs between Ray and local"
