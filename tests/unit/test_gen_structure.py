"""Structure fidelity is judged against the tool's own schema."""

from __future__ import annotations

import pytest

from pipeline.gen.structure import structure_holds
from pipeline.tools.registry import load_registry

SEARCH = load_registry().parameters("web.search")


@pytest.mark.parametrize(
    ("structure", "good", "bad"),
    [
        ("flat_args", {"q": "x", "top_k": 3, "safe": True}, {"q": "x", "exclude": ["a"]}),
        ("nested_args", {"q": "x", "filters": {"site": "example.org"}}, {"q": "x", "top_k": 2}),
        ("arrays", {"q": "x", "exclude": ["beta"]}, {"q": "x", "filters": {}}),
        ("enums", {"q": "x", "lang": "de"}, {"q": "x", "top_k": 2}),
        ("enums", {"q": "x", "filters": {"site": "example.net"}}, {"q": "x", "lang": "it"}),
        ("numeric_ranges", {"q": "x", "top_k": 4}, {"q": "x", "safe": False}),
        ("numeric_ranges", {"q": "x", "filters": {"recency_days": 9}}, {"q": "x", "lang": "en"}),
        ("optional_keys", {"q": "x", "safe": True}, {"q": "x"}),
    ],
)
def test_structure_holds(structure: str, good: dict, bad: dict) -> None:
    assert structure_holds(structure, good, SEARCH)
    assert not structure_holds(structure, bad, SEARCH)


def test_a_label_only_holds_when_the_schema_constrains_the_value() -> None:
    loose = {"type": "object", "properties": {"n": {"type": "integer"}, "s": {"type": "string"}}}
    assert not structure_holds("numeric_ranges", {"n": 3}, loose)
    assert not structure_holds("enums", {"s": "a"}, loose)
    # A boolean is not a number, even where the schema bounds one.
    bounded = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 0, "maximum": 1}},
    }
    assert not structure_holds("numeric_ranges", {"n": True}, bounded)
    read = load_registry().parameters("fs.read")
    assert structure_holds("numeric_ranges", {"path": "a", "range": {"start": 1, "end": 2}}, read)
    assert structure_holds("enums", {"path": "a", "keys": ["x"]}, read) is False


def test_non_objects_and_unknown_labels() -> None:
    assert not structure_holds("flat_args", "{'q': 1}", SEARCH)
    with pytest.raises(ValueError, match="unknown structure"):
        structure_holds("deep", {"q": "x"}, SEARCH)
