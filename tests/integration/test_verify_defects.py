"""The verify stage on a real generated + extracted set, clean and with injected defects.

Every gate gets its own defect: the defect is injected into an otherwise good
copy of the set (into the generated file and re-extracted when text changes,
so the targets stay consistent; into the extracted file when it concerns
targets, labels or the header), and the test asserts that the stage exits
non-zero, that this gate failed, and that its reason code was counted.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from gate_lines import check_printed_lines

from pipeline import extract, generate, verify
from pipeline.bytebpe import PROBES, ByteBPE, Tokens
from pipeline.gates.codes import REASONS
from pipeline.records import RecordReader, write_records
from pipeline.student import Student
from pipeline.world import World, execute

ROOT = Path(__file__).resolve().parents[2]
TOTAL = 80


@dataclass
class Case:
    root: Path
    params: Path

    @property
    def generated(self) -> Path:
        return self.root / "data" / "generated.jsonl"

    @property
    def extracted(self) -> Path:
        return self.root / "data" / "extracted.jsonl"

    def report(self) -> dict[str, Any]:
        return orjson.loads((self.root / "data" / "verify_report.json").read_bytes())

    def metrics(self) -> dict[str, Any]:
        """The headline figures, with the gate and reason metrics under their own keys."""
        read = lambda name: orjson.loads((self.root / "metrics" / name).read_bytes())  # noqa: E731
        return {**read("verify.json"), "gates": read("gates.json"), "reasons": read("reasons.json")}


def write_params(root: Path, tokenizer: Path, **overrides: Any) -> Path:
    def rebase(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: rebase(v) for k, v in value.items()}
        if isinstance(value, str) and value.startswith(("data/", "metrics/")):
            return str(root / value)
        return value

    data = rebase(yaml.safe_load((ROOT / "params.yaml").read_text("utf-8")))
    data["tokenizer"]["out"] = str(tokenizer)
    data["generate"]["total"] = TOTAL
    data["run"].update({"workers": 1, "progress": False})
    for dotted, value in overrides.items():
        section, key = dotted.split("__")
        data[section][key] = value
    path = root / "params.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> Case:
    root = tmp_path_factory.mktemp("verify-clean")
    case = Case(root, write_params(root, qwen_dir))
    assert generate.main(["--params", str(case.params)]) == 0
    assert extract.main(["--params", str(case.params)]) == 0
    return case


@pytest.fixture
def case(clean: Case, tmp_path: Path, qwen_dir: Path) -> Case:
    """A private copy of the clean set."""
    copy = Case(tmp_path, write_params(tmp_path, qwen_dir))
    copy.extracted.parent.mkdir(parents=True)
    shutil.copy(clean.generated, copy.generated)
    shutil.copy(clean.extracted, copy.extracted)
    return copy


def run(case: Case) -> tuple[int, dict[str, Any]]:
    """Verify the case; every printed gate line is held to the report (tests/gate_lines.py)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = verify.main(["--params", str(case.params)])
    report = case.report()
    check_printed_lines(printed.getvalue(), report)
    print(printed.getvalue(), end="")  # still there for the tests that read it
    return code, report


def edit(path: Path, change: Callable[[list[dict[str, Any]], dict[str, Any]], None]) -> None:
    """Rewrite a records file after `change(items, header)` edited them in place."""
    reader = RecordReader(path)
    header = reader.header
    items = list(reader.items())
    change(items, header)
    write_records(path, header, items)


def reextract(case: Case) -> None:
    assert extract.main(["--params", str(case.params)]) == 0


def assert_caught(case: Case, gate: str, code: str) -> dict[str, Any]:
    exit_code, report = run(case)
    assert exit_code == 1
    assert gate in report["summary"]["failed_gates"]
    assert report["reasons"][code] >= 1
    metrics = case.metrics()
    assert metrics["gates"][gate]["pass"] == 0
    assert metrics["reasons"][code] >= 1
    return report


def meta(item: dict[str, Any]) -> dict[str, Any]:
    return item["metadata"]


def eligible(item: dict[str, Any]) -> bool:
    m = meta(item)
    return bool(m["call_sequence"]) and not m.get("control") and not m.get("adversarial")


def tool_using(items: list[dict[str, Any]], name: str) -> Iterator[dict[str, Any]]:
    return (i for i in items if eligible(i) and meta(i)["call_sequence"][0]["name"] == name)


def call_text(name: str, arguments: Any) -> str:
    return json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False)


def replace_call(item: dict[str, Any], index: int, arguments: dict[str, Any]) -> None:
    """Give call `index` new arguments everywhere the item states them."""
    call = meta(item)["call_sequence"][index]
    old, new = call_text(call["name"], call["arguments"]), call_text(call["name"], arguments)
    assert old in item["teacher_text"]
    item["teacher_text"] = item["teacher_text"].replace(old, new, 1)
    call["arguments"] = arguments
    calls = [c for m in item["messages"] for c in m.get("tool_calls") or ()]
    calls[index]["function"]["arguments"] = arguments


def append_to_answer(item: dict[str, Any], text: str) -> None:
    item["teacher_text"] += text
    item["messages"][-1]["content"] += text


# --- the clean set -------------------------------------------------------------------------


def test_clean_set_passes_every_gate(clean: Case, capsys: pytest.CaptureFixture[str]) -> None:
    exit_code, report = run(clean)
    out = capsys.readouterr().out
    assert report["summary"]["failed_gates"] == [], out
    assert exit_code == 0
    assert "FAILED" not in out and "all 45 gates met their thresholds" in out
    assert "speed not gated below 1000 items" in out  # 80 items: start-up dominates
    assert report["skipped"] == []


def test_metrics_are_numbers_with_a_fixed_key_set(clean: Case) -> None:
    run(clean)
    metrics = clean.metrics()

    def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
        if isinstance(value, dict):
            for key, child in value.items():
                yield from walk(child, f"{path}.{key}" if path else key)
        else:
            yield path, value

    leaves = dict(walk(metrics))
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in leaves.values())
    assert list(metrics["reasons"]) == sorted(REASONS)  # every code, 0 when absent
    # Each gate's value and pass flag; thresholds are not results, they stay in the report.
    assert all(set(g) == {"value", "pass"} for g in metrics["gates"].values())
    assert len(metrics["gates"]) == 45
    headline = set(metrics) - {"gates", "reasons"}
    assert headline == {"items", "calls", "unreadable", "pass", "failed", "skipped"} | {
        "extraction", "schema_valid", "f1_lax", "f1_strict", "span_f1", "aligned"
    }  # fmt: skip
    assert isinstance(metrics["items"], int) and metrics["items"] == TOTAL


def test_outputs_are_byte_identical_across_runs_and_workers(
    clean: Case, tmp_path: Path, qwen_dir: Path
) -> None:
    run(clean)
    outputs = [
        clean.root / "data" / "verify_report.json",
        clean.root / "data" / "DATASET_CARD.md",
        clean.root / "metrics" / "verify.json",
        clean.root / "metrics" / "gates.json",
        clean.root / "metrics" / "reasons.json",
        *sorted((clean.root / "metrics" / "plots").glob("*.json")),
    ]
    first = [p.read_bytes() for p in outputs]
    other = Case(tmp_path, write_params(tmp_path, qwen_dir, run__workers=2, run__chunk_size=7))
    other.extracted.parent.mkdir(parents=True)
    shutil.copy(clean.extracted, other.extracted)
    # The card shows the export's first row, and the trainer exports' files and rows.
    shutil.copy(clean.root / "data" / "train.parquet", other.root / "data" / "train.parquet")
    shutil.copytree(clean.root / "data" / "exports", other.root / "data" / "exports")
    verify.main(["--params", str(other.params)])
    second = [(other.root / p.relative_to(clean.root)).read_bytes() for p in outputs]
    # The report names its input file, which differs between the two copies.
    first[0] = first[0].replace(str(clean.root).encode(), b"ROOT")
    second[0] = second[0].replace(str(other.root).encode(), b"ROOT")
    assert first == second


def test_report_has_fingerprints_worst_items_and_per_tool_figures(clean: Case) -> None:
    _, report = run(clean)
    fingerprints = report["fingerprints"]
    assert (
        fingerprints["tokenizer"]["header"]["sha256"]
        == fingerprints["tokenizer"]["current"]["sha256"]
    )
    assert fingerprints["registry"]["header"] == fingerprints["registry"]["current"]
    worst = report["worst_strict_f1"]
    assert len(worst) == 5
    assert [w["f1_strict"] for w in worst] == sorted(w["f1_strict"] for w in worst)
    assert all({"spans", "missed_strict_fields", "id"} <= set(w) for w in worst)
    assert set(report["integration_f1"]["per_tool"]) >= {"fs.read", "web.search", "code.run"}
    assert len(report["items"]) == TOTAL
    assert all({"id", "line", "reasons"} <= set(entry) for entry in report["items"])
    plots = clean.root / "metrics" / "plots"
    rows = orjson.loads((plots / "stratification.json").read_bytes())
    # One row per cell with its count, not one per item.
    assert sum(r["items"] for r in rows) == TOTAL and len(rows) < TOTAL
    assert set(rows[0]) == {"scenario", "complexity", "items"}
    lengths = orjson.loads((plots / "sequence_lengths.json").read_bytes())
    assert sum(r["items"] for r in lengths) == TOTAL  # every item renders a training sequence
    card = (clean.root / "data" / "DATASET_CARD.md").read_text("utf-8")
    assert "## Gates" in card and "## Known limitations" in card
    assert report["fingerprints"]["tokenizer"]["current"]["sha256"] in card


# --- one defect per gate ---------------------------------------------------------------


def with_intent(items: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(i for i in items if eligible(i) and meta(i).get("intent", {}).get("kind") == kind)


def set_answer(item: dict[str, Any], answer: str) -> None:
    old = item["messages"][-1]["content"]
    item["teacher_text"] = item["teacher_text"][: -len(old)] + answer
    item["messages"][-1]["content"] = answer


def set_response(item: dict[str, Any], index: int, response: dict[str, Any]) -> None:
    """Give call `index` another recorded response everywhere the item states it."""
    name = meta(item)["call_sequence"][index]["name"]
    old = json.dumps(
        {"name": name, "content": meta(item)["tool_results"][index]}, ensure_ascii=False
    )
    new = json.dumps({"name": name, "content": response}, ensure_ascii=False)
    assert old in item["teacher_text"]
    item["teacher_text"] = item["teacher_text"].replace(old, new, 1)
    meta(item)["tool_results"][index] = response
    tool_messages = [m for m in item["messages"] if m["role"] == "tool"]
    tool_messages[index]["content"] = json.dumps(response, ensure_ascii=False)


def test_a_response_the_world_does_not_return(case: Case) -> None:
    def tamper(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in tool_using(items, "fs.read") if meta(i)["tool_results"][0]["ok"])
        response = dict(meta(item)["tool_results"][0])
        response["lines"] += 1  # one line more than the file has
        set_response(item, 0, response)

    edit(case.generated, tamper)
    reextract(case)
    report = assert_caught(case, "execution", "result_incoherent")
    details = [d for e in report["items"] for d in e.get("details", ()) if "result_incoherent" in d]
    assert any("not what the tool returns" in d and "$.lines" in d for d in details)


def test_a_listing_out_of_its_requested_order_without_a_world(case: Case) -> None:
    def unsort(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in tool_using(items, "fs.list")
            if len(meta(i)["tool_results"][0]["results"]) > 1
        )
        call = meta(item)["call_sequence"][0]
        replace_call(item, 0, {**call["arguments"], "sort": "name"})
        response = dict(meta(item)["tool_results"][0])
        response["results"] = sorted(response["results"], key=lambda e: e["path"], reverse=True)
        set_response(item, 0, response)
        for other in items:  # no world: the response is judged against its arguments
            meta(other).pop("world", None)

    edit(case.generated, unsort)
    reextract(case)
    report = assert_caught(case, "execution", "result_incoherent")
    details = [d for e in report["items"] for d in e.get("details", ()) if "result_incoherent" in d]
    assert details == ["result_incoherent: call 0 (fs.list): the listing is not sorted by name"]


def test_a_comparison_answered_without_a_relation(case: Case) -> None:
    def drop_relation(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = with_intent(items, "compare")
        answer = item["messages"][-1]["content"]
        set_answer(item, answer.rsplit(",", 1)[0] + ".")  # the values, not their relation

    edit(case.generated, drop_relation)
    reextract(case)
    report = assert_caught(case, "intent_answered", "intent_unanswered")
    assert any(
        d == "intent_unanswered: compare: the answer states no relation between the values"
        for e in report["items"]
        for d in e.get("details", ())
    )


def test_a_list_answered_with_one_entry(case: Case) -> None:
    def shorten(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        # A listing of several files or pages, asked for alone or to pick what to read.
        item = next(
            i
            for name in ("fs.list", "web.search")
            for i in tool_using(items, name)
            if "list" in meta(i)["intent"]["asks"]
            and meta(i)["tool_results"][0].get("count", 0) > 1
        )
        entry = meta(item)["tool_results"][0]["results"][0]
        set_answer(item, f"The first result is {entry.get('path') or entry['url']}.")

    edit(case.generated, shorten)
    reextract(case)
    assert_caught(case, "intent_answered", "intent_unanswered")


def test_a_missing_file_hidden_behind_its_substitute(case: Case) -> None:
    def hide(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in items
            if eligible(i)
            and any(
                a.get("cause") == "user" and "FileNotFound" in a.get("error", "")
                for a in meta(i).get("attempts", ())
            )
        )
        answer = item["messages"][-1]["content"]
        set_answer(item, answer.split(". ", 1)[1])  # without the disclosure sentence

    edit(case.generated, hide)
    reextract(case)
    report = assert_caught(case, "errors_disclosed", "error_undisclosed")
    assert any("failed on the user's" in d for e in report["items"] for d in e.get("details", ()))


def _carried(item: dict[str, Any]) -> list[str]:
    """The numbers the item's last call (a program) is given from an earlier read."""
    run = meta(item)["call_sequence"][-1]["arguments"]
    data = run.get("args") or run.get("stdin", "").split(",") or []
    if data and data != [""]:
        return [str(n) for n in data]
    return [n for n in re.findall(r"\d+", run["code"].split("\n")[0]) if len(n) > 1]


def test_a_request_that_states_what_a_later_call_is_given(case: Case) -> None:
    def leak(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        # One-digit values are everywhere, so the check needs two of two digits or more
        # to see a leak: an item whose program is given only one such value shows none.
        item = next(
            i
            for i in items
            if eligible(i)
            and meta(i)["scenario"] == "multi_step"
            and meta(i)["call_sequence"][0]["name"] in ("fs.search", "fs.list")
            and sum(len(n.lstrip("-")) > 1 for n in _carried(i)) >= 2
        )
        numbers = _carried(item)
        text = f" The values are {', '.join(numbers)}."
        item["prompt"] += text
        item["messages"][0]["content"] += text

    edit(case.generated, leak)
    reextract(case)
    assert_caught(case, "prompt_leaks", "prompt_leak")


def test_an_unfilled_template_slot_in_the_answer(case: Case) -> None:
    # A reader found "nur die relative Änderung: {f.pct} %": a template line
    # without its f-prefix printed the slot's name instead of the figure.
    def unfilled(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(tool_using(items, "web.open"))
        answer = item["messages"][-1]["content"]
        figure = re.search(r"\d+(?:[.,]\d+)?", answer)
        assert figure is not None
        set_answer(item, answer.replace(figure.group(), "{f.pct}", 1))

    edit(case.generated, unfilled)
    reextract(case)
    report = assert_caught(case, "templates_filled", "template_residue")
    assert any("{f.pct}" in d for e in report["items"] for d in e.get("details", ()))


def test_a_finding_said_and_then_quoted(case: Case) -> None:
    # Readers found the search's finding stated, then the opened page's overview quoted
    # saying the same: "reports that ... fell by 20%. Its “Overview” section says: “...
    # fell by 20% in our benchmark.”" (R18 audit). Here a search answer quotes the top
    # result's snippet after stating its finding.
    def restated(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(tool_using(items, "web.search"))
        snippet = meta(item)["tool_results"][0]["results"][0]["snippet"]
        set_answer(item, f"{item['messages'][-1]['content']} The page says: “{snippet}”")

    edit(case.generated, restated)
    reextract(case)
    report = assert_caught(case, "templates_filled", "template_residue")
    assert any("then quotes" in d for e in report["items"] for d in e.get("details", ()))


def test_yet_another_figure_that_is_not(case: Case) -> None:
    # Readers found "reports yet another figure: 60%" after a source that had said 60%
    # (R18 audit): a third result where there are two.
    def repeated(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in tool_using(items, "web.search")
            if re.search(r"\d+\s?%", i["messages"][-1]["content"])
        )
        answer = item["messages"][-1]["content"]
        figure = re.search(r"\d+\s?%", answer)
        assert figure is not None
        set_answer(item, f"{answer} Another page reports yet another figure: {figure.group()}.")

    edit(case.generated, repeated)
    reextract(case)
    report = assert_caught(case, "templates_filled", "template_residue")
    assert any("already stated" in d for e in report["items"] for d in e.get("details", ()))


def test_a_count_question_whose_listing_is_sorted(case: Case) -> None:
    # Readers found "How many files are in src (sorted by name)?": an order means
    # nothing to a count. Here a listing request becomes a count that sorts, its
    # response the world's sorted listing and its labels a count's, so that only
    # the wording is wrong.
    def sorted_count(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in tool_using(items, "fs.list")
            if meta(i)["intent"]["asks"] == ["list"] and meta(i)["complexity"] == "single_call"
        )
        args = {**meta(item)["call_sequence"][0]["arguments"], "sort": "size"}
        replace_call(item, 0, args)
        set_response(item, 0, execute(World.from_json(meta(item)["world"]), "fs.list", args))
        caws = item["prompt"].split("\n", 1)[0]
        item["prompt"] = f"{caws}\nHow many files are in {args['dir']} (sorted by size)?"
        item["messages"][0]["content"] = item["prompt"]
        meta(item)["intent"] = {"kind": "count", "asks": ["count"], "slots": {"dir": args["dir"]}}

    edit(case.generated, sorted_count)
    reextract(case)
    report = assert_caught(case, "requests_coherent", "request_incoherent")
    details = [d for e in report["items"] for d in e.get("details", ()) if "request_inco" in d]
    assert details == [
        "request_incoherent: call 0 (fs.list) sorts by 'size' for a request that only asks "
        "how many: an order means nothing to a count"
    ]


def test_a_retry_that_refers_to_an_answer_the_item_does_not_hold(case: Case) -> None:
    # R10 readers: "Please try again, I missed your last answer: ..." in a one-turn item.
    def missed(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in items if meta(i).get("expected_behaviour") == "retry")
        header, request = item["prompt"].split("\n", 1)
        question = request.split(": ", 1)[1]
        item["prompt"] = f"{header}\nPlease try again, I missed your last answer: {question}"
        item["messages"][0]["content"] = item["prompt"]

    edit(case.generated, missed)
    reextract(case)
    report = assert_caught(case, "history_present", "history_absent")
    assert any("your last answer" in d for e in report["items"] for d in e.get("details", ()))


def test_a_search_for_context_answered_with_one_neighbouring_line(case: Case) -> None:
    # R10 readers: N lines of context asked, only the line before the match quoted.
    def neighbour(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item, call, first = next(
            (i, c, r["results"][0])
            for i in items
            for c, r in zip(meta(i)["call_sequence"], meta(i)["tool_results"], strict=True)
            if c["name"] == "fs.search"
            and (c["arguments"].get("options") or {}).get("context_lines")
            and r["ok"]
            and r["count"] == 1
            and r["results"][0]["before"]
        )
        answer = item["messages"][-1]["content"]
        rest = answer.split(". ", 1)[1:]
        old = (
            f"`{call['arguments']['pattern']}` appears once, at {first['path']}:{first['line']}, "
            f"right after `{first['before'][-1].strip()}`."
        )
        set_answer(item, " ".join([old, *rest]))

    edit(case.generated, neighbour)
    reextract(case)
    report = assert_caught(case, "intent_answered", "intent_unanswered")
    assert any("context lines of" in d for e in report["items"] for d in e.get("details", ()))


def test_a_page_summary_without_its_caveat(case: Case) -> None:
    # R12 readers: "summarise it" answered with the headline and figures, no caveat.
    def drop_caveat(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in tool_using(items, "web.search")
            if meta(i)["lang"] == "en"
            and " The “Caveats” section qualifies this: " in i["messages"][-1]["content"]
        )
        answer = item["messages"][-1]["content"]
        set_answer(item, answer.split(" The “Caveats” section qualifies this: ")[0])

    edit(case.generated, drop_caveat)
    reextract(case)
    report = assert_caught(case, "intent_answered", "intent_unanswered")
    assert any(
        "summarise: the caveat of" in d for e in report["items"] for d in e.get("details", ())
    )


def test_a_page_quoted_for_a_metric_it_does_not_report(case: Case) -> None:
    # A reader found a comparison of p95 latency that quoted a page on monthly cost.
    def misquote(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in tool_using(items, "web.search")
            if meta(i)["lang"] == "en"
            and "p95 latency" in i["messages"][-1]["content"]
            and "https://" in i["messages"][-1]["content"]
        )
        answer = item["messages"][-1]["content"]
        set_answer(item, answer.replace("p95 latency", "monthly cost"))

    edit(case.generated, misquote)
    reextract(case)
    report = assert_caught(case, "attributions", "figure_misattributed")
    assert any("reports latency" in d for e in report["items"] for d in e.get("details", ()))


def test_a_file_given_a_date_no_response_gave_it(case: Case) -> None:
    # A reader found a link's name given the date of the file the read followed it to
    # (R12); the same misattribution, injected as a wrong date for the file read.
    def misdate(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in tool_using(items, "fs.read") if meta(i)["tool_results"][0]["ok"])
        read = meta(item)["tool_results"][0]
        path = read.get("resolved", read["path"])
        year = int(read["modified"][:4]) - 1
        wrong = f"{year}{read['modified'][4:]}"
        append_to_answer(
            item, f" The file {path} was last modified on {wrong} and is {read['size']} bytes long."
        )

    edit(case.generated, misdate)
    reextract(case)
    report = assert_caught(case, "attributions", "figure_misattributed")
    assert any(
        "is said to be modified on" in d for e in report["items"] for d in e.get("details", ())
    )


def test_a_locale_probe_s_asked_date_left_out(case: Case) -> None:
    # R12: the probe's dated sentence is now asked for; an answer without it leaves the
    # request's "when was it last modified / published?" unanswered.
    def drop_date(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in items
            if {"modified", "published"} & set(meta(i).get("intent", {}).get("asks", ()))
        )
        sentences = re.split(r"(?<=[.!?])\s+", item["messages"][-1]["content"])
        dated = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}[./]\d{2}[./]\d{4}")
        set_answer(item, " ".join(x for x in sentences if not dated.search(x)))

    edit(case.generated, drop_date)
    reextract(case)
    report = assert_caught(case, "intent_answered", "intent_unanswered")
    assert any("none of the dates" in d for e in report["items"] for d in e.get("details", ()))


def test_a_control_labelled_with_calls(case: Case) -> None:
    def relabel(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        control = next(i for i in items if meta(i).get("control"))
        meta(control)["complexity"] = "single_call"

    edit(case.extracted, relabel)
    report = assert_caught(case, "labels", "label_mismatch")
    assert any(
        d == "label_mismatch: complexity 'single_call', the calls make it 'none'"
        for e in report["items"]
        for d in e.get("details", ())
    )


@pytest.mark.parametrize("kind", ["control", "ambiguity"])
def test_an_argument_shape_on_an_item_without_calls(case: Case, kind: str) -> None:
    # R12-R14: readers filtering on `structure` picked up controls and clarifying
    # questions that send no arguments at all.
    def shape(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i
            for i in items
            if (
                meta(i).get("control")
                if kind == "control"
                else meta(i).get("adversarial", {}).get("type") == kind
            )
        )
        assert meta(item)["structure"] == "none" and not meta(item)["call_sequence"]
        meta(item)["structure"] = "nested_args"

    edit(case.extracted, shape)
    report = assert_caught(case, "labels", "label_mismatch")
    assert any(
        d == "label_mismatch: structure 'nested_args' on an item that makes no call"
        for e in report["items"]
        for d in e.get("details", ())
    )


def test_structure_none_on_an_item_with_calls(case: Case) -> None:
    def unlabel(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        meta(next(i for i in items if eligible(i)))["structure"] = "none"

    edit(case.extracted, unlabel)
    report = assert_caught(case, "labels", "label_mismatch")
    details = [d for e in report["items"] for d in e.get("details", ())]
    assert any(
        re.fullmatch(
            r"label_mismatch: structure 'none' on an item that makes (a call|\d+ calls)", d
        )
        for d in details
    )
    # Its arguments have no "none" shape either: fidelity fails rather than raising.
    assert "structure_fidelity" in report["summary"]["failed_gates"]


def test_an_invalid_call_in_the_trained_target(case: Case) -> None:
    def overshoot(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(tool_using(items, "web.search"))
        call = meta(item)["call_sequence"][0]
        replace_call(item, 0, {**call["arguments"], "top_k": 50})

    edit(case.generated, overshoot)
    reextract(case)
    report = assert_caught(case, "trained_calls_valid", "invalid_trained_call")
    assert any(
        "top_k" in d and "trained on" in d for e in report["items"] for d in e.get("details", ())
    )


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("pii_email", " Write to jane.doe@corp.io for access."),
        ("pii_phone", " Call +1 415 555 2671 for access."),
        ("pii_card", " Pay with 4111 1111 1111 1111 now."),
        ("pii_uuid", " Request 123e4567-e89b-12d3-a456-426614174000 failed."),
        ("secret", " The key is AKIAIOSFODNN7EXAMPLE."),
        ("secret", " Use token ghp_" + "A1b2C3d4E5" * 3 + "F6g7H8 here."),
        ("secret", "\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n"),
        (
            "secret",
            " Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ),
        ("url_not_allowlisted", " Details at http://example.org@evil.com/x."),
    ],
)
def test_privacy_leak(case: Case, student: Student, code: str, text: str) -> None:
    def leak(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        # At the very end of the answer every span keeps its place; only the
        # rendered sequence grows, and its length is updated the way extract would.
        item = next(i for i in items if eligible(i))
        append_to_answer(item, text)
        rendered = student.render(item["messages"], item["tools"])
        item["targets"]["sequence"]["length"] = student.count_tokens(rendered)

    edit(case.extracted, leak)
    report = assert_caught(case, "privacy", code)
    assert next(g for g in report["gates"] if g["name"] == "privacy")["code"] == code
    assert text.strip() not in json.dumps(report), "evidence must be masked"


def test_ungrounded_answers(case: Case) -> None:
    def unground(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in [i for i in items if eligible(i)][::4]:
            answer = item["messages"][-1]["content"]
            item["teacher_text"] = item["teacher_text"][: -len(answer)] + "All done."
            item["messages"][-1]["content"] = "All done."

    edit(case.generated, unground)
    reextract(case)
    assert_caught(case, "integration_f1", "ungrounded_lax")


def test_missing_args_span_in_multi_call_items(case: Case) -> None:
    def drop(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in items:
            if len(item["targets"]["calls"]) >= 2:
                item["targets"]["calls"][1]["args_span"] = None

    edit(case.extracted, drop)
    assert_caught(case, "multicall_parity", "multicall_missing_args")


def test_tool_call_in_a_control(case: Case) -> None:
    def call(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        control = next(i for i in items if meta(i).get("control"))
        control["teacher_text"] += '\n{"name": "fs.read", "arguments": {"path": "a.md"}}'

    edit(case.extracted, call)
    assert_caught(case, "controls", "control_tool_call")


@pytest.mark.parametrize("level", ["teacher", "sequence"])
def test_token_spans_shifted_by_one(case: Case, level: str) -> None:
    def shift(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in [i for i in items if i["targets"]["calls"]][:6]:
            targets = item["targets"]
            if level == "teacher":
                for span in [c["args_span"] for c in targets["calls"]]:
                    span["tokens"] = [span["tokens"][0] + 1, span["tokens"][1] + 1]
            else:
                for call in targets["sequence"]["calls"]:
                    call["args"] = [call["args"][0] + 1, call["args"][1] + 1]

    edit(case.extracted, shift)
    assert_caught(case, f"alignment_{level}", f"misaligned_{level}")


def test_fast_tokenizer_differing_from_the_tokenizer(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tiktoken standing in for `tokenizers` gives one wrong id on pieces with a digit:
    the items verify re-encodes with the tokenizer itself (the default share) say so.

    The load-time probe texts are left exact: otherwise the fast path is refused
    at load, verify encodes with `tokenizers` alone and there is nothing to catch
    (the test then passed only after another test had loaded the fast path)."""
    original = ByteBPE.encode_batch
    probes = set(PROBES)

    def off_by_one(self: ByteBPE, texts: list[str]) -> list[Tokens]:
        out = original(self, texts)
        for text, tokens in zip(texts, out, strict=True):
            if text not in probes and any(ch.isdigit() for ch in text) and len(tokens):
                ids = tokens.id_array.copy()
                ids[0] += 1
                tokens.id_array = ids
        return out

    monkeypatch.setattr(ByteBPE, "encode_batch", off_by_one)
    report = assert_caught(case, "reference", "tokenizer_mismatch")
    checked = report["gates"][[g["name"] for g in report["gates"]].index("reference")]
    assert f"of {TOTAL} items re-encoded by the tokenizer itself" in checked["detail"]


def test_template_port_rendering_differently_from_jinja(case: Case) -> None:
    """The sequence extract tokenised (its sha256) is not what Jinja renders now."""

    def drift(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[3]["targets"]["sequence"]["sha256"] = "0" * 64

    edit(case.extracted, drift)
    report = assert_caught(case, "reference", "rendering_mismatch")
    assert report["reasons"]["rendering_mismatch"] == 1


def test_stale_tokenizer_fingerprint(case: Case) -> None:
    def stale(_: list[dict[str, Any]], header: dict[str, Any]) -> None:
        header["tokenizer_fingerprint"]["sha256"] = "0" * 64

    edit(case.extracted, stale)
    assert_caught(case, "tokenizer_fingerprint", "tokenizer_fingerprint")


def test_stale_registry_fingerprint(case: Case) -> None:
    def stale(_: list[dict[str, Any]], header: dict[str, Any]) -> None:
        header["tool_registry_sha256"] = "f" * 64

    edit(case.extracted, stale)
    assert_caught(case, "registry_fingerprint", "registry_fingerprint")


def test_item_offering_a_changed_tool_definition(case: Case) -> None:
    def change(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[3]["tools"][0]["function"]["description"] += " (patched)"

    edit(case.extracted, change)
    report = assert_caught(case, "registry_fingerprint", "tool_definition_mismatch")
    assert report["reasons"]["registry_fingerprint"] >= 1


def test_missing_stratification_cell(case: Case) -> None:
    def drop(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        cell = ("code_exec", "branching_error_recovery")
        items[:] = [i for i in items if (meta(i)["scenario"], meta(i)["complexity"]) != cell]

    edit(case.extracted, drop)
    report = assert_caught(case, "stratification", "stratification_cell")
    assert "code_exec/branching_error_recovery 0<" in next(
        g["detail"] for g in report["gates"] if g["name"] == "stratification"
    )


def test_missing_structure_in_a_scenario(case: Case) -> None:
    def drop(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[:] = [
            i
            for i in items
            if not (meta(i)["scenario"] == "web_search" and meta(i)["structure"] == "arrays")
        ]

    edit(case.extracted, drop)
    assert_caught(case, "structure_coverage", "structure_coverage")


def test_too_few_adversarial_items(case: Case) -> None:
    def drop(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[:] = [
            i for i in items if (meta(i).get("adversarial") or {}).get("type") != "ambiguity"
        ]

    edit(case.extracted, drop)
    assert_caught(case, "adversarial_quota", "adversarial_quota")


def test_adversarial_item_not_behaving_as_labelled(case: Case) -> None:
    def relabel(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(
            i for i in items if (meta(i).get("adversarial") or {}).get("type") == "ambiguity"
        )
        item["teacher_text"] = item["teacher_text"].replace("?", ".").replace("¿", "")
        item["messages"][-1]["content"] = item["messages"][-1]["content"].replace("?", ".")

    edit(case.generated, relabel)
    reextract(case)
    assert_caught(case, "adversarial_behaviour", "adversarial_behaviour")


def test_structure_label_lie(case: Case) -> None:
    def lie(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in items if eligible(i) and meta(i)["structure"] == "flat_args")
        meta(item)["structure"] = "nested_args"

    edit(case.extracted, lie)
    assert_caught(case, "structure_fidelity", "structure_mismatch")


def test_duplicate_id(case: Case) -> None:
    def duplicate(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[5]["id"] = items[4]["id"]

    edit(case.extracted, duplicate)
    assert_caught(case, "duplicate_ids", "duplicate_id")


def test_duplicate_prompts(case: Case) -> None:
    def duplicate(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in items[1:4]:
            item["prompt"] = items[0]["prompt"]

    edit(case.extracted, duplicate)
    assert_caught(case, "duplicate_prompts", "duplicate_prompt")


@pytest.mark.parametrize("where", ["top", "metadata", "message"])
def test_teacher_reasoning_content_present(case: Case, where: str) -> None:
    def add(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        target = {"top": items[2], "metadata": meta(items[2]), "message": items[2]["messages"][-1]}
        target[where]["teacher_reasoning_content"] = "I think the user wants..."

    edit(case.extracted, add)
    assert_caught(case, "reasoning_content", "reasoning_content")


def test_a_think_tag_left_in_the_assistant_text(case: Case) -> None:
    def add(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        last = items[2]["messages"][-1]
        last["content"] = "Let me think.\n</think>\n" + last["content"]

    edit(case.extracted, add)
    assert_caught(case, "reasoning_content", "reasoning_content")


@pytest.mark.parametrize(
    "call",
    [
        ' {"name": "fs.read", "parameters": {"path": "notes.md"}}',
        '\n[TOOL_CALLS][{"name": "fs.read", "arguments": {"path": "notes.md"}}',
        "\n<function=fs.read>",
        # DeepSeek's, Kimi K2's and GLM-4.5's native calls, not closed or not complete.
        '\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>fs.read<｜tool▁sep｜>{"path": "notes.md"}',
        "\n<|tool_calls_section_begin|><|tool_call_begin|>functions.fs.read:0",
        "\n<tool_call>fs.read\n<arg_key>path</arg_key>\n</tool_call>",
    ],
)
def test_call_like_text_in_an_answer(case: Case, call: str) -> None:
    """A call the teacher wrote in a format no parser read, left in the answer's prose."""

    def leave(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[2]["messages"][-1]["content"] += call
        items[2]["teacher_text"] += call

    edit(case.extracted, leave)
    report = assert_caught(case, "call_like_text", "call_like_text")
    assert report["reasons"]["call_like_text"] == 1


def test_caws_header_unparsable(case: Case) -> None:
    def garble(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in items[::8]:
            header, rest = item["prompt"].split("\n", 1)
            item["prompt"] = f"CAWS tier 2 {header[:-1]}\n{rest}"
            item["messages"][0]["content"] = item["prompt"]

    edit(case.generated, garble)
    reextract(case)
    assert_caught(case, "caws_parsed", "caws_unparsable")


def test_caws_header_too_long(case: Case) -> None:
    def lengthen(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = items[0]
        header, rest = item["prompt"].split("\n", 1)
        body = json.loads(header)
        body["caws"]["notes"] = "a deliberately long note that costs many tokens " * 2
        item["prompt"] = f"{json.dumps(body)}\n{rest}"
        item["messages"][0]["content"] = item["prompt"]

    edit(case.generated, lengthen)
    reextract(case)
    assert_caught(case, "caws_budget", "caws_too_long")


def test_over_cap_integration_without_flag(case: Case) -> None:
    def overfill(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in items if len(i["targets"]["integration_spans"]) >= 2)
        spans = item["targets"]["integration_spans"]
        spans.extend([spans[-1]] * 3)

    edit(case.extracted, overfill)
    assert_caught(case, "integration_cap", "integration_over_cap")


def test_path_traversal_in_arguments(case: Case) -> None:
    def escape(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(tool_using(items, "fs.read"))
        arguments = dict(meta(item)["call_sequence"][0]["arguments"])
        arguments["path"] = "../../etc/passwd"
        replace_call(item, 0, arguments)

    edit(case.generated, escape)
    reextract(case)
    report = assert_caught(case, "argument_safety", "unsafe_path")
    assert any("traversal" in d for e in report["items"] for d in e.get("details", ()))


def test_shell_injection_in_code_arguments(case: Case, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    def inject(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(tool_using(items, "code.run"))
        arguments = dict(meta(item)["call_sequence"][0]["arguments"])
        arguments["code"] = f"import os\nos.system('touch {marker}')\n" + arguments["code"]
        replace_call(item, 0, arguments)

    edit(case.generated, inject)
    reextract(case)
    assert_caught(case, "argument_safety", "shell_injection")
    assert not marker.exists(), "arguments are flagged, never executed"


def test_invalid_json_calls(case: Case) -> None:
    def corrupt(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in [i for i in items if eligible(i)][:12]:
            call = meta(item)["call_sequence"][0]
            text = call_text(call["name"], call["arguments"])
            item["teacher_text"] = item["teacher_text"].replace(text, text[:-1] + ",}", 1)

    edit(case.generated, corrupt)
    reextract(case)
    assert_caught(case, "json_valid", "json_invalid")


def test_schema_invalid_arguments(case: Case) -> None:
    def invalidate(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in list(tool_using(items, "web.search"))[:8]:
            arguments = dict(meta(item)["call_sequence"][0]["arguments"])
            arguments["unexpected"] = True
            replace_call(item, 0, arguments)

    edit(case.generated, invalidate)
    reextract(case)
    assert_caught(case, "schema_valid", "schema_invalid")


def test_extractor_spans_off_the_gold(case: Case) -> None:
    def nudge(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in items[:40]:
            for call in item["targets"]["calls"]:
                call["call_span"]["chars"][0] += 1

    edit(case.extracted, nudge)
    assert_caught(case, "span_f1", "gold_span_mismatch")


def test_incomplete_extraction(case: Case) -> None:
    def strip(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in [i for i in items if i["targets"]["calls"]][:12]:
            item["targets"]["calls"][0]["name_span"] = None

    edit(case.extracted, strip)
    assert_caught(case, "full_extraction", "extraction_incomplete")


def test_inconsistent_attempts(case: Case) -> None:
    def flip(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in items if meta(i).get("attempts"))
        for attempt in meta(item)["attempts"]:
            attempt["ok"] = True

    edit(case.extracted, flip)
    assert_caught(case, "attempts", "attempts_inconsistent")


def test_unreadable_record(case: Case) -> None:
    with case.extracted.open("ab") as handle:
        handle.write(b'{"id": "broken", "prompt": \n')
    report = assert_caught(case, "records", "record_invalid")
    assert report["summary"]["unreadable_lines"] == 1
    assert len(report["items"]) == TOTAL + 1


def test_multilingual_items_poorly_extracted(case: Case) -> None:
    def strip(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in items:
            if meta(item)["lang"] != "en" and item["targets"]["integration_spans"]:
                item["targets"]["integration_spans"] = []

    edit(case.extracted, strip)
    assert_caught(case, "multilingual_extraction", "multilingual_extraction")


def test_long_context_extraction_gap(case: Case) -> None:
    def strip(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        item = next(i for i in items if meta(i).get("long_context") and eligible(i))
        item["targets"]["calls"][0]["args_span"] = None

    edit(case.extracted, strip)
    assert_caught(case, "long_context_gap", "long_context_gap")


def test_too_few_long_context_items(case: Case) -> None:
    def unflag(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        meta(next(i for i in items if meta(i).get("long_context"))).pop("long_context")

    edit(case.extracted, unflag)
    assert_caught(case, "long_context_quota", "long_context_quota")


def test_too_few_locale_probes(case: Case) -> None:
    def unflag(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in items:
            meta(item).pop("locale_probe", None)

    edit(case.extracted, unflag)
    assert_caught(case, "locale_probes", "locale_probes")


def test_control_mix_off_plan(case: Case) -> None:
    def drop(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        items[:] = [i for i in items if meta(i).get("expected_behaviour") != "decline"]

    edit(case.extracted, drop)
    assert_caught(case, "control_mix", "control_mix")


def test_multilingual_mix_off_plan(case: Case) -> None:
    def relabel(items: list[dict[str, Any]], _: dict[str, Any]) -> None:
        for item in [i for i in items if meta(i)["lang"] != "en"][:4]:
            meta(item)["lang"] = "en"
            meta(item).pop("locale_probe", None)

    edit(case.extracted, relabel)
    assert_caught(case, "multilingual_mix", "multilingual_mix")


# --- standalone verify of a generated set applies the plan its header records ---------------


def standalone(case: Case, qwen_dir: Path) -> tuple[int, dict[str, Any]]:
    report = case.root / "standalone.json"
    code = verify.main(
        ["--in", str(case.extracted), "--report", str(report), "--tokenizer", str(qwen_dir),
         "--params", str(case.params)]
    )  # fmt: skip
    return code, orjson.loads(report.read_bytes())


def test_a_generated_set_verified_standalone_passes_every_gate(case: Case, qwen_dir: Path) -> None:
    code, report = standalone(case, qwen_dir)
    assert report["mode"] == "standalone"
    assert report["summary"]["failed_gates"] == [] and code == 0
    # The plan travels in the header: nothing but what the header cannot prove is skipped.
    assert report["skipped"] == []
    names = {g["name"] for g in report["gates"]}
    assert {"stratification", "adversarial_quota", "control_mix", "labels"} <= names


def test_standalone_fails_a_set_missing_a_stratification_cell(case: Case, qwen_dir: Path) -> None:
    def drop_cell(items: list[dict[str, Any]], header: dict[str, Any]) -> None:
        cell = ("web_search", "branching_error_recovery")
        items[:] = [i for i in items if (meta(i)["scenario"], meta(i)["complexity"]) != cell]

    edit(case.extracted, drop_cell)
    code, report = standalone(case, qwen_dir)
    assert code == 1 and "stratification" in report["summary"]["failed_gates"]
    gate = next(g for g in report["gates"] if g["name"] == "stratification")
    assert "web_search/branching_error_recovery 0<2" in gate["detail"]


def _adversarial_type(item: dict[str, Any]) -> Any:
    return (meta(item).get("adversarial") or {}).get("type")


def test_standalone_fails_a_set_without_ambiguity_items(case: Case, qwen_dir: Path) -> None:
    def drop_ambiguity(items: list[dict[str, Any]], header: dict[str, Any]) -> None:
        items[:] = [i for i in items if _adversarial_type(i) != "ambiguity"]

    edit(case.extracted, drop_ambiguity)
    code, report = standalone(case, qwen_dir)
    assert code == 1 and "adversarial_quota" in report["summary"]["failed_gates"]
