"""Generated items follow docs/records.md: layout, formats, gold spans, messages, kinds."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest

from pipeline.gen.item import caws_header, generate_item, iter_items
from pipeline.params import GenerateParams, Params
from pipeline.student import Student
from pipeline.text import is_normalized
from pipeline.tools.registry import load_registry

PARAMS = Params(generate=GenerateParams(total=1500))
METADATA_KEYS = {
    "scenario",
    "complexity",
    "structure",
    "expected_behaviour",
    "lang",
    "format",
    "call_sequence",
    "attempts",
    "tool_results",
    "tool_result_fields",
    "adversarial",
    "long_context",
    "locale_probe",
    "negative_control",
    "control",
    "integration_over_cap",
    "sample_id",
    "provenance",
    "gold",
    "intent",
    "world",
}
PRIVACY = {
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "uuid": re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I),
    "phone": re.compile(r"\+?\d{1,3}[\s.-]\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b"),
    "card": re.compile(r"\b(?:\d[ -]?){13,19}\b"),
}
URL = re.compile(r"https?://([^/\s\"'`)]+)")


def _items(params: Params = PARAMS) -> list[dict[str, Any]]:
    return list(iter_items(params, range(params.generate.total)))


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return _items()


@pytest.fixture(scope="module")
def seed_items() -> list[dict[str, Any]]:
    params = Params(generate=GenerateParams(total=300, format="seed"))
    return _items(params)


def _cut(text: str, span: dict[str, list[int]]) -> str:
    start, end = span["chars"]
    assert (
        text.encode("utf-8")[span["utf8"][0] : span["utf8"][1]].decode("utf-8") == text[start:end]
    )
    return text[start:end]


def test_layout_and_metadata(items: list[dict[str, Any]]) -> None:
    for index, item in enumerate(items):
        assert list(item) == ["id", "prompt", "teacher_text", "tools", "messages", "metadata"]
        assert item["id"] == f"ctx-{index:06d}"
        meta = item["metadata"]
        assert set(meta) <= METADATA_KEYS
        assert meta["sample_id"] == f"42-{index}"
        assert meta["provenance"] == {
            "generator": "toolcall-data/2.3.0",
            "seed": 42,
            "index": index,
        }
        assert meta["format"] == "hermes"
        assert item["prompt"].split("\n", 1)[0] == caws_header(PARAMS.generate.caws)
        assert is_normalized(item["prompt"]) and is_normalized(item["teacher_text"])
        for flag in ("long_context", "locale_probe", "negative_control", "control"):
            assert meta.get(flag, True) is True
        assert len(meta["tool_results"]) == len(meta["call_sequence"])
        gold = meta["gold"]
        for key in ("tool_name_spans", "args_spans", "call_spans"):
            assert len(gold[key]) == len(meta["call_sequence"])
        over = len(gold["integration_spans"]) > PARAMS.generate.integration_span_cap
        assert meta.get("integration_over_cap", False) is over
        names = {t["function"]["name"] for t in item["tools"]}
        assert {c["name"] for c in meta["call_sequence"]} <= names
        assert all(t in load_registry().tools for t in item["tools"])


def test_gold_spans_cut_exactly_the_call_parts(items: list[dict[str, Any]]) -> None:
    for item in items:
        text, meta = item["teacher_text"], item["metadata"]
        gold = meta["gold"]
        for i, call in enumerate(meta["call_sequence"]):
            assert _cut(text, gold["tool_name_spans"][i]) == call["name"]
            args = _cut(text, gold["args_spans"][i])
            if isinstance(call["arguments"], str):
                assert args == call["arguments"]
            else:
                assert json.loads(args) == call["arguments"]
            expected = json.dumps(
                {"name": call["name"], "arguments": call["arguments"]}, ensure_ascii=False
            )
            if isinstance(call["arguments"], str):
                expected = '{"name": ' + json.dumps(call["name"]) + ', "arguments": ' + args + "}"
            assert _cut(text, gold["call_spans"][i]) == expected
        answer = item["messages"][-1]["content"]
        sentences = [_cut(text, s) for s in gold["integration_spans"]]
        assert text.endswith(answer)
        if sentences:
            joined = " ".join(sentences)
            assert answer.endswith(joined)
            # Only a repaired call's answer says something first that is no integration:
            # the repair of the user's arguments, when it carries no value of the result.
            preface = answer[: -len(joined)]
            assert preface == "" or (
                meta.get("adversarial", {}).get("type") == "malformed_json"
                and preface.endswith(". ")
                and "JSON" in preface
            ), preface
            assert all(s[-1] in ".?”“»" and ". " not in s for s in sentences)


def test_non_ascii_spans_have_true_byte_offsets(items: list[dict[str, Any]]) -> None:
    checked = 0
    for item in items:
        text = item["teacher_text"]
        if text.isascii():
            continue
        for span in item["metadata"]["gold"]["integration_spans"]:
            start, end = span["chars"]
            assert span["utf8"] == [len(text[:start].encode()), len(text[:end].encode())]
            checked += 1
    assert checked > 50


def test_messages_render_to_the_same_call_text(
    items: list[dict[str, Any]], student: Student
) -> None:
    for item in items[:400]:
        rendered = student.render(item["messages"], item["tools"])
        text = item["teacher_text"]
        for span in item["metadata"]["gold"]["call_spans"]:
            assert _cut(text, span) in rendered
        assert rendered.endswith(item["messages"][-1]["content"] + "<|im_end|>\n")
        tools = [m for m in item["messages"] if m["role"] == "tool"]
        assert [json.loads(m["content"]) for m in tools] == item["metadata"]["tool_results"]


def test_every_call_validates_and_the_item_has_its_structure(
    items: list[dict[str, Any]],
) -> None:
    # Adversarial items too: the fault is in the user's turn, never in a trained call.
    from pipeline.gen.structure import structure_holds

    registry = load_registry()
    for item in items:
        meta = item["metadata"]
        calls = meta["call_sequence"]
        for call in calls:
            assert isinstance(call["arguments"], dict)
            assert registry.validate(call["name"], call["arguments"]) == [], (item["id"], call)
        holds = [
            structure_holds(meta["structure"], c["arguments"], registry.parameters(c["name"]))
            for c in calls
        ]
        if calls:
            assert all(holds) if meta["structure"] == "flat_args" else any(holds), item["id"]


def test_controls_and_ambiguity_make_no_calls(items: list[dict[str, Any]]) -> None:
    seen = set()
    for item in items:
        meta = item["metadata"]
        kind = (meta.get("adversarial") or {}).get("type") or meta["expected_behaviour"]
        if kind not in ("no_tool", "decline", "retry", "ambiguity"):
            continue
        seen.add(kind)
        assert meta.get("control", False) is (kind != "ambiguity")
        assert meta["call_sequence"] == [] and meta["tool_results"] == []
        assert all(v == [] for v in meta["gold"].values())
        assert (
            "<tool_call>" not in item["teacher_text"] and "Integration:" not in item["teacher_text"]
        )
        assert [m["role"] for m in item["messages"]] == ["user", "assistant"]
        if kind == "ambiguity":
            assert meta["adversarial"]["expected"] == "clarify"
            assert "?" in item["teacher_text"]
            candidates = re.findall(r"\S+/\S+\.\w+|https://\S+?(?=[ ,?])", item["prompt"])
            assert sum(c.rstrip(".,") in item["teacher_text"] for c in candidates) >= 2
        if kind == "retry":
            assert meta["expected_behaviour"] == "retry"
    assert seen == {"no_tool", "decline", "retry", "ambiguity"}


def test_adversarial_faults_are_the_users_and_the_teacher_corrects_them(
    items: list[dict[str, Any]],
) -> None:
    registry = load_registry()
    counts = {"range_violation": 0, "malformed_json": 0}
    for item in items:
        meta = item["metadata"]
        kind = (meta.get("adversarial") or {}).get("type")
        if kind not in counts:
            continue
        counts[kind] += 1
        first = meta["call_sequence"][0]
        assert registry.validate(first["name"], first["arguments"]) == []
        request, answer = item["prompt"].split("\n", 1)[1], item["messages"][-1]["content"]
        if kind == "range_violation":
            assert meta["adversarial"]["expected"] == "correct_range"
            bounded = {
                k: s["maximum"]
                for k, s in registry.parameters(first["name"])["properties"].items()
                if "maximum" in s
                and k in first["arguments"]
                and first["arguments"][k] == s["maximum"]
            }
            assert bounded, item["id"]
            # The user asked for more than the maximum; the answer says what was used.
            asked = [int(n) for n in re.findall(r"\d+", request)]
            assert any(n > high for high in bounded.values() for n in asked)
            assert any(str(high) in answer for high in bounded.values())
        else:
            assert meta["adversarial"]["expected"] == "repair_json"
            pasted = request[request.index("{") :]
            with pytest.raises(json.JSONDecodeError):
                json.loads(pasted)
            assert json.dumps(first["arguments"], ensure_ascii=False) in answer
    assert counts == {"range_violation": 3, "malformed_json": 3}


def test_error_recovery_records_its_attempts(items: list[dict[str, Any]]) -> None:
    found = {"user": 0, "transient": 0}
    for item in items:
        meta = item["metadata"]
        if meta["complexity"] != "branching_error_recovery":
            continue
        results = meta["tool_results"]
        failed = [i for i, r in enumerate(results) if r["ok"] is False]
        assert failed, item["id"]
        attempt = meta["attempts"][0]
        i = attempt["call_index"]
        assert attempt == {
            "call_index": i,
            "ok": False,
            "error": results[i]["error"],
            "cause": attempt["cause"],
            "excluded": True,
        }
        found[attempt["cause"]] += 1
        retry = meta["attempts"][1]
        assert retry["ok"] is True and results[retry["call_index"]]["ok"] is True
        assert (
            meta["call_sequence"][retry["call_index"]]["name"] == meta["call_sequence"][i]["name"]
        )
        # Results of failed calls are not grounding material.
        assert not any(k.startswith(f"call#{i}.") for k in meta["tool_result_fields"])
    assert found["user"] > 50 and found["transient"] > 30


def test_seed_format(seed_items: list[dict[str, Any]]) -> None:
    for item in seed_items:
        meta, text = item["metadata"], item["teacher_text"]
        assert meta["format"] == "seed"
        if not meta["call_sequence"]:
            assert not text.startswith("TOOL_CALL:")
            continue
        lines = text.split("\n")
        calls = [ln for ln in lines if ln.startswith("TOOL_CALL: ")]
        results = [ln for ln in lines if ln.startswith("TOOL_RESULT: ")]
        assert len(calls) == len(results) == len(meta["call_sequence"])
        assert lines[-1].startswith("Integration: ")
        assert [json.loads(r[13:]) for r in results] == meta["tool_results"]
        first = meta["gold"]["integration_spans"][0]["chars"][0]
        start = len(text) - len(lines[-1]) + len("Integration: ")
        # The answer follows "Integration: "; a repaired call's answer may open with the
        # repair, which carries no result value and so is no integration span.
        assert first == start or meta.get("adversarial", {}).get("type") == "malformed_json"


def test_items_are_pure_functions_of_params_and_index() -> None:
    one = [generate_item(PARAMS, i) for i in (5, 900, 17)]
    two = [generate_item(PARAMS, i) for i in (17, 5, 900)]
    assert one == [two[1], two[2], two[0]]
    other_seed = dataclasses.replace(PARAMS, seed=7)
    assert generate_item(other_seed, 5) != one[0]


def test_no_pii_and_only_allowlisted_urls(items: list[dict[str, Any]]) -> None:
    allow = ("example.com", "example.org", "example.net")
    for item in items:
        # The tools are the registry's schemas (one holds the URL pattern itself).
        blob = json.dumps({k: v for k, v in item.items() if k != "tools"}, ensure_ascii=False)
        for name, pattern in PRIVACY.items():
            assert not pattern.search(blob), (name, item["id"], pattern.search(blob))
        for host in URL.findall(blob):
            assert host.removeprefix("www.") in allow, (item["id"], host)


def test_negative_controls_swap_results_but_keep_the_answer() -> None:
    gen = dataclasses.replace(PARAMS.generate, total=400, negative_control_prob=0.5)
    params = dataclasses.replace(PARAMS, generate=gen)
    plain = dataclasses.replace(
        params, generate=dataclasses.replace(gen, negative_control_prob=0.0)
    )
    negatives = 0
    for index in range(gen.total):
        item = generate_item(params, index)
        meta = item["metadata"]
        if not meta.get("negative_control"):
            continue
        negatives += 1
        assert meta["expected_behaviour"] == "normal" and "adversarial" not in meta
        assert generate_item(plain, index)["messages"][-1] == item["messages"][-1]
        for result in meta["tool_results"]:
            if result.get("ok"):
                assert set(result) <= {"ok", "results", "summary", "count"}
    assert 100 < negatives < 260


def test_decoys_never_repeat_a_number_of_the_answer() -> None:
    import random

    from pipeline.gen import adversarial
    from pipeline.gen.context import Ctx
    from pipeline.gen.episode import Call, Episode
    from pipeline.gen.recipes import Outcome
    from pipeline.world import World

    seed = next(s for s in range(100) if random.Random(s).random() >= 0.5)
    probe = random.Random(seed)
    probe.random()
    drawn = probe.randint(100_000, 999_999)
    episode = Episode(World("2025-01-01"))
    episode.calls.append(Call("fs.read", {"path": "a"}, {"ok": True, "lines": 3}, {"path": "a"}))
    outcome = Outcome("r", episode, [], {})
    ctx = Ctx(random.Random(seed), "en", "flat_args")
    adversarial.negative_control(ctx, outcome, f"The file has {drawn} lines.")
    assert episode.calls[0].result["count"] == drawn + 1


def test_unknown_surface_format_is_refused() -> None:
    from pipeline.gen.render import teacher_text

    with pytest.raises(ValueError, match=r"generate\.format"):
        teacher_text([], [], "answer", "xml")
