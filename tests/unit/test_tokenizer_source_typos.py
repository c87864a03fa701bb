"""A mistyped tokenizer.source is answered at once, offline, with the name it resembles."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline import tokenizer as tokenizer_stage
from pipeline.student import TokenizerError, materialise


@pytest.mark.parametrize(
    ("source", "suggestion"),
    [("embeded", "embedded"), ("Embedded", "embedded"), ("embedded-qwen3", "embedded-qwen3.6")],
)
def test_a_typo_of_an_embedded_name_suggests_it_without_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, suggestion: str
) -> None:
    # With the hub reachable in principle, the answer still must not wait for it.
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    started = time.perf_counter()
    with pytest.raises(TokenizerError, match=f"did you mean {suggestion!r}"):
        materialise(source, tmp_path / "out")
    assert time.perf_counter() - started < 0.5
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("source", ["./no-such-dir", "/no/such/dir", "a/b/c", "-bad-"])
def test_a_missing_directory_is_no_hub_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    started = time.perf_counter()
    with pytest.raises(TokenizerError, match="no such directory, and not a hub id"):
        materialise(source, tmp_path / "out")
    assert time.perf_counter() - started < 0.5


def test_the_stage_prints_the_suggestion_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(f"tokenizer:\n  source: embeded\n  out: {tmp_path / 'tok'}\n", "utf-8")
    assert tokenizer_stage.main(["--params", str(params)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tokenizer: error: tokenizer.source 'embeded' is not a known source: ")
    assert "did you mean 'embedded'?" in err and err.count("\n") == 1
