"""The chat template's `tojson`: remembered for long values, always json.dumps' text."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from pipeline import student
from pipeline.student import _tojson

TOOL = {
    "type": "function",
    "function": {
        "name": "fs.read",
        "description": "Read a file from the workspace; café ü 日本 " + "x" * 300,
        "parameters": {
            "type": "object",
            "properties": {"path": {"type": "string"}, "limit": {"type": "number", "maximum": 2.5}},
            "required": ["path"],
        },
    },
}


def _plain(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    student._tojson_cache.clear()


def test_a_long_value_is_remembered_and_gives_json_dumps_text() -> None:
    first = _tojson(TOOL)
    assert first == _plain(TOOL)
    assert len(student._tojson_cache) == 1
    again = _tojson(json.loads(json.dumps(TOOL)))  # an equal value, another object
    assert again == first
    assert len(student._tojson_cache) == 1


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": 1.0, "c": True, "d": "x" * 300},  # 1, 1.0 and True stay apart
        {"b": "x" * 300, "a": 1},  # key order is kept, as json.dumps keeps it
        [1.0000000000000002, 0.1, -0.0, 1e300, "y" * 300],
        {"nan": math.nan, "pad": "z" * 300},  # NaN: orjson writes null, json NaN
        {"inf": math.inf, "pad": "z" * 300},
        {"none": None, "pad": "z" * 300},
        {1: "int key", "pad": "z" * 300},  # orjson refuses non-string keys
        {"big": 2**70, "pad": "z" * 300},  # and ints past 64 bits
        {"s": "\ud800 lone surrogate " + "z" * 300},
    ],
)
def test_every_value_gives_json_dumps_text_twice(value: Any) -> None:
    assert _tojson(value) == _plain(value)
    assert _tojson(value) == _plain(value)


def test_values_orjson_would_confuse_are_not_remembered() -> None:
    _tojson({"nan": math.nan, "pad": "z" * 300})
    _tojson({"nan": None, "pad": "z" * 300})
    assert _tojson({"nan": math.nan, "pad": "z" * 300}).startswith('{"nan": NaN')
    assert _tojson({"nan": None, "pad": "z" * 300}).startswith('{"nan": null')
    assert not student._tojson_cache


def test_short_values_and_other_options_are_not_remembered() -> None:
    assert _tojson({"a": 1}) == '{"a": 1}'
    assert _tojson(TOOL, indent=2) == json.dumps(TOOL, ensure_ascii=False, indent=2)
    assert _tojson(TOOL, sort_keys=True) == json.dumps(TOOL, ensure_ascii=False, sort_keys=True)
    assert not student._tojson_cache


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(student, "_TOJSON_MAX_ENTRIES", 3)
    for i in range(5):
        assert _tojson({"i": i, "pad": "p" * 300}) == _plain({"i": i, "pad": "p" * 300})
    assert len(student._tojson_cache) == 3
