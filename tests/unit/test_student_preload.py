"""`preloading`: a tokenizer read on a thread is the one `Student` would have read."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from pipeline import student as student_module
from pipeline.student import Student, TokenizerError, preloading

TEXTS = [
    "Lies die Datei docs/a.md: 1.234,56 Einträge — café 😀",
    '<|im_start|>user\n{"name": "fs.read", "arguments": {"path": "a"}}<|im_end|>',
    "",
]


def _preload_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tokenizer-preload"]


def test_the_student_takes_the_preloaded_tokenizer_and_encodes_the_same(qwen_dir: Path) -> None:
    plain = Student(qwen_dir)
    with preloading(qwen_dir):
        assert len(student_module._PRELOADS) == 1
        preloaded = Student(qwen_dir)
        # Taken: nothing is pending, and the reading thread has finished.
        assert student_module._PRELOADS == {}
        assert _preload_threads() == []
    assert [e.ids for e in preloaded.encode_batch(TEXTS)] == [
        e.ids for e in plain.encode_batch(TEXTS)
    ]
    assert [e.offsets for e in preloaded.encode_batch(TEXTS)] == [
        e.offsets for e in plain.encode_batch(TEXTS)
    ]
    assert preloaded.fingerprint == plain.fingerprint
    fast = preloaded.bytebpe()
    assert fast is not None  # the fast path's proof holds against the preloaded tokenizer


def test_a_preload_not_taken_is_dropped_when_the_block_ends(qwen_dir: Path) -> None:
    with preloading(qwen_dir):
        pass
    assert student_module._PRELOADS == {}
    assert _preload_threads() == []
    # A Student built later reads the file itself.
    assert Student(qwen_dir).count_tokens("Hello") == 1


def test_a_corrupt_file_read_on_the_thread_fails_as_it_does_without(
    qwen_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "tok"
    shutil.copytree(qwen_dir, copy)
    (copy / "tokenizer.json").write_bytes(b"{truncated")
    with pytest.raises(TokenizerError, match=r"tokenizer\.json: corrupt or unreadable") as direct:
        Student(copy)
    with preloading(copy), pytest.raises(TokenizerError) as preloaded:
        Student(copy)
    assert str(preloaded.value) == str(direct.value)
    assert student_module._PRELOADS == {}


def test_no_preload_when_not_wanted_or_when_there_is_no_file(
    qwen_dir: Path, tmp_path: Path
) -> None:
    with preloading(qwen_dir, wanted=False):
        assert student_module._PRELOADS == {}
    with preloading(tmp_path / "nowhere"):
        assert student_module._PRELOADS == {}
        with pytest.raises(TokenizerError, match="tokenizer directory missing"):
            Student(tmp_path / "nowhere")


def test_the_same_file_by_another_spelling_takes_the_preload(
    qwen_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stages name the directory as params do (often relative): the key is absolute."""
    monkeypatch.chdir(qwen_dir.parent)
    with preloading(qwen_dir.name):
        Student(Path(os.path.abspath(qwen_dir)))
        assert student_module._PRELOADS == {}
