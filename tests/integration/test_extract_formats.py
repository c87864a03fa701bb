"""External mode on hand-written records in the published formats (tests/fixtures/formats).

For each format: every call recovered exactly; each call's source spans, cut
from the field the record held, read back with that format's parser to the
same call, and their UTF-8 offsets are the encoded prefix lengths; input =
output + rejects. Then verify: the same calls are JSON- and schema-valid, a
call without a schema is unknown (not invalid), and an assistant turn with
call-like text that no parser read fails the zero-tolerance gate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline import extract, verify
from pipeline.formats.pythonic import parse_pythonic
from pipeline.formats.qwenxml import parse_qwen_xml
from pipeline.formats.schema import ToolSchemas
from pipeline.formats.textcalls import parse_mistral
from pipeline.records import RecordReader
from pipeline.text import normalize

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
ROUTE = {"from": "CGN", "to": "HND", "via": None}
EXPECTED: dict[str, dict[str, tuple[str, list[tuple[str, dict[str, Any]]]]]] = {
    "llamafactory": {
        "line-000001": ("llamafactory", [("get_weather", {"city": "Zürich", "days": 3})]),
        "line-000002": ("llamafactory", [
            ("search_flights", {"route": ROUTE, "dates": ["2025-05-01", "2025-05-02"],
                                "flexible": True, "max_price": 899.5, "note": 'window "A" seat'}),
            ("get_time", {"tz": "Asia/Tokyo"}),
            ("get_weather", {"city": "東京"}),
        ]),
        "line-000003": ("openai", []),
    },
    "xlam": {
        "x-1": ("xlam", [("get_weather", {"city": "São Paulo", "days": 2}),
                         ("get_time", {"tz": "America/Sao_Paulo"})]),
        "x-2": ("xlam", [("average", {"numbers": [1.5, -2, 300.0], "weights": None})]),
    },
    "llama3_json": {
        "l3-1": ("llama3_json", [("get_weather", {"city": "Paris", "units": "c"})]),
        "l3-2": ("llama3_json", [("get_weather", {"city": "Kraków"}),
                                 ("get_time", {"tz": "Europe/Warsaw"})]),
        "l3-3": ("llama3_json", [("search_flights", {
            "route": {"from": "OSL", "to": None}, "dates": [], "flexible": False,
            "max_price": 1000.0, "note": 'say "hi" é'})]),
        "l3-4": ("openai", []),
    },
    "mistral": {
        "mi-1": ("mistral", [("get_weather", {"city": "Paris"}),
                             ("get_weather", {"city": "Nice", "days": 2})]),
        "mi-2": ("mistral", [("get_weather", {"city": "Genève"}),
                             ("get_time", {"tz": "Europe/Zurich"})]),
        "mi-3": ("mistral", [("search_flights", {
            "route": {"from": "LIS", "to": "MAD"}, "dates": ["2025-06-01"], "flexible": True,
            "max_price": 120, "cabin": None})]),
    },
    "qwen_xml": {
        "qw-1": ("qwen_xml", [("search_flights", {
            "route": {"from": "ZRH", "to": "東京"}, "dates": ["2025-05-01"], "flexible": True,
            "max_price": 950.5, "note": "123"})]),
        "qw-2": ("qwen_xml", [("get_weather", {"city": 'Łódź "centre"\nline two', "days": 2}),
                              ("get_time", {"tz": "UTC"})]),
        # No schema: every value is the raw text, as the reference parsers return it.
        "qw-3": ("qwen_xml", [("lookup", {"count": "7", "label": "plain words",
                                          "flags": '{"a": true}'})]),
    },
    "pythonic": {
        "py-1": ("pythonic", [("get_weather", {"city": "Paris", "days": 2}),
                              ("get_time", {"tz": "CET"})]),
        "py-2": ("pythonic", [("search_flights", {
            "route": {"from": "ZRH", "to": None}, "dates": ["2025-05-01", "2025-05-02"],
            "flexible": False, "max_price": -150.0, "note": 'it\'s "ok" 日本'})]),
        "py-3": ("pythonic", [("get_weather", {"city": "Bergen"})]),
        "py-4": ("openai", []),
    },
}  # fmt: skip
# xLAM's x-3 has an empty answers list: no call and no text, an empty training target.
REJECTS = {
    "llamafactory": [(4, "conversations[1].value")],
    "xlam": [(3, "answers"), (4, "answers")],
}


def _extract(tmp_path: Path, qwen_dir: Path, name: str) -> tuple[list[dict[str, Any]], Path]:
    out = tmp_path / f"{name}.out.jsonl"
    args = ["--in", str(FIXTURES / f"{name}.jsonl"), "--out", str(out)]
    args += ["--tokenizer", str(qwen_dir), "--params", str(tmp_path / "none.yaml")]
    assert extract.main(args) == 0
    return list(RecordReader(out).items()), out


def _field_text(item: dict[str, Any], field: str) -> str:
    """The NFC+LF text of the field of the record that held the call."""
    turn = re.fullmatch(r"(conversations|messages)\[(\d+)\]\.(value|content)", field)
    if turn is not None:
        key = "messages_original" if turn.group(1) == "messages" else "conversations"
        return normalize(item[key][int(turn.group(2))][turn.group(3)])
    return normalize(item[field])


def _read_back(fmt: str, piece: str, schemas: ToolSchemas) -> tuple[str, Any]:
    """The call a call span's slice holds, read with its format's parser."""
    if fmt == "pythonic":
        found = parse_pythonic(f"[{piece}]")
    elif fmt == "qwen_xml":
        found = parse_qwen_xml(piece, schemas.property_type)
    elif fmt == "mistral" and piece.startswith("[TOOL_CALLS]"):
        found = parse_mistral(piece)
    else:
        obj = json.loads(piece)
        args = obj.get("arguments", obj.get("parameters"))
        return obj["name"], json.loads(args) if isinstance(args, str) else args
    assert found is not None and len(found.calls) == 1, piece
    return found.calls[0].name, found.calls[0].arguments


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_call_is_recovered_with_honest_source_spans(
    tmp_path: Path, qwen_dir: Path, name: str
) -> None:
    items, out = _extract(tmp_path, qwen_dir, name)
    rejects = [orjson.loads(x) for x in out.with_name(f"{name}.out.rejects.jsonl").open("rb")]
    assert [(r["line"], r["field"]) for r in rejects] == REJECTS.get(name, [])
    inputs = sum(1 for line in (FIXTURES / f"{name}.jsonl").open() if line.strip())
    assert inputs == len(items) + len(rejects)
    got = {
        i["id"]: (i["targets"]["format"], [(c["name"], c["arguments"]) for c in calls])
        for i in items
        for calls in [i["targets"]["calls"]]
    }
    assert got == EXPECTED[name]
    for item in items:
        targets = item["targets"]
        schemas = ToolSchemas(item.get("tools"))
        for call in targets["calls"]:
            # The training side: the rendered call is valid and located in the teacher text.
            assert call["json_valid"] and call["call_span"] is not None
            source = call["source"]
            assert source["format"] == targets["format"]
            text = _field_text(item, source["field"])
            for key in ("name_span", "args_span", "call_span"):
                chars, utf8 = source[key]["chars"], source[key]["utf8"]
                assert utf8 == [len(text[:c].encode()) for c in chars]
            name_chars = source["name_span"]["chars"]
            assert text[name_chars[0] : name_chars[1]] == call["name"]
            call_chars = source["call_span"]["chars"]
            piece = text[call_chars[0] : call_chars[1]]
            assert _read_back(source["format"], piece, schemas) == (call["name"], call["arguments"])
            args = source["args_span"]["chars"]
            assert call_chars[0] <= args[0] <= args[1] <= call_chars[1]


def test_conversions_keep_what_the_record_held(tmp_path: Path, qwen_dir: Path) -> None:
    items = {i["id"]: i for i in _extract(tmp_path, qwen_dir, "llama3_json")[0]}
    bare = items["l3-3"]
    assert bare["teacher_text_original"].startswith('  {"name": "search_flights"')
    # Prose after the calls stays after them (an assistant turn of its own).
    assert bare["teacher_text"].startswith('<tool_call>\n{"name": "search_flights"')
    assert bare["teacher_text"].endswith("</tool_call>\nI searched for flights from Oslo.")
    assert items["l3-1"]["messages_original"][1]["content"].startswith("<|python_tag|>")
    assert items["l3-1"]["messages"][1]["content"] is None
    assert "calls in assistant text converted (llama3_json)" in items["l3-1"]["targets"]["notes"]
    # Prose that merely holds braces stays a plain answer, and is not call-like.
    assert "call_like_text" not in items["l3-4"]["targets"]


def test_xlam_schemas_are_normalised_with_notes(tmp_path: Path, qwen_dir: Path) -> None:
    items = {i["id"]: i for i in _extract(tmp_path, qwen_dir, "xlam")[0]}
    first = items["x-1"]
    assert [t["type"] for t in first["tools"]] == ["function"] * 3
    notes = first["targets"]["schema_normalized"]
    assert (
        "average: parameters.properties.numbers.type: 'List[float]' -> 'array' with items" in notes
    )
    assert (
        "get_weather: parameters: a bare property map -> an object schema with those properties"
        in notes
    )
    assert any("', optional' -> not required, null allowed" in n for n in notes)
    assert [c["schema_valid"] for c in items["x-2"]["targets"]["calls"]] == [True]
    assert "x-3" not in items  # answers "[]": rejected, nothing to train on


def test_hermes_system_prompt_tools_become_the_record_tools(tmp_path: Path, qwen_dir: Path) -> None:
    items = {i["id"]: i for i in _extract(tmp_path, qwen_dir, "hermes_system_tools")[0]}
    listed = items["hs-1"]
    assert [t["function"]["name"] for t in listed["tools"]] == ["get_weather", "get_time"]
    assert (
        "tools read from the system prompt's <tools> block (2 tools)" in listed["targets"]["notes"]
    )
    assert [c["schema_valid"] for c in listed["targets"]["calls"]] == [True]
    # A JSON list in the block, and the schema now judges the call.
    (call,) = items["hs-2"]["targets"]["calls"]
    assert call["schema_valid"] is False and "'two' is not of type 'integer'" in call["errors"][-1]


def _verify(tmp_path: Path, qwen_dir: Path, out: Path, params: str = "") -> dict[str, Any]:
    params_file = tmp_path / "verify-params.yaml"
    params_file.write_text(params)
    report = tmp_path / "report.json"
    args = ["--in", str(out), "--report", str(report), "--tokenizer", str(qwen_dir)]
    verify.main([*args, "--params", str(params_file)])
    return dict(orjson.loads(report.read_bytes()))


def test_verify_fails_call_like_text_and_a_param_admits_it(tmp_path: Path, qwen_dir: Path) -> None:
    _, out = _extract(tmp_path, qwen_dir, "pythonic")
    (item,) = [i for i in RecordReader(out).items() if i["id"] == "py-4"]
    assert item["targets"]["call_like_text"] == 1
    report = _verify(tmp_path, qwen_dir, out)
    gates = {g["name"]: g for g in report["gates"]}
    assert report["reasons"]["call_like_text"] == 1
    assert not gates["call_like_text"]["pass"]
    assert "call_like_text" in report["summary"]["failed_gates"]
    (row,) = [r for r in report["items"] if r["id"] == "py-4"]
    assert "call_like_text" in row["reasons"]
    admitted = _verify(tmp_path, qwen_dir, out, "verify:\n  max_call_like_text: 1\n")
    assert {g["name"]: g for g in admitted["gates"]}["call_like_text"]["pass"]


def test_verify_counts_a_call_without_schema_as_unknown(tmp_path: Path, qwen_dir: Path) -> None:
    _, out = _extract(tmp_path, qwen_dir, "qwen_xml")
    (item,) = [i for i in RecordReader(out).items() if i["id"] == "qw-3"]
    assert [c["schema_valid"] for c in item["targets"]["calls"]] == [None]  # extract: no schema
    report = _verify(tmp_path, qwen_dir, out)
    assert report["reasons"]["schema_invalid"] == 0
    gate = {g["name"]: g for g in report["gates"]}["schema_valid"]
    assert gate["pass"] and gate["detail"] == "0/3 calls invalid"  # qw-3's call is not counted
    (row,) = [r for r in report["items"] if r["id"] == "qw-3"]
    assert "schema_invalid" not in row["reasons"]
