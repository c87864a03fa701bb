"""python -m pipeline.preview: every token of a real export row shown once, in order,
inside the marker of its most specific mask."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline import preview
from pipeline.export import ParquetExport
from pipeline.student import Student
from pipeline.targets.build import Extractor, Settings

FIXTURES = Path(__file__).parents[1] / "fixtures" / "external"
MARK = re.compile(r"\[\[(asst|name|args|intg|noloss): (.*?)\]\]", re.DOTALL)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory, qwen_dir: Path) -> Path:
    items = [
        json.loads(line) for line in (FIXTURES / "openai.jsonl").read_text("utf-8").splitlines()
    ]
    example = json.loads((FIXTURES / "item-hermes-es.json").read_text("utf-8"))
    del example["targets"]
    outcomes = Extractor(qwen_dir, Settings()).run_chunk(list(enumerate([*items, example])))
    path = tmp_path_factory.mktemp("preview") / "train.parquet"
    with ParquetExport(path) as writer:
        for outcome in outcomes:
            if outcome.row is not None:
                writer.add(outcome.row)
    return path


def shown(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert preview.main(list(args)) == 0
    return capsys.readouterr().out


def test_markers_hold_exactly_the_masked_tokens(
    export: Path, qwen_dir: Path, student: Student, capsys: pytest.CaptureFixture[str]
) -> None:
    (row,) = preview.select_rows(preview.Request(str(export), 1, ("ctx-000042",)))
    out = shown(
        capsys, "--export", str(export), "--tokenizer", str(qwen_dir), "--ids", row["id"],
        "--color", "never", "--full", "--params", "absent.yaml",
    )  # fmt: skip
    head, body = out.split("\n", 1)
    assert head == (
        f"== {row['id']}: tokens {len(row['input_ids'])}, "
        f"loss {sum(1 for x in row['labels'] if x != -100)}, "
        f"assistant {sum(row['assistant_mask'])}, name {sum(row['tool_name_mask'])}, "
        f"args {sum(row['tool_args_mask'])}, integration {sum(row['integration_mask'])}"
    )
    # Every marked run is the decoding of exactly the tokens with that role.
    for role, mask in (("name", "tool_name_mask"), ("args", "tool_args_mask")):
        decoded = [student.decode([t]) for t, m in zip(row["input_ids"], row[mask], strict=True)]
        texts = [text for r, text in MARK.findall(body) if r == role]
        assert "".join(texts) == "".join(d for d, m in zip(decoded, row[mask], strict=True) if m)
        assert texts, role
    assert any(r == "intg" for r, _ in MARK.findall(body))
    # Without the markers, the whole sequence in order: nothing lost, nothing twice.
    plain = MARK.sub(lambda m: m.group(2), body)
    assert plain == student.decode(row["input_ids"]) + "\n\n"


def test_first_n_rows_and_rows_by_id_in_the_order_asked(
    export: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--export", str(export), "--tokenizer", str(qwen_dir), "--color", "never"]
    first_two = re.findall(r"^== (\S+):", shown(capsys, *base, "--n", "2"), re.MULTILINE)
    assert len(first_two) == 2
    picked = re.findall(
        r"^== (\S+):", shown(capsys, *base, "--ids", first_two[1], first_two[0]), re.MULTILINE
    )
    assert picked == [first_two[1], first_two[0]]


def test_color_marks_roles_with_ansi_codes(
    export: Path, qwen_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = shown(capsys, "--export", str(export), "--tokenizer", str(qwen_dir), "--color", "always")
    assert preview.COLORS["name"] in out and preview.RESET in out and "[[name:" not in out


def test_an_unknown_id_or_a_missing_export_is_a_one_line_error(
    export: Path, qwen_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--tokenizer", str(qwen_dir)]
    assert preview.main([*base, "--export", str(export), "--ids", "nope"]) == 2
    assert capsys.readouterr().err == f"preview: error: {export}: no row with id nope\n"
    missing = tmp_path / "none.parquet"
    assert preview.main([*base, "--export", str(missing)]) == 2
    assert "no such export" in capsys.readouterr().err
