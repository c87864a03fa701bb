"""Schema 1.1.0 files (the earlier version): `*_bytes` offsets that were really code-point
indices into the raw teacher text, converted honestly to chars + utf8 on read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fixture_items import earlier_header
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import main as extract_main
from pipeline.legacy import upgrade_legacy_item
from pipeline.records import RecordReader, Reject
from pipeline.spans import TextIndex
from pipeline.text import normalize
from pipeline.verify import main as verify_main

# Written by hand the way the earlier generator wrote it: CRLF, a decomposed
# accent, CJK and an emoji, and offsets that are Python string indices.
RAW = (
    'TOOL_CALL: {"name": "web.search", "arguments": {"q": "cafe\u0301 日本"}}\r\n'
    'TOOL_RESULT: {"summary": "Le café ouvre à 8h 😀"}\r\n'
    "Integration: Según el resultado, le café ouvre à 8h. 日本語のまとめ。"
)


def offsets(needle: str, text: str = RAW) -> list[int]:
    start = text.index(needle)
    return [start, start + len(needle)]


LEGACY_HEADER = (
    '{"__header__": true, "schema_version": "1.1.0", "dataset_version": "1.1.0", '
    '"seed": 42, "total_samples": 1}'
)
LEGACY_ITEM = {
    "id": "ctx-7",
    "prompt": "Busca el horario del café",
    "teacher_text": RAW,
    "tool_name_span_bytes": offsets('"web.search"'),
    "json_args_span_bytes": offsets('{"q": "cafe\u0301 日本"}'),
    "metadata": {
        "scenario": "web_search",
        "integration_spans_bytes": [offsets("le café ouvre à 8h"), offsets("日本語のまとめ")],
    },
}


def read_legacy(tmp_path: Path, item: dict[str, Any]) -> list[dict[str, Any] | Reject]:
    path = tmp_path / "seed-v1.jsonl"
    path.write_text(
        LEGACY_HEADER + "\n" + json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    reader = RecordReader(path)
    assert reader.legacy
    return [entry for _, entry in reader]


def test_hand_written_1_1_0_file_is_read_with_honest_offsets(tmp_path: Path) -> None:
    (item,) = read_legacy(tmp_path, LEGACY_ITEM)
    assert isinstance(item, dict)
    text = item["teacher_text"]
    assert text == normalize(RAW) and "\r" not in text and "café 日本" in text
    gold = item["metadata"]["gold"]
    expected = {
        "tool_name_spans": ['"web.search"'],
        "args_spans": ['{"q": "café 日本"}'],
        "integration_values": ["le café ouvre à 8h", "日本語のまとめ"],
    }
    assert set(gold) == set(expected)
    data = text.encode("utf-8")
    for name, pieces in expected.items():
        assert [text[s:e] for s, e in (span["chars"] for span in gold[name])] == pieces
        for span, piece in zip(gold[name], pieces, strict=True):
            start, end = span["utf8"]
            assert data[start:end].decode("utf-8") == piece
            # chars and utf8 really differ once non-ASCII text precedes the span.
            assert span["utf8"] != span["chars"] or text[: span["chars"][0]].isascii()
    assert item["metadata"]["legacy"] == {
        "schema_version": "1.1.0",
        "converted_fields": [
            "integration_spans_bytes",
            "json_args_span_bytes",
            "tool_name_span_bytes",
        ],
        "read_as": {
            "integration_spans_bytes": "integration_values",
            "json_args_span_bytes": "args_spans",
            "tool_name_span_bytes": "tool_name_spans",
        },
    }
    assert not any(key.endswith("_bytes") for key in item)


def test_legacy_item_without_teacher_text_is_rejected(tmp_path: Path) -> None:
    (entry,) = read_legacy(tmp_path, {"id": "x", "tool_name_span_bytes": [0, 1]})
    assert isinstance(entry, Reject)
    assert entry.field == "<legacy>" and entry.reason.startswith("teacher_text:")


def test_legacy_gold_that_is_not_an_object_is_rejected(tmp_path: Path) -> None:
    item = {"id": "x", "teacher_text": "abc", "metadata": {"gold": [1]}, "a_bytes": [0, 1]}
    (entry,) = read_legacy(tmp_path, item)
    assert isinstance(entry, Reject)
    assert entry.reason == "metadata.gold: expected an object"


def test_a_number_under_a_bytes_name_is_rejected_not_guessed(tmp_path: Path) -> None:
    item = {"id": "x", "teacher_text": "abc", "metadata": {"size_bytes": 2048}}
    (entry,) = read_legacy(tmp_path, item)
    assert isinstance(entry, Reject)
    assert entry.reason == "size_bytes: expected [start, end] or a list of them"


RAW_TEXT = st.text(
    alphabet=st.sampled_from("ab é\u0301\u0308\r\n日😀\u1100\u1161\u11a8"), max_size=30
)


@given(raw=RAW_TEXT, data=st.data())
def test_converted_spans_are_in_bounds_and_consistent(raw: str, data: st.DataObject) -> None:
    position = st.integers(0, len(raw))
    pairs = data.draw(st.lists(st.tuples(position, position).map(sorted), max_size=4))
    item = {"id": "p", "teacher_text": raw, "integration_spans_bytes": pairs}
    upgraded = upgrade_legacy_item(item)
    text = normalize(raw)
    index = TextIndex(text)
    spans = upgraded["metadata"]["gold"]["integration_values"]
    assert len(spans) == len(pairs)
    for span in spans:
        start, end = span["chars"]
        assert 0 <= start <= end <= len(text)
        assert span["utf8"] == [index.utf8(start), index.utf8(end)]


@pytest.mark.parametrize("pairs", [[[0, 3]], [0, 3]])
def test_single_pair_and_list_of_pairs_are_both_accepted(pairs: list[Any]) -> None:
    item = {"id": "p", "teacher_text": "abcdef", "args_spans_bytes": pairs}
    gold = upgrade_legacy_item(item)["metadata"]["gold"]
    assert gold["args_spans"] == [{"chars": [0, 3], "utf8": [0, 3]}]


def test_earlier_args_spans_over_whole_calls_are_read_as_call_spans() -> None:
    """The earlier version's `json_args_span` covers `{"name": ..., "arguments": ...}`:
    scored as an argument span, every earlier item would fail span F1."""
    upgraded = upgrade_legacy_item(earlier_item(1))
    gold, text = upgraded["metadata"]["gold"], upgraded["teacher_text"]
    assert set(gold) == {"call_spans", "tool_name_spans"}
    ((start, end),) = (span["chars"] for span in gold["call_spans"])
    assert json.loads(text[start:end]) == upgraded["metadata"]["call_sequence"][0]
    assert upgraded["metadata"]["legacy"]["read_as"] == {
        "json_args_span_bytes": "call_spans",
        "json_args_spans_bytes": "call_spans",
        "tool_name_span_bytes": "tool_name_spans",
        "tool_name_spans_bytes": "tool_name_spans",
    }


def test_plural_spans_win_over_the_singular_copy() -> None:
    item = {"id": "p", "teacher_text": "abcdef", "x_span_bytes": [0, 1], "x_spans_bytes": [[2, 4]]}
    gold = upgrade_legacy_item(item)["metadata"]["gold"]
    assert gold["x_spans"] == [{"chars": [2, 4], "utf8": [2, 4]}]
    assert "x_span" not in gold


def test_legacy_metadata_that_is_not_an_object() -> None:
    with pytest.raises(ValueError, match="metadata: expected an object"):
        upgrade_legacy_item({"id": "x", "teacher_text": "abc", "metadata": [1]})


EARLIER_HEADER = earlier_header(total_samples=2)
EARLIER_TEXT = (
    "I will start with a tool call.\n"
    'TOOL_CALL: {"name":"read_file","arguments":{"path":"repo:///docs/notes.md"}}\n'
    'TOOL_RESULT: {"ok":true,"summary":"fp16 kernels are preferred","lines":128}\n'
    "Integration: fp16 kernels are preferred. Lines: 128."
)


def earlier_item(number: int) -> dict[str, Any]:
    """An item in the earlier generator's shape, offsets as Python string indices."""
    call = '{"name":"read_file","arguments":{"path":"repo:///docs/notes.md"}}'
    name = offsets('"read_file"', EARLIER_TEXT)
    return {
        "id": f"contextual-{number:06d}",
        "role": "worker",
        "task_type": "tool_use",
        "caws_level": 0,
        "source": "synthetic",
        "prompt": "Task: read the notes file.\nTarget: repo:///docs/notes.md\n",
        "teacher_text": EARLIER_TEXT,
        "metadata": {
            "dataset_version": "1.1.0",
            "call_sequence": [
                {"name": "read_file", "arguments": {"path": "repo:///docs/notes.md"}}
            ],
            "json_args_span_bytes": offsets(call, EARLIER_TEXT),
            "tool_name_span_bytes": name,
            "json_args_spans_bytes": [offsets(call, EARLIER_TEXT)],
            "tool_name_spans_bytes": [name],
            "tool_result_fields": {"ok": "True", "summary": "fp16 kernels are preferred"},
        },
    }


def test_the_earlier_versions_real_header_is_a_1_1_0_file(tmp_path: Path, qwen_dir: Path) -> None:
    source = tmp_path / "earlier.jsonl"
    lines = [EARLIER_HEADER, earlier_item(1), earlier_item(2)]
    source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    reader = RecordReader(source)
    assert reader.legacy
    items = [entry for _, entry in reader]
    assert all(isinstance(i, dict) for i in items)
    # Extract and standalone verify read the whole file: every item out, none rejected.
    out, report = tmp_path / "ext.jsonl", tmp_path / "report.json"
    absent, tokenizer = str(tmp_path / "absent.yaml"), ["--tokenizer", str(qwen_dir)]
    assert (
        extract_main(["--params", absent, "--in", str(source), "--out", str(out), *tokenizer]) == 0
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 2
    assert verify_main(
        ["--params", absent, "--in", str(out), "--report", str(report), *tokenizer]
    ) in (0, 1)
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["items"] == 2


def _extract_earlier(
    tmp_path: Path, qwen_dir: Path, items: list[dict[str, Any]] | None = None, **header: Any
) -> tuple[Path, list[dict[str, Any]]]:
    source, out = tmp_path / "earlier.jsonl", tmp_path / "ext.jsonl"
    lines = [{**EARLIER_HEADER, **header}, *(items or [earlier_item(1), earlier_item(2)])]
    source.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    common = ["--params", str(tmp_path / "absent.yaml"), "--tokenizer", str(qwen_dir)]
    assert extract_main([*common, "--in", str(source), "--out", str(out)]) == 0
    return out, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]


def _report(tmp_path: Path, qwen_dir: Path, path: Path) -> dict[str, Any]:
    report = tmp_path / "report.json"
    common = ["--params", str(tmp_path / "absent.yaml"), "--tokenizer", str(qwen_dir)]
    verify_main([*common, "--in", str(path), "--report", str(report)])
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def _alignment(tmp_path: Path, qwen_dir: Path, path: Path) -> dict[str, Any]:
    gates = _report(tmp_path, qwen_dir, path)["gates"]
    return next(g for g in gates if g["name"] == "alignment_sequence")


def test_the_earlier_registry_is_not_compared_with_todays(tmp_path: Path, qwen_dir: Path) -> None:
    out, _ = _extract_earlier(tmp_path, qwen_dir)
    report = _report(tmp_path, qwen_dir, out)
    skipped = {s["gate"]: s["why"] for s in report["skipped"]}
    assert "earlier tool registry" in skipped["registry_fingerprint"]
    assert all(g["name"] != "registry_fingerprint" for g in report["gates"])


def test_a_compact_call_is_placed_where_the_template_rewrote_it(
    tmp_path: Path, qwen_dir: Path, student: Any
) -> None:
    """`{"name":"read_file",...}` is trained as the template's `{"name": "read_file", ...}`:
    the sequence call span covers that object, which verify accepts as the same call,
    and a span moved off it is caught (misaligned_sequence)."""
    out, items = _extract_earlier(tmp_path, qwen_dir)
    for item in items:
        (placed,) = item["targets"]["sequence"]["calls"]
        assert placed["call"] is not None and placed["name"] is not None
        ids = student.tokenizer.encode(
            student.render(item["messages"], item.get("tools") or None), add_special_tokens=False
        ).ids
        text = student.tokenizer.decode(ids[placed["call"][0] : placed["call"][1]])
        assert json.loads(text) == item["metadata"]["call_sequence"][0]
    assert _alignment(tmp_path, qwen_dir, out)["pass"]
    lines = out.read_text(encoding="utf-8").splitlines()
    moved = json.loads(lines[1])
    start, end = moved["targets"]["sequence"]["calls"][0]["call"]
    moved["targets"]["sequence"]["calls"][0]["call"] = [start, end - 3]
    lines[1] = json.dumps(moved, ensure_ascii=False)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gate = _alignment(tmp_path, qwen_dir, out)
    assert not gate["pass"] and gate["code"] == "misaligned_sequence"


def _search_item() -> dict[str, Any]:
    """An earlier item calling `web.search` with the earlier tool's own `site` argument,
    which today's `web.search` schema does not have."""
    call = '{"name":"web.search","arguments":{"q":"CoreML","top_k":3,"site":"example.org"}}'
    text = EARLIER_TEXT.replace(
        '{"name":"read_file","arguments":{"path":"repo:///docs/notes.md"}}', call
    )
    item = earlier_item(3)
    item["teacher_text"] = text
    item["metadata"]["call_sequence"] = [json.loads(call)]
    for key in ("json_args_span_bytes", "tool_name_span_bytes"):
        del item["metadata"][key]
    item["metadata"]["json_args_spans_bytes"] = [offsets(call, text)]
    item["metadata"]["tool_name_spans_bytes"] = [offsets("web.search", text)]
    return item


def test_calls_are_judged_by_the_registry_the_data_was_made_with(
    tmp_path: Path, qwen_dir: Path
) -> None:
    """The earlier `web.search` took `site`; ours does not. Its calls have no schema
    here (unknown), unless the header claims today's registry, which then judges them."""
    from pipeline.tools.registry import load_registry

    out, _ = _extract_earlier(tmp_path, qwen_dir, [_search_item()])
    gates = {g["name"]: g for g in _report(tmp_path, qwen_dir, out)["gates"]}
    assert gates["schema_valid"]["pass"] and gates["trained_calls_valid"]["pass"]
    ours = load_registry().sha256
    out, _ = _extract_earlier(tmp_path, qwen_dir, [_search_item()], tool_registry_sha256=ours)
    report = _report(tmp_path, qwen_dir, out)
    gates = {g["name"]: g for g in report["gates"]}
    assert not gates["schema_valid"]["pass"]
    assert any("'site' was unexpected" in d for i in report["items"] for d in i["details"])
