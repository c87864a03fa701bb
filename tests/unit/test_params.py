"""params.yaml -> typed, frozen objects; every bad input is a ParamsError naming its key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from pipeline.params import (
    Params,
    ParamsError,
    RunParams,
    _coerce,
    load_params,
    params_from_dict,
)

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "params.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_of(data: object) -> str:
    with pytest.raises(ParamsError) as info:
        params_from_dict(data)  # type: ignore[arg-type]
    return str(info.value)


def test_committed_params_yaml_loads_and_matches_its_sections() -> None:
    params = load_params(ROOT / "params.yaml")
    raw = yaml.safe_load((ROOT / "params.yaml").read_text("utf-8"))
    assert params.seed == raw["seed"]
    assert params.generate.total == raw["generate"]["total"]
    # Every key of the committed file is a declared field (the loader would refuse otherwise).
    assert set(raw) <= {f.name for f in dataclasses.fields(Params)}


def test_empty_file_gives_all_defaults(tmp_path: Path) -> None:
    assert load_params(write(tmp_path, "")) == Params()


def test_values_are_typed_and_frozen() -> None:
    params = params_from_dict({"generate": {"languages": ["es"], "control_ratio": 0}})
    assert params.generate.languages == ("es",)
    assert params.generate.control_ratio == 0.0 and isinstance(params.generate.control_ratio, float)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.generate.total = 5  # type: ignore[misc]


def test_workers_zero_means_one_per_core() -> None:
    assert params_from_dict({"run": {"workers": 0}}).workers() >= 1
    assert params_from_dict({"run": {"workers": 3}}).workers() == 3


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"generat": {}}, "generat: unknown key"),
        ({"generate": {"totl": 5}}, "generate.totl: unknown key (known: "),
        ({"generate": {"caws": {"tierr": 1}}}, "generate.caws.tierr: unknown key"),
        ({1: 2, "zz": 3}, "1: unknown key"),
    ],
)
def test_unknown_keys_are_named(data: dict[object, object], expected: str) -> None:
    assert expected in error_of(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"sed": 1},
            "sed: unknown key (known: dataset_version, export, extract, generate, "
            "run, seed, tokenizer, verify; did you mean 'seed'?)",
        ),
        ({"generate": {"totl": 5}}, "did you mean 'total'?"),
        ({"verify": {"min_span_f": 1.0}}, "verify.min_span_f: unknown key (known: "),
    ],
)
def test_unknown_keys_get_the_closest_known_name(data: dict[str, object], expected: str) -> None:
    assert expected in error_of(data)


def test_an_unknown_key_far_from_every_name_gets_no_guess() -> None:
    message = error_of({"zzzzzz": 1})
    assert "unknown key (known: " in message and "did you mean" not in message


def test_a_top_level_typo_in_a_params_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(Path("params.yaml").read_text("utf-8") + "sed: 1\n", "utf-8")
    with pytest.raises(ParamsError, match=r"params\.yaml: sed: unknown key .*did you mean 'seed'"):
        load_params(path)


def test_every_param_dvc_yaml_passes_is_known() -> None:
    """Each `params:` entry of every stage names a key params.yaml holds and Params knows."""
    data = yaml.safe_load(Path("params.yaml").read_text("utf-8"))
    params = load_params("params.yaml")
    for dvc_file in ("dvc.yaml", "sharded/dvc.yaml"):
        stages = yaml.safe_load(Path(dvc_file).read_text("utf-8"))["stages"]
        for stage in stages.values():
            for key in stage.get("params", ()):
                key = next(iter(key)) if isinstance(key, dict) else key
                node: object = data
                obj: object = params
                for part in str(key).split("."):
                    assert isinstance(node, dict) and part in node, f"{dvc_file}: {key}"
                    node, obj = node[part], getattr(obj, part)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"generate": {"total": "10"}}, "generate.total: expected int, got str"),
        ({"generate": {"total": 1.5}}, "generate.total: expected int, got float"),
        ({"generate": {"total": True}}, "generate.total: expected int, got bool"),
        ({"run": {"progress": 1}}, "run.progress: expected bool, got int"),
        ({"generate": {"format": "xml"}}, "generate.format: expected one of ['hermes', 'seed']"),
        ({"generate": {"languages": "es"}}, "generate.languages: expected a list, got str"),
        ({"generate": {"languages": ["es", 3]}}, "generate.languages[1]: expected str, got int"),
        ({"generate": []}, "generate: expected a mapping, got list"),
        ({"generate": None}, "generate: expected a mapping, got NoneType"),
        ({"verify": {"url_allowlist": {"a": 1}}}, "verify.url_allowlist: expected a list"),
    ],
)
def test_wrong_types_are_named(data: dict[str, object], expected: str) -> None:
    assert expected in error_of(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"generate": {"total": 0}}, "generate.total: 0 is below the minimum 1"),
        ({"generate": {"control_ratio": 0.9}}, "generate.control_ratio: 0.9 is above the maximum"),
        ({"run": {"max_line_bytes": 10}}, "run.max_line_bytes: 10 is below the minimum 1024"),
        ({"seed": -1}, "seed: -1 is below the minimum 0"),
        (
            {"verify": {"min_json_valid": float("nan")}},
            "verify.min_json_valid: nan is not a finite number",
        ),
        (
            {"verify": {"max_seconds_per_100": float("-inf")}},
            "max_seconds_per_100: -inf is not a finite number",
        ),
    ],
)
def test_out_of_range_values_are_named(data: dict[str, object], expected: str) -> None:
    assert expected in error_of(data)


def test_boundaries_are_inclusive() -> None:
    params = params_from_dict({"generate": {"control_ratio": 0.5, "total": 1}})
    assert params.generate.control_ratio == 0.5
    assert params.generate.total == 1


def test_shard_index_must_be_below_num_shards() -> None:
    assert "generate.shard_index: 2 must be below num_shards 2" in error_of(
        {"generate": {"num_shards": 2, "shard_index": 2}}
    )
    ok = params_from_dict({"generate": {"num_shards": 2, "shard_index": 1}})
    assert ok.generate.shard_index == 1


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match=r"missing\.yaml: cannot read"):
        load_params(tmp_path / "missing.yaml")
    with pytest.raises(ParamsError, match=r"params\.yaml: invalid YAML"):
        load_params(write(tmp_path, "generate: [unclosed\n"))
    with pytest.raises(ParamsError, match=r"params\.yaml: expected a mapping at the top level"):
        load_params(write(tmp_path, "- 1\n- 2\n"))
    with pytest.raises(ParamsError, match=r"params\.yaml: generate\.total: expected int"):
        load_params(write(tmp_path, "generate:\n  total: many\n"))


def test_invalid_utf8_is_a_params_error(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match=r"params\.yaml: not UTF-8 \(byte 6\)"):
        load_params(write(tmp_path, b"seed: \xff\n"))


def test_python_tags_are_refused_by_the_safe_loader(tmp_path: Path) -> None:
    text = "seed: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(ParamsError, match="invalid YAML"):
        load_params(write(tmp_path, text))


def test_nested_section_defaults_fill_in() -> None:
    params = params_from_dict({"run": {"chunk_size": 8}})
    assert params.run == dataclasses.replace(RunParams(), chunk_size=8)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (int | None, None, None),
        (int | None, 3, 3),
        (float | str, 2, 2.0),
        (dict[str, int], {"a": 1}, {"a": 1}),
        (dict[str, tuple[str, ...]], {"k": ["x"]}, {"k": ("x",)}),
    ],
)
def test_generic_field_types_coerce(kind: object, value: object, expected: object) -> None:
    # Kinds no section uses yet, so that a new field of such a type is validated too.
    assert _coerce(value, kind, "section.key") == expected


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (int | None, "x", "section.key: expected int, got str"),
        (int | bool, 1.5, "section.key: expected int, got float; section.key: expected bool"),
        (dict[str, int], [1], "section.key: expected a mapping, got list"),
        (dict[str, int], {"a": "b"}, "section.key.a: expected int, got str"),
    ],
)
def test_generic_field_types_name_the_key(kind: object, value: object, expected: str) -> None:
    with pytest.raises(ParamsError) as info:
        _coerce(value, kind, "section.key")
    assert str(info.value).startswith(expected)
