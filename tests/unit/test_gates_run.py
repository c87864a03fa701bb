"""What standalone verification skips, and why: the pure helpers of pipeline/gates/run.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.gates.gate import NEEDS_METADATA, NEEDS_PLAN
from pipeline.gates.run import _flat, _skips, has_generator_metadata, header_plan
from pipeline.records import SCHEMA_VERSION

HEADER = {
    "__header__": True,
    "schema_version": SCHEMA_VERSION,
    "tokenizer_fingerprint": {"id": "t", "sha256": "0" * 64, "normalizer": "NFC+LF"},
    "tool_registry_sha256": "a" * 64,
    "num_shards": 1,
}


def write(path: Path, *lines: Any) -> str:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        "utf-8",
    )
    return str(path)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([HEADER, {"id": "a", "metadata": {"call_sequence": []}}], True),
        # Only the first item counts; a reject before it is passed over.
        (["not json", {"id": "a", "metadata": {"call_sequence": []}}], True),
        ([[1, 2], {"id": "a", "metadata": {"call_sequence": []}}], True),
        ([{"id": "a", "metadata": {"scenario": "x"}}, {"metadata": {"call_sequence": []}}], False),
        ([{"id": "a", "metadata": "call_sequence"}], False),
        ([{"id": "a"}], False),
        ([HEADER], False),
        ([], False),
    ],
)
def test_generator_metadata_is_read_from_the_first_item(
    tmp_path: Path, lines: list[Any], expected: bool
) -> None:
    assert has_generator_metadata(write(tmp_path / "in.jsonl", *lines), 1 << 20) is expected


NO_PLAN = "no generation plan in the header"


def test_dvc_mode_with_metadata_skips_nothing() -> None:
    assert _skips(True, True, HEADER, "") == {}


def test_without_metadata_the_metadata_and_plan_gates_are_skipped() -> None:
    skips = _skips(True, False, HEADER, "")
    assert set(skips) == set(NEEDS_METADATA) | set(NEEDS_PLAN) | {"integration_f1_strict"}
    assert skips[NEEDS_METADATA[0]] == "needs generator metadata"
    assert skips["integration_f1_strict"] == "needs the generator's answer field names"
    assert skips[NEEDS_PLAN[0]] == "needs generator metadata"


def test_one_shard_of_several_skips_the_plan_gates_with_the_shard_count() -> None:
    skips = _skips(True, True, {**HEADER, "num_shards": 4}, "")
    assert skips == dict.fromkeys(NEEDS_PLAN, "one shard of 4: merge the shards first")
    assert _skips(True, True, {**HEADER, "num_shards": "4"}, "") == {}


def test_standalone_applies_the_plan_gates_when_the_header_records_the_plan() -> None:
    assert set(_skips(False, True, HEADER, "")) <= {"tokenizer_fingerprint", "registry_fingerprint"}
    skips = _skips(False, True, HEADER, NO_PLAN)
    assert {k for k, v in skips.items() if v == NO_PLAN} == set(NEEDS_PLAN)
    bare = _skips(
        False, True, {"tokenizer_fingerprint": "t", "tool_registry_sha256": "external"}, NO_PLAN
    )
    assert bare["tokenizer_fingerprint"] == "no tokenizer fingerprint in the header"
    assert bare["registry_fingerprint"] == "no registry fingerprint in the header (external)"
    assert "registry_fingerprint" in _skips(False, True, {}, NO_PLAN)


def test_the_header_plan_is_read_back_as_generate_params() -> None:
    plan, why = header_plan({"plan": {"total": 60, "languages": ["es"], "caws": {"tier": 1}}})
    assert why == "" and plan is not None
    assert (plan.total, plan.languages, plan.caws.tier) == (60, ("es",), 1)
    assert header_plan({})[1].startswith("no generation plan in the header")
    plan, why = header_plan({"plan": {"total": "many"}})
    assert plan is None and "generate.total: expected int" in why
    assert header_plan({"plan": {"sed": 1}})[1].startswith("the header's plan is unusable")


def test_flat_joins_nested_keys_and_lists_tuples() -> None:
    assert _flat({"a": 1, "b": {"c": (1, 2), "d": {"e": "x"}}}) == {
        "a": 1,
        "b.c": [1, 2],
        "b.d.e": "x",
    }
