"""`python -m pipeline.extract`: DVC mode, external mode, errors, determinism."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from pipeline import SCHEMA_VERSION, extract
from pipeline.records import RecordReader, make_header

pytestmark = pytest.mark.stage

FIXTURES = Path(__file__).parents[1] / "fixtures" / "external"


def _example() -> dict[str, Any]:
    item = json.loads((FIXTURES / "item-hermes-es.json").read_text("utf-8"))
    del item["targets"]
    return item


def _write_input(path: Path, items: list[Any], header: bool = True, bad: bool = True) -> None:
    lines = []
    if header:
        lines.append(
            orjson.dumps(
                make_header(
                    dataset_version="2.0.0",
                    tokenizer_fingerprint={"id": "other", "sha256": "x"},
                    tool_registry_sha256="abc",
                    integration_span_cap=3,
                    seed=42,
                    num_shards=1,
                    shard_index=0,
                    total_samples=len(items),
                )
            )
        )
    lines += [orjson.dumps(item) for item in items]
    if bad:
        lines.insert(2, b'{"id": "broken", "teacher_text": ')
    path.write_bytes(b"\n".join(lines) + b"\n")


def _params(
    tmp: Path, qwen_dir: Path, workers: int = 1, chunk: int = 2, **extract_keys: Any
) -> Path:
    params = {
        "tokenizer": {"out": str(qwen_dir)},
        "run": {"workers": workers, "chunk_size": chunk, "progress": False},
        "extract": {
            "inp": str(tmp / "in.jsonl"),
            "out": str(tmp / "out" / "extracted.jsonl"),
            "export": str(tmp / "out" / "train.parquet"),
            "export_dir": str(tmp / "out" / "exports"),
            "exports": ["trl", "axolotl", "llamafactory", "earlier"],
            "rejects": str(tmp / "out" / "rejects" / "extract.jsonl"),
            **extract_keys,
        },
    }
    path = tmp / "params.yaml"
    path.write_text(yaml.safe_dump(params), "utf-8")
    return path


def _items() -> list[dict[str, Any]]:
    openai = [json.loads(x) for x in (FIXTURES / "openai.jsonl").read_text("utf-8").splitlines()]
    return [_example(), *openai]


def test_dvc_mode_counts_add_up(
    tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = _items()
    _write_input(tmp_path / "in.jsonl", items)
    assert extract.main(["--params", str(_params(tmp_path, qwen_dir))]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"extract: {len(items) + 1} in -> {len(items)} extracted, 1 rejected")
    reader = RecordReader(tmp_path / "out" / "extracted.jsonl")
    assert reader.header["tokenizer_fingerprint"]["id"] == "embedded:qwen2.5"
    assert reader.header["tool_registry_sha256"] == "abc"
    assert [i["id"] for i in reader.items()] == [i["id"] for i in items]
    (reject,) = [
        json.loads(x) for x in (tmp_path / "out/rejects/extract.jsonl").read_text().splitlines()
    ]
    assert (
        reject["line"] == 3
        and reject["field"] == "<line>"
        and reject["reason"].startswith("invalid JSON")
    )
    assert (tmp_path / "out" / "train.parquet").stat().st_size > 0


def test_output_bytes_do_not_depend_on_workers(tmp_path: Path, qwen_dir: Path) -> None:
    items = _items() * 3
    outputs = []
    for workers in (1, 2):
        run_dir = tmp_path / f"w{workers}"
        run_dir.mkdir()
        _write_input(run_dir / "in.jsonl", items)
        extract.main(["--params", str(_params(run_dir, qwen_dir, workers=workers, chunk=3))])
        exports = sorted((run_dir / "out" / "exports").rglob("*.*"))
        assert len(exports) == 15  # 4 exports x 2 splits, TRL Parquet x 2, 4 meta, dataset_info
        outputs.append(
            [
                (run_dir / "out" / name).read_bytes()
                for name in ("extracted.jsonl", "train.parquet", "rejects/extract.jsonl")
            ]
            + [path.read_bytes() for path in exports]
        )
    assert outputs[0][:2] == outputs[1][:2] and outputs[0][3:] == outputs[1][3:]
    assert outputs[0][2].replace(b"/w1/", b"/") == outputs[1][2].replace(b"/w2/", b"/")


def test_external_mode_without_header_ids_or_list_tools(tmp_path: Path, qwen_dir: Path) -> None:
    items = _items()
    for item in items:
        item.pop("id")
    items[1]["tools"] = json.dumps(items[1]["tools"])
    items.append({"tools": "{not json", "messages": []})
    src = tmp_path / "third_party.jsonl"
    _write_input(src, items, header=False, bad=False)
    out = tmp_path / "res" / "checked.jsonl"
    code = extract.main(
        [
            "--params",
            str(tmp_path / "absent.yaml"),
            "--in",
            str(src),
            "--out",
            str(out),
            "--tokenizer",
            str(qwen_dir),
            "--format",
            "auto",
        ]
    )
    assert code == 0
    reader = RecordReader(out)
    assert reader.header["dataset_version"] == "external"
    assert reader.header["total_samples"] == len(items)
    got = list(reader.items())
    assert [i["id"] for i in got] == [f"line-{n:06d}" for n in range(1, len(items))]
    assert (
        isinstance(got[1]["tools"], list) and got[1]["targets"]["calls"][0]["schema_valid"] is True
    )
    rejects = (tmp_path / "res" / "checked.rejects.jsonl").read_text().splitlines()
    assert [json.loads(r)["field"] for r in rejects] == ["tools"]
    assert (tmp_path / "res" / "checked.parquet").exists()


def test_errors_are_reported_not_raised(
    tmp_path: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        extract.main(["--in", "x.jsonl"])
    missing = tmp_path / "missing.jsonl"
    assert (
        extract.main(
            ["--in", str(missing), "--out", str(tmp_path / "o.jsonl"), "--tokenizer", str(qwen_dir)]
        )
        == 2
    )
    assert "missing.jsonl:0: <file>: cannot open" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("extract:\n  format: xml\n", "utf-8")
    assert extract.main(["--params", str(bad)]) == 2
    assert "extract.format" in capsys.readouterr().err
    _write_input(tmp_path / "in.jsonl", [_example()])
    no_tokenizer = _params(tmp_path, tmp_path / "nowhere")
    assert extract.main(["--params", str(no_tokenizer)]) == 2
    assert "tokenizer directory missing" in capsys.readouterr().err
    headerless = tmp_path / "in.jsonl"
    _write_input(headerless, [_example()], header=False)
    assert extract.main(["--params", str(_params(tmp_path, qwen_dir))]) == 2
    assert "__header__" in capsys.readouterr().err


def test_params_reach_the_extractor(tmp_path: Path, qwen_dir: Path) -> None:
    _write_input(tmp_path / "in.jsonl", [_example()], bad=False)
    extract.main(["--params", str(_params(tmp_path, qwen_dir, trim_attribution=True))])
    (item,) = RecordReader(tmp_path / "out" / "extracted.jsonl").items()
    assert item["targets"]["integration_spans"][0]["chars"] == [464, 532]


def test_legacy_input_comes_out_in_the_current_schema(tmp_path: Path, qwen_dir: Path) -> None:
    legacy = {"__header__": True, "schema_version": "1.1.0", "seed": 7, "total_samples": 1}
    call = '{"name": "fs.read", "arguments": {"path": "a.md"}}'
    text = f"TOOL_CALL: {call}\r\nTOOL_RESULT: {{}}\r\nIntegration: Done."
    item = {"id": "old-1", "teacher_text": text, "tool_name_span_bytes": [21, 28]}
    (tmp_path / "in.jsonl").write_bytes(orjson.dumps(legacy) + b"\n" + orjson.dumps(item) + b"\n")
    assert extract.main(["--params", str(_params(tmp_path, qwen_dir))]) == 0
    reader = RecordReader(tmp_path / "out" / "extracted.jsonl")
    assert reader.header["schema_version"] == SCHEMA_VERSION and reader.header["seed"] == 7
    (got,) = reader.items()
    assert got["metadata"]["gold"]["tool_name_spans"][0]["chars"] == [21, 28]
    assert got["targets"]["calls"][0]["name_span"]["chars"] == [21, 28]
    assert got["targets"]["format"] == "seed"


def test_external_lines_are_adapted_where_they_are_parsed(tmp_path: Path) -> None:
    from pipeline.records import parse_entries
    from pipeline.targets.stage import ExternalReader

    path = tmp_path / "third-party.jsonl"
    tools = [{"type": "function", "function": {"name": "f"}}]
    lines = [
        {"prompt": "no id", "tools": json.dumps(tools)},
        {"id": "kept", "tools": "[not json"},
        {"id": "plain", "tools": tools},
    ]
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    raw = list(ExternalReader(path, require_header=False).lines())
    (one, two, three) = parse_entries(raw)
    assert one == (1, {"prompt": "no id", "tools": tools, "id": "line-000001"})
    assert two[1].field == "tools" and "expected list" in two[1].reason
    assert three == (3, {"id": "plain", "tools": tools})
    assert parse_entries(raw) == list(ExternalReader(path, require_header=False))


def test_trainer_lines_are_built_only_where_they_are_written(
    tmp_path: Path, qwen_dir: Path
) -> None:
    """External mode writes the trainer exports only with --export-dir, so only then do the
    workers build their lines; the extracted items and the Parquet export do not change."""
    _write_input(tmp_path / "in.jsonl", [_example(), _example()], bad=False)
    params = str(_params(tmp_path, qwen_dir))
    parser_args = ["--params", params, "--in", str(tmp_path / "in.jsonl")]
    outputs = {}
    for name, extra in (("plain", []), ("exports", ["--export-dir", str(tmp_path / "ex")])):
        out = tmp_path / name / "out.jsonl"
        args = extract.argparse.Namespace(
            params=params,
            inp=str(tmp_path / "in.jsonl"),
            out=str(out),
            format=None,
            tokenizer=None,
            export=None,
            export_dir=extra[1] if extra else None,
            rejects=None,
        )
        job = extract.build_job(args, extract.load_params(params))
        expected = ("trl", "axolotl", "llamafactory", "earlier") if extra else ()
        assert job.settings.exports == expected
        assert job.export_dir == (extra[1] if extra else None)
        assert extract.main([*parser_args, "--out", str(out), *extra]) == 0
        outputs[name] = (out.read_bytes(), out.with_suffix(".parquet").read_bytes())
    assert sorted(p.name for p in (tmp_path / "ex").iterdir()) == [
        "axolotl",
        "earlier",
        "llamafactory",
        "trl",
    ]
    assert not (tmp_path / "plain" / "exports").exists()
    assert outputs["plain"] == outputs["exports"]
